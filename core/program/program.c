/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Programs and compliance (include/hipform/program.h, contract section 12;
 * the file format is docs/programs.md).
 *
 * A program file is INI: an optional [program] section with `name`, then
 * one section per block, in the order the blocks are done; the section
 * name is the block's label.  Matching is greedy and in order: a finished
 * set goes to the first block, at or after the block the previous set
 * went to, that prescribes its exercise (and side and posture); a block
 * left behind with nothing is missed.  That is how a person works down a
 * list: a set of the next block is not taken for a late set of a
 * missed one.
 */
#include <ini.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hipform/error.h"
#include "hipform/program.h"

struct parse_ctx {
	struct hf_program *p;
	char section[64];
	const char *why;
	bool in_program;
};

static struct hf_range no_range(void)
{
	return (struct hf_range){NAN, NAN};
}

/* "10-12", "30" or "2.5"; false if malformed. */
static bool parse_range(const char *v, struct hf_range *r)
{
	char *end;

	r->lo = strtod(v, &end);
	if (end == v || !isfinite(r->lo) || r->lo < 0.0)
		return false;
	r->hi = r->lo;
	if (*end == '-') {
		const char *hi = end + 1;
		r->hi = strtod(hi, &end);
		if (end == hi || !isfinite(r->hi) || r->hi < r->lo)
			return false;
	}
	while (*end == ' ')
		end++;
	return *end == '\0';
}

static bool parse_side(const char *v, enum hf_program_side *s)
{
	static const char *const names[] = {"none", "left", "right", "both"};

	for (int i = 0; i < 4; i++)
		if (strcmp(v, names[i]) == 0) {
			*s = (enum hf_program_side)i;
			return true;
		}
	return false;
}

static void block_init(struct hf_program_block *b, const char *label)
{
	memset(b, 0, sizeof *b);
	snprintf(b->label, sizeof b->label, "%s", label);
	b->exercise = HF_EX_NONE;
	b->posture = HF_POSTURE_UNKNOWN;
	b->sets = (struct hf_range){1.0, 1.0};
	b->reps = b->cycles = b->passes = no_range();
	b->hold_s = NAN;
}

static const char *block_key(struct hf_program_block *b, const char *key, const char *v)
{
	if (strcmp(key, "exercise") == 0) {
		b->exercise = hf_exercise_from_name(v);
		return b->exercise == HF_EX_NONE ? "unknown exercise" : NULL;
	}
	if (strcmp(key, "side") == 0)
		return parse_side(v, &b->side) ? NULL : "side is none, left, right or both";
	if (strcmp(key, "posture") == 0) {
		b->posture = strcmp(v, "face_down") == 0 ? HF_POSTURE_PRONE
			   : strcmp(v, "face_up") == 0 ? HF_POSTURE_SUPINE : HF_POSTURE_COUNT;
		return b->posture == HF_POSTURE_COUNT ? "posture is face_down or face_up" : NULL;
	}
	if (strcmp(key, "hold_s") == 0) {
		struct hf_range r;
		if (!parse_range(v, &r) || r.lo != r.hi || r.lo <= 0.0)
			return "hold_s is one positive number of seconds";
		b->hold_s = r.lo;
		return NULL;
	}
	struct hf_range *r = strcmp(key, "sets") == 0 ? &b->sets
			   : strcmp(key, "reps") == 0 ? &b->reps
			   : strcmp(key, "cycles") == 0 ? &b->cycles
			   : strcmp(key, "passes") == 0 ? &b->passes : NULL;
	if (!r)
		return "unknown key";
	return parse_range(v, r) ? NULL : "not a number or range like 10-12";
}

static int program_ini_line(void *user, const char *section, const char *key, const char *v)
{
	struct parse_ctx *c = user;
	struct hf_program *p = c->p;

	if (strcmp(section, "program") == 0) {
		if (strcmp(key, "name") != 0) {
			c->why = "[program] has only name";
			return 0;
		}
		snprintf(p->name, sizeof p->name, "%s", v);
		return 1;
	}
	if (p->n_blocks == 0 || strcmp(section, c->section) != 0) {
		if (p->n_blocks == HF_PROGRAM_MAX_BLOCKS) {
			c->why = "too many blocks";
			return 0;
		}
		snprintf(c->section, sizeof c->section, "%s", section);
		block_init(&p->blocks[p->n_blocks++], section);
	}
	c->why = block_key(&p->blocks[p->n_blocks - 1], key, v);
	return c->why == NULL;
}

/* What the exercise's kind needs prescribed. */
static const char *block_check(const struct hf_program_block *b)
{
	const struct hf_exercise_info *e = hf_exercise_info(b->exercise);

	if (!e)
		return "a block without exercise";
	if (e->sided != (b->side != HF_PROGRAM_SIDE_NONE))
		return e->sided ? "the exercise needs side = left, right or both"
				: "the exercise has no side";
	switch (e->kind) {
	case HF_KIND_REPS: return isnan(b->reps.lo) ? "reps missing" : NULL;
	case HF_KIND_HOLD: return isnan(b->hold_s) ? "hold_s missing" : NULL;
	case HF_KIND_STEPS: return isnan(b->cycles.lo) ? "cycles missing" : NULL;
	case HF_KIND_PASSES: return isnan(b->passes.lo) ? "passes missing" : NULL;
	default: return NULL;
	}
}

int hf_program_parse(struct hf_program *p, const char *text, char *err, size_t errlen)
{
	struct parse_ctx ctx = {.p = p};
	int line;

	if (!p || !text)
		return HF_ERR_ARG;
	memset(p, 0, sizeof *p);
	line = ini_parse_string(text, program_ini_line, &ctx);
	if (line != 0) {
		snprintf(err, errlen, "line %d: %s", line, ctx.why ? ctx.why : "not INI");
		return HF_ERR_FORMAT;
	}
	if (p->n_blocks == 0) {
		snprintf(err, errlen, "no blocks");
		return HF_ERR_FORMAT;
	}
	for (int i = 0; i < p->n_blocks; i++) {
		const char *why = block_check(&p->blocks[i]);
		if (why) {
			snprintf(err, errlen, "[%s]: %s", p->blocks[i].label, why);
			return HF_ERR_FORMAT;
		}
	}
	return HF_OK;
}

double hf_program_hold_target_s(const struct hf_program *p, enum hf_exercise ex)
{
	for (int i = 0; i < p->n_blocks; i++)
		if (p->blocks[i].exercise == ex && isfinite(p->blocks[i].hold_s))
			return p->blocks[i].hold_s;
	return 0.0;
}

/* ---- compliance ---- */

static bool in_range(const struct hf_range *r, double v)
{
	return isnan(r->lo) || (v >= r->lo - 1e-9 && v <= r->hi + 1e-9);
}

static bool side_fits(const struct hf_program_block *b, enum hf_side s)
{
	switch (b->side) {
	case HF_PROGRAM_SIDE_LEFT: return s == HF_SIDE_LEFT;
	case HF_PROGRAM_SIDE_RIGHT: return s == HF_SIDE_RIGHT;
	default: return true; /* both, or unsided; an unknown side fits both */
	}
}

static bool block_takes(const struct hf_program_block *b, const struct hf_set_summary *s)
{
	if (s->exercise != b->exercise || !side_fits(b, s->side))
		return false;
	if (b->posture != HF_POSTURE_UNKNOWN && s->passes &&
	    s->passes->posture != HF_POSTURE_UNKNOWN && s->passes->posture != b->posture)
		return false;
	return true;
}

/* One set as the block prescribes it: reps in range with every rep held
 * hold_s; a hold at least hold_s; cycles or passes in range. */
static bool set_as_prescribed(const struct hf_program_block *b, const struct hf_set_summary *s)
{
	if (s->hold)
		return s->hold->hold_s >= b->hold_s - 1e-9;
	if (s->steps)
		return in_range(&b->cycles, s->steps->steps);
	if (s->passes)
		return in_range(&b->passes, s->passes->passes);
	if (!in_range(&b->reps, s->rep_count))
		return false;
	for (int i = 0; isfinite(b->hold_s) && i < s->rep_count; i++)
		if (s->reps[i].hold_s < b->hold_s - 1e-9)
			return false;
	return true;
}

/* Sets done as prescribed on each side the block asks for. */
static bool block_complete(const struct hf_program_block *b, const struct hf_report *r,
			   const struct hf_block_result *res)
{
	int ok[3] = {0, 0, 0}; /* none, left, right */

	for (int i = 0; i < res->n_sets; i++)
		if (res->set_ok[i])
			ok[r->sets[res->sets[i]].sum.side]++;
	if (b->side == HF_PROGRAM_SIDE_BOTH)
		return ok[HF_SIDE_LEFT] >= b->sets.lo && ok[HF_SIDE_RIGHT] >= b->sets.lo;
	return ok[0] + ok[1] + ok[2] >= b->sets.lo;
}

void hf_program_comply(const struct hf_program *p, const struct hf_report *r,
		       struct hf_compliance *c)
{
	int at = 0;

	memset(c, 0, sizeof *c);
	c->n_blocks = p->n_blocks;
	for (int i = 0; i < r->n_sets; i++) {
		const struct hf_set_summary *s = &r->sets[i].sum;
		int k = at;
		while (k < p->n_blocks && !block_takes(&p->blocks[k], s))
			k++;
		if (k == p->n_blocks || c->blocks[k].n_sets == HF_PROGRAM_MAX_MATCHED) {
			c->unmatched_sets++;
			continue;
		}
		at = k;
		c->blocks[k].set_ok[c->blocks[k].n_sets] = set_as_prescribed(&p->blocks[k], s);
		c->blocks[k].sets[c->blocks[k].n_sets++] = i;
	}
	for (int k = 0; k < p->n_blocks; k++) {
		struct hf_block_result *b = &c->blocks[k];
		b->complete = b->n_sets > 0 && block_complete(&p->blocks[k], r, b);
		b->status = b->complete ? HF_BLOCK_DONE : b->n_sets ? HF_BLOCK_PARTLY : HF_BLOCK_MISSED;
	}
}

/* ---- JSON and words ---- */

static const char *const program_side_names[] = {NULL, "left", "right", "both"};
static const char *const status_names[] = {"missed", "partly_done", "done"};

static void add_range(json_object *o, const char *key, const struct hf_range *r)
{
	char text[48];

	if (isnan(r->lo))
		return;
	if (r->lo == r->hi)
		snprintf(text, sizeof text, "%g", r->lo);
	else
		snprintf(text, sizeof text, "%g-%g", r->lo, r->hi);
	json_object_object_add(o, key, json_object_new_string(text));
}

/* v with 3 decimals, printed as people write it. */
static json_object *json_seconds(double v)
{
	char text[48];
	size_t n;

	v = round(v * 1000.0) / 1000.0;
	n = (size_t)snprintf(text, sizeof text, "%.3f", v);
	while (n > 1 && text[n - 1] == '0' && text[n - 2] != '.')
		text[--n] = '\0';
	return json_object_new_double_s(v, text);
}

static json_object *json_prescribed(const struct hf_program_block *b)
{
	json_object *o = json_object_new_object();

	add_range(o, "sets", &b->sets);
	add_range(o, "reps", &b->reps);
	if (isfinite(b->hold_s))
		json_object_object_add(o, "hold_s", json_seconds(b->hold_s));
	add_range(o, "cycles", &b->cycles);
	add_range(o, "passes", &b->passes);
	if (b->posture != HF_POSTURE_UNKNOWN)
		json_object_object_add(o, "posture", json_object_new_string(
					       b->posture == HF_POSTURE_PRONE ? "face_down" : "face_up"));
	return o;
}

static json_object *json_done_set(const struct hf_set_summary *s, bool ok)
{
	json_object *o = json_object_new_object();
	const char *side = hf_side_name(s->side);

	json_object_object_add(o, "side", side ? json_object_new_string(side) : NULL);
	json_object_object_add(o, "start_s", json_seconds(s->start_s));
	if (s->hold)
		json_object_object_add(o, "hold_s", json_seconds(s->hold->hold_s));
	else if (s->steps)
		json_object_object_add(o, "cycles", json_object_new_int(s->steps->steps));
	else if (s->passes)
		json_object_object_add(o, "passes", json_object_new_int(s->passes->passes));
	else
		json_object_object_add(o, "reps", json_object_new_int(s->rep_count));
	json_object_object_add(o, "as_prescribed", json_object_new_boolean(ok));
	return o;
}

json_object *hf_json_compliance(const struct hf_program *p, const struct hf_report *r,
				const struct hf_compliance *c)
{
	json_object *a = json_object_new_array();

	for (int k = 0; k < c->n_blocks; k++) {
		const struct hf_program_block *b = &p->blocks[k];
		const struct hf_block_result *res = &c->blocks[k];
		json_object *o = json_object_new_object(), *done = json_object_new_object();
		json_object *sets = json_object_new_array();

		json_object_object_add(o, "block", json_object_new_string(b->label));
		json_object_object_add(o, "exercise", json_object_new_string(
					       hf_exercise_info(b->exercise)->name));
		json_object_object_add(o, "side", program_side_names[b->side]
			? json_object_new_string(program_side_names[b->side]) : NULL);
		json_object_object_add(o, "prescribed", json_prescribed(b));
		for (int i = 0; i < res->n_sets; i++)
			json_object_array_add(sets, json_done_set(&r->sets[res->sets[i]].sum,
								   res->set_ok[i]));
		json_object_object_add(done, "sets", sets);
		json_object_object_add(o, "done", done);
		json_object_object_add(o, "complete", json_object_new_boolean(res->complete));
		json_object_object_add(o, "status", json_object_new_string(status_names[res->status]));
		json_object_array_add(a, o);
	}
	return a;
}

static void print_done(FILE *f, const struct hf_set_summary *s)
{
	const char *side = hf_side_name(s->side);

	if (side)
		fprintf(f, "%s ", side);
	if (s->hold)
		fprintf(f, "%.0f s", s->hold->hold_s);
	else if (s->steps)
		fprintf(f, "%d cycles", s->steps->steps);
	else if (s->passes)
		fprintf(f, "%d passes", s->passes->passes);
	else
		fprintf(f, "%d reps", s->rep_count);
}

void hf_compliance_print_text(FILE *f, const struct hf_program *p, const struct hf_report *r,
			      const struct hf_compliance *c)
{
	static const char *const marks[] = {"missed     ", "partly done", "done       "};
	int done = 0;

	fprintf(f, "\nProgram%s%s:\n", p->name[0] ? " " : "", p->name);
	for (int k = 0; k < c->n_blocks; k++) {
		const struct hf_block_result *res = &c->blocks[k];
		done += res->status == HF_BLOCK_DONE;
		fprintf(f, "  %s  %s", marks[res->status], p->blocks[k].label);
		for (int i = 0; i < res->n_sets; i++) {
			fputs(i ? ", " : ": ", f);
			print_done(f, &r->sets[res->sets[i]].sum);
			if (!res->set_ok[i])
				fputs(" (short of the prescription)", f);
		}
		fputc('\n', f);
	}
	fprintf(f, "  %d of %d blocks done.\n", done, c->n_blocks);
}
