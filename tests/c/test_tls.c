/* TLS from C (sgss_tls_*), client and server streams in one thread over loopback, both
 * non-blocking and driven by the poller or sgss_tls_select with timeouts: a TLS 1.3 echo
 * and every reader; half a megabyte with the sender blocking; verification failures (wrong host name, unknown issuer) as EPROTO with
 * rustls's reason; the insecure switch; ALPN; client certificates; a record partly read
 * whose rest select and the poller report readable (pending > 0) while the socket itself
 * has nothing; close_notify versus truncation (ECONNRESET); a blocking handshake running
 * into the receive timeout; bad PEM naming its option; the socket kept by the caller when
 * a stream cannot be made; NULL arguments; every handle made and freed exactly once (run
 * under valgrind with SGSS_VALGRIND=1).
 *
 * argv[1] is a folder the test harness filled with a test PKI made at run time by rcgen:
 * ca.pem (a CA), server.pem/server.key (for "localhost" and 127.0.0.1, issued by the CA),
 * client.pem/client.key (a client certificate issued by the CA). */
#include <sys/socket.h>
#include <errno.h>
#include <stdint.h>
#include <time.h>

#include "check.h"

/* Every wait is bounded; generous, because valgrind is slow. */
#define WAIT 30.0

static char *ca_pem, *server_cert, *server_key, *client_cert, *client_key;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static char *read_file(const char *dir, const char *name) {
    char path[4096];
    FILE *f;
    long size;
    char *text;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(EXIT_FAILURE);
    }
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, 0, SEEK_SET);
    text = malloc((size_t)size + 1);
    if (text == NULL || fread(text, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(EXIT_FAILURE);
    }
    text[size] = '\0';
    fclose(f);
    return text;
}

static bool contains(const char *text, const char *part) { return strstr(text, part) != NULL; }

static bool would_block_code(int code) { return code == EAGAIN || code == EWOULDBLOCK; }

static const sgss_socket *socket_of(const sgss_tls *t) {
    const sgss_socket *s = NULL;
    OK(sgss_tls_socket(t, &s, NULL));
    CHECK(s != NULL);
    return s;
}

static sgss_want want_of(const sgss_tls *t) {
    sgss_want want = 99;
    OK(sgss_tls_want(t, &want, NULL));
    return want;
}

static size_t pending_of(const sgss_tls *t) {
    size_t n = 12345;
    OK(sgss_tls_pending(t, &n, NULL));
    return n;
}

/* A connected loopback TCP pair (blocking). */
static void tcp_pair(sgss_socket **client, sgss_socket **server) {
    sgss_socket *listener = NULL;
    sgss_address *where = NULL;
    OK(sgss_socket_tcp(false, &listener, NULL));
    OK(sgss_address_from_text("127.0.0.1:0", &where, NULL));
    OK(sgss_socket_bind(listener, where, NULL));
    OK(sgss_socket_listen(listener, 1, NULL));
    sgss_address_free(where);
    OK(sgss_socket_local_address(listener, &where, NULL));
    OK(sgss_socket_tcp(false, client, NULL));
    OK(sgss_socket_connect(*client, where, NULL));
    OK(sgss_socket_accept(listener, server, NULL, NULL));
    sgss_address_free(where);
    sgss_socket_free(listener);
}

/* A client configuration: `roots` ("system", "mozilla" or PEM), ALPN, client certificate,
 * insecure switch. */
static sgss_tls_client_config *client_config(const char *roots, const char *const *alpn,
                                             size_t alpn_count, bool with_cert, bool insecure) {
    sgss_tls_client_options *options = NULL;
    sgss_tls_client_config *config = NULL;
    sgss_error err;
    OK(sgss_tls_client_options_new(&options, NULL));
    OK(sgss_tls_client_options_set_roots(options, roots, NULL));
    OK(sgss_tls_client_options_set_alpn(options, alpn, alpn_count, NULL));
    if (with_cert)
        OK(sgss_tls_client_options_set_client_cert(options, client_cert, client_key, NULL));
    OK(sgss_tls_client_options_set_insecure_skip_verify(options, insecure, NULL));
    if (sgss_tls_client_config_new(options, &config, &err) != SGSS_RESULT_OK)
        fprintf(stderr, "client config: %s\n", err.message);
    CHECK(config != NULL);
    sgss_tls_client_options_free(options);
    return config;
}

static sgss_tls_server_config *server_config(const char *const *alpn, size_t alpn_count,
                                             bool require_client_cert) {
    sgss_tls_server_options *options = NULL;
    sgss_tls_server_config *config = NULL;
    sgss_error err;
    OK(sgss_tls_server_options_new(&options, NULL));
    OK(sgss_tls_server_options_set_cert(options, server_cert, server_key, NULL));
    OK(sgss_tls_server_options_set_alpn(options, alpn, alpn_count, NULL));
    if (require_client_cert)
        OK(sgss_tls_server_options_set_client_ca(options, ca_pem, NULL));
    if (sgss_tls_server_config_new(options, &config, &err) != SGSS_RESULT_OK)
        fprintf(stderr, "server config: %s\n", err.message);
    CHECK(config != NULL);
    sgss_tls_server_options_free(options);
    return config;
}

/* A client and a server stream over a fresh loopback pair, both non-blocking. */
static void tls_pair(const sgss_tls_client_config *cc, const sgss_tls_server_config *sc,
                     const char *name, sgss_tls **client, sgss_tls **server) {
    sgss_socket *cs = NULL, *ss = NULL;
    tcp_pair(&cs, &ss);
    OK(sgss_tls_new_client(cs, cc, name, client, NULL));
    OK(sgss_tls_new_server(ss, sc, server, NULL));
    /* The sockets belong to the streams now: mode and timeouts through sgss_tls_socket. */
    OK(sgss_socket_set_blocking(socket_of(*client), false, NULL));
    OK(sgss_socket_set_blocking(socket_of(*server), false, NULL));
}

/* Waits (bounded) until what `t` wants is ready: readable or writable. */
static void wait_for(const sgss_tls *t, double timeout) {
    sgss_select_item item;
    size_t ready = 0;
    sgss_want want = want_of(t);
    item.socket = NULL;
    item.tls = t;
    item.want_read = want != SGSS_WANT_WRITE;
    item.want_write = want == SGSS_WANT_WRITE;
    item.readable = item.writable = false;
    OK(sgss_tls_select(&item, 1, timeout, &ready, NULL));
}

/* Runs both handshakes to their end in this thread, waiting with sgss_tls_select on what
 * each side wants. A side still waiting when the other has finished or failed and nothing
 * arrives within a few seconds is left at SGSS_RESULT_WOULD_BLOCK. */
static void handshake_both(sgss_tls *c, sgss_tls *s, sgss_result *rc, sgss_error *ec,
                           sgss_result *rs, sgss_error *es) {
    sgss_tls *side[2];
    sgss_result *result[2];
    sgss_error *error[2];
    bool done[2] = {false, false};
    double deadline = now() + WAIT;
    int i;
    side[0] = c, side[1] = s;
    result[0] = rc, result[1] = rs;
    error[0] = ec, error[1] = es;
    *rc = *rs = SGSS_RESULT_WOULD_BLOCK;
    while ((!done[0] || !done[1]) && now() < deadline) {
        sgss_select_item items[2];
        size_t n = 0, ready = 0;
        for (i = 0; i < 2; i++) {
            sgss_want want;
            if (done[i])
                continue;
            *result[i] = sgss_tls_handshake(side[i], error[i]);
            if (*result[i] != SGSS_RESULT_WOULD_BLOCK) {
                done[i] = true;
                continue;
            }
            CHECK(would_block_code(error[i]->code));
            want = want_of(side[i]);
            CHECK(want == SGSS_WANT_READ || want == SGSS_WANT_WRITE);
            items[n].socket = NULL;
            items[n].tls = side[i];
            items[n].want_read = want == SGSS_WANT_READ;
            items[n].want_write = want == SGSS_WANT_WRITE;
            items[n].readable = items[n].writable = false;
            n++;
        }
        if (n == 0)
            break;
        OK(sgss_tls_select(items, n, (done[0] || done[1]) ? 3.0 : 5.0, &ready, NULL));
        if (ready == 0 && (done[0] || done[1]))
            break;
    }
}

/* Sends everything on a non-blocking stream. */
static void send_all(sgss_tls *t, const void *data, size_t len) {
    const char *p = data;
    double deadline = now() + WAIT;
    while (len > 0 && now() < deadline) {
        size_t sent = 0;
        sgss_result r = sgss_tls_send(t, p, len, &sent, NULL);
        if (r == SGSS_RESULT_WOULD_BLOCK) {
            wait_for(t, 1.0);
            continue;
        }
        OK(r);
        if (r != SGSS_RESULT_OK)
            return;
        p += sent;
        len -= sent;
    }
    CHECK(len == 0);
}

/* Receives on a non-blocking stream until it gives something other than WOULD_BLOCK. */
static sgss_result recv_wait(sgss_tls *t, void *buf, size_t len, size_t *got, sgss_error *err) {
    double deadline = now() + WAIT;
    for (;;) {
        sgss_result r = sgss_tls_recv(t, buf, len, got, err);
        if (r != SGSS_RESULT_WOULD_BLOCK || now() > deadline)
            return r;
        wait_for(t, 1.0);
    }
}

static void text_is(sgss_result (*reader)(const sgss_tls *, char *, size_t, size_t *, sgss_error *),
                    const sgss_tls *t, const char *expected) {
    char buf[128];
    size_t len = 0;
    OK(reader(t, buf, sizeof buf, &len, NULL));
    CHECK(strcmp(buf, expected) == 0);
    CHECK(len == strlen(expected));
}

static void not_found(sgss_result (*reader)(const sgss_tls *, char *, size_t, size_t *, sgss_error *),
                      const sgss_tls *t) {
    char buf[64];
    size_t len = 0;
    EXPECT(SGSS_RESULT_NOT_FOUND, reader(t, buf, sizeof buf, &len, NULL));
}

/* A TLS 1.3 echo driven by the poller: handshakes, data both ways, and every reader. */
static void test_echo_with_the_poller(void) {
    static const char *const client_alpn[] = {"h2", "http/1.1"};
    static const char *const server_alpn[] = {"http/1.1"};
    sgss_tls_client_config *cc = client_config(ca_pem, client_alpn, 2, false, false);
    sgss_tls_server_config *sc = server_config(server_alpn, 1, false);
    sgss_tls *c = NULL, *s = NULL;
    sgss_tls *side[2];
    bool done[2] = {false, false};
    sgss_poller *poller = NULL;
    sgss_poll_event events[4];
    sgss_error err;
    char buf[64], text[64];
    size_t n = 0, len = 0, count = 0, i;
    uint8_t der[4096];
    uint64_t key = 0;
    double deadline;

    tls_pair(cc, sc, "localhost", &c, &s);
    /* Streams keep their own reference to the configuration. */
    sgss_tls_client_config_free(cc);
    sgss_tls_server_config_free(sc);
    side[0] = c, side[1] = s;

    /* Before the handshake: nothing negotiated yet. */
    not_found(sgss_tls_version, c);
    not_found(sgss_tls_cipher, c);
    not_found(sgss_tls_alpn, c);
    not_found(sgss_tls_server_name, s);
    OK(sgss_tls_peer_certificate_count(c, &count, NULL));
    CHECK(count == 0);
    CHECK(want_of(c) == SGSS_WANT_NOTHING);

    /* The first non-blocking step of a client sends its hello and waits to read. */
    EXPECT(SGSS_RESULT_WOULD_BLOCK, sgss_tls_handshake(c, &err));
    CHECK(err.result == SGSS_RESULT_WOULD_BLOCK && would_block_code(err.code));
    CHECK(want_of(c) == SGSS_WANT_READ);

    OK(sgss_poller_new(&poller, NULL));
    OK(sgss_poller_add_tls(poller, c, 1, true, false, NULL));
    OK(sgss_poller_add_tls(poller, s, 2, true, false, NULL));
    OK(sgss_poller_count(poller, &count, NULL));
    CHECK(count == 2);
    /* Registered once: a second add of the same stream is refused. */
    EXPECT(SGSS_RESULT_OS_ERROR, sgss_poller_add_tls(poller, c, 3, true, false, &err));
    CHECK(err.code == EEXIST);
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_poller_add_tls(poller, c, UINT64_MAX, true, false, NULL));

    deadline = now() + WAIT;
    while ((!done[0] || !done[1]) && now() < deadline) {
        for (i = 0; i < 2; i++) {
            sgss_result r;
            sgss_want want;
            if (done[i])
                continue;
            r = sgss_tls_handshake(side[i], &err);
            if (r == SGSS_RESULT_OK) {
                done[i] = true;
                OK(sgss_poller_modify(poller, socket_of(side[i]), true, false, NULL));
                continue;
            }
            EXPECT(SGSS_RESULT_WOULD_BLOCK, r);
            if (r != SGSS_RESULT_WOULD_BLOCK) {
                fprintf(stderr, "handshake: %s\n", err.message);
                done[i] = true;
                continue;
            }
            want = want_of(side[i]);
            OK(sgss_poller_modify(poller, socket_of(side[i]), want == SGSS_WANT_READ,
                                  want == SGSS_WANT_WRITE, NULL));
        }
        if (!done[0] || !done[1])
            OK(sgss_poller_wait(poller, events, 4, 5.0, &n, NULL));
    }
    CHECK(done[0] && done[1]);
    CHECK(want_of(c) == SGSS_WANT_NOTHING && want_of(s) == SGSS_WANT_NOTHING);
    /* Handshaking again does nothing. */
    OK(sgss_tls_handshake(c, NULL));

    /* Data both ways, waiting on the poller for readability. */
    send_all(c, "hello over TLS", 14);
    n = 0;
    OK(sgss_poller_wait(poller, events, 4, WAIT, &n, NULL));
    CHECK(n >= 1);
    OK(recv_wait(s, buf, sizeof buf, &len, NULL));
    CHECK(len == 14 && memcmp(buf, "hello over TLS", 14) == 0);
    send_all(s, buf, len);
    OK(recv_wait(c, buf, sizeof buf, &len, NULL));
    CHECK(len == 14 && memcmp(buf, "hello over TLS", 14) == 0);
    /* A zero-length receive receives nothing and is no error (buf may be NULL). */
    OK(sgss_tls_recv(c, NULL, 0, &len, NULL));
    CHECK(len == 0);
    OK(sgss_tls_send(c, NULL, 0, &len, NULL));
    CHECK(len == 0);

    /* The readers. */
    text_is(sgss_tls_version, c, "TLSv1.3");
    text_is(sgss_tls_version, s, "TLSv1.3");
    OK(sgss_tls_cipher(c, text, sizeof text, &len, NULL));
    CHECK(strncmp(text, "TLS_", 4) == 0 && len == strlen(text));
    OK(sgss_tls_cipher(s, buf, sizeof buf, &len, NULL));
    CHECK(strcmp(text, buf) == 0);
    text_is(sgss_tls_alpn, c, "http/1.1");
    text_is(sgss_tls_alpn, s, "http/1.1");
    text_is(sgss_tls_server_name, c, "localhost");
    text_is(sgss_tls_server_name, s, "localhost");
    /* Text-out convention: ask for the length, then a buffer too small. */
    EXPECT(SGSS_RESULT_BUFFER_TOO_SMALL, sgss_tls_version(c, NULL, 0, &len, NULL));
    CHECK(len == 7);
    text[0] = 'x';
    EXPECT(SGSS_RESULT_BUFFER_TOO_SMALL, sgss_tls_version(c, text, 7, &len, NULL));
    CHECK(len == 7 && text[0] == '\0');
    CHECK(pending_of(c) == 0);

    /* The server's certificate as the client sees it: one DER certificate. */
    OK(sgss_tls_peer_certificate_count(c, &count, NULL));
    CHECK(count == 1);
    EXPECT(SGSS_RESULT_BUFFER_TOO_SMALL, sgss_tls_peer_certificate(c, 0, NULL, 0, &len, NULL));
    CHECK(len > 100 && len <= sizeof der);
    EXPECT(SGSS_RESULT_BUFFER_TOO_SMALL, sgss_tls_peer_certificate(c, 0, der, 10, &len, NULL));
    OK(sgss_tls_peer_certificate(c, 0, der, sizeof der, &len, NULL));
    CHECK(der[0] == 0x30); /* a DER SEQUENCE */
    EXPECT(SGSS_RESULT_NOT_FOUND, sgss_tls_peer_certificate(c, 1, der, sizeof der, &len, &err));
    CHECK(contains(err.message, "sgss_tls_peer_certificate"));
    /* No client certificate was asked for. */
    OK(sgss_tls_peer_certificate_count(s, &count, NULL));
    CHECK(count == 0);

    /* modify and remove take the stream's socket. */
    OK(sgss_poller_remove(poller, socket_of(c), &key, NULL));
    CHECK(key == 1);
    OK(sgss_poller_count(poller, &count, NULL));
    CHECK(count == 1);

    OK(sgss_tls_close(c, NULL));
    OK(sgss_tls_close(s, NULL));
    /* Closing took the server's stream out of the poller too. */
    OK(sgss_poller_count(poller, &count, NULL));
    CHECK(count == 0);
    sgss_tls_free(c);
    sgss_tls_free(s);
    sgss_poller_free(poller);
}

/* A record partly read: the rest is buffered plaintext, which select and the poller report
 * readable though the socket itself has nothing for the OS to report. */
static void test_partly_read_record_is_readable(void) {
    sgss_tls_client_config *cc = client_config(ca_pem, NULL, 0, false, false);
    sgss_tls_server_config *sc = server_config(NULL, 0, false);
    sgss_tls *c = NULL, *s = NULL;
    sgss_result rc, rs;
    sgss_error ec, es;
    sgss_poller *poller = NULL;
    sgss_poll_event events[2];
    sgss_select_item items[2];
    char data[100], got[200];
    size_t n = 0, len = 0, ready = 0, i;

    tls_pair(cc, sc, "localhost", &c, &s);
    handshake_both(c, s, &rc, &ec, &rs, &es);
    OK(rc);
    OK(rs);
    for (i = 0; i < sizeof data; i++)
        data[i] = (char)('a' + i % 26);
    OK(sgss_poller_new(&poller, NULL));
    OK(sgss_poller_add_tls(poller, s, 7, true, false, NULL));

    /* 100 bytes in one record; the server takes 10 of them. */
    send_all(c, data, sizeof data);
    OK(sgss_poller_wait(poller, events, 2, WAIT, &n, NULL));
    CHECK(n == 1 && events[0].key == 7 && events[0].readable);
    OK(recv_wait(s, got, 10, &len, NULL));
    CHECK(len == 10 && memcmp(got, data, 10) == 0);
    CHECK(pending_of(s) == 90);

    /* The poller reports the stream at once, with nothing new on the socket. */
    n = 0;
    OK(sgss_poller_wait(poller, events, 2, 0, &n, NULL));
    CHECK(n == 1 && events[0].key == 7 && events[0].readable);

    /* sgss_tls_select: the stream is readable; its bare socket is not. */
    items[0].socket = NULL;
    items[0].tls = s;
    items[1].socket = socket_of(s);
    items[1].tls = NULL;
    for (i = 0; i < 2; i++) {
        items[i].want_read = true;
        items[i].want_write = false;
        items[i].readable = items[i].writable = true;
    }
    OK(sgss_tls_select(items, 2, 0, &ready, NULL));
    CHECK(ready == 1);
    CHECK(items[0].readable && !items[0].writable);
    CHECK(!items[1].readable && !items[1].writable);
    /* Buffered input means select does not wait even with a long timeout. */
    OK(sgss_tls_select(items, 2, WAIT, &ready, NULL));
    CHECK(ready == 1 && items[0].readable);

    /* The rest, without a system call; then nothing is readable any more. */
    OK(sgss_tls_recv(s, got, sizeof got, &len, NULL));
    CHECK(len == 90 && memcmp(got, data + 10, 90) == 0);
    CHECK(pending_of(s) == 0);
    n = 5;
    OK(sgss_poller_wait(poller, events, 2, 0, &n, NULL));
    CHECK(n == 0);
    OK(sgss_tls_select(items, 2, 0, &ready, NULL));
    CHECK(ready == 0 && !items[0].readable && !items[1].readable);
    EXPECT(SGSS_RESULT_WOULD_BLOCK, sgss_tls_recv(s, got, sizeof got, &len, NULL));
    CHECK(want_of(s) == SGSS_WANT_READ);

    /* A plain socket and a TLS stream waiting to write: both writable. */
    items[0].tls = c;
    items[0].want_read = false;
    items[0].want_write = true;
    items[1].want_read = false;
    items[1].want_write = true;
    OK(sgss_tls_select(items, 2, WAIT, &ready, NULL));
    CHECK(ready == 2 && items[0].writable && items[1].writable);

    sgss_poller_free(poller);
    sgss_tls_free(c);
    sgss_tls_free(s);
    sgss_tls_client_config_free(cc);
    sgss_tls_server_config_free(sc);
}

/* Half a megabyte through a small send buffer, both streams non-blocking in one thread:
 * the client's send blocks wanting to write (and reports bytes it took on the next call),
 * the server's receive wants to read whenever it catches up (how often depends on
 * timing); every byte arrives, in order. */
static void test_bulk_transfer_blocks_both_ways(void) {
    const size_t total = 512 * 1024;
    sgss_tls_client_config *cc = client_config(ca_pem, NULL, 0, false, false);
    sgss_tls_server_config *sc = server_config(NULL, 0, false);
    sgss_tls *c = NULL, *s = NULL;
    sgss_result rc, rs, r;
    sgss_error ec, es, err;
    unsigned char *out = malloc(total), *in = malloc(total);
    size_t sent = 0, got = 0, i;
    bool send_blocked = false;
    double deadline;

    CHECK(out != NULL && in != NULL);
    for (i = 0; i < total; i++)
        out[i] = (unsigned char)(i * 7 + i / 251);
    tls_pair(cc, sc, "localhost", &c, &s);
    /* A small send buffer: the client's send blocks long before half a megabyte is taken.
     * (The receive buffer stays as it is: one that small makes TCP wait for its 200 ms
     * window probes.) */
    OK(sgss_socket_set_send_buffer_size(socket_of(c), 8192, NULL));
    handshake_both(c, s, &rc, &ec, &rs, &es);
    OK(rc);
    OK(rs);
    deadline = now() + WAIT;
    while (got < total && now() < deadline) {
        sgss_select_item items[2];
        size_t n = 0, k = 0, ready = 0;
        bool progress = false;
        if (sent < total) {
            r = sgss_tls_send(c, out + sent, total - sent, &k, &err);
            if (r == SGSS_RESULT_OK) {
                sent += k;
                progress = k > 0;
            } else {
                EXPECT(SGSS_RESULT_WOULD_BLOCK, r);
                if (r != SGSS_RESULT_WOULD_BLOCK)
                    break;
                send_blocked = send_blocked || want_of(c) == SGSS_WANT_WRITE;
                items[n].socket = NULL;
                items[n].tls = c;
                items[n].want_read = want_of(c) == SGSS_WANT_READ;
                items[n].want_write = want_of(c) == SGSS_WANT_WRITE;
                n++;
            }
        }
        r = sgss_tls_recv(s, in + got, total - got, &k, &err);
        if (r == SGSS_RESULT_OK) {
            got += k;
            progress = true;
        } else {
            EXPECT(SGSS_RESULT_WOULD_BLOCK, r);
            if (r != SGSS_RESULT_WOULD_BLOCK)
                break;
            CHECK(want_of(s) == SGSS_WANT_READ);
            items[n].socket = NULL;
            items[n].tls = s;
            items[n].want_read = true;
            items[n].want_write = false;
            n++;
        }
        if (!progress && n > 0)
            OK(sgss_tls_select(items, n, 5.0, &ready, NULL));
    }
    CHECK(sent == total && got == total);
    CHECK(memcmp(in, out, total) == 0);
    CHECK(send_blocked);
    free(out);
    free(in);
    sgss_tls_free(c);
    sgss_tls_free(s);
    sgss_tls_client_config_free(cc);
    sgss_tls_server_config_free(sc);
}

/* The server sends a message the client reads: the client has then also read the
 * server's session tickets, so closing its socket leaves nothing unread (which would make
 * the kernel send a reset instead of an orderly end of the connection). */
static void settle(sgss_tls *c, sgss_tls *s) {
    char buf[8];
    size_t len = 0;
    send_all(s, "ready", 5);
    OK(recv_wait(c, buf, sizeof buf, &len, NULL));
    CHECK(len == 5 && memcmp(buf, "ready", 5) == 0);
}

/* close_notify is a clean end (PEER_CLOSED); an end without it is ECONNRESET. */
static void test_clean_close_and_truncation(void) {
    sgss_tls_client_config *cc = client_config(ca_pem, NULL, 0, false, false);
    sgss_tls_server_config *sc = server_config(NULL, 0, false);
    sgss_tls *c = NULL, *s = NULL;
    sgss_result rc, rs;
    sgss_error ec, es, err;
    sgss_poller *poller = NULL;
    char buf[32], version[16];
    size_t len = 99;
    int round;

    /* Clean: the client sends close_notify. */
    tls_pair(cc, sc, "localhost", &c, &s);
    handshake_both(c, s, &rc, &ec, &rs, &es);
    OK(rc);
    OK(rs);
    settle(c, s);
    OK(sgss_tls_close(c, NULL));
    EXPECT(SGSS_RESULT_PEER_CLOSED, recv_wait(s, buf, sizeof buf, &len, NULL));
    CHECK(len == 0);
    len = 99;
    EXPECT(SGSS_RESULT_PEER_CLOSED, sgss_tls_recv(s, buf, sizeof buf, &len, NULL));
    CHECK(len == 0);
    /* A closed stream: calls that run the session say so; the readers still answer. */
    EXPECT(SGSS_RESULT_CLOSED, sgss_tls_send(c, "x", 1, &len, &err));
    CHECK(err.code == EBADF);
    EXPECT(SGSS_RESULT_CLOSED, sgss_tls_recv(c, buf, sizeof buf, &len, NULL));
    EXPECT(SGSS_RESULT_CLOSED, sgss_tls_handshake(c, NULL));
    EXPECT(SGSS_RESULT_CLOSED, sgss_tls_close(c, NULL));
    OK(sgss_tls_version(c, version, sizeof version, &len, NULL));
    CHECK(strcmp(version, "TLSv1.3") == 0);
    OK(sgss_poller_new(&poller, NULL));
    EXPECT(SGSS_RESULT_CLOSED, sgss_poller_add_tls(poller, c, 1, true, false, NULL));
    sgss_poller_free(poller);
    sgss_tls_free(c);
    sgss_tls_free(s);

    /* Truncated: the connection ends without close_notify, once by a shutdown of the
     * client's socket, once by freeing the client stream (which sends none). */
    for (round = 0; round < 2; round++) {
        tls_pair(cc, sc, "localhost", &c, &s);
        handshake_both(c, s, &rc, &ec, &rs, &es);
        OK(rc);
        OK(rs);
        settle(c, s);
        send_all(c, "cut", 3);
        if (round == 0) {
            OK(sgss_socket_shutdown(socket_of(c), SHUT_WR, NULL));
        } else {
            sgss_tls_free(c);
            c = NULL;
        }
        OK(recv_wait(s, buf, sizeof buf, &len, NULL));
        CHECK(len == 3 && memcmp(buf, "cut", 3) == 0);
        EXPECT(SGSS_RESULT_OS_ERROR, recv_wait(s, buf, sizeof buf, &len, &err));
        CHECK(err.code == ECONNRESET);
        CHECK(contains(err.message, "close_notify"));
        sgss_tls_free(c);
        sgss_tls_free(s);
    }
    sgss_tls_client_config_free(cc);
    sgss_tls_server_config_free(sc);
}

/* Verification: a wrong host name and an unknown issuer fail with EPROTO and rustls's
 * reason; the insecure switch accepts both; an IP address is checked against the
 * certificate's IP entries and sends no SNI. */
static void test_verification(void) {
    sgss_tls_client_config *trusting = client_config(ca_pem, NULL, 0, false, false);
    sgss_tls_client_config *mozilla = client_config("mozilla", NULL, 0, false, false);
    sgss_tls_client_config *insecure = client_config("mozilla", NULL, 0, false, true);
    sgss_tls_server_config *sc = server_config(NULL, 0, false);
    sgss_tls *c = NULL, *s = NULL;
    sgss_result rc, rs;
    sgss_error ec, es, err;
    size_t len = 0, count = 0;

    tls_pair(trusting, sc, "wrong.example", &c, &s);
    handshake_both(c, s, &rc, &ec, &rs, &es);
    EXPECT(SGSS_RESULT_OS_ERROR, rc);
    CHECK(ec.code == EPROTO);
    CHECK(contains(ec.message, "not valid for name"));
    CHECK(contains(ec.message, "tls handshake"));
    /* The server hears the client's alert. */
    EXPECT(SGSS_RESULT_OS_ERROR, rs);
    CHECK(es.code == EPROTO);
    /* A failed session fails every later call the same way; nothing is sent. */
    EXPECT(SGSS_RESULT_OS_ERROR, sgss_tls_send(c, "secret", 6, &len, &err));
    CHECK(err.code == EPROTO && contains(err.message, "not valid for name"));
    CHECK(contains(err.message, "tls send"));
    CHECK(want_of(c) == SGSS_WANT_NOTHING);
    sgss_tls_free(c);
    sgss_tls_free(s);

    tls_pair(mozilla, sc, "localhost", &c, &s);
    handshake_both(c, s, &rc, &ec, &rs, &es);
    EXPECT(SGSS_RESULT_OS_ERROR, rc);
    CHECK(ec.code == EPROTO && contains(ec.message, "UnknownIssuer"));
    sgss_tls_free(c);
    sgss_tls_free(s);

    /* Insecure: any certificate, any name. */
    tls_pair(insecure, sc, "wrong.example", &c, &s);
    handshake_both(c, s, &rc, &ec, &rs, &es);
    OK(rc);
    OK(rs);
    OK(sgss_tls_peer_certificate_count(c, &count, NULL));
    CHECK(count == 1);
    sgss_tls_free(c);
    sgss_tls_free(s);

    /* An IP address as the name: verified against the IP entry, no SNI sent. */
    tls_pair(trusting, sc, "127.0.0.1", &c, &s);
    handshake_both(c, s, &rc, &ec, &rs, &es);
    OK(rc);
    OK(rs);
    text_is(sgss_tls_server_name, c, "127.0.0.1");
    not_found(sgss_tls_server_name, s);
    sgss_tls_free(c);
    sgss_tls_free(s);

    sgss_tls_client_config_free(trusting);
    sgss_tls_client_config_free(mozilla);
    sgss_tls_client_config_free(insecure);
    sgss_tls_server_config_free(sc);
}

/* ALPN: agreed when both sides have it; none when one side has none; an alert when the
 * server accepts none of the client's protocols. */
static void test_alpn(void) {
    static const char *const h2[] = {"h2"};
    static const char *const http11[] = {"http/1.1"};
    sgss_tls_client_config *offers_h2 = client_config(ca_pem, h2, 1, false, false);
    sgss_tls_client_config *offers_none = client_config(ca_pem, NULL, 0, false, false);
    sgss_tls_server_config *accepts_none = server_config(NULL, 0, false);
    sgss_tls_server_config *accepts_h2 = server_config(h2, 1, false);
    sgss_tls_server_config *accepts_http11 = server_config(http11, 1, false);
    sgss_tls *c = NULL, *s = NULL;
    sgss_result rc, rs;
    sgss_error ec, es;

    tls_pair(offers_h2, accepts_h2, "localhost", &c, &s);
    handshake_both(c, s, &rc, &ec, &rs, &es);
    OK(rc);
    OK(rs);
    text_is(sgss_tls_alpn, c, "h2");
    text_is(sgss_tls_alpn, s, "h2");
    sgss_tls_free(c);
    sgss_tls_free(s);

    tls_pair(offers_h2, accepts_none, "localhost", &c, &s);
    handshake_both(c, s, &rc, &ec, &rs, &es);
    OK(rc);
    OK(rs);
    not_found(sgss_tls_alpn, c);
    not_found(sgss_tls_alpn, s);
    sgss_tls_free(c);
    sgss_tls_free(s);

    tls_pair(offers_none, accepts_h2, "localhost", &c, &s);
    handshake_both(c, s, &rc, &ec, &rs, &es);
    OK(rc);
    OK(rs);
    not_found(sgss_tls_alpn, c);
    sgss_tls_free(c);
    sgss_tls_free(s);

    tls_pair(offers_h2, accepts_http11, "localhost", &c, &s);
    handshake_both(c, s, &rc, &ec, &rs, &es);
    EXPECT(SGSS_RESULT_OS_ERROR, rs);
    CHECK(es.code == EPROTO);
    EXPECT(SGSS_RESULT_OS_ERROR, rc);
    CHECK(ec.code == EPROTO && contains(ec.message, "NoApplicationProtocol"));
    sgss_tls_free(c);
    sgss_tls_free(s);

    sgss_tls_client_config_free(offers_h2);
    sgss_tls_client_config_free(offers_none);
    sgss_tls_server_config_free(accepts_none);
    sgss_tls_server_config_free(accepts_h2);
    sgss_tls_server_config_free(accepts_http11);
}

/* A server that requires client certificates: one from the CA is accepted and readable on
 * the server; a client without one is refused. */
static void test_client_certificates(void) {
    sgss_tls_client_config *with_cert = client_config(ca_pem, NULL, 0, true, false);
    sgss_tls_client_config *without = client_config(ca_pem, NULL, 0, false, false);
    sgss_tls_server_config *sc = server_config(NULL, 0, true);
    sgss_tls *c = NULL, *s = NULL;
    sgss_result rc, rs;
    sgss_error ec, es, err;
    char buf[16];
    size_t count = 0, len = 0;

    tls_pair(with_cert, sc, "localhost", &c, &s);
    handshake_both(c, s, &rc, &ec, &rs, &es);
    OK(rc);
    OK(rs);
    OK(sgss_tls_peer_certificate_count(s, &count, NULL));
    CHECK(count == 1);
    sgss_tls_free(c);
    sgss_tls_free(s);

    /* TLS 1.3: the client may finish before the server refuses it; then its next receive
     * reports the server's alert. */
    tls_pair(without, sc, "localhost", &c, &s);
    handshake_both(c, s, &rc, &ec, &rs, &es);
    EXPECT(SGSS_RESULT_OS_ERROR, rs);
    CHECK(es.code == EPROTO);
    if (rc == SGSS_RESULT_OK) {
        EXPECT(SGSS_RESULT_OS_ERROR, recv_wait(c, buf, sizeof buf, &len, &err));
        CHECK(err.code == EPROTO);
    } else {
        EXPECT(SGSS_RESULT_OS_ERROR, rc);
        CHECK(ec.code == EPROTO);
    }
    sgss_tls_free(c);
    sgss_tls_free(s);

    sgss_tls_client_config_free(with_cert);
    sgss_tls_client_config_free(without);
    sgss_tls_server_config_free(sc);
}

/* A blocking handshake against a peer that never answers runs into the socket's receive
 * timeout: WOULD_BLOCK, as the socket's own receive would, wanting to read. */
static void test_blocking_handshake_times_out(void) {
    sgss_tls_client_config *cc = client_config(ca_pem, NULL, 0, false, false);
    sgss_socket *cs = NULL, *silent = NULL;
    sgss_tls *c = NULL;
    sgss_error err;
    double started;

    tcp_pair(&cs, &silent);
    OK(sgss_tls_new_client(cs, cc, "localhost", &c, NULL));
    OK(sgss_socket_set_recv_timeout(socket_of(c), 0.2, NULL));
    started = now();
    EXPECT(SGSS_RESULT_WOULD_BLOCK, sgss_tls_handshake(c, &err));
    CHECK(would_block_code(err.code));
    CHECK(now() - started >= 0.15);
    CHECK(want_of(c) == SGSS_WANT_READ);
    sgss_tls_free(c);
    sgss_socket_free(silent);
    sgss_tls_client_config_free(cc);
}

/* Bad options: each error names its option; nothing is made. */
static void test_bad_options(void) {
    static const char *const empty[] = {""};
    static const char *const hole[] = {"h2", NULL};
    static const char bad_cert[] = "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n";
    static const char bad_key[] = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    static const char not_utf8[] = {(char)0xff, (char)0xfe, 0};
    sgss_tls_client_options *co = NULL;
    sgss_tls_server_options *so = NULL;
    sgss_tls_client_config *cc = NULL;
    sgss_tls_server_config *sc = NULL;
    sgss_error err;
    sgss_result r;

    OK(sgss_tls_client_options_new(&co, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_tls_client_options_set_roots(co, "sytem", &err));
    CHECK(err.code == EINVAL && contains(err.message, "roots"));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_tls_client_options_set_roots(co, not_utf8, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_tls_client_options_set_alpn(co, empty, 1, &err));
    CHECK(contains(err.message, "alpn") && contains(err.message, "protocols[0]"));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_tls_client_options_set_alpn(co, hole, 2, &err));
    CHECK(contains(err.message, "protocols[1]"));
    NULLARG(sgss_tls_client_options_set_alpn(co, NULL, 1, NULL));
    OK(sgss_tls_client_options_set_alpn(co, NULL, 0, NULL));

    OK(sgss_tls_client_options_set_roots(co, bad_cert, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_tls_client_config_new(co, &cc, &err));
    CHECK(err.code == EINVAL && contains(err.message, "roots:"));
    CHECK(cc == NULL);
    OK(sgss_tls_client_options_set_roots(co, ca_pem, NULL));
    OK(sgss_tls_client_options_set_client_cert(co, "garbage", client_key, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_tls_client_config_new(co, &cc, &err));
    CHECK(contains(err.message, "client_cert:"));
    OK(sgss_tls_client_options_set_client_cert(co, client_cert, bad_key, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_tls_client_config_new(co, &cc, &err));
    CHECK(contains(err.message, "client_key:"));
    CHECK(cc == NULL);
    /* The built-in roots and the system's (a machine without a store says so). */
    OK(sgss_tls_client_options_set_client_cert(co, client_cert, client_key, NULL));
    OK(sgss_tls_client_options_set_roots(co, "mozilla", NULL));
    OK(sgss_tls_client_config_new(co, &cc, NULL));
    sgss_tls_client_config_free(cc);
    cc = NULL;
    OK(sgss_tls_client_options_set_roots(co, "system", NULL));
    r = sgss_tls_client_config_new(co, &cc, &err);
    CHECK(r == SGSS_RESULT_OK || (r == SGSS_RESULT_INVALID_ARGUMENT && contains(err.message, "roots: system")));
    sgss_tls_client_config_free(cc);
    sgss_tls_client_options_free(co);

    OK(sgss_tls_server_options_new(&so, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_tls_server_config_new(so, &sc, &err));
    CHECK(contains(err.message, "cert:"));
    OK(sgss_tls_server_options_set_cert(so, server_cert, "no key here", NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_tls_server_config_new(so, &sc, &err));
    CHECK(contains(err.message, "key:"));
    OK(sgss_tls_server_options_set_cert(so, server_key, server_key, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_tls_server_config_new(so, &sc, &err));
    CHECK(contains(err.message, "cert:"));
    OK(sgss_tls_server_options_set_cert(so, server_cert, server_key, NULL));
    OK(sgss_tls_server_options_set_client_ca(so, "nothing", NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_tls_server_config_new(so, &sc, &err));
    CHECK(contains(err.message, "client_ca:"));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_tls_server_options_set_alpn(so, empty, 1, &err));
    CHECK(contains(err.message, "alpn"));
    CHECK(sc == NULL);
    OK(sgss_tls_server_options_set_client_ca(so, ca_pem, NULL));
    OK(sgss_tls_server_config_new(so, &sc, NULL));
    sgss_tls_server_config_free(sc);
    sgss_tls_server_options_free(so);
}

/* A stream that cannot be made leaves the socket to the caller, untouched. */
static void test_socket_kept_when_no_stream_is_made(void) {
    sgss_tls_client_config *cc = client_config(ca_pem, NULL, 0, false, false);
    sgss_tls_server_config *sc = server_config(NULL, 0, false);
    sgss_socket *udp = NULL, *cs = NULL, *ss = NULL;
    sgss_address *local = NULL;
    sgss_tls *t = NULL;
    sgss_error err;

    OK(sgss_socket_udp(false, &udp, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_tls_new_client(udp, cc, "localhost", &t, &err));
    CHECK(contains(err.message, "SOCK_STREAM"));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_tls_new_server(udp, sc, &t, NULL));
    CHECK(t == NULL);
    OK(sgss_socket_bind_port(udp, 0, NULL)); /* still the caller's, still open */
    sgss_socket_free(udp);

    tcp_pair(&cs, &ss);
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_tls_new_client(cs, cc, "not a name!", &t, &err));
    CHECK(contains(err.message, "server name"));
    OK(sgss_socket_local_address(cs, &local, NULL));
    sgss_address_free(local);
    OK(sgss_socket_close(cs, NULL));
    EXPECT(SGSS_RESULT_CLOSED, sgss_tls_new_client(cs, cc, "localhost", &t, &err));
    CHECK(err.code == EBADF);
    CHECK(t == NULL);
    sgss_socket_free(cs);
    sgss_socket_free(ss);
    sgss_tls_client_config_free(cc);
    sgss_tls_server_config_free(sc);
}

/* NULL where a value is needed: SGSS_RESULT_NULL_ARGUMENT naming the argument, before
 * anything happens; every _free takes NULL. */
static void test_null_arguments(void) {
    sgss_tls_client_config *cc = client_config(ca_pem, NULL, 0, false, false);
    sgss_tls_server_config *sc = server_config(NULL, 0, false);
    sgss_tls_client_options *co = NULL;
    sgss_tls_server_options *so = NULL;
    sgss_socket *cs = NULL, *ss = NULL;
    sgss_tls *t = NULL;
    const sgss_socket *lent = NULL;
    sgss_poller *poller = NULL;
    sgss_select_item item;
    sgss_error err;
    sgss_want want;
    char buf[8];
    uint8_t der[8];
    size_t n = 0;

    NULLARG(sgss_tls_client_options_new(NULL, &err));
    CHECK(contains(err.message, "sgss_tls_client_options_new: argument out is NULL"));
    NULLARG(sgss_tls_server_options_new(NULL, NULL));
    OK(sgss_tls_client_options_new(&co, NULL));
    OK(sgss_tls_server_options_new(&so, NULL));
    NULLARG(sgss_tls_client_options_set_roots(NULL, "system", NULL));
    NULLARG(sgss_tls_client_options_set_roots(co, NULL, NULL));
    NULLARG(sgss_tls_client_options_set_alpn(NULL, NULL, 0, NULL));
    NULLARG(sgss_tls_client_options_set_client_cert(NULL, client_cert, client_key, NULL));
    NULLARG(sgss_tls_client_options_set_client_cert(co, NULL, client_key, NULL));
    NULLARG(sgss_tls_client_options_set_client_cert(co, client_cert, NULL, NULL));
    NULLARG(sgss_tls_client_options_set_insecure_skip_verify(NULL, true, NULL));
    NULLARG(sgss_tls_client_config_new(NULL, &cc, NULL));
    NULLARG(sgss_tls_client_config_new(co, NULL, NULL));
    NULLARG(sgss_tls_server_options_set_cert(NULL, server_cert, server_key, NULL));
    NULLARG(sgss_tls_server_options_set_cert(so, NULL, server_key, NULL));
    NULLARG(sgss_tls_server_options_set_cert(so, server_cert, NULL, NULL));
    NULLARG(sgss_tls_server_options_set_alpn(NULL, NULL, 0, NULL));
    NULLARG(sgss_tls_server_options_set_alpn(so, NULL, 2, NULL));
    NULLARG(sgss_tls_server_options_set_client_ca(NULL, ca_pem, NULL));
    NULLARG(sgss_tls_server_options_set_client_ca(so, NULL, NULL));
    NULLARG(sgss_tls_server_config_new(NULL, &sc, NULL));
    NULLARG(sgss_tls_server_config_new(so, NULL, NULL));

    /* A NULL argument leaves the socket to the caller. */
    tcp_pair(&cs, &ss);
    NULLARG(sgss_tls_new_client(NULL, cc, "localhost", &t, NULL));
    NULLARG(sgss_tls_new_client(cs, NULL, "localhost", &t, NULL));
    NULLARG(sgss_tls_new_client(cs, cc, NULL, &t, NULL));
    NULLARG(sgss_tls_new_client(cs, cc, "localhost", NULL, &err));
    CHECK(contains(err.message, "argument out is NULL"));
    NULLARG(sgss_tls_new_server(NULL, sc, &t, NULL));
    NULLARG(sgss_tls_new_server(ss, NULL, &t, NULL));
    NULLARG(sgss_tls_new_server(ss, sc, NULL, NULL));
    CHECK(t == NULL);
    sgss_socket_free(ss);
    OK(sgss_tls_new_client(cs, cc, "localhost", &t, NULL));

    NULLARG(sgss_tls_socket(NULL, &lent, NULL));
    NULLARG(sgss_tls_socket(t, NULL, NULL));
    NULLARG(sgss_tls_handshake(NULL, NULL));
    NULLARG(sgss_tls_send(NULL, "x", 1, &n, NULL));
    NULLARG(sgss_tls_send(t, NULL, 1, &n, NULL));
    NULLARG(sgss_tls_send(t, "x", 1, NULL, NULL));
    NULLARG(sgss_tls_recv(NULL, buf, sizeof buf, &n, NULL));
    NULLARG(sgss_tls_recv(t, NULL, sizeof buf, &n, NULL));
    NULLARG(sgss_tls_recv(t, buf, sizeof buf, NULL, NULL));
    NULLARG(sgss_tls_close(NULL, NULL));
    NULLARG(sgss_tls_want(NULL, &want, NULL));
    NULLARG(sgss_tls_want(t, NULL, NULL));
    NULLARG(sgss_tls_pending(NULL, &n, NULL));
    NULLARG(sgss_tls_pending(t, NULL, NULL));
    NULLARG(sgss_tls_version(NULL, buf, sizeof buf, &n, NULL));
    NULLARG(sgss_tls_version(t, buf, sizeof buf, NULL, NULL));
    NULLARG(sgss_tls_version(t, NULL, sizeof buf, &n, NULL));
    NULLARG(sgss_tls_cipher(NULL, buf, sizeof buf, &n, NULL));
    NULLARG(sgss_tls_alpn(NULL, buf, sizeof buf, &n, NULL));
    NULLARG(sgss_tls_server_name(NULL, buf, sizeof buf, &n, NULL));
    NULLARG(sgss_tls_peer_certificate_count(NULL, &n, NULL));
    NULLARG(sgss_tls_peer_certificate_count(t, NULL, NULL));
    NULLARG(sgss_tls_peer_certificate(NULL, 0, der, sizeof der, &n, NULL));
    NULLARG(sgss_tls_peer_certificate(t, 0, der, sizeof der, NULL, NULL));
    NULLARG(sgss_tls_peer_certificate(t, 0, NULL, sizeof der, &n, NULL));

    OK(sgss_poller_new(&poller, NULL));
    NULLARG(sgss_poller_add_tls(NULL, t, 1, true, false, NULL));
    NULLARG(sgss_poller_add_tls(poller, NULL, 1, true, false, NULL));
    item.socket = NULL;
    item.tls = t;
    item.want_read = true;
    item.want_write = false;
    NULLARG(sgss_tls_select(NULL, 1, 0, &n, NULL));
    NULLARG(sgss_tls_select(&item, 1, 0, NULL, NULL));
    /* Bad items and timeouts. */
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_tls_select(&item, 1, -1.0, &n, NULL));
    item.tls = NULL;
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_tls_select(&item, 1, 0, &n, &err));
    CHECK(contains(err.message, "items[0]"));
    item.tls = t;
    item.socket = socket_of(t);
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_tls_select(&item, 1, 0, &n, NULL));
    n = 9;
    OK(sgss_tls_select(NULL, 0, 0, &n, NULL));
    CHECK(n == 0);

    sgss_poller_free(poller);
    sgss_tls_free(t);
    sgss_tls_client_options_free(co);
    sgss_tls_server_options_free(so);
    sgss_tls_client_config_free(cc);
    sgss_tls_server_config_free(sc);

    sgss_tls_free(NULL);
    sgss_tls_client_options_free(NULL);
    sgss_tls_server_options_free(NULL);
    sgss_tls_client_config_free(NULL);
    sgss_tls_server_config_free(NULL);
}

/* cipher_suites on either side limits what is negotiated; a name the provider does not
 * offer fails when the configuration is made, naming the option. */
static void test_cipher_suites(void) {
    static const char *const aes128[] = {"TLS_AES_128_GCM_SHA256"};
    static const char *const chacha[] = {"TLS_CHACHA20_POLY1305_SHA256"};
    static const char *const bogus[] = {"TLS_NOPE"};
    static const char *const hole[] = {"TLS_AES_128_GCM_SHA256", NULL};
    sgss_tls_client_options *co = NULL;
    sgss_tls_server_options *so = NULL;
    sgss_tls_client_config *cc = NULL;
    sgss_tls_server_config *sc = NULL;
    sgss_tls_server_config *any = server_config(NULL, 0, false);
    sgss_tls *c = NULL, *s = NULL;
    sgss_result rc, rs;
    sgss_error ec, es, err;

    OK(sgss_tls_client_options_new(&co, NULL));
    OK(sgss_tls_client_options_set_roots(co, ca_pem, NULL));
    OK(sgss_tls_client_options_set_cipher_suites(co, aes128, 1, NULL));
    OK(sgss_tls_client_config_new(co, &cc, NULL));
    tls_pair(cc, any, "localhost", &c, &s);
    handshake_both(c, s, &rc, &ec, &rs, &es);
    OK(rc);
    OK(rs);
    text_is(sgss_tls_cipher, c, "TLS_AES_128_GCM_SHA256");
    sgss_tls_free(c);
    sgss_tls_free(s);
    sgss_tls_client_config_free(cc);

    OK(sgss_tls_server_options_new(&so, NULL));
    OK(sgss_tls_server_options_set_cert(so, server_cert, server_key, NULL));
    OK(sgss_tls_server_options_set_cipher_suites(so, chacha, 1, NULL));
    OK(sgss_tls_server_config_new(so, &sc, NULL));
    OK(sgss_tls_client_options_set_cipher_suites(co, NULL, 0, NULL)); /* back to the defaults */
    OK(sgss_tls_client_config_new(co, &cc, NULL));
    tls_pair(cc, sc, "localhost", &c, &s);
    handshake_both(c, s, &rc, &ec, &rs, &es);
    OK(rc);
    OK(rs);
    text_is(sgss_tls_cipher, s, "TLS_CHACHA20_POLY1305_SHA256");
    sgss_tls_free(c);
    sgss_tls_free(s);
    sgss_tls_client_config_free(cc);
    sgss_tls_server_config_free(sc);

    OK(sgss_tls_client_options_set_cipher_suites(co, bogus, 1, NULL));
    cc = NULL;
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_tls_client_config_new(co, &cc, &err));
    CHECK(cc == NULL && contains(err.message, "cipher_suites: unknown or unsupported cipher suite 'TLS_NOPE'"));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_tls_client_options_set_cipher_suites(co, hole, 2, &err));
    CHECK(contains(err.message, "cipher_suites: names[1] is NULL"));
    NULLARG(sgss_tls_client_options_set_cipher_suites(co, NULL, 1, NULL));
    NULLARG(sgss_tls_server_options_set_cipher_suites(NULL, aes128, 1, NULL));

    sgss_tls_client_options_free(co);
    sgss_tls_server_options_free(so);
    sgss_tls_server_config_free(any);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s PKI-FOLDER\n", argv[0]);
        return EXIT_FAILURE;
    }
    ca_pem = read_file(argv[1], "ca.pem");
    server_cert = read_file(argv[1], "server.pem");
    server_key = read_file(argv[1], "server.key");
    client_cert = read_file(argv[1], "client.pem");
    client_key = read_file(argv[1], "client.key");

    test_echo_with_the_poller();
    test_partly_read_record_is_readable();
    test_bulk_transfer_blocks_both_ways();
    test_clean_close_and_truncation();
    test_verification();
    test_alpn();
    test_cipher_suites();
    test_client_certificates();
    test_blocking_handshake_times_out();
    test_bad_options();
    test_socket_kept_when_no_stream_is_made();
    test_null_arguments();

    free(ca_pem);
    free(server_cert);
    free(server_key);
    free(client_cert);
    free(client_key);
    return check_finish("test_tls");
}
