/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>
#include <string.h>
#include "commands.h"
int main(int argc, char **argv) { (void)argc; (void)argv; return 0; }
