/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The sensor: what an IMU strapped to the pelvis at any orientation and
 * lever arm measures along the true trajectory (motion.c).
 *
 *   gyro  = body angular rate, omega_b = rotvec(q(t-h)* q(t+h)) / 2h (the
 *           central difference of 2 vec(q* dq/dt)), turned into the sensor
 *           frame by pelvis_to_sensor;
 *   acc   = specific force in g: R_sw^T (a_w / g + up), a_w the second
 *           central difference of the sensor position p + R lever;
 * then scale error, bias (a random walk for the gyro), white noise and
 * quantisation.  Noise comes from a PRNG seeded by the simulator's seed,
 * so a render is repeatable.  Arrays are allocated once per render.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hipform/error.h"
#include "sim_internal.h"

#define WIT_ACC_LSB_G (16.0 / 32768.0)
#define WIT_GYRO_LSB_DPS (2000.0 / 32768.0)

struct grade_spec {
	double gyro_bias_lo, gyro_bias_hi;  /* magnitude per axis, random sign */
	double gyro_walk;
	double gyro_noise_lo, gyro_noise_hi;
	double acc_noise_lo, acc_noise_hi;
	double acc_bias;                    /* uniform in +-this per axis */
	double scale;                       /* uniform in +-this per axis */
	double acc_lsb, gyro_lsb;
};

static const struct grade_spec grades[] = {
	[HF_SIM_GRADE_IDEAL] = {0},
	[HF_SIM_GRADE_GOOD] = {
		.gyro_bias_lo = 0.1, .gyro_bias_hi = 0.3, .gyro_walk = 0.001,
		.gyro_noise_lo = 0.02, .gyro_noise_hi = 0.02,
		.acc_noise_lo = 0.001, .acc_noise_hi = 0.001,
		.acc_bias = 0.002, .scale = 0.001,
		.acc_lsb = 2.0 / 32768.0, .gyro_lsb = 250.0 / 32768.0,
	},
	[HF_SIM_GRADE_MEMS] = {
		.gyro_bias_lo = 2.0, .gyro_bias_hi = 5.0, .gyro_walk = 0.01,
		.gyro_noise_lo = 0.05, .gyro_noise_hi = 0.1,
		.acc_noise_lo = 0.002, .acc_noise_hi = 0.004,
		.acc_bias = 0.02, .scale = 0.01,
		.acc_lsb = WIT_ACC_LSB_G, .gyro_lsb = WIT_GYRO_LSB_DPS,
	},
};

void hf_sim_sensor_preset(struct hf_sim_sensor *s, enum hf_sim_grade grade,
			  double rate_hz, unsigned seed)
{
	const struct grade_spec *g;
	struct hf_rng r;
	double dir[3];

	if (grade < HF_SIM_GRADE_IDEAL || grade > HF_SIM_GRADE_MEMS)
		grade = HF_SIM_GRADE_IDEAL;
	g = &grades[grade];
	memset(s, 0, sizeof *s);
	hf_rng_seed(&r, 0x6d6f756e74ULL ^ ((uint64_t)seed << 17) ^ seed);
	s->rate_hz = rate_hz;
	s->pelvis_to_sensor = hf_rng_rotation(&r);
	for (int k = 0; k < 3; k++)
		dir[k] = hf_rng_gauss(&r);
	hf_vec_normalize(dir);
	double arm = hf_rng_uniform(&r, 0.0, 0.15);
	for (int k = 0; k < 3; k++) {
		s->lever_arm_m[k] = dir[k] * arm;
		double sign = hf_rng_sign(&r); /* one draw per statement */
		s->gyro_bias_dps[k] = sign * hf_rng_uniform(&r, g->gyro_bias_lo, g->gyro_bias_hi);
		s->gyro_scale_err[k] = hf_rng_uniform(&r, -g->scale, g->scale);
		s->acc_bias_g[k] = hf_rng_uniform(&r, -g->acc_bias, g->acc_bias);
		s->acc_scale_err[k] = hf_rng_uniform(&r, -g->scale, g->scale);
	}
	s->gyro_bias_walk_dps = g->gyro_walk;
	s->gyro_noise_dps = hf_rng_uniform(&r, g->gyro_noise_lo, g->gyro_noise_hi);
	s->acc_noise_g = hf_rng_uniform(&r, g->acc_noise_lo, g->acc_noise_hi);
	s->acc_lsb_g = g->acc_lsb;
	s->gyro_lsb_dps = g->gyro_lsb;
}

static int ensure_output(struct hf_sim *sim, size_t n)
{
	struct hf_sim_output *o = &sim->out;
	void *a, *b, *c;

	if (n <= sim->cap_out)
		return HF_OK;
	a = realloc(o->samples, n * sizeof *o->samples);
	if (a)
		o->samples = a;
	b = realloc(o->q_pelvis_to_world, n * sizeof *o->q_pelvis_to_world);
	if (b)
		o->q_pelvis_to_world = b;
	c = realloc(o->posture, n * sizeof *o->posture);
	if (c)
		o->posture = c;
	if (!a || !b || !c)
		return HF_ERR_NOMEM;
	sim->cap_out = n;
	return HF_OK;
}

/* The session program's pose, as the sensor model wants it. */
static void program_pose(const void *model, double t_s, struct hf_quat *q, double p_m[3])
{
	struct hf_sim_pose pose;

	hf_sim_pose_at(model, t_s, &pose);
	*q = pose.q;
	memcpy(p_m, pose.p_m, sizeof pose.p_m);
}

int hf_sim_render(struct hf_sim *sim, const struct hf_sim_output **out)
{
	const struct hf_sim_sensor *s;
	double bias[3], dt, walk;
	struct hf_rng g;
	size_t n;
	int r;

	if (!sim || !out || sim->n_segs == 0)
		return HF_ERR_ARG;
	s = &sim->sensor;
	dt = 1.0 / s->rate_hz;
	n = (size_t)floor(sim->t_end_s * s->rate_hz + 1e-9) + 1;
	r = ensure_output(sim, n);
	if (r != HF_OK)
		return r;
	hf_rng_seed(&g, 0x6e6f697365ULL ^ ((uint64_t)sim->seed << 23) ^ sim->seed);
	memcpy(bias, s->gyro_bias_dps, sizeof bias);
	walk = s->gyro_bias_walk_dps * sqrt(dt);
	for (size_t i = 0; i < n; i++) {
		struct hf_sample *smp = &sim->out.samples[i];
		struct hf_sim_pose pose;
		double t = (double)i * dt;
		struct hf_quat *q = &sim->out.q_pelvis_to_world[i];

		hf_sim_true_sample(program_pose, sim, s, t, q, smp);
		hf_sim_pose_at(sim, t, &pose);
		smp->t_s = s->t0_s + t;
		hf_sim_sensor_errors(s, bias, t, &g, smp);
		for (int k = 0; k < 3 && walk > 0.0; k++)
			bias[k] += walk * hf_rng_gauss(&g);
		if (i > 0 && q->w * q[-1].w + q->x * q[-1].x + q->y * q[-1].y + q->z * q[-1].z < 0) {
			q->w = -q->w;
			q->x = -q->x;
			q->y = -q->y;
			q->z = -q->z;
		}
		sim->out.posture[i] = pose.posture;
	}
	sim->out.n = n;
	sim->out.sensor = *s;
	r = hf_sim_compute_truth(sim);
	if (r != HF_OK)
		return r;
	*out = &sim->out;
	return HF_OK;
}
