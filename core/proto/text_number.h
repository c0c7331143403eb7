/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Decimal text to double, for the CSV decoder's hot path.
 */
#ifndef HIPFORM_TEXT_NUMBER_H
#define HIPFORM_TEXT_NUMBER_H

#include <stdbool.h>

/*
 * Parse the whole of [b, e) as a decimal number, where *e == '\0'.  The
 * result is exactly what strtod() gives in the C locale; true when [b, e)
 * is a decimal ([sign] digits [. digits] [e [sign] digits]) and every
 * byte was used.  Hex, inf and nan, which strtod() reads, are rejected.
 * Plain decimals of up to 19 digits with a mantissa below 2^53 and a
 * power of ten within 1e±22 take a fast path; other decimals (long or
 * extreme values) go to strtod().
 */
bool hf_text_number(const char *b, const char *e, double *v);

#endif
