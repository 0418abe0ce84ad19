# What cachebot's TAP tests (test/t/*.pl) share: a throwaway cluster with
# cachebot preloaded, queries whose failure is reported instead of dying, and a
# throwaway memcached on a free loopback port with a small client for its text
# protocol, and a proxy in front of one that can hold back a commit's second
# bumps.
#
# The tests run under PGXS's prove_installcheck (make installcheck, make
# prove_installcheck): the clusters are initdb'd by PostgreSQL::Test::Cluster
# under tmp_check/, with the binaries of the PostgreSQL that PATH finds first;
# initdb refuses to run as root, so run them as an ordinary user.

package CachebotTAP;

use strict;
use warnings;

use Exporter 'import';
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

our @EXPORT = qw(cachebot_node query memcached_binary on_memcached);

# cachebot_node(NAME, SETTING => VALUE, ...): a started cluster with cachebot
# preloaded, the embedded store at 64MB, and the settings given (values are
# written as they are: quote strings).  Every statement is not logged (the
# stress test runs thousands a second).
sub cachebot_node
{
	my ($name, %settings) = @_;
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init;
	my %conf = (
		shared_preload_libraries => "'cachebot'",
		'cachebot.shmem_size' => '64MB',
		log_statement => 'none',
		synchronous_commit => 'off',
		full_page_writes => 'off',
		max_connections => 60,
		%settings);
	$node->append_conf('postgresql.conf',
		join('', map { "$_ = $conf{$_}\n" } sort keys %conf));
	$node->start;
	return $node;
}

# query(NODE, DB, SQL): SQL's output (psql -XAtq: rows one a line, columns
# separated by |) in a new session, or undef when psql fails (its stderr is
# shown with diag), so that the check using it fails under its own name.
sub query
{
	my ($node, $db, $sql) = @_;
	my ($rc, $out, $err) = $node->psql($db, $sql);
	if ($rc != 0)
	{
		diag("psql on $db failed (exit $rc): $sql\n$err");
		return undef;
	}
	return $out;
}

# on_memcached(NODE, NAME, CODE): restarts NODE on a memcached of its own
# (cachebot.backend = memcached) and runs CODE; skipped, and said so, where
# memcached is not installed (one skipped check stands for the whole run).
sub on_memcached
{
	my ($node, $name, $code) = @_;
  SKIP:
	{
		skip "memcached is not installed: the run against memcached is skipped", 1
		  unless memcached_binary();
		my $mc = CachebotTAP::Memcached->new($name);
		$node->append_conf('postgresql.conf',
			"cachebot.backend = 'memcached'\n"
			  . "cachebot.memcached_servers = '127.0.0.1:" . $mc->port . "'\n");
		$node->restart;
		is(query($node, 'postgres', 'SHOW cachebot.backend'), 'memcached',
			'the server runs cachebot.backend = memcached');
		$code->();
		$mc->stop;
	}
	return;
}

# The memcached binary, or undef when there is none.
sub memcached_binary
{
	for my $dir (split(/:/, $ENV{PATH} // ''), '/usr/bin', '/usr/sbin')
	{
		return "$dir/memcached" if $dir ne '' && -x "$dir/memcached";
	}
	return undef;
}

package CachebotTAP::Memcached;

use strict;
use warnings;

use IO::Select;
use IO::Socket::INET;
use POSIX ();
use Time::HiRes qw(usleep);

my @started;    # every memcached (and proxy) started here, stopped at exit

# new(NAME): starts memcached on 127.0.0.1 and a free port (128MB, items up to
# 8MB), as user memcache (or nobody) when run as root; dies if it does not
# answer.
sub new
{
	my ($class, $name) = @_;
	my $bin = CachebotTAP::memcached_binary()
	  or die "no memcached binary";
	my $self = bless {
		name => $name,
		bin => $bin,
		port => PostgreSQL::Test::Cluster::get_free_port(),
		log => "$PostgreSQL::Test::Utils::log_path/memcached_$name.log",
	}, $class;
	push @started, $self;
	$self->start;
	return $self;
}

sub port { return $_[0]->{port} }
sub pid  { return $_[0]->{pid} }

# Starts it again (empty) on the same port.
sub start
{
	my ($self) = @_;
	my @cmd = ($self->{bin}, '-l', '127.0.0.1', '-p', $self->{port},
		'-m', '128', '-I', '8m');
	push @cmd, '-u', (defined getpwnam('memcache') ? 'memcache' : 'nobody')
	  if $> == 0;
	my $pid = fork();
	die "fork: $!" unless defined $pid;
	if ($pid == 0)
	{
		open(STDIN, '<', '/dev/null');
		open(STDOUT, '>>', $self->{log});
		open(STDERR, '>&', \*STDOUT);
		exec(@cmd) or POSIX::_exit(127);
	}
	$self->{pid} = $pid;
	$self->wait_up
	  or die "memcached (@cmd) does not answer on 127.0.0.1:$self->{port}";
	return;
}

# kill -KILL, and wait until it is gone.
sub kill9
{
	my ($self) = @_;
	return unless $self->{pid};
	kill 'CONT', $self->{pid};
	kill 'KILL', $self->{pid};
	waitpid($self->{pid}, 0);
	$self->{pid} = undef;
	return;
}

# kill -STOP: the kernel still accepts connections, nothing answers.
sub pause  { my ($self) = @_; kill 'STOP', $self->{pid}; return; }
sub resume { my ($self) = @_; kill 'CONT', $self->{pid}; return; }

sub stop
{
	my ($self) = @_;
	return unless $self->{pid};
	kill 'CONT', $self->{pid};
	kill 'TERM', $self->{pid};
	waitpid($self->{pid}, 0);
	$self->{pid} = undef;
	return;
}

END
{
	my $rc = $?;
	$_->stop for @started;
	$? = $rc;
}

# cmd(TEXT, END_RE): sends TEXT and returns the reply's lines (without \r\n)
# up to the first that matches END_RE (2 s per line), or () when it cannot
# connect.
sub cmd
{
	my ($self, $text, $end) = @_;
	my $s = IO::Socket::INET->new(
		PeerAddr => '127.0.0.1',
		PeerPort => $self->{port},
		Timeout => 2) or return ();
	binmode $s;
	print $s $text;
	my @lines;
	while (defined(my $line = _getline($s, 2)))
	{
		$line =~ s/\r?\n\z//;
		push @lines, $line;
		last if $line =~ $end;
	}
	close $s;
	return @lines;
}

# a line from the socket, or undef after TIMEOUT seconds of silence
sub _getline
{
	my ($s, $timeout) = @_;
	my $sel = IO::Select->new($s);
	my $line = '';
	while (1)
	{
		return undef unless $sel->can_read($timeout);
		my $n = sysread($s, my $c, 1);
		return (length $line ? $line : undef) unless $n;
		$line .= $c;
		return $line if $c eq "\n";
	}
}

sub _read_exact
{
	my ($s, $len, $timeout) = @_;
	my $sel = IO::Select->new($s);
	my $buf = '';
	while (length $buf < $len)
	{
		return undef unless $sel->can_read($timeout);
		my $n = sysread($s, $buf, $len - length $buf, length $buf);
		return undef unless $n;
	}
	return $buf;
}

sub up
{
	my ($self) = @_;
	return scalar grep { /^VERSION/ } $self->cmd("version\r\n", qr/^(VERSION|ERROR)/);
}

sub wait_up
{
	my ($self) = @_;
	for (1 .. 50)
	{
		return 1 if $self->up;
		usleep(100_000);
	}
	return 0;
}

# flush_all has a granularity of one second: wait it out.
sub flush_all
{
	my ($self) = @_;
	$self->cmd("flush_all\r\n", qr/^(OK|ERROR)/);
	usleep(1_100_000);
	return;
}

# list_keys(PREFIX, MIN): the keys held whose name starts with PREFIX (cbe: entries,
# cbv: version records, cbx: the epoch), sorted, listed by the LRU crawler; it
# answers BUSY while a previous dump runs and may miss an item stored an
# instant ago, so wait until MIN are listed (3 s at most).
sub list_keys
{
	my ($self, $prefix, $min) = @_;
	$min //= 0;
	my @keys;
	for (1 .. 30)
	{
		my @out = $self->cmd("lru_crawler metadump all\r\n",
			qr/^(END|ERROR|BUSY|CLIENT_ERROR)/);
		if (@out && $out[-1] eq 'END')
		{
			@keys = sort map { /key=(\Q$prefix\E[0-9a-f]*)/ ? ($1) : () } @out;
			last if @keys >= $min;
		}
		usleep(100_000);
	}
	return @keys;
}

# has(KEY): memcached holds KEY (meta get, no value).
sub has
{
	my ($self, $key) = @_;
	return scalar grep { /^HD/ }
	  $self->cmd("mg $key\r\n", qr/^(HD|EN|ERROR|CLIENT_ERROR)/);
}

# get(KEY): its value (bytes), or undef.
sub get
{
	my ($self, $key) = @_;
	my $s = IO::Socket::INET->new(
		PeerAddr => '127.0.0.1',
		PeerPort => $self->{port},
		Timeout => 2) or return undef;
	binmode $s;
	print $s "get $key\r\n";
	my $head = _getline($s, 2) // return undef;
	return undef unless $head =~ /^VALUE \S+ \d+ (\d+)/;
	my $data = _read_exact($s, $1 + 2, 2);
	close $s;
	return defined $data ? substr($data, 0, -2) : undef;
}

# set(KEY, DATA): stores DATA (bytes) under KEY; true when STORED.
sub set
{
	my ($self, $key, $data) = @_;
	return scalar grep { /^STORED/ } $self->cmd(
		"set $key 0 0 " . length($data) . "\r\n$data\r\n",
		qr/^(STORED|NOT_STORED|ERROR|CLIENT_ERROR|SERVER_ERROR)/);
}


package CachebotTAP::SettleProxy;

# A TCP proxy in front of a memcached that can hold back a commit's second
# bumps: binary-protocol INCREMENT requests by 1 (a pre-commit mark adds
# 2^32, a lookup's record creation 0). While held, a connection that sent
# one forwards nothing more to memcached; release() lets it all through,
# drop() closes the held connections, their requests never delivered.
# Replies are never held. It can also swallow pre-commit marks: never
# forwarded, never answered. It runs in a child process, told what to do by
# files in its own directory.

use strict;
use warnings;

use File::Path qw(make_path);
use IO::Select;
use IO::Socket::INET;
use POSIX ();
use Socket qw(IPPROTO_TCP TCP_NODELAY);
use Time::HiRes qw(usleep);

# new(NAME, UPSTREAM_PORT): a proxy on 127.0.0.1 and a free port.
sub new
{
	my ($class, $name, $upstream) = @_;
	my $dir = "$PostgreSQL::Test::Utils::tmp_check/settle_proxy_$name";
	make_path($dir);
	unlink("$dir/hold", "$dir/drop", "$dir/held");
	my $listen = IO::Socket::INET->new(
		LocalAddr => '127.0.0.1',
		LocalPort => 0,
		Listen => 64,
		ReuseAddr => 1) or die "cannot listen: $!";
	my $self = bless { dir => $dir, port => $listen->sockport }, $class;
	my $pid = fork();
	die "fork: $!" unless defined $pid;
	if ($pid == 0)
	{
		$SIG{PIPE} = 'IGNORE';    # a peer gone: its socket is closed below
		# (never back into the test: its END blocks would stop the servers)
		eval { _serve($listen, $upstream, $dir); };
		print STDERR "settle proxy: $@" if $@;
		POSIX::_exit(0);
	}
	close($listen);
	$self->{pid} = $pid;
	push @started, $self;
	return $self;
}

sub port { return $_[0]->{port} }

sub _touch { my ($f) = @_; open(my $fh, '>', $f) or die "$f: $!"; close($fh); return; }

# Holds every settle sent from now on.
sub hold { my ($self) = @_; _touch("$self->{dir}/hold"); return; }

# Lets the held connections' requests through, and holds no more.
sub release { my ($self) = @_; unlink("$self->{dir}/hold"); return; }

# Closes the held connections, without sending what they hold, and holds no
# more; returns once done (true), or after 10 s (false).
sub drop
{
	my ($self) = @_;
	_touch("$self->{dir}/drop");
	unlink("$self->{dir}/hold");
	for (1 .. 1000) { return 1 unless -e "$self->{dir}/drop"; usleep(10_000); }
	return 0;
}

# Swallows every pre-commit mark sent from now on (ON true), or no more.
sub swallow_marks
{
	my ($self, $on) = @_;
	if ($on) { _touch("$self->{dir}/swallow"); }
	else { unlink("$self->{dir}/swallow"); }
	return;
}

# A count the proxy keeps in its directory (0 before the first).
sub _count
{
	my ($self, $name) = @_;
	open(my $fh, '<', "$self->{dir}/$name") or return 0;
	my $n = <$fh>;
	close($fh);
	return $n // 0;
}

# How many settles it has seen so far (held or not), and held so far.
sub settles_seen { return $_[0]->_count('settles'); }
sub held { return $_[0]->_count('held'); }

# waits up to 10 s for held() to reach N
sub wait_held
{
	my ($self, $n) = @_;
	for (1 .. 1000) { return 1 if $self->held >= $n; usleep(10_000); }
	return 0;
}

# (stopped as a memcached is, and with them at exit)
sub stop { return CachebotTAP::Memcached::stop(@_); }

sub _write_all
{
	my ($sock, $data) = @_;
	while (length $data)
	{
		my $n = syswrite($sock, $data);
		return 0 unless $n;
		substr($data, 0, $n) = '';
	}
	return 1;
}

sub _serve
{
	my ($listen, $upstream, $dir) = @_;
	my $sel = IO::Select->new($listen);
	my %conn;    # a client's or memcached's socket (as a string) => its pair
	my $nheld = 0;
	my $nsettles = 0;
	my $count = sub {
		my ($file, $n) = @_;
		if (open(my $fh, '>', "$dir/$file.tmp"))
		{
			print $fh $n;
			close($fh);
			rename("$dir/$file.tmp", "$dir/$file");
		}
	};

	my $close = sub {
		my ($p) = @_;
		for my $s ($p->{client}, $p->{server})
		{
			$sel->remove($s);
			delete $conn{$s};
			close($s);
		}
	};
	while (1)
	{
		my $holding = -e "$dir/hold";
		my $dropping = -e "$dir/drop";
		my $swallowing = -e "$dir/swallow";
		# (copies of the references: closing a pair deletes from %conn;
		# each pair is there twice, once for each of its sockets)
		my %seen;
		my @held_pairs = grep { defined $_->{held} && !$seen{$_}++ } map { $_ } values %conn;
		for my $p (@held_pairs)
		{
			if ($dropping) { $close->($p); }
			elsif (!$holding)
			{
				_write_all($p->{server}, $p->{held});
				$p->{held} = undef;
			}
		}
		unlink("$dir/drop") if $dropping;
		for my $s ($sel->can_read(0.005))
		{
			if ($s == $listen)
			{
				my $c = $listen->accept or next;
				my $u = IO::Socket::INET->new(
					PeerAddr => '127.0.0.1',
					PeerPort => $upstream) or do { close($c); next; };
				# (as its clients do: no Nagle delay on a request in two writes)
				setsockopt($_, IPPROTO_TCP, TCP_NODELAY, 1) for ($c, $u);
				my $p = { client => $c, server => $u, buf => '', held => undef };
				$conn{$c} = $p;
				$conn{$u} = $p;
				$sel->add($c, $u);
				next;
			}
			my $p = $conn{$s} or next;
			my $n = sysread($s, my $buf, 65536);
			if (!$n) { $close->($p); next; }
			if ($s == $p->{server})
			{
				_write_all($p->{client}, $buf);    # a reply: never held
				next;
			}
			$p->{buf} .= $buf;
			# whole binary requests: a 24-byte header, then its body
			while (length($p->{buf}) >= 24)
			{
				my $total = 24 + unpack('N', substr($p->{buf}, 8, 4));
				last if length($p->{buf}) < $total;
				my $req = substr($p->{buf}, 0, $total, '');
				my ($magic, $op, $extlen) = unpack('C C x2 C', $req);
				my $is_settle = $magic == 0x80 && $op == 0x05 && $extlen >= 8
				  && substr($req, 24, 8) eq pack('N N', 0, 1);
				$count->('settles', ++$nsettles) if $is_settle;
				if (!defined $p->{held} && $holding && $is_settle)
				{
					$p->{held} = '';
					$count->('held', ++$nheld);
				}
				next if $swallowing && $magic == 0x80 && $op == 0x05 && $extlen >= 8
				  && substr($req, 24, 8) eq pack('N N', 1, 0);
				if (defined $p->{held}) { $p->{held} .= $req; }
				else { _write_all($p->{server}, $req); }
			}
		}
	}
}

1;
