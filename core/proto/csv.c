/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * CSV recordings (contract section 2).
 *
 * The problem: a text file written by people and by other programs.  Lines
 * may end in LF or CRLF, the file may start with a UTF-8 byte-order mark,
 * '#' lines are comments and blank lines mean nothing, except that a
 * comment starting with HF_CSV_BREAK_MARK ("# sensor lost ...") is counted
 * in d->breaks: the input was interrupted there.  The first other
 * line is the header; it names the seven columns we need in any order,
 * among any others.  Every later line is one sample, or a bad line:
 * wrong field count, a required field that is not a finite decimal number
 * (hex, inf and nan are not: the contract's fields are decimal), a t_s
 * below the previous good line's, or a line longer than HF_CSV_MAX_LINE.
 * Bad lines are skipped and counted, never fatal.  A header without a
 * required column is fatal: nothing after it can be read.
 *
 * Bytes are gathered into a fixed line buffer (the caller's buffer may end
 * anywhere, even inside CRLF or the BOM) and a line is judged when its
 * '\n' arrives, or at flush for a last line without one.
 *
 * The sample period is 1/rate_hz when the caller gives a rate.  Otherwise
 * it is the median of the first HF_CSV_RATE_STEPS positive steps of t_s
 * (robust to a few gaps or jitter among them); gaps among those first steps
 * are counted once the period is known, and d->rate_hz is set then.  A gap
 * is a step longer than 1.5 periods.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hipform/decoder.h"
#include "hipform/error.h"
#include "proto.h"
#include "text_number.h"

enum { CSV_T, CSV_AX, CSV_AY, CSV_AZ, CSV_GX, CSV_GY, CSV_GZ, CSV_NREQ };

static const char *const csv_required[CSV_NREQ] = {
	[CSV_T] = "t_s",
	[CSV_AX] = "ax_g", [CSV_AY] = "ay_g", [CSV_AZ] = "az_g",
	[CSV_GX] = "gx_dps", [CSV_GY] = "gy_dps", [CSV_GZ] = "gz_dps",
};

#define CSV_GAP_PERIODS 1.5 /* contract section 8 */

static const char csv_bom[3] = {(char)0xEF, (char)0xBB, (char)0xBF};

static bool csv_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Trim spaces (and one pair of double quotes) around [*b, *e). */
static void csv_trim(const char **b, const char **e)
{
	while (*b < *e && csv_is_space(**b))
		(*b)++;
	while (*e > *b && csv_is_space((*e)[-1]))
		(*e)--;
	if (*e - *b >= 2 && **b == '"' && (*e)[-1] == '"') {
		(*b)++;
		(*e)--;
	}
}

static void csv_init(struct hf_decoder *d)
{
	struct hf_csv_state *c = &d->u.csv;

	for (int k = 0; k < CSV_NREQ; k++)
		c->col_of[k] = -1;
	memset(c->kind_of_col, -1, sizeof c->kind_of_col);
	c->period_s = d->rate_hz > 0.0 ? 1.0 / d->rate_hz : 0.0;
}

/* ---- sample period and gaps ---- */

static double csv_median(const double *v, int n)
{
	double s[HF_CSV_RATE_STEPS];

	for (int i = 0; i < n; i++) { /* insertion sort, n <= 15 */
		int j = i;
		for (; j > 0 && s[j - 1] > v[i]; j--)
			s[j] = s[j - 1];
		s[j] = v[i];
	}
	return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

/* The period is now known: count the gaps among the steps kept so far. */
static void csv_set_period(struct hf_decoder *d)
{
	struct hf_csv_state *c = &d->u.csv;

	c->period_s = csv_median(c->first_dt_s, c->n_first_dt);
	if (!(d->rate_hz > 0.0))
		d->rate_hz = 1.0 / c->period_s;
	for (int i = 0; i < c->n_first_dt; i++)
		if (c->first_dt_s[i] > CSV_GAP_PERIODS * c->period_s)
			d->stats.gaps++;
}

static void csv_step(struct hf_decoder *d, double t_s)
{
	struct hf_csv_state *c = &d->u.csv;
	double dt = t_s - c->last_t_s;

	if (c->have_last_t && c->period_s > 0.0) {
		if (dt > CSV_GAP_PERIODS * c->period_s)
			d->stats.gaps++;
	} else if (c->have_last_t && dt > 0.0) {
		c->first_dt_s[c->n_first_dt++] = dt;
		if (c->n_first_dt == HF_CSV_RATE_STEPS)
			csv_set_period(d);
	}
	c->last_t_s = t_s;
	c->have_last_t = true;
}

/* ---- header ---- */

/* Fail naming every required column the header lacks; 0 when none. */
static int csv_check_columns(struct hf_decoder *d)
{
	struct hf_csv_state *c = &d->u.csv;
	char missing[96] = "";
	int n_missing = 0;

	for (int k = 0; k < CSV_NREQ; k++) {
		size_t at = strlen(missing);
		if (c->col_of[k] >= 0)
			continue;
		snprintf(missing + at, sizeof missing - at, "%s'%s'", n_missing++ ? ", " : "",
			 csv_required[k]);
	}
	if (n_missing == 0)
		return 0;
	return hf_decoder_fail(d, HF_ERR_FORMAT, "CSV header lacks required column%s %s",
			       n_missing > 1 ? "s" : "", missing);
}

static int csv_header(struct hf_decoder *d, const char *s, const char *end)
{
	struct hf_csv_state *c = &d->u.csv;
	int col = 0, r;

	for (const char *f = s;; col++) {
		const char *fe = memchr(f, ',', (size_t)(end - f));
		const char *b = f, *e = fe ? fe : end;

		csv_trim(&b, &e);
		for (int k = 0; k < CSV_NREQ; k++)
			if (c->col_of[k] < 0 && strlen(csv_required[k]) == (size_t)(e - b) &&
			    memcmp(b, csv_required[k], (size_t)(e - b)) == 0)
				c->col_of[k] = col;
		if (!fe)
			break;
		f = fe + 1;
	}
	c->ncols = col + 1;
	if ((r = csv_check_columns(d)) < 0)
		return r;
	for (int k = 0; k < CSV_NREQ; k++)
		c->kind_of_col[c->col_of[k]] = (signed char)k;
	c->have_header = true;
	return 0;
}

/* ---- data lines ---- */

/* A required field: a finite number and nothing else but spaces. */
static bool csv_number(char *b, char *e, double *v)
{
	const char *tb = b, *te = e;

	csv_trim(&tb, &te);
	if (tb == te)
		return false;
	b[te - b] = '\0'; /* ends the field in place: the line buffer has room */
	return hf_text_number(tb, te, v) && isfinite(*v);
}

static int csv_data(struct hf_decoder *d, char *s, char *end, struct hf_sample *out)
{
	struct hf_csv_state *c = &d->u.csv;
	double v[CSV_NREQ];
	int col = 0;

	for (char *f = s;; col++) {
		char *fe = memchr(f, ',', (size_t)(end - f));
		char *e = fe ? fe : end;
		int k = col < HF_CSV_MAX_FIELDS ? c->kind_of_col[col] : -1;

		if (k >= 0 && !csv_number(f, e, &v[k]))
			goto bad;
		if (!fe)
			break;
		f = fe + 1;
	}
	if (col + 1 != c->ncols || (c->have_last_t && v[CSV_T] < c->last_t_s))
		goto bad;
	csv_step(d, v[CSV_T]);
	out->t_s = v[CSV_T];
	for (int i = 0; i < 3; i++) {
		out->acc_g[i] = v[CSV_AX + i];
		out->gyro_dps[i] = v[CSV_GX + i];
	}
	d->stats.samples++;
	return 1;
bad:
	d->stats.bad_lines++;
	return 0;
}

/* A comment line, text [b, end): only a break mark means anything. */
static int csv_comment(struct hf_decoder *d, const char *b, const char *end)
{
	size_t n = strlen(HF_CSV_BREAK_MARK);

	while (b < end && csv_is_space(*b))
		b++;
	if ((size_t)(end - b) >= n && memcmp(b, HF_CSV_BREAK_MARK, n) == 0)
		d->breaks++;
	return 0;
}

/* Judge the gathered line; returns 1 with a sample, 0, or a fatal hf_err. */
static int csv_line(struct hf_decoder *d, struct hf_sample *out)
{
	struct hf_csv_state *c = &d->u.csv;
	char *s = c->line, *end = c->line + c->len;
	bool overlong = c->overlong;

	c->len = 0;
	c->overlong = false;
	if (!c->started && end - s >= 3 && memcmp(s, csv_bom, 3) == 0)
		s += 3;
	c->started = true;
	if (end > s && end[-1] == '\r')
		end--;
	*end = '\0';
	const char *b = s;
	while (b < end && csv_is_space(*b))
		b++;
	if (*b == '#')
		return csv_comment(d, b + 1, end);
	if (b == end && !overlong)
		return 0; /* blank line */
	if (overlong && !c->have_header)
		return hf_decoder_fail(d, HF_ERR_FORMAT, "CSV header line is longer than %d bytes",
				       HF_CSV_MAX_LINE);
	if (overlong) {
		d->stats.bad_lines++;
		return 0;
	}
	if (!c->have_header)
		return csv_header(d, s, end);
	return csv_data(d, s, end, out);
}

static void csv_append(struct hf_csv_state *c, const uint8_t *p, size_t n)
{
	size_t room = HF_CSV_MAX_LINE - c->len;

	if (n > room) {
		n = room;
		c->overlong = true;
	}
	memcpy(c->line + c->len, p, n);
	c->len += n;
}

static int csv_feed(struct hf_decoder *d, const uint8_t *buf, size_t len, size_t *used,
		    struct hf_sample *out)
{
	struct hf_csv_state *c = &d->u.csv;
	size_t i = 0;

	while (i < len) {
		const uint8_t *nl = memchr(buf + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (buf + i)) : len - i;

		csv_append(c, buf + i, n);
		i += n;
		if (!nl)
			break;
		i++; /* the '\n' */
		int r = csv_line(d, out);
		if (r != 0) {
			*used = i;
			return r;
		}
	}
	*used = len;
	return 0;
}

static int csv_flush(struct hf_decoder *d, struct hf_sample *out)
{
	struct hf_csv_state *c = &d->u.csv;

	if (c->len > 0 || c->overlong) { /* a last line without '\n' */
		int r = csv_line(d, out);
		if (r != 0)
			return r;
	}
	if (!c->have_header)
		return hf_decoder_fail(d, HF_ERR_FORMAT, "CSV input has no header line");
	if (!(c->period_s > 0.0) && c->n_first_dt > 0)
		csv_set_period(d);
	return 0;
}

/* ---- sniffing ---- */

static bool csv_text_byte(uint8_t b)
{
	return b >= 0x20 ? b != 0x7F : (b == '\t' || b == '\n' || b == '\r');
}

/* Does the header line [b, e) (complete when line_done) name t_s? */
static enum hf_sniff csv_sniff_header(const uint8_t *b, const uint8_t *e, bool line_done)
{
	for (const uint8_t *f = b; f < e;) {
		const uint8_t *fe = memchr(f, ',', (size_t)(e - f));
		const char *tb = (const char *)f, *te = (const char *)(fe ? fe : e);

		if (!fe && !line_done)
			return HF_SNIFF_MAYBE; /* the field may go on */
		csv_trim(&tb, &te);
		if (te - tb == 3 && memcmp(tb, "t_s", 3) == 0)
			return HF_SNIFF_YES;
		if (!fe)
			break;
		f = fe + 1;
	}
	return line_done ? HF_SNIFF_NO : HF_SNIFF_MAYBE;
}

static bool csv_text(const uint8_t *b, const uint8_t *e)
{
	for (; b < e; b++)
		if (!csv_text_byte(*b))
			return false;
	return true;
}

/*
 * CSV when the first line that is not blank is text and a comment, or a
 * header naming t_s.  Only the bytes up to the end of that line are judged,
 * so the answer does not change as more bytes arrive.
 */
static enum hf_sniff csv_sniff(const uint8_t *buf, size_t len, bool final)
{
	const uint8_t *p = buf, *end = buf + len;

	if (len >= 3 && memcmp(buf, csv_bom, 3) == 0)
		p += 3;
	while (p < end) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
		const uint8_t *le = nl ? nl : end;
		const uint8_t *b = p;

		if (!csv_text(p, le))
			return HF_SNIFF_NO;
		while (b < le && csv_is_space((char)*b))
			b++;
		if (b < le && *b == '#')
			return HF_SNIFF_YES; /* text that starts with a comment */
		if (b < le)
			return csv_sniff_header(b, le, nl || final);
		if (!nl)
			break;
		p = nl + 1; /* blank line */
	}
	return final ? HF_SNIFF_NO : HF_SNIFF_MAYBE;
}

const struct hf_proto_ops hf_proto_csv = {
	.name = "csv",
	.title = "CSV",
	.needs_rate = false,
	.init = csv_init,
	.sniff = csv_sniff,
	.feed = csv_feed,
	.flush = csv_flush,
};
