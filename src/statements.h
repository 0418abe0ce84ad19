/*
 * statements.h
 *		Per-statement and per-table statistics behind the cachebot.statements
 *		and cachebot.tables views: one row per statement shape (database,
 *		role, query ID, hint) and per tracked table (database, table), in one
 *		table bounded by cachebot.max_statements, the least used dropped first.
 */
#ifndef CACHEBOT_STATEMENTS_H
#define CACHEBOT_STATEMENTS_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "stats.h"

/* What happened to one execution of a statement the cache was asked for. */
typedef enum StatementEvent
{
	STMT_HIT,
	STMT_MISS,					/* the entry was absent, expired or stale */
	STMT_MISS_STALE,			/* ... stale: invalidated since it was stored */
	STMT_FILL,					/* a result stored (bytes, fill_ms) */
	STMT_SKIP					/* ran uncached (skip) */
} StatementEvent;

/* Shared memory: requested, then set up (postmaster). */
extern void cachebot_statements_request(void);
extern void cachebot_statements_startup(void);

/*
 * Counts an event of the statement with query_id and hint variant (which
 * hint it carries), run by the current role in the current database;
 * text[0..textlen) names a statement seen for the first time. bytes and
 * fill_ms go with STMT_FILL, skip with STMT_SKIP. Not after a commit (it
 * takes a lock); allocates nothing.
 */
extern void cachebot_statements_count(uint64 query_id, uint64 variant,
									  const char *text, int textlen,
									  StatementEvent event, SkipReason skip,
									  uint64 bytes, double fill_ms);

/*
 * Counts, for each of the tables relids[0..n) (distinct), a hit or a miss of
 * a statement that reads it, or (invalidated) a committing write to it:
 * under one acquisition of the lock but where a row must be added. Not
 * after a commit (it takes a lock); allocates nothing.
 */
typedef enum TableEvent
{
	TABLE_HIT,
	TABLE_MISS,
	TABLE_INVALIDATED
} TableEvent;

extern void cachebot_statements_count_tables(const Oid *relids, int n, TableEvent event);

/* The counters of a row. */
typedef struct StatementCounters
{
	int64		hits;
	int64		misses;
	int64		stale_misses;
	int64		fills;
	int64		skips;
	int64		skips_by_reason[SKIP_NREASONS];
	int64		bytes_stored;
	double		fill_ms_total;
	int64		invalidations;	/* a table's: committed writes */
	TimestampTz last_fill;		/* 0: none */
	TimestampTz last_invalidation;	/* 0: none */
} StatementCounters;

/* One row of the views, as cachebot_statements_read() returns them. */
typedef struct StatementRow
{
	Oid			dbid;
	Oid			userid;
	uint64		query_id;		/* a table's row: its OID */
	char	   *query;			/* palloc'd; NULL if not in this encoding */
	StatementCounters counters;
} StatementRow;

/*
 * A copy (palloc'd) of every statement's row, or (tables) of every row of
 * the current database's tables; how many in *n.
 */
extern StatementRow *cachebot_statements_read(bool tables, int *n);

/* Removes the rows of database dbid (InvalidOid: every row). */
extern void cachebot_statements_reset(Oid dbid);

#endif							/* CACHEBOT_STATEMENTS_H */
