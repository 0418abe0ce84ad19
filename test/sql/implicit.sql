-- cache_get and cache_all: caching without a hint.
CREATE TABLE item (id int PRIMARY KEY, sku text UNIQUE, kind int, name text);
CREATE TABLE pair (a int, b int, v text, UNIQUE (a, b));
CREATE TABLE plain (id int);
INSERT INTO item SELECT i, 'sku' || i, i % 3, 'item ' || i FROM generate_series(1, 30) i;
INSERT INTO pair VALUES (1, 1, 'one-one'), (1, 2, 'one-two');
SELECT cachebot.track('item');
SELECT cachebot.track('pair');
CREATE TEMP VIEW s AS SELECT hits, misses, fills, skips FROM cachebot.stats;

-- off by default: unhinted statements never touch the cache
SELECT cachebot.reset_stats();
SELECT name FROM item WHERE id = 7;
SELECT name FROM item WHERE id = 7;
SELECT * FROM s;

-- cache_get: lookups by primary key or unique key, whatever the plan
SET cachebot.cache_get = on;
SELECT cachebot.reset_stats();
SELECT name FROM item WHERE id = 7;
SELECT name FROM item WHERE id = 7;
SELECT name FROM item WHERE sku = 'sku8';
SELECT name FROM item WHERE sku = 'sku8';
SELECT v FROM pair WHERE a = 1 AND b = 2;
SELECT v FROM pair WHERE a = 1 AND b = 2;
SELECT * FROM s;
-- ...not other statements, and not behind nocache
SELECT cachebot.reset_stats();
SELECT count(*) FROM item WHERE kind = 1;
SELECT v FROM pair WHERE a = 1 ORDER BY b;
SELECT /* nocache */ name FROM item WHERE id = 7;
SELECT * FROM s;
-- a write to the row is seen
UPDATE item SET name = 'renamed' WHERE id = 7;
SELECT name FROM item WHERE id = 7;
RESET cachebot.cache_get;

-- cache_all: every eligible statement; the ineligible ones run as usual, uncounted and unwarned
SET cachebot.cache_all = on;
SELECT cachebot.reset_stats();
SELECT count(*) FROM item WHERE kind = 1;
SELECT count(*) FROM item WHERE kind = 1;
SELECT count(*) FROM plain;
SELECT count(*) FROM item WHERE name > now()::text;
SELECT * FROM s;
RESET cachebot.cache_all;

-- per table: track(..., cache_all => true) for item only
SELECT cachebot.track('item', cache_all => true);
SELECT "table", keyed_columns FROM cachebot.tracked_tables ORDER BY "table"::text;
SELECT cachebot.reset_stats();
SELECT count(*) FROM item WHERE kind = 2;
SELECT count(*) FROM item WHERE kind = 2;
SELECT count(*) FROM pair;
SELECT count(*) FROM pair;
SELECT * FROM s;
-- ...and per table off, whatever the setting
SELECT cachebot.track('item', cache_all => false);
SET cachebot.cache_all = on;
SELECT cachebot.reset_stats();
SELECT count(*) FROM item WHERE kind = 2;
SELECT count(*) FROM pair;
SELECT count(*) FROM pair;
SELECT * FROM s;
RESET cachebot.cache_all;

-- cache_get, ORM-shaped: get() sends LIMIT 21, first() ORDER BY pk LIMIT 1; still
-- lookups of one row. Repeated (simple protocol), they are hits served before planning
SELECT cachebot.track('item');
SET cachebot.cache_get = on;
SELECT cachebot.reset_stats();
SELECT id, name FROM item WHERE id = 11 LIMIT 21;
SELECT id, name FROM item WHERE id = 11 LIMIT 21;
SELECT id, name FROM item WHERE id = 12 ORDER BY id ASC LIMIT 1;
SELECT id, name FROM item WHERE id = 12 ORDER BY id ASC LIMIT 1;
SELECT id, name FROM item WHERE sku = 'sku13' OFFSET 0 LIMIT 1;
SELECT id, name FROM item WHERE sku = 'sku13' OFFSET 0 LIMIT 1;
SELECT v FROM pair WHERE b = 2 AND a = 1 AND v IS NOT NULL LIMIT 21;
SELECT v FROM pair WHERE b = 2 AND a = 1 AND v IS NOT NULL LIMIT 21;
SELECT hits, hits_unplanned, misses, fills FROM cachebot.stats;
-- a write to the row is seen: a miss showing it, then a hit showing it
UPDATE item SET name = 'renamed 11' WHERE id = 11;
UPDATE item SET name = 'renamed 12' WHERE id = 12;
UPDATE item SET name = 'renamed 13' WHERE id = 13;
SELECT cachebot.reset_stats();
SELECT id, name FROM item WHERE id = 11 LIMIT 21;
SELECT id, name FROM item WHERE id = 12 ORDER BY id ASC LIMIT 1;
SELECT id, name FROM item WHERE sku = 'sku13' OFFSET 0 LIMIT 1;
SELECT id, name FROM item WHERE id = 11 LIMIT 21;
SELECT id, name FROM item WHERE id = 12 ORDER BY id ASC LIMIT 1;
SELECT id, name FROM item WHERE sku = 'sku13' OFFSET 0 LIMIT 1;
SELECT hits, hits_unplanned, misses, fills FROM cachebot.stats;
-- with parameters (LIMIT among them) it is decided on its plan: hits, not before planning
PREPARE get_item(int, bigint) AS SELECT id, name FROM item WHERE id = $1 LIMIT $2;
SELECT cachebot.reset_stats();
EXECUTE get_item(14, 21);
EXECUTE get_item(14, 21);
SELECT hits, hits_unplanned, misses, fills FROM cachebot.stats;
DEALLOCATE get_item;
-- not lookups of one row, with LIMIT or not: a column that is not unique, a
-- unique key fixed in part, a limit read from a table; run uncached, uncounted
SELECT cachebot.reset_stats();
SELECT name FROM item WHERE kind = 1 ORDER BY id LIMIT 2;
SELECT name FROM item WHERE kind = 1 ORDER BY id LIMIT 2;
SELECT v FROM pair WHERE a = 1 ORDER BY b LIMIT 1;
SELECT v FROM pair WHERE a = 1 ORDER BY b LIMIT 1;
SELECT name FROM item WHERE id = 7 LIMIT (SELECT count(*) FROM item);
SELECT name FROM item WHERE id = 7 LIMIT (SELECT count(*) FROM item);
SELECT name FROM item WHERE id = 7 OR id = 8 ORDER BY id LIMIT 1;
SELECT name FROM item WHERE id = 7 OR id = 8 ORDER BY id LIMIT 1;
SELECT hits, hits_unplanned, misses, fills, skips FROM cachebot.stats;
RESET cachebot.cache_get;

-- cache_all: unhinted statements are served before planning too, and stay fresh
SET cachebot.cache_all = on;
SELECT cachebot.reset_stats();
SELECT count(*) FROM item WHERE kind = 1;
SELECT count(*) FROM item WHERE kind = 1;
SELECT hits, hits_unplanned, misses, fills FROM cachebot.stats;
INSERT INTO item VALUES (31, 'sku31', 1, 'item 31');
SELECT count(*) FROM item WHERE kind = 1;
SELECT count(*) FROM item WHERE kind = 1;
SELECT hits, hits_unplanned, misses, fills FROM cachebot.stats;
RESET cachebot.cache_all;

DROP TABLE item, pair, plain;
