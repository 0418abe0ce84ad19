-- stats_delta(): what cachebot's counters did since its previous call (or
-- since this file was included): hits, misses, fills, errors and the skips by
-- reason that moved. The one counter helper of the tests: included by those
-- that count, which drop stats_seen and stats_delta() at their end; run it as
-- a superuser.
CREATE TABLE stats_seen AS
  SELECT hits, misses, fills, errors, coalesce(skips_by_reason, '{}') AS skips
    FROM cachebot.stats;
CREATE FUNCTION stats_delta(OUT hits bigint, OUT misses bigint,
                            OUT fills bigint, OUT errors bigint, OUT skipped jsonb)
LANGUAGE plpgsql AS $$
DECLARE
    cur record;
    prev record;
BEGIN
    SELECT s.hits, s.misses, s.fills, s.errors, coalesce(s.skips_by_reason, '{}') AS skips
      INTO cur FROM cachebot.stats s;
    SELECT * INTO prev FROM stats_seen;
    hits := cur.hits - prev.hits;
    misses := cur.misses - prev.misses;
    fills := cur.fills - prev.fills;
    errors := cur.errors - prev.errors;
    SELECT coalesce(jsonb_object_agg(key, value::bigint - coalesce((prev.skips ->> key)::bigint, 0)), '{}')
      INTO skipped
      FROM jsonb_each_text(cur.skips)
     WHERE value::bigint <> coalesce((prev.skips ->> key)::bigint, 0);
    UPDATE stats_seen SET hits = cur.hits, misses = cur.misses, fills = cur.fills,
                          errors = cur.errors, skips = cur.skips;
END;
$$;
