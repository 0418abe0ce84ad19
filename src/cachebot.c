/*
 * cachebot.c
 *		Module entry point: settings, shared memory, hooks.
 */
#include "postgres.h"

#include "fmgr.h"
#include "libpq/auth.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "utils/queryjumble.h"

#include "settings.h"
#include "catalog_gen.h"
#include "filled_texts.h"
#include "committing.h"
#include "eligibility.h"
#include "executor.h"
#include "explain.h"
#include "planner.h"
#include "replay.h"
#include "statements.h"
#include "stats.h"
#include "store.h"
#include "store_memcached.h"
#include "store_shmem.h"
#include "utility.h"
#include "xact.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

static shmem_request_hook_type prev_shmem_request_hook = NULL;
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;
static ClientAuthentication_hook_type prev_client_authentication_hook = NULL;

static void
cachebot_shmem_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
	cachebot_stats_request();
	cachebot_statements_request();
	cachebot_store_request();
	cachebot_catalog_gen_request();
	cachebot_filled_texts_request();
	cachebot_committing_request();
	cachebot_xact_shmem_request();
}

static void
cachebot_shmem_startup(void)
{
	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();
	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	cachebot_stats_startup();
	cachebot_statements_startup();
	cachebot_store_startup();
	cachebot_catalog_gen_startup();
	cachebot_filled_texts_startup();
	cachebot_committing_startup();
	cachebot_xact_shmem_startup();
	LWLockRelease(AddinShmemInitLock);
}

/* A new session: before it parses anything, it is in step with the catalog. */
static void
cachebot_client_authentication(Port *port, int status)
{
	if (prev_client_authentication_hook)
		prev_client_authentication_hook(port, status);
	cachebot_catalog_gen_backend_start();
}

void
_PG_init(void)
{
	if (!process_shared_preload_libraries_in_progress)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cachebot must be loaded via shared_preload_libraries"),
				 errhint("Add cachebot to shared_preload_libraries in postgresql.conf and restart the server.")));

	cachebot_define_gucs();
	cachebot_store_register(CACHE_BACKEND_SHMEM, &cachebot_shmem_store);
	cachebot_store_register(CACHE_BACKEND_MEMCACHED, &cachebot_memcached_store);

	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = cachebot_shmem_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = cachebot_shmem_startup;

	prev_client_authentication_hook = ClientAuthentication_hook;
	ClientAuthentication_hook = cachebot_client_authentication;

	/* The key holds what a statement's text resolved to: its query ID. */
	EnableQueryId();

	cachebot_executor_install_hooks();
	cachebot_explain_install_hook();
	cachebot_planner_install_hook();
	cachebot_replay_register();
	cachebot_utility_install_hooks();
	cachebot_xact_register_callbacks();
	cachebot_eligibility_init();
}
