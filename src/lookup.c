/*
 * lookup.c
 *		Reading a statement's entry and the versions that vouch for it.
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/memutils.h"

#include "catalog_gen.h"
#include "committing.h"
#include "lookup.h"
#include "store.h"

/*
 * The keys an entry depends on beyond those its statement computes (keys a
 * fill derived through a join, the row keys a plan found that the decision
 * before planning could not know), remembered per entry key from the last
 * time this backend opened the entry: asked for in the lookup's own round
 * trip, they spare the second one. A slot that is wrong or stale costs only
 * records read for nothing or that second round trip; every hit is still
 * checked against the entry's own keys.
 */
#define REMEMBERED_SLOTS	1024
#define REMEMBERED_MAX_KEYS	8

typedef struct RememberedDeps
{
	Hash128		entry;			/* zero: empty */
	int			nkeys;
	Hash128		keys[REMEMBERED_MAX_KEYS];
} RememberedDeps;

static RememberedDeps *remembered = NULL;

static RememberedDeps *
remembered_slot(const Hash128 *entry)
{
	if (remembered == NULL)
		remembered = MemoryContextAllocZero(TopMemoryContext,
											REMEMBERED_SLOTS * sizeof(RememberedDeps));
	return &remembered[entry->lo % REMEMBERED_SLOTS];
}

static bool
hash_listed(const Hash128 *key, int n, const Hash128 *keys)
{
	for (int i = 0; i < n; i++)
		if (hash128_equal(&keys[i], key))
			return true;
	return false;
}

LookupOutcome
cachebot_cache_lookup(const CacheDecision *d, EntryView *view, LookupVersions *read)
{
	const CacheStore *store = cachebot_cache_store();
	char	   *entry = NULL;
	Size		len = 0;
	VersionRead *versions = palloc(d->deps.n * sizeof(VersionRead));
	Hash128    *store_deps = palloc((d->deps.n + REMEMBERED_MAX_KEYS) * sizeof(Hash128));
	VersionRead *store_versions = palloc((d->deps.n + REMEMBERED_MAX_KEYS) * sizeof(VersionRead));
	int			nstore = 0;
	int			nown;
	uint64		ddl_sequence;
	Hash128    *missing;
	VersionRead *missing_versions;
	int			nmissing = 0;
	Hash128		extra[REMEMBERED_MAX_KEYS];
	int			nextra = 0;
	RememberedDeps *slot = remembered_slot(&d->key);
	EntryCheck	check;

	/*
	 * One round trip: the entry, the records this plan depends on (but for
	 * the catalog generation, which this server keeps itself), and those
	 * the entry was last seen to need besides.
	 */
	for (int i = 0; i < d->deps.n; i++)
		if (i != DEPSET_CATALOG)
			store_deps[nstore++] = d->deps.hashes[i];
	nown = nstore;
	if (hash128_equal(&slot->entry, &d->key))
		for (int k = 0; k < slot->nkeys; k++)
			if (!hash_listed(&slot->keys[k], nown, store_deps))
				store_deps[nstore++] = slot->keys[k];
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
								d->columns, d->ttl, cachebot_store_entry_seal(), view);
	if (check != ENTRY_OK)
		return check == ENTRY_CORRUPT ? LOOKUP_CORRUPT : LOOKUP_EXPIRED;

	/* Remember what this entry needs beyond the statement's own keys. */
	for (uint32 i = 0; i < view->ndeps && nextra <= REMEMBERED_MAX_KEYS; i++)
		if (!hash_listed(&view->deps[i].key, d->deps.n, d->deps.hashes))
		{
			if (nextra < REMEMBERED_MAX_KEYS)
				extra[nextra] = view->deps[i].key;
			nextra++;
		}
	if (nextra > 0 && nextra <= REMEMBERED_MAX_KEYS)
	{
		/* (a hit of a remembered entry, the usual case, writes nothing) */
		if (!hash128_equal(&slot->entry, &d->key) || slot->nkeys != nextra ||
			memcmp(slot->keys, extra, nextra * sizeof(Hash128)) != 0)
		{
			slot->entry = d->key;
			slot->nkeys = nextra;
			memcpy(slot->keys, extra, nextra * sizeof(Hash128));
		}
	}
	else if (hash128_equal(&slot->entry, &d->key))
		slot->entry.hi = slot->entry.lo = 0;

	/*
	 * The entry is checked against the records it was stored with: those
	 * just read, normally. Others take a second round trip.
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
					return LOOKUP_STALE;
				known = true;
			}
		for (int j = nown; j < nstore && !known; j++)
			if (hash128_equal(&view->deps[i].key, &store_deps[j]))
			{
				if (store_versions[j].pending || store_versions[j].gen != view->deps[i].gen)
					return LOOKUP_STALE;
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
			return LOOKUP_STALE;
		k++;
	}
	return LOOKUP_HIT;
}
