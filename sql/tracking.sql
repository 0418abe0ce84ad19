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

DROP TABLE trk, trk_root, trk_2025;
