/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Orientation filter (include/hipform/ahrs.h).
 *
 * The problem: a hip-worn IMU gives angular rate with a bias of several
 * degrees per second (cheap MEMS) and specific force that is gravity plus
 * the small accelerations of the movement.  Integrating the gyro alone
 * drifts; trusting the accelerometer alone is noisy and wrong while moving.
 *
 * The filter integrates the bias-corrected gyro and pulls the estimated
 * "up" towards the measured one with a proportional gain (Mahony et al.,
 * IEEE TAC 2008, the explicit complementary filter without the integral
 * term).  The gain is high at start-up (fast attitude lock), higher while
 * still (the accelerometer then is pure gravity) and lower while moving.
 * The moving gain (0.5/s) is a trade: the attitude error a residual gyro
 * bias leaves is bias/gain (0.05 deg/s of a MEMS bias walk against 0.1/s
 * left 0.5 deg, enough to keep a 3 deg clam shell from ever ending),
 * while the accelerations of a rep, averaged in the world frame, pull
 * little at this gain (bench_accuracy: rep counts exact from 0.3 to 1.0).
 * The gyro bias is the running mean of the gyro over still periods: a
 * period counts as still when gyro and accelerometer have both stayed near
 * their own short-term means for still_min_s, and the accelerometer reads
 * about 1 g.  Heading (rotation about world up) is unobservable without a
 * magnetometer; only relative orientation is used downstream.
 */
#include <math.h>
#include <string.h>

#include "hipform/ahrs.h"

const struct hf_ahrs_settings hf_ahrs_default_settings = {
	.gain = 0.5,
	.acc_reject_g = 0.15,
	.still_gyro_dps = 1.0,
	.still_acc_g = 0.02,
	.still_min_s = 0.4,
	.bias_tau_s = 20.0,
	.init_s = 1.0,
};

#define START_GAIN 5.0      /* 1/s during init_s */
#define STILL_GAIN 1.0      /* 1/s while still */
#define LP_TAU_S 0.25       /* short-term means for the stillness test */
#define MAX_GAP_S 1.0       /* longer steps are not integrated */
#define FLOOR_TAU_S 100.0   /* noise floor rise time */
#define NOISE_MARGIN 2.5    /* still: RMS deviation under this x floor */
#define CHUNK_S 0.25        /* bias averaging chunk */
#define BIAS_PENDING HF_AHRS_BIAS_PENDING
#define ACC_WORLD_TAU_S 0.2 /* world-frame accelerometer average */

void hf_ahrs_init(struct hf_ahrs *a, const struct hf_ahrs_settings *s)
{
	memset(a, 0, sizeof *a);
	a->set = s ? *s : hf_ahrs_default_settings;
	a->q = hf_quat_identity();
	a->learn_bias = true;
}

void hf_ahrs_set_bias(struct hf_ahrs *a, const double bias_dps[3])
{
	memcpy(a->bias_dps, bias_dps, sizeof a->bias_dps);
	a->bias_weight_s = a->set.bias_tau_s / 2.0;
}

static void attitude_from_gravity(struct hf_ahrs *a, const double acc_g[3])
{
	double up[3] = {acc_g[0], acc_g[1], acc_g[2]};
	const double z[3] = {0.0, 0.0, 1.0};

	if (hf_vec_normalize(up) <= 0.0)
		return;
	a->q = hf_quat_between(up, z);
	hf_quat_rotate(a->q, acc_g, a->acc_world_lp_g);
	a->initialised = true;
}

static void lowpass3(double lp[3], const double x[3], double k)
{
	for (int i = 0; i < 3; i++)
		lp[i] += k * (x[i] - lp[i]);
}

static double dist3(const double a[3], const double b[3])
{
	double d[3] = {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
	return hf_vec_norm(d);
}

/*
 * The sensor's noise floor: the lowest RMS deviation seen, rising slowly
 * (time constant FLOOR_TAU_S) so that it follows a sensor that warms up.
 * Stillness thresholds never go below NOISE_MARGIN times it, so a noisy
 * sensor is still found still.
 */
static void track_floor(double *floor, double rms, double dt)
{
	if (*floor <= 0.0 || rms < *floor)
		*floor = rms;
	else
		*floor += (rms - *floor) * dt / FLOOR_TAU_S;
}

/* Stillness: both sensors near their short-term means, |a| about 1 g. */
static void update_stillness(struct hf_ahrs *a, const struct hf_sample *s, double dt)
{
	double k = dt / (LP_TAU_S + dt);
	double acc_norm = hf_vec_norm(s->acc_g);
	bool candidate;

	double dg, da, gyro_limit, acc_limit;

	lowpass3(a->gyro_lp_dps, s->gyro_dps, k);
	lowpass3(a->acc_lp_g, s->acc_g, k);
	/* RMS deviations from the short-term means: robust to noise spikes */
	dg = dist3(s->gyro_dps, a->gyro_lp_dps);
	da = dist3(s->acc_g, a->acc_lp_g);
	a->gyro_var_lp += k * (dg * dg - a->gyro_var_lp);
	a->acc_var_lp += k * (da * da - a->acc_var_lp);
	if (s->t_s - a->start_t_s > 4.0 * LP_TAU_S) { /* means have settled */
		track_floor(&a->gyro_floor_dps, sqrt(a->gyro_var_lp), dt);
		track_floor(&a->acc_floor_g, sqrt(a->acc_var_lp), dt);
	}
	gyro_limit = fmax(a->set.still_gyro_dps, NOISE_MARGIN * a->gyro_floor_dps);
	acc_limit = fmax(a->set.still_acc_g, NOISE_MARGIN * a->acc_floor_g);
	candidate = fabs(acc_norm - 1.0) < 0.05 + acc_limit &&
		    sqrt(a->acc_var_lp) < acc_limit &&
		    sqrt(a->gyro_var_lp) < gyro_limit &&
		    dg < 3.0 * gyro_limit;
	if (candidate && a->bias_weight_s > 1.0)
		candidate = dist3(a->gyro_lp_dps, a->bias_dps) < 3.0 * a->set.still_gyro_dps;
	if (!candidate) {
		a->still = false;
		a->still_since_s = s->t_s;
		return;
	}
	a->still = s->t_s - a->still_since_s >= a->set.still_min_s;
}

/*
 * The bias is the mean gyro over still periods, taken in chunks of CHUNK_S.
 * A chunk is committed only once BIAS_PENDING newer chunks of the same
 * still period have followed it, so the slow start of a movement, which
 * the stillness test cannot see yet, never reaches the bias.
 */
static void commit_chunk(struct hf_ahrs *a, const double sum[3], double dur)
{
	double w = a->bias_weight_s;

	for (int i = 0; i < 3; i++)
		a->bias_dps[i] = (a->bias_dps[i] * w + sum[i]) / (w + dur);
	a->bias_weight_s = fmin(w + dur, a->set.bias_tau_s);
}

static void update_bias(struct hf_ahrs *a, const struct hf_sample *s, double dt)
{
	if (!a->still || !a->learn_bias) {
		a->chunk_dur_s = 0.0;
		a->n_pending = 0;
		memset(a->chunk_sum, 0, sizeof a->chunk_sum);
		return;
	}
	for (int i = 0; i < 3; i++)
		a->chunk_sum[i] += s->gyro_dps[i] * dt;
	a->chunk_dur_s += dt;
	if (a->chunk_dur_s < CHUNK_S)
		return;
	if (a->n_pending == BIAS_PENDING) {
		commit_chunk(a, a->pending_sum[0], a->pending_dur_s[0]);
		memmove(a->pending_sum[0], a->pending_sum[1],
			(BIAS_PENDING - 1) * sizeof a->pending_sum[0]);
		memmove(&a->pending_dur_s[0], &a->pending_dur_s[1],
			(BIAS_PENDING - 1) * sizeof a->pending_dur_s[0]);
		a->n_pending--;
	}
	memcpy(a->pending_sum[a->n_pending], a->chunk_sum, sizeof a->chunk_sum);
	a->pending_dur_s[a->n_pending] = a->chunk_dur_s;
	a->n_pending++;
	a->chunk_dur_s = 0.0;
	memset(a->chunk_sum, 0, sizeof a->chunk_sum);
}

static double correction_gain(const struct hf_ahrs *a, double t_s)
{
	if (t_s - a->start_t_s < a->set.init_s)
		return START_GAIN;
	return a->still ? STILL_GAIN : a->set.gain;
}

/*
 * The gravity error, sensor frame: the measured up, low-passed in the world
 * frame, against world up.  Low-passing in the world frame removes tremor
 * and the tangential acceleration of a lever arm (zero-mean, but not when
 * each sample is judged alone: gating single samples on |a| keeps the ones
 * that lean one way and so pulls the attitude off) without the lag a
 * sensor-frame average has while the body turns.
 */
static void gravity_error(struct hf_ahrs *a, const struct hf_sample *s, double dt,
			  double err[3])
{
	const double z[3] = {0.0, 0.0, 1.0};
	double acc_w[3], up_w[3], err_w[3], norm;

	hf_quat_rotate(a->q, s->acc_g, acc_w);
	lowpass3(a->acc_world_lp_g, acc_w, dt / (ACC_WORLD_TAU_S + dt));
	memcpy(up_w, a->acc_world_lp_g, sizeof up_w);
	norm = hf_vec_normalize(up_w);
	memset(err, 0, 3 * sizeof *err);
	if (!(norm > 0.0 && fabs(norm - 1.0) < a->set.acc_reject_g))
		return;
	hf_vec_cross(up_w, z, err_w);
	hf_quat_rotate_inv(a->q, err_w, err);
}

static void integrate(struct hf_ahrs *a, const struct hf_sample *s, double dt)
{
	double err[3], w[3];

	gravity_error(a, s, dt, err);
	for (int i = 0; i < 3; i++)
		w[i] = (s->gyro_dps[i] - a->bias_dps[i]) * HF_DEG2RAD +
		       correction_gain(a, s->t_s) * err[i];
	for (int i = 0; i < 3; i++)
		w[i] *= dt;
	a->q = hf_quat_normalize(hf_quat_mul(a->q, hf_quat_from_rotvec(w)));
}

void hf_ahrs_update(struct hf_ahrs *a, const struct hf_sample *s)
{
	double dt;

	if (!a->started) {
		a->started = true;
		a->start_t_s = s->t_s;
		a->still_since_s = s->t_s;
		a->last_t_s = s->t_s;
		memcpy(a->gyro_lp_dps, s->gyro_dps, sizeof a->gyro_lp_dps);
		memcpy(a->acc_lp_g, s->acc_g, sizeof a->acc_lp_g);
		attitude_from_gravity(a, s->acc_g);
		return;
	}
	dt = s->t_s - a->last_t_s;
	a->last_t_s = s->t_s;
	if (dt <= 0.0 || dt > MAX_GAP_S)
		return;
	update_stillness(a, s, dt);
	update_bias(a, s, dt);
	integrate(a, s, dt);
}
