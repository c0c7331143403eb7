/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hipformd -> MQTT broker (mqtt.h).
 *
 * The problem: publish every event exactly as the socket shows it, never
 * stall the analysis when the broker is slow, down or gone, and lose
 * nothing meanwhile.  libmosquitto runs its network loop in its own thread
 * (mosquitto_loop_start) and reconnects by itself; its callbacks only set
 * flags and queue acknowledged message ids under a mutex.  Everything else
 * happens on the daemon's thread:
 *
 *   event -> INSERT into mqtt_outbox (history.db) -> published in id
 *   order while connected, at most WINDOW in flight -> PUBACK -> DELETE.
 *
 * A row's id is its message id, sent as the MQTT v5 user property
 * "msg_id" (the payload stays the socket's JSON): ids only grow, so a
 * consumer can tell a message it has seen.  Rows published while the
 * connection was dropping are resent by libmosquitto itself when it
 * reconnects; so after a reconnection the backlog waits until those are
 * acknowledged (or RESEND_AFTER_US passes, then every unacknowledged row
 * goes again, which a consumer sees as a repeated msg_id).
 */
#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>

#include "mqtt.h"
#include "../config/config.h"
#include "../server/server.h"
#include "hipform/error.h"
#include "hipform/log.h"

#ifndef HF_VERSION
#define HF_VERSION "0.0.0"
#endif

#define WINDOW 64                     /* rows handed to libmosquitto, unacked */
#define MAX_ACKS 1024                 /* acknowledgements between two pumps */
#define RESEND_AFTER_US 10000000ULL   /* old in-flight rows: give up waiting */

struct inflight {
	int mid;
	int64_t row;
};

struct hfd_mqtt {
	struct mosquitto *mosq;
	sqlite3 *db;
	sqlite3_stmt *ins, *del, *next, *count;
	char base[200];                /* <topic_prefix>/<sensor_id> */
	char node[128];                /* hipform_<sensor_id> */
	char discovery_prefix[64];
	bool discovery;
	int refused;                   /* libmosquitto's thread: last CONNACK code */
	/* shared with libmosquitto's thread, under lock */
	pthread_mutex_t lock;
	bool connected;
	unsigned generation;           /* connections made */
	int acks[MAX_ACKS];
	int n_acks;
	bool acks_lost;
	/* the daemon's thread only */
	unsigned seen_generation;
	struct inflight fl[WINDOW];
	int n_fl;
	int64_t last_sent;             /* newest row handed over */
	uint64_t reconnected_us;       /* when old in-flight rows began waiting */
	long acked_total;
};

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* ---- libmosquitto's thread ---- */

static void on_connect(struct mosquitto *mosq, void *user, int rc)
{
	struct hfd_mqtt *m = user;

	if (rc != 0) {
		if (rc != m->refused) /* once, not at every retry */
			hf_warn("mqtt: broker refused the connection: %s (trying again)",
				mosquitto_connack_string(rc));
		m->refused = rc;
		return;
	}
	m->refused = 0;
	pthread_mutex_lock(&m->lock);
	m->connected = true;
	m->generation++;
	pthread_mutex_unlock(&m->lock);
}

static void on_disconnect(struct mosquitto *mosq, void *user, int rc)
{
	struct hfd_mqtt *m = user;

	pthread_mutex_lock(&m->lock);
	m->connected = false;
	pthread_mutex_unlock(&m->lock);
}

static void on_publish(struct mosquitto *mosq, void *user, int mid)
{
	struct hfd_mqtt *m = user;

	pthread_mutex_lock(&m->lock);
	if (m->n_acks < MAX_ACKS)
		m->acks[m->n_acks++] = mid;
	else
		m->acks_lost = true;
	pthread_mutex_unlock(&m->lock);
}

/* ---- the outbox ---- */

static int outbox_open(struct hfd_mqtt *m, const char *db_path)
{
	static const char schema[] =
		"PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
		"CREATE TABLE IF NOT EXISTS mqtt_outbox ("
		" id INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL,"
		" payload TEXT NOT NULL, retain INTEGER NOT NULL);";

	if (sqlite3_open(db_path ? db_path : ":memory:", &m->db) != SQLITE_OK ||
	    sqlite3_busy_timeout(m->db, 1000) != SQLITE_OK ||
	    sqlite3_exec(m->db, schema, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(m->db, "INSERT INTO mqtt_outbox (topic, payload, retain) "
			       "VALUES (?, ?, ?)", -1, &m->ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(m->db, "DELETE FROM mqtt_outbox WHERE id = ?", -1,
			       &m->del, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(m->db, "SELECT id, topic, payload, retain FROM mqtt_outbox "
			       "WHERE id > ? ORDER BY id LIMIT 1", -1, &m->next, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(m->db, "SELECT count(*) FROM mqtt_outbox", -1,
			       &m->count, NULL) != SQLITE_OK) {
		hf_err_log("mqtt: outbox in %s: %s", db_path ? db_path : "memory",
			   m->db ? sqlite3_errmsg(m->db) : "cannot open");
		return HF_ERR_SYS;
	}
	return HF_OK;
}

static void outbox_add(struct hfd_mqtt *m, const char *topic, const char *payload,
		       size_t len, bool retain)
{
	sqlite3_bind_text(m->ins, 1, topic, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(m->ins, 2, payload, (int)len, SQLITE_TRANSIENT);
	sqlite3_bind_int(m->ins, 3, retain);
	if (sqlite3_step(m->ins) != SQLITE_DONE)
		hf_err_log("mqtt: cannot queue %s: %s", topic, sqlite3_errmsg(m->db));
	sqlite3_reset(m->ins);
}

static void outbox_delete(struct hfd_mqtt *m, int64_t row)
{
	sqlite3_bind_int64(m->del, 1, row);
	if (sqlite3_step(m->del) != SQLITE_DONE)
		hf_warn("mqtt: outbox: %s", sqlite3_errmsg(m->db));
	sqlite3_reset(m->del);
}

/* ---- publishing ---- */

/* Hand one row to libmosquitto.  true when it is now in flight. */
static bool send_row(struct hfd_mqtt *m, int64_t row, const char *topic,
		     const void *payload, int len, bool retain)
{
	mosquitto_property *props = NULL;
	char id[24];
	int mid = 0, rc;

	snprintf(id, sizeof id, "%lld", (long long)row);
	mosquitto_property_add_string_pair(&props, MQTT_PROP_USER_PROPERTY, "msg_id", id);
	rc = mosquitto_publish_v5(m->mosq, &mid, topic, len, payload, 1, retain, props);
	mosquitto_property_free_all(&props);
	/* NO_CONN with a mid: queued inside libmosquitto, sent on reconnect */
	if (mid == 0 || (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_NO_CONN)) {
		hf_warn("mqtt: publish %s: %s", topic, mosquitto_strerror(rc));
		return false;
	}
	m->fl[m->n_fl++] = (struct inflight){mid, row};
	return true;
}

static void send_backlog(struct hfd_mqtt *m)
{
	while (m->n_fl < WINDOW) {
		int64_t row;
		bool ok;

		sqlite3_bind_int64(m->next, 1, m->last_sent);
		if (sqlite3_step(m->next) != SQLITE_ROW) {
			sqlite3_reset(m->next);
			return;
		}
		row = sqlite3_column_int64(m->next, 0);
		ok = send_row(m, row, (const char *)sqlite3_column_text(m->next, 1),
			      sqlite3_column_text(m->next, 2), sqlite3_column_bytes(m->next, 2),
			      sqlite3_column_int(m->next, 3) != 0);
		sqlite3_reset(m->next);
		if (!ok)
			return;
		m->last_sent = row;
	}
}

/* Retained, QoS 1, not through the outbox (re-sent on every connection). */
static void publish_now(struct hfd_mqtt *m, const char *topic, const char *payload)
{
	mosquitto_publish(m->mosq, NULL, topic, (int)strlen(payload), payload, 1, true);
}

static void discovery_entity(struct hfd_mqtt *m, const char *object, const char *name,
			     const char *cls, const char *template, const char *extra)
{
	char topic[512], payload[2048];

	snprintf(topic, sizeof topic, "%s/sensor/%s/%s/config", m->discovery_prefix,
		 m->node, object);
	snprintf(payload, sizeof payload,
		 "{\"name\":\"%s\",\"unique_id\":\"%s_%s\",\"object_id\":\"%s_%s\","
		 "\"state_topic\":\"%s/%s\",\"value_template\":\"%s\"%s,"
		 "\"availability_topic\":\"%s/availability\","
		 "\"device\":{\"identifiers\":[\"%s\"],\"name\":\"hipform %s\","
		 "\"manufacturer\":\"hipform\",\"model\":\"hipformd\",\"sw_version\":\"%s\"}}",
		 name, m->node, object, m->node, object, m->base, cls, template, extra,
		 m->base, m->node, m->node + strlen("hipform_"), HF_VERSION);
	publish_now(m, topic, payload);
}

/* After every connection: online, and Home Assistant's entities. */
static void announce(struct hfd_mqtt *m)
{
	char topic[300];
	char attrs[512];

	snprintf(topic, sizeof topic, "%s/availability", m->base);
	publish_now(m, topic, "online");
	if (!m->discovery)
		return;
	discovery_entity(m, "rep_count", "Rep count", "rep", "{{ value_json.rep }}",
			 ",\"icon\":\"mdi:counter\"");
	discovery_entity(m, "hold", "Hold", "rep", "{{ value_json.hold_s }}",
			 ",\"unit_of_measurement\":\"s\",\"device_class\":\"duration\"");
	snprintf(attrs, sizeof attrs, ",\"json_attributes_topic\":\"%s/set\","
		 "\"unit_of_measurement\":\"reps\"", m->base);
	discovery_entity(m, "last_set", "Last set", "set", "{{ value_json.rep_count }}", attrs);
	snprintf(attrs, sizeof attrs, ",\"json_attributes_topic\":\"%s/session\"", m->base);
	discovery_entity(m, "session", "Session", "session",
			 "{{ 'open' if value_json.end is none else 'ended' }}", attrs);
}

static void take_acks(struct hfd_mqtt *m, const int *acks, int n)
{
	for (int i = 0; i < n; i++)
		for (int j = 0; j < m->n_fl; j++) {
			if (m->fl[j].mid != acks[i])
				continue;
			outbox_delete(m, m->fl[j].row);
			m->fl[j] = m->fl[--m->n_fl];
			m->acked_total++;
			break;
		}
}

/* Forget what is in flight: every row still in the outbox goes again. */
static void resend_all(struct hfd_mqtt *m)
{
	m->n_fl = 0;
	m->last_sent = 0;
}

void hfd_mqtt_pump(struct hfd_mqtt *m)
{
	int acks[MAX_ACKS], n;
	bool connected, lost;
	unsigned gen;

	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	connected = m->connected;
	gen = m->generation;
	n = m->n_acks;
	memcpy(acks, m->acks, (size_t)n * sizeof acks[0]);
	m->n_acks = 0;
	lost = m->acks_lost;
	m->acks_lost = false;
	pthread_mutex_unlock(&m->lock);
	take_acks(m, acks, n);
	if (lost)
		resend_all(m);
	if (!connected)
		return;
	if (gen != m->seen_generation) {
		m->seen_generation = gen;
		m->reconnected_us = now_us();
		hf_notice("mqtt: connected, %ld messages waiting", hfd_mqtt_backlog(m));
		announce(m);
	}
	/* rows of an earlier connection: libmosquitto resends them first */
	if (m->n_fl > 0 && m->reconnected_us) {
		if (now_us() - m->reconnected_us < RESEND_AFTER_US)
			return;
		hf_warn("mqtt: %d messages not acknowledged, sending them again", m->n_fl);
		resend_all(m);
	}
	m->reconnected_us = 0;
	send_backlog(m);
}

/* ---- events ---- */

static bool wanted(const char *cls, bool *retain)
{
	static const char *const classes[] = {"REP", "SET", "FAULT", "SESSION", "SET_DROPPED"};

	for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
		if (strcmp(cls, classes[i]) == 0) {
			*retain = i == 1 || i == 3;
			return true;
		}
	return false;
}

void hfd_mqtt_event(struct hfd_mqtt *m, json_object *msg)
{
	json_object *cls_o;
	const char *cls, *line;
	char topic[300], lower[16];
	size_t len, i;
	bool retain;

	if (!m || !json_object_object_get_ex(msg, "class", &cls_o))
		return;
	cls = json_object_get_string(cls_o);
	if (!cls || !wanted(cls, &retain))
		return;
	for (i = 0; cls[i] && i < sizeof lower - 1; i++)
		lower[i] = (char)(cls[i] >= 'A' && cls[i] <= 'Z' ? cls[i] + 32 : cls[i]);
	lower[i] = '\0';
	snprintf(topic, sizeof topic, "%s/%s", m->base, lower);
	line = hfd_json_line(msg, &len);
	if (len > 0 && line[len - 1] == '\n')
		len--;
	outbox_add(m, topic, line, len, retain);
	hfd_mqtt_pump(m);
}

/* ---- start and stop ---- */

static void sanitize(char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			*s = '_';
}

/* "host", "host:port" (a port there wins over [mqtt] port), "[v6]:port". */
static int split_host(const char *spec, int port, char *host, size_t size, int *port_out)
{
	const char *colon = strrchr(spec, ':');
	char *end;
	long p;

	*port_out = port;
	if (spec[0] == '[') {
		const char *close = strchr(spec, ']');
		if (!close)
			return -1;
		snprintf(host, size, "%.*s", (int)(close - spec - 1), spec + 1);
		colon = close[1] == ':' ? close + 1 : NULL;
	} else if (colon && strchr(spec, ':') == colon) {
		snprintf(host, size, "%.*s", (int)(colon - spec), spec);
	} else {
		snprintf(host, size, "%s", spec);
		colon = NULL;
	}
	if (!colon)
		return host[0] ? 0 : -1;
	p = strtol(colon + 1, &end, 10);
	if (*end || p < 1 || p > 65535)
		return -1;
	*port_out = (int)p;
	return host[0] ? 0 : -1;
}

static void names(struct hfd_mqtt *m, const struct hfd_config *c)
{
	char id[64];

	if (c->mqtt_sensor_id[0])
		snprintf(id, sizeof id, "%s", c->mqtt_sensor_id);
	else if (gethostname(id, sizeof id) != 0 || !id[0])
		snprintf(id, sizeof id, "hipform");
	id[sizeof id - 1] = '\0';
	sanitize(id);
	snprintf(m->base, sizeof m->base, "%s/%s", c->mqtt_topic_prefix, id);
	snprintf(m->node, sizeof m->node, "hipform_%s", id);
	snprintf(m->discovery_prefix, sizeof m->discovery_prefix, "%s", c->mqtt_discovery_prefix);
	m->discovery = c->mqtt_discovery;
}

static int client_setup(struct hfd_mqtt *m, const struct hfd_config *c)
{
	char topic[300];
	int rc = MOSQ_ERR_SUCCESS;

	m->mosq = mosquitto_new(NULL, true, m);
	if (!m->mosq)
		return MOSQ_ERR_NOMEM;
	mosquitto_int_option(m->mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
	mosquitto_connect_callback_set(m->mosq, on_connect);
	mosquitto_disconnect_callback_set(m->mosq, on_disconnect);
	mosquitto_publish_callback_set(m->mosq, on_publish);
	mosquitto_reconnect_delay_set(m->mosq, 1, 5, false);
	snprintf(topic, sizeof topic, "%s/availability", m->base);
	rc = mosquitto_will_set(m->mosq, topic, 7, "offline", 1, true);
	if (rc == MOSQ_ERR_SUCCESS && c->mqtt_username[0])
		rc = mosquitto_username_pw_set(m->mosq, c->mqtt_username,
					       c->mqtt_password[0] ? c->mqtt_password : NULL);
	if (rc == MOSQ_ERR_SUCCESS && c->mqtt_tls)
		rc = mosquitto_tls_set(m->mosq, c->mqtt_ca_file[0] ? c->mqtt_ca_file : NULL,
				       c->mqtt_ca_path[0] ? c->mqtt_ca_path : NULL,
				       c->mqtt_cert_file[0] ? c->mqtt_cert_file : NULL,
				       c->mqtt_key_file[0] ? c->mqtt_key_file : NULL, NULL);
	if (rc == MOSQ_ERR_SUCCESS && c->mqtt_tls)
		rc = mosquitto_tls_insecure_set(m->mosq, c->mqtt_tls_insecure);
	return rc;
}

int hfd_mqtt_new(struct hfd_mqtt **out, const struct hfd_config *c, const char *db_path)
{
	struct hfd_mqtt *m;
	char host[HFD_PATH_MAX];
	int port, rc;

	*out = NULL;
	if (!c->mqtt_host[0])
		return HF_OK;
	if (split_host(c->mqtt_host, c->mqtt_port, host, sizeof host, &port) != 0) {
		hf_err_log("mqtt: bad broker address '%s' (HOST or HOST:PORT)", c->mqtt_host);
		return HF_ERR_ARG;
	}
	if (c->mqtt_tls && !c->mqtt_ca_file[0] && !c->mqtt_ca_path[0]) {
		hf_err_log("mqtt: tls needs ca_file or ca_path");
		return HF_ERR_ARG;
	}
	m = calloc(1, sizeof *m);
	if (!m)
		return HF_ERR_NOMEM;
	pthread_mutex_init(&m->lock, NULL);
	mosquitto_lib_init();
	names(m, c);
	if (outbox_open(m, db_path) != HF_OK)
		goto fail;
	rc = client_setup(m, c);
	if (rc != MOSQ_ERR_SUCCESS) {
		hf_err_log("mqtt: %s", mosquitto_strerror(rc));
		goto fail;
	}
	/* A broker that is not there yet is fine: the thread keeps trying. */
	rc = mosquitto_connect_async(m->mosq, host, port, c->mqtt_keepalive_s);
	if (rc == MOSQ_ERR_ERRNO && (errno == EAFNOSUPPORT || errno == EPERM))
		hf_err_log("mqtt: %s:%d: IP sockets are not allowed (the unit's "
			   "RestrictAddressFamilies=, IPAddressDeny=: see hipformd.conf(5))",
			   host, port);
	else if (rc != MOSQ_ERR_SUCCESS)
		hf_warn("mqtt: %s:%d: %s (trying again)", host, port,
			rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
	rc = mosquitto_loop_start(m->mosq);
	if (rc != MOSQ_ERR_SUCCESS) {
		hf_err_log("mqtt: %s", mosquitto_strerror(rc));
		goto fail;
	}
	hf_notice("mqtt: publishing to %s:%d under %s/ (%ld messages waiting)", host, port,
		  m->base, hfd_mqtt_backlog(m));
	*out = m;
	return HF_OK;
fail:
	hfd_mqtt_free(m);
	return HF_ERR_SYS;
}

void hfd_mqtt_free(struct hfd_mqtt *m)
{
	char topic[300];

	if (!m)
		return;
	if (m->mosq) {
		pthread_mutex_lock(&m->lock);
		bool connected = m->connected;
		pthread_mutex_unlock(&m->lock);
		for (int i = 0; i < 50 && connected && m->n_fl > 0; i++) {
			usleep(20000);
			hfd_mqtt_pump(m);
		}
		snprintf(topic, sizeof topic, "%s/availability", m->base);
		if (connected)
			mosquitto_publish(m->mosq, NULL, topic, 7, "offline", 1, true);
		mosquitto_disconnect(m->mosq);
		/* not connected: the thread may sleep between attempts; cancel it */
		mosquitto_loop_stop(m->mosq, !connected);
		mosquitto_destroy(m->mosq);
	}
	sqlite3_finalize(m->ins);
	sqlite3_finalize(m->del);
	sqlite3_finalize(m->next);
	sqlite3_finalize(m->count);
	sqlite3_close(m->db);
	pthread_mutex_destroy(&m->lock);
	mosquitto_lib_cleanup();
	free(m);
}

long hfd_mqtt_acked(const struct hfd_mqtt *m)
{
	return m ? m->acked_total : 0;
}

long hfd_mqtt_backlog(struct hfd_mqtt *m)
{
	long n = 0;

	if (!m || !m->count)
		return 0;
	if (sqlite3_step(m->count) == SQLITE_ROW)
		n = sqlite3_column_int64(m->count, 0);
	sqlite3_reset(m->count);
	return n;
}
