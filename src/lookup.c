/*
 * lookup.c
 *		Reading a statement's entry and the versions that vouch for it.
 */
#include "postgres.h"

#include "miscadmin.h"

#include "catalog_gen.h"
#include "committing.h"
#include "lookup.h"
#include "store.h"

LookupOutcome
cachebot_cache_lookup(const CacheDecision *d, EntryView *view, LookupVersions *read)
{
	const CacheStore *store = cachebot_cache_store();
	char	   *entry = NULL;
	Size		len = 0;
	VersionRead *versions = palloc(d->deps.n * sizeof(VersionRead));
	Hash128    *store_deps = palloc(d->deps.n * sizeof(Hash128));
	VersionRead *store_versions = palloc(d->deps.n * sizeof(VersionRead));
	int			nstore = 0;
	uint64		ddl_sequence;
	Hash128    *missing;
	VersionRead *missing_versions;
	int			nmissing = 0;
	EntryCheck	check;

	/*
	 * One round trip: the entry, and the records this plan depends on, but
	 * for the catalog generation, which this server keeps itself.
	 */
	for (int i = 0; i < d->deps.n; i++)
		if (i != DEPSET_CATALOG)
			store_deps[nstore++] = d->deps.hashes[i];
	if (store == NULL ||
		!cachebot_committing_lookup(store, &d->key, nstore, store_deps, &entry, &len,
									 store_versions))
		return LOOKUP_FAILED;
	if (!cachebot_catalog_gen_read(MyDatabaseId, &versions[DEPSET_CATALOG], &ddl_sequence))
	{
		versions[DEPSET_CATALOG].gen = 0;
		versions[DEPSET_CATALOG].pending = 1;
	}
	for (int i = 0, j = 0; i < d->deps.n; i++)
		if (i != DEPSET_CATALOG)
			versions[i] = store_versions[j++];

	if (read != NULL)
	{
		read->pending = false;
		for (int i = 0; i < d->deps.n; i++)
		{
			read->gens[i] = versions[i].gen;
			read->pending |= versions[i].pending > 0;
		}
		read->ddl_sequence = ddl_sequence;
	}
	if (entry == NULL)
		return LOOKUP_MISS;
	check = cachebot_entry_open(entry, len, d->fingerprint.data, d->fingerprint.len, d->natts,
								d->columns, cachebot_ttl, cachebot_store_incarnation(), view);
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

		CHECK_FOR_INTERRUPTS();
		for (int j = 0; j < d->deps.n && !known; j++)
			if (hash128_equal(&view->deps[i].key, &d->deps.hashes[j]))
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
	if (!cachebot_committing_lookup(store, NULL, nmissing, missing, NULL, NULL, missing_versions))
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
