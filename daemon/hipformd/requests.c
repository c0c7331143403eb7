/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Client requests (docs/protocol.md), one row per class.  The server has
 * already checked that a request is an object with a string "class";
 * here each handler checks its own fields and answers ERROR when they are
 * wrong, leaving the connection usable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"

#define HISTORY_DEFAULT 20
#define HISTORY_MAX 1000

static void reply(struct hfd_client *c, json_object *o)
{
	hfd_client_reply_json(c, o);
	json_object_put(o);
}

static void reply_error(struct hfd_client *c, const char *fmt, const char *arg)
{
	char msg[200];

	snprintf(msg, sizeof msg, fmt, arg);
	reply(c, hfd_msg_error(msg));
}

void hfd_on_client(void *user, struct hfd_client *c)
{
	reply(c, hfd_msg_version());
}

static void req_watch(struct hfd *d, struct hfd_client *c, json_object *req)
{
	json_object *en;
	bool on = true;

	if (json_object_object_get_ex(req, "enable", &en)) {
		if (!json_object_is_type(en, json_type_boolean)) {
			reply_error(c, "WATCH: \"enable\" must be true or false%s", "");
			return;
		}
		on = json_object_get_boolean(en);
	}
	hfd_client_set_watch(c, on);
	if (!on)
		return;
	reply(c, hfd_msg_device(d));
	reply(c, hfd_msg_status(d));
}

static void req_poll(struct hfd *d, struct hfd_client *c, json_object *req)
{
	reply(c, hfd_msg_status(d));
}

static void req_devices(struct hfd *d, struct hfd_client *c, json_object *req)
{
	reply(c, hfd_msg_device(d));
}

/* The id asked for: 0 for "current or latest", -1 when malformed. */
static int64_t session_arg(json_object *req)
{
	json_object *v;
	char *end;
	long long id;

	if (!json_object_object_get_ex(req, "session", &v) || !v)
		return 0;
	if (json_object_is_type(v, json_type_int))
		return json_object_get_int64(v) > 0 ? json_object_get_int64(v) : -1;
	if (!json_object_is_type(v, json_type_string))
		return -1;
	id = strtoll(json_object_get_string(v), &end, 10);
	return *end || id <= 0 ? -1 : id;
}

static void req_summary(struct hfd *d, struct hfd_client *c, json_object *req)
{
	int64_t id = session_arg(req);
	json_object *body = NULL, *msg;

	if (id < 0) {
		reply_error(c, "SUMMARY: \"session\" must be a session number or null%s", "");
		return;
	}
	if (d->sess.open && (id == 0 || id == d->sess.id))
		body = hfd_session_json(d);
	else if (d->store)
		body = hfd_store_session_json(d->store, id ? id : hfd_store_latest(d->store));
	if (!body) {
		reply_error(c, "SUMMARY: %s", id ? "no such session" : "no session yet");
		return;
	}
	msg = hfd_msg_new("SESSION");
	hfd_msg_merge(msg, body);
	reply(c, msg);
}

static void req_history(struct hfd *d, struct hfd_client *c, json_object *req)
{
	json_object *v, *msg;
	int limit = HISTORY_DEFAULT;

	if (json_object_object_get_ex(req, "limit", &v) && v) {
		if (!json_object_is_type(v, json_type_int) || json_object_get_int(v) < 1) {
			reply_error(c, "HISTORY: \"limit\" must be a positive integer%s", "");
			return;
		}
		limit = json_object_get_int(v);
		if (limit > HISTORY_MAX)
			limit = HISTORY_MAX;
	}
	if (!d->store) {
		reply_error(c, "HISTORY: no history database (see the daemon's log)%s", "");
		return;
	}
	msg = hfd_msg_new("HISTORY");
	json_object_object_add(msg, "sessions", hfd_store_history(d->store, limit));
	reply(c, msg);
}

struct request_row {
	const char *cls;
	void (*fn)(struct hfd *d, struct hfd_client *c, json_object *req);
};

static const struct request_row requests[] = {
	{"WATCH", req_watch},
	{"POLL", req_poll},
	{"DEVICES", req_devices},
	{"SUMMARY", req_summary},
	{"HISTORY", req_history},
};

void hfd_on_request(void *user, struct hfd_client *c, const char *cls, json_object *req)
{
	struct hfd *d = user;

	for (size_t i = 0; i < sizeof requests / sizeof requests[0]; i++) {
		if (strcmp(requests[i].cls, cls) == 0) {
			requests[i].fn(d, c, req);
			return;
		}
	}
	reply_error(c, "unknown class \"%.60s\" (WATCH, POLL, DEVICES, SUMMARY, HISTORY)", cls);
}
