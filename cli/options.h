/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers shared by the subcommands of `hipform`. */
#ifndef HIPFORM_CLI_OPTIONS_H
#define HIPFORM_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "hipform/analyzer.h"
#include "hipform/calib.h"
#include "hipform/decoder.h"
#include "hipform/exercise.h"

/* Print "hipform: <message>" on stderr (one line). */
void hf_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Read a whole (small) text file; NULL with errno set on failure. */
char *hf_cli_read_text(const char *path, size_t max_len);

/* Load a calibration file; HF_EXIT_* code, message printed on failure. */
int hf_cli_load_calibration(const char *path, struct hf_calib *c);
/* Load a program file ("default": the shipped one); HF_EXIT_* code,
 * message printed on failure (cmd_program.c). */
struct hf_program;
int hf_cli_load_program(const char *path, struct hf_program *p);

/* Apply "key=value" to thresholds; HF_EXIT_USAGE with a message if bad. */
int hf_cli_threshold_arg(struct hf_thresholds *t, const char *arg);

/* Load [analysis] thresholds from an INI file; HF_EXIT_* code. */
int hf_cli_load_config(const char *path, struct hf_thresholds *t);

/* Is rate_hz a sample rate hipform can analyse (HF_RATE_MIN_HZ to
 * HF_RATE_MAX_HZ)?  For --rate and for a rate estimated from a file. */
bool hf_cli_rate_ok(double rate_hz);

/* Parse --rate's argument; HF_EXIT_USAGE with a message if bad. */
int hf_cli_rate_arg(const char *arg, double *rate_hz);

/* A WitMotion stream with no good packet in this many bytes is given up. */
#define HF_CLI_MAX_BYTES_WITHOUT_PACKET (16 << 20)

/* A callback per decoded sample. */
typedef void (*hf_cli_sample_fn)(const struct hf_sample *s, void *user);

/*
 * The recording says the sensor was lost ("# sensor lost ...", counted in
 * d->breaks) since *seen: do what hipformd did live, which interrupts the
 * analysis only in a set (between sets it goes on).  an may be NULL (not
 * started yet: no set can be open).
 */
void hf_cli_take_breaks(const struct hf_decoder *d, uint64_t *seen, struct hf_analyzer *an);

/*
 * Decode FILE ("-" for stdin) in the given format (UNKNOWN: sniff) at
 * rate_hz, calling fn for every sample.  On return *d holds the counters.
 * Returns HF_EXIT_OK or HF_EXIT_INPUT (message printed).  A WitMotion
 * stream without one good packet in its first
 * HF_CLI_MAX_BYTES_WITHOUT_PACKET bytes is an error (/dev/zero never ends).
 */
int hf_cli_decode_file(const char *path, enum hf_format format, double rate_hz,
		       struct hf_decoder *d, hf_cli_sample_fn fn, void *user);

/*
 * The accelerometer's offsets and scales, fitted over the still postures
 * of FILE (calibration/session_accel.c), into *cal when it has a
 * calibration but no six-face part: FILE is read once more before the
 * analysis.  Does nothing for standard input or anything else that cannot
 * be read twice, or when the fit is refused (too few postures, or
 * postures that do not tell the sensor apart; then the readings are used
 * as they come).  Returns true when *cal was changed.
 */
bool hf_cli_session_accel(const char *path, enum hf_format format, double rate_hz,
			  struct hf_calib *cal);

#endif
