/* Built with `cc app.c $(pkg-config --cflags --libs sgssockets)` against an installed copy. */
#include <stdio.h>

#include <sgssockets.h>

int main(void) {
    sgss_socket *s = NULL;
    sgss_error err;
    if (sgss_socket_udp(false, &s, &err) != SGSS_RESULT_OK) {
        fprintf(stderr, "pkgconfig_app: %s\n", err.message);
        return 1;
    }
    if (sgss_socket_bind_port(s, 0, &err) != SGSS_RESULT_OK) {
        fprintf(stderr, "pkgconfig_app: %s\n", err.message);
        return 1;
    }
    sgss_socket_free(s);
    printf("pkgconfig_app: ok\n");
    return 0;
}
