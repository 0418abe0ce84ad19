/*
 * hint.c
 *		Finds the cache hint of a statement in its own text.
 *
 * A small lexer that knows only what can hide a comment: string literals
 * (standard, E'' and, when standard_conforming_strings is off, backslash
 * escapes), dollar-quotes, quoted identifiers, line comments and nested
 * block comments.
 */
#include "postgres.h"

#include <ctype.h>

#include "common/hashfn.h"
#include "common/keywords.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "parser/scanner.h"
#include "parser/gram.h"			/* SCONST, USCONST: after scanner.h */
#include "parser/scansup.h"
#include "utils/builtins.h"
#include "utils/guc.h"

#include "hint.h"

extern PGDLLIMPORT bool standard_conforming_strings;

static bool
is_ident_start(char c)
{
	return isalpha((unsigned char) c) || c == '_' || IS_HIGHBIT_SET(c);
}

static bool
is_ident_cont(char c)
{
	return is_ident_start(c) || isdigit((unsigned char) c) || c == '$';
}

/*
 * Returns the position just after the quoted run that opens at text[i]: a
 * string literal (quote '\'') or a quoted identifier ('"'), where a doubled
 * quote stands for itself.
 */
static int
skip_quoted(const char *text, int len, int i, char quote, bool backslash_escapes)
{
	i++;						/* opening quote */
	while (i < len)
	{
		if (backslash_escapes && text[i] == '\\' && i + 1 < len)
			i += 2;
		else if (text[i] == quote)
		{
			if (i + 1 < len && text[i + 1] == quote)
				i += 2;
			else
				return i + 1;
		}
		else
			i++;
	}
	return len;
}

/*
 * If text[i] opens a dollar-quote, returns the position after its end;
 * otherwise returns -1 (a parameter such as $1, or a lone dollar).
 */
static int
skip_dollar_quote(const char *text, int len, int i)
{
	int			tag_end = i + 1;
	int			taglen;

	if (i > 0 && is_ident_cont(text[i - 1]))
		return -1;				/* part of an identifier such as a$b */
	if (tag_end < len && is_ident_start(text[tag_end]))
	{
		while (tag_end < len && is_ident_cont(text[tag_end]) && text[tag_end] != '$')
			tag_end++;
	}
	if (tag_end >= len || text[tag_end] != '$')
		return -1;
	taglen = tag_end - i + 1;	/* includes both dollars */
	for (int j = tag_end + 1; j + taglen <= len; j++)
	{
		if (text[j] == '$' && memcmp(text + j, text + i, taglen) == 0)
			return j + taglen;
	}
	return len;
}

/* Parses one identifier of a hint's column list; NULL if there is none. */
static char *
parse_identifier(const char **p, const char *end)
{
	const char *s = *p;

	if (s < end && *s == '"')
	{
		StringInfoData buf;

		initStringInfo(&buf);
		s++;
		while (s < end)
		{
			if (*s == '"')
			{
				if (s + 1 < end && s[1] == '"')
				{
					appendStringInfoChar(&buf, '"');
					s += 2;
					continue;
				}
				break;
			}
			appendStringInfoChar(&buf, *s++);
		}
		if (s >= end || buf.len == 0)
			return NULL;
		*p = s + 1;
		return buf.data;
	}
	if (s < end && is_ident_start(*s))
	{
		const char *start = s;

		while (s < end && is_ident_cont(*s))
			s++;
		*p = s;
		return downcase_identifier(start, s - start, false, false);
	}
	return NULL;
}

static const char *
skip_space(const char *p, const char *end)
{
	while (p < end && isspace((unsigned char) *p))
		p++;
	return p;
}

/* The first c in p[0..end) outside a quoted identifier, or NULL. */
static const char *
find_unquoted(const char *p, const char *end, char c)
{
	bool		quoted = false;

	for (; p < end; p++)
	{
		if (*p == '"')
			quoted = !quoted;	/* a doubled quote toggles twice */
		else if (*p == c && !quoted)
			return p;
	}
	return NULL;
}

/*
 * Is a comment that is not a hint (body[0..len), trimmed) one that looks
 * like a misspelt one? A single word that starts with "cache" or "nocache"
 * ("cached", "caching", "nocache_please"), "no cache" and its spellings, or
 * "cache" followed by one word or by something with "=" ("cache ttl=60",
 * "cache user_id").
 */
static bool
looks_like_hint(const char *p, const char *end)
{
	const char *space = p;
	const char *q;
	int			words = 1;

	while (space < end && !isspace((unsigned char) *space))
		space++;
	for (q = space; q < end; q++)
		if (isspace((unsigned char) q[-1]) && !isspace((unsigned char) *q))
			words++;
	if (space == end)
		return pg_strncasecmp(p, "cache", 5) == 0 || pg_strncasecmp(p, "nocache", 7) == 0 ||
			pg_strncasecmp(p, "no_cache", 8) == 0 || pg_strncasecmp(p, "no-cache", 8) == 0;
	if (space - p == 2 && pg_strncasecmp(p, "no", 2) == 0)
		return words == 2 && pg_strncasecmp(skip_space(space, end), "cache", 5) == 0;
	if (space - p != 5 || pg_strncasecmp(p, "cache", 5) != 0)
		return false;
	return words == 2 || memchr(space, '=', end - space) != NULL;
}

/* Parses one "name = value" option of a hint, from p up to end. */
static bool
parse_option(const char *p, const char *end, CacheHint *hint)
{
	const char *eq = memchr(p, '=', end - p);
	const char *name_end;
	char	   *value;
	const char *unit_hint = NULL;
	int			seconds;

	if (eq == NULL)
	{
		hint->problem = "an option is written \"name = value\"";
		return false;
	}
	name_end = eq;
	while (name_end > p && isspace((unsigned char) name_end[-1]))
		name_end--;
	if (name_end - p != 3 || pg_strncasecmp(p, "ttl", 3) != 0)
	{
		hint->problem = psprintf("unknown option \"%.*s\" (the one option is ttl)",
								 (int) (name_end - p), p);
		return false;
	}
	p = skip_space(eq + 1, end);
	while (end > p && isspace((unsigned char) end[-1]))
		end--;
	value = pnstrdup(p, end - p);
	/* (decimal only: parse_int would read 010 as octal, 0x10 as hex) */
	if (!isdigit((unsigned char) value[0]) ||
		(value[0] == '0' && (isdigit((unsigned char) value[1]) || pg_tolower(value[1]) == 'x')) ||
		!parse_int(value, &seconds, GUC_UNIT_S, &unit_hint) || seconds <= 0)
	{
		hint->problem = psprintf("invalid ttl \"%s\": at least 1 s, written as seconds or with a unit (ms, s, min, h, d)",
								 value);
		return false;
	}
	if (hint->ttl != 0)
	{
		hint->problem = "ttl is given twice";
		return false;
	}
	hint->ttl = seconds;
	return true;
}

/*
 * Parses "col, t.col, ...; option, ..." up to end, which is just before the
 * ')'. Options follow the columns after a semicolon; with no columns, the
 * semicolon may be left out ("cache(ttl=60s)").
 */
static bool
parse_column_list(const char *p, const char *end, CacheHint *hint)
{
	const char *semicolon = find_unquoted(p, end, ';');
	const char *cols_end = semicolon ? semicolon : end;
	const char *equals;

	p = skip_space(p, end);
	if (p >= end)
	{
		hint->problem = "empty column list";
		return false;
	}
	if (semicolon == NULL && (equals = find_unquoted(p, end, '=')) != NULL)
	{
		const char *comma = find_unquoted(p, end, ',');

		if (comma != NULL && comma < equals)
		{
			hint->problem = "options follow the columns after \";\", as in cache(user_id; ttl = 60s)";
			return false;
		}
		cols_end = p;			/* options only */
	}
	if (semicolon != NULL || cols_end == p)
	{
		const char *opt = cols_end == p && semicolon == NULL ? p : semicolon + 1;

		while (opt < end)
		{
			const char *comma = find_unquoted(opt, end, ',');
			const char *opt_end = comma ? comma : end;

			if (!parse_option(skip_space(opt, opt_end), opt_end, hint))
				return false;
			opt = comma ? comma + 1 : end;
			if (comma != NULL && skip_space(opt, end) == end)
			{
				hint->problem = "expected an option after \",\"";
				return false;
			}
		}
		if (hint->ttl == 0)
		{
			hint->problem = "expected an option after \";\"";
			return false;
		}
		if (skip_space(p, cols_end) == cols_end)
			return true;		/* options only */
	}
	end = cols_end;
	for (;;)
	{
		HintColumn *col = palloc0(sizeof(HintColumn));
		char	   *first;

		p = skip_space(p, end);
		first = parse_identifier(&p, end);
		if (first == NULL)
		{
			hint->problem = "expected a column name";
			return false;
		}
		p = skip_space(p, end);
		if (p < end && *p == '.')
		{
			p = skip_space(p + 1, end);
			col->qualifier = first;
			col->column = parse_identifier(&p, end);
			if (col->column == NULL)
			{
				hint->problem = "expected a column name after \".\"";
				return false;
			}
			p = skip_space(p, end);
			if (p < end && *p == '.')
			{
				hint->problem = "a column is written \"column\" or \"table.column\"";
				return false;
			}
		}
		else
			col->column = first;
		hint->columns = lappend(hint->columns, col);
		if (p >= end)
			return true;
		if (*p != ',')
		{
			hint->problem = semicolon ? "expected \",\" or \";\"" : "expected \",\" or \")\"";
			return false;
		}
		p++;
	}
}

/* Remembers the first comment that looks like a misspelt hint. */
static void
note_lookalike(const char *p, const char *end, CacheHint *hint)
{
	if (hint->lookalike == NULL && looks_like_hint(p, end))
	{
		hint->lookalike = p;
		hint->lookalike_len = end - p;
	}
}

/*
 * Classifies a block comment's body. Returns false if it is an ordinary
 * comment, true if it is a hint (well-formed or not).
 */
static bool
classify_comment(const char *body, int bodylen, CacheHint *hint)
{
	const char *p = skip_space(body, body + bodylen);
	const char *end = body + bodylen;
	int			wordlen;

	while (end > p && isspace((unsigned char) end[-1]))
		end--;

	if (end - p >= 7 && pg_strncasecmp(p, "nocache", 7) == 0)
	{
		wordlen = 7;
		hint->kind = HINT_NOCACHE;
	}
	else if (end - p >= 5 && pg_strncasecmp(p, "cache", 5) == 0)
	{
		wordlen = 5;
		hint->kind = HINT_CACHE;
	}
	else
	{
		note_lookalike(p, end, hint);
		return false;
	}

	p += wordlen;
	if (p < end && is_ident_cont(*p))
	{
		hint->kind = HINT_NONE; /* "cached", "cache_size": a plain comment */
		note_lookalike(p - wordlen, end, hint);
		return false;
	}
	p = skip_space(p, end);
	if (p == end)
		return true;
	if (*p != '(')
	{
		hint->kind = HINT_NONE; /* prose that starts with the word */
		note_lookalike(skip_space(body, end), end, hint);
		return false;
	}
	if (hint->kind == HINT_NOCACHE)
	{
		hint->kind = HINT_MALFORMED;
		hint->problem = "nocache takes no column list";
		return true;
	}
	if (end[-1] != ')')
	{
		hint->kind = HINT_MALFORMED;
		hint->problem = "missing \")\"";
		return true;
	}
	if (!parse_column_list(p + 1, end - 1, hint))
	{
		hint->kind = HINT_MALFORMED;
		list_free_deep(hint->columns);
		hint->columns = NIL;
	}
	return true;
}

void
cachebot_hint_parse(const char *text, int len, CacheHint *hint)
{
	int			i = 0;

	hint->kind = HINT_NONE;
	hint->columns = NIL;
	hint->ttl = 0;
	hint->problem = NULL;
	hint->lookalike = NULL;
	hint->lookalike_len = 0;

	/* Most statements carry no block comment at all. */
	if (len < 4 || memchr(text, '*', len) == NULL)
		return;

	while (i < len)
	{
		char		c = text[i];

		if (c == '\'')
		{
			bool		escapes = !standard_conforming_strings ||
				(i > 0 && (text[i - 1] == 'e' || text[i - 1] == 'E') &&
				 (i == 1 || !is_ident_cont(text[i - 2])));

			i = skip_quoted(text, len, i, '\'', escapes);
		}
		else if (c == '"')
			i = skip_quoted(text, len, i, '"', false);
		else if (c == '$')
		{
			int			after = skip_dollar_quote(text, len, i);

			i = after < 0 ? i + 1 : after;
		}
		else if (c == '-' && i + 1 < len && text[i + 1] == '-')
		{
			while (i < len && text[i] != '\n')
				i++;
		}
		else if (c == '/' && i + 1 < len && text[i + 1] == '*')
		{
			int			depth = 1;
			int			body = i + 2;
			int			j = body;

			while (j < len && depth > 0)
			{
				if (text[j] == '/' && j + 1 < len && text[j + 1] == '*')
				{
					depth++;
					j += 2;
				}
				else if (text[j] == '*' && j + 1 < len && text[j + 1] == '/')
				{
					depth--;
					j += 2;
				}
				else
					j++;
			}
			if (depth > 0)
				return;			/* unterminated: the parser will complain */
			if (classify_comment(text + body, j - 2 - body, hint))
				return;
			i = j;
		}
		else if (is_ident_start(c))
		{
			/* skip whole words, so that U&'...' and x'...' stay literals */
			while (i < len && is_ident_cont(text[i]))
				i++;
			if (i < len && text[i] == '\'' )
				continue;
		}
		else
			i++;
	}
}

void
cachebot_hint_statement_text(const char *source, int location, int length,
					const char **text, int *textlen)
{
	int			srclen = source ? strlen(source) : 0;

	if (source == NULL)
	{
		*text = "";
		*textlen = 0;
		return;
	}
	if (location < 0 || location > srclen)
		location = 0, length = 0;
	if (length <= 0 || location + length > srclen)
		length = srclen - location;

	/*
	 * The same statement with or without its terminating semicolon, or
	 * with other surrounding white space, is one statement.
	 */
	while (length > 0 && scanner_isspace(source[location]))
		location++, length--;
	while (length > 0 && (scanner_isspace(source[location + length - 1]) ||
						  source[location + length - 1] == ';'))
		length--;
	*text = source + location;
	*textlen = length;
}

/*
 * A copy of the statement at location (of length: 0 to the end) in source,
 * its length in *length; NULL if location is outside source.
 */
static char *
statement_copy(const char *source, int location, int *length)
{
	int			srclen = strlen(source);

	if (location < 0 || location > srclen)
		return NULL;
	if (*length <= 0 || location + *length > srclen)
		*length = srclen - location;
	return pnstrdup(source + location, *length);
}

/* The scanner's token for a keyword. */
static int
keyword_token(const char *keyword)
{
	return ScanKeywordTokens[ScanKeywordLookup(keyword, &ScanKeywords)];
}

/*
 * Runs PostgreSQL's scanner over text (a copy, NUL-terminated), handing
 * visit every token, the end (0) included, until visit returns true. False
 * if the scanner found the text wrong: it parsed already, but maybe under
 * other settings (a SET earlier in the same query string changing
 * standard_conforming_strings), which the scanner reads now. That error is
 * dropped, as nothing but the scanner's memory was taken meanwhile (and the
 * interrupt holdoffs the error reset are restored); any other is raised.
 */
typedef bool (*TokenVisitor) (int token, const core_YYSTYPE *value, int location, void *arg);

static bool
scan_tokens(char *text, TokenVisitor visit, void *arg)
{
	MemoryContext cxt = CurrentMemoryContext;
	uint32		holdoff = InterruptHoldoffCount;
	uint32		cancel_holdoff = QueryCancelHoldoffCount;
	core_yy_extra_type extra;
	core_yyscan_t scanner = scanner_init(text, &extra, &ScanKeywords, ScanKeywordTokens);
	bool		scanned = true;

	extra.escape_string_warning = false;	/* warned when it was parsed */
	PG_TRY();
	{
		for (;;)
		{
			core_YYSTYPE yylval;
			YYLTYPE		yylloc;
			int			token = core_yylex(&yylval, &yylloc, scanner);

			if (visit(token, &yylval, yylloc, arg) || token == 0)
				break;
		}
	}
	PG_CATCH();
	{
		ErrorData  *error;

		/* Only the scanner's complaints about the text; a cancel goes on. */
		MemoryContextSwitchTo(cxt);
		error = CopyErrorData();
		if (error->sqlerrcode != ERRCODE_SYNTAX_ERROR &&
			error->sqlerrcode != ERRCODE_FEATURE_NOT_SUPPORTED)
			PG_RE_THROW();
		FreeErrorData(error);
		FlushErrorState();
		InterruptHoldoffCount = holdoff;
		QueryCancelHoldoffCount = cancel_holdoff;
		scanned = false;
	}
	PG_END_TRY();
	scanner_finish(scanner);
	return scanned;
}

/* The statement at location (of length) from offset on; false if offset < 0. */
static bool
text_after(int location, int length, int offset, int *query_location, int *query_length)
{
	if (offset < 0)
		return false;
	*query_location = location + offset;
	*query_length = length - offset;
	return true;
}

typedef struct CursorScan
{
	int			for_token;
	int			found;			/* just after FOR, or -1 */
} CursorScan;

/*
 * DECLARE name [options] CURSOR [WITH[OUT] HOLD] FOR query: FOR is reserved,
 * so the first FOR token ends what precedes the query (the scanner, not this
 * file's lexer, knows a quoted or Unicode-escaped cursor name).
 */
static bool
visit_cursor(int token, const core_YYSTYPE *value, int location, void *arg)
{
	CursorScan *scan = arg;

	if (token != scan->for_token)
		return false;
	scan->found = location + 3;
	return true;
}

bool
cachebot_hint_cursor_query(const char *source, int location, int length,
						   int *query_location, int *query_length)
{
	char	   *text = statement_copy(source, location, &length);
	CursorScan	scan = {keyword_token("for"), -1};

	if (text == NULL)
		return false;
	if (!scan_tokens(text, visit_cursor, &scan))
		scan.found = -1;
	pfree(text);
	return text_after(location, length, scan.found, query_location, query_length);
}

typedef struct ExplainScan
{
	const char *text;
	int			length;
	int			explain;		/* the keywords' tokens */
	int			analyze;
	int			analyse;
	int			verbose;
	int			depth;			/* of parentheses */
	int			end;			/* just after the prefix so far, or -1 */
	bool		first;
} ExplainScan;

/* The end of the keyword at location. */
static int
keyword_end(const ExplainScan *scan, int location)
{
	int			end = location;

	while (end < scan->length && is_ident_cont(scan->text[end]))
		end++;
	return end;
}

/*
 * EXPLAIN [ ( option, ... ) | ANALYZE | VERBOSE ...] statement: the statement
 * starts after the last token of that prefix (its leading comment, where a
 * hint may be, included).
 */
static bool
visit_explain(int token, const core_YYSTYPE *value, int location, void *arg)
{
	ExplainScan *scan = arg;

	if (token == 0)
	{
		scan->end = -1;
		return true;
	}
	if (scan->first)
	{
		scan->first = false;
		if (token != scan->explain)
			return true;
		scan->end = keyword_end(scan, location);
		return false;
	}
	if (scan->depth > 0 || token == '(')
	{
		if (token == '(')
			scan->depth++;
		else if (token == ')')
			scan->depth--;
		scan->end = location + 1;
		return false;
	}
	if (token == scan->analyze || token == scan->analyse || token == scan->verbose)
	{
		scan->end = keyword_end(scan, location);
		return false;
	}
	return true;				/* the statement's first token */
}

bool
cachebot_hint_explain_query(const char *source, int location, int length,
							int *query_location, int *query_length)
{
	char	   *text = statement_copy(source, location, &length);
	ExplainScan scan;

	if (text == NULL)
		return false;
	scan.text = text;
	scan.length = length;
	scan.explain = keyword_token("explain");
	scan.analyze = keyword_token("analyze");
	scan.analyse = keyword_token("analyse");
	scan.verbose = keyword_token("verbose");
	scan.depth = 0;
	scan.end = -1;
	scan.first = true;
	if (!scan_tokens(text, visit_explain, &scan))
		scan.end = -1;
	pfree(text);
	return text_after(location, length, scan.end, query_location, query_length);
}

uint64
cachebot_hint_variant(const CacheHint *hint)
{
	uint64		h = (uint64) hint->kind * UINT64CONST(0x9E3779B97F4A7C15) + (uint64) hint->ttl;
	ListCell   *lc;

	foreach(lc, hint->columns)
	{
		HintColumn *col = lfirst(lc);

		if (col->qualifier)
			h = hash_combine64(h, hash_bytes_extended((const unsigned char *) col->qualifier,
													  strlen(col->qualifier), 1));
		h = hash_combine64(h, hash_bytes_extended((const unsigned char *) col->column,
												  strlen(col->column), 2));
	}
	if (hint->problem)
		h = hash_combine64(h, hash_bytes_extended((const unsigned char *) hint->problem,
												  strlen(hint->problem), 3));
	return h;
}

/* Is one of the clock's words in str, as a word of its own (any case)? */
static bool
names_clock_word(const char *str, int len)
{
	static const char *const words[] = {"now", "today", "tomorrow", "yesterday"};

	for (int i = 0; i < len; i++)
	{
		char		c = pg_ascii_tolower((unsigned char) str[i]);

		/* (every word starts with n, t or y: most places are passed at once) */
		if ((c != 'n' && c != 't' && c != 'y') ||
			(i > 0 && isalpha((unsigned char) str[i - 1])))
			continue;
		for (int w = 0; w < lengthof(words); w++)
		{
			int			n = strlen(words[w]);

			if (words[w][0] == c && i + n <= len && pg_strncasecmp(str + i, words[w], n) == 0 &&
				(i + n == len || !isalpha((unsigned char) str[i + n])))
				return true;
		}
	}
	return false;
}

/* A string literal that names the clock (see hint.h): *(bool *) arg. */
static bool
visit_clock(int token, const core_YYSTYPE *value, int location, void *arg)
{
	/*
	 * (Pieces of a literal continued on another line come joined; a Unicode
	 * one's escapes, whatever its UESCAPE, are undone after the scanner.)
	 */
	if ((token == SCONST && names_clock_word(value->str, strlen(value->str))) ||
		token == USCONST)
		*(bool *) arg = true;
	return *(bool *) arg;
}

bool
cachebot_hint_clock_literal(const char *text, int len)
{
	char	   *copy;
	bool		found = false;

	/*
	 * An escape (E'tod\x61y', U&'\006Eow', or any backslash where
	 * standard_conforming_strings was off) counts unread: the settings the
	 * text was parsed under may not be the ones now. Then most texts name no
	 * clock word anywhere, continue no literal on another line ('no' newline
	 * 'w' is 'now') and hold no Unicode one: no need to scan them.
	 */
	if (memchr(text, '\\', len) != NULL)
		return true;
	if (!names_clock_word(text, len) && memchr(text, '\n', len) == NULL &&
		memchr(text, '\r', len) == NULL && memchr(text, '&', len) == NULL)
		return false;
	copy = pnstrdup(text, len);
	if (!scan_tokens(copy, visit_clock, &found))
		found = true;
	pfree(copy);
	return found;
}
