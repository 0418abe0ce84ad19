/*
 * explain.h
 *		What EXPLAIN says about the cache.
 *
 * EXPLAIN of a statement the cache is asked for ends with what the cache
 * would do (EXPLAIN) or did (EXPLAIN ANALYZE) and the keys it depends on:
 *
 *     Cachebot: would hit
 *     Cachebot Dependencies: epoch, catalog, photo:generation, photo.user_id = 3
 *
 * EXPLAIN itself runs nothing: the executor decides about the plan as it
 * would for a client and looks the entry up, without counting, filling or
 * waiting, and notes the outcome here; the ExplainOneQuery hook adds it to
 * the output. Statements without a hint (or not asked for by cache_all or
 * cache_get) get no lines: their EXPLAIN output is PostgreSQL's own.
 * EXPLAIN EXECUTE does not pass through that hook and gets no lines.
 */
#ifndef CACHEBOT_EXPLAIN_H
#define CACHEBOT_EXPLAIN_H

#include "eligibility.h"

/* Installs the ExplainOneQuery hook (from _PG_init), chaining any before. */
extern void cachebot_explain_install_hook(void);

/* Is an EXPLAIN's statement being decided (notes wanted)? */
extern bool cachebot_explaining(void);

/*
 * Notes what the cache would do or did for d (the explained statement's
 * decision: the first noted, then only the same one again, so statements
 * nested in it do not replace it), and its dependencies if d described
 * them.
 */
extern void cachebot_explain_note(const CacheDecision *d, const char *what);

#endif							/* CACHEBOT_EXPLAIN_H */
