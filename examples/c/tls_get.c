/*
 * tls_get.c: an HTTPS GET through the sgssockets C API: resolve, connect, TLS (verified
 * against the system's roots by default), send the request, print the response.
 *
 *   tls_get HOST [PORT [PATH [ROOTS]]]
 *
 * PORT defaults to 443 and PATH to "/"; ROOTS is "system" (the default), "mozilla", or the
 * path of a PEM file of trusted CA certificates. The response goes to stdout; the address,
 * protocol version, cipher suite and ALPN protocol to stderr. Exit status: 0 when the server
 * ended the session with close_notify, 3 when the connection ended without it (the response
 * may be cut short), 1 on an error.
 *
 * Build and run (after sgssockets-ffi/install.sh PREFIX):
 *   cc -std=c99 examples/c/tls_get.c $(pkg-config --cflags --libs sgssockets) -o tls_get
 *   ./tls_get example.com
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sgssockets.h"

/* Seconds any one connect, send or receive may wait. */
#define TIMEOUT 10.0

/* Reads a whole file as text (the caller frees it), or NULL. */
static char *read_text_file(const char *path) {
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    long size;
    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        text = malloc((size_t)size + 1);
        if (text != NULL && fread(text, 1, (size_t)size, f) == (size_t)size) {
            text[size] = '\0';
        } else {
            free(text);
            text = NULL;
        }
    }
    fclose(f);
    return text;
}

/* A client configuration trusting `roots`: "system", "mozilla" or a PEM file's path. */
static sgss_tls_client_config *make_config(const char *roots) {
    static const char *const alpn[] = {"http/1.1"};
    sgss_tls_client_options *options = NULL;
    sgss_tls_client_config *config = NULL;
    sgss_error err;
    char *pem = NULL;
    if (strcmp(roots, "system") != 0 && strcmp(roots, "mozilla") != 0) {
        pem = read_text_file(roots);
        if (pem == NULL) {
            fprintf(stderr, "tls_get: cannot read %s\n", roots);
            return NULL;
        }
    }
    if (sgss_tls_client_options_new(&options, &err) != SGSS_RESULT_OK ||
        sgss_tls_client_options_set_roots(options, pem != NULL ? pem : roots, &err) !=
            SGSS_RESULT_OK ||
        sgss_tls_client_options_set_alpn(options, alpn, 1, &err) != SGSS_RESULT_OK ||
        sgss_tls_client_config_new(options, &config, &err) != SGSS_RESULT_OK) {
        fprintf(stderr, "tls_get: %s\n", err.message);
        config = NULL;
    }
    sgss_tls_client_options_free(options);
    free(pem);
    return config;
}

/* A TCP socket connected to one of `host`'s addresses, tried in the resolver's order. */
static sgss_socket *connect_to(const char *host, const char *port) {
    sgss_addrinfo_hints hints;
    sgss_addrinfo_list *list = NULL;
    sgss_socket *sock = NULL;
    sgss_error err;
    size_t count = 0, i;
    memset(&hints, 0, sizeof hints);
    hints.socktype = SOCK_STREAM;
    if (sgss_addrinfo_list_new(host, port, &hints, &list, &err) != SGSS_RESULT_OK ||
        sgss_addrinfo_list_count(list, &count, &err) != SGSS_RESULT_OK) {
        fprintf(stderr, "tls_get: %s\n", err.message);
        sgss_addrinfo_list_free(list);
        return NULL;
    }
    for (i = 0; i < count && sock == NULL; i++) {
        sgss_addrinfo info;
        char text[128];
        size_t len;
        if (sgss_addrinfo_list_get(list, i, &info, &err) != SGSS_RESULT_OK ||
            sgss_socket_new(info.family, SOCK_STREAM, 0, &sock, &err) != SGSS_RESULT_OK)
            continue;
        /* The send timeout bounds connect; both bound every TLS call later. */
        if (sgss_socket_set_send_timeout(sock, TIMEOUT, &err) != SGSS_RESULT_OK ||
            sgss_socket_set_recv_timeout(sock, TIMEOUT, &err) != SGSS_RESULT_OK ||
            sgss_socket_connect(sock, info.addr, &err) != SGSS_RESULT_OK) {
            fprintf(stderr, "tls_get: %s\n", err.message);
            sgss_socket_free(sock);
            sock = NULL;
            continue;
        }
        if (sgss_address_text(info.addr, text, sizeof text, &len, NULL) == SGSS_RESULT_OK)
            fprintf(stderr, "tls_get: connected to %s\n", text);
    }
    sgss_addrinfo_list_free(list);
    return sock;
}

/* Prints one negotiated value (or "none") to stderr. */
static void show(const char *what, sgss_result (*reader)(const sgss_tls *, char *, size_t,
                                                          size_t *, sgss_error *),
                 const sgss_tls *tls) {
    char text[64];
    size_t len;
    if (reader(tls, text, sizeof text, &len, NULL) != SGSS_RESULT_OK)
        strcpy(text, "none");
    fprintf(stderr, "tls_get: %s %s\n", what, text);
}

int main(int argc, char **argv) {
    const char *host, *port, *path, *roots;
    sgss_tls_client_config *config;
    sgss_socket *sock;
    sgss_tls *tls = NULL;
    sgss_error err;
    char request[1024], buf[16384];
    size_t len = 0, done = 0, n;
    sgss_result r;
    int status = 1;

    if (argc < 2 || argc > 5) {
        fprintf(stderr, "usage: %s HOST [PORT [PATH [ROOTS]]]\n", argv[0]);
        return 1;
    }
    host = argv[1];
    port = argc > 2 ? argv[2] : "443";
    path = argc > 3 ? argv[3] : "/";
    roots = argc > 4 ? argv[4] : "system";
    n = (size_t)snprintf(request, sizeof request,
                         "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: sgssockets-tls_get\r\n"
                         "Connection: close\r\n\r\n",
                         path, host);
    if (n >= sizeof request) {
        fprintf(stderr, "tls_get: the request is too long\n");
        return 1;
    }
    len = n;

    config = make_config(roots);
    if (config == NULL)
        return 1;
    sock = connect_to(host, port);
    if (sock == NULL) {
        sgss_tls_client_config_free(config);
        return 1;
    }
    /* On success the stream owns the socket; on failure it is still ours. */
    if (sgss_tls_new_client(sock, config, host, &tls, &err) != SGSS_RESULT_OK) {
        fprintf(stderr, "tls_get: %s\n", err.message);
        sgss_socket_free(sock);
        sgss_tls_client_config_free(config);
        return 1;
    }
    sgss_tls_client_config_free(config); /* the stream holds its own reference */

    if (sgss_tls_handshake(tls, &err) != SGSS_RESULT_OK) {
        fprintf(stderr, "tls_get: %s\n", err.message); /* e.g. "invalid peer certificate: ..." */
        goto end;
    }
    show("protocol", sgss_tls_version, tls);
    show("cipher", sgss_tls_cipher, tls);
    show("alpn", sgss_tls_alpn, tls);

    while (done < len) {
        if (sgss_tls_send(tls, request + done, len - done, &n, &err) != SGSS_RESULT_OK) {
            fprintf(stderr, "tls_get: %s\n", err.message);
            goto end;
        }
        done += n;
    }
    while ((r = sgss_tls_recv(tls, buf, sizeof buf, &n, &err)) == SGSS_RESULT_OK)
        fwrite(buf, 1, n, stdout);
    fflush(stdout);
    if (r == SGSS_RESULT_PEER_CLOSED) {
        status = 0;
        sgss_tls_close(tls, NULL); /* our close_notify, then the socket is closed */
    } else if (r == SGSS_RESULT_OS_ERROR && err.code == ECONNRESET) {
        fprintf(stderr, "tls_get: %s\n", err.message); /* no close_notify: maybe cut short */
        status = 3;
    } else {
        fprintf(stderr, "tls_get: %s\n", err.message);
    }
end:
    sgss_tls_free(tls);
    return status;
}
