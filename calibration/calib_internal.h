/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared by the procedure (calib.c) and six-face (six_face.c) estimators. */
#ifndef HIPFORM_CALIB_INTERNAL_H
#define HIPFORM_CALIB_INTERNAL_H

#include <math.h>

/*
 * Root of the summed per-axis variances of a block of n samples, from sums
 * shifted by a reference sample (dev = sum of x - ref, dev_sq = sum of
 * (x - ref)^2): the shift keeps the difference of squares from cancelling.
 */
static inline double hf_calib_spread(const double dev[3], const double dev_sq[3], double n)
{
	double v = 0.0;

	for (int k = 0; k < 3; k++)
		v += fmax(0.0, dev_sq[k] / n - (dev[k] / n) * (dev[k] / n));
	return sqrt(v);
}

#endif
