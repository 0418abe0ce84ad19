/*
 * exprcheck.c
 *		What in a statement's expressions keeps its result from being cached.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/sysattr.h"
#include "catalog/pg_language.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "utils/syscache.h"

#include "ddl.h"
#include "exprcheck.h"

static bool
function_checker(Oid funcid, void *context)
{
	ExprCheck  *check = context;
	HeapTuple	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(funcid));
	Form_pg_proc proc;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for function %u", funcid);
	proc = (Form_pg_proc) GETSTRUCT(tup);
	if (proc->provolatile != PROVOLATILE_IMMUTABLE)
		check->why = SKIP_MUTABLE_FUNCTION;
	if (proc->prolang == SQLlanguageId)
		check->inlinable = true;
	ReleaseSysCache(tup);
	if (check->why != SKIP_NONE)
		return true;
	check->functions = list_append_unique_oid(check->functions, funcid);
	return false;
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

static bool
exprcheck_walker(Node *node, ExprCheck *check)
{
	if (node == NULL)
		return false;
	check_stack_depth();

	if (check_functions_in_node(node, function_checker, check))
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

static bool
private_rowtypes_walker(Node *node, List **relids)
{
	Oid			relid;

	if (node == NULL)
		return false;
	check_stack_depth();
	if (OidIsValid(relid = private_rowtype_relation(node)))
		*relids = list_append_unique_oid(*relids, relid);
	if (IsA(node, Query))
		return query_tree_walker((Query *) node, private_rowtypes_walker, relids, 0);
	return expression_tree_walker(node, private_rowtypes_walker, relids);
}

List *
cachebot_exprcheck_private_rowtypes(Query *query)
{
	List	   *relids = NIL;

	(void) private_rowtypes_walker((Node *) query, &relids);
	return relids;
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
