/*
 * cachebot.h
 *		Types and settings shared by every module of cachebot.
 *
 * A cached result is identified by a 128-bit hash of its fingerprint (see
 * fingerprint.h) and depends on a set of dependency keys (see deps.h), each
 * of which has a version record {gen, pending} in the store (see store.h).
 */
#ifndef CACHEBOT_H
#define CACHEBOT_H

#include "postgres.h"

/* A 128-bit hash: cache keys and dependency keys are both named by one. */
typedef struct Hash128
{
	uint64		hi;
	uint64		lo;
} Hash128;

static inline bool
hash128_equal(const Hash128 *a, const Hash128 *b)
{
	return a->hi == b->hi && a->lo == b->lo;
}

extern Hash128 cachebot_hash128_bytes(const void *data, Size len);

/* Kinds of dependency key. */
typedef enum DepKind
{
	DEP_EPOCH = 1,				/* global: flush() */
	DEP_GENERATION = 2,			/* (T): TRUNCATE, DDL, invalidate_table */
	DEP_ANY_ROW = 3,			/* (T, *): every row change of T */
	DEP_COLUMN_VALUE = 4,		/* (T, col, value): a keyed column's value */
	DEP_CATALOG = 5				/* (database): any DDL there (catalog_gen.h) */
} DepKind;

typedef struct DepKey
{
	uint8		kind;			/* DepKind */
	Oid			dbid;
	Oid			relid;
	int16		attnum;
	uint64		valuehash;
} DepKey;

/* A key with its padding zeroed, so that it hashes and compares as bytes. */
static inline DepKey
depkey_make(DepKind kind, Oid dbid, Oid relid, int16 attnum, uint64 valuehash)
{
	DepKey		k;

	memset(&k, 0, sizeof(k));
	k.kind = kind;
	k.dbid = dbid;
	k.relid = relid;
	k.attnum = attnum;
	k.valuehash = valuehash;
	return k;
}

extern Hash128 cachebot_depkey_hash(const DepKey *key);
extern char *cachebot_depkey_describe(const DepKey *key);

/* Settings (guc.c) */
typedef enum CacheBackend
{
	CACHE_BACKEND_SHMEM = 0,
	CACHE_BACKEND_MEMCACHED = 1
} CacheBackend;

extern bool cachebot_enabled;
extern int	cachebot_backend;
extern int	cachebot_ttl;			/* seconds */
extern int	cachebot_shmem_size;	/* kB */
extern int	cachebot_max_entry_size;	/* kB */
extern bool cachebot_strict;
extern bool cachebot_cache_all;
extern bool cachebot_cache_get;
extern char *cachebot_memcached_servers;
extern char *cachebot_prefix;
extern int	cachebot_memcached_timeout;	/* ms */

extern void cachebot_define_gucs(void);

/* A stuck "pending" (crashed writer) stops blocking fills after this long. */
#define CACHEBOT_PENDING_EXPIRY_SECS 60

/* Past this many keys in one transaction, a table's keys collapse. */
#define CACHEBOT_MAX_XACT_KEYS 10000

#endif							/* CACHEBOT_H */
