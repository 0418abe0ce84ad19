/*
 * ddl.c
 *		Which transactions change what statements mean.
 *
 * Every created, altered or dropped object is recorded (utility.c reports
 * them); whether one was session-private is decided at pre-commit, when
 * every object the transaction created is visible in the catalog (a dropped
 * one is classified when it is dropped, while it still exists).
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/catalog.h"
#include "catalog/namespace.h"
#include "catalog/objectaccess.h"
#include "catalog/pg_attrdef.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_largeobject_metadata.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_policy.h"
#include "catalog/pg_rewrite.h"
#include "catalog/pg_statistic_ext.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "parser/parsetree.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "ddl.h"

/* An object the transaction created, altered or dropped. */
typedef struct ObjectChange
{
	Oid			classId;
	Oid			objectId;
	bool		classified;		/* dropped: classified while it existed */
	bool		private;
} ObjectChange;

static struct
{
	bool		changed;		/* something may have changed: no lookups */
	bool		permanent;		/* a permanent change is certain */
	bool		shared;			/* a shared catalog changed */
	int			nobjects;
	int			maxobjects;
	ObjectChange *objects;		/* in TopTransactionContext */
	uint64		nreported;		/* object access reports, ever */
}			xact_ddl;

/*
 * ---- session-private objects ----
 *
 * Statements that read a temporary relation are never cached, so changing
 * one (or a part of one: its row type, constraints, indexes, triggers,
 * defaults, rules, policies, statistics) need not invalidate anything. That
 * keeps applications that create temporary tables all the time from
 * flushing the cache. Any other temporary object (a function, a domain, a
 * composite type of pg_temp) invalidates like a permanent one: statements
 * that use it may be cached (its OID is in their query ID).
 */

static bool
relation_is_private(Oid relid, bool *exists)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Form_pg_class rel;
	bool		private;

	*exists = HeapTupleIsValid(tup);
	if (!*exists)
		return false;
	rel = (Form_pg_class) GETSTRUCT(tup);
	private = rel->relpersistence == RELPERSISTENCE_TEMP &&
		rel->relkind != RELKIND_COMPOSITE_TYPE;
	ReleaseSysCache(tup);
	return private;
}

/* A row type or its array type: private with its relation. */
static bool
type_is_private(Oid typid, bool *exists)
{
	HeapTuple	tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(typid));
	Oid			relid = InvalidOid;

	*exists = HeapTupleIsValid(tup);
	if (!*exists)
		return false;
	if (OidIsValid(((Form_pg_type) GETSTRUCT(tup))->typrelid))
		relid = ((Form_pg_type) GETSTRUCT(tup))->typrelid;
	else if (OidIsValid(((Form_pg_type) GETSTRUCT(tup))->typelem))
		relid = get_typ_typrelid(((Form_pg_type) GETSTRUCT(tup))->typelem);
	ReleaseSysCache(tup);
	return OidIsValid(relid) && relation_is_private(relid, exists);
}

Oid
cachebot_ddl_private_rowtype_relation(Oid typid)
{
	HeapTuple	tup;
	Form_pg_type form;
	Oid			next = InvalidOid;
	Oid			relid = InvalidOid;
	bool		exists;

	/* PostgreSQL's own types come first in the OID space, and are not. */
	if (typid < FirstNormalObjectId)
		return InvalidOid;
	tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(typid));
	if (!HeapTupleIsValid(tup))
		return InvalidOid;
	form = (Form_pg_type) GETSTRUCT(tup);
	if (form->typtype == TYPTYPE_DOMAIN)
		next = form->typbasetype;
	else if (IsTrueArrayType(form))
		next = form->typelem;
	else if (OidIsValid(form->typrelid) && relation_is_private(form->typrelid, &exists))
		relid = form->typrelid;
	ReleaseSysCache(tup);
	if (OidIsValid(next))
	{
		check_stack_depth();
		return cachebot_ddl_private_rowtype_relation(next);
	}
	return relid;
}

/*
 * The relation an object without a syscache belongs to (a trigger, a column
 * default, a rule, a policy), read through its catalog's OID index.
 */
static Oid
owning_relation(Oid catalog, Oid oidindex, AttrNumber oidcol, AttrNumber relcol,
				Oid objectId, bool *exists)
{
	Relation	rel = table_open(catalog, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	Oid			relid = InvalidOid;

	ScanKeyInit(&key, oidcol, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(objectId));
	scan = systable_beginscan(rel, oidindex, true, NULL, 1, &key);
	tup = systable_getnext(scan);
	*exists = HeapTupleIsValid(tup);
	if (*exists)
	{
		bool		isnull;
		Datum		d = heap_getattr(tup, relcol, RelationGetDescr(rel), &isnull);

		if (!isnull)
			relid = DatumGetObjectId(d);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return relid;
}

static bool
object_is_private(Oid classId, Oid objectId, bool *exists)
{
	Oid			relid = InvalidOid;
	HeapTuple	tup;

	*exists = true;
	switch (classId)
	{
		case RelationRelationId:
			return relation_is_private(objectId, exists);
		case TypeRelationId:
			return type_is_private(objectId, exists);
		case NamespaceRelationId:
			/* created the first time the session needs a temporary schema */
			tup = SearchSysCache1(NAMESPACEOID, ObjectIdGetDatum(objectId));
			*exists = HeapTupleIsValid(tup);
			if (*exists)
				ReleaseSysCache(tup);
			return *exists && isAnyTempNamespace(objectId);
		case ConstraintRelationId:
			tup = SearchSysCache1(CONSTROID, ObjectIdGetDatum(objectId));
			*exists = HeapTupleIsValid(tup);
			if (!*exists)
				return false;
			relid = ((Form_pg_constraint) GETSTRUCT(tup))->conrelid;
			ReleaseSysCache(tup);
			break;
		case StatisticExtRelationId:
			tup = SearchSysCache1(STATEXTOID, ObjectIdGetDatum(objectId));
			*exists = HeapTupleIsValid(tup);
			if (!*exists)
				return false;
			relid = ((Form_pg_statistic_ext) GETSTRUCT(tup))->stxrelid;
			ReleaseSysCache(tup);
			break;
		case TriggerRelationId:
			relid = owning_relation(TriggerRelationId, TriggerOidIndexId, Anum_pg_trigger_oid,
									Anum_pg_trigger_tgrelid, objectId, exists);
			break;
		case AttrDefaultRelationId:
			relid = owning_relation(AttrDefaultRelationId, AttrDefaultOidIndexId,
									Anum_pg_attrdef_oid, Anum_pg_attrdef_adrelid,
									objectId, exists);
			break;
		case RewriteRelationId:
			relid = owning_relation(RewriteRelationId, RewriteOidIndexId, Anum_pg_rewrite_oid,
									Anum_pg_rewrite_ev_class, objectId, exists);
			break;
		case PolicyRelationId:
			relid = owning_relation(PolicyRelationId, PolicyOidIndexId, Anum_pg_policy_oid,
									Anum_pg_policy_polrelid, objectId, exists);
			break;
		default:
			return false;
	}
	if (!*exists || !OidIsValid(relid))
		return false;
	return relation_is_private(relid, exists);
}

bool
cachebot_ddl_in_xact(void)
{
	return xact_ddl.changed;
}

void
cachebot_ddl_forget(void)
{
	xact_ddl.changed = false;
	xact_ddl.permanent = false;
	xact_ddl.shared = false;
	xact_ddl.nobjects = 0;
	xact_ddl.maxobjects = 0;
	xact_ddl.objects = NULL;
}

void
cachebot_ddl_note_object(Oid classId, Oid objectId, bool dropped)
{
	ObjectChange *change;

	xact_ddl.changed = true;
	xact_ddl.nreported++;
	if (IsSharedRelation(classId))
	{
		xact_ddl.shared = true;
		return;
	}
	/* Large objects are data reached through volatile functions only. */
	if (classId == LargeObjectMetadataRelationId)
		return;
	if (xact_ddl.permanent)
		return;					/* decided already */

	if (xact_ddl.nobjects == xact_ddl.maxobjects)
	{
		int			n = Max(16, xact_ddl.maxobjects * 2);

		xact_ddl.objects = xact_ddl.objects ?
			repalloc(xact_ddl.objects, n * sizeof(ObjectChange)) :
			MemoryContextAlloc(TopTransactionContext, n * sizeof(ObjectChange));
		xact_ddl.maxobjects = n;
	}
	change = &xact_ddl.objects[xact_ddl.nobjects++];
	change->classId = classId;
	change->objectId = objectId;
	change->classified = dropped;
	if (dropped)
	{
		bool		exists;

		change->private = object_is_private(classId, objectId, &exists);
		if (!change->private)
			xact_ddl.permanent = true;
	}
}

void
cachebot_ddl_changes_at_commit(bool *database, bool *shared)
{
	for (int i = 0; i < xact_ddl.nobjects && !xact_ddl.permanent; i++)
	{
		ObjectChange *change = &xact_ddl.objects[i];
		bool		exists;

		CHECK_FOR_INTERRUPTS();
		if (change->classified)
			continue;
		/* Created or altered, then dropped: its drop was classified. */
		if (!object_is_private(change->classId, change->objectId, &exists) && exists)
			xact_ddl.permanent = true;
	}
	*database = xact_ddl.permanent;
	*shared = xact_ddl.shared;
}

/* A system catalog written directly, as only superusers can. */
static void
note_catalog_write(Oid relid)
{
	xact_ddl.changed = true;
	if (IsSharedRelation(relid))
		xact_ddl.shared = true;
	else
		xact_ddl.permanent = true;
}

void
cachebot_ddl_note_plan(PlannedStmt *stmt)
{
	ListCell   *lc;

	foreach(lc, stmt->resultRelations)
	{
		RangeTblEntry *rte = rt_fetch(lfirst_int(lc), stmt->rtable);

		if (IsCatalogRelationOid(rte->relid))
			note_catalog_write(rte->relid);
	}
}

/* Utility commands that never change the catalog. */
static bool
leaves_catalog_alone(Node *parsetree)
{
	switch (nodeTag(parsetree))
	{
		case T_TransactionStmt:
		case T_VariableSetStmt:
		case T_VariableShowStmt:
		case T_ExplainStmt:
		case T_CopyStmt:
		case T_PrepareStmt:
		case T_ExecuteStmt:
		case T_DeallocateStmt:
		case T_DeclareCursorStmt:
		case T_FetchStmt:
		case T_ClosePortalStmt:
		case T_ListenStmt:
		case T_UnlistenStmt:
		case T_NotifyStmt:
		case T_LoadStmt:
		case T_CheckPointStmt:
		case T_LockStmt:
		case T_DiscardStmt:
		case T_ConstraintsSetStmt:
		case T_DoStmt:			/* what they run reports itself */
		case T_CallStmt:
		case T_VacuumStmt:
		case T_ClusterStmt:
		case T_ReindexStmt:
		case T_RefreshMatViewStmt:
		case T_TruncateStmt:
		case T_CommentStmt:
		case T_SecLabelStmt:
		case T_AlterSystemStmt:
			return true;
		default:
			return false;
	}
}

/*
 * A command that reported no object changed nothing when all it can create
 * is temporary (a CREATE TEMP ... IF NOT EXISTS that found the object) or
 * when it is a DROP (DROP reports every object it drops).
 */
static bool
silent_means_unchanged(Node *parsetree)
{
	switch (nodeTag(parsetree))
	{
		case T_DropStmt:
			return true;
		case T_CreateStmt:
			return ((CreateStmt *) parsetree)->relation->relpersistence == RELPERSISTENCE_TEMP;
		case T_ViewStmt:
			return ((ViewStmt *) parsetree)->view->relpersistence == RELPERSISTENCE_TEMP;
		case T_CreateTableAsStmt:
			return ((CreateTableAsStmt *) parsetree)->into->rel->relpersistence == RELPERSISTENCE_TEMP;
		case T_CreateSeqStmt:
			return ((CreateSeqStmt *) parsetree)->sequence->relpersistence == RELPERSISTENCE_TEMP;
		default:
			return false;
	}
}

/*
 * ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY commits a first
 * transaction inside the command, after which new snapshots no longer see
 * the partition's rows, and may report no object changed in it (when the
 * partition has a CHECK constraint matching its bound already); the command
 * may then fail, or be cancelled, as it waits for older transactions. That
 * first commit must invalidate on its own.
 */
static bool
detaches_concurrently(Node *parsetree)
{
	ListCell   *lc;

	if (!IsA(parsetree, AlterTableStmt))
		return false;
	foreach(lc, ((AlterTableStmt *) parsetree)->cmds)
	{
		AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);

		if (cmd->subtype == AT_DetachPartition && cmd->def != NULL &&
			((PartitionCmd *) cmd->def)->concurrent)
			return true;
	}
	return false;
}

uint64
cachebot_ddl_before_utility(Node *parsetree)
{
	if (!leaves_catalog_alone(parsetree))
		xact_ddl.changed = true;
	if (detaches_concurrently(parsetree))
		xact_ddl.permanent = true;

	/* COPY FROM into a system catalog (superusers) writes it like INSERT. */
	if (IsA(parsetree, CopyStmt) && ((CopyStmt *) parsetree)->is_from &&
		((CopyStmt *) parsetree)->relation != NULL)
	{
		Oid			relid = RangeVarGetRelid(((CopyStmt *) parsetree)->relation, NoLock, true);

		if (OidIsValid(relid) && IsCatalogRelationOid(relid))
			note_catalog_write(relid);
	}
	return xact_ddl.nreported;
}

void
cachebot_ddl_after_utility(Node *parsetree, uint64 reported_before)
{
	if (!leaves_catalog_alone(parsetree) && xact_ddl.nreported == reported_before &&
		!silent_means_unchanged(parsetree))
		xact_ddl.permanent = true;	/* a change PostgreSQL does not report */
}
