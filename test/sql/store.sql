-- The embedded store: when full it evicts; an evicted entry is a miss with the right rows.
CREATE TABLE blob (id int PRIMARY KEY, seed text);
INSERT INTO blob VALUES (1, 'seed');
SELECT cachebot.track('blob');
SELECT cachebot.flush();
SELECT cachebot.reset_stats();
-- about 100 kB per entry, 1,000 entries: more than the 64MB store holds
CREATE FUNCTION big_sql(n int) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT format('SELECT /* cache */ repeat(md5(seed || %s), 3000) AS payload FROM blob', n) $$;
CREATE FUNCTION big_expected(n int) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT repeat(md5('seed' || n), 3000) $$;
-- (each statement sent on its own, as a client would: \gexec)
\set ECHO none
\o /dev/null
SELECT big_sql(n) FROM generate_series(1, 1000) n \gexec
\o
\set ECHO all
SELECT fills = 1000 AS all_filled, evictions > 0 AS evicted,
       entries < 1000 AS fewer_entries, entries + evictions = fills AS every_entry_accounted,
       bytes <= 64 * 1024 * 1024 AS within_size
  FROM cachebot.stats;
-- the oldest entries are gone (misses), the newest are served (hits); all rows are right
SELECT cachebot.reset_stats();
\pset tuples_only on
\pset format unaligned
\set ECHO none
\o results/store_payloads.txt
SELECT big_sql(n) FROM generate_series(1, 1000, 50) n \gexec
SELECT big_sql(1000) \gexec
\o
\set ECHO all
\pset tuples_only off
\pset format aligned
CREATE TEMP TABLE payloads (i serial, payload text);
\copy payloads (payload) FROM 'results/store_payloads.txt'
SELECT count(*) AS read_back,
       count(*) FILTER (WHERE payload IS DISTINCT FROM
                        big_expected(CASE WHEN i <= 20 THEN 1 + (i - 1) * 50 ELSE 1000 END)) AS wrong
  FROM payloads;
SELECT hits > 0 AS some_hits, misses > 0 AS some_misses, errors FROM cachebot.stats;
-- a result over cachebot.max_entry_size is not stored, and still returned whole
SET cachebot.max_entry_size = '64kB';
SELECT cachebot.reset_stats();
SELECT /* cache */ repeat(md5(seed), 3000) AS payload FROM blob \gset
SELECT length(:'payload'), md5(:'payload') = md5(repeat(md5('seed'), 3000)) AS right_rows;
SELECT /* cache */ repeat(md5(seed), 3000) AS payload FROM blob \gset
SELECT length(:'payload'), md5(:'payload') = md5(repeat(md5('seed'), 3000)) AS right_rows;
SELECT hits, fills, skips_by_reason FROM cachebot.stats;
RESET cachebot.max_entry_size;
DROP FUNCTION big_sql(int), big_expected(int);
DROP TABLE blob;
