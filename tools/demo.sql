-- The seed's photo/user example, step by step (run by: bash tools/run.sh demo).
\set ECHO queries
\pset footer off
CREATE EXTENSION cachebot;

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

-- Statements opt in with a hint. The first run is a miss and fills the cache...
SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id;
-- ...the second is served from it.
SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id;
SELECT hits, misses, fills FROM cachebot.stats;

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
SELECT hits, misses, fills FROM cachebot.stats;

-- What cachebot makes of a statement, without running it.
SELECT cacheable, reason, dependencies, cached FROM cachebot.explain(
  $$SELECT /* cache */ count(*) FROM photo WHERE user_id = 1$$);
SELECT cacheable, reason, dependencies FROM cachebot.explain(
  $$SELECT /* cache */ * FROM photo WHERE id > 100$$);
SELECT cacheable, reason FROM cachebot.explain(
  $$SELECT /* cache */ * FROM photo WHERE title > now()::text$$);

SELECT backend, hits, misses, fills, skips, skips_by_reason, invalidations, entries, bytes
  FROM cachebot.stats;
