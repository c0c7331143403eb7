/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz target for the daemon's client request path: the bytes are what
 * one client writes to hipformd's socket.  The real server (framing,
 * JSON parsing, ERROR replies) and the real request handlers (requests.c,
 * messages.c, the history store in an in-memory database holding two
 * sessions) run in this process on a real Unix socket; the client writes
 * the input, closes its end and reads until the server lets it go.
 * Rules checked: the server never stalls (it answers and drops the
 * client within a bounded number of event-loop turns), and every line it
 * sends is one JSON object with a string "class" and the protocol version.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../../daemon/hipformd/daemon.h"
#include "fuzz.h"
#include "hipform/error.h"
#include "hipform/log.h"
#include "hipform/report.h"

#define INPUT_MAX (64 * 1024)
#define MAX_TURNS 100000

static struct hfd d;
static char sock_path[108];
static char reply_line[HFD_CLIENT_OUT_BYTES];
static size_t reply_len;

static void quiet(enum hf_log_level level, const char *msg, void *user)
{
	(void)level;
	(void)msg;
	(void)user;
}

static void add_session(time_t start, int n_sets)
{
	int64_t id;

	FUZZ_CHECK(hfd_store_session_begin(d.store, start, "/dev/ttyUSB0", &id) == HF_OK);
	for (int i = 0; i < n_sets; i++) {
		struct hf_set_summary set = {.exercise = HF_EX_HIP_LIFT, .side = HF_SIDE_NONE,
					     .start_s = 10.0 * i, .end_s = 10.0 * i + 8.0};
		json_object *js = hf_json_set(&set);
		FUZZ_CHECK(hfd_store_set(d.store, id, i, &set, js) == HF_OK);
		json_object_put(js);
	}
	FUZZ_CHECK(hfd_store_session_end(d.store, id, start + 600) == HF_OK);
}

static void setup(void)
{
	static const struct hfd_server_cb cb = {hfd_on_client, hfd_on_request};
	const char *dir = getenv("TMPDIR");

	hf_log_set_sink(quiet, NULL);
	hfd_config_default(&d.cfg);
	FUZZ_CHECK(sd_event_new(&d.ev) >= 0);
	snprintf(sock_path, sizeof sock_path, "%s/hf-fuzz-%d.sock", dir && strlen(dir) < 60 ? dir : "/tmp",
		 (int)getpid());
	FUZZ_CHECK(hfd_server_new(&d.server, d.ev, sock_path, "", 8, &cb, &d) == HF_OK);
	FUZZ_CHECK(hfd_store_open(&d.store, ":memory:") == HF_OK);
	add_session(1700000000, 2);
	add_session(1700086400, 0);
}

/* One line the server sent: a JSON object with a string class and "v". */
static void check_line(const char *line, size_t len)
{
	json_tokener *tok = json_tokener_new();
	json_object *o = json_tokener_parse_ex(tok, line, (int)len), *cls, *v;

	FUZZ_CHECK(o && json_tokener_get_parse_end(tok) == len);
	FUZZ_CHECK(json_object_is_type(o, json_type_object));
	FUZZ_CHECK(json_object_object_get_ex(o, "class", &cls) &&
		   json_object_is_type(cls, json_type_string));
	FUZZ_CHECK(json_object_object_get_ex(o, "v", &v) &&
		   json_object_get_int(v) == HFD_PROTOCOL_VERSION);
	json_object_put(o);
	json_tokener_free(tok);
}

static void take_replies(const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			check_line(reply_line, reply_len);
			reply_len = 0;
			continue;
		}
		FUZZ_CHECK(reply_len < sizeof reply_line);
		reply_line[reply_len++] = buf[i];
	}
}

/* Read what is there; false once the server has closed the connection. */
static bool read_replies(int fd)
{
	static char buf[65536];

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
		if (n > 0) {
			take_replies(buf, (size_t)n);
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return true;
		return false; /* closed (0) or reset */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	size_t sent = 0;
	bool open = true, wr_closed = false;
	int fd, turns;

	if (size > INPUT_MAX)
		return 0;
	if (!d.ev)
		setup();
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", sock_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	FUZZ_CHECK(fd >= 0);
	FUZZ_CHECK(connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0);
	reply_len = 0;
	for (turns = 0; open && turns < MAX_TURNS; turns++) {
		if (sent < size) {
			ssize_t n = send(fd, data + sent, size - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
			if (n > 0)
				sent += (size_t)n;
			else
				FUZZ_CHECK(errno == EAGAIN || errno == EINTR || errno == EPIPE ||
					   errno == ECONNRESET);
			if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
				sent = size; /* dropped: read what it said */
		}
		if (sent == size && !wr_closed) {
			shutdown(fd, SHUT_WR);
			wr_closed = true;
		}
		FUZZ_CHECK(sd_event_run(d.ev, 0) >= 0);
		open = read_replies(fd);
	}
	FUZZ_CHECK(!open); /* the server let the client go */
	FUZZ_CHECK(reply_len == 0); /* ... after whole lines */
	close(fd);
	while (sd_event_run(d.ev, 0) > 0) /* reap it */
		;
	FUZZ_CHECK(hfd_server_clients(d.server) == 0);
	return 0;
}

/* main.c's systemd status line: no systemd here. */
void hfd_notify_status(const struct hfd *daemon)
{
	(void)daemon;
}
