/*
 * xact.c
 *		Collects what a transaction invalidates, and bumps it at commit.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/objectaccess.h"
#include "catalog/pg_class.h"
#include "catalog/pg_proc.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "tcop/utility.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"

#include "keys.h"
#include "stats.h"
#include "store.h"
#include "tracking.h"
#include "xact.h"

typedef struct CollectedKey
{
	DepKey		key;			/* hash key: must be first */
	int			nest_level;		/* lowest subtransaction that collected it */
} CollectedKey;

typedef struct WrittenRel
{
	Oid			relid;
	int			nest_level;
} WrittenRel;

static MemoryContext xact_cxt = NULL;
static HTAB *collected = NULL;
static HTAB *written = NULL;

/* The keys bumped at pre-commit, bumped again at commit or abort. */
static Hash128 *bumped = NULL;
static int	nbumped = 0;
static bool epoch_fallback = false;

/* The key collected last: a statement's rows mostly repeat it. */
static DepKey last_collected;
static bool last_collected_valid = false;

static object_access_hook_type prev_object_access_hook = NULL;
static ProcessUtility_hook_type prev_process_utility = NULL;

static void
ensure_sets(void)
{
	HASHCTL		ctl;

	if (collected != NULL)
		return;
	if (xact_cxt == NULL)
		xact_cxt = AllocSetContextCreate(TopMemoryContext, "cachebot transaction",
										 ALLOCSET_SMALL_SIZES);
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(DepKey);
	ctl.entrysize = sizeof(CollectedKey);
	ctl.hcxt = xact_cxt;
	collected = hash_create("cachebot collected keys", 64, &ctl,
							HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(WrittenRel);
	written = hash_create("cachebot written relations", 16, &ctl,
						  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
}

static void
forget_all(void)
{
	if (xact_cxt != NULL)
		MemoryContextReset(xact_cxt);
	collected = NULL;
	written = NULL;
	bumped = NULL;
	nbumped = 0;
	epoch_fallback = false;
	last_collected_valid = false;
}

static void
mark_written(Oid relid)
{
	WrittenRel *w;
	bool		found;

	ensure_sets();
	w = hash_search(written, &relid, HASH_ENTER, &found);
	if (!found)
		w->nest_level = GetCurrentTransactionNestLevel();
}

void
xact_collect(const DepKey *key)
{
	DepKey		k = depkey_make(key->kind, key->dbid, key->relid,
								key->attnum, key->valuehash);
	CollectedKey *c;
	bool		found;

	if (last_collected_valid && k.kind == last_collected.kind &&
		k.relid == last_collected.relid && k.dbid == last_collected.dbid &&
		k.attnum == last_collected.attnum && k.valuehash == last_collected.valuehash)
		return;
	ensure_sets();

	/*
	 * Row keys collapse into the table's generation: past the bound, or once
	 * the generation is collected anyway (it invalidates all they would).
	 */
	if (k.kind == DEP_COLUMN_VALUE)
	{
		DepKey		gen = depkey_make(DEP_GENERATION, k.dbid, k.relid, 0, 0);

		if (hash_search(collected, &gen, HASH_FIND, NULL) != NULL)
			return;
		if (hash_get_num_entries(collected) >= CACHEBOT_MAX_XACT_KEYS)
			k = gen;
	}
	c = hash_search(collected, &k, HASH_ENTER, &found);
	if (!found)
		c->nest_level = GetCurrentTransactionNestLevel();
	if (k.relid != InvalidOid)
		mark_written(k.relid);
	last_collected = k;
	last_collected_valid = true;
}

void
xact_collect_generation(Oid relid)
{
	DepKey		k = depkey_make(DEP_GENERATION, MyDatabaseId, relid, 0, 0);

	xact_collect(&k);
}

bool
xact_wrote(Oid relid)
{
	return written != NULL && hash_search(written, &relid, HASH_FIND, NULL) != NULL;
}

/* Bumps at pre-commit: every collected key goes pending with a new gen. */
static void
bump_pre_commit(void)
{
	const CacheStore *store = cache_store();
	HASH_SEQ_STATUS seq;
	CollectedKey *c;
	int			n = 0;

	if (collected == NULL || hash_get_num_entries(collected) == 0 || store == NULL)
		return;

	bumped = MemoryContextAlloc(xact_cxt, hash_get_num_entries(collected) * sizeof(Hash128));
	hash_seq_init(&seq, collected);
	while ((c = hash_seq_search(&seq)) != NULL)
		bumped[n++] = c->key.kind == DEP_EPOCH ? EPOCH_KEY : depkey_hash(&c->key);
	nbumped = n;

	if (!store->bump(nbumped, bumped, BUMP_PRE_COMMIT))
	{
		/* A record we could not mark: make everything miss, now and after. */
		Hash128		epoch = EPOCH_KEY;

		epoch_fallback = true;
		store->bump(1, &epoch, BUMP_NOW);
		stats_count(STAT_ERRORS, 1);
	}
	stats_count(STAT_INVALIDATIONS, nbumped);
}

/* After commit or abort: must not raise an ERROR. */
static void
bump_finish(BumpPhase phase)
{
	const CacheStore *store = cache_store();

	if (store != NULL && nbumped > 0)
	{
		store->bump(nbumped, bumped, phase);
		if (epoch_fallback)
		{
			Hash128		epoch = EPOCH_KEY;

			store->bump(1, &epoch, BUMP_NOW);
		}
	}
}

static void
xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_PRE_COMMIT:
		case XACT_EVENT_PARALLEL_PRE_COMMIT:
			bump_pre_commit();
			break;
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
			bump_finish(BUMP_COMMIT);
			forget_all();
			break;
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
			bump_finish(BUMP_ABORT);
			forget_all();
			break;
		case XACT_EVENT_PRE_PREPARE:
			if (collected != NULL && hash_get_num_entries(collected) > 0)
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("cannot PREPARE a transaction that wrote a table tracked by cachebot"),
						 errdetail("Cached results are invalidated when the writing transaction commits, and COMMIT PREPARED runs no commit callbacks."),
						 errhint("Commit the transaction directly, or untrack the table.")));
			break;
		case XACT_EVENT_PREPARE:
			forget_all();
			break;
	}
}

static void
subxact_callback(SubXactEvent event, SubTransactionId mySubid,
				 SubTransactionId parentSubid, void *arg)
{
	int			level = GetCurrentTransactionNestLevel();
	HASH_SEQ_STATUS seq;
	CollectedKey *c;
	WrittenRel *w;

	last_collected_valid = false;
	if (collected == NULL)
		return;
	if (event == SUBXACT_EVENT_ABORT_SUB)
	{
		hash_seq_init(&seq, collected);
		while ((c = hash_seq_search(&seq)) != NULL)
			if (c->nest_level >= level)
				hash_search(collected, &c->key, HASH_REMOVE, NULL);
		hash_seq_init(&seq, written);
		while ((w = hash_seq_search(&seq)) != NULL)
			if (w->nest_level >= level)
				hash_search(written, &w->relid, HASH_REMOVE, NULL);
	}
	else if (event == SUBXACT_EVENT_COMMIT_SUB)
	{
		hash_seq_init(&seq, collected);
		while ((c = hash_seq_search(&seq)) != NULL)
			if (c->nest_level >= level)
				c->nest_level = level - 1;
		hash_seq_init(&seq, written);
		while ((w = hash_seq_search(&seq)) != NULL)
			if (w->nest_level >= level)
				w->nest_level = level - 1;
	}
}

/*
 * DDL and TRUNCATE on a relation invalidate what read it; so does replacing
 * a function, which cached results may have computed (the epoch).
 */
static void
object_access(ObjectAccessType access, Oid classId, Oid objectId, int subId, void *arg)
{
	if (prev_object_access_hook)
		prev_object_access_hook(access, classId, objectId, subId, arg);

	if (!IsTransactionState() || cache_store() == NULL)
		return;
	if (classId == RelationRelationId &&
		(access == OAT_POST_ALTER || access == OAT_DROP || access == OAT_TRUNCATE ||
		 (access == OAT_POST_CREATE && subId != 0)))	/* ADD COLUMN */
		xact_collect_generation(objectId);
	else if (classId == ProcedureRelationId &&
			 (access == OAT_POST_CREATE || access == OAT_POST_ALTER || access == OAT_DROP))
	{
		DepKey		k = depkey_make(DEP_EPOCH, InvalidOid, InvalidOid, 0, 0);

		xact_collect(&k);
	}
}

/*
 * ALTER TABLE invalidates what read the table, whatever it changes: not
 * every subcommand (ATTACH and DETACH PARTITION among them) reports itself
 * to the object access hook.
 */
static void
process_utility(PlannedStmt *pstmt, const char *queryString, bool readOnlyTree,
				ProcessUtilityContext context, ParamListInfo params,
				QueryEnvironment *queryEnv, DestReceiver *dest, QueryCompletion *qc)
{
	Node	   *parsetree = pstmt->utilityStmt;
	Oid			altered = InvalidOid;

	if (IsA(parsetree, AlterTableStmt) && cache_store() != NULL)
		altered = RangeVarGetRelid(((AlterTableStmt *) parsetree)->relation, NoLock, true);

	if (prev_process_utility)
		prev_process_utility(pstmt, queryString, readOnlyTree, context, params,
							 queryEnv, dest, qc);
	else
		standard_ProcessUtility(pstmt, queryString, readOnlyTree, context, params,
								queryEnv, dest, qc);

	if (OidIsValid(altered))
		xact_collect_generation(altered);
}

void
xact_register_callbacks(void)
{
	RegisterXactCallback(xact_callback, NULL);
	RegisterSubXactCallback(subxact_callback, NULL);
	prev_object_access_hook = object_access_hook;
	object_access_hook = object_access;
	prev_process_utility = ProcessUtility_hook;
	ProcessUtility_hook = process_utility;
}

/* ---- the trigger ---- */

PG_FUNCTION_INFO_V1(cachebot_invalidate_trigger);

void
xact_collect_row(const TrackInfo *info, TupleDesc desc, HeapTuple tuple)
{
	for (int i = 0; i < info->nkeyed; i++)
	{
		AttrNumber	attnum = info->keyed[i];
		Form_pg_attribute att;
		Datum		value;
		bool		isnull;
		uint64		hash;
		DepKey		k;

		if (attnum > desc->natts)
			continue;
		att = TupleDescAttr(desc, attnum - 1);
		if (att->attisdropped)
			continue;
		value = heap_getattr(tuple, attnum, desc, &isnull);
		/* No equality qual matches a NULL: nothing depends on its key. */
		if (isnull || !column_value_hash(att->atttypid, att->attcollation, value, &hash))
			continue;
		k = depkey_make(DEP_COLUMN_VALUE, MyDatabaseId, info->root, attnum, hash);
		xact_collect(&k);
	}
}

/*
 * Row and TRUNCATE trigger installed by cachebot.track(). Its arguments are
 * the tracked table's OID (so that the clones on partitions invalidate their
 * root), its options and its keyed columns.
 */
Datum
cachebot_invalidate_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Oid			self;
	TrackInfo	info;
	DepKey		k;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("cachebot._invalidate_trigger() was not called as a trigger")));
	if (!TRIGGER_FIRED_AFTER(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("cachebot._invalidate_trigger() must be fired AFTER")));

	self = RelationGetRelid(trigdata->tg_relation);
	tracking_parse(trigdata->tg_trigger->tgnargs, trigdata->tg_trigger->tgargs, self, &info);

	k = depkey_make(TRIGGER_FIRED_BY_TRUNCATE(trigdata->tg_event) ?
					DEP_GENERATION : DEP_ANY_ROW, MyDatabaseId, info.root, 0, 0);
	xact_collect(&k);
	if (info.root != self)
		mark_written(self);

	/*
	 * Row keys by the old and the new values. A partition's columns need not
	 * be numbered like its root's: its writes bump (T, *) only, which is what
	 * readers of partitions depend on.
	 */
	if (TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) && info.root == self && info.nkeyed > 0)
	{
		TupleDesc	desc = RelationGetDescr(trigdata->tg_relation);

		if (!TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
			xact_collect_row(&info, desc, trigdata->tg_trigtuple);
		if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
			xact_collect_row(&info, desc, trigdata->tg_newtuple);
		else if (TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
			xact_collect_row(&info, desc, trigdata->tg_trigtuple);
	}

	return PointerGetDatum(NULL);
}
