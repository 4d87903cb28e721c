/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "util/date.h"
#include "util/error.h"

#include <stdio.h>
#include <string.h>

/* Comments nest; deeper than this is not a date. */
#define DATE_COMMENT_DEPTH_MAX 16

static const char *const date_months[12] = {"jan", "feb", "mar", "apr", "may", "jun",
					    "jul", "aug", "sep", "oct", "nov", "dec"};
static const char *const date_weekdays[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

/* A zone name and its offset from UTC in minutes (RFC 5322 4.3). */
static const struct {
	const char *name;
	int minutes;
} date_zones[] = {
    {"ut", 0},	      {"utc", 0},	{"gmt", 0},	  {"z", 0},
    {"est", -5 * 60}, {"edt", -4 * 60}, {"cst", -6 * 60}, {"cdt", -5 * 60},
    {"mst", -7 * 60}, {"mdt", -6 * 60}, {"pst", -8 * 60}, {"pdt", -7 * 60},
};

/* A parser's place in s[0..len). */
struct date_cursor {
	const char *s;
	size_t len;
	size_t pos;
};

static int date_is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int date_is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int date_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int date_peek(const struct date_cursor *c)
{
	return c->pos < c->len ? (unsigned char)c->s[c->pos] : -1;
}

int64_t date_days_from_civil(int64_t year, int month, int day)
{
	/* Howard Hinnant's days_from_civil: years start in March. */
	int64_t y = year - (month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t mp = (month + 9) % 12;
	int64_t doy = (153 * mp + 2) / 5 + day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

static int date_days_in_month(int64_t year, int month)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

/*
 * Seconds since the epoch of a UTC date-time less `offset` minutes, or
 * MD_ERR_INPUT when a field is out of range.  A leap second (:60) is taken
 * as the next minute's first second.
 */
static int date_make(int64_t *out, int64_t year, int month, int day, int hour, int minute,
		     int second, int offset)
{
	if (month < 1 || month > 12 || day < 1 || day > date_days_in_month(year, month) ||
	    hour > 23 || minute > 59 || second > 60)
		return MD_ERR_INPUT;
	*out = date_days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second -
	       (int64_t)offset * 60;
	return 0;
}

/* Skips white space (folding included) and comments: CFWS. */
static int date_skip_cfws(struct date_cursor *c)
{
	int depth = 0, ch;

	while ((ch = date_peek(c)) >= 0) {
		if (depth > 0 && ch == '\\') {
			c->pos += c->pos + 1 < c->len ? 2 : 1;
			continue;
		}
		if (ch == '(') {
			if (++depth > DATE_COMMENT_DEPTH_MAX)
				return MD_ERR_INPUT;
		} else if (ch == ')' && depth > 0) {
			depth--;
		} else if (depth == 0 && ch == 0xc2 && c->pos + 1 < c->len &&
			   (unsigned char)c->s[c->pos + 1] == 0xa0) {
			c->pos++; /* U+00A0 NO-BREAK SPACE, as some mailers write */
		} else if (depth == 0 && ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n') {
			break;
		}
		c->pos++;
	}
	return 0;
}

/* Skips CFWS, then one `sep` and CFWS again when there is one. */
static int date_skip_separator(struct date_cursor *c, int sep)
{
	if (date_skip_cfws(c) < 0)
		return MD_ERR_INPUT;
	if (date_peek(c) == sep) {
		c->pos++;
		return date_skip_cfws(c);
	}
	return 0;
}

/* Reads 1 to `max` digits into *out; returns how many, 0 when none. */
static int date_number(struct date_cursor *c, int max, int *out)
{
	int n = 0, value = 0;

	while (n < max && date_is_digit(date_peek(c))) {
		value = value * 10 + (date_peek(c) - '0');
		c->pos++;
		n++;
	}
	if (n > 0 && date_is_digit(date_peek(c)))
		return 0; /* more digits than a field holds */
	*out = value;
	return n;
}

/* Reads a word of letters, lower-cased, into word[0..size); returns its length (0: none). */
static size_t date_word(struct date_cursor *c, char *word, size_t size)
{
	size_t n = 0;

	while (date_is_alpha(date_peek(c))) {
		if (n + 1 < size)
			word[n] = (char)date_lower(date_peek(c));
		n++;
		c->pos++;
	}
	word[n + 1 < size ? n : size - 1] = '\0';
	return n;
}

/* The index of `word` in names[0..count) by its first three letters ("tue", "tuesday"), or -1. */
static int date_name_index(const char *word, size_t len, const char *const *names, int count)
{
	int i;

	if (len < 3)
		return -1;
	for (i = 0; i < count; i++)
		if (!memcmp(word, names[i], 3))
			return i;
	return -1;
}

/* hh:mm or hh:mm:ss; or with '.' for ':' (hh.mm.ss, as some mailers write). */
static int date_time_of_day(struct date_cursor *c, int *hour, int *minute, int *second)
{
	int sep;

	*second = 0;
	if (!date_number(c, 2, hour) || ((sep = date_peek(c)) != ':' && sep != '.'))
		return MD_ERR_INPUT;
	c->pos++;
	if (date_number(c, 2, minute) != 2)
		return MD_ERR_INPUT;
	if (date_peek(c) == sep) {
		c->pos++;
		if (date_number(c, 2, second) != 2)
			return MD_ERR_INPUT;
	}
	return 0;
}

/* A year of 2 to 4 digits, with RFC 5322's rule for the short ones. */
static int date_year(struct date_cursor *c, int64_t *year)
{
	int digits, value;

	digits = date_number(c, 4, &value);
	if (digits < 2)
		return MD_ERR_INPUT;
	if (digits == 2)
		*year = value < 50 ? 2000 + value : 1900 + value;
	else if (digits == 3)
		*year = 1900 + value;
	else
		*year = value;
	return 0;
}

/*
 * The zone, in minutes east of UTC: +hhmm, -hhmm, a name, or nothing (0).
 * An unknown name is taken as UTC, as RFC 5322 says of military zones.
 */
static int date_zone(struct date_cursor *c, int *offset)
{
	char word[8];
	int ch = date_peek(c), value;
	size_t len, i;

	*offset = 0;
	if (ch == '+' || ch == '-') {
		c->pos++;
		switch (date_number(c, 4, &value)) {
		case 4: /* +hhmm; an offset out of range (+2500, +0060) is UTC */
			if (value / 100 <= 23 && value % 100 <= 59)
				*offset = (value / 100 * 60 + value % 100) * (ch == '-' ? -1 : 1);
			break;
		case 2: /* +hh */
			if (value <= 23)
				*offset = value * 60 * (ch == '-' ? -1 : 1);
			break;
		default: /* anything else: UTC, as an unknown zone name */
			break;
		}
		return 0;
	}
	if (!date_is_alpha(ch))
		return 0;
	len = date_word(c, word, sizeof(word));
	for (i = 0; i < sizeof(date_zones) / sizeof(date_zones[0]); i++)
		if (len < sizeof(word) && !strcmp(word, date_zones[i].name))
			*offset = date_zones[i].minutes;
	return 0;
}

/* The time of day when one follows (else midnight), then the zone. */
static int date_time_and_zone(struct date_cursor *c, int *hour, int *minute, int *second,
			      int *offset)
{
	*hour = *minute = *second = 0;
	if (date_is_digit(date_peek(c)) &&
	    (date_time_of_day(c, hour, minute, second) < 0 || date_skip_cfws(c) < 0))
		return MD_ERR_INPUT;
	return date_zone(c, offset);
}

/*
 * The ISO 8601-like form some mailers write: yyyy-mm-dd, then optionally
 * 'T' or blanks and the time, then the zone ("Z", "+hh:mm" or another
 * date_zone()).
 */
static int date_parse_isoish(struct date_cursor *c, int64_t *out)
{
	int year, month, day, hour, minute, second, offset, zh, zm;
	int ch;

	if (date_number(c, 4, &year) != 4 || date_peek(c) != '-')
		return MD_ERR_INPUT;
	c->pos++;
	if (date_number(c, 2, &month) != 2 || date_peek(c) != '-')
		return MD_ERR_INPUT;
	c->pos++;
	if (date_number(c, 2, &day) != 2)
		return MD_ERR_INPUT;
	if (date_peek(c) == 'T' || date_peek(c) == 't')
		c->pos++;
	if (date_skip_cfws(c) < 0)
		return MD_ERR_INPUT;
	if (date_is_digit(date_peek(c))) {
		if (date_time_of_day(c, &hour, &minute, &second) < 0)
			return MD_ERR_INPUT;
		if (date_peek(c) == '.' || date_peek(c) == ',') /* a fraction of a second */
			for (c->pos++; date_is_digit(date_peek(c)); c->pos++)
				;
	} else {
		hour = minute = second = 0;
	}
	ch = date_peek(c);
	if (ch == 'Z' || ch == 'z') {
		offset = 0;
	} else if ((ch == '+' || ch == '-') && c->pos + 6 <= c->len && c->s[c->pos + 3] == ':') {
		/* +hh:mm */
		c->pos++;
		if (date_number(c, 2, &zh) != 2 || date_peek(c) != ':')
			return MD_ERR_INPUT;
		c->pos++;
		if (date_number(c, 2, &zm) != 2)
			return MD_ERR_INPUT;
		offset = zh <= 23 && zm <= 59 ? (zh * 60 + zm) * (ch == '-' ? -1 : 1) : 0;
	} else if (date_skip_cfws(c) < 0 || date_zone(c, &offset) < 0) {
		return MD_ERR_INPUT;
	}
	return date_make(out, year, month, day, hour, minute, second, offset);
}

/* Whether the cursor is at four digits and a '-': the ISO-like form. */
static int date_at_isoish(const struct date_cursor *c)
{
	size_t i;

	if (c->pos + 5 > c->len)
		return 0;
	for (i = 0; i < 4; i++)
		if (!date_is_digit((unsigned char)c->s[c->pos + i]))
			return 0;
	return c->s[c->pos + 4] == '-';
}

int date_parse_rfc5322(const char *s, size_t len, int64_t *out)
{
	struct date_cursor c = {s, len, 0};
	int day, month, hour, minute, second, offset;
	int64_t year;
	char word[16];
	size_t wlen, pos;

	if (date_skip_cfws(&c) < 0)
		return MD_ERR_INPUT;
	if (date_at_isoish(&c))
		return date_parse_isoish(&c, out);
	/* [day-of-week ","] */
	if (date_is_alpha(date_peek(&c))) {
		wlen = date_word(&c, word, sizeof(word));
		if (date_name_index(word, wlen, date_weekdays, 7) >= 0) {
			if (date_skip_separator(&c, ',') < 0)
				return MD_ERR_INPUT;
			wlen = date_is_alpha(date_peek(&c)) ? date_word(&c, word, sizeof(word)) : 0;
		}
		if (wlen > 0) {
			/* asctime: month day hh:mm:ss year [zone]; or month day year [hh:mm:ss] */
			if ((month = date_name_index(word, wlen, date_months, 12)) < 0)
				return MD_ERR_INPUT;
			if (date_skip_cfws(&c) < 0 || !date_number(&c, 2, &day) ||
			    date_skip_cfws(&c) < 0)
				return MD_ERR_INPUT;
			pos = c.pos;
			if (date_time_of_day(&c, &hour, &minute, &second) == 0) {
				if (date_skip_cfws(&c) < 0 || date_year(&c, &year) < 0 ||
				    date_skip_cfws(&c) < 0 || date_zone(&c, &offset) < 0)
					return MD_ERR_INPUT;
			} else {
				c.pos = pos;
				if (date_year(&c, &year) < 0 || date_skip_cfws(&c) < 0 ||
				    date_time_and_zone(&c, &hour, &minute, &second, &offset) < 0)
					return MD_ERR_INPUT;
			}
			return date_make(out, year, month + 1, day, hour, minute, second, offset);
		}
	}
	/* day month year [hh:mm[:ss]] [zone], fields separated by blanks or '-' */
	if (!date_number(&c, 2, &day) || date_skip_separator(&c, '-') < 0)
		return MD_ERR_INPUT;
	wlen = date_word(&c, word, sizeof(word));
	if ((month = date_name_index(word, wlen, date_months, 12)) < 0)
		return MD_ERR_INPUT;
	if (date_skip_separator(&c, '-') < 0 || date_year(&c, &year) < 0 ||
	    date_skip_cfws(&c) < 0 || date_time_and_zone(&c, &hour, &minute, &second, &offset) < 0)
		return MD_ERR_INPUT;
	return date_make(out, year, month + 1, day, hour, minute, second, offset);
}

/* Exactly `digits` digits. */
static int date_fixed(const char **s, int digits, int *out)
{
	int value = 0, i;

	for (i = 0; i < digits; i++) {
		if (!date_is_digit((unsigned char)(*s)[i]))
			return MD_ERR_INPUT;
		value = value * 10 + ((*s)[i] - '0');
	}
	*s += digits;
	*out = value;
	return 0;
}

int date_parse_iso8601(const char *s, int64_t *out)
{
	int year, month, day, hour = 0, minute = 0, second = 0, offset = 0;
	int zh, zm = 0, sign;

	if (date_fixed(&s, 4, &year) < 0 || *s++ != '-' || date_fixed(&s, 2, &month) < 0 ||
	    *s++ != '-' || date_fixed(&s, 2, &day) < 0)
		return MD_ERR_INPUT;
	if (*s == 'T' || *s == 't' || *s == ' ') {
		s++;
		if (date_fixed(&s, 2, &hour) < 0 || *s++ != ':' || date_fixed(&s, 2, &minute) < 0)
			return MD_ERR_INPUT;
		if (*s == ':') {
			s++;
			if (date_fixed(&s, 2, &second) < 0)
				return MD_ERR_INPUT;
			if (*s == '.' || *s == ',') {
				s++;
				if (!date_is_digit((unsigned char)*s))
					return MD_ERR_INPUT;
				while (date_is_digit((unsigned char)*s))
					s++;
			}
		}
		if (*s == 'Z' || *s == 'z') {
			s++;
		} else if (*s == '+' || *s == '-') {
			sign = *s++ == '-' ? -1 : 1;
			if (date_fixed(&s, 2, &zh) < 0)
				return MD_ERR_INPUT;
			if (*s == ':') {
				s++;
				if (date_fixed(&s, 2, &zm) < 0)
					return MD_ERR_INPUT;
			} else if (date_is_digit((unsigned char)*s) && date_fixed(&s, 2, &zm) < 0) {
				return MD_ERR_INPUT;
			}
			if (zh > 23 || zm > 59)
				return MD_ERR_INPUT;
			offset = sign * (zh * 60 + zm);
		}
	}
	if (*s)
		return MD_ERR_INPUT;
	return date_make(out, year, month, day, hour, minute, second, offset);
}

void date_format_iso8601(int64_t t, char out[DATE_ISO8601_MAX])
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t secs = t - days * 86400;
	/* Howard Hinnant's civil_from_days. */
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int day = (int)(doy - (153 * mp + 2) / 5 + 1);
	int month = (int)(mp < 10 ? mp + 3 : mp - 9);
	long long year = (long long)(yoe + era * 400 + (month <= 2));
	int hour = (int)(secs / 3600), minute = (int)(secs / 60 % 60), second = (int)(secs % 60);

	if (second)
		snprintf(out, DATE_ISO8601_MAX, "%04lld-%02d-%02dT%02d:%02d:%02dZ", year, month,
			 day, hour, minute, second);
	else
		snprintf(out, DATE_ISO8601_MAX, "%04lld-%02d-%02dT%02d:%02dZ", year, month, day,
			 hour, minute);
}
