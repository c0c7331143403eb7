/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Accuracy of the side-walk analyser (core/kinds/steps.c) against
 * simulated sessions with ground truth by the contract's rules
 * (sim/sidewalk.c), with the exercise given, in two modes:
 *   given:      no calibration (side null: direction scored as the
 *               split and the agreement of the sets' directions);
 *   calibrated: the calibration estimated from the procedure of contract
 *               section 6 done with the session's own sensor
 *               (hf_bench_procedure_calibration(), kind_bench.h).
 * Sensors: specimens of the datasheet parts (sim/parts.c) worn anywhere on
 * a belt, 50-200 Hz.  Two parts:
 *   tuning:   seeds 1..N, the contract's ranges (0.2-0.5 m a cycle,
 *             20-50 cycles/min, 8-20 cycles a set);
 *   held-out: seeds 200001.., never looked at while tuning, the full
 *             ranges and a little beyond (0.18-0.55 m, 18-55 cycles/min,
 *             8-20 cycles a set).
 *   bench_steps [N] [-v] [--tuning|--held-out]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hipform/analyzer.h"
#include "hipform/sim.h"
#include "kind_bench.h"

#define MAX_FOUND 16
#define HELD_OUT_SEED 200001u

struct found_set {
	enum hf_side side;
	double start_s, end_s, cadence_cpm;
	int n;
	struct hf_cycle c[HF_SIM_SIDEWALK_MAX_CYCLES * 2];
};

struct found {
	int n;
	struct found_set s[MAX_FOUND];
};

struct score {
	int truth_sets, found_sets, matched, exact, max_err;
	int dir_ok, dir_n;
	double range_abs, cad_abs;
	int range_n, cad_n;
	int tp, fp, fn;
};

static void on_event(const struct hf_event *ev, void *user)
{
	struct found *f = user;
	struct found_set *s;

	if (ev->type != HF_EVENT_SET || !ev->set->steps || f->n >= MAX_FOUND)
		return;
	s = &f->s[f->n++];
	s->side = ev->set->side;
	s->start_s = ev->set->start_s;
	s->end_s = ev->set->end_s;
	s->cadence_cpm = ev->set->steps->cadence_cpm;
	s->n = ev->set->steps->n_cycles;
	if (s->n > (int)(sizeof s->c / sizeof s->c[0]))
		s->n = (int)(sizeof s->c / sizeof s->c[0]);
	memcpy(s->c, ev->set->steps->cycles, (size_t)s->n * sizeof s->c[0]);
}

static void analyse(const struct hf_sim_sidewalk_session *s, bool calibrated, unsigned seed,
		    struct found *f)
{
	const struct hf_bench_run run = {
		.exercise = HF_EX_SIDE_WALK, .side = HF_SIDE_NONE, .rate_hz = s->rate_hz,
		.calibrated = calibrated, .sensor = &s->sensor,
		.seed = seed,
	};

	memset(f, 0, sizeof *f);
	hf_bench_analyse(&run, s->samples, s->n, on_event, f);
}

/* The found cycle that overlaps truth cycle c most, -1 if none. */
static int match_cycle(const struct found_set *g, const struct hf_cycle *c)
{
	int best = -1;
	double best_o = 0.25 * (c->end_s - c->start_s);

	for (int j = 0; j < g->n; j++) {
		double o = hf_bench_overlap_s(c->start_s, c->end_s, g->c[j].start_s, g->c[j].end_s);
		if (o > best_o) {
			best_o = o;
			best = j;
		}
	}
	return best;
}

static void score_cycles(struct score *sc, const struct hf_sim_sidewalk_set *t,
			 const struct found_set *g, FILE *v, unsigned seed, bool cal)
{
	for (int k = 0; k < t->n_cycles; k++) {
		const struct hf_cycle *c = &t->cycles[k];
		bool tf = c->faults != 0, gf;
		int j = g ? match_cycle(g, c) : -1;
		if (j < 0) {
			sc->fn += tf;
			continue;
		}
		gf = g->c[j].faults != 0;
		sc->range_abs += fabs(c->obliquity_range_deg - g->c[j].obliquity_range_deg);
		sc->range_n++;
		sc->tp += tf && gf;
		sc->fn += tf && !gf;
		sc->fp += !tf && gf;
		if (v && (tf != gf || fabs(c->obliquity_range_deg - g->c[j].obliquity_range_deg) > 0.7))
			fprintf(v, "seed %u %c: cycle %.2f-%.2f range %.2f/%.2f\n", seed,
				cal ? 'C' : 'U', c->start_s, c->end_s, c->obliquity_range_deg,
				g->c[j].obliquity_range_deg);
	}
}

static void score_session(const struct hf_sim_sidewalk_session *s, const struct found *f,
			  struct score *sc, FILE *v, unsigned seed, bool cal)
{
	bool used[MAX_FOUND] = {false};
	sc->truth_sets += s->n_sets;
	sc->found_sets += f->n;
	for (int k = 0; k < s->n_sets; k++) {
		const struct hf_sim_sidewalk_set *t = &s->sets[k];
		int best = -1, err;
		double best_o = 0.5 * (t->end_s - t->start_s);
		for (int j = 0; j < f->n; j++) {
			double o = hf_bench_overlap_s(t->start_s, t->end_s, f->s[j].start_s, f->s[j].end_s);
			if (!used[j] && o > best_o) {
				best_o = o;
				best = j;
			}
		}
		if (best < 0) {
			score_cycles(sc, t, NULL, v, seed, cal);
			if (v)
				fprintf(v, "seed %u %c: missed set %.1f-%.1f s (%d cycles)\n", seed,
					cal ? 'C' : 'U', t->start_s, t->end_s, t->n_cycles);
			sc->max_err = t->n_cycles > sc->max_err ? t->n_cycles : sc->max_err;
			sc->dir_n += cal;
			continue;
		}
		used[best] = true;
		sc->matched++;
		err = abs(f->s[best].n - t->n_cycles);
		sc->exact += err == 0;
		sc->max_err = err > sc->max_err ? err : sc->max_err;
		if (isfinite(t->cadence_cpm) && isfinite(f->s[best].cadence_cpm)) {
			sc->cad_abs += fabs(t->cadence_cpm - f->s[best].cadence_cpm);
			sc->cad_n++;
		}
		if (cal) {
			sc->dir_n++;
			sc->dir_ok += f->s[best].side == t->side;
		}
		if (v && (err || (cal && f->s[best].side != t->side)))
			fprintf(v, "seed %u %c: set %.1f-%.1f s: %d/%d cycles, side %s/%s\n", seed,
				cal ? 'C' : 'U', t->start_s, t->end_s, f->s[best].n, t->n_cycles,
				hf_side_name(f->s[best].side) ? hf_side_name(f->s[best].side) : "null",
				hf_side_name(t->side));
		score_cycles(sc, t, &f->s[best], v, seed, cal);
	}
	/* uncalibrated, side is null: what is scored is the split, at every
	 * change of direction no found set spans both true sets */
	for (int k = 0; !cal && k + 1 < s->n_sets; k++) {
		const struct hf_sim_sidewalk_set *a = &s->sets[k], *b = &s->sets[k + 1];
		bool merged = false;
		if (a->side == b->side)
			continue;
		for (int j = 0; j < f->n; j++)
			merged |= hf_bench_overlap_s(a->start_s, a->end_s, f->s[j].start_s, f->s[j].end_s) > 0.5 &&
				  hf_bench_overlap_s(b->start_s, b->end_s, f->s[j].start_s, f->s[j].end_s) > 0.5;
		sc->dir_n++;
		sc->dir_ok += !merged;
	}
	for (int j = 0; j < f->n; j++)
		if (!used[j]) {
			for (int k = 0; k < f->s[j].n; k++)
				sc->fp += f->s[j].c[k].faults != 0;
			sc->max_err = f->s[j].n > sc->max_err ? f->s[j].n : sc->max_err;
			if (v)
				fprintf(v, "seed %u %c: extra set %.1f-%.1f s (%d cycles)\n", seed,
					cal ? 'C' : 'U', f->s[j].start_s, f->s[j].end_s, f->s[j].n);
		}
}

static void print_score(const char *title, const struct score *sc, bool cal)
{
	printf("%s\n", title);
	printf("  sets: %d true, %d found, %d matched\n", sc->truth_sets, sc->found_sets,
	       sc->matched);
	printf("  steps (cycles) exact: %.1f %% of true sets; max |error| %d\n",
	       100.0 * hf_bench_ratio(sc->exact, sc->truth_sets), sc->max_err);
	printf("  direction correct: %.1f %% of %d (%s)\n", 100.0 * hf_bench_ratio(sc->dir_ok, sc->dir_n),
	       sc->dir_n, cal ? "sets whose side is the true direction of travel"
			      : "side null; changes of direction where the sets split");
	printf("  cycle obliquity range MAE %.3f deg (n %d); cadence MAE %.2f cycles/min\n",
	       sc->range_n ? sc->range_abs / sc->range_n : NAN, sc->range_n,
	       sc->cad_n ? sc->cad_abs / sc->cad_n : NAN);
	printf("  pelvic_drop P %.3f R %.3f (tp %d fp %d fn %d)\n",
	       hf_bench_ratio(sc->tp, sc->tp + sc->fp),
	       hf_bench_ratio(sc->tp, sc->tp + sc->fn), sc->tp, sc->fp, sc->fn);
}

static void draw_sensor(struct hf_sim_sensor *sensor, unsigned sseed)
{
	double rate = (double[]){50.0, 100.0, 200.0, 100.0}[sseed % 4];

	hf_sim_sensor_from_part(sensor, (enum hf_sim_part)(sseed % HF_SIM_PART_COUNT), rate,
				sseed);
}

static void run_set(const char *name, unsigned first_seed, int n, bool held_out, FILE *v)
{
	struct score sc[2] = {{0}};
	struct hf_sim_sidewalk p;
	char title[200];

	hf_sim_sidewalk_defaults(&p);
	if (held_out) {
		p.cycle_m[0] = 0.18;
		p.cycle_m[1] = 0.55;
		p.cadence_cpm[0] = 18.0;
		p.cadence_cpm[1] = 55.0;
		p.cycles[0] = 8;
		p.cycles[1] = 20;
	} else {
		p.cycle_m[0] = 0.2;
		p.cycle_m[1] = 0.5;
		p.cadence_cpm[0] = 20.0;
		p.cadence_cpm[1] = 50.0;
		p.cycles[0] = 8;
		p.cycles[1] = 20;
	}
	for (int i = 0; i < n; i++) {
		unsigned seed = first_seed + (unsigned)i;
		struct hf_sim_sensor sensor;
		struct hf_sim_sidewalk_session s;
		struct found f;

		draw_sensor(&sensor, seed);
		p.sets = 2 + (int)(seed % 3);
		if (hf_sim_sidewalk_session(&p, &sensor, seed, &s) != 0) {
			fprintf(stderr, "bench_steps: simulation failed\n");
			exit(1);
		}
		for (int mode = 0; mode < 2; mode++) {
			analyse(&s, mode == 1, seed, &f);
			score_session(&s, &f, &sc[mode], v, seed, mode == 1);
		}
		hf_sim_sidewalk_session_free(&s);
	}
	snprintf(title, sizeof title, "Side walks, %s (%d sessions), exercise given, no calibration",
		 name, n);
	print_score(title, &sc[0], false);
	snprintf(title, sizeof title, "Side walks, %s (%d sessions), exercise given, calibrated",
		 name, n);
	print_score(title, &sc[1], true);
}

int main(int argc, char **argv)
{
	struct hf_bench_args a;

	if (!hf_bench_parse_args(argc, argv, "bench_steps", 30, &a, NULL))
		return 2;
	if (a.tuning)
		run_set("tuning seeds", 1u, a.sessions, false, a.verbose);
	if (a.held_out)
		run_set("held-out seeds", HELD_OUT_SEED, a.sessions, true, a.verbose);
	hf_bench_print_calibrations();
	return 0;
}
