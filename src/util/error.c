/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>

static char message[1024];
static unsigned long warnings;
static int warnings_quiet;

int error_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	return code;
}

const char *error_message(void)
{
	return message;
}

void error_clear(void)
{
	message[0] = '\0';
}

void warning(const char *fmt, ...)
{
	va_list ap;

	warnings++;
	if (warnings_quiet)
		return;
	fputs("mldigest: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

unsigned long warning_count(void)
{
	return warnings;
}

void warning_set_quiet(int quiet)
{
	warnings_quiet = quiet;
}
