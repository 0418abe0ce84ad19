#!/usr/bin/env bash
# cachebot benchmarks (SPEC section 9), side by side in one run.
#
#   bash tools/run.sh bench      # starts a throwaway server, then runs this
#   bash bench/run.sh            # against the server in PGHOST/PGPORT/PGUSER
#
# Needs a PostgreSQL 15 server with shared_preload_libraries = 'cachebot' and a
# superuser in PGUSER. Creates (drops first) the database $BENCH_DB, loads the
# seed's photo/user data set (bench/schema.sql), then for every scenario runs
# pgbench for side A and side B, interleaved A B B A (each run BENCH_SECONDS
# long, 1 client, -n), so that drift of the machine hits both sides alike.
# Prints a results table and writes it to bench/results.md.
#
# Each cached side is checked: cachebot.stats hits are read before and after
# every run and the hit ratio (hits / transactions) is printed; a "hit" run
# below 95% hits prints a WARNING. Uncached sides are checked to have caused
# no cache traffic at all.
#
# Environment: BENCH_DB (default cachebot_bench), BENCH_SECONDS (default 7,
# i.e. 4 x 7 s per scenario pair), PGBENCH (default the PostgreSQL 15 one).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bindir=/usr/lib/postgresql/15/bin
PGBENCH=${PGBENCH:-$bindir/pgbench}
PSQL=$bindir/psql
[ -x "$PSQL" ] || PSQL=psql
DB=${BENCH_DB:-cachebot_bench}
SECS=${BENCH_SECONDS:-7}
export PGUSER=${PGUSER:-postgres}

tmp=$(mktemp -d /tmp/cachebot-bench.XXXXXX)
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT

q()  { "$PSQL" -X -q -At -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
q0() { "$PSQL" -X -q -At -v ON_ERROR_STOP=1 -d postgres "$@"; }

# ---------------------------------------------------------------- setup ----
preload=$(q0 -c "SHOW shared_preload_libraries")
case ",$preload," in
  *cachebot*) ;;
  *) echo "bench: the server does not preload cachebot (shared_preload_libraries='$preload')" >&2; exit 1 ;;
esac

echo "== creating database $DB and loading the photo/user data set"
q0 -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
q0 -c "CREATE DATABASE $DB"
t0=$(date +%s)
q -f "$here/schema.sql" >/dev/null
echo "   loaded in $(( $(date +%s) - t0 )) s: $(q -c "SELECT (SELECT count(*) FROM app_user) || ' users, ' || (SELECT count(*) FROM photo) || ' photos'")"

pg_version=$(q -c "SHOW server_version")
shmem_size=$(q -c "SHOW cachebot.shmem_size")
cache_backend=$(q -c "SHOW cachebot.backend")
ncpu=$(nproc)

# ------------------------------------------------------ pgbench scripts ----
heavy_sql='u.username, count(*) AS photos, sum(p.id) AS id_sum, max(p.created) AS last_photo
  FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE p.status > 0
 GROUP BY u.username
 ORDER BY u.username;'
printf 'SELECT /* cache */ %s\n' "$heavy_sql" > "$tmp/heavy_hit.sql"
printf 'SELECT %s\n' "$heavy_sql"             > "$tmp/heavy_plain.sql"

echo 'SELECT /* cache */ * FROM photo WHERE id = 1;' > "$tmp/point_hit.sql"
echo 'SELECT 1;'                                      > "$tmp/select1.sql"

# Miss path: every statement is new. In simple mode pgbench pastes :n into the
# text, so each distinct n is a distinct statement and cache key, while the
# lookup still finds a real row (the constant expression folds at plan time).
cat > "$tmp/miss.sql" <<'EOF'
\set n random(1, 1000000000)
SELECT /* cache */ * FROM photo WHERE id = :n % 200000 + 1;
EOF

cat > "$tmp/update_tracked.sql" <<'EOF'
\set id random(1, 200000)
\set s random(0, 4)
UPDATE photo SET status = :s WHERE id = :id;
EOF
cat > "$tmp/update_untracked.sql" <<'EOF'
\set id random(1, 200000)
\set s random(0, 4)
UPDATE photo_untracked SET status = :s WHERE id = :id;
EOF

# ------------------------------------------------------------- helpers ----
# counters: hits misses fills skips evictions errors
counters() {
  q -F ' ' -c "SELECT hits, misses, fills, skips, evictions, errors FROM cachebot.stats"
}

# one_run <script> <protocol> <pgoptions>  -> sets RUN_TX RUN_TPS RUN_D (counter deltas)
one_run() {
  local script=$1 proto=$2 opts=$3 before after out
  before=$(counters)
  if ! out=$(PGOPTIONS="$opts" "$PGBENCH" -n -c 1 -j 1 -T "$SECS" -M "$proto" \
               -f "$script" "$DB" 2>&1); then
    echo "$out" >&2
    echo "bench: pgbench failed ($script, -M $proto)" >&2
    exit 1
  fi
  after=$(counters)
  RUN_TX=$(echo "$out" | awk -F': *' '/number of transactions actually processed/ {print $2; exit}' | awk '{print $1}')
  RUN_TPS=$(echo "$out" | awk '/^tps = / {print $3; exit}')
  if [ -z "$RUN_TX" ] || [ -z "$RUN_TPS" ]; then
    echo "$out" >&2; echo "bench: could not read pgbench output" >&2; exit 1
  fi
  local failed
  failed=$(echo "$out" | awk -F': *' '/number of failed transactions/ {print $2; exit}' | awk '{print $1}')
  if [ -n "$failed" ] && [ "$failed" != "0" ]; then
    echo "WARNING: $failed failed transactions in $(basename "$script") -M $proto" >&2
  fi
  RUN_D=$(awk -v a="$before" -v b="$after" 'BEGIN {
            n = split(a, x, " "); split(b, y, " ");
            s = ""; for (i = 1; i <= n; i++) s = s (i > 1 ? " " : "") (y[i] - x[i]); print s }')
}

# results accumulated for the table
ROWS=()
NOTES=()
WARNINGS=()

# pair <scenario> <target> <cmp: ge> <A script> <A proto> <A opts> <A kind> <B script> <B proto> <B opts> <B kind>
#   kind: hit   = cached side, must be >= 95% hits
#         miss  = cached side, mostly misses expected (hit ratio reported)
#         none  = must cause no cache traffic (no hint, or cachebot disabled)
#         plain = not a cached statement (SELECT 1, UPDATE): only reported
pair() {
  local name=$1 target=$2 a_s=$3 a_p=$4 a_o=$5 a_k=$6 b_s=$7 b_p=$8 b_o=$9 b_k=${10}
  local side order tps_a=() tps_b=() tx_a=0 tx_b=0
  local da="0 0 0 0 0 0" db="0 0 0 0 0 0"
  echo "== $name"
  for side in A B B A; do
    if [ "$side" = A ]; then
      one_run "$a_s" "$a_p" "$a_o"; tps_a+=("$RUN_TPS"); tx_a=$((tx_a + RUN_TX))
      da=$(awk -v a="$da" -v b="$RUN_D" 'BEGIN { n = split(a, x, " "); split(b, y, " "); s = ""; for (i = 1; i <= n; i++) s = s (i > 1 ? " " : "") (x[i] + y[i]); print s }')
    else
      one_run "$b_s" "$b_p" "$b_o"; tps_b+=("$RUN_TPS"); tx_b=$((tx_b + RUN_TX))
      db=$(awk -v a="$db" -v b="$RUN_D" 'BEGIN { n = split(a, x, " "); split(b, y, " "); s = ""; for (i = 1; i <= n; i++) s = s (i > 1 ? " " : "") (x[i] + y[i]); print s }')
    fi
    printf '   %s  %-22s -M %-8s %10.1f TPS  (%d tx; cache delta hits/misses/fills/skips/evictions/errors: %s)\n' \
      "$side" "$(basename "$( [ "$side" = A ] && echo "$a_s" || echo "$b_s")" .sql)" \
      "$( [ "$side" = A ] && echo "$a_p" || echo "$b_p")" "$RUN_TPS" "$RUN_TX" "$RUN_D"
  done
  local mean_a mean_b ratio verdict hits_a
  mean_a=$(awk -v x="${tps_a[0]}" -v y="${tps_a[1]}" 'BEGIN { printf "%.1f", (x + y) / 2 }')
  mean_b=$(awk -v x="${tps_b[0]}" -v y="${tps_b[1]}" 'BEGIN { printf "%.1f", (x + y) / 2 }')
  ratio=$(awk -v a="$mean_a" -v b="$mean_b" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }')
  verdict=$(awk -v r="$ratio" -v t="$target" 'BEGIN { print (r + 0 >= t + 0) ? "meets" : "BELOW" }')

  # hit ratio of the A side = hits / transactions
  hits_a=$(awk -v d="$da" -v tx="$tx_a" 'BEGIN { split(d, x, " "); if (tx > 0) printf "%.1f%%", 100 * x[1] / tx; else print "n/a" }')
  check_side A "$name" "$a_k" "$da" "$tx_a"
  check_side B "$name" "$b_k" "$db" "$tx_b"
  local shown_hits="-"
  case $a_k in hit|miss) shown_hits=$hits_a ;; esac
  ROWS+=("| $name | $mean_a | $mean_b | $ratio | ≥ $target | $shown_hits | $verdict |")
  printf '   => A %s TPS, B %s TPS, ratio %s (target >= %s: %s); A hit ratio %s\n' \
    "$mean_a" "$mean_b" "$ratio" "$target" "$verdict" "$shown_hits"
}

# check_side <A|B> <scenario> <kind> <deltas> <tx>
check_side() {
  local side=$1 name=$2 kind=$3 d=$4 tx=$5 hits misses fills skips evictions errors pct
  read -r hits misses fills skips evictions errors <<<"$d"
  pct=$(awk -v h="$hits" -v t="$tx" 'BEGIN { if (t > 0) printf "%.1f", 100 * h / t; else print 0 }')
  case $kind in
    hit)
      echo "   side $side hit ratio: $pct% ($hits hits / $tx transactions; misses $misses, skips $skips)"
      if awk -v p="$pct" 'BEGIN { exit !(p < 95) }'; then
        warn "$name: side $side was meant to be cache hits but had only $pct% hits ($hits/$tx; misses $misses, skips $skips)"
      fi ;;
    miss)
      echo "   side $side hit ratio: $pct% ($hits hits, $misses misses, $fills fills, $skips skips, $evictions evictions / $tx transactions)"
      if [ "$evictions" != 0 ]; then NOTES+=("$name: the cached side evicted $evictions entries (cachebot.shmem_size = $shmem_size).") ; fi
      if awk -v m="$misses" -v t="$tx" 'BEGIN { exit !(m < 0.9 * t) }'; then
        warn "$name: side $side was meant to be mostly misses but had $misses misses / $tx transactions"
      fi ;;
    none)
      if [ "$hits" != 0 ] || [ "$misses" != 0 ] || [ "$fills" != 0 ]; then
        warn "$name: side $side was meant to bypass the cache but caused $hits hits, $misses misses, $fills fills"
      fi ;;
    plain) ;;
  esac
  if [ "$errors" != 0 ]; then warn "$name: side $side counted $errors cache errors"; fi
}

warn() { echo "WARNING: $*"; WARNINGS+=("$*"); }

# warm <sql file>: run the cached statement once so that the timed runs are hits
warm() {
  local before after
  before=$(counters)
  q -f "$1" >/dev/null
  q -f "$1" >/dev/null
  after=$(counters)
  read -r h0 m0 f0 _ <<<"$before"; read -r h1 m1 f1 _ <<<"$after"
  echo "   warm-up $(basename "$1" .sql): fills +$((f1 - f0)), hits +$((h1 - h0))"
}

# ----------------------------------------------------------- scenarios ----
started=$(date +%s)
echo "== pgbench: ${SECS} s per run, runs in order A B B A, 1 client, -n"

echo "-- heavy read"
warm "$tmp/heavy_hit.sql"
pair "heavy read: join+aggregate over 200k rows (hit / uncached)" 100 \
     "$tmp/heavy_hit.sql" simple "" hit \
     "$tmp/heavy_plain.sql" simple "" none

echo "-- floor"
warm "$tmp/point_hit.sql"
pair "floor, -M simple (point hit / SELECT 1)" 0.8 \
     "$tmp/point_hit.sql" simple "" hit \
     "$tmp/select1.sql" simple "" plain
pair "floor, -M prepared (point hit / SELECT 1)" 0.8 \
     "$tmp/point_hit.sql" prepared "" hit \
     "$tmp/select1.sql" prepared "" plain

echo "-- miss path"
pair "miss path: random pk lookups (hinted / cachebot.enabled=off)" 0.9 \
     "$tmp/miss.sql" simple "" miss \
     "$tmp/miss.sql" simple "-c cachebot.enabled=off" none

echo "-- writes"
q -c "CHECKPOINT"
pair "writes: single-row UPDATE (tracked / untracked)" 0.85 \
     "$tmp/update_tracked.sql" simple "" plain \
     "$tmp/update_untracked.sql" simple "" none

elapsed=$(( $(date +%s) - started ))

# -------------------------------------------------------------- report ----
{
  echo "# cachebot benchmarks"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "- machine: $ncpu CPUs (nproc), $(uname -m), kernel $(uname -r)"
  echo "- PostgreSQL $pg_version; cachebot.backend = $cache_backend, cachebot.shmem_size = $shmem_size"
  echo "- pgbench: 1 client, -n, $SECS s per run, sides interleaved A B B A; TPS = mean of the two runs of a side"
  echo "- data: app_user 2,000 rows, photo 200,000 rows (tracked), photo_untracked (identical, untracked)"
  echo
  echo "| scenario | TPS A | TPS B | ratio A/B | SPEC §9 target | A hit ratio | result |"
  echo "|---|---:|---:|---:|---|---:|---|"
  for r in "${ROWS[@]}"; do echo "$r"; done
  echo
  echo "Sides:"
  echo "- heavy read: A = \`SELECT /* cache */ u.username, count(*), sum(p.id), max(p.created) FROM photo p JOIN app_user u ON u.id = p.user_id WHERE p.status > 0 GROUP BY u.username ORDER BY u.username\` after one warm-up fill; B = the same statement without the hint."
  echo "- floor: A = \`SELECT /* cache */ * FROM photo WHERE id = 1\` (a hit); B = \`SELECT 1\`; same pgbench protocol on both sides."
  echo "- miss path: A = \`SELECT /* cache */ * FROM photo WHERE id = :n % 200000 + 1\`, n random in 1..10^9, simple protocol (each statement text is new: a miss and a fill); B = the same with PGOPTIONS='-c cachebot.enabled=off'."
  echo "- writes: A = \`UPDATE photo SET status = :s WHERE id = :id\` (random id, photo tracked); B = the same on photo_untracked."
  if [ ${#NOTES[@]} -gt 0 ]; then
    echo; echo "Notes:"; for n in "${NOTES[@]}"; do echo "- $n"; done
  fi
  if [ ${#WARNINGS[@]} -gt 0 ]; then
    echo; echo "Warnings:"; for w in "${WARNINGS[@]}"; do echo "- WARNING: $w"; done
  fi
  echo
  echo "Timed part took ${elapsed} s."
} > "$tmp/results.md"

cp "$tmp/results.md" "$here/results.md"
echo
cat "$here/results.md"
