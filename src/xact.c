/*
 * xact.c
 *		Collects what a transaction invalidates, and bumps it at commit.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/twophase.h"
#include "access/xact.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/resowner.h"

#include "catalog_gen.h"
#include "committing.h"
#include "ddl.h"
#include "keys.h"
#include "statements.h"
#include "stats.h"
#include "store.h"
#include "tracking.h"
#include "xact.h"
#include "settings.h"

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

/*
 * The keys the transaction collected and the tables it wrote. Kept from one
 * transaction to the next (in TopMemoryContext) and emptied at the next's
 * first use (see clear_stale_sets()): creating two hash tables, each with
 * its own memory context, cost every writing transaction about a
 * microsecond. Until then they are stale, and read as empty.
 */
#define COLLECTED_INITIAL	64
#define WRITTEN_INITIAL		16
static HTAB *collected = NULL;
static HTAB *written = NULL;
static bool sets_stale = false;
static bool sets_grew = false;	/* past an initial size: dropped, not emptied */

/*
 * What was bumped before the commit, to bump again after it (or to release
 * after a failure): prepared at pre-commit, so that finishing allocates
 * nothing.
 */
static Hash128 *bumped = NULL;
static int	nbumped = 0;
static bool catalog_bumped = false;
static bool finishing_prepared = false;	/* the changes are another's */
static bool epoch_fallback = false;

/*
 * Did the pre-commit bump of bumped[] return? Only then are they settled: an
 * ERROR before or inside it (a cancel while the store prepares) leaves marks
 * never made, and a settle without its mark would take another writer's mark
 * off the record. After a bump that failed in part, the commit settles them
 * all: the embedded store marked all it could (a key it could not has no
 * record, whose settle does nothing); memcached settles none of them and
 * resets those that may have landed (store_memcached.c).
 */
static bool marks_made = false;

/* The key collected last: a statement's rows mostly repeat it. */
static DepKey last_collected;
static bool last_collected_valid = false;

/*
 * The PREPARE TRANSACTION under way: its GID, and what it will bump when
 * committed (not bumped now: nothing is pending for it).
 */
static char preparing_gid[GIDSIZE];
static Hash128 *prepared_keys = NULL;
static int	nprepared_keys = 0;
static bool prepared_catalog = false;

/* ---- keys of prepared transactions ---- */

#define PREPARED_MAX_KEYS 64

typedef struct PreparedKeys
{
	bool		used;
	char		gid[GIDSIZE];
	bool		catalog;		/* the catalog of dbid changed */
	Oid			dbid;
	int			nkeys;
	Hash128		keys[PREPARED_MAX_KEYS];
} PreparedKeys;

typedef struct PreparedTable
{
	LWLock	   *lock;
	int			nslots;
	PreparedKeys slots[FLEXIBLE_ARRAY_MEMBER];
} PreparedTable;

static PreparedTable *prepared = NULL;

static Size
prepared_table_size(void)
{
	return add_size(offsetof(PreparedTable, slots),
					mul_size(Max(max_prepared_xacts, 1), sizeof(PreparedKeys)));
}

void
cachebot_xact_shmem_request(void)
{
	RequestAddinShmemSpace(MAXALIGN(prepared_table_size()));
	RequestNamedLWLockTranche("cachebot prepared", 1);
}

void
cachebot_xact_shmem_startup(void)
{
	bool		found;

	prepared = ShmemInitStruct("cachebot prepared transactions", prepared_table_size(), &found);
	if (!found)
	{
		memset(prepared, 0, prepared_table_size());
		prepared->lock = &(GetNamedLWLockTranche("cachebot prepared"))->lock;
		prepared->nslots = Max(max_prepared_xacts, 1);
	}
}

/* Saves what a transaction being prepared will bump when committed. */
static void
save_prepared(const char *gid, bool catalog, int nkeys, const Hash128 *keys)
{
	if (prepared == NULL || gid[0] == '\0')
		return;
	LWLockAcquire(prepared->lock, LW_EXCLUSIVE);
	for (int i = 0; i < prepared->nslots; i++)
	{
		PreparedKeys *slot = &prepared->slots[i];

		if (slot->used)
			continue;
		slot->used = true;
		strlcpy(slot->gid, gid, GIDSIZE);
		slot->catalog = catalog;
		slot->dbid = MyDatabaseId;
		/* Too many to keep: everything is invalidated at COMMIT PREPARED. */
		if (nkeys > PREPARED_MAX_KEYS)
		{
			slot->keys[0] = cachebot_epoch_key;
			slot->nkeys = 1;
		}
		else
		{
			memcpy(slot->keys, keys, nkeys * sizeof(Hash128));
			slot->nkeys = nkeys;
		}
		break;
	}
	/* No free slot: COMMIT PREPARED will not find it, and bump the epoch. */
	LWLockRelease(prepared->lock);
}

/* Takes the keys saved for gid out of the table; false if there are none. */
static bool
take_prepared(const char *gid, bool *catalog, int *nkeys, Hash128 *keys)
{
	bool		found = false;

	if (prepared == NULL)
		return false;
	LWLockAcquire(prepared->lock, LW_EXCLUSIVE);
	for (int i = 0; i < prepared->nslots && !found; i++)
	{
		PreparedKeys *slot = &prepared->slots[i];

		if (!slot->used || slot->dbid != MyDatabaseId || strcmp(slot->gid, gid) != 0)
			continue;
		*catalog = slot->catalog;
		*nkeys = slot->nkeys;
		memcpy(keys, slot->keys, slot->nkeys * sizeof(Hash128));
		slot->used = false;
		found = true;
	}
	LWLockRelease(prepared->lock);
	return found;
}

/* ---- collecting ---- */

/*
 * Empties the sets left by the transaction before, at the first use of a new
 * one: where an ERROR is allowed, and so that nothing but a flag is left for
 * the end of a transaction. A set that outgrew its initial size is dropped
 * instead (dynahash never shrinks), so that scans of the next transaction's
 * sets stay short.
 */
/* Drops what the sets hold from (sub)transaction nest level `level` down. */
static void
forget_from_level(int level)
{
	HASH_SEQ_STATUS seq;
	CollectedKey *c;
	WrittenRel *w;

	hash_seq_init(&seq, collected);
	while ((c = hash_seq_search(&seq)) != NULL)
		if (c->nest_level >= level)
			hash_search(collected, &c->key, HASH_REMOVE, NULL);
	hash_seq_init(&seq, written);
	while ((w = hash_seq_search(&seq)) != NULL)
		if (w->nest_level >= level)
			hash_search(written, &w->relid, HASH_REMOVE, NULL);
}

static void
clear_stale_sets(void)
{
	if (sets_grew)
	{
		hash_destroy(collected);
		hash_destroy(written);
		collected = NULL;
		written = NULL;
		sets_grew = false;
	}
	else
		forget_from_level(0);
	sets_stale = false;
}

static void
ensure_sets(void)
{
	HASHCTL		ctl;
	HTAB	   *new_collected;

	if (collected != NULL && sets_stale)
		clear_stale_sets();
	if (collected != NULL)
		return;
	if (xact_cxt == NULL)
		xact_cxt = AllocSetContextCreate(TopMemoryContext, "cachebot transaction",
										 ALLOCSET_SMALL_SIZES);
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(DepKey);
	ctl.entrysize = sizeof(CollectedKey);
	ctl.hcxt = TopMemoryContext;
	new_collected = hash_create("cachebot collected keys", COLLECTED_INITIAL, &ctl,
								HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(WrittenRel);
	/* Both or neither: an out-of-memory ERROR here leaves neither set. */
	PG_TRY();
	{
		written = hash_create("cachebot written relations", WRITTEN_INITIAL, &ctl,
							  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	PG_CATCH();
	{
		hash_destroy(new_collected);
		PG_RE_THROW();
	}
	PG_END_TRY();
	collected = new_collected;
	sets_grew = false;
	sets_stale = false;
}

/* Has this transaction collected anything, or written a table? */
static inline bool
sets_empty(void)
{
	return collected == NULL || sets_stale ||
		(hash_get_num_entries(collected) == 0 && hash_get_num_entries(written) == 0);
}

static void
forget_all(void)
{
	cachebot_committing_withdraw();
	if (xact_cxt != NULL)
		MemoryContextReset(xact_cxt);
	if (collected != NULL)
		sets_stale = true;
	bumped = NULL;
	nbumped = 0;
	marks_made = false;
	catalog_bumped = false;
	finishing_prepared = false;
	epoch_fallback = false;
	last_collected_valid = false;
	preparing_gid[0] = '\0';
	prepared_keys = NULL;
	nprepared_keys = 0;
	prepared_catalog = false;
	cachebot_ddl_forget();
}

void
cachebot_xact_mark_written(Oid relid)
{
	WrittenRel *w;
	bool		found;

	ensure_sets();
	w = hash_search(written, &relid, HASH_ENTER, &found);
	if (!found)
	{
		w->nest_level = GetCurrentTransactionNestLevel();
		if (hash_get_num_entries(written) > WRITTEN_INITIAL)
			sets_grew = true;
	}
}

void
cachebot_xact_collect(const DepKey *key)
{
	DepKey		k = depkey_make(key->kind, key->dbid, key->relid,
								key->attnum, key->valuehash);
	CollectedKey *c;
	bool		found;

	if (last_collected_valid && depkey_equal(&k, &last_collected))
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
	{
		c->nest_level = GetCurrentTransactionNestLevel();
		if (hash_get_num_entries(collected) > COLLECTED_INITIAL)
			sets_grew = true;
	}
	if (k.relid != InvalidOid)
		cachebot_xact_mark_written(k.relid);
	last_collected = k;
	last_collected_valid = true;
}

void
cachebot_xact_collect_generation(Oid relid)
{
	DepKey		k = depkey_make(DEP_GENERATION, MyDatabaseId, relid, 0, 0);

	cachebot_xact_collect(&k);
}

bool
cachebot_xact_wrote(Oid relid)
{
	return !sets_empty() && hash_search(written, &relid, HASH_FIND, NULL) != NULL;
}

/*
 * One committed write more for each tracked table whose keys the
 * transaction collected (cachebot.tables).
 */
static void
count_invalidated_tables(void)
{
	HASH_SEQ_STATUS seq;
	CollectedKey *c;
	Oid		   *relids;
	int			n = 0;
	int			distinct = 0;

	if (sets_empty())
		return;
	relids = palloc(Max(hash_get_num_entries(collected), 1) * sizeof(Oid));
	hash_seq_init(&seq, collected);
	while ((c = hash_seq_search(&seq)) != NULL)
		if (OidIsValid(c->key.relid))
			relids[n++] = c->key.relid;
	qsort(relids, n, sizeof(Oid), oid_cmp);
	for (int i = 0; i < n; i++)
		if (i == 0 || relids[i] != relids[i - 1])
			relids[distinct++] = relids[i];
	cachebot_statements_count_tables(relids, distinct, TABLE_INVALIDATED);
	pfree(relids);
}

/*
 * The store keys of everything the transaction collected, and what its DDL
 * changed (*catalog: this database's catalog). Allocated in xact_cxt.
 */
static int
keys_to_bump(Hash128 **keys, bool *catalog)
{
	bool		shared;
	int			n = 0;
	int			max;
	HASH_SEQ_STATUS seq;
	CollectedKey *c;

	cachebot_ddl_changes_at_commit(catalog, &shared);
	if (shared)
	{
		DepKey		epoch = depkey_make(DEP_EPOCH, InvalidOid, InvalidOid, 0, 0);

		cachebot_xact_collect(&epoch);
	}
	if (sets_empty())
	{
		*keys = NULL;
		return 0;
	}
	max = hash_get_num_entries(collected);
	*keys = MemoryContextAlloc(xact_cxt, Max(max, 1) * sizeof(Hash128));
	hash_seq_init(&seq, collected);
	while ((c = hash_seq_search(&seq)) != NULL)
		(*keys)[n++] = cachebot_depkey_hash(&c->key);
	return n;
}

/* Bumps before the commit: records go pending with a new gen. */
static void
bump_pending(void)
{
	const CacheStore *store = cachebot_cache_store();
	uint64	   *marked = NULL;
	bool		ok;

	if (catalog_bumped)
		cachebot_catalog_gen_bump(MyDatabaseId, BUMP_PRE_COMMIT, !finishing_prepared);
	if (nbumped == 0 || store == NULL)
		return;
	/* The bumps after the commit may not allocate: they use what this sets up. */
	cachebot_committing_prepare();
	if (store->prepare_finish != NULL)
		store->prepare_finish(nbumped + 1);
	/* What the marks read as once landed, for readers to check them by. */
	if (!finishing_prepared && nbumped <= COMMITTING_MAX_KEYS)
		marked = MemoryContextAlloc(xact_cxt, nbumped * sizeof(uint64));
	ok = store->bump(nbumped, bumped, BUMP_PRE_COMMIT, marked);
	marks_made = true;			/* (an ERROR inside sent nothing) */
	if (!ok)
	{
		/* A record we could not mark: make everything miss, now and after. */
		Hash128		epoch = cachebot_epoch_key;

		epoch_fallback = true;
		store->bump(1, &epoch, BUMP_NOW, NULL);
		cachebot_stats_count(STAT_ERRORS, 1);
	}
	else if (marked != NULL)
	{
		/*
		 * Until this commit is visible, readers may look past the marks
		 * (committing.h). Not for COMMIT PREPARED: the transaction whose
		 * visibility counts is not this one.
		 */
		cachebot_committing_publish(nbumped, bumped, marked);
	}
	cachebot_stats_count(STAT_INVALIDATIONS, nbumped);
}

static void
bump_pre_commit(void)
{
	Hash128    *keys;
	bool		catalog;
	int			n = keys_to_bump(&keys, &catalog);

	if (n == 0 && !catalog)
		return;
	/* (here, not at PREPARE TRANSACTION: a prepared one may yet roll back) */
	count_invalidated_tables();
	/* COMMIT PREPARED (the only statement of its transaction) bumped nothing else. */
	Assert(nbumped == 0 && !catalog_bumped);
	bumped = keys;
	nbumped = n;
	catalog_bumped = catalog;
	bump_pending();
}

/*
 * After the commit became visible (or after a failure past pre-commit), the
 * second bump of the store's records, before the locks are released: a
 * session that waited for one of them finds the records settled (or, if the
 * store settles unconfirmed, usually waits for them: committing.h). Only
 * marks made are settled (see marks_made). Must not raise an ERROR.
 */
static void
bump_store_finish(BumpPhase phase)
{
	const CacheStore *store = cachebot_cache_store();
	bool		settling = false;

	if (store != NULL && nbumped > 0 && marks_made)
		settling = store->bump(nbumped, bumped, phase, NULL) &&
			store->settle_wait_ms != NULL;
	if (store != NULL && nbumped > 0 && epoch_fallback)
	{
		Hash128		epoch = cachebot_epoch_key;

		store->bump(1, &epoch, BUMP_NOW_AFTER_COMMIT, NULL);
	}
	if (settling)
		cachebot_committing_settling(store->settle_wait_ms());
	else
		cachebot_committing_withdraw();
	nbumped = 0;
	marks_made = false;
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
		case XACT_EVENT_PRE_PREPARE:
			/* Computed here, where an ERROR is still allowed ... */
			nprepared_keys = keys_to_bump(&prepared_keys, &prepared_catalog);
			break;
		case XACT_EVENT_PREPARE:
			/*
			 * ... and kept once the transaction is prepared: a PREPARE that
			 * fails after PRE_PREPARE (a GID in use, a temporary object)
			 * must leave nothing under its GID.
			 */
			save_prepared(preparing_gid, prepared_catalog, nprepared_keys, prepared_keys);
			forget_all();
			break;
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
			bump_store_finish(BUMP_COMMIT);
			break;
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
			bump_store_finish(BUMP_ABORT);
			break;
		default:
			break;
	}
}

/*
 * The very end of a top-level transaction, after its invalidation messages
 * were sent: the second bump of the catalog generation. (XACT_EVENT_COMMIT
 * comes before them: a reader that planned before it processed them must
 * not find the generation settled. See catalog_gen.h.) Must not raise an
 * ERROR.
 */
static void
release_callback(ResourceReleasePhase phase, bool isCommit, bool isTopLevel, void *arg)
{
	if (phase != RESOURCE_RELEASE_AFTER_LOCKS || !isTopLevel ||
		CurrentResourceOwner != TopTransactionResourceOwner)
		return;
	if (catalog_bumped)
		cachebot_catalog_gen_bump(MyDatabaseId, isCommit ? BUMP_COMMIT : BUMP_ABORT,
						 !finishing_prepared);
	forget_all();
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
	if (sets_empty())
		return;
	if (event == SUBXACT_EVENT_ABORT_SUB)
		forget_from_level(level);
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

void
cachebot_xact_before_transaction_command(TransactionStmt *stmt)
{
	switch (stmt->kind)
	{
		case TRANS_STMT_PREPARE:
			strlcpy(preparing_gid, stmt->gid, GIDSIZE);
			break;
		case TRANS_STMT_COMMIT_PREPARED:
			{
				Hash128    *keys;
				int			nkeys;
				bool		catalog;

				/* Refused by PostgreSQL inside a transaction block anyway. */
				if (IsTransactionBlock())
					break;
				ensure_sets();
				keys = MemoryContextAlloc(xact_cxt, PREPARED_MAX_KEYS * sizeof(Hash128));
				if (!take_prepared(stmt->gid, &catalog, &nkeys, keys))
				{
					/* Not known here (a restart since): invalidate everything. */
					keys[0] = cachebot_epoch_key;
					nkeys = 1;
					catalog = true;
				}

				/*
				 * Bumped now, before the prepared transaction's commit becomes
				 * visible; again when the transaction running COMMIT PREPARED
				 * ends.
				 */
				bumped = keys;
				nbumped = nkeys;
				catalog_bumped = catalog;
				finishing_prepared = true;
				bump_pending();
			}
			break;
		case TRANS_STMT_ROLLBACK_PREPARED:
			if (!IsTransactionBlock())
			{
				Hash128		keys[PREPARED_MAX_KEYS];
				int			nkeys;
				bool		catalog;

				(void) take_prepared(stmt->gid, &catalog, &nkeys, keys);
			}
			break;
		default:
			break;
	}
}

void
cachebot_xact_register_callbacks(void)
{
	RegisterXactCallback(xact_callback, NULL);
	RegisterSubXactCallback(subxact_callback, NULL);
	RegisterResourceReleaseCallback(release_callback, NULL);
}

void
cachebot_xact_collect_row(const TrackInfo *info, TupleDesc desc, HeapTuple tuple)
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
		if (isnull || !cachebot_column_value_hash(att->atttypid, att->attcollation, value, &hash))
			continue;
		k = depkey_make(DEP_COLUMN_VALUE, MyDatabaseId, info->root, attnum, hash);
		cachebot_xact_collect(&k);
	}
}
