/*
 * echo.c: a loopback echo server and client in one program, through the sgssockets C API.
 *
 * The server listens on 127.0.0.1 (port chosen by the OS) and serves with sgss_socket_select;
 * the client connects, sends the message given on the command line, and prints the echo.
 *
 * Build and run (after sgssockets-ffi/install.sh PREFIX):
 *   cc -std=c99 examples/c/echo.c $(pkg-config --cflags --libs sgssockets) -o echo
 *   ./echo "hello"
 */
#include <stdio.h>
#include <string.h>

#include "sgssockets.h"

/* Prints the failure of `call` (the error details, when it filled them in) and leaves main. */
#define TRY(call)                                                                    \
    do {                                                                             \
        sgss_result result_ = (call);                                                \
        if (result_ != SGSS_RESULT_OK) {                                             \
            char text_[128];                                                         \
            size_t len_;                                                             \
            sgss_result_text(result_, text_, sizeof text_, &len_, NULL);             \
            fprintf(stderr, "echo: %s failed: %s (%s)\n", #call, text_, err.message); \
            return 1;                                                                \
        }                                                                            \
    } while (0)

/* The server's part of one round: accept whatever connects, echo whatever arrives.
 * Returns 0 when a message was echoed, 1 on an error. */
static int serve_once(sgss_socket *listener, sgss_socket **conn) {
    for (;;) {
        sgss_socket *readable[2];
        size_t count = 0, ready = 0;
        sgss_error err;
        readable[count++] = listener;
        if (*conn != NULL)
            readable[count++] = *conn;
        if (sgss_socket_select(readable, &count, NULL, NULL, NULL, NULL, 5.0, &ready, &err) !=
            SGSS_RESULT_OK) {
            fprintf(stderr, "echo: select: %s\n", err.message);
            return 1;
        }
        if (ready == 0) {
            fprintf(stderr, "echo: nothing happened within 5 s\n");
            return 1;
        }
        if (readable[0] == listener) {
            if (sgss_socket_accept(listener, conn, NULL, &err) != SGSS_RESULT_OK) {
                fprintf(stderr, "echo: accept: %s\n", err.message);
                return 1;
            }
            continue;
        }
        {
            char buf[512];
            size_t got = 0, sent = 0;
            sgss_result r = sgss_socket_recv(*conn, buf, sizeof buf, 0, &got, &err);
            if (r != SGSS_RESULT_OK) {
                fprintf(stderr, "echo: recv: %s\n", err.message);
                return 1;
            }
            if (sgss_socket_send(*conn, buf, got, 0, &sent, &err) != SGSS_RESULT_OK) {
                fprintf(stderr, "echo: send: %s\n", err.message);
                return 1;
            }
            return 0;
        }
    }
}

int main(int argc, char **argv) {
    const char *message = argc > 1 ? argv[1] : "hello";
    sgss_socket *listener = NULL, *client = NULL, *conn = NULL;
    sgss_address *where = NULL;
    char reply[512], where_text[64];
    size_t len = 0, sent = 0, got = 0;
    sgss_error err;
    int failed;

    err.message[0] = '\0';
    /* Server: listen on a port the OS picks. */
    TRY(sgss_socket_tcp(false, &listener, &err));
    TRY(sgss_socket_set_reuse_addr(listener, true, &err));
    TRY(sgss_address_from_text("127.0.0.1:0", &where, &err));
    TRY(sgss_socket_bind(listener, where, &err));
    TRY(sgss_socket_listen(listener, 8, &err));
    sgss_address_free(where);
    where = NULL;
    TRY(sgss_socket_local_address(listener, &where, &err));
    TRY(sgss_address_text(where, where_text, sizeof where_text, &len, &err));
    printf("server listening on %s\n", where_text);

    /* Client: connect (the kernel completes it from the listen queue) and send. */
    TRY(sgss_socket_tcp(false, &client, &err));
    TRY(sgss_socket_set_recv_timeout(client, 5.0, &err));
    TRY(sgss_socket_connect(client, where, &err));
    TRY(sgss_socket_send(client, message, strlen(message), 0, &sent, &err));

    /* Server: accept and echo, driven by select. */
    failed = serve_once(listener, &conn);

    /* Client: read the echo until all of it is back. */
    while (!failed && got < sent) {
        size_t n = 0;
        sgss_result r = sgss_socket_recv(client, reply + got, sizeof reply - 1 - got, 0, &n, &err);
        if (r == SGSS_RESULT_PEER_CLOSED)
            break;
        TRY(r);
        got += n;
    }
    reply[got] = '\0';
    if (!failed)
        printf("echoed: %s\n", reply);

    sgss_socket_free(conn);
    sgss_socket_free(client);
    sgss_socket_free(listener);
    sgss_address_free(where);
    return failed || got != sent;
}
