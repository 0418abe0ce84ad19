/*
 * exprcheck.h
 *		What in a statement's expressions keeps its result from being cached.
 *
 * One walk over a plan's or a query's expressions finds, in this order of
 * appearance, the first of:
 *	- a function or operator that is not IMMUTABLE, or CURRENT_DATE and its
 *	  kind, or nextval (mutable_function);
 *	- a system column other than tableoid: ctid moves with VACUUM FULL,
 *	  xmax with a row lock, neither firing a trigger (system_column).
 * It also lists the functions the expressions call, whose EXECUTE privilege
 * a hit served without a plan checks again.
 *
 * (A function or type of a temporary schema is no reason to skip: its OID
 * is in the query ID, so another session's is another entry, and changing
 * one changes the catalog, see ddl.h. Temporary relations are skipped by
 * the caller.)
 */
#ifndef CACHEBOT_EXPRCHECK_H
#define CACHEBOT_EXPRCHECK_H

#include "nodes/pg_list.h"

#include "stats.h"

typedef struct ExprCheck
{
	SkipReason	why;			/* SKIP_NONE, or the first problem found */
	List	   *functions;		/* OIDs of the functions called, once each */
} ExprCheck;

/*
 * Walks node (an expression, a list of them, or a Query with everything
 * nested in it). Returns true, with check->why set, at the first problem.
 */
extern bool exprcheck_walk(Node *node, ExprCheck *check);

/*
 * The statement's result columns: an anonymous record (its row type is
 * registered in one session only: record_type) cannot be replayed. Returns
 * SKIP_NONE if all can.
 */
extern SkipReason exprcheck_result_types(List *targetlist);

#endif							/* CACHEBOT_EXPRCHECK_H */
