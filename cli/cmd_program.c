/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hipform program: show a program (contract section 12; the format is
 * docs/programs.md), the shipped glute activation program by default.
 * Also the program loader of `hipform analyze --program`.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "default_program.h"
#include "hipform/error.h"
#include "hipform/program.h"
#include "options.h"

#define PROGRAM_MAX_BYTES 65536

int hf_cli_load_program(const char *path, struct hf_program *p)
{
	char err[200];
	char *text;
	int r;

	if (strcmp(path, "default") == 0)
		text = strdup(hf_default_program_text);
	else
		text = hf_cli_read_text(path, PROGRAM_MAX_BYTES);
	if (!text) {
		hf_cli_error("cannot read program %s: %s", path, strerror(errno));
		return HF_EXIT_INPUT;
	}
	r = hf_program_parse(p, text, err, sizeof err);
	free(text);
	if (r != HF_OK) {
		hf_cli_error("program %s: %s", path, err);
		return HF_EXIT_INPUT;
	}
	return HF_EXIT_OK;
}

static void print_range(FILE *f, const struct hf_range *r, const char *unit)
{
	if (r->lo == r->hi)
		fprintf(f, "%g %s", r->lo, unit);
	else
		fprintf(f, "%g-%g %s", r->lo, r->hi, unit);
}

static void print_block(FILE *f, int i, const struct hf_program_block *b)
{
	static const char *const sides[] = {"", ", left", ", right", ", each side"};
	const struct hf_exercise_info *e = hf_exercise_info(b->exercise);

	fprintf(f, "%2d. %-22s %s%s: ", i + 1, b->label, e->name, sides[b->side]);
	if (b->sets.lo != 1.0 || b->sets.hi != 1.0) {
		print_range(f, &b->sets, "sets");
		fputs(" of ", f);
	}
	if (!isnan(b->reps.lo))
		print_range(f, &b->reps, "reps");
	if (!isnan(b->cycles.lo))
		print_range(f, &b->cycles, "cycles");
	if (!isnan(b->passes.lo))
		print_range(f, &b->passes, "passes");
	if (isfinite(b->hold_s))
		fprintf(f, "%s%g s hold%s", isnan(b->reps.lo) ? "" : " with ", b->hold_s,
			isnan(b->reps.lo) ? "" : "s");
	if (b->posture != HF_POSTURE_UNKNOWN)
		fprintf(f, ", %s", b->posture == HF_POSTURE_PRONE ? "face down" : "face up");
	fputc('\n', f);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: hipform program [--show FILE] [--raw]\n"
		"\n"
		"Show a program: the blocks of exercises, in order, with the sets and the\n"
		"reps, holds, cycles or passes prescribed.  Without --show, the program\n"
		"shipped with hipform (the glute activation program; 'hipform analyze\n"
		"--program default' uses it).  The file format is described in\n"
		"docs/programs.md.\n"
		"\n"
		"  --show FILE   the program in FILE\n"
		"  --raw         print the program file itself (for the default: a copy to\n"
		"                start your own from)\n"
		"\n"
		"Exit status: 0 success, 1 the program cannot be read, 2 usage error.\n");
}

int hf_cmd_program(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"show", required_argument, NULL, 's'},
		{"raw", no_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *path = "default";
	struct hf_program p;
	bool raw = false;
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': path = optarg; break;
		case 'r': raw = true; break;
		case 'h': usage(stdout); return HF_EXIT_OK;
		default: usage(stderr); return HF_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		hf_cli_error("program takes no argument '%s' (use --show FILE)", argv[optind]);
		return HF_EXIT_USAGE;
	}
	if ((r = hf_cli_load_program(path, &p)) != HF_EXIT_OK)
		return r;
	if (raw) {
		char *text = strcmp(path, "default") == 0 ? strdup(hf_default_program_text)
							  : hf_cli_read_text(path, PROGRAM_MAX_BYTES);
		if (text)
			fputs(text, stdout);
		free(text);
		return text ? HF_EXIT_OK : HF_EXIT_INPUT;
	}
	printf("%s%s\n", p.name[0] ? p.name : "Program", strcmp(path, "default") == 0
		? " (the program shipped with hipform)" : "");
	for (int i = 0; i < p.n_blocks; i++)
		print_block(stdout, i, &p.blocks[i]);
	return HF_EXIT_OK;
}
