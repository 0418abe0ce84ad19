-- What is cached, and the reasons for what is not.
CREATE TABLE app_user (id int PRIMARY KEY, username text UNIQUE);
CREATE TABLE photo (id int PRIMARY KEY, user_id int REFERENCES app_user, status int, title text);
INSERT INTO app_user VALUES (1, 'david'), (2, 'anna');
INSERT INTO photo SELECT i, 1 + i % 2, i % 3, 'photo ' || i FROM generate_series(1, 12) i;
SELECT cachebot.track('app_user');
SELECT cachebot.track('photo');
CREATE TABLE untracked (id int);
CREATE SEQUENCE photo_seq;
CREATE TEMP VIEW s AS SELECT hits, misses, fills, skips, skips_by_reason FROM cachebot.stats;

-- eligible shapes: joins, aggregates, UNION, subqueries, CTEs, immutable functions
SELECT cacheable, reason, dependencies FROM cachebot.explain(
  'SELECT /* cache */ p.* FROM photo p JOIN app_user u ON u.id = p.user_id WHERE u.username = ''david'' AND p.status = 2');
SELECT cacheable, reason FROM cachebot.explain('SELECT /* cache */ user_id, count(*) FROM photo GROUP BY user_id');
SELECT cacheable, reason FROM cachebot.explain('SELECT /* cache */ id FROM photo UNION SELECT id FROM app_user');
SELECT cacheable, reason FROM cachebot.explain(
  'SELECT /* cache */ * FROM app_user u WHERE NOT EXISTS (SELECT 1 FROM photo p WHERE p.user_id = u.id AND p.status = 9)');
SELECT cacheable, reason FROM cachebot.explain(
  'WITH c AS (SELECT user_id, count(*) n FROM photo GROUP BY 1) SELECT /* cache */ upper(u.username), c.n FROM c JOIN app_user u ON u.id = c.user_id');
SELECT cacheable, reason, dependencies FROM cachebot.explain('SELECT /* cache */ 1 + 1');

-- reasons
SELECT cacheable, reason FROM cachebot.explain('SELECT /* cache */ * FROM untracked');
SELECT cacheable, reason FROM cachebot.explain('SELECT /* cache */ now(), * FROM photo');
SELECT cacheable, reason FROM cachebot.explain('SELECT /* cache */ * FROM photo WHERE id > random() * 10');
SELECT cacheable, reason FROM cachebot.explain('SELECT /* cache */ * FROM photo WHERE title::timestamptz IS NULL');
SELECT cacheable, reason FROM cachebot.explain('SELECT /* cache */ * FROM photo WHERE id = 1 FOR UPDATE');
SELECT cacheable, reason FROM cachebot.explain('WITH d AS (DELETE FROM photo WHERE id = 0 RETURNING *) SELECT /* cache */ * FROM d');
SELECT cacheable, reason FROM cachebot.explain('SELECT /* cache */ * FROM photo TABLESAMPLE BERNOULLI (50)');
SELECT cacheable, reason FROM cachebot.explain('SELECT /* cache */ nextval(''photo_seq'')');

-- an untracked table: a WARNING once per session and table, then silence
SELECT cachebot.reset_stats();
SELECT /* cache */ count(*) FROM untracked;
SELECT /* cache */ count(*) FROM untracked;
SELECT hits, fills, skips_by_reason FROM s;

-- a view is cached through the tables it reads, and its definition is part of what it depends on
CREATE VIEW david_photos AS SELECT p.id FROM photo p JOIN app_user u ON u.id = p.user_id WHERE u.username = 'david';
SELECT cachebot.reset_stats();
SELECT /* cache */ count(*) FROM david_photos;
SELECT /* cache */ count(*) FROM david_photos;
CREATE OR REPLACE VIEW david_photos AS SELECT p.id FROM photo p JOIN app_user u ON u.id = p.user_id WHERE u.username = 'anna' AND p.status = 0;
SELECT /* cache */ count(*) FROM david_photos;
SELECT hits, misses, fills FROM s;

-- mutable functions run normally, every time
SELECT cachebot.reset_stats();
SELECT /* cache */ count(*) > 0 AS t FROM photo WHERE random() >= 0;
SELECT /* cache */ count(*) > 0 AS t FROM photo WHERE random() >= 0;
SELECT hits, fills, skips_by_reason FROM s;

-- REPEATABLE READ and SERIALIZABLE run normally
SELECT cachebot.reset_stats();
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT /* cache */ count(*) FROM photo;
COMMIT;
BEGIN ISOLATION LEVEL SERIALIZABLE;
SELECT /* cache */ count(*) FROM photo;
COMMIT;
SELECT hits, fills, skips_by_reason FROM s;

-- SELECT INTO, CREATE TABLE AS, COPY and EXPLAIN run normally
SELECT cachebot.reset_stats();
SELECT /* cache */ id INTO TEMP copied FROM photo WHERE id < 3;
CREATE TEMP TABLE copied2 AS SELECT /* cache */ id FROM photo WHERE id < 3;
COPY (SELECT /* cache */ id FROM photo WHERE id < 3) TO STDOUT;
EXPLAIN (COSTS OFF) SELECT /* cache */ id FROM photo WHERE id < 3;
SELECT hits, fills, skips_by_reason FROM s;

-- a statement inside a function called by another statement shares its snapshot: not cached
CREATE FUNCTION photo_count() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  SELECT /* cache */ count(*) INTO n FROM photo;
  RETURN n;
END $$;
SELECT cachebot.reset_stats();
SELECT photo_count();
SELECT photo_count();
SELECT hits, fills, skips_by_reason FROM s;

-- the command tag counts the rows served from the cache
SELECT cachebot.reset_stats();
SELECT /* cache */ id FROM photo WHERE user_id = 1 ORDER BY id \g /dev/null
\echo :ROW_COUNT
SELECT /* cache */ id FROM photo WHERE user_id = 1 ORDER BY id \g /dev/null
\echo :ROW_COUNT
SELECT /* cache */ id FROM photo WHERE id < 0;
SELECT /* cache */ id FROM photo WHERE id < 0;
SELECT hits, misses, fills FROM s;

-- cursors: a forward cursor fetched in pieces fills, and a hit is served piece by piece
SELECT cachebot.reset_stats();
BEGIN;
DECLARE c NO SCROLL CURSOR FOR SELECT /* cache */ id FROM photo WHERE user_id = 2 ORDER BY id;
FETCH 2 FROM c;
FETCH ALL FROM c;
CLOSE c;
DECLARE c NO SCROLL CURSOR FOR SELECT /* cache */ id FROM photo WHERE user_id = 2 ORDER BY id;
FETCH 2 FROM c;
FETCH 1 FROM c;
FETCH ALL FROM c;
FETCH 1 FROM c;
CLOSE c;
-- a cursor closed before its end does not fill
DECLARE c NO SCROLL CURSOR FOR SELECT /* cache */ id FROM photo WHERE user_id = 1 ORDER BY id DESC;
FETCH 2 FROM c;
CLOSE c;
-- a scrollable cursor fetched backward does not fill (test cursors has the rest)
DECLARE c SCROLL CURSOR FOR SELECT /* cache */ id FROM photo WHERE user_id = 1 ORDER BY id DESC;
FETCH 2 FROM c;
FETCH BACKWARD 1 FROM c;
CLOSE c;
COMMIT;
SELECT hits, misses, fills, skips_by_reason FROM s;

-- a cursor fetched exactly to its last row and closed: the fill then looks for
-- one more row, but only where that cannot raise an error the statement would
-- not have raised
CREATE TABLE divisor (id int PRIMARY KEY);
INSERT INTO divisor VALUES (1), (2), (3);
SELECT cachebot.track('divisor');
SELECT cachebot.reset_stats();
BEGIN;
DECLARE c NO SCROLL CURSOR FOR SELECT /* cache */ id FROM divisor WHERE id = 2;
FETCH 1 FROM c;
CLOSE c;
DECLARE c NO SCROLL CURSOR FOR SELECT /* cache */ id FROM divisor WHERE id = 2;
FETCH 1 FROM c;
CLOSE c;
COMMIT;
SELECT hits, misses, fills FROM s;
SELECT cachebot.reset_stats();
BEGIN;
DECLARE c NO SCROLL CURSOR FOR SELECT /* cache */ 10 / (id - 2) FROM divisor ORDER BY id;
FETCH 1 FROM c;
CLOSE c;
DECLARE c NO SCROLL CURSOR FOR SELECT /* cache */ 10 / (id - 2) FROM divisor ORDER BY id;
FETCH 1 FROM c;
CLOSE c;
COMMIT;
SELECT hits, misses, fills, skips_by_reason FROM s;
-- the statements of a DO block run inside another command: neither looked up
-- nor filled (a function's share its caller's snapshot; a trigger's, its
-- caller's uncommitted writes)
SELECT cachebot.reset_stats();
DO $$ DECLARE x int; BEGIN
  SELECT /* cache */ id INTO x FROM divisor WHERE id = 2; RAISE NOTICE 'x = %', x;
  SELECT /* cache */ id INTO x FROM divisor WHERE id = 2; RAISE NOTICE 'x = %', x;
END $$;
SELECT hits, misses, fills, skips_by_reason FROM s;
DROP TABLE divisor;

-- partitioned tables are tracked through their root; a plain inheritance child is not
CREATE TABLE part (id int, k int) PARTITION BY RANGE (id);
CREATE TABLE part_1 PARTITION OF part FOR VALUES FROM (0) TO (100);
CREATE TABLE part_2 PARTITION OF part FOR VALUES FROM (100) TO (200);
INSERT INTO part SELECT i, i FROM generate_series(1, 150) i;
SELECT cachebot.track('part');
SELECT cachebot.reset_stats();
SELECT /* cache */ count(*) FROM part;
SELECT /* cache */ count(*) FROM part;
SELECT /* cache */ count(*) FROM part_2;
SELECT /* cache */ count(*) FROM part_2;
INSERT INTO part_1 VALUES (7, 7);
SELECT /* cache */ count(*) FROM part;
TRUNCATE part_2;
SELECT /* cache */ count(*) FROM part;
SELECT /* cache */ count(*) FROM part_2;
SELECT hits, misses, fills FROM s;
-- attaching and detaching a partition is seen by the next read
CREATE TABLE part_3 (id int, k int);
INSERT INTO part_3 VALUES (250, 250);
SELECT /* cache */ count(*) FROM part;
ALTER TABLE part ATTACH PARTITION part_3 FOR VALUES FROM (200) TO (300);
SELECT /* cache */ count(*) FROM part;
ALTER TABLE part DETACH PARTITION part_3;
SELECT /* cache */ count(*) FROM part;
DROP TABLE part_3;
CREATE TABLE parent (id int);
CREATE TABLE child () INHERITS (parent);
SELECT cachebot.track('parent');
SELECT cacheable, reason FROM cachebot.explain('SELECT /* cache */ * FROM parent');

-- a disabled trigger means writes go unseen: the table counts as untracked
ALTER TABLE app_user DISABLE TRIGGER cachebot_invalidate;
SELECT cacheable, reason FROM cachebot.explain('SELECT /* cache */ * FROM app_user');
ALTER TABLE app_user ENABLE ALWAYS TRIGGER cachebot_invalidate;
SELECT cacheable, reason FROM cachebot.explain('SELECT /* cache */ * FROM app_user');

-- a hit of a simple statement is served before planning; EXPLAIN still shows the real plan
SELECT cachebot.reset_stats();
SELECT /* cache */ id, title FROM photo WHERE id = 3;
SELECT /* cache */ id, title FROM photo WHERE id = 3;
SELECT hits, hits_unplanned, misses FROM cachebot.stats;
EXPLAIN (COSTS OFF) SELECT /* cache */ id, title FROM photo WHERE id = 3;
-- a prepared statement without parameters keeps its plan: after a write it is planned for real
PREPARE photo3 AS SELECT /* cache */ id, title FROM photo WHERE id = 3;
EXECUTE photo3;
UPDATE photo SET title = 'retitled' WHERE id = 3;
EXECUTE photo3;
EXECUTE photo3;
UPDATE photo SET title = 'photo 3' WHERE id = 3;
EXECUTE photo3;
DEALLOCATE photo3;
-- a cursor is declared on the real plan (its hits are the executor's), and scrolls as usual
BEGIN;
DECLARE c CURSOR FOR SELECT /* cache */ id, title FROM photo WHERE id = 3;
FETCH ALL FROM c;
FETCH BACKWARD 1 FROM c;
DECLARE d CURSOR FOR SELECT /* cache */ id, title FROM photo WHERE id = 3;
FETCH ALL FROM d;
FETCH BACKWARD 1 FROM d;
COMMIT;
SELECT hits, hits_unplanned, misses FROM cachebot.stats;

-- cachebot.enabled = off: nothing is looked up or filled
SELECT cachebot.reset_stats();
SET cachebot.enabled = off;
SELECT /* cache */ count(*) FROM photo;
SELECT /* cache */ count(*) FROM photo;
RESET cachebot.enabled;
SELECT hits, misses, fills, skips FROM s;

DROP FUNCTION photo_count();
DROP VIEW david_photos;
DROP TABLE photo, app_user, untracked, part, parent CASCADE;
DROP SEQUENCE photo_seq;
