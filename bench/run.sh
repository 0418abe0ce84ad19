#!/usr/bin/env bash
# cachebot benchmarks, side by side in one run.
#
#   bash tools/run.sh bench      # starts a throwaway server, then runs this
#   bash bench/run.sh            # against the server in PGHOST/PGPORT/PGUSER
#
# Needs a PostgreSQL 15 server with shared_preload_libraries = 'cachebot' and a
# superuser in PGUSER. Creates (drops first) the database $BENCH_DB, loads the
# seed's photo/user data set (bench/schema.sql), then for every scenario runs
# pgbench (1 client, -n) for side A and side B, BENCH_ROUNDS times each,
# interleaved A B B A A B B A ..., each run BENCH_SECONDS long. Round i is the
# i-th run of each side, made moments apart; a scenario's ratio is the median
# of its rounds' ratios (A's TPS / B's in the same round), and a side's TPS
# is the median of its runs. Pairing cancels the machine's slow drift, and
# the median ignores one lucky or unlucky run on either side (a best-run rule
# let one such run of a side decide a ratio; the mixed workload's two rounds
# give the mean of their ratios). The TPS columns need not divide to the
# ratio: each is a median of its own. Every run is listed in
# bench/results.md, which holds the results table (also printed).
#
# Each cached side is checked: cachebot.stats hits are read before and after
# every run and the hit ratio (hits / transactions) is printed; a "hit" run
# below 95% hits prints a WARNING. Uncached sides are checked to have caused
# no cache traffic at all.
#
# Where perf is available, the CPU time of the pgbench connection's backend is
# measured too (perf stat -e task-clock) and reported per transaction: a
# diagnostic that is much less disturbed by other load than TPS is. Over the
# runs of the read scenarios (no commits to wait for), a straight line of wall
# time against that CPU gives what a µs of server CPU costs a client on this
# host, and the targets at the edge are weighed with it at the end of
# results.md. The floor has a ceiling measured beside it: PostgreSQL's
# cheapest statement over the same table against SELECT 1.
#
# Against pgpool-II: when pgpool2 is installed, or can be
# installed with apt-get (as root or with password-less sudo), a pgpool-II is
# started on a free loopback port in front of the same server, with its
# in-memory query cache in shared memory, and its cache hits are compared with
# cachebot's hits of the same statement made directly. pgpool is always
# stopped at the end. If it cannot be installed or started, the comparison is
# skipped with a message (BENCH_PGPOOL=0 skips it too).
#
# Mixed workload (last): 8 clients, 95% per-user reads / 5% single-row
# writes, with photo tracked by its keyed columns (precise), tracked with
# columns => '{}' (table-level), and with cachebot.enabled = off; the three
# sides are interleaved (P T N, N T P, ...), each cached side is warmed over
# all users first, and the hit ratio is hits / (hits + misses) of the run.
# photo is tracked with its default keyed columns again at the end.
#
# Durability: the full run is made as the server is configured; tools/run.sh
# bench runs it with PostgreSQL's defaults (fsync, synchronous_commit and
# full_page_writes on: every commit waits for its WAL flush), then the
# memcached comparison, then with BENCH_SCOPE=durability a run with all
# three off, labelled, of the writes and the mixed workloads only (where
# commits matter), appended like the backend comparison. The mixed workload
# reports the lookups turned away because a writer of their keys was
# committing (pending_write).
#
# Store backends: the scenario targets follow the server's cachebot.backend
# (targets: shmem floor >= 0.8, point >= 1.0, writes >= 0.85;
# memcached floor >= 0.5, point >= 0.8, writes >= 0.7). With
# BENCH_BACKEND_LABEL set (e.g. memcached, after a run against shmem on the
# same machine), only the scenarios of a backend comparison run (floor simple
# and prepared, point lookups under cache_get, writes), each row's scenario
# name ends with "[label]", and the rows are APPENDED to bench/results.md
# under a heading of their own instead of replacing it.
#
# Environment: BENCH_DB (default cachebot_bench), BENCH_SECONDS (default 3),
# BENCH_ROUNDS (default 6), BENCH_PERF (default 1; 0 = no CPU measurement),
# BENCH_PGPOOL (default 1; 0 = no pgpool-II comparison), BENCH_MIXED_SECONDS
# (default 10), BENCH_MIXED_ROUNDS (default 2), BENCH_MIXED_CLIENTS (default
# 8), BENCH_BACKEND_LABEL (default empty: the full run, results.md
# rewritten), PGBENCH (default the PostgreSQL 15 one).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bindir=/usr/lib/postgresql/15/bin
PGBENCH=${PGBENCH:-$bindir/pgbench}
PSQL=$bindir/psql
[ -x "$PSQL" ] || PSQL=psql
DB=${BENCH_DB:-cachebot_bench}
SECS=${BENCH_SECONDS:-3}
ROUNDS=${BENCH_ROUNDS:-6}
MSECS=${BENCH_MIXED_SECONDS:-10}
MROUNDS=${BENCH_MIXED_ROUNDS:-2}
MCLIENTS=${BENCH_MIXED_CLIENTS:-8}
LABEL=${BENCH_BACKEND_LABEL:-}
# what a labelled run compares: backend (floor, point lookups, writes) or
# durability (writes and the mixed workloads, where commits wait for WAL)
SCOPE=${BENCH_SCOPE:-backend}
SUFFIX=""
[ -z "$LABEL" ] || SUFFIX=" [$LABEL]"
export PGUSER=${PGUSER:-postgres}

tmp=$(mktemp -d /tmp/cachebot-bench.XXXXXX)
chmod 755 "$tmp"
POOL_PID=""
cleanup() {
  set +e
  stop_pgpool
  rm -rf "$tmp"
}
# pgpool-II, if this run started one: asked to stop, then killed if it is
# still there (only the process this script started, and its children).
stop_pgpool() {
  local i
  [ -n "$POOL_PID" ] || return 0
  if kill -0 "$POOL_PID" 2>/dev/null; then
    "$POOL_BIN" -f "$tmp/pgpool/pgpool.conf" -m fast stop >/dev/null 2>&1 || kill -TERM "$POOL_PID" 2>/dev/null
    for ((i = 0; i < 50; i++)); do kill -0 "$POOL_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$POOL_PID" 2>/dev/null && kill -KILL "$POOL_PID" 2>/dev/null
  fi
  wait "$POOL_PID" 2>/dev/null
  POOL_PID=""
}
trap cleanup EXIT

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
mc_servers=$(q -c "SHOW cachebot.memcached_servers" 2>/dev/null || echo "?")
huge_pages=$(q -c "SHOW huge_pages")
durability="fsync = $(q -c "SHOW fsync"), synchronous_commit = $(q -c "SHOW synchronous_commit"), full_page_writes = $(q -c "SHOW full_page_writes")"
# targets per store backend
case $cache_backend in
  memcached) T_FLOOR=0.5; T_POINT=0.8; T_WRITES=0.7 ;;
  *)         T_FLOOR=0.8; T_POINT=1.0; T_WRITES=0.85 ;;
esac
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
echo 'SELECT * FROM photo WHERE false;'                > "$tmp/over_table.sql"

# Point lookup by id under cache_get: no hint, a primary-key lookup of one of
# 1,000 ids (all warmed first, so side A hits); side B is the same statement
# with cachebot.enabled = off (uncached). In simple mode each id is its own
# statement text; in prepared mode one statement with its parameter.
cat > "$tmp/point_get.sql" <<'EOF'
\set id random(1, 1000)
SELECT * FROM photo WHERE id = :id;
EOF
GET_ON="-c cachebot.cache_get=on"
GET_OFF="-c cachebot.cache_get=on -c cachebot.enabled=off"

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

# Against pgpool-II: pgpool does not cache a SELECT that calls a function
# whose name has an overload returning timestamptz (max, min), whatever the
# arguments and volatility, so this comparison uses the top-10
# join+aggregate without max(p.created), on both sides. The
# pgpool side sends the statement without the hint: its hits never reach the
# server, and its misses then cost cachebot nothing.
heavy_pool='u.username, count(*) AS photos, sum(p.id) AS id_sum
  FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE p.status > 0
 GROUP BY u.username
 ORDER BY photos DESC, u.username
 LIMIT 10;'
printf 'SELECT /* cache */ %s\n' "$heavy_pool" > "$tmp/heavy_pool_hit.sql"
printf 'SELECT %s\n' "$heavy_pool"             > "$tmp/pgpool_heavy_top.sql"
cat > "$tmp/pgpool_miss.sql" <<'EOF'
\set n random(1, 1000000000)
SELECT * FROM photo WHERE id = :n % 200000 + 1;
EOF

# Mixed workload: a user's photos (100 rows, by the photo(user_id) index) for
# a random user, 95% of transactions; the other 5% are update_tracked.sql (a
# random photo's status: the row keeps its user, so precise keys invalidate
# that user's page only). The warm-up reads every user's page once.
cat > "$tmp/mixed_read.sql" <<'EOF'
\set uid random(1, 2000)
SELECT /* cache */ id, title, status FROM photo WHERE user_id = :uid ORDER BY id;
EOF
for ((i = 1; i <= 2000; i++)); do
  echo "SELECT /* cache */ id, title, status FROM photo WHERE user_id = $i ORDER BY id;"
done > "$tmp/mixed_warm.sql"
# The same through the seed's join (Photo.objects.filter(user__username=..., status=2)):
# photo has no constant to be keyed by; its keys come from the user id app_user gives.
cat > "$tmp/mixed_join_read.sql" <<'EOF'
\set uid random(1, 2000)
SELECT /* cache */ p.id, p.title, p.status FROM photo p JOIN app_user u ON u.id = p.user_id
 WHERE u.username = 'user' || :uid::text AND p.status = 2 ORDER BY p.id;
EOF
for ((i = 1; i <= 2000; i++)); do
  echo "SELECT /* cache */ p.id, p.title, p.status FROM photo p JOIN app_user u ON u.id = p.user_id WHERE u.username = 'user' || ${i}::text AND p.status = 2 ORDER BY p.id;"
done > "$tmp/mixed_join_warm.sql"

# ------------------------------------------------------------- helpers ----
# counters: hits misses fills skips evictions errors invalidations pending_write-skips
counters() {
  q -F ' ' -c "SELECT hits, misses, fills, skips, evictions, errors, invalidations,
                      coalesce((skips_by_reason ->> 'pending_write')::bigint, 0) FROM cachebot.stats"
}
vadd() { awk -v a="$1" -v b="$2" 'BEGIN { n = split(a, x, " "); split(b, y, " ");
           s = ""; for (i = 1; i <= n; i++) s = s (i > 1 ? " " : "") (x[i] + y[i]); print s }'; }
vsub() { awk -v a="$1" -v b="$2" 'BEGIN { n = split(a, x, " "); split(b, y, " ");
           s = ""; for (i = 1; i <= n; i++) s = s (i > 1 ? " " : "") (x[i] - y[i]); print s }'; }
ZERO="0 0 0 0 0 0 0 0"

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
#   pgoptions starting with "@pgpool": connect through pgpool-II (the rest is
#   PGOPTIONS); no CPU measurement then (the backend is pgpool's).
one_run() {
  local script=$1 proto=$2 opts=$3 before after out failed pid="" bp i ms
  local host=${PGHOST:-} port=${PGPORT:-} app=pgbench
  case $opts in
    @pgpool*) host=127.0.0.1; port=$POOL_PORT; app=pgbench_pgpool; opts=${opts#@pgpool}; opts=${opts# } ;;
  esac
  before=$(counters)
  PGHOST="$host" PGPORT="$port" PGAPPNAME="$app" PGOPTIONS="$opts" \
      "$PGBENCH" -n -c 1 -j 1 -T "$SECS" -M "$proto" \
      -f "$script" "$DB" >"$tmp/pgbench.out" 2>&1 &
  bp=$!
  RUN_CPU="-"
  if [ -n "$PERF" ] && [ "$app" = pgbench ]; then
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

# median_fmt <printf format> <numbers...>: their median ("-" if none)
median_fmt() {
  local fmt=$1
  shift
  printf '%s\n' "$@" | { grep -E '^[0-9.]+$' || true; } | sort -n |
    awk -v fmt="$fmt" '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) printf fmt, v[(NR + 1) / 2]; else printf fmt, (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# median of the numbers given as arguments ("-" if none)
median() { median_fmt "%.1f" "$@"; }

# round_ratio <A runs> <B runs>: the median over rounds of A's TPS / B's, the
# i-th run of each list being round i ("n/a" if a B run is 0)
round_ratio() {
  local ratios
  ratios=$(awk -v a="$1" -v b="$2" 'BEGIN {
    n = split(a, x, " "); m = split(b, y, " "); if (m < n) n = m
    for (i = 1; i <= n; i++) { if (y[i] + 0 <= 0) { print "n/a"; exit } printf "%.9f\n", x[i] / y[i] } }')
  case $ratios in
    "" | *n/a*) echo "n/a" ;;
    *) median_fmt "%.3f" $ratios ;;
  esac
}

# check_side <A|B> <scenario> <kind> <deltas> <tx>
#   kind: hit   = cached side, must be >= 95% hits
#         miss  = cached side, mostly misses expected (hit ratio reported)
#         none  = must cause no cache traffic (no hint, or cachebot disabled)
#         plain = not a cached statement (SELECT 1, UPDATE of a tracked table)
check_side() {
  local side=$1 name=$2 kind=$3 d=$4 tx=$5 hits misses fills skips evictions errors inval pct
  read -r hits misses fills skips evictions errors inval _ <<<"$d"
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

# What a µs of the backend's CPU costs a statement's wall time at one client
# on this host: a least-squares line, wall (1 / TPS) = a + b * server CPU, over
# the runs of the read scenarios that name their sides in FIT (FIT="A B" pair
# ...): statements that wait for no commit, so that their wall time is the
# client, the round trip's wake-ups and the server's CPU. A target's
# allowance in wall time, divided by b, is its allowance in server CPU.
FIT=""
FIT_POINTS=()
fit_point() {
  [[ " ${FIT:-} " == *" $1 "* ]] || return 0
  [[ $RUN_CPU =~ ^[0-9.]+$ ]] || return 0
  FIT_POINTS+=("$RUN_CPU $RUN_TPS")
}

# host_fit -> FIT_LINE "a b r n" (or empty if fewer than 4 points)
host_fit() {
  FIT_LINE=$(printf '%s\n' "${FIT_POINTS[@]}" | awk '
    NF == 2 && $2 > 0 { x[++n] = $1; y[n] = 1e6 / $2; sx += x[n]; sy += y[n] }
    END {
      if (n < 4) exit
      mx = sx / n; my = sy / n
      for (i = 1; i <= n; i++) { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) ^ 2; syy += (y[i] - my) ^ 2 }
      if (sxx == 0 || syy == 0) exit
      b = sxy / sxx
      if (b < 0.01) exit
      printf "%.1f %.2f %.3f %d", my - b * mx, b, sxy / sqrt(sxx * syy), n
    }')
}

# latency_bullets: what 0.9 leaves the point hit and the miss path, in this
# run's wall time and, through the host's fit, in server CPU, against what
# they took (the figures of this run; the breakdowns from bench/profiles.md)
latency_bullets() {
  local a b r n
  host_fit
  if [ -z "$FIT_LINE" ]; then
    echo "- (not weighed in CPU in this run: fewer than 4 runs with a server CPU figure, or no slope to fit; perf may be unavailable)"
    return
  fi
  read -r a b r n <<<"$FIT_LINE"
  echo "- this host, at one client: a statement's wall time (1 / TPS) = $a µs + $b × its backend's CPU (least squares over the $n runs of the read scenarios above, which wait for no commit; correlation $r). The $a µs are the client and the round trip's wake-ups; a µs of server CPU costs $b µs of wall time, so a target's allowance in wall time, divided by $b, is its allowance in server CPU."
  if ! [[ ${FLOOR_CPU_A:-}/${FLOOR_CPU_B:-} =~ ^[0-9.]+/[0-9.]+$ ]]; then
    echo "- point hit, simple: not weighed (no server CPU median for a side of the floor in this run)"
  else
    awk -v r="$FLOOR_RATIO" -v ca="$FLOOR_CPU_A" -v cb="$FLOOR_CPU_B" -v t="$FLOOR_TPS_B" \
        -v ce="${CEILING_CPU_A:--}" -v ceb="${CEILING_CPU_B:--}" -v cr="${CEILING_RATIO:--}" -v b="$b" 'BEGIN {
      w = 1e6 / t; allow = w / 9 / b
      printf "- point hit, simple (%s in this run: %s): 0.9 of `SELECT 1` leaves a statement %.1f µs of wall time more than its %.1f, %.1f µs of server CPU. The hit took %.1f µs more (%.1f against %.1f): cachebot'"'"'s own work is about 3 µs of that by the profiles (the decision before planning, the store lookup, the replay plan), the rest PostgreSQL'"'"'s parse analysis and executor start of a statement over a table and the kernel'"'"'s send of the longer reply.", r, (r + 0 >= 0.9) ? "met" : "not met", w / 9, w, allow, ca - cb, ca, cb
      if (ce ~ /^[0-9.]+$/ && ceb ~ /^[0-9.]+$/) {
        ahead = allow - (ce - ceb)
        printf " PostgreSQL'"'"'s cheapest statement over the same table (the ceiling row: parsed, analyzed, planned to no rows, nothing sent but its columns'"'"' names) took %.1f µs more than `SELECT 1` beside it and ran at %s of it. A hit in the simple protocol is parsed and analyzed as that statement is (PostgreSQL has no hook before parse analysis), and took %.1f µs more than it (cachebot'"'"'s work and the row it sends, less the planning it skips)", ce - ceb, cr, (ca - cb) - (ce - ceb)
        if (ahead < 0)
          printf ": in this run 0.9 was out of reach before any caching work, since that statement alone (with cachebot loaded, its hooks passing over an unhinted statement) took %.1f µs more than the allowance (section \"Point hit, simple protocol\").\n", -ahead
        else
          printf ", against the %.1f µs that 0.9 leaves beyond that statement (section \"Point hit, simple protocol\").\n", ahead
      } else
        printf " (section \"Point hit, simple protocol\")\n"
    }'
  fi
  if ! [[ ${MISS_CPU_A:-}/${MISS_CPU_B:-} =~ ^[0-9.]+/[0-9.]+$ ]]; then
    echo "- miss path: not weighed (no server CPU median for a side of the miss path in this run)"
  else
    awk -v r="$MISS_RATIO" -v ca="$MISS_CPU_A" -v cb="$MISS_CPU_B" -v t="$MISS_TPS_B" -v b="$b" 'BEGIN {
      w = 1e6 / t
      printf "- miss path (%s in this run: %s): 0.9 leaves a hinted new statement %.1f µs of wall time more than the uncached one'"'"'s %.1f, %.1f µs of server CPU. It took %.1f µs more (%.1f against %.1f). By the profiles, cachebot'"'"'s own code with the PostgreSQL functions it calls is 5.5 to 7.5 µs of that: the decision on the plan (the fingerprint, the row keys from the quals, the expression checks) 2.7 to 2.9, the lookup that reads the version records before the snapshot 0.8 to 1.0, the fill lease, the entry'"'"'s start and the counting 0.4, capturing and storing the entry 1.1 to 2.5, the planner hook 0.3 to 0.8. The rest is the host'"'"'s: in one profile the kernel'"'"'s share grew by 3.4 µs, half of it where the client'"'"'s wake-up lands (on this virtual machine an idle vCPU halts at once), and PostgreSQL'"'"'s own code ran slower beside the store'"'"'s cold memory at 4 kB pages (with 2 MB pages: the huge pages section below). Each part of cachebot'"'"'s is what a fill needs to be correct; what would halve it (decisions remembered across statements, with an invalidation of their own; filling only at a text'"'"'s second miss, a change for every user) was weighed and left (section \"What a miss costs, and what 0.9 of the uncached statement would take\").\n", r, (r + 0 >= 0.9) ? "met" : "not met", w / 9, w, w / 9 / b, ca - cb, ca, cb
    }'
  fi
}

ROWS=()
DETAILS=()
NOTES=()
WARNINGS=()

# pair <scenario> <target> <A script> <A proto> <A pgoptions> <A kind> <B script> <B proto> <B pgoptions> <B kind>
pair() {
  local name=$1 target=$2 a_s=$3 a_p=$4 a_o=$5 a_k=$6 b_s=$7 b_p=$8 b_o=$9 b_k=${10}
  local i side runs_a="" runs_b="" med_tps_a med_tps_b tx_a=0 tx_b=0 da=$ZERO db=$ZERO
  local cpu_a=() cpu_b=() med_a med_b
  local ratio verdict hits_a
  echo "== $name"
  for ((i = 1; i <= ROUNDS; i++)); do
    for side in $( ((i % 2)) && echo "A B" || echo "B A"); do
      if [ "$side" = A ]; then
        one_run "$a_s" "$a_p" "$a_o"
        runs_a="$runs_a $RUN_TPS"; tx_a=$((tx_a + RUN_TX)); da=$(vadd "$da" "$RUN_D"); cpu_a+=("$RUN_CPU")
        fit_point A
        printf '   A %-22s -M %-8s %9s TPS %8d tx %7s us/tx server CPU   cache delta (hits misses fills skips evictions errors invalidations): %s\n' \
          "$(basename "$a_s" .sql)" "$a_p" "$RUN_TPS" "$RUN_TX" "$RUN_CPU" "$RUN_D"
      else
        one_run "$b_s" "$b_p" "$b_o"
        runs_b="$runs_b $RUN_TPS"; tx_b=$((tx_b + RUN_TX)); db=$(vadd "$db" "$RUN_D"); cpu_b+=("$RUN_CPU")
        fit_point B
        printf '   B %-22s -M %-8s %9s TPS %8d tx %7s us/tx server CPU   cache delta (hits misses fills skips evictions errors invalidations): %s\n' \
          "$(basename "$b_s" .sql)" "$b_p" "$RUN_TPS" "$RUN_TX" "$RUN_CPU" "$RUN_D"
      fi
    done
  done
  ratio=$(round_ratio "$runs_a" "$runs_b")
  med_tps_a=$(median $runs_a); med_tps_b=$(median $runs_b)
  if [ "$target" = - ]; then
    verdict="no target"
  else
    verdict=$(awk -v r="$ratio" -v t="$target" 'BEGIN { print (r + 0 >= t + 0) ? "meets" : "BELOW" }')
  fi
  check_side B "$name" "$b_k" "$db" "$tx_b"
  check_side A "$name" "$a_k" "$da" "$tx_a"
  hits_a=$SIDE_HITS
  PAIR_TX_A=$tx_a; PAIR_TX_B=$tx_b; PAIR_TPS_A=$med_tps_a; PAIR_TPS_B=$med_tps_b; PAIR_RATIO=$ratio
  ROWS+=("| $name | $med_tps_a | $med_tps_b | $ratio | $( [ "$target" = - ] && echo "—" || echo "≥ $target") | $hits_a | $verdict |")
  med_a=$(median "${cpu_a[@]}"); med_b=$(median "${cpu_b[@]}")
  PAIR_CPU_A=$med_a; PAIR_CPU_B=$med_b
  DETAILS+=("| $name | ${runs_a# } | ${runs_b# } | $med_a | $med_b |")
  printf '   => median A %s TPS, median B %s TPS, ratio %s (median of the rounds; target >= %s: %s); A hit ratio %s\n' \
    "$med_tps_a" "$med_tps_b" "$ratio" "$target" "$verdict" "$hits_a"
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

# warm_get <protocol>: fill the point lookups of ids 1..1000 under cache_get
# (simple and prepared statements have keys of their own): 10,000 random
# lookups leave an id unvisited with probability e^-10.
warm_get() {
  local before after h0 m0 f0 h1 m1 f1
  before=$(counters)
  if ! PGOPTIONS="$GET_ON" "$PGBENCH" -n -c 1 -t 10000 -M "$1" -f "$tmp/point_get.sql" "$DB" >"$tmp/pgbench.out" 2>&1; then
    cat "$tmp/pgbench.out" >&2; echo "bench: pgbench failed (warm-up of point_get, -M $1)" >&2; exit 1
  fi
  after=$(counters)
  read -r h0 m0 f0 _ <<<"$before"; read -r h1 m1 f1 _ <<<"$after"
  echo "   warm-up point_get -M $1 (10,000 lookups of ids 1..1000): fills +$((f1 - f0)), hits +$((h1 - h0))"
  if [ $((h1 - h0)) -lt 1 ]; then warn "warm-up of point_get -M $1 did not produce a hit"; fi
}

# ----------------------------------------------------------- scenarios ----
started=$(date +%s)
echo "== pgbench: 1 client, -n, ${SECS} s per run, $ROUNDS runs per side (A B B A ...)"
if [ -n "$LABEL" ] && [ "$SCOPE" = backend ]; then
  echo "   backend comparison run [$LABEL]: cachebot.backend = $cache_backend, floor, point lookups and writes only"
  [ "$LABEL" = "$cache_backend" ] || warn "BENCH_BACKEND_LABEL=$LABEL but the server runs cachebot.backend = $cache_backend"
elif [ -n "$LABEL" ] && [ "$SCOPE" = pages ]; then
  echo "   memory pages comparison run [$LABEL]: huge_pages = $huge_pages, floor, point lookups, the miss path and writes only"
elif [ -n "$LABEL" ]; then
  echo "   durability comparison run [$LABEL]: $durability, writes and mixed workloads only"
fi

if [ -z "$LABEL" ]; then
echo "-- heavy read"
warm "$tmp/heavy_top_hit.sql"
FIT="A" pair "heavy read: join+aggregate over 200k rows, top 10 users (hit / uncached)" 100 \
     "$tmp/heavy_top_hit.sql" simple "" hit \
     "$tmp/heavy_top_uncached.sql" simple "" none
warm "$tmp/heavy_all_hit.sql"
pair "heavy read, all 2,000 groups returned (hit / uncached)" 100 \
     "$tmp/heavy_all_hit.sql" simple "" hit \
     "$tmp/heavy_all_uncached.sql" simple "" none

fi

if [ -z "$LABEL" ] || [ "$SCOPE" = backend ] || [ "$SCOPE" = pages ]; then
echo "-- floor"
warm "$tmp/point_hit.sql"
FIT="A B" pair "floor, -M simple (point hit / SELECT 1)$SUFFIX" "$T_FLOOR" \
     "$tmp/point_hit.sql" simple "" hit \
     "$tmp/select1.sql" simple "" plain
FLOOR_RATIO=$PAIR_RATIO; FLOOR_CPU_A=$PAIR_CPU_A; FLOOR_CPU_B=$PAIR_CPU_B; FLOOR_TPS_B=$PAIR_TPS_B
if [ -z "$LABEL" ]; then
  # What PostgreSQL itself reaches with a statement over the table: parsed,
  # analyzed (the table opened and locked), planned to no rows, its
  # permissions checked. A hit in the simple protocol is parsed and analyzed
  # too (there is no hook before parse analysis), so this is its ceiling.
  FIT="A B" pair "floor, the ceiling: PostgreSQL's cheapest statement over photo / SELECT 1, -M simple" - \
       "$tmp/over_table.sql" simple "" none \
       "$tmp/select1.sql" simple "" plain
  CEILING_RATIO=$PAIR_RATIO; CEILING_CPU_A=$PAIR_CPU_A; CEILING_CPU_B=$PAIR_CPU_B
fi
if [ "$cache_backend" = memcached ]; then
  # The floor of a memcached hit: one loopback round trip, measured beside it
  # (python3, one connection, 5,000 "version" requests: the client's own cost
  # included, so an upper bound).
  mc_rt=$(python3 - "${mc_servers%%,*}" <<'PY' 2>/dev/null || echo "?"
import socket, sys, time
host, port = sys.argv[1].rsplit(":", 1)
s = socket.create_connection((host, int(port)))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
times = []
for _ in range(5000):
    t = time.perf_counter()
    s.sendall(b"version\r\n")
    buf = b""
    while not buf.endswith(b"\r\n"):
        buf += s.recv(256)
    times.append(time.perf_counter() - t)
times.sort()
print("%.1f" % (times[len(times) // 2] * 1e6))
PY
)
  NOTES+=("memcached loopback round trip: $mc_rt µs (median of 5,000 \`version\` requests from python3 on one connection). Simple point hit: $(awk -v t="$PAIR_TPS_A" 'BEGIN { printf "%.1f", 1e6 / t }') µs a statement against $(awk -v t="$PAIR_TPS_B" 'BEGIN { printf "%.1f", 1e6 / t }') µs for SELECT 1 (1 / median TPS): a hit adds $(awk -v a="$PAIR_TPS_A" -v b="$PAIR_TPS_B" 'BEGIN { printf "%.1f", 1e6 / a - 1e6 / b }') µs, its one memcached round trip included (python3's figure counts its own client too: an upper bound).")
  echo "   memcached loopback round trip: $mc_rt us"
fi
FIT="A B" pair "floor, -M prepared (point hit / SELECT 1)$SUFFIX" "$T_FLOOR" \
     "$tmp/point_hit.sql" prepared "" hit \
     "$tmp/select1.sql" prepared "" plain

echo "-- point lookup by id, cache_get"
warm_get simple
FIT="A B" pair "point lookup by id, cache_get, -M simple (hit / cachebot.enabled=off)$SUFFIX" "$T_POINT" \
     "$tmp/point_get.sql" simple "$GET_ON" hit \
     "$tmp/point_get.sql" simple "$GET_OFF" none
warm_get prepared
FIT="A B" pair "point lookup by id, cache_get, -M prepared (hit / cachebot.enabled=off)$SUFFIX" "$T_POINT" \
     "$tmp/point_get.sql" prepared "$GET_ON" hit \
     "$tmp/point_get.sql" prepared "$GET_OFF" none
if [ -z "$LABEL" ]; then
  # What the uncached prepared lookup costs beside the cheapest statement: a
  # hit is a statement round trip plus a store lookup, so where the lookup
  # uncached costs no more than SELECT 1 a hit cannot beat it.
  FIT="A B" pair "point lookup by id, the ceiling: SELECT 1 / uncached lookup, -M prepared" - \
       "$tmp/select1.sql" prepared "" plain \
       "$tmp/point_get.sql" prepared "$GET_OFF" none
fi

fi   # floor and point lookups

if [ -z "$LABEL" ] || [ "$SCOPE" = pages ]; then
echo "-- miss path"
FIT="A B" pair "miss path: random pk lookups, all new (hinted / cachebot.enabled=off)$SUFFIX" 0.9 \
     "$tmp/miss.sql" simple "" miss \
     "$tmp/miss.sql" simple "-c cachebot.enabled=off" none
MISS_RATIO=$PAIR_RATIO; MISS_CPU_A=$PAIR_CPU_A; MISS_CPU_B=$PAIR_CPU_B; MISS_TPS_B=$PAIR_TPS_B
fi

# (every scope: the pages one too, since a commit's bumps probe the store at random places)
echo "-- writes"
q -c "CHECKPOINT"
pair "writes: single-row UPDATE (tracked / untracked)$SUFFIX" "$T_WRITES" \
     "$tmp/update_tracked.sql" simple "" plain \
     "$tmp/update_untracked.sql" simple "" none

# ------------------------------------------------------ against pgpool-II ----
# start_pgpool: install pgpool2 if missing, start it in front of this server
# on a free loopback port; sets POOL_PORT and POOL_PID, or POOL_SKIP (why not).
POOL_BIN=""
POOL_PORT=""
POOL_SKIP=""
POOL_VERSION=""
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
    echo $((20000 + RANDOM % 20000))
}
pool_q() { PGHOST=127.0.0.1 PGPORT=$POOL_PORT PGAPPNAME=bench_pgpool "$PSQL" -X -q -At -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
start_pgpool() {
  local sudo_cmd="" d="$tmp/pgpool" i
  POOL_BIN=$(command -v pgpool 2>/dev/null || true)
  [ -n "$POOL_BIN" ] || { [ -x /usr/sbin/pgpool ] && POOL_BIN=/usr/sbin/pgpool; } || true
  if [ -z "$POOL_BIN" ]; then
    if [ "$(id -u)" -ne 0 ]; then
      if sudo -n true 2>/dev/null; then sudo_cmd="sudo -n"; else
        POOL_SKIP="pgpool2 is not installed and this user cannot install it (not root, no password-less sudo)"; return 1; fi
    fi
    echo "   installing pgpool2 (apt-get)"
    if ! { $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends pgpool2; } \
         >"$tmp/apt.log" 2>&1; then
      POOL_SKIP="apt-get could not install pgpool2: $(tail -1 "$tmp/apt.log")"; return 1
    fi
    POOL_BIN=$(command -v pgpool 2>/dev/null || echo /usr/sbin/pgpool)
    [ -x "$POOL_BIN" ] || { POOL_SKIP="pgpool2 was installed but there is no pgpool binary"; return 1; }
  fi
  POOL_VERSION=$("$POOL_BIN" --version 2>&1 | head -1)
  mkdir -p "$d/run" "$d/log" "$d/oid"
  : > "$d/pcp.conf"; : > "$d/pool_hba.conf"
  POOL_PORT=$(free_port)
  # raw mode, one backend (this server's socket or host), trust (no
  # pool_hba, no pool_passwd), no connection cache (a pgbench run's backend
  # goes when pgbench does), query cache in shared memory, no expiry.
  cat > "$d/pgpool.conf" <<CONF
backend_clustering_mode = 'raw'
listen_addresses = '127.0.0.1'
port = $POOL_PORT
socket_dir = '$d/run'
pcp_listen_addresses = ''
pcp_port = $(free_port)
pcp_socket_dir = '$d/run'
backend_hostname0 = '${PGHOST:-/var/run/postgresql}'
backend_port0 = ${PGPORT:-5432}
backend_weight0 = 1
backend_flag0 = 'DISALLOW_TO_FAILOVER'
enable_pool_hba = off
pool_passwd = ''
num_init_children = 4
max_pool = 1
connection_cache = off
load_balance_mode = off
sr_check_period = 0
health_check_period = 0
failover_on_backend_error = off
use_watchdog = off
log_destination = 'stderr'
logging_collector = off
pid_file_name = '$d/run/pgpool.pid'
logdir = '$d/log'
memory_cache_enabled = on
memqcache_method = 'shmem'
memqcache_total_size = 64MB
memqcache_max_num_cache = 1000000
memqcache_expire = 0
memqcache_auto_cache_invalidation = on
memqcache_maxcache = 400kB
memqcache_oiddir = '$d/oid'
CONF
  "$POOL_BIN" -n -f "$d/pgpool.conf" -F "$d/pcp.conf" -a "$d/pool_hba.conf" >"$d/log/pgpool.log" 2>&1 &
  POOL_PID=$!
  for ((i = 0; i < 100; i++)); do
    kill -0 "$POOL_PID" 2>/dev/null || break
    pool_q -c "SELECT 1" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  POOL_SKIP="pgpool did not start on 127.0.0.1:$POOL_PORT: $(grep -E 'FATAL|ERROR' "$d/log/pgpool.log" | tail -1)"
  stop_pgpool
  return 1
}
# pgpool's cache hit counter (SHOW pool_cache: num_cache_hits)
pool_hits() { pool_q -F ' ' -c "SHOW pool_cache" | awk '{ print $1; exit }'; }

# (pgpool-II and the mixed workload: full run only, not in a backend comparison)
if [ -z "$LABEL" ]; then
echo "-- against pgpool-II"
if [ "${BENCH_PGPOOL:-1}" = 0 ]; then
  POOL_SKIP="BENCH_PGPOOL=0"
else
  start_pgpool || true
fi
if [ -n "$POOL_SKIP" ]; then
  echo "   pgpool-II comparison skipped: $POOL_SKIP"
  NOTES+=("against pgpool-II: skipped ($POOL_SKIP).")
else
  echo "   $POOL_VERSION on 127.0.0.1:$POOL_PORT, memqcache_method = shmem, in front of ${PGHOST:-local socket}:${PGPORT:-5432}"
  warm "$tmp/heavy_pool_hit.sql"
  ph0=$(pool_hits)
  PGHOST=127.0.0.1 PGPORT=$POOL_PORT "$PGBENCH" -n -t 2 -f "$tmp/pgpool_heavy_top.sql" "$DB" >/dev/null 2>&1   # pgpool's fill
  ph1=$(pool_hits)
  echo "   warm-up through pgpool: pgpool cache hits +$((ph1 - ph0))"
  [ $((ph1 - ph0)) -ge 1 ] || warn "warm-up through pgpool did not produce a pgpool cache hit"
  pair "against pgpool-II: join+aggregate top 10, 1 client (cachebot hit direct / pgpool hit)" 1.0 \
       "$tmp/heavy_pool_hit.sql" simple "" hit \
       "$tmp/pgpool_heavy_top.sql" simple "@pgpool" none
  ph2=$(pool_hits)
  pct=$(awk -v h="$((ph2 - ph1))" -v t="$PAIR_TX_B" 'BEGIN { if (t > 0) printf "%.1f", 100 * h / t; else print 0 }')
  echo "   side B pgpool hit ratio: $pct% ($((ph2 - ph1)) pgpool cache hits / $PAIR_TX_B transactions)"
  if awk -v p="$pct" 'BEGIN { exit !(p < 95) }'; then
    warn "against pgpool-II: side B was meant to be pgpool cache hits but had only $pct%"
  fi
  NOTES+=("against pgpool-II, top 10: pgpool's own hit ratio on side B was $pct% ($((ph2 - ph1)) SHOW pool_cache hits / $PAIR_TX_B transactions).")
  # The ceiling of any cache inside the server: a statement the server answers
  # at all (parse, analysis, a round trip to a backend) against pgpool's hit,
  # which never reaches the server. Below 1, no hit made by the server can
  # match pgpool's, whatever it costs cachebot.
  pair "against pgpool-II, the ceiling: SELECT 1 direct / pgpool hit of the join (top 10)" - \
       "$tmp/select1.sql" simple "" plain \
       "$tmp/pgpool_heavy_top.sql" simple "@pgpool" none
  NOTES+=("against pgpool-II, the ceiling: PostgreSQL's cheapest statement, made directly, runs at $PAIR_RATIO of pgpool's hit of the join: a hit served by the server itself (cachebot's, or any extension's) can only be slower than that statement.")
  pair "against pgpool-II: random pk lookups, all new (cachebot miss path direct / through pgpool)" - \
       "$tmp/miss.sql" simple "" miss \
       "$tmp/pgpool_miss.sql" simple "@pgpool" none
  stop_pgpool
fi
fi   # [ -z "$LABEL" ]: pgpool-II

if [ -z "$LABEL" ] || [ "$SCOPE" = durability ]; then

# ------------------------------------------------------- mixed workload ----
# mixed_run <pgoptions> -> RUN_TX RUN_TPS RUN_D (counter deltas); reads: $MIX_READ
mixed_run() {
  local opts=$1 before after out failed
  before=$(counters)
  if ! PGOPTIONS="$opts" "$PGBENCH" -n -c "$MCLIENTS" -j 2 -T "$MSECS" -M simple \
        -f "$MIX_READ@95" -f "$tmp/update_tracked.sql@5" "$DB" >"$tmp/pgbench.out" 2>&1; then
    cat "$tmp/pgbench.out" >&2; echo "bench: pgbench failed (mixed workload)" >&2; exit 1
  fi
  out=$(cat "$tmp/pgbench.out")
  after=$(counters)
  RUN_TX=$(echo "$out" | awk -F': *' '/number of transactions actually processed/ {split($2, f, " "); print f[1]; exit}')
  RUN_TPS=$(echo "$out" | awk '/^tps = / {printf "%.1f", $3; exit}')
  if [ -z "$RUN_TX" ] || [ -z "$RUN_TPS" ]; then
    echo "$out" >&2; echo "bench: could not read pgbench output" >&2; exit 1
  fi
  failed=$(echo "$out" | awk -F': *' '/number of failed transactions/ {split($2, f, " "); print f[1]; exit}')
  if [ -n "$failed" ] && [ "$failed" != "0" ]; then warn "$failed failed transactions in the mixed workload"; fi
  RUN_D=$(vsub "$after" "$before")
}
# mixed_keys <precise|table>: re-track photo, then warm every user's page
mixed_keys() {
  local before after h0 m0 f0 h1 m1 f1
  if [ "$1" = precise ]; then
    q -c "SELECT cachebot.track('photo')" >/dev/null
  else
    q -c "SELECT cachebot.track('photo', columns => '{}')" >/dev/null
  fi
  before=$(counters)
  q -f "$MIX_WARM" >/dev/null
  after=$(counters)
  read -r h0 m0 f0 _ <<<"$before"; read -r h1 m1 f1 _ <<<"$after"
  printf '   photo keyed columns %-10s warm-up over 2,000 users: fills +%d, hits +%d\n' \
    "$(q -c "SELECT keyed_columns FROM cachebot.tracked_tables WHERE \"table\" = 'photo'::regclass")" \
    $((f1 - f0)) $((h1 - h0))
}

# mixed_workload <name> <reads> <warm-up>: the three sides, interleaved
mixed_workload() {
local mixname=$1 i side keyed hr_p hr_t ratio_pn ratio_tn ratio_pt v_tps v_hr
local hits misses fills skips evictions errors inval pend
local -A PEND=([P]="-" [T]="-")
MIX_READ=$2 MIX_WARM=$3
echo "== $mixname: ${MSECS} s per run, $MROUNDS runs per side (P T N, N T P ...)"
echo "   P = photo tracked with its default keyed columns (precise), T = columns => '{}' (table-level), N = cachebot.enabled=off"
q -c "CHECKPOINT"
keyed=$(q -c "SELECT keyed_columns FROM cachebot.tracked_tables WHERE \"table\" = 'photo'::regclass")
case ",${keyed//[\{\}]/}," in
  *,user_id,*) ;;
  *) warn "$mixname: photo's default keyed columns ($keyed) do not include user_id" ;;
esac
declare -A m_med=() m_runs=([P]="" [T]="" [N]="") m_d=([P]=$ZERO [T]=$ZERO [N]=$ZERO) m_tx=([P]=0 [T]=0 [N]=0)
for ((i = 1; i <= MROUNDS; i++)); do
  for side in $( ((i % 2)) && echo "P T N" || echo "N T P"); do
    case $side in
      P) mixed_keys precise; mixed_run "" ;;
      T) mixed_keys table;   mixed_run "" ;;
      N) mixed_run "-c cachebot.enabled=off" ;;
    esac
    m_runs[$side]="${m_runs[$side]} $RUN_TPS"
    m_d[$side]=$(vadd "${m_d[$side]}" "$RUN_D")
    m_tx[$side]=$((${m_tx[$side]} + RUN_TX))
    printf '   %s %-8s %9s TPS %8d tx   cache delta (hits misses fills skips evictions errors invalidations pending_write): %s\n' \
      "$side" "$(case $side in P) echo precise;; T) echo table;; N) echo no-cache;; esac)" "$RUN_TPS" "$RUN_TX" "$RUN_D"
  done
done
# photo back to its default keyed columns
q -c "SELECT cachebot.track('photo')" >/dev/null
echo "   photo keyed columns restored: $(q -c "SELECT keyed_columns FROM cachebot.tracked_tables WHERE \"table\" = 'photo'::regclass")"
# hit ratio = hits / (hits + misses): misses include the lookups that found
# a commit in progress (skip reason pending_write), which are counted as both
mix_ratio() { awk -v d="$1" 'BEGIN { split(d, x, " "); if (x[1] + x[2] > 0) printf "%.3f", x[1] / (x[1] + x[2]); else print "0" }'; }
hr_p=$(mix_ratio "${m_d[P]}"); hr_t=$(mix_ratio "${m_d[T]}")
check_side N "$mixname" none "${m_d[N]}" "${m_tx[N]}"
for side in P T; do
  read -r hits misses fills skips evictions errors inval pend <<<"${m_d[$side]}"
  echo "   side $side hit ratio: $(mix_ratio "${m_d[$side]}") ($hits hits, $misses misses, $fills fills, $skips skips, of which $pend pending_write, $inval invalidations / ${m_tx[$side]} transactions)"
  PEND[$side]=$(awk -v p="$pend" -v h="$hits" -v m="$misses" 'BEGIN { if (h + m > 0) printf "%.1f%%", 100 * p / (h + m); else print "-" }')
  [ "$errors" = 0 ] || warn "$mixname: side $side counted $errors cache errors"
  [ "$evictions" = 0 ] || NOTES+=("$mixname: side $side evicted $evictions entries (cachebot.shmem_size = $shmem_size).")
done
for side in P T N; do m_med[$side]=$(median ${m_runs[$side]}); done
ratio_pn=$(round_ratio "${m_runs[P]}" "${m_runs[N]}")
ratio_tn=$(round_ratio "${m_runs[T]}" "${m_runs[N]}")
ratio_pt=$(round_ratio "${m_runs[P]}" "${m_runs[T]}")
v_tps=$(awk -v r="$ratio_pn" 'BEGIN { print (r + 0 >= 3) ? "meets" : "BELOW" }')
v_hr=$(awk -v r="$hr_p" 'BEGIN { print (r + 0 >= 0.9) ? "meets" : "BELOW" }')
pct() { awk -v r="$1" 'BEGIN { printf "%.1f%%", 100 * r }'; }
ROWS+=("| $mixname: TPS, precise keys / no cache | ${m_med[P]} | ${m_med[N]} | $ratio_pn | ≥ 3 | $(pct "$hr_p") | $v_tps |")
ROWS+=("| $mixname: hit ratio, precise keys (ratio column = hits / (hits + misses); lookups skipped as pending_write: ${PEND[P]}) | ${m_med[P]} | - | $hr_p | ≥ 0.9 | $(pct "$hr_p") | $v_hr |")
ROWS+=("| $mixname: TPS, table-level keys / no cache (precise / table-level TPS: $ratio_pt) | ${m_med[T]} | ${m_med[N]} | $ratio_tn | — | $(pct "$hr_t") | no target |")
DETAILS+=("| $mixname: precise keys (A) / no cache (B) | ${m_runs[P]# } | ${m_runs[N]# } | - | - |")
DETAILS+=("| $mixname: table-level keys (A) / no cache (B) | ${m_runs[T]# } | ${m_runs[N]# } | - | - |")
printf '   => median P %s TPS, T %s TPS, N %s TPS (ratios: median of the rounds); P/N %s (target >= 3: %s), P hit ratio %s (target >= 0.9: %s); T/N %s, T hit ratio %s\n' \
  "${m_med[P]}" "${m_med[T]}" "${m_med[N]}" "$ratio_pn" "$v_tps" "$hr_p" "$v_hr" "$ratio_tn" "$hr_t"
}
mixed_workload "mixed 95% per-user reads / 5% writes, $MCLIENTS clients" \
  "$tmp/mixed_read.sql" "$tmp/mixed_warm.sql"
mixed_workload "mixed through the seed's join, 95% reads / 5% writes, $MCLIENTS clients" \
  "$tmp/mixed_join_read.sql" "$tmp/mixed_join_warm.sql"

# ------------------------------------------------ the commit window ----
# One reader and one writer in a loop over a 20-row tracked table: the
# reader's statement depends on the whole table, so every commit marks its
# key. Counts the reader's lookups turned away as pending_write: only the
# moment between a commit's visibility and its second bump may do that.
q -c "DROP TABLE IF EXISTS small20" \
  -c "CREATE TABLE small20 (id int PRIMARY KEY, v int NOT NULL)" \
  -c "INSERT INTO small20 SELECT g, 0 FROM generate_series(1, 20) g" \
  -c "SELECT cachebot.track('small20')" >/dev/null
echo 'SELECT /* cache */ count(*), sum(v) FROM small20;' > "$tmp/small20_read.sql"
printf '\\set id random(1, 20)\nUPDATE small20 SET v = v + 1 WHERE id = :id;\n' > "$tmp/small20_write.sql"
cw_before=$(counters)
"$PGBENCH" -n -c 1 -T "$MSECS" -f "$tmp/small20_write.sql" "$DB" >"$tmp/cw_writer.out" 2>&1 &
cw_writer=$!
"$PGBENCH" -n -c 1 -T "$MSECS" -M simple -f "$tmp/small20_read.sql" "$DB" >"$tmp/cw_reader.out" 2>&1 \
  || { cat "$tmp/cw_reader.out" >&2; echo "bench: pgbench failed (commit window)" >&2; exit 1; }
wait "$cw_writer" || { cat "$tmp/cw_writer.out" >&2; echo "bench: pgbench failed (commit window writer)" >&2; exit 1; }
cw_d=$(vsub "$(counters)" "$cw_before")
read -r cw_hits cw_misses cw_fills cw_skips _ _ _ cw_pend <<<"$cw_d"
cw_reads=$(awk '/^tps = / {printf "%.1f", $3; exit}' "$tmp/cw_reader.out")
cw_writes=$(awk '/^tps = / {printf "%.1f", $3; exit}' "$tmp/cw_writer.out")
cw_share=$(awk -v p="$cw_pend" -v h="$cw_hits" -v m="$cw_misses" 'BEGIN { if (h + m > 0) printf "%.3f", p / (h + m); else print "0" }')
cw_v=$(awk -v r="$cw_share" 'BEGIN { print (r + 0 <= 0.05) ? "meets" : "BELOW" }')
echo "== commit window: 1 reader of a 20-row table's aggregate, 1 writer in a loop, ${MSECS} s: reader $cw_reads TPS, writer $cw_writes TPS; $cw_hits hits, $cw_misses misses ($cw_fills fills), $cw_pend pending_write: $cw_share of lookups (target <= 0.05: $cw_v)"
ROWS+=("| commit window: lookups turned away as pending_write, 1 reader of a 20-row table's aggregate + 1 writer in a loop (ratio column = pending_write / lookups; reader $cw_reads TPS, writer $cw_writes TPS) | $cw_reads | $cw_writes | $cw_share | ≤ 0.05 | $(awk -v h="$cw_hits" -v m="$cw_misses" 'BEGIN { if (h + m > 0) printf "%.1f%%", 100 * h / (h + m); else print "-" }') | $cw_v |")
q -c "DROP TABLE small20" >/dev/null

# -------------------------------------------------- one fill per write ----
# 8 clients read the heavy statement while a writer updates one of its
# photos 10 times a second (pgbench -R 10): every write invalidates it.
# Executions = misses (a reader served from another's fill counts a hit).
# Sides: fill leases at cachebot.fill_wait = 100ms (F1), at the default, 1s
# (FD), and off (F0).
lease_run() {
  local opts=$1 before d tps writes
  before=$(counters)
  "$PGBENCH" -n -c 1 -R 10 -T "$MSECS" -f "$tmp/update_tracked.sql" "$DB" >"$tmp/lease_writer.out" 2>&1 &
  local writer=$!
  PGOPTIONS="$opts" "$PGBENCH" -n -c "$MCLIENTS" -j 2 -T "$MSECS" -M simple \
    -f "$tmp/heavy_top_hit.sql" "$DB" >"$tmp/lease_readers.out" 2>&1 \
    || { cat "$tmp/lease_readers.out" >&2; echo "bench: pgbench failed (fill leases)" >&2; exit 1; }
  wait "$writer" || { cat "$tmp/lease_writer.out" >&2; echo "bench: pgbench failed (fill lease writer)" >&2; exit 1; }
  d=$(vsub "$(counters)" "$before")
  tps=$(awk '/^tps = / {printf "%.1f", $3; exit}' "$tmp/lease_readers.out")
  writes=$(awk -F': *' '/number of transactions actually processed/ {split($2, f, " "); print f[1]; exit}' "$tmp/lease_writer.out")
  LEASE_TPS=$tps LEASE_D=$d LEASE_WRITES=$writes
}
echo "== one fill per write: $MCLIENTS clients read the heavy join+aggregate, 1 writer updates a photo 10 times a second, ${MSECS} s per side"
warm "$tmp/heavy_top_hit.sql"
declare -A L_TPS L_EXEC L_LINE
for side in F1 FD F0; do
  case $side in
    F1) lease_run "-c cachebot.fill_wait=100ms" ;;
    FD) lease_run "" ;;
    F0) lease_run "-c cachebot.fill_wait=0" ;;
  esac
  read -r l_hits l_misses l_fills l_skips _ _ _ l_pend <<<"$LEASE_D"
  L_TPS[$side]=$LEASE_TPS
  L_EXEC[$side]=$(awk -v m="$l_misses" -v w="$LEASE_WRITES" 'BEGIN { if (w > 0) printf "%.2f", m / w; else print "n/a" }')
  L_LINE[$side]="$LEASE_TPS TPS; $LEASE_WRITES writes; $l_hits hits, $l_misses executions ($l_fills fills, $l_skips skips of which $l_pend pending_write): ${L_EXEC[$side]} executions per write"
  echo "   $side ${L_LINE[$side]}"
done
for side in F1 FD; do
  case $side in F1) what="fill_wait = 100ms";; FD) what="fill_wait = 1s (default)";; esac
  v=$(awk -v e="${L_EXEC[$side]}" 'BEGIN { print (e + 0 <= 1.0) ? "meets" : "BELOW" }')
  ROWS+=("| one fill per write: executions of the heavy statement per write, $MCLIENTS readers + 1 writer at 10/s, leases on ($what) / off (TPS A, B = readers' TPS; ratio column = executions per write with leases; off: ${L_EXEC[F0]}) | ${L_TPS[$side]} | ${L_TPS[F0]} | ${L_EXEC[$side]} | ≤ 1 | - | $v |")
done
DETAILS+=("| one fill per write: fill_wait = 100ms / 1s / 0 | ${L_LINE[F1]} / ${L_LINE[FD]} / ${L_LINE[F0]} | - | - | - |")
fi   # mixed workload

elapsed=$(( $(date +%s) - started ))
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")

# -------------------------------------------------------------- report ----
point_side="- point lookup by id, cache_get: A = \`SELECT * FROM photo WHERE id = :id\` without a hint, id random in 1..1000, with PGOPTIONS='-c cachebot.cache_get=on' (every id warmed first: hits); B = the same statement with PGOPTIONS='-c cachebot.cache_get=on -c cachebot.enabled=off' (uncached). Simple: each id is its own statement text (pgbench pastes it in); prepared: one statement, the id a parameter."
if [ -n "$LABEL" ]; then
  # backend comparison: a section appended to the full run's results.md
  {
    echo
    if [ "$SCOPE" = backend ]; then
      echo "## cachebot.backend = $cache_backend [$LABEL]: floor, point lookups, writes"
    elif [ "$SCOPE" = pages ]; then
      echo "## huge_pages = $huge_pages [$LABEL]: floor, point lookups, miss path, writes"
    else
      echo "## $durability [$LABEL]: writes, mixed workloads"
    fi
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'); load average at the end: $load"
    echo "- PostgreSQL $pg_version; cachebot.backend = $cache_backend$( [ "$cache_backend" = memcached ] && echo ", cachebot.memcached_servers = $mc_servers"); $durability; huge_pages = $huge_pages"
    echo "- same machine and settings as above (pgbench: 1 client, -n, $SECS s per run, $ROUNDS runs per side interleaved; TPS = median of the side's runs, ratio = median of the rounds' ratios); the database is reloaded first. targets for this backend: floor ≥ $T_FLOOR, point ≥ $T_POINT, writes ≥ $T_WRITES."
    echo
    echo "| scenario | TPS A | TPS B | ratio A/B | target | A hit ratio | result |"
    echo "|---|---:|---:|---:|---|---:|---|"
    for r in "${ROWS[@]}"; do echo "$r"; done
    echo
    if [ "$SCOPE" = backend ]; then
      echo "Sides: floor and writes as above; ${point_side#- }"
    elif [ "$SCOPE" = pages ]; then
      echo "Sides: as above. The server's shared memory (shared buffers and cachebot's store alike) is mapped with 2 MB pages instead of 4 kB ones: a random probe of the store or of a B-tree then rarely misses the TLB, which on this virtual machine costs a nested page walk."
    else
      echo "Sides: writes and the mixed workloads as above."
    fi
    echo
    echo "All runs (TPS, in order) and server CPU per transaction (median; perf task-clock of the pgbench connection's backend: time the backend waits for memcached is not CPU):"
    echo
    echo "| scenario | A runs (TPS) | B runs (TPS) | A server CPU µs/tx | B server CPU µs/tx |"
    echo "|---|---|---|---:|---:|"
    for r in "${DETAILS[@]}"; do echo "$r"; done
    if [ ${#NOTES[@]} -gt 0 ]; then
      echo; echo "Notes:"; for n in "${NOTES[@]}"; do echo "- $n"; done
    fi
    if [ "$SCOPE" = backend ] && [ "$cache_backend" = memcached ]; then
      echo
      echo "Targets with memcached, why they are not met (from the profiles in bench/profiles.md, section \"memcached: what a round trip costs the backend\"):"
      echo "- point lookup under \`cache_get\` (>= 0.8): the target leaves a hit a quarter of the uncached statement's time more, 22 to 25 µs over the simple protocol's 87 to 100 µs (18 over the prepared one's 71 to 72), for its one round trip to memcached. On this virtual machine the round trip's send alone costs the backend about 15 µs of CPU (on loopback, the kernel runs the receiving side's TCP stack and wakes memcached in the sender's time), and the backend then waits 20 to 30 µs for memcached to run and wake it with the reply (the note above puts a whole point hit at 36 to 46 µs over \`SELECT 1\` across runs): out of reach of any hit that asks memcached."
      echo "- writes (>= 0.7): a tracked UPDATE makes one round trip before its commit and one send after it: with \`fsync\` off, 35 of its 42 µs of extra server CPU are those sends (25 µs) and reading the replies (9 µs), and it waits for memcached once. With durable commits the target leaves it 86 to 100 µs more than the untracked UPDATE; it has taken 109 to 150 µs more (0.61 to 0.68) in the runs since a commit waits for one round trip: not met, by a margin that only the wait and the sends could close."
    fi
    if [ ${#WARNINGS[@]} -gt 0 ]; then
      echo; echo "Warnings:"; for w in "${WARNINGS[@]}"; do echo "- WARNING: $w"; done
    fi
    echo
    echo "Timed part: ${elapsed} s."
  } > "$tmp/section.md"
  [ -f "$here/results.md" ] || echo "# cachebot benchmarks" > "$here/results.md"
  cat "$tmp/section.md" >> "$here/results.md"
  echo
  cat "$tmp/section.md"
  exit 0
fi
{
  echo "# cachebot benchmarks"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "- machine: $ncpu CPUs (nproc), $(uname -m); load average at the end: $load"
  echo "- PostgreSQL $pg_version; cachebot.backend = $cache_backend, cachebot.shmem_size = $shmem_size; $durability"
  echo "- pgbench: 1 client, -n, $SECS s per run, $ROUNDS runs per side interleaved (A B B A ...); TPS = median of the side's runs; ratio = median over the rounds of A's TPS / B's in the same round (round i: the i-th run of each side, made one after the other), so the two TPS columns, medians of their own, need not divide to the ratio"
  echo "- data: app_user 2,000 rows, photo 200,000 rows (both tracked), photo_untracked (identical copy of photo, untracked)"
  echo "- mixed workload: $MCLIENTS clients (-j 2), $MSECS s per run, $MROUNDS runs per side interleaved (P T N, N T P ...); TPS = median of the side's runs; ratio = median of the rounds' ratios"
  if [ -n "$POOL_SKIP" ]; then
    echo "- pgpool-II: not measured ($POOL_SKIP)"
  else
    echo "- pgpool-II: $POOL_VERSION, raw mode, memory_cache_enabled = on, memqcache_method = 'shmem', num_init_children = 4, connection_cache = off, on 127.0.0.1 in front of the same server"
  fi
  echo
  echo "| scenario | TPS A | TPS B | ratio A/B | target | A hit ratio | result |"
  echo "|---|---:|---:|---:|---|---:|---|"
  for r in "${ROWS[@]}"; do echo "$r"; done
  echo
  echo "Sides:"
  echo "- heavy read, top 10: A = \`SELECT /* cache */ u.username, count(*) AS photos, sum(p.id), max(p.created) FROM photo p JOIN app_user u ON u.id = p.user_id WHERE p.status > 0 GROUP BY u.username ORDER BY photos DESC, u.username LIMIT 10\` after a warm-up fill; B = the same statement without the hint."
  echo "- heavy read, all groups: the same without LIMIT (ORDER BY u.username), 2,000 rows per execution."
  echo "- floor: A = \`SELECT /* cache */ * FROM photo WHERE id = 1\` (a hit); B = \`SELECT 1\`; same pgbench protocol on both sides."
  echo "$point_side"
  echo "- miss path: A = \`SELECT /* cache */ * FROM photo WHERE id = :n % 200000 + 1\`, n random in 1..10^9, simple protocol, so every statement text is new (a miss and a fill); B = the same with PGOPTIONS='-c cachebot.enabled=off'."
  echo "- writes: A = \`UPDATE photo SET status = :s WHERE id = :id\` (random id; photo is tracked); B = the same on photo_untracked."
  echo "- against pgpool-II, top 10: A = \`SELECT /* cache */ u.username, count(*) AS photos, sum(p.id) FROM photo p JOIN app_user u ON u.id = p.user_id WHERE p.status > 0 GROUP BY u.username ORDER BY photos DESC, u.username LIMIT 10\`, a cachebot hit, made directly (PGHOST: the server's Unix socket under tools/run.sh); B = the same statement without the hint through pgpool-II over TCP on 127.0.0.1, a pgpool cache hit that never reaches the server (warmed first; pgpool's SHOW pool_cache hits are checked). The heavy read's max(p.created) is left out on both sides: pgpool never caches a SELECT that calls max() or min() (a function with an overload returning timestamptz), whatever the argument type."
  echo "- against pgpool-II, pk lookups: A = the miss path's hinted statement made directly (cachebot misses and fills); B = the same without the hint through pgpool-II (pgpool cache misses and fills). No target; measured without cachebot, direct / pgpool is about 2."
  echo "- mixed: each client runs \`SELECT /* cache */ id, title, status FROM photo WHERE user_id = :uid ORDER BY id\` (random user of 2,000; 100 rows) in 95% of transactions and the writes' \`UPDATE photo SET status = :s WHERE id = :id\` (random photo of 200,000; the row keeps its user) in 5%, simple protocol. Precise: photo tracked with its default keyed columns (id, user_id: primary key, index-leading and foreign-key columns), so a write invalidates that user's page only; table-level: re-tracked with \`columns => '{}'\`, so a write invalidates every page; no cache: PGOPTIONS='-c cachebot.enabled=off'. Each cached run follows a re-track and a warm-up over all 2,000 users. Hit ratio = hits / (hits + misses) of the side's runs (a lookup that finds a write committing counts as a miss). TPS counts reads and writes."
  echo "- mixed through the seed's join: the same, with reads \`SELECT /* cache */ p.id, p.title, p.status FROM photo p JOIN app_user u ON u.id = p.user_id WHERE u.username = 'user' || :uid::text AND p.status = 2 ORDER BY p.id\` (about 20 rows): photo's scan has no constant to be keyed by, and is keyed by the user id the app_user side gives it (precise), or by the whole table (table-level); a write to a photo invalidates only its user's page under precise keys."
  echo
  echo "All runs (TPS, in order), and the CPU time per transaction of the pgbench connection's backend (median of the runs; perf task-clock; parallel workers not counted; \`-\` = perf unavailable):"
  echo
  echo "| scenario | A runs (TPS) | B runs (TPS) | A server CPU µs/tx | B server CPU µs/tx |"
  echo "|---|---|---|---:|---:|"
  for r in "${DETAILS[@]}"; do echo "$r"; done
  if [ ${#NOTES[@]} -gt 0 ]; then
    echo; echo "Notes:"; for n in "${NOTES[@]}"; do echo "- $n"; done
  fi
  echo
  echo "Targets out of reach on this host (why, from the profiles in bench/profiles.md; not measured by this run):"
  echo "- heavy hit against pgpool-II's (>= 1.0): PostgreSQL's cheapest statement, \`SELECT 1\` made directly, is at or below pgpool's hit (the ceiling row above); a hit the server itself serves pays that round trip, parse and analysis, and more."
  echo "- \`cache_get\` hit against the uncached lookup, prepared (>= 1.0): the uncached execution is a cached generic plan's index scan of a few µs (\`SELECT 1\` runs at about 1.1 of the whole statement: the ceiling row above); a hit's store lookup and replay alone cost about as much, and the part of the decision that depends on the parameters, computed at every execution, puts it over (section \"Prepared cache_get: how far a hit can get\")."
  echo "- heavy read returning all 2,000 groups (>= 100): a hit still renders and sends 2,000 rows (output functions, the socket: about half of its CPU), which alone is more than 1/100 of the uncached statement (section \"Heavy hit returning 2,000 rows\")."
  echo
  echo "Targets at the edge on this host, weighed in CPU (at one client, the 0.9 of the point hit against \`SELECT 1\`, a goal stricter than the table's 0.8, and of the miss path; at 8 clients, the mixed workload's 3):"
  latency_bullets
  echo "- mixed per-user reads against no cache (>= 3; 2.2 to 3.3 across runs, the seed's join 3.0 to 3.5): 8 clients on 2 CPUs, so the ratio is one of the whole machine's CPU per transaction, pgbench's included. Measured on one server without durability (CPU time of both CPUs over a run; ratios 2.77 and 2.74 there): no cache 146 to 155 µs a transaction, pgbench's 12 to 14 of it; precise keys 53 to 56, pgbench's 9 to 11; 3 asks for 49 to 52. With durable commits the writes' WAL flushes leave the CPUs idle at moments, and the ratio is lower. A hit of a user's page (100 rows) takes 38.6 µs of its backend's CPU at one client: cachebot's own work about 4.5 µs of it (the decision, the lookup and the replay plan before planning 3.0, its part of the executor's start 0.9, opening the entry 0.5); PostgreSQL's rendering of the 100 rows (output functions, \`printtup\`) about 7; the kernel's wake-up of the client on each reply about 10 (on this virtual machine, where waking a halted vCPU is a trip to the hypervisor). The 5% of reads that follow a write of their user run the uncached statement. Taking cachebot's own work, as profiled at one client, off the precise side would leave it about 49 to 52 µs a transaction on that server: about 3, as the best runs reached. Keeping the rows rendered for the wire in the entry would save PostgreSQL's 7 µs, but a row's text depends on its types' output functions and the settings they read (\`DateStyle\`, \`IntervalStyle\`, \`extra_float_digits\`, \`bytea_output\`, the time zone, the search path for \`regclass\`, and whatever a type of an extension reads) at the moment of the hit: left, so that a hit renders its rows as the statement would (section \"Mixed workload: a hit of 100 rows\")."
  if [ ${#WARNINGS[@]} -gt 0 ]; then
    echo; echo "Warnings:"; for w in "${WARNINGS[@]}"; do echo "- WARNING: $w"; done
  fi
  echo
  echo "Timed part: ${elapsed} s."
} > "$tmp/results.md"

cp "$tmp/results.md" "$here/results.md"
echo
cat "$here/results.md"
