/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The client side of the hipformd socket protocol (docs/protocol.md),
 * shared by `hipform status|watch|summary|history` (client.c) and
 * `hipform demo` (demo.c).
 *
 * hf_conn is a connection: newline-delimited JSON in both directions.
 * hf_view renders server messages for a person (a live line refreshed in
 * place on a terminal, one line per rep, set and session summaries) or,
 * with json, copies them through unchanged.  hf_watch_run() is the loop of
 * `hipform watch`; demo adds its own work through the tick hook.
 */
#ifndef HIPFORM_CLI_CLIENT_H
#define HIPFORM_CLI_CLIENT_H

#include <json-c/json.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hipform/exercise.h"

#define HF_CLIENT_DEFAULT_SOCKET "/run/hipform/hipformd.sock"

/* The socket to use: opt when given, else $HIPFORM_SOCKET, else the default. */
const char *hf_client_socket_path(const char *opt);

struct hf_conn {
	int fd;
	char *buf;          /* received bytes not yet returned as lines */
	size_t len, cap;
	size_t skip;        /* bytes of the last returned line to drop */
};

/*
 * Connect to hipformd at path.  On failure prints one line saying why and
 * what to check, and returns -1 (errno kept); quiet: print nothing.
 */
int hf_conn_open(struct hf_conn *c, const char *path, bool quiet);
void hf_conn_close(struct hf_conn *c);
/* Send one request object as a line.  0, or -1 with errno. */
int hf_conn_send(struct hf_conn *c, json_object *req);

enum hf_conn_rc {
	HF_CONN_LINE = 1,     /* *line holds a message, valid until the next call */
	HF_CONN_EOF = 0,      /* hipformd closed the connection */
	HF_CONN_ERROR = -1,   /* errno says why */
	HF_CONN_TIMEOUT = -2, /* nothing within timeout_ms, or a signal came */
};

/* Wait up to timeout_ms (-1: forever) for the next line. */
enum hf_conn_rc hf_conn_next_line(struct hf_conn *c, int timeout_ms, char **line);

/*
 * Wait for a reply of class want (or ERROR) to a request, skipping
 * other messages, for at most timeout_ms.  Returns the parsed message
 * (json_object_put() it) or NULL with a message printed.
 */
json_object *hf_conn_expect(struct hf_conn *c, const char *want, int timeout_ms);

/* Rendering state of a watching client. */
struct hf_view {
	FILE *out;
	bool json;            /* copy messages through */
	bool tty;             /* refresh the live line in place */
	bool color;
	int width;            /* terminal columns */
	bool live_shown;      /* a live line is on screen, not ended */
	char last_state[96];  /* posture/exercise of the last plain status */
	double last_plain_t_s;
	int sessions;         /* SESSION messages rendered */
	int sets;             /* SET messages rendered */
	double status_t_s;    /* sample time of the newest STATUS, -1 before */
	double hold_target_s;
	/* faults already announced live (FAULT) for rep `announced_rep` of
	 * set `announced_set`: the REP line does not repeat their advice */
	int announced_set, announced_rep;
	uint32_t announced;
	/* called with every message received (parsed), NULL: none */
	void (*on_message)(void *user, json_object *m, const char *cls);
	void *on_message_user;
};

void hf_view_init(struct hf_view *v, FILE *out, bool json);
/* Render one line received from hipformd. */
void hf_view_line(struct hf_view *v, const char *line);
/* End the live line (before other output, and at exit). */
void hf_view_break(struct hf_view *v);
/* Print a SESSION message (parsed) as the session summary. */
void hf_view_session(struct hf_view *v, json_object *msg);

/* Hooks of hf_watch_run(). */
struct hf_watch_hooks {
	volatile sig_atomic_t *stop;  /* set by a signal handler: end the loop */
	int tick_ms;                  /* call tick at least this often */
	/* Called after every wake-up; nonzero ends the loop with that value. */
	int (*tick)(struct hf_conn *c, struct hf_view *v, void *user);
	void *user;
};

/*
 * Ask for live messages and render them until the daemon closes the
 * connection (0), *stop is set (0), tick says so (its value) or an error
 * (1, message printed).
 */
int hf_watch_run(struct hf_conn *c, struct hf_view *v, const struct hf_watch_hooks *h);

/* Install handlers for SIGINT and SIGTERM that set *flag (no SA_RESTART). */
void hf_client_catch_signals(volatile sig_atomic_t *flag);

#endif
