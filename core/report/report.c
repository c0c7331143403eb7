/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reports: contract section 8 JSON and the plain-words summary.
 *
 * Numbers are rounded for people (angles and times to 0.01 / 0.001) only
 * in the text output; JSON carries doubles as json-c prints them, rounded
 * to a fixed number of decimals so that equal analyses print equally.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hipform/error.h"
#include "hipform/report.h"

/* What to do about pelvic_drop, in the live fault and the set's summary. */
#define PELVIC_DROP_ADVICE "keep the pelvis level: push the band apart with the hips, let " \
	"the standing leg's glute hold the pelvis up, and take smaller steps"

void hf_report_init(struct hf_report *r)
{
	memset(r, 0, sizeof *r);
}

void hf_report_free(struct hf_report *r)
{
	for (int i = 0; i < r->n_sets; i++) {
		free(r->sets[i].reps);
		free(r->sets[i].hold);
		free(r->sets[i].gait);
		free(r->sets[i].contacts);
		free(r->sets[i].passes);
		free(r->sets[i].steps);
		free(r->sets[i].cycles);
	}
	free(r->sets);
	memset(r, 0, sizeof *r);
}

/* Deep copy of a gait summary and its contacts into rs. */
static int copy_gait(struct hf_report_set *rs, const struct hf_gait_summary *g)
{
	size_t n;

	if (!g)
		return HF_OK;
	n = g->n_contacts > 0 ? (size_t)g->n_contacts : 0;
	rs->gait = malloc(sizeof *rs->gait);
	rs->contacts = calloc(n ? n : 1, sizeof *rs->contacts);
	if (!rs->gait || !rs->contacts)
		return HF_ERR_NOMEM;
	*rs->gait = *g;
	if (n)
		memcpy(rs->contacts, g->contacts, n * sizeof *rs->contacts);
	rs->gait->contacts = rs->contacts;
	rs->sum.gait = rs->gait;
	return HF_OK;
}

/* Copy of a foam-roll summary into rs. */
static int copy_passes(struct hf_report_set *rs, const struct hf_passes_summary *p)
{
	rs->passes = NULL;
	rs->sum.passes = NULL;
	if (!p)
		return HF_OK;
	rs->passes = malloc(sizeof *rs->passes);
	if (!rs->passes)
		return HF_ERR_NOMEM;
	*rs->passes = *p;
	rs->sum.passes = rs->passes;
	return HF_OK;
}

/* Deep copy of a side-walk summary and its cycles into rs. */
static int copy_steps(struct hf_report_set *rs, const struct hf_steps_summary *st)
{
	size_t n;

	if (!st)
		return HF_OK;
	n = st->n_cycles > 0 ? (size_t)st->n_cycles : 0;
	rs->steps = malloc(sizeof *rs->steps);
	rs->cycles = calloc(n ? n : 1, sizeof *rs->cycles);
	if (!rs->steps || !rs->cycles)
		return HF_ERR_NOMEM;
	*rs->steps = *st;
	if (n)
		memcpy(rs->cycles, st->cycles, n * sizeof *rs->cycles);
	rs->steps->cycles = rs->cycles;
	rs->sum.steps = rs->steps;
	return HF_OK;
}

int hf_report_add_set(struct hf_report *r, const struct hf_set_summary *s)
{
	int rc;

	struct hf_report_set *rs;

	if (r->n_sets == r->cap_sets) {
		int cap = r->cap_sets ? 2 * r->cap_sets : 8;
		void *p = realloc(r->sets, (size_t)cap * sizeof *r->sets);
		if (!p)
			return HF_ERR_NOMEM;
		r->sets = p;
		r->cap_sets = cap;
	}
	rs = &r->sets[r->n_sets];
	rs->sum = *s;
	rs->reps = calloc(s->rep_count > 0 ? (size_t)s->rep_count : 1, sizeof *rs->reps);
	if (!rs->reps)
		return HF_ERR_NOMEM;
	if (s->rep_count > 0)
		memcpy(rs->reps, s->reps, (size_t)s->rep_count * sizeof *rs->reps);
	rs->sum.reps = rs->reps;
	rs->hold = NULL;
	if (s->hold) {
		rs->hold = malloc(sizeof *rs->hold);
		if (!rs->hold) {
			free(rs->reps);
			return HF_ERR_NOMEM;
		}
		*rs->hold = *s->hold;
	}
	rs->sum.hold = rs->hold;
	rs->gait = NULL;
	rs->contacts = NULL;
	rs->steps = NULL;
	rs->cycles = NULL;
	rs->sum.steps = NULL;
	r->n_sets++;
	if (copy_passes(rs, s->passes) != HF_OK)
		return HF_ERR_NOMEM;
	rc = copy_gait(rs, s->gait);
	return rc == HF_OK ? copy_steps(rs, s->steps) : rc;
}

void hf_input_info_from_decoder(struct hf_input_info *in, const struct hf_decoder *d)
{
	in->format = hf_format_name(d->format);
	in->samples = d->stats.samples;
	in->rate_hz = d->rate_hz;
	in->bad_lines = d->stats.bad_lines;
	in->bad_packets = d->stats.bad_packets;
	in->gaps = d->stats.gaps;
}

/* A double rounded to `decimals`, so output does not carry float noise. */
static json_object *json_num(double v, int decimals)
{
	double scale = pow(10.0, decimals);

	if (!isfinite(v))
		return NULL;
	char text[48];
	size_t n;

	v = round(v * scale) / scale;
	if (v == 0.0)
		v = 0.0; /* no "-0" */
	/* print the rounded value as people write it: 27.3, not 27.300000000000001 */
	n = (size_t)snprintf(text, sizeof text, "%.*f", decimals, v);
	while (n > 1 && decimals > 0 && text[n - 1] == '0' && text[n - 2] != '.')
		text[--n] = '\0';
	return json_object_new_double_s(v, text);
}

static void add_num(json_object *o, const char *key, double v, int decimals)
{
	json_object_object_add(o, key, json_num(v, decimals));
}

static json_object *json_faults(uint32_t faults)
{
	json_object *a = json_object_new_array();

	for (int f = 0; f < HF_FAULT_COUNT; f++)
		if (faults & HF_FAULT_BIT(f))
			json_object_array_add(a, json_object_new_string(
						      hf_fault_name((enum hf_fault)f)));
	return a;
}

json_object *hf_json_rep(const struct hf_rep *rep)
{
	json_object *o = json_object_new_object();

	add_num(o, "start_s", rep->start_s, 3);
	add_num(o, "peak_s", rep->peak_s, 3);
	add_num(o, "end_s", rep->end_s, 3);
	add_num(o, "excursion_deg", rep->excursion_deg, 2);
	add_num(o, "hold_s", rep->hold_s, 3);
	add_num(o, "rise_s", rep->rise_s, 3);
	add_num(o, "lower_s", rep->lower_s, 3);
	add_num(o, "tilt_deg", rep->tilt_deg, 2);
	add_num(o, "obliquity_deg", rep->obliquity_deg, 2);
	add_num(o, "rotation_deg", rep->rotation_deg, 2);
	json_object_object_add(o, "faults", json_faults(rep->faults));
	return o;
}

json_object *hf_json_hold(const struct hf_hold_summary *h)
{
	json_object *o = json_object_new_object();

	add_num(o, "start_s", h->start_s, 3);
	add_num(o, "end_s", h->end_s, 3);
	add_num(o, "hold_s", h->hold_s, 3);
	add_num(o, "elevation_deg", h->elevation_deg, 2);
	add_num(o, "min_elevation_change_deg", h->min_elevation_change_deg, 2);
	add_num(o, "max_elevation_change_deg", h->max_elevation_change_deg, 2);
	add_num(o, "sag_s", h->sag_s, 3);
	add_num(o, "pike_s", h->pike_s, 3);
	add_num(o, "max_abs_rotation_deg", h->max_abs_rotation_deg, 2);
	add_num(o, "tilt_deg", h->tilt_deg, 2);
	add_num(o, "tremor_hz", h->tremor_hz, 2);
	add_num(o, "tremor_deg", h->tremor_deg, 3);
	json_object_object_add(o, "faults", json_faults(h->faults));
	return o;
}

static json_object *json_side(enum hf_side s)
{
	const char *name = hf_side_name(s);

	return name ? json_object_new_string(name) : NULL;
}

json_object *hf_json_set(const struct hf_set_summary *set)
{
	const struct hf_exercise_info *e = hf_exercise_info(set->exercise);
	json_object *o = json_object_new_object();
	json_object *reps = json_object_new_array();

	json_object_object_add(o, "exercise",
			       json_object_new_string(e ? e->name : "unknown"));
	json_object_object_add(o, "kind",
			       json_object_new_string(e ? hf_kind_name(e->kind) : "reps"));
	json_object_object_add(o, "side", json_side(set->side));
	add_num(o, "start_s", set->start_s, 3);
	add_num(o, "end_s", set->end_s, 3);
	json_object_object_add(o, "rep_count", json_object_new_int(set->rep_count));
	for (int i = 0; i < set->rep_count; i++)
		json_object_array_add(reps, hf_json_rep(&set->reps[i]));
	json_object_object_add(o, "reps", reps);
	if (set->rep_period_s > 0.0)
		add_num(o, "rep_period_s", set->rep_period_s, 2);
	if (set->hold_tremor_hz > 0.0) {
		add_num(o, "hold_tremor_hz", set->hold_tremor_hz, 2);
		add_num(o, "hold_tremor_deg", set->hold_tremor_deg, 3);
	}
	if (set->hold)
		json_object_object_add(o, "hold", hf_json_hold(set->hold));
	if (set->gait)
		hf_json_gait(o, set->gait);
	if (set->passes)
		hf_json_passes(o, set->passes);
	if (set->steps)
		hf_json_steps(o, set->steps);
	return o;
}

void hf_json_passes(json_object *o, const struct hf_passes_summary *p)
{
	const char *posture = p->posture == HF_POSTURE_PRONE ? "face_down"
			    : p->posture == HF_POSTURE_SUPINE ? "face_up" : NULL;

	json_object_object_add(o, "passes", json_object_new_int(p->passes));
	json_object_object_add(o, "posture", posture ? json_object_new_string(posture) : NULL);
	add_num(o, "pass_period_s", p->pass_period_s, 2);
}

void hf_json_steps(json_object *o, const struct hf_steps_summary *st)
{
	json_object *cycles = json_object_new_array();

	json_object_object_add(o, "steps", json_object_new_int(st->steps));
	add_num(o, "cadence_cpm", st->cadence_cpm, 1);
	for (int i = 0; i < st->n_cycles; i++) {
		const struct hf_cycle *c = &st->cycles[i];
		json_object *j = json_object_new_object();
		add_num(j, "start_s", c->start_s, 3);
		add_num(j, "end_s", c->end_s, 3);
		add_num(j, "obliquity_range_deg", c->obliquity_range_deg, 2);
		json_object_object_add(j, "faults", json_faults(c->faults));
		json_object_array_add(cycles, j);
	}
	json_object_object_add(o, "cycles", cycles);
}

/* {"left": l, "right": r} */
static json_object *json_per_foot(const double v[2], int decimals)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "left", json_num(v[0], decimals));
	json_object_object_add(o, "right", json_num(v[1], decimals));
	return o;
}

void hf_json_gait(json_object *o, const struct hf_gait_summary *g)
{
	json_object *contacts = json_object_new_array();

	json_object_object_add(o, "steps", json_object_new_int(g->steps));
	add_num(o, "cadence_spm", g->cadence_spm, 1);
	for (int i = 0; i < g->n_contacts; i++) {
		json_object *c = json_object_new_object();
		add_num(c, "t_s", g->contacts[i].t_s, 3);
		json_object_object_add(c, "foot", json_side(g->contacts[i].foot));
		json_object_array_add(contacts, c);
	}
	json_object_object_add(o, "contacts", contacts);
	json_object_object_add(o, "step_time_s", json_per_foot(g->step_time_s, 3));
	json_object_object_add(o, "pelvic_drop_deg", json_per_foot(g->pelvic_drop_deg, 2));
	add_num(o, "obliquity_range_deg", g->obliquity_range_deg, 2);
	add_num(o, "rotation_range_deg", g->rotation_range_deg, 2);
	add_num(o, "vertical_oscillation_cm", g->vertical_oscillation_cm, 2);
	json_object_object_add(o, "contact_time_s", json_per_foot(g->contact_time_s, 3));
	add_num(o, "tilt_deg", g->tilt_deg, 2);
	/* the flight-phase classification (section 11), also when the
	 * exercise was given (section 7) and says otherwise */
	json_object_object_add(o, "classified", json_object_new_string(g->run ? "run" : "walk"));
}

json_object *hf_json_input(const struct hf_input_info *in)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "format",
			       in->format ? json_object_new_string(in->format) : NULL);
	json_object_object_add(o, "samples", json_object_new_int64((int64_t)in->samples));
	add_num(o, "rate_hz", in->rate_hz, 3);
	json_object_object_add(o, "bad_lines", json_object_new_int64((int64_t)in->bad_lines));
	json_object_object_add(o, "bad_packets", json_object_new_int64((int64_t)in->bad_packets));
	json_object_object_add(o, "gaps", json_object_new_int64((int64_t)in->gaps));
	return o;
}

json_object *hf_json_report(const struct hf_input_info *in, bool calibrated,
			    const struct hf_report *r)
{
	json_object *o = json_object_new_object();
	json_object *sets = json_object_new_array();

	json_object_object_add(o, "contract", json_object_new_int(HF_CONTRACT_VERSION));
	json_object_object_add(o, "input", hf_json_input(in));
	json_object_object_add(o, "calibrated", json_object_new_boolean(calibrated));
	for (int i = 0; i < r->n_sets; i++)
		json_object_array_add(sets, hf_json_set(&r->sets[i].sum));
	json_object_object_add(o, "sets", sets);
	return o;
}

/* ---- plain words ---- */

static void hold_fault_advice(char *buf, size_t len, enum hf_fault f,
			      const struct hf_hold_summary *h);

void hf_fault_advice(char *buf, size_t len, enum hf_fault f,
		     const struct hf_rep *rep, int rep_number)
{
	if (rep_number < 1 && (f == HF_FAULT_SHORT_HOLD || f == HF_FAULT_HIP_DROP)) {
		/* a hold's (section 9), not a rep's */
		struct hf_hold_summary h = {.hold_s = rep->hold_s,
					    .max_abs_rotation_deg = rep->max_abs_rotation_deg};
		hold_fault_advice(buf, len, f, &h);
		return;
	}
	switch (f) {
	case HF_FAULT_SHORT_HOLD:
		snprintf(buf, len, "held %.1f s on rep %d: hold the top for a full 2 s before lowering",
			 rep->hold_s, rep_number);
		break;
	case HF_FAULT_SHALLOW:
		snprintf(buf, len, "hips rose only %.0f\xc2\xb0 on rep %d: squeeze the glutes and lift until thighs and trunk line up",
			 rep->excursion_deg, rep_number);
		break;
	case HF_FAULT_HIP_DROP:
		snprintf(buf, len, "pelvis rotated %.0f\xc2\xb0 on rep %d: one side sank, keep both hip points level as you bridge",
			 rep->max_abs_rotation_deg, rep_number);
		break;
	case HF_FAULT_PELVIS_ROLLBACK:
		snprintf(buf, len, "pelvis rolled back %.0f\xc2\xb0 on rep %d: keep the hips stacked, open the knee less",
			 rep->excursion_deg, rep_number);
		break;
	case HF_FAULT_RUSHED:
		snprintf(buf, len, "rep %d was rushed (up %.1f s, down %.1f s): take at least half a second each way",
			 rep_number, rep->rise_s, rep->lower_s);
		break;
	case HF_FAULT_SAG:
		snprintf(buf, len, "hips sinking (%.0f\xc2\xb0 below the start): lift them back in line",
			 fabs(rep->excursion_deg));
		break;
	case HF_FAULT_PIKE:
		snprintf(buf, len, "hips hitched up (%.0f\xc2\xb0 above the start): lower them into one line from shoulders to heels",
			 fabs(rep->excursion_deg));
		break;
	case HF_FAULT_ANTERIOR_TILT:
		snprintf(buf, len, "pelvis tipped forward %.0f\xc2\xb0, the back arches: tuck the pelvis under and squeeze the glute of the kneeling leg",
			 rep->excursion_deg);
		break;
	case HF_FAULT_PELVIC_DROP:
		snprintf(buf, len, "pelvis rocked %.0f\xc2\xb0 side to side in a cycle: %s",
			 rep->excursion_deg, PELVIC_DROP_ADVICE);
		break;
	default:
		snprintf(buf, len, "rep %d: unknown fault", rep_number);
	}
}

/* One sentence for a fault of a hold. */
static void hold_fault_advice(char *buf, size_t len, enum hf_fault f,
			      const struct hf_hold_summary *h)
{
	switch (f) {
	case HF_FAULT_SHORT_HOLD:
		snprintf(buf, len, "held %.0f s, short of the target: build up to the full hold, rest and go again",
			 h->hold_s);
		break;
	case HF_FAULT_SAG:
		snprintf(buf, len, "hips sinking for %.1f s (down to %.0f\xc2\xb0): lift them back in line",
			 h->sag_s, h->min_elevation_change_deg);
		break;
	case HF_FAULT_PIKE:
		snprintf(buf, len, "hips hitched up for %.1f s (up to +%.0f\xc2\xb0): lower them into one line from shoulders to heels",
			 h->pike_s, h->max_elevation_change_deg);
		break;
	case HF_FAULT_HIP_DROP:
		snprintf(buf, len, "pelvis rotated up to %.0f\xc2\xb0: one hip dropped, keep both hip points level",
			 h->max_abs_rotation_deg);
		break;
	case HF_FAULT_ANTERIOR_TILT:
		snprintf(buf, len, "pelvis tipped forward %.0f\xc2\xb0, the back arches: tuck the pelvis under and squeeze the glute of the kneeling leg",
			 h->tilt_deg);
		break;
	default:
		snprintf(buf, len, "%s", hf_fault_name(f));
	}
}

static void print_hold_text(FILE *f, int index, const struct hf_set_summary *s)
{
	const struct hf_exercise_info *e = hf_exercise_info(s->exercise);
	const struct hf_hold_summary *h = s->hold;
	const char *side = hf_side_name(s->side);

	fprintf(f, "Set %d: %s%s%s, held %.1f s, %.1f s to %.1f s\n", index + 1,
		e ? e->title : "?", side ? ", " : "", side ? side : "",
		h->hold_s, h->start_s, h->end_s);
	if (isfinite(h->min_elevation_change_deg)) {
		fprintf(f, "  hips %+.1f\xc2\xb0 to %+.1f\xc2\xb0 from the start", h->min_elevation_change_deg,
			h->max_elevation_change_deg);
		if (isfinite(h->elevation_deg))
			fprintf(f, " (body line %.0f\xc2\xb0 up)", h->elevation_deg);
		fprintf(f, "; low %.1f s, high %.1f s; rotation up to %.1f\xc2\xb0\n", h->sag_s,
			h->pike_s, h->max_abs_rotation_deg);
	}
	if (isfinite(h->tilt_deg))
		fprintf(f, "  pelvis tilt %+.1f\xc2\xb0 against standing\n", h->tilt_deg);
	if (isfinite(h->tremor_hz))
		fprintf(f, "  shaking %.2f\xc2\xb0 at %.1f Hz\n", h->tremor_deg, h->tremor_hz);
	for (int k = 0; k < HF_FAULT_COUNT; k++)
		if (h->faults & HF_FAULT_BIT(k)) {
			char advice[200];
			hold_fault_advice(advice, sizeof advice, (enum hf_fault)k, h);
			fprintf(f, "  - %s\n", advice);
		}
	if (!h->faults)
		fprintf(f, "  Good hold.\n");
}

/* What the pelvic drop per side means, in words. */
static void print_drop_text(FILE *f, const struct hf_gait_summary *g)
{
	double l = g->pelvic_drop_deg[0], r = g->pelvic_drop_deg[1];

	if (!isfinite(l) || !isfinite(r))
		return;
	fprintf(f, "  Pelvic drop: %.1f\xc2\xb0 standing on the left leg, %.1f\xc2\xb0 on the right.\n", l, r);
	fprintf(f, "  (The hip of the swinging leg sinks while the other leg carries you; the\n"
		   "  gluteus medius of the standing leg holds it up.  More drop means a weaker\n"
		   "  hold; each extra degree in running goes with more injuries, Bramah 2018.)\n");
	if (fabs(l - r) >= 1.0)
		fprintf(f, "  The %s leg lets the pelvis drop %.1f\xc2\xb0 more than the other: its gluteus\n"
			   "  medius is the one to work on.\n", l > r ? "left" : "right", fabs(l - r));
}

static void print_gait_text(FILE *f, int index, const struct hf_set_summary *s)
{
	const struct hf_gait_summary *g = s->gait;
	const struct hf_exercise_info *e = hf_exercise_info(s->exercise);

	fprintf(f, "Set %d: %s, %d steps, %.1f s to %.1f s (moved like a %s)\n", index + 1,
		e ? e->title : "?", g->steps, s->start_s, s->end_s, g->run ? "run" : "walk");
	fprintf(f, "  Cadence %.0f steps/min", g->cadence_spm);
	if (isfinite(g->step_time_s[0]) && isfinite(g->step_time_s[1]))
		fprintf(f, "; step time %.2f s from the left foot, %.2f s from the right",
			g->step_time_s[0], g->step_time_s[1]);
	fprintf(f, ".\n");
	print_drop_text(f, g);
	if (isfinite(g->vertical_oscillation_cm))
		fprintf(f, "  The pelvis bounces %.1f cm up and down per step.\n",
			g->vertical_oscillation_cm);
	if (isfinite(g->obliquity_range_deg) && isfinite(g->rotation_range_deg))
		fprintf(f, "  Per stride it tips %.1f\xc2\xb0 side to side and turns %.1f\xc2\xb0.\n",
			g->obliquity_range_deg, g->rotation_range_deg);
	if (isfinite(g->contact_time_s[0]) && isfinite(g->contact_time_s[1]))
		fprintf(f, "  Ground contact %.0f ms on the left foot, %.0f ms on the right.\n",
			1000.0 * g->contact_time_s[0], 1000.0 * g->contact_time_s[1]);
	if (isfinite(g->tilt_deg))
		fprintf(f, "  Pelvis tilted %.1f\xc2\xb0 %s against standing.\n", fabs(g->tilt_deg),
			g->tilt_deg >= 0.0 ? "forward" : "back");
}

static void print_passes_text(FILE *f, int index, const struct hf_set_summary *s)
{
	const struct hf_passes_summary *p = s->passes;
	const char *where = p->posture == HF_POSTURE_PRONE ? ", face down (quads, hip flexors)"
			  : p->posture == HF_POSTURE_SUPINE ? ", face up (low back)" : "";

	fprintf(f, "Set %d: Foam roll%s, %d pass%s, %.1f s to %.1f s\n", index + 1, where,
		p->passes, p->passes == 1 ? "" : "es", s->start_s, s->end_s);
	if (isfinite(p->pass_period_s) && p->pass_period_s > 0.0)
		fprintf(f, "  %.1f s per pass (down the roller and back)%s.\n", p->pass_period_s,
			p->pass_period_s < 2.0 ? ": slower passes give the muscle time to release"
						: "");
}

/* A side-walk set in words, with what to do about pelvic_drop. */
static void print_steps_text(FILE *f, int index, const struct hf_set_summary *s)
{
	const struct hf_steps_summary *st = s->steps;
	const struct hf_exercise_info *e = hf_exercise_info(s->exercise);
	const char *side = hf_side_name(s->side);
	int dropped = 0;
	double worst = 0.0;

	fprintf(f, "Set %d: %s%s%s, %d cycle%s, %.1f s to %.1f s\n", index + 1,
		e ? e->title : "?", side ? ", to the " : "", side ? side : "",
		st->steps, st->steps == 1 ? "" : "s", s->start_s, s->end_s);
	if (isfinite(st->cadence_cpm))
		fprintf(f, "  %.0f cycles a minute (a step out and a step after it).\n",
			st->cadence_cpm);
	fprintf(f, "  cycle  obliquity range  faults\n");
	for (int i = 0; i < st->n_cycles; i++) {
		const struct hf_cycle *c = &st->cycles[i];
		bool drop = c->faults & HF_FAULT_BIT(HF_FAULT_PELVIC_DROP);
		fprintf(f, "  %5d  %13.1f\xc2\xb0  %s\n", i + 1, c->obliquity_range_deg,
			drop ? "pelvic_drop" : "ok");
		if (drop) {
			dropped++;
			worst = fmax(worst, c->obliquity_range_deg);
		}
	}
	if (dropped)
		fprintf(f, "  - the pelvis rocked side to side by up to %.0f\xc2\xb0 in %d of %d cycles: %s\n",
			worst, dropped, st->n_cycles, PELVIC_DROP_ADVICE);
	else
		fprintf(f, "  Pelvis level in every cycle.\n");
}

static void print_set_text(FILE *f, int index, const struct hf_set_summary *s)
{
	const struct hf_exercise_info *e = hf_exercise_info(s->exercise);
	const char *side = hf_side_name(s->side);
	int clean = 0;

	if (s->hold) {
		print_hold_text(f, index, s);
		return;
	}
	if (s->gait) {
		print_gait_text(f, index, s);
		return;
	}
	if (s->passes) {
		print_passes_text(f, index, s);
		return;
	}
	if (s->steps) {
		print_steps_text(f, index, s);
		return;
	}
	fprintf(f, "Set %d: %s%s%s, %d rep%s, %.1f s to %.1f s\n", index + 1,
		e ? e->title : "?", side ? ", " : "", side ? side : "",
		s->rep_count, s->rep_count == 1 ? "" : "s", s->start_s, s->end_s);
	fprintf(f, "  rep  excursion   hold   rise  lower    tilt  obliq    rot  faults\n");
	for (int i = 0; i < s->rep_count; i++) {
		const struct hf_rep *r = &s->reps[i];
		fprintf(f, "  %3d  %7.1f\xc2\xb0  %5.1fs %5.1fs %5.1fs  %6.1f\xc2\xb0 %5.1f\xc2\xb0 %5.1f\xc2\xb0  ",
			i + 1, r->excursion_deg, r->hold_s, r->rise_s, r->lower_s,
			r->tilt_deg, r->obliquity_deg, r->rotation_deg);
		if (!r->faults) {
			fprintf(f, "ok\n");
			clean++;
			continue;
		}
		for (int k = 0, first = 1; k < HF_FAULT_COUNT; k++)
			if (r->faults & HF_FAULT_BIT(k)) {
				fprintf(f, "%s%s", first ? "" : ",", hf_fault_name((enum hf_fault)k));
				first = 0;
			}
		fputc('\n', f);
	}
	for (int i = 0; i < s->rep_count; i++)
		for (int k = 0; k < HF_FAULT_COUNT; k++)
			if (s->reps[i].faults & HF_FAULT_BIT(k)) {
				char advice[200];
				hf_fault_advice(advice, sizeof advice, (enum hf_fault)k,
						&s->reps[i], i + 1);
				fprintf(f, "  - %s\n", advice);
			}
	fprintf(f, "  %d of %d reps clean.", clean, s->rep_count);
	if (s->rep_period_s > 0.0)
		fprintf(f, " One rep every %.1f s.", s->rep_period_s);
	fputc('\n', f);
}

void hf_report_print_text(FILE *f, const struct hf_input_info *in,
			  bool calibrated, const struct hf_report *r)
{
	fprintf(f, "Input: %s, %llu samples at %.1f Hz", in->format ? in->format : "?",
		(unsigned long long)in->samples, in->rate_hz);
	if (in->bad_lines || in->bad_packets || in->gaps)
		fprintf(f, " (%llu bad lines, %llu bad packets, %llu gaps)",
			(unsigned long long)in->bad_lines,
			(unsigned long long)in->bad_packets,
			(unsigned long long)in->gaps);
	fprintf(f, "; %s.\n", calibrated ? "calibrated" : "not calibrated");
	if (r->n_sets == 0) {
		fprintf(f, "No exercise sets found.\n");
		return;
	}
	for (int i = 0; i < r->n_sets; i++) {
		fputc('\n', f);
		print_set_text(f, i, &r->sets[i].sum);
	}
}
