/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Test helpers for the decoders: run a whole byte string through a
 * decoder in chunks of a chosen pattern, and build WitMotion packets.
 */
#ifndef HF_TEST_DECODE_UTIL_H
#define HF_TEST_DECODE_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "hipform/decoder.h"

#define HF_TEST_MAX_SAMPLES 64

struct hf_test_run {
	struct hf_decoder d;
	struct hf_sample s[HF_TEST_MAX_SAMPLES]; /* the first samples */
	size_t n;                /* samples returned (may exceed the array) */
	int result;              /* 0, or the first negative return */
};

/*
 * Decode buf[0..len) with hf_decoder_feed() calls of chunk bytes each
 * (0: one call; the first call gets `first` bytes when first > 0), then
 * hf_decoder_flush() until it returns 0.  Checks the feed contract on
 * every call (used <= len, used == len when 0 is returned) and fails the
 * cmocka test when it is broken.
 */
void hf_test_decode(struct hf_test_run *run, enum hf_format f, double rate_hz,
		    const uint8_t *buf, size_t len, size_t first, size_t chunk);

/* 1 when two runs gave the same samples, stats, result and format. */
int hf_test_same(const struct hf_test_run *a, const struct hf_test_run *b);

/* An 11-byte WitMotion packet with four int16 values and its checksum. */
void hf_test_wit_packet(uint8_t p[11], uint8_t type, int16_t v0, int16_t v1,
			int16_t v2, int16_t v3);

#endif
