/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The raw recording of a session in the contract CSV, so `hipform analyze`
 * can re-analyse it and get the daemon's result.
 */
#ifndef HIPFORMD_RECORDING_H
#define HIPFORMD_RECORDING_H

#include <stdbool.h>
#include <stdio.h>

#include "hipform/sample.h"

#define HFD_REC_BUF_BYTES 65536

struct hfd_recording {
	bool open;
	int fd;
	char path[512];
	bool failing;        /* the last write failed (logged once) */
	unsigned long long lines;
	long long size;      /* bytes of complete lines in the file */
	/* samples lost while the disk refused them, marked at the next write */
	unsigned long long lost;
	double lost_from_t_s, lost_to_t_s;
	int lost_errno;
	size_t buf_len;      /* lines not yet written */
	double buf_first_t_s, buf_last_t_s;
	unsigned long long buf_samples;
	char buf[HFD_REC_BUF_BYTES];
};

/*
 * Round a sample to what its CSV line says, so that the value analysed
 * live is the value a re-analysis reads (out may alias in).
 */
void hfd_recording_round(const struct hf_sample *in, struct hf_sample *out);

/* Create path (its directory must exist) with a comment and the header.
 * HF_OK or HF_ERR_SYS (logged). */
int hfd_recording_open(struct hfd_recording *r, const char *path, const char *comment);
/* Append one sample (buffered). */
void hfd_recording_write(struct hfd_recording *r, const struct hf_sample *s);
/* Append a comment line ("# ..."), ignored by the CSV decoder. */
void hfd_recording_comment(struct hfd_recording *r, const char *text);
/*
 * Hand buffered lines to the kernel (a kill -9 then loses nothing).  When
 * the disk refuses them (full), the file is cut back to its last complete
 * line and the lines are dropped (logged once); the first write that
 * succeeds again starts with a comment line saying which samples are
 * missing, and is logged as "writing again".
 */
void hfd_recording_flush(struct hfd_recording *r);
void hfd_recording_close(struct hfd_recording *r);

#endif
