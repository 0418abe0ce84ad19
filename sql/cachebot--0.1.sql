-- cachebot install script
\echo Use "CREATE EXTENSION cachebot" to load this file. \quit

-- Every role may read through the cache and call what its privileges allow.
GRANT USAGE ON SCHEMA cachebot TO PUBLIC;

-- The trigger track() installs. Only its owner may attach it to a table:
-- a trigger that calls it is taken as track()'s.
CREATE FUNCTION cachebot._invalidate_trigger()
RETURNS trigger
AS 'MODULE_PATHNAME', 'cachebot_invalidate_trigger'
LANGUAGE C;
REVOKE ALL ON FUNCTION cachebot._invalidate_trigger() FROM PUBLIC;

-- track()'s last step: checks that the caller owns the table, then creates
-- the triggers as the owner of _invalidate_trigger().
CREATE FUNCTION cachebot._install_triggers(rel regclass, cache_all boolean,
                                           cache_get boolean, columns text[],
                                           ttl integer)
RETURNS void
AS 'MODULE_PATHNAME', 'cachebot_install_triggers'
LANGUAGE C VOLATILE;

-- The keyed columns a trigger's arguments name (the C code owns their format).
CREATE FUNCTION cachebot._trigger_keyed_columns(tgargs bytea)
RETURNS name[]
AS 'MODULE_PATHNAME', 'cachebot_trigger_keyed_columns'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION cachebot._trigger_ttl(tgargs bytea)
RETURNS integer
AS 'MODULE_PATHNAME', 'cachebot_trigger_ttl'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

-- Tables whose writes cachebot sees: those carrying its row trigger.
CREATE VIEW cachebot.tracked_tables AS
SELECT t.tgrelid::regclass AS "table",
       cachebot._trigger_keyed_columns(t.tgargs) AS keyed_columns,
       t.tgenabled = 'A' AS always,
       make_interval(secs => cachebot._trigger_ttl(t.tgargs)) AS ttl
  FROM pg_catalog.pg_trigger t
 WHERE t.tgfoid = 'cachebot._invalidate_trigger'::regproc
   AND t.tgname = 'cachebot_invalidate'
   AND t.tgparentid = 0;
GRANT SELECT ON cachebot.tracked_tables TO PUBLIC;

CREATE FUNCTION cachebot.invalidate_table(rel regclass)
RETURNS void
AS 'MODULE_PATHNAME', 'cachebot_invalidate_table'
LANGUAGE C STRICT VOLATILE;

CREATE FUNCTION cachebot.invalidate_object(rel regclass, pk anyelement)
RETURNS void
AS 'MODULE_PATHNAME', 'cachebot_invalidate_object'
LANGUAGE C VOLATILE;

CREATE FUNCTION cachebot.invalidate_object(obj anyelement)
RETURNS void
AS 'MODULE_PATHNAME', 'cachebot_invalidate_row'
LANGUAGE C STRICT VOLATILE;

CREATE FUNCTION cachebot.track(rel regclass,
                               columns text[] DEFAULT NULL,
                               cache_all boolean DEFAULT NULL,
                               cache_get boolean DEFAULT NULL,
                               ttl interval DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET client_min_messages = warning
AS $$
DECLARE
    c pg_class%ROWTYPE;
    keyed int2[];
    missing text;
    ttl_seconds numeric := extract(epoch FROM ttl);
BEGIN
    IF rel IS NULL THEN
        RAISE EXCEPTION 'cachebot.track() needs a table'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF ttl_seconds IS NOT NULL AND (ttl_seconds < 1 OR ttl_seconds > 2147483647) THEN
        RAISE EXCEPTION 'invalid ttl for table %: %', rel, ttl
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'A table''s ttl is at least one second, as ''10 min''; NULL leaves it to cachebot.ttl.';
    END IF;
    SELECT * INTO c FROM pg_class WHERE oid = rel;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'relation with OID % does not exist', rel::oid
            USING ERRCODE = 'undefined_table';
    END IF;
    IF c.relkind NOT IN ('r', 'p') THEN
        RAISE EXCEPTION 'cannot track "%": it is not a table', rel
            USING ERRCODE = 'wrong_object_type',
                  DETAIL = 'cachebot tracks ordinary and partitioned tables; a view is cached through the tables it reads.',
                  HINT = 'Track the tables the view reads.';
    END IF;
    IF c.relpersistence <> 'p' THEN
        RAISE EXCEPTION 'cannot track "%": it is not a permanent table', rel
            USING ERRCODE = 'wrong_object_type',
                  DETAIL = 'Temporary and unlogged tables lose rows without running triggers.';
    END IF;
    IF c.relispartition THEN
        RAISE EXCEPTION 'cannot track "%": it is a partition', rel
            USING ERRCODE = 'wrong_object_type',
                  HINT = 'Track the partitioned table; its partitions are tracked with it.';
    END IF;
    IF NOT pg_has_role(c.relowner, 'USAGE') THEN
        RAISE EXCEPTION 'must be owner of table %', rel
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF columns IS NULL THEN
        -- the primary key, every column that leads an index, every foreign-key column
        SELECT coalesce(array_agg(DISTINCT k ORDER BY k), '{}') INTO keyed FROM (
            SELECT unnest(i.indkey::int2[]) AS k FROM pg_index i
             WHERE i.indrelid = rel AND i.indisprimary
            UNION
            SELECT i.indkey[0] FROM pg_index i WHERE i.indrelid = rel
            UNION
            SELECT unnest(con.conkey) FROM pg_constraint con
             WHERE con.conrelid = rel AND con.contype = 'f'
        ) cols WHERE k > 0;
    ELSE
        SELECT coalesce(array_agg(a.attnum ORDER BY a.attnum), '{}') INTO keyed
          FROM pg_attribute a
         WHERE a.attrelid = rel AND a.attname = ANY (columns) AND a.attnum > 0 AND NOT a.attisdropped;
        SELECT string_agg(quote_ident(col), ', ') INTO missing
          FROM unnest(columns) col
         WHERE NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = rel AND a.attname = col
                              AND a.attnum > 0 AND NOT a.attisdropped);
        IF missing IS NOT NULL THEN
            RAISE EXCEPTION 'table % has no column %', rel, missing
                USING ERRCODE = 'undefined_column',
                      HINT = 'Pass the names of columns of the table, or omit columns to key by its primary key, indexed and foreign-key columns.';
        END IF;
    END IF;
    PERFORM cachebot._install_triggers(rel, cache_all, cache_get,
        ARRAY(SELECT a.attname::text FROM pg_attribute a
               WHERE a.attrelid = rel AND a.attnum = ANY (keyed) ORDER BY a.attnum),
        floor(ttl_seconds)::integer);
    PERFORM cachebot.invalidate_table(rel);
END;
$$;

-- Tracks every table of a schema that track() takes (ordinary and
-- partitioned permanent tables that are not partitions; not an extension's
-- tables), with the same options; returns them. Tables the caller does not
-- own make it fail, as track() would.
CREATE FUNCTION cachebot.track_schema(schema regnamespace,
                                      columns text[] DEFAULT NULL,
                                      cache_all boolean DEFAULT NULL,
                                      cache_get boolean DEFAULT NULL,
                                      ttl interval DEFAULT NULL)
RETURNS SETOF regclass
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET client_min_messages = warning
AS $$
DECLARE
    t regclass;
BEGIN
    IF schema IS NULL THEN
        RAISE EXCEPTION 'cachebot.track_schema() needs a schema'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    FOR t IN
        SELECT c.oid FROM pg_class c
         WHERE c.relnamespace = schema AND c.relkind IN ('r', 'p')
           AND c.relpersistence = 'p' AND NOT c.relispartition
           AND NOT EXISTS (SELECT 1 FROM pg_depend d
                            WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                              AND d.deptype = 'e')
         ORDER BY c.relname
    LOOP
        PERFORM cachebot.track(t, columns, cache_all, cache_get, ttl);
        RETURN NEXT t;
    END LOOP;
END;
$$;

CREATE FUNCTION cachebot.untrack(rel regclass)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET client_min_messages = warning
AS $$
BEGIN
    IF rel IS NULL THEN
        RAISE EXCEPTION 'cachebot.untrack() needs a table'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_trigger
                    WHERE tgrelid = rel AND tgname = 'cachebot_invalidate' AND tgparentid = 0) THEN
        RAISE EXCEPTION 'table % is not tracked by cachebot', rel
            USING ERRCODE = 'undefined_object',
                  HINT = 'SELECT * FROM cachebot.tracked_tables lists the tracked tables.';
    END IF;
    IF NOT pg_has_role((SELECT relowner FROM pg_class WHERE oid = rel), 'USAGE') THEN
        RAISE EXCEPTION 'must be owner of table %', rel
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    EXECUTE format('DROP TRIGGER cachebot_invalidate ON %s', rel);
    EXECUTE format('DROP TRIGGER IF EXISTS cachebot_truncate ON %s', rel);
    PERFORM cachebot.invalidate_table(rel);
END;
$$;

CREATE FUNCTION cachebot.flush()
RETURNS void
AS 'MODULE_PATHNAME', 'cachebot_flush'
LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION cachebot.flush() FROM PUBLIC;

-- A superuser's resets everything; a database owner's, the database's rows.
CREATE FUNCTION cachebot.reset_stats()
RETURNS void
AS 'MODULE_PATHNAME', 'cachebot_reset_stats'
LANGUAGE C VOLATILE;

CREATE FUNCTION cachebot._stat_counters(OUT counter text, OUT value bigint)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'cachebot_stat_counters'
LANGUAGE C VOLATILE;

CREATE VIEW cachebot.stats AS
SELECT current_setting('cachebot.backend') AS backend,
       max(value) FILTER (WHERE counter = 'hits') AS hits,
       max(value) FILTER (WHERE counter = 'hits_unplanned') AS hits_unplanned,
       max(value) FILTER (WHERE counter = 'misses') AS misses,
       max(value) FILTER (WHERE counter = 'fills') AS fills,
       sum(value) FILTER (WHERE counter LIKE 'skip:%') AS skips,
       coalesce(jsonb_object_agg(substr(counter, 6), value)
                    FILTER (WHERE counter LIKE 'skip:%' AND value > 0),
                '{}') AS skips_by_reason,
       max(value) FILTER (WHERE counter = 'invalidations') AS invalidations,
       max(value) FILTER (WHERE counter = 'evictions') AS evictions,
       max(value) FILTER (WHERE counter = 'entries') AS entries,
       max(value) FILTER (WHERE counter = 'bytes') AS bytes,
       max(value) FILTER (WHERE counter = 'bytes_filled') AS bytes_filled,
       max(value) FILTER (WHERE counter = 'errors') AS errors
  FROM cachebot._stat_counters();
GRANT SELECT ON cachebot.stats TO PUBLIC;

CREATE FUNCTION cachebot._statements(OUT userid oid, OUT dbid oid, OUT queryid bigint,
                                     OUT query text, OUT hits bigint, OUT misses bigint,
                                     OUT invalidated bigint, OUT fills bigint, OUT skips bigint,
                                     OUT skips_by_reason text, OUT bytes_stored bigint,
                                     OUT mean_fill_ms double precision,
                                     OUT time_saved_ms double precision,
                                     OUT last_fill timestamptz, OUT last_invalidated timestamptz)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'cachebot_statements'
LANGUAGE C STRICT VOLATILE;

-- One row per statement the cache was asked for, per database and role.
CREATE VIEW cachebot.statements AS
SELECT userid::regrole AS role, d.datname AS database, queryid, query,
       hits, misses, invalidated, fills, skips, skips_by_reason::jsonb AS skips_by_reason,
       bytes_stored, mean_fill_ms, time_saved_ms, last_fill, last_invalidated
  FROM cachebot._statements() s
  LEFT JOIN pg_database d ON d.oid = s.dbid;
GRANT SELECT ON cachebot.statements TO PUBLIC;

CREATE FUNCTION cachebot._tables(OUT relid oid, OUT hits bigint, OUT misses bigint,
                                 OUT invalidations bigint, OUT last_invalidation timestamptz)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'cachebot_tables'
LANGUAGE C STRICT VOLATILE;

-- One row per table of this database the cache saw read or written: hits and
-- misses of the statements that read it, the writes to it that committed.
CREATE VIEW cachebot.tables AS
SELECT relid::regclass AS "table", hits, misses, invalidations, last_invalidation
  FROM cachebot._tables()
 WHERE EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = relid);
GRANT SELECT ON cachebot.tables TO PUBLIC;

CREATE FUNCTION cachebot.explain(query text, params text[] DEFAULT NULL,
                                 OUT cacheable boolean, OUT reason text,
                                 OUT key text, OUT dependencies text[],
                                 OUT cached boolean, OUT stored text[])
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'cachebot_explain'
LANGUAGE C VOLATILE;

-- How the hint parser reads a text (for tests and troubleshooting).
CREATE FUNCTION cachebot._parse_hint(statement text)
RETURNS text
AS 'MODULE_PATHNAME', 'cachebot_parse_hint'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

-- The settings that are part of every cache key (for tests and troubleshooting).
CREATE FUNCTION cachebot._key_settings()
RETURNS SETOF text
AS 'MODULE_PATHNAME', 'cachebot_key_settings'
LANGUAGE C STRICT VOLATILE;

-- For tests: damages the stored entry of a statement as a broken or hostile
-- store could (its checksum, if the store keeps one, kept right), to check
-- that it is refused.
CREATE FUNCTION cachebot._corrupt_entry(query text, what text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'cachebot_corrupt_entry'
LANGUAGE C STRICT VOLATILE;
REVOKE ALL ON FUNCTION cachebot._corrupt_entry(text, text) FROM PUBLIC;

-- For tests: clears the filter of filled texts, as it clears itself when a
-- quarter of its bits are set, to show a hit whose text's bit is clear.
CREATE FUNCTION cachebot._forget_filled_texts()
RETURNS void
AS 'MODULE_PATHNAME', 'cachebot_forget_filled_texts'
LANGUAGE C STRICT VOLATILE;
REVOKE ALL ON FUNCTION cachebot._forget_filled_texts() FROM PUBLIC;
