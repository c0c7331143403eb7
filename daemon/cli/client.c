/* SPDX-License-Identifier: BSD-2-Clause */
/* placeholder: owned by the daemon work */
#include <stdio.h>
#include "commands.h"
static int not_yet(const char *what) { fprintf(stderr, "hipform: %s: not built yet\n", what); return HF_EXIT_INPUT; }
int hf_cmd_status(int argc, char **argv) { (void)argc; (void)argv; return not_yet("status"); }
int hf_cmd_watch(int argc, char **argv) { (void)argc; (void)argv; return not_yet("watch"); }
int hf_cmd_summary(int argc, char **argv) { (void)argc; (void)argv; return not_yet("summary"); }
int hf_cmd_history(int argc, char **argv) { (void)argc; (void)argv; return not_yet("history"); }
