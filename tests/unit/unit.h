/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Common includes of the unit tests (cmocka needs these first). */
#ifndef MLDIGEST_TESTS_UNIT_H
#define MLDIGEST_TESTS_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
