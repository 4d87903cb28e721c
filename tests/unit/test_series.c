/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for src/series/series.c (grouping, completeness, versions,
 * replies, trailers, applied entries), src/series/msgid.c (References,
 * links, change-id) and src/series/relay.c.
 *
 * Messages marked with a commit id are kvm-ppc archive messages: their
 * Message-ID, In-Reply-To, References, Date (as seconds), subject and From:
 * as the archive has them, and their body trimmed to the lines that matter.
 * "derived" messages are such a message changed in one way, said where;
 * "not in corpus" ones are forms kvm-ppc does not hold.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

#include "patch/subject.h"
#include "series/msgid.h"
#include "series/relay.h"
#include "series/series.h"
#include "util/buf.h"
#include "util/strmap.h"

struct msg {
	const char *key;
	const char *mid;
	const char *irt;
	const char *refs;
	int64_t date;
	const char *subject;
	const char *name; /* the header From: */
	const char *addr;
	const char *body;
	const char *author_name; /* the in-body From:, NULL when none */
	const char *author_addr;
};

static void add_msg(struct series_set *set, const struct msg *m, bool earlier)
{
	struct buf subject = BUF_INIT;
	struct series_message sm;
	size_t blen = strlen(m->body);
	char *body = malloc(blen ? blen : 1); /* no NUL: ASan checks body_len */

	memcpy(body, m->body, blen);
	subject_clean(m->subject, strlen(m->subject), &subject);
	memset(&sm, 0, sizeof(sm));
	sm.key = m->key;
	sm.message_id = m->mid;
	sm.in_reply_to = m->irt;
	sm.references = m->refs;
	sm.date = m->date;
	sm.subject = subject.data;
	sm.author_name = m->author_name ? m->author_name : m->name;
	sm.author_addr = m->author_addr ? m->author_addr : m->addr;
	sm.sender_name = m->name;
	sm.sender_addr = m->addr;
	sm.body = body;
	sm.body_len = blen;
	if (earlier)
		series_add_earlier(set, &sm);
	else
		series_add_message(set, &sm);
	free(body);
	buf_release(&subject);
}

static struct series_set *make_set(const struct msg *msgs, size_t n)
{
	struct series_set *set = series_set_new();
	size_t i;

	for (i = 0; i < n; i++)
		add_msg(set, &msgs[i], false);
	series_set_finish(set);
	return set;
}

static const struct series_info *find_series(const struct series_set *set, const char *lead_key)
{
	size_t i;

	for (i = 0; i < series_set_count(set); i++)
		if (!strcmp(series_set_get(set, i)->lead->key, lead_key))
			return series_set_get(set, i);
	fail_msg("no series led by %s", lead_key);
	return NULL;
}

static const struct series_patch *patch_with_key(const struct series_info *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->npatches; i++)
		if (!strcmp(s->patches[i].key, key))
			return &s->patches[i];
	fail_msg("no patch %s", key);
	return NULL;
}

static char *completeness(const struct series_info *s)
{
	struct buf b = BUF_INIT;

	series_append_completeness(&b, s);
	return buf_detach(&b, NULL);
}

/* ------------------------------------------------------------------ */
/* Out of order: "[PATCH 0/2] Rework secure memslot dropping" arrived after
 * its two patches (corpus #2275-#2277). */

/* clang-format off */
static const struct msg rework[] = {
	/* a38cf5d53bba (corpus #2275) */
	{"a38cf5d53bba", "20200703155914.40262-2-ldufour@linux.ibm.com",
	 "20200703155914.40262-1-ldufour@linux.ibm.com",
	 "<20200703155914.40262-1-ldufour@linux.ibm.com>",
	 1593791953, "[PATCH 1/2] KVM: PPC: Book3S HV: move kvmppc_svm_page_out up",
	 "Laurent Dufour", "ldufour@linux.ibm.com", "", NULL, NULL},
	/* dc6910e983b7 (corpus #2276) */
	{"dc6910e983b7", "20200703155914.40262-3-ldufour@linux.ibm.com",
	 "20200703155914.40262-1-ldufour@linux.ibm.com",
	 "<20200703155914.40262-1-ldufour@linux.ibm.com>",
	 1593791954, "[PATCH 2/2] KVM: PPC: Book3S HV: rework secure mem slot dropping",
	 "Laurent Dufour", "ldufour@linux.ibm.com", "", NULL, NULL},
	/* b6f543079fe0 (corpus #2277) */
	{"b6f543079fe0", "20200703155914.40262-1-ldufour@linux.ibm.com", "", "",
	 1593791952, "[PATCH 0/2] Rework secure memslot dropping",
	 "Laurent Dufour", "ldufour@linux.ibm.com",
	 "When doing memory hotplug on a secure VM, the secure pages are not well\n"
	 "cleaned from the secure device when dropping the memslot.\n"
	 "\n"
	 "Laurent Dufour (2):\n"
	 "  KVM: PPC: Book3S HV: move kvmppc_svm_page_out up\n"
	 "  KVM: PPC: Book3S HV: rework secure mem slot dropping\n"
	 "\n"
	 " arch/powerpc/kvm/book3s_hv_uvmem.c | 53 ++++++++++++++++++++++++++++++++++++------------------\n"
	 " 3 files changed, 43 insertions(+), 18 deletions(-)\n"
	 "\n"
	 "-- \n"
	 "2.27.0\n", NULL, NULL},
};
/* clang-format on */

static void check_rework(const struct series_set *set, const char *why)
{
	const struct series_info *s;
	struct buf body = BUF_INIT;
	char *c;

	if (series_set_count(set) != 1)
		fail_msg("%s: %zu series", why, series_set_count(set));
	s = series_set_get(set, 0);
	assert_non_null(s->cover);
	assert_string_equal(s->cover->key, "b6f543079fe0");
	assert_ptr_equal(s->lead, s->cover);
	assert_string_equal(s->title, "Rework secure memslot dropping");
	assert_string_equal(s->root_id, "20200703155914.40262-1-ldufour@linux.ibm.com");
	assert_int_equal(s->npatches, 3);
	assert_int_equal(s->patches[1].index, 1);
	assert_int_equal(s->patches[2].index, 2);
	assert_int_equal(s->total, 2);
	assert_int_equal(s->received, 2);
	c = completeness(s);
	assert_string_equal(c, "2/2 received");
	free(c);
	/* the shown body of the cover letter: up to the diffstat summary */
	series_append_lead_body(&body, s);
	assert_non_null(strstr(body.data, "3 files changed"));
	assert_null(strstr(body.data, "2.27.0"));
	buf_release(&body);
	assert_null(s->previous);
}

/* Every arrival order of the three gives the same series. */
static void test_out_of_order(void **state)
{
	static const int orders[][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
					{1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
	size_t o, i;

	(void)state;
	for (o = 0; o < ARRAY_SIZE(orders); o++) {
		struct series_set *set = series_set_new();
		char why[64];

		for (i = 0; i < 3; i++)
			add_msg(set, &rework[orders[o][i]], false);
		series_set_finish(set);
		snprintf(why, sizeof(why), "order %d%d%d", orders[o][0], orders[o][1],
			 orders[o][2]);
		check_rework(set, why);
		/* finishing twice gives the same result */
		series_set_finish(set);
		check_rework(set, why);
		series_set_free(set);
	}
}

/* ------------------------------------------------------------------ */
/* A review on the cover letter applies to the whole series (corpus
 * #252-#255: "[PATCH 0/2] Fix handling of h_set_dawr", Cédric Le Goater's
 * Reviewed-by and Tested-by on the cover letter; patch 1/2 by Michael
 * Neuling (in-body From:) carries its own Reported-by). */

/* clang-format off */
static const struct msg dawr[] = {
	/* e2987ab36e9a (corpus #252) */
	{"e2987ab36e9a", "20190617071619.19360-1-sjitindarsingh@gmail.com", "", "",
	 1560755777, "[PATCH 0/2] Fix handling of h_set_dawr",
	 "Suraj Jitindar Singh", "sjitindarsingh@gmail.com",
	 "Series contains 2 patches to fix the host in kernel handling of the hcall\n"
	 "h_set_dawr.\n", NULL, NULL},
	/* 3b45c93bbd52 (corpus #253) */
	{"3b45c93bbd52", "20190617071619.19360-2-sjitindarsingh@gmail.com",
	 "20190617071619.19360-1-sjitindarsingh@gmail.com",
	 "<20190617071619.19360-1-sjitindarsingh@gmail.com>",
	 1560755778, "[PATCH 1/2] KVM: PPC: Book3S HV: Fix r3 corruption in h_set_dabr()",
	 "Suraj Jitindar Singh", "sjitindarsingh@gmail.com",
	 "From: Michael Neuling <mikey@neuling.org>\n"
	 "\n"
	 "Commit c1fe190c0672 (\"powerpc: Add force enable of DAWR on P9\n"
	 "option\") screwed up some assembler and corrupted a pointer in\n"
	 "r3. This resulted in crashes like the below:\n"
	 "\n"
	 "Fixes: c1fe190c0672 (\"powerpc: Add force enable of DAWR on P9 option\")\n"
	 "Signed-off-by: Michael Neuling <mikey@neuling.org>\n"
	 "Reported-by: C\xc3\xa9" "dric Le Goater <clg@kaod.org>\n"
	 "--\n"
	 "mpe: This is for 5.2 fixes\n",
	 "Michael Neuling", "mikey@neuling.org"},
	/* 78b3d32ca6df (corpus #254) */
	{"78b3d32ca6df", "20190617071619.19360-3-sjitindarsingh@gmail.com",
	 "20190617071619.19360-1-sjitindarsingh@gmail.com",
	 "<20190617071619.19360-1-sjitindarsingh@gmail.com>",
	 1560755779, "[PATCH 2/2] KVM: PPC: Book3S HV: Only write DAWR[X] when handling h_set_dawr in real mode",
	 "Suraj Jitindar Singh", "sjitindarsingh@gmail.com",
	 "Signed-off-by: Suraj Jitindar Singh <sjitindarsingh@gmail.com>\n", NULL, NULL},
	/* 7c70d7f08ffa (corpus #255) */
	{"7c70d7f08ffa", "87e219c8-1db7-9976-03ce-5a566a8df7ab@kaod.org",
	 "20190617071619.19360-1-sjitindarsingh@gmail.com",
	 "<20190617071619.19360-1-sjitindarsingh@gmail.com>",
	 1560762393, "Re: [PATCH 0/2] Fix handling of h_set_dawr",
	 "C\xc3\xa9" "dric Le Goater", "clg@kaod.org",
	 "On 17/06/2019 09:16, Suraj Jitindar Singh wrote:\n"
	 "> Series contains 2 patches to fix the host in kernel handling of the hcall\n"
	 "> h_set_dawr.\n"
	 "\n"
	 "Reviewed-by: C\xc3\xa9" "dric Le Goater <clg@kaod.org>\n"
	 "\n"
	 "and \n"
	 "\n"
	 "Tested-by: C\xc3\xa9" "dric Le Goater <clg@kaod.org>\n"
	 "\n"
	 "but I see slowdowns in nested as if the IPIs were not delivered. Have we\n"
	 "touch this part in 5.2 ? \n", NULL, NULL},
};
/* clang-format on */

static void test_review_on_cover(void **state)
{
	struct series_set *set = make_set(dawr, ARRAY_SIZE(dawr));
	const struct series_info *s;
	const struct series_patch *p1;

	(void)state;
	assert_int_equal(series_set_count(set), 1);
	s = series_set_get(set, 0);
	p1 = patch_with_key(s, "3b45c93bbd52");
	assert_string_equal(p1->author_addr, "mikey@neuling.org");
	assert_string_equal(s->author_addr, "sjitindarsingh@gmail.com"); /* the cover's */
	assert_int_equal(s->replies, 1);
	assert_int_equal(s->cover->replies, 1);
	assert_int_equal(p1->replies, 0);
	assert_int_equal(s->ntrailers, 3);
	/* the patch's own Reported-by: for that patch, in_patch */
	assert_int_equal(s->trailers[0].kind, SERIES_REPORTED_BY);
	assert_ptr_equal(s->trailers[0].patch, p1);
	assert_true(s->trailers[0].in_patch);
	/* the reply's: for the whole series */
	assert_int_equal(s->trailers[1].kind, SERIES_REVIEWED_BY);
	assert_null(s->trailers[1].patch);
	assert_false(s->trailers[1].in_patch);
	assert_string_equal(s->trailers[1].name, "C\xc3\xa9"
						 "dric Le Goater");
	assert_string_equal(s->trailers[1].addr, "clg@kaod.org");
	assert_string_equal(s->trailers[1].given_in, "7c70d7f08ffa");
	assert_string_equal(s->trailers[1].given_by, "C\xc3\xa9"
						     "dric Le Goater <clg@kaod.org>");
	assert_int_equal(s->trailers[2].kind, SERIES_TESTED_BY);
	assert_null(s->trailers[2].patch);
	assert_string_equal(series_trailer_name(s->trailers[2].kind), "Tested-by");
	assert_int_equal(series_set_applied_count(set), 0);
	series_set_free(set);
}

/*
 * A trailer given again is kept once: the same kind, person (the address,
 * ASCII case aside), patch and source; another kind, or the same one for
 * another patch, is another trailer.
 */
static void test_trailer_once(void **state)
{
	/* clang-format off */
	static const struct msg more[] = {
		{"again1", "again1@kaod.org", "20190617071619.19360-1-sjitindarsingh@gmail.com",
		 "<20190617071619.19360-1-sjitindarsingh@gmail.com>", 1560762400,
		 "Re: [PATCH 0/2] Fix handling of h_set_dawr", "C Le Goater", "clg@kaod.org",
		 "Reviewed-by: CLG <CLG@KAOD.org>\n" /* the same, in other case: dropped */
		 "Acked-by: CLG <clg@kaod.org>\n", NULL, NULL},
		{"again2", "again2@kaod.org", "20190617071619.19360-2-sjitindarsingh@gmail.com",
		 "<20190617071619.19360-1-sjitindarsingh@gmail.com> "
		 "<20190617071619.19360-2-sjitindarsingh@gmail.com>", 1560762401,
		 "Re: [PATCH 1/2] KVM: PPC: Book3S HV: Fix r3 corruption in h_set_dabr()",
		 "C Le Goater", "clg@kaod.org",
		 "Reviewed-by: CLG <clg@kaod.org>\n", NULL, NULL}, /* patch 1/2's own */
	};
	/* clang-format on */
	struct series_set *set = series_set_new();
	const struct series_info *s;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(dawr); i++)
		add_msg(set, &dawr[i], false);
	for (i = 0; i < ARRAY_SIZE(more); i++)
		add_msg(set, &more[i], false);
	series_set_finish(set);
	s = series_set_get(set, 0);
	assert_int_equal(s->ntrailers, 5);
	assert_int_equal(s->trailers[3].kind, SERIES_ACKED_BY);
	assert_string_equal(s->trailers[3].given_in, "again1");
	assert_int_equal(s->trailers[4].kind, SERIES_REVIEWED_BY);
	assert_non_null(s->trailers[4].patch);
	assert_int_equal(s->trailers[4].patch->index, 1);
	series_set_free(set);
}

/* ------------------------------------------------------------------ */
/* Versions. */

/* clang-format off */
static const struct msg h_ipi[] = {
	/* 8496da728b5e (corpus #2) */
	{"8496da728b5e", "20190429054236.GA15557@blackberry", "", "",
	 1556516556, "[PATCH] KVM: PPC: Book3S HV: Fix XICS-on-XIVE H_IPI when priority = 0",
	 "Paul Mackerras", "paulus@ozlabs.org", "", NULL, NULL},
	/* f9d8b9e76285 (corpus #11): v2, sent in reply to v1 */
	{"f9d8b9e76285", "20190430093129.GA31113@blackberry",
	 "20190429054236.GA15557@blackberry",
	 "<20190429054236.GA15557@blackberry>",
	 1556616689, "[PATCH v2] KVM: PPC: Book3S HV: Fix XICS-on-XIVE H_IPI when priority = 0",
	 "Paul Mackerras", "paulus@ozlabs.org", "", NULL, NULL},
	/* derived from f9d8b9e76285: the same v2 with another title, so only the
	 * reply links it */
	{"derived-v2", "derived-v2@blackberry",
	 "20190429054236.GA15557@blackberry",
	 "<20190429054236.GA15557@blackberry>",
	 1556616689, "[PATCH v2] KVM: PPC: Book3S HV: XICS-on-XIVE: Fix H_IPI priority 0",
	 "Paul Mackerras", "paulus@ozlabs.org", "", NULL, NULL},
};

static const struct msg nested[] = {
	/* c7411c0fd722 (corpus #5599) */
	{"c7411c0fd722", "20230508072332.2937883-1-jpn@linux.vnet.ibm.com", "", "",
	 1683530607, "[RFC PATCH v1 0/5] KVM: PPC: Nested PAPR guests",
	 "Jordan Niethe", "jpn@linux.vnet.ibm.com", "A series to add nested PAPR guests.\n", NULL, NULL},
	/* 460c1db61c85 (corpus #5612) */
	{"460c1db61c85", "20230605064848.12319-1-jpn@linux.vnet.ibm.com", "", "",
	 1685947722, "[RFC PATCH v2 0/6] KVM: PPC: Nested PAPR guests",
	 "Jordan Niethe", "jpn@linux.vnet.ibm.com",
	 "This is available at https://github.com/mikey/qemu/tree/kvm-papr\n"
	 "\n"
	 "Change overview in v2:\n"
	 "  - v1: https://lore.kernel.org/linuxppc-dev/20230508072332.2937883-1-jpn@linux.vnet.ibm.com/\n",
	 NULL, NULL},
	/* 391fee594945 (corpus #5649): a new title and a new address; its links
	 * name v1 and v2 */
	{"391fee594945", "20230807014553.1168699-1-jniethe5@gmail.com", "", "",
	 1691372747, "[PATCH v3 0/6] KVM: PPC: Nested APIv2 guest support",
	 "Jordan Niethe", "jniethe5@gmail.com",
	 "This is available at https://github.com/planetharsh/qemu/tree/upstream-0714-kop\n"
	 "\n"
	 "Change overview in v3:\n"
	 "  - v1: https://lore.kernel.org/linuxppc-dev/20230508072332.2937883-1-jpn@linux.vnet.ibm.com/\n"
	 "  - v2: https://lore.kernel.org/linuxppc-dev/20230605064848.12319-1-jpn@linux.vnet.ibm.com/ \n",
	 NULL, NULL},
};

static const struct msg hostwide_resend[] = {
	/* 8a0753fa87ae (corpus #5941) */
	{"8a0753fa87ae", "20250317100834.451452-1-vaibhav@linux.ibm.com", "", "",
	 1742206107, "[PATCH v5 0/6] kvm powerpc/book3s-hv: Expose Hostwide counters as perf-events",
	 "Vaibhav Jain", "vaibhav@linux.ibm.com", "", NULL, NULL},
	/* f6f6629b2408 (corpus #5950) */
	{"f6f6629b2408", "20250416162740.93143-1-vaibhav@linux.ibm.com", "", "",
	 1744820850, "[RESEND PATCH v5 0/6] kvm powerpc/book3s-hv: Expose Hostwide counters as perf-events",
	 "Vaibhav Jain", "vaibhav@linux.ibm.com", "", NULL, NULL},
};

static const struct msg mask_size[] = {
	/* ba1b6f83eda0 (corpus #2765) */
	{"ba1b6f83eda0", "20201112011655.382866-1-leobras.c@gmail.com", "", "",
	 1605143815, "[PATCH 1/1] powerpc/kvm: Fix mask size for emulated msgsndp",
	 "Leonardo Bras", "leobras.c@gmail.com", "", NULL, NULL},
	/* 71643cc4f879 (corpus #2812) */
	{"71643cc4f879", "20201208215707.31149-1-leobras.c@gmail.com", "", "",
	 1607464628, "[PATCH v2 1/1] powerpc/kvm: Fix mask size for emulated msgsndp",
	 "Leonardo Bras", "leobras.c@gmail.com", "", NULL, NULL},
	/* 6f587ce97ebe (corpus #2899), derived: sent 10 minutes after #2765 (it was
	 * three months later) - a second 1/1 of the same author */
	{"6f587ce97ebe", "20210205031623.222730-1-leobras.c@gmail.com", "", "",
	 1605143815 + 600, "[PATCH 1/1] powerpc/kvm: Save Timebase Offset to fix sched_clock() while running guest code.",
	 "Leonardo Bras", "leobras.c@gmail.com", "", NULL, NULL},
};
/* clang-format on */

static void test_version_reply(void **state)
{
	struct series_set *set = make_set(h_ipi, 2);
	const struct series_info *v1, *v2;

	(void)state;
	/* a v2 single patch sent in reply to v1 is a series of its own */
	assert_int_equal(series_set_count(set), 2);
	v1 = find_series(set, "8496da728b5e");
	v2 = find_series(set, "f9d8b9e76285");
	assert_int_equal(v2->version_major, 2);
	assert_ptr_equal(v2->previous, v1);
	assert_int_equal(v2->previous_link, SERIES_LINK_SAME_TITLE);
	assert_null(v1->previous);
	/* v2 does not count as a reply to v1 */
	assert_int_equal(v1->replies, 0);
	series_set_free(set);

	/* derived: a new title; the In-Reply-To still links it */
	set = series_set_new();
	add_msg(set, &h_ipi[0], false);
	add_msg(set, &h_ipi[2], false);
	series_set_finish(set);
	v2 = find_series(set, "derived-v2");
	assert_ptr_equal(v2->previous, find_series(set, "8496da728b5e"));
	assert_int_equal(v2->previous_link, SERIES_LINK_REPLY);
	series_set_free(set);
}

/*
 * What series_set_names() and series_set_applied() read back is what
 * series_set_get() hands out, for every series (earlier versions kept
 * by the state among them) and notice.
 */
static void check_read_back(const struct series_set *set)
{
	size_t i, j;

	for (i = 0; i < series_set_count(set); i++) {
		const struct series_info *s = series_set_get(set, i);
		struct series_names n;

		series_set_names(set, i, &n);
		assert_string_equal(n.root_id, s->root_id);
		assert_string_equal(n.title_key, s->title_key);
		assert_string_equal(n.change_id, s->change_id);
		assert_string_equal(n.previous_root, s->previous ? s->previous->root_id : "");
		assert_int_equal(n.previous_link, s->previous_link);
		assert_int_equal(n.version_major, s->version_major);
		assert_int_equal(n.version_minor, s->version_minor);
		assert_int_equal(n.total, s->total);
		assert_int_equal(n.received, s->received);
		for (j = 0; j < s->npatches; j++)
			assert_int_equal(series_set_find_key(set, s->patches[j].key), i);
	}
	for (i = 0; i < series_set_applied_count(set); i++) {
		const struct series_applied *a = series_set_applied(set, i);
		size_t at = *a->patch_key ? series_set_find_key(set, a->patch_key) : SERIES_NONE;

		if (*a->patch_key) {
			assert_true(at != SERIES_NONE);
			assert_string_equal(series_set_get(set, at)->root_id, a->series_root);
			assert_int_equal(
			    patch_with_key(series_set_get(set, at), a->patch_key)->index,
			    a->patch_index);
		}
	}
}

/* series_set_forget(): the series read back again are the same. */
static void test_forget(void **state)
{
	struct series_set *set = make_set(nested, ARRAY_SIZE(nested));
	const struct series_info *v3 = find_series(set, "391fee594945"), *chain[8];
	char *root = strdup(v3->root_id), *previous = strdup(v3->previous->root_id);

	(void)state;
	series_set_forget(set);
	series_set_forget(set); /* nothing kept: nothing to do */
	v3 = find_series(set, "391fee594945");
	assert_string_equal(v3->root_id, root);
	assert_string_equal(v3->previous->root_id, previous);
	assert_int_equal(series_earlier_versions(v3, chain, 8), 2);
	assert_string_equal(chain[1]->lead->key, "c7411c0fd722");
	series_set_forget(set);
	check_read_back(set);
	free(root);
	free(previous);
	series_set_free(set);
}

/* clang-format off */
/* Derived: two titles of one author whose title keys ("a@example.org",
 * 0x1f, the title lower-cased) have the same hash (strmap_hash, FNV-1a),
 * each sent again as v2 a day later. */
static const struct msg same_hash[] = {
	{"sh1", "sh1@example.org", "", "", 1600000000, "[PATCH] Fix the thing ee5a",
	 "A", "a@example.org", "", NULL, NULL},
	{"sh2", "sh2@example.org", "", "", 1600086400, "[PATCH] fix the thing 83968",
	 "A", "a@example.org", "", NULL, NULL},
	{"sh3", "sh3@example.org", "", "", 1600172800, "[PATCH v2] Fix the thing ee5a",
	 "A", "a@example.org", "", NULL, NULL},
	{"sh4", "sh4@example.org", "", "", 1600259200, "[PATCH v2] fix the thing 83968",
	 "A", "a@example.org", "", NULL, NULL},
};
/* clang-format on */

static void test_version_same_hash(void **state)
{
	struct series_set *set = make_set(same_hash, ARRAY_SIZE(same_hash));
	const struct series_info *a1, *b1, *a2, *b2;

	(void)state;
	assert_int_equal(strmap_hash(find_series(set, "sh1")->title_key),
			 strmap_hash(find_series(set, "sh2")->title_key));
	assert_string_not_equal(find_series(set, "sh1")->title_key,
				find_series(set, "sh2")->title_key);
	a1 = find_series(set, "sh1");
	b1 = find_series(set, "sh2");
	a2 = find_series(set, "sh3");
	b2 = find_series(set, "sh4");
	/* the same hash is not the same title: each v2 follows its own v1 */
	assert_null(a1->previous);
	assert_null(b1->previous);
	assert_ptr_equal(a2->previous, a1);
	assert_int_equal(a2->previous_link, SERIES_LINK_SAME_TITLE);
	assert_ptr_equal(b2->previous, b1);
	assert_int_equal(b2->previous_link, SERIES_LINK_SAME_TITLE);
	check_read_back(set);
	series_set_free(set);
}

static void test_version_link(void **state)
{
	struct series_set *set = make_set(nested, ARRAY_SIZE(nested));
	const struct series_info *v1, *v2, *v3, *chain[8];

	(void)state;
	v1 = find_series(set, "c7411c0fd722");
	v2 = find_series(set, "460c1db61c85");
	v3 = find_series(set, "391fee594945");
	/* v2: same author and title as v1 */
	assert_ptr_equal(v2->previous, v1);
	assert_int_equal(v2->previous_link, SERIES_LINK_SAME_TITLE);
	assert_true(v2->rfc);
	/* v3: another title and address; its cover links v1 and v2: the highest */
	assert_ptr_equal(v3->previous, v2);
	assert_int_equal(v3->previous_link, SERIES_LINK_LINK);
	assert_int_equal(series_earlier_versions(v3, chain, 8), 2);
	assert_ptr_equal(chain[0], v2);
	assert_ptr_equal(chain[1], v1);
	assert_int_equal(series_earlier_versions(v3, chain, 1), 1);
	check_read_back(set);
	series_set_free(set);

	/* the state feeds the earlier versions: v3 alone in the window */
	set = series_set_new();
	add_msg(set, &nested[0], true);
	add_msg(set, &nested[1], true);
	add_msg(set, &nested[2], false);
	series_set_finish(set);
	assert_int_equal(series_set_count(set), 1);
	v3 = series_set_get(set, 0);
	assert_non_null(v3->previous);
	assert_false(v3->previous->in_window);
	assert_string_equal(v3->previous->lead->key, "460c1db61c85");
	assert_string_equal(v3->previous->previous->lead->key, "c7411c0fd722");
	check_read_back(set);
	series_set_free(set);
}

static void test_version_resend(void **state)
{
	struct series_set *set = make_set(hostwide_resend, 2);
	const struct series_info *v5 = find_series(set, "8a0753fa87ae");
	const struct series_info *resend = find_series(set, "f6f6629b2408");

	(void)state;
	/* RESEND is the same version: linked, not counted as a new one */
	assert_true(resend->resend);
	assert_int_equal(resend->version_major, 5);
	assert_ptr_equal(resend->previous, v5);
	assert_int_equal(resend->previous_link, SERIES_LINK_SAME_TITLE);
	assert_null(v5->previous);
	assert_string_equal(resend->title_key, "vaibhav@linux.ibm.com\x1fkvm powerpc/book3s-hv: "
					       "expose hostwide counters as perf-events");
	series_set_free(set);
}

static void test_second_one_of_one(void **state)
{
	struct series_set *set = make_set(mask_size, ARRAY_SIZE(mask_size));
	const struct series_info *a, *b, *c;

	(void)state;
	/* b4 issue 31: a second 1/1 of the same author, minutes later, is
	 * another series (its index 1 is taken), and no version of the first */
	assert_int_equal(series_set_count(set), 3);
	a = find_series(set, "ba1b6f83eda0");
	b = find_series(set, "71643cc4f879");
	c = find_series(set, "6f587ce97ebe");
	assert_null(a->previous);
	assert_null(c->previous);
	assert_ptr_equal(b->previous, a);
	assert_int_equal(a->total, 1);
	assert_int_equal(a->received, 1);
	series_set_free(set);
}

/* The seed window (tests/data/seed-window): a send of "igvm: Supply MADT
 * via IGVM parameter" retried twice, 14 and 18 minutes later; each retry's
 * cover letter got no patch of its own (the retried patches are threaded
 * to the first cover letter).  Times are the fixture's, bodies trimmed. */
#define MADT_COVER "20260127085000.4025-26-osteffen@redhat.com"
/* clang-format off */
static const struct msg madt[] = {
	{"567452329d4a", "20260127084800.4024-25-osteffen@redhat.com", MADT_COVER, "<" MADT_COVER ">",
	 1769503680, "[PATCH v5 1/6] hw/acpi: Make BIOS linker optional",
	 "Oliver Steffen", "osteffen@redhat.com", "", NULL, NULL},
	{"630d57175ae5", MADT_COVER, "", "",
	 1769503800, "[PATCH v5 0/6] igvm: Supply MADT via IGVM parameter",
	 "Oliver Steffen", "osteffen@redhat.com", "", NULL, NULL},
	{"844b7652a00a", "20260127085200.4026-27-osteffen@redhat.com", MADT_COVER, "<" MADT_COVER ">",
	 1769503920, "[PATCH v5 2/6] hw/acpi: Add standalone function to build MADT",
	 "Oliver Steffen", "osteffen@redhat.com", "", NULL, NULL},
	{"3dea9b8211fa", "20260127090200.4031-32-osteffen@redhat.com", MADT_COVER, "<" MADT_COVER ">",
	 1769504520, "[PATCH v5 1/6] hw/acpi: Make BIOS linker optional",
	 "Oliver Steffen", "osteffen@redhat.com", "", NULL, NULL},
	{"5a93c01b07d3", "20260127090400.4032-33-osteffen@redhat.com", "", "",
	 1769504640, "[PATCH v5 0/6] igvm: Supply MADT via IGVM parameter",
	 "Oliver Steffen", "osteffen@redhat.com", "", NULL, NULL},
	{"5c0c31e648e0", "20260127090800.4034-35-osteffen@redhat.com", "", "",
	 1769504880, "[PATCH v5 0/6] igvm: Supply MADT via IGVM parameter",
	 "Oliver Steffen", "osteffen@redhat.com", "", NULL, NULL},
};
/* clang-format on */

static void test_resent_cover(void **state)
{
	struct series_set *set = make_set(madt, ARRAY_SIZE(madt));
	struct msg later[ARRAY_SIZE(madt)];
	const struct series_info *s;
	size_t i, covers = 0, duplicates = 0;

	(void)state;
	/* one series: the retried cover letters are copies of the first */
	assert_int_equal(series_set_count(set), 1);
	s = find_series(set, "630d57175ae5");
	assert_int_equal(s->received, 2);
	assert_int_equal(s->npatches, 6);
	for (i = 0; i < s->npatches; i++) {
		covers += s->patches[i].index == 0;
		duplicates += s->patches[i].duplicate;
	}
	assert_int_equal(covers, 3);
	assert_int_equal(duplicates, 3); /* two covers, one 1/6 */
	assert_null(s->previous);
	series_set_free(set);

	/* the same cover letter two hours later is a series sent again */
	memcpy(later, madt, sizeof(madt));
	later[5].date += 2 * 3600;
	set = make_set(later, ARRAY_SIZE(later));
	assert_int_equal(series_set_count(set), 2);
	s = find_series(set, "5c0c31e648e0");
	assert_int_equal(s->npatches, 1);
	assert_ptr_equal(s->previous, find_series(set, "630d57175ae5"));
	series_set_free(set);

	/* a first cover letter left alone joins the retry that has the patches */
	memcpy(later, madt, sizeof(madt));
	for (i = 0; i < ARRAY_SIZE(later); i++)
		if (later[i].irt[0]) {
			later[i].irt = "20260127090400.4032-33-osteffen@redhat.com";
			later[i].refs = "<20260127090400.4032-33-osteffen@redhat.com>";
		}
	set = make_set(later, ARRAY_SIZE(later));
	assert_int_equal(series_set_count(set), 1);
	s = series_set_get(set, 0);
	assert_string_equal(s->root_id, MADT_COVER);
	assert_int_equal(s->npatches, 6);
	series_set_free(set);
}

/* series_prepare() + series_add_prepared() (the reader threads' way) give
 * what series_add_message() gives; a prepared message never added is freed. */
static void test_prepared(void **state)
{
	struct series_set *set = series_set_new();
	const struct series_info *s;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(madt); i++) {
		struct buf subject = BUF_INIT;
		struct series_message sm;

		subject_clean(madt[i].subject, strlen(madt[i].subject), &subject);
		memset(&sm, 0, sizeof(sm));
		sm.key = ""; /* not known yet where it is prepared */
		sm.message_id = madt[i].mid;
		sm.in_reply_to = madt[i].irt;
		sm.references = madt[i].refs;
		sm.subject = subject.data;
		sm.author_name = sm.sender_name = madt[i].name;
		sm.author_addr = sm.sender_addr = madt[i].addr;
		sm.body = madt[i].body;
		series_add_prepared(set, series_prepare(&sm), madt[i].key, madt[i].date);
		buf_release(&subject);
	}
	/* the same key again is dropped, and freed */
	{
		struct series_message sm = {.key = "", .message_id = "x@y", .in_reply_to = "",
					    .references = "", .subject = "[PATCH] x",
					    .author_name = "", .author_addr = "", .sender_name = "",
					    .sender_addr = "", .body = ""};

		series_add_prepared(set, series_prepare(&sm), madt[0].key, 1);
		series_prepared_free(series_prepare(&sm));
		series_prepared_free(NULL);
	}
	series_set_finish(set);
	assert_int_equal(series_set_count(set), 1);
	s = find_series(set, "630d57175ae5");
	assert_int_equal(s->received, 2);
	assert_int_equal(s->npatches, 6);
	assert_int_equal(s->lead->date, 1769503800);
	series_set_free(set);
}

/* Not in corpus (kvm-ppc has no b4 cover letters): b4's change-id links
 * versions whose titles differ. */
static void test_change_id(void **state)
{
	static const struct msg msgs[] = {
	    {"k1", "20240101-foo-v1-0-abc@example.org", "", "", 1704067200,
	     "[PATCH 0/2] foo: first try", "A Developer", "dev@example.org",
	     "Cover.\n\n---\nA Developer (2):\n\n---\nbase-commit: 0123456789abcdef\n"
	     "change-id: 20240101-foo-abc123\n\nBest regards,\n-- \nA Developer "
	     "<dev@example.org>\n",
	     NULL, NULL},
	    {"k2", "20240201-foo-v2-0-def@example.org", "", "", 1706745600,
	     "[PATCH v2 0/2] foo: a better title", "A Developer", "dev@example.org",
	     "Cover.\n\n---\nChanges in v2:\n- retitled\n\n---\nbase-commit: 0123456789abcdef\n"
	     "change-id: 20240101-foo-abc123\n\nBest regards,\n",
	     NULL, NULL},
	};
	struct series_set *set = make_set(msgs, 2);
	const struct series_info *v2 = find_series(set, "k2");

	(void)state;
	assert_string_equal(v2->change_id, "20240101-foo-abc123");
	assert_ptr_equal(v2->previous, find_series(set, "k1"));
	assert_int_equal(v2->previous_link, SERIES_LINK_CHANGE_ID);
	series_set_free(set);
}

/* ------------------------------------------------------------------ */
/* A series split over two windows, and replies per patch: "[PATCH 0/6] kvm
 * powerpc/book3s-hv: Expose Hostwide counters as perf-events" (corpus
 * #5869-#5881). */

#define HOSTWIDE_MID(n) "20241222140247.174998-" #n "-vaibhav@linux.ibm.com"
#define HOSTWIDE_COVER	"<" HOSTWIDE_MID(1) ">"

/* clang-format off */
static const struct msg hostwide[] = {
	/* e344e499700e (corpus #5869) */
	{"e344e499700e", HOSTWIDE_MID(1), "", "", 1734876148,
	 "[PATCH 0/6] kvm powerpc/book3s-hv: Expose Hostwide counters as perf-events",
	 "Vaibhav Jain", "vaibhav@linux.ibm.com", "", NULL, NULL},
	/* 6621250d608d (corpus #5870) */
	{"6621250d608d", HOSTWIDE_MID(2), HOSTWIDE_MID(1), HOSTWIDE_COVER, 1734876149,
	 "[PATCH 1/6] [DOC] powerpc: Document APIv2 KVM hcall spec for Hostwide counters",
	 "Vaibhav Jain", "vaibhav@linux.ibm.com", "", NULL, NULL},
	/* aef29a4cbae3 (corpus #5871) */
	{"aef29a4cbae3", HOSTWIDE_MID(3), HOSTWIDE_MID(1), HOSTWIDE_COVER, 1734876150,
	 "[PATCH 2/6] kvm powerpc/book3s-apiv2: Add support for Hostwide GSB elements",
	 "Vaibhav Jain", "vaibhav@linux.ibm.com", "", NULL, NULL},
	/* 7b6a7ef286a8 (corpus #5872) */
	{"7b6a7ef286a8", HOSTWIDE_MID(4), HOSTWIDE_MID(1), HOSTWIDE_COVER, 1734876151,
	 "[PATCH 3/6] kvm powerpc/book3s-apiv2: Add kunit tests for Hostwide GSB elements",
	 "Vaibhav Jain", "vaibhav@linux.ibm.com", "", NULL, NULL},
	/* 40cf176e09c9 (corpus #5873) */
	{"40cf176e09c9", HOSTWIDE_MID(5), HOSTWIDE_MID(1), HOSTWIDE_COVER, 1734876152,
	 "[PATCH 4/6] kvm powerpc/book3s-apiv2: Introduce kvm-hv specific PMU",
	 "Vaibhav Jain", "vaibhav@linux.ibm.com", "", NULL, NULL},
	/* 708be21d6d27 (corpus #5874) */
	{"708be21d6d27", HOSTWIDE_MID(6), HOSTWIDE_MID(1), HOSTWIDE_COVER, 1734876153,
	 "[PATCH 5/6] powerpc/book3s-hv-pmu: Implement GSB message-ops for hostwide counters",
	 "Vaibhav Jain", "vaibhav@linux.ibm.com", "", NULL, NULL},
	/* 6c42ba2a4b5e (corpus #5875) */
	{"6c42ba2a4b5e", HOSTWIDE_MID(7), HOSTWIDE_MID(1), HOSTWIDE_COVER, 1734876154,
	 "[PATCH 6/6] kvm powerpc/book3s-hv-pmu: Add perf-events for Hostwide counters",
	 "Vaibhav Jain", "vaibhav@linux.ibm.com", "", NULL, NULL},
	/* b6dd00fe1133 (corpus #5876) */
	{"b6dd00fe1133", "fimq6f367gj3ypuke2slogz4i3zt4jfst4kwnrlzps3xinkoh5@arkajtap562s",
	 HOSTWIDE_MID(2), HOSTWIDE_COVER " <" HOSTWIDE_MID(2) ">", 1735542222,
	 "Re: [PATCH 1/6] [DOC] powerpc: Document APIv2 KVM hcall spec for Hostwide counters",
	 "Gautam Menghani", "gautam@linux.ibm.com", "", NULL, NULL},
	/* a7226fdf2371 (corpus #5877) */
	{"a7226fdf2371", "kazedttv45jj2yk227ybz4ngv6cpk7bujcfo47xvzrpn3an3i4@phv7hew4hfy6",
	 HOSTWIDE_MID(6), HOSTWIDE_COVER " <" HOSTWIDE_MID(6) ">", 1735543914,
	 "Re: [PATCH 5/6] powerpc/book3s-hv-pmu: Implement GSB message-ops for hostwide counters",
	 "Gautam Menghani", "gautam@linux.ibm.com", "", NULL, NULL},
	/* 5d267dd0eb8b (corpus #5878) */
	{"5d267dd0eb8b", "a527m2zupgqrxd4ba4lz2xwregcaamnbffj67ixwz7u6j4yxzr@z3wcmd5rfzhb",
	 HOSTWIDE_MID(5), HOSTWIDE_COVER " <" HOSTWIDE_MID(5) ">", 1735550902,
	 "Re: [PATCH 4/6] kvm powerpc/book3s-apiv2: Introduce kvm-hv specific PMU",
	 "Gautam Menghani", "gautam@linux.ibm.com", "", NULL, NULL},
	/* f3e9b8766174 (corpus #5879): the author answers the review of 1/6 */
	{"f3e9b8766174", "87r05g1a2c.fsf@vajain21.in.ibm.com",
	 "fimq6f367gj3ypuke2slogz4i3zt4jfst4kwnrlzps3xinkoh5@arkajtap562s",
	 HOSTWIDE_COVER " <" HOSTWIDE_MID(2) "> <fimq6f367gj3ypuke2slogz4i3zt4jfst4kwnrlzps3xinkoh5@arkajtap562s>",
	 1736161227,
	 "Re: [PATCH 1/6] [DOC] powerpc: Document APIv2 KVM hcall spec for Hostwide counters",
	 "Vaibhav Jain", "vaibhav@linux.ibm.com", "", NULL, NULL},
	/* 65829e9e51e9 (corpus #5880) */
	{"65829e9e51e9", "87o70k1a17.fsf@vajain21.in.ibm.com",
	 "a527m2zupgqrxd4ba4lz2xwregcaamnbffj67ixwz7u6j4yxzr@z3wcmd5rfzhb",
	 HOSTWIDE_COVER " <" HOSTWIDE_MID(5) "> <a527m2zupgqrxd4ba4lz2xwregcaamnbffj67ixwz7u6j4yxzr@z3wcmd5rfzhb>",
	 1736161268, "Re: [PATCH 4/6] kvm powerpc/book3s-apiv2: Introduce kvm-hv specific PMU",
	 "Vaibhav Jain", "vaibhav@linux.ibm.com", "", NULL, NULL},
	/* 570657329573 (corpus #5881) */
	{"570657329573", "87ldvo18ym.fsf@vajain21.in.ibm.com",
	 "kazedttv45jj2yk227ybz4ngv6cpk7bujcfo47xvzrpn3an3i4@phv7hew4hfy6",
	 HOSTWIDE_COVER " <" HOSTWIDE_MID(6) "> <kazedttv45jj2yk227ybz4ngv6cpk7bujcfo47xvzrpn3an3i4@phv7hew4hfy6>",
	 1736162657,
	 "Re: [PATCH 5/6] powerpc/book3s-hv-pmu: Implement GSB message-ops for hostwide counters",
	 "Vaibhav Jain", "vaibhav@linux.ibm.com", "", NULL, NULL},
};
/* clang-format on */

static void test_split_series(void **state)
{
	struct series_set *set = series_set_new();
	const struct series_info *s;
	char *c;
	size_t i;
	bool cover_unknown = false;

	(void)state;
	/* window 2 alone: patches 4-6 of a cover letter it does not hold */
	for (i = 4; i <= 6; i++)
		add_msg(set, &hostwide[i], false);
	series_set_finish(set);
	assert_int_equal(series_set_count(set), 1);
	s = series_set_get(set, 0);
	assert_null(s->cover);
	assert_string_equal(s->lead->key, "40cf176e09c9");
	assert_string_equal(s->root_id, HOSTWIDE_MID(1)); /* the cover's id: stable */
	c = completeness(s);
	assert_string_equal(c, "3/6 received, missing 1-3");
	free(c);
	for (i = 0; i < series_set_unknown_count(set); i++)
		if (!strcmp(series_set_unknown_id(set, i), HOSTWIDE_MID(1)))
			cover_unknown = true;
	assert_true(cover_unknown);
	assert_int_equal(series_set_unknown_count(set), 1);

	/* the state remembers window 1: the cover letter and patches 1-3 */
	for (i = 0; i <= 3; i++)
		add_msg(set, &hostwide[i], true);
	series_set_finish(set);
	assert_int_equal(series_set_count(set), 1);
	s = series_set_get(set, 0);
	assert_non_null(s->cover);
	assert_true(s->cover->earlier);
	assert_ptr_equal(s->lead, s->cover);
	assert_string_equal(s->title,
			    "kvm powerpc/book3s-hv: Expose Hostwide counters as perf-events");
	assert_string_equal(s->root_id, HOSTWIDE_MID(1)); /* the same as before */
	assert_int_equal(s->npatches, 7);
	assert_false(patch_with_key(s, "40cf176e09c9")->earlier);
	assert_true(patch_with_key(s, "6621250d608d")->earlier);
	c = completeness(s);
	assert_string_equal(c, "6/6 received");
	free(c);
	assert_int_equal(series_set_unknown_count(set), 0);

	/* the window's own copy of a message the state also gave wins */
	add_msg(set, &hostwide[3], false);
	series_set_finish(set);
	s = series_set_get(set, 0);
	assert_int_equal(s->npatches, 7);
	assert_false(patch_with_key(s, "7b6a7ef286a8")->earlier);
	check_read_back(set);
	series_set_free(set);
}

static void test_replies_per_patch(void **state)
{
	struct series_set *set = make_set(hostwide, ARRAY_SIZE(hostwide));
	const struct series_info *s;

	(void)state;
	assert_int_equal(series_set_count(set), 1);
	s = series_set_get(set, 0);
	assert_int_equal(s->replies, 6);
	assert_int_equal(s->cover->replies, 0);
	/* a reply to a reply counts for the patch the thread is about */
	assert_int_equal(patch_with_key(s, "6621250d608d")->replies, 2); /* 1/6 */
	assert_int_equal(patch_with_key(s, "40cf176e09c9")->replies, 2); /* 4/6 */
	assert_int_equal(patch_with_key(s, "708be21d6d27")->replies, 2); /* 5/6 */
	assert_int_equal(patch_with_key(s, "6c42ba2a4b5e")->replies, 0); /* 6/6 */
	series_set_free(set);

	/* derived: the replies arrive before the patches they answer */
	set = series_set_new();
	for (size_t i = ARRAY_SIZE(hostwide); i-- > 0;)
		add_msg(set, &hostwide[i], false);
	series_set_finish(set);
	s = series_set_get(set, 0);
	assert_int_equal(s->replies, 6);
	assert_int_equal(patch_with_key(s, "6621250d608d")->replies, 2);
	series_set_free(set);
}

/* ------------------------------------------------------------------ */
/* Unthreaded patches: "[PATCH v2 0/3] KVM: PPC: Book3S HV:
 * kvmhv_copy_tofrom_guest_radix changes" (corpus #4479-#4482), derived:
 * In-Reply-To and References removed, as if sent without threading. */

/* clang-format off */
static const struct msg copy_tofrom[] = {
	/* f4e2ee06cdb8 (corpus #4479) */
	{"f4e2ee06cdb8", "20210805212616.2641017-1-farosas@linux.ibm.com", "", "", 1628198773,
	 "[PATCH v2 0/3] KVM: PPC: Book3S HV: kvmhv_copy_tofrom_guest_radix changes",
	 "Fabiano Rosas", "farosas@linux.ibm.com", "", NULL, NULL},
	/* 5a78ebf382b6 (corpus #4480) */
	{"5a78ebf382b6", "20210805212616.2641017-2-farosas@linux.ibm.com",
	 "20210805212616.2641017-1-farosas@linux.ibm.com",
	 "<20210805212616.2641017-1-farosas@linux.ibm.com>", 1628198774,
	 "[PATCH v2 1/3] KVM: PPC: Book3S HV: Fix copy_tofrom_guest routines",
	 "Fabiano Rosas", "farosas@linux.ibm.com", "", NULL, NULL},
	/* f2e52a52db08 (corpus #4481) */
	{"f2e52a52db08", "20210805212616.2641017-3-farosas@linux.ibm.com",
	 "20210805212616.2641017-1-farosas@linux.ibm.com",
	 "<20210805212616.2641017-1-farosas@linux.ibm.com>", 1628198775,
	 "[PATCH v2 2/3] KVM: PPC: Book3S HV: Add sanity check to copy_tofrom_guest",
	 "Fabiano Rosas", "farosas@linux.ibm.com", "", NULL, NULL},
	/* 285be56d34e5 (corpus #4482) */
	{"285be56d34e5", "20210805212616.2641017-4-farosas@linux.ibm.com",
	 "20210805212616.2641017-1-farosas@linux.ibm.com",
	 "<20210805212616.2641017-1-farosas@linux.ibm.com>", 1628198776,
	 "[PATCH v2 3/3] KVM: PPC: Book3S HV: Stop exporting symbols from book3s_64_mmu_radix",
	 "Fabiano Rosas", "farosas@linux.ibm.com", "", NULL, NULL},
	/* 137e13eb6e32 (corpus #4629): Michael Ellerman's notice on the cover */
	{"137e13eb6e32", "163007015492.52768.12349053667840423308.b4-ty@ellerman.id.au",
	 "20210805212616.2641017-1-farosas@linux.ibm.com",
	 "<20210805212616.2641017-1-farosas@linux.ibm.com>", 1630070154,
	 "Re: [PATCH v2 0/3] KVM: PPC: Book3S HV: kvmhv_copy_tofrom_guest_radix changes",
	 "Michael Ellerman", "patch-notifications@ellerman.id.au",
	 "On Thu, 5 Aug 2021 18:26:13 -0300, Fabiano Rosas wrote:\n"
	 "> This series contains the fix for __kvmhv_copy_tofrom_guest_radix plus\n"
	 "> [...]\n"
	 "\n"
	 "Applied to powerpc/next.\n"
	 "\n"
	 "[1/3] KVM: PPC: Book3S HV: Fix copy_tofrom_guest routines\n"
	 "      https://git.kernel.org/powerpc/c/5d7d6dac8fe99ed59eee2300e4a03370f94d5222\n"
	 "[2/3] KVM: PPC: Book3S HV: Add sanity check to copy_tofrom_guest\n"
	 "      https://git.kernel.org/powerpc/c/c232461c0c3b0aca637f0d7658a7f5d0bb393a4e\n"
	 "[3/3] KVM: PPC: Book3S HV: Stop exporting symbols from book3s_64_mmu_radix\n"
	 "      https://git.kernel.org/powerpc/c/0eb596f1e6103ebe122792a425b88c5dc21c4087\n"
	 "\n"
	 "cheers\n", NULL, NULL},
};
/* clang-format on */

struct time_vector {
	const char *why;
	int64_t shift[4]; /* seconds added to each message's date */
	size_t nseries;
};

static const struct time_vector time_vectors[] = {
    {"sent within seconds: one series", {0, 0, 0, 0}, 1},
    {"patch 3 sent 29 minutes after patch 2: still one", {0, 0, 0, 29 * 60}, 1},
    {"patch 3 sent 31 minutes after the others: a series of its own", {0, 0, 0, 31 * 60}, 2},
    {"the cover letter an hour late: the patches stay together", {3600, 0, 0, 0}, 2},
};

static void test_unthreaded(void **state)
{
	size_t v, i;

	(void)state;
	for (v = 0; v < ARRAY_SIZE(time_vectors); v++) {
		struct series_set *set = series_set_new();

		for (i = 0; i < 4; i++) {
			struct msg m = copy_tofrom[i];

			m.irt = m.refs = "";
			m.date += time_vectors[v].shift[i];
			add_msg(set, &m, false);
		}
		series_set_finish(set);
		if (series_set_count(set) != time_vectors[v].nseries)
			fail_msg("%s: %zu series", time_vectors[v].why, series_set_count(set));
		series_set_free(set);
	}
}

/*
 * A long unthreaded series sent twice (rule 4): 300 patches join one
 * series, more indexes than one page of group_by_time's pairs holds around
 * the group (the rest go elsewhere in the table); each of the second
 * sending's holds an index the first has, so they are a series of their
 * own.
 */
static void test_unthreaded_long(void **state)
{
	struct series_set *set = series_set_new();
	const struct series_info *s;
	char key[32], mid[64], subject[64];
	size_t i, duplicates = 0;

	(void)state;
	for (i = 0; i < 599; i++) {
		unsigned index = (unsigned)(i < 300 ? i + 1 : i - 298);
		struct msg m = {
		    key, mid,  "",  "", 1600000000 + (int64_t)i, subject, "A", "a@example.org",
		    "",	 NULL, NULL};

		snprintf(key, sizeof(key), "long%zu", i);
		snprintf(mid, sizeof(mid), "long%zu@example.org", i);
		snprintf(subject, sizeof(subject), "[PATCH %u/300] part %u", index, index);
		add_msg(set, &m, false);
	}
	series_set_finish(set);
	assert_int_equal(series_set_count(set), 2);
	s = series_set_get(set, 0);
	assert_int_equal(s->npatches, 300);
	assert_int_equal(s->received, 300);
	assert_string_equal(s->missing, "");
	s = series_set_get(set, 1);
	assert_int_equal(s->npatches, 299);
	assert_int_equal(s->received, 299);
	assert_string_equal(s->missing, "1");
	for (i = 0; i < s->npatches; i++)
		duplicates += s->patches[i].duplicate;
	assert_int_equal(duplicates, 0);
	series_set_free(set);
}

/* ------------------------------------------------------------------ */
/* Applied entries and the classic text format. */

static char *applied_text(const struct series_set *set)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < series_set_applied_count(set); i++)
		series_append_applied(&b, series_set_applied(set, i));
	return buf_detach(&b, NULL);
}

static void test_applied_list(void **state)
{
	struct series_set *set = make_set(copy_tofrom, ARRAY_SIZE(copy_tofrom));
	const struct series_info *s = series_set_get(set, 0);
	const struct series_applied *a;
	char *text;

	(void)state;
	/* one entry per listed patch, named by the patch's own subject */
	assert_int_equal(series_set_applied_count(set), 3);
	a = series_set_applied(set, 1);
	assert_int_equal(a->kind, SERIES_APPLIED_LIST);
	assert_string_equal(
	    a->subject,
	    "[PATCH v2 2/3] KVM: PPC: Book3S HV: Add sanity check to copy_tofrom_guest");
	assert_string_equal(a->series_root, s->root_id);
	assert_string_equal(a->patch_key, "f2e52a52db08");
	assert_int_equal(a->patch_index, 2);
	/* the series hands out the same notice, read back with it */
	assert_int_equal(s->napplied, 3);
	assert_string_equal(s->applied[1].subject, a->subject);
	assert_string_equal(s->applied[1].patch_key, "f2e52a52db08");
	assert_int_equal(patch_with_key(s, s->applied[1].patch_key)->index, 2);
	assert_string_equal(
	    a->commit, "https://git.kernel.org/powerpc/c/c232461c0c3b0aca637f0d7658a7f5d0bb393a4e");
	assert_string_equal(a->notice_key, "137e13eb6e32");
	assert_string_equal(a->target_key, "f4e2ee06cdb8");
	assert_int_equal(s->napplied, 3);
	assert_int_equal(s->replies, 1);
	text = applied_text(set);
	assert_string_equal(
	    text,
	    "[PATCH v2 1/3] KVM: PPC: Book3S HV: Fix copy_tofrom_guest routines\n"
	    "    applied by Michael Ellerman <patch-notifications@ellerman.id.au> to powerpc/next\n"
	    "[PATCH v2 2/3] KVM: PPC: Book3S HV: Add sanity check to copy_tofrom_guest\n"
	    "    applied by Michael Ellerman <patch-notifications@ellerman.id.au> to powerpc/next\n"
	    "[PATCH v2 3/3] KVM: PPC: Book3S HV: Stop exporting symbols from book3s_64_mmu_radix\n"
	    "    applied by Michael Ellerman <patch-notifications@ellerman.id.au> to "
	    "powerpc/next\n");
	free(text);
	check_read_back(set);
	series_set_free(set);
}

/* clang-format off */
static const struct msg notices_alone[] = {
	/* 0273dd58fc10 (corpus #2526): the series is not in the set; the
	 * entries are named from the notice's subject and its lines */
	{"0273dd58fc10", "159559696901.1657499.15799900734438878764.b4-ty@ellerman.id.au",
	 "20200703011958.1166620-1-npiggin@gmail.com",
	 "<20200703011958.1166620-1-npiggin@gmail.com>", 1595597111,
	 "Re: [PATCH v2 0/3] remove PROT_SAO support and disable",
	 "Michael Ellerman", "patch-notifications@ellerman.id.au",
	 "Applied to powerpc/next.\n"
	 "\n"
	 "[1/3] powerpc: Remove stale calc_vm_prot_bits() comment\n"
	 "      https://git.kernel.org/powerpc/c/f4ac1774f2cba44994ce9ac0a65772e4656ac2df\n"
	 "[2/3] powerpc/64s: Remove PROT_SAO support\n"
	 "      https://git.kernel.org/powerpc/c/5c9fa16e8abd342ce04dc830c1ebb2a03abf6c05\n", NULL, NULL},
	/* e2f9fbd46d21 (corpus #2621) and Paul Mackerras' "Thanks, applied."
	 * 2c734aae5502 (corpus #2661) */
	{"e2f9fbd46d21", "159982162511.459323.13495475646618845164.stgit@bahia.lan", "", "",
	 1599821625, "[PATCH] KVM: PPC: Don't return -ENOTSUPP to userspace in ioctls",
	 "Greg Kurz", "groug@kaod.org", "", NULL, NULL},
	{"2c734aae5502", "20200923001020.GF531519@thinks.paulus.ozlabs.org",
	 "159982162511.459323.13495475646618845164.stgit@bahia.lan",
	 "<159982162511.459323.13495475646618845164.stgit@bahia.lan>", 1600819820,
	 "Re: [PATCH] KVM: PPC: Don't return -ENOTSUPP to userspace in ioctls",
	 "Paul Mackerras", "paulus@ozlabs.org",
	 "> Signed-off-by: Greg Kurz <groug@kaod.org>\n\nThanks, applied.\n\nPaul.\n", NULL, NULL},
	/* e694786d66d9 (corpus #2080): a pull request, and Paolo Bonzini's
	 * "Pulled, thanks." 2ef25b6c566f (corpus #2095) */
	{"e694786d66d9", "20200601235357.GB428673@thinks.paulus.ozlabs.org", "", "", 1591055637,
	 "[GIT PULL] Please pull my kvm-ppc-next-5.8-1 tag", "Paul Mackerras", "paulus@ozlabs.org",
	 "are available in the git repository at:\n"
	 "\n"
	 "  git://git.kernel.org/pub/scm/linux/kernel/git/paulus/powerpc tags/kvm-ppc-next-5.8-1\n",
	 NULL, NULL},
	{"2ef25b6c566f", "87d0e310-8714-0104-90ef-d4f82920f502@redhat.com",
	 "20200601235357.GB428673@thinks.paulus.ozlabs.org",
	 "<20200601235357.GB428673@thinks.paulus.ozlabs.org>", 1591297086,
	 "Re: [GIT PULL] Please pull my kvm-ppc-next-5.8-1 tag", "Paolo Bonzini", "pbonzini@redhat.com",
	 ">  22 files changed, 276 insertions(+), 237 deletions(-)\n> \n\nPulled, thanks.\n\nPaolo\n",
	 NULL, NULL},
	/* derived: 2ef25b6c566f delivered a second time (another key): kept once */
	{"2ef25b6c566f-again", "87d0e310-8714-0104-90ef-d4f82920f502@redhat.com",
	 "20200601235357.GB428673@thinks.paulus.ozlabs.org",
	 "<20200601235357.GB428673@thinks.paulus.ozlabs.org>", 1591297086,
	 "Re: [GIT PULL] Please pull my kvm-ppc-next-5.8-1 tag", "Paolo Bonzini", "pbonzini@redhat.com",
	 ">  22 files changed, 276 insertions(+), 237 deletions(-)\n> \n\nPulled, thanks.\n\nPaolo\n",
	 NULL, NULL},
	/* not in corpus: the SPEC's example, the patchwork bot on a patch the set
	 * does not hold */
	{"pw", "171803000000.1111.1111111111111111111.git-patchwork-notify@kernel.org",
	 "1718000000-1234-1-git-send-email-shradhagupta@linux.microsoft.com",
	 "<1718000000-1234-1-git-send-email-shradhagupta@linux.microsoft.com>", 1718030000,
	 "Re: [PATCH net-next v5] net: mana: Add Interrupt Moderation support",
	 "", "patchwork-bot+netdevbpf@kernel.org",
	 "Hello:\n"
	 "\n"
	 "This patch was applied to netdev/net-next.git (main)\n"
	 "by Paolo Abeni <pabeni@redhat.com>:\n"
	 "\n"
	 "On Mon, 10 Jun 2024 07:53:45 -0700 you wrote:\n"
	 "> Add ethtool support for interrupt moderation.\n"
	 "\n"
	 "Here is the summary with links:\n"
	 "  - [net-next,v5] net: mana: Add Interrupt Moderation support\n"
	 "    https://git.kernel.org/netdev/net-next/c/c0c28a6d4d4e\n"
	 "\n"
	 "You are awesome, thank you!\n", NULL, NULL},
};
/* clang-format on */

static void test_applied_entries(void **state)
{
	struct series_set *set = make_set(notices_alone, ARRAY_SIZE(notices_alone));
	const struct series_applied *a;
	char *text;

	(void)state;
	text = applied_text(set);
	assert_string_equal(
	    text,
	    "[PATCH v2 1/3] powerpc: Remove stale calc_vm_prot_bits() comment\n"
	    "    applied by Michael Ellerman <patch-notifications@ellerman.id.au> to powerpc/next\n"
	    "[PATCH v2 2/3] powerpc/64s: Remove PROT_SAO support\n"
	    "    applied by Michael Ellerman <patch-notifications@ellerman.id.au> to powerpc/next\n"
	    "[PATCH] KVM: PPC: Don't return -ENOTSUPP to userspace in ioctls\n"
	    "    applied by Paul Mackerras <paulus@ozlabs.org>\n"
	    "[GIT PULL] Please pull my kvm-ppc-next-5.8-1 tag\n"
	    "    pull request by Paul Mackerras <paulus@ozlabs.org> from "
	    "git://git.kernel.org/pub/scm/linux/kernel/git/paulus/powerpc tags/kvm-ppc-next-5.8-1\n"
	    "[GIT PULL] Please pull my kvm-ppc-next-5.8-1 tag\n"
	    "    applied by Paolo Bonzini <pbonzini@redhat.com>\n"
	    "[PATCH net-next v5] net: mana: Add Interrupt Moderation support\n"
	    "    applied by Paolo Abeni <pabeni@redhat.com> to netdev/net-next.git (main)\n");
	free(text);
	/* the notice on a single patch the set holds: the whole series */
	a = series_set_applied(set, 2);
	assert_string_not_equal(a->series_root, "");
	assert_string_equal(a->patch_key, "");
	assert_string_equal(a->target_key, "e2f9fbd46d21");
	assert_int_equal(series_set_get(set, series_set_find_key(set, "e2f9fbd46d21"))->napplied,
			 1);
	/* notices whose patch the set does not hold */
	assert_string_equal(series_set_applied(set, 0)->series_root, "");
	assert_string_equal(series_set_applied(set, 0)->target_key, "");
	assert_int_equal(series_set_applied(set, 3)->kind, SERIES_APPLIED_PULL_REQUEST);
	assert_string_equal(series_set_applied(set, 4)->verb, "pulled");
	assert_string_equal(series_set_applied(set, 4)->target_key, "e694786d66d9");
	assert_int_equal(series_set_applied(set, 5)->kind, SERIES_APPLIED_PATCHWORK);
	assert_string_equal(series_set_applied(set, 5)->commit,
			    "https://git.kernel.org/netdev/net-next/c/c0c28a6d4d4e");
	check_read_back(set);
	series_set_free(set);
}

/* "patches 3, 4 applied by ..." when a notice names only some. */
static void test_applied_partial(void **state)
{
	static const struct msg msgs[] = {
	    /* adfb5cd11691 (corpus #2042); the patch it answers is not in the set */
	    {"adfb5cd11691", "20200527042055.GG293451@thinks.paulus.ozlabs.org",
	     "20200427043514.16144-4-tianjia.zhang@linux.alibaba.com",
	     "<20200427043514.16144-1-tianjia.zhang@linux.alibaba.com> "
	     "<20200427043514.16144-4-tianjia.zhang@linux.alibaba.com>",
	     1590553255, "Re: [PATCH v4 3/7] KVM: PPC: Remove redundant kvm_run from vcpu_arch",
	     "Paul Mackerras", "paulus@ozlabs.org",
	     "Thanks, patches 3 and 4 of this series applied to my kvm-ppc-next branch.\n", NULL,
	     NULL},
	};
	struct series_set *set = make_set(msgs, 1);
	char *text = applied_text(set);

	(void)state;
	assert_string_equal(
	    text,
	    "[PATCH v4 3/7] KVM: PPC: Remove redundant kvm_run from vcpu_arch\n"
	    "    patches 3, 4 applied by Paul Mackerras <paulus@ozlabs.org> to kvm-ppc-next\n");
	free(text);
	check_read_back(set);
	series_set_free(set);
}

/* ------------------------------------------------------------------ */
/* Formatting. */

struct ranges_vector {
	const char *why;
	unsigned idx[12];
	size_t n;
	const char *want;
};

static const struct ranges_vector ranges_vectors[] = {
    {"none", {0}, 0, ""},
    {"one", {7}, 1, "7"},
    {"the issue's example", {2, 5, 6, 7, 20, 21, 22, 23, 24, 25, 26, 27}, 12, "2, 5-7, 20-27"},
    {"two in a row are a range", {3, 4}, 2, "3-4"},
    {"separate", {1, 3, 5}, 3, "1, 3, 5"},
};

static void test_ranges(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(ranges_vectors); i++) {
		struct buf b = BUF_INIT;

		series_append_ranges(&b, ranges_vectors[i].idx, ranges_vectors[i].n);
		if (strcmp(b.data, ranges_vectors[i].want))
			fail_msg("%s: '%s'", ranges_vectors[i].why, b.data);
		buf_release(&b);
	}
}

/* "19/33 received, missing 20-33": patches 1-19 of a 33-patch series
 * ("[PATCH v7 00/32]"-like, not in corpus at this size in one window). */
static void test_completeness(void **state)
{
	struct series_set *set = series_set_new();
	const struct series_info *s;
	char subject[128], mid[64], irt[64], key[16];
	char *c;
	unsigned i;

	(void)state;
	for (i = 0; i <= 19; i++) {
		struct msg m = {
		    key,     mid,	    i ? irt : "",      i ? irt : "", 1700000000 + i,
		    subject, "A Developer", "dev@example.org", "",	     NULL,
		    NULL};

		snprintf(key, sizeof(key), "k%u", i);
		snprintf(mid, sizeof(mid), "big-%u@example.org", i);
		snprintf(irt, sizeof(irt), "big-0@example.org");
		snprintf(subject, sizeof(subject), "[PATCH %02u/33] big: part %u", i, i);
		add_msg(set, &m, false);
	}
	series_set_finish(set);
	assert_int_equal(series_set_count(set), 1);
	s = series_set_get(set, 0);
	assert_int_equal(s->received, 19);
	c = completeness(s);
	assert_string_equal(c, "19/33 received, missing 20-33");
	free(c);
	series_set_free(set);
}

/* ------------------------------------------------------------------ */
/* References and links (msgid.c). */

struct refs_vector {
	const char *why;
	const char *value;
	const char *want; /* ids joined by '|' */
};

/* clang-format off */
static const struct refs_vector refs_vectors[] = {
	{"b6dd00fe1133: two ids", "<20241222140247.174998-1-vaibhav@linux.ibm.com> <20241222140247.174998-2-vaibhav@linux.ibm.com>",
	 "20241222140247.174998-1-vaibhav@linux.ibm.com|20241222140247.174998-2-vaibhav@linux.ibm.com"},
	{"folded over lines", "<a@b>\r\n\t<c@d>\n <e@f>", "a@b|c@d|e@f"},
	{"comma separated", "<a@b>,<c@d>, <e@f>", "a@b|c@d|e@f"},
	{"garbage and comments between", "junk (comment <x>) <a@b> \"quoted\" <c@d> trailing", "x|a@b|c@d"},
	{"an id holding a space is no id", "<a b@c> <d@e>", "d@e"},
	{"'<' inside an id restarts", "<a<b@c> <d@e>", "b@c|d@e"},
	{"an unclosed bracket", "<a@b> <c@d", "a@b"},
	{"empty brackets", "<> <a@b>", "a@b"},
	{"no brackets at all: words with an '@'", "a@b, c@d garbage", "a@b|c@d"},
	{"empty", "", ""},
};
/* clang-format on */

static void test_references(void **state)
{
	size_t i, k;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(refs_vectors); i++) {
		const struct refs_vector *v = &refs_vectors[i];
		size_t len = strlen(v->value), n;
		char *copy = malloc(len ? len : 1);
		struct msgid_span spans[16];
		struct buf got = BUF_INIT;

		memcpy(copy, v->value, len);
		n = msgid_parse_list(copy, len, spans, 16);
		for (k = 0; k < n; k++) {
			if (k)
				buf_addch(&got, '|');
			buf_add(&got, copy + spans[k].off, spans[k].len);
		}
		if (strcmp(got.data, v->want))
			fail_msg("%s: '%s'", v->why, got.data);
		buf_release(&got);
		free(copy);
	}
}

struct links_vector {
	const char *why;
	const char *body;
	const char *want; /* "id:strong" joined by '|' */
};

/* clang-format off */
static const struct links_vector links_vectors[] = {
	{"460c1db61c85: '- v1: <lore link>/' is a strong link",
	 "  - v1: https://lore.kernel.org/linuxppc-dev/20230508072332.2937883-1-jpn@linux.vnet.ibm.com/\n",
	 "20230508072332.2937883-1-jpn@linux.vnet.ibm.com:1"},
	{"lore /r/, /all/ and lkml /r/ forms; a plain mention is weak",
	 "See https://lore.kernel.org/r/a@b.c and https://lore.kernel.org/all/d@e.f/T/#u\n"
	 "Also https://lkml.kernel.org/r/g@h.i.\n",
	 "a@b.c:0|d@e.f:0|g@h.i:0"},
	{"msgid.link and patch.msgid.link, %40 decoded",
	 "Link to v1: https://msgid.link/x%40y.z\nv2: https://patch.msgid.link/u@v.w\n",
	 "x@y.z:1|u@v.w:1"},
	{"'v1: <id>' without a link", "v1: <20240101.1234-1-a@b.c>\n", "20240101.1234-1-a@b.c:1"},
	{"an address in angle brackets on another line is no link", "Cc: A <a@b.c>\n", ""},
	{"quoted links are not the writer's", "> v1: https://lore.kernel.org/r/q@q.q\n", ""},
	{"a lore link without an id", "https://lore.kernel.org/kvm/ and https://lore.kernel.org/\n", ""},
	{"%00 in an id is no id", "v1: https://lore.kernel.org/r/a%00b@c\n", ""},
	{"duplicates kept once, strong wins",
	 "https://lore.kernel.org/r/a@b\nv1: https://lore.kernel.org/r/a@b\n", "a@b:1"},
};
/* clang-format on */

static void test_links(void **state)
{
	size_t i, k;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(links_vectors); i++) {
		const struct links_vector *v = &links_vectors[i];
		size_t len = strlen(v->body), n;
		char *copy = malloc(len);
		struct msgid_link links[MSGID_MAX_LINKS];
		struct buf got = BUF_INIT;

		memcpy(copy, v->body, len);
		n = msgid_find_links(copy, len, links, MSGID_MAX_LINKS);
		for (k = 0; k < n; k++) {
			if (k)
				buf_addch(&got, '|');
			buf_addf(&got, "%s:%d", links[k].id, links[k].strong);
			free(links[k].id);
		}
		if (strcmp(got.data, v->want))
			fail_msg("%s: '%s'", v->why, got.data);
		buf_release(&got);
		free(copy);
	}
}

static void test_change_id_lines(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	assert_true(msgid_find_change_id("x\nchange-id: 20240101-foo-abc123\n", 33, &b));
	assert_string_equal(b.data, "20240101-foo-abc123");
	buf_reset(&b);
	assert_true(msgid_find_change_id("Change-Id: I0123abcd\n", 21, &b));
	assert_string_equal(b.data, "I0123abcd");
	buf_reset(&b);
	assert_false(msgid_find_change_id("my change-id: x\nchange-id:\n", 27, &b));
	buf_release(&b);
}

/* ------------------------------------------------------------------ */
/* Relays (relay.c).  kvm-ppc has no relayed mail: these are the forms B4
 * Relay and DMARC-rewriting lists use. */

struct relay_vector {
	const char *why;
	const char *from_name, *from_addr, *original_from, *reply_to;
	enum relay_kind kind;
	const char *name, *addr;
};

/* clang-format off */
static const struct relay_vector relay_vectors[] = {
	{"B4 Relay with X-Original-From",
	 "Joel Granados via B4 Relay", "devnull+j.granados.samsung.com@kernel.org",
	 "Joel Granados <j.granados@samsung.com>", "j.granados@samsung.com",
	 RELAY_B4, "Joel Granados", "j.granados@samsung.com"},
	{"B4 Relay without X-Original-From: Reply-To",
	 "Joel Granados via B4 Relay", "devnull+j.granados.samsung.com@kernel.org",
	 "", "j.granados@samsung.com", RELAY_B4, "Joel Granados", "j.granados@samsung.com"},
	{"B4 Relay with neither: the name without ' via B4 Relay'",
	 "Joel Granados via B4 Relay", "devnull+j.granados.samsung.com@kernel.org", "", "",
	 RELAY_B4, "Joel Granados", "devnull+j.granados.samsung.com@kernel.org"},
	{"a list's DMARC rewrite, X-Original-From with a quoted name",
	 "Ritesh Harjani via Linuxppc-dev", "linuxppc-dev@lists.ozlabs.org",
	 "\"Ritesh Harjani (IBM)\" <ritesh.list@gmail.com>", "",
	 RELAY_LIST, "Ritesh Harjani (IBM)", "ritesh.list@gmail.com"},
	{"a Google group rewrite: Reply-To names the person",
	 "'Some One' via kvm-group", "kvm-group@googlegroups.com", "",
	 "Some One <some.one@example.org>, kvm-group@googlegroups.com",
	 RELAY_LIST, "Some One", "some.one@example.org"},
	{"a rewrite whose Reply-To is the list itself: the name without 'via'",
	 "Some One via Kvm", "kvm@lists.example.org", "", "kvm@lists.example.org",
	 RELAY_LIST, "Some One", "kvm@lists.example.org"},
	{"no rewrite: X-Original-From and Reply-To are not trusted",
	 "Paul Mackerras", "paulus@ozlabs.org", "Evil <evil@example.org>", "other@example.org",
	 RELAY_NONE, "Paul Mackerras", "paulus@ozlabs.org"},
	{"corpus: a name containing 'via' in the middle of a word is no rewrite",
	 "Olivia Viaduct", "ov@example.org", "", "", RELAY_NONE, "Olivia Viaduct", "ov@example.org"},
};
/* clang-format on */

static void test_relay(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(relay_vectors); i++) {
		const struct relay_vector *v = &relay_vectors[i];
		struct buf name = BUF_INIT, addr = BUF_INIT;
		enum relay_kind kind = relay_resolve(v->from_name, v->from_addr, v->original_from,
						     v->reply_to, &name, &addr);

		if (kind != v->kind || strcmp(name.data, v->name) || strcmp(addr.data, v->addr))
			fail_msg("%s: %d '%s' '%s'", v->why, kind, name.data, addr.data);
		buf_release(&name);
		buf_release(&addr);
	}
}

static void test_parse_mailbox(void **state)
{
	static const struct {
		const char *value, *name, *addr;
		int ret;
	} v[] = {
	    {"Name <a@b>", "Name", "a@b", 0},
	    {"\"Last, First\" <a@b>, other@c", "Last, First", "a@b", 0},
	    {"a@b (Comment Name)", "Comment Name", "a@b", 0},
	    {"a@b", "", "a@b", 0},
	    {"\"Esc \\\"q\\\"\" <a@b>", "Esc \"q\"", "a@b", 0},
	    {"no address", "", "", -1},
	    {"Name <no-at>", "", "", -1},
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(v); i++) {
		struct buf name = BUF_INIT, addr = BUF_INIT;
		int ret = relay_parse_mailbox(v[i].value, strlen(v[i].value), &name, &addr);

		assert_int_equal(ret, v[i].ret);
		if (!ret) {
			assert_string_equal(name.data, v[i].name);
			assert_string_equal(addr.data, v[i].addr);
		}
		buf_release(&name);
		buf_release(&addr);
	}
}

/* ------------------------------------------------------------------ */
/* Bounds: no quadratic work, no deep recursion, no counting past the cap. */

static void test_bounds(void **state)
{
	struct series_set *set = series_set_new();
	char key[32], mid[64], irt[64], subject[64];
	struct buf refs = BUF_INIT;
	const struct series_info *s;
	size_t i;

	(void)state;
	/* a 20000-message thread, each message answering the one before, with
	 * only In-Reply-To (no References): resolved without deep recursion */
	add_msg(set, &rework[2], false);
	for (i = 1; i <= 20000; i++) {
		struct msg m = {key,
				mid,
				irt,
				"",
				1593791952 + (int64_t)i,
				"Re: [PATCH 0/2] x",
				"R",
				"r@example.org",
				"Reviewed-by: R <r@example.org>\n",
				NULL,
				NULL};

		snprintf(key, sizeof(key), "r%zu", i);
		snprintf(mid, sizeof(mid), "r%zu@example.org", i);
		if (i == 1)
			snprintf(irt, sizeof(irt), "20200703155914.40262-1-ldufour@linux.ibm.com");
		else
			snprintf(irt, sizeof(irt), "r%zu@example.org", i - 1);
		add_msg(set, &m, false);
	}
	/* a patch with a huge References header and an index past the cap */
	for (i = 0; i < 5000; i++)
		buf_addf(&refs, "<ref%zu@example.org> ", i);
	{
		struct msg m = {
		    "huge", "huge@example.org", "", refs.data, 1593791952, "[PATCH 3/99999] huge",
		    "H",    "h@example.org",	"", NULL,      NULL};

		add_msg(set, &m, false);
	}
	/* 5000 unthreaded patches of one sender, all "1/2": no quadratic scan */
	for (i = 0; i < 5000; i++) {
		struct msg m = {
		    key, mid,  "",  "", 1600000000 + (int64_t)i, subject, "U", "u@example.org",
		    "",	 NULL, NULL};

		snprintf(key, sizeof(key), "u%zu", i);
		snprintf(mid, sizeof(mid), "u%zu@example.org", i);
		snprintf(subject, sizeof(subject), "[PATCH %zu/2] u", 1 + i % 2);
		add_msg(set, &m, false);
	}
	series_set_finish(set);
	s = find_series(set, "b6f543079fe0");
	assert_int_equal(s->replies, 20000);
	assert_int_equal(s->ntrailers, 1); /* the same trailer, kept once */
	s = find_series(set, "huge");
	assert_int_equal(s->total, 99999);
	assert_int_equal(s->received, 0); /* past SERIES_MAX_TOTAL: not counted */
	assert_string_equal(s->missing, "");
	assert_int_equal(series_set_count(set), 2 + 2500);
	buf_release(&refs);
	series_set_free(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_out_of_order),
	    cmocka_unit_test(test_review_on_cover),
	    cmocka_unit_test(test_trailer_once),
	    cmocka_unit_test(test_version_reply),
	    cmocka_unit_test(test_version_link),
	    cmocka_unit_test(test_version_resend),
	    cmocka_unit_test(test_second_one_of_one),
	    cmocka_unit_test(test_resent_cover),
	    cmocka_unit_test(test_prepared),
	    cmocka_unit_test(test_change_id),
	    cmocka_unit_test(test_split_series),
	    cmocka_unit_test(test_replies_per_patch),
	    cmocka_unit_test(test_unthreaded),
	    cmocka_unit_test(test_unthreaded_long),
	    cmocka_unit_test(test_version_same_hash),
	    cmocka_unit_test(test_forget),
	    cmocka_unit_test(test_applied_list),
	    cmocka_unit_test(test_applied_entries),
	    cmocka_unit_test(test_applied_partial),
	    cmocka_unit_test(test_ranges),
	    cmocka_unit_test(test_completeness),
	    cmocka_unit_test(test_references),
	    cmocka_unit_test(test_links),
	    cmocka_unit_test(test_change_id_lines),
	    cmocka_unit_test(test_relay),
	    cmocka_unit_test(test_parse_mailbox),
	    cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
