/*
 * lookup.h
 *		Reading a statement's entry and the versions that vouch for it.
 *
 * An entry is valid while every dependency it was stored with still has the
 * gen stored beside it and no writer of it is committing. It is checked
 * against its own dependencies, not those the current statement would
 * compute: stored gens mean something only for the keys they were read for,
 * which describe what the filling execution read, while the current
 * statement may derive others (another plan, other statistics, the coarser
 * keys known before planning). So the planner can serve a hit before any
 * plan exists.
 */
#ifndef CACHEBOT_LOOKUP_H
#define CACHEBOT_LOOKUP_H

#include "eligibility.h"
#include "entry.h"

typedef enum LookupOutcome
{
	LOOKUP_HIT,
	LOOKUP_MISS,				/* absent, or a collision */
	LOOKUP_STALE,				/* a dependency changed since it was stored */
	LOOKUP_EXPIRED,				/* older than its TTL */
	LOOKUP_CORRUPT,				/* something not ours: a miss, and an error */
	LOOKUP_FAILED				/* the store did not answer */
} LookupOutcome;

/* What a lookup read of d's dependencies: what a fill after a miss stores. */
typedef struct LookupVersions
{
	uint64	   *gens;			/* d->ndeps of them, allocated by the caller */
	bool		pending;		/* a writer of one of them is committing */
	uint64		ddl_sequence;	/* read with the catalog generation */
} LookupVersions;

/*
 * Reads the entry named by d's key and, in the same round trip, the records
 * of d's dependencies (into *read, if not NULL); checks the entry. On a hit
 * fills *view.
 */
extern LookupOutcome cachebot_cache_lookup(const CacheDecision *d, EntryView *view,
								  LookupVersions *read);

#endif							/* CACHEBOT_LOOKUP_H */
