/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Decoders: bytes in, samples out, no I/O (contract section 2).
 *
 * A decoder is a byte-at-a-time state machine for one protocol.  It never
 * reads past the buffer it is given, checks length and checksum before using
 * a byte, skips and counts what does not frame, and resynchronises.  Nothing
 * is allocated after hf_decoder_init(): the struct is meant to live on the
 * stack or inside a longer-lived object.
 *
 * Typical use:
 *
 *     struct hf_decoder d;
 *     hf_decoder_init(&d, HF_FORMAT_UNKNOWN, rate_hz);
 *     while ((n = read(fd, buf, sizeof buf)) > 0) {
 *         size_t off = 0;
 *         while (off < n) {
 *             size_t used;
 *             int r = hf_decoder_feed(&d, buf + off, n - off, &used, &s);
 *             off += used;
 *             if (r < 0) fail(hf_decoder_error(&d));
 *             if (r == 1) consume(&s);
 *         }
 *     }
 *     while (hf_decoder_flush(&d, &s) == 1) consume(&s);
 */
#ifndef HIPFORM_DECODER_H
#define HIPFORM_DECODER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hipform/sample.h"

enum hf_format {
	HF_FORMAT_UNKNOWN = 0, /* sniff from the first bytes */
	HF_FORMAT_CSV,
	HF_FORMAT_WITMOTION,
	HF_FORMAT_COUNT
};

/* "csv", "witmotion"; NULL for HF_FORMAT_UNKNOWN. */
const char *hf_format_name(enum hf_format f);
/* HF_FORMAT_UNKNOWN when name is not a format. */
enum hf_format hf_format_from_name(const char *name);

/*
 * Guess the format from the first bytes of a stream.  Returns
 * HF_FORMAT_UNKNOWN when len bytes are not enough to tell (or the bytes
 * are neither format).
 */
enum hf_format hf_format_sniff(const uint8_t *buf, size_t len);

/* Counters, all monotonic (contract section 8 names). */
struct hf_decoder_stats {
	uint64_t samples;       /* samples produced */
	uint64_t bad_lines;     /* CSV: malformed lines skipped */
	uint64_t bad_packets;   /* framed packets whose checksum failed */
	uint64_t skipped_bytes; /* raw: bytes in no good packet and no
				 * counted bad packet (garbage, cut packets) */
	uint64_t gaps;          /* time slots that yielded no sample (raw), or
				 * CSV steps in t_s above 1.5 sample periods */
	uint64_t packets;       /* good packets seen (raw protocols) */
};

#define HF_CSV_MAX_LINE 1024  /* longer lines are bad lines */
#define HF_CSV_RATE_STEPS 15  /* positive t_s steps used to estimate the rate */
#define HF_CSV_MAX_FIELDS (HF_CSV_MAX_LINE / 2 + 1) /* most fields a line holds */
#define HF_SNIFF_MAX 128      /* bytes looked at before giving up sniffing */
/* A CSV comment whose text starts with this marks a break in the input: the
 * sensor was lost there (the daemon writes "# sensor lost (WHY) at t=T s"). */
#define HF_CSV_BREAK_MARK "sensor lost"

/* Internal state below: read the counters and rate_hz, touch nothing else. */

struct hf_csv_state {
	char line[HF_CSV_MAX_LINE + 1]; /* current line, NUL room at the end */
	size_t len;
	bool overlong;          /* the current line did not fit: it is bad */
	bool started;           /* a line was judged (a BOM only comes first) */
	bool have_header;
	int ncols;              /* columns named by the header */
	int col_of[7];          /* column index of t,ax,ay,az,gx,gy,gz */
	signed char kind_of_col[HF_CSV_MAX_FIELDS]; /* inverse: 0..6 or -1 */
	bool have_last_t;
	double last_t_s;
	double period_s;        /* nominal sample period, 0 until known */
	double first_dt_s[HF_CSV_RATE_STEPS]; /* first positive steps */
	int n_first_dt;
};

struct hf_witmotion_state {
	uint8_t pkt[11];        /* the candidate packet being assembled */
	size_t have;            /* bytes of it held */
	uint64_t pkt_pos;       /* stream offset of pkt[0] */
	uint64_t pos;           /* stream offset of the next byte */
	uint64_t covered_until; /* end of the last counted bad packet */
	int last_type;          /* type of the previous grouped packet, -1 */
	uint64_t slot;          /* current packet-group index */
	bool group_open;
	bool have_acc;          /* the current group has a good 0x51 */
	bool yielded;           /* the current group produced its sample */
	double acc_g[3];
	double temperature_c;   /* from the last good 0x51 */
};

struct hf_decoder {
	enum hf_format format;  /* HF_FORMAT_UNKNOWN until sniffed */
	double rate_hz;         /* nominal rate: given, or estimated (CSV) */
	struct hf_decoder_stats stats;
	uint64_t breaks;        /* CSV: break comments read (HF_CSV_BREAK_MARK);
				 * those a feed counts before it returns a
				 * sample came before that sample in the input */
	uint8_t sniff_buf[HF_SNIFF_MAX]; /* bytes held back while sniffing */
	size_t sniff_len;
	size_t replay_pos;      /* held bytes already given to the protocol */
	int error;              /* sticky fatal error (negative hf_err) */
	char errmsg[160];
	union {
		struct hf_csv_state csv;
		struct hf_witmotion_state wit;
	} u;
};

/*
 * Prepare d.  format may be HF_FORMAT_UNKNOWN to sniff.  rate_hz is the
 * nominal sample rate: required (> 0) for raw protocols without
 * timestamps, optional (0) for CSV, where it is estimated.
 * Returns HF_OK or HF_ERR_ARG.
 */
int hf_decoder_init(struct hf_decoder *d, enum hf_format format, double rate_hz);

/*
 * Consume bytes from buf (at most len) until one sample is complete or the
 * bytes run out.  *used is set to the number of bytes consumed.
 * Returns 1 when *out holds a new sample, 0 when all len bytes were
 * consumed without completing one, or a negative hf_err on a fatal input
 * error (a CSV header missing a required column; see hf_decoder_error()).
 */
int hf_decoder_feed(struct hf_decoder *d, const uint8_t *buf, size_t len,
		    size_t *used, struct hf_sample *out);

/*
 * End of stream: completes what can be completed (a last CSV line without
 * a newline, bytes still held for sniffing).  Call until it returns 0.
 * Returns 1 with a sample, 0 when nothing more, or a negative hf_err.
 */
int hf_decoder_flush(struct hf_decoder *d, struct hf_sample *out);

/* The message of the last fatal error, "" when none. */
const char *hf_decoder_error(const struct hf_decoder *d);

#endif
