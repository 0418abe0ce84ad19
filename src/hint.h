/*
 * hint.h
 *		Finds the cache hint of a statement in its own text.
 *
 * The hint is the first block comment whose body is "cache", "cache(...)" or
 * "nocache" (whitespace and case free), outside string literals,
 * dollar-quotes, quoted identifiers and line comments. Inside the
 * parentheses: columns, then options after a semicolon:
 *
 *     cache(user_id)   cache(p.user_id, u.id; ttl = 5min)   cache(ttl=60s)
 *
 * The one option is ttl: a number of seconds, or a number with a unit (ms,
 * s, min, h, d), as PostgreSQL's settings take them.
 */
#ifndef CACHEBOT_HINT_H
#define CACHEBOT_HINT_H

#include "nodes/pg_list.h"

typedef enum HintKind
{
	HINT_NONE = 0,				/* no hint comment */
	HINT_CACHE,					/* cache or cache(col, ...) */
	HINT_NOCACHE,				/* nocache */
	HINT_MALFORMED				/* looked like a hint, did not parse */
} HintKind;

/* One entry of cache(...): "column" or "qualifier.column". */
typedef struct HintColumn
{
	char	   *qualifier;		/* table name or alias, or NULL */
	char	   *column;
} HintColumn;

typedef struct CacheHint
{
	HintKind	kind;
	List	   *columns;		/* of HintColumn *, for HINT_CACHE */
	int			ttl;			/* seconds; 0: not given */
	const char *problem;		/* why, for HINT_MALFORMED */
	const char *lookalike;		/* HINT_NONE: a comment that looks like a
								 * misspelt hint (its body), or NULL */
	int			lookalike_len;
} CacheHint;

/*
 * Parses text[0..len). Allocates in CurrentMemoryContext; cheap when the text
 * holds no block comment at all.
 */
extern void cachebot_hint_parse(const char *text, int len, CacheHint *hint);

/*
 * Which hint it is, as a number: statements with one query ID but different
 * hints (columns, TTL) have different entries, and their own rows in
 * cachebot.statements.
 */
extern uint64 cachebot_hint_variant(const CacheHint *hint);

/* The statement's own text inside a possibly multi-statement source string. */
extern void cachebot_hint_statement_text(const char *source, int location, int length,
								const char **text, int *textlen);

/*
 * The text of the query of the DECLARE CURSOR at location (of length: 0 to
 * the end) in source: just after its FOR, to the end of the statement. A
 * cursor's statement is its query: its hint is read there, and its key
 * leaves the cursor's name out. False if there is no FOR.
 */
extern bool cachebot_hint_cursor_query(const char *source, int location, int length,
									   int *query_location, int *query_length);

/*
 * The same for EXPLAIN [options] statement at location: the text of the
 * statement explained, from just after the options (a comment before its
 * first keyword is part of it). False if the text is not an EXPLAIN.
 */
extern bool cachebot_hint_explain_query(const char *source, int location, int length,
										int *query_location, int *query_length);

/*
 * Does the statement's text (text, of len bytes) hold a string literal in
 * which PostgreSQL's date and time input would read the clock: now, today,
 * tomorrow or yesterday as a word ('now', 'today 10:00', '{now}')? Such a
 * literal becomes a value when the statement is parsed, different from one
 * parse to the next under the same text. A Unicode-escaped literal (U&'...')
 * counts as one, unread, and so does any backslash in the text: escapes read
 * as the settings were when the text was parsed, which may have changed.
 */
extern bool cachebot_hint_clock_literal(const char *text, int len);

#endif							/* CACHEBOT_HINT_H */
