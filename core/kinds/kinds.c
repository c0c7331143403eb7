/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kind analysers (include/hipform/kind.h), one line each.
 */
#include <stddef.h>

#include "hipform/kind.h"

const struct hf_kind_ops *hf_kind_ops_get(enum hf_kind kind)
{
	static const struct hf_kind_ops *const table[HF_KIND_COUNT] = {
		[HF_KIND_REPS] = &hf_kind_reps_ops,
		[HF_KIND_HOLD] = &hf_kind_hold_ops,
		[HF_KIND_GAIT] = &hf_kind_gait_ops,
		[HF_KIND_PASSES] = &hf_kind_passes_ops,
		[HF_KIND_STEPS] = &hf_kind_steps_ops,
	};

	if (kind < 0 || kind >= HF_KIND_COUNT)
		return NULL;
	return table[kind];
}
