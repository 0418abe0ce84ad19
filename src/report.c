/*
 * report.c
 *		What the cache did for one execution of a statement it was asked for.
 *
 * One place counts an outcome (the shared counters, the statement's row)
 * and says it, so that what cachebot.stats, cachebot.statements and the
 * messages tell always agree. The messages cost nothing unless someone
 * listens: a DEBUG1 message is built only when a client or the log wants
 * it.
 *
 * A skip the user can fix is told once per session and object (a table, a
 * function), as cachebot's warnings about untracked tables always were: a
 * statement run a million times says it once. cachebot.strict makes it an
 * ERROR every time instead, for explicit hints only (an unhinted statement
 * that cache_all or cache_get would have cached is not an error to run).
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "catalog/catalog.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/regproc.h"

#include "explain.h"
#include "report.h"
#include "settings.h"
#include "statements.h"
#include "stats.h"
#include "tracking.h"

/* Objects told about this session (OIDs), and misspelt hints (text hashes). */
static List *told_tables = NIL;
static List *told_unkeyed = NIL;
static List *told_functions = NIL;
static List *told_lookalikes = NIL;

#define MAX_TOLD 1000

/* Why a skip happened, in a sentence: the DETAIL of its message. */
static const char *const skip_details[SKIP_NREASONS] = {
	[SKIP_NOT_SELECT] = "Only a plain SELECT is cached: not SELECT INTO, FOR UPDATE or SHARE, nor a data-modifying WITH.",
	[SKIP_UNTRACKED_TABLE] = "It reads a table that cachebot does not track.",
	[SKIP_MUTABLE_FUNCTION] = "It calls a function that is not IMMUTABLE.",
	[SKIP_ISOLATION] = "Under REPEATABLE READ or SERIALIZABLE a statement sees its transaction's snapshot, not the latest data.",
	[SKIP_CURSOR] = "A scrollable cursor, or one fetched in part, does not fill the cache.",
	[SKIP_WRITTEN_IN_XACT] = "This transaction wrote to a table it reads, or to the catalog: nobody else sees that yet.",
	[SKIP_ROW_SECURITY] = "A table it reads has row level security.",
	[SKIP_TOO_LARGE] = "Its result is larger than cachebot.max_entry_size, or than the store takes.",
	[SKIP_BAD_HINT] = "Its hint is malformed or does not resolve.",
	[SKIP_BACKEND_ERROR] = "The store did not answer.",
	[SKIP_PENDING] = "A transaction that wrote to a table it reads is committing.",
	[SKIP_NESTED] = "It runs inside another statement or a function.",
	[SKIP_UNSUPPORTED] = "Its plan has a node cachebot does not replay.",
	[SKIP_RECOVERY] = "The server is a standby.",
	[SKIP_TEMPORARY] = "It uses an object private to this session.",
	[SKIP_SYSTEM_COLUMN] = "It reads a system column (ctid, xmin, xmax, cmin or cmax).",
	[SKIP_RECORD_TYPE] = "It returns values of an anonymous record type.",
	[SKIP_CATALOG_CHANGED] = "A schema change committed since it was planned.",
	[SKIP_NO_QUERY_ID] = "compute_query_id is off.",
	[SKIP_PARSE_TIME_VALUE] = "It holds a literal that PostgreSQL turned into a value when it parsed the statement, from the clock ('now', 'today') or from the search path and the catalog ('photo'::regclass).",
	[SKIP_FILL_WAIT] = "Another session's fill of the same entry took longer than cachebot.fill_wait.",
};

static const char *
miss_reason(LookupOutcome why)
{
	switch (why)
	{
		case LOOKUP_STALE:
			return "invalidated";
		case LOOKUP_EXPIRED:
			return "expired";
		case LOOKUP_CORRUPT:
			return "unreadable entry";
		case LOOKUP_FAILED:
			return "store unavailable";
		default:
			return "not cached yet";
	}
}

/* Counts an event in the statement's row. */
static void
count_statement(const CacheDecision *d, StatementEvent event, SkipReason skip,
				uint64 bytes, double fill_ms)
{
	cachebot_statements_count(d->query_id, d->hint_variant, d->text, d->textlen,
							  event, skip, bytes, fill_ms);
}

/* Counts an event in the row of each table the statement reads. */
static void
count_tables(const CacheDecision *d, TableEvent event)
{
	Oid			relids[32];
	int			n = 0;

	for (int i = 0; i < d->deps.n; i++)
		if (d->deps.keys[i].kind == DEP_GENERATION)
		{
			relids[n++] = d->deps.keys[i].relid;
			if (n == lengthof(relids))
			{
				cachebot_statements_count_tables(relids, n, event);
				n = 0;
			}
		}
	if (n > 0)
		cachebot_statements_count_tables(relids, n, event);
}

static int
decision_level(void)
{
	return cachebot_log_decisions ? NOTICE : DEBUG1;
}

const char *
cachebot_report_skip_text(const CacheDecision *d)
{
	if (d->skip == SKIP_BAD_HINT)
		return psprintf("not cached: bad_hint (%s)", cachebot_bad_hint_reason(d));
	return psprintf("not cached: %s", cachebot_skip_reason_names[d->skip]);
}

const char *
cachebot_report_would(LookupOutcome outcome, bool pending)
{
	if (outcome == LOOKUP_HIT)
		return "would hit";
	if (pending)
		return psprintf("would miss (%s) and run uncached: %s", miss_reason(outcome),
						cachebot_skip_reason_names[SKIP_PENDING]);
	return psprintf("would miss (%s)", miss_reason(outcome));
}

void
cachebot_report_hit(const CacheDecision *d)
{
	int			level = decision_level();

	cachebot_stats_count(STAT_HITS, 1);
	count_statement(d, STMT_HIT, SKIP_NONE, 0, 0);
	count_tables(d, TABLE_HIT);
	if (cachebot_explaining())
		cachebot_explain_note(d, "hit");
	if (message_level_is_interesting(level))
		ereport(level, (errmsg("cachebot: hit")));
}

void
cachebot_report_miss(const CacheDecision *d, LookupOutcome why)
{
	cachebot_stats_count(STAT_MISSES, 1);
	count_statement(d, why == LOOKUP_STALE ? STMT_MISS_STALE : STMT_MISS, SKIP_NONE, 0, 0);
	count_tables(d, TABLE_MISS);
	if (cachebot_explaining())
		cachebot_explain_note(d, psprintf("miss (%s)", miss_reason(why)));
}

void
cachebot_report_stored(const CacheDecision *d, LookupOutcome why, Size bytes, double fill_ms)
{
	int			level = decision_level();

	cachebot_stats_count(STAT_FILLS, 1);
	cachebot_stats_count(STAT_BYTES_FILLED, bytes);
	count_statement(d, STMT_FILL, SKIP_NONE, bytes, fill_ms);
	if (cachebot_explaining())
		cachebot_explain_note(d, psprintf("miss (%s), result stored", miss_reason(why)));
	if (message_level_is_interesting(level))
		ereport(level, (errmsg("cachebot: miss (%s), result stored", miss_reason(why))));
}

void
cachebot_report_not_stored(const CacheDecision *d, LookupOutcome why, SkipReason skip)
{
	int			level = decision_level();

	cachebot_stats_count_skip(skip);
	count_statement(d, STMT_SKIP, skip, 0, 0);
	if (cachebot_explaining())
		cachebot_explain_note(d, psprintf("miss (%s), result not stored: %s", miss_reason(why),
										  cachebot_skip_reason_names[skip]));
	if (message_level_is_interesting(level))
		ereport(level,
				(errmsg("cachebot: miss (%s), result not stored: %s",
						miss_reason(why), cachebot_skip_reason_names[skip]),
				 skip_details[skip] ? errdetail("%s", skip_details[skip]) : 0));
}

/* Remembers oid in *told (false if it was there already). */
static bool
first_time(List **told, Oid oid)
{
	MemoryContext old;

	if (list_member_oid(*told, oid))
		return false;
	if (list_length(*told) < MAX_TOLD)
	{
		old = MemoryContextSwitchTo(TopMemoryContext);
		*told = lappend_oid(*told, oid);
		MemoryContextSwitchTo(old);
	}
	return true;
}

/* The hint's own problem: a WARNING every time, an ERROR under strict. */
static void
report_bad_hint(const CacheDecision *d)
{
	int			level = cachebot_strict ? ERROR : WARNING;

	if (d->bad_column == NULL)
		ereport(level,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("malformed cachebot hint"),
				 errdetail("%s", d->hint.problem),
				 errhint("Write /* cache */, /* cache(column, table.column, ...; ttl = 60s) */ or /* nocache */.")));
	else if (d->bad_column == d->unkeyed_column)
		ereport(level,
				(errcode(ERRCODE_INVALID_COLUMN_REFERENCE),
				 errmsg("cachebot hint column \"%s\" is not a keyed column of table \"%s\"",
						d->bad_column, get_rel_name(d->unkeyed_relid)),
				 level == WARNING ? errdetail("The statement runs without the cache.") : 0,
				 errhint("Key it: SELECT cachebot.track(%s, columns => ...) with the column listed.",
						 cachebot_tracking_name_literal(d->unkeyed_relid))));
	else if (d->bad_column_ambiguous)
		ereport(level,
				(errcode(ERRCODE_AMBIGUOUS_COLUMN),
				 errmsg("cachebot hint column reference \"%s\" is ambiguous", d->bad_column),
				 level == WARNING ? errdetail("The statement runs without the cache.") : 0,
				 errhint("Qualify the column with its table's name or alias.")));
	else
		ereport(level,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("cachebot hint column \"%s\" is not a column of a tracked table the statement reads",
						d->bad_column),
				 level == WARNING ? errdetail("The statement runs without the cache.") : 0,
				 errhint("Name a keyed column of a table in the statement's FROM clause.")));
}

/* A table that is not tracked: NOTICE once per table, ERROR under strict. */
static bool
report_untracked(const CacheDecision *d)
{
	char	   *name;
	char	   *literal;
	int			level = cachebot_strict ? ERROR : NOTICE;

	if (!OidIsValid(d->skip_relid))
		return false;
	if (level == NOTICE && !cachebot_log_decisions && !first_time(&told_tables, d->skip_relid))
		return false;
	name = get_rel_name(d->skip_relid);
	literal = cachebot_tracking_name_literal(d->skip_relid);
	if (name == NULL || literal == NULL)
		return false;			/* dropped meanwhile */
	if (get_rel_relispartition(d->skip_relid))
		ereport(level,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cachebot does not track table \"%s\"", name),
				 errdetail("Statements that read it run without the cache."),
				 errhint("It is a partition: track its partitioned table, and its partitions follow.")));
	else if (!((get_rel_relkind(d->skip_relid) == RELKIND_RELATION ||
				get_rel_relkind(d->skip_relid) == RELKIND_PARTITIONED_TABLE) &&
			   get_rel_persistence(d->skip_relid) == RELPERSISTENCE_PERMANENT &&
			   !IsCatalogRelationOid(d->skip_relid)))
		ereport(level,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cachebot cannot track \"%s\"", name),
				 errdetail("cachebot tracks permanent ordinary and partitioned tables, not materialized views, unlogged tables or system catalogs: statements that read it run without the cache.")));
	else
		ereport(level,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cachebot does not track table \"%s\"", name),
				 errdetail("Statements that read it run without the cache."),
				 errhint("Run SELECT cachebot.track(%s);", literal)));
	return true;
}

/*
 * A function that is not IMMUTABLE (or a value such as CURRENT_TIMESTAMP):
 * NOTICE once per function, ERROR under strict.
 */
static bool
report_mutable(const CacheDecision *d)
{
	int			level = cachebot_strict ? ERROR : NOTICE;

	if (level == NOTICE && !cachebot_log_decisions &&
		!first_time(&told_functions, d->skip_funcid))
		return false;
	if (OidIsValid(d->skip_cast_to))
		ereport(level,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cachebot does not cache a statement that casts %s to %s",
						d->skip_cast_from == CSTRINGOID || d->skip_cast_from == UNKNOWNOID ?
						"a value" : format_type_be(d->skip_cast_from),
						format_type_be(d->skip_cast_to)),
				 errdetail("%s is not IMMUTABLE: what the value reads as may change while the tables do not.",
						   format_procedure(d->skip_funcid)),
				 errhint("Write the value as a constant of the type, or pass it as a parameter.")));
	else if (OidIsValid(d->skip_funcid))
		ereport(level,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cachebot does not cache a statement that calls %s",
						format_procedure(d->skip_funcid)),
				 errdetail("The function is not IMMUTABLE (or renders values as settings say): its result may change while the tables it reads do not."),
				 errhint("Compute the value in the application and pass it as a constant or a parameter.")));
	else
		ereport(level,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cachebot does not cache a statement that reads the time, the session or a sequence"),
				 errdetail("CURRENT_TIMESTAMP, CURRENT_USER, nextval() and their kind change while the tables do not."),
				 errhint("Compute the value in the application and pass it as a constant or a parameter.")));
	return true;
}

void
cachebot_report_skip(const CacheDecision *d)
{
	int			level = decision_level();
	bool		told = false;

	cachebot_stats_count_skip(d->skip);
	count_statement(d, STMT_SKIP, d->skip, 0, 0);
	if (cachebot_explaining())
		cachebot_explain_note(d, cachebot_report_skip_text(d));

	/* What the user can fix, told in its own words (an ERROR under strict). */
	if (d->skip == SKIP_BAD_HINT)
	{
		report_bad_hint(d);
		told = true;
	}
	else if (d->skip == SKIP_UNTRACKED_TABLE && !d->implicit)
		told = report_untracked(d);
	else if (d->skip == SKIP_MUTABLE_FUNCTION && !d->implicit)
		told = report_mutable(d);

	if (!told && message_level_is_interesting(level))
		ereport(level,
				(errmsg("cachebot: not cached: %s", cachebot_skip_reason_names[d->skip]),
				 skip_details[d->skip] ? errdetail("%s", skip_details[d->skip]) : 0));
}

void
cachebot_report_unkeyed(const CacheDecision *d)
{
	char	   *name;

	if (d->unkeyed_column == NULL || cachebot_strict)
		return;					/* (under strict, a bad hint: told as one) */
	if (!cachebot_log_decisions && !first_time(&told_unkeyed, d->unkeyed_relid))
		return;
	name = get_rel_name(d->unkeyed_relid);
	if (name == NULL)
		return;
	ereport(NOTICE,
			(errcode(ERRCODE_WARNING),
			 errmsg("cachebot hint column \"%s\" is not a keyed column of table \"%s\"",
					d->unkeyed_column, name),
			 errdetail("The statement is cached, and every write to the table invalidates it."),
			 errhint("Key it: SELECT cachebot.track(%s, columns => ...) with the column listed.",
					 cachebot_tracking_name_literal(d->unkeyed_relid))));
}

void
cachebot_report_lookalike(const CacheDecision *d)
{
	uint32		h;

	if (d->hint.lookalike == NULL)
		return;
	h = hash_bytes((const unsigned char *) d->hint.lookalike, d->hint.lookalike_len);
	if (!first_time(&told_lookalikes, (Oid) h))
		return;
	ereport(WARNING,
			(errcode(ERRCODE_WARNING),
			 errmsg("comment /* %.*s */ is not a cachebot hint", d->hint.lookalike_len,
					d->hint.lookalike),
			 errdetail("The statement runs as if it had no hint."),
			 errhint("Write /* cache */, /* cache(column, ...; ttl = 60s) */ or /* nocache */; "
					 "reword the comment if it is not meant as one.")));
}
