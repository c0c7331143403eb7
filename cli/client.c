/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hipform status | watch | summary | history: clients of hipformd.
 *
 * The daemon speaks newline-delimited JSON on a Unix stream socket, every
 * message an object with a "class" (docs/protocol.md).  This file holds
 * the connection (hf_conn: a growing line buffer over a non-blocking
 * socket), the rendering of server messages for a person (hf_view: a live
 * line refreshed in place on a terminal, one line per rep with its faults
 * in plain words, set and session summaries) and the four commands.  The
 * demo (demo.c) reuses the connection, the view and the watch loop.
 *
 * Session summaries are turned back into the library's report structs so
 * that they print exactly like `hipform analyze` (hf_report_print_text).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "commands.h"
#include "hipform/report.h"
#include "options.h"
#include "speak.h"

#define HF_LINE_MAX (512u << 20)  /* hipformd replies up to 256 MiB (a SESSION of any length) */
#define HF_REPLY_TIMEOUT_MS 10000
#define HF_DEG "\xc2\xb0"
#define HF_JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

/* ---- connection ---- */

const char *hf_client_socket_path(const char *opt)
{
	const char *env = getenv("HIPFORM_SOCKET");

	if (opt && *opt)
		return opt;
	if (env && *env)
		return env;
	return HF_CLIENT_DEFAULT_SOCKET;
}

static void connect_error(const char *path, int err)
{
	const char *hint = "is the service running? systemctl status hipformd";

	if (err == EACCES || err == EPERM)
		hint = "are you in group hipform? sudo usermod -aG hipform $USER, then log in again";
	else if (err == ENAMETOOLONG)
		hint = "socket paths are limited to 107 bytes";
	hf_cli_error("cannot connect to hipformd at %s: %s (%s)", path,
		     strerror(err), hint);
}

int hf_conn_open(struct hf_conn *c, const char *path, bool quiet)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int err;

	memset(c, 0, sizeof *c);
	c->fd = -1;
	if (strlen(path) >= sizeof sa.sun_path) {
		err = ENAMETOOLONG;
		goto fail;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		err = errno;
		goto fail;
	}
	return 0;
fail:
	hf_conn_close(c);
	if (!quiet)
		connect_error(path, err);
	errno = err;
	return -1;
}

void hf_conn_close(struct hf_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
	memset(c, 0, sizeof *c);
	c->fd = -1;
}

int hf_conn_send(struct hf_conn *c, json_object *req)
{
	const char *text = json_object_to_json_string_ext(req, HF_JSON_FLAGS);
	size_t len = strlen(text), off = 0;
	struct pollfd p = {.fd = c->fd, .events = POLLOUT};

	while (off <= len) {
		/* the newline goes out as the last byte */
		const char *chunk = off < len ? text + off : "\n";
		size_t n = off < len ? len - off : 1;
		ssize_t w = send(c->fd, chunk, n, MSG_NOSIGNAL);

		if (w > 0) {
			off += (size_t)w;
			continue;
		}
		if (w < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
		if (poll(&p, 1, HF_REPLY_TIMEOUT_MS) == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
	}
	return 0;
}

/* Drop the line returned last time from the front of the buffer. */
static void conn_consume(struct hf_conn *c)
{
	if (!c->skip)
		return;
	memmove(c->buf, c->buf + c->skip, c->len - c->skip);
	c->len -= c->skip;
	c->skip = 0;
}

/* A complete line in the buffer: NUL-terminate it and return it. */
static char *conn_take_line(struct hf_conn *c)
{
	char *nl = c->len ? memchr(c->buf, '\n', c->len) : NULL;

	if (!nl)
		return NULL;
	*nl = '\0';
	c->skip = (size_t)(nl - c->buf) + 1;
	return c->buf;
}

/* Read what is available; 1 got bytes, 0 EOF, -1 error, -2 nothing yet. */
static int conn_fill(struct hf_conn *c)
{
	ssize_t n;

	if (c->cap - c->len < 4096) {
		size_t cap = c->cap ? 2 * c->cap : 65536;
		char *p;

		if (cap > HF_LINE_MAX) {
			errno = EMSGSIZE;
			return -1;
		}
		p = realloc(c->buf, cap);
		if (!p)
			return -1;
		c->buf = p;
		c->cap = cap;
	}
	n = recv(c->fd, c->buf + c->len, c->cap - c->len - 1, 0);
	if (n > 0) {
		c->len += (size_t)n;
		return 1;
	}
	if (n == 0 || errno == ECONNRESET)  /* the daemon went away */
		return 0;
	return (errno == EAGAIN || errno == EINTR) ? -2 : -1;
}

enum hf_conn_rc hf_conn_next_line(struct hf_conn *c, int timeout_ms, char **line)
{
	struct pollfd p = {.fd = c->fd, .events = POLLIN};

	conn_consume(c);
	for (;;) {
		int r;

		*line = conn_take_line(c);
		if (*line)
			return HF_CONN_LINE;
		r = conn_fill(c);
		if (r == 0)
			return HF_CONN_EOF;
		if (r == -1)
			return HF_CONN_ERROR;
		if (r == 1)
			continue;
		r = poll(&p, 1, timeout_ms);
		if (r < 0 && errno != EINTR)
			return HF_CONN_ERROR;
		if (r <= 0)
			return HF_CONN_TIMEOUT;
	}
}

/* ---- small JSON helpers ---- */

static const char *jstr(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static bool jnum(json_object *o, const char *key, double *out)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !(json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)))
		return false;
	*out = json_object_get_double(v);
	return true;
}

static double jnum_or(json_object *o, const char *key, double dflt)
{
	double v;

	return jnum(o, key, &v) ? v : dflt;
}

static bool jbool(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_get_boolean(v);
}

static json_object *jarray(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_array))
		return NULL;
	return v;
}

/* A session id as text (ints and strings both occur in principle). */
static const char *jid(json_object *o, const char *key, char *buf, size_t len)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
		return "-";
	snprintf(buf, len, "%s", json_object_get_string(v));
	return buf;
}

/* hf_conn_expect(); quiet: an ERROR reply is not printed. */
static json_object *conn_expect(struct hf_conn *c, const char *want, int timeout_ms,
				bool quiet)
{
	struct timespec t0, now;
	char *line;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		long waited_ms;
		enum hf_conn_rc rc;
		json_object *msg;
		const char *cls;

		clock_gettime(CLOCK_MONOTONIC, &now);
		waited_ms = (now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000;
		if (waited_ms >= timeout_ms) {
			hf_cli_error("hipformd did not answer within %d s", timeout_ms / 1000);
			return NULL;
		}
		rc = hf_conn_next_line(c, (int)(timeout_ms - waited_ms), &line);
		if (rc == HF_CONN_EOF || rc == HF_CONN_ERROR) {
			hf_cli_error("hipformd closed the connection%s%s",
				     rc == HF_CONN_ERROR ? ": " : "",
				     rc == HF_CONN_ERROR ? strerror(errno) : "");
			return NULL;
		}
		if (rc != HF_CONN_LINE)
			continue;
		msg = json_tokener_parse(line);
		cls = msg ? jstr(msg, "class") : NULL;
		if (cls && strcmp(cls, want) == 0)
			return msg;
		if (cls && strcmp(cls, "ERROR") == 0) {
			if (!quiet)
				hf_cli_error("hipformd: %s", jstr(msg, "message") ? jstr(msg, "message") : "error");
			json_object_put(msg);
			return NULL;
		}
		json_object_put(msg);
	}
}

json_object *hf_conn_expect(struct hf_conn *c, const char *want, int timeout_ms)
{
	return conn_expect(c, want, timeout_ms, false);
}

/* ---- contract objects back into library structs ---- */

static uint32_t faults_from_json(json_object *arr)
{
	uint32_t bits = 0;
	size_t n = arr ? json_object_array_length(arr) : 0;

	for (size_t i = 0; i < n; i++) {
		const char *name = json_object_get_string(json_object_array_get_idx(arr, i));
		enum hf_fault f = name ? hf_fault_from_name(name) : HF_FAULT_COUNT;

		if (f != HF_FAULT_COUNT)
			bits |= HF_FAULT_BIT(f);
	}
	return bits;
}

static void rep_from_json(json_object *o, struct hf_rep *r)
{
	memset(r, 0, sizeof *r);
	r->start_s = jnum_or(o, "start_s", 0.0);
	r->peak_s = jnum_or(o, "peak_s", 0.0);
	r->end_s = jnum_or(o, "end_s", 0.0);
	r->excursion_deg = jnum_or(o, "excursion_deg", 0.0);
	r->hold_s = jnum_or(o, "hold_s", 0.0);
	r->rise_s = jnum_or(o, "rise_s", 0.0);
	r->lower_s = jnum_or(o, "lower_s", 0.0);
	r->tilt_deg = jnum_or(o, "tilt_deg", 0.0);
	r->obliquity_deg = jnum_or(o, "obliquity_deg", 0.0);
	r->rotation_deg = jnum_or(o, "rotation_deg", 0.0);
	r->max_abs_rotation_deg = jnum_or(o, "max_abs_rotation_deg", fabs(r->rotation_deg));
	r->faults = faults_from_json(jarray(o, "faults"));
}

/* A contract set object as a hf_set_summary; reps is caller's (>= count). */
static void set_from_json(json_object *o, struct hf_set_summary *s, struct hf_rep *reps,
			  int max_reps)
{
	json_object *arr = jarray(o, "reps");
	int n = arr ? (int)json_object_array_length(arr) : 0;
	const char *side = jstr(o, "side");

	memset(s, 0, sizeof *s);
	s->exercise = hf_exercise_from_name(jstr(o, "exercise") ? jstr(o, "exercise") : "");
	s->side = side ? hf_side_from_name(side) : HF_SIDE_NONE;
	s->start_s = jnum_or(o, "start_s", 0.0);
	s->end_s = jnum_or(o, "end_s", 0.0);
	s->rep_period_s = jnum_or(o, "rep_period_s", 0.0);
	s->hold_tremor_hz = jnum_or(o, "hold_tremor_hz", 0.0);
	s->hold_tremor_deg = jnum_or(o, "hold_tremor_deg", 0.0);
	if (n > max_reps)
		n = max_reps;
	for (int i = 0; i < n; i++)
		rep_from_json(json_object_array_get_idx(arr, i), &reps[i]);
	s->rep_count = n;
	s->reps = reps;
}

/* A foam-roll set's figures (contract section 8); false if none. */
static bool passes_from_json(json_object *o, struct hf_passes_summary *p)
{
	const char *posture = jstr(o, "posture");
	const char *kind = jstr(o, "kind");

	if (!kind || strcmp(kind, "passes") != 0)
		return false;
	p->passes = (int)jnum_or(o, "passes", 0.0);
	p->posture = !posture ? HF_POSTURE_UNKNOWN
		   : strcmp(posture, "face_down") == 0 ? HF_POSTURE_PRONE
		   : strcmp(posture, "face_up") == 0 ? HF_POSTURE_SUPINE : HF_POSTURE_UNKNOWN;
	p->pass_period_s = jnum_or(o, "pass_period_s", NAN);
	return true;
}

/* A side-walk set's "cycles" (contract section 8) into st and cyc (max of
 * them); false when the set has none. */
static bool steps_from_json(json_object *o, struct hf_steps_summary *st, struct hf_cycle *cyc,
			    int max)
{
	json_object *arr = jarray(o, "cycles");
	int n = arr ? (int)json_object_array_length(arr) : 0;

	if (!arr)
		return false;
	if (n > max)
		n = max;
	for (int i = 0; i < n; i++) {
		json_object *c = json_object_array_get_idx(arr, i);
		cyc[i].start_s = jnum_or(c, "start_s", NAN);
		cyc[i].end_s = jnum_or(c, "end_s", NAN);
		cyc[i].obliquity_range_deg = jnum_or(c, "obliquity_range_deg", NAN);
		cyc[i].faults = faults_from_json(jarray(c, "faults"));
	}
	st->steps = (int)jnum_or(o, "steps", (double)n);
	st->cadence_cpm = jnum_or(o, "cadence_cpm", NAN);
	st->n_cycles = n;
	st->cycles = cyc;
	return true;
}

static int report_add_json_set(struct hf_report *r, json_object *o)
{
	json_object *arr = jarray(o, "reps");
	int n = arr ? (int)json_object_array_length(arr) : 0;
	struct hf_rep *reps = calloc(n > 0 ? (size_t)n : 1, sizeof *reps);
	struct hf_set_summary s;
	struct hf_passes_summary ps;
	int rc;

	if (!reps)
		return -1;
	set_from_json(o, &s, reps, n);
	if (passes_from_json(o, &ps))
		s.passes = &ps;
	{
		json_object *carr = jarray(o, "cycles");
		int nc = carr ? (int)json_object_array_length(carr) : 0;
		struct hf_cycle *cyc = calloc(nc > 0 ? (size_t)nc : 1, sizeof *cyc);
		struct hf_steps_summary st;
		if (cyc && steps_from_json(o, &st, cyc, nc))
			s.steps = &st;
		rc = cyc ? hf_report_add_set(r, &s) : -1;
		free(cyc);
	}
	free(reps);
	return rc;
}

static void input_from_json(json_object *o, struct hf_input_info *in)
{
	memset(in, 0, sizeof *in);
	in->format = jstr(o, "format");
	in->samples = (uint64_t)jnum_or(o, "samples", 0.0);
	in->rate_hz = jnum_or(o, "rate_hz", 0.0);
	in->bad_lines = (uint64_t)jnum_or(o, "bad_lines", 0.0);
	in->bad_packets = (uint64_t)jnum_or(o, "bad_packets", 0.0);
	in->gaps = (uint64_t)jnum_or(o, "gaps", 0.0);
}

/* ---- words for people ---- */

static const char *exercise_title(const char *name)
{
	const struct hf_exercise_info *e = name ? hf_exercise_info(hf_exercise_from_name(name)) : NULL;

	return e ? e->title : (name ? name : "exercise");
}

static const char *posture_words(const char *name)
{
	static const struct {
		const char *name, *words;
	} table[] = {
		{"upright", "standing"},
		{"supine", "on your back"},
		{"prone", "on your front"},
		{"side_right", "on your right side"},
		{"side_left", "on your left side"},
		{"unknown", "posture unknown"},
	};

	for (size_t i = 0; name && i < sizeof table / sizeof table[0]; i++)
		if (strcmp(name, table[i].name) == 0)
			return table[i].words;
	return name ? name : "posture unknown";
}

static const char *color(const struct hf_view *v, const char *code)
{
	return v->color ? code : "";
}

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_DIM "\033[2m"

static int terminal_width(FILE *out)
{
	struct winsize ws;

	if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 80;
}

void hf_view_init(struct hf_view *v, FILE *out, bool json)
{
	const char *no_color = getenv("NO_COLOR");
	const char *term = getenv("TERM");

	memset(v, 0, sizeof *v);
	v->out = out;
	v->json = json;
	v->tty = !json && isatty(fileno(out));
	v->color = v->tty && !(no_color && *no_color) && !(term && strcmp(term, "dumb") == 0);
	v->width = v->tty ? terminal_width(out) : 80;
	v->hold_target_s = 2.0;
	v->last_plain_t_s = -1e9;
	v->status_t_s = -1.0;
	v->announced_set = v->announced_rep = -1;
}

void hf_view_break(struct hf_view *v)
{
	if (v->live_shown) {
		fputs("\r\033[K", v->out);
		v->live_shown = false;
	}
}

/* "hold [#####-----] 1.4/2.0 s", the bar full and green once the target
 * is reached (same width, so the live line does not jump). */
static void hold_bar(const struct hf_view *v, char *buf, size_t len, double hold_s,
		     double target_s)
{
	int filled = target_s > 0.0 ? (int)lround(10.0 * hold_s / target_s) : 0;
	bool held = target_s > 0.0 && hold_s >= target_s;
	char bar[11];

	if (filled < 0)
		filled = 0;
	if (filled > 10)
		filled = 10;
	for (int i = 0; i < 10; i++)
		bar[i] = i < filled ? '#' : '-';
	bar[10] = '\0';
	snprintf(buf, len, "%shold [%s] %.1f/%.1f s%s", held ? color(v, C_GREEN) : "", bar,
		 hold_s, target_s, held ? color(v, C_RESET) : "");
}

/* What the person is doing: "Hip lift" in a set, else "standing, still". */
static void status_state(json_object *m, char *buf, size_t len)
{
	const char *ex = jstr(m, "exercise");
	const char *side = jstr(m, "side");

	if (jstr(m, "device") && strcmp(jstr(m, "device"), "connected") != 0)
		snprintf(buf, len, "sensor disconnected, waiting for it");
	else if (ex && jbool(m, "in_set"))
		snprintf(buf, len, "%s%s%s%s", exercise_title(ex), side ? " (" : "",
			 side ? side : "", side ? " leg)" : "");
	else
		snprintf(buf, len, "%s, %s", posture_words(jstr(m, "posture")),
			 jbool(m, "still") ? "still" : "moving");
}

/* Columns a string takes: UTF-8 characters, colour escapes take none. */
static int display_cols(const char *s)
{
	int cols = 0;

	for (const char *p = s; *p; p++) {
		if (*p == '\033') {
			while (p[1] && *p != 'm')
				p++;
			continue;
		}
		cols += ((unsigned char)*p & 0xc0) != 0x80;
	}
	return cols;
}

#define N_SEGS 5
#define SEG_LEN 96

/* The live line as segments, most important first. */
static int status_segments(const struct hf_view *v, json_object *m, char seg[N_SEGS][SEG_LEN])
{
	char angles[SEG_LEN];
	int n = 0;

	status_state(m, seg[n++], SEG_LEN);
	snprintf(angles, sizeof angles, "tilt %+.1f" HF_DEG " obliq %+.1f" HF_DEG " rot %+.1f" HF_DEG,
		 jnum_or(m, "tilt_deg", 0.0), jnum_or(m, "obliquity_deg", 0.0),
		 jnum_or(m, "rotation_deg", 0.0));
	if (jbool(m, "in_set")) {
		snprintf(seg[n++], SEG_LEN, "e %4.1f" HF_DEG, jnum_or(m, "excursion_deg", 0.0));
		hold_bar(v, seg[n++], SEG_LEN, jnum_or(m, "hold_s", 0.0),
			 jnum_or(m, "hold_target_s", v->hold_target_s));
		snprintf(seg[n++], SEG_LEN, "reps %d", (int)jnum_or(m, "rep_count", 0.0));
	}
	memcpy(seg[n++], angles, sizeof angles);
	return n;
}

/* Join the segments with " | ", leaving out those that do not fit in
 * width columns (width <= 0: all). */
static void status_line(const struct hf_view *v, json_object *m, char *buf, size_t len,
			int width)
{
	char seg[N_SEGS][SEG_LEN];
	int n = status_segments(v, m, seg), cols = 0;
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		int c = display_cols(seg[i]) + (i ? 3 : 0);

		if (i && width > 0 && cols + c >= width)
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? " | " : "", seg[i]);
		cols += c;
		if (used >= len)
			return;
	}
}

/* Cut a line to the terminal width (a first segment may be too long). */
static void fit_width(char *s, int width)
{
	int cols = 0;

	for (char *p = s; *p; p++) {
		if (*p == '\033') {
			while (p[1] && *p != 'm')
				p++;
			continue;
		}
		if (((unsigned char)*p & 0xc0) == 0x80)
			continue;
		if (++cols >= width) {
			*p = '\0';
			return;
		}
	}
}

static void view_status(struct hf_view *v, json_object *m)
{
	char line[512], state[96];
	double t_s = jnum_or(m, "t_s", 0.0);

	v->hold_target_s = jnum_or(m, "hold_target_s", v->hold_target_s);
	status_line(v, m, line, sizeof line, v->tty ? v->width : 0);
	if (v->tty) {
		fit_width(line, v->width);
		fprintf(v->out, "\r\033[K%s", line);
		v->live_shown = true;
		return;
	}
	/* plain output: a line when the state changes, else every 10 s */
	status_state(m, state, sizeof state);
	if (strcmp(state, v->last_state) == 0 && t_s - v->last_plain_t_s < 10.0)
		return;
	snprintf(v->last_state, sizeof v->last_state, "%s", state);
	v->last_plain_t_s = t_s;
	fprintf(v->out, "%s\n", line);
}

/* Which rep of which set a message is about. */
static bool same_rep(const struct hf_view *v, json_object *m)
{
	return (int)jnum_or(m, "set", -2) == v->announced_set &&
	       (int)jnum_or(m, "rep", -2) == v->announced_rep;
}

static void view_fault(struct hf_view *v, json_object *m)
{
	const char *code = jstr(m, "code");
	const char *msg = jstr(m, "message");
	enum hf_fault f = code ? hf_fault_from_name(code) : HF_FAULT_COUNT;

	if (!same_rep(v, m)) {
		v->announced_set = (int)jnum_or(m, "set", -1);
		v->announced_rep = (int)jnum_or(m, "rep", -1);
		v->announced = 0;
	}
	if (f != HF_FAULT_COUNT)
		v->announced |= HF_FAULT_BIT(f);
	hf_view_break(v);
	fprintf(v->out, "  %s! %s%s\n", color(v, C_YELLOW),
		msg ? msg : (code ? code : "fault"), color(v, C_RESET));
}

/* Advice for the rep's faults that were not announced live already. */
static void view_rep_faults(struct hf_view *v, const struct hf_rep *r, int rep_no,
			    uint32_t announced)
{
	char advice[256];

	for (int k = 0; k < HF_FAULT_COUNT; k++) {
		if (!(r->faults & HF_FAULT_BIT(k)) || (announced & HF_FAULT_BIT(k)))
			continue;
		hf_fault_advice(advice, sizeof advice, (enum hf_fault)k, r, rep_no);
		fprintf(v->out, "  %s! %s%s\n", color(v, C_YELLOW), advice, color(v, C_RESET));
	}
}

static void view_rep(struct hf_view *v, json_object *m)
{
	struct hf_rep r;
	int rep_no = (int)jnum_or(m, "rep", 0.0);
	uint32_t announced = same_rep(v, m) ? v->announced : 0;

	rep_from_json(m, &r);
	hf_view_break(v);
	fprintf(v->out, "%sRep %d%s: up %.1f" HF_DEG " in %.1f s, held %.1f s, down in %.1f s",
		color(v, C_BOLD), rep_no, color(v, C_RESET), r.excursion_deg, r.rise_s,
		r.hold_s, r.lower_s);
	if (!r.faults)
		fprintf(v->out, " - %sgood%s\n", color(v, C_GREEN), color(v, C_RESET));
	else
		fputc('\n', v->out);
	view_rep_faults(v, &r, rep_no, announced);
}

/* "short hold" for short_hold. */
static const char *fault_words(enum hf_fault f)
{
	static char buf[32];
	const char *name = hf_fault_name(f);

	snprintf(buf, sizeof buf, "%s", name ? name : "fault");
	for (char *p = buf; *p; p++)
		if (*p == '_')
			*p = ' ';
	return buf;
}

/* "2 short hold, 1 rushed" for the faults of a set. */
static void fault_counts(const struct hf_set_summary *s, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int k = 0; k < HF_FAULT_COUNT; k++) {
		int n = 0;

		for (int i = 0; i < s->rep_count; i++)
			n += (s->reps[i].faults & HF_FAULT_BIT(k)) != 0;
		if (n && used < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%d %s",
						 used ? ", " : "", n, fault_words((enum hf_fault)k));
	}
}

/* A side-walk SET: its cycles, cadence and pelvic_drop count. */
static void view_steps_set(struct hf_view *v, json_object *m)
{
	struct hf_cycle cyc[256];
	struct hf_steps_summary st;
	const char *side = jstr(m, "side");
	int drops = 0;

	steps_from_json(m, &st, cyc, 256);
	for (int i = 0; i < st.n_cycles; i++)
		drops += (cyc[i].faults & HF_FAULT_BIT(HF_FAULT_PELVIC_DROP)) != 0;
	hf_view_break(v);
	fprintf(v->out, "%sSet %d done%s: %s%s%s, %d cycle%s", color(v, C_BOLD),
		(int)jnum_or(m, "set", (double)v->sets) + 1, color(v, C_RESET),
		exercise_title(jstr(m, "exercise")), side ? " to the " : "", side ? side : "",
		st.steps, st.steps == 1 ? "" : "s");
	if (isfinite(st.cadence_cpm))
		fprintf(v->out, ", %.0f a minute", st.cadence_cpm);
	if (drops)
		fprintf(v->out, "; faults: %d pelvic drop", drops);
	fprintf(v->out, ".\n\n");
	v->sets++;
}

static void view_set(struct hf_view *v, json_object *m)
{
	struct hf_rep reps[64];
	struct hf_set_summary s;
	const char *side = jstr(m, "side");
	char faults[160];
	double hold_sum = 0.0;
	int clean = 0;

	set_from_json(m, &s, reps, 64);
	if (jarray(m, "cycles")) {
		view_steps_set(v, m);
		return;
	}
	for (int i = 0; i < s.rep_count; i++) {
		hold_sum += reps[i].hold_s;
		clean += reps[i].faults == 0;
	}
	fault_counts(&s, faults, sizeof faults);
	hf_view_break(v);
	fprintf(v->out, "%sSet %d done%s: %s%s%s%s, %d rep%s, %d clean", color(v, C_BOLD),
		(int)jnum_or(m, "set", (double)v->sets) + 1, color(v, C_RESET),
		exercise_title(jstr(m, "exercise")), side ? " (" : "", side ? side : "",
		side ? " leg)" : "", s.rep_count, s.rep_count == 1 ? "" : "s", clean);
	if (s.rep_count > 0)
		fprintf(v->out, ", mean hold %.1f s", hold_sum / s.rep_count);
	fprintf(v->out, "%s%s.\n\n", *faults ? "; faults: " : "", faults);
	v->sets++;
}

void hf_view_session(struct hf_view *v, json_object *msg)
{
	struct hf_report r;
	struct hf_input_info in;
	json_object *input, *sets = jarray(msg, "sets");
	size_t n = sets ? json_object_array_length(sets) : 0;
	char id[64];
	const char *end = jstr(msg, "end");

	hf_report_init(&r);
	for (size_t i = 0; i < n; i++)
		report_add_json_set(&r, json_object_array_get_idx(sets, i));
	if (!json_object_object_get_ex(msg, "input", &input))
		input = NULL;
	input_from_json(input, &in);
	hf_view_break(v);
	fprintf(v->out, "%sSession %s%s, %s to %s\n", color(v, C_BOLD), jid(msg, "id", id, sizeof id),
		color(v, C_RESET), jstr(msg, "start") ? jstr(msg, "start") : "?",
		end ? end : "now (still running)");
	if (jstr(msg, "recording"))
		fprintf(v->out, "Recording: %s (hipform analyze can read it again)\n",
			jstr(msg, "recording"));
	hf_report_print_text(v->out, &in, jbool(msg, "calibrated"), &r);
	hf_report_free(&r);
	v->sessions++;
}

/* The analysis took back what it sent under a set index: say so, nothing
 * of it is counted, and the next set (same index) starts afresh. */
static void view_dropped(struct hf_view *v, json_object *m)
{
	int reps = (int)jnum_or(m, "reps", -1.0);

	v->announced_set = v->announced_rep = -1;
	v->announced = 0;
	hf_view_break(v);
	fprintf(v->out, "%s(Not a set after all: ", color(v, C_DIM));
	if (reps > 0)
		fprintf(v->out, "%d %s rep%s", reps, exercise_title(jstr(m, "exercise")),
			reps == 1 ? "" : "s");
	else
		fprintf(v->out, "the %s", exercise_title(jstr(m, "exercise")));
	fprintf(v->out, " of set %d, not counted.)%s\n", (int)jnum_or(m, "set", 0.0) + 1,
		color(v, C_RESET));
}

static void view_device(struct hf_view *v, json_object *m)
{
	const char *state = jstr(m, "state");

	hf_view_break(v);
	fprintf(v->out, "%sSensor %s%s: %s (%s, %s, %.0f Hz)\n", color(v, C_DIM),
		state ? state : "?", color(v, C_RESET),
		jstr(m, "path") ? jstr(m, "path") : "?", jstr(m, "driver") ? jstr(m, "driver") : "?",
		jstr(m, "protocol") ? jstr(m, "protocol") : "?", jnum_or(m, "rate_hz", 0.0));
}

static void view_message(struct hf_view *v, json_object *m, const char *cls)
{
	if (strcmp(cls, "STATUS") == 0)
		view_status(v, m);
	else if (strcmp(cls, "REP") == 0)
		view_rep(v, m);
	else if (strcmp(cls, "FAULT") == 0)
		view_fault(v, m);
	else if (strcmp(cls, "SET") == 0)
		view_set(v, m);
	else if (strcmp(cls, "SET_DROPPED") == 0)
		view_dropped(v, m);
	else if (strcmp(cls, "SESSION") == 0)
		hf_view_session(v, m);
	else if (strcmp(cls, "DEVICE") == 0)
		view_device(v, m);
	else if (strcmp(cls, "ERROR") == 0) {
		hf_view_break(v);
		fprintf(v->out, "hipformd: %s\n", jstr(m, "message") ? jstr(m, "message") : "error");
	}
	/* VERSION, HOLD: the live line shows them */
}

void hf_view_line(struct hf_view *v, const char *line)
{
	json_object *m = json_tokener_parse(line);
	const char *cls = m ? jstr(m, "class") : NULL;

	if (cls && strcmp(cls, "STATUS") == 0)
		v->status_t_s = jnum_or(m, "t_s", v->status_t_s);
	if (cls && v->on_message)
		v->on_message(v->on_message_user, m, cls);
	if (v->json) {
		fprintf(v->out, "%s\n", line);
		v->sessions += cls && strcmp(cls, "SESSION") == 0;
		v->sets += cls && strcmp(cls, "SET") == 0;
	} else if (cls) {
		view_message(v, m, cls);
	}
	json_object_put(m);
	fflush(v->out);
}

/* ---- the watch loop ---- */

static volatile sig_atomic_t *signal_flag;

static void on_signal(int sig)
{
	(void)sig;
	if (signal_flag)
		*signal_flag = 1;
}

void hf_client_catch_signals(volatile sig_atomic_t *flag)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	signal_flag = flag;
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static int send_watch(struct hf_conn *c)
{
	json_object *req = json_object_new_object();
	int rc;

	json_object_object_add(req, "class", json_object_new_string("WATCH"));
	json_object_object_add(req, "enable", json_object_new_boolean(1));
	rc = hf_conn_send(c, req);
	json_object_put(req);
	return rc;
}

int hf_watch_run(struct hf_conn *c, struct hf_view *v, const struct hf_watch_hooks *h)
{
	int timeout_ms = h && h->tick ? h->tick_ms : -1;
	int rc = 0;

	if (send_watch(c) < 0) {
		hf_cli_error("cannot ask hipformd for live messages: %s", strerror(errno));
		return HF_EXIT_INPUT;
	}
	while (!(h && h->stop && *h->stop)) {
		char *line;
		enum hf_conn_rc r = hf_conn_next_line(c, timeout_ms, &line);

		if (r == HF_CONN_LINE)
			hf_view_line(v, line);
		if (r == HF_CONN_EOF)
			break;
		if (r == HF_CONN_ERROR) {
			hf_view_break(v);
			hf_cli_error("lost the connection to hipformd: %s", strerror(errno));
			rc = HF_EXIT_INPUT;
			break;
		}
		if (h && h->tick && (rc = h->tick(c, v, h->user)) != 0)
			break;
	}
	hf_view_break(v);
	fflush(v->out);
	return rc;
}

/* ---- commands ---- */

enum { OPT_SOCKET = 1000, OPT_LIMIT, OPT_SPEAK, OPT_VOICE, OPT_SPEAK_WAV, OPT_RUNS };

struct client_opts {
	const char *socket;
	bool json;
	long limit;
	bool limit_given;     /* --limit on the command line */
	bool runs;            /* history --runs */
	const char *session;  /* summary's SESSION argument */
	bool speak;           /* watch --speak[=MODE] --voice --speak-wav */
	enum hf_speak_mode speak_mode;
	const char *voice, *speak_wav;
};

static const struct option client_longopts[] = {
	{"speak", optional_argument, NULL, OPT_SPEAK},
	{"voice", required_argument, NULL, OPT_VOICE},
	{"speak-wav", required_argument, NULL, OPT_SPEAK_WAV},
	{"socket", required_argument, NULL, OPT_SOCKET},
	{"json", no_argument, NULL, 'j'},
	{"limit", required_argument, NULL, OPT_LIMIT},
	{"runs", no_argument, NULL, OPT_RUNS},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static bool parse_limit(const char *s, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > 100000)
		return false;
	*out = v;
	return true;
}

/* Parse the options every client command shares; allowed says which of
 * --json, --limit, --runs and a positional argument this command takes
 * ("jlrp").
 * Returns -1 to go on, else the exit status (help printed, usage error). */
static int parse_client_opts(int argc, char **argv, const char *allowed,
			     void (*usage)(FILE *), struct client_opts *o)
{
	int ch;

	memset(o, 0, sizeof *o);
	o->limit = 20;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "hj", client_longopts, NULL)) != -1) {
		if (ch == 'h') {
			usage(stdout);
			return HF_EXIT_OK;
		} else if (ch == OPT_SOCKET) {
			o->socket = optarg;
		} else if (ch == 'j' && strchr(allowed, 'j')) {
			o->json = true;
		} else if (ch == OPT_SPEAK && strchr(allowed, 's')) {
			o->speak = true;
			if (!hf_speak_mode_parse(optarg, &o->speak_mode)) {
				hf_cli_error("--speak: '%s' is not all or faults", optarg);
				return HF_EXIT_USAGE;
			}
		} else if (ch == OPT_VOICE && strchr(allowed, 's')) {
			o->voice = optarg;
		} else if (ch == OPT_SPEAK_WAV && strchr(allowed, 's')) {
			o->speak_wav = optarg;
		} else if (ch == OPT_LIMIT && strchr(allowed, 'l')) {
			if (!parse_limit(optarg, &o->limit)) {
				hf_cli_error("--limit wants a whole number from 1 to 100000, not '%s'", optarg);
				return HF_EXIT_USAGE;
			}
			o->limit_given = true;
		} else if (ch == OPT_RUNS && strchr(allowed, 'r')) {
			o->runs = true;
		} else {
			hf_cli_error("%s: unknown or incomplete option '%s' (try '%s --help')",
				     argv[0], argv[optind - 1], argv[0]);
			return HF_EXIT_USAGE;
		}
	}
	if (optind < argc && strchr(allowed, 'p') && optind + 1 == argc) {
		o->session = argv[optind];
		return -1;
	}
	if (optind < argc) {
		hf_cli_error("%s: unexpected argument '%s' (try '%s --help')", argv[0],
			     argv[optind], argv[0]);
		return HF_EXIT_USAGE;
	}
	return -1;
}

static void socket_help(FILE *f)
{
	fprintf(f,
		"  --socket PATH  hipformd's socket (default $HIPFORM_SOCKET, else\n"
		"                 " HF_CLIENT_DEFAULT_SOCKET ")\n"
		"  -h, --help     show this help\n"
		"\n"
		"The socket belongs to group hipform: to use it without sudo, join the\n"
		"group (sudo usermod -aG hipform $USER) and log in again.\n"
		"\n"
		"Exit status: 0 success, 1 hipformd cannot be reached or answers with an\n"
		"error (one line on stderr says why), 2 usage error.\n");
}

/* Connect and read the VERSION greeting. */
static int open_session(struct hf_conn *c, const char *socket_opt, json_object **version)
{
	const char *path = hf_client_socket_path(socket_opt);

	if (hf_conn_open(c, path, false) < 0)
		return HF_EXIT_INPUT;
	*version = hf_conn_expect(c, "VERSION", HF_REPLY_TIMEOUT_MS);
	if (!*version) {
		hf_conn_close(c);
		return HF_EXIT_INPUT;
	}
	return HF_EXIT_OK;
}

/* Send {"class":cls} plus one optional member. */
static int request(struct hf_conn *c, const char *cls, const char *key, json_object *val)
{
	json_object *req = json_object_new_object();
	int rc;

	json_object_object_add(req, "class", json_object_new_string(cls));
	if (key)
		json_object_object_add(req, key, val);
	rc = hf_conn_send(c, req);
	json_object_put(req);
	if (rc < 0)
		hf_cli_error("cannot send %s to hipformd: %s", cls, strerror(errno));
	return rc;
}

/* -- status -- */

static void status_usage(FILE *f)
{
	fprintf(f,
		"Usage: hipform status [--json] [--socket PATH]\n"
		"\n"
		"Show what hipformd is doing now: its version, the sensor (path, driver,\n"
		"protocol, rate, connected or not), the session, and the live state:\n"
		"posture, the exercise of the current set, pelvic tilt, obliquity and\n"
		"rotation against the set baseline, the hold timer and the rep count.\n"
		"\n"
		"  -j, --json     print the daemon's VERSION, DEVICE and STATUS messages\n"
		"                 as they came (one JSON object per line)\n");
	socket_help(f);
}

static void print_status_text(json_object *ver, json_object *dev, json_object *st)
{
	char id[64], line[512];
	struct hf_view v;

	hf_view_init(&v, stdout, false);
	v.tty = false;
	v.color = false;
	printf("hipformd %s (protocol %d, contract %d)\n",
	       jstr(ver, "release") ? jstr(ver, "release") : "?", (int)jnum_or(ver, "v", 0),
	       (int)jnum_or(ver, "contract", 0));
	if (dev)
		printf("Sensor:   %s, %s (%s, %s, %.1f Hz%s%s)\n",
		       jstr(dev, "path") ? jstr(dev, "path") : "?",
		       jstr(dev, "state") ? jstr(dev, "state") : "?",
		       jstr(dev, "driver") ? jstr(dev, "driver") : "?",
		       jstr(dev, "protocol") ? jstr(dev, "protocol") : "?",
		       jnum_or(dev, "rate_hz", 0.0), jstr(dev, "vid_pid") ? ", USB " : "",
		       jstr(dev, "vid_pid") ? jstr(dev, "vid_pid") : "");
	else
		printf("Sensor:   none seen yet\n");
	printf("Session:  %s, %d set%s finished\n", jid(st, "session", id, sizeof id),
	       (int)jnum_or(st, "set_count", 0.0), (int)jnum_or(st, "set_count", 0.0) == 1 ? "" : "s");
	status_line(&v, st, line, sizeof line, 0);
	printf("Now:      %s\n", line);
}

int hf_cmd_status(int argc, char **argv)
{
	struct client_opts o;
	struct hf_conn c;
	json_object *ver = NULL, *dev = NULL, *st = NULL;
	int rc = parse_client_opts(argc, argv, "j", status_usage, &o);

	if (rc >= 0)
		return rc;
	if ((rc = open_session(&c, o.socket, &ver)) != HF_EXIT_OK)
		return rc;
	rc = HF_EXIT_INPUT;
	if (request(&c, "DEVICES", NULL, NULL) < 0)
		goto out;
	dev = conn_expect(&c, "DEVICE", HF_REPLY_TIMEOUT_MS, true);  /* none yet: ERROR */
	if (request(&c, "POLL", NULL, NULL) < 0 ||
	    !(st = hf_conn_expect(&c, "STATUS", HF_REPLY_TIMEOUT_MS)))
		goto out;
	if (o.json) {
		printf("%s\n", json_object_to_json_string_ext(ver, HF_JSON_FLAGS));
		if (dev)
			printf("%s\n", json_object_to_json_string_ext(dev, HF_JSON_FLAGS));
		printf("%s\n", json_object_to_json_string_ext(st, HF_JSON_FLAGS));
	} else {
		print_status_text(ver, dev, st);
	}
	rc = HF_EXIT_OK;
out:
	json_object_put(ver);
	json_object_put(dev);
	json_object_put(st);
	hf_conn_close(&c);
	return rc;
}

/* -- watch -- */

static void watch_usage(FILE *f)
{
	fprintf(f,
		"Usage: hipform watch [--json] [--speak[=all|faults]] [--voice LANG] [--socket PATH]\n"
		"\n"
		"Follow live feedback from hipformd until Ctrl-C or until the daemon\n"
		"stops.  On a terminal one line is refreshed in place: posture, the\n"
		"exercise, pelvic tilt, obliquity and rotation, the excursion e of the\n"
		"current rep, the hold timer against the 2 s target and the rep count.\n"
		"Each finished rep gets a line with its excursion, rise, hold and\n"
		"lowering times and, for each form fault, what to do about it; each\n"
		"finished set and session gets a summary.  When stdout is not a\n"
		"terminal, plain lines are printed instead of the refreshed one.\n"
		"\n"
		"  -j, --json     print every message of the daemon as it arrives, one\n"
		"                 JSON object per line (classes DEVICE, STATUS,\n"
		"                 REP_START, HOLD, FAULT, REP, SET, SESSION, ERROR;\n"
		"                 see docs/protocol.md)\n"
		"  --speak[=all|faults]\n"
		"                 say the cues aloud (espeak-ng, through the sound server):\n"
		"                 the rep number as each rep ends, \"hold... two\" when the\n"
		"                 hold target is reached, and each form fault in a few\n"
		"                 words (\"keep the hips stacked\"); =faults says only the\n"
		"                 faults.  Each is said once; speech never holds up the\n"
		"                 display.  Without a sound server or audio device this is\n"
		"                 a one-line warning and watching goes on silently.\n"
		"  --voice LANG   espeak-ng voice (default en; 'espeak-ng --voices' lists\n"
		"                 them); the cues are English words in that voice\n"
		"  --speak-wav FILE\n"
		"                 for testing: synthesise into FILE (16-bit mono WAV, each\n"
		"                 utterance followed by 1 s of silence) instead of playing\n");
	socket_help(f);
}

static void watch_cue(void *user, json_object *m, const char *cls)
{
	hf_cues_message(user, m, cls);
}

/* The speaker of --speak: none is a warning (no sound server), an
 * unknown --voice a usage error. */
static int watch_speaker(const struct client_opts *o, struct hf_cues *cues)
{
	struct hf_speaker *s = NULL;
	bool bad_voice = false;

	if ((o->voice || o->speak_wav) && !o->speak) {
		hf_cli_error("--voice and --speak-wav go with --speak");
		return HF_EXIT_USAGE;
	}
	if (o->speak)
		s = hf_speaker_new(o->voice, o->speak_wav, &bad_voice);
	if (bad_voice)
		return HF_EXIT_USAGE;
	if (o->speak && !s && o->speak_wav)
		return HF_EXIT_INPUT;  /* a test asked for the file */
	hf_cues_init(cues, s, o->speak_mode);
	return HF_EXIT_OK;
}

int hf_cmd_watch(int argc, char **argv)
{
	static volatile sig_atomic_t stop;
	struct hf_watch_hooks hooks = {.stop = &stop};
	struct client_opts o;
	struct hf_conn c;
	struct hf_view v;
	json_object *ver = NULL;
	struct hf_cues cues;
	int rc = parse_client_opts(argc, argv, "js", watch_usage, &o);

	if (rc >= 0)
		return rc;
	if ((rc = watch_speaker(&o, &cues)) != HF_EXIT_OK)
		return rc;
	hf_client_catch_signals(&stop);
	if ((rc = open_session(&c, o.socket, &ver)) != HF_EXIT_OK) {
		hf_speaker_free(cues.speaker);
		return rc;
	}
	hf_view_init(&v, stdout, o.json);
	v.on_message = watch_cue;
	v.on_message_user = &cues;
	if (o.json)
		hf_view_line(&v, json_object_to_json_string_ext(ver, HF_JSON_FLAGS));
	json_object_put(ver);
	rc = hf_watch_run(&c, &v, &hooks);
	hf_conn_close(&c);
	hf_speaker_free(cues.speaker);
	return rc;
}

/* -- summary -- */

static void summary_usage(FILE *f)
{
	fprintf(f,
		"Usage: hipform summary [SESSION] [--json] [--socket PATH]\n"
		"\n"
		"Show the summary of a session from hipformd's history: every set with\n"
		"its reps (excursion, hold, rise and lowering times, pelvic angles at the\n"
		"peak, form faults) and advice for each fault, in the same words as\n"
		"'hipform analyze'.  SESSION is an id from 'hipform history'; without\n"
		"it, the current session, or the latest one.\n"
		"\n"
		"  -j, --json     print the SESSION message: the contract's summary JSON\n"
		"                 with the session's id, start, end and recording\n");
	socket_help(f);
}

static json_object *session_id_json(const char *arg)
{
	char *end;
	long long v;

	if (!arg)
		return NULL;
	errno = 0;
	v = strtoll(arg, &end, 10);
	if (!errno && end != arg && !*end)
		return json_object_new_int64(v);
	return json_object_new_string(arg);
}

/*
 * One request and its reply: connect, read VERSION, send {class, key: val}
 * (val is consumed), wait for a message of class reply.  Returns the reply
 * (the caller puts it) or NULL, having said why; the connection is closed
 * either way.
 */
static json_object *ask_daemon(const char *socket_opt, const char *req, const char *key,
			       json_object *val, const char *reply)
{
	struct hf_conn c;
	json_object *ver = NULL, *answer = NULL;

	if (open_session(&c, socket_opt, &ver) != HF_EXIT_OK) {
		json_object_put(val);
		return NULL;
	}
	json_object_put(ver);
	if (request(&c, req, key, val) >= 0)
		answer = hf_conn_expect(&c, reply, HF_REPLY_TIMEOUT_MS);
	hf_conn_close(&c);
	return answer;
}

int hf_cmd_summary(int argc, char **argv)
{
	struct client_opts o;
	struct hf_view v;
	json_object *ses;
	int rc = parse_client_opts(argc, argv, "jp", summary_usage, &o);

	if (rc >= 0)
		return rc;
	ses = ask_daemon(o.socket, "SUMMARY", "session", session_id_json(o.session), "SESSION");
	if (!ses)
		return HF_EXIT_INPUT;
	if (o.json) {
		printf("%s\n", json_object_to_json_string_ext(ses, HF_JSON_FLAGS));
	} else {
		hf_view_init(&v, stdout, false);
		hf_view_session(&v, ses);
	}
	json_object_put(ses);
	return HF_EXIT_OK;
}

/* -- history -- */

static void history_usage(FILE *f)
{
	fprintf(f,
		"Usage: hipform history [--runs] [--limit N] [--json] [--socket PATH]\n"
		"\n"
		"List past sessions from hipformd's history, newest first: id, start,\n"
		"duration, the number of sets, reps and form faults, and the program\n"
		"([analysis] program of hipformd): 'complete' when every block was done\n"
		"as prescribed, else 'N/M blocks' done, '-' without a program.  'hipform\n"
		"summary ID' shows one in full; its raw recording (contract CSV) can be\n"
		"analysed again with 'hipform analyze'.\n"
		"\n"
		"  --runs         the walks and runs over the weeks instead, oldest first:\n"
		"                 per bout its date, steps, cadence, pelvic drop and ground\n"
		"                 contact time per foot, whether the whole program was\n"
		"                 done that day (in any session of that local calendar\n"
		"                 day), and on how many of the 7 days ending that day;\n"
		"                 then the means per ISO week.  Reads up to 1000\n"
		"                 sessions unless --limit is given\n"
		"  --limit N      at most N sessions (default 20)\n"
		"  -j, --json     print the daemon's HISTORY message as it came; with\n"
		"                 --runs, the bouts and weekly means as JSON\n");
	socket_help(f);
}

/* "2026-05-20T18:02:11Z" -> seconds since the epoch (UTC), or -1. */
static double iso_seconds(const char *iso)
{
	struct tm tm;
	const char *rest;

	if (!iso)
		return -1.0;
	memset(&tm, 0, sizeof tm);
	rest = strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!rest)
		return -1.0;
	return (double)timegm(&tm);
}

static void duration_text(const char *start, const char *end, char *buf, size_t len)
{
	double a = iso_seconds(start), b = iso_seconds(end);

	if (!end)
		snprintf(buf, len, "running");
	else if (a < 0.0 || b < a)
		snprintf(buf, len, "?");
	else if (b - a < 120.0)
		snprintf(buf, len, "%.0f s", b - a);
	else
		snprintf(buf, len, "%.0f min", (b - a) / 60.0);
}

/* "left/right" of a {"left", "right"} member, scaled; false if absent. */
static bool left_right_text(json_object *o, const char *key, double scale, const char *fmt,
			    char *buf, size_t len)
{
	json_object *lr;
	double l, r;

	if (!json_object_object_get_ex(o, key, &lr) || !jnum(lr, "left", &l) ||
	    !jnum(lr, "right", &r))
		return false;
	snprintf(buf, len, fmt, l * scale, r * scale);
	return true;
}

/* The session's walking and running (contract section 11), one line. */
static void print_history_gait(json_object *s)
{
	json_object *g;
	char drop[48], contact[48];
	double cad;

	if (!json_object_object_get_ex(s, "gait", &g) || !json_object_is_type(g, json_type_object))
		return;
	printf("%8s  walk/run: %d steps", "", (int)jnum_or(g, "steps", 0.0));
	if (jnum(g, "cadence_spm", &cad))
		printf(", cadence %.0f/min", cad);
	if (left_right_text(g, "pelvic_drop_deg", 1.0, "%.1f/%.1f", drop, sizeof drop))
		printf(", pelvic drop L/R %s deg", drop);
	if (left_right_text(g, "contact_time_s", 1000.0, "%.0f/%.0f", contact, sizeof contact))
		printf(", contact L/R %s ms", contact);
	printf("\n");
}

/* The session's "program": "complete", "N/M blocks", or "-" (none). */
static void program_text(json_object *s, char *buf, size_t len)
{
	json_object *p;

	if (!json_object_object_get_ex(s, "program", &p) || !json_object_is_type(p, json_type_object))
		snprintf(buf, len, "-");
	else if (jbool(p, "complete"))
		snprintf(buf, len, "complete");
	else
		snprintf(buf, len, "%d/%d blocks", (int)jnum_or(p, "blocks_complete", 0.0),
			 (int)jnum_or(p, "blocks", 0.0));
}

static void print_history_text(json_object *hist)
{
	json_object *arr = jarray(hist, "sessions");
	size_t n = arr ? json_object_array_length(arr) : 0;

	if (n == 0) {
		printf("No sessions yet.\n");
		return;
	}
	printf("%8s  %-20s %9s %5s %5s %7s  %s\n", "session", "started", "duration", "sets",
	       "reps", "faults", "program");
	for (size_t i = 0; i < n; i++) {
		json_object *s = json_object_array_get_idx(arr, i);
		const char *start = jstr(s, "start");
		char id[64], dur[32], when[21], prog[48];

		snprintf(when, sizeof when, "%s", start ? start : "?");
		if (strlen(when) > 10 && when[10] == 'T')
			when[10] = ' ';
		duration_text(start, jstr(s, "end"), dur, sizeof dur);
		program_text(s, prog, sizeof prog);
		printf("%8s  %-20s %9s %5d %5d %7d  %s\n", jid(s, "id", id, sizeof id), when, dur,
		       (int)jnum_or(s, "sets", 0.0), (int)jnum_or(s, "reps", 0.0),
		       (int)jnum_or(s, "faults", 0.0), prog);
		print_history_gait(s);
	}
	printf("\n'hipform summary SESSION' shows one session in full.\n");
}

/* -- history --runs: the walks and runs over the weeks (issue 11) -- */

#define HF_RUNS_LIMIT 1000  /* sessions read by --runs without --limit */

/* A session's local calendar day and whether it had the program, done. */
struct hist_day {
	long day;             /* days since 1970-01-01, local calendar */
	bool program, complete;
};

/* One walk or run set. */
struct bout_row {
	long day;
	char date[11], week[9];
	const char *exercise;
	json_object *session;
	int steps;
	double cadence_spm, drop_deg[2], contact_s[2]; /* NAN: not had */
	int same_day;         /* 1 done, 0 not done, -1 no program that day */
	int days_7;           /* days of the 7 ending that day with it done; -1 unknown */
};

struct week_row {
	char week[9];
	const char *exercise;
	int bouts, program_days;
	double sum[5];        /* cadence, drop L, drop R, contact L, contact R */
	int n[5];
};

/* ISO start -> its local calendar day: day number, date, ISO week. */
static bool local_day(const char *iso, long *day, char date[11], char week[9])
{
	double t = iso_seconds(iso);
	time_t tt = (time_t)t;
	struct tm tm, d = {0};

	if (t < 0.0 || !localtime_r(&tt, &tm))
		return false;
	strftime(date, 11, "%Y-%m-%d", &tm);
	strftime(week, 9, "%G-W%V", &tm);
	d.tm_year = tm.tm_year;
	d.tm_mon = tm.tm_mon;
	d.tm_mday = tm.tm_mday;
	*day = (long)(timegm(&d) / 86400);
	return true;
}

static double jnum_nan(json_object *o, const char *key)
{
	double v;

	return jnum(o, key, &v) ? v : NAN;
}

static void left_right_nan(json_object *o, const char *key, double v[2])
{
	json_object *lr = NULL;

	json_object_object_get_ex(o, key, &lr);
	v[0] = jnum_nan(lr, "left");
	v[1] = jnum_nan(lr, "right");
}

/* 1: the whole program was done in a session of that day, 0: a program
 * but not done, -1: no session with a program that day. */
static int day_status(const struct hist_day *days, size_t n, long day)
{
	int st = -1;

	for (size_t i = 0; i < n; i++)
		if (days[i].day == day && days[i].program)
			st = days[i].complete ? 1 : st < 0 ? 0 : st;
	return st;
}

static int days_done(const struct hist_day *days, size_t n, long from, long to)
{
	int k = 0;

	for (long d = from; d <= to; d++)
		k += day_status(days, n, d) == 1;
	return k;
}

/* The sessions' days; *oldest the earliest day listed. */
static struct hist_day *history_days(json_object *arr, size_t n, long *oldest)
{
	struct hist_day *days = calloc(n ? n : 1, sizeof *days);
	char date[11], week[9];

	*oldest = LONG_MAX;
	for (size_t i = 0; days && i < n; i++) {
		json_object *s = json_object_array_get_idx(arr, i), *p;
		if (!local_day(jstr(s, "start"), &days[i].day, date, week))
			continue;
		if (days[i].day < *oldest)
			*oldest = days[i].day;
		days[i].program = json_object_object_get_ex(s, "program", &p) &&
				  json_object_is_type(p, json_type_object);
		days[i].complete = days[i].program && jbool(p, "complete");
	}
	return days;
}

static void bout_from_json(struct bout_row *b, json_object *s, json_object *o)
{
	b->session = s;
	b->exercise = jstr(o, "exercise");
	if (!b->exercise)
		b->exercise = "?";
	b->steps = (int)jnum_or(o, "steps", 0.0);
	b->cadence_spm = jnum_nan(o, "cadence_spm");
	left_right_nan(o, "pelvic_drop_deg", b->drop_deg);
	left_right_nan(o, "contact_time_s", b->contact_s);
}

/* Every bout of the listed sessions, oldest first; *count of them.  A
 * bout's 7-day count is unknown when the listing was cut by the limit
 * before the first of those days. */
static struct bout_row *history_bouts(json_object *arr, size_t n, bool cut,
				      const struct hist_day *days, long oldest, size_t *count)
{
	struct bout_row *rows = NULL;
	size_t k = 0, cap = 0;

	for (size_t i = n; i-- > 0;) {
		json_object *s = json_object_array_get_idx(arr, i);
		json_object *bouts = jarray(s, "bouts");
		struct bout_row b = {0};
		size_t m = bouts ? json_object_array_length(bouts) : 0;
		if (!m || !local_day(jstr(s, "start"), &b.day, b.date, b.week))
			continue;
		b.same_day = day_status(days, n, b.day);
		b.days_7 = cut && b.day - 6 < oldest ? -1 : days_done(days, n, b.day - 6, b.day);
		for (size_t j = 0; j < m; j++) {
			if (k == cap) {
				struct bout_row *r = realloc(rows, (cap = cap ? 2 * cap : 16) * sizeof *r);
				if (!r) {
					free(rows);
					return NULL;
				}
				rows = r;
			}
			rows[k] = b;
			bout_from_json(&rows[k++], s, json_object_array_get_idx(bouts, j));
		}
	}
	*count = k;
	return rows ? rows : calloc(1, sizeof *rows);
}

static void week_add(struct week_row *w, const struct bout_row *b)
{
	const double v[5] = {b->cadence_spm, b->drop_deg[0], b->drop_deg[1], b->contact_s[0],
			     b->contact_s[1]};

	w->bouts++;
	for (int i = 0; i < 5; i++)
		if (isfinite(v[i])) {
			w->sum[i] += v[i];
			w->n[i]++;
		}
}

/* Days of the ISO week of day (which is in week) with the program done. */
static int week_program_days(const struct hist_day *days, size_t n, long day)
{
	long monday = day - ((day + 3) % 7); /* 1970-01-01 was a Thursday */

	return days_done(days, n, monday, monday + 6);
}

/* The means per ISO week and exercise, in the bouts' order. */
static struct week_row *history_weeks(const struct bout_row *b, size_t nb,
				      const struct hist_day *days, size_t nd, size_t *count)
{
	struct week_row *w = calloc(nb ? nb : 1, sizeof *w);
	size_t k = 0;

	for (size_t i = 0; w && i < nb; i++) {
		size_t j = 0;
		while (j < k && (strcmp(w[j].week, b[i].week) || strcmp(w[j].exercise, b[i].exercise)))
			j++;
		if (j == k) {
			snprintf(w[k].week, sizeof w[k].week, "%s", b[i].week);
			w[k].exercise = b[i].exercise;
			w[k].program_days = week_program_days(days, nd, b[i].day);
			k++;
		}
		week_add(&w[j], &b[i]);
	}
	*count = k;
	return w;
}

static double week_mean(const struct week_row *w, int i)
{
	return w->n[i] ? w->sum[i] / w->n[i] : NAN;
}

/* "a/b" of two figures, each "-" when not had. */
static void pair_text(char *buf, size_t len, double a, double b, double scale, const char *fmt)
{
	char x[24] = "-", y[24] = "-";

	if (isfinite(a))
		snprintf(x, sizeof x, fmt, a * scale);
	if (isfinite(b))
		snprintf(y, sizeof y, fmt, b * scale);
	snprintf(buf, len, "%s/%s", x, y);
}

static void figures_text(double cad, const double drop[2], const double ct[2], char *out,
			 size_t len)
{
	char c[16] = "-", d[40], t[40];

	if (isfinite(cad))
		snprintf(c, sizeof c, "%.0f", cad);
	pair_text(d, sizeof d, drop[0], drop[1], 1.0, "%.1f");
	pair_text(t, sizeof t, ct[0], ct[1], 1000.0, "%.0f");
	snprintf(out, len, "%7s  %13s  %11s", c, d, t);
}

static void print_runs_text(const struct bout_row *b, size_t nb, const struct week_row *w,
			    size_t nw)
{
	static const char *const same[] = {"-", "no", "done"};
	char fig[96], d7[16];

	if (nb == 0) {
		printf("No walks or runs in the sessions listed.\n");
		return;
	}
	printf("%-10s  %-8s %6s  %7s  %13s  %11s  %-7s %6s\n", "date", "exercise", "steps",
	       "cadence", "pelvic drop", "contact", "program", "7 days");
	printf("%-10s  %-8s %6s  %7s  %13s  %11s  %-7s %6s\n", "", "", "", "/min", "L/R deg",
	       "L/R ms", "that day", "");
	for (size_t i = 0; i < nb; i++) {
		figures_text(b[i].cadence_spm, b[i].drop_deg, b[i].contact_s, fig, sizeof fig);
		if (b[i].days_7 < 0)
			snprintf(d7, sizeof d7, "?");
		else
			snprintf(d7, sizeof d7, "%d/7", b[i].days_7);
		printf("%-10s  %-8s %6d  %s  %-7s %6s\n", b[i].date, b[i].exercise, b[i].steps, fig,
		       same[b[i].same_day + 1], d7);
	}
	printf("\nMeans per ISO week:\n");
	printf("%-8s  %-8s %6s  %7s  %13s  %11s  %s\n", "week", "exercise", "bouts", "cadence",
	       "pelvic drop", "contact", "program days");
	for (size_t i = 0; i < nw; i++) {
		const double drop[2] = {week_mean(&w[i], 1), week_mean(&w[i], 2)};
		const double ct[2] = {week_mean(&w[i], 3), week_mean(&w[i], 4)};
		figures_text(week_mean(&w[i], 0), drop, ct, fig, sizeof fig);
		printf("%-8s  %-8s %6d  %s  %d/7\n", w[i].week, w[i].exercise, w[i].bouts, fig,
		       w[i].program_days);
	}
	printf("\nprogram that day: 'done' when a session that day (local calendar) had the\n"
	       "whole program complete, 'no' when sessions that day had a program but none\n"
	       "complete, '-' without a program.  7 days: the days the whole program was\n"
	       "done among that day and the 6 before ('?': the sessions listed do not reach\n"
	       "back so far; raise --limit).\n");
}

static json_object *json_num(double v, int decimals)
{
	char text[32];

	if (!isfinite(v))
		return NULL;
	snprintf(text, sizeof text, "%.*f", decimals, v);
	return json_object_new_double_s(strtod(text, NULL), text);
}

static json_object *json_lr(const double v[2], int decimals)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "left", json_num(v[0], decimals));
	json_object_object_add(o, "right", json_num(v[1], decimals));
	return o;
}

static json_object *runs_json(const struct bout_row *b, size_t nb, const struct week_row *w,
			      size_t nw)
{
	json_object *o = json_object_new_object(), *ba = json_object_new_array();
	json_object *wa = json_object_new_array(), *v;

	for (size_t i = 0; i < nb; i++) {
		json_object *x = json_object_new_object();
		json_object_object_add(x, "session", json_object_object_get_ex(b[i].session, "id", &v)
				       ? json_object_get(v) : NULL);
		json_object_object_add(x, "date", json_object_new_string(b[i].date));
		json_object_object_add(x, "week", json_object_new_string(b[i].week));
		json_object_object_add(x, "exercise", json_object_new_string(b[i].exercise));
		json_object_object_add(x, "steps", json_object_new_int(b[i].steps));
		json_object_object_add(x, "cadence_spm", json_num(b[i].cadence_spm, 1));
		json_object_object_add(x, "pelvic_drop_deg", json_lr(b[i].drop_deg, 2));
		json_object_object_add(x, "contact_time_s", json_lr(b[i].contact_s, 3));
		json_object_object_add(x, "program_that_day", b[i].same_day < 0 ? NULL :
				       json_object_new_boolean(b[i].same_day == 1));
		json_object_object_add(x, "program_days_7", b[i].days_7 < 0 ? NULL :
				       json_object_new_int(b[i].days_7));
		json_object_array_add(ba, x);
	}
	for (size_t i = 0; i < nw; i++) {
		json_object *x = json_object_new_object();
		const double drop[2] = {week_mean(&w[i], 1), week_mean(&w[i], 2)};
		const double ct[2] = {week_mean(&w[i], 3), week_mean(&w[i], 4)};
		json_object_object_add(x, "week", json_object_new_string(w[i].week));
		json_object_object_add(x, "exercise", json_object_new_string(w[i].exercise));
		json_object_object_add(x, "bouts", json_object_new_int(w[i].bouts));
		json_object_object_add(x, "cadence_spm", json_num(week_mean(&w[i], 0), 1));
		json_object_object_add(x, "pelvic_drop_deg", json_lr(drop, 2));
		json_object_object_add(x, "contact_time_s", json_lr(ct, 3));
		json_object_object_add(x, "program_days", json_object_new_int(w[i].program_days));
		json_object_array_add(wa, x);
	}
	json_object_object_add(o, "bouts", ba);
	json_object_object_add(o, "weeks", wa);
	return o;
}

/* --runs: the bouts and weekly means of the HISTORY reply. */
static int print_runs(json_object *hist, long limit, bool as_json)
{
	json_object *arr = jarray(hist, "sessions");
	size_t n = arr ? json_object_array_length(arr) : 0, nb = 0, nw = 0;
	long oldest;
	struct hist_day *days = history_days(arr, n, &oldest);
	struct bout_row *b = days ? history_bouts(arr, n, (long)n >= limit, days, oldest, &nb) : NULL;
	struct week_row *w = b ? history_weeks(b, nb, days, n, &nw) : NULL;

	if (!w) {
		free(days);
		free(b);
		hf_cli_error("out of memory");
		return HF_EXIT_INPUT;
	}
	if (as_json) {
		json_object *o = runs_json(b, nb, w, nw);
		printf("%s\n", json_object_to_json_string_ext(o, HF_JSON_FLAGS));
		json_object_put(o);
	} else {
		print_runs_text(b, nb, w, nw);
	}
	free(days);
	free(b);
	free(w);
	return HF_EXIT_OK;
}

int hf_cmd_history(int argc, char **argv)
{
	struct client_opts o;
	json_object *hist;
	int rc = parse_client_opts(argc, argv, "jlr", history_usage, &o);

	if (rc >= 0)
		return rc;
	if (o.runs && !o.limit_given)
		o.limit = HF_RUNS_LIMIT;
	hist = ask_daemon(o.socket, "HISTORY", "limit", json_object_new_int64(o.limit), "HISTORY");
	if (!hist)
		return HF_EXIT_INPUT;
	if (o.runs)
		rc = print_runs(hist, o.limit, o.json);
	else if (o.json)
		printf("%s\n", json_object_to_json_string_ext(hist, HF_JSON_FLAGS));
	else
		print_history_text(hist);
	json_object_put(hist);
	return rc >= 0 ? rc : HF_EXIT_OK;
}
