#!/usr/bin/env bash
# The README's commands: install what is missing, build, start throwaway
# servers on loopback, then run the demo, the test suite or the benchmarks,
# and stop the servers whatever happens.
#   bash tools/run.sh demo | test | bench
set -euo pipefail

mode=${1:-test}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi

# ---- install what is missing ----
need=()
[ -x /usr/lib/postgresql/15/bin/postgres ] || need+=(postgresql-15)
[ -x /usr/lib/postgresql/15/bin/pgbench ] || need+=(postgresql-15)
[ -f /usr/include/postgresql/15/server/postgres.h ] || need+=(postgresql-server-dev-15)
[ -x /usr/lib/postgresql/15/lib/pgxs/src/test/isolation/pg_isolation_regress ] || need+=(postgresql-server-dev-15)
command -v gcc >/dev/null || need+=(gcc)
command -v make >/dev/null || need+=(make)
command -v runuser >/dev/null || need+=(util-linux)
[ -f /usr/include/libmemcached/memcached.h ] || need+=(libmemcached-dev)
# the server headers cachebot includes pull in GSSAPI's when PostgreSQL was built with it
[ -f /usr/include/gssapi/gssapi.h ] || need+=(libkrb5-dev)
command -v memcached >/dev/null || [ -x /usr/bin/memcached ] || need+=(memcached)
command -v python3 >/dev/null || need+=(python3)
# what the test suites use (PostgreSQL's regression suite comes as Debian's source
# package, fetched by test/regress_diff.sh), and the peer the benchmarks compare with:
# installed here so that apt-get update runs once
if [ "$mode" = test ]; then
  # the TAP tests (test/t): prove, and PostgreSQL::Test::Cluster's IPC::Run
  command -v prove >/dev/null || need+=(perl)
  perl -MIPC::Run -e 1 2>/dev/null || need+=(libipc-run-perl)
  command -v sqlsmith >/dev/null || need+=(sqlsmith)
  command -v bzip2 >/dev/null || need+=(bzip2)
  command -v diff >/dev/null || need+=(diffutils)
  # the Django tests (test/django): Debian's Django 3.2 and psycopg2, which
  # install for Debian's interpreter (test/django/run.sh runs /usr/bin/python3)
  /usr/bin/python3 -c 'import django' 2>/dev/null || need+=(python3-django)
  /usr/bin/python3 -c 'import psycopg2' 2>/dev/null || need+=(python3-psycopg2)
fi
if [ "$mode" = bench ]; then
  command -v pgpool >/dev/null || [ -x /usr/sbin/pgpool ] || need+=(pgpool2)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing: ${need[*]}"
  $sudo_cmd apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y --no-install-recommends "${need[@]}"
fi

export PATH=/usr/lib/postgresql/15/bin:$PATH
PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config
[ -x "$PG_CONFIG" ] || PG_CONFIG=pg_config

# ---- build and install ----
echo "== building cachebot"
make -s PG_CONFIG="$PG_CONFIG" >/dev/null
$sudo_cmd make -s PG_CONFIG="$PG_CONFIG" install >/dev/null
if [ "$mode" = test ]; then
  # the structure of src/: no include or call cycle, the module map's order
  python3 tools/check_layers.py
fi

# ---- throwaway PostgreSQL on a private port and socket ----
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000))
}
work=$(mktemp -d /tmp/cachebot.XXXXXX)
chmod 755 "$work"
pgdata="$work/data"
sock="$work/sock"
mkdir -p "$sock"
port=$(free_port)
run_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "$(id -u)" -eq 0 ]; then chown -R postgres:postgres "$work"; fi

# memcached drops its privileges before writing its pid file: give it a folder it can write
mkdir -p "$work/mc" && chmod 777 "$work/mc"
mc_pidfile="$work/mc/memcached.pid"
stop_servers() {
  set +e
  [ -f "$pgdata/postmaster.pid" ] && run_pg pg_ctl -D "$pgdata" -m immediate -w stop >/dev/null 2>&1
  [ -f "$mc_pidfile" ] && kill "$(cat "$mc_pidfile")" 2>/dev/null
  [ -f "$mc_pidfile" ] && kill -CONT "$(cat "$mc_pidfile")" 2>/dev/null
  # huge pages the benchmarks reserved, given back
  [ -n "${huge_before:-}" ] && echo "$huge_before" > /proc/sys/vm/nr_hugepages 2>/dev/null
  if [ "${KEEP_WORKDIR:-}" = "" ]; then rm -rf "$work"; else echo "kept $work"; fi
}
trap stop_servers EXIT

run_pg initdb -D "$pgdata" -U postgres --auth=trust --no-sync >/dev/null
cat >> "$pgdata/postgresql.conf" <<CONF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$sock'
shared_preload_libraries = 'cachebot'
cachebot.shmem_size = 64MB
max_connections = 60
max_prepared_transactions = 2
log_min_messages = warning
CONF
# The tests need no durability; the benchmarks run with PostgreSQL's default
# (fsync and synchronous_commit on) first, and without it after (see bench),
# in 4 kB pages but for their huge pages part, whatever the kernel has reserved.
if [ "$mode" = bench ]; then
  echo "huge_pages = off" >> "$pgdata/postgresql.conf"
else
  cat >> "$pgdata/postgresql.conf" <<CONF
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
fi
run_pg pg_ctl -D "$pgdata" -l "$work/postgres.log" -w start >/dev/null
export PGHOST=$sock PGPORT=$port PGUSER=postgres
echo "== PostgreSQL 15 with cachebot on port $port (socket $sock)"

case "$mode" in
  demo)
    psql -X -q -v ON_ERROR_STOP=1 -d postgres -f tools/demo.sql
    ;;
  test)
    status=0
    run_suites() {
      # pg_regress and the isolation specs against this server; pg_regress
      # writes results/ and regression.diffs next to the Makefile, the specs
      # output_iso/. TAP_TESTS= leaves the TAP tests to their own run below.
      local rc=0
      make -s PG_CONFIG="$PG_CONFIG" installcheck TAP_TESTS= "$@" || rc=1
      # a spec that sets synchronous_standby_names resets it in its teardown;
      # should that not run, later commits at synchronous_commit = on would wait forever
      psql -X -q -d postgres -c "ALTER SYSTEM RESET synchronous_standby_names" \
        -c "SELECT pg_reload_conf()" >/dev/null || rc=1
      if [ $rc -ne 0 ]; then
        status=1
        for f in regression.diffs output_iso/regression.diffs; do
          [ -f "$f" ] && { echo "== $f"; head -300 "$f"; }
        done
      fi
    }
    echo "== backend: shmem"
    run_suites
    # the Django test app: its own database, migrated, tested, dropped
    echo "== Django tests (shmem)"
    bash test/django/run.sh || status=1
    # PostgreSQL's own regression suite, and sqlsmith, with caching on and off
    REGRESS_DIFF_SERVER_LOG="$work/postgres.log" bash test/regress_diff.sh || status=1
    PGDATA_DIR=$pgdata SMITH_SERVER_LOG="$work/postgres.log" bash test/sqlsmith.sh || status=1

    echo "== backend: memcached"
    mc_port=$(free_port)
    mc_user=nobody; id memcache >/dev/null 2>&1 && mc_user=memcache
    mc_start="memcached -u $mc_user -l 127.0.0.1 -p $mc_port -m 128 -I 8m -d -P $mc_pidfile"
    if [ "$(id -u)" -ne 0 ]; then mc_start="memcached -l 127.0.0.1 -p $mc_port -m 128 -I 8m -d -P $mc_pidfile"; fi
    $mc_start
    for _ in $(seq 50); do [ -s "$mc_pidfile" ] && break; sleep 0.1; done
    [ -s "$mc_pidfile" ] || { echo "memcached did not start on 127.0.0.1:$mc_port" >&2; exit 1; }
    cat >> "$pgdata/postgresql.conf" <<CONF
cachebot.backend = 'memcached'
cachebot.memcached_servers = '127.0.0.1:$mc_port'
CONF
    run_pg pg_ctl -D "$pgdata" -l "$work/postgres.log" -w restart >/dev/null
    # the store test measures the embedded store's eviction: it has no memcached twin
    run_suites REGRESS="$(make -s -f Makefile print-regress | sed 's/\bstore\b//')"
    echo "== Django tests (memcached)"
    bash test/django/run.sh || status=1
    if [ $status -ne 0 ]; then
      echo "== server log (tail)"; tail -50 "$work/postgres.log"
    fi

    # The TAP tests (test/t), once: each starts its own clusters (and its own
    # memcached), so they run as postgres when we are root (initdb refuses
    # root), from a copy the postgres user can read, with tmp_check/ there.
    echo "== TAP tests"
    pgxs_top=$(dirname "$("$PG_CONFIG" --pgxs)")/../..
    tap=$work/tap
    mkdir -p "$tap/test" && cp -r test/t test/perl "$tap/test/"
    if [ "$(id -u)" -eq 0 ]; then chown -R postgres:postgres "$tap"; fi
    if ! (cd "$tap" && run_pg env PATH="$PATH" TESTDIR="$tap" \
            PG_REGRESS="$pgxs_top/src/test/regress/pg_regress" \
            prove -I "$pgxs_top/src/test/perl" test/t/*.pl); then
      status=1
      echo "== TAP logs: $tap/tmp_check/log (KEEP_WORKDIR=1 keeps them)"
    fi

    if [ $status -ne 0 ]; then
      exit 1
    fi
    echo "== all tests passed"
    ;;
  bench)
    bash bench/run.sh

    # the same server against a throwaway memcached: floor, point lookups and
    # writes, appended to bench/results.md
    echo "== backend: memcached"
    mc_port=$(free_port)
    mc_user=nobody; id memcache >/dev/null 2>&1 && mc_user=memcache
    mc_start="memcached -u $mc_user -l 127.0.0.1 -p $mc_port -m 256 -I 8m -d -P $mc_pidfile"
    if [ "$(id -u)" -ne 0 ]; then mc_start="memcached -l 127.0.0.1 -p $mc_port -m 256 -I 8m -d -P $mc_pidfile"; fi
    $mc_start
    for _ in $(seq 50); do [ -s "$mc_pidfile" ] && break; sleep 0.1; done
    [ -s "$mc_pidfile" ] || { echo "memcached did not start on 127.0.0.1:$mc_port" >&2; exit 1; }
    cat >> "$pgdata/postgresql.conf" <<CONF
cachebot.backend = 'memcached'
cachebot.memcached_servers = '127.0.0.1:$mc_port'
CONF
    run_pg pg_ctl -D "$pgdata" -l "$work/postgres.log" -w restart >/dev/null
    echo "== PostgreSQL 15 with cachebot.backend = memcached (memcached on 127.0.0.1:$mc_port)"
    BENCH_BACKEND_LABEL=memcached bash bench/run.sh

    # the embedded store again, the server's shared memory in 2 MB pages:
    # the read paths and writes, appended to bench/results.md. Needs pages reserved in
    # the kernel (as root; given back at the end); skipped otherwise.
    echo "== huge pages"
    cat >> "$pgdata/postgresql.conf" <<CONF
cachebot.backend = 'shmem'
CONF
    run_pg pg_ctl -D "$pgdata" -m fast -w stop >/dev/null
    huge_needed=$(run_pg postgres -D "$pgdata" -C shared_memory_size_in_huge_pages 2>/dev/null || echo "")
    huge_skip=""
    case "$huge_needed" in
      '' | *[!0-9]* | 0) huge_skip="the server cannot say how many huge pages it needs" ;;
    esac
    if [ -n "$huge_skip" ]; then
      :
    elif ! [ -w /proc/sys/vm/nr_hugepages ]; then
      huge_skip="/proc/sys/vm/nr_hugepages is not writable here (not root?)"
    else
      huge_before=$(cat /proc/sys/vm/nr_hugepages)
      echo $((huge_before + huge_needed + 8)) > /proc/sys/vm/nr_hugepages 2>/dev/null || true
      echo "huge_pages = on" >> "$pgdata/postgresql.conf"
      if ! run_pg pg_ctl -D "$pgdata" -l "$work/postgres.log" -w start >/dev/null; then
        huge_skip="the server did not start with huge_pages = on ($(grep -m1 -i 'huge' "$work/postgres.log" || echo 'see its log'))"
      fi
    fi
    if [ -z "$huge_skip" ]; then
      echo "== PostgreSQL 15 with huge_pages = on ($huge_needed pages of $(grep Hugepagesize /proc/meminfo | awk '{print $2 " " $3}'))"
      BENCH_BACKEND_LABEL="huge pages" BENCH_SCOPE=pages bash bench/run.sh
      run_pg pg_ctl -D "$pgdata" -m fast -w stop >/dev/null
    else
      echo "   skipped: $huge_skip"
      printf '\n## huge pages: skipped\n\n%s.\n' "$huge_skip" >> bench/results.md
    fi
    echo "huge_pages = off" >> "$pgdata/postgresql.conf"
    [ -n "${huge_before:-}" ] && echo "$huge_before" > /proc/sys/vm/nr_hugepages 2>/dev/null || true
    run_pg pg_ctl -D "$pgdata" -l "$work/postgres.log" -w start >/dev/null

    # back to the embedded store, without durability: writes and the mixed
    # workloads again, appended to bench/results.md
    cat >> "$pgdata/postgresql.conf" <<CONF
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
    run_pg pg_ctl -D "$pgdata" -l "$work/postgres.log" -w restart >/dev/null
    echo "== PostgreSQL 15 with cachebot.backend = shmem, fsync, synchronous_commit and full_page_writes off"
    BENCH_BACKEND_LABEL="fsync off" BENCH_SCOPE=durability bash bench/run.sh
    # the results drawn: bench/results.svg, shown in the README
    python3 bench/chart.py
    ;;
  *)
    echo "usage: $0 demo|test|bench" >&2; exit 2 ;;
esac
