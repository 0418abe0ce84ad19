-- keys_ranges: scans that fix no key. A range depends on the whole table,
-- (photo, *): any of its rows invalidates it, other tables' rows do not. A filter
-- on now() (not immutable) is never cached.
\i test/sql/include/keys_setup.sql

-- a range: (photo, *)
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

-- now() is not immutable: never cached
SELECT * FROM deps($$SELECT /* cache */ count(*) FROM photo WHERE created > now() - interval '1 day'$$);
SELECT /* cache */ count(*) FROM photo WHERE created > now() - interval '1 day';
SELECT last_read();
SELECT /* cache */ count(*) FROM photo WHERE created > now() - interval '1 day';
SELECT last_read();

\i test/sql/include/keys_cleanup.sql
