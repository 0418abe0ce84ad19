/*
 * planner.h
 *		Serving hits before planning.
 *
 * For a hinted top-level SELECT whose entry is valid at planning time, the
 * planner hook returns a replay plan (replay.h) instead of planning: its
 * relations (for permission checks and locks), the statement's result
 * columns and the query itself. The executor then serves the hit;
 * if by then the entry is gone, or the plan is run in a way that cannot be
 * served (EXPLAIN, a cached plan reused later...), the executor plans the
 * saved query for real and runs that instead.
 *
 * A hit found here is not planned, so the planner hooks loaded before
 * cachebot's are not called for it (pg_stat_statements counts no planning);
 * the executor hooks all see it (replay.h).
 */
#ifndef CACHEBOT_PLANNER_H
#define CACHEBOT_PLANNER_H

#include "nodes/params.h"
#include "nodes/plannodes.h"
#include "utils/palloc.h"

/* Installs the planner hook (from _PG_init), after any loaded before. */
extern void cachebot_planner_install_hook(void);

/*
 * The entry the planner found valid for replay plan stmt, if it was made for
 * the statement about to start: moved into owner's care, its view in *view,
 * and the decision the planner made for the statement in *decision (the
 * checks of how the statement runs are the caller's: cachebot_check_run).
 */
struct EntryView;
struct CacheDecision;
extern bool cachebot_planner_take_hit(PlannedStmt *stmt, const char *source, MemoryContext owner,
									  struct EntryView *view, struct CacheDecision **decision);

/* Plans a replay plan's query for real, as the executor is about to run it. */
extern PlannedStmt *cachebot_plan_replayed_query(PlannedStmt *replay, const char *source,
										ParamListInfo params, int eflags);

#endif							/* CACHEBOT_PLANNER_H */
