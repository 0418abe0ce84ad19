/*
 * catalog_gen.c
 *		The catalog generation of each database, and the DDL sequence.
 *
 * A small table in shared memory, one slot per database that has used the
 * cache since the server started, under one lock: it is read once per
 * lookup (a shared lock, a scan of a few slots) and written once per DDL
 * commit. A full table gives up the slot of a database nobody is changing;
 * that database's next read creates a fresh random generation, which
 * invalidates its entries, as losing any version record does.
 */
#include "postgres.h"

#include "miscadmin.h"
#include "port/atomics.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "utils/inval.h"
#include "utils/plancache.h"
#include "utils/timestamp.h"

#include "catalog_gen.h"
#include "settings.h"

#define CATALOG_GEN_SLOTS 128

typedef struct CatalogGenSlot
{
	Oid			dbid;			/* InvalidOid: free */
	int32		pending;
	uint64		gen;
	TimestampTz pending_since;
	uint32		created;
} CatalogGenSlot;

typedef struct CatalogGens
{
	LWLock	   *lock;
	pg_atomic_uint64 ddl_sequence;	/* starts at 1: 0 means "never read" */
	uint32		clock;
	int			nused;
	CatalogGenSlot slots[CATALOG_GEN_SLOTS];
} CatalogGens;

static CatalogGens *gens = NULL;

/* The DDL sequence this backend last synchronized with; 0: never. */
static uint64 synchronized_sequence = 0;

void
cachebot_catalog_gen_request(void)
{
	RequestAddinShmemSpace(MAXALIGN(sizeof(CatalogGens)));
	RequestNamedLWLockTranche("cachebot catalog", 1);
}

void
cachebot_catalog_gen_startup(void)
{
	bool		found;

	gens = ShmemInitStruct("cachebot catalog generations", sizeof(CatalogGens), &found);
	if (!found)
	{
		memset(gens, 0, sizeof(CatalogGens));
		gens->lock = &(GetNamedLWLockTranche("cachebot catalog"))->lock;
		pg_atomic_init_u64(&gens->ddl_sequence, 1);
	}
}

static CatalogGenSlot *
find_slot(Oid dbid)
{
	for (int i = 0; i < gens->nused; i++)
		if (gens->slots[i].dbid == dbid)
			return &gens->slots[i];
	return NULL;
}

/*
 * A free slot, else the least recently created one that is not pending,
 * given generation gen (drawn by the caller before it took the lock).
 */
static CatalogGenSlot *
claim_slot(Oid dbid, uint64 gen)
{
	CatalogGenSlot *victim = NULL;

	if (gens->nused < CATALOG_GEN_SLOTS)
		victim = &gens->slots[gens->nused++];
	else
		for (int i = 0; i < CATALOG_GEN_SLOTS; i++)
		{
			CatalogGenSlot *s = &gens->slots[i];

			if (s->pending > 0)
				continue;
			if (victim == NULL || (int32) (s->created - victim->created) < 0)
				victim = s;
		}
	if (victim != NULL)
	{
		victim->created = gens->clock++;
		victim->dbid = dbid;
		victim->gen = gen;
		victim->pending = 0;
		victim->pending_since = 0;
	}
	return victim;
}

static bool
slot_pending(const CatalogGenSlot *slot, TimestampTz now)
{
	return slot->pending > 0 &&
		!TimestampDifferenceExceeds(slot->pending_since, now,
									CACHEBOT_PENDING_EXPIRY_SECS * 1000);
}

bool
cachebot_catalog_gen_read(Oid dbid, VersionRead *out, uint64 *ddl_sequence)
{
	CatalogGenSlot *slot;
	TimestampTz now = GetCurrentTimestamp();
	uint64		gen;

	if (gens == NULL)
		return false;

	LWLockAcquire(gens->lock, LW_SHARED);
	slot = find_slot(dbid);
	if (slot != NULL)
	{
		out->gen = slot->gen;
		out->pending = slot_pending(slot, now);
	}
	/* Read under the lock: a commit moves the generation, then the sequence. */
	*ddl_sequence = pg_atomic_read_u64(&gens->ddl_sequence);
	LWLockRelease(gens->lock);
	if (slot != NULL)
		return true;

	gen = cachebot_new_generation();
	LWLockAcquire(gens->lock, LW_EXCLUSIVE);
	slot = find_slot(dbid);
	if (slot == NULL)
		slot = claim_slot(dbid, gen);
	if (slot != NULL)
	{
		out->gen = slot->gen;
		out->pending = slot_pending(slot, now);
	}
	*ddl_sequence = pg_atomic_read_u64(&gens->ddl_sequence);
	LWLockRelease(gens->lock);
	return slot != NULL;
}

void
cachebot_catalog_gen_bump(Oid dbid, BumpPhase phase, bool changed_here)
{
	CatalogGenSlot *slot;
	uint64		gen;
	TimestampTz now;

	if (gens == NULL)
		return;

	/* Computed before taking the lock: nothing slow runs under it. */
	gen = cachebot_new_generation();
	now = GetCurrentTimestamp();

	LWLockAcquire(gens->lock, LW_EXCLUSIVE);
	slot = find_slot(dbid);
	if (slot == NULL && phase == BUMP_PRE_COMMIT)
		slot = claim_slot(dbid, gen);
	if (slot != NULL)
	{
		slot->gen = gen;
		switch (phase)
		{
			case BUMP_PRE_COMMIT:
				slot->pending++;
				slot->pending_since = now;
				break;
			case BUMP_COMMIT:
			case BUMP_ABORT:
				if (slot->pending > 0)
					slot->pending--;
				break;
			case BUMP_NOW:
			case BUMP_NOW_AFTER_COMMIT:
				break;
		}
	}
	/* A new catalog is visible: plans made before it must not fill. */
	if (phase == BUMP_COMMIT || phase == BUMP_NOW || phase == BUMP_NOW_AFTER_COMMIT)
	{
		uint64		before = pg_atomic_fetch_add_u64(&gens->ddl_sequence, 1);

		/*
		 * A backend has seen its own changes all along: if no other DDL came
		 * in between, it is still in step.
		 */
		if (changed_here && before == synchronized_sequence)
			synchronized_sequence = before + 1;
	}
	LWLockRelease(gens->lock);
}

bool
cachebot_catalog_gen_synchronized(uint64 ddl_sequence)
{
	if (ddl_sequence == synchronized_sequence)
		return true;

	/*
	 * The DDL that moved the sequence sent its invalidation messages before
	 * it did: once they are processed, and every cached plan is marked for
	 * replanning, nothing this backend plans from now on predates it.
	 */
	AcceptInvalidationMessages();
	ResetPlanCache();
	synchronized_sequence = ddl_sequence;
	return false;
}

void
cachebot_catalog_gen_backend_start(void)
{
	/*
	 * Nothing that decides what a statement means has been read from the
	 * catalog yet: whatever is read from now on sees every DDL committed
	 * before this point.
	 */
	if (gens != NULL)
		synchronized_sequence = pg_atomic_read_u64(&gens->ddl_sequence);
}
