-- keys_rows: row-level dependency keys of single-table filters on photo. A
-- statement depends on the key its scan fixes, e.g. (photo, user_id, 5): which
-- keyed column a scan uses when it fixes several (the one with more distinct
-- values), what invalidates it (rows of its key, both the old and the new value
-- of a row that moves, bulk updates, DDL on the table, flush()) and what does
-- not (rows of other keys).
\i test/sql/include/keys_setup.sql

-- user_id=5 AND status=2: keyed by user_id (more distinct values than status)
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

-- count(*) of user 5
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

-- a row moving into the filter and out of it: photo 6 from user 7 to user 5 and back;
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

-- a bulk UPDATE moving all of user 2's photos to user 3: both invalidated, user 4 not
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

\i test/sql/include/keys_cleanup.sql
