/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for src/series/applied.c: is a reply an applied notice?
 *
 * Vectors marked with a commit id are replies of the kvm-ppc archive
 * (`git -C kvm-ppc.git show <commit>:m`), trimmed to the lines that matter
 * (the quoted patch mostly dropped, a "> ..." line kept where the layout
 * depends on it).  Vectors marked "not in corpus" are forms the SPEC or the
 * issue names that kvm-ppc does not hold (the patchwork bot, b4 ty's
 * "Applied to" + URL, "(no commit info)").
 *
 * Every body is classified from a heap copy of exactly its length (no NUL
 * after it), so AddressSanitizer catches a read past `len`.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

#include "series/applied.h"

struct notice_vector {
	const char *why;
	const char *body;
	enum applied_kind kind;
	const char *verb;    /* NULL: not checked (APPLIED_NONE) */
	const char *where;   /* "" when none */
	const char *who;     /* "" when none */
	const char *patches; /* "" when all */
	size_t nitems;
	const char *item0;  /* "i/n|title|commit" of the first item, or NULL */
	const char *commit; /* a person's notice's commit link, "" when none */
};

/* clang-format off */
static const struct notice_vector notices[] = {
	/* ---- Michael Ellerman's notices: a sentence, then [i/n] + link ---- */
	{"0273dd58fc10: 'Applied to powerpc/next.' with three listed patches and links",
	 "On Fri, 3 Jul 2020 11:19:55 +1000, Nicholas Piggin wrote:\n"
	 "> It was suggested that I post this to a wider audience on account of\n"
	 "> [...]\n"
	 "\n"
	 "Applied to powerpc/next.\n"
	 "\n"
	 "[1/3] powerpc: Remove stale calc_vm_prot_bits() comment\n"
	 "      https://git.kernel.org/powerpc/c/f4ac1774f2cba44994ce9ac0a65772e4656ac2df\n"
	 "[2/3] powerpc/64s: Remove PROT_SAO support\n"
	 "      https://git.kernel.org/powerpc/c/5c9fa16e8abd342ce04dc830c1ebb2a03abf6c05\n"
	 "[3/3] powerpc/64s/hash: Disable subpage_prot syscall by default\n"
	 "      https://git.kernel.org/powerpc/c/63396ada804c676e070bd1b8663046f18698ab27\n"
	 "\n"
	 "cheers\n",
	 APPLIED_LIST, "applied", "powerpc/next", "", "", 3,
	 "1/3|powerpc: Remove stale calc_vm_prot_bits() comment|"
	 "https://git.kernel.org/powerpc/c/f4ac1774f2cba44994ce9ac0a65772e4656ac2df", ""},
	{"06386aabd8b0: a single patch listed as [1/1]",
	 "On Sat, 7 Nov 2020 14:26:22 +0800, xiakaixu1987@gmail.com wrote:\n"
	 "> Fix the following coccinelle warnings:\n"
	 "\n"
	 "Applied to powerpc/next.\n"
	 "\n"
	 "[1/1] KVM: PPC: Book3S: Assign boolean values to a bool variable\n"
	 "      https://git.kernel.org/powerpc/c/13751f8747519fe3bdc738fa6d802fbd94a85ac4\n"
	 "\n"
	 "cheers\n",
	 APPLIED_LIST, "applied", "powerpc/next", "", "", 1,
	 "1/1|KVM: PPC: Book3S: Assign boolean values to a bool variable|"
	 "https://git.kernel.org/powerpc/c/13751f8747519fe3bdc738fa6d802fbd94a85ac4", ""},
	{"8b05fb69b504: 'Patches 2-8 applied': only some patches of the series",
	 "> [...]\n"
	 "\n"
	 "Patches 2-8 applied to powerpc/next.\n"
	 "\n"
	 "[2/8] powerpc/64s/powernv: Allow KVM to handle guest machine check details\n"
	 "      https://git.kernel.org/powerpc/c/0ce2382657f39ced2adbb927355360c3aaeb05f8\n",
	 APPLIED_LIST, "applied", "powerpc/next", "", "2-8", 1,
	 "2/8|powerpc/64s/powernv: Allow KVM to handle guest machine check details|"
	 "https://git.kernel.org/powerpc/c/0ce2382657f39ced2adbb927355360c3aaeb05f8", ""},
	{"d4705306b033: 'Patch 1 applied to powerpc/fixes.' (the same series, the other tree)",
	 "> [...]\n"
	 "\n"
	 "Patch 1 applied to powerpc/fixes.\n"
	 "\n"
	 "[1/8] powerpc/64s/powernv: Fix memory corruption when saving SLB entries on MCE\n"
	 "      https://git.kernel.org/powerpc/c/a1ee28117077c3bf24e5ab6324c835eaab629c45\n",
	 APPLIED_LIST, "applied", "powerpc/fixes", "", "1", 1, NULL, ""},
	{"072909b593b8: the older form, a sentence and a lone link",
	 "> Signed-off-by: Marcus Comstedt <marcus@mc.pp.se>\n"
	 "\n"
	 "Applied to powerpc fixes, thanks.\n"
	 "\n"
	 "https://git.kernel.org/powerpc/c/228b607d8ea1b7d4561945058d5692709099d432\n"
	 "\n"
	 "cheers\n",
	 APPLIED_REPLY, "applied", "powerpc fixes", "", "", 0, NULL,
	 "https://git.kernel.org/powerpc/c/228b607d8ea1b7d4561945058d5692709099d432"},
	{"263aa517d31c: a tree named with a space, 'powerpc topic/ppc-kvm'",
	 "On Tue, 2019-08-06 at 17:25:38 UTC, =?utf-8?q?C=C3=A9dric_Le_Goater?= wrote:\n"
	 "\n"
	 "Applied to powerpc topic/ppc-kvm, thanks.\n"
	 "\n"
	 "https://git.kernel.org/powerpc/c/237aed48c642328ff0ab19b63423634340224a06\n"
	 "\n"
	 "cheers\n",
	 APPLIED_REPLY, "applied", "powerpc topic/ppc-kvm", "", "", 0, NULL,
	 "https://git.kernel.org/powerpc/c/237aed48c642328ff0ab19b63423634340224a06"},
	{"2b93f60defae: 'Series applied to powerpc next, thanks.'",
	 "> Signed-off-by: Nicholas Piggin <npiggin@gmail.com>\n"
	 "\n"
	 "Series applied to powerpc next, thanks.\n"
	 "\n"
	 "https://git.kernel.org/powerpc/c/fe7946ce0808eb0e43711f5db7d2d1599b362d02\n",
	 APPLIED_REPLY, "applied", "powerpc next", "", "", 0, NULL,
	 "https://git.kernel.org/powerpc/c/fe7946ce0808eb0e43711f5db7d2d1599b362d02"},

	/* ---- b4 ty ---- */
	{"05f112157858: b4 ty, 'Applied, thanks!' and commit: lines, signature after",
	 "On Wed, 9 Jun 2021 16:37:05 +0200, Cornelia Huck wrote:\n"
	 "> This is an extension of \"s390x: unify header guards\" to the rest\n"
	 "> [...]\n"
	 "\n"
	 "Applied, thanks!\n"
	 "\n"
	 "[1/7] README.md: add guideline for header guards format\n"
	 "      commit: 844669a9631d78a54b47f6667c9a2750b65d101c\n"
	 "[2/7] lib: unify header guards\n"
	 "      commit: 9f0ae3012430ed7072d04247fb674125c616a6b4\n"
	 "\n"
	 "Best regards,\n"
	 "-- \n"
	 "Paolo Bonzini <pbonzini@redhat.com>\n",
	 APPLIED_LIST, "applied", "", "", "", 2,
	 "1/7|README.md: add guideline for header guards format|"
	 "844669a9631d78a54b47f6667c9a2750b65d101c", ""},
	{"not in corpus: b4 ty 'Applied to' with the tree on its own line, one patch it did not find",
	 "On Mon, 01 Jan 2024 10:00:00 +0000, A Developer wrote:\n"
	 "> [...]\n"
	 "\n"
	 "Applied to\n"
	 "\n"
	 "   https://git.kernel.org/pub/scm/linux/kernel/git/broonie/spi.git for-next\n"
	 "\n"
	 "Thanks!\n"
	 "\n"
	 "[1/2] spi: fix a thing\n"
	 "      commit: 0123456789abcdef0123456789abcdef01234567\n"
	 "[2/2] spi: fix another thing\n"
	 "      (no commit info)\n",
	 APPLIED_LIST, "applied",
	 "https://git.kernel.org/pub/scm/linux/kernel/git/broonie/spi.git for-next", "", "", 1,
	 "1/2|spi: fix a thing|0123456789abcdef0123456789abcdef01234567", ""},

	/* ---- the patchwork bot (not in kvm-ppc) ---- */
	{"not in corpus: the patchwork bot, the SPEC's example",
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
	 "You are awesome, thank you!\n"
	 "-- \n"
	 "Deet-doot-dot, I am a bot.\n"
	 "https://korg.docs.kernel.org/patchwork/pwbot.html\n",
	 APPLIED_PATCHWORK, "applied", "netdev/net-next.git (main)",
	 "Paolo Abeni <pabeni@redhat.com>", "", 1,
	 "0/0|net: mana: Add Interrupt Moderation support|"
	 "https://git.kernel.org/netdev/net-next/c/c0c28a6d4d4e", ""},
	{"not in corpus: the patchwork bot, a series, 'by' on the same line",
	 "Hello:\n"
	 "\n"
	 "This series was applied to bpf/bpf-next.git (master) by Alexei Starovoitov <ast@kernel.org>:\n"
	 "\n"
	 "Here is the summary with links:\n"
	 "  - [bpf-next,v2,1/2] bpf: one\n"
	 "    https://git.kernel.org/bpf/bpf-next/c/1111111111aa\n"
	 "  - [bpf-next,v2,2/2] selftests/bpf: two\n"
	 "    https://git.kernel.org/bpf/bpf-next/c/2222222222bb\n",
	 APPLIED_PATCHWORK, "applied", "bpf/bpf-next.git (master)",
	 "Alexei Starovoitov <ast@kernel.org>", "", 2,
	 "1/2|bpf: one|https://git.kernel.org/bpf/bpf-next/c/1111111111aa", ""},

	/* ---- the pr-tracker bot ---- */
	{"c2251eab0df7: pr-tracker-bot, a pull request merged into torvalds/linux.git",
	 "The pull request you sent on Tue,  2 Nov 2021 14:54:22 +0100:\n"
	 "\n"
	 "> git://git.kernel.org/pub/scm/linux/kernel/git/gfs2/linux-gfs2.git tags/gfs2-v5.15-rc5-mmap-fault\n"
	 "\n"
	 "has been merged into torvalds/linux.git:\n"
	 "https://git.kernel.org/torvalds/c/6edb6ba333d31bb42d9ab8b1b6ff1c5ecbc3813c\n"
	 "\n"
	 "Thank you!\n"
	 "\n"
	 "-- \n"
	 "Deet-doot-dot, I am a bot.\n",
	 APPLIED_MERGED, "merged", "torvalds/linux.git", "", "", 0, NULL,
	 "https://git.kernel.org/torvalds/c/6edb6ba333d31bb42d9ab8b1b6ff1c5ecbc3813c"},

	/* ---- people: Paul Mackerras, kvm-ppc's maintainer ---- */
	{"0c2ea7936a30: 'Thanks, applied to my kvm-ppc-next branch.' ('my' and 'branch' dropped)",
	 "> Signed-off-by: Bharata B Rao <bharata@linux.ibm.com>\n"
	 "\n"
	 "Thanks, applied to my kvm-ppc-next branch.\n"
	 "\n"
	 "Paul.\n",
	 APPLIED_REPLY, "applied", "kvm-ppc-next", "", "", 0, NULL, ""},
	{"518b3861fa6c: 'Thanks, patch applied to my kvm-ppc-next tree.'",
	 "> Signed-off-by: Suraj Jitindar Singh <sjitindarsingh@gmail.com>\n"
	 "\n"
	 "Thanks, patch applied to my kvm-ppc-next tree.\n"
	 "\n"
	 "Paul.\n",
	 APPLIED_REPLY, "applied", "kvm-ppc-next", "", "", 0, NULL, ""},
	{"3993f8bf3d44: WHERE stops at 'and' ('... branch and pull request sent.')",
	 "> Testing: Passed rigorous testing using various sized SVMs.\n"
	 "\n"
	 "Thanks, series applied to my kvm-ppc-next branch and pull request sent.\n"
	 "\n"
	 "Paul.\n",
	 APPLIED_REPLY, "applied", "kvm-ppc-next", "", "", 0, NULL, ""},
	{"adfb5cd11691: 'patches 3 and 4 of this series applied'",
	 "> Signed-off-by: Tianjia Zhang <tianjia.zhang@linux.alibaba.com>\n"
	 "\n"
	 "Thanks, patches 3 and 4 of this series applied to my kvm-ppc-next branch.\n"
	 "\n"
	 "Paul.\n",
	 APPLIED_REPLY, "applied", "kvm-ppc-next", "", "3, 4", 0, NULL, ""},
	{"c35fb988cba3: WHERE stops at '(' ('branch (with the headline ...')",
	 "Thanks, patch applied to my kvm-ppc-fixes branch (with the headline\n"
	 "\"KVM: PPC: Book3S HV: XIVE: Introduce a new mutex for the XIVE\n"
	 "device\").\n"
	 "\n"
	 "Paul.\n",
	 APPLIED_REPLY, "applied", "kvm-ppc-fixes", "", "", 0, NULL, ""},
	{"dbcc17e92858: 'Thanks, both patches applied to my kvm-ppc-next tree.'",
	 "> Signed-off-by: Suraj Jitindar Singh <sjitindarsingh@gmail.com>\n"
	 "\n"
	 "Thanks, both patches applied to my kvm-ppc-next tree.\n",
	 APPLIED_REPLY, "applied", "kvm-ppc-next", "", "", 0, NULL, ""},
	{"2c734aae5502: 'Thanks, applied.' without a tree",
	 "> Signed-off-by: Greg Kurz <groug@kaod.org>\n"
	 "\n"
	 "Thanks, applied.\n"
	 "\n"
	 "Paul.\n",
	 APPLIED_REPLY, "applied", "", "", "", 0, NULL, ""},

	/* ---- people: Paolo Bonzini ---- */
	{"169dd71277811: 'Queued, thanks.'",
	 ">   6 files changed, 65 insertions(+), 16 deletions(-)\n"
	 "> \n"
	 "\n"
	 "Queued, thanks.\n"
	 "\n"
	 "Paolo\n",
	 APPLIED_REPLY, "queued", "", "", "", 0, NULL, ""},
	{"49ead3884f9c: 'Queued for 5.3, thanks.' ('for' is a release, not a tree)",
	 ">  \t}\n"
	 "> \n"
	 "\n"
	 "Queued for 5.3, thanks.\n"
	 "\n"
	 "Paolo\n",
	 APPLIED_REPLY, "queued", "", "", "", 0, NULL, ""},
	{"1f2c4bb4dfc6: 'Queued and 1-9 and 18' (a typo) names only some patches",
	 "> Patches 17-18 are additional x86 cleanups.\n"
	 "\n"
	 "Queued and 1-9 and 18, thanks.  There's a small issue in patch 10 that \n"
	 "prevented me from committing 10-15, but they mostly look good.\n",
	 APPLIED_REPLY, "queued", "", "", "1-9, 18", 0, NULL, ""},
	{"e34229c0488c: 'Pushed to kvm/queue for now.' (a reply to a pull request)",
	 ">   git://git.kernel.org/pub/scm/linux/kernel/git/paulus/powerpc tags/kvm-ppc-next-5.5-1\n"
	 "\n"
	 "Pushed to kvm/queue for now.  It may take a couple days after I get\n"
	 "back, before I test all the pending x86 patches and push out to kvm/next.\n",
	 APPLIED_REPLY, "pushed", "kvm/queue", "", "", 0, NULL, ""},
	{"2ef25b6c566f: 'Pulled, thanks.' after a quoted diffstat",
	 ">  22 files changed, 276 insertions(+), 237 deletions(-)\n"
	 "> \n"
	 "\n"
	 "Pulled, thanks.\n"
	 "\n"
	 "Paolo\n",
	 APPLIED_REPLY, "pulled", "", "", "", 0, NULL, ""},
	{"e703d89c9dd7: 'I queued this patch.' after another sentence",
	 "> Signed-off-by: Nicholas Piggin <npiggin@gmail.com>\n"
	 "\n"
	 "Sorry for the breakage.  I queued this patch.\n"
	 "\n"
	 "Paolo\n",
	 APPLIED_REPLY, "queued", "", "", "", 0, NULL, ""},
	{"bae405aab52d: 'Rebased, and queued with the fix ...'",
	 ">   6 files changed, 72 insertions(+), 16 deletions(-)\n"
	 "> \n"
	 "\n"
	 "Rebased, and queued with the fix that Sean suggested.\n",
	 APPLIED_REPLY, "queued", "", "", "", 0, NULL, ""},
	{"447da7d0a0c7: 'I have just pushed it to kvm/next and I'll send it'",
	 "> Are you planning to send Linus another pull request for this merge\n"
	 "> window, with this stuff in it?\n"
	 "\n"
	 "Yes, of course.  I have just pushed it to kvm/next and I'll send it\n"
	 "tomorrow.\n",
	 APPLIED_REPLY, "pushed", "kvm/next", "", "", 0, NULL, ""},
	{"20e10a2ae95f: a sentence over a line break, '... and I've\\nqueued them.'",
	 "On 30/03/21 20:32, Ben Gardon wrote:\n"
	 "\n"
	 "Just finished reviewing that part too, they were very nice and I've \n"
	 "queued them.  I'll continue tomorrow with the rest.\n",
	 APPLIED_REPLY, "queued", "", "", "", 0, NULL, ""},

	/* ---- other maintainers ---- */
	{"0882ca586af3: Alex Williamson, 'Applied to vfio next branch with Paul's R-b.'",
	 "> Signed-off-by: Alexey Kardashevskiy <aik@ozlabs.ru>\n"
	 "> ---\n"
	 "\n"
	 "Applied to vfio next branch with Paul's R-b.  Thanks,\n"
	 "\n"
	 "Alex\n",
	 APPLIED_REPLY, "applied", "vfio next", "", "", 0, NULL, ""},
	{"ce666d95b960: Jason Gunthorpe, 'Applied to the hmm tree with ...'",
	 ">   mm/hmm/test: use the new migration invalidation\n"
	 "\n"
	 "Applied to the hmm tree with the modification I noted, I think all the\n"
	 "comments in the past versions were addressed. I will accumulate more\n"
	 "Reviews if any come.\n",
	 APPLIED_REPLY, "applied", "hmm", "", "", 0, NULL, ""},
	{"304b5e46a2ea: Jonathan Corbet, 'OK, I've applied this set, minus #17 ...'",
	 "> MAINTAINERS file).\n"
	 "\n"
	 "OK, I've applied this set, minus #17 which was applied elsewhere.\n"
	 "\n"
	 "Thanks,\n"
	 "\n"
	 "jon\n",
	 APPLIED_REPLY, "applied", "", "", "", 0, NULL, ""},
	{"15b1ae222eb5: David Gibson, '..., so\\nI've applied this to ppc-for-6.1.'",
	 "On Tue, May 18, 2021 at 08:03:17AM -0400, Shivaprasad G Bhat wrote:\n"
	 "\n"
	 "This is a reasonable cleanup regardless of the rest of the series, so\n"
	 "I've applied this to ppc-for-6.1.\n"
	 "\n"
	 "-- \n"
	 "David Gibson\t\t\t| I'll have my music baroque, and my code\n",
	 APPLIED_REPLY, "applied", "ppc-for-6.1", "", "", 0, NULL, ""},
	{"a2a820144626: Andrew Jones, 'Now merged through misc/queue.'",
	 "On Fri, Mar 18, 2022 at 10:36:01AM +0100, Andrew Jones wrote:\n"
	 "\n"
	 "Now merged through misc/queue.\n"
	 "\n"
	 "Thanks,\n"
	 "drew \n",
	 APPLIED_REPLY, "merged", "misc/queue", "", "", 0, NULL, ""},
	{"035c96f52fa0: Cédric Le Goater, 'Applied for ppc-7.0' (no tree: 'for')",
	 "\n"
	 "Applied for ppc-7.0\n"
	 "\n"
	 "Thanks,\n"
	 "\n"
	 "C.\n",
	 APPLIED_REPLY, "applied", "", "", "", 0, NULL, ""},
	{"not in corpus: the issue's 'Applied to kvm/queue, thanks.', CRLF line ends",
	 "Applied to kvm/queue, thanks.\r\n",
	 APPLIED_REPLY, "applied", "kvm/queue", "", "", 0, NULL, ""},

	/* ---- look alike, but not notices (kvm-ppc) ---- */
	{"2b7e6329e61b: a tester: 'I applied these 4, compiled, installed, ...'",
	 "I applied these 4, compiled, installed, rebooted, tried running a guest\n"
	 "(which failed because I also updated QEMU and its cli has changed), got\n",
	 APPLIED_NONE, NULL, "", "", "", 0, NULL, ""},
	{"9e47e1344279: the author: 'I merged them in the next version.'",
	 "Makes sense. I merged them in the next version. Thanks.\n",
	 APPLIED_NONE, NULL, "", "", "", 0, NULL, ""},
	{"1f1cb670f8a9: the author: 'I applied that change to the next version.'",
	 "Thanks Maddy. I applied that change to the next version.\n",
	 APPLIED_NONE, NULL, "", "", "", 0, NULL, ""},
	{"e8f6caded052: the author: 'I applied that to next patchset version.'",
	 "On 8/14/19 8:33 AM, Michael Ellerman wrote:\n"
	 "\n"
	 "Yes, I agree. I applied that to next patchset version.\n",
	 APPLIED_NONE, NULL, "", "", "", 0, NULL, ""},
	{"cd9287630ec8: a question over a line break: '... without this patch\\napplied?'",
	 "Huh.  I assume everything works if you disable halt polling _without_ this patch\n"
	 "applied?\n",
	 APPLIED_NONE, NULL, "", "", "", 0, NULL, ""},
	{"9673948899e4: a question: 'Is this enough for the patch to be queued?'",
	 "Great, thank you! Is this enough for the patch to be queued?\n",
	 APPLIED_NONE, NULL, "", "", "", 0, NULL, ""},
	{"5da9f9a78a60: 'I have \"queued\" it, but that's just my queue'",
	 "On 26/10/21 17:41, Marc Zyngier wrote:\n"
	 "\n"
	 "I have \"queued\" it, but that's just my queue - it's not on kernel.org \n"
	 "and it's not going to be in 5.16, at least not in the first batch.\n",
	 APPLIED_NONE, NULL, "", "", "", 0, NULL, ""},
	{"12e28be2070f: 'if [] can be applied' and 'I had queued an early version'",
	 "I should be able to get back to KVM stuff later today, I'll check myself \n"
	 "if [] can be applied and reply.  I had queued an early version of these \n"
	 "for my local build to play with them but I haven't been able to do a \n",
	 APPLIED_NONE, NULL, "", "", "", 0, NULL, ""},
	{"13b4f29b61cb: 'I'm not sure if this is because I've applied your patches on a'",
	 "I'm not sure if this is because I've applied your patches on a\n"
	 "different base than the one you're using (I'm using 5.13-rc6), but it\n",
	 APPLIED_NONE, NULL, "", "", "", 0, NULL, ""},
	{"102f5f21df8e: a tester's list: ' - I checked out v5.13 ..., applied this patch, built a'",
	 " - I checked out v5.13 and powerpc/merge, applied this patch, built a\n"
	 "   pseries_le_defconfig and boot tested it in qemu. It didn't crash on\n",
	 APPLIED_NONE, NULL, "", "", "", 0, NULL, ""},
	{"7d6953b42e81: future: 'until that gets pulled into Paolo's tree'",
	 "Good to know, I'll wait to send v2 until that gets pulled into Paolo's tree.\n"
	 "Thanks for the heads up, and especially for testing!\n",
	 APPLIED_NONE, NULL, "", "", "", 0, NULL, ""},
	{"1a54112a4571: a line that continues a sentence: 'get CNA \\nmerged, if possible.'",
	 "I thought you guys are not interested in CNA. I do want to get CNA \n"
	 "merged, if possible. Let review the current version again and see if \n"
	 "there are ways we can further improve it.\n",
	 APPLIED_NONE, NULL, "", "", "", 0, NULL, ""},
	{"55fdbd98c60c: 'since this patch is merged my VM is experiencing a crash'",
	 "On 09/06/2021 03:34, Jordan Niethe wrote:\n"
	 "\n"
	 "since this patch is merged my VM is experiencing a crash at boot (20% of the time):\n",
	 APPLIED_NONE, NULL, "", "", "", 0, NULL, ""},
	{"6532a5bb93a3: someone else's: 'I see that you have merged the whole series'",
	 "Paolo,\n"
	 "\n"
	 "I see that you have merged the whole series to kvm/queue, even though it\n"
	 "still needed some changes and, most importantly, a good round of testing.\n",
	 APPLIED_NONE, NULL, "", "", "", 0, NULL, ""},
	{"14362225f182: 'This patch doesn't apply.'",
	 "Le 09/05/2021 à 14:00, Nour-eddine Taleb a écrit :\n"
	 "\n"
	 "This patch doesn't apply. Tabs are broken, they've been replaced by 4 \n"
	 "space chars.\n",
	 APPLIED_NONE, NULL, "", "", "", 0, NULL, ""},
	{"2b2e8ca444dd: a quoted notice ('> Thanks, patches 3 and 4 ... applied ...')",
	 "> Thanks, patches 3 and 4 of this series applied to my kvm-ppc-next branch.\n"
	 "> \n"
	 "> Paul.\n"
	 "> \n"
	 "\n"
	 "Thanks for your suggestion, for 5/7, I will submit a new version patch.\n",
	 APPLIED_NONE, NULL, "", "", "", 0, NULL, ""},
	{"00b5c6e9908f: the kernel test robot: '[If your patch is applied to the wrong git tree'",
	 "Hi Alistair,\n"
	 "\n"
	 "Thank you for the patch! Yet something to improve:\n"
	 "\n"
	 "[auto build test ERROR on kselftest/next]\n"
	 "[cannot apply to hnaz-linux-mm/master]\n"
	 "[If your patch is applied to the wrong git tree, kindly drop us a note.\n"
	 "And when submitting patch, we suggest to use '--base' as documented in\n",
	 APPLIED_NONE, NULL, "", "", "", 0, NULL, ""},
	{"0a506544903a: the kernel test robot's 'commit: <id> [2/2] XXX' is no list",
	 "tree:   https://github.com/agraf/linux-2.6.git kexec-cma\n"
	 "head:   752619bbe38c535612b1a9e5b47ea7d962c63449\n"
	 "commit: 752619bbe38c535612b1a9e5b47ea7d962c63449 [2/2] XXX\n"
	 "config: x86_64-randconfig-161-20250510\n",
	 APPLIED_NONE, NULL, "", "", "", 0, NULL, ""},
	{"5c97612ca2ea: 'I have this queued:' is about another patch",
	 "I have this queued:\n"
	 "  https://patchwork.ozlabs.org/patch/1253390/\n"
	 "\n"
	 "Which I think does the same thing?\n",
	 APPLIED_NONE, NULL, "", "", "", 0, NULL, ""},

	/* ---- the negatives (not in corpus in this form) ---- */
	{"not in corpus: 'Not applied'", "Not applied, this breaks the build.\n",
	 APPLIED_NONE, NULL, "", "", "", 0, NULL, ""},
	{"not in corpus: 'will be applied'", "This will be applied after the merge window.\n",
	 APPLIED_NONE, NULL, "", "", "", 0, NULL, ""},
	{"not in corpus: 'Can this be applied?'", "Ping. Can this be applied?\n",
	 APPLIED_NONE, NULL, "", "", "", 0, NULL, ""},
	{"not in corpus: 'applied on top of'", "Series applied on top of v6.9-rc1 builds fine.\n",
	 APPLIED_NONE, NULL, "", "", "", 0, NULL, ""},
	{"not in corpus: 'I applied your patch and tested'",
	 "I applied your patch and tested it on a POWER9 box.\n",
	 APPLIED_NONE, NULL, "", "", "", 0, NULL, ""},
	{"not in corpus: 'Applies cleanly'", "Applies cleanly to powerpc/next.\n",
	 APPLIED_NONE, NULL, "", "", "", 0, NULL, ""},
	{"not in corpus: a notice after the signature line is the signature's",
	 "Looks good.\n-- \nApplied to powerpc/next.\n",
	 APPLIED_NONE, NULL, "", "", "", 0, NULL, ""},
	{"not in corpus: indented quote '  > Applied'", "  > Applied to powerpc/next.\n\nOK.\n",
	 APPLIED_NONE, NULL, "", "", "", 0, NULL, ""},
	{"empty body", "", APPLIED_NONE, NULL, "", "", "", 0, NULL, ""},
};
/* clang-format on */

static char *heap_copy(const char *s, size_t len)
{
	char *p = malloc(len ? len : 1);

	assert_non_null(p);
	memcpy(p, s, len);
	return p;
}

static void check_span(const char *body, struct applied_span sp, const char *want, const char *what,
		       const char *why)
{
	if (sp.len != strlen(want) || memcmp(body + sp.off, want, sp.len)) {
		fprintf(stderr, "%s: %s is '%.*s', want '%s'\n", why, what, (int)sp.len,
			body + sp.off, want);
		fail();
	}
}

static void test_notices(void **state)
{
	size_t i, positives = 0, negatives = 0;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(notices); i++) {
		const struct notice_vector *v = &notices[i];
		size_t len = strlen(v->body);
		char *body = heap_copy(v->body, len);
		struct applied_notice *an = malloc(sizeof(*an));
		bool found = applied_classify(body, len, an);

		if (found != (v->kind != APPLIED_NONE) || an->kind != v->kind) {
			fprintf(stderr, "%s: kind %d, want %d\n", v->why, an->kind, v->kind);
			fail();
		}
		if (found) {
			positives++;
			assert_string_equal(an->verb, v->verb);
			check_span(body, an->where, v->where, "where", v->why);
			check_span(body, an->who, v->who, "who", v->why);
			check_span(body, an->commit, v->commit, "commit", v->why);
			if (strcmp(an->patches, v->patches)) {
				fprintf(stderr, "%s: patches '%s', want '%s'\n", v->why,
					an->patches, v->patches);
				fail();
			}
			if (an->nitems != v->nitems) {
				fprintf(stderr, "%s: %zu items, want %zu\n", v->why, an->nitems,
					v->nitems);
				fail();
			}
			if (v->item0) {
				char got[512];

				snprintf(got, sizeof(got), "%u/%u|%.*s|%.*s", an->items[0].index,
					 an->items[0].total, (int)an->items[0].title.len,
					 body + an->items[0].title.off,
					 (int)an->items[0].commit.len,
					 body + an->items[0].commit.off);
				if (strcmp(got, v->item0)) {
					fprintf(stderr, "%s: item '%s', want '%s'\n", v->why, got,
						v->item0);
					fail();
				}
			}
		} else {
			negatives++;
		}
		free(an);
		free(body);
	}
	/* the issue asks for at least 20 notices and 10 look-alikes from kvm-ppc */
	assert_true(positives >= 30);
	assert_true(negatives >= 20);
}

/* The source of a pull request (git request-pull). */
static void test_pull_source(void **state)
{
	/* e694786d66d9: "[GIT PULL] Please pull my kvm-ppc-next-5.8-1 tag", trimmed */
	static const char body[] =
	    "Hi Paolo,\n"
	    "\n"
	    "Please do a pull from my kvm-ppc-next-5.8-1 tag to get a PPC KVM\n"
	    "update for 5.8.  It's a relatively small update this time.  Michael\n"
	    "\n"
	    "The following changes since commit 9d5272f5e36155bcead69417fd12e98624e7faef:\n"
	    "\n"
	    "  Merge tag 'noinstr-x86-kvm-2020-05-16' of "
	    "git://git.kernel.org/pub/scm/linux/kernel/git/tip/tip into HEAD (2020-05-20 03:40:09 "
	    "-0400)\n"
	    "\n"
	    "are available in the git repository at:\n"
	    "\n"
	    "  git://git.kernel.org/pub/scm/linux/kernel/git/paulus/powerpc "
	    "tags/kvm-ppc-next-5.8-1\n"
	    "\n"
	    "for you to fetch changes up to 11362b1befeadaae4d159a8cddcdaf6b8afe08f9:\n";
	static const char want[] =
	    "git://git.kernel.org/pub/scm/linux/kernel/git/paulus/powerpc tags/kvm-ppc-next-5.8-1";
	size_t len = sizeof(body) - 1;
	char *copy = heap_copy(body, len);
	struct applied_span sp;

	(void)state;
	assert_true(applied_pull_source(copy, len, &sp));
	assert_int_equal(sp.len, strlen(want));
	assert_memory_equal(copy + sp.off, want, sp.len);
	assert_false(applied_pull_source("no source here\n", 15, &sp));
	free(copy);
}

/* Hostile input: long lines, many items, no newline at the end. */
static void test_bounds(void **state)
{
	size_t len = 300000, i;
	char *body = malloc(len);
	struct applied_notice *an = malloc(sizeof(*an));

	(void)state;
	/* 300 kB of one line that looks like a notice: too long to be one */
	memset(body, 'x', len);
	memcpy(body, "Applied to ", 11);
	assert_false(applied_classify(body, len, an));
	/* thousands of listed patches: APPLIED_MAX_ITEMS kept */
	for (i = 0; i + 40 < len; i += 40)
		memcpy(body + i, "[1/2] t\n      commit: 0123456789abcd\n\n\n\n", 40);
	assert_true(applied_classify(body, len, an));
	assert_int_equal(an->nitems, APPLIED_MAX_ITEMS);
	/* a notice cut at the end of the buffer */
	assert_true(applied_classify("Applied to powerpc/next", 23, an));
	free(an);
	free(body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_notices),
	    cmocka_unit_test(test_pull_source),
	    cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
