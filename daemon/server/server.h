/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The client socket: a Unix stream socket speaking newline-delimited JSON
 * (docs/protocol.md).  The server frames lines, parses them, answers
 * malformed ones with ERROR itself and hands well-formed requests (a JSON
 * object with a string "class") to the daemon.  Output is buffered per
 * client and bounded; a client whose buffer fills is dropped.
 */
#ifndef HIPFORMD_SERVER_H
#define HIPFORMD_SERVER_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <systemd/sd-event.h>

/* The client protocol's version: "v" of every message (docs/protocol.md). */
#define HFD_PROTOCOL_VERSION 1
#define HFD_CLIENT_OUT_BYTES (256 * 1024)
#define HFD_CLIENT_OUT_INITIAL 4096
#define HFD_REQUEST_MAX 4096
/* A reply (SESSION, HISTORY) may exceed the buffer: it is sent as the
 * client reads, up to this size; a client that reads none of it for
 * HFD_REPLY_STALL_S..2x that is dropped. */
#define HFD_REPLY_MAX_BYTES (256u * 1024 * 1024)
#define HFD_REPLY_STALL_S 10
/* A connection that neither watches nor asks for this long is idle. */
#define HFD_IDLE_CLIENT_S 10

struct hfd_server;
struct hfd_client;

/* A request: req is an object whose "class" is the string cls. */
typedef void (*hfd_request_fn)(void *user, struct hfd_client *c, const char *cls,
			       json_object *req);
/* A new client connected (send it the greeting). */
typedef void (*hfd_connect_fn)(void *user, struct hfd_client *c);

struct hfd_server_cb {
	hfd_connect_fn connected;
	hfd_request_fn request;
};

/*
 * Listen on path (a stale socket there is replaced; a live one, another
 * daemon's, or a file that is not a socket is an error; a missing parent
 * directory is created), mode 0660, group `group` when it exists.
 * When all max_clients slots are taken, a new client takes the slot of
 * the longest idle watcher (or idle connection); without one it is
 * refused with an ERROR line.
 * HF_OK or HF_ERR_SYS (logged).
 */
int hfd_server_new(struct hfd_server **out, sd_event *ev, const char *path,
		   const char *group, int max_clients, const struct hfd_server_cb *cb,
		   void *user);
/* Close every client and the socket, remove the socket file. */
void hfd_server_free(struct hfd_server *s);

/* Queue one message (a newline is added).  Drops the client when its
 * buffer would overflow. */
void hfd_client_send(struct hfd_client *c, const char *line, size_t len);
/* Send a JSON object, compact. */
void hfd_client_send_json(struct hfd_client *c, json_object *o);
/* A reply to the client's request: never dropped for its size (up to
 * HFD_REPLY_MAX_BYTES); it goes out as the client reads it, and the
 * client's next requests wait until it has. */
void hfd_client_reply(struct hfd_client *c, const char *line, size_t len);
void hfd_client_reply_json(struct hfd_client *c, json_object *o);
void hfd_client_set_watch(struct hfd_client *c, bool on);

/* Send to every watching client. */
void hfd_server_broadcast(struct hfd_server *s, const char *line, size_t len);
void hfd_server_broadcast_json(struct hfd_server *s, json_object *o);
int hfd_server_watchers(const struct hfd_server *s);
int hfd_server_clients(const struct hfd_server *s);

/* Serialise an object once (compact, no escaped slashes). */
const char *hfd_json_line(json_object *o, size_t *len);

#endif
