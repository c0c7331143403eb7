/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Quaternion and small-vector maths (see include/hipform/rotation.h).
 * Formulas are the textbook ones, e.g. J. Sola, "Quaternion kinematics for
 * the error-state Kalman filter" (2017), sections 1-2.
 */
#include <math.h>

#include "hipform/rotation.h"

struct hf_quat hf_quat_from_axis_angle(const double axis[3], double angle_rad)
{
	double s = sin(angle_rad / 2.0);
	struct hf_quat q = {cos(angle_rad / 2.0), axis[0] * s, axis[1] * s,
			    axis[2] * s};
	return q;
}

struct hf_quat hf_quat_from_rotvec(const double rv_rad[3])
{
	double angle = hf_vec_norm(rv_rad);
	double axis[3];

	if (angle < 1e-12) {
		struct hf_quat q = {1.0, rv_rad[0] / 2, rv_rad[1] / 2, rv_rad[2] / 2};
		return hf_quat_normalize(q);
	}
	for (int i = 0; i < 3; i++)
		axis[i] = rv_rad[i] / angle;
	return hf_quat_from_axis_angle(axis, angle);
}

void hf_quat_to_rotvec(struct hf_quat q, double rv_rad[3])
{
	double s, angle, k;

	if (q.w < 0.0) {
		q.w = -q.w;
		q.x = -q.x;
		q.y = -q.y;
		q.z = -q.z;
	}
	s = sqrt(q.x * q.x + q.y * q.y + q.z * q.z);
	angle = 2.0 * atan2(s, q.w);
	k = s > 1e-12 ? angle / s : 2.0;
	rv_rad[0] = q.x * k;
	rv_rad[1] = q.y * k;
	rv_rad[2] = q.z * k;
}

double hf_quat_angle_rad(struct hf_quat q)
{
	double s = sqrt(q.x * q.x + q.y * q.y + q.z * q.z);

	return 2.0 * atan2(s, fabs(q.w));
}

void hf_quat_to_matrix(struct hf_quat q, double m[3][3])
{
	double w = q.w, x = q.x, y = q.y, z = q.z;

	m[0][0] = 1 - 2 * (y * y + z * z);
	m[0][1] = 2 * (x * y - w * z);
	m[0][2] = 2 * (x * z + w * y);
	m[1][0] = 2 * (x * y + w * z);
	m[1][1] = 1 - 2 * (x * x + z * z);
	m[1][2] = 2 * (y * z - w * x);
	m[2][0] = 2 * (x * z - w * y);
	m[2][1] = 2 * (y * z + w * x);
	m[2][2] = 1 - 2 * (x * x + y * y);
}

/* Shepperd's method: pick the largest diagonal term for stability. */
struct hf_quat hf_quat_from_matrix(const double m[3][3])
{
	struct hf_quat q;
	double tr = m[0][0] + m[1][1] + m[2][2], s;

	if (tr > 0.0) {
		s = sqrt(tr + 1.0) * 2.0;
		q.w = 0.25 * s;
		q.x = (m[2][1] - m[1][2]) / s;
		q.y = (m[0][2] - m[2][0]) / s;
		q.z = (m[1][0] - m[0][1]) / s;
	} else if (m[0][0] > m[1][1] && m[0][0] > m[2][2]) {
		s = sqrt(1.0 + m[0][0] - m[1][1] - m[2][2]) * 2.0;
		q.w = (m[2][1] - m[1][2]) / s;
		q.x = 0.25 * s;
		q.y = (m[0][1] + m[1][0]) / s;
		q.z = (m[0][2] + m[2][0]) / s;
	} else if (m[1][1] > m[2][2]) {
		s = sqrt(1.0 + m[1][1] - m[0][0] - m[2][2]) * 2.0;
		q.w = (m[0][2] - m[2][0]) / s;
		q.x = (m[0][1] + m[1][0]) / s;
		q.y = 0.25 * s;
		q.z = (m[1][2] + m[2][1]) / s;
	} else {
		s = sqrt(1.0 + m[2][2] - m[0][0] - m[1][1]) * 2.0;
		q.w = (m[1][0] - m[0][1]) / s;
		q.x = (m[0][2] + m[2][0]) / s;
		q.y = (m[1][2] + m[2][1]) / s;
		q.z = 0.25 * s;
	}
	return hf_quat_normalize(q);
}

struct hf_quat hf_quat_slerp(struct hf_quat a, struct hf_quat b, double u)
{
	struct hf_quat d = hf_quat_mul(hf_quat_conj(a), b);
	double rv[3];

	hf_quat_to_rotvec(d, rv);
	for (int i = 0; i < 3; i++)
		rv[i] *= u;
	return hf_quat_normalize(hf_quat_mul(a, hf_quat_from_rotvec(rv)));
}

struct hf_quat hf_quat_between(const double from[3], const double to[3])
{
	double axis[3], c = hf_vec_dot(from, to);
	struct hf_quat q;

	hf_vec_cross(from, to, axis);
	if (c < -0.999999) {
		/* opposite: any axis perpendicular to from */
		double other[3] = {1, 0, 0};
		if (fabs(from[0]) > 0.9) {
			other[0] = 0;
			other[1] = 1;
		}
		hf_vec_cross(from, other, axis);
		hf_vec_normalize(axis);
		return hf_quat_from_axis_angle(axis, HF_PI);
	}
	q.w = 1.0 + c;
	q.x = axis[0];
	q.y = axis[1];
	q.z = axis[2];
	return hf_quat_normalize(q);
}

void hf_quat_mean_reset(struct hf_quat_mean *m)
{
	m->sum[0] = m->sum[1] = m->sum[2] = m->sum[3] = 0.0;
	m->n = 0.0;
	m->first = hf_quat_identity();
}

/* Quaternions q and -q are one rotation: align every term with the first. */
static double hemisphere_sign(const struct hf_quat_mean *m, struct hf_quat q)
{
	double d = m->first.w * q.w + m->first.x * q.x + m->first.y * q.y +
		   m->first.z * q.z;
	return d < 0.0 ? -1.0 : 1.0;
}

void hf_quat_mean_add(struct hf_quat_mean *m, struct hf_quat q, double weight)
{
	double s;

	if (m->n <= 0.0 && m->sum[0] == 0.0 && m->sum[1] == 0.0 &&
	    m->sum[2] == 0.0 && m->sum[3] == 0.0)
		m->first = q;
	s = hemisphere_sign(m, q) * weight;
	m->sum[0] += s * q.w;
	m->sum[1] += s * q.x;
	m->sum[2] += s * q.y;
	m->sum[3] += s * q.z;
	m->n += weight;
}

void hf_quat_mean_remove(struct hf_quat_mean *m, struct hf_quat q, double weight)
{
	double s = hemisphere_sign(m, q) * weight;

	m->sum[0] -= s * q.w;
	m->sum[1] -= s * q.x;
	m->sum[2] -= s * q.y;
	m->sum[3] -= s * q.z;
	m->n -= weight;
}

struct hf_quat hf_quat_mean_get(const struct hf_quat_mean *m)
{
	struct hf_quat q = {m->sum[0], m->sum[1], m->sum[2], m->sum[3]};

	if (m->n <= 0.0)
		return hf_quat_identity();
	return hf_quat_normalize(q);
}

struct hf_quat hf_quat_from_angles(const struct hf_angles *a)
{
	const double ey[3] = {0, 1, 0}, ex[3] = {1, 0, 0}, ez[3] = {0, 0, 1};
	struct hf_quat qy = hf_quat_from_axis_angle(ey, a->tilt_deg * HF_DEG2RAD);
	struct hf_quat qx = hf_quat_from_axis_angle(ex, a->obliquity_deg * HF_DEG2RAD);
	struct hf_quat qz = hf_quat_from_axis_angle(ez, a->rotation_deg * HF_DEG2RAD);

	return hf_quat_mul(hf_quat_mul(qy, qx), qz);
}

/*
 * R = Ry(a) Rx(b) Rz(c) has R[1][2] = -sin b, R[0][2] = sin a cos b,
 * R[2][2] = cos a cos b, R[1][0] = cos b sin c, R[1][1] = cos b cos c.
 */
void hf_angles_from_quat(struct hf_quat q, struct hf_angles *a)
{
	double m[3][3], sb;

	hf_quat_to_matrix(q, m);
	sb = -m[1][2];
	if (sb > 1.0)
		sb = 1.0;
	if (sb < -1.0)
		sb = -1.0;
	a->obliquity_deg = asin(sb) * HF_RAD2DEG;
	a->tilt_deg = atan2(m[0][2], m[2][2]) * HF_RAD2DEG;
	a->rotation_deg = atan2(m[1][0], m[1][1]) * HF_RAD2DEG;
}
