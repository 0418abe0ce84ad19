-- Robustness: executor state across savepoints, hits seen by every hook
-- (EXPLAIN ANALYZE shows the replay node), catalog writes inside WITH.
\i test/sql/include/stats_delta.sql
CREATE TABLE rb (id int PRIMARY KEY, v text);
SELECT cachebot.track('rb');
INSERT INTO rb SELECT g, 'v' || g FROM generate_series(1, 10) g;
SELECT * FROM stats_delta() \gset

-- A cursor opened in a savepoint that was released belongs to the
-- transaction: a later sibling savepoint's rollback must not take its state
-- along (a hit's FETCH crashed the server, a fill lost its capture).
BEGIN;
DECLARE c NO SCROLL CURSOR FOR SELECT /* cache */ v FROM rb WHERE id = 5;
FETCH ALL c;
CLOSE c;
COMMIT;
BEGIN;
SAVEPOINT a;
DECLARE c NO SCROLL CURSOR FOR SELECT /* cache */ v FROM rb WHERE id = 5;
RELEASE a;
SAVEPOINT b;
ROLLBACK TO b;
FETCH ALL c;
CLOSE c;
COMMIT;
SELECT hits, fills FROM stats_delta();
-- the same for a fill: still stored, then served
BEGIN;
SAVEPOINT a;
DECLARE d NO SCROLL CURSOR FOR SELECT /* cache */ v FROM rb WHERE id = 6;
RELEASE a;
SAVEPOINT b;
ROLLBACK TO b;
FETCH ALL d;
CLOSE d;
COMMIT;
BEGIN;
DECLARE d NO SCROLL CURSOR FOR SELECT /* cache */ v FROM rb WHERE id = 6;
FETCH ALL d;
CLOSE d;
COMMIT;
SELECT hits, fills FROM stats_delta();

-- EXPLAIN ANALYZE runs the statement: a miss fills, a hit shows the replay node
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT /* cache */ v FROM rb WHERE id = 7;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT /* cache */ v FROM rb WHERE id = 7;
SELECT hits, fills FROM stats_delta();
-- plain EXPLAIN shows the real plan, never the replay node
EXPLAIN (COSTS OFF) SELECT /* cache */ v FROM rb WHERE id = 7;

-- A SELECT whose data-modifying WITH writes a catalog changes the catalog
CREATE FUNCTION rb_f(int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT $1 + 1';
SELECT /* cache */ rb_f(id) FROM rb WHERE id = 1;
SELECT /* cache */ rb_f(id) FROM rb WHERE id = 1;
WITH u AS (UPDATE pg_proc SET prosrc = 'SELECT $1 + 100' WHERE oid = 'rb_f'::regproc RETURNING 1)
SELECT count(*) FROM u;
SELECT /* cache */ rb_f(id) FROM rb WHERE id = 1;
DROP FUNCTION rb_f(int);

-- A hit checks EXECUTE on the functions the filling plan called, not on
-- those the query names and the planner folded away: uncached, a role
-- without EXECUTE on rb_secret runs this, and so does a hit before planning
CREATE FUNCTION rb_secret(int) RETURNS bool IMMUTABLE LANGUAGE plpgsql
  AS $$BEGIN RETURN $1 > 0; END$$;
REVOKE EXECUTE ON FUNCTION rb_secret(int) FROM PUBLIC;
CREATE ROLE rb_reader;
GRANT SELECT ON rb TO rb_reader;
GRANT USAGE ON SCHEMA cachebot TO rb_reader;
SELECT * FROM stats_delta() \gset
SELECT hits_unplanned AS unplanned_before FROM cachebot.stats \gset
SET ROLE rb_reader;
SELECT /* cache */ id FROM rb WHERE id < 3 OR (false AND rb_secret(id)) ORDER BY id;
SELECT /* cache */ id FROM rb WHERE id < 3 OR (false AND rb_secret(id)) ORDER BY id;
SELECT /* cache */ id FROM rb WHERE id < 3 OR (true AND rb_secret(id)) ORDER BY id;
RESET ROLE;
SELECT hits, fills FROM stats_delta();
SELECT hits_unplanned - :unplanned_before AS served_before_planning FROM cachebot.stats;
-- a function the plan does call: its EXECUTE, granted then revoked, is
-- checked on the hit as it would be uncached
GRANT EXECUTE ON FUNCTION rb_secret(int) TO rb_reader;
SET ROLE rb_reader;
SELECT /* cache */ id FROM rb WHERE id < 3 AND rb_secret(id) ORDER BY id;
SELECT /* cache */ id FROM rb WHERE id < 3 AND rb_secret(id) ORDER BY id;
RESET ROLE;
REVOKE EXECUTE ON FUNCTION rb_secret(int) FROM rb_reader;
SET ROLE rb_reader;
SELECT /* cache */ id FROM rb WHERE id < 3 AND rb_secret(id) ORDER BY id;
RESET ROLE;
SELECT hits, fills FROM stats_delta();

-- An open cursor over a hit holds its tables as its plan would: this
-- session's DDL on them is refused while it is open
BEGIN;
DECLARE c NO SCROLL CURSOR FOR SELECT /* cache */ v FROM rb WHERE id = 5;
FETCH ALL c;
CLOSE c;
COMMIT;
SELECT * FROM stats_delta() \gset
BEGIN;
DECLARE c NO SCROLL CURSOR FOR SELECT /* cache */ v FROM rb WHERE id = 5;
SELECT hits FROM stats_delta();
SAVEPOINT s;
TRUNCATE rb;
ROLLBACK TO s;
ALTER TABLE rb ADD COLUMN extra int;
ROLLBACK TO s;
DROP TABLE rb;
ROLLBACK TO s;
FETCH ALL c;
ROLLBACK;
SELECT count(*) FROM rb;

-- A statement run by COPY is not the client's SELECT: it runs uncached
SELECT * FROM stats_delta() \gset
COPY (SELECT /* cache */ v FROM rb WHERE id = 5) TO STDOUT;
COPY (SELECT /* cache */ v FROM rb WHERE id = 5) TO STDOUT;
SELECT hits, fills, skipped FROM stats_delta();

-- The extra-row probe of a cursor fetched exactly to its last row runs only
-- on a plan estimated cheap, or a plain aggregate (whose row is computed):
-- closing a cursor over a long scan costs what it costs uncached
CREATE TABLE rb_big (id int PRIMARY KEY, x int);
INSERT INTO rb_big SELECT g, (g = 1)::int FROM generate_series(1, 100000) g;
ANALYZE rb_big;
SELECT cachebot.track('rb_big');
SELECT * FROM stats_delta() \gset
BEGIN;
DECLARE big NO SCROLL CURSOR FOR SELECT /* cache */ id FROM rb_big WHERE x = 1;
FETCH 1 big;
CLOSE big;
COMMIT;
SELECT hits, fills, skipped FROM stats_delta();
BEGIN;
DECLARE agg NO SCROLL CURSOR FOR SELECT /* cache */ sum(x) FROM rb_big;
FETCH 1 agg;
CLOSE agg;
COMMIT;
BEGIN;
DECLARE agg NO SCROLL CURSOR FOR SELECT /* cache */ sum(x) FROM rb_big;
FETCH 1 agg;
CLOSE agg;
COMMIT;
SELECT hits, fills, skipped FROM stats_delta();
DROP TABLE rb_big;
DROP FUNCTION rb_secret(int);
REVOKE ALL ON rb FROM rb_reader;
REVOKE USAGE ON SCHEMA cachebot FROM rb_reader;
DROP ROLE rb_reader;
DROP TABLE rb;
DROP FUNCTION stats_delta();
DROP TABLE stats_seen;
