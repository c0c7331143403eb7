/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench_report: how big is the report of a 10-minute session, and how
 * long does a browser take to render it?  A benchmark (prints figures),
 * not a test.
 *
 *   bench_report HIPFORM [WORKDIR] [CHROMIUM]
 *
 * Simulates a session of at least 10 minutes (the calibration procedure,
 * then sets of hip lifts and left clam shells, 12 reps each, with rests,
 * at 100 Hz from a cheap MEMS sensor), writes it as contract CSV in
 * WORKDIR (default "."), calibrates it and runs `HIPFORM report`, timing
 * it.  Then headless Chromium (default "chromium"; run with --no-sandbox,
 * as root needs) loads a copy of the page with one script added at its
 * end (the report itself has none) that forces style and layout of the
 * whole page and notes performance.now(): the time from the start of the
 * navigation through reading, parsing, styling and laying out the page.
 * The median of RUNS loads is printed, beside an empty page's, and the
 * wall time of a whole `chromium --headless --screenshot` run (mostly the
 * browser's start-up, which varies by seconds on a loaded machine).
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "hipform/error.h"
#include "hipform/sim.h"

#define RATE_HZ 100.0
#define SEED 7u
#define MIN_SESSION_S 600.0
#define RUNS 5

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int add_sets(struct hf_sim *sim, int pairs)
{
	struct hf_sim_set lift = {.exercise = HF_EX_HIP_LIFT, .reps = 12, .variation = 0.3,
				  .fault_rate = 0.2, .fidgets = 1};
	struct hf_sim_set clam = {.exercise = HF_EX_CLAM_SHELL, .side = HF_SIDE_LEFT, .reps = 12,
				  .variation = 0.3, .fault_rate = 0.2, .fidgets = 1};
	int r = HF_OK;

	for (int i = 0; i < pairs && r == HF_OK; i++) {
		r = hf_sim_change_posture(sim, HF_POSTURE_SUPINE, 3.0);
		if (r == HF_OK)
			r = hf_sim_add_set(sim, &lift);
		if (r == HF_OK)
			r = hf_sim_rest(sim, 20.0);
		if (r == HF_OK)
			r = hf_sim_change_posture(sim, HF_POSTURE_SIDE_RIGHT, 3.0);
		if (r == HF_OK)
			r = hf_sim_add_set(sim, &clam);
		if (r == HF_OK)
			r = hf_sim_rest(sim, 20.0);
	}
	return r;
}

/* A session of at least MIN_SESSION_S in csv; its length in *len_s. */
static int write_session(const char *csv, int pairs, double *len_s)
{
	struct hf_sim_sensor sensor;
	const struct hf_sim_output *out;
	struct hf_sim *sim;
	FILE *f;
	int r;

	hf_sim_sensor_preset(&sensor, HF_SIM_GRADE_MEMS, RATE_HZ, SEED);
	sim = hf_sim_new(&sensor, SEED);
	if (!sim)
		return HF_ERR_NOMEM;
	r = hf_sim_stand(sim, 3.0);
	if (r == HF_OK)
		r = hf_sim_calibration_procedure(sim);
	if (r == HF_OK)
		r = add_sets(sim, pairs);
	if (r == HF_OK)
		r = hf_sim_change_posture(sim, HF_POSTURE_UPRIGHT, 3.0);
	if (r == HF_OK)
		r = hf_sim_render(sim, &out);
	if (r == HF_OK) {
		*len_s = (double)out->n / RATE_HZ;
		f = fopen(csv, "w");
		r = f && hf_sim_write_csv(out, f) == HF_OK && fclose(f) == 0 ? HF_OK : HF_ERR_SYS;
	}
	hf_sim_free(sim);
	return r;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* A copy of html with the timing script before </body>. */
static int write_timed(const char *html, const char *timed)
{
	static const char script[] =
		"<script>document.body.offsetHeight;var d=document.createElement('pre');"
		"d.id='hf-render-ms';d.textContent=performance.now().toFixed(1);"
		"document.body.appendChild(d);</script>";
	FILE *in = fopen(html, "r"), *out = fopen(timed, "w");
	char line[1 << 16];
	int rc = in && out ? 0 : -1;

	while (rc == 0 && fgets(line, sizeof line, in)) {
		char *end = strstr(line, "</body>");

		if (end) {
			fwrite(line, 1, (size_t)(end - line), out);
			fputs(script, out);
			fputs(end, out);
		} else {
			fputs(line, out);
		}
	}
	if (in)
		fclose(in);
	if (out && fclose(out) != 0)
		rc = -1;
	return rc;
}

/* Median of RUNS in-browser times (ms) of cmd's output; NAN on failure. */
static double median_render_ms(const char *cmd)
{
	double t[RUNS];

	for (int i = 0; i < RUNS; i++) {
		FILE *p = popen(cmd, "r");
		char buf[256];

		t[i] = NAN;
		while (p && fgets(buf, sizeof buf, p))
			if (strstr(buf, "id=\"hf-render-ms\">"))
				t[i] = atof(strstr(buf, "id=\"hf-render-ms\">") + 18);
		if (!p || pclose(p) != 0 || isnan(t[i]))
			return NAN;
	}
	qsort(t, RUNS, sizeof t[0], cmp_double);
	return t[RUNS / 2];
}

/* Median wall time of RUNS runs of cmd; NAN if one fails. */
static double median_run_s(const char *cmd)
{
	double t[RUNS];

	for (int i = 0; i < RUNS; i++) {
		double t0 = now_s();

		if (system(cmd) != 0)
			return NAN;
		t[i] = now_s() - t0;
	}
	qsort(t, RUNS, sizeof t[0], cmp_double);
	return t[RUNS / 2];
}

int main(int argc, char **argv)
{
	const char *hipform = argc > 1 ? argv[1] : NULL;
	const char *dir = argc > 2 ? argv[2] : ".";
	const char *chromium = argc > 3 ? argv[3] : "chromium";
	char csv[512], cal[512], html[512], blank[512], timed[512], timed_blank[512];
	char cmd[PATH_MAX + 2048];
	char path[PATH_MAX];
	double len_s = 0.0, t0, report_s, page_s, page_ms, blank_ms;
	int pairs = 1;
	struct stat st;
	FILE *f;

	if (!hipform) {
		fprintf(stderr, "usage: bench_report HIPFORM [WORKDIR] [CHROMIUM]\n");
		return 2;
	}
	snprintf(csv, sizeof csv, "%s/session10.csv", dir);
	snprintf(cal, sizeof cal, "%s/session10.ini", dir);
	snprintf(html, sizeof html, "%s/session10.html", dir);
	snprintf(blank, sizeof blank, "%s/blank.html", dir);
	for (; pairs < 16 && len_s < MIN_SESSION_S; pairs++)
		if (write_session(csv, pairs, &len_s) != HF_OK) {
			fprintf(stderr, "bench_report: cannot write %s\n", csv);
			return 1;
		}
	snprintf(cmd, sizeof cmd, "'%s' calibrate '%s' -o '%s' > /dev/null", hipform, csv, cal);
	if (system(cmd) != 0)
		return 1;
	snprintf(cmd, sizeof cmd, "'%s' report '%s' --calibration '%s' -o '%s'", hipform, csv, cal, html);
	t0 = now_s();
	if (system(cmd) != 0)
		return 1;
	report_s = now_s() - t0;
	if (stat(html, &st) != 0 || !(f = fopen(blank, "w")))
		return 1;
	fputs("<!DOCTYPE html><html><body></body></html>\n", f);
	fclose(f);
	printf("session: %.0f s (%.1f min), %d sets of 12 reps, 100 Hz\n", len_s, len_s / 60.0, 2 * (pairs - 1));
	printf("report:  %lld bytes (%.0f KiB), written in %.3f s by hipform report\n",
	       (long long)st.st_size, st.st_size / 1024.0, report_s);
#define BROWSER "HOME='%s' '%s' --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars " \
	"--user-data-dir='%s/chromium-profile' --window-size=800,6000 "
	snprintf(timed, sizeof timed, "%s/timed.html", dir);
	snprintf(timed_blank, sizeof timed_blank, "%s/timed-blank.html", dir);
	if (write_timed(html, timed) != 0 || write_timed(blank, timed_blank) != 0)
		return 1;
	snprintf(cmd, sizeof cmd, BROWSER "--dump-dom 'file://%s' 2> /dev/null", dir, chromium, dir,
		 realpath(timed, path) ? path : timed);
	page_ms = median_render_ms(cmd);
	snprintf(cmd, sizeof cmd, BROWSER "--dump-dom 'file://%s' 2> /dev/null", dir, chromium, dir,
		 realpath(timed_blank, path) ? path : timed_blank);
	blank_ms = median_render_ms(cmd);
	printf("chromium --headless, navigation start to the page styled and laid out, median of %d:\n"
	       "         report %.0f ms, empty page %.0f ms\n", RUNS, page_ms, blank_ms);
	snprintf(cmd, sizeof cmd, BROWSER "--screenshot='%s/shot.png' 'file://%s' > /dev/null 2>&1",
		 dir, chromium, dir, dir, realpath(html, path) ? path : html);
	page_s = median_run_s(cmd);
	printf("chromium --headless --screenshot of the report, whole run (start-up included), "
	       "median of %d: %.2f s\n", RUNS, page_s);
	return isnan(page_s) || isnan(page_ms) || isnan(blank_ms) ? 1 : 0;
}
