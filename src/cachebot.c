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

#include "cachebot.h"
#include "catalog_gen.h"
#include "eligibility.h"
#include "executor.h"
#include "planner.h"
#include "stats.h"
#include "store.h"
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
	stats_request();
	store_request();
	catalog_gen_request();
	xact_shmem_request();
	memcached_store_request();
	if (cachebot_backend == CACHE_BACKEND_SHMEM)
		shmem_store_request();
}

static void
cachebot_shmem_startup(void)
{
	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();
	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	stats_startup();
	store_startup();
	catalog_gen_startup();
	xact_shmem_startup();
	memcached_store_startup();
	if (cachebot_backend == CACHE_BACKEND_SHMEM)
		shmem_store_startup();
	LWLockRelease(AddinShmemInitLock);
}

/* A new session: before it parses anything, it is in step with the catalog. */
static void
cachebot_client_authentication(Port *port, int status)
{
	if (prev_client_authentication_hook)
		prev_client_authentication_hook(port, status);
	catalog_gen_backend_start();
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

	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = cachebot_shmem_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = cachebot_shmem_startup;

	prev_client_authentication_hook = ClientAuthentication_hook;
	ClientAuthentication_hook = cachebot_client_authentication;

	/* The key holds what a statement's text resolved to: its query ID. */
	EnableQueryId();

	executor_install_hooks();
	planner_install_hook();
	utility_install_hooks();
	xact_register_callbacks();
	eligibility_init();
}
