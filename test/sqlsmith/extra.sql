-- cachebot sqlsmith run: statements test/sqlsmith.sh puts first in the
-- differential check's list (one per line; lines starting with -- are
-- skipped), for what sqlsmith does not write: ROW() and other anonymous
-- records, system columns that change with no write, relations a statement
-- names but PostgreSQL never reads.
--
-- Anonymous records: a hit replays tuples whose record typmods are those of
-- the session that filled them.  In onB (a new session) the first statement
-- is a hit, the second (never cached: random()) registers its row type
-- first, so the third's entry (filled in onA under the first one's typmod)
-- names another row type there.
select row(id::int8 * 1000000000000, id::int8) as r from fz.doc where id < 4
select row(title, title, random()) as r from fz.doc where id < 4
select row(id::int8 * 1000000000000, id::int8) as r2 from fz.doc where id < 4
select fz.mkrec(id, title) as r, fz.divmod(id, 3) as d from fz.doc where id < 6
select d from (select id, title, tsv from fz.doc where id < 4) as d
select array_agg(row(id, meta)) from fz.doc where id < 5
select (select row(p.id, p.code) from fz.parent p where p.id = d.id) from fz.doc d where d.id < 5
-- System columns: changes.sql locks rows of fz.doc and rolls back an update
-- of others: their xmax changes, no trigger fires.
select id, xmin, xmax, ctid from fz.doc where id < 12
select count(*) filter (where xmax <> '0'), count(*) from fz.doc
select tableoid::regclass, ctid, id from fz.events where id < 5
-- changes.sql alters the text search configuration fz.cfg.
select id, cfg, to_tsvector(cfg, title || ' running dogs') from fz.doc where id < 9
-- changes.sql REVOKEs SELECT on fz.measure_2022: a CTE nobody reads, and a
-- subquery the planner drops, name it, and still need no privilege on it.
with unused as (select * from fz.measure_2022) select count(*) from fz.doc
select count(*) from fz.doc where false and exists (select from fz.measure_2022)
select sensor, count(*) from fz.measure where sensor < 3 group by sensor
