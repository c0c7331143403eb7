/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz target for the calibration file parser (hf_calib_parse, contract
 * section 6): arbitrary text.  Rules checked:
 * - a rejected file names its line ("line N: ...") and leaves the
 *   identity calibration;
 * - an accepted file holds only values in the parser's documented ranges
 *   (gyro bias within 200 deg/s, offset within 0.5 g, scale 0.5..2, a unit
 *   quaternion), and corrects a sample to finite values;
 * - what hipform writes for it (hf_calib_format) loads again, with the
 *   same values to the precision written: a saved calibration always loads.
 */
#include <math.h>
#include <string.h>

#include "fuzz.h"
#include "hipform/calib.h"
#include "hipform/error.h"

#define TEXT_MAX 4096

static void check_ranges(const struct hf_calib *c)
{
	const struct hf_quat q = c->pelvis_to_sensor;

	for (int i = 0; i < 3; i++) {
		FUZZ_CHECK(fabs(c->gyro_bias_dps[i]) <= 200.0);
		FUZZ_CHECK(fabs(c->acc_offset_g[i]) <= 0.5);
		FUZZ_CHECK(c->acc_scale[i] >= 0.5 && c->acc_scale[i] <= 2.0);
	}
	FUZZ_CHECK(fabs(q.w * q.w + q.x * q.x + q.y * q.y + q.z * q.z - 1.0) < 1e-9);
	FUZZ_CHECK(c->has_sensor || c->has_mounting);
}

static void check_apply(const struct hf_calib *c)
{
	struct hf_sample raw = {.t_s = 1.0, .acc_g = {16, -16, 1}, .gyro_dps = {2000, -2000, 0}};
	struct hf_sample out;

	hf_calib_apply(c, &raw, &out);
	for (int i = 0; i < 3; i++)
		FUZZ_CHECK(isfinite(out.acc_g[i]) && isfinite(out.gyro_dps[i]));
}

static void check_round_trip(const struct hf_calib *c)
{
	static char text[TEXT_MAX], again[TEXT_MAX];
	struct hf_calib back;
	char err[200] = "";
	int n = hf_calib_format(c, text, sizeof text);

	FUZZ_CHECK(n > 0 && (size_t)n < sizeof text);
	if (hf_calib_parse(&back, text, err, sizeof err) != HF_OK) {
		fprintf(stderr, "written calibration does not load: %s\n%s", err, text);
		FUZZ_CHECK(!"a written calibration loads");
	}
	FUZZ_CHECK(back.has_sensor && back.has_mounting == c->has_mounting);
	FUZZ_CHECK(hf_calib_format(&back, again, sizeof again) > 0);
	for (int i = 0; i < 3; i++) { /* as written: 6 decimals, half a unit */
		FUZZ_CHECK(fabs(back.gyro_bias_dps[i] - c->gyro_bias_dps[i]) <= 6e-7);
		FUZZ_CHECK(fabs(back.acc_offset_g[i] - c->acc_offset_g[i]) <= 6e-7);
		FUZZ_CHECK(fabs(back.acc_scale[i] - c->acc_scale[i]) <= 6e-7);
	}
	FUZZ_CHECK(fabs(back.pelvis_to_sensor.w - c->pelvis_to_sensor.w) <= 1e-7 &&
		   fabs(back.pelvis_to_sensor.x - c->pelvis_to_sensor.x) <= 1e-7 &&
		   fabs(back.pelvis_to_sensor.y - c->pelvis_to_sensor.y) <= 1e-7 &&
		   fabs(back.pelvis_to_sensor.z - c->pelvis_to_sensor.z) <= 1e-7);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[TEXT_MAX + 1];
	struct hf_calib c;
	char err[200] = "";

	if (size > TEXT_MAX)
		return 0; /* the command reads at most 64 KiB; keep runs fast */
	memcpy(text, data, size);
	text[size] = '\0';
	if (hf_calib_parse(&c, text, err, sizeof err) != HF_OK) {
		struct hf_calib id;

		hf_calib_identity(&id);
		FUZZ_CHECK(strncmp(err, "line ", 5) == 0);
		FUZZ_CHECK(memcmp(&c, &id, sizeof c) == 0);
		return 0;
	}
	check_ranges(&c);
	check_apply(&c);
	check_round_trip(&c);
	return 0;
}
