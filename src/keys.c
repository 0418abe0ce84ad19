/*
 * keys.c
 *		cachebot's 128-bit hashes and dependency keys.
 */
#include "postgres.h"

#include "access/hash.h"
#include "common/hashfn.h"
#include "fmgr.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "keys.h"

const Hash128 cachebot_epoch_key = {0x6361636865626f74ULL, 0x65706f6368000001ULL};

Hash128
cachebot_hash128(const void *data, Size len)
{
	Hash128		h;

	h.hi = hash_bytes_extended((const unsigned char *) data, (int) len,
							   UINT64CONST(0x9e3779b97f4a7c15));
	h.lo = hash_bytes_extended((const unsigned char *) data, (int) len,
							   UINT64CONST(0xc2b2ae3d27d4eb4f));
	if (h.hi == 0 && h.lo == 0)
		h.lo = 1;				/* zero marks an empty slot in the stores */
	return h;
}

int
cachebot_hash128_cmp(const void *a, const void *b)
{
	const Hash128 *x = a;
	const Hash128 *y = b;

	if (x->hi != y->hi)
		return x->hi < y->hi ? -1 : 1;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return 0;
}

Hash128
cachebot_depkey_hash(const DepKey *key)
{
	DepKey		copy;

	if (key->kind == DEP_EPOCH)
		return cachebot_epoch_key;
	/* Rebuilt, so that a key not made by depkey_make hashes the same. */
	copy = depkey_make(key->kind, key->dbid, key->relid, key->attnum, key->valuehash);
	return cachebot_hash128(&copy, sizeof(copy));
}

char *
cachebot_depkey_describe(const DepKey *key)
{
	const char *rel = OidIsValid(key->relid) ? get_rel_name(key->relid) : NULL;

	if (rel == NULL)
		rel = "?";
	switch ((DepKind) key->kind)
	{
		case DEP_EPOCH:
			return pstrdup("epoch");
		case DEP_CATALOG:
			return pstrdup("catalog");
		case DEP_GENERATION:
			return psprintf("%s:generation", rel);
		case DEP_ANY_ROW:
			return psprintf("%s:*", rel);
		case DEP_COLUMN_VALUE:
			return psprintf("%s.%d:%016llx", rel, key->attnum,
							(unsigned long long) key->valuehash);
	}
	return pstrdup("?");
}

#define VALUE_HASH_SEED 0x63626f74

bool
cachebot_column_value_hash(Oid coltype, Oid colcollation, Datum value, uint64 *hash)
{
	TypeCacheEntry *tc = lookup_type_cache(getBaseType(coltype),
										   TYPECACHE_HASH_EXTENDED_PROC_FINFO);

	if (!OidIsValid(tc->hash_extended_proc))
		return false;
	*hash = DatumGetUInt64(FunctionCall2Coll(&tc->hash_extended_proc_finfo, colcollation,
											 value, Int64GetDatum(VALUE_HASH_SEED)));
	return true;
}

/*
 * The hash function for values of valtype compared with a coltype column by
 * opno, or InvalidOid when such comparisons give no row key.
 */
static Oid
compared_value_hash_proc(Oid coltype, Oid colcollation, Oid opno, Oid inputcollid, Oid valtype)
{
	Oid			base = getBaseType(coltype);
	TypeCacheEntry *tc = lookup_type_cache(base, TYPECACHE_HASH_OPFAMILY |
										   TYPECACHE_HASH_EXTENDED_PROC);

	if (!OidIsValid(tc->hash_opf) || !OidIsValid(tc->hash_extended_proc) ||
		!op_in_opfamily(opno, tc->hash_opf))
		return InvalidOid;
	/* Equal under another collation need not hash equal under the column's. */
	if (OidIsValid(colcollation) && inputcollid != colcollation)
		return InvalidOid;
	valtype = getBaseType(valtype);
	if (valtype == base)
		return tc->hash_extended_proc;
	return get_opfamily_proc(tc->hash_opf, valtype, valtype, HASHEXTENDED_PROC);
}

bool
cachebot_compared_value_hashable(Oid coltype, Oid colcollation, Oid opno, Oid inputcollid,
								 Oid valtype, FmgrInfo *finfo, MemoryContext cxt)
{
	Oid			proc = compared_value_hash_proc(coltype, colcollation, opno, inputcollid,
												valtype);

	if (!OidIsValid(proc))
		return false;
	if (finfo != NULL)
		fmgr_info_cxt(proc, finfo, cxt);
	return true;
}

uint64
cachebot_compared_value_hash_with(FmgrInfo *finfo, Oid colcollation, Datum value)
{
	return DatumGetUInt64(FunctionCall2Coll(finfo, colcollation, value,
											Int64GetDatum(VALUE_HASH_SEED)));
}

bool
cachebot_compared_value_hash(Oid coltype, Oid colcollation, Oid opno, Oid inputcollid,
					Oid valtype, Datum value, uint64 *hash)
{
	Oid			proc = compared_value_hash_proc(coltype, colcollation, opno, inputcollid,
												valtype);

	if (!OidIsValid(proc))
		return false;
	if (getBaseType(valtype) == getBaseType(coltype))
		return cachebot_column_value_hash(coltype, colcollation, value, hash);	/* cached finfo */
	*hash = DatumGetUInt64(OidFunctionCall2Coll(proc, colcollation, value,
												Int64GetDatum(VALUE_HASH_SEED)));
	return true;
}
