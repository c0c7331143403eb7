/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The accuracy suite: N simulated sessions per mode (default 60), varied
 * subjects, mountings, sensor grades (cheap MEMS with several deg/s of
 * gyro bias in two thirds), rates 50-200 Hz, CSV and WitMotion, faults and
 * fidgets; prints the figures per mode.
 *   bench_accuracy [N] [-v] [--dump DIR]
 * --dump writes every session (recording, truth JSON, calibration) to DIR
 * for replay with `hipform analyze`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accuracy.h"

int main(int argc, char **argv)
{
	int n = 60;
	FILE *verbose = NULL;
	const char *titles[HF_ACC_MODES] = {
		"Mode 1: exercise given, no calibration",
		"Mode 2: calibration procedure, exercise and side recognised",
		"Mode 3: exercise given, reps drawn from wide ranges (robustness)",
		"Mode 4: the mode 3 sessions with calibration and recognition",
	};

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-v") == 0)
			verbose = stdout;
		else if (strcmp(argv[i], "--dump") == 0 && i + 1 < argc)
			hf_acc_set_dump_dir(argv[++i]);
		else
			n = atoi(argv[i]);
	}
	if (n < 1) {
		fprintf(stderr, "usage: bench_accuracy [SESSIONS] [-v] [--dump DIR]\n");
		return 2;
	}
	for (int m = 0; m < HF_ACC_MODES; m++) {
		struct hf_acc_score s = {0};
		for (int i = 0; i < n; i++)
			if (hf_acc_run_session(i, (enum hf_acc_mode)m, &s, verbose) != 0)
				fprintf(stderr, "bench_accuracy: session %d failed\n", i);
		hf_acc_print(stdout, titles[m], &s);
		fputc('\n', stdout);
	}
	return 0;
}
