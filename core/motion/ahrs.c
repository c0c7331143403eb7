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
 * The gyro bias is the running mean of the gyro over rests, found in
 * tenth-of-a-second chunks (see update_bias()), so that the pauses between
 * reps keep it current: the angle about world vertical (obliquity lying
 * on the back, tilt on the side) is unobservable without a magnetometer,
 * and its drift is the bias error integrated over the set.  The `still`
 * flag (still_min_s of quiet gyro and accelerometer) is a separate, slower
 * test that sets the correction gain and the analyser's baselines.
 */
#include <math.h>
#include <string.h>

#include "hipform/ahrs.h"

const struct hf_ahrs_settings hf_ahrs_default_settings = {
	.gain = 0.5,
	.acc_reject_g = 0.15,
	.still_gyro_dps = 1.0,
	.still_acc_g = 0.02,
	.still_min_s = 0.3,
	.bias_tau_s = 6.0,
	.init_s = 1.0,
};

#define START_GAIN 5.0      /* 1/s during init_s */
#define STILL_GAIN 1.0      /* 1/s while still */
#define LP_TAU_S 0.1       /* short-term means for the stillness test */
#define MAX_GAP_S 1.0       /* longer steps are not integrated */
#define FLOOR_TAU_S 100.0   /* noise floor rise time */
#define NOISE_MARGIN 2.5    /* still: RMS deviation under this x floor */
/* The noisiest gyros worn (sim/parts.c, from their datasheets): MPU-6500
 * and MPU-9250, 0.01 deg/s/sqrt(Hz), 0.22 deg/s RMS over the 500 Hz band
 * of 1 kHz output; with a margin for quantisation and worse specimens. */
#define FLOOR_MAX_GYRO_DPS 0.3
#define ACC_WORLD_TAU_S 0.2 /* world-frame accelerometer average */
#define LEVEL_TAU_S 5.0     /* memory of the resting |a| (seconds of steadiness) */
#define LEVEL_MIN_G 0.8     /* a resting |a| outside these is no sensor's */
#define LEVEL_MAX_G 1.2
/* Still: the short-term mean rate is this near the bias.  A slow clam shell
 * of 1.5 deg rising in 1.5 s turns at 1-1.8 deg/s, breathing 0.2-0.4 deg at
 * 0.2-0.33 Hz at most 0.8 deg/s. */
#define STILL_RATE_DPS 1.0

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
	a->bias_weight_s = a->set.bias_tau_s; /* a calibration is a long rest */
}

static void attitude_from_gravity(struct hf_ahrs *a, const double acc_g[3])
{
	double up[3] = {acc_g[0], acc_g[1], acc_g[2]};
	const double z[3] = {0.0, 0.0, 1.0};

	if (hf_vec_normalize(up) <= 0.0)
		return;
	a->q = hf_quat_between(up, z);
	hf_quat_rotate(a->q, acc_g, a->acc_world_lp_g);
	a->acc_level_g = fmin(LEVEL_MAX_G, fmax(LEVEL_MIN_G, hf_vec_norm(acc_g)));
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
 *
 * The gyro's floor gates what the bias is learned from (chunk_is_steady()),
 * so it is the sensor's and never exceeds the white noise of the noisiest
 * part worn (FLOOR_MAX_GYRO_DPS): a recording that begins with the wearer
 * on the move must not teach it the body's movement (a floor of 16 deg/s
 * from stepping made stepping chunks rests, and the bias learned there was
 * 17 deg/s off for the whole session).  The accelerometer's is not capped:
 * it only sets how much tremor still counts as still for the attitude's
 * correction, and tremor averages out of gravity (capping it at 15 mg
 * made the planks' elevation figures worse, bench_kinds).
 */
static void track_floor(double *floor, double rms, double max_floor, double dt)
{
	if (*floor <= 0.0 || rms < *floor)
		*floor = rms;
	else
		*floor += (rms - *floor) * dt / FLOOR_TAU_S;
	*floor = fmin(*floor, max_floor);
}

/*
 * The accelerometer's resting level: the |a| this sensor reads when it is
 * steady.  A cheap part reads 0.93-1.07 g at rest (an uncalibrated
 * MPU-6050: +-3 % scale and tens of mg of offset per axis are within its
 * datasheet), so |a| is judged against this level, never against 1 g.
 * Learned from steadiness alone (both sensors near their short-term means,
 * the rate near the bias), whatever the level, with an exponential memory
 * of LEVEL_TAU_S of steady time.
 */
static void learn_level(struct hf_ahrs *a, double acc_norm_g, double dt)
{
	double w = a->level_weight_s;

	a->acc_level_g = (a->acc_level_g * w + acc_norm_g * dt) / (w + dt);
	a->acc_level_g = fmin(LEVEL_MAX_G, fmax(LEVEL_MIN_G, a->acc_level_g));
	a->level_weight_s = fmin(w + dt, LEVEL_TAU_S);
}

/* The short-term means have settled and both sensors stay near them. */
static bool is_steady(struct hf_ahrs *a, const struct hf_sample *s, double dt)
{
	double k = dt / (LP_TAU_S + dt);
	double dg, da, gyro_limit, acc_limit;

	lowpass3(a->gyro_lp_dps, s->gyro_dps, k);
	lowpass3(a->acc_lp_g, s->acc_g, k);
	/* RMS deviations from the short-term means: robust to noise spikes */
	dg = dist3(s->gyro_dps, a->gyro_lp_dps);
	da = dist3(s->acc_g, a->acc_lp_g);
	a->gyro_var_lp += k * (dg * dg - a->gyro_var_lp);
	a->acc_var_lp += k * (da * da - a->acc_var_lp);
	if (s->t_s - a->start_t_s > 4.0 * LP_TAU_S) { /* means have settled */
		track_floor(&a->gyro_floor_dps, sqrt(a->gyro_var_lp), FLOOR_MAX_GYRO_DPS, dt);
		track_floor(&a->acc_floor_g, sqrt(a->acc_var_lp), INFINITY, dt);
	}
	gyro_limit = fmax(a->set.still_gyro_dps, NOISE_MARGIN * a->gyro_floor_dps);
	acc_limit = fmax(a->set.still_acc_g, NOISE_MARGIN * a->acc_floor_g);
	if (!(sqrt(a->acc_var_lp) < acc_limit && sqrt(a->gyro_var_lp) < gyro_limit &&
	      dg < 3.0 * gyro_limit))
		return false;
	/* turning slowly and smoothly is steady too: the mean rate must be
	 * the bias (once the bias is known) */
	return a->bias_weight_s <= 1.0 ||
	       dist3(a->gyro_lp_dps, a->bias_dps) < STILL_RATE_DPS;
}

/* Stillness: steady, and |a| at the sensor's resting level. */
static void update_stillness(struct hf_ahrs *a, const struct hf_sample *s, double dt)
{
	double acc_norm = hf_vec_norm(s->acc_g);
	double acc_limit = fmax(a->set.still_acc_g, NOISE_MARGIN * a->acc_floor_g);
	bool candidate = is_steady(a, s, dt);

	if (candidate)
		learn_level(a, hf_vec_norm(a->acc_lp_g), dt);
	candidate = candidate && fabs(acc_norm - a->acc_level_g) < 0.05 + acc_limit;
	if (!candidate) {
		a->still = false;
		a->still_since_s = s->t_s;
		return;
	}
	a->still = s->t_s - a->still_since_s >= a->set.still_min_s;
}

/*
 * The bias is the mean gyro over rests, averaged with a weight that
 * saturates at bias_tau_s of rest (an exponential memory, so that the
 * estimate follows a bias that walks).
 *
 * Time is cut into chunks of CHUNK_S.  A chunk is steady when the gyro
 * stayed near its own chunk mean (no angular acceleration beyond noise)
 * and the accelerometer read about 1 g.  A steady chunk is a rest when,
 * besides, its mean is within BIAS_STEP_DPS of the bias: a slow, smooth
 * start of a movement (a clam shell opening at a few deg/s) is steady
 * too, and only its rate tells it apart.  Of each run of rest chunks the
 * first and the last are edges (the end of one movement, the start of the
 * next) and never reach the bias: a chunk is committed only once a rest
 * chunk has followed it.  This takes the bias from pauses of well under
 * a second, such as those between reps.
 *
 * A bias that really moved (a stale calibration, a sensor warming up)
 * shows as a long steady run that disagrees with it: RELEARN_S of steady
 * chunks whose means agree within RUN_SPREAD_DPS while gravity, seen by
 * the sensor, stays put within RUN_TILT_DEG (no turn about a horizontal
 * axis).  The run's mean then becomes the bias, refined by the rests
 * that follow.  Runs are watched even while a movement keeps the bias
 * from learning: a bias that moved further than the stillness test
 * allows would otherwise keep the body from ever looking still.
 */
#define CHUNK_S 0.1          /* bias chunk */
#define BIAS_STEP_DPS 1.0    /* a rest's mean is this near a known bias */
#define BIAS_KNOWN_S 1.0     /* rest seconds behind a known bias */
#define RELEARN_S 2.0        /* steady run that overrules the bias */
#define RUN_SPREAD_DPS 0.5   /* chunk means of one steady run agree within */
#define RUN_TILT_DEG 0.5     /* gravity direction of a steady run stays within */

static void chunk_mean(const struct hf_ahrs_chunk *c, double mean_dps[3])
{
	for (int i = 0; i < 3; i++)
		mean_dps[i] = c->gyro_sum_dps_s[i] / c->dur_s;
}

static bool chunk_is_steady(const struct hf_ahrs *a, const struct hf_ahrs_chunk *c)
{
	double mean[3], var, limit;

	chunk_mean(c, mean);
	var = c->gyro_sq_sum / c->dur_s - hf_vec_dot(mean, mean);
	limit = fmax(a->set.still_gyro_dps, NOISE_MARGIN * a->gyro_floor_dps);
	return var < limit * limit &&
	       c->acc_dev_sum_s / c->dur_s < a->set.still_acc_g + 0.05;
}

static bool bias_known(const struct hf_ahrs *a)
{
	return a->bias_weight_s >= BIAS_KNOWN_S;
}


static void commit_chunk(struct hf_ahrs *a, const struct hf_ahrs_chunk *c)
{
	double w = a->bias_weight_s;

	for (int i = 0; i < 3; i++)
		a->bias_dps[i] = (a->bias_dps[i] * w + c->gyro_sum_dps_s[i]) / (w + c->dur_s);
	a->bias_weight_s = fmin(w + c->dur_s, a->set.bias_tau_s);
}

static double angle_between_deg(const double u[3], const double v[3])
{
	double c[3];

	hf_vec_cross(u, v, c);
	return atan2(hf_vec_norm(c), hf_vec_dot(u, v)) * HF_RAD2DEG;
}

/* The steady run: start it at c, or extend it with c. */
static void track_steady_run(struct hf_ahrs *a, const struct hf_ahrs_chunk *c)
{
	struct hf_ahrs_run *r = &a->steady;
	double mean[3];

	chunk_mean(c, mean);
	if (r->dur_s > 0.0 && (dist3(mean, r->mean_dps) >= RUN_SPREAD_DPS ||
			       angle_between_deg(c->acc_sum_g_s, r->acc0_g_s) >= RUN_TILT_DEG))
		r->dur_s = 0.0;
	if (r->dur_s == 0.0)
		memcpy(r->acc0_g_s, c->acc_sum_g_s, sizeof r->acc0_g_s);
	for (int i = 0; i < 3; i++)
		r->mean_dps[i] = (r->mean_dps[i] * r->dur_s + c->gyro_sum_dps_s[i]) /
				 (r->dur_s + c->dur_s);
	r->dur_s += c->dur_s;
	if (r->dur_s >= RELEARN_S && bias_known(a) &&
	    dist3(r->mean_dps, a->bias_dps) >= BIAS_STEP_DPS) {
		/* the run is the new bias, to be refined by the rests that
		 * follow */
		memcpy(a->bias_dps, r->mean_dps, sizeof a->bias_dps);
		a->bias_weight_s = BIAS_KNOWN_S;
		r->dur_s = 0.0;
	}
}

/* A finished chunk: extend the rest, or end it. */
static void close_chunk(struct hf_ahrs *a)
{
	const struct hf_ahrs_chunk *c = &a->chunk;
	double mean[3];

	if (!chunk_is_steady(a, c)) {
		a->steady.dur_s = 0.0;
		a->rest_chunks = 0;
		return;
	}
	track_steady_run(a, c);
	chunk_mean(c, mean);
	if (bias_known(a) && dist3(mean, a->bias_dps) >= BIAS_STEP_DPS) {
		a->rest_chunks = 0;
		return;
	}
	if (a->rest_chunks >= 2)
		commit_chunk(a, &a->pending);
	a->pending = *c;
	a->rest_chunks++;
}

static void update_bias(struct hf_ahrs *a, const struct hf_sample *s, double dt)
{
	struct hf_ahrs_chunk *c = &a->chunk;

	for (int i = 0; i < 3; i++) {
		c->gyro_sum_dps_s[i] += s->gyro_dps[i] * dt;
		c->acc_sum_g_s[i] += s->acc_g[i] * dt;
	}
	c->gyro_sq_sum += hf_vec_dot(s->gyro_dps, s->gyro_dps) * dt;
	c->acc_dev_sum_s += fabs(hf_vec_norm(s->acc_g) - a->acc_level_g) * dt;
	c->dur_s += dt;
	if (c->dur_s < CHUNK_S - 1e-9)
		return;
	if (a->learn_bias) {
		close_chunk(a);
	} else {
		/* no rests now (a movement may be under way), but a bias
		 * that moved must still be found: it alone can keep the
		 * body from ever looking still */
		a->rest_chunks = 0;
		if (chunk_is_steady(a, c))
			track_steady_run(a, c);
		else
			a->steady.dur_s = 0.0;
	}
	memset(c, 0, sizeof *c);
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
	if (!(norm > 0.0 && fabs(norm - a->acc_level_g) < a->set.acc_reject_g))
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
