/* sgss_poller_wait against a raw epoll_wait loop over the same sockets, in the same run:
 * N registered idle UDP sockets plus one ready one (a datagram never read).
 * Usage: sgssockets-ffi/benches/run.sh poller [waits [rounds]] */
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
        double t0 = now(), raw_us, lib_us;
        for (i = 0; i < waits; i++)
            epoll_wait(ep, raw, count + 1, 0);
        raw_us = (now() - t0) * 1e6 / waits;
        t0 = now();
        for (i = 0; i < waits; i++)
            sgss_poller_wait(poller, events, (size_t)count + 1, 0.0, &ready, NULL);
        lib_us = (now() - t0) * 1e6 / waits;
        printf("%6d registered + 1 ready: raw epoll_wait %.3f us, sgss_poller_wait %.3f us (%.2fx)\n",
               count, raw_us, lib_us, lib_us / raw_us);
    }
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
    int rounds = argc > 2 ? atoi(argv[2]) : 3;
    struct rlimit limit;
    getrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_cur < 20100 && limit.rlim_max >= 20100) {
        limit.rlim_cur = 20100;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
    bench(100, waits, rounds);
    bench(10000, waits, rounds);
    return 0;
}
