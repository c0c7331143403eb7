/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Rotation maths shared by the filter, the analyser, the calibration and
 * the simulator.
 *
 * Quaternions are Hamilton quaternions {w, x, y, z} used as active
 * rotations: hf_quat_rotate(q, v) = q v q*.  A quaternion "a_to_b" rotates
 * vectors expressed in frame a into frame b (so q_sensor_to_world applied
 * to the sensor's up-reading gives world up).  Matrices are row-major 3x3,
 * m[row][col], and act on column vectors.
 *
 * Pelvic angles (contract section 1):
 *     R_rel = Ry(tilt) . Rx(obliquity) . Rz(rotation)
 * intrinsic y-x'-z'' rotations; hf_angles_from_quat() inverts
 * hf_quat_from_angles() for |obliquity| < 90 deg.
 */
#ifndef HIPFORM_ROTATION_H
#define HIPFORM_ROTATION_H

#include <math.h>

#define HF_PI 3.14159265358979323846
#define HF_DEG2RAD (HF_PI / 180.0)
#define HF_RAD2DEG (180.0 / HF_PI)

struct hf_quat {
	double w, x, y, z;
};

struct hf_angles {
	double tilt_deg;      /* about pelvis y: + anterior tilt */
	double obliquity_deg; /* about the new x: + left side up */
	double rotation_deg;  /* about the new z: + front turns left */
};

static inline struct hf_quat hf_quat_identity(void)
{
	struct hf_quat q = {1.0, 0.0, 0.0, 0.0};
	return q;
}

/*
 * The small operations of every sample are inline here, as in Fusion's
 * FusionMath.h: a call each would cost more than the arithmetic.
 * Small vector helpers first (the quaternion ones use them).
 */
static inline double hf_vec_dot(const double a[3], const double b[3])
{
	return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

static inline void hf_vec_cross(const double a[3], const double b[3], double out[3])
{
	double r0 = a[1] * b[2] - a[2] * b[1];
	double r1 = a[2] * b[0] - a[0] * b[2];
	double r2 = a[0] * b[1] - a[1] * b[0];

	out[0] = r0;
	out[1] = r1;
	out[2] = r2;
}

static inline double hf_vec_norm(const double a[3])
{
	return sqrt(hf_vec_dot(a, a));
}

/* Normalise in place; returns the former norm (0 leaves v unchanged). */
static inline double hf_vec_normalize(double v[3])
{
	double n = hf_vec_norm(v);

	if (n > 0.0) {
		v[0] /= n;
		v[1] /= n;
		v[2] /= n;
	}
	return n;
}

static inline struct hf_quat hf_quat_mul(struct hf_quat a, struct hf_quat b)
{
	struct hf_quat r;

	r.w = a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z;
	r.x = a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y;
	r.y = a.w * b.y - a.x * b.z + a.y * b.w + a.z * b.x;
	r.z = a.w * b.z + a.x * b.y - a.y * b.x + a.z * b.w;
	return r;
}

static inline struct hf_quat hf_quat_conj(struct hf_quat q)
{
	struct hf_quat r = {q.w, -q.x, -q.y, -q.z};
	return r;
}

static inline struct hf_quat hf_quat_normalize(struct hf_quat q)
{
	double n = sqrt(q.w * q.w + q.x * q.x + q.y * q.y + q.z * q.z);

	if (n <= 0.0)
		return hf_quat_identity();
	q.w /= n;
	q.x /= n;
	q.y /= n;
	q.z /= n;
	return q;
}

/* Rotate v (3 doubles) by q into out (may alias v):
 * v' = v + 2 w (u x v) + 2 u x (u x v), u = (x, y, z). */
static inline void hf_quat_rotate(struct hf_quat q, const double v[3], double out[3])
{
	double u[3] = {q.x, q.y, q.z};
	double t[3], ut[3];
	double in[3] = {v[0], v[1], v[2]};

	hf_vec_cross(u, in, t);
	t[0] *= 2.0;
	t[1] *= 2.0;
	t[2] *= 2.0;
	hf_vec_cross(u, t, ut);
	for (int i = 0; i < 3; i++)
		out[i] = in[i] + q.w * t[i] + ut[i];
}

/* Rotate v by the inverse of q. */
static inline void hf_quat_rotate_inv(struct hf_quat q, const double v[3], double out[3])
{
	hf_quat_rotate(hf_quat_conj(q), v, out);
}

/* Rotation of angle_rad about the unit vector axis. */
struct hf_quat hf_quat_from_axis_angle(const double axis[3], double angle_rad);
/* Rotation vector (axis * angle, radians) <-> quaternion. */
struct hf_quat hf_quat_from_rotvec(const double rv_rad[3]);
void hf_quat_to_rotvec(struct hf_quat q, double rv_rad[3]);
/* Angle of the rotation q, radians in [0, pi]. */
double hf_quat_angle_rad(struct hf_quat q);
void hf_quat_to_matrix(struct hf_quat q, double m[3][3]);
struct hf_quat hf_quat_from_matrix(const double m[3][3]);
/* Spherical interpolation, u in [0, 1]. */
struct hf_quat hf_quat_slerp(struct hf_quat a, struct hf_quat b, double u);
/* The rotation taking unit vector from onto unit vector to, shortest arc. */
struct hf_quat hf_quat_between(const double from[3], const double to[3]);

/* Accumulator for the mean of nearby orientations (chordal L2 mean). */
struct hf_quat_mean {
	double sum[4];
	double n;
	struct hf_quat first;
};
void hf_quat_mean_reset(struct hf_quat_mean *m);
void hf_quat_mean_add(struct hf_quat_mean *m, struct hf_quat q, double weight);
void hf_quat_mean_remove(struct hf_quat_mean *m, struct hf_quat q, double weight);
/* The mean, or identity when empty. */
struct hf_quat hf_quat_mean_get(const struct hf_quat_mean *m);

/* Contract section 1 angles. */
struct hf_quat hf_quat_from_angles(const struct hf_angles *a);
void hf_angles_from_quat(struct hf_quat q, struct hf_angles *a);


#endif
