/*
 * fingerprint.c
 *		The cache key of a statement execution, and cachebot's 128-bit hashes.
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"

#include "fingerprint.h"

/* Two independent 64-bit hashes make one 128-bit hash. */
Hash128
hash128_bytes(const void *data, Size len)
{
	Hash128		h;

	h.hi = hash_bytes_extended((const unsigned char *) data, (int) len,
							   UINT64CONST(0x9e3779b97f4a7c15));
	h.lo = hash_bytes_extended((const unsigned char *) data, (int) len,
							   UINT64CONST(0xc2b2ae3d27d4eb4f));
	if (h.hi == 0 && h.lo == 0)
		h.lo = 1;				/* zero marks an empty slot in the stores */
	return h;
}

Hash128
depkey_hash(const DepKey *key)
{
	DepKey		copy = depkey_make(key->kind, key->dbid, key->relid,
								   key->attnum, key->valuehash);

	return hash128_bytes(&copy, sizeof(copy));
}

char *
depkey_describe(const DepKey *key)
{
	switch ((DepKind) key->kind)
	{
		case DEP_EPOCH:
			return pstrdup("epoch");
		case DEP_GENERATION:
			return psprintf("%s:generation", get_rel_name(key->relid) ?
							get_rel_name(key->relid) : "?");
		case DEP_ANY_ROW:
			return psprintf("%s:*", get_rel_name(key->relid) ?
							get_rel_name(key->relid) : "?");
		case DEP_COLUMN_VALUE:
			return psprintf("%s.%d:%016llx", get_rel_name(key->relid) ?
							get_rel_name(key->relid) : "?",
							key->attnum, (unsigned long long) key->valuehash);
	}
	return pstrdup("?");
}

static void
append_bytes(StringInfo buf, const void *data, int len)
{
	appendBinaryStringInfo(buf, (const char *) &len, sizeof(len));
	appendBinaryStringInfo(buf, (const char *) data, len);
}

static void
append_u32(StringInfo buf, uint32 v)
{
	appendBinaryStringInfo(buf, (const char *) &v, sizeof(v));
}

/*
 * Settings that change how the same text parses or computes. Output-only
 * settings need not be here: tuples are cached, not wire bytes.
 */
static const char *const keyed_settings[] = {
	"search_path", "DateStyle", "IntervalStyle", "TimeZone",
	"standard_conforming_strings", "extra_float_digits", "bytea_output",
	"xmloption", "xmlbinary", "lc_monetary", "lc_numeric", "lc_time",
	"default_text_search_config", "array_nulls", "transform_null_equals",
	"quote_all_identifiers", "timezone_abbreviations"
};

static void
append_param(StringInfo buf, Oid ptype, bool isnull, Datum value)
{
	int16		typlen;
	bool		typbyval;

	append_u32(buf, ptype);
	if (isnull)
	{
		append_u32(buf, 0xffffffff);
		return;
	}
	get_typlenbyval(ptype, &typlen, &typbyval);
	if (typbyval)
		append_bytes(buf, &value, sizeof(Datum));
	else if (typlen > 0)
		append_bytes(buf, DatumGetPointer(value), typlen);
	else if (typlen == -1)
	{
		struct varlena *v = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(value));

		append_bytes(buf, VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
	}
	else
		append_bytes(buf, DatumGetPointer(value), strlen(DatumGetCString(value)));
}

void
fingerprint_build(StringInfo buf, PlannedStmt *stmt, const char *text, int textlen,
				  ParamListInfo params)
{
	ListCell   *lc;
	int			ncols = 0;

	append_u32(buf, 0x63620001);	/* fingerprint format */
	append_u32(buf, MyDatabaseId);
	append_u32(buf, GetUserId());
	for (int i = 0; i < lengthof(keyed_settings); i++)
	{
		const char *value = GetConfigOption(keyed_settings[i], true, false);

		append_bytes(buf, value ? value : "", value ? strlen(value) : 0);
	}
	append_bytes(buf, text, textlen);

	if (params != NULL)
	{
		append_u32(buf, params->numParams);
		for (int i = 0; i < params->numParams; i++)
		{
			ParamExternData workspace;
			ParamExternData *prm;

			if (params->paramFetch != NULL)
				prm = params->paramFetch(params, i + 1, false, &workspace);
			else
				prm = &params->params[i];
			if (prm == NULL || !OidIsValid(prm->ptype))
				append_u32(buf, InvalidOid);
			else
				append_param(buf, prm->ptype, prm->isnull, prm->value);
		}
	}
	else
		append_u32(buf, 0);

	append_u32(buf, list_length(stmt->relationOids));
	foreach(lc, stmt->relationOids)
		append_u32(buf, lfirst_oid(lc));

	foreach(lc, stmt->planTree->targetlist)
	{
		TargetEntry *tle = lfirst_node(TargetEntry, lc);

		if (tle->resjunk)
			continue;
		append_u32(buf, exprType((Node *) tle->expr));
		append_u32(buf, (uint32) exprTypmod((Node *) tle->expr));
		append_u32(buf, exprCollation((Node *) tle->expr));
		ncols++;
	}
	append_u32(buf, ncols);
}
