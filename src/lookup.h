/*
 * lookup.h
 *		Reading a statement's entry and the versions that vouch for it.
 *
 * An entry is valid while every dependency it was stored with still has the
 * gen stored beside it and no writer of it is committing. Checking the
 * entry's own dependencies (not the ones the current plan would give) lets
 * the planner serve a hit before any plan exists.
 */
#ifndef CACHEBOT_LOOKUP_H
#define CACHEBOT_LOOKUP_H

#include "eligibility.h"
#include "entry.h"

typedef enum LookupOutcome
{
	LOOKUP_HIT,
	LOOKUP_MISS,				/* absent, stale, expired, or a collision */
	LOOKUP_CORRUPT,				/* something not ours: a miss, and an error */
	LOOKUP_FAILED				/* the store did not answer */
} LookupOutcome;

/*
 * Reads the entry named by d's key and, in the same round trip, the records
 * of d's dependencies (into gens and *pending, if gens is not NULL: what a
 * fill after a miss stores); checks the entry. On a hit fills *view.
 */
extern LookupOutcome cache_lookup(const CacheDecision *d, EntryView *view,
								  uint64 *gens, bool *pending);

#endif							/* CACHEBOT_LOOKUP_H */
