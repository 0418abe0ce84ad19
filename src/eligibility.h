/*
 * eligibility.h
 *		Decides whether a statement execution can be served from or stored in
 *		the cache, and computes its key and dependencies (SPEC sections 4, 5).
 */
#ifndef CACHEBOT_ELIGIBILITY_H
#define CACHEBOT_ELIGIBILITY_H

#include "lib/stringinfo.h"
#include "nodes/params.h"
#include "nodes/plannodes.h"
#include "tcop/dest.h"

#include "cachebot.h"
#include "hint.h"
#include "stats.h"

typedef struct CacheDecision
{
	CacheHint	hint;
	SkipReason	skip;			/* SKIP_NONE: look it up */
	Oid			skip_relid;		/* the table behind the skip, if any */
	StringInfoData fingerprint;
	Hash128		key;
	int			ndeps;
	DepKey	   *depkeys;
	Hash128    *deps;			/* depkey hashes, epoch first */
} CacheDecision;

/* How the statement is being run. */
typedef struct RunContext
{
	int			eflags;
	CommandDest dest;
	int			instrument_options;
	bool		nested;			/* inside another statement's execution */
} RunContext;

/*
 * Returns false when the statement carries no cache hint (the common case,
 * decided by a scan of its text). Otherwise fills *d; d->skip says whether
 * and why it must run normally. Allocates in CurrentMemoryContext.
 */
extern bool cache_decide(PlannedStmt *stmt, const char *source,
						 ParamListInfo params, const RunContext *run,
						 CacheDecision *d);

/* Raises the hint's WARNING (or ERROR under cachebot.strict), if it has one. */
extern void cache_report_skip(const CacheDecision *d);

/*
 * True when running this plan further cannot raise an error: every function
 * it applies to row values is leakproof.
 */
extern bool plan_cannot_fail(PlannedStmt *stmt);

extern void eligibility_init(void);

#endif							/* CACHEBOT_ELIGIBILITY_H */
