/*
 * executor.c
 *		The executor hooks.
 *
 * ExecutorStart: for a hinted, eligible statement, read the entry and the
 * version records of its dependencies in one store lookup, before the
 * statement's snapshot is used. A valid entry makes the execution a hit;
 * otherwise, if no dependency is pending, it becomes a fill and gets a fresh
 * snapshot taken after that read. Either way the standard ExecutorStart
 * still runs: permission checks and locks are not skipped.
 *
 * A hit runs a replay plan (replay.h) in place of the statement's plan: the
 * planner's, or one made here. The executor then runs it like any plan, so
 * every hook in the chain (pg_stat_statements, auto_explain...) sees the
 * statement whatever the order the libraries were loaded in.
 *
 * ExecutorRun of a fill wraps the destination to copy what it receives, and
 * stores the entry once the plan has run to its end.
 */
#include "postgres.h"

#include "access/parallel.h"
#include "access/xact.h"
#include "catalog/pg_proc.h"
#include "executor/executor.h"
#include "executor/tuptable.h"
#include "portability/instr_time.h"
#include "miscadmin.h"
#include "storage/latch.h"
#include "tcop/pquery.h"
#include "storage/proc.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "capture.h"
#include "catalog_gen.h"
#include "ddl.h"
#include "entry.h"
#include "lookup.h"
#include "eligibility.h"
#include "executor.h"
#include "explain.h"
#include "filled_texts.h"
#include "nesting.h"
#include "planner.h"
#include "replay.h"
#include "report.h"
#include "stats.h"
#include "store.h"
#include "settings.h"

/* The probe of probe_and_store() runs only on plans estimated this cheap. */
#define PROBE_MAX_COST 1000.0

/* A fill lease lasts cachebot.fill_wait, and at least this long. */
#define FILL_LEASE_MIN_MS 1000

typedef enum CachedMode
{
	CACHED_HIT,
	CACHED_FILL
} CachedMode;

typedef struct CaptureReceiver
{
	DestReceiver pub;
	DestReceiver *inner;
	struct CachedQuery *cq;
} CaptureReceiver;

/* The cache's view of one running statement. */
typedef struct CachedQuery
{
	struct CachedQuery *next;
	QueryDesc  *qd;
	int			nest_level;		/* subtransaction that started it */
	MemoryContext cxt;
	MemoryContextCallback unlink;	/* leaves the list when cxt goes away */
	CachedMode	mode;
	CacheDecision *decision;

	/* hit */
	bool		unplanned;		/* served for the planner's replay plan */
	MinimalTuple *tuples;
	uint32		ntuples;
	PlannedStmt *original;		/* the plan a replay plan replaced, if any */

	/* fill */
	Snapshot	snapshot;		/* fresh, taken after the version read; the
								 * QueryDesc owns its registration */
	uint64	   *gens;
	FillCapture *capture;		/* row keys derived as the plan runs */
	EntryBuilder builder;
	bool		filling;		/* still capturing */
	bool		leased;			/* holds the entry's fill lease */
	LookupOutcome miss;			/* what its lookup found */
	instr_time	ran;			/* the fill's time in ExecutorRun (not the
								 * client's between a cursor's fetches) */
	bool		runs;			/* ExecutorRun has been called */
	bool		probing;		/* looking for a row past the last run */
} CachedQuery;

static ExecutorStart_hook_type prev_ExecutorStart = NULL;
static ExecutorRun_hook_type prev_ExecutorRun = NULL;
static ExecutorFinish_hook_type prev_ExecutorFinish = NULL;
static ExecutorEnd_hook_type prev_ExecutorEnd = NULL;

/*
 * How long a miss waits for another session's fill: cachebot.fill_wait, but
 * under a statement_timeout only until half of it has passed, so that the
 * statement keeps half its time to run uncached.
 */
static TimestampTz
fill_wait_deadline(void)
{
	TimestampTz deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), cachebot_fill_wait);

	if (StatementTimeout > 0)
		deadline = Min(deadline, TimestampTzPlusMilliseconds(GetCurrentStatementStartTimestamp(),
															 StatementTimeout / 2));
	return deadline;
}

/* The lease of a fill that failed, given back at this backend's next lookup. */
static Hash128 lease_left_behind;
static bool lease_was_left_behind = false;

/* Statements started and not yet ended, the latest first. */
static CachedQuery *cached_queries = NULL;

static CachedQuery *
find_cached(QueryDesc *qd)
{
	for (CachedQuery *cq = cached_queries; cq; cq = cq->next)
		if (cq->qd == qd)
			return cq;
	return NULL;
}

static void
forget_cached(CachedQuery *target)
{
	CachedQuery **p = &cached_queries;

	while (*p)
	{
		if (*p == target)
		{
			*p = target->next;
			return;
		}
		p = &(*p)->next;
	}
}

/*
 * A statement whose executor is abandoned (a failed portal dropped without
 * ExecutorEnd) goes away with its memory: it leaves the list then.
 */
static void
unlink_cached(void *arg)
{
	CachedQuery *cq = (CachedQuery *) arg;

	forget_cached(cq);

	/*
	 * A fill that failed still holds its lease: nothing may reach the
	 * network while the transaction aborts, so it is given back later.
	 */
	if (cq->leased)
	{
		lease_left_behind = cq->decision->key;
		lease_was_left_behind = true;
		cq->leased = false;
	}
}

/*
 * Statements started in an aborted subtransaction are gone: forget them.
 * Those of a committed one now belong to its parent (a cursor opened in a
 * released savepoint lives on, and a later sibling's rollback must not take
 * it along).
 */
static void
executor_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
						  SubTransactionId parentSubid, void *arg)
{
	int			level = GetCurrentTransactionNestLevel();

	if (event == SUBXACT_EVENT_ABORT_SUB)
	{
		CachedQuery **p = &cached_queries;

		while (*p)
		{
			if ((*p)->nest_level >= level)
				*p = (*p)->next;
			else
				p = &(*p)->next;
		}
	}
	else if (event == SUBXACT_EVENT_COMMIT_SUB)
	{
		for (CachedQuery *cq = cached_queries; cq; cq = cq->next)
			if (cq->nest_level >= level)
				cq->nest_level = level - 1;
	}
}

static void
executor_xact_callback(XactEvent event, void *arg)
{
	/* Holdable cursors ran to completion at pre-commit; nothing survives. */
	if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT)
		cached_queries = NULL;
}

/* ---- capture ---- */

static bool
capture_receive(TupleTableSlot *slot, DestReceiver *self)
{
	CaptureReceiver *r = (CaptureReceiver *) self;

	if (r->cq->probing)
		return true;			/* the probe's row is not part of the result */
	if (r->cq->filling)
	{
		MemoryContext old = MemoryContextSwitchTo(r->cq->cxt);

		if (!cachebot_entry_add_tuple(&r->cq->builder, slot))
		{
			r->cq->filling = false;
			cachebot_report_not_stored(r->cq->decision, r->cq->miss, SKIP_TOO_LARGE);
		}
		MemoryContextSwitchTo(old);
	}
	if (!r->inner->receiveSlot(slot, r->inner))
	{
		r->cq->filling = false; /* the caller stopped early */
		return false;
	}
	return true;
}

static void
capture_startup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
	CaptureReceiver *r = (CaptureReceiver *) self;

	r->inner->rStartup(r->inner, operation, typeinfo);
}

static void
capture_shutdown(DestReceiver *self)
{
	CaptureReceiver *r = (CaptureReceiver *) self;

	r->inner->rShutdown(r->inner);
}

static void
capture_destroy(DestReceiver *self)
{
}

/* A receiver that copies what it passes on to inner into cq's entry. */
static void
capture_init(CaptureReceiver *r, DestReceiver *inner, CachedQuery *cq)
{
	memset(r, 0, sizeof(*r));
	r->pub.receiveSlot = capture_receive;
	r->pub.rStartup = capture_startup;
	r->pub.rShutdown = capture_shutdown;
	r->pub.rDestroy = capture_destroy;
	r->pub.mydest = inner->mydest;
	r->inner = inner;
	r->cq = cq;
}

/*
 * The fill lease on key, when leases are on and the store has them. It lasts
 * as long as its holder's readers would wait (a second at least), unless
 * given back sooner: a fill slower than that lets the next miss fill too.
 */
static FillLease
take_fill_lease(const Hash128 *key)
{
	const CacheStore *store = cachebot_cache_store();

	if (cachebot_fill_wait <= 0 || store == NULL || store->lease_take == NULL)
		return LEASE_NONE;
	/* One of this session's own fills (an open cursor's) must not be waited for. */
	for (CachedQuery *cq = cached_queries; cq; cq = cq->next)
		if (cq->leased && hash128_equal(&cq->decision->key, key))
			return LEASE_NONE;
	return store->lease_take(key, Max(cachebot_fill_wait, FILL_LEASE_MIN_MS));
}

static void
give_back_lease(const Hash128 *key)
{
	const CacheStore *store = cachebot_cache_store();

	if (store != NULL && store->lease_release != NULL)
		store->lease_release(key);
}

/* Gives the fill lease back once the fill stored its entry or was given up. */
static void
release_fill_lease(CachedQuery *cq)
{
	if (!cq->leased)
		return;
	cq->leased = false;
	give_back_lease(&cq->decision->key);
}

static void
store_fill(CachedQuery *cq)
{
	const CacheStore *store = cachebot_cache_store();
	MemoryContext old;

	cq->filling = false;
	if (store == NULL)
		return;
	old = MemoryContextSwitchTo(cq->cxt);
	if (cq->capture != NULL)
	{
		int			ndeps;
		Hash128    *deps;
		uint64	   *gens;
		List	   *notes;

		if (cachebot_capture_settle(cq->capture, &cq->decision->deps, cq->gens,
									&ndeps, &deps, &gens, &notes))
		{
			cachebot_entry_set_deps(&cq->builder, ndeps, deps, gens, notes);
			if (cq->builder.too_large)
			{
				cachebot_report_not_stored(cq->decision, cq->miss, SKIP_TOO_LARGE);
				MemoryContextSwitchTo(old);
				return;
			}
		}
	}
	cachebot_entry_finish(&cq->builder);
	if (store->put(&cq->decision->key, cq->builder.buf.data, cq->builder.buf.len,
				   cq->decision->ttl))
	{
		cachebot_filled_texts_note(cq->decision->text, cq->decision->textlen);
		cachebot_report_stored(cq->decision, cq->miss, cq->builder.buf.len,
							   INSTR_TIME_GET_MILLISEC(cq->ran));
	}
	else
		cachebot_report_not_stored(cq->decision, cq->miss, SKIP_TOO_LARGE);
	release_fill_lease(cq);
	MemoryContextSwitchTo(old);
}

/* ---- cursors ---- */

/*
 * Is this ExecutorStart the one PortalStart makes for a scrollable cursor's
 * portal (DECLARE ... CURSOR, its executor started before the portal holds
 * it)? Its backward and rewind flags come from the portal's SCROLL option,
 * and the portal's own rewinds show in its state (fill_rewound()).
 */
static bool
starts_scrollable_cursor(int eflags)
{
	Portal		portal = ActivePortal;

	return (eflags & EXEC_FLAG_MARK) == 0 && portal != NULL &&
		portal->strategy == PORTAL_ONE_SELECT && portal->queryDesc == NULL &&
		(portal->cursorOptions & CURSOR_OPT_SCROLL) != 0;
}

/*
 * Is this run of a cursor's plan, after earlier runs, one that starts over
 * from the first row? A FETCH ABSOLUTE or MOVE BACKWARD ALL of a scrollable
 * cursor rewinds the executor (the portal is then back at its start), and
 * so does the commit that keeps a scrollable WITH HOLD cursor (it runs the
 * whole plan again into the portal's tuple store). Backward runs stop a fill
 * by themselves; forward runs after a rewind would capture rows twice.
 */
static bool
fill_rewound(QueryDesc *queryDesc, CachedQuery *cq)
{
	Portal		portal = ActivePortal;

	if (!cq->runs || portal == NULL || portal->queryDesc != queryDesc ||
		(portal->cursorOptions & CURSOR_OPT_SCROLL) == 0)
		return false;
	/* (The commit's run is the only one while the portal has its store.) */
	return portal->atStart || portal->holdStore != NULL;
}

/* ---- hooks ---- */

/*
 * Looks the statement up. Returns NULL when it runs normally, else its
 * CachedQuery in hit or fill mode. With hit_only (a replay plan, which
 * cannot run), anything but a hit returns NULL, uncounted: the real plan
 * that replaces it is looked up and counted then.
 */
static CachedQuery *
prepare_cached(QueryDesc *qd, int eflags, bool hit_only)
{
	CachedQuery *cq;
	CacheDecision *d;
	RunContext	run;
	DecisionInput in;
	MemoryContext cxt;
	MemoryContext old;
	LookupOutcome outcome;
	EntryView	view;
	LookupVersions read;
	SkipReason	skip = SKIP_NONE;
	FillLease	lease = LEASE_NONE;
	TimestampTz deadline = 0;
	bool		decided;

	/*
	 * A parallel worker runs part of its leader's plan, which the leader
	 * decided: nothing to decide, nor a skip to count once per worker.
	 */
	if (IsParallelWorker())
		return NULL;
	/*
	 * EXPLAIN runs nothing: outside its hook (a plan explained some other
	 * way) nothing is decided; in it, a replay plan gives way to the real
	 * one, which is decided about below.
	 */
	if ((eflags & EXEC_FLAG_EXPLAIN_ONLY) && (hit_only || !cachebot_explaining()))
		return NULL;

	if (lease_was_left_behind)
	{
		lease_was_left_behind = false;
		give_back_lease(&lease_left_behind);
	}

	run.eflags = eflags;
	run.dest = qd->dest->mydest;
	run.nested = nesting_inside_statement();
	/*
	 * The client's scrollable cursor (SCROLL, or made scrollable by DECLARE
	 * because its plan can run backward) is decided as a forward one: a
	 * hit's replay node runs backward and rewinds too, and a fill stops at a
	 * backward run or a rewind (see fill_rewound()).
	 */
	if (!run.nested && starts_scrollable_cursor(eflags))
		run.eflags &= ~(EXEC_FLAG_BACKWARD | EXEC_FLAG_REWIND);
	run.replay = hit_only;
	run.eflags &= ~EXEC_FLAG_EXPLAIN_ONLY;	/* decided as it would run */

	cxt = AllocSetContextCreate(CurrentMemoryContext, "cachebot query",
								ALLOCSET_SMALL_SIZES);
	old = MemoryContextSwitchTo(cxt);
	cq = palloc0(sizeof(CachedQuery));
	cq->cxt = cxt;
	cq->unlink.func = unlink_cached;
	cq->unlink.arg = cq;
	MemoryContextRegisterResetCallback(cxt, &cq->unlink);
	cq->qd = qd;
	cq->nest_level = GetCurrentTransactionNestLevel();

	/*
	 * A replay plan the planner made just now comes with its decision and
	 * the entry it read: only how the statement runs is left to check.
	 */
	if (hit_only &&
		cachebot_planner_take_hit(qd->plannedstmt, qd->sourceText, cxt, &view, &cq->decision))
	{
		if (cachebot_check_run(&run) != SKIP_NONE)
			goto run_normally;
		d = cq->decision;
		goto hit;
	}

	cq->decision = d = palloc0(sizeof(CacheDecision));
	d->deps.describe = cachebot_explaining();
	in.plan = qd->plannedstmt;
	in.query = NULL;
	in.rtable = qd->plannedstmt->rtable;
	in.params = qd->params;
	in.replayed = hit_only ? cachebot_replay_plan_query(qd->plannedstmt) : NULL;
	decided = cachebot_decide(&in, qd->sourceText, &run, d);
	/* (under cache_all too: a misspelt nocache there is cached) */
	if (!hit_only && d->hint.kind == HINT_NONE && d->hint.lookalike != NULL &&
		!(eflags & EXEC_FLAG_EXPLAIN_ONLY))
		cachebot_report_lookalike(d);
	if (!decided)
		goto run_normally;
	/* Past the bound an entry would be taken for corrupt (see entry.h). */
	if (d->skip == SKIP_NONE &&
		(d->deps.n > ENTRY_MAX_DEPS || list_length(d->functions) > ENTRY_MAX_FUNCTIONS))
		d->skip = SKIP_TOO_LARGE;
	if (d->skip != SKIP_NONE)
	{
		if (eflags & EXEC_FLAG_EXPLAIN_ONLY)
			cachebot_explain_note(d, cachebot_report_skip_text(d));
		else if (!hit_only)
			cachebot_report_skip(d);
		goto run_normally;
	}
	if (!hit_only && d->unkeyed_column != NULL)
		cachebot_report_unkeyed(d);

	cq->gens = read.gens = palloc(d->deps.n * sizeof(uint64));
	outcome = cachebot_cache_lookup(d, &view, &read);
	if (eflags & EXEC_FLAG_EXPLAIN_ONLY)
	{
		cachebot_explain_note(d, cachebot_report_would(outcome, read.pending));
		goto run_normally;
	}
	if (outcome == LOOKUP_HIT)
	{
hit:
		/*
		 * (a hit of an entry filled elsewhere: the planner may look next
		 * time; it never looks for a statement with parameters)
		 */
		if (!hit_only && (qd->params == NULL || qd->params->numParams == 0))
			cachebot_filled_texts_note(d->text, d->textlen);
		cq->mode = CACHED_HIT;
		cq->tuples = view.tuples;
		cq->ntuples = view.ntuples;
		MemoryContextSwitchTo(old);
		return cq;
	}
	if (hit_only)
		goto run_normally;
	cq->miss = outcome;

	/*
	 * A miss. If another session is filling this entry, wait for its
	 * result (looking it up again: a hit is checked as any other) rather
	 * than run the statement too; past cachebot.fill_wait, run uncached.
	 * The fill lease is asked for last, once this execution could fill.
	 */
	for (int waits = 0;; waits++)
	{
		if (outcome == LOOKUP_CORRUPT)
			cachebot_stats_count(STAT_ERRORS, 1);
		if (outcome == LOOKUP_FAILED)
		{
			cachebot_stats_count(STAT_ERRORS, 1);
			skip = SKIP_BACKEND_ERROR;
			break;
		}
		if (read.pending)
		{
			/* A writer is committing: its rows may or may not be visible. */
			skip = SKIP_PENDING;
			break;
		}
		if (TransactionIdIsValid(GetTopTransactionIdIfAny()))
		{
			/* Whatever it wrote, nobody else sees it yet. */
			skip = SKIP_WRITTEN_IN_XACT;
			break;
		}
		if (!cachebot_catalog_gen_synchronized(read.ddl_sequence))
		{
			/* Planned, maybe, before a DDL that committed since. */
			skip = SKIP_CATALOG_CHANGED;
			break;
		}
		lease = take_fill_lease(&d->key);
		if (lease != LEASE_HELD)
			break;
		if (waits == 0)
			deadline = fill_wait_deadline();
		else if (GetCurrentTimestamp() >= deadline)
		{
			skip = SKIP_FILL_WAIT;
			break;
		}
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 Min(1L << Min(waits, 4), 16L), PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
		outcome = cachebot_cache_lookup(d, &view, &read);
		if (outcome == LOOKUP_HIT)
			goto hit;			/* the other session's fill */
	}
	cachebot_report_miss(d, cq->miss);
	if (skip != SKIP_NONE)
	{
		cachebot_report_not_stored(d, cq->miss, skip);
		goto run_normally;
	}
	cq->leased = lease == LEASE_TAKEN;
	INSTR_TIME_SET_ZERO(cq->ran);

	/*
	 * The snapshot must be taken after the version read: a writer that
	 * commits after it has bumped after the read, so the gens stored with
	 * this result are already stale.
	 */
	cq->mode = CACHED_FILL;
	cq->snapshot = RegisterSnapshot(GetTransactionSnapshot());
	cq->filling = true;
	cachebot_entry_begin(&cq->builder, d->fingerprint.data, d->fingerprint.len,
				d->deps.n, d->deps.hashes, cq->gens, qd->plannedstmt->rtable, d->functions, d->natts,
				(Size) cachebot_max_entry_size * 1024, cachebot_store_entry_seal());
	MemoryContextSwitchTo(old);
	return cq;

run_normally:
	MemoryContextSwitchTo(old);
	MemoryContextDelete(cxt);
	return NULL;
}

/*
 * A hit runs no expression of the statement, so it checks what initializing
 * them would have: EXECUTE on the functions they call (the relations'
 * privileges are checked by ExecutorStart on the replay plan's range table).
 */
static void
check_function_privileges(List *functions)
{
	ListCell   *lc;

	foreach(lc, functions)
	{
		AclResult	aclresult = pg_proc_aclcheck(lfirst_oid(lc), GetUserId(), ACL_EXECUTE);

		if (aclresult != ACLCHECK_OK)
			aclcheck_error(aclresult, OBJECT_FUNCTION, get_func_name(lfirst_oid(lc)));
	}
}

static void
cachebot_ExecutorStart(QueryDesc *queryDesc, int eflags)
{
	CachedQuery *cq = NULL;

	/* A write to a catalog is a catalog change (a data-modifying WITH too). */
	if (queryDesc->plannedstmt != NULL &&
		(queryDesc->operation != CMD_SELECT || queryDesc->plannedstmt->hasModifyingCTE))
		cachebot_ddl_note_plan(queryDesc->plannedstmt);

	if (queryDesc->plannedstmt != NULL && cachebot_is_replay_plan(queryDesc->plannedstmt))
	{
		if (cachebot_enabled)
			cq = prepare_cached(queryDesc, eflags, true);
		if (cq != NULL)
			cq->unplanned = true;
		else
			queryDesc->plannedstmt = cachebot_plan_replayed_query(queryDesc->plannedstmt,
														 queryDesc->sourceText,
														 queryDesc->params, eflags);
	}
	if (cq == NULL && cachebot_enabled && queryDesc->operation == CMD_SELECT &&
		queryDesc->plannedstmt != NULL)
		cq = prepare_cached(queryDesc, eflags, false);
	if (cq != NULL && cq->mode == CACHED_FILL)
	{
		/*
		 * The QueryDesc holds a registration of its snapshot, which
		 * FreeQueryDesc() drops: hand ours over in its place.
		 */
		Snapshot	portal_snapshot = queryDesc->snapshot;

		queryDesc->snapshot = cq->snapshot;
		UnregisterSnapshot(portal_snapshot);
	}

	/* A hit runs a replay plan, with the same range table and result columns. */
	if (cq != NULL && cq->mode == CACHED_HIT)
	{
		if (!cq->unplanned)
		{
			MemoryContext old = MemoryContextSwitchTo(cq->cxt);

			cq->original = queryDesc->plannedstmt;
			queryDesc->plannedstmt = cachebot_replay_plan_for_plan(cq->original);
			MemoryContextSwitchTo(old);
		}
		cachebot_replay_stage(queryDesc->plannedstmt, cq->tuples, cq->ntuples);
	}

	/*
	 * What runs while the plan starts (a function evaluated for initial
	 * partition pruning) runs inside this statement.
	 */
	nesting_enter();
	PG_TRY();
	{
		if (prev_ExecutorStart)
			prev_ExecutorStart(queryDesc, eflags);
		else
			standard_ExecutorStart(queryDesc, eflags);
	}
	PG_CATCH();
	{
		nesting_leave();
		cachebot_replay_unstage();
		if (cq != NULL && cq->original != NULL)
			queryDesc->plannedstmt = cq->original;
		PG_RE_THROW();
	}
	PG_END_TRY();
	nesting_leave();
	cachebot_replay_unstage();

	if (cq != NULL && cq->mode == CACHED_FILL)
		cq->capture = cachebot_capture_begin(queryDesc, &cq->decision->deps, cq->cxt);
	if (cq != NULL)
	{
		if (cq->mode == CACHED_HIT)
			check_function_privileges(cq->unplanned ?
									  cachebot_replay_plan_functions(queryDesc->plannedstmt) :
									  cq->decision->functions);
		/* Counted once the permission checks have passed. */
		if (cq->mode == CACHED_HIT)
			cachebot_report_hit(cq->decision);
		if (cq->unplanned)
			cachebot_stats_count(STAT_HITS_UNPLANNED, 1);
		cq->next = cached_queries;
		cached_queries = cq;
	}
}

static void
cachebot_ExecutorRun(QueryDesc *queryDesc, ScanDirection direction, uint64 count,
					 bool execute_once)
{
	CachedQuery *cq = cached_queries ? find_cached(queryDesc) : NULL;
	DestReceiver *dest = queryDesc->dest;
	CaptureReceiver capture;
	instr_time	run_start;
	instr_time	run_end;

	if (cq != NULL && cq->filling)
	{
		/* Only a forward run from the start, in one or more pieces, fills. */
		if (!ScanDirectionIsForward(direction) || fill_rewound(queryDesc, cq))
		{
			cq->filling = false;
			cachebot_report_not_stored(cq->decision, cq->miss, SKIP_CURSOR);
		}
		else
		{
			capture_init(&capture, dest, cq);
			queryDesc->dest = (DestReceiver *) &capture;
		}
	}

	if (cq != NULL && cq->filling)
		INSTR_TIME_SET_CURRENT(run_start);
	nesting_enter();
	PG_TRY();
	{
		if (cq != NULL && cq->mode == CACHED_FILL)
			PushActiveSnapshot(cq->snapshot);
		if (prev_ExecutorRun)
			prev_ExecutorRun(queryDesc, direction, count, execute_once);
		else
			standard_ExecutorRun(queryDesc, direction, count, execute_once);
		if (cq != NULL && cq->mode == CACHED_FILL)
			PopActiveSnapshot();
	}
	PG_FINALLY();
	{
		nesting_leave();
		queryDesc->dest = dest;
	}
	PG_END_TRY();

	if (cq != NULL && cq->filling)
	{
		INSTR_TIME_SET_CURRENT(run_end);
		INSTR_TIME_ACCUM_DIFF(cq->ran, run_end, run_start);
		cq->runs = true;
		if (count == 0 || queryDesc->estate->es_processed < count)
			store_fill(cq);		/* the plan ran to its end */
	}
}

/*
 * A fill whose last run stopped at its row count (a cursor fetched to the
 * last row, PL/pgSQL's SELECT INTO) does not know whether the plan had more.
 * No run follows ExecutorFinish, so one more step tells: if the plan yields
 * nothing, the captured rows are the whole result. The step must not raise
 * an error the statement would not have raised, nor cost much where the
 * statement itself costs little (a CLOSE, a COMMIT): it is only taken when
 * every function left to run is leakproof and the whole plan is estimated
 * cheap (PROBE_MAX_COST), or when the plan is a plain aggregate, which has
 * computed its one row. It is cachebot's own step, not a run of the
 * statement: the ExecutorRun hooks do not see it.
 */
static bool
probe_is_harmless(PlannedStmt *stmt)
{
	/* A plain aggregate has computed its one row: asking again computes nothing. */
	if (IsA(stmt->planTree, Agg) && ((Agg *) stmt->planTree)->aggstrategy == AGG_PLAIN)
		return true;
	return stmt->planTree->total_cost <= PROBE_MAX_COST && cachebot_plan_cannot_fail(stmt);
}

static void
probe_and_store(QueryDesc *queryDesc, CachedQuery *cq)
{
	DestReceiver *dest = queryDesc->dest;
	uint64		processed = queryDesc->estate->es_processed;
	CaptureReceiver probe;

	capture_init(&probe, None_Receiver, cq);

	cq->probing = true;
	queryDesc->dest = (DestReceiver *) &probe;
	PushActiveSnapshot(cq->snapshot);
	PG_TRY();
	{
		standard_ExecutorRun(queryDesc, ForwardScanDirection, 1, false);
	}
	PG_FINALLY();
	{
		queryDesc->dest = dest;
		cq->probing = false;
	}
	PG_END_TRY();
	PopActiveSnapshot();

	if (queryDesc->estate->es_processed == 0)
		store_fill(cq);
	else
	{
		cq->filling = false;
		/* fetched in part, then closed */
		cachebot_report_not_stored(cq->decision, cq->miss, SKIP_CURSOR);
	}
	queryDesc->estate->es_processed = processed;
}

static void
cachebot_ExecutorFinish(QueryDesc *queryDesc)
{
	CachedQuery *cq = cached_queries ? find_cached(queryDesc) : NULL;

	nesting_enter();
	PG_TRY();
	{
		if (cq != NULL && cq->filling && cq->runs &&
			!queryDesc->plannedstmt->parallelModeNeeded &&
			probe_is_harmless(queryDesc->plannedstmt))
			probe_and_store(queryDesc, cq);
		if (prev_ExecutorFinish)
			prev_ExecutorFinish(queryDesc);
		else
			standard_ExecutorFinish(queryDesc);
	}
	PG_FINALLY();
	{
		nesting_leave();
	}
	PG_END_TRY();
}

static void
cachebot_ExecutorEnd(QueryDesc *queryDesc)
{
	CachedQuery *cq = cached_queries ? find_cached(queryDesc) : NULL;

	if (cq != NULL)
	{
		forget_cached(cq);
		if (cq->filling && cq->runs)	/* fetched in part, then closed */
			cachebot_report_not_stored(cq->decision, cq->miss, SKIP_CURSOR);
		release_fill_lease(cq);
	}

	if (prev_ExecutorEnd)
		prev_ExecutorEnd(queryDesc);
	else
		standard_ExecutorEnd(queryDesc);

	if (cq != NULL)
	{
		/* The replay plan goes away with cq's memory: hand the original back. */
		if (cq->original != NULL)
			queryDesc->plannedstmt = cq->original;
		MemoryContextDelete(cq->cxt);
	}
}

void
cachebot_executor_install_hooks(void)
{
	prev_ExecutorStart = ExecutorStart_hook;
	ExecutorStart_hook = cachebot_ExecutorStart;
	prev_ExecutorRun = ExecutorRun_hook;
	ExecutorRun_hook = cachebot_ExecutorRun;
	prev_ExecutorFinish = ExecutorFinish_hook;
	ExecutorFinish_hook = cachebot_ExecutorFinish;
	prev_ExecutorEnd = ExecutorEnd_hook;
	ExecutorEnd_hook = cachebot_ExecutorEnd;
	RegisterXactCallback(executor_xact_callback, NULL);
	RegisterSubXactCallback(executor_subxact_callback, NULL);
}
