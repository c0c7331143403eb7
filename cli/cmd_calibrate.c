/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hipform calibrate (contract sections 6 and 7): estimate gyro bias and
 * the sensor-to-pelvis mounting from a recording of the procedure (and,
 * with --six-face, the accelerometer's offsets and scales first, which
 * then correct the procedure's samples), and
 * write a calibration file (atomically: a temporary file renamed over).
 * Samples stream from the decoder into the estimator, one at a time: the
 * memory does not grow with the recording.
 */
#include <errno.h>
#include <stdbool.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "hipform/calib.h"
#include "hipform/error.h"
#include "options.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: hipform calibrate FILE -o CALFILE [--six-face FILE6]\n"
		"                          [--format csv|witmotion] [--rate HZ]\n"
		"\n"
		"Make a calibration file from a recording of the calibration procedure:\n"
		"stand upright and still for at least 3 s, tip the pelvis forward (a hip\n"
		"hinge of 20-45 degrees) and back three times, then stand still again.\n"
		"The file holds the gyroscope bias and the sensor-to-pelvis mounting; give\n"
		"it to 'hipform analyze --calibration' or to hipformd.\n"
		"\n"
		"With --six-face, also the accelerometer's offset and scale per axis, from a\n"
		"second recording: the sensor, off the belt, resting still for 2-3 s on each\n"
		"of its six faces in turn (any order).  A cheap sensor's offsets tilt the\n"
		"'up' it reads by a few degrees, lying on the mat as well as standing; this\n"
		"takes them out (the standing of the procedure is corrected first).\n"
		"\n"
		"  -o, --output CALFILE  where to write the calibration\n"
		"  --six-face FILE6      a six-face recording of the same sensor\n"
		"  --format FORMAT       csv or witmotion (default: detected)\n"
		"  --rate HZ             sample rate (both files); required for raw WitMotion\n"
		"                        captures\n"
		"\n"
		"Exit status: 0 success, 1 recording that cannot be used, 2 usage error.\n");
}

/* The procedure's samples, corrected by the six-face result if any. */
struct procedure_ctx {
	struct hf_calib_estimator est;
	struct hf_calib acc;          /* identity, or the six-face offsets */
};

static void on_sample(const struct hf_sample *s, void *user)
{
	struct procedure_ctx *p = user;
	struct hf_sample fixed;

	hf_calib_apply(&p->acc, s, &fixed);
	hf_calib_estimator_update(&p->est, &fixed);
}

static void on_six_face_sample(const struct hf_sample *s, void *user)
{
	hf_six_face_update(user, s);
}

/* The six-face recording into p->acc; HF_EXIT_OK or an exit status. */
static int read_six_face(const char *file, enum hf_format format, double rate_hz,
			 struct procedure_ctx *p)
{
	struct hf_six_face e;
	struct hf_decoder d;
	char err[200];
	int r;

	hf_six_face_init(&e);
	r = hf_cli_decode_file(file, format, rate_hz, &d, on_six_face_sample, &e);
	if (r == HF_EXIT_OK && hf_six_face_finish(&e, &p->acc, err, sizeof err) != HF_OK) {
		hf_cli_error("%s: cannot calibrate the accelerometer: %s", file, err);
		r = HF_EXIT_INPUT;
	}
	return r;
}

static int write_atomically(const char *path, const char *text)
{
	char tmp[4096];
	FILE *f;

	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	if (fputs(text, f) == EOF || fflush(f) != 0 || fsync(fileno(f)) != 0) {
		int e = errno;
		fclose(f);
		unlink(tmp);
		errno = e;
		return -1;
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		errno = e;
		return -1;
	}
	return 0;
}

/* The calibration, and as a comment what the accelerometer read at rest. */
static void format_text(const struct hf_calib *c, const struct hf_calib_report *rep,
			bool six_face, char *text, size_t len)
{
	int n = hf_calib_format(c, text, len);

	if (six_face && n > 0 && (size_t)n < len)
		snprintf(text + n, len - (size_t)n,
			 "# acc_offset_g and acc_scale from a six-face recording; the\n"
			 "# accelerometer then read %.3f g standing still\n",
			 rep->rest_g);
	else if (n > 0 && (size_t)n < len)
		snprintf(text + n, len - (size_t)n,
			 "# the accelerometer read %.3f g standing still; acc_scale is not\n"
			 "# set from it: one level at one orientation is not a per-axis scale\n",
			 rep->rest_g);
}

static void print_summary(const struct hf_calib *c, const struct hf_calib_report *rep,
			  bool six_face, size_t n_samples, const char *out)
{
	printf("Read %zu samples at %.1f Hz\n", n_samples, rep->rate_hz);
	printf("Gyro bias: %.3f %.3f %.3f deg/s (from %.1f s standing still)\n",
	       c->gyro_bias_dps[0], c->gyro_bias_dps[1], c->gyro_bias_dps[2], rep->still_s);
	printf("Hip hinges found: %d; hinge axis agreement %.1f deg; standing repeat %.1f deg\n",
	       rep->hinges, rep->hinge_axis_spread_deg, rep->up_tilt_deg);
	if (six_face)
		printf("Accelerometer (six faces): offset %+.4f %+.4f %+.4f g, scale %.4f %.4f "
		       "%.4f;\n  at rest then %.3f g\n",
		       c->acc_offset_g[0], c->acc_offset_g[1], c->acc_offset_g[2],
		       c->acc_scale[0], c->acc_scale[1], c->acc_scale[2], rep->rest_g);
	else
		printf("Accelerometer at rest: %.3f g (learned; acc_scale stays 1: one level at "
		       "one\n  orientation is not a per-axis scale, which needs a six-face "
		       "recording,\n  --six-face)\n",
		       rep->rest_g);
	printf("Mounting (pelvis to sensor): %.5f %.5f %.5f %.5f\n",
	       c->pelvis_to_sensor.w, c->pelvis_to_sensor.x, c->pelvis_to_sensor.y,
	       c->pelvis_to_sensor.z);
	if (rep->hinges < 3)
		printf("Note: the procedure asks for three hinges; %d found.\n", rep->hinges);
	printf("Wrote %s\n", out);
}

static int parse_args(int argc, char **argv, const char **file, const char **out,
		      const char **six_face, enum hf_format *format, double *rate_hz)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"six-face", required_argument, NULL, 's'},
		{"format", required_argument, NULL, 'f'},
		{"rate", required_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;
	char *end;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': *out = optarg; break;
		case 's': *six_face = optarg; break;
		case 'f':
			*format = hf_format_from_name(optarg);
			if (*format == HF_FORMAT_UNKNOWN) {
				hf_cli_error("--format: unknown value '%s'", optarg);
				return HF_EXIT_USAGE;
			}
			break;
		case 'r':
			*rate_hz = strtod(optarg, &end);
			if (*end || !(*rate_hz > 0.0 && *rate_hz <= 10000.0)) {
				hf_cli_error("--rate: '%s' is not a rate in Hz", optarg);
				return HF_EXIT_USAGE;
			}
			break;
		case 'h': usage(stdout); return -1;
		default: usage(stderr); return HF_EXIT_USAGE;
		}
	}
	if (optind != argc - 1 || !*out) {
		hf_cli_error("calibrate needs FILE and -o CALFILE (try 'hipform calibrate --help')");
		return HF_EXIT_USAGE;
	}
	*file = argv[optind];
	if (*format == HF_FORMAT_WITMOTION && *rate_hz <= 0.0) {
		hf_cli_error("--rate HZ is required for raw WitMotion captures");
		return HF_EXIT_USAGE;
	}
	return HF_EXIT_OK;
}

int hf_cmd_calibrate(int argc, char **argv)
{
	const char *file = NULL, *out = NULL, *six_face = NULL;
	enum hf_format format = HF_FORMAT_UNKNOWN;
	double rate_hz = 0.0;
	struct procedure_ctx p;
	struct hf_decoder d;
	struct hf_calib c;
	struct hf_calib_report rep;
	char err[200], text[1024];
	int r = parse_args(argc, argv, &file, &out, &six_face, &format, &rate_hz);

	if (r < 0)
		return HF_EXIT_OK;
	if (r != HF_EXIT_OK)
		return r;
	hf_calib_identity(&p.acc);
	if (six_face) {
		r = read_six_face(six_face, format, rate_hz, &p);
		if (r != HF_EXIT_OK)
			return r;
	}
	hf_calib_estimator_init(&p.est);
	r = hf_cli_decode_file(file, format, rate_hz, &d, on_sample, &p);
	if (r == HF_EXIT_OK &&
	    hf_calib_estimator_finish(&p.est, &c, &rep, err, sizeof err) != HF_OK) {
		hf_cli_error("%s: cannot calibrate: %s", file, err);
		r = HF_EXIT_INPUT;
	}
	if (r == HF_EXIT_OK) {
		if (six_face) {
			memcpy(c.acc_offset_g, p.acc.acc_offset_g, sizeof c.acc_offset_g);
			memcpy(c.acc_scale, p.acc.acc_scale, sizeof c.acc_scale);
		}
		format_text(&c, &rep, six_face != NULL, text, sizeof text);
		if (write_atomically(out, text) != 0) {
			hf_cli_error("cannot write %s: %s", out, strerror(errno));
			r = HF_EXIT_INPUT;
		} else {
			print_summary(&c, &rep, six_face != NULL, p.est.n, out);
		}
	}
	return r;
}
