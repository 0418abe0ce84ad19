/*
 * fingerprint.h
 *		The cache key of a statement execution.
 *
 * The fingerprint is a byte string holding everything that decides the
 * result: statement text, what the text resolved to, parameter values with
 * their types, database, current role, the settings that change how text is
 * parsed or computed, and the result's column types. What the text resolved
 * to (the relations, functions, operators and types its names stand for) is
 * PostgreSQL's query ID, a hash of the analyzed statement with every object
 * it names: the same text under another search_path, or after an object
 * earlier on the path appeared, resolves to another query ID, hence another
 * entry. (What those objects are is covered by the catalog generation, see
 * catalog_gen.h.) Its 128-bit hash names the entry; the whole fingerprint
 * is kept in the entry and compared on every hit, so a hash collision is a
 * miss, never a wrong row.
 */
#ifndef CACHEBOT_FINGERPRINT_H
#define CACHEBOT_FINGERPRINT_H

#include "lib/stringinfo.h"
#include "nodes/params.h"
#include "nodes/plannodes.h"


/* How a result column is stored, for checking entries read back. */
typedef struct ColumnLayout
{
	int16		len;
	bool		byval;
	char		align;
} ColumnLayout;

/*
 * targetlist: the statement's TargetEntry list (junk entries are skipped).
 * Returns the number of result columns; *columns gets their layouts.
 */
extern int	cachebot_fingerprint_build(StringInfo buf, const char *text, int textlen,
							  uint64 query_id, ParamListInfo params, List *targetlist,
							  ColumnLayout **columns);

/* The names of the settings in the key (for the test that lists them). */
extern List *cachebot_fingerprint_settings(void);

#endif							/* CACHEBOT_FINGERPRINT_H */
