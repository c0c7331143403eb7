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

struct hfd_recording {
	FILE *f;
	char path[512];
	bool failing;        /* the last write failed (logged once) */
	unsigned long long lines;
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
/* Hand buffered lines to the kernel (a kill -9 then loses nothing). */
void hfd_recording_flush(struct hfd_recording *r);
void hfd_recording_close(struct hfd_recording *r);

#endif
