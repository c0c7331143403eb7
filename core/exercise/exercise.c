/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The exercise table (contract section 3), names, thresholds (section 5)
 * and the per-rep fault rules.  A new exercise is one more row here.
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "hipform/error.h"
#include "hipform/exercise.h"
#include "hipform/rotation.h"

static const struct hf_exercise_info exercises[HF_EX_COUNT] = {
	[HF_EX_HIP_LIFT] = {
		.id = HF_EX_HIP_LIFT,
		.name = "hip_lift",
		.title = "Hip lift",
		.kind = HF_KIND_REPS,
		.sided = false,
		.axis = HF_AXIS_TILT,
		.sign_left = -1.0, /* posterior tilt as the hips rise */
		.sign_right = -1.0,
		.faults = HF_FAULT_BIT(HF_FAULT_SHORT_HOLD) |
			  HF_FAULT_BIT(HF_FAULT_SHALLOW) |
			  HF_FAULT_BIT(HF_FAULT_HIP_DROP) |
			  HF_FAULT_BIT(HF_FAULT_RUSHED),
		.posture_left = HF_POSTURE_SUPINE,
		.posture_right = HF_POSTURE_SUPINE,
	},
	[HF_EX_CLAM_SHELL] = {
		.id = HF_EX_CLAM_SHELL,
		.name = "clam_shell",
		.title = "Clam shell",
		.kind = HF_KIND_REPS,
		.sided = true,
		.axis = HF_AXIS_ROTATION,
		.sign_left = 1.0,  /* left leg on top: left side rolls back */
		.sign_right = -1.0,
		.faults = HF_FAULT_BIT(HF_FAULT_SHORT_HOLD) |
			  HF_FAULT_BIT(HF_FAULT_PELVIS_ROLLBACK) |
			  HF_FAULT_BIT(HF_FAULT_RUSHED),
		.posture_left = HF_POSTURE_SIDE_RIGHT,  /* lying on the right side */
		.posture_right = HF_POSTURE_SIDE_LEFT,
	},
	/* Holds (section 9): axis and signs are not used by the hold kind. */
	[HF_EX_PLANK_FRONT] = {
		.id = HF_EX_PLANK_FRONT,
		.name = "plank_front",
		.title = "Front plank",
		.kind = HF_KIND_HOLD,
		.sided = false,
		.sign_left = 1.0,
		.sign_right = 1.0,
		.faults = HF_FAULT_BIT(HF_FAULT_SHORT_HOLD) |
			  HF_FAULT_BIT(HF_FAULT_SAG) |
			  HF_FAULT_BIT(HF_FAULT_PIKE) |
			  HF_FAULT_BIT(HF_FAULT_HIP_DROP),
		.posture_left = HF_POSTURE_PRONE,
		.posture_right = HF_POSTURE_PRONE,
	},
	[HF_EX_PLANK_SIDE] = {
		.id = HF_EX_PLANK_SIDE,
		.name = "plank_side",
		.title = "Side plank",
		.kind = HF_KIND_HOLD,
		.sided = true,           /* the side facing the floor */
		.sign_left = 1.0,
		.sign_right = 1.0,
		.faults = HF_FAULT_BIT(HF_FAULT_SHORT_HOLD) |
			  HF_FAULT_BIT(HF_FAULT_SAG),
		.posture_left = HF_POSTURE_SIDE_LEFT,   /* left side down: -y up */
		.posture_right = HF_POSTURE_SIDE_RIGHT,
	},
	[HF_EX_PLANK_BACK] = {
		.id = HF_EX_PLANK_BACK,
		.name = "plank_back",
		.title = "Back plank",
		.kind = HF_KIND_HOLD,
		.sided = false,
		.sign_left = 1.0,
		.sign_right = 1.0,
		.faults = HF_FAULT_BIT(HF_FAULT_SHORT_HOLD) |
			  HF_FAULT_BIT(HF_FAULT_SAG) |
			  HF_FAULT_BIT(HF_FAULT_PIKE) |
			  HF_FAULT_BIT(HF_FAULT_HIP_DROP),
		.posture_left = HF_POSTURE_SUPINE,
		.posture_right = HF_POSTURE_SUPINE,
	},
	[HF_EX_HIP_FLEXOR_STRETCH] = {
		.id = HF_EX_HIP_FLEXOR_STRETCH,
		.name = "hip_flexor_stretch",
		.title = "Hip flexor stretch",
		.kind = HF_KIND_HOLD,
		.sided = true,           /* the kneeling leg */
		.sign_left = 1.0,
		.sign_right = 1.0,
		.faults = HF_FAULT_BIT(HF_FAULT_SHORT_HOLD) |
			  HF_FAULT_BIT(HF_FAULT_ANTERIOR_TILT),
		.posture_left = HF_POSTURE_UPRIGHT,
		.posture_right = HF_POSTURE_UPRIGHT,
	},
	[HF_EX_SIDE_WALK] = {
		.id = HF_EX_SIDE_WALK,
		.name = "side_walk",
		.title = "Side walk",
		.kind = HF_KIND_STEPS,
		.sided = true,           /* the direction of travel */
		.axis = HF_AXIS_OBLIQUITY,
		.sign_left = 1.0,
		.sign_right = 1.0,
		.faults = HF_FAULT_BIT(HF_FAULT_PELVIC_DROP),
		.posture_left = HF_POSTURE_UPRIGHT,
		.posture_right = HF_POSTURE_UPRIGHT,
	},
	[HF_EX_FOAM_ROLL] = {
		.id = HF_EX_FOAM_ROLL,
		.name = "foam_roll",
		.title = "Foam roll",
		.kind = HF_KIND_PASSES,
		.sided = false,
		.sign_left = 1.0,
		.sign_right = 1.0,
		.faults = 0,
		.posture_left = HF_POSTURE_PRONE,   /* or face up: either is it */
		.posture_right = HF_POSTURE_SUPINE,
	},
	[HF_EX_WALK] = {
		.id = HF_EX_WALK,
		.name = "walk",
		.title = "Walk",
		.kind = HF_KIND_GAIT,
		.sided = false,
		.axis = HF_AXIS_OBLIQUITY, /* not a rep axis: no e(t) */
		.sign_left = 1.0,
		.sign_right = 1.0,
		.faults = 0,
		.posture_left = HF_POSTURE_UPRIGHT,
		.posture_right = HF_POSTURE_UPRIGHT,
	},
	[HF_EX_RUN] = {
		.id = HF_EX_RUN,
		.name = "run",
		.title = "Run",
		.kind = HF_KIND_GAIT,
		.sided = false,
		.axis = HF_AXIS_OBLIQUITY,
		.sign_left = 1.0,
		.sign_right = 1.0,
		.faults = 0,
		.posture_left = HF_POSTURE_UPRIGHT,
		.posture_right = HF_POSTURE_UPRIGHT,
	},
};

static const char *const kind_names[HF_KIND_COUNT] = {
	[HF_KIND_REPS] = "reps",
	[HF_KIND_HOLD] = "hold",
	[HF_KIND_STEPS] = "steps",
	[HF_KIND_PASSES] = "passes",
	[HF_KIND_GAIT] = "gait",
};

const char *hf_kind_name(enum hf_kind k)
{
	if (k < 0 || k >= HF_KIND_COUNT)
		return NULL;
	return kind_names[k];
}

const struct hf_exercise_info *hf_exercise_info(enum hf_exercise ex)
{
	if (ex < 0 || ex >= HF_EX_COUNT)
		return NULL;
	return &exercises[ex];
}

enum hf_exercise hf_exercise_from_name(const char *name)
{
	for (int i = 0; name && i < HF_EX_COUNT; i++)
		if (strcmp(exercises[i].name, name) == 0)
			return (enum hf_exercise)i;
	return HF_EX_NONE;
}

#define POSTURE_TAKE_DEG 45.0  /* contract section 3 */
#define POSTURE_KEEP_DEG 60.0  /* hysteresis: kept until this far off */

static const double posture_up[HF_POSTURE_COUNT][3] = {
	[HF_POSTURE_UPRIGHT] = {0, 0, 1},     [HF_POSTURE_SUPINE] = {1, 0, 0},
	[HF_POSTURE_PRONE] = {-1, 0, 0},      [HF_POSTURE_SIDE_RIGHT] = {0, 1, 0},
	[HF_POSTURE_SIDE_LEFT] = {0, -1, 0},
};

const double *hf_posture_up(enum hf_posture p)
{
	return posture_up[p];
}

enum hf_posture hf_posture_classify(const double up_p[3], enum hf_posture current)
{
	const double keep = cos(POSTURE_KEEP_DEG * HF_DEG2RAD);
	const double take = cos(POSTURE_TAKE_DEG * HF_DEG2RAD);

	if (current > HF_POSTURE_UNKNOWN && current < HF_POSTURE_COUNT &&
	    hf_vec_dot(up_p, posture_up[current]) > keep)
		return current;
	for (int p = HF_POSTURE_UPRIGHT; p < HF_POSTURE_COUNT; p++)
		if (hf_vec_dot(up_p, posture_up[p]) > take)
			return (enum hf_posture)p;
	return HF_POSTURE_UNKNOWN;
}

enum hf_exercise hf_exercise_for_posture(enum hf_posture p, enum hf_side *side)
{
	for (int i = 0; i < HF_EX_COUNT; i++) {
		const struct hf_exercise_info *e = &exercises[i];
		if (e->kind != HF_KIND_REPS)
			continue; /* the rep analyser's recognition only */
		if (e->posture_left == p) {
			*side = e->sided ? HF_SIDE_LEFT : HF_SIDE_NONE;
			return e->id;
		}
		if (e->sided && e->posture_right == p) {
			*side = HF_SIDE_RIGHT;
			return e->id;
		}
	}
	*side = HF_SIDE_NONE;
	return HF_EX_NONE;
}

double hf_exercise_sign(enum hf_exercise ex, enum hf_side side)
{
	const struct hf_exercise_info *e = hf_exercise_info(ex);

	if (!e)
		return 1.0;
	return side == HF_SIDE_RIGHT ? e->sign_right : e->sign_left;
}

const char *hf_side_name(enum hf_side s)
{
	return s == HF_SIDE_LEFT ? "left" : s == HF_SIDE_RIGHT ? "right" : NULL;
}

enum hf_side hf_side_from_name(const char *name)
{
	if (name && strcmp(name, "left") == 0)
		return HF_SIDE_LEFT;
	if (name && strcmp(name, "right") == 0)
		return HF_SIDE_RIGHT;
	return HF_SIDE_NONE;
}

static const char *const posture_names[HF_POSTURE_COUNT] = {
	[HF_POSTURE_UNKNOWN] = "unknown",
	[HF_POSTURE_UPRIGHT] = "upright",
	[HF_POSTURE_SUPINE] = "supine",
	[HF_POSTURE_PRONE] = "prone",
	[HF_POSTURE_SIDE_RIGHT] = "side_right",
	[HF_POSTURE_SIDE_LEFT] = "side_left",
};

const char *hf_posture_name(enum hf_posture p)
{
	if (p < 0 || p >= HF_POSTURE_COUNT)
		return "unknown";
	return posture_names[p];
}

static const char *const fault_names[HF_FAULT_COUNT] = {
	[HF_FAULT_SHORT_HOLD] = "short_hold",
	[HF_FAULT_SHALLOW] = "shallow",
	[HF_FAULT_HIP_DROP] = "hip_drop",
	[HF_FAULT_PELVIS_ROLLBACK] = "pelvis_rollback",
	[HF_FAULT_RUSHED] = "rushed",
	[HF_FAULT_SAG] = "sag",
	[HF_FAULT_PIKE] = "pike",
	[HF_FAULT_ANTERIOR_TILT] = "anterior_tilt",
	[HF_FAULT_PELVIC_DROP] = "pelvic_drop",
};

const char *hf_fault_name(enum hf_fault f)
{
	if (f < 0 || f >= HF_FAULT_COUNT)
		return "unknown";
	return fault_names[f];
}

enum hf_fault hf_fault_from_name(const char *name)
{
	for (int i = 0; name && i < HF_FAULT_COUNT; i++)
		if (strcmp(fault_names[i], name) == 0)
			return (enum hf_fault)i;
	return HF_FAULT_COUNT;
}

const struct hf_thresholds hf_thresholds_default = {
	.hold_target_s = 2.0,
	.shallow_deg = 15.0,
	.hip_drop_deg = 5.0,
	.rollback_deg = 10.0,
	.rushed_s = 0.5,
	.rep_min_deg = 1.0,
	.rep_min_fraction = 0.25,
	.rep_min_duration_s = 0.6,
	.set_gap_s = 8.0,
	.baseline_s = 2.0,
	.start_fraction = 0.10,
	.hold_fraction = 0.90,
	.hold_short_s = 30.0,
	.hold_cone_deg = 10.0,
	.hold_min_s = 5.0,
	.hold_return_s = 3.0,
	.elevation_change_deg = 5.0,
	.hold_fault_s = 2.0,
	.anterior_tilt_deg = 5.0,
	.pelvic_drop_deg = 6.0,
};

#define THRESHOLD(field) { #field, offsetof(struct hf_thresholds, field) }
static const struct {
	const char *key;
	size_t offset;
} threshold_keys[] = {
	THRESHOLD(hold_target_s),    THRESHOLD(shallow_deg),
	THRESHOLD(hip_drop_deg),     THRESHOLD(rollback_deg),
	THRESHOLD(rushed_s),         THRESHOLD(rep_min_deg),
	THRESHOLD(rep_min_fraction), THRESHOLD(rep_min_duration_s),
	THRESHOLD(set_gap_s),        THRESHOLD(baseline_s),
	THRESHOLD(start_fraction),   THRESHOLD(hold_fraction),
	THRESHOLD(hold_short_s),     THRESHOLD(hold_cone_deg),
	THRESHOLD(hold_min_s),       THRESHOLD(hold_return_s),
	THRESHOLD(elevation_change_deg), THRESHOLD(hold_fault_s),
	THRESHOLD(anterior_tilt_deg),
	THRESHOLD(pelvic_drop_deg),
};
#define N_THRESHOLDS (sizeof threshold_keys / sizeof threshold_keys[0])

const char *const *hf_thresholds_keys(void)
{
	static const char *keys[N_THRESHOLDS + 1];

	for (size_t i = 0; i < N_THRESHOLDS; i++)
		keys[i] = threshold_keys[i].key;
	keys[N_THRESHOLDS] = NULL;
	return keys;
}

int hf_thresholds_set(struct hf_thresholds *t, const char *key, const char *value)
{
	char *end;
	double v;

	if (!t || !key || !value)
		return HF_ERR_ARG;
	v = strtod(value, &end);
	if (end == value || *end != '\0' || !isfinite(v) || v <= 0.0)
		return HF_ERR_ARG;
	for (size_t i = 0; i < N_THRESHOLDS; i++) {
		if (strcmp(threshold_keys[i].key, key) == 0) {
			*(double *)((char *)t + threshold_keys[i].offset) = v;
			return HF_OK;
		}
	}
	return HF_ERR_ARG;
}

uint32_t hf_rep_faults(const struct hf_rep *r, enum hf_exercise ex,
		       const struct hf_thresholds *t)
{
	const struct hf_exercise_info *e = hf_exercise_info(ex);
	uint32_t f = 0;

	if (!e)
		return 0;
	if (r->hold_s < t->hold_target_s)
		f |= HF_FAULT_BIT(HF_FAULT_SHORT_HOLD);
	if (r->excursion_deg < t->shallow_deg)
		f |= HF_FAULT_BIT(HF_FAULT_SHALLOW);
	if (r->max_abs_rotation_deg > t->hip_drop_deg)
		f |= HF_FAULT_BIT(HF_FAULT_HIP_DROP);
	if (r->excursion_deg > t->rollback_deg)
		f |= HF_FAULT_BIT(HF_FAULT_PELVIS_ROLLBACK);
	if (r->rise_s < t->rushed_s || r->lower_s < t->rushed_s)
		f |= HF_FAULT_BIT(HF_FAULT_RUSHED);
	return f & e->faults;
}
