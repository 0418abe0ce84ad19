/*
 * stats.c
 *		Shared counters behind the cachebot.stats view.
 *
 * Plain atomic adds: no lock is taken, so counting costs the hit path one
 * cache line.
 */
#include "postgres.h"

#include "port/atomics.h"
#include "storage/ipc.h"
#include "storage/shmem.h"

#include "stats.h"

const char *const cachebot_skip_reason_names[SKIP_NREASONS] = {
	[SKIP_NONE] = "none",
	[SKIP_NOT_SELECT] = "not_select",
	[SKIP_UNTRACKED_TABLE] = "untracked_table",
	[SKIP_MUTABLE_FUNCTION] = "mutable_function",
	[SKIP_ISOLATION] = "isolation",
	[SKIP_CURSOR] = "cursor",
	[SKIP_WRITTEN_IN_XACT] = "written_in_xact",
	[SKIP_ROW_SECURITY] = "row_security",
	[SKIP_TOO_LARGE] = "too_large",
	[SKIP_BAD_HINT] = "bad_hint",
	[SKIP_BACKEND_ERROR] = "backend_error",
	[SKIP_PENDING] = "pending_write",
	[SKIP_NESTED] = "nested",
	[SKIP_UNSUPPORTED] = "unsupported_plan",
	[SKIP_RECOVERY] = "recovery",
	[SKIP_TEMPORARY] = "temporary_object",
	[SKIP_SYSTEM_COLUMN] = "system_column",
	[SKIP_RECORD_TYPE] = "record_type",
	[SKIP_CATALOG_CHANGED] = "catalog_changed",
	[SKIP_NO_QUERY_ID] = "no_query_id",
	[SKIP_PARSE_TIME_VALUE] = "parse_time_value",
	[SKIP_FILL_WAIT] = "fill_wait",
};

typedef struct SharedStats
{
	pg_atomic_uint64 counters[STAT_NCOUNTERS];
	pg_atomic_uint64 skips[SKIP_NREASONS];
} SharedStats;

static SharedStats *shared_stats = NULL;

void
cachebot_stats_request(void)
{
	RequestAddinShmemSpace(MAXALIGN(sizeof(SharedStats)));
}

void
cachebot_stats_startup(void)
{
	bool		found;

	shared_stats = ShmemInitStruct("cachebot stats", sizeof(SharedStats), &found);
	if (!found)
	{
		for (int i = 0; i < STAT_NCOUNTERS; i++)
			pg_atomic_init_u64(&shared_stats->counters[i], 0);
		for (int i = 0; i < SKIP_NREASONS; i++)
			pg_atomic_init_u64(&shared_stats->skips[i], 0);
	}
}

void
cachebot_stats_count(StatCounter counter, uint64 n)
{
	if (shared_stats)
		pg_atomic_fetch_add_u64(&shared_stats->counters[counter], n);
}

void
cachebot_stats_count_skip(SkipReason reason)
{
	if (shared_stats)
		pg_atomic_fetch_add_u64(&shared_stats->skips[reason], 1);
}

uint64
cachebot_stats_get(StatCounter counter)
{
	return shared_stats ? pg_atomic_read_u64(&shared_stats->counters[counter]) : 0;
}

uint64
cachebot_stats_get_skip(SkipReason reason)
{
	return shared_stats ? pg_atomic_read_u64(&shared_stats->skips[reason]) : 0;
}

void
cachebot_stats_reset(void)
{
	if (shared_stats == NULL)
		return;
	for (int i = 0; i < STAT_NCOUNTERS; i++)
		pg_atomic_write_u64(&shared_stats->counters[i], 0);
	for (int i = 0; i < SKIP_NREASONS; i++)
		pg_atomic_write_u64(&shared_stats->skips[i], 0);
}
