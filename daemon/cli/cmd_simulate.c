/* SPDX-License-Identifier: BSD-2-Clause */
/* placeholder: owned by the simulator work */
#include <stdio.h>
#include "commands.h"
int hf_cmd_simulate(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "hipform: simulate: not built yet\n"); return HF_EXIT_INPUT; }
