/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Decoder throughput on one core: builds a large WitMotion byte stream and
 * a large CSV text in memory (not from the simulator: a slow wobble with a
 * little pseudo-random noise, so the data are not constant), decodes each
 * the way the command does (64 KiB reads), and prints samples per second
 * of wall and CPU time.  A benchmark that prints figures, not a test.
 *
 *     bench_decode [samples]        (default 2000000)
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hipform/decoder.h"
#include "hipform/rotation.h"

#define DEFAULT_SAMPLES 2000000L
#define READ_BYTES 65536
#define RATE_HZ 200.0
#define WIT_GROUP 44 /* 0x51, 0x52, 0x53, 0x54: 4 packets of 11 bytes */

static double now_s(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint32_t noise(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* The i-th sample of the made-up motion: acc in g, gyro in deg/s. */
static void motion(long i, uint32_t *seed, double acc_g[3], double gyro_dps[3])
{
	double t = i / RATE_HZ, w = 2.0 * HF_PI * 0.2;

	for (int k = 0; k < 3; k++) {
		double n = ((double)(noise(seed) % 2001) - 1000.0) * 1e-6;
		acc_g[k] = (k == 2 ? 0.98 : 0.1) * cos(w * t + k) + n;
		gyro_dps[k] = 30.0 * sin(w * t + k) + 1000.0 * n;
	}
}

static void wit_packet(uint8_t *p, uint8_t type, const int v[4])
{
	unsigned sum = 0;

	p[0] = 0x55;
	p[1] = type;
	for (int i = 0; i < 4; i++) {
		p[2 + 2 * i] = (uint8_t)(v[i] & 0xFF);
		p[3 + 2 * i] = (uint8_t)((v[i] >> 8) & 0xFF);
	}
	for (int i = 0; i < 10; i++)
		sum += p[i];
	p[10] = (uint8_t)sum;
}

static uint8_t *make_witmotion(long n, size_t *len)
{
	uint8_t *b = malloc((size_t)n * WIT_GROUP);
	uint32_t seed = 2463534242u;

	for (long i = 0; b && i < n; i++) {
		double a[3], g[3];
		uint8_t *p = b + (size_t)i * WIT_GROUP;
		motion(i, &seed, a, g);
		int va[4] = {(int)lround(a[0] * 2048), (int)lround(a[1] * 2048), (int)lround(a[2] * 2048), 2526};
		int vg[4] = {(int)lround(g[0] * 16.384), (int)lround(g[1] * 16.384), (int)lround(g[2] * 16.384), 1200};
		int vn[4] = {100, -200, 300, 11608};
		int vm[4] = {(int)(i & 0x3FF), 20, -30, 0};
		wit_packet(p, 0x51, va);
		wit_packet(p + 11, 0x52, vg);
		wit_packet(p + 22, 0x53, vn);
		wit_packet(p + 33, 0x54, vm);
	}
	*len = (size_t)n * WIT_GROUP;
	return b;
}

static char *make_csv(long n, size_t *len)
{
	size_t cap = (size_t)n * 80 + 256, at = 0;
	char *b = malloc(cap);
	uint32_t seed = 2463534242u;

	if (!b)
		return NULL;
	at += (size_t)snprintf(b, cap, "# bench_decode\nt_s,ax_g,ay_g,az_g,gx_dps,gy_dps,gz_dps\n");
	for (long i = 0; i < n; i++) {
		double a[3], g[3];
		motion(i, &seed, a, g);
		at += (size_t)snprintf(b + at, cap - at, "%.3f,%.4f,%.4f,%.4f,%.2f,%.2f,%.2f\n",
				       i / RATE_HZ, a[0], a[1], a[2], g[0], g[1], g[2]);
	}
	*len = at;
	return b;
}

/* Decode in pieces of `piece` bytes (the command reads 64 KiB); returns samples. */
static uint64_t decode(enum hf_format f, double rate_hz, const uint8_t *buf, size_t len,
		       size_t piece, struct hf_decoder *d, double *sink)
{
	struct hf_sample s;

	hf_decoder_init(d, f, rate_hz);
	for (size_t off = 0; off < len;) {
		size_t end = off + piece < len ? off + piece : len, used;
		while (off < end) {
			int r = hf_decoder_feed(d, buf + off, end - off, &used, &s);
			off += used;
			if (r < 0)
				return 0;
			if (r == 1)
				*sink += s.acc_g[2];
		}
	}
	while (hf_decoder_flush(d, &s) == 1)
		*sink += s.acc_g[2];
	return d->stats.samples;
}

static void run(const char *name, enum hf_format f, double rate_hz, const uint8_t *buf,
		size_t len, size_t piece, long expect)
{
	struct hf_decoder d;
	double best_wall = INFINITY, best_cpu = INFINITY, sink = 0.0;
	uint64_t n = 0;

	for (int rep = 0; rep < 3; rep++) { /* best of three */
		double w0 = now_s(CLOCK_MONOTONIC), c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
		n = decode(f, rate_hz, buf, len, piece, &d, &sink);
		double wall = now_s(CLOCK_MONOTONIC) - w0, cpu = now_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
		best_wall = wall < best_wall ? wall : best_wall;
		best_cpu = cpu < best_cpu ? cpu : best_cpu;
	}
	printf("%-19s %6.2f M samples/s CPU, %6.2f M samples/s wall, %7.1f MB/s "
	       "(%llu samples, %.1f MB, %.3f s CPU)%s\n",
	       name, n / best_cpu / 1e6, n / best_wall / 1e6, len / best_cpu / 1e6,
	       (unsigned long long)n, len / 1e6, best_cpu, sink == 0.125 ? " " : "");
	if ((long)n != expect || d.stats.bad_lines || d.stats.bad_packets || d.stats.gaps)
		printf("  WARNING: expected %ld samples and no bad input, got %llu samples, "
		       "%llu bad lines, %llu bad packets, %llu gaps\n",
		       expect, (unsigned long long)n, (unsigned long long)d.stats.bad_lines,
		       (unsigned long long)d.stats.bad_packets, (unsigned long long)d.stats.gaps);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : DEFAULT_SAMPLES;
	size_t wlen, clen;
	uint8_t *wit;
	char *csv;

	if (n <= 0) {
		fprintf(stderr, "usage: bench_decode [samples]\n");
		return 2;
	}
	wit = make_witmotion(n, &wlen);
	csv = make_csv(n, &clen);
	if (!wit || !csv) {
		fprintf(stderr, "bench_decode: out of memory\n");
		return 1;
	}
	printf("decoding %ld samples on one core, %d-byte reads unless told, best of 3\n", n,
	       READ_BYTES);
	run("witmotion", HF_FORMAT_WITMOTION, RATE_HZ, wit, wlen, READ_BYTES, n);
	run("witmotion sniffed", HF_FORMAT_UNKNOWN, RATE_HZ, wit, wlen, READ_BYTES, n);
	/* 7-byte pieces split most packets: the byte-at-a-time path */
	run("witmotion 7B reads", HF_FORMAT_WITMOTION, RATE_HZ, wit, wlen, 7, n);
	run("csv", HF_FORMAT_CSV, 0.0, (const uint8_t *)csv, clen, READ_BYTES, n);
	run("csv 7B reads", HF_FORMAT_CSV, 0.0, (const uint8_t *)csv, clen, 7, n);
	free(wit);
	free(csv);
	return 0;
}
