/*
 * poller_echo.c: a TCP echo server for many clients on one thread, driven by sgss_poller.
 *
 * Every socket is non-blocking and registered once, with its slot number as the key.
 * A connection is watched for reading; when the peer reads slower than it writes and an
 * echo cannot be sent whole, the rest is kept and the connection is watched for writing
 * instead until it is sent (so a slow reader never blocks the others or loses bytes).
 *
 *   ./poller_echo [port [clients]]
 *
 * listens on 127.0.0.1:port (0 or nothing: the OS picks; the first line printed says
 * which) and serves until `clients` connections have come and gone (forever without it).
 *
 * Build and run (after sgssockets-ffi/install.sh PREFIX):
 *   cc -std=c99 examples/c/poller_echo.c $(pkg-config --cflags --libs sgssockets) -o poller_echo
 *   ./poller_echo 7777 &
 *   nc 127.0.0.1 7777
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sgssockets.h"

#define MAX_CONNECTIONS 4096
#define BUFFER_SIZE 4096
#define LISTENER_KEY UINT64_C(0) /* connections use their slot + 1 */

struct connection {
    sgss_socket *socket;      /* NULL: a free slot */
    char pending[BUFFER_SIZE]; /* received, not yet echoed */
    size_t start, end;
};

static struct connection *connections;
static size_t free_slots[MAX_CONNECTIONS];
static size_t free_count;
static unsigned long served, open_now;
static unsigned long long echoed;

static void report(const char *what, const sgss_error *err) {
    fprintf(stderr, "poller_echo: %s: %s\n", what, err->message);
}

/* Frees a connection: freeing a socket also takes it out of the poller. */
static void drop_connection(size_t slot) {
    sgss_socket_free(connections[slot].socket);
    connections[slot].socket = NULL;
    free_slots[free_count++] = slot;
    open_now--;
    served++;
}

/* Accepts every waiting connection (the listener is non-blocking). */
static int accept_all(const sgss_poller *poller, const sgss_socket *listener) {
    for (;;) {
        sgss_socket *socket = NULL;
        sgss_error err;
        size_t slot;
        sgss_result r = sgss_socket_accept(listener, &socket, NULL, &err);
        if (r == SGSS_RESULT_WOULD_BLOCK)
            return 0;
        if (r != SGSS_RESULT_OK) {
            report("accept", &err);
            return r == SGSS_RESULT_OS_ERROR ? 0 : -1; /* e.g. ECONNABORTED, EMFILE */
        }
        if (free_count == 0) {
            fprintf(stderr, "poller_echo: too many connections, refusing one\n");
            sgss_socket_free(socket);
            continue;
        }
        slot = free_slots[--free_count];
        if (sgss_socket_set_blocking(socket, false, &err) != SGSS_RESULT_OK ||
            sgss_poller_add(poller, socket, slot + 1, true, false, &err) != SGSS_RESULT_OK) {
            report("new connection", &err);
            sgss_socket_free(socket);
            free_slots[free_count++] = slot;
            continue;
        }
        connections[slot].socket = socket;
        connections[slot].start = connections[slot].end = 0;
        open_now++;
    }
}

/* Sends what is pending; watches for writing while something is left. 0, or -1 to drop. */
static int flush(const sgss_poller *poller, struct connection *c) {
    sgss_error err;
    while (c->start < c->end) {
        size_t sent = 0;
        sgss_result r = sgss_socket_send(c->socket, c->pending + c->start, c->end - c->start, 0,
                                         &sent, &err);
        if (r == SGSS_RESULT_WOULD_BLOCK)
            return sgss_poller_modify(poller, c->socket, false, true, &err) == SGSS_RESULT_OK
                       ? 0
                       : -1;
        if (r != SGSS_RESULT_OK)
            return -1; /* EPIPE, ECONNRESET: the client is gone */
        c->start += sent;
        echoed += sent;
    }
    c->start = c->end = 0;
    return sgss_poller_modify(poller, c->socket, true, false, &err) == SGSS_RESULT_OK ? 0 : -1;
}

/* One event of a connection. 0, or -1 when it is to be dropped. */
static int serve(const sgss_poller *poller, struct connection *c, const sgss_poll_event *ev) {
    if (ev->writable)
        return flush(poller, c);
    if (ev->readable) {
        size_t got = 0;
        sgss_result r = sgss_socket_recv(c->socket, c->pending, sizeof c->pending, 0, &got, NULL);
        if (r == SGSS_RESULT_WOULD_BLOCK)
            return 0;
        if (r != SGSS_RESULT_OK)
            return -1; /* PEER_CLOSED or an error */
        c->start = 0;
        c->end = got;
        return flush(poller, c);
    }
    return 0;
}

int main(int argc, char **argv) {
    long port = argc > 1 ? strtol(argv[1], NULL, 10) : 0;
    long clients = argc > 2 ? strtol(argv[2], NULL, 10) : -1;
    sgss_poller *poller = NULL;
    sgss_socket *listener = NULL;
    sgss_address *where = NULL;
    sgss_poll_event events[256];
    char text[64];
    size_t len, i;
    sgss_error err;
    int status = 0;

    connections = calloc(MAX_CONNECTIONS, sizeof *connections);
    if (connections == NULL || port < 0 || port > 65535) {
        fprintf(stderr, "usage: poller_echo [port [clients]]\n");
        free(connections);
        return 2;
    }
    for (i = 0; i < MAX_CONNECTIONS; i++)
        free_slots[free_count++] = MAX_CONNECTIONS - 1 - i;
    snprintf(text, sizeof text, "127.0.0.1:%ld", port);
    err.message[0] = '\0';

    if (sgss_socket_tcp(false, &listener, &err) != SGSS_RESULT_OK ||
        sgss_socket_set_reuse_addr(listener, true, &err) != SGSS_RESULT_OK ||
        sgss_address_from_text(text, &where, &err) != SGSS_RESULT_OK ||
        sgss_socket_bind(listener, where, &err) != SGSS_RESULT_OK ||
        sgss_socket_listen(listener, 128, &err) != SGSS_RESULT_OK ||
        sgss_socket_set_blocking(listener, false, &err) != SGSS_RESULT_OK ||
        sgss_poller_new(&poller, &err) != SGSS_RESULT_OK ||
        sgss_poller_add(poller, listener, LISTENER_KEY, true, false, &err) != SGSS_RESULT_OK) {
        report("setting up", &err);
        status = 1;
        goto done;
    }
    sgss_address_free(where);
    where = NULL;
    if (sgss_socket_local_address(listener, &where, &err) != SGSS_RESULT_OK ||
        sgss_address_text(where, text, sizeof text, &len, &err) != SGSS_RESULT_OK) {
        report("local address", &err);
        status = 1;
        goto done;
    }
    printf("listening on %s\n", text);
    fflush(stdout);

    while (clients < 0 || served < (unsigned long)clients || open_now > 0) {
        size_t count = 0;
        if (sgss_poller_wait(poller, events, sizeof events / sizeof events[0],
                             SGSS_WAIT_FOREVER, &count, &err) != SGSS_RESULT_OK) {
            report("wait", &err);
            status = 1;
            break;
        }
        for (i = 0; i < count; i++) {
            size_t slot;
            if (events[i].key == LISTENER_KEY) {
                if (accept_all(poller, listener) != 0) {
                    status = 1;
                    goto done;
                }
                continue;
            }
            slot = (size_t)(events[i].key - 1);
            if (connections[slot].socket != NULL && serve(poller, &connections[slot], &events[i]) != 0)
                drop_connection(slot);
        }
    }
    printf("served %lu clients, echoed %llu bytes\n", served, echoed);

done:
    for (i = 0; i < MAX_CONNECTIONS; i++)
        sgss_socket_free(connections[i].socket);
    sgss_poller_free(poller);
    sgss_socket_free(listener);
    sgss_address_free(where);
    free(connections);
    return status;
}
