--
-- filled_texts: the planner looks a statement up before planning only when
-- its text was filled or served lately (a bit per database and statement
-- text). The bit decides where a hit is served, never what: each case below
-- checks the rows and where the hit came from (hits_unplanned: served
-- before planning).
--
SELECT cachebot.reset_stats();
CREATE TABLE ft (id int PRIMARY KEY, v text);
INSERT INTO ft SELECT g, 'v' || g FROM generate_series(1, 10) g;
SELECT cachebot.track('ft');
\i test/sql/include/stats_delta.sql
CREATE TABLE unplanned_seen AS SELECT hits_unplanned FROM cachebot.stats;
CREATE FUNCTION unplanned_delta() RETURNS bigint LANGUAGE sql AS $$
  WITH cur AS (SELECT hits_unplanned FROM cachebot.stats),
       upd AS (UPDATE unplanned_seen SET hits_unplanned = (SELECT hits_unplanned FROM cur)
               RETURNING 1)
  SELECT (SELECT hits_unplanned FROM cur) - (SELECT hits_unplanned FROM unplanned_seen)
    FROM upd;
$$;

-- a new text: filled from its plan; then served before planning
SELECT /* cache */ v FROM ft WHERE id = 1;
SELECT /* cache */ v FROM ft WHERE id = 1;
SELECT hits, misses, fills FROM stats_delta();
SELECT unplanned_delta() AS unplanned;

-- the filter cleared (as when full): the entry is still served, from its
-- plan, which sets the bit again; the next run is served before planning
SELECT cachebot._forget_filled_texts();
SELECT /* cache */ v FROM ft WHERE id = 1;
SELECT hits, misses, fills FROM stats_delta();
SELECT unplanned_delta() AS unplanned;
SELECT /* cache */ v FROM ft WHERE id = 1;
SELECT hits, misses, fills FROM stats_delta();
SELECT unplanned_delta() AS unplanned;

-- ordinary users cannot clear it
CREATE ROLE ft_alice;
CREATE ROLE ft_bob;
GRANT SELECT ON ft TO ft_alice;
GRANT USAGE ON SCHEMA cachebot TO ft_alice, ft_bob;
SET ROLE ft_alice;
SELECT cachebot._forget_filled_texts();
RESET ROLE;

-- a statement of a multi-statement string is keyed by its own text: the
-- same statement sent alone is served before planning
SELECT /* cache */ v FROM ft WHERE id = 2 \; SELECT 'other' AS s;
SELECT /* cache */ v FROM ft WHERE id = 2;
SELECT hits, misses, fills FROM stats_delta();
SELECT unplanned_delta() AS unplanned;

-- a role switch: the bit another role's fill set makes the planner look,
-- under this role's key: a miss, and a role without the privilege gets its
-- error, not the other role's rows
SET ROLE ft_alice;
SELECT /* cache */ v FROM ft WHERE id = 3;
SELECT /* cache */ v FROM ft WHERE id = 3;
RESET ROLE;
SELECT hits, misses, fills FROM stats_delta();
SELECT unplanned_delta() AS unplanned;
SET ROLE ft_bob;
SELECT /* cache */ v FROM ft WHERE id = 3;
RESET ROLE;
SELECT hits, misses, fills FROM stats_delta();
GRANT SELECT ON ft TO ft_bob;
SET ROLE ft_bob;
SELECT /* cache */ v FROM ft WHERE id = 3;
SELECT /* cache */ v FROM ft WHERE id = 3;
RESET ROLE;
SELECT hits, misses, fills FROM stats_delta();
SELECT unplanned_delta() AS unplanned;

-- a temporary table of the same name: the same text, whose bit is set,
-- reads it, uncached, and its rows
CREATE TEMP TABLE ft (id int PRIMARY KEY, v text);
INSERT INTO ft VALUES (1, 'temporary');
SELECT /* cache */ v FROM ft WHERE id = 1;
SELECT hits, misses, fills, skipped FROM stats_delta();
DROP TABLE pg_temp.ft;
SELECT /* cache */ v FROM ft WHERE id = 1;
SELECT hits, misses, fills FROM stats_delta();

-- DDL: the bit stays, the entry does not: the new column is there
SELECT /* cache */ * FROM ft WHERE id = 4;
ALTER TABLE ft ADD COLUMN w int DEFAULT 7;
SELECT /* cache */ * FROM ft WHERE id = 4;
SELECT /* cache */ * FROM ft WHERE id = 4;
SELECT hits, misses, fills FROM stats_delta();

-- nested: COPY of the text neither serves nor fills it; a trigger that
-- reads it sees the row it is updating with; the statement afterwards is
-- fresh
SELECT /* cache */ v FROM ft WHERE id = 5;
SELECT hits, misses, fills FROM stats_delta();
UPDATE ft SET v = 'changed' WHERE id = 5;
COPY (SELECT /* cache */ v FROM ft WHERE id = 5) TO STDOUT;
CREATE TABLE ft_log (seen text);
CREATE FUNCTION ft_read() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ft_log SELECT /* cache */ v FROM ft WHERE id = 5;
  RETURN NEW;
END;
$$;
CREATE TRIGGER ft_read AFTER UPDATE ON ft FOR EACH ROW EXECUTE FUNCTION ft_read();
UPDATE ft SET v = 'changed again' WHERE id = 5;
SELECT seen FROM ft_log;
SELECT /* cache */ v FROM ft WHERE id = 5;
SELECT /* cache */ v FROM ft WHERE id = 5;
SELECT hits, misses, fills FROM stats_delta();

-- rollback: a write seen in its own transaction, uncached; gone after it
SELECT /* cache */ v FROM ft WHERE id = 6;
BEGIN;
UPDATE ft SET v = 'rolled back' WHERE id = 6;
SELECT /* cache */ v FROM ft WHERE id = 6;
ROLLBACK;
SELECT /* cache */ v FROM ft WHERE id = 6;
SELECT hits, misses, fills, skipped FROM stats_delta();

DROP TRIGGER ft_read ON ft;
DROP FUNCTION ft_read();
DROP TABLE ft, ft_log;
REVOKE USAGE ON SCHEMA cachebot FROM ft_alice, ft_bob;
DROP ROLE ft_alice;
DROP ROLE ft_bob;
DROP FUNCTION unplanned_delta();
DROP TABLE unplanned_seen, stats_seen;
DROP FUNCTION stats_delta();
