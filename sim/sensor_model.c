/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the sensor reports for a moving pelvis (sim_internal.h), shared by
 * every simulator (render.c for the session programs, hold.c, sidewalk.c,
 * foamroll.c): the true angular rate and specific force at the sensor from
 * central differences of the body model's pose, then the errors of the
 * datasheet part (sim/parts.c): scale, bias, cross-axis coupling,
 * temperature drift as the sensor warms on the body, white noise and the
 * output's resolution.
 */
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "hipform/error.h"

#include "sim_internal.h"

#define DIFF_STEP_S 1e-3

/* Sensor position in the world for pelvis pose (q, p_m). */
static void sensor_position(const struct hf_sim_sensor *s, struct hf_quat q,
			    const double p_m[3], double out[3])
{
	hf_quat_rotate(q, s->lever_arm_m, out);
	for (int k = 0; k < 3; k++)
		out[k] += p_m[k];
}

void hf_sim_true_sample(hf_sim_pose_fn pose, const void *model, const struct hf_sim_sensor *s,
			double t_s, struct hf_quat *q_mid, struct hf_sample *out)
{
	const double h = DIFF_STEP_S;
	struct hf_quat qlo, qhi;
	double plo[3], pmid[3], phi[3], slo[3], smid[3], shi[3], rv[3], w[3], f[3];

	pose(model, t_s - h, &qlo, plo);
	pose(model, t_s, q_mid, pmid);
	pose(model, t_s + h, &qhi, phi);
	hf_quat_to_rotvec(hf_quat_mul(hf_quat_conj(qlo), qhi), rv);
	for (int k = 0; k < 3; k++)
		w[k] = rv[k] / (2.0 * h) * HF_RAD2DEG;
	hf_quat_rotate(s->pelvis_to_sensor, w, out->gyro_dps);
	sensor_position(s, qlo, plo, slo);
	sensor_position(s, *q_mid, pmid, smid);
	sensor_position(s, qhi, phi, shi);
	for (int k = 0; k < 3; k++)
		f[k] = (shi[k] - 2.0 * smid[k] + slo[k]) / (h * h) / HF_G_MPS2;
	f[2] += 1.0;
	hf_quat_rotate_inv(hf_quat_mul(*q_mid, hf_quat_conj(s->pelvis_to_sensor)), f,
			   out->acc_g);
}

static double quantise(double x, double lsb)
{
	return lsb > 0.0 ? round(x / lsb) * lsb : x;
}

/* Temperature rise of the sensor t_s into the recording (warming on the body). */
static double warmup_c(const struct hf_sim_sensor *s, double t_s)
{
	if (s->warmup_c == 0.0 || !(s->warmup_tau_s > 0.0))
		return 0.0;
	return s->warmup_c * (1.0 - exp(-t_s / s->warmup_tau_s));
}

/* Off-diagonal cross-axis coupling of axis k. */
static double cross_term(const double m[3][3], int k, const double v[3])
{
	double sum = 0.0;

	for (int j = 0; j < 3; j++)
		if (j != k)
			sum += m[k][j] * v[j];
	return sum;
}

void hf_sim_sensor_errors(const struct hf_sim_sensor *s, const double bias_dps[3], double t_s,
			  struct hf_rng *g, struct hf_sample *out)
{
	double gyro[3], acc[3], dtemp_c = warmup_c(s, t_s);

	memcpy(gyro, out->gyro_dps, sizeof gyro);
	memcpy(acc, out->acc_g, sizeof acc);
	for (int k = 0; k < 3; k++) {
		double gy = gyro[k] * (1.0 + s->gyro_scale_err[k]) + bias_dps[k];
		double ac = acc[k] * (1.0 + s->acc_scale_err[k]) + s->acc_bias_g[k];
		gy += cross_term(s->gyro_cross, k, gyro) + s->gyro_temp_coef_dps_per_c[k] * dtemp_c;
		ac += cross_term(s->acc_cross, k, acc) + s->acc_temp_coef_g_per_c[k] * dtemp_c;
		if (s->gyro_noise_dps > 0.0)
			gy += s->gyro_noise_dps * hf_rng_gauss(g);
		if (s->acc_noise_g > 0.0)
			ac += s->acc_noise_g * hf_rng_gauss(g);
		out->gyro_dps[k] = quantise(gy, s->gyro_lsb_dps);
		out->acc_g[k] = quantise(ac, s->acc_lsb_g);
	}
}

void hf_sim_render_samples(hf_sim_pose_fn pose, const void *model, const struct hf_sim_sensor *s,
			   uint64_t noise_seed, size_t n, struct hf_sample *samples,
			   struct hf_quat *q_pelvis_to_world)
{
	struct hf_rng g;
	double bias[3], dt = 1.0 / s->rate_hz, walk = s->gyro_bias_walk_dps * sqrt(dt);

	hf_rng_seed(&g, noise_seed);
	memcpy(bias, s->gyro_bias_dps, sizeof bias);
	for (size_t i = 0; i < n; i++) {
		double t = (double)i * dt;
		hf_sim_true_sample(pose, model, s, t, &q_pelvis_to_world[i], &samples[i]);
		samples[i].t_s = s->t0_s + t;
		hf_sim_sensor_errors(s, bias, t, &g, &samples[i]);
		for (int k = 0; k < 3; k++)
			bias[k] += walk * hf_rng_gauss(&g);
	}
}

int hf_sim_render_new(hf_sim_pose_fn pose, const void *model, const struct hf_sim_sensor *s,
		      uint64_t noise_seed, double t_end_s, size_t *n, struct hf_sample **samples,
		      struct hf_quat **q_pelvis_to_world)
{
	*n = (size_t)floor(t_end_s * s->rate_hz) + 1;
	*samples = calloc(*n, sizeof **samples);
	*q_pelvis_to_world = calloc(*n, sizeof **q_pelvis_to_world);
	if (!*samples || !*q_pelvis_to_world) {
		free(*samples);
		free(*q_pelvis_to_world);
		*samples = NULL;
		*q_pelvis_to_world = NULL;
		*n = 0;
		return HF_ERR_NOMEM;
	}
	hf_sim_render_samples(pose, model, s, noise_seed, *n, *samples, *q_pelvis_to_world);
	return HF_OK;
}

int hf_sim_write_samples_csv(FILE *f, const char *title, const struct hf_sample *x, size_t n)
{
	fprintf(f, "# %s\n", title);
	fprintf(f, "t_s,ax_g,ay_g,az_g,gx_dps,gy_dps,gz_dps\n");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%.4f,%.6f,%.6f,%.6f,%.5f,%.5f,%.5f\n", x[i].t_s, x[i].acc_g[0],
			x[i].acc_g[1], x[i].acc_g[2], x[i].gyro_dps[0], x[i].gyro_dps[1],
			x[i].gyro_dps[2]);
	return ferror(f) ? HF_ERR_SYS : HF_OK;
}
