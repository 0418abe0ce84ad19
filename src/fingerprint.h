/*
 * fingerprint.h
 *		The cache key of a statement execution (SPEC section 5).
 *
 * The fingerprint is a byte string holding everything that decides the
 * result: statement text, parameter values with their types, database,
 * current role, the settings that change how text is parsed or computed,
 * and the result's column types. (The relations it reads are named by its
 * dependencies, which a hit compares too.) Its 128-bit
 * hash names the entry; the whole fingerprint is kept in the entry and
 * compared on every hit, so a hash collision is a miss, never a wrong row.
 */
#ifndef CACHEBOT_FINGERPRINT_H
#define CACHEBOT_FINGERPRINT_H

#include "lib/stringinfo.h"
#include "nodes/params.h"
#include "nodes/plannodes.h"

#include "cachebot.h"

/*
 * targetlist: the statement's TargetEntry list (junk entries are skipped).
 * Returns the number of result columns.
 */
extern int	fingerprint_build(StringInfo buf, const char *text, int textlen,
							  ParamListInfo params, List *targetlist);

#endif							/* CACHEBOT_FINGERPRINT_H */
