/*
 * exprcheck.c
 *		What in a statement's expressions keeps its result from being cached.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/sysattr.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "utils/syscache.h"

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
	ReleaseSysCache(tup);
	if (check->why != SKIP_NONE)
		return true;
	check->functions = list_append_unique_oid(check->functions, funcid);
	return false;
}

static bool
exprcheck_walker(Node *node, ExprCheck *check)
{
	if (node == NULL)
		return false;
	check_stack_depth();

	if (check_functions_in_node(node, function_checker, check))
		return true;
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
exprcheck_walk(Node *node, ExprCheck *check)
{
	return exprcheck_walker(node, check);
}

SkipReason
exprcheck_result_types(List *targetlist)
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
