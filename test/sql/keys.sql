-- Precise invalidation (issue 3): keyed columns, row-level dependency keys, hint columns.
CREATE TABLE app_user (id int PRIMARY KEY, username varchar(40) UNIQUE, note text);
CREATE TABLE photo (id int PRIMARY KEY, user_id int REFERENCES app_user, status int,
                    title text, created timestamptz DEFAULT '2020-01-01');
CREATE TABLE user_friend (user_id int REFERENCES app_user, friend_id int REFERENCES app_user,
                          PRIMARY KEY (user_id, friend_id));
SELECT cachebot.track('app_user');
SELECT cachebot.track('photo', columns => '{id,user_id,status}');
SELECT cachebot.track('user_friend');
SELECT * FROM cachebot.tracked_tables
 WHERE "table" IN ('app_user'::regclass, 'photo'::regclass, 'user_friend'::regclass)
 ORDER BY "table"::text;
-- users 1..11 (5 is david, 11 has no photo); photos 1..40: user_id = 1 + id % 10, status = id % 4
INSERT INTO app_user SELECT g, CASE g WHEN 5 THEN 'david' ELSE 'user' || g END FROM generate_series(1, 11) g;
INSERT INTO photo (id, user_id, status, title)
  SELECT g, 1 + g % 10, g % 4, 'p' || g FROM generate_series(1, 40) g;
INSERT INTO user_friend VALUES (1, 2), (1, 3), (2, 1);
-- statistics decide the column when a scan fixes several (user_id: 10 distinct, status: 4)
ANALYZE app_user, photo, user_friend;
SELECT cachebot.flush();
SELECT cachebot.reset_stats();
-- what the last statement did to the cache: hit, miss (and filled), or the counters; resets them
CREATE FUNCTION last_read() RETURNS text LANGUAGE plpgsql AS $$
DECLARE s record;
BEGIN
  SELECT * INTO s FROM cachebot.stats;
  PERFORM cachebot.reset_stats();
  RETURN CASE WHEN s.hits = 1 AND s.misses = 0 AND s.skips = 0 THEN 'hit'
              WHEN s.hits = 0 AND s.misses = 1 AND s.fills = 1 AND s.skips = 0 THEN 'miss'
              ELSE format('hits=%s misses=%s fills=%s skips=%s', s.hits, s.misses, s.fills,
                          coalesce(s.skips_by_reason::text, '{}')) END;
END $$;
CREATE FUNCTION deps(q text) RETURNS TABLE (cacheable bool, reason text, dependencies text[])
LANGUAGE sql AS $$ SELECT cacheable, reason, dependencies FROM cachebot.explain(q) $$;

------------------------------------------------------------------------------------------
-- 1. SPEC section 5, row by row
------------------------------------------------------------------------------------------
-- 1a. user_id=5 AND status=2: keyed by user_id (more distinct values than status)
SELECT * FROM deps($$SELECT /* cache */ id, title FROM photo WHERE user_id = 5 AND status = 2 ORDER BY id$$);
SELECT /* cache */ id, title FROM photo WHERE user_id = 5 AND status = 2 ORDER BY id;
SELECT last_read();
SELECT /* cache */ id, title FROM photo WHERE user_id = 5 AND status = 2 ORDER BY id;
SELECT last_read();
-- a photo of another user with status 2 (id 2: user 3), and a photo of user 6: no invalidation
UPDATE photo SET title = 'p2 changed' WHERE id = 2;
UPDATE photo SET title = 'p15 changed' WHERE id = 15;
INSERT INTO photo (id, user_id, status, title) VALUES (41, 6, 2, 'p41');
DELETE FROM photo WHERE id = 41;
SELECT /* cache */ id, title FROM photo WHERE user_id = 5 AND status = 2 ORDER BY id;
SELECT last_read();
-- a returned row changes: miss, and the new title
UPDATE photo SET title = 'p14 changed' WHERE id = 14;
SELECT /* cache */ id, title FROM photo WHERE user_id = 5 AND status = 2 ORDER BY id;
SELECT last_read();
-- any photo of user 5 invalidates it (keyed by user_id), even one with status 0
UPDATE photo SET title = 'p4 changed' WHERE id = 4;
SELECT /* cache */ id, title FROM photo WHERE user_id = 5 AND status = 2 ORDER BY id;
SELECT last_read();
SELECT /* cache */ id, title FROM photo WHERE user_id = 5 AND status = 2 ORDER BY id;
SELECT last_read();
-- DDL on photo (its generation) and flush (the epoch) invalidate it: a rewrite fires no row trigger
ALTER TABLE photo ALTER COLUMN title TYPE text USING title || '!';
SELECT /* cache */ id, title FROM photo WHERE user_id = 5 AND status = 2 ORDER BY id;
SELECT last_read();
ALTER TABLE photo ALTER COLUMN title TYPE text USING rtrim(title, '!');
ANALYZE photo;
SELECT /* cache */ id, title FROM photo WHERE user_id = 5 AND status = 2 ORDER BY id;
SELECT last_read();
SELECT cachebot.flush();
SELECT /* cache */ id, title FROM photo WHERE user_id = 5 AND status = 2 ORDER BY id;
SELECT last_read();

-- 1b. cache(status): keyed by status 2 only
SELECT * FROM deps($$SELECT /* cache(status) */ id, title FROM photo WHERE user_id = 5 AND status = 2 ORDER BY id$$);
SELECT /* cache(status) */ id, title FROM photo WHERE user_id = 5 AND status = 2 ORDER BY id;
SELECT last_read();
-- a photo of user 5 with status 0: no invalidation
UPDATE photo SET title = 'p24 changed' WHERE id = 24;
SELECT /* cache(status) */ id, title FROM photo WHERE user_id = 5 AND status = 2 ORDER BY id;
SELECT last_read();
-- a photo of user 3 with status 2: invalidates (same rows, recomputed)
UPDATE photo SET title = 'p2 again' WHERE id = 2;
SELECT /* cache(status) */ id, title FROM photo WHERE user_id = 5 AND status = 2 ORDER BY id;
SELECT last_read();
-- a photo of user 5 moving into status 2 (the new value): invalidates, and shows up
UPDATE photo SET status = 2 WHERE id = 24;
SELECT /* cache(status) */ id, title FROM photo WHERE user_id = 5 AND status = 2 ORDER BY id;
SELECT last_read();
-- and out of it (the old value)
UPDATE photo SET status = 0 WHERE id = 24;
SELECT /* cache(status) */ id, title FROM photo WHERE user_id = 5 AND status = 2 ORDER BY id;
SELECT last_read();

-- 1c. count(*) of user 5
SELECT * FROM deps($$SELECT /* cache */ count(*) FROM photo WHERE user_id = 5$$);
SELECT /* cache */ count(*) FROM photo WHERE user_id = 5;
SELECT last_read();
INSERT INTO photo (id, user_id, status, title) VALUES (41, 6, 1, 'p41');
SELECT /* cache */ count(*) FROM photo WHERE user_id = 5;
SELECT last_read();
INSERT INTO photo (id, user_id, status, title) VALUES (42, 5, 1, 'p42');
SELECT /* cache */ count(*) FROM photo WHERE user_id = 5;
SELECT last_read();
DELETE FROM photo WHERE id = 42;
SELECT /* cache */ count(*) FROM photo WHERE user_id = 5;
SELECT last_read();
DELETE FROM photo WHERE id = 41;
SELECT /* cache */ count(*) FROM photo WHERE user_id = 5;
SELECT last_read();

-- 1d. the join on username: keyed by app_user.username 'david' and photo.status 2
SELECT * FROM deps($$SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id$$);
SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id;
SELECT last_read();
-- another user's row, and david's photo with status 0: no invalidation
UPDATE app_user SET note = 'x' WHERE id = 7;
UPDATE photo SET title = 'p4 again' WHERE id = 4;
SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id;
SELECT last_read();
-- david's row: invalidates
UPDATE app_user SET note = 'david note' WHERE id = 5;
SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id;
SELECT last_read();
-- a photo with status 2 of any user: invalidates
UPDATE photo SET title = 'p6 changed' WHERE id = 6;
SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id;
SELECT last_read();
-- the name moves to user 7 (old value on user 5, new value on user 7): user 7's photos 6, 26
BEGIN;
UPDATE app_user SET username = 'dave' WHERE id = 5;
UPDATE app_user SET username = 'david' WHERE id = 7;
COMMIT;
SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id;
SELECT last_read();
BEGIN;
UPDATE app_user SET username = 'user7' WHERE id = 7;
UPDATE app_user SET username = 'david' WHERE id = 5;
COMMIT;
SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id;
SELECT last_read();

-- 1e. IN list: one key per value
SELECT * FROM deps($$SELECT /* cache */ id, user_id FROM photo WHERE user_id IN (1, 2, 3) ORDER BY id$$);
SELECT /* cache */ id, user_id FROM photo WHERE user_id IN (1, 2, 3) ORDER BY id;
SELECT last_read();
-- a photo of user 4: no invalidation
UPDATE photo SET title = 'p3 changed' WHERE id = 3;
SELECT /* cache */ id, user_id FROM photo WHERE user_id IN (1, 2, 3) ORDER BY id;
SELECT last_read();
-- a photo of user 2: invalidates
UPDATE photo SET title = 'p1 changed' WHERE id = 1;
SELECT /* cache */ id, user_id FROM photo WHERE user_id IN (1, 2, 3) ORDER BY id;
SELECT last_read();
-- a photo moving from user 4 to user 3 (the new value): invalidates, and shows up
UPDATE photo SET user_id = 3 WHERE id = 3;
SELECT /* cache */ id, user_id FROM photo WHERE user_id IN (1, 2, 3) ORDER BY id;
SELECT last_read();
UPDATE photo SET user_id = 4 WHERE id = 3;
SELECT /* cache */ id, user_id FROM photo WHERE user_id IN (1, 2, 3) ORDER BY id;
SELECT last_read();

-- up to 64 values one key each; above, (photo, *)
SELECT cardinality(dependencies), dependencies[4], dependencies[67]
  FROM deps(format('SELECT /* cache */ id FROM photo WHERE user_id = ANY (%L::int[])',
                   ARRAY(SELECT generate_series(1, 64))));
SELECT dependencies
  FROM deps(format('SELECT /* cache */ id FROM photo WHERE user_id = ANY (%L::int[])',
                   ARRAY(SELECT generate_series(1, 65))));

-- 1f. a range: (photo, *)
SELECT * FROM deps($$SELECT /* cache */ id, title FROM photo WHERE id > 36 ORDER BY id$$);
SELECT /* cache */ id, title FROM photo WHERE id > 36 ORDER BY id;
SELECT last_read();
-- other tables: no invalidation
UPDATE app_user SET note = 'y' WHERE id = 7;
INSERT INTO user_friend VALUES (3, 4);
DELETE FROM user_friend WHERE user_id = 3;
SELECT /* cache */ id, title FROM photo WHERE id > 36 ORDER BY id;
SELECT last_read();
-- any photo: invalidates, even one outside the range
UPDATE photo SET title = 'p1 again' WHERE id = 1;
SELECT /* cache */ id, title FROM photo WHERE id > 36 ORDER BY id;
SELECT last_read();
UPDATE photo SET title = 'p40 changed' WHERE id = 40;
SELECT /* cache */ id, title FROM photo WHERE id > 36 ORDER BY id;
SELECT last_read();

-- 1g. now() is not immutable: never cached
SELECT * FROM deps($$SELECT /* cache */ count(*) FROM photo WHERE created > now() - interval '1 day'$$);
SELECT /* cache */ count(*) FROM photo WHERE created > now() - interval '1 day';
SELECT last_read();
SELECT /* cache */ count(*) FROM photo WHERE created > now() - interval '1 day';
SELECT last_read();

-- 1h. a many-to-many through table: INSERT and DELETE of its rows invalidate
SELECT * FROM deps($$SELECT /* cache */ u.id, u.username FROM user_friend f JOIN app_user u ON u.id = f.friend_id
 WHERE f.user_id = 1 ORDER BY u.id$$);
SELECT /* cache */ u.id, u.username FROM user_friend f JOIN app_user u ON u.id = f.friend_id
 WHERE f.user_id = 1 ORDER BY u.id;
SELECT last_read();
-- another user's friendships: no invalidation
INSERT INTO user_friend VALUES (2, 4);
DELETE FROM user_friend WHERE user_id = 2 AND friend_id = 4;
SELECT /* cache */ u.id, u.username FROM user_friend f JOIN app_user u ON u.id = f.friend_id
 WHERE f.user_id = 1 ORDER BY u.id;
SELECT last_read();
INSERT INTO user_friend VALUES (1, 4);
SELECT /* cache */ u.id, u.username FROM user_friend f JOIN app_user u ON u.id = f.friend_id
 WHERE f.user_id = 1 ORDER BY u.id;
SELECT last_read();
DELETE FROM user_friend WHERE user_id = 1 AND friend_id = 2;
SELECT /* cache */ u.id, u.username FROM user_friend f JOIN app_user u ON u.id = f.friend_id
 WHERE f.user_id = 1 ORDER BY u.id;
SELECT last_read();
INSERT INTO user_friend VALUES (1, 2);
DELETE FROM user_friend WHERE user_id = 1 AND friend_id = 4;
SELECT /* cache */ u.id, u.username FROM user_friend f JOIN app_user u ON u.id = f.friend_id
 WHERE f.user_id = 1 ORDER BY u.id;
SELECT last_read();

------------------------------------------------------------------------------------------
-- 2. The seed's cases
------------------------------------------------------------------------------------------
-- 2a. a row moving into the filter and out of it: photo 6 from user 7 to user 5 and back;
-- both users' entries are invalidated each time (old and new values), user 8's is not
SELECT /* cache */ id FROM photo WHERE user_id = 5 ORDER BY id;
SELECT /* cache */ id FROM photo WHERE user_id = 7 ORDER BY id;
SELECT /* cache */ id FROM photo WHERE user_id = 8 ORDER BY id;
SELECT last_read();
UPDATE photo SET user_id = 5 WHERE id = 6;
SELECT /* cache */ id FROM photo WHERE user_id = 5 ORDER BY id;
SELECT last_read();
SELECT /* cache */ id FROM photo WHERE user_id = 7 ORDER BY id;
SELECT last_read();
SELECT /* cache */ id FROM photo WHERE user_id = 8 ORDER BY id;
SELECT last_read();
UPDATE photo SET user_id = 7 WHERE id = 6;
SELECT /* cache */ id FROM photo WHERE user_id = 5 ORDER BY id;
SELECT last_read();
SELECT /* cache */ id FROM photo WHERE user_id = 7 ORDER BY id;
SELECT last_read();
SELECT /* cache */ id FROM photo WHERE user_id = 8 ORDER BY id;
SELECT last_read();

-- 2b. a bulk UPDATE moving all of user 2's photos to user 3: both invalidated, user 4 not
SELECT /* cache */ id FROM photo WHERE user_id = 2 ORDER BY id;
SELECT /* cache */ id FROM photo WHERE user_id = 3 ORDER BY id;
SELECT /* cache */ id FROM photo WHERE user_id = 4 ORDER BY id;
SELECT last_read();
UPDATE photo SET user_id = 3 WHERE user_id = 2;
SELECT /* cache */ id FROM photo WHERE user_id = 2 ORDER BY id;
SELECT last_read();
SELECT /* cache */ id FROM photo WHERE user_id = 3 ORDER BY id;
SELECT last_read();
SELECT /* cache */ id FROM photo WHERE user_id = 4 ORDER BY id;
SELECT last_read();
UPDATE photo SET user_id = 2 WHERE id % 10 = 1;
SELECT /* cache */ id FROM photo WHERE user_id = 2 ORDER BY id;
SELECT last_read();
SELECT /* cache */ id FROM photo WHERE user_id = 3 ORDER BY id;
SELECT last_read();
SELECT /* cache */ id FROM photo WHERE user_id = 4 ORDER BY id;
SELECT last_read();

-- 2c. three tables: the status-2 photos of user 1's friends; app_user is in the middle
SELECT * FROM deps($$SELECT /* cache */ u.username, p.id FROM user_friend f
  JOIN app_user u ON u.id = f.friend_id JOIN photo p ON p.user_id = u.id
 WHERE f.user_id = 1 AND p.status = 2 ORDER BY p.id$$);
SELECT /* cache */ u.username, p.id FROM user_friend f
  JOIN app_user u ON u.id = f.friend_id JOIN photo p ON p.user_id = u.id
 WHERE f.user_id = 1 AND p.status = 2 ORDER BY p.id;
SELECT last_read();
-- user 2's friendships, a status-0 photo: no invalidation
INSERT INTO user_friend VALUES (2, 5);
UPDATE photo SET title = 'p4 once more' WHERE id = 4;
SELECT /* cache */ u.username, p.id FROM user_friend f
  JOIN app_user u ON u.id = f.friend_id JOIN photo p ON p.user_id = u.id
 WHERE f.user_id = 1 AND p.status = 2 ORDER BY p.id;
SELECT last_read();
-- the middle table: a friend renamed
UPDATE app_user SET username = 'user3 renamed' WHERE id = 3;
SELECT /* cache */ u.username, p.id FROM user_friend f
  JOIN app_user u ON u.id = f.friend_id JOIN photo p ON p.user_id = u.id
 WHERE f.user_id = 1 AND p.status = 2 ORDER BY p.id;
SELECT last_read();
UPDATE app_user SET username = 'user3' WHERE id = 3;
SELECT /* cache */ u.username, p.id FROM user_friend f
  JOIN app_user u ON u.id = f.friend_id JOIN photo p ON p.user_id = u.id
 WHERE f.user_id = 1 AND p.status = 2 ORDER BY p.id;
SELECT last_read();
-- a new friend of user 1 (user 5, whose status-2 photos are 14 and 34)
INSERT INTO user_friend VALUES (1, 5);
SELECT /* cache */ u.username, p.id FROM user_friend f
  JOIN app_user u ON u.id = f.friend_id JOIN photo p ON p.user_id = u.id
 WHERE f.user_id = 1 AND p.status = 2 ORDER BY p.id;
SELECT last_read();
DELETE FROM user_friend WHERE friend_id = 5;
SELECT /* cache */ u.username, p.id FROM user_friend f
  JOIN app_user u ON u.id = f.friend_id JOIN photo p ON p.user_id = u.id
 WHERE f.user_id = 1 AND p.status = 2 ORDER BY p.id;
SELECT last_read();

-- 2d. an aggregate over two users
SELECT * FROM deps($$SELECT /* cache */ user_id, count(*), max(id) FROM photo WHERE user_id IN (5, 6)
 GROUP BY user_id ORDER BY user_id$$);
SELECT /* cache */ user_id, count(*), max(id) FROM photo WHERE user_id IN (5, 6)
 GROUP BY user_id ORDER BY user_id;
SELECT last_read();
INSERT INTO photo (id, user_id, status, title) VALUES (43, 9, 0, 'p43');
SELECT /* cache */ user_id, count(*), max(id) FROM photo WHERE user_id IN (5, 6)
 GROUP BY user_id ORDER BY user_id;
SELECT last_read();
UPDATE photo SET user_id = 6 WHERE id = 43;
SELECT /* cache */ user_id, count(*), max(id) FROM photo WHERE user_id IN (5, 6)
 GROUP BY user_id ORDER BY user_id;
SELECT last_read();
DELETE FROM photo WHERE id = 43;
SELECT /* cache */ user_id, count(*), max(id) FROM photo WHERE user_id IN (5, 6)
 GROUP BY user_id ORDER BY user_id;
SELECT last_read();

-- 2e. UNION: each branch keeps its own key
SELECT * FROM deps($$SELECT /* cache */ id FROM photo WHERE user_id = 5
 UNION SELECT id FROM photo WHERE status = 3 AND id > 30 ORDER BY id$$);
SELECT /* cache */ id FROM photo WHERE user_id = 5
 UNION SELECT id FROM photo WHERE status = 3 AND id > 30 ORDER BY id;
SELECT last_read();
-- user 6's photo with status 0 (id 25): no invalidation
UPDATE photo SET title = 'p25 changed' WHERE id = 25;
SELECT /* cache */ id FROM photo WHERE user_id = 5
 UNION SELECT id FROM photo WHERE status = 3 AND id > 30 ORDER BY id;
SELECT last_read();
-- a status-3 photo (id 3), even outside id > 30: invalidates
UPDATE photo SET title = 'p3 again' WHERE id = 3;
SELECT /* cache */ id FROM photo WHERE user_id = 5
 UNION SELECT id FROM photo WHERE status = 3 AND id > 30 ORDER BY id;
SELECT last_read();
-- photo 36 (user 7) moves into status 3: invalidates, and shows up
UPDATE photo SET status = 3 WHERE id = 36;
SELECT /* cache */ id FROM photo WHERE user_id = 5
 UNION SELECT id FROM photo WHERE status = 3 AND id > 30 ORDER BY id;
SELECT last_read();
UPDATE photo SET status = 0 WHERE id = 36;
SELECT /* cache */ id FROM photo WHERE user_id = 5
 UNION SELECT id FROM photo WHERE status = 3 AND id > 30 ORDER BY id;
SELECT last_read();

-- 2f. NOT EXISTS: the subquery's scan has no constant qual, so it depends on (photo, *)
SELECT * FROM deps($$SELECT /* cache */ id FROM app_user u
 WHERE NOT EXISTS (SELECT 1 FROM photo p WHERE p.user_id = u.id) ORDER BY id$$);
SELECT /* cache */ id FROM app_user u
 WHERE NOT EXISTS (SELECT 1 FROM photo p WHERE p.user_id = u.id) ORDER BY id;
SELECT last_read();
INSERT INTO user_friend VALUES (4, 5);
SELECT /* cache */ id FROM app_user u
 WHERE NOT EXISTS (SELECT 1 FROM photo p WHERE p.user_id = u.id) ORDER BY id;
SELECT last_read();
-- user 11's first photo
INSERT INTO photo (id, user_id, status, title) VALUES (44, 11, 0, 'p44');
SELECT /* cache */ id FROM app_user u
 WHERE NOT EXISTS (SELECT 1 FROM photo p WHERE p.user_id = u.id) ORDER BY id;
SELECT last_read();
DELETE FROM photo WHERE id = 44;
SELECT /* cache */ id FROM app_user u
 WHERE NOT EXISTS (SELECT 1 FROM photo p WHERE p.user_id = u.id) ORDER BY id;
SELECT last_read();
-- with the outer row fixed
SELECT * FROM deps($$SELECT /* cache */ id FROM app_user u
 WHERE u.id = 11 AND NOT EXISTS (SELECT 1 FROM photo p WHERE p.user_id = u.id)$$);

-- 2g. prepared statements: one entry per parameter value, each invalidated by its own value
PREPARE by_user(int) AS SELECT /* cache */ id, title FROM photo WHERE user_id = $1 ORDER BY id;
EXECUTE by_user(1);
SELECT last_read();
EXECUTE by_user(2);
SELECT last_read();
EXECUTE by_user(1);
SELECT last_read();
EXECUTE by_user(2);
SELECT last_read();
UPDATE photo SET title = 'p10 changed' WHERE id = 10;
EXECUTE by_user(2);
SELECT last_read();
EXECUTE by_user(1);
SELECT last_read();
EXECUTE by_user(1);
SELECT last_read();
-- generic plans: the key is the bound value of $1
SET plan_cache_mode = force_generic_plan;
PREPARE by_user_g(int) AS SELECT /* cache */ id, title FROM photo WHERE user_id = $1 ORDER BY id;
EXECUTE by_user_g(1);
SELECT last_read();
EXECUTE by_user_g(2);
SELECT last_read();
EXECUTE by_user_g(1);
SELECT last_read();
EXECUTE by_user_g(2);
SELECT last_read();
UPDATE photo SET title = 'p11 changed' WHERE id = 11;
EXECUTE by_user_g(1);
SELECT last_read();
EXECUTE by_user_g(2);
SELECT last_read();
EXECUTE by_user_g(2);
SELECT last_read();
-- = ANY($1) with an array parameter
PREPARE by_users_g(int[]) AS SELECT /* cache */ id FROM photo WHERE user_id = ANY ($1) ORDER BY id;
EXECUTE by_users_g('{1,2}');
SELECT last_read();
UPDATE photo SET title = 'p3 third' WHERE id = 3;
EXECUTE by_users_g('{1,2}');
SELECT last_read();
UPDATE photo SET user_id = 2 WHERE id = 3;
EXECUTE by_users_g('{1,2}');
SELECT last_read();
UPDATE photo SET user_id = 4 WHERE id = 3;
EXECUTE by_users_g('{1,2}');
SELECT last_read();
RESET plan_cache_mode;
DEALLOCATE by_user;
DEALLOCATE by_user_g;
DEALLOCATE by_users_g;

------------------------------------------------------------------------------------------
-- 3. Hint columns
------------------------------------------------------------------------------------------
SELECT * FROM deps($$SELECT /* cache(user_id) */ id FROM photo WHERE id = 14 AND user_id = 5 AND status = 2$$);
SELECT * FROM deps($$SELECT /* cache(user_id) */ p.id FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.id = 5 AND p.status = 2$$);
SELECT * FROM deps($$SELECT /* cache(p.status) */ p.id FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.id = 5 AND p.status = 2$$);
SELECT * FROM deps($$SELECT /* cache(photo.user_id) */ id FROM photo WHERE user_id = 5 AND status = 2$$);
SELECT * FROM deps($$SELECT /* cache(u.username, status) */ p.id FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND u.id = 5 AND p.status = 2 AND p.user_id = 5$$);
-- a listed column without an equality in the scan: (T, *)
SELECT * FROM deps($$SELECT /* cache(title) */ id FROM photo WHERE user_id = 5 AND title = 'p34'$$);
-- cache(p.status): a status-2 photo of another user invalidates, user 5's status-0 photo does not
SELECT /* cache(p.status) */ p.id FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.id = 5 AND p.status = 2 ORDER BY p.id;
SELECT last_read();
UPDATE photo SET title = 'p4 fourth' WHERE id = 4;
SELECT /* cache(p.status) */ p.id FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.id = 5 AND p.status = 2 ORDER BY p.id;
SELECT last_read();
UPDATE photo SET title = 'p2 third' WHERE id = 2;
SELECT /* cache(p.status) */ p.id FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.id = 5 AND p.status = 2 ORDER BY p.id;
SELECT last_read();
-- cache(user_id) on the same join: the other way round
SELECT /* cache(user_id) */ p.id FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.id = 5 AND p.status = 2 ORDER BY p.id;
SELECT last_read();
UPDATE photo SET title = 'p2 fourth' WHERE id = 2;
SELECT /* cache(user_id) */ p.id FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.id = 5 AND p.status = 2 ORDER BY p.id;
SELECT last_read();
UPDATE photo SET title = 'p4 fifth' WHERE id = 4;
SELECT /* cache(user_id) */ p.id FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.id = 5 AND p.status = 2 ORDER BY p.id;
SELECT last_read();
-- cache(photo.user_id)
SELECT /* cache(photo.user_id) */ id FROM photo WHERE user_id = 5 AND status = 2 ORDER BY id;
SELECT last_read();
UPDATE photo SET title = 'p2 fifth' WHERE id = 2;
SELECT /* cache(photo.user_id) */ id FROM photo WHERE user_id = 5 AND status = 2 ORDER BY id;
SELECT last_read();
-- an unknown column: WARNING, runs uncached
SELECT /* cache(nope) */ id FROM photo WHERE user_id = 5 AND status = 2 ORDER BY id;
SELECT last_read();
SELECT /* cache(x.user_id) */ id FROM photo WHERE user_id = 5 AND status = 2 ORDER BY id;
SELECT last_read();
-- an ambiguous column: both tables have id
SELECT /* cache(id) */ p.id FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.id = 5 AND p.status = 2 ORDER BY p.id;
SELECT last_read();
SELECT cacheable, reason FROM cachebot.explain($$SELECT /* cache(id) */ p.id FROM photo p
  JOIN app_user u ON u.id = p.user_id WHERE u.id = 5$$);
-- qualified, it is fine
SELECT * FROM deps($$SELECT /* cache(u.id) */ p.id FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.id = 5 AND p.status = 2$$);
SET cachebot.strict = on;
SELECT /* cache(nope) */ id FROM photo WHERE user_id = 5;
SELECT /* cache(id) */ p.id FROM photo p JOIN app_user u ON u.id = p.user_id WHERE u.id = 5;
RESET cachebot.strict;
SELECT last_read();

------------------------------------------------------------------------------------------
-- 4. Outer join: u.id = 1 reaches the photo scan as p.user_id = 1 (ON clause of the
-- nullable side); only user 1's status-2 photos and user 1's row change the result
------------------------------------------------------------------------------------------
SELECT * FROM deps($$SELECT /* cache */ u.id, p.id AS photo FROM app_user u
  LEFT JOIN photo p ON p.user_id = u.id AND p.status = 2 WHERE u.id = 1 ORDER BY p.id$$);
SELECT /* cache */ u.id, p.id AS photo FROM app_user u
  LEFT JOIN photo p ON p.user_id = u.id AND p.status = 2 WHERE u.id = 1 ORDER BY p.id;
SELECT last_read();
-- a status-2 photo of another user, another user: no invalidation
UPDATE photo SET title = 'p2 sixth' WHERE id = 2;
UPDATE app_user SET note = 'z' WHERE id = 2;
SELECT /* cache */ u.id, p.id AS photo FROM app_user u
  LEFT JOIN photo p ON p.user_id = u.id AND p.status = 2 WHERE u.id = 1 ORDER BY p.id;
SELECT last_read();
-- user 1's photo 10 (status 2) moves to status 1: the row leaves the result
UPDATE photo SET status = 1 WHERE id = 10;
SELECT /* cache */ u.id, p.id AS photo FROM app_user u
  LEFT JOIN photo p ON p.user_id = u.id AND p.status = 2 WHERE u.id = 1 ORDER BY p.id;
SELECT last_read();
-- user 1's last status-2 photo (30) goes: NULL-extended row
UPDATE photo SET status = 1 WHERE id = 30;
SELECT /* cache */ u.id, p.id AS photo FROM app_user u
  LEFT JOIN photo p ON p.user_id = u.id AND p.status = 2 WHERE u.id = 1 ORDER BY p.id;
SELECT last_read();
-- a status-2 photo of user 3 moves to user 1: appears
UPDATE photo SET user_id = 1 WHERE id = 2;
SELECT /* cache */ u.id, p.id AS photo FROM app_user u
  LEFT JOIN photo p ON p.user_id = u.id AND p.status = 2 WHERE u.id = 1 ORDER BY p.id;
SELECT last_read();
UPDATE photo SET user_id = 3 WHERE id = 2;
UPDATE photo SET status = 2 WHERE id IN (10, 30);
SELECT /* cache */ u.id, p.id AS photo FROM app_user u
  LEFT JOIN photo p ON p.user_id = u.id AND p.status = 2 WHERE u.id = 1 ORDER BY p.id;
SELECT last_read();
-- user 1's row: invalidates
UPDATE app_user SET note = 'one' WHERE id = 1;
SELECT /* cache */ u.id, p.id AS photo FROM app_user u
  LEFT JOIN photo p ON p.user_id = u.id AND p.status = 2 WHERE u.id = 1 ORDER BY p.id;
SELECT last_read();
-- the preserved side's qual in the ON clause filters no app_user row: (app_user, *)
SELECT * FROM deps($$SELECT /* cache */ u.id, p.id AS photo FROM app_user u
  LEFT JOIN photo p ON p.user_id = u.id AND u.id = 1 AND p.status = 2 ORDER BY u.id, p.id$$);
SELECT /* cache */ u.id, p.id AS photo FROM app_user u
  LEFT JOIN photo p ON p.user_id = u.id AND u.id = 1 AND p.status = 2 ORDER BY u.id, p.id;
SELECT last_read();
INSERT INTO app_user VALUES (12, 'user12');
SELECT /* cache */ u.id, p.id AS photo FROM app_user u
  LEFT JOIN photo p ON p.user_id = u.id AND u.id = 1 AND p.status = 2 ORDER BY u.id, p.id;
SELECT last_read();
DELETE FROM app_user WHERE id = 12;
SELECT /* cache */ u.id, p.id AS photo FROM app_user u
  LEFT JOIN photo p ON p.user_id = u.id AND u.id = 1 AND p.status = 2 ORDER BY u.id, p.id;
SELECT last_read();
-- the right join, written the other way round
SELECT * FROM deps($$SELECT /* cache */ u.id, p.id AS photo FROM photo p
  RIGHT JOIN app_user u ON p.user_id = u.id AND p.status = 2 WHERE u.id = 1 ORDER BY p.id$$);

------------------------------------------------------------------------------------------
-- 5. Overflow: past 10,000 keys a transaction's row keys collapse to the table's generation
------------------------------------------------------------------------------------------
CREATE TABLE event (id int PRIMARY KEY, user_id int, kind int);
SELECT cachebot.track('event', columns => '{user_id}');
INSERT INTO event SELECT g, g, g % 3 FROM generate_series(1, 6000) g;
INSERT INTO event VALUES (0, -1, 0);
SELECT cachebot.reset_stats();
SELECT /* cache */ id, user_id FROM event WHERE user_id = -1;
SELECT /* cache */ id, username FROM app_user WHERE id = 3;
SELECT * FROM deps($$SELECT /* cache */ id, user_id FROM event WHERE user_id = -1$$);
SELECT last_read();
-- under the bound: 200 keys, user -1 untouched, still a hit
UPDATE event SET user_id = user_id + 100000 WHERE id BETWEEN 1 AND 100;
SELECT /* cache */ id, user_id FROM event WHERE user_id = -1;
SELECT last_read();
-- over it: 6,000 rows, 12,000 keys: user -1 is untouched, yet the entry goes (the row keys
-- collapsed into event's generation); app_user's entry stays
UPDATE event SET user_id = user_id + 100000 WHERE id >= 1;
SELECT /* cache */ id, user_id FROM event WHERE user_id = -1;
SELECT last_read();
SELECT /* cache */ id, username FROM app_user WHERE id = 3;
SELECT last_read();
-- and the collapse still covers a real change past the bound, in one transaction
SELECT /* cache */ id, kind FROM event WHERE user_id = -1;
SELECT last_read();
BEGIN;
UPDATE event SET user_id = user_id - 100000 WHERE id >= 1;
UPDATE event SET kind = 9 WHERE user_id = -1;
COMMIT;
SELECT /* cache */ id, kind FROM event WHERE user_id = -1;
SELECT last_read();
SELECT /* cache */ id, username FROM app_user WHERE id = 3;
SELECT last_read();

DROP TABLE event, user_friend, photo, app_user;
DROP FUNCTION last_read(), deps(text);
