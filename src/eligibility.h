/*
 * eligibility.h
 *		Decides whether a statement execution can be served from or stored in
 *		the cache, and computes its key and dependencies.
 */
#ifndef CACHEBOT_ELIGIBILITY_H
#define CACHEBOT_ELIGIBILITY_H

#include "lib/stringinfo.h"
#include "access/attnum.h"
#include "nodes/parsenodes.h"
#include "nodes/params.h"
#include "nodes/plannodes.h"
#include "tcop/dest.h"

#include "keys.h"
#include "hint.h"
#include "stats.h"

typedef struct CacheDecision
{
	CacheHint	hint;
	bool		implicit;		/* no hint: asked for by cache_all/cache_get */
	SkipReason	skip;			/* SKIP_NONE: look it up */
	Oid			skip_relid;		/* the table behind the skip, if any */
	StringInfoData fingerprint;
	Hash128		key;
	int			natts;			/* result columns */
	struct ColumnLayout *columns;	/* their storage, to check entries */
	List	   *functions;		/* OIDs of the functions the plan calls */
	int			ndeps;
	int			maxdeps;
	DepKey	   *depkeys;
	bool		describe;		/* set by the caller: fill descriptions */
	char	  **descriptions;	/* of depkeys, for explain() */
	Hash128    *deps;			/* depkey hashes, epoch and catalog first */
} CacheDecision;

/* Where the epoch and the catalog generation are in deps[]; then the rest. */
#define DECISION_EPOCH_DEP 0
#define DECISION_CATALOG_DEP 1
#define DECISION_FIRST_ROW_DEP 2

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
extern bool cachebot_cache_decide(PlannedStmt *stmt, const char *source,
						 ParamListInfo params, const RunContext *run,
						 CacheDecision *d);

/*
 * The same decision for a query about to be planned, over the relations
 * cachebot_query_relations() found in it. Used to serve hits before planning; a
 * statement it cannot decide (partitions, parameters...) is left to the
 * executor, so its skips are not counted.
 */
extern bool cachebot_cache_decide_query(Query *query, const char *source, List *rtes,
							   const RunContext *run, CacheDecision *d);

/*
 * The relation entries of a query and of every query nested in it;
 * *has_params tells whether it refers to external parameters.
 */
extern List *cachebot_query_relations(Query *query, bool *has_params);

/* Adds a dependency key (once). */
extern void cachebot_decision_add_dep(CacheDecision *d, DepKind kind, Oid relid,
							 AttrNumber attnum, uint64 valuehash, char *description);

/* The checks that depend on how and where a statement runs. */
extern SkipReason cachebot_cache_check_run(const RunContext *run);

/* Raises the hint's WARNING (or ERROR under cachebot.strict), if it has one. */
extern void cachebot_cache_report_skip(const CacheDecision *d);

/*
 * True when running this plan further cannot raise an error: every function
 * it applies to row values is leakproof.
 */
extern bool cachebot_plan_cannot_fail(PlannedStmt *stmt);

extern void cachebot_eligibility_init(void);

#endif							/* CACHEBOT_ELIGIBILITY_H */
