/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The accelerometer a session taught, kept for the next one.
 *
 * `hipform analyze` and `hipform report` read a file twice: the session's
 * still postures fit the accelerometer's offsets and scales
 * (calibration/session_accel.c), then the analysis runs with them.  The
 * daemon analyses live and cannot wait for the end, so it learns the fit
 * over a session, keeps it in <state_dir>/session-accel when the fit is
 * accepted, and starts the next session with it: a cheap part's 50-80 mg
 * of offsets put a low plank on the mat and turn "up" by a degree or
 * two, and they change little from one day to the next next to that.
 *
 * Only for a calibration with [mounting] and no accelerometer part (no
 * six-face recording), and only for the calibration it was learned with:
 * the file holds a hash of the calibration file's text, and a new
 * calibration (a new sensor, or the same one clipped on again) starts
 * afresh.  [analysis] session_accel = false turns it off.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "hipform/calib.h"
#include "hipform/error.h"
#include "hipform/log.h"

#define MEMORY_FILE "session-accel"
#define WRITTEN_TOL 1e-6 /* the file's numbers are rounded to 1e-9 */

uint64_t hfd_text_key(const char *text)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a, 64 bits */

	for (const unsigned char *p = (const unsigned char *)text; p && *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void memory_path(const struct hfd *d, char *path, size_t len)
{
	snprintf(path, len, "%s/" MEMORY_FILE, d->cfg.state_dir);
}

/* The kept file's text: its calibration key and fit, or HF_ERR_FORMAT. */
static int parse_memory(const char *text, uint64_t *key, struct hf_accel_fit_result *res)
{
	const char *k = strstr(text, "calibration_key = ");
	const char *o = strstr(text, "offset_g = ");
	const char *s = strstr(text, "scale = ");

	memset(res, 0, sizeof *res);
	if (!strstr(text, "\nend\n"))
		return HF_ERR_FORMAT; /* cut short */
	if (!k || !o || !s || sscanf(k, "calibration_key = %" SCNx64, key) != 1 ||
	    sscanf(o, "offset_g = %lf %lf %lf", &res->offset_g[0], &res->offset_g[1],
		   &res->offset_g[2]) != 3 ||
	    sscanf(s, "scale = %lf %lf %lf", &res->scale[0], &res->scale[1], &res->scale[2]) != 3)
		return HF_ERR_FORMAT;
	for (int i = 0; i < 3; i++)
		if (!(fabs(res->offset_g[i]) < HF_ACCEL_FIT_MAX_OFFSET_G + WRITTEN_TOL) ||
		    !(fabs(res->scale[i] - 1.0) <= HF_ACCEL_FIT_MAX_SCALE_DEV + WRITTEN_TOL))
			return HF_ERR_FORMAT; /* what finish() would have refused */
	return HF_OK;
}

/* The fit kept for this calibration, if there is one: true and *res. */
static bool read_memory(const struct hfd *d, struct hf_accel_fit_result *res)
{
	char path[HFD_PATH_MAX + 32], text[1024];
	FILE *f;
	size_t n;
	uint64_t key;

	memory_path(d, path, sizeof path);
	f = fopen(path, "re");
	if (!f) {
		if (errno != ENOENT)
			hf_err_log("%s: %s; the accelerometer is learned afresh", path,
				   strerror(errno));
		return false;
	}
	n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	if (parse_memory(text, &key, res) != HF_OK) {
		hf_err_log("%s: not a session accelerometer fit; ignored", path);
		return false;
	}
	return key == d->sess.calib_key;
}

void hfd_accel_begin(struct hfd *d, struct hf_calib *cal)
{
	struct hfd_session *s = &d->sess;
	struct hf_accel_fit_result res;

	s->accel_fit = NULL;
	if (!d->cfg.session_accel || !cal->has_mounting || hf_calib_has_accel(cal))
		return;
	if (read_memory(d, &res)) {
		char note[300];
		hf_calib_adopt_accel(cal, &res);
		snprintf(note, sizeof note, "analysed live with accelerometer offsets %.6f %.6f "
			 "%.6f g and scales %.6f %.6f %.6f, an earlier session's fit "
			 "([analysis] session_accel)", res.offset_g[0], res.offset_g[1],
			 res.offset_g[2], res.scale[0], res.scale[1], res.scale[2]);
		hfd_recording_comment(&s->rec, note);
		hf_notice("session %lld: accelerometer offsets %+.1f %+.1f %+.1f mg, scales "
			  "%.4f %.4f %.4f, as an earlier session fitted them", (long long)s->id,
			1e3 * res.offset_g[0], 1e3 * res.offset_g[1], 1e3 * res.offset_g[2],
			res.scale[0], res.scale[1], res.scale[2]);
	}
	s->accel_fit = malloc(sizeof *s->accel_fit); /* once a session, not per sample */
	if (!s->accel_fit) {
		hf_err_log("session %lld: no memory to fit the accelerometer", (long long)s->id);
		return;
	}
	hf_accel_fit_init(s->accel_fit, cal->gyro_bias_dps);
}

void hfd_accel_sample(struct hfd_session *s, const struct hf_sample *smp)
{
	if (s->accel_fit)
		hf_accel_fit_update(s->accel_fit, smp);
}

/* Write the fit to <state_dir>/session-accel through a temporary file,
 * synced before it replaces the last one, and ended by a line of its own:
 * a full disk, a crash or a power cut leaves the last fit whole, or a file
 * the next session refuses.  False (logged) when it was not written. */
static bool write_memory(struct hfd *d, const struct hf_accel_fit_result *res)
{
	char path[HFD_PATH_MAX + 32], tmp[HFD_PATH_MAX + 40];
	FILE *f;
	int err = 0;

	memory_path(d, path, sizeof path);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f) {
		hf_err_log("cannot write %s: %s; the fit is not kept", tmp, strerror(errno));
		return false;
	}
	fprintf(f, "# hipformd: the accelerometer fitted over the still postures of "
		"session %lld\n# (%d postures, residual %.4f g); read by the next session "
		"with the same calibration\n", (long long)d->sess.id, res->postures,
		res->residual_g);
	fprintf(f, "calibration_key = %016" PRIx64 "\n", d->sess.calib_key);
	fprintf(f, "offset_g = %.9f %.9f %.9f\n", res->offset_g[0], res->offset_g[1],
		res->offset_g[2]);
	fprintf(f, "scale = %.9f %.9f %.9f\nend\n", res->scale[0], res->scale[1],
		res->scale[2]);
	if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0)
		err = errno ? errno : EIO;
	if (fclose(f) != 0 && !err)
		err = errno;
	if (!err && rename(tmp, path) != 0)
		err = errno;
	if (err) {
		hf_err_log("cannot write %s: %s; the fit is not kept", path, strerror(err));
		remove(tmp);
		return false;
	}
	return true;
}

void hfd_accel_end(struct hfd *d)
{
	struct hfd_session *s = &d->sess;
	struct hf_accel_fit_result res;

	if (!s->accel_fit)
		return;
	if (!d->cfg.session_accel) {
		/* turned off by a reload during the session */
	} else if (hf_accel_fit_finish(s->accel_fit, &res) != HF_OK) {
		hf_info("session %lld: the accelerometer could not be fitted over its %d "
			"still postures; a fit kept earlier stays", (long long)s->id,
			res.postures);
	} else if (write_memory(d, &res)) {
		hf_notice("session %lld: accelerometer fitted over %d still postures "
			  "(offsets %+.1f %+.1f %+.1f mg, scales %.4f %.4f %.4f), kept for the "
			  "next session", (long long)s->id, res.postures, 1e3 * res.offset_g[0],
			  1e3 * res.offset_g[1], 1e3 * res.offset_g[2], res.scale[0],
			  res.scale[1], res.scale[2]);
	}
	free(s->accel_fit);
	s->accel_fit = NULL;
}
