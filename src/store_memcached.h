/*
 * store_memcached.h
 *		The memcached store: a pool several servers share (see
 *		store_memcached.c for its keys and record format).
 */
#ifndef CACHEBOT_STORE_MEMCACHED_H
#define CACHEBOT_STORE_MEMCACHED_H

#include "store.h"

/* Its implementation of the store interface, registered by _PG_init. */
extern const CacheStore cachebot_memcached_store;

#endif							/* CACHEBOT_STORE_MEMCACHED_H */
