/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hipformd configuration (INI, parsed with inih).
 *
 * Every key is one row of a table (section, name, kind, offset, limits);
 * parsing, printing and change logging walk that table, so adding a key is
 * adding a row here and an entry in docs/man/hipformd.conf.5.scd (tests/docs checks it).  Command-line
 * options are applied through the same rows (hfd_config_set), so they
 * validate exactly as the file does and override it.
 *
 * The definitive key list (defaults in brackets):
 *
 * [device]
 *   path          = auto          serial device path, or "auto": search USB
 *                                 serial adapters by vid_pid.  A path that
 *                                 libserialport refuses (a pseudo-terminal,
 *                                 another tty) is opened through termios.
 *   format        = auto          witmotion | csv | auto (sniffed)
 *   rate_hz       = 100           nominal sample rate of the sensor (Hz),
 *                                 1 to 2000: gives WitMotion samples their
 *                                 times
 *   baud          = auto          serial speed, or "auto": hunt over 9600,
 *                                 115200, 230400, 460800 until WitMotion
 *                                 packets decode
 *   vid_pid       = 1a86:7523 10c4:ea60 0403:6001
 *                                 USB-serial adapters searched for "auto"
 *                                 (CH340, CP210x, FTDI); space or comma list
 *   setup         = false         send WitMotion setup on connect (unlock
 *                                 FF AA 69 88 B5, registers, save FF AA 00
 *                                 00 00)
 *   setup_rate_hz = 0             with setup: output rate register 0x03
 *                                 (0.2 .. 200 Hz; 0 leaves it)
 *   setup_content = -1            with setup: content register 0x02 (RSW)
 *                                 bit mask, e.g. 0x0e; -1 leaves it
 *   usb_vid_pid   = (none)        a sensor streaming over a USB bulk
 *                                 endpoint (vendor interface), VID:PID
 *   usb_interface = 0             its interface number
 *   usb_endpoint  = 0x81          its bulk IN endpoint address
 *   retry_s       = 1.0           look for a lost sensor this often (s)
 * [server]
 *   socket        = /run/hipform/hipformd.sock   client socket (mode 0660)
 *   group         = hipform       group given the socket, when it exists
 *   max_clients   = 64            connections beyond this are refused
 * [storage]
 *   state_dir     = /var/lib/hipform   history.db and recordings/ live here
 *   recordings    = true          write <state_dir>/recordings/<id>.csv
 *   database      = true          keep history in <state_dir>/history.db
 *   resume_s      = 600           a sensor back within this continues the
 *                                 session (s)
 *   idle_end_s    = 1800          a session with no sensor data this long
 *                                 ends (s)
 * [analysis]
 *   exercise      = (none)        hip_lift | clam_shell; none: recognise
 *                                 (needs a calibration with mounting)
 *   side          = (none)        left | right: the working leg (clam_shell)
 *   calibration   = (none)        a file from `hipform calibrate`
 *   program       = (none)        a program file (docs/programs.md), or "default" for the shipped one: SESSION
 *                                 gets "compliance"; a hold block's hold_s
 *                                 is the short_hold threshold of holds
 *   session_accel = true          fit the accelerometer over each session's
 *                                 still postures and start the next session
 *                                 with it (a calibration with [mounting] and
 *                                 no six-face part; <state_dir>/session-accel)
 *   <threshold>   = contract default    every key of hf_thresholds
 *                                 (hold_target_s, shallow_deg, hip_drop_deg,
 *                                 rollback_deg, rushed_s, rep_min_deg,
 *                                 rep_min_fraction, rep_min_duration_s,
 *                                 set_gap_s, baseline_s, start_fraction,
 *                                 hold_fraction)
 * [log]
 *   level         = notice        err | warning | notice | info | debug
 * [mqtt]          (daemon/mqtt/mqtt.c; empty host: no MQTT)
 *   host, port = 1883, username, password, tls = false, ca_file, ca_path,
 *   cert_file, key_file, tls_insecure = false, topic_prefix = hipform,
 *   sensor_id = (host name), discovery = true,
 *   discovery_prefix = homeassistant, keepalive_s = 30
 */
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "hipform/analyzer.h"
#include "hipform/error.h"

enum key_kind {
	K_STR, K_DOUBLE, K_INT, K_BOOL, K_VIDPIDS, K_VIDPID, K_FORMAT,
	K_EXERCISE, K_SIDE, K_LOGLEVEL, K_BAUD,
};

struct key_row {
	const char *section;
	const char *name;
	enum key_kind kind;
	size_t offset;
	size_t size;       /* K_STR: buffer size */
	double min, max;   /* K_DOUBLE, K_INT */
};

#define OFF(f) offsetof(struct hfd_config, f)
#define STR(sec, key, f) {sec, key, K_STR, OFF(f), sizeof(((struct hfd_config *)0)->f), 0, 0}
#define NUM(sec, key, kind, f, lo, hi) {sec, key, kind, OFF(f), 0, lo, hi}
#define ONE(sec, key, kind, f) {sec, key, kind, OFF(f), 0, 0, 0}

static const struct key_row key_rows[] = {
	STR("device", "path", device),
	ONE("device", "format", K_FORMAT, format),
	NUM("device", "rate_hz", K_DOUBLE, rate_hz, HF_RATE_MIN_HZ, 2000.0), /* analysable */
	ONE("device", "baud", K_BAUD, baud),
	ONE("device", "vid_pid", K_VIDPIDS, vid_pid),
	ONE("device", "setup", K_BOOL, setup),
	NUM("device", "setup_rate_hz", K_DOUBLE, setup_rate_hz, 0.0, 200.0),
	NUM("device", "setup_content", K_INT, setup_content, -1, 0xffff),
	ONE("device", "usb_vid_pid", K_VIDPID, usb),
	NUM("device", "usb_interface", K_INT, usb_interface, 0, 255),
	NUM("device", "usb_endpoint", K_INT, usb_endpoint, 0x81, 0x8f),
	NUM("device", "retry_s", K_DOUBLE, retry_s, 0.1, 3600.0),
	STR("server", "socket", socket),
	STR("server", "group", group),
	NUM("server", "max_clients", K_INT, max_clients, 1, 1024),
	STR("storage", "state_dir", state_dir),
	ONE("storage", "recordings", K_BOOL, recordings),
	ONE("storage", "database", K_BOOL, database),
	NUM("storage", "resume_s", K_DOUBLE, resume_s, 0.0, 86400.0),
	NUM("storage", "idle_end_s", K_DOUBLE, idle_end_s, 1.0, 7 * 86400.0),
	ONE("analysis", "exercise", K_EXERCISE, exercise),
	ONE("analysis", "side", K_SIDE, side),
	STR("analysis", "calibration", calibration),
	STR("analysis", "program", program),
	ONE("analysis", "session_accel", K_BOOL, session_accel),
	ONE("log", "level", K_LOGLEVEL, log_level),
	STR("mqtt", "host", mqtt_host),
	NUM("mqtt", "port", K_INT, mqtt_port, 1, 65535),
	STR("mqtt", "username", mqtt_username),
	STR("mqtt", "password", mqtt_password),
	ONE("mqtt", "tls", K_BOOL, mqtt_tls),
	STR("mqtt", "ca_file", mqtt_ca_file),
	STR("mqtt", "ca_path", mqtt_ca_path),
	STR("mqtt", "cert_file", mqtt_cert_file),
	STR("mqtt", "key_file", mqtt_key_file),
	ONE("mqtt", "tls_insecure", K_BOOL, mqtt_tls_insecure),
	STR("mqtt", "topic_prefix", mqtt_topic_prefix),
	STR("mqtt", "sensor_id", mqtt_sensor_id),
	ONE("mqtt", "discovery", K_BOOL, mqtt_discovery),
	STR("mqtt", "discovery_prefix", mqtt_discovery_prefix),
	NUM("mqtt", "keepalive_s", K_INT, mqtt_keepalive_s, 5, 3600),
};
#define N_KEY_ROWS (sizeof key_rows / sizeof key_rows[0])

void hfd_config_default(struct hfd_config *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->device, sizeof c->device, "auto");
	c->format = HF_FORMAT_UNKNOWN;
	c->rate_hz = 100.0;
	c->vid_pid[0] = (struct hfd_vid_pid){0x1a86, 0x7523};
	c->vid_pid[1] = (struct hfd_vid_pid){0x10c4, 0xea60};
	c->vid_pid[2] = (struct hfd_vid_pid){0x0403, 0x6001};
	c->n_vid_pid = 3;
	c->setup_content = -1;
	c->usb_endpoint = 0x81;
	c->retry_s = 1.0;
	snprintf(c->socket, sizeof c->socket, "/run/hipform/hipformd.sock");
	snprintf(c->group, sizeof c->group, "hipform");
	c->max_clients = 64;
	snprintf(c->state_dir, sizeof c->state_dir, "/var/lib/hipform");
	c->recordings = true;
	c->session_accel = true;
	c->database = true;
	c->resume_s = 600.0;
	c->idle_end_s = 1800.0;
	c->exercise = HF_EX_NONE;
	c->side = HF_SIDE_NONE;
	c->thresholds = hf_thresholds_default;
	c->log_level = HF_LOG_NOTICE;
	c->mqtt_port = 1883;
	snprintf(c->mqtt_topic_prefix, sizeof c->mqtt_topic_prefix, "hipform");
	c->mqtt_discovery = true;
	snprintf(c->mqtt_discovery_prefix, sizeof c->mqtt_discovery_prefix, "homeassistant");
	c->mqtt_keepalive_s = 30;
}

/* ---- value parsers: 0 on success, -1 on a bad value ---- */

static int parse_vid_pid(const char *s, struct hfd_vid_pid *out, const char **end)
{
	char *e1, *e2;
	unsigned long vid = strtoul(s, &e1, 16), pid;

	if (e1 == s || *e1 != ':' || vid > 0xffff)
		return -1;
	pid = strtoul(e1 + 1, &e2, 16);
	if (e2 == e1 + 1 || pid > 0xffff)
		return -1;
	*out = (struct hfd_vid_pid){(uint16_t)vid, (uint16_t)pid};
	*end = e2;
	return 0;
}

static int parse_vid_pids(struct hfd_config *c, const char *s)
{
	struct hfd_vid_pid list[HFD_MAX_VID_PID];
	int n = 0;

	while (*s) {
		const char *end;
		if (*s == ' ' || *s == ',' || *s == '\t') {
			s++;
			continue;
		}
		if (n == HFD_MAX_VID_PID || parse_vid_pid(s, &list[n], &end) != 0)
			return -1;
		n++;
		s = end;
	}
	memcpy(c->vid_pid, list, sizeof list);
	c->n_vid_pid = n;
	return 0;
}

static int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"1", "yes", "true", "on"};
	static const char *const no[] = {"0", "no", "false", "off"};

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0)
			return *out = true, 0;
		if (strcasecmp(s, no[i]) == 0)
			return *out = false, 0;
	}
	return -1;
}

static int parse_double(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || !isfinite(v) || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int parse_int(const char *s, double lo, double hi, int *out)
{
	char *end;
	long v = strtol(s, &end, 0);

	if (end == s || *end || v < (long)lo || v > (long)hi)
		return -1;
	*out = (int)v;
	return 0;
}

static bool is_none(const char *s)
{
	return !*s || strcasecmp(s, "none") == 0 || strcasecmp(s, "auto") == 0;
}

static int parse_enum_value(const struct key_row *k, void *field, const char *s)
{
	int v;

	switch (k->kind) {
	case K_FORMAT:
		v = is_none(s) ? HF_FORMAT_UNKNOWN : hf_format_from_name(s);
		if (v == HF_FORMAT_UNKNOWN && !is_none(s))
			return -1;
		return *(enum hf_format *)field = (enum hf_format)v, 0;
	case K_EXERCISE:
		v = is_none(s) ? HF_EX_NONE : hf_exercise_from_name(s);
		if (v == HF_EX_NONE && !is_none(s))
			return -1;
		return *(enum hf_exercise *)field = (enum hf_exercise)v, 0;
	case K_SIDE:
		v = is_none(s) ? HF_SIDE_NONE : hf_side_from_name(s);
		if (v == HF_SIDE_NONE && !is_none(s))
			return -1;
		return *(enum hf_side *)field = (enum hf_side)v, 0;
	case K_LOGLEVEL:
		v = hf_log_level_from_name(s);
		if (v < 0)
			return -1;
		return *(enum hf_log_level *)field = (enum hf_log_level)v, 0;
	default:
		return -1;
	}
}

static int parse_value(struct hfd_config *c, const struct key_row *k, const char *s)
{
	void *field = (char *)c + k->offset;
	const char *end;

	switch (k->kind) {
	case K_STR:
		if (strlen(s) >= k->size)
			return -1;
		memcpy(field, s, strlen(s) + 1);
		return 0;
	case K_DOUBLE: return parse_double(s, k->min, k->max, field);
	case K_INT: return parse_int(s, k->min, k->max, field);
	case K_BOOL: return parse_bool(s, field);
	case K_VIDPIDS: return parse_vid_pids(c, s);
	case K_VIDPID:
		if (is_none(s))
			return *(struct hfd_vid_pid *)field = (struct hfd_vid_pid){0, 0}, 0;
		return parse_vid_pid(s, field, &end) != 0 || *end ? -1 : 0;
	case K_BAUD:
		if (strcasecmp(s, "auto") == 0 || strcmp(s, "0") == 0)
			return *(int *)field = 0, 0;
		return parse_int(s, 50, 4000000, field);
	default:
		return parse_enum_value(k, field, s);
	}
}

static const struct key_row *find_row(const char *section, const char *key)
{
	for (size_t i = 0; i < N_KEY_ROWS; i++)
		if (strcmp(key_rows[i].section, section) == 0 &&
		    strcmp(key_rows[i].name, key) == 0)
			return &key_rows[i];
	return NULL;
}

static bool known_section(const char *section)
{
	for (size_t i = 0; i < N_KEY_ROWS; i++)
		if (strcmp(key_rows[i].section, section) == 0)
			return true;
	return false;
}

/* 1 set, 0 unknown key, -1 bad value */
static int set_key(struct hfd_config *c, const char *section, const char *key,
		   const char *value)
{
	const struct key_row *k = find_row(section, key);

	if (k)
		return parse_value(c, k, value) == 0 ? 1 : -1;
	if (strcmp(section, "analysis") == 0) {
		for (const char *const *t = hf_thresholds_keys(); *t; t++)
			if (strcmp(*t, key) == 0)
				return hf_thresholds_set(&c->thresholds, key, value) == HF_OK ? 1 : -1;
	}
	return 0;
}

int hfd_config_set(struct hfd_config *c, const char *section, const char *key,
		   const char *value)
{
	int r = set_key(c, section, key, value);

	if (r == 1)
		return HF_OK;
	if (r == 0)
		hf_err_log("unknown setting [%s] %s", section, key);
	else
		hf_err_log("[%s] %s: invalid value '%s'", section, key, value);
	return HF_ERR_ARG;
}

struct load_ctx {
	struct hfd_config *c;
	const char *path;
	FILE *f;
	int lineno;
	int errors;
};

static int ini_line(void *user, const char *section, const char *key,
		    const char *value, int lineno)
{
	struct load_ctx *ctx = user;
	int r;

	if (!key)
		return 1; /* a section header alone */
	if (!known_section(section)) {
		hf_warn("%s:%d: unknown section [%s] (key %s ignored)", ctx->path,
			lineno, section, key);
		return 1;
	}
	r = set_key(ctx->c, section, key, value);
	if (r == 0)
		hf_warn("%s:%d: unknown key '%s' in [%s], ignored", ctx->path, lineno,
			key, section);
	if (r < 0) {
		hf_err_log("%s:%d: [%s] %s: invalid value '%s'", ctx->path, lineno,
			   section, key, value);
		ctx->errors++;
	}
	return 1;
}

/*
 * Debian's inih is built without INI_HANDLER_LINENO: count lines in our own
 * reader instead (the handler runs right after its line was read).
 */
static char *read_line(char *str, int num, void *stream)
{
	struct load_ctx *ctx = stream;
	char *r = fgets(str, num, ctx->f);

	if (r)
		ctx->lineno++;
	return r;
}

static int config_handler(void *user, const char *section, const char *key,
		       const char *value)
{
	struct load_ctx *ctx = user;

	return ini_line(ctx, section, key, value, ctx->lineno);
}

int hfd_config_load(struct hfd_config *c, const char *path)
{
	struct load_ctx ctx = {c, path, NULL, 0, 0};
	int r;

	ctx.f = fopen(path, "re");
	if (!ctx.f)
		return HF_ERR_SYS;
	r = ini_parse_stream(read_line, &ctx, config_handler, &ctx);
	fclose(ctx.f);
	if (r < 0) {
		hf_err_log("%s: out of memory while parsing", path);
		return HF_ERR_NOMEM;
	}
	if (r > 0) {
		hf_err_log("%s:%d: not INI syntax", path, r);
		return HF_ERR_FORMAT;
	}
	return ctx.errors ? HF_ERR_FORMAT : HF_OK;
}

/* ---- printing ---- */

static void format_value(const struct hfd_config *c, const struct key_row *k,
			 char *buf, size_t len)
{
	const void *f = (const char *)c + k->offset;
	const struct hfd_vid_pid *vp = f;
	size_t used = 0;

	switch (k->kind) {
	case K_STR: snprintf(buf, len, "%s", (const char *)f); break;
	case K_DOUBLE: snprintf(buf, len, "%g", *(const double *)f); break;
	case K_INT: snprintf(buf, len, "%d", *(const int *)f); break;
	case K_BAUD: snprintf(buf, len, *(const int *)f ? "%d" : "auto", *(const int *)f); break;
	case K_BOOL: snprintf(buf, len, "%s", *(const bool *)f ? "true" : "false"); break;
	case K_VIDPID: snprintf(buf, len, "%04x:%04x", vp->vid, vp->pid); break;
	case K_FORMAT: snprintf(buf, len, "%s", hf_format_name(*(const enum hf_format *)f) ?: "auto"); break;
	case K_EXERCISE: {
		const struct hf_exercise_info *e = hf_exercise_info(*(const enum hf_exercise *)f);
		snprintf(buf, len, "%s", e ? e->name : "none");
		break;
	}
	case K_SIDE: snprintf(buf, len, "%s", hf_side_name(*(const enum hf_side *)f) ?: "none"); break;
	case K_LOGLEVEL: snprintf(buf, len, "%d", (int)*(const enum hf_log_level *)f); break;
	case K_VIDPIDS:
		buf[0] = '\0';
		for (int i = 0; i < c->n_vid_pid && used + 11 < len; i++)
			used += (size_t)snprintf(buf + used, len - used, "%s%04x:%04x",
						 i ? " " : "", c->vid_pid[i].vid, c->vid_pid[i].pid);
		break;
	}
}

int hfd_config_log_changes(const struct hfd_config *a, const struct hfd_config *b)
{
	char va[300], vb[300];
	int n = 0;

	for (size_t i = 0; i < N_KEY_ROWS; i++) {
		format_value(a, &key_rows[i], va, sizeof va);
		format_value(b, &key_rows[i], vb, sizeof vb);
		if (strcmp(va, vb) != 0) {
			bool secret = strcmp(key_rows[i].name, "password") == 0;
			hf_notice("config: [%s] %s: %s -> %s", key_rows[i].section,
				  key_rows[i].name, secret ? "(hidden)" : va,
				  secret ? "(hidden)" : vb);
			n++;
		}
	}
	for (const char *const *t = hf_thresholds_keys(); *t; t++) {
		struct hf_thresholds ta = a->thresholds, tb = b->thresholds;
		size_t idx = (size_t)(t - hf_thresholds_keys());
		double x = ((double *)&ta)[idx], y = ((double *)&tb)[idx];
		if (x != y) {
			hf_notice("config: [analysis] %s: %g -> %g", *t, x, y);
			n++;
		}
	}
	return n;
}

int hfd_config_check(const struct hfd_config *c)
{
	const struct hf_exercise_info *e = hf_exercise_info(c->exercise);

	/* a side walk's side is measured: the direction of travel */
	if (e && e->sided && e->kind != HF_KIND_STEPS && c->side == HF_SIDE_NONE) {
		hf_err_log("exercise %s needs a side (left or right: the working leg)", e->name);
		return HF_ERR_ARG;
	}
	if (!e && !c->calibration[0]) {
		hf_warn("no exercise and no calibration: sets cannot be recognised "
			"until one is configured ([analysis] exercise or calibration)");
	}
	return HF_OK;
}

void hfd_config_print_keys(void *file)
{
	struct hfd_config d;
	char v[300];
	const char *section = "";

	hfd_config_default(&d);
	for (size_t i = 0; i < N_KEY_ROWS; i++) {
		if (strcmp(section, key_rows[i].section) != 0) {
			section = key_rows[i].section;
			fprintf(file, "    [%s]\n", section);
		}
		format_value(&d, &key_rows[i], v, sizeof v);
		if (key_rows[i].kind == K_LOGLEVEL)
			snprintf(v, sizeof v, "notice");
		fprintf(file, "      %-14s = %s\n", key_rows[i].name, v[0] ? v : "(none)");
		if (strcmp(key_rows[i].name, "calibration") == 0)
			fprintf(file, "      %-14s = contract defaults\n", "<threshold>");
	}
}
