/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hipformd's state, shared by its files: main.c (command line, loop,
 * signals, systemd), session.c (bytes to samples to events, sessions,
 * recording, history), requests.c (client requests) and messages.c
 * (protocol messages).
 */
#ifndef HIPFORMD_DAEMON_H
#define HIPFORMD_DAEMON_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>
#include <time.h>

#include "../config/config.h"
#include "../io/sensor.h"
#include "../mqtt/mqtt.h"
#include "../server/server.h"
#include "../store/recording.h"
#include "../store/store.h"
#include "hipform/analyzer.h"
#include "hipform/calib.h"
#include "hipform/decoder.h"
#include "hipform/program.h"
#include "hipform/report.h"

struct hfd_session {
	bool open;
	int64_t id;
	time_t start, end;
	struct hf_analyzer *an;
	struct hf_analyzer_config an_cfg;
	struct hf_report report;
	struct hfd_recording rec;
	char rec_path[512];
	double t_offset_s;        /* added to decoder times (resumes) */
	bool resume_pending;      /* the next sample is the first after a resume */
	double resume_t_s;        /* ... and gets this time */
	double last_t_s;          /* newest sample fed */
	bool have_t;
	double last_activity_t_s; /* newest analyser event, for idle end */
	struct hf_decoder_stats past; /* counters of earlier connections */
	uint64_t disconnected_us; /* CLOCK_MONOTONIC, 0 while connected */
	bool analysis_warned;
	int sets_stored;          /* report sets 0..sets_stored-1 are in the history */
	bool store_failing;       /* storing a set failed: retried every second */
	struct hf_program *program;   /* [analysis] program, or NULL */
	uint64_t calib_key;           /* hfd_text_key() of the calibration file */
	struct hf_accel_fit *accel_fit; /* learning the accelerometer, or NULL */
};

/* Errors decoding sensor bytes: the first is logged, the rest of each
 * HFD_BAD_DATA_WINDOW_S counted and summarised in one line. */
#define HFD_BAD_DATA_WINDOW_S 10
struct hfd_bad_data {
	uint64_t window_start_us; /* CLOCK_MONOTONIC; 0: no window open */
	unsigned long suppressed;
	unsigned long long bytes;
	char last[200];
};

struct hfd {
	sd_event *ev;
	struct hfd_config cfg;
	const char *config_path;
	bool config_required;     /* given with --config: must be readable */
	/* command-line overrides, applied again after every reload */
	struct { const char *section, *key, *value; } overrides[24];
	int n_overrides;
	struct hf_calib calib;
	struct hfd_sensor *sensor;
	struct hfd_server *server;
	struct hfd_store *store;
	struct hfd_mqtt *mqtt;    /* NULL: no [mqtt] host */
	sd_event_source *tick;    /* 5 Hz: STATUS, flushes, idle checks */
	unsigned ticks;
	sd_event_source *session_end_timer;
	/* the device */
	struct hfd_sensor_info dev;
	bool dev_known, dev_connected;
	struct hf_decoder dec;
	struct hfd_session sess;
	struct hfd_bad_data bad_data;
	bool stopping;
	int exit_code;
};

/* session.c */
void hfd_session_on_connected(void *user, const struct hfd_sensor_info *info);
void hfd_session_on_data(void *user, const uint8_t *buf, size_t len);
void hfd_session_on_disconnected(void *user, const char *why);
void hfd_session_end(struct hfd *d, const char *why);

/* accel_memory.c: the accelerometer fitted over a session's still postures,
 * kept in <state_dir>/session-accel for the next session with the same
 * calibration ([analysis] session_accel).  begin() adopts a kept fit into
 * cal (a calibration with [mounting] and no accelerometer part) and starts
 * learning; sample() takes each raw sample; end() keeps an accepted fit. */
uint64_t hfd_text_key(const char *text);
void hfd_accel_begin(struct hfd *d, struct hf_calib *cal);
void hfd_accel_sample(struct hfd_session *s, const struct hf_sample *smp);
void hfd_accel_end(struct hfd *d);
void hfd_session_tick(struct hfd *d);
/* At start: end the sessions a crash left open (logged). */
void hfd_session_close_crashed(struct hfd *d);
/* SESSION body of the current session (NULL when none). */
json_object *hfd_session_json(struct hfd *d);

/* requests.c */
void hfd_on_client(void *user, struct hfd_client *c);
void hfd_on_request(void *user, struct hfd_client *c, const char *cls, json_object *req);

/* messages.c */
json_object *hfd_msg_new(const char *cls);
json_object *hfd_msg_device(const struct hfd *d);
json_object *hfd_msg_status(const struct hfd *d);
json_object *hfd_msg_version(void);
json_object *hfd_msg_error(const char *message);
/* Put key/value of src (an object) into dst; src is released. */
void hfd_msg_merge(json_object *dst, json_object *src);
/* Add "session" (id or null) to o. */
void hfd_msg_add_session(json_object *o, const struct hfd *d);

/* main.c: systemd status line */
void hfd_notify_status(const struct hfd *d);

#endif
