-- keys_derived_edges: keys through joins against what could break them: a
-- re-track that unkeys the column, DDL, another role, a temporary table, a
-- nested statement keyed through a join, a cursor rolled back with its
-- savepoint, a fill failing half-way, COPY.
\i test/sql/include/keys_setup.sql
CREATE INDEX photo_user_idx ON photo (user_id);
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SET enable_seqscan = off;
\set q 'SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id WHERE u.username = ''david'' AND p.status = 2 ORDER BY p.id'
:q;
:q;
SELECT last_read();
SELECT cached, stored FROM cachebot.explain(:'q');
SELECT cachebot.reset_stats();

-- track() again without user_id among the keyed columns: the entry goes, and
-- the scan falls back to the keys it has (photo.status = 2)
SELECT cachebot.track('photo', columns => '{id,status}');
:q;
SELECT last_read();
SELECT dependencies, stored FROM cachebot.explain(:'q');
SELECT cachebot.reset_stats();
UPDATE photo SET title = 'p6 unkeyed' WHERE id = 6;	-- status 2, another user
:q;
SELECT last_read();
SELECT cachebot.track('photo', columns => '{id,user_id,status}');
:q;
SELECT last_read();

-- DDL: the index the plan probed by goes: every entry of the database goes
DROP INDEX photo_user_idx;
:q;
SELECT last_read();
CREATE INDEX photo_user_idx ON photo (user_id);
:q;
SELECT last_read();

-- another role: its own entry (entries are per role), no view of this one's values
CREATE ROLE cachebot_regress_other;
GRANT SELECT ON photo, app_user TO cachebot_regress_other;
SET ROLE cachebot_regress_other;
SELECT cached, stored FROM cachebot.explain(:'q');
:q;
SELECT cached, stored FROM cachebot.explain(:'q');
RESET ROLE;
SELECT last_read();
REVOKE SELECT ON app_user FROM cachebot_regress_other;
SET ROLE cachebot_regress_other;
:q;
RESET ROLE;
SELECT cachebot.reset_stats();

-- a temporary table on the other side: session-private, never cached
CREATE TEMP TABLE tmp_users AS SELECT id FROM app_user WHERE username = 'david';
SELECT cacheable, reason FROM cachebot.explain($$SELECT /* cache */ p.id FROM tmp_users t JOIN photo p ON p.user_id = t.id$$);

-- a nested statement keyed through a join, run while the outer fill runs: it
-- is not cached (nested), and the outer entry keeps its own keys
CREATE FUNCTION david_photo_count(int) RETURNS bigint LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN (SELECT /* cache */ count(*) FROM photo p JOIN app_user u ON u.id = p.user_id
           WHERE u.username = 'david' AND p.status = $1);
END $$;
\set qn 'SELECT /* cache */ u.id, david_photo_count(p.status) AS n FROM app_user u JOIN photo p ON p.user_id = u.id WHERE u.username = ''user3'' AND p.status = 2 ORDER BY u.id'
:qn;
SELECT hits, misses, fills, skips, skips_by_reason FROM cachebot.stats;
SELECT cachebot.reset_stats();
:qn;
SELECT last_read();
SELECT cached, stored FROM cachebot.explain(:'qn');
SELECT cachebot.reset_stats();

-- a cursor filling through a join, rolled back with its savepoint: nothing
-- stored (the cursor's miss and the next statement's), and the next fill and
-- hit work
BEGIN;
SAVEPOINT s;
DECLARE c CURSOR FOR SELECT /* cache */ p.id FROM photo p JOIN app_user u ON u.id = p.user_id WHERE u.username = 'user2' ORDER BY p.id;
FETCH 2 FROM c;
ROLLBACK TO SAVEPOINT s;
COMMIT;
SELECT /* cache */ p.id FROM photo p JOIN app_user u ON u.id = p.user_id WHERE u.username = 'user2' ORDER BY p.id;
SELECT last_read();
SELECT /* cache */ p.id FROM photo p JOIN app_user u ON u.id = p.user_id WHERE u.username = 'user2' ORDER BY p.id;
SELECT last_read();

-- a fill failing half-way (division by zero on one of the rows): nothing
-- stored; the same statement after the row is fixed fills and hits
UPDATE photo SET status = 9 WHERE id = 12;	-- one of user 3's
\set qf 'SELECT /* cache */ p.id, 10 / (9 - p.status) AS ten FROM photo p JOIN app_user u ON u.id = p.user_id WHERE u.username = ''user3'' ORDER BY p.id'
:qf;
SELECT last_read();
UPDATE photo SET status = 1 WHERE id = 12;
:qf;
SELECT last_read();
:qf;
SELECT last_read();

-- COPY of such a query runs it uncached
COPY (SELECT /* cache */ p.id FROM photo p JOIN app_user u ON u.id = p.user_id WHERE u.username = 'user2' ORDER BY p.id) TO STDOUT;
SELECT hits, misses, fills, skips, skips_by_reason FROM cachebot.stats;

DROP FUNCTION david_photo_count(int);
DROP TABLE tmp_users;
REVOKE ALL ON photo, app_user FROM cachebot_regress_other;
DROP ROLE cachebot_regress_other;
RESET enable_hashjoin;
RESET enable_mergejoin;
RESET enable_seqscan;
\i test/sql/include/keys_cleanup.sql
