/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Applied notices.  Only the own text of the body is read (owntext.c:
 * quoted lines and the signature are not), line by line.  The decisions:
 *
 * A person's notice (APPLIED_REPLY).  A line is cut into clauses at ',', '.',
 * '!', '?', ';' and ':' followed by a blank or the line's end (so
 * "net-next.git" stays whole).  A clause is a notice when, ASCII case
 * ignored, it reads
 *     [and|so|now|also|ok|then] [SUBJECT] VERB [TAIL]
 * or  I|we [have] [just|now|also|already] VERB OBJECT [TAIL]
 * where VERB is applied, queued, pushed, pulled, merged, committed or
 * "picked up"; SUBJECT is made of the words patch, patches, series,
 * patchset, set, the, this, these, both, all, whole, entire, rest, of,
 * and, vN and patch numbers ("Patches 2-8", "patches 3 and 4 of this
 * series"); OBJECT of it, this, them, these and the SUBJECT words; and TAIL
 * is patch numbers ("Queued 1-20 and 22-28"), "to|into|in|onto|through|via WHERE",
 * "for ..." (Queued for 6.10), "with ...", "as ...", "thanks", or a
 * parenthesis.  Anything else makes the clause no notice, and a clause
 * with '?' never is one.  So "Applied to powerpc/next.", "Thanks,
 * applied.", "Series applied to powerpc next, thanks.", "Queued, thanks.",
 * "Pushed to kvm/queue for now.", "Pulled, thanks.", "I queued this patch."
 * are notices, while "Not applied", "will be applied", "Can this be
 * applied?", "applied on top of ...", "I applied your patch and tested
 * it", "Applies cleanly", "the patch I applied", "I applied that change to
 * the next version", "I had queued an early version" are not: every one of
 * them has a word the grammar does not allow (not, will, be, on, your,
 * that, had, ...) before or right after the verb.
 * WHERE runs to the clause's end, or to and, with, for, as, after, since,
 * because, which, but, thanks or '('; a leading "my", "the" or "our" and a
 * trailing "branch", "tree", "git tree", "repo" or "repository" are
 * dropped ("Thanks, applied to my kvm-ppc-next branch." gives kvm-ppc-next).
 * "Applied to" with nothing after it takes the next non-blank own line
 * (b4's "Applied to\n\n   https://git.kernel.org/.../spi.git for-next").
 * A commit link within the next three own lines ("https://.../c/<id>",
 * "commit: <id>") is kept.  The first notice clause decides; a later one
 * only supplies a WHERE when the first had none.
 *
 * Lists (APPLIED_LIST).  A line "[i/n] title" whose next own line is
 * "    commit: <id>" or a lone link is a patch the notice lists (b4 ty, and
 * Michael Ellerman's notices with git.kernel.org links); "(no commit info)"
 * after it (b4 ty for a patch it did not find) drops the patch.  One listed
 * patch makes the message a list notice, whatever the text around it says;
 * the person's clause, when there is one, gives the verb and WHERE.
 *
 * The patchwork bot (APPLIED_PATCHWORK).  "This series was applied to" or
 * "This patch was applied to" WHERE, then "by Name <addr>:" on the same or
 * the next line (WHO); the summary's "  - [tags,i/n] title" lines followed
 * by a link are its list.
 *
 * The pr-tracker bot (APPLIED_MERGED).  "The pull request you sent on ..."
 * then "has been merged into WHERE:" and a link.
 *
 * Not notices: the kernel test robot's "commit: <id> [2/2] title" (no item
 * line before it) and "[If your patch is applied to the wrong git tree,
 * kindly drop us a note." (the clause starts with "[if").
 */
#include "series/applied.h"

#include <string.h>

#include "series/owntext.h"

#define MAX_TOKENS 48

struct token {
	size_t off; /* into the line */
	size_t len;
};

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_hex(char c)
{
	c = (char)lower((unsigned char)c);
	return is_digit(c) || (c >= 'a' && c <= 'f');
}

static bool prefix_nocase(const char *s, size_t len, const char *p)
{
	size_t n = strlen(p), i;

	if (len < n)
		return false;
	for (i = 0; i < n; i++)
		if (lower((unsigned char)s[i]) != p[i])
			return false;
	return true;
}

static const char *find_nocase(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; i + n <= len; i++)
		if (prefix_nocase(s + i, len - i, needle))
			return s + i;
	return NULL;
}

static size_t skip_blanks(const char *s, size_t len, size_t i)
{
	while (i < len && is_blank(s[i]))
		i++;
	return i;
}

static void trim_span(const char *body, struct applied_span *sp)
{
	while (sp->len && is_blank(body[sp->off])) {
		sp->off++;
		sp->len--;
	}
	while (sp->len &&
	       (is_blank(body[sp->off + sp->len - 1]) || body[sp->off + sp->len - 1] == '\r'))
		sp->len--;
}

/* ---- tokens of a clause ---- */

static bool tok_is(const char *lc, const struct token *t, const char *w)
{
	return t->len == strlen(w) && !memcmp(lc + t->off, w, t->len);
}

static bool tok_in(const char *lc, const struct token *t, const char *const *words)
{
	for (; *words; words++)
		if (tok_is(lc, t, *words))
			return true;
	return false;
}

/* "3", "1-9", "#17", "1,2", "2-8" */
static bool tok_is_number(const char *lc, const struct token *t)
{
	size_t i = 0;
	bool digit = false;

	if (t->len && lc[t->off] == '#')
		i++;
	for (; i < t->len; i++) {
		char c = lc[t->off + i];

		if (is_digit(c))
			digit = true;
		else if (c != '-' && c != ',')
			return false;
	}
	return digit && is_digit(lc[t->off + t->len - 1]);
}

/* "v2", "v10" */
static bool tok_is_version(const char *lc, const struct token *t)
{
	size_t i;

	if (t->len < 2 || lc[t->off] != 'v')
		return false;
	for (i = 1; i < t->len; i++)
		if (!is_digit(lc[t->off + i]))
			return false;
	return true;
}

static void add_patches(struct applied_notice *out, const char *lc, const struct token *t)
{
	size_t have = strlen(out->patches), i;
	const char *s = lc + t->off;
	size_t n = t->len;

	if (n && *s == '#') {
		s++;
		n--;
	}
	for (i = 0; i < n; i++) {
		/* "1,2" becomes "1, 2"; one byte is kept for the NUL */
		size_t need = (s[i] == ',') ? 2 : 1;

		if (i == 0 && have) {
			if (have + 2 >= sizeof(out->patches))
				return;
			memcpy(out->patches + have, ", ", 2);
			have += 2;
		}
		if (have + need >= sizeof(out->patches))
			break;
		if (s[i] == ',') {
			memcpy(out->patches + have, ", ", 2);
		} else {
			out->patches[have] = s[i];
		}
		have += need;
	}
	out->patches[have] = '\0';
}

static const char *const fillers[] = {"and", "so", "now", "also", "ok", "okay", "then", NULL};
static const char *const subject_words[] = {
    "patch", "patches", "series", "patchset", "patch-set", "set", "the", "this", "these",
    "both",  "all",	"whole",  "entire",   "rest",	   "of",  "and", NULL};
static const char *const object_words[] = {
    "it",  "this", "them", "these", "patch",  "patches", "series", "patchset", "patch-set", "set",
    "the", "both", "all",  "whole", "entire", "rest",	 "of",	   "and",      NULL};
static const char *const pronouns[] = {"i", "i've", "we", "we've", NULL};
static const char *const adverbs[] = {"have",	 "just",    "now",  "also",
				      "already", "finally", "then", NULL};
static const char *const where_prepositions[] = {"to",	    "into", "in", "onto",
						 "through", "via",  NULL};
static const char *const where_stops[] = {"and",   "with",    "for",   "as",  "after",
					  "since", "because", "which", "but", "thanks",
					  "thank", "thx",     "so",    NULL};
static const char *const where_lead_drops[] = {"my", "the", "our", NULL};
static const char *const where_tail_drops[] = {"branch", "tree", "repo", "repository", NULL};
static const char *const where_rejects[] = {"version", "revision", "iteration", "respin",
					    "spin",    "patchset", "series",	NULL};
/* What may follow "I applied it," in the same sentence ("I applied these 4,
 * compiled, installed, ..." is a tester's report). */
static const char *const pronoun_followers[] = {"thanks", "thank", "thx", "minus",
						"except", "with",  "but", NULL};

static const char *verb_of(const char *lc, const struct token *tok, size_t ntok, size_t *i)
{
	static const char *const verbs[] = {"applied", "queued",    "pushed", "pulled",
					    "merged",  "committed", NULL};
	size_t k;

	for (k = 0; verbs[k]; k++) {
		if (tok_is(lc, &tok[*i], verbs[k])) {
			(*i)++;
			return verbs[k];
		}
	}
	if (tok_is(lc, &tok[*i], "picked") && *i + 1 < ntok && tok_is(lc, &tok[*i + 1], "up")) {
		*i += 2;
		return "picked up";
	}
	return NULL;
}

/* Trims "my"/"the" and "branch"/"tree" from the WHERE tokens [a, b). */
static void set_where(struct applied_notice *out, const char *lc, const struct token *tok, size_t a,
		      size_t b)
{
	while (b - a > 1 && tok_in(lc, &tok[a], where_lead_drops))
		a++;
	if (b - a > 1 && tok_in(lc, &tok[b - 1], where_tail_drops)) {
		b--;
		if (b - a > 1 && tok_is(lc, &tok[b - 1], "git"))
			b--;
	}
	out->where.off = tok[a].off; /* into lc: match_line maps it back */
	out->where.len = tok[b - 1].off + tok[b - 1].len - tok[a].off;
}

enum clause_result { CLAUSE_NO, CLAUSE_YES, CLAUSE_YES_WHERE_NEXT };

/*
 * One clause, tokens of the lower-cased line `lc`.  Fills verb, patches and
 * where of *out (into a scratch notice; the caller keeps what it needs).
 */
static enum clause_result match_clause(const char *lc, const struct token *tok, size_t n,
				       struct applied_notice *out, bool *pronoun_form)
{
	size_t i = 0, start;
	bool pronoun = false;
	const char *verb;

	while (i < n && tok_in(lc, &tok[i], fillers))
		i++;
	if (i < n && tok_in(lc, &tok[i], pronouns)) {
		pronoun = true;
		i++;
		while (i < n && tok_in(lc, &tok[i], adverbs))
			i++;
	} else {
		start = i;
		while (i < n && (tok_in(lc, &tok[i], subject_words) ||
				 tok_is_version(lc, &tok[i]) || tok_is_number(lc, &tok[i]))) {
			if (tok_is_number(lc, &tok[i])) {
				add_patches(out, lc, &tok[i]);
			}
			i++;
		}
		/* "and" or "of" cannot start a subject */
		if (i > start && (tok_is(lc, &tok[start], "of")))
			return CLAUSE_NO;
	}
	if (i >= n || !(verb = verb_of(lc, tok, n, &i)))
		return CLAUSE_NO;
	out->verb = verb;
	*pronoun_form = pronoun;
	if (pronoun) {
		start = i;
		while (i < n && (tok_in(lc, &tok[i], object_words) || tok_is_version(lc, &tok[i]) ||
				 tok_is_number(lc, &tok[i]))) {
			if (tok_is_number(lc, &tok[i])) {
				add_patches(out, lc, &tok[i]);
			}
			i++;
		}
		if (i == start || tok_is(lc, &tok[start], "and") || tok_is(lc, &tok[start], "of"))
			return CLAUSE_NO;
	}
	while (i < n) {
		const struct token *t = &tok[i];

		if (tok_is_number(lc, t)) { /* "Queued 1-20 and 22-28" */
			add_patches(out, lc, t);
			i++;
			continue;
		}
		if (tok_is(lc, t, "and") && i + 1 < n && tok_is_number(lc, &tok[i + 1])) {
			i++;
			continue;
		}
		if (tok_in(lc, t, where_prepositions)) {
			size_t a = i + 1, b = a;

			while (b < n && !tok_in(lc, &tok[b], where_stops) && lc[tok[b].off] != '(')
				b++;
			if (b == a)
				return a == n ? CLAUSE_YES_WHERE_NEXT : CLAUSE_YES;
			for (size_t w = a; w < b; w++)
				if (tok_in(lc, &tok[w], where_rejects))
					return CLAUSE_NO; /* "merged them in the next version" */
			set_where(out, lc, tok, a, b);
			return CLAUSE_YES;
		}
		if (tok_is(lc, t, "for") || tok_is(lc, t, "with") || tok_is(lc, t, "as") ||
		    tok_is(lc, t, "thanks") || tok_is(lc, t, "thank") || tok_is(lc, t, "thx") ||
		    lc[t->off] == '(')
			return CLAUSE_YES;
		return CLAUSE_NO;
	}
	return CLAUSE_YES;
}

/*
 * Looks for a person's notice in one line.  Returns the first clause's
 * verdict; *out gets verb, where and patches from it.
 */
static enum clause_result match_line(const char *body, size_t line_off, size_t len, size_t head_off,
				     size_t head_len, struct applied_notice *out)
{
	char lc[2 * APPLIED_MAX_LINE + 1];
	struct {
		size_t start, end; /* [start, end) in lc; end is the punctuation mark or len */
	} clauses[MAX_TOKENS];
	struct token tok[MAX_TOKENS];
	size_t i, cs = 0, nclauses = 0, c, k;

	const char *line = body + line_off;

	if (len > APPLIED_MAX_LINE || head_len > APPLIED_MAX_LINE)
		return CLAUSE_NO;
	/*
	 * lc: the open clause the previous line ended with ("... so"), a blank,
	 * then the line, lower-cased: a sentence that goes on over the line
	 * break is read whole ("so\nI've applied this to ppc-for-6.1.").  Offsets
	 * in lc map back to the body with (at - head) + head_off or line_off.
	 */
	for (i = 0; i < head_len; i++)
		lc[i] = (char)lower((unsigned char)body[head_off + i]);
	if (head_len)
		lc[head_len++] = ' ';
	for (i = 0; i < len; i++)
		lc[head_len + i] = (char)lower((unsigned char)line[i]);
	len += head_len;
	/* clauses: up to a punctuation mark followed by a blank or the end */
	while (cs < len && nclauses < MAX_TOKENS) {
		size_t ce = cs;

		while (ce < len) {
			char ch = lc[ce];

			if ((ch == ',' || ch == '.' || ch == '!' || ch == '?' || ch == ';' ||
			     ch == ':') &&
			    (ce + 1 == len || is_blank(lc[ce + 1])))
				break;
			ce++;
		}
		clauses[nclauses].start = cs;
		clauses[nclauses].end = ce;
		nclauses++;
		cs = ce + 1;
	}
	for (c = 0; c < nclauses; c++) {
		size_t ce = clauses[c].end, ntok = 0, t;
		struct applied_notice scratch;
		enum clause_result r;
		bool pronoun = false;

		if (memchr(lc + clauses[c].start, '?', ce - clauses[c].start) ||
		    (ce < len && lc[ce] == '?'))
			continue; /* a question */
		for (t = clauses[c].start; t < ce && ntok < MAX_TOKENS;) {
			t = skip_blanks(lc, ce, t);
			if (t >= ce)
				break;
			tok[ntok].off = t;
			while (t < ce && !is_blank(lc[t]))
				t++;
			tok[ntok].len = t - tok[ntok].off;
			ntok++;
		}
		if (!ntok || ntok >= MAX_TOKENS)
			continue;
		/* the clause, or its part after "and I ..." ("they were very nice
		 * and I've queued them") */
		r = CLAUSE_NO;
		for (k = 0; k < ntok && r == CLAUSE_NO; k++) {
			if (k && !(tok_is(lc, &tok[k - 1], "and") && tok_in(lc, &tok[k], pronouns)))
				continue;
			scratch.patches[0] = '\0';
			scratch.where.off = scratch.where.len = 0;
			scratch.verb = NULL;
			r = match_clause(lc, tok + k, ntok - k, &scratch, &pronoun);
		}
		if (r == CLAUSE_NO)
			continue;
		if (scratch.where.len) {
			/* back to body offsets; a span over the line break keeps its start */
			size_t a = scratch.where.off, b = a + scratch.where.len;

			if (a >= head_len) {
				scratch.where.off = line_off + a - head_len;
			} else {
				scratch.where.off = head_off + a;
				if (b > head_len)
					b = head_len - 1;
				scratch.where.len = b - a;
			}
		}
		if (pronoun && ce < len && lc[ce] == ',' && c + 1 < nclauses) {
			struct token next;
			size_t t0 = skip_blanks(lc, clauses[c + 1].end, clauses[c + 1].start);

			next.off = t0;
			while (t0 < clauses[c + 1].end && !is_blank(lc[t0]))
				t0++;
			next.len = t0 - next.off;
			if (!tok_in(lc, &next, pronoun_followers))
				continue;
		}
		out->verb = scratch.verb;
		out->where = scratch.where;
		memcpy(out->patches, scratch.patches, sizeof(out->patches));
		return r;
	}
	return CLAUSE_NO;
}

/*
 * The clause a line leaves open: the text after its last punctuation mark
 * followed by a blank ("This is a reasonable cleanup ..., so"); len 0 when
 * the line ends with a mark or is blank.
 */
/*
 * Whether s[0..len) holds, ASCII case ignored, the start of a VERB
 * ("applied", "queued", "pushed", "pulled", "merged", "committed",
 * "picked"): without one no clause of it is a notice, and match_line()'s
 * tokenising can be skipped (most own lines of most replies).  One pass.
 */
/*
 * Whether s[0..len) holds a verb's stem, ASCII case ignored.  Every stem
 * ends in "ed": the 'd's are found with memchr() (a line has few; the
 * upper-case ones are rarer still) and the stems ending there compared.
 */
static bool mentions_verb(const char *s, size_t len)
{
	static const char *const stems[] = {"applied", "queued", "pushed", "pulled",
					    "merged",  "committed", "picked", NULL};
	static const char ends[] = {'d', 'D'};
	const char *p, *end = s + len;
	size_t e, k, n;

	for (e = 0; e < sizeof(ends); e++) {
		for (p = s; p < end && (p = memchr(p, ends[e], (size_t)(end - p))); p++) {
			if (p - s < 5 || lower((unsigned char)p[-1]) != 'e')
				continue;
			for (k = 0; stems[k]; k++) {
				n = strlen(stems[k]);
				if ((size_t)(p + 1 - s) >= n &&
				    prefix_nocase(p + 1 - n, n, stems[k]))
					return true;
			}
		}
	}
	return false;
}

/*
 * Whether a body may be a notice at all: every kind needs a verb's stem on
 * one of its lines (a person's clause, the patchwork bot's "was applied
 * to", the pr-tracker's "has been merged into") or an item line, which
 * starts "[<digit>".  Most replies have neither, and are not read line by
 * line (a reply quoting a patch is some thousand lines).
 */
static bool may_be_notice(const char *body, size_t len)
{
	const char *p, *end = body + len;

	for (p = body; p < end && (p = memchr(p, '[', (size_t)(end - p))); p++)
		if (p + 1 < end && is_digit(p[1]))
			return true;
	return mentions_verb(body, len);
}

/* One of ".!?:;," (what ends a clause before a blank); NUL too, as strchr() had it. */
static bool is_clause_end(char c)
{
	return c == '.' || c == '!' || c == '?' || c == ':' || c == ';' || c == ',' || c == '\0';
}

static void open_clause(const char *body, const char *line, size_t len, size_t *off,
			size_t *out_len)
{
	size_t i, start = 0;

	while (len && (is_blank(line[len - 1]) || line[len - 1] == '\r'))
		len--;
	*off = (size_t)(line - body);
	*out_len = 0;
	if (!len || is_clause_end(line[len - 1]) || len > APPLIED_MAX_LINE)
		return;
	for (i = 0; i + 1 < len; i++)
		if (is_clause_end(line[i]) && is_blank(line[i + 1]))
			start = i + 1;
	start = skip_blanks(line, len, start);
	*off += start;
	*out_len = len - start;
}

/* ---- per-patch lists ---- */

/* "[i/n] title" */
static bool parse_item(const char *body, const char *line, size_t len, struct applied_item *it)
{
	size_t i = skip_blanks(line, len, 0);
	unsigned index = 0, total = 0;

	if (i >= len || line[i] != '[')
		return false;
	i++;
	if (i >= len || !is_digit(line[i]))
		return false;
	while (i < len && is_digit(line[i]) && index < 100000)
		index = index * 10 + (unsigned)(line[i++] - '0');
	if (i >= len || line[i] != '/')
		return false;
	i++;
	if (i >= len || !is_digit(line[i]))
		return false;
	while (i < len && is_digit(line[i]) && total < 100000)
		total = total * 10 + (unsigned)(line[i++] - '0');
	if (i + 1 >= len || line[i] != ']' || !is_blank(line[i + 1]))
		return false;
	i = skip_blanks(line, len, i + 1);
	if (i >= len)
		return false;
	it->index = index;
	it->total = total;
	it->title.off = (size_t)(line - body) + i;
	it->title.len = len - i;
	trim_span(body, &it->title);
	it->commit.off = it->commit.len = 0;
	return true;
}

/* The patchwork bot's summary line "  - [net-next,v5,1/2] title". */
static bool parse_pw_item(const char *body, const char *line, size_t len, struct applied_item *it)
{
	size_t i = skip_blanks(line, len, 0), close, j;

	if (i + 2 >= len || line[i] != '-' || !is_blank(line[i + 1]))
		return false;
	i = skip_blanks(line, len, i + 1);
	if (i >= len || line[i] != '[')
		return false;
	for (close = i; close < len && line[close] != ']'; close++)
		;
	if (close >= len)
		return false;
	it->index = it->total = 0;
	/* an i/n among the bracket's words (separated by ',' or blanks) */
	for (j = i + 1; j < close; j++) {
		if (is_digit(line[j]) &&
		    (line[j - 1] == ',' || line[j - 1] == '[' || is_blank(line[j - 1]))) {
			unsigned a = 0, b = 0;
			size_t k = j;

			while (k < close && is_digit(line[k]) && a < 100000)
				a = a * 10 + (unsigned)(line[k++] - '0');
			if (k < close && line[k] == '/' && k + 1 < close && is_digit(line[k + 1])) {
				k++;
				while (k < close && is_digit(line[k]) && b < 100000)
					b = b * 10 + (unsigned)(line[k++] - '0');
				it->index = a;
				it->total = b;
				break;
			}
		}
	}
	i = skip_blanks(line, len, close + 1);
	it->title.off = (size_t)(line - body) + i;
	it->title.len = len > i ? len - i : 0;
	trim_span(body, &it->title);
	it->commit.off = it->commit.len = 0;
	return it->title.len > 0;
}

enum commit_line { COMMIT_NONE, COMMIT_FOUND, COMMIT_NOT_APPLIED };

/* "      commit: <hex>", a lone "https://..." link, or b4's "(no commit info)". */
static enum commit_line parse_commit(const char *body, const char *line, size_t len,
				     struct applied_span *out)
{
	size_t i = skip_blanks(line, len, 0), j;

	if (prefix_nocase(line + i, len - i, "(no commit info)") ||
	    prefix_nocase(line + i, len - i, "(no matching commit)"))
		return COMMIT_NOT_APPLIED;
	if (prefix_nocase(line + i, len - i, "commit:")) {
		i = skip_blanks(line, len, i + 7);
		for (j = i; j < len && is_hex(line[j]); j++)
			;
		if (j - i < 7 || (j < len && !is_blank(line[j])))
			return COMMIT_NONE;
		out->off = (size_t)(line - body) + i;
		out->len = j - i;
		return COMMIT_FOUND;
	}
	if (prefix_nocase(line + i, len - i, "https://") ||
	    prefix_nocase(line + i, len - i, "http://")) {
		for (j = i; j < len && !is_blank(line[j]); j++)
			;
		if (skip_blanks(line, len, j) != len)
			return COMMIT_NONE; /* not a lone link */
		out->off = (size_t)(line - body) + i;
		out->len = j - i;
		return COMMIT_FOUND;
	}
	return COMMIT_NONE;
}

/* A commit link or id after a person's notice: "https://git.kernel.org/.../c/<id>" or "commit
 * <id>". */
static bool parse_lone_commit(const char *body, const char *line, size_t len,
			      struct applied_span *out)
{
	struct applied_span sp;

	if (parse_commit(body, line, len, &sp) != COMMIT_FOUND)
		return false;
	if (body[sp.off] == 'h' && !find_nocase(body + sp.off, sp.len, "/c/") &&
	    !find_nocase(body + sp.off, sp.len, "/commit/") &&
	    !find_nocase(body + sp.off, sp.len, "commit?id=") &&
	    !find_nocase(body + sp.off, sp.len, "h="))
		return false;
	*out = sp;
	return true;
}

/* "This series was applied to WHERE [by WHO:]" */
static bool parse_patchwork(const char *body, const char *line, size_t len,
			    struct applied_notice *out, bool *want_by)
{
	static const char *const heads[] = {"this series was applied to ",
					    "this patch was applied to ", NULL};
	size_t i = skip_blanks(line, len, 0), k;

	for (k = 0; heads[k]; k++) {
		const char *by;
		size_t start, end;

		if (!prefix_nocase(line + i, len - i, heads[k]))
			continue;
		start = i + strlen(heads[k]);
		by = find_nocase(line + start, len - start, " by ");
		end = by ? (size_t)(by - line) : len;
		out->where.off = (size_t)(line - body) + start;
		out->where.len = end - start;
		trim_span(body, &out->where);
		if (out->where.len && body[out->where.off + out->where.len - 1] == ':')
			out->where.len--;
		trim_span(body, &out->where);
		if (by) {
			out->who.off = (size_t)(by - body) + 4;
			out->who.len = len - (size_t)(by - line) - 4;
			trim_span(body, &out->who);
			if (out->who.len && body[out->who.off + out->who.len - 1] == ':')
				out->who.len--;
			*want_by = false;
		} else {
			*want_by = true;
		}
		return true;
	}
	return false;
}

bool applied_classify(const char *body, size_t len, struct applied_notice *out)
{
	struct owntext it;
	const char *line;
	size_t llen;
	struct applied_item pending;
	bool have_pending = false, want_where = false, want_by = false, patchwork = false;
	bool pr_tracker = false, merged = false, phrase = false;
	size_t prev_next = (size_t)-1;	   /* where the line after the previous own line starts */
	size_t open_off = 0, open_len = 0; /* the previous line's unfinished clause */
	unsigned commit_lookahead = 0;

	memset(out, 0, sizeof(*out));
	if (!may_be_notice(body, len))
		return false;
	owntext_init(&it, body, len, false);
	while (owntext_next(&it, &line, &llen)) {
		size_t off = (size_t)(line - body);
		bool blank = skip_blanks(line, llen, 0) == llen;
		size_t head_off = 0, head_len = 0;
		struct applied_item item;

		if (prev_next == off) {
			head_off = open_off;
			head_len = open_len;
		}
		open_clause(body, line, llen, &open_off, &open_len);
		prev_next = it.pos;

		if (have_pending) {
			/* the line after "[i/n] title" */
			enum commit_line c = parse_commit(body, line, llen, &pending.commit);

			have_pending = false;
			if (c == COMMIT_FOUND && out->nitems < APPLIED_MAX_ITEMS)
				out->items[out->nitems++] = pending;
			if (c != COMMIT_NONE)
				continue;
		}
		if (blank)
			continue;
		if (want_where) {
			out->where.off = off;
			out->where.len = llen;
			trim_span(body, &out->where);
			want_where = false;
			continue;
		}
		if (want_by) {
			size_t i = skip_blanks(line, llen, 0);

			want_by = false;
			if (prefix_nocase(line + i, llen - i, "by ")) {
				out->who.off = off + i + 3;
				out->who.len = llen - i - 3;
				trim_span(body, &out->who);
				if (out->who.len && body[out->who.off + out->who.len - 1] == ':')
					out->who.len--;
				continue;
			}
		}
		if (commit_lookahead) {
			commit_lookahead--;
			if (!out->commit.len && parse_lone_commit(body, line, llen, &out->commit))
				continue;
		}
		if (parse_item(body, line, llen, &item) ||
		    (patchwork && parse_pw_item(body, line, llen, &item))) {
			pending = item;
			have_pending = true;
			continue;
		}
		if (!patchwork && !phrase && parse_patchwork(body, line, llen, out, &want_by)) {
			patchwork = true;
			out->line.off = off;
			out->line.len = llen;
			out->verb = "applied";
			continue;
		}
		if (prefix_nocase(line + skip_blanks(line, llen, 0),
				  llen - skip_blanks(line, llen, 0), "the pull request you sent")) {
			pr_tracker = true;
			continue;
		}
		if (pr_tracker && !merged) {
			const char *m = find_nocase(line, llen, "has been merged into ");

			if (m) {
				merged = true;
				out->line.off = off;
				out->line.len = llen;
				out->verb = "merged";
				out->where.off = (size_t)(m - body) + 21;
				out->where.len = llen - (size_t)(m - line) - 21;
				trim_span(body, &out->where);
				if (out->where.len &&
				    body[out->where.off + out->where.len - 1] == ':')
					out->where.len--;
				commit_lookahead = 3;
				continue;
			}
		}
		if (!patchwork && !merged) {
			struct applied_notice scratch;
			enum clause_result r;

			if (!mentions_verb(line, llen) && !mentions_verb(body + head_off, head_len))
				continue;
			scratch.patches[0] = '\0';
			r = match_line(body, off, llen, head_off, head_len, &scratch);
			if (r == CLAUSE_NO)
				continue;
			if (!phrase) {
				phrase = true;
				out->verb = scratch.verb;
				out->where = scratch.where;
				memcpy(out->patches, scratch.patches, sizeof(out->patches));
				out->line.off = off;
				out->line.len = llen;
				want_where = r == CLAUSE_YES_WHERE_NEXT;
				commit_lookahead = 3;
			} else if (!out->where.len && scratch.where.len) {
				out->where = scratch.where;
			}
		}
	}
	if (patchwork)
		out->kind = APPLIED_PATCHWORK;
	else if (merged)
		out->kind = APPLIED_MERGED;
	else if (out->nitems)
		out->kind = APPLIED_LIST;
	else if (phrase)
		out->kind = APPLIED_REPLY;
	if (out->kind == APPLIED_LIST && !phrase) {
		out->verb = "applied";
		out->line = out->items[0].title;
	}
	if (out->kind == APPLIED_NONE) {
		memset(out, 0, sizeof(*out));
		return false;
	}
	return true;
}

bool applied_pull_source(const char *body, size_t len, struct applied_span *out)
{
	struct owntext it;
	const char *line;
	size_t llen;
	bool next = false;

	owntext_init(&it, body, len, false);
	while (owntext_next(&it, &line, &llen)) {
		if (next) {
			if (skip_blanks(line, llen, 0) == llen)
				continue;
			out->off = (size_t)(line - body);
			out->len = llen;
			trim_span(body, out);
			return out->len > 0;
		}
		if (find_nocase(line, llen, "available in the git repository at"))
			next = true;
	}
	return false;
}
