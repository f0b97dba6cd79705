/* sgss_address_*: every function, success and failure, NULL arguments, small buffers. */
#include <sys/socket.h>
#include <errno.h>

#include "check.h"

static void text_is(const sgss_address *addr, const char *expected) {
    char buf[128];
    size_t len = 0;
    OK(sgss_address_text(addr, buf, sizeof buf, &len, NULL));
    CHECK(len == strlen(expected));
    CHECK(strcmp(buf, expected) == 0);
}

static void host_is(const sgss_address *addr, const char *expected) {
    char buf[128];
    size_t len = 0;
    OK(sgss_address_host_text(addr, buf, sizeof buf, &len, NULL));
    CHECK(strcmp(buf, expected) == 0);
}

static void test_ipv4(void) {
    sgss_address *a = NULL;
    int32_t family = 0;
    uint16_t port = 0;
    uint32_t value = 0;
    uint8_t bytes[16];
    size_t len = 0;

    OK(sgss_address_from_host_text(AF_INET, "127.0.0.1", 8080, &a, NULL));
    CHECK(a != NULL);
    OK(sgss_address_family(a, &family, NULL));
    CHECK(family == AF_INET);
    OK(sgss_address_port(a, &port, NULL));
    CHECK(port == 8080);
    OK(sgss_address_u32(a, &value, NULL));
    CHECK(value == 0x7f000001u);
    OK(sgss_address_bytes(a, bytes, sizeof bytes, &len, NULL));
    CHECK(len == 4 && bytes[0] == 127 && bytes[1] == 0 && bytes[2] == 0 && bytes[3] == 1);
    text_is(a, "127.0.0.1:8080");
    host_is(a, "127.0.0.1");

    OK(sgss_address_set_port(a, 9, NULL));
    text_is(a, "127.0.0.1:9");
    OK(sgss_address_set_u32(a, 0x0a000001u, NULL));
    text_is(a, "10.0.0.1:9");
    {
        const uint8_t four[4] = {192, 168, 1, 2};
        OK(sgss_address_set_bytes(a, four, 4, NULL));
        text_is(a, "192.168.1.2:9");
        EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_address_set_bytes(a, four, 3, NULL));
        text_is(a, "192.168.1.2:9");
    }
    OK(sgss_address_set_host_text(a, "1.2.3.4", NULL));
    text_is(a, "1.2.3.4:9");
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_address_set_host_text(a, "::1", NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_address_set_host_text(a, "1.2.3", NULL));
    text_is(a, "1.2.3.4:9");
    OK(sgss_address_set_text(a, "5.6.7.8:99", NULL));
    text_is(a, "5.6.7.8:99");
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_address_set_text(a, "[::1]:5", NULL));
    text_is(a, "5.6.7.8:99");
    sgss_address_free(a);
}


static void test_ipv6(void) {
    sgss_address *a = NULL, *b = NULL;
    uint8_t bytes[16];
    size_t len = 0;
    uint32_t value = 0;
    int32_t family = 0;

    OK(sgss_address_from_host_text(AF_INET6, "::1", 443, &a, NULL));
    OK(sgss_address_family(a, &family, NULL));
    CHECK(family == AF_INET6);
    text_is(a, "[::1]:443");
    host_is(a, "::1");
    OK(sgss_address_bytes(a, bytes, sizeof bytes, &len, NULL));
    CHECK(len == 16 && bytes[15] == 1 && bytes[0] == 0);
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_address_u32(a, &value, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_address_set_u32(a, 1, NULL));
    text_is(a, "[::1]:443");

    OK(sgss_address_from_host_text(AF_INET6, "[2001:DB8:0:0:0:0:0:1]", 0, &b, NULL));
    host_is(b, "2001:db8::1");
    sgss_address_free(b);

    OK(sgss_address_from_text("[::1]:443", &b, NULL));
    {
        int32_t order = 5;
        OK(sgss_address_compare(a, b, &order, NULL));
        CHECK(order == 0);
    }
    sgss_address_free(b);
    sgss_address_free(a);
}

static void test_unix(void) {
    sgss_address *a = NULL;
    int32_t family = 0;
    uint16_t port = 0;
    size_t len = 0;
    uint8_t bytes[16];
    sgss_error err;

    OK(sgss_address_from_host_text(AF_UNIX, "/tmp/sgss-test.sock", 0, &a, NULL));
    OK(sgss_address_family(a, &family, NULL));
    CHECK(family == AF_UNIX);
    host_is(a, "/tmp/sgss-test.sock");
    text_is(a, "/tmp/sgss-test.sock");
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_address_port(a, &port, &err));
    CHECK(err.result == SGSS_RESULT_INVALID_ARGUMENT && err.code == EINVAL);
    CHECK(strlen(err.message) > 0);
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_address_set_port(a, 1, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_address_bytes(a, bytes, sizeof bytes, &len, NULL));
    OK(sgss_address_set_text(a, "/tmp/other.sock", NULL));
    host_is(a, "/tmp/other.sock");
    sgss_address_free(a);

    a = NULL;
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_address_from_host_text(AF_UNIX, "/tmp/x", 5, &a, NULL));
    CHECK(a == NULL);
}

static void test_constructors(void) {
    sgss_address *a = NULL, *b = NULL;
    const uint8_t v4[4] = {127, 0, 0, 1};
    uint8_t v6[16] = {0};
    sgss_error err;
    int32_t order = 0;

    OK(sgss_address_from_bytes(AF_INET, v4, 4, 80, &a, NULL));
    text_is(a, "127.0.0.1:80");
    v6[15] = 1;
    OK(sgss_address_from_bytes(AF_INET6, v6, 16, 81, &b, NULL));
    text_is(b, "[::1]:81");
    OK(sgss_address_compare(a, b, &order, NULL));
    CHECK(order == -1);
    OK(sgss_address_compare(b, a, &order, NULL));
    CHECK(order == 1);
    sgss_address_free(b);
    b = NULL;
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_address_from_bytes(AF_INET, v4, 3, 80, &b, &err));
    CHECK(b == NULL && err.code == EINVAL);
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_address_from_bytes(AF_INET6, v4, 4, 80, &b, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_address_from_bytes(AF_UNIX, v4, 4, 80, &b, NULL));
    NULLARG(sgss_address_from_bytes(AF_INET, NULL, 4, 80, &b, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_address_from_bytes(AF_INET, NULL, 0, 80, &b, NULL));

    OK(sgss_address_from_u32(0x7f000001u, 80, &b, NULL));
    OK(sgss_address_compare(a, b, &order, NULL));
    CHECK(order == 0);
    sgss_address_free(b);

    OK(sgss_address_clone(a, &b, NULL));
    OK(sgss_address_set_port(b, 81, NULL));
    OK(sgss_address_compare(a, b, &order, NULL));
    CHECK(order == -1);
    sgss_address_free(b);

    OK(sgss_address_from_text("1.2.3.4:80", &b, NULL));
    text_is(b, "1.2.3.4:80");
    sgss_address_free(b);
    OK(sgss_address_from_text("1.2.3.4", &b, NULL));
    text_is(b, "1.2.3.4:0");
    sgss_address_free(b);
    b = NULL;
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_address_from_text("nonsense", &b, &err));
    CHECK(b == NULL);
    CHECK(err.result == SGSS_RESULT_INVALID_ARGUMENT && strstr(err.message, "nonsense") != NULL);
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_address_from_host_text(AF_INET, "256.0.0.1", 0, &b, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_address_from_host_text(AF_INET, "\xff\xfe", 0, &b, &err));
    CHECK(strstr(err.message, "UTF-8") != NULL);
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_address_from_host_text(12345, "1.2.3.4", 0, &b, NULL));
    CHECK(b == NULL);
    sgss_address_free(a);
}

static void test_buffers(void) {
    sgss_address *a = NULL;
    char text[32];
    uint8_t bytes[16];
    size_t len = 0;
    sgss_error err;

    OK(sgss_address_from_host_text(AF_INET, "127.0.0.1", 8080, &a, NULL));
    /* Ask for the length alone. */
    EXPECT(SGSS_RESULT_BUFFER_TOO_SMALL, sgss_address_text(a, NULL, 0, &len, NULL));
    CHECK(len == strlen("127.0.0.1:8080"));
    /* One byte short: no room for the NUL. */
    memset(text, 'x', sizeof text);
    EXPECT(SGSS_RESULT_BUFFER_TOO_SMALL, sgss_address_text(a, text, len, &len, &err));
    CHECK(text[0] == '\0' && len == 14);
    CHECK(err.result == SGSS_RESULT_BUFFER_TOO_SMALL && strlen(err.message) > 0);
    /* Exactly enough. */
    OK(sgss_address_text(a, text, len + 1, &len, &err));
    CHECK(strcmp(text, "127.0.0.1:8080") == 0);
    CHECK(err.result == 0 && err.code == 0 && err.message[0] == '\0');
    EXPECT(SGSS_RESULT_BUFFER_TOO_SMALL, sgss_address_host_text(a, text, 5, &len, NULL));
    CHECK(len == 9 && text[0] == '\0');
    EXPECT(SGSS_RESULT_BUFFER_TOO_SMALL, sgss_address_bytes(a, bytes, 3, &len, NULL));
    CHECK(len == 4);
    EXPECT(SGSS_RESULT_BUFFER_TOO_SMALL, sgss_address_bytes(a, NULL, 0, &len, NULL));
    CHECK(len == 4);
    OK(sgss_address_bytes(a, bytes, 4, &len, NULL));
    NULLARG(sgss_address_bytes(a, NULL, 4, &len, NULL));
    NULLARG(sgss_address_text(a, NULL, 4, &len, NULL));
    NULLARG(sgss_address_text(a, text, sizeof text, NULL, NULL));
    sgss_address_free(a);
}

static void test_null_arguments(void) {
    sgss_address *a = NULL;
    sgss_address *out = NULL;
    int32_t i32 = 0;
    uint16_t port = 0;
    uint32_t u32 = 0;
    size_t len = 0;
    char text[64];
    uint8_t bytes[16];
    sgss_error err;

    OK(sgss_address_from_host_text(AF_INET, "127.0.0.1", 1, &a, NULL));
    NULLARG(sgss_address_from_host_text(AF_INET, NULL, 0, &out, NULL));
    EXPECT(SGSS_RESULT_NULL_ARGUMENT, sgss_address_from_host_text(AF_INET, "1.2.3.4", 0, NULL, &err));
    CHECK(err.result == SGSS_RESULT_NULL_ARGUMENT && strstr(err.message, "out") != NULL);
    NULLARG(sgss_address_from_text(NULL, &out, NULL));
    NULLARG(sgss_address_from_text("1.2.3.4:5", NULL, NULL));
    NULLARG(sgss_address_from_bytes(AF_INET, bytes, 4, 0, NULL, NULL));
    NULLARG(sgss_address_from_u32(1, 2, NULL, NULL));
    NULLARG(sgss_address_clone(NULL, &out, NULL));
    NULLARG(sgss_address_clone(a, NULL, NULL));
    NULLARG(sgss_address_family(NULL, &i32, NULL));
    NULLARG(sgss_address_family(a, NULL, NULL));
    NULLARG(sgss_address_port(NULL, &port, NULL));
    NULLARG(sgss_address_port(a, NULL, NULL));
    NULLARG(sgss_address_set_port(NULL, 1, NULL));
    NULLARG(sgss_address_u32(NULL, &u32, NULL));
    NULLARG(sgss_address_u32(a, NULL, NULL));
    NULLARG(sgss_address_set_u32(NULL, 1, NULL));
    NULLARG(sgss_address_bytes(NULL, bytes, sizeof bytes, &len, NULL));
    NULLARG(sgss_address_set_bytes(NULL, bytes, 4, NULL));
    NULLARG(sgss_address_set_bytes(a, NULL, 4, NULL));
    NULLARG(sgss_address_host_text(NULL, text, sizeof text, &len, NULL));
    NULLARG(sgss_address_set_host_text(NULL, "1.2.3.4", NULL));
    NULLARG(sgss_address_set_host_text(a, NULL, NULL));
    NULLARG(sgss_address_text(NULL, text, sizeof text, &len, NULL));
    NULLARG(sgss_address_set_text(NULL, "1.2.3.4:5", NULL));
    NULLARG(sgss_address_set_text(a, NULL, NULL));
    NULLARG(sgss_address_compare(NULL, a, &i32, NULL));
    NULLARG(sgss_address_compare(a, NULL, &i32, NULL));
    NULLARG(sgss_address_compare(a, a, NULL, NULL));
    sgss_address_free(NULL);
    sgss_address_free(a);
}

int main(void) {
    test_ipv4();
    test_ipv6();
    test_unix();
    test_constructors();
    test_buffers();
    test_null_arguments();
    return check_finish("test_address");
}
