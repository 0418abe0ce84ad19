--
-- catalog: what a statement means is decided by the catalog, and a cached
-- result stands for that meaning only. A different resolution of the same
-- text is another entry; a committed DDL invalidates every entry of its
-- database; a rolled-back one, nothing; a transaction that changed the
-- catalog sees its own catalog and neither reads nor fills the cache.
--
SELECT cachebot.reset_stats();
\i test/sql/include/stats_delta.sql

--
-- (1) names resolve through search_path: a table created earlier on the path
--
CREATE SCHEMA cat_a;
CREATE SCHEMA cat_b;
CREATE TABLE public.cat_t (id int PRIMARY KEY, v text);
INSERT INTO public.cat_t VALUES (1, 'public');
SELECT cachebot.track('public.cat_t');
SET search_path = cat_a, cat_b, public;
SELECT * FROM stats_delta() \gset
SELECT /* cache */ v FROM cat_t;
SELECT /* cache */ v FROM cat_t;
SELECT * FROM stats_delta();
CREATE TABLE cat_b.cat_t (id int PRIMARY KEY, v text);
INSERT INTO cat_b.cat_t VALUES (1, 'cat_b');
SELECT cachebot.track('cat_b.cat_t');
SELECT /* cache */ v FROM cat_t;
SELECT /* cache */ v FROM cat_t;
SELECT * FROM stats_delta();
-- moved along the path by SET SCHEMA
CREATE SCHEMA cat_x;
CREATE TABLE cat_x.cat_t (id int PRIMARY KEY, v text);
INSERT INTO cat_x.cat_t VALUES (1, 'moved into cat_a');
SELECT cachebot.track('cat_x.cat_t');
SELECT /* cache */ v FROM cat_t;
ALTER TABLE cat_x.cat_t SET SCHEMA cat_a;
SELECT /* cache */ v FROM cat_t;
SELECT /* cache */ v FROM cat_t;
-- two schemas swap names: the path now finds the other table first
ALTER SCHEMA cat_a RENAME TO cat_tmp;
ALTER SCHEMA cat_b RENAME TO cat_a;
ALTER SCHEMA cat_tmp RENAME TO cat_b;
SELECT /* cache */ v FROM cat_t;
SELECT * FROM stats_delta();
-- a temporary view of the same name comes first: not cached, and its rows
CREATE TEMP VIEW cat_t AS SELECT 1 AS id, 'temporary'::text AS v;
SELECT /* cache */ v FROM cat_t ORDER BY id;
SELECT * FROM stats_delta();
DROP VIEW pg_temp.cat_t;
SELECT /* cache */ v FROM cat_t ORDER BY id;
RESET search_path;

--
-- (2) operators, functions, types: an operator created earlier on the path,
-- an enum's labels swapped, a function replaced
--
CREATE TABLE cat_w (id int PRIMARY KEY, word text, mood_text text);
INSERT INTO cat_w VALUES (1, 'apple', 'happy'), (2, 'Apple', 'sad'), (3, 'pear', 'happy');
SELECT cachebot.track('cat_w');
CREATE FUNCTION public.cat_same(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE
  AS 'SELECT $1 = $2';
CREATE OPERATOR public.=== (LEFTARG = text, RIGHTARG = text, FUNCTION = public.cat_same);
SET search_path = cat_a, public;
SELECT /* cache */ id FROM cat_w WHERE word === 'apple' ORDER BY id;
SELECT /* cache */ id FROM cat_w WHERE word === 'apple' ORDER BY id;
CREATE FUNCTION cat_a.cat_same_ci(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE
  AS 'SELECT lower($1) = lower($2)';
CREATE OPERATOR cat_a.=== (LEFTARG = text, RIGHTARG = text, FUNCTION = cat_a.cat_same_ci);
SELECT /* cache */ id FROM cat_w WHERE word === 'apple' ORDER BY id;
SELECT * FROM stats_delta();
RESET search_path;
CREATE TYPE cat_mood AS ENUM ('happy', 'sad');
ALTER TABLE cat_w ADD COLUMN mood cat_mood;
UPDATE cat_w SET mood = mood_text::cat_mood;
SELECT /* cache */ id FROM cat_w WHERE mood = 'happy' ORDER BY id;
SELECT /* cache */ id FROM cat_w WHERE mood = 'happy' ORDER BY id;
ALTER TYPE cat_mood RENAME VALUE 'happy' TO 'tmp';
ALTER TYPE cat_mood RENAME VALUE 'sad' TO 'happy';
ALTER TYPE cat_mood RENAME VALUE 'tmp' TO 'sad';
SELECT /* cache */ id FROM cat_w WHERE mood = 'happy' ORDER BY id;
SELECT * FROM stats_delta();
-- a function the planner inlines, replaced
CREATE FUNCTION cat_label(int) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'first ' || $1 $$;
SELECT /* cache */ cat_label(id) FROM cat_w WHERE id = 1;
SELECT /* cache */ cat_label(id) FROM cat_w WHERE id = 1;
CREATE OR REPLACE FUNCTION cat_label(int) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'second ' || $1 $$;
SELECT /* cache */ cat_label(id) FROM cat_w WHERE id = 1;
SELECT * FROM stats_delta();
-- made VOLATILE: not cached any more (a function the planner does not inline;
-- one it inlines leaves in the plan what its body computes, which is cached)
CREATE FUNCTION cat_volatile_later(int) RETURNS int LANGUAGE plpgsql IMMUTABLE
  AS $$ BEGIN RETURN $1 * 2; END $$;
SELECT /* cache */ cat_volatile_later(id) FROM cat_w WHERE id = 1;
SELECT /* cache */ cat_volatile_later(id) FROM cat_w WHERE id = 1;
ALTER FUNCTION cat_volatile_later(int) VOLATILE;
SELECT /* cache */ cat_volatile_later(id) FROM cat_w WHERE id = 1;
SELECT * FROM stats_delta();
-- written straight into the catalog by a superuser: invalidates too
CREATE FUNCTION cat_plain() RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'plain' $$;
SELECT /* cache */ cat_plain(), id FROM cat_w WHERE id = 1;
SELECT /* cache */ cat_plain(), id FROM cat_w WHERE id = 1;
UPDATE pg_proc SET prosrc = ' SELECT ''patched'' ' WHERE oid = 'cat_plain()'::regprocedure;
SELECT /* cache */ cat_plain(), id FROM cat_w WHERE id = 1;
SELECT * FROM stats_delta();

--
-- (3) domains: a constraint added makes the cached statement fail, as it must
--
CREATE DOMAIN cat_short AS text;
SELECT /* cache */ word::cat_short FROM cat_w ORDER BY id;
SELECT /* cache */ word::cat_short FROM cat_w ORDER BY id;
ALTER DOMAIN cat_short ADD CONSTRAINT cat_short_len CHECK (length(VALUE) <= 4);
SELECT /* cache */ word::cat_short FROM cat_w ORDER BY id;
ALTER DOMAIN cat_short DROP CONSTRAINT cat_short_len;
SELECT /* cache */ mood_text::cat_short FROM cat_w ORDER BY id;
ALTER DOMAIN cat_short SET NOT NULL;
UPDATE cat_w SET mood_text = NULL WHERE id = 3;
SELECT /* cache */ mood_text::cat_short FROM cat_w ORDER BY id;
SELECT * FROM stats_delta();

--
-- (4) what the planner read from the catalog: children and partitions, and
-- the unique index that let it remove a join
--
CREATE TABLE cat_parent (id int, v text);
CREATE TABLE cat_child (id int, v text);
INSERT INTO cat_parent VALUES (1, 'parent');
INSERT INTO cat_child VALUES (2, 'child');
SELECT cachebot.track('cat_parent');
SELECT cachebot.track('cat_child');
SELECT /* cache */ v FROM cat_parent ORDER BY id;
SELECT /* cache */ v FROM cat_parent ORDER BY id;
ALTER TABLE cat_child INHERIT cat_parent;
SELECT /* cache */ v FROM cat_parent ORDER BY id;
SELECT /* cache */ v FROM cat_parent ORDER BY id;
INSERT INTO cat_child VALUES (3, 'child, later');
SELECT /* cache */ v FROM cat_parent ORDER BY id;
CREATE TABLE cat_grandchild () INHERITS (cat_parent);
SELECT cachebot.track('cat_grandchild');
INSERT INTO cat_grandchild VALUES (4, 'grandchild');
SELECT /* cache */ v FROM cat_parent ORDER BY id;
SELECT * FROM stats_delta();
-- every partition pruned: a new partition, and a row in it
CREATE TABLE cat_ev (day date, n int) PARTITION BY RANGE (day);
CREATE TABLE cat_ev_2024 PARTITION OF cat_ev FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
INSERT INTO cat_ev VALUES ('2024-06-01', 1);
SELECT cachebot.track('cat_ev');
SELECT /* cache */ count(*) FROM cat_ev WHERE day >= '2025-01-01';
SELECT /* cache */ count(*) FROM cat_ev WHERE day >= '2025-01-01';
CREATE TABLE cat_ev_2025 PARTITION OF cat_ev FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
INSERT INTO cat_ev VALUES ('2025-06-01', 1);
SELECT /* cache */ count(*) FROM cat_ev WHERE day >= '2025-01-01';
SELECT * FROM stats_delta();
-- a LEFT JOIN the planner removed thanks to a unique index
CREATE TABLE cat_a_t (id int PRIMARY KEY, bid int);
CREATE TABLE cat_b_t (id int, note text);
CREATE UNIQUE INDEX cat_b_t_id ON cat_b_t (id);
INSERT INTO cat_a_t VALUES (1, 10), (2, 20);
INSERT INTO cat_b_t VALUES (10, 'x'), (20, 'y');
SELECT cachebot.track('cat_a_t');
SELECT cachebot.track('cat_b_t');
EXPLAIN (COSTS OFF) SELECT count(*) FROM cat_a_t a LEFT JOIN cat_b_t b ON a.bid = b.id;
SELECT /* cache */ count(*) FROM cat_a_t a LEFT JOIN cat_b_t b ON a.bid = b.id;
SELECT /* cache */ count(*) FROM cat_a_t a LEFT JOIN cat_b_t b ON a.bid = b.id;
DROP INDEX cat_b_t_id;
INSERT INTO cat_b_t VALUES (10, 'another x');
SELECT /* cache */ count(*) FROM cat_a_t a LEFT JOIN cat_b_t b ON a.bid = b.id;
SELECT * FROM stats_delta();

--
-- (5) inside a transaction that changed the catalog: its own definitions,
-- and nothing of them left behind after ROLLBACK
--
CREATE FUNCTION cat_fx(int) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'old ' || $1 $$;
CREATE VIEW cat_view AS SELECT id, 'old view' AS what FROM cat_w;
SELECT /* cache */ cat_fx(id) FROM cat_w WHERE id = 1;
SELECT /* cache */ what FROM cat_view WHERE id = 1;
SELECT /* cache */ cat_fx(id) FROM cat_w WHERE id = 1;
SELECT /* cache */ what FROM cat_view WHERE id = 1;
SELECT * FROM stats_delta();
BEGIN;
CREATE OR REPLACE FUNCTION cat_fx(int) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'rolled back ' || $1 $$;
CREATE OR REPLACE VIEW cat_view AS SELECT id, 'rolled back view' AS what FROM cat_w;
SELECT /* cache */ cat_fx(id) FROM cat_w WHERE id = 1;
SELECT /* cache */ cat_fx(id) FROM cat_w WHERE id = 1;
SELECT /* cache */ what FROM cat_view WHERE id = 1;
ROLLBACK;
SELECT * FROM stats_delta();
SELECT /* cache */ cat_fx(id) FROM cat_w WHERE id = 1;
SELECT /* cache */ what FROM cat_view WHERE id = 1;
SELECT * FROM stats_delta();
BEGIN;
CREATE OR REPLACE FUNCTION cat_fx(int) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'committed ' || $1 $$;
SELECT /* cache */ cat_fx(id) FROM cat_w WHERE id = 1;
COMMIT;
SELECT /* cache */ cat_fx(id) FROM cat_w WHERE id = 1;
SELECT /* cache */ cat_fx(id) FROM cat_w WHERE id = 1;
SELECT * FROM stats_delta();

--
-- (6) what does not invalidate: temporary tables come and go (statements
-- that read them are never cached), and a DROP IF EXISTS of nothing changes
-- nothing
--
SELECT /* cache */ v FROM public.cat_t WHERE id = 1;
SELECT /* cache */ v FROM public.cat_t WHERE id = 1;
CREATE TEMP TABLE cat_scratch (x serial PRIMARY KEY, y text DEFAULT 'y' CHECK (y <> ''));
CREATE TEMP TABLE IF NOT EXISTS cat_scratch (x int);
CREATE INDEX ON cat_scratch (y);
ALTER TABLE cat_scratch ADD COLUMN z int;
CREATE TEMP VIEW cat_scratch_v AS SELECT * FROM cat_scratch;
DROP TABLE cat_scratch CASCADE;
DROP TABLE IF EXISTS cat_nothing;
SELECT /* cache */ v FROM public.cat_t WHERE id = 1;
SELECT * FROM stats_delta();
-- ... but other temporary objects do: statements may use them
CREATE FUNCTION pg_temp.cat_tmp_f() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 1';
SELECT /* cache */ v FROM public.cat_t WHERE id = 1;
SELECT * FROM stats_delta();
-- ... but a GRANT does (PostgreSQL reports no object change for it)
GRANT SELECT ON public.cat_t TO PUBLIC;
SELECT /* cache */ v FROM public.cat_t WHERE id = 1;
SELECT * FROM stats_delta();

--
-- (7) the row type of a temporary table is as private as the table: altering
-- the table invalidates nothing, so a statement that uses its row type
-- without reading it is not cached either
--
CREATE TEMP TABLE cat_tt (a int, b numeric(5,2));
SELECT /* cache */ (ROW(id, 1.23456)::cat_tt).b + 0 AS b FROM cat_w WHERE id = 1;
ALTER TABLE cat_tt ALTER COLUMN b TYPE numeric(8,4);
SELECT /* cache */ (ROW(id, 1.23456)::cat_tt).b + 0 AS b FROM cat_w WHERE id = 1;
DROP TABLE cat_tt;
CREATE TEMP TABLE cat_tt (a int, b numeric(3,1));
SELECT /* cache */ (ROW(id, 1.23456)::cat_tt).b + 0 AS b FROM cat_w WHERE id = 1;
SELECT /* cache */ ROW(id, 1.23456)::cat_tt AS r FROM cat_w WHERE id = 1;
SELECT * FROM stats_delta();
DROP TABLE cat_tt;

--
-- (8) the planner reads the body of a SQL function it inlines, resolving its
-- names then: a temporary table that takes the name of the table the body
-- reads is what the statement reads from then on, which the statement's
-- text does not show. It is decided on its plan, not served before planning.
--
CREATE TABLE cat_items (id int PRIMARY KEY, name text);
INSERT INTO cat_items VALUES (1, 'permanent');
SELECT cachebot.track('cat_items');
CREATE FUNCTION cat_all_items() RETURNS SETOF cat_items LANGUAGE sql IMMUTABLE
  AS 'SELECT * FROM cat_items';
SELECT /* cache */ * FROM cat_all_items();
SELECT /* cache */ * FROM cat_all_items();
SELECT * FROM stats_delta();
CREATE TEMP TABLE cat_items (id int, name text);
INSERT INTO cat_items VALUES (666, 'temporary');
SELECT /* cache */ * FROM cat_all_items();
SELECT * FROM stats_delta();
DROP TABLE pg_temp.cat_items;

--
-- (9) a superuser's direct write of a system catalog is a catalog change,
-- whether by UPDATE or by COPY FROM
--
SELECT /* cache */ name FROM cat_items WHERE id = 1;
SELECT /* cache */ name FROM cat_items WHERE id = 1;
SELECT * FROM stats_delta();
-- (the COPY names the table's OID: not echoed)
\set ECHO none
SELECT format('COPY pg_catalog.pg_description (objoid, classoid, objsubid, description) FROM PROGRAM %L',
              format('printf ''%s\t%s\t0\twritten by COPY\n''',
                     'cat_items'::regclass::oid, 'pg_class'::regclass::oid)) \gexec
\set ECHO all
SELECT obj_description('cat_items'::regclass, 'pg_class');
SELECT /* cache */ name FROM cat_items WHERE id = 1;
SELECT * FROM stats_delta();
UPDATE pg_catalog.pg_description SET description = 'written by UPDATE'
 WHERE objoid = 'cat_items'::regclass AND classoid = 'pg_class'::regclass;
SELECT /* cache */ name FROM cat_items WHERE id = 1;
SELECT * FROM stats_delta();
COMMENT ON TABLE cat_items IS NULL;

-- a regclass constant is a relation the plan depends on, which need not exist
SELECT /* cache */ name, 4294967295::regclass AS nothing FROM cat_items WHERE id = 1;
SELECT /* cache */ name, 4294967295::regclass AS nothing FROM cat_items WHERE id = 1;
SELECT * FROM stats_delta();

SET client_min_messages = warning;
DROP VIEW cat_view;
DROP FUNCTION cat_fx(int), cat_label(int), cat_volatile_later(int), cat_plain(), cat_all_items(), stats_delta();
DROP TABLE cat_w, cat_parent, cat_child, cat_grandchild, cat_ev, cat_a_t, cat_b_t, cat_items, stats_seen, public.cat_t CASCADE;
DROP OPERATOR public.=== (text, text);
DROP FUNCTION public.cat_same(text, text);
DROP DOMAIN cat_short;
DROP TYPE cat_mood;
DROP SCHEMA cat_a, cat_b, cat_x CASCADE;
RESET client_min_messages;
