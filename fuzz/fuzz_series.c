/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: the pure series module (src/series/): grouping, versions,
 * replies, trailers and applied notices of a few messages, and the scanners
 * under it called directly.
 *
 * The input is split on the byte 0xFF into at most FUZZ_SERIES_MAX_MESSAGES
 * messages.  Each is a small mail: header lines up to the first empty line,
 * then the body.  The headers read (any case) are Subject, Message-ID,
 * In-Reply-To, References, From, X-Original-From, Reply-To, Date (RFC 5322,
 * util/date.c) and "Earlier: " (the message is then added with
 * series_add_earlier(), after a first series_set_finish(), as a state would
 * feed it).  Folded lines continue a header.  The strings are made valid
 * UTF-8 without NUL first (invalid bytes become U+FFFD), as message_parse()
 * hands them out; the subject is cleaned (subject_clean); the sender is
 * relay_resolve() of From:, X-Original-From: and Reply-To: (each parsed
 * with relay_parse_mailbox); the author is the in-body From: when
 * author_find_inbody_from() finds one that relay_parse_mailbox() reads.
 * Each message is known by "<Message-ID>", else by its place.
 *
 * Then every series, patch, trailer and applied entry is read, and
 * series_append_applied(), series_append_completeness(),
 * series_append_ranges() and series_earlier_versions() are called.
 *
 * The scanners also get the whole input as one body: trailer_scan() (both
 * ways), applied_classify(), applied_pull_source(), owntext_next(),
 * msgid_parse_list(), msgid_parse_ends(), msgid_find_links(),
 * msgid_find_change_id(), relay_parse_mailbox() and relay_resolve().
 *
 * Checked, besides memory safety (every body is a heap copy of exactly its
 * bytes, no NUL after it):
 *  - every string the set hands out is valid UTF-8 without NUL and without
 *    terminal control, never NULL, root_id and the unknown ids too; so is
 *    every series_append_*() output;
 *  - counts and links are consistent: lead is among the patches, received
 *    <= total, indexes of patches at most SERIES_MAX_TOTAL or counted as
 *    not, trailers and applied entries point into their series, an earlier
 *    version chain is at most SERIES_MAX_CHAIN long and never loops back;
 *  - every span a scanner returns lies inside its input; a trailer's
 *    address is not empty and holds an '@'; at most TRAILER_MAX trailers,
 *    APPLIED_MAX_ITEMS items, MSGID_MAX_REFS ids; an id holds no white space
 *    nor '<' (nor '>' when the value has brackets); owntext lines lie
 *    inside the body and are never quoted.
 */
#include "fuzz.h"

#include "patch/author.h"
#include "patch/subject.h"
#include "series/applied.h"
#include "series/msgid.h"
#include "series/owntext.h"
#include "series/relay.h"
#include "series/series.h"
#include "series/trailer.h"
#include "util/buf.h"
#include "util/date.h"

#define FUZZ_SERIES_MAX_MESSAGES 16
#define FUZZ_SERIES_SEPARATOR	 0xff

/* One message of the input, its strings valid UTF-8 (our own, freed by message_release). */
struct fuzz_message {
	struct buf subject, message_id, in_reply_to, references, from, original_from, reply_to,
	    date;
	bool earlier;
	char *body;
	size_t body_len;
};

/* Appends s[0..len) as valid UTF-8 without NUL: a bad byte becomes U+FFFD, NUL goes. */
static void append_utf8(struct buf *out, const char *s, size_t len)
{
	size_t i = 0, n;
	unsigned cp;

	while (i < len) {
		n = fuzz_utf8_next(s + i, len - i, &cp);
		if (n == 0) {
			buf_addstr(out, "\xef\xbf\xbd");
			i++;
		} else {
			if (cp != 0)
				buf_add(out, s + i, n);
			i += n;
		}
	}
}

/* Whether line[0..len) starts with the header name `name` and a colon, any case. */
static bool header_is(const char *line, size_t len, const char *name)
{
	size_t n = strlen(name), i;

	if (len <= n || line[n] != ':')
		return false;
	for (i = 0; i < n; i++) {
		char a = line[i], b = name[i];

		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (a != b)
			return false;
	}
	return true;
}

/* The buffer of header `line` in *m, and the length of its name and colon; NULL when not read. */
static struct buf *header_target(struct fuzz_message *m, const char *line, size_t len, size_t *skip)
{
	static const struct {
		const char *name;
		size_t offset;
	} headers[] = {
	    {"subject", offsetof(struct fuzz_message, subject)},
	    {"message-id", offsetof(struct fuzz_message, message_id)},
	    {"in-reply-to", offsetof(struct fuzz_message, in_reply_to)},
	    {"references", offsetof(struct fuzz_message, references)},
	    {"from", offsetof(struct fuzz_message, from)},
	    {"x-original-from", offsetof(struct fuzz_message, original_from)},
	    {"reply-to", offsetof(struct fuzz_message, reply_to)},
	    {"date", offsetof(struct fuzz_message, date)},
	};
	size_t i;

	for (i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		if (header_is(line, len, headers[i].name)) {
			*skip = strlen(headers[i].name) + 1;
			return (struct buf *)((char *)m + headers[i].offset);
		}
	}
	return NULL;
}

/* Splits raw[0..len) into headers and body. */
static void message_read(struct fuzz_message *m, const char *raw, size_t len)
{
	struct buf *current = NULL;
	size_t pos = 0, end, line_len, skip;
	const char *line, *nl;

	memset(m, 0, sizeof(*m));
	buf_init(&m->subject);
	buf_init(&m->message_id);
	buf_init(&m->in_reply_to);
	buf_init(&m->references);
	buf_init(&m->from);
	buf_init(&m->original_from);
	buf_init(&m->reply_to);
	buf_init(&m->date);
	while (pos < len) {
		line = raw + pos;
		nl = memchr(line, '\n', len - pos);
		end = nl ? (size_t)(nl - raw) : len;
		line_len = end - pos;
		pos = nl ? end + 1 : len;
		if (line_len && line[line_len - 1] == '\r')
			line_len--;
		if (line_len == 0)
			break; /* the body follows */
		if ((line[0] == ' ' || line[0] == '\t') && current) {
			buf_addch(current, ' ');
			append_utf8(current, line, line_len);
			continue;
		}
		if (header_is(line, line_len, "earlier")) {
			m->earlier = true;
			current = NULL;
			continue;
		}
		if ((current = header_target(m, line, line_len, &skip))) {
			buf_reset(current);
			append_utf8(current, line + skip, line_len - skip);
		}
	}
	{
		struct buf body = BUF_INIT;

		append_utf8(&body, raw + pos, len - pos);
		m->body = fuzz_copy((const uint8_t *)body.data, body.len);
		m->body_len = body.len;
		buf_release(&body);
	}
}

static void message_release(struct fuzz_message *m)
{
	buf_release(&m->subject);
	buf_release(&m->message_id);
	buf_release(&m->in_reply_to);
	buf_release(&m->references);
	buf_release(&m->from);
	buf_release(&m->original_from);
	buf_release(&m->reply_to);
	buf_release(&m->date);
	free(m->body);
}

/* The string of `b` (never NULL: buf.h). */
static const char *str(const struct buf *b)
{
	return b->data;
}

/* Trims blanks and the brackets of a Message-ID into *out. */
static void message_id_trim(struct buf *out, const char *s)
{
	size_t len = strlen(s);

	while (len && (*s == ' ' || *s == '<')) {
		s++;
		len--;
	}
	while (len && (s[len - 1] == ' ' || s[len - 1] == '>'))
		len--;
	buf_add(out, s, len);
}

/* Adds message `m`, the `position`th of the input, to the set. */
static void series_feed(struct series_set *set, const struct fuzz_message *m,
			unsigned long position)
{
	struct buf key = BUF_INIT, mid = BUF_INIT, subject = BUF_INIT, from_name = BUF_INIT,
		   from_addr = BUF_INIT, name = BUF_INIT, addr = BUF_INIT, ib_name = BUF_INIT,
		   ib_addr = BUF_INIT;
	struct series_message sm;
	struct inbody_from ib;
	const char *from = str(&m->from);
	int64_t date = 0;

	message_id_trim(&mid, str(&m->message_id));
	if (mid.len)
		buf_addf(&key, "<%s>", mid.data);
	else
		buf_addf(&key, "#%lu", position);
	subject_clean(str(&m->subject), strlen(str(&m->subject)), &subject);
	if (m->date.len && date_parse_rfc5322(m->date.data, m->date.len, &date) < 0)
		date = 0;
	if (relay_parse_mailbox(from, strlen(from), &from_name, &from_addr) < 0) {
		buf_reset(&from_name);
		buf_reset(&from_addr);
	}
	relay_resolve(str(&from_name), str(&from_addr), str(&m->original_from), str(&m->reply_to),
		      &name, &addr);

	memset(&sm, 0, sizeof(sm));
	sm.key = key.data;
	sm.message_id = str(&mid);
	sm.in_reply_to = str(&m->in_reply_to);
	sm.references = str(&m->references);
	sm.date = date;
	sm.subject = str(&subject);
	sm.sender_name = str(&name);
	sm.sender_addr = str(&addr);
	sm.author_name = sm.sender_name;
	sm.author_addr = sm.sender_addr;
	if (author_find_inbody_from(m->body, m->body_len, &ib) &&
	    relay_parse_mailbox(m->body + ib.value_off, ib.value_len, &ib_name, &ib_addr) == 0 &&
	    ib_addr.len) {
		sm.author_name = str(&ib_name);
		sm.author_addr = ib_addr.data;
	}
	sm.body = m->body;
	sm.body_len = m->body_len;
	if (m->earlier)
		series_add_earlier(set, &sm);
	else
		series_add_message(set, &sm);

	buf_release(&key);
	buf_release(&mid);
	buf_release(&subject);
	buf_release(&from_name);
	buf_release(&from_addr);
	buf_release(&name);
	buf_release(&addr);
	buf_release(&ib_name);
	buf_release(&ib_addr);
}

static void check_printable(const char *what, const char *s)
{
	FUZZ_CHECK(s != NULL, what, NULL, 0, 0);
	fuzz_check_printable(what, s, strlen(s));
}

static void check_buf(const char *what, const struct buf *b)
{
	FUZZ_CHECK(strlen(b->data) == b->len, "a NUL inside an appended string", b->data, b->len,
		   0);
	fuzz_check_printable(what, b->data, b->len);
}

static void check_patch(const struct series_patch *p)
{
	check_printable("patch key", p->key);
	check_printable("patch message_id", p->message_id);
	check_printable("patch subject", p->subject);
	check_printable("patch title", p->title);
	check_printable("patch author_name", p->author_name);
	check_printable("patch author_addr", p->author_addr);
}

/* Whether `p` is one of s->patches. */
static bool series_holds(const struct series_info *s, const struct series_patch *p)
{
	return p >= s->patches && p < s->patches + s->npatches;
}

/* Whether the message of `key` is one of s->patches. */
static bool series_holds_key(const struct series_info *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->npatches; i++)
		if (!strcmp(s->patches[i].key, key))
			return true;
	return false;
}

static void check_applied(const struct series_applied *a);

static void check_series(const struct series_info *s)
{
	const struct series_info *chain[SERIES_MAX_CHAIN + 1];
	struct buf out = BUF_INIT, lead_body = BUF_INIT;
	unsigned *indexes;
	size_t i, j, n, nindexes = 0;

	FUZZ_CHECK(s->root_id != NULL, "series root_id", NULL, 0, 0);
	check_printable("series root_id", s->root_id);
	check_printable("series title", s->title);
	FUZZ_CHECK(s->title_key != NULL, "series title_key", NULL, 0, 0);
	fuzz_check_string("series title_key", s->title_key);
	check_printable("series author_name", s->author_name);
	check_printable("series author_addr", s->author_addr);
	check_printable("series sender", s->sender);
	check_printable("series missing", s->missing);
	check_printable("series change_id", s->change_id);
	series_append_lead_body(&lead_body, s);
	check_printable("series lead_body", lead_body.data);
	FUZZ_CHECK(lead_body.len <= SERIES_MAX_BODY, "lead body over SERIES_MAX_BODY", NULL, 0, 0);
	buf_release(&lead_body);
	FUZZ_CHECK(s->received <= s->total, "received more than the total", NULL, 0, 0);
	FUZZ_CHECK(s->npatches > 0, "a series without a message", NULL, 0, 0);
	FUZZ_CHECK(s->lead && series_holds(s, s->lead), "the lead is not among the patches", NULL,
		   0, 0);
	FUZZ_CHECK(!s->cover || (series_holds(s, s->cover) && s->cover->index == 0),
		   "the cover letter", NULL, 0, 0);

	indexes = xcalloc(s->npatches, sizeof(*indexes));
	for (i = 0; i < s->npatches; i++) {
		check_patch(&s->patches[i]);
		if (i > 0)
			FUZZ_CHECK(s->patches[i - 1].index <= s->patches[i].index,
				   "patches not by index", NULL, 0, 0);
		if (!nindexes || indexes[nindexes - 1] != s->patches[i].index)
			indexes[nindexes++] = s->patches[i].index;
	}
	series_append_ranges(&out, indexes, nindexes);
	check_buf("series_append_ranges", &out);
	free(indexes);

	for (i = 0; i < s->ntrailers; i++) {
		const struct series_trailer *t = &s->trailers[i];

		check_printable("trailer name", t->name);
		check_printable("trailer addr", t->addr);
		check_printable("trailer given_in", t->given_in);
		check_printable("trailer given_by", t->given_by);
		FUZZ_CHECK(*t->addr, "a trailer without an address", NULL, 0, 0);
		FUZZ_CHECK(!t->patch || series_holds(s, t->patch),
			   "a trailer for a patch of another series", NULL, 0, 0);
		check_printable("trailer kind", series_trailer_name(t->kind));
	}
	for (i = 0; i < s->napplied; i++) {
		const struct series_applied *a = &s->applied[i];

		check_applied(a);
		FUZZ_CHECK(!strcmp(a->series_root, s->root_id),
			   "an applied notice of another series", NULL, 0, 0);
		FUZZ_CHECK(!*a->patch_key || series_holds_key(s, a->patch_key),
			   "an applied patch outside its series", NULL, 0, 0);
	}

	buf_reset(&out);
	series_append_completeness(&out, s);
	check_buf("series_append_completeness", &out);
	buf_release(&out);

	n = series_earlier_versions(s, chain, SERIES_MAX_CHAIN + 1);
	FUZZ_CHECK(n <= SERIES_MAX_CHAIN, "earlier versions over SERIES_MAX_CHAIN", NULL, 0, 0);
	for (i = 0; i < n; i++) {
		FUZZ_CHECK(chain[i] != s, "a series is its own earlier version", NULL, 0, 0);
		for (j = 0; j < i; j++)
			FUZZ_CHECK(chain[i] != chain[j], "a loop of earlier versions", NULL, 0, 0);
	}
	FUZZ_CHECK(!s->previous || s->previous_link != SERIES_LINK_NONE,
		   "an earlier version without a link", NULL, 0, 0);
}

static void check_applied(const struct series_applied *a)
{
	struct buf out = BUF_INIT;

	check_printable("applied subject", a->subject);
	check_printable("applied verb", a->verb);
	check_printable("applied who", a->who);
	check_printable("applied where", a->where);
	check_printable("applied commit", a->commit);
	check_printable("applied patches", a->patches);
	check_printable("applied notice_key", a->notice_key);
	check_printable("applied target_key", a->target_key);
	check_printable("applied series_root", a->series_root);
	check_printable("applied patch_key", a->patch_key);
	FUZZ_CHECK(!*a->patch_key || *a->series_root, "an applied patch without its series", NULL,
		   0, 0);
	series_append_applied(&out, a);
	check_buf("series_append_applied", &out);
	buf_release(&out);
}

static void check_set(const struct series_set *set)
{
	size_t i;

	for (i = 0; i < series_set_count(set); i++)
		check_series(series_set_get(set, i));
	for (i = 0; i < series_set_applied_count(set); i++)
		check_applied(series_set_applied(set, i));
	for (i = 0; i < series_set_unknown_count(set); i++)
		check_printable("unknown id", series_set_unknown_id(set, i));
}

static void check_span(const char *what, size_t off, size_t len, size_t size)
{
	FUZZ_CHECK(off <= size && len <= size - off, what, NULL, 0, 0);
}

static void check_id(const char *s, size_t size, const struct msgid_span *sp)
{
	/* '>' only in the form without brackets (msgid.h: split on blanks and commas). */
	bool bare = !memchr(s, '<', size);
	size_t i;

	check_span("msgid span", sp->off, sp->len, size);
	FUZZ_CHECK(sp->len > 0 && sp->len <= MSGID_MAX_LEN, "msgid length", s, size, sp->off);
	for (i = sp->off; i < sp->off + sp->len; i++)
		FUZZ_CHECK(!memchr(" \t\r\n<", s[i], 5) && (bare || s[i] != '>'),
			   "white space or <> in an id", s, size, i);
}

/* The scanners, on the whole input as one body (or one header value). */
static void scan_all(const char *s, size_t size)
{
	static struct trailer trailers[TRAILER_MAX];
	static struct msgid_span ids[MSGID_MAX_REFS];
	static struct applied_notice notice;
	struct msgid_link links[MSGID_MAX_LINKS];
	struct buf b1 = BUF_INIT, b2 = BUF_INIT;
	struct applied_span pull;
	struct owntext it;
	const char *line;
	size_t i, n, len;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		n = trailer_scan(s, size, pass, trailers, TRAILER_MAX);
		FUZZ_CHECK(n <= TRAILER_MAX, "trailer count", NULL, 0, 0);
		for (i = 0; i < n; i++) {
			check_span("trailer name", trailers[i].name.off, trailers[i].name.len,
				   size);
			check_span("trailer addr", trailers[i].addr.off, trailers[i].addr.len,
				   size);
			FUZZ_CHECK(trailers[i].addr.len > 0 &&
				       memchr(s + trailers[i].addr.off, '@', trailers[i].addr.len),
				   "a trailer address without '@'", s, size, trailers[i].addr.off);
			FUZZ_CHECK(trailer_kind_name(trailers[i].kind) != NULL, "trailer kind",
				   NULL, 0, 0);
		}
	}

	if (applied_classify(s, size, &notice)) {
		FUZZ_CHECK(notice.kind != APPLIED_NONE, "applied without a kind", NULL, 0, 0);
		FUZZ_CHECK(notice.verb != NULL, "applied without a verb", NULL, 0, 0);
		check_span("notice line", notice.line.off, notice.line.len, size);
		check_span("notice where", notice.where.off, notice.where.len, size);
		check_span("notice who", notice.who.off, notice.who.len, size);
		check_span("notice commit", notice.commit.off, notice.commit.len, size);
		FUZZ_CHECK(memchr(notice.patches, '\0', sizeof(notice.patches)) != NULL,
			   "notice patches not terminated", NULL, 0, 0);
		FUZZ_CHECK(notice.nitems <= APPLIED_MAX_ITEMS, "notice items", NULL, 0, 0);
		for (i = 0; i < notice.nitems; i++) {
			check_span("item title", notice.items[i].title.off,
				   notice.items[i].title.len, size);
			check_span("item commit", notice.items[i].commit.off,
				   notice.items[i].commit.len, size);
		}
	} else {
		FUZZ_CHECK(notice.kind == APPLIED_NONE, "not applied, but a kind", NULL, 0, 0);
	}
	if (applied_pull_source(s, size, &pull))
		check_span("pull source", pull.off, pull.len, size);

	for (pass = 0; pass < 2; pass++) {
		owntext_init(&it, s, size, pass);
		n = 0;
		while (owntext_next(&it, &line, &len)) {
			FUZZ_CHECK(line >= s && len <= size && (size_t)(line - s) <= size - len,
				   "owntext line outside the body", NULL, 0, 0);
			FUZZ_CHECK(!owntext_is_quoted(line, len), "a quoted own line", s, size,
				   (size_t)(line - s));
			FUZZ_CHECK(++n <= OWNTEXT_MAX_LINES, "owntext lines", NULL, 0, 0);
		}
	}

	n = msgid_parse_list(s, size, ids, MSGID_MAX_REFS);
	FUZZ_CHECK(n <= MSGID_MAX_REFS, "msgid_parse_list count", NULL, 0, 0);
	for (i = 0; i < n; i++)
		check_id(s, size, &ids[i]);
	n = msgid_parse_ends(s, size, ids, 8);
	FUZZ_CHECK(n <= 8, "msgid_parse_ends count", NULL, 0, 0);
	for (i = 0; i < n; i++)
		check_id(s, size, &ids[i]);

	n = msgid_find_links(s, size, links, MSGID_MAX_LINKS);
	FUZZ_CHECK(n <= MSGID_MAX_LINKS, "msgid_find_links count", NULL, 0, 0);
	for (i = 0; i < n; i++) {
		FUZZ_CHECK(links[i].id && *links[i].id, "an empty link id", NULL, 0, 0);
		free(links[i].id);
	}
	if (msgid_find_change_id(s, size, &b1))
		FUZZ_CHECK(b1.len > 0, "an empty change-id", NULL, 0, 0);
	buf_reset(&b1);

	if (relay_parse_mailbox(s, size, &b1, &b2) == 0)
		FUZZ_CHECK(b2.len > 0, "relay_parse_mailbox: no address", NULL, 0, 0);
	buf_release(&b1);
	buf_release(&b2);
}

/* relay_resolve() of the input's first four lines (From: name, address, the two headers). */
static void relay_lines(const char *s, size_t size)
{
	struct buf field[4] = {BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT}, name = BUF_INIT,
		   addr = BUF_INIT;
	size_t pos = 0, i, end;
	const char *nl;

	for (i = 0; i < 4; i++) {
		nl = pos < size ? memchr(s + pos, '\n', size - pos) : NULL;
		end = nl ? (size_t)(nl - s) : size;
		append_utf8(&field[i], s + pos, end - pos);
		pos = nl ? end + 1 : size;
	}
	relay_resolve(field[0].data, field[1].data, field[2].data, field[3].data, &name, &addr);
	fuzz_check_utf8("relay name", name.data, name.len);
	fuzz_check_utf8("relay addr", addr.data, addr.len);
	for (i = 0; i < 4; i++)
		buf_release(&field[i]);
	buf_release(&name);
	buf_release(&addr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_message msgs[FUZZ_SERIES_MAX_MESSAGES];
	char *raw = fuzz_copy(data, size);
	struct series_set *set;
	size_t n = 0, pos = 0, end, i;
	const char *sep;
	bool any_earlier = false;

	scan_all(raw, size);
	relay_lines(raw, size);

	while (pos <= size && n < FUZZ_SERIES_MAX_MESSAGES) {
		sep = pos < size ? memchr(raw + pos, FUZZ_SERIES_SEPARATOR, size - pos) : NULL;
		end = sep ? (size_t)(sep - raw) : size;
		message_read(&msgs[n++], raw + pos, end - pos);
		if (!sep)
			break;
		pos = end + 1;
	}

	set = series_set_new();
	for (i = 0; i < n; i++) {
		if (msgs[i].earlier)
			any_earlier = true;
		else
			series_feed(set, &msgs[i], i + 1);
	}
	series_set_finish(set);
	check_set(set);
	if (any_earlier) {
		for (i = 0; i < n; i++)
			if (msgs[i].earlier)
				series_feed(set, &msgs[i], i + 1);
		series_set_finish(set);
		check_set(set);
	}
	series_set_free(set);

	for (i = 0; i < n; i++)
		message_release(&msgs[i]);
	free(raw);
	return 0;
}
