/*
 * memcached_wire.c
 *		Pipelined counter increments for the memcached store.
 *
 * libmemcached writes every increment to the socket on its own, replies or
 * not, so a commit that bumps ten records made ten sends before it could ask
 * for one confirmation. Here a batch goes out as one write per server:
 * binary-protocol INCREMENT requests back to back. Each reply carries the
 * record's new value, which is at once the confirmation that the increment
 * was applied and the gen a writer publishes for its mark. One round trip
 * per server for up to CHUNK records.
 *
 * The connections are this module's own, one per server, separate from
 * libmemcached's: nothing here can leave a reply on a connection the store's
 * reads use. They are opened only by prepare(), before a commit; the
 * increments after a commit use what is open and fail where nothing is.
 * Replies are read in order; any reply that is not the expected success
 * (a record that is not a number, a short read, a timeout) fails the batch
 * and closes every connection, since replies may be left unread on them.
 *
 * Every socket wait is bounded by the caller's timeout (SO_SNDTIMEO,
 * SO_RCVTIMEO, a polled connect). Batches are cut into chunks so that the
 * replies to one chunk always fit in the socket buffers: a server never has
 * to stop reading requests because its replies are not being read.
 *
 * A batch of one chunk may be sent without waiting for its replies (a
 * commit's second bumps: the COMMIT need not wait a round trip for them).
 * They stay in the socket until collect() reads them, which the store does
 * before the connections' next use; nothing else is sent on them meanwhile,
 * so the replies read are always that batch's. Their few bytes a server
 * (at most CHUNK replies of 32 bytes) always fit in the socket buffers.
 */
#include "postgres.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "memcached_wire.h"
#include "utils/memutils.h"

#define CHUNK			MCWIRE_UNAWAITED_MAX	/* increments per round trip */
#define MAX_KEY			250		/* memcached's key limit */
#define HEADER			24
#define INCR_EXTRAS		20		/* delta, initial, expiration */
#define OP_INCREMENT	0x05
#define MAGIC_REQUEST	0x80
#define MAGIC_RESPONSE	0x81
#define RECV_SIZE		(64 * 1024)

static int *conns = NULL;		/* a socket per server, -1 if none */
static char **conn_hosts = NULL;	/* whom each socket reaches */
static int *conn_ports = NULL;
static int *conn_counts = NULL;	/* a chunk's requests per server */
static int	nconns = 0;

static char *sendbuf = NULL;	/* one chunk's requests to one server */
static char *recvbuf = NULL;

/* The chunk in flight: each increment's server, and what its reply said. */
static int	chunk_server[CHUNK];
static uint64 chunk_value[CHUNK];
static bool chunk_done[CHUNK];

/* Increments of the last chunk sent whose replies are still unread: 0 none. */
static int	unread_n = 0;

static void
put16(char *p, uint16 v)
{
	p[0] = (char) (v >> 8);
	p[1] = (char) v;
}

static void
put32(char *p, uint32 v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (char) (v >> (24 - 8 * i));
}

static void
put64(char *p, uint64 v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (char) (v >> (56 - 8 * i));
}

static uint64
get_be(const char *p, int bytes)
{
	uint64		v = 0;

	for (int i = 0; i < bytes; i++)
		v = (v << 8) | (unsigned char) p[i];
	return v;
}

static void
close_conn(int i)
{
	if (conns[i] >= 0)
		close(conns[i]);
	conns[i] = -1;
}

void
cachebot_mcwire_close(void)
{
	for (int i = 0; i < nconns; i++)
		close_conn(i);
}

/* A connected, blocking socket with bounded waits, or -1. */
static int
connect_to(const char *host, int port, int timeout_ms)
{
	struct addrinfo hints;
	struct addrinfo *addrs;
	char		portstr[16];
	int			fd = -1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(portstr, sizeof(portstr), "%d", port);
	if (getaddrinfo(host, portstr, &hints, &addrs) != 0)
		return -1;
	for (struct addrinfo *ai = addrs; ai != NULL && fd < 0; ai = ai->ai_next)
	{
		struct pollfd pfd;
		int			err = 0;
		socklen_t	errlen = sizeof(err);
		int			one = 1;
		struct timeval tv;
		int			rc;

		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
					ai->ai_protocol);
		if (fd < 0)
			continue;
		rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
		if (rc < 0 && errno == EINPROGRESS)
		{
			pfd.fd = fd;
			pfd.events = POLLOUT;
			do
				rc = poll(&pfd, 1, timeout_ms);
			while (rc < 0 && errno == EINTR);
			if (rc == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &errlen) == 0 && err == 0)
				rc = 0;
			else
				rc = -1;
		}
		tv.tv_sec = timeout_ms / 1000;
		tv.tv_usec = (timeout_ms % 1000) * 1000;
		if (rc < 0 ||
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0 ||
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0 ||
			setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
			setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		{
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(addrs);
	return fd;
}

bool
cachebot_mcwire_prepare(int nservers, const McWireServer *servers, int timeout_ms)
{
	/* the store collects first: nothing else may be read from them before */
	if (unread_n > 0)
		return false;
	if (sendbuf == NULL)
	{
		sendbuf = MemoryContextAlloc(TopMemoryContext,
									 CHUNK * (HEADER + INCR_EXTRAS + MAX_KEY));
		recvbuf = MemoryContextAlloc(TopMemoryContext, RECV_SIZE);
	}
	if (nservers != nconns)
	{
		cachebot_mcwire_close();
		if (conns)
		{
			for (int i = 0; i < nconns; i++)
				if (conn_hosts[i])
					pfree(conn_hosts[i]);
			pfree(conns);
			pfree(conn_hosts);
			pfree(conn_ports);
			pfree(conn_counts);
		}
		conns = MemoryContextAlloc(TopMemoryContext, Max(nservers, 1) * sizeof(int));
		conn_hosts = MemoryContextAllocZero(TopMemoryContext, Max(nservers, 1) * sizeof(char *));
		conn_ports = MemoryContextAllocZero(TopMemoryContext, Max(nservers, 1) * sizeof(int));
		conn_counts = MemoryContextAllocZero(TopMemoryContext, Max(nservers, 1) * sizeof(int));
		for (int i = 0; i < nservers; i++)
			conns[i] = -1;
		nconns = nservers;
	}
	for (int i = 0; i < nservers; i++)
	{
		/* a server list changed under the same count: a new connection */
		if (conn_hosts[i] == NULL || strcmp(conn_hosts[i], servers[i].host) != 0 ||
			conn_ports[i] != servers[i].port)
		{
			close_conn(i);
			if (conn_hosts[i])
				pfree(conn_hosts[i]);
			conn_hosts[i] = MemoryContextStrdup(TopMemoryContext, servers[i].host);
			conn_ports[i] = servers[i].port;
		}
		if (conns[i] < 0)
			conns[i] = connect_to(servers[i].host, servers[i].port, timeout_ms);
		if (conns[i] < 0)
			return false;
	}
	return true;
}

static bool
send_all(int fd, const char *buf, size_t len)
{
	while (len > 0)
	{
		ssize_t		sent = send(fd, buf, len, MSG_NOSIGNAL);

		if (sent < 0 && errno == EINTR)
			continue;
		if (sent <= 0)
			return false;
		buf += sent;
		len -= sent;
	}
	return true;
}

/* Reads until recvbuf holds at least want bytes (*have so far). */
static bool
recv_at_least(int fd, size_t *have, size_t want)
{
	while (*have < want)
	{
		ssize_t		got = recv(fd, recvbuf + *have, RECV_SIZE - *have, 0);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return false;
		*have += got;
	}
	return true;
}

/*
 * Writes the requests of incs[from..to) that go to server s; how many. The
 * opaque field of each names its place in the chunk.
 */
static int
send_chunk(McWireIncrement *incs, int from, int to, int s, uint64 delta)
{
	char	   *p = sendbuf;
	int			count = 0;

	for (int i = from; i < to; i++)
	{
		if (incs[i].server != s)
			continue;
		memset(p, 0, HEADER);
		p[0] = (char) MAGIC_REQUEST;
		p[1] = OP_INCREMENT;
		put16(p + 2, (uint16) incs[i].keylen);
		p[4] = INCR_EXTRAS;
		put32(p + 8, INCR_EXTRAS + incs[i].keylen);
		put32(p + 12, (uint32) (i - from));
		put64(p + HEADER, delta);
		put64(p + HEADER + 8, incs[i].initial);
		put32(p + HEADER + 16, 0);	/* no expiry: create if absent */
		memcpy(p + HEADER + INCR_EXTRAS, incs[i].key, incs[i].keylen);
		p += HEADER + INCR_EXTRAS + incs[i].keylen;
		count++;
	}
	if (count > 0 && !send_all(conns[s], sendbuf, p - sendbuf))
		return -1;
	return count;
}

/*
 * Reads count replies from server s, in the order of the chunk's (nchunk)
 * increments that went to it: their values into chunk_value, chunk_done set
 * for each reply read.
 */
static bool
read_chunk(int nchunk, int s, int count)
{
	size_t		have = 0;
	int			next = 0;

	for (int r = 0; r < count; r++)
	{
		uint32		bodylen;
		size_t		packet;

		while (next < nchunk && chunk_server[next] != s)
			next++;
		if (next >= nchunk || !recv_at_least(conns[s], &have, HEADER))
			return false;
		bodylen = (uint32) get_be(recvbuf + 8, 4);
		if (bodylen > RECV_SIZE - HEADER)
			return false;
		packet = HEADER + bodylen;
		if (!recv_at_least(conns[s], &have, packet))
			return false;
		if ((unsigned char) recvbuf[0] != MAGIC_RESPONSE ||
			recvbuf[1] != OP_INCREMENT ||
			get_be(recvbuf + 6, 2) != 0 ||	/* status: success */
			get_be(recvbuf + 12, 4) != (uint32) next ||
			bodylen != 8 || recvbuf[4] != 0 || get_be(recvbuf + 2, 2) != 0)
			return false;
		chunk_value[next] = get_be(recvbuf + HEADER, 8);
		chunk_done[next] = true;
		next++;
		memmove(recvbuf, recvbuf + packet, have - packet);
		have -= packet;
	}
	return have == 0;
}

/*
 * Reads every server's replies to the chunk of nchunk increments: all of
 * them, a server failing or not, so that chunk_done tells which landed.
 */
static bool
read_replies(int nchunk)
{
	bool		ok = true;

	for (int s = 0; s < nconns; s++)
		if (conn_counts[s] > 0 &&
			(conns[s] < 0 || !read_chunk(nchunk, s, conn_counts[s])))
			ok = false;
	return ok;
}

bool
cachebot_mcwire_increment(McWireIncrement *incs, int n, uint64 delta, bool await_replies)
{
	for (int i = 0; i < n; i++)
		incs[i].sent = false;
	if (sendbuf == NULL || unread_n > 0)
		return false;
	for (int i = 0; i < n; i++)
		if (incs[i].server < 0 || incs[i].server >= nconns || conns[incs[i].server] < 0 ||
			incs[i].keylen <= 0 || incs[i].keylen > MAX_KEY)
			return false;
	if (n > CHUNK)
		await_replies = true;

	for (int from = 0; from < n; from += CHUNK)
	{
		int			to = Min(n, from + CHUNK);

		for (int i = from; i < to; i++)
		{
			chunk_server[i - from] = incs[i].server;
			chunk_done[i - from] = false;
		}
		/* every server's requests first, so that they work in parallel */
		for (int s = 0; s < nconns; s++)
		{
			for (int i = from; i < to; i++)
				incs[i].sent |= incs[i].server == s;
			if ((conn_counts[s] = send_chunk(incs, from, to, s, delta)) < 0)
				goto fail;
		}
		if (!await_replies)
		{
			unread_n = to - from;
			return true;
		}
		if (!read_replies(to - from))
			goto fail;
		for (int i = from; i < to; i++)
			incs[i].value = chunk_value[i - from];
	}
	return true;

fail:
	cachebot_mcwire_close();
	return false;
}

int
cachebot_mcwire_collect(bool *confirmed)
{
	int			n = unread_n;
	bool		ok;

	if (n == 0)
		return 0;
	ok = read_replies(n);
	unread_n = 0;
	for (int i = 0; i < n; i++)
		confirmed[i] = chunk_done[i];
	if (!ok)
		cachebot_mcwire_close();
	return n;
}
