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
#include "utils/queryjumble.h"

#include "eligibility.h"
#include "entry.h"
#include "exprcheck.h"
#include "filled_texts.h"
#include "hint.h"
#include "lookup.h"
#include "nesting.h"
#include "planner.h"
#include "replay.h"
#include "store.h"
#include "settings.h"

static planner_hook_type prev_planner_hook = NULL;

/*
 * Plans for real. Whatever the planner runs meanwhile (a function it
 * evaluates while folding constants) runs inside this statement.
 */
static PlannedStmt *
plan_normally(Query *parse, const char *query_string, int cursorOptions,
			  ParamListInfo boundParams)
{
	PlannedStmt *result;
	List	   *before_planning = NIL;

	/*
	 * Read before planning, which may fold them away: see exprcheck.h. Also
	 * with cachebot.enabled off: a plan kept by a prepared statement may run
	 * after it is turned on.
	 */
	if (parse->commandType == CMD_SELECT && parse->utilityStmt == NULL)
	{
		const char *text = NULL;
		int			textlen = 0;

		if (query_string != NULL)
			cachebot_hint_statement_text(query_string, parse->stmt_location, parse->stmt_len,
										 &text, &textlen);
		before_planning = cachebot_exprcheck_before_planning(parse, text, textlen);
	}

	nesting_enter();
	PG_TRY();
	{
		if (prev_planner_hook)
			result = prev_planner_hook(parse, query_string, cursorOptions, boundParams);
		else
			result = standard_planner(parse, query_string, cursorOptions, boundParams);
	}
	PG_FINALLY();
	{
		nesting_leave();
	}
	PG_END_TRY();
	result->relationOids = list_concat(result->relationOids, before_planning);
	return result;
}

PlannedStmt *
cachebot_plan_replayed_query(PlannedStmt *replay, const char *source, ParamListInfo params,
					int eflags)
{
	Query	   *query = copyObject(cachebot_replay_plan_query(replay));
	int			cursorOptions = cachebot_replay_plan_cursor_options(replay);

	if (eflags & EXEC_FLAG_BACKWARD)
		cursorOptions |= CURSOR_OPT_SCROLL;
	return plan_normally(query, source, cursorOptions, params);
}

/*
 * The entry the planner found valid for the replay plan it just made: the
 * executor, about to serve it, need not read it again. Forgotten at the next
 * ExecutorStart or planning.
 */
static struct
{
	PlannedStmt *stmt;
	int			serial;			/* of the replay plan: pointers get reused */
	const char *source;
	MemoryContext cxt;			/* holds the entry, view and decision */
	EntryView  *view;
	CacheDecision *decision;
} found_hit;

static void
forget_found_hit(void)
{
	if (found_hit.cxt != NULL)
		MemoryContextDelete(found_hit.cxt);
	memset(&found_hit, 0, sizeof(found_hit));
}

bool
cachebot_planner_take_hit(PlannedStmt *stmt, const char *source, MemoryContext owner,
						  EntryView *view, CacheDecision **decision)
{
	bool		match = found_hit.stmt != NULL && found_hit.stmt == stmt &&
		found_hit.serial == cachebot_replay_plan_serial(stmt) && found_hit.source == source;

	if (match)
	{
		MemoryContextSetParent(found_hit.cxt, owner);
		*view = *found_hit.view;
		*decision = found_hit.decision;
		found_hit.cxt = NULL;
	}
	forget_found_hit();
	return match;
}

/*
 * Has the statement's text been filled or served lately? If not, it has no
 * entry to find: deciding before planning would be spent for nothing.
 */
static bool
text_may_have_entry(Query *parse, const char *query_string)
{
	const char *text;
	int			textlen;

	cachebot_hint_statement_text(query_string, parse->stmt_location, parse->stmt_len,
								 &text, &textlen);
	return cachebot_filled_texts_may_have(text, textlen);
}

/* Decides and looks a query up as the executor would, before planning it. */
static LookupOutcome
lookup_query(Query *query, const char *query_string, List **rtes,
			 EntryView *view, CacheDecision *d)
{
	RunContext	run = {.eflags = 0,.dest = DestRemote};
	DecisionInput in = {0};
	bool		has_params;

	*rtes = cachebot_query_relations(query, &has_params);
	if (has_params || cachebot_cache_store() == NULL)
		return LOOKUP_FAILED;
	in.query = query;
	in.rtable = *rtes;
	if (!cachebot_decide(&in, query_string, &run, d) || d->skip != SKIP_NONE)
		return LOOKUP_FAILED;
	return cachebot_cache_lookup(d, view, NULL);
}

static PlannedStmt *
cachebot_planner(Query *parse, const char *query_string, int cursorOptions,
				 ParamListInfo boundParams)
{
	forget_found_hit();

	/*
	 * The query of a DECLARE CURSOR was analyzed as part of the DECLARE, so
	 * it has no query ID of its own: give it one, which the key needs. Only
	 * to a statement that may be cached: pg_stat_statements counts a nested
	 * query that has one as a statement of its own.
	 */
	if (parse->queryId == UINT64CONST(0) && parse->utilityStmt == NULL &&
		parse->commandType == CMD_SELECT && query_string != NULL && IsQueryIdEnabled() &&
		cachebot_enabled &&
		cachebot_may_be_cached(query_string, parse->stmt_location, parse->stmt_len))
		(void) JumbleQuery(parse, query_string);

	/*
	 * Plain statements only: not a cursor that DECLARE sets up (its options
	 * say how it may be fetched, which a placeholder cannot promise).
	 */
	if (cachebot_enabled && query_string != NULL && boundParams == NULL &&
		(cursorOptions & ~(CURSOR_OPT_PARALLEL_OK | CURSOR_OPT_NO_SCROLL)) == 0 &&
		parse->commandType == CMD_SELECT && parse->utilityStmt == NULL &&
		!nesting_inside_statement() && text_may_have_entry(parse, query_string))
	{
		MemoryContext cxt = AllocSetContextCreate(TopMemoryContext,
												  "cachebot planning",
												  ALLOCSET_SMALL_SIZES);
		MemoryContext old = MemoryContextSwitchTo(cxt);
		List	   *rtes;
		EntryView  *view = palloc(sizeof(EntryView));
		CacheDecision *decision = palloc0(sizeof(CacheDecision));
		LookupOutcome outcome;

		PG_TRY();
		{
			outcome = lookup_query(parse, query_string, &rtes, view, decision);
		}
		PG_CATCH();
		{
			MemoryContextSwitchTo(old);
			MemoryContextDelete(cxt);
			PG_RE_THROW();
		}
		PG_END_TRY();
		MemoryContextSwitchTo(old);
		if (outcome == LOOKUP_HIT)
		{
			static int	last_serial = 0;

			/* Its range table: what the plan that filled the entry checked. */
			PlannedStmt *stmt = cachebot_replay_plan_for_query(parse,
															   copyObject(view->permissions),
															   list_copy(view->functions),
															   cursorOptions, ++last_serial);

			found_hit.stmt = stmt;
			found_hit.serial = last_serial;
			found_hit.source = query_string;
			found_hit.cxt = cxt;
			found_hit.view = view;
			found_hit.decision = decision;
			return stmt;
		}
		MemoryContextDelete(cxt);
	}
	return plan_normally(parse, query_string, cursorOptions, boundParams);
}

void
cachebot_planner_install_hook(void)
{
	prev_planner_hook = planner_hook;
	planner_hook = cachebot_planner;
}
