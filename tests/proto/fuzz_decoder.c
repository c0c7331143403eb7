/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz target for the decoders: arbitrary bytes, fed in pseudo-random
 * chunk sizes to every format, with the contract of hf_decoder_feed() and
 * hf_decoder_flush() checked on every call, and the same bytes fed whole
 * required to give the same samples and counters (a decoder must not
 * depend on where the caller's buffers end).  Any broken rule aborts.
 *
 * Built two ways from this one file:
 * - with HF_LIBFUZZER, a libFuzzer binary (Clang, -fsanitize=fuzzer);
 * - without it, a replay driver run by ctest over tests/proto/corpus/,
 *   which can also try a few deterministic mutations of each file
 *   (--mutate N), so a gcc build exercises more than the seeds.
 * Crash inputs found by the fuzzer are kept in the corpus.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hipform/decoder.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                  \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "%s:%d: broken: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                     \
		}                                                                    \
	} while (0)

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

#ifndef HF_LIBFUZZER
/* ---- replay driver ---- */
#include <dirent.h>
#include <sys/stat.h>

static long mutations;

static void mutate(uint8_t *b, size_t *len, size_t cap, uint32_t *s)
{
	uint32_t k = next_rand(s);
	size_t at = *len ? next_rand(s) % *len : 0;

	switch (k % 4) {
	case 0: /* flip a bit */
		if (*len)
			b[at] ^= (uint8_t)(1u << (k >> 8) % 8);
		break;
	case 1: /* delete a run */
		if (*len) {
			size_t n = 1 + (k >> 8) % 16;
			n = n > *len - at ? *len - at : n;
			memmove(b + at, b + at + n, *len - at - n);
			*len -= n;
		}
		break;
	case 2: /* insert an interesting byte */
		if (*len < cap) {
			static const uint8_t bytes[] = {0x55, 0x51, 0x52, '\n', ',', '#', '\r', 0};
			memmove(b + at + 1, b + at, *len - at);
			b[at] = bytes[(k >> 8) % sizeof bytes];
			(*len)++;
		}
		break;
	default: /* overwrite with a random byte */
		if (*len)
			b[at] = (uint8_t)(k >> 8);
		break;
	}
}

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	size_t len, cap;
	uint32_t seed = 0x9e3779b9u;

	if (!f) {
		perror(path);
		return -1;
	}
	fseek(f, 0, SEEK_END);
	len = (size_t)ftell(f);
	rewind(f);
	cap = len + 64;
	buf = malloc(cap);
	if (!buf || fread(buf, 1, len, f) != len) {
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	uint8_t *m = malloc(cap);
	for (long i = 0; m && i < mutations; i++) {
		size_t mlen = len;
		memcpy(m, buf, len);
		for (uint32_t k = 0, n = 1 + next_rand(&seed) % 4; k < n; k++)
			mutate(m, &mlen, cap, &seed);
		LLVMFuzzerTestOneInput(m, mlen);
	}
	free(m);
	free(buf);
	return 0;
}

static int replay_path(const char *path, int *files)
{
	struct stat st;
	DIR *dir;
	struct dirent *e;
	int bad = 0;

	if (stat(path, &st) != 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*files)++;
		return replay_file(path);
	}
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((e = readdir(dir))) {
		char sub[4096];
		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
		bad |= replay_path(sub, files);
	}
	closedir(dir);
	return bad;
}

int main(int argc, char **argv)
{
	int files = 0, bad = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--mutate") == 0 && i + 1 < argc) {
			mutations = strtol(argv[++i], NULL, 10);
			continue;
		}
		bad |= replay_path(argv[i], &files);
	}
	printf("replayed %d inputs, %ld mutations each: %s\n", files, mutations, bad ? "errors" : "ok");
	return bad || files == 0 ? 1 : 0;
}
#endif
