/*
 * settings.h
 *		cachebot's settings, and the limits every module shares.
 *
 * The settings are defined once, in _PG_init; every other module only reads
 * them. A module that must react when a setting changes in the postmaster
 * registers a listener here rather than being called by name, so that this
 * file depends on nothing else of cachebot's.
 */
#ifndef CACHEBOT_SETTINGS_H
#define CACHEBOT_SETTINGS_H

#include "postgres.h"

/* The settings (settings.c) */
typedef enum CacheBackend
{
	CACHE_BACKEND_SHMEM = 0,
	CACHE_BACKEND_MEMCACHED = 1
} CacheBackend;

/* Each setting's value: see settings.c for what each one means. */
extern bool cachebot_enabled;
extern int	cachebot_backend;
extern int	cachebot_ttl;			/* seconds */
extern int	cachebot_shmem_size;	/* kB */
extern int	cachebot_max_entry_size;	/* kB */
extern bool cachebot_strict;
extern bool cachebot_cache_all;
extern bool cachebot_cache_get;
extern bool cachebot_auto_track;
extern char *cachebot_memcached_servers;
extern char *cachebot_prefix;
extern int	cachebot_memcached_timeout;	/* ms */
extern int	cachebot_fill_wait;		/* ms */
extern int	cachebot_max_statements;
extern bool cachebot_log_decisions;

/* Defines the settings (from _PG_init). */
extern void cachebot_define_gucs(void);

/*
 * Called, in the postmaster only, when cachebot.memcached_servers or
 * cachebot.prefix takes a new value there (at start and at every reload
 * that changes one). The listener must not raise an ERROR.
 */
typedef void (*cachebot_pool_listener) (const char *servers, const char *prefix);
extern void cachebot_listen_pool_settings(cachebot_pool_listener listener);

/* A stuck "pending" (crashed writer) stops blocking fills after this long. */
#define CACHEBOT_PENDING_EXPIRY_SECS 60

/* Past this many keys in one transaction, a table's keys collapse. */
#define CACHEBOT_MAX_XACT_KEYS 10000

#endif							/* CACHEBOT_SETTINGS_H */
