/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Walking and running bouts with a physically modelled pelvis
 * (include/hipform/sim.h, hf_sim_gait_render()).
 *
 * The pelvis position is defined analytically per step, and the sensor's
 * specific force is its second derivative (plus gravity), so every
 * figure of contract section 11 has an exact truth on the trajectory:
 * - walk: the inverted-pendulum bounce, lowest shortly after each contact
 *   (double support) and highest at mid-stance (Cavagna et al. 1976;
 *   Zijlstra & Hof 2003), a heel-strike transient at each contact;
 * - run: the spring-mass model (Blickhan 1989) with a half-sine vertical
 *   ground reaction force over the contact time and free fall in flight
 *   (Morin et al. 2005), plus an impact transient;
 * - fore-aft surge: braking after each contact, propulsion before the
 *   next; sideways sway with the CoM over the stance foot;
 * - obliquity: after a left contact the right side drops by drop[left]
 *   and comes back by the next contact (contralateral pelvic drop), and
 *   the mirror image after a right contact; rotation: the pelvis turns
 *   with the swinging leg, most to the right a little after a left
 *   contact; tilt: a small oscillation per step.
 * Sensor: the given noise, biases and mounting (any orientation).
 * Angular rate and specific force are taken by central differences of the
 * analytic orientation and position (h = 0.2 ms).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hipform/error.h"
#include "sim_internal.h"

#define DIFF_H_S 2e-4
#define TRUTH_DT_S 1e-3
#define IMPACT_TAU_S 0.012   /* soft-tissue transient time constant */
#define ROT_LAG_STRIDE 0.10  /* rotation extreme after contact, of a stride */
#define TILT_OSC_DEG 1.5

struct model {
	struct hf_sim_gait p;
	double t0_s, step_s;         /* first contact, step period */
	int n_steps;
	double t_step[HF_SIM_GAIT_MAX_STEPS + 1];
	int first_left;              /* step 0 is a left contact */
	double speed_mps, heading_rad, tilt0_deg;
	double sway_m, surge_g;
};

/* Index of the step containing t (-1 before the first contact). */
static int step_at(const struct model *m, double t)
{
	int lo = 0, hi = m->n_steps;

	if (t < m->t_step[0] || t >= m->t_step[m->n_steps])
		return -1;
	while (hi - lo > 1) {
		int mid = (lo + hi) / 2;
		if (m->t_step[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static bool is_left(const struct model *m, int k)
{
	return (k % 2 == 0) == (m->first_left != 0);
}

/* C1 smoothstep and its integral. */
static double smoothstep(double u)
{
	u = fmax(0.0, fmin(1.0, u));
	return u * u * (3.0 - 2.0 * u);
}

static double smoothstep_integral(double u)
{
	u = fmax(0.0, fmin(1.0, u));
	return u * u * u - u * u * u * u / 2.0;
}

/* Envelope: 0 standing, rising over the first step, falling over the
 * last, so that starting and stopping are smooth (C1). */
static double envelope(const struct model *m, double t)
{
	double t_end = m->t_step[m->n_steps];

	if (t <= m->t_step[0] || t >= t_end)
		return 0.0;
	if (t < m->t_step[1])
		return smoothstep((t - m->t_step[0]) / m->step_s);
	if (t > m->t_step[m->n_steps - 1])
		return smoothstep((t_end - t) / m->step_s);
	return 1.0;
}

/* Distance travelled: the integral of speed * envelope. */
static double forward_m(const struct model *m, double t)
{
	double T = m->step_s, t_end = m->t_step[m->n_steps];
	double d = 0.0;

	if (t <= m->t_step[0])
		return 0.0;
	d += T * smoothstep_integral((t - m->t_step[0]) / T);
	if (t > m->t_step[1])
		d += fmin(t, m->t_step[m->n_steps - 1]) - m->t_step[1];
	if (t > m->t_step[m->n_steps - 1])
		d += T * (0.5 - smoothstep_integral((t_end - fmin(t, t_end)) / T));
	return m->speed_mps * d;
}

/* Heel-strike transient displacement (m) tau seconds after contact. */
static double impact_m(const struct model *m, double tau)
{
	double u = tau / IMPACT_TAU_S;
	/* z = D u^2 e^-u has z'' = 2 D / tau_s^2 at contact */
	double d = m->p.impact_g * HF_G_MPS2 * IMPACT_TAU_S * IMPACT_TAU_S / 2.0;

	return tau < 0.0 ? 0.0 : d * u * u * exp(-u);
}

/* Spring-mass vertical position (m) tau into a step of period T. */
static double run_z_m(double tau, double T, double tc)
{
	double fp = HF_PI * T / (2.0 * tc), g = HF_G_MPS2;
	double v0 = -g * (fp * tc / HF_PI - tc / 2.0);

	if (tau < tc)
		return v0 * tau + g * (fp * tc / HF_PI * tau -
				       fp * tc * tc / (HF_PI * HF_PI) * sin(HF_PI * tau / tc) -
				       tau * tau / 2.0);
	double zc = v0 * tc + g * (fp * tc / HF_PI * tc - tc * tc / 2.0);
	double s = tau - tc;
	return zc - v0 * s - g * s * s / 2.0;
}

/* Vertical position (m), relative, at time t. */
static double vertical_m(const struct model *m, double t)
{
	int k = step_at(m, t);
	double tau, T, phase;

	if (k < 0)
		return 0.0;
	tau = t - m->t_step[k];
	T = m->t_step[k + 1] - m->t_step[k];
	phase = tau / T;
	if (m->p.run)
		return envelope(m, t) * run_z_m(tau, T, m->p.contact_s) + impact_m(m, tau);
	/* pendulum: lowest at 10 % of the step (double support) */
	return -envelope(m, t) * m->p.vo_cm / 200.0 * cos(2.0 * HF_PI * (phase - 0.1)) +
	       impact_m(m, tau);
}

/* Position in the walking frame (x forward along heading, y left). */
static void position_m(const struct model *m, double t, double pos[3])
{
	int k = step_at(m, t);
	double x = 0.0, y = 0.0;

	if (k < 0 && t >= m->t_step[m->n_steps])
		x = forward_m(m, t);
	if (k >= 0) {
		double T = m->t_step[k + 1] - m->t_step[k], phase = (t - m->t_step[k]) / T;
		double w = 2.0 * HF_PI / T;
		double t_mid_left;
		/* surge: a_x = -surge sin(2 pi phase): braking, then propulsion */
		x = forward_m(m, t) + envelope(m, t) * m->surge_g * HF_G_MPS2 / (w * w) *
						 sin(2.0 * HF_PI * phase);
		/* sway: leftmost in the middle of the left step */
		t_mid_left = m->t_step[k] + (is_left(m, k) ? 0.5 : -0.5) * T;
		y = envelope(m, t) * m->sway_m * cos(HF_PI * (t - t_mid_left) / T);
	}
	pos[0] = x * cos(m->heading_rad) - y * sin(m->heading_rad);
	pos[1] = x * sin(m->heading_rad) + y * cos(m->heading_rad);
	pos[2] = vertical_m(m, t);
}

/* Obliquity (deg, + left side up) at t: contralateral drop per step. */
static double obliquity_deg(const struct model *m, double t)
{
	int k = step_at(m, t);
	double phase, b;

	if (k < 0)
		return 0.0;
	phase = (t - m->t_step[k]) / (m->t_step[k + 1] - m->t_step[k]);
	b = sin(HF_PI * phase);
	b *= b;
	/* left stance: the right side drops, obliquity rises */
	b *= envelope(m, t);
	return is_left(m, k) ? m->p.drop_deg[0] * b : -m->p.drop_deg[1] * b;
}

static void angles_at(const struct model *m, double t, struct hf_angles *a)
{
	int k = step_at(m, t);

	memset(a, 0, sizeof *a);
	a->tilt_deg = m->tilt0_deg;
	if (k < 0)
		return;
	{
		double T = m->t_step[k + 1] - m->t_step[k], phase = (t - m->t_step[k]) / T;
		double t_left = is_left(m, k) ? m->t_step[k] : m->t_step[k] - T;
		double e = envelope(m, t);
		a->tilt_deg += e * TILT_OSC_DEG * sin(2.0 * HF_PI * phase);
		a->obliquity_deg = obliquity_deg(m, t);
		/* most to the right (negative) a little after a left contact */
		a->rotation_deg = -e * m->p.rotation_deg *
				  cos(HF_PI * (t - t_left - ROT_LAG_STRIDE * 2.0 * T) / T);
	}
}

/* Pelvis to world at t. */
static struct hf_quat pelvis_world(const struct model *m, double t)
{
	struct hf_angles a;
	struct hf_quat yaw = hf_quat_from_axis_angle((const double[3]){0, 0, 1}, m->heading_rad);

	angles_at(m, t, &a);
	return hf_quat_mul(yaw, hf_quat_from_angles(&a));
}

/* Draw what was left zero (struct hf_sim_gait comment). */
static void draw_params(struct hf_sim_gait *p, struct hf_rng *r)
{
	if (p->cadence_spm <= 0.0)
		p->cadence_spm = p->run ? hf_rng_uniform(r, 155, 190) : hf_rng_uniform(r, 90, 125);
	if (p->duration_s <= 0.0)
		p->duration_s = hf_rng_uniform(r, 20, 40);
	if (p->stand_s <= 0.0)
		p->stand_s = 3.0;
	if (p->vo_cm <= 0.0)
		p->vo_cm = hf_rng_uniform(r, 2.5, 5.0);
	if (p->contact_s <= 0.0)
		p->contact_s = hf_rng_uniform(r, 0.19, 0.28);
	for (int i = 0; i < 2; i++)
		if (p->drop_deg[i] <= 0.0)
			p->drop_deg[i] = p->run ? hf_rng_uniform(r, 3, 9) : hf_rng_uniform(r, 2, 7);
	if (p->rotation_deg <= 0.0)
		p->rotation_deg = hf_rng_uniform(r, 2, 6);
	if (p->impact_g <= 0.0)
		p->impact_g = p->run ? hf_rng_uniform(r, 0.8, 2.0) : hf_rng_uniform(r, 0.2, 0.5);
}

static int build_model(struct model *m, const struct hf_sim_gait *p, struct hf_rng *r)
{
	memset(m, 0, sizeof *m);
	m->p = *p;
	draw_params(&m->p, r);
	m->step_s = 60.0 / m->p.cadence_spm;
	m->t0_s = m->p.stand_s;
	m->n_steps = (int)(m->p.duration_s / m->step_s);
	if (m->n_steps < 2 || m->n_steps > HF_SIM_GAIT_MAX_STEPS)
		return HF_ERR_ARG;
	m->t_step[0] = m->t0_s;
	/* a steady period: a step-to-step change of period would make the
	 * analytic velocity jump at the contact */
	for (int k = 1; k <= m->n_steps; k++)
		m->t_step[k] = m->t_step[0] + k * m->step_s;
	m->first_left = hf_rng_uniform(r, 0, 1) < 0.5;
	m->heading_rad = hf_rng_uniform(r, -HF_PI, HF_PI);
	m->tilt0_deg = hf_rng_uniform(r, -5, 15);
	m->speed_mps = m->p.run ? hf_rng_uniform(r, 2.5, 4.0) : hf_rng_uniform(r, 1.0, 1.5);
	m->sway_m = m->p.run ? hf_rng_uniform(r, 0.005, 0.015) : hf_rng_uniform(r, 0.015, 0.03);
	m->surge_g = m->p.run ? hf_rng_uniform(r, 0.3, 0.6) : hf_rng_uniform(r, 0.15, 0.3);
	return HF_OK;
}

/* Contract section 11 on the true trajectory. */
static void compute_truth(const struct model *m, struct hf_sim_gait_truth *t)
{
	double drop_sum[2] = {0, 0}, vo_sum = 0.0, tilt_sum = 0.0;
	int drop_n[2] = {0, 0}, tilt_n = 0;

	memset(t, 0, sizeof *t);
	t->run = m->p.run;
	t->steps = m->n_steps + 1; /* contacts, the last one ends the bout */
	for (int k = 0; k <= m->n_steps; k++) {
		t->t_contact_s[k] = m->t_step[k];
		t->foot[k] = is_left(m, k) ? HF_SIDE_LEFT : HF_SIDE_RIGHT;
	}
	for (int k = 0; k < m->n_steps; k++) {
		double o0 = obliquity_deg(m, m->t_step[k]), best = 0.0, lo = INFINITY, hi = -INFINITY;
		int f = is_left(m, k) ? 0 : 1;
		for (double x = m->t_step[k]; x < m->t_step[k + 1]; x += TRUTH_DT_S) {
			double d = obliquity_deg(m, x) - o0, z = vertical_m(m, x);
			struct hf_angles a;
			angles_at(m, x, &a);
			tilt_sum += a.tilt_deg;
			tilt_n++;
			best = fmax(best, f == 0 ? d : -d);
			lo = fmin(lo, z);
			hi = fmax(hi, z);
		}
		drop_sum[f] += best;
		drop_n[f]++;
		vo_sum += (hi - lo) * 100.0;
	}
	for (int f = 0; f < 2; f++)
		t->pelvic_drop_deg[f] = drop_n[f] ? drop_sum[f] / drop_n[f] : NAN;
	t->vertical_oscillation_cm = vo_sum / m->n_steps;
	t->contact_time_s = m->p.run ? m->p.contact_s : NAN;
	t->tilt_deg = tilt_n ? tilt_sum / tilt_n : NAN;
	t->cadence_spm = 60.0 * m->n_steps / (m->t_step[m->n_steps] - m->t_step[0]);
}

/* True specific force (g) and angular rate (dps), pelvis frame. */
static void kinematics(const struct model *m, double t, double f_p[3], double w_p[3])
{
	double h = DIFF_H_S, pm[3], p0[3], pp[3], f_w[3], rv[3];
	struct hf_quat q0 = pelvis_world(m, t);
	struct hf_quat dq = hf_quat_mul(hf_quat_conj(pelvis_world(m, t - h)),
					pelvis_world(m, t + h));

	position_m(m, t - h, pm);
	position_m(m, t, p0);
	position_m(m, t + h, pp);
	for (int i = 0; i < 3; i++)
		f_w[i] = (pp[i] - 2.0 * p0[i] + pm[i]) / (h * h) / HF_G_MPS2;
	f_w[2] += 1.0;
	hf_quat_rotate_inv(q0, f_w, f_p);
	hf_quat_to_rotvec(dq, rv);
	for (int i = 0; i < 3; i++)
		w_p[i] = rv[i] / (2.0 * h) * HF_RAD2DEG;
}

static void sense(const struct hf_sim_sensor *s, struct hf_rng *r, const double f_p[3],
		  const double w_p[3], struct hf_sample *out)
{
	double f_s[3], w_s[3];

	hf_quat_rotate(s->pelvis_to_sensor, f_p, f_s);
	hf_quat_rotate(s->pelvis_to_sensor, w_p, w_s);
	for (int i = 0; i < 3; i++) {
		out->acc_g[i] = f_s[i] * (1.0 + s->acc_scale_err[i]) + s->acc_bias_g[i] +
				s->acc_noise_g * hf_rng_gauss(r);
		out->gyro_dps[i] = w_s[i] * (1.0 + s->gyro_scale_err[i]) + s->gyro_bias_dps[i] +
				   s->gyro_noise_dps * hf_rng_gauss(r);
		if (s->acc_lsb_g > 0.0)
			out->acc_g[i] = round(out->acc_g[i] / s->acc_lsb_g) * s->acc_lsb_g;
		if (s->gyro_lsb_dps > 0.0)
			out->gyro_dps[i] = round(out->gyro_dps[i] / s->gyro_lsb_dps) * s->gyro_lsb_dps;
	}
}

int hf_sim_gait_render(const struct hf_sim_gait *p, const struct hf_sim_sensor *sensor,
		       unsigned seed, struct hf_sim_gait_output *out)
{
	struct model *m;
	struct hf_rng rng;
	double total_s;
	int r;

	if (!p || !sensor || !out || !(sensor->rate_hz > 0.0))
		return HF_ERR_ARG;
	memset(out, 0, sizeof *out);
	m = malloc(sizeof *m);
	if (!m)
		return HF_ERR_NOMEM;
	hf_rng_seed(&rng, seed * 2654435761u + 77u);
	r = build_model(m, p, &rng);
	if (r != HF_OK)
		goto out;
	total_s = m->t_step[m->n_steps] + m->p.stand_s;
	out->n = (size_t)(total_s * sensor->rate_hz);
	out->samples = calloc(out->n, sizeof *out->samples);
	if (!out->samples) {
		r = HF_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < out->n; i++) {
		double t = (double)i / sensor->rate_hz, f_p[3], w_p[3];
		kinematics(m, t, f_p, w_p);
		out->samples[i].t_s = sensor->t0_s + t;
		sense(sensor, &rng, f_p, w_p, &out->samples[i]);
	}
	out->params = m->p;
	compute_truth(m, &out->truth);
	for (int k = 0; k < out->truth.steps; k++)
		out->truth.t_contact_s[k] += sensor->t0_s;
out:
	free(m);
	return r;
}

void hf_sim_gait_output_free(struct hf_sim_gait_output *out)
{
	if (!out)
		return;
	free(out->samples);
	out->samples = NULL;
	out->n = 0;
}
