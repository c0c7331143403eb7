/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Sensor profiles from datasheets (include/hipform/sim.h), and a specimen
 * of a part drawn from its tolerances.
 *
 * Figures are the datasheets' typical (or +- limit) values at 25 degC.  A
 * range given over a temperature span is turned into a coefficient by
 * dividing by the span.  Where a datasheet gives no figure the table says
 * 0 and the draw uses the assumption named at UNSPEC_* below (stated as
 * such, not a datasheet fact).  None of these consumer datasheets states
 * an in-run bias instability, so that column is 0 throughout.
 *
 * Checked against the datasheet text when written: the MPU-6050 and
 * MPU-9250 rows, the ICM-42688-P and BMI270 noise densities, the BMI160
 * and BMI270 zero-rate offsets.  The other figures are as read from the
 * named tables from memory and want a second look.
 */
#include <math.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "sim_internal.h"

/* Assumptions for figures a datasheet does not give (not datasheet facts). */
#define UNSPEC_SCALE_TOL 0.01        /* +- 1 % sensitivity */
#define UNSPEC_CROSS_AXIS 0.01       /* +- 1 % cross-axis */
#define UNSPEC_BIAS_WALK_DPS 0.003   /* gyro bias random walk, deg/s per sqrt(s) */

#define LSB_4G (4.0 / 32768.0)
#define LSB_16G (16.0 / 32768.0)
#define LSB_500DPS (500.0 / 32768.0)
#define LSB_2000DPS (2000.0 / 32768.0)

static const struct hf_sim_part_profile parts[HF_SIM_PART_COUNT] = {
	/*
	 * InvenSense MPU-6000/MPU-6050 Product Specification PS-MPU-6000A-00
	 * rev 3.4, section 6.1 (gyroscope): sensitivity scale factor
	 * tolerance +-3 %, cross-axis +-2 %, initial ZRO tolerance +-20 deg/s,
	 * ZRO variation -40..+85 degC +-20 deg/s (0.16 deg/s/degC), rate noise
	 * spectral density 0.005 deg/s/sqrt(Hz); section 6.2 (accelerometer):
	 * initial calibration tolerance +-3 %, cross-axis +-2 %, zero-g initial
	 * calibration tolerance X, Y +-50 mg, Z +-80 mg, zero-g level change
	 * 0..70 degC X, Y +-35 mg (0.5 mg/degC), power spectral density
	 * 400 ug/sqrt(Hz).
	 */
	[HF_SIM_PART_MPU6050] = {
		.name = "MPU-6050",
		.acc_noise_ug_rthz = 400, .gyro_noise_dps_rthz = 0.005,
		.acc_offset_mg = {50, 50, 80}, .acc_scale_tol = 0.03, .acc_cross_axis = 0.02,
		.acc_offset_temp_mg_per_c = 35.0 / 70.0,
		.gyro_offset_dps = 20, .gyro_scale_tol = 0.03, .gyro_cross_axis = 0.02,
		.gyro_offset_temp_dps_per_c = 20.0 / 125.0,
		.acc_lsb_g = LSB_4G, .gyro_lsb_dps = LSB_500DPS,
	},
	/*
	 * InvenSense MPU-6500 Product Specification PS-MPU-6500A-01, sections
	 * 3.1 and 3.2: gyroscope sensitivity tolerance +-3 %, cross-axis +-2 %,
	 * initial ZRO tolerance +-5 deg/s, ZRO variation over temperature
	 * +-0.24 deg/s/degC, rate noise spectral density 0.01 deg/s/sqrt(Hz);
	 * accelerometer initial tolerance +-3 %, cross-axis +-2 %, zero-g
	 * initial tolerance X, Y +-60 mg, Z +-80 mg, zero-g change vs
	 * temperature +-1.5 mg/degC, noise power spectral density
	 * 300 ug/sqrt(Hz).
	 */
	[HF_SIM_PART_MPU6500] = {
		.name = "MPU-6500",
		.acc_noise_ug_rthz = 300, .gyro_noise_dps_rthz = 0.01,
		.acc_offset_mg = {60, 60, 80}, .acc_scale_tol = 0.03, .acc_cross_axis = 0.02,
		.acc_offset_temp_mg_per_c = 1.5,
		.gyro_offset_dps = 5, .gyro_scale_tol = 0.03, .gyro_cross_axis = 0.02,
		.gyro_offset_temp_dps_per_c = 0.24,
		.acc_lsb_g = LSB_4G, .gyro_lsb_dps = LSB_500DPS,
	},
	/*
	 * InvenSense MPU-9250 Product Specification PS-MPU-9250A-01 rev 1.0
	 * (the IMU of WitMotion WT901 boards), section 3.1: sensitivity scale
	 * factor tolerance +-3 %, cross-axis +-2 %, initial ZRO tolerance
	 * +-5 deg/s, ZRO variation -40..+85 degC +-30 deg/s (0.24 deg/s/degC),
	 * rate noise spectral density 0.01 deg/s/sqrt(Hz); section 3.2: initial
	 * tolerance +-3 %, cross-axis +-2 %, zero-g initial calibration
	 * tolerance X, Y +-60 mg, Z +-80 mg, zero-g level change vs temperature
	 * +-1.5 mg/degC, noise power spectral density 300 ug/sqrt(Hz).  A
	 * WitMotion board streams +-16 g and +-2000 deg/s (contract section 2).
	 */
	[HF_SIM_PART_MPU9250] = {
		.name = "MPU-9250",
		.acc_noise_ug_rthz = 300, .gyro_noise_dps_rthz = 0.01,
		.acc_offset_mg = {60, 60, 80}, .acc_scale_tol = 0.03, .acc_cross_axis = 0.02,
		.acc_offset_temp_mg_per_c = 1.5,
		.gyro_offset_dps = 5, .gyro_scale_tol = 0.03, .gyro_cross_axis = 0.02,
		.gyro_offset_temp_dps_per_c = 30.0 / 125.0,
		.acc_lsb_g = LSB_16G, .gyro_lsb_dps = LSB_2000DPS,
	},
	/*
	 * TDK InvenSense ICM-42688-P Datasheet DS-000347 (v1.7), features and
	 * sections 3.1, 3.2: gyroscope noise 2.8 mdps/sqrt(Hz), sensitivity
	 * initial tolerance +-0.5 %, cross-axis +-1.25 %, ZRO initial tolerance
	 * (board level) +-0.5 deg/s, ZRO variation vs temperature
	 * +-0.005 deg/s/degC; accelerometer noise 70 ug/sqrt(Hz), sensitivity
	 * tolerance +-0.5 %, cross-axis +-1 %, zero-g initial tolerance (board
	 * level) +-20 mg, zero-g change vs temperature +-0.15 mg/degC.
	 */
	[HF_SIM_PART_ICM42688P] = {
		.name = "ICM-42688-P",
		.acc_noise_ug_rthz = 70, .gyro_noise_dps_rthz = 0.0028,
		.acc_offset_mg = {20, 20, 20}, .acc_scale_tol = 0.005, .acc_cross_axis = 0.01,
		.acc_offset_temp_mg_per_c = 0.15,
		.gyro_offset_dps = 0.5, .gyro_scale_tol = 0.005, .gyro_cross_axis = 0.0125,
		.gyro_offset_temp_dps_per_c = 0.005,
		.acc_lsb_g = LSB_4G, .gyro_lsb_dps = LSB_500DPS,
	},
	/*
	 * Bosch Sensortec BMI160 data sheet BST-BMI160-DS000, section 1
	 * (specification tables): accelerometer zero-g offset +-40 mg, zero-g
	 * offset temperature drift +-1 mg/K, cross-axis +-1 %, output noise
	 * density 180 ug/sqrt(Hz); gyroscope zero-rate offset +-3 deg/s (fast
	 * offset compensation), zero-rate offset change over temperature
	 * +-0.05 deg/s/K, sensitivity tolerance +-1 %, output noise
	 * 0.007 deg/s/sqrt(Hz).  Accelerometer sensitivity tolerance: none
	 * taken here (UNSPEC_SCALE_TOL).
	 */
	[HF_SIM_PART_BMI160] = {
		.name = "BMI160",
		.acc_noise_ug_rthz = 180, .gyro_noise_dps_rthz = 0.007,
		.acc_offset_mg = {40, 40, 40}, .acc_scale_tol = 0, .acc_cross_axis = 0.01,
		.acc_offset_temp_mg_per_c = 1.0,
		.gyro_offset_dps = 3, .gyro_scale_tol = 0.01, .gyro_cross_axis = 0,
		.gyro_offset_temp_dps_per_c = 0.05,
		.acc_lsb_g = LSB_4G, .gyro_lsb_dps = LSB_500DPS,
	},
	/*
	 * Bosch Sensortec BMI270 data sheet BST-BMI270-DS000, section 1.1
	 * (specification tables): accelerometer zero-g offset +-20 mg, zero-g
	 * offset temperature drift +-0.25 mg/K, sensitivity tolerance +-0.4 %,
	 * noise density 160 ug/sqrt(Hz) (performance mode); gyroscope
	 * zero-rate offset +-0.5 deg/s, zero-rate offset temperature drift
	 * +-0.02 deg/s/K, sensitivity tolerance +-0.4 %, noise density
	 * 0.007 deg/s/sqrt(Hz) (performance mode).  Cross-axis: none taken
	 * here (UNSPEC_CROSS_AXIS).
	 */
	[HF_SIM_PART_BMI270] = {
		.name = "BMI270",
		.acc_noise_ug_rthz = 160, .gyro_noise_dps_rthz = 0.007,
		.acc_offset_mg = {20, 20, 20}, .acc_scale_tol = 0.004, .acc_cross_axis = 0,
		.acc_offset_temp_mg_per_c = 0.25,
		.gyro_offset_dps = 0.5, .gyro_scale_tol = 0.004, .gyro_cross_axis = 0,
		.gyro_offset_temp_dps_per_c = 0.02,
		.acc_lsb_g = LSB_4G, .gyro_lsb_dps = LSB_500DPS,
	},
	/*
	 * STMicroelectronics LSM6DSO datasheet DS12140 (rev 2), Table 2
	 * (mechanical characteristics): linear acceleration zero-g level
	 * offset accuracy LA_TyOff +-20 mg, zero-g level change vs temperature
	 * +-0.1 mg/degC, noise density (high-performance mode) 70 ug/sqrt(Hz);
	 * angular rate zero-rate level G_TyOff +-1 deg/s, zero-rate level
	 * change vs temperature +-0.01 deg/s/degC, rate noise density Rn
	 * 3.8 mdps/sqrt(Hz).  Sensitivity tolerance and cross-axis: none taken
	 * here (UNSPEC_*).
	 */
	[HF_SIM_PART_LSM6DSO] = {
		.name = "LSM6DSO",
		.acc_noise_ug_rthz = 70, .gyro_noise_dps_rthz = 0.0038,
		.acc_offset_mg = {20, 20, 20}, .acc_scale_tol = 0, .acc_cross_axis = 0,
		.acc_offset_temp_mg_per_c = 0.1,
		.gyro_offset_dps = 1, .gyro_scale_tol = 0, .gyro_cross_axis = 0,
		.gyro_offset_temp_dps_per_c = 0.01,
		.acc_lsb_g = LSB_4G, .gyro_lsb_dps = LSB_500DPS,
	},
	/*
	 * STMicroelectronics LSM6DS3 datasheet DocID026899, Table 3
	 * (mechanical characteristics): LA_TyOff +-40 mg, zero-g level change
	 * vs temperature +-0.5 mg/degC, noise density (high-performance)
	 * 90 ug/sqrt(Hz); G_TyOff +-10 deg/s, zero-rate level change vs
	 * temperature +-0.05 deg/s/degC, rate noise density 7 mdps/sqrt(Hz).
	 * Sensitivity tolerance and cross-axis: none taken here (UNSPEC_*).
	 */
	[HF_SIM_PART_LSM6DS3] = {
		.name = "LSM6DS3",
		.acc_noise_ug_rthz = 90, .gyro_noise_dps_rthz = 0.007,
		.acc_offset_mg = {40, 40, 40}, .acc_scale_tol = 0, .acc_cross_axis = 0,
		.acc_offset_temp_mg_per_c = 0.5,
		.gyro_offset_dps = 10, .gyro_scale_tol = 0, .gyro_cross_axis = 0,
		.gyro_offset_temp_dps_per_c = 0.05,
		.acc_lsb_g = LSB_4G, .gyro_lsb_dps = LSB_500DPS,
	},
};

const struct hf_sim_part_profile *hf_sim_part_profile(enum hf_sim_part part)
{
	if ((int)part < 0 || part >= HF_SIM_PART_COUNT)
		return NULL;
	return &parts[part];
}

int hf_sim_part_lookup(const char *name)
{
	for (int i = 0; name && i < HF_SIM_PART_COUNT; i++)
		if (strcasecmp(parts[i].name, name) == 0)
			return i;
	return -1;
}

static double or_unspec(double v, double unspec)
{
	return v > 0.0 ? v : unspec;
}

/* Off-diagonal entries uniform in +-tol, diagonal 0. */
static void draw_cross(struct hf_rng *r, double tol, double m[3][3])
{
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			m[i][j] = i == j ? 0.0 : hf_rng_uniform(r, -tol, tol);
}

/* Per-axis errors within the part's tolerances. */
static void draw_axis_errors(struct hf_rng *r, const struct hf_sim_part_profile *p,
			     struct hf_sim_sensor *s)
{
	double acc_scale = or_unspec(p->acc_scale_tol, UNSPEC_SCALE_TOL);
	double gyro_scale = or_unspec(p->gyro_scale_tol, UNSPEC_SCALE_TOL);

	for (int k = 0; k < 3; k++) {
		s->acc_scale_err[k] = hf_rng_uniform(r, -acc_scale, acc_scale);
		s->acc_bias_g[k] = hf_rng_uniform(r, -1.0, 1.0) * p->acc_offset_mg[k] * 1e-3;
		s->acc_temp_coef_g_per_c[k] =
			hf_rng_uniform(r, -1.0, 1.0) * p->acc_offset_temp_mg_per_c * 1e-3;
		s->gyro_scale_err[k] = hf_rng_uniform(r, -gyro_scale, gyro_scale);
		s->gyro_bias_dps[k] = hf_rng_uniform(r, -1.0, 1.0) * p->gyro_offset_dps;
		s->gyro_temp_coef_dps_per_c[k] =
			hf_rng_uniform(r, -1.0, 1.0) * p->gyro_offset_temp_dps_per_c;
	}
	draw_cross(r, or_unspec(p->acc_cross_axis, UNSPEC_CROSS_AXIS), s->acc_cross);
	draw_cross(r, or_unspec(p->gyro_cross_axis, UNSPEC_CROSS_AXIS), s->gyro_cross);
}

void hf_sim_sensor_from_part(struct hf_sim_sensor *s, enum hf_sim_part part,
			     double rate_hz, unsigned seed)
{
	const struct hf_sim_part_profile *p = hf_sim_part_profile(part);
	struct hf_rng r;

	if (!p)
		p = &parts[HF_SIM_PART_MPU6050];
	memset(s, 0, sizeof *s);
	hf_sim_sensor_belt_mounting(s, seed);
	hf_rng_seed(&r, 0x70617274ULL ^ ((uint64_t)seed << 19) ^ ((uint64_t)part << 7) ^ seed);
	s->rate_hz = rate_hz;
	s->part = (int)(p - parts) + 1;
	draw_axis_errors(&r, p, s);
	s->warmup_c = hf_rng_uniform(&r, 0.0, 8.0);
	s->warmup_tau_s = hf_rng_uniform(&r, 200.0, 900.0);
	/* white noise over the Nyquist band of a digital low-pass at rate/2 */
	s->acc_noise_g = p->acc_noise_ug_rthz * 1e-6 * sqrt(rate_hz / 2.0);
	s->gyro_noise_dps = p->gyro_noise_dps_rthz * sqrt(rate_hz / 2.0);
	s->gyro_bias_walk_dps = p->gyro_bias_instability_dph > 0.0 ?
		p->gyro_bias_instability_dph / 3600.0 : UNSPEC_BIAS_WALK_DPS;
	s->acc_lsb_g = p->acc_lsb_g;
	s->gyro_lsb_dps = p->gyro_lsb_dps;
}

/* ---- mounting on a belt ---- */

/* Rows of m: the sensor axes in the pelvis frame, flat on a belt whose
 * outward normal is n: x along up turned by quarter * 90 deg in the
 * belt's plane, z out of the belt (or into it, face_in). */
static void belt_axes(const double n[3], int quarter, bool face_in, double m[3][3])
{
	const double up[3] = {0, 0, 1};
	const double c = quarter == 0 ? 1 : quarter == 2 ? -1 : 0;
	const double d = quarter == 1 ? 1 : quarter == 3 ? -1 : 0;
	double t[3];

	hf_vec_cross(up, n, t); /* along the belt */
	for (int k = 0; k < 3; k++) {
		m[0][k] = c * up[k] + d * t[k];
		m[2][k] = face_in ? -n[k] : n[k];
	}
	hf_vec_cross(m[2], m[0], m[1]);
}

void hf_sim_sensor_belt_mounting(struct hf_sim_sensor *s, unsigned seed)
{
	double az, n[3], m[3][3], tip[3], half, h;
	struct hf_rng r;
	int quarter;

	hf_rng_seed(&r, 0x62656c74ULL ^ ((uint64_t)seed << 21) ^ seed);
	az = hf_rng_uniform(&r, -HF_PI, HF_PI); /* round the waist */
	n[0] = cos(az);
	n[1] = sin(az);
	n[2] = 0.0;
	quarter = (int)(hf_rng_next(&r) % 4);   /* upright, sideways, upside down */
	belt_axes(n, quarter, hf_rng_next(&r) & 1, m);
	/* m v_pelvis = v_sensor; then a tip out of the belt's plane and a
	 * turn in it, up to 12 deg each */
	for (int k = 0; k < 3; k++)
		tip[k] = hf_rng_uniform(&r, -12.0, 12.0) * HF_DEG2RAD;
	s->pelvis_to_sensor = hf_quat_normalize(
		hf_quat_mul(hf_quat_from_rotvec(tip), hf_quat_from_matrix(m)));
	half = hf_rng_uniform(&r, 0.12, 0.18);
	h = hf_rng_uniform(&r, -0.03, 0.05);
	for (int k = 0; k < 3; k++)
		s->lever_arm_m[k] = half * n[k] + (k == 2 ? h : 0.0);
}
