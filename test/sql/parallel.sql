-- parallel: a hinted statement with a parallel plan. The leader decides,
-- fills and serves it; its workers run parts of the plan and decide nothing
-- (no skip counted per worker); the entry is fresh after a write.
CREATE TABLE par (id int PRIMARY KEY, grp int NOT NULL, v int NOT NULL);
INSERT INTO par SELECT g, g % 10, g FROM generate_series(1, 20000) g;
ANALYZE par;
SELECT cachebot.track('par');
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT /* cache */ grp, sum(v) FROM par GROUP BY grp ORDER BY grp;
SELECT cachebot.reset_stats();
SELECT /* cache */ grp, sum(v) FROM par GROUP BY grp ORDER BY grp;
SELECT /* cache */ grp, sum(v) FROM par GROUP BY grp ORDER BY grp;
-- a miss that fills, then a hit; nothing skipped (no "nested" from the workers)
SELECT hits, misses, fills, skips, skips_by_reason = '{}' AS no_skip_reasons FROM cachebot.stats;
UPDATE par SET v = v + 1000 WHERE id = 10;
SELECT /* cache */ grp, sum(v) FROM par GROUP BY grp ORDER BY grp;
SELECT /* nocache */ sum(v) FROM par WHERE grp = 0;
SELECT hits, misses, fills, skips FROM cachebot.stats;
DROP TABLE par;
