/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * WitMotion serial protocol, WT901 family (contract section 2).
 *
 * The problem: an endless byte stream of 11-byte packets
 *
 *     0x55, type (0x50..0x5F), four little-endian int16, checksum
 *
 * where the checksum is the low 8 bits of the sum of the first ten bytes.
 * Serial lines and SD cards lose bytes, flip bits and start mid-packet, so
 * the decoder assembles a candidate packet byte by byte in a fixed buffer
 * and only uses it once its type frames and its checksum checks.  When a
 * candidate fails, its first byte is dropped and the bytes after it are
 * scanned again for the next 0x55: that is how it resynchronises after a
 * dropout, whose next packet starts inside the failed candidate.
 *
 * Counting (struct hf_decoder_stats):
 * - packets: good packets.
 * - bad_packets: framed candidates (0x55 + 0x50..0x5F, 11 bytes) whose
 *   checksum fails, except candidates that start inside a bad packet
 *   already counted (those are the rescan, not new packets).
 * - skipped_bytes: bytes in neither a good nor a counted bad packet.
 *
 * Time: there are no timestamps unless 0x50 packets travel, and those
 * carry the sensor's wall clock at 1 ms resolution with no guarantee of
 * being sent at all, so they are deliberately not used: time is
 * slot / rate_hz with the contract's slots.  A slot is a packet group: the
 * packets of one sample in ascending type order; a packet whose type is
 * not above the previous one's starts the next group.  The first group is
 * slot 0 at t = 0 (even when the stream starts inside a group).  A bad
 * packet takes no part in grouping (contract v2): its type byte is not
 * trusted, and line noise that starts with 0x55 right after a good packet
 * must not open a group.  A group whose 0x51 or 0x52 is damaged still
 * keeps its slot, because its other packets (0x53, 0x54, ...) frame it:
 * no sample, one more gap.  Bytes lost outright take their slots with
 * them, and so does a group whose every packet is damaged.
 *
 * A sample is a good 0x51 (acceleration) and the good 0x52 (angular rate)
 * after it in the same group; it is emitted when the 0x52 arrives.
 */
#include <string.h>

#include "hipform/decoder.h"
#include "hipform/error.h"
#include "proto.h"

#define WIT_LEN 11
#define WIT_HEAD 0x55

/* Full scales of the WT901 family (WitMotion protocol manual). */
#define WIT_ACC_G_PER_LSB (16.0 / 32768.0)
#define WIT_GYRO_DPS_PER_LSB (2000.0 / 32768.0)
#define WIT_TEMP_C_PER_LSB 0.01

static bool wit_framed_type(uint8_t type)
{
	return (type & 0xF0) == 0x50;
}

static uint8_t wit_sum(const uint8_t *p)
{
	unsigned s = 0;

	for (int i = 0; i < WIT_LEN - 1; i++)
		s += p[i];
	return (uint8_t)s;
}

static bool wit_checks(const uint8_t *p)
{
	return p[0] == WIT_HEAD && wit_framed_type(p[1]) && wit_sum(p) == p[WIT_LEN - 1];
}

/* The i-th little-endian int16 of a packet's data. */
static int wit_i16(const uint8_t *p, int i)
{
	int v = p[2 + 2 * i] | p[3 + 2 * i] << 8;

	return v >= 32768 ? v - 65536 : v;
}

static void wit_init(struct hf_decoder *d)
{
	d->u.wit.last_type = -1;
}

/* ---- packet groups ---- */

static void wit_group(struct hf_decoder *d, int type)
{
	struct hf_witmotion_state *w = &d->u.wit;

	if (w->group_open && type > w->last_type) {
		w->last_type = type;
		return;
	}
	if (w->group_open) {
		if (!w->yielded)
			d->stats.gaps++;
		w->slot++;
	}
	w->group_open = true;
	w->have_acc = false;
	w->yielded = false;
	w->last_type = type;
}

/* ---- good packets: raw counts become units here and nowhere else ---- */

typedef int (*wit_handler)(struct hf_decoder *d, const uint8_t *p, struct hf_sample *out);

static int wit_on_acc(struct hf_decoder *d, const uint8_t *p, struct hf_sample *out)
{
	struct hf_witmotion_state *w = &d->u.wit;

	for (int i = 0; i < 3; i++)
		w->acc_g[i] = wit_i16(p, i) * WIT_ACC_G_PER_LSB;
	w->temperature_c = wit_i16(p, 3) * WIT_TEMP_C_PER_LSB;
	w->have_acc = true;
	return 0;
}

static int wit_on_gyro(struct hf_decoder *d, const uint8_t *p, struct hf_sample *out)
{
	struct hf_witmotion_state *w = &d->u.wit;

	if (!w->have_acc || w->yielded)
		return 0;
	out->t_s = (double)w->slot / d->rate_hz;
	for (int i = 0; i < 3; i++) {
		out->acc_g[i] = w->acc_g[i];
		out->gyro_dps[i] = wit_i16(p, i) * WIT_GYRO_DPS_PER_LSB;
	}
	w->yielded = true;
	d->stats.samples++;
	return 1;
}

/* By the low nibble of the type; 0x50 time, 0x53 angle, 0x54 magnetic
 * field, 0x59 quaternion and the rest only take part in grouping. */
static const wit_handler wit_handlers[16] = {
	[0x1] = wit_on_acc,
	[0x2] = wit_on_gyro,
};

static int wit_good(struct hf_decoder *d, const uint8_t *p, struct hf_sample *out)
{
	wit_handler h = wit_handlers[p[1] & 0x0F];

	d->stats.packets++;
	wit_group(d, p[1]);
	return h ? h(d, p, out) : 0;
}

/* ---- failures and resynchronisation ---- */

static void wit_skip(struct hf_decoder *d, uint64_t pos, uint64_t n)
{
	uint64_t from = pos > d->u.wit.covered_until ? pos : d->u.wit.covered_until;

	if (pos + n > from)
		d->stats.skipped_bytes += pos + n - from;
}

static void wit_bad(struct hf_decoder *d)
{
	struct hf_witmotion_state *w = &d->u.wit;

	if (w->pkt_pos < w->covered_until)
		return; /* inside a bad packet already counted */
	d->stats.bad_packets++;
	w->covered_until = w->pkt_pos + WIT_LEN;
}

static int wit_push(struct hf_decoder *d, uint8_t b, uint64_t pos, struct hf_sample *out);

/* Drop the candidate's first byte and scan the rest again. */
static void wit_reject(struct hf_decoder *d, struct hf_sample *out)
{
	struct hf_witmotion_state *w = &d->u.wit;
	uint8_t rest[WIT_LEN - 1];
	size_t n = w->have - 1;
	uint64_t pos = w->pkt_pos;

	memcpy(rest, w->pkt + 1, n);
	wit_skip(d, pos, 1);
	w->have = 0;
	/* fewer than WIT_LEN bytes: this never completes a packet */
	for (size_t i = 0; i < n; i++)
		wit_push(d, rest[i], pos + 1 + i, out);
}

/* One byte at stream offset pos; returns 1 when it completes a sample. */
static int wit_push(struct hf_decoder *d, uint8_t b, uint64_t pos, struct hf_sample *out)
{
	struct hf_witmotion_state *w = &d->u.wit;

	if (w->have == 0) {
		if (b != WIT_HEAD) {
			wit_skip(d, pos, 1);
			return 0;
		}
		w->pkt_pos = pos;
	}
	w->pkt[w->have++] = b;
	if (w->have == 2 && !wit_framed_type(b)) {
		wit_reject(d, out);
		return 0;
	}
	if (w->have < WIT_LEN)
		return 0;
	if (wit_sum(w->pkt) == w->pkt[WIT_LEN - 1]) {
		w->have = 0;
		return wit_good(d, w->pkt, out);
	}
	wit_bad(d);
	wit_reject(d, out);
	return 0;
}

/* ---- feeding ---- */

/*
 * Between packets, skip to the next 0x55 at once and take a whole packet
 * straight from the caller's buffer when it is there and checks; anything
 * else goes byte by byte through wit_push().
 */
static int wit_feed(struct hf_decoder *d, const uint8_t *buf, size_t len, size_t *used,
		    struct hf_sample *out)
{
	struct hf_witmotion_state *w = &d->u.wit;
	size_t i = 0;
	int r = 0;

	while (i < len && r == 0) {
		if (w->have == 0) {
			const uint8_t *h = memchr(buf + i, WIT_HEAD, len - i);
			size_t n = h ? (size_t)(h - (buf + i)) : len - i;

			wit_skip(d, w->pos, n);
			w->pos += n;
			i += n;
			if (len - i >= WIT_LEN && wit_checks(buf + i)) {
				w->pos += WIT_LEN;
				i += WIT_LEN;
				r = wit_good(d, buf + i - WIT_LEN, out);
				continue;
			}
			if (i == len)
				break;
		}
		r = wit_push(d, buf[i++], w->pos++, out);
	}
	*used = i;
	return r;
}

static int wit_flush(struct hf_decoder *d, struct hf_sample *out)
{
	struct hf_witmotion_state *w = &d->u.wit;

	if (w->have > 0) /* a packet cut short by the end of the stream */
		wit_skip(d, w->pkt_pos, w->have);
	w->have = 0;
	if (w->group_open && !w->yielded)
		d->stats.gaps++;
	w->group_open = false;
	return 0;
}

/* ---- sniffing: two checked packets back to back, anywhere ---- */

static enum hf_sniff wit_sniff(const uint8_t *buf, size_t len, bool final)
{
	for (size_t i = 0; i + 2 * WIT_LEN <= len; i++)
		if (wit_checks(buf + i) && wit_checks(buf + i + WIT_LEN))
			return HF_SNIFF_YES;
	return final ? HF_SNIFF_NO : HF_SNIFF_MAYBE;
}

const struct hf_proto_ops hf_proto_witmotion = {
	.name = "witmotion",
	.title = "WitMotion",
	.needs_rate = true,
	.init = wit_init,
	.sniff = wit_sniff,
	.feed = wit_feed,
	.flush = wit_flush,
};
