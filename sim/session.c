/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A whole program session (include/hipform/sim.h, hf_sim_program_session):
 * the calibration procedure, then the glute activation program of
 * contract section 12 as blocks, with walking and standing between them,
 * on one sensor, with the truth of every exercise set.
 *
 * The blocks come from the three simulators, each physically modelled
 * with its own truth by the contract's rules on the true trajectory:
 * hip lifts and clam shells (each side) from the segment program
 * (sim/program.c), planks front, side (each side) and back from the hold
 * model (sim/hold.c), the walking bout (and a run) from the gait model
 * (sim/gait.c).  Every block starts and ends standing still, and the
 * blocks are joined there, one sample period apart: the heading is free
 * (invisible to the sensor), and the gait model's standing tilt
 * (-5..15 deg) differs from the level standing of the others, a step in
 * attitude the orientation filter settles in a second or two while the
 * person stands.  Between blocks the person walks a few steps (a short
 * bout of the gait model, or the segment program's walk) and stands: the
 * truth lists those stretches as "between", where no set belongs.
 * Foam rolling (face down, then face up, first as the program has it)
 * comes from the foam-roll model (sim/foamroll.c), the side walks (a set
 * each way, after the clam shells) from the side-walk model
 * (sim/sidewalk.c), each a whole session of its simulator with its truth.
 *
 * wide (held-out benches): wider ranges of set counts, walk lengths and
 * rests.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "hipform/error.h"
#include "hipform/report.h"
#include "sim_internal.h"

struct builder {
	struct hf_sim_session *out;
	struct hf_sim_sensor sensor;   /* t0 0: pieces are shifted in place */
	struct hf_rng rng;
	unsigned seed;
	int wide;
	size_t cap;
	double next_t_s;               /* where the next piece starts */
};

static double U(struct hf_rng *r, double lo, double hi)
{
	return hf_rng_uniform(r, lo, hi);
}

/* Append n samples, shifted to start at next_t_s; returns the shift. */
static int append(struct builder *b, const struct hf_sample *s, size_t n, double *shift_s)
{
	struct hf_sim_session *o = b->out;

	if (n == 0)
		return HF_ERR_ARG;
	if (o->n + n > b->cap) {
		size_t cap = (o->n + n) * 2;
		struct hf_sample *p = realloc(o->samples, cap * sizeof *p);
		if (!p)
			return HF_ERR_NOMEM;
		o->samples = p;
		b->cap = cap;
	}
	*shift_s = b->next_t_s - s[0].t_s;
	for (size_t i = 0; i < n; i++) {
		o->samples[o->n + i] = s[i];
		o->samples[o->n + i].t_s += *shift_s;
	}
	o->n += n;
	b->next_t_s = o->samples[o->n - 1].t_s + 1.0 / b->sensor.rate_hz;
	return HF_OK;
}

static void add_set(struct builder *b, const struct hf_sim_session_set *set)
{
	if (b->out->n_sets < HF_SIM_SESSION_MAX_SETS)
		b->out->sets[b->out->n_sets++] = *set;
}

static void add_between(struct builder *b, double start_s, double end_s)
{
	struct hf_sim_session *o = b->out;

	if (o->n_between < HF_SIM_SESSION_MAX_BETWEEN) {
		o->between[o->n_between].start_s = start_s;
		o->between[o->n_between].end_s = end_s;
		o->n_between++;
	}
}

/* ---- pieces ---- */

/* Standing, the procedure of contract section 6, standing. */
static int piece_calibration(struct builder *b)
{
	struct hf_sim *sim = hf_sim_new(&b->sensor, b->seed * 7u + 1u);
	const struct hf_sim_output *out;
	double shift;
	int r;

	if (!sim)
		return HF_ERR_NOMEM;
	r = hf_sim_stand(sim, U(&b->rng, 3.0, 5.0));
	if (r == HF_OK)
		r = hf_sim_calibration_procedure(sim);
	if (r == HF_OK)
		r = hf_sim_stand(sim, U(&b->rng, 2.0, 3.0));
	if (r == HF_OK)
		r = hf_sim_render(sim, &out);
	if (r == HF_OK)
		r = append(b, out->samples, out->n, &shift);
	b->out->n_calibration = b->out->n;
	hf_sim_free(sim);
	return r;
}

/* Walking and standing between blocks: a short gait bout or the segment
 * program's walk; the whole piece is "between". */
static int piece_between(struct builder *b)
{
	double t0 = b->next_t_s, shift;
	double lo = b->wide ? 3.0 : 4.0, hi = b->wide ? 16.0 : 12.0;
	int r;

	if (hf_rng_next(&b->rng) % 2) {
		struct hf_sim_gait p = {.duration_s = U(&b->rng, lo, hi),
					.stand_s = U(&b->rng, 2.0, 4.0)};
		struct hf_sim_gait_output g;
		r = hf_sim_gait_render(&p, &b->sensor, b->seed * 31u + (unsigned)b->out->n_between, &g);
		if (r == HF_OK)
			r = append(b, g.samples, g.n, &shift);
		hf_sim_gait_output_free(&g);
	} else {
		struct hf_sim *sim = hf_sim_new(&b->sensor, b->seed * 37u + (unsigned)b->out->n_between);
		const struct hf_sim_output *out;
		if (!sim)
			return HF_ERR_NOMEM;
		r = hf_sim_stand(sim, U(&b->rng, 2.0, 4.0));
		if (r == HF_OK)
			r = hf_sim_walk(sim, U(&b->rng, lo, hi), 0.0);
		if (r == HF_OK)
			r = hf_sim_stand(sim, U(&b->rng, 2.0, 4.0));
		if (r == HF_OK)
			r = hf_sim_render(sim, &out);
		if (r == HF_OK)
			r = append(b, out->samples, out->n, &shift);
		hf_sim_free(sim);
	}
	if (r == HF_OK)
		add_between(b, t0, b->next_t_s);
	return r;
}

static void rep_template(struct builder *b, enum hf_exercise ex, enum hf_side side,
			 struct hf_sim_set *set)
{
	struct hf_rng *g = &b->rng;

	memset(set, 0, sizeof *set);
	set->exercise = ex;
	set->side = side;
	set->reps = b->wide ? 6 + (int)(hf_rng_next(g) % 9) : 8 + (int)(hf_rng_next(g) % 5);
	set->rep.excursion_deg = ex == HF_EX_HIP_LIFT ? U(g, 18.0, 32.0) : U(g, 3.0, 7.0);
	set->rep.rise_s = U(g, 1.2, 2.2);
	set->rep.lower_s = U(g, 1.2, 2.2);
	set->rep.hold_s = U(g, 1.8, 3.0);
	set->rep.rest_after_s = U(g, 0.8, 2.5);
	set->variation = U(g, 0.2, 0.4);
	set->fault_rate = 0.3;
	set->fidgets = (int)(hf_rng_next(g) % 3);
}

/* Lying to lying over the back, as people turn on a mat. */
static int turn(struct hf_sim *sim, struct hf_rng *g, enum hf_posture from, enum hf_posture to)
{
	int r = HF_OK;

	if (from != HF_POSTURE_SUPINE && from != HF_POSTURE_UPRIGHT &&
	    to != HF_POSTURE_SUPINE && to != HF_POSTURE_UPRIGHT)
		r = hf_sim_change_posture(sim, HF_POSTURE_SUPINE, U(g, 1.5, 2.5));
	if (r == HF_OK)
		r = hf_sim_change_posture(sim, to, U(g, 2.0, 3.5));
	return r;
}

/* One rep block: down to the posture, its sets with rests, back up. */
static int piece_reps(struct builder *b, enum hf_exercise ex, enum hf_side side,
		      enum hf_posture posture)
{
	struct hf_sim *sim = hf_sim_new(&b->sensor, b->seed * 41u + (unsigned)b->out->n_sets);
	const struct hf_sim_output *out;
	struct hf_rng *g = &b->rng;
	int n_sets = b->wide ? 1 + (int)(hf_rng_next(g) % 3) : 2, r;
	double shift;

	if (!sim)
		return HF_ERR_NOMEM;
	r = hf_sim_stand(sim, U(g, 2.0, 4.0));
	if (r == HF_OK)
		r = turn(sim, g, HF_POSTURE_UPRIGHT, posture);
	for (int k = 0; k < n_sets && r == HF_OK; k++) {
		struct hf_sim_set set;
		rep_template(b, ex, side, &set);
		r = hf_sim_rest(sim, k == 0 ? U(g, 2.0, 5.0) : U(g, b->wide ? 12.0 : 15.0, 40.0));
		if (r == HF_OK)
			r = hf_sim_add_set(sim, &set);
	}
	if (r == HF_OK)
		r = hf_sim_rest(sim, U(g, 2.0, 5.0));
	if (r == HF_OK)
		r = turn(sim, g, posture, HF_POSTURE_UPRIGHT);
	if (r == HF_OK)
		r = hf_sim_stand(sim, U(g, 2.0, 4.0));
	if (r == HF_OK)
		r = hf_sim_render(sim, &out);
	if (r == HF_OK)
		r = append(b, out->samples, out->n, &shift);
	for (int k = 0; r == HF_OK && k < out->n_sets; k++) {
		struct hf_sim_session_set s = {
			.exercise = out->sets[k].exercise, .side = out->sets[k].side,
			.start_s = out->sets[k].start_s + shift, .end_s = out->sets[k].end_s + shift,
			.reps = out->sets[k].rep_count, .hold_s = NAN,
		};
		add_set(b, &s);
	}
	hf_sim_free(sim);
	return r;
}

static int piece_plank(struct builder *b, enum hf_exercise ex, enum hf_side side)
{
	struct hf_sim_hold_session h;
	double shift;
	int r = hf_sim_hold_session(&b->sensor, ex, side,
				    b->seed * 43u + (unsigned)b->out->n_sets, &h);

	if (r == HF_OK)
		r = append(b, h.samples, h.n, &shift);
	for (int k = 0; r == HF_OK && k < h.n_holds; k++) {
		struct hf_sim_session_set s = {
			.exercise = ex, .side = h.holds[k].side,
			.start_s = h.holds[k].sum.start_s + shift,
			.end_s = h.holds[k].sum.end_s + shift,
			.hold_s = h.holds[k].sum.hold_s,
			.hold = h.holds[k].sum,
			.near_faults = h.holds[k].near_faults,
		};
		s.hold.start_s += shift;
		s.hold.end_s += shift;
		add_set(b, &s);
	}
	hf_sim_hold_session_free(&h);
	return r;
}

static int piece_gait(struct builder *b, int run)
{
	struct hf_sim_gait p = {.run = run, .stand_s = U(&b->rng, 3.0, 5.0)};
	struct hf_sim_gait_output g;
	double shift;
	int r;

	p.duration_s = run ? U(&b->rng, 20.0, 40.0)
			   : (b->wide ? U(&b->rng, 30.0, 120.0) : U(&b->rng, 40.0, 90.0));
	r = hf_sim_gait_render(&p, &b->sensor, b->seed * 47u + (unsigned)run, &g);
	if (r == HF_OK)
		r = append(b, g.samples, g.n, &shift);
	if (r == HF_OK && g.truth.steps >= 4) {
		struct hf_sim_session_set s = {
			.exercise = g.truth.run ? HF_EX_RUN : HF_EX_WALK,
			.start_s = g.truth.t_contact_s[0] + shift,
			.end_s = g.truth.t_contact_s[g.truth.steps - 1] + shift,
			.steps = g.truth.steps, .hold_s = NAN,
		};
		add_set(b, &s);
	}
	hf_sim_gait_output_free(&g);
	return r;
}

/*
 * Foam rolling in posture (face down or up): the foam-roll simulator's
 * session of the first of a few seeds whose first set is done in it
 * (its model draws the posture from the seed); sets in the other posture,
 * when it rolls over, are in the truth as done.
 */
static int piece_foamroll(struct builder *b, enum hf_posture posture)
{
	struct hf_sim_foamroll_session fr;
	unsigned seed = b->seed * 53u + (unsigned)posture * 1000u;
	double shift;
	int r = HF_ERR_ARG;

	for (int tries = 0; tries < 16; tries++, seed++) {
		r = hf_sim_foamroll_session(&b->sensor, seed, b->wide, &fr);
		if (r != HF_OK)
			return r;
		if (fr.n_sets > 0 && fr.sets[0].sum.posture == posture)
			break;
		hf_sim_foamroll_session_free(&fr);
		r = HF_ERR_ARG;
	}
	if (r != HF_OK)
		return r;
	r = append(b, fr.samples, fr.n, &shift);
	for (int k = 0; r == HF_OK && k < fr.n_sets; k++) {
		struct hf_sim_session_set s = {
			.exercise = HF_EX_FOAM_ROLL,
			.start_s = fr.sets[k].start_s + shift, .end_s = fr.sets[k].end_s + shift,
			.passes = fr.sets[k].sum.passes, .hold_s = NAN,
		};
		add_set(b, &s);
	}
	hf_sim_foamroll_session_free(&fr);
	return r;
}

/* Side walks: the side-walk simulator's session of two sets, the
 * direction changing between them (sim/sidewalk.c). */
static int piece_sidewalk(struct builder *b)
{
	struct hf_sim_sidewalk p;
	struct hf_sim_sidewalk_session sw;
	double shift;
	int r;

	hf_sim_sidewalk_defaults(&p);
	p.sets = 2;
	r = hf_sim_sidewalk_session(&p, &b->sensor, b->seed * 59u + 1u, &sw);
	if (r != HF_OK)
		return r;
	r = append(b, sw.samples, sw.n, &shift);
	for (int k = 0; r == HF_OK && k < sw.n_sets; k++) {
		struct hf_sim_session_set s = {
			.exercise = HF_EX_SIDE_WALK, .side = sw.sets[k].side,
			.start_s = sw.sets[k].start_s + shift, .end_s = sw.sets[k].end_s + shift,
			.steps = sw.sets[k].n_cycles, .hold_s = NAN,
		};
		add_set(b, &s);
	}
	hf_sim_sidewalk_session_free(&sw);
	return r;
}

/* ---- the program ---- */

static int build(struct builder *b)
{
	int r = piece_calibration(b);

	if (r == HF_OK) r = piece_between(b);
	if (r == HF_OK) r = piece_foamroll(b, HF_POSTURE_PRONE);
	if (r == HF_OK) r = piece_between(b);
	if (r == HF_OK) r = piece_foamroll(b, HF_POSTURE_SUPINE);
	if (r == HF_OK) r = piece_between(b);
	if (r == HF_OK) r = piece_reps(b, HF_EX_HIP_LIFT, HF_SIDE_NONE, HF_POSTURE_SUPINE);
	if (r == HF_OK) r = piece_between(b);
	if (r == HF_OK) r = piece_reps(b, HF_EX_CLAM_SHELL, HF_SIDE_LEFT, HF_POSTURE_SIDE_RIGHT);
	if (r == HF_OK) r = piece_between(b);
	if (r == HF_OK) r = piece_reps(b, HF_EX_CLAM_SHELL, HF_SIDE_RIGHT, HF_POSTURE_SIDE_LEFT);
	if (r == HF_OK) r = piece_between(b);
	if (r == HF_OK) r = piece_sidewalk(b);
	if (r == HF_OK) r = piece_between(b);
	if (r == HF_OK) r = piece_plank(b, HF_EX_PLANK_FRONT, HF_SIDE_NONE);
	if (r == HF_OK) r = piece_between(b);
	if (r == HF_OK) r = piece_plank(b, HF_EX_PLANK_SIDE, HF_SIDE_RIGHT);
	if (r == HF_OK) r = piece_between(b);
	if (r == HF_OK) r = piece_plank(b, HF_EX_PLANK_SIDE, HF_SIDE_LEFT);
	if (r == HF_OK) r = piece_between(b);
	if (r == HF_OK) r = piece_plank(b, HF_EX_PLANK_BACK, HF_SIDE_NONE);
	if (r == HF_OK) r = piece_between(b);
	if (r == HF_OK) r = piece_gait(b, 0);
	if (r == HF_OK && hf_rng_next(&b->rng) % 2) r = piece_gait(b, 1);
	if (r == HF_OK) r = piece_between(b);
	return r;
}

int hf_sim_program_session(const struct hf_sim_sensor *sensor, unsigned seed, int wide,
			   struct hf_sim_session *out)
{
	struct builder b;
	int r;

	if (!out)
		return HF_ERR_ARG;
	memset(out, 0, sizeof *out);
	if (!sensor || !(sensor->rate_hz > 0.0))
		return HF_ERR_ARG;
	memset(&b, 0, sizeof b);
	b.out = out;
	b.sensor = *sensor;
	b.sensor.t0_s = 0.0;
	b.seed = seed;
	b.wide = wide;
	b.next_t_s = sensor->t0_s;
	hf_rng_seed(&b.rng, 0x70726f67ULL ^ ((uint64_t)seed << 17) ^ (uint64_t)wide);
	out->sensor = *sensor;
	r = build(&b);
	if (r != HF_OK)
		hf_sim_session_free(out);
	return r;
}

void hf_sim_session_free(struct hf_sim_session *s)
{
	if (!s)
		return;
	free(s->samples);
	s->samples = NULL;
	s->n = 0;
}

int hf_sim_session_write_csv(const struct hf_sim_session *s, FILE *f)
{
	struct hf_sim_output out;

	memset(&out, 0, sizeof out);
	out.n = s->n;
	out.samples = s->samples;
	out.sensor = s->sensor;
	return hf_sim_write_csv(&out, f);
}

static json_object *num_or_null(double v)
{
	return isfinite(v) ? json_object_new_double(v) : NULL;
}

int hf_sim_session_write_truth_json(const struct hf_sim_session *s, FILE *f)
{
	json_object *o = json_object_new_object(), *sets = json_object_new_array();
	json_object *between = json_object_new_array(), *truth = json_object_new_object();
	json_object *mount = json_object_new_array();
	const struct hf_quat *q = &s->sensor.pelvis_to_sensor;

	json_object_object_add(o, "contract", json_object_new_int(HF_CONTRACT_VERSION));
	for (int i = 0; i < s->n_sets; i++) {
		const struct hf_sim_session_set *x = &s->sets[i];
		const struct hf_exercise_info *e = hf_exercise_info(x->exercise);
		json_object *set = json_object_new_object();
		json_object_object_add(set, "exercise", json_object_new_string(e->name));
		json_object_object_add(set, "kind", json_object_new_string(hf_kind_name(e->kind)));
		json_object_object_add(set, "side", hf_side_name(x->side)
			? json_object_new_string(hf_side_name(x->side)) : NULL);
		json_object_object_add(set, "start_s", json_object_new_double(x->start_s));
		json_object_object_add(set, "end_s", json_object_new_double(x->end_s));
		if (e->kind == HF_KIND_REPS)
			json_object_object_add(set, "rep_count", json_object_new_int(x->reps));
		if (e->kind == HF_KIND_HOLD)
			json_object_object_add(set, "hold_s", num_or_null(x->hold_s));
		if (e->kind == HF_KIND_GAIT || e->kind == HF_KIND_STEPS)
			json_object_object_add(set, "steps", json_object_new_int(x->steps));
		if (e->kind == HF_KIND_PASSES)
			json_object_object_add(set, "passes", json_object_new_int(x->passes));
		json_object_array_add(sets, set);
	}
	json_object_object_add(o, "sets", sets);
	for (int i = 0; i < s->n_between; i++) {
		json_object *w = json_object_new_object();
		json_object_object_add(w, "start_s", json_object_new_double(s->between[i].start_s));
		json_object_object_add(w, "end_s", json_object_new_double(s->between[i].end_s));
		json_object_array_add(between, w);
	}
	json_object_array_add(mount, json_object_new_double(q->w));
	json_object_array_add(mount, json_object_new_double(q->x));
	json_object_array_add(mount, json_object_new_double(q->y));
	json_object_array_add(mount, json_object_new_double(q->z));
	json_object_object_add(truth, "pelvis_to_sensor", mount);
	json_object_object_add(truth, "between", between);
	json_object_object_add(truth, "calibration_end_s",
			       json_object_new_double(s->n_calibration > 0
				       ? s->samples[s->n_calibration - 1].t_s : 0.0));
	json_object_object_add(o, "truth", truth);
	fprintf(f, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
	json_object_put(o);
	return ferror(f) ? HF_ERR_SYS : HF_OK;
}
