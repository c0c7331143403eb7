/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Orientation filter: integrates the gyro, corrects towards gravity when
 * the accelerometer reads about 1 g, and tracks the gyro bias while still.
 * A complementary filter in the manner of Mahony et al., "Nonlinear
 * complementary filters on the special orthogonal group", IEEE TAC 2008,
 * with the gyro bias averaged over rests.
 *
 * The output is q_sensor_to_world with world z up; heading is arbitrary
 * (no magnetometer) and only relative orientation is used downstream.
 */
#ifndef HIPFORM_AHRS_H
#define HIPFORM_AHRS_H

#include <stdbool.h>

#include "hipform/rotation.h"
#include "hipform/sample.h"

struct hf_ahrs_settings {
	double gain;              /* gravity correction, 1/s */
	double acc_reject_g;      /* no correction when | |a| - resting level | exceeds */
	double still_gyro_dps;    /* still when |gyro - bias| stays under */
	double still_acc_g;       /* ... and | |a| - resting level | stays under */
	double still_min_s;       /* for at least this long */
	double bias_tau_s;        /* memory of the bias average, seconds of rest */
	double init_s;            /* averaging time at start-up */
};

extern const struct hf_ahrs_settings hf_ahrs_default_settings;

/* Sums over one bias chunk (a fraction of a second of samples). */
struct hf_ahrs_chunk {
	double gyro_sum_dps_s[3];  /* integral of the gyro */
	double gyro_sq_sum;        /* integral of |gyro|^2 */
	double acc_sum_g_s[3];     /* integral of the accelerometer */
	double acc_dev_sum_s;      /* integral of | |acc| - 1 | */
	double dur_s;
};

/* A run of steady chunks (see ahrs.c). */
struct hf_ahrs_run {
	double mean_dps[3];
	double acc0_g_s[3];        /* accelerometer sum of its first chunk */
	double dur_s;
};

struct hf_ahrs {
	struct hf_ahrs_settings set;
	struct hf_quat q;         /* sensor to world */
	double bias_dps[3];
	double last_t_s;
	bool started;             /* first sample seen */
	bool initialised;         /* attitude set from gravity */
	bool still;
	double start_t_s;
	double still_since_s;     /* start of the current still candidate */
	double bias_weight_s;     /* still time averaged into the bias */
	double acc_level_g;       /* |a| this sensor reads at rest (learned) */
	double level_weight_s;    /* steady time averaged into it */
	double gyro_lp_dps[3];    /* short-term means for stillness */
	double acc_lp_g[3];
	double acc_world_lp_g[3]; /* accelerometer, world frame, averaged */
	double gyro_var_lp;       /* mean square deviation from gyro_lp */
	double acc_var_lp;
	double gyro_floor_dps;    /* noise floor of the RMS deviations */
	double acc_floor_g;
	struct hf_ahrs_chunk chunk;   /* being summed */
	struct hf_ahrs_chunk pending; /* a rest chunk waiting for a successor */
	int rest_chunks;          /* rest chunks in the current run */
	struct hf_ahrs_run steady; /* the current steady run */
	bool learn_bias;          /* false: keep the bias (e.g. during a rep) */
};

void hf_ahrs_init(struct hf_ahrs *a, const struct hf_ahrs_settings *s);
/* Seed the bias (from a calibration); the filter keeps refining it. */
void hf_ahrs_set_bias(struct hf_ahrs *a, const double bias_dps[3]);
/* Allow or stop bias learning from still periods (on by default).  The
 * analyser stops it while a movement is in progress: a slow sway in a
 * held position is motion, not bias. */
static inline void hf_ahrs_learn_bias(struct hf_ahrs *a, bool on) { a->learn_bias = on; }
/* One sample (already bias/scale corrected by hf_calib_apply()). */
void hf_ahrs_update(struct hf_ahrs *a, const struct hf_sample *s);
static inline struct hf_quat hf_ahrs_quat(const struct hf_ahrs *a) { return a->q; }
static inline bool hf_ahrs_is_still(const struct hf_ahrs *a) { return a->still; }

#endif
