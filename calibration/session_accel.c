/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The accelerometer's offsets and scales from a session's own still
 * postures (include/hipform/calib.h, hf_accel_fit_*).
 *
 * At rest an accelerometer reads gravity, 1 g, whichever way it lies; a
 * cheap one reads f = u / c + b (per axis: c the scale correction, b the
 * zero-g offset, u the true unit "up").  Every still posture of a session
 * gives one mean f, and with corrected = (f - b) * c:
 *
 *     | (f - b) * c | = 1
 *
 * for each of them: the "in-use" or sphere-fit calibration of an
 * accelerometer (e.g. ST design tip DT0059, NXP application note AN4399;
 * Frosio et al., IEEE Trans. Instrum. Meas. 58(6), 2009).  Six unknowns
 * need gravity seen along well spread directions; a whole program gives
 * standing, face down, face up, both sides and the planks between, a set
 * of hip lifts only standing and lying on the back.  So the fit is a
 * maximum a posteriori one: each unknown starts at its datasheet spread
 * (PRIOR_OFFSET_G, PRIOR_SCALE) and moves only as far as the postures
 * seen can tell it to.  What no posture tells stays at zero offset and
 * unit scale, which is what the analysis assumed before.
 *
 * A posture is still when, over a window of WINDOW_S, the gyro reads
 * under STILL_GYRO_DPS (bias removed, spread and level) and the
 * accelerometer's spread is under STILL_ACC_SD_G.  Consecutive still
 * windows whose direction agrees within MERGE_DEG are one posture; a
 * posture weighs as many windows as it lasted, at most MAX_WEIGHT, so one
 * long rest does not outvote the rest.  Cross-axis coupling (+-2 % in the
 * datasheets) is not estimated; it is what MEASURE_SD_G stands for.
 * The streaming fit (init/update/finish) keeps constant memory and
 * allocates nothing; hf_calib_fit_session_accel() allocates one.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hipform/calib.h"
#include "hipform/error.h"

#define WINDOW_S 1.0
#define WINDOW_MIN_N 5
#define STILL_GYRO_DPS 3.0        /* |mean rate| and its spread, at most */
#define STILL_ACC_SD_G 0.012      /* spread of |a| components, at most */
#define MERGE_DEG 2.0
#define MAX_WEIGHT 10.0
#define PRIOR_OFFSET_G 0.08       /* MPU-6050/9250 zero-g: +-50..80 mg */
#define PRIOR_SCALE 0.04          /* +-3 % sensitivity tolerance */
#define MEASURE_SD_G 0.005
#define ITERATIONS 12
#define MAX_RESIDUAL_G 0.02       /* a worse fit is not a sensor's: refused */
#define MIN_POSTURES 3
/* Every unknown must be told by the postures, not by its prior: its
 * posterior spread at most this share of the prior's.  Standing and lying
 * on the back alone (a session of hip lifts) cannot tell a scale from an
 * offset: an accelerometer reading 0.944 g everywhere (a BMI160 5.6 %
 * low, bench_accuracy tuning session 52) was fitted as 56 mg offsets. */
#define MAX_PRIOR_SHARE 0.3

void hf_accel_fit_init(struct hf_accel_fit *f, const double gyro_bias_dps[3])
{
	memset(f, 0, sizeof *f);
	if (gyro_bias_dps)
		memcpy(f->gyro_bias_dps, gyro_bias_dps, sizeof f->gyro_bias_dps);
}

static double norm3(const double v[3])
{
	return sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
}

static bool window_still(const struct hf_accel_fit *f, double mean_acc[3])
{
	double n = f->win_n, acc_var = 0.0, gyro_var = 0.0, gyro_mean[3];

	for (int i = 0; i < 3; i++) {
		mean_acc[i] = f->win_acc[i] / n;
		gyro_mean[i] = f->win_gyro[i] / n;
		acc_var += f->win_acc_sq[i] / n - mean_acc[i] * mean_acc[i];
		gyro_var += f->win_gyro_sq[i] / n - gyro_mean[i] * gyro_mean[i];
	}
	return sqrt(fmax(acc_var, 0.0)) < STILL_ACC_SD_G &&
	       sqrt(fmax(gyro_var, 0.0)) < STILL_GYRO_DPS && norm3(gyro_mean) < STILL_GYRO_DPS &&
	       norm3(mean_acc) > 0.5 && norm3(mean_acc) < 1.5;
}

/* The posture a still window's mean belongs to, or a new one; -1: full. */
static int posture_for(struct hf_accel_fit *f, const double acc[3], bool continues)
{
	double cos_merge = cos(MERGE_DEG * HF_DEG2RAD), na = norm3(acc);

	if (continues && f->n_postures > 0) {
		const struct hf_accel_posture *p = &f->postures[f->n_postures - 1];
		double dot = 0.0;
		for (int i = 0; i < 3; i++)
			dot += acc[i] * p->acc_sum_g[i];
		if (dot >= cos_merge * na * norm3(p->acc_sum_g))
			return f->n_postures - 1;
	}
	if (f->n_postures == HF_ACCEL_FIT_MAX_POSTURES)
		return -1;
	memset(&f->postures[f->n_postures], 0, sizeof f->postures[0]);
	return f->n_postures++;
}

static void close_window(struct hf_accel_fit *f)
{
	double acc[3];
	int k;
	bool continues = f->last_still;

	f->last_still = false;
	if (f->win_n < WINDOW_MIN_N || !window_still(f, acc))
		return;
	k = posture_for(f, acc, continues);
	if (k < 0)
		return;
	for (int i = 0; i < 3; i++)
		f->postures[k].acc_sum_g[i] += acc[i];
	f->postures[k].windows += 1.0;
	f->last_still = true;
}

void hf_accel_fit_update(struct hf_accel_fit *f, const struct hf_sample *s)
{
	if (f->win_n > 0.0 && !(s->t_s - f->win_t0_s < WINDOW_S && s->t_s >= f->win_t0_s)) {
		close_window(f);
		f->win_n = 0.0;
	}
	if (f->win_n == 0.0) {
		memset(f->win_acc, 0, sizeof f->win_acc);
		memset(f->win_acc_sq, 0, sizeof f->win_acc_sq);
		memset(f->win_gyro, 0, sizeof f->win_gyro);
		memset(f->win_gyro_sq, 0, sizeof f->win_gyro_sq);
		f->win_t0_s = s->t_s;
	}
	for (int i = 0; i < 3; i++) {
		double w = s->gyro_dps[i] - f->gyro_bias_dps[i];
		f->win_acc[i] += s->acc_g[i];
		f->win_acc_sq[i] += s->acc_g[i] * s->acc_g[i];
		f->win_gyro[i] += w;
		f->win_gyro_sq[i] += w * w;
	}
	f->win_n += 1.0;
}

/* Solve a x = y for a symmetric positive definite 6x6 a (Cholesky); false
 * if it is not. */
static bool solve6(double a[6][6], const double y[6], double x[6])
{
	double l[6][6] = {{0}}, z[6];

	for (int i = 0; i < 6; i++)
		for (int j = 0; j <= i; j++) {
			double s = a[i][j];
			for (int k = 0; k < j; k++)
				s -= l[i][k] * l[j][k];
			if (i == j) {
				if (!(s > 0.0))
					return false;
				l[i][i] = sqrt(s);
			} else {
				l[i][j] = s / l[j][j];
			}
		}
	for (int i = 0; i < 6; i++) {
		double s = y[i];
		for (int k = 0; k < i; k++)
			s -= l[i][k] * z[k];
		z[i] = s / l[i][i];
	}
	for (int i = 5; i >= 0; i--) {
		double s = z[i];
		for (int k = i + 1; k < 6; k++)
			s -= l[k][i] * x[k];
		x[i] = s / l[i][i];
	}
	return true;
}

/* |(f - b) * c| - 1 for posture mean f, and its gradient over (b, c). */
static double residual(const double f[3], const double p[6], double grad[6])
{
	double u[3], nu;

	for (int i = 0; i < 3; i++)
		u[i] = (f[i] - p[i]) * p[3 + i];
	nu = norm3(u);
	for (int i = 0; i < 3; i++) {
		grad[i] = -p[3 + i] * u[i] / nu;
		grad[3 + i] = (f[i] - p[i]) * u[i] / nu;
	}
	return nu - 1.0;
}

/* One Gauss-Newton step of the MAP fit; the weighted residual RMS, and
 * the posterior's information matrix (data and prior) at p in h. */
static bool fit_step(const struct hf_accel_fit *f, double p[6], double *rms_g, double h[6][6])
{
	double g[6] = {0}, dx[6], sum_w = 0.0, sum_r2 = 0.0;
	const double im = 1.0 / (MEASURE_SD_G * MEASURE_SD_G);

	memset(h, 0, 36 * sizeof h[0][0]);
	for (int k = 0; k < f->n_postures; k++) {
		const struct hf_accel_posture *po = &f->postures[k];
		double mean[3], grad[6], r, w = fmin(po->windows, MAX_WEIGHT);
		for (int i = 0; i < 3; i++)
			mean[i] = po->acc_sum_g[i] / po->windows;
		r = residual(mean, p, grad);
		sum_w += w;
		sum_r2 += w * r * r;
		for (int i = 0; i < 6; i++) {
			g[i] += w * im * grad[i] * r;
			for (int j = 0; j < 6; j++)
				h[i][j] += w * im * grad[i] * grad[j];
		}
	}
	for (int i = 0; i < 6; i++) {
		double sd = i < 3 ? PRIOR_OFFSET_G : PRIOR_SCALE, prior = i < 3 ? 0.0 : 1.0;
		h[i][i] += 1.0 / (sd * sd);
		g[i] += (p[i] - prior) / (sd * sd);
	}
	{
		double hc[6][6];
		memcpy(hc, h, sizeof hc);
		if (!solve6(hc, g, dx))
			return false;
	}
	for (int i = 0; i < 6; i++)
		p[i] -= dx[i];
	*rms_g = sum_w > 0.0 ? sqrt(sum_r2 / sum_w) : 0.0;
	return true;
}

/* The posterior standard deviation of each unknown: sqrt of the
 * diagonal of h's inverse; false if h is singular. */
static bool posterior_sd(double h[6][6], double sd[6])
{
	for (int i = 0; i < 6; i++) {
		double e[6] = {0}, x[6], hc[6][6];
		e[i] = 1.0;
		memcpy(hc, h, sizeof hc);
		if (!solve6(hc, e, x))
			return false;
		sd[i] = sqrt(fmax(x[i], 0.0));
	}
	return true;
}

int hf_accel_fit_finish(struct hf_accel_fit *f, struct hf_accel_fit_result *out)
{
	double p[6] = {0.0, 0.0, 0.0, 1.0, 1.0, 1.0}, rms_g = 0.0, h[6][6], sd[6];

	memset(out, 0, sizeof *out);
	if (f->win_n > 0.0) {
		close_window(f);
		f->win_n = 0.0;
	}
	out->postures = f->n_postures;
	if (f->n_postures < MIN_POSTURES)
		return HF_ERR_FORMAT;
	for (int it = 0; it < ITERATIONS; it++)
		if (!fit_step(f, p, &rms_g, h))
			return HF_ERR_FORMAT;
	/* the fit's residual and information, at the fit */
	if (!fit_step(f, (double[6]){p[0], p[1], p[2], p[3], p[4], p[5]}, &rms_g, h) ||
	    !posterior_sd(h, sd))
		return HF_ERR_FORMAT;
	out->residual_g = rms_g;
	for (int i = 0; i < 3; i++) {
		out->offset_g[i] = p[i];
		out->scale[i] = p[3 + i];
		out->sd_offset_g[i] = sd[i];
		out->sd_scale[i] = sd[3 + i];
	}
	for (int i = 0; i < 6; i++)
		if (!(sd[i] <= MAX_PRIOR_SHARE * (i < 3 ? PRIOR_OFFSET_G : PRIOR_SCALE)))
			return HF_ERR_FORMAT;
	if (!(rms_g <= MAX_RESIDUAL_G))
		return HF_ERR_FORMAT;
	for (int i = 0; i < 3; i++)
		if (!(fabs(p[i]) < HF_ACCEL_FIT_MAX_OFFSET_G &&
		      fabs(p[3 + i] - 1.0) <= HF_ACCEL_FIT_MAX_SCALE_DEV))
			return HF_ERR_FORMAT;
	return HF_OK;
}

/*
 * The mounting's z was the direction of the raw standing reading, k z_m
 * for some level k.  Corrected, it is (k z_m - b) * c, whose length is 1:
 * a quadratic in k.  The new z is that, y keeps the hinge's direction
 * (from the gyro, untouched by the accelerometer) made square to it.
 */
static void corrected_mounting(struct hf_calib *cal, const double b[3], const double c[3])
{
	const double ez[3] = {0, 0, 1}, ey[3] = {0, 1, 0};
	double zm[3], ym[3], cz[3], cb[3], qa = 0.0, qb = 0.0, qc = -1.0, k, z[3], y[3], x[3];
	double m[3][3], d;

	hf_quat_rotate(cal->pelvis_to_sensor, ez, zm);
	hf_quat_rotate(cal->pelvis_to_sensor, ey, ym);
	for (int i = 0; i < 3; i++) {
		cz[i] = c[i] * zm[i];
		cb[i] = c[i] * b[i];
		qa += cz[i] * cz[i];
		qb -= 2.0 * cz[i] * cb[i];
		qc += cb[i] * cb[i];
	}
	k = (-qb + sqrt(fmax(qb * qb - 4.0 * qa * qc, 0.0))) / (2.0 * qa);
	for (int i = 0; i < 3; i++)
		z[i] = k * cz[i] - cb[i];
	d = norm3(z);
	for (int i = 0; i < 3; i++)
		z[i] /= d;
	d = ym[0] * z[0] + ym[1] * z[1] + ym[2] * z[2];
	for (int i = 0; i < 3; i++)
		y[i] = ym[i] - d * z[i];
	d = norm3(y);
	for (int i = 0; i < 3; i++)
		y[i] /= d;
	x[0] = y[1] * z[2] - y[2] * z[1];
	x[1] = y[2] * z[0] - y[0] * z[2];
	x[2] = y[0] * z[1] - y[1] * z[0];
	for (int i = 0; i < 3; i++) {
		m[i][0] = x[i];
		m[i][1] = y[i];
		m[i][2] = z[i];
	}
	cal->pelvis_to_sensor = hf_quat_from_matrix(m);
}

void hf_calib_adopt_accel(struct hf_calib *cal, const struct hf_accel_fit_result *fit)
{
	if (cal->has_mounting)
		corrected_mounting(cal, fit->offset_g, fit->scale);
	memcpy(cal->acc_offset_g, fit->offset_g, sizeof cal->acc_offset_g);
	memcpy(cal->acc_scale, fit->scale, sizeof cal->acc_scale);
}

bool hf_calib_has_accel(const struct hf_calib *cal)
{
	for (int i = 0; i < 3; i++)
		if (cal->acc_offset_g[i] != 0.0 || cal->acc_scale[i] != 1.0)
			return true;
	return false;
}

bool hf_calib_fit_session_accel(struct hf_calib *cal, const struct hf_sample *x, size_t n,
				struct hf_accel_fit_result *res)
{
	struct hf_accel_fit *fit;
	struct hf_accel_fit_result r;
	bool adopted = false;

	if (hf_calib_has_accel(cal) || !(fit = malloc(sizeof *fit)))
		return false;
	hf_accel_fit_init(fit, cal->gyro_bias_dps);
	for (size_t i = 0; i < n; i++)
		hf_accel_fit_update(fit, &x[i]);
	if (hf_accel_fit_finish(fit, &r) == HF_OK) {
		hf_calib_adopt_accel(cal, &r);
		adopted = true;
		if (res)
			*res = r;
	}
	free(fit);
	return adopted;
}
