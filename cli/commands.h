/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The subcommands of `hipform`.  Each takes the arguments after the
 * subcommand name (argv[0] is the subcommand) and returns the process exit
 * status: 0 success, 1 input that cannot be handled (one line on stderr
 * saying why), 2 usage error (contract section 7).
 */
#ifndef HIPFORM_CLI_COMMANDS_H
#define HIPFORM_CLI_COMMANDS_H

int hf_cmd_analyze(int argc, char **argv);   /* cmd_analyze.c */
int hf_cmd_calibrate(int argc, char **argv); /* cmd_calibrate.c */
int hf_cmd_simulate(int argc, char **argv);  /* cmd_simulate.c */
int hf_cmd_status(int argc, char **argv);    /* client.c */
int hf_cmd_watch(int argc, char **argv);     /* client.c */
int hf_cmd_summary(int argc, char **argv);   /* client.c */
int hf_cmd_history(int argc, char **argv);   /* client.c */
int hf_cmd_demo(int argc, char **argv);      /* demo.c */
int hf_cmd_report(int argc, char **argv);    /* cmd_report.c */
int hf_cmd_program(int argc, char **argv);   /* cmd_program.c */

#define HF_EXIT_OK 0
#define HF_EXIT_INPUT 1
#define HF_EXIT_USAGE 2

#endif
