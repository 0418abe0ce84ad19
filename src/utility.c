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
#include "nesting.h"
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

static void
process_utility(PlannedStmt *pstmt, const char *queryString, bool readOnlyTree,
				ProcessUtilityContext context, ParamListInfo params,
				QueryEnvironment *queryEnv, DestReceiver *dest, QueryCompletion *qc)
{
	Node	   *parsetree = pstmt->utilityStmt;
	bool		nested = !runs_client_query(parsetree);
	uint64		reported;
	bool		lent;
	List	   *outer_created;
	List	   *created = NIL;

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
