/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libgit2, loaded on first need (see libgit2.h). */
#include "archive/libgit2.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

struct libgit2 git2;

/*
 * The ELF note of the libraries a program opens with dlopen()
 * (https://uapi-group.org/specifications/specs/elf_dlopen_metadata/):
 * package tools that read it (rpm's, systemd's dlopen-metadata) see that
 * mldigest needs libgit2, which the dynamic section no longer says.
 */
#define LIBGIT2_NOTE_JSON                                                                          \
	"[{\"feature\":\"git\",\"description\":\"public-inbox git archives\","                     \
	"\"priority\":\"required\",\"soname\":[\"" LIBGIT2_SONAME "\"]}]"
__attribute__((used, section(".note.dlopen"))) _Alignas(4) static const struct {
	uint32_t n_namesz, n_descsz, n_type;
	char name[4];
	_Alignas(4) char json[sizeof(LIBGIT2_NOTE_JSON)];
} libgit2_note = {
    .n_namesz = 4,
    .n_descsz = sizeof(LIBGIT2_NOTE_JSON),
    .n_type = 0x407c0c0a, /* the note's type, owner "FDO" */
    .name = "FDO",
    .json = LIBGIT2_NOTE_JSON,
};

static pthread_once_t libgit2_once = PTHREAD_ONCE_INIT;
static int libgit2_loaded;
static char libgit2_error[256]; /* why it could not be loaded */

static void libgit2_load_once(void)
{
	const char *why;
	void *handle;
	void *fn;

	/* Never closed: libgit2 stays until the process ends, as a linked one would. */
	if (!(handle = dlopen(LIBGIT2_SONAME, RTLD_NOW | RTLD_LOCAL))) {
		why = dlerror();
		snprintf(libgit2_error, sizeof(libgit2_error), "cannot load %s: %s", LIBGIT2_SONAME,
			 why ? why : "unknown error");
		return;
	}
	/* dlsym() returns void *: copied into the typed pointer (POSIX says it can be). */
#define LIBGIT2_FIND(name)                                                                         \
	if (!(fn = dlsym(handle, "git_" #name))) {                                                 \
		snprintf(libgit2_error, sizeof(libgit2_error), "%s has no git_%s", LIBGIT2_SONAME, \
			 #name);                                                                   \
		return;                                                                            \
	}                                                                                          \
	memcpy(&git2.name, &fn, sizeof(fn));
	LIBGIT2_FUNCTIONS(LIBGIT2_FIND)
#undef LIBGIT2_FIND
	libgit2_loaded = 1;
}

int libgit2_load(char *why, size_t size)
{
	pthread_once(&libgit2_once, libgit2_load_once);
	if (libgit2_loaded)
		return 0;
	if (size)
		snprintf(why, size, "%s", libgit2_error);
	return -1;
}

char *oid_tostr(char *out, size_t size, const git_oid *id)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, n;

	if (size == 0)
		return out;
	n = size - 1 < GIT_OID_HEXSZ ? size - 1 : GIT_OID_HEXSZ;
	for (i = 0; i < n; i++)
		out[i] = hex[(id->id[i / 2] >> (i % 2 ? 0 : 4)) & 0xf];
	out[n] = '\0';
	return out;
}
