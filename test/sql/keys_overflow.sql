-- keys_overflow: past 10,000 keys, a transaction's row keys collapse to the
-- table's generation: the table's entries are invalidated, other tables' are
-- not, and a real change past the bound is still seen.
\i test/sql/include/keys_setup.sql

-- event: keyed by user_id only; one row per user, and user -1's row
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

DROP TABLE event;
\i test/sql/include/keys_cleanup.sql
