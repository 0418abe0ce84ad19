/*
 * fingerprint.c
 *		The cache key of a statement execution.
 */
#include "postgres.h"

#include "access/gin.h"
#include "common/hashfn.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "catalog/namespace.h"
#include "parser/parse_expr.h"
#include "parser/parser.h"
#include "tcop/tcopprot.h"
#include "pgtime.h"
#include "tsearch/ts_cache.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/bytea.h"
#include "utils/float.h"
#include "utils/guc.h"
#include "utils/guc_tables.h"
#include "utils/pg_locale.h"
#include "utils/xml.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "fingerprint.h"

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
 * The settings that change what the same resolved statement returns (how
 * its text parses, how its immutable functions compute). Output-only
 * settings need not be here: tuples are cached, not wire bytes. Settings are
 * read from their variables: where PostgreSQL exports one, directly; else
 * through the setting's record, found by name once per backend (a lookup by
 * name on every statement costs more than the rest of the key). The test
 * "settings" lists every setting of PostgreSQL and fails when one is neither
 * here nor known to be harmless.
 */
typedef enum KeySettingKind
{
	KEY_STRING,
	KEY_INT,
	KEY_BOOL,
	KEY_DATESTYLE,				/* two variables */
	KEY_TIMEZONE,				/* a pointer to the zone */
	KEY_RECORD					/* no exported variable: read via its record */
} KeySettingKind;

typedef struct KeySetting
{
	const char *name;
	KeySettingKind kind;
	const void *variable;
} KeySetting;

static const KeySetting key_settings[] = {
	{"search_path", KEY_STRING, &namespace_search_path},
	{"DateStyle", KEY_DATESTYLE, NULL},
	{"IntervalStyle", KEY_INT, &IntervalStyle},
	{"TimeZone", KEY_TIMEZONE, NULL},
	{"timezone_abbreviations", KEY_RECORD, NULL},
	{"extra_float_digits", KEY_INT, &extra_float_digits},
	{"bytea_output", KEY_INT, &bytea_output},
	{"xmloption", KEY_INT, &xmloption},
	{"xmlbinary", KEY_INT, &xmlbinary},
	{"standard_conforming_strings", KEY_BOOL, &standard_conforming_strings},
	{"backslash_quote", KEY_INT, &backslash_quote},
	{"array_nulls", KEY_BOOL, &Array_nulls},
	{"transform_null_equals", KEY_BOOL, &Transform_null_equals},
	{"quote_all_identifiers", KEY_BOOL, &quote_all_identifiers},
	{"lc_monetary", KEY_STRING, &locale_monetary},
	{"lc_numeric", KEY_STRING, &locale_numeric},
	{"lc_time", KEY_STRING, &locale_time},
	{"default_text_search_config", KEY_STRING, &TSCurrentConfig},
	{"gin_fuzzy_search_limit", KEY_INT, &GinFuzzySearchLimit},
	{"restrict_nonsystem_relation_kind", KEY_INT, &restrict_nonsystem_relation_kind},
	/* newer minor versions: whether a stale composite value is an error */
	{"composite_type_mismatch", KEY_RECORD, NULL},
};

/*
 * The records of the KEY_RECORD settings, or NULL where this server has no
 * such setting. Built-in settings' records are static in PostgreSQL and
 * never move (only the array pointing at them is re-sorted as extensions
 * add theirs), so they are found once.
 */
static struct config_generic *setting_records[lengthof(key_settings)];
static bool setting_records_found = false;

static void
find_setting_records(void)
{
	struct config_generic **all = get_guc_variables();
	int			n = GetNumConfigOptions();

	for (int i = 0; i < lengthof(key_settings); i++)
	{
		setting_records[i] = NULL;
		if (key_settings[i].kind != KEY_RECORD)
			continue;
		for (int j = 0; j < n; j++)
			if ((all[j]->flags & GUC_CUSTOM_PLACEHOLDER) == 0 &&
				pg_strcasecmp(all[j]->name, key_settings[i].name) == 0)
				setting_records[i] = all[j];
	}
	setting_records_found = true;
}

static void
append_setting_record(StringInfo buf, const struct config_generic *record)
{
	if (record == NULL)
	{
		append_string(buf, NULL);
		return;
	}
	append_u32(buf, record->vartype);
	switch (record->vartype)
	{
		case PGC_BOOL:
			append_u32(buf, *((const struct config_bool *) record)->variable ? 1 : 0);
			break;
		case PGC_INT:
			append_u32(buf, (uint32) *((const struct config_int *) record)->variable);
			break;
		case PGC_REAL:
			append_bytes(buf, ((const struct config_real *) record)->variable, sizeof(double));
			break;
		case PGC_STRING:
			append_string(buf, *((const struct config_string *) record)->variable);
			break;
		case PGC_ENUM:
			append_u32(buf, (uint32) *((const struct config_enum *) record)->variable);
			break;
	}
}

static void
append_settings(StringInfo buf)
{
	if (!setting_records_found)
		find_setting_records();
	for (int i = 0; i < lengthof(key_settings); i++)
	{
		const KeySetting *setting = &key_settings[i];

		switch (setting->kind)
		{
			case KEY_STRING:
				append_string(buf, *(char *const *) setting->variable);
				break;
			case KEY_INT:
				append_u32(buf, (uint32) *(const int *) setting->variable);
				break;
			case KEY_BOOL:
				append_u32(buf, *(const bool *) setting->variable ? 1 : 0);
				break;
			case KEY_DATESTYLE:
				append_u32(buf, DateStyle);
				append_u32(buf, DateOrder);
				break;
			case KEY_TIMEZONE:
				append_string(buf, session_timezone ? pg_get_timezone_name(session_timezone) : "");
				break;
			case KEY_RECORD:
				append_setting_record(buf, setting_records[i]);
				break;
		}
	}
}

List *
cachebot_fingerprint_settings(void)
{
	List	   *names = NIL;

	for (int i = 0; i < lengthof(key_settings); i++)
		names = lappend(names, (char *) key_settings[i].name);
	return names;
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
cachebot_fingerprint_build(StringInfo buf, const char *text, int textlen, uint64 query_id,
				  ParamListInfo params, List *targetlist, ColumnLayout **columns)
{
	ListCell   *lc;
	int			ncols = 0;

	append_u32(buf, 0x63620004);	/* fingerprint format */
	append_u32(buf, MyDatabaseId);
	append_u32(buf, GetUserId());
	append_settings(buf);
	append_bytes(buf, text, textlen);
	append_bytes(buf, &query_id, sizeof(query_id));

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
	 * The relations read are not here: the query ID names every one of them,
	 * and the entry's dependencies too.
	 */
	*columns = palloc(Max(list_length(targetlist), 1) * sizeof(ColumnLayout));
	foreach(lc, targetlist)
	{
		TargetEntry *tle = lfirst_node(TargetEntry, lc);
		Oid			type;
		TypeCacheEntry *tc;

		if (tle->resjunk)
			continue;
		type = exprType((Node *) tle->expr);
		append_u32(buf, type);
		append_u32(buf, (uint32) exprTypmod((Node *) tle->expr));
		append_u32(buf, exprCollation((Node *) tle->expr));
		tc = lookup_type_cache(type, 0);
		(*columns)[ncols].len = tc->typlen;
		(*columns)[ncols].byval = tc->typbyval;
		(*columns)[ncols].align = tc->typalign;
		ncols++;
	}
	append_u32(buf, ncols);
	return ncols;
}
