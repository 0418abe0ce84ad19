-- Writes are seen by the next read after COMMIT; never on ROLLBACK.
CREATE TABLE photo (id int PRIMARY KEY, user_id int, status int, title text);
INSERT INTO photo SELECT i, 1 + i % 2, i % 3, 'photo ' || i FROM generate_series(1, 6) i;
SELECT cachebot.track('photo');
CREATE TEMP VIEW s AS SELECT hits, misses, fills, skips, skips_by_reason FROM cachebot.stats;
PREPARE q AS SELECT /* cache */ id, title FROM photo WHERE user_id = 1 ORDER BY id;

SELECT cachebot.reset_stats();
EXECUTE q;
EXECUTE q;
SELECT hits, misses, fills FROM s;

-- INSERT, UPDATE, DELETE, TRUNCATE, COPY: each seen by the next read
INSERT INTO photo VALUES (100, 1, 0, 'inserted');
EXECUTE q;
UPDATE photo SET title = 'updated' WHERE id = 2;
EXECUTE q;
DELETE FROM photo WHERE id = 4;
EXECUTE q;
COPY photo FROM STDIN;
200	1	0	copied
\.
EXECUTE q;
SELECT hits, misses, fills FROM s;

-- ROLLBACK invalidates nothing
SELECT cachebot.reset_stats();
EXECUTE q;
BEGIN;
UPDATE photo SET title = 'rolled back' WHERE id = 2;
ROLLBACK;
EXECUTE q;
SELECT hits, misses, fills FROM s;

-- inside the writing transaction: not looked up, not filled; other statements still are
CREATE TABLE other (id int PRIMARY KEY);
INSERT INTO other VALUES (1);
SELECT cachebot.track('other');
SELECT cachebot.reset_stats();
BEGIN;
SELECT /* cache */ count(*) FROM other;
UPDATE photo SET title = 'uncommitted' WHERE id = 2;
EXECUTE q;
SELECT /* cache */ count(*) FROM other;
COMMIT;
SELECT hits, misses, fills, skips_by_reason FROM s;
EXECUTE q;

-- ROLLBACK TO SAVEPOINT forgets the subtransaction's writes, keeps the rest
SELECT cachebot.reset_stats();
EXECUTE q;
BEGIN;
SAVEPOINT a;
UPDATE photo SET title = 'in savepoint' WHERE id = 2;
ROLLBACK TO SAVEPOINT a;
EXECUTE q;
COMMIT;
EXECUTE q;
SELECT hits, misses, fills, skips_by_reason FROM s;
BEGIN;
UPDATE photo SET title = 'before savepoint' WHERE id = 2;
SAVEPOINT a;
UPDATE photo SET title = 'in savepoint' WHERE id = 6;
ROLLBACK TO SAVEPOINT a;
COMMIT;
EXECUTE q;

-- a failed statement does not disable caching for the rest of the transaction
SELECT cachebot.reset_stats();
BEGIN;
SAVEPOINT a;
SELECT 1 / 0;
ROLLBACK TO SAVEPOINT a;
EXECUTE q;
EXECUTE q;
COMMIT;
SELECT hits, misses, fills FROM s;

-- TRUNCATE, and TRUNCATE rolled back
SELECT cachebot.reset_stats();
EXECUTE q;
BEGIN;
TRUNCATE photo;
ROLLBACK;
EXECUTE q;
SELECT hits, misses, fills FROM s;

-- invalidate_table / invalidate_object act at commit, not on rollback
SELECT cachebot.reset_stats();
EXECUTE q;
BEGIN;
SELECT cachebot.invalidate_table('photo');
ROLLBACK;
EXECUTE q;
SELECT cachebot.invalidate_table('photo');
EXECUTE q;
BEGIN;
SELECT cachebot.invalidate_object('photo', 2);
ROLLBACK;
EXECUTE q;
SELECT cachebot.invalidate_object('photo', 2);
EXECUTE q;
SELECT cachebot.invalidate_object(p) FROM photo p WHERE id = 2;
EXECUTE q;
SELECT hits, misses, fills FROM s;

-- flush() empties everything at once
SELECT cachebot.reset_stats();
EXECUTE q;
SELECT cachebot.flush();
EXECUTE q;
SELECT hits, misses, fills FROM s;

-- DDL: a rewrite is seen at once, and the table is uncached inside its transaction
SELECT cachebot.reset_stats();
SELECT /* cache */ id, title FROM photo WHERE user_id = 1 ORDER BY id;
BEGIN;
ALTER TABLE photo ALTER COLUMN title TYPE text USING upper(title);
SELECT /* cache */ id, title FROM photo WHERE user_id = 1 ORDER BY id;
ROLLBACK;
SELECT /* cache */ id, title FROM photo WHERE user_id = 1 ORDER BY id;
ALTER TABLE photo ALTER COLUMN title TYPE text USING upper(title);
SELECT /* cache */ id, title FROM photo WHERE user_id = 1 ORDER BY id;
SELECT hits, misses, fills, skips_by_reason FROM s;

-- untrack: the table's statements run uncached; track again: cached again
SELECT cachebot.untrack('photo');
SELECT cacheable, reason FROM cachebot.explain('SELECT /* cache */ * FROM photo');
SELECT cachebot.track('photo');
SELECT cacheable, reason FROM cachebot.explain('SELECT /* cache */ * FROM photo');
SELECT "table", always FROM cachebot.tracked_tables ORDER BY "table"::text;

-- PREPARE TRANSACTION works; the write invalidates at COMMIT PREPARED, not before
SELECT cachebot.reset_stats();
EXECUTE q;
BEGIN;
UPDATE photo SET title = 'prepared' WHERE id = 2;
PREPARE TRANSACTION 'cachebot_regress';
EXECUTE q;
COMMIT PREPARED 'cachebot_regress';
EXECUTE q;
EXECUTE q;
-- ROLLBACK PREPARED invalidates nothing
BEGIN;
UPDATE photo SET title = 'rolled back' WHERE id = 2;
PREPARE TRANSACTION 'cachebot_regress';
ROLLBACK PREPARED 'cachebot_regress';
EXECUTE q;
SELECT hits, misses, fills FROM s;
-- DDL prepared: the catalog changes at COMMIT PREPARED
SELECT cachebot.reset_stats();
EXECUTE q;
BEGIN;
COMMENT ON TABLE photo IS 'comments change nothing';
CREATE INDEX photo_title ON photo (title);
PREPARE TRANSACTION 'cachebot_regress_ddl';
EXECUTE q;
COMMIT PREPARED 'cachebot_regress_ddl';
EXECUTE q;
EXECUTE q;
SELECT hits, misses, fills FROM s;
-- a PREPARE TRANSACTION that fails keeps nothing under its GID: the next
-- transaction prepared under that GID invalidates its own writes at COMMIT
-- PREPARED, not the failed one's
BEGIN;
UPDATE other SET id = 1 WHERE id = 1;
CREATE TEMP TABLE prepare_fails (a int);
PREPARE TRANSACTION 'cachebot_regress_gid';
SELECT cachebot.reset_stats();
EXECUTE q;
BEGIN;
UPDATE photo SET title = 'prepared again' WHERE id = 2;
PREPARE TRANSACTION 'cachebot_regress_gid';
COMMIT PREPARED 'cachebot_regress_gid';
EXECUTE q;
SELECT hits, misses, fills FROM s;

-- A transaction's keys are collected in sets that the next transaction
-- reuses once emptied (or drops, past their initial size). k depends on
-- photo 2's row key only: a key of a transaction that rolled back, of a
-- savepoint rolled back, or of a prepared transaction not committed yet must
-- not be bumped by the next commit, which writes photo 3 (k hits, and is
-- not skipped as written_in_xact); a key collected after a transaction with
-- many keys must be (k misses and shows the new title).
-- (a trigger on other that writes photo 2, for one value; created first:
-- DDL invalidates every entry)
CREATE FUNCTION touch_photo_2() RETURNS trigger LANGUAGE plpgsql AS
  $$BEGIN UPDATE photo SET title = 'by a trigger' WHERE id = 2; RETURN NULL; END$$;
CREATE TRIGGER touch_photo_2 AFTER INSERT ON other FOR EACH ROW
  WHEN (NEW.id = 5000) EXECUTE FUNCTION touch_photo_2();
PREPARE k AS SELECT /* cache */ id, title FROM photo WHERE id = 2;
EXECUTE k;
SELECT cachebot.reset_stats();
BEGIN;
UPDATE photo SET title = 'rolled back' WHERE id = 2;
ROLLBACK;
UPDATE photo SET title = 'photo three' WHERE id = 3;
EXECUTE k;
BEGIN;
UPDATE photo SET title = 'rolled back' WHERE id = 2;
INSERT INTO other SELECT generate_series(1000, 1100);
ROLLBACK;
UPDATE photo SET title = 'photo three again' WHERE id = 3;
EXECUTE k;
BEGIN;
SAVEPOINT a;
UPDATE photo SET title = 'rolled back' WHERE id = 2;
INSERT INTO other SELECT generate_series(1000, 1100);
ROLLBACK TO SAVEPOINT a;
UPDATE photo SET title = 'photo three in a savepoint' WHERE id = 3;
COMMIT;
EXECUTE k;
-- the same through a COPY, a TRUNCATE and another table's trigger, each
-- rolled back
BEGIN;
DELETE FROM photo WHERE id = 2;
COPY photo (id, user_id, status, title) FROM STDIN;
2	1	0	copied back
\.
ROLLBACK;
UPDATE photo SET title = 'photo three after a COPY' WHERE id = 3;
EXECUTE k;
BEGIN;
TRUNCATE photo;
ROLLBACK;
UPDATE photo SET title = 'photo three after a TRUNCATE' WHERE id = 3;
EXECUTE k;
BEGIN;
INSERT INTO other VALUES (5000);
ROLLBACK;
UPDATE photo SET title = 'photo three after a trigger' WHERE id = 3;
EXECUTE k;
BEGIN;
UPDATE photo SET title = 'prepared' WHERE id = 2;
PREPARE TRANSACTION 'cachebot_regress_sets';
UPDATE photo SET title = 'photo three after a prepare' WHERE id = 3;
EXECUTE k;
SELECT hits, misses, fills, skips_by_reason FROM s;
COMMIT PREPARED 'cachebot_regress_sets';
EXECUTE k;
INSERT INTO other SELECT generate_series(2000, 2100);
UPDATE photo SET title = 'after many keys' WHERE id = 2;
EXECUTE k;
BEGIN;
SAVEPOINT a;
INSERT INTO other SELECT generate_series(3000, 3100);
ROLLBACK TO SAVEPOINT a;
UPDATE photo SET title = 'after a savepoint of many keys' WHERE id = 2;
COMMIT;
EXECUTE k;
SELECT hits, misses, fills, skips_by_reason FROM s;
SELECT count(*) FROM other;
DEALLOCATE k;
DROP TRIGGER touch_photo_2 ON other;
DROP FUNCTION touch_photo_2();

DEALLOCATE q;
DROP TABLE photo, other;

-- PREPARE TRANSACTION after DDL in a database without the extension
\set testdb :DBNAME
CREATE DATABASE cachebot_regress_noext;
\c cachebot_regress_noext
BEGIN;
CREATE TABLE noext (id int);
PREPARE TRANSACTION 'cachebot_regress_noext';
COMMIT PREPARED 'cachebot_regress_noext';
\c :testdb
DROP DATABASE cachebot_regress_noext;
