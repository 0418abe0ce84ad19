--
-- nesting: only the statements a client sends are looked up or filled. One
-- run from inside another statement or command (a trigger fired by COPY or
-- INSERT, a function, a DO block, a procedure, a function the planner runs
-- while folding constants) may see its caller's snapshot or its caller's
-- uncommitted rows. And a transaction that has written anything fills
-- nothing: nobody else sees its rows yet.
--
SELECT cachebot.reset_stats();
\i test/sql/include/stats_delta.sql
CREATE TABLE nest_c (id int PRIMARY KEY, v int);
INSERT INTO nest_c VALUES (1, 10), (2, 20);
SELECT cachebot.track('nest_c');

-- a row trigger that reads the table it fires on, with a hint
CREATE TABLE nest_log (sum_seen bigint);
CREATE FUNCTION nest_sum() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE s bigint;
BEGIN
  SELECT /* cache */ sum(v) INTO s FROM nest_c;
  INSERT INTO nest_log VALUES (s);
  RETURN NULL;
END $$;
CREATE TRIGGER a_nest_sum AFTER INSERT ON nest_c FOR EACH ROW EXECUTE FUNCTION nest_sum();
SELECT * FROM stats_delta() \gset

-- COPY fires it outside any ExecutorRun; the copied rows are rolled back
BEGIN;
COPY nest_c FROM STDIN;
3	1000
4	2000
\.
SELECT sum_seen FROM nest_log ORDER BY sum_seen;
ROLLBACK;
SELECT * FROM stats_delta();
-- nothing of the rolled-back rows is served to anyone
SELECT /* cache */ sum(v) FROM nest_c;
SELECT /* cache */ sum(v) FROM nest_c;
SELECT * FROM stats_delta();
-- the same through INSERT
BEGIN;
INSERT INTO nest_c VALUES (5, 5000);
ROLLBACK;
SELECT /* cache */ sum(v) FROM nest_c;
SELECT * FROM stats_delta();
DROP TRIGGER a_nest_sum ON nest_c;

-- functions, DO blocks, procedures
CREATE FUNCTION nest_read() RETURNS bigint LANGUAGE plpgsql STABLE AS $$
DECLARE n bigint;
BEGIN
  SELECT /* cache */ sum(v) INTO n FROM nest_c;
  RETURN n;
END $$;
CREATE PROCEDURE nest_proc(INOUT n bigint) LANGUAGE plpgsql AS $$
BEGIN
  SELECT /* cache */ sum(v) INTO n FROM nest_c;
END $$;
SELECT nest_read();
SELECT nest_read();
DO $$ DECLARE n bigint; BEGIN SELECT /* cache */ sum(v) INTO n FROM nest_c; END $$;
CALL nest_proc(0);
CALL nest_proc(0);
SELECT * FROM stats_delta();

-- a ROLLBACK inside a DO block or a procedure ends the transaction while the
-- command is still running: what runs after it is still nested
CREATE PROCEDURE nest_rollback() LANGUAGE plpgsql AS $$ BEGIN ROLLBACK; END $$;
DO $$ BEGIN ROLLBACK; END $$;
DO $$ DECLARE n bigint; BEGIN SELECT /* cache */ sum(v) INTO n FROM nest_c; END $$;
CALL nest_rollback();
CALL nest_proc(0);
CALL nest_proc(0);
SELECT * FROM stats_delta();

-- a function the executor evaluates while it starts the plan (initial
-- partition pruning) runs inside that statement
CREATE TABLE nest_parted (k int, x text) PARTITION BY LIST (k);
CREATE TABLE nest_parted1 PARTITION OF nest_parted FOR VALUES IN (1);
CREATE TABLE nest_parted2 PARTITION OF nest_parted FOR VALUES IN (2);
INSERT INTO nest_parted VALUES (1, 'one'), (2, 'two');
CREATE FUNCTION nest_key() RETURNS int LANGUAGE plpgsql STABLE AS $$
DECLARE n int;
BEGIN
  SELECT /* cache */ count(*) INTO n FROM nest_c WHERE id = 1;
  RETURN n;
END $$;
SELECT * FROM stats_delta() \gset
EXPLAIN (COSTS OFF) SELECT x FROM nest_parted WHERE k = nest_key();
SELECT x FROM nest_parted WHERE k = nest_key();
SELECT * FROM stats_delta();

-- a function the planner evaluates while folding constants
CREATE FUNCTION nest_folded(int) RETURNS bigint LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE n bigint;
BEGIN
  SELECT /* cache */ count(*) INTO n FROM nest_c WHERE id > $1;
  RETURN n;
END $$;
SELECT /* cache */ nest_folded(0) AS n, id FROM nest_c WHERE id = 1;
SELECT * FROM stats_delta();

-- a transaction that wrote (here: an untracked table) reads the cache, and
-- fills nothing
CREATE TABLE nest_other (x int);
SELECT /* cache */ v FROM nest_c WHERE id = 2;
BEGIN;
INSERT INTO nest_other VALUES (1);
SELECT /* cache */ v FROM nest_c WHERE id = 2;
SELECT /* cache */ v FROM nest_c WHERE id = 1;
SELECT /* cache */ v FROM nest_c WHERE id = 1;
COMMIT;
SELECT * FROM stats_delta();

DROP PROCEDURE nest_proc(bigint), nest_rollback();
DROP FUNCTION nest_read(), nest_folded(int), nest_sum(), nest_key(), stats_delta();
DROP TABLE nest_c, nest_log, nest_other, nest_parted, stats_seen;
