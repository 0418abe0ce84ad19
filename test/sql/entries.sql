--
-- entries: whatever the store hands back is checked before a byte of it is
-- used. Each case damages the stored entry of a statement (its checksum, if
-- the store keeps one, kept right, as a store that lies would), then reads
-- it: the right rows, a miss, an error counted, and the refilled entry hits
-- again.
--
SELECT cachebot.reset_stats();
CREATE TABLE ent (id int PRIMARY KEY, v text, n int);
INSERT INTO ent SELECT g, repeat('v', g), g * 10 FROM generate_series(1, 20) g;
UPDATE ent SET n = NULL WHERE id = 4;
SELECT cachebot.track('ent');
\i test/sql/include/stats_delta.sql

-- short values (one-byte headers) and a NULL in the middle
\set q1 'SELECT /* cache */ v, n, id FROM ent WHERE id IN (3, 4) ORDER BY id'
-- a long value (four-byte header) first: read into a variable and checked
\set q2 'SELECT /* cache */ repeat(v, 20) AS v, id FROM ent WHERE id = 7'
\set q2_right 'SELECT length(:\'v\') AS len, :\'v\' = repeat(\'v\', 140) AS right_value'
:q1;
:q1;
:q2 \gset
:q2_right;
:q2 \gset
:q2_right;
SELECT hits, misses, fills, errors FROM stats_delta();

-- each damage: refused, right rows, counted; then filled and served again
SELECT cachebot._corrupt_entry(:'q1', 'ntuples');
:q1;
:q1;
SELECT hits, misses, fills, errors FROM stats_delta();
SELECT cachebot._corrupt_entry(:'q1', 'tuple_length');
:q1;
:q1;
SELECT hits, misses, fills, errors FROM stats_delta();
SELECT cachebot._corrupt_entry(:'q1', 'natts');
:q1;
:q1;
SELECT hits, misses, fills, errors FROM stats_delta();
SELECT cachebot._corrupt_entry(:'q1', 'hoff');
:q1;
:q1;
SELECT hits, misses, fills, errors FROM stats_delta();
SELECT cachebot._corrupt_entry(:'q1', 'value_length');
:q1;
:q1;
SELECT hits, misses, fills, errors FROM stats_delta();
SELECT cachebot._corrupt_entry(:'q1', 'external');
:q1;
:q1;
SELECT hits, misses, fills, errors FROM stats_delta();
SELECT cachebot._corrupt_entry(:'q2', 'value_length');
:q2 \gset
:q2_right;
:q2 \gset
:q2_right;
SELECT hits, misses, fills, errors FROM stats_delta();
SELECT cachebot._corrupt_entry(:'q2', 'compressed');
:q2 \gset
:q2_right;
:q2 \gset
:q2_right;
SELECT hits, misses, fills, errors FROM stats_delta();
SELECT cachebot._corrupt_entry(:'q1', 'fingerprint_length');
:q1;
:q1;
SELECT hits, misses, fills, errors FROM stats_delta();
SELECT cachebot._corrupt_entry(:'q1', 'ndeps');
:q1;
:q1;
SELECT hits, misses, fills, errors FROM stats_delta();
SELECT cachebot._corrupt_entry(:'q1', 'npermissions');
:q1;
:q1;
SELECT hits, misses, fills, errors FROM stats_delta();
SELECT cachebot._corrupt_entry(:'q1', 'nfunctions');
:q1;
:q1;
SELECT hits, misses, fills, errors FROM stats_delta();
SELECT cachebot._corrupt_entry(:'q1', 'truncated');
:q1;
:q1;
SELECT hits, misses, fills, errors FROM stats_delta();
SELECT cachebot._corrupt_entry(:'q1', 'trailing');
:q1;
:q1;
SELECT hits, misses, fills, errors FROM stats_delta();
-- another key's entry (a store that swapped two values)
SELECT cachebot._corrupt_entry(:'q1', 'fingerprint');
:q1;
:q1;
SELECT hits, misses, fills, errors FROM stats_delta();

-- an entry with notes (the keys its fill derived, here from an InitPlan's value):
-- a count, a length or a string that does not add up is refused the same way
\set q3 'SELECT /* cache */ v FROM ent WHERE id = (SELECT n / 10 FROM ent WHERE id = 5)'
:q3;
SELECT cached, stored FROM cachebot.explain(:'q3');
SELECT hits, misses, fills, errors FROM stats_delta();
SELECT cachebot._corrupt_entry(:'q3', 'nnotes');
:q3;
:q3;
SELECT hits, misses, fills, errors FROM stats_delta();
SELECT cachebot._corrupt_entry(:'q3', 'notes_length');
:q3;
:q3;
SELECT hits, misses, fills, errors FROM stats_delta();
SELECT cachebot._corrupt_entry(:'q3', 'note_unterminated');
:q3;
:q3;
SELECT hits, misses, fills, errors FROM stats_delta();
SELECT cached, stored FROM cachebot.explain(:'q3');

-- a statement served before planning reads the entry the same way
SELECT cachebot._corrupt_entry(:'q1', 'value_length');
SELECT hits_unplanned AS unplanned_before FROM cachebot.stats \gset
:q1;
SELECT hits_unplanned - :unplanned_before AS served_unplanned FROM cachebot.stats;
:q1;
SELECT hits_unplanned - :unplanned_before AS served_unplanned FROM cachebot.stats;
SELECT hits, misses, fills, errors FROM stats_delta();

-- an entry whose privilege checks straddle the builder's first kilobyte reads back:
-- the statements' texts (in their keys) grow by 8 bytes each, so one of them makes
-- the buffer move while the privilege checks are appended
SELECT * FROM stats_delta() \gset
\set ECHO none
\o /dev/null
SELECT format('SELECT /* cache */ e.id, f.id AS fid, %L AS pad FROM ent e JOIN ent f ON f.id = e.id WHERE e.id = 1',
              repeat('x', 500 + 8 * n)) AS q
  FROM generate_series(0, 63) n \gexec
SELECT format('SELECT /* cache */ e.id, f.id AS fid, %L AS pad FROM ent e JOIN ent f ON f.id = e.id WHERE e.id = 1',
              repeat('x', 500 + 8 * n)) AS q
  FROM generate_series(0, 63) n \gexec
\o
\set ECHO all
SELECT hits, misses, fills, errors FROM stats_delta();

-- only superusers may damage entries
CREATE ROLE cachebot_regress_ent;
SET ROLE cachebot_regress_ent;
SELECT cachebot._corrupt_entry(:'q1', 'ntuples');
RESET ROLE;
DROP ROLE cachebot_regress_ent;
DROP FUNCTION stats_delta();
DROP TABLE ent, stats_seen;
