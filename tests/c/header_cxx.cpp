// The header compiles as C++11 (extern "C", enum with a fixed type) and links from C++.
#include <cstdio>
#include <cstring>

#include "sgssockets.h"

int main() {
    sgss_error err;
    sgss_address *addr = nullptr;
    if (sgss_address_parse_full("[::1]:443", &addr, &err) != SGSS_RESULT_OK) {
        std::fprintf(stderr, "parse failed: %s\n", err.message);
        return 1;
    }
    char text[64];
    size_t len = 0;
    sgss_result r = sgss_address_text(addr, text, sizeof text, &len, &err);
    sgss_address_free(addr);
    if (r != SGSS_RESULT_OK || std::strcmp(text, "[::1]:443") != 0) {
        std::fprintf(stderr, "unexpected text %s\n", text);
        return 1;
    }
    std::printf("header_cxx: 2 checks, 2 passed, 0 failed\n");
    return 0;
}
