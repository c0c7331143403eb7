/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hipform: the user's command.  Subcommands are one table; each lives in
 * its own file (commands.h).
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "hipform/report.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"analyze", hf_cmd_analyze, "analyse a recording: reps, holds, angles, faults"},
	{"calibrate", hf_cmd_calibrate, "make a calibration file from a recording"},
	{"status", hf_cmd_status, "show the daemon's sensor and live state"},
	{"watch", hf_cmd_watch, "follow live feedback from the daemon"},
	{"summary", hf_cmd_summary, "show a session's summary"},
	{"history", hf_cmd_history, "list past sessions"},
	{"demo", hf_cmd_demo, "run the daemon on a simulated sensor and watch"},
	{"report", hf_cmd_report, "write an HTML report with plots (recording, session, weeks)"},
	{"simulate", hf_cmd_simulate, "write a simulated recording and its ground truth"},
	{"program", hf_cmd_program, "show a program of exercises (the shipped one by default)"},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: hipform COMMAND [OPTIONS]\n"
		"\n"
		"Check exercise form from a pelvis-worn motion sensor: hip lifts and clam\n"
		"shells (reps), planks and the hip flexor stretch (holds), side walks\n"
		"(cycles), foam rolling (passes), walks and runs (steps).  Offline commands\n"
		"read recordings; the others talk to hipformd.\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f,
		"\n"
		"Options:\n"
		"  -h, --help  this text\n"
		"  --version   the release and the contract version\n"
		"\n"
		"Run 'hipform COMMAND --help' for the options of a command.\n"
		"Exit status: 0 success, 1 input that cannot be handled, 2 usage error.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return HF_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return HF_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("hipform %s (contract %d)\n", HF_VERSION, HF_CONTRACT_VERSION);
		return HF_EXIT_OK;
	}
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "hipform: unknown command '%s' (try 'hipform --help')\n", argv[1]);
	return HF_EXIT_USAGE;
}
