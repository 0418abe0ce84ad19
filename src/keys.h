/*
 * keys.h
 *		The value hashes that name row-level dependency keys (T, col, value).
 *
 * A writer hashes a keyed column's value; a reader hashes the value its
 * scan compares the column to. Both use the column type's default hash
 * operator family, whose members hash equal values (of any of its types)
 * equally, so the key a write bumps is the key a matching read depends on.
 */
#ifndef CACHEBOT_KEYS_H
#define CACHEBOT_KEYS_H

#include "postgres.h"

/* A column's value, as a writer sees it; false if the type has no hashing. */
extern bool cachebot_column_value_hash(Oid coltype, Oid colcollation, Datum value, uint64 *hash);

/*
 * A value a qual compares the column to with operator opno; false unless the
 * operator is the equality of the column's hash family, so that the hash is
 * the one cachebot_column_value_hash gives matching rows.
 */
extern bool cachebot_compared_value_hash(Oid coltype, Oid colcollation, Oid opno, Oid inputcollid,
								Oid valtype, Datum value, uint64 *hash);

#endif							/* CACHEBOT_KEYS_H */
