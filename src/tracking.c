/*
 * tracking.c
 *		Which tables are tracked, and how.
 *
 * What a relation's trigger says is cached per relation (its keyed column
 * names resolved to numbers, a partition's root found among its ancestors)
 * and forgotten whenever PostgreSQL invalidates the relation, which every
 * change of its triggers, columns or partition bounds does.
 */
#include "postgres.h"

#include <limits.h>

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relation.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/catalog.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/pg_namespace.h"
#include "commands/extension.h"
#include "catalog/partition.h"
#include "catalog/pg_language.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "parser/parse_func.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "settings.h"
#include "tracking.h"

#define ROW_TRIGGER_NAME "cachebot_invalidate"
#define TRUNCATE_TRIGGER_NAME "cachebot_truncate"

/* OID of cachebot._invalidate_trigger(), or InvalidOid if not installed. */
static Oid	trigger_fn_oid = InvalidOid;
static bool trigger_fn_known = false;

/* -1: unknown; else whether a table sets cache_all or cache_get on */
static int	any_implicit = -1;

typedef struct KnownRelation
{
	Oid			relid;			/* hash key */
	bool		tracked;
	TrackInfo	info;
} KnownRelation;

static HTAB *known_relations = NULL;

static void
forget_trigger_fn(Datum arg, int cacheid, uint32 hashvalue)
{
	trigger_fn_known = false;
	any_implicit = -1;
	if (known_relations != NULL)
	{
		hash_destroy(known_relations);
		known_relations = NULL;
	}
}

static void
forget_relation(Datum arg, Oid relid)
{
	any_implicit = -1;
	if (known_relations == NULL)
		return;
	if (OidIsValid(relid))
		hash_search(known_relations, &relid, HASH_REMOVE, NULL);
	else
	{
		hash_destroy(known_relations);
		known_relations = NULL;
	}
}

void
cachebot_tracking_init(void)
{
	CacheRegisterSyscacheCallback(PROCOID, forget_trigger_fn, (Datum) 0);
	CacheRegisterRelcacheCallback(forget_relation, (Datum) 0);
}

/*
 * Is fn cachebot's trigger function, and not a look-alike that someone
 * with CREATE on a database made in a schema named cachebot? Only a
 * superuser can make a C function, so pointing at our symbol is proof.
 */
static bool
is_our_trigger_function(Oid fn)
{
	HeapTuple	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(fn));
	bool		ours = false;

	if (HeapTupleIsValid(tup))
	{
		bool		isnull;
		Datum		src = SysCacheGetAttr(PROCOID, tup, Anum_pg_proc_prosrc, &isnull);

		ours = ((Form_pg_proc) GETSTRUCT(tup))->prolang == ClanguageId && !isnull &&
			strcmp(TextDatumGetCString(src), "cachebot_invalidate_trigger") == 0;
		ReleaseSysCache(tup);
	}
	return ours;
}

static Oid
trigger_function(void)
{
	if (!trigger_fn_known)
	{
		/* No ACL check: reading a table must not need USAGE on our schema. */
		Oid			nsp = get_namespace_oid("cachebot", true);

		trigger_fn_oid = !OidIsValid(nsp) ? InvalidOid :
			GetSysCacheOid3(PROCNAMEARGSNSP, Anum_pg_proc_oid,
							CStringGetDatum("_invalidate_trigger"),
							PointerGetDatum(buildoidvector(NULL, 0)),
							ObjectIdGetDatum(nsp));
		if (OidIsValid(trigger_fn_oid) && !is_our_trigger_function(trigger_fn_oid))
			trigger_fn_oid = InvalidOid;
		trigger_fn_known = true;
	}
	return trigger_fn_oid;
}

char *
cachebot_tracking_name_literal(Oid relid)
{
	char	   *name = get_rel_name(relid);
	char	   *nsp = name ? get_namespace_name(get_rel_namespace(relid)) : NULL;

	return nsp ? quote_literal_cstr(quote_qualified_identifier(nsp, name)) : NULL;
}

/* ---- the trigger arguments: this is the one place that reads or writes them ---- */

/*
 * The options argument: "cache_all=<t|f|>;cache_get=<t|f|>;ttl=<seconds|>"
 * (ttl= absent, as track() wrote it before it took a TTL: none).
 */
#define OPTIONS_FORMAT "cache_all=%s;cache_get=%s;ttl=%s"

static const char *
encode_flag(int8 flag)
{
	return flag < 0 ? "" : flag ? "t" : "f";
}

static int8
decode_flag(const char *options, const char *name)
{
	const char *p = strstr(options, name);

	if (p == NULL)
		return -1;
	p += strlen(name);
	if (*p == 't')
		return 1;
	if (*p == 'f')
		return 0;
	return -1;
}

/* A positive number of seconds after name, or 0. */
static int
decode_seconds(const char *options, const char *name)
{
	const char *p = strstr(options, name);
	int64		seconds = 0;

	if (p == NULL)
		return 0;
	for (p += strlen(name); *p >= '0' && *p <= '9' && seconds <= INT_MAX; p++)
		seconds = seconds * 10 + (*p - '0');
	return seconds <= INT_MAX ? (int) seconds : 0;
}

/* The arguments of a trigger track() made, decoded (pointing into args). */
typedef struct TrackArgs
{
	TrackOptions options;
	int			nkeyed;
	char	  **keyed;			/* column names */
} TrackArgs;

/* False if args are not in the format track() writes. */
static bool
decode_args(int nargs, char **args, TrackArgs *out)
{
	if (nargs < 2 || strcmp(args[0], TRACK_ARGS_FORMAT) != 0)
		return false;
	out->options.cache_all = decode_flag(args[1], "cache_all=");
	out->options.cache_get = decode_flag(args[1], "cache_get=");
	out->options.ttl = decode_seconds(args[1], "ttl=");
	out->nkeyed = Min(nargs - 2, TRACK_MAX_KEYED);
	out->keyed = args + 2;
	return true;
}

/* The arguments of CREATE TRIGGER, as SQL literals separated by commas. */
static char *
encode_args(const TrackOptions *options, List *keyed_names)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	appendStringInfo(&buf, "%s, %s", quote_literal_cstr(TRACK_ARGS_FORMAT),
					 quote_literal_cstr(psprintf(OPTIONS_FORMAT, encode_flag(options->cache_all),
												 encode_flag(options->cache_get),
												 options->ttl > 0 ? psprintf("%d", options->ttl) : "")));
	foreach(lc, keyed_names)
		appendStringInfo(&buf, ", %s", quote_literal_cstr(lfirst(lc)));
	return buf.data;
}

/* pg_trigger.tgargs (its arguments, each ended by a zero byte), split. */
static int
split_tgargs(bytea *tgargs, char ***args)
{
	char	   *p = VARDATA_ANY(tgargs);
	char	   *end = p + VARSIZE_ANY_EXHDR(tgargs);
	int			n = 0;

	*args = palloc((VARSIZE_ANY_EXHDR(tgargs) + 1) * sizeof(char *));
	while (p < end)
	{
		Size		len = strnlen(p, end - p);

		(*args)[n++] = pnstrdup(p, len);
		p += len + 1;
	}
	return n;
}

bool
cachebot_tracking_decode_tgargs(bytea *tgargs, List **keyed_names, TrackOptions *options)
{
	char	  **args;
	int			nargs = split_tgargs(tgargs, &args);
	TrackArgs	decoded;

	if (!decode_args(nargs, args, &decoded))
		return false;
	*keyed_names = NIL;
	for (int i = 0; i < decoded.nkeyed; i++)
		if (decoded.keyed[i][0] != '\0')
			*keyed_names = lappend(*keyed_names, decoded.keyed[i]);
	*options = decoded.options;
	return true;
}

/* Keyed columns named in args, as numbered in rel. */
static void
resolve_keyed(Relation rel, const TrackArgs *args, TrackInfo *info)
{
	TupleDesc	desc = RelationGetDescr(rel);

	info->nkeyed = 0;
	for (int i = 0; i < args->nkeyed; i++)
		for (int a = 0; a < desc->natts; a++)
		{
			Form_pg_attribute att = TupleDescAttr(desc, a);

			if (!att->attisdropped && strcmp(NameStr(att->attname), args->keyed[i]) == 0)
			{
				info->keyed[info->nkeyed++] = att->attnum;
				break;
			}
		}
}

/* cachebot's row trigger on rel: the one a tracked table must carry. */
static Trigger *
row_trigger(Relation rel)
{
	/* Looked up first: a catalog read may rebuild rel, and free its trigdesc. */
	Oid			fn = trigger_function();
	TriggerDesc *td = rel->trigdesc;

	if (td == NULL || !OidIsValid(fn))
		return NULL;
	for (int i = 0; i < td->numtriggers; i++)
	{
		Trigger    *t = &td->triggers[i];

		if (t->tgfoid == fn && TRIGGER_FOR_ROW(t->tgtype))
			return t;
	}
	return NULL;
}

/* Does t see every row write, in every session? */
static bool
sees_every_write(const Trigger *t)
{
	return TRIGGER_FOR_AFTER(t->tgtype) &&
		TRIGGER_FOR_INSERT(t->tgtype) && TRIGGER_FOR_UPDATE(t->tgtype) &&
		TRIGGER_FOR_DELETE(t->tgtype) &&
		t->tgenabled == TRIGGER_FIRES_ALWAYS &&
		t->tgqual == NULL && t->tgnattr == 0 && !OidIsValid(t->tgconstraint);
}

/*
 * The tracked table a partition's cloned trigger comes from: the nearest
 * ancestor whose own (not cloned) trigger it is.
 */
static Oid
partition_root(Relation rel)
{
	List	   *ancestors = get_partition_ancestors(RelationGetRelid(rel));
	ListCell   *lc;
	Oid			root = InvalidOid;

	foreach(lc, ancestors)
	{
		/*
		 * Not locked: a concurrent DETACH may remove it, which the NULL check
		 * covers, and the relcache invalidation it sends recomputes this.
		 */
		Relation	ancestor = RelationIdGetRelation(lfirst_oid(lc));
		Trigger    *t;

		if (!RelationIsValid(ancestor))
			break;
		t = row_trigger(ancestor);
		if (t != NULL && !t->tgisclone)
			root = RelationGetRelid(ancestor);
		RelationClose(ancestor);
		if (OidIsValid(root) || t == NULL)
			break;
	}
	list_free(ancestors);
	return root;
}

static bool
compute_tracking(Relation rel, TrackInfo *info)
{
	Trigger    *t = row_trigger(rel);
	TrackArgs	args;

	if (t == NULL || !sees_every_write(t) || !decode_args(t->tgnargs, t->tgargs, &args))
		return false;
	info->cache_all = args.options.cache_all;
	info->cache_get = args.options.cache_get;
	info->ttl = args.options.ttl;
	info->nkeyed = 0;
	if (!t->tgisclone)
	{
		info->root = RelationGetRelid(rel);
		resolve_keyed(rel, &args, info);
		return true;
	}

	/*
	 * A partition's columns need not be numbered like its root's: its writes
	 * bump (root, *) only, which is what readers of partitions depend on.
	 */
	info->root = partition_root(rel);
	return OidIsValid(info->root);
}

bool
cachebot_tracking_lookup(Relation rel, TrackInfo *info)
{
	Oid			relid = RelationGetRelid(rel);
	KnownRelation *known;
	bool		found;

	if (rel->trigdesc == NULL)
		return false;			/* the common case for untracked tables */
	if (known_relations == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(Oid);
		ctl.entrysize = sizeof(KnownRelation);
		ctl.hcxt = CacheMemoryContext;
		known_relations = hash_create("cachebot tracked relations", 64, &ctl,
									  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	known = hash_search(known_relations, &relid, HASH_FIND, NULL);
	if (known == NULL)
	{
		TrackInfo	computed;
		bool		tracked = compute_tracking(rel, &computed);

		/* Computing may have invalidated the table (a catalog read). */
		if (known_relations == NULL)
		{
			*info = computed;
			return tracked;
		}
		known = hash_search(known_relations, &relid, HASH_ENTER, &found);
		known->tracked = tracked;
		known->info = computed;
	}
	*info = known->info;
	return known->tracked;
}

void
cachebot_tracking_of_trigger(Relation rel, int nargs, char **args, TrackInfo *info)
{
	TrackArgs	decoded;

	if (!decode_args(nargs, args, &decoded))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("trigger arguments on table \"%s\" are not those of cachebot.track()",
						RelationGetRelationName(rel)),
				 errhint("Run SELECT cachebot.track(%s); again.",
						 cachebot_tracking_name_literal(RelationGetRelid(rel)))));
	if (cachebot_tracking_lookup(rel, info))
		return;

	/*
	 * Not counted as tracked (not enabled ALWAYS, say), so nothing cached
	 * depends on it; its writes still invalidate what they would.
	 */
	memset(info, 0, sizeof(TrackInfo));
	info->root = RelationGetRelid(rel);
	resolve_keyed(rel, &decoded, info);
}

bool
cachebot_tracking_any_implicit(void)
{
	Oid			fn;
	Relation	rel;
	SysScanDesc scan;
	HeapTuple	tup;

	if (any_implicit >= 0)
		return any_implicit > 0;
	any_implicit = 0;
	fn = trigger_function();
	if (!OidIsValid(fn))
		return false;
	rel = table_open(TriggerRelationId, AccessShareLock);
	scan = systable_beginscan(rel, InvalidOid, false, NULL, 0, NULL);
	while ((tup = systable_getnext(scan)) != NULL)
	{
		Form_pg_trigger trig = (Form_pg_trigger) GETSTRUCT(tup);
		bool		isnull;
		Datum		args;
		List	   *keyed;
		TrackOptions options;

		CHECK_FOR_INTERRUPTS();
		if (trig->tgfoid != fn)
			continue;
		args = heap_getattr(tup, Anum_pg_trigger_tgargs, RelationGetDescr(rel), &isnull);
		if (!isnull &&
			cachebot_tracking_decode_tgargs(DatumGetByteaPP(args), &keyed, &options) &&
			(options.cache_all > 0 || options.cache_get > 0))
		{
			any_implicit = 1;
			break;
		}
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return any_implicit > 0;
}

bool
cachebot_tracking_is_keyed(const TrackInfo *info, AttrNumber attnum)
{
	for (int i = 0; i < info->nkeyed; i++)
		if (info->keyed[i] == attnum)
			return true;
	return false;
}

/* One of cachebot's own (not cloned) triggers on a table. */
typedef struct OwnTrigger
{
	Oid			oid;
	NameData	name;
	char		enabled;
} OwnTrigger;

/*
 * cachebot's own triggers on relid (and, with clones, those PostgreSQL cloned
 * from an ancestor's), read from the catalog: the relation need not be
 * locked yet.
 */
static List *
own_triggers(Oid relid, bool clones)
{
	Oid			fn = trigger_function();
	Relation	trigrel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	List	   *found = NIL;

	if (!OidIsValid(fn) || !OidIsValid(relid))
		return NIL;
	trigrel = table_open(TriggerRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_trigger_tgrelid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(relid));
	scan = systable_beginscan(trigrel, TriggerRelidNameIndexId, true, NULL, 1, &key);
	while ((tup = systable_getnext(scan)) != NULL)
	{
		Form_pg_trigger trig = (Form_pg_trigger) GETSTRUCT(tup);
		OwnTrigger *own;

		if (trig->tgfoid != fn || (OidIsValid(trig->tgparentid) && !clones))
			continue;
		own = palloc(sizeof(OwnTrigger));
		own->oid = trig->oid;
		own->name = trig->tgname;
		own->enabled = trig->tgenabled;
		found = lappend(found, own);
	}
	systable_endscan(scan);
	table_close(trigrel, AccessShareLock);
	return found;
}

/*
 * Runs statements as the owner of cachebot's trigger function, with a safe
 * search_path and nothing the caller could intercept.
 */
static void
run_as_function_owner(List *statements)
{
	Oid			fn = trigger_function();
	HeapTuple	fntup;
	Oid			fn_owner;
	Oid			save_userid;
	int			save_sec_context;
	int			save_nestlevel;
	ListCell   *lc;

	if (!OidIsValid(fn))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("function cachebot._invalidate_trigger() does not exist"),
				 errhint("Recreate the extension: DROP EXTENSION cachebot; CREATE EXTENSION cachebot;")));
	fntup = SearchSysCache1(PROCOID, ObjectIdGetDatum(fn));
	if (!HeapTupleIsValid(fntup))
		elog(ERROR, "cache lookup failed for function %u", fn);
	fn_owner = ((Form_pg_proc) GETSTRUCT(fntup))->proowner;
	ReleaseSysCache(fntup);

	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(fn_owner, save_sec_context | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
	save_nestlevel = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	foreach(lc, statements)
	{
		int			rc = SPI_execute((const char *) lfirst(lc), false, 0);

		if (rc < 0)
			elog(ERROR, "SPI_execute failed: %s", SPI_result_code_string(rc));
	}
	SPI_finish();
	AtEOXact_GUC(false, save_nestlevel);
	SetUserIdAndSecContext(save_userid, save_sec_context);
}

/*
 * A partition of a tracked table gets a clone of its row trigger, which
 * PostgreSQL creates as the current user, who needs EXECUTE on the trigger
 * function for it. Lend it for the one command (it is taken back after it;
 * a failed command takes it back by rolling back).
 *
 * Lending updates the function's pg_proc row, which a concurrent lender
 * would update too ("tuple concurrently updated"): lenders take turns on a
 * lock on the function, held until their transaction ends, and the next one
 * then sees the row the previous one committed.
 */
static bool
lend_execute_for_clones(Oid parent)
{
	Oid			fn = trigger_function();

	if (!OidIsValid(fn) || !OidIsValid(parent) || own_triggers(parent, true) == NIL ||
		pg_proc_aclcheck(fn, GetUserId(), ACL_EXECUTE) == ACLCHECK_OK)
		return false;
	LockDatabaseObject(ProcedureRelationId, fn, 0, ShareUpdateExclusiveLock);
	run_as_function_owner(list_make1(
		psprintf("GRANT EXECUTE ON FUNCTION cachebot._invalidate_trigger() TO %s",
				 quote_identifier(GetUserNameFromId(GetUserId(), false)))));
	return true;
}

static void
take_back_execute(void)
{
	run_as_function_owner(list_make1(
		psprintf("REVOKE EXECUTE ON FUNCTION cachebot._invalidate_trigger() FROM %s",
				 quote_identifier(GetUserNameFromId(GetUserId(), false)))));
}

/*
 * ATTACH PARTITION: the partition's own triggers would clash with the
 * clones of its new parent's (same names), and its keys would be its own:
 * it is tracked through its new root from now on.
 */
static void
give_up_own_triggers(Oid parent, Oid partition)
{
	List	   *partition_triggers;
	ObjectAddresses *drop;
	ListCell   *tc;

	if (!OidIsValid(parent) || own_triggers(parent, true) == NIL)
		return;
	partition_triggers = own_triggers(partition, false);
	if (partition_triggers == NIL || !pg_class_ownercheck(partition, GetUserId()))
		return;					/* nothing in the way, or ATTACH fails anyway */
	drop = new_object_addresses();
	foreach(tc, partition_triggers)
	{
		ObjectAddress addr;

		ObjectAddressSet(addr, TriggerRelationId, ((OwnTrigger *) lfirst(tc))->oid);
		add_exact_object_address(&addr, drop);
	}
	performMultipleDeletions(drop, DROP_RESTRICT, 0);
	free_object_addresses(drop);
	CommandCounterIncrement();
	ereport(NOTICE,
			(errmsg("table \"%s\" is now tracked through its partitioned table \"%s\"",
					get_rel_name(partition), get_rel_name(parent))));
}

/*
 * CREATE TRIGGER cachebot_invalidate or cachebot_truncate calling cachebot's
 * trigger function on a table that already has that trigger: a restore
 * re-creating the triggers track() made, on a table auto_track tracked when
 * the restore created it. The dumped definition (its keyed columns, its
 * options) replaces the one auto_track made, rather than failing the
 * restore. Nobody but the trigger function's owner and those granted
 * EXECUTE can run such a command, and CREATE TRIGGER still checks that; if
 * it fails, the transaction takes the drop back.
 */
static void
replace_own_trigger(CreateTrigStmt *stmt)
{
	Oid			fn = trigger_function();
	Oid			relid;
	ListCell   *lc;

	if (!OidIsValid(fn) || stmt->replace || stmt->isconstraint ||
		(strcmp(stmt->trigname, ROW_TRIGGER_NAME) != 0 &&
		 strcmp(stmt->trigname, TRUNCATE_TRIGGER_NAME) != 0) ||
		LookupFuncName(stmt->funcname, 0, NULL, true) != fn)
		return;
	relid = RangeVarGetRelid(stmt->relation, ShareRowExclusiveLock, true);
	if (!OidIsValid(relid))
		return;
	foreach(lc, own_triggers(relid, false))
	{
		OwnTrigger *own = lfirst(lc);
		ObjectAddress addr;

		if (strcmp(NameStr(own->name), stmt->trigname) != 0)
			continue;
		ObjectAddressSet(addr, TriggerRelationId, own->oid);
		performDeletion(&addr, DROP_RESTRICT, PERFORM_DELETION_INTERNAL);
		CommandCounterIncrement();
	}
}

bool
cachebot_tracking_before_utility(Node *parsetree)
{
	bool		lent = false;
	ListCell   *lc;

	if (IsA(parsetree, CreateTrigStmt))
		replace_own_trigger((CreateTrigStmt *) parsetree);
	else if (IsA(parsetree, CreateStmt) && ((CreateStmt *) parsetree)->partbound != NULL)
	{
		CreateStmt *stmt = (CreateStmt *) parsetree;

		if (list_length(stmt->inhRelations) == 1)
			lent = lend_execute_for_clones(RangeVarGetRelid(linitial_node(RangeVar, stmt->inhRelations),
															NoLock, true));
	}
	else if (IsA(parsetree, AlterTableStmt) && ((AlterTableStmt *) parsetree)->relation != NULL)
	{
		AlterTableStmt *stmt = (AlterTableStmt *) parsetree;

		foreach(lc, stmt->cmds)
		{
			AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);
			Oid			parent;

			if (cmd->subtype != AT_AttachPartition)
				continue;
			parent = RangeVarGetRelid(stmt->relation, NoLock, true);
			give_up_own_triggers(parent,
								 RangeVarGetRelid(((PartitionCmd *) cmd->def)->name, NoLock, true));
			if (!lent)
				lent = lend_execute_for_clones(parent);
		}
	}
	return lent;
}

void
cachebot_tracking_after_utility(Node *parsetree, bool lent)
{
	AlterTableStmt *stmt;
	ListCell   *lc;
	bool		enables = false;
	Oid			relid;
	Relation	rel;

	if (lent)
		take_back_execute();
	if (!IsA(parsetree, AlterTableStmt))
		return;
	stmt = (AlterTableStmt *) parsetree;
	foreach(lc, stmt->cmds)
	{
		AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);

		if (cmd->subtype == AT_EnableTrig || cmd->subtype == AT_EnableAlwaysTrig ||
			cmd->subtype == AT_EnableReplicaTrig || cmd->subtype == AT_EnableTrigAll ||
			cmd->subtype == AT_EnableTrigUser)
			enables = true;
	}
	if (!enables || stmt->relation == NULL)
		return;
	relid = RangeVarGetRelid(stmt->relation, NoLock, true);
	if (!OidIsValid(relid))
		return;

	/*
	 * ENABLE TRIGGER (ALL, USER, or cachebot's) leaves cachebot's triggers
	 * enabled ALWAYS, as track() made them, and so the clones a partition
	 * carries: so pg_dump --disable-triggers, which disables and enables
	 * them table by table, leaves the table tracked. Locked by the ALTER
	 * TABLE that just ran.
	 */
	rel = relation_open(relid, NoLock);
	foreach(lc, own_triggers(relid, true))
	{
		OwnTrigger *own = lfirst(lc);

		/* A trigger left disabled stays so: the table counts as untracked. */
		if (own->enabled != TRIGGER_FIRES_ALWAYS && own->enabled != TRIGGER_DISABLED)
			EnableDisableTriggerNew(rel, NameStr(own->name), TRIGGER_FIRES_ALWAYS,
									false, true, ShareRowExclusiveLock);
	}
	relation_close(rel, NoLock);
}

static void
require_relation(Oid relid)
{
	if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
}

void
cachebot_tracking_install(Oid relid, const TrackOptions *options, List *keyed_names)
{
	char	   *rel;
	char	   *args;

	/* (a superuser passes the owner check without the table being looked up) */
	require_relation(relid);
	if (!pg_class_ownercheck(relid, GetUserId()))
		aclcheck_error(ACLCHECK_NOT_OWNER, get_relkind_objtype(get_rel_relkind(relid)),
					   get_rel_name(relid));
	/* The lock its triggers take, so that the table stays while they are made. */
	LockRelationOid(relid, ShareRowExclusiveLock);
	require_relation(relid);

	rel = quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
									 get_rel_name(relid));
	args = encode_args(options, keyed_names);

	/*
	 * Only the trigger function's owner may attach it to a table (EXECUTE
	 * is granted to nobody else): the caller owns the table, so act as that
	 * owner for the commands that install the triggers.
	 */
	run_as_function_owner(list_make5(
		psprintf("DROP TRIGGER IF EXISTS %s ON %s", ROW_TRIGGER_NAME, rel),
		psprintf("DROP TRIGGER IF EXISTS %s ON %s", TRUNCATE_TRIGGER_NAME, rel),
		psprintf("CREATE TRIGGER %s AFTER INSERT OR UPDATE OR DELETE ON %s "
				 "FOR EACH ROW EXECUTE FUNCTION cachebot._invalidate_trigger(%s)",
				 ROW_TRIGGER_NAME, rel, args),
		psprintf("CREATE TRIGGER %s AFTER TRUNCATE ON %s "
				 "FOR EACH STATEMENT EXECUTE FUNCTION cachebot._invalidate_trigger(%s)",
				 TRUNCATE_TRIGGER_NAME, rel, args),
	/* Writes in replica mode (logical replication apply, restores) too. */
		psprintf("ALTER TABLE %s ENABLE ALWAYS TRIGGER %s, ENABLE ALWAYS TRIGGER %s",
				 rel, ROW_TRIGGER_NAME, TRUNCATE_TRIGGER_NAME)));
}

/* ---- auto_track: tables created under cachebot.auto_track ---- */

/*
 * The tables created during the utility command running now (innermost
 * first: a command run by a command has its own list), in
 * TopTransactionContext. Tracked once their command has finished: when the
 * object access hook reports a table, it is not complete yet (no
 * constraints, no indexes, which give track() its keyed columns).
 */
static List *auto_created = NIL;
static int	auto_depth = 0;

List *
cachebot_tracking_auto_enter(void)
{
	List	   *outer = auto_created;

	auto_created = NIL;
	auto_depth++;
	return outer;
}

List *
cachebot_tracking_auto_leave(List *outer)
{
	List	   *created = auto_created;

	auto_created = outer;
	auto_depth--;
	return created;
}

void
cachebot_tracking_note_created(Oid relid)
{
	MemoryContext old;

	/*
	 * Not inside a CREATE EXTENSION (an extension's tables are its own,
	 * cachebot's install script included), nor in a binary upgrade, which
	 * restores the triggers with the tables.
	 */
	if (!cachebot_auto_track || auto_depth == 0 || creating_extension || IsBinaryUpgrade)
		return;
	old = MemoryContextSwitchTo(TopTransactionContext);
	auto_created = lappend_oid(auto_created, relid);
	MemoryContextSwitchTo(old);
}

/* Would track() take relid, and may the current user track it? */
static bool
auto_trackable(Oid relid)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Form_pg_class rel;
	bool		ok;

	if (!HeapTupleIsValid(tup))
		return false;			/* dropped by the same command */
	rel = (Form_pg_class) GETSTRUCT(tup);
	ok = (rel->relkind == RELKIND_RELATION || rel->relkind == RELKIND_PARTITIONED_TABLE) &&
		rel->relpersistence == RELPERSISTENCE_PERMANENT && !rel->relispartition &&
		!IsCatalogNamespace(rel->relnamespace) && !IsToastNamespace(rel->relnamespace) &&
		pg_class_ownercheck(relid, GetUserId()) &&
		!OidIsValid(getExtensionOfObject(RelationRelationId, relid));
	ReleaseSysCache(tup);
	return ok;
}

void
cachebot_tracking_auto_track(List *created)
{
	ListCell   *lc;
	Oid			argtypes[1] = {REGCLASSOID};

	if (created == NIL || !OidIsValid(trigger_function()))
		return;					/* cachebot is not installed in this database */
	CommandCounterIncrement();	/* the command's last changes */
	foreach(lc, created)
	{
		Datum		values[1];
		int			rc;

		CHECK_FOR_INTERRUPTS();
		if (!auto_trackable(lfirst_oid(lc)))
			continue;

		/*
		 * track() itself, as the current user (who owns the table): its
		 * checks, its default keyed columns, its invalidation.
		 */
		values[0] = ObjectIdGetDatum(lfirst_oid(lc));
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		rc = SPI_execute_with_args("SELECT cachebot.track($1)", 1, argtypes, values, NULL,
								   false, 0);
		if (rc != SPI_OK_SELECT)
			elog(ERROR, "SPI_execute failed: %s", SPI_result_code_string(rc));
		SPI_finish();
	}
}
