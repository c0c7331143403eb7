/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Calibration (include/hipform/calib.h, contract section 6).
 *
 * Two parts, both pure functions on data:
 *  - sensor: gyro bias is the mean gyro over the two standings;
 *    accelerometer offset and scale come only from a six-face recording
 *    (contract section 6, six_face.c), else identity;
 *  - mounting: the rotation between the pelvis frame and the sensor frame,
 *    from the procedure "stand still, hinge forward and back three times,
 *    stand still".  Standing gives the pelvis z axis in sensor coordinates:
 *    the direction of the mean acceleration, whatever its size.  The hinges
 *    turn about pelvis y: its direction is the dominant axis of the gyro
 *    during the hinges (power iteration on the 3x3 scatter matrix), and its
 *    sign is fixed by gravity: tipping forward moves the measured "up"
 *    towards -x_pelvis.
 *
 * The level at rest is learned, not assumed: an uncalibrated MPU-6050 may
 * read 0.93 g or 1.06 g standing still (+-3 % sensitivity per axis, zero-g
 * offsets of tens of mg), and stillness is judged by steadiness alone (see
 * below).  That level is reported (hf_calib_report.rest_g) and written as a
 * comment by `hipform calibrate`, but NOT saved as acc_scale: it is one
 * magnitude at one orientation (both standings are upright), which mixes
 * the three axes' sensitivities with the offsets and cannot separate them;
 * dividing every axis by it would be right only along today's "up" and
 * wrong by as much elsewhere (lying on the side reads another axis).  The
 * same errors tilt the measured up by up to a few degrees; no procedure
 * with one resting orientation can see that (tests/core/test_calibration.c
 * bounds the mounting error by it).
 *
 * Estimation streams: hf_calib_estimator_update() takes one sample at a
 * time in constant memory and time, so a recording of any length is read
 * once; hf_calib_estimate() is the same over an array.
 */
#include <ini.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hipform/calib.h"
#include "hipform/error.h"

#include "calib_internal.h"

void hf_calib_identity(struct hf_calib *c)
{
	memset(c, 0, sizeof *c);
	c->acc_scale[0] = c->acc_scale[1] = c->acc_scale[2] = 1.0;
	c->pelvis_to_sensor = hf_quat_identity();
}

void hf_calib_apply(const struct hf_calib *c, const struct hf_sample *raw,
		    struct hf_sample *out)
{
	out->t_s = raw->t_s;
	for (int i = 0; i < 3; i++) {
		out->acc_g[i] = (raw->acc_g[i] - c->acc_offset_g[i]) * c->acc_scale[i];
		out->gyro_dps[i] = raw->gyro_dps[i] - c->gyro_bias_dps[i];
	}
}

/* ---- file format ---- */

struct parse_ctx {
	struct hf_calib *c;
	char *err;
	size_t errlen;
	bool seen_quat;
};

static int parse_vec(const char *value, double *out, int n)
{
	const char *p = value;
	char *end;

	for (int i = 0; i < n; i++) {
		out[i] = strtod(p, &end);
		if (end == p || !isfinite(out[i]))
			return -1;
		p = end;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	return *p == '\0' ? 0 : -1;
}

static int fail(struct parse_ctx *ctx, const char *fmt, const char *a, const char *b)
{
	snprintf(ctx->err, ctx->errlen, fmt, a, b);
	return 0;
}

static bool sensor_key_known(const char *name)
{
	static const char *const keys[] = {"gyro_bias_dps", "acc_offset_g", "acc_scale"};

	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (strcmp(name, keys[i]) == 0)
			return true;
	return false;
}

/* The key is checked before its value: an unknown key is named as such. */
static int parse_sensor_key(struct parse_ctx *ctx, const char *name, const char *value)
{
	struct hf_calib *c = ctx->c;
	double v[3];

	if (!sensor_key_known(name))
		return fail(ctx, "unknown key '%s' in [sensor]%s", name, "");
	if (parse_vec(value, v, 3) < 0)
		return fail(ctx, "%s needs three numbers, got '%s'", name, value);
	if (strcmp(name, "gyro_bias_dps") == 0) {
		for (int i = 0; i < 3; i++)
			if (fabs(v[i]) > 200.0)
				return fail(ctx, "%s out of range: '%s'", name, value);
		memcpy(c->gyro_bias_dps, v, sizeof v);
	} else if (strcmp(name, "acc_offset_g") == 0) {
		for (int i = 0; i < 3; i++)
			if (fabs(v[i]) > 0.5)
				return fail(ctx, "%s out of range: '%s'", name, value);
		memcpy(c->acc_offset_g, v, sizeof v);
	} else if (strcmp(name, "acc_scale") == 0) {
		for (int i = 0; i < 3; i++)
			if (!(v[i] >= 0.5 && v[i] <= 2.0)) /* closed: 1.9999996 is written 2.000000 */
				return fail(ctx, "%s out of range (0.5..2): '%s'", name, value);
		memcpy(c->acc_scale, v, sizeof v);
	}
	c->has_sensor = true;
	return 1;
}

static int parse_mounting_key(struct parse_ctx *ctx, const char *name, const char *value)
{
	double v[4], n;

	if (strcmp(name, "pelvis_to_sensor") != 0)
		return fail(ctx, "unknown key '%s' in [mounting]%s", name, "");
	if (parse_vec(value, v, 4) < 0)
		return fail(ctx, "%s needs a quaternion w x y z, got '%s'", name, value);
	n = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2] + v[3] * v[3]);
	if (fabs(n - 1.0) > 1e-3)
		return fail(ctx, "%s is not a unit quaternion: '%s'", name, value);
	ctx->c->pelvis_to_sensor = hf_quat_normalize((struct hf_quat){v[0], v[1], v[2], v[3]});
	ctx->c->has_mounting = true;
	ctx->seen_quat = true;
	return 1;
}

static int calib_ini_line(void *user, const char *section, const char *name,
		       const char *value)
{
	struct parse_ctx *ctx = user;

	if (!name)
		return 1; /* section header alone */
	if (strcmp(section, "sensor") == 0)
		return parse_sensor_key(ctx, name, value);
	if (strcmp(section, "mounting") == 0)
		return parse_mounting_key(ctx, name, value);
	return fail(ctx, "unknown section [%s]%s", section, "");
}

int hf_calib_parse(struct hf_calib *c, const char *text, char *err, size_t errlen)
{
	char why[160] = "syntax error";
	struct parse_ctx ctx = {c, why, sizeof why, false};
	int line;

	if (!c || !text)
		return HF_ERR_ARG;
	hf_calib_identity(c);
	line = ini_parse_string(text, calib_ini_line, &ctx);
	if (line != 0) {
		snprintf(err, errlen, "line %d: %s", line, why);
		hf_calib_identity(c);
		return HF_ERR_FORMAT;
	}
	if (!c->has_sensor && !c->has_mounting) {
		snprintf(err, errlen, "line 1: no [sensor] or [mounting] section");
		return HF_ERR_FORMAT;
	}
	return HF_OK;
}

int hf_calib_format(const struct hf_calib *c, char *buf, size_t len)
{
	const struct hf_quat q = c->pelvis_to_sensor;
	int n = snprintf(buf, len,
		"# hipform calibration (contract 1)\n"
		"[sensor]\n"
		"gyro_bias_dps = %.6f %.6f %.6f\n"
		"acc_offset_g = %.6f %.6f %.6f\n"
		"acc_scale = %.6f %.6f %.6f\n",
		c->gyro_bias_dps[0], c->gyro_bias_dps[1], c->gyro_bias_dps[2],
		c->acc_offset_g[0], c->acc_offset_g[1], c->acc_offset_g[2],
		c->acc_scale[0], c->acc_scale[1], c->acc_scale[2]);

	if (n < 0)
		return HF_ERR_SYS;
	if (c->has_mounting) {
		int m = snprintf(buf ? buf + ((size_t)n < len ? (size_t)n : len) : NULL,
				 (size_t)n < len ? len - (size_t)n : 0,
				 "[mounting]\n"
				 "# rotates pelvis-frame vectors into the sensor frame: w x y z\n"
				 "pelvis_to_sensor = %.8f %.8f %.8f %.8f\n",
				 q.w, q.x, q.y, q.z);
		if (m < 0)
			return HF_ERR_SYS;
		n += m;
	}
	return n;
}

/* ---- estimation from the section 6 procedure ---- */

/*
 * Stillness is a property of the signal, not of its level: an uncalibrated
 * accelerometer may read 0.93 g or 1.06 g at rest, with offsets of tens of
 * mg, and a gyro several deg/s of bias.  So samples are gathered into
 * blocks of HF_CALIB_BLOCK_S, and a block is still when
 *  - the spread (root of the summed per-axis variances) of gyro and of
 *    acceleration within it is small: below an absolute floor, or below
 *    NOISE_K times the quietest block seen so far (a noisier sensor), up to
 *    a cap that no movement stays under;
 *  - it does not drift from the still run it would extend: its mean gyro
 *    within STILL_GYRO_DRIFT_DPS of the run's (a slow steady turn has no
 *    spread, but leaves the bias), its mean acceleration direction within
 *    STILL_DRIFT_DEG of the run's.
 * Consecutive still blocks make a still run; a gap in time ends one.  The
 * level at rest is then learned (the mean |a| of the standings), and the
 * standing direction is the mean acceleration direction, whatever its size.
 */
#define MIN_BLOCK_N 5             /* samples a block needs to be judged */
#define GAP_S 0.5                 /* a longer time step ends a still run */
#define NOISE_K 4.0               /* still: spread under K x quietest block */
#define STILL_GYRO_SD_DPS 1.5     /* ... or under this */
#define STILL_GYRO_SD_MAX_DPS 4.0 /* ... and never over this */
#define STILL_ACC_SD_G 0.015
#define STILL_ACC_SD_MAX_G 0.05
#define STILL_GYRO_DRIFT_DPS 4.0   /* sway, not a turn */
#define STILL_DRIFT_DEG 3.0
#define MIN_STAND_S 1.5
#define HINGE_MIN_DEG 10.0
#define MAX_STAND_TILT_DEG 15.0   /* the two standings agree within */
#define REST_G_MIN 0.7            /* a level outside is not in g */
#define REST_G_MAX 1.3
#define MAX_RATE_HZ 10000.0       /* as --rate */
#define MIN_RATE_HZ 1.0
#define MAX_STEP_S 86400.0

enum { PH_SEEK_A, PH_HINGES, PH_B, PH_DONE };

void hf_calib_estimator_init(struct hf_calib_estimator *e)
{
	memset(e, 0, sizeof *e);
	e->floor_acc_g = INFINITY;
	e->floor_gyro_dps = INFINITY;
}

static double angle_deg(const double a[3], const double b[3])
{
	double u[3], v[3];

	memcpy(u, a, sizeof u);
	memcpy(v, b, sizeof v);
	hf_vec_normalize(u);
	hf_vec_normalize(v);
	return acos(fmax(-1.0, fmin(1.0, hf_vec_dot(u, v)))) * HF_RAD2DEG;
}

static void sums_add(struct hf_calib_sums *to, const struct hf_calib_sums *from)
{
	if (from->n <= 0.0)
		return;
	if (to->n <= 0.0)
		to->t_first_s = from->t_first_s;
	to->t_last_s = from->t_last_s;
	to->n += from->n;
	for (int k = 0; k < 3; k++) {
		to->acc_g[k] += from->acc_g[k];
		to->gyro_dps[k] += from->gyro_dps[k];
	}
}

static double sums_span_s(const struct hf_calib_sums *s)
{
	return s->n > 0.0 ? s->t_last_s - s->t_first_s : 0.0;
}

static void hinge_sums_add(struct hf_calib_hinge_sums *to,
			   const struct hf_calib_hinge_sums *from)
{
	to->n += from->n;
	to->hinges += from->hinges;
	for (int r = 0; r < 3; r++) {
		to->gyro_dps[r] += from->gyro_dps[r];
		to->toward_minus_x[r] += from->toward_minus_x[r];
		for (int k = 0; k < 3; k++)
			to->gyro_sq[r][k] += from->gyro_sq[r][k];
	}
}

static double threshold(double floor, double lo, double hi)
{
	return fmin(hi, fmax(lo, NOISE_K * floor));
}

static bool block_still(const struct hf_calib_estimator *e, double sd_acc_g,
			double sd_gyro_dps)
{
	const struct hf_calib_sums *b = &e->blk, *r = &e->run;
	double drift_dps[3];

	if (sd_gyro_dps > threshold(e->floor_gyro_dps, STILL_GYRO_SD_DPS, STILL_GYRO_SD_MAX_DPS) ||
	    sd_acc_g > threshold(e->floor_acc_g, STILL_ACC_SD_G, STILL_ACC_SD_MAX_G))
		return false;
	if (r->n <= 0.0)
		return true;
	for (int k = 0; k < 3; k++)
		drift_dps[k] = b->gyro_dps[k] / b->n - r->gyro_dps[k] / r->n;
	return hf_vec_norm(drift_dps) <= STILL_GYRO_DRIFT_DPS &&
	       angle_deg(b->acc_g, r->acc_g) <= STILL_DRIFT_DEG;
}

static void set_a(struct hf_calib_estimator *e)
{
	e->a = e->run;
	e->have_a = true;
	memcpy(e->z_a, e->a.acc_g, sizeof e->z_a);
	hf_vec_normalize(e->z_a);
}

/* A still block extends the run; a run of MIN_STAND_S is a standing. */
static void extend_run(struct hf_calib_estimator *e)
{
	sums_add(&e->run, &e->blk);
	hinge_sums_add(&e->run_h, &e->blk_h);
	if (sums_span_s(&e->run) < MIN_STAND_S)
		return;
	if (e->phase == PH_SEEK_A) {
		set_a(e);
	} else if (e->phase == PH_HINGES && e->hinge_h.hinges == 0) {
		/* standing again without a hinge: the later standing is a */
		set_a(e);
		memset(&e->hinge_h, 0, sizeof e->hinge_h);
		e->down = false;
		e->phase = PH_SEEK_A;
	} else if (e->phase == PH_HINGES || e->phase == PH_B) {
		e->b = e->run;
		e->phase = PH_B;
	}
}

/* The still run ends; tail is the moving block that ended it, if any. */
static void end_run(struct hf_calib_estimator *e, const struct hf_calib_hinge_sums *tail)
{
	if (e->phase == PH_B) {
		e->phase = PH_DONE;
	} else if (e->phase == PH_SEEK_A && e->have_a) {
		memset(&e->hinge_h, 0, sizeof e->hinge_h);
		e->phase = PH_HINGES;
	} else if (e->phase == PH_HINGES) {
		hinge_sums_add(&e->hinge_h, &e->run_h);
	}
	if (tail && e->phase == PH_HINGES)
		hinge_sums_add(&e->hinge_h, tail);
	memset(&e->run, 0, sizeof e->run);
	memset(&e->run_h, 0, sizeof e->run_h);
}

static void close_block(struct hf_calib_estimator *e)
{
	double n = e->blk.n, sd_acc_g = 0.0, sd_gyro_dps = 0.0;
	bool still = false;

	if (n >= MIN_BLOCK_N) {
		sd_acc_g = hf_calib_spread(e->dev_acc, e->dev_acc_sq, n);
		sd_gyro_dps = hf_calib_spread(e->dev_gyro, e->dev_gyro_sq, n);
		e->floor_acc_g = fmin(e->floor_acc_g, sd_acc_g);
		e->floor_gyro_dps = fmin(e->floor_gyro_dps, sd_gyro_dps);
		still = block_still(e, sd_acc_g, sd_gyro_dps);
	}
	if (still)
		extend_run(e);
	else
		end_run(e, &e->blk_h);
	memset(&e->blk, 0, sizeof e->blk);
	memset(&e->blk_h, 0, sizeof e->blk_h);
}

static void block_add(struct hf_calib_estimator *e, const struct hf_sample *s)
{
	struct hf_calib_sums *b = &e->blk;

	if (b->n <= 0.0) {
		b->t_first_s = s->t_s;
		memcpy(e->ref_acc_g, s->acc_g, sizeof e->ref_acc_g);
		memcpy(e->ref_gyro_dps, s->gyro_dps, sizeof e->ref_gyro_dps);
		memset(e->dev_acc, 0, sizeof e->dev_acc);
		memset(e->dev_acc_sq, 0, sizeof e->dev_acc_sq);
		memset(e->dev_gyro, 0, sizeof e->dev_gyro);
		memset(e->dev_gyro_sq, 0, sizeof e->dev_gyro_sq);
	}
	b->t_last_s = s->t_s;
	b->n += 1.0;
	for (int k = 0; k < 3; k++) {
		double da = s->acc_g[k] - e->ref_acc_g[k];
		double dg = s->gyro_dps[k] - e->ref_gyro_dps[k];
		b->acc_g[k] += s->acc_g[k];
		b->gyro_dps[k] += s->gyro_dps[k];
		e->dev_acc[k] += da;
		e->dev_acc_sq[k] += da * da;
		e->dev_gyro[k] += dg;
		e->dev_gyro_sq[k] += dg * dg;
	}
}

/* Hinges: tilt of the measured up from standing a's, and the gyro. */
static void hinge_add(struct hf_calib_estimator *e, const struct hf_sample *s)
{
	struct hf_calib_hinge_sums *h = &e->blk_h;
	double up[3], c, tilt_deg;

	memcpy(up, s->acc_g, sizeof up);
	if (hf_vec_normalize(up) <= 0.0)
		return;
	c = fmax(-1.0, fmin(1.0, hf_vec_dot(up, e->z_a)));
	tilt_deg = acos(c) * HF_RAD2DEG;
	h->n += 1.0;
	for (int r = 0; r < 3; r++) {
		h->gyro_dps[r] += s->gyro_dps[r];
		for (int k = 0; k < 3; k++)
			h->gyro_sq[r][k] += s->gyro_dps[r] * s->gyro_dps[k];
	}
	if (!e->down && tilt_deg > HINGE_MIN_DEG) {
		e->down = true;
		h->hinges++;
	} else if (e->down && tilt_deg < HINGE_MIN_DEG / 2) {
		e->down = false;
	}
	if (tilt_deg > HINGE_MIN_DEG)
		for (int k = 0; k < 3; k++)
			h->toward_minus_x[k] += up[k] - c * e->z_a[k];
}

static void note_time(struct hf_calib_estimator *e, double t_s)
{
	if (e->n == 0)
		e->t_first_s = t_s;
	else if (t_s - e->t_last_s > e->max_step_s)
		e->max_step_s = t_s - e->t_last_s;
	e->t_last_s = t_s;
	e->n++;
}

void hf_calib_estimator_update(struct hf_calib_estimator *e, const struct hf_sample *s)
{
	bool gap = e->n > 0 && !(s->t_s - e->t_last_s <= GAP_S && s->t_s >= e->t_last_s);

	note_time(e, s->t_s);
	if (e->phase == PH_DONE)
		return;
	if (gap && e->blk.n > 0.0) {
		close_block(e);
		end_run(e, NULL);
	}
	block_add(e, s);
	if (e->have_a)
		hinge_add(e, s);
	if (e->blk.n >= MIN_BLOCK_N && e->blk.t_last_s - e->blk.t_first_s >= HF_CALIB_BLOCK_S)
		close_block(e);
}

/* Dominant eigenvector of a symmetric 3x3 matrix (power iteration). */
static void dominant_axis(const double m[3][3], double v[3])
{
	v[0] = 0.577;
	v[1] = 0.578;
	v[2] = 0.579;
	for (int it = 0; it < 100; it++) {
		double w[3];
		for (int r = 0; r < 3; r++)
			w[r] = m[r][0] * v[0] + m[r][1] * v[1] + m[r][2] * v[2];
		if (hf_vec_normalize(w) <= 0.0)
			return;
		memcpy(v, w, sizeof w);
	}
}

/* sum (w - bias)(w - bias)^T from the raw sums. */
static void hinge_scatter(const struct hf_calib_hinge_sums *h, const double bias_dps[3],
			  double m[3][3])
{
	for (int r = 0; r < 3; r++)
		for (int k = 0; k < 3; k++)
			m[r][k] = h->gyro_sq[r][k] - bias_dps[r] * h->gyro_dps[k] -
				  h->gyro_dps[r] * bias_dps[k] + h->n * bias_dps[r] * bias_dps[k];
}

static void build_mounting(struct hf_calib *c, const double z_p[3],
			   const struct hf_calib_hinge_sums *h, double *spread_deg)
{
	double y_p[3], x_p[3], x_grav[3], m[3][3];

	hinge_scatter(h, c->gyro_bias_dps, m);
	dominant_axis(m, y_p);
	/* y must be perpendicular to z */
	for (int k = 0; k < 3; k++)
		y_p[k] -= hf_vec_dot(y_p, z_p) * z_p[k];
	hf_vec_normalize(y_p);
	hf_vec_cross(y_p, z_p, x_p);
	for (int k = 0; k < 3; k++)
		x_grav[k] = -h->toward_minus_x[k];
	hf_vec_normalize(x_grav);
	if (hf_vec_dot(x_p, x_grav) < 0.0) {
		for (int k = 0; k < 3; k++) {
			y_p[k] = -y_p[k];
			x_p[k] = -x_p[k];
		}
	}
	*spread_deg = angle_deg(x_p, x_grav);
	for (int r = 0; r < 3; r++) {
		m[r][0] = x_p[r];
		m[r][1] = y_p[r];
		m[r][2] = z_p[r];
	}
	c->pelvis_to_sensor = hf_quat_from_matrix(m);
	c->has_mounting = true;
}

/* Impossible times (issue: t = 0, 1e-300, ... or a jump to 1e15). */
static int check_times(const struct hf_calib_estimator *e, struct hf_calib_report *rep,
		       char *err, size_t errlen)
{
	double span_s = e->t_last_s - e->t_first_s;

	if (e->n < 10) {
		snprintf(err, errlen, "recording too short (%zu samples)", e->n);
		return HF_ERR_FORMAT;
	}
	if (!(span_s > 0.0)) {
		snprintf(err, errlen, "all %zu samples have the same time %g s", e->n, e->t_first_s);
		return HF_ERR_FORMAT;
	}
	rep->rate_hz = (double)(e->n - 1) / span_s;
	if (e->max_step_s > MAX_STEP_S) {
		snprintf(err, errlen, "a time step of %.3g s: not a recording", e->max_step_s);
		return HF_ERR_FORMAT;
	}
	if (!(rep->rate_hz >= MIN_RATE_HZ && rep->rate_hz <= MAX_RATE_HZ)) {
		snprintf(err, errlen, "%zu samples in %.3g s: %.3g Hz is not a possible rate "
			 "(%.0f to %.0f Hz)", e->n, span_s, rep->rate_hz, MIN_RATE_HZ, MAX_RATE_HZ);
		return HF_ERR_FORMAT;
	}
	return HF_OK;
}

static int check_procedure(const struct hf_calib_estimator *e, char *err, size_t errlen)
{
	if (!e->have_a) {
		snprintf(err, errlen, "no still standing of %.1f s before the hip hinges", MIN_STAND_S);
		return HF_ERR_FORMAT;
	}
	if (e->phase == PH_SEEK_A || (e->phase == PH_HINGES && e->hinge_h.hinges == 0)) {
		snprintf(err, errlen, "no hip hinge of more than %.0f deg after the still standing at %.1f s",
			 HINGE_MIN_DEG, e->a.t_first_s);
		return HF_ERR_FORMAT;
	}
	if (e->phase == PH_HINGES) {
		snprintf(err, errlen, "no still standing of %.1f s after the hip hinges", MIN_STAND_S);
		return HF_ERR_FORMAT;
	}
	return HF_OK;
}

/* Bias and level from the two standings; they must agree. */
static int standings(const struct hf_calib_estimator *e, struct hf_calib *c,
		     struct hf_calib_report *rep, double z_p[3], char *err, size_t errlen)
{
	double n = e->a.n + e->b.n, acc[3];

	for (int k = 0; k < 3; k++) {
		c->gyro_bias_dps[k] = (e->a.gyro_dps[k] + e->b.gyro_dps[k]) / n;
		acc[k] = (e->a.acc_g[k] + e->b.acc_g[k]) / n;
	}
	c->has_sensor = true;
	rep->still_s = n / rep->rate_hz;
	rep->rest_g = hf_vec_norm(acc);
	rep->up_tilt_deg = angle_deg(e->a.acc_g, e->b.acc_g);
	if (rep->up_tilt_deg > MAX_STAND_TILT_DEG) {
		snprintf(err, errlen, "the still periods at %.1f s and %.1f s differ by %.0f deg: "
			 "not standing, hinges, standing (contract section 6)",
			 e->a.t_first_s, e->b.t_first_s, rep->up_tilt_deg);
		return HF_ERR_FORMAT;
	}
	if (!(rep->rest_g >= REST_G_MIN && rep->rest_g <= REST_G_MAX)) {
		snprintf(err, errlen, "the accelerometer reads %.3g g at rest, not about 1 g "
			 "(acceleration must be in g, contract section 1)", rep->rest_g);
		return HF_ERR_FORMAT;
	}
	/* the standing direction: the mean of the two, each of unit weight */
	for (int k = 0; k < 3; k++)
		z_p[k] = e->a.acc_g[k] / hf_vec_norm(e->a.acc_g) +
			 e->b.acc_g[k] / hf_vec_norm(e->b.acc_g);
	hf_vec_normalize(z_p);
	return HF_OK;
}

int hf_calib_estimator_finish(const struct hf_calib_estimator *e, struct hf_calib *c,
			      struct hf_calib_report *rep, char *err, size_t errlen)
{
	struct hf_calib_report dummy;
	double z_p[3];
	int r;

	if (!rep)
		rep = &dummy;
	memset(rep, 0, sizeof *rep);
	hf_calib_identity(c);
	r = check_times(e, rep, err, errlen);
	if (r == HF_OK)
		r = check_procedure(e, err, errlen);
	if (r == HF_OK)
		r = standings(e, c, rep, z_p, err, errlen);
	if (r != HF_OK) {
		hf_calib_identity(c);
		return r;
	}
	rep->hinges = e->hinge_h.hinges;
	build_mounting(c, z_p, &e->hinge_h, &rep->hinge_axis_spread_deg);
	return HF_OK;
}

int hf_calib_estimate(struct hf_calib *c, const struct hf_sample *s, size_t n,
		      struct hf_calib_report *rep, char *err, size_t errlen)
{
	struct hf_calib_estimator e;

	hf_calib_estimator_init(&e);
	for (size_t i = 0; i < n; i++)
		hf_calib_estimator_update(&e, &s[i]);
	return hf_calib_estimator_finish(&e, c, rep, err, errlen);
}
