--
-- types: a cached result gives back every value exactly as the statement
-- computes it, whatever its type: each hinted statement runs twice, the
-- first run (a miss: the plan really runs) and the second (a hit, proved by
-- the counters) must print the same rows.
--
SELECT cachebot.reset_stats();
SET DateStyle = 'ISO, MDY';
SET TimeZone = 'UTC';
SET extra_float_digits = 1;
SET bytea_output = 'hex';
\pset null '<NULL>'

\i test/sql/include/stats_delta.sql

CREATE TYPE types_mood AS ENUM ('sad', 'ok', 'happy');
CREATE TYPE types_pair AS (a int, b text);
CREATE DOMAIN types_posint AS int CHECK (VALUE > 0);
CREATE TABLE types_t (
    id int PRIMARY KEY,
    i  int,
    b  bigint,
    n  numeric,
    f  float8,
    t  text,
    by bytea,
    j  jsonb,
    ia int[],
    ta text[],
    c  types_pair,
    e  types_mood,
    dm types_posint,
    r  int4range,
    ts timestamp,
    tz timestamptz,
    d  date
);
INSERT INTO types_t VALUES
 (1, -2147483648, 9223372036854775807, 1.50, 0.1, 'hello', '\x00ff10',
  '{"b": [1, 2.50, null], "a": "x"}', '{1,2,3}', '{a,"b c",NULL}', ROW(1, 'one'),
  'happy', 42, '[1,10)', '2024-02-29 23:59:59.123456', '2024-02-29 23:59:59.123456+00',
  '2024-02-29'),
 (2, 2147483647, -9223372036854775808, 'NaN', 'Infinity', '', '',
  '[]', '{}', '{}', ROW(NULL, NULL),
  'sad', 1, 'empty', 'infinity', '-infinity', '-infinity'),
 (3, 0, 0, -123456789012345678901234567890.123456789012345678901, 'NaN', E'two\nlines \\ "q"', '\x5c27',
  'null', '{{1,2},{3,4}}', '{"",NULL,"NULL"}', ROW(3, ''),
  'ok', 2147483647, '(,5]', '-infinity', 'infinity', '0044-03-15 BC'),
 (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (5, -1, 1, 0.000000000000000000001, 0.30000000000000004, repeat('abc', 5000), decode(repeat('00', 8), 'hex'),
  '"str"', '[0:1]={5,NULL}', '{"x,y","q\"t"}', ROW(5, 'a,b'),
  'ok', 7, '[-3,)', '1999-12-31 00:00:00', '1999-12-31 19:00:00-05', '1999-12-31');
SELECT cachebot.track('types_t');
SELECT * FROM stats_delta();

-- numbers: int and bigint extremes, numeric keeps its scale (1.50), NaN,
-- 51 significant digits, float8 0.1, Infinity, NaN, 0.1 + 0.2
SELECT /* cache */ id, i, b, n, f FROM types_t ORDER BY id;
SELECT /* cache */ id, i, b, n, f FROM types_t ORDER BY id;
SELECT * FROM stats_delta();

-- text (empty, newline, backslash; row 5 is a 15000-character value stored
-- compressed in line), bytea (hex), jsonb (JSON null is not SQL NULL)
SELECT /* cache */ id, left(t, 12) AS t_prefix, length(t) AS t_len, by, j
  FROM types_t ORDER BY id;
SELECT /* cache */ id, left(t, 12) AS t_prefix, length(t) AS t_len, by, j
  FROM types_t ORDER BY id;
SELECT * FROM stats_delta();
SELECT /* cache */ id, t FROM types_t WHERE id = 3;
SELECT /* cache */ id, t FROM types_t WHERE id = 3;
SELECT * FROM stats_delta();
-- the compressed in-line value itself, as the hit sent it
SELECT /* cache */ t FROM types_t WHERE id = 5 \gset hit_
SELECT /* cache */ t FROM types_t WHERE id = 5 \gset hit_
SELECT * FROM stats_delta();
SELECT length(:'hit_t') AS hit_len, md5(:'hit_t') = md5(t) AS same_md5, :'hit_t' = t AS same
  FROM types_t WHERE id = 5;

-- arrays (empty, two dimensions, lower bound 0, NULL elements and the
-- string "NULL"), a composite, a range
SELECT /* cache */ id, ia, ta, c, r FROM types_t ORDER BY id;
SELECT /* cache */ id, ia, ta, c, r FROM types_t ORDER BY id;
SELECT * FROM stats_delta();
SELECT /* cache */ id, array_lower(ia, 1) AS lo, ia[0] AS ia0, (c).b AS cb, upper_inf(r) AS open_end
  FROM types_t ORDER BY id;
SELECT /* cache */ id, array_lower(ia, 1) AS lo, ia[0] AS ia0, (c).b AS cb, upper_inf(r) AS open_end
  FROM types_t ORDER BY id;
SELECT * FROM stats_delta();

-- an enum (in its own sort order), a domain, timestamp, timestamptz, date
SELECT /* cache */ id, e, dm, ts, tz, d FROM types_t ORDER BY e, id;
SELECT /* cache */ id, e, dm, ts, tz, d FROM types_t ORDER BY e, id;
SELECT * FROM stats_delta();

-- a row that is NULL in every column
\x on
SELECT /* cache */ * FROM types_t WHERE id = 4;
SELECT /* cache */ * FROM types_t WHERE id = 4;
\x off
SELECT * FROM stats_delta();

-- a zero-row result, and a result with rows but no columns
SELECT /* cache */ * FROM types_t WHERE id > 100;
SELECT /* cache */ * FROM types_t WHERE id > 100;
SELECT * FROM stats_delta();
SELECT /* cache */ FROM types_t;
SELECT /* cache */ FROM types_t;
SELECT * FROM stats_delta();

-- a hit is never stale: after a change, the numbers query above misses and
-- shows the new value (2.500, its scale kept), then hits again
UPDATE types_t SET n = 2.500 WHERE id = 1;
SELECT /* cache */ id, i, b, n, f FROM types_t ORDER BY id;
SELECT /* cache */ id, i, b, n, f FROM types_t ORDER BY id;
SELECT * FROM stats_delta();

--
-- output settings: the cached tuples are rendered when they are sent.
-- extra_float_digits, DateStyle, TimeZone and bytea_output are part of the
-- key (a cast inside a statement depends on them), so a change is a miss
-- rendered with the new setting; going back hits the first entry, rendered
-- with the old one.
--
SELECT /* cache */ id, f, ts, tz, d FROM types_t WHERE id IN (1, 5) ORDER BY id;
SELECT /* cache */ id, f, ts, tz, d FROM types_t WHERE id IN (1, 5) ORDER BY id;
SELECT * FROM stats_delta();
SET extra_float_digits = 0;
SELECT /* cache */ id, f, ts, tz, d FROM types_t WHERE id IN (1, 5) ORDER BY id;
SELECT /* cache */ id, f, ts, tz, d FROM types_t WHERE id IN (1, 5) ORDER BY id;
SELECT * FROM stats_delta();
RESET extra_float_digits;
SET DateStyle = 'SQL, DMY';
SET TimeZone = 'America/New_York';
SELECT /* cache */ id, f, ts, tz, d FROM types_t WHERE id IN (1, 5) ORDER BY id;
SELECT /* cache */ id, f, ts, tz, d FROM types_t WHERE id IN (1, 5) ORDER BY id;
SELECT * FROM stats_delta();
SET DateStyle = 'ISO, MDY';
SET TimeZone = 'UTC';
SET extra_float_digits = 1;
SELECT /* cache */ id, f, ts, tz, d FROM types_t WHERE id IN (1, 5) ORDER BY id;
SELECT * FROM stats_delta();

-- bytea both ways: hex, then escape
SELECT /* cache */ id, by FROM types_t ORDER BY id;
SELECT /* cache */ id, by FROM types_t ORDER BY id;
SELECT * FROM stats_delta();
SET bytea_output = 'escape';
SELECT /* cache */ id, by FROM types_t ORDER BY id;
SELECT /* cache */ id, by FROM types_t ORDER BY id;
SELECT * FROM stats_delta();
RESET bytea_output;
SELECT /* cache */ id, by FROM types_t ORDER BY id;
SELECT * FROM stats_delta();

-- array_nulls decides how the same text parses: a result cached with it on
-- must not be served with it off (the literal's third element is then the
-- string "NULL", and row 3 no longer matches)
SELECT /* cache */ id FROM types_t WHERE ta = '{"",NULL,"NULL"}';
SELECT /* cache */ id FROM types_t WHERE ta = '{"",NULL,"NULL"}';
SET array_nulls = off;
SELECT /* cache */ id FROM types_t WHERE ta = '{"",NULL,"NULL"}';
SELECT id FROM types_t WHERE ta = '{"",NULL,"NULL"}';
RESET array_nulls;
SELECT * FROM stats_delta() \gset

--
-- out-of-line values: the entry holds the value itself, not a TOAST pointer
--
CREATE TABLE types_big (id int PRIMARY KEY, v text);
ALTER TABLE types_big ALTER COLUMN v SET STORAGE EXTERNAL;
-- 736,000 and 1,280,000 characters of hex digits, stored uncompressed out of line
INSERT INTO types_big
  SELECT 1, string_agg(md5(g::text), '' ORDER BY g) FROM generate_series(1, 23000) g;
INSERT INTO types_big
  SELECT 2, string_agg(md5(g::text), '' ORDER BY g) FROM generate_series(1, 40000) g;
SELECT id, length(v), md5(v) FROM types_big ORDER BY id;
SELECT pg_relation_size(reltoastrelid) > 1500000 AS out_of_line
  FROM pg_class WHERE oid = 'types_big'::regclass;
SELECT cachebot.track('types_big');
SELECT * FROM stats_delta() \gset
SELECT bytes_filled AS filled_before FROM cachebot.stats \gset
-- 736 kB fits the default cachebot.max_entry_size (1MB)
SHOW cachebot.max_entry_size;
SELECT /* cache */ v FROM types_big WHERE id = 1 \gset miss_
SELECT /* cache */ v FROM types_big WHERE id = 1 \gset hit_
SELECT * FROM stats_delta();
SELECT bytes_filled - :filled_before > 736000 AS entry_holds_the_value FROM cachebot.stats;
SELECT length(:'miss_v') AS miss_len, md5(:'miss_v') AS miss_md5,
       length(:'hit_v') AS hit_len, md5(:'hit_v') AS hit_md5,
       :'hit_v' = v AS hit_is_the_value
  FROM types_big WHERE id = 1;
-- 1.28 MB does not fit: not cached (too_large), still the right value, twice
SELECT /* cache */ v FROM types_big WHERE id = 2 \gset big1_
SELECT /* cache */ v FROM types_big WHERE id = 2 \gset big2_
SELECT * FROM stats_delta();
SELECT length(:'big1_v') AS len1, length(:'big2_v') AS len2,
       md5(:'big1_v') = md5(v) AS same1, :'big2_v' = v AS same2
  FROM types_big WHERE id = 2;
-- under a larger limit it is cached (the store has room: cachebot.shmem_size
-- is 64MB)
SET cachebot.max_entry_size = '4MB';
SELECT /* cache */ v FROM types_big WHERE id = 2 \gset big1_
SELECT /* cache */ v FROM types_big WHERE id = 2 \gset big2_
SELECT * FROM stats_delta();
SELECT length(:'big2_v') AS hit_len, md5(:'big2_v') AS hit_md5, :'big2_v' = v AS same
  FROM types_big WHERE id = 2;
RESET cachebot.max_entry_size;
-- a result that passes the limit part-way through still sends every row,
-- and is counted as too_large
SET cachebot.max_entry_size = '1kB';
SELECT /* cache */ g, md5(g::text) FROM generate_series(1, 20) g;
SELECT /* cache */ g, md5(g::text) FROM generate_series(1, 20) g;
SELECT * FROM stats_delta();
RESET cachebot.max_entry_size;

DROP TABLE types_big;
DROP TABLE types_t;
DROP DOMAIN types_posint;
DROP TYPE types_pair;
DROP TYPE types_mood;
DROP FUNCTION stats_delta();
DROP TABLE stats_seen;
