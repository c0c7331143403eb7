/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Format names and sniffing (contract section 2; CLI --format left out):
 * WitMotion when two checked packets follow each other, CSV when the bytes
 * are text that starts with a comment or a header naming t_s, else unknown.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "decode_util.h"
#include "hipform/error.h"

#define H "t_s,ax_g,ay_g,az_g,gx_dps,gy_dps,gz_dps\n"
#define UNKNOWN_MSG "cannot tell the input format from its first bytes; use --format"

static void test_names(void **state)
{
	assert_string_equal(hf_format_name(HF_FORMAT_CSV), "csv");
	assert_string_equal(hf_format_name(HF_FORMAT_WITMOTION), "witmotion");
	assert_null(hf_format_name(HF_FORMAT_UNKNOWN));
	assert_null(hf_format_name(HF_FORMAT_COUNT));
	assert_int_equal(hf_format_from_name("csv"), HF_FORMAT_CSV);
	assert_int_equal(hf_format_from_name("witmotion"), HF_FORMAT_WITMOTION);
	assert_int_equal(hf_format_from_name("xsens"), HF_FORMAT_UNKNOWN);
	assert_int_equal(hf_format_from_name("CSV"), HF_FORMAT_UNKNOWN);
	assert_int_equal(hf_format_from_name(""), HF_FORMAT_UNKNOWN);
	assert_int_equal(hf_format_from_name(NULL), HF_FORMAT_UNKNOWN);
}

struct sniff_case {
	const char *name;
	const char *text;
	size_t len;
	enum hf_format want;
};

#define T(s) s, sizeof(s) - 1

static const struct sniff_case text_cases[] = {
	{"header", T(H "0,0,0,1,0,0,0\n"), HF_FORMAT_CSV},
	{"header alone", T(H), HF_FORMAT_CSV},
	{"comment", T("# hipform recording\n"), HF_FORMAT_CSV},
	{"comment not finished", T("# hipform rec"), HF_FORMAT_CSV},
	{"bom and header", T("\xEF\xBB\xBF" H), HF_FORMAT_CSV},
	{"blank lines then header", T("\r\n \n" H), HF_FORMAT_CSV},
	{"t_s not first", T("ax_g, t_s ,ay_g"), HF_FORMAT_CSV},
	{"t_s not finished", T("t_s"), HF_FORMAT_UNKNOWN},
	{"no t_s column", T("time,ax\n1,2\n"), HF_FORMAT_UNKNOWN},
	{"t_s inside a name", T("xt_s,ax\n"), HF_FORMAT_UNKNOWN},
	{"prose", T("hello world\n"), HF_FORMAT_UNKNOWN},
	{"comment then binary", T("# x\x01\x02"), HF_FORMAT_UNKNOWN},
	{"binary after the header line", T(H "\x01\x02\n"), HF_FORMAT_CSV},
	{"binary before the header", T("\x01\n" H), HF_FORMAT_UNKNOWN},
	{"empty", T(""), HF_FORMAT_UNKNOWN},
};

static void test_sniff_text(void **state)
{
	for (size_t i = 0; i < sizeof text_cases / sizeof text_cases[0]; i++) {
		const struct sniff_case *c = &text_cases[i];
		print_message("case '%s'\n", c->name);
		assert_int_equal(hf_format_sniff((const uint8_t *)c->text, c->len), c->want);
	}
	assert_int_equal(hf_format_sniff(NULL, 0), HF_FORMAT_UNKNOWN);
}

static size_t wit_stream(uint8_t *b, int groups)
{
	for (int i = 0; i < groups; i++) {
		hf_test_wit_packet(b + 44 * i, 0x51, (int16_t)i, 0, 2048, 2500);
		hf_test_wit_packet(b + 44 * i + 11, 0x52, 0, (int16_t)-i, 0, 0);
		hf_test_wit_packet(b + 44 * i + 22, 0x53, 1, 2, 3, 11608);
		hf_test_wit_packet(b + 44 * i + 33, 0x54, 4, 5, 6, 0);
	}
	return 44 * (size_t)groups;
}

static void test_sniff_binary(void **state)
{
	uint8_t b[200], g[240];

	wit_stream(b, 4);
	assert_int_equal(hf_format_sniff(b, 22), HF_FORMAT_WITMOTION);
	assert_int_equal(hf_format_sniff(b, 21), HF_FORMAT_UNKNOWN);
	assert_int_equal(hf_format_sniff(b, 11), HF_FORMAT_UNKNOWN);
	/* garbage first, starting mid-packet */
	memset(g, 0xA7, 20);
	memcpy(g + 20, b + 5, 150);
	assert_int_equal(hf_format_sniff(g, 20 + 6 + 22), HF_FORMAT_WITMOTION);
	assert_int_equal(hf_format_sniff(g, 20 + 6 + 21), HF_FORMAT_UNKNOWN);
	/* the second packet does not check */
	b[21]++;
	assert_int_equal(hf_format_sniff(b, 22), HF_FORMAT_UNKNOWN);
	assert_int_equal(hf_format_sniff(b, 33), HF_FORMAT_UNKNOWN);
	assert_int_equal(hf_format_sniff(b, 44), HF_FORMAT_WITMOTION); /* 3rd and 4th */
}

/* Sniffing inside the decoder gives what naming the format gives. */
static void test_decoder_sniffs(void **state)
{
	static uint8_t b[44 * 20 + 50];
	static struct hf_test_run named, sniffed;
	static const char csv[] = "# a comment that is rather long, to go past the sniffing window of "
				  "the decoder, which holds a hundred and twenty-eight bytes\n" H
				  "0,0,0,1,0,0,0\n0.01,0,0,1,0,0,0\n0.02,0,0,1,0,0,0";
	size_t len;

	memset(b, 0xA0, 50);
	len = 50 + wit_stream(b + 50, 20);
	hf_test_decode(&named, HF_FORMAT_WITMOTION, 100, b, len, 0, 0);
	assert_int_equal(named.n, 20);
	for (size_t chunk = 0; chunk <= 13; chunk++) {
		hf_test_decode(&sniffed, HF_FORMAT_UNKNOWN, 100, b, len, 0, chunk);
		assert_true(hf_test_same(&named, &sniffed));
	}
	hf_test_decode(&named, HF_FORMAT_CSV, 0, (const uint8_t *)csv, sizeof csv - 1, 0, 0);
	assert_int_equal(named.n, 3);
	for (size_t chunk = 0; chunk <= 13; chunk++) {
		hf_test_decode(&sniffed, HF_FORMAT_UNKNOWN, 0, (const uint8_t *)csv, sizeof csv - 1, 0, chunk);
		assert_true(hf_test_same(&named, &sniffed));
	}
	/* a header that ends the input is recognised at flush */
	hf_test_decode(&sniffed, HF_FORMAT_UNKNOWN, 0, (const uint8_t *)"t_s,ax_g,ay_g,az_g,gx_dps,gy_dps,gz_dps",
		       39, 0, 0);
	assert_int_equal(sniffed.result, 0);
	assert_int_equal(sniffed.d.format, HF_FORMAT_CSV);
}

static void test_decoder_cannot_tell(void **state)
{
	static uint8_t junk[300];
	static struct hf_test_run run;
	struct hf_decoder d;
	struct hf_sample s;
	size_t used;

	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (uint8_t)(i * 7 + 3);
	/* short input: undecided until flush */
	hf_decoder_init(&d, HF_FORMAT_UNKNOWN, 0);
	assert_int_equal(hf_decoder_feed(&d, junk, 10, &used, &s), 0);
	assert_int_equal(used, 10);
	assert_string_equal(hf_decoder_error(&d), "");
	assert_int_equal(hf_decoder_flush(&d, &s), HF_ERR_FORMAT);
	assert_string_equal(hf_decoder_error(&d), UNKNOWN_MSG);
	/* long input: fails once the window is full */
	hf_decoder_init(&d, HF_FORMAT_UNKNOWN, 0);
	assert_int_equal(hf_decoder_feed(&d, junk, sizeof junk, &used, &s), HF_ERR_FORMAT);
	assert_int_equal(used, HF_SNIFF_MAX);
	assert_string_equal(hf_decoder_error(&d), UNKNOWN_MSG);
	hf_test_decode(&run, HF_FORMAT_UNKNOWN, 100, junk, sizeof junk, 0, 1);
	assert_int_equal(run.result, HF_ERR_FORMAT);
	assert_int_equal(run.d.format, HF_FORMAT_UNKNOWN);
	/* empty input */
	hf_test_decode(&run, HF_FORMAT_UNKNOWN, 100, junk, 0, 0, 0);
	assert_int_equal(run.result, HF_ERR_FORMAT);
}

/* A sniffed WitMotion stream without a rate asks for one. */
static void test_sniffed_needs_rate(void **state)
{
	static uint8_t b[44 * 4];
	static struct hf_test_run run;

	hf_test_decode(&run, HF_FORMAT_UNKNOWN, 0, b, wit_stream(b, 4), 0, 0);
	assert_int_equal(run.result, HF_ERR_FORMAT);
	assert_int_equal(run.n, 0);
	assert_non_null(strstr(hf_decoder_error(&run.d), "--rate"));
}

static void test_bad_init(void **state)
{
	struct hf_decoder d;

	assert_int_equal(hf_decoder_init(NULL, HF_FORMAT_CSV, 0), HF_ERR_ARG);
	assert_int_equal(hf_decoder_init(&d, HF_FORMAT_COUNT, 0), HF_ERR_ARG);
	assert_int_equal(hf_decoder_init(&d, HF_FORMAT_CSV, -1.0), HF_ERR_ARG);
	assert_int_equal(hf_decoder_init(&d, HF_FORMAT_CSV, NAN), HF_ERR_ARG);
	assert_int_equal(hf_decoder_init(&d, HF_FORMAT_CSV, 100.0), HF_OK);
	assert_int_equal(hf_decoder_init(&d, HF_FORMAT_UNKNOWN, 0.0), HF_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_sniff_text),
		cmocka_unit_test(test_sniff_binary),
		cmocka_unit_test(test_decoder_sniffs),
		cmocka_unit_test(test_decoder_cannot_tell),
		cmocka_unit_test(test_sniffed_needs_rate),
		cmocka_unit_test(test_bad_init),
	};
	return cmocka_run_group_tests_name("sniff", tests, NULL, NULL);
}
