/*
 * pingpong.c: 64-byte TCP ping-pong round trips over loopback, through the sgssockets C
 * API and through raw syscalls, in the same run, interleaved so both see the same machine.
 *
 * A client thread sends 64 bytes, an echo thread sends them back; one round trip is one
 * send + recv on each side. Each variant runs ROUNDS times (raw, api, raw, api, ...) and
 * the median and best time per round trip are reported, with the API's overhead in percent.
 *
 * Build and run: sgssockets-ffi/benches/run.sh [round_trips_per_round [rounds]]
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sgssockets.h"

#define MSG 64

static long trips = 10000;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what) {
    fprintf(stderr, "pingpong: %s failed\n", what);
    exit(1);
}

/* ---- raw syscalls ---- */

static int raw_full(int fd, char *buf, int sending) {
    size_t done = 0;
    while (done < MSG) {
        ssize_t n = sending ? send(fd, buf + done, MSG - done, MSG_NOSIGNAL)
                            : recv(fd, buf + done, MSG - done, 0);
        if (n <= 0)
            return -1;
        done += (size_t)n;
    }
    return 0;
}

static void *raw_echo(void *arg) {
    int fd = *(int *)arg;
    char buf[MSG];
    long i;
    for (i = 0; i < trips; i++) {
        if (raw_full(fd, buf, 0) || raw_full(fd, buf, 1))
            die("raw echo");
    }
    return NULL;
}

static double raw_round(void) {
    int one = 1, listener, client, server;
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    pthread_t thread;
    char buf[MSG];
    double start, elapsed;
    long i;

    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    listener = socket(AF_INET, SOCK_STREAM, 0);
    if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof addr) ||
        listen(listener, 1) || getsockname(listener, (struct sockaddr *)&addr, &len))
        die("raw listen");
    client = socket(AF_INET, SOCK_STREAM, 0);
    if (client < 0 || connect(client, (struct sockaddr *)&addr, sizeof addr))
        die("raw connect");
    server = accept(listener, NULL, NULL);
    if (server < 0)
        die("raw accept");
    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    memset(buf, 'x', sizeof buf);
    pthread_create(&thread, NULL, raw_echo, &server);
    start = now();
    for (i = 0; i < trips; i++) {
        if (raw_full(client, buf, 1) || raw_full(client, buf, 0))
            die("raw client");
    }
    elapsed = now() - start;
    pthread_join(thread, NULL);
    close(client);
    close(server);
    close(listener);
    return elapsed / (double)trips;
}

/* ---- sgssockets API ---- */

static int api_full(const sgss_socket *s, char *buf, int sending) {
    size_t done = 0;
    while (done < MSG) {
        size_t n = 0;
        sgss_result r = sending ? sgss_socket_send(s, buf + done, MSG - done, 0, &n, NULL)
                                : sgss_socket_recv(s, buf + done, MSG - done, 0, &n, NULL);
        if (r != SGSS_RESULT_OK)
            return -1;
        done += n;
    }
    return 0;
}

static void *api_echo(void *arg) {
    const sgss_socket *s = arg;
    char buf[MSG];
    long i;
    for (i = 0; i < trips; i++) {
        if (api_full(s, buf, 0) || api_full(s, buf, 1))
            die("api echo");
    }
    return NULL;
}

static double api_round(void) {
    sgss_socket *listener = NULL, *client = NULL, *server = NULL;
    sgss_address *addr = NULL;
    pthread_t thread;
    char buf[MSG];
    double start, elapsed;
    long i;

    if (sgss_socket_tcp(false, &listener, NULL) ||
        sgss_address_from_text("127.0.0.1:0", &addr, NULL) ||
        sgss_socket_bind(listener, addr, NULL) || sgss_socket_listen(listener, 1, NULL))
        die("api listen");
    sgss_address_free(addr);
    if (sgss_socket_local_address(listener, &addr, NULL) ||
        sgss_socket_tcp(false, &client, NULL) || sgss_socket_connect(client, addr, NULL) ||
        sgss_socket_accept(listener, &server, NULL, NULL))
        die("api connect");
    sgss_socket_set_nodelay(client, true, NULL);
    sgss_socket_set_nodelay(server, true, NULL);
    memset(buf, 'x', sizeof buf);
    pthread_create(&thread, NULL, api_echo, server);
    start = now();
    for (i = 0; i < trips; i++) {
        if (api_full(client, buf, 1) || api_full(client, buf, 0))
            die("api client");
    }
    elapsed = now() - start;
    pthread_join(thread, NULL);
    sgss_socket_free(client);
    sgss_socket_free(server);
    sgss_socket_free(listener);
    sgss_address_free(addr);
    return elapsed / (double)trips;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    int rounds = 15, i;
    double raw[64], api[64], ratio[64], raw_median, api_median;

    if (argc > 1)
        trips = atol(argv[1]);
    if (argc > 2)
        rounds = atoi(argv[2]);
    if (trips < 1 || rounds < 1 || rounds > 64) {
        fprintf(stderr, "usage: pingpong [round_trips_per_round [rounds (1..64)]]\n");
        return 2;
    }
    (void)raw_round(); /* warm-up */
    (void)api_round();
    for (i = 0; i < rounds; i++) {
        raw[i] = raw_round();
        api[i] = api_round();
        ratio[i] = api[i] / raw[i];
        printf("round %d: raw %.2f us, api %.2f us per round trip\n", i + 1, raw[i] * 1e6,
               api[i] * 1e6);
    }
    qsort(ratio, (size_t)rounds, sizeof ratio[0], by_value);
    qsort(raw, (size_t)rounds, sizeof raw[0], by_value);
    qsort(api, (size_t)rounds, sizeof api[0], by_value);
    raw_median = raw[rounds / 2];
    api_median = api[rounds / 2];
    printf("64-byte TCP ping-pong over loopback, %ld round trips x %d rounds, median:\n", trips,
           rounds);
    printf("  raw syscalls: %.2f us per round trip\n", raw_median * 1e6);
    printf("  sgssockets C API: %.2f us per round trip (%+.1f%%)\n", api_median * 1e6,
           (api_median / raw_median - 1.0) * 100.0);
    printf("  best round: raw %.2f us, api %.2f us (%+.1f%%)\n", raw[0] * 1e6, api[0] * 1e6,
           (api[0] / raw[0] - 1.0) * 100.0);
    printf("  median of paired rounds (api/raw): %+.1f%%\n", (ratio[rounds / 2] - 1.0) * 100.0);
    return 0;
}
