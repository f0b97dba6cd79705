/* sgss_poller: every function; level, edge and oneshot semantics; read/write/both interest;
 * modify to none; peer close and listener readiness; timeouts; more ready sockets than
 * the array holds (none lost, level ones take turns); notify from another thread; closing and freeing registered
 * sockets; bad arguments; and 2,000 registered sockets of which exactly the ready ones come
 * back. Every wait that could block has a timeout. */
#include <sys/socket.h>
#include <sys/resource.h>
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "check.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void sleep_ms(long ms) {
    struct timespec t;
    t.tv_sec = ms / 1000;
    t.tv_nsec = (ms % 1000) * 1000000L;
    nanosleep(&t, NULL);
}

static sgss_poller *new_poller(void) {
    sgss_poller *p = NULL;
    OK(sgss_poller_new(&p, NULL));
    CHECK(p != NULL);
    return p;
}

static size_t count_of(const sgss_poller *p) {
    size_t n = 12345;
    OK(sgss_poller_count(p, &n, NULL));
    return n;
}

static sgss_socket *udp_bound(void) {
    sgss_socket *s = NULL;
    sgss_address *any = NULL;
    OK(sgss_socket_udp(false, &s, NULL));
    OK(sgss_address_from_text("127.0.0.1:0", &any, NULL));
    OK(sgss_socket_bind(s, any, NULL));
    sgss_address_free(any);
    return s;
}

static void send_to(const sgss_socket *from, const sgss_socket *to) {
    sgss_address *where = NULL;
    size_t n = 0;
    OK(sgss_socket_local_address(to, &where, NULL));
    OK(sgss_socket_send_to(from, "x", 1, 0, where, &n, NULL));
    sgss_address_free(where);
}

static void drain(const sgss_socket *s) {
    char buf[64];
    size_t n = 0;
    OK(sgss_socket_recv(s, buf, sizeof buf, 0, &n, NULL));
}

static int64_t fd_of(const sgss_socket *s) {
    int64_t fd = -1;
    OK(sgss_socket_descriptor(s, &fd, NULL));
    return fd;
}

/* A listener on 127.0.0.1, a connected client and the accepted end. */
static void tcp_pair(sgss_socket **listener, sgss_socket **client, sgss_socket **server) {
    sgss_address *where = NULL;
    OK(sgss_socket_tcp(false, listener, NULL));
    OK(sgss_address_from_text("127.0.0.1:0", &where, NULL));
    OK(sgss_socket_bind(*listener, where, NULL));
    OK(sgss_socket_listen(*listener, 8, NULL));
    sgss_address_free(where);
    OK(sgss_socket_local_address(*listener, &where, NULL));
    OK(sgss_socket_tcp(false, client, NULL));
    OK(sgss_socket_connect(*client, where, NULL));
    OK(sgss_socket_accept(*listener, server, NULL, NULL));
    sgss_address_free(where);
}

/* Waits and returns the number of events (or (size_t)-1 on error). */
static size_t wait_events(const sgss_poller *p, sgss_poll_event *events, size_t capacity,
                          double timeout) {
    size_t n = 0;
    sgss_error err;
    if (sgss_poller_wait(p, events, capacity, timeout, &n, &err) != SGSS_RESULT_OK) {
        fprintf(stderr, "wait failed: %s\n", err.message);
        return (size_t)-1;
    }
    return n;
}

static void test_new_free_count_fd(void) {
    sgss_poller *p = new_poller();
    int64_t fd = -1;
    CHECK(count_of(p) == 0);
    OK(sgss_poller_descriptor(p, &fd, NULL));
    CHECK(fd >= 0);
    sgss_poller_free(p);
    sgss_poller_free(NULL);
}

/* Level-triggered: reported on every wait while ready; interests read, write and both. */
static void test_level_and_interest(void) {
    sgss_poller *p = new_poller();
    sgss_socket *a = udp_bound(), *b = udp_bound(), *sender = udp_bound();
    sgss_poll_event ev[4];
    size_t n;

    OK(sgss_poller_add(p, a, 1, true, false, NULL));
    OK(sgss_poller_add(p, b, 2, false, true, NULL));
    CHECK(count_of(p) == 2);

    /* b (write interest) is writable at once; a has nothing to read. */
    n = wait_events(p, ev, 4, 5.0);
    CHECK(n == 1 && ev[0].key == 2 && !ev[0].readable && ev[0].writable);

    /* a gets a datagram: reported readable, on every wait until it is read. */
    OK(sgss_poller_modify(p, b, false, false, NULL));
    send_to(sender, a);
    n = wait_events(p, ev, 4, 5.0);
    CHECK(n == 1 && ev[0].key == 1 && ev[0].readable && !ev[0].writable);
    n = wait_events(p, ev, 4, 0);
    CHECK(n == 1 && ev[0].key == 1 && ev[0].readable);
    n = wait_events(p, ev, 4, SGSS_WAIT_FOREVER); /* forever: returns because a is ready */
    CHECK(n == 1 && ev[0].key == 1);
    n = wait_events(p, ev, 4, INFINITY); /* the same */
    CHECK(n == 1 && ev[0].key == 1);
    drain(a);
    n = wait_events(p, ev, 4, 0);
    CHECK(n == 0);

    /* Both: one event with both flags. */
    OK(sgss_poller_modify(p, a, true, true, NULL));
    send_to(sender, a);
    n = wait_events(p, ev, 4, 5.0);
    CHECK(n == 1 && ev[0].key == 1 && ev[0].readable && ev[0].writable);

    /* Modify to none: registered, reports nothing. */
    OK(sgss_poller_modify(p, a, false, false, NULL));
    n = wait_events(p, ev, 4, 0);
    CHECK(n == 0 && count_of(p) == 2);
    OK(sgss_poller_modify(p, a, true, false, NULL));
    n = wait_events(p, ev, 4, 5.0);
    CHECK(n == 1 && ev[0].key == 1 && ev[0].readable && !ev[0].writable);
    drain(a);

    /* Remove gives the key back; a removed socket reports nothing. */
    {
        uint64_t key = 0;
        OK(sgss_poller_remove(p, a, &key, NULL));
        CHECK(key == 1);
        OK(sgss_poller_remove(p, b, NULL, NULL));
        CHECK(count_of(p) == 0);
        send_to(sender, a);
        n = wait_events(p, ev, 4, 0.02);
        CHECK(n == 0);
    }
    sgss_poller_free(p);
    sgss_socket_free(a);
    sgss_socket_free(b);
    sgss_socket_free(sender);
}

/* A listener is readable when a connection waits; a peer's close makes a connection
 * readable, and the receive then reports it. */
static void test_listener_and_peer_close(void) {
    sgss_poller *p = new_poller();
    sgss_socket *listener = NULL, *client = NULL, *server = NULL, *second = NULL;
    sgss_address *where = NULL;
    sgss_poll_event ev[4];
    size_t n;
    char buf[8];

    tcp_pair(&listener, &client, &server);
    OK(sgss_poller_add(p, listener, 10, true, false, NULL));
    OK(sgss_poller_add(p, server, 11, true, false, NULL));
    n = wait_events(p, ev, 4, 0);
    CHECK(n == 0);

    OK(sgss_socket_local_address(listener, &where, NULL));
    OK(sgss_socket_tcp(false, &second, NULL));
    OK(sgss_socket_connect(second, where, NULL));
    n = wait_events(p, ev, 4, 5.0);
    CHECK(n == 1 && ev[0].key == 10 && ev[0].readable);
    sgss_socket_free(second);

    sgss_socket_free(client);
    n = wait_events(p, ev, 4, 5.0);
    CHECK(n >= 1);
    {
        size_t i;
        bool server_seen = false;
        for (i = 0; i < n && i < 4; i++)
            if (ev[i].key == 11)
                server_seen = ev[i].readable;
        CHECK(server_seen);
    }
    {
        size_t got = 7;
        EXPECT(SGSS_RESULT_PEER_CLOSED, sgss_socket_recv(server, buf, sizeof buf, 0, &got, NULL));
    }
    sgss_address_free(where);
    sgss_poller_free(p);
    sgss_socket_free(server);
    sgss_socket_free(listener);
}

/* Timeout 0 returns at once; a short timeout waits about that long. */
static void test_timeouts(void) {
    sgss_poller *p = new_poller();
    sgss_socket *a = udp_bound();
    sgss_poll_event ev[1];
    double start;
    size_t n;

    OK(sgss_poller_add(p, a, 5, true, false, NULL));
    start = now();
    n = wait_events(p, ev, 1, 0);
    CHECK(n == 0 && now() - start < 0.5);
    start = now();
    n = wait_events(p, ev, 1, 0.05);
    CHECK(n == 0 && now() - start >= 0.045);
    /* Forever (infinity, or a value too large for the OS): a notify ends it. */
    OK(sgss_poller_notify(p, NULL));
    n = wait_events(p, ev, 1, INFINITY);
    CHECK(n == 0);
    OK(sgss_poller_notify(p, NULL));
    n = wait_events(p, ev, 1, 1e300);
    CHECK(n == 0);
    sgss_poller_free(p);
    sgss_socket_free(a);
}

/* More ready than the array holds: nothing is lost. Level-triggered sockets take turns
 * (three waits of one give three different keys); edge events wait in the kernel for the
 * next call; a socket removed or closed meanwhile is not reported. */
static void test_overflow(void) {
    sgss_poller *p = new_poller();
    sgss_socket *s[4], *sender = udp_bound();
    sgss_poll_event ev[2];
    bool seen[4] = {false, false, false, false};
    size_t n, i;
    int round;

    for (i = 0; i < 3; i++) {
        s[i] = udp_bound();
        OK(sgss_poller_add(p, s[i], i + 1, true, false, NULL));
        send_to(sender, s[i]);
    }
    /* Wait until all three are ready (datagrams on loopback arrive at once, but be sure). */
    for (round = 0; round < 100; round++) {
        sgss_poll_event all[3];
        if (wait_events(p, all, 3, 1.0) == 3)
            break;
    }
    for (round = 0; round < 3; round++) {
        n = wait_events(p, ev, 1, 0);
        CHECK(n == 1 && ev[0].key >= 1 && ev[0].key <= 3 && ev[0].readable);
        if (n == 1 && ev[0].key >= 1 && ev[0].key <= 3) {
            CHECK(!seen[ev[0].key]);
            seen[ev[0].key] = true;
        }
    }
    CHECK(seen[1] && seen[2] && seen[3]);
    /* Still ready: level-triggered, so they are reported again, two at a time now. */
    n = wait_events(p, ev, 2, 0);
    CHECK(n == 2 && ev[0].key != ev[1].key);

    /* Removed and closed sockets are not reported, even though they were ready. */
    {
        uint64_t key = 0;
        OK(sgss_poller_remove(p, s[0], &key, NULL));
        CHECK(key == 1);
        OK(sgss_socket_close(s[1], NULL));
        n = wait_events(p, ev, 2, 0);
        CHECK(n == 1 && ev[0].key == 3);
        drain(s[2]);
        n = wait_events(p, ev, 2, 0);
        CHECK(n == 0);
    }

    /* Edge-triggered: the events that do not fit stay queued, each is reported once. */
    {
        sgss_socket *e[3];
        memset(seen, 0, sizeof seen);
        for (i = 0; i < 3; i++) {
            e[i] = udp_bound();
            OK(sgss_poller_add_with_mode(p, e[i], i + 1, true, false, SGSS_POLL_EDGE, NULL));
            send_to(sender, e[i]);
        }
        for (i = 0; i < 3; i++) {
            struct pollfd pfd = {(int)fd_of(e[i]), POLLIN, 0};
            CHECK(poll(&pfd, 1, 5000) == 1);
        }
        for (round = 0; round < 2; round++) {
            n = wait_events(p, ev, 2, 0);
            CHECK(n == (round == 0 ? 2u : 1u));
            for (i = 0; i < n && i < 2; i++) {
                CHECK(ev[i].key >= 1 && ev[i].key <= 3 && !seen[ev[i].key]);
                if (ev[i].key >= 1 && ev[i].key <= 3)
                    seen[ev[i].key] = true;
            }
        }
        CHECK(seen[1] && seen[2] && seen[3]);
        n = wait_events(p, ev, 2, 0);
        CHECK(n == 0);
        for (i = 0; i < 3; i++)
            sgss_socket_free(e[i]);
    }
    sgss_poller_free(p);
    for (i = 0; i < 3; i++)
        sgss_socket_free(s[i]);
    sgss_socket_free(sender);
}

struct notifier {
    const sgss_poller *poller;
    sgss_result result;
};

static void *notify_later(void *arg) {
    struct notifier *n = arg;
    sleep_ms(100);
    n->result = sgss_poller_notify(n->poller, NULL);
    return NULL;
}

struct waiter {
    const sgss_poller *poller;
    sgss_result result;
    size_t count;
};

static void *wait_long(void *arg) {
    struct waiter *w = arg;
    sgss_poll_event ev[2];
    w->result = sgss_poller_wait(w->poller, ev, 2, 30.0, &w->count, NULL);
    return NULL;
}

/* notify from another thread wakes a wait; a notify before the wait makes it return at
 * once; only one thread waits at a time. */
static void test_notify(void) {
    sgss_poller *p = new_poller();
    sgss_socket *a = udp_bound();
    sgss_poll_event ev[2];
    struct notifier n = {NULL, SGSS_RESULT_PANIC};
    struct waiter w = {NULL, SGSS_RESULT_PANIC, 99};
    pthread_t thread;
    double start;
    size_t count = 99;
    int tries;

    n.poller = p;
    OK(sgss_poller_add(p, a, 1, true, false, NULL));
    CHECK(pthread_create(&thread, NULL, notify_later, &n) == 0);
    start = now();
    OK(sgss_poller_wait(p, ev, 2, 30.0, &count, NULL));
    CHECK(count == 0 && now() - start < 20.0);
    CHECK(pthread_join(thread, NULL) == 0);
    CHECK(n.result == SGSS_RESULT_OK);

    OK(sgss_poller_notify(p, NULL));
    start = now();
    OK(sgss_poller_wait(p, ev, 2, SGSS_WAIT_FOREVER, &count, NULL)); /* notified already */
    CHECK(count == 0 && now() - start < 20.0);

    /* A second waiter is refused while the first waits. */
    w.poller = p;
    CHECK(pthread_create(&thread, NULL, wait_long, &w) == 0);
    for (tries = 0; tries < 1000; tries++) {
        sgss_error err;
        sgss_result r = sgss_poller_wait(p, ev, 2, 0, &count, &err);
        if (r == SGSS_RESULT_INVALID_ARGUMENT) {
            CHECK(strstr(err.message, "sgss_poller_wait") != NULL);
            break;
        }
        CHECK(r == SGSS_RESULT_OK && count == 0);
        sleep_ms(10);
    }
    CHECK(tries < 1000);
    /* Meanwhile adding, counting and removing work from this thread. */
    {
        sgss_socket *b = udp_bound();
        OK(sgss_poller_add(p, b, 2, false, false, NULL));
        CHECK(count_of(p) == 2);
        OK(sgss_poller_remove(p, b, NULL, NULL));
        sgss_socket_free(b);
    }
    OK(sgss_poller_notify(p, NULL));
    CHECK(pthread_join(thread, NULL) == 0);
    CHECK(w.result == SGSS_RESULT_OK && w.count == 0);

    sgss_poller_free(p);
    sgss_socket_free(a);
}

/* Edge: reported once per arrival. Oneshot: reported once, modify arms it again. */
static void test_modes(void) {
    sgss_poller *p = new_poller();
    sgss_socket *e = udp_bound(), *o = udp_bound(), *sender = udp_bound(), *l = udp_bound();
    sgss_poll_event ev[4];
    sgss_error err;
    size_t n;

    OK(sgss_poller_add_with_mode(p, l, 1, true, false, SGSS_POLL_LEVEL, NULL));
    OK(sgss_poller_add_with_mode(p, e, 2, true, false, SGSS_POLL_EDGE, NULL));
    OK(sgss_poller_add_with_mode(p, o, 3, true, false, SGSS_POLL_ONESHOT, NULL));
    send_to(sender, e);
    n = wait_events(p, ev, 4, 5.0);
    CHECK(n == 1 && ev[0].key == 2);
    n = wait_events(p, ev, 4, 0);
    CHECK(n == 0); /* still unread, but no new edge */
    send_to(sender, o);
    n = wait_events(p, ev, 4, 5.0);
    CHECK(n == 1 && ev[0].key == 3);
    send_to(sender, o);
    n = wait_events(p, ev, 4, 0.02);
    CHECK(n == 0); /* oneshot: disarmed */
    OK(sgss_poller_modify(p, o, true, false, NULL));
    n = wait_events(p, ev, 4, 5.0);
    CHECK(n == 1 && ev[0].key == 3);

    EXPECT(SGSS_RESULT_INVALID_ARGUMENT,
           sgss_poller_add_with_mode(p, sender, 4, true, false, 7, &err));
    CHECK(err.code == EINVAL && strstr(err.message, "sgss_poller_add_with_mode") != NULL &&
          strstr(err.message, "SGSS_POLL_LEVEL") != NULL);
    CHECK(count_of(p) == 3);

    sgss_poller_free(p);
    sgss_socket_free(e);
    sgss_socket_free(o);
    sgss_socket_free(l);
    sgss_socket_free(sender);
}

/* Closing or freeing a registered socket unregisters it; freeing the poller first leaves
 * the sockets working. */
static void test_close_and_free(void) {
    sgss_poller *p = new_poller();
    sgss_socket *a = udp_bound(), *b = udp_bound(), *c = udp_bound();
    sgss_poll_event ev[4];
    sgss_error err;
    size_t n;

    OK(sgss_poller_add(p, a, 1, true, true, NULL));
    OK(sgss_poller_add(p, b, 2, true, true, NULL));
    CHECK(count_of(p) == 2);
    OK(sgss_socket_close(a, NULL));
    CHECK(count_of(p) == 1);
    sgss_socket_free(b);
    CHECK(count_of(p) == 0);
    n = wait_events(p, ev, 4, 0);
    CHECK(n == 0);
    /* The closed handle: every poller call says CLOSED. */
    EXPECT(SGSS_RESULT_CLOSED, sgss_poller_add(p, a, 1, true, false, &err));
    CHECK(err.code == EBADF);
    EXPECT(SGSS_RESULT_CLOSED, sgss_poller_modify(p, a, true, false, NULL));
    EXPECT(SGSS_RESULT_CLOSED, sgss_poller_remove(p, a, NULL, NULL));
    sgss_socket_free(a);

    /* The poller goes first: the socket still works and can join another poller. */
    OK(sgss_poller_add(p, c, 3, false, true, NULL));
    sgss_poller_free(p);
    send_to(c, c);
    drain(c);
    p = new_poller();
    OK(sgss_poller_add(p, c, 3, false, true, NULL));
    n = wait_events(p, ev, 4, 5.0);
    CHECK(n == 1 && ev[0].key == 3 && ev[0].writable);
    sgss_poller_free(p);
    sgss_socket_free(c);
}

/* The descriptor is readable (for a host's poll) when a wait would report something. */
static void test_fd_in_host_loop(void) {
    sgss_poller *p = new_poller();
    sgss_socket *a = udp_bound();
    struct pollfd pfd;
    int64_t fd = -1;
    sgss_poll_event ev[1];

    OK(sgss_poller_add(p, a, 9, true, false, NULL));
    OK(sgss_poller_descriptor(p, &fd, NULL));
    pfd.fd = (int)fd;
    pfd.events = POLLIN;
    pfd.revents = 0;
    CHECK(poll(&pfd, 1, 0) == 0);
    send_to(a, a);
    CHECK(poll(&pfd, 1, 5000) == 1 && (pfd.revents & POLLIN));
    CHECK(wait_events(p, ev, 1, 0) == 1 && ev[0].key == 9);
    sgss_poller_free(p);
    sgss_socket_free(a);
}

static void test_errors(void) {
    sgss_poller *p = new_poller();
    sgss_socket *a = udp_bound(), *b = udp_bound();
    sgss_poll_event ev[2];
    sgss_error err;
    size_t count = 77;
    uint64_t key = 77;
    int64_t fd = 77;

    /* Double add: an error naming the call, nothing changed. */
    OK(sgss_poller_add(p, a, 1, true, false, NULL));
    EXPECT(SGSS_RESULT_OS_ERROR, sgss_poller_add(p, a, 2, true, false, &err));
    CHECK(err.code == EEXIST && strstr(err.message, "poller add") != NULL);
    EXPECT(SGSS_RESULT_OS_ERROR, sgss_poller_add_with_mode(p, a, 2, true, false, SGSS_POLL_EDGE, &err));
    CHECK(err.code == EEXIST);
    CHECK(count_of(p) == 1);

    /* Not registered: remove and modify fail, out_key untouched. */
    EXPECT(SGSS_RESULT_OS_ERROR, sgss_poller_remove(p, b, &key, &err));
    CHECK(err.code == ENOENT && key == 77 && strstr(err.message, "poller remove") != NULL);
    EXPECT(SGSS_RESULT_OS_ERROR, sgss_poller_modify(p, b, true, false, &err));
    CHECK(err.code == ENOENT && strstr(err.message, "poller modify") != NULL);

    /* The reserved key. */
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_poller_add(p, b, UINT64_MAX, true, false, &err));
    CHECK(err.code == EINVAL && strstr(err.message, "sgss_poller_add") != NULL);
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT,
           sgss_poller_add_with_mode(p, b, UINT64_MAX, true, false, SGSS_POLL_LEVEL, NULL));
    OK(sgss_poller_add(p, b, UINT64_MAX - 1, true, false, NULL));
    OK(sgss_poller_remove(p, b, &key, NULL));
    CHECK(key == UINT64_MAX - 1);

    /* NULL arguments, before anything happens. */
    NULLARG(sgss_poller_new(NULL, &err));
    CHECK(err.code == EINVAL && strstr(err.message, "sgss_poller_new: argument out is NULL") != NULL);
    NULLARG(sgss_poller_add(NULL, a, 1, true, false, NULL));
    NULLARG(sgss_poller_add(p, NULL, 1, true, false, &err));
    CHECK(strstr(err.message, "sgss_poller_add: argument socket is NULL") != NULL);
    NULLARG(sgss_poller_add_with_mode(NULL, a, 1, true, false, SGSS_POLL_LEVEL, NULL));
    NULLARG(sgss_poller_add_with_mode(p, NULL, 1, true, false, SGSS_POLL_LEVEL, NULL));
    NULLARG(sgss_poller_modify(NULL, a, true, false, NULL));
    NULLARG(sgss_poller_modify(p, NULL, true, false, NULL));
    NULLARG(sgss_poller_remove(NULL, a, &key, NULL));
    NULLARG(sgss_poller_remove(p, NULL, &key, NULL));
    NULLARG(sgss_poller_count(NULL, &count, NULL));
    NULLARG(sgss_poller_count(p, NULL, NULL));
    NULLARG(sgss_poller_wait(NULL, ev, 2, 0, &count, NULL));
    NULLARG(sgss_poller_wait(p, NULL, 2, 0, &count, NULL));
    NULLARG(sgss_poller_wait(p, ev, 2, 0, NULL, NULL));
    NULLARG(sgss_poller_notify(NULL, NULL));
    NULLARG(sgss_poller_descriptor(NULL, &fd, NULL));
    NULLARG(sgss_poller_descriptor(p, NULL, NULL));
    CHECK(count == 77 && fd == 77);
    CHECK(count_of(p) == 1); /* a is still the only one */

    /* Bad values. */
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_poller_wait(p, ev, 0, 0, &count, &err));
    CHECK(err.code == EINVAL && strstr(err.message, "sgss_poller_wait") != NULL);
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_poller_wait(p, ev, SIZE_MAX, 0, &count, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_poller_wait(p, ev, 2, NAN, &count, NULL));
    /* Negative is invalid too (one rule for every call that waits), never "forever". */
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_poller_wait(p, ev, 2, -1.0, &count, &err));
    CHECK(err.code == EINVAL);
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_poller_wait(p, ev, 2, -0.001, &count, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_poller_wait(p, ev, 2, -INFINITY, &count, NULL));
    CHECK(count == 77);

    /* Success clears err. */
    OK(sgss_poller_wait(p, ev, 2, 0, &count, &err));
    CHECK(count == 0 && err.result == 0 && err.code == 0 && err.message[0] == '\0');

    sgss_poller_free(p);
    sgss_socket_free(a);
    sgss_socket_free(b);
}

/* 2,000 registered sockets, descriptors past 1023: exactly the ready ones come back. */
static void test_many(void) {
    enum { WANT = 2000 };
    static sgss_socket *many[WANT];
    static sgss_poll_event ev[WANT];
    static const size_t ready_ones[] = {0, 1023, 1024, 1500, 1999};
    enum { READY = sizeof ready_ones / sizeof ready_ones[0] };
    struct rlimit limit;
    sgss_poller *p;
    sgss_socket *sender;
    sgss_address *any = NULL;
    bool seen[WANT];
    size_t i, n, total = 0;
    int round;

    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_max < WANT + 100) {
        printf("test_poller: SKIPPED the 2,000-socket case: RLIMIT_NOFILE hard limit %llu < %d\n",
               (unsigned long long)limit.rlim_max, WANT + 100);
        return;
    }
    if (limit.rlim_cur < WANT + 100) {
        limit.rlim_cur = WANT + 100;
        if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
            printf("test_poller: SKIPPED the 2,000-socket case: cannot raise RLIMIT_NOFILE\n");
            return;
        }
    }
    p = new_poller();
    sender = udp_bound();
    for (i = 0; i < WANT; i++) {
        many[i] = NULL;
        if (sgss_socket_udp(false, &many[i], NULL) != SGSS_RESULT_OK)
            break;
    }
    if (i < WANT) {
        printf("test_poller: SKIPPED the 2,000-socket case: only %zu sockets could be made\n", i);
        for (n = 0; n < i; n++)
            sgss_socket_free(many[n]);
        sgss_socket_free(sender);
        sgss_poller_free(p);
        return;
    }
    {
        int64_t fd = 0;
        OK(sgss_socket_descriptor(many[WANT - 1], &fd, NULL));
        CHECK(fd > 1023);
    }
    for (i = 0; i < WANT; i++)
        OK(sgss_poller_add(p, many[i], i, true, false, NULL));
    CHECK(count_of(p) == WANT);
    OK(sgss_address_from_text("127.0.0.1:0", &any, NULL));
    for (i = 0; i < READY; i++) {
        OK(sgss_socket_bind(many[ready_ones[i]], any, NULL));
        send_to(sender, many[ready_ones[i]]);
    }
    sgss_address_free(any);

    /* Level-triggered, so wait until all have arrived, then check one full wait. */
    for (round = 0; round < 100; round++) {
        n = wait_events(p, ev, WANT, 5.0);
        if (n == READY)
            break;
    }
    CHECK(n == READY);
    memset(seen, 0, sizeof seen);
    for (i = 0; i < n && i < WANT; i++) {
        CHECK(ev[i].key < WANT && ev[i].readable && !ev[i].writable);
        if (ev[i].key < WANT)
            seen[ev[i].key] = true;
    }
    for (i = 0; i < READY; i++) {
        CHECK(seen[ready_ones[i]]);
        total += seen[ready_ones[i]];
    }
    CHECK(total == READY);

    /* With a small array, every one still comes back exactly once over several waits. */
    memset(seen, 0, sizeof seen);
    total = 0;
    for (round = 0; round < READY; round++) {
        n = wait_events(p, ev, 2, 5.0);
        for (i = 0; i < n && i < 2; i++) {
            if (ev[i].key < WANT && !seen[ev[i].key]) {
                seen[ev[i].key] = true;
                total++;
            }
        }
        if (total == READY)
            break;
    }
    CHECK(total == READY);

    for (i = 0; i < WANT; i++)
        sgss_socket_free(many[i]);
    CHECK(count_of(p) == 0);
    sgss_poller_free(p);
    sgss_socket_free(sender);
}

int main(void) {
    test_new_free_count_fd();
    test_level_and_interest();
    test_listener_and_peer_close();
    test_timeouts();
    test_overflow();
    test_notify();
    test_modes();
    test_close_and_free();
    test_fd_in_host_loop();
    test_errors();
    test_many();
    return check_finish("test_poller");
}
