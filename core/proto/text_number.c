/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Decimal text to double without strtod() for the common case.
 *
 * A decimal whose digits form an integer m <= 2^53 and whose scale is
 * 10^k with |k| <= 22 converts exactly with one multiplication or
 * division: m and 10^k are both exact doubles and IEEE 754 rounds a
 * single operation correctly, so the result is the correctly rounded
 * value, the same as a correct strtod() (W. D. Clinger, "How to read
 * floating point numbers accurately", PLDI 1990, the "fast path").
 * Other decimals fall back to strtod(), which the program calls in the
 * C locale (it never calls setlocale()); text that is not a decimal (hex,
 * inf, nan, which strtod() would read) is not a number here.
 */
#include <stdint.h>
#include <stdlib.h>

#include "text_number.h"

#define TN_MAX_DIGITS 19            /* fit a uint64_t */
#define TN_MAX_EXACT (1ULL << 53)   /* integers exact in a double */
#define TN_MAX_POW10 22             /* powers of ten exact in a double */

static const double tn_pow10[TN_MAX_POW10 + 1] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static bool tn_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Digits at *p into *m; returns how many, or -1 when too many. */
static int tn_digits(const char **p, const char *e, uint64_t *m, int room)
{
	int n = 0;

	for (; *p < e && tn_digit(**p); (*p)++, n++) {
		if (n >= room)
			return -1;
		*m = *m * 10 + (uint64_t)(**p - '0');
	}
	return n;
}

/* Optional exponent part: "e", sign, one to four digits. */
static bool tn_exponent(const char **p, const char *e, int *exp10)
{
	int sign = 1, x = 0, n = 0;

	if (*p == e)
		return true;
	if (**p != 'e' && **p != 'E')
		return false;
	(*p)++;
	if (*p < e && (**p == '+' || **p == '-'))
		sign = *(*p)++ == '-' ? -1 : 1;
	for (; *p < e && tn_digit(**p) && n < 4; (*p)++, n++)
		x = x * 10 + (**p - '0');
	*exp10 += sign * x;
	return n > 0;
}

static bool tn_fast(const char *p, const char *e, double *v)
{
	bool neg = false;
	uint64_t m = 0;
	int exp10 = 0, n_int, n_frac = 0;

	if (p < e && (*p == '+' || *p == '-'))
		neg = *p++ == '-';
	n_int = tn_digits(&p, e, &m, TN_MAX_DIGITS);
	if (n_int < 0)
		return false;
	if (p < e && *p == '.') {
		p++;
		n_frac = tn_digits(&p, e, &m, TN_MAX_DIGITS - n_int);
		if (n_frac < 0)
			return false;
	}
	if (n_int + n_frac == 0 || !tn_exponent(&p, e, &exp10) || p != e)
		return false;
	exp10 -= n_frac;
	if (m > TN_MAX_EXACT || exp10 > TN_MAX_POW10 || exp10 < -TN_MAX_POW10)
		return false;
	*v = exp10 < 0 ? (double)m / tn_pow10[-exp10] : (double)m * tn_pow10[exp10];
	if (neg)
		*v = -*v;
	return true;
}

/* Skip a run of digits; returns how many. */
static size_t tn_skip_digits(const char **p, const char *e)
{
	const char *from = *p;

	while (*p < e && tn_digit(**p))
		(*p)++;
	return (size_t)(*p - from);
}

/*
 * Is [p, e) a decimal: sign, digits with at most one point (at least one
 * digit), and an optional exponent "e", sign, digits?  strtod() also reads
 * hex ("-0x9613"), "inf" and "nan", which are not decimal fields.
 */
static bool tn_decimal_form(const char *p, const char *e)
{
	size_t n;

	if (p < e && (*p == '+' || *p == '-'))
		p++;
	n = tn_skip_digits(&p, e);
	if (p < e && *p == '.') {
		p++;
		n += tn_skip_digits(&p, e);
	}
	if (n == 0)
		return false;
	if (p < e && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			p++;
		if (tn_skip_digits(&p, e) == 0)
			return false;
	}
	return p == e;
}

bool hf_text_number(const char *b, const char *e, double *v)
{
	char *end;

	if (tn_fast(b, e, v))
		return true;
	if (!tn_decimal_form(b, e))
		return false;
	*v = strtod(b, &end);
	return end == e && end != b;
}
