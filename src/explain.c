/*
 * explain.c
 *		What EXPLAIN says about the cache (see explain.h).
 *
 * The hook plans and explains the statement as PostgreSQL would (or lets a
 * hook installed before it do so), with "explaining" set meanwhile: the
 * executor and report.c then note the explained statement's outcome here.
 * The notes live in the memory context the hook was called in, which
 * outlasts the executor's. An EXPLAIN run inside another (a function that
 * EXPLAIN ANALYZE calls) has notes of its own: the state is saved and
 * restored around each call.
 */
#include "postgres.h"

#include "commands/explain.h"
#include "executor/instrument.h"
#include "portability/instr_time.h"
#include "tcop/tcopprot.h"
#include "utils/memutils.h"

#include "deps.h"
#include "explain.h"
#include "hint.h"
#include "nesting.h"

typedef struct ExplainNotes
{
	bool		active;			/* an EXPLAIN's statement is being decided */
	int			depth;			/* the nesting depth it is decided at */
	MemoryContext cxt;			/* where the notes go */
	const CacheDecision *decision;	/* whose they are */
	char	   *what;
	List	   *dependencies;	/* of char *, if described */
} ExplainNotes;

static ExplainNotes notes;
static ExplainOneQuery_hook_type prev_ExplainOneQuery = NULL;

bool
cachebot_explaining(void)
{
	return notes.active;
}

void
cachebot_explain_note(const CacheDecision *d, const char *what)
{
	MemoryContext old;

	/*
	 * The explained statement's decision is the first made at the EXPLAIN's
	 * own depth (those of statements it runs, a function's, are deeper);
	 * later notes of the same decision update it. A statement cache_all or
	 * cache_get asked for is explained as PostgreSQL does.
	 */
	if (!notes.active || d->implicit)
		return;
	if (notes.decision != NULL ? notes.decision != d : cachebot_nesting_depth != notes.depth)
		return;
	old = MemoryContextSwitchTo(notes.cxt);
	/* (A skip's are partial; a decision made before planning has none described.) */
	if (notes.decision == NULL && d->deps.describe && d->deps.n > 0 && d->skip == SKIP_NONE)
	{
		ListCell   *lc;

		/* (copies: the decision's memory goes before the notes are shown) */
		foreach(lc, cachebot_depset_descriptions(&d->deps))
			notes.dependencies = lappend(notes.dependencies, pstrdup(lfirst(lc)));
	}
	notes.decision = d;
	notes.what = pstrdup(what);
	MemoryContextSwitchTo(old);
}

/* PostgreSQL's own ExplainOneQuery for a planned statement (explain.c). */
static void
explain_as_postgres_does(Query *query, int cursorOptions, IntoClause *into, ExplainState *es,
						 const char *queryString, ParamListInfo params,
						 QueryEnvironment *queryEnv)
{
	PlannedStmt *plan;
	instr_time	planstart,
				planduration;
	BufferUsage bufusage_start,
				bufusage;

	if (es->buffers)
		bufusage_start = pgBufferUsage;
	INSTR_TIME_SET_CURRENT(planstart);
	plan = pg_plan_query(query, queryString, cursorOptions, params);
	INSTR_TIME_SET_CURRENT(planduration);
	INSTR_TIME_SUBTRACT(planduration, planstart);
	if (es->buffers)
	{
		memset(&bufusage, 0, sizeof(BufferUsage));
		BufferUsageAccumDiff(&bufusage, &pgBufferUsage, &bufusage_start);
	}
	ExplainOnePlan(plan, into, es, queryString, params, queryEnv, &planduration,
				   es->buffers ? &bufusage : NULL);
}

/*
 * After the plan (and, under ANALYZE, its run): in text, two lines at the
 * end; in the other formats, a "Cachebot" object after the query's.
 */
static void
explain_notes(ExplainState *es)
{
	bool		text = es->format == EXPLAIN_FORMAT_TEXT;

	if (!text)
		ExplainOpenGroup("Cachebot", NULL, true, es);
	ExplainPropertyText(text ? "Cachebot" : "Outcome", notes.what, es);
	if (notes.dependencies != NIL)
		ExplainPropertyList(text ? "Cachebot Dependencies" : "Dependencies",
							notes.dependencies, es);
	if (!text)
		ExplainCloseGroup("Cachebot", NULL, true, es);
}

static void
cachebot_ExplainOneQuery(Query *query, int cursorOptions, IntoClause *into, ExplainState *es,
						 const char *queryString, ParamListInfo params,
						 QueryEnvironment *queryEnv)
{
	ExplainNotes saved = notes;
	int			location;
	int			length;

	/*
	 * A hinted statement explained is keyed by its own text, as a client's
	 * would be: EXPLAIN shows, and EXPLAIN ANALYZE uses, the same entry.
	 * (One that cache_all or cache_get asks for keeps the EXPLAIN's text, and
	 * entries of its own, as it always did.)
	 */
	if (query->commandType == CMD_SELECT &&
		cachebot_hint_explain_query(queryString, query->stmt_location, query->stmt_len,
									&location, &length) &&
		cachebot_hinted(queryString, location, length))
	{
		query->stmt_location = location;
		query->stmt_len = length;
	}

	memset(&notes, 0, sizeof(notes));
	notes.active = true;
	notes.depth = cachebot_nesting_depth;
	notes.cxt = CurrentMemoryContext;
	PG_TRY();
	{
		if (prev_ExplainOneQuery)
			prev_ExplainOneQuery(query, cursorOptions, into, es, queryString, params, queryEnv);
		else
			explain_as_postgres_does(query, cursorOptions, into, es, queryString, params,
									 queryEnv);
		notes.active = false;
		if (notes.what != NULL)
			explain_notes(es);
	}
	PG_FINALLY();
	{
		notes = saved;
	}
	PG_END_TRY();
}

void
cachebot_explain_install_hook(void)
{
	prev_ExplainOneQuery = ExplainOneQuery_hook;
	ExplainOneQuery_hook = cachebot_ExplainOneQuery;
}
