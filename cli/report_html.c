/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The HTML of `hipform report` (report_html.h).
 *
 * Plots are inline SVG with a viewBox, so they scale to the page width (a
 * phone's too) and print sharp.  Colours are the Okabe-Ito palette, safe
 * for the common colour-vision deficiencies; nothing is told by colour
 * alone: fault marks carry a letter, series differ by shape and dash too,
 * and every plot has a legend and axis labels with units.  Each plot is
 * followed by the same figures as a table where it matters, for screen
 * readers and for printing in black and white.
 */
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report_html.h"

/* Okabe & Ito (2008), "Color Universal Design". */
#define C_BLUE "#0072B2"
#define C_ORANGE "#E69F00"
#define C_SKY "#56B4E9"
#define C_GREEN "#009E73"
#define C_VERMILLION "#D55E00"
#define C_PURPLE "#CC79A7"
#define C_GREY "#777777"

#define HF_DEG "\xc2\xb0"
#define PLOT_W 720.0
#define TRACE_MARGIN_S 1.0    /* trace shown this long before/after a set */
#define HOLD_BAND_DEG 5.0     /* section 9: sag/pike beyond +-5 deg */
#define PLANK_TARGET_S 30.0   /* section 5: short_hold of holds below 30 s */
#define MAX_EXERCISES 32

/* ---- small helpers ---- */

static void out(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out(FILE *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
}

/* Text with &, <, >, " escaped. */
static void esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

static json_object *jget(json_object *o, const char *key)
{
	json_object *v;

	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static double jnum(json_object *o, const char *key)
{
	json_object *v = jget(o, key);

	if (!v || !(json_object_is_type(v, json_type_double) ||
		    json_object_is_type(v, json_type_int)))
		return NAN;
	return json_object_get_double(v);
}

static const char *jstr(json_object *o, const char *key)
{
	json_object *v = jget(o, key);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static size_t jlen(json_object *arr)
{
	return arr && json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
}

static json_object *jidx(json_object *arr, size_t i)
{
	return json_object_array_get_idx(arr, i);
}

static const char *exercise_title(const char *name)
{
	const struct hf_exercise_info *e = name ? hf_exercise_info(hf_exercise_from_name(name)) : NULL;

	return e ? e->title : (name ? name : "Exercise");
}

/* A letter per fault for marks (told apart without colour). */
static char fault_letter(const char *code)
{
	static const struct { const char *code; char letter; } letters[] = {
		{"short_hold", 'H'}, {"shallow", 'S'}, {"hip_drop", 'D'},
		{"pelvis_rollback", 'R'}, {"rushed", 'F'}, {"sag", 'G'},
		{"pike", 'P'}, {"anterior_tilt", 'T'}, {"pelvic_drop", 'O'},
	};

	for (size_t i = 0; i < sizeof letters / sizeof letters[0]; i++)
		if (code && strcmp(code, letters[i].code) == 0)
			return letters[i].letter;
	return '?';
}

/* "short hold" for short_hold, into buf. */
static const char *fault_words(const char *code, char *buf, size_t len)
{
	snprintf(buf, len, "%s", code ? code : "fault");
	for (char *p = buf; *p; p++)
		if (*p == '_')
			*p = ' ';
	return buf;
}

/* ---- plots ---- */

struct plot {
	FILE *f;
	double w, h;            /* viewBox */
	double ml, mr, mt, mb;  /* margins */
	double x0, x1, y0, y1;  /* data range */
	bool whole_x, whole_y;  /* counts: ticks at whole numbers only */
};

static double px(const struct plot *p, double x)
{
	return p->ml + (x - p->x0) / (p->x1 - p->x0) * (p->w - p->ml - p->mr);
}

static double py(const struct plot *p, double y)
{
	return p->h - p->mb - (y - p->y0) / (p->y1 - p->y0) * (p->h - p->mt - p->mb);
}

static double nice_step(double range, int n)
{
	double raw = range / n, mag, norm;

	if (!(raw > 0.0))
		return 1.0;
	mag = pow(10.0, floor(log10(raw)));
	norm = raw / mag;
	return (norm < 1.5 ? 1.0 : norm < 3.0 ? 2.0 : norm < 7.0 ? 5.0 : 10.0) * mag;
}

static void plot_range(struct plot *p, double h, double x0, double x1, double y0, double y1);

static void plot_init(struct plot *p, FILE *f, double h, double x0, double x1, double y0,
		      double y1)
{
	memset(p, 0, sizeof *p);
	p->f = f;
	p->w = PLOT_W;
	plot_range(p, h, x0, x1, y0, y1);
}

static void plot_range(struct plot *p, double h, double x0, double x1, double y0, double y1)
{
	p->h = h;
	p->ml = 56.0;
	p->mr = 12.0;
	p->mt = 26.0;
	p->mb = 40.0;
	p->x0 = x0;
	p->x1 = x1 > x0 ? x1 : x0 + 1.0;
	p->y0 = y0;
	p->y1 = y1 > y0 ? y1 : y0 + 1.0;
}

static void plot_open(const struct plot *p, const char *cls, const char *label)
{
	out(p->f, "<svg class=\"plot plot-%s\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"",
	    cls, p->w, p->h);
	esc(p->f, label);
	out(p->f, "\" xmlns=\"http://www.w3.org/2000/svg\">\n");
}

static void axis_y(const struct plot *p, const char *label)
{
	double step = nice_step(p->y1 - p->y0, 5);

	if (p->whole_y)
		step = fmax(step, 1.0);

	for (double v = ceil(p->y0 / step) * step; v <= p->y1 + 1e-9; v += step) {
		out(p->f, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>",
		    p->ml, p->w - p->mr, py(p, v), py(p, v));
		out(p->f, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n",
		    p->ml - 4.0, py(p, v) + 4.0, fabs(v) < 1e-9 ? 0.0 : v);
	}
	out(p->f, "<text class=\"axis-label\" transform=\"translate(14 %.1f) rotate(-90)\" "
		  "text-anchor=\"middle\">", (p->mt + p->h - p->mb) / 2.0);
	esc(p->f, label);
	out(p->f, "</text>\n");
}

static void axis_x(const struct plot *p, const char *label)
{
	double step = nice_step(p->x1 - p->x0, 8);

	if (p->whole_x)
		step = fmax(step, 1.0);

	for (double v = ceil(p->x0 / step) * step; v <= p->x1 + 1e-9; v += step) {
		double x = px(p, v);

		out(p->f, "<line class=\"tickmark\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>",
		    x, x, p->h - p->mb, p->h - p->mb + 4.0);
		out(p->f, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%g</text>\n",
		    x, p->h - p->mb + 16.0, fabs(v) < 1e-9 ? 0.0 : v);
	}
	out(p->f, "<line class=\"axis\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>\n",
	    p->ml, p->w - p->mr, p->h - p->mb, p->h - p->mb);
	out(p->f, "<text class=\"axis-label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
	    (p->ml + p->w - p->mr) / 2.0, p->h - 6.0);
	esc(p->f, label);
	out(p->f, "</text>\n");
}

/* A legend row above the plot area: swatches drawn by the caller's
 * style string ("line:#hex:dash", "rect:#hex", "mark"). */
static void legend(const struct plot *p, const char *const *items, int n)
{
	double x = p->ml, y = 12.0;

	for (int i = 0; i < n; i++) {
		const char *style = items[2 * i], *text = items[2 * i + 1];
		double width = 30.0 + 6.2 * (double)strlen(text);
		char color[16] = C_GREY;
		const char *c = strchr(style, ':');

		if (x > p->ml && x + width > p->w) {
			x = p->ml;
			y += 16.0;
		}
		if (c)
			snprintf(color, sizeof color, "%.7s", c + 1);
		if (strncmp(style, "line", 4) == 0)
			out(p->f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
				  "stroke-width=\"2.5\"%s/>", x, x + 18.0, y, y, color,
			    strstr(style, ":dash") ? " stroke-dasharray=\"5 3\"" : "");
		else if (strncmp(style, "mark", 4) == 0)
			out(p->f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"6\" fill=\"" C_VERMILLION "\"/>"
				  "<text x=\"%.1f\" y=\"%.1f\" class=\"mark-letter\" "
				  "text-anchor=\"middle\">!</text>", x + 9.0, y, x + 9.0, y + 3.5);
		else
			out(p->f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"18\" height=\"12\" fill=\"%s\" "
				  "fill-opacity=\"0.35\" stroke=\"%s\"/>", x, y - 6.0, color, color);
		out(p->f, "<text class=\"legend\" x=\"%.1f\" y=\"%.1f\">", x + 22.0, y + 4.0);
		esc(p->f, text);
		out(p->f, "</text>\n");
		x += width;
	}
}

static void plot_close(const struct plot *p)
{
	out(p->f, "</svg>\n");
}

/* ---- one set of reps ---- */

struct rep_view {
	double start_s, peak_s, end_s, excursion_deg, hold_s, rise_s, lower_s;
	json_object *faults;
};

static void rep_view(json_object *r, struct rep_view *v)
{
	v->start_s = jnum(r, "start_s");
	v->peak_s = jnum(r, "peak_s");
	v->end_s = jnum(r, "end_s");
	v->excursion_deg = jnum(r, "excursion_deg");
	v->hold_s = jnum(r, "hold_s");
	v->rise_s = jnum(r, "rise_s");
	v->lower_s = jnum(r, "lower_s");
	v->faults = jget(r, "faults");
}

static void fault_list(FILE *f, json_object *faults)
{
	for (size_t k = 0; k < jlen(faults); k++) {
		out(f, "%s", k ? " " : "");
		esc(f, json_object_get_string(jidx(faults, k)));
	}
}

/* Marks for a rep's faults, stacked upwards from (x, y). */
static void fault_marks(FILE *f, int set_no, int rep_no, json_object *faults, double x, double y)
{
	char words[40];

	for (size_t k = 0; k < jlen(faults); k++) {
		const char *code = json_object_get_string(jidx(faults, k));
		double cy = y - 8.0 - 15.0 * (double)k;

		out(f, "<g class=\"fault-mark\" data-set=\"%d\" data-rep=\"%d\" data-fault=\"",
		    set_no, rep_no);
		esc(f, code);
		out(f, "\"><title>rep %d: ", rep_no);
		esc(f, fault_words(code, words, sizeof words));
		out(f, "</title><circle cx=\"%.1f\" cy=\"%.1f\" r=\"7\" fill=\"" C_VERMILLION "\"/>"
		       "<text class=\"mark-letter\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%c</text></g>\n",
		    x, cy, x, cy + 3.5, fault_letter(code));
	}
}

static double max_faults(json_object *reps)
{
	size_t m = 0;

	for (size_t i = 0; i < jlen(reps); i++)
		if (jlen(jget(jidx(reps, i), "faults")) > m)
			m = jlen(jget(jidx(reps, i), "faults"));
	return (double)m;
}

static void trace_line(const struct plot *p, const struct hf_html_trace *tr)
{
	bool open = false;

	for (size_t i = 0; i < tr->n; i++) {
		double t = tr->t_s[i], e = tr->e_deg[i];

		if (t < p->x0 || t > p->x1 || !isfinite(e))
			continue;
		if (e < p->y0)
			e = p->y0;
		if (e > p->y1)
			e = p->y1;
		if (!open)
			out(p->f, "<polyline class=\"trace\" points=\"");
		out(p->f, "%.1f,%.1f ", px(p, t), py(p, e));
		open = true;
	}
	if (open)
		out(p->f, "\"/>\n");
}

/* The trace's range of e within [x0, x1], widened by the reps' peaks. */
static void trace_range(const struct hf_html_trace *tr, double x0, double x1, json_object *reps,
			double *lo, double *hi)
{
	*lo = 0.0;
	*hi = 5.0;
	for (size_t i = 0; i < tr->n; i++) {
		if (tr->t_s[i] < x0 || tr->t_s[i] > x1 || !isfinite(tr->e_deg[i]))
			continue;
		*lo = fmin(*lo, tr->e_deg[i]);
		*hi = fmax(*hi, tr->e_deg[i]);
	}
	for (size_t i = 0; i < jlen(reps); i++) {
		double e = jnum(jidx(reps, i), "excursion_deg");

		if (isfinite(e))
			*hi = fmax(*hi, e);
	}
}

/* Rep boundaries, the hold band (90 % of the peak up to the peak, over
 * the time held) and the hold target from the first 90 % instant. */
static void trace_rep(const struct plot *p, int set_no, int rep_no, const struct rep_view *r,
		      double hold_target_s)
{
	double h0 = r->start_s + r->rise_s, h1 = r->end_s - r->lower_s;
	double top = py(p, r->excursion_deg), low = py(p, 0.9 * r->excursion_deg);

	out(p->f, "<g class=\"rep\" data-set=\"%d\" data-rep=\"%d\" data-faults=\"", set_no, rep_no);
	fault_list(p->f, r->faults);
	out(p->f, "\">");
	out(p->f, "<rect class=\"rep-span\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
	    px(p, r->start_s), p->mt, px(p, r->end_s) - px(p, r->start_s), p->h - p->mt - p->mb);
	out(p->f, "<line class=\"rep-edge\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>"
		  "<line class=\"rep-edge\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>",
	    px(p, r->start_s), px(p, r->start_s), p->mt, p->h - p->mb,
	    px(p, r->end_s), px(p, r->end_s), p->mt, p->h - p->mb);
	if (isfinite(h0) && isfinite(h1) && h1 >= h0)
		out(p->f, "<rect class=\"hold-band\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
		    px(p, h0), top, fmax(px(p, h1) - px(p, h0), 1.0), fmax(low - top, 1.0));
	if (isfinite(h0))
		out(p->f, "<line class=\"hold-target\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>",
		    px(p, h0), px(p, fmin(h0 + hold_target_s, p->x1)), low + 3.0, low + 3.0);
	out(p->f, "<text class=\"rep-no\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text>",
	    (px(p, r->start_s) + px(p, r->end_s)) / 2.0, p->h - p->mb - 4.0, rep_no);
	out(p->f, "</g>\n");
}

static void trace_plot(FILE *f, const struct hf_html_doc *d, json_object *set, int set_no)
{
	json_object *reps = jget(set, "reps");
	double x0 = jnum(set, "start_s") - TRACE_MARGIN_S, x1 = jnum(set, "end_s") + TRACE_MARGIN_S;
	double lo, hi, marks = max_faults(reps);
	static const char *const items[] = {
		"line:" C_BLUE, "excursion e(t)", "rect:" C_SKY, "held (90-100 % of peak)",
		"line:" C_ORANGE ":dash", "hold target", "mark", "fault (letter: see key)",
	};
	struct plot p = {0};

	trace_range(&d->trace, x0, x1, reps, &lo, &hi);
	plot_init(&p, f, 280.0, x0, x1, lo, hi * (1.08 + 0.12 * marks));
	p.mt = 30.0;
	plot_open(&p, "trace", "excursion over time with rep boundaries, holds and faults");
	legend(&p, items, 4);
	axis_y(&p, "excursion e (" HF_DEG ")");
	axis_x(&p, "time in the recording (s)");
	for (size_t i = 0; i < jlen(reps); i++) {
		struct rep_view r;

		rep_view(jidx(reps, i), &r);
		trace_rep(&p, set_no, (int)i + 1, &r, d->th.hold_target_s);
	}
	trace_line(&p, &d->trace);
	for (size_t i = 0; i < jlen(reps); i++) {
		struct rep_view r;

		rep_view(jidx(reps, i), &r);
		fault_marks(f, set_no, (int)i + 1, r.faults, px(&p, r.peak_s),
			    py(&p, r.excursion_deg) - 2.0);
	}
	plot_close(&p);
}

/* Bars of one figure per rep against a target line; mark_set > 0: the
 * faults of each rep marked above its bar (when there is no trace). */
static void rep_bars(FILE *f, json_object *reps, const char *key, const char *ylabel,
		     double target, const char *target_text, const char *cls, int mark_set)
{
	size_t n = jlen(reps);
	double hi = target * 1.25;
	const char *items[] = {"rect:" C_BLUE, ylabel, "line:" C_ORANGE ":dash", target_text};
	struct plot p = {0};

	for (size_t i = 0; i < n; i++)
		if (isfinite(jnum(jidx(reps, i), key)))
			hi = fmax(hi, jnum(jidx(reps, i), key) * 1.1);
	p.f = f;
	p.w = PLOT_W / 2.0;
	plot_range(&p, 230.0, 0.5, (double)n + 0.5, 0.0, hi * (mark_set > 0 ? 1.0 + 0.15 * max_faults(reps) : 1.0));
	p.mt = 44.0;
	plot_open(&p, cls, ylabel);
	legend(&p, items, 2);
	axis_y(&p, ylabel);
	for (size_t i = 0; i < n; i++) {
		double v = jnum(jidx(reps, i), key), x = px(&p, (double)i + 1.0);
		double bw = fmin(40.0, 0.6 * (px(&p, 1.0) - px(&p, 0.0)));

		if (!isfinite(v))
			continue;
		out(f, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">"
		       "<title>rep %zu: %.2f</title></rect>\n",
		    x - bw / 2.0, py(&p, v), bw, py(&p, 0.0) - py(&p, v), i + 1, v);
		out(f, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%zu</text>\n",
		    x, p.h - p.mb + 16.0, i + 1);
		if (mark_set > 0)
			fault_marks(f, mark_set, (int)i + 1, jget(jidx(reps, i), "faults"), x, py(&p, v));
	}
	out(f, "<line class=\"target\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>\n", p.ml,
	    p.w - p.mr, py(&p, target), py(&p, target));
	out(f, "<line class=\"axis\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>\n", p.ml,
	    p.w - p.mr, py(&p, 0.0), py(&p, 0.0));
	out(f, "<text class=\"axis-label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">rep</text>\n",
	    (p.ml + p.w - p.mr) / 2.0, p.h - 6.0);
	plot_close(&p);
}

static void rep_table(FILE *f, json_object *reps)
{
	out(f, "<table class=\"reps\"><thead><tr><th>rep</th><th>excursion (" HF_DEG ")</th>"
	       "<th>hold (s)</th><th>rise (s)</th><th>lower (s)</th><th>faults</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < jlen(reps); i++) {
		struct rep_view r;
		char words[40];

		rep_view(jidx(reps, i), &r);
		out(f, "<tr><td>%zu</td><td>%.1f</td><td>%.1f</td><td>%.1f</td><td>%.1f</td><td>",
		    i + 1, r.excursion_deg, r.hold_s, r.rise_s, r.lower_s);
		for (size_t k = 0; k < jlen(r.faults); k++) {
			const char *code = json_object_get_string(jidx(r.faults, k));

			out(f, "%s<span class=\"fault\">%c</span> ", k ? ", " : "", fault_letter(code));
			esc(f, fault_words(code, words, sizeof words));
		}
		out(f, "%s</td></tr>\n", jlen(r.faults) ? "" : "good");
	}
	out(f, "</tbody></table>\n");
}

static void reps_set(FILE *f, const struct hf_html_doc *d, json_object *set, int set_no)
{
	json_object *reps = jget(set, "reps");
	const char *ex = jstr(set, "exercise");
	bool clam = ex && strcmp(ex, "clam_shell") == 0;
	char text[64];

	if (d->trace.n > 0) {
		/* at phone width the trace keeps a readable size and scrolls */
		out(f, "<div class=\"scroll\">\n");
		trace_plot(f, d, set, set_no);
		out(f, "</div>\n");
	}
	else
		out(f, "<p class=\"note\">No excursion trace: this session's recording was not "
		       "re-analysed (give the recording to <code>hipform report FILE</code> to see it).</p>\n");
	if (jlen(reps) == 0)
		return;
	out(f, "<div class=\"pair\">\n");
	snprintf(text, sizeof text, clam ? "pelvis roll limit %.0f" HF_DEG : "target %.0f" HF_DEG " or more",
		 clam ? d->th.rollback_deg : d->th.shallow_deg);
	rep_bars(f, reps, "excursion_deg", "excursion (" HF_DEG ")",
		 clam ? d->th.rollback_deg : d->th.shallow_deg, text, "bars-excursion",
		 d->trace.n > 0 ? 0 : set_no);
	snprintf(text, sizeof text, "target %.1f s", d->th.hold_target_s);
	rep_bars(f, reps, "hold_s", "hold (s)", d->th.hold_target_s, text, "bars-hold", 0);
	out(f, "</div>\n");
	rep_table(f, reps);
}

/* ---- other kinds (contract sections 9-11) ---- */

/* Elevation change over the hold's core: its range against the +-5 deg band. */
static void hold_set(FILE *f, json_object *set)
{
	json_object *h = jget(set, "hold");
	double lo = jnum(h, "min_elevation_change_deg"), hi = jnum(h, "max_elevation_change_deg");
	double lim = fmax(10.0, fmax(fabs(lo), fabs(hi)) * 1.2);
	const char *items[] = {"rect:" C_GREEN, "within 5" HF_DEG " of the start",
			       "rect:" C_BLUE, "range of elevation change"};
	struct plot p = {0};

	if (!h) {
		out(f, "<p class=\"note\">This hold has no figures in the summary.</p>\n");
		return;
	}
	plot_init(&p, f, 150.0, -lim, lim, 0.0, 1.0);
	plot_open(&p, "hold", "elevation change over the hold against the 5 degree band");
	legend(&p, items, 2);
	out(f, "<rect class=\"band\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>\n",
	    px(&p, -HOLD_BAND_DEG), py(&p, 1.0), px(&p, HOLD_BAND_DEG) - px(&p, -HOLD_BAND_DEG),
	    py(&p, 0.0) - py(&p, 1.0));
	if (isfinite(lo) && isfinite(hi))
		out(f, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>\n",
		    px(&p, lo), py(&p, 0.7), fmax(px(&p, hi) - px(&p, lo), 2.0), py(&p, 0.3) - py(&p, 0.7));
	axis_x(&p, "elevation change from the start of the hold (" HF_DEG "; - sag, + pike)");
	plot_close(&p);
	out(f, "<p>Held %.1f s (target %.0f s); sagging %.1f s, piking %.1f s; rotation up to %.1f" HF_DEG
	       "; tremor %.1f Hz, %.2f" HF_DEG ". Faults: ", jnum(h, "hold_s"), PLANK_TARGET_S,
	    jnum(h, "sag_s"), jnum(h, "pike_s"), jnum(h, "max_abs_rotation_deg"),
	    jnum(h, "tremor_hz"), jnum(h, "tremor_deg"));
	fault_list(f, jget(h, "faults"));
	out(f, "%s.</p>\n", jlen(jget(h, "faults")) ? "" : "none");
}

/* Two bars, left and right, of a per-foot figure. */
static void side_bars(FILE *f, json_object *pair, const char *label, const char *cls)
{
	double l = jnum(pair, "left"), r = jnum(pair, "right");
	double hi = fmax(1.0, fmax(isfinite(l) ? l : 0.0, isfinite(r) ? r : 0.0) * 1.2);
	struct plot p = {0};

	plot_init(&p, f, 170.0, 0.0, hi, 0.0, 2.0);
	p.ml = 70.0;
	plot_open(&p, cls, label);
	if (isfinite(l))
		out(f, "<rect class=\"bar left\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
		    p.ml, py(&p, 1.85), px(&p, l) - p.ml, py(&p, 1.15) - py(&p, 1.85));
	if (isfinite(r))
		out(f, "<rect class=\"bar right\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
		    p.ml, py(&p, 0.85), px(&p, r) - p.ml, py(&p, 0.15) - py(&p, 0.85));
	out(f, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">left foot</text>"
	       "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">right foot</text>\n",
	    p.ml - 4.0, py(&p, 1.5) + 4.0, p.ml - 4.0, py(&p, 0.5) + 4.0);
	axis_x(&p, label);
	plot_close(&p);
}

static void gait_set(FILE *f, json_object *set)
{
	out(f, "<p>%.0f steps at %.0f steps/min; obliquity range %.1f" HF_DEG ", rotation range %.1f"
	       HF_DEG ", vertical oscillation %.1f cm.</p>\n", jnum(set, "steps"),
	    jnum(set, "cadence_spm"), jnum(set, "obliquity_range_deg"),
	    jnum(set, "rotation_range_deg"), jnum(set, "vertical_oscillation_cm"));
	side_bars(f, jget(set, "pelvic_drop_deg"), "pelvic drop (" HF_DEG ")", "gait-drop");
	side_bars(f, jget(set, "step_time_s"), "step time (s)", "gait-step");
}

static void steps_set(FILE *f, json_object *set, int set_no)
{
	json_object *cycles = jget(set, "cycles");
	size_t n = jlen(cycles);
	double hi = 5.0;
	struct plot p = {0};

	out(f, "<p>%.0f cycles at %.0f cycles/min.</p>\n", jnum(set, "steps"), jnum(set, "cadence_cpm"));
	if (n == 0)
		return;
	for (size_t i = 0; i < n; i++)
		hi = fmax(hi, jnum(jidx(cycles, i), "obliquity_range_deg") * 1.3);
	plot_init(&p, f, 200.0, 0.5, (double)n + 0.5, 0.0, hi);
	plot_open(&p, "bars-cycles", "obliquity range per side-walk cycle");
	axis_y(&p, "obliquity range (" HF_DEG ")");
	for (size_t i = 0; i < n; i++) {
		json_object *c = jidx(cycles, i);
		double v = jnum(c, "obliquity_range_deg"), x = px(&p, (double)i + 1.0);

		out(f, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>\n",
		    x - 8.0, py(&p, v), 16.0, py(&p, 0.0) - py(&p, v));
		fault_marks(f, set_no, (int)i + 1, jget(c, "faults"), x, py(&p, v));
	}
	out(f, "<text class=\"axis-label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">cycle</text>\n",
	    (p.ml + p.w - p.mr) / 2.0, p.h - 6.0);
	plot_close(&p);
}

/* ---- the page ---- */

static const char css[] =
	"body{font:16px/1.45 system-ui,sans-serif;margin:0 auto;max-width:760px;padding:0 12px;color:#111;background:#fff}"
	"h1{font-size:1.5em;margin:.6em 0 .1em}h2{font-size:1.2em;margin:1.4em 0 .3em;border-top:1px solid #ccc;padding-top:.6em}"
	"p.sub,p.note{color:#444;margin:.2em 0}"
	"svg.plot{width:100%;height:auto;display:block;margin:.4em 0;overflow:visible}"
	"svg text{font:12px system-ui,sans-serif;fill:#222}"
	".grid{stroke:#e4e4e4}.axis,.tickmark{stroke:#444}.axis-label{font-weight:600}"
	".trace{fill:none;stroke:" C_BLUE ";stroke-width:1.8}"
	".rep-span{fill:#f2f2f2}.rep-edge{stroke:" C_GREY ";stroke-dasharray:2 3}"
	".rep-no{fill:#555}"
	".hold-band{fill:" C_SKY ";fill-opacity:.35;stroke:" C_SKY "}"
	".hold-target,.target{stroke:" C_ORANGE ";stroke-width:2.5;stroke-dasharray:5 3}"
	".drop{fill:none;stroke-width:2}.drop.left{stroke:" C_BLUE "}.drop.right{stroke:" C_ORANGE ";stroke-dasharray:5 3}"
	".drop-mark.left{fill:" C_BLUE "}.drop-mark.right{fill:" C_ORANGE "}"
	".bar{fill:" C_BLUE "}.bar.right{fill:" C_ORANGE "}.band{fill:" C_GREEN ";fill-opacity:.25}"
	".mark-letter{font:bold 10px system-ui,sans-serif;fill:#fff}"
	".fault{display:inline-block;background:" C_VERMILLION ";color:#fff;border-radius:50%;width:1.3em;"
	"text-align:center;font-size:.8em;font-weight:bold}"
	".pair{display:grid;grid-template-columns:1fr 1fr;gap:8px}"
	".scroll{overflow-x:auto}"
	"@media (max-width:560px){.pair{grid-template-columns:1fr}svg.plot-trace{min-width:640px}}"
	"table{border-collapse:collapse;font-size:.9em;margin:.4em 0;width:100%}"
	"th,td{border-bottom:1px solid #ddd;padding:2px 6px;text-align:right}"
	"th:last-child,td:last-child{text-align:left}"
	"dl.key{display:grid;grid-template-columns:auto 1fr;gap:2px 8px;font-size:.9em}"
	"@media print{body{max-width:none}section,svg.plot,table{break-inside:avoid}h2{break-after:avoid}}";

static void page_open(FILE *f, const char *title, const char *subtitle)
{
	out(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	       "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
	       "<meta name=\"generator\" content=\"hipform report\">\n<title>");
	esc(f, title);
	out(f, "</title>\n<style>%s</style>\n</head><body>\n<h1>", css);
	esc(f, title);
	out(f, "</h1>\n");
	if (subtitle) {
		out(f, "<p class=\"sub\">");
		esc(f, subtitle);
		out(f, "</p>\n");
	}
}

static void fault_key(FILE *f)
{
	static const char *const codes[] = {
		"short_hold", "shallow", "hip_drop", "pelvis_rollback", "rushed",
		"sag", "pike", "anterior_tilt", "pelvic_drop",
	};
	char words[40];

	out(f, "<h2>Key to the fault marks</h2>\n<dl class=\"key\">");
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		out(f, "<dt><span class=\"fault\">%c</span></dt><dd>%s</dd>", fault_letter(codes[i]),
		    fault_words(codes[i], words, sizeof words));
	out(f, "</dl>\n");
}

static void page_close(FILE *f)
{
	out(f, "<p class=\"note\">Made by hipform report. Angles are of the pelvis, from a "
	       "hip-worn motion sensor.</p>\n</body></html>\n");
}

static int set_reps(json_object *set, int *faults, double *hold_sum)
{
	json_object *reps = jget(set, "reps");

	for (size_t i = 0; i < jlen(reps); i++) {
		*faults += (int)jlen(jget(jidx(reps, i), "faults"));
		*hold_sum += isfinite(jnum(jidx(reps, i), "hold_s")) ? jnum(jidx(reps, i), "hold_s") : 0.0;
	}
	return (int)jlen(reps);
}

static void set_heading(FILE *f, json_object *set, int set_no)
{
	const char *ex = jstr(set, "exercise"), *kind = jstr(set, "kind"), *side = jstr(set, "side");
	int faults = 0, n;
	double hold_sum = 0.0;

	n = set_reps(set, &faults, &hold_sum);
	out(f, "<section class=\"set\" data-set=\"%d\" data-exercise=\"", set_no);
	esc(f, ex ? ex : "unknown");
	out(f, "\" data-kind=\"");
	esc(f, kind ? kind : "reps");
	out(f, "\" data-reps=\"%d\">\n<h2>Set %d: ", n, set_no);
	esc(f, exercise_title(ex));
	if (side) {
		out(f, " (");
		esc(f, side);
		out(f, ")");
	}
	out(f, "</h2>\n<p class=\"sub\">%.0f to %.0f s", jnum(set, "start_s"), jnum(set, "end_s"));
	if (n > 0)
		out(f, "; %d rep%s, mean hold %.1f s, %d fault%s", n, n == 1 ? "" : "s",
		    hold_sum / n, faults, faults == 1 ? "" : "s");
	out(f, "</p>\n");
}

static void compliance(FILE *f, json_object *blocks)
{
	if (jlen(blocks) == 0)
		return;
	out(f, "<h2>Program</h2>\n<table class=\"compliance\"><thead><tr><th>block</th>"
	       "<th>exercise</th><th>side</th><th>complete</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < jlen(blocks); i++) {
		json_object *b = jidx(blocks, i);
		json_object *c = jget(b, "complete");

		out(f, "<tr><td>%zu</td><td>", i + 1);
		esc(f, exercise_title(jstr(b, "exercise")));
		out(f, "</td><td>");
		esc(f, jstr(b, "side") ? jstr(b, "side") : "");
		out(f, "</td><td>%s</td></tr>\n", c && json_object_get_boolean(c) ? "yes" : "no");
	}
	out(f, "</tbody></table>\n");
}

int hf_html_report(FILE *f, const struct hf_html_doc *d)
{
	json_object *sets = jget(d->summary, "sets");

	page_open(f, d->title, d->subtitle);
	if (jlen(sets) == 0)
		out(f, "<p class=\"note\">No exercise sets found.</p>\n");
	compliance(f, jget(d->summary, "compliance"));
	for (size_t i = 0; i < jlen(sets); i++) {
		json_object *set = jidx(sets, i);
		const char *kind = jstr(set, "kind") ? jstr(set, "kind") : "reps";

		set_heading(f, set, (int)i + 1);
		if (strcmp(kind, "hold") == 0)
			hold_set(f, set);
		else if (strcmp(kind, "gait") == 0)
			gait_set(f, set);
		else if (strcmp(kind, "steps") == 0)
			steps_set(f, set, (int)i + 1);
		else if (strcmp(kind, "passes") == 0)
			out(f, "<p>%.0f passes, one every %.1f s.</p>\n", jnum(set, "passes"),
			    jnum(set, "pass_period_s"));
		else
			reps_set(f, d, set, (int)i + 1);
		out(f, "</section>\n");
	}
	if (jlen(sets) > 0)
		fault_key(f);
	page_close(f);
	return ferror(f) ? -1 : 0;
}

/* ---- the weeks view ---- */

struct ex_stats {
	char name[32];
	int reps, faults, holds;
	double hold_sum_s;
};

struct weeks {
	struct ex_stats ex[MAX_EXERCISES];
	int n_ex;
	int *per_day;       /* sessions started per day, days of them */
	int days;
	time_t first_day;   /* midnight UTC of the first day */
};

static time_t iso_time(const char *iso)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	if (!iso || !strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm))
		return (time_t)-1;
	return timegm(&tm);
}

static struct ex_stats *ex_stats(struct weeks *w, const char *name)
{
	for (int i = 0; i < w->n_ex; i++)
		if (strcmp(w->ex[i].name, name) == 0)
			return &w->ex[i];
	if (w->n_ex == MAX_EXERCISES)
		return NULL;
	snprintf(w->ex[w->n_ex].name, sizeof w->ex[0].name, "%s", name);
	return &w->ex[w->n_ex++];
}

static void weeks_add_set(struct weeks *w, json_object *set)
{
	const char *name = jstr(set, "exercise");
	struct ex_stats *s = ex_stats(w, name ? name : "unknown");
	json_object *hold = jget(set, "hold");

	if (!s)
		return;
	if (hold) {
		s->holds++;
		s->hold_sum_s += isfinite(jnum(hold, "hold_s")) ? jnum(hold, "hold_s") : 0.0;
		s->faults += (int)jlen(jget(hold, "faults"));
		return;
	}
	for (size_t i = 0; i < jlen(jget(set, "reps")); i++) {
		json_object *r = jidx(jget(set, "reps"), i);

		s->reps++;
		s->holds++;
		s->hold_sum_s += isfinite(jnum(r, "hold_s")) ? jnum(r, "hold_s") : 0.0;
		s->faults += (int)jlen(jget(r, "faults"));
	}
}

static void weeks_collect(struct weeks *w, json_object *sessions)
{
	for (size_t i = 0; i < jlen(sessions); i++) {
		json_object *s = jidx(sessions, i), *sets = jget(s, "sets");
		time_t t = iso_time(jstr(s, "start"));
		long day = t == (time_t)-1 ? -1 : (long)((t - w->first_day) / 86400);

		if (day >= 0 && day < w->days)
			w->per_day[day]++;
		for (size_t k = 0; k < jlen(sets); k++)
			weeks_add_set(w, jidx(sets, k));
	}
}

static void sessions_per_day(FILE *f, const struct weeks *w)
{
	int hi = 2;
	struct plot p = {0};

	for (int i = 0; i < w->days; i++)
		hi = w->per_day[i] > hi ? w->per_day[i] : hi;
	plot_init(&p, f, 200.0, 0.0, (double)w->days, 0.0, (double)hi);
	p.whole_y = true;
	plot_open(&p, "per-day", "sessions per day");
	axis_y(&p, "sessions");
	for (int i = 0; i < w->days; i++) {
		time_t day = w->first_day + (time_t)i * 86400;
		struct tm tm;
		char label[16];

		if (w->per_day[i] > 0)
			out(f, "<rect class=\"bar day\" data-day=\"%d\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			       "height=\"%.1f\"/>\n", i, px(&p, i + 0.15), py(&p, w->per_day[i]),
			    px(&p, 0.7) - px(&p, 0.0), py(&p, 0.0) - py(&p, w->per_day[i]));
		if (i % 7 != 0)
			continue;
		gmtime_r(&day, &tm);
		strftime(label, sizeof label, "%b %d", &tm);
		out(f, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\">%s</text>\n", px(&p, i),
		    p.h - p.mb + 16.0, label);
	}
	out(f, "<line class=\"axis\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>\n", p.ml,
	    p.w - p.mr, py(&p, 0.0), py(&p, 0.0));
	out(f, "<text class=\"axis-label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">day (UTC)</text>\n",
	    (p.ml + p.w - p.mr) / 2.0, p.h - 6.0);
	plot_close(&p);
}

/* Horizontal bars, one per exercise, of value(i) (NAN: no bar). */
static void ex_bars(FILE *f, const struct weeks *w, const double *v, const char *label,
		    const char *cls, double target, bool whole)
{
	double hi = isfinite(target) ? target * 1.2 : 1.0;
	struct plot p = {0};

	for (int i = 0; i < w->n_ex; i++)
		hi = isfinite(v[i]) ? fmax(hi, v[i] * 1.1) : hi;
	plot_init(&p, f, 50.0 + 28.0 * w->n_ex, 0.0, hi, 0.0, (double)w->n_ex);
	p.ml = 130.0;
	p.mt = 8.0;
	p.whole_x = whole;
	plot_open(&p, cls, label);
	for (int i = 0; i < w->n_ex; i++) {
		double y = py(&p, w->n_ex - i - 0.5);

		out(f, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", p.ml - 4.0, y + 4.0);
		esc(f, exercise_title(w->ex[i].name));
		out(f, "</text>");
		if (!isfinite(v[i]))
			continue;
		out(f, "<rect class=\"bar\" data-exercise=\"");
		esc(f, w->ex[i].name);
		out(f, "\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"16\"><title>%.1f</title></rect>\n",
		    p.ml, y - 8.0, px(&p, v[i]) - p.ml, v[i]);
	}
	if (isfinite(target))
		out(f, "<line class=\"target\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>\n",
		    px(&p, target), px(&p, target), p.mt, p.h - p.mb);
	axis_x(&p, label);
	plot_close(&p);
}

static void weeks_exercises(FILE *f, const struct weeks *w, const struct hf_thresholds *th)
{
	double v[MAX_EXERCISES];

	if (w->n_ex == 0) {
		out(f, "<p class=\"note\">No exercise sets in these weeks.</p>\n");
		return;
	}
	out(f, "<h2>Reps per exercise</h2>\n");
	for (int i = 0; i < w->n_ex; i++)
		v[i] = w->ex[i].reps > 0 ? (double)w->ex[i].reps : NAN;
	ex_bars(f, w, v, "reps", "ex-reps", NAN, true);
	out(f, "<h2>Mean hold per exercise</h2>\n<p class=\"sub\">Dashed line: the %.1f s target "
	       "of rep exercises.</p>\n", th->hold_target_s);
	for (int i = 0; i < w->n_ex; i++)
		v[i] = w->ex[i].holds > 0 ? w->ex[i].hold_sum_s / w->ex[i].holds : NAN;
	ex_bars(f, w, v, "mean hold (s)", "ex-hold", th->hold_target_s, false);
	out(f, "<h2>Faults per 100 reps</h2>\n");
	for (int i = 0; i < w->n_ex; i++)
		v[i] = w->ex[i].reps > 0 ? 100.0 * w->ex[i].faults / w->ex[i].reps : NAN;
	ex_bars(f, w, v, "faults per 100 reps", "ex-faults", NAN, false);
}

/* Share of complete program blocks per session that has a compliance. */
static void weeks_compliance(FILE *f, json_object *sessions)
{
	int n = 0;

	for (size_t i = 0; i < jlen(sessions); i++)
		n += jlen(jget(jidx(sessions, i), "compliance")) > 0;
	if (n == 0)
		return;
	out(f, "<h2>Program compliance</h2>\n<table class=\"compliance\"><thead><tr><th>session</th>"
	       "<th>start</th><th>blocks complete</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < jlen(sessions); i++) {
		json_object *s = jidx(sessions, i), *blocks = jget(s, "compliance");
		int done = 0;

		if (jlen(blocks) == 0)
			continue;
		for (size_t k = 0; k < jlen(blocks); k++)
			done += json_object_get_boolean(jget(jidx(blocks, k), "complete"));
		out(f, "<tr><td>%s</td><td>", json_object_get_string(jget(s, "id")));
		esc(f, jstr(s, "start"));
		out(f, "</td><td>%d of %zu</td></tr>\n", done, jlen(blocks));
	}
	out(f, "</tbody></table>\n");
}

/* Pelvic drop per side of every run, in time order: a plot (left foot
 * circles on a solid line, right foot squares on a dashed one) and a table. */
static int run_drops(json_object *sessions, double *left, double *right, const char **when, int max)
{
	int n = 0;

	for (size_t i = 0; i < jlen(sessions); i++) {
		json_object *s = jidx(sessions, i), *sets = jget(s, "sets");

		for (size_t k = 0; k < jlen(sets) && n < max; k++) {
			json_object *set = jidx(sets, k), *drop = jget(set, "pelvic_drop_deg");

			if (!jstr(set, "exercise") || strcmp(jstr(set, "exercise"), "run") != 0)
				continue;
			left[n] = jnum(drop, "left");
			right[n] = jnum(drop, "right");
			when[n++] = jstr(s, "start");
		}
	}
	return n;
}

static void drop_series(const struct plot *p, const double *v, int n, bool square)
{
	out(p->f, "<polyline class=\"drop %s\" points=\"", square ? "right" : "left");
	for (int i = 0; i < n; i++)
		if (isfinite(v[i]))
			out(p->f, "%.1f,%.1f ", px(p, i + 1.0), py(p, v[i]));
	out(p->f, "\"/>\n");
	for (int i = 0; i < n; i++) {
		if (!isfinite(v[i]))
			continue;
		if (square)
			out(p->f, "<rect class=\"drop-mark right\" x=\"%.1f\" y=\"%.1f\" width=\"9\" height=\"9\"/>",
			    px(p, i + 1.0) - 4.5, py(p, v[i]) - 4.5);
		else
			out(p->f, "<circle class=\"drop-mark left\" cx=\"%.1f\" cy=\"%.1f\" r=\"5\"/>",
			    px(p, i + 1.0), py(p, v[i]));
	}
	out(p->f, "\n");
}

static void weeks_runs(FILE *f, json_object *sessions)
{
	enum { MAX_RUNS = 256 };
	static const char *const items[] = {"line:" C_BLUE, "left foot", "line:" C_ORANGE ":dash",
					    "right foot"};
	double left[MAX_RUNS], right[MAX_RUNS], hi = 5.0;
	const char *when[MAX_RUNS];
	int n = run_drops(sessions, left, right, when, MAX_RUNS);
	struct plot p = {0};

	for (int i = 0; i < n; i++)
		hi = fmax(hi, fmax(isfinite(left[i]) ? left[i] : 0.0, isfinite(right[i]) ? right[i] : 0.0) * 1.2);
	out(f, "<h2>Pelvic drop when running</h2>\n");
	plot_init(&p, f, 220.0, 0.5, n + 0.5, 0.0, hi);
	p.whole_x = true;
	plot_open(&p, "runs", "pelvic drop per foot of every run");
	legend(&p, items, 2);
	axis_y(&p, "pelvic drop (" HF_DEG ")");
	axis_x(&p, "run (in time order; dates in the table)");
	drop_series(&p, left, n, false);
	drop_series(&p, right, n, true);
	plot_close(&p);
	out(f, "<table class=\"runs\"><thead><tr><th>run</th><th>session start</th>"
	       "<th>left foot (" HF_DEG ")</th><th>right foot (" HF_DEG ")</th></tr></thead><tbody>\n");
	for (int i = 0; i < n; i++) {
		out(f, "<tr class=\"run\"><td>%d</td><td>", i + 1);
		esc(f, when[i]);
		out(f, "</td><td>%.1f</td><td>%.1f</td></tr>\n", left[i], right[i]);
	}
	out(f, "</tbody></table>\n");
}

static bool has_runs(json_object *sessions)
{
	for (size_t i = 0; i < jlen(sessions); i++)
		for (size_t k = 0; k < jlen(jget(jidx(sessions, i), "sets")); k++) {
			const char *ex = jstr(jidx(jget(jidx(sessions, i), "sets"), k), "exercise");

			if (ex && strcmp(ex, "run") == 0)
				return true;
		}
	return false;
}

int hf_html_weeks(FILE *f, json_object *sessions, int weeks, time_t now,
		  const struct hf_thresholds *th)
{
	struct weeks w;
	char title[64], sub[96];
	int rc;

	memset(&w, 0, sizeof w);
	w.days = 7 * weeks;
	w.first_day = (now / 86400 - w.days + 1) * 86400;
	w.per_day = calloc((size_t)w.days, sizeof *w.per_day);
	if (!w.per_day)
		return -1;
	weeks_collect(&w, sessions);
	snprintf(title, sizeof title, "hipform: the last %d week%s", weeks, weeks == 1 ? "" : "s");
	snprintf(sub, sizeof sub, "%zu session%s", jlen(sessions), jlen(sessions) == 1 ? "" : "s");
	page_open(f, title, sub);
	out(f, "<h2>Sessions per day</h2>\n");
	sessions_per_day(f, &w);
	weeks_compliance(f, sessions);
	weeks_exercises(f, &w, th);
	if (has_runs(sessions))
		weeks_runs(f, sessions);
	page_close(f);
	rc = ferror(f) ? -1 : 0;
	free(w.per_day);
	return rc;
}
