/*
 * ddl.h
 *		Which transactions change what statements mean.
 *
 * Rather than list which commands change which statements, cachebot treats
 * every catalog change alike: a transaction that changed the catalog of its
 * database moves that database's catalog generation when it commits
 * (catalog_gen.h), which invalidates every result cached there. A
 * transaction changed the catalog when
 *	- PostgreSQL reported a created, altered or dropped object to the object
 *	  access hook (every CREATE, ALTER and DROP does), unless the object is a
 *	  temporary relation or a part of one: statements that read those are
 *	  never cached, and temporary tables come and go too often to flush the
 *	  cache for them;
 *	- it ran a utility command that is not known to leave the catalog alone
 *	  and that reported nothing (GRANT, REVOKE, ATTACH PARTITION, ...), unless
 *	  the command creates a temporary relation (IF NOT EXISTS) or drops
 *	  (IF EXISTS) what is not there;
 *	- it wrote a system catalog with INSERT, UPDATE, DELETE or COPY FROM.
 * A change of a shared catalog (roles, databases, tablespaces) moves the
 * global epoch instead: every database sees it.
 *
 * Such a transaction neither looks up nor fills anything after its first
 * catalog change: its statements see a catalog nobody else sees yet.
 *
 * The hooks that see the changes (utility.c) report them here.
 */
#ifndef CACHEBOT_DDL_H
#define CACHEBOT_DDL_H

#include "nodes/plannodes.h"

/*
 * If typid is the row type of a temporary table or view (or an array of
 * one, or a domain over one), that relation; else InvalidOid. Changing the
 * relation changes no catalog generation, so a statement that uses its row
 * type is as session-private as one that reads it.
 */
extern Oid	cachebot_ddl_private_rowtype_relation(Oid typid);

/* The object access hook saw an object created, altered or dropped. */
extern void cachebot_ddl_note_object(Oid classId, Oid objectId, bool dropped);

/*
 * Around a utility command: before returns what after needs to tell whether
 * the command reported any object.
 */
extern uint64 cachebot_ddl_before_utility(Node *parsetree);
extern void cachebot_ddl_after_utility(Node *parsetree, uint64 reported_before);

/* Has the current transaction (possibly) changed the catalog? */
extern bool cachebot_ddl_in_xact(void);

/*
 * What the transaction about to commit changed: the catalog of this
 * database (*database) or a shared catalog (*shared). Called at pre-commit
 * and pre-prepare, where it may still raise an ERROR.
 */
extern void cachebot_ddl_changes_at_commit(bool *database, bool *shared);

/* The transaction is over. */
extern void cachebot_ddl_forget(void);

/* A statement about to run: INSERT, UPDATE or DELETE on a catalog counts. */
extern void cachebot_ddl_note_plan(PlannedStmt *stmt);

#endif							/* CACHEBOT_DDL_H */
