/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Six-face accelerometer calibration (contract section 6, the sensor part):
 * the sensor, off the body, rests still on each of its six faces in turn,
 * so that each axis reads +1 g once and -1 g once.  Per axis k, with r+ and
 * r- the readings of axis k on its two faces:
 *
 *     offset_k = (r+ + r-) / 2        scale_k = 2 / (r+ - r-)
 *
 * so that (raw - offset) * scale reads +-1 g there (the six-position
 * method of accelerometer calibration, e.g. ST application note AN4508).
 * A face tilted by a few degrees on the table costs 1 - cos(tilt) of its
 * reading, 0.0014 g at 3 deg; cross-axis coupling is not estimated.
 *
 * Stillness is judged as in calib.c, on blocks of HF_CALIB_BLOCK_S, by the
 * steadiness of both sensors, never by the level the accelerometer reads
 * (which is what is being measured).  A still block counts for the face
 * whose axis carries nearly all of its mean acceleration (FACE_ALIGN);
 * turning the sensor over between faces is not still and counts for none.
 * Constant memory, one pass.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hipform/calib.h"
#include "hipform/error.h"

#include "calib_internal.h"

#define SIX_BLOCK_MIN_N 5          /* samples in a block, at least */
#define SIX_STILL_ACC_SD_G 0.02    /* spread of a still block, at most */
#define SIX_STILL_GYRO_SD_DPS 1.0
#define FACE_ALIGN 0.95            /* |a_k| / |a| on a face (18 deg) */
#define FACE_MIN_S 1.0             /* still time each face needs */
#define MAX_OFFSET_G 0.3           /* beyond any MEMS datasheet: refused */
#define MIN_SCALE 0.8
#define MAX_SCALE 1.25

void hf_six_face_init(struct hf_six_face *e)
{
	memset(e, 0, sizeof *e);
}

/* Face index of a mean acceleration: 2k for +axis k up, 2k+1 for -k; or -1. */
static int face_of(const double acc_g[3])
{
	double norm = sqrt(acc_g[0] * acc_g[0] + acc_g[1] * acc_g[1] + acc_g[2] * acc_g[2]);
	int k = 0;

	for (int j = 1; j < 3; j++)
		if (fabs(acc_g[j]) > fabs(acc_g[k]))
			k = j;
	if (!(norm > 0.0) || fabs(acc_g[k]) < FACE_ALIGN * norm)
		return -1;
	return 2 * k + (acc_g[k] < 0.0);
}

static void close_block(struct hf_six_face *e)
{
	double n = e->blk_n, mean[3];
	int f;

	if (n < SIX_BLOCK_MIN_N ||
	    hf_calib_spread(e->blk_acc, e->blk_acc_sq, n) > SIX_STILL_ACC_SD_G ||
	    hf_calib_spread(e->blk_gyro, e->blk_gyro_sq, n) > SIX_STILL_GYRO_SD_DPS)
		return;
	for (int k = 0; k < 3; k++)
		mean[k] = e->ref_acc_g[k] + e->blk_acc[k] / n;
	f = face_of(mean);
	if (f < 0)
		return;
	for (int k = 0; k < 3; k++)
		e->face_acc_g[f][k] += mean[k] * n;
	e->face_n[f] += n;
	e->face_s[f] += e->blk_t_last_s - e->blk_t_first_s;
}

void hf_six_face_update(struct hf_six_face *e, const struct hf_sample *s)
{
	if (e->blk_n > 0.0 && (s->t_s - e->blk_t_first_s >= HF_CALIB_BLOCK_S ||
			       s->t_s < e->blk_t_last_s)) {
		close_block(e);
		e->blk_n = 0.0;
	}
	if (e->blk_n <= 0.0) {
		/* sums shifted by the block's first sample: no cancellation */
		memcpy(e->ref_acc_g, s->acc_g, sizeof e->ref_acc_g);
		memcpy(e->ref_gyro_dps, s->gyro_dps, sizeof e->ref_gyro_dps);
		memset(e->blk_acc, 0, sizeof e->blk_acc);
		memset(e->blk_acc_sq, 0, sizeof e->blk_acc_sq);
		memset(e->blk_gyro, 0, sizeof e->blk_gyro);
		memset(e->blk_gyro_sq, 0, sizeof e->blk_gyro_sq);
		e->blk_t_first_s = s->t_s;
	}
	for (int k = 0; k < 3; k++) {
		double da = s->acc_g[k] - e->ref_acc_g[k], dg = s->gyro_dps[k] - e->ref_gyro_dps[k];
		e->blk_acc[k] += da;
		e->blk_acc_sq[k] += da * da;
		e->blk_gyro[k] += dg;
		e->blk_gyro_sq[k] += dg * dg;
	}
	e->blk_t_last_s = s->t_s;
	e->blk_n += 1.0;
	e->n++;
}

static const char *const face_names[6] = {"+x up", "-x up", "+y up", "-y up", "+z up",
					  "-z up"};

int hf_six_face_finish(struct hf_six_face *e, struct hf_calib *c, char *err, size_t errlen)
{
	double offset[3], scale[3];

	if (e->blk_n > 0.0) {
		close_block(e);
		e->blk_n = 0.0;
	}
	for (int f = 0; f < 6; f++)
		if (e->face_s[f] < FACE_MIN_S) {
			snprintf(err, errlen,
				 "no still face %s of %.1f s or more (%.1f s): a six-face "
				 "recording rests the sensor on each face in turn",
				 face_names[f], FACE_MIN_S, e->face_s[f]);
			return HF_ERR_FORMAT;
		}
	for (int k = 0; k < 3; k++) {
		double up = e->face_acc_g[2 * k][k] / e->face_n[2 * k];
		double down = e->face_acc_g[2 * k + 1][k] / e->face_n[2 * k + 1];
		offset[k] = 0.5 * (up + down);
		scale[k] = 2.0 / (up - down);
		if (fabs(offset[k]) > MAX_OFFSET_G || !(scale[k] >= MIN_SCALE && scale[k] <= MAX_SCALE)) {
			snprintf(err, errlen,
				 "axis %c reads %+.3f g up and %+.3f g down: no accelerometer "
				 "this far off (offset %+.3f g, scale %.3f)",
				 "xyz"[k], up, down, offset[k], scale[k]);
			return HF_ERR_FORMAT;
		}
	}
	memcpy(c->acc_offset_g, offset, sizeof offset);
	memcpy(c->acc_scale, scale, sizeof scale);
	c->has_sensor = true;
	return HF_OK;
}
