/* SPDX-License-Identifier: BSD-2-Clause */
#include <math.h>

#include "synth.h"

static struct hf_quat sensor_to_world(struct hf_quat rest, struct hf_quat mount,
				      synth_angles_fn fn, void *user, double t)
{
	struct hf_angles a;

	fn(t, user, &a);
	return hf_quat_mul(hf_quat_mul(rest, hf_quat_from_angles(&a)), hf_quat_conj(mount));
}

size_t synth_render(struct hf_quat rest, struct hf_quat mount, synth_angles_fn fn,
		    void *user, double rate_hz, size_t n, struct hf_sample *out)
{
	const double h = 1e-4, z[3] = {0, 0, 1};

	for (size_t i = 0; i < n; i++) {
		double t = (double)i / rate_hz, rv[3];
		struct hf_quat q0 = sensor_to_world(rest, mount, fn, user, t - h);
		struct hf_quat q1 = sensor_to_world(rest, mount, fn, user, t + h);
		struct hf_quat q = sensor_to_world(rest, mount, fn, user, t);

		hf_quat_to_rotvec(hf_quat_mul(hf_quat_conj(q0), q1), rv);
		out[i].t_s = t;
		for (int k = 0; k < 3; k++)
			out[i].gyro_dps[k] = rv[k] / (2 * h) * HF_RAD2DEG;
		hf_quat_rotate_inv(q, z, out[i].acc_g);
	}
	return n;
}

static struct hf_quat from_columns(const double x[3], const double y[3], const double zc[3])
{
	double m[3][3];

	for (int r = 0; r < 3; r++) {
		m[r][0] = x[r];
		m[r][1] = y[r];
		m[r][2] = zc[r];
	}
	return hf_quat_from_matrix(m);
}

/* on the back: x_p up, z_p along world x, y_p = -y_w */
struct hf_quat synth_supine(void)
{
	const double x[3] = {0, 0, 1}, y[3] = {0, -1, 0}, zc[3] = {1, 0, 0};
	return from_columns(x, y, zc);
}

/* on the right side: y_p up, z_p along world x, x_p = +y_w */
struct hf_quat synth_side_right_down(void)
{
	const double x[3] = {0, 1, 0}, y[3] = {0, 0, 1}, zc[3] = {1, 0, 0};
	return from_columns(x, y, zc);
}
