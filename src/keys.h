/*
 * keys.h
 *		cachebot's 128-bit hashes and dependency keys: the names of what the
 *		stores hold.
 *
 * A cached result is named by the 128-bit hash of its fingerprint
 * (fingerprint.h) and depends on a set of dependency keys, each of which has
 * a version record {gen, pending} in the store (store.h), named by the
 * key's 128-bit hash. This file owns both: how a key is built, compared and
 * hashed (the epoch's hash is a fixed constant that the stores recognize),
 * and the value hashes that name row-level keys.
 */
#ifndef CACHEBOT_KEYS_H
#define CACHEBOT_KEYS_H

#include "postgres.h"

#include "fmgr.h"

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

/* qsort() order of Hash128s (or of structs that start with one). */
extern int	cachebot_hash128_cmp(const void *a, const void *b);

/* Two independent 64-bit hashes of data; never all zero (an empty slot). */
extern Hash128 cachebot_hash128(const void *data, Size len);

/* Kinds of dependency key. */
typedef enum DepKind
{
	DEP_EPOCH = 1,				/* global: flush(), shared catalog changes */
	DEP_GENERATION = 2,			/* (T): TRUNCATE, DDL, invalidate_table */
	DEP_ANY_ROW = 3,			/* (T, *): every row change of T */
	DEP_COLUMN_VALUE = 4,		/* (T, col, value): a keyed column's value */
	DEP_CATALOG = 5				/* (database): any DDL there (catalog_gen.h) */
} DepKind;

/*
 * Keys compare and hash as bytes (and are the keys of HASH_BLOBS tables), so
 * the struct has no padding: every byte is a field, set by depkey_make().
 */
typedef struct DepKey
{
	uint8		kind;			/* DepKind */
	uint8		unused1;		/* zero */
	int16		attnum;
	Oid			dbid;			/* InvalidOid for the epoch */
	Oid			relid;
	uint32		unused2;		/* zero */
	uint64		valuehash;
} DepKey;

StaticAssertDecl(sizeof(DepKey) == 24, "DepKey must have no padding");

static inline DepKey
depkey_make(DepKind kind, Oid dbid, Oid relid, int16 attnum, uint64 valuehash)
{
	DepKey		k;

	memset(&k, 0, sizeof(k));
	k.kind = kind;
	k.dbid = kind == DEP_EPOCH ? InvalidOid : dbid;
	k.relid = relid;
	k.attnum = attnum;
	k.valuehash = valuehash;
	return k;
}

static inline bool
depkey_equal(const DepKey *a, const DepKey *b)
{
	return memcmp(a, b, sizeof(DepKey)) == 0;
}

/*
 * The name of a key's version record. Every key of kind DEP_EPOCH has the
 * one name cachebot_epoch_key.
 */
extern Hash128 cachebot_depkey_hash(const DepKey *key);

/* The version record of the epoch, which every entry depends on. */
extern const Hash128 cachebot_epoch_key;

/* A readable form of key, for explain() (palloc'd). */
extern char *cachebot_depkey_describe(const DepKey *key);

/*
 * Row-level keys (T, col, value) are named by a hash of the value. A writer
 * hashes a keyed column's value; a reader hashes the value its scan compares
 * the column to. Both use the column type's default hash operator family,
 * whose members hash equal values (of any of its types) equally, so the key
 * a write bumps is the key a matching read depends on.
 */

/* A column's value, as a writer sees it; false if the type has no hashing. */
extern bool cachebot_column_value_hash(Oid coltype, Oid colcollation, Datum value,
									   uint64 *hash);

/*
 * A value a qual compares the column to with operator opno; false unless the
 * operator is the equality of the column's hash family, so that the hash is
 * the one cachebot_column_value_hash gives matching rows.
 */
extern bool cachebot_compared_value_hash(Oid coltype, Oid colcollation, Oid opno,
										 Oid inputcollid, Oid valtype, Datum value,
										 uint64 *hash);

/*
 * The same, for values known only while the plan runs (keys derived during a
 * fill): whether such comparisons give a row key, and if so the function
 * that hashes the values (set up in finfo, in cxt, if finfo is not NULL);
 * cachebot_compared_value_hash_with then hashes one value with it.
 */
extern bool cachebot_compared_value_hashable(Oid coltype, Oid colcollation, Oid opno,
											 Oid inputcollid, Oid valtype,
											 FmgrInfo *finfo, MemoryContext cxt);
extern uint64 cachebot_compared_value_hash_with(FmgrInfo *finfo, Oid colcollation, Datum value);

#endif							/* CACHEBOT_KEYS_H */
