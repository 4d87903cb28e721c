/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "unit.h"

#include "digest/digest.h"
#include "stats/stats.h"

static struct digest_message mail(const char *key, const char *subject, const char *name,
				  const char *addr, const char *body)
{
	struct digest_message m = {
		.key = key,
		.commit = key,
		.message_id = key,
		.subject = subject,
		.from_name = name,
		.from_addr = addr,
		.author_name = name,
		.author_addr = addr,
		.body = body,
		.body_len = strlen(body),
	};

	return m;
}

struct fixture {
	struct digest d;
	struct store *store;
};

static int setup(void **state)
{
	struct fixture *f = test_calloc(1, sizeof(*f));

	digest_init(&f->d);
	f->store = memstate_new();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	digest_release(&f->d);
	store_free(f->store);
	test_free(f);
	return 0;
}

static void add(struct fixture *f, struct digest_message m)
{
	if (!m.in_reply_to)
		m.in_reply_to = "";
	if (!m.references)
		m.references = "";
	assert_int_equal(digest_add_message(&f->d, f->store, &m), 0);
}

/* Entry i, read back from where the digest keeps it. */
static struct digest_entry entry(const struct fixture *f, size_t i)
{
	struct digest_entry e;

	digest_entry_get(&f->d, i, &e);
	return e;
}

/* Field `field` of entry i's strings, read back from where the digest keeps them. */
#define assert_entry(f, i, field, want)                                                            \
	do {                                                                                       \
		struct buf scratch_ = BUF_INIT;                                                    \
		struct digest_entry_text t_;                                                       \
                                                                                                   \
		struct digest_entry e_;                                                            \
                                                                                                   \
		digest_entry_get(&(f)->d, i, &e_);                                                 \
		digest_entry_read(&(f)->d, &e_, &scratch_, &t_);                                   \
		assert_string_equal(t_.field, want);                                               \
		buf_release(&scratch_);                                                            \
	} while (0)

/* Only leads get entries; every patch counts; replies and other mail do not. */
static void test_classify(void **state)
{
	struct fixture *f = *state;
	struct tally_row rows[4];

	add(f, mail("c1", "[PATCH 0/2] Cover", "A", "a@x.org", "cover\n"));
	add(f, mail("c2", "[PATCH 1/2] First", "A", "a@x.org", "one\n"));
	add(f, mail("c3", "[PATCH 2/2] Second", "A", "a@x.org", "two\n"));
	add(f, mail("c4", "Re: [PATCH 1/2] First", "R", "r@y.org", "looks good\n"));
	add(f, mail("c5", "Meeting notes", "S", "s@z.org", "spam\n"));
	add(f, mail("c6", "[GIT PULL] KVM changes", "P", "p@k.org", "pull\n"));
	assert_int_equal(f->d.messages, 6);
	assert_int_equal(f->d.patches, 3);
	assert_int_equal(f->d.replies, 1);
	assert_int_equal(f->d.nentries, 2);
	assert_entry(f, 0, title, "Cover");
	assert_entry(f, 1, title, "First");
	assert_int_equal(tally_top(f->d.people, rows, 4), 1);
	assert_int_equal(rows[0].count, 3);
	assert_int_equal(tally_top(f->d.domains, rows, 4), 1);
	assert_string_equal(rows[0].shown, "x.org");
}

/* A re-sent lead with another message is a duplicate; its identity ignores
 * the case of the title and keeps version, index and total apart. */
static void test_duplicates(void **state)
{
	struct fixture *f = *state;

	add(f, mail("c1", "[PATCH v5 1/6] Make it optional", "O", "o@r.com", "b\n"));
	add(f, mail("c2", "[PATCH v5 1/6] make IT optional", "O", "O@R.com", "b\n"));
	add(f, mail("c3", "[PATCH v6 1/6] Make it optional", "O", "o@r.com", "b\n"));
	add(f, mail("c4", "[PATCH v5 1/7] Make it optional", "O", "o@r.com", "b\n"));
	add(f, mail("c5", "[PATCH RESEND v5 1/6] Make it optional", "O", "o@r.com", "b\n"));
	assert_int_equal(f->d.nentries, 5);
	assert_int_equal(entry(f, 0).kind, DIGEST_NEW);
	assert_int_equal(entry(f, 1).kind, DIGEST_DUPLICATE);
	assert_int_equal(entry(f, 1).body.len, 0); /* a duplicate keeps no body */
	assert_int_equal(entry(f, 2).kind, DIGEST_NEW);
	assert_int_equal(entry(f, 3).kind, DIGEST_NEW);
	assert_int_equal(entry(f, 4).kind, DIGEST_DUPLICATE); /* RESEND: same identity */
	assert_entry(f, 4, key, "c5"); /* the key is kept with the strings */
}

/* The shown body of entry i, read back from where the digest keeps it. */
static void assert_body(const struct fixture *f, size_t i, const char *want)
{
	struct buf b = BUF_INIT;
	struct digest_entry e = entry(f, i);

	digest_append_body(&b, &f->d, &e);
	assert_string_equal(b.data, want);
	buf_release(&b);
}

/* The author of rule 5 counts; the sender of rule 6 fills the entry. */
static void test_author_and_sender(void **state)
{
	struct fixture *f = *state;
	struct digest_message m = mail("c1", "[PATCH] Fix", "Mike Rapoport", "rppt@kernel.org",
				       "From: N <n@a.com>\n\nText\n");
	struct tally_row rows[2];

	m.author_name = "Nikita Kalyazin";
	m.author_addr = "kalyazin@amazon.com";
	m.inbody_from_off = 0;
	m.inbody_from_len = strlen("From: N <n@a.com>\n");
	add(f, m);
	assert_int_equal(tally_top(f->d.people, rows, 2), 1);
	assert_string_equal(rows[0].shown, "Nikita Kalyazin <kalyazin@amazon.com>");
	assert_entry(f, 0, sender, "Mike Rapoport <rppt@kernel.org>");
	assert_body(f, 0, "\nText");
}

/* Hostile strings come out without terminal controls. */
static void test_controls_dropped(void **state)
{
	struct fixture *f = *state;

	add(f, mail("c1", "[PATCH] Evil\xe2\x80\xae title\x1b[2J", "Bad\x07 Guy", "b@x.org",
		    "body\x1b]0;pwned\x07\n"));
	assert_entry(f, 0, title, "Evil title[2J");
	assert_entry(f, 0, subject, "[PATCH] Evil title[2J");
	assert_entry(f, 0, sender, "Bad Guy <b@x.org>");
	assert_body(f, 0, "body]0;pwned");
}

/* A patch without an author address counts nowhere but still gets its entry. */
static void test_no_address(void **state)
{
	struct fixture *f = *state;

	add(f, mail("c1", "[PATCH] Anonymous", "", "", "b\n"));
	assert_int_equal(tally_size(f->d.people), 0);
	assert_int_equal(f->d.nentries, 1);
	assert_entry(f, 0, sender, "");
}

/* From: joe (no domain): counted under "(no domain)", never as an empty line. */
static void test_no_domain(void **state)
{
	struct fixture *f = *state;
	struct tally_row rows[2];

	add(f, mail("c1", "[PATCH] Local", "Joe", "joe", "b\n"));
	add(f, mail("c2", "[PATCH] Remote", "Ann", "ann@x.org", "b\n"));
	assert_int_equal(tally_top(f->d.domains, rows, 2), 2);
	assert_string_equal(rows[0].shown, "x.org");
	assert_string_equal(rows[1].shown, "(no domain)");
	assert_int_equal(tally_top(f->d.people, rows, 2), 2);
	assert_string_equal(rows[0].shown, "Joe <joe>");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_classify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_author_and_sender, setup, teardown),
		cmocka_unit_test_setup_teardown(test_controls_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_domain, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
