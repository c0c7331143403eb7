/* SPDX-License-Identifier: BSD-2-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "decode_util.h"

static void keep(struct hf_test_run *run, const struct hf_sample *s)
{
	if (run->n < HF_TEST_MAX_SAMPLES)
		run->s[run->n] = *s;
	run->n++;
}

/* Feed one chunk completely; returns 0 or a negative error. */
static int feed_chunk(struct hf_test_run *run, const uint8_t *p, size_t len)
{
	size_t off = 0;

	do {
		struct hf_sample s;
		size_t used = (size_t)-1;
		int r = hf_decoder_feed(&run->d, p + off, len - off, &used, &s);

		if (r < 0)
			return r;
		assert_true(used <= len - off);
		assert_true(r == 1 || used == len - off);
		assert_true(r == 0 || r == 1);
		off += used;
		if (r == 1)
			keep(run, &s);
	} while (off < len);
	return 0;
}

void hf_test_decode(struct hf_test_run *run, enum hf_format f, double rate_hz,
		    const uint8_t *buf, size_t len, size_t first, size_t chunk)
{
	size_t off = 0;
	int r = 0;

	memset(run, 0, sizeof *run);
	hf_decoder_init(&run->d, f, rate_hz);
	while (off < len && r == 0) {
		size_t n = chunk ? chunk : len;

		if (off == 0 && first > 0)
			n = first;
		if (n > len - off)
			n = len - off;
		r = feed_chunk(run, buf + off, n);
		off += n;
	}
	for (int guard = 0; r == 0 && guard < 1000; guard++) {
		struct hf_sample s;
		int k = hf_decoder_flush(&run->d, &s);

		if (k == 0)
			break;
		if (k < 0)
			r = k;
		else
			keep(run, &s);
	}
	run->result = r;
}

int hf_test_same(const struct hf_test_run *a, const struct hf_test_run *b)
{
	size_t n = a->n < HF_TEST_MAX_SAMPLES ? a->n : HF_TEST_MAX_SAMPLES;

	return a->n == b->n && a->result == b->result && a->d.format == b->d.format &&
	       memcmp(&a->d.stats, &b->d.stats, sizeof a->d.stats) == 0 &&
	       memcmp(a->s, b->s, n * sizeof a->s[0]) == 0 &&
	       strcmp(hf_decoder_error(&a->d), hf_decoder_error(&b->d)) == 0;
}

void hf_test_wit_packet(uint8_t p[11], uint8_t type, int16_t v0, int16_t v1,
			int16_t v2, int16_t v3)
{
	int16_t v[4] = {v0, v1, v2, v3};
	unsigned sum = 0;

	p[0] = 0x55;
	p[1] = type;
	for (int i = 0; i < 4; i++) {
		p[2 + 2 * i] = (uint8_t)((uint16_t)v[i] & 0xFF);
		p[3 + 2 * i] = (uint8_t)((uint16_t)v[i] >> 8);
	}
	for (int i = 0; i < 10; i++)
		sum += p[i];
	p[10] = (uint8_t)sum;
}
