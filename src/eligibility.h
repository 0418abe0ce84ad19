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

#include "deps.h"
#include "hint.h"
#include "keys.h"
#include "stats.h"

typedef struct CacheDecision
{
	CacheHint	hint;
	uint64		hint_variant;	/* cachebot_hint_variant(&hint) */
	bool		implicit;		/* no hint: asked for by cache_all/cache_get */
	SkipReason	skip;			/* SKIP_NONE: look it up */
	Oid			skip_relid;		/* the table behind the skip, if any */
	Oid			skip_funcid;	/* the function behind a mutable_function skip */
	Oid			skip_cast_from; /* ... and the cast through text it serves */
	Oid			skip_cast_to;
	uint64		query_id;		/* what the statement's text resolved to */
	const char *text;			/* the statement's own text (in the source) */
	int			textlen;
	int			ttl;			/* seconds an entry lives: the hint's, or
								 * cachebot.ttl */
	char	   *bad_column;		/* a hint column that is unknown or ambiguous
								 * (or, under cachebot.strict, not keyed) */
	bool		bad_column_ambiguous;
	char	   *unkeyed_column; /* a hint column its table's writes do not key:
								 * the statement depends on the whole table */
	Oid			unkeyed_relid;	/* ... that table */
	StringInfoData fingerprint;
	Hash128		key;
	int			natts;			/* result columns */
	struct ColumnLayout *columns;	/* their storage, to check entries */
	List	   *functions;		/* OIDs of the functions the plan calls */
	DepSet		deps;			/* set deps.describe to have them described */
} CacheDecision;

/* How the statement is being run. */
typedef struct RunContext
{
	int			eflags;
	CommandDest dest;
	bool		nested;			/* inside another statement's execution */
	bool		replay;			/* the plan is the planner's placeholder for a
								 * query whose expressions it checked */
} RunContext;

/*
 * What is decided about: a statement's plan, or its query before planning.
 * The decision is the same function for both; what only one of them has is
 * NULL or empty in the other.
 */
typedef struct DecisionInput
{
	PlannedStmt *plan;			/* one of plan and query */
	Query	   *query;
	List	   *rtable;			/* the plan's range table, or every relation
								 * entry of the query and of its subqueries */
	ParamListInfo params;		/* bound parameters of the plan, if any */
	Query	   *replayed;		/* of the planner's replay plan: the query it
								 * stands for (run->replay) */
} DecisionInput;

/*
 * Returns false when the statement is not asked to be cached (no hint, and
 * cache_all or cache_get do not apply): the common case, for an unhinted
 * statement decided by a scan of its text. Otherwise fills *d; d->skip says
 * whether and why it must run normally. Allocates in CurrentMemoryContext.
 *
 * A query is decided before planning only when the decision needs nothing
 * the plan alone knows (inheritance children and partitions, parameters,
 * inlined functions...): otherwise it is left to the decision on its plan,
 * which then counts the skip, and d->skip is SKIP_UNSUPPORTED. An unhinted
 * query is asked for when cache_all applies to every table it reads, or
 * cache_get to its one table and it is a unique lookup by constants
 * (cachebot_query_is_unique_lookup). A query's row dependencies are (T, *)
 * for each table: an entry is checked against the dependencies it was
 * stored with, which come from the plan that filled it.
 */
/*
 * The part of the decision that depends on how and where the statement runs
 * (destination, executor flags, nesting, isolation, the transaction's own
 * DDL...), for a decision made before planning that the executor reuses.
 */
extern SkipReason cachebot_check_run(const RunContext *run);

extern bool cachebot_decide(const DecisionInput *in, const char *source,
							const RunContext *run, CacheDecision *d);

/*
 * Does the statement at location (of length) in source maybe ask to be
 * cached: a hint other than nocache, or cache_all or cache_get in force?
 * (Only its text is read.)
 */
extern bool cachebot_may_be_cached(const char *source, int location, int length);

/* Does it carry a cache hint (well-formed or not; not nocache)? */
extern bool cachebot_hinted(const char *source, int location, int length);

/*
 * The relation entries of a query and of every query nested in it;
 * *has_params tells whether it refers to external parameters.
 */
extern List *cachebot_query_relations(Query *query, bool *has_params);


/* Why the hint is bad (d->skip is SKIP_BAD_HINT), in words, palloc'd. */
extern char *cachebot_bad_hint_reason(const CacheDecision *d);


/*
 * True when running this plan further cannot raise an error: every function
 * it applies to row values is leakproof.
 */
extern bool cachebot_plan_cannot_fail(PlannedStmt *stmt);

/* Sets up what the decisions cache per backend (from _PG_init). */
extern void cachebot_eligibility_init(void);

#endif							/* CACHEBOT_ELIGIBILITY_H */
