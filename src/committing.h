/*
 * committing.h
 *		Writers between their two bumps that no snapshot can see yet.
 *
 * A writer marks its records pending at pre-commit, then flushes its commit
 * record (and, under synchronous replication, waits for a standby) before
 * ProcArrayEndTransaction() makes the commit visible; its second bump
 * follows a moment later. Under durable commits nearly all of a mark's life
 * is that flush, while nobody can see the write. A reader need not be turned
 * away then: for the snapshots of that moment the record is what it was
 * before the mark, and the gen arithmetic of the stores (store.h) recovers
 * it: gen - k * CACHEBOT_GEN_MARK for k such marks.
 *
 * So a writer of this server with a transaction ID, once its pre-commit
 * bumps have all landed, publishes its transaction ID and its keys in a slot
 * of shared memory, and takes them back after its second bumps (or keeps
 * them as settling, below). A reader
 * that finds records pending reads the slots, then the pending records
 * again, then asks the proc array which published writers are still in
 * progress. Writers published before the second read and still in progress
 * after it had their marks on the records throughout (published only after
 * marking; a second bump only after becoming visible). If they account for
 * every mark of a record, the record is used with their marks taken out;
 * any other mark (a visible writer's, another server's, a writer with too
 * many keys or without a transaction ID, COMMIT PREPARED) keeps the record
 * pending, as before. Miscounting can only go one way: a slot read torn, or
 * a writer published after the first read, is simply not counted. So is a
 * writer whose mark is no longer on the record: memcached may drop a record
 * and recreate it at a random value, and a writer that marked the old one
 * must not vouch for another's mark on the new one. A writer publishes the
 * gen each record had with its mark on; bumps only add, so the record still
 * carries the mark only while its gen exceeds that by a few bumps' worth,
 * and a recreated record's random gen does so with odds of 2^-24.
 *
 * Why that is safe, for an entry E whose key K has such a mark of writer W:
 * a hit serves E only if E carries K's gen from before W's mark, so E
 * reflects no write of W, and W is invisible at the hit's read, so the
 * statement would not see W either. A fill stores the gen from before the
 * mark; whether its snapshot shows W or not, W's second bump (after W
 * became visible) moves K's gen past it, and between W's visibility and
 * that bump W is no longer in progress, so K reads as pending.
 *
 * A store whose second bumps return before it confirmed them (memcached:
 * the COMMIT does not wait a round trip for them) leaves that pending
 * moment running on after the COMMIT returned. Its writer then keeps its
 * slot, noting when the settles went out. A reader that finds a record
 * still pending with such a writer's mark, and no settle on the record
 * since that mark (its low half unchanged: so not this writer's either),
 * reads the slots and the records again, until the time the store gives a
 * settle to land (memcached's timeout) has passed since the settles went
 * out (one wait per lookup): a session that saw the COMMIT return usually
 * finds the record settled, as it would had the COMMIT waited. Waiting only
 * ever changes which read is used; each read is used by the rules above. A
 * settling slot past its time is ignored, its writer never asked about
 * again (its transaction ID, long ended, would read as in progress after
 * wraparound).
 */
#ifndef CACHEBOT_COMMITTING_H
#define CACHEBOT_COMMITTING_H

#include "store.h"

/* Most keys a writer publishes; one with more is not published. */
#define COMMITTING_MAX_KEYS 64

/* Shared memory: requested, then set up (postmaster). */
extern void cachebot_committing_request(void);
extern void cachebot_committing_startup(void);

/*
 * Before the store prepares a commit's bumps (pre-commit, an ERROR allowed):
 * so that at backend exit the slot is withdrawn only after the store's own
 * exit work (memcached reads its settles' replies then).
 */
extern void cachebot_committing_prepare(void);

/*
 * After every pre-commit bump of keys[0..nkeys) landed: publishes them with
 * the transaction's ID, if it has one (else nothing: its marks keep
 * blocking), and with marked[i], a gen each record had with the mark on it.
 * Raises nothing.
 */
extern void cachebot_committing_publish(int nkeys, const Hash128 *keys, const uint64 *marked);

/*
 * After the second bumps (or at any end): takes them back, unless they were
 * declared settling. Raises nothing.
 */
extern void cachebot_committing_withdraw(void);

/*
 * After second bumps sent unconfirmed (store.h, settle_wait_ms): keeps the
 * slot, noting until when readers should wait for them to land, until this
 * backend publishes again, ends a transaction after that time, or exits.
 * Raises nothing.
 */
extern void cachebot_committing_settling(int wait_ms);

/*
 * store->lookup, with marks of writers nobody can see yet taken out of the
 * versions it returns (see above): those records read as not pending, at
 * their gen from before the marks.
 */
extern bool cachebot_committing_lookup(const CacheStore *store, const Hash128 *key,
									   int ndeps, const Hash128 *deps,
									   char **entry, Size *entrylen, VersionRead *versions);

#endif							/* CACHEBOT_COMMITTING_H */
