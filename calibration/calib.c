/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Calibration (include/hipform/calib.h, contract section 6).
 *
 * Two parts, both pure functions on data:
 *  - sensor: gyro bias is the mean gyro over still periods; accelerometer
 *    offset and scale come only from a six-face recording, else identity;
 *  - mounting: the rotation between the pelvis frame and the sensor frame,
 *    from the procedure "stand still, hinge forward and back three times,
 *    stand still".  Standing gives the pelvis z axis in sensor coordinates
 *    (the accelerometer reads +1 g up).  The hinges turn about pelvis y: its
 *    direction is the dominant axis of the gyro during the hinges (power
 *    iteration on the 3x3 scatter matrix), and its sign is fixed by gravity:
 *    tipping forward moves the measured "up" towards -x_pelvis.
 */
#include <ini.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hipform/calib.h"
#include "hipform/error.h"

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

#define STILL_WINDOW_S 0.5
#define STILL_GYRO_DPS 1.5
#define STILL_ACC_G 0.03
#define MIN_STAND_S 1.5
#define HINGE_MIN_DEG 10.0
#define MAX_STAND_TILT_DEG 15.0 /* the two standings agree within */

/* still[i]: the window of STILL_WINDOW_S centred on i is quiet. */
static void mark_still(const struct hf_sample *s, size_t n, double rate_hz, bool *still)
{
	size_t half = (size_t)(STILL_WINDOW_S * rate_hz / 2.0);

	if (half < 1)
		half = 1;
	for (size_t i = 0; i < n; i++) {
		size_t a = i > half ? i - half : 0, b = i + half < n ? i + half : n - 1;
		double gmin[3], gmax[3], amin[3], amax[3], an = hf_vec_norm(s[i].acc_g);
		bool ok = fabs(an - 1.0) < 0.06;

		for (int k = 0; k < 3; k++) {
			gmin[k] = gmax[k] = s[a].gyro_dps[k];
			amin[k] = amax[k] = s[a].acc_g[k];
		}
		for (size_t j = a; j <= b && ok; j++)
			for (int k = 0; k < 3; k++) {
				gmin[k] = fmin(gmin[k], s[j].gyro_dps[k]);
				gmax[k] = fmax(gmax[k], s[j].gyro_dps[k]);
				amin[k] = fmin(amin[k], s[j].acc_g[k]);
				amax[k] = fmax(amax[k], s[j].acc_g[k]);
			}
		for (int k = 0; k < 3 && ok; k++)
			ok = gmax[k] - gmin[k] < 2 * STILL_GYRO_DPS &&
			     amax[k] - amin[k] < 2 * STILL_ACC_G;
		still[i] = ok;
	}
}

/* The first still run of at least MIN_STAND_S that starts at or after
 * index from, extended to its full length. */
static bool find_stand(const bool *still, size_t n, double rate_hz, size_t from,
		       size_t *lo, size_t *hi)
{
	size_t need = (size_t)(MIN_STAND_S * rate_hz);
	size_t run = 0;

	for (size_t i = from; i < n; i++) {
		run = still[i] ? run + 1 : 0;
		if (run < need)
			continue;
		*lo = i + 1 - run;
		for (*hi = i; *hi + 1 < n && still[*hi + 1]; (*hi)++)
			;
		return true;
	}
	return false;
}

static void mean_range(const struct hf_sample *s, size_t lo, size_t hi,
		       double acc[3], double gyro[3])
{
	double n = (double)(hi - lo + 1);

	memset(acc, 0, 3 * sizeof *acc);
	memset(gyro, 0, 3 * sizeof *gyro);
	for (size_t i = lo; i <= hi; i++)
		for (int k = 0; k < 3; k++) {
			acc[k] += s[i].acc_g[k] / n;
			gyro[k] += s[i].gyro_dps[k] / n;
		}
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

struct hinge_stats {
	double scatter[3][3];   /* sum of omega omega^T */
	double toward_minus_x[3]; /* sum of the horizontal part of up */
	int hinges;
};

static void collect_hinges(const struct hf_sample *s, size_t lo, size_t hi,
			   const struct hf_calib *c, const double z_p[3],
			   struct hinge_stats *h)
{
	bool down = false;

	memset(h, 0, sizeof *h);
	for (size_t i = lo; i <= hi; i++) {
		double w[3], up[3], tilt_deg;
		for (int k = 0; k < 3; k++)
			w[k] = s[i].gyro_dps[k] - c->gyro_bias_dps[k];
		for (int r = 0; r < 3; r++)
			for (int k = 0; k < 3; k++)
				h->scatter[r][k] += w[r] * w[k];
		memcpy(up, s[i].acc_g, sizeof up);
		hf_vec_normalize(up);
		tilt_deg = acos(fmax(-1.0, fmin(1.0, hf_vec_dot(up, z_p)))) * HF_RAD2DEG;
		if (!down && tilt_deg > HINGE_MIN_DEG) {
			down = true;
			h->hinges++;
		} else if (down && tilt_deg < HINGE_MIN_DEG / 2) {
			down = false;
		}
		if (tilt_deg > HINGE_MIN_DEG)
			for (int k = 0; k < 3; k++)
				h->toward_minus_x[k] += up[k] - hf_vec_dot(up, z_p) * z_p[k];
	}
}

static void build_mounting(struct hf_calib *c, const double z_p[3],
			   const struct hinge_stats *h, double *spread_deg)
{
	double y_p[3], x_p[3], x_grav[3], m[3][3];

	dominant_axis(h->scatter, y_p);
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
	*spread_deg = acos(fmax(-1.0, fmin(1.0, hf_vec_dot(x_p, x_grav)))) * HF_RAD2DEG;
	for (int r = 0; r < 3; r++) {
		m[r][0] = x_p[r];
		m[r][1] = y_p[r];
		m[r][2] = z_p[r];
	}
	c->pelvis_to_sensor = hf_quat_from_matrix(m);
	c->has_mounting = true;
}

static double estimate_rate(const struct hf_sample *s, size_t n)
{
	double span = s[n - 1].t_s - s[0].t_s;

	return span > 0.0 ? (double)(n - 1) / span : 100.0;
}

int hf_calib_estimate(struct hf_calib *c, const struct hf_sample *s, size_t n,
		      struct hf_calib_report *rep, char *err, size_t errlen)
{
	struct hf_calib_report dummy;
	struct hinge_stats h;
	size_t a_lo, a_hi, b_lo, b_hi;
	double acc_a[3], gyro_a[3], acc_b[3], gyro_b[3], z_p[3], z_b[3];
	double rate_hz;
	bool *still;
	int r = HF_ERR_FORMAT;

	if (!rep)
		rep = &dummy;
	memset(rep, 0, sizeof *rep);
	hf_calib_identity(c);
	if (n < 10) {
		snprintf(err, errlen, "recording too short (%zu samples)", n);
		return HF_ERR_FORMAT;
	}
	rate_hz = estimate_rate(s, n);
	still = calloc(n, sizeof *still);
	if (!still)
		return HF_ERR_NOMEM;
	mark_still(s, n, rate_hz, still);
	if (!find_stand(still, n, rate_hz, 0, &a_lo, &a_hi) ||
	    !find_stand(still, n, rate_hz, a_hi + 1, &b_lo, &b_hi)) {
		snprintf(err, errlen, "no still standing of %.1f s before and after the hip hinges",
			 MIN_STAND_S);
		goto out;
	}
	/* the procedure is the first standing, the hinges, and the next
	 * standing; what follows it (a session recorded on) is not used */
	mean_range(s, a_lo, a_hi, acc_a, gyro_a);
	mean_range(s, b_lo, b_hi, acc_b, gyro_b);
	rep->still_s = (double)(a_hi - a_lo + b_hi - b_lo + 2) / rate_hz;
	for (int k = 0; k < 3; k++)
		c->gyro_bias_dps[k] = (gyro_a[k] * (double)(a_hi - a_lo + 1) +
				       gyro_b[k] * (double)(b_hi - b_lo + 1)) /
				      (double)(a_hi - a_lo + b_hi - b_lo + 2);
	c->has_sensor = true;
	memcpy(z_p, acc_a, sizeof z_p);
	memcpy(z_b, acc_b, sizeof z_b);
	hf_vec_normalize(z_p);
	hf_vec_normalize(z_b);
	rep->up_tilt_deg = acos(fmax(-1.0, fmin(1.0, hf_vec_dot(z_p, z_b)))) * HF_RAD2DEG;
	if (rep->up_tilt_deg > MAX_STAND_TILT_DEG) {
		snprintf(err, errlen, "the still periods at %.1f s and %.1f s differ by %.0f deg: "
			 "not standing, hinges, standing (contract section 6)",
			 s[a_lo].t_s, s[b_lo].t_s, rep->up_tilt_deg);
		goto out;
	}
	for (int k = 0; k < 3; k++)
		z_p[k] += z_b[k];
	hf_vec_normalize(z_p);
	collect_hinges(s, a_hi + 1, b_lo - 1, c, z_p, &h);
	rep->hinges = h.hinges;
	if (h.hinges < 1) {
		snprintf(err, errlen, "no hip hinge of more than %.0f deg between the standing periods",
			 HINGE_MIN_DEG);
		goto out;
	}
	build_mounting(c, z_p, &h, &rep->hinge_axis_spread_deg);
	r = HF_OK;
out:
	free(still);
	return r;
}
