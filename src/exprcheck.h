/*
 * exprcheck.h
 *		What in a statement's expressions keeps its result from being cached.
 *
 * One walk over a plan's or a query's expressions finds, in this order of
 * appearance, the first of:
 *	- a function or operator that is not IMMUTABLE, unless it is one of the
 *	  STABLE built-ins whose only hidden inputs are settings of the key
 *	  (exprcheck.c lists them, by OID: to_char, date_trunc and date_part of
 *	  timestamptz, concat, format, the JSON builders, ...; those rendering
 *	  values of any type only where every argument's type renders through
 *	  cacheable functions); a cast through text whose input's type does not
 *	  render so or whose result type's input function is not IMMUTABLE;
 *	  CURRENT_DATE and its kind, or nextval (mutable_function);
 *	- a system column other than tableoid: ctid moves with VACUUM FULL,
 *	  xmax with a row lock, neither firing a trigger (system_column);
 *	- a value of the row type of a temporary table or view (a cast to it, a
 *	  function returning it): altering the table alters the type, and
 *	  invalidates nothing (temporary_object, see ddl.h).
 *	- in a Query (check->parse_time), a constant of a reg* type naming an
 *	  object of a temporary schema: a name made an OID when the statement
 *	  was parsed (parse_time_value, see below).
 * It also lists the functions the expressions call (a plan's: those whose
 * EXECUTE privilege a hit checks, as initializing them would have, and which
 * its entry records), and notes a SQL function, which
 * the planner may inline: what its body's names resolve to shows only in
 * the plan.
 *
 * (A function or type of a temporary schema is no reason to skip: its OID
 * is in the query ID, so another session's is another entry, and changing
 * one changes the catalog, see ddl.h. Temporary relations are skipped by
 * the caller.)
 */
#ifndef CACHEBOT_EXPRCHECK_H
#define CACHEBOT_EXPRCHECK_H

#include "nodes/parsenodes.h"
#include "nodes/pg_list.h"
#include "nodes/plannodes.h"

#include "stats.h"

typedef struct ExprCheck
{
	SkipReason	why;			/* SKIP_NONE, or the first problem found */
	List	   *functions;		/* OIDs of the functions called, once each */
	bool		inlinable;		/* a SQL function: the planner may inline it */
	Oid			funcid;			/* SKIP_MUTABLE_FUNCTION: the function, if one
								 * (not a value function such as now's
								 * CURRENT_TIMESTAMP) */
	Oid			cast_from;		/* ... and the cast through text it serves */
	Oid			cast_to;
	bool		parse_time;		/* in: check constants as they were parsed
								 * (a Query's, not a plan's: see below) */
	bool		dated;			/* out: a constant of a date or time type */
} ExprCheck;

/*
 * Walks node (an expression, a list of them, or a Query with everything
 * nested in it). Returns true, with check->why set, at the first problem.
 */
extern bool cachebot_exprcheck_walk(Node *node, ExprCheck *check);

/*
 * Values made when the statement was parsed, which neither its text nor its
 * query ID (the key) tells apart from one parse to the next:
 *	- a literal of a date or time type (or an array, range or row of one)
 *	  in which the input function read the clock: 'now', 'today' (see
 *	  cachebot_hint_clock_literal(), which reads the literals in the text);
 *	- a name made an OID of a temporary schema's object, through the search
 *	  path ('photo'::regclass, after CREATE TEMP TABLE photo): another
 *	  session resolves the same text to another object (a permanent one's
 *	  OID is what every session with that path gets, the search path being
 *	  in the key, and a DDL that changes it moves the catalog generation);
 *	  a reg* value inside an array, range, row or domain counts unread.
 * With check->parse_time set, the walk of a Query stops at such a reg*
 * constant (parse_time_value) and sets check->dated at a date or time one;
 * the caller reads the text for the clock. A plan may have folded such
 * constants away (two compared): the planner hook looks before planning.
 */

/*
 * What the planner hook adds to a plan's relationOids, read before planning
 * since planning may fold what it finds away: the temporary relations whose
 * row types query uses (a field of a row built and cast in place depends on
 * the type's definition: temporary_object), and InvalidOid if query holds a
 * value made when it was parsed (text, of textlen bytes, its statement's
 * text; NULL if unknown: then any date or time constant counts). The
 * decision on the plan reads them (and PostgreSQL's plan cache follows the
 * relations; InvalidOid matches no relation there).
 */
extern List *cachebot_exprcheck_before_planning(Query *query, const char *text, int textlen);

/* Does the plan carry that mark (a value made when it was parsed)? */
extern bool cachebot_exprcheck_marked(const PlannedStmt *plan);

/*
 * The statement's result columns: an anonymous record (its row type is
 * registered in one session only: record_type) cannot be replayed. Returns
 * SKIP_NONE if all can.
 */
extern SkipReason cachebot_exprcheck_result_types(List *targetlist);

/*
 * Can evaluating exprs (an expression, or a list of them, target entries or
 * lists included) raise an error that depends on the values it is given?
 * False when every function applied to a column is leakproof, a promise not
 * to throw on any input.
 */
extern bool cachebot_exprs_may_fail(Node *exprs);

#endif							/* CACHEBOT_EXPRCHECK_H */
