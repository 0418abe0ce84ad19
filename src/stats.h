/*
 * stats.h
 *		Shared counters behind the cachebot.stats view.
 */
#ifndef CACHEBOT_STATS_H
#define CACHEBOT_STATS_H

#include "postgres.h"

/* Why a hinted statement ran normally. */
typedef enum SkipReason
{
	SKIP_NONE = 0,
	SKIP_NOT_SELECT,			/* not a plain SELECT (INTO, FOR UPDATE, DML CTE...) */
	SKIP_UNTRACKED_TABLE,		/* reads a table that is not tracked */
	SKIP_MUTABLE_FUNCTION,		/* calls a function that is not IMMUTABLE */
	SKIP_ISOLATION,				/* REPEATABLE READ or SERIALIZABLE */
	SKIP_CURSOR,				/* scrollable cursor or partial fetch, on a miss */
	SKIP_WRITTEN_IN_XACT,		/* the transaction wrote one of its tables or
								 * the catalog; a fill: wrote anything */
	SKIP_ROW_SECURITY,			/* a table has row level security */
	SKIP_TOO_LARGE,				/* result over cachebot.max_entry_size */
	SKIP_BAD_HINT,				/* malformed hint */
	SKIP_BACKEND_ERROR,			/* the store could not answer */
	SKIP_PENDING,				/* a writer of a dependency is committing */
	SKIP_NESTED,				/* runs inside another statement or function */
	SKIP_UNSUPPORTED,			/* plan shape cachebot does not replay */
	SKIP_RECOVERY,				/* the server is a standby */
	SKIP_TEMPORARY,				/* uses a session-private object */
	SKIP_SYSTEM_COLUMN,			/* reads ctid, xmin, xmax, cmin or cmax */
	SKIP_RECORD_TYPE,			/* returns an anonymous record */
	SKIP_CATALOG_CHANGED,		/* a DDL committed since it was planned */
	SKIP_NO_QUERY_ID,			/* compute_query_id is off */
	SKIP_PARSE_TIME_VALUE,		/* a literal made a value when parsed: the
								 * clock's ('now') or a name's (::regclass) */
	SKIP_FILL_WAIT,				/* another session's fill took longer than
								 * cachebot.fill_wait */
	SKIP_NREASONS
} SkipReason;

/* The name of each reason, as the stats and explain() show it. */
extern const char *const cachebot_skip_reason_names[SKIP_NREASONS];

typedef enum StatCounter
{
	STAT_HITS = 0,
	STAT_HITS_UNPLANNED,		/* hits served without planning the statement */
	STAT_MISSES,
	STAT_FILLS,
	STAT_INVALIDATIONS,			/* version records bumped at commit */
	STAT_EVICTIONS,				/* entries overwritten to make room */
	STAT_ERRORS,				/* corrupt entries, store failures */
	STAT_BYTES_FILLED,			/* bytes written by fills */
	STAT_NCOUNTERS
} StatCounter;

/* The counters' shared memory: requested, then set up (postmaster). */
extern void cachebot_stats_request(void);
extern void cachebot_stats_startup(void);

/*
 * Adds to a counter. Lock-free (atomics), allocates nothing and cannot fail:
 * callable after a commit, and with locks held.
 */
extern void cachebot_stats_count(StatCounter counter, uint64 n);
extern void cachebot_stats_count_skip(SkipReason reason);

/* A counter's value since the last reset. */
extern uint64 cachebot_stats_get(StatCounter counter);
extern uint64 cachebot_stats_get_skip(SkipReason reason);

/* Sets every counter to zero. */
extern void cachebot_stats_reset(void);

#endif							/* CACHEBOT_STATS_H */
