#!/usr/bin/env bash
# cachebot stress test: concurrent writers and readers of a tracked table.
#
# Invariant checked (SPEC 1, "Fresh"): a cached value a reader is served is
# never older than a commit that was acknowledged before the read began, never
# another row's value, and never data of an uncommitted or rolled-back write.
#
#   counter(id, v)  tracked; writers increment v (by 1 per committed change)
#   ack(id, v)      untracked; after a writer's commit was acknowledged, it
#                   inserts the value it committed.
# A reader first reads max(ack.v) for an id (uncached), then the cached row,
# and raises an error (aborting its pgbench client) unless
#   got = id  AND  acked <= seen < ROLLBACK_BUMP.
# Writers also run rolled-back updates (+ROLLBACK_BUMP, with a hinted read of
# their own dirty row inside the transaction), savepoint rollbacks,
# multi-statement transactions and multi-row updates.
#
# Needs PGHOST/PGPORT/PGUSER of a superuser on a server with cachebot
# preloaded (bash tools/run.sh test provides one).  Knobs: STRESS_SECONDS
# (default 20), STRESS_IDS (4), STRESS_WRITERS (3), STRESS_READERS (4, half
# simple protocol, half prepared), STRESS_MIN_HITS (1000).
set -uo pipefail

export PATH=/usr/lib/postgresql/15/bin:$PATH
secs=${STRESS_SECONDS:-20}
nids=${STRESS_IDS:-4}
nwriters=${STRESS_WRITERS:-3}
nreaders=${STRESS_READERS:-4}
min_hits=${STRESS_MIN_HITS:-1000}
db=cachebot_stress
bump=1000000000           # added by rolled-back writes only; never committed
nsimple=$(( (nreaders + 1) / 2 ))
nprepared=$(( nreaders - nsimple ))

tmp=$(mktemp -d /tmp/cachebot_stress.XXXXXX)
chmod 755 "$tmp"
cleanup() { if [ -n "${STRESS_KEEP:-}" ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi; }
trap cleanup EXIT

fail() { echo "stress: FAIL: $*"; exit 1; }
psqlq() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" -c "$1"; }

echo "== stress: ${secs}s, $nwriters writer clients, $nreaders reader clients ($nsimple simple, $nprepared prepared), $nids ids"

# ---- setup ----
psqlq -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null \
  || fail "cannot create database $db"
psqlq -d "$db" >/dev/null <<SQL || fail "setup failed"
SET client_min_messages = warning;
CREATE EXTENSION cachebot;
CREATE TABLE counter (id int PRIMARY KEY, v bigint NOT NULL);
INSERT INTO counter SELECT g, 0 FROM generate_series(1, $nids) g;
SELECT cachebot.track('counter');
CREATE TABLE ack (id int NOT NULL, v bigint NOT NULL);
CREATE INDEX ON ack (id, v);
CREATE SEQUENCE checks;       -- freshness checks of cached reads
CREATE SEQUENCE own_checks;   -- writers' reads of their own uncommitted row

-- One check of a cached single-row read.
CREATE FUNCTION check_one(want int, got int, seen bigint, acked bigint) RETURNS int
LANGUAGE plpgsql AS \$\$
BEGIN
  PERFORM nextval('checks');
  IF got IS DISTINCT FROM want THEN
    RAISE EXCEPTION 'cachebot stress violation: asked id %, cached row has id %', want, got;
  END IF;
  IF seen < acked THEN
    RAISE EXCEPTION 'cachebot stress violation: id % cached v=% is older than acknowledged v=%',
      want, seen, acked;
  END IF;
  IF seen >= $bump THEN
    RAISE EXCEPTION 'cachebot stress violation: id % cached v=% comes from a rolled-back write',
      want, seen;
  END IF;
  RETURN 1;
END \$\$;

-- One check per id of a cached whole-table read (values ordered by id).
CREATE FUNCTION check_all(seen bigint[], acked bigint[]) RETURNS int
LANGUAGE plpgsql AS \$\$
BEGIN
  IF cardinality(seen) IS DISTINCT FROM $nids THEN
    RAISE EXCEPTION 'cachebot stress violation: cached whole-table read has % rows, expected %',
      cardinality(seen), $nids;
  END IF;
  FOR i IN 1 .. $nids LOOP
    PERFORM check_one(i, i, seen[i], acked[i]);
  END LOOP;
  RETURN 1;
END \$\$;

-- The writer's own uncommitted row, read with a hint inside its transaction.
CREATE FUNCTION check_own(want int, seen bigint) RETURNS int
LANGUAGE plpgsql AS \$\$
BEGIN
  PERFORM nextval('own_checks');
  IF seen < $bump THEN
    RAISE EXCEPTION 'cachebot stress violation: id % read v=% inside the transaction that added $bump to it',
      want, seen;
  END IF;
  RETURN 1;
END \$\$;
SQL

# Uncached per-id acknowledged maxima, as one array ordered by id.
acks_sql="SELECT ARRAY[$(for i in $(seq 1 "$nids"); do
  printf '%s(SELECT coalesce(max(v), 0) FROM ack WHERE id = %d)' "$([ "$i" -gt 1 ] && echo ', ')" "$i"; done)]::bigint[] AS acked"

# ---- writer scripts ----
# Every writer locks rows in id order (no deadlocks; --max-tries retries any).
cat > "$tmp/w_single.sql" <<'EOF'
\set id random(1, :nids)
UPDATE counter SET v = v + 1 WHERE id = :id RETURNING v \gset
INSERT INTO ack VALUES (:id, :v);
EOF
cat > "$tmp/w_multirow.sql" <<'EOF'
\set a random(1, :nids)
\set b random(1, :nids)
WITH l AS (SELECT id FROM counter WHERE id IN (:a, :b) ORDER BY id FOR UPDATE),
     u AS (UPDATE counter c SET v = c.v + 1 FROM l WHERE c.id = l.id RETURNING c.id, c.v)
SELECT max(v) FILTER (WHERE id = :a) AS va, max(v) FILTER (WHERE id = :b) AS vb FROM u \gset
INSERT INTO ack VALUES (:a, :va), (:b, :vb);
EOF
# w_all: an every-row update; the values acknowledged are read back (uncached)
# after its commit.  They may include a later writer's commit whose post-commit
# bump has not run yet: still a commit any later snapshot sees, which a cached
# read must reflect too (its key is pending until then).
cat > "$tmp/w_all.sql" <<'EOF'
BEGIN;
SELECT id FROM counter ORDER BY id FOR UPDATE;
UPDATE counter SET v = v + 1;
COMMIT;
SELECT array_agg(v ORDER BY id) AS now FROM counter \gset
INSERT INTO ack SELECT g, (':now'::bigint[])[g] FROM generate_series(1, :nids) g;
EOF
cat > "$tmp/w_txn.sql" <<EOF
\\set x random(1, :nids)
\\set y random(1, :nids)
\\set a least(:x, :y)
\\set b greatest(:x, :y)
BEGIN;
UPDATE counter SET v = v + 1 WHERE id = :a RETURNING v AS va \\gset
SAVEPOINT s;
UPDATE counter SET v = v + $bump WHERE id = :b;
ROLLBACK TO SAVEPOINT s;
UPDATE counter SET v = v + 1 WHERE id = :b RETURNING v AS vb \\gset
COMMIT;
INSERT INTO ack VALUES (:a, :va), (:b, :vb);
EOF
cat > "$tmp/w_rollback.sql" <<EOF
\\set id random(1, :nids)
BEGIN;
UPDATE counter SET v = v + $bump WHERE id = :id;
SELECT /* cache */ v AS mine FROM counter WHERE id = :id \\gset
SELECT check_own(:id, :mine);
ROLLBACK;
EOF

# ---- reader scripts ----
cat > "$tmp/r_point.sql" <<'EOF'
\set id random(1, :nids)
SELECT coalesce(max(v), 0) AS acked FROM ack WHERE id = :id \gset
SELECT /* cache */ id AS got, v AS seen FROM counter WHERE id = :id \gset
SELECT check_one(:id, :got, :seen, :acked);
EOF
cat > "$tmp/r_all.sql" <<EOF
$acks_sql \\gset
SELECT /* cache */ array_agg(v ORDER BY id) AS seen FROM counter \\gset
SELECT check_all(':seen', ':acked');
EOF
# prepared mode cannot quote variables; parameters are typed by check_all.
cat > "$tmp/r_all_prep.sql" <<EOF
$acks_sql \\gset
SELECT /* cache */ array_agg(v ORDER BY id) AS seen FROM counter \\gset
SELECT check_all(:seen, :acked);
EOF
cat > "$tmp/r_do.sql" <<'EOF'
\set id random(1, :nids)
DO $$
DECLARE a bigint; g int; s bigint;
BEGIN
  SELECT coalesce(max(v), 0) INTO a FROM ack WHERE id = :id;
  SELECT /* cache */ id, v INTO g, s FROM counter WHERE id = :id;
  PERFORM check_one(:id, g, s, a);
END $$;
EOF

# Sanity: the reads the test relies on are cacheable.
for stmt in "SELECT /* cache */ id AS got, v AS seen FROM counter WHERE id = 1" \
            "SELECT /* cache */ array_agg(v ORDER BY id) AS seen FROM counter"; do
  c=$(q "SELECT cacheable::text || ' ' || coalesce(reason, '') FROM cachebot.explain(\$q\$$stmt\$q\$)") \
    || fail "cachebot.explain failed"
  case "$c" in true*) ;; *) fail "not cacheable ($c): $stmt" ;; esac
done

q "SELECT cachebot.reset_stats()" >/dev/null || fail "reset_stats failed"

# ---- run writers and readers simultaneously ----
common=(-n -T "$secs" -D "nids=$nids" --max-tries=20 --failures-detailed "$db")
pgbench "${common[@]}" -c "$nwriters" -j "$nwriters" -M simple \
  -f "$tmp/w_single.sql@10" -f "$tmp/w_multirow.sql@4" -f "$tmp/w_txn.sql@3" \
  -f "$tmp/w_rollback.sql@2" -f "$tmp/w_all.sql@1" > "$tmp/writers.out" 2>&1 &
wpid=$!
rpids=()
if [ "$nsimple" -gt 0 ]; then
  pgbench "${common[@]}" -c "$nsimple" -j "$nsimple" -M simple \
    -f "$tmp/r_point.sql@6" -f "$tmp/r_all.sql@2" -f "$tmp/r_do.sql@2" > "$tmp/readers_simple.out" 2>&1 &
  rpids+=($!)
fi
if [ "$nprepared" -gt 0 ]; then
  pgbench "${common[@]}" -c "$nprepared" -j "$nprepared" -M prepared \
    -f "$tmp/r_point.sql@3" -f "$tmp/r_all_prep.sql@1" > "$tmp/readers_prepared.out" 2>&1 &
  rpids+=($!)
fi

status=0
wait "$wpid"; wrc=$?
rrc=()
for p in "${rpids[@]}"; do wait "$p"; rrc+=($?); done

check_run() {  # name rc file
  local name=$1 rc=$2 out=$3 failed
  if [ "$rc" -ne 0 ] || grep -q "aborted" "$out"; then
    echo "stress: FAIL: $name pgbench exited $rc"
    grep -E "aborted|ERROR|error|violation" "$out" | head -20
    status=1
  fi
  failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$out")
  if [ -n "$failed" ] && [ "$failed" -ne 0 ]; then
    echo "stress: FAIL: $name had $failed failed transactions"; grep -i "fail\|retr" "$out"; status=1
  fi
  tx=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$out")
  echo "  $name: ${tx:-?} transactions, exit $rc"
}
check_run writers "$wrc" "$tmp/writers.out"
i=0
[ "$nsimple" -gt 0 ] && { check_run "readers(simple)" "${rrc[$i]}" "$tmp/readers_simple.out"; i=$((i+1)); }
[ "$nprepared" -gt 0 ] && check_run "readers(prepared)" "${rrc[$i]}" "$tmp/readers_prepared.out"

# ---- after the run: cached == uncached == last acknowledged ----
for i in $(seq 1 "$nids"); do
  r2=$(q "SELECT /* cache */ v FROM counter WHERE id = $i") || fail "final read"
  r3=$(q "SELECT /* cache */ v FROM counter WHERE id = $i") || fail "final read"
  u=$(q "SELECT /* nocache */ v FROM counter WHERE id = $i") || fail "final read"
  a=$(q "SELECT coalesce(max(v), 0) FROM ack WHERE id = $i") || fail "final read"
  if [ "$r2" != "$u" ] || [ "$r3" != "$u" ] || [ "$u" -lt "$a" ]; then
    echo "stress: FAIL: id $i after the run: cached $r2/$r3, uncached $u, acknowledged $a"; status=1
  fi
done

# ---- the run must have exercised the cache ----
read -r hits misses fills skips inval skipsj < <(q "SELECT hits, misses, fills, skips, invalidations, skips_by_reason FROM cachebot.stats" | tr '|' ' ') \
  || fail "cannot read cachebot.stats"
checks=$(q "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM checks")
own=$(q "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM own_checks")
echo "  checks=$checks own_write_checks=$own hits=$hits misses=$misses fills=$fills skips=$skips invalidations=$inval"
echo "  skips by reason: $skipsj"
[ "${hits:-0}" -gt "$min_hits" ] || { echo "stress: FAIL: only ${hits:-0} hits (need > $min_hits): the run proved nothing"; status=1; }
[ "${inval:-0}" -gt 0 ] || { echo "stress: FAIL: no invalidations: the run proved nothing"; status=1; }
[ "${checks:-0}" -gt "$min_hits" ] || { echo "stress: FAIL: only ${checks:-0} checks (need > $min_hits)"; status=1; }

if [ $status -ne 0 ]; then
  for f in writers readers_simple readers_prepared; do
    [ -f "$tmp/$f.out" ] && { echo "== $f pgbench summary"; grep -E '^(query mode|number of|tps)' "$tmp/$f.out"; }
  done
  echo "== stress: FAILED"
  exit 1
fi
psqlq -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
echo "== stress: passed"
