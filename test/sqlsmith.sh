#!/usr/bin/env bash
# cachebot under sqlsmith: random SQL against tracked tables of many types,
# with cachebot.cache_all = on.  Fails on any server crash and on any result
# or error that only caching causes.
#
# 1. Setup: a fresh database ($SMITH_DB, cachebot.cache_all = on for it),
#    test/sqlsmith/schema.sql: eleven tracked tables (partitions through their
#    root) with integers of each width, numeric, float4/8, text/varchar/char,
#    "char", name, bytea, bool, date/time/timetz/timestamp/timestamptz/
#    interval, uuid, inet/cidr/macaddr/macaddr8, json/jsonb, arrays, ranges
#    and multiranges, an enum, domains with CHECKs, a composite, money,
#    bit/varbit, tsvector/tsquery, xml (when the server has it), geometric
#    types, oid, pg_lsn, TOASTed values and NULLs everywhere; primary and
#    foreign keys, btree/gin/gist/expression indexes, two views, a range- and
#    a hash-partitioned table (one partition sub-partitioned), an inheritance
#    child, a table without keys; deterministic rows (about 4,500).
#    test/sqlsmith/setup.sql: the role every fuzzed statement runs as
#    ($SMITH_ROLE, not a superuser), and what sqlsmith is shown: every
#    IMMUTABLE function but one in $SMITH_MUTABLE_MOD of the others (so most
#    statements are cacheable), and the system columns ctid, xmin, xmax,
#    tableoid of some tables.
# 2. Crash check: sqlsmith itself runs $SMITH_QUERIES statements (seed
#    $SMITH_SEED, its statement_timeout of 1s, each in BEGIN ... ROLLBACK,
#    writes included).  A crash (the log's "terminated by signal", or the
#    checkpointer restarted) fails the run; the statement is found in the log
#    or from sqlsmith's progress output, and replayed alone to confirm it.
# 3. Differential check: a fixed list of statements: test/sqlsmith/extra.sql
#    (what sqlsmith cannot write: ROW() and functions returning records,
#    system columns that change with no write, relations named but never
#    read), then sqlsmith --dry-run (seed $SMITH_SEED + 1, $SMITH_DIFF_QUERIES
#    statements) without TABLESAMPLE (random), every 4th SELECT followed by
#    "select row(s.*) as r, s as w from (<it>) as s" (anonymous records).
#    psql runs the list in passes, each one session as the fuzz role, SELECTs
#    in autocommit, writes in BEGIN/ROLLBACK, setseed() before each
#    statement's first run, statement_timeout $SMITH_TIMEOUT_MS ms:
#      off1   cachebot.enabled = off: every statement twice (runs a, b)
#      onA    cache_all: cachebot.explain(), then a (fills), b (hits), ha, hb
#             (the same with a /* cache */ hint: hits before planning)
#      onB    cache_all, a new session: c, hc (hits filled by another session)
#      off2   cachebot.enabled = off: a
#      onP, offP  side by side, on and off, over the SELECTs among the
#             first $SMITH_PREPARED statements: PREPARE the statement and
#             its hinted form, EXECUTE each twice (pa pb qa qb); then
#             test/sqlsmith/changes.sql commits row changes, VACUUM FULL,
#             row locks, ALTER TABLE/TYPE/VIEW/TEXT SEARCH CONFIGURATION,
#             RLS, REVOKE, DETACH, NO INHERIT, untrack() from a third
#             connection; then EXECUTE them again (pc qc): plans and entries
#             must follow the changes
#      post_on   cache_all, after the changes: a b ha hb
#      post_off  cachebot.enabled = off: a
#    A statement is deterministic when off1 a, off1 b and off2 a agree and no
#    pass timed out or lost its connection on it; only those are compared:
#    every onA/onB run with off1 a, post_on's with post_off a, onP's with
#    offP's.  Any difference fails the run (shown grouped by what the cached
#    run did, the shortest statements first), and so does a statement whose
#    uncached result changes from run to run but whose second run was a hit.
#    Nondeterministic statements are only counted.  Hits, fills and hits
#    before planning are read from cachebot.stats around every run.  A crash
#    is recorded, the pass goes on after the statement, which no later pass
#    runs again (a crash also empties the cache).  What times out in off1 is
#    dropped; the passes after off1 are trimmed to the time budget.
#
# Environment: PGHOST, PGPORT, PGUSER (a superuser) of a running PostgreSQL 15
# with shared_preload_libraries = 'cachebot' and the extension installed (as
# test/stress.sh).  The server log (for "terminated by signal" and the
# statement a crashed backend ran): SMITH_SERVER_LOG, else the postmaster's
# stderr found from PGDATA_DIR (or the server's data_directory) through
# /proc/PID/fd/2 when readable, else pg_current_logfile(); without one,
# crashes are still found by the checkpointer's pid.
# Knobs: SMITH_QUERIES (3000), SMITH_DIFF_QUERIES (1200), SMITH_SEED (4242),
# SMITH_SECONDS (time budget, 270), SMITH_TIMEOUT_MS (1000),
# SMITH_MUTABLE_MOD (10), SMITH_PREPARED (600: statements of the list onP
# and offP run), SMITH_EXTRA (a file of statements, one a line,
# default test/sqlsmith/extra.sql; empty: none), SMITH_MIN_HITS (100: fewer
# second-run hits fail the run, it proved little), SMITH_MAX_CRASHES (5 per
# pass), SMITH_DB and SMITH_ROLE (cachebot_sqlsmith), SMITH_KEEP=1 (keep the
# database, the role and the work directory with every pass's output).
#
#   PGHOST=/tmp/x/sock PGPORT=5432 PGUSER=postgres bash test/sqlsmith.sh
# About 2.5 minutes on 2 idle CPUs; needs sqlsmith (installed with apt-get if
# missing).
set -uo pipefail

export PATH=/usr/lib/postgresql/15/bin:$PATH
here=$(cd "$(dirname "$0")" && pwd)
files=$here/sqlsmith
nlive=${SMITH_QUERIES:-3000}
ndiff=${SMITH_DIFF_QUERIES:-1200}
nprep=${SMITH_PREPARED:-600}           # statements of the list the prepared passes run
seed=${SMITH_SEED:-4242}
budget=${SMITH_SECONDS:-270}
timeout_ms=${SMITH_TIMEOUT_MS:-1000}
mutable_mod=${SMITH_MUTABLE_MOD:-10}
db=${SMITH_DB:-cachebot_sqlsmith}
role=${SMITH_ROLE:-cachebot_sqlsmith}
min_hits=${SMITH_MIN_HITS:-100}
max_crashes=${SMITH_MAX_CRASHES:-5}     # per phase; then the phase stops

t_start=$(date +%s)
elapsed() { echo $(( $(date +%s) - t_start )); }
say() { echo "[$(printf '%3d' "$(elapsed)")s] $*"; }

tmp=$(mktemp -d /tmp/cachebot_sqlsmith.XXXXXX)
chmod 755 "$tmp"
failures=()
fail() { failures+=("$*"); echo "sqlsmith: FAIL: $*"; }
die() { echo "sqlsmith: FATAL: $*"; exit 1; }
cleanup() {
  if [ -z "${SMITH_KEEP:-}" ]; then
    psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1
    psql -X -q -d postgres -c "DROP ROLE IF EXISTS $role" >/dev/null 2>&1
    rm -rf "$tmp"
  else
    echo "kept $tmp and database $db"
  fi
}
trap cleanup EXIT
trap 'echo "interrupted"; exit 2' INT TERM

psqlq() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
sq() { psql -X -q -At -v ON_ERROR_STOP=1 -d "${2:-postgres}" -c "$1"; }

# ---- sqlsmith ----
if ! command -v sqlsmith >/dev/null; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  say "installing sqlsmith"
  $sudo_cmd apt-get update >/dev/null || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y --no-install-recommends sqlsmith >/dev/null \
    || die "cannot install sqlsmith"
fi

# ---- the server ----
[ "$(sq "SELECT current_setting('server_version_num')::int / 10000" 2>/dev/null)" = 15 ] \
  || die "no PostgreSQL 15 server at PGHOST=${PGHOST:-} PGPORT=${PGPORT:-} PGUSER=${PGUSER:-}"
[ "$(sq "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")" = t ] || die "PGUSER must be a superuser"
sq "SHOW shared_preload_libraries" | grep -q cachebot || die "cachebot is not in shared_preload_libraries"

# The server log: SMITH_SERVER_LOG, or the postmaster's stderr.
server_log=${SMITH_SERVER_LOG:-}
if [ -z "$server_log" ]; then
  datadir=${PGDATA_DIR:-$(sq "SHOW data_directory" 2>/dev/null)}
  pmpid=$(head -1 "$datadir/postmaster.pid" 2>/dev/null)
  if [ -n "$pmpid" ]; then
    f=$(readlink "/proc/$pmpid/fd/2" 2>/dev/null)
    case "$f" in /*) [ -f "$f" ] && [ -r "$f" ] && server_log=$f ;; esac
  fi
  if [ -z "$server_log" ]; then
    f=$(sq "SELECT pg_current_logfile()" 2>/dev/null)
    case "$f" in /*) ;; ?*) f=$datadir/$f ;; esac
    [ -n "$f" ] && [ -r "$f" ] && server_log=$f
  fi
fi
log_off=0
if [ -n "$server_log" ] && [ -r "$server_log" ]; then
  log_off=$(stat -c %s "$server_log")
  say "server log: $server_log"
else
  server_log=""
  say "server log: not found (set SMITH_SERVER_LOG or PGDATA_DIR); crashes are found by the checkpointer's pid"
fi

# The server's incarnation: the checkpointer is restarted by every crash.
incarnation() { sq "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'" 2>/dev/null; }
wait_ready() {   # after a crash: until the server accepts connections again
  local i
  for i in $(seq 1 120); do
    [ -n "$(incarnation)" ] && return 0
    sleep 0.5
  done
  die "the server did not come back after a crash"
}
# Crash reports of the log since offset $1: "terminated by signal" and the
# statement the backend was running.
log_crashes() {
  [ -n "$server_log" ] || return 0
  tail -c +"$(( $1 + 1 ))" "$server_log" 2>/dev/null | awk '
    /terminated by signal|was terminated by exception|exited with exit code ([2-9]|1[0-9])/ { print; keep = 1; n = 0; next }
    keep && /Failed process was running/ { print; n = 0; next }
    keep && /^\t/ && ++n <= 30 { print; next }
    { keep = keep && /Failed process was running/ }' | head -80
}
log_size() { [ -n "$server_log" ] && stat -c %s "$server_log" || echo 0; }

stats_line() {
  sq "SELECT format('hits=%s hits_unplanned=%s misses=%s fills=%s skips=%s entries=%s errors=%s skips_by_reason=%s',
                    hits, hits_unplanned, misses, fills, coalesce(skips, 0), entries, errors,
                    coalesce(skips_by_reason, '{}')) FROM cachebot.stats" "$db"
}

# ---- 1. setup ----
say "setup: database $db, role $role"
psqlq -d postgres >/dev/null <<SQL || die "cannot create database $db / role $role"
SET client_min_messages = warning;
DROP DATABASE IF EXISTS $db WITH (FORCE);
DO \$\$ BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = '$role') THEN
    EXECUTE 'DROP OWNED BY $role CASCADE';
  ELSE
    CREATE ROLE $role NOLOGIN;
  END IF;
END \$\$;
CREATE DATABASE $db;
ALTER DATABASE $db SET cachebot.cache_all = on;
SQL
psqlq -d "$db" -c "SET client_min_messages = warning" -c "CREATE EXTENSION cachebot" >/dev/null \
  || die "CREATE EXTENSION cachebot failed"
psqlq -d "$db" -f "$files/schema.sql" >"$tmp/schema.out" 2>&1 || { cat "$tmp/schema.out"; die "schema.sql failed"; }
psqlq -d "$db" -v fuzz_role="$role" -v mutable_mod="$mutable_mod" -f "$files/setup.sql" >"$tmp/setup.out" 2>&1 \
  || { cat "$tmp/setup.out"; die "setup.sql failed"; }
grep -q "no xml support" "$tmp/schema.out" && say "(the server has no xml: fz.doc has no xml column)"
ntracked=$(sq "SELECT count(*) FROM cachebot.tracked_tables WHERE \"table\"::text LIKE 'fz.%'" "$db")
nrows=$(sq "SELECT sum(n) FROM (SELECT (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM ONLY %s', c.oid::regclass), false, true, '')))[1]::text::int AS n
              FROM pg_class c WHERE c.relnamespace = 'fz'::regnamespace AND c.relkind = 'r') s" "$db" 2>/dev/null)
say "schema: $ntracked tracked tables, ${nrows:-?} rows"

conninfo="dbname=$db user=$(sq "SELECT current_user")"
[ -n "${PGHOST:-}" ] && conninfo="$conninfo host=$PGHOST"
[ -n "${PGPORT:-}" ] && conninfo="$conninfo port=$PGPORT"
conninfo="$conninfo options='-crole=$role -csearch_path=information_schema,pg_catalog,fz'"

# One statement per line: sqlsmith writes no literals but numbers and
# casts of NULL, so its newlines can become spaces.
one_per_line() { awk 'BEGIN { RS = ";\n" } { gsub(/\n/, " "); sub(/^ +/, ""); if ($0 != "") print }'; }

inc0=$(incarnation)
crashes=()                 # "phase|query text"

# ---- 2. crash check: sqlsmith against the server ----
live_secs=$(( budget / 4 )); [ "$live_secs" -lt 20 ] && live_secs=20
say "sqlsmith: $nlive statements, seed $seed (at most ${live_secs}s)"
s_before=$(stats_line)
off=$(log_size)
t0=$(date +%s)
timeout -k 5 "$live_secs" sqlsmith --target="$conninfo" --exclude-catalog --seed="$seed" \
  --max-queries="$nlive" --dump-all-queries --verbose >"$tmp/live.raw" 2>"$tmp/live.err"
rc=$?
t_live=$(( $(date +%s) - t0 ))
one_per_line <"$tmp/live.raw" >"$tmp/live.sql"
ngen=$(wc -l <"$tmp/live.sql")
grep -E '^[.etSC]+$' "$tmp/live.err" | tr -d '\n' >"$tmp/live.progress"
nerr=$(tr -cd 'eS' <"$tmp/live.progress" | wc -c)
ntmo=$(tr -cd 't' <"$tmp/live.progress" | wc -c)
nbroken=$(tr -cd 'C' <"$tmp/live.progress" | wc -c)
case $rc in
  0) ;;
  124|137) say "sqlsmith stopped at the time limit" ;;
  *) grep -v -E '^[.etSC]*$' "$tmp/live.err" | tail -5; fail "sqlsmith exited with status $rc" ;;
esac
say "sqlsmith: $ngen statements in ${t_live}s: $nerr errors, $ntmo timeouts, $nbroken broken connections"
say "  stats before: $s_before"
say "  stats after:  $(stats_line)"
inc1=$(incarnation)
lc=$(log_crashes "$off")
[ -n "$inc1" ] || { wait_ready; inc1=x; }
# The first C of each run of C's is a statement that broke sqlsmith's
# connection; the C's right after it are reconnections during a recovery.
awk '{ n = length($0); for (i = 1; i <= n; i++) if (substr($0, i, 1) == "C" && (i == 1 || substr($0, i - 1, 1) != "C")) print i }' \
  "$tmp/live.progress" >"$tmp/live.broken"
if [ "$inc1" != "$inc0" ] || [ -n "$lc" ]; then
  say "sqlsmith: the server crashed (checkpointer $inc0 -> $inc1)"
  [ -n "$lc" ] && { echo "---- server log:"; echo "$lc" | cut -c1-400; echo "----"; }
  nrep=0
  while read -r k; do
    stmt=$(sed -n "${k}p" "$tmp/live.sql")
    nrep=$((nrep + 1)); [ "$nrep" -gt "$max_crashes" ] && break
    # replay it alone, as sqlsmith ran it, to see whether it crashes the server
    before=$(incarnation); off2=$(log_size)
    printf 'SET statement_timeout = %s;\nBEGIN;\n%s;\nROLLBACK;\n' "'1s'" "$stmt" >"$tmp/replay.sql"
    PGOPTIONS="-c role=$role" psql -X -q -d "$db" -f "$tmp/replay.sql" >"$tmp/replay.out" 2>&1
    sleep 0.5
    after=$(incarnation)
    if [ "$after" != "$before" ] || [ -n "$(log_crashes "$off2")" ]; then
      crashes+=("sqlsmith #$k (replayed alone: crashes again)|$stmt")
      [ -n "$after" ] || wait_ready
    else
      crashes+=("sqlsmith #$k (replayed alone: no crash, $(grep -a -m1 -E 'ERROR|FATAL' "$tmp/replay.out" | cut -c1-120))|$stmt")
    fi
  done <"$tmp/live.broken"
  [ -s "$tmp/live.broken" ] || crashes+=("sqlsmith (statement unknown: see the server log)|")
  inc0=$(incarnation)
elif [ -s "$tmp/live.broken" ]; then
  while read -r k; do
    fail "sqlsmith: connection lost without a crash (a FATAL?) at #$k: $(sed -n "${k}p" "$tmp/live.sql" | cut -c1-1000)"
  done < <(head -n "$max_crashes" "$tmp/live.broken")
fi

# ---- 3. differential check ----
say "differential: sqlsmith --dry-run, $ndiff statements, seed $((seed + 1))"
sqlsmith --target="$conninfo" --exclude-catalog --seed=$((seed + 1)) --max-queries="$ndiff" --dry-run \
  2>"$tmp/dry.err" | one_per_line >"$tmp/dry.sql"
[ -s "$tmp/dry.sql" ] || { tail -5 "$tmp/dry.err"; die "sqlsmith --dry-run wrote nothing"; }
# First the statements of SMITH_EXTRA (test/sqlsmith/extra.sql), then
# sqlsmith's without TABLESAMPLE (random, never cached), every 4th SELECT
# followed by itself wrapped to return anonymous records.
extra=${SMITH_EXTRA-$files/extra.sql}
{ if [ -n "$extra" ]; then grep -v -E '^(--|[[:space:]]*$)' "$extra"; fi
  sed -E 's/ tablesample (system|bernoulli) \([0-9.]+\)//g' "$tmp/dry.sql" \
    | awk '{ print } /^select / && !/ for (update|share|no key update|key share)/ && ++n % 4 == 0 {
              sub(/ *$/, ""); print "select row(s.*) as r, s as w from (" $0 ") as s" }'
} >"$tmp/list.sql"
nlist=$(wc -l <"$tmp/list.sql")
seq 1 "$nlist" >"$tmp/active"
: >"$tmp/crashed"
nextra=0; [ -n "$extra" ] && nextra=$(grep -c -v -E '^(--|[[:space:]]*$)' "$extra")
say "differential: $nlist statements ($nextra from ${extra:-nowhere}, $(grep -c '^select row(s\.\*)' "$tmp/list.sql") anonymous-record wrappers)"

# gen_script PASS RUNS STATS EXPLAIN < indices: the psql script of a pass.
# Runs: a, b, c... the statement; h*: with a /* cache */ hint.
gen_script() {
  awk -v runs="$2" -v stats="$3" -v explain="$4" '
    NR == FNR { q[FNR] = $0; next }
    {
      i = $1; s = q[i]
      dml = (s !~ /^([Ss][Ee][Ll][Ee][Cc][Tt]|[Ww][Ii][Tt][Hh])[ (]/)
      if (!started && stats) { started = 1
        printf "SELECT * FROM smith_admin.stats() \\gset s_\n\\echo @@S 0 init :s_hits :s_misses :s_fills :s_hits_unplanned\n" }
      printf "\\echo @@Q %d x\nSELECT setseed(0.4242) \\g /dev/null\n", i
      if (explain) {
        printf "SELECT cacheable AS e_c, coalesce(reason, %s) AS e_r FROM cachebot.explain($cbq$%s /* cache */$cbq$) \\gset\n", "$$-$$", s
        printf "\\if :ERROR\n\\echo @@E %d error\n\\else\n\\echo @@E %d :e_c :e_r\n\\endif\n", i, i
      }
      n = split(runs, r, " ")
      for (k = 1; k <= n; k++) {
        printf "\\echo @@Q %d %s\n", i, r[k]
        if (dml) print "BEGIN;"
        # runs h*: the same statement with a cache hint (hits before planning)
        if (r[k] ~ /^h/) print s " /* cache */;"; else print s ";"
        if (dml) print "ROLLBACK;"
        if (stats)
          printf "SELECT * FROM smith_admin.stats() \\gset s_\n\\echo @@S %d %s :s_hits :s_misses :s_fills :s_hits_unplanned\n", i, r[k]
      }
    }' "$tmp/list.sql" -
}
# gen_prepared on|off < indices: the script of onP / offP, which run side by
# side, one session each, over the SELECTs: PREPARE p<i> AS the statement and
# q<i> AS it with a /* cache */ hint, EXECUTE them (runs pa pb qa qb); then
# onP (once offP got there) commits test/sqlsmith/changes.sql from another
# connection (\!) while offP waits for it; then both EXECUTE them again (pc
# qc): their plans and entries must follow the changes.
gen_prepared() {
  local sync1 sync2 w="i=0; while [ ! -f '%s' ] && [ \$i -lt 2400 ]; do sleep 0.05; i=\$((i+1)); done"
  if [ "$1" = on ]; then
    sync1=$(printf "$w" "$tmp/offP.half"); sync2=$changes_cmd
  else
    sync1="touch '$tmp/offP.half'"; sync2=$(printf "$w" "$tmp/changes.rc")
  fi
  awk -v sync1="$sync1" -v sync2="$sync2" -v stats="$([ "$1" = on ] && echo 1 || echo 0)" '
    function st(i, r) {
      if (stats) printf "SELECT * FROM smith_admin.stats() \\gset s_\n\\echo @@S %d %s :s_hits :s_misses :s_fills :s_hits_unplanned\n", i, r
    }
    function run(i, r, name) {
      printf "\\echo @@Q %d %s\nSELECT setseed(0.4242) \\g /dev/null\nEXECUTE %s%d;\n", i, r, name, i; st(i, r)
    }
    NR == FNR { q[FNR] = $0; next }
    q[$1] ~ /^([Ss][Ee][Ll][Ee][Cc][Tt]|[Ww][Ii][Tt][Hh])[ (]/ && q[$1] !~ / for (update|share|no key update|key share)/ { idx[++n] = $1 }
    END {
      st(0, "init")
      for (k = 1; k <= n; k++) {
        i = idx[k]
        printf "\\echo @@Q %d x\nPREPARE p%d AS %s;\nPREPARE q%d AS %s /* cache */;\n", i, i, q[i], i, q[i]
        run(i, "pa", "p"); run(i, "pb", "p"); run(i, "qa", "q"); run(i, "qb", "q")
      }
      printf "\\echo @@Q 0 changes\n\\! %s\n\\! %s\n", sync1, sync2
      for (k = 1; k <= n; k++) { i = idx[k]; run(i, "pc", "p"); run(i, "qc", "q") }
    }' "$tmp/list.sql" -
}

# split_out NAME: $tmp/NAME.out into $tmp/NAME/<index>.<run> (+ .stats, .explain)
split_out() {
  local name=$1
  mkdir -p "$tmp/$name"
  # cachebot's NOTICE for a hinted statement skipped for a reason its author
  # can fix (an untracked table, a function that is not IMMUTABLE: once per
  # session and object) is documented: it is counted, not compared.
  sed -E 's/^psql:[^ ]*:[0-9]+: //' "$tmp/$name.out" | awk -v dir="$tmp/$name" -v sf="$tmp/$name.stats" -v ef="$tmp/$name.explain" -v wf="$tmp/$name.warnings" '
    /^(WARNING|NOTICE):  cachebot (does not|cannot|hint column)/ { print > wf; w = 1; next }
    w && /^(DETAIL|HINT):  / { next }
    { w = 0 }
    /^@@Q / { if (f != "") close(f); f = dir "/" $2 "." $3; printf "" > f; next }
    /^@@S / { print $2, $3, $4, $5, $6, $7 > sf; next }
    /^@@E / { $1 = ""; print substr($0, 2) > ef; next }
    f != "" { print > f }'
}

# run_prepared INDEXFILE: onP and offP side by side (not resumed: after a
# crash their comparisons are dropped, and the changes are made afterwards if
# still to do).
run_prepared() {
  local t0 before after pid rc1 rc2 name last
  local popts="-c role=$role -c statement_timeout=$timeout_ms -c client_min_messages=notice"
  grep -v -x -F -f "$tmp/crashed" "$1" >"$tmp/onP.idx" || true
  gen_prepared on <"$tmp/onP.idx" >"$tmp/onP.script"
  gen_prepared off <"$tmp/onP.idx" >"$tmp/offP.script"
  t0=$(date +%s); before=$(incarnation)
  PGOPTIONS="$popts -c cachebot.enabled=off" timeout -k 5 "$budget" stdbuf -oL -eL \
    psql -X -q -A -P null='<NULL>' -d "$db" -f "$tmp/offP.script" >"$tmp/offP.out" 2>&1 &
  pid=$!
  PGOPTIONS="$popts" timeout -k 5 "$budget" stdbuf -oL -eL \
    psql -X -q -A -P null='<NULL>' -d "$db" -f "$tmp/onP.script" >"$tmp/onP.out" 2>&1
  rc1=$?
  wait "$pid"; rc2=$?
  after=$(incarnation)
  [ -n "$after" ] || { wait_ready; after=$(incarnation); }
  if [ "$after" != "$before" ] || [ "$rc1" -ne 0 ] || [ "$rc2" -ne 0 ]; then
    touch "$tmp/prepared_incomplete"
    for name in onP offP; do
      last=$(grep -a -o '^@@Q [0-9]*' "$tmp/$name.out" | tail -1 | cut -d' ' -f2)
      if [ "$after" != "$before" ] && grep -a -q -E "server closed the connection|connection to server was lost" "$tmp/$name.out"; then
        crashes+=("pass $name #$last|$(sed -n "${last}p" "$tmp/list.sql")")
        echo "$last" >>"$tmp/crashed"
        echo "  pass $name: the server crashed at statement #$last"
      fi
    done
    [ "$after" = "$before" ] && fail "passes onP/offP: psql exited with status $rc1/$rc2"
  fi
  split_out onP; split_out offP
  t_onP=$(( $(date +%s) - t0 ))
  say "passes onP/offP (side by side): $(wc -l <"$tmp/onP.idx") statements x 'pa pb qa qb | changes | pc qc' in ${t_onP}s"
}

# run_pass NAME MODE RUNS STATS EXPLAIN INDEXFILE: runs the pass in one
# session (a new one after a crash, from the statement after the crash),
# then splits its output into $tmp/NAME/<index>.<run>.
run_pass() {
  local name=$1 mode=$2 runs=$3 stats=$4 explain=$5 idx=$6
  local out=$tmp/$name.out opts start=1 total rc last pos before after nc=0 t0
  # statements that crashed the server are not run again
  grep -v -x -F -f "$tmp/crashed" "$idx" >"$tmp/$name.idx" || true
  idx=$tmp/$name.idx
  total=$(wc -l <"$idx")
  opts="-c role=$role -c statement_timeout=$timeout_ms -c client_min_messages=notice"
  [ "$mode" = off ] && opts="$opts -c cachebot.enabled=off"
  : >"$out"
  t0=$(date +%s)
  while [ "$start" -le "$total" ]; do
    tail -n +"$start" "$idx" | gen_script "$name" "$runs" "$stats" "$explain" >"$tmp/$name.script"
    before=$(incarnation)
    PGOPTIONS="$opts" timeout -k 5 "$budget" stdbuf -oL -eL \
      psql -X -q -A -P null='<NULL>' -d "$db" -f "$tmp/$name.script" >>"$out" 2>&1
    rc=$?
    [ "$rc" -eq 0 ] && break
    [ "$rc" -eq 124 ] && { fail "pass $name: psql did not finish in ${budget}s"; break; }
    # connection lost: a crash (or a FATAL); go on after the statement
    last=$(grep -a -o '^@@Q [0-9]*' "$out" | tail -1 | cut -d' ' -f2)
    after=$(incarnation)
    [ -n "$after" ] || { wait_ready; after=$(incarnation); }
    if [ "$after" != "$before" ]; then
      crashes+=("pass $name ($mode) #$last|$(sed -n "${last}p" "$tmp/list.sql")")
      echo "$last" >>"$tmp/crashed"
      echo "  pass $name: the server crashed at statement #$last"
      pos=$(grep -n -x "$last" "$idx" | head -1 | cut -d: -f1)
      if [ "$name" = onB ] && [ -n "$pos" ]; then
        # the crash emptied the cache: fill it again from another session,
        # so that the rest of onB still replays entries it did not fill
        tail -n +"$((pos + 1))" "$idx" | gen_script refill "a ha" 0 0 >"$tmp/refill.script"
        PGOPTIONS="$opts" timeout -k 5 "$budget" psql -X -q -d "$db" -f "$tmp/refill.script" >/dev/null 2>&1
        [ -n "$(incarnation)" ] || wait_ready
      fi
    else
      echo "  pass $name: connection lost at statement #$last (psql status $rc)"
      echo "$last" >>"$tmp/lost.$name"
    fi
    [ -n "$last" ] || break
    pos=$(grep -n -x "$last" "$idx" | head -1 | cut -d: -f1)
    start=$(( ${pos:-$total} + 1 ))
    nc=$((nc + 1))
    [ "$nc" -ge "$max_crashes" ] && { fail "pass $name: stopped after $nc lost connections"; break; }
  done
  split_out "$name"
  eval "t_$name=$(( $(date +%s) - t0 ))"
  say "pass $name: $(wc -l <"$idx") statements x '$runs' in $(( $(date +%s) - t0 ))s"
}

run_pass off1 off "a b" 0 0 "$tmp/active"
t_off1=$(( t_off1 > 0 ? t_off1 : 1 ))
# drop what timed out or lost its connection without caching
grep -l -E "canceling statement due to statement timeout" "$tmp"/off1/*.[ab] 2>/dev/null \
  | sed -E 's|.*/([0-9]+)\.[ab]$|\1|' | sort -un >"$tmp/timeouts"
cat "$tmp/lost.off1" 2>/dev/null >>"$tmp/timeouts"
sort -n -u -o "$tmp/timeouts" "$tmp/timeouts"
grep -v -x -F -f "$tmp/timeouts" "$tmp/active" >"$tmp/active2" || true
# The other passes take about 7 times as long as off1 without its timeouts
# (9 under load, more after a crash): trim the list to the time budget.
ntmo1=$(wc -l <"$tmp/timeouts")
t_eff=$(( t_off1 - ntmo1 * 2 * timeout_ms / 1000 )); [ "$t_eff" -lt 1 ] && t_eff=1
left=$(( budget - $(elapsed) - 10 ))
n2=$(wc -l <"$tmp/active2")
nfit=$(( n2 * left / (9 * t_eff) ))
if [ "$nfit" -lt "$n2" ]; then
  [ "$nfit" -lt 50 ] && nfit=50
  head -n "$nfit" "$tmp/active2" >"$tmp/active3"
  say "time budget: keeping $nfit of $n2 statements for the other passes"
else
  cp "$tmp/active2" "$tmp/active3"
fi
say "off1: $(wc -l <"$tmp/timeouts") statements timed out (dropped)"

s_before=$(stats_line)
run_pass onA on "a b ha hb" 1 1 "$tmp/active3"
run_pass onB on "c hc" 1 0 "$tmp/active3"
run_pass off2 off "a" 0 0 "$tmp/active3"
s_mid=$(stats_line)
# onP commits the changes while its session and offP's are open (their
# prepared statements must follow them); after a crash before them they are
# made here.
changes_cmd="PGOPTIONS= psql -X -q -v ON_ERROR_STOP=1 -v fuzz_role='$role' -d '$db' -f '$files/changes.sql' >'$tmp/changes.out' 2>&1; echo \$? >'$tmp/changes.rc'"
head -n "$nprep" "$tmp/active3" >"$tmp/active_prep"
run_prepared "$tmp/active_prep"
if [ ! -f "$tmp/changes.rc" ]; then
  say "changes: test/sqlsmith/changes.sql (onP did not get to them)"
  PGOPTIONS='' psql -X -q -v ON_ERROR_STOP=1 -v fuzz_role="$role" -d "$db" -f "$files/changes.sql" >"$tmp/changes.out" 2>&1
  echo $? >"$tmp/changes.rc"
fi
[ "$(cat "$tmp/changes.rc")" = 0 ] || { cat "$tmp/changes.out"; die "test/sqlsmith/changes.sql failed"; }
run_pass post_on on "a b ha hb" 1 0 "$tmp/active3"
run_pass post_off off "a" 0 0 "$tmp/active3"
s_after=$(stats_line)

# ---- compare ----
# one line per block: pass idx run md5 flag (T timeout, X connection lost)
for p in off1 onA onB off2 onP offP post_on post_off; do
  [ -d "$tmp/$p" ] || continue
  (cd "$tmp/$p" && find . -type f -print0 | xargs -0 -r md5sum) | awk -v p="$p" '{ sub(/^\.\//, "", $2); split($2, a, "."); print p, a[1], a[2], $1 }'
done >"$tmp/md5"
passes="off1 onA onB off2 onP offP post_on post_off"
blockflag() { # FLAG REGEXP: the blocks with a line matching it
  (cd "$tmp" && for p in $passes; do [ -d "$p" ] && grep -r -l -a -E "$2" "$p"; done) 2>/dev/null \
    | awk -v fl="$1" -F/ '{ split($2, a, "."); print $1, a[1], a[2], fl }'
}
{ blockflag T "canceling statement due to statement timeout"
  blockflag X "server closed the connection|connection to server was lost|terminating connection"
  blockflag E "^ERROR:  "
  blockflag R "^ERROR:  cached plan must not change result type"
} >"$tmp/flags"
# hits: a run is a hit when cachebot's hit counter moved during it
for p in onA onB onP post_on; do
  [ -f "$tmp/$p.stats" ] || continue
  awk -v p="$p" 'BEGIN { ph = -1 }
    { if (ph >= 0 && $3 >= ph) print p, $1, $2, ($3 > ph ? "H" : "-"), ($5 > pf ? "F" : "-"), ($6 > pu ? "U" : "-")
      ph = $3; pf = $5; pu = $6 }' "$tmp/$p.stats"
done >"$tmp/hits"
sort -n "$tmp/active3" >"$tmp/compared_idx"

# The cached runs and the uncached run each is compared with.
pre_runs="onA:a onA:b onA:ha onA:hb onB:c onB:hc"
post_runs="post_on:a post_on:b post_on:ha post_on:hb"
awk -v tmp="$tmp" -v pre="$pre_runs" -v post="$post_runs" -v pinc="$([ -f "$tmp/prepared_incomplete" ] && echo 1 || echo 0)" '
  BEGIN { empty = "d41d8cd98f00b204e9800998ecf8427e"; npre = split(pre, P, " "); npost = split(post, Q, " ")
          for (k = 1; k <= npre; k++) sub(/:/, " ", P[k]); for (k = 1; k <= npost; k++) sub(/:/, " ", Q[k]) }
  FILENAME ~ /md5$/   { m[$1 " " $2 " " $3] = $4; next }
  FILENAME ~ /flags$/ { if ($4 ~ /[TX]/) fl[$2] = fl[$2] $4; else bf[$1 " " $2 " " $3] = bf[$1 " " $2 " " $3] $4; next }
  FILENAME ~ /hits$/  { h[$1 " " $2 " " $3] = $4 $5 $6; next }
  {
    i = $1; n++
    if (fl[i] ~ /[TX]/) { skipped++; print "skip", i > (tmp "/verdicts"); next }
    o1a = m["off1 " i " a"]; o1b = m["off1 " i " b"]; o2 = m["off2 " i " a"]; po = m["post_off " i " a"]
    miss = (o1a == "" || o1b == "" || o2 == "" || po == "")
    for (k = 1; k <= npre; k++) { split(P[k], pr, " "); if (m[pr[1] " " i " " pr[2]] == "") miss = 1 }
    for (k = 1; k <= npost; k++) { split(Q[k], pr, " "); if (m[pr[1] " " i " " pr[2]] == "") miss = 1 }
    if (miss) { skipped++; print "skip", i > (tmp "/verdicts"); next }
    if (o1a != o2 || (o1a != o1b && h["onA " i " b"] !~ /H/ && h["onA " i " hb"] !~ /H/)) {
      nondet++; print "nondet", i > (tmp "/verdicts"); next
    }
    if (o1a != o1b) {   # changes from run to run, yet served from the cache
      print "frozen", i > (tmp "/verdicts"); next
    }
    det++
    for (k = 1; k <= npre; k++) {
      split(P[k], pr, " "); key = pr[1] " " i " " pr[2]
      if (m[key] != o1a) print "diff", i, pr[1], pr[2], "off1", "a" > (tmp "/verdicts")
      if (h[key] ~ /H/) hits[P[k]]++
      if (h[key] ~ /U/) unpl[P[k]]++
      if (h[key] ~ /F/) fills[P[k]]++
    }
    for (k = 1; k <= npost; k++) {
      split(Q[k], pr, " "); key = pr[1] " " i " " pr[2]
      if (m[key] != po) print "diff", i, pr[1], pr[2], "post_off", "a" > (tmp "/verdicts")
      if (h[key] ~ /H/) hits[Q[k]]++
      if (h[key] ~ /U/) unpl[Q[k]]++
      if (h[key] ~ /F/) fills[Q[k]]++
    }
    # prepared: onP against offP, run by run, when both PREPAREs worked and
    # both passes were complete
    if (!pinc && m["onP " i " x"] == empty && m["offP " i " x"] == empty && m["onP " i " pa"] != "") {
      np++
      split("pa pb qa qb pc qc", R, " ")
      for (k = 1; k <= 6; k++) {
        key = "onP " i " " R[k]
        if (m[key] != m["offP " i " " R[k]]) print "diff", i, "onP", R[k], "offP", R[k] > (tmp "/verdicts")
        if (h[key] ~ /H/) hits["onP " R[k]]++
        if (h[key] ~ /U/) unpl["onP " R[k]]++
      }
    }
    if (po != o1a) changed++
  }
  END {
    printf "%d %d %d %d %d %d %d %d %d %d %d %d %d %d %d\n", n, det, nondet, skipped, changed,
      fills["onA a"], hits["onA b"], fills["onA ha"], hits["onA hb"], unpl["onA hb"],
      hits["onB c"], hits["onB hc"], hits["post_on a"] + hits["post_on ha"], hits["post_on b"], hits["post_on hb"] > (tmp "/summary")
    printf "%d %d %d %d %d %d\n", np, hits["onP pb"], hits["onP qb"], unpl["onP qb"], hits["onP pc"], hits["onP qc"] > (tmp "/summary_p")
  }' "$tmp/md5" "$tmp/flags" "$tmp/hits" "$tmp/compared_idx"
touch "$tmp/verdicts"
read -r n_cmp n_det n_nondet n_skip n_changed n_filled n_hitb n_filledh n_hithb n_unpl n_hitc n_hithc n_hitkept n_hitpb n_hitphb <"$tmp/summary"
read -r n_prep n_hitpp n_hitpq n_unplq n_hitppc n_hitpqc <"$tmp/summary_p"

say "differential summary:"
echo "  generated: $ndiff by sqlsmith + wrappers = $nlist statements; $(wc -l <"$tmp/timeouts") timed out in off1 (dropped)"
echo "  compared:  $n_cmp statements: $n_det deterministic without caching (compared);"
echo "             excluded: $n_nondet nondeterministic without caching, $n_skip timed out or lost their connection in some pass"
echo "  cached (of the $n_det compared), cache_all: filled $n_filled, hit on the 2nd run $n_hitb, hit in a new session $n_hitc;"
echo "             with a /* cache */ hint: filled $n_filledh, hit on the 2nd run $n_hithb ($n_unpl before planning), in a new session $n_hithc"
echo "  after the changes: $n_changed results changed; entries kept across the changes and hit $n_hitkept;"
echo "             hit on the 2nd run $n_hitpb (hinted $n_hitphb)"
echo "  prepared (one session, the changes committed meanwhile by another): $n_prep SELECTs;"
echo "             EXECUTE hit $n_hitpp, hinted $n_hitpq ($n_unplq before planning); after the changes hit $n_hitppc, hinted $n_hitpqc"
if [ -s "$tmp/onA.explain" ]; then
  echo "  cachebot.explain() of the statements with a cache hint: $(awk '$2 == "t" { c++ } END { print c + 0 }' "$tmp/onA.explain") cacheable, $(awk '$2 == "error" { c++ } END { print c + 0 }' "$tmp/onA.explain") errors (the statement is invalid); not cacheable by reason:"
  awk '$2 == "f" { $1 = ""; $2 = ""; sub(/^ +/, ""); r[$0]++ } END { for (k in r) printf "    %6d  %s\n", r[k], k }' "$tmp/onA.explain" | sort -rn | head -12
fi
echo "  stats before the cached passes: $s_before"
echo "  stats after onA/onB/off2:       $s_mid"
echo "  stats at the end:               $s_after"

show_block() { # pass idx run: the first lines of a block
  local f=$tmp/$1/$2.$3
  if [ -f "$f" ]; then
    head -n 12 "$f" | cut -c1-240
    [ "$(wc -l <"$f")" -gt 12 ] && echo "  [... $(wc -l <"$f") lines]"
  else
    echo "(not run)"
  fi
  return 0
}
# Failures grouped by what the cached run did (its first error, or "rows
# differ"); the two shortest statements of each group are shown.
sort -k2,2n -k1,1 "$tmp/verdicts" | awk '($1 == "diff" || $1 == "frozen") && !seen[$2]++' >"$tmp/failed"
while read -r kind i a1 a2 b1 b2; do
  if [ "$kind" = frozen ]; then a1=onA; a2=b; b1=off1; b2=b; fi
  sig=$(grep -a -m1 -E '^(ERROR|FATAL|PANIC|WARNING):' "$tmp/$a1/$i.$a2" 2>/dev/null | cut -c1-100)
  [ -n "$sig" ] || sig="$kind: other rows ($a1 $a2 vs $b1 $b2)"
  printf '%s\t%d\t%s %s %s %s %s %s\n' "$sig" "$(sed -n "${i}p" "$tmp/list.sql" | wc -c)" "$kind" "$i" "$a1" "$a2" "$b1" "$b2"
done <"$tmp/failed" | sort -t "$(printf '\t')" -k1,1 -k2,2n >"$tmp/failed_sig"
if [ -s "$tmp/failed_sig" ]; then
  echo "  statements that differ with caching, by what the cached run did (#: index in the list):"
  awk -F '\t' '{ split($3, a, " "); n[$1]++; if (n[$1] <= 12) ids[$1] = ids[$1] " #" a[2] }
                END { for (k in n) printf "    %5d  %s:%s%s\n", n[k], k, ids[k], (n[k] > 12 ? " ..." : "") }' "$tmp/failed_sig" | sort -rn
fi
prev=""; shown=0
while IFS="$(printf '\t')" read -r sig len rest; do
  [ "$sig" = "$prev" ] && [ "$shown" -ge 2 ] && continue
  [ "$sig" != "$prev" ] && shown=0
  prev=$sig; shown=$((shown + 1))
  read -r kind i a1 a2 b1 b2 <<<"$rest"
  echo "==== [$sig] $kind #$i ($len chars): $(sed -n "${i}p" "$tmp/list.sql" | cut -c1-4000)"
  if [ "$kind" = frozen ]; then
    echo "---- off1 a:"; show_block off1 "$i" a; echo "---- off1 b:"; show_block off1 "$i" b
    echo "---- onA b (hit: $(awk -v i="$i" '$1 == "onA" && $2 == i && $3 == "b" { print $4 }' "$tmp/hits")):"; show_block onA "$i" b
    echo "---- onA hb (hit: $(awk -v i="$i" '$1 == "onA" && $2 == i && $3 == "hb" { print $4 }' "$tmp/hits")):"; show_block onA "$i" hb
  else
    echo "---- $a1 $a2 (cached, hit: $(awk -v p="$a1" -v i="$i" -v r="$a2" '$1 == p && $2 == i && $3 == r { print $4 }' "$tmp/hits")):"
    show_block "$a1" "$i" "$a2"
    echo "---- $b1 $b2 (uncached):"; show_block "$b1" "$i" "$b2"
  fi
done <"$tmp/failed_sig"
ndiff_q=$(awk '$1 == "diff"' "$tmp/failed" | wc -l)
nfrozen=$(awk '$1 == "frozen"' "$tmp/failed" | wc -l)
[ "$ndiff_q" -gt 0 ] && fail "$ndiff_q statements return other results or errors with caching than without"
[ "$nfrozen" -gt 0 ] && fail "$nfrozen statements whose result changes on every run were served from the cache"
for p in onA onB post_on; do
  if [ -f "$tmp/lost.$p" ]; then
    while read -r i; do
      grep -q -x "$i" "$tmp/lost.off1" "$tmp/lost.off2" "$tmp/lost.post_off" 2>/dev/null && continue
      fail "pass $p: connection lost (FATAL?) at #$i, which ran uncached: $(sed -n "${i}p" "$tmp/list.sql" | cut -c1-500)"
    done <"$tmp/lost.$p"
  fi
done

# ---- crashes ----
lc=$(log_crashes "$log_off")
[ "$(incarnation)" != "$inc0" ] && [ ${#crashes[@]} -eq 0 ] && crashes+=("unknown phase (checkpointer restarted)|")
if [ ${#crashes[@]} -gt 0 ] || [ -n "$lc" ]; then
  fail "the server crashed ${#crashes[@]} time(s)"
  for c in "${crashes[@]}"; do
    echo "==== crash in ${c%%|*}:"
    echo "${c#*|}" | cut -c1-4000
  done
  [ -n "$lc" ] && { echo "==== server log:"; echo "$lc" | cut -c1-600; }
fi

[ "${n_hitb:-0}" -ge "$min_hits" ] || fail "only ${n_hitb:-0} statements were served from the cache on their second run (need $min_hits): the run proved little"

say "timings: sqlsmith ${t_live}s, off1 ${t_off1}s, onA ${t_onA:-?}s, onB ${t_onB:-?}s, off2 ${t_off2:-?}s, onP+offP ${t_onP:-?}s, post_on ${t_post_on:-?}s, post_off ${t_post_off:-?}s"
if [ ${#failures[@]} -gt 0 ]; then
  echo "== sqlsmith: FAILED (${#failures[@]} failures):"
  for f in "${failures[@]}"; do echo "  - ${f:0:300}"; done
  exit 1
fi
say "== sqlsmith: passed"
exit 0
