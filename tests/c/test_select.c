/* sgss_socket_select: readiness, in-place filtering with counts, timeouts, errors that leave the
 * lists unchanged, and sockets with descriptor numbers past FD_SETSIZE. */
#include <sys/socket.h>
#include <sys/resource.h>
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

static void send_to(sgss_socket *from, sgss_socket *to) {
    sgss_address *where = NULL;
    size_t n = 0;
    OK(sgss_socket_local_address(to, &where, NULL));
    OK(sgss_socket_send_to(from, "x", 1, 0, where, &n, NULL));
    sgss_address_free(where);
}

static void test_readiness(void) {
    sgss_socket *a = udp_bound(), *b = udp_bound(), *c = udp_bound();
    sgss_socket *read[3]; /* natural arrays of handles: no const, no cast */
    sgss_socket *write[2];
    size_t read_count, write_count, ready = 99;

    /* Nothing to read: a zero timeout polls once. */
    read[0] = a; read[1] = b; read[2] = c;
    read_count = 3;
    OK(sgss_socket_select(read, &read_count, NULL, NULL, NULL, NULL, 0, &ready, NULL));
    CHECK(ready == 0 && read_count == 0);

    /* Short wait, then timeout. */
    read[0] = a; read_count = 1;
    OK(sgss_socket_select(read, &read_count, NULL, NULL, NULL, NULL, 0.02, &ready, NULL));
    CHECK(ready == 0 && read_count == 0);

    /* c gets a datagram: the list shrinks to it, in place. */
    send_to(a, c);
    read[0] = b; read[1] = a; read[2] = c;
    read_count = 3;
    OK(sgss_socket_select(read, &read_count, NULL, NULL, NULL, NULL, 5.0, &ready, NULL));
    CHECK(ready == 1 && read_count == 1 && read[0] == c);

    /* Two readable keep their order; write list of always-writable UDP sockets. */
    send_to(c, a);
    read[0] = c; read[1] = b; read[2] = a;
    read_count = 3;
    write[0] = b; write[1] = a;
    write_count = 2;
    OK(sgss_socket_select(read, &read_count, write, &write_count, NULL, NULL, 5.0, &ready, NULL));
    CHECK(ready == 4 && read_count == 2 && read[0] == c && read[1] == a);
    CHECK(write_count == 2 && write[0] == b && write[1] == a);

    /* SGSS_WAIT_FOREVER and INFINITY wait forever: something is ready, so they return. */
    read[0] = a; read_count = 1;
    OK(sgss_socket_select(read, &read_count, NULL, NULL, NULL, NULL, SGSS_WAIT_FOREVER, &ready, NULL));
    CHECK(ready == 1 && read_count == 1);
    read[0] = a; read_count = 1;
    OK(sgss_socket_select(read, &read_count, NULL, NULL, NULL, NULL, INFINITY, &ready, NULL));
    CHECK(ready == 1 && read_count == 1);

    /* An exceptional condition list with nothing out-of-band. */
    {
        sgss_socket *except[1];
        size_t except_count = 1;
        except[0] = a;
        OK(sgss_socket_select(NULL, NULL, NULL, NULL, except, &except_count, 0, &ready, NULL));
        CHECK(ready == 0 && except_count == 0);
    }

    sgss_socket_free(a);
    sgss_socket_free(b);
    sgss_socket_free(c);
}

static void test_errors(void) {
    sgss_socket *a = udp_bound(), *b = udp_bound();
    sgss_socket *read[2];
    size_t read_count = 2, ready = 7;
    sgss_error err;
    const double negative[] = {-1.0, -0.001, -INFINITY};
    size_t i;

    read[0] = a; read[1] = NULL;
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_socket_select(read, &read_count, NULL, NULL, NULL, NULL, 0, &ready, NULL));
    CHECK(read_count == 2 && ready == 7);
    NULLARG(sgss_socket_select(NULL, &read_count, NULL, NULL, NULL, NULL, 0, &ready, NULL));
    read[1] = b;
    NULLARG(sgss_socket_select(read, &read_count, NULL, NULL, NULL, NULL, 0, NULL, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_socket_select(read, &read_count, NULL, NULL, NULL, NULL, NAN, &ready, NULL));
    /* A negative timeout is invalid (one rule for every call that waits): nothing waits,
     * the lists are unchanged. */
    for (i = 0; i < sizeof negative / sizeof negative[0]; i++) {
        EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_socket_select(read, &read_count, NULL, NULL, NULL, NULL, negative[i], &ready, &err));
        CHECK(err.code != 0 && read_count == 2 && read[0] == a && read[1] == b && ready == 7);
    }

    read_count = (size_t)-1;
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_socket_select(read, &read_count, NULL, NULL, NULL, NULL, 0, &ready, NULL));
    read_count = 2;

    /* A closed socket in a list: CLOSED, lists unchanged. */
    OK(sgss_socket_close(b, NULL));
    EXPECT(SGSS_RESULT_CLOSED, sgss_socket_select(read, &read_count, NULL, NULL, NULL, NULL, 0, &ready, &err));
    CHECK(err.code != 0 && read_count == 2 && read[0] == a && read[1] == b && ready == 7);

    /* All lists empty: a pure timeout. */
    OK(sgss_socket_select(NULL, NULL, NULL, NULL, NULL, NULL, 0.01, &ready, NULL));
    CHECK(ready == 0);

    sgss_socket_free(a);
    sgss_socket_free(b);
}

/* Descriptor numbers above FD_SETSIZE (1024) work: poll-based, no fd_set. */
static void test_high_descriptors(void) {
    enum { WANT = 1100 };
    static sgss_socket *many[WANT];
    struct rlimit limit;
    int made = 0, i;
    int64_t fd = 0;

    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < WANT + 64) {
        limit.rlim_cur = limit.rlim_max < WANT + 64 ? limit.rlim_max : WANT + 64;
        (void)setrlimit(RLIMIT_NOFILE, &limit);
    }
    for (made = 0; made < WANT; made++) {
        if (sgss_socket_udp(false, &many[made], NULL) != SGSS_RESULT_OK)
            break;
    }
    if (made > 0)
        OK(sgss_socket_descriptor(many[made - 1], &fd, NULL));
    if (fd < 1024) {
        printf("test_select: skipped the descriptor > 1023 case (only %d sockets allowed)\n", made);
    } else {
        sgss_socket *last = many[made - 1];
        sgss_socket *sender = NULL;
        sgss_address *any = NULL;
        sgss_socket **read = malloc(sizeof(*read) * (size_t)made);
        size_t read_count = (size_t)made, ready = 0;
        OK(sgss_address_from_host_text(AF_INET, "127.0.0.1", 0, &any, NULL));
        OK(sgss_socket_bind(last, any, NULL));
        sgss_address_free(any);
        /* Free one slot to send from. */
        sgss_socket_free(many[0]);
        many[0] = NULL;
        OK(sgss_socket_udp(false, &sender, NULL));
        send_to(sender, last);
        for (i = 1; i < made; i++)
            read[i - 1] = many[i];
        read_count = (size_t)made - 1;
        OK(sgss_socket_select(read, &read_count, NULL, NULL, NULL, NULL, 5.0, &ready, NULL));
        CHECK(ready == 1 && read_count == 1 && read[0] == last);
        free(read);
        sgss_socket_free(sender);
    }
    for (i = 0; i < made; i++)
        sgss_socket_free(many[i]);
}

/* The deprecated name sgss_select keeps its old const arrays and forwards to
 * sgss_socket_select, timeout rule included. */
static void test_deprecated_select(void) {
    sgss_socket *a = udp_bound(), *b = udp_bound();
    const sgss_socket *read[1];
    size_t read_count = 1, ready = 0;
    send_to(a, b);
    read[0] = b;
    OK(sgss_select(read, &read_count, NULL, NULL, NULL, NULL, 5.0, &ready, NULL));
    CHECK(ready == 1 && read_count == 1 && read[0] == b);
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_select(read, &read_count, NULL, NULL, NULL, NULL, -1.0, &ready, NULL));
    sgss_socket_free(a);
    sgss_socket_free(b);
}

int main(void) {
    test_readiness();
    test_deprecated_select();
    test_errors();
    test_high_descriptors();
    return check_finish("test_select");
}
