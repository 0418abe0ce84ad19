/*
 * xact.h
 *		What a transaction invalidates, and when (SPEC section 6).
 *
 * Row triggers, TRUNCATE, DDL and invalidate_* only collect dependency keys
 * into a per-transaction set, tagged with the subtransaction that collected
 * them. At pre-commit each key's record is bumped and marked pending; after
 * commit it is bumped again and the pending mark dropped. Keys of an aborted
 * (sub)transaction are forgotten.
 */
#ifndef CACHEBOT_XACT_H
#define CACHEBOT_XACT_H

#include "access/htup.h"
#include "access/tupdesc.h"

#include "cachebot.h"

extern void xact_register_callbacks(void);

/* Collects a key to bump when the current transaction commits. */
extern void xact_collect(const DepKey *key);

/* Collects (T, col, value) for the keyed columns of one version of a row of T. */
struct TrackInfo;
extern void xact_collect_row(const struct TrackInfo *info, TupleDesc desc, HeapTuple tuple);

/* Collects the generation key of relid, and marks it written. */
extern void xact_collect_generation(Oid relid);

/* Has the current transaction written relid (as far as cachebot saw)? */
extern bool xact_wrote(Oid relid);

#endif							/* CACHEBOT_XACT_H */
