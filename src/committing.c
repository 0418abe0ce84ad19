/*
 * committing.c
 *		Writers between their two bumps that no snapshot can see yet.
 *
 * One slot per backend, written only by its backend and read by any, under
 * a change counter (odd while the slot is being written): a reader that
 * finds it odd or changed ignores the slot, which can only keep a record
 * pending. See committing.h for the protocol and why it is safe.
 */
#include "postgres.h"

#include "access/transam.h"
#include "access/xact.h"
#include "miscadmin.h"
#include "port/atomics.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/proc.h"
#include "storage/procarray.h"
#include "storage/shmem.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "committing.h"

#if PG_VERSION_NUM >= 170000
#define MY_PROC_INDEX	MyProcNumber
#else
#define MY_PROC_INDEX	(MyProc->pgprocno)
#endif

typedef struct CommittingSlot
{
	pg_atomic_uint32 change;	/* odd while the writer rewrites the slot */
	TransactionId xid;			/* invalid: nobody published */
	int			nkeys;
	Hash128		keys[COMMITTING_MAX_KEYS];
	uint64		marked[COMMITTING_MAX_KEYS];	/* a gen with the mark on */
	TimestampTz settle_until;	/* 0, or until when settles sent unconfirmed
								 * may still land */
} CommittingSlot;

typedef struct CommittingShared
{
	pg_atomic_uint32 published; /* slots holding a writer: 0 spares a scan */
	int			nslots;
	CommittingSlot slots[FLEXIBLE_ARRAY_MEMBER];
} CommittingShared;

static CommittingShared *shared = NULL;
static CommittingSlot *my_slot = NULL;	/* set while this backend published */

static Size
shared_size(void)
{
	return add_size(offsetof(CommittingShared, slots),
					mul_size(MaxBackends, sizeof(CommittingSlot)));
}

void
cachebot_committing_request(void)
{
	RequestAddinShmemSpace(shared_size());
}

void
cachebot_committing_startup(void)
{
	bool		found;

	/* Under AddinShmemInitLock, which the caller holds. */
	shared = ShmemInitStruct("cachebot committing writers", shared_size(), &found);
	if (!found)
	{
		pg_atomic_init_u32(&shared->published, 0);
		shared->nslots = MaxBackends;
		for (int i = 0; i < MaxBackends; i++)
		{
			pg_atomic_init_u32(&shared->slots[i].change, 0);
			shared->slots[i].xid = InvalidTransactionId;
			shared->slots[i].nkeys = 0;
			shared->slots[i].settle_until = 0;
		}
	}
}

static void
withdraw_slot(void)
{
	if (my_slot == NULL)
		return;
	pg_atomic_fetch_add_u32(&my_slot->change, 1);
	my_slot->xid = InvalidTransactionId;
	my_slot->nkeys = 0;
	my_slot->settle_until = 0;
	pg_atomic_fetch_add_u32(&my_slot->change, 1);
	pg_atomic_fetch_sub_u32(&shared->published, 1);
	my_slot = NULL;
}

/* Is this backend's slot kept as settling? (Only its owner writes it.) */
static bool
my_slot_settling(void)
{
	return my_slot != NULL && my_slot->settle_until != 0;
}

static void
withdraw_at_exit(int code, Datum arg)
{
	withdraw_slot();
}

void
cachebot_committing_prepare(void)
{
	static bool exit_registered = false;

	if (!exit_registered)
	{
		before_shmem_exit(withdraw_at_exit, (Datum) 0);
		exit_registered = true;
	}
}

void
cachebot_committing_publish(int nkeys, const Hash128 *keys, const uint64 *marked)
{
	TransactionId xid = GetTopTransactionIdIfAny();
	CommittingSlot *slot;

	withdraw_slot();
	/* Without an ID, visibility is not the proc array's to tell. */
	if (shared == NULL || MyProc == NULL || !TransactionIdIsValid(xid) ||
		nkeys <= 0 || nkeys > COMMITTING_MAX_KEYS ||
		MY_PROC_INDEX < 0 || MY_PROC_INDEX >= shared->nslots)
		return;
	cachebot_committing_prepare();
	slot = &shared->slots[MY_PROC_INDEX];
	pg_atomic_fetch_add_u32(&slot->change, 1);	/* a full barrier */
	slot->xid = xid;
	slot->nkeys = nkeys;
	memcpy(slot->keys, keys, nkeys * sizeof(Hash128));
	memcpy(slot->marked, marked, nkeys * sizeof(uint64));
	slot->settle_until = 0;
	pg_atomic_fetch_add_u32(&slot->change, 1);
	pg_atomic_fetch_add_u32(&shared->published, 1);
	my_slot = slot;
}

void
cachebot_committing_settling(int wait_ms)
{
	/* (one settling already was published by an earlier transaction) */
	if (my_slot == NULL || my_slot_settling())
		return;
	/*
	 * One not landed by then is taken as lost: the record stays pending
	 * (until its writer finds it unconfirmed and resets it), and readers
	 * turn away as from any other mark.
	 */
	pg_atomic_fetch_add_u32(&my_slot->change, 1);
	my_slot->settle_until = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), wait_ms);
	pg_atomic_fetch_add_u32(&my_slot->change, 1);
}

void
cachebot_committing_withdraw(void)
{
	/*
	 * A settling slot stays for the readers until its time is up (then they
	 * skip it); withdrawn at the first transaction end after that, so that
	 * readers find no slot published and skip the scan.
	 */
	if (!my_slot_settling() || GetCurrentTimestamp() >= my_slot->settle_until)
		withdraw_slot();
}

/*
 * Does gen descend from marked by bumps alone: is the mark that the record
 * had at marked still on it? Each bump adds GEN_MARK or GEN_SETTLE, and a
 * writer's commit window sees far fewer than 2^20 of either.
 */
#define DESCENT_MAX		(UINT64CONST(1) << 20)

static bool
descends_from(uint64 gen, uint64 marked)
{
	uint64		d = gen - marked;

	return d / CACHEBOT_GEN_MARK < DESCENT_MAX && d % CACHEBOT_GEN_MARK < DESCENT_MAX;
}

/*
 * Has no settle reached the record since marked, the gen it had just after
 * a mark? Then that mark's writer's settle has not landed either.
 */
static bool
unsettled_since(uint64 gen, uint64 marked)
{
	return descends_from(gen, marked) && (gen - marked) % CACHEBOT_GEN_MARK == 0;
}

/* A consistent copy of a slot, or false if it was being written. */
static bool
read_slot(CommittingSlot *slot, TransactionId *xid, int *nkeys, Hash128 *keys,
		  uint64 *marked, TimestampTz *settle_until)
{
	uint32		before = pg_atomic_read_u32(&slot->change);

	if (before & 1)
		return false;
	pg_read_barrier();
	*xid = slot->xid;
	*nkeys = Min(Max(slot->nkeys, 0), COMMITTING_MAX_KEYS);
	memcpy(keys, slot->keys, *nkeys * sizeof(Hash128));
	memcpy(marked, slot->marked, *nkeys * sizeof(uint64));
	*settle_until = slot->settle_until;
	pg_read_barrier();
	return pg_atomic_read_u32(&slot->change) == before;
}

/* A published writer's mark on one of the pending records. */
typedef struct WriterMark
{
	int			writer;			/* index into the writers found */
	int			pending;		/* index into the pending records */
	uint64		marked;			/* the gen it published for that record */
} WriterMark;

/*
 * Takes the marks of writers nobody can see yet out of versions[], which
 * store->lookup just returned for deps[0..n). True if a record stays
 * pending with the mark of a writer whose settle was sent unconfirmed a
 * moment ago and has not landed: worth reading again.
 */
static bool
discount_invisible_marks(const CacheStore *store, int n, const Hash128 *deps,
						 VersionRead *versions)
{
	int			npending = 0;
	int		   *pending_index;
	Hash128    *pending_keys;
	VersionRead *reread = NULL;
	TransactionId *xids;
	TimestampTz *settle_until;
	bool	   *alive = NULL;
	WriterMark *marks = NULL;	/* at most COMMITTING_MAX_KEYS a writer */
	int			nmarks = 0;
	int			maxmarks = 0;
	int32	   *invisible = NULL;
	int			nwriters = 0;
	bool		settling = false;
	bool		await_settle = false;
	TimestampTz now;
	Hash128		slot_keys[COMMITTING_MAX_KEYS];
	uint64		slot_marked[COMMITTING_MAX_KEYS];

	for (int i = 0; i < n; i++)
		if (versions[i].pending > 0)
			npending++;
	if (npending == 0 || shared == NULL || pg_atomic_read_u32(&shared->published) == 0)
		return false;

	pending_index = palloc(npending * sizeof(int));
	pending_keys = palloc(npending * sizeof(Hash128));
	for (int i = 0, p = 0; i < n; i++)
		if (versions[i].pending > 0)
		{
			pending_index[p] = i;
			pending_keys[p++] = deps[i];
		}

	/*
	 * 1. Who published which of these keys (before the records' second
	 * read). A settling slot whose time has passed is stale: its writer
	 * keeps it until one of its transactions ends after that, and its
	 * transaction ID, long ended, must never be asked about again (after
	 * wraparound the proc array would take it for one in the future, in
	 * progress).
	 */
	now = GetCurrentTimestamp();
	xids = palloc(shared->nslots * sizeof(TransactionId));
	settle_until = palloc(shared->nslots * sizeof(TimestampTz));
	for (int s = 0; s < shared->nslots; s++)
	{
		CommittingSlot *slot = &shared->slots[s];
		TransactionId xid;
		int			nkeys;
		bool		any = false;

		/* (unlocked first looks, checked again on the copy) */
		if (!TransactionIdIsValid(slot->xid) || slot == my_slot ||
			(slot->settle_until != 0 && now >= slot->settle_until))
			continue;
		if (!read_slot(slot, &xid, &nkeys, slot_keys, slot_marked, &settle_until[nwriters]) ||
			!TransactionIdIsValid(xid) ||
			(settle_until[nwriters] != 0 && now >= settle_until[nwriters]))
			continue;
		for (int k = 0; k < nkeys; k++)
			for (int p = 0; p < npending; p++)
				if (hash128_equal(&slot_keys[k], &pending_keys[p]))
				{
					if (nmarks == maxmarks)
					{
						maxmarks = Max(2 * maxmarks, COMMITTING_MAX_KEYS);
						marks = marks ? repalloc(marks, maxmarks * sizeof(WriterMark)) :
							palloc(maxmarks * sizeof(WriterMark));
					}
					marks[nmarks].writer = nwriters;
					marks[nmarks].pending = p;
					marks[nmarks++].marked = slot_marked[k];
					any = true;
					break;
				}
		if (any)
		{
			settling |= settle_until[nwriters] != 0;
			xids[nwriters++] = xid;
		}
	}
	if (nwriters == 0)
		goto done;
	reread = palloc(npending * sizeof(VersionRead));
	alive = palloc(nwriters * sizeof(bool));
	invisible = palloc0(npending * sizeof(int32));

	/* 2. The pending records again. */
	if (!store->lookup(NULL, npending, pending_keys, NULL, NULL, reread))
		goto done;

	/*
	 * 3. Which of those writers are still in progress: they were marking the
	 * records all through the second read, if the records still carry their
	 * marks.
	 */
	for (int w = 0; w < nwriters; w++)
		alive[w] = settle_until[w] == 0 && TransactionIdIsInProgress(xids[w]);
	for (int m = 0; m < nmarks; m++)
		if (alive[marks[m].writer] &&
			descends_from(reread[marks[m].pending].gen, marks[m].marked))
			invisible[marks[m].pending]++;
	for (int p = 0; p < npending; p++)
	{
		VersionRead *v = &versions[pending_index[p]];

		*v = reread[p];
		if (v->pending > 0 && v->pending == invisible[p])
		{
			v->gen -= (uint64) invisible[p] * CACHEBOT_GEN_MARK;
			v->pending = 0;
		}
	}

	/*
	 * 4. A record still pending with the mark of a writer that is visible
	 * and sent its settle unconfirmed a moment ago, which has not landed:
	 * it is on its way (store.h, settle_wait_ms).
	 */
	if (settling)
	{
		now = GetCurrentTimestamp();
		for (int m = 0; m < nmarks && !await_settle; m++)
		{
			int			w = marks[m].writer;
			int			p = marks[m].pending;

			await_settle = !alive[w] && now < settle_until[w] &&
				versions[pending_index[p]].pending > 0 &&
				unsettled_since(reread[p].gen, marks[m].marked);
		}
	}

done:
	pfree(pending_index);
	pfree(pending_keys);
	pfree(xids);
	pfree(settle_until);
	if (marks)
		pfree(marks);
	if (reread)
	{
		pfree(reread);
		pfree(alive);
		pfree(invisible);
	}
	return await_settle;
}

bool
cachebot_committing_lookup(const CacheStore *store, const Hash128 *key,
						   int ndeps, const Hash128 *deps,
						   char **entry, Size *entrylen, VersionRead *versions)
{
	TimestampTz deadline = 0;

	if (!store->lookup(key, ndeps, deps, entry, entrylen, versions))
		return false;

	/*
	 * Each round reads the slots and the records again: a round trip, which
	 * is about what a settle takes to land. Past two, a millisecond's pause
	 * between rounds, so that a settle that never lands costs the pool about
	 * one read a millisecond, not one a round trip. However many writers
	 * come and go, the wait ends when one writer's would.
	 */
	for (int round = 0; discount_invisible_marks(store, ndeps, deps, versions); round++)
	{
		if (round == 0)
			deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
												   store->settle_wait_ms ? store->settle_wait_ms() : 0);
		else if (GetCurrentTimestamp() >= deadline)
			break;
		if (round >= 2)
		{
			(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
							 1L, PG_WAIT_EXTENSION);
			ResetLatch(MyLatch);
		}
		CHECK_FOR_INTERRUPTS();
	}
	return true;
}
