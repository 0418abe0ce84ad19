/*
 * keys.c
 *		The value hashes that name row-level dependency keys.
 */
#include "postgres.h"

#include "access/hash.h"
#include "fmgr.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "keys.h"

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

bool
cachebot_compared_value_hash(Oid coltype, Oid colcollation, Oid opno, Oid inputcollid,
					Oid valtype, Datum value, uint64 *hash)
{
	Oid			base = getBaseType(coltype);
	TypeCacheEntry *tc = lookup_type_cache(base, TYPECACHE_HASH_OPFAMILY |
										   TYPECACHE_HASH_EXTENDED_PROC_FINFO);
	Oid			proc;

	if (!OidIsValid(tc->hash_opf) || !OidIsValid(tc->hash_extended_proc) ||
		!op_in_opfamily(opno, tc->hash_opf))
		return false;
	/* Equal under another collation need not hash equal under the column's. */
	if (OidIsValid(colcollation) && inputcollid != colcollation)
		return false;

	valtype = getBaseType(valtype);
	if (valtype == base)
		return cachebot_column_value_hash(base, colcollation, value, hash);
	proc = get_opfamily_proc(tc->hash_opf, valtype, valtype, HASHEXTENDED_PROC);
	if (!OidIsValid(proc))
		return false;
	*hash = DatumGetUInt64(OidFunctionCall2Coll(proc, colcollation, value,
												Int64GetDatum(VALUE_HASH_SEED)));
	return true;
}
