/*
 * lookup.c
 *		Reading a statement's entry and the versions that vouch for it.
 */
#include "postgres.h"

#include "lookup.h"
#include "store.h"

LookupOutcome
cache_lookup(const CacheDecision *d, EntryView *view, uint64 *gens, bool *pending)
{
	const CacheStore *store = cache_store();
	char	   *entry = NULL;
	Size		len = 0;
	VersionRead *versions = palloc(d->ndeps * sizeof(VersionRead));
	Hash128    *missing;
	VersionRead *missing_versions;
	int			nmissing = 0;
	EntryCheck	check;

	/* One round trip: the entry, and the records this plan depends on. */
	if (store == NULL || !store->lookup(&d->key, d->ndeps, d->deps, &entry, &len, versions))
		return LOOKUP_FAILED;
	if (gens != NULL)
	{
		*pending = false;
		for (int i = 0; i < d->ndeps; i++)
		{
			gens[i] = versions[i].gen;
			*pending |= versions[i].pending;
		}
	}
	if (entry == NULL)
		return LOOKUP_MISS;
	check = entry_open(entry, len, d->fingerprint.data, d->fingerprint.len, d->natts, view);
	if (check != ENTRY_OK)
		return check == ENTRY_CORRUPT ? LOOKUP_CORRUPT : LOOKUP_MISS;

	/*
	 * The entry is checked against the records it was stored with; they are
	 * normally the ones just read. Others take a second round trip.
	 */
	missing = palloc(view->ndeps * sizeof(Hash128));
	for (uint32 i = 0; i < view->ndeps; i++)
	{
		bool		known = false;

		for (int j = 0; j < d->ndeps && !known; j++)
			if (hash128_equal(&view->deps[i].key, &d->deps[j]))
			{
				if (versions[j].pending || versions[j].gen != view->deps[i].gen)
					return LOOKUP_MISS;
				known = true;
			}
		if (!known)
			missing[nmissing++] = view->deps[i].key;
	}
	if (nmissing == 0)
		return LOOKUP_HIT;
	missing_versions = palloc(nmissing * sizeof(VersionRead));
	if (!store->lookup(NULL, nmissing, missing, NULL, NULL, missing_versions))
		return LOOKUP_FAILED;
	for (int k = 0, i = 0; i < (int) view->ndeps && k < nmissing; i++)
	{
		if (!hash128_equal(&view->deps[i].key, &missing[k]))
			continue;
		if (missing_versions[k].pending || missing_versions[k].gen != view->deps[i].gen)
			return LOOKUP_MISS;
		k++;
	}
	return LOOKUP_HIT;
}
