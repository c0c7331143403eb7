/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A minimal ideal-IMU generator for rule tests: a pelvis that holds a
 * posture and moves by given pelvic angles, a sensor at any mounting, no
 * noise, no linear acceleration.  (The physically modelled simulator is
 * sim/; this one exists so rule tests control every instant exactly.)
 */
#ifndef HF_TEST_SYNTH_H
#define HF_TEST_SYNTH_H

#include <stddef.h>

#include "hipform/rotation.h"
#include "hipform/sample.h"

typedef void (*synth_angles_fn)(double t_s, void *user, struct hf_angles *out);

/* Fill n samples at rate_hz from t=0; returns n. */
size_t synth_render(struct hf_quat pelvis_to_world_rest, struct hf_quat pelvis_to_sensor,
		    synth_angles_fn fn, void *user, double rate_hz, size_t n,
		    struct hf_sample *out);

/* Posture rotations (pelvis to world), contract frames. */
struct hf_quat synth_supine(void);
struct hf_quat synth_side_right_down(void);

#endif
