-- Bad input gets a clear error, and nothing is lost.
\set VERBOSITY default
CREATE TABLE photo (id int PRIMARY KEY, title text);
CREATE VIEW photo_view AS SELECT * FROM photo;
CREATE TEMP TABLE temp_photo (id int);
CREATE UNLOGGED TABLE unlogged_photo (id int);
CREATE TABLE no_pk (a int, b text);
CREATE TABLE part (id int) PARTITION BY RANGE (id);
CREATE TABLE part_1 PARTITION OF part FOR VALUES FROM (0) TO (10);

-- track: what cannot be tracked, and why
SELECT cachebot.track('photo_view');
SELECT cachebot.track('temp_photo');
SELECT cachebot.track('unlogged_photo');
SELECT cachebot.track('missing_table');
SELECT cachebot.track('part_1');
SELECT cachebot.track(NULL);
-- an OID that names no table: an error, also for a superuser (whose owner
-- check passes without looking the table up)
SELECT cachebot.track(0);
SELECT cachebot.track(4294967295::oid::regclass);
SELECT cachebot._install_triggers(0, false, false, '{}', 0);
SELECT cachebot.track('photo', columns => '{title,nope}');
-- a table without a primary key is tracked like any other
SELECT cachebot.track('no_pk');
INSERT INTO no_pk VALUES (1, 'a');
SELECT /* cache */ b FROM no_pk WHERE a = 1;
UPDATE no_pk SET b = 'b';
SELECT /* cache */ b FROM no_pk WHERE a = 1;
-- tracking twice is harmless
SELECT cachebot.track('no_pk');
SELECT cachebot.track('no_pk');
SELECT count(*) FROM pg_trigger WHERE tgrelid = 'no_pk'::regclass;

-- untrack of a table that is not tracked
SELECT cachebot.untrack('photo');

-- invalidate_*: bad arguments
SELECT cachebot.invalidate_object('photo', NULL::int);
-- a key that cannot be compared with the primary key: said in cachebot's words;
-- one that can (bigint against integer) gets past that (photo is untracked by now)
SELECT cachebot.invalidate_object('photo', 'x'::text);
SELECT cachebot.invalidate_object('photo', 1::bigint);
SELECT cachebot.invalidate_object(42);
SELECT cachebot.invalidate_table('missing_table');

-- explain: one statement only, and parse errors are the parser's
SELECT * FROM cachebot.explain('SELECT 1; SELECT 2');
SELECT * FROM cachebot.explain('SELEC 1');
SELECT cacheable, reason FROM cachebot.explain('UPDATE photo SET title = title');

-- the trigger function is not for direct use
SELECT cachebot._invalidate_trigger();
INSERT INTO photo VALUES (1, 'a');
CREATE TRIGGER wrong BEFORE UPDATE ON photo FOR EACH ROW EXECUTE FUNCTION cachebot._invalidate_trigger();
UPDATE photo SET title = 'x';
DROP TRIGGER wrong ON photo;

-- settings: server-level ones cannot be changed in a session
SET cachebot.backend = 'memcached';
SET cachebot.shmem_size = '1GB';
SET cachebot.unknown_setting = 1;
SELECT current_setting('cachebot.backend') IN ('shmem', 'memcached') AS known_backend;

DROP TABLE photo, temp_photo, unlogged_photo, no_pk, part CASCADE;
