/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Accuracy of the kind analysers against simulated sessions with ground
 * truth by the contract's rules (sim/hold.c), per kind, in two modes:
 *   given:      the exercise (and side) given, no calibration;
 *   calibrated: the calibration estimated from the procedure of contract
 *               section 6 done with the session's own sensor
 *               (hf_bench_procedure_calibration(), kind_bench.h).
 * Sensors: a random mounting and lever arm, good or cheap-MEMS grade
 * (several deg/s of gyro bias, WitMotion quantisation), 50-200 Hz.
 * Two seed sets: tuning (seeds 1..N) and held-out (seeds 100001..), the
 * latter never looked at while tuning.
 *   bench_kinds [N] [-v] [--tuning|--held-out] [--session S]
 * --session S runs the one session whose -v lines say "seed S" and lists
 * every true and found hold of it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hipform/analyzer.h"
#include "hipform/sim.h"
#include "kind_bench.h"

#define MAX_FOUND 16
#define HELD_OUT_SEED 100001u

static long only_session = -1; /* --session */

struct found {
	int n;
	struct hf_hold_summary h[MAX_FOUND];
};

struct fault_count {
	int tp, fp, fn;
	int ignored;    /* of the counts without near-threshold truths */
};

struct score {
	int truth, found, matched;
	double hold_mae, ext_mae, sagpike_mae;
	double ext_bias, sagpike_bias; /* sums of found - true */
	double tilt_mae;               /* stretches, calibrated */
	int hold_n, ext_n, sagpike_n, tilt_n;
	struct fault_count f[HF_FAULT_COUNT];
	struct fault_count clear[HF_FAULT_COUNT]; /* near-threshold truths left out */
};

static void on_event(const struct hf_event *ev, void *user)
{
	struct found *f = user;

	if (ev->type == HF_EVENT_SET && ev->set->hold && f->n < MAX_FOUND)
		f->h[f->n++] = *ev->set->hold;
}

static void analyse(const struct hf_sim_hold_session *s, bool calibrated, unsigned seed,
		    struct found *f)
{
	const struct hf_bench_run run = {
		.exercise = s->exercise, .side = s->side, .rate_hz = s->rate_hz,
		.calibrated = calibrated, .sensor = &s->sensor,
		.seed = seed,
	};

	memset(f, 0, sizeof *f);
	hf_bench_analyse(&run, s->samples, s->n, on_event, f);
}

static void add_err(double *sum, int *n, double x, double y)
{
	if (isfinite(x) && isfinite(y)) {
		*sum += fabs(x - y);
		(*n)++;
	}
}

/* The mean signed error tells a bias from scatter. */
static void add_bias(double *sum, double x, double y)
{
	if (isfinite(x) && isfinite(y))
		*sum += y - x;
}

static void count(struct fault_count *c, bool t, bool g)
{
	c->tp += t && g;
	c->fn += t && !g;
	c->fp += !t && g;
}

/* t: the true hold, NULL for a found hold with no true one. */
static void score_faults(struct score *sc, const struct hf_sim_hold_truth *t, uint32_t truth,
			 uint32_t got)
{
	for (int k = 0; k < HF_FAULT_COUNT; k++) {
		bool tf = truth & HF_FAULT_BIT(k), g = got & HF_FAULT_BIT(k);
		count(&sc->f[k], tf, g);
		if (t && hf_bench_hold_fault_near((enum hf_fault)k, &t->sum, t->near_faults))
			sc->clear[k].ignored += tf || g;
		else
			count(&sc->clear[k], tf, g);
	}
}

static void score_session(const struct hf_sim_hold_session *s, const struct found *f,
			  struct score *sc, FILE *v, unsigned seed, bool calibrated)
{
	bool used[MAX_FOUND] = {false};
	/* anterior_tilt is calibrated only; elevation figures are a plank's */
	uint32_t mask = calibrated ? ~0u : ~HF_FAULT_BIT(HF_FAULT_ANTERIOR_TILT);
	bool plank = s->exercise != HF_EX_HIP_FLEXOR_STRETCH;

	sc->truth += s->n_holds;
	sc->found += f->n;
	for (int k = 0; k < s->n_holds; k++) {
		const struct hf_hold_summary *t = &s->holds[k].sum;
		int best = -1;
		for (int j = 0; j < f->n; j++)
			if (!used[j] &&
			    hf_bench_overlap_s(t->start_s, t->end_s, f->h[j].start_s, f->h[j].end_s) >
				    0.5 * t->hold_s)
				best = j;
		if (best < 0) {
			score_faults(sc, &s->holds[k], t->faults & mask, 0);
			if (v)
				fprintf(v, "seed %u %s %c: missed hold %.1f-%.1f s (de %.2f..%.2f, rot %.2f)\n",
					seed, hf_exercise_info(s->exercise)->name,
					calibrated ? 'C' : 'U', t->start_s, t->end_s,
					t->min_elevation_change_deg, t->max_elevation_change_deg,
					t->max_abs_rotation_deg);
			continue;
		}
		used[best] = true;
		sc->matched++;
		add_err(&sc->hold_mae, &sc->hold_n, t->hold_s, f->h[best].hold_s);
		if (plank) {
			add_err(&sc->ext_mae, &sc->ext_n, t->min_elevation_change_deg,
				f->h[best].min_elevation_change_deg);
			add_err(&sc->ext_mae, &sc->ext_n, t->max_elevation_change_deg,
				f->h[best].max_elevation_change_deg);
			/* sag side and pike side count towards the bias with opposite signs */
			add_bias(&sc->ext_bias, f->h[best].min_elevation_change_deg,
				 t->min_elevation_change_deg);
			add_bias(&sc->ext_bias, t->max_elevation_change_deg,
				 f->h[best].max_elevation_change_deg);
			add_err(&sc->sagpike_mae, &sc->sagpike_n, t->sag_s, f->h[best].sag_s);
			add_err(&sc->sagpike_mae, &sc->sagpike_n, t->pike_s, f->h[best].pike_s);
			add_bias(&sc->sagpike_bias, t->sag_s, f->h[best].sag_s);
			add_bias(&sc->sagpike_bias, t->pike_s, f->h[best].pike_s);
		}
		if (!plank)
			add_err(&sc->tilt_mae, &sc->tilt_n, t->tilt_deg, f->h[best].tilt_deg);
		score_faults(sc, &s->holds[k], t->faults & mask, f->h[best].faults);
		if (v && ((t->faults & mask) != f->h[best].faults ||
			  fabs(t->hold_s - f->h[best].hold_s) > 0.3))
			fprintf(v, "seed %u %s %c: hold %.2f/%.2f s (start %.2f/%.2f) faults %x/%x "
				"de %.2f..%.2f / %.2f..%.2f sag %.2f/%.2f rot %.2f/%.2f\n",
				seed, hf_exercise_info(s->exercise)->name, calibrated ? 'C' : 'U',
				t->hold_s,
				f->h[best].hold_s, t->start_s, f->h[best].start_s, t->faults,
				f->h[best].faults, t->min_elevation_change_deg,
				t->max_elevation_change_deg, f->h[best].min_elevation_change_deg,
				f->h[best].max_elevation_change_deg, t->sag_s, f->h[best].sag_s,
				t->max_abs_rotation_deg, f->h[best].max_abs_rotation_deg);
	}
	for (int j = 0; j < f->n; j++)
		if (!used[j]) {
			score_faults(sc, NULL, 0, f->h[j].faults);
			if (v)
				fprintf(v, "seed %u %s %c: extra hold %.1f-%.1f s\n", seed,
					hf_exercise_info(s->exercise)->name, calibrated ? 'C' : 'U',
					f->h[j].start_s,
					f->h[j].end_s);
		}
}

/* --session: every true and found hold. */
static void list_holds(const struct hf_sim_hold_session *s, const struct found *f, bool calibrated)
{
	for (int k = 0; k < s->n_holds; k++)
		printf("%c truth %6.2f-%6.2f s  faults %x  elevation %.2f deg\n",
		       calibrated ? 'C' : 'U', s->holds[k].sum.start_s, s->holds[k].sum.end_s,
		       s->holds[k].sum.faults, s->holds[k].sum.elevation_deg);
	for (int j = 0; j < f->n; j++)
		printf("%c found %6.2f-%6.2f s  faults %x  elevation %.2f deg\n",
		       calibrated ? 'C' : 'U', f->h[j].start_s, f->h[j].end_s, f->h[j].faults,
		       f->h[j].elevation_deg);
}

static void print_score(const char *title, const struct score *sc)
{
	static const enum hf_fault faults[] = {HF_FAULT_SHORT_HOLD, HF_FAULT_SAG, HF_FAULT_PIKE,
					       HF_FAULT_HIP_DROP, HF_FAULT_ANTERIOR_TILT};

	printf("%s\n", title);
	printf("  holds: %d true, %d found, recall %.3f, precision %.3f\n", sc->truth, sc->found,
	       hf_bench_ratio(sc->matched, sc->truth), hf_bench_ratio(sc->matched, sc->found));
	printf("  hold_s MAE %.3f s; planks: elevation change extremes MAE %.3f deg (n %d), "
	       "sag_s/pike_s MAE %.3f s (n %d)\n",
	       sc->hold_n ? sc->hold_mae / sc->hold_n : NAN,
	       sc->ext_n ? sc->ext_mae / sc->ext_n : NAN, sc->ext_n,
	       sc->sagpike_n ? sc->sagpike_mae / sc->sagpike_n : NAN, sc->sagpike_n);
	printf("  bias (mean found - true): extremes outwards %+.3f deg, sag_s/pike_s %+.3f s\n",
	       sc->ext_n ? sc->ext_bias / sc->ext_n : NAN,
	       sc->sagpike_n ? sc->sagpike_bias / sc->sagpike_n : NAN);
	if (sc->tilt_n)
		printf("  stretches: tilt against standing MAE %.3f deg (n %d)\n",
		       sc->tilt_mae / sc->tilt_n, sc->tilt_n);
	for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
		const struct fault_count *c = &sc->f[faults[i]], *d = &sc->clear[faults[i]];
		printf("  %-14s P %.3f R %.3f (tp %d fp %d fn %d); "
		       "near-threshold truths out: P %.3f R %.3f (%d out)\n",
		       hf_fault_name(faults[i]), hf_bench_ratio(c->tp, c->tp + c->fp),
		       hf_bench_ratio(c->tp, c->tp + c->fn), c->tp, c->fp, c->fn,
		       hf_bench_ratio(d->tp, d->tp + d->fp), hf_bench_ratio(d->tp, d->tp + d->fn),
		       d->ignored);
	}
}

static const struct {
	enum hf_exercise ex;
	enum hf_side side;
} cases[] = {
	{HF_EX_PLANK_FRONT, HF_SIDE_NONE},   {HF_EX_PLANK_SIDE, HF_SIDE_LEFT},
	{HF_EX_PLANK_SIDE, HF_SIDE_RIGHT},   {HF_EX_PLANK_BACK, HF_SIDE_NONE},
	{HF_EX_HIP_FLEXOR_STRETCH, HF_SIDE_LEFT}, {HF_EX_HIP_FLEXOR_STRETCH, HF_SIDE_RIGHT},
};
#define N_CASES (sizeof cases / sizeof cases[0])

static void run_set(const char *name, unsigned first_seed, int n, FILE *v)
{
	struct score sc[2] = {{0}};
	char title[160];

	for (int i = 0; i < n; i++) {
		unsigned seed = first_seed + (unsigned)i;
		for (size_t c = 0; c < N_CASES; c++) {
			struct hf_sim_sensor sensor;
			struct hf_sim_hold_session s;
			struct found f;
			unsigned sseed = seed * 31u + (unsigned)c;
			if (only_session >= 0 && sseed != (unsigned long)only_session)
				continue;
			double rate = (double[]){50.0, 100.0, 200.0, 100.0}[sseed % 4];
			enum hf_sim_grade g = sseed % 3 == 0 ? HF_SIM_GRADE_GOOD : HF_SIM_GRADE_MEMS;

			hf_sim_sensor_preset(&sensor, g, rate, sseed);
			if (hf_sim_hold_session(&sensor, cases[c].ex, cases[c].side, sseed, &s) != 0) {
				fprintf(stderr, "bench_kinds: simulation failed\n");
				exit(1);
			}
			for (int mode = 0; mode < 2; mode++) {
				analyse(&s, mode == 1, sseed, &f);
				if (only_session >= 0)
					list_holds(&s, &f, mode == 1);
				score_session(&s, &f, &sc[mode], v, sseed, mode == 1);
			}
			hf_sim_hold_session_free(&s);
		}
	}
	snprintf(title, sizeof title, "Holds, %s seeds (%d x %zu sessions), exercise given, no calibration",
		 name, n, N_CASES);
	print_score(title, &sc[0]);
	snprintf(title, sizeof title, "Holds, %s seeds (%d x %zu sessions), exercise given, calibrated",
		 name, n, N_CASES);
	print_score(title, &sc[1]);
}

int main(int argc, char **argv)
{
	struct hf_bench_args a;

	if (!hf_bench_parse_args(argc, argv, "bench_kinds", 20, &a, &only_session))
		return 2;
	if (a.tuning)
		run_set("tuning", 1u, a.sessions, a.verbose);
	if (a.held_out)
		run_set("held-out", HELD_OUT_SEED, a.sessions, a.verbose);
	hf_bench_print_calibrations();
	return 0;
}
