/*
 * lookup.c
 *		Reading a statement's entry and the versions that vouch for it.
 */
#include "postgres.h"

#include "lookup.h"
#include "store.h"

LookupOutcome
cache_lookup(const CacheDecision *d, int natts, EntryView *view)
{
	const CacheStore *store = cache_store();
	char	   *entry = NULL;
	Size		len = 0;
	Hash128    *deps;
	VersionRead *versions;
	EntryCheck	check;

	if (store == NULL || !store->lookup(&d->key, 0, NULL, &entry, &len, NULL))
		return LOOKUP_FAILED;
	if (entry == NULL)
		return LOOKUP_MISS;
	check = entry_open(entry, len, d->fingerprint.data, d->fingerprint.len, natts, view);
	if (check != ENTRY_OK)
		return check == ENTRY_CORRUPT ? LOOKUP_CORRUPT : LOOKUP_MISS;

	deps = palloc(view->ndeps * sizeof(Hash128));
	versions = palloc(view->ndeps * sizeof(VersionRead));
	for (uint32 i = 0; i < view->ndeps; i++)
		deps[i] = view->deps[i].key;
	if (!store->lookup(NULL, view->ndeps, deps, NULL, NULL, versions))
		return LOOKUP_FAILED;
	for (uint32 i = 0; i < view->ndeps; i++)
		if (versions[i].pending || versions[i].gen != view->deps[i].gen)
			return LOOKUP_MISS;
	return LOOKUP_HIT;
}

bool
cache_read_versions(const CacheDecision *d, uint64 *gens, bool *pending)
{
	const CacheStore *store = cache_store();
	VersionRead *versions = palloc(d->ndeps * sizeof(VersionRead));

	if (store == NULL || !store->lookup(NULL, d->ndeps, d->deps, NULL, NULL, versions))
		return false;
	*pending = false;
	for (int i = 0; i < d->ndeps; i++)
	{
		gens[i] = versions[i].gen;
		*pending |= versions[i].pending;
	}
	pfree(versions);
	return true;
}
