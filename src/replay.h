/*
 * replay.h
 *		The replay plan: how every hit is served.
 *
 * A replay plan is a PlannedStmt whose only node is a CustomScan
 * ("CachebotReplay") that returns the tuples of a cached result, in either
 * direction, in as many fetches as the caller asks. Its range table is the
 * one the statement's own plan had, so ExecutorStart checks the same
 * privileges and takes the same locks; its target list has the statement's
 * result columns (names, types, origins), so clients see the same row
 * description. The executor runs it like any plan: every ExecutorStart,
 * Run, Finish and End hook sees the statement, and EXPLAIN ANALYZE and
 * auto_explain show the node.
 *
 * Two kinds exist:
 *	- made by the planner hook for a query whose entry it found valid: the
 *	  query itself rides along, so that the executor can plan it for real if
 *	  by then the entry cannot be served (see planner.h);
 *	- made by the executor to replace the plan of a statement whose entry it
 *	  found valid.
 * Either way the tuples come from the executor, which stages them just
 * before the plan starts; a replay node started without them raises an
 * error when asked for a row.
 */
#ifndef CACHEBOT_REPLAY_H
#define CACHEBOT_REPLAY_H

#include "access/htup.h"
#include "nodes/parsenodes.h"
#include "nodes/plannodes.h"

/* Registers the node's methods (from _PG_init). */
extern void cachebot_replay_register(void);

/* Is stmt a replay plan (of either kind)? */
extern bool cachebot_is_replay_plan(PlannedStmt *stmt);

/*
 * A replay plan standing for query (the planner's): rtable is the range
 * table to check, functions the functions whose EXECUTE privilege a hit
 * checks (see cachebot_replay_plan_functions): both as the entry recorded
 * them from the plan that filled it.
 */
extern PlannedStmt *cachebot_replay_plan_for_query(Query *query, List *rtable,
												   List *functions, int cursorOptions,
												   int serial);

/* A replay plan replacing plan, allocated in CurrentMemoryContext. */
extern PlannedStmt *cachebot_replay_plan_for_plan(PlannedStmt *plan);

/*
 * Of a replay plan made for a query: the query, its cursor options, and the
 * functions its plan calls (a hit served without planning checks EXECUTE
 * on each, as running the query would have). NULL, 0 and NIL for one
 * made for a plan.
 */
extern Query *cachebot_replay_plan_query(PlannedStmt *replay);
extern int	cachebot_replay_plan_cursor_options(PlannedStmt *replay);
extern List *cachebot_replay_plan_functions(PlannedStmt *replay);

/* The serial number the planner gave a replay plan made for a query (or 0). */
extern int	cachebot_replay_plan_serial(PlannedStmt *replay);

/*
 * The tuples the replay node of stmt returns when stmt starts next in this
 * process; they must live until the executor ends. Unstage once the plan
 * has started (or failed to).
 */
extern void cachebot_replay_stage(PlannedStmt *stmt, MinimalTuple *tuples, uint32 ntuples);
extern void cachebot_replay_unstage(void);

#endif							/* CACHEBOT_REPLAY_H */
