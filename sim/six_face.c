/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A six-face recording (contract section 6; calibration/six_face.c reads
 * it): the sensor, off the body, rests on each of its faces in turn on a
 * table that is not quite level, and is turned over by hand between them.
 * Rendered through the same sensor model as every session
 * (sensor_model.c), so the specimen's scale, offset, cross-axis coupling,
 * noise and resolution are those of its sessions.
 */
#include <math.h>
#include <stdlib.h>

#include "hipform/error.h"

#include "sim_internal.h"

#define FACE_STILL_S 3.0
#define FACE_TURN_S 2.0
#define TABLE_TILT_MAX_DEG 2.0

struct six_face_model {
	struct hf_quat face_to_world[6]; /* sensor to world on each face */
	struct hf_quat pelvis_to_sensor;
};

/* Sensor to world with sensor axis k (sign s) pointing up. */
static struct hf_quat face_up(int face)
{
	static const double axes[6][3] = {{0, -1, 0}, {0, 1, 0}, {1, 0, 0},
					  {-1, 0, 0}, {1, 0, 0}, {1, 0, 0}};
	static const double angles_deg[6] = {90, 90, 90, 90, 0, 180};

	return hf_quat_from_axis_angle(axes[face], angles_deg[face] * HF_DEG2RAD);
}

static void six_face_pose(const void *model, double t_s, struct hf_quat *q, double p_m[3])
{
	const struct six_face_model *m = model;
	const double period_s = FACE_STILL_S + FACE_TURN_S;
	int f = (int)floor(t_s / period_s);
	double u;
	struct hf_quat s;

	/* before the start (the central difference at t = 0 looks there) the
	 * sensor lies on its first face, as at the start */
	if (f < 0)
		f = 0;
	if (f > 5)
		f = 5;
	u = t_s < 0.0 ? 0.0 : (t_s - f * period_s - FACE_STILL_S) / FACE_TURN_S;
	if (f == 5 || u <= 0.0) {
		s = m->face_to_world[f];
	} else {
		u = u >= 1.0 ? 1.0 : u * u * (3.0 - 2.0 * u);
		s = hf_quat_slerp(m->face_to_world[f], m->face_to_world[f + 1], u);
	}
	/* the pelvis pose that puts the sensor so: sensor = pelvis * p2s^-1 */
	*q = hf_quat_mul(s, m->pelvis_to_sensor);
	p_m[0] = p_m[1] = p_m[2] = 0.0;
}

size_t hf_sim_six_face_samples(const struct hf_sim_sensor *sensor)
{
	return (size_t)ceil((6.0 * FACE_STILL_S + 5.0 * FACE_TURN_S) * sensor->rate_hz);
}

int hf_sim_six_face(const struct hf_sim_sensor *sensor, uint64_t seed, struct hf_sample *out,
		    size_t n)
{
	struct six_face_model m = {.pelvis_to_sensor = sensor->pelvis_to_sensor};
	struct hf_quat *q;
	struct hf_rng g;

	if (n != hf_sim_six_face_samples(sensor))
		return HF_ERR_ARG;
	q = malloc(n * sizeof *q);
	if (!q)
		return HF_ERR_NOMEM;
	hf_rng_seed(&g, seed);
	for (int f = 0; f < 6; f++) {
		double az = hf_rng_uniform(&g, 0.0, 2.0 * HF_PI);
		double axis[3] = {cos(az), sin(az), 0.0};
		double tilt = hf_rng_uniform(&g, 0.0, TABLE_TILT_MAX_DEG) * HF_DEG2RAD;
		m.face_to_world[f] = hf_quat_mul(hf_quat_from_axis_angle(axis, tilt), face_up(f));
	}
	hf_sim_render_samples(six_face_pose, &m, sensor, seed ^ 0x5f, n, out, q);
	free(q);
	return HF_OK;
}
