/* Thread-safety as documented: one socket used by several threads at once (a receiver
 * thread blocked in recv while the main thread sends on the same socket and selects on it),
 * and independent sockets created and used in parallel. Every wait has a timeout. */
#include <sys/socket.h>
#include <pthread.h>

#include "check.h"

#define ROUNDS 200

struct pair {
    sgss_socket *a; /* both ends of one UDP "connection" */
    sgss_socket *b;
    int received;   /* written by the receiver thread only, read after join */
};

static sgss_socket *udp_loopback(void) {
    sgss_socket *s = NULL;
    sgss_address *any = NULL;
    if (sgss_socket_udp(false, &s, NULL) != SGSS_RESULT_OK)
        return NULL;
    sgss_address_from_text("127.0.0.1:0", &any, NULL);
    sgss_socket_bind(s, any, NULL);
    sgss_socket_set_recv_timeout(s, 5.0, NULL);
    sgss_address_free(any);
    return s;
}

static void *receiver(void *arg) {
    struct pair *p = arg;
    char buf[16];
    int i;
    for (i = 0; i < ROUNDS; i++) {
        size_t n = 0;
        /* Receives on `a` while the main thread sends on `a` too. */
        if (sgss_socket_recv(p->a, buf, sizeof buf, 0, &n, NULL) != SGSS_RESULT_OK || n != 4)
            break;
        p->received++;
    }
    return NULL;
}

static void test_shared_socket(void) {
    struct pair p = {NULL, NULL, 0};
    sgss_address *where_a = NULL, *where_b = NULL;
    pthread_t thread;
    int i, sent = 0, echoed = 0;

    p.a = udp_loopback();
    p.b = udp_loopback();
    CHECK(p.a != NULL && p.b != NULL);
    OK(sgss_socket_local_address(p.a, &where_a, NULL));
    OK(sgss_socket_local_address(p.b, &where_b, NULL));
    OK(sgss_socket_connect(p.a, where_b, NULL));
    OK(sgss_socket_connect(p.b, where_a, NULL));
    CHECK(pthread_create(&thread, NULL, receiver, &p) == 0);
    for (i = 0; i < ROUNDS; i++) {
        size_t n = 0, ready = 0, count = 1;
        char buf[16];
        sgss_socket *readable[1];
        /* Main thread: send on a (shared with the receiver), bounce it back from b. */
        if (sgss_socket_send(p.a, "ping", 4, 0, &n, NULL) == SGSS_RESULT_OK)
            sent++;
        readable[0] = p.b;
        OK(sgss_socket_select(readable, &count, NULL, NULL, NULL, NULL, 5.0, &ready, NULL));
        if (ready == 1 && sgss_socket_recv(p.b, buf, sizeof buf, 0, &n, NULL) == SGSS_RESULT_OK &&
            sgss_socket_send(p.b, buf, n, 0, &n, NULL) == SGSS_RESULT_OK)
            echoed++;
    }
    CHECK(pthread_join(thread, NULL) == 0);
    CHECK(sent == ROUNDS && echoed == ROUNDS && p.received == ROUNDS);
    sgss_address_free(where_a);
    sgss_address_free(where_b);
    sgss_socket_free(p.a);
    sgss_socket_free(p.b);
}

static void *independent(void *arg) {
    int *ok = arg, i;
    for (i = 0; i < 50; i++) {
        sgss_socket *s = udp_loopback();
        sgss_address *where = NULL;
        char buf[8];
        size_t n = 0;
        if (s == NULL || sgss_socket_local_address(s, &where, NULL) != SGSS_RESULT_OK ||
            sgss_socket_send_to(s, "self", 4, 0, where, &n, NULL) != SGSS_RESULT_OK ||
            sgss_socket_recv(s, buf, sizeof buf, 0, &n, NULL) != SGSS_RESULT_OK || n != 4)
            *ok = 0;
        sgss_address_free(where);
        sgss_socket_free(s);
    }
    return NULL;
}

static void test_independent_sockets(void) {
    pthread_t threads[4];
    int ok[4] = {1, 1, 1, 1}, i;
    for (i = 0; i < 4; i++)
        CHECK(pthread_create(&threads[i], NULL, independent, &ok[i]) == 0);
    for (i = 0; i < 4; i++) {
        CHECK(pthread_join(threads[i], NULL) == 0);
        CHECK(ok[i]);
    }
}

int main(void) {
    test_shared_socket();
    test_independent_sockets();
    return check_finish("test_threads");
}
