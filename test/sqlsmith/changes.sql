-- cachebot sqlsmith run: changes committed between the cached passes and the
-- passes after them.  test/sqlsmith.sh runs this as the superuser (psql
-- variable fuzz_role), from another connection while two sessions hold
-- prepared statements; every statement commits on its own.  After it, a
-- cached result must reflect all of them: rows written through the tables,
-- their partitions, sub-partitions and inheritance children; TRUNCATE;
-- VACUUM FULL (new ctids); row locks and a rolled-back update (new xmax, no
-- trigger); ALTER TABLE (type changes, column renames, row level security,
-- DETACH PARTITION, NO INHERIT); CREATE OR REPLACE VIEW; ALTER TYPE; ALTER
-- TEXT SEARCH CONFIGURATION; REVOKE; untrack().
-- fz.doc's data are left alone, fz.kinds and fz.events only see row changes,
-- so some entries stay valid.  Nothing here bumps the epoch (CREATE OR
-- REPLACE FUNCTION would: every entry would go), nor changes the plans of
-- statements over tables it does not touch.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

-- rows
UPDATE fz.kinds SET i4 = i4 - 1, vc = vc || '*', num = num * 2 WHERE id % 7 = 3;
UPDATE fz.kinds SET jsb = jsonb_set(jsb, '{k}', '99') WHERE id % 13 = 5 AND jsonb_typeof(jsb) = 'object';
UPDATE fz.kinds SET t = NULL, bo = NOT bo, mood = 'sad' WHERE id % 10 = 1;
VACUUM FULL fz.kinds;                                                 -- new ctids, no trigger fires
DELETE FROM fz.child WHERE id % 11 = 0;
INSERT INTO fz.child (parent_id, kind_id, pos, label, amount, at)
SELECT 1 + g % 300, 1 + g % 1000, 5000 + g, 'new ' || g, g, timestamptz '2024-01-01 00:00+00' + g * interval '1 hour'
  FROM generate_series(1, 60) g;
UPDATE fz.parent SET grp = (grp + 1) % 7, extra = '{"changed": true}' WHERE id % 5 = 1;
UPDATE fz.measure SET ts = ts + interval '400 days' WHERE sensor = 3;   -- moves rows between partitions
UPDATE fz.measure_2023 SET val = -val WHERE sensor = 5;                -- written through a partition
UPDATE fz.events_2_all SET kind = 'changed' WHERE id % 4 = 0;          -- through a sub-partition
DELETE FROM fz.events_0 WHERE id % 5 = 0;
UPDATE fz.bird SET name = upper(name), wingspan = 1 WHERE id % 3 = 0;  -- inheritance child
INSERT INTO fz.animal VALUES (1000, 'newcomer', 4, NULL);
TRUNCATE fz.tiny;
INSERT INTO fz.tiny VALUES ('e', 5, 'five', '5', NULL), ('a', 10, 'ten', '1 1', '{}');
INSERT INTO fz.nokey SELECT g % 37, 'added', g FROM generate_series(1, 40) g;

-- fz.doc's rows are only locked, or updated and rolled back: no trigger
-- fires, their data stay, but their xmax changes.
BEGIN;
SELECT count(*) FROM (SELECT id FROM fz.doc WHERE id % 4 = 0 FOR UPDATE) s;
COMMIT;
BEGIN;
UPDATE fz.doc SET title = title WHERE id % 4 = 2;
ROLLBACK;

-- catalog
ALTER TABLE fz.parent ALTER COLUMN score TYPE numeric(9,1);
ALTER TABLE fz.child RENAME COLUMN pos TO pos_swap;                   -- swap two int columns' names
ALTER TABLE fz.child RENAME COLUMN kind_id TO pos;
ALTER TABLE fz.child RENAME COLUMN pos_swap TO kind_id;
ALTER TABLE fz.animal ALTER COLUMN legs TYPE int;                     -- and so fz.bird's
CREATE OR REPLACE VIEW fz.sensor_stats AS
SELECT sensor, count(*) + 1 AS n, avg(val) * 2 AS avg_val, min(ts) AS last_ts
  FROM fz.measure GROUP BY sensor;
CREATE OR REPLACE VIEW fz.parent_children AS
SELECT p.id AS parent_id, p.code, p.grp, c.id AS child_id, c.label, c.amount
  FROM fz.parent p JOIN fz.child c ON c.parent_id = p.id;
ALTER TYPE fz.mood RENAME VALUE 'ok' TO 'fine';
ALTER TEXT SEARCH CONFIGURATION fz.cfg ALTER MAPPING FOR asciiword WITH simple;
ALTER TABLE fz.bird NO INHERIT fz.animal;
ALTER TABLE fz.measure DETACH PARTITION fz.measure_rest;
ALTER TABLE fz.nokey ENABLE ROW LEVEL SECURITY;
CREATE POLICY even_a ON fz.nokey TO PUBLIC USING (a % 2 = 0);
REVOKE SELECT ON fz.measure_2022 FROM :"fuzz_role";
SELECT cachebot.untrack('fz.empty');
INSERT INTO fz.empty VALUES (1, 'no longer empty', 1), (2, NULL, NULL);
