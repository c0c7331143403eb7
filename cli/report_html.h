/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `hipform report`'s HTML: one self-contained page (inline CSS and SVG, no
 * script, no network) that opens from a USB stick in any browser, prints
 * cleanly and reads at phone width.
 *
 * The page is drawn from the contract's section 8 JSON (the same document
 * `hipform analyze --json` prints and the daemon's SESSION carries), so a
 * recording and a session from the history look the same, and the kind
 * blocks of section 8 (hold, steps, gait) and a program's compliance
 * (section 12) are drawn whenever the document has them.  A recording
 * adds the excursion trace e(t), sampled from the live analyser.
 *
 * Every element a test or a script may look for carries data- attributes:
 * section.set[data-set, data-exercise, data-kind, data-reps],
 * g.rep[data-set, data-rep, data-faults], g.fault-mark[data-set, data-rep,
 * data-fault]; numbers are 1-based as people count.
 */
#ifndef HIPFORM_CLI_REPORT_HTML_H
#define HIPFORM_CLI_REPORT_HTML_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "hipform/exercise.h"

/* e(t) of a whole recording, n points in time order. */
struct hf_html_trace {
	const float *t_s;
	const float *e_deg;
	size_t n;
};

struct hf_html_doc {
	const char *title;           /* page title, e.g. the file name */
	const char *subtitle;        /* NULL or a line under the title */
	json_object *summary;        /* section 8 document (sets, compliance) */
	struct hf_html_trace trace;  /* n == 0: none (a session from history) */
	struct hf_thresholds th;     /* the targets drawn */
};

/* One session or recording.  0, or -1 when writing failed (errno). */
int hf_html_report(FILE *f, const struct hf_html_doc *d);

/*
 * The weeks view: sessions is an array of SESSION objects (each with
 * "start" and "sets", maybe "compliance"), weeks the span ending at now.
 * 0, or -1 when writing failed.
 */
int hf_html_weeks(FILE *f, json_object *sessions, int weeks, time_t now,
		  const struct hf_thresholds *th);

#endif
