/*
 * exprcheck.c
 *		What in a statement's expressions keeps its result from being cached.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/sysattr.h"
#include "catalog/namespace.h"
#include "catalog/objectaddress.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_class.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_ts_config.h"
#include "catalog/pg_ts_dict.h"
#include "catalog/pg_language.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/clauses.h"
#include "optimizer/optimizer.h"
#include "parser/parse_coerce.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "ddl.h"
#include "exprcheck.h"
#include "hint.h"

/*
 * ---- STABLE built-ins that read nothing but settings of the key ----
 *
 * A STABLE function may read anything that does not change within a
 * statement. These built-ins read only settings that are part of every
 * cache key (src/fingerprint.c), so that for a given key they compute as an
 * IMMUTABLE function would. They are named by OID: a function of the same
 * name in another schema is not one of them. Functions of the clock
 * (now(), the one-argument age(), timeofday(), CURRENT_DATE and its kind),
 * of randomness, sequences, the catalog (regclass output, to_regclass(),
 * enum output) or arbitrary settings (current_setting()) are not here, nor
 * are the date and time input functions ('now', 'today' read the clock).
 *
 * A "renders" function turns values of any type into text or JSON by their
 * types' output functions (or, for JSON, a user-defined cast to json): it
 * counts only where it is called directly (a FuncExpr) and every argument's
 * type renders with cacheable functions (type_renders_stably()).
 */
typedef struct SettingsFunction
{
	Oid			fn;
	bool		renders;		/* calls its arguments' types' output functions */
} SettingsFunction;

static const SettingsFunction settings_functions[] = {
	/* to_char(timestamptz): lc_time (TM names), TimeZone (the value, TZ, OF) */
	{F_TO_CHAR_TIMESTAMPTZ_TEXT, false},
	/* to_char(timestamp): lc_time (TM names) */
	{F_TO_CHAR_TIMESTAMP_TEXT, false},
	/* to_char(interval): lc_time (TM names) */
	{F_TO_CHAR_INTERVAL_TEXT, false},
	/* to_char of numbers: lc_numeric (D, G), lc_monetary (L) */
	{F_TO_CHAR_NUMERIC_TEXT, false},
	{F_TO_CHAR_INT4_TEXT, false},
	{F_TO_CHAR_INT8_TEXT, false},
	{F_TO_CHAR_FLOAT4_TEXT, false},
	{F_TO_CHAR_FLOAT8_TEXT, false},
	/* date_trunc(text, timestamptz): TimeZone */
	{F_DATE_TRUNC_TEXT_TIMESTAMPTZ, false},
	/* date_trunc(text, timestamptz, zone): the zone name, timezone_abbreviations */
	{F_DATE_TRUNC_TEXT_TIMESTAMPTZ_TEXT, false},
	/* date_part(text, timestamptz), EXTRACT(... FROM timestamptz): TimeZone */
	{F_DATE_PART_TEXT_TIMESTAMPTZ, false},
	{F_EXTRACT_TEXT_TIMESTAMPTZ, false},
	/* casts timestamptz::date, ::timestamp and back, date::timestamptz: TimeZone */
	{F_DATE_TIMESTAMPTZ, false},
	{F_TIMESTAMP_TIMESTAMPTZ, false},
	{F_TIMESTAMPTZ_TIMESTAMP, false},
	{F_TIMESTAMPTZ_DATE, false},
	/* timestamptz +/- interval (days across a DST change): TimeZone */
	{F_TIMESTAMPTZ_PL_INTERVAL, false},
	{F_TIMESTAMPTZ_MI_INTERVAL, false},
	/* output of timestamptz: DateStyle, TimeZone */
	{F_TIMESTAMPTZ_OUT, false},
	/* output of timestamp and date: DateStyle */
	{F_TIMESTAMP_OUT, false},
	{F_DATE_OUT, false},
	/* output of interval: IntervalStyle */
	{F_INTERVAL_OUT, false},
	/* output of money: lc_monetary */
	{F_CASH_OUT, false},
	/* output of arrays, rows, ranges, multiranges: their elements' output */
	{F_ARRAY_OUT, true},
	{F_RECORD_OUT, true},
	{F_RANGE_OUT, true},
	{F_MULTIRANGE_OUT, true},
	/* concat(), concat_ws() (Django's Concat): their arguments' output */
	{F_CONCAT, true},
	{F_CONCAT_WS, true},
	/* format(): its arguments' output */
	{F_FORMAT_TEXT_ANY, true},
	{F_FORMAT_TEXT, true},
	/*
	 * JSON builders: their arguments' output, or a user type's cast to json;
	 * timestamptz as ISO 8601 in TimeZone; floats by extra_float_digits
	 */
	{F_JSONB_BUILD_OBJECT_ANY, true},
	{F_JSONB_BUILD_OBJECT_, true},
	{F_JSON_BUILD_OBJECT_ANY, true},
	{F_JSON_BUILD_OBJECT_, true},
	{F_JSONB_BUILD_ARRAY_ANY, true},
	{F_JSONB_BUILD_ARRAY_, true},
	{F_JSON_BUILD_ARRAY_ANY, true},
	{F_JSON_BUILD_ARRAY_, true},
	{F_TO_JSONB, true},
	{F_TO_JSON, true},
	{F_ROW_TO_JSON_RECORD, true},
	{F_ROW_TO_JSON_RECORD_BOOL, true},
	{F_ARRAY_TO_JSON_ANYARRAY, true},
	{F_ARRAY_TO_JSON_ANYARRAY_BOOL, true},
};

/* fn's entry in settings_functions, or NULL. */
static const SettingsFunction *
settings_function(Oid fn)
{
	/* Built-ins only: skip the search for every user function. */
	if (fn >= FirstGenbkiObjectId)
		return NULL;
	for (int i = 0; i < lengthof(settings_functions); i++)
		if (settings_functions[i].fn == fn)
			return &settings_functions[i];
	return NULL;
}

/*
 * Is fn, called on arguments of the types its signature names, cacheable?
 * Also notes a SQL function, which the planner may inline.
 */
static bool
function_is_cacheable(Oid fn, bool *inlinable)
{
	HeapTuple	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(fn));
	Form_pg_proc proc;
	bool		ok;
	const SettingsFunction *sf;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for function %u", fn);
	proc = (Form_pg_proc) GETSTRUCT(tup);
	ok = proc->provolatile == PROVOLATILE_IMMUTABLE ||
		(proc->provolatile == PROVOLATILE_STABLE &&
		 (sf = settings_function(fn)) != NULL && !sf->renders);
	if (proc->prolang == SQLlanguageId && inlinable != NULL)
		*inlinable = true;
	ReleaseSysCache(tup);
	return ok;
}

/*
 * Does a value of typid become text (or JSON) through cacheable functions
 * only? Its output function must be IMMUTABLE or a settings-only one; an
 * array, row, range or multirange renders through its parts' types; a
 * user-defined type with a cast to json (which the JSON builders call
 * instead of its output function) needs that cast to be cacheable too. An
 * anonymous record's columns are known only when it runs: no.
 */
static bool
type_renders_stably(Oid typid)
{
	Oid			elem;
	Oid			outfn;
	bool		varlena;

	check_stack_depth();
	typid = getBaseType(typid);
	if (typid == RECORDOID || typid == RECORDARRAYOID)
		return false;
	if (OidIsValid(elem = get_element_type(typid)))
		return type_renders_stably(elem);
	if (type_is_rowtype(typid))
	{
		TupleDesc	desc = lookup_rowtype_tupdesc(typid, -1);
		bool		ok = true;

		for (int i = 0; i < desc->natts && ok; i++)
			if (!TupleDescAttr(desc, i)->attisdropped)
				ok = type_renders_stably(TupleDescAttr(desc, i)->atttypid);
		ReleaseTupleDesc(desc);
		return ok;
	}
	if (type_is_range(typid))
		return type_renders_stably(get_range_subtype(typid));
	if (type_is_multirange(typid))
		return type_renders_stably(get_multirange_range(typid));
	if (typid >= FirstNormalObjectId)
	{
		Oid			castfn;

		if (find_coercion_pathway(JSONOID, typid, COERCION_EXPLICIT, &castfn) ==
			COERCION_PATH_FUNC && OidIsValid(castfn) &&
			!function_is_cacheable(castfn, NULL))
			return false;
	}
	getTypeOutputInfo(typid, &outfn, &varlena);
	return function_is_cacheable(outfn, NULL);
}

static bool
function_checker(Oid funcid, void *context)
{
	ExprCheck  *check = context;

	if (!function_is_cacheable(funcid, &check->inlinable))
	{
		check->why = SKIP_MUTABLE_FUNCTION;
		check->funcid = funcid;
		return true;
	}
	check->functions = list_append_unique_oid(check->functions, funcid);
	return false;
}

/*
 * The functions node calls: true, with check->why set, if one is not
 * cacheable. A function rendering values of any type (settings_functions)
 * counts in a direct call whose arguments' types all render stably, and a
 * cast through text (CoerceViaIO) when its input's type renders stably and
 * its result type's input function is IMMUTABLE; elsewhere (an operator
 * made of one, say) their arguments' types are not known here, and they do
 * not count.
 */
static bool
node_functions_check(Node *node, ExprCheck *check)
{
	if (IsA(node, FuncExpr))
	{
		FuncExpr   *expr = (FuncExpr *) node;
		const SettingsFunction *sf = settings_function(expr->funcid);
		ListCell   *lc;

		if (sf == NULL || !sf->renders)
			return check_functions_in_node(node, function_checker, check);
		foreach(lc, expr->args)
			if (!type_renders_stably(exprType(lfirst(lc))))
			{
				check->why = SKIP_MUTABLE_FUNCTION;
				check->funcid = expr->funcid;
				return true;
			}
		check->functions = list_append_unique_oid(check->functions, expr->funcid);
		return false;
	}
	if (IsA(node, CoerceViaIO))
	{
		CoerceViaIO *io = (CoerceViaIO *) node;
		Oid			outfn;
		Oid			infn;
		Oid			ioparam;
		bool		varlena;

		getTypeOutputInfo(exprType((Node *) io->arg), &outfn, &varlena);
		getTypeInputInfo(io->resulttype, &infn, &ioparam);
		if (!type_renders_stably(exprType((Node *) io->arg)))
		{
			check->why = SKIP_MUTABLE_FUNCTION;
			check->funcid = outfn;
			check->cast_from = exprType((Node *) io->arg);
			check->cast_to = io->resulttype;
			return true;
		}
		check->functions = list_append_unique_oid(check->functions, outfn);
		if (function_checker(infn, check))
		{
			check->cast_from = exprType((Node *) io->arg);
			check->cast_to = io->resulttype;
			return true;
		}
		return false;
	}
	return check_functions_in_node(node, function_checker, check);
}

/*
 * The expressions a value of a row type can come from (the others pass on
 * their inputs' types): checked for the row types of temporary relations.
 */
static bool
makes_value(Node *node)
{
	switch (nodeTag(node))
	{
		case T_Var:
		case T_Const:
		case T_Param:
		case T_FuncExpr:
		case T_OpExpr:
		case T_Aggref:
		case T_WindowFunc:
		case T_RowExpr:
		case T_ArrayExpr:
		case T_RelabelType:
		case T_CoerceViaIO:
		case T_ArrayCoerceExpr:
		case T_ConvertRowtypeExpr:
		case T_CoerceToDomain:
			return true;
		default:
			return false;
	}
}

/* The temporary relation whose row type node makes a value of, if any. */
static Oid
private_rowtype_relation(Node *node)
{
	return makes_value(node) ? cachebot_ddl_private_rowtype_relation(exprType(node)) : InvalidOid;
}

/* ---- values made when the statement was parsed (see exprcheck.h) ---- */

/* The planner hook's mark in a plan's relationOids: no relation has it. */
#define PARSE_TIME_MARK InvalidOid

/* The catalog whose objects a scalar reg* type names, or InvalidOid. */
static Oid
reg_type_catalog(Oid typid)
{
	switch (typid)
	{
		case REGCLASSOID:
			return RelationRelationId;
		case REGTYPEOID:
			return TypeRelationId;
		case REGPROCOID:
		case REGPROCEDUREOID:
			return ProcedureRelationId;
		case REGOPEROID:
		case REGOPERATOROID:
			return OperatorRelationId;
		case REGNAMESPACEOID:
			return NamespaceRelationId;
		case REGCONFIGOID:
			return TSConfigRelationId;
		case REGDICTIONARYOID:
			return TSDictionaryRelationId;
		case REGCOLLATIONOID:
			return CollationRelationId;
		case REGROLEOID:
			return AuthIdRelationId;
		default:
			return InvalidOid;
	}
}

/*
 * Is the object a reg* constant names one of a temporary schema? Its name
 * resolved there only in this session, and no other part of the key says so
 * (the search path, in the key, names pg_temp alike in every session; a
 * permanent object that a name resolves to differently after a DDL is
 * covered by the catalog generation). A missing object is not: its OID,
 * given as a number, is the same in every session.
 */
static bool
names_private_object(Oid catalog, Oid objectId)
{
	ObjectAddress address;
	int			cache;
	Oid			namespace;

	if (catalog == AuthIdRelationId)
		return false;			/* roles belong to no schema */
	if (catalog == NamespaceRelationId)
		return isAnyTempNamespace(objectId);
	cache = get_object_catcache_oid(catalog);
	if (cache < 0 || !SearchSysCacheExists1(cache, ObjectIdGetDatum(objectId)))
		return false;
	ObjectAddressSet(address, catalog, objectId);
	namespace = get_object_namespace(&address);
	return OidIsValid(namespace) && isAnyTempNamespace(namespace);
}

/*
 * Can a constant of this type hold a value parsing made that the key does
 * not tell apart whatever its text (*unkeyed: a reg* value inside an array,
 * range, row or domain, unread; a time with time zone, whose offset is
 * today's), or a date or time that a literal of the clock may have made
 * (*dated), itself or in an element, a range's bound or a field? (A reg*
 * value itself is told by const_parse_time().)
 */
static void
parse_time_kinds(Oid typid, bool *unkeyed, bool *dated)
{
	TypeCacheEntry *tce;

	check_stack_depth();
	switch (typid)
	{
			/* the most common types, answered without a lookup */
		case BOOLOID:
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case FLOAT4OID:
		case FLOAT8OID:
		case NUMERICOID:
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
		case NAMEOID:
		case OIDOID:
		case UUIDOID:
		case JSONOID:
		case JSONBOID:
		case BYTEAOID:
		case INTERVALOID:
		case UNKNOWNOID:
		case INT4ARRAYOID:
		case INT8ARRAYOID:
		case TEXTARRAYOID:
			return;
		case DATEOID:
		case TIMEOID:
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			*dated = true;
			return;
		case TIMETZOID:
			/* a time without a date takes today's offset from the clock */
			*unkeyed = true;
			return;
	}
	if (OidIsValid(reg_type_catalog(typid)))
	{
		*unkeyed = true;
		return;
	}
	tce = lookup_type_cache(typid, TYPECACHE_DOMAIN_BASE_INFO | TYPECACHE_RANGE_INFO |
							TYPECACHE_MULTIRANGE_INFO);
	if (tce->typtype == TYPTYPE_DOMAIN)
		parse_time_kinds(tce->domainBaseType, unkeyed, dated);
	else if (tce->typlen == -1 && OidIsValid(tce->typelem))	/* an array */
		parse_time_kinds(tce->typelem, unkeyed, dated);
	else if (tce->typtype == TYPTYPE_RANGE && tce->rngelemtype != NULL)
		parse_time_kinds(tce->rngelemtype->type_id, unkeyed, dated);
	else if (tce->typtype == TYPTYPE_MULTIRANGE && tce->rngtype != NULL)
		parse_time_kinds(tce->rngtype->type_id, unkeyed, dated);
	else if (tce->typtype == TYPTYPE_COMPOSITE)
	{
		/* (pinned: looking up a field's type may process invalidations) */
		TupleDesc	desc = lookup_rowtype_tupdesc(typid, -1);

		for (int i = 0; i < desc->natts && !*unkeyed; i++)
			if (!TupleDescAttr(desc, i)->attisdropped)
				parse_time_kinds(TupleDescAttr(desc, i)->atttypid, unkeyed, dated);
		ReleaseTupleDesc(desc);
	}
}

/* What a constant holds that parsing made (see parse_time_kinds()). */
static void
const_parse_time(Const *constant, bool *unkeyed, bool *dated)
{
	Oid			catalog;

	if (constant->constisnull)
		return;
	catalog = reg_type_catalog(constant->consttype);
	if (!OidIsValid(catalog))
		parse_time_kinds(constant->consttype, unkeyed, dated);
	else if (names_private_object(catalog, DatumGetObjectId(constant->constvalue)))
		*unkeyed = true;
}

static bool
exprcheck_walker(Node *node, ExprCheck *check)
{
	if (node == NULL)
		return false;
	check_stack_depth();

	if (check->parse_time && IsA(node, Const))
	{
		bool		unkeyed = false;

		const_parse_time((Const *) node, &unkeyed, &check->dated);
		if (unkeyed)
		{
			check->why = SKIP_PARSE_TIME_VALUE;
			return true;
		}
	}

	if (node_functions_check(node, check))
		return true;
	if (OidIsValid(private_rowtype_relation(node)))
	{
		check->why = SKIP_TEMPORARY;
		return true;
	}
	if (IsA(node, SQLValueFunction) || IsA(node, NextValueExpr))
	{
		check->why = SKIP_MUTABLE_FUNCTION;
		return true;
	}
	if (IsA(node, Var) && ((Var *) node)->varattno < 0 &&
		((Var *) node)->varattno != TableOidAttributeNumber)
	{
		check->why = SKIP_SYSTEM_COLUMN;
		return true;
	}

	if (IsA(node, Query))
		return query_tree_walker((Query *) node, exprcheck_walker, check, 0);
	return expression_tree_walker(node, exprcheck_walker, check);
}

bool
cachebot_exprcheck_walk(Node *node, ExprCheck *check)
{
	return exprcheck_walker(node, check);
}

typedef struct BeforePlanning
{
	List	   *relids;			/* temporary relations' row types used */
	bool		unkeyed;		/* a value the key does not tell apart */
	bool		dated;			/* a date or time constant */
} BeforePlanning;

static bool
before_planning_walker(Node *node, BeforePlanning *found)
{
	Oid			relid;

	if (node == NULL)
		return false;
	check_stack_depth();
	if (OidIsValid(relid = private_rowtype_relation(node)))
		found->relids = list_append_unique_oid(found->relids, relid);
	if (IsA(node, Const) && !found->unkeyed)
		const_parse_time((Const *) node, &found->unkeyed, &found->dated);
	if (IsA(node, Query))
		return query_tree_walker((Query *) node, before_planning_walker, found, 0);
	return expression_tree_walker(node, before_planning_walker, found);
}

List *
cachebot_exprcheck_before_planning(Query *query, const char *text, int textlen)
{
	BeforePlanning found = {NIL, false, false};

	(void) before_planning_walker((Node *) query, &found);
	if (found.unkeyed ||
		(found.dated && (text == NULL || cachebot_hint_clock_literal(text, textlen))))
		found.relids = lappend_oid(found.relids, PARSE_TIME_MARK);
	return found.relids;
}

bool
cachebot_exprcheck_marked(const PlannedStmt *plan)
{
	return list_member_oid(plan->relationOids, PARSE_TIME_MARK);
}

SkipReason
cachebot_exprcheck_result_types(List *targetlist)
{
	ListCell   *lc;

	foreach(lc, targetlist)
	{
		TargetEntry *tle = lfirst_node(TargetEntry, lc);
		Oid			type;

		if (tle->resjunk)
			continue;
		type = exprType((Node *) tle->expr);
		if (type == RECORDOID || type == RECORDARRAYOID)
			return SKIP_RECORD_TYPE;
	}
	return SKIP_NONE;
}

bool
cachebot_exprs_may_fail(Node *exprs)
{
	ListCell   *lc;

	check_stack_depth();
	if (exprs == NULL)
		return false;
	if (!IsA(exprs, List))
		return contain_leaked_vars(exprs);
	foreach(lc, (List *) exprs)
	{
		Node	   *expr = lfirst(lc);

		if (expr == NULL)
			continue;
		if (IsA(expr, TargetEntry))
			expr = (Node *) ((TargetEntry *) expr)->expr;
		if (IsA(expr, List) ? cachebot_exprs_may_fail(expr) : contain_leaked_vars(expr))
			return true;
	}
	return false;
}
