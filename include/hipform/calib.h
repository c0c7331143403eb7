/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Calibration: data plus pure functions (contract section 6).
 *
 *   corrected = (raw - offset) * scale         (per axis, sensor frame)
 *   v_pelvis  = rotate(inverse(pelvis_to_sensor), v_sensor)
 *
 * offset and scale come only from a six-face recording (contract section
 * 6, hf_six_face_*() below); the procedure leaves them at 0 and 1.  The level the accelerometer
 * reads at rest is learned by the estimator and reported (rest_g), not
 * saved as a scale: one magnitude at one orientation is not a per-axis
 * scale (calibration/calib.c explains).
 *
 * A calibration file is INI text (docs/man/hipform.1.scd, "hipform
 * calibrate"):
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
	double rest_g;            /* |acceleration| the sensor reads at rest */
	double rate_hz;           /* samples / time span of the recording */
};

/*
 * Streaming estimation from a recording of the section 6 procedure:
 *
 *     struct hf_calib_estimator e;
 *     hf_calib_estimator_init(&e);
 *     for each sample in time order: hf_calib_estimator_update(&e, &s);
 *     r = hf_calib_estimator_finish(&e, &c, &rep, err, sizeof err);
 *
 * Constant memory and time per sample, no allocation: a recording of any
 * length.  Stillness is judged on blocks of HF_CALIB_BLOCK_S by the
 * steadiness of gyro and accelerometer (spread within the block, against
 * the quietest block seen, and drift from the still run it extends), not
 * by the level the accelerometer reads: that level is learned (rest_g).
 * The procedure is the first standing of at least 1.5 s, the hinges, and
 * the next such standing; what follows it is not used.
 */
#define HF_CALIB_BLOCK_S 0.25

/* Sums over samples (internal). */
struct hf_calib_sums {
	double n;
	double t_first_s, t_last_s;
	double acc_g[3], gyro_dps[3];       /* sums */
};

/* Hinge statistics over samples (internal). */
struct hf_calib_hinge_sums {
	double n;
	double gyro_dps[3];                 /* sum of w */
	double gyro_sq[3][3];               /* sum of w w^T */
	double toward_minus_x[3];           /* sum of the horizontal part of up */
	int hinges;                         /* tilts past the hinge threshold */
};

/* Read nothing here but through hf_calib_estimator_finish(). */
struct hf_calib_estimator {
	size_t n;                           /* samples seen */
	double t_first_s, t_last_s, max_step_s;
	int phase;
	/* the open block: shifted sums for spread, plus its hinge part */
	double ref_acc_g[3], ref_gyro_dps[3];
	double dev_acc[3], dev_acc_sq[3], dev_gyro[3], dev_gyro_sq[3];
	struct hf_calib_sums blk;
	struct hf_calib_hinge_sums blk_h;
	bool blk_broken;                    /* a gap inside it */
	double floor_acc_g, floor_gyro_dps; /* quietest block spread so far */
	struct hf_calib_sums run, a, b;     /* still run, standing before, after */
	struct hf_calib_hinge_sums run_h, hinge_h;
	bool have_a, down;
	double z_a[3];                      /* up of standing a, for the hinges */
};

void hf_calib_estimator_init(struct hf_calib_estimator *e);
void hf_calib_estimator_update(struct hf_calib_estimator *e, const struct hf_sample *s);
/*
 * Gyro bias and mounting into c.  Returns HF_OK, or HF_ERR_FORMAT with a
 * one-line reason in err when the recording does not hold the procedure
 * (no still standing, no hinge, standings that disagree, a level far from
 * 1 g) or its times are impossible (a rate outside 1..10000 Hz, a step
 * longer than a day).
 */
int hf_calib_estimator_finish(const struct hf_calib_estimator *e, struct hf_calib *c,
			      struct hf_calib_report *rep, char *err, size_t errlen);

/*
 * The same on an array (samples in time order).  Returns HF_OK, or
 * HF_ERR_FORMAT with a reason in err when the recording does not contain
 * the procedure (no still standing, no hinge, ...).
 */
int hf_calib_estimate(struct hf_calib *c, const struct hf_sample *samples,
		      size_t n, struct hf_calib_report *rep, char *err,
		      size_t errlen);

/*
 * Six-face accelerometer calibration (calibration/six_face.c): from a
 * recording of the sensor, off the body, resting still on each of its six
 * faces in turn (1 s or more each; turning it over between faces is not
 * used), the per-axis offset and scale:
 *
 *     struct hf_six_face e;
 *     hf_six_face_init(&e);
 *     for each sample in time order: hf_six_face_update(&e, &s);
 *     r = hf_six_face_finish(&e, &c, err, sizeof err);
 *
 * finish() sets c->acc_offset_g, c->acc_scale and has_sensor and leaves
 * the rest of c alone; HF_ERR_FORMAT with a reason when a face is missing
 * or an axis reads beyond any accelerometer.  Apply the result
 * (hf_calib_apply()) to the procedure's samples before
 * hf_calib_estimator_update(): the standing's "up" is then the corrected
 * one.  Constant memory, no allocation.
 */
struct hf_six_face {
	size_t n;                           /* samples seen */
	double ref_acc_g[3], ref_gyro_dps[3];
	double blk_acc[3], blk_acc_sq[3], blk_gyro[3], blk_gyro_sq[3];
	double blk_n, blk_t_first_s, blk_t_last_s;
	double face_acc_g[6][3], face_n[6], face_s[6]; /* +x -x +y -y +z -z */
};

void hf_six_face_init(struct hf_six_face *e);
void hf_six_face_update(struct hf_six_face *e, const struct hf_sample *s);
int hf_six_face_finish(struct hf_six_face *e, struct hf_calib *c, char *err, size_t errlen);

/*
 * The accelerometer's offsets and scales from a session's own still
 * postures (calibration/session_accel.c), for a calibration that has no
 * six-face part: every still posture reads 1 g, which, over the postures
 * of a session, tells the offsets and scales along the directions gravity
 * took (a maximum a posteriori fit from the datasheets' spreads):
 *
 *     struct hf_accel_fit f;     (large: not on a small stack)
 *     hf_accel_fit_init(&f, cal.gyro_bias_dps);
 *     for each raw sample in time order: hf_accel_fit_update(&f, &s);
 *     if (hf_accel_fit_finish(&f, &res) == HF_OK)
 *             hf_calib_adopt_accel(&cal, &res);
 *
 * finish() returns HF_ERR_FORMAT (res still filled as far as it got) when
 * fewer than 3 still postures were seen, when they leave an offset or a
 * scale to the datasheet's spread rather than telling it, or when they do
 * not fit one sensor.
 * adopt() sets cal's acc_offset_g and acc_scale and turns its mounting so
 * that standing's "up" is the corrected one (as if the procedure had
 * been recorded with the six-face correction).  That assumes the mounting
 * came from the procedure recorded with this sensor, uncorrected, its
 * offsets then as now (hipform calibrate without --six-face); a
 * mounting written by hand is turned all the same.  Constant memory.
 */
#define HF_ACCEL_FIT_MAX_POSTURES 512
/* finish() refuses offsets of this much or more and scales off 1 by more:
 * such a fit is not the sensor's.  The postures left a combination of
 * scales open (gravity seen only at +-45 deg between two axes tells their
 * sum of squares, not each) and something the model leaves out (the
 * offsets' drift as the sensor warms, 0.5-1.5 mg/C in the MPU datasheets)
 * pushed it there; the readings are then left as they are.  hipformd reads
 * its kept fit back against the same limits. */
#define HF_ACCEL_FIT_MAX_OFFSET_G 0.25     /* beyond any MEMS zero-g tolerance */
#define HF_ACCEL_FIT_MAX_SCALE_DEV 0.05    /* 1.5 x the +-3 % of the loosest parts */

struct hf_accel_posture {
	double acc_sum_g[3];       /* sum of its still windows' means */
	double windows;
};

struct hf_accel_fit {
	double gyro_bias_dps[3];
	double win_t0_s, win_n;
	double win_acc[3], win_acc_sq[3], win_gyro[3], win_gyro_sq[3];
	bool last_still;           /* the window before was still */
	int n_postures;
	struct hf_accel_posture postures[HF_ACCEL_FIT_MAX_POSTURES];
};

struct hf_accel_fit_result {
	double offset_g[3], scale[3];  /* as hf_calib's acc_offset_g, acc_scale */
	double sd_offset_g[3], sd_scale[3]; /* their posterior spreads */
	double residual_g;             /* RMS of |corrected| - 1 over postures */
	int postures;                  /* still postures seen */
};

void hf_accel_fit_init(struct hf_accel_fit *f, const double gyro_bias_dps[3]);
void hf_accel_fit_update(struct hf_accel_fit *f, const struct hf_sample *s);
int hf_accel_fit_finish(struct hf_accel_fit *f, struct hf_accel_fit_result *out);
void hf_calib_adopt_accel(struct hf_calib *cal, const struct hf_accel_fit_result *fit);
/* The same over an array x[0..n) in time order, adopted into cal unless
 * cal has an accelerometer part already: true when it was adopted (its
 * figures in *res when res is not NULL); false when cal was left alone
 * (it has one, the fit was refused, or no memory for the fit). */
bool hf_calib_fit_session_accel(struct hf_calib *cal, const struct hf_sample *x, size_t n,
				struct hf_accel_fit_result *res);
/* Has cal an accelerometer correction (offsets or scales not 0 and 1)? */
bool hf_calib_has_accel(const struct hf_calib *cal);

#endif
