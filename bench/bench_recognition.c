/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Recognition without --exercise (contract section 7) on whole simulated
 * programs (sim/session.c): the calibration procedure, foam rolling face
 * down and face up, hip lifts, clam shells each side, side walks each
 * way, planks front, side each side and back, a walk and sometimes a
 * run, with walking and standing between the blocks.  The
 * calibration is estimated from the session's own procedure
 * (hf_calib_estimate, as `hipform calibrate` does), never the true
 * mounting.  Per truth set: is there a reported set over it, with the
 * right exercise and side?  Reported sets over no truth set are false,
 * counted apart where they lie in the walking and standing between
 * blocks.  Holds: set recall and precision, hold_s MAE, and each
 * recognised plank's elevation against the truth's (mean and MAE, by
 * plank: the calibration's and the accelerometer's errors show there).
 *
 * Two seed sets: tuning (seeds 1..N, MPU-class parts on a belt, 100 Hz)
 * and held-out (seeds 300001.., wider ranges, 50/100/200 Hz, parts and
 * cheap-MEMS grade at any orientation), the latter never tuned on.
 *   bench_recognition [N] [-v] [--tuning-only] [--true-mounting] [--six-face]
 *                     [--no-session-accel] [--first S] [--wide]
 *   bench_recognition --session S [--true-mounting] [--six-face] [--dump DIR]
 * --session S runs the one session of seed S (tuning below HELD_OUT_SEED,
 * held-out from it) and lists every true and found set; --dump writes it
 * to DIR as seedS.csv, its truth as seedS.json and the calibration used
 * as seedS.cal, for `hipform analyze DIR/seedS.csv --calibration
 * DIR/seedS.cal` (never dump a held-out seed to look into it).
 * --first S starts the tuning seeds at S (seeds S..S+N-1), to look at
 * tuning sessions beyond the first N without running them again.
 * --wide draws the tuning seeds with the held-out generator (its rates,
 * sensors and wider ranges), as bench_accuracy's modes 5 and 6 do: the
 * held-out part's variety on seeds that may be looked into.
 * --six-face calibrates with the specimen's six-face recording as well
 * (contract section 6, `hipform calibrate --six-face`).
 * --true-mounting analyses with the sensor's true mounting (the gyro bias
 * still estimated): what the estimated mounting costs.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hipform/analyzer.h"
#include "hipform/calib.h"
#include "hipform/sim.h"
#include "accuracy.h"
#include "kind_bench.h"

#define MAX_FOUND 96
#define HELD_OUT_SEED 300001u
#define MATCH_FRACTION 0.3   /* of the truth set's time covered */

/* The planks whose elevation error is reported apart: a calibration
 * a few degrees off about the pelvis x axis reads the two sides apart. */
static const struct {
	enum hf_exercise ex;
	enum hf_side side;
	const char *name;
} PLANKS[] = {
	{HF_EX_PLANK_FRONT, HF_SIDE_NONE, "front"},
	{HF_EX_PLANK_SIDE, HF_SIDE_RIGHT, "side right"},
	{HF_EX_PLANK_SIDE, HF_SIDE_LEFT, "side left"},
	{HF_EX_PLANK_BACK, HF_SIDE_NONE, "back"},
};
#define N_PLANKS ((int)(sizeof PLANKS / sizeof PLANKS[0]))

struct found_set {
	enum hf_exercise ex;
	enum hf_side side;
	double start_s, end_s;
	int reps, steps;
	struct hf_hold_summary hold;   /* holds */
};

struct found {
	int n;
	struct found_set s[MAX_FOUND];
	/* the accelerometer's reading of up against the truth (bench/accuracy.h,
	 * hf_acc_up_error_deg()), as analysed and, with the session fit, raw */
	bool accel_fitted;
	double up_mean_deg, up_max_deg, up_raw_mean_deg, up_raw_max_deg;
};

struct score {
	int sessions, failed;
	int truth, correct, wrong, missed;
	int per_ex[HF_EX_COUNT], per_ex_ok[HF_EX_COUNT];
	int false_between, false_other;
	int hold_truth, hold_found, hold_tp;
	double hold_abs_err;
	int rep_n;
	double rep_abs_err;
	/* planks recognised: found - true elevation, per plank (PLANKS) */
	int elev_n[N_PLANKS];
	double elev_sum[N_PLANKS], elev_abs[N_PLANKS];
	/* holds recognised: elevation change extremes, sag_s/pike_s, and
	 * each fault, [0] all, [1] without the near-threshold truths */
	int ext_n;
	double ext_abs, sp_abs;
	double span_ft, span_tt; /* sums of found x true and true^2 spans */
	struct {
		int tp, fp, fn, ignored;
	} fault[2][HF_FAULT_COUNT];
	/* the accelerometer: sessions whose fit was adopted; sums of the up
	 * errors as analysed and as read */
	int accel_fitted;
	double up_mean, up_max, up_raw_mean, up_raw_max;
};

static void on_event(const struct hf_event *ev, void *user)
{
	struct found *f = user;
	struct found_set *s;

	if (ev->type != HF_EVENT_SET || f->n == MAX_FOUND)
		return;
	s = &f->s[f->n++];
	s->ex = ev->set->exercise;
	s->side = ev->set->side;
	s->start_s = ev->set->start_s;
	s->end_s = ev->set->end_s;
	s->reps = ev->set->rep_count;
	if (ev->set->hold)
		s->hold = *ev->set->hold;
	s->steps = ev->set->gait ? ev->set->gait->steps : 0;
}

static double overlap_s(double a0, double a1, double b0, double b1)
{
	return fmax(0.0, fmin(a1, b1) - fmax(a0, b0));
}

/* --wide: tuning seeds drawn by the held-out generator (its rates,
 * sensors and ranges), to learn from what the held-out part varies */
static bool tuning_wide;

static void sensor_for(unsigned seed, bool held_out, struct hf_sim_sensor *s)
{
	static const double rates[3] = {50.0, 100.0, 200.0};

	if (!held_out) {
		hf_sim_sensor_from_part(s, (enum hf_sim_part)(seed % HF_SIM_PART_COUNT), 100.0, seed);
		return;
	}
	if (seed % 3 == 0)
		hf_sim_sensor_preset(s, HF_SIM_GRADE_MEMS, rates[seed % 3], seed);
	else
		hf_sim_sensor_from_part(s, (enum hf_sim_part)((seed / 3) % HF_SIM_PART_COUNT),
					rates[seed % 3], seed);
}

/* --true-mounting: the sensor's true mounting instead of the estimated
 * one (the gyro bias still estimated): what the mounting's error costs. */
static bool true_mounting;
/* --six-face: calibrate with the specimen's six-face recording too. */
static bool six_face;

static const char *dump_dir; /* --dump */
/* --no-session-accel: the accelerometer as it reads, no fit over the
 * session's still postures (what analysis did before stop 30) */
static bool no_session_accel;

/* Write one file of the dump: DIR/seedS.ext through write(). */
static void dump_file(unsigned seed, const char *ext, const void *what,
		      int (*write)(const void *what, FILE *f))
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/seed%u.%s", dump_dir, seed, ext);
	if (!(f = fopen(path, "w"))) {
		fprintf(stderr, "bench_recognition: %s: cannot write\n", path);
		return;
	}
	if (write(what, f) != 0 || fclose(f) != 0)
		fprintf(stderr, "bench_recognition: %s: write failed\n", path);
}

static int write_csv(const void *ss, FILE *f)
{
	return hf_sim_session_write_csv(ss, f);
}

static int write_truth(const void *ss, FILE *f)
{
	return hf_sim_session_write_truth_json(ss, f);
}

static int write_calib(const void *calib, FILE *f)
{
	char text[1024];
	int n = hf_calib_format(calib, text, sizeof text);

	return n < 0 || (size_t)n >= sizeof text || fputs(text, f) < 0 ? -1 : 0;
}

static void dump_session(const struct hf_sim_session *ss, unsigned seed,
			 const struct hf_calib *calib)
{
	dump_file(seed, "csv", ss, write_csv);
	dump_file(seed, "json", ss, write_truth);
	dump_file(seed, "cal", calib, write_calib);
}

static bool analyse(const struct hf_sim_session *ss, unsigned seed, struct found *f)
{
	struct hf_analyzer_config cfg;
	struct hf_analyzer *a;
	char err[200];

	hf_analyzer_config_default(&cfg);
	cfg.rate_hz = ss->sensor.rate_hz;
	memset(f, 0, sizeof *f);
	if (hf_acc_calibrate(&ss->sensor, seed, ss->samples, ss->n_calibration, six_face,
			     &cfg.calib, err, sizeof err) != 0) {
		fprintf(stderr, "bench_recognition: calibration: %s\n", err);
		return false;
	}
	if (!no_session_accel) {
		struct hf_calib raw = cfg.calib;
		f->accel_fitted = hf_calib_fit_session_accel(&cfg.calib, ss->samples, ss->n, NULL);
		hf_acc_up_error_deg(&ss->sensor, &raw, &f->up_raw_mean_deg, &f->up_raw_max_deg);
	}
	hf_acc_up_error_deg(&ss->sensor, &cfg.calib, &f->up_mean_deg, &f->up_max_deg);
	if (true_mounting)
		cfg.calib.pelvis_to_sensor = ss->sensor.pelvis_to_sensor;
	if (dump_dir)
		dump_session(ss, seed, &cfg.calib);
	a = hf_analyzer_new(&cfg, on_event, f);
	if (!a)
		return false;
	for (size_t i = 0; i < ss->n; i++)
		hf_analyzer_update(a, &ss->samples[i]);
	hf_analyzer_finish(a);
	hf_analyzer_free(a);
	return true;
}

static const char *ex_name(enum hf_exercise ex)
{
	const struct hf_exercise_info *e = hf_exercise_info(ex);

	return e ? e->name : "none";
}

static const char *side_name(enum hf_side s)
{
	return hf_side_name(s) ? hf_side_name(s) : "-";
}

/* The reported set covering truth set t most, or -1. */
static int best_match(const struct found *f, const struct hf_sim_session_set *t)
{
	int best = -1;
	double best_ov = MATCH_FRACTION * (t->end_s - t->start_s);

	for (int k = 0; k < f->n; k++) {
		double ov = overlap_s(f->s[k].start_s, f->s[k].end_s, t->start_s, t->end_s);
		if (ov > best_ov) {
			best_ov = ov;
			best = k;
		}
	}
	return best;
}

static bool in_between(const struct hf_sim_session *ss, const struct found_set *s)
{
	double mid = 0.5 * (s->start_s + s->end_s);

	for (int k = 0; k < ss->n_between; k++)
		if (mid >= ss->between[k].start_s && mid <= ss->between[k].end_s)
			return true;
	return false;
}

/* A recognised plank's elevation error, by plank. */
static void add_elevation(struct score *sc, const struct hf_sim_session_set *t, double found_deg)
{
	for (int p = 0; p < N_PLANKS; p++) {
		if (PLANKS[p].ex != t->exercise || PLANKS[p].side != t->side || !isfinite(found_deg))
			continue;
		sc->elev_n[p]++;
		sc->elev_sum[p] += found_deg - t->hold.elevation_deg;
		sc->elev_abs[p] += fabs(found_deg - t->hold.elevation_deg);
	}
}

/* A recognised hold's figures and faults against its truth's. */
static void add_hold(struct score *sc, const struct hf_sim_session_set *ts,
		     const struct hf_hold_summary *g)
{
	const struct hf_hold_summary *t = &ts->hold;

	if (isfinite(t->min_elevation_change_deg) && isfinite(g->min_elevation_change_deg)) {
		sc->ext_n++;
		sc->ext_abs += 0.5 * (fabs(g->min_elevation_change_deg - t->min_elevation_change_deg) +
				      fabs(g->max_elevation_change_deg - t->max_elevation_change_deg));
		sc->sp_abs += 0.5 * (fabs(g->sag_s - t->sag_s) + fabs(g->pike_s - t->pike_s));
		sc->span_ft += (g->max_elevation_change_deg - g->min_elevation_change_deg) *
			       (t->max_elevation_change_deg - t->min_elevation_change_deg);
		sc->span_tt += (t->max_elevation_change_deg - t->min_elevation_change_deg) *
			       (t->max_elevation_change_deg - t->min_elevation_change_deg);
	}
	for (int k = 0; k < HF_FAULT_COUNT; k++) {
		bool tf = t->faults & HF_FAULT_BIT(k), gf = g->faults & HF_FAULT_BIT(k);
		for (int m = 0; m < 2; m++) {
			if (m == 1 &&
			    hf_bench_hold_fault_near((enum hf_fault)k, t, ts->near_faults)) {
				sc->fault[m][k].ignored += tf || gf;
				continue;
			}
			sc->fault[m][k].tp += tf && gf;
			sc->fault[m][k].fp += !tf && gf;
			sc->fault[m][k].fn += tf && !gf;
		}
	}
}

static void print_fault_miss(const struct hf_sim_session_set *t, const struct hf_hold_summary *g)
{
	printf("    truth %-11s %-5s %7.1f-%7.1f: faults %#x found %#x; change %.2f/%.2f found "
	       "%.2f/%.2f deg, sag/pike %.2f/%.2f found %.2f/%.2f s, rotation %.2f found %.2f deg%s\n",
	       ex_name(t->exercise), side_name(t->side), t->start_s, t->end_s,
	       (unsigned)t->hold.faults, (unsigned)g->faults, t->hold.min_elevation_change_deg,
	       t->hold.max_elevation_change_deg, g->min_elevation_change_deg,
	       g->max_elevation_change_deg, t->hold.sag_s, t->hold.pike_s, g->sag_s, g->pike_s,
	       t->hold.max_abs_rotation_deg, g->max_abs_rotation_deg,
	       t->near_faults == ~0u ? " (bounds near the hold rule)" :
	       t->near_faults & (t->hold.faults ^ g->faults) ? " (near its rule)" : "");
}

static void print_hold_faults(const struct score *sc)
{
	static const enum hf_fault shown[] = {HF_FAULT_SHORT_HOLD, HF_FAULT_SAG, HF_FAULT_PIKE,
					      HF_FAULT_HIP_DROP};

	printf("  holds recognised: elevation change extremes MAE %.3f deg, sag_s/pike_s MAE "
	       "%.3f s (n %d); span found/true %.4f\n", sc->ext_n ? sc->ext_abs / sc->ext_n : NAN,
	       sc->ext_n ? sc->sp_abs / sc->ext_n : NAN, sc->ext_n,
	       sc->span_tt > 0.0 ? sc->span_ft / sc->span_tt : NAN);
	for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++) {
		const int k = shown[i];
		printf("    %-13s P %.3f R %.3f (tp %d fp %d fn %d); near-threshold truths out: "
		       "P %.3f R %.3f (%d out)\n", hf_fault_name(shown[i]),
		       hf_bench_ratio(sc->fault[0][k].tp, sc->fault[0][k].tp + sc->fault[0][k].fp),
		       hf_bench_ratio(sc->fault[0][k].tp, sc->fault[0][k].tp + sc->fault[0][k].fn),
		       sc->fault[0][k].tp, sc->fault[0][k].fp, sc->fault[0][k].fn,
		       hf_bench_ratio(sc->fault[1][k].tp, sc->fault[1][k].tp + sc->fault[1][k].fp),
		       hf_bench_ratio(sc->fault[1][k].tp, sc->fault[1][k].tp + sc->fault[1][k].fn),
		       sc->fault[1][k].ignored);
	}
}

static void print_accel(const struct score *sc)
{
	int n = sc->sessions;

	if (n <= 0)
		return;
	printf("  accelerometer: fitted over the session's still postures in %d of %d sessions;"
	       " up read off by %.2f deg mean, %.2f max per session (as read: %.2f, %.2f)\n",
	       sc->accel_fitted, n, sc->up_mean / n, sc->up_max / n, sc->up_raw_mean / n,
	       sc->up_raw_max / n);
}

static void print_elevation(const struct score *sc)
{
	printf("  plank elevation, found - true (mean / MAE, deg):");
	for (int p = 0; p < N_PLANKS; p++)
		printf("%s %s %+.2f / %.2f (%d)", p ? "," : "", PLANKS[p].name,
		       sc->elev_n[p] ? sc->elev_sum[p] / sc->elev_n[p] : NAN,
		       sc->elev_n[p] ? sc->elev_abs[p] / sc->elev_n[p] : NAN, sc->elev_n[p]);
	printf("\n");
}

/* A recognised hold against its truth t: time, elevation, figures, faults. */
static void score_hold(struct score *sc, const struct hf_sim_session_set *t,
		       const struct hf_hold_summary *g, bool verbose)
{
	sc->hold_tp++;
	sc->hold_abs_err += fabs(g->hold_s - t->hold.hold_s);
	add_elevation(sc, t, g->elevation_deg);
	add_hold(sc, t, g);
	if (verbose && t->hold.faults != g->faults)
		print_fault_miss(t, g);
	if (verbose && fabs(g->hold_s - t->hold.hold_s) > 1.0)
		printf("    truth %-11s %-5s %7.1f-%7.1f: held %.1f s, found %.1f-%.1f held %.1f s\n",
		       ex_name(t->exercise), side_name(t->side), t->start_s, t->end_s,
		       t->hold.hold_s, g->start_s, g->end_s, g->hold_s);
}

/* ", elevation E deg" for a truth hold (what -v lists a miss with), else "". */
static const char *truth_elevation(const struct hf_sim_session_set *t)
{
	static char buf[48];

	if (hf_exercise_info(t->exercise)->kind != HF_KIND_HOLD)
		return "";
	snprintf(buf, sizeof buf, "(true elevation %+.1f deg)", t->hold.elevation_deg);
	return buf;
}

static void score_truth(const struct hf_sim_session *ss, const struct found *f,
			bool *used, struct score *sc, bool verbose)
{
	for (int i = 0; i < ss->n_sets; i++) {
		const struct hf_sim_session_set *t = &ss->sets[i];
		int k = best_match(f, t);
		bool ok = k >= 0 && f->s[k].ex == t->exercise && f->s[k].side == t->side;

		sc->truth++;
		sc->per_ex[t->exercise]++;
		if (k < 0)
			sc->missed++;
		else if (ok)
			sc->correct++, sc->per_ex_ok[t->exercise]++;
		else
			sc->wrong++;
		if (k >= 0)
			used[k] = true;
		if (hf_exercise_info(t->exercise)->kind == HF_KIND_HOLD) {
			sc->hold_truth++;
			if (ok)
				score_hold(sc, t, &f->s[k].hold, verbose);
		}
		if (ok && hf_exercise_info(t->exercise)->kind == HF_KIND_REPS) {
			sc->rep_n++;
			sc->rep_abs_err += abs(f->s[k].reps - t->reps);
		}
		if (verbose && !ok)
			printf("    truth %-11s %-5s %7.1f-%7.1f: %s %s%s\n", ex_name(t->exercise),
			       side_name(t->side), t->start_s, t->end_s,
			       k < 0 ? "missed" : ex_name(f->s[k].ex), k < 0 ? "" : side_name(f->s[k].side),
			       truth_elevation(t));
	}
}

static void score_session(const struct hf_sim_session *ss, const struct found *f,
			  struct score *sc, bool verbose)
{
	bool used[MAX_FOUND] = {false};

	score_truth(ss, f, used, sc, verbose);
	sc->accel_fitted += f->accel_fitted;
	sc->up_mean += f->up_mean_deg;
	sc->up_max += f->up_max_deg;
	sc->up_raw_mean += f->accel_fitted ? f->up_raw_mean_deg : f->up_mean_deg;
	sc->up_raw_max += f->accel_fitted ? f->up_raw_max_deg : f->up_max_deg;
	for (int k = 0; k < f->n; k++) {
		if (hf_exercise_info(f->s[k].ex)->kind == HF_KIND_HOLD)
			sc->hold_found++;
		if (used[k])
			continue;
		if (in_between(ss, &f->s[k]))
			sc->false_between++;
		else
			sc->false_other++;
		if (verbose)
			printf("    false %-11s %-5s %7.1f-%7.1f%s\n", ex_name(f->s[k].ex),
			       side_name(f->s[k].side), f->s[k].start_s, f->s[k].end_s,
			       in_between(ss, &f->s[k]) ? " (between blocks)" : "");
	}
}

/* --session: every true and found set of one session. */
static void list_sets(const struct hf_sim_session *ss, const struct found *f)
{
	for (int i = 0; i < ss->n_sets; i++)
		printf("  truth %-18s %-5s %7.2f-%7.2f reps %d hold %.2f\n",
		       ex_name(ss->sets[i].exercise), side_name(ss->sets[i].side),
		       ss->sets[i].start_s, ss->sets[i].end_s, ss->sets[i].reps,
		       ss->sets[i].hold_s);
	for (int k = 0; k < f->n; k++)
		printf("  found %-18s %-5s %7.2f-%7.2f reps %d hold %.2f\n",
		       ex_name(f->s[k].ex), side_name(f->s[k].side), f->s[k].start_s,
		       f->s[k].end_s, f->s[k].reps, f->s[k].hold.hold_s);
}

static int run_one(unsigned seed)
{
	static struct hf_sim_session ss;
	static struct found f;
	struct hf_sim_sensor sensor;
	struct score sc;
	bool held_out = seed >= HELD_OUT_SEED || tuning_wide;

	memset(&sc, 0, sizeof sc);
	sensor_for(seed, held_out, &sensor);
	if (hf_sim_program_session(&sensor, seed, held_out, &ss) != 0 ||
	    !analyse(&ss, seed, &f)) {
		fprintf(stderr, "bench_recognition: session %u failed\n", seed);
		return 1;
	}
	list_sets(&ss, &f);
	printf("  accelerometer %s; up read off by %.2f deg mean, %.2f max (as read: %.2f, %.2f)\n",
	       f.accel_fitted ? "fitted over the session's still postures" : "as read",
	       f.up_mean_deg, f.up_max_deg, f.accel_fitted ? f.up_raw_mean_deg : f.up_mean_deg,
	       f.accel_fitted ? f.up_raw_max_deg : f.up_max_deg);
	score_session(&ss, &f, &sc, true);
	hf_sim_session_free(&ss);
	return 0;
}

static void run_part(const char *title, unsigned first_seed, int n, bool wide,
		     bool verbose)
{
	struct score sc;
	static struct hf_sim_session ss;
	static struct found f;

	memset(&sc, 0, sizeof sc);
	for (int k = 0; k < n; k++) {
		unsigned seed = first_seed + (unsigned)k;
		struct hf_sim_sensor sensor;

		sensor_for(seed, wide, &sensor);
		if (hf_sim_program_session(&sensor, seed, wide, &ss) != 0) {
			sc.failed++;
			continue;
		}
		if (verbose)
			printf("  seed %u (%.0f Hz, %s): %d truth sets, %.0f s\n", seed,
			       sensor.rate_hz, sensor.part ? hf_sim_part_profile(
				       (enum hf_sim_part)(sensor.part - 1))->name : "mems grade",
			       ss.n_sets, ss.n / sensor.rate_hz);
		if (!analyse(&ss, seed, &f)) {
			sc.failed++;
			hf_sim_session_free(&ss);
			continue;
		}
		sc.sessions++;
		score_session(&ss, &f, &sc, verbose);
		hf_sim_session_free(&ss);
	}
	printf("%s: %d sessions (%d failed to simulate or calibrate)\n", title, sc.sessions,
	       sc.failed);
	printf("  recognition (exercise and side per truth set): %d/%d = %.1f %%"
	       " (wrong %d, missed %d)\n", sc.correct, sc.truth,
	       sc.truth ? 100.0 * sc.correct / sc.truth : 0.0, sc.wrong, sc.missed);
	for (int e = 0; e < HF_EX_COUNT; e++)
		if (sc.per_ex[e])
			printf("    %-12s %3d/%3d\n", ex_name((enum hf_exercise)e), sc.per_ex_ok[e],
			       sc.per_ex[e]);
	printf("  false sets: %d between blocks (target 0), %d elsewhere\n", sc.false_between,
	       sc.false_other);
	printf("  holds: recall %.1f %% (%d/%d), precision %.1f %% (%d/%d), hold_s MAE %.2f s\n",
	       sc.hold_truth ? 100.0 * sc.hold_tp / sc.hold_truth : 0.0, sc.hold_tp, sc.hold_truth,
	       sc.hold_found ? 100.0 * sc.hold_tp / sc.hold_found : 0.0, sc.hold_tp, sc.hold_found,
	       sc.hold_tp ? sc.hold_abs_err / sc.hold_tp : NAN);
	printf("  rep sets recognised: rep count MAE %.2f over %d sets\n",
	       sc.rep_n ? sc.rep_abs_err / sc.rep_n : NAN, sc.rep_n);
	print_hold_faults(&sc);
	print_elevation(&sc);
	print_accel(&sc);
}

int main(int argc, char **argv)
{
	int n = 10;
	bool verbose = false, tuning_only = false;
	long session = -1, first = 1;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-v") == 0)
			verbose = true;
		else if (strcmp(argv[i], "--tuning-only") == 0)
			tuning_only = true;
		else if (strcmp(argv[i], "--six-face") == 0)
			six_face = true;
		else if (strcmp(argv[i], "--true-mounting") == 0)
			true_mounting = true;
		else if (strcmp(argv[i], "--no-session-accel") == 0)
			no_session_accel = true;
		else if (strcmp(argv[i], "--session") == 0 && i + 1 < argc)
			session = atol(argv[++i]);
		else if (strcmp(argv[i], "--first") == 0 && i + 1 < argc)
			first = atol(argv[++i]);
		else if (strcmp(argv[i], "--dump") == 0 && i + 1 < argc)
			dump_dir = argv[++i];
		else if (strcmp(argv[i], "--wide") == 0)
			tuning_wide = true;
		else if (atoi(argv[i]) > 0)
			n = atoi(argv[i]);
		else {
			fprintf(stderr, "usage: bench_recognition [N] [-v] [--tuning-only] [--true-mounting] [--six-face]\n"
					"                         [--no-session-accel] [--first S] [--wide]\n"
					"       bench_recognition --session S [--true-mounting] [--six-face] [--dump DIR]\n");
			return 2;
		}
	}
	if (first < 1 || first + n > (long)HELD_OUT_SEED) {
		fprintf(stderr, "bench_recognition: --first S: tuning seeds are 1..%u\n",
			HELD_OUT_SEED - 1);
		return 2;
	}
	if (dump_dir && session <= 0) {
		fprintf(stderr, "bench_recognition: --dump goes with --session\n");
		return 2;
	}
	if (dump_dir && hf_bench_make_dump_dir("bench_recognition", dump_dir) != 0)
		return 1;
	if (session > 0)
		return run_one((unsigned)session);
	run_part(tuning_wide ? "tuning, held-out generator" : "tuning", (unsigned)first, n,
		 tuning_wide, verbose);
	if (!tuning_only)
		run_part("held-out", HELD_OUT_SEED, n, true, verbose);
	return 0;
}
