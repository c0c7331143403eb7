/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal interface between the decoder front end (decoder.c) and the
 * protocols (csv.c, witmotion.c).  A protocol is one const table row of
 * struct hf_proto_ops; adding a protocol means one new row in decoder.c.
 */
#ifndef HIPFORM_PROTO_H
#define HIPFORM_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hipform/decoder.h"

/* What a protocol can tell from the first bytes of a stream. */
enum hf_sniff {
	HF_SNIFF_NO = 0, /* these bytes are not this protocol */
	HF_SNIFF_MAYBE,  /* not enough bytes to tell */
	HF_SNIFF_YES,    /* these bytes are this protocol */
};

struct hf_proto_ops {
	const char *name;   /* as on the command line (--format) */
	const char *title;  /* as in messages */
	bool needs_rate;    /* no timestamps in the stream: rate_hz required */
	/* Reset the protocol's part of d (d->rate_hz is already set). */
	void (*init)(struct hf_decoder *d);
	/*
	 * Judge the first len bytes of a stream; final: no more bytes will
	 * come.  Must not read past buf[len - 1].
	 */
	enum hf_sniff (*sniff)(const uint8_t *buf, size_t len, bool final);
	/* Same contract as hf_decoder_feed() / hf_decoder_flush(). */
	int (*feed)(struct hf_decoder *d, const uint8_t *buf, size_t len,
		    size_t *used, struct hf_sample *out);
	int (*flush)(struct hf_decoder *d, struct hf_sample *out);
};

extern const struct hf_proto_ops hf_proto_csv;
extern const struct hf_proto_ops hf_proto_witmotion;

/*
 * Record a fatal error in d (sticky: every later feed/flush returns it)
 * with a printf-style message for hf_decoder_error().  Returns err.
 */
int hf_decoder_fail(struct hf_decoder *d, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
