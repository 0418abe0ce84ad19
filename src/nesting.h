/*
 * nesting.h
 *		Whether a statement is run directly by the client, or from inside
 *		another statement or command.
 *
 * Only statements the client sends are looked up or filled. A statement run
 * from inside another one (a function called by a query, a trigger fired by
 * COPY, a rule, a DO block, a procedure, a function the planner evaluates
 * while folding constants) may see its caller's snapshot or its caller's
 * uncommitted writes, neither of which belongs in a shared entry.
 *
 * The hooks that run statements count themselves in and out here: the
 * executor (ExecutorStart, which may evaluate functions for partition
 * pruning, ExecutorRun, and ExecutorFinish, which fires triggers), the
 * planner and ProcessUtility, each in a PG_TRY block that counts it out
 * again whatever happens. (So nothing resets the count at abort: a
 * procedure's ROLLBACK aborts a transaction while the CALL is still
 * running.) Utility commands that only run the client's own query
 * (EXECUTE, DECLARE, FETCH, CLOSE, EXPLAIN, PREPARE) do not count: the query
 * they run is the client's statement (see utility.c).
 */
#ifndef CACHEBOT_NESTING_H
#define CACHEBOT_NESTING_H

/* Statements and commands running in this backend (use the functions below). */
extern int	cachebot_nesting_depth;

static inline void
nesting_enter(void)
{
	cachebot_nesting_depth++;
}

static inline void
nesting_leave(void)
{
	cachebot_nesting_depth--;
}

/* Is a statement or command running in this backend right now? */
static inline bool
nesting_inside_statement(void)
{
	return cachebot_nesting_depth > 0;
}

#endif							/* CACHEBOT_NESTING_H */
