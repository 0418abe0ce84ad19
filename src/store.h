/*
 * store.h
 *		The interface every cache backend implements.
 *
 * A store holds two kinds of things: entries (serialized results, see
 * entry.h), named by a 128-bit key, and version records {gen, pending}, named
 * by a dependency key's 128-bit hash (keys.h). The global epoch is a version
 * record too, under the name cachebot_epoch_key.
 */
#ifndef CACHEBOT_STORE_H
#define CACHEBOT_STORE_H

#include "entry.h"
#include "keys.h"
#include "settings.h"

/* What a writer does to a version record, at which moment of its commit. */
typedef enum BumpPhase
{
	BUMP_PRE_COMMIT,			/* pending++, gen += GEN_MARK */
	BUMP_COMMIT,				/* pending--, gen += GEN_SETTLE: the write is
								 * visible */
	BUMP_ABORT,					/* the same after a failure past pre-commit
								 * (the new gen costs only a miss) */
	BUMP_NOW,					/* gen += GEN_MARK + GEN_SETTLE, outside any
								 * transaction protocol */
	BUMP_NOW_AFTER_COMMIT		/* the same, once the transaction committed */
} BumpPhase;

/*
 * How a bump moves a record's gen, in every store: a record starts at a
 * random value and each bump adds to it, so a pre-commit mark can be taken
 * back out by a reader that knows its writer is not visible yet
 * (committing.h): gen - k * GEN_MARK is the gen the record had before k
 * outstanding marks, with every other writer's bumps counted. A lost record
 * comes back at a new random value, which no entry carries.
 */
#define CACHEBOT_GEN_MARK	(UINT64CONST(1) << 32)
#define CACHEBOT_GEN_SETTLE	UINT64CONST(1)

/* The result of reading one version record. */
typedef struct VersionRead
{
	uint64		gen;
	int32		pending;		/* writers' marks outstanding; 0 once they are
								 * older than the stuck-writer expiry */
} VersionRead;

/* Asking for the right to fill an entry. */
typedef enum FillLease
{
	LEASE_TAKEN,				/* ours until released, or for the time asked */
	LEASE_HELD,					/* another session is filling this entry */
	LEASE_NONE					/* none to be had (store trouble, a full
								 * table): fill without one */
} FillLease;

typedef struct CacheStore
{
	const char *name;

	/*
	 * Its entries carry a checksum. One that keeps them in this server's
	 * own memory (written by this server's code alone, copied out under a
	 * lock, gone at every restart) needs none against other processes, old
	 * runs or the network: what a checksum would still catch there is a
	 * stray write by a bug in this server into the values themselves, which
	 * PostgreSQL does not guard its shared buffers against either. Hashing
	 * the whole entry cost 5% of each hit of a 2,000-row result; the
	 * structural checks every read makes (entry.h) stay.
	 */
	bool		checksum_entries;

	/*
	 * NULL: its BUMP_COMMIT and BUMP_ABORT return once applied. Otherwise
	 * they return once sent, before the store confirmed them (a network
	 * round trip the COMMIT does not wait for), and for a moment after the
	 * commit readers may still find the records pending. The writer then
	 * leaves its marks published as settling (committing.h), and readers of
	 * this server wait for the settle, for up to this many milliseconds,
	 * rather than turn away.
	 */
	int			(*settle_wait_ms) (void);

	/* Shared memory the backend needs: requested, then set up (postmaster). */
	void		(*shmem_request) (void);
	void		(*shmem_startup) (void);

	/* Can it be used in this process? NULL: always. */
	bool		(*ready) (void);

	/*
	 * Called at pre-commit, where an ERROR is still allowed, before the
	 * bumps that follow the commit (BUMP_COMMIT, BUMP_ABORT and
	 * BUMP_NOW_AFTER_COMMIT, of up to nkeys records): sets up whatever they
	 * need (memory, a connection), since they may not. NULL: nothing.
	 */
	void		(*prepare_finish) (int nkeys);

	/*
	 * Reads, in one round trip, the entry named key (if key and entry are
	 * not NULL: copied into CurrentMemoryContext, *entry NULL when absent)
	 * and the version records of deps[0..ndeps), creating absent records
	 * with a fresh gen. Returns false if the store could not answer.
	 */
	bool		(*lookup) (const Hash128 *key, int ndeps, const Hash128 *deps,
						   char **entry, Size *entrylen, VersionRead *versions);

	/*
	 * Stores an entry that lives ttl seconds (its age is also checked when it
	 * is read); returns false if the store could not take it.
	 */
	bool		(*put) (const Hash128 *key, const char *entry, Size len, int ttl);

	/*
	 * Applies phase to the records of keys[0..nkeys). Never raises an ERROR;
	 * in the phases after the commit it also allocates nothing and opens no
	 * connection (see prepare_finish). Returns false if a record could not
	 * be written: before the commit the caller then falls back to bumping
	 * the epoch; after it, a store whose bumps can fail must itself keep
	 * what they would have invalidated from being served (memcached's
	 * bypass); see settle_wait_ms for what true means for the
	 * commit's bumps. With BUMP_PRE_COMMIT and marked not NULL, marked[i] gets a
	 * gen the record had after the mark landed (every later gen of the
	 * record descends from it by additions, while the record lives).
	 */
	bool		(*bump) (int nkeys, const Hash128 *keys, BumpPhase phase, uint64 *marked);

	/*
	 * Invalidates every entry at once, by moving the epoch on (the shared
	 * memory store also drops the entries; memcached lets them age out).
	 */
	void		(*flush) (void);

	/*
	 * Fill leases, so that when an entry goes stale one session refills it
	 * while the others wait for its fill: takes the lease on an entry key
	 * for ms milliseconds (at least: memcached rounds up to whole seconds), and
	 * gives back one this session took. Never raise an ERROR. A lease only
	 * saves work: a hit is still checked against its records as any other.
	 */
	FillLease	(*lease_take) (const Hash128 *key, int ms);
	void		(*lease_release) (const Hash128 *key);

	/* Current number of entries and bytes they occupy; NULL if unknown. */
	void		(*usage) (uint64 *entries, uint64 *bytes);
} CacheStore;

/*
 * Makes store the implementation of backend (from _PG_init, before shared
 * memory is requested). The store interface knows its implementations only
 * through this, so that they depend on it and not the other way round.
 */
extern void cachebot_store_register(CacheBackend backend, const CacheStore *store);

/* The store chosen by cachebot.backend, or NULL if it is unavailable. */
extern const CacheStore *cachebot_cache_store(void);

/* A fresh, never-zero generation number. */
extern uint64 cachebot_new_generation(void);

/*
 * A random number chosen once per server start (and again after a crash
 * restart): mixed into memcached's entry checksums and keys, so that nothing
 * stored by an earlier run of the server is ever taken for current.
 */
extern uint64 cachebot_store_incarnation(void);

/* How the chosen store's entries are sealed: a checksum keyed with the
 * incarnation, or none. */
extern EntrySeal cachebot_store_entry_seal(void);

/* Shared memory of the interface and of the chosen store. */
extern void cachebot_store_request(void);
extern void cachebot_store_startup(void);

#endif							/* CACHEBOT_STORE_H */
