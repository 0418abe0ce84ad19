-- keys_joins: each scan of a join keeps its own keys: a join on username (keyed
-- by app_user.username and photo.status), a many-to-many through table (INSERT
-- and DELETE of its rows), three tables with app_user in the middle.
\i test/sql/include/keys_setup.sql

-- the join on username: keyed by app_user.username 'david', and photo by the ids the
-- app_user side gave (david's: photo.user_id = 5), which beat photo.status 2
SELECT * FROM deps($$SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id$$);
SELECT /* cache */ p.id, p.title FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'david' AND p.status = 2 ORDER BY p.id;
SELECT last_read();
-- another user's row: no invalidation; david's photo with status 0: invalidates
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
-- another user's photo with status 2: no invalidation
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

-- a many-to-many through table: INSERT and DELETE of its rows invalidate
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

-- three tables: the status-2 photos of user 1's friends; app_user is in the middle, and
-- photo is keyed by the friends' ids
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

\i test/sql/include/keys_cleanup.sql
