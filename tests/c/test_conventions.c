/* The header's conventions, compiled as C99 and as C++11: names (every deprecated alias
 * still works and forwards), const (natural handle arrays, setters), the one timeout rule of
 * the calls that wait, the version macros, sgss_result_name, and AF_* / SOCK_* / SHUT_*
 * coming from sgssockets.h alone (this file includes no system socket header). */
#include <math.h>

#include "check.h"

static sgss_socket *udp_bound(void) {
    sgss_socket *s = NULL;
    sgss_address *any = NULL;
    OK(sgss_socket_udp(false, &s, NULL));
    OK(sgss_address_from_host_text(AF_INET, "127.0.0.1", 0, &any, NULL));
    OK(sgss_socket_bind(s, any, NULL));
    sgss_address_free(any);
    return s;
}

/* Item 10: SGSS_VERSION_* match sgss_version's text. */
static void test_version_macros(void) {
    char text[32], expected[32];
    size_t len = 0;
    OK(sgss_version(text, sizeof text, &len, NULL));
    snprintf(expected, sizeof expected, "%d.%d.%d", SGSS_VERSION_MAJOR, SGSS_VERSION_MINOR,
             SGSS_VERSION_PATCH);
    CHECK(strcmp(text, expected) == 0);
    CHECK(SGSS_VERSION_MAJOR >= 0 && SGSS_VERSION_MINOR >= 0 && SGSS_VERSION_PATCH >= 0);
}

/* Item 10: sgss_result_name gives the enum's spelling, static, for any number. */
static void test_result_name(void) {
    static const char *const names[] = {
        "SGSS_RESULT_OK",           "SGSS_RESULT_NULL_ARGUMENT", "SGSS_RESULT_INVALID_ARGUMENT",
        "SGSS_RESULT_BUFFER_TOO_SMALL", "SGSS_RESULT_NOT_FOUND", "SGSS_RESULT_CLOSED",
        "SGSS_RESULT_PEER_CLOSED",  "SGSS_RESULT_WOULD_BLOCK",   "SGSS_RESULT_OS_ERROR",
        "SGSS_RESULT_RESOLVER_ERROR", "SGSS_RESULT_PANIC",
    };
    uint32_t code;
    for (code = 0; code < sizeof names / sizeof names[0]; code++) {
        const char *name = sgss_result_name(code);
        CHECK(name != NULL && strcmp(name, names[code]) == 0);
    }
    CHECK(strcmp(sgss_result_name(SGSS_RESULT_WOULD_BLOCK), "SGSS_RESULT_WOULD_BLOCK") == 0);
    CHECK(strcmp(sgss_result_name(SGSS_RESULT_PANIC + 1), "SGSS_RESULT_UNKNOWN") == 0);
    CHECK(strcmp(sgss_result_name(0xffffffffu), "SGSS_RESULT_UNKNOWN") == 0);
    /* Static text: the same pointer every time, never freed. */
    CHECK(sgss_result_name(SGSS_RESULT_OK) == sgss_result_name(SGSS_RESULT_OK));
}

/* Item 10: AF_* / SOCK_* / SHUT_* are usable with only sgssockets.h included, and are the
 * values the library uses. */
static void test_system_constants(void) {
    int32_t value = -1;
    sgss_socket *a = NULL;
    OK(sgss_constant_by_name("AF_INET", &value, NULL));
    CHECK(value == AF_INET);
    OK(sgss_constant_by_name("AF_INET6", &value, NULL));
    CHECK(value == AF_INET6);
    OK(sgss_constant_by_name("SOCK_STREAM", &value, NULL));
    CHECK(value == SOCK_STREAM);
    OK(sgss_constant_by_name("SHUT_WR", &value, NULL));
    CHECK(value == SHUT_WR);
    OK(sgss_constant_by_name("MSG_PEEK", &value, NULL));
    CHECK(value == MSG_PEEK);
    OK(sgss_socket_new(AF_INET, SOCK_DGRAM, 0, &a, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_socket_shutdown(a, SHUT_RDWR + 17, NULL));
    sgss_socket_free(a);
}

/* Item 8: arrays of handles are plain `sgss_socket *list[]` (no cast, also in C++); socket
 * setters may run while other threads use the socket, so they take `const` handles. */
static void test_const(void) {
    sgss_socket *a = udp_bound();
    sgss_socket *list[1];
    const sgss_socket *shared = a;
    size_t count = 1, ready = 0;
    double secs = -1;
    list[0] = a;
    OK(sgss_socket_select(NULL, NULL, list, &count, NULL, NULL, 0, &ready, NULL));
    CHECK(ready == 1 && count == 1 && list[0] == a);
    OK(sgss_socket_set_recv_timeout(shared, 1.5, NULL));
    OK(sgss_socket_get_recv_timeout(shared, &secs, NULL));
    CHECK(secs == 1.5);
    sgss_socket_free(a);
}

/* Item 9: one rule for calls that wait (0 = do not wait; negative or NaN invalid; INFINITY
 * or SGSS_WAIT_FOREVER = forever); timeout properties keep 0 = no timeout. */
static void test_timeouts(void) {
    sgss_socket *a = udp_bound();
    sgss_socket *list[1];
    sgss_poller *p = NULL;
    sgss_poll_event ev[2];
    size_t count = 1, ready = 99, n = 99;
    double secs = -1;
    sgss_error err;

    list[0] = a;
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_socket_select(list, &count, NULL, NULL, NULL, NULL, -1.0, &ready, &err));
    CHECK(err.code != 0 && count == 1 && ready == 99);
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_socket_select(list, &count, NULL, NULL, NULL, NULL, NAN, &ready, NULL));
    OK(sgss_socket_select(list, &count, NULL, NULL, NULL, NULL, 0, &ready, NULL));
    CHECK(ready == 0 && count == 0);
    list[0] = a;
    count = 1;
    OK(sgss_socket_select(NULL, NULL, list, &count, NULL, NULL, SGSS_WAIT_FOREVER, &ready, NULL));
    CHECK(ready == 1);
    list[0] = a;
    count = 1;
    OK(sgss_socket_select(NULL, NULL, list, &count, NULL, NULL, INFINITY, &ready, NULL));
    CHECK(ready == 1);

    OK(sgss_poller_new(&p, NULL));
    OK(sgss_poller_add(p, a, 7, false, true, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_poller_wait(p, ev, 2, -1.0, &n, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_poller_wait(p, ev, 2, NAN, &n, NULL));
    CHECK(n == 99);
    OK(sgss_poller_wait(p, ev, 2, SGSS_WAIT_FOREVER, &n, NULL));
    CHECK(n == 1 && ev[0].key == 7 && ev[0].writable);
    OK(sgss_poller_wait(p, ev, 2, INFINITY, &n, NULL));
    CHECK(n == 1);
    OK(sgss_poller_modify(p, a, false, false, NULL));
    OK(sgss_poller_wait(p, ev, 2, 0, &n, NULL));
    CHECK(n == 0);
    sgss_poller_free(p);

    /* Properties: 0 = no timeout, negative and NaN invalid (the value stays). */
    OK(sgss_socket_set_send_timeout(a, 2.0, NULL));
    OK(sgss_socket_set_send_timeout(a, 0, NULL));
    OK(sgss_socket_get_send_timeout(a, &secs, NULL));
    CHECK(secs == 0);
    OK(sgss_socket_set_recv_timeout(a, 2.0, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_socket_set_recv_timeout(a, -1.0, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_socket_set_recv_timeout(a, NAN, NULL));
    OK(sgss_socket_get_recv_timeout(a, &secs, NULL));
    CHECK(secs == 2.0);
    sgss_socket_free(a);
}

/* Item 7: every deprecated name still links and forwards to its new name. */
static void test_deprecated_aliases(void) {
    sgss_address *addr = NULL, *from = NULL;
    sgss_addrinfo_list *list = NULL;
    sgss_socket *a = udp_bound(), *b = udp_bound();
    const sgss_socket *read[1];
    sgss_poller *p = NULL;
    char text[256];
    size_t len = 0, n = 0, count = 1, ready = 0;
    int64_t fd = -1;
    uint16_t port = 0;

    OK(sgss_address_parse(AF_INET, "127.0.0.1", 80, &addr, NULL));
    OK(sgss_address_port(addr, &port, NULL));
    CHECK(port == 80);
    sgss_address_free(addr);
    addr = NULL;
    OK(sgss_address_parse_full("[::1]:443", &addr, NULL));
    OK(sgss_address_text(addr, text, sizeof text, &len, NULL));
    CHECK(strcmp(text, "[::1]:443") == 0);
    sgss_address_free(addr);
    addr = NULL;

    OK(sgss_getaddrinfo("127.0.0.1", "80", NULL, &list, NULL));
    OK(sgss_addrinfo_list_count(list, &n, NULL));
    CHECK(n > 0);
    sgss_addrinfo_list_free(list);
    OK(sgss_gethostname(text, sizeof text, &len, NULL));
    CHECK(len > 0 && strlen(text) == len);

    OK(sgss_socket_local_address(b, &addr, NULL));
    OK(sgss_socket_sendto(a, "hi", 2, 0, addr, &n, NULL));
    CHECK(n == 2);
    read[0] = b;
    OK(sgss_select(read, &count, NULL, NULL, NULL, NULL, 5.0, &ready, NULL));
    CHECK(ready == 1 && count == 1 && read[0] == b);
    OK(sgss_address_from_host_text(AF_INET, "0.0.0.0", 0, &from, NULL));
    OK(sgss_socket_recvfrom(b, text, sizeof text, 0, from, &n, NULL));
    CHECK(n == 2 && memcmp(text, "hi", 2) == 0);

    OK(sgss_poller_new(&p, NULL));
    OK(sgss_poller_fd(p, &fd, NULL));
    CHECK(fd >= 0);
    sgss_poller_free(p);

    sgss_address_free(addr);
    sgss_address_free(from);
    sgss_socket_free(a);
    sgss_socket_free(b);
}

int main(void) {
    test_version_macros();
    test_result_name();
    test_system_constants();
    test_const();
    test_timeouts();
    test_deprecated_aliases();
    return check_finish("test_conventions");
}
