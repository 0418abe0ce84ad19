# cachebot stress test: concurrent writers and readers of a tracked table.
#
# The invariant checked: a cached value a reader is served is never older than
# a commit that was acknowledged before the read began, never another row's
# value, and never data of an uncommitted or rolled-back write.
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
# It runs against the embedded store, then against a throwaway memcached (when
# the memcached binary is installed).  Knobs: STRESS_SECONDS (default 20),
# STRESS_IDS (4), STRESS_WRITERS (3), STRESS_READERS (4, half simple protocol,
# half prepared), STRESS_MIN_HITS (1000).

use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";
use CachebotTAP;
use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $secs = $ENV{STRESS_SECONDS} // 20;
my $nids = $ENV{STRESS_IDS} // 4;
my $nwriters = $ENV{STRESS_WRITERS} // 3;
my $nreaders = $ENV{STRESS_READERS} // 4;
my $min_hits = $ENV{STRESS_MIN_HITS} // 1000;
my $db = 'cachebot_stress';
my $bump = 1000000000;    # added by rolled-back writes only; never committed
my $nsimple = int(($nreaders + 1) / 2);
my $nprepared = $nreaders - $nsimple;

my $node = cachebot_node('stress');
stress('shmem');

on_memcached($node, 'stress', sub { stress('memcached') });

done_testing();

# One run of writers and readers against the server's current backend; the
# checks' names start with [BACKEND].
sub stress
{
	my ($backend) = @_;
	my $tag = "[$backend]";
	my $tmp = PostgreSQL::Test::Utils::tempdir("stress_$backend");
	note "stress ($backend): ${secs}s, $nwriters writer clients, $nreaders reader clients ($nsimple simple, $nprepared prepared), $nids ids";
	my $q = sub { query($node, $db, $_[0]) };

	# ---- setup ----
	my ($rc, $out, $err) = $node->psql('postgres',
		"SET client_min_messages = warning; DROP DATABASE IF EXISTS $db; CREATE DATABASE $db;");
	is($rc, 0, "$tag database $db created") or diag($err), return;
	($rc, $out, $err) = $node->psql($db, <<SQL);
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
	is($rc, 0, "$tag setup: tables, tracking, check functions") or diag($err), return;

	# Uncached per-id acknowledged maxima, as one array ordered by id.
	my $acks_sql = 'SELECT ARRAY['
	  . join(', ', map { "(SELECT coalesce(max(v), 0) FROM ack WHERE id = $_)" } 1 .. $nids)
	  . ']::bigint[] AS acked';

	# ---- writer scripts ----
	# Every writer locks rows in id order (no deadlocks; --max-tries retries any).
	my %scripts;
	$scripts{w_single} = <<'EOF';
\set id random(1, :nids)
UPDATE counter SET v = v + 1 WHERE id = :id RETURNING v \gset
INSERT INTO ack VALUES (:id, :v);
EOF
	$scripts{w_multirow} = <<'EOF';
\set a random(1, :nids)
\set b random(1, :nids)
WITH l AS (SELECT id FROM counter WHERE id IN (:a, :b) ORDER BY id FOR UPDATE),
     u AS (UPDATE counter c SET v = c.v + 1 FROM l WHERE c.id = l.id RETURNING c.id, c.v)
SELECT max(v) FILTER (WHERE id = :a) AS va, max(v) FILTER (WHERE id = :b) AS vb FROM u \gset
INSERT INTO ack VALUES (:a, :va), (:b, :vb);
EOF
	# w_all: an every-row update; the values acknowledged are read back
	# (uncached) after its commit.  They may include a later writer's commit
	# whose post-commit bump has not run yet: still a commit any later snapshot
	# sees, which a cached read must reflect too (its key is pending until then).
	$scripts{w_all} = <<'EOF';
BEGIN;
SELECT id FROM counter ORDER BY id FOR UPDATE;
UPDATE counter SET v = v + 1;
COMMIT;
SELECT array_agg(v ORDER BY id) AS now FROM counter \gset
INSERT INTO ack SELECT g, (':now'::bigint[])[g] FROM generate_series(1, :nids) g;
EOF
	$scripts{w_txn} = <<EOF;
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
	$scripts{w_rollback} = <<EOF;
\\set id random(1, :nids)
BEGIN;
UPDATE counter SET v = v + $bump WHERE id = :id;
SELECT /* cache */ v AS mine FROM counter WHERE id = :id \\gset
SELECT check_own(:id, :mine);
ROLLBACK;
EOF

	# ---- reader scripts ----
	$scripts{r_point} = <<'EOF';
\set id random(1, :nids)
SELECT coalesce(max(v), 0) AS acked FROM ack WHERE id = :id \gset
SELECT /* cache */ id AS got, v AS seen FROM counter WHERE id = :id \gset
SELECT check_one(:id, :got, :seen, :acked);
EOF
	$scripts{r_all} = <<EOF;
$acks_sql \\gset
SELECT /* cache */ array_agg(v ORDER BY id) AS seen FROM counter \\gset
SELECT check_all(':seen', ':acked');
EOF
	# prepared mode cannot quote variables; parameters are typed by check_all.
	$scripts{r_all_prep} = <<EOF;
$acks_sql \\gset
SELECT /* cache */ array_agg(v ORDER BY id) AS seen FROM counter \\gset
SELECT check_all(:seen, :acked);
EOF
	$scripts{r_do} = <<'EOF';
\set id random(1, :nids)
DO $$
DECLARE a bigint; g int; s bigint;
BEGIN
  SELECT coalesce(max(v), 0) INTO a FROM ack WHERE id = :id;
  SELECT /* cache */ id, v INTO g, s FROM counter WHERE id = :id;
  PERFORM check_one(:id, g, s, a);
END $$;
EOF
	for my $name (keys %scripts)
	{
		PostgreSQL::Test::Utils::append_to_file("$tmp/$name.sql", $scripts{$name});
	}

	# Sanity: the reads the test relies on are cacheable.
	for my $stmt (
		'SELECT /* cache */ id AS got, v AS seen FROM counter WHERE id = 1',
		'SELECT /* cache */ array_agg(v ORDER BY id) AS seen FROM counter')
	{
		my $c = $q->(
			"SELECT cacheable::text || ' ' || coalesce(reason, '') FROM cachebot.explain(\$q\$$stmt\$q\$)");
		like($c // '', qr/^true/, "$tag cacheable: $stmt");
	}

	ok(defined $q->('SELECT cachebot.reset_stats()'), "$tag statistics reset");

	# ---- run writers and readers simultaneously ----
	my @common = ('-n', '-T', $secs, '-D', "nids=$nids", '--max-tries=20',
		'--failures-detailed', '-h', $node->host, '-p', $node->port, $db);
	my @runs = (
		{
			name => 'writers',
			cmd => [
				'pgbench', @common, '-c', $nwriters, '-j', $nwriters, '-M', 'simple',
				'-f', "$tmp/w_single.sql\@10", '-f', "$tmp/w_multirow.sql\@4",
				'-f', "$tmp/w_txn.sql\@3", '-f', "$tmp/w_rollback.sql\@2",
				'-f', "$tmp/w_all.sql\@1"
			]
		});
	push @runs,
	  {
		name => 'readers (simple)',
		cmd => [
			'pgbench', @common, '-c', $nsimple, '-j', $nsimple, '-M', 'simple',
			'-f', "$tmp/r_point.sql\@6", '-f', "$tmp/r_all.sql\@2",
			'-f', "$tmp/r_do.sql\@2"
		]
	  }
	  if $nsimple > 0;
	push @runs,
	  {
		name => 'readers (prepared)',
		cmd => [
			'pgbench', @common, '-c', $nprepared, '-j', $nprepared, '-M', 'prepared',
			'-f', "$tmp/r_point.sql\@3", '-f', "$tmp/r_all_prep.sql\@1"
		]
	  }
	  if $nprepared > 0;
	for my $r (@runs)
	{
		$r->{out} = '';
		$r->{h} = IPC::Run::start($r->{cmd}, '<', \undef, '>&', \$r->{out},
			IPC::Run::timeout($secs + 180));
	}
	for my $r (@runs)
	{
		eval { $r->{h}->finish; };
		$r->{rc} = $@ ? -1 : $r->{h}->result(0);
		diag("$r->{name}: $@") if $@;
	}

	for my $r (@runs)
	{
		my $out = $r->{out};
		my ($tx) = $out =~ /^number of transactions actually processed: (\d+)/m;
		my ($failed) = $out =~ /^number of failed transactions: (\d+)/m;
		note "$r->{name}: " . ($tx // '?') . " transactions, exit $r->{rc}";
		ok($r->{rc} == 0 && $out !~ /aborted/,
			"$tag $r->{name}: pgbench exits 0, no client aborted (no violation)")
		  or diag(join("\n",
				grep { /aborted|ERROR|error|violation/ } split(/\n/, $out)));
		is($failed // 0, 0, "$tag $r->{name}: no failed transactions")
		  or diag(join("\n", grep { /fail|retr/i } split(/\n/, $out)));
	}

	# ---- after the run: cached == uncached == last acknowledged ----
	for my $i (1 .. $nids)
	{
		my $r2 = $q->("SELECT /* cache */ v FROM counter WHERE id = $i");
		my $r3 = $q->("SELECT /* cache */ v FROM counter WHERE id = $i");
		my $u = $q->("SELECT /* nocache */ v FROM counter WHERE id = $i");
		my $a = $q->("SELECT coalesce(max(v), 0) FROM ack WHERE id = $i");
		ok(defined $u && defined $r2 && $r2 eq $u,
			"$tag id $i after the run: a cached read equals the uncached value");
		ok(defined $u && defined $r3 && $r3 eq $u,
			"$tag id $i after the run: and so does the next cached read");
		ok(defined $u && defined $a && $u >= $a,
			"$tag id $i after the run: the value is not older than the last acknowledged one")
		  or diag('cached ' . ($r2 // 'error') . '/' . ($r3 // 'error')
			  . ', uncached ' . ($u // 'error') . ', acknowledged ' . ($a // 'error'));
	}

	# ---- the run must have exercised the cache ----
	my $stats = $q->(
		"SELECT hits, misses, fills, skips, invalidations, skips_by_reason FROM cachebot.stats") // '';
	my ($hits, $misses, $fills, $skips, $inval, $skipsj) = split(/\|/, $stats);
	my $checks = $q->("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM checks");
	my $own = $q->("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM own_checks");
	note "checks=" . ($checks // '?') . " own_write_checks=" . ($own // '?')
	  . " hits=" . ($hits // '?') . " misses=" . ($misses // '?') . " fills=" . ($fills // '?')
	  . " skips=" . ($skips // '?') . " invalidations=" . ($inval // '?');
	note "skips by reason: " . ($skipsj // '?');
	cmp_ok($hits // 0, '>', $min_hits, "$tag more than $min_hits hits (else the run proved nothing)");
	cmp_ok($inval // 0, '>', 0, "$tag invalidations happened (else the run proved nothing)");
	cmp_ok($checks // 0, '>', $min_hits, "$tag more than $min_hits freshness checks ran");

	$node->psql('postgres', "DROP DATABASE IF EXISTS $db");
	return;
}
