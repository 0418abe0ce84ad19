/*
 * report.h
 *		What the cache did for one execution of a statement it was asked
 *		for: counted in the shared statistics and in the statement's row of
 *		cachebot.statements, and said.
 *
 * Every outcome is a message: a NOTICE under cachebot.log_decisions, DEBUG1
 * otherwise. A skip the user can fix (a function that is not IMMUTABLE, a
 * table that is not tracked, a hint that does not resolve) is a NOTICE the
 * first time a session meets it, and an ERROR under cachebot.strict.
 */
#ifndef CACHEBOT_REPORT_H
#define CACHEBOT_REPORT_H

#include "eligibility.h"
#include "lookup.h"

/* Why d is not cached, in a few words, for EXPLAIN. */
extern const char *cachebot_report_skip_text(const CacheDecision *d);

/* What a lookup's outcome would make of an execution, for EXPLAIN. */
extern const char *cachebot_report_would(LookupOutcome outcome, bool pending);

/* Served from the cache (counted once the permission checks passed). */
extern void cachebot_report_hit(const CacheDecision *d);

/* Not found valid (why: MISS, STALE, EXPIRED, CORRUPT): counted as a miss. */
extern void cachebot_report_miss(const CacheDecision *d, LookupOutcome why);

/* After a miss: its result stored (bytes, after fill_ms of execution). */
extern void cachebot_report_stored(const CacheDecision *d, LookupOutcome why,
								   Size bytes, double fill_ms);

/* After a miss: its result not stored, for reason skip (counted as a skip). */
extern void cachebot_report_not_stored(const CacheDecision *d, LookupOutcome why,
									   SkipReason skip);

/* Decided against (d->skip): counted as a skip, and said. */
extern void cachebot_report_skip(const CacheDecision *d);

/*
 * A hint column that its table's writes do not key (d->unkeyed_column): the
 * statement is cached at the table's level. A NOTICE once per session and
 * table.
 */
extern void cachebot_report_unkeyed(const CacheDecision *d);

/*
 * A statement without a hint whose comment looks like a misspelt one
 * (d->hint.lookalike): a WARNING, once per session and comment text.
 */
extern void cachebot_report_lookalike(const CacheDecision *d);

#endif							/* CACHEBOT_REPORT_H */
