/* Every handle kind, made and ended exactly once: run under valgrind (SGSS_VALGRIND=1) this
 * shows no leak and no invalid free. Owned handles (sgss_socket, sgss_address,
 * sgss_addrinfo_list) from every function that makes one, each ended by one _free or by a
 * call that consumes it; borrowed addresses (the `addr` of an sgss_addrinfo) read while
 * their list lives and never freed; every _free given NULL. (The TLS handles, shared
 * configurations and the socket a stream lends, are made and ended in test_tls.c.) */
#include <sys/socket.h>
#include <netinet/in.h>
#include <netdb.h>

#include "check.h"

static void text_is(const sgss_address *addr, const char *expected) {
    char buf[64];
    size_t len = 0;
    OK(sgss_address_text(addr, buf, sizeof buf, &len, NULL));
    CHECK(strcmp(buf, expected) == 0);
}

/* Owned addresses: one of each constructor, each freed once. */
static void test_owned_addresses(void) {
    const uint8_t bytes[4] = {10, 0, 0, 1};
    sgss_address *parsed = NULL, *full = NULL, *from_bytes = NULL, *from_u32 = NULL;
    sgss_address *copy = NULL;

    OK(sgss_address_from_host_text(AF_INET, "127.0.0.1", 80, &parsed, NULL));
    OK(sgss_address_from_text("[::1]:443", &full, NULL));
    OK(sgss_address_from_bytes(AF_INET, bytes, sizeof bytes, 7, &from_bytes, NULL));
    OK(sgss_address_from_u32(0x7f000001u, 8, &from_u32, NULL));
    OK(sgss_address_clone(parsed, &copy, NULL));
    /* The copy is independent: freeing the original leaves it valid. */
    sgss_address_free(parsed);
    text_is(copy, "127.0.0.1:80");
    text_is(full, "[::1]:443");
    text_is(from_bytes, "10.0.0.1:7");
    text_is(from_u32, "127.0.0.1:8");
    sgss_address_free(copy);
    sgss_address_free(full);
    sgss_address_free(from_bytes);
    sgss_address_free(from_u32);
}

/* Owned sockets from every function that makes one; addresses from sockets are owned by
 * the caller too and outlive the socket they came from. */
static void test_owned_sockets(void) {
    sgss_socket *made = NULL, *tcp = NULL, *udp = NULL;
    sgss_socket *listener = NULL, *client = NULL, *accepted = NULL, *adopted = NULL;
    sgss_address *loopback = NULL, *local = NULL, *peer = NULL, *peer_again = NULL;
    int64_t fd = -1;
    int32_t order = 1;

    OK(sgss_socket_new(AF_INET, SOCK_DGRAM, 0, &made, NULL));
    OK(sgss_socket_tcp(false, &tcp, NULL));
    OK(sgss_socket_udp(false, &udp, NULL));
    sgss_socket_free(made);
    sgss_socket_free(tcp);
    /* Closing keeps the handle: it is still the caller's to free, once. */
    OK(sgss_socket_close(udp, NULL));
    sgss_socket_free(udp);

    OK(sgss_address_from_host_text(AF_INET, "127.0.0.1", 0, &loopback, NULL));
    OK(sgss_socket_tcp(false, &listener, NULL));
    OK(sgss_socket_bind(listener, loopback, NULL));
    /* bind borrowed the address for the call only. */
    sgss_address_free(loopback);
    OK(sgss_socket_listen(listener, 1, NULL));
    OK(sgss_socket_local_address(listener, &local, NULL));
    OK(sgss_socket_tcp(false, &client, NULL));
    OK(sgss_socket_connect(client, local, NULL));
    OK(sgss_socket_accept(listener, &accepted, &peer, NULL));
    /* The accepted socket, its peer and the local address outlive the listener. */
    sgss_socket_free(listener);
    OK(sgss_socket_peer_address(accepted, &peer_again, NULL));
    OK(sgss_address_compare(peer, peer_again, &order, NULL));
    CHECK(order == 0);
    sgss_address_free(peer_again);
    sgss_address_free(peer);
    sgss_address_free(local);

    /* into_descriptor consumes the handle (no _free after it); from_descriptor makes a
     * new one that owns the descriptor and closes it in _free. */
    OK(sgss_socket_into_descriptor(accepted, &fd, NULL));
    CHECK(fd >= 0);
    OK(sgss_socket_from_descriptor(fd, &adopted, NULL));
    sgss_socket_free(adopted);
    sgss_socket_free(client);
}

/* A lookup list owns its addresses and lends them: read while the list lives, copied to
 * keep, never freed one by one. */
static void test_borrowed_addresses(void) {
    sgss_addrinfo_list *list = NULL;
    sgss_addrinfo_hints hints;
    sgss_addrinfo info;
    sgss_address *kept = NULL;
    size_t count = 0, index;

    memset(&hints, 0, sizeof hints);
    hints.flags = AI_NUMERICHOST;
    hints.family = AF_INET;
    OK(sgss_addrinfo_list_new("127.0.0.1", "80", &hints, &list, NULL));
    OK(sgss_addrinfo_list_count(list, &count, NULL));
    CHECK(count >= 1);
    for (index = 0; index < count; index++) {
        const sgss_address *borrowed;
        OK(sgss_addrinfo_list_get(list, index, &info, NULL));
        borrowed = info.addr;
        text_is(borrowed, "127.0.0.1:80");
    }
    OK(sgss_addrinfo_list_get(list, 0, &info, NULL));
    OK(sgss_address_clone(info.addr, &kept, NULL));
    /* Frees every borrowed address with it; the copy stays. */
    sgss_addrinfo_list_free(list);
    text_is(kept, "127.0.0.1:80");
    sgss_address_free(kept);
}

/* Every _free accepts NULL and does nothing. */
static void test_free_null(void) {
    sgss_socket_free(NULL);
    sgss_address_free(NULL);
    sgss_addrinfo_list_free(NULL);
    CHECK(1);
}

int main(void) {
    test_owned_addresses();
    test_owned_sockets();
    test_borrowed_addresses();
    test_free_null();
    return check_finish("test_handles");
}
