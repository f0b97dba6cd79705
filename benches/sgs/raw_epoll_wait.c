/* The raw side of poller_wait.sgs: epoll_wait over N registered idle UDP sockets plus one
 * ready one, timed per wait, in C with no library. Usage: raw_epoll_wait [N [waits]] */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    int count = argc > 1 ? atoi(argv[1]) : 10000;
    int waits = argc > 2 ? atoi(argv[2]) : 20000;
    int ep = epoll_create1(EPOLL_CLOEXEC);
    int *fds = calloc((size_t)count, sizeof *fds);
    struct epoll_event *events = calloc((size_t)count + 1, sizeof *events);
    struct sockaddr_in addr = {0};
    socklen_t len = sizeof addr;
    int i, sender;
    double t0, t;

    for (i = 0; i < count; i++) {
        struct sockaddr_in any = {0};
        struct epoll_event ev = {0};
        any.sin_family = AF_INET;
        any.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        fds[i] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fds[i] < 0 || bind(fds[i], (struct sockaddr *)&any, sizeof any) != 0) {
            printf("cannot make %d sockets: raise ulimit -n\n", count);
            return 1;
        }
        ev.events = EPOLLIN;
        ev.data.u64 = (unsigned)i;
        epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev);
    }
    getsockname(fds[count / 2], (struct sockaddr *)&addr, &len);
    sender = socket(AF_INET, SOCK_DGRAM, 0);
    sendto(sender, "x", 1, 0, (struct sockaddr *)&addr, len);
    while (epoll_wait(ep, events, count + 1, 5000) != 1) {
    }
    t0 = now();
    for (i = 0; i < waits; i++)
        epoll_wait(ep, events, count + 1, 0);
    t = now() - t0;
    printf("raw epoll_wait, %d registered + 1 ready: %.3f us per wait\n", count, t * 1e6 / waits);
    return 0;
}
