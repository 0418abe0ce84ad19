--
-- results: what a cached result may hold, and what explain() may be asked.
-- An anonymous record's row type is registered in one session only, and a
-- system column (but tableoid) moves without any write a trigger sees:
-- neither is cached. explain() of any statement answers, never crashes.
--
SELECT cachebot.reset_stats();
CREATE TABLE res_t (id int PRIMARY KEY, v text, f float8);
INSERT INTO res_t VALUES (1, 'one', 1.5), (2, 'two', 2.5);
SELECT cachebot.track('res_t');
CREATE TYPE res_pair AS (a int, b text);

-- anonymous records: skipped, in every shape
SELECT /* cache */ ROW(id, v) FROM res_t WHERE id = 1;
SELECT /* cache */ (id, v, f) AS r FROM res_t WHERE id = 1;
SELECT /* cache */ ARRAY[ROW(id, v)] FROM res_t WHERE id = 1;
SELECT skips_by_reason FROM cachebot.stats;
-- a named composite type is fine: cached, and replayed in another session
SELECT /* cache */ ROW(id, v)::res_pair AS p FROM res_t WHERE id = 1;
SELECT /* cache */ res_t FROM res_t WHERE id = 1;
\c -
SELECT ROW('x'::text, 1, 2.5::float8);
SELECT /* cache */ ROW(id, v) FROM res_t WHERE id = 1;
SELECT /* cache */ ROW(id, v)::res_pair AS p FROM res_t WHERE id = 1;
SELECT /* cache */ res_t FROM res_t WHERE id = 1;
SELECT hits, misses, fills FROM cachebot.stats;

-- system columns
SELECT cachebot.reset_stats();
SELECT /* cache */ ctid, v FROM res_t WHERE id = 1;
SELECT /* cache */ xmin <> '0'::xid AS has_xmin FROM res_t WHERE id = 1;
SELECT /* cache */ v FROM res_t WHERE ctid = '(0,1)';
SELECT skips_by_reason FROM cachebot.stats;
-- VACUUM FULL moves rows, and no trigger fires
SELECT ctid AS before_vacuum FROM res_t WHERE id = 2 \gset
UPDATE res_t SET f = f WHERE id = 1;
VACUUM FULL res_t;
SELECT /* cache */ ctid = :'before_vacuum' AS same_place FROM res_t WHERE id = 2;
-- a row lock sets xmax, and no trigger fires
BEGIN;
SELECT id FROM res_t WHERE id = 2 FOR UPDATE;
COMMIT;
SELECT /* cache */ xmax <> '0'::xid AS locked_once FROM res_t WHERE id = 2;
-- tableoid is stable: cached
SELECT cachebot.reset_stats();
SELECT /* cache */ tableoid::regclass, v FROM res_t WHERE id = 1;
SELECT /* cache */ tableoid::regclass, v FROM res_t WHERE id = 1;
SELECT hits, misses, fills FROM cachebot.stats;

-- explain() of statements that are not plain SELECTs: no plan, no crash
SELECT * FROM cachebot.explain('SHOW work_mem');
SELECT * FROM cachebot.explain('SET work_mem = ''1MB''');
SELECT * FROM cachebot.explain('DECLARE c CURSOR FOR SELECT /* cache */ * FROM res_t');
SELECT * FROM cachebot.explain('EXPLAIN SELECT /* cache */ * FROM res_t');
SELECT * FROM cachebot.explain('CREATE TABLE res_copy AS SELECT /* cache */ * FROM res_t');
SELECT * FROM cachebot.explain('SELECT /* cache */ * INTO res_copy FROM res_t');
SELECT * FROM cachebot.explain('COPY (SELECT /* cache */ * FROM res_t) TO STDOUT');
SELECT * FROM cachebot.explain('PREPARE res_p AS SELECT /* cache */ * FROM res_t');
SELECT * FROM cachebot.explain('EXECUTE res_p');
SELECT * FROM cachebot.explain('VALUES (1)');
SELECT * FROM cachebot.explain('TABLE res_t');
SELECT * FROM cachebot.explain('CHECKPOINT');
SELECT * FROM cachebot.explain('SELECT /* cache */ $1');
SELECT * FROM cachebot.explain('');
SELECT * FROM cachebot.explain(';');
SELECT relname FROM pg_class WHERE relname = 'res_copy';

DROP TABLE res_t;
DROP TYPE res_pair;
