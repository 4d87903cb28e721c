/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "unit.h"

#include "patch/address.h"

static const struct {
	const char *name, *addr;
	const char *person, *sender;
	const char *why;
} cases[] = {
	{"Ani Sinha", "anisinha@redhat.com", "Ani Sinha <anisinha@redhat.com>",
	 "Ani Sinha <anisinha@redhat.com>", "a plain name is not quoted (seed)"},
	{"Mike Rapoport (Microsoft)", "rppt@kernel.org",
	 "\"Mike Rapoport (Microsoft)\" <rppt@kernel.org>",
	 "Mike Rapoport (Microsoft) <rppt@kernel.org>", "parentheses need quotes (seed)"},
	{"Shivaprasad G Bhat", "sbhat@linux.ibm.com", "Shivaprasad G Bhat <sbhat@linux.ibm.com>",
	 "Shivaprasad G Bhat <sbhat@linux.ibm.com>", "single letters are atoms"},
	{"Paolo J. Bonzini", "p@r.com", "\"Paolo J. Bonzini\" <p@r.com>",
	 "Paolo J. Bonzini <p@r.com>", "a period needs quotes"},
	{"Doe, John", "j@d.org", "\"Doe, John\" <j@d.org>", "Doe, John <j@d.org>",
	 "a comma needs quotes"},
	{"Say \"Hi\"", "h@x.org", "\"Say \\\"Hi\\\"\" <h@x.org>", "Say \"Hi\" <h@x.org>",
	 "quotes inside are escaped"},
	{"back\\slash", "b@x.org", "\"back\\\\slash\" <b@x.org>", "back\\slash <b@x.org>",
	 "a backslash is escaped"},
	{"Ren\xc3\xa9 M\xc3\xbcller", "r@x.de", "Ren\xc3\xa9 M\xc3\xbcller <r@x.de>",
	 "Ren\xc3\xa9 M\xc3\xbcller <r@x.de>", "UTF-8 kept, not encoded"},
	{"", "bare@x.org", "bare@x.org", "bare@x.org", "no name: the bare address"},
};

static void test_person_and_sender(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct buf p = BUF_INIT, s = BUF_INIT;

		address_append_person(&p, cases[i].name, cases[i].addr);
		address_append_sender(&s, cases[i].name, cases[i].addr);
		if (strcmp(p.data, cases[i].person) || strcmp(s.data, cases[i].sender))
			fail_msg("case %zu (%s): person '%s' sender '%s'", i, cases[i].why, p.data,
				 s.data);
		buf_release(&p);
		buf_release(&s);
	}
}

static void test_key_and_domain(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	address_append_key(&b, "Kim.Phillips@AMD.com");
	assert_string_equal(b.data, "kim.phillips@amd.com");
	buf_reset(&b);
	address_append_domain(&b, "Kim.Phillips@AMD.com");
	assert_string_equal(b.data, "amd.com");
	buf_reset(&b);
	buf_release(&b);
}

static const struct {
	const char *addr, *domain, *why;
} domain_cases[] = {
	{"Kim.Phillips@AMD.com", "amd.com", "lower-cased"},
	{"\"a@b\"@Example.ORG", "example.org", "the part after the last '@'"},
	{"joe", "(no domain)", "From: joe (a local address): not an empty line in the list"},
	{"joe@", "(no domain)", "nothing after the '@'"},
	{"joe@ \x01\x1b\t", "(no domain)", "a domain that would print as nothing"},
	{"joe@\xff", "\xff", "bytes that are not UTF-8 print (as U+FFFD): kept"},
	{"", "(no domain)", "no address (digest.c does not count it)"},
};

static void test_domain(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(domain_cases); i++) {
		struct buf b = BUF_INIT;

		address_append_domain(&b, domain_cases[i].addr);
		if (strcmp(b.data, domain_cases[i].domain))
			fail_msg("case %zu (%s): domain '%s', want '%s'", i, domain_cases[i].why,
				 b.data, domain_cases[i].domain);
		buf_release(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_person_and_sender),
		cmocka_unit_test(test_key_and_domain),
		cmocka_unit_test(test_domain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
