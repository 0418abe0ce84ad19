-- Seeing what the cache does: a message per decision, per-statement
-- statistics, TTLs per statement, fixable skips told, misspelt hints warned.
CREATE TABLE obs_photo (id int PRIMARY KEY, user_id int NOT NULL, title text);
CREATE INDEX ON obs_photo (user_id);    -- keyed: track()'s default keys index-leading columns
INSERT INTO obs_photo SELECT g, g % 3, 'photo ' || g FROM generate_series(1, 9) g;
CREATE TABLE obs_untracked (id int PRIMARY KEY);
SELECT cachebot.track('obs_photo');
SELECT cachebot.reset_stats();
-- an empty skips_by_reason is an empty object, not NULL
SELECT skips_by_reason FROM cachebot.stats;

-- cachebot.log_decisions: a NOTICE per execution saying what happened
SET cachebot.log_decisions = on;
SELECT /* cache(user_id) */ id, title FROM obs_photo WHERE user_id = 1 ORDER BY id;
SELECT /* cache(user_id) */ id, title FROM obs_photo WHERE user_id = 1 ORDER BY id;
UPDATE obs_photo SET title = 'renamed' WHERE id = 4;
-- invalidated: the new title is in the result
SELECT /* cache(user_id) */ id, title FROM obs_photo WHERE user_id = 1 ORDER BY id;
SELECT /* cache(user_id) */ id, title FROM obs_photo WHERE user_id = 1 ORDER BY id;
-- another user's photo does not invalidate it
UPDATE obs_photo SET title = 'other' WHERE id = 5;
SELECT /* cache(user_id) */ id, title FROM obs_photo WHERE user_id = 1 ORDER BY id;
-- skips, with why
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT /* cache */ count(*) FROM obs_photo;
COMMIT;
SELECT /* nocache */ count(*) FROM obs_photo;
SELECT count(*) FROM obs_photo;
RESET cachebot.log_decisions;
-- off: nothing said (the messages are DEBUG1)
SELECT /* cache(user_id) */ id, title FROM obs_photo WHERE user_id = 1 ORDER BY id;

-- a skip the user can fix is told once per session and object...
SELECT /* cache */ id, now() > '2000-01-01' AS recent FROM obs_photo WHERE id = 1;
SELECT /* cache */ id, now() > '2000-01-01' AS recent FROM obs_photo WHERE id = 1;
SELECT /* cache */ id, random() < 2 AS r FROM obs_photo WHERE id = 1;
SELECT /* cache */ id, CURRENT_USER = CURRENT_USER AS me FROM obs_photo WHERE id = 1;
SELECT /* cache */ count(*) FROM obs_untracked;
SELECT /* cache */ count(*) FROM obs_untracked;
-- a hint column the table's writes do not key: cached, invalidated by every write
SELECT /* cache(title) */ id FROM obs_photo WHERE title = 'photo 3';
SELECT /* cache(title) */ id FROM obs_photo WHERE title = 'photo 3';
-- ... an ERROR under cachebot.strict, every time
SET cachebot.strict = on;
SELECT /* cache */ id, now() > '2000-01-01' AS recent FROM obs_photo WHERE id = 1;
SELECT /* cache */ count(*) FROM obs_untracked;
SELECT /* cache(title) */ id FROM obs_photo WHERE title = 'photo 3';
-- (not for a statement cache_all would have cached: it asked for nothing)
SET cachebot.cache_all = on;
SELECT id, now() > '2000-01-01' AS recent FROM obs_photo WHERE id = 1;
RESET cachebot.cache_all;
RESET cachebot.strict;

-- casts through text whose functions are not IMMUTABLE are named as casts
SELECT /* cache */ id, id::regclass::text AS r FROM obs_photo WHERE id = 1;
SELECT /* cache */ id, '2000-01-01'::text::timestamptz AS t FROM obs_photo WHERE id = 1;
-- what track() cannot take gets no track() hint
CREATE MATERIALIZED VIEW obs_mv AS SELECT id FROM obs_photo;
SELECT /* cache */ count(*) FROM obs_mv;
CREATE TABLE obs_parted (k int) PARTITION BY LIST (k);
CREATE TABLE obs_part1 PARTITION OF obs_parted FOR VALUES IN (1);
SELECT /* cache */ count(*) FROM obs_part1;
DROP MATERIALIZED VIEW obs_mv;
DROP TABLE obs_parted;

-- a comment that looks like a misspelt hint warns, once per session and text
SELECT /* cached */ count(*) FROM obs_photo;
SELECT /* cached */ count(*) FROM obs_photo;
SELECT /* cache ttl=60 */ count(*) FROM obs_photo;
SELECT /* no-cache */ count(*) FROM obs_photo;
SELECT /* Cache_Please */ count(*) FROM obs_photo;
-- under cache_all too: a misspelt opt-out would otherwise be cached unsaid
SET cachebot.cache_all = on;
SELECT /* no_cache */ count(*) FROM obs_photo;
RESET cachebot.cache_all;
-- prose is not a hint and does not warn
SELECT /* cache invalidation is hard */ count(*) FROM obs_photo;
SELECT /* list every photo */ count(*) FROM obs_photo;
SELECT cachebot._parse_hint(t) FROM (VALUES
  ('SELECT /* cached */ 1'), ('SELECT /* no cache */ 1'), ('SELECT /* nocache_me */ 1'),
  ('SELECT /* cache user_id */ 1'), ('SELECT /* caching is fun, they say */ 1')) v(t);

-- TTL per statement: the hint's options follow its columns after ";"
SELECT cachebot._parse_hint(t) FROM (VALUES
  ('SELECT /* cache(ttl=60) */ 1'), ('SELECT /* cache(ttl = 60s) */ 1'),
  ('SELECT /* cache(user_id; ttl=5min) */ 1'), ('SELECT /* cache(p.user_id, id; TTL = 2 h) */ 1'),
  ('SELECT /* cache(;ttl=1d) */ 1'), ('SELECT /* cache("we;ird", "a=b") */ 1'),
  ('SELECT /* cache(ttl=0) */ 1'), ('SELECT /* cache(ttl=-5) */ 1'), ('SELECT /* cache(ttl=soon) */ 1'),
  ('SELECT /* cache(ttl=5 weeks) */ 1'), ('SELECT /* cache(user_id, ttl=60) */ 1'),
  ('SELECT /* cache(user_id;) */ 1'), ('SELECT /* cache(user_id; size=3) */ 1'),
  ('SELECT /* cache(user_id; ttl) */ 1'), ('SELECT /* cache(ttl=1s, ttl=2s) */ 1'),
  ('SELECT /* cache(ttl=100ms) */ 1'), ('SELECT /* cache(ttl=99999999999) */ 1')) v(t);
SELECT /* cache(ttl=maybe) */ count(*) FROM obs_photo;
-- a 1-second TTL expires
SET cachebot.log_decisions = on;
SELECT /* cache(user_id; ttl=1s) */ id FROM obs_photo WHERE user_id = 2 ORDER BY id;
SELECT /* cache(user_id; ttl=1s) */ id FROM obs_photo WHERE user_id = 2 ORDER BY id;
SELECT pg_sleep(1.2);
SELECT /* cache(user_id; ttl=1s) */ id FROM obs_photo WHERE user_id = 2 ORDER BY id;
-- the same statement without the option is another entry, under cachebot.ttl
SELECT /* cache(user_id) */ id FROM obs_photo WHERE user_id = 2 ORDER BY id;
SELECT pg_sleep(1.2);
SELECT /* cache(user_id) */ id FROM obs_photo WHERE user_id = 2 ORDER BY id;
-- TTL per table: every statement that reads it (the smallest of its tables'); a hint's wins
CREATE TABLE obs_flash (id int PRIMARY KEY, v text);
INSERT INTO obs_flash VALUES (1, 'one');
SELECT cachebot.track('obs_flash', ttl => '1 second');
SELECT "table", keyed_columns, ttl FROM cachebot.tracked_tables WHERE "table" = 'obs_flash'::regclass;
SELECT position('ttl=1' in encode(tgargs, 'escape')) > 0 AS ttl_in_trigger FROM pg_trigger WHERE tgname = 'cachebot_invalidate' AND tgrelid = 'obs_flash'::regclass;
SELECT /* cache */ v FROM obs_flash WHERE id = 1;
SELECT /* cache */ f.v, p.title FROM obs_flash f JOIN obs_photo p ON p.id = f.id;
SELECT /* cache(ttl = 1h) */ v FROM obs_flash WHERE id = 1;
SELECT /* cache */ v FROM obs_flash WHERE id = 1;
SELECT /* cache */ f.v, p.title FROM obs_flash f JOIN obs_photo p ON p.id = f.id;
SELECT /* cache(ttl = 1h) */ v FROM obs_flash WHERE id = 1;
SELECT pg_sleep(1.2);
SELECT /* cache */ v FROM obs_flash WHERE id = 1;
SELECT /* cache */ f.v, p.title FROM obs_flash f JOIN obs_photo p ON p.id = f.id;
SELECT /* cache(ttl = 1h) */ v FROM obs_flash WHERE id = 1;
-- re-tracked without one: cachebot.ttl again
SELECT cachebot.track('obs_flash');
SELECT "table", ttl FROM cachebot.tracked_tables WHERE "table" = 'obs_flash'::regclass;
SELECT cachebot.track('obs_flash', ttl => '0');
SELECT cachebot.track('obs_flash', ttl => '-5 min');
SELECT cachebot.track('obs_flash', ttl => '100 years');
RESET cachebot.log_decisions;

-- cachebot.statements: one row per statement shape (constants aside)
SELECT /* cache */ title FROM obs_photo WHERE id = 7;
SELECT /* cache */ title FROM obs_photo WHERE id = 8;
SELECT /* cache */ title FROM obs_photo WHERE id = 7;
SELECT query, hits, misses, invalidated, fills, skips, skips_by_reason,
       bytes_stored > 0 AS stored, (last_fill IS NOT NULL) AS filled,
       (last_invalidated IS NOT NULL) AS invalidated_once,
       time_saved_ms >= 0 AS saved, role::text = current_user AS mine
  FROM cachebot.statements
 WHERE database = current_database()
 ORDER BY query COLLATE "C";
-- the cluster-wide counters agree with the statements'
SELECT s.hits = st.hits AS hits_agree, s.fills = st.fills AS fills_agree,
       s.skips = st.skips AS skips_agree
  FROM cachebot.stats s,
       (SELECT sum(hits) AS hits, sum(fills) AS fills, sum(skips) AS skips
          FROM cachebot.statements) st;

-- another role sees its own statements' text, and only the counters of others'
CREATE ROLE regress_cb_observer;
GRANT SELECT ON obs_photo TO regress_cb_observer;
SET ROLE regress_cb_observer;
SELECT /* cache */ title FROM obs_photo WHERE id = 9;
SELECT role::text, query IS NOT NULL AS text_shown, queryid IS NOT NULL AS queryid_shown, count(*)
  FROM cachebot.statements
 WHERE database = current_database()
 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
-- cachebot.tables: per table, the hits and misses of the statements that read it,
-- and the writes to it that committed
SELECT "table", hits, misses, invalidations, last_invalidation IS NOT NULL AS invalidated
  FROM cachebot.tables ORDER BY "table"::text;
-- resetting: a superuser resets everything, a database's owner its database's rows
SELECT cachebot.reset_stats();
RESET ROLE;
SELECT current_database() AS db, pg_get_userbyid(datdba) AS dbowner
  FROM pg_database WHERE datname = current_database() \gset
ALTER DATABASE :"db" OWNER TO regress_cb_observer;
SET ROLE regress_cb_observer;
SELECT cachebot.reset_stats();
RESET ROLE;
ALTER DATABASE :"db" OWNER TO :"dbowner";
SELECT (SELECT count(*) FROM cachebot.statements WHERE database = current_database()) AS statements,
       (SELECT count(*) FROM cachebot.tables) AS tables,
       (SELECT hits > 0 FROM cachebot.stats) AS cluster_counters_kept;
SELECT cachebot.reset_stats();
SELECT hits, misses, fills FROM cachebot.stats;

-- explain() with parameters, as a client binds them: the dependencies of those values
SELECT cacheable, reason, dependencies, cached
  FROM cachebot.explain('SELECT /* cache(user_id) */ id FROM obs_photo WHERE user_id = $1 ORDER BY id',
                        params => ARRAY['1']);
SELECT cacheable, dependencies, cached
  FROM cachebot.explain('SELECT /* cache(user_id) */ id FROM obs_photo WHERE user_id = $1 ORDER BY id',
                        params => ARRAY['2']);
SELECT cacheable, dependencies
  FROM cachebot.explain('SELECT /* cache */ id FROM obs_photo WHERE user_id = $1 AND title = $2',
                        params => ARRAY['2', NULL]);
SELECT * FROM cachebot.explain('SELECT /* cache */ id FROM obs_photo WHERE user_id = $1');
SELECT * FROM cachebot.explain('SELECT /* cache */ id FROM obs_photo WHERE user_id = $1', ARRAY['x']);
SELECT * FROM cachebot.explain('SELECT /* cache */ id FROM obs_photo WHERE id = 1', ARRAY['1']);
SELECT count(*) FROM cachebot.explain(NULL);

-- the text of a statement from a database in another encoding is converted
CREATE DATABASE obs_latin1 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
\c obs_latin1
SET client_min_messages = warning;
SET client_encoding = 'UTF8';
CREATE EXTENSION cachebot;
CREATE TABLE t (id int PRIMARY KEY, s text);
SELECT cachebot.track('t');
SELECT /* cache */ id FROM t WHERE s = 'café';
\c :"db"
-- (read in this database's encoding: length() fails on text that is not)
SELECT length(query) > 0 AS readable, position('caf' in query) > 0 AS kept
  FROM cachebot.statements WHERE database = 'obs_latin1';
DROP DATABASE obs_latin1;

-- EXPLAIN says what the cache would do, and on which keys; it counts nothing
SELECT hits AS h0, misses AS m0, fills AS f0, skips AS s0 FROM cachebot.stats \gset
EXPLAIN (COSTS OFF) SELECT /* cache */ title FROM obs_photo WHERE id = 6;
SELECT /* cache */ title FROM obs_photo WHERE id = 6;
EXPLAIN (COSTS OFF) SELECT /* cache */ title FROM obs_photo WHERE id = 6;
-- (another text is another entry: the hint before SELECT)
EXPLAIN (COSTS OFF) /* cache */ SELECT title FROM obs_photo WHERE id = 6;
SELECT hits - :h0 AS hits, misses - :m0 AS misses, fills - :f0 AS fills, skips - :s0 AS skips
  FROM cachebot.stats;
-- EXPLAIN ANALYZE runs it: a hit shows the replay node and its rows
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT /* cache */ title FROM obs_photo WHERE id = 6;
UPDATE obs_photo SET title = 'six' WHERE id = 6;
EXPLAIN (COSTS OFF) SELECT /* cache */ title FROM obs_photo WHERE id = 6;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT /* cache */ title FROM obs_photo WHERE id = 6;
SELECT /* cache */ title FROM obs_photo WHERE id = 6;
SELECT hits - :h0 AS hits, misses - :m0 AS misses, fills - :f0 AS fills, skips - :s0 AS skips
  FROM cachebot.stats;
EXPLAIN (COSTS OFF) SELECT /* cache */ id, now() FROM obs_photo WHERE id = 6;
EXPLAIN (COSTS OFF) SELECT /* cache(nosuch) */ id FROM obs_photo WHERE id = 6;
BEGIN ISOLATION LEVEL SERIALIZABLE;
EXPLAIN (COSTS OFF) SELECT /* cache */ title FROM obs_photo WHERE id = 6;
COMMIT;
-- without a hint, PostgreSQL's own output (under cache_all too)
EXPLAIN (COSTS OFF) SELECT title FROM obs_photo WHERE id = 6;
SET cachebot.cache_all = on;
EXPLAIN (COSTS OFF) SELECT title FROM obs_photo WHERE id = 6;
RESET cachebot.cache_all;
EXPLAIN (FORMAT JSON, COSTS OFF) SELECT /* cache */ title FROM obs_photo WHERE id = 6;

-- what breaks the rules above, each case checked
SELECT * FROM cachebot.tables WHERE "table" = 'obs_photo'::regclass \gset inv_
-- a rolled-back write, or one in a rolled-back savepoint, is no invalidation
BEGIN; UPDATE obs_photo SET title = 'never' WHERE id = 2; ROLLBACK;
BEGIN; SAVEPOINT s; UPDATE obs_photo SET title = 'never' WHERE id = 2; ROLLBACK TO s; COMMIT;
SELECT invalidations - :inv_invalidations AS new_invalidations FROM cachebot.tables
 WHERE "table" = 'obs_photo'::regclass;
-- ... a committed one is, once per transaction however many rows it wrote
UPDATE obs_photo SET title = title WHERE id <= 3;
SELECT invalidations - :inv_invalidations AS new_invalidations FROM cachebot.tables
 WHERE "table" = 'obs_photo'::regclass;
-- what no hint can fix is not an ERROR under strict: a session-private object, a
-- nested statement, COPY; EXPLAIN says why
SET cachebot.strict = on;
SET cachebot.log_decisions = on;
CREATE TEMP TABLE obs_tmp (id int);
SELECT /* cache */ count(*) FROM obs_photo p WHERE p.id IN (SELECT id FROM obs_tmp);
EXPLAIN (COSTS OFF) SELECT /* cache */ count(*) FROM obs_photo p WHERE p.id IN (SELECT id FROM obs_tmp);
COPY (SELECT /* cache */ id FROM obs_photo WHERE id = 1) TO STDOUT;
CREATE FUNCTION obs_nested() RETURNS bigint LANGUAGE plpgsql AS
$$ DECLARE n bigint; BEGIN SELECT /* cache */ count(*) INTO n FROM obs_photo; RETURN n; END $$;
SELECT obs_nested();
-- an EXPLAIN inside a function explains its own statement, not its caller's
CREATE FUNCTION obs_explain() RETURNS SETOF text LANGUAGE plpgsql AS
$$ BEGIN RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF) SELECT /* cache */ title FROM obs_photo WHERE id = 6'; END $$;
SELECT * FROM obs_explain();
-- a trigger reading a tracked table while its write runs: the write commits, right rows
CREATE TABLE obs_log (n bigint);
CREATE FUNCTION obs_log_count() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN INSERT INTO obs_log SELECT /* cache */ count(*) FROM obs_photo; RETURN NULL; END $$;
CREATE TRIGGER obs_log_count AFTER UPDATE ON obs_photo FOR EACH STATEMENT EXECUTE FUNCTION obs_log_count();
UPDATE obs_photo SET title = title WHERE id = 1;
SELECT n FROM obs_log;
DROP TRIGGER obs_log_count ON obs_photo;
DROP TABLE obs_log, obs_tmp;
DROP FUNCTION obs_nested(), obs_explain(), obs_log_count();
RESET cachebot.log_decisions;
RESET cachebot.strict;
-- a role's statements are its own rows
SET ROLE regress_cb_observer;
SELECT /* cache */ title FROM obs_photo WHERE id = 8;
RESET ROLE;
SELECT role::text, hits, misses FROM cachebot.statements
 WHERE query = 'SELECT /* cache */ title FROM obs_photo WHERE id = 8' ORDER BY 1;
-- a dropped table's row leaves cachebot.tables
CREATE TABLE obs_gone (id int PRIMARY KEY);
SELECT cachebot.track('obs_gone');
SELECT /* cache */ count(*) FROM obs_gone;
SELECT count(*) FROM cachebot.tables WHERE "table"::text = 'obs_gone';
DROP TABLE obs_gone;
SELECT count(*) FROM cachebot.tables WHERE "table"::text = 'obs_gone';

REVOKE ALL ON obs_photo FROM regress_cb_observer;
DROP ROLE regress_cb_observer;
SELECT cachebot.untrack('obs_photo');
SELECT cachebot.untrack('obs_flash');
DROP TABLE obs_photo, obs_untracked, obs_flash;
