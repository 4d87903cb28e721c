/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Dates (src/util/date.c): RFC 5322 Date headers, ISO 8601, the title's format. */
#include "unit.h"

#include "util/date.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>

#define T_2026_01_27 1769472000 /* 2026-01-27T00:00:00Z */

static const struct {
	const char *in;
	int ok;
	int64_t out;
	const char *why;
} rfc5322_cases[] = {
    {"Tue, 27 Jan 2026 07:00:00 +0000", 1, T_2026_01_27 + 7 * 3600, "the common form"},
    {"Tue, 27 Jan 2026 09:00:00 +0200", 1, T_2026_01_27 + 7 * 3600,
     "an eastern zone is subtracted"},
    {"Mon, 26 Jan 2026 23:30:00 -0730", 1, T_2026_01_27 + 7 * 3600,
     "a western zone with minutes crosses midnight"},
    {"27 Jan 2026 07:00:00 +0000", 1, T_2026_01_27 + 7 * 3600, "the day of the week is optional"},
    {"Tue, 27 Jan 2026 07:00 +0000", 1, T_2026_01_27 + 7 * 3600, "seconds are optional"},
    {"Tue, 27 Jan 2026 07:00:00 +0000 (UTC)", 1, T_2026_01_27 + 7 * 3600,
     "a trailing comment, as many mailers write"},
    {"  (sent) Tue,\r\n 27 Jan 2026 07:00:00\r\n\t+0000\r\n", 1, T_2026_01_27 + 7 * 3600,
     "comments, folding and a header's CRLF"},
    {"Tue, 27 Jan 2026 07:00:00 GMT", 1, T_2026_01_27 + 7 * 3600, "GMT"},
    {"Tue, 27 Jan 2026 02:00:00 EST", 1, T_2026_01_27 + 7 * 3600, "a named US zone"},
    {"Tue, 27 Jan 2026 07:00:00 CET", 1, T_2026_01_27 + 7 * 3600,
     "an unknown zone name is UTC (RFC 5322 on military zones)"},
    {"Tue, 27 Jan 2026 07:00:00", 1, T_2026_01_27 + 7 * 3600, "no zone at all is UTC"},
    {"tuesday, 27 JANUARY 2026 07:00:00 +0000", 1, T_2026_01_27 + 7 * 3600, "full names, any case"},
    {"Tue, 27 Jan 26 07:00:00 +0000", 1, T_2026_01_27 + 7 * 3600,
     "a two-digit year below 50 is 20xx"},
    {"Thu, 01 Jan 70 00:00:00 +0000", 1, 0, "a two-digit year from 50 is 19xx"},
    {"Tue, 27 Jan 126 07:00:00 +0000", 1, T_2026_01_27 + 7 * 3600, "a three-digit year adds 1900"},
    {"Tue Jan 27 07:00:00 2026", 1, T_2026_01_27 + 7 * 3600, "asctime's order"},
    {"Jan 27 07:00:00 2026 +0100", 1, T_2026_01_27 + 6 * 3600,
     "asctime's order without the day of the week, with a zone"},
    {"Sun, 29 Feb 2004 12:00:00 +0000", 1, 1078056000, "a leap day"},
    {"Sat, 31 Dec 2016 23:59:60 +0000", 1, 1483228800, "a leap second is the next minute"},
    {"Thu, 1 Jan 1970 00:00:00 +0000", 1, 0, "the epoch"},
    {"Wed, 31 Dec 1969 23:59:59 +0000", 1, -1, "before the epoch"},
    {"Mon, 29 Feb 2100 12:00:00 +0000", 0, 0, "2100 is no leap year"},
    {"Tue, 30 Feb 2026 07:00:00 +0000", 0, 0, "no such day"},
    {"Tue, 27 Jan 2026 24:00:00 +0000", 0, 0, "no such hour"},
    {"Tue, 27 Jan 2026 07:60:00 +0000", 0, 0, "no such minute"},
    {"Tue, 27 Foo 2026 07:00:00 +0000", 0, 0, "no such month"},
    {"Tue, 27 Jan 2026 09:00:00 +02", 1, T_2026_01_27 + 7 * 3600,
     "a two-digit zone is hours (GMime read it so; one parser for both since issue 8)"},
    {"Tue, 27 Jan 2026 07:00:00 +0060", 1, T_2026_01_27 + 7 * 3600,
     "a zone's minutes out of range: UTC, as an unknown zone (was no date)"},
    {"Tue, 27 Jan 2026 07:00:00 +2500", 1, T_2026_01_27 + 7 * 3600,
     "a zone's hours out of range: UTC (was +25:00)"},
    {"Tue, 27 Jan 2026 07:00:00 +1", 1, T_2026_01_27 + 7 * 3600, "a one-digit zone: UTC"},
    {"Tue, 27 Jan 2026", 1, T_2026_01_27, "no time: midnight (was no date)"},
    {"Tue, 27 Jan 2026 +0100", 1, T_2026_01_27 - 3600, "no time, a zone"},
    {"Tue, 27 Jan 20261 07:00:00 +0000", 0, 0, "a five-digit year"},
    {"2026-01-27T07:00:00Z", 1, T_2026_01_27 + 7 * 3600,
     "ISO 8601 as some mailers write it (GMime read it; was no date)"},
    {"2026-01-27 09:00:00 +0200", 1, T_2026_01_27 + 7 * 3600, "ISO-like, an RFC 5322 zone"},
    {"2026-01-27T08:00:00.25+01:00", 1, T_2026_01_27 + 7 * 3600, "ISO, a fraction, +hh:mm"},
    {"2026-01-27", 1, T_2026_01_27, "ISO, a date alone"},
    {"2026-13-27 07:00:00", 0, 0, "ISO, no such month"},
    {"2026-01-27 07", 0, 0, "ISO, an hour alone"},
    /* ---- odd dates GMime's parser read otherwise (message dates were GMime's) ---- */
    {"Tue, 27 Jan 50 07:00:00 +0000", 1, -628880400,
     "a two-digit year 50-69 is 19xx (RFC 5322; GMime: 20xx)"},
    {"Mon, 27 Jan 69 07:00:00 +0000", 1, -29264400, "69 is 1969 (GMime: 2069)"},
    {"Tue, 27 Jan 2026 07:00:00 A", 1, T_2026_01_27 + 7 * 3600,
     "a military zone is UTC (RFC 5322; GMime: +01:00)"},
    {"Tue, 27 Jan 2026 07:00:00 Y", 1, T_2026_01_27 + 7 * 3600, "Y is UTC (GMime: +12:00)"},
    {"Tue, 27 Jan 1900 07:00:00 +0000", 1, -2206717200, "a year before 1970 (GMime: no date)"},
    {"Tue, 27-Jan-2026 07:00:00 +0000", 1, T_2026_01_27 + 7 * 3600,
     "day, month and year joined by '-'"},
    {"Tue, 27 Jan 2026 07.00.00 +0000", 1, T_2026_01_27 + 7 * 3600,
     "'.' between hours, minutes and seconds (GMime: midnight)"},
    {"Tue, 27 Jan 2026 09:00.00 +0200", 1, T_2026_01_27 + 9 * 3600,
     "':' then '.': hh:mm, and the rest (the zone too) is not looked at"},
    {"Jan 27 2026 07:00:00", 1, T_2026_01_27 + 7 * 3600, "month first, the year before the time"},
    {"\xc2\xa0\xc2\xa0 Tue Jan 27 17:00:00 2026 +1000", 1, T_2026_01_27 + 7 * 3600,
     "no-break spaces before (kvm-ppc, commit 3819 of the dates)"},
    {"\xc2 Tue, 27 Jan 2026 07:00:00 +0000", 0, 0, "a lone 0xC2 is not white space"},
    {"", 0, 0, "empty"},
    {"(((((((((((((((((((((unclosed", 0, 0, "comments nested too deep"},
    {"Tue, 27 Jan 2026 07:00:00 +0000 (unclosed", 1, T_2026_01_27 + 7 * 3600,
     "what follows the zone is not looked at"},
};

static void test_rfc5322(void **state)
{
	int64_t t;
	size_t i;
	int error;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(rfc5322_cases); i++) {
		const char *in = rfc5322_cases[i].in;

		t = 12345;
		error = date_parse_rfc5322(in, strlen(in), &t);
		if (rfc5322_cases[i].ok && (error != 0 || t != rfc5322_cases[i].out))
			fail_msg("'%s' (%s): got %d, %lld; want %lld", in, rfc5322_cases[i].why,
				 error, (long long)t, (long long)rfc5322_cases[i].out);
		if (!rfc5322_cases[i].ok && (error != MD_ERR_INPUT || t != 12345))
			fail_msg("'%s' (%s): got %d, %lld; want an error, *out untouched", in,
				 rfc5322_cases[i].why, error, (long long)t);
	}
}

/* The parser stops at `len`: no NUL needed, nothing read past it. */
static void test_rfc5322_length(void **state)
{
	const char *s = "Tue, 27 Jan 2026 07:00:00 +0000";
	char *copy;
	int64_t t;

	(void)state;
	copy = malloc(16);
	memcpy(copy, s, 16); /* "Tue, 27 Jan 2026": no time, midnight */
	assert_int_equal(date_parse_rfc5322(copy, 16, &t), 0);
	assert_int_equal(t, T_2026_01_27);
	assert_int_equal(date_parse_rfc5322(copy, 13, &t), MD_ERR_INPUT); /* "Tue, 27 Jan 2" */
	free(copy);
	copy = malloc(10);
	memcpy(copy, "2026-01-27", 10); /* ISO, cut after the date */
	assert_int_equal(date_parse_rfc5322(copy, 10, &t), 0);
	assert_int_equal(t, T_2026_01_27);
	assert_int_equal(date_parse_rfc5322(copy, 9, &t), MD_ERR_INPUT);
	free(copy);
	/* The zone cut off: no zone is UTC. */
	assert_int_equal(date_parse_rfc5322(s, strlen(s) - 6, &t), 0);
	assert_int_equal(t, T_2026_01_27 + 7 * 3600);
}

static const struct {
	const char *in;
	int ok;
	int64_t out;
	const char *why;
} iso8601_cases[] = {
    {"2026-01-27", 1, T_2026_01_27, "a date is its midnight, UTC"},
    {"2026-01-27T08:00", 1, T_2026_01_27 + 8 * 3600, "date and time, no seconds"},
    {"2026-01-27T08:00:00Z", 1, T_2026_01_27 + 8 * 3600, "with seconds and Z"},
    {"2026-01-27T10:00+02:00", 1, T_2026_01_27 + 8 * 3600, "an offset with a colon"},
    {"2026-01-27T10:00+0200", 1, T_2026_01_27 + 8 * 3600, "an offset without one"},
    {"2026-01-27T10:00+02", 1, T_2026_01_27 + 8 * 3600, "an offset of hours only"},
    {"2026-01-27T03:30-04:30", 1, T_2026_01_27 + 8 * 3600, "a western offset"},
    {"2026-01-27 08:00", 1, T_2026_01_27 + 8 * 3600, "a space for the T"},
    {"2026-01-27t08:00z", 1, T_2026_01_27 + 8 * 3600, "lower-case t and z"},
    {"2026-01-27T08:00:00.750Z", 1, T_2026_01_27 + 8 * 3600, "fractions are dropped"},
    {"2024-02-29", 1, 1709164800, "a leap day"},
    {"1969-12-31T23:59:59Z", 1, -1, "before the epoch"},
    {"2026-02-29", 0, 0, "2026 is no leap year"},
    {"2026-13-01", 0, 0, "no such month"},
    {"2026-01-27T24:00", 0, 0, "no such hour"},
    {"2026-01-27T08", 0, 0, "an hour without minutes"},
    {"2026-01-27T08:00+2", 0, 0, "an offset of one digit"},
    {"2026-01-27T08:00+02:", 0, 0, "a colon without minutes"},
    {"2026-01-27T08:00+24:00", 0, 0, "no such offset"},
    {"2026-01-27Z", 0, 0, "a zone needs a time"},
    {"2026-1-27", 0, 0, "two-digit months"},
    {"26-01-27", 0, 0, "four-digit years"},
    {"2026-01-27T08:00:00Z junk", 0, 0, "the whole string"},
    {"2026-01-27T08:00:00.Z", 0, 0, "a point without digits"},
    {"yesterday", 0, 0, "not a date"},
    {"", 0, 0, "empty"},
};

static void test_iso8601(void **state)
{
	int64_t t;
	size_t i;
	int error;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(iso8601_cases); i++) {
		const char *in = iso8601_cases[i].in;

		t = 12345;
		error = date_parse_iso8601(in, &t);
		if (iso8601_cases[i].ok && (error != 0 || t != iso8601_cases[i].out))
			fail_msg("'%s' (%s): got %d, %lld; want %lld", in, iso8601_cases[i].why,
				 error, (long long)t, (long long)iso8601_cases[i].out);
		if (!iso8601_cases[i].ok && (error != MD_ERR_INPUT || t != 12345))
			fail_msg("'%s' (%s): got %d, %lld; want an error, *out untouched", in,
				 iso8601_cases[i].why, error, (long long)t);
	}
}

static const struct {
	int64_t in;
	const char *out;
	const char *why;
} format_cases[] = {
    {T_2026_01_27 + 8 * 3600, "2026-01-27T08:00Z", "the title's form: no seconds when zero"},
    {T_2026_01_27 + 8 * 3600 + 30, "2026-01-27T08:00:30Z", "seconds when not zero"},
    {0, "1970-01-01T00:00Z", "the epoch"},
    {-1, "1969-12-31T23:59:59Z", "before the epoch rounds down, not towards zero"},
    {1709164800, "2024-02-29T00:00Z", "a leap day"},
    {253402300799LL, "9999-12-31T23:59:59Z", "the last four-digit year"},
};

static void test_format(void **state)
{
	char out[DATE_ISO8601_MAX];
	int64_t back;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(format_cases); i++) {
		date_format_iso8601(format_cases[i].in, out);
		if (strcmp(out, format_cases[i].out))
			fail_msg("%lld (%s): got '%s', want '%s'", (long long)format_cases[i].in,
				 format_cases[i].why, out, format_cases[i].out);
		/* What is written reads back. */
		assert_int_equal(date_parse_iso8601(out, &back), 0);
		assert_true(back == format_cases[i].in);
	}
}

/* The length of a month, by the calendar's rules (the test's own, not date.c's). */
static int month_length(int year, int month)
{
	int leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);

	if (month == 2)
		return leap ? 29 : 28;
	if (month == 4 || month == 6 || month == 9 || month == 11)
		return 30;
	return 31;
}

/* Every day of 1900-2100 round-trips through the civil conversions. */
static void test_civil_round_trip(void **state)
{
	char out[DATE_ISO8601_MAX], want[DATE_ISO8601_MAX];
	int64_t days = -25567, t; /* 1900-01-01: date -u -d 1900-01-01 +%s / 86400 */
	int year, month, day;

	(void)state;
	for (year = 1900; year <= 2100; year++) {
		for (month = 1; month <= 12; month++) {
			for (day = 1; day <= month_length(year, month); day++, days++) {
				assert_true(date_days_from_civil(year, month, day) == days);
				date_format_iso8601(days * 86400, out);
				snprintf(want, sizeof(want), "%04d-%02d-%02dT00:00Z", year, month,
					 day);
				assert_string_equal(out, want);
				assert_int_equal(date_parse_iso8601(out, &t), 0);
				assert_true(t == days * 86400);
			}
		}
	}
	assert_true(days == date_days_from_civil(2101, 1, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc5322),	     cmocka_unit_test(test_rfc5322_length),
	    cmocka_unit_test(test_iso8601),	     cmocka_unit_test(test_format),
	    cmocka_unit_test(test_civil_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
