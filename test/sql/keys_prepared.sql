-- keys_prepared: prepared statements get one entry per parameter value, each
-- invalidated by its own value: custom plans, generic plans (the key is the bound
-- value of $1), and = ANY ($1) with an array parameter.
\i test/sql/include/keys_setup.sql

-- prepared statements: one entry per parameter value, each invalidated by its own value
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

\i test/sql/include/keys_cleanup.sql
