/*
 * fingerprint.c
 *		The cache key of a statement execution, and cachebot's 128-bit hashes.
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "catalog/namespace.h"
#include "parser/parse_expr.h"
#include "parser/parser.h"
#include "pgtime.h"
#include "tsearch/ts_cache.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/bytea.h"
#include "utils/float.h"
#include "utils/guc.h"
#include "utils/pg_locale.h"
#include "utils/xml.h"
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

static void
append_string(StringInfo buf, const char *s)
{
	append_bytes(buf, s ? s : "", s ? strlen(s) : 0);
}

/*
 * The settings that change how the same text parses or computes. Output-only
 * settings need not be here: tuples are cached, not wire bytes. They are
 * read from their variables: a lookup by name on every statement costs more
 * than the rest of the key.
 */
static void
append_settings(StringInfo buf)
{
	append_string(buf, namespace_search_path);
	append_u32(buf, DateStyle);
	append_u32(buf, DateOrder);
	append_u32(buf, IntervalStyle);
	append_string(buf, session_timezone ? pg_get_timezone_name(session_timezone) : "");
	append_u32(buf, extra_float_digits);
	append_u32(buf, bytea_output);
	append_u32(buf, xmloption);
	append_u32(buf, xmlbinary);
	append_u32(buf, (standard_conforming_strings ? 1 : 0) | (Array_nulls ? 2 : 0) |
			   (Transform_null_equals ? 4 : 0) | (quote_all_identifiers ? 8 : 0));
	append_string(buf, locale_monetary);
	append_string(buf, locale_numeric);
	append_string(buf, locale_time);
	append_string(buf, TSCurrentConfig);
	append_string(buf, GetConfigOption("timezone_abbreviations", true, false));
}

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

int
fingerprint_build(StringInfo buf, const char *text, int textlen,
				  ParamListInfo params, List *targetlist)
{
	ListCell   *lc;
	int			ncols = 0;

	append_u32(buf, 0x63620002);	/* fingerprint format */
	append_u32(buf, MyDatabaseId);
	append_u32(buf, GetUserId());
	append_settings(buf);
	append_bytes(buf, text, textlen);

	/* No parameters and zero parameters are the same statement. */
	append_u32(buf, params ? params->numParams : 0);
	for (int i = 0; params != NULL && i < params->numParams; i++)
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

	/*
	 * The relations read are not here: the entry's dependencies name every
	 * one of them, and are compared on every hit.
	 */
	foreach(lc, targetlist)
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
	return ncols;
}
