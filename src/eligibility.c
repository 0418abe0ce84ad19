/*
 * eligibility.c
 *		Which statement executions are cached, under which key, depending on
 *		which version records.
 */
#include "postgres.h"

#include "access/parallel.h"
#include "access/relation.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "catalog/pg_trigger.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/clauses.h"
#include "optimizer/optimizer.h"
#include "parser/parse_func.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "ddl.h"
#include "deps.h"
#include "eligibility.h"
#include "exprcheck.h"
#include "fingerprint.h"
#include "store.h"
#include "tracking.h"
#include "xact.h"
#include "settings.h"

void
cachebot_eligibility_init(void)
{
	cachebot_tracking_init();
}

static void
add_dep(CacheDecision *d, DepKind kind, Oid relid)
{
	cachebot_depset_add(&d->deps, kind, relid, 0, 0, NULL);
}

/*
 * Checks every relation of rtable; collects their generation keys and, in
 * targets (indexed by range table index), how each is tracked. from_query
 * marks the range tables of a query not yet planned: there, partitioned and
 * inherited tables (whose children the planner adds) and TABLESAMPLE are
 * left to the executor's decision, and (T, *) stands for the scans to come.
 *
 * Every entry depends on the epoch and on its database's catalog generation
 * (first and second): what the statement's names resolve to, and what the
 * views and functions it uses are, is covered by the latter.
 */
static SkipReason
check_relations(List *rtable, bool from_query, CacheDecision *d, ScanTarget **targets_out)
{
	ListCell   *lc;
	ScanTarget *targets = palloc0((list_length(rtable) + 1) * sizeof(ScanTarget));

	*targets_out = targets;
	cachebot_depset_start(&d->deps);

	foreach(lc, rtable)
	{
		RangeTblEntry *rte = lfirst_node(RangeTblEntry, lc);
		ScanTarget *target = &targets[foreach_current_index(lc) + 1];
		Relation	rel;
		SkipReason	why = SKIP_NONE;

		target->nhinted = -1;
		if (rte->rtekind == RTE_TABLEFUNC || rte->rtekind == RTE_NAMEDTUPLESTORE)
			return SKIP_UNSUPPORTED;
		if (rte->rtekind != RTE_RELATION)
			continue;

		/* Locked already: by the parser, or by the plan cache for a reused plan. */
		rel = RelationIdGetRelation(rte->relid);
		if (!RelationIsValid(rel))
			return SKIP_UNTRACKED_TABLE;
		if (rel->rd_rel->relpersistence == RELPERSISTENCE_TEMP)
			why = SKIP_TEMPORARY;
		else if (rte->relkind == RELKIND_VIEW)
		{
			/* Read through the tables it expands to. */
			RelationClose(rel);
			continue;
		}
		else if (rte->relkind != RELKIND_RELATION && rte->relkind != RELKIND_PARTITIONED_TABLE)
			why = SKIP_UNTRACKED_TABLE;
		else if (from_query && (rte->relkind == RELKIND_PARTITIONED_TABLE ||
								rte->tablesample != NULL ||
								(rte->inh && rel->rd_rel->relhassubclass)))
			why = SKIP_UNSUPPORTED;
		else if (rel->rd_rel->relpersistence != RELPERSISTENCE_PERMANENT ||
				 !(target->tracked = cachebot_tracking_lookup(rel, &target->info)))
			why = SKIP_UNTRACKED_TABLE;
		else if (rel->rd_rel->relrowsecurity)
			why = SKIP_ROW_SECURITY;
		RelationClose(rel);
		if (why != SKIP_NONE)
		{
			d->skip_relid = rte->relid;
			return why;
		}
		if (cachebot_xact_wrote(target->info.root) || cachebot_xact_wrote(rte->relid))
		{
			d->skip_relid = rte->relid;
			return SKIP_WRITTEN_IN_XACT;
		}
		/* TRUNCATE and invalidate_table() move a table's generation. */
		add_dep(d, DEP_GENERATION, rte->relid);
		target->own_root = target->info.root == rte->relid;
		if (!target->own_root)
			add_dep(d, DEP_GENERATION, target->info.root);
		if (from_query)
			add_dep(d, DEP_ANY_ROW, target->info.root);
	}
	return SKIP_NONE;
}

/* The name a hint qualifier can use for an entry: its alias, or its table's name. */
static bool
qualifier_matches(RangeTblEntry *rte, const char *qualifier)
{
	if (rte->alias != NULL)
		return strcmp(rte->alias->aliasname, qualifier) == 0;
	return rte->eref != NULL && strcmp(rte->eref->aliasname, qualifier) == 0;
}

/*
 * Resolves the hint's columns against the tracked tables the plan reads:
 * each table a listed column belongs to is keyed by its listed columns
 * only. An unknown or ambiguous name is a bad hint.
 */
static SkipReason
resolve_hint_columns(List *rtable, ScanTarget *targets, CacheDecision *d)
{
	ListCell   *hc;

	foreach(hc, d->hint.columns)
	{
		HintColumn *col = lfirst(hc);
		Oid			found_rel = InvalidOid;
		AttrNumber	found_att = InvalidAttrNumber;
		bool		ambiguous = false;
		ListCell   *lc;

		foreach(lc, rtable)
		{
			RangeTblEntry *rte = lfirst_node(RangeTblEntry, lc);
			ScanTarget *target = &targets[foreach_current_index(lc) + 1];
			AttrNumber	attnum;

			if (rte->rtekind != RTE_RELATION || !target->tracked || !rte->inFromCl)
				continue;
			/*
			 * The partitions and children the planner added for a table the
			 * statement reads, whose permissions are the table's: the table
			 * resolves the column (a partition named in the statement does).
			 */
			if (rte->requiredPerms == 0)
				continue;
			if (col->qualifier && !qualifier_matches(rte, col->qualifier))
				continue;
			attnum = get_attnum(rte->relid, col->column);
			if (attnum <= 0)
				continue;
			if (OidIsValid(found_rel) && found_rel != rte->relid)
				ambiguous = true;
			found_rel = rte->relid;
			found_att = attnum;
		}
		if (!OidIsValid(found_rel) || ambiguous)
		{
			d->bad_column = col->qualifier ? psprintf("%s.%s", col->qualifier, col->column)
				: pstrdup(col->column);
			d->bad_column_ambiguous = ambiguous;
			return SKIP_BAD_HINT;
		}
		foreach(lc, rtable)
		{
			RangeTblEntry *rte = lfirst_node(RangeTblEntry, lc);
			ScanTarget *target = &targets[foreach_current_index(lc) + 1];

			if (rte->rtekind != RTE_RELATION || rte->relid != found_rel)
				continue;
			/*
			 * A column its table's writes do not key: the statement depends
			 * on the whole table. Said (report.h); a bad hint under strict.
			 */
			if (target->own_root && d->unkeyed_column == NULL &&
				!cachebot_tracking_is_keyed(&target->info, found_att))
			{
				d->unkeyed_column = col->qualifier ?
					psprintf("%s.%s", col->qualifier, col->column) : pstrdup(col->column);
				d->unkeyed_relid = found_rel;
				if (cachebot_strict)
				{
					d->bad_column = d->unkeyed_column;
					return SKIP_BAD_HINT;
				}
			}
			if (target->nhinted < 0)
				target->nhinted = 0;
			if (target->nhinted < TRACK_MAX_KEYED)
				target->hinted[target->nhinted++] = found_att;
		}
	}
	return SKIP_NONE;
}

/*
 * The relations a plan depends on beyond its range table (an inlined
 * function's, regclass constants, the row types the planner hook found,
 * see exprcheck.h): a temporary one makes the statement session-private.
 */
static SkipReason
check_plan_dependencies(List *relation_oids)
{
	ListCell   *lc;

	foreach(lc, relation_oids)
	{
		HeapTuple	tup;
		bool		temporary;

		/* (the planner hook's mark, read below: cachebot_exprcheck_marked) */
		if (!OidIsValid(lfirst_oid(lc)))
			continue;
		/* A regclass constant need not name an existing relation. */
		tup = SearchSysCache1(RELOID, ObjectIdGetDatum(lfirst_oid(lc)));

		if (!HeapTupleIsValid(tup))
			continue;
		temporary = ((Form_pg_class) GETSTRUCT(tup))->relpersistence == RELPERSISTENCE_TEMP;
		ReleaseSysCache(tup);
		if (temporary)
			return SKIP_TEMPORARY;
	}
	return SKIP_NONE;
}

/* A test of a plan node's expressions: SKIP_NONE when they are acceptable. */
typedef SkipReason (*ExprTest) (Node *exprs, void *arg);

static SkipReason
test_exprs(ExprTest test, void *arg, List *exprs)
{
	return exprs != NIL ? test((Node *) exprs, arg) : SKIP_NONE;
}

/*
 * Walks a plan tree: every node must be of a kind whose output depends only
 * on its input rows and the snapshot, and test must accept every expression.
 */
static SkipReason
check_plan(Plan *plan, ExprTest test, void *arg)
{
	List	   *exprs = NIL;
	ListCell   *lc;
	SkipReason	why;

	if (plan == NULL)
		return SKIP_NONE;
	check_stack_depth();

	switch (nodeTag(plan))
	{
		case T_Result:
			exprs = list_make1(((Result *) plan)->resconstantqual);
			break;
		case T_ProjectSet:
		case T_Material:
		case T_Sort:
		case T_IncrementalSort:
		case T_Group:
		case T_Agg:
		case T_Unique:
		case T_Gather:
		case T_GatherMerge:
		case T_SetOp:
		case T_SeqScan:
		case T_CteScan:
		case T_WorkTableScan:
		case T_RecursiveUnion:
		case T_Append:
		case T_MergeAppend:
		case T_BitmapAnd:
		case T_BitmapOr:
		case T_SubqueryScan:
			break;
		case T_IndexScan:
			exprs = list_make2(((IndexScan *) plan)->indexqualorig,
							   ((IndexScan *) plan)->indexorderbyorig);
			break;
		case T_IndexOnlyScan:
			exprs = list_make2(((IndexOnlyScan *) plan)->indexqual,
							   ((IndexOnlyScan *) plan)->indexorderby);
			break;
		case T_BitmapIndexScan:
			exprs = list_make1(((BitmapIndexScan *) plan)->indexqualorig);
			break;
		case T_BitmapHeapScan:
			exprs = list_make1(((BitmapHeapScan *) plan)->bitmapqualorig);
			break;
		case T_TidScan:
			exprs = list_make1(((TidScan *) plan)->tidquals);
			break;
		case T_TidRangeScan:
			exprs = list_make1(((TidRangeScan *) plan)->tidrangequals);
			break;
		case T_FunctionScan:
			exprs = list_make1(((FunctionScan *) plan)->functions);
			break;
		case T_ValuesScan:
			exprs = list_make1(((ValuesScan *) plan)->values_lists);
			break;
		case T_NestLoop:
			exprs = list_make1(((Join *) plan)->joinqual);
			break;
		case T_MergeJoin:
			exprs = list_make2(((Join *) plan)->joinqual,
							   ((MergeJoin *) plan)->mergeclauses);
			break;
		case T_HashJoin:
			exprs = list_make3(((Join *) plan)->joinqual,
							   ((HashJoin *) plan)->hashclauses,
							   ((HashJoin *) plan)->hashkeys);
			break;
		case T_Hash:
			exprs = list_make1(((Hash *) plan)->hashkeys);
			break;
		case T_Memoize:
			exprs = list_make1(((Memoize *) plan)->param_exprs);
			break;
		case T_WindowAgg:
			exprs = list_make3(((WindowAgg *) plan)->startOffset,
							   ((WindowAgg *) plan)->endOffset,
							   ((WindowAgg *) plan)->runCondition);
			break;
		case T_Limit:
			exprs = list_make2(((Limit *) plan)->limitOffset,
							   ((Limit *) plan)->limitCount);
			break;
		default:
			/* SampleScan, ForeignScan, CustomScan, LockRows, ... */
			return SKIP_UNSUPPORTED;
	}

	if ((why = test_exprs(test, arg, plan->targetlist)) != SKIP_NONE ||
		(why = test_exprs(test, arg, plan->qual)) != SKIP_NONE ||
		(why = test_exprs(test, arg, plan->initPlan)) != SKIP_NONE ||
		(why = test_exprs(test, arg, exprs)) != SKIP_NONE)
		return why;

	foreach(lc, cachebot_plan_children(plan))
		if ((why = check_plan((Plan *) lfirst(lc), test, arg)) != SKIP_NONE)
			return why;
	if ((why = check_plan(plan->lefttree, test, arg)) != SKIP_NONE)
		return why;
	return check_plan(plan->righttree, test, arg);
}

static SkipReason
check_statement_plans(PlannedStmt *stmt, ExprTest test, void *arg)
{
	SkipReason	why = check_plan(stmt->planTree, test, arg);
	ListCell   *lc;

	foreach(lc, stmt->subplans)
	{
		if (why != SKIP_NONE)
			break;
		why = check_plan((Plan *) lfirst(lc), test, arg);
	}
	return why;
}

/*
 * What exprcheck.h finds, and the functions it lists, go into the decision;
 * *inlinable (if asked) learns whether a SQL function is called.
 */
static SkipReason
check_exprs(Node *exprs, CacheDecision *d, bool *inlinable)
{
	ExprCheck	check = {SKIP_NONE, d->functions, false, InvalidOid, InvalidOid, InvalidOid,
	exprs != NULL && IsA(exprs, Query), false};

	(void) cachebot_exprcheck_walk(exprs, &check);
	d->functions = check.functions;
	if (check.why == SKIP_NONE && check.dated && cachebot_hint_clock_literal(d->text, d->textlen))
		check.why = SKIP_PARSE_TIME_VALUE;
	if (check.why == SKIP_MUTABLE_FUNCTION)
	{
		d->skip_funcid = check.funcid;
		d->skip_cast_from = check.cast_from;
		d->skip_cast_to = check.cast_to;
	}
	if (inlinable != NULL)
		*inlinable = check.inlinable;
	return check.why;
}

static SkipReason
cacheable_exprs(Node *exprs, void *arg)
{
	return check_exprs(exprs, (CacheDecision *) arg, NULL);
}

static SkipReason
leakproof_exprs(Node *exprs, void *arg)
{
	return cachebot_exprs_may_fail(exprs) ? SKIP_UNSUPPORTED : SKIP_NONE;
}

/*
 * Can the rest of this plan run without raising an error the caller would
 * not have met? True when every function it applies to row values is
 * leakproof, a promise not to throw on any input.
 */
bool
cachebot_plan_cannot_fail(PlannedStmt *stmt)
{
	return check_statement_plans(stmt, leakproof_exprs, NULL) == SKIP_NONE;
}

/* The checks that depend on how and where the statement runs. */
SkipReason
cachebot_check_run(const RunContext *run)
{
	/* A portal sets its real destination later; these never change. */
	if (run->dest == DestIntoRel || run->dest == DestTransientRel ||
		run->dest == DestCopyOut)
		return SKIP_NOT_SELECT;
	/*
	 * EXPLAIN without ANALYZE shows the plan and runs nothing. (Instrumented
	 * runs, EXPLAIN ANALYZE's and auto_explain's, are cached like any other:
	 * a hit shows its replay node.)
	 */
	if (run->eflags & EXEC_FLAG_EXPLAIN_ONLY)
		return SKIP_NOT_SELECT;
	if (run->eflags & (EXEC_FLAG_BACKWARD | EXEC_FLAG_REWIND | EXEC_FLAG_MARK))
		return SKIP_CURSOR;
	if (run->nested || IsParallelWorker())
		return SKIP_NESTED;
	if (RecoveryInProgress())
		return SKIP_RECOVERY;
	if (XactIsoLevel != XACT_READ_COMMITTED)
		return SKIP_ISOLATION;
	/* Its catalog is this transaction's own until it commits. */
	if (cachebot_ddl_in_xact())
		return SKIP_WRITTEN_IN_XACT;
	if (cachebot_cache_store() == NULL)
		return SKIP_BACKEND_ERROR;
	return SKIP_NONE;
}

/* The checks of a statement as a whole: the same on both paths. */
static SkipReason
check_statement(CmdType command, Node *utility, bool modifying_cte, bool locks_rows,
				uint64 query_id, const RunContext *run)
{
	SkipReason	why;

	if (command != CMD_SELECT || utility != NULL || modifying_cte || locks_rows)
		return SKIP_NOT_SELECT;
	if ((why = cachebot_check_run(run)) != SKIP_NONE)
		return why;
	/* What the text resolves to is part of the key: see fingerprint.h. */
	if (query_id == 0)
		return SKIP_NO_QUERY_ID;
	return SKIP_NONE;
}

/*
 * Does cache_all or cache_get (the setting, or the tables' own) ask for this
 * unhinted statement? cache_all: every table it reads says so. cache_get: it
 * reads one table, which says so, by a unique key: decided on the plan, or
 * on the query before planning (a replay plan: on the query it stands for).
 */
static bool
implicitly_cached(const DecisionInput *in, const RunContext *run, ScanTarget *targets,
				  int ntargets)
{
	bool		all = true;
	bool		get = true;
	int			ntables = 0;

	for (int i = 1; i <= ntargets; i++)
	{
		if (!targets[i].tracked)
			continue;
		ntables++;
		all &= targets[i].info.cache_all >= 0 ? targets[i].info.cache_all : cachebot_cache_all;
		get &= targets[i].info.cache_get >= 0 ? targets[i].info.cache_get : cachebot_cache_get;
	}
	if (ntables > 0 && all)
		return true;
	if (ntables != 1 || !get)
		return false;
	if (in->query != NULL)
		return cachebot_query_is_unique_lookup(in->query);
	if (run->replay)
		return in->replayed != NULL && cachebot_query_is_unique_lookup(in->replayed);
	return cachebot_plan_is_unique_lookup(in->plan);
}

/* Does a statement with this hint ask to be cached, maybe? */
static bool
hint_asks(const CacheHint *hint)
{
	if (hint->kind == HINT_NOCACHE)
		return false;
	/* Unhinted: a candidate only where cache_all or cache_get may apply. */
	return hint->kind != HINT_NONE || cachebot_cache_all || cachebot_cache_get ||
		cachebot_tracking_any_implicit();
}

/* The hint of the statement at location (of length) in source. */
static void
read_hint(const char *source, int location, int length, CacheHint *hint)
{
	const char *text;
	int			textlen;

	cachebot_hint_statement_text(source, location, length, &text, &textlen);
	cachebot_hint_parse(text, textlen, hint);
}

bool
cachebot_may_be_cached(const char *source, int location, int length)
{
	CacheHint	hint;

	read_hint(source, location, length, &hint);
	return hint_asks(&hint);
}

bool
cachebot_hinted(const char *source, int location, int length)
{
	CacheHint	hint;

	read_hint(source, location, length, &hint);
	return hint.kind == HINT_CACHE || hint.kind == HINT_MALFORMED;
}

/* Reads the hint; false if the statement asks for nothing. */
static bool
decision_begin(const char *source, int location, int length, CacheDecision *d)
{
	cachebot_hint_statement_text(source, location, length, &d->text, &d->textlen);
	cachebot_hint_parse(d->text, d->textlen, &d->hint);
	d->hint_variant = cachebot_hint_variant(&d->hint);
	d->query_id = 0;
	if (!hint_asks(&d->hint))
		return false;
	d->implicit = d->hint.kind == HINT_NONE;
	d->skip = d->hint.kind == HINT_MALFORMED ? SKIP_BAD_HINT : SKIP_NONE;
	d->skip_relid = InvalidOid;
	d->skip_funcid = InvalidOid;
	d->skip_cast_from = d->skip_cast_to = InvalidOid;
	d->ttl = d->hint.ttl > 0 ? d->hint.ttl : cachebot_ttl;
	d->bad_column = NULL;
	d->bad_column_ambiguous = false;
	d->unkeyed_column = NULL;
	d->unkeyed_relid = InvalidOid;
	d->functions = NIL;
	d->deps.n = 0;
	d->deps.hashes = NULL;
	return true;
}

/* Hashes the dependencies and builds the key of an eligible statement. */
static void
decision_finish(CacheDecision *d, ParamListInfo params, List *targetlist)
{
	cachebot_depset_finish(&d->deps);

	initStringInfo(&d->fingerprint);
	d->natts = cachebot_fingerprint_build(&d->fingerprint, d->text, d->textlen, d->query_id,
										  params, targetlist, &d->columns);
	d->key = cachebot_hash128(d->fingerprint.data, d->fingerprint.len);
}

static bool
collect_relations_walker(Node *node, List **rtes)
{
	if (node == NULL)
		return false;
	check_stack_depth();
	if (IsA(node, RangeTblEntry))
	{
		if (((RangeTblEntry *) node)->rtekind == RTE_RELATION)
			*rtes = lappend(*rtes, node);
		return false;
	}
	if (IsA(node, Query))
		return query_tree_walker((Query *) node, collect_relations_walker, rtes,
								 QTW_EXAMINE_RTES_BEFORE);
	if (IsA(node, Param) && ((Param *) node)->paramkind == PARAM_EXTERN)
		return true;			/* values known only at execution */
	return expression_tree_walker(node, collect_relations_walker, rtes);
}

List *
cachebot_query_relations(Query *query, bool *has_params)
{
	List	   *rtes = NIL;

	*has_params = collect_relations_walker((Node *) query, &rtes);
	return rtes;
}

bool
cachebot_decide(const DecisionInput *in, const char *source, const RunContext *run,
				CacheDecision *d)
{
	PlannedStmt *plan = in->plan;
	Query	   *query = in->query;
	ScanTarget *targets = NULL;
	List	   *targetlist = plan ? plan->planTree->targetlist : query->targetList;
	uint64		query_id = plan ? plan->queryId : query->queryId;

	Assert((plan == NULL) != (query == NULL));
	if (!decision_begin(source, plan ? plan->stmt_location : query->stmt_location,
						plan ? plan->stmt_len : query->stmt_len, d))
		return false;
	d->query_id = query_id;

	if (d->skip == SKIP_NONE)
		d->skip = plan ?
			check_statement(plan->commandType, plan->utilityStmt, plan->hasModifyingCTE,
							plan->rowMarks != NIL, query_id, run) :
			check_statement(query->commandType, query->utilityStmt, query->hasModifyingCTE,
							query->rowMarks != NIL || query->hasForUpdate, query_id, run);
	/* (A plan's tables with row level security are found by check_relations.) */
	if (d->skip == SKIP_NONE && query != NULL && query->hasRowSecurity)
		d->skip = SKIP_ROW_SECURITY;
	if (d->skip == SKIP_NONE)
		d->skip = check_relations(in->rtable, query != NULL, d, &targets);

	/*
	 * An unhinted statement is not asked for unless cache_all or cache_get
	 * applies to the tables it reads: known now, before the checks that read
	 * the catalog (every statement comes here before planning under
	 * cache_all). Asked for, it is still left alone, uncounted, if anything
	 * below finds it ineligible.
	 */
	if (d->implicit && (d->skip != SKIP_NONE ||
						!implicitly_cached(in, run, targets, list_length(in->rtable))))
		return false;			/* not asked for: no skip to count */
	if (d->skip == SKIP_NONE && plan != NULL)
		d->skip = check_plan_dependencies(plan->relationOids);
	if (d->skip == SKIP_NONE && plan != NULL && !run->replay)
		d->skip = check_statement_plans(plan, cacheable_exprs, d);
	/* The planner hook's mark (exprcheck.h), after what names a function. */
	if (d->skip == SKIP_NONE && plan != NULL && cachebot_exprcheck_marked(plan))
		d->skip = SKIP_PARSE_TIME_VALUE;
	if (d->skip == SKIP_NONE && query != NULL)
	{
		bool		inlinable;

		d->skip = check_exprs((Node *) query, d, &inlinable);
		/* The relations an inlined function's body reads show in the plan only. */
		if (d->skip == SKIP_NONE && inlinable)
			d->skip = SKIP_UNSUPPORTED;
	}
	if (d->skip == SKIP_NONE)
		d->skip = cachebot_exprcheck_result_types(targetlist);
	/* (The query of a replay plan had its hint resolved when it was planned.) */
	if (d->skip == SKIP_NONE && !run->replay)
		d->skip = resolve_hint_columns(in->rtable, targets, d);
	if (d->implicit && d->skip != SKIP_NONE)
		return false;			/* not asked for: no skip to count */
	/* Tables' TTLs stand in for cachebot.ttl (the smallest of them); a hint's for both. */
	if (d->skip == SKIP_NONE && d->hint.ttl == 0)
	{
		int			tables_ttl = 0;

		for (int i = 1; i <= list_length(in->rtable); i++)
			if (targets[i].tracked && targets[i].info.ttl > 0 &&
				(tables_ttl == 0 || targets[i].info.ttl < tables_ttl))
				tables_ttl = targets[i].info.ttl;
		if (tables_ttl > 0)
			d->ttl = tables_ttl;
	}
	if (d->skip == SKIP_NONE)
	{
		if (plan != NULL)
			cachebot_plan_scan_dependencies(plan, in->params, targets, &d->deps);
		decision_finish(d, in->params, targetlist);
	}
	return true;
}

char *
cachebot_bad_hint_reason(const CacheDecision *d)
{
	if (d->bad_column == NULL)
		return pstrdup(d->hint.problem ? d->hint.problem : "");
	if (d->bad_column_ambiguous)
		return psprintf("column reference \"%s\" is ambiguous", d->bad_column);
	if (d->bad_column == d->unkeyed_column)
		return psprintf("column \"%s\" is not a keyed column of its table", d->bad_column);
	return psprintf("column \"%s\" is not a column of a tracked table the statement reads",
					d->bad_column);
}
