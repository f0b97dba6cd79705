/* Name lookup, host name, errno table, constants, result and error text. */
#include <sys/socket.h>
#include <netinet/in.h>
#include <netdb.h>
#include <errno.h>

#include "check.h"

static void test_getaddrinfo(void) {
    sgss_addrinfo_list *list = NULL;
    sgss_addrinfo_hints hints;
    sgss_addrinfo info;
    size_t count = 0, len = 0;
    char text[64];
    sgss_address *copy = NULL;
    sgss_error err;

    memset(&hints, 0, sizeof hints);
    hints.family = AF_INET;
    hints.socktype = SOCK_STREAM;
    OK(sgss_addrinfo_list_new("127.0.0.1", "80", &hints, &list, NULL));
    OK(sgss_addrinfo_list_count(list, &count, NULL));
    CHECK(count >= 1);
    OK(sgss_addrinfo_list_get(list, 0, &info, NULL));
    CHECK(info.family == AF_INET && info.socktype == SOCK_STREAM && info.addr != NULL);
    OK(sgss_address_text(info.addr, text, sizeof text, &len, NULL));
    CHECK(strcmp(text, "127.0.0.1:80") == 0);
    OK(sgss_address_clone(info.addr, &copy, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_addrinfo_list_get(list, count, &info, NULL));
    EXPECT(SGSS_RESULT_NOT_FOUND, sgss_addrinfo_list_canonname(list, 0, text, sizeof text, &len, NULL));
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_addrinfo_list_canonname(list, count, text, sizeof text, &len, NULL));
    NULLARG(sgss_addrinfo_list_count(NULL, &count, NULL));
    NULLARG(sgss_addrinfo_list_count(list, NULL, NULL));
    NULLARG(sgss_addrinfo_list_get(NULL, 0, &info, NULL));
    NULLARG(sgss_addrinfo_list_get(list, 0, NULL, NULL));
    NULLARG(sgss_addrinfo_list_canonname(NULL, 0, text, sizeof text, &len, NULL));
    NULLARG(sgss_addrinfo_list_canonname(list, 0, text, sizeof text, NULL, NULL));
    sgss_addrinfo_list_free(list);
    /* The copy outlives the list. */
    OK(sgss_address_text(copy, text, sizeof text, &len, NULL));
    CHECK(strcmp(text, "127.0.0.1:80") == 0);
    sgss_address_free(copy);

    /* Canonical name asked for. */
    hints.flags = AI_CANONNAME;
    list = NULL;
    OK(sgss_addrinfo_list_new("127.0.0.1", NULL, &hints, &list, NULL));
    {
        sgss_result r = sgss_addrinfo_list_canonname(list, 0, text, sizeof text, &len, NULL);
        CHECK(r == SGSS_RESULT_OK || r == SGSS_RESULT_NOT_FOUND);
        if (r == SGSS_RESULT_OK)
            CHECK(len > 0 && strlen(text) == len);
    }
    sgss_addrinfo_list_free(list);

    /* No hints, passive, IPv6 numeric host. */
    list = NULL;
    OK(sgss_addrinfo_list_new("::1", "443", NULL, &list, NULL));
    OK(sgss_addrinfo_list_get(list, 0, &info, NULL));
    CHECK(info.family == AF_INET6);
    sgss_addrinfo_list_free(list);
    memset(&hints, 0, sizeof hints);
    hints.flags = AI_PASSIVE;
    hints.family = AF_INET;
    list = NULL;
    OK(sgss_addrinfo_list_new(NULL, "8080", &hints, &list, NULL));
    OK(sgss_addrinfo_list_get(list, 0, &info, NULL));
    OK(sgss_address_text(info.addr, text, sizeof text, &len, NULL));
    CHECK(strcmp(text, "0.0.0.0:8080") == 0);
    sgss_addrinfo_list_free(list);

    /* Failures. */
    list = NULL;
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_addrinfo_list_new(NULL, NULL, NULL, &list, NULL));
    hints.flags = AI_NUMERICHOST;
    EXPECT(SGSS_RESULT_RESOLVER_ERROR, sgss_addrinfo_list_new("not-an-address", "80", &hints, &list, &err));
    CHECK(err.code == EAI_NONAME && strlen(err.message) > 0);
    hints.flags = 0;
    EXPECT(SGSS_RESULT_RESOLVER_ERROR, sgss_addrinfo_list_new("127.0.0.1", "no-such-service-sgss", &hints, &list, &err));
    CHECK(err.code != 0);
    CHECK(list == NULL);
    NULLARG(sgss_addrinfo_list_new("127.0.0.1", "80", NULL, NULL, NULL));
    sgss_addrinfo_list_free(NULL);
}

static void test_hostname(void) {
    size_t len = 0;
    char *name;
    EXPECT(SGSS_RESULT_BUFFER_TOO_SMALL, sgss_host_name(NULL, 0, &len, NULL));
    CHECK(len > 0);
    name = malloc(len + 1);
    OK(sgss_host_name(name, len + 1, &len, NULL));
    CHECK(strlen(name) == len);
    free(name);
    NULLARG(sgss_host_name(NULL, 0, NULL, NULL));
    NULLARG(sgss_host_name(NULL, 5, &len, NULL));
}

static void test_errno(void) {
    int32_t code = 0;
    size_t len = 0, count = 0, i;
    char text[128];
    sgss_error err;

    OK(sgss_errno_by_name("ECONNREFUSED", &code, NULL));
    CHECK(code == ECONNREFUSED);
    OK(sgss_errno_by_name("EPIPE", &code, NULL));
    CHECK(code == EPIPE);
    EXPECT(SGSS_RESULT_NOT_FOUND, sgss_errno_by_name("ENOTANERROR", &code, &err));
    CHECK(strstr(err.message, "ENOTANERROR") != NULL);
    NULLARG(sgss_errno_by_name(NULL, &code, NULL));
    NULLARG(sgss_errno_by_name("EPIPE", NULL, NULL));

    OK(sgss_errno_name(ECONNREFUSED, text, sizeof text, &len, NULL));
    CHECK(strcmp(text, "ECONNREFUSED") == 0 && len == 12);
    EXPECT(SGSS_RESULT_NOT_FOUND, sgss_errno_name(-5, text, sizeof text, &len, NULL));
    EXPECT(SGSS_RESULT_BUFFER_TOO_SMALL, sgss_errno_name(ECONNREFUSED, text, 4, &len, NULL));
    CHECK(len == 12 && text[0] == '\0');
    NULLARG(sgss_errno_name(EPIPE, text, sizeof text, NULL, NULL));

    OK(sgss_errno_count(&count, NULL));
    CHECK(count >= 20);
    for (i = 0; i < count; i++) {
        int32_t by_name = -1;
        OK(sgss_errno_at(i, text, sizeof text, &len, &code, NULL));
        OK(sgss_errno_by_name(text, &by_name, NULL));
        CHECK(by_name == code);
    }
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_errno_at(count, text, sizeof text, &len, &code, NULL));
    NULLARG(sgss_errno_count(NULL, NULL));
    NULLARG(sgss_errno_at(0, text, sizeof text, &len, NULL, NULL));

    OK(sgss_errno_text(ECONNREFUSED, text, sizeof text, &len, NULL));
    CHECK(strcmp(text, strerror(ECONNREFUSED)) == 0);
    OK(sgss_errno_text(0, text, sizeof text, &len, NULL));
    CHECK(strcmp(text, "Success") == 0);
    EXPECT(SGSS_RESULT_BUFFER_TOO_SMALL, sgss_errno_text(ECONNREFUSED, text, 2, &len, NULL));
    CHECK(len == strlen(strerror(ECONNREFUSED)));
    NULLARG(sgss_errno_text(0, NULL, 3, &len, NULL));
}

static void test_constants(void) {
    int32_t value = -1;
    size_t count = 0, len = 0, i;
    char name[64];

    OK(sgss_constant_by_name("AF_INET", &value, NULL));
    CHECK(value == AF_INET);
    OK(sgss_constant_by_name("AF_INET6", &value, NULL));
    CHECK(value == AF_INET6);
    OK(sgss_constant_by_name("SOCK_DGRAM", &value, NULL));
    CHECK(value == SOCK_DGRAM);
    OK(sgss_constant_by_name("MSG_PEEK", &value, NULL));
    CHECK(value == MSG_PEEK);
    OK(sgss_constant_by_name("SHUT_WR", &value, NULL));
    CHECK(value == SHUT_WR);
    OK(sgss_constant_by_name("AI_PASSIVE", &value, NULL));
    CHECK(value == AI_PASSIVE);
    EXPECT(SGSS_RESULT_NOT_FOUND, sgss_constant_by_name("AF_NOTHING", &value, NULL));
    NULLARG(sgss_constant_by_name(NULL, &value, NULL));
    NULLARG(sgss_constant_by_name("AF_INET", NULL, NULL));

    OK(sgss_constant_count(&count, NULL));
    CHECK(count > 20);
    for (i = 0; i < count; i++) {
        int32_t again = -1;
        OK(sgss_constant_at(i, name, sizeof name, &len, &value, NULL));
        OK(sgss_constant_by_name(name, &again, NULL));
        /* Aliases (PF_INET, SD_SEND) share values with their AF_/SHUT_ names. */
        CHECK(again == value);
    }
    EXPECT(SGSS_RESULT_INVALID_ARGUMENT, sgss_constant_at(count, name, sizeof name, &len, &value, NULL));
    EXPECT(SGSS_RESULT_BUFFER_TOO_SMALL, sgss_constant_at(0, name, 1, &len, &value, NULL));
    NULLARG(sgss_constant_count(NULL, NULL));
    NULLARG(sgss_constant_at(0, name, sizeof name, &len, NULL, NULL));
}

static void test_result_and_error_text(void) {
    char text[1024];
    size_t len = 0;
    uint32_t code;
    int32_t code_out = 0;
    sgss_error err, garbage;

    for (code = 0; code <= SGSS_RESULT_PANIC; code++) {
        OK(sgss_result_text(code, text, sizeof text, &len, NULL));
        CHECK(len > 0 && strlen(text) == len);
    }
    OK(sgss_result_text(SGSS_RESULT_CLOSED, text, sizeof text, &len, NULL));
    CHECK(strcmp(text, "the socket is closed") == 0);
    EXPECT(SGSS_RESULT_NOT_FOUND, sgss_result_text(SGSS_RESULT_PANIC + 1, text, sizeof text, &len, NULL));
    EXPECT(SGSS_RESULT_NOT_FOUND, sgss_result_text(0xffffffffu, text, sizeof text, &len, NULL));
    NULLARG(sgss_result_text(0, text, sizeof text, NULL, NULL));

    /* The message of a failed call, copied out; err may be the same struct. */
    EXPECT(SGSS_RESULT_NOT_FOUND, sgss_errno_by_name("EBOGUS", &code_out, &err));
    OK(sgss_error_text(&err, text, sizeof text, &len, NULL));
    CHECK(strcmp(text, err.message) == 0 && len == strlen(err.message));
    OK(sgss_error_text(&err, text, sizeof text, &len, &err));
    CHECK(err.result == SGSS_RESULT_OK && err.message[0] == '\0');
    EXPECT(SGSS_RESULT_BUFFER_TOO_SMALL, sgss_error_text(&err, NULL, 0, &len, NULL));
    CHECK(len == 0);
    /* A struct full of garbage (no NUL): still safe. */
    memset(&garbage, 0xff, sizeof garbage);
    OK(sgss_error_text(&garbage, text, sizeof text, &len, NULL));
    CHECK(len > 0 && strlen(text) == len);
    NULLARG(sgss_error_text(NULL, text, sizeof text, &len, NULL));
    NULLARG(sgss_error_text(&err, text, sizeof text, NULL, NULL));
}

static void test_version(void) {
    char text[32];
    size_t len = 0;
    OK(sgss_version(text, sizeof text, &len, NULL));
    CHECK(len > 0 && strchr(text, '.') != NULL);
    EXPECT(SGSS_RESULT_BUFFER_TOO_SMALL, sgss_version(text, 1, &len, NULL));
    NULLARG(sgss_version(text, sizeof text, NULL, NULL));
}

int main(void) {
    test_version();
    test_getaddrinfo();
    test_hostname();
    test_errno();
    test_constants();
    test_result_and_error_text();
    return check_finish("test_misc");
}
