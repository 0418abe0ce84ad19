-- cachebot sqlsmith run: the role the fuzzed statements run as, and what
-- sqlsmith is shown (loaded by test/sqlsmith.sh after schema.sql, as the
-- superuser, with psql variables fuzz_role and mutable_mod).
--
-- sqlsmith runs as :fuzz_role (a NOLOGIN role, set with the connection option
-- "-c role=..."), so it cannot flush the cache, reset the counters, untrack
-- tables or signal other backends, and sees (information_schema.tables) only
-- the fz tables and views.
--
-- sqlsmith reads the catalog through unqualified pg_proc and pg_attribute, and
-- its connections put information_schema first on the search_path: the two
-- views below shadow them there (and are hidden from its table list by
-- --exclude-catalog).  They show it
--   * every IMMUTABLE function but only one in :mutable_mod of the STABLE and
--     VOLATILE ones, so most statements are cacheable; none of cachebot's or
--     this run's helpers, and none that sleep, signal, change settings or
--     write outside the transaction;
--   * the system columns ctid, xmin and tableoid of a few tables, and xmax
--     of fz.doc, named with their quotes ("ctid") to pass sqlsmith's filter
--     of system columns.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

GRANT USAGE ON SCHEMA fz TO :"fuzz_role";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA fz TO :"fuzz_role";
-- fz.doc is read-only to it: its rows keep their xmax until changes.sql locks them.
REVOKE INSERT, UPDATE, DELETE ON fz.doc FROM :"fuzz_role";
GRANT USAGE ON ALL SEQUENCES IN SCHEMA fz TO :"fuzz_role";
-- cachebot's views would be fuzzed too (untracked, changing): hide them.
REVOKE SELECT ON cachebot.stats, cachebot.tracked_tables, cachebot.statements, cachebot.tables
  FROM PUBLIC;

-- The counters, for the differential run (which runs as :fuzz_role).
CREATE SCHEMA smith_admin;
CREATE FUNCTION smith_admin.stats(OUT hits bigint, OUT misses bigint, OUT fills bigint,
                                  OUT skips bigint, OUT hits_unplanned bigint, OUT entries bigint,
                                  OUT errors bigint, OUT skips_by_reason jsonb)
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS
$$ SELECT hits, misses, fills, coalesce(skips, 0), hits_unplanned, entries, errors,
          coalesce(skips_by_reason, '{}') FROM cachebot.stats $$;
GRANT USAGE ON SCHEMA smith_admin TO :"fuzz_role";
GRANT EXECUTE ON FUNCTION smith_admin.stats() TO :"fuzz_role";

CREATE VIEW information_schema.pg_proc AS
SELECT p.* FROM pg_catalog.pg_proc p
 WHERE p.pronamespace NOT IN ('cachebot'::regnamespace, 'smith_admin'::regnamespace)
   AND (p.provolatile = 'i' OR p.oid::int8 % :mutable_mod = 0)
   AND p.proname !~ '^(pg_sleep|pg_terminate_backend|pg_cancel_backend|pg_reload_conf|pg_rotate_logfile|pg_promote|pg_switch_wal|pg_create_restore_point|pg_log_backend_memory_contexts|pg_notify|set_config|setval|lo_|pg_advisory|pg_try_advisory|pg_backup|pg_replication_origin|pg_logical|pg_create_|pg_drop_|pg_copy_|pg_stat_reset|pg_read_|pg_ls_|pg_file|dblink|pg_import_system_collations|pg_nextoid|binary_upgrade)';

CREATE VIEW information_schema.pg_attribute AS
SELECT a.attrelid,
       CASE WHEN a.attnum < 0 THEN ('"' || a.attname || '"')::name ELSE a.attname END AS attname,
       a.atttypid, a.attnum, a.attisdropped
  FROM pg_catalog.pg_attribute a
 WHERE a.attnum > 0
    OR (a.attname IN ('ctid', 'xmin', 'tableoid')
        AND a.attrelid IN ('fz.kinds'::regclass, 'fz.parent'::regclass, 'fz.measure'::regclass,
                           'fz.animal'::regclass, 'fz.tiny'::regclass, 'fz.doc'::regclass))
    OR (a.attname = 'xmax' AND a.attrelid = 'fz.doc'::regclass);

GRANT SELECT ON information_schema.pg_proc, information_schema.pg_attribute TO :"fuzz_role";
