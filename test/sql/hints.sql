-- The hint: where it is found, what it looks like, what is not a hint.
CREATE TABLE hint_t (id int PRIMARY KEY, v text);
INSERT INTO hint_t VALUES (1, 'one'), (2, 'two');
SELECT cachebot.track('hint_t');
CREATE TEMP VIEW s AS SELECT hits, misses, fills, skips, skips_by_reason FROM cachebot.stats;

-- explain() reports how a statement's text is read
SELECT cacheable, reason FROM cachebot.explain('SELECT /* cache */ v FROM hint_t WHERE id = 1');
SELECT cacheable, reason FROM cachebot.explain('SELECT /*CACHE*/ v FROM hint_t WHERE id = 1');
SELECT cacheable, reason FROM cachebot.explain(E'SELECT /*\n   Cache   \t*/ v FROM hint_t WHERE id = 1');
SELECT cacheable, reason FROM cachebot.explain('SELECT v FROM hint_t WHERE id = 1 /* cache */');
SELECT cacheable, reason FROM cachebot.explain('/* cache */ SELECT v FROM hint_t WHERE id = 1');
SELECT cacheable, reason FROM cachebot.explain('SELECT /* cache(id) */ v FROM hint_t WHERE id = 1');
SELECT cacheable, reason FROM cachebot.explain('SELECT /* cache( hint_t.id , "v" ) */ v FROM hint_t WHERE id = 1');
SELECT cacheable, reason FROM cachebot.explain('SELECT /* nocache */ v FROM hint_t WHERE id = 1');
SELECT cacheable, reason FROM cachebot.explain('SELECT /* NoCache */ /* cache */ v FROM hint_t');
-- the first hint comment wins; ordinary comments are skipped
SELECT cacheable, reason FROM cachebot.explain('SELECT /* a comment */ /* cache */ v FROM hint_t');
SELECT cacheable, reason FROM cachebot.explain('SELECT /* cached results */ v FROM hint_t');
SELECT cacheable, reason FROM cachebot.explain('SELECT /* cache is nice */ v FROM hint_t');
SELECT cacheable, reason FROM cachebot.explain('SELECT /* cache_me */ v FROM hint_t');
SELECT cacheable, reason FROM cachebot.explain('SELECT v FROM hint_t');
-- nested comments are one comment
SELECT cacheable, reason FROM cachebot.explain('SELECT /* outer /* cache */ still outer */ v FROM hint_t');
-- not inside literals, dollar-quotes, quoted identifiers or line comments
SELECT cacheable, reason FROM cachebot.explain('SELECT ''/* cache */'' AS x, v FROM hint_t');
SELECT cacheable, reason FROM cachebot.explain('SELECT E''\'' /* cache */ '' AS x, v FROM hint_t');
SELECT cacheable, reason FROM cachebot.explain('SELECT $$ /* cache */ $$ AS x, v FROM hint_t');
SELECT cacheable, reason FROM cachebot.explain('SELECT $q$ $$ /* cache */ $q$ AS x, v FROM hint_t');
SELECT cacheable, reason FROM cachebot.explain('SELECT v AS "/* cache */" FROM hint_t');
SELECT cacheable, reason FROM cachebot.explain(E'SELECT v -- /* cache */\nFROM hint_t');
-- ...but a hint after them is found
SELECT cacheable, reason FROM cachebot.explain('SELECT ''it''''s'' AS x, /* cache */ v FROM hint_t');
SELECT cacheable, reason FROM cachebot.explain('SELECT $$x$$ AS x /* cache */, v FROM hint_t');

-- malformed hints: a WARNING, and the statement runs uncached
SELECT cacheable, reason FROM cachebot.explain('SELECT /* cache( */ v FROM hint_t');
SELECT cacheable, reason FROM cachebot.explain('SELECT /* cache() */ v FROM hint_t');
SELECT cacheable, reason FROM cachebot.explain('SELECT /* cache(a.b.c) */ v FROM hint_t');
SELECT cacheable, reason FROM cachebot.explain('SELECT /* cache(1x) */ v FROM hint_t');
SELECT cacheable, reason FROM cachebot.explain('SELECT /* cache(id,) */ v FROM hint_t');
SELECT cacheable, reason FROM cachebot.explain('SELECT /* nocache(id) */ v FROM hint_t');
SELECT cachebot.reset_stats();
SELECT /* cache(id */ v FROM hint_t WHERE id = 1;
SELECT /* cache(id */ v FROM hint_t WHERE id = 1;
SELECT hits, fills, skips_by_reason FROM s;
SET cachebot.strict = on;
SELECT /* cache(id */ v FROM hint_t WHERE id = 1;
RESET cachebot.strict;

-- a hinted statement is served from the cache on repeat
SELECT cachebot.reset_stats();
SELECT /* cache */ v FROM hint_t WHERE id = 1;
SELECT /* cache */ v FROM hint_t WHERE id = 1;
SELECT hits, misses, fills FROM s;
-- nocache and unhinted statements never touch it
SELECT /* nocache */ v FROM hint_t WHERE id = 1;
SELECT v FROM hint_t WHERE id = 1;
SELECT hits, misses, fills FROM s;

-- a multi-statement string: each statement is read in its own text
SELECT cachebot.reset_stats();
SELECT v FROM hint_t WHERE id = 2 \; SELECT /* cache */ v FROM hint_t WHERE id = 2;
SELECT v FROM hint_t WHERE id = 2 \; SELECT /* cache */ v FROM hint_t WHERE id = 2;
SELECT hits, misses, fills FROM s;

-- PL/pgSQL drops leading comments, so the hint goes after SELECT; the statement
-- is read as hinted, and skipped: it runs inside another command (nested)
SELECT cachebot.reset_stats();
DO $$
DECLARE n int;
BEGIN
  FOR i IN 1..3 LOOP
    SELECT /* cache */ count(*) INTO n FROM hint_t;
  END LOOP;
  RAISE NOTICE 'count %', n;
END $$;
SELECT hits, misses, fills, skips_by_reason FROM s;

-- prepared statements: parameter values are part of the key
SELECT cachebot.reset_stats();
PREPARE by_id(int) AS SELECT /* cache */ v FROM hint_t WHERE id = $1;
EXECUTE by_id(1);
EXECUTE by_id(2);
EXECUTE by_id(1);
EXECUTE by_id(2);
SELECT hits, misses, fills FROM s;
-- with a generic plan too
SET plan_cache_mode = force_generic_plan;
PREPARE by_id_generic(int) AS SELECT /* cache */ v FROM hint_t WHERE id = $1;
EXECUTE by_id_generic(1);
EXECUTE by_id_generic(2);
EXECUTE by_id_generic(2);
RESET plan_cache_mode;
SELECT hits, misses, fills FROM s;
DEALLOCATE ALL;

DROP TABLE hint_t;
