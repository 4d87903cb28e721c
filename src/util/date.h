/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_UTIL_DATE_H
#define MLDIGEST_UTIL_DATE_H

/*
 * Dates as seconds since the epoch (UTC): the Date header of a mail
 * (RFC 5322, leniently) and the dates of the command line (ISO 8601).
 * Pure parsers: they set no error message (the caller knows what it
 * parsed) and return 0, or MD_ERR_INPUT with *out untouched.
 */

#include <stddef.h>
#include <stdint.h>

/* Room for what date_format_iso8601() writes, NUL included. */
#define DATE_ISO8601_MAX 32

/*
 * A Date header's value, s[0..len) (no NUL needed; folded lines and
 * comments allowed): "Tue, 27 Jan 2026 07:00:00 +0000 (UTC)".  The one
 * parser of Date headers: message dates (message.c) and the Maildir order
 * both use it.  Accepted besides RFC 5322's own syntax (its obsolete forms
 * included): no day of the week, full day and month names, any case, no
 * seconds, no time (midnight), '.' for ':' in the time, day-month-year
 * joined by '-', two- and three-digit years (RFC 5322 4.3: 00-49 are
 * 2000-2049, 50-999 add 1900), the named zones UT, UTC, GMT, EST/EDT,
 * CST/CDT, MST/MDT, PST/PDT, "+hh", a missing, unknown or out-of-range
 * zone (UTC, as RFC 5322 says of military zones), asctime's order ("Tue
 * Jan 27 07:00:00 2026", or the year before the time), the ISO-like
 * "2026-01-27 07:00:00" and "2026-01-27T07:00:00+01:00", and U+00A0 as
 * white space.  Anything after the zone is ignored.  Out-of-range fields
 * (Feb 30, 25:00) are an error.  docs/QUIRKS.md "Dates" has the reasons.
 */
int date_parse_rfc5322(const char *s, size_t len, int64_t *out);

/*
 * An ISO 8601 date or date-time, the whole NUL-terminated string:
 * "2026-01-27" (midnight), "2026-01-27T08:00", "2026-01-27 08:00:00",
 * "2026-01-27T08:00:00.5Z" (fractions dropped), with an optional zone "Z",
 * "+02:00", "+0200" or "+02".  UTC unless a zone is given.
 */
int date_parse_iso8601(const char *s, int64_t *out);

/*
 * Writes `t` as UTC in ISO 8601 to out: "2026-01-27T08:00Z", with seconds
 * ("2026-01-27T08:00:30Z") only when they are not zero.
 */
void date_format_iso8601(int64_t t, char out[DATE_ISO8601_MAX]);

/* Days from 1970-01-01 to year-month-day (proleptic Gregorian; month 1-12). */
int64_t date_days_from_civil(int64_t year, int month, int day);

#endif
