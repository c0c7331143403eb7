/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Calibration: data plus pure functions (contract section 6).
 *
 *   corrected = (raw - offset) * scale         (per axis, sensor frame)
 *   v_pelvis  = rotate(inverse(pelvis_to_sensor), v_sensor)
 *
 * A calibration file is INI text (see calibration/README.md):
 *
 *   # hipform calibration, contract 1
 *   [sensor]
 *   gyro_bias_dps = 0.512 -1.203 0.044
 *   acc_offset_g  = 0 0 0
 *   acc_scale     = 1 1 1
 *   [mounting]
 *   pelvis_to_sensor = 0.7071 0 0.7071 0     ; quaternion w x y z
 *
 * Parsing validates every value and names the line of the first problem.
 */
#ifndef HIPFORM_CALIB_H
#define HIPFORM_CALIB_H

#include <stdbool.h>
#include <stddef.h>

#include "hipform/rotation.h"
#include "hipform/sample.h"

struct hf_calib {
	double gyro_bias_dps[3];
	double acc_offset_g[3];
	double acc_scale[3];
	bool has_sensor;               /* [sensor] was given or estimated */
	struct hf_quat pelvis_to_sensor;
	bool has_mounting;             /* [mounting] was given or estimated */
};

/* Identity calibration: no bias, unit scale, no mounting. */
void hf_calib_identity(struct hf_calib *c);

/* Apply bias and scale: out may alias raw.  Frame stays the sensor's. */
void hf_calib_apply(const struct hf_calib *c, const struct hf_sample *raw,
		    struct hf_sample *out);

/*
 * Parse calibration text.  On error returns HF_ERR_FORMAT and writes
 * "line N: what is wrong" into err (errlen bytes).
 */
int hf_calib_parse(struct hf_calib *c, const char *text, char *err, size_t errlen);

/* Format as calibration text; returns the length that was needed (as
 * snprintf), or a negative hf_err. */
int hf_calib_format(const struct hf_calib *c, char *buf, size_t len);

/* Result of estimating a calibration from a recording. */
struct hf_calib_report {
	double still_s;           /* seconds of stillness used for gyro bias */
	int hinges;               /* hip hinges found */
	double hinge_axis_spread_deg; /* disagreement between hinges */
	double up_tilt_deg;       /* angle between standing up before/after */
};

/*
 * Estimate gyro bias and the sensor-to-pelvis mounting from a recording of
 * the section 6 procedure (samples in time order).  Returns HF_OK, or
 * HF_ERR_FORMAT with a reason in err when the recording does not contain
 * the procedure (no still standing, no hinge, ...).
 */
int hf_calib_estimate(struct hf_calib *c, const struct hf_sample *samples,
		      size_t n, struct hf_calib_report *rep, char *err,
		      size_t errlen);

#endif
