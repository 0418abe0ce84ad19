--
-- auto_track: track_schema() tracks a schema's tables at once, and under
-- cachebot.auto_track the tables a session creates are tracked when their
-- command ends, as track() would track them.
--
\i test/sql/include/stats_delta.sql
CREATE TEMP VIEW tracked AS
  SELECT "table"::text, keyed_columns FROM cachebot.tracked_tables ORDER BY 1;

-- track_schema(): every ordinary and partitioned permanent table of the
-- schema; not partitions (tracked through their root), unlogged tables,
-- views, nor tables of another schema
CREATE SCHEMA shop;
CREATE TABLE shop.customer (id int PRIMARY KEY, name text);
CREATE TABLE shop.orders (id int PRIMARY KEY, customer_id int REFERENCES shop.customer, total int)
  PARTITION BY RANGE (id);
CREATE TABLE shop.orders_1 PARTITION OF shop.orders FOR VALUES FROM (0) TO (1000);
CREATE UNLOGGED TABLE shop.scratch (id int);
CREATE VIEW shop.big_orders AS SELECT * FROM shop.orders WHERE total > 100;
CREATE TABLE elsewhere (id int PRIMARY KEY);
SELECT * FROM cachebot.track_schema('shop');
SELECT * FROM tracked;
-- the options are track()'s
SELECT * FROM cachebot.track_schema('shop', columns => '{id}', cache_get => true);
SELECT "table", keyed_columns, always FROM cachebot.tracked_tables ORDER BY "table"::text;
SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = 'shop.customer'::regclass AND tgname = 'cachebot_invalidate';
-- a schema with no table, and track()'s rules: a table the caller does not own
CREATE SCHEMA empty;
SELECT count(*) FROM cachebot.track_schema('empty');
CREATE ROLE cachebot_regress_auto;
GRANT USAGE, CREATE ON SCHEMA shop TO cachebot_regress_auto;
SET ROLE cachebot_regress_auto;
SELECT * FROM cachebot.track_schema('shop');
RESET ROLE;
SELECT * FROM cachebot.track_schema(NULL);

-- auto_track: off by default
SHOW cachebot.auto_track;
CREATE TABLE before_on (id int PRIMARY KEY);
SET cachebot.auto_track = on;
-- a table created now is tracked once its command ends, with track()'s
-- default keyed columns (the primary key and foreign keys, made by the same
-- command)
CREATE TABLE post (id int PRIMARY KEY, author int REFERENCES elsewhere, title text);
SELECT * FROM tracked;
INSERT INTO elsewhere VALUES (1);
INSERT INTO post VALUES (1, 1, 'first');
SELECT * FROM stats_delta() \gset ignore_
SELECT /* cache */ title FROM post WHERE id = 1;
SELECT /* cache */ title FROM post WHERE id = 1;
SELECT * FROM stats_delta();
UPDATE post SET title = 'edited' WHERE id = 1;
SELECT /* cache */ title FROM post WHERE id = 1;
SELECT * FROM stats_delta();
-- CREATE TABLE AS, SELECT INTO, a table created by a DO block, a
-- partitioned table (its partitions get its clones)
CREATE TABLE post_copy AS SELECT * FROM post;
SELECT 1 AS id INTO selected;
DO $$BEGIN CREATE TABLE from_do (id int PRIMARY KEY); END$$;
CREATE TABLE log (id int, at int) PARTITION BY RANGE (id);
CREATE TABLE log_1 PARTITION OF log FOR VALUES FROM (0) TO (100);
SELECT * FROM tracked;
SELECT tgrelid::regclass, tgname, tgparentid <> 0 AS clone FROM pg_trigger
 WHERE tgrelid = 'log_1'::regclass ORDER BY 2;
INSERT INTO log VALUES (1, 1);
SELECT /* cache */ count(*) FROM log;
SELECT /* cache */ count(*) FROM log;
SELECT * FROM stats_delta();
INSERT INTO log_1 VALUES (2, 2);
SELECT /* cache */ count(*) FROM log;
SELECT * FROM stats_delta();
-- not tracked: temporary and unlogged tables, materialized views, a
-- partition of an untracked table
CREATE TEMP TABLE tmp (id int PRIMARY KEY);
CREATE UNLOGGED TABLE unlogged (id int PRIMARY KEY);
CREATE MATERIALIZED VIEW mv AS SELECT 1 AS id;
SET cachebot.auto_track = off;
CREATE TABLE plain_parent (id int) PARTITION BY RANGE (id);
SET cachebot.auto_track = on;
CREATE TABLE plain_part PARTITION OF plain_parent FOR VALUES FROM (0) TO (10);
SELECT * FROM tracked;
-- a table created in a transaction that rolls back leaves nothing
BEGIN;
CREATE TABLE rolled_back (id int PRIMARY KEY);
SELECT count(*) FROM cachebot.tracked_tables WHERE "table"::text = 'rolled_back';
ROLLBACK;
SELECT count(*) FROM pg_class WHERE relname = 'rolled_back';
SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'cachebot%' AND tgrelid NOT IN (SELECT oid FROM pg_class);
-- a failed command leaves nothing either
CREATE TABLE failed (id int PRIMARY KEY, other int REFERENCES no_such_table);
SELECT count(*) FROM pg_class WHERE relname = 'failed';
-- untrack() opts out: the table stays untracked (a table is tracked at its
-- creation only), and its statements run uncached and fresh
SELECT cachebot.untrack('post');
ALTER TABLE post ADD COLUMN body text;
SELECT count(*) FROM cachebot.tracked_tables WHERE "table" = 'post'::regclass;
SELECT /* cache */ title FROM post WHERE id = 1;
UPDATE post SET title = 'after untrack' WHERE id = 1;
SELECT /* cache */ title FROM post WHERE id = 1;
SELECT * FROM stats_delta();
-- a role that may create tables gets its tables tracked, as its own track()
-- call would (the triggers are made as cachebot's owner)
SET ROLE cachebot_regress_auto;
CREATE TABLE shop.by_role (id int PRIMARY KEY, v text);
INSERT INTO shop.by_role VALUES (1, 'mine');
SELECT /* cache */ v FROM shop.by_role WHERE id = 1;
SELECT /* cache */ v FROM shop.by_role WHERE id = 1;
RESET ROLE;
SELECT * FROM stats_delta();
SELECT count(*) FROM cachebot.tracked_tables WHERE "table" = 'shop.by_role'::regclass;
-- a restore under auto_track: the dump creates the table (tracked now),
-- then the triggers track() made in the source, which replace those, keyed
-- columns and options included; no trigger twice
CREATE TABLE restored (id int, owner_id int);
SELECT * FROM cachebot.tracked_tables WHERE "table" = 'restored'::regclass;
CREATE TRIGGER cachebot_invalidate AFTER INSERT OR DELETE OR UPDATE ON restored
  FOR EACH ROW EXECUTE FUNCTION cachebot._invalidate_trigger('cachebot:2', 'cache_all=t;cache_get=', 'owner_id');
CREATE TRIGGER cachebot_truncate AFTER TRUNCATE ON restored
  FOR EACH STATEMENT EXECUTE FUNCTION cachebot._invalidate_trigger('cachebot:2', 'cache_all=t;cache_get=', 'owner_id');
ALTER TABLE restored ENABLE ALWAYS TRIGGER cachebot_invalidate;
ALTER TABLE restored ENABLE ALWAYS TRIGGER cachebot_truncate;
SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = 'restored'::regclass ORDER BY 1;
SELECT * FROM cachebot.tracked_tables WHERE "table" = 'restored'::regclass;
-- a trigger of another name or function is no business of cachebot's
CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NULL; END$$;
CREATE TRIGGER cachebot_invalidate AFTER INSERT ON restored FOR EACH ROW EXECUTE FUNCTION noop();

RESET cachebot.auto_track;
DROP TABLE post, post_copy, selected, from_do, log, unlogged, plain_parent, restored,
  before_on, elsewhere CASCADE;
DROP MATERIALIZED VIEW mv;
DROP FUNCTION noop();
DROP SCHEMA shop, empty CASCADE;
DROP ROLE cachebot_regress_auto;
DROP VIEW tracked;
DROP FUNCTION stats_delta();
DROP TABLE stats_seen;
