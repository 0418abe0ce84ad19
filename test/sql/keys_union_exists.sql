-- keys_union_exists: the branches of a UNION keep their own keys; a NOT EXISTS
-- subquery whose scan has no constant qual depends on its whole table.
\i test/sql/include/keys_setup.sql

-- UNION: each branch keeps its own key
SELECT * FROM deps($$SELECT /* cache */ id FROM photo WHERE user_id = 5
 UNION SELECT id FROM photo WHERE status = 3 AND id > 30 ORDER BY id$$);
SELECT /* cache */ id FROM photo WHERE user_id = 5
 UNION SELECT id FROM photo WHERE status = 3 AND id > 30 ORDER BY id;
SELECT last_read();
-- user 6's photo 25 (status 1): no invalidation
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

-- NOT EXISTS: the subquery's scan has no constant qual, so it depends on (photo, *)
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

\i test/sql/include/keys_cleanup.sql
