-- cachebot sqlsmith run: the fuzzed schema, loaded by test/sqlsmith.sh into a
-- fresh database as the superuser (then setup.sql, then later changes.sql).
-- Deterministic content (setseed + generate_series, about 4,500 rows); NULLs
-- in every nullable column; every table tracked (partitions through their
-- root, views not at all); no autovacuum, so plans stay put between passes.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SELECT setseed(0.4242);

CREATE SCHEMA fz;
CREATE TYPE fz.mood AS ENUM ('sad', 'ok', 'happy', 'ecstatic');
CREATE DOMAIN fz.posint AS int CHECK (VALUE > 0);
CREATE DOMAIN fz.shorttext AS varchar(12) CHECK (VALUE <> 'forbidden');
CREATE TYPE fz.pair AS (a int, b text);
CREATE TYPE fz.floatrange AS RANGE (subtype = float8);
CREATE TEXT SEARCH CONFIGURATION fz.cfg (COPY = english);   -- changes.sql alters it

-- n-th value of a deterministic word list, NULL every `nul`-th row
CREATE FUNCTION fz.word(n int) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$$ SELECT (ARRAY['alpha','Beta','gamma','DELTA','épsilon','zeta','eta theta','iota''s','kappa-lambda','',
                 'mu nu','xi','omicron','pi','rho sigma','Tau','upsilon','phi','chi','psi omega'])[1 + (n % 20)] $$;

-- Functions returning anonymous records and composites, for sqlsmith to call.
CREATE FUNCTION fz.mkrec(a int, b text) RETURNS record LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT a, b $$;
CREATE FUNCTION fz.divmod(n int, d int, OUT q int, OUT r int) LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$$ SELECT n / nullif(d, 0), n % nullif(d, 0) $$;
CREATE FUNCTION fz.mkpair(a int, b text) RETURNS fz.pair LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT ROW(a, b)::fz.pair $$;
CREATE FUNCTION fz.nested(a int) RETURNS record LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT ROW(a, ROW(a, 'x')::fz.pair, ARRAY[ROW(a, 'y')::fz.pair]) $$;

-- ---- a wide table with one column of (almost) every type ----
CREATE TABLE fz.kinds (
  id        int PRIMARY KEY,
  i2        smallint,
  i4        int,
  i8        bigint,
  num       numeric,
  num2      numeric(10,2),
  f4        real,
  f8        double precision,
  t         text,
  tc        text COLLATE "C",
  vc        varchar(20),
  ch        char(5),
  b         bytea,
  bo        boolean,
  d         date,
  tm        time,
  tmtz      timetz,
  ts        timestamp,
  tstz      timestamptz,
  iv        interval,
  u         uuid,
  ip        inet,
  net       cidr,
  mac       macaddr,
  mac8      macaddr8,
  js        json,
  jsb       jsonb,
  ia        int[],
  ta        text[],
  r4        int4range,
  rn        numrange,
  rts       tstzrange,
  rd        daterange,
  mr        int4multirange,
  fr        fz.floatrange,
  mood      fz.mood,
  pi        fz.posint,
  st        fz.shorttext,
  pr        fz.pair,
  m         money,
  bt        bit(8),
  vb        varbit,
  tv        tsvector,
  tq        tsquery,
  pt        point,
  bx        box,
  ci        circle,
  oi        oid,
  lsn       pg_lsn
);
INSERT INTO fz.kinds
SELECT g,
  CASE WHEN g % 11 = 0 THEN NULL ELSE ((g * 37) % 65535 - 32767)::smallint END,
  CASE WHEN g % 13 = 0 THEN NULL WHEN g % 97 = 0 THEN 2147483647 ELSE (g * 7919) % 100000 - 50000 END,
  CASE WHEN g % 17 = 0 THEN NULL WHEN g % 89 = 0 THEN -9223372036854775808 ELSE g::bigint * 1000003 END,
  CASE WHEN g % 7 = 0 THEN NULL WHEN g % 50 = 0 THEN 'NaN'::numeric WHEN g % 3 = 0 THEN (g / 8.0)::numeric(20,3) ELSE round((random() * 1000)::numeric, 4) END,
  CASE WHEN g % 9 = 0 THEN NULL ELSE (g % 1000) / 3.0 END,
  CASE WHEN g % 10 = 0 THEN NULL WHEN g % 77 = 0 THEN 'Infinity'::real WHEN g % 79 = 0 THEN '-0'::real ELSE (random() * 100)::real END,
  CASE WHEN g % 12 = 0 THEN NULL WHEN g % 83 = 0 THEN 'NaN'::float8 WHEN g % 84 = 0 THEN '-Infinity' ELSE random() * 1e6 - 5e5 END,
  CASE WHEN g % 5 = 0 THEN NULL WHEN g % 250 = 1 THEN repeat(fz.word(g), 2000) WHEN g % 250 = 2 THEN (SELECT string_agg(md5(g || '/' || x), ' ') FROM generate_series(1, 200) x) ELSE fz.word(g) || ' ' || g END,
  CASE WHEN g % 6 = 0 THEN NULL ELSE fz.word(g * 3) END,
  CASE WHEN g % 8 = 0 THEN NULL ELSE left(fz.word(g * 7) || g, 20) END,
  CASE WHEN g % 9 = 0 THEN NULL ELSE left(fz.word(g), 5) END,
  CASE WHEN g % 10 = 0 THEN NULL WHEN g % 300 = 7 THEN (SELECT decode(string_agg(md5(g || '-' || x), ''), 'hex') FROM generate_series(1, 400) x) ELSE decode(md5(g::text), 'hex') END,
  CASE WHEN g % 3 = 0 THEN NULL ELSE g % 2 = 0 END,
  CASE WHEN g % 14 = 0 THEN NULL WHEN g % 199 = 0 THEN 'infinity'::date ELSE date '2000-01-01' + (g * 13) % 9000 END,
  CASE WHEN g % 15 = 0 THEN NULL ELSE time '00:00' + (g * 97) * interval '1 second' END,
  CASE WHEN g % 16 = 0 THEN NULL ELSE ('12:' || (g % 60) || ':00+0' || (g % 9))::timetz END,
  CASE WHEN g % 18 = 0 THEN NULL ELSE timestamp '2020-01-01' + g * interval '5 hours 7 minutes' END,
  CASE WHEN g % 19 = 0 THEN NULL WHEN g % 211 = 0 THEN '-infinity'::timestamptz ELSE timestamptz '2021-06-01 00:00+00' + g * interval '3 hours 1 second' END,
  CASE WHEN g % 20 = 0 THEN NULL ELSE make_interval(months => g % 14, days => g % 40, secs => g * 1.5) END,
  CASE WHEN g % 21 = 0 THEN NULL ELSE md5('u' || g)::uuid END,
  CASE WHEN g % 22 = 0 THEN NULL WHEN g % 4 = 0 THEN ('2001:db8::' || to_hex(g))::inet ELSE ('10.' || (g % 256) || '.' || (g / 256) || '.' || (g % 7) || '/' || (16 + g % 17))::inet END,
  CASE WHEN g % 23 = 0 THEN NULL ELSE ('192.168.' || (g % 256) || '.0/24')::cidr END,
  CASE WHEN g % 24 = 0 THEN NULL ELSE substr(md5(g::text), 1, 12)::macaddr END,
  CASE WHEN g % 25 = 0 THEN NULL ELSE substr(md5(g::text), 1, 16)::macaddr8 END,
  CASE WHEN g % 26 = 0 THEN NULL ELSE json_build_object('id', g, 'w', fz.word(g), 'a', json_build_array(g % 3, NULL, 'x'))::json END,
  CASE WHEN g % 27 = 0 THEN NULL WHEN g % 5 = 0 THEN 'null'::jsonb WHEN g % 7 = 1 THEN to_jsonb(g) ELSE jsonb_build_object('k', g % 10, 'name', fz.word(g), 'tags', jsonb_build_array(fz.word(g + 1), g), 'n', jsonb_build_object('deep', g % 4 = 0)) END,
  CASE WHEN g % 28 = 0 THEN NULL WHEN g % 29 = 0 THEN '{}'::int[] ELSE ARRAY[g % 10, NULLIF(g % 5, 0), g] END,
  CASE WHEN g % 30 = 0 THEN NULL ELSE ARRAY[fz.word(g), fz.word(g + 2), NULL] END,
  CASE WHEN g % 31 = 0 THEN NULL WHEN g % 32 = 0 THEN 'empty'::int4range ELSE int4range(g % 100, g % 100 + g % 13 + 1) END,
  CASE WHEN g % 33 = 0 THEN NULL ELSE numrange((g % 50) / 2.0, NULL) END,
  CASE WHEN g % 34 = 0 THEN NULL ELSE tstzrange(timestamptz '2021-01-01 00:00+00' + g * interval '1 day', timestamptz '2021-01-01 00:00+00' + g * interval '1 day' + interval '36 hours', '[)') END,
  CASE WHEN g % 35 = 0 THEN NULL ELSE daterange(date '2022-01-01' + g % 365, NULL) END,
  CASE WHEN g % 36 = 0 THEN NULL ELSE int4multirange(int4range(g % 10, g % 10 + 3), int4range(g % 10 + 5, g % 10 + 6)) END,
  CASE WHEN g % 37 = 0 THEN NULL ELSE fz.floatrange(g / 10.0, g / 5.0) END,
  CASE WHEN g % 38 = 0 THEN NULL ELSE (enum_range(NULL::fz.mood))[1 + g % 4] END,
  CASE WHEN g % 39 = 0 THEN NULL ELSE 1 + g % 500 END,
  CASE WHEN g % 40 = 0 THEN NULL ELSE left(fz.word(g + 5), 12) END,
  CASE WHEN g % 41 = 0 THEN NULL WHEN g % 42 = 0 THEN ROW(NULL, NULL)::fz.pair ELSE ROW(g % 20, fz.word(g))::fz.pair END,
  CASE WHEN g % 43 = 0 THEN NULL ELSE ((g * 3) % 100000 / 100.0)::numeric::money END,
  CASE WHEN g % 44 = 0 THEN NULL ELSE (g % 256)::bit(8) END,
  CASE WHEN g % 45 = 0 THEN NULL ELSE substr(((g * 31) % 65536)::bit(16)::text, 1 + g % 8)::varbit END,
  CASE WHEN g % 46 = 0 THEN NULL ELSE to_tsvector('simple', fz.word(g) || ' ' || fz.word(g + 3) || ' ' || g) END,
  CASE WHEN g % 47 = 0 THEN NULL ELSE to_tsquery('simple', 'alpha | ' || (g % 30)) END,
  CASE WHEN g % 48 = 0 THEN NULL ELSE point(g % 100, (g * 7) % 100) END,
  CASE WHEN g % 49 = 0 THEN NULL ELSE box(point(g % 10, g % 20), point(g % 10 + 5, g % 20 + 5)) END,
  CASE WHEN g % 51 = 0 THEN NULL ELSE circle(point(g % 30, g % 40), 1 + g % 5) END,
  CASE WHEN g % 52 = 0 THEN NULL ELSE (g * 104729 % 4000000000)::oid END,
  CASE WHEN g % 53 = 0 THEN NULL ELSE ('0/' || to_hex(g * 4096))::pg_lsn END
FROM generate_series(1, 1000) g;
CREATE INDEX ON fz.kinds (i4);
CREATE INDEX ON fz.kinds (vc);
CREATE INDEX ON fz.kinds (d, ts);
CREATE INDEX ON fz.kinds USING gin (jsb);
CREATE INDEX ON fz.kinds USING gist (r4);
CREATE UNIQUE INDEX ON fz.kinds (u);
CREATE INDEX ON fz.kinds ((lower(left(t, 30))));

-- ---- parent / child with foreign keys ----
CREATE TABLE fz.parent (
  id     bigint PRIMARY KEY,
  code   text UNIQUE,
  grp    smallint NOT NULL,
  mood   fz.mood,
  score  numeric(8,3),
  born   date,
  flags  bool[],
  extra  jsonb
);
INSERT INTO fz.parent
SELECT g, 'P' || lpad(g::text, 4, '0'), g % 7,
  CASE WHEN g % 6 = 0 THEN NULL ELSE (enum_range(NULL::fz.mood))[1 + g % 4] END,
  CASE WHEN g % 5 = 0 THEN NULL ELSE (g * 1.125)::numeric(8,3) END,
  CASE WHEN g % 9 = 0 THEN NULL ELSE date '1990-01-01' + g * 37 END,
  CASE WHEN g % 4 = 0 THEN NULL ELSE ARRAY[g % 2 = 0, NULL, g % 3 = 0] END,
  CASE WHEN g % 3 = 0 THEN NULL ELSE jsonb_build_object('p', g, 'w', fz.word(g)) END
FROM generate_series(1, 300) g;

CREATE TABLE fz.child (
  id        serial PRIMARY KEY,
  parent_id bigint REFERENCES fz.parent,
  kind_id   int REFERENCES fz.kinds,
  pos       int NOT NULL,
  label     varchar(30),
  amount    numeric,
  at        timestamptz,
  UNIQUE (parent_id, pos)
);
INSERT INTO fz.child (parent_id, kind_id, pos, label, amount, at)
SELECT CASE WHEN g % 50 = 0 THEN NULL ELSE 1 + (g * 7) % 300 END,
  CASE WHEN g % 3 = 0 THEN NULL ELSE 1 + (g * 13) % 1000 END,
  g, CASE WHEN g % 8 = 0 THEN NULL ELSE fz.word(g) END,
  CASE WHEN g % 10 = 0 THEN NULL ELSE round((random() * 500)::numeric, 2) END,
  CASE WHEN g % 12 = 0 THEN NULL ELSE timestamptz '2023-03-01 12:00+00' + g * interval '41 minutes' END
FROM generate_series(1, 1200) g;
CREATE INDEX ON fz.child (kind_id);
CREATE INDEX ON fz.child (label);

-- ---- a range-partitioned table (with a default partition) ----
CREATE TABLE fz.measure (
  ts     timestamp NOT NULL,
  sensor int NOT NULL,
  val    double precision,
  note   text,
  PRIMARY KEY (ts, sensor)
) PARTITION BY RANGE (ts);
CREATE TABLE fz.measure_2022 PARTITION OF fz.measure FOR VALUES FROM ('2022-01-01') TO ('2023-01-01');
CREATE TABLE fz.measure_2023 PARTITION OF fz.measure FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE fz.measure_rest PARTITION OF fz.measure DEFAULT;
INSERT INTO fz.measure
SELECT timestamp '2021-10-01' + g * interval '17 hours 3 minutes', g % 12,
  CASE WHEN g % 9 = 0 THEN NULL ELSE sin(g) * 100 END,
  CASE WHEN g % 4 = 0 THEN NULL ELSE fz.word(g * 11) END
FROM generate_series(1, 900) g;
CREATE INDEX ON fz.measure (sensor);

-- ---- a hash-partitioned table with a sub-partitioned partition ----
CREATE TABLE fz.events (
  id    int NOT NULL,
  kind  text,
  body  jsonb,
  PRIMARY KEY (id)
) PARTITION BY HASH (id);
CREATE TABLE fz.events_0 PARTITION OF fz.events FOR VALUES WITH (MODULUS 3, REMAINDER 0);
CREATE TABLE fz.events_1 PARTITION OF fz.events FOR VALUES WITH (MODULUS 3, REMAINDER 1);
CREATE TABLE fz.events_2 PARTITION OF fz.events FOR VALUES WITH (MODULUS 3, REMAINDER 2)
  PARTITION BY LIST (id);
CREATE TABLE fz.events_2_all PARTITION OF fz.events_2 DEFAULT;
INSERT INTO fz.events
SELECT g, CASE WHEN g % 6 = 0 THEN NULL ELSE fz.word(g % 4) END,
  CASE WHEN g % 5 = 0 THEN NULL ELSE jsonb_build_object('e', g, 'v', ARRAY[g, g + 1]) END
FROM generate_series(1, 400) g;

-- ---- inheritance: a parent and a child table with an extra column ----
CREATE TABLE fz.animal (
  id    int PRIMARY KEY,
  name  text,
  legs  smallint,
  born  timestamptz
);
CREATE TABLE fz.bird (wingspan real, CHECK (legs = 2)) INHERITS (fz.animal);
ALTER TABLE fz.bird ADD PRIMARY KEY (id);
INSERT INTO fz.animal SELECT g, fz.word(g) || g, (g % 3) * 2, CASE WHEN g % 7 = 0 THEN NULL ELSE timestamptz '2019-01-01 00:00+00' + g * interval '9 days' END FROM generate_series(1, 150) g;
INSERT INTO fz.bird SELECT g, fz.word(g + 1), 2, NULL, CASE WHEN g % 5 = 0 THEN NULL ELSE g / 7.0 END FROM generate_series(151, 230) g;

-- ---- documents: xml (when the server has it), text search, big values ----
CREATE TABLE fz.doc (
  id    int PRIMARY KEY,
  title text NOT NULL,
  body  text,
  tsv   tsvector,
  meta  json,
  cfg   regconfig
);
INSERT INTO fz.doc
SELECT g, 'doc ' || g,
  CASE WHEN g % 10 = 0 THEN NULL WHEN g % 25 = 3 THEN repeat('lorem ipsum ' || g || ' ', 400) ELSE fz.word(g) || ' ' || fz.word(g * 2) END,
  CASE WHEN g % 7 = 0 THEN NULL ELSE to_tsvector('english', fz.word(g) || ' running ' || fz.word(g + 9)) END,
  CASE WHEN g % 6 = 0 THEN NULL ELSE json_build_object('len', g * 3, 'tags', json_build_array(fz.word(g))) END,
  (ARRAY['simple', 'english', 'fz.cfg', NULL])[1 + g % 4]::regconfig
FROM generate_series(1, 200) g;
DO $$
BEGIN
  PERFORM xmlparse(content '<a/>');
  ALTER TABLE fz.doc ADD COLUMN x xml;
  UPDATE fz.doc SET x = CASE WHEN id % 9 = 0 THEN NULL
                             ELSE xmlelement(name doc, xmlattributes(id AS id), title) END;
EXCEPTION WHEN feature_not_supported OR undefined_function THEN
  RAISE NOTICE 'no xml support: fz.doc has no xml column';
END $$;

-- ---- small and empty tables ----
CREATE TABLE fz.tiny (k "char" PRIMARY KEY, v int, n name, g int2vector, c fz.pair[]);
INSERT INTO fz.tiny VALUES ('a', 1, 'one', '1 2', ARRAY[ROW(1, 'a')::fz.pair]),
  ('b', NULL, NULL, NULL, NULL), ('c', 3, 'three', '3', '{}'), ('d', -4, '', '0 0 0', ARRAY[NULL::fz.pair]);
CREATE TABLE fz.empty (id int PRIMARY KEY, t text, parent_id bigint REFERENCES fz.parent);
CREATE TABLE fz.nokey (a int, b text, c float8);   -- no index at all: table-level keys
INSERT INTO fz.nokey SELECT g % 37, fz.word(g), CASE WHEN g % 4 = 0 THEN NULL ELSE g * 0.25 END FROM generate_series(1, 250) g;

-- ---- views (not tracked: they count through their tables) ----
CREATE VIEW fz.parent_children AS
SELECT p.id AS parent_id, p.code, p.grp, c.id AS child_id, c.label, c.amount
  FROM fz.parent p LEFT JOIN fz.child c ON c.parent_id = p.id;
CREATE VIEW fz.parent_totals AS            -- a view over a view
SELECT parent_id, code, count(child_id) AS n, sum(amount) AS total
  FROM fz.parent_children GROUP BY parent_id, code;
CREATE VIEW fz.sensor_stats AS
SELECT sensor, count(*) AS n, avg(val) AS avg_val, max(ts) AS last_ts
  FROM fz.measure GROUP BY sensor;

-- ---- track every table: partitions through their root ----
SELECT cachebot.track('fz.kinds');
SELECT cachebot.track('fz.parent');
SELECT cachebot.track('fz.child');
SELECT cachebot.track('fz.measure');
SELECT cachebot.track('fz.events');
SELECT cachebot.track('fz.animal');
SELECT cachebot.track('fz.bird');
SELECT cachebot.track('fz.doc', columns => '{}');   -- table-level invalidation only
SELECT cachebot.track('fz.tiny');
SELECT cachebot.track('fz.empty');
SELECT cachebot.track('fz.nokey');

ANALYZE;

-- No autovacuum / autoanalyze: plans (and so the rows a LIMIT without ORDER BY
-- returns) must not change between the passes.
DO $$
DECLARE r regclass;
BEGIN
  FOR r IN SELECT c.oid FROM pg_class c WHERE c.relnamespace = 'fz'::regnamespace AND c.relkind = 'r' LOOP
    EXECUTE format('ALTER TABLE %s SET (autovacuum_enabled = off)', r);
  END LOOP;
END $$;
