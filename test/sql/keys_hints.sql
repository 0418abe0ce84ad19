-- keys_hints: /* cache(col, ...) */ narrows a statement's keys to the listed
-- columns: the keys each form gives (bare, table- and alias-qualified, several
-- tables), what then invalidates the entry and what does not, and names that are
-- unknown or ambiguous (a WARNING and an uncached run; errors under
-- cachebot.strict).
\i test/sql/include/keys_setup.sql

-- cache(status): keyed by status 2 only
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

-- the keys each form of the hint gives
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

-- a hint's column on a partitioned table: the plan also reads its partitions,
-- which have the column too, and which the table resolves (it is not
-- ambiguous); a partition read by itself resolves it as well
CREATE TABLE hint_pt (id int, v text) PARTITION BY LIST (v);
CREATE TABLE hint_pt_x PARTITION OF hint_pt FOR VALUES IN ('x');
CREATE TABLE hint_pt_y PARTITION OF hint_pt FOR VALUES IN ('y');
INSERT INTO hint_pt VALUES (1, 'x'), (2, 'y');
SELECT cachebot.track('hint_pt', columns => '{v}');
SELECT cacheable, reason FROM cachebot.explain($$SELECT /* cache(v) */ count(*) FROM hint_pt WHERE v = 'x'$$);
SELECT cacheable, reason FROM cachebot.explain($$SELECT /* cache(v) */ count(*) FROM hint_pt_x WHERE v = 'x'$$);
SELECT /* cache(v) */ count(*) FROM hint_pt WHERE v = 'x';
INSERT INTO hint_pt VALUES (3, 'x');
SELECT /* cache(v) */ count(*) FROM hint_pt WHERE v = 'x';
DROP TABLE hint_pt;

\i test/sql/include/keys_cleanup.sql
