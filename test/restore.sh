#!/usr/bin/env bash
# cachebot across pg_dump and pg_restore.
#
# A dump restored into another database (new OIDs, columns renumbered where
# one was dropped) keeps its tables tracked, by column name: precise keys,
# partitions through their root, options; its writes invalidate. A data-only
# restore with --disable-triggers leaves them tracked and ALWAYS-enabled.
#
# Needs PGHOST/PGPORT/PGUSER of a superuser on a server with cachebot
# preloaded (bash tools/run.sh test provides one).
set -uo pipefail

export PATH=/usr/lib/postgresql/15/bin:$PATH
src=cachebot_dump_src
dst=cachebot_dump_dst
dst2=cachebot_dump_data
tmp=$(mktemp -d /tmp/cachebot_restore.XXXXXX)
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT

npass=0
nfail=0
ok()  { npass=$((npass + 1)); echo "  ok   $*"; }
bad() { nfail=$((nfail + 1)); echo "  FAIL $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
eq() { [ "$1" = "$2" ]; }
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }

echo "== restore: pg_dump, pg_restore"
for db in $src $dst $dst2; do
  psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" >/dev/null
done
psql -X -q -d postgres -c "CREATE DATABASE $src" >/dev/null || { echo "cannot create $src"; exit 1; }
psql -X -q -v ON_ERROR_STOP=1 -d $src >/dev/null <<'SQL' || { echo "restore: setup failed"; exit 1; }
SET client_min_messages = warning;
CREATE EXTENSION cachebot;
CREATE TABLE photo (id int PRIMARY KEY, dropped_before int, user_id int, status int, title text);
CREATE INDEX ON photo (user_id);
ALTER TABLE photo DROP COLUMN dropped_before;
INSERT INTO photo SELECT g, g % 10, g % 3, 'photo ' || g FROM generate_series(1, 100) g;
SELECT cachebot.track('photo', columns => '{user_id,status}', cache_get => true);
CREATE TABLE event (day date, n int) PARTITION BY RANGE (day);
CREATE TABLE event_2024 PARTITION OF event FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE event_2025 PARTITION OF event FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
INSERT INTO event VALUES ('2024-05-01', 1), ('2025-05-01', 2);
SELECT cachebot.track('event');
SQL
want_keyed=$(q $src "SELECT keyed_columns FROM cachebot.tracked_tables WHERE \"table\" = 'photo'::regclass")
src_attnum=$(q $src "SELECT attnum FROM pg_attribute WHERE attrelid = 'photo'::regclass AND attname = 'user_id'")

pg_dump -Fc -f "$tmp/dump" $src || { echo "restore: pg_dump failed"; exit 1; }
psql -X -q -d postgres -c "CREATE DATABASE $dst" >/dev/null
pg_restore --exit-on-error -d $dst "$tmp/dump" || bad "pg_restore exits 0"

dst_attnum=$(q $dst "SELECT attnum FROM pg_attribute WHERE attrelid = 'photo'::regclass AND attname = 'user_id'")
check "restored: columns renumbered ($src_attnum -> $dst_attnum), as a restore does" [ "$src_attnum" != "$dst_attnum" ]
check "restored: photo tracked, by the same keyed columns ($want_keyed)" \
  eq "$(q $dst "SELECT keyed_columns FROM cachebot.tracked_tables WHERE \"table\" = 'photo'::regclass")" "$want_keyed"
check "restored: its triggers enabled ALWAYS" \
  eq "$(q $dst "SELECT string_agg(tgenabled::text, '') FROM pg_trigger WHERE tgrelid = 'photo'::regclass AND tgname LIKE 'cachebot%'")" AA
check "restored: precise keys, by the renumbered column" \
  eq "$(q $dst "SELECT dependencies FROM cachebot.explain('SELECT /* cache */ title FROM photo WHERE user_id = 5')")" \
     '{epoch,catalog,photo:generation,"photo.user_id = 5"}'
check "restored: the option cache_get still applies (a lookup by primary key, unhinted)" \
  eq "$(q $dst "SELECT cacheable FROM cachebot.explain('SELECT title FROM photo WHERE id = 5')")" t
check "restored: partitions are read through their root" \
  eq "$(q $dst "SELECT cacheable FROM cachebot.explain('SELECT /* cache */ sum(n) FROM event_2025')")" t

# writes invalidate (a statement of its own per session: a new connection each)
Q="SELECT /* cache */ title FROM photo WHERE user_id = 5 ORDER BY id LIMIT 1"
q $dst "$Q" >/dev/null; q $dst "$Q" >/dev/null
before=$(q $dst "SELECT hits FROM cachebot.stats")
q $dst "$Q" >/dev/null
check "restored: a cached read hits" eq "$(q $dst "SELECT hits FROM cachebot.stats")" "$((before + 1))"
q $dst "UPDATE photo SET title = 'changed after restore' WHERE id = 5" >/dev/null
check "restored: a write is seen by the next read" eq "$(q $dst "$Q")" "changed after restore"
QE="SELECT /* cache */ sum(n) FROM event"
q $dst "$QE" >/dev/null; q $dst "$QE" >/dev/null
q $dst "INSERT INTO event_2025 VALUES ('2025-06-01', 40)" >/dev/null
check "restored: a write into a partition is seen by a read of the root" eq "$(q $dst "$QE")" 43

# data only, with --disable-triggers, into a database holding the schema
psql -X -q -d postgres -c "CREATE DATABASE $dst2" >/dev/null
pg_restore --exit-on-error --schema-only -d $dst2 "$tmp/dump" || bad "schema-only pg_restore exits 0"
pg_restore --exit-on-error --data-only --disable-triggers -d $dst2 "$tmp/dump" || bad "data-only pg_restore exits 0"
check "data-only restore: photo's triggers enabled ALWAYS again" \
  eq "$(q $dst2 "SELECT string_agg(tgenabled::text, '') FROM pg_trigger WHERE tgrelid = 'photo'::regclass AND tgname LIKE 'cachebot%'")" AA
check "data-only restore: photo tracked" \
  eq "$(q $dst2 "SELECT cacheable FROM cachebot.explain('SELECT /* cache */ title FROM photo WHERE user_id = 5')")" t
check "data-only restore: the rows are there" eq "$(q $dst2 "SELECT count(*) FROM photo")" 100

for db in $src $dst $dst2; do
  psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null
done
echo "== restore: $npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
