/*
 * deps.c
 *		The row-level dependency keys of a plan.
 *
 * The quals are read as planned, so equivalence classes have done their
 * work: u.id = p.user_id AND u.id = 5 reaches the photo scan as
 * p.user_id = 5. One keyed column per scan suffices: every row that can
 * change the scan's output matches all of its equality quals, so its write
 * bumps that column's key too. A qual on the preserved side of an outer join
 * stays in the join, not in the scan, so that side falls back to (T, *).
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "lib/stringinfo.h"
#include "access/relation.h"
#include "access/sysattr.h"
#include "access/stratnum.h"
#include "miscadmin.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "catalog/pg_statistic.h"
#include "nodes/nodeFuncs.h"
#include "parser/parsetree.h"
#include "utils/array.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/syscache.h"

#include "deps.h"
#include "exprcheck.h"

#define MAX_VALUES_PER_SCAN 64

/* The values one qual fixes one column to. */
typedef struct ColumnValues
{
	AttrNumber	attnum;
	int			nvalues;
	uint64		hashes[MAX_VALUES_PER_SCAN];
	Oid			valtype;		/* for explain() */
	Datum		values[MAX_VALUES_PER_SCAN];
} ColumnValues;

typedef struct ScanContext
{
	PlannedStmt *stmt;
	ParamListInfo params;
	ScanTarget *targets;
	DepSet	   *set;
	List	   *join_candidates;	/* of JoinCandidate */
} ScanContext;

/* A join clause that may key a scan by the other side's values. */
typedef struct JoinCandidate
{
	int			scan_node_id;
	AttrNumber	attnum;			/* the scan's table column */
	Oid			opno;
	Oid			inputcollid;
	Oid			valtype;
	Plan	   *capture;		/* the other side's node */
	AttrNumber	capture_attno;
	int			join_node_id;
	bool		t_outer;		/* the scan is on the join's outer side */
} JoinCandidate;

static void add_values(ScanContext *cx, ScanTarget *target, ColumnValues *values);
static char *param_source(ScanContext *cx, int paramid);
static Plan *param_producer_anywhere(ScanContext *cx, int paramid);
static char *plan_source(ScanContext *cx, Plan *producer);
static Plan *join_capture_plan(ScanContext *cx, DerivedScan *ds);

void
cachebot_depset_start(DepSet *set)
{
	set->n = 0;
	set->hashes = NULL;
	set->scans = NIL;
	set->derived = NIL;
	cachebot_depset_add(set, DEP_EPOCH, InvalidOid, 0, 0, NULL);
	cachebot_depset_add(set, DEP_CATALOG, InvalidOid, 0, 0, NULL);
}

void
cachebot_depset_add(DepSet *set, DepKind kind, Oid relid, AttrNumber attnum,
					uint64 valuehash, char *description)
{
	DepKey		k = depkey_make(kind, MyDatabaseId, relid, attnum, valuehash);

	for (int i = 0; i < set->n; i++)
		if (depkey_equal(&set->keys[i], &k))
		{
			set->refs[i]++;
			return;
		}
	if (set->n == set->max)
	{
		set->max = Max(16, set->max * 2);
		set->keys = set->keys ? repalloc(set->keys, set->max * sizeof(DepKey))
			: palloc(set->max * sizeof(DepKey));
		set->refs = set->refs ? repalloc(set->refs, set->max * sizeof(int))
			: palloc(set->max * sizeof(int));
		if (set->describe)
			set->descriptions = set->descriptions ?
				repalloc(set->descriptions, set->max * sizeof(char *)) :
				palloc(set->max * sizeof(char *));
	}
	if (set->describe)
		set->descriptions[set->n] = description ? description : cachebot_depkey_describe(&k);
	set->refs[set->n] = 1;
	set->keys[set->n++] = k;
}

List *
cachebot_depset_descriptions(const DepSet *set)
{
	int		   *left = palloc(set->n * sizeof(int));
	List	   *out = NIL;
	ListCell   *lc;

	Assert(set->describe);
	memcpy(left, set->refs, set->n * sizeof(int));
	foreach(lc, set->derived)
	{
		DerivedScan *ds = lfirst(lc);

		for (int k = 0; k < ds->nfallback; k++)
			for (int i = DEPSET_FIRST_ROW; i < set->n; i++)
				if (depkey_equal(&set->keys[i], &ds->fallback[k]))
					left[i]--;
	}
	for (int i = 0; i < set->n; i++)
		if (left[i] > 0)
			out = lappend(out, set->descriptions[i]);
	foreach(lc, set->derived)
	{
		DerivedScan *ds = lfirst(lc);
		StringInfoData buf;

		initStringInfo(&buf);
		appendStringInfoString(&buf, ds->description);
		appendStringInfoString(&buf, " (else ");
		for (int k = 0; k < ds->nfallback; k++)
		{
			char	   *desc = NULL;

			for (int i = 0; i < set->n && desc == NULL; i++)
				if (depkey_equal(&set->keys[i], &ds->fallback[k]))
					desc = set->descriptions[i];
			appendStringInfo(&buf, "%s%s", k > 0 ? ", " : "",
							 desc ? desc : cachebot_depkey_describe(&ds->fallback[k]));
		}
		appendStringInfoChar(&buf, ')');
		out = lappend(out, buf.data);
	}
	return out;
}

void
cachebot_depset_finish(DepSet *set)
{
	struct
	{
		Hash128		hash;		/* first: sorted by cachebot_hash128_cmp */
		int			key;
	}		   *sorted = palloc(set->n * sizeof(*sorted));

	Assert(set->n >= DEPSET_FIRST_ROW &&
		   set->keys[DEPSET_EPOCH].kind == DEP_EPOCH &&
		   set->keys[DEPSET_CATALOG].kind == DEP_CATALOG);

	for (int i = 0; i < set->n; i++)
	{
		sorted[i].hash = cachebot_depkey_hash(&set->keys[i]);
		sorted[i].key = i;
	}
	if (set->n > DEPSET_FIRST_ROW + 1)
		qsort(sorted + DEPSET_FIRST_ROW, set->n - DEPSET_FIRST_ROW, sizeof(*sorted),
			  cachebot_hash128_cmp);
	set->hashes = palloc(set->n * sizeof(Hash128));
	set->order = palloc(set->n * sizeof(int));
	for (int i = 0; i < set->n; i++)
	{
		set->hashes[i] = sorted[i].hash;
		set->order[i] = sorted[i].key;
	}
	pfree(sorted);
}

static Node *
strip_relabel(Node *node)
{
	while (node && IsA(node, RelabelType))
		node = (Node *) ((RelabelType *) node)->arg;
	return node;
}

/* The value of a Const or of an external parameter; false if neither. */
static bool
expr_value(Node *node, ParamListInfo params, Oid *type, Datum *value, bool *isnull)
{
	node = strip_relabel(node);
	if (IsA(node, Const))
	{
		*type = ((Const *) node)->consttype;
		*value = ((Const *) node)->constvalue;
		*isnull = ((Const *) node)->constisnull;
		return true;
	}
	if (IsA(node, Param) && ((Param *) node)->paramkind == PARAM_EXTERN && params != NULL)
	{
		Param	   *p = (Param *) node;
		ParamExternData workspace;
		ParamExternData *prm;

		if (p->paramid <= 0 || p->paramid > params->numParams)
			return false;
		prm = params->paramFetch ? params->paramFetch(params, p->paramid, false, &workspace)
			: &params->params[p->paramid - 1];
		if (prm == NULL || prm->ptype != p->paramtype)
			return false;
		*type = prm->ptype;
		*value = prm->value;
		*isnull = prm->isnull;
		return true;
	}
	return false;
}

/*
 * The table column a Var of the scan stands for: itself, or for an
 * index-only scan's index column, the table column it indexes.
 */
static AttrNumber
scan_column(Node *node, Index scanrelid, Relation index)
{
	Var		   *var;

	node = strip_relabel(node);
	if (node == NULL || !IsA(node, Var))
		return InvalidAttrNumber;
	var = (Var *) node;
	if (var->varlevelsup != 0)
		return InvalidAttrNumber;
	if (index != NULL && var->varno == INDEX_VAR)
	{
		if (var->varattno <= 0 || var->varattno > index->rd_index->indnatts)
			return InvalidAttrNumber;
		return index->rd_index->indkey.values[var->varattno - 1];
	}
	if (var->varno != scanrelid)
		return InvalidAttrNumber;
	return var->varattno;
}

/* Reads col = value, value = col and col = ANY(array) from one qual. */
static bool
qual_equality_values(Node *qual, Index scanrelid, Relation index, Relation rel,
					 const ScanTarget *target, ParamListInfo params, ColumnValues *out)
{
	Oid			coltype;
	Oid			colcoll;
	Oid			valtype;
	Datum		value;
	bool		isnull;

	if (IsA(qual, OpExpr) && list_length(((OpExpr *) qual)->args) == 2)
	{
		OpExpr	   *op = (OpExpr *) qual;
		Node	   *left = linitial(op->args);
		Node	   *right = lsecond(op->args);
		AttrNumber	attnum = scan_column(left, scanrelid, index);

		if (attnum == InvalidAttrNumber)
		{
			attnum = scan_column(right, scanrelid, index);
			right = left;
		}
		if (attnum <= 0 || !cachebot_tracking_is_keyed(&target->info, attnum) ||
			!expr_value(right, params, &valtype, &value, &isnull) || isnull)
			return false;
		get_atttypetypmodcoll(RelationGetRelid(rel), attnum, &coltype, &(int32){0}, &colcoll);
		out->attnum = attnum;
		out->nvalues = 1;
		out->valtype = valtype;
		out->values[0] = value;
		return cachebot_compared_value_hash(coltype, colcoll, op->opno, op->inputcollid,
								   valtype, value, &out->hashes[0]);
	}
	if (IsA(qual, ScalarArrayOpExpr) && ((ScalarArrayOpExpr *) qual)->useOr &&
		list_length(((ScalarArrayOpExpr *) qual)->args) == 2)
	{
		ScalarArrayOpExpr *op = (ScalarArrayOpExpr *) qual;
		AttrNumber	attnum = scan_column(linitial(op->args), scanrelid, index);
		ArrayType  *array;
		Oid			elemtype;
		int16		elmlen;
		bool		elmbyval;
		char		elmalign;
		Datum	   *elems;
		bool	   *nulls;
		int			nelems;

		if (attnum <= 0 || !cachebot_tracking_is_keyed(&target->info, attnum) ||
			!expr_value(lsecond(op->args), params, &valtype, &value, &isnull) || isnull)
			return false;
		array = DatumGetArrayTypeP(value);
		elemtype = ARR_ELEMTYPE(array);
		get_typlenbyvalalign(elemtype, &elmlen, &elmbyval, &elmalign);
		deconstruct_array(array, elemtype, elmlen, elmbyval, elmalign, &elems, &nulls, &nelems);
		if (nelems > MAX_VALUES_PER_SCAN)
			return false;
		get_atttypetypmodcoll(RelationGetRelid(rel), attnum, &coltype, &(int32){0}, &colcoll);
		out->attnum = attnum;
		out->nvalues = 0;
		out->valtype = elemtype;
		for (int i = 0; i < nelems; i++)
		{
			if (nulls[i])
				continue;		/* matches no row */
			out->values[out->nvalues] = elems[i];
			if (!cachebot_compared_value_hash(coltype, colcoll, op->opno, op->inputcollid,
									 elemtype, elems[i], &out->hashes[out->nvalues++]))
				return false;
		}
		return true;
	}
	return false;
}

/*
 * Reads one qual: an equality as above, or an OR of such equalities on one
 * column (`id = 1 OR id = 2`, as ORMs write an IN list), which fixes the
 * column to the union of their values.
 */
static bool
qual_column_values(Node *qual, Index scanrelid, Relation index, Relation rel,
				   const ScanTarget *target, ParamListInfo params, ColumnValues *out)
{
	ListCell   *lc;

	if (!is_orclause(qual))
		return qual_equality_values(qual, scanrelid, index, rel, target, params, out);
	check_stack_depth();
	out->nvalues = 0;
	out->attnum = InvalidAttrNumber;
	foreach(lc, ((BoolExpr *) qual)->args)
	{
		ColumnValues arm;

		if (!qual_column_values(lfirst(lc), scanrelid, index, rel, target, params, &arm) ||
			(out->attnum != InvalidAttrNumber && arm.attnum != out->attnum) ||
			(out->nvalues > 0 && arm.nvalues > 0 && arm.valtype != out->valtype) ||
			out->nvalues + arm.nvalues > MAX_VALUES_PER_SCAN)
			return false;
		out->attnum = arm.attnum;
		if (arm.nvalues > 0)
			out->valtype = arm.valtype;
		memcpy(&out->hashes[out->nvalues], arm.hashes, arm.nvalues * sizeof(uint64));
		memcpy(&out->values[out->nvalues], arm.values, arm.nvalues * sizeof(Datum));
		out->nvalues += arm.nvalues;
	}
	return out->attnum != InvalidAttrNumber;
}

/*
 * Reads col = $n, $n = col where $n is a parameter the plan computes: the
 * candidate of a derived scan (see DerivedScan), filled but for its keys.
 */
static bool
qual_column_param(Node *qual, Index scanrelid, Relation index, Relation rel,
				  const ScanTarget *target, DerivedScan *out)
{
	OpExpr	   *op = (OpExpr *) qual;
	Node	   *left;
	Node	   *right;
	AttrNumber	attnum;
	Param	   *param;

	if (!IsA(qual, OpExpr) || list_length(op->args) != 2)
		return false;
	left = linitial(op->args);
	right = lsecond(op->args);
	attnum = scan_column(left, scanrelid, index);
	if (attnum == InvalidAttrNumber)
	{
		attnum = scan_column(right, scanrelid, index);
		right = left;
	}
	right = strip_relabel(right);
	if (attnum <= 0 || !cachebot_tracking_is_keyed(&target->info, attnum) ||
		right == NULL || !IsA(right, Param) || ((Param *) right)->paramkind != PARAM_EXEC)
		return false;
	param = (Param *) right;
	memset(out, 0, sizeof(*out));
	get_atttypetypmodcoll(RelationGetRelid(rel), attnum, &out->coltype, &(int32){0},
						  &out->colcoll);
	out->relid = RelationGetRelid(rel);
	out->attnum = attnum;
	out->paramid = param->paramid;
	out->capture_node_id = -1;
	out->join_node_id = -1;
	out->paramtype = param->paramtype;
	out->opno = op->opno;
	out->inputcollid = op->inputcollid;
	return cachebot_compared_value_hashable(out->coltype, out->colcoll, out->opno,
											out->inputcollid, out->paramtype, NULL, NULL);
}

/* The column's number of distinct values by pg_statistic; 0 if unknown. */
static double
statistics_ndistinct(Relation rel, AttrNumber attnum)
{
	HeapTuple	tup = SearchSysCache3(STATRELATTINH, ObjectIdGetDatum(RelationGetRelid(rel)),
									  Int16GetDatum(attnum), BoolGetDatum(false));
	double		ndistinct = 0;

	if (HeapTupleIsValid(tup))
	{
		float4		stadistinct = ((Form_pg_statistic) GETSTRUCT(tup))->stadistinct;

		ndistinct = stadistinct >= 0 ? stadistinct :
			-stadistinct * Max(rel->rd_rel->reltuples, 1);
		ReleaseSysCache(tup);
	}
	return ndistinct;
}

/* A derived scan candidate, and how many values it is expected to get. */
typedef struct DerivedChoice
{
	DerivedScan scan;
	double		values;			/* estimated, 1 to 64 */
	bool		unique;			/* of its column */
	double		distinct;		/* the column's distinct values; 0: unknown */
} DerivedChoice;

/*
 * The distinct values of a column: a one-column unique index makes it
 * *unique (and the table's size, if known, its number); otherwise the
 * statistics' n_distinct; 0 when unknown.
 */
static double
column_distinct(Relation rel, AttrNumber attnum, bool *unique)
{
	List	   *indexes = RelationGetIndexList(rel);
	ListCell   *lc;

	*unique = false;
	foreach(lc, indexes)
	{
		HeapTuple	itup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(lfirst_oid(lc)));
		Form_pg_index index;

		if (!HeapTupleIsValid(itup))
			continue;
		index = (Form_pg_index) GETSTRUCT(itup);
		if (index->indisunique && index->indnkeyatts == 1 && index->indkey.values[0] == attnum &&
			heap_attisnull(itup, Anum_pg_index_indpred, NULL))
			*unique = true;
		ReleaseSysCache(itup);
		if (*unique)
			return rel->rd_rel->reltuples > 0 ? rel->rd_rel->reltuples : 0;
	}
	return statistics_ndistinct(rel, attnum);
}

static DerivedChoice *
derived_choice(Relation rel, DerivedScan *scan, double source_rows)
{
	DerivedChoice *c = palloc(sizeof(DerivedChoice));

	c->scan = *scan;
	c->values = Min(Max(source_rows, 1), MAX_VALUES_PER_SCAN);
	c->distinct = column_distinct(rel, scan->attnum, &c->unique);
	return c;
}

/* Is a better than b: fewer of the table's rows behind its keys, as far as known? */
static bool
derived_better(DerivedChoice *a, DerivedChoice *b)
{
	if (a->unique != b->unique)
		return a->unique;
	if (a->distinct > 0 && b->distinct > 0)
		return a->values / a->distinct < b->values / b->distinct;
	return a->values < b->values;
}

/*
 * Which derived candidate keys the scan, if any, against the values known
 * now (constant): a constant on the same column or on a unique one is
 * exact and known before the run; a derived key on a unique column pins
 * rows, where a constant on another column fixes a share of them; between
 * two non-unique columns the share of the table behind the keys decides,
 * where statistics tell it, and otherwise the derived values, which come
 * from a filtered side.
 */
static DerivedChoice *
choose_derived(Relation rel, List *candidates, AttrNumber const_attnum, int const_nvalues)
{
	DerivedChoice *best = NULL;
	ListCell   *lc;
	bool		const_unique;
	double		const_distinct;

	foreach(lc, candidates)
		if (best == NULL || derived_better(lfirst(lc), best))
			best = lfirst(lc);
	if (best == NULL || const_attnum == InvalidAttrNumber)
		return best;
	if (const_attnum == best->scan.attnum)
		return NULL;
	const_distinct = column_distinct(rel, const_attnum, &const_unique);
	if (const_unique)
		return NULL;
	if (best->unique)
		return best;
	if (const_distinct > 0 && best->distinct > 0)
		return best->values / best->distinct < const_nvalues / const_distinct ? best : NULL;
	return best;
}

/* How selective a column is: a one-column primary key first, then n_distinct. */
static double
column_selectivity_rank(Relation rel, AttrNumber attnum)
{
	Bitmapset  *pk = RelationGetIndexAttrBitmap(rel, INDEX_ATTR_BITMAP_PRIMARY_KEY);

	if (bms_num_members(pk) == 1 &&
		bms_is_member(attnum - FirstLowInvalidHeapAttributeNumber, pk))
		return 1e300;
	return statistics_ndistinct(rel, attnum);
}

static bool
column_allowed(const ScanTarget *target, AttrNumber attnum)
{
	if (target->nhinted < 0)
		return true;
	for (int i = 0; i < target->nhinted; i++)
		if (target->hinted[i] == attnum)
			return true;
	return false;
}

/*
 * The keys of one scan of rtindex: quals name table columns, index_quals
 * (of an index-only scan) the columns of index indexid.
 */
/*
 * A tracked scan as the decision saw it: what cachebot_plan_derive_scans()
 * needs to tell whether values known only as the plan runs would key it
 * better than the keys chosen now, which stay as its fallback.
 */
typedef struct ScanRecord
{
	Plan	   *plan;
	Index		rtindex;
	ScanTarget *target;
	List	   *quals;
	List	   *index_quals;
	Oid			indexid;
	AttrNumber	const_attnum;	/* the constant keys' column, or 0: (T, *) */
	int			nfallback;
	DepKey	   *fallback;
} ScanRecord;

static void
scan_keys(ScanContext *cx, Plan *plan, Index rtindex, List *quals, List *index_quals,
		  Oid indexid)
{
	ScanTarget *target = &cx->targets[rtindex];
	Relation	rel;
	Relation	index = NULL;
	ColumnValues best = {0};
	double		best_rank = -1;
	bool		found = false;
	ListCell   *lc;
	ScanRecord *record;

	if (!target->tracked)
		return;
	if (!target->own_root || target->info.nkeyed == 0 || (quals == NIL && index_quals == NIL))
	{
		cachebot_depset_add(cx->set, DEP_ANY_ROW, target->info.root, 0, 0, NULL);
		return;
	}
	/*
	 * The table is the plan's, locked already. The executor has not locked
	 * the index of a reused plan yet: a concurrent DROP INDEX CONCURRENTLY
	 * may have removed it, and then its quals are simply not read.
	 */
	rel = relation_open(target->info.root, NoLock);
	if (OidIsValid(indexid))
		index = try_relation_open(indexid, AccessShareLock);
	foreach(lc, list_concat_copy(quals, index_quals))
	{
		ColumnValues cv;
		double		rank;
		bool		on_index = foreach_current_index(lc) >= list_length(quals);

		if (!qual_column_values((Node *) lfirst(lc), rtindex, on_index ? index : NULL,
								rel, target, cx->params, &cv) ||
			!column_allowed(target, cv.attnum))
			continue;
		if (target->nhinted > 0)
			rank = -target->nhinted;	/* the hint decides; any of its columns */
		else
			rank = column_selectivity_rank(rel, cv.attnum) - cv.nvalues * 1e-9;
		if (!found || rank > best_rank || (rank == best_rank && cv.nvalues < best.nvalues))
		{
			best = cv;
			best_rank = rank;
			found = true;
		}
	}
	if (index)
		relation_close(index, NoLock);
	relation_close(rel, NoLock);
	add_values(cx, target, found ? &best : NULL);

	/*
	 * A parallel plan's scans run in workers too, whose values the leader
	 * never sees: there, only values known before it runs count.
	 */
	if (cx->stmt->parallelModeNeeded)
		return;
	record = palloc(sizeof(ScanRecord));
	record->plan = plan;
	record->rtindex = rtindex;
	record->target = target;
	record->quals = quals;
	record->index_quals = index_quals;
	record->indexid = indexid;
	record->const_attnum = found ? best.attnum : InvalidAttrNumber;
	record->nfallback = found ? best.nvalues : 1;
	record->fallback = palloc(record->nfallback * sizeof(DepKey));
	for (int i = 0; i < record->nfallback; i++)
		record->fallback[i] = found ?
			depkey_make(DEP_COLUMN_VALUE, MyDatabaseId, target->info.root, best.attnum,
						best.hashes[i]) :
			depkey_make(DEP_ANY_ROW, MyDatabaseId, target->info.root, 0, 0);
	cx->set->scans = lappend(cx->set->scans, record);
}

/*
 * The derived scan that would key a recorded scan better than its keys
 * chosen at decision time, if any (see cachebot_plan_derive_scans).
 */
static void
derive_scan(ScanContext *cx, ScanRecord *record)
{
	ScanTarget *target = record->target;
	Relation	rel;
	Relation	index = NULL;
	List	   *candidates = NIL;	/* of DerivedChoice */
	DerivedChoice *derived;
	ListCell   *lc;

	rel = relation_open(target->info.root, NoLock);
	if (OidIsValid(record->indexid))
		index = try_relation_open(record->indexid, AccessShareLock);
	foreach(lc, list_concat_copy(record->quals, record->index_quals))
	{
		DerivedScan candidate;
		bool		on_index = foreach_current_index(lc) >= list_length(record->quals);

		if (qual_column_param((Node *) lfirst(lc), record->rtindex, on_index ? index : NULL,
							  rel, target, &candidate) &&
			column_allowed(target, candidate.attnum))
		{
			Plan	   *producer = param_producer_anywhere(cx, candidate.paramid);

			candidates = lappend(candidates,
								 derived_choice(rel, &candidate,
												producer ? producer->plan_rows : 1));
		}
	}
	foreach(lc, cx->join_candidates)
	{
		JoinCandidate *jc = lfirst(lc);
		DerivedScan candidate;

		if (jc->scan_node_id != record->plan->plan_node_id ||
			!cachebot_tracking_is_keyed(&target->info, jc->attnum) ||
			!column_allowed(target, jc->attnum))
			continue;
		memset(&candidate, 0, sizeof(candidate));
		get_atttypetypmodcoll(RelationGetRelid(rel), jc->attnum, &candidate.coltype,
							  &(int32){0}, &candidate.colcoll);
		candidate.relid = RelationGetRelid(rel);
		candidate.attnum = jc->attnum;
		candidate.paramid = -1;
		candidate.capture_node_id = jc->capture->plan_node_id;
		candidate.capture_attno = jc->capture_attno;
		candidate.join_node_id = jc->join_node_id;
		candidate.t_outer = jc->t_outer;
		candidate.paramtype = jc->valtype;
		candidate.opno = jc->opno;
		candidate.inputcollid = jc->inputcollid;
		if (!cachebot_compared_value_hashable(candidate.coltype, candidate.colcoll,
											  candidate.opno, candidate.inputcollid,
											  candidate.paramtype, NULL, NULL))
			continue;
		candidates = lappend(candidates, derived_choice(rel, &candidate, jc->capture->plan_rows));
	}
	derived = choose_derived(rel, candidates, record->const_attnum, record->nfallback);
	if (index)
		relation_close(index, NoLock);
	relation_close(rel, NoLock);

	if (derived != NULL)
	{
		DerivedScan *ds = &derived->scan;

		ds->plan_node_id = record->plan->plan_node_id;
		if (cx->set->describe)
			ds->description = psprintf("%s.%s = {values from %s}",
									   get_rel_name(ds->relid),
									   get_attname(ds->relid, ds->attnum, false),
									   ds->paramid >= 0 ? param_source(cx, ds->paramid) :
									   plan_source(cx, join_capture_plan(cx, ds)));
		/* The keys the decision added for the scan are its fallback. */
		ds->nfallback = record->nfallback;
		ds->fallback = record->fallback;
		cx->set->derived = lappend(cx->set->derived, ds);
	}
}

/* Adds (T, col, value) for the values, or (T, *) if values is NULL. */
static void
add_values(ScanContext *cx, ScanTarget *target, ColumnValues *values)
{
	if (values == NULL)
		cachebot_depset_add(cx->set, DEP_ANY_ROW, target->info.root, 0, 0, NULL);
	else
		for (int i = 0; i < values->nvalues; i++)
		{
			char	   *desc = NULL;

			if (cx->set->describe)
			{
				Oid			outfunc;
				bool		varlena;

				getTypeOutputInfo(values->valtype, &outfunc, &varlena);
				desc = psprintf("%s.%s = %s", get_rel_name(target->info.root),
								get_attname(target->info.root, values->attnum, false),
								OidOutputFunctionCall(outfunc, values->values[i]));
			}
			cachebot_depset_add(cx->set, DEP_COLUMN_VALUE, target->info.root, values->attnum,
								values->hashes[i], desc);
		}
}

List *
cachebot_plan_children(Plan *plan)
{
	switch (nodeTag(plan))
	{
		case T_Append:
			return ((Append *) plan)->appendplans;
		case T_MergeAppend:
			return ((MergeAppend *) plan)->mergeplans;
		case T_BitmapAnd:
			return ((BitmapAnd *) plan)->bitmapplans;
		case T_BitmapOr:
			return ((BitmapOr *) plan)->bitmapplans;
		case T_SubqueryScan:
			return list_make1(((SubqueryScan *) plan)->subplan);
		default:
			return NIL;
	}
}

/*
 * The quals of a scan of a table, as planned: those naming table columns,
 * and, for an index-only scan, those naming the columns of its index.
 * False if plan is not such a scan.
 */
static bool
scan_quals(Plan *plan, List **quals, List **index_quals, Oid *indexid)
{
	*quals = plan->qual;
	*index_quals = NIL;
	*indexid = InvalidOid;
	switch (nodeTag(plan))
	{
		case T_SeqScan:
		case T_TidScan:
		case T_TidRangeScan:
			return true;
		case T_IndexScan:
			*quals = list_concat_copy(((IndexScan *) plan)->indexqualorig, plan->qual);
			return true;
		case T_IndexOnlyScan:
			*index_quals = ((IndexOnlyScan *) plan)->indexqual;
			*indexid = ((IndexOnlyScan *) plan)->indexid;
			return true;
		case T_BitmapHeapScan:
			*quals = list_concat_copy(((BitmapHeapScan *) plan)->bitmapqualorig, plan->qual);
			return true;
		default:
			return false;
	}
}

/* Appends the names of the tables scanned in plan's tree to buf. */
static void
scanned_names(ScanContext *cx, Plan *plan, StringInfo buf)
{
	ListCell   *lc;

	if (plan == NULL)
		return;
	check_stack_depth();
	if (IsA(plan, SeqScan) || IsA(plan, IndexScan) || IsA(plan, IndexOnlyScan) ||
		IsA(plan, BitmapHeapScan) || IsA(plan, TidScan) || IsA(plan, TidRangeScan))
	{
		RangeTblEntry *rte = rt_fetch(((Scan *) plan)->scanrelid, cx->stmt->rtable);
		char	   *name = get_rel_name(rte->relid);

		if (name != NULL)
			appendStringInfo(buf, "%s%s", buf->len > 0 ? ", " : "", name);
	}
	foreach(lc, cachebot_plan_children(plan))
		scanned_names(cx, (Plan *) lfirst(lc), buf);
	scanned_names(cx, plan->lefttree, buf);
	scanned_names(cx, plan->righttree, buf);
}

/* The plan that computes parameter paramid: a nested loop's outer side, an InitPlan. */
static Plan *
param_producer(ScanContext *cx, Plan *plan, int paramid)
{
	ListCell   *lc;
	Plan	   *found;

	if (plan == NULL)
		return NULL;
	check_stack_depth();
	if (IsA(plan, NestLoop))
		foreach(lc, ((NestLoop *) plan)->nestParams)
			if (lfirst_node(NestLoopParam, lc)->paramno == paramid)
				return plan->lefttree;
	foreach(lc, plan->initPlan)
	{
		SubPlan    *sp = lfirst_node(SubPlan, lc);

		if (list_member_int(sp->setParam, paramid))
			return list_nth(cx->stmt->subplans, sp->plan_id - 1);
	}
	foreach(lc, cachebot_plan_children(plan))
		if ((found = param_producer(cx, (Plan *) lfirst(lc), paramid)) != NULL)
			return found;
	if ((found = param_producer(cx, plan->lefttree, paramid)) != NULL)
		return found;
	return param_producer(cx, plan->righttree, paramid);
}

/* The plan that computes parameter paramid, anywhere in the statement. */
static Plan *
param_producer_anywhere(ScanContext *cx, int paramid)
{
	Plan	   *producer = param_producer(cx, cx->stmt->planTree, paramid);
	ListCell   *lc;

	foreach(lc, cx->stmt->subplans)
	{
		if (producer != NULL)
			break;
		producer = param_producer(cx, (Plan *) lfirst(lc), paramid);
	}
	return producer;
}

/* Where a derived scan's values come from, in words (for explain()). */
static char *
param_source(ScanContext *cx, int paramid)
{
	Plan	   *producer = param_producer_anywhere(cx, paramid);

	if (producer == NULL)
		return pstrdup("the enclosing query");
	return plan_source(cx, producer);
}

static Plan *
join_capture_plan(ScanContext *cx, DerivedScan *ds)
{
	ListCell   *lc;

	foreach(lc, cx->join_candidates)
	{
		JoinCandidate *jc = lfirst(lc);

		if (jc->capture->plan_node_id == ds->capture_node_id)
			return jc->capture;
	}
	return NULL;
}

/* The tables a plan's tree scans, in words. */
static char *
plan_source(ScanContext *cx, Plan *producer)
{
	StringInfoData buf;

	if (producer == NULL)
		return pstrdup("the plan");
	initStringInfo(&buf);
	scanned_names(cx, producer, &buf);
	return buf.len > 0 ? buf.data : pstrdup("the plan");
}

/*
 * The scan whose table column a join's input column attno is, through
 * nodes that pass their input rows on unchanged; NULL if there is none.
 */
static Plan *
column_source_scan(Plan *plan, AttrNumber attno, AttrNumber *tablecol)
{
	for (;;)
	{
		TargetEntry *tle;
		Var		   *var;

		check_stack_depth();
		if (plan == NULL || attno <= 0 || attno > list_length(plan->targetlist))
			return NULL;
		tle = list_nth_node(TargetEntry, plan->targetlist, attno - 1);
		var = (Var *) strip_relabel((Node *) tle->expr);
		if (var == NULL || !IsA(var, Var) || var->varlevelsup != 0)
			return NULL;
		switch (nodeTag(plan))
		{
			case T_SeqScan:
			case T_IndexScan:
			case T_BitmapHeapScan:
			case T_TidScan:
			case T_TidRangeScan:
				if (var->varno != ((Scan *) plan)->scanrelid || var->varattno <= 0)
					return NULL;
				*tablecol = var->varattno;
				return plan;
			case T_Material:
			case T_Sort:
			case T_IncrementalSort:
			case T_Hash:
				if (var->varno != OUTER_VAR)
					return NULL;
				plan = plan->lefttree;
				attno = var->varattno;
				break;
			default:
				return NULL;
		}
	}
}

/* May T's rows reach the join's output only by matching, T on this side? */
static bool
join_filters_side(JoinType jointype, bool outer_side)
{
	switch (jointype)
	{
		case JOIN_INNER:
		case JOIN_SEMI:
			return true;
		case JOIN_RIGHT:
			return outer_side;
		case JOIN_LEFT:
		case JOIN_ANTI:
			return !outer_side;
		default:
			return false;
	}
}

/* Reads one join clause, T.col = other.col, with T on the outer side or not (t_outer). */
static void
join_clause_candidates(ScanContext *cx, Join *join, Node *clause, bool t_outer)
{
	OpExpr	   *op = (OpExpr *) clause;
	Var		   *vars[2];

	if (!IsA(op, OpExpr) || list_length(op->args) != 2)
		return;
	vars[0] = (Var *) strip_relabel(linitial(op->args));
	vars[1] = (Var *) strip_relabel(lsecond(op->args));
	if (!IsA(vars[0], Var) || !IsA(vars[1], Var))
		return;
	for (int t = 0; t < 2; t++)
	{
		Var		   *tvar = vars[t];
		Var		   *ovar = vars[1 - t];
		bool		outer_side = tvar->varno == OUTER_VAR;
		Plan	   *tside = outer_side ? join->plan.lefttree : join->plan.righttree;
		Plan	   *oside = outer_side ? join->plan.righttree : join->plan.lefttree;
		AttrNumber	oattno = ovar->varattno;
		AttrNumber	tablecol;
		Plan	   *scan;
		JoinCandidate *jc;

		if ((tvar->varno != OUTER_VAR && tvar->varno != INNER_VAR) ||
			outer_side != t_outer ||
			ovar->varno != (outer_side ? INNER_VAR : OUTER_VAR) ||
			!join_filters_side(join->jointype, outer_side))
			continue;
		/* A hash join reads its inner side through its Hash node. */
		if (IsA(oside, Hash))
		{
			TargetEntry *tle;
			Var		   *inner;

			if (oattno <= 0 || oattno > list_length(oside->targetlist))
				continue;
			tle = list_nth_node(TargetEntry, oside->targetlist, oattno - 1);
			inner = (Var *) strip_relabel((Node *) tle->expr);
			if (!IsA(inner, Var) || inner->varno != OUTER_VAR)
				continue;
			oside = oside->lefttree;
			oattno = inner->varattno;
		}
		/* Every pass over the other side must return the same rows. */
		if (oside == NULL || !bms_is_empty(oside->extParam) ||
			(scan = column_source_scan(tside, tvar->varattno, &tablecol)) == NULL)
			continue;

		/*
		 * The scan reads every row of T, matched or not, and its filter and
		 * projection run on them: one that can raise an error (100 / y)
		 * would fail on a row whose value the keys do not cover, which must
		 * make the statement fail, not leave its entry valid. Leakproof
		 * functions raise no error that depends on their input.
		 */
		if (cachebot_exprs_may_fail((Node *) scan->qual) ||
			cachebot_exprs_may_fail((Node *) scan->targetlist))
			continue;
		jc = palloc(sizeof(JoinCandidate));
		jc->scan_node_id = scan->plan_node_id;
		jc->attnum = tablecol;
		jc->opno = op->opno;
		jc->inputcollid = op->inputcollid;
		jc->valtype = ovar->vartype;
		jc->capture = oside;
		jc->capture_attno = oattno;
		jc->join_node_id = join->plan.plan_node_id;
		jc->t_outer = outer_side;
		cx->join_candidates = lappend(cx->join_candidates, jc);
	}
}

static void
collect_join_candidates(ScanContext *cx, Plan *plan)
{
	ListCell   *lc;
	List	   *clauses = NIL;

	if (plan == NULL)
		return;
	check_stack_depth();
	if (IsA(plan, NestLoop))
		clauses = ((Join *) plan)->joinqual;
	else if (IsA(plan, HashJoin))
		clauses = ((HashJoin *) plan)->hashclauses;
	else if (IsA(plan, MergeJoin))
		clauses = ((MergeJoin *) plan)->mergeclauses;
	foreach(lc, clauses)
	{
		join_clause_candidates(cx, (Join *) plan, lfirst(lc), true);
		join_clause_candidates(cx, (Join *) plan, lfirst(lc), false);
	}
	foreach(lc, cachebot_plan_children(plan))
		collect_join_candidates(cx, (Plan *) lfirst(lc));
	collect_join_candidates(cx, plan->lefttree);
	collect_join_candidates(cx, plan->righttree);
}

/* How much a join side's derived scans gain: those whose fallback is (T, *). */
static int
side_gain(List *derived, int join_node_id, bool t_outer)
{
	ListCell   *lc;
	int			gain = 0;

	foreach(lc, derived)
	{
		DerivedScan *ds = lfirst(lc);

		if (ds->join_node_id == join_node_id && ds->t_outer == t_outer)
			gain += 1 + (ds->nfallback > 0 && ds->fallback[0].kind == DEP_ANY_ROW ? 1000 : 0);
	}
	return gain;
}

/*
 * One side of a join may be keyed by the other side's values, not both:
 * each would vouch for the other, and a writer changing both to values
 * neither returned would move no key. No cycle forms across joins either:
 * a derivation links the two sides of one join, and a cycle through
 * several would have to cross its highest join both ways. (A nested loop's
 * parameters flow from its outer side to its inner; the inner side then
 * depends on them, so the outer side is never keyed by the inner's values.)
 * Where both sides would be, the side that gains less keeps its fallback
 * keys.
 */
static void
one_direction_per_join(DepSet *set)
{
	ListCell   *lc;
	ListCell   *lc2;

	foreach(lc, set->derived)
	{
		DerivedScan *ds = lfirst(lc);
		int			outer_gain;
		int			inner_gain;
		bool		drop_outer;

		if (ds->join_node_id < 0)
			continue;
		outer_gain = side_gain(set->derived, ds->join_node_id, true);
		inner_gain = side_gain(set->derived, ds->join_node_id, false);
		if (outer_gain == 0 || inner_gain == 0)
			continue;
		drop_outer = outer_gain <= inner_gain;
		foreach(lc2, set->derived)
		{
			DerivedScan *other = lfirst(lc2);

			if (other->join_node_id == ds->join_node_id && other->t_outer == drop_outer)
				set->derived = foreach_delete_current(set->derived, lc2);
		}
		one_direction_per_join(set);	/* the list changed: start again */
		return;
	}
}

static void
walk_plan(ScanContext *cx, Plan *plan)
{
	ListCell   *lc;
	List	   *quals;
	List	   *index_quals;
	Oid			indexid;

	if (plan == NULL)
		return;
	check_stack_depth();
	if (scan_quals(plan, &quals, &index_quals, &indexid))
		scan_keys(cx, plan, ((Scan *) plan)->scanrelid, quals, index_quals, indexid);
	foreach(lc, cachebot_plan_children(plan))
		walk_plan(cx, (Plan *) lfirst(lc));
	walk_plan(cx, plan->lefttree);
	walk_plan(cx, plan->righttree);
}

void
cachebot_plan_scan_dependencies(PlannedStmt *stmt, ParamListInfo params, ScanTarget *targets,
								DepSet *set)
{
	ScanContext cx = {.stmt = stmt,.params = params,.targets = targets,.set = set};
	ListCell   *lc;

	walk_plan(&cx, stmt->planTree);
	foreach(lc, stmt->subplans)
		walk_plan(&cx, (Plan *) lfirst(lc));
}

void
cachebot_plan_derive_scans(PlannedStmt *stmt, DepSet *set)
{
	ScanContext cx = {.stmt = stmt,.set = set};
	ListCell   *lc;

	if (set->scans == NIL || set->derived != NIL)
		return;					/* nothing recorded, or done already */
	collect_join_candidates(&cx, stmt->planTree);
	foreach(lc, stmt->subplans)
		collect_join_candidates(&cx, (Plan *) lfirst(lc));
	foreach(lc, set->scans)
		derive_scan(&cx, lfirst(lc));
	one_direction_per_join(set);
}

/*
 * Can an equality of this collation match rows the index holds apart? Not
 * when it is the index's own, or deterministic (then equal means bytewise
 * equal, the strictest equality), or none (a type without collation).
 */
static bool
collation_fixes(Oid inputcollid, Oid indexcollid)
{
	return !OidIsValid(inputcollid) || inputcollid == indexcollid ||
		get_collation_isdeterministic(inputcollid);
}

/* Is node a value known before the scan: a constant or an external parameter? */
static bool
is_value_known_before_scan(Node *node)
{
	node = strip_relabel(node);
	return node != NULL &&
		(IsA(node, Const) || (IsA(node, Param) && ((Param *) node)->paramkind == PARAM_EXTERN));
}

/* Does one of quals fix index column col to a value known before the scan? */
static bool
index_column_fixed(Relation index, int col, List *quals, Index scanrelid, bool index_vars)
{
	ListCell   *lc;

	foreach(lc, quals)
	{
		OpExpr	   *op = lfirst(lc);
		Node	   *sides[2];

		if (!IsA(op, OpExpr) || list_length(op->args) != 2 ||
			get_op_opfamily_strategy(op->opno, index->rd_opfamily[col]) != BTEqualStrategyNumber)
			continue;
		sides[0] = linitial(op->args);
		sides[1] = lsecond(op->args);
		for (int s = 0; s < 2; s++)
		{
			if (scan_column(sides[s], scanrelid, index_vars ? index : NULL) !=
				index->rd_index->indkey.values[col])
				continue;
			if (is_value_known_before_scan(sides[1 - s]) &&
				collation_fixes(op->inputcollid, index->rd_indcollation[col]))
				return true;
		}
	}
	return false;
}

/*
 * Do quals (naming the columns of relation scanrelid, or, for index_quals,
 * those of index scanned_index) fix every key column of a unique,
 * non-partial, immediately checked index of rel? Then the scan returns at
 * most one row.
 */
static bool
quals_fix_unique_index(Relation rel, Index scanrelid, List *quals, List *index_quals,
					   Oid scanned_index)
{
	List	   *indexes = RelationGetIndexList(rel);
	ListCell   *lc;

	foreach(lc, indexes)
	{
		/* Not locked by the plan: one may be going away concurrently. */
		Relation	index = try_relation_open(lfirst_oid(lc), AccessShareLock);
		bool		all;

		if (index == NULL)
			continue;
		all = index->rd_index->indisunique && index->rd_index->indimmediate &&
			RelationGetIndexPredicate(index) == NIL;

		for (int col = 0; all && col < index->rd_index->indnkeyatts; col++)
			all = index->rd_index->indkey.values[col] != 0 &&
				(index_column_fixed(index, col, quals, scanrelid, false) ||
				 (RelationGetRelid(index) == scanned_index &&
				  index_column_fixed(index, col, index_quals, scanrelid, true)));
		relation_close(index, NoLock);
		if (all)
			return true;
	}
	return false;
}

/*
 * Is the plan a lookup of at most one row by a key: a scan whose quals fix
 * every key column of a unique, non-partial index of its table, maybe under
 * a Limit (an ORM's get() asks for LIMIT 21, its first() for ORDER BY ...
 * LIMIT 1), a Sort or a projecting Result, which return a subset of that
 * row in some order?
 */
bool
cachebot_plan_is_unique_lookup(PlannedStmt *stmt)
{
	Plan	   *plan = stmt->planTree;
	List	   *quals;
	List	   *index_quals;
	Oid			scanned_index;
	Index		scanrelid;
	RangeTblEntry *rte;
	Relation	rel;
	bool		unique;

	for (;;)
	{
		if (IsA(plan, Limit))
		{
			Limit	   *limit = (Limit *) plan;

			/* Not a subquery's value: the key's text and parameters fix these. */
			if ((limit->limitCount && !is_value_known_before_scan(limit->limitCount)) ||
				(limit->limitOffset && !is_value_known_before_scan(limit->limitOffset)))
				return false;
		}
		else if (!IsA(plan, Sort) && !IsA(plan, IncrementalSort) &&
				 !(IsA(plan, Result) && plan->lefttree != NULL))
			break;
		if (plan->lefttree == NULL)
			return false;
		plan = plan->lefttree;
	}
	if (!scan_quals(plan, &quals, &index_quals, &scanned_index))
		return false;
	scanrelid = ((Scan *) plan)->scanrelid;
	rte = rt_fetch(scanrelid, stmt->rtable);
	rel = relation_open(rte->relid, NoLock);	/* the plan's: locked */
	unique = quals_fix_unique_index(rel, scanrelid, quals, index_quals, scanned_index);
	relation_close(rel, NoLock);
	return unique;
}

/* Does an expression read anything but constants (a column, a parameter, a subquery)? */
static bool
reads_non_constant(Node *node, void *context)
{
	if (node == NULL)
		return false;
	check_stack_depth();
	if (IsA(node, Var) || IsA(node, Param) || IsA(node, SubLink) || IsA(node, Aggref) ||
		IsA(node, WindowFunc))
		return true;
	return expression_tree_walker(node, reads_non_constant, context);
}

/* Appends the conjuncts of an AND tree to *conjuncts. */
static void
collect_conjuncts(Node *node, List **conjuncts)
{
	check_stack_depth();
	if (node == NULL)
		return;
	if (is_andclause(node))
	{
		ListCell   *lc;

		foreach(lc, ((BoolExpr *) node)->args)
			collect_conjuncts(lfirst(lc), conjuncts);
	}
	else
		*conjuncts = lappend(*conjuncts, node);
}

/*
 * Is the query, not yet planned, a lookup of at most one row by a key: a
 * SELECT of one table, without aggregates, grouping, DISTINCT, set
 * operations, window functions, set-returning functions or subqueries,
 * whose WHERE clause ANDs equalities of constants to every key column of a
 * unique, non-partial, immediately checked index, maybe ordered and limited
 * by constants (LIMIT 21 is still int8(21) before planning folds it)? Its
 * shape is checked first: the table's indexes are read only for a query of
 * that shape.
 */
bool
cachebot_query_is_unique_lookup(Query *query)
{
	RangeTblEntry *rte;
	List	   *quals = NIL;
	ListCell   *lc;
	bool		candidate = false;
	Relation	rel;
	bool		unique;

	if (query->commandType != CMD_SELECT || query->utilityStmt != NULL ||
		list_length(query->rtable) != 1 || query->jointree == NULL ||
		list_length(query->jointree->fromlist) != 1 ||
		!IsA(linitial(query->jointree->fromlist), RangeTblRef) ||
		query->hasAggs || query->hasWindowFuncs || query->hasTargetSRFs ||
		query->hasSubLinks || query->hasRecursive || query->hasModifyingCTE ||
		query->hasForUpdate || query->rowMarks != NIL || query->cteList != NIL ||
		query->groupClause != NIL || query->groupingSets != NIL ||
		query->havingQual != NULL || query->windowClause != NIL ||
		query->distinctClause != NIL || query->setOperations != NULL ||
		reads_non_constant(query->limitCount, NULL) ||
		reads_non_constant(query->limitOffset, NULL))
		return false;
	rte = linitial_node(RangeTblEntry, query->rtable);
	if (rte->rtekind != RTE_RELATION || rte->relkind != RELKIND_RELATION ||
		rte->tablesample != NULL ||
		((RangeTblRef *) linitial(query->jointree->fromlist))->rtindex != 1)
		return false;

	collect_conjuncts(query->jointree->quals, &quals);
	foreach(lc, quals)
	{
		OpExpr	   *op = lfirst(lc);

		if (IsA(op, OpExpr) && list_length(op->args) == 2 &&
			((scan_column(linitial(op->args), 1, NULL) > 0 &&
			  is_value_known_before_scan(lsecond(op->args))) ||
			 (scan_column(lsecond(op->args), 1, NULL) > 0 &&
			  is_value_known_before_scan(linitial(op->args)))))
		{
			candidate = true;
			break;
		}
	}
	if (!candidate)
		return false;

	rel = relation_open(rte->relid, NoLock);	/* locked by the parser */
	unique = quals_fix_unique_index(rel, 1, quals, NIL, InvalidOid);
	relation_close(rel, NoLock);
	return unique;
}
