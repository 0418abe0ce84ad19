-- keys_in_lists: an IN list or = ANY (array) fixes one key per value, up to 64
-- values (beyond, the scan depends on (photo, *)); an aggregate over an IN list.
\i test/sql/include/keys_setup.sql

-- IN list: one key per value
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

-- an aggregate over two users
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

\i test/sql/include/keys_cleanup.sql
