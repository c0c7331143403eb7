/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers shared by the subcommands of `hipform` (options.h). */
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "hipform/error.h"
#include "options.h"

/* hf_cli_session_accel()'s first read of a file: its errors are the
 * analysis's to report, once */
static bool quiet;

void hf_cli_error(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	fputs("hipform: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

char *hf_cli_read_text(const char *path, size_t max_len)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (!f)
		return NULL;
	buf = malloc(max_len + 1);
	if (!buf) {
		fclose(f);
		errno = ENOMEM;
		return NULL;
	}
	n = fread(buf, 1, max_len, f);
	if (ferror(f) || !feof(f)) {
		int e = ferror(f) ? errno : EFBIG;
		free(buf);
		fclose(f);
		errno = e;
		return NULL;
	}
	buf[n] = '\0';
	fclose(f);
	return buf;
}

int hf_cli_load_calibration(const char *path, struct hf_calib *c)
{
	char err[200];
	char *text = hf_cli_read_text(path, 65536);

	if (!text) {
		hf_cli_error("cannot read calibration %s: %s", path, strerror(errno));
		return HF_EXIT_INPUT;
	}
	if (hf_calib_parse(c, text, err, sizeof err) != HF_OK) {
		hf_cli_error("calibration %s: %s", path, err);
		free(text);
		return HF_EXIT_INPUT;
	}
	free(text);
	return HF_EXIT_OK;
}

int hf_cli_threshold_arg(struct hf_thresholds *t, const char *arg)
{
	char key[64];
	const char *eq = strchr(arg, '=');

	if (!eq || (size_t)(eq - arg) >= sizeof key) {
		hf_cli_error("--threshold wants KEY=VALUE, got '%s'", arg);
		return HF_EXIT_USAGE;
	}
	memcpy(key, arg, (size_t)(eq - arg));
	key[eq - arg] = '\0';
	if (hf_thresholds_set(t, key, eq + 1) != HF_OK) {
		hf_cli_error("--threshold %s: unknown key or not a positive number", arg);
		return HF_EXIT_USAGE;
	}
	return HF_EXIT_OK;
}

struct config_ctx {
	struct hf_thresholds *t;
	const char *path;
};

static int config_line(void *user, const char *section, const char *name,
		       const char *value)
{
	struct config_ctx *ctx = user;

	if (!name || strcmp(section, "analysis") != 0)
		return 1; /* other sections belong to the daemon */
	if (strcmp(name, "exercise") == 0 || strcmp(name, "side") == 0 ||
	    strcmp(name, "calibration") == 0 || strcmp(name, "program") == 0)
		return 1;
	if (hf_thresholds_set(ctx->t, name, value) != HF_OK) {
		hf_cli_error("%s: [analysis] %s = %s: unknown key or not a positive number",
			     ctx->path, name, value);
		return 0;
	}
	return 1;
}

/* Open a configuration for reading: a regular file (fopen() also opens a
 * directory, and reading it then looks like an empty file). */
static FILE *open_config(const char *path)
{
	FILE *f = fopen(path, "r");
	struct stat st;

	if (f && fstat(fileno(f), &st) == 0 && !S_ISREG(st.st_mode)) {
		fclose(f);
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		return NULL;
	}
	return f;
}

int hf_cli_load_config(const char *path, struct hf_thresholds *t)
{
	struct config_ctx ctx = {t, path};
	FILE *f = open_config(path);
	int line = f ? ini_parse_file(f, config_line, &ctx) : -1;

	if (f && ferror(f)) {
		line = -1;
		errno = EIO;
	}
	if (f)
		fclose(f);
	if (line < 0) {
		hf_cli_error("cannot read configuration %s: %s", path, strerror(errno));
		return HF_EXIT_INPUT;
	}
	if (line > 0) {
		hf_cli_error("%s: line %d: invalid", path, line);
		return HF_EXIT_INPUT;
	}
	return HF_EXIT_OK;
}

void hf_cli_take_breaks(const struct hf_decoder *d, uint64_t *seen, struct hf_analyzer *an)
{
	struct hf_live live = {0};

	if (d->breaks == *seen)
		return;
	*seen = d->breaks;
	if (!an)
		return;
	hf_analyzer_live(an, &live);
	if (live.in_set)
		hf_analyzer_interrupt(an);
}

static int feed_all(struct hf_decoder *d, const uint8_t *buf, size_t len,
		    hf_cli_sample_fn fn, void *user)
{
	size_t off = 0;

	while (off < len) {
		struct hf_sample s;
		size_t used = 0;
		int r = hf_decoder_feed(d, buf + off, len - off, &used, &s);
		off += used;
		if (r < 0)
			return r;
		if (r == 1)
			fn(&s, user);
		if (used == 0 && r == 0)
			break;
	}
	return 0;
}

bool hf_cli_rate_ok(double rate_hz)
{
	return rate_hz >= HF_RATE_MIN_HZ && rate_hz <= HF_RATE_MAX_HZ;
}

int hf_cli_rate_arg(const char *arg, double *rate_hz)
{
	char *end;

	*rate_hz = strtod(arg, &end);
	if (end == arg || *end || !hf_cli_rate_ok(*rate_hz)) {
		hf_cli_error("--rate: '%s' is not a sample rate from %g to %g Hz", arg,
			     HF_RATE_MIN_HZ, HF_RATE_MAX_HZ);
		return HF_EXIT_USAGE;
	}
	return HF_EXIT_OK;
}

/* An endless stream of bytes that never frame ends with an error here. */
static bool no_packet_yet(const struct hf_decoder *d, uint64_t bytes)
{
	return d->format == HF_FORMAT_WITMOTION && d->stats.packets == 0 &&
	       bytes >= HF_CLI_MAX_BYTES_WITHOUT_PACKET;
}

int hf_cli_decode_file(const char *path, enum hf_format format, double rate_hz,
		       struct hf_decoder *d, hf_cli_sample_fn fn, void *user)
{
	static uint8_t buf[1 << 16];
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	uint64_t bytes = 0;
	ssize_t n;
	int r = 0;

	if (fd < 0) {
		hf_cli_error("cannot open %s: %s", path, strerror(errno));
		return HF_EXIT_INPUT;
	}
	hf_decoder_init(d, format, rate_hz);
	while (r == 0 && (n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			hf_cli_error("cannot read %s: %s", path, strerror(errno));
			r = -1;
			break;
		}
		r = feed_all(d, buf, (size_t)n, fn, user);
		bytes += (uint64_t)n;
		if (r == 0 && no_packet_yet(d, bytes)) {
			hf_cli_error("%s: not one WitMotion packet in its first %d MiB: giving up "
				     "(is it a WitMotion capture?)",
				     path, HF_CLI_MAX_BYTES_WITHOUT_PACKET >> 20);
			r = -1;
		}
	}
	if (fd != STDIN_FILENO)
		close(fd);
	while (r == 0) {
		struct hf_sample s;
		int k = hf_decoder_flush(d, &s);
		if (k != 1) {
			r = k;
			break;
		}
		fn(&s, user);
	}
	if (r < 0 && r != -1) {
		hf_cli_error("%s: %s", path, hf_decoder_error(d)[0] ? hf_decoder_error(d) : hf_strerror(r));
		return HF_EXIT_INPUT;
	}
	return r < 0 ? HF_EXIT_INPUT : HF_EXIT_OK;
}

static void on_fit_sample(const struct hf_sample *s, void *user)
{
	hf_accel_fit_update(user, s);
}

bool hf_cli_session_accel(const char *path, enum hf_format format, double rate_hz,
			  struct hf_calib *cal)
{
	static struct hf_accel_fit fit; /* one file at a time, and large */
	struct hf_accel_fit_result res;
	struct hf_decoder d;
	struct stat st;
	int r;

	if (hf_calib_has_accel(cal) || strcmp(path, "-") == 0 || stat(path, &st) != 0 ||
	    !S_ISREG(st.st_mode))
		return false;
	hf_accel_fit_init(&fit, cal->gyro_bias_dps);
	quiet = true;
	r = hf_cli_decode_file(path, format, rate_hz, &d, on_fit_sample, &fit);
	quiet = false;
	if (r != HF_EXIT_OK || hf_accel_fit_finish(&fit, &res) != HF_OK)
		return false;
	hf_calib_adopt_accel(cal, &res);
	return true;
}
