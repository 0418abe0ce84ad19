#!/usr/bin/env bash
# cachebot with the memcached backend: trouble with the servers, values that
# are not cachebot's, databases and prefixes sharing one pool (SPEC 7).
#
#   1. memcached killed, then hung: hinted reads return the right rows, writes
#      commit, the cost is about one timeout per back-off period (not one per
#      statement), errors and backend_error skips are counted; restarted empty:
#      a miss, then hits.
#   2. memcached paused during a writer's COMMIT (the pre-commit bump times
#      out), resumed with its data: the old entry is still there but is never
#      served; the bypass resolves and hits come back.
#   3. foreign and corrupt values under cachebot's keys (garbage entries, a
#      version record that is not a number, swapped, truncated and bit-flipped
#      entries): right rows, misses and errors counted, no crash (the same
#      connection keeps working), then refills and hits.
#   4. two databases on one pool, same statement text: each gets its own rows
#      and its own entry.
#   5. prefixes '' (default), 'one', 'two': separate entries; flush() under
#      'two' does not touch the others'; coming back to a prefix starts over
#      (a write made under another one never reached it).
#   6. the server restarted from an older copy of its data directory: memcached
#      still holds entries newer than the data, and none of them is served.
#
# Environment (tools/run.sh test): PGHOST, PGPORT, PGUSER (superuser),
# PGDATA_DIR, MC_PORT (memcached on 127.0.0.1), MC_PIDFILE, MC_START (a command
# that starts memcached again on MC_PORT), the server running with
# cachebot.backend = 'memcached' pointed at it.
set -uo pipefail

export PATH=/usr/lib/postgresql/15/bin:$PATH
: "${MC_PORT:?MC_PORT is not set}" "${MC_START:?MC_START is not set}"
MC_PIDFILE=${MC_PIDFILE:-}
dba=cachebot_mc_a
dbb=cachebot_mc_b
nreads=200

npass=0
nfail=0
failed=()
ok()   { npass=$((npass + 1)); echo "  ok   $*"; }
bad()  { nfail=$((nfail + 1)); failed+=("$part: $*"); echo "  FAIL $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
die()  { echo "memcached: FATAL: $*"; nfail=$((nfail + 1)); failed+=("${part:-setup}: fatal: $*"); finish; }

tmp=$(mktemp -d /tmp/cachebot_mc.XXXXXX)
chmod 755 "$tmp"

# ---- memcached helpers ----

# The pid of the memcached on MC_PORT: the pid file, or (when the server could
# not write it, e.g. it runs as another user) the process whose command line
# names this port.
mc_pid() {
  local p f
  if [ -n "$MC_PIDFILE" ] && [ -s "$MC_PIDFILE" ]; then
    p=$(cat "$MC_PIDFILE" 2>/dev/null)
    if [ -n "$p" ] && [ -r "/proc/$p/cmdline" ] && tr '\0' ' ' <"/proc/$p/cmdline" | grep -q "memcached.* -p $MC_PORT\b"; then
      echo "$p"; return 0
    fi
  fi
  for f in /proc/[0-9]*/cmdline; do
    if tr '\0' ' ' <"$f" 2>/dev/null | grep -q "^\S*memcached .*-p $MC_PORT\b"; then
      p=${f#/proc/}; echo "${p%/cmdline}"; return 0
    fi
  done
  return 1
}

# mc_cmd TEXT END_REGEX: sends TEXT (printf %b escapes) and prints the reply
# up to the first line matching END_REGEX (2 s timeout per line).
mc_cmd() {
  local line
  { exec 3<>"/dev/tcp/127.0.0.1/$MC_PORT"; } 2>/dev/null || return 1
  printf '%b' "$1" >&3
  while IFS= read -r -t 2 line <&3; do
    line=${line%$'\r'}
    echo "$line"
    [[ $line =~ $2 ]] && break
  done
  exec 3<&- 3>&-
}
mc_up()       { mc_cmd 'version\r\n' '^(VERSION|ERROR)' 2>/dev/null | grep -q '^VERSION'; }
mc_wait_up()  { for _ in $(seq 50); do mc_up && return 0; sleep 0.1; done; return 1; }
mc_flush_all(){ mc_cmd 'flush_all\r\n' '^(OK|ERROR)' >/dev/null; sleep 1.1; }  # flush_all has 1 s granularity
# mc_keys PREFIX [MIN]: the keys held whose name starts with PREFIX (cbe, cbv,
# cbx), listed by the LRU crawler; it answers BUSY while a previous dump runs
# and may miss an item stored an instant ago, so wait until MIN are listed.
mc_keys() {
  local out keys
  for _ in $(seq 30); do
    out=$(mc_cmd 'lru_crawler metadump all\r\n' '^(END|ERROR|BUSY|CLIENT_ERROR)')
    if [ "$(tail -1 <<<"$out")" = END ]; then
      keys=$(grep -o "key=$1[0-9a-f]*" <<<"$out" | cut -d= -f2 | sort)
      [ "$(grep -c . <<<"$keys")" -ge "${2:-0}" ] && break
    fi
    sleep 0.1
  done
  [ -n "$keys" ] && echo "$keys"
  return 0
}
# mc_has KEY: memcached holds KEY (meta get, no value)
mc_has() { mc_cmd "mg $1\r\n" '^(HD|EN|ERROR|CLIENT_ERROR)' | grep -q '^HD'; }
mc_has_all() { local k; [ -n "$1" ] || return 1; for k in $1; do mc_has "$k" || return 1; done; }
# mc_set KEY DATA: stores DATA (text, no NUL) under KEY.
mc_set() { mc_cmd "set $1 0 0 ${#2}\r\n$2\r\n" '^(STORED|NOT_STORED|ERROR|CLIENT_ERROR|SERVER_ERROR)' | grep -q '^STORED'; }

paused=""
cleanup() {
  local p
  if [ -n "$paused" ]; then kill -CONT "$paused" 2>/dev/null; fi
  if [ -n "${prefix_changed:-}" ]; then
    psql -X -q -d postgres -c "ALTER SYSTEM RESET cachebot.prefix" -c "SELECT pg_reload_conf()" >/dev/null 2>&1
  fi
  # leave memcached running for whoever comes next
  if ! mc_up; then eval "$MC_START" >/dev/null 2>&1; mc_wait_up; fi
  psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $dba" -c "DROP DATABASE IF EXISTS $dbb" >/dev/null 2>&1
  rm -rf "$tmp"
}

finish() {
  trap - EXIT
  cleanup
  echo "== memcached: $npass passed, $nfail failed (${SECONDS}s)"
  for f in "${failed[@]}"; do echo "   failed: $f"; done
  [ "$nfail" -eq 0 ] && [ "$part" = done ] && exit 0
  exit 1
}
trap finish EXIT

# ---- PostgreSQL helpers ----

q()  { psql -X -q -At -v ON_ERROR_STOP=1 -d "${2:-$dba}" -c "$1"; }
# Statistics counters: snap saves them, delta NAME prints NAME's increase.
declare -A S0=()
stat_now() {
  q "SELECT hits, misses, fills, errors, skips,
            coalesce((skips_by_reason->>'backend_error')::bigint, 0),
            coalesce((skips_by_reason->>'pending_write')::bigint, 0)
     FROM cachebot.stats"
}
snap() {
  local h m f e s be pw
  IFS='|' read -r h m f e s be pw < <(stat_now)
  S0=([hits]=$h [misses]=$m [fills]=$f [errors]=$e [skips]=$s [backend_error]=$be [pending_write]=$pw)
}
delta() {
  local h m f e s be pw
  declare -A now
  IFS='|' read -r h m f e s be pw < <(stat_now)
  now=([hits]=$h [misses]=$m [fills]=$f [errors]=$e [skips]=$s [backend_error]=$be [pending_write]=$pw)
  echo $(( ${now[$1]} - ${S0[$1]} ))
}
ms_now() { date +%s%3N; }

Q="SELECT /* cache */ id, v FROM t WHERE id <= 5 ORDER BY id"
Q1="SELECT /* cache */ v FROM t WHERE id = 1"
QU="SELECT /* cache */ id, name FROM u ORDER BY id"
nocache() { q "${1/\/\* cache \*\//\/* nocache *\/}" "${2:-$dba}"; }
# hinted read in a new session, compared with the uncached result
read_ok() { local got want; got=$(q "$1" "${2:-$dba}") || return 1; want=$(nocache "$1" "${2:-$dba}"); [ "$got" = "$want" ]; }
# a hinted read in a new session that is a hit (hits +1) with the right rows
hit_ok() { snap; read_ok "$@" && [ "$(delta hits)" -eq 1 ]; }
# ... a miss that fills
fill_ok() { snap; read_ok "$@" && [ "$(delta hits)" -eq 0 ] && [ "$(delta fills)" -eq 1 ]; }
# up to N hinted reads (new sessions) until one is a hit; all must be right
hit_within() {
  local n=$1; shift
  for _ in $(seq "$n"); do
    snap; read_ok "$@" || return 1
    [ "$(delta hits)" -eq 1 ] && return 0
  done
  return 1
}
gt0() { [ "$1" -gt 0 ]; }
eq()  { [ "$1" = "$2" ]; }

# ---- setup ----
part=setup
echo "== memcached: backend tests (memcached on 127.0.0.1:$MC_PORT)"
[ "$(q 'SHOW cachebot.backend' postgres)" = memcached ] || die "the server does not run cachebot.backend = memcached"
mc_wait_up || die "memcached on port $MC_PORT does not answer"
mc_pid >/dev/null || die "cannot find memcached's process for port $MC_PORT"
timeout_ms=$(q "SELECT setting FROM pg_settings WHERE name = 'cachebot.memcached_timeout'" postgres)
# Without the back-off every read would cost at least one timeout: 200 x 50 ms
# = 10 s; with it, about one timeout per second.  The bound: 40% of that.
max_dead_ms=$(( nreads * timeout_ms * 2 / 5 ))
for db in $dba $dbb; do
  psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "SET client_min_messages = warning" \
    -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null || die "cannot create $db"
  psql -X -q -v ON_ERROR_STOP=1 -d "$db" >/dev/null <<SQL || die "setup of $db failed"
SET client_min_messages = warning;
CREATE EXTENSION cachebot;
CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL);
INSERT INTO t SELECT g, '$db-' || g FROM generate_series(1, 50) g;
CREATE TABLE u (id int PRIMARY KEY, name text NOT NULL);
INSERT INTO u SELECT g, 'user' || g FROM generate_series(1, 5) g;
SELECT cachebot.track('t');
SELECT cachebot.track('u');
SQL
done
mc_flush_all

# ================================================================= part 1
part=1
echo "-- 1. memcached killed, then hung: right rows, bounded cost, errors counted"
check "store works: $Q fills" fill_ok "$Q"
check "store works: then hits" hit_ok "$Q"
want=$(nocache "$Q")
expected_file=$tmp/expected
for _ in $(seq $nreads); do printf '%s\n' "$want"; done >"$expected_file"
script=$tmp/reads.sql
for _ in $(seq $nreads); do echo "$Q;"; done >"$script"

pid=$(mc_pid)
kill -KILL "$pid"
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
mc_up && die "memcached still answers after kill"

# (a) dead: connections refused
snap
t0=$(ms_now)
psql -X -q -At -v ON_ERROR_STOP=1 -d $dba -f "$script" >"$tmp/got" 2>"$tmp/err"; rc=$?
el=$(( $(ms_now) - t0 ))
echo "       $nreads hinted reads, memcached dead: ${el} ms"
[ "$rc" -eq 0 ] || sed 's/^/       /' "$tmp/err"
check "dead: $nreads hinted reads succeed and return the right rows" eq "$rc:$(cmp -s "$tmp/got" "$expected_file" && echo same)" "0:same"
check "dead: $nreads reads take ${el} ms < ${max_dead_ms} ms" [ "$el" -lt $max_dead_ms ]
check "dead: no hits" eq "$(delta hits)" 0
check "dead: errors counted ($(delta errors))" gt0 "$(delta errors)"
check "dead: skip reason backend_error counted ($(delta backend_error))" gt0 "$(delta backend_error)"
check "dead: a write commits" eq "$(q "UPDATE t SET v = 'written-while-dead' WHERE id = 3 RETURNING v")" written-while-dead
check "dead: the hinted read shows the write" read_ok "$Q"
q "$Q" | grep -q '^3|written-while-dead$' || bad "dead: row 3 is not the written value"

# restart, empty
eval "$MC_START" || die "MC_START failed"
mc_wait_up || die "memcached did not come back"
check "restarted (empty): a miss that fills, with the write" fill_ok "$Q"
q "$Q" | grep -q '^3|written-while-dead$' || bad "restarted: row 3 is not the written value"
check "restarted: then a hit" hit_ok "$Q"

# (b) hung: connections accepted by the kernel, no answer
want=$(nocache "$Q")
for _ in $(seq $nreads); do printf '%s\n' "$want"; done >"$expected_file"
pid=$(mc_pid)
kill -STOP "$pid"; paused=$pid
snap
# one session: the timed reads, then memcached resumes and, once the back-off
# is over, the same session reads through the store again
{ cat "$script"
  echo "\\! date +%s%3N > $tmp/t1"
  echo "SELECT 'hits', hits FROM cachebot.stats;"
  echo "\\! kill -CONT $pid"
  echo "SELECT pg_sleep(1.1);"
  echo "$Q;"
  echo "SELECT 'hits', hits FROM cachebot.stats;"
  echo "$Q;"
  echo "SELECT 'hits', hits FROM cachebot.stats;"
} >"$tmp/hung.sql"
t0=$(ms_now)
psql -X -q -At -v ON_ERROR_STOP=1 -d $dba -f "$tmp/hung.sql" >"$tmp/got" 2>"$tmp/err"; rc=$?
kill -CONT "$pid"; paused=""
el=$(( $(cat "$tmp/t1" 2>/dev/null || echo 999999999999999) - t0 ))
echo "       $nreads hinted reads, memcached hung: ${el} ms (${timeout_ms} ms timeout; 1 s back-off)"
[ "$rc" -eq 0 ] || sed 's/^/       /' "$tmp/err"
check "hung: $nreads hinted reads succeed and return the right rows" \
  eq "$rc:$(head -n $(wc -l <"$expected_file") "$tmp/got" | cmp -s - "$expected_file" && echo same)" "0:same"
check "hung: $nreads reads take ${el} ms < ${max_dead_ms} ms (not one timeout per read)" [ "$el" -lt $max_dead_ms ]
h=($(grep '^hits|' "$tmp/got" | cut -d'|' -f2))
check "hung: no hits" eq "$(( ${h[0]:-0} - ${S0[hits]} ))" 0
check "hung: errors counted ($(delta errors))" gt0 "$(delta errors)"
check "hung: skip reason backend_error counted ($(delta backend_error))" gt0 "$(delta backend_error)"
# Q's entry was filled before the pause and nothing was written: it is valid
check "resumed: the same session, after the back-off, hits again" [ "$(( ${h[2]:-0} - ${h[0]:-0} ))" -ge 1 ]
check "resumed: hits in a new session" hit_ok "$Q"

# ================================================================= part 2
part=2
echo "-- 2. memcached paused during COMMIT: no stale hit, the bypass resolves"
mc_flush_all
# Q depends on (t, *), Q1 on (t, id, 1): the write bumps both
check "$Q fills" fill_ok "$Q"
check "$Q hits" hit_ok "$Q"
check "$Q1 fills" fill_ok "$Q1"
check "$Q1 hits" hit_ok "$Q1"
check "$QU fills" fill_ok "$QU"
check "$QU hits" hit_ok "$QU"
entries_before=$(mc_keys cbe 3)
pid=$(mc_pid)
snap
psql -X -q -At -v ON_ERROR_STOP=1 -d $dba >"$tmp/w" 2>&1 <<SQL
BEGIN;
UPDATE t SET v = 'after-pause' WHERE id = 1;
\! kill -STOP $pid
COMMIT;
\! kill -CONT $pid
SELECT 'committed';
SQL
rc=$?
kill -CONT "$pid" 2>/dev/null
check "the write commits while memcached is paused" eq "$rc:$(tail -1 "$tmp/w")" "0:committed"
check "an error is counted for the lost bump ($(delta errors))" gt0 "$(delta errors)"
check "memcached kept its data: the old entries are still there" \
  mc_has_all "$entries_before"
snap
got=$(q "$Q1")
check "the next read shows the new value (got '$got'), not the old entry" eq "$got" after-pause
check "... and is not a hit" eq "$(delta hits)" 0
check "the bypass resolves: $QU hits again within 3 reads" hit_within 3 "$QU"
check "$Q (on t) hits again within 3 reads" hit_within 3 "$Q"
check "$Q1 (on t) hits again within 3 reads" hit_within 3 "$Q1"
[ "$(q "$Q1")" = after-pause ] || bad "$Q1 no longer shows after-pause"

# ================================================================= part 3
part=3
echo "-- 3. foreign and corrupt values under cachebot's keys"
mc_flush_all
check "$Q fills" fill_ok "$Q"
check "$Q1 fills" fill_ok "$Q1"
check "$Q hits" hit_ok "$Q"
entries=$(mc_keys cbe 2)
records=$(mc_keys cbv 3)
check "memcached holds the 2 entries" eq "$(echo "$entries" | grep -c .)" 2
n=0
for k in $entries; do
  case $n in
    0) data="garbage" ;;
    *) data=$(head -c 3000 /dev/zero | tr '\0' 'x') ;;
  esac
  mc_set "$k" "$data" || bad "cannot overwrite $k"
  n=$((n + 1))
done
for k in $records; do mc_set "$k" "not-a-number" || bad "cannot overwrite $k"; done
wq=$(nocache "$Q"); wq1=$(nocache "$Q1")
snap
# one session: two rounds of reads, a pause longer than any back-off, two more
psql -X -q -At -v ON_ERROR_STOP=1 -d $dba >"$tmp/c" 2>"$tmp/cerr" <<SQL
$Q;
$Q1;
$Q;
$Q1;
SELECT 'errors', errors FROM cachebot.stats;
SELECT pg_sleep(1.1);
$Q;
$Q1;
SELECT 'hits', hits FROM cachebot.stats;
$Q;
$Q1;
SELECT 'hits', hits FROM cachebot.stats;
SELECT 'alive';
SQL
rc=$?
want=$(printf '%s\n' "$wq" "$wq1" "$wq" "$wq1" "errors|X" "" "$wq" "$wq1" "hits|X" "$wq" "$wq1" "hits|X" "alive")
got=$(sed -E 's/^(errors|hits)\|[0-9]+$/\1|X/' "$tmp/c")
check "the same connection returns the right rows throughout and keeps working" eq "$rc:$got" "0:$want"
[ "$rc" -eq 0 ] || sed 's/^/       /' "$tmp/cerr"
check "misses counted ($(delta misses))" [ "$(delta misses)" -ge 2 ]
e1=$(grep '^errors|' "$tmp/c" | cut -d'|' -f2)
check "errors counted ($((e1 - ${S0[errors]})))" gt0 "$((e1 - ${S0[errors]}))"
h=($(grep '^hits|' "$tmp/c" | cut -d'|' -f2))
check "then refills: the last round hits ($((h[1] - h[0])) of 2)" eq "$((h[1] - h[0]))" 2
check "$Q hits (new session)" hit_within 2 "$Q"
check "$Q1 hits (new session)" hit_within 2 "$Q1"
check "a version record holds a number again" eq "$(for k in $records; do mc_cmd "get $k\r\n" '^(END|ERROR)' | grep -c '^not-a-number$'; done | sort -u | tr -d '\n')" "0"

# The epoch record: one per namespace, every entry depends on it.
mc_flush_all
check "$Q fills" fill_ok "$Q"
for k in $(mc_keys cbx 1); do mc_set "$k" "epoch?" || bad "cannot overwrite $k"; done
check "epoch record not a number: the right rows" read_ok "$Q"
sleep 1.1
check "epoch record not a number: hits come back within 3 reads" hit_within 3 "$Q"

if command -v python3 >/dev/null; then
  # Real entries, moved or damaged: swapped between two keys, truncated, one bit flipped.
  mc_py() {
    python3 - "$MC_PORT" "$@" <<'PY'
import socket, sys
port, op, args = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
def conn():
    s = socket.create_connection(("127.0.0.1", port), timeout=2); return s, s.makefile("rb")
def get(k):
    s, f = conn(); s.sendall(b"get %s\r\n" % k.encode())
    h = f.readline()
    if h.startswith(b"END"): return None
    n = int(h.split()[3]); d = f.read(n + 2)[:n]; f.readline(); s.close(); return d
def put(k, d):
    s, f = conn(); s.sendall(b"set %s 0 0 %d\r\n" % (k.encode(), len(d)) + d + b"\r\n")
    r = f.readline(); s.close(); assert r.startswith(b"STORED"), r
if op == "swap":
    a, b = get(args[0]), get(args[1]); put(args[0], b); put(args[1], a)
elif op == "truncate":
    d = get(args[0]); put(args[0], d[: len(d) // 2])
elif op == "flip":
    d = bytearray(get(args[0])); d[len(d) * 2 // 3] ^= 0x10; put(args[0], bytes(d))
PY
  }
  for how in swap truncate flip; do
    mc_flush_all
    fill_ok "$Q" && e1=$(mc_keys cbe 1) && fill_ok "$Q1" && e2=$(comm -13 <(echo "$e1") <(mc_keys cbe 2)) \
      || { bad "$how: setup fills"; continue; }
    case $how in
      swap) mc_py swap "$e1" "$e2" ;;
      *) mc_py "$how" "$e1"; mc_py "$how" "$e2" ;;
    esac || { bad "$how: cannot rewrite the entries"; continue; }
    snap
    check "$how: $Q returns its own rows" read_ok "$Q"
    check "$how: $Q1 returns its own rows" read_ok "$Q1"
    check "$how: no hits ($(delta hits)), 2 misses ($(delta misses))" eq "$(delta hits):$(delta misses)" 0:2
    if [ $how != swap ]; then check "$how: errors counted ($(delta errors))" gt0 "$(delta errors)"; fi
    check "$how: refilled, then hits" hit_within 2 "$Q"
  done
else
  echo "  (no python3: swapped/truncated/flipped entry checks skipped)"
fi

# ================================================================= part 4
part=4
echo "-- 4. two databases on one memcached"
mc_flush_all
[ "$(nocache "$Q" $dba)" != "$(nocache "$Q" $dbb)" ] || die "the two databases hold the same rows"
check "A: $Q fills" fill_ok "$Q" $dba
ea=$(mc_keys cbe 1)
check "B: the same statement is a miss that fills, with B's rows" fill_ok "$Q" $dbb
q "$Q" $dbb | grep -q "$dba" && bad "B got A's rows"
check "B filled its own entry: A's is still there, one more" \
  eq "$(mc_has_all "$ea" && echo yes):$(echo "$ea" | grep -c .):$(mc_keys cbe 2 | grep -c .)" "yes:1:2"
for r in 1 2; do
  check "A hits with A's rows ($r)" hit_ok "$Q" $dba
  check "B hits with B's rows ($r)" hit_ok "$Q" $dbb
done
q "UPDATE t SET v = 'A-changed' WHERE id = 2" $dba >/dev/null
check "a write in A: A's read is fresh" eq "$(q "$Q" $dba | grep -c '^2|A-changed$')" 1
check "... B still reads B's rows" read_ok "$Q" $dbb

# ================================================================= part 5
part=5
echo "-- 5. prefixes on one memcached"
set_prefix() {
  prefix_changed=1
  q "ALTER SYSTEM SET cachebot.prefix = '$1'" postgres && q "SELECT pg_reload_conf()" postgres >/dev/null
  for _ in $(seq 50); do [ "$(q 'SHOW cachebot.prefix' postgres)" = "$1" ] && return 0; sleep 0.1; done
  return 1
}
mc_flush_all
check "default prefix: $Q fills" fill_ok "$Q"
set_prefix one || die "cannot set cachebot.prefix"
check "prefix one: the same statement is a miss that fills" fill_ok "$Q"
check "prefix one: hits" hit_ok "$Q"
set_prefix two || die "cannot set cachebot.prefix"
check "prefix two: the same statement is a miss that fills" fill_ok "$Q"
check "prefix two: hits" hit_ok "$Q"
snap; q "SELECT cachebot.flush()" >/dev/null
check "prefix two: flush() counts no error" eq "$(delta errors)" 0
check "prefix two: after flush() a miss that fills" fill_ok "$Q"
q "UPDATE t SET v = 'written-under-two' WHERE id = 1" >/dev/null
set_prefix one || die "cannot set cachebot.prefix"
# one's old entry is still in memcached, and the write above never bumped
# one's records: only a namespace that starts over keeps it from being served
check "prefix one again: a miss that fills, with the write made under prefix two" \
  eval 'fill_ok "$Q" && [ "$(q "$Q" | grep -c "^1|written-under-two$")" -eq 1 ]'
check "prefix one again: then hits" hit_ok "$Q"
q "ALTER SYSTEM RESET cachebot.prefix" postgres && q "SELECT pg_reload_conf()" postgres >/dev/null
for _ in $(seq 50); do [ "$(q 'SHOW cachebot.prefix' postgres)" = "" ] && break; sleep 0.1; done
prefix_changed=""
check "prefix reset: the default prefix starts over too: a miss that fills" fill_ok "$Q"

# ================================================================= part 6
part=6
echo "-- 6. the server starts again from an older copy of its data"
: "${PGDATA_DIR:?PGDATA_DIR is not set}"
pg_ctl_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- pg_ctl -D "$PGDATA_DIR" "$@"; else pg_ctl -D "$PGDATA_DIR" "$@"; fi
}
older=$PGDATA_DIR.older
q "UPDATE t SET v = 'old' WHERE id = 1" >/dev/null
check "before the copy: $Q1 fills" fill_ok "$Q1"
pg_ctl_as_owner -m fast -w stop >/dev/null || die "cannot stop the server"
rm -rf "$older" && cp -a "$PGDATA_DIR" "$older" || die "cannot copy the data directory"
pg_ctl_as_owner -l "$PGDATA_DIR/../postgres.log" -w start >/dev/null || die "cannot start the server"
q "UPDATE t SET v = 'new' WHERE id = 1" >/dev/null
check "after an update: a miss that fills, with 'new'" eval 'fill_ok "$Q1" && [ "$(q "$Q1")" = new ]'
check "... then hits" hit_ok "$Q1"
pg_ctl_as_owner -m fast -w stop >/dev/null || die "cannot stop the server"
rm -rf "$PGDATA_DIR" && mv "$older" "$PGDATA_DIR" || die "cannot put the older copy back"
pg_ctl_as_owner -l "$PGDATA_DIR/../postgres.log" -w start >/dev/null || die "cannot start the server on the older copy"
# memcached still holds the entry with 'new' and records that vouch for it,
# under the keys of the server's previous run
snap
got=$(q "$Q1")
check "the older data: the read shows 'old', as the table does" eq "$got" old
check "... and is not a hit" eq "$(delta hits)" 0
check "... then the entry it filled hits" hit_ok "$Q1"

part=done
finish
