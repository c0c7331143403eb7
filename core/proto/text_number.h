/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Decimal text to double, for the CSV decoder's hot path.
 */
#ifndef HIPFORM_TEXT_NUMBER_H
#define HIPFORM_TEXT_NUMBER_H

#include <stdbool.h>

/*
 * Parse the whole of [b, e) as a number, where *e == '\0'.  The result is
 * exactly what strtod() gives in the C locale; true when every byte of
 * [b, e) was used.  Plain decimals of up to 19 digits with a mantissa
 * below 2^53 and a power of ten within 1e±22 take a fast path; anything
 * else (hex, inf, nan, long or extreme values) goes to strtod().
 */
bool hf_text_number(const char *b, const char *e, double *v);

#endif
