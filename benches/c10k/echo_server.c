/* C10k reference: a raw C epoll echo server (one thread, level-triggered).
 *
 *   gcc -O2 -o echo_server echo_server.c
 *   ./echo_server [PORT=0 [LIFETIME_SECONDS=120]]
 *
 * Listens on 127.0.0.1:PORT, prints "port N" on its first line, echoes whatever each
 * connection sends, and exits by itself after LIFETIME_SECONDS. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_EVENTS 1024
#define LISTENER_KEY UINT64_MAX

/* Bytes not yet echoed because the send buffer was full, per descriptor. */
struct pending {
    char *data;
    size_t len;
};

static struct pending *pending;
static size_t pending_cap;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what) {
    perror(what);
    exit(1);
}

static void set_interest(int ep, int fd, uint32_t events) {
    struct epoll_event ev = {.events = events, .data.u64 = (uint64_t)fd};
    if (epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev) != 0) die("epoll_ctl(MOD)");
}

static void drop_conn(int fd) {
    if ((size_t)fd < pending_cap) {
        free(pending[fd].data);
        pending[fd].data = NULL;
        pending[fd].len = 0;
    }
    close(fd); /* also leaves the epoll set */
}

static void keep_unsent(int ep, int fd, const char *data, size_t len) {
    if ((size_t)fd >= pending_cap) {
        size_t cap = (size_t)fd * 2 + 64;
        pending = realloc(pending, cap * sizeof *pending);
        if (!pending) die("realloc");
        memset(pending + pending_cap, 0, (cap - pending_cap) * sizeof *pending);
        pending_cap = cap;
    }
    struct pending *p = &pending[fd];
    p->data = realloc(p->data, p->len + len);
    if (!p->data) die("realloc");
    memcpy(p->data + p->len, data, len);
    p->len += len;
    set_interest(ep, fd, EPOLLOUT);
}

int main(int argc, char **argv) {
    int port = argc > 1 ? atoi(argv[1]) : 0;
    double lifetime = argc > 2 ? atof(argv[2]) : 120;

    int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (listener < 0) die("socket");
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0) die("bind");
    if (listen(listener, 4096) != 0) die("listen");
    socklen_t len = sizeof addr;
    if (getsockname(listener, (struct sockaddr *)&addr, &len) != 0) die("getsockname");
    printf("port %d\n", ntohs(addr.sin_port));
    fflush(stdout);

    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) die("epoll_create1");
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = LISTENER_KEY};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev) != 0) die("epoll_ctl(ADD)");

    static struct epoll_event events[MAX_EVENTS];
    static char buf[65536];
    double deadline = now_s() + lifetime;
    while (now_s() < deadline) {
        int n = epoll_wait(ep, events, MAX_EVENTS, 200);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            if (events[i].data.u64 == LISTENER_KEY) {
                for (;;) {
                    int c = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                    if (c < 0) {
                        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                            perror("accept4"); /* EMFILE: the rest stay queued */
                        break;
                    }
                    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct epoll_event cev = {.events = EPOLLIN, .data.u64 = (uint64_t)c};
                    if (epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev) != 0) die("epoll_ctl(ADD)");
                }
                continue;
            }
            int fd = (int)events[i].data.u64;
            if ((size_t)fd < pending_cap && pending[fd].len > 0) {
                struct pending *p = &pending[fd];
                ssize_t w = send(fd, p->data, p->len, MSG_NOSIGNAL);
                if (w < 0) {
                    if (errno != EAGAIN && errno != EINTR) drop_conn(fd);
                    continue;
                }
                memmove(p->data, p->data + w, p->len - (size_t)w);
                p->len -= (size_t)w;
                if (p->len == 0) set_interest(ep, fd, EPOLLIN);
                continue;
            }
            ssize_t r = recv(fd, buf, sizeof buf, 0);
            if (r == 0) {
                drop_conn(fd);
                continue;
            }
            if (r < 0) {
                if (errno != EAGAIN && errno != EINTR) drop_conn(fd);
                continue;
            }
            ssize_t w = send(fd, buf, (size_t)r, MSG_NOSIGNAL);
            if (w == r) continue;
            if (w < 0) {
                if (errno != EAGAIN && errno != EINTR) {
                    drop_conn(fd);
                    continue;
                }
                w = 0;
            }
            keep_unsent(ep, fd, buf + w, (size_t)(r - w));
        }
    }
    return 0;
}
