/* The raw side of select_vs_poll.sh: what socket_select does for N UDP sockets (one of them
 * readable) in C with no library: fill a pollfd array from the list, poll(2) with no wait,
 * keep the ready ones in order. Timed per call. Usage: raw_poll_select [N [calls]] */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
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
    int count = argc > 1 ? atoi(argv[1]) : 901;
    int calls = argc > 2 ? atoi(argv[2]) : 20000;
    int *fds = calloc((size_t)count, sizeof *fds);
    int *ready = calloc((size_t)count, sizeof *ready);
    struct pollfd *pfds = calloc((size_t)count, sizeof *pfds);
    struct sockaddr_in addr = {0};
    socklen_t len = sizeof addr;
    int i, c, kept = 0, sender;
    double t0, t;

    for (i = 0; i < count; i++) {
        struct sockaddr_in any = {0};
        any.sin_family = AF_INET;
        any.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        fds[i] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fds[i] < 0 || bind(fds[i], (struct sockaddr *)&any, sizeof any) != 0) {
            printf("cannot make %d sockets: raise ulimit -n\n", count);
            return 1;
        }
    }
    getsockname(fds[count / 2], (struct sockaddr *)&addr, &len);
    sender = socket(AF_INET, SOCK_DGRAM, 0);
    sendto(sender, "x", 1, 0, (struct sockaddr *)&addr, len);
    t0 = now();
    for (c = 0; c < calls; c++) {
        for (i = 0; i < count; i++) {
            pfds[i].fd = fds[i];
            pfds[i].events = POLLIN;
            pfds[i].revents = 0;
        }
        poll(pfds, (nfds_t)count, 1000);
        kept = 0;
        for (i = 0; i < count; i++)
            if (pfds[i].revents)
                ready[kept++] = fds[i];
    }
    t = now() - t0;
    printf("raw poll, %d sockets (1 ready): %.3f us per call (kept %d)\n", count, t * 1e6 / calls, kept);
    return 0;
}
