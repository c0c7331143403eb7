/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One inertial sample: what every decoder produces and every later stage
 * consumes.  Units are in the names (contract section 1): time in seconds,
 * specific force in g (+1 g along the axis pointing up at rest), angular
 * rate in degrees per second, all in the sensor's own frame S.
 */
#ifndef HIPFORM_SAMPLE_H
#define HIPFORM_SAMPLE_H

struct hf_sample {
	double t_s;          /* on the input's own time axis */
	double acc_g[3];     /* specific force, sensor frame */
	double gyro_dps[3];  /* angular rate, sensor frame */
};

#define HF_G_MPS2 9.80665 /* standard gravity, m/s^2 per g */

#endif
