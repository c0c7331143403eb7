/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The figures of a walking or running bout (contract section 11) from its
 * steps, as measured by core/kinds/gait.c.  Pure functions.
 */
#include <math.h>
#include <string.h>

#include "gait_internal.h"

#define FOOT_HALF_WINDOW 2 /* neighbours each side that vote on a foot */
#define GAP_STEP_FACTOR 1.5 /* intervals beyond this x the median break the vote */

double hf_gait_cadence_spm(const struct hf_contact *c, int n)
{
	double span_s;

	if (n < 2)
		return NAN;
	span_s = c[n - 1].t_s - c[0].t_s;
	return span_s > 0.0 ? 60.0 * (double)(n - 1) / span_s : NAN;
}

/*
 * The bout's median contact interval (its step time), s; 0 with fewer than
 * two steps.  Lower median by counting, on at most ~200 intervals spread
 * over the bout (no allocation, bounded work once per bout).
 */
static double median_interval_s(const struct hf_gait_step *s, int n)
{
	int m = n - 1, stride = m > 200 ? m / 200 : 1, best_below = -1;
	double best = 0.0;

	for (int a = 0; a < m; a += stride) {
		double v = s[a + 1].t_s - s[a].t_s;
		int below = 0, total = 0;
		for (int b = 0; b < m; b += stride) {
			below += s[b + 1].t_s - s[b].t_s < v;
			total++;
		}
		if (2 * below <= total && below > best_below) {
			best_below = below;
			best = v;
		}
	}
	return best;
}

void hf_gait_assign_feet(struct hf_gait_step *s, int n)
{
	/* a gap longer than this is not one step: a step was missed or the
	 * walk paused, so the feet need not alternate across it */
	double max_step_s = GAP_STEP_FACTOR * median_interval_s(s, n);

	for (int k = 0; k < n; k++) {
		double vote = 1.5 * (isfinite(s[k].yaw_score_dps) ? s[k].yaw_score_dps : 0.0);
		for (int dir = -1; dir <= 1; dir += 2) {
			for (int j = 1; j <= FOOT_HALF_WINDOW; j++) {
				int i = k + dir * j, prev = i - dir;
				if (i < 0 || i >= n || fabs(s[i].t_s - s[prev].t_s) > max_step_s)
					break;
				if (isfinite(s[i].yaw_score_dps))
					vote += ((j & 1) ? -1.0 : 1.0) * s[i].yaw_score_dps;
			}
		}
		s[k].foot = vote < 0.0 ? HF_SIDE_LEFT : HF_SIDE_RIGHT;
	}
}

static int foot_index(enum hf_side f)
{
	return f == HF_SIDE_RIGHT ? 1 : 0;
}

struct means {
	double sum[2];
	int n[2];
};

static void mean_add(struct means *m, int i, double v)
{
	if (!isfinite(v))
		return;
	m->sum[i] += v;
	m->n[i]++;
}

static double mean_get(const struct means *m, int i)
{
	return m->n[i] > 0 ? m->sum[i] / m->n[i] : NAN;
}

/* Step time, pelvic drop and contact time per foot. */
static void per_foot(const struct hf_gait_step *s, int n, double lat_sign, bool run,
		     struct hf_gait_summary *out)
{
	struct means step = {0}, drop = {0}, contact = {0};

	for (int k = 0; k + 1 < n; k++) {
		int f = foot_index(s[k].foot);
		if (s[k + 1].foot != s[k].foot)
			mean_add(&step, f, s[k + 1].t_s - s[k].t_s);
		if (!s[k].measured)
			continue;
		/* left foot: the right side drops, obliquity (+ left up) rises */
		if ((f == 0) == (lat_sign > 0.0))
			mean_add(&drop, f, s[k].rise_deg);
		else
			mean_add(&drop, f, s[k].fall_deg);
		if (run && s[k].flight)
			mean_add(&contact, f, s[k].toe_off_s - s[k].t_s);
	}
	for (int i = 0; i < 2; i++) {
		out->step_time_s[i] = mean_get(&step, i);
		out->pelvic_drop_deg[i] = mean_get(&drop, i);
		out->contact_time_s[i] = run ? mean_get(&contact, i) : NAN;
	}
}

/* Means over strides (steps k, k+1 from the bout's first) and steps. */
static void per_stride(const struct hf_gait_step *s, int n, struct hf_gait_summary *out)
{
	double obl = 0.0, rot = 0.0, vo = 0.0, tilt = 0.0;
	int n_obl = 0, n_rot = 0, n_vo = 0, n_tilt = 0;

	for (int k = 0; k + 1 < n; k += 2) {
		if (!s[k].measured || !s[k + 1].measured)
			continue;
		obl += fmax(s[k].obl_max_deg, s[k + 1].obl_max_deg) -
		       fmin(s[k].obl_min_deg, s[k + 1].obl_min_deg);
		n_obl++;
		if (isfinite(s[k].rotation_range_deg)) {
			rot += s[k].rotation_range_deg;
			n_rot++;
		}
	}
	for (int k = 0; k < n; k++) {
		if (!s[k].measured)
			continue;
		if (isfinite(s[k].vo_cm)) {
			vo += s[k].vo_cm;
			n_vo++;
		}
		if (isfinite(s[k].tilt_deg)) {
			tilt += s[k].tilt_deg;
			n_tilt++;
		}
	}
	out->obliquity_range_deg = n_obl ? obl / n_obl : NAN;
	out->rotation_range_deg = n_rot ? rot / n_rot : NAN;
	out->vertical_oscillation_cm = n_vo ? vo / n_vo : NAN;
	out->tilt_deg = n_tilt ? tilt / n_tilt : NAN;
}

void hf_gait_summarise(const struct hf_gait_step *s, int n, double lat_sign,
		       struct hf_gait_summary *out, struct hf_contact *contacts)
{
	int flights = 0, measured = 0;

	memset(out, 0, sizeof *out);
	for (int k = 0; k < n; k++) {
		contacts[k].t_s = s[k].t_s;
		contacts[k].foot = s[k].foot;
		if (s[k].measured) {
			measured++;
			flights += s[k].flight;
		}
	}
	/* section 11: a run when most of its steps have a flight phase */
	out->run = 2 * flights > measured;
	out->steps = n;
	out->n_contacts = n;
	out->contacts = contacts;
	out->cadence_spm = hf_gait_cadence_spm(contacts, n);
	per_foot(s, n, lat_sign, out->run, out);
	per_stride(s, n, out);
}
