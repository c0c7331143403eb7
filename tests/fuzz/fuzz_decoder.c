/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz target for the decoders (fuzz.h): arbitrary bytes, fed in
 * pseudo-random chunk sizes to every format, with the contract of
 * hf_decoder_feed() and hf_decoder_flush() checked on every call, and the
 * same bytes fed whole required to give the same samples and counters (a
 * decoder must not depend on where the caller's buffers end).  Any broken
 * rule aborts.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "hipform/decoder.h"

#define CHECK FUZZ_CHECK

struct outcome {
	struct hf_decoder_stats stats;
	enum hf_format format;
	int result;
	uint64_t hash; /* of every sample, FNV-1a */
	uint64_t n;
};

static uint32_t next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void absorb(struct outcome *o, const struct hf_sample *s, enum hf_format f, double *last_t)
{
	const uint8_t *p = (const uint8_t *)s;

	CHECK(isfinite(s->t_s));
	CHECK(s->t_s >= *last_t); /* time never goes back */
	*last_t = s->t_s;
	for (int i = 0; i < 3; i++) {
		CHECK(isfinite(s->acc_g[i]) && isfinite(s->gyro_dps[i]));
		if (f == HF_FORMAT_WITMOTION)
			CHECK(fabs(s->acc_g[i]) <= 16.0 && fabs(s->gyro_dps[i]) <= 2000.0);
	}
	for (size_t i = 0; i < sizeof *s; i++)
		o->hash = (o->hash ^ p[i]) * 0x100000001b3ULL;
	o->n++;
}

/* One feed call and its contract; returns its result. */
static int feed_once(struct hf_decoder *d, const uint8_t *p, size_t len, size_t *used,
		     struct outcome *o, double *last_t)
{
	struct hf_sample s;
	uint64_t before = d->stats.samples;
	int r = hf_decoder_feed(d, p, len, used, &s);

	CHECK(r <= 1);
	CHECK(*used <= len);
	CHECK(r != 0 || *used == len);
	CHECK(d->stats.samples == before + (r == 1));
	if (r == 1)
		absorb(o, &s, d->format, last_t);
	return r;
}

static void finish(struct hf_decoder *d, struct outcome *o, double *last_t, size_t size)
{
	struct hf_sample s;
	int r;

	for (size_t guard = 0;; guard++) {
		CHECK(guard <= size + 2);
		r = hf_decoder_flush(d, &s);
		if (r != 1)
			break;
		absorb(o, &s, d->format, last_t);
	}
	CHECK(r <= 0);
	if (r == 0)
		CHECK(hf_decoder_flush(d, &s) == 0); /* flush is idempotent */
	if (r < 0) {
		size_t used = 1;
		CHECK(hf_decoder_flush(d, &s) == r); /* errors are sticky */
		CHECK(hf_decoder_feed(d, (const uint8_t *)"x", 1, &used, &s) == r && used == 0);
		CHECK(hf_decoder_error(d)[0] != '\0');
	}
	o->result = r;
	o->stats = d->stats;
	o->format = d->format;
	CHECK(o->n == d->stats.samples);
}

/* chunk_seed 0: the whole input in one buffer. */
static void run(enum hf_format f, double rate_hz, const uint8_t *data, size_t size,
		uint32_t chunk_seed, struct outcome *o)
{
	struct hf_decoder d;
	double last_t = -INFINITY;
	size_t off = 0;
	int r = 0;

	memset(o, 0, sizeof *o);
	o->hash = 0xcbf29ce484222325ULL;
	hf_decoder_init(&d, f, rate_hz);
	while (off < size && r >= 0) {
		size_t n = size - off, used;
		if (chunk_seed) {
			uint32_t k = next_rand(&chunk_seed);
			n = k % 4 == 0 ? k % 3 : (k >> 4) % 64 + 1; /* some empty feeds */
			n = n > size - off ? size - off : n;
		}
		size_t got = 0;
		do {
			r = feed_once(&d, data + off + got, n - got, &used, o, &last_t);
			got += used;
		} while (r == 1 && got < n);
		off += got;
	}
	finish(&d, o, &last_t, size);
}

static int same(const struct outcome *a, const struct outcome *b)
{
	return a->n == b->n && a->hash == b->hash && a->result == b->result &&
	       a->format == b->format && memcmp(&a->stats, &b->stats, sizeof a->stats) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct {
		enum hf_format f;
		double rate_hz;
	} setups[] = {
		{HF_FORMAT_CSV, 0.0}, {HF_FORMAT_CSV, 100.0}, {HF_FORMAT_WITMOTION, 100.0},
		{HF_FORMAT_UNKNOWN, 100.0}, {HF_FORMAT_UNKNOWN, 0.0},
	};
	uint32_t seed = 2166136261u;
	struct outcome whole, chunked;

	for (size_t i = 0; i < size; i++)
		seed = (seed ^ data[i]) * 16777619u;
	seed |= 1;
	for (size_t i = 0; i < sizeof setups / sizeof setups[0]; i++) {
		run(setups[i].f, setups[i].rate_hz, data, size, 0, &whole);
		run(setups[i].f, setups[i].rate_hz, data, size, seed + (uint32_t)i, &chunked);
		/* sniffing decides on what it has seen so far: compare named formats */
		if (setups[i].f != HF_FORMAT_UNKNOWN)
			CHECK(same(&whole, &chunked));
	}
	(void)hf_format_sniff(data, size);
	return 0;
}
