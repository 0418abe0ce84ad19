/*
 * store.c
 *		The parts of the store interface every backend shares: which store
 *		is in use, the epoch key, generations, and the server's incarnation.
 */
#include "postgres.h"

#include "common/pg_prng.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/shmem.h"
#include "utils/timestamp.h"

#include "store.h"
#include "settings.h"

typedef struct StoreShared
{
	uint64		incarnation;	/* random, chosen once per server start */
} StoreShared;

static StoreShared *store_shared = NULL;

static const CacheStore *stores[CACHE_BACKEND_MEMCACHED + 1];

void
cachebot_store_register(CacheBackend backend, const CacheStore *store)
{
	Assert(backend >= 0 && backend < lengthof(stores));
	stores[backend] = store;
}

/* The implementation cachebot.backend names (a postmaster setting). */
static const CacheStore *
chosen_store(void)
{
	if (cachebot_backend < 0 || cachebot_backend >= lengthof(stores))
		return NULL;
	return stores[cachebot_backend];
}

void
cachebot_store_request(void)
{
	const CacheStore *store = chosen_store();

	RequestAddinShmemSpace(MAXALIGN(sizeof(StoreShared)));
	if (store != NULL && store->shmem_request != NULL)
		store->shmem_request();
}

void
cachebot_store_startup(void)
{
	const CacheStore *store = chosen_store();
	bool		found;

	store_shared = ShmemInitStruct("cachebot store incarnation", sizeof(StoreShared), &found);
	if (!found)
		store_shared->incarnation = cachebot_new_generation();
	if (store != NULL && store->shmem_startup != NULL)
		store->shmem_startup();
}

uint64
cachebot_store_incarnation(void)
{
	return store_shared ? store_shared->incarnation : 0;
}

EntrySeal
cachebot_store_entry_seal(void)
{
	const CacheStore *store = chosen_store();
	EntrySeal	seal;

	seal.checksummed = store == NULL || store->checksum_entries;
	seal.seed = cachebot_store_incarnation();
	return seal;
}

uint64
cachebot_new_generation(void)
{
	static int	seeded_pid = 0;
	static pg_prng_state prng;
	uint64		gen;

	/*
	 * Seeded in each process: a state inherited through fork (from the
	 * postmaster, which draws the incarnation) would hand every backend the
	 * same numbers.
	 */
	if (seeded_pid != MyProcPid)
	{
		if (!pg_prng_strong_seed(&prng))
			pg_prng_seed(&prng, (uint64) MyProcPid ^ (uint64) GetCurrentTimestamp());
		seeded_pid = MyProcPid;
	}
	do
		gen = pg_prng_uint64(&prng);
	while (gen == 0);
	return gen;
}

const CacheStore *
cachebot_cache_store(void)
{
	const CacheStore *store = chosen_store();

	if (store == NULL || (store->ready != NULL && !store->ready()))
		return NULL;
	return store;
}
