--
-- tracking: only the triggers track() made count, they name columns (not
-- numbers or OIDs), and what users do to triggers and partitions keeps a
-- table's tracking true or makes it visibly untracked.
--
SELECT cachebot.reset_stats();
CREATE TABLE trk (id int PRIMARY KEY, gone int, owner_id int, v text);
CREATE INDEX ON trk (owner_id);
ALTER TABLE trk DROP COLUMN gone;
INSERT INTO trk VALUES (1, 10, 'one'), (2, 20, 'two');
SELECT cachebot.track('trk');
-- the arguments name the keyed columns: readable, and right after a restore
-- renumbers columns
SELECT * FROM cachebot.tracked_tables WHERE "table" = 'trk'::regclass;
SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = 'trk'::regclass ORDER BY tgname;
SELECT dependencies FROM cachebot.explain('SELECT /* cache */ v FROM trk WHERE owner_id = 10');

--
-- nobody but track() attaches cachebot's trigger function
--
CREATE ROLE cachebot_regress_trigger;
CREATE TABLE trk_other (id int PRIMARY KEY, v text);
INSERT INTO trk_other VALUES (1, 'other');
GRANT TRIGGER, SELECT, UPDATE ON trk_other TO cachebot_regress_trigger;
SET ROLE cachebot_regress_trigger;
CREATE TRIGGER cachebot_invalidate AFTER INSERT OR UPDATE OR DELETE ON trk_other
  FOR EACH ROW EXECUTE FUNCTION cachebot._invalidate_trigger('cachebot:2', '', 'id');
SELECT cachebot.track('trk_other');
RESET ROLE;
SELECT cacheable, reason FROM cachebot.explain('SELECT /* cache */ v FROM trk_other');
-- a trigger of another shape, even a superuser's, does not count
CREATE TRIGGER cachebot_invalidate AFTER INSERT OR UPDATE OR DELETE ON trk_other
  FOR EACH ROW WHEN (false) EXECUTE FUNCTION cachebot._invalidate_trigger('cachebot:2', '', 'id');
ALTER TABLE trk_other ENABLE ALWAYS TRIGGER cachebot_invalidate;
SELECT cacheable, reason FROM cachebot.explain('SELECT /* cache */ v FROM trk_other');
DROP TRIGGER cachebot_invalidate ON trk_other;
-- track() itself works for an owner that is not a superuser
ALTER TABLE trk_other OWNER TO cachebot_regress_trigger;
SET ROLE cachebot_regress_trigger;
SELECT cachebot.track('trk_other');
SELECT cacheable, reason FROM cachebot.explain('SELECT /* cache */ v FROM trk_other');
SELECT cachebot.untrack('trk_other');
RESET ROLE;
DROP TABLE trk_other;
DROP ROLE cachebot_regress_trigger;

--
-- disabled and enabled again, as pg_dump --disable-triggers does
--
SELECT /* cache */ v FROM trk WHERE id = 1;
SELECT /* cache */ v FROM trk WHERE id = 1;
ALTER TABLE trk DISABLE TRIGGER ALL;
SELECT cacheable, reason FROM cachebot.explain('SELECT /* cache */ v FROM trk WHERE id = 1');
UPDATE trk SET v = 'written while disabled' WHERE id = 1;
ALTER TABLE trk ENABLE TRIGGER ALL;
SELECT "table", always FROM cachebot.tracked_tables WHERE "table" = 'trk'::regclass;
SELECT /* cache */ v FROM trk WHERE id = 1;
-- and writes in replica mode still invalidate
SELECT /* cache */ v FROM trk WHERE id = 1;
SET session_replication_role = replica;
UPDATE trk SET v = 'written in replica mode' WHERE id = 1;
RESET session_replication_role;
SELECT /* cache */ v FROM trk WHERE id = 1;
-- enabled on origin only by name: enabled ALWAYS again
ALTER TABLE trk ENABLE TRIGGER cachebot_invalidate;
SELECT "table", always FROM cachebot.tracked_tables WHERE "table" = 'trk'::regclass;
-- enabled for replica mode only: origin writes would go unseen, so ALWAYS too
ALTER TABLE trk ENABLE REPLICA TRIGGER cachebot_invalidate;
SELECT "table", always FROM cachebot.tracked_tables WHERE "table" = 'trk'::regclass;
-- disabled: untracked, until enabled again or tracked again
ALTER TABLE trk DISABLE TRIGGER cachebot_invalidate;
SELECT cacheable, reason FROM cachebot.explain('SELECT /* cache */ v FROM trk WHERE id = 1');
SELECT cachebot.track('trk');
SELECT cacheable, reason FROM cachebot.explain('SELECT /* cache */ v FROM trk WHERE id = 1');

--
-- a tracked table attached as a partition of a tracked table
--
CREATE TABLE trk_root (day date, n int) PARTITION BY RANGE (day);
CREATE TABLE trk_2024 PARTITION OF trk_root FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
INSERT INTO trk_root VALUES ('2024-03-01', 1);
SELECT cachebot.track('trk_root');
CREATE TABLE trk_2025 (day date, n int);
INSERT INTO trk_2025 VALUES ('2025-03-01', 10);
SELECT cachebot.track('trk_2025');
SELECT /* cache */ sum(n) FROM trk_root;
SELECT /* cache */ sum(n) FROM trk_root;
ALTER TABLE trk_root ATTACH PARTITION trk_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
SELECT /* cache */ sum(n) FROM trk_root;
SELECT /* cache */ sum(n) FROM trk_root;
UPDATE trk_2025 SET n = 100;
SELECT /* cache */ sum(n) FROM trk_root;
SELECT tgrelid::regclass, tgname, tgparentid <> 0 AS cloned FROM pg_trigger
 WHERE tgrelid IN ('trk_root'::regclass, 'trk_2024'::regclass, 'trk_2025'::regclass)
 ORDER BY tgrelid::regclass::text, tgname;
-- detached: untracked, visibly
ALTER TABLE trk_root DETACH PARTITION trk_2025;
SELECT cacheable, reason FROM cachebot.explain('SELECT /* cache */ sum(n) FROM trk_2025');
SELECT /* cache */ sum(n) FROM trk_root;
SELECT hits, misses, fills FROM cachebot.stats;

-- a tracked table attached below a partition that is partitioned itself
CREATE TABLE trk_2026 (day date, n int) PARTITION BY RANGE (day);
ALTER TABLE trk_root ATTACH PARTITION trk_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE TABLE trk_2026_h1 (day date, n int);
SELECT cachebot.track('trk_2026_h1');
ALTER TABLE trk_2026 ATTACH PARTITION trk_2026_h1 FOR VALUES FROM ('2026-01-01') TO ('2026-07-01');
INSERT INTO trk_root VALUES ('2026-03-01', 1000);
SELECT /* cache */ sum(n) FROM trk_root;
SELECT /* cache */ sum(n) FROM trk_root;
UPDATE trk_2026_h1 SET n = 2000;
SELECT /* cache */ sum(n) FROM trk_root;

-- the owner of a tracked partitioned table, not a superuser, creates and
-- attaches partitions (PostgreSQL creates the trigger clones as that owner)
CREATE ROLE cachebot_regress_parts;
GRANT CREATE ON SCHEMA public TO cachebot_regress_parts;
SET ROLE cachebot_regress_parts;
CREATE TABLE trk_parts (k int, n int) PARTITION BY LIST (k);
SELECT cachebot.track('trk_parts');
CREATE TABLE trk_parts_1 PARTITION OF trk_parts FOR VALUES IN (1);
CREATE TABLE trk_parts_2 (k int, n int);
ALTER TABLE trk_parts ATTACH PARTITION trk_parts_2 FOR VALUES IN (2);
INSERT INTO trk_parts VALUES (1, 10), (2, 20);
SELECT /* cache */ sum(n) FROM trk_parts;
UPDATE trk_parts SET n = 200 WHERE k = 2;
SELECT /* cache */ sum(n) FROM trk_parts;
-- it has EXECUTE on the trigger function no longer
SELECT has_function_privilege('cachebot._invalidate_trigger()', 'EXECUTE') AS can_attach_it;
DROP TABLE trk_parts;
RESET ROLE;
REVOKE CREATE ON SCHEMA public FROM cachebot_regress_parts;
DROP ROLE cachebot_regress_parts;

DROP TABLE trk, trk_root, trk_2025;

--
-- in a database without the extension, a role that may create schemas makes
-- a look-alike cachebot._invalidate_trigger() of its own: it does not count
--
\set testdb :DBNAME
CREATE DATABASE cachebot_regress_fake;
\c cachebot_regress_fake
CREATE ROLE cachebot_regress_mallory;
GRANT CREATE ON DATABASE cachebot_regress_fake TO cachebot_regress_mallory;
GRANT CREATE ON SCHEMA public TO cachebot_regress_mallory;
SET ROLE cachebot_regress_mallory;
CREATE SCHEMA cachebot;
CREATE FUNCTION cachebot._invalidate_trigger() RETURNS trigger LANGUAGE plpgsql
  AS $$ BEGIN RETURN NULL; END $$;
CREATE TABLE fake_t (id int PRIMARY KEY, v text);
CREATE TRIGGER cachebot_invalidate AFTER INSERT OR UPDATE OR DELETE ON fake_t
  FOR EACH ROW EXECUTE FUNCTION cachebot._invalidate_trigger('cachebot:2', '', 'id');
ALTER TABLE fake_t ENABLE ALWAYS TRIGGER cachebot_invalidate;
INSERT INTO fake_t VALUES (1, 'before');
SELECT /* cache */ v FROM fake_t WHERE id = 1;
UPDATE fake_t SET v = 'after' WHERE id = 1;
SELECT /* cache */ v FROM fake_t WHERE id = 1;
RESET ROLE;
\c :testdb
DROP DATABASE cachebot_regress_fake;
DROP ROLE cachebot_regress_mallory;

-- pg_dump --disable-triggers brackets each partition's data with DISABLE and
-- ENABLE TRIGGER ALL: the partition's clone of the row trigger is enabled
-- ALWAYS again, and the partitioned table stays tracked
CREATE TABLE trk_part (id int, day date, v int) PARTITION BY RANGE (day);
CREATE TABLE trk_part_1 PARTITION OF trk_part FOR VALUES FROM ('2025-01-01') TO ('2025-02-01');
SELECT cachebot.track('trk_part');
INSERT INTO trk_part VALUES (1, '2025-01-05', 10);
ALTER TABLE trk_part_1 DISABLE TRIGGER ALL;
ALTER TABLE trk_part_1 ENABLE TRIGGER ALL;
SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'trk_part_1'::regclass ORDER BY 1;
SELECT cachebot.reset_stats();
SELECT /* cache */ sum(v) FROM trk_part;
SELECT /* cache */ sum(v) FROM trk_part;
SELECT hits, skips_by_reason FROM cachebot.stats;
INSERT INTO trk_part VALUES (2, '2025-01-06', 5);
SELECT /* cache */ sum(v) FROM trk_part;
DROP TABLE trk_part;
