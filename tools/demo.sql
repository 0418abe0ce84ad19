-- The seed's photo/user example, step by step (run by: bash tools/run.sh demo;
-- its output is checked by the test command, as the regression test "demo").
-- Every statement the cache is asked for says what happened, in a NOTICE.
\set ECHO queries
\pset footer off
CREATE EXTENSION IF NOT EXISTS cachebot;

CREATE TABLE app_user (id int PRIMARY KEY, username text UNIQUE NOT NULL);
CREATE TABLE photo (id serial PRIMARY KEY, user_id int NOT NULL REFERENCES app_user,
                    status int NOT NULL, title text);
INSERT INTO app_user VALUES (1, 'david'), (2, 'anna');
INSERT INTO photo (user_id, status, title)
SELECT 1 + i % 2, i % 3, 'photo ' || i FROM generate_series(1, 12) i;

-- Tables opt in: their writes now invalidate what was cached from them.
SELECT cachebot.track('app_user');
SELECT cachebot.track('photo');
SELECT cachebot.reset_stats();
SET cachebot.log_decisions = on;

-- Statements opt in with a hint. The first run is a miss and fills the cache...
SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id;
-- ...the second is served from it.
SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id;

-- A write to a tracked table invalidates at COMMIT: the next read is fresh.
UPDATE photo SET title = 'renamed' WHERE id = 2;
SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id;

-- A rolled back write invalidates nothing.
BEGIN;
UPDATE photo SET title = 'never committed' WHERE id = 2;
ROLLBACK;
SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id;

-- Precise invalidation: photo is keyed by id and user_id (primary and foreign key).
SELECT /* cache */ count(*) FROM photo WHERE user_id = 1;
UPDATE photo SET title = 'other user' WHERE user_id = 2;   -- does not touch user 1's result
SELECT /* cache */ count(*) FROM photo WHERE user_id = 1;   -- still a hit
UPDATE photo SET user_id = 1 WHERE id = 3;                  -- moves a photo to user 1
SELECT /* cache */ count(*) FROM photo WHERE user_id = 1;   -- a miss, with the new count

-- A TTL per statement: this entry lives a minute, whatever cachebot.ttl says.
SELECT /* cache(user_id; ttl = 1min) */ title FROM photo WHERE user_id = 2 ORDER BY id;
SELECT /* cache(user_id; ttl = 1min) */ title FROM photo WHERE user_id = 2 ORDER BY id;

-- What cannot be cached says why.
SELECT /* cache */ count(*) FROM photo WHERE title > now()::text;
SELECT /* cached */ count(*) FROM photo;                    -- a misspelt hint
SELECT /* cache(status) */ id FROM photo WHERE user_id = 1 AND status = 2 ORDER BY id;

-- What cachebot makes of a statement, without running it.
SELECT cacheable, reason, dependencies, cached FROM cachebot.explain(
  $$SELECT /* cache */ count(*) FROM photo WHERE user_id = 1$$);
RESET cachebot.log_decisions;

-- Which statements the cache served, and what it saved them.
SELECT query, hits, misses, invalidated, fills
  FROM cachebot.statements WHERE database = current_database() ORDER BY query COLLATE "C";
SELECT "table", hits, misses, invalidations FROM cachebot.tables ORDER BY 1;
SELECT hits, misses, fills, skips, skips_by_reason, invalidations
  FROM cachebot.stats;
