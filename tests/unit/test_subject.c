/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for src/patch/subject.c (SPEC rules 1, 3, 4).
 *
 * Every parse vector goes through subject_clean() first, as a subject does in
 * the program, and is then parsed from a heap copy of exactly its length (no
 * NUL after it), so AddressSanitizer catches any read past `len`.
 *
 * Vectors marked "corpus" are subjects of the kvm-ppc list archive, copied as
 * `git log --format=%s` prints them (folded headers keep their double
 * spaces, which subject_clean() makes one).  Vectors marked "SPEC" or "not in
 * corpus" are forms the SPEC or the design names that kvm-ppc does not hold.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "patch/subject.h"

/* Numbers saturate here (subject.c, SUBJECT_NUMBER_MAX). */
#define NUMBER_MAX 999999u

enum kind { NONE, REPLY, PATCH, PULLREQ };

#define RFC    1u
#define RESEND 2u
#define LEAD   4u /* subject_is_lead() */
#define NOIDX  -1

struct parse_vector {
	const char *why;
	const char *subject;
	enum kind kind;
	unsigned flags;
	int index, total; /* NOIDX, NOIDX: no index */
	unsigned major, minor;
	const char *title;
	const char *tags; /* joined with '|' */
};

/* clang-format off */
static const struct parse_vector parse_vectors[] = {
	/* --- Patches from the corpus --- */
	{"corpus: a single patch, no version, no index",
	 "[PATCH] KVM: PPC: Book3S HV: Fix IRQ map warnings with XICS on pSeries KVM Guest",
	 PATCH, LEAD, NOIDX, NOIDX, 1, 0,
	 "KVM: PPC: Book3S HV: Fix IRQ map warnings with XICS on pSeries KVM Guest", ""},
	{"corpus: zero-padded index 01/52 is 1 of 52, a lead",
	 "[PATCH v3 01/52] powerpc/64s: Remove WORT SPR from POWER9/10 (take 2)",
	 PATCH, LEAD, 1, 52, 3, 0, "powerpc/64s: Remove WORT SPR from POWER9/10 (take 2)", ""},
	{"corpus: a cover letter 0/n",
	 "[PATCH 0/6] kvm powerpc/book3s-hv: Expose Hostwide counters as perf-events",
	 PATCH, LEAD, 0, 6, 1, 0, "kvm powerpc/book3s-hv: Expose Hostwide counters as perf-events",
	 ""},
	{"corpus: 00/12, and ' : ' inside the title stays",
	 "[PATCH 00/12] KVM: PPC: Nested APIv2 : Performance improvements",
	 PATCH, LEAD, 0, 12, 1, 0, "KVM: PPC: Nested APIv2 : Performance improvements", ""},
	{"corpus: v7 cover letter 00/32",
	 "[PATCH v7 00/32] KVM: PPC: Book3S: C-ify the P9 entry/exit code",
	 PATCH, LEAD, 0, 32, 7, 0, "KVM: PPC: Book3S: C-ify the P9 entry/exit code", ""},
	{"corpus: explicit v1, last patch of a long series is not a lead",
	 "[PATCH v1 55/55] KVM: PPC: Book3S HV P9: Remove subcore HMI handling",
	 PATCH, 0, 55, 55, 1, 0, "KVM: PPC: Book3S HV P9: Remove subcore HMI handling", ""},
	{"corpus: minor version v5.5; folded title's double space collapsed",
	 "[PATCH v5.5 09/30] KVM: MIPS: Drop pr_debug from memslot commit to  avoid using \"mem\"",
	 PATCH, 0, 9, 30, 5, 5,
	 "KVM: MIPS: Drop pr_debug from memslot commit to avoid using \"mem\"", ""},
	{"corpus: minor version, last patch",
	 "[PATCH v5.5 30/30] KVM: Dynamically allocate \"new\" memslots from the get-go",
	 PATCH, 0, 30, 30, 5, 5, "KVM: Dynamically allocate \"new\" memslots from the get-go", ""},
	{"corpus: AUTOSEL and a stable version 4.4 are tags, not versions",
	 "[PATCH AUTOSEL 4.4 10/14] KVM: PPC: Book3S HV: Initialise vcpu MSR with MSR_ME",
	 PATCH, 0, 10, 14, 1, 0, "KVM: PPC: Book3S HV: Initialise vcpu MSR with MSR_ME",
	 "AUTOSEL|4.4"},
	{"corpus: RFC PATCH without index",
	 "[RFC PATCH] KVM: PPC: Book3S HV: Add KVM_CAP_PPC_GTSE",
	 PATCH, RFC | LEAD, NOIDX, NOIDX, 1, 0, "KVM: PPC: Book3S HV: Add KVM_CAP_PPC_GTSE", ""},
	{"corpus: RFC PATCH v2 without index",
	 "[RFC PATCH v2] ppc/spapr: Add support for H_SCM_PERFORMANCE_STATS hcall",
	 PATCH, RFC | LEAD, NOIDX, NOIDX, 2, 0,
	 "ppc/spapr: Add support for H_SCM_PERFORMANCE_STATS hcall", ""},
	{"corpus: RFC cover letter",
	 "[RFC PATCH 0/6] KVM: PPC: Book3S HV P9: Reduce guest entry/exit",
	 PATCH, RFC | LEAD, 0, 6, 1, 0, "KVM: PPC: Book3S HV P9: Reduce guest entry/exit", ""},
	{"corpus: no PATCH word, a version next to an index makes a patch",
	 "[v3 00/15] powerpc/perf: Add support for power10 PMU Hardware",
	 PATCH, LEAD, 0, 15, 3, 0, "powerpc/perf: Add support for power10 PMU Hardware", ""},
	{"corpus: version and index without PATCH, not a lead",
	 "[v4 2/5] KVM: PPC: Book3S HV: track the state GFNs associated with secure VMs",
	 PATCH, 0, 2, 5, 4, 0,
	 "KVM: PPC: Book3S HV: track the state GFNs associated with secure VMs", ""},
	{"corpus: 'kernel' after PATCH is a tag",
	 "[PATCH kernel] vfio/spapr_tce: Fix the comment",
	 PATCH, LEAD, NOIDX, NOIDX, 1, 0, "vfio/spapr_tce: Fix the comment", "kernel"},
	{"corpus: tag, version and cover letter",
	 "[PATCH kernel v2 0/3] powerpc/iommu: Add iommu_ops to report capabilities and allow "
	 "blocking domains",
	 PATCH, LEAD, 0, 3, 2, 0,
	 "powerpc/iommu: Add iommu_ops to report capabilities and allow blocking domains", "kernel"},
	{"corpus: tag and 1/3, a lead",
	 "[PATCH kernel 1/3] powerpc/iommu: Add \"borrowing\" iommu_table_group_ops",
	 PATCH, LEAD, 1, 3, 1, 0, "powerpc/iommu: Add \"borrowing\" iommu_table_group_ops", "kernel"},
	{"corpus: project tag before PATCH",
	 "[kvm-unit-tests PATCH v2 0/7] unify header guards",
	 PATCH, LEAD, 0, 7, 2, 0, "unify header guards", "kvm-unit-tests"},
	{"corpus: project tag, single patch",
	 "[kvm-unit-tests PATCH] powerpc: Fix running the kvm-unit-tests with recent versions of "
	 "QEMU",
	 PATCH, LEAD, NOIDX, NOIDX, 1, 0,
	 "powerpc: Fix running the kvm-unit-tests with recent versions of QEMU", "kvm-unit-tests"},
	{"corpus: project tag, RFC, zero-padded index",
	 "[kvm-unit-tests RFC PATCH 04/19] powerpc: Use the page allocator",
	 PATCH, RFC, 4, 19, 1, 0, "powerpc: Use the page allocator", "kvm-unit-tests"},
	{"corpus: version before PATCH",
	 "[kvm-unit-tests v2 PATCH] powerpc: Fix running the kvm-unit-tests with recent versions "
	 "of QEMU",
	 PATCH, LEAD, NOIDX, NOIDX, 2, 0,
	 "powerpc: Fix running the kvm-unit-tests with recent versions of QEMU", "kvm-unit-tests"},
	{"corpus: a project tag alone is not a patch; the group is still cut from the title",
	 "[kvm-unit-tests] Permitted license for new library",
	 NONE, 0, NOIDX, NOIDX, 1, 0, "Permitted license for new library", "kvm-unit-tests"},
	{"corpus: PULL with an index is a patch (cover letter)",
	 "[kvm-unit-tests PULL 0/2] Ppc next patches",
	 PATCH, LEAD, 0, 2, 1, 0, "Ppc next patches", "kvm-unit-tests"},
	{"corpus: PULL with an index, not a lead",
	 "[kvm-unit-tests PULL 2/2] powerpc: Make h_cede_tm test run by default",
	 PATCH, 0, 2, 2, 1, 0, "powerpc: Make h_cede_tm test run by default", "kvm-unit-tests"},
	{"corpus: RESEND before PATCH",
	 "[RESEND PATCH v5 0/6] kvm powerpc/book3s-hv: Expose Hostwide counters as perf-events",
	 PATCH, RESEND | LEAD, 0, 6, 5, 0,
	 "kvm powerpc/book3s-hv: Expose Hostwide counters as perf-events", ""},
	{"corpus: RESEND, not a lead",
	 "[RESEND PATCH v5 6/6] powerpc/kvm-hv-pmu: Add perf-events for Hostwide counters",
	 PATCH, RESEND, 6, 6, 5, 0, "powerpc/kvm-hv-pmu: Add perf-events for Hostwide counters",
	 ""},
	{"corpus: RFC after PATCH",
	 "[PATCH RFC 0/5] Remove some notrace RCU APIs",
	 PATCH, RFC | LEAD, 0, 5, 1, 0, "Remove some notrace RCU APIs", ""},
	{"corpus: RFC last patch",
	 "[PATCH RFC 5/5] rcu: Remove rcu_dereference_raw_notrace since no users",
	 PATCH, RFC, 5, 5, 1, 0, "rcu: Remove rcu_dereference_raw_notrace since no users", ""},
	{"corpus: tag between PATCH and RFC",
	 "[PATCH kernel RFC 0/2] powerpc/pseries: Kexec style boot",
	 PATCH, RFC | LEAD, 0, 2, 1, 0, "powerpc/pseries: Kexec style boot", "kernel"},
	{"corpus: tag between RFC and PATCH, folded title",
	 "[RFC Qemu PATCH v2 1/2] spapr: drc: Add support for async hcalls at  the drc level",
	 PATCH, RFC | LEAD, 1, 2, 2, 0, "spapr: drc: Add support for async hcalls at the drc level",
	 "Qemu"},
	{"corpus: two tags, RHEL8.1 is not a version",
	 "[EMBARGOED RHEL8.1 PATCH v5 01/14] kvm: x86, powerpc: do not allow clearing largepages "
	 "debugfs entry",
	 PATCH, LEAD, 1, 14, 5, 0,
	 "kvm: x86, powerpc: do not allow clearing largepages debugfs entry",
	 "EMBARGOED|RHEL8.1"},
	{"corpus: '-next' tag with a version",
	 "[PATCH -next v2] KVM: PPC: Book3S HV: XIVE: Convert to DEFINE_SHOW_ATTRIBUTE",
	 PATCH, LEAD, NOIDX, NOIDX, 2, 0, "KVM: PPC: Book3S HV: XIVE: Convert to DEFINE_SHOW_ATTRIBUTE",
	 "-next"},
	{"corpus: '-next' tag alone",
	 "[PATCH -next] powerpc/kvm/books: Fix symbol undeclared warnings",
	 PATCH, LEAD, NOIDX, NOIDX, 1, 0, "powerpc/kvm/books: Fix symbol undeclared warnings",
	 "-next"},
	{"corpus: RFC without PATCH, explicit v1",
	 "[RFC v1 0/2] Plumbing to support multiple secure memory backends.",
	 PATCH, RFC | LEAD, 0, 2, 1, 0, "Plumbing to support multiple secure memory backends.", ""},
	{"corpus: RFC with a tree tag and a version",
	 "[linux-next RFC v2] mm/gup.c: Convert to use get_user_{page|pages}_fast_only()",
	 PATCH, RFC | LEAD, NOIDX, NOIDX, 2, 0,
	 "mm/gup.c: Convert to use get_user_{page|pages}_fast_only()", "linux-next"},
	{"corpus: two adjacent groups, the second a tag",
	 "[PATCH][next] KVM: PPC: Book3S HV: XIVE: fix spelling mistake \"acessing\" -> "
	 "\"accessing\"",
	 PATCH, LEAD, NOIDX, NOIDX, 1, 0,
	 "KVM: PPC: Book3S HV: XIVE: fix spelling mistake \"acessing\" -> \"accessing\"", "next"},
	{"corpus: RFC and PATCH in separate groups",
	 "[RFC][PATCH] kvm: add suspend pm-notifier",
	 PATCH, RFC | LEAD, NOIDX, NOIDX, 1, 0, "kvm: add suspend pm-notifier", ""},
	{"corpus: [RFC] alone is a patch (a word that starts with RFC)",
	 "[RFC] powerpc/pseries: Interface to represent PAPR firmware attributes",
	 PATCH, RFC | LEAD, NOIDX, NOIDX, 1, 0,
	 "powerpc/pseries: Interface to represent PAPR firmware attributes", ""},
	{"corpus: RFC-PATCH compound word",
	 "[RFC-PATCH] ppc/spapr: Add support for H_SCM_PERFORMANCE_STATS hcall",
	 PATCH, RFC | LEAD, NOIDX, NOIDX, 1, 0,
	 "ppc/spapr: Add support for H_SCM_PERFORMANCE_STATS hcall", ""},
	{"corpus: RFC/PATCH compound word, double space before the index",
	 "[RFC/PATCH  0/3] Add support for stop instruction inside KVM guest",
	 PATCH, RFC | LEAD, 0, 3, 1, 0, "Add support for stop instruction inside KVM guest", ""},
	{"corpus: spam tag group, not a patch, cut from the title",
	 "[Spam] We are still waiting for your email...",
	 NONE, 0, NOIDX, NOIDX, 1, 0, "We are still waiting for your email...", "Spam"},
	{"corpus: a group without known words is one tag; UTF-8 title",
	 "[Possible Spam] Covid 19 Wohltätigkeitsfonds",
	 NONE, 0, NOIDX, NOIDX, 1, 0, "Covid 19 Wohltätigkeitsfonds", "Possible Spam"},
	{"corpus: FIX is a tag",
	 "[PATCH FIX] KVM: PPC: Book3S HV: Release lock on page-out failure path",
	 PATCH, LEAD, NOIDX, NOIDX, 1, 0, "KVM: PPC: Book3S HV: Release lock on page-out failure path",
	 "FIX"},
	{"corpus: v0 is kept as version 0, not the default 1",
	 "[RFC PATCH v0 0/5] PPC: KVM: pseries: Asynchronous page fault",
	 PATCH, RFC | LEAD, 0, 5, 0, 0, "PPC: KVM: pseries: Asynchronous page fault", ""},
	{"corpus: explicit v1 without index, folded title",
	 "[PATCH v1] KVM: stats: Add VM stat for the cumulative number of  dirtied pages",
	 PATCH, LEAD, NOIDX, NOIDX, 1, 0,
	 "KVM: stats: Add VM stat for the cumulative number of dirtied pages", ""},
	{"corpus: upper-case V2",
	 "[PATCH V2] Doc: admin-guide: Add entry for kvm_cma_resv_ratio kernel param",
	 PATCH, LEAD, NOIDX, NOIDX, 2, 0,
	 "Doc: admin-guide: Add entry for kvm_cma_resv_ratio kernel param", ""},
	{"corpus: upper-case V3 with an index",
	 "[PATCH V3 2/2] KVM: PPC: Implement H_SVM_INIT_ABORT hcall",
	 PATCH, 0, 2, 2, 3, 0, "KVM: PPC: Implement H_SVM_INIT_ABORT hcall", ""},
	{"corpus: REBASED is a tag, not RESEND",
	 "[PATCH REBASED v5 0/3] spapr: nvdimm: Introduce spapr-nvdimm device",
	 PATCH, LEAD, 0, 3, 5, 0, "spapr: nvdimm: Introduce spapr-nvdimm device", "REBASED"},
	{"corpus: a second group after the patch group is a tag and not in the title",
	 "[PATCH 1/6] [DOC] powerpc: Document APIv2 KVM hcall spec for Hostwide counters",
	 PATCH, LEAD, 1, 6, 1, 0, "powerpc: Document APIv2 KVM hcall spec for Hostwide counters",
	 "DOC"},
	{"corpus: a many-word second group is one tag",
	 "[PATCH v3 7/7] [not for merge] netstats: example use of stats_fs API",
	 PATCH, 0, 7, 7, 3, 0, "netstats: example use of stats_fs API", "not for merge"},
	{"corpus: GIT PULL without index is a pull request, not a patch; GIT is no tag",
	 "[GIT PULL] Please pull my kvm-ppc-next-5.12-1 tag",
	 PULLREQ, 0, NOIDX, NOIDX, 1, 0, "Please pull my kvm-ppc-next-5.12-1 tag", ""},
	{"corpus: GIT PULL from another tree",
	 "[GIT PULL] gfs2: Fix mmap + page fault deadlocks",
	 PULLREQ, 0, NOIDX, NOIDX, 1, 0, "gfs2: Fix mmap + page fault deadlocks", ""},
	{"corpus: GIT PULL with a version is still a pull request",
	 "[GIT PULL v2] Please pull my kvm-ppc-uvmem-5.5-2 tag",
	 PULLREQ, 0, NOIDX, NOIDX, 2, 0, "Please pull my kvm-ppc-uvmem-5.5-2 tag", ""},
	{"corpus: a user's platform tag, not a patch",
	 "[Virtual ppce500] virtio_gpu virtio0: swiotlb buffer is full",
	 NONE, 0, NOIDX, NOIDX, 1, 0, "virtio_gpu virtio0: swiotlb buffer is full",
	 "Virtual ppce500"},
	{"corpus: bug report with a bracketed board name",
	 "[FSL P50x0] KVM HV doesn't work anymore",
	 NONE, 0, NOIDX, NOIDX, 1, 0, "KVM HV doesn't work anymore", "FSL P50x0"},
	{"corpus: build robot: an index without PATCH or version is not a patch",
	 "[agraf-2.6:kexec-cma 1/2] kernel/kexec_core.c:801  kimage_load_normal_segment() error: "
	 "uninitialized symbol 'result'.",
	 NONE, 0, 1, 2, 1, 0,
	 "kernel/kexec_core.c:801 kimage_load_normal_segment() error: uninitialized symbol "
	 "'result'.",
	 "agraf-2.6:kexec-cma"},
	{"corpus: build robot: 'snp-host-v10' is a branch name, not a version",
	 "[agraf-2.6:snp-host-v10 73/108] arch/x86/virt/svm/sev.c:528:6:  warning: no previous "
	 "prototype for 'snp_leak_pages'",
	 NONE, 0, 73, 108, 1, 0,
	 "arch/x86/virt/svm/sev.c:528:6: warning: no previous prototype for 'snp_leak_pages'",
	 "agraf-2.6:snp-host-v10"},
	{"corpus: two spaces after the group",
	 "[PATCH v3 0/9]  KVM: Move x86 init ops to separate struct",
	 PATCH, LEAD, 0, 9, 3, 0, "KVM: Move x86 init ops to separate struct", ""},
	{"corpus: tag and version, no index",
	 "[PATCH kernel v4] KVM: PPC: Make KVM_CAP_IRQFD_RESAMPLE support platform dependent",
	 PATCH, LEAD, NOIDX, NOIDX, 4, 0,
	 "KVM: PPC: Make KVM_CAP_IRQFD_RESAMPLE support platform dependent", "kernel"},
	{"corpus: first patch of two",
	 "[PATCH 1/2] KVM: PPC: Book3S HV: Fix stack handling in idle_kvm_start_guest()",
	 PATCH, LEAD, 1, 2, 1, 0, "KVM: PPC: Book3S HV: Fix stack handling in idle_kvm_start_guest()",
	 ""},
	{"corpus: RFC PATCH with a tag after PATCH",
	 "[RFC PATCH kernel] vfio: Skip checking for IOMMU_CAP_CACHE_COHERENCY on POWER and more",
	 PATCH, RFC | LEAD, NOIDX, NOIDX, 1, 0,
	 "vfio: Skip checking for IOMMU_CAP_CACHE_COHERENCY on POWER and more", "kernel"},

	/* --- Replies from the corpus --- */
	{"corpus: plain reply to a patch; never a patch, never a lead",
	 "Re: [PATCH] KVM: PPC: Book3S HV: Fix IRQ map warnings with XICS on pSeries KVM Guest",
	 REPLY, 0, NOIDX, NOIDX, 1, 0,
	 "KVM: PPC: Book3S HV: Fix IRQ map warnings with XICS on pSeries KVM Guest", ""},
	{"corpus: Outlook's upper-case RE:, the fields still describe the patch answered",
	 "RE: [PATCH v3 4/6] KVM: PPC: Book3s HV: Hold LPIDs in an unsigned  long",
	 REPLY, 0, 4, 6, 3, 0, "KVM: PPC: Book3s HV: Hold LPIDs in an unsigned long", ""},
	{"corpus: reply to an RFC cover letter: RFC flag kept, not a lead",
	 "RE: [RFC v1 0/2] Plumbing to support multiple secure memory backends.",
	 REPLY, RFC, 0, 2, 1, 0, "Plumbing to support multiple secure memory backends.", ""},
	{"corpus: repeated prefix with a double space",
	 "Re:  Re: [PATCH v4 6/8] KVM: PPC: Ultravisor: Restrict LDBAR access",
	 REPLY, 0, 6, 8, 4, 0, "KVM: PPC: Ultravisor: Restrict LDBAR access", ""},
	{"corpus: repeated prefix",
	 "Re: Re: [PATCH v3] KVM: PPC: Book3S HV: Fix L2 guest reboot failure  due to empty "
	 "'arch_compat'",
	 REPLY, 0, NOIDX, NOIDX, 3, 0,
	 "KVM: PPC: Book3S HV: Fix L2 guest reboot failure due to empty 'arch_compat'", ""},
	{"corpus: reply without brackets; KVM: is not a prefix",
	 "Re: KVM on POWER8 host lock up since 10d91611f426 (\"powerpc/64s:  Reimplement book3s "
	 "idle code in C\")",
	 REPLY, 0, NOIDX, NOIDX, 1, 0,
	 "KVM on POWER8 host lock up since 10d91611f426 (\"powerpc/64s: Reimplement book3s idle "
	 "code in C\")",
	 ""},
	{"corpus: reply to a GIT PULL is not a pull request",
	 "Re: [GIT PULL] gfs2: Fix mmap + page fault deadlocks",
	 REPLY, 0, NOIDX, NOIDX, 1, 0, "gfs2: Fix mmap + page fault deadlocks", ""},
	{"corpus: reply keeps the tags of the patch answered",
	 "Re: [kvm-unit-tests PATCH v2 1/7] README.md: add guideline for  header guards format",
	 REPLY, 0, 1, 7, 2, 0, "README.md: add guideline for header guards format",
	 "kvm-unit-tests"},
	{"corpus: 'Clang:' after Re: is part of the title",
	 "Re: Clang: powerpc: kvm/book3s_hv_nested.c:264:6: error: stack frame  size of 2480 bytes "
	 "in function 'kvmhv_enter_nested_guest'",
	 REPLY, 0, NOIDX, NOIDX, 1, 0,
	 "Clang: powerpc: kvm/book3s_hv_nested.c:264:6: error: stack frame size of 2480 bytes in "
	 "function 'kvmhv_enter_nested_guest'",
	 ""},
	{"corpus: RE without a colon is no prefix",
	 "RE", NONE, 0, NOIDX, NOIDX, 1, 0, "RE", ""},
	{"corpus: 'Re;' (semicolon) is no prefix",
	 "Re;", NONE, 0, NOIDX, NOIDX, 1, 0, "Re;", ""},
	{"corpus: 'Re Thanks.' has no colon",
	 "Re Thanks.", NONE, 0, NOIDX, NOIDX, 1, 0, "Re Thanks.", ""},
	{"corpus: no space after the colon",
	 "Re:read", REPLY, 0, NOIDX, NOIDX, 1, 0, "read", ""},
	{"corpus: a bare 'Re:' is a reply with an empty title",
	 "Re:", REPLY, 0, NOIDX, NOIDX, 1, 0, "", ""},
	{"corpus: RE:RE: without spaces",
	 "RE:RE:faktura cislo  05480767", REPLY, 0, NOIDX, NOIDX, 1, 0, "faktura cislo 05480767",
	 ""},
	{"corpus: Fwd: then Re:, UTF-8 title",
	 "Fwd: Re: € 2,000,000.00 Euro", REPLY, 0, NOIDX, NOIDX, 1, 0, "€ 2,000,000.00 Euro", ""},
	{"corpus: Fw:",
	 "Fw: Norah Colly", REPLY, 0, NOIDX, NOIDX, 1, 0, "Norah Colly", ""},
	{"corpus: German Aw: without space",
	 "Aw:Dringende Antwort erforderlich", REPLY, 0, NOIDX, NOIDX, 1, 0,
	 "Dringende Antwort erforderlich", ""},
	{"corpus: reply to RFC in two groups",
	 "Re: [RFC][PATCH] kvm: add suspend pm-notifier",
	 REPLY, RFC, NOIDX, NOIDX, 1, 0, "kvm: add suspend pm-notifier", ""},
	{"corpus: reply, both groups cut from the title",
	 "Re: [PATCH v3 7/7] [not for merge] netstats: example use of stats_fs  API",
	 REPLY, 0, 7, 7, 3, 0, "netstats: example use of stats_fs API", "not for merge"},

	/* --- Other subjects from the corpus (mostly spam) --- */
	{"corpus: Russian 'Копия:' (copy) is not a reply prefix",
	 "Копия: Forbes: Willst du reich werden? Fahre fort",
	 NONE, 0, NOIDX, NOIDX, 1, 0, "Копия: Forbes: Willst du reich werden? Fahre fort", ""},
	{"corpus: HELLO: is a word, not a prefix",
	 "HELLO: I AM MRS SUSAN JONES", NONE, 0, NOIDX, NOIDX, 1, 0, "HELLO: I AM MRS SUSAN JONES",
	 ""},
	{"corpus: a subsystem-like prefix without brackets is neither reply nor patch",
	 "KVM: Book3S PR: unbreaking software breakpoints",
	 NONE, 0, NOIDX, NOIDX, 1, 0, "KVM: Book3S PR: unbreaking software breakpoints", ""},
	{"corpus: ATTN: alone",
	 "ATTN:", NONE, 0, NOIDX, NOIDX, 1, 0, "ATTN:", ""},
	{"corpus: braces are not brackets; '/ r' is not an index",
	 "{Spam?} Z. HD,Sehr geehrte / r Fondsempfänger",
	 NONE, 0, NOIDX, NOIDX, 1, 0, "{Spam?} Z. HD,Sehr geehrte / r Fondsempfänger", ""},
	{"corpus: full-width lenticular brackets are not groups",
	 "【AU】お問い合わせありがとうございました。",
	 NONE, 0, NOIDX, NOIDX, 1, 0, "【AU】お問い合わせありがとうございました。", ""},
	{"corpus: asterisks",
	 "***SPAM*** Hello sunshine, how are you?",
	 NONE, 0, NOIDX, NOIDX, 1, 0, "***SPAM*** Hello sunshine, how are you?", ""},
	{"corpus: a bracket group not at the start is title text",
	 "HEFT CTO Workshop \"[your-subject]\"",
	 NONE, 0, NOIDX, NOIDX, 1, 0, "HEFT CTO Workshop \"[your-subject]\"", ""},
	{"corpus: '(was Re: [PATCH ...])' later in the subject changes nothing",
	 "disabling halt polling broken? (was Re: [PATCH 00/14] KVM:  Halt-polling fixes, cleanups "
	 "and a new stat)",
	 NONE, 0, NOIDX, NOIDX, 1, 0,
	 "disabling halt polling broken? (was Re: [PATCH 00/14] KVM: Halt-polling fixes, cleanups "
	 "and a new stat)",
	 ""},
	{"corpus: From: is not a prefix",
	 "From:Miss: Fatima Yusuf.", NONE, 0, NOIDX, NOIDX, 1, 0, "From:Miss: Fatima Yusuf.", ""},
	{"corpus: Attention: is not a prefix",
	 "Attention:Beneficiary", NONE, 0, NOIDX, NOIDX, 1, 0, "Attention:Beneficiary", ""},
	{"corpus: plain one-word subject",
	 "subscribe", NONE, 0, NOIDX, NOIDX, 1, 0, "subscribe", ""},

	/* --- Forms from the SPEC and the design, not in the corpus --- */
	{"SPEC, not in corpus: PATCHv2 glued version",
	 "[PATCHv2 1/3] foo", PATCH, LEAD, 1, 3, 2, 0, "foo", ""},
	{"not in corpus: PATCH-v2 glued with a dash",
	 "[PATCH-v2] foo", PATCH, LEAD, NOIDX, NOIDX, 2, 0, "foo", ""},
	{"SPEC, not in corpus: RFCv2 after PATCH",
	 "[PATCH RFCv2 0/4] foo", PATCH, RFC | LEAD, 0, 4, 2, 0, "foo", ""},
	{"SPEC, not in corpus: version after the index",
	 "[PATCH 1/2 v2] foo", PATCH, LEAD, 1, 2, 2, 0, "foo", ""},
	{"SPEC, not in corpus: v2.1 with an index",
	 "[PATCH v2.1 4/9] foo", PATCH, 0, 4, 9, 2, 1, "foo", ""},
	{"SPEC, not in corpus: PULL with an index is a patch",
	 "[PULL 00/12] foo", PATCH, LEAD, 0, 12, 1, 0, "foo", ""},
	{"not in corpus: PULL alone is a pull request",
	 "[PULL] foo", PULLREQ, 0, NOIDX, NOIDX, 1, 0, "foo", ""},
	{"not in corpus: a PULL without index wins over a PATCH word",
	 "[PATCH] [GIT PULL] foo", PULLREQ, 0, NOIDX, NOIDX, 1, 0, "foo", ""},
	{"SPEC, not in corpus: RFC, subsystem tag, version, index",
	 "[RFC PATCH net-next v2 3/7] foo", PATCH, RFC, 3, 7, 2, 0, "foo", "net-next"},
	{"SPEC, not in corpus: version in its own group",
	 "[PATCH] [v2] foo", PATCH, LEAD, NOIDX, NOIDX, 2, 0, "foo", ""},
	{"SPEC, not in corpus: AUTOSEL 6.1",
	 "[PATCH AUTOSEL 6.1 01/23] foo", PATCH, LEAD, 1, 23, 1, 0, "foo", "AUTOSEL|6.1"},
	{"design: a version without an index does not make a patch",
	 "[v2] foo", NONE, 0, NOIDX, NOIDX, 2, 0, "foo", ""},
	{"design: RESEND after the version, lower case",
	 "[PATCH v3 resend] foo", PATCH, RESEND | LEAD, NOIDX, NOIDX, 3, 0, "foo", ""},
	{"design: odd spacing inside the group",
	 "[ PATCH  v2  1/3 ]  foo ", PATCH, LEAD, 1, 3, 2, 0, "foo", ""},
	{"design: spaces around the slash of the index",
	 "[PATCH v2 1 / 3] foo", PATCH, LEAD, 1, 3, 2, 0, "foo", ""},
	{"design: commas between words",
	 "[PATCH v2,net-next,2/3] foo", PATCH, 0, 2, 3, 2, 0, "foo", "net-next"},
	{"design: 'v2.' and '1/x' are not a version or an index",
	 "[PATCH v2. 1/x] foo", PATCH, LEAD, NOIDX, NOIDX, 1, 0, "foo", "v2.|1/x"},
	{"design: the first index and version win",
	 "[PATCH v2 1/3 v3 2/3] foo", PATCH, LEAD, 1, 3, 2, 0, "foo", ""},
	{"design: a word that starts with PATCH is a marker (SPEC's wording)",
	 "[PATCHES] foo", PATCH, LEAD, NOIDX, NOIDX, 1, 0, "foo", ""},
	{"design: a subject starting with '[' is never a reply; 'Re:' stays in the title",
	 "[PATCH] Re: foo", PATCH, LEAD, NOIDX, NOIDX, 1, 0, "Re: foo", ""},
	{"design: reply prefixes are only taken before the groups",
	 "Re: [PATCH] Re: foo", REPLY, 0, NOIDX, NOIDX, 1, 0, "Re: foo", ""},
	{"SPEC, not in corpus: counter in square brackets",
	 "Re[2]: [PATCH] foo", REPLY, 0, NOIDX, NOIDX, 1, 0, "foo", ""},
	{"not in corpus: counter in parentheses",
	 "Re(3): foo", REPLY, 0, NOIDX, NOIDX, 1, 0, "foo", ""},
	{"not in corpus: a non-numeric 'counter' is no prefix",
	 "Re[x]: foo", NONE, 0, NOIDX, NOIDX, 1, 0, "Re[x]: foo", ""},
	{"SPEC, not in corpus: German AW: in a reply to a patch",
	 "AW: [PATCH v2 1/2] foo", REPLY, 0, 1, 2, 2, 0, "foo", ""},
	{"not in corpus: French 'RE :' with a space before the colon",
	 "RE : [PATCH] foo", REPLY, 0, NOIDX, NOIDX, 1, 0, "foo", ""},
	{"not in corpus: mixed repeated prefixes",
	 "Re: Re: AW: Fwd: foo", REPLY, 0, NOIDX, NOIDX, 1, 0, "foo", ""},
	{"SPEC, not in corpus: Scandinavian SV:",
	 "SV: foo", REPLY, 0, NOIDX, NOIDX, 1, 0, "foo", ""},
	{"not in corpus: Dutch Antw:",
	 "Antw: foo", REPLY, 0, NOIDX, NOIDX, 1, 0, "foo", ""},
	{"not in corpus: Polish Odp:",
	 "Odp: [PATCH] foo", REPLY, 0, NOIDX, NOIDX, 1, 0, "foo", ""},
	{"not in corpus: Finnish VS:",
	 "VS: foo", REPLY, 0, NOIDX, NOIDX, 1, 0, "foo", ""},
	{"not in corpus: French forward TR:",
	 "TR: foo", REPLY, 0, NOIDX, NOIDX, 1, 0, "foo", ""},
	{"not in corpus: German forward WG:",
	 "WG: foo", REPLY, 0, NOIDX, NOIDX, 1, 0, "foo", ""},
	{"not in corpus: Italian R: and Rif:",
	 "R: Rif: foo", REPLY, 0, NOIDX, NOIDX, 1, 0, "foo", ""},
	{"not in corpus: Chinese 回复: with an ASCII colon",
	 "回复: [PATCH] foo", REPLY, 0, NOIDX, NOIDX, 1, 0, "foo", ""},
	{"not in corpus: Chinese 转发 with a full-width colon",
	 "转发：foo", REPLY, 0, NOIDX, NOIDX, 1, 0, "foo", ""},
	{"design: 'Rv:' is a kernel subsystem (runtime verification), not a prefix",
	 "rv: add a monitor", NONE, 0, NOIDX, NOIDX, 1, 0, "rv: add a monitor", ""},
	{"design: words that start like a prefix are not one",
	 "Review: foo", NONE, 0, NOIDX, NOIDX, 1, 0, "Review: foo", ""},
	{"design: VSOCK is not VS",
	 "VSOCK: foo", NONE, 0, NOIDX, NOIDX, 1, 0, "VSOCK: foo", ""},
	{"design: tracing is not TR",
	 "tracing: foo", NONE, 0, NOIDX, NOIDX, 1, 0, "tracing: foo", ""},

	/* --- Hostile and degenerate input --- */
	{"hostile: empty subject", "", NONE, 0, NOIDX, NOIDX, 1, 0, "", ""},
	{"hostile: unclosed '[' is title text, not a group",
	 "[PATCH v2 1/3 foo", NONE, 0, NOIDX, NOIDX, 1, 0, "[PATCH v2 1/3 foo", ""},
	{"hostile: a closed group then an unclosed one",
	 "[PATCH] [v2 foo", PATCH, LEAD, NOIDX, NOIDX, 1, 0, "[v2 foo", ""},
	{"hostile: no nesting, the first ']' closes the group; '[PATCH' is no PATCH word",
	 "[[PATCH]] foo", NONE, 0, NOIDX, NOIDX, 1, 0, "] foo", "[PATCH"},
	{"hostile: empty groups only", "[][]", NONE, 0, NOIDX, NOIDX, 1, 0, "", ""},
	{"hostile: a patch group and no title", "[PATCH]", PATCH, LEAD, NOIDX, NOIDX, 1, 0, "", ""},
	{"hostile: a huge version saturates",
	 "[PATCH v99999999999999999999 1/2] foo", PATCH, LEAD, 1, 2, NUMBER_MAX, 0, "foo", ""},
	{"hostile: a huge minor version saturates",
	 "[PATCH v1.99999999999999999999] foo", PATCH, LEAD, NOIDX, NOIDX, 1, NUMBER_MAX, "foo", ""},
	{"hostile: a huge index and total saturate; not a lead",
	 "[PATCH 99999999999999999999/99999999999999999999] foo",
	 PATCH, 0, (int)NUMBER_MAX, (int)NUMBER_MAX, 1, 0, "foo", ""},
	{"hostile: leading zeros do not overflow",
	 "[PATCH 000000000000000000000001/000000000000000000000002] foo",
	 PATCH, LEAD, 1, 2, 1, 0, "foo", ""},
	{"hostile: more tags than SUBJECT_MAX_TAGS are dropped",
	 "[a][b][c][d][e][f][g][h][i][j] foo", NONE, 0, NOIDX, NOIDX, 1, 0, "foo",
	 "a|b|c|d|e|f|g|h"},
	{"hostile: a huge reply counter", "Re[99999999999999999999]: foo",
	 REPLY, 0, NOIDX, NOIDX, 1, 0, "foo", ""},
	{"hostile: a prefix with nothing but spaces before the colon at the end",
	 "Re ", NONE, 0, NOIDX, NOIDX, 1, 0, "Re", ""},
};
/* clang-format on */

/* Cleans `in` and parses a heap copy of exactly the cleaned length. */
static char *clean_and_parse(const char *in, size_t len, struct patch_subject *ps, size_t *out_len)
{
	struct buf b = BUF_INIT;
	char *copy;

	subject_clean(in, len, &b);
	copy = malloc(b.len ? b.len : 1);
	assert_non_null(copy);
	if (b.len)
		memcpy(copy, b.data, b.len);
	else
		copy[0] = 'X'; /* not a NUL: len 0 must not read it */
	*out_len = b.len;
	buf_release(&b);
	subject_parse(ps, copy, *out_len);
	return copy;
}

static void check_spans(const struct patch_subject *ps, size_t len)
{
	size_t i;

	assert_true(ps->title.off <= len);
	assert_true(ps->title.len <= len - ps->title.off);
	assert_true(ps->ntags <= SUBJECT_MAX_TAGS);
	for (i = 0; i < ps->ntags; i++) {
		assert_true(ps->tags[i].off <= len);
		assert_true(ps->tags[i].len <= len - ps->tags[i].off);
		assert_true(ps->tags[i].len > 0);
	}
	assert_false(ps->is_patch && ps->is_reply);
	assert_false(ps->is_patch && ps->is_pull_request);
	assert_false(ps->is_reply && ps->is_pull_request);
	assert_true(!subject_is_lead(ps) || ps->is_patch);
	assert_true(ps->has_index || (ps->index == 0 && ps->total == 0));
	assert_true(ps->version_major <= NUMBER_MAX && ps->version_minor <= NUMBER_MAX);
	assert_true(ps->index <= NUMBER_MAX && ps->total <= NUMBER_MAX);
}

static const char *kind_name(enum kind k)
{
	static const char *const names[] = {"none", "reply", "patch", "pull request"};

	return names[k];
}

static void test_parse_vectors(void **state)
{
	size_t v;

	(void)state;
	for (v = 0; v < sizeof(parse_vectors) / sizeof(parse_vectors[0]); v++) {
		const struct parse_vector *t = &parse_vectors[v];
		struct patch_subject ps;
		struct buf tags = BUF_INIT;
		enum kind kind;
		size_t len, i;
		char *s = clean_and_parse(t->subject, strlen(t->subject), &ps, &len);

		check_spans(&ps, len);
		if (ps.is_reply)
			kind = REPLY;
		else if (ps.is_patch)
			kind = PATCH;
		else
			kind = ps.is_pull_request ? PULLREQ : NONE;
		for (i = 0; i < ps.ntags; i++) {
			if (i)
				buf_addch(&tags, '|');
			buf_add(&tags, s + ps.tags[i].off, ps.tags[i].len);
		}
		if (kind != t->kind || ps.rfc != !!(t->flags & RFC) ||
		    ps.resend != !!(t->flags & RESEND) ||
		    subject_is_lead(&ps) != !!(t->flags & LEAD) ||
		    ps.has_index != (t->index != NOIDX) ||
		    (t->index != NOIDX &&
		     (ps.index != (unsigned)t->index || ps.total != (unsigned)t->total)) ||
		    ps.version_major != t->major || ps.version_minor != t->minor ||
		    ps.title.len != strlen(t->title) ||
		    memcmp(s + ps.title.off, t->title, ps.title.len) || strcmp(tags.data, t->tags))
			fail_msg("vector %zu (%s): '%s'\n"
				 "  got      %s rfc=%d resend=%d lead=%d index=%d:%u/%u v%u.%u "
				 "title='%.*s' tags='%s'\n"
				 "  expected %s rfc=%d resend=%d lead=%d index=%d:%d/%d v%u.%u "
				 "title='%s' tags='%s'",
				 v, t->why, t->subject, kind_name(kind), ps.rfc, ps.resend,
				 subject_is_lead(&ps), ps.has_index, ps.index, ps.total,
				 ps.version_major, ps.version_minor, (int)ps.title.len,
				 s + ps.title.off, tags.data, kind_name(t->kind),
				 !!(t->flags & RFC), !!(t->flags & RESEND), !!(t->flags & LEAD),
				 t->index != NOIDX, t->index, t->total, t->major, t->minor,
				 t->title, t->tags);
		buf_release(&tags);
		free(s);
	}
	print_message("[ INFO     ] %zu parse vectors\n",
		      sizeof(parse_vectors) / sizeof(parse_vectors[0]));
}

struct clean_vector {
	const char *why;
	const char *in;
	size_t len; /* 0: strlen(in) */
	const char *out;
};

/* clang-format off */
static const struct clean_vector clean_vectors[] = {
	{"corpus: folded header, double space", "unsigned  long", 0, "unsigned long"},
	{"tabs become one space", "a\t\tb", 0, "a b"},
	{"CR LF fold becomes one space", "Re: [PATCH] a\r\n\tb", 0, "Re: [PATCH] a b"},
	{"bare LF and CR", "a\nb\rc", 0, "a b c"},
	{"leading and trailing white space trimmed", " \t a b \r\n", 0, "a b"},
	{"only white space", " \t\r\n ", 0, ""},
	{"empty", "", 0, ""},
	{"C0 control dropped without leaving a space", "a\x01\x1b[31mb", 0, "a[31mb"},
	{"control between spaces: one space", "a \x07 b", 0, "a b"},
	{"vertical tab and form feed are Cc, not white space", "a\x0b\x0c" "b", 0, "ab"},
	{"DEL dropped", "a\x7f" "b", 0, "ab"},
	{"C1 U+0085 (NEL) dropped", "a\xc2\x85" "b", 0, "ab"},
	{"C1 U+0080 and U+009F dropped", "\xc2\x80" "a\xc2\x9f", 0, "a"},
	{"U+00A0 (no-break space) is not Cc: kept", "a\xc2\xa0" "b", 0, "a\xc2\xa0" "b"},
	{"U+00A9 kept", "\xc2\xa9 2024", 0, "\xc2\xa9 2024"},
	{"embedded NUL dropped", "a\0b", 3, "ab"},
	{"invalid UTF-8 kept as is", "a\xff\xfe" "b", 0, "a\xff\xfe" "b"},
	{"lone lead byte at the end kept", "a\xc2", 0, "a\xc2"},
	{"lone continuation bytes kept", "\x80\x9f", 0, "\x80\x9f"},
	{"truncated 3-byte sequence kept", "a\xe2\x82" " b", 0, "a\xe2\x82 b"},
	{"lone 0xC2 then C0 then 0x85 must not become U+0085", "\xc2\x01\x85", 0, "\xc2"},
	{"lone 0xC2, space, 0x85: the space keeps them apart", "\xc2 \x85", 0, "\xc2 \x85"},
	{"UTF-8 kept", "Копия: 回复", 0, "Копия: 回复"},
	{"bidi controls are not Cc (dropped by the printer, not here)",
	 "a\xe2\x80\xae" "b", 0, "a\xe2\x80\xae" "b"},
};
/* clang-format on */

static void test_clean_vectors(void **state)
{
	size_t v;

	(void)state;
	for (v = 0; v < sizeof(clean_vectors) / sizeof(clean_vectors[0]); v++) {
		const struct clean_vector *t = &clean_vectors[v];
		size_t len = t->len ? t->len : strlen(t->in);
		char *copy = malloc(len ? len : 1);
		struct buf b = BUF_INIT;

		assert_non_null(copy);
		memcpy(copy, t->in, len);
		subject_clean(copy, len, &b);
		if (b.len != strlen(t->out) || memcmp(b.data, t->out, b.len))
			fail_msg("clean vector %zu (%s): got %zu bytes '%s'", v, t->why, b.len,
				 b.data);
		buf_release(&b);
		free(copy);
	}
	print_message("[ INFO     ] %zu clean vectors\n",
		      sizeof(clean_vectors) / sizeof(clean_vectors[0]));
}

/* subject_clean appends: what the buffer held stays. */
static void test_clean_appends(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	buf_addstr(&b, "x: ");
	subject_clean(" a  b ", 6, &b);
	assert_string_equal(b.data, "x: a b");
	subject_clean("", 0, &b);
	assert_string_equal(b.data, "x: a b");
	buf_release(&b);
}

/* Builds `count` copies of `unit` in a heap buffer of exactly that size. */
static char *repeat(const char *unit, size_t count, size_t *len)
{
	size_t n = strlen(unit), i;
	char *s = malloc(n * count > 0 ? n * count : 1);

	assert_non_null(s);
	for (i = 0; i < count; i++)
		memcpy(s + i * n, unit, n);
	*len = n * count;
	return s;
}

static void test_clean_overlong(void **state)
{
	struct buf b = BUF_INIT;
	size_t len;
	char *s;

	(void)state;
	/* ASCII: cut at exactly SUBJECT_MAX_LEN. */
	s = repeat("a", 5000, &len);
	subject_clean(s, len, &b);
	assert_int_equal(b.len, SUBJECT_MAX_LEN);
	free(s);

	/* 3-byte characters: cut before the one that does not fit. */
	buf_reset(&b);
	s = repeat("€", 3000, &len);
	subject_clean(s, len, &b);
	assert_int_equal(b.len, SUBJECT_MAX_LEN / 3 * 3);
	assert_memory_equal(b.data + b.len - 3, "€", 3);
	free(s);

	/* A 2-byte character straddling the cap is left out whole. */
	buf_reset(&b);
	s = repeat("a", SUBJECT_MAX_LEN + 1, &len);
	memcpy(s + SUBJECT_MAX_LEN - 1, "\xc3\xa9", 2);
	subject_clean(s, len, &b);
	assert_int_equal(b.len, SUBJECT_MAX_LEN - 1);
	free(s);

	/* No trailing space when the character after it does not fit. */
	buf_reset(&b);
	s = repeat("a", SUBJECT_MAX_LEN + 1, &len);
	s[SUBJECT_MAX_LEN - 1] = ' ';
	subject_clean(s, len, &b);
	assert_int_equal(b.len, SUBJECT_MAX_LEN - 1);
	assert_int_equal(b.data[b.len - 1], 'a');
	free(s);

	/* Megabytes of white space and controls: empty, quickly. */
	buf_reset(&b);
	s = repeat(" \t\x01\r\n\x7f\xc2\x85", 200000, &len);
	subject_clean(s, len, &b);
	assert_int_equal(b.len, 0);
	free(s);
	buf_release(&b);
}

static void parse_exact(const char *s, size_t len, struct patch_subject *ps)
{
	subject_parse(ps, s, len);
	check_spans(ps, len);
}

static void test_parse_hostile(void **state)
{
	struct patch_subject ps;
	size_t len;
	char *s;

	(void)state;
	/* 10,000 '[' and no ']': no group, the whole (capped) subject is the title. */
	s = repeat("[", 10000, &len);
	parse_exact(s, len, &ps);
	assert_false(ps.is_patch);
	assert_false(ps.is_reply);
	assert_int_equal(ps.title.off, 0);
	assert_int_equal(ps.title.len, SUBJECT_MAX_LEN);
	free(s);

	/* 10,000 '[' then ']': one group whose words are all '['s. */
	s = repeat("[", 10001, &len);
	s[len - 1] = ']';
	parse_exact(s, len, &ps);
	assert_false(ps.is_patch);
	free(s);

	/* Thousands of empty groups. */
	s = repeat("[]", 5000, &len);
	parse_exact(s, len, &ps);
	assert_false(ps.is_patch);
	assert_int_equal(ps.ntags, 0);
	free(s);

	/* Thousands of patch groups: capped, still a patch. */
	s = repeat("[PATCH v2 1/2 net]", 1000, &len);
	parse_exact(s, len, &ps);
	assert_true(ps.is_patch);
	assert_int_equal(ps.version_major, 2);
	assert_int_equal(ps.ntags, SUBJECT_MAX_TAGS);
	free(s);

	/* Thousands of reply prefixes. */
	s = repeat("Re: ", 5000, &len);
	parse_exact(s, len, &ps);
	assert_true(ps.is_reply);
	assert_int_equal(ps.title.len, 0);
	free(s);

	/* A huge number of digits. */
	s = repeat("9", 10000, &len);
	s[0] = '[';
	s[1] = 'v';
	parse_exact(s, len, &ps);
	assert_false(ps.is_patch);
	free(s);

	/* An overlong subject cut inside a UTF-8 character: the title ends before it. */
	s = repeat("a", SUBJECT_MAX_LEN + 10, &len);
	memcpy(s + SUBJECT_MAX_LEN - 1, "\xe2\x82\xac", 3);
	parse_exact(s, len, &ps);
	assert_int_equal(ps.title.off + ps.title.len, SUBJECT_MAX_LEN - 1);
	free(s);

	/* len 0 on a buffer that holds no NUL: nothing is read. */
	s = malloc(1);
	assert_non_null(s);
	s[0] = '[';
	parse_exact(s, 0, &ps);
	assert_false(ps.is_patch || ps.is_reply || ps.is_pull_request);
	assert_int_equal(ps.title.len, 0);
	assert_int_equal(ps.version_major, 1);
	free(s);

	/* A prefix of a longer buffer: only `len` bytes count. */
	parse_exact("[PATCH v2 1/3] foo", 6, &ps);
	assert_false(ps.is_patch); /* "[PATCH" is unclosed within len */
	assert_int_equal(ps.title.len, 6);
	parse_exact("Re: [PATCH] foo", 2, &ps);
	assert_false(ps.is_reply);
}

/* xorshift64: deterministic, so a failure replays. */
static uint64_t rng_next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static bool clean_output_ok(const struct buf *b)
{
	size_t i;

	if (b->len > SUBJECT_MAX_LEN)
		return false;
	if (b->len && (b->data[0] == ' ' || b->data[b->len - 1] == ' '))
		return false;
	for (i = 0; i < b->len; i++) {
		unsigned char c = (unsigned char)b->data[i];

		if (c < 0x20 || c == 0x7f)
			return false;
		if (c == ' ' && i + 1 < b->len && b->data[i + 1] == ' ')
			return false;
		if (c == 0xc2 && i + 1 < b->len && (unsigned char)b->data[i + 1] >= 0x80 &&
		    (unsigned char)b->data[i + 1] <= 0x9f)
			return false;
	}
	return true;
}

/*
 * The fuzz-friendly properties on random subjects made of the pieces that
 * matter: spans inside [0, len], consistent verdicts, and subject_clean's
 * output free of controls, of double and edge spaces, and a fixed point.
 */
static void test_properties(void **state)
{
	/* clang-format off */
	static const char *const pieces[] = {
		"[", "]", " ", "  ", "\t", "\r\n", ",", "/", ":", "PATCH", "patch", "RFC", "v2",
		"V3", "v2.1", "1/3", "01/33", "0", "9999999999999", "PULL", "GIT", "RESEND",
		"Re:", "RE :", "Aw:", "Re[2]:", "(", ")", "net-next", "\xc3\xa9", "\xc3", "\xa9",
		"\xc2", "\x85", "\x01", "\x7f", "\xff", "回复", "：", "\xe2\x82", "\0", "a", "-",
	};
	/* clang-format on */
	const size_t npieces = sizeof(pieces) / sizeof(pieces[0]);
	uint64_t x = 0x9e3779b97f4a7c15ull;
	struct buf in = BUF_INIT, once = BUF_INIT, twice = BUF_INIT;
	unsigned iter;

	(void)state;
	for (iter = 0; iter < 20000; iter++) {
		struct patch_subject ps;
		size_t n = rng_next(&x) % 24, i;
		char *copy;

		buf_reset(&in);
		for (i = 0; i < n; i++) {
			const char *p = pieces[rng_next(&x) % npieces];

			buf_add(&in, p, *p ? strlen(p) : 1); /* "\0" adds one NUL byte */
		}

		/* Raw input, not cleaned: still no read past len. */
		copy = malloc(in.len ? in.len : 1);
		assert_non_null(copy);
		if (in.len)
			memcpy(copy, in.data, in.len);
		parse_exact(copy, in.len, &ps);
		free(copy);

		buf_reset(&once);
		buf_reset(&twice);
		subject_clean(in.data, in.len, &once);
		if (!clean_output_ok(&once))
			fail_msg("iteration %u: bad clean output", iter);
		subject_clean(once.data, once.len, &twice);
		assert_int_equal(once.len, twice.len);
		assert_memory_equal(once.data, twice.data, once.len);

		copy = malloc(once.len ? once.len : 1);
		assert_non_null(copy);
		if (once.len)
			memcpy(copy, once.data, once.len);
		parse_exact(copy, once.len, &ps);
		/* A cleaned subject gives a trimmed title. */
		if (ps.title.len) {
			assert_true(copy[ps.title.off] != ' ');
			assert_true(copy[ps.title.off + ps.title.len - 1] != ' ');
		}
		free(copy);
	}
	buf_release(&in);
	buf_release(&once);
	buf_release(&twice);
}

int main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_vectors),
		cmocka_unit_test(test_clean_vectors),
		cmocka_unit_test(test_clean_appends),
		cmocka_unit_test(test_clean_overlong),
		cmocka_unit_test(test_parse_hostile),
		cmocka_unit_test(test_properties),
	};
	/* clang-format on */

	return cmocka_run_group_tests_name("subject", tests, NULL, NULL);
}
