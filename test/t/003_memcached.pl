# cachebot with the memcached backend: trouble with the servers, values that
# are not cachebot's, databases and prefixes sharing one pool.
#
#   1. memcached killed, then hung: hinted reads return the right rows, writes
#      commit, the cost is about one timeout per back-off period (not one per
#      statement), errors and backend_error skips are counted; restarted empty:
#      a miss, then hits.
#   2. memcached paused during a writer's COMMIT (the pre-commit bump times
#      out), resumed with its data: the old entry is still there but is never
#      served; the bypass resolves and hits come back (the records the write
#      marked, its marks landing late or not, are reset once the pool answers:
#      none stays pending).
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
#   7. a writer whose commit nobody can see yet (held by synchronous
#      replication to a standby that does not exist) does not turn readers
#      away; once memcached lost the record it marked, it no longer vouches for
#      the mark another writer (COMMIT PREPARED, unpublished) put on the new
#      record: that reader runs uncached (pending_write).
#   8. a pool of two servers: records live on both, and a commit's bumps (sent
#      as one pipelined batch per server, on connections of their own) reach
#      the server each record is read from: after writes to 40 rows, in one
#      transaction and one by one, every read of those rows is fresh.
#   9. a commit's second bumps are not waited for: behind a proxy that holds
#      them back, a writer's COMMIT returns, a reader that comes after it
#      waits for them (it neither runs uncached nor serves the old entry) and
#      fills with the write once they land (also after writes by a DO block
#      under SET ROLE and by another table's trigger); one that never lands (its
#      connection closed) is found at the writer's next use of the pool and
#      counted, and is not sent again (it may have landed): its record is
#      reset once the pool answers, and fills again. A settle whose record memcached
#      lost re-creates it unmarked; a commit whose marks memcached never got
#      settles nothing; a record with more settles than marks reads as
#      pending and is healed.
#
# The test starts its own memcached (on 127.0.0.1, a free port) and its own
# server with cachebot.backend = 'memcached' pointed at it; it is skipped when
# the memcached binary is not installed.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";
use CachebotTAP;
use File::Path qw(rmtree);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time usleep);

plan skip_all => 'memcached is not installed (no memcached binary in PATH, /usr/bin or /usr/sbin)'
  unless memcached_binary();

my $dba = 'cachebot_mc_a';
my $dbb = 'cachebot_mc_b';
my $nreads = 200;

my $mc = CachebotTAP::Memcached->new('pool');
my $node = cachebot_node('memcached',
	'max_prepared_transactions' => 2,
	# (for part 7: commits can wait for a synchronous standby)
	'wal_level' => 'replica',
	'max_wal_senders' => 2,
	'cachebot.backend' => "'memcached'",
	'cachebot.memcached_servers' => "'127.0.0.1:" . $mc->port . "'");

# ---- PostgreSQL helpers ----

# SQL's output in a new session on DB (default: A), undef if psql failed
sub sq { my ($sql, $db) = @_; return query($node, $db // $dba, $sql); }

# Statistics counters: snap() saves them, delta(NAME) is NAME's increase since.
my %S0;
my @counters = qw(hits misses fills errors skips backend_error pending_write);
sub stat_now
{
	my $row = sq("SELECT hits, misses, fills, errors, skips,
	                    coalesce((skips_by_reason->>'backend_error')::bigint, 0),
	                    coalesce((skips_by_reason->>'pending_write')::bigint, 0)
	               FROM cachebot.stats") // die 'cannot read cachebot.stats';
	my %now;
	@now{@counters} = split(/\|/, $row);
	return %now;
}
sub snap  { %S0 = stat_now(); return; }
sub delta { my %now = stat_now(); return $now{ $_[0] } - $S0{ $_[0] }; }

my $Q = 'SELECT /* cache */ id, v FROM t WHERE id <= 5 ORDER BY id';
my $Q1 = 'SELECT /* cache */ v FROM t WHERE id = 1';
my $QU = 'SELECT /* cache */ id, name FROM u ORDER BY id';

sub nocache
{
	my ($sql, $db) = @_;
	$sql =~ s{/\* cache \*/}{/* nocache */};
	return sq($sql, $db);
}
# a hinted read in a new session, compared with the uncached result
sub read_ok
{
	my ($sql, $db) = @_;
	my $got = sq($sql, $db);
	return 0 unless defined $got;
	my $want = nocache($sql, $db);
	return defined $want && $got eq $want;
}
# a hinted read in a new session that is a hit (hits +1) with the right rows
sub hit_ok { snap(); return read_ok(@_) && delta('hits') == 1; }
# ... a miss that fills
sub fill_ok { snap(); return read_ok(@_) && delta('hits') == 0 && delta('fills') == 1; }
# up to N hinted reads (new sessions) until one is a hit; all must be right
sub hit_within
{
	my ($n, @read) = @_;
	for (1 .. $n)
	{
		snap();
		return 0 unless read_ok(@read);
		return 1 if delta('hits') == 1;
	}
	return 0;
}
# whether a background session's statements failed: its stderr (all of it so
# far, which BackgroundPsql keeps) holds an error; shown with diag
sub bg_failed
{
	my ($bg) = @_;
	my $stderr = $bg->{stderr} // '';
	return 0 unless $stderr =~ /\b(ERROR|FATAL|PANIC)\b/;
	diag($stderr);
	return 1;
}
# the number of lines of a psql output that match RE
sub count_lines { my ($out, $re) = @_; return scalar grep { /$re/ } split(/\n/, $out // ''); }

# A check that later ones cannot do without: on failure the test stops here.
sub required
{
	my ($ok, $name) = @_;
	ok($ok, $name) or die "cannot go on after: $name";
	return;
}

# ---- setup ----
required(sq('SHOW cachebot.backend', 'postgres') eq 'memcached',
	'the server runs cachebot.backend = memcached');
required($mc->up, 'memcached answers on 127.0.0.1:' . $mc->port);
my $timeout_ms = sq("SELECT setting FROM pg_settings WHERE name = 'cachebot.memcached_timeout'", 'postgres');
# Without the back-off every read would cost at least one timeout: 200 x 50 ms
# = 10 s; with it, about one timeout per second.  The bound: 40% of that.
my $max_dead_ms = int($nreads * $timeout_ms * 2 / 5);
for my $db ($dba, $dbb)
{
	my ($rc, $out, $err) = $node->psql('postgres', "CREATE DATABASE $db");
	required($rc == 0, "database $db created");
	($rc, $out, $err) = $node->psql($db, <<SQL);
SET client_min_messages = warning;
CREATE EXTENSION cachebot;
CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL);
INSERT INTO t SELECT g, '$db-' || g FROM generate_series(1, 50) g;
CREATE TABLE u (id int PRIMARY KEY, name text NOT NULL);
INSERT INTO u SELECT g, 'user' || g FROM generate_series(1, 5) g;
SELECT cachebot.track('t');
SELECT cachebot.track('u');
SQL
	diag($err) if $rc != 0;
	required($rc == 0, "setup of $db: tracked tables t and u");
}
$mc->flush_all;

# ================================================================= part 1
note '1. memcached killed, then hung: right rows, bounded cost, errors counted';
ok(fill_ok($Q), "1: store works: $Q fills");
ok(hit_ok($Q), '1: store works: then hits');
my $want = nocache($Q);
my $expected = join("\n", ($want) x $nreads);
my $script = join('', map { "$Q;\n" } 1 .. $nreads);

$mc->kill9;
required(!$mc->up, '1: memcached no longer answers after kill -KILL');

# (a) dead: connections refused
snap();
my $t0 = time;
my ($rc, $out, $err) = $node->psql($dba, $script);
my $el = int((time - $t0) * 1000);
note "$nreads hinted reads, memcached dead: ${el} ms";
diag($err) if $rc != 0;
ok($rc == 0 && $out eq $expected, "1: dead: $nreads hinted reads succeed and return the right rows");
cmp_ok($el, '<', $max_dead_ms, "1: dead: $nreads reads take less than ${max_dead_ms} ms (${el} ms)");
is(delta('hits'), 0, '1: dead: no hits');
cmp_ok(delta('errors'), '>', 0, '1: dead: errors counted');
cmp_ok(delta('backend_error'), '>', 0, '1: dead: skip reason backend_error counted');
is(sq("UPDATE t SET v = 'written-while-dead' WHERE id = 3 RETURNING v"), 'written-while-dead',
	'1: dead: a write commits');
ok(read_ok($Q), '1: dead: the hinted read shows the write');
is(count_lines(sq($Q), qr/^3\|written-while-dead$/), 1, '1: dead: row 3 is the written value');

# restart, empty
$mc->start;
ok(fill_ok($Q), '1: restarted (empty): a miss that fills, with the write');
is(count_lines(sq($Q), qr/^3\|written-while-dead$/), 1, '1: restarted: row 3 is the written value');
ok(hit_ok($Q), '1: restarted: then a hit');

# (b) hung: connections accepted by the kernel, no answer.  One session: the
# timed reads, then memcached resumes and, once the back-off is over, the same
# session reads through the store again.
$want = nocache($Q);
$expected = join("\n", ($want) x $nreads);
my $bg = $node->background_psql($dba, on_error_stop => 1);
$mc->pause;
snap();
$t0 = time;
my $reads = $bg->query($script);
$el = int((time - $t0) * 1000);
note "$nreads hinted reads, memcached hung: ${el} ms (${timeout_ms} ms timeout; 1 s back-off)";
my @h;
push @h, ($bg->query("SELECT 'hits', hits FROM cachebot.stats") =~ /^hits\|(\d+)$/m)[0];
$mc->resume;
$bg->query('SELECT pg_sleep(1.1)');
$bg->query("$Q;");
push @h, ($bg->query("SELECT 'hits', hits FROM cachebot.stats") =~ /^hits\|(\d+)$/m)[0];
$bg->query("$Q;");
push @h, ($bg->query("SELECT 'hits', hits FROM cachebot.stats") =~ /^hits\|(\d+)$/m)[0];
my $failed = bg_failed($bg);
$bg->quit;
ok(!$failed && $reads eq $expected, "1: hung: $nreads hinted reads succeed and return the right rows");
cmp_ok($el, '<', $max_dead_ms,
	"1: hung: $nreads reads take less than ${max_dead_ms} ms, not one timeout per read (${el} ms)");
is(($h[0] // 0) - $S0{hits}, 0, '1: hung: no hits');
cmp_ok(delta('errors'), '>', 0, '1: hung: errors counted');
cmp_ok(delta('backend_error'), '>', 0, '1: hung: skip reason backend_error counted');
# Q's entry was filled before the pause and nothing was written: it is valid
cmp_ok(($h[2] // 0) - ($h[0] // 0), '>=', 1, '1: resumed: the same session, after the back-off, hits again');
ok(hit_ok($Q), '1: resumed: hits in a new session');

# ================================================================= part 2
note '2. memcached paused during COMMIT: no stale hit, the bypass resolves';
$mc->flush_all;
# Q depends on (t, *), Q1 on (t, id, 1): the write bumps both
ok(fill_ok($Q), "2: $Q fills");
ok(hit_ok($Q), "2: $Q hits");
ok(fill_ok($Q1), "2: $Q1 fills");
ok(hit_ok($Q1), "2: $Q1 hits");
ok(fill_ok($QU), "2: $QU fills");
ok(hit_ok($QU), "2: $QU hits");
my @entries_before = $mc->list_keys('cbe', 3);
snap();
$bg = $node->background_psql($dba, on_error_stop => 1);
$bg->query("BEGIN; UPDATE t SET v = 'after-pause' WHERE id = 1;");
$mc->pause;
$bg->query('COMMIT;');
$mc->resume;
usleep(200_000);    # memcached applies what was queued (the late marks)
my $committed = $bg->query("SELECT 'committed';");
# past the back-off, the writer's next use of the pool resets what it marked
$bg->query("SELECT pg_sleep(1.1); SELECT /* cache */ count(*) FROM u;");
my $werr = bg_failed($bg);
$bg->quit;
ok(!$werr && $committed eq 'committed', '2: the write commits while memcached is paused');
cmp_ok(delta('errors'), '>', 0, '2: an error is counted for the lost bump');
ok(@entries_before == 3 && !grep({ !$mc->has($_) } @entries_before),
	'2: memcached kept its data: the old entries are still there');
snap();
is(sq($Q1), 'after-pause', '2: the next read shows the new value, not the old entry');
is(delta('hits'), 0, '2: ... and is not a hit');
ok(hit_within(3, $QU), "2: the bypass resolves: $QU hits again within 3 reads");
ok(hit_within(3, $Q), "2: $Q (on t) hits again within 3 reads: the records the write marked were reset");
ok(hit_within(3, $Q1), "2: $Q1 (on t) hits again within 3 reads");
is(sq($Q1), 'after-pause', "2: $Q1 still shows after-pause");

# ================================================================= part 3
note "3. foreign and corrupt values under cachebot's keys";
$mc->flush_all;
ok(fill_ok($Q), "3: $Q fills");
ok(fill_ok($Q1), "3: $Q1 fills");
ok(hit_ok($Q), "3: $Q hits");
my @entries = $mc->list_keys('cbe', 2);
my @records = $mc->list_keys('cbv', 3);
is(scalar @entries, 2, '3: memcached holds the 2 entries');
my $n = 0;
for my $k (@entries)
{
	my $data = $n == 0 ? 'garbage' : 'x' x 3000;
	ok($mc->set($k, $data), '3: entry ' . ($n + 1) . ' overwritten with ' . ($n == 0 ? 'garbage' : '3000 bytes of x'));
	$n++;
}
$n = 0;
for my $k (@records)
{
	$n++;
	ok($mc->set($k, 'not-a-number'), "3: version record $n overwritten with not-a-number");
}
my $wq = nocache($Q);
my $wq1 = nocache($Q1);
snap();
# one session: two rounds of reads, a pause longer than any back-off, two more
($rc, $out, $err) = $node->psql($dba, <<SQL);
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
$want = join("\n", $wq, $wq1, $wq, $wq1, 'errors|X', '', $wq, $wq1, 'hits|X', $wq, $wq1, 'hits|X', 'alive');
(my $got = $out) =~ s/^(errors|hits)\|\d+$/$1|X/mg;
diag($err) if $rc != 0;
ok($rc == 0 && $got eq $want, '3: the same connection returns the right rows throughout and keeps working');
cmp_ok(delta('misses'), '>=', 2, '3: misses counted');
my ($e1) = $out =~ /^errors\|(\d+)$/m;
cmp_ok(($e1 // 0) - $S0{errors}, '>', 0, '3: errors counted');
@h = $out =~ /^hits\|(\d+)$/mg;
is(($h[1] // 0) - ($h[0] // 0), 2, '3: then refills: the last round hits (2 of 2)');
ok(hit_within(2, $Q), "3: $Q hits (new session)");
ok(hit_within(2, $Q1), "3: $Q1 hits (new session)");
is(scalar(grep { ($mc->get($_) // '') eq 'not-a-number' } @records), 0,
	'3: every version record holds a number again');

# The epoch record: one per namespace, every entry depends on it.
$mc->flush_all;
ok(fill_ok($Q), "3: $Q fills");
my @epoch = $mc->list_keys('cbx', 1);
ok(@epoch && !grep({ !$mc->set($_, 'epoch?') } @epoch), '3: the epoch record overwritten with epoch?');
ok(read_ok($Q), '3: epoch record not a number: the right rows');
usleep(1_100_000);
ok(hit_within(3, $Q), '3: epoch record not a number: hits come back within 3 reads');

# Real entries, moved or damaged: swapped between two keys, truncated, one bit flipped.
for my $how (qw(swap truncate flip))
{
	$mc->flush_all;
	my ($k1, $k2);
	if (fill_ok($Q))
	{
		($k1) = $mc->list_keys('cbe', 1);
		if (fill_ok($Q1))
		{
			($k2) = grep { $_ ne ($k1 // '') } $mc->list_keys('cbe', 2);
		}
	}
	ok(defined $k1 && defined $k2, "3: $how: setup fills") or next;
	my $rewritten;
	if ($how eq 'swap')
	{
		my ($d1, $d2) = ($mc->get($k1), $mc->get($k2));
		$rewritten = defined $d1 && defined $d2 && $mc->set($k1, $d2) && $mc->set($k2, $d1);
	}
	else
	{
		$rewritten = 1;
		for my $k ($k1, $k2)
		{
			my $d = $mc->get($k);
			if (!defined $d) { $rewritten = 0; next; }
			if ($how eq 'truncate') { $d = substr($d, 0, int(length($d) / 2)); }
			else
			{
				my $i = int(length($d) * 2 / 3);
				substr($d, $i, 1) = chr(ord(substr($d, $i, 1)) ^ 0x10);
			}
			$rewritten &&= $mc->set($k, $d);
		}
	}
	ok($rewritten, "3: $how: the entries rewritten") or next;
	snap();
	ok(read_ok($Q), "3: $how: $Q returns its own rows");
	ok(read_ok($Q1), "3: $how: $Q1 returns its own rows");
	is(delta('hits') . ':' . delta('misses'), '0:2', "3: $how: no hits, 2 misses");
	cmp_ok(delta('errors'), '>', 0, "3: $how: errors counted") if $how ne 'swap';
	ok(hit_within(2, $Q), "3: $how: refilled, then hits");
}

# ================================================================= part 4
note '4. two databases on one memcached';
$mc->flush_all;
required(nocache($Q, $dba) ne nocache($Q, $dbb), '4: the two databases hold different rows');
ok(fill_ok($Q, $dba), "4: A: $Q fills");
my @ea = $mc->list_keys('cbe', 1);
ok(fill_ok($Q, $dbb), '4: B: the same statement is a miss that fills, with B\'s rows');
is(count_lines(sq($Q, $dbb), qr/\Q$dba\E/), 0, '4: B does not get A\'s rows');
my @eb = $mc->list_keys('cbe', 2);
ok(@ea == 1 && $mc->has($ea[0]) && @eb == 2,
	'4: B filled its own entry: A\'s is still there, one more');
for my $r (1, 2)
{
	ok(hit_ok($Q, $dba), "4: A hits with A's rows ($r)");
	ok(hit_ok($Q, $dbb), "4: B hits with B's rows ($r)");
}
sq("UPDATE t SET v = 'A-changed' WHERE id = 2", $dba);
is(count_lines(sq($Q, $dba), qr/^2\|A-changed$/), 1, '4: a write in A: A\'s read is fresh');
ok(read_ok($Q, $dbb), '4: ... B still reads B\'s rows');

# ================================================================= part 5
note '5. prefixes on one memcached';
sub set_prefix
{
	my ($prefix) = @_;
	my $sql = defined $prefix
	  ? "ALTER SYSTEM SET cachebot.prefix = '$prefix'"
	  : 'ALTER SYSTEM RESET cachebot.prefix';
	sq($sql, 'postgres') // return 0;
	sq('SELECT pg_reload_conf()', 'postgres');
	for (1 .. 50)
	{
		return 1 if (sq('SHOW cachebot.prefix', 'postgres') // '-') eq ($prefix // '');
		usleep(100_000);
	}
	return 0;
}
$mc->flush_all;
ok(fill_ok($Q), "5: default prefix: $Q fills");
required(set_prefix('one'), "5: cachebot.prefix set to 'one'");
ok(fill_ok($Q), '5: prefix one: the same statement is a miss that fills');
ok(hit_ok($Q), '5: prefix one: hits');
required(set_prefix('two'), "5: cachebot.prefix set to 'two'");
ok(fill_ok($Q), '5: prefix two: the same statement is a miss that fills');
ok(hit_ok($Q), '5: prefix two: hits');
snap();
sq('SELECT cachebot.flush()');
is(delta('errors'), 0, '5: prefix two: flush() counts no error');
ok(fill_ok($Q), '5: prefix two: after flush() a miss that fills');
sq("UPDATE t SET v = 'written-under-two' WHERE id = 1");
required(set_prefix('one'), "5: cachebot.prefix set to 'one' again");
# one's old entry is still in memcached, and the write above never bumped
# one's records: only a namespace that starts over keeps it from being served
ok(fill_ok($Q) && count_lines(sq($Q), qr/^1\|written-under-two$/) == 1,
	'5: prefix one again: a miss that fills, with the write made under prefix two');
ok(hit_ok($Q), '5: prefix one again: then hits');
required(set_prefix(undef), '5: cachebot.prefix reset');
ok(fill_ok($Q), '5: prefix reset: the default prefix starts over too: a miss that fills');

# ================================================================= part 6
note '6. the server starts again from an older copy of its data';
my $pgdata = $node->data_dir;
my $older = "$pgdata.older";
sq("UPDATE t SET v = 'old' WHERE id = 1");
ok(fill_ok($Q1), "6: before the copy: $Q1 fills");
$node->stop('fast');
rmtree($older);
PostgreSQL::Test::Utils::system_or_bail('cp', '-a', $pgdata, $older);
$node->start;
sq("UPDATE t SET v = 'new' WHERE id = 1");
ok(fill_ok($Q1) && (sq($Q1) // '') eq 'new', "6: after an update: a miss that fills, with 'new'");
ok(hit_ok($Q1), '6: ... then hits');
$node->stop('fast');
rmtree($pgdata);
rename($older, $pgdata) or die "cannot put the older copy back: $!";
$node->start;
# memcached still holds the entry with 'new' and records that vouch for it,
# under the keys of the server's previous run
snap();
is(sq($Q1), 'old', "6: the older data: the read shows 'old', as the table does");
is(delta('hits'), 0, '6: ... and is not a hit');
ok(hit_ok($Q1), '6: ... then the entry it filled hits');

# ================================================================= part 7
note '7. writers nobody can see yet, and a record memcached lost meanwhile';
$mc->flush_all;
sq("ALTER SYSTEM SET synchronous_standby_names = 'cachebot_no_such_standby'");
sq('SELECT pg_reload_conf()');
sleep 1;    # the checkpointer tells committing backends to wait
sub syncrep_waiters
{
	return sq("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'") // -1;
}
sub wait_syncrep
{
	my ($n) = @_;
	for (1 .. 1000) { return 1 if syncrep_waiters() == $n; usleep(10_000); }
	return 0;
}
ok(fill_ok($Q), "7: $Q fills");
ok(hit_ok($Q), "7: $Q hits");
my $w = $node->background_psql($dba, on_error_stop => 0);
$w->query("BEGIN; SET LOCAL synchronous_commit = remote_write; UPDATE t SET v = 'w7' WHERE id = 2;");
$w->query_until(qr/commit sent/, "\\echo commit sent\nCOMMIT;\n");
required(wait_syncrep(1), '7: the writer waits for its standby, its commit not yet visible');
ok(hit_ok($Q), "7: $Q still hits: the writer's mark is looked past");
unlike(sq($Q) // '', qr/w7/, '7: ... and the write is not visible');
$mc->flush_all;    # the record the writer marked is gone
my $v = $node->background_psql($dba, on_error_stop => 0);
$v->query("BEGIN; UPDATE t SET v = 'v7' WHERE id = 3; PREPARE TRANSACTION 'cachebot_part7';");
$v->query('SET synchronous_commit = remote_write;');
$v->query_until(qr/commit sent/, "\\echo commit sent\nCOMMIT PREPARED 'cachebot_part7';\n");
required(wait_syncrep(2), '7: COMMIT PREPARED waits too, its mark on the new record');
snap();
my $got7 = sq($Q);
ok(defined $got7 && $got7 !~ /w7|v7/, '7: the next read shows neither write');
is(delta('pending_write'), 1, '7: ... and runs uncached (pending_write): the first writer no longer vouches for the mark');
is(delta('fills'), 0, '7: ... nothing filled');
sq("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE wait_event = 'SyncRep'");
required(wait_syncrep(0), '7: both commits released');
$w->quit;
$v->quit;
sq('ALTER SYSTEM RESET synchronous_standby_names');
sq('SELECT pg_reload_conf()');
my $after = sq($Q) // '';
ok($after =~ /w7/ && $after =~ /v7/, '7: then both writes show');

# ================================================================= part 8
note '8. two servers: every bump reaches the server its record is read from';
my $mc2 = CachebotTAP::Memcached->new('pool2');
sq("ALTER SYSTEM SET cachebot.memcached_servers = '127.0.0.1:" . $mc->port . ",127.0.0.1:" . $mc2->port . "'");
sq('SELECT pg_reload_conf()');
usleep(500_000);
required(sq('SHOW cachebot.memcached_servers') =~ /,/, '8: the pool has two servers');
my $n8 = 40;
# one session: the hinted point reads of rows 1..40, one result line each
my $points = join('', map { "SELECT /* cache */ v FROM t WHERE id = $_;\n" } 1 .. $n8);
sub points_ok
{
	my $out = sq($points);
	my $want = nocache("SELECT /* cache */ v FROM t WHERE id <= $n8 ORDER BY id");
	return defined $out && defined $want && $out eq $want;
}
snap();
ok(points_ok(), "8: $n8 point reads, right rows");
is(delta('fills'), $n8, "8: ... each filled");
snap();
ok(points_ok(), "8: $n8 point reads again, right rows");
is(delta('hits'), $n8, "8: ... each a hit");
ok(scalar($mc->list_keys('cbv', 1)) > 0 && scalar($mc2->list_keys('cbv', 1)) > 0,
	'8: both servers hold version records');
sq("UPDATE t SET v = v || '-8a' WHERE id <= $n8");
snap();
ok(points_ok(), "8: after one transaction wrote the $n8 rows, every read is fresh");
is(delta('hits'), 0, '8: ... none of them a hit');
ok(points_ok() && delta('hits') == $n8, '8: ... then hits again');
sq(join('', map { "UPDATE t SET v = v || '-8b' WHERE id = $_;\n" } 1 .. $n8));
snap();
ok(points_ok(), "8: after $n8 transactions wrote one row each, every read is fresh");
is(delta('hits'), 0, '8: ... none of them a hit');
is(delta('errors'), 0, '8: no store errors');
like(sq("SELECT v FROM t WHERE id = $n8"), qr/-8a-8b$/, '8: both writes are in the rows');

# ================================================================= part 9
note "9. a commit's second bumps are not waited for; readers wait for them";
my $proxy = CachebotTAP::SettleProxy->new('settle', $mc->port);
sq("ALTER SYSTEM SET cachebot.memcached_servers = '127.0.0.1:" . $proxy->port . "'");
# long enough that nothing here times out by chance: a reader waits for a
# settle until this long after it was sent
my $timeout9 = 10000;
sq("ALTER SYSTEM SET cachebot.memcached_timeout = $timeout9");
sq('SELECT pg_reload_conf()');
usleep(500_000);
required(sq('SHOW cachebot.memcached_servers') eq '127.0.0.1:' . $proxy->port,
	'9: the pool is one memcached behind the proxy');
my $s9 = 'SELECT /* cache */ v FROM t WHERE id = 9';
ok(fill_ok($s9), "9: $s9 fills through the proxy");
ok(hit_ok($s9), '9: ... then hits');
my $w9 = $node->background_psql($dba, on_error_stop => 0);
my $r9 = $node->background_psql($dba, on_error_stop => 0);
$proxy->hold;
snap();
is($w9->query("UPDATE t SET v = 'settle-held' WHERE id = 9 RETURNING v"), 'settle-held',
	"9: a write's COMMIT returns while its settle is held");
ok($proxy->wait_held(1), '9: ... the proxy holds its settle');
is(delta('errors'), 0, '9: ... and nothing failed: the COMMIT did not wait for its reply');
$r9->query_until(qr/read sent/, "\\echo read sent\n$s9;\n");
# whether the read is seen waiting within 5 s (its pauses between rounds show
# as an extension wait, its reads of the pool as none), asked in one session
my $monitor = $node->background_psql('postgres', on_error_stop => 0);
sub read_waits
{
	my ($sql) = @_;
	$sql //= $s9;
	for (1 .. 500)
	{
		return 1 if $monitor->query("SELECT count(*) FROM pg_stat_activity
		                WHERE state = 'active' AND wait_event_type = 'Extension'
		                  AND query LIKE '$sql%'") eq '1';
		usleep(10_000);
	}
	return 0;
}
ok(read_waits(), '9: a read after the COMMIT waits for the settle');
usleep(300_000);
ok(read_waits(), '9: ... and goes on waiting');
my $t_release = time;
$proxy->release;
is($r9->query("SELECT 'read done'"), "settle-held\nread done",
	"9: ... and once it lands, reads the write");
my $after_release_ms = int((time - $t_release) * 1000);
cmp_ok($after_release_ms, '<', $timeout9 / 2,
	"9: ... at once, not at the end of its wait (${after_release_ms} ms)");
is(delta('fills'), 1, '9: ... a fill');
is(delta('hits') + delta('pending_write'), 0, '9: ... neither a hit nor turned away');
ok(hit_ok($s9) && sq($s9) eq 'settle-held', '9: then the write hits');
snap();
is($w9->query($s9), 'settle-held', "9: the writer's next read collects its settle's reply");
is(delta('errors'), 0, '9: ... confirmed: no error');

# The same for writes made by nested commands and another role: a DO block
# run under SET ROLE, and another table's trigger. Each commit's settle is
# held; a reader after the COMMIT waits for it, then fills with the write.
sq("CREATE ROLE cachebot_mc_writer; GRANT SELECT, INSERT, UPDATE ON t TO cachebot_mc_writer;
    CREATE TABLE t_note (id int);
    CREATE FUNCTION t_note_touch() RETURNS trigger LANGUAGE plpgsql
      AS \$\$ BEGIN UPDATE t SET v = 'trigger-held' WHERE id = NEW.id; RETURN NEW; END \$\$;
    CREATE TRIGGER t_note_touch AFTER INSERT ON t_note FOR EACH ROW EXECUTE FUNCTION t_note_touch();");
for my $case (
	[ 'a DO block under SET ROLE', 9,
	  "SET ROLE cachebot_mc_writer; DO \$\$ BEGIN UPDATE t SET v = 'do-held' WHERE id = 9; END \$\$; RESET ROLE;",
	  'do-held' ],
	[ "another table's trigger", 9, "INSERT INTO t_note VALUES (9);", 'trigger-held' ])
{
	my ($what, $id, $write, $want) = @$case;
	my $read = "SELECT /* cache */ v FROM t WHERE id = $id";
	sq($read);    # (an entry, or the record at least, before the write)
	my $held0 = $proxy->held;
	$proxy->hold;
	$w9->query($write);
	ok($proxy->wait_held($held0 + 1), "9: $what: its settle is held");
	snap();
	$r9->query_until(qr/read sent/, "\\echo read sent\n$read;\n");
	ok(read_waits($read), "9: $what: a read after its COMMIT waits for the settle");
	$proxy->release;
	is($r9->query("SELECT 'read done'"), "$want\nread done", "9: $what: ... then reads the write");
	is(delta('pending_write'), 0, "9: $what: ... not turned away");
	is($w9->query($read), $want, "9: $what: the writer's next read collects its reply");
}
is(delta('errors'), 0, '9: ... no error');

# A settle that finds its record gone (memcached lost it) creates it
# unmarked: A = B. At B = A + 1 the next writer's mark would read as none.
$proxy->hold;
$w9->query("UPDATE t SET v = 'settle-recreates' WHERE id = 9");
required($proxy->wait_held(2), "9: a second write's settle is held");
$mc->flush_all;    # every record is gone, those it settles too
$proxy->release;
# (the crawler may still list what the flush dropped: only values count)
my @recreated;
for (1 .. 30)
{
	@recreated = grep { defined } map { $mc->get($_) } $mc->list_keys('cbv', 1);
	last if @recreated;
	usleep(100_000);
}
my @unsettled = grep { !/^\d+$/ || ($_ >> 32) != ($_ & 0xffffffff) } @recreated;
ok(@recreated && !@unsettled,
	'9: the settle re-creates its records unmarked (' . scalar(@recreated) . ' records, '
	  . scalar(@unsettled) . ' with A != B)');
is($w9->query($s9), 'settle-recreates', "9: ... and the writer's next read shows its write");

$proxy->hold;
$w9->query("UPDATE t SET v = 'settle-lost' WHERE id = 9");
required($proxy->wait_held(3), "9: a third write's settle is held");
required($proxy->drop, '9: ... and its connection closed, the settle never delivered');
snap();
is($w9->query($s9), 'settle-lost', "9: the writer's next read shows its write");
cmp_ok(delta('errors'), '>', 0, '9: ... and finds its settle unconfirmed: an error');
is(delta('hits') + delta('fills'), 0, '9: ... nothing served or filled meanwhile');
usleep(1_100_000);    # the back-off
snap();
is($w9->query($s9), 'settle-lost', "9: after the back-off the writer's read shows its write");
is(delta('fills'), 1,
	'9: ... and fills: the record whose settle may have landed was reset, not settled again');
ok(hit_ok($s9) && sq($s9) eq 'settle-lost', '9: then the write hits');
my @over = grep { !/^\d+$/ || ($_ & 0xffffffff) > ($_ >> 32) }
  grep { defined } map { $mc->get($_) } $mc->list_keys('cbv', 1);
is(scalar(@over), 0, '9: no record has more settles than marks');

# A commit whose marks did not all land settles none of them: a settle
# without its mark would take the next writer's off the record.
sq("ALTER SYSTEM SET cachebot.memcached_timeout = 300");
sq('SELECT pg_reload_conf()');
usleep(500_000);
my $s19 = 'SELECT /* cache */ v FROM t WHERE id = 19';
ok(fill_ok($s19), "9: $s19 fills");
my $w19 = $node->background_psql($dba, on_error_stop => 0);
$proxy->swallow_marks(1);
snap();
my $settles0 = $proxy->settles_seen;
is($w19->query("UPDATE t SET v = 'marks-swallowed' WHERE id = 19 RETURNING v"), 'marks-swallowed',
	'9: a write whose marks memcached never gets commits');
# at once, within the back-off that follows: a write whose marks never leave
is($w19->query("UPDATE t SET v = 'in-back-off' WHERE id = 20 RETURNING v"), 'in-back-off',
	'9: a write in the back-off that follows commits');
cmp_ok(delta('errors'), '>', 0, '9: ... errors are counted');
$proxy->swallow_marks(0);
usleep(1_100_000);    # the back-off
snap();
is($w19->query($s19), 'marks-swallowed', "9: ... the writer's next read shows its write");
is(delta('fills'), 1, '9: ... and fills: the records it may have marked were reset');
is($proxy->settles_seen - $settles0, 0,
	'9: ... and neither write settled anything: no mark of theirs is known to have landed');
is(sq('SELECT /* cache */ v FROM t WHERE id = 20'), 'in-back-off', '9: ... and the second write reads back');

# A record with more settles than marks (B = A + 1: a settle that landed on
# a record re-created without its mark) would hide the next writer's mark:
# it reads as pending, and the reader heals it.
my $s21 = 'SELECT /* cache */ v FROM t WHERE id = 21';
ok(fill_ok($s21) && hit_ok($s21), "9: $s21 fills, then hits");
# A crawl of memcached's LRUs can pass over an item that moves meanwhile
# (the records just read are moved between its LRU segments, in the
# background): crawl again until a crawl finds nothing left to skew. A skewed
# record no longer has as many settles as marks, so none is skewed twice.
my $skewed = 0;
for my $crawl (1 .. 20)
{
	my $now = 0;
	for my $key ($mc->list_keys('cbv', 1))
	{
		my $v = $mc->get($key);
		next unless defined $v && $v =~ /^\d+$/ && ($v >> 32) == ($v & 0xffffffff);
		$now += $mc->set($key, $v + 1);
	}
	$skewed += $now;
	last if $now == 0 && $crawl >= 3;
	usleep(100_000);
}
cmp_ok($skewed, '>', 0, "9: records given one settle too many ($skewed)");
snap();
ok(read_ok($s21), '9: the next read is right');
is(delta('hits') + delta('fills'), 0, '9: ... neither a hit nor a fill: the records read as pending');
ok(hit_within(3, $s21), '9: ... healed: then it fills and hits again');
my @still = grep { /^\d+$/ && ($_ & 0xffffffff) > ($_ >> 32) }
  grep { defined } map { $mc->get($_) } $mc->list_keys('cbv', 1);
cmp_ok(scalar(@still), '<', $skewed, '9: ... the records it read were healed (' . scalar(@still)
	  . " of $skewed left, those no read touched)");
$w19->quit;
$monitor->quit;
$w9->quit;
$r9->quit;
sq("ALTER SYSTEM RESET cachebot.memcached_timeout");
sq("ALTER SYSTEM SET cachebot.memcached_servers = '127.0.0.1:" . $mc->port . "'");
sq('SELECT pg_reload_conf()');
$proxy->stop;

done_testing();
