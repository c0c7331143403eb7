/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * WitMotion decoder tests, table-driven in the manner of gpsd's
 * test_packet.c: each case is a stream written in a tiny language and the
 * counts and samples the contract (sections 2 and 8) says it yields.
 * Every case is decoded whole, a byte at a time, split in two at every
 * byte boundary, and in chunks of 3 and 7 bytes: all must agree.
 *
 * Stream language (tokens separated by spaces):
 *   t a g n m q   packets 0x50 time, 0x51 acc, 0x52 gyro, 0x53 angle,
 *                 0x54 magnetic field, 0x59 quaternion; UPPER CASE = bad
 *                 checksum.  Prefixes: "-" packet lost outright,
 *                 "cK" first K bytes lost, "eK" only the first K bytes kept.
 *   xN            N garbage bytes (no 0x55)
 *   j             5 junk bytes with 0x55s that do not frame
 *   p             an angle packet whose data is all 0x55 0x5x pairs
 *   r             a packet with type 0x71 (does not frame), valid sum
 * The k-th acc (and gyro) token, lost or not, carries values made from k,
 * so each sample can be traced to the packets it came from.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "decode_util.h"
#include "hipform/error.h"

#define RATE_HZ 100.0
#define MAX_STREAM 4096

struct built {
	uint8_t b[MAX_STREAM];
	size_t len;
};

static uint8_t type_of(char c)
{
	switch (tolower((unsigned char)c)) {
	case 't': return 0x50;
	case 'a': return 0x51;
	case 'g': return 0x52;
	case 'n': return 0x53;
	case 'm': return 0x54;
	case 'q': return 0x59;
	default: return 0;
	}
}

/* acc k: (8k+1, 8k+2, 2048, 2526); gyro k: (8k+3, -(8k+4), 16384, 1234) */
static void make_packet(uint8_t p[11], uint8_t type, int k)
{
	int16_t a = (int16_t)(8 * k);

	switch (type) {
	case 0x51: hf_test_wit_packet(p, type, a + 1, a + 2, 2048, 2526); break;
	case 0x52: hf_test_wit_packet(p, type, a + 3, (int16_t)-(a + 4), 16384, 1234); break;
	case 0x53: hf_test_wit_packet(p, type, 100, 200, 300, 11608); break;
	case 0x54: hf_test_wit_packet(p, type, 10, 20, 30, 0); break;
	case 0x50: hf_test_wit_packet(p, type, 1, 2, 3, 4); break;
	default: hf_test_wit_packet(p, type, 1000, 0, 0, 0); break;
	}
}

static void put(struct built *s, const uint8_t *p, size_t n)
{
	assert_true(s->len + n <= sizeof s->b);
	memcpy(s->b + s->len, p, n);
	s->len += n;
}

/* One packet token with its optional prefix. */
static void build_packet(struct built *s, const char *tok, int *k_acc, int *k_gyro)
{
	size_t from = 0, keep = 11;
	bool lost = false;
	uint8_t p[11];

	if (*tok == '-') {
		lost = true;
		tok++;
	} else if (*tok == 'c' || *tok == 'e') {
		char kind = *tok;
		char *end;
		unsigned long n = strtoul(tok + 1, &end, 10);
		tok = end;
		if (kind == 'c')
			from = n;
		else
			keep = n;
	}
	uint8_t type = type_of(*tok);
	assert_int_not_equal(type, 0);
	int k = type == 0x51 ? (*k_acc)++ : type == 0x52 ? (*k_gyro)++ : 0;
	make_packet(p, type, k);
	if (isupper((unsigned char)*tok))
		p[10]++;
	if (!lost)
		put(s, p + from, keep - from);
}

static void build(struct built *s, const char *desc)
{
	static const uint8_t junk[5] = {0x55, 0x12, 0x55, 0x60, 0x01};
	char copy[512];
	int k_acc = 0, k_gyro = 0;

	s->len = 0;
	snprintf(copy, sizeof copy, "%s", desc);
	for (char *tok = strtok(copy, " "); tok; tok = strtok(NULL, " ")) {
		uint8_t p[11];
		if (*tok == 'x') {
			for (long i = 0, n = strtol(tok + 1, NULL, 10); i < n; i++)
				put(s, &(uint8_t){(uint8_t)(0xA0 + i % 16)}, 1);
		} else if (*tok == 'j') {
			put(s, junk, sizeof junk);
		} else if (*tok == 'p') {
			hf_test_wit_packet(p, 0x53, 0x5355, 0x5455, 0x5155, 0x5255);
			put(s, p, 11);
		} else if (*tok == 'r') {
			hf_test_wit_packet(p, 0x71, 1, 2, 3, 4);
			put(s, p, 11);
		} else {
			build_packet(s, tok, &k_acc, &k_gyro);
		}
	}
}

struct expect_sample {
	int slot, acc, gyro; /* slot, and the k of the packets it came from */
};

struct wit_case {
	const char *name;
	const char *stream;
	uint64_t packets, bad_packets, skipped_bytes, gaps;
	int n_samples;
	struct expect_sample s[4];
};

static const struct wit_case cases[] = {
	{"clean", "a g n m a g n m a g n m", 12, 0, 0, 0, 3, {{0, 0, 0}, {1, 1, 1}, {2, 2, 2}}},
	{"garbage before", "x7 a g n m a g n m", 8, 0, 7, 0, 2, {{0, 0, 0}, {1, 1, 1}}},
	{"garbage between", "a g n m x5 a g n m", 8, 0, 5, 0, 2, {{0, 0, 0}, {1, 1, 1}}},
	{"junk with heads", "a g n m j a g n m", 8, 0, 5, 0, 2, {{0, 0, 0}, {1, 1, 1}}},
	{"payload of heads", "a g p m a g n m", 8, 0, 0, 0, 2, {{0, 0, 0}, {1, 1, 1}}},
	{"bad acc keeps slot", "a g n m A g n m a g n m", 11, 1, 0, 1, 2, {{0, 0, 0}, {2, 2, 2}}},
	{"bad gyro keeps slot", "a g n m a G n m a g n m", 11, 1, 0, 1, 2, {{0, 0, 0}, {2, 2, 2}}},
	{"bad acc and gyro", "a g n m A G n m a g n m", 10, 2, 0, 1, 2, {{0, 0, 0}, {2, 2, 2}}},
	/* v2: no packet of the group is trusted, so it is lost like a dropout */
	{"bad group", "a g n m A G N M a g n m", 8, 4, 0, 0, 2, {{0, 0, 0}, {1, 2, 2}}},
	{"dropout in acc", "a g n m c3a g n m a g n m", 11, 0, 8, 1, 2, {{0, 0, 0}, {2, 2, 2}}},
	{"group lost outright", "a g n m -a -g -n -m a g n m", 8, 0, 0, 0, 2, {{0, 0, 0}, {1, 2, 2}}},
	{"cut packet, resync inside", "a g e5n m a g n m", 7, 1, 0, 0, 2, {{0, 0, 0}, {1, 1, 1}}},
	{"truncated at end", "a g n m a e6g", 5, 0, 6, 1, 1, {{0, 0, 0}}},
	{"time and quaternion", "t a g n m q t a g n m q", 12, 0, 0, 0, 2, {{0, 0, 0}, {1, 1, 1}}},
	{"starts inside a group", "n m a g n m", 6, 0, 0, 1, 1, {{1, 0, 0}}},
	{"acc without gyro", "a n m a g n m", 7, 0, 0, 1, 1, {{1, 1, 0}}},
	{"bad packet after garbage", "a g n m x3 A g n m a g n m", 11, 1, 3, 1, 2, {{0, 0, 0}, {2, 2, 2}}},
	{"type does not frame", "a g n m r a g n m", 8, 0, 11, 0, 2, {{0, 0, 0}, {1, 1, 1}}},
	{"empty", "", 0, 0, 0, 0, 0, {{0, 0, 0}}},
	{"only garbage", "x40", 0, 0, 40, 0, 0, {{0, 0, 0}}},
	{"heads at end", "x3 e2a", 0, 0, 5, 0, 0, {{0, 0, 0}}},
};

static void check_case(const struct wit_case *c, const struct hf_test_run *run)
{
	const struct hf_decoder_stats *st = &run->d.stats;

	print_message("case '%s'\n", c->name);
	assert_int_equal(run->result, 0);
	assert_int_equal(st->packets, c->packets);
	assert_int_equal(st->bad_packets, c->bad_packets);
	assert_int_equal(st->skipped_bytes, c->skipped_bytes);
	assert_int_equal(st->gaps, c->gaps);
	assert_int_equal(st->samples, c->n_samples);
	assert_int_equal(run->n, c->n_samples);
	for (int i = 0; i < c->n_samples; i++) {
		const struct hf_sample *s = &run->s[i];
		double a = 8.0 * c->s[i].acc, g = 8.0 * c->s[i].gyro;

		assert_true(s->t_s == c->s[i].slot / RATE_HZ);
		assert_true(s->acc_g[0] == (a + 1) * 16.0 / 32768.0);
		assert_true(s->acc_g[1] == (a + 2) * 16.0 / 32768.0);
		assert_true(s->acc_g[2] == 1.0);
		assert_true(s->gyro_dps[0] == (g + 3) * 2000.0 / 32768.0);
		assert_true(s->gyro_dps[1] == -(g + 4) * 2000.0 / 32768.0);
		assert_true(s->gyro_dps[2] == 1000.0);
	}
}

static void test_table(void **state)
{
	static struct built s;
	static struct hf_test_run whole, other;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		build(&s, cases[i].stream);
		hf_test_decode(&whole, HF_FORMAT_WITMOTION, RATE_HZ, s.b, s.len, 0, 0);
		check_case(&cases[i], &whole);
		hf_test_decode(&other, HF_FORMAT_WITMOTION, RATE_HZ, s.b, s.len, 0, 1);
		assert_true(hf_test_same(&whole, &other));
		hf_test_decode(&other, HF_FORMAT_WITMOTION, RATE_HZ, s.b, s.len, 0, 3);
		assert_true(hf_test_same(&whole, &other));
		hf_test_decode(&other, HF_FORMAT_WITMOTION, RATE_HZ, s.b, s.len, 0, 7);
		assert_true(hf_test_same(&whole, &other));
		for (size_t cut = 1; cut < s.len; cut++) {
			hf_test_decode(&other, HF_FORMAT_WITMOTION, RATE_HZ, s.b, s.len, cut, 0);
			assert_true(hf_test_same(&whole, &other));
		}
	}
}

/* Raw counts at the ends of the int16 range map to the full scales. */
static void test_full_scale(void **state)
{
	static struct hf_test_run run;
	uint8_t b[22];

	hf_test_wit_packet(b, 0x51, -32768, 32767, 0, 0);
	hf_test_wit_packet(b + 11, 0x52, 32767, -32768, -1, 0);
	hf_test_decode(&run, HF_FORMAT_WITMOTION, 50.0, b, sizeof b, 0, 0);
	assert_int_equal(run.n, 1);
	assert_true(run.s[0].acc_g[0] == -16.0);
	assert_float_equal(run.s[0].acc_g[1], 16.0, 1e-3);
	assert_true(run.s[0].gyro_dps[1] == -2000.0);
	assert_float_equal(run.s[0].gyro_dps[0], 2000.0, 0.1);
	assert_true(run.s[0].gyro_dps[2] == -2000.0 / 32768.0);
}

/* Time is the slot over the rate: slot 1000 at 200 Hz is 5 s. */
static void test_time_from_rate(void **state)
{
	static uint8_t b[1001 * 22];
	static struct hf_test_run run;
	struct hf_decoder d;
	struct hf_sample s, last = {0};
	size_t off = 0, used;
	int n = 0;

	for (int i = 0; i < 1001; i++) {
		hf_test_wit_packet(b + 22 * i, 0x51, 0, 0, 2048, 0);
		hf_test_wit_packet(b + 22 * i + 11, 0x52, 0, 0, 0, 0);
	}
	assert_int_equal(hf_decoder_init(&d, HF_FORMAT_WITMOTION, 200.0), HF_OK);
	while (off < sizeof b) {
		int r = hf_decoder_feed(&d, b + off, sizeof b - off, &used, &s);
		off += used;
		assert_true(r >= 0);
		if (r == 1) {
			n++;
			last = s;
		}
	}
	assert_int_equal(n, 1001);
	assert_float_equal(last.t_s, 5.0, 1e-12);
	(void)run;
}

static void test_needs_rate(void **state)
{
	struct hf_decoder d;
	struct hf_sample s;
	size_t used;
	uint8_t b[11];

	hf_test_wit_packet(b, 0x51, 0, 0, 0, 0);
	assert_int_equal(hf_decoder_init(&d, HF_FORMAT_WITMOTION, 0.0), HF_ERR_ARG);
	assert_non_null(strstr(hf_decoder_error(&d), "--rate"));
	assert_int_equal(hf_decoder_feed(&d, b, sizeof b, &used, &s), HF_ERR_ARG);
	assert_int_equal(hf_decoder_flush(&d, &s), HF_ERR_ARG);
	assert_int_equal(hf_decoder_init(&d, HF_FORMAT_WITMOTION, -5.0), HF_ERR_ARG);
}

/* ---- the real WT901SD capture (facts from its README) ---- */

static int read_real(const char *name, uint8_t **buf, size_t *len)
{
	char path[512];
	FILE *f;
	long n;

	snprintf(path, sizeof path, "%s/%s", HF_REAL_DATA_DIR, name);
	f = fopen(path, "rb");
	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	*buf = malloc((size_t)n);
	assert_non_null(*buf);
	*len = fread(*buf, 1, (size_t)n, f);
	fclose(f);
	return 0;
}

#define REAL_WT901 "witmotion-wt901sd-example.bin"

static void decode_real(const uint8_t *buf, size_t len, enum hf_format f, size_t chunk)
{
	struct hf_decoder d;
	struct hf_sample s, first = {0}, last = {0};
	double first_temp_c = 0.0;
	uint64_t n = 0;

	assert_int_equal(hf_decoder_init(&d, f, 10.0), HF_OK);
	for (size_t off = 0; off < len;) {
		size_t end = off + chunk < len ? off + chunk : len, used;
		while (off < end) {
			int r = hf_decoder_feed(&d, buf + off, end - off, &used, &s);
			assert_true(r == 0 || r == 1);
			off += used;
			if (r == 1 && n++ == 0) {
				first = s;
				first_temp_c = d.u.wit.temperature_c;
			}
			if (r == 1)
				last = s;
		}
	}
	assert_int_equal(hf_decoder_flush(&d, &s), 0);
	assert_int_equal(d.format, HF_FORMAT_WITMOTION);
	assert_int_equal(n, 2017);
	assert_int_equal(d.stats.samples, 2017);
	assert_int_equal(d.stats.packets, 8068);
	assert_int_equal(d.stats.bad_packets, 0);
	assert_int_equal(d.stats.skipped_bytes, 0);
	assert_int_equal(d.stats.gaps, 0);
	/* README: first acceleration (0.0015, 0.0054, 1.0376) g, 25.26 degC */
	assert_float_equal(first.acc_g[0], 0.0015, 5e-5);
	assert_float_equal(first.acc_g[1], 0.0054, 5e-5);
	assert_float_equal(first.acc_g[2], 1.0376, 5e-5);
	assert_float_equal(first_temp_c, 25.26, 1e-9);
	assert_true(first.t_s == 0.0);
	assert_float_equal(last.t_s, 2016 / 10.0, 1e-9);
	/* lying still, z up: every sample near 1 g */
	assert_float_equal(last.acc_g[2], 1.0, 0.1);
}

static void test_real_wt901sd(void **state)
{
	uint8_t *buf;
	size_t len;

	if (read_real(REAL_WT901, &buf, &len) != 0) {
		print_message("real capture %s/%s is absent: test skipped\n", HF_REAL_DATA_DIR,
			      REAL_WT901);
		skip();
	}
	assert_int_equal(len, 88748);
	decode_real(buf, len, HF_FORMAT_WITMOTION, len);
	decode_real(buf, len, HF_FORMAT_WITMOTION, 1);
	decode_real(buf, len, HF_FORMAT_WITMOTION, 4093);
	decode_real(buf, len, HF_FORMAT_UNKNOWN, 4096); /* sniffed */
	decode_real(buf, len, HF_FORMAT_UNKNOWN, 5);
	assert_int_equal(hf_format_sniff(buf, 64), HF_FORMAT_WITMOTION);
	free(buf);
}

/*
 * Line noise on the real capture (issue 8, contract v2 section 2): seven
 * acceleration packets with a damaged data byte, and 8 stray bytes that
 * start with 0x55 and a framing type after every 97th packet, so a bad
 * pseudo-packet starts exactly where a good packet ended (noise that
 * happens to check with the next packet's first bytes, 1 in 256, would be
 * a packet by the contract and is drawn again).  A packet whose
 * checksum fails neither starts nor ends a group: 2,017 - 7 = 2,010
 * samples, each at the time and with the values of the same group in the
 * clean capture.  The damaged stream is built here from the real file.
 */
#define NOISE_RATE_HZ 10.0
#define WT901_GROUPS 2017

static const int noise_bad_groups[7] = {3, 96, 300, 301, 777, 1500, 2016};

static bool wit_sum_checks(const uint8_t *p)
{
	unsigned sum = 0;

	for (int k = 0; k < 10; k++)
		sum += p[k];
	return (uint8_t)sum == p[10];
}

static size_t make_noisy(const uint8_t *clean, size_t len, uint8_t *out)
{
	uint32_t seed = 0x2545F491u;
	size_t n = 0;

	for (size_t i = 0; i * 11 < len; i++) {
		memcpy(out + n, clean + 11 * i, 11);
		for (int k = 0; k < 7; k++)
			if (out[n + 1] == 0x51 && (int)(i / 4) == noise_bad_groups[k])
				out[n + 2 + k % 6] ^= 0x24; /* data byte: checksum fails */
		n += 11;
		if ((i + 1) % 97 != 0)
			continue;
		do { /* noise that happens to check would be a packet: redraw */
			out[n] = 0x55;
			out[n + 1] = (uint8_t)(0x50 + (i / 97) % 16);
			for (int k = 2; k < 8; k++) {
				seed = seed * 1664525u + 1013904223u;
				out[n + k] = (uint8_t)(seed >> 24);
			}
			memcpy(out + n + 8, clean + 11 * (i + 1), 3);
		} while (i + 1 < len / 11 && wit_sum_checks(out + n));
		n += 8;
	}
	return n;
}

/* Every sample of buf[0..len) in order; returns how many. */
static size_t decode_all(const uint8_t *buf, size_t len, size_t chunk, struct hf_sample *s,
			 struct hf_decoder *d)
{
	size_t n = 0;
	struct hf_sample one;

	assert_int_equal(hf_decoder_init(d, HF_FORMAT_WITMOTION, NOISE_RATE_HZ), HF_OK);
	for (size_t off = 0; off < len;) {
		size_t end = off + chunk < len ? off + chunk : len, used;
		while (off < end) {
			int r = hf_decoder_feed(d, buf + off, end - off, &used, &one);
			assert_true(r == 0 || r == 1);
			off += used;
			if (r == 1) {
				assert_true(n < WT901_GROUPS);
				s[n++] = one;
			}
		}
	}
	assert_int_equal(hf_decoder_flush(d, &one), 0);
	return n;
}

static bool noise_damaged(int group)
{
	for (int k = 0; k < 7; k++)
		if (noise_bad_groups[k] == group)
			return true;
	return false;
}

static void test_real_line_noise(void **state)
{
	static struct hf_sample clean_s[WT901_GROUPS], noisy_s[WT901_GROUPS];
	static const size_t chunks[] = {SIZE_MAX, 1, 13};
	struct hf_decoder d;
	uint8_t *buf, *noisy;
	size_t len, noisy_len;

	if (read_real(REAL_WT901, &buf, &len) != 0) {
		print_message("real capture %s/%s is absent: test skipped\n", HF_REAL_DATA_DIR,
			      REAL_WT901);
		skip();
	}
	noisy = malloc(2 * len);
	assert_non_null(noisy);
	noisy_len = make_noisy(buf, len, noisy);
	assert_int_equal(noisy_len, len + 8 * (len / 11 / 97));
	assert_int_equal(decode_all(buf, len, len, clean_s, &d), WT901_GROUPS);
	for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
		size_t n = decode_all(noisy, noisy_len, chunks[c], noisy_s, &d), j = 0;

		assert_int_equal(n, 2010);
		assert_int_equal(d.stats.samples, 2010);
		assert_int_equal(d.stats.packets, 8068 - 7);
		assert_int_equal(d.stats.gaps, 7);
		for (int g = 0; g < WT901_GROUPS; g++) {
			if (noise_damaged(g))
				continue;
			assert_true(noisy_s[j].t_s == g / NOISE_RATE_HZ); /* unshifted */
			assert_memory_equal(&noisy_s[j], &clean_s[g], sizeof clean_s[g]);
			j++;
		}
		assert_int_equal(j, n);
	}
	free(noisy);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_full_scale),
		cmocka_unit_test(test_time_from_rate),
		cmocka_unit_test(test_needs_rate),
		cmocka_unit_test(test_real_wt901sd),
		cmocka_unit_test(test_real_line_noise),
	};
	return cmocka_run_group_tests_name("witmotion", tests, NULL, NULL);
}
