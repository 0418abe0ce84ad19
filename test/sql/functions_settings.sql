-- functions_settings: STABLE built-ins whose only hidden inputs are settings
-- of the key (to_char, date_trunc, concat, the JSON builders, casts of
-- timestamptz...) are cached; changing such a setting makes another entry,
-- computed under it. Functions of the clock, randomness, sequences or
-- arbitrary settings, a user function of the same name, and a user type whose
-- output function is volatile stay uncached.
\i test/sql/include/stats_delta.sql
CREATE TABLE ev (id int PRIMARY KEY, at timestamptz, day date, amount numeric,
                 name text, dur interval, price money);
INSERT INTO ev VALUES (1, '2024-03-10 01:30:00+00', '2024-03-10', 1234.5, 'launch',
                       '1 day 02:03:04', 12.5);
SELECT cachebot.track('ev');
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, MDY';
SET IntervalStyle = 'postgres';
SET lc_time = 'C';
SET lc_numeric = 'C';
SET lc_monetary = 'C';
SELECT * FROM stats_delta() \gset ignore_

-- to_char(timestamptz): TimeZone
SELECT /* cache */ to_char(at, 'YYYY-MM-DD HH24:MI TZ') FROM ev WHERE id = 1;
SELECT /* cache */ to_char(at, 'YYYY-MM-DD HH24:MI TZ') FROM ev WHERE id = 1;
SELECT * FROM stats_delta();
SET TimeZone = 'Asia/Tokyo';
SELECT /* cache */ to_char(at, 'YYYY-MM-DD HH24:MI TZ') FROM ev WHERE id = 1;
SELECT * FROM stats_delta();
RESET TimeZone;
SET TimeZone = 'UTC';
-- to_char(timestamptz) with TM: lc_time (this server may know no locale but
-- C, so the text is the same: the entry is another all the same)
SELECT /* cache */ to_char(at, 'TMDay TMMonth') FROM ev WHERE id = 1;
SELECT /* cache */ to_char(at, 'TMDay TMMonth') FROM ev WHERE id = 1;
SELECT * FROM stats_delta();
SET lc_time = 'POSIX';
SELECT /* cache */ to_char(at, 'TMDay TMMonth') FROM ev WHERE id = 1;
SELECT * FROM stats_delta();
SET lc_time = 'C';
-- to_char(numeric): lc_numeric
SELECT /* cache */ to_char(amount, '9G999D99') FROM ev WHERE id = 1;
SELECT /* cache */ to_char(amount, '9G999D99') FROM ev WHERE id = 1;
SELECT * FROM stats_delta();
SET lc_numeric = 'POSIX';
SELECT /* cache */ to_char(amount, '9G999D99') FROM ev WHERE id = 1;
SELECT * FROM stats_delta();
SET lc_numeric = 'C';
-- date_trunc(text, timestamptz): TimeZone
SELECT /* cache */ date_trunc('day', at) FROM ev WHERE id = 1;
SELECT /* cache */ date_trunc('day', at) FROM ev WHERE id = 1;
SELECT * FROM stats_delta();
SET TimeZone = 'America/Los_Angeles';
SELECT /* cache */ date_trunc('day', at) FROM ev WHERE id = 1;
SELECT * FROM stats_delta();
SET TimeZone = 'UTC';
-- date_part and EXTRACT on timestamptz: TimeZone
SELECT /* cache */ date_part('hour', at), extract(day FROM at) FROM ev WHERE id = 1;
SELECT /* cache */ date_part('hour', at), extract(day FROM at) FROM ev WHERE id = 1;
SELECT * FROM stats_delta();
SET TimeZone = 'America/Los_Angeles';
SELECT /* cache */ date_part('hour', at), extract(day FROM at) FROM ev WHERE id = 1;
SELECT * FROM stats_delta();
SET TimeZone = 'UTC';
-- casts of timestamptz to text (its output function), date and timestamp:
-- TimeZone, and DateStyle for the text
SELECT /* cache */ at::text, at::date, at::timestamp FROM ev WHERE id = 1;
SELECT /* cache */ at::text, at::date, at::timestamp FROM ev WHERE id = 1;
SELECT * FROM stats_delta();
SET TimeZone = 'America/Los_Angeles';
SELECT /* cache */ at::text, at::date, at::timestamp FROM ev WHERE id = 1;
SELECT * FROM stats_delta();
SET TimeZone = 'UTC';
SET DateStyle = 'SQL, DMY';
SELECT /* cache */ at::text, at::date, at::timestamp FROM ev WHERE id = 1;
SELECT * FROM stats_delta();
SET DateStyle = 'ISO, MDY';
-- timestamptz + interval, date::timestamptz: TimeZone (a day across a DST change)
SELECT /* cache */ at + interval '1 day', day::timestamptz FROM ev WHERE id = 1;
SELECT /* cache */ at + interval '1 day', day::timestamptz FROM ev WHERE id = 1;
SELECT * FROM stats_delta();
SET TimeZone = 'America/New_York';
SELECT /* cache */ at + interval '1 day', day::timestamptz FROM ev WHERE id = 1;
SELECT * FROM stats_delta();
SET TimeZone = 'UTC';
-- concat(), concat_ws() (Django's Concat): their arguments' output, DateStyle here
SELECT /* cache */ concat(name, ' on ', day), concat_ws(' / ', name, at, dur) FROM ev WHERE id = 1;
SELECT /* cache */ concat(name, ' on ', day), concat_ws(' / ', name, at, dur) FROM ev WHERE id = 1;
SELECT * FROM stats_delta();
SET DateStyle = 'German';
SELECT /* cache */ concat(name, ' on ', day), concat_ws(' / ', name, at, dur) FROM ev WHERE id = 1;
SELECT * FROM stats_delta();
SET DateStyle = 'ISO, MDY';
-- IntervalStyle, through concat
SET IntervalStyle = 'iso_8601';
SELECT /* cache */ concat(name, ' on ', day), concat_ws(' / ', name, at, dur) FROM ev WHERE id = 1;
SELECT * FROM stats_delta();
SET IntervalStyle = 'postgres';
-- format(): its arguments' output; money by lc_monetary
SELECT /* cache */ format('%s costs %s at %s', name, price, at) FROM ev WHERE id = 1;
SELECT /* cache */ format('%s costs %s at %s', name, price, at) FROM ev WHERE id = 1;
SELECT * FROM stats_delta();
SET lc_monetary = 'POSIX';
SELECT /* cache */ format('%s costs %s at %s', name, price, at) FROM ev WHERE id = 1;
SELECT * FROM stats_delta();
SET lc_monetary = 'C';
-- the JSON builders: TimeZone for timestamptz
SELECT /* cache */ jsonb_build_object('name', name, 'at', at), json_build_object('at', at),
       to_jsonb(at), to_json(ev) FROM ev WHERE id = 1;
SELECT /* cache */ jsonb_build_object('name', name, 'at', at), json_build_object('at', at),
       to_jsonb(at), to_json(ev) FROM ev WHERE id = 1;
SELECT * FROM stats_delta();
SET TimeZone = 'Asia/Tokyo';
SELECT /* cache */ jsonb_build_object('name', name, 'at', at), json_build_object('at', at),
       to_jsonb(at), to_json(ev) FROM ev WHERE id = 1;
SELECT * FROM stats_delta();
SET TimeZone = 'UTC';
-- an array of timestamptz, through concat and a cast to text[] (element by element)
SELECT /* cache */ concat(ARRAY[at]), ARRAY[at]::text[] FROM ev WHERE id = 1;
SELECT /* cache */ concat(ARRAY[at]), ARRAY[at]::text[] FROM ev WHERE id = 1;
SELECT * FROM stats_delta();
-- fresh after a write, as any cached statement
UPDATE ev SET name = 'relaunch' WHERE id = 1;
SELECT /* cache */ concat(name, ' on ', day), concat_ws(' / ', name, at, dur) FROM ev WHERE id = 1;
SELECT * FROM stats_delta();

-- stay uncached: the clock, randomness, sequences, arbitrary settings
CREATE SEQUENCE ev_seq;
SELECT /* cache */ now() > at FROM ev WHERE id = 1;
SELECT /* cache */ age(at) > interval '0' FROM ev WHERE id = 1;
SELECT /* cache */ random() < 2 FROM ev WHERE id = 1;
SELECT /* cache */ nextval('ev_seq') > 0 FROM ev WHERE id = 1;
SELECT /* cache */ current_setting('TimeZone') FROM ev WHERE id = 1;
SELECT /* cache */ concat(name, now()) IS NOT NULL FROM ev WHERE id = 1;
SELECT /* cache */ name::timestamptz FROM ev WHERE false;   -- input: 'now' reads the clock
SELECT * FROM stats_delta();
-- literals that parsing made values of, which neither the text nor the query
-- ID tells apart: the clock's ('now', 'today' and their kind, however
-- spelled: any case, escaped, in an array, a range or a prepared statement)
-- and names made OIDs through the search path and the catalog ('ev'::regclass:
-- another session's path, or a temporary table created since, gives another)
SELECT /* cache */ count(*) FROM ev WHERE at < 'now';
SELECT /* cache */ count(*) FROM ev WHERE day <> 'TODAY'::date;
SELECT /* cache */ count(*) FROM ev WHERE day <> date 'tomorrow';
SELECT /* cache */ count(*) FROM ev WHERE day <> E'yesterd\x61y'::date;
SELECT /* cache */ count(*) FROM ev WHERE day <> ALL ('{today}'::date[]);
SELECT /* cache */ count(*) FROM ev WHERE at <@ '[now,)'::tstzrange;
PREPARE ev_now AS SELECT /* cache */ count(*) FROM ev WHERE at < 'now';
EXECUTE ev_now;
EXECUTE ev_now;
DEALLOCATE ev_now;
CREATE TEMP TABLE ev (id int);
SELECT /* cache */ count(*) FROM public.ev WHERE 'ev'::regclass = 'public.ev'::regclass;
SELECT /* cache */ 'ev'::regtype::oid <> 0 FROM public.ev WHERE id = 1;
DROP TABLE pg_temp.ev;
SELECT /* cache */ count(*) FROM ev WHERE '10:00'::timetz IS NOT NULL;
SELECT /* cache */ count(*) FROM ev
 WHERE at < 'no'
 'w';
-- a prepared statement planned while cachebot was off, run once it is on
SET cachebot.enabled = off;
PREPARE ev_off AS SELECT /* cache */ count(*) FROM ev WHERE at < 'now';
SET cachebot.enabled = on;
EXECUTE ev_off;
EXECUTE ev_off;
DEALLOCATE ev_off;
-- a backslash counts unread: the text may have been parsed under other
-- settings than the moment's (a SET earlier in the same query string), and
-- is then read without an error
SET standard_conforming_strings = off;
SET escape_string_warning = off;
SET standard_conforming_strings = on \; SELECT /* cache */ 'it\'s' AS s, count(*) FROM ev WHERE day <> '2020-01-01';
RESET escape_string_warning;
-- the scanner finds such a text wrong (a Unicode literal where
-- standard_conforming_strings is now off): it counts, without an error
RESET standard_conforming_strings;
SET standard_conforming_strings = off \; SELECT /* cache */ U&'d' AS u, count(*) FROM ev WHERE day <> '2020-01-01';
RESET standard_conforming_strings;
SELECT cacheable, reason FROM cachebot.explain($$SELECT /* cache */ count(*) FROM ev WHERE at < 'now'$$);
SELECT * FROM stats_delta();
-- a text literal naming the clock, a date written out, and a name of a
-- permanent object are cached
SELECT /* cache */ count(*) FROM ev WHERE name <> 'now';
SELECT /* cache */ count(*) FROM ev WHERE name <> 'now';
SELECT /* cache */ count(*) FROM ev WHERE to_tsvector('english', name) @@ to_tsquery('english', 'launch');
SELECT /* cache */ count(*) FROM ev WHERE to_tsvector('english', name) @@ to_tsquery('english', 'launch');
SELECT /* cache */ count(*) FROM ev WHERE 'ev'::regclass <> 0;
SELECT /* cache */ count(*) FROM ev WHERE 'ev'::regclass <> 0;
SELECT /* cache */ count(*) FROM ev WHERE day <> '2020-01-01';
SELECT /* cache */ count(*) FROM ev WHERE day <> '2020-01-01';
SELECT * FROM stats_delta();
-- a user function named concat is not the built-in, even found first on the path
CREATE SCHEMA orm;
CREATE FUNCTION orm.concat(VARIADIC text[]) RETURNS text
  LANGUAGE sql STABLE AS $$SELECT array_to_string($1, '')$$;
SET search_path = orm, public;
SELECT /* cache */ concat(name, '!') FROM ev WHERE id = 1;
SELECT * FROM stats_delta();
RESET search_path;
-- an enum's output reads the catalog: not on the list, so not cached
CREATE TYPE mood AS ENUM ('happy');
SELECT /* cache */ concat(name, 'happy'::mood) FROM ev WHERE id = 1;
SELECT * FROM stats_delta();
-- a user type whose output function is volatile, inside concat, format, a
-- JSON builder, an array of it, a row holding it, a cast to text
CREATE TYPE vtype;
CREATE FUNCTION vtype_in(cstring) RETURNS vtype LANGUAGE internal IMMUTABLE STRICT AS 'textin';
CREATE FUNCTION vtype_out(vtype) RETURNS cstring LANGUAGE internal VOLATILE STRICT AS 'textout';
CREATE TYPE vtype (INPUT = vtype_in, OUTPUT = vtype_out, LIKE = text);
CREATE TABLE vt (id int PRIMARY KEY, v vtype);
CREATE TYPE vrow AS (v vtype);
INSERT INTO vt VALUES (1, 'x');
SELECT cachebot.track('vt');
SELECT /* cache */ concat(v) FROM vt WHERE id = 1;
SELECT /* cache */ format('%s', v) FROM vt WHERE id = 1;
SELECT /* cache */ jsonb_build_object('v', v) FROM vt WHERE id = 1;
SELECT /* cache */ concat(ARRAY[v]) FROM vt WHERE id = 1;
SELECT /* cache */ to_jsonb(vt) FROM vt WHERE id = 1;
SELECT /* cache */ concat(ROW(v)::vrow) FROM vt WHERE id = 1;
SELECT /* cache */ v::text FROM vt WHERE id = 1;
SELECT * FROM stats_delta();
-- an immutable output function, but a volatile cast to json: the JSON builders call the cast
CREATE TYPE jtype;
CREATE FUNCTION jtype_in(cstring) RETURNS jtype LANGUAGE internal IMMUTABLE STRICT AS 'textin';
CREATE FUNCTION jtype_out(jtype) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'textout';
CREATE TYPE jtype (INPUT = jtype_in, OUTPUT = jtype_out, LIKE = text);
CREATE FUNCTION jtype_json(jtype) RETURNS json LANGUAGE sql VOLATILE AS $$SELECT to_json($1::text)$$;
CREATE CAST (jtype AS json) WITH FUNCTION jtype_json(jtype);
SELECT /* cache */ jsonb_build_object('j', 'x'::jtype) FROM ev WHERE id = 1;
SELECT * FROM stats_delta();
-- an anonymous record: its columns' types are not known before it runs
SELECT /* cache */ to_jsonb(ROW(name)) FROM ev WHERE id = 1;
SELECT * FROM stats_delta();

RESET TimeZone;
RESET DateStyle;
RESET IntervalStyle;
RESET lc_time;
RESET lc_numeric;
RESET lc_monetary;
DROP TABLE ev, vt;
DROP TYPE vrow;
DROP TYPE vtype CASCADE;
DROP CAST (jtype AS json);
DROP TYPE jtype CASCADE;
DROP TYPE mood;
DROP SCHEMA orm CASCADE;
DROP SEQUENCE ev_seq;
DROP FUNCTION stats_delta();
DROP TABLE stats_seen;
