/* sgss_poller_wait against a raw epoll_wait loop over the same sockets, in the same run:
 * N registered idle UDP sockets plus one ready one (a datagram never read). Rounds of raw
 * and library waits are interleaved (pairs); each is timed in this thread's CPU time and in
 * wall time, and the summary gives the medians of the pairs, so other load on the machine
 * does not skew the ratio.
 * Usage: sgssockets-ffi/benches/run.sh poller [waits per round [pairs]] */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <time.h>

#include "sgssockets.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#define MUST(call)                                                                         \
    do {                                                                                   \
        if ((call) != SGSS_RESULT_OK) {                                                    \
            fprintf(stderr, "%s failed\n", #call);                                         \
            exit(1);                                                                       \
        }                                                                                  \
    } while (0)

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median of values[0..n] (sorts them). */
static double median(double *values, int n)
{
    qsort(values, (size_t)n, sizeof *values, by_value);
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

#define MAX_ROUNDS 1000

static double raw_cpu[MAX_ROUNDS], raw_wall[MAX_ROUNDS], lib_cpu[MAX_ROUNDS],
    lib_wall[MAX_ROUNDS], ratio_cpu[MAX_ROUNDS], ratio_wall[MAX_ROUNDS];

static void bench(int count, int waits, int rounds)
{
    sgss_socket **sockets = calloc((size_t)count, sizeof *sockets);
    sgss_poll_event *events = calloc((size_t)count + 1, sizeof *events);
    struct epoll_event *raw = calloc((size_t)count + 1, sizeof *raw);
    sgss_poller *poller = NULL;
    sgss_address *loopback = NULL, *target = NULL;
    sgss_socket *sender = NULL;
    int ep = epoll_create1(EPOLL_CLOEXEC);
    int i, round;
    size_t ready = 0, sent = 0;

    MUST(sgss_poller_new(&poller, NULL));
    MUST(sgss_address_from_host_text(AF_INET, "127.0.0.1", 0, &loopback, NULL));
    for (i = 0; i < count; i++) {
        int64_t fd = -1;
        struct epoll_event ev;
        MUST(sgss_socket_udp(false, &sockets[i], NULL));
        MUST(sgss_socket_bind(sockets[i], loopback, NULL));
        MUST(sgss_poller_add(poller, sockets[i], (uint64_t)i, true, false, NULL));
        MUST(sgss_socket_descriptor(sockets[i], &fd, NULL));
        ev.events = EPOLLIN;
        ev.data.u64 = (uint64_t)i;
        epoll_ctl(ep, EPOLL_CTL_ADD, (int)fd, &ev);
    }
    MUST(sgss_socket_local_address(sockets[count / 2], &target, NULL));
    MUST(sgss_socket_udp(false, &sender, NULL));
    MUST(sgss_socket_send_to(sender, "x", 1, 0, target, &sent, NULL));
    while (ready != 1)
        MUST(sgss_poller_wait(poller, events, (size_t)count + 1, 5.0, &ready, NULL));

    for (round = 0; round < rounds; round++) {
        double w0 = now(), c0 = cpu_now(), w1, c1;
        for (i = 0; i < waits; i++)
            epoll_wait(ep, raw, count + 1, 0);
        w1 = now();
        c1 = cpu_now();
        raw_cpu[round] = (c1 - c0) * 1e9 / waits;
        raw_wall[round] = (w1 - w0) * 1e9 / waits;
        for (i = 0; i < waits; i++)
            sgss_poller_wait(poller, events, (size_t)count + 1, 0.0, &ready, NULL);
        lib_cpu[round] = (cpu_now() - c1) * 1e9 / waits;
        lib_wall[round] = (now() - w1) * 1e9 / waits;
        ratio_cpu[round] = lib_cpu[round] / raw_cpu[round];
        ratio_wall[round] = lib_wall[round] / raw_wall[round];
        if (ready != 1) {
            fprintf(stderr, "sgss_poller_wait reported %zu ready, not 1\n", ready);
            exit(1);
        }
    }
    printf("%6d %11.1f %10.1f %11.1f %10.1f %9.3fx %9.3fx\n", count, median(raw_cpu, rounds),
           median(raw_wall, rounds), median(lib_cpu, rounds), median(lib_wall, rounds),
           median(ratio_cpu, rounds), median(ratio_wall, rounds));
    for (i = 0; i < count; i++)
        sgss_socket_free(sockets[i]);
    sgss_socket_free(sender);
    sgss_address_free(loopback);
    sgss_address_free(target);
    sgss_poller_free(poller);
    free(sockets);
    free(events);
    free(raw);
}

int main(int argc, char **argv)
{
    int waits = argc > 1 ? atoi(argv[1]) : 20000;
    int rounds = argc > 2 ? atoi(argv[2]) : 40;
    struct rlimit limit;
    getrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_cur < 20100 && limit.rlim_max >= 20100) {
        limit.rlim_cur = 20100;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
    if (waits < 1 || rounds < 1 || rounds > MAX_ROUNDS) {
        fprintf(stderr, "usage: poller_wait [waits >= 1 [pairs 1..%d]]\n", MAX_ROUNDS);
        return 2;
    }
    printf("%d pairs of %d waits each, raw and sgss_poller_wait interleaved\n", rounds, waits);
    printf("(ns per wait; cpu = this thread's CPU time, wall = elapsed; median of pairs)\n");
    printf("%6s %11s %10s %11s %10s %10s %10s\n", "idle", "raw cpu", "raw wall", "sgss cpu",
           "sgss wall", "sgss/raw", "(wall)");
    bench(100, waits, rounds);
    bench(10000, waits, rounds);
    return 0;
}
