/*
 * store_shmem.h
 *		The embedded store: cachebot's own shared memory, sized by
 *		cachebot.shmem_size (see store_shmem.c for its layout).
 */
#ifndef CACHEBOT_STORE_SHMEM_H
#define CACHEBOT_STORE_SHMEM_H

#include "store.h"

/* Its implementation of the store interface, registered by _PG_init. */
extern const CacheStore cachebot_shmem_store;

#endif							/* CACHEBOT_STORE_SHMEM_H */
