-- keys_outer_joins: in a LEFT JOIN, u.id = 1 reaches the photo scan as
-- p.user_id = 1 (ON clause of the nullable side): only user 1's status-2 photos
-- and user 1's row change the result. A qual of the preserved side in the ON
-- clause filters no app_user row: (app_user, *). The same join written as a
-- RIGHT JOIN.
\i test/sql/include/keys_setup.sql

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

\i test/sql/include/keys_cleanup.sql
