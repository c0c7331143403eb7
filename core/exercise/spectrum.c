/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Spectral features (include/hipform/spectrum.h) on kissfft's real FFT.
 * Debian's kissfft is the float build (kissfft-float), so kiss_fft_scalar
 * is float here.
 */
#include <kissfft/kiss_fftr.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hipform/spectrum.h"

#define TREMOR_LO_HZ 3.0
#define TREMOR_HI_HZ 15.0
#define TREMOR_PEAK_RATIO 4.0  /* peak power over the band's mean */
#define TREMOR_MIN_DEG 0.05    /* RMS below this is sensor noise */

struct hf_spectrum {
	kiss_fftr_cfg period_cfg, tremor_cfg;
	kiss_fft_scalar in[HF_PERIOD_N];
	kiss_fft_cpx out[HF_PERIOD_N / 2 + 1];
	double tremor_power[HF_TREMOR_N / 2 + 1]; /* summed over holds */
	double tremor_rate_hz;
	double tremor_var_sum;  /* sum of squared deviations */
	double tremor_count;    /* samples */
	int tremor_holds;
};

struct hf_spectrum *hf_spectrum_new(void)
{
	struct hf_spectrum *s = calloc(1, sizeof *s);

	if (!s)
		return NULL;
	s->period_cfg = kiss_fftr_alloc(HF_PERIOD_N, 0, NULL, NULL);
	s->tremor_cfg = kiss_fftr_alloc(HF_TREMOR_N, 0, NULL, NULL);
	if (!s->period_cfg || !s->tremor_cfg) {
		hf_spectrum_free(s);
		return NULL;
	}
	return s;
}

void hf_spectrum_free(struct hf_spectrum *s)
{
	if (!s)
		return;
	kiss_fftr_free(s->period_cfg);
	kiss_fftr_free(s->tremor_cfg);
	free(s);
}

static double power(const kiss_fft_cpx *c)
{
	return (double)c->r * c->r + (double)c->i * c->i;
}

/* Copy x minus its mean (or linear trend) into in[], zero-padded to n. */
static void load_detrended(kiss_fft_scalar *in, size_t n, const float *x,
			   size_t len, int linear)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0, a = 0, b = 0;

	for (size_t i = 0; i < len; i++) {
		sx += (double)i;
		sy += x[i];
		sxx += (double)i * i;
		sxy += (double)i * x[i];
	}
	if (len > 0) {
		double den = (double)len * sxx - sx * sx;
		b = linear && den != 0.0 ? ((double)len * sxy - sx * sy) / den : 0.0;
		a = (sy - b * sx) / (double)len;
	}
	for (size_t i = 0; i < n; i++)
		in[i] = i < len ? (kiss_fft_scalar)(x[i] - (a + b * (double)i)) : 0.0f;
}

double hf_spectrum_period_s(struct hf_spectrum *s, const float *x, size_t n)
{
	const double df = HF_PERIOD_RATE_HZ / HF_PERIOD_N;
	size_t lo = (size_t)ceil(1.0 / 40.0 / df), hi = (size_t)floor(1.0 / 1.5 / df);
	double best = 0.0, total = 0.0;
	size_t best_k = 0;

	if (n > HF_PERIOD_N)
		n = HF_PERIOD_N;
	if (n < 2 * (size_t)HF_PERIOD_RATE_HZ)
		return 0.0;
	load_detrended(s->in, HF_PERIOD_N, x, n, 0);
	kiss_fftr(s->period_cfg, s->in, s->out);
	for (size_t k = lo; k <= hi && k <= HF_PERIOD_N / 2; k++) {
		double p = power(&s->out[k]);
		total += p;
		if (p > best) {
			best = p;
			best_k = k;
		}
	}
	/* a clear peak: the record must hold two periods at least */
	if (best_k == 0 || total <= 0.0 || 1.0 / (best_k * df) > n / HF_PERIOD_RATE_HZ / 2.0)
		return 0.0;
	return 1.0 / ((double)best_k * df);
}

void hf_spectrum_tremor_reset(struct hf_spectrum *s)
{
	memset(s->tremor_power, 0, sizeof s->tremor_power);
	s->tremor_rate_hz = 0.0;
	s->tremor_var_sum = 0.0;
	s->tremor_count = 0.0;
	s->tremor_holds = 0;
}

void hf_spectrum_tremor_add(struct hf_spectrum *s, const float *x, size_t n,
			    double rate_hz)
{
	if (n > HF_TREMOR_N)
		n = HF_TREMOR_N;
	if (n < 16 || rate_hz < 2.0 * TREMOR_LO_HZ)
		return;
	if (s->tremor_holds > 0 && fabs(rate_hz - s->tremor_rate_hz) > 0.01 * rate_hz)
		return; /* mixed rates: keep the first */
	s->tremor_rate_hz = rate_hz;
	load_detrended(s->in, HF_TREMOR_N, x, n, 1);
	for (size_t i = 0; i < n; i++) {
		s->tremor_var_sum += (double)s->in[i] * s->in[i];
		s->tremor_count += 1.0;
	}
	kiss_fftr(s->tremor_cfg, s->in, s->out);
	for (size_t k = 0; k <= HF_TREMOR_N / 2; k++)
		s->tremor_power[k] += power(&s->out[k]);
	s->tremor_holds++;
}

static double band_mean(const struct hf_spectrum *s, double df)
{
	double sum = 0.0;
	int n = 0;

	for (size_t k = 1; k <= HF_TREMOR_N / 2; k++) {
		double f = (double)k * df;
		if (f >= TREMOR_LO_HZ && f <= TREMOR_HI_HZ) {
			sum += s->tremor_power[k];
			n++;
		}
	}
	return n ? sum / n : 0.0;
}

void hf_spectrum_tremor_get(const struct hf_spectrum *s, double *freq_hz,
			    double *rms_deg)
{
	double df, best = 0.0;
	size_t best_k = 0;

	*freq_hz = 0.0;
	*rms_deg = 0.0;
	if (s->tremor_holds == 0 || s->tremor_count <= 0.0)
		return;
	df = s->tremor_rate_hz / HF_TREMOR_N;
	for (size_t k = 1; k <= HF_TREMOR_N / 2; k++) {
		double f = (double)k * df;
		if (f < TREMOR_LO_HZ || f > TREMOR_HI_HZ)
			continue;
		if (s->tremor_power[k] > best) {
			best = s->tremor_power[k];
			best_k = k;
		}
	}
	/* a tremor is a clear peak above the band's mean power, of a size
	 * beyond sensor noise */
	if (best_k == 0 || best < TREMOR_PEAK_RATIO * band_mean(s, df) ||
	    sqrt(s->tremor_var_sum / s->tremor_count) < TREMOR_MIN_DEG)
		return;
	*freq_hz = (double)best_k * df;
	*rms_deg = sqrt(s->tremor_var_sum / s->tremor_count);
}
