/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Writing a rendered session: contract CSV (section 2), a WitMotion byte
 * stream (0x51 acceleration, 0x52 angular rate, 0x53 angles per sample)
 * and the truth as contract section 8 JSON with a "truth" object.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "hipform/error.h"
#include "hipform/report.h"
#include "sim_internal.h"

#define WIT_TEMP_RAW 2512      /* 25.12 degC, in 0.01 degC */
#define WIT_VOLT_RAW 330       /* 3.30 V, in 0.01 V */
#define WIT_VERSION 0x0100

static int finish(FILE *f)
{
	if (fflush(f) != 0 || ferror(f))
		return HF_ERR_SYS;
	return HF_OK;
}

int hf_sim_write_csv(const struct hf_sim_output *out, FILE *f)
{
	if (!out || !f)
		return HF_ERR_ARG;
	fprintf(f, "# hipform simulated recording: %zu samples at %.6g Hz, sensor frame "
		"(contract 1)\n", out->n, out->sensor.rate_hz);
	fputs("t_s,ax_g,ay_g,az_g,gx_dps,gy_dps,gz_dps\n", f);
	for (size_t i = 0; i < out->n; i++) {
		const struct hf_sample *s = &out->samples[i];
		if (fprintf(f, "%.6f,%.7g,%.7g,%.7g,%.7g,%.7g,%.7g\n", s->t_s, s->acc_g[0],
			    s->acc_g[1], s->acc_g[2], s->gyro_dps[0], s->gyro_dps[1],
			    s->gyro_dps[2]) < 0)
			return HF_ERR_SYS;
	}
	return finish(f);
}

/* value / full_scale * 32768, rounded, saturated to int16. */
static int16_t wit_raw(double value, double full_scale)
{
	double r = round(value / full_scale * 32768.0);

	if (r > 32767.0)
		return 32767;
	if (r < -32768.0)
		return -32768;
	return (int16_t)r;
}

static void wit_packet(uint8_t type, const int16_t v[4], uint8_t pkt[11])
{
	unsigned sum = 0;

	pkt[0] = 0x55;
	pkt[1] = type;
	for (int k = 0; k < 4; k++) {
		uint16_t u = (uint16_t)v[k];
		pkt[2 + 2 * k] = (uint8_t)(u & 0xff);
		pkt[3 + 2 * k] = (uint8_t)(u >> 8);
	}
	for (int k = 0; k < 10; k++)
		sum += pkt[k];
	pkt[10] = (uint8_t)(sum & 0xff);
}

/* Roll, pitch, yaw (deg, z-y-x) of the sensor in the world. */
static void sensor_euler(struct hf_quat q_pw, struct hf_quat pelvis_to_sensor, double e[3])
{
	struct hf_quat q = hf_quat_mul(q_pw, hf_quat_conj(pelvis_to_sensor));
	double sp = 2.0 * (q.w * q.y - q.z * q.x);

	e[0] = atan2(2.0 * (q.w * q.x + q.y * q.z), 1.0 - 2.0 * (q.x * q.x + q.y * q.y));
	e[1] = asin(fmax(-1.0, fmin(1.0, sp)));
	e[2] = atan2(2.0 * (q.w * q.z + q.x * q.y), 1.0 - 2.0 * (q.y * q.y + q.z * q.z));
	for (int k = 0; k < 3; k++)
		e[k] *= HF_RAD2DEG;
}

int hf_sim_write_witmotion(const struct hf_sim_output *out, FILE *f)
{
	if (!out || !f)
		return HF_ERR_ARG;
	for (size_t i = 0; i < out->n; i++) {
		const struct hf_sample *s = &out->samples[i];
		uint8_t buf[33];
		double e[3];
		int16_t a[4], g[4], ang[4];

		sensor_euler(out->q_pelvis_to_world[i], out->sensor.pelvis_to_sensor, e);
		for (int k = 0; k < 3; k++) {
			a[k] = wit_raw(s->acc_g[k], 16.0);
			g[k] = wit_raw(s->gyro_dps[k], 2000.0);
			ang[k] = wit_raw(e[k], 180.0);
		}
		a[3] = WIT_TEMP_RAW;
		g[3] = WIT_VOLT_RAW;
		ang[3] = WIT_VERSION;
		wit_packet(0x51, a, buf);
		wit_packet(0x52, g, buf + 11);
		wit_packet(0x53, ang, buf + 22);
		if (fwrite(buf, 1, sizeof buf, f) != sizeof buf)
			return HF_ERR_SYS;
	}
	return finish(f);
}

static json_object *vec_json(const double v[3])
{
	json_object *a = json_object_new_array();

	for (int k = 0; k < 3; k++)
		json_object_array_add(a, json_object_new_double(v[k]));
	return a;
}

static json_object *truth_json(const struct hf_sim_output *out)
{
	const struct hf_sim_sensor *s = &out->sensor;
	json_object *t = json_object_new_object(), *m = json_object_new_object();

	json_object_object_add(m, "w", json_object_new_double(s->pelvis_to_sensor.w));
	json_object_object_add(m, "x", json_object_new_double(s->pelvis_to_sensor.x));
	json_object_object_add(m, "y", json_object_new_double(s->pelvis_to_sensor.y));
	json_object_object_add(m, "z", json_object_new_double(s->pelvis_to_sensor.z));
	json_object_object_add(t, "pelvis_to_sensor", m);
	json_object_object_add(t, "lever_arm_m", vec_json(s->lever_arm_m));
	json_object_object_add(t, "gyro_bias_dps", vec_json(s->gyro_bias_dps));
	json_object_object_add(t, "gyro_bias_walk_dps", json_object_new_double(s->gyro_bias_walk_dps));
	json_object_object_add(t, "gyro_noise_dps", json_object_new_double(s->gyro_noise_dps));
	json_object_object_add(t, "acc_bias_g", vec_json(s->acc_bias_g));
	json_object_object_add(t, "acc_noise_g", json_object_new_double(s->acc_noise_g));
	json_object_object_add(t, "t0_s", json_object_new_double(s->t0_s));
	if (s->part > 0) {
		json_object_object_add(t, "part", json_object_new_string(
			hf_sim_part_profile((enum hf_sim_part)(s->part - 1))->name));
		json_object_object_add(t, "acc_scale_err", vec_json(s->acc_scale_err));
		json_object_object_add(t, "gyro_temp_coef_dps_per_c",
				       vec_json(s->gyro_temp_coef_dps_per_c));
		json_object_object_add(t, "warmup_c", json_object_new_double(s->warmup_c));
		json_object_object_add(t, "warmup_tau_s", json_object_new_double(s->warmup_tau_s));
	}
	return t;
}

/* v with two decimals, printed as such (no float noise). */
static json_object *num2(double v)
{
	char text[32];

	v = round(v * 100.0) / 100.0;
	snprintf(text, sizeof text, "%.2f", v == 0.0 ? 0.0 : v);
	return json_object_new_double_s(v, text);
}

/* The contract set, plus max_abs_rotation_deg per rep (hip_drop's value). */
static json_object *set_json(const struct hf_sim_truth_set *ts, double shift_s)
{
	struct hf_rep reps[HF_SIM_MAX_REPS];
	struct hf_set_summary sum;
	json_object *o, *arr;

	memset(&sum, 0, sizeof sum);
	for (int i = 0; i < ts->rep_count; i++) {
		reps[i] = ts->reps[i];
		reps[i].start_s -= shift_s;
		reps[i].peak_s -= shift_s;
		reps[i].end_s -= shift_s;
	}
	sum.exercise = ts->exercise;
	sum.side = ts->side;
	sum.start_s = ts->start_s - shift_s;
	sum.end_s = ts->end_s - shift_s;
	sum.rep_count = ts->rep_count;
	sum.reps = reps;
	o = hf_json_set(&sum);
	if (o && json_object_object_get_ex(o, "reps", &arr))
		for (int i = 0; i < ts->rep_count; i++)
			json_object_object_add(json_object_array_get_idx(arr, (size_t)i),
					       "max_abs_rotation_deg",
					       num2(reps[i].max_abs_rotation_deg));
	return o;
}

int hf_sim_write_truth_json_format(const struct hf_sim_output *out, const char *format,
				   FILE *f)
{
	struct hf_input_info in;
	json_object *o, *sets;
	double shift;
	int r;

	if (!out || !f || !format)
		return HF_ERR_ARG;
	shift = strcmp(format, "witmotion") == 0 ? out->sensor.t0_s : 0.0;
	memset(&in, 0, sizeof in);
	in.format = format;
	in.samples = out->n;
	in.rate_hz = out->sensor.rate_hz;
	o = json_object_new_object();
	sets = json_object_new_array();
	json_object_object_add(o, "contract", json_object_new_int(HF_CONTRACT_VERSION));
	json_object_object_add(o, "input", hf_json_input(&in));
	json_object_object_add(o, "calibrated", json_object_new_boolean(0));
	for (int k = 0; k < out->n_sets; k++)
		json_object_array_add(sets, set_json(&out->sets[k], shift));
	json_object_object_add(o, "sets", sets);
	json_object_object_add(o, "truth", truth_json(out));
	r = fprintf(f, "%s\n", json_object_to_json_string_ext(
				       o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED)) < 0 ?
		    HF_ERR_SYS : finish(f);
	json_object_put(o);
	return r;
}

int hf_sim_write_truth_json(const struct hf_sim_output *out, FILE *f)
{
	return hf_sim_write_truth_json_format(out, "csv", f);
}
