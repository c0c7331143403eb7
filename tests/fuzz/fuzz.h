/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz targets (tests/fuzz/README.md): each fuzz_*.c defines
 * LLVMFuzzerTestOneInput() and checks its own rules with FUZZ_CHECK, which
 * aborts (a crash to libFuzzer, a failure to the replay test).
 *
 * Every target is built two ways:
 * - with HF_LIBFUZZER=ON (Clang), a libFuzzer binary under ASan and UBSan;
 * - always, a replay driver (replay.c) that ctest runs over the target's
 *   committed corpus (seeds and the crashes found so far), plus a few
 *   deterministic mutations of each input, with any compiler.
 */
#ifndef HF_FUZZ_H
#define HF_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                             \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "%s:%d: broken: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                     \
		}                                                                    \
	} while (0)

#endif
