-- keys_derived: row keys a fill derives while its plan runs. A scan of a
-- tracked table that compares a keyed column with a value the plan computes
-- (a nested loop's outer row, an InitPlan's result) depends on (T, col, v)
-- for exactly the values v it was given, not on (T, *): a write to another
-- user's photo leaves the seed's join query a hit. Also: an OR of equalities
-- on one keyed column is keyed like an IN list.
\i test/sql/include/keys_setup.sql
CREATE INDEX ON photo (user_id);
-- the plans a large table gets: app_user drives a nested loop into photo by user_id
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SET enable_seqscan = off;
-- and the FROM order is the join order (the chain and IN below)
SET join_collapse_limit = 1;

-- the seed's headline query (Photo.objects.filter(user__username='david', status=2))
EXPLAIN (COSTS OFF) SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id;
SELECT cachebot.reset_stats();
SELECT * FROM deps($$SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id$$);
SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id;
SELECT last_read();
SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id;
SELECT last_read();
-- the stored entry lists the values its keys were derived from
SELECT cached, stored FROM cachebot.explain($$SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id$$);
SELECT cachebot.reset_stats();
-- another user's photo with status 2, a new photo of another user: still a hit
UPDATE photo SET title = 'p6 changed' WHERE id = 6;
INSERT INTO photo (id, user_id, status, title) VALUES (41, 7, 2, 'p41');
SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id;
SELECT last_read();
-- a write to david's photo: a fresh miss showing it
UPDATE photo SET title = 'p14 changed' WHERE id = 14;
SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id;
SELECT last_read();
-- a new photo of david
INSERT INTO photo (id, user_id, status, title) VALUES (42, 5, 2, 'p42');
SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id;
SELECT last_read();
-- a photo moved away from david (its old user_id is david's)
UPDATE photo SET user_id = 9 WHERE id = 42;
SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id;
SELECT last_read();
-- another user renamed to 'david' (and david renamed away): user 7's photos
BEGIN;
UPDATE app_user SET username = 'dave' WHERE id = 5;
UPDATE app_user SET username = 'david' WHERE id = 7;
COMMIT;
SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id;
SELECT last_read();
-- now david's (user 7's) photos are keyed, no longer user 5's
UPDATE photo SET title = 'p14 again' WHERE id = 14;
SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id;
SELECT last_read();
BEGIN;
UPDATE app_user SET username = 'user7' WHERE id = 7;
UPDATE app_user SET username = 'david' WHERE id = 5;
COMMIT;

-- user_id = (SELECT ...): the InitPlan's value
SELECT * FROM deps($$SELECT /* cache */ count(*) FROM photo WHERE user_id = (SELECT id FROM app_user WHERE username = 'david')$$);
SELECT /* cache */ count(*) FROM photo WHERE user_id = (SELECT id FROM app_user WHERE username = 'david');
SELECT last_read();
UPDATE photo SET title = 'p3 changed' WHERE id = 3;
SELECT /* cache */ count(*) FROM photo WHERE user_id = (SELECT id FROM app_user WHERE username = 'david');
SELECT last_read();
INSERT INTO photo (id, user_id, status, title) VALUES (43, 5, 0, 'p43');
SELECT /* cache */ count(*) FROM photo WHERE user_id = (SELECT id FROM app_user WHERE username = 'david');
SELECT last_read();
-- an InitPlan that finds nobody: = NULL matches no row, and a new 'nobody' is seen
SELECT /* cache */ count(*) FROM photo WHERE user_id = (SELECT id FROM app_user WHERE username = 'nobody');
SELECT last_read();
UPDATE photo SET title = 'p3 again' WHERE id = 3;
SELECT /* cache */ count(*) FROM photo WHERE user_id = (SELECT id FROM app_user WHERE username = 'nobody');
SELECT last_read();
UPDATE app_user SET username = 'nobody' WHERE id = 11;
INSERT INTO photo (id, user_id, status, title) VALUES (44, 11, 0, 'p44');
SELECT /* cache */ count(*) FROM photo WHERE user_id = (SELECT id FROM app_user WHERE username = 'nobody');
SELECT last_read();

-- user_id IN (SELECT ...): photo probed once per matching user
EXPLAIN (COSTS OFF) SELECT /* cache */ id FROM photo WHERE user_id IN (SELECT id FROM app_user WHERE username = 'david') ORDER BY id;
SELECT cachebot.reset_stats();
SELECT * FROM deps($$SELECT /* cache */ id FROM photo WHERE user_id IN (SELECT id FROM app_user WHERE username = 'david') ORDER BY id$$);
SELECT /* cache */ id FROM photo WHERE user_id IN (SELECT id FROM app_user WHERE username = 'david') ORDER BY id;
SELECT last_read();
UPDATE photo SET title = 'p2 changed' WHERE id = 2;	-- user 3
SELECT /* cache */ id FROM photo WHERE user_id IN (SELECT id FROM app_user WHERE username = 'david') ORDER BY id;
SELECT last_read();
INSERT INTO photo (id, user_id, status, title) VALUES (45, 5, 0, 'p45');
SELECT /* cache */ id FROM photo WHERE user_id IN (SELECT id FROM app_user WHERE username = 'david') ORDER BY id;
SELECT last_read();

-- a chain: user 1's friends (2, 3), then their photos
SELECT * FROM deps($$SELECT /* cache */ p.id FROM user_friend f JOIN app_user u ON u.id = f.friend_id
 JOIN photo p ON p.user_id = u.id WHERE f.user_id = 1 ORDER BY p.id$$);
SELECT /* cache */ p.id FROM user_friend f JOIN app_user u ON u.id = f.friend_id
 JOIN photo p ON p.user_id = u.id WHERE f.user_id = 1 ORDER BY p.id;
SELECT last_read();
UPDATE photo SET title = 'p8 changed' WHERE id = 8;	-- user 9: no friend of 1
UPDATE app_user SET note = 'x' WHERE id = 9;
SELECT /* cache */ p.id FROM user_friend f JOIN app_user u ON u.id = f.friend_id
 JOIN photo p ON p.user_id = u.id WHERE f.user_id = 1 ORDER BY p.id;
SELECT last_read();
INSERT INTO user_friend VALUES (1, 9);
SELECT /* cache */ p.id FROM user_friend f JOIN app_user u ON u.id = f.friend_id
 JOIN photo p ON p.user_id = u.id WHERE f.user_id = 1 ORDER BY p.id;
SELECT last_read();
DELETE FROM photo WHERE id = 8;
SELECT /* cache */ p.id FROM user_friend f JOIN app_user u ON u.id = f.friend_id
 JOIN photo p ON p.user_id = u.id WHERE f.user_id = 1 ORDER BY p.id;
SELECT last_read();
DELETE FROM user_friend WHERE user_id = 1 AND friend_id = 9;

-- the unsound direction is not taken: here photo drives the nested loop and
-- app_user is probed only for the user_id of photos that exist, so user 11
-- (no photo) is never produced; photo keeps its own keys (status = 2), which
-- catch user 11's first photo. app_user's keys come from photo's values.
CREATE INDEX ON photo (status);
UPDATE app_user SET note = 'nobody' WHERE id = 11;
EXPLAIN (COSTS OFF) SELECT /* cache */ p.id FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.note = 'nobody' AND p.status = 2 ORDER BY p.id;
SELECT * FROM deps($$SELECT /* cache */ p.id FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.note = 'nobody' AND p.status = 2 ORDER BY p.id$$);
SELECT cachebot.reset_stats();
SELECT /* cache */ p.id FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.note = 'nobody' AND p.status = 2 ORDER BY p.id;
SELECT last_read();
INSERT INTO photo (id, user_id, status, title) VALUES (46, 11, 2, 'p46');
SELECT /* cache */ p.id FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.note = 'nobody' AND p.status = 2 ORDER BY p.id;
SELECT last_read();
-- a user whose photos of status 2 were probed (user 3: photos 2, 22...) becomes 'nobody'
UPDATE app_user SET note = 'nobody' WHERE id = 3;
SELECT /* cache */ p.id FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.note = 'nobody' AND p.status = 2 ORDER BY p.id;
SELECT last_read();
-- a user never probed (no photo of status 2) changes: still a hit
UPDATE app_user SET note = 'nobody too' WHERE id = 2;
SELECT /* cache */ p.id FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.note = 'nobody' AND p.status = 2 ORDER BY p.id;
SELECT last_read();
DROP INDEX photo_status_idx;

-- past 64 values a derived scan keeps (T, *): 101 ids probed against 11
SELECT * FROM deps($$SELECT /* cache */ count(*) FROM generate_series(100, 200) g JOIN photo p ON p.id = g$$);
SELECT /* cache */ count(*) FROM generate_series(100, 200) g JOIN photo p ON p.id = g;
SELECT last_read();
SELECT /* cache */ count(*) FROM generate_series(100, 110) g JOIN photo p ON p.id = g;
SELECT last_read();
-- (the first kept its fallback: nothing derived to list; the second lists its 11 values)
SELECT cached, stored FROM cachebot.explain($$SELECT /* cache */ count(*) FROM generate_series(100, 200) g JOIN photo p ON p.id = g$$);
SELECT cached, array_length(stored, 1) FROM cachebot.explain($$SELECT /* cache */ count(*) FROM generate_series(100, 110) g JOIN photo p ON p.id = g$$);
SELECT cachebot.reset_stats();
UPDATE photo SET title = 'p1 changed' WHERE id = 1;
SELECT /* cache */ count(*) FROM generate_series(100, 200) g JOIN photo p ON p.id = g;
SELECT last_read();
SELECT /* cache */ count(*) FROM generate_series(100, 110) g JOIN photo p ON p.id = g;
SELECT last_read();
INSERT INTO photo (id, user_id, status, title) VALUES (105, 1, 0, 'p105');
SELECT /* cache */ count(*) FROM generate_series(100, 110) g JOIN photo p ON p.id = g;
SELECT last_read();

-- an OR of equalities on one keyed column (Q(pk=1) | Q(pk=2)) is an IN list
RESET enable_seqscan;
SELECT * FROM deps($$SELECT /* cache */ id, title FROM photo WHERE id = 1 OR id = 2 ORDER BY id$$);
SELECT * FROM deps($$SELECT /* cache */ id FROM photo WHERE id = 1 OR id = 2 OR id = ANY('{3,4}')$$);
SELECT /* cache */ id, title FROM photo WHERE id = 1 OR id = 2 ORDER BY id;
SELECT last_read();
UPDATE photo SET title = 'p3 once more' WHERE id = 3;
SELECT /* cache */ id, title FROM photo WHERE id = 1 OR id = 2 ORDER BY id;
SELECT last_read();
UPDATE photo SET title = 'p2 once more' WHERE id = 2;
SELECT /* cache */ id, title FROM photo WHERE id = 1 OR id = 2 ORDER BY id;
SELECT last_read();
-- ORs over two columns, or with a non-equality, are not: (T, *)
SELECT * FROM deps($$SELECT /* cache */ id FROM photo WHERE id = 1 OR user_id = 2$$);
SELECT * FROM deps($$SELECT /* cache */ id FROM photo WHERE id = 1 OR id > 30$$);

-- a hash join (the plan these small tables get): photo, the probe side, is keyed by
-- the ids the hashed side (app_user) returned; the hashed side ran to its end
RESET enable_hashjoin;
RESET join_collapse_limit;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id;
SELECT cachebot.reset_stats();
SELECT * FROM deps($$SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id$$);
SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id;
SELECT last_read();
UPDATE photo SET title = 'p6 hashed' WHERE id = 6;	-- user 7's
SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id;
SELECT last_read();
INSERT INTO photo (id, user_id, status, title) VALUES (47, 5, 2, 'p47');
SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id;
SELECT last_read();
-- no photo of status 9: the hash join may never build its hash table, so the
-- values are unknown, and david's first such photo must still be seen
SELECT /* cache */ p.id FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 9;
SELECT last_read();
INSERT INTO photo (id, user_id, status, title) VALUES (48, 5, 9, 'p48');
SELECT /* cache */ p.id FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 9;
SELECT last_read();
-- a merge join: keyed by the values of the side that ran out (app_user's one row)
SET enable_hashjoin = off;
SET enable_mergejoin = on;
EXPLAIN (COSTS OFF) SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id;
SELECT cachebot.reset_stats();
SELECT * FROM deps($$SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id$$);
SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id;
SELECT last_read();
UPDATE photo SET title = 'p6 merged' WHERE id = 6;	-- user 7's
SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id;
SELECT last_read();
UPDATE photo SET title = 'p14 merged' WHERE id = 14;	-- david's
SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id;
SELECT last_read();
RESET enable_hashjoin;
SET enable_mergejoin = off;

-- the preserved side of a left join is not keyed by the other side's values
SELECT * FROM deps($$SELECT /* cache */ p.id, u.username FROM photo p LEFT JOIN app_user u
 ON u.id = p.user_id AND u.username = 'david' WHERE p.status = 2$$);
-- a scan whose filter can raise an error reads every row of its table, matched or not:
-- keyed only by the other side's values, its entry would outlive a row that makes the
-- statement fail; it keeps its fallback keys (here (fb, *))
CREATE TABLE fa (id int PRIMARY KEY, x int, y int);
CREATE TABLE fb (id int PRIMARY KEY, x int, y int);
SELECT cachebot.track('fa', columns => '{id,x,y}');
SELECT cachebot.track('fb', columns => '{id,x,y}');
INSERT INTO fa SELECT g, g % 10, g % 7 FROM generate_series(1, 100) g;
INSERT INTO fb SELECT g, g, g FROM generate_series(1, 3) g;
ANALYZE fa, fb;
SET enable_hashjoin = on;
SELECT * FROM deps($$SELECT /* cache */ count(*) FROM fa JOIN fb ON fa.x = fb.x
 WHERE fa.y >= 0 AND fb.y >= 0$$);
SELECT * FROM deps($$SELECT /* cache */ count(*) FROM fa JOIN fb ON fa.x = fb.x
 WHERE fa.y >= 0 AND 100 / fb.y > 0$$);
SELECT cachebot.reset_stats();
SELECT /* cache */ count(*) FROM fa JOIN fb ON fa.x = fb.x WHERE fa.y >= 0 AND 100 / fb.y > 0;
SELECT last_read();
INSERT INTO fb VALUES (50, 999, 0);
SELECT /* cache */ count(*) FROM fa JOIN fb ON fa.x = fb.x WHERE fa.y >= 0 AND 100 / fb.y > 0;
DROP TABLE fa, fb;

RESET enable_nestloop;
RESET enable_mergejoin;
RESET enable_hashjoin;
\i test/sql/include/keys_cleanup.sql
