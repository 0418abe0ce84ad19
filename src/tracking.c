/*
 * tracking.c
 *		Which tables are tracked, and how.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_trigger.h"
#include "commands/trigger.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "tracking.h"

/* OID of cachebot._invalidate_trigger(), or InvalidOid if not installed. */
static Oid	trigger_fn_oid = InvalidOid;
static bool trigger_fn_known = false;

/* -1: unknown; else whether a table sets cache_all or cache_get on */
static int	any_implicit = -1;

static void
forget_trigger_fn(Datum arg, int cacheid, uint32 hashvalue)
{
	trigger_fn_known = false;
	any_implicit = -1;
}

static void
forget_implicit(Datum arg, Oid relid)
{
	any_implicit = -1;
}

void
tracking_init(void)
{
	CacheRegisterSyscacheCallback(PROCOID, forget_trigger_fn, (Datum) 0);
	CacheRegisterRelcacheCallback(forget_implicit, (Datum) 0);
}

static Oid
invalidate_trigger_oid(void)
{
	if (!trigger_fn_known)
	{
		/* No ACL check: reading a table must not need USAGE on our schema. */
		Oid			nsp = get_namespace_oid("cachebot", true);

		trigger_fn_oid = !OidIsValid(nsp) ? InvalidOid :
			GetSysCacheOid3(PROCNAMEARGSNSP, Anum_pg_proc_oid,
							CStringGetDatum("_invalidate_trigger"),
							PointerGetDatum(buildoidvector(NULL, 0)),
							ObjectIdGetDatum(nsp));
		trigger_fn_known = true;
	}
	return trigger_fn_oid;
}

static int8
parse_flag(const char *options, const char *name)
{
	const char *p = strstr(options, name);

	if (p == NULL)
		return -1;
	p += strlen(name);
	if (*p == 't')
		return 1;
	if (*p == 'f')
		return 0;
	return -1;
}

void
tracking_parse(int nargs, char **args, Oid self, TrackInfo *info)
{
	info->root = nargs >= 1 ? (Oid) strtoul(args[0], NULL, 10) : self;
	info->cache_all = nargs >= 2 ? parse_flag(args[1], "cache_all=") : -1;
	info->cache_get = nargs >= 2 ? parse_flag(args[1], "cache_get=") : -1;
	info->nkeyed = 0;
	for (int i = 2; i < nargs && info->nkeyed < TRACK_MAX_KEYED; i++)
	{
		int			attnum = atoi(args[i]);

		if (attnum > 0)
			info->keyed[info->nkeyed++] = (AttrNumber) attnum;
	}
}

bool
tracking_lookup(Relation rel, TrackInfo *info)
{
	TriggerDesc *td = rel->trigdesc;
	Oid			fn = invalidate_trigger_oid();

	if (td == NULL || !OidIsValid(fn))
		return false;
	for (int i = 0; i < td->numtriggers; i++)
	{
		Trigger    *t = &td->triggers[i];

		if (t->tgfoid == fn && TRIGGER_FOR_ROW(t->tgtype) &&
			t->tgenabled != TRIGGER_DISABLED)
		{
			tracking_parse(t->tgnargs, t->tgargs, RelationGetRelid(rel), info);
			return true;
		}
	}
	return false;
}

bool
tracking_any_implicit(void)
{
	Oid			fn;
	Relation	rel;
	SysScanDesc scan;
	HeapTuple	tup;

	if (any_implicit >= 0)
		return any_implicit > 0;
	any_implicit = 0;
	fn = invalidate_trigger_oid();
	if (!OidIsValid(fn))
		return false;
	rel = table_open(TriggerRelationId, AccessShareLock);
	scan = systable_beginscan(rel, InvalidOid, false, NULL, 0, NULL);
	while ((tup = systable_getnext(scan)) != NULL)
	{
		Form_pg_trigger trig = (Form_pg_trigger) GETSTRUCT(tup);
		bool		isnull;
		Datum		args;
		bytea	   *bytes;
		char	   *p;
		char	   *end;

		if (trig->tgfoid != fn || trig->tgnargs < 2)
			continue;
		args = heap_getattr(tup, Anum_pg_trigger_tgargs, RelationGetDescr(rel), &isnull);
		if (isnull)
			continue;
		bytes = DatumGetByteaPP(args);
		p = VARDATA_ANY(bytes);
		end = p + VARSIZE_ANY_EXHDR(bytes);
		p += strnlen(p, end - p) + 1;	/* the second argument: the options */
		if (p < end && (strstr(p, "cache_all=t") || strstr(p, "cache_get=t")))
		{
			any_implicit = 1;
			break;
		}
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return any_implicit > 0;
}

bool
tracking_is_keyed(const TrackInfo *info, AttrNumber attnum)
{
	for (int i = 0; i < info->nkeyed; i++)
		if (info->keyed[i] == attnum)
			return true;
	return false;
}
