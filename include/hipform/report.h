/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reports: contract section 8 JSON, built with json-c, and the plain-words
 * text a person reads.  Shared by `hipform analyze` and the daemon.
 *
 * A hf_report collects the sets of one analysis (copying each set's reps
 * when HF_EVENT_SET arrives; a set is rare, so this allocation is not on
 * the per-sample path).
 */
#ifndef HIPFORM_REPORT_H
#define HIPFORM_REPORT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "hipform/analyzer.h"
#include "hipform/decoder.h"

#define HF_CONTRACT_VERSION 2

struct hf_input_info {
	const char *format;      /* "csv", "witmotion" */
	uint64_t samples;
	double rate_hz;
	uint64_t bad_lines, bad_packets, gaps;
};

struct hf_report_set {
	struct hf_set_summary sum;   /* sum.reps points at reps below */
	struct hf_rep *reps;
	struct hf_hold_summary *hold;/* sum.hold points here (hold sets) */
	struct hf_gait_summary *gait; /* sum.gait's copy, NULL if none */
	struct hf_contact *contacts;  /* gait->contacts points here */
	struct hf_passes_summary *passes; /* sum.passes's copy, NULL if none */
	struct hf_steps_summary *steps; /* sum.steps's copy, NULL if none */
	struct hf_cycle *cycles;      /* steps->cycles points here */
};

struct hf_report {
	struct hf_report_set *sets;
	int n_sets, cap_sets;
};

void hf_report_init(struct hf_report *r);
void hf_report_free(struct hf_report *r);
/* Copy a finished set in; HF_OK or HF_ERR_NOMEM. */
int hf_report_add_set(struct hf_report *r, const struct hf_set_summary *s);

/* Input block from decoder counters. */
void hf_input_info_from_decoder(struct hf_input_info *in,
				const struct hf_decoder *d);

json_object *hf_json_rep(const struct hf_rep *rep);
json_object *hf_json_set(const struct hf_set_summary *set);
/* The "hold" block of a hold set (contract section 8). */
json_object *hf_json_hold(const struct hf_hold_summary *h);
/* The gait fields of contract section 8 (and "classified"), added to o. */
void hf_json_gait(json_object *o, const struct hf_gait_summary *g);
/* The foam-roll fields of contract section 8, added to o. */
void hf_json_passes(json_object *o, const struct hf_passes_summary *p);
/* The side-walk fields of contract section 8 ("steps", "cadence_cpm",
 * "cycles"), added to o. */
void hf_json_steps(json_object *o, const struct hf_steps_summary *st);
json_object *hf_json_input(const struct hf_input_info *in);
/* The whole section 8 document. */
json_object *hf_json_report(const struct hf_input_info *in, bool calibrated,
			    const struct hf_report *r);

/* Plain words for a person: per set reps, holds, angles, faults with
 * what to do about them. */
void hf_report_print_text(FILE *f, const struct hf_input_info *in,
			  bool calibrated, const struct hf_report *r);
/* One sentence for a fault of a rep ("pelvis rolled back 14 deg on rep 3:
 * keep the hips stacked, open the knee less").  For a hold's fault
 * (rep_number 0) the value is in rep->hold_s (short_hold),
 * max_abs_rotation_deg (hip_drop) or excursion_deg (sag, pike: the
 * elevation change; anterior_tilt: the tilt): "hips sinking (6 deg below
 * the start): lift them back in line". */
void hf_fault_advice(char *buf, size_t len, enum hf_fault f,
		     const struct hf_rep *rep, int rep_number);

#endif
