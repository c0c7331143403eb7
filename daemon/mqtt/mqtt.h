/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hipformd's MQTT publisher (libmosquitto): each REP, SET, FAULT and
 * SESSION message, the same JSON as on the socket, on
 * <topic_prefix>/<sensor_id>/<class in lower case>, QoS 1, SET and SESSION
 * retained; a retained availability topic with a last will; Home
 * Assistant discovery.  Every message goes first into an outbox table of
 * the history database and leaves it when the broker acknowledges it, so
 * a broker that is down or goes away loses nothing: what it missed is
 * published, in order, when it is back.  The network runs in libmosquitto's
 * own thread; nothing here waits for it.
 */
#ifndef HIPFORMD_MQTT_H
#define HIPFORMD_MQTT_H

#include <json-c/json.h>

struct hfd_config;
struct hfd_mqtt;

/*
 * Start publishing as c's [mqtt] section says.  *out is NULL (and HF_OK is
 * returned) when c->mqtt_host is empty.  db_path is the history database
 * that holds the outbox, or NULL for an outbox in memory (lost at exit).
 * HF_OK, or HF_ERR_ARG / HF_ERR_SYS / HF_ERR_NOMEM (logged).
 */
int hfd_mqtt_new(struct hfd_mqtt **out, const struct hfd_config *c, const char *db_path);

/* Queue a protocol message if its class is REP, SET, FAULT or SESSION, and
 * publish it when connected.  m may be NULL. */
void hfd_mqtt_event(struct hfd_mqtt *m, json_object *msg);

/* From the event loop (5 Hz): take acknowledgements, announce after a
 * (re)connection, publish the backlog.  m may be NULL. */
void hfd_mqtt_pump(struct hfd_mqtt *m);

/* Publish "offline", give the broker up to 1 s to acknowledge what is in
 * flight (the rest stays in the outbox for the next start), stop. */
void hfd_mqtt_free(struct hfd_mqtt *m);

/* Messages acknowledged by the broker and waiting in the outbox (bench). */
long hfd_mqtt_acked(const struct hfd_mqtt *m);
long hfd_mqtt_backlog(struct hfd_mqtt *m);

#endif
