/* SPDX-License-Identifier: BSD-2-Clause */
/* The quiet postures of a session (include/hipform/postures.h). */
#include <math.h>
#include <string.h>

#include "hipform/postures.h"

static const double world_up[3] = {0.0, 0.0, 1.0};

void hf_postures_init(struct hf_postures *p)
{
	memset(p, 0, sizeof *p);
	p->anchor_q = hf_quat_identity();
}

void hf_postures_remember(struct hf_postures *p, const double up_s[3], double t_s)
{
	const double same_cos = cos(HF_POSTURES_SAME_DEG * HF_DEG2RAD);
	struct hf_posture_seen *slot = &p->seen[0];

	for (int k = 0; k < HF_POSTURES_MAX; k++) {
		struct hf_posture_seen *s = &p->seen[k];
		if (s->used && hf_vec_dot(s->up_s, up_s) >= same_cos) {
			slot = s;
			break;
		}
		if (!s->used || (slot->used && s->last_s < slot->last_s))
			slot = s;
	}
	memcpy(slot->up_s, up_s, sizeof slot->up_s);
	slot->last_s = t_s;
	slot->used = true;
}

/* The stretch's up: its still samples' mean specific force if it has
 * any, else where the orientation at its start put world up. */
static void stretch_up(const struct hf_postures *p, double up_s[3])
{
	if (p->n_acc > 0) {
		memcpy(up_s, p->acc_sum_g, sizeof p->acc_sum_g);
		if (hf_vec_normalize(up_s) > 0.0)
			return;
	}
	hf_quat_rotate_inv(p->anchor_q, world_up, up_s);
}

static void begin_stretch(struct hf_postures *p, struct hf_quat q, double t_s)
{
	p->anchor_q = q;
	p->anchor_t_s = t_s;
	p->have_anchor = true;
	p->remembered = false;
	memset(p->acc_sum_g, 0, sizeof p->acc_sum_g);
	p->n_acc = 0;
}

void hf_postures_update(struct hf_postures *p, struct hf_quat q, const double acc_g[3],
			bool still, double t_s)
{
	/* turned more than QUIET_DEG: |q0 . q| < cos(QUIET_DEG / 2), no
	 * trigonometry per sample */
	const double quiet_cos_half = cos(0.5 * HF_POSTURES_QUIET_DEG * HF_DEG2RAD);
	const struct hf_quat *q0 = &p->anchor_q;

	if (!p->have_anchor ||
	    fabs(q0->w * q.w + q0->x * q.x + q0->y * q.y + q0->z * q.z) < quiet_cos_half) {
		begin_stretch(p, q, t_s);
		return;
	}
	if (acc_g && still) {
		for (int k = 0; k < 3; k++)
			p->acc_sum_g[k] += acc_g[k];
		p->n_acc++;
	}
	if (!p->remembered && t_s - p->anchor_t_s >= HF_POSTURES_QUIET_S) {
		double up_s[3];
		stretch_up(p, up_s);
		hf_postures_remember(p, up_s, t_s);
		p->remembered = true; /* once per quiet stretch */
	}
}
