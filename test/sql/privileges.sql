--
-- privileges: a cached result is never a way around the privilege system.
--
SELECT cachebot.reset_stats();
\pset null '<NULL>'

\i test/sql/include/stats_delta.sql

CREATE ROLE cachebot_regress_a;
CREATE ROLE cachebot_regress_b;
CREATE ROLE cachebot_regress_c;
CREATE ROLE cachebot_regress_owner;

-- cachebot's functions are meant for plain roles too (each one checks its
-- own privilege), so the schema is usable by everyone
SELECT has_schema_privilege('cachebot_regress_c', 'cachebot', 'USAGE') AS c_can_use_schema;

CREATE TABLE priv_t (id int PRIMARY KEY, owner name, secret text);
INSERT INTO priv_t VALUES (1, 'cachebot_regress_a', 'a-one'), (2, 'cachebot_regress_a', 'a-two'),
                          (3, 'cachebot_regress_b', 'b-three');
SELECT cachebot.track('priv_t');
GRANT SELECT ON priv_t TO cachebot_regress_a, cachebot_regress_b;
SELECT * FROM stats_delta();

-- a hinted SELECT by a plain role, first thing in a fresh session, runs
-- (and is cached) like any other
\c -
SET ROLE cachebot_regress_b;
SELECT /* cache */ id FROM priv_t WHERE id = 3;
SELECT /* cache */ id FROM priv_t WHERE id = 3;
RESET ROLE;
SELECT * FROM stats_delta();

--
-- (a) a hit still checks privileges: after REVOKE the role's own cached
-- result is not served, the statement fails
--
SET ROLE cachebot_regress_a;
SELECT /* cache */ id, secret FROM priv_t ORDER BY id;
SELECT /* cache */ id, secret FROM priv_t ORDER BY id;
RESET ROLE;
SELECT * FROM stats_delta();
REVOKE SELECT ON priv_t FROM cachebot_regress_a;
SET ROLE cachebot_regress_a;
SELECT /* cache */ id, secret FROM priv_t ORDER BY id;
RESET ROLE;
-- nothing was served: no hit
SELECT hits FROM stats_delta();
-- column privileges are checked too: with SELECT on id only, the cached
-- statement that reads secret still fails
GRANT SELECT (id) ON priv_t TO cachebot_regress_a;
SET ROLE cachebot_regress_a;
SELECT /* cache */ id, secret FROM priv_t ORDER BY id;
RESET ROLE;
SELECT hits FROM stats_delta();
-- and one that reads only id is cached
SET ROLE cachebot_regress_a;
SELECT /* cache */ id FROM priv_t ORDER BY id;
SELECT /* cache */ id FROM priv_t ORDER BY id;
RESET ROLE;
SELECT * FROM stats_delta();
-- with SELECT given back, the statement runs and is cached again
GRANT SELECT ON priv_t TO cachebot_regress_a;
SET ROLE cachebot_regress_a;
SELECT /* cache */ id, secret FROM priv_t ORDER BY id;
RESET ROLE;
SELECT * FROM stats_delta() \gset
SET ROLE cachebot_regress_a;
SELECT /* cache */ id, secret FROM priv_t ORDER BY id;
RESET ROLE;
SELECT * FROM stats_delta();

--
-- (b) one role's entry is never served to another: b's first run of the
-- very same text is a miss of its own
--
SET ROLE cachebot_regress_b;
SELECT /* cache */ id, secret FROM priv_t ORDER BY id;
RESET ROLE;
SELECT * FROM stats_delta();
SET ROLE cachebot_regress_b;
SELECT /* cache */ id, secret FROM priv_t ORDER BY id;
RESET ROLE;
SELECT * FROM stats_delta();
-- the superuser gets a miss of its own too, and a's entry is still a's
SELECT /* cache */ id, secret FROM priv_t ORDER BY id;
SELECT * FROM stats_delta();
SET ROLE cachebot_regress_a;
SELECT /* cache */ id, secret FROM priv_t ORDER BY id;
RESET ROLE;
SELECT * FROM stats_delta();

--
-- (c) row level security: a table with RLS enabled is not cached (skip
-- reason row_security), and each role sees only its rows
--
CREATE TABLE priv_rls (id int PRIMARY KEY, owner name, note text);
INSERT INTO priv_rls VALUES (1, 'cachebot_regress_a', 'for a'), (2, 'cachebot_regress_b', 'for b'),
                            (3, 'cachebot_regress_a', 'also for a');
SELECT cachebot.track('priv_rls');
GRANT SELECT ON priv_rls TO cachebot_regress_a, cachebot_regress_b;
ALTER TABLE priv_rls ENABLE ROW LEVEL SECURITY;
CREATE POLICY priv_rls_own ON priv_rls USING (owner = current_user);
SELECT cacheable, reason FROM cachebot.explain($$SELECT /* cache */ id, note FROM priv_rls ORDER BY id$$);
SELECT * FROM stats_delta();
SET ROLE cachebot_regress_a;
SELECT /* cache */ id, note FROM priv_rls ORDER BY id;
SELECT /* cache */ id, note FROM priv_rls ORDER BY id;
RESET ROLE;
SET ROLE cachebot_regress_b;
SELECT /* cache */ id, note FROM priv_rls ORDER BY id;
SELECT /* cache */ id, note FROM priv_rls ORDER BY id;
RESET ROLE;
SELECT * FROM stats_delta();
-- a join with an RLS table is not cached either
SET ROLE cachebot_regress_b;
SELECT /* cache */ r.id, r.note, t.secret FROM priv_rls r JOIN priv_t t ON t.id = r.id ORDER BY r.id;
RESET ROLE;
SELECT * FROM stats_delta();
-- RLS enabled on a table after a result was cached: the entry is not served
SET ROLE cachebot_regress_a;
SELECT /* cache */ id, owner FROM priv_t ORDER BY id;
SELECT /* cache */ id, owner FROM priv_t ORDER BY id;
RESET ROLE;
SELECT * FROM stats_delta();
ALTER TABLE priv_t ENABLE ROW LEVEL SECURITY;
CREATE POLICY priv_t_own ON priv_t USING (owner = current_user);
SET ROLE cachebot_regress_a;
SELECT /* cache */ id, owner FROM priv_t ORDER BY id;
RESET ROLE;
SELECT * FROM stats_delta();
DROP POLICY priv_t_own ON priv_t;
ALTER TABLE priv_t DISABLE ROW LEVEL SECURITY;
-- and disabled again: all rows, cached again
SET ROLE cachebot_regress_a;
SELECT /* cache */ id, owner FROM priv_t ORDER BY id;
RESET ROLE;
SELECT * FROM stats_delta() \gset
SET ROLE cachebot_regress_a;
SELECT /* cache */ id, owner FROM priv_t ORDER BY id;
RESET ROLE;
SELECT * FROM stats_delta();

--
-- (d) track and untrack need ownership of the table (SQLSTATE 42501)
--
\set VERBOSITY default
\set SHOW_CONTEXT never
CREATE TABLE priv_u (id int PRIMARY KEY);
GRANT ALL ON priv_u TO cachebot_regress_a;
SET ROLE cachebot_regress_a;
SELECT cachebot.track('priv_u');
\echo :LAST_ERROR_SQLSTATE
SELECT cachebot.untrack('priv_t');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT "table" FROM cachebot.tracked_tables WHERE "table"::text LIKE 'priv%' ORDER BY "table"::text;
-- a member of the owning role may
ALTER TABLE priv_u OWNER TO cachebot_regress_owner;
GRANT cachebot_regress_owner TO cachebot_regress_c;
SET ROLE cachebot_regress_c;
SELECT cachebot.track('priv_u');
RESET ROLE;
SELECT "table" FROM cachebot.tracked_tables WHERE "table"::text LIKE 'priv%' ORDER BY "table"::text;
SET ROLE cachebot_regress_c;
SELECT cachebot.untrack('priv_u');
RESET ROLE;
SELECT "table" FROM cachebot.tracked_tables WHERE "table"::text LIKE 'priv%' ORDER BY "table"::text;
\set SHOW_CONTEXT errors

--
-- (e) flush() and reset_stats() are not for plain roles
--
SET ROLE cachebot_regress_a;
SELECT /* cache */ id, secret FROM priv_t ORDER BY id;
RESET ROLE;
SELECT * FROM stats_delta() \gset
SET ROLE cachebot_regress_a;
SELECT cachebot.flush();
SELECT cachebot.reset_stats();
-- nothing was flushed: the entry is served
SELECT /* cache */ id, secret FROM priv_t ORDER BY id;
RESET ROLE;
SELECT * FROM stats_delta();
-- unless granted
GRANT EXECUTE ON FUNCTION cachebot.flush() TO cachebot_regress_b;
SET ROLE cachebot_regress_b;
SELECT cachebot.flush();
RESET ROLE;
SET ROLE cachebot_regress_a;
SELECT /* cache */ id, secret FROM priv_t ORDER BY id;
RESET ROLE;
SELECT * FROM stats_delta();
REVOKE EXECUTE ON FUNCTION cachebot.flush() FROM cachebot_regress_b;

--
-- (f) invalidate_table() and invalidate_object() need SELECT on the table
--
-- (the REVOKE above changed the catalog, which invalidated every entry: fill again)
SET ROLE cachebot_regress_a;
SELECT /* cache */ id, secret FROM priv_t ORDER BY id;
RESET ROLE;
SELECT * FROM stats_delta();
SET ROLE cachebot_regress_c;
SELECT cachebot.invalidate_table('priv_t');
SELECT cachebot.invalidate_object('priv_t', 1);
RESET ROLE;
SET ROLE cachebot_regress_a;
SELECT /* cache */ id, secret FROM priv_t ORDER BY id;
RESET ROLE;
-- the entry was not invalidated
SELECT * FROM stats_delta();
SET ROLE cachebot_regress_b;
SELECT cachebot.invalidate_table('priv_t');
RESET ROLE;
SET ROLE cachebot_regress_a;
SELECT /* cache */ id, secret FROM priv_t ORDER BY id;
RESET ROLE;
-- now it was
SELECT * FROM stats_delta();

--
-- (g) after REVOKE, a role's own table of the same name: not a way back to
-- the revoked rows (the name resolves to another table: another entry)
--
CREATE ROLE cachebot_regress_r;
CREATE SCHEMA cachebot_regress_r AUTHORIZATION cachebot_regress_r;
CREATE TABLE priv_s (id int PRIMARY KEY, secret text);
INSERT INTO priv_s VALUES (1, 'revoked rows');
SELECT cachebot.track('priv_s');
GRANT SELECT ON priv_s TO cachebot_regress_r;
SET ROLE cachebot_regress_r;
SET search_path = "$user", public;
SELECT /* cache */ secret FROM priv_s;
SELECT /* cache */ secret FROM priv_s;
RESET ROLE;
REVOKE SELECT ON priv_s FROM cachebot_regress_r;
SET ROLE cachebot_regress_r;
SELECT /* cache */ secret FROM priv_s;
CREATE TABLE cachebot_regress_r.priv_s (id int PRIMARY KEY, secret text);
INSERT INTO cachebot_regress_r.priv_s VALUES (1, 'own rows');
SELECT cachebot.track('cachebot_regress_r.priv_s');
SELECT /* cache */ secret FROM priv_s;
SELECT /* cache */ secret FROM priv_s;
RESET ROLE;
RESET search_path;
SELECT * FROM stats_delta();

--
-- (h) EXECUTE on a function is checked by a hit served without a plan too,
-- also when the privilege comes and goes through role membership changed
-- from another database (which does not change this database's catalog)
--
\set testdb :DBNAME
CREATE ROLE cachebot_regress_u;
CREATE ROLE cachebot_regress_executors;
CREATE FUNCTION priv_reveal(text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN RETURN 'revealed: ' || $1; END $$;
REVOKE EXECUTE ON FUNCTION priv_reveal(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION priv_reveal(text) TO cachebot_regress_executors;
GRANT SELECT ON priv_s TO cachebot_regress_u;
GRANT cachebot_regress_executors TO cachebot_regress_u;
SET ROLE cachebot_regress_u;
SELECT /* cache */ priv_reveal(secret) FROM public.priv_s WHERE id = 1;
SELECT /* cache */ priv_reveal(secret) FROM public.priv_s WHERE id = 1;
RESET ROLE;
SELECT hits_unplanned AS unplanned_before FROM cachebot.stats \gset
\c postgres
REVOKE cachebot_regress_executors FROM cachebot_regress_u;
\c :testdb
SET ROLE cachebot_regress_u;
SELECT /* cache */ priv_reveal(secret) FROM public.priv_s WHERE id = 1;
RESET ROLE;
\c postgres
GRANT cachebot_regress_executors TO cachebot_regress_u;
\c :testdb
SET ROLE cachebot_regress_u;
SELECT /* cache */ priv_reveal(secret) FROM public.priv_s WHERE id = 1;
RESET ROLE;
SELECT hits_unplanned - :unplanned_before AS served_without_a_plan FROM cachebot.stats;
REVOKE EXECUTE ON FUNCTION priv_reveal(text) FROM cachebot_regress_executors;
SET ROLE cachebot_regress_u;
SELECT /* cache */ priv_reveal(secret) FROM public.priv_s WHERE id = 1;
RESET ROLE;
SELECT * FROM stats_delta();
-- a SQL function (which the planner inlines, checking EXECUTE as it does) is
-- decided on its plan, and checked there too
CREATE FUNCTION priv_reveal_sql(text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'revealed: ' || $1 $$;
REVOKE EXECUTE ON FUNCTION priv_reveal_sql(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION priv_reveal_sql(text) TO cachebot_regress_executors;
SET ROLE cachebot_regress_u;
SELECT /* cache */ priv_reveal_sql(secret) FROM public.priv_s WHERE id = 1;
SELECT /* cache */ priv_reveal_sql(secret) FROM public.priv_s WHERE id = 1;
RESET ROLE;
REVOKE EXECUTE ON FUNCTION priv_reveal_sql(text) FROM cachebot_regress_executors;
SET ROLE cachebot_regress_u;
SELECT /* cache */ priv_reveal_sql(secret) FROM public.priv_s WHERE id = 1;
RESET ROLE;
SELECT * FROM stats_delta();
DROP FUNCTION priv_reveal_sql(text);

--
-- (i) ... and no more than PostgreSQL checks: a relation the planner drops
-- (an unused CTE's, a sublink under a false condition) is not checked by a
-- hit served without a plan either
--
CREATE TABLE priv_unread (id int PRIMARY KEY);
SELECT cachebot.track('priv_unread');
SET ROLE cachebot_regress_u;
WITH c AS (SELECT * FROM priv_unread) SELECT /* cache */ id FROM public.priv_s;
WITH c AS (SELECT * FROM priv_unread) SELECT /* cache */ id FROM public.priv_s;
SELECT /* cache */ id FROM public.priv_s WHERE false AND EXISTS (SELECT FROM priv_unread);
SELECT /* cache */ id FROM public.priv_s WHERE false AND EXISTS (SELECT FROM priv_unread);
RESET ROLE;
SELECT * FROM stats_delta();
DROP TABLE priv_unread;
DROP FUNCTION priv_reveal(text);
DROP TABLE cachebot_regress_r.priv_s, priv_s;
DROP SCHEMA cachebot_regress_r;
DROP ROLE cachebot_regress_r;
DROP ROLE cachebot_regress_u;
DROP ROLE cachebot_regress_executors;

-- explain()'s stored values: the join keys a fill derived are values of the
-- tables the statement reads. A role that reads them through a view, with
-- the view owner's privileges, sees no value: here one from a row the view
-- leaves out, of a column it does not show.
CREATE ROLE cachebot_regress_viewer;
CREATE TABLE priv_us (id int PRIMARY KEY, username text UNIQUE NOT NULL);
CREATE TABLE priv_ph (id int PRIMARY KEY, owner_name text NOT NULL, title text);
CREATE INDEX ON priv_ph (owner_name);
INSERT INTO priv_us SELECT i, 'user_' || i FROM generate_series(1, 30) i;
INSERT INTO priv_ph SELECT i, 'user_' || (1 + i % 2), 'title ' || i FROM generate_series(1, 2000) i;
INSERT INTO priv_ph VALUES (5001, 'SECRET_OWNER', 'hidden photo');
ANALYZE priv_us, priv_ph;
SELECT cachebot.track('priv_us');
SELECT cachebot.track('priv_ph');
CREATE VIEW priv_pv AS
  SELECT p.title FROM priv_ph p WHERE p.owner_name IN (SELECT username FROM priv_us WHERE id > 0);
GRANT SELECT ON priv_pv TO cachebot_regress_viewer;
SET ROLE cachebot_regress_viewer;
SELECT owner_name FROM priv_ph;
SELECT /* cache */ count(*) FROM priv_pv WHERE title = 'hidden photo';
SELECT cached, stored FROM cachebot.explain($$SELECT /* cache */ count(*) FROM priv_pv WHERE title = 'hidden photo'$$);
RESET ROLE;
-- the tables' owner, reading them itself, sees the value
SELECT /* cache */ count(*) FROM priv_ph p
 WHERE p.title = 'hidden photo' AND p.owner_name IN (SELECT username FROM priv_us WHERE id > 0);
SELECT cached, stored FROM cachebot.explain($$SELECT /* cache */ count(*) FROM priv_ph p
 WHERE p.title = 'hidden photo' AND p.owner_name IN (SELECT username FROM priv_us WHERE id > 0)$$);
DROP VIEW priv_pv;
DROP TABLE priv_ph, priv_us;
-- SELECT granted on a partitioned table (not on its partitions, which its
-- plan reads too): the role reads the table itself, and sees the values
CREATE TABLE priv_pu (id int PRIMARY KEY, name text NOT NULL UNIQUE);
CREATE TABLE priv_pp (id int, owner text NOT NULL) PARTITION BY RANGE (id);
CREATE TABLE priv_pp_1 PARTITION OF priv_pp FOR VALUES FROM (0) TO (1000);
CREATE INDEX ON priv_pp (owner);
INSERT INTO priv_pu SELECT i, 'u' || i FROM generate_series(1, 30) i;
INSERT INTO priv_pp SELECT i, 'u' || (1 + i % 2) FROM generate_series(1, 500) i;
ANALYZE priv_pu, priv_pp;
SELECT cachebot.track('priv_pu');
SELECT cachebot.track('priv_pp');
GRANT SELECT ON priv_pu, priv_pp TO cachebot_regress_viewer;
SET ROLE cachebot_regress_viewer;
SELECT /* cache */ count(*) FROM priv_pp p WHERE p.id = 7 AND p.owner IN (SELECT name FROM priv_pu WHERE id > 0);
SELECT cached, stored FROM cachebot.explain($$SELECT /* cache */ count(*) FROM priv_pp p WHERE p.id = 7 AND p.owner IN (SELECT name FROM priv_pu WHERE id > 0)$$);
RESET ROLE;
DROP TABLE priv_pp, priv_pu;
DROP ROLE cachebot_regress_viewer;

DROP TABLE priv_u;
DROP TABLE priv_rls;
DROP TABLE priv_t;
DROP ROLE cachebot_regress_a;
DROP ROLE cachebot_regress_b;
DROP ROLE cachebot_regress_c;
DROP ROLE cachebot_regress_owner;
DROP FUNCTION stats_delta();
DROP TABLE stats_seen;
