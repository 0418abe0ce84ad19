/*
 * settings.c
 *		cachebot's settings.
 */
#include "postgres.h"

#include <limits.h>

#include "miscadmin.h"
#include "utils/guc.h"

#include "settings.h"

bool		cachebot_enabled = true;
int			cachebot_backend = CACHE_BACKEND_SHMEM;
int			cachebot_ttl = 30 * 24 * 3600;
int			cachebot_shmem_size = 64 * 1024;
int			cachebot_max_entry_size = 1024;
bool		cachebot_strict = false;
bool		cachebot_cache_all = false;
bool		cachebot_cache_get = false;
bool		cachebot_auto_track = false;
char	   *cachebot_memcached_servers = NULL;
char	   *cachebot_prefix = NULL;
int			cachebot_memcached_timeout = 50;
int			cachebot_fill_wait = 1000;
int			cachebot_max_statements = 1000;
bool		cachebot_log_decisions = false;

static const struct config_enum_entry backend_options[] = {
	{"shmem", CACHE_BACKEND_SHMEM, false},
	{"memcached", CACHE_BACKEND_MEMCACHED, false},
	{NULL, 0, false}
};

static cachebot_pool_listener pool_listener = NULL;

void
cachebot_listen_pool_settings(cachebot_pool_listener listener)
{
	pool_listener = listener;
}

/* The memcached namespace follows these two (see store_memcached.c). */
static void
assign_memcached_servers(const char *newval, void *extra)
{
	if (pool_listener != NULL && !IsUnderPostmaster)
		pool_listener(newval, cachebot_prefix);
}

static void
assign_prefix(const char *newval, void *extra)
{
	if (pool_listener != NULL && !IsUnderPostmaster)
		pool_listener(cachebot_memcached_servers, newval);
}

void
cachebot_define_gucs(void)
{
	DefineCustomBoolVariable("cachebot.enabled",
							 "Serves and fills cached results of hinted SELECT statements.",
							 NULL,
							 &cachebot_enabled,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomEnumVariable("cachebot.backend",
							 "Where cached results are stored.",
							 "shmem: an embedded shared-memory store sized by cachebot.shmem_size; memcached: the pool in cachebot.memcached_servers.",
							 &cachebot_backend,
							 CACHE_BACKEND_SHMEM,
							 backend_options,
							 PGC_POSTMASTER,
							 0,
							 NULL, NULL, NULL);

	DefineCustomIntVariable("cachebot.ttl",
							"Lifetime of a cached result.",
							NULL,
							&cachebot_ttl,
							30 * 24 * 3600,
							1,
							INT_MAX,
							PGC_SUSET,
							GUC_UNIT_S,
							NULL, NULL, NULL);

	DefineCustomIntVariable("cachebot.fill_wait",
							"How long a statement waits for another session's fill of the entry it missed.",
							"While one session refills an entry, others that miss it wait up to this "
							"long for its result, then run uncached. 0 turns fill leases off.",
							&cachebot_fill_wait,
							1000,
							0,
							60000,
							PGC_USERSET,
							GUC_UNIT_MS,
							NULL, NULL, NULL);

	DefineCustomIntVariable("cachebot.max_statements",
							"Number of statements cachebot.statements keeps statistics for.",
							"Past it, the least used statement's row is dropped.",
							&cachebot_max_statements,
							1000,
							100,
							100000,
							PGC_POSTMASTER,
							0,
							NULL, NULL, NULL);

	DefineCustomBoolVariable("cachebot.log_decisions",
							 "Reports what the cache did for each statement it was asked for.",
							 "A NOTICE per execution: a hit, a miss and whether its result was "
							 "stored, or why it ran uncached. Off, the same messages are DEBUG1.",
							 &cachebot_log_decisions,
							 false,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomIntVariable("cachebot.shmem_size",
							"Size of the embedded shared-memory store.",
							NULL,
							&cachebot_shmem_size,
							64 * 1024,
							1024,
							INT_MAX / 2,
							PGC_POSTMASTER,
							GUC_UNIT_KB,
							NULL, NULL, NULL);

	DefineCustomIntVariable("cachebot.max_entry_size",
							"Results larger than this are not cached.",
							NULL,
							&cachebot_max_entry_size,
							1024,
							1,
							512 * 1024,	/* an entry is built in one allocation */
							PGC_SUSET,
							GUC_UNIT_KB,
							NULL, NULL, NULL);

	DefineCustomBoolVariable("cachebot.strict",
							 "Makes a malformed or unresolvable cache hint an error instead of a warning.",
							 NULL,
							 &cachebot_strict,
							 false,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomBoolVariable("cachebot.cache_all",
							 "Caches every eligible SELECT, without a hint.",
							 "Per table: cachebot.track(t, cache_all => ...). /* nocache */ opts a statement out.",
							 &cachebot_cache_all,
							 false,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomBoolVariable("cachebot.cache_get",
							 "Caches, without a hint, single-table lookups by primary key or unique key.",
							 "Per table: cachebot.track(t, cache_get => ...). /* nocache */ opts a statement out.",
							 &cachebot_cache_get,
							 false,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomBoolVariable("cachebot.auto_track",
							 "Tracks every permanent table the session creates, as cachebot.track() would.",
							 "Ordinary and partitioned tables made by CREATE TABLE, CREATE TABLE AS and SELECT INTO, at the end of the command; not partitions (they follow their root), temporary or unlogged tables, nor tables created by CREATE EXTENSION.",
							 &cachebot_auto_track,
							 false,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomStringVariable("cachebot.memcached_servers",
							   "The memcached pool: comma-separated host:port (consistent hashing across them).",
							   NULL,
							   &cachebot_memcached_servers,
							   "127.0.0.1:11211",
							   PGC_SIGHUP,
							   0,
							   NULL, assign_memcached_servers, NULL);

	DefineCustomStringVariable("cachebot.prefix",
							   "Prepended to every memcached key, so that servers can share one pool.",
							   NULL,
							   &cachebot_prefix,
							   "",
							   PGC_SIGHUP,
							   0,
							   NULL, assign_prefix, NULL);

	DefineCustomIntVariable("cachebot.memcached_timeout",
							"Connect and I/O timeout for memcached.",
							"After a failure the pool is skipped for a second.",
							&cachebot_memcached_timeout,
							50,
							1,
							10000,
							PGC_SIGHUP,
							GUC_UNIT_MS,
							NULL, NULL, NULL);

	MarkGUCPrefixReserved("cachebot");
}
