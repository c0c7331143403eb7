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
 * Lines are buffered here and flushed by the caller at least once a
 * second and at every set end; a kill -9 loses at most the unflushed tail,
 * and a partial last line is skipped by the CSV decoder.  A write error
 * (full disk) is logged once and the daemon carries on: the file is cut
 * back to its last complete line and the buffered samples are dropped.
 * Only when a write succeeds again is that logged, and the file then says
 * in a comment line which samples are missing (a gap the CSV decoder
 * counts).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hipform/error.h"
#include "hipform/log.h"
#include "recording.h"

#define REC_FMT "%.9g"

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

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : ENOSPC;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void cut_back(struct hfd_recording *r, long long size)
{
	r->size = size;
	if (ftruncate(r->fd, (off_t)size) != 0 || lseek(r->fd, (off_t)size, SEEK_SET) != (off_t)size)
		hf_err_log("recording %s: cannot cut back a partial line: %s", r->path,
			   strerror(errno));
}

/* Append text to the file as whole lines: on failure cut the file back to
 * its last complete line (so no line is ever garbled).  0 or an errno. */
static int append(struct hfd_recording *r, const char *text, size_t len)
{
	int err = write_all(r->fd, text, len);

	if (err == 0) {
		r->size += (long long)len;
		return 0;
	}
	cut_back(r, r->size);
	return err;
}

int hfd_recording_open(struct hfd_recording *r, const char *path, const char *comment)
{
	char head[600];
	struct stat st;
	int n;

	memset(r, 0, sizeof *r);
	snprintf(r->path, sizeof r->path, "%s", path);
	r->fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0640);
	if (r->fd < 0 || fstat(r->fd, &st) != 0 ||
	    lseek(r->fd, st.st_size, SEEK_SET) != st.st_size) {
		hf_err_log("recording %s: %s (the session goes on unrecorded)", path,
			   strerror(errno));
		if (r->fd >= 0)
			close(r->fd);
		return HF_ERR_SYS;
	}
	r->open = true;
	r->size = (long long)st.st_size;
	if (r->size == 0) {
		n = snprintf(head, sizeof head, "# %s\nt_s,ax_g,ay_g,az_g,gx_dps,gy_dps,gz_dps\n",
			     comment);
		if (append(r, head, (size_t)n) != 0) {
			hf_err_log("recording %s: %s (the session goes on unrecorded)", path,
				   strerror(errno));
			close(r->fd);
			r->open = false;
			return HF_ERR_SYS;
		}
	}
	return HF_OK;
}

static void buffer_line(struct hfd_recording *r, const char *line, size_t len)
{
	if (r->buf_len + len > sizeof r->buf)
		hfd_recording_flush(r);
	if (len > sizeof r->buf - r->buf_len)
		return; /* cannot happen: lines are short */
	memcpy(r->buf + r->buf_len, line, len);
	r->buf_len += len;
}

void hfd_recording_write(struct hfd_recording *r, const struct hf_sample *s)
{
	char line[256];
	int n;

	if (!r->open)
		return;
	n = snprintf(line, sizeof line, REC_FMT "," REC_FMT "," REC_FMT "," REC_FMT "," REC_FMT
		     "," REC_FMT "," REC_FMT "\n", s->t_s, s->acc_g[0], s->acc_g[1], s->acc_g[2],
		     s->gyro_dps[0], s->gyro_dps[1], s->gyro_dps[2]);
	if (n <= 0 || (size_t)n >= sizeof line)
		return;
	if (r->buf_len + (size_t)n > sizeof r->buf)
		hfd_recording_flush(r);
	if (r->buf_samples == 0)
		r->buf_first_t_s = s->t_s;
	r->buf_last_t_s = s->t_s;
	r->buf_samples++;
	buffer_line(r, line, (size_t)n);
	r->lines++;
}

void hfd_recording_comment(struct hfd_recording *r, const char *text)
{
	char line[600];
	int n;

	if (!r->open)
		return;
	n = snprintf(line, sizeof line, "# %s\n", text);
	if (n > 0 && (size_t)n < sizeof line)
		buffer_line(r, line, (size_t)n);
}

/* Before the first lines after a failure: which samples are missing. */
static int write_gap_comment(struct hfd_recording *r)
{
	char line[300];
	int n = snprintf(line, sizeof line, "# recording gap: %llu samples from t=%.3f s to "
			 "t=%.3f s were not written (%s); the live analysis saw them\n",
			 r->lost, r->lost_from_t_s, r->lost_to_t_s, strerror(r->lost_errno));

	return append(r, line, (size_t)n);
}

static void drop_buffer(struct hfd_recording *r, int err)
{
	if (!r->failing)
		hf_err_log("recording %s: write failed: %s (analysis goes on; samples are "
			   "missing from the recording until the disk takes them again)",
			   r->path, strerror(err));
	if (r->buf_samples > 0) {
		if (r->lost == 0)
			r->lost_from_t_s = r->buf_first_t_s;
		r->lost_to_t_s = r->buf_last_t_s;
		r->lost += r->buf_samples;
		r->lost_errno = err;
	}
	r->failing = true;
}

void hfd_recording_flush(struct hfd_recording *r)
{
	long long size_before = r->size;
	int err = 0;

	if (!r->open || (r->buf_len == 0 && r->lost == 0))
		return;
	if (r->lost > 0) /* tried also with nothing new: the gap gets marked */
		err = write_gap_comment(r);
	if (err == 0)
		err = append(r, r->buf, r->buf_len);
	if (err != 0 && r->size != size_before)
		cut_back(r, size_before); /* the gap comment goes with what follows it */
	if (err != 0) {
		drop_buffer(r, err);
	} else if (r->failing || r->lost) {
		hf_notice("recording %s: writing again (%llu samples from t=%.3f s to t=%.3f s "
			  "are missing, marked by a comment line)", r->path, r->lost,
			  r->lost_from_t_s, r->lost_to_t_s);
		r->failing = false;
		r->lost = 0;
	}
	r->buf_len = 0;
	r->buf_samples = 0;
}

void hfd_recording_close(struct hfd_recording *r)
{
	if (!r->open)
		return;
	hfd_recording_flush(r);
	if (r->failing)
		hf_err_log("recording %s: closed with %llu samples (t=%.3f..%.3f s) not written",
			   r->path, r->lost, r->lost_from_t_s, r->lost_to_t_s);
	close(r->fd);
	r->open = false;
}
