/*
 * catalog_gen.h
 *		The catalog generation of each database: what every cached result
 *		depends on besides its rows.
 *
 * What a statement means (which relations, functions, operators and types
 * its names resolve to, their definitions, the partitions and children of
 * its tables, the indexes and constraints its plan relied on) is decided by
 * the catalog. Every entry depends on its database's catalog generation
 * (DEP_CATALOG), and a transaction that changed that catalog (see ddl.h)
 * moves the generation on when it commits, in the two steps of any write:
 * pending with a new value at pre-commit, and a new value again once the
 * commit is visible and its invalidation messages have been sent. So a
 * committed DDL invalidates every result cached in its database; a rolled
 * back one invalidates nothing.
 *
 * The generations live in this server's shared memory, whatever the store:
 * only this server changes its catalog. They start random at every server
 * start, so no entry stored before a restart validates after it.
 *
 * A fill must also not store a result computed from a plan older than the
 * generation it stores: a plan made before this backend processed the DDL's
 * invalidation messages (a function inlined with its old body, a partition
 * list read before ATTACH). Every commit that moves a generation also
 * advances a server-wide DDL sequence, and each backend remembers the value
 * it last synchronized with. A fill goes ahead only while the sequence,
 * read with the generation, still has that value; otherwise the backend
 * synchronizes first (it processes pending invalidation messages and
 * invalidates its cached plans, so everything it plans from then on sees
 * every committed DDL) and that one statement runs without filling.
 */
#ifndef CACHEBOT_CATALOG_GEN_H
#define CACHEBOT_CATALOG_GEN_H

#include "store.h"

/* The generations' shared memory: requested, then set up (postmaster). */
extern void cachebot_catalog_gen_request(void);
extern void cachebot_catalog_gen_startup(void);

/*
 * Reads the generation of database dbid (creating it, with a random value,
 * if it has none yet) and the DDL sequence. Returns false when no slot is
 * free for a new database: the caller then treats it as pending.
 */
extern bool cachebot_catalog_gen_read(Oid dbid, VersionRead *out, uint64 *ddl_sequence);

/*
 * Applies phase to the generation of dbid. changed_here: the changes are
 * this backend's own (not a prepared transaction's). Never raises an ERROR.
 */
extern void cachebot_catalog_gen_bump(Oid dbid, BumpPhase phase, bool changed_here);

/*
 * Is this backend synchronized with ddl_sequence (read with the generation a
 * fill would store)? If not, it synchronizes now and returns false: this
 * statement must not fill.
 */
extern bool cachebot_catalog_gen_synchronized(uint64 ddl_sequence);

/* At connection start, before the first statement is parsed. */
extern void cachebot_catalog_gen_backend_start(void);

#endif							/* CACHEBOT_CATALOG_GEN_H */
