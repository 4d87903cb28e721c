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
	/* the part after the last '@' is the domain */
	address_append_domain(&b, "\"a@b\"@Example.ORG");
	assert_string_equal(b.data, "example.org");
	buf_reset(&b);
	address_append_domain(&b, "no-at-sign");
	assert_string_equal(b.data, "");
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_person_and_sender),
		cmocka_unit_test(test_key_and_domain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
