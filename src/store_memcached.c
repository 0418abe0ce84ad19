/*
 * store_memcached.c
 *		The memcached store: a pool shared by several servers.
 *
 * One libmemcached handle per backend, binary protocol, consistent hashing
 * over cachebot.memcached_servers. Every key is a fixed-length hash of the
 * namespace (cachebot.prefix, the cluster's system identifier, the server
 * version) and of what it names, so it fits memcached's key limit and two
 * prefixes or clusters never meet.
 *
 * A version record is one counter, A * 2^32 + B: a writer adds 2^32 at
 * pre-commit and 1 after commit (or abort), so a single atomic increment
 * moves gen on and counts pending = A - B. A record that was lost comes
 * back with a random value, so no entry's stored gen matches it.
 *
 * The namespace also holds the store's incarnation (chosen at every server
 * start, see store.h) and a count of the times the postmaster saw
 * cachebot.memcached_servers or cachebot.prefix change. So a server that
 * restarts (after a crash that lost commits, or from an older copy of its
 * data) or that comes back to a pool or prefix it used before starts from
 * an empty namespace: nothing stored before can be stale for it. A backend
 * that has not yet reloaded a changed setting does not use the store.
 *
 * Trouble never fails a statement: after an error the store is skipped for
 * a back-off period (one timeout, not one per statement). A bump that could
 * not be delivered sets a cluster-wide "bypass" flag: nothing is served or
 * filled until the epoch has been bumped on the servers, so no entry that
 * the lost bump should have invalidated is reachable again.
 *
 * After the commit nothing may fail (an ERROR there is a PANIC). The bumps
 * made then (BUMP_COMMIT, BUMP_ABORT, BUMP_NOW_AFTER_COMMIT) use only what
 * prepare_finish() set up at pre-commit: the connection (never opened after
 * the commit), the buffers for the keys, and the table of undelivered
 * increments. They allocate nothing and raise nothing; a failure sets the
 * bypass flag, and what never left is remembered to be sent later, what may
 * have landed to be reset (see the undelivered table). The commit's and
 * abort's bumps (which only close marks) are not waited for: their replies
 * are read at the next use of the pool (collect_settles()).
 *
 * Every wait on the network is bounded by cachebot.memcached_timeout (at
 * most a few seconds); interrupts are checked between round trips, and a
 * connection left with unread replies by an ERROR is dropped.
 */
#include "postgres.h"

#include <libmemcached/memcached.h>

#include "access/xlog.h"
#include "common/pg_prng.h"
#include "miscadmin.h"
#include "port/atomics.h"
#include "storage/ipc.h"
#include "storage/shmem.h"
#include "storage/spin.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "memcached_wire.h"
#include "stats.h"
#include "store_memcached.h"
#include "settings.h"

#define KEY_LEN			35		/* "cb" + kind + 32 hex digits */
#define PENDING_SHIFT	32
StaticAssertDecl(CACHEBOT_GEN_MARK == UINT64CONST(1) << PENDING_SHIFT &&
				 CACHEBOT_GEN_SETTLE == 1, "a record is A * 2^32 + B");
#define BACKOFF_MS		1000
#define MAX_TTL			(30 * 24 * 3600)	/* larger is an absolute time */

#define PENDING_SLOTS	1024

/* A record seen pending, and since when: shared, so a mark expires once. */
typedef struct PendingSeen
{
	Hash128		key;
	uint64		value;
	TimestampTz since;
} PendingSeen;

typedef struct MemcachedShared
{
	pg_atomic_uint64 config;	/* hash of the settings the postmaster has */
	pg_atomic_uint64 config_changes;	/* times the postmaster saw them change */
	pg_atomic_uint32 bypass;	/* a bump was lost: bump the epoch first */
	slock_t		mutex;			/* protects pending */
	PendingSeen pending[PENDING_SLOTS];
} MemcachedShared;

static MemcachedShared *shared = NULL;

static memcached_st *mc = NULL;
static char *mc_servers = NULL;		/* what mc was built from */
static char *mc_prefix = NULL;
static int	mc_timeout = -1;
static uint64 mc_config = 0;		/* hash of mc_servers and mc_prefix */
static uint64 mc_config_changes = 0;	/* shared->config_changes when built */
static Hash128 ns;					/* namespace of every key */
static TimestampTz down_until = 0;

/*
 * Commit-phase increments this backend could not deliver: applied when the
 * pool answers again, so that the pending marks they close do not linger.
 * An increment that may have reached memcached without being confirmed (a
 * timeout, a connection lost before the reply) is never sent again: twice,
 * a settle would take a later writer's mark off the record. Its record is
 * reset instead (deleted: the next reader creates it afresh), as if memcached
 * had evicted it, which the protocol allows for; that ends the marks it may
 * or may not carry, which would otherwise block fills until the stuck-writer
 * expiry, and on a record written more often than that, for good. Resets
 * come after every increment, so that none lands on the fresh record.
 * A fixed table, allocated before it is first needed after a commit; past
 * its size they are dropped (the bypass flag makes every entry miss until
 * the epoch moves on; a mark left behind expires once its record stops
 * changing for 60 seconds, which on a busy record may take long).
 */
#define MAX_UNDELIVERED 4096

typedef struct Undelivered
{
	Hash128		key;			/* zero: empty */
	uint64		delta;
	bool		reset;			/* drop the record instead (see below) */
} Undelivered;

static Undelivered *undelivered = NULL;
static int	nundelivered = 0;

/*
 * A commit's second bumps are sent without waiting for their replies
 * (memcached_wire.c): the COMMIT returns a round trip sooner. The replies
 * are read before this backend next uses the pool (collect_settles()).
 * Meanwhile the records read as pending, which turns readers away and
 * stales nothing; readers of this server wait a moment for them instead
 * (committing.h).
 *
 * One not confirmed is reset (see the undelivered table above).
 */
static Hash128 unawaited_keys[MCWIRE_UNAWAITED_MAX];

/*
 * This transaction's pre-commit bump failed: the marks that may have landed
 * are to be reset, and those that did not must not be settled (a settle
 * without its mark would take another writer's off the record). So its
 * commit or abort settles nothing.
 */
static bool marks_failed = false;
static bool unawaited_confirmed[MCWIRE_UNAWAITED_MAX];
static int	nunawaited = 0;

/*
 * The keys of one multi-key request (a lookup, a bump's confirmation): kept
 * from one request to the next, and reserved before a commit for the bumps
 * that follow it, which may not allocate.
 */
static char *req_keybuf = NULL;
static char **req_keys = NULL;
static size_t *req_lens = NULL;
static McWireIncrement *req_incs = NULL;	/* a bump's increments */
static int	req_capacity = 0;

static void configure(const char *servers, const char *prefix);
static void collect_settles(void);
static void remember_undelivered(int nkeys, const Hash128 *keys, uint64 delta, bool reset);
static bool reset_record(const Hash128 *dep);

static void
mc_shmem_request(void)
{
	RequestAddinShmemSpace(MAXALIGN(sizeof(MemcachedShared)));
}

/* Allocates nothing: it runs in a setting's assign hook. */
static uint64
config_hash(const char *servers, const char *prefix)
{
	Hash128		parts[2];

	servers = servers ? servers : "";
	prefix = prefix ? prefix : "";
	parts[0] = cachebot_hash128(servers, strlen(servers));
	parts[1] = cachebot_hash128(prefix, strlen(prefix));
	return cachebot_hash128(parts, sizeof(parts)).lo;
}

static void
mc_shmem_startup(void)
{
	bool		found;

	shared = ShmemInitStruct("cachebot memcached", sizeof(MemcachedShared), &found);
	if (!found)
	{
		memset(shared, 0, sizeof(MemcachedShared));
		pg_atomic_init_u64(&shared->config,
						   config_hash(cachebot_memcached_servers, cachebot_prefix));
		pg_atomic_init_u64(&shared->config_changes, 0);
		pg_atomic_init_u32(&shared->bypass, 0);
		SpinLockInit(&shared->mutex);
	}
	if (!IsUnderPostmaster)
		cachebot_listen_pool_settings(configure);
}

/*
 * The postmaster's cachebot.memcached_servers or cachebot.prefix changed
 * (see settings.h).
 */
static void
configure(const char *servers, const char *prefix)
{
	uint64		h;

	/* The postmaster's view is the server's; backends follow it. */
	if (IsUnderPostmaster || shared == NULL)
		return;
	h = config_hash(servers, prefix);
	if (pg_atomic_read_u64(&shared->config) != h)
	{
		pg_atomic_write_u64(&shared->config, h);
		pg_atomic_fetch_add_u64(&shared->config_changes, 1);
	}
}

static void
disconnect(void)
{
	collect_settles();
	if (mc != NULL)
		memcached_free(mc);
	mc = NULL;
	cachebot_mcwire_close();
}

/* (Re)builds the handle when the settings changed; false if unusable. */
static bool
connect_if_needed(void)
{
	memcached_server_list_st servers;
	StringInfoData nsbuf;
	Hash128		old_ns = ns;

	if (mc != NULL && mc_servers && strcmp(mc_servers, cachebot_memcached_servers) == 0 &&
		mc_prefix && strcmp(mc_prefix, cachebot_prefix) == 0 &&
		mc_timeout == cachebot_memcached_timeout &&
		mc_config_changes == pg_atomic_read_u64(&shared->config_changes))
		return mc_config == pg_atomic_read_u64(&shared->config);

	disconnect();
	if (mc_servers)
		pfree(mc_servers);
	if (mc_prefix)
		pfree(mc_prefix);
	mc_servers = MemoryContextStrdup(TopMemoryContext, cachebot_memcached_servers);
	mc_prefix = MemoryContextStrdup(TopMemoryContext, cachebot_prefix);
	mc_timeout = cachebot_memcached_timeout;
	mc_config = config_hash(cachebot_memcached_servers, cachebot_prefix);
	mc_config_changes = pg_atomic_read_u64(&shared->config_changes);

	initStringInfo(&nsbuf);
	appendStringInfo(&nsbuf, "%s%c" UINT64_FORMAT "%c%d%c" UINT64_FORMAT "%c" UINT64_FORMAT,
					 cachebot_prefix, '\0', GetSystemIdentifier(), '\0', PG_VERSION_NUM,
					 '\0', cachebot_store_incarnation(), '\0', mc_config_changes);
	ns = cachebot_hash128(nsbuf.data, nsbuf.len);
	pfree(nsbuf.data);
	/*
	 * What was not delivered belongs to the namespace it was meant for:
	 * sent to the new one, a settle would close no mark of its own there.
	 */
	if (!hash128_equal(&old_ns, &ns) && undelivered != NULL)
	{
		memset(undelivered, 0, MAX_UNDELIVERED * sizeof(Undelivered));
		nundelivered = 0;
	}

	/* Settings this backend has not caught up with (or ahead of): wait. */
	if (mc_config != pg_atomic_read_u64(&shared->config))
		return false;

	mc = memcached_create(NULL);
	if (mc == NULL)
		return false;
	servers = memcached_servers_parse(cachebot_memcached_servers);
	if (servers == NULL || memcached_server_push(mc, servers) != MEMCACHED_SUCCESS)
	{
		if (servers)
			memcached_server_list_free(servers);
		disconnect();
		return false;
	}
	memcached_server_list_free(servers);
	memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_BINARY_PROTOCOL, 1);
	memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_DISTRIBUTION,
						   MEMCACHED_DISTRIBUTION_CONSISTENT_KETAMA);
	memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_TCP_NODELAY, 1);
	memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_SUPPORT_CAS, 1);	/* for heals */
	memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_CONNECT_TIMEOUT, mc_timeout);
	memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_POLL_TIMEOUT, mc_timeout);
	memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_SND_TIMEOUT, mc_timeout * 1000);
	memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_RCV_TIMEOUT, mc_timeout * 1000);
	memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_RETRY_TIMEOUT, 1);
	memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_SERVER_FAILURE_LIMIT, 2);
	return true;
}

/* Something went wrong: skip the store for a while. */
static void
went_wrong(void)
{
	down_until = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), BACKOFF_MS);
	cachebot_stats_count(STAT_ERRORS, 1);
	disconnect();
}

static bool increment(const Hash128 *dep, uint64 delta);

/* Is the store in its back-off period? */
static bool
backing_off(void)
{
	if (down_until == 0)
		return false;
	if (GetCurrentTimestamp() < down_until)
		return true;
	down_until = 0;
	return false;
}

/*
 * Delivers what earlier commits could not (a bounded number of round trips,
 * interruptible between them); false if the pool fails meanwhile. Each is
 * taken out of the table before it is sent, never to be sent twice; one that
 * fails may have landed, and becomes a reset. Increments first: a reset of
 * the same record must come after them.
 */
static bool
deliver_undelivered(void)
{
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < MAX_UNDELIVERED && nundelivered > 0; i++)
		{
			Undelivered u = undelivered[i];
			bool		ok;

			if ((u.key.hi == 0 && u.key.lo == 0) || u.reset != (pass == 1))
				continue;
			CHECK_FOR_INTERRUPTS();
			memset(&undelivered[i], 0, sizeof(Undelivered));
			nundelivered--;
			ok = u.reset ? reset_record(&u.key) : increment(&u.key, u.delta);
			if (!ok)
			{
				remember_undelivered(1, &u.key, 0, true);
				went_wrong();
				return false;
			}
		}
	return true;
}

/* Connects if need be; not after a commit. */
static bool
usable(void)
{
	collect_settles();
	if (backing_off() || !connect_if_needed())
		return false;
	return nundelivered == 0 || deliver_undelivered();
}

/* On the way out: one more try, back-off or not, to close what this backend opened. */
static void
deliver_at_exit(int code, Datum arg)
{
	collect_settles();
	if (nundelivered > 0)
	{
		down_until = 0;
		(void) usable();
	}
	disconnect();
}

/*
 * Keeps an increment of delta of each record for later, or its reset (which
 * supersedes any increment). After a commit: allocates nothing, raises
 * nothing.
 */
static void
remember_undelivered(int nkeys, const Hash128 *keys, uint64 delta, bool reset)
{
	if (undelivered == NULL)
		return;
	for (int i = 0; i < nkeys; i++)
	{
		uint32		slot = (uint32) (keys[i].lo % MAX_UNDELIVERED);

		for (int probe = 0; probe < MAX_UNDELIVERED; probe++)
		{
			Undelivered *u = &undelivered[(slot + probe) % MAX_UNDELIVERED];

			if (u->key.hi == 0 && u->key.lo == 0)
			{
				u->key = keys[i];
				u->delta = delta;
				u->reset = reset;
				nundelivered++;
				break;
			}
			if (hash128_equal(&u->key, &keys[i]))
			{
				u->delta += delta;
				u->reset |= reset;
				break;
			}
		}
	}
}

/*
 * Bumps that may not have been applied: until the epoch moves on, nothing
 * cached may be trusted, and the pool is given up for its back-off (unless
 * already). Allocates nothing, raises nothing.
 */
static void
bumps_lost(void)
{
	if (shared)
		pg_atomic_write_u32(&shared->bypass, 1);
	if (!backing_off())
		went_wrong();
}

/*
 * Reads the replies to the last commit's second bumps, if they were left
 * unread. A record whose settle is not confirmed is reset when the pool
 * answers again, and until the epoch moves on nothing cached is trusted.
 * Allocates nothing, raises nothing.
 */
static void
collect_settles(void)
{
	int			n;
	bool		all = true;

	if (nunawaited == 0)
		return;
	n = cachebot_mcwire_collect(unawaited_confirmed);
	Assert(n == nunawaited);
	nunawaited = 0;
	for (int i = 0; i < n; i++)
		if (!unawaited_confirmed[i])
		{
			remember_undelivered(1, &unawaited_keys[i], 0, true);
			all = false;
		}
	if (!all)
		bumps_lost();
}

/* Room for the keys of a request of n keys (not after a commit). */
static void
reserve_request_keys(int n)
{
	if (n <= req_capacity)
		return;
	n = Max(n, Max(64, req_capacity * 2));
	if (req_keybuf)
	{
		pfree(req_keybuf);
		pfree(req_keys);
		pfree(req_lens);
		pfree(req_incs);
	}
	req_keybuf = MemoryContextAlloc(TopMemoryContext, (Size) n * (KEY_LEN + 1));
	req_keys = MemoryContextAlloc(TopMemoryContext, (Size) n * sizeof(char *));
	req_lens = MemoryContextAlloc(TopMemoryContext, (Size) n * sizeof(size_t));
	req_incs = MemoryContextAlloc(TopMemoryContext, (Size) n * sizeof(McWireIncrement));
	req_capacity = n;
}

/*
 * At pre-commit, where an ERROR is still allowed: what the bumps after the
 * commit (up to nkeys records) need.
 */
static void
mc_prepare_finish(int nkeys)
{
	static bool exit_registered = false;

	if (undelivered == NULL)
		undelivered = MemoryContextAllocZero(TopMemoryContext,
											 MAX_UNDELIVERED * sizeof(Undelivered));
	if (!exit_registered)
	{
		before_shmem_exit(deliver_at_exit, (Datum) 0);
		exit_registered = true;
	}
	reserve_request_keys(nkeys);
	/* (the pre-commit bump that follows opens the bumps' own connections) */
	(void) usable();
}

static void
make_key(char *out, char kind, const Hash128 *what)
{
	Hash128		parts[2] = {ns, *what};
	Hash128		h = cachebot_hash128(parts, sizeof(parts));

	snprintf(out, KEY_LEN + 1, "cb%c%016llx%016llx", kind,
			 (unsigned long long) h.hi, (unsigned long long) h.lo);
}

static void
version_key(char *out, const Hash128 *dep)
{
	/* The epoch belongs to the namespace, not to one database. */
	make_key(out, hash128_equal(dep, &cachebot_epoch_key) ? 'x' : 'v', dep);
}

/*
 * The request keys: entry_key's entry first, if given, then the records of
 * deps[0..ndeps); room for them must be reserved. Returns how many.
 */
static int
request_keys(const Hash128 *entry_key, int ndeps, const Hash128 *deps)
{
	int			n = (entry_key != NULL ? 1 : 0) + ndeps;

	for (int i = 0; i < n; i++)
	{
		req_keys[i] = req_keybuf + i * (KEY_LEN + 1);
		req_lens[i] = KEY_LEN;
	}
	if (entry_key != NULL)
		make_key(req_keys[0], 'e', entry_key);
	for (int i = 0; i < ndeps; i++)
		version_key(req_keys[n - ndeps + i], &deps[i]);
	return n;
}

/* A fresh record: no writer pending (A == B), a random start. */
static uint64
fresh_record(void)
{
	uint64		r = cachebot_new_generation() & 0x7fffffff;

	return (r << PENDING_SHIFT) | r;
}

/* Marks outstanding on a record (A - B): negative if settles outnumber them. */
static inline int32
record_marks(uint64 value)
{
	return (int32) ((uint32) (value >> PENDING_SHIFT) - (uint32) value);
}

/*
 * How many writers of this record are committing (A - B)? A mark that stays
 * unchanged for too long belongs to a writer that died: it stops counting.
 * The first sighting is kept in shared memory, so the delay runs once, not
 * once per backend.
 */
static int32
record_pending(const Hash128 *dep, uint64 value)
{
	int32		marks = record_marks(value);
	PendingSeen *seen;
	TimestampTz now;

	/*
	 * More settles than marks: a settle landed on a record re-created
	 * without its mark (memcached evicted it, or a reset deleted it, while
	 * its writer committed), or twice. Read as no mark, it would hide the
	 * next writer's: it counts as pending, until a reader heals it (see
	 * mc_lookup) or the expiry below.
	 */
	if (marks < 0)
		marks = 1;
	if (marks == 0)
		return 0;
	if (shared == NULL)
		return marks;
	now = GetCurrentTimestamp();
	seen = &shared->pending[dep->lo % PENDING_SLOTS];
	SpinLockAcquire(&shared->mutex);
	if (hash128_equal(&seen->key, dep) && seen->value == value)
	{
		if (TimestampDifferenceExceeds(seen->since, now,
									   CACHEBOT_PENDING_EXPIRY_SECS * 1000))
			marks = 0;
	}
	else
	{
		seen->key = *dep;
		seen->value = value;
		seen->since = now;
	}
	SpinLockRelease(&shared->mutex);
	return marks;
}

static bool
parse_u64(const char *value, size_t len, uint64 *out)
{
	char		buf[32];
	char	   *end;

	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, value, len);
	buf[len] = '\0';
	errno = 0;
	*out = strtoull(buf, &end, 10);
	return errno == 0 && *end == '\0';
}

/* Bumps the epoch, if a lost bump asks for it; false while that fails. */
static bool recover_from_bypass(void);

static bool
mc_lookup(const Hash128 *key, int ndeps, const Hash128 *deps,
		  char **entry, Size *entrylen, VersionRead *versions)
{
	int			nkeys = ndeps + (key && entry ? 1 : 0);
	char	  **keys;
	size_t	   *lens;
	/* per key: read, not a record of ours, CAS of a record to heal (or 0) */
	struct
	{
		bool		found;
		bool		garbage;
		uint64		heal;
	}		   *seen;
	memcached_result_st *res;
	memcached_return_t rc;
	int			first_dep = nkeys - ndeps;

	if (entry)
		*entry = NULL;
	if (!usable() || !recover_from_bypass())
		return false;
	if (nkeys == 0)
		return true;

	reserve_request_keys(nkeys);
	(void) request_keys(first_dep > 0 ? key : NULL, ndeps, deps);
	keys = req_keys;
	lens = req_lens;
	seen = palloc0(nkeys * sizeof(*seen));

	/* One round trip for the entry and every record. */
	rc = memcached_mget(mc, (const char *const *) keys, lens, nkeys);
	if (rc != MEMCACHED_SUCCESS)
	{
		went_wrong();
		goto failed;
	}
	/*
	 * An ERROR in here (a cancel, no memory) would leave replies unread on
	 * the connection, for the next command to take as its own: drop it.
	 */
	PG_TRY();
	{
		while ((res = memcached_fetch_result(mc, NULL, &rc)) != NULL)
		{
			const char *k = memcached_result_key_value(res);
			const char *v = memcached_result_value(res);
			size_t		vlen = memcached_result_length(res);

			for (int i = 0; i < nkeys; i++)
			{
				if (seen[i].found || strncmp(keys[i], k, KEY_LEN) != 0)
					continue;
				seen[i].found = true;
				if (i < first_dep)
				{
					/* MAXALIGNed copy: tuples are read in place. Too big: a miss. */
					*entry = palloc_extended(Max(vlen, 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
					if (*entry != NULL)
					{
						memcpy(*entry, v, vlen);
						*entrylen = vlen;
					}
				}
				else
				{
					uint64		value;

					if (!parse_u64(v, vlen, &value))
					{
						seen[i].garbage = true;	/* replaced below */
						seen[i].found = false;
					}
					else
					{
						versions[i - first_dep].gen = value;
						versions[i - first_dep].pending =
							record_pending(&deps[i - first_dep], value);
						if (record_marks(value) < 0)
							seen[i].heal = memcached_result_cas(res);
					}
				}
				break;
			}
			memcached_result_free(res);
			CHECK_FOR_INTERRUPTS();
		}
	}
	PG_CATCH();
	{
		disconnect();
		PG_RE_THROW();
	}
	PG_END_TRY();
	if (rc != MEMCACHED_END && rc != MEMCACHED_SUCCESS && rc != MEMCACHED_NOTFOUND)
	{
		went_wrong();
		goto failed;
	}

	/*
	 * Records with more settles than marks are replaced by a fresh value,
	 * as if evicted, unless they changed since read (check-and-set): a
	 * settle still on its way lands on the fresh one and is healed again.
	 * This lookup still reads them as pending.
	 */
	for (int i = first_dep; i < nkeys; i++)
	{
		char		fresh[32];
		int			flen;

		if (seen[i].heal == 0)
			continue;
		CHECK_FOR_INTERRUPTS();
		flen = snprintf(fresh, sizeof(fresh), UINT64_FORMAT, fresh_record());
		rc = memcached_cas(mc, keys[i], KEY_LEN, fresh, flen, 0, 0, seen[i].heal);
		if (rc != MEMCACHED_SUCCESS && rc != MEMCACHED_DATA_EXISTS &&
			rc != MEMCACHED_NOTFOUND && rc != MEMCACHED_NOTSTORED)
		{
			went_wrong();
			goto failed;
		}
	}

	/* Absent records: create them, or read the one a concurrent reader made. */
	for (int i = first_dep; i < nkeys; i++)
	{
		uint64		value;

		if (seen[i].found)
			continue;
		CHECK_FOR_INTERRUPTS();
		if (seen[i].garbage)
		{
			/* Not a record of ours: a fresh one replaces it. */
			char		fresh[32];
			int			flen = snprintf(fresh, sizeof(fresh), UINT64_FORMAT, fresh_record());

			cachebot_stats_count(STAT_ERRORS, 1);
			if (memcached_set(mc, keys[i], KEY_LEN, fresh, flen, 0, 0) != MEMCACHED_SUCCESS)
			{
				went_wrong();
				goto failed;
			}
		}
		rc = memcached_increment_with_initial(mc, keys[i], KEY_LEN, 0, fresh_record(),
											  0, &value);
		if (rc != MEMCACHED_SUCCESS)
		{
			went_wrong();
			goto failed;
		}
		versions[i - first_dep].gen = value;
		versions[i - first_dep].pending = record_pending(&deps[i - first_dep], value);
	}
	pfree(seen);
	return true;

failed:
	pfree(seen);
	return false;
}

static bool
mc_put(const Hash128 *key, const char *data, Size len, int ttl)
{
	char		k[KEY_LEN + 1];
	memcached_return_t rc;

	if (!usable())
		return false;
	make_key(k, 'e', key);
	/*
	 * memcached's clock ticks in whole seconds and lags up to one behind: two
	 * more, so that memcached never drops an entry before its TTL has passed
	 * (a reader then sees it expired, not absent). The entry's own age check
	 * ends it on time.
	 */
	rc = memcached_set(mc, k, KEY_LEN, data, len, (time_t) Min((int64) ttl + 2, MAX_TTL), 0);
	if (rc == MEMCACHED_SUCCESS)
		return true;
	if (rc == MEMCACHED_E2BIG || rc == MEMCACHED_NOTSTORED)
		return false;			/* too large for the servers: a skip, not trouble */
	went_wrong();
	return false;
}

/*
 * The value of a record that a bump of delta creates (memcached had lost
 * it): pending with the marks delta adds beyond the settles it adds. A
 * settle creating it at B = A + 1 would read as no mark, and hide the next
 * writer's.
 */
static uint64
created_record(uint64 delta)
{
	uint64		marks = delta >> PENDING_SHIFT;
	uint64		settles = (uint32) delta;

	return fresh_record() + (marks > settles ? (marks - settles) << PENDING_SHIFT : 0);
}

static bool
increment(const Hash128 *dep, uint64 delta)
{
	char		k[KEY_LEN + 1];
	uint64		value;

	version_key(k, dep);
	return memcached_increment_with_initial(mc, k, KEY_LEN, delta,
											created_record(delta), 0, &value)
		== MEMCACHED_SUCCESS;
}

/* Drops a version record: the next reader creates it afresh. */
static bool
reset_record(const Hash128 *dep)
{
	char		k[KEY_LEN + 1];
	memcached_return_t rc;

	version_key(k, dep);
	rc = memcached_delete(mc, k, KEY_LEN, 0);
	return rc == MEMCACHED_SUCCESS || rc == MEMCACHED_NOTFOUND;
}

/*
 * The bumps' own connections (memcached_wire.c), to every server of the
 * handle; not after a commit.
 */
static bool
wire_ready(void)
{
	int			n = (int) memcached_server_count(mc);
	McWireServer *servers = palloc(Max(n, 1) * sizeof(McWireServer));
	bool		ok;

	for (int i = 0; i < n; i++)
	{
		const memcached_instance_st *server = memcached_server_instance_by_position(mc, i);

		servers[i].host = memcached_server_name(server);
		servers[i].port = memcached_server_port(server);
	}
	ok = n > 0 && cachebot_mcwire_prepare(n, servers, mc_timeout);
	pfree(servers);
	return ok;
}

/*
 * Adds delta to every record: one pipelined batch per server, each sent to
 * the server libmemcached reads it from; every reply is the record's new
 * value, so a success means each increment was applied (values[i], when
 * asked for, is the record's value after it). Uses the buffers reserved for
 * nkeys records and the connections wire_ready() opened: allocates nothing.
 */
static bool
increment_all(int nkeys, const Hash128 *keys, uint64 delta, uint64 *values,
			  bool await_replies)
{
	if (nkeys > req_capacity)
		return false;
	(void) request_keys(NULL, nkeys, keys);
	for (int i = 0; i < nkeys; i++)
	{
		req_incs[i].key = req_keys[i];
		req_incs[i].keylen = KEY_LEN;
		req_incs[i].server = (int) memcached_generate_hash(mc, req_keys[i], KEY_LEN);
		req_incs[i].initial = created_record(delta);
	}
	if (!cachebot_mcwire_increment(req_incs, nkeys, delta, await_replies))
		return false;
	for (int i = 0; values != NULL && i < nkeys; i++)
		values[i] = req_incs[i].value;
	return true;
}

static bool
mc_bump(int nkeys, const Hash128 *keys, BumpPhase phase, uint64 *marked)
{
	uint64		delta = phase == BUMP_PRE_COMMIT ? CACHEBOT_GEN_MARK : CACHEBOT_GEN_SETTLE;
	bool		after_commit = phase == BUMP_COMMIT || phase == BUMP_ABORT ||
		phase == BUMP_NOW_AFTER_COMMIT;
	bool		settle = phase == BUMP_COMMIT || phase == BUMP_ABORT;
	bool		await_replies = !settle || nkeys > MCWIRE_UNAWAITED_MAX;
	bool		attempted;
	bool		ok = false;

	if (phase == BUMP_NOW || phase == BUMP_NOW_AFTER_COMMIT)
		delta = CACHEBOT_GEN_MARK + CACHEBOT_GEN_SETTLE;	/* nothing pending */
	if (phase == BUMP_PRE_COMMIT)
		marks_failed = false;
	else if (settle && marks_failed)
	{
		marks_failed = false;
		return true;			/* the pre-commit failure did what is due */
	}

	/*
	 * Before the commit a failure must be known: confirmed. So must an
	 * immediate bump's after the commit, the only one that invalidates. A
	 * settle only closes a mark: a lost one leaves the record pending, which
	 * stales nothing, until the reset below; its replies are read before the
	 * next use of the pool (collect_settles()). After the commit only the
	 * connection and buffers prepared before it are used.
	 */
	if (after_commit)
	{
		collect_settles();
		attempted = mc != NULL && !backing_off() && nkeys <= req_capacity;
	}
	else
	{
		attempted = usable() && wire_ready();
		if (attempted)
			reserve_request_keys(nkeys);
	}
	if (attempted)
		ok = increment_all(nkeys, keys, delta,
						   phase == BUMP_PRE_COMMIT ? marked : NULL, await_replies);
	if (ok && !await_replies)
	{
		memcpy(unawaited_keys, keys, nkeys * sizeof(Hash128));
		nunawaited = nkeys;
	}
	if (!ok)
	{
		/*
		 * What never left is sent when the pool answers again (an immediate
		 * bump is harmless twice). A mark or settle that may have landed
		 * unconfirmed makes its record reset (see the undelivered table);
		 * a mark that never left needs nothing (the commit settles none of
		 * its marks then: see marks_failed).
		 */
		for (int i = 0; i < nkeys; i++)
		{
			bool		may_have_landed = attempted && req_incs[i].sent;

			if (phase == BUMP_NOW || phase == BUMP_NOW_AFTER_COMMIT)
			{
				if (after_commit)
					remember_undelivered(1, &keys[i], delta, false);
			}
			else if (may_have_landed)
				remember_undelivered(1, &keys[i], 0, true);
			else if (settle)
				remember_undelivered(1, &keys[i], delta, false);
		}
		if (phase == BUMP_PRE_COMMIT)
			marks_failed = true;
		bumps_lost();
	}
	return ok;
}

static bool
recover_from_bypass(void)
{
	Hash128		epoch = cachebot_epoch_key;

	if (shared == NULL || pg_atomic_read_u32(&shared->bypass) == 0)
		return true;
	if (!increment(&epoch, CACHEBOT_GEN_MARK + CACHEBOT_GEN_SETTLE))
	{
		went_wrong();
		return false;
	}
	pg_atomic_write_u32(&shared->bypass, 0);
	return true;
}

static void
mc_flush(void)
{
	Hash128		epoch = cachebot_epoch_key;

	if (!usable() || !increment(&epoch, CACHEBOT_GEN_MARK + CACHEBOT_GEN_SETTLE))
	{
		if (shared)
			pg_atomic_write_u32(&shared->bypass, 1);
		went_wrong();
	}
}

/* A settle is as long on its way as any other request may take. */
static int
mc_settle_wait_ms(void)
{
	return cachebot_memcached_timeout;
}

/*
 * A lease is a key added only if absent, for whole seconds (memcached's
 * unit): the holder deletes it when its fill ends. An expired one is
 * memcached's to drop.
 */
static FillLease
mc_lease_take(const Hash128 *key, int ms)
{
	char		k[KEY_LEN + 1];
	char		holder[16];
	int			hlen = snprintf(holder, sizeof(holder), "%d", MyProcPid);
	memcached_return_t rc;

	if (!usable())
		return LEASE_NONE;
	make_key(k, 'l', key);
	/* memcached's clock ticks in seconds: one more, or it may lapse at once */
	rc = memcached_add(mc, k, KEY_LEN, holder, hlen, (time_t) (ms / 1000 + 1), 0);
	if (rc == MEMCACHED_SUCCESS)
		return LEASE_TAKEN;
	if (rc == MEMCACHED_NOTSTORED || rc == MEMCACHED_DATA_EXISTS)
		return LEASE_HELD;
	went_wrong();
	return LEASE_NONE;
}

static void
mc_lease_release(const Hash128 *key)
{
	char		k[KEY_LEN + 1];
	memcached_return_t rc;

	if (!usable())
		return;
	make_key(k, 'l', key);
	rc = memcached_delete(mc, k, KEY_LEN, 0);
	if (rc != MEMCACHED_SUCCESS && rc != MEMCACHED_NOTFOUND)
		went_wrong();
}

const CacheStore cachebot_memcached_store = {
	.name = "memcached",
	.checksum_entries = true,
	.settle_wait_ms = mc_settle_wait_ms,
	.shmem_request = mc_shmem_request,
	.shmem_startup = mc_shmem_startup,
	.ready = NULL,
	.prepare_finish = mc_prepare_finish,
	.lookup = mc_lookup,
	.put = mc_put,
	.bump = mc_bump,
	.flush = mc_flush,
	.lease_take = mc_lease_take,
	.lease_release = mc_lease_release,
	.usage = NULL,
};
