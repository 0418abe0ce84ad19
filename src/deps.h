/*
 * deps.h
 *		The dependency set of a statement, and the row-level keys of a plan.
 *
 * A dependency set lists the keys (keys.h) whose version records vouch for
 * a cached result: the epoch and the database's catalog generation always,
 * first and second; then the generations of the tables read, and the row
 * keys of every scan. For every scan of a tracked table: if the scan's own
 * quals, as planned, fix a keyed column to values (col = const, col = $n,
 * col = ANY(array), an OR of such), the keys (T, col, value) of one such
 * column; otherwise (T, *). Either may stand for keys derived from values
 * the plan computes, known once a fill has run (DerivedScan, below).
 */
#ifndef CACHEBOT_DEPS_H
#define CACHEBOT_DEPS_H

#include "access/attnum.h"
#include "nodes/params.h"
#include "nodes/parsenodes.h"
#include "nodes/plannodes.h"

#include "keys.h"
#include "tracking.h"

/*
 * A scan of a tracked table whose keyed column is compared, by equality,
 * with values the plan computes. Its row keys are the values seen while the
 * fill runs (capture.h); until they are known, and if they cannot be (too
 * many, never computed, a side not run to its end), the fallback keys stand
 * for the scan: the set holds them like any other. Two sources:
 *
 * - A parameter (PARAM_EXEC) in the scan's own quals: a nested loop's outer
 *   value, an InitPlan's result, a correlated subquery's outer value. The
 *   scan restricts its output to rows whose column equals the parameter's
 *   current value, whatever the parameter's source: rows with any other
 *   value are never part of it.
 *
 * - A join clause T.col = other.col of a nested loop, hash or merge join, with the
 *   scan reached from one side through nodes that pass its rows on as they
 *   are (Material, Sort, Hash), and the values the other side's node
 *   returns. Only where T's rows reach the join's output by matching: T on
 *   the outer side of an inner, semi or right join, or the inner side of an
 *   inner, semi, anti or left join; and only if the other side ran to its
 *   end (some pass returned its last row) and depends on no parameter, so
 *   that every pass returns the same rows. A row of T whose value is not
 *   among them matches none of them. The scan itself reads every row of T,
 *   so its filter and projection must not be able to raise an error (all
 *   leakproof): a row outside the keys could make the statement fail.
 *
 * Either way the values' source is covered by the keys of its own scans,
 * which cannot depend on this scan's rows (a parameter is computed before
 * the scan that reads it; the other side of a join is not parameterized by
 * this one).
 */
typedef struct DerivedScan
{
	int			plan_node_id;	/* the scan */
	int			paramid;		/* the PARAM_EXEC parameter, or -1 */
	int			capture_node_id;	/* for a join: the other side's node */
	AttrNumber	capture_attno;	/* and the column of its output */
	int			join_node_id;	/* the join, or -1 */
	bool		t_outer;		/* the scan is on its outer side */
	Oid			relid;			/* the tracked table (its own root) */
	AttrNumber	attnum;			/* the keyed column */
	Oid			coltype;
	Oid			colcoll;
	Oid			opno;			/* the comparison, and its collation */
	Oid			inputcollid;
	Oid			paramtype;
	int			nfallback;
	DepKey	   *fallback;
	char	   *description;	/* for explain(), if the set is described */
} DerivedScan;

typedef struct DepSet
{
	int			n;
	int			max;
	DepKey	   *keys;
	int		   *refs;			/* how many scans (or other reasons) added
								 * each key: a derived scan's fallback keys go
								 * only if it was their last reason */
	List	   *scans;			/* the tracked scans, for derivation */
	List	   *derived;		/* of DerivedScan, once derived */
	bool		describe;		/* set by the caller: fill descriptions */
	char	  **descriptions;	/* of keys, for explain() */
	Hash128    *hashes;			/* of keys, once finished (past the first two,
								 * in another order): see below */
	int		   *order;			/* hashes[i] is the hash of keys[order[i]] */
} DepSet;

/* Where the epoch and the catalog generation are; then the rest. */
#define DEPSET_EPOCH 0
#define DEPSET_CATALOG 1
#define DEPSET_FIRST_ROW 2

/* Empties set and adds the epoch and this database's catalog generation. */
extern void cachebot_depset_start(DepSet *set);

/*
 * Adds a key of this database (once); description (or NULL, for the
 * default) is kept if the set is described.
 */
extern void cachebot_depset_add(DepSet *set, DepKind kind, Oid relid, AttrNumber attnum,
								uint64 valuehash, char *description);

/*
 * Hashes the keys into set->hashes: the epoch and catalog first, the rest
 * in a canonical order, so that equal sets store equal entries.
 */
extern void cachebot_depset_finish(DepSet *set);

/*
 * The set described (set->describe), for explain(): its keys, but for
 * derived scans the values they will be keyed by, in place of their
 * fallback keys ("photo.user_id = {values from app_user} (else photo:*)").
 * A list of strings.
 */
extern List *cachebot_depset_descriptions(const DepSet *set);

/* What the decision knows of one range table entry. */
typedef struct ScanTarget
{
	bool		tracked;
	bool		own_root;		/* a tracked table itself, not a partition */
	TrackInfo	info;
	int			nhinted;		/* -1: no hint column names this table */
	AttrNumber	hinted[TRACK_MAX_KEYED];
} ScanTarget;

/*
 * Adds the keys of every scan in the plan to set; targets, indexed by range
 * table index, say how each relation is tracked (they must outlive set).
 * This is all a lookup needs.
 */
extern void cachebot_plan_scan_dependencies(PlannedStmt *stmt, ParamListInfo params,
											ScanTarget *targets, DepSet *set);

/*
 * Lists in set->derived the scans (of those the call above saw) that keys
 * known only as the plan runs would key better: for a fill, which captures
 * them (capture.h), and for explain(). Not on the hit path: it reads
 * statistics and the catalog. The keys already in set are unchanged.
 */
extern void cachebot_plan_derive_scans(PlannedStmt *stmt, DepSet *set);

/* The subplans of a plan node other than its left and right trees. */
extern List *cachebot_plan_children(Plan *plan);

/*
 * Is the plan a lookup by primary key or unique key (for cache_get): a scan
 * fixing every key column of a unique index, maybe under Limit, Sort or
 * Result?
 */
extern bool cachebot_plan_is_unique_lookup(PlannedStmt *stmt);

/*
 * The same for a query not yet planned: a SELECT of one table whose WHERE
 * ANDs equalities of constants to every key column of a unique index, maybe
 * with ORDER BY, LIMIT and OFFSET (constants). Reads the table's indexes
 * only for a query of that shape.
 */
extern bool cachebot_query_is_unique_lookup(Query *query);

#endif							/* CACHEBOT_DEPS_H */
