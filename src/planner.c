/*
 * planner.c
 *		Serving hits before planning.
 *
 * A hit costs the executor nothing, but a simple-protocol statement is
 * planned before it reaches the executor, and planning costs more than the
 * rest of a hit. Here the decision and lookup run on the query: if the entry
 * is valid, the "plan" is a placeholder that the executor replays from the
 * cache. The executor looks the entry up again (it may have been invalidated
 * since, or the placeholder may be a cached plan reused much later) and, if
 * it cannot serve it, plans the saved query then.
 */
#include "postgres.h"

#include "executor/executor.h"
#include "nodes/extensible.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "optimizer/planner.h"

#include "eligibility.h"
#include "entry.h"
#include "executor.h"
#include "planner.h"
#include "store.h"

static planner_hook_type prev_planner_hook = NULL;

/* ---- the placeholder node: never asked for a row ---- */

static void
replay_begin(CustomScanState *node, EState *estate, int eflags)
{
}

static TupleTableSlot *
replay_exec(CustomScanState *node)
{
	elog(ERROR, "cachebot replay plan executed without its cached result");
	return NULL;
}

static void
replay_end(CustomScanState *node)
{
}

static void
replay_rescan(CustomScanState *node)
{
}

static const CustomExecMethods replay_exec_methods = {
	.CustomName = "CachebotReplay",
	.BeginCustomScan = replay_begin,
	.ExecCustomScan = replay_exec,
	.EndCustomScan = replay_end,
	.ReScanCustomScan = replay_rescan,
};

static Node *
replay_create_state(CustomScan *cscan)
{
	CustomScanState *css = (CustomScanState *) newNode(sizeof(CustomScanState),
													   T_CustomScanState);

	css->methods = &replay_exec_methods;
	return (Node *) css;
}

static const CustomScanMethods replay_scan_methods = {
	.CustomName = "CachebotReplay",
	.CreateCustomScanState = replay_create_state,
};

bool
is_replay_plan(PlannedStmt *stmt)
{
	return stmt->planTree != NULL && IsA(stmt->planTree, CustomScan) &&
		((CustomScan *) stmt->planTree)->methods == &replay_scan_methods;
}

/* The plan that stands for query until the executor replays its entry. */
static PlannedStmt *
make_replay_plan(Query *query, List *rtes, int cursorOptions)
{
	CustomScan *cscan = makeNode(CustomScan);
	PlannedStmt *stmt = makeNode(PlannedStmt);
	List	   *tlist = NIL;
	ListCell   *lc;
	bool		has_row_security;

	foreach(lc, query->targetList)
	{
		TargetEntry *tle = lfirst_node(TargetEntry, lc);
		Node	   *expr = (Node *) tle->expr;

		if (tle->resjunk)
			continue;
		tlist = lappend(tlist,
						makeTargetEntry((Expr *) makeNullConst(exprType(expr),
															   exprTypmod(expr),
															   exprCollation(expr)),
										list_length(tlist) + 1, tle->resname, false));
	}
	cscan->scan.plan.targetlist = tlist;
	cscan->scan.scanrelid = 0;
	cscan->custom_private = list_make2(query, makeInteger(cursorOptions));
	cscan->methods = &replay_scan_methods;

	stmt->commandType = CMD_SELECT;
	stmt->queryId = query->queryId;
	stmt->canSetTag = query->canSetTag;
	stmt->planTree = (Plan *) cscan;
	stmt->rtable = rtes;
	stmt->stmt_location = query->stmt_location;
	stmt->stmt_len = query->stmt_len;
	/* So that a cached copy is invalidated like the plan it stands for. */
	extract_query_dependencies((Node *) query, &stmt->relationOids,
							   &stmt->invalItems, &has_row_security);
	return stmt;
}

static PlannedStmt *
plan_normally(Query *parse, const char *query_string, int cursorOptions,
			  ParamListInfo boundParams)
{
	if (prev_planner_hook)
		return prev_planner_hook(parse, query_string, cursorOptions, boundParams);
	return standard_planner(parse, query_string, cursorOptions, boundParams);
}

PlannedStmt *
plan_replayed_query(PlannedStmt *replay, const char *source, ParamListInfo params,
					int eflags)
{
	CustomScan *cscan = (CustomScan *) replay->planTree;
	Query	   *query = copyObject(linitial_node(Query, cscan->custom_private));
	int			cursorOptions = intVal(lsecond(cscan->custom_private));

	if (eflags & EXEC_FLAG_BACKWARD)
		cursorOptions |= CURSOR_OPT_SCROLL;
	return plan_normally(query, source, cursorOptions, params);
}

/*
 * What the planner learnt of the statement it last planned for real: the
 * decision and the version records it read, which the executor then uses
 * instead of reading them again. Lives until the next ExecutorStart.
 */
static struct
{
	PlannedStmt *stmt;			/* NULL: nothing handed over */
	const char *source;
	MemoryContext cxt;			/* holds the rest */
	CacheDecision *decision;
	uint64	   *gens;
} handoff;

static void
forget_handoff(void)
{
	if (handoff.cxt != NULL)
		MemoryContextDelete(handoff.cxt);
	memset(&handoff, 0, sizeof(handoff));
}

bool
planner_take_lookup(PlannedStmt *stmt, const char *source, MemoryContext owner,
					CacheDecision **decision, uint64 **gens)
{
	bool		match = handoff.stmt != NULL && handoff.stmt == stmt &&
		handoff.source == source;

	if (match)
	{
		/* Now owned by the statement's own context. */
		MemoryContextSetParent(handoff.cxt, owner);
		*decision = handoff.decision;
		*gens = handoff.gens;
		handoff.cxt = NULL;
	}
	forget_handoff();
	return match;
}

typedef enum QueryLookup
{
	LOOKUP_UNDECIDED,			/* left to the executor */
	LOOKUP_HIT,
	LOOKUP_MISS					/* eligible, absent or stale, nothing pending */
} QueryLookup;

/* Decides and looks up a query as the executor would, before planning it. */
static QueryLookup
lookup_query(Query *query, const char *query_string, List **rtes,
			 CacheDecision *d, uint64 **gens)
{
	RunContext	run = {.eflags = 0, .dest = DestRemote};
	const CacheStore *store = cache_store();
	VersionRead *versions;
	char	   *entry = NULL;
	Size		len;
	bool		has_params;
	MinimalTuple *tuples;
	uint32		ntuples;
	int			natts = 0;
	ListCell   *lc;

	*rtes = query_relations(query, &has_params);
	if (has_params || store == NULL)
		return LOOKUP_UNDECIDED;
	if (!cache_decide_query(query, query_string, *rtes, &run, d) || d->skip != SKIP_NONE)
		return LOOKUP_UNDECIDED;

	versions = palloc(d->ndeps * sizeof(VersionRead));
	if (!store->lookup(&d->key, d->ndeps, d->deps, &entry, &len, versions))
		return LOOKUP_UNDECIDED;
	*gens = palloc(d->ndeps * sizeof(uint64));
	for (int i = 0; i < d->ndeps; i++)
	{
		if (versions[i].pending)
			return LOOKUP_UNDECIDED;
		(*gens)[i] = versions[i].gen;
	}
	if (entry == NULL)
		return LOOKUP_MISS;
	foreach(lc, query->targetList)
		if (!lfirst_node(TargetEntry, lc)->resjunk)
			natts++;
	if (entry_check(entry, len, d->fingerprint.data, d->fingerprint.len,
					d->ndeps, d->deps, *gens, natts, &tuples, &ntuples) == ENTRY_OK)
		return LOOKUP_HIT;
	return LOOKUP_MISS;
}

static PlannedStmt *
cachebot_planner(Query *parse, const char *query_string, int cursorOptions,
				 ParamListInfo boundParams)
{
	List	   *rtes;

	forget_handoff();

	/*
	 * Plain statements only: not a cursor that DECLARE sets up (its options
	 * say how it may be fetched, which a placeholder cannot promise).
	 */
	if (cachebot_enabled && query_string != NULL && boundParams == NULL &&
		(cursorOptions & ~(CURSOR_OPT_PARALLEL_OK | CURSOR_OPT_NO_SCROLL)) == 0 &&
		parse->commandType == CMD_SELECT && parse->utilityStmt == NULL &&
		!executor_is_running())
	{
		MemoryContext cxt = AllocSetContextCreate(TopMemoryContext,
												  "cachebot planning",
												  ALLOCSET_SMALL_SIZES);
		MemoryContext old = MemoryContextSwitchTo(cxt);
		CacheDecision *d = palloc(sizeof(CacheDecision));
		uint64	   *gens = NULL;
		QueryLookup outcome = lookup_query(parse, query_string, &rtes, d, &gens);
		PlannedStmt *stmt;

		MemoryContextSwitchTo(old);
		if (outcome == LOOKUP_HIT)
		{
			stmt = make_replay_plan(parse, list_copy(rtes), cursorOptions);
			MemoryContextDelete(cxt);
			return stmt;
		}
		if (outcome != LOOKUP_MISS)
		{
			MemoryContextDelete(cxt);
			return plan_normally(parse, query_string, cursorOptions, boundParams);
		}
		PG_TRY();
		{
			stmt = plan_normally(parse, query_string, cursorOptions, boundParams);
		}
		PG_CATCH();
		{
			MemoryContextDelete(cxt);
			PG_RE_THROW();
		}
		PG_END_TRY();
		handoff.stmt = stmt;
		handoff.source = query_string;
		handoff.cxt = cxt;
		handoff.decision = d;
		handoff.gens = gens;
		return stmt;
	}
	return plan_normally(parse, query_string, cursorOptions, boundParams);
}

void
planner_install_hook(void)
{
	prev_planner_hook = planner_hook;
	planner_hook = cachebot_planner;
	RegisterCustomScanMethods(&replay_scan_methods);
}
