/*
 * store_shmem.c
 *		The embedded store: a fixed region of shared memory.
 *
 * Layout (sized once from cachebot.shmem_size):
 *	- version records: a set-associative table (VERSION_WAYS slots a set),
 *	  split into partitions with a lock each. A record with pending > 0 is
 *	  never evicted; among the others the least recently used goes first.
 *	- entries: each partition owns a ring buffer (its arena) and a
 *	  set-associative index into it. A fill appends a record to the ring;
 *	  when the ring is full, its oldest records are walked and the entries
 *	  among them evicted (their index slots cleared) before being
 *	  overwritten. A full index set evicts its least recently used entry.
 *	- the epoch: one atomic in the header.
 *
 * Every lookup takes one partition lock for the entry and one per version
 * record, in shared mode and one at a time: there is no global lock, and no
 * two locks are ever held together.
 */
#include "postgres.h"

#include "miscadmin.h"
#include "port/atomics.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "storage/spin.h"
#include "utils/timestamp.h"

#include "stats.h"
#include "store_shmem.h"
#include "settings.h"

#define MAX_PARTITIONS	16
#define ENTRY_WAYS		8
#define VERSION_WAYS	8
#define MIN_ARENA_PER_PARTITION (2 * 1024 * 1024)
#define RING_ALIGN		32		/* every ring record starts at a multiple: a gap
								 * at the end always holds a skip record */
#define RING_SPACE(len)	TYPEALIGN(RING_ALIGN, sizeof(RingRecord) + (len))

typedef struct IndexSlot
{
	Hash128		key;
	uint64		pos;			/* absolute ring position of the entry */
	uint32		len;			/* 0: empty slot */
	pg_atomic_uint32 last_used;	/* written under a shared lock too */
} IndexSlot;

typedef struct VersionSlot
{
	Hash128		key;			/* zero: empty slot */
	uint64		gen;
	TimestampTz pending_since;
	int32		pending;
	pg_atomic_uint32 last_used;	/* written under a shared lock too */
} VersionSlot;

/* What precedes each entry in a ring; len 0 marks a skip to the ring's start. */
typedef struct RingRecord
{
	Hash128		key;
	uint32		len;
	uint32		skip;
} RingRecord;

typedef struct EntryPartition
{
	uint64		write_pos;		/* absolute bytes appended to the ring */
	uint64		tail_pos;		/* absolute position of its oldest record */
	pg_atomic_uint32 clock;
	IndexSlot  *slots;			/* nsets * ENTRY_WAYS */
	char	   *arena;
} EntryPartition;

typedef struct VersionPartition
{
	pg_atomic_uint32 clock;
	VersionSlot *slots;			/* nsets * VERSION_WAYS */
} VersionPartition;

/* A fill lease: direct-mapped by entry key, so one may be unavailable. */
#define LEASE_SLOTS		1024

typedef struct LeaseSlot
{
	slock_t		mutex;
	Hash128		key;
	int			holder;			/* pid; 0: free */
	TimestampTz until;
} LeaseSlot;

typedef struct ShmemStoreHeader
{
	pg_atomic_uint64 epoch;
	LeaseSlot	leases[LEASE_SLOTS];
	int			npartitions;
	Size		arena_size;		/* per partition */
	uint32		entry_sets;		/* per partition */
	uint32		version_sets;	/* per partition */
	LWLockPadded *locks;		/* entry locks, then version locks */
	EntryPartition entries[MAX_PARTITIONS];
	VersionPartition versions[MAX_PARTITIONS];
} ShmemStoreHeader;

static ShmemStoreHeader *header = NULL;

static Size
total_size(void)
{
	return (Size) cachebot_shmem_size * 1024;
}

/* Splits the configured size: 1/8 versions, 1/16 entry index, rest arenas. */
static void
compute_layout(int *nparts, Size *arena, uint32 *entry_sets, uint32 *version_sets)
{
	Size		total = total_size();
	Size		arenas = total - total / 8 - total / 16;
	int			n = MAX_PARTITIONS;

	while (n > 1 && arenas / n < MIN_ARENA_PER_PARTITION)
		n /= 2;
	*nparts = n;
	*arena = TYPEALIGN_DOWN(RING_ALIGN, arenas / n);
	*entry_sets = Max(1, (total / 16) / n / (sizeof(IndexSlot) * ENTRY_WAYS));
	*version_sets = Max(1, (total / 8) / n / (sizeof(VersionSlot) * VERSION_WAYS));
}

static void
shmem_request(void)
{
	RequestAddinShmemSpace(MAXALIGN(sizeof(ShmemStoreHeader)) + total_size() + 4096);
	RequestNamedLWLockTranche("cachebot", 2 * MAX_PARTITIONS);
}

static void
shmem_startup(void)
{
	bool		found;
	int			nparts;
	Size		arena;
	uint32		esets,
				vsets;
	char	   *p;

	compute_layout(&nparts, &arena, &esets, &vsets);
	header = ShmemInitStruct("cachebot store",
							 MAXALIGN(sizeof(ShmemStoreHeader)) + total_size() + 4096,
							 &found);
	if (found)
		return;

	memset(header, 0, sizeof(ShmemStoreHeader));
	pg_atomic_init_u64(&header->epoch, 0);
	for (int i = 0; i < LEASE_SLOTS; i++)
		SpinLockInit(&header->leases[i].mutex);
	header->npartitions = nparts;
	header->arena_size = arena;
	header->entry_sets = esets;
	header->version_sets = vsets;
	header->locks = GetNamedLWLockTranche("cachebot");

	p = (char *) header + MAXALIGN(sizeof(ShmemStoreHeader));
	for (int i = 0; i < nparts; i++)
	{
		Size		n = (Size) esets * ENTRY_WAYS * sizeof(IndexSlot);

		header->entries[i].slots = (IndexSlot *) p;
		memset(p, 0, n);
		for (uint32 j = 0; j < esets * ENTRY_WAYS; j++)
			pg_atomic_init_u32(&header->entries[i].slots[j].last_used, 0);
		pg_atomic_init_u32(&header->entries[i].clock, 0);
		p += MAXALIGN(n);
	}
	for (int i = 0; i < nparts; i++)
	{
		Size		n = (Size) vsets * VERSION_WAYS * sizeof(VersionSlot);

		header->versions[i].slots = (VersionSlot *) p;
		memset(p, 0, n);
		for (uint32 j = 0; j < vsets * VERSION_WAYS; j++)
			pg_atomic_init_u32(&header->versions[i].slots[j].last_used, 0);
		pg_atomic_init_u32(&header->versions[i].clock, 0);
		p += MAXALIGN(n);
	}
	for (int i = 0; i < nparts; i++)
	{
		header->entries[i].arena = p;
		p += arena;
	}

	/* Checked in every build: a wrong layout would overwrite other shared memory. */
	if (p > (char *) header + MAXALIGN(sizeof(ShmemStoreHeader)) + total_size() + 4096)
		ereport(FATAL,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("cachebot's shared-memory store does not fit in its allocation"),
				 errdetail("%d partitions of %zu bytes each need more than %zu bytes.",
						   nparts, arena, total_size())));
}

static inline LWLock *
entry_lock(int part)
{
	return &header->locks[part].lock;
}

static inline LWLock *
version_lock(int part)
{
	return &header->locks[MAX_PARTITIONS + part].lock;
}

static inline int
partition_of(const Hash128 *key)
{
	return (int) (key->hi % (uint64) header->npartitions);
}

/* The ring evicts what it overwrites, so an indexed entry is intact. */
static inline bool
entry_intact(const EntryPartition *part, const IndexSlot *slot)
{
	return slot->len > 0;
}

/*
 * A lookup or a commit probes the store at random places (an entry's index
 * set, its ring record, a version record's set per key), each a likely cache
 * and TLB miss: on a virtual machine a TLB miss is a nested page walk. Asking
 * for all of them before the first is read lets the misses overlap instead
 * of queueing one after another. Only a hint: nothing is read or locked.
 */
#define PREFETCH_LINE	64
#define PREFETCH_ENTRY_MAX	(4 * PREFETCH_LINE)	/* the rest of a long entry
												 * streams */
#define PREFETCH_AHEAD	8		/* records asked for ahead of the one read */

static inline void
prefetch_range(const void *start, Size len)
{
#if defined(__GNUC__)
	const char *p = (const char *) start;

	if (len == 0)
		return;
	for (Size off = 0; off < len; off += PREFETCH_LINE)
		__builtin_prefetch(p + off);
	__builtin_prefetch(p + len - 1);
#endif
}

/* ---- version records ---- */

static inline VersionSlot *
version_set(int part, const Hash128 *key)
{
	return &header->versions[part].slots[(key->lo % header->version_sets) * VERSION_WAYS];
}

static inline void
version_prefetch(const Hash128 *key)
{
	if (!hash128_equal(key, &cachebot_epoch_key))
		prefetch_range(version_set(partition_of(key), key),
					   VERSION_WAYS * sizeof(VersionSlot));
}

static VersionSlot *
version_find(VersionSlot *set, const Hash128 *key)
{
	for (int i = 0; i < VERSION_WAYS; i++)
		if (hash128_equal(&set[i].key, key))
			return &set[i];
	return NULL;
}

/*
 * An empty slot, else the least recently used record that is not pending.
 * A pending record is never evicted: a reader would recreate it unmarked in
 * the middle of its writer's commit, and fill from a snapshot taken before
 * the commit an entry that validates until the writer's second bump. (Any
 * other record may go: recreated with a fresh gen, which no entry carries,
 * it costs a miss, never a stale hit.)
 */
static VersionSlot *
version_victim(VersionSlot *set)
{
	VersionSlot *victim = NULL;

	for (int i = 0; i < VERSION_WAYS; i++)
	{
		if (set[i].key.hi == 0 && set[i].key.lo == 0)
			return &set[i];
		if (set[i].pending > 0)
			continue;
		if (victim == NULL ||
			(int32) (pg_atomic_read_u32(&set[i].last_used) -
					 pg_atomic_read_u32(&victim->last_used)) < 0)
			victim = &set[i];
	}
	return victim;
}

/* Writers' marks outstanding; a mark older than the expiry is a dead writer's. */
static int32
pending_now(int32 pending, TimestampTz pending_since)
{
	if (pending <= 0 ||
		TimestampDifferenceExceeds(pending_since, GetCurrentTimestamp(),
								   CACHEBOT_PENDING_EXPIRY_SECS * 1000))
		return 0;
	return pending;
}

/* Marks a slot used; a hint for eviction, written under a shared lock too. */
static inline void
touch(pg_atomic_uint32 *clock, pg_atomic_uint32 *last_used)
{
	pg_atomic_write_u32(last_used, pg_atomic_fetch_add_u32(clock, 1));
}

/*
 * Reads one record; if absent and create is set, creates it with a fresh gen
 * (under the exclusive lock). Returns false if it is absent and was not
 * created.
 */
static bool
version_read(const Hash128 *key, bool create, VersionRead *out)
{
	int			part = partition_of(key);
	VersionSlot *set;
	VersionSlot *slot;
	int32		pending = 0;
	TimestampTz pending_since = 0;

	/* Computed before taking the lock: nothing slow runs under it. */
	uint64		gen = create ? cachebot_new_generation() : 0;

	LWLockAcquire(version_lock(part), create ? LW_EXCLUSIVE : LW_SHARED);
	set = version_set(part, key);
	slot = version_find(set, key);
	if (slot == NULL && create && (slot = version_victim(set)) != NULL)
	{
		slot->key = *key;
		slot->gen = gen;
		slot->pending = 0;
		slot->pending_since = 0;
	}
	if (slot != NULL)
	{
		out->gen = slot->gen;
		pending = slot->pending;
		pending_since = slot->pending_since;
		touch(&header->versions[part].clock, &slot->last_used);
	}
	LWLockRelease(version_lock(part));
	if (slot != NULL)
		out->pending = pending_now(pending, pending_since);
	return slot != NULL;
}

static bool
version_bump(const Hash128 *key, BumpPhase phase, uint64 *marked)
{
	int			part = partition_of(key);
	VersionSlot *set;
	VersionSlot *slot;
	bool		ok = true;

	/* Computed before taking the lock: nothing slow runs under it. */
	uint64		fresh = cachebot_new_generation();
	TimestampTz now = GetCurrentTimestamp();

	LWLockAcquire(version_lock(part), LW_EXCLUSIVE);
	set = version_set(part, key);
	slot = version_find(set, key);
	switch (phase)
	{
		case BUMP_PRE_COMMIT:
			if (slot == NULL)
			{
				/* Create it pending, so no reader fills until we commit. */
				slot = version_victim(set);
				if (slot == NULL)
				{
					ok = false;
					break;
				}
				slot->key = *key;
				slot->gen = fresh;
				slot->pending = 0;
			}
			slot->gen += CACHEBOT_GEN_MARK;
			slot->pending++;
			slot->pending_since = now;
			if (marked)
				*marked = slot->gen;
			break;
		case BUMP_COMMIT:
		case BUMP_ABORT:
			/* An absent record cannot vouch for any entry: nothing to do. */
			if (slot)
			{
				slot->gen += CACHEBOT_GEN_SETTLE;
				if (slot->pending > 0)
					slot->pending--;
			}
			break;
		case BUMP_NOW:
		case BUMP_NOW_AFTER_COMMIT:
			if (slot)
				slot->gen += CACHEBOT_GEN_MARK + CACHEBOT_GEN_SETTLE;
			break;
	}
	LWLockRelease(version_lock(part));
	return ok;
}

/* ---- entries ---- */

static inline IndexSlot *
entry_set(int part, const Hash128 *key)
{
	return &header->entries[part].slots[(key->lo % header->entry_sets) * ENTRY_WAYS];
}

/* The slot holding key's entry, or NULL (under the partition's lock). */
static IndexSlot *
entry_find(int part, const Hash128 *key)
{
	IndexSlot  *set = entry_set(part, key);

	for (int i = 0; i < ENTRY_WAYS; i++)
		if (set[i].len > 0 && hash128_equal(&set[i].key, key) &&
			entry_intact(&header->entries[part], &set[i]))
			return &set[i];
	return NULL;
}

/*
 * A copy of key's entry, or NULL. The copy's memory is allocated with no
 * lock held: the entry's size is read first, then the entry is copied if it
 * is still the one that size was read from.
 */
static char *
entry_get(const Hash128 *key, Size *len)
{
	int			part = partition_of(key);
	EntryPartition *ep = &header->entries[part];
	IndexSlot  *slot;
	uint64		pos;
	uint32		size;
	char	   *copy;

	LWLockAcquire(entry_lock(part), LW_SHARED);
	slot = entry_find(part, key);
	pos = slot ? slot->pos : 0;
	size = slot ? slot->len : 0;
	LWLockRelease(entry_lock(part));
	if (slot == NULL)
		return NULL;

	prefetch_range(ep->arena + pos % header->arena_size,
				   Min(size, PREFETCH_ENTRY_MAX));
	copy = palloc(size);
	LWLockAcquire(entry_lock(part), LW_SHARED);
	slot = entry_find(part, key);
	if (slot != NULL && slot->pos == pos && slot->len == size)
	{
		memcpy(copy, ep->arena + pos % header->arena_size, size);
		touch(&ep->clock, &slot->last_used);
	}
	else
		slot = NULL;			/* replaced meanwhile: a miss */
	LWLockRelease(entry_lock(part));
	if (slot == NULL)
	{
		pfree(copy);
		return NULL;
	}
	*len = size;
	return copy;
}

static bool
shmem_lookup(const Hash128 *key, int ndeps, const Hash128 *deps,
			 char **entry, Size *entrylen, VersionRead *versions)
{
	if (header == NULL)
		return false;

	if (entry != NULL && key != NULL)
		prefetch_range(entry_set(partition_of(key), key),
					   ENTRY_WAYS * sizeof(IndexSlot));
	for (int i = 0; i < Min(ndeps, PREFETCH_AHEAD); i++)
		version_prefetch(&deps[i]);

	if (entry != NULL)
		*entry = key ? entry_get(key, entrylen) : NULL;
	for (int i = 0; i < ndeps; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (i + PREFETCH_AHEAD < ndeps)
			version_prefetch(&deps[i + PREFETCH_AHEAD]);
		if (hash128_equal(&deps[i], &cachebot_epoch_key))
		{
			versions[i].gen = pg_atomic_read_u64(&header->epoch);
			versions[i].pending = 0;
		}
		else if (!version_read(&deps[i], false, &versions[i]) &&
				 !version_read(&deps[i], true, &versions[i]))
			return false;
	}
	return true;
}

/*
 * Makes room in the ring for what will be written up to new_end: the oldest
 * records are walked, and the entries still indexed among them are evicted.
 */
static uint64
ring_make_room(int part, EntryPartition *ep, uint64 new_end)
{
	uint64		evicted = 0;

	while (ep->tail_pos < ep->write_pos && ep->tail_pos + header->arena_size < new_end)
	{
		RingRecord *rec = (RingRecord *) (ep->arena + ep->tail_pos % header->arena_size);

		if (rec->len > 0)
		{
			IndexSlot  *set = entry_set(part, &rec->key);
			uint64		pos = ep->tail_pos + sizeof(RingRecord);

			for (int i = 0; i < ENTRY_WAYS; i++)
				if (set[i].len > 0 && set[i].pos == pos &&
					hash128_equal(&set[i].key, &rec->key))
				{
					set[i].len = 0;
					evicted++;
				}
			ep->tail_pos += RING_SPACE(rec->len);
		}
		else
			ep->tail_pos += rec->skip;
	}
	return evicted;
}

/*
 * Asks, before a put takes its lock, for what it will touch: the key's index
 * set, the ring where its record goes and, once the ring is full, the oldest
 * record and that record's index set, which eviction reads. These are cold
 * (the oldest record was written a whole ring ago), so their misses then
 * overlap, and are not waited for under the lock. The positions and the key
 * are read without the lock: at worst, the wrong lines are fetched.
 */
static void
put_prefetch(int part, EntryPartition *ep, const Hash128 *key, Size need)
{
	uint64		start = ((volatile EntryPartition *) ep)->write_pos;
	uint64		tail_pos = ((volatile EntryPartition *) ep)->tail_pos;
	uint64		offset = start % header->arena_size;

	if (offset + need > header->arena_size)
		start += header->arena_size - offset;	/* as shmem_put() does */
	prefetch_range(entry_set(part, key), ENTRY_WAYS * sizeof(IndexSlot));
	prefetch_range(ep->arena + start % header->arena_size, sizeof(RingRecord));
	if (tail_pos < start && tail_pos + header->arena_size < start + need)
	{
		RingRecord *oldest = (RingRecord *) (ep->arena + tail_pos % header->arena_size);

		if (((volatile RingRecord *) oldest)->len > 0)
			prefetch_range(entry_set(part, &oldest->key), ENTRY_WAYS * sizeof(IndexSlot));
	}
}

static bool
shmem_put(const Hash128 *key, const char *data, Size len, int ttl)
{
	int			part;
	EntryPartition *ep;
	IndexSlot  *set;
	IndexSlot  *slot = NULL;
	uint64		offset;
	uint64		start;
	Size		need = RING_SPACE(len);
	uint64		evicted = 0;
	RingRecord *rec;

	/* (Its age is checked when read: an expired entry is a miss until replaced.) */
	(void) ttl;

	if (header == NULL || len == 0 || need > header->arena_size / 2)
		return false;

	part = partition_of(key);
	ep = &header->entries[part];
	put_prefetch(part, ep, key, need);
	LWLockAcquire(entry_lock(part), LW_EXCLUSIVE);

	/* A record never wraps around the end of the ring: skip to its start. */
	start = ep->write_pos;
	offset = start % header->arena_size;
	if (offset + need > header->arena_size)
		start += header->arena_size - offset;
	evicted += ring_make_room(part, ep, start + need);
	if (start != ep->write_pos)
	{
		rec = (RingRecord *) (ep->arena + offset);
		rec->len = 0;
		rec->skip = (uint32) (start - ep->write_pos);
		ep->write_pos = start;
	}

	/* The slot of the same key, else an empty one, else the LRU. */
	set = entry_set(part, key);
	for (int i = 0; i < ENTRY_WAYS && slot == NULL; i++)
		if (set[i].len > 0 && hash128_equal(&set[i].key, key))
			slot = &set[i];
	for (int i = 0; i < ENTRY_WAYS && slot == NULL; i++)
		if (set[i].len == 0)
			slot = &set[i];
	if (slot == NULL)
	{
		slot = &set[0];
		for (int i = 1; i < ENTRY_WAYS; i++)
			if ((int32) (pg_atomic_read_u32(&set[i].last_used) -
						 pg_atomic_read_u32(&slot->last_used)) < 0)
				slot = &set[i];
		evicted++;
	}

	rec = (RingRecord *) (ep->arena + ep->write_pos % header->arena_size);
	rec->key = *key;
	rec->len = (uint32) len;
	rec->skip = 0;
	memcpy((char *) rec + sizeof(RingRecord), data, len);

	slot->key = *key;
	slot->pos = ep->write_pos + sizeof(RingRecord);
	slot->len = (uint32) len;
	touch(&ep->clock, &slot->last_used);
	ep->write_pos += need;
	LWLockRelease(entry_lock(part));

	if (evicted)
		cachebot_stats_count(STAT_EVICTIONS, evicted);
	return true;
}

static bool
shmem_bump(int nkeys, const Hash128 *keys, BumpPhase phase, uint64 *marked)
{
	bool		ok = true;

	if (header == NULL)
		return false;
	for (int i = 0; i < Min(nkeys, PREFETCH_AHEAD); i++)
		version_prefetch(&keys[i]);
	for (int i = 0; i < nkeys; i++)
	{
		if (i + PREFETCH_AHEAD < nkeys)
			version_prefetch(&keys[i + PREFETCH_AHEAD]);
		if (hash128_equal(&keys[i], &cachebot_epoch_key))
		{
			/* never pending: readers have no mark of it to look past */
			pg_atomic_write_u64(&header->epoch, cachebot_new_generation());
			if (marked)
				marked[i] = 0;
		}
		else if (!version_bump(&keys[i], phase, marked ? &marked[i] : NULL))
			ok = false;
	}
	return ok;
}

static void
shmem_flush(void)
{
	if (header == NULL)
		return;
	pg_atomic_write_u64(&header->epoch, cachebot_new_generation());
	for (int part = 0; part < header->npartitions; part++)
	{
		IndexSlot  *slots = header->entries[part].slots;

		CHECK_FOR_INTERRUPTS();
		LWLockAcquire(entry_lock(part), LW_EXCLUSIVE);
		for (uint32 i = 0; i < header->entry_sets * ENTRY_WAYS; i++)
			slots[i].len = 0;
		LWLockRelease(entry_lock(part));
	}
}

static void
shmem_usage(uint64 *entries, uint64 *bytes)
{
	*entries = 0;
	*bytes = 0;
	if (header == NULL)
		return;
	for (int part = 0; part < header->npartitions; part++)
	{
		EntryPartition *ep = &header->entries[part];

		CHECK_FOR_INTERRUPTS();
		LWLockAcquire(entry_lock(part), LW_SHARED);
		for (uint32 i = 0; i < header->entry_sets * ENTRY_WAYS; i++)
		{
			if (entry_intact(ep, &ep->slots[i]))
			{
				(*entries)++;
				*bytes += ep->slots[i].len;
			}
		}
		LWLockRelease(entry_lock(part));
	}
}

/* ---- fill leases ---- */

static FillLease
shmem_lease_take(const Hash128 *key, int ms)
{
	LeaseSlot  *slot;
	TimestampTz now = GetCurrentTimestamp();
	FillLease	result;

	if (header == NULL)
		return LEASE_NONE;
	slot = &header->leases[key->lo % LEASE_SLOTS];
	SpinLockAcquire(&slot->mutex);
	if (slot->holder == 0 || slot->until <= now || slot->holder == MyProcPid)
	{
		slot->key = *key;
		slot->holder = MyProcPid;
		slot->until = TimestampTzPlusMilliseconds(now, ms);
		result = LEASE_TAKEN;
	}
	else
		result = hash128_equal(&slot->key, key) ? LEASE_HELD : LEASE_NONE;
	SpinLockRelease(&slot->mutex);
	return result;
}

static void
shmem_lease_release(const Hash128 *key)
{
	LeaseSlot  *slot;

	if (header == NULL)
		return;
	slot = &header->leases[key->lo % LEASE_SLOTS];
	SpinLockAcquire(&slot->mutex);
	if (slot->holder == MyProcPid && hash128_equal(&slot->key, key))
		slot->holder = 0;
	SpinLockRelease(&slot->mutex);
}

static bool
shmem_ready(void)
{
	return header != NULL;
}

const CacheStore cachebot_shmem_store = {
	.name = "shmem",
	.checksum_entries = false,
	.settle_wait_ms = NULL,
	.shmem_request = shmem_request,
	.shmem_startup = shmem_startup,
	.ready = shmem_ready,
	.lookup = shmem_lookup,
	.put = shmem_put,
	.bump = shmem_bump,
	.flush = shmem_flush,
	.lease_take = shmem_lease_take,
	.lease_release = shmem_lease_release,
	.usage = shmem_usage,
};
