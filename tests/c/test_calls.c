/* The calls people reach for (SPEC §9) from C, over loopback: send_all (a large buffer to a
 * reader thread, and its one deadline), connect with a timeout (a full backlog gives
 * ETIMEDOUT), connect by host name, socket pairs, multicast membership and options, raw
 * getsockopt/setsockopt, detach and adopting a duplicate descriptor (who closes what,
 * checked with fcntl and the peer's end of stream), reverse lookup, and the option
 * constants by name. NULL and bad arguments give clear results and change nothing.
 * Every wait is bounded by a timeout; nothing sleeps. */
#define _DEFAULT_SOURCE /* NI_*, IP_MULTICAST_* and friends besides POSIX */
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <net/if.h>
#include <netdb.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define WAIT_SECS 5.0

/* Whether the message of `err` starts with `prefix`. */
static int message_starts(const sgss_error *err, const char *prefix) {
    return strncmp(err->message, prefix, strlen(prefix)) == 0;
}

static double now_secs(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A TCP listener on 127.0.0.1:0 with `backlog`, and its address. */
static sgss_socket *listener(int backlog, sgss_address **where) {
    sgss_socket *l = NULL;
    sgss_address *any = NULL;
    OK(sgss_socket_tcp(false, &l, NULL));
    OK(sgss_address_from_text("127.0.0.1:0", &any, NULL));
    OK(sgss_socket_bind(l, any, NULL));
    OK(sgss_socket_listen(l, backlog, NULL));
    OK(sgss_socket_set_recv_timeout(l, WAIT_SECS, NULL));
    OK(sgss_socket_local_address(l, where, NULL));
    sgss_address_free(any);
    return l;
}

/* A connected TCP pair over 127.0.0.1, both with receive timeouts. */
static void tcp_pair(sgss_socket **client, sgss_socket **server) {
    sgss_address *where = NULL;
    sgss_socket *l = listener(4, &where);
    OK(sgss_socket_tcp(false, client, NULL));
    OK(sgss_socket_connect_timeout(*client, where, WAIT_SECS, NULL));
    OK(sgss_socket_accept(l, server, NULL, NULL));
    OK(sgss_socket_set_recv_timeout(*client, WAIT_SECS, NULL));
    OK(sgss_socket_set_recv_timeout(*server, WAIT_SECS, NULL));
    sgss_address_free(where);
    sgss_socket_free(l);
}

/* ---- send_all ---- */

#define BIG (8u * 1024u * 1024u)

struct reader {
    sgss_socket *s;
    size_t total;
    int in_order; /* every byte is (its offset * 7) mod 251 */
    sgss_result last;
};

static unsigned char pattern(size_t i) { return (unsigned char)((i * 7u) % 251u); }

static void *read_all(void *arg) {
    struct reader *r = arg;
    static unsigned char buf[65536];
    r->in_order = 1;
    while (r->total < BIG) {
        size_t n = 0, i;
        r->last = sgss_socket_recv(r->s, buf, sizeof buf, 0, &n, NULL);
        if (r->last != SGSS_RESULT_OK)
            break;
        for (i = 0; i < n; i++)
            if (buf[i] != pattern(r->total + i))
                r->in_order = 0;
        r->total += n;
    }
    return NULL;
}

static void test_send_all(void) {
    sgss_socket *client = NULL, *server = NULL;
    struct reader r = {NULL, 0, 0, SGSS_RESULT_OK};
    unsigned char *big = malloc(BIG);
    pthread_t thread;
    sgss_error err;
    size_t i;

    CHECK(big != NULL);
    for (i = 0; i < BIG; i++)
        big[i] = pattern(i);
    tcp_pair(&client, &server);
    /* A small send buffer: send_all needs many sends while the reader empties it. */
    OK(sgss_socket_set_send_buffer_size(client, 16384, NULL));
    r.s = server;
    CHECK(pthread_create(&thread, NULL, read_all, &r) == 0);
    OK(sgss_socket_send_all(client, big, BIG, 0, &err));
    CHECK(pthread_join(thread, NULL) == 0);
    CHECK(r.total == BIG && r.in_order && r.last == SGSS_RESULT_OK);

    /* Nothing to send is a success that sends nothing, NULL buffer included. */
    OK(sgss_socket_send_all(client, NULL, 0, 0, NULL));
    NULLARG(sgss_socket_send_all(NULL, "x", 1, 0, &err));
    CHECK(message_starts(&err, "sgss_socket_send_all: ") && strstr(err.message, "socket"));
    NULLARG(sgss_socket_send_all(client, NULL, 1, 0, NULL));
    sgss_socket_free(client);
    sgss_socket_free(server);

    /* One deadline: the send timeout bounds the whole call when the peer never reads. */
    tcp_pair(&client, &server);
    OK(sgss_socket_set_send_buffer_size(client, 16384, NULL));
    OK(sgss_socket_set_recv_buffer_size(server, 16384, NULL));
    OK(sgss_socket_set_send_timeout(client, 0.3, NULL));
    {
        double started = now_secs(), took;
        EXPECT(SGSS_RESULT_WOULD_BLOCK, sgss_socket_send_all(client, big, BIG, 0, &err));
        took = now_secs() - started;
        CHECK(err.code == EAGAIN || err.code == EWOULDBLOCK);
        CHECK(strstr(err.message, "timed out") != NULL);
        CHECK(took >= 0.25 && took < 3.0);
    }
    sgss_socket_free(client);
    sgss_socket_free(server);

    /* Non-blocking and the peer does not read: WOULD_BLOCK as soon as the buffer is full. */
    tcp_pair(&client, &server);
    OK(sgss_socket_set_blocking(client, false, NULL));
    {
        double started = now_secs();
        EXPECT(SGSS_RESULT_WOULD_BLOCK, sgss_socket_send_all(client, big, BIG, 0, &err));
        CHECK(now_secs() - started < 3.0);
    }
    /* A broken connection: an OS error, never SIGPIPE. */
    sgss_socket_free(server);
    OK(sgss_socket_set_blocking(client, true, NULL));
    OK(sgss_socket_set_send_timeout(client, WAIT_SECS, NULL));
    {
        sgss_result got = SGSS_RESULT_OK;
        for (i = 0; i < 8 && got == SGSS_RESULT_OK; i++)
            got = sgss_socket_send_all(client, big, 65536, 0, &err);
        CHECK(got == SGSS_RESULT_OS_ERROR && (err.code == EPIPE || err.code == ECONNRESET));
    }
    OK(sgss_socket_close(client, NULL));
    EXPECT(SGSS_RESULT_CLOSED, sgss_socket_send_all(client, "x", 1, 0, &err));
    CHECK(err.code == EBADF);
    sgss_socket_free(client);
    free(big);
}

/* ---- connect with a timeout ---- */

#define QUEUED_MAX 64

static void test_connect_timeout(void) {
    sgss_address *where = NULL;
    sgss_socket *l = listener(0, &where);
    sgss_socket *queued[QUEUED_MAX] = {NULL};
    sgss_socket *c = NULL;
    sgss_error err;
    int n = 0, full = 0;
    bool blocking = false;

    /* Fill the listen(0) queue until a connect is not answered in time: ETIMEDOUT. */
    for (n = 0; n < QUEUED_MAX && !full; n++) {
        sgss_result got;
        OK(sgss_socket_tcp(false, &queued[n], NULL));
        got = sgss_socket_connect_timeout(queued[n], where, 0.2, &err);
        if (got == SGSS_RESULT_OK)
            continue;
        full = 1;
        if (got == SGSS_RESULT_OS_ERROR && err.code == ETIMEDOUT) {
            CHECK(strstr(err.message, "timed out") != NULL);
            /* The attempt is abandoned; the socket is as blocking as before. */
            OK(sgss_socket_get_blocking(queued[n], &blocking, NULL));
            CHECK(blocking);
        } else {
            printf("test_calls: skipped the full-backlog timeout: %s\n", err.message);
            full = 2;
        }
    }
    if (full == 1) {
        /* 0 does not wait: the queue is still full, so it is ETIMEDOUT at once. */
        double started = now_secs();
        OK(sgss_socket_tcp(false, &c, NULL));
        EXPECT(SGSS_RESULT_OS_ERROR, sgss_socket_connect_timeout(c, where, 0.0, &err));
        CHECK(err.code == ETIMEDOUT && now_secs() - started < 1.0);
        sgss_socket_free(c);
    } else if (full == 0) {
        printf("test_calls: skipped, %d connections did not fill a listen(0) backlog\n", n);
    }
    while (n > 0)
        sgss_socket_free(queued[--n]);

    /* Negative and NaN are invalid and try nothing; forever connects to a listener. */
    OK(sgss_socket_tcp(false, &c, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_socket_connect_timeout(c, where, -1.0, &err));
    CHECK(err.code == EINVAL);
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_socket_connect_timeout(c, where, NAN, NULL));
    {
        sgss_address *peer = NULL;
        EXPECT(SGSS_RESULT_OS_ERROR, sgss_socket_peer_address(c, &peer, &err));
        CHECK(err.code == ENOTCONN && peer == NULL);
    }
    NULLARG(sgss_socket_connect_timeout(NULL, where, 1.0, NULL));
    NULLARG(sgss_socket_connect_timeout(c, NULL, 1.0, &err));
    CHECK(message_starts(&err, "sgss_socket_connect_timeout: ") && strstr(err.message, "addr"));
    sgss_socket_free(c);
    sgss_socket_free(l);
    sgss_address_free(where);

    l = listener(4, &where);
    OK(sgss_socket_tcp(false, &c, NULL));
    OK(sgss_socket_connect_timeout(c, where, SGSS_WAIT_FOREVER, NULL));
    OK(sgss_socket_get_blocking(c, &blocking, NULL));
    CHECK(blocking);
    /* Connected: EISCONN (Linux first reports the finished non-blocking connect as 0). */
    if (sgss_socket_connect_timeout(c, where, 1.0, &err) == SGSS_RESULT_OK)
        sgss_socket_connect_timeout(c, where, 1.0, &err);
    CHECK(err.result == SGSS_RESULT_OS_ERROR && err.code == EISCONN);
    sgss_socket_free(c);
    sgss_socket_free(l);

    /* A port nobody listens on: refused, not a timeout. */
    {
        sgss_socket *bound = NULL;
        sgss_address *any = NULL, *nobody = NULL;
        OK(sgss_socket_tcp(false, &bound, NULL));
        OK(sgss_address_from_text("127.0.0.1:0", &any, NULL));
        OK(sgss_socket_bind(bound, any, NULL));
        OK(sgss_socket_local_address(bound, &nobody, NULL));
        OK(sgss_socket_tcp(false, &c, NULL));
        EXPECT(SGSS_RESULT_OS_ERROR, sgss_socket_connect_timeout(c, nobody, WAIT_SECS, &err));
        CHECK(err.code == ECONNREFUSED);
        sgss_socket_free(c);
        sgss_socket_free(bound);
        sgss_address_free(any);
        sgss_address_free(nobody);
    }
    sgss_address_free(where);
}

/* ---- connect by host name ---- */

static void test_connect_host(void) {
    sgss_address *where = NULL, *peer = NULL;
    sgss_socket *l = listener(8, &where), *c = NULL, *accepted = NULL;
    sgss_socket *untouched = (sgss_socket *)&where; /* any non-NULL marker */
    uint16_t port = 0;
    int32_t order = 1, family = 0, type = 0;
    bool blocking = false;
    double timeout = -1.0;
    sgss_error err;

    OK(sgss_address_port(where, &port, NULL));
    /* "localhost" may resolve to ::1 first (refused here), then 127.0.0.1: the race wins. */
    OK(sgss_socket_connect_host("localhost", port, WAIT_SECS, AF_UNSPEC, &c, &err));
    OK(sgss_socket_peer_address(c, &peer, NULL));
    OK(sgss_address_compare(peer, where, &order, NULL));
    CHECK(order == 0);
    OK(sgss_socket_kind(c, &family, &type, NULL));
    CHECK(family == AF_INET && type == SOCK_STREAM);
    OK(sgss_socket_get_blocking(c, &blocking, NULL));
    OK(sgss_socket_get_recv_timeout(c, &timeout, NULL));
    CHECK(blocking && timeout == 0.0);
    OK(sgss_socket_accept(l, &accepted, NULL, NULL));
    sgss_address_free(peer);
    sgss_socket_free(accepted);
    sgss_socket_free(c);

    c = NULL;
    OK(sgss_socket_connect_host("127.0.0.1", port, SGSS_WAIT_FOREVER, AF_INET, &c, NULL));
    CHECK(c != NULL);
    OK(sgss_socket_accept(l, &accepted, NULL, NULL));
    sgss_socket_free(accepted);
    sgss_socket_free(c);
    sgss_socket_free(l);

    /* Refused: the last error, naming the host and port; nothing written. */
    {
        sgss_socket *bound = NULL;
        sgss_address *any = NULL;
        char expected[64];
        OK(sgss_socket_tcp(false, &bound, NULL));
        OK(sgss_address_from_text("127.0.0.1:0", &any, NULL));
        OK(sgss_socket_bind(bound, any, NULL));
        sgss_address_free(where);
        OK(sgss_socket_local_address(bound, &where, NULL));
        OK(sgss_address_port(where, &port, NULL));
        c = untouched;
        EXPECT(SGSS_RESULT_OS_ERROR,
               sgss_socket_connect_host("localhost", port, WAIT_SECS, AF_INET, &c, &err));
        CHECK(err.code == ECONNREFUSED && c == untouched);
        snprintf(expected, sizeof expected, "localhost port %u", (unsigned)port);
        CHECK(strstr(err.message, expected) != NULL);
        sgss_socket_free(bound);
        sgss_address_free(any);
    }

    /* An unknown name: the resolver's error. */
    EXPECT(SGSS_RESULT_RESOLVER_ERROR,
           sgss_socket_connect_host("nonexistent.invalid", 80, WAIT_SECS, AF_UNSPEC, &c, &err));
    CHECK(c == untouched && err.code != 0 && strstr(err.message, "nonexistent.invalid"));

    /* Bad arguments: refused before any lookup. */
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT,
           sgss_socket_connect_host("localhost", port, WAIT_SECS, AF_UNIX, &c, &err));
    CHECK(err.code == EINVAL && c == untouched);
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT,
           sgss_socket_connect_host("localhost", port, -0.5, AF_UNSPEC, &c, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT,
           sgss_socket_connect_host("localhost", port, NAN, AF_UNSPEC, &c, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT,
           sgss_socket_connect_host("\xff\xfe", port, 1.0, AF_UNSPEC, &c, NULL));
    CHECK(c == untouched);
    NULLARG(sgss_socket_connect_host(NULL, port, 1.0, AF_UNSPEC, &c, &err));
    CHECK(strcmp(err.message, "sgss_socket_connect_host: argument host is NULL") == 0);
    NULLARG(sgss_socket_connect_host("localhost", port, 1.0, AF_UNSPEC, NULL, NULL));
    sgss_address_free(where);
}

/* ---- pairs ---- */

static void test_pairs(void) {
    sgss_socket *a = NULL, *b = NULL;
    int32_t family = 0, type = 0;
    char buf[16];
    size_t n = 0;
    sgss_error err;

    OK(sgss_socket_pair(SOCK_STREAM, &a, &b, NULL));
    OK(sgss_socket_kind(a, &family, &type, NULL));
    CHECK(family == AF_UNIX && type == SOCK_STREAM);
    OK(sgss_socket_set_recv_timeout(b, WAIT_SECS, NULL));
    OK(sgss_socket_send_all(a, "ping", 4, 0, NULL));
    OK(sgss_socket_recv(b, buf, sizeof buf, MSG_WAITALL, &n, NULL));
    CHECK(n == 4 && memcmp(buf, "ping", 4) == 0);
    OK(sgss_socket_set_recv_timeout(a, WAIT_SECS, NULL));
    OK(sgss_socket_send(b, "pong", 4, 0, &n, NULL));
    OK(sgss_socket_recv(a, buf, sizeof buf, MSG_WAITALL, &n, NULL));
    CHECK(n == 4 && memcmp(buf, "pong", 4) == 0);
    sgss_socket_free(a);
    EXPECT(SGSS_RESULT_PEER_CLOSED, sgss_socket_recv(b, buf, sizeof buf, 0, &n, NULL));
    sgss_socket_free(b);

    /* Datagrams keep their boundaries. */
    OK(sgss_socket_pair(SOCK_DGRAM, &a, &b, NULL));
    OK(sgss_socket_kind(b, &family, &type, NULL));
    CHECK(family == AF_UNIX && type == SOCK_DGRAM);
    OK(sgss_socket_set_recv_timeout(b, WAIT_SECS, NULL));
    OK(sgss_socket_send(a, "one", 3, 0, &n, NULL));
    OK(sgss_socket_send(a, "", 0, 0, &n, NULL));
    OK(sgss_socket_send(a, "three", 5, 0, &n, NULL));
    OK(sgss_socket_recv(b, buf, sizeof buf, 0, &n, NULL));
    CHECK(n == 3 && memcmp(buf, "one", 3) == 0);
    OK(sgss_socket_recv(b, buf, sizeof buf, 0, &n, NULL));
    CHECK(n == 0);
    OK(sgss_socket_recv(b, buf, sizeof buf, 0, &n, NULL));
    CHECK(n == 5 && memcmp(buf, "three", 5) == 0);
    sgss_socket_free(a);
    sgss_socket_free(b);

    /* Another type: refused, nothing written. */
    a = b = NULL;
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_socket_pair(12345, &a, &b, &err));
    CHECK(err.code == EINVAL && a == NULL && b == NULL && strstr(err.message, "SOCK_STREAM"));
    NULLARG(sgss_socket_pair(SOCK_STREAM, NULL, &b, NULL));
    NULLARG(sgss_socket_pair(SOCK_STREAM, &a, NULL, &err));
    CHECK(strstr(err.message, "out_b") != NULL && a == NULL && b == NULL);
}

/* ---- multicast ---- */

static void test_multicast_v4(void) {
    sgss_socket *u = NULL;
    sgss_address *group = NULL, *other = NULL, *v6group = NULL;
    uint32_t ttl = 0, iface = 99;
    bool loop = false;
    sgss_error err;
    sgss_result joined;

    OK(sgss_socket_udp(false, &u, NULL));
    OK(sgss_socket_get_multicast_ttl(u, &ttl, NULL));
    CHECK(ttl == 1);
    OK(sgss_socket_set_multicast_ttl(u, 4, NULL));
    OK(sgss_socket_get_multicast_ttl(u, &ttl, NULL));
    CHECK(ttl == 4);
    OK(sgss_socket_set_multicast_ttl(u, 0, NULL)); /* this host only */
    OK(sgss_socket_set_multicast_ttl(u, 4, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_socket_set_multicast_ttl(u, 256, &err));
    CHECK(err.code == EINVAL && strstr(err.message, "256"));
    OK(sgss_socket_get_multicast_ttl(u, &ttl, NULL));
    CHECK(ttl == 4);

    OK(sgss_socket_get_multicast_loop(u, &loop, NULL));
    CHECK(loop);
    OK(sgss_socket_set_multicast_loop(u, false, NULL));
    OK(sgss_socket_get_multicast_loop(u, &loop, NULL));
    CHECK(!loop);

    OK(sgss_socket_get_multicast_if(u, &iface, NULL));
    CHECK(iface == 0);
    OK(sgss_socket_set_multicast_if(u, 0x7f000001u, NULL));
    OK(sgss_socket_get_multicast_if(u, &iface, NULL));
    CHECK(iface == 0x7f000001u);
    OK(sgss_socket_set_multicast_if(u, 0, NULL));
    OK(sgss_socket_get_multicast_if(u, &iface, NULL));
    CHECK(iface == 0);

    /* Membership on the loopback interface (by its address). */
    OK(sgss_address_from_text("239.255.77.1:5000", &group, NULL));
    joined = sgss_socket_join_group(u, group, 0x7f000001u, &err);
    if (joined == SGSS_RESULT_OK) {
        EXPECT(SGSS_RESULT_OS_ERROR, sgss_socket_join_group(u, group, 0x7f000001u, &err));
        CHECK(err.code == EADDRINUSE);
        OK(sgss_socket_leave_group(u, group, 0x7f000001u, NULL));
        EXPECT(SGSS_RESULT_OS_ERROR, sgss_socket_leave_group(u, group, 0x7f000001u, &err));
        CHECK(err.code != 0);
        /* 0: the OS picks the interface (by the route to the group, which may be missing). */
        if (sgss_socket_join_group(u, group, 0, &err) == SGSS_RESULT_OK)
            OK(sgss_socket_leave_group(u, group, 0, NULL));
        else
            CHECK(err.result == SGSS_RESULT_OS_ERROR && err.code != 0);
    } else {
        CHECK(joined == SGSS_RESULT_OS_ERROR);
        printf("test_calls: skipped joining a group on lo: %s\n", err.message);
    }

    /* Not a multicast group, another family, not an IP address: refused before the OS. */
    OK(sgss_address_from_text("127.0.0.1:5000", &other, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_socket_join_group(u, other, 0, &err));
    CHECK(err.code == EINVAL && strstr(err.message, "not a multicast"));
    OK(sgss_address_from_text("[ff15::77]:5000", &v6group, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_socket_join_group(u, v6group, 0, &err));
    CHECK(strstr(err.message, "IPv6 group") != NULL);
    sgss_address_free(other);
    OK(sgss_address_from_host_text(AF_UNIX, "/tmp/sgss-not-a-group", 0, &other, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_socket_leave_group(u, other, 0, &err));
    CHECK(message_starts(&err, "sgss_socket_leave_group: argument group"));
    NULLARG(sgss_socket_join_group(NULL, group, 0, NULL));
    NULLARG(sgss_socket_join_group(u, NULL, 0, NULL));
    NULLARG(sgss_socket_leave_group(u, NULL, 0, NULL));
    NULLARG(sgss_socket_get_multicast_ttl(u, NULL, NULL));
    NULLARG(sgss_socket_get_multicast_loop(NULL, &loop, NULL));
    NULLARG(sgss_socket_get_multicast_if(u, NULL, NULL));
    NULLARG(sgss_socket_set_multicast_if(NULL, 0, NULL));

    OK(sgss_socket_close(u, NULL));
    EXPECT(SGSS_RESULT_CLOSED, sgss_socket_get_multicast_ttl(u, &ttl, &err));
    CHECK(err.code == EBADF);
    EXPECT(SGSS_RESULT_CLOSED, sgss_socket_join_group(u, group, 0, NULL));
    sgss_socket_free(u);
    sgss_address_free(group);
    sgss_address_free(other);
    sgss_address_free(v6group);

    /* A Unix socket has no multicast. */
    {
        sgss_socket *a = NULL, *b = NULL;
        OK(sgss_socket_pair(SOCK_DGRAM, &a, &b, NULL));
        EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_socket_get_multicast_ttl(a, &ttl, &err));
        CHECK(strstr(err.message, "AF_INET") != NULL);
        sgss_socket_free(a);
        sgss_socket_free(b);
    }
}

static void test_multicast_v6(void) {
    sgss_socket *u = NULL;
    sgss_address *group = NULL, *v4group = NULL;
    uint32_t hops = 0, iface = 99, lo = if_nametoindex("lo");
    bool loop = false;
    sgss_error err;
    sgss_result joined;

    OK(sgss_socket_udp(true, &u, NULL));
    OK(sgss_socket_set_multicast_ttl(u, 7, NULL));
    OK(sgss_socket_get_multicast_ttl(u, &hops, NULL));
    CHECK(hops == 7);
    OK(sgss_socket_set_multicast_loop(u, false, NULL));
    OK(sgss_socket_get_multicast_loop(u, &loop, NULL));
    CHECK(!loop);
    OK(sgss_socket_get_multicast_if(u, &iface, NULL));
    CHECK(iface == 0);
    if (lo != 0) {
        OK(sgss_socket_set_multicast_if(u, lo, NULL));
        OK(sgss_socket_get_multicast_if(u, &iface, NULL));
        CHECK(iface == lo);
    }
    /* No interface has this index. */
    EXPECT(SGSS_RESULT_OS_ERROR, sgss_socket_set_multicast_if(u, 0x7ffffff0u, &err));
    OK(sgss_address_from_text("[ff15::77]:5000", &group, NULL));
    joined = sgss_socket_join_group(u, group, lo, &err);
    if (joined == SGSS_RESULT_OK) {
        OK(sgss_socket_leave_group(u, group, lo, NULL));
    } else {
        CHECK(joined == SGSS_RESULT_OS_ERROR);
        printf("test_calls: skipped joining an IPv6 group on lo: %s\n", err.message);
    }
    OK(sgss_address_from_text("239.255.77.1:5000", &v4group, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_socket_join_group(u, v4group, 0, &err));
    CHECK(strstr(err.message, "IPv4 group") != NULL);
    sgss_address_free(group);
    sgss_address_free(v4group);
    sgss_socket_free(u);
}

/* ---- raw options ---- */

static void test_raw_options(void) {
    sgss_socket *client = NULL, *server = NULL;
    int32_t value = -1;
    size_t size = 0, len = 0;
    bool nodelay = false;
    double linger = 0.0;
    struct linger set_linger, got_linger;
    unsigned char bytes[2048];
    sgss_error err;

    tcp_pair(&client, &server);
    OK(sgss_socket_getsockopt_int(client, SOL_SOCKET, SO_TYPE, &value, NULL));
    CHECK(value == SOCK_STREAM);

    /* SO_RCVBUF: set raw, read back raw and through its own getter. */
    OK(sgss_socket_setsockopt_int(client, SOL_SOCKET, SO_RCVBUF, 65536, NULL));
    OK(sgss_socket_getsockopt_int(client, SOL_SOCKET, SO_RCVBUF, &value, NULL));
    OK(sgss_socket_get_recv_buffer_size(client, &size, NULL));
    CHECK(value >= 65536 && (size_t)value == size);

    /* TCP_NODELAY both ways. */
    OK(sgss_socket_setsockopt_int(client, IPPROTO_TCP, TCP_NODELAY, 1, NULL));
    OK(sgss_socket_get_nodelay(client, &nodelay, NULL));
    CHECK(nodelay);
    OK(sgss_socket_set_nodelay(client, false, NULL));
    OK(sgss_socket_getsockopt_int(client, IPPROTO_TCP, TCP_NODELAY, &value, NULL));
    CHECK(value == 0);

    /* A struct: SO_LINGER as bytes. */
    set_linger.l_onoff = 1;
    set_linger.l_linger = 3;
    OK(sgss_socket_setsockopt_bytes(client, SOL_SOCKET, SO_LINGER, &set_linger, sizeof set_linger, NULL));
    OK(sgss_socket_get_linger(client, &linger, NULL));
    CHECK(linger == 3.0);
    memset(&got_linger, 0, sizeof got_linger);
    OK(sgss_socket_getsockopt_bytes(client, SOL_SOCKET, SO_LINGER, &got_linger, sizeof got_linger, &len, NULL));
    CHECK(len == sizeof got_linger && got_linger.l_onoff != 0 && got_linger.l_linger == 3);
    /* A larger buffer gets the option's own size. */
    OK(sgss_socket_getsockopt_bytes(client, SOL_SOCKET, SO_LINGER, bytes, 1024, &len, NULL));
    CHECK(len == sizeof(struct linger));
    /* An int option as bytes. */
    OK(sgss_socket_getsockopt_bytes(client, SOL_SOCKET, SO_TYPE, bytes, sizeof(int), &len, NULL));
    CHECK(len == sizeof(int));
    memcpy(&value, bytes, sizeof value);
    CHECK(value == SOCK_STREAM);

    /* Levels and names the OS does not know: its error. */
    EXPECT(SGSS_RESULT_OS_ERROR, sgss_socket_getsockopt_int(client, 12345, SO_TYPE, &value, &err));
    CHECK(err.code == ENOPROTOOPT || err.code == EINVAL || err.code == EOPNOTSUPP);
    EXPECT(SGSS_RESULT_OS_ERROR, sgss_socket_getsockopt_int(client, SOL_SOCKET, 99999, &value, &err));
    CHECK(err.code == ENOPROTOOPT || err.code == EINVAL);
    EXPECT(SGSS_RESULT_OS_ERROR, sgss_socket_setsockopt_int(client, SOL_SOCKET, 99999, 1, &err));
    EXPECT(SGSS_RESULT_OS_ERROR,
           sgss_socket_setsockopt_bytes(client, SOL_SOCKET, SO_LINGER, bytes, 1, &err));

    /* Numbers that are not a C int: refused, never truncated, nothing set. */
    OK(sgss_socket_getsockopt_int(client, SOL_SOCKET, SO_RCVBUF, &value, NULL));
    {
        int32_t before = value;
        EXPECT(SGSS_RESULT_INVALID_ARGUMENT,
               sgss_socket_setsockopt_int(client, SOL_SOCKET, SO_RCVBUF, (INT64_C(1) << 32) + 100000, &err));
        CHECK(err.code == EINVAL && message_starts(&err, "sgss_socket_setsockopt_int: argument value"));
        EXPECT(SGSS_RESULT_INVALID_ARGUMENT,
               sgss_socket_setsockopt_int(client, (INT64_C(1) << 32) + SOL_SOCKET, SO_RCVBUF, 4096, &err));
        CHECK(message_starts(&err, "sgss_socket_setsockopt_int: argument level"));
        EXPECT(SGSS_RESULT_INVALID_ARGUMENT,
               sgss_socket_setsockopt_bytes(client, SOL_SOCKET, (INT64_C(1) << 32) + SO_RCVBUF, &value, sizeof value, &err));
        CHECK(message_starts(&err, "sgss_socket_setsockopt_bytes: argument name"));
        OK(sgss_socket_getsockopt_int(client, SOL_SOCKET, SO_RCVBUF, &value, NULL));
        CHECK(value == before);
    }
    value = 77;
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT,
           sgss_socket_getsockopt_int(client, INT64_C(-2147483649), SO_TYPE, &value, &err));
    CHECK(value == 77 && strstr(err.message, "-2147483649") != NULL);
    len = 77;
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT,
           sgss_socket_getsockopt_bytes(client, SOL_SOCKET, SO_TYPE, bytes, 0, &len, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT,
           sgss_socket_getsockopt_bytes(client, SOL_SOCKET, SO_TYPE, bytes, 1025, &len, &err));
    CHECK(len == 77 && strstr(err.message, "1024") != NULL);

    NULLARG(sgss_socket_getsockopt_int(NULL, SOL_SOCKET, SO_TYPE, &value, NULL));
    NULLARG(sgss_socket_getsockopt_int(client, SOL_SOCKET, SO_TYPE, NULL, &err));
    CHECK(strcmp(err.message, "sgss_socket_getsockopt_int: argument out_value is NULL") == 0);
    NULLARG(sgss_socket_setsockopt_int(NULL, SOL_SOCKET, SO_RCVBUF, 1, NULL));
    NULLARG(sgss_socket_getsockopt_bytes(client, SOL_SOCKET, SO_TYPE, NULL, 4, &len, NULL));
    NULLARG(sgss_socket_getsockopt_bytes(client, SOL_SOCKET, SO_TYPE, bytes, 4, NULL, NULL));
    NULLARG(sgss_socket_setsockopt_bytes(client, SOL_SOCKET, SO_LINGER, NULL, 8, NULL));

    OK(sgss_socket_close(client, NULL));
    EXPECT(SGSS_RESULT_CLOSED, sgss_socket_getsockopt_int(client, SOL_SOCKET, SO_TYPE, &value, &err));
    CHECK(err.code == EBADF);
    EXPECT(SGSS_RESULT_CLOSED, sgss_socket_setsockopt_bytes(client, SOL_SOCKET, SO_LINGER, &set_linger, sizeof set_linger, NULL));
    sgss_socket_free(client);
    sgss_socket_free(server);
}

/* ---- descriptors: detach and adopting a duplicate ---- */

static int is_open(int fd) { return fcntl(fd, F_GETFD) != -1; }

/* The identity of an open descriptor's file, to tell a reused number from the original. */
static int same_file(int a, int b) {
    struct stat sa, sb;
    return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

static void test_descriptors(void) {
    sgss_socket *client = NULL, *server = NULL, *dup = NULL, *untouched = NULL;
    sgss_poller *poller = NULL;
    int64_t fd = -1, dup_fd = -1, again = -1;
    int32_t family = 0, type = 0;
    size_t count = 9, n = 0;
    bool closed = false;
    char buf[16];
    int pipe_fds[2];
    sgss_error err;

    tcp_pair(&client, &server);
    OK(sgss_poller_new(&poller, NULL));
    OK(sgss_poller_add(poller, client, 1, true, false, NULL));

    /* detach: the descriptor is ours, open and close-on-exec; the handle is closed. */
    NULLARG(sgss_socket_detach(client, NULL, NULL));
    OK(sgss_socket_is_closed(client, &closed, NULL));
    CHECK(!closed);
    NULLARG(sgss_socket_detach(NULL, &fd, &err));
    CHECK(strcmp(err.message, "sgss_socket_detach: argument socket is NULL") == 0);
    OK(sgss_socket_detach(client, &fd, NULL));
    CHECK(fd >= 0 && is_open((int)fd) && (fcntl((int)fd, F_GETFD) & FD_CLOEXEC));
    OK(sgss_socket_is_closed(client, &closed, NULL));
    CHECK(closed);
    OK(sgss_poller_count(poller, &count, NULL)); /* it left the poller */
    CHECK(count == 0);
    EXPECT(SGSS_RESULT_CLOSED, sgss_socket_send(client, "x", 1, 0, &n, &err));
    CHECK(err.code == EBADF);
    again = -7;
    EXPECT(SGSS_RESULT_CLOSED, sgss_socket_detach(client, &again, &err));
    CHECK(err.code == EBADF && again == -7);
    /* Freeing the detached handle closes nothing (no double close). */
    sgss_socket_free(client);
    CHECK(is_open((int)fd));
    CHECK(send((int)fd, "abc", 3, 0) == 3);
    OK(sgss_socket_recv(server, buf, sizeof buf, MSG_WAITALL, &n, NULL));
    CHECK(n == 3 && memcmp(buf, "abc", 3) == 0);

    /* Adopt a duplicate: a new descriptor; the original stays ours and open. */
    OK(sgss_socket_from_descriptor_dup(fd, &dup, NULL));
    OK(sgss_socket_descriptor(dup, &dup_fd, NULL));
    CHECK(dup_fd != fd && same_file((int)fd, (int)dup_fd));
    CHECK(fcntl((int)dup_fd, F_GETFD) & FD_CLOEXEC);
    OK(sgss_socket_kind(dup, &family, &type, NULL));
    CHECK(family == AF_INET && type == SOCK_STREAM);
    OK(sgss_socket_send_all(dup, "de", 2, 0, NULL));
    sgss_socket_free(dup); /* closes the duplicate only */
    CHECK(is_open((int)fd));
    CHECK(!is_open((int)dup_fd) || !same_file((int)fd, (int)dup_fd));
    CHECK(send((int)fd, "f", 1, 0) == 1);
    OK(sgss_socket_recv(server, buf, 3, MSG_WAITALL, &n, NULL));
    CHECK(n == 3 && memcmp(buf, "def", 3) == 0);
    /* Our close is the last one: the peer sees the end of the stream. */
    CHECK(close((int)fd) == 0);
    EXPECT(SGSS_RESULT_PEER_CLOSED, sgss_socket_recv(server, buf, sizeof buf, 0, &n, NULL));

    /* Not a socket: ENOTSOCK naming the descriptor, which stays open. */
    CHECK(pipe(pipe_fds) == 0);
    EXPECT(SGSS_RESULT_OS_ERROR, sgss_socket_from_descriptor_dup(pipe_fds[0], &untouched, &err));
    CHECK(err.code == ENOTSOCK && untouched == NULL);
    {
        char number[32];
        snprintf(number, sizeof number, "descriptor %d", pipe_fds[0]);
        CHECK(strstr(err.message, number) != NULL);
    }
    CHECK(is_open(pipe_fds[0]) && write(pipe_fds[1], "x", 1) == 1);
    CHECK(read(pipe_fds[0], buf, 1) == 1);
    /* Not open: EBADF. */
    CHECK(close(pipe_fds[0]) == 0 && close(pipe_fds[1]) == 0);
    EXPECT(SGSS_RESULT_OS_ERROR, sgss_socket_from_descriptor_dup(pipe_fds[0], &untouched, &err));
    CHECK(err.code == EBADF && untouched == NULL);
    /* Out of range: refused, never truncated (2^32 + 0 is not descriptor 0). */
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_socket_from_descriptor_dup(-1, &untouched, &err));
    CHECK(message_starts(&err, "sgss_socket_from_descriptor_dup: ") && untouched == NULL);
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT,
           sgss_socket_from_descriptor_dup(INT64_C(1) << 32, &untouched, &err));
    CHECK(err.code == EINVAL && untouched == NULL);
    NULLARG(sgss_socket_from_descriptor_dup(0, NULL, NULL));

    sgss_socket_free(server);
    sgss_poller_free(poller);
}

/* ---- reverse lookup ---- */

static void test_reverse_lookup(void) {
    sgss_address *addr = NULL, *path = NULL;
    char host[256], serv[64], tiny[4];
    size_t host_len = 0, serv_len = 0;
    int numeric = NI_NUMERICHOST | NI_NUMERICSERV;
    sgss_error err;

    OK(sgss_address_from_text("127.0.0.1:80", &addr, NULL));
    OK(sgss_address_reverse_lookup(addr, numeric, host, sizeof host, &host_len, serv, sizeof serv, &serv_len, NULL));
    CHECK(strcmp(host, "127.0.0.1") == 0 && host_len == 9);
    CHECK(strcmp(serv, "80") == 0 && serv_len == 2);
    /* The host name from the hosts file (no DNS for 127.0.0.1 where it lists it). */
    OK(sgss_address_reverse_lookup(addr, NI_NUMERICSERV, host, sizeof host, &host_len, serv, sizeof serv, &serv_len, NULL));
    CHECK(host_len > 0 && strlen(host) == host_len && strcmp(serv, "80") == 0);

    /* Sizes only, then a buffer too small: the lengths, and an empty string. */
    OK(sgss_address_set_port(addr, 8080, NULL));
    EXPECT(SGSS_RESULT_BUFFER_TOO_SMALL,
           sgss_address_reverse_lookup(addr, numeric, NULL, 0, &host_len, NULL, 0, &serv_len, NULL));
    CHECK(host_len == 9 && serv_len == 4);
    memset(tiny, 'x', sizeof tiny);
    EXPECT(SGSS_RESULT_BUFFER_TOO_SMALL,
           sgss_address_reverse_lookup(addr, numeric, tiny, sizeof tiny, &host_len, serv, sizeof serv, &serv_len, &err));
    CHECK(tiny[0] == '\0' && host_len == 9 && strcmp(serv, "8080") == 0);
    EXPECT(SGSS_RESULT_BUFFER_TOO_SMALL,
           sgss_address_reverse_lookup(addr, numeric, host, sizeof host, &host_len, tiny, sizeof tiny, &serv_len, NULL));
    CHECK(tiny[0] == '\0' && serv_len == 4 && strcmp(host, "127.0.0.1") == 0);

    /* IPv6. */
    sgss_address_free(addr);
    OK(sgss_address_from_text("[::1]:443", &addr, NULL));
    OK(sgss_address_reverse_lookup(addr, numeric, host, sizeof host, &host_len, serv, sizeof serv, &serv_len, NULL));
    CHECK(strcmp(host, "::1") == 0 && strcmp(serv, "443") == 0);

    /* Not an IP address; NULL arguments named. */
    OK(sgss_address_from_host_text(AF_UNIX, "/tmp/sgss-reverse", 0, &path, NULL));
    host_len = 77;
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT,
           sgss_address_reverse_lookup(path, 0, host, sizeof host, &host_len, serv, sizeof serv, &serv_len, &err));
    CHECK(err.code == EINVAL && host_len == 77);
    NULLARG(sgss_address_reverse_lookup(NULL, 0, host, sizeof host, &host_len, serv, sizeof serv, &serv_len, NULL));
    NULLARG(sgss_address_reverse_lookup(addr, 0, host, sizeof host, &host_len, serv, sizeof serv, NULL, &err));
    CHECK(strcmp(err.message, "sgss_address_reverse_lookup: argument out_serv_len is NULL") == 0);
    NULLARG(sgss_address_reverse_lookup(addr, 0, NULL, 8, &host_len, serv, sizeof serv, &serv_len, &err));
    CHECK(strcmp(err.message, "sgss_address_reverse_lookup: argument host_buf is NULL") == 0);
    CHECK(host_len == 77);
    sgss_address_free(addr);
    sgss_address_free(path);
}

/* ---- constants ---- */

static void test_constants(void) {
    static const struct {
        const char *name;
        int value;
    } expected[] = {
        {"SOL_SOCKET", SOL_SOCKET},
        {"IPPROTO_IP", IPPROTO_IP},
        {"IPPROTO_IPV6", IPPROTO_IPV6},
        {"IPPROTO_TCP", IPPROTO_TCP},
        {"SO_RCVBUF", SO_RCVBUF},
        {"SO_SNDBUF", SO_SNDBUF},
        {"SO_REUSEADDR", SO_REUSEADDR},
        {"SO_KEEPALIVE", SO_KEEPALIVE},
        {"SO_LINGER", SO_LINGER},
        {"SO_TYPE", SO_TYPE},
        {"SO_ERROR", SO_ERROR},
        {"TCP_NODELAY", TCP_NODELAY},
        {"IP_TTL", IP_TTL},
        {"IP_MULTICAST_TTL", IP_MULTICAST_TTL},
        {"IP_MULTICAST_LOOP", IP_MULTICAST_LOOP},
        {"IP_MULTICAST_IF", IP_MULTICAST_IF},
        {"IP_ADD_MEMBERSHIP", IP_ADD_MEMBERSHIP},
        {"IPV6_V6ONLY", IPV6_V6ONLY},
        {"IPV6_MULTICAST_HOPS", IPV6_MULTICAST_HOPS},
        {"IPV6_MULTICAST_IF", IPV6_MULTICAST_IF},
        {"IPV6_JOIN_GROUP", IPV6_JOIN_GROUP},
        {"NI_NUMERICHOST", NI_NUMERICHOST},
        {"NI_NUMERICSERV", NI_NUMERICSERV},
        {"NI_NAMEREQD", NI_NAMEREQD},
        {"NI_DGRAM", NI_DGRAM},
        {"NI_NOFQDN", NI_NOFQDN},
    };
    size_t i, count = 0, len = 0, found = 0;
    int32_t value = 0;
    char name[64];

    for (i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        value = -12345;
        OK(sgss_constant_by_name(expected[i].name, &value, NULL));
        if (value != expected[i].value)
            fprintf(stderr, "%s is %d, the header says %d\n", expected[i].name, value, expected[i].value);
        CHECK(value == expected[i].value);
    }
    /* And they are in the enumeration. */
    OK(sgss_constant_count(&count, NULL));
    for (i = 0; i < count; i++) {
        OK(sgss_constant_at(i, name, sizeof name, &len, &value, NULL));
        if (strcmp(name, "SOL_SOCKET") == 0 || strcmp(name, "NI_NAMEREQD") == 0 ||
            strcmp(name, "TCP_NODELAY") == 0)
            found++;
    }
    CHECK(found == 3);
}

int main(void) {
    test_send_all();
    test_connect_timeout();
    test_connect_host();
    test_pairs();
    test_multicast_v4();
    test_multicast_v6();
    test_raw_options();
    test_descriptors();
    test_reverse_lookup();
    test_constants();
    return check_finish("test_calls");
}
