/* Tiny check helpers for the C ABI tests: count checks, report failures with the line,
 * and finish with a summary line and an exit status. */
#ifndef SGSS_CHECK_H
#define SGSS_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sgssockets.h"

static int checks_run = 0;
static int checks_failed = 0;

#define CHECK(cond)                                                                \
    do {                                                                           \
        checks_run++;                                                              \
        if (!(cond)) {                                                             \
            checks_failed++;                                                       \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                          \
    } while (0)

/* Checks that a call gives the expected sgss_result. */
#define EXPECT(expected, call)                                                     \
    do {                                                                           \
        sgss_result got_ = (call);                                                 \
        checks_run++;                                                              \
        if (got_ != (expected)) {                                                  \
            checks_failed++;                                                       \
            fprintf(stderr, "%s:%d: %s gave %u, expected %s\n", __FILE__, __LINE__, \
                    #call, (unsigned)got_, #expected);                             \
        }                                                                          \
    } while (0)

#define OK(call) EXPECT(SGSS_RESULT_OK, call)
#define NULLARG(call) EXPECT(SGSS_RESULT_NULL_ARGUMENT, call)

/* Prints the summary and gives the exit status. */
static int check_finish(const char *name) {
    printf("%s: %d checks, %d passed, %d failed\n", name, checks_run,
           checks_run - checks_failed, checks_failed);
    return checks_failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
