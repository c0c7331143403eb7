/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * CSV decoder tests (contract section 2), table-driven: each case is a
 * text and what the contract says comes out of it.  Every case is decoded
 * whole, a byte at a time, in chunks, and split in two at every byte.
 */
#include <math.h>
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
#include "text_number.h"

#define H "t_s,ax_g,ay_g,az_g,gx_dps,gy_dps,gz_dps\n"
#define ROW0 "0,0.1,0.2,1.0,1.5,-2.5,3"     /* the standard first row */
#define T(s) s, sizeof(s) - 1               /* text and length (NULs ok) */

struct csv_case {
	const char *name;
	const char *text;
	size_t len;
	double rate_hz;         /* given to init; 0: estimate */
	int result;             /* 0 or the fatal error */
	const char *message;    /* exact hf_decoder_error() when result < 0 */
	int n_samples;
	uint64_t bad_lines, gaps;
	double rate_after;      /* d.rate_hz after flush; 0: do not check */
	bool row0;              /* the first sample is ROW0's values */
	double t[6];            /* t_s of the first samples */
};

static const struct csv_case cases[] = {
	{"basic", T(H ROW0 "\n0.01,0,0,1,0,0,0\n"), 100, 0, NULL, 2, 0, 0, 100, true, {0, 0.01}},
	{"comments and blank lines",
	 T("# made by hand\n\n   \n#t_s,x\n" H "\n" ROW0 "\n# mid\n\n0.01,0,0,1,0,0,0\n"), 100, 0,
	 NULL, 2, 0, 0, 0, true, {0, 0.01}},
	{"crlf", T("# c\r\n\r\n" "t_s,ax_g,ay_g,az_g,gx_dps,gy_dps,gz_dps\r\n" ROW0 "\r\n0.01,0,0,1,0,0,0\r\n"),
	 0, 0, NULL, 2, 0, 0, 100, true, {0, 0.01}},
	{"bom", T("\xEF\xBB\xBF" H ROW0 "\n"), 0, 0, NULL, 1, 0, 0, 0, true, {0}},
	{"bom then comment", T("\xEF\xBB\xBF# c\r\n" H ROW0 "\n"), 0, 0, NULL, 1, 0, 0, 0, true, {0}},
	{"reordered columns", T("gz_dps,t_s,ay_g,ax_g,gy_dps,az_g,gx_dps\n3,0,0.2,0.1,-2.5,1.0,1.5\n"), 0,
	 0, NULL, 1, 0, 0, 0, true, {0}},
	{"extra columns", T("t_s,mx_ut,ax_g,ay_g,az_g,gx_dps,gy_dps,gz_dps,qw\n0,abc,0.1,0.2,1.0,1.5,-2.5,3,\n"),
	 0, 0, NULL, 1, 0, 0, 0, true, {0}},
	{"spaces and quotes", T("\"t_s\", ax_g ,ay_g,az_g,gx_dps,gy_dps,gz_dps\n0, 0.1 ,0.2,1.0,1.5,-2.5,3\n"),
	 0, 0, NULL, 1, 0, 0, 0, true, {0}},
	{"duplicate column: first wins", T("t_s,ax_g,ay_g,az_g,gx_dps,gy_dps,gz_dps,ax_g\n" ROW0 ",9\n"), 0,
	 0, NULL, 1, 0, 0, 0, true, {0}},
	{"missing column", T("t_s,ax_g,ay_g,az_g,gx_dps,gy_dps\n0,0,0,1,0,0\n"), 0, HF_ERR_FORMAT,
	 "CSV header lacks required column 'gz_dps'", 0, 0, 0, 0, false, {0}},
	{"two missing columns", T("# x\nt_s,ay_g,az_g,gx_dps,gy_dps\n" ROW0 "\n"), 0, HF_ERR_FORMAT,
	 "CSV header lacks required columns 'ax_g', 'gz_dps'", 0, 0, 0, 0, false, {0}},
	{"semicolons", T("t_s;ax_g;ay_g;az_g;gx_dps;gy_dps;gz_dps\n"), 0, HF_ERR_FORMAT,
	 "CSV header lacks required columns 't_s', 'ax_g', 'ay_g', 'az_g', 'gx_dps', 'gy_dps', 'gz_dps'",
	 0, 0, 0, 0, false, {0}},
	{"not numbers",
	 T(H ROW0 "\n0.01,abc,0,1,0,0,0\n0.02,1.0x,0,1,0,0,0\n0.03,,0,1,0,0,0\n0.04,nan,0,1,0,0,0\n"
	     "0.05,0,inf,1,0,0,0\n0.055,0,0,1,0,0,- 1\n0.06,0,0,1,0,0,0\n"),
	 100, 0, NULL, 2, 6, 1, 100, true, {0, 0.06}},
	/* issue 8: the contract's fields are decimal; strtod() would read these */
	{"hex, inf and nan are not decimal",
	 T(H ROW0 "\n0.01,0,0,1,0,0,-0x9613\n0x1p-3,0,0,1,0,0,0\n0.02,0X1A,0,1,0,0,0\n"
	     "0.03,0,0,1,0x0,0,0\n0.04,0,0,1,0,infinity,0\n0.05,0,NAN(1),1,0,0,0\n0.06,0,0,1,0,0,0\n"),
	 100, 0, NULL, 2, 6, 1, 100, true, {0, 0.06}},
	{"NUL inside a field", T(H ROW0 "\n0.01,0\0,0,1,0,0,0\n0.02,0,0,1,0,0,0\n"), 0, 0, NULL, 2, 1, 0, 50,
	 true, {0, 0.02}},
	{"wrong field count",
	 T(H ROW0 "\n0.01,0,0,1,0,0\n0.02,0,0,1,0,0,0,0\n0.03,0,0,1,0,0,0,\n0.04,0,0,1,0,0,0\n"), 0, 0, NULL,
	 2, 3, 0, 25, true, {0, 0.04}},
	{"t_s decreasing",
	 T(H "1.00,0,0,1,0,0,0\n1.01,0,0,1,0,0,0\n1.005,0,0,1,0,0,0\n1.01,0,0,1,0,0,0\n1.02,0,0,1,0,0,0\n"),
	 100, 0, NULL, 4, 1, 0, 100, false, {1.00, 1.01, 1.01, 1.02}},
	{"gaps at a given rate",
	 T(H "0,0,0,1,0,0,0\n0.01,0,0,1,0,0,0\n0.02,0,0,1,0,0,0\n0.05,0,0,1,0,0,0\n0.06,0,0,1,0,0,0\n"
	     "0.08,0,0,1,0,0,0\n"),
	 100, 0, NULL, 6, 0, 2, 100, false, {0, 0.01, 0.02, 0.05, 0.06, 0.08}},
	{"notations", T(H "1e-3,+0.5,-.25,1.,2E+1,-0,7\n"), 0, 0, NULL, 1, 0, 0, 0, false, {0.001}},
	{"last line without newline", T(H ROW0 "\n0.01,0,0,1,0,0,0"), 0, 0, NULL, 2, 0, 0, 100, true,
	 {0, 0.01}},
	{"last line ends in CR", T(H ROW0 "\r\n0.01,0,0,1,0,0,0\r"), 0, 0, NULL, 2, 0, 0, 100, true,
	 {0, 0.01}},
	{"header without newline", T("t_s,ax_g,ay_g,az_g,gx_dps,gy_dps,gz_dps"), 0, 0, NULL, 0, 0, 0, 0,
	 false, {0}},
	{"header only", T(H), 0, 0, NULL, 0, 0, 0, 0, false, {0}},
	{"empty", T(""), 0, HF_ERR_FORMAT, "CSV input has no header line", 0, 0, 0, 0, false, {0}},
	{"only comments", T("# a\n\n# b"), 0, HF_ERR_FORMAT, "CSV input has no header line", 0, 0, 0, 0,
	 false, {0}},
};

static void check_case(const struct csv_case *c, const struct hf_test_run *run)
{
	const struct hf_decoder_stats *st = &run->d.stats;

	print_message("case '%s'\n", c->name);
	assert_int_equal(run->result, c->result);
	if (c->result < 0)
		assert_string_equal(hf_decoder_error(&run->d), c->message);
	else
		assert_string_equal(hf_decoder_error(&run->d), "");
	assert_int_equal(run->n, c->n_samples);
	assert_int_equal(st->samples, c->n_samples);
	assert_int_equal(st->bad_lines, c->bad_lines);
	assert_int_equal(st->gaps, c->gaps);
	assert_int_equal(st->packets + st->bad_packets + st->skipped_bytes, 0);
	if (c->rate_after > 0)
		assert_float_equal(run->d.rate_hz, c->rate_after, 1e-6 * c->rate_after);
	for (int i = 0; i < c->n_samples && i < 6; i++)
		assert_true(run->s[i].t_s == c->t[i]);
	if (c->row0) {
		const struct hf_sample *s = &run->s[0];
		assert_true(s->acc_g[0] == 0.1 && s->acc_g[1] == 0.2 && s->acc_g[2] == 1.0);
		assert_true(s->gyro_dps[0] == 1.5 && s->gyro_dps[1] == -2.5 && s->gyro_dps[2] == 3.0);
	}
}

static void test_table(void **state)
{
	static struct hf_test_run whole, other;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct csv_case *c = &cases[i];
		const uint8_t *b = (const uint8_t *)c->text;
		hf_test_decode(&whole, HF_FORMAT_CSV, c->rate_hz, b, c->len, 0, 0);
		check_case(c, &whole);
		for (size_t chunk = 1; chunk <= 7; chunk += 2) {
			hf_test_decode(&other, HF_FORMAT_CSV, c->rate_hz, b, c->len, 0, chunk);
			assert_true(hf_test_same(&whole, &other));
		}
		for (size_t cut = 1; cut < c->len; cut++) {
			hf_test_decode(&other, HF_FORMAT_CSV, c->rate_hz, b, c->len, cut, 0);
			assert_true(hf_test_same(&whole, &other));
		}
	}
}

static void test_notations(void **state)
{
	static struct hf_test_run run;
	static const char text[] = H "1e-3,+0.5,-.25,1.,2E+1,-0,7\n";

	hf_test_decode(&run, HF_FORMAT_CSV, 0, (const uint8_t *)text, sizeof text - 1, 0, 0);
	assert_int_equal(run.n, 1);
	assert_true(run.s[0].acc_g[0] == 0.5 && run.s[0].acc_g[1] == -0.25);
	assert_true(run.s[0].acc_g[2] == 1.0 && run.s[0].gyro_dps[0] == 20.0);
	assert_true(run.s[0].gyro_dps[1] == 0.0 && signbit(run.s[0].gyro_dps[1]));
	assert_true(run.s[0].gyro_dps[2] == 7.0);
}

/* Text of n rows at step_s, leaving out the rows listed in skip[]. */
static size_t make_rows(char *buf, size_t size, int n, double step_s, const int *skip, int n_skip)
{
	size_t len = (size_t)snprintf(buf, size, H);

	for (int i = 0; i < n; i++) {
		bool out = false;
		for (int k = 0; k < n_skip; k++)
			out |= skip[k] == i;
		if (!out)
			len += (size_t)snprintf(buf + len, size - len, "%.4f,0,0,1,0,0,%d\n", i * step_s, i);
		assert_true(len < size);
	}
	return len;
}

/*
 * Without a rate: the period is the median of the first 15 positive steps,
 * rate_hz is 0 until then, and gaps among those first steps are counted
 * when the period becomes known.
 */
static void test_estimated_rate(void **state)
{
	static char text[8192];
	static const int skip[] = {5, 30, 31}; /* a step of 2 and one of 3 periods */
	size_t len = make_rows(text, sizeof text, 40, 0.02, skip, 3), off = 0;
	struct hf_decoder d;
	struct hf_sample s;
	int n = 0;

	assert_int_equal(hf_decoder_init(&d, HF_FORMAT_CSV, 0.0), HF_OK);
	while (off < len) {
		size_t used;
		int r = hf_decoder_feed(&d, (const uint8_t *)text + off, len - off, &used, &s);
		off += used;
		assert_true(r == 0 || r == 1);
		if (r == 1 && ++n <= 15) {
			assert_true(d.rate_hz == 0.0);
			assert_int_equal(d.stats.gaps, 0);
		} else if (r == 1 && n == 16) {
			assert_float_equal(d.rate_hz, 50.0, 1e-6);
			assert_int_equal(d.stats.gaps, 1); /* the one among the first steps */
		}
	}
	assert_int_equal(hf_decoder_flush(&d, &s), 0);
	assert_int_equal(n, 37);
	assert_int_equal(d.stats.gaps, 2);
	assert_float_equal(d.rate_hz, 50.0, 1e-6);
}

/* A given rate wins over the steps; jitter below 1.5 periods is no gap. */
static void test_given_rate(void **state)
{
	static struct hf_test_run run;
	static const char text[] = H "0,0,0,1,0,0,0\n0.014,0,0,1,0,0,0\n0.02,0,0,1,0,0,0\n"
				     "0.04,0,0,1,0,0,0\n0.041,0,0,1,0,0,0\n";

	hf_test_decode(&run, HF_FORMAT_CSV, 50.0, (const uint8_t *)text, sizeof text - 1, 0, 0);
	assert_int_equal(run.n, 5);
	assert_int_equal(run.d.stats.gaps, 0);
	assert_true(run.d.rate_hz == 50.0);
	hf_test_decode(&run, HF_FORMAT_CSV, 100.0, (const uint8_t *)text, sizeof text - 1, 0, 0);
	assert_int_equal(run.d.stats.gaps, 1);
}

static void test_overlong(void **state)
{
	static char text[6000];
	static struct hf_test_run run;
	size_t len = 0;

	len += (size_t)snprintf(text + len, sizeof text - len, "#");
	memset(text + len, 'c', 1500); /* a long comment is still a comment */
	len += 1500;
	len += (size_t)snprintf(text + len, sizeof text - len, "\n" H "0,0,0,1,0,0,0\n0.01,");
	memset(text + len, '0', HF_CSV_MAX_LINE);
	len += HF_CSV_MAX_LINE;
	len += (size_t)snprintf(text + len, sizeof text - len, ",0,1,0,0,0\n0.02,0,0,1,0,0,0\n");
	hf_test_decode(&run, HF_FORMAT_CSV, 0, (const uint8_t *)text, len, 0, 0);
	assert_int_equal(run.result, 0);
	assert_int_equal(run.n, 2);
	assert_int_equal(run.d.stats.bad_lines, 1);
	assert_true(run.s[1].t_s == 0.02);
	hf_test_decode(&run, HF_FORMAT_CSV, 0, (const uint8_t *)text, len, 0, 100);
	assert_int_equal(run.n, 2);
	assert_int_equal(run.d.stats.bad_lines, 1);

	/* a line of exactly the limit is fine */
	len = (size_t)snprintf(text, sizeof text, H "0.01,");
	size_t pad = HF_CSV_MAX_LINE - strlen("0.01,") - strlen(",0,1,0,0,0");
	memset(text + len, '0', pad);
	len += pad;
	len += (size_t)snprintf(text + len, sizeof text - len, ",0,1,0,0,0\n");
	hf_test_decode(&run, HF_FORMAT_CSV, 0, (const uint8_t *)text, len, 0, 0);
	assert_int_equal(run.n, 1);
	assert_int_equal(run.d.stats.bad_lines, 0);
	/* one more byte is not */
	memmove(text + len - 10, text + len - 11, 11);
	text[len - 11] = '0';
	hf_test_decode(&run, HF_FORMAT_CSV, 0, (const uint8_t *)text, len + 1, 0, 0);
	assert_int_equal(run.n, 0);
	assert_int_equal(run.d.stats.bad_lines, 1);

	/* a header that does not fit is fatal */
	memset(text, 'a', 2000);
	memcpy(text, "t_s,", 4);
	text[2000] = '\n';
	hf_test_decode(&run, HF_FORMAT_CSV, 0, (const uint8_t *)text, 2001, 0, 0);
	assert_int_equal(run.result, HF_ERR_FORMAT);
	assert_non_null(strstr(hf_decoder_error(&run.d), "longer than"));
}

/* After a fatal error every call returns it, and consumes nothing. */
static void test_error_sticky(void **state)
{
	static const char text[] = "t_s,ax_g\n0,1\n";
	struct hf_decoder d;
	struct hf_sample s;
	size_t used, off = 0;
	int r;

	hf_decoder_init(&d, HF_FORMAT_CSV, 0);
	do {
		r = hf_decoder_feed(&d, (const uint8_t *)text + off, sizeof text - 1 - off, &used, &s);
		off += used;
	} while (r == 0 && off < sizeof text - 1);
	assert_int_equal(r, HF_ERR_FORMAT);
	assert_int_equal(off, strlen("t_s,ax_g\n"));
	assert_int_equal(hf_decoder_feed(&d, (const uint8_t *)"0,1\n", 4, &used, &s), HF_ERR_FORMAT);
	assert_int_equal(used, 0);
	assert_int_equal(hf_decoder_flush(&d, &s), HF_ERR_FORMAT);
	assert_non_null(strstr(hf_decoder_error(&d), "'ay_g'"));
}

/* ---- break comments: "# sensor lost ..." (the daemon's replug mark) ---- */

/* Decode text in chunks of `chunk` bytes (0: whole); breaks_at[i] is
 * d.breaks when sample i came out.  Returns the number of samples. */
static int decode_breaks(const char *text, size_t chunk, uint64_t *breaks_at, int max,
			 struct hf_decoder *d)
{
	size_t len = strlen(text), off = 0;
	struct hf_sample s;
	int n = 0, r;

	hf_decoder_init(d, HF_FORMAT_UNKNOWN, 0);
	while (off < len) {
		size_t want = chunk && chunk < len - off ? chunk : len - off, used = 0;
		r = hf_decoder_feed(d, (const uint8_t *)text + off, want, &used, &s);
		assert_true(r >= 0);
		off += used;
		if (r == 1 && n < max)
			breaks_at[n++] = d->breaks;
	}
	while ((r = hf_decoder_flush(d, &s)) == 1)
		if (n < max)
			breaks_at[n++] = d->breaks;
	assert_int_equal(r, 0);
	return n;
}

static void test_break_comment(void **state)
{
	static const char text[] =
		"# hipformd recording\n" H "0,0,0,1,0,0,0\n0.01,0,0,1,0,0,0\n"
		"# sensor lost (hangup) at t=0.010 s\n"
		"# sensor back after 0.5 s; session resumes\n"
		"0.52,0,0,1,0,0,0\n# recording gap: 3 samples from t=0.530 s to t=0.550 s\n"
		"# not a sensor lost line\n# Sensor lost (case matters)\n"
		"0.56,0,0,1,0,0,0\r\n   #sensor lost (no space) at t=0.560 s\r\n0.57,0,0,1,0,0,0\n"
		"# sensor lost (last) at t=0.570 s";
	static const uint64_t want[] = {0, 0, 1, 1, 2};
	static const size_t chunks[] = {0, 1, 2, 7, 33};
	uint64_t got[8];
	struct hf_decoder d;

	for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
		int n = decode_breaks(text, chunks[c], got, 8, &d);
		assert_int_equal(n, 5);
		for (int i = 0; i < n; i++)
			if (got[i] != want[i])
				fail_msg("chunk %zu: sample %d saw %llu breaks, want %llu", chunks[c], i,
					 (unsigned long long)got[i], (unsigned long long)want[i]);
		assert_int_equal(d.breaks, 3); /* the last one, without '\n', at flush */
		assert_int_equal(d.stats.bad_lines, 0);
		assert_int_equal(d.stats.samples, 5);
	}
}

/* ---- the number parser against strtod, bit for bit ---- */

/* Decimal only: any character but digits, signs, '.', 'e' or 'E' (hex,
 * inf, nan, leading spaces, which strtod() takes) makes text no number. */
static bool has_non_decimal_char(const char *text)
{
	return text[strspn(text, "0123456789+-.eE")] != '\0';
}

/* The parser is strtod() on decimal text, and rejects all else. */
static void check_number(const char *text)
{
	char *end;
	double want = strtod(text, &end), got = -12345.0;
	bool want_ok = *end == '\0' && end != text && !has_non_decimal_char(text);
	bool ok = hf_text_number(text, text + strlen(text), &got);

	if (ok != want_ok || (ok && memcmp(&got, &want, sizeof got) != 0))
		fail_msg("'%s': parser %d %.17g, strtod %d %.17g", text, ok, got, want_ok, want);
}

static void test_number_table(void **state)
{
	static const char *const texts[] = {
		"0", "-0", "+0", "1", "-1", "0.1", "0.2", "0.3", "1.0376", "-2.5", ".5", "-.5",
		"5.", "1e3", "1E-3", "1e+3", "1.5e-300", "2.2250738585072014e-308", "1e308",
		"1e309", "4.9e-324", "9007199254740992", "9007199254740993", "9007199254740991.5",
		"123456789012345678", "1234567890123456789", "12345678901234567890",
		"0.000000000000000000001", "1e22", "1e23", "1e-22", "1e-23", "3.14159265358979323846",
		"0.1e1", "000123.4500", "1e", "1e+", "e3", ".", "-", "+", "", " 1", "1 ", "1..2",
		"1.2.3", "--1", "+-1", "0x1A", "0x", "nan", "inf", "-infinity", "1e0001", "1e99999",
		"-0x9613", "0x1p3", "0X.8P1", "+0x0", "NaN", "-nan(0x7)", "INF", "Infinity", "1e0x1",
		"0.00000000000000000000000000001", "1,5", "1d", "12abc",
	};

	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		check_number(texts[i]);
}

static void test_number_random(void **state)
{
	unsigned seed = 12345;
	char text[64];

	for (int i = 0; i < 200000; i++) {
		seed = seed * 1103515245u + 12345u;
		unsigned r = seed >> 8;
		int n_int = (int)(r % 8), n_frac = (int)((r >> 3) % 14);
		size_t len = 0;

		if (r & (1u << 7))
			text[len++] = '-';
		for (int k = 0; k < n_int + n_frac + 1; k++) {
			seed = seed * 1103515245u + 12345u;
			if (k == n_int)
				text[len++] = '.';
			else
				text[len++] = (char)('0' + (seed >> 16) % 10);
		}
		if ((r >> 8) % 5 == 0)
			len += (size_t)snprintf(text + len, sizeof text - len, "e%d", (int)((r >> 11) % 61) - 30);
		text[len] = '\0';
		check_number(text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_notations),
		cmocka_unit_test(test_estimated_rate),
		cmocka_unit_test(test_given_rate),
		cmocka_unit_test(test_overlong),
		cmocka_unit_test(test_error_sticky),
		cmocka_unit_test(test_break_comment),
		cmocka_unit_test(test_number_table),
		cmocka_unit_test(test_number_random),
	};
	return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
