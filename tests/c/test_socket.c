/* sgss_socket_*: TCP and UDP over loopback, every option, errors, NULL arguments and
 * use after close. Every wait is bounded by a receive timeout; nothing sleeps. */
#include <sys/socket.h>
#include <netinet/in.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <unistd.h>

#include "check.h"

#define WAIT_SECS 5.0

/* A socket bound to 127.0.0.1:0 (or [::1]:0), with a receive timeout. */
static sgss_socket *bound(bool tcp, bool ipv6) {
    sgss_socket *s = NULL;
    sgss_address *any = NULL;
    if (tcp)
        OK(sgss_socket_tcp(ipv6, &s, NULL));
    else
        OK(sgss_socket_udp(ipv6, &s, NULL));
    OK(sgss_socket_set_recv_timeout(s, WAIT_SECS, NULL));
    OK(sgss_address_from_host_text(ipv6 ? AF_INET6 : AF_INET, ipv6 ? "::1" : "127.0.0.1", 0, &any, NULL));
    OK(sgss_socket_bind(s, any, NULL));
    sgss_address_free(any);
    return s;
}

/* A connected TCP pair: client and the accepted server side. */
static void tcp_pair(bool ipv6, sgss_socket **client, sgss_socket **server) {
    sgss_socket *listener = bound(true, ipv6);
    sgss_address *where = NULL, *peer = NULL, *client_local = NULL;
    int32_t order = 1;

    OK(sgss_socket_listen(listener, 4, NULL));
    OK(sgss_socket_local_address(listener, &where, NULL));
    OK(sgss_socket_tcp(ipv6, client, NULL));
    OK(sgss_socket_set_recv_timeout(*client, WAIT_SECS, NULL));
    OK(sgss_socket_connect(*client, where, NULL));
    OK(sgss_socket_accept(listener, server, &peer, NULL));
    OK(sgss_socket_set_recv_timeout(*server, WAIT_SECS, NULL));
    OK(sgss_socket_local_address(*client, &client_local, NULL));
    OK(sgss_address_compare(peer, client_local, &order, NULL));
    CHECK(order == 0);
    sgss_address_free(peer);
    OK(sgss_socket_peer_address(*client, &peer, NULL));
    OK(sgss_address_compare(peer, where, &order, NULL));
    CHECK(order == 0);
    sgss_address_free(peer);
    sgss_address_free(client_local);
    sgss_address_free(where);
    sgss_socket_free(listener);
}

static void test_tcp(bool ipv6) {
    sgss_socket *client = NULL, *server = NULL;
    char buf[64];
    size_t n = 0;
    sgss_error err;

    tcp_pair(ipv6, &client, &server);
    OK(sgss_socket_send(client, "hello", 5, 0, &n, NULL));
    CHECK(n == 5);
    OK(sgss_socket_recv(server, buf, 3, MSG_PEEK, &n, NULL));
    CHECK(n == 3 && memcmp(buf, "hel", 3) == 0);
    OK(sgss_socket_recv(server, buf, sizeof buf, 0, &n, NULL));
    CHECK(n == 5 && memcmp(buf, "hello", 5) == 0);

    /* Orderly close: PEER_CLOSED, distinct from an error or a closed handle. */
    OK(sgss_socket_shutdown(client, SHUT_WR, NULL));
    n = 99;
    EXPECT(SGSS_RESULT_PEER_CLOSED, sgss_socket_recv(server, buf, sizeof buf, 0, &n, &err));
    CHECK(n == 0 && err.result == SGSS_RESULT_PEER_CLOSED && err.code == 0);
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_socket_shutdown(client, 42, &err));
    CHECK(err.code == EINVAL);

    /* The server side can still send the other way. */
    OK(sgss_socket_send(server, "bye", 3, 0, &n, NULL));
    OK(sgss_socket_recv(client, buf, sizeof buf, 0, &n, NULL));
    CHECK(n == 3 && memcmp(buf, "bye", 3) == 0);

    /* Writing to a connection the peer closed: EPIPE/ECONNRESET, never SIGPIPE. */
    sgss_socket_free(client);
    {
        int i;
        sgss_result r = SGSS_RESULT_OK;
        for (i = 0; i < 100 && r == SGSS_RESULT_OK; i++)
            r = sgss_socket_send(server, "x", 1, 0, &n, &err);
        CHECK(r == SGSS_RESULT_OS_ERROR);
        CHECK(err.code == EPIPE || err.code == ECONNRESET);
    }
    sgss_socket_free(server);
}

static void test_udp(void) {
    sgss_socket *a = bound(false, false), *b = bound(false, false);
    sgss_address *to = NULL, *from = NULL, *b_local = NULL;
    char buf[64];
    size_t n = 0;
    int32_t order = 1;
    sgss_error err;

    OK(sgss_socket_local_address(a, &to, NULL));
    OK(sgss_socket_local_address(b, &b_local, NULL));
    OK(sgss_address_from_u32(0, 0, &from, NULL));

    OK(sgss_socket_send_to(b, "ping", 4, 0, to, &n, NULL));
    CHECK(n == 4);
    OK(sgss_socket_recv_from(a, buf, sizeof buf, 0, from, &n, NULL));
    CHECK(n == 4 && memcmp(buf, "ping", 4) == 0);
    OK(sgss_address_compare(from, b_local, &order, NULL));
    CHECK(order == 0);

    /* An empty datagram is data of length 0, not the end of a stream. */
    OK(sgss_socket_send_to(b, NULL, 0, 0, to, &n, NULL));
    n = 99;
    OK(sgss_socket_recv(a, buf, sizeof buf, 0, &n, NULL));
    CHECK(n == 0);

    /* A datagram longer than the buffer is cut to it. */
    OK(sgss_socket_send_to(b, "0123456789", 10, 0, to, &n, NULL));
    OK(sgss_socket_recv_from(a, buf, 4, 0, NULL, &n, NULL));
    CHECK(n == 4 && memcmp(buf, "0123", 4) == 0);

    /* Straight into never-initialised heap memory (valgrind checks nothing reads it). */
    {
        char *heap = malloc(64);
        OK(sgss_socket_send_to(b, "heap", 4, 0, to, &n, NULL));
        OK(sgss_socket_recv_from(a, heap, 64, 0, from, &n, NULL));
        CHECK(n == 4 && memcmp(heap, "heap", 4) == 0);
        free(heap);
    }

    /* connect + send on UDP. */
    OK(sgss_socket_connect(b, to, NULL));
    OK(sgss_socket_send(b, "abc", 3, 0, &n, NULL));
    OK(sgss_socket_recv(a, buf, sizeof buf, 0, &n, NULL));
    CHECK(n == 3);

    /* Timeouts: nothing arrives, so the receive times out as WOULD_BLOCK. */
    OK(sgss_socket_set_recv_timeout(a, 0.05, NULL));
    EXPECT(SGSS_RESULT_WOULD_BLOCK, sgss_socket_recv(a, buf, sizeof buf, 0, &n, &err));
    CHECK(err.code == EAGAIN || err.code == EWOULDBLOCK);
    EXPECT(SGSS_RESULT_WOULD_BLOCK, sgss_socket_recv_from(a, buf, sizeof buf, 0, from, &n, NULL));

    /* Non-blocking: at once. */
    OK(sgss_socket_set_blocking(a, false, NULL));
    {
        bool blocking = true;
        OK(sgss_socket_get_blocking(a, &blocking, NULL));
        CHECK(!blocking);
    }
    EXPECT(SGSS_RESULT_WOULD_BLOCK, sgss_socket_recv(a, buf, sizeof buf, MSG_DONTWAIT, &n, NULL));
    OK(sgss_socket_set_blocking(a, true, NULL));

    /* sendto: message too long for UDP. */
    {
        static char big[70000];
        EXPECT(SGSS_RESULT_OS_ERROR, sgss_socket_send_to(b, big, sizeof big, 0, to, &n, &err));
        CHECK(err.code == EMSGSIZE);
    }

    sgss_address_free(to);
    sgss_address_free(from);
    sgss_address_free(b_local);
    sgss_socket_free(a);
    sgss_socket_free(b);
}

static void test_create_and_errors(void) {
    sgss_socket *s = NULL, *other = NULL;
    sgss_address *addr = NULL;
    int32_t family = 0, type = 0;
    int64_t fd = -1;
    bool closed = true;
    sgss_error err;

    OK(sgss_socket_new(AF_INET, SOCK_STREAM, 0, &s, NULL));
    OK(sgss_socket_kind(s, &family, &type, NULL));
    CHECK(family == AF_INET && type == SOCK_STREAM);
    OK(sgss_socket_descriptor(s, &fd, NULL));
    CHECK(fd >= 0);
    OK(sgss_socket_is_closed(s, &closed, NULL));
    CHECK(!closed);
    sgss_socket_free(s);

    s = NULL;
    EXPECT(SGSS_RESULT_OS_ERROR, sgss_socket_new(4242, SOCK_STREAM, 0, &s, &err));
    CHECK(s == NULL && err.code == EAFNOSUPPORT && strstr(err.message, "socket") != NULL);
    OK(sgss_socket_new(AF_INET6, SOCK_DGRAM, IPPROTO_UDP, &s, NULL));
    OK(sgss_socket_kind(s, &family, &type, NULL));
    CHECK(family == AF_INET6 && type == SOCK_DGRAM);
    OK(sgss_socket_bind_port(s, 0, NULL));
    /* Binding twice. */
    EXPECT(SGSS_RESULT_OS_ERROR, sgss_socket_bind_port(s, 0, &err));
    CHECK(err.code == EINVAL);
    /* listen on a datagram socket. */
    EXPECT(SGSS_RESULT_OS_ERROR, sgss_socket_listen(s, 1, &err));
    CHECK(err.code == EOPNOTSUPP);
    /* accept on a socket that is not listening. */
    EXPECT(SGSS_RESULT_OS_ERROR, sgss_socket_accept(s, &other, NULL, NULL));
    CHECK(other == NULL);
    /* not connected */
    EXPECT(SGSS_RESULT_OS_ERROR, sgss_socket_peer_address(s, &addr, &err));
    CHECK(err.code == ENOTCONN && addr == NULL);
    sgss_socket_free(s);

    OK(sgss_socket_new(AF_UNIX, SOCK_STREAM, 0, &s, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_socket_bind_port(s, 0, NULL));
    sgss_socket_free(s);

    /* Connection refused: a port nobody listens on any more. */
    s = bound(true, false);
    OK(sgss_socket_local_address(s, &addr, NULL));
    sgss_socket_free(s);
    OK(sgss_socket_tcp(false, &s, NULL));
    EXPECT(SGSS_RESULT_OS_ERROR, sgss_socket_connect(s, addr, &err));
    CHECK(err.code == ECONNREFUSED && strstr(err.message, "connect") != NULL);
    sgss_socket_free(s);
    sgss_address_free(addr);

    /* Accept with a timeout and nobody connecting. */
    s = bound(true, false);
    OK(sgss_socket_listen(s, 1, NULL));
    OK(sgss_socket_set_recv_timeout(s, 0.05, NULL));
    EXPECT(SGSS_RESULT_WOULD_BLOCK, sgss_socket_accept(s, &other, NULL, NULL));
    CHECK(other == NULL);
    sgss_socket_free(s);
}

/* Values the OS cannot hold are SGSS_RESULT_INVALID_ARGUMENT and change nothing: never
 * wrapped into another valid value (issue 11, items 11 and 12). */
static void test_option_ranges(sgss_socket *tcp, sgss_socket *udp) {
    size_t before = 0, size = 0;
    double secs = 0;
    uint32_t ttl = 0;
    sgss_error err;
    const size_t bad_sizes[] = {
        0,
        (size_t)INT_MAX + 1,
#if SIZE_MAX > 0xFFFFFFFFu
        (size_t)4294967296u + 100000, /* 2^32 + 100000 once became 200000 */
        (size_t)1 << 62,
#endif
        SIZE_MAX,
    };
    const double bad_lingers[] = {2147483648.0, 4294967296.0, 4611686018427387904.0, INFINITY, NAN};
    size_t i;

    OK(sgss_socket_get_recv_buffer_size(tcp, &before, NULL));
    for (i = 0; i < sizeof bad_sizes / sizeof bad_sizes[0]; i++) {
        EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_socket_set_recv_buffer_size(tcp, bad_sizes[i], &err));
        CHECK(err.code == EINVAL);
        EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_socket_set_send_buffer_size(tcp, bad_sizes[i], NULL));
    }
    OK(sgss_socket_get_recv_buffer_size(tcp, &size, NULL));
    CHECK(size == before);

    OK(sgss_socket_set_linger(tcp, 2, NULL));
    for (i = 0; i < sizeof bad_lingers / sizeof bad_lingers[0]; i++) {
        EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_socket_set_linger(tcp, bad_lingers[i], &err));
        CHECK(err.code == EINVAL);
    }
    OK(sgss_socket_get_linger(tcp, &secs, NULL));
    CHECK(secs == 2);
    /* A fraction rounds up: a lingering close never becomes a reset. */
    OK(sgss_socket_set_linger(tcp, 0.5, NULL));
    OK(sgss_socket_get_linger(tcp, &secs, NULL));
    CHECK(secs == 1);
    OK(sgss_socket_set_linger(tcp, -1, NULL));

    OK(sgss_socket_set_ttl(udp, 9, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_socket_set_ttl(udp, 0, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_socket_set_ttl(udp, 256, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_socket_set_ttl(udp, UINT32_MAX, NULL));
    OK(sgss_socket_get_ttl(udp, &ttl, NULL));
    CHECK(ttl == 9);
}

/* A huge select timeout waits forever (never wraps, never INVALID_ARGUMENT); the socket is
 * writable already, so the call returns at once. SGSS_WAIT_FOREVER is one such value. */
static void test_huge_select_timeout(void) {
    sgss_socket *udp = NULL;
    sgss_socket *write[1];
    size_t write_count = 1, ready = 0;
    const double huge[] = {SGSS_WAIT_FOREVER, 1e300, INFINITY, 4611686018427387904.0, 1e19};
    size_t i;

    OK(sgss_socket_udp(false, &udp, NULL));
    for (i = 0; i < sizeof huge / sizeof huge[0]; i++) {
        write[0] = udp;
        write_count = 1;
        OK(sgss_socket_select(NULL, NULL, write, &write_count, NULL, NULL, huge[i], &ready, NULL));
        CHECK(ready == 1 && write_count == 1);
    }
    sgss_socket_free(udp);
}

static void test_options(void) {
    sgss_socket *tcp = NULL, *udp = NULL, *v6 = NULL;
    bool on = false;
    uint32_t ttl = 0;
    size_t size = 0;
    double secs = 0;
    int32_t code = -1;
    sgss_error err;

    OK(sgss_socket_tcp(false, &tcp, NULL));
    OK(sgss_socket_udp(false, &udp, NULL));
    OK(sgss_socket_tcp(true, &v6, NULL));

    OK(sgss_socket_get_blocking(tcp, &on, NULL));
    CHECK(on);
    OK(sgss_socket_set_nodelay(tcp, true, NULL));
    OK(sgss_socket_get_nodelay(tcp, &on, NULL));
    CHECK(on);
    OK(sgss_socket_set_keepalive(tcp, true, NULL));
    OK(sgss_socket_get_keepalive(tcp, &on, NULL));
    CHECK(on);
    OK(sgss_socket_set_reuse_addr(tcp, true, NULL));
    OK(sgss_socket_get_reuse_addr(tcp, &on, NULL));
    CHECK(on);
    OK(sgss_socket_set_reuse_port(tcp, true, NULL));
    OK(sgss_socket_get_reuse_port(tcp, &on, NULL));
    CHECK(on);
    OK(sgss_socket_set_broadcast(udp, true, NULL));
    OK(sgss_socket_get_broadcast(udp, &on, NULL));
    CHECK(on);
    OK(sgss_socket_set_broadcast(udp, false, NULL));
    OK(sgss_socket_get_broadcast(udp, &on, NULL));
    CHECK(!on);
    OK(sgss_socket_set_ipv6_only(v6, true, NULL));
    OK(sgss_socket_get_ipv6_only(v6, &on, NULL));
    CHECK(on);
    EXPECT(SGSS_RESULT_OS_ERROR, sgss_socket_get_ipv6_only(tcp, &on, NULL));
    /* TCP_NODELAY on UDP is refused by the OS. */
    EXPECT(SGSS_RESULT_OS_ERROR, sgss_socket_set_nodelay(udp, true, NULL));

    OK(sgss_socket_set_ttl(tcp, 42, NULL));
    OK(sgss_socket_get_ttl(tcp, &ttl, NULL));
    CHECK(ttl == 42);
    OK(sgss_socket_set_ttl(v6, 7, NULL));
    OK(sgss_socket_get_ttl(v6, &ttl, NULL));
    CHECK(ttl == 7);

    OK(sgss_socket_set_recv_buffer_size(tcp, 65536, NULL));
    OK(sgss_socket_get_recv_buffer_size(tcp, &size, NULL));
    CHECK(size >= 65536);
    OK(sgss_socket_set_send_buffer_size(tcp, 65536, NULL));
    OK(sgss_socket_get_send_buffer_size(tcp, &size, NULL));
    CHECK(size >= 65536);
    test_option_ranges(tcp, udp);

    OK(sgss_socket_get_recv_timeout(tcp, &secs, NULL));
    CHECK(secs == 0);
    OK(sgss_socket_set_recv_timeout(tcp, 1.5, NULL));
    OK(sgss_socket_get_recv_timeout(tcp, &secs, NULL));
    CHECK(fabs(secs - 1.5) < 0.01);
    OK(sgss_socket_set_recv_timeout(tcp, 0, NULL));
    OK(sgss_socket_get_recv_timeout(tcp, &secs, NULL));
    CHECK(secs == 0);
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_socket_set_recv_timeout(tcp, -1, &err));
    CHECK(err.code == EINVAL);
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_socket_set_recv_timeout(tcp, NAN, NULL));
    OK(sgss_socket_set_send_timeout(tcp, 2.25, NULL));
    OK(sgss_socket_get_send_timeout(tcp, &secs, NULL));
    CHECK(fabs(secs - 2.25) < 0.01);
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_socket_set_send_timeout(tcp, INFINITY, NULL));

    OK(sgss_socket_get_linger(tcp, &secs, NULL));
    CHECK(secs < 0);
    OK(sgss_socket_set_linger(tcp, 2, NULL));
    OK(sgss_socket_get_linger(tcp, &secs, NULL));
    CHECK(secs == 2);
    OK(sgss_socket_set_linger(tcp, -1, NULL));
    OK(sgss_socket_get_linger(tcp, &secs, NULL));
    CHECK(secs < 0);
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_socket_set_linger(tcp, NAN, NULL));

    OK(sgss_socket_pending_error(tcp, &code, NULL));
    CHECK(code == 0);

    sgss_socket_free(tcp);
    sgss_socket_free(udp);
    sgss_socket_free(v6);
}

static void test_use_after_close(void) {
    sgss_socket *s = NULL, *other = NULL;
    sgss_address *addr = NULL, *other_addr = NULL;
    char buf[8];
    size_t n = 0;
    bool on = false, closed = false;
    int32_t family = 0, type = 0, code = 0;
    int64_t fd = 0;
    uint32_t ttl = 0;
    double secs = 0;
    sgss_error err;
    const sgss_result closed_result = SGSS_RESULT_CLOSED;

    OK(sgss_socket_tcp(false, &s, NULL));
    OK(sgss_address_from_host_text(AF_INET, "127.0.0.1", 1, &addr, NULL));
    OK(sgss_socket_close(s, &err));
    CHECK(err.result == 0);
    EXPECT(closed_result, sgss_socket_close(s, &err));
    CHECK(err.result == SGSS_RESULT_CLOSED && err.code == EBADF && strlen(err.message) > 0);
    OK(sgss_socket_is_closed(s, &closed, NULL));
    CHECK(closed);
    OK(sgss_socket_kind(s, &family, &type, NULL));
    CHECK(family == AF_INET);
    EXPECT(closed_result, sgss_socket_descriptor(s, &fd, NULL));
    EXPECT(closed_result, sgss_socket_bind(s, addr, NULL));
    EXPECT(closed_result, sgss_socket_bind_port(s, 0, NULL));
    EXPECT(closed_result, sgss_socket_listen(s, 1, NULL));
    EXPECT(closed_result, sgss_socket_accept(s, &other, NULL, NULL));
    EXPECT(closed_result, sgss_socket_connect(s, addr, NULL));
    EXPECT(closed_result, sgss_socket_send(s, "x", 1, 0, &n, NULL));
    EXPECT(closed_result, sgss_socket_send_to(s, "x", 1, 0, addr, &n, NULL));
    EXPECT(closed_result, sgss_socket_recv(s, buf, sizeof buf, 0, &n, NULL));
    EXPECT(closed_result, sgss_socket_recv_from(s, buf, sizeof buf, 0, NULL, &n, NULL));
    EXPECT(closed_result, sgss_socket_shutdown(s, SHUT_RDWR, NULL));
    EXPECT(closed_result, sgss_socket_local_address(s, &other_addr, NULL));
    EXPECT(closed_result, sgss_socket_peer_address(s, &other_addr, NULL));
    CHECK(other == NULL && other_addr == NULL);
    EXPECT(closed_result, sgss_socket_get_blocking(s, &on, NULL));
    EXPECT(closed_result, sgss_socket_set_blocking(s, true, NULL));
    EXPECT(closed_result, sgss_socket_get_nodelay(s, &on, NULL));
    EXPECT(closed_result, sgss_socket_set_nodelay(s, true, NULL));
    EXPECT(closed_result, sgss_socket_get_ttl(s, &ttl, NULL));
    EXPECT(closed_result, sgss_socket_set_recv_timeout(s, 1, NULL));
    EXPECT(closed_result, sgss_socket_get_linger(s, &secs, NULL));
    EXPECT(closed_result, sgss_socket_pending_error(s, &code, &err));
    CHECK(err.code == EBADF);
    sgss_socket_free(s);
    sgss_address_free(addr);
}

static void test_null_arguments(void) {
    sgss_socket *s = NULL, *out = NULL;
    sgss_address *addr = NULL, *out_addr = NULL;
    char buf[8];
    size_t n = 0;
    bool on = false;
    int32_t i32 = 0;
    int64_t fd = 0;
    uint32_t u32 = 0;
    double secs = 0;
    sgss_error err;

    OK(sgss_socket_udp(false, &s, NULL));
    OK(sgss_address_from_host_text(AF_INET, "127.0.0.1", 9, &addr, NULL));
    NULLARG(sgss_socket_new(AF_INET, SOCK_DGRAM, 0, NULL, NULL));
    NULLARG(sgss_socket_tcp(false, NULL, NULL));
    EXPECT(SGSS_RESULT_NULL_ARGUMENT, sgss_socket_udp(false, NULL, &err));
    CHECK(err.code == EINVAL && strstr(err.message, "out") != NULL);
    NULLARG(sgss_socket_close(NULL, NULL));
    NULLARG(sgss_socket_is_closed(NULL, &on, NULL));
    NULLARG(sgss_socket_is_closed(s, NULL, NULL));
    NULLARG(sgss_socket_descriptor(NULL, &fd, NULL));
    NULLARG(sgss_socket_descriptor(s, NULL, NULL));
    NULLARG(sgss_socket_kind(NULL, &i32, &i32, NULL));
    NULLARG(sgss_socket_kind(s, NULL, &i32, NULL));
    NULLARG(sgss_socket_kind(s, &i32, NULL, NULL));
    NULLARG(sgss_socket_bind(NULL, addr, NULL));
    NULLARG(sgss_socket_bind(s, NULL, NULL));
    NULLARG(sgss_socket_bind_port(NULL, 0, NULL));
    NULLARG(sgss_socket_listen(NULL, 1, NULL));
    NULLARG(sgss_socket_accept(NULL, &out, &out_addr, NULL));
    NULLARG(sgss_socket_accept(s, NULL, &out_addr, NULL));
    NULLARG(sgss_socket_connect(NULL, addr, NULL));
    NULLARG(sgss_socket_connect(s, NULL, NULL));
    NULLARG(sgss_socket_send(NULL, "x", 1, 0, &n, NULL));
    NULLARG(sgss_socket_send(s, NULL, 1, 0, &n, NULL));
    NULLARG(sgss_socket_send(s, "x", 1, 0, NULL, NULL));
    NULLARG(sgss_socket_send_to(NULL, "x", 1, 0, addr, &n, NULL));
    NULLARG(sgss_socket_send_to(s, NULL, 1, 0, addr, &n, NULL));
    NULLARG(sgss_socket_send_to(s, "x", 1, 0, NULL, &n, NULL));
    NULLARG(sgss_socket_send_to(s, "x", 1, 0, addr, NULL, NULL));
    NULLARG(sgss_socket_recv(NULL, buf, sizeof buf, 0, &n, NULL));
    NULLARG(sgss_socket_recv(s, NULL, sizeof buf, 0, &n, NULL));
    NULLARG(sgss_socket_recv(s, buf, sizeof buf, 0, NULL, NULL));
    NULLARG(sgss_socket_recv_from(NULL, buf, sizeof buf, 0, NULL, &n, NULL));
    NULLARG(sgss_socket_recv_from(s, NULL, sizeof buf, 0, NULL, &n, NULL));
    NULLARG(sgss_socket_recv_from(s, buf, sizeof buf, 0, NULL, NULL, NULL));
    NULLARG(sgss_socket_shutdown(NULL, SHUT_RD, NULL));
    NULLARG(sgss_socket_peer_address(NULL, &out_addr, NULL));
    NULLARG(sgss_socket_peer_address(s, NULL, NULL));
    NULLARG(sgss_socket_local_address(NULL, &out_addr, NULL));
    NULLARG(sgss_socket_local_address(s, NULL, NULL));
    NULLARG(sgss_socket_pending_error(NULL, &i32, NULL));
    NULLARG(sgss_socket_pending_error(s, NULL, NULL));
    NULLARG(sgss_socket_get_blocking(NULL, &on, NULL));
    NULLARG(sgss_socket_get_blocking(s, NULL, NULL));
    NULLARG(sgss_socket_set_blocking(NULL, true, NULL));
    NULLARG(sgss_socket_get_broadcast(NULL, &on, NULL));
    NULLARG(sgss_socket_set_broadcast(NULL, true, NULL));
    NULLARG(sgss_socket_get_reuse_addr(s, NULL, NULL));
    NULLARG(sgss_socket_set_reuse_addr(NULL, true, NULL));
    NULLARG(sgss_socket_get_reuse_port(s, NULL, NULL));
    NULLARG(sgss_socket_set_reuse_port(NULL, true, NULL));
    NULLARG(sgss_socket_get_nodelay(s, NULL, NULL));
    NULLARG(sgss_socket_set_nodelay(NULL, true, NULL));
    NULLARG(sgss_socket_get_keepalive(s, NULL, NULL));
    NULLARG(sgss_socket_set_keepalive(NULL, true, NULL));
    NULLARG(sgss_socket_get_ipv6_only(s, NULL, NULL));
    NULLARG(sgss_socket_set_ipv6_only(NULL, true, NULL));
    NULLARG(sgss_socket_get_ttl(NULL, &u32, NULL));
    NULLARG(sgss_socket_set_ttl(NULL, 1, NULL));
    NULLARG(sgss_socket_get_recv_buffer_size(s, NULL, NULL));
    NULLARG(sgss_socket_set_recv_buffer_size(NULL, 1, NULL));
    NULLARG(sgss_socket_get_send_buffer_size(s, NULL, NULL));
    NULLARG(sgss_socket_set_send_buffer_size(NULL, 1, NULL));
    NULLARG(sgss_socket_get_recv_timeout(NULL, &secs, NULL));
    NULLARG(sgss_socket_set_recv_timeout(NULL, 1, NULL));
    NULLARG(sgss_socket_get_send_timeout(s, NULL, NULL));
    NULLARG(sgss_socket_set_send_timeout(NULL, 1, NULL));
    NULLARG(sgss_socket_get_linger(s, NULL, NULL));
    NULLARG(sgss_socket_set_linger(NULL, 1, NULL));
    sgss_socket_free(NULL);
    sgss_socket_free(s);
    sgss_address_free(addr);
}

static void test_descriptors(void) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0), pipe_fds[2];
    sgss_socket *s = NULL;
    int64_t got = -1;
    int32_t family = 0, type = 0;
    sgss_error err;

    CHECK(fd >= 0);
    OK(sgss_socket_from_descriptor(fd, &s, NULL));
    OK(sgss_socket_kind(s, &family, &type, NULL));
    CHECK(family == AF_INET && type == SOCK_DGRAM);
    OK(sgss_socket_descriptor(s, &got, NULL));
    CHECK(got == fd);
    OK(sgss_socket_bind_port(s, 0, NULL));
    /* Give it back: the handle is freed, the descriptor is the caller's again. */
    OK(sgss_socket_into_descriptor(s, &got, NULL));
    CHECK(got == fd);
    CHECK(close(fd) == 0);

    /* Not a socket: refused, and the descriptor is left open. */
    CHECK(pipe(pipe_fds) == 0);
    s = NULL;
    EXPECT(SGSS_RESULT_OS_ERROR, sgss_socket_from_descriptor(pipe_fds[0], &s, &err));
    CHECK(err.code == ENOTSOCK && s == NULL);
    CHECK(write(pipe_fds[1], "x", 1) == 1);
    CHECK(close(pipe_fds[0]) == 0 && close(pipe_fds[1]) == 0);
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_socket_from_descriptor(-1, &s, NULL));
    NULLARG(sgss_socket_from_descriptor(0, NULL, NULL));

    /* A closed socket has no descriptor to give; the handle stays the caller's. */
    OK(sgss_socket_udp(false, &s, NULL));
    NULLARG(sgss_socket_into_descriptor(s, NULL, NULL));
    NULLARG(sgss_socket_into_descriptor(NULL, &got, NULL));
    OK(sgss_socket_close(s, NULL));
    EXPECT(SGSS_RESULT_CLOSED, sgss_socket_into_descriptor(s, &got, &err));
    CHECK(err.code == EBADF);
    sgss_socket_free(s);
}

int main(void) {
    test_descriptors();
    test_tcp(false);
    test_tcp(true);
    test_udp();
    test_create_and_errors();
    test_options();
    test_huge_select_timeout();
    test_use_after_close();
    test_null_arguments();
    return check_finish("test_socket");
}
