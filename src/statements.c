/*
 * statements.c
 *		Per-statement statistics behind the cachebot.statements view.
 *
 * A shared hash table keyed by (database, role, query ID), as
 * pg_stat_statements keys its own, so that statements differing only in
 * their constants share a row; and by the hint, whose columns and TTL make
 * different entries of one query. Its size is fixed at server start
 * (cachebot.max_statements). The table's LWLock is taken shared to count
 * (each row has a spinlock for its counters) and exclusive only to add or
 * remove rows. A full table drops its least used twentieth (fewest
 * executions counted) to make room: two scans of the table under the
 * exclusive lock, which allocate nothing, once per twentieth of new rows.
 *
 * The text kept is the statement's as first seen, constants included, cut
 * at STATEMENT_TEXT_MAX bytes.
 *
 * A tracked table's row (cachebot.tables) lives in the same table, keyed by
 * (database, table): the same bound, the same eviction, one lock.
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "common/string.h"
#include "mb/pg_wchar.h"
#include "port/pg_bitutils.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "storage/spin.h"
#include "utils/hsearch.h"
#include "utils/timestamp.h"

#include "settings.h"
#include "statements.h"

#define STATEMENT_TEXT_MAX 1024

typedef struct StatementKey
{
	Oid			dbid;
	Oid			userid;			/* InvalidOid for a table */
	uint64		query_id;		/* a table's: its OID */
	uint64		variant;		/* which hint: see report.c */
	uint32		is_table;
	uint32		unused;			/* zero: keys compare as bytes */
} StatementKey;

typedef struct StatementEntry
{
	StatementKey key;			/* must be first: the hash key */
	slock_t		mutex;			/* protects the counters */
	StatementCounters c;
	int			encoding;		/* the text's: its database's */
	int			textlen;
	char		text[STATEMENT_TEXT_MAX];
} StatementEntry;

static LWLock *statements_lock = NULL;
static HTAB *statements = NULL;

void
cachebot_statements_request(void)
{
	RequestAddinShmemSpace(hash_estimate_size(cachebot_max_statements, sizeof(StatementEntry)));
	RequestNamedLWLockTranche("cachebot statements", 1);
}

void
cachebot_statements_startup(void)
{
	HASHCTL		info;

	statements_lock = &(GetNamedLWLockTranche("cachebot statements"))->lock;
	info.keysize = sizeof(StatementKey);
	info.entrysize = sizeof(StatementEntry);
	statements = ShmemInitHash("cachebot statements", cachebot_max_statements,
							   cachebot_max_statements, &info, HASH_ELEM | HASH_BLOBS);
}

static int64
usage(StatementEntry *e)
{
	return e->c.hits + e->c.misses + e->c.skips + e->c.invalidations;
}

/* Rows of usage u go in histogram bucket usage_bucket(u): powers of two. */
static int
usage_bucket(int64 u)
{
	return u <= 0 ? 0 : Min(pg_leftmost_one_pos64((uint64) u) + 1, 63);
}

/*
 * With the lock held exclusive: drops the least used twentieth of the rows,
 * so that a full table scans itself once per twentieth of new rows, not once
 * per row. Two passes, nothing allocated: the first counts the rows per
 * power of two of their usage, the second drops those below the bucket
 * that reaches a twentieth, and enough of that bucket.
 */
static void
drop_least_used(void)
{
	HASH_SEQ_STATUS seq;
	StatementEntry *e;
	long		counts[64] = {0};
	long		want = Max(hash_get_num_entries(statements) / 20, 1);
	long		below = 0;
	long		in_last;
	int			last = 0;

	hash_seq_init(&seq, statements);
	while ((e = hash_seq_search(&seq)) != NULL)
		counts[usage_bucket(usage(e))]++;
	while (last < 63 && below + counts[last] < want)
		below += counts[last++];
	in_last = want - below;

	hash_seq_init(&seq, statements);
	while ((e = hash_seq_search(&seq)) != NULL)
	{
		int			b = usage_bucket(usage(e));

		if (b < last || (b == last && in_last-- > 0))
			hash_search(statements, &e->key, HASH_REMOVE, NULL);
	}
}

/* With the lock held exclusive: the row of key, added if need be, or NULL. */
static StatementEntry *
add_row(const StatementKey *key, const char *text, int textlen)
{
	StatementEntry *e;
	bool		found;

	if (hash_get_num_entries(statements) >= cachebot_max_statements)
		drop_least_used();
	e = hash_search(statements, key, HASH_ENTER_NULL, &found);
	if (e == NULL || found)
		return e;
	memset(&e->c, 0, sizeof(e->c));
	SpinLockInit(&e->mutex);
	textlen = text != NULL ? Max(textlen, 0) : 0;
	if (textlen > STATEMENT_TEXT_MAX)
		textlen = pg_mbcliplen(text, textlen, STATEMENT_TEXT_MAX);
	if (textlen > 0)
		memcpy(e->text, text, textlen);
	e->textlen = textlen;
	e->encoding = GetDatabaseEncoding();
	return e;
}

/*
 * The row of key, added if need be, with the lock held (shared, or exclusive
 * if it was added); NULL, with the lock released, if there is no room.
 */
static StatementEntry *
find_row(const StatementKey *key, const char *text, int textlen)
{
	StatementEntry *e;

	LWLockAcquire(statements_lock, LW_SHARED);
	e = hash_search(statements, key, HASH_FIND, NULL);
	if (e == NULL)
	{
		LWLockRelease(statements_lock);
		LWLockAcquire(statements_lock, LW_EXCLUSIVE);
		e = add_row(key, text, textlen);
		if (e == NULL)
			LWLockRelease(statements_lock);
	}
	return e;
}

static void
count_table_row(StatementEntry *e, TableEvent event, TimestampTz now)
{
	SpinLockAcquire(&e->mutex);
	switch (event)
	{
		case TABLE_HIT:
			e->c.hits++;
			break;
		case TABLE_MISS:
			e->c.misses++;
			break;
		case TABLE_INVALIDATED:
			e->c.invalidations++;
			e->c.last_invalidation = now;
			break;
	}
	SpinLockRelease(&e->mutex);
}

static void
table_key(StatementKey *key, Oid relid)
{
	memset(key, 0, sizeof(*key));
	key->dbid = MyDatabaseId;
	key->query_id = relid;
	key->is_table = 1;
}

void
cachebot_statements_count_tables(const Oid *relids, int n, TableEvent event)
{
	TimestampTz now = event == TABLE_INVALIDATED ? GetCurrentTimestamp() : 0;
	StatementKey key;
	StatementEntry *e;
	int			i;

	if (statements == NULL)
		return;
	/* Up to the first table without a row: counted under one shared lock. */
	LWLockAcquire(statements_lock, LW_SHARED);
	for (i = 0; i < n; i++)
	{
		if (!OidIsValid(relids[i]))
			continue;
		table_key(&key, relids[i]);
		if ((e = hash_search(statements, &key, HASH_FIND, NULL)) == NULL)
			break;
		count_table_row(e, event, now);
	}
	LWLockRelease(statements_lock);

	/* From there (a table's first event), each row found or added on its own. */
	for (; i < n; i++)
	{
		if (!OidIsValid(relids[i]))
			continue;
		table_key(&key, relids[i]);
		if ((e = find_row(&key, NULL, 0)) == NULL)
			continue;
		count_table_row(e, event, now);
		LWLockRelease(statements_lock);
	}
}

void
cachebot_statements_count(uint64 query_id, uint64 variant, const char *text, int textlen,
						  StatementEvent event, SkipReason skip,
						  uint64 bytes, double fill_ms)
{
	StatementKey key;
	StatementEntry *e;
	TimestampTz now = 0;

	if (statements == NULL || query_id == 0)
		return;
	memset(&key, 0, sizeof(key));
	key.dbid = MyDatabaseId;
	key.userid = GetUserId();
	key.query_id = query_id;
	key.variant = variant;
	if (event == STMT_FILL || event == STMT_MISS_STALE)
		now = GetCurrentTimestamp();

	if ((e = find_row(&key, text, textlen)) == NULL)
		return;
	SpinLockAcquire(&e->mutex);
	switch (event)
	{
		case STMT_HIT:
			e->c.hits++;
			break;
		case STMT_MISS_STALE:
			e->c.stale_misses++;
			e->c.last_invalidation = now;
			/* FALLTHROUGH */
		case STMT_MISS:
			e->c.misses++;
			break;
		case STMT_FILL:
			e->c.fills++;
			e->c.bytes_stored += bytes;
			e->c.fill_ms_total += fill_ms;
			e->c.last_fill = now;
			break;
		case STMT_SKIP:
			e->c.skips++;
			if (skip > SKIP_NONE && skip < SKIP_NREASONS)
				e->c.skips_by_reason[skip]++;
			break;
	}
	SpinLockRelease(&e->mutex);
	LWLockRelease(statements_lock);
}

/*
 * A row's text in this database's encoding: another database's may have
 * another. NULL if it has no equivalent here (checked, not raised).
 */
static char *
text_in_server_encoding(const StatementEntry *c)
{
	int			to = GetDatabaseEncoding();
	char	   *text = pnstrdup(c->text, c->textlen);
	char	   *converted;
	Oid			proc;

	if (c->encoding == to || to == PG_SQL_ASCII || pg_is_ascii(text))
		return text;
	if (c->encoding == PG_SQL_ASCII)
		return pg_verify_mbstr(to, text, c->textlen, true) ? text : NULL;
	proc = FindDefaultConversionProc(c->encoding, to);
	if (!OidIsValid(proc))
		return NULL;
	converted = palloc((Size) c->textlen * MAX_CONVERSION_GROWTH + 1);
	if (pg_do_encoding_conversion_buf(proc, c->encoding, to, (unsigned char *) text,
									  c->textlen, (unsigned char *) converted,
									  c->textlen * MAX_CONVERSION_GROWTH + 1, true) < c->textlen)
		return NULL;			/* a character with no equivalent */
	return converted;
}

StatementRow *
cachebot_statements_read(bool tables, int *n)
{
	HASH_SEQ_STATUS seq;
	StatementEntry *e;
	StatementEntry *copies;
	StatementRow *rows;
	long		capacity;
	int			count = 0;

	*n = 0;
	if (statements == NULL)
		return NULL;
	/* Allocated before the lock is taken: rows added meanwhile are left out. */
	LWLockAcquire(statements_lock, LW_SHARED);
	capacity = hash_get_num_entries(statements);
	LWLockRelease(statements_lock);
	copies = palloc(Max(capacity, 1) * sizeof(StatementEntry));

	LWLockAcquire(statements_lock, LW_SHARED);
	hash_seq_init(&seq, statements);
	while ((e = hash_seq_search(&seq)) != NULL)
	{
		if (count >= capacity)
		{
			hash_seq_term(&seq);
			break;
		}
		if ((e->key.is_table != 0) != tables || (tables && e->key.dbid != MyDatabaseId))
			continue;
		SpinLockAcquire(&e->mutex);
		memcpy(&copies[count], e, sizeof(StatementEntry));
		SpinLockRelease(&e->mutex);
		count++;
	}
	LWLockRelease(statements_lock);

	rows = palloc0(Max(count, 1) * sizeof(StatementRow));
	for (int i = 0; i < count; i++)
	{
		StatementEntry *c = &copies[i];
		StatementRow *r = &rows[i];

		r->dbid = c->key.dbid;
		r->userid = c->key.userid;
		r->query_id = c->key.query_id;
		r->query = text_in_server_encoding(c);
		r->counters = c->c;
	}
	pfree(copies);
	*n = count;
	return rows;
}

void
cachebot_statements_reset(Oid dbid)
{
	HASH_SEQ_STATUS seq;
	StatementEntry *e;

	if (statements == NULL)
		return;
	LWLockAcquire(statements_lock, LW_EXCLUSIVE);
	hash_seq_init(&seq, statements);
	while ((e = hash_seq_search(&seq)) != NULL)
		if (!OidIsValid(dbid) || e->key.dbid == dbid)
			hash_search(statements, &e->key, HASH_REMOVE, NULL);
	LWLockRelease(statements_lock);
}
