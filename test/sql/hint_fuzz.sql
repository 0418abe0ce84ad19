-- Fuzzing the hint parser: random texts built from the tokens that matter to it.
-- The parser must never crash or read past the text, and must agree with simple
-- facts: no "*" means no hint; a hint hidden in a literal is not a hint.
SELECT cachebot._parse_hint('SELECT /* cache(a, "B", t.c) */ 1');
SELECT cachebot._parse_hint('SELECT /* cache */ 1');
SELECT cachebot._parse_hint(E'/*cache\n*/');
SELECT cachebot._parse_hint('SELECT 1 /* cache');
SELECT cachebot._parse_hint('SELECT $a$ /* cache */');
SELECT cachebot._parse_hint('SELECT ''unterminated /* cache */');
SELECT cachebot._parse_hint('/**/');
SELECT cachebot._parse_hint('');
SELECT cachebot._parse_hint('$');
SELECT cachebot._parse_hint('$1 /* cache */');
SELECT cachebot._parse_hint('x$y$ /* cache */ $y$');

CREATE TEMP TABLE tokens (t text);
INSERT INTO tokens VALUES ('/*'), ('*/'), ('*'), ('/'), ('$$'), ('$q$'), ('$'), (''''), ('"'),
  ('E'''), ('\'), ('--'), (E'\n'), (' '), ('cache'), ('nocache'), ('CACHE'), ('('), (')'),
  (','), ('.'), ('x'), ('1'), ('é'), (E'\t'), ('cache('), ('a.b'), ('"q""q"');
SELECT setseed(0.42);
CREATE TEMP TABLE fuzz AS
SELECT i, (SELECT string_agg(t, '' ORDER BY random())
             FROM (SELECT t FROM tokens, generate_series(1, 1 + (i % 12)) g
                    ORDER BY random() LIMIT 1 + (i % 17)) s) AS txt
  FROM generate_series(1, 20000) i;
SELECT count(*) AS parsed,
       count(*) FILTER (WHERE r LIKE 'cache%') > 0 AS some_hints,
       count(*) FILTER (WHERE r LIKE 'malformed%') > 0 AS some_malformed,
       count(*) FILTER (WHERE strpos(txt, '*') = 0 AND r <> 'none') AS hint_without_star
  FROM (SELECT txt, cachebot._parse_hint(txt) AS r FROM fuzz) f;
-- a hint hidden in a literal is never found, whatever surrounds it
SELECT count(*) AS hidden_found
  FROM fuzz, LATERAL cachebot._parse_hint(quote_literal(txt || '/* cache */')) r
 WHERE r <> 'none';
SELECT count(*) AS hidden_found
  FROM fuzz, LATERAL cachebot._parse_hint('$Z$' || replace(txt, '$Z$', '') || '/* cache */$Z$') r
 WHERE r <> 'none';
