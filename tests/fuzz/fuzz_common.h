/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Shared by the libFuzzer harnesses: a stream for the loaders' error lines
 * (/dev/null: they are expected; tests/fuzz/run also passes -close_fd_mask=3
 * for what goes to stderr), and a fuzzer's bytes as a NUL-terminated string
 * for the text parsers.
 */
#ifndef LT_FUZZ_COMMON_H
#define LT_FUZZ_COMMON_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *fuzz_devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_devnull = fopen("/dev/null", "w");
	if (!fuzz_devnull)
		abort();
	return 0;
}

/* The bytes with a NUL after them (a NUL inside ends the string early, as in a file read by fgets). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
