/*
 * deps.h
 *		The row-level dependency keys of a plan.
 *
 * For every scan of a tracked table: if the scan's own quals, as planned,
 * fix a keyed column to values (col = const, col = $n, col = ANY(array)),
 * the keys (T, col, value) of one such column; otherwise (T, *).
 */
#ifndef CACHEBOT_DEPS_H
#define CACHEBOT_DEPS_H

#include "nodes/params.h"
#include "nodes/plannodes.h"

#include "tracking.h"

struct CacheDecision;

/* What the decision knows of one range table entry. */
typedef struct ScanTarget
{
	bool		tracked;
	bool		own_root;		/* a tracked table itself, not a partition */
	TrackInfo	info;
	int			nhinted;		/* -1: no hint column names this table */
	AttrNumber	hinted[TRACK_MAX_KEYED];
} ScanTarget;

/* Adds the dependency keys of every scan in the plan to d. */
extern void cachebot_plan_scan_dependencies(PlannedStmt *stmt, ParamListInfo params,
								   ScanTarget *targets, struct CacheDecision *d);

/* The subplans of a plan node other than its left and right trees. */
extern List *cachebot_plan_children(Plan *plan);

/* Is the plan a lookup by primary key or unique key (for cache_get)? */
extern bool cachebot_plan_is_unique_lookup(PlannedStmt *stmt);

#endif							/* CACHEBOT_DEPS_H */
