/*
 * functions.c
 *		SQL-callable functions of cachebot. track() and
 *		untrack() are written in SQL, in the install script.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relation.h"
#include "catalog/namespace.h"
#include "executor/spi.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "parser/parse_oper.h"
#include "parser/parse_type.h"
#include "tcop/tcopprot.h"
#include "catalog/pg_authid.h"
#include "commands/dbcommands.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/typcache.h"
#include "access/stratnum.h"

#include "eligibility.h"
#include "fingerprint.h"
#include "hint.h"
#include "keys.h"
#include "lookup.h"
#include "entry.h"
#include "filled_texts.h"
#include "statements.h"
#include "stats.h"
#include "store.h"
#include "tracking.h"
#include "xact.h"

PG_FUNCTION_INFO_V1(cachebot_invalidate_table);
PG_FUNCTION_INFO_V1(cachebot_invalidate_object);
PG_FUNCTION_INFO_V1(cachebot_invalidate_row);
PG_FUNCTION_INFO_V1(cachebot_flush);
PG_FUNCTION_INFO_V1(cachebot_stat_counters);
PG_FUNCTION_INFO_V1(cachebot_reset_stats);
PG_FUNCTION_INFO_V1(cachebot_explain);
PG_FUNCTION_INFO_V1(cachebot_statements);
PG_FUNCTION_INFO_V1(cachebot_tables);

static const CacheStore *
require_store(void)
{
	const CacheStore *store = cachebot_cache_store();

	if (store == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cachebot is not loaded"),
				 errhint("Add cachebot to shared_preload_libraries and restart the server.")));
	return store;
}

static void
require_select(Oid relid)
{
	char	   *name;

	name = get_rel_name(relid);
	if (name == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	/* Invalidating a table's cached results needs SELECT on it. */
	if (pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK)
		aclcheck_error(ACLCHECK_NO_PRIV, get_relkind_objtype(get_rel_relkind(relid)), name);
}

/*
 * Collects what a change of this row would: (T, *) and, for a tracked table
 * that is its own root, the keys of the row's keyed columns.
 */
static void
collect_row(Oid relid, HeapTupleHeader row)
{
	Relation	rel = relation_open(relid, AccessShareLock);
	TrackInfo	info;
	DepKey		k;

	if (!cachebot_tracking_lookup(rel, &info))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("table \"%s\" is not tracked by cachebot", RelationGetRelationName(rel)),
				 errhint("Run SELECT cachebot.track(%s);", cachebot_tracking_name_literal(relid))));
	k = depkey_make(DEP_ANY_ROW, MyDatabaseId, info.root, 0, 0);
	cachebot_xact_collect(&k);
	if (row != NULL && info.root == relid)
	{
		HeapTupleData tuple;

		tuple.t_len = HeapTupleHeaderGetDatumLength(row);
		ItemPointerSetInvalid(&tuple.t_self);
		tuple.t_tableOid = relid;
		tuple.t_data = row;
		cachebot_xact_collect_row(&info, RelationGetDescr(rel), &tuple);
	}
	relation_close(rel, NoLock);
}

/* invalidate_table(regclass): takes effect when the transaction commits. */
Datum
cachebot_invalidate_table(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);

	require_store();
	require_select(relid);
	cachebot_xact_collect_generation(relid);
	PG_RETURN_VOID();
}

/*
 * invalidate_object(regclass, pk): the results that can contain the row
 * with that primary key, by its current values, at commit.
 */
Datum
cachebot_invalidate_object(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);
	Oid			pktype = get_fn_expr_argtype(fcinfo->flinfo, 1);
	Relation	rel;
	Oid			pkindex;
	char	   *pkcol;
	Oid			pkcoltype;
	Operator	eq;
	char	   *query;
	Datum		values[1];
	HeapTupleHeader row = NULL;
	int			spirc;

	require_store();
	require_select(relid);
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("primary key value must not be null")));

	rel = relation_open(relid, AccessShareLock);
	pkindex = RelationGetPrimaryKeyIndex(rel);
	if (!OidIsValid(pkindex))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("table \"%s\" has no primary key", RelationGetRelationName(rel)),
				 errhint("Pass the row instead: SELECT cachebot.invalidate_object(t) FROM %s t WHERE ...",
						 quote_qualified_identifier(get_namespace_name(RelationGetNamespace(rel)),
													RelationGetRelationName(rel)))));
	{
		Relation	index = index_open(pkindex, AccessShareLock);

		if (index->rd_index->indnkeyatts != 1)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("the primary key of table \"%s\" has more than one column",
							RelationGetRelationName(rel)),
					 errhint("Pass the row instead: SELECT cachebot.invalidate_object(t) FROM %s t WHERE ...",
							 quote_qualified_identifier(get_namespace_name(RelationGetNamespace(rel)),
														RelationGetRelationName(rel)))));
		pkcol = get_attname(relid, index->rd_index->indkey.values[0], false);
		pkcoltype = get_atttype(relid, index->rd_index->indkey.values[0]);
		index_close(index, AccessShareLock);
	}
	/* (else the lookup below fails on its operator, in words of its own) */
	eq = oper(NULL, list_make1(makeString("=")), pkcoltype, pktype, true, -1);
	if (eq == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("primary key value of type %s cannot be compared with column \"%s\" of type %s",
						format_type_be(pktype), pkcol, format_type_be(pkcoltype)),
				 errhint("Cast the value to %s.", format_type_be(pkcoltype))));
	ReleaseSysCache(eq);
	query = psprintf("SELECT t FROM %s t WHERE %s = $1",
					 quote_qualified_identifier(get_namespace_name(RelationGetNamespace(rel)),
												RelationGetRelationName(rel)),
					 quote_identifier(pkcol));
	relation_close(rel, NoLock);

	values[0] = PG_GETARG_DATUM(1);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if ((spirc = SPI_execute_with_args(query, 1, &pktype, values, NULL, true, 1)) != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute_with_args failed: %s", SPI_result_code_string(spirc));
	if (SPI_processed == 1)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		/* A small composite is stored with a short header: expand it first. */
		if (!isnull)
			row = (HeapTupleHeader) DatumGetPointer(
				SPI_datumTransfer(PointerGetDatum(DatumGetHeapTupleHeader(d)), false, -1));
	}
	SPI_finish();

	/* A row that is gone still invalidates by its key. */
	collect_row(relid, row);
	if (row == NULL)
	{
		Relation	r = relation_open(relid, AccessShareLock);
		TrackInfo	info;

		if (cachebot_tracking_lookup(r, &info) && info.root == relid)
		{
			AttrNumber	attnum = get_attnum(relid, pkcol);
			uint64		hash;
			Form_pg_attribute att = TupleDescAttr(RelationGetDescr(r), attnum - 1);

			/* The equality of the column's hash family, not whatever "=" resolves to. */
			TypeCacheEntry *tc = lookup_type_cache(getBaseType(att->atttypid),
												   TYPECACHE_HASH_OPFAMILY);
			Oid			eq = OidIsValid(tc->hash_opf) ?
				get_opfamily_member(tc->hash_opf, getBaseType(att->atttypid),
									getBaseType(pktype), HTEqualStrategyNumber) : InvalidOid;

			if (cachebot_tracking_is_keyed(&info, attnum) && OidIsValid(eq) &&
				cachebot_compared_value_hash(att->atttypid, att->attcollation, eq,
											 att->attcollation, pktype, PG_GETARG_DATUM(1), &hash))
			{
				DepKey		k = depkey_make(DEP_COLUMN_VALUE, MyDatabaseId, relid, attnum, hash);

				cachebot_xact_collect(&k);
			}
		}
		relation_close(r, NoLock);
	}
	PG_RETURN_VOID();
}

/* invalidate_object(row): the row of a table, by its composite value. */
Datum
cachebot_invalidate_row(PG_FUNCTION_ARGS)
{
	Oid			argtype = get_fn_expr_argtype(fcinfo->flinfo, 0);
	Oid			relid = OidIsValid(argtype) ? typeidTypeRelid(argtype) : InvalidOid;

	require_store();
	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("cachebot.invalidate_object() takes a table row, not type %s",
						format_type_be(argtype)),
				 errhint("Pass a row, as in SELECT cachebot.invalidate_object(t) FROM t WHERE ..., or call invalidate_object(table, key).")));
	require_select(relid);
	collect_row(relid, PG_GETARG_HEAPTUPLEHEADER(0));
	PG_RETURN_VOID();
}

/* flush(): every entry of every database, at once. */
Datum
cachebot_flush(PG_FUNCTION_ARGS)
{
	const CacheStore *store = require_store();

	store->flush();
	PG_RETURN_VOID();
}

/*
 * reset_stats(): a superuser's forgets everything, the cluster-wide counters
 * and every database's rows of cachebot.statements and cachebot.tables; the
 * owner of a database's, that database's rows.
 */
Datum
cachebot_reset_stats(PG_FUNCTION_ARGS)
{
	require_store();
	if (superuser())
	{
		cachebot_stats_reset();
		cachebot_statements_reset(InvalidOid);
	}
	else if (pg_database_ownercheck(MyDatabaseId, GetUserId()))
		cachebot_statements_reset(MyDatabaseId);
	else
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to reset cachebot's statistics of database \"%s\"",
						get_database_name(MyDatabaseId)),
				 errhint("The owner of a database can reset its statistics; a superuser, all of them.")));
	PG_RETURN_VOID();
}

/* The counters as (name, value) rows; the cachebot.stats view pivots them. */
Datum
cachebot_stat_counters(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	const CacheStore *store = cachebot_cache_store();
	uint64		entries = 0,
				bytes = 0;
	static const char *const names[STAT_NCOUNTERS] = {
		"hits", "hits_unplanned", "misses", "fills", "invalidations", "evictions",
		"errors", "bytes_filled"
	};

	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < STAT_NCOUNTERS; i++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};

		values[0] = CStringGetTextDatum(names[i]);
		values[1] = Int64GetDatum((int64) cachebot_stats_get(i));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	for (int i = 1; i < SKIP_NREASONS; i++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};

		values[0] = CStringGetTextDatum(psprintf("skip:%s", cachebot_skip_reason_names[i]));
		values[1] = Int64GetDatum((int64) cachebot_stats_get_skip(i));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	if (store && store->usage)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};

		store->usage(&entries, &bytes);

		values[0] = CStringGetTextDatum("entries");
		values[1] = Int64GetDatum((int64) entries);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		values[0] = CStringGetTextDatum("bytes");
		values[1] = Int64GetDatum((int64) bytes);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * Decides, as for a client's statement, about query (one statement, planned
 * as it is written). False when it is not asked to be cached at all (no
 * hint, or not a plain SELECT): *why then says which.
 */
static bool
decide_text(const char *query, ArrayType *param_values, CacheDecision *d, const char **why,
			List **rtable)
{
	List	   *raw;
	List	   *rewritten;
	PlannedStmt *stmt;
	RunContext	run = {.eflags = 0,.dest = DestRemote};
	DecisionInput in = {0};
	Oid		   *param_types = NULL;
	int			nparams = 0;
	ParamListInfo params = NULL;
	Datum	   *texts = NULL;
	bool	   *text_nulls = NULL;
	int			ntexts = 0;

	raw = pg_parse_query(query);
	if (list_length(raw) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cachebot.explain() takes exactly one statement"),
				 errdetail("The text holds %d statements.", list_length(raw))));
	/* Parameters: their types as the statement uses them, their values as text. */
	if (param_values != NULL)
		deconstruct_array(param_values, TEXTOID, -1, false, TYPALIGN_INT,
						  &texts, &text_nulls, &ntexts);
	rewritten = pg_analyze_and_rewrite_varparams(linitial_node(RawStmt, raw), query,
												 &param_types, &nparams, NULL);
	if (nparams != ntexts)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cachebot.explain() got %d parameter values for a statement that takes %d",
						ntexts, nparams),
				 errhint("Pass one value per $n, as text: explain(query, params => ARRAY['42']).")));
	if (nparams > 0)
	{
		params = makeParamList(nparams);
		for (int i = 0; i < nparams; i++)
		{
			ParamExternData *prm = &params->params[i];
			Oid			input;
			Oid			ioparam;

			/* (analysis fails on a parameter whose type it cannot infer) */
			getTypeInputInfo(param_types[i], &input, &ioparam);
			prm->ptype = param_types[i];
			prm->pflags = PARAM_FLAG_CONST;
			prm->isnull = text_nulls[i];
			prm->value = OidInputFunctionCall(input, text_nulls[i] ? NULL :
											  TextDatumGetCString(texts[i]), ioparam, -1);
		}
	}

	/* Only a plain SELECT is planned: a utility statement has no plan. */
	if (list_length(rewritten) != 1 ||
		linitial_node(Query, rewritten)->commandType != CMD_SELECT ||
		linitial_node(Query, rewritten)->utilityStmt != NULL)
	{
		cachebot_hint_parse(query, strlen(query), &d->hint);
		*why = d->hint.kind == HINT_NOCACHE ? "nocache hint" :
			d->hint.kind == HINT_NONE ? "no hint" : cachebot_skip_reason_names[SKIP_NOT_SELECT];
		return false;
	}
	stmt = pg_plan_query(linitial_node(Query, rewritten), query, CURSOR_OPT_PARALLEL_OK, params);
	if (rtable)
		*rtable = stmt->rtable;
	in.plan = stmt;
	in.rtable = stmt->rtable;
	in.params = params;
	if (!cachebot_decide(&in, query, &run, d))
	{
		*why = d->hint.kind == HINT_NOCACHE ? "nocache hint" : "no hint";
		return false;
	}
	*why = d->skip == SKIP_NONE ? "cacheable" :
		d->skip == SKIP_BAD_HINT ? psprintf("bad_hint: %s", cachebot_bad_hint_reason(d)) :
		cachebot_skip_reason_names[d->skip];
	/* What a fill would derive as it ran, for the dependencies shown. */
	if (d->skip == SKIP_NONE && d->deps.describe)
		cachebot_plan_derive_scans(stmt, &d->deps);
	return true;
}

/*
 * Could the current role read every column the plan reads with its own
 * privileges? An entry's notes hold values a fill read from those columns
 * (the join keys it derived). Through a view, a role reads the view's tables
 * with its owner's privileges, and only what the view lets through: the
 * notes would also show it values the view keeps from it (rows its
 * conditions leave out, columns it does not show).
 */
static bool
reads_every_column_itself(List *rtable)
{
	Oid			user = GetUserId();
	ListCell   *lc;

	foreach(lc, rtable)
	{
		RangeTblEntry *rte = lfirst_node(RangeTblEntry, lc);
		int			col = -1;

		/* (a partition the planner added has its table's permissions) */
		if (rte->rtekind != RTE_RELATION || rte->requiredPerms == 0 ||
			pg_class_aclcheck(rte->relid, user, ACL_SELECT) == ACLCHECK_OK)
			continue;
		if (bms_is_empty(rte->selectedCols) &&
			pg_attribute_aclcheck_all(rte->relid, user, ACL_SELECT, ACLMASK_ANY) != ACLCHECK_OK)
			return false;
		while ((col = bms_next_member(rte->selectedCols, col)) >= 0)
		{
			AttrNumber	attno = col + FirstLowInvalidHeapAttributeNumber;

			if (attno == InvalidAttrNumber ||	/* the whole row */
				pg_attribute_aclcheck(rte->relid, attno, user, ACL_SELECT) != ACLCHECK_OK)
				return false;
		}
	}
	return true;
}

/* "table.column = value" without its value (see capture.c, which writes it). */
static char *
note_without_value(const char *note)
{
	const char *eq = strstr(note, " = ");

	return psprintf("%.*s = (value not shown: a table of the statement is read through a view)",
					eq ? (int) (eq - note) : 0, note);
}

/*
 * explain(query): plans the statement as it is written and tells whether it
 * would be cached, why not, its key and its dependencies, whether a valid
 * entry is stored now and, if so, the row keys its fill derived as it ran
 * (the entry's notes: their values, which its dependencies hold as hashes).
 */
Datum
cachebot_explain(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *query;
	CacheDecision d;
	const char *why;
	Datum		values[6];
	bool		nulls[6] = {false, true, true, true, false, true};
	bool		cached = false;
	List	   *rtable = NIL;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		return (Datum) 0;		/* no statement: no row */
	query = text_to_cstring(PG_GETARG_TEXT_PP(0));
	memset(&d, 0, sizeof(d));
	d.deps.describe = true;
	values[0] = BoolGetDatum(decide_text(query, PG_ARGISNULL(1) ? NULL : PG_GETARG_ARRAYTYPE_P(1),
										 &d, &why, &rtable) && d.skip == SKIP_NONE);
	values[1] = CStringGetTextDatum(why);
	nulls[1] = false;
	if (DatumGetBool(values[0]))
	{
		List	   *descriptions = cachebot_depset_descriptions(&d.deps);
		Datum	   *deps = palloc(list_length(descriptions) * sizeof(Datum));
		EntryView	view;
		ListCell   *lc;

		values[2] = CStringGetTextDatum(psprintf("%016llx%016llx",
												 (unsigned long long) d.key.hi,
												 (unsigned long long) d.key.lo));
		foreach(lc, descriptions)
			deps[foreach_current_index(lc)] = CStringGetTextDatum(lfirst(lc));
		values[3] = PointerGetDatum(construct_array(deps, list_length(descriptions), TEXTOID,
													-1, false, TYPALIGN_INT));
		nulls[2] = nulls[3] = false;
		cached = cachebot_cache_lookup(&d, &view, NULL) == LOOKUP_HIT;
		if (cached)
		{
			Datum	   *notes = palloc(Max(list_length(view.notes), 1) * sizeof(Datum));
			bool		shown = reads_every_column_itself(rtable);

			foreach(lc, view.notes)
				notes[foreach_current_index(lc)] =
					CStringGetTextDatum(shown ? (char *) lfirst(lc) : note_without_value(lfirst(lc)));
			values[5] = PointerGetDatum(construct_array(notes, list_length(view.notes),
														TEXTOID, -1, false, TYPALIGN_INT));
			nulls[5] = false;
		}
	}
	values[4] = BoolGetDatum(cached);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(cachebot_corrupt_entry);

/*
 * _corrupt_entry(query, what): for tests, damages the stored entry of query
 * as a broken or hostile store could, its checksum (if the store keeps one)
 * kept right (see entry.c).
 * False if there is no entry, or no such part to damage.
 */
Datum
cachebot_corrupt_entry(PG_FUNCTION_ARGS)
{
	char	   *query = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *what = text_to_cstring(PG_GETARG_TEXT_PP(1));
	const CacheStore *store = require_store();
	CacheDecision d;
	const char *why;
	char	   *entry = NULL;
	Size		len = 0;

	memset(&d, 0, sizeof(d));
	if (!decide_text(query, NULL, &d, &why, NULL) || d.skip != SKIP_NONE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("statement is not cached"),
				 errdetail("%s", why)));
	if (!store->lookup(&d.key, 0, NULL, &entry, &len, NULL))
		ereport(ERROR,
				(errcode(ERRCODE_CONNECTION_FAILURE),
				 errmsg("the store did not answer")));
	if (entry == NULL || !cachebot_entry_corrupt(&entry, &len, what, cachebot_store_entry_seal()))
		PG_RETURN_BOOL(false);
	PG_RETURN_BOOL(store->put(&d.key, entry, len, d.ttl));
}

PG_FUNCTION_INFO_V1(cachebot_forget_filled_texts);

/*
 * _forget_filled_texts(): for tests, clears the filter of filled texts as it
 * clears itself when full (see filled_texts.h).
 */
Datum
cachebot_forget_filled_texts(PG_FUNCTION_ARGS)
{
	cachebot_filled_texts_clear();
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(cachebot_install_triggers);

/* A boolean argument that may be NULL: -1, else 0 or 1. */
static int8
optional_flag(FunctionCallInfo fcinfo, int argno)
{
	return PG_ARGISNULL(argno) ? -1 : PG_GETARG_BOOL(argno) ? 1 : 0;
}

/*
 * _install_triggers(rel, cache_all, cache_get, columns, ttl): track()'s last
 * step, creating the triggers (see tracking.h for why only this function
 * can). NULL options follow the settings; ttl is in seconds.
 */
Datum
cachebot_install_triggers(PG_FUNCTION_ARGS)
{
	Oid			relid;
	ArrayType  *columns;
	Datum	   *names;
	bool	   *nulls;
	int			nnames;
	List	   *keyed = NIL;
	TrackOptions options;

	/* An install script older than the library declared fewer arguments. */
	if (PG_NARGS() != 5)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cachebot's SQL functions do not match its library"),
				 errdetail("cachebot._install_triggers() takes %d arguments, not %d.", 5, PG_NARGS()),
				 errhint("Recreate the extension: DROP EXTENSION cachebot; CREATE EXTENSION cachebot;")));
	if (PG_ARGISNULL(0) || PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("cachebot._install_triggers() needs a table and its keyed columns")));
	relid = PG_GETARG_OID(0);
	columns = PG_GETARG_ARRAYTYPE_P(3);
	deconstruct_array(columns, TEXTOID, -1, false, TYPALIGN_INT, &names, &nulls, &nnames);
	for (int i = 0; i < nnames; i++)
		if (!nulls[i])
			keyed = lappend(keyed, TextDatumGetCString(names[i]));
	options.cache_all = optional_flag(fcinfo, 1);
	options.cache_get = optional_flag(fcinfo, 2);
	options.ttl = PG_ARGISNULL(4) ? 0 : PG_GETARG_INT32(4);
	if (options.ttl < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a table's ttl must be positive")));
	cachebot_tracking_install(relid, &options, keyed);
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(cachebot_trigger_keyed_columns);

/*
 * _trigger_keyed_columns(tgargs): the keyed columns a trigger's arguments
 * name, or NULL if they are not track()'s (for the tracked_tables view).
 */
Datum
cachebot_trigger_keyed_columns(PG_FUNCTION_ARGS)
{
	List	   *keyed;
	TrackOptions options;
	Datum	   *names;
	ListCell   *lc;

	if (!cachebot_tracking_decode_tgargs(PG_GETARG_BYTEA_PP(0), &keyed, &options))
		PG_RETURN_NULL();
	names = palloc(Max(list_length(keyed), 1) * sizeof(Datum));
	foreach(lc, keyed)
	{
		Name		name = palloc0(NAMEDATALEN);

		namestrcpy(name, lfirst(lc));
		names[foreach_current_index(lc)] = NameGetDatum(name);
	}
	PG_RETURN_ARRAYTYPE_P(construct_array(names, list_length(keyed), NAMEOID, NAMEDATALEN,
										  false, TYPALIGN_CHAR));
}

PG_FUNCTION_INFO_V1(cachebot_trigger_ttl);

/*
 * _trigger_ttl(tgargs): the TTL a trigger's arguments give the table's
 * entries, in seconds; NULL if none (or not track()'s arguments).
 */
Datum
cachebot_trigger_ttl(PG_FUNCTION_ARGS)
{
	List	   *keyed;
	TrackOptions options;

	if (!cachebot_tracking_decode_tgargs(PG_GETARG_BYTEA_PP(0), &keyed, &options) ||
		options.ttl <= 0)
		PG_RETURN_NULL();
	PG_RETURN_INT32(options.ttl);
}

PG_FUNCTION_INFO_V1(cachebot_key_settings);

/* _key_settings(): the settings that are part of every key. */
Datum
cachebot_key_settings(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ListCell   *lc;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	foreach(lc, cachebot_fingerprint_settings())
	{
		Datum		value = CStringGetTextDatum((char *) lfirst(lc));
		bool		isnull = false;

		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &value, &isnull);
	}
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(cachebot_parse_hint);

/*
 * _parse_hint(text): how the hint parser reads a statement's text, for tests
 * and fuzzing: 'none', 'nocache', 'cache', 'cache(t.a,b)', 'cache(t.a; ttl=60)'
 * (seconds), 'cache(ttl=60)' or 'malformed: ...'; a comment that looks like a
 * misspelt hint shows as 'none (looks like a hint: ...)'.
 */
Datum
cachebot_parse_hint(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	CacheHint	hint;
	StringInfoData out;
	ListCell   *lc;

	cachebot_hint_parse(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &hint);
	initStringInfo(&out);
	switch (hint.kind)
	{
		case HINT_NONE:
			appendStringInfoString(&out, "none");
			if (hint.lookalike != NULL)
				appendStringInfo(&out, " (looks like a hint: %.*s)", hint.lookalike_len,
								 hint.lookalike);
			break;
		case HINT_NOCACHE:
			appendStringInfoString(&out, "nocache");
			break;
		case HINT_MALFORMED:
			appendStringInfo(&out, "malformed: %s", hint.problem);
			break;
		case HINT_CACHE:
			appendStringInfoString(&out, "cache");
			foreach(lc, hint.columns)
			{
				HintColumn *col = lfirst(lc);

				appendStringInfoString(&out, foreach_current_index(lc) == 0 ? "(" : ",");
				if (col->qualifier)
					appendStringInfo(&out, "%s.", col->qualifier);
				appendStringInfoString(&out, col->column);
			}
			if (hint.ttl > 0)
				appendStringInfo(&out, "%sttl=%d", hint.columns != NIL ? "; " : "(", hint.ttl);
			if (hint.columns != NIL || hint.ttl > 0)
				appendStringInfoChar(&out, ')');
			break;
	}
	PG_RETURN_TEXT_P(cstring_to_text(out.data));
}

/*
 * cachebot.statements' rows. As in pg_stat_statements, another role's
 * statement shows its counters but not its text nor query ID, unless the
 * caller may read all statistics (pg_read_all_stats): its constants may be
 * secrets.
 */
Datum
cachebot_statements(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	bool		read_all = has_privs_of_role(GetUserId(), ROLE_PG_READ_ALL_STATS);
	StatementRow *rows;
	int			n;

	InitMaterializedSRF(fcinfo, 0);
	rows = cachebot_statements_read(false, &n);
	for (int i = 0; i < n; i++)
	{
		StatementRow *r = &rows[i];
		Datum		values[15];
		bool		nulls[15];
		StringInfoData skips;
		StatementCounters *cnt = &r->counters;
		double		mean_fill_ms = cnt->fills > 0 ? cnt->fill_ms_total / cnt->fills : 0;
		int			c = 0;

		memset(nulls, 0, sizeof(nulls));
		initStringInfo(&skips);
		appendStringInfoChar(&skips, '{');
		for (int k = SKIP_NONE + 1; k < SKIP_NREASONS; k++)
			if (cnt->skips_by_reason[k] > 0)
				appendStringInfo(&skips, "%s\"%s\": " INT64_FORMAT, skips.len > 1 ? ", " : "",
								 cachebot_skip_reason_names[k], cnt->skips_by_reason[k]);
		appendStringInfoChar(&skips, '}');

		values[c++] = ObjectIdGetDatum(r->userid);
		values[c++] = ObjectIdGetDatum(r->dbid);
		if (read_all || r->userid == GetUserId())
		{
			values[c++] = Int64GetDatum((int64) r->query_id);
			if (r->query != NULL)
				values[c++] = CStringGetTextDatum(r->query);
			else
				nulls[c++] = true;	/* no equivalent in this encoding */
		}
		else
		{
			nulls[c++] = true;
			nulls[c++] = true;
		}
		values[c++] = Int64GetDatum(cnt->hits);
		values[c++] = Int64GetDatum(cnt->misses);
		values[c++] = Int64GetDatum(cnt->stale_misses);
		values[c++] = Int64GetDatum(cnt->fills);
		values[c++] = Int64GetDatum(cnt->skips);
		values[c++] = CStringGetTextDatum(skips.data);
		values[c++] = Int64GetDatum(cnt->bytes_stored);
		values[c++] = Float8GetDatum(mean_fill_ms);
		values[c++] = Float8GetDatum(mean_fill_ms * cnt->hits);
		if (cnt->last_fill != 0)
			values[c++] = TimestampTzGetDatum(cnt->last_fill);
		else
			nulls[c++] = true;
		if (cnt->last_invalidation != 0)
			values[c++] = TimestampTzGetDatum(cnt->last_invalidation);
		else
			nulls[c++] = true;
		Assert(c == lengthof(values));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* cachebot.tables' rows: those of the current database's tables. */
Datum
cachebot_tables(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	StatementRow *rows;
	int			n;

	InitMaterializedSRF(fcinfo, 0);
	rows = cachebot_statements_read(true, &n);
	for (int i = 0; i < n; i++)
	{
		StatementRow *r = &rows[i];
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};

		values[0] = ObjectIdGetDatum((Oid) r->query_id);
		values[1] = Int64GetDatum(r->counters.hits);
		values[2] = Int64GetDatum(r->counters.misses);
		values[3] = Int64GetDatum(r->counters.invalidations);
		if (r->counters.last_invalidation != 0)
			values[4] = TimestampTzGetDatum(r->counters.last_invalidation);
		else
			nulls[4] = true;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
