/* SPDX-License-Identifier: BSD-2-Clause */
/* placeholder: owned by the daemon work */
#include <stdio.h>
#include "commands.h"
int hf_cmd_demo(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "hipform: demo: not built yet\n"); return HF_EXIT_INPUT; }
