/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Programs (contract section 12): a prescription of blocks, in order, and
 * the compliance of an analysis with it.  No I/O: the program is parsed
 * from text (the format is docs/programs.md), compliance is computed from
 * the sets of a struct hf_report and turned into JSON or words.
 */
#ifndef HIPFORM_PROGRAM_H
#define HIPFORM_PROGRAM_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>

#include "hipform/exercise.h"
#include "hipform/report.h"

#define HF_PROGRAM_MAX_BLOCKS 32
#define HF_PROGRAM_MAX_MATCHED 16   /* sets kept per block */

/* A prescribed range "10-12" or a single value "2" (lo == hi); absent:
 * lo = hi = NAN. */
struct hf_range {
	double lo, hi;
};

enum hf_program_side {
	HF_PROGRAM_SIDE_NONE = 0,  /* unsided exercise */
	HF_PROGRAM_SIDE_LEFT,
	HF_PROGRAM_SIDE_RIGHT,
	HF_PROGRAM_SIDE_BOTH,      /* the sets on each side */
};

struct hf_program_block {
	char label[64];              /* the section name */
	enum hf_exercise exercise;
	enum hf_program_side side;
	enum hf_posture posture;     /* foam_roll: PRONE or SUPINE; else UNKNOWN */
	struct hf_range sets;        /* per side; default 1 */
	struct hf_range reps;        /* reps kind */
	double hold_s;               /* reps: each rep's hold; hold: the hold; NAN */
	struct hf_range cycles;      /* steps kind */
	struct hf_range passes;      /* passes kind */
};

struct hf_program {
	char name[96];
	int n_blocks;
	struct hf_program_block blocks[HF_PROGRAM_MAX_BLOCKS];
};

/*
 * Parse program text.  HF_OK, or HF_ERR_FORMAT with "line N: what is
 * wrong" in err (errlen bytes).
 */
int hf_program_parse(struct hf_program *p, const char *text, char *err, size_t errlen);

/* The hold target of the first block of exercise ex (its short_hold
 * threshold in an analysis with this program), 0 if none. */
double hf_program_hold_target_s(const struct hf_program *p, enum hf_exercise ex);

enum hf_block_status {
	HF_BLOCK_MISSED = 0,   /* no set matched */
	HF_BLOCK_PARTLY,       /* sets matched, not everything as prescribed */
	HF_BLOCK_DONE,         /* complete */
};

struct hf_block_result {
	int n_sets;
	int sets[HF_PROGRAM_MAX_MATCHED];    /* indices into the report */
	bool set_ok[HF_PROGRAM_MAX_MATCHED]; /* that set as prescribed */
	enum hf_block_status status;
	bool complete;
};

struct hf_compliance {
	int n_blocks;
	struct hf_block_result blocks[HF_PROGRAM_MAX_BLOCKS];
	int unmatched_sets;          /* sets no block took */
};

/*
 * Match the report's finished sets (in time order) to the blocks in
 * order: each set goes to the first block, at or after the block the
 * previous set went to, whose exercise, side and posture it has.
 */
void hf_program_comply(const struct hf_program *p, const struct hf_report *r,
		       struct hf_compliance *c);

/* The contract's "compliance" array. */
json_object *hf_json_compliance(const struct hf_program *p, const struct hf_report *r,
				const struct hf_compliance *c);

/* One line per block: done / partly done / missed, and what was done. */
void hf_compliance_print_text(FILE *f, const struct hf_program *p, const struct hf_report *r,
			      const struct hf_compliance *c);

#endif
