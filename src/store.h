/*
 * store.h
 *		The interface every cache backend implements.
 *
 * A store holds two kinds of things: entries (serialized results, see
 * entry.h), named by a 128-bit key, and version records {gen, pending}, named
 * by a dependency key's 128-bit hash. The global epoch is a version record
 * too, under the key cachebot_epoch_key.
 */
#ifndef CACHEBOT_STORE_H
#define CACHEBOT_STORE_H

#include "cachebot.h"

/* What a writer does to a version record, at which moment of its commit. */
typedef enum BumpPhase
{
	BUMP_PRE_COMMIT,			/* pending++, new gen: readers stop filling */
	BUMP_COMMIT,				/* new gen, pending--: the write is visible */
	BUMP_ABORT,					/* pending--: failed after pre-commit */
	BUMP_NOW					/* new gen, outside any transaction protocol */
} BumpPhase;

/* The result of reading one version record. */
typedef struct VersionRead
{
	uint64		gen;
	bool		pending;
} VersionRead;

typedef struct CacheStore
{
	const char *name;

	/*
	 * Reads, in one round trip, the entry named key (if key and entry are
	 * not NULL: copied into CurrentMemoryContext, *entry NULL when absent)
	 * and the version records of deps[0..ndeps), creating absent records
	 * with a fresh gen. Returns false if the store could not answer.
	 */
	bool		(*lookup) (const Hash128 *key, int ndeps, const Hash128 *deps,
						   char **entry, Size *entrylen, VersionRead *versions);

	/* Stores an entry; returns false if the store could not take it. */
	bool		(*put) (const Hash128 *key, const char *entry, Size len);

	/*
	 * Applies phase to the records of keys[0..nkeys). Never raises an ERROR
	 * (it runs after commit). Returns false if a record could not be
	 * written; the caller then falls back to bumping the epoch.
	 */
	bool		(*bump) (int nkeys, const Hash128 *keys, BumpPhase phase);

	/* Drops every entry (the epoch is bumped by the caller). */
	void		(*flush) (void);

	/* Current number of entries and bytes they occupy; NULL if unknown. */
	void		(*usage) (uint64 *entries, uint64 *bytes);
} CacheStore;

/* The store chosen by cachebot.backend, or NULL if it is unavailable. */
extern const CacheStore *cachebot_cache_store(void);

/* The embedded shared-memory store (store_shmem.c). */
extern const CacheStore cachebot_shmem_store;
extern void cachebot_shmem_store_request(void);
extern void cachebot_shmem_store_startup(void);
extern bool cachebot_shmem_store_ready(void);

/* The memcached store (store_memcached.c). */
extern const CacheStore cachebot_memcached_store;
extern void cachebot_memcached_store_request(void);
extern void cachebot_memcached_store_startup(void);

/* The postmaster's cachebot.memcached_servers or cachebot.prefix changed. */
extern void cachebot_memcached_store_configure(const char *servers, const char *prefix);

/* The dependency key every entry has: bumped by flush(). */
extern const Hash128 cachebot_epoch_key;

/* A fresh, never-zero generation number. */
extern uint64 cachebot_new_generation(void);

/*
 * A random number chosen once per server start (and again after a crash
 * restart): mixed into entry checksums and memcached keys, so that nothing
 * stored by an earlier run of the server is ever taken for current.
 */
extern uint64 cachebot_store_incarnation(void);

extern void cachebot_store_request(void);
extern void cachebot_store_startup(void);

#endif							/* CACHEBOT_STORE_H */
