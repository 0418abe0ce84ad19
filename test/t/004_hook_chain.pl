# Hits run through the whole executor hook chain, whatever the order the
# libraries are loaded in.
#
# cachebot serves a hit by running a replay plan, so pg_stat_statements and
# auto_explain (log_analyze on: every statement instrumented) see the same
# statements, the same calls and rows, and the same hits, with cachebot's
# hooks outermost or innermost. (Before, a hit skipped every ExecutorRun and
# ExecutorFinish hook below cachebot's, and an instrumented run was never
# cached: with auto_explain outermost, nothing was.)

use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";
use CachebotTAP;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my %hits;
for my $order ('cachebot,pg_stat_statements,auto_explain',
	'pg_stat_statements,auto_explain,cachebot')
{
	my $tag = "[$order]";
	my $node = cachebot_node(
		(split /,/, $order)[0] eq 'cachebot' ? 'chain_inner' : 'chain_outer',
		shared_preload_libraries => "'$order'",
		'auto_explain.log_min_duration' => '0',
		'auto_explain.log_analyze' => 'on',
		'pg_stat_statements.track' => "'top'");
	my ($rc, $out, $err) = $node->psql('postgres', <<'SQL');
SET client_min_messages = warning;
CREATE EXTENSION cachebot;
CREATE EXTENSION pg_stat_statements;
CREATE TABLE chain (id int PRIMARY KEY, v text);
INSERT INTO chain SELECT g, 'v' || g FROM generate_series(1, 10) g;
SELECT cachebot.track('chain');
SQL
	is($rc, 0, "$tag setup") or diag($err);

	my $log_start = -s $node->logfile;
	($rc, $out, $err) = $node->psql('postgres', <<'SQL');
SELECT pg_stat_statements_reset();
SELECT cachebot.reset_stats();
SELECT /* cache */ v FROM chain WHERE id = 3;
SELECT /* cache */ v FROM chain WHERE id = 3;
SELECT /* cache */ v FROM chain WHERE id = 3;
PREPARE p AS SELECT /* cache */ v FROM chain WHERE id = 3;
EXECUTE p;
EXECUTE p;
SQL
	is($rc, 0, "$tag the statements run") or diag($err);
	my $rows = () = $out =~ /^v3$/mg;
	is($rows, 5, "$tag every run returns the row");

	# The prepared statement's text is the PREPARE's: another entry, one more fill.
	my $stats = query($node, 'postgres', 'SELECT hits, fills FROM cachebot.stats') // '';
	my ($hits, $fills) = split /\|/, $stats;
	is($fills, 2, "$tag two fills");
	is($hits, 3, "$tag every other run is a hit");
	$hits{$order} = $hits;

	is( query($node, 'postgres',
			"SELECT sum(calls) || '|' || sum(rows) FROM pg_stat_statements "
			  . "WHERE query LIKE '%cache%chain%' AND query NOT LIKE '%pg_stat_statements%'"),
		'5|5',
		"$tag pg_stat_statements counts every run and its row, hits included");

	my $log = slurp_file($node->logfile, $log_start);
	my $replays = () =
	  $log =~ /Custom Scan \(CachebotReplay\)[^\n]*\(actual [^\n]*rows=1 loops=1\)/g;
	is($replays, 3, "$tag auto_explain logs each hit's replay node, with its row");
	my $plans = () = $log =~ /Index Scan using chain_pkey on chain[^\n]*\(actual/g;
	is($plans, 2, "$tag and each fill's real plan, instrumented");
	$node->stop;
}
is($hits{'cachebot,pg_stat_statements,auto_explain'},
	$hits{'pg_stat_statements,auto_explain,cachebot'},
	'the same hits whatever the load order');

done_testing();
