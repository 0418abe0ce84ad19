/*
 * utility.c
 *		The object access and ProcessUtility hooks.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/objectaccess.h"
#include "catalog/pg_class.h"
#include "tcop/utility.h"

#include "ddl.h"
#include "hint.h"
#include "nesting.h"
#include "settings.h"
#include "tracking.h"
#include "utility.h"
#include "xact.h"

static object_access_hook_type prev_object_access_hook = NULL;
static ProcessUtility_hook_type prev_process_utility = NULL;

static void
object_access(ObjectAccessType access, Oid classId, Oid objectId, int subId, void *arg)
{
	if (prev_object_access_hook)
		prev_object_access_hook(access, classId, objectId, subId, arg);

	if (!IsTransactionState())
		return;
	switch (access)
	{
		case OAT_POST_CREATE:
			if (classId == RelationRelationId && subId == 0)
				cachebot_tracking_note_created(objectId);
			cachebot_ddl_note_object(classId, objectId, false);
			break;
		case OAT_POST_ALTER:
			cachebot_ddl_note_object(classId, objectId, false);
			break;
		case OAT_DROP:
			cachebot_ddl_note_object(classId, objectId, true);
			break;
		case OAT_TRUNCATE:
			/* Data, not catalog: what read the table is out of date. */
			cachebot_xact_collect_generation(objectId);
			break;
		default:
			break;
	}
}

/*
 * Utility commands that only run the client's own query: the statement they
 * run is the client's, not a nested one.
 */
static bool
runs_client_query(Node *parsetree)
{
	switch (nodeTag(parsetree))
	{
		case T_ExecuteStmt:
		case T_DeclareCursorStmt:
		case T_FetchStmt:
		case T_ClosePortalStmt:
		case T_ExplainStmt:
		case T_PrepareStmt:
			return true;
		default:
			return false;
	}
}

/*
 * A cursor's statement is its query: cachebot reads its hint and keys its
 * text (the cursor's name left out, so that cursors of any name over one
 * query share its entry). Parse analysis leaves a nested query's location
 * unset (the whole source string): give the DECLARE's query that of its
 * text after FOR, which the planner copies into its plan.
 */
static PlannedStmt *
locate_cursor_query(PlannedStmt *pstmt, const char *queryString, bool *readOnlyTree)
{
	DeclareCursorStmt *stmt = (DeclareCursorStmt *) pstmt->utilityStmt;
	int			location;
	int			length;
	Query	   *query;

	if (!cachebot_enabled || queryString == NULL || stmt->query == NULL ||
		!IsA(stmt->query, Query) ||
		!cachebot_hint_cursor_query(queryString, pstmt->stmt_location, pstmt->stmt_len,
									&location, &length))
		return pstmt;
	if (*readOnlyTree)
	{
		/* A cached statement's tree: standard_ProcessUtility would copy it too. */
		pstmt = copyObject(pstmt);
		stmt = (DeclareCursorStmt *) pstmt->utilityStmt;
		*readOnlyTree = false;
	}
	query = castNode(Query, stmt->query);
	query->stmt_location = location;
	query->stmt_len = length;
	return pstmt;
}

static void
process_utility(PlannedStmt *pstmt, const char *queryString, bool readOnlyTree,
				ProcessUtilityContext context, ParamListInfo params,
				QueryEnvironment *queryEnv, DestReceiver *dest, QueryCompletion *qc)
{
	Node	   *parsetree;
	bool		nested;
	uint64		reported;
	bool		lent;
	List	   *outer_created;
	List	   *created = NIL;

	if (IsA(pstmt->utilityStmt, DeclareCursorStmt))
		pstmt = locate_cursor_query(pstmt, queryString, &readOnlyTree);
	parsetree = pstmt->utilityStmt;
	nested = !runs_client_query(parsetree);

	if (IsA(parsetree, TransactionStmt))
		cachebot_xact_before_transaction_command((TransactionStmt *) parsetree);
	lent = cachebot_tracking_before_utility(parsetree);
	reported = cachebot_ddl_before_utility(parsetree);

	if (nested)
		nesting_enter();
	outer_created = cachebot_tracking_auto_enter();
	PG_TRY();
	{
		if (prev_process_utility)
			prev_process_utility(pstmt, queryString, readOnlyTree, context, params,
								 queryEnv, dest, qc);
		else
			standard_ProcessUtility(pstmt, queryString, readOnlyTree, context, params,
									queryEnv, dest, qc);
	}
	PG_FINALLY();
	{
		created = cachebot_tracking_auto_leave(outer_created);
		if (nested)
			nesting_leave();
	}
	PG_END_TRY();

	cachebot_ddl_after_utility(parsetree, reported);
	cachebot_tracking_after_utility(parsetree, lent);
	cachebot_tracking_auto_track(created);
}

void
cachebot_utility_install_hooks(void)
{
	prev_object_access_hook = object_access_hook;
	object_access_hook = object_access;
	prev_process_utility = ProcessUtility_hook;
	ProcessUtility_hook = process_utility;
}
