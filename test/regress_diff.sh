#!/usr/bin/env bash
# regress_diff: a differential test of cachebot against PostgreSQL 15's own
# regression suite (src/test/regress).  It fails when caching changes any
# output of the suite.
#
# The suite runs six times against a running server that has cachebot
# preloaded, each time in a fresh "regression" database.  Its first test,
# test/regress_diff/cachebot_setup.sql, installs an event trigger that calls
# cachebot.track() on every permanent ordinary or partitioned table the suite
# creates (not partitions: they follow their root), so that the suite's
# SELECTs can be cached.
#   A  caching off             PGOPTIONS='-c cachebot.enabled=off'
#   B  cache every eligible SELECT: PGOPTIONS='-c cachebot.cache_all=on'
#   C, D  as A and B, over a copy of the suite in which every top-level SELECT
#      runs twice (test/regress_diff/dup_selects.py): in D the second run is
#      served from the cache
#   E, F  as A and B, over the suite's parallel_schedule (up to 20 concurrent
#      sessions: other sessions write and run DDL while entries are cached)
# A to D run the tests one at a time (serial: reproducible, and cachebot skips
# filling while a concurrent session changes the catalog, so a serial run
# fills about twice as many entries); E and F add the concurrency.
# The produced outputs (results/*.out) are compared pairwise, A with B, C with
# D, E with F, never with PostgreSQL's expected files: tracking changes some
# outputs (\d shows cachebot's triggers, PREPARE TRANSACTION is refused after
# writing a tracked table...), which is fine as long as both runs of a pair
# agree.  What differs between two runs even with caching off is listed, with
# the reason, in test/regress_diff/unstable (lines masked, rows sorted, or
# files excluded).  Any other difference, a server crash, a hung run or a
# failed set-up fails the script (exit 1; exit 2: it could not run at all).
#
# Needs PGHOST, PGPORT, PGUSER of a superuser of a running PostgreSQL 15 with
# shared_preload_libraries = 'cachebot' and the cachebot extension installed
# (CREATE EXTENSION cachebot must work, with the build the server loaded).
# The server should have max_prepared_transactions >= 2 (else prepared_xacts
# runs only its error paths), max_connections >= 25 (parallel groups of up to
# 20 tests), and must be able to read and write files under the work
# directory in /tmp (the suite's COPY TO/FROM and lo_import/lo_export files;
# its tablespace test uses in-place tablespaces, no directory is needed).
# Each run drops the database regression and any leftover regress_* roles,
# regress_* tablespaces and regression_* databases first.
#
# It gets the suite from Debian's source package postgresql-15 (the installed
# version if the archive serves it, else the newest it does), downloaded with
# apt-get through a private deb-src list built from this machine's deb
# entries, so the machine's apt configuration is left as it is; installs what
# is missing (postgresql-server-dev-15 for pg_regress and PGXS, gcc, make,
# python3, bzip2); builds regress.so, refint.so and autoinc.so with PGXS.
# About 4 minutes on 2 cores (each run 20-45 s).
#
# Knobs (environment):
#   REGRESS_DIFF_PAIRS     which pairs: "AB CD EF" (default), any of them, or ""
#                          (with REGRESS_DIFF_STABILITY=1: only the repeat runs)
#   REGRESS_DIFF_SCHEDULE  schedule of A to D: serial (default), parallel, or a
#                          schedule file (E and F always use parallel_schedule)
#   REGRESS_DIFF_TESTS     "t1 t2 ...": run only these tests, one at a time, in
#                          this order, in every run (name the tests they depend
#                          on too, e.g. test_setup create_index)
#   REGRESS_DIFF_STABILITY 1: also run A again (A2), and E again (E2), and show
#                          what differs with caching off in both (to find
#                          nondeterministic tests; shown, not counted)
#   REGRESS_DIFF_PGSRC     an unpacked PostgreSQL 15 source tree (with
#                          src/test/regress and contrib/spi) to use instead of
#                          downloading one
#   REGRESS_DIFF_DIFF_LINES  diff lines shown per differing file (default 200)
#   REGRESS_DIFF_SERVER_LOG  the server's log file: its crash reports are shown
#   REGRESS_DIFF_RUN_TIMEOUT  seconds a run may take before it counts as hung
#                          and is stopped (default 600)
#   REGRESS_DIFF_KEEP      1: keep the work directory (results of every run:
#                          run_X/results/*.out) and the last run's database
#   REGRESS_DIFF_TMP       parent of the work directory (default /tmp)
#
#   PGHOST=/tmp/x/sock PGPORT=5432 PGUSER=postgres bash test/regress_diff.sh
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
aux=$here/regress_diff
schedule_mode=${REGRESS_DIFF_SCHEDULE:-serial}
pairs=${REGRESS_DIFF_PAIRS-AB CD EF}
stability=${REGRESS_DIFF_STABILITY:-}
max_lines=${REGRESS_DIFF_DIFF_LINES:-200}
server_log=${REGRESS_DIFF_SERVER_LOG:-}
run_timeout=${REGRESS_DIFF_RUN_TIMEOUT:-600}
db=regression

t_start=$(date +%s.%N)
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
say() { echo "== regress_diff: $*"; }
die() { echo "regress_diff: ERROR: $*" >&2; echo "regress_diff: 0 passed, 1 failed"; exit 2; }

sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi

for v in PGHOST PGPORT PGUSER; do
  [ -n "${!v:-}" ] || die "$v is not set (PGHOST, PGPORT, PGUSER of a running PostgreSQL 15 with cachebot preloaded)"
done
export PGHOST PGPORT PGUSER

# ---- install what is missing ----
need=()
[ -x /usr/lib/postgresql/15/lib/pgxs/src/test/regress/pg_regress ] || need+=(postgresql-server-dev-15)
[ -f /usr/lib/postgresql/15/lib/pgxs/src/makefiles/pgxs.mk ] || need+=(postgresql-server-dev-15)
[ -x /usr/lib/postgresql/15/bin/psql ] || need+=(postgresql-client-15)
command -v gcc >/dev/null || need+=(gcc)
command -v make >/dev/null || need+=(make)
command -v python3 >/dev/null || need+=(python3)
command -v bzip2 >/dev/null || need+=(bzip2)
command -v diff >/dev/null || need+=(diffutils)
command -v apt-get >/dev/null || die "apt-get not found: this script needs Debian's packages"
if [ ${#need[@]} -gt 0 ]; then
  say "installing: ${need[*]}"
  $sudo_cmd apt-get update >/dev/null || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y --no-install-recommends "${need[@]}" >/dev/null \
    || die "apt-get install ${need[*]} failed"
fi

bindir=/usr/lib/postgresql/15/bin
pg_config=$bindir/pg_config
pg_regress=$($pg_config --pgxs | sed 's|src/makefiles/pgxs.mk$||')src/test/regress/pg_regress
[ -x "$pg_regress" ] || die "pg_regress not found at $pg_regress"
export PATH=$bindir:$PATH
psqlc() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

# ---- the server ----
ver=$(psqlc -d postgres -c "SHOW server_version_num" 2>&1) || die "cannot connect to the server: $ver"
case "$ver" in 15*) ;; *) die "the server is not PostgreSQL 15 (server_version_num $ver)";; esac
[ "$(psqlc -d postgres -c "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")" = t ] \
  || die "$PGUSER is not a superuser"
spl=$(psqlc -d postgres -c "SHOW shared_preload_libraries")
case ",${spl// /}," in *,cachebot,*) ;; *) die "cachebot is not in shared_preload_libraries ($spl)";; esac
[ -n "$(psqlc -d postgres -c "SELECT 1 FROM pg_available_extensions WHERE name = 'cachebot'")" ] \
  || die "the cachebot extension is not installed on the server"
so=$($pg_config --pkglibdir)/cachebot.so
if [ -f "$so" ]; then
  so_time=$(stat -c %Y "$so")
  pm_time=$(psqlc -d postgres -c "SELECT extract(epoch FROM pg_postmaster_start_time())::bigint")
  say "cachebot.so installed $(date -u -d "@$so_time" '+%F %T UTC'), md5 $(md5sum < "$so" | cut -c1-12); server started $(date -u -d "@$pm_time" '+%F %T UTC')"
  if [ "$so_time" -gt "$pm_time" ]; then
    say "WARNING: cachebot.so was installed after the server started: the server runs the build it loaded then (restart it to test the new one)"
  fi
fi
mpx=$(psqlc -d postgres -c "SHOW max_prepared_transactions")
[ "${mpx:-0}" -ge 2 ] || say "note: max_prepared_transactions = $mpx: prepared_xacts runs only its error paths"

# ---- work directory, readable by the server ----
work=$(mktemp -d "${REGRESS_DIFF_TMP:-/tmp}/regress_diff.XXXXXX") || die "mktemp failed"
chmod 755 "$work"
cleanup() {
  if [ -n "${REGRESS_DIFF_KEEP:-}" ]; then echo "regress_diff: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# ---- PostgreSQL 15's source: Debian's source package ----
t0=$(now)
if [ -n "${REGRESS_DIFF_PGSRC:-}" ]; then
  pgsrc=$REGRESS_DIFF_PGSRC
  [ -f "$pgsrc/src/test/regress/parallel_schedule" ] || die "REGRESS_DIFF_PGSRC=$pgsrc has no src/test/regress"
  say "PostgreSQL source: $pgsrc (REGRESS_DIFF_PGSRC)"
else
  dl=$work/download
  mkdir -p "$dl/apt/lists/partial" "$dl/apt/cache"
  # deb-src twins of this machine's deb entries (deb822 .sources files and sources.list)
  python3 - > "$dl/apt/sources.list" <<'PY'
import glob, re
seen = set()
def emit(uri, suites, comps, signed):
    for suite in suites:
        key = (uri, suite)
        if key in seen:
            continue
        seen.add(key)
        opt = ' [signed-by=%s]' % signed if signed and signed.startswith('/') else ''
        print('deb-src%s %s %s %s' % (opt, uri, suite, ' '.join(comps or ['main'])))
for f in sorted(glob.glob('/etc/apt/sources.list.d/*.sources')):
    for stanza in re.split(r'\n\s*\n', open(f).read()):
        fields = {}
        for line in stanza.splitlines():
            if not line or line[0] in '#' or line[0].isspace() or ':' not in line:
                continue
            k, v = line.split(':', 1)
            fields[k.strip().lower()] = v.strip()
        if 'deb' not in fields.get('types', '').split() or fields.get('enabled', 'yes').lower() == 'no':
            continue
        for uri in fields.get('uris', '').split():
            emit(uri, fields.get('suites', '').split(), fields.get('components', '').split(),
                 fields.get('signed-by', ''))
for f in ['/etc/apt/sources.list'] + sorted(glob.glob('/etc/apt/sources.list.d/*.list')):
    try:
        lines = open(f).read().splitlines()
    except OSError:
        continue
    for line in lines:
        line = line.split('#', 1)[0].strip()
        m = re.match(r'deb\s+(\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s*(.*)$', line)
        if not m:
            continue
        signed = ''
        if m.group(1):
            s = re.search(r'signed-by=(\S+?)[\s\]]', m.group(1))
            signed = s.group(1) if s else ''
        emit(m.group(2), [m.group(3)], m.group(4).split(), signed)
PY
  grep -q . "$dl/apt/sources.list" || die "found no Debian archive in /etc/apt"
  apt_opts=(-o Dir::Etc::SourceList="$dl/apt/sources.list" -o Dir::Etc::SourceParts=/nonexistent
            -o Dir::State::Lists="$dl/apt/lists" -o Dir::Cache="$dl/apt/cache"
            -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= -o APT::Sandbox::User=root)
  apt-get "${apt_opts[@]}" update > "$dl/apt.log" 2>&1 \
    || { cat "$dl/apt.log"; die "apt-get update (private deb-src list) failed"; }
  installed=$(dpkg-query -W -f='${Version}' postgresql-15 2>/dev/null || true)
  versions=$( { [ -n "$installed" ] && echo "$installed";
                apt-cache "${apt_opts[@]}" showsrc postgresql-15 2>/dev/null | sed -n 's/^Version: //p' | sort -rVu; } \
              | awk '!seen[$0]++')
  [ -n "$versions" ] || die "the archive has no source package postgresql-15"
  got=""
  for v in $versions; do
    if (cd "$dl" && apt-get "${apt_opts[@]}" source --download-only "postgresql-15=$v") >> "$dl/apt.log" 2>&1; then
      got=$v; break
    fi
  done
  [ -n "$got" ] || { tail -20 "$dl/apt.log"; die "could not download the source of postgresql-15 (tried: $(echo $versions))"; }
  orig=$(ls "$dl"/postgresql-15_*.orig.tar.* 2>/dev/null | head -1)
  [ -n "$orig" ] || die "no orig tarball downloaded"
  tar -xf "$orig" -C "$dl" --wildcards '*/src/test/regress/*' '*/contrib/spi/*' || die "cannot unpack $orig"
  pgsrc=$(ls -d "$dl"/postgresql-15*/ | head -1)
  pgsrc=${pgsrc%/}
  note=""; [ -n "$installed" ] && [ "$got" != "$installed" ] && note=" (the installed server is $installed: the archive did not serve its source)"
  say "PostgreSQL source: Debian's postgresql-15 $got$note"
fi
regsrc=$pgsrc/src/test/regress

# ---- build what the suite loads: regress.so, and refint.so, autoinc.so from contrib/spi ----
lib=$work/lib
mkdir -p "$work/build/regress" "$work/build/spi" "$lib"
cp "$regsrc/regress.c" "$work/build/regress/"
cat > "$work/build/regress/Makefile" <<EOF
MODULES = regress
PG_CONFIG = $pg_config
PGXS := \$(shell \$(PG_CONFIG) --pgxs)
include \$(PGXS)
EOF
cp "$pgsrc/contrib/spi/refint.c" "$pgsrc/contrib/spi/autoinc.c" "$work/build/spi/"
cat > "$work/build/spi/Makefile" <<EOF
MODULES = refint autoinc
PG_CPPFLAGS = -DREFINT_VERBOSE
PG_CONFIG = $pg_config
PGXS := \$(shell \$(PG_CONFIG) --pgxs)
include \$(PGXS)
EOF
for d in regress spi; do
  make -s -C "$work/build/$d" with_llvm=no > "$work/build/$d.log" 2>&1 \
    || { cat "$work/build/$d.log"; die "building $d with PGXS failed"; }
done
cp "$work/build/regress/regress.so" "$work/build/spi/refint.so" "$work/build/spi/autoinc.so" "$lib/"

# ---- the two copies of the suite: as it is, and with every SELECT run twice ----
in1=$work/suite
in2=$work/suite_twice
mkdir -p "$in1" "$in2"
cp -r "$regsrc/sql" "$regsrc/expected" "$regsrc/data" "$in1/"
cp "$regsrc/resultmap" "$in1/" 2>/dev/null || : > "$in1/resultmap"
cp "$aux/cachebot_setup.sql" "$in1/sql/"
cp "$aux/cachebot_setup.out" "$in1/expected/"
ln -s "$in1/expected" "$in2/expected"
ln -s "$in1/data" "$in2/data"
cp "$in1/resultmap" "$in2/"
python3 "$aux/dup_selects.py" --self-test >/dev/null || { python3 "$aux/dup_selects.py" --self-test; die "dup_selects.py fails its self-test"; }
python3 "$aux/dup_selects.py" "$in1/sql" "$in2/sql" || die "dup_selects.py failed"
chmod -R a+rX "$work"

# ---- the schedules: the set-up test, then the suite's tests ----
# serial: the tests of parallel_schedule one at a time, in its order;
# parallel: parallel_schedule itself (groups of up to 20 concurrent sessions).
make_schedule() {  # MODE FILE
  echo "test: cachebot_setup" > "$2"
  if [ -n "${REGRESS_DIFF_TESTS:-}" ]; then
    for t in $REGRESS_DIFF_TESTS; do
      [ -f "$in1/sql/$t.sql" ] || die "REGRESS_DIFF_TESTS: no test $t"
      echo "test: $t" >> "$2"
    done
    return
  fi
  case "$1" in
    parallel) grep -E '^test:' "$regsrc/parallel_schedule" >> "$2" ;;
    serial)   grep -E '^test:' "$regsrc/parallel_schedule" | sed 's/^test://' | tr ' ' '\n' \
                | grep -v '^$' | sed 's/^/test: /' >> "$2" ;;
    *) [ -f "$1" ] || die "REGRESS_DIFF_SCHEDULE: no file $1"
       grep -E '^test:' "$1" >> "$2" ;;
  esac
}
sched_main=$work/schedule_main
sched_par=$work/schedule_parallel
make_schedule "$schedule_mode" "$sched_main"
make_schedule parallel "$sched_par"
[ -n "${REGRESS_DIFF_TESTS:-}" ] && schedule_mode="REGRESS_DIFF_TESTS, one at a time"
tests=$(sed 's/^test://' "$sched_main" | tr ' ' '\n' | grep -v '^$')
ntests=$(echo "$tests" | wc -l)
t_prep=$(now)
say "prepared $ntests tests (A-D: $schedule_mode schedule) in $(secs "$t0" "$t_prep")s; work directory $work"

# ---- what an earlier run left behind ----
# The suite drops its roles, tablespaces and databases at the end, unless a
# test failed half-way (as some do when tracking changes their outputs): a
# role left over makes the next run's CREATE ROLE fail.  Every run starts
# from the same state: no database regression, no regress_* role, tablespace
# or regression_* database.
clean_globals() {
  local what
  psqlc -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1
  what=$(psqlc -d postgres -c "SELECT string_agg(datname, ' ') FROM pg_database
                               WHERE datname LIKE 'regression\_%' OR datname LIKE 'regress\_%'")
  for d in $what; do psqlc -d postgres -c "DROP DATABASE IF EXISTS \"$d\" WITH (FORCE)" >/dev/null 2>&1; done
  what=$(psqlc -d postgres -c "SELECT string_agg(spcname, ' ') FROM pg_tablespace WHERE spcname LIKE 'regress\_%'")
  for d in $what; do psqlc -d postgres -c "DROP TABLESPACE IF EXISTS \"$d\"" >/dev/null 2>&1; done
  what=$(psqlc -d postgres -c "SELECT string_agg(rolname, ' ') FROM pg_roles WHERE rolname LIKE 'regress\_%'")
  for d in $what; do psqlc -d postgres -c "DROP ROLE IF EXISTS \"$d\"" >/dev/null 2>&1 \
    || echo "regress_diff: note: could not drop the leftover role $d"; done
}

# ---- one run ----
# run NAME SUITE_DIR SCHEDULE PGOPTIONS: returns 0 if the suite ran (whatever its
# outputs), 1 if it could not run or the server crashed (reported here).
problems=()
declare -A run_time run_ok
# The postmaster's start time, and the PID of its checkpointer: a backend crash
# makes the postmaster reinitialize, which restarts the checkpointer (the start
# time stays as it was).
start_time() {
  psqlc -d postgres -c "SELECT pg_postmaster_start_time() || ' checkpointer ' ||
                          coalesce((SELECT string_agg(pid::text, ',') FROM pg_stat_activity
                                     WHERE backend_type = 'checkpointer'), '?')" 2>/dev/null
}
run() {
  local name=$1 suite=$2 sched=$3 opts=$4 out=$work/run_$1 t1 t2 rc before after stats tracked hit first
  run_ok[$name]=0
  clean_globals
  mkdir -p "$out/results"
  chmod 777 "$out" "$out/results"      # the server writes the suite's COPY TO files there
  before=$(start_time)
  local log_off=0
  [ -n "$server_log" ] && [ -r "$server_log" ] && log_off=$(stat -c %s "$server_log")
  if [ -z "$before" ]; then
    problems+=("run $name: the server is down, not run")
    echo "regress_diff: FAIL: the server is down before run $name"
    return 1
  fi
  t1=$(now)
  # timeout signals pg_regress's whole process group (its psql sessions too)
  PGOPTIONS="${PGOPTIONS:-} $opts" timeout --kill-after=10 "$run_timeout" "$pg_regress" \
    --inputdir="$suite" --outputdir="$out" \
    --bindir="$bindir" --dlpath="$lib" --dbname="$db" --load-extension=cachebot \
    --max-concurrent-tests=20 --schedule="$sched" > "$out/pg_regress.log" 2>&1
  rc=$?
  t2=$(now)
  if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
    echo "regress_diff: FAIL: run $name did not finish in ${run_timeout}s (a hang?); sessions of database $db then:"
    psqlc -d postgres -F ' | ' -c "SELECT pid, application_name, state, wait_event_type, wait_event,
                                          left(regexp_replace(query, '\s+', ' ', 'g'), 150)
                                     FROM pg_stat_activity WHERE datname = '$db'" 2>&1 | sed 's/^/    /'
    tail -5 "$out/pg_regress.log"; echo
    problems+=("run $name: did not finish in ${run_timeout}s")
    run_time[$name]=$(secs "$t1" "$t2")
    return 1
  fi
  run_time[$name]=$(secs "$t1" "$t2")
  after=$(start_time)
  if [ -z "$after" ]; then    # recovering from a crash? give it a minute
    for _ in $(seq 60); do sleep 1; after=$(start_time); [ -n "$after" ] && break; done
  fi
  stats=$(psqlc -d "$db" -F ' ' -c "SELECT 'hits=' || hits, 'misses=' || misses, 'fills=' || fills,
                                    'skips=' || skips, 'invalidations=' || invalidations, 'errors=' || errors,
                                    'skips_by_reason=' || coalesce(skips_by_reason::text, '{}')
                                    FROM cachebot.stats" 2>/dev/null)
  tracked=$(psqlc -d "$db" -c "SELECT count(*) FROM cachebot.tracked_tables" 2>/dev/null)
  say "run $name ($opts): ${run_time[$name]}s, pg_regress exit $rc, tracked tables at the end: ${tracked:-?}, stats: ${stats:-?}"
  if [ $rc -ge 2 ] || [ ! -f "$out/results/cachebot_setup.out" ]; then
    tail -30 "$out/pg_regress.log"; echo
    grep -q "could not find function" "$out/pg_regress.log" && \
      echo "regress_diff: hint: the installed extension script names a C function that the cachebot.so the server loaded at its start lacks: restart the server after installing a new build"
    echo "regress_diff: FAIL: pg_regress could not run the suite (run $name, exit $rc); see above"
    problems+=("run $name: pg_regress could not run the suite (exit $rc)")
    return 1
  fi
  if grep -q "ERROR" "$out/results/cachebot_setup.out" || ! grep -q "^ cachebot_regress.probe" "$out/results/cachebot_setup.out"; then
    cat "$out/results/cachebot_setup.out"
    echo "regress_diff: FAIL: the set-up test failed in run $name (new tables are not tracked)"
    problems+=("run $name: the set-up test failed")
    return 1
  fi
  # a backend crash: the postmaster reinitialized (new start time) or died
  hit=$(cd "$out/results" && grep -l -E "server closed the connection unexpectedly|terminating connection because of crash of another server process|connection to server was lost" *.out 2>/dev/null | sed 's/\.out$//' | tr '\n' ' ')
  if [ -z "$after" ] || [ "$after" != "$before" ] || [ -n "$hit" ]; then
    echo "regress_diff: FAIL: SERVER CRASH during run $name$([ -z "$after" ] && echo ': the server is down')$([ -n "$after" ] && [ "$after" != "$before" ] && echo ': the postmaster reinitialized after a backend crash')"
    problems+=("run $name: server crash (tests that lost their connection: ${hit:-none})")
    [ -n "$hit" ] && echo "  tests whose connection was lost: $hit"
    first=$(cd "$out/results" && grep -l "server closed the connection unexpectedly" *.out 2>/dev/null \
            | xargs -r grep -L "terminating connection because of crash of another" 2>/dev/null | sed 's/\.out$//' | tr '\n' ' ')
    if [ -n "$first" ]; then
      echo "  probably crashed by (lost its connection without being told of another's crash): $first"
      for t in $first; do
        echo "  --- $t.out (run $name) before the connection was lost:"
        grep -B15 "server closed the connection unexpectedly" "$out/results/$t.out" | head -24 | sed 's/^/    /'
      done
    fi
    if [ -n "$server_log" ] && [ -r "$server_log" ]; then
      echo "  --- server log ($server_log) during run $name: crash reports"
      tail -c +$((log_off + 1)) "$server_log" | grep -E -A3 "terminated by signal|was terminated by|TRAP:|PANIC:" \
        | head -40 | sed 's/^/    /'
    fi
    [ -z "$after" ] && return 1
  fi
  run_ok[$name]=1
  return 0
}

# ---- compare two runs ----
failed=0; passed=0
pair_summary=()
compare() {  # X Y [informational]
  local x=$1 y=$2 info=${3:-} out rc last
  if [ "${run_ok[$x]:-0}" != 1 ] || [ "${run_ok[$y]:-0}" != 1 ]; then
    [ -z "$info" ] && failed=$((failed + 1))
    pair_summary+=("$x/$y: NOT COMPARED (a run failed)")
    return
  fi
  say "comparing run $x with run $y"
  out=$(python3 "$aux/compare.py" "$aux/unstable" "$work/run_$x" "$work/run_$y" "$x" "$y" "$max_lines" $tests)
  rc=$?
  echo "$out"
  last=$(echo "$out" | tail -1)
  if [ -n "$info" ]; then
    pair_summary+=("$x/$y (caching off in both; nondeterminism check, not counted): $last")
  elif [ $rc -eq 0 ]; then
    passed=$((passed + 1)); pair_summary+=("$x/$y: same output ($last)")
  else
    failed=$((failed + 1)); pair_summary+=("$x/$y: DIFFER, $last")
  fi
}

off='-c cachebot.enabled=off'
all='-c cachebot.cache_all=on'
for p in $pairs; do
  case "$p" in
    AB) run A "$in1" "$sched_main" "$off"; run B "$in1" "$sched_main" "$all"; compare A B ;;
    CD) run C "$in2" "$sched_main" "$off"; run D "$in2" "$sched_main" "$all"; compare C D ;;
    EF) run E "$in1" "$sched_par" "$off"; run F "$in1" "$sched_par" "$all"; compare E F ;;
    *) die "REGRESS_DIFF_PAIRS: unknown pair $p (AB, CD, EF)" ;;
  esac
done
if [ -n "$stability" ]; then
  [ -n "${run_ok[A]:-}" ] || run A "$in1" "$sched_main" "$off"
  run A2 "$in1" "$sched_main" "$off"
  compare A A2 informational
  if [[ " $pairs " == *" EF "* ]]; then
    run E2 "$in1" "$sched_par" "$off"
    compare E E2 informational
  fi
fi
[ -n "${REGRESS_DIFF_KEEP:-}" ] || clean_globals

# ---- summary ----
t_end=$(now)
say "summary"
for r in A B C D E F A2 E2; do
  [ -n "${run_time[$r]:-}" ] && echo "  run $r: ${run_time[$r]}s"
done
echo "  preparation (source, build, transform): $(secs "$t0" "$t_prep")s; total: $(secs "$t_start" "$t_end")s"
for s in "${pair_summary[@]}"; do echo "  $s"; done
for s in "${problems[@]}"; do echo "  FAIL: $s"; done
[ ${#problems[@]} -gt 0 ] && [ $failed -eq 0 ] && failed=1
echo "regress_diff: $passed passed, $failed failed"
[ $failed -eq 0 ]
