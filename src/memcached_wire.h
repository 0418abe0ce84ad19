/*
 * memcached_wire.h
 *		Pipelined counter increments for the memcached store: a batch of
 *		binary-protocol INCREMENTs written at once per server, their new
 *		values read back (see memcached_wire.c).
 *
 * The store says which server holds each key (libmemcached's distribution,
 * the one its reads use), so a record is bumped where it is read.
 */
#ifndef CACHEBOT_MEMCACHED_WIRE_H
#define CACHEBOT_MEMCACHED_WIRE_H

/* A server of the pool, as the store's handle names it. */
typedef struct McWireServer
{
	const char *host;
	int			port;
} McWireServer;

/* One increment of a batch. */
typedef struct McWireIncrement
{
	const char *key;
	int			keylen;
	int			server;			/* index into the servers given to connect */
	uint64		initial;		/* the value of a record created by it */
	uint64		value;			/* out: the record's value after it */
	bool		sent;			/* out: its request was written, or may have
								 * been in part (false: it never left) */
} McWireIncrement;

/*
 * A connection to each of the nservers servers (kept from one call to the
 * next; every later wait on it bounded by timeout_ms) and room for a batch.
 * Not after a commit: it may allocate, resolve names and connect. False if
 * a server cannot be reached within timeout_ms.
 */
extern bool cachebot_mcwire_prepare(int nservers, const McWireServer *servers,
									int timeout_ms);

/* Most increments a batch sent without awaiting its replies may have. */
#define MCWIRE_UNAWAITED_MAX 256

/*
 * Adds delta to every record of incs[0..n), on connections and in room that
 * prepare() made: one write per server for up to a few hundred keys, then
 * every reply read. True when every increment was applied (each reply
 * carries the record's value, stored in incs[i].value). Allocates nothing and
 * raises nothing: callable after a commit. On failure every connection is
 * closed (replies may be left unread on it).
 *
 * With await_replies false and n at most MCWIRE_UNAWAITED_MAX, the requests
 * are only sent: true means they went out, and collect() must read their
 * replies before anything else uses the connections (prepare() and this
 * refuse until it has).
 */
extern bool cachebot_mcwire_increment(McWireIncrement *incs, int n, uint64 delta,
									  bool await_replies);

/*
 * Reads the replies of the batch last sent without awaiting them, each wait
 * bounded by the timeout. Returns how many increments it had (0: none) and
 * sets confirmed[i] for those a reply showed applied; on failure closes
 * every connection. Allocates nothing and raises nothing.
 */
extern int	cachebot_mcwire_collect(bool *confirmed);

/* Closes every connection. */
extern void cachebot_mcwire_close(void);

#endif							/* CACHEBOT_MEMCACHED_WIRE_H */
