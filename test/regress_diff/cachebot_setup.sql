--
-- cachebot_setup: the first test of every run of test/regress_diff.sh.
--
-- Every permanent ordinary or partitioned table that the regression suite
-- creates (CREATE TABLE, CREATE TABLE AS, SELECT INTO, and CREATE TABLE inside
-- CREATE SCHEMA), except partitions, is tracked by cachebot as soon as it is
-- created, so that the suite's statements can be cached.  track() refuses
-- views, temporary and unlogged tables and partitions; those are not passed to
-- it, and any other refusal is swallowed (logged at LOG level, not sent to the
-- client) so the suite proceeds.  It runs as the role that created the
-- table, which owns it and so may track it (not SECURITY DEFINER: the suite's
-- opr_sanity test lists such functions).
--
CREATE SCHEMA cachebot_regress;
CREATE FUNCTION cachebot_regress.track_new_tables() RETURNS event_trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT DISTINCT c.oid
          FROM pg_event_trigger_ddl_commands() d
          JOIN pg_class c ON c.oid = d.objid
         WHERE d.classid = 'pg_class'::regclass
           AND d.objsubid = 0
           AND c.relkind IN ('r', 'p')
           AND c.relpersistence = 'p'
           AND NOT c.relispartition
    LOOP
        BEGIN
            PERFORM cachebot.track(r.oid::regclass);
        EXCEPTION WHEN OTHERS THEN
            RAISE LOG 'cachebot_regress: track(%) refused: %', r.oid::regclass, SQLERRM;
        END;
    END LOOP;
END;
$$;
CREATE EVENT TRIGGER cachebot_regress_track ON ddl_command_end
    WHEN TAG IN ('CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO', 'CREATE SCHEMA')
    EXECUTE FUNCTION cachebot_regress.track_new_tables();
-- the counters of cachebot.stats count this run only
DO $$ BEGIN PERFORM cachebot.reset_stats(); END $$;
-- check: a new table is tracked, a temporary one is not
CREATE TABLE cachebot_regress.probe (id int PRIMARY KEY);
CREATE TEMP TABLE cachebot_regress_probe_temp (id int);
SELECT "table"::text FROM cachebot.tracked_tables
 WHERE "table"::text LIKE '%probe%' ORDER BY 1;
DROP TABLE cachebot_regress.probe, cachebot_regress_probe_temp;
