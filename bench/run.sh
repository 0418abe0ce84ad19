#!/usr/bin/env bash
# cachebot benchmarks (SPEC section 9), side by side in one run.
#
#   bash tools/run.sh bench      # starts a throwaway server, then runs this
#   bash bench/run.sh            # against the server in PGHOST/PGPORT/PGUSER
#
# Needs a PostgreSQL 15 server with shared_preload_libraries = 'cachebot' and a
# superuser in PGUSER. Creates (drops first) the database $BENCH_DB, loads the
# seed's photo/user data set (bench/schema.sql), then for every scenario runs
# pgbench (1 client, -n) for side A and side B, BENCH_ROUNDS times each,
# interleaved A B B A A B B A ..., each run BENCH_SECONDS long. A side's TPS is
# its best run: load from elsewhere on the machine can only lower TPS, and the
# interleaving exposes both sides to the same drift. Every run is listed in
# bench/results.md, which holds the results table (also printed).
#
# Each cached side is checked: cachebot.stats hits are read before and after
# every run and the hit ratio (hits / transactions) is printed; a "hit" run
# below 95% hits prints a WARNING. Uncached sides are checked to have caused
# no cache traffic at all.
#
# Where perf is available, the CPU time of the pgbench connection's backend is
# measured too (perf stat -e task-clock) and reported per transaction: a
# diagnostic that is much less disturbed by other load than TPS is.
#
# Environment: BENCH_DB (default cachebot_bench), BENCH_SECONDS (default 3),
# BENCH_ROUNDS (default 4), BENCH_PERF (default 1; 0 = no CPU measurement),
# PGBENCH (default the PostgreSQL 15 one).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bindir=/usr/lib/postgresql/15/bin
PGBENCH=${PGBENCH:-$bindir/pgbench}
PSQL=$bindir/psql
[ -x "$PSQL" ] || PSQL=psql
DB=${BENCH_DB:-cachebot_bench}
SECS=${BENCH_SECONDS:-3}
ROUNDS=${BENCH_ROUNDS:-4}
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
q0 -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
q0 -c "CREATE DATABASE $DB"
t0=$(date +%s)
q -f "$here/schema.sql" >/dev/null
echo "   loaded in $(( $(date +%s) - t0 )) s: $(q -c "SELECT (SELECT count(*) FROM app_user) || ' users, ' || (SELECT count(*) FROM photo) || ' photos'")"

# Start from an empty store (entries of earlier runs, e.g. of a dropped
# database, would otherwise take room and skew evictions).
q -c "SELECT cachebot.flush()" >/dev/null

pg_version=$(q -c "SHOW server_version")
shmem_size=$(q -c "SHOW cachebot.shmem_size")
cache_backend=$(q -c "SHOW cachebot.backend")
ncpu=$(nproc)

# ------------------------------------------------------ pgbench scripts ----
# Heavy read: photo (200k rows) joined to app_user (2k rows), aggregated per
# user over the visible photos (status > 0, 80% of them). The main variant
# keeps the 10 users with the most photos (a small result, as a page would
# show); the second returns all 2,000 groups, so what a hit costs to send a
# large result shows up separately.
heavy_top='u.username, count(*) AS photos, sum(p.id) AS id_sum, max(p.created) AS last_photo
  FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE p.status > 0
 GROUP BY u.username
 ORDER BY photos DESC, u.username
 LIMIT 10;'
heavy_all='u.username, count(*) AS photos, sum(p.id) AS id_sum, max(p.created) AS last_photo
  FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE p.status > 0
 GROUP BY u.username
 ORDER BY u.username;'
printf 'SELECT /* cache */ %s\n' "$heavy_top" > "$tmp/heavy_top_hit.sql"
printf 'SELECT %s\n' "$heavy_top"             > "$tmp/heavy_top_uncached.sql"
printf 'SELECT /* cache */ %s\n' "$heavy_all" > "$tmp/heavy_all_hit.sql"
printf 'SELECT %s\n' "$heavy_all"             > "$tmp/heavy_all_uncached.sql"

# Floor: a cached point query against SELECT 1.
echo 'SELECT /* cache */ * FROM photo WHERE id = 1;' > "$tmp/point_hit.sql"
echo 'SELECT 1;'                                      > "$tmp/select1.sql"

# Miss path: every statement is new. In simple mode pgbench pastes :n into the
# text, so each distinct n is a distinct statement and cache key (10^9 of
# them: practically no repeats), while the lookup still finds a real row (the
# constant expression folds to one id at plan time and uses the primary key).
cat > "$tmp/miss.sql" <<'EOF'
\set n random(1, 1000000000)
SELECT /* cache */ * FROM photo WHERE id = :n % 200000 + 1;
EOF

# Writes: single-row UPDATE of a random photo, HOT (status is not indexed).
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
# counters: hits misses fills skips evictions errors invalidations
counters() {
  q -F ' ' -c "SELECT hits, misses, fills, skips, evictions, errors, invalidations FROM cachebot.stats"
}
vadd() { awk -v a="$1" -v b="$2" 'BEGIN { n = split(a, x, " "); split(b, y, " ");
           s = ""; for (i = 1; i <= n; i++) s = s (i > 1 ? " " : "") (x[i] + y[i]); print s }'; }
vsub() { awk -v a="$1" -v b="$2" 'BEGIN { n = split(a, x, " "); split(b, y, " ");
           s = ""; for (i = 1; i <= n; i++) s = s (i > 1 ? " " : "") (x[i] - y[i]); print s }'; }
ZERO="0 0 0 0 0 0 0"

warn() { echo "WARNING: $*"; WARNINGS+=("$*"); }

# Server CPU per transaction, a diagnostic that other load on the machine
# disturbs much less than TPS: `perf stat -e task-clock` on the pgbench
# connection's backend, when perf is there and allowed (BENCH_PERF=0: off).
PERF=""
if [ "${BENCH_PERF:-1}" != 0 ] && command -v perf >/dev/null 2>&1 \
   && perf stat -e task-clock -x, -o /dev/null true >/dev/null 2>&1; then
  PERF=perf
fi

# one_run <script> <protocol> <pgoptions> -> RUN_TX RUN_TPS RUN_CPU (server us/tx or -) RUN_D (counter deltas)
one_run() {
  local script=$1 proto=$2 opts=$3 before after out failed pid="" bp i ms
  before=$(counters)
  PGOPTIONS="$opts" "$PGBENCH" -n -c 1 -j 1 -T "$SECS" -M "$proto" \
      -f "$script" "$DB" >"$tmp/pgbench.out" 2>&1 &
  bp=$!
  RUN_CPU="-"
  if [ -n "$PERF" ]; then
    for ((i = 0; i < 50; i++)); do
      pid=$(q -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'pgbench' AND backend_type = 'client backend' AND datname = current_database() LIMIT 1")
      [ -n "$pid" ] && break
      sleep 0.02
    done
    # counts until the backend exits, i.e. until pgbench disconnects
    if [ -n "$pid" ] && perf stat -e task-clock -x, -o "$tmp/perf.out" -p "$pid" >/dev/null 2>&1; then
      ms=$(awk -F, '/task-clock/ { print $1; exit }' "$tmp/perf.out")
    fi
  fi
  if ! wait "$bp"; then
    cat "$tmp/pgbench.out" >&2
    echo "bench: pgbench failed ($script, -M $proto)" >&2
    exit 1
  fi
  out=$(cat "$tmp/pgbench.out")
  after=$(counters)
  RUN_TX=$(echo "$out" | awk -F': *' '/number of transactions actually processed/ {split($2, f, " "); print f[1]; exit}')
  RUN_TPS=$(echo "$out" | awk '/^tps = / {printf "%.1f", $3; exit}')
  if [ -z "$RUN_TX" ] || [ -z "$RUN_TPS" ]; then
    echo "$out" >&2; echo "bench: could not read pgbench output" >&2; exit 1
  fi
  if [ -n "${ms:-}" ] && [ "$RUN_TX" -gt 0 ]; then
    RUN_CPU=$(awk -v ms="$ms" -v n="$RUN_TX" 'BEGIN { printf "%.1f", ms * 1000 / n }')
  fi
  failed=$(echo "$out" | awk -F': *' '/number of failed transactions/ {split($2, f, " "); print f[1]; exit}')
  if [ -n "$failed" ] && [ "$failed" != "0" ]; then
    warn "$failed failed transactions in $(basename "$script") -M $proto"
  fi
  RUN_D=$(vsub "$after" "$before")
}

# median of the numbers given as arguments ("-" if none)
median() {
  printf '%s\n' "$@" | grep -E '^[0-9.]+$' | sort -n |
    awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) printf "%.1f", v[(NR + 1) / 2]; else printf "%.1f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# check_side <A|B> <scenario> <kind> <deltas> <tx>
#   kind: hit   = cached side, must be >= 95% hits
#         miss  = cached side, mostly misses expected (hit ratio reported)
#         none  = must cause no cache traffic (no hint, or cachebot disabled)
#         plain = not a cached statement (SELECT 1, UPDATE of a tracked table)
check_side() {
  local side=$1 name=$2 kind=$3 d=$4 tx=$5 hits misses fills skips evictions errors inval pct
  read -r hits misses fills skips evictions errors inval <<<"$d"
  pct=$(awk -v h="$hits" -v t="$tx" 'BEGIN { if (t > 0) printf "%.1f", 100 * h / t; else print 0 }')
  SIDE_HITS="-"
  case $kind in
    hit)
      SIDE_HITS="$pct%"
      echo "   side $side hit ratio: $pct% ($hits hits / $tx transactions; misses $misses, skips $skips)"
      if awk -v p="$pct" 'BEGIN { exit !(p < 95) }'; then
        warn "$name: side $side was meant to be cache hits but had only $pct% hits ($hits/$tx; misses $misses, skips $skips)"
      fi ;;
    miss)
      SIDE_HITS="$pct%"
      echo "   side $side hit ratio: $pct% ($hits hits, $misses misses, $fills fills, $skips skips, $evictions evictions / $tx transactions)"
      if [ "$evictions" != 0 ]; then
        NOTES+=("$name: side $side evicted $evictions entries while filling (cachebot.shmem_size = $shmem_size).")
      fi
      if awk -v m="$misses" -v t="$tx" 'BEGIN { exit !(m < 0.9 * t) }'; then
        warn "$name: side $side was meant to be mostly misses but had $misses misses / $tx transactions"
      fi ;;
    none)
      if [ "$hits" != 0 ] || [ "$misses" != 0 ] || [ "$fills" != 0 ] || [ "$skips" != 0 ]; then
        warn "$name: side $side was meant to bypass the cache but counted $hits hits, $misses misses, $fills fills, $skips skips"
      fi ;;
    plain) ;;
  esac
  if [ "$errors" != 0 ]; then warn "$name: side $side counted $errors cache errors"; fi
}

ROWS=()
DETAILS=()
NOTES=()
WARNINGS=()

# pair <scenario> <target> <A script> <A proto> <A pgoptions> <A kind> <B script> <B proto> <B pgoptions> <B kind>
pair() {
  local name=$1 target=$2 a_s=$3 a_p=$4 a_o=$5 a_k=$6 b_s=$7 b_p=$8 b_o=$9 b_k=${10}
  local i side runs_a="" runs_b="" best_a=0 best_b=0 tx_a=0 tx_b=0 da=$ZERO db=$ZERO
  local cpu_a=() cpu_b=() med_a med_b
  local ratio verdict hits_a
  echo "== $name"
  for ((i = 1; i <= ROUNDS; i++)); do
    for side in $( ((i % 2)) && echo "A B" || echo "B A"); do
      if [ "$side" = A ]; then
        one_run "$a_s" "$a_p" "$a_o"
        runs_a="$runs_a $RUN_TPS"; tx_a=$((tx_a + RUN_TX)); da=$(vadd "$da" "$RUN_D"); cpu_a+=("$RUN_CPU")
        best_a=$(awk -v x="$best_a" -v y="$RUN_TPS" 'BEGIN { print (y > x) ? y : x }')
        printf '   A %-22s -M %-8s %9s TPS %8d tx %7s us/tx server CPU   cache delta (hits misses fills skips evictions errors invalidations): %s\n' \
          "$(basename "$a_s" .sql)" "$a_p" "$RUN_TPS" "$RUN_TX" "$RUN_CPU" "$RUN_D"
      else
        one_run "$b_s" "$b_p" "$b_o"
        runs_b="$runs_b $RUN_TPS"; tx_b=$((tx_b + RUN_TX)); db=$(vadd "$db" "$RUN_D"); cpu_b+=("$RUN_CPU")
        best_b=$(awk -v x="$best_b" -v y="$RUN_TPS" 'BEGIN { print (y > x) ? y : x }')
        printf '   B %-22s -M %-8s %9s TPS %8d tx %7s us/tx server CPU   cache delta (hits misses fills skips evictions errors invalidations): %s\n' \
          "$(basename "$b_s" .sql)" "$b_p" "$RUN_TPS" "$RUN_TX" "$RUN_CPU" "$RUN_D"
      fi
    done
  done
  ratio=$(awk -v a="$best_a" -v b="$best_b" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }')
  verdict=$(awk -v r="$ratio" -v t="$target" 'BEGIN { print (r + 0 >= t + 0) ? "meets" : "BELOW" }')
  check_side B "$name" "$b_k" "$db" "$tx_b"
  check_side A "$name" "$a_k" "$da" "$tx_a"
  hits_a=$SIDE_HITS
  ROWS+=("| $name | $best_a | $best_b | $ratio | ≥ $target | $hits_a | $verdict |")
  med_a=$(median "${cpu_a[@]}"); med_b=$(median "${cpu_b[@]}")
  DETAILS+=("| $name | ${runs_a# } | ${runs_b# } | $med_a | $med_b |")
  printf '   => best A %s TPS, best B %s TPS, ratio %s (target >= %s: %s); A hit ratio %s\n' \
    "$best_a" "$best_b" "$ratio" "$target" "$verdict" "$hits_a"
}

# warm <sql file>: run a cached statement so that the timed runs are hits
warm() {
  local before after
  before=$(counters)
  q -f "$1" >/dev/null
  q -f "$1" >/dev/null
  after=$(counters)
  read -r h0 m0 f0 _ <<<"$before"; read -r h1 m1 f1 _ <<<"$after"
  echo "   warm-up $(basename "$1" .sql): fills +$((f1 - f0)), hits +$((h1 - h0))"
  if [ $((h1 - h0)) -lt 1 ]; then warn "warm-up of $(basename "$1" .sql) did not produce a hit"; fi
}

# ----------------------------------------------------------- scenarios ----
started=$(date +%s)
echo "== pgbench: 1 client, -n, ${SECS} s per run, $ROUNDS runs per side (A B B A ...)"

echo "-- heavy read"
warm "$tmp/heavy_top_hit.sql"
pair "heavy read: join+aggregate over 200k rows, top 10 users (hit / uncached)" 100 \
     "$tmp/heavy_top_hit.sql" simple "" hit \
     "$tmp/heavy_top_uncached.sql" simple "" none
warm "$tmp/heavy_all_hit.sql"
pair "heavy read, all 2,000 groups returned (hit / uncached)" 100 \
     "$tmp/heavy_all_hit.sql" simple "" hit \
     "$tmp/heavy_all_uncached.sql" simple "" none

echo "-- floor"
warm "$tmp/point_hit.sql"
pair "floor, -M simple (point hit / SELECT 1)" 0.8 \
     "$tmp/point_hit.sql" simple "" hit \
     "$tmp/select1.sql" simple "" plain
pair "floor, -M prepared (point hit / SELECT 1)" 0.8 \
     "$tmp/point_hit.sql" prepared "" hit \
     "$tmp/select1.sql" prepared "" plain

echo "-- miss path"
pair "miss path: random pk lookups, all new (hinted / cachebot.enabled=off)" 0.9 \
     "$tmp/miss.sql" simple "" miss \
     "$tmp/miss.sql" simple "-c cachebot.enabled=off" none

echo "-- writes"
q -c "CHECKPOINT"
pair "writes: single-row UPDATE (tracked / untracked)" 0.85 \
     "$tmp/update_tracked.sql" simple "" plain \
     "$tmp/update_untracked.sql" simple "" none

elapsed=$(( $(date +%s) - started ))
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")

# -------------------------------------------------------------- report ----
{
  echo "# cachebot benchmarks"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "- machine: $ncpu CPUs (nproc), $(uname -m); load average at the end: $load"
  echo "- PostgreSQL $pg_version; cachebot.backend = $cache_backend, cachebot.shmem_size = $shmem_size"
  echo "- pgbench: 1 client, -n, $SECS s per run, $ROUNDS runs per side interleaved (A B B A ...); TPS = best run of the side"
  echo "- data: app_user 2,000 rows, photo 200,000 rows (both tracked), photo_untracked (identical copy of photo, untracked)"
  echo
  echo "| scenario | TPS A | TPS B | ratio A/B | SPEC §9 target | A hit ratio | result |"
  echo "|---|---:|---:|---:|---|---:|---|"
  for r in "${ROWS[@]}"; do echo "$r"; done
  echo
  echo "Sides:"
  echo "- heavy read, top 10: A = \`SELECT /* cache */ u.username, count(*) AS photos, sum(p.id), max(p.created) FROM photo p JOIN app_user u ON u.id = p.user_id WHERE p.status > 0 GROUP BY u.username ORDER BY photos DESC, u.username LIMIT 10\` after a warm-up fill; B = the same statement without the hint."
  echo "- heavy read, all groups: the same without LIMIT (ORDER BY u.username), 2,000 rows per execution."
  echo "- floor: A = \`SELECT /* cache */ * FROM photo WHERE id = 1\` (a hit); B = \`SELECT 1\`; same pgbench protocol on both sides."
  echo "- miss path: A = \`SELECT /* cache */ * FROM photo WHERE id = :n % 200000 + 1\`, n random in 1..10^9, simple protocol, so every statement text is new (a miss and a fill); B = the same with PGOPTIONS='-c cachebot.enabled=off'."
  echo "- writes: A = \`UPDATE photo SET status = :s WHERE id = :id\` (random id; photo is tracked); B = the same on photo_untracked."
  echo
  echo "All runs (TPS, in order), and the CPU time per transaction of the pgbench connection's backend (median of the runs; perf task-clock; parallel workers not counted; \`-\` = perf unavailable):"
  echo
  echo "| scenario | A runs (TPS) | B runs (TPS) | A server CPU µs/tx | B server CPU µs/tx |"
  echo "|---|---|---|---:|---:|"
  for r in "${DETAILS[@]}"; do echo "$r"; done
  if [ ${#NOTES[@]} -gt 0 ]; then
    echo; echo "Notes:"; for n in "${NOTES[@]}"; do echo "- $n"; done
  fi
  if [ ${#WARNINGS[@]} -gt 0 ]; then
    echo; echo "Warnings:"; for w in "${WARNINGS[@]}"; do echo "- WARNING: $w"; done
  fi
  echo
  echo "Timed part: ${elapsed} s."
} > "$tmp/results.md"

cp "$tmp/results.md" "$here/results.md"
echo
cat "$here/results.md"
