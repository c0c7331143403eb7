/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Decoder front end: picks a protocol, sniffs when asked to, and forwards
 * bytes (contract section 2).
 *
 * Protocols are rows of one const table, indexed by enum hf_format.  When
 * the format is not given, the first bytes are held back in d->sniff_buf
 * and every protocol judges them; the first that says "yes" wins and the
 * held bytes are replayed into it before any new byte.  When nobody has
 * said yes after HF_SNIFF_MAX bytes (or at the end of the stream) the
 * decoder fails with HF_ERR_FORMAT and tells the user to name the format.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hipform/decoder.h"
#include "hipform/error.h"
#include "proto.h"

static const struct hf_proto_ops *const protocols[HF_FORMAT_COUNT] = {
	[HF_FORMAT_CSV] = &hf_proto_csv,
	[HF_FORMAT_WITMOTION] = &hf_proto_witmotion,
};

static const struct hf_proto_ops *proto_of(enum hf_format f)
{
	if ((int)f <= (int)HF_FORMAT_UNKNOWN || f >= HF_FORMAT_COUNT)
		return NULL;
	return protocols[f];
}

const char *hf_format_name(enum hf_format f)
{
	const struct hf_proto_ops *p = proto_of(f);

	return p ? p->name : NULL;
}

enum hf_format hf_format_from_name(const char *name)
{
	for (int f = HF_FORMAT_UNKNOWN + 1; name && f < HF_FORMAT_COUNT; f++)
		if (protocols[f] && strcmp(protocols[f]->name, name) == 0)
			return (enum hf_format)f;
	return HF_FORMAT_UNKNOWN;
}

static enum hf_format sniff(const uint8_t *buf, size_t len, bool final)
{
	for (int f = HF_FORMAT_UNKNOWN + 1; f < HF_FORMAT_COUNT; f++)
		if (protocols[f] && protocols[f]->sniff(buf, len, final) == HF_SNIFF_YES)
			return (enum hf_format)f;
	return HF_FORMAT_UNKNOWN;
}

enum hf_format hf_format_sniff(const uint8_t *buf, size_t len)
{
	if (!buf)
		return HF_FORMAT_UNKNOWN;
	return sniff(buf, len, false);
}

int hf_decoder_fail(struct hf_decoder *d, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->errmsg, sizeof d->errmsg, fmt, ap);
	va_end(ap);
	d->error = err;
	return err;
}

/*
 * Make f the decoder's protocol; fails when it needs a rate and has none:
 * HF_ERR_ARG when the caller named the format (a caller bug, as the header
 * says), HF_ERR_FORMAT when the input turned out to be such a protocol.
 */
static int select_format(struct hf_decoder *d, enum hf_format f, bool sniffed)
{
	const struct hf_proto_ops *p = proto_of(f);

	d->format = f;
	if (p->needs_rate && !(d->rate_hz > 0.0))
		return hf_decoder_fail(d, sniffed ? HF_ERR_FORMAT : HF_ERR_ARG,
				       "a raw %s capture carries no timestamps: give its sample rate (--rate HZ)",
				       p->title);
	memset(&d->u, 0, sizeof d->u);
	p->init(d);
	return HF_OK;
}

int hf_decoder_init(struct hf_decoder *d, enum hf_format format, double rate_hz)
{
	if (!d)
		return HF_ERR_ARG;
	memset(d, 0, sizeof *d);
	if (isnan(rate_hz) || rate_hz < 0.0 || isinf(rate_hz))
		return hf_decoder_fail(d, HF_ERR_ARG, "invalid sample rate %g Hz", rate_hz);
	if ((int)format < (int)HF_FORMAT_UNKNOWN || format >= HF_FORMAT_COUNT)
		return hf_decoder_fail(d, HF_ERR_ARG, "unknown input format %d", (int)format);
	d->rate_hz = rate_hz;
	if (format == HF_FORMAT_UNKNOWN)
		return HF_OK;
	return select_format(d, format, false);
}

/* Decide the format from the held bytes, if they are enough. */
static int sniff_held(struct hf_decoder *d, bool final)
{
	enum hf_format f = sniff(d->sniff_buf, d->sniff_len, final);

	if (f != HF_FORMAT_UNKNOWN)
		return select_format(d, f, true);
	if (final || d->sniff_len == sizeof d->sniff_buf)
		return hf_decoder_fail(d, HF_ERR_FORMAT,
				       "cannot tell the input format from its first bytes; use --format");
	return HF_OK;
}

/* Give the bytes held while sniffing to the protocol, one sample at most. */
static int replay_held(struct hf_decoder *d, struct hf_sample *out)
{
	while (d->replay_pos < d->sniff_len) {
		size_t used = 0;
		int r = protocols[d->format]->feed(d, d->sniff_buf + d->replay_pos,
						   d->sniff_len - d->replay_pos, &used, out);
		d->replay_pos += used;
		if (r != 0)
			return r;
	}
	return 0;
}

int hf_decoder_feed(struct hf_decoder *d, const uint8_t *buf, size_t len,
		    size_t *used, struct hf_sample *out)
{
	size_t taken = 0, u = 0;
	int r;

	if (used)
		*used = 0;
	if (!d || !used || !out || (!buf && len > 0))
		return HF_ERR_ARG;
	if (d->error)
		return d->error;
	if (d->format == HF_FORMAT_UNKNOWN) {
		taken = sizeof d->sniff_buf - d->sniff_len;
		if (taken > len)
			taken = len;
		if (taken > 0)
			memcpy(d->sniff_buf + d->sniff_len, buf, taken);
		d->sniff_len += taken;
		*used = taken;
		r = sniff_held(d, false);
		if (r < 0 || d->format == HF_FORMAT_UNKNOWN)
			return r;
	}
	r = replay_held(d, out);
	if (r != 0)
		return r;
	if (len == taken)
		return 0;
	r = protocols[d->format]->feed(d, buf + taken, len - taken, &u, out);
	*used = taken + u;
	return r;
}

int hf_decoder_flush(struct hf_decoder *d, struct hf_sample *out)
{
	int r;

	if (!d || !out)
		return HF_ERR_ARG;
	if (d->error)
		return d->error;
	if (d->format == HF_FORMAT_UNKNOWN && (r = sniff_held(d, true)) < 0)
		return r;
	r = replay_held(d, out);
	if (r != 0)
		return r;
	return protocols[d->format]->flush(d, out);
}

const char *hf_decoder_error(const struct hf_decoder *d)
{
	return d && d->error ? d->errmsg : "";
}
