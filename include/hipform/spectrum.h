/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Spectral features with kissfft (real FFTs of fixed sizes whose configs
 * are made once; lengths are powers of two, input and output separate, so
 * kissfft allocates nothing per call):
 *  - the dominant rep period of a set, from e(t) resampled at 10 Hz;
 *  - tremor in holds: the dominant frequency (3-15 Hz) and RMS amplitude
 *    of e(t) around its trend while a rep is held.
 */
#ifndef HIPFORM_SPECTRUM_H
#define HIPFORM_SPECTRUM_H

#include <stddef.h>

#define HF_PERIOD_RATE_HZ 10.0
#define HF_PERIOD_N 1024   /* 102.4 s at 10 Hz */
#define HF_TREMOR_N 256

struct hf_spectrum;

struct hf_spectrum *hf_spectrum_new(void);
void hf_spectrum_free(struct hf_spectrum *s);

/*
 * Dominant period (s) of x (n <= HF_PERIOD_N samples at HF_PERIOD_RATE_HZ),
 * searched between 1.5 s and 40 s; 0 when there is no clear peak.
 */
double hf_spectrum_period_s(struct hf_spectrum *s, const float *x, size_t n);

/* Tremor accumulation over the holds of one set. */
void hf_spectrum_tremor_reset(struct hf_spectrum *s);
/* Add one hold: n samples of e (deg) at rate_hz (n is capped). */
void hf_spectrum_tremor_add(struct hf_spectrum *s, const float *x, size_t n,
			    double rate_hz);
/* Dominant tremor frequency (Hz) and RMS amplitude (deg); 0 if none. */
void hf_spectrum_tremor_get(const struct hf_spectrum *s, double *freq_hz,
			    double *rms_deg);

#endif
