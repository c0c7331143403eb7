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

struct hf_quat hf_quat_mul(struct hf_quat a, struct hf_quat b);
struct hf_quat hf_quat_conj(struct hf_quat q);
struct hf_quat hf_quat_normalize(struct hf_quat q);
/* Rotate v (3 doubles) by q into out (may alias v). */
void hf_quat_rotate(struct hf_quat q, const double v[3], double out[3]);
/* Rotate v by the inverse of q. */
void hf_quat_rotate_inv(struct hf_quat q, const double v[3], double out[3]);
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

/* Small vector helpers. */
double hf_vec_dot(const double a[3], const double b[3]);
void hf_vec_cross(const double a[3], const double b[3], double out[3]);
double hf_vec_norm(const double a[3]);
/* Normalise in place; returns the former norm (0 leaves v unchanged). */
double hf_vec_normalize(double v[3]);

#endif
