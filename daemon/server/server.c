/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The client socket.
 *
 * The problem: many clients (a watch in a terminal, a status bar, a
 * script) share one single-threaded daemon that must never block on any
 * of them.  So every client fd is non-blocking; a message is written at
 * once when the client's buffer is empty and the rest is queued in a
 * bounded buffer (HFD_CLIENT_OUT_BYTES) that EPOLLOUT drains, armed only
 * while something is pending.  A client whose buffer would overflow has
 * stopped reading: it is dropped, never waited for (as gpsd does).
 *
 * Input is framed by newlines with a maximum length; an overlong line is
 * skipped up to its newline and answered with ERROR.  A line that is not
 * a JSON object with a string "class" is answered with ERROR by the server
 * itself; the connection stays usable.
 *
 * Clients are freed from a deferred event, never in the middle of a loop
 * over them: a failed write only marks the client dead.
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "hipform/error.h"
#include "hipform/log.h"
#include "server.h"

struct hfd_client {
	struct hfd_server *srv;
	struct hfd_client *next;
	int fd;
	unsigned id;
	sd_event_source *src;
	bool watch, dead, skipping;
	char in[HFD_REQUEST_MAX];
	size_t in_len;
	char *out;                /* HFD_CLIENT_OUT_BYTES, allocated on connect */
	size_t out_start, out_len;
};

struct hfd_server {
	sd_event *ev;
	int fd;
	char path[108];
	sd_event_source *listen_src, *reaper;
	struct hfd_client *clients;
	int n_clients, max_clients;
	unsigned next_id;
	struct hfd_server_cb cb;
	void *user;
};

const char *hfd_json_line(json_object *o, size_t *len)
{
	return json_object_to_json_string_length(
		o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, len);
}

/* ---- dropping and reaping ---- */

static void kill_client(struct hfd_client *c, const char *why)
{
	if (c->dead)
		return;
	c->dead = true;
	hf_info("client %u dropped: %s", c->id, why);
	sd_event_source_set_enabled(c->src, SD_EVENT_OFF);
	sd_event_source_set_enabled(c->srv->reaper, SD_EVENT_ONESHOT);
}

static void free_client(struct hfd_client *c)
{
	sd_event_source_disable_unref(c->src);
	close(c->fd);
	free(c->out);
	free(c);
}

static int on_reap(sd_event_source *src, void *user)
{
	struct hfd_server *s = user;
	struct hfd_client **pp = &s->clients;

	while (*pp) {
		struct hfd_client *c = *pp;
		if (!c->dead) {
			pp = &c->next;
			continue;
		}
		*pp = c->next;
		s->n_clients--;
		free_client(c);
	}
	return 0;
}

/* ---- output ---- */

static void flush_out(struct hfd_client *c)
{
	while (c->out_len > 0) {
		ssize_t n = send(c->fd, c->out + c->out_start, c->out_len,
				 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			kill_client(c, n < 0 ? strerror(errno) : "closed");
			return;
		}
		c->out_start += (size_t)n;
		c->out_len -= (size_t)n;
	}
	if (c->out_len == 0)
		c->out_start = 0;
	sd_event_source_set_io_events(c->src, c->out_len ? EPOLLIN | EPOLLOUT : EPOLLIN);
}

void hfd_client_send(struct hfd_client *c, const char *line, size_t len)
{
	if (c->dead)
		return;
	if (c->out_len + len + 1 > HFD_CLIENT_OUT_BYTES) {
		kill_client(c, "not reading (output buffer full)");
		return;
	}
	if (c->out_start + c->out_len + len + 1 > HFD_CLIENT_OUT_BYTES) {
		memmove(c->out, c->out + c->out_start, c->out_len);
		c->out_start = 0;
	}
	memcpy(c->out + c->out_start + c->out_len, line, len);
	c->out[c->out_start + c->out_len + len] = '\n';
	c->out_len += len + 1;
	flush_out(c);
}

void hfd_client_send_json(struct hfd_client *c, json_object *o)
{
	size_t len;
	const char *s = hfd_json_line(o, &len);

	hfd_client_send(c, s, len);
}

void hfd_client_set_watch(struct hfd_client *c, bool on)
{
	c->watch = on;
}

void hfd_server_broadcast(struct hfd_server *s, const char *line, size_t len)
{
	for (struct hfd_client *c = s->clients; c; c = c->next)
		if (c->watch)
			hfd_client_send(c, line, len);
}

void hfd_server_broadcast_json(struct hfd_server *s, json_object *o)
{
	size_t len;
	const char *line;

	if (hfd_server_watchers(s) == 0)
		return;
	line = hfd_json_line(o, &len);
	hfd_server_broadcast(s, line, len);
}

int hfd_server_watchers(const struct hfd_server *s)
{
	int n = 0;

	for (const struct hfd_client *c = s ? s->clients : NULL; c; c = c->next)
		n += c->watch && !c->dead;
	return n;
}

int hfd_server_clients(const struct hfd_server *s)
{
	return s ? s->n_clients : 0;
}

/* ---- input ---- */

static void send_error(struct hfd_client *c, const char *msg)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "class", json_object_new_string("ERROR"));
	json_object_object_add(o, "v", json_object_new_int(HFD_PROTOCOL_VERSION));
	json_object_object_add(o, "message", json_object_new_string(msg));
	hfd_client_send_json(c, o);
	json_object_put(o);
}

static void handle_line(struct hfd_client *c, const char *line, size_t len)
{
	json_tokener *tok;
	json_object *req, *cls;
	char msg[160];

	if (len == 0)
		return; /* blank lines are allowed */
	tok = json_tokener_new();
	req = tok ? json_tokener_parse_ex(tok, line, (int)len) : NULL;
	if (req && json_tokener_get_parse_end(tok) != len)
		req = (json_object_put(req), NULL); /* trailing garbage */
	if (!req) {
		snprintf(msg, sizeof msg, "not JSON: %s", tok ?
			 json_tokener_error_desc(json_tokener_get_error(tok)) : "no memory");
		send_error(c, msg);
	} else if (!json_object_is_type(req, json_type_object) ||
		   !json_object_object_get_ex(req, "class", &cls) ||
		   !json_object_is_type(cls, json_type_string)) {
		send_error(c, "a request is a JSON object with a string \"class\"");
	} else if (c->srv->cb.request) {
		c->srv->cb.request(c->srv->user, c, json_object_get_string(cls), req);
	}
	json_object_put(req);
	if (tok)
		json_tokener_free(tok);
}

static void take_lines(struct hfd_client *c)
{
	size_t start = 0;

	for (size_t i = 0; i < c->in_len && !c->dead; i++) {
		if (c->in[i] != '\n')
			continue;
		size_t end = i > start && c->in[i - 1] == '\r' ? i - 1 : i;
		if (!c->skipping)
			handle_line(c, c->in + start, end - start);
		c->skipping = false;
		start = i + 1;
	}
	memmove(c->in, c->in + start, c->in_len - start);
	c->in_len -= start;
	if (c->in_len == sizeof c->in) {
		if (!c->skipping)
			send_error(c, "request too long");
		c->skipping = true;
		c->in_len = 0;
	}
}

static int on_client(sd_event_source *src, int fd, uint32_t revents, void *user)
{
	struct hfd_client *c = user;

	if (revents & EPOLLOUT)
		flush_out(c);
	if (c->dead || !(revents & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return 0;
	ssize_t n = recv(fd, c->in + c->in_len, sizeof c->in - c->in_len, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		kill_client(c, n == 0 ? "disconnected" : strerror(errno));
		return 0;
	}
	c->in_len += (size_t)n;
	take_lines(c);
	return 0;
}

/* ---- accepting ---- */

static struct hfd_client *new_client(struct hfd_server *s, int fd)
{
	struct hfd_client *c = calloc(1, sizeof *c);

	if (!c || !(c->out = malloc(HFD_CLIENT_OUT_BYTES))) {
		free(c);
		return NULL;
	}
	c->srv = s;
	c->fd = fd;
	c->id = ++s->next_id;
	if (sd_event_add_io(s->ev, &c->src, fd, EPOLLIN, on_client, c) < 0) {
		free(c->out);
		free(c);
		return NULL;
	}
	c->next = s->clients;
	s->clients = c;
	s->n_clients++;
	return c;
}

static int on_accept(sd_event_source *src, int fd, uint32_t revents, void *user)
{
	struct hfd_server *s = user;
	struct hfd_client *c;
	int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (cfd < 0) {
		if (errno != EAGAIN && errno != EINTR)
			hf_warn("accept: %s", strerror(errno));
		return 0;
	}
	if (s->n_clients >= s->max_clients) {
		hf_warn("client refused: already %d clients", s->n_clients);
		close(cfd);
		return 0;
	}
	c = new_client(s, cfd);
	if (!c) {
		hf_err_log("client refused: out of memory");
		close(cfd);
		return 0;
	}
	hf_info("client %u connected", c->id);
	if (s->cb.connected)
		s->cb.connected(s->user, c);
	return 0;
}

static void make_parent_dir(const char *path)
{
	char dir[108];
	char *slash;

	snprintf(dir, sizeof dir, "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = '\0';
	if (mkdir(dir, 0755) == 0)
		hf_info("created %s", dir);
}

static void set_group(const char *path, const char *group)
{
	struct group *g = group && *group ? getgrnam(group) : NULL;

	if (!g) {
		if (group && *group)
			hf_info("group %s does not exist: socket keeps its group", group);
		return;
	}
	if (chown(path, (uid_t)-1, g->gr_gid) != 0)
		hf_warn("cannot give %s to group %s: %s", path, group, strerror(errno));
}

static int listen_on(struct hfd_server *s, const char *path, const char *group)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	if (strlen(path) >= sizeof sa.sun_path) {
		hf_err_log("socket path too long: %s", path);
		return HF_ERR_ARG;
	}
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	snprintf(s->path, sizeof s->path, "%s", path);
	make_parent_dir(path);
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		return HF_ERR_SYS;
	unlink(path); /* a stale socket of an earlier run */
	if (bind(s->fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    chmod(path, 0660) != 0 || listen(s->fd, 64) != 0) {
		hf_err_log("cannot listen on %s: %s", path, strerror(errno));
		return HF_ERR_SYS;
	}
	set_group(path, group);
	return HF_OK;
}

int hfd_server_new(struct hfd_server **out, sd_event *ev, const char *path,
		   const char *group, int max_clients, const struct hfd_server_cb *cb,
		   void *user)
{
	struct hfd_server *s = calloc(1, sizeof *s);
	int r;

	*out = NULL;
	if (!s)
		return HF_ERR_NOMEM;
	s->ev = ev;
	s->fd = -1;
	s->cb = *cb;
	s->user = user;
	s->max_clients = max_clients;
	r = listen_on(s, path, group);
	if (r == HF_OK && (sd_event_add_io(ev, &s->listen_src, s->fd, EPOLLIN, on_accept, s) < 0 ||
			   sd_event_add_defer(ev, &s->reaper, on_reap, s) < 0))
		r = HF_ERR_NOMEM;
	if (r != HF_OK) {
		hfd_server_free(s);
		return r;
	}
	sd_event_source_set_enabled(s->reaper, SD_EVENT_OFF);
	hf_notice("listening on %s", path);
	*out = s;
	return HF_OK;
}

void hfd_server_free(struct hfd_server *s)
{
	if (!s)
		return;
	while (s->clients) {
		struct hfd_client *c = s->clients;
		s->clients = c->next;
		if (!c->dead && c->out_len)
			flush_out(c); /* last words, if the client takes them now */
		free_client(c);
	}
	sd_event_source_disable_unref(s->listen_src);
	sd_event_source_disable_unref(s->reaper);
	if (s->fd >= 0) {
		close(s->fd);
		unlink(s->path);
	}
	free(s);
}
