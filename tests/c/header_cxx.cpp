// The header compiles as C++11 (extern "C", enum with a fixed type) and links from C++.
// Natural C++ containers of handles go to sgss_socket_select without a cast.
#include <cstdio>
#include <cstring>
#include <vector>

#include "sgssockets.h"

static int checks = 0, failed = 0;

static void check(bool ok, const char *what) {
    checks++;
    if (!ok) {
        failed++;
        std::fprintf(stderr, "header_cxx: %s failed\n", what);
    }
}

int main() {
    sgss_error err;
    sgss_address *addr = nullptr;
    check(sgss_address_from_text("[::1]:443", &addr, &err) == SGSS_RESULT_OK, "from_text");
    char text[64] = "";
    size_t len = 0;
    sgss_result r = sgss_address_text(addr, text, sizeof text, &len, &err);
    sgss_address_free(addr);
    check(r == SGSS_RESULT_OK && std::strcmp(text, "[::1]:443") == 0, "text");

    // A plain array and a std::vector of `sgss_socket *`: no const_cast, no C-style cast.
    sgss_socket *udp = nullptr;
    check(sgss_socket_udp(false, &udp, &err) == SGSS_RESULT_OK, "udp");
    sgss_socket *array[1] = {udp};
    size_t count = 1, ready = 0;
    check(sgss_socket_select(nullptr, nullptr, array, &count, nullptr, nullptr, 0, &ready,
                             &err) == SGSS_RESULT_OK &&
              ready == 1 && array[0] == udp,
          "select over an array");
    std::vector<sgss_socket *> sockets(1, udp);
    count = sockets.size();
    check(sgss_socket_select(nullptr, nullptr, sockets.data(), &count, nullptr, nullptr,
                             SGSS_WAIT_FOREVER, &ready, &err) == SGSS_RESULT_OK &&
              ready == 1,
          "select over a vector");
    // A socket shared with other threads: setters take `const sgss_socket *`.
    const sgss_socket *shared = udp;
    check(sgss_socket_set_broadcast(shared, true, &err) == SGSS_RESULT_OK, "setter on const");
    check(std::strcmp(sgss_result_name(SGSS_RESULT_CLOSED), "SGSS_RESULT_CLOSED") == 0,
          "result name");
    check(SGSS_VERSION_MAJOR >= 0 && AF_INET != AF_INET6 && SHUT_WR != SHUT_RD, "macros");
    sgss_socket_free(udp);

    std::printf("header_cxx: %d checks, %d passed, %d failed\n", checks, checks - failed, failed);
    return failed == 0 ? 0 : 1;
}
