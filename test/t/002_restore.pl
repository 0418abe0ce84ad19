# cachebot across pg_dump and pg_restore.
#
# A dump restored into another database (new OIDs, columns renumbered where
# one was dropped) keeps its tables tracked, by column name: precise keys,
# partitions through their root, options; its writes invalidate. A data-only
# restore with --disable-triggers leaves them tracked and ALWAYS-enabled. A
# restore under cachebot.auto_track installs each table's triggers once, the
# dumped ones.
#
# It runs against the embedded store, then against a throwaway memcached (when
# the memcached binary is installed).

use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";
use CachebotTAP;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = cachebot_node('restore');
restore('shmem');

on_memcached($node, 'restore', sub { restore('memcached') });

done_testing();

sub restore
{
	my ($backend) = @_;
	my $tag = "[$backend]";
	my ($src, $dst, $dst2) = qw(cachebot_dump_src cachebot_dump_dst cachebot_dump_data);
	my $dump = PostgreSQL::Test::Utils::tempdir("restore_$backend") . '/dump';
	my $q = sub { query($node, $_[0], $_[1]) // 'error' };

	for my $db ($src, $dst, $dst2, 'cachebot_dump_auto')
	{
		$node->psql('postgres',
			"SET client_min_messages = warning; DROP DATABASE IF EXISTS $db");
	}
	my ($rc, $out, $err) = $node->psql('postgres', "CREATE DATABASE $src");
	is($rc, 0, "$tag database $src created") or diag($err), return;
	($rc, $out, $err) = $node->psql($src, <<'SQL');
SET client_min_messages = warning;
CREATE EXTENSION cachebot;
CREATE TABLE photo (id int PRIMARY KEY, dropped_before int, user_id int, status int, title text);
CREATE INDEX ON photo (user_id);
ALTER TABLE photo DROP COLUMN dropped_before;
INSERT INTO photo SELECT g, g % 10, g % 3, 'photo ' || g FROM generate_series(1, 100) g;
SELECT cachebot.track('photo', columns => '{user_id,status}', cache_get => true);
CREATE TABLE event (day date, n int) PARTITION BY RANGE (day);
CREATE TABLE event_2024 PARTITION OF event FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE event_2025 PARTITION OF event FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
INSERT INTO event VALUES ('2024-05-01', 1), ('2025-05-01', 2);
SELECT cachebot.track('event');
SQL
	is($rc, 0, "$tag setup: tracked photo (a dropped column before user_id) and event (partitioned)")
	  or diag($err), return;
	my $want_keyed = $q->($src,
		"SELECT keyed_columns FROM cachebot.tracked_tables WHERE \"table\" = 'photo'::regclass");
	my $src_attnum = $q->($src,
		"SELECT attnum FROM pg_attribute WHERE attrelid = 'photo'::regclass AND attname = 'user_id'");

	$node->command_ok([ 'pg_dump', '-Fc', '-f', $dump, $src ], "$tag pg_dump exits 0");
	$node->psql('postgres', "CREATE DATABASE $dst");
	$node->command_ok([ 'pg_restore', '--exit-on-error', '-d', $dst, $dump ],
		"$tag pg_restore exits 0");

	my $dst_attnum = $q->($dst,
		"SELECT attnum FROM pg_attribute WHERE attrelid = 'photo'::regclass AND attname = 'user_id'");
	isnt($dst_attnum, $src_attnum,
		"$tag restored: columns renumbered ($src_attnum -> $dst_attnum), as a restore does");
	is($q->($dst, "SELECT keyed_columns FROM cachebot.tracked_tables WHERE \"table\" = 'photo'::regclass"),
		$want_keyed, "$tag restored: photo tracked, by the same keyed columns ($want_keyed)");
	is($q->($dst,
			"SELECT string_agg(tgenabled::text, '') FROM pg_trigger WHERE tgrelid = 'photo'::regclass AND tgname LIKE 'cachebot%'"),
		'AA', "$tag restored: its triggers enabled ALWAYS");
	is($q->($dst,
			"SELECT dependencies FROM cachebot.explain('SELECT /* cache */ title FROM photo WHERE user_id = 5')"),
		'{epoch,catalog,photo:generation,"photo.user_id = 5"}',
		"$tag restored: precise keys, by the renumbered column");
	is($q->($dst, "SELECT cacheable FROM cachebot.explain('SELECT title FROM photo WHERE id = 5')"),
		't', "$tag restored: the option cache_get still applies (a lookup by primary key, unhinted)");
	is($q->($dst, "SELECT cacheable FROM cachebot.explain('SELECT /* cache */ sum(n) FROM event_2025')"),
		't', "$tag restored: partitions are read through their root");

	# writes invalidate (a statement of its own per session: a new connection each)
	my $Q = 'SELECT /* cache */ title FROM photo WHERE user_id = 5 ORDER BY id LIMIT 1';
	$q->($dst, $Q);
	$q->($dst, $Q);
	my $before = $q->($dst, 'SELECT hits FROM cachebot.stats');
	$q->($dst, $Q);
	is($q->($dst, 'SELECT hits FROM cachebot.stats'), ($before =~ /^\d+$/ ? $before + 1 : 'one more hit'), "$tag restored: a cached read hits");
	$q->($dst, "UPDATE photo SET title = 'changed after restore' WHERE id = 5");
	is($q->($dst, $Q), 'changed after restore', "$tag restored: a write is seen by the next read");
	my $QE = 'SELECT /* cache */ sum(n) FROM event';
	$q->($dst, $QE);
	$q->($dst, $QE);
	$q->($dst, "INSERT INTO event_2025 VALUES ('2025-06-01', 40)");
	is($q->($dst, $QE), 43, "$tag restored: a write into a partition is seen by a read of the root");

	# data only, with --disable-triggers, into a database holding the schema
	$node->psql('postgres', "CREATE DATABASE $dst2");
	$node->command_ok([ 'pg_restore', '--exit-on-error', '--schema-only', '-d', $dst2, $dump ],
		"$tag schema-only pg_restore exits 0");
	$node->command_ok(
		[ 'pg_restore', '--exit-on-error', '--data-only', '--disable-triggers', '-d', $dst2, $dump ],
		"$tag data-only pg_restore exits 0");
	is($q->($dst2,
			"SELECT string_agg(tgenabled::text, '') FROM pg_trigger WHERE tgrelid = 'photo'::regclass AND tgname LIKE 'cachebot%'"),
		'AA', "$tag data-only restore: photo's triggers enabled ALWAYS again");
	is($q->($dst2, "SELECT cacheable FROM cachebot.explain('SELECT /* cache */ title FROM photo WHERE user_id = 5')"),
		't', "$tag data-only restore: photo tracked");
	is($q->($dst2, 'SELECT count(*) FROM photo'), 100, "$tag data-only restore: the rows are there");

	# a full restore into a database where cachebot.auto_track is on: each
	# table is tracked as it is created, then the dump's triggers replace
	# those, so the source's keyed columns and options win and no restore
	# step fails on a trigger that exists already
	my $dst3 = 'cachebot_dump_auto';
	$node->psql('postgres', "CREATE DATABASE $dst3");
	$node->psql('postgres', "ALTER DATABASE $dst3 SET cachebot.auto_track = on");
	$node->command_ok([ 'pg_restore', '--exit-on-error', '-d', $dst3, $dump ],
		"$tag pg_restore under auto_track exits 0");
	is($q->($dst3, "SELECT keyed_columns FROM cachebot.tracked_tables WHERE \"table\" = 'photo'::regclass"),
		$want_keyed, "$tag restored under auto_track: photo keyed as in the source ($want_keyed)");
	is($q->($dst3,
			"SELECT string_agg(tgname || ':' || tgenabled::text, ',' ORDER BY tgname) FROM pg_trigger WHERE tgrelid = 'photo'::regclass AND tgname LIKE 'cachebot%'"),
		'cachebot_invalidate:A,cachebot_truncate:A', "$tag restored under auto_track: one trigger of each, ALWAYS");
	is($q->($dst3, "SELECT cacheable FROM cachebot.explain('SELECT title FROM photo WHERE id = 5')"),
		't', "$tag restored under auto_track: the source's option cache_get applies");
	is($q->($dst3, "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'event_2025'::regclass AND tgname LIKE 'cachebot%'"),
		1, "$tag restored under auto_track: a partition carries one clone");

	for my $db ($src, $dst, $dst2, $dst3)
	{
		$node->psql('postgres', "DROP DATABASE IF EXISTS $db");
	}
	return;
}
