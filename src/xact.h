/*
 * xact.h
 *		What a transaction invalidates, and when.
 *
 * Row triggers, TRUNCATE and invalidate_* only collect dependency keys into
 * a per-transaction set, tagged with the subtransaction that collected them;
 * DDL is found out at pre-commit (ddl.h). At pre-commit each key's record is
 * bumped and marked pending, and the database's catalog generation too if
 * the catalog changed. After the commit, where nothing may fail, each is
 * bumped again and its pending mark dropped: the records once the commit is
 * visible (before the locks are released), the catalog generation once the
 * invalidation messages are sent too. Keys of an aborted (sub)transaction
 * are forgotten.
 *
 * Why gen moves at both steps: the pre-commit move fails every entry filled
 * before the writer began committing, whatever becomes of its pending mark
 * (a memcached record can be evicted with it); the commit move fails every
 * entry filled while the mark was up but unseen, from a snapshot that may
 * predate the commit. Why pending stops readers: between the commit
 * becoming visible and the second move a reader cannot tell which side of
 * the commit its snapshot is on. (docs/design.md argues each case.)
 *
 * A prepared transaction keeps its keys in shared memory under its GID until
 * COMMIT PREPARED, which bumps them around the commit as above (ROLLBACK
 * PREPARED forgets them). If they are lost (a restart, which also starts a
 * new store incarnation), COMMIT PREPARED bumps the epoch instead.
 */
#ifndef CACHEBOT_XACT_H
#define CACHEBOT_XACT_H

#include "access/htup.h"
#include "access/tupdesc.h"
#include "nodes/parsenodes.h"

#include "keys.h"

/* Registers the transaction callbacks (from _PG_init). */
extern void cachebot_xact_register_callbacks(void);

/* The prepared transactions' keys in shared memory: requested, then set up. */
extern void cachebot_xact_shmem_request(void);
extern void cachebot_xact_shmem_startup(void);

/* Collects a key to bump when the current transaction commits. */
extern void cachebot_xact_collect(const DepKey *key);

/* Collects (T, col, value) for the keyed columns of one version of a row of T. */
struct TrackInfo;
extern void cachebot_xact_collect_row(const struct TrackInfo *info, TupleDesc desc, HeapTuple tuple);

/* Collects the generation key of relid, and marks it written. */
extern void cachebot_xact_collect_generation(Oid relid);

/* Notes that the current transaction wrote relid (its keys go elsewhere). */
extern void cachebot_xact_mark_written(Oid relid);

/* Has the current transaction written relid (as far as cachebot saw)? */
extern bool cachebot_xact_wrote(Oid relid);

/* A transaction command about to run (PREPARE, COMMIT PREPARED, ...). */
extern void cachebot_xact_before_transaction_command(TransactionStmt *stmt);

#endif							/* CACHEBOT_XACT_H */
