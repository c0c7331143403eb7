/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Accuracy of the foam-roll analyser (core/kinds/passes.c) against
 * simulated sessions with ground truth by the contract's rules
 * (sim/foamroll.c), exercise given, in two modes:
 *   given:      no calibration (posture is then null and not scored);
 *   calibrated: the calibration estimated from the procedure of contract
 *               section 6 done with the session's own sensor
 *               (hf_bench_procedure_calibration(), kind_bench.h).
 * Sensors: a specimen of one of the datasheet parts (sim/parts.c) worn
 * anywhere on the belt, 50-200 Hz.  Two seed sets: tuning (seeds 1..N,
 * the simulator's ordinary ranges) and held-out (seeds 100001.., other
 * parts and rates, the simulator's wide ranges), the latter never looked
 * at while tuning.
 *   bench_passes [N] [-v] [--tuning|--held-out]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hipform/analyzer.h"
#include "hipform/sim.h"
#include "kind_bench.h"

#define MAX_FOUND 32
#define HELD_OUT_SEED 100001u

struct got_set {
	double start_s, end_s;
	struct hf_passes_summary sum;
};

struct found {
	int n;
	struct got_set s[MAX_FOUND];
};

struct score {
	int truth, found, matched, exact, within1, posture_ok, posture_n;
	double period_err;
	int period_n;
};

static void on_event(const struct hf_event *ev, void *user)
{
	struct found *f = user;

	if (ev->type == HF_EVENT_SET && ev->set->passes && f->n < MAX_FOUND) {
		f->s[f->n].start_s = ev->set->start_s;
		f->s[f->n].end_s = ev->set->end_s;
		f->s[f->n].sum = *ev->set->passes;
		f->n++;
	}
}

static void analyse(const struct hf_sim_foamroll_session *s, bool calibrated, unsigned seed,
		    struct found *f)
{
	const struct hf_bench_run run = {
		.exercise = HF_EX_FOAM_ROLL, .side = HF_SIDE_NONE, .rate_hz = s->rate_hz,
		.calibrated = calibrated, .sensor = &s->sensor,
		.seed = seed,
	};

	memset(f, 0, sizeof *f);
	hf_bench_analyse(&run, s->samples, s->n, on_event, f);
}

static void score_session(const struct hf_sim_foamroll_session *s, const struct found *f,
			  struct score *sc, FILE *v, unsigned seed, bool calibrated)
{
	bool used[MAX_FOUND] = {false};

	sc->truth += s->n_sets;
	sc->found += f->n;
	for (int k = 0; k < s->n_sets; k++) {
		const struct hf_sim_foamroll_set_truth *t = &s->sets[k];
		int best = -1;
		double best_ov = 0.0;
		for (int j = 0; j < f->n; j++) {
			double ov = hf_bench_overlap_s(t->start_s, t->end_s, f->s[j].start_s, f->s[j].end_s);
			if (!used[j] && ov > 0.5 * (t->end_s - t->start_s) && ov > best_ov) {
				best = j;
				best_ov = ov;
			}
		}
		if (best < 0) {
			if (v)
				fprintf(v, "seed %u %c: missed set %.1f-%.1f s (%d passes)\n", seed,
					calibrated ? 'C' : 'U', t->start_s, t->end_s, t->sum.passes);
			continue;
		}
		used[best] = true;
		sc->matched++;
		sc->exact += f->s[best].sum.passes == t->sum.passes;
		sc->within1 += abs(f->s[best].sum.passes - t->sum.passes) <= 1;
		if (calibrated) {
			sc->posture_n++;
			sc->posture_ok += f->s[best].sum.posture == t->sum.posture;
		}
		if (isfinite(f->s[best].sum.pass_period_s)) {
			sc->period_err += fabs(f->s[best].sum.pass_period_s - t->sum.pass_period_s);
			sc->period_n++;
		}
		if (v && (f->s[best].sum.passes != t->sum.passes ||
			  (calibrated && f->s[best].sum.posture != t->sum.posture)))
			fprintf(v, "seed %u %c: set %.1f-%.1f s passes %d/%d posture %d/%d "
				"period %.2f/%.2f (found %.1f-%.1f)\n", seed, calibrated ? 'C' : 'U',
				t->start_s, t->end_s, t->sum.passes, f->s[best].sum.passes,
				t->sum.posture, f->s[best].sum.posture, t->sum.pass_period_s,
				f->s[best].sum.pass_period_s, f->s[best].start_s, f->s[best].end_s);
	}
	for (int j = 0; j < f->n; j++)
		if (!used[j] && v)
			fprintf(v, "seed %u %c: extra set %.1f-%.1f s (%d passes)\n", seed,
				calibrated ? 'C' : 'U', f->s[j].start_s, f->s[j].end_s,
				f->s[j].sum.passes);
}

static double pct(int a, int b)
{
	return b > 0 ? 100.0 * a / b : NAN;
}

static void print_score(const char *title, const struct score *sc)
{
	printf("%s\n", title);
	printf("  sets: %d true, %d found, %d matched (recall %.1f %%, precision %.1f %%)\n",
	       sc->truth, sc->found, sc->matched, pct(sc->matched, sc->truth),
	       pct(sc->matched, sc->found));
	printf("  passes exact in %.1f %% of true sets, within +-1 in %.1f %%\n",
	       pct(sc->exact, sc->truth), pct(sc->within1, sc->truth));
	if (sc->posture_n)
		printf("  posture correct in %.1f %% of matched sets\n",
		       pct(sc->posture_ok, sc->posture_n));
	printf("  pass_period_s MAE %.3f s (n %d)\n",
	       sc->period_n ? sc->period_err / sc->period_n : NAN, sc->period_n);
}

static void run_set(const char *name, unsigned first_seed, int n, bool wide, FILE *v)
{
	static const double rates[] = {50.0, 100.0, 200.0, 100.0};
	struct score sc[2] = {{0}};
	char title[160];

	for (int i = 0; i < n; i++) {
		unsigned seed = first_seed + (unsigned)i;
		struct hf_sim_sensor sensor;
		struct hf_sim_foamroll_session s;
		/* held-out: the parts and rates in another order */
		unsigned pick = wide ? seed * 7u + 3u : seed;
		enum hf_sim_part part = (enum hf_sim_part)(pick % HF_SIM_PART_COUNT);

		hf_sim_sensor_from_part(&sensor, part, rates[(pick / 3u) % 4u], seed);
		if (hf_sim_foamroll_session(&sensor, seed, wide, &s) != 0) {
			fprintf(stderr, "bench_passes: simulation failed\n");
			exit(1);
		}
		for (int mode = 0; mode < 2; mode++) {
			struct found f;
			analyse(&s, mode == 1, seed, &f);
			score_session(&s, &f, &sc[mode], v, seed, mode == 1);
		}
		hf_sim_foamroll_session_free(&s);
	}
	snprintf(title, sizeof title, "Foam roll, %s seeds (%d sessions), exercise given, no calibration",
		 name, n);
	print_score(title, &sc[0]);
	snprintf(title, sizeof title, "Foam roll, %s seeds (%d sessions), exercise given, calibrated",
		 name, n);
	print_score(title, &sc[1]);
}

int main(int argc, char **argv)
{
	struct hf_bench_args a;

	if (!hf_bench_parse_args(argc, argv, "bench_passes", 40, &a, NULL))
		return 2;
	if (a.tuning)
		run_set("tuning", 1u, a.sessions, false, a.verbose);
	if (a.held_out)
		run_set("held-out", HELD_OUT_SEED, a.sessions, true, a.verbose);
	hf_bench_print_calibrations();
	return 0;
}
