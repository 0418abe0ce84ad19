-- Cursors: DECLARE without SCROLL (psycopg2's named cursors, Django's
-- iterator()), SCROLL, NO SCROLL, WITH HOLD. A cursor's statement is its
-- query: its hint is read there, and the cursor's name is not in the key.
\i test/sql/include/stats_delta.sql
CREATE TABLE cur (id int PRIMARY KEY, grp int NOT NULL, v text);
INSERT INTO cur SELECT i, i % 2, 'v' || i FROM generate_series(1, 9) i;
SELECT cachebot.track('cur');
SELECT * FROM stats_delta();

-- declared without SCROLL over a plan that can run backward, a cursor is made
-- scrollable by PostgreSQL; fetched forward in pieces, it fills
BEGIN;
DECLARE c1 CURSOR FOR SELECT /* cache */ id, v FROM cur WHERE grp = 1 ORDER BY id;
SELECT is_scrollable FROM pg_cursors WHERE name = 'c1';
FETCH 2 FROM c1;
FETCH 2 FROM c1;
FETCH 2 FROM c1;
CLOSE c1;
COMMIT;
SELECT * FROM stats_delta();
-- a cursor of another name is a hit, served in the same pieces, and backward
BEGIN;
DECLARE c2 CURSOR FOR SELECT /* cache */ id, v FROM cur WHERE grp = 1 ORDER BY id;
FETCH 2 FROM c2;
FETCH 2 FROM c2;
FETCH 2 FROM c2;
FETCH BACKWARD 2 FROM c2;
FETCH PRIOR FROM c2;
FETCH ABSOLUTE 5 FROM c2;
FETCH FIRST FROM c2;
MOVE BACKWARD ALL IN c2;
FETCH ALL FROM c2;
CLOSE c2;
COMMIT;
SELECT * FROM stats_delta();
-- so are the plain statement of the same text, a name holding FOR, and a
-- cursor declared in a string of several statements
SELECT /* cache */ id, v FROM cur WHERE grp = 1 ORDER BY id;
BEGIN;
DECLARE "for c" SCROLL CURSOR WITHOUT HOLD FOR SELECT /* cache */ id, v FROM cur WHERE grp = 1 ORDER BY id;
FETCH 3 FROM "for c";
CLOSE "for c";
SELECT 1 \; DECLARE c3 CURSOR FOR SELECT /* cache */ id, v FROM cur WHERE grp = 1 ORDER BY id \; FETCH 1 FROM c3;
COMMIT;
SELECT * FROM stats_delta();

-- fetched backward while it fills: the fill stops (a cursor skip), the rows are right
BEGIN;
DECLARE c4 CURSOR FOR SELECT /* cache */ id, v FROM cur WHERE grp = 0 ORDER BY id;
FETCH 2 FROM c4;
FETCH PRIOR FROM c4;
FETCH ALL FROM c4;
CLOSE c4;
-- rewound while it fills (FETCH ABSOLUTE, MOVE BACKWARD ALL): no rows taken twice
DECLARE c5 CURSOR FOR SELECT /* cache */ id, v FROM cur WHERE grp = 0 ORDER BY id;
FETCH 2 FROM c5;
FETCH ABSOLUTE 1 FROM c5;
FETCH ALL FROM c5;
CLOSE c5;
DECLARE c6 CURSOR FOR SELECT /* cache */ id, v FROM cur WHERE grp = 0 ORDER BY id;
MOVE FORWARD 2 IN c6;
MOVE BACKWARD ALL IN c6;
FETCH ALL FROM c6;
CLOSE c6;
COMMIT;
SELECT * FROM stats_delta();
SELECT /* cache */ id, v FROM cur WHERE grp = 0 ORDER BY id;
SELECT * FROM stats_delta();

-- over a plan that cannot run backward, a cursor declared without SCROLL is
-- not scrollable: a backward fetch is PostgreSQL's error, on a miss and on a hit
BEGIN;
DECLARE n1 CURSOR FOR SELECT /* cache */ id, count(*) OVER () FROM cur WHERE grp = 1 ORDER BY id;
SELECT is_scrollable FROM pg_cursors WHERE name = 'n1';
FETCH 2 FROM n1;
FETCH BACKWARD 1 FROM n1;
ROLLBACK;
BEGIN;
DECLARE n2 CURSOR FOR SELECT /* cache */ id, count(*) OVER () FROM cur WHERE grp = 1 ORDER BY id;
FETCH ALL FROM n2;
CLOSE n2;
DECLARE n3 CURSOR FOR SELECT /* cache */ id, count(*) OVER () FROM cur WHERE grp = 1 ORDER BY id;
SELECT is_scrollable FROM pg_cursors WHERE name = 'n3';
FETCH 2 FROM n3;
FETCH PRIOR FROM n3;
ROLLBACK;
SELECT * FROM stats_delta();
-- declared SCROLL, the same plan gets a Material node; fetched forward it
-- fills, and a hit serves any direction
BEGIN;
DECLARE s1 SCROLL CURSOR FOR SELECT /* cache */ id, count(*) OVER () FROM cur WHERE grp = 0 ORDER BY id;
FETCH ALL FROM s1;
FETCH BACKWARD 2 FROM s1;
CLOSE s1;
DECLARE s2 SCROLL CURSOR FOR SELECT /* cache */ id, count(*) OVER () FROM cur WHERE grp = 0 ORDER BY id;
FETCH LAST FROM s2;
FETCH BACKWARD 2 FROM s2;
FETCH ABSOLUTE 2 FROM s2;
FETCH RELATIVE 1 FROM s2;
FETCH FIRST FROM s2;
FETCH BACKWARD ALL FROM s2;
CLOSE s2;
COMMIT;
SELECT * FROM stats_delta();

-- WITH HOLD, declared outside a transaction block: the DECLARE's commit runs
-- it to its end, which fills; another is a hit
DECLARE h1 CURSOR WITH HOLD FOR SELECT /* cache */ id, v FROM cur WHERE id > 6 ORDER BY id;
FETCH 2 FROM h1;
FETCH BACKWARD 1 FROM h1;
FETCH ALL FROM h1;
CLOSE h1;
SELECT * FROM stats_delta();
DECLARE h2 CURSOR WITH HOLD FOR SELECT /* cache */ id, v FROM cur WHERE id > 6 ORDER BY id;
FETCH ALL FROM h2;
FETCH ABSOLUTE 1 FROM h2;
CLOSE h2;
SELECT * FROM stats_delta();
-- fetched in part before the commit that keeps it, a scrollable one is run
-- again from its start into the cursor's store: no fill, and the rows are right
BEGIN;
DECLARE h3 CURSOR WITH HOLD FOR SELECT /* cache */ id, v FROM cur WHERE id > 3 ORDER BY id;
FETCH 2 FROM h3;
COMMIT;
FETCH ALL FROM h3;
FETCH ABSOLUTE 1 FROM h3;
CLOSE h3;
SELECT * FROM stats_delta();
-- a NO SCROLL one keeps only its rest: the fill completes at the commit
BEGIN;
DECLARE h4 NO SCROLL CURSOR WITH HOLD FOR SELECT /* cache */ id, v FROM cur WHERE id > 3 ORDER BY id;
FETCH 2 FROM h4;
COMMIT;
FETCH ALL FROM h4;
CLOSE h4;
SELECT * FROM stats_delta();
SELECT /* cache */ id, v FROM cur WHERE id > 3 ORDER BY id;
SELECT * FROM stats_delta();

-- fresh after an update: the next cursor shows the changed row, and fills again
UPDATE cur SET v = 'changed' WHERE id = 7;
BEGIN;
DECLARE c7 CURSOR FOR SELECT /* cache */ id, v FROM cur WHERE grp = 1 ORDER BY id;
FETCH 2 FROM c7;
FETCH 2 FROM c7;
FETCH 2 FROM c7;
CLOSE c7;
DECLARE c8 CURSOR FOR SELECT /* cache */ id, v FROM cur WHERE grp = 1 ORDER BY id;
FETCH 2 FROM c8;
FETCH 2 FROM c8;
FETCH 2 FROM c8;
CLOSE c8;
COMMIT;
SELECT * FROM stats_delta();

-- a session does not wait for its own fill: an open cursor holds the fill
-- lease of its query, and the same statement run meanwhile fills at once
-- (no fill_wait skip) while the cursor's fill is still open
BEGIN;
DECLARE c9 CURSOR FOR SELECT /* cache */ id, v FROM cur WHERE grp = 0 ORDER BY id;
FETCH 1 FROM c9;
SELECT /* cache */ id, v FROM cur WHERE grp = 0 ORDER BY id;
SELECT * FROM stats_delta();
FETCH ALL FROM c9;
CLOSE c9;
COMMIT;
SELECT * FROM stats_delta();

DROP TABLE cur;
DROP FUNCTION stats_delta();
DROP TABLE stats_seen;
