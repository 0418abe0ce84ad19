/*
 * replay.c
 *		The replay plan node (see replay.h).
 */
#include "postgres.h"

#include "catalog/pg_class.h"
#include "executor/executor.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "nodes/extensible.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"

#include "replay.h"

#define REPLAY_NAME "CachebotReplay"

typedef struct ReplayState
{
	CustomScanState css;
	bool		has_result;		/* false: started without a cached result */
	MinimalTuple *tuples;
	uint32		ntuples;
	int64		position;		/* last tuple returned; -1 before the first */
	TupleTableSlot *slot;
} ReplayState;

/* What the next replay node of staged_for returns. */
static PlannedStmt *staged_for = NULL;
static MinimalTuple *staged_tuples = NULL;
static uint32 staged_ntuples = 0;

static void
replay_begin(CustomScanState *node, EState *estate, int eflags)
{
	ReplayState *state = (ReplayState *) node;

	/* A replay plan has no other node: this is the one staged for. */
	if (staged_for != NULL && staged_for == estate->es_plannedstmt)
	{
		state->has_result = true;
		state->tuples = staged_tuples;
		state->ntuples = staged_ntuples;
		cachebot_replay_unstage();
	}
	/*
	 * Hold the statement's tables open as its own plan would: then a cursor
	 * over them keeps this session's DDL and TRUNCATE off them while it is
	 * open ("being used by active queries"), as it does uncached. They are
	 * locked already; the executor closes them at the end.
	 */
	for (Index rti = 1; rti <= estate->es_range_table_size; rti++)
	{
		RangeTblEntry *rte = exec_rt_fetch(rti, estate);

		if (rte->rtekind == RTE_RELATION && rte->relkind != RELKIND_VIEW)
			(void) ExecGetRangeTableRelation(estate, rti);
	}

	state->position = -1;
	state->slot = ExecInitExtraTupleSlot(estate, ExecGetResultType(&node->ss.ps),
										 &TTSOpsMinimalTuple);
}

static TupleTableSlot *
replay_exec(CustomScanState *node)
{
	ReplayState *state = (ReplayState *) node;
	ScanDirection direction = node->ss.ps.state->es_direction;

	CHECK_FOR_INTERRUPTS();
	if (!state->has_result)
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("cachebot replay plan executed without its cached result")));
	if (ScanDirectionIsForward(direction))
	{
		if (state->position + 1 >= (int64) state->ntuples)
		{
			state->position = state->ntuples;
			return ExecClearTuple(state->slot);
		}
		state->position++;
	}
	else if (ScanDirectionIsBackward(direction))
	{
		if (state->position - 1 < 0)
		{
			state->position = -1;
			return ExecClearTuple(state->slot);
		}
		state->position--;
	}
	else
		return ExecClearTuple(state->slot);
	return ExecStoreMinimalTuple(state->tuples[state->position], state->slot, false);
}

static void
replay_end(CustomScanState *node)
{
}

static void
replay_rescan(CustomScanState *node)
{
	((ReplayState *) node)->position = -1;
}

static void
replay_explain(CustomScanState *node, List *ancestors, ExplainState *es)
{
	ReplayState *state = (ReplayState *) node;

	ExplainPropertyUInteger("Cached Rows", NULL, state->ntuples, es);
}

static const CustomExecMethods replay_exec_methods = {
	.CustomName = REPLAY_NAME,
	.BeginCustomScan = replay_begin,
	.ExecCustomScan = replay_exec,
	.EndCustomScan = replay_end,
	.ReScanCustomScan = replay_rescan,
	.ExplainCustomScan = replay_explain,
};

static Node *
replay_create_state(CustomScan *cscan)
{
	ReplayState *state = (ReplayState *) newNode(sizeof(ReplayState), T_CustomScanState);

	state->css.methods = &replay_exec_methods;
	return (Node *) state;
}

static const CustomScanMethods replay_scan_methods = {
	.CustomName = REPLAY_NAME,
	.CreateCustomScanState = replay_create_state,
};

void
cachebot_replay_register(void)
{
	RegisterCustomScanMethods(&replay_scan_methods);
}

bool
cachebot_is_replay_plan(PlannedStmt *stmt)
{
	return stmt->planTree != NULL && IsA(stmt->planTree, CustomScan) &&
		((CustomScan *) stmt->planTree)->methods == &replay_scan_methods;
}

/*
 * The node's target list: a typed NULL for each result column of
 * targetlist, with its name and origin (the row description a client sees).
 */
static List *
replay_targetlist(List *targetlist)
{
	List	   *tlist = NIL;
	ListCell   *lc;

	foreach(lc, targetlist)
	{
		TargetEntry *tle = lfirst_node(TargetEntry, lc);
		Node	   *expr = (Node *) tle->expr;
		TargetEntry *copy;

		if (tle->resjunk)
			continue;
		copy = makeTargetEntry((Expr *) makeNullConst(exprType(expr), exprTypmod(expr),
													  exprCollation(expr)),
							   list_length(tlist) + 1, tle->resname, false);
		copy->resorigtbl = tle->resorigtbl;
		copy->resorigcol = tle->resorigcol;
		tlist = lappend(tlist, copy);
	}
	return tlist;
}

static CustomScan *
replay_node(List *targetlist, List *private)
{
	CustomScan *cscan = makeNode(CustomScan);

	cscan->scan.plan.targetlist = replay_targetlist(targetlist);
	cscan->scan.scanrelid = 0;
	cscan->flags = CUSTOMPATH_SUPPORT_BACKWARD_SCAN;
	cscan->custom_private = private;
	cscan->methods = &replay_scan_methods;
	return cscan;
}

PlannedStmt *
cachebot_replay_plan_for_query(Query *query, List *rtable, List *functions, int cursorOptions,
							   int serial)
{
	PlannedStmt *stmt = makeNode(PlannedStmt);
	bool		has_row_security;

	stmt->commandType = CMD_SELECT;
	stmt->queryId = query->queryId;
	stmt->canSetTag = query->canSetTag;
	stmt->planTree = (Plan *) replay_node(query->targetList,
										  list_make4(query, makeInteger(cursorOptions),
													 functions, makeInteger(serial)));
	stmt->rtable = rtable;
	stmt->stmt_location = query->stmt_location;
	stmt->stmt_len = query->stmt_len;
	/* So that a cached copy is invalidated like the plan it stands for. */
	extract_query_dependencies((Node *) query, &stmt->relationOids,
							   &stmt->invalItems, &has_row_security);
	return stmt;
}

PlannedStmt *
cachebot_replay_plan_for_plan(PlannedStmt *plan)
{
	PlannedStmt *stmt = makeNode(PlannedStmt);

	stmt->commandType = CMD_SELECT;
	stmt->queryId = plan->queryId;
	stmt->hasReturning = false;
	stmt->canSetTag = plan->canSetTag;
	stmt->planTree = (Plan *) replay_node(plan->planTree->targetlist, NIL);
	stmt->rtable = plan->rtable;
	stmt->relationOids = plan->relationOids;
	stmt->invalItems = plan->invalItems;
	stmt->stmt_location = plan->stmt_location;
	stmt->stmt_len = plan->stmt_len;
	return stmt;
}

Query *
cachebot_replay_plan_query(PlannedStmt *replay)
{
	List	   *private = ((CustomScan *) replay->planTree)->custom_private;

	return private != NIL ? linitial_node(Query, private) : NULL;
}

int
cachebot_replay_plan_cursor_options(PlannedStmt *replay)
{
	List	   *private = ((CustomScan *) replay->planTree)->custom_private;

	return private != NIL ? intVal(lsecond(private)) : 0;
}

List *
cachebot_replay_plan_functions(PlannedStmt *replay)
{
	List	   *private = ((CustomScan *) replay->planTree)->custom_private;

	return private != NIL ? lthird(private) : NIL;
}

int
cachebot_replay_plan_serial(PlannedStmt *replay)
{
	List	   *private = ((CustomScan *) replay->planTree)->custom_private;

	return private != NIL ? intVal(lfourth(private)) : 0;
}

void
cachebot_replay_stage(PlannedStmt *stmt, MinimalTuple *tuples, uint32 ntuples)
{
	staged_for = stmt;
	staged_tuples = tuples;
	staged_ntuples = ntuples;
}

void
cachebot_replay_unstage(void)
{
	staged_for = NULL;
	staged_tuples = NULL;
	staged_ntuples = 0;
}
