/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Session recordings in the contract CSV (t_s,ax_g,ay_g,az_g,gx_dps,gy_dps,
 * gz_dps).
 *
 * The problem: the daemon's set summary must equal `hipform analyze` of the
 * recording, so the recording must hold exactly the samples the analyser
 * was fed.  A decoded WitMotion value (raw / 2048 g, say) needs up to 17
 * significant digits, and %.9g rounds it.  So each sample is first rounded
 * through its own text (print %.9g, parse back with strtod, which is
 * correctly rounded) and that rounded sample is both written and analysed:
 * the live and the offline analysis then see bit-identical numbers.
 *
 * Lines are buffered in stdio and flushed by the caller at least once a
 * second and at every set end; a kill -9 loses at most the unflushed tail,
 * and a partial last line is skipped by the CSV decoder.  A write error
 * (full disk) is logged once and the daemon carries on; writing resumes
 * when the disk accepts it again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hipform/error.h"
#include "hipform/log.h"
#include "recording.h"

#define REC_FMT "%.9g"
#define REC_BUF_BYTES 65536

static double round_text(double v)
{
	char buf[40];

	snprintf(buf, sizeof buf, REC_FMT, v);
	return strtod(buf, NULL);
}

void hfd_recording_round(const struct hf_sample *in, struct hf_sample *out)
{
	out->t_s = round_text(in->t_s);
	for (int i = 0; i < 3; i++) {
		out->acc_g[i] = round_text(in->acc_g[i]);
		out->gyro_dps[i] = round_text(in->gyro_dps[i]);
	}
}

int hfd_recording_open(struct hfd_recording *r, const char *path, const char *comment)
{
	memset(r, 0, sizeof *r);
	snprintf(r->path, sizeof r->path, "%s", path);
	r->f = fopen(path, "ae");
	if (!r->f) {
		hf_err_log("recording %s: %s (the session goes on unrecorded)", path,
			   strerror(errno));
		return HF_ERR_SYS;
	}
	setvbuf(r->f, NULL, _IOFBF, REC_BUF_BYTES);
	if (ftell(r->f) == 0) {
		fprintf(r->f, "# %s\n", comment);
		fprintf(r->f, "t_s,ax_g,ay_g,az_g,gx_dps,gy_dps,gz_dps\n");
	}
	hfd_recording_flush(r);
	return HF_OK;
}

void hfd_recording_write(struct hfd_recording *r, const struct hf_sample *s)
{
	if (!r->f)
		return;
	fprintf(r->f, REC_FMT "," REC_FMT "," REC_FMT "," REC_FMT "," REC_FMT "," REC_FMT
		"," REC_FMT "\n", s->t_s, s->acc_g[0], s->acc_g[1], s->acc_g[2],
		s->gyro_dps[0], s->gyro_dps[1], s->gyro_dps[2]);
	r->lines++;
}

void hfd_recording_comment(struct hfd_recording *r, const char *text)
{
	if (r->f)
		fprintf(r->f, "# %s\n", text);
}

void hfd_recording_flush(struct hfd_recording *r)
{
	if (!r->f)
		return;
	if (fflush(r->f) == 0 && !ferror(r->f)) {
		if (r->failing)
			hf_notice("recording %s: writing again", r->path);
		r->failing = false;
		return;
	}
	if (!r->failing)
		hf_err_log("recording %s: write failed: %s (analysis goes on; "
			   "samples may be missing from the recording)", r->path,
			   strerror(errno));
	r->failing = true;
	clearerr(r->f);
}

void hfd_recording_close(struct hfd_recording *r)
{
	if (!r->f)
		return;
	hfd_recording_flush(r);
	fclose(r->f);
	r->f = NULL;
}
