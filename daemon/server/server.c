/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The client socket.
 *
 * The problem: many clients (a watch in a terminal, a status bar, a
 * script) share one single-threaded daemon that must never block on any
 * of them.  So every client fd is non-blocking; a message is written at
 * once when the client's buffer is empty and the rest is queued in a
 * bounded buffer (HFD_CLIENT_OUT_BYTES; it starts small and shrinks back
 * when drained, so idle clients cost little) that EPOLLOUT drains, armed
 * only while something is pending.  A client whose buffer would overflow has
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
	uint64_t last_request_us; /* CLOCK_MONOTONIC of its last request */
	char in[HFD_REQUEST_MAX];
	size_t in_len;
	char *out;                /* out_cap bytes: small, grown as needed (up to
				     HFD_CLIENT_OUT_BYTES, more for a long reply) */
	size_t out_start, out_len, out_cap;
	uint64_t queued, sent;    /* bytes queued and sent since connect */
	uint64_t reply_end;       /* `queued` at the end of the last reply */
	uint64_t sent_at_check;   /* `sent` at the last stall check */
};

struct hfd_server {
	sd_event *ev;
	int fd;
	char path[108];
	sd_event_source *listen_src, *reaper;
	struct hfd_client *clients;
	int n_clients, max_clients;
	unsigned next_id;
	bool bound;               /* path is our socket: remove it on exit */
	sd_event_source *stall_timer;
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

/* Bytes of the last reply not yet sent (a reply may exceed the buffer). */
static size_t reply_left(const struct hfd_client *c)
{
	return c->reply_end > c->sent ? (size_t)(c->reply_end - c->sent) : 0;
}

/* Back to the small buffer once everything has gone out. */
static void shrink_out(struct hfd_client *c)
{
	char *p;

	if (c->out_len > 0 || c->out_cap <= HFD_CLIENT_OUT_INITIAL)
		return;
	p = realloc(c->out, HFD_CLIENT_OUT_INITIAL);
	if (p) {
		c->out = p;
		c->out_cap = HFD_CLIENT_OUT_INITIAL;
	}
}

/* Readable while no long reply is pending: a client gets its reply before
 * the daemon reads its next request, so it cannot pile replies up. */
static void arm(struct hfd_client *c)
{
	uint32_t ev = c->out_len ? EPOLLOUT : 0;

	if (reply_left(c) <= HFD_CLIENT_OUT_BYTES)
		ev |= EPOLLIN;
	sd_event_source_set_io_events(c->src, ev);
}

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
		c->sent += (uint64_t)n;
	}
	if (c->out_len == 0)
		c->out_start = 0;
	shrink_out(c);
	arm(c);
}

/* Room for len more bytes at the end: compact, grow up to cap_max. */
static bool make_room(struct hfd_client *c, size_t len, size_t cap_max)
{
	size_t need = c->out_len + len;
	char *p;

	if (need > cap_max)
		return false;
	if (c->out_start + need > c->out_cap) {
		memmove(c->out, c->out + c->out_start, c->out_len);
		c->out_start = 0;
	}
	if (need <= c->out_cap)
		return true;
	if (need < 2 * c->out_cap)
		need = 2 * c->out_cap < cap_max ? 2 * c->out_cap : cap_max;
	p = realloc(c->out, need);
	if (!p)
		return false;
	c->out = p;
	c->out_cap = need;
	return true;
}

static void queue(struct hfd_client *c, const char *line, size_t len)
{
	memcpy(c->out + c->out_start + c->out_len, line, len);
	c->out[c->out_start + c->out_len + len] = '\n';
	c->out_len += len + 1;
	c->queued += len + 1;
}

void hfd_client_send(struct hfd_client *c, const char *line, size_t len)
{
	if (c->dead)
		return;
	/* what is queued beyond a pending reply must fit the normal buffer */
	if (c->out_len - reply_left(c) + len + 1 > HFD_CLIENT_OUT_BYTES ||
	    !make_room(c, len + 1, reply_left(c) + HFD_CLIENT_OUT_BYTES)) {
		kill_client(c, "not reading (output buffer full)");
		return;
	}
	queue(c, line, len);
	flush_out(c);
}

void hfd_client_reply(struct hfd_client *c, const char *line, size_t len)
{
	if (c->dead)
		return;
	if (!make_room(c, len + 1, (size_t)HFD_REPLY_MAX_BYTES + HFD_CLIENT_OUT_BYTES)) {
		kill_client(c, len + 1 > HFD_REPLY_MAX_BYTES ? "reply too long" :
			    "out of memory for its reply");
		return;
	}
	queue(c, line, len);
	c->reply_end = c->queued;
	flush_out(c);
}

void hfd_client_reply_json(struct hfd_client *c, json_object *o)
{
	size_t len;
	const char *s = hfd_json_line(o, &len);

	hfd_client_reply(c, s, len);
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
		sd_event_now(c->srv->ev, CLOCK_MONOTONIC, &c->last_request_us);
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
		if (reply_left(c) > HFD_CLIENT_OUT_BYTES)
			break; /* the rest after this long reply has gone out */
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
	if (c->in_len == sizeof c->in && !memchr(c->in, '\n', c->in_len)) {
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
	if (!c->dead && c->in_len && reply_left(c) <= HFD_CLIENT_OUT_BYTES)
		take_lines(c); /* requests held back behind a long reply */
	if (c->dead || !(revents & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return 0;
	if (c->in_len == sizeof c->in)
		return 0; /* requests wait behind a long reply; EPOLLIN is off */
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

	if (!c || !(c->out = malloc(HFD_CLIENT_OUT_INITIAL))) {
		free(c);
		return NULL;
	}
	c->out_cap = HFD_CLIENT_OUT_INITIAL;
	sd_event_now(s->ev, CLOCK_MONOTONIC, &c->last_request_us);
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

/* Clients already dropped but not yet reaped. */
static int dying_clients(const struct hfd_server *s)
{
	int n = 0;

	for (const struct hfd_client *c = s->clients; c; c = c->next)
		n += c->dead;
	return n;
}

static struct hfd_client *longest_idle(struct hfd_server *s, bool watching,
				       uint64_t idle_before_us)
{
	struct hfd_client *oldest = NULL;

	for (struct hfd_client *c = s->clients; c; c = c->next)
		if (c->watch == watching && !c->dead && c->out_len == 0 &&
		    c->last_request_us <= idle_before_us &&
		    (!oldest || c->last_request_us < oldest->last_request_us))
			oldest = c;
	return oldest;
}

/*
 * All slots taken: the watcher that has asked nothing for the longest
 * time gives its slot to the new client (it is told why).  Without one,
 * a connection that neither watches nor has asked anything for
 * HFD_IDLE_CLIENT_S does.  A client waiting for a reply keeps its slot.
 */
static bool drop_idle_watcher(struct hfd_server *s)
{
	struct hfd_client *oldest;
	uint64_t now = 0;
	char msg[160];

	sd_event_now(s->ev, CLOCK_MONOTONIC, &now);
	oldest = longest_idle(s, true, UINT64_MAX);
	if (!oldest && now > HFD_IDLE_CLIENT_S * 1000000ULL)
		oldest = longest_idle(s, false, now - HFD_IDLE_CLIENT_S * 1000000ULL);
	if (!oldest)
		return false;
	snprintf(msg, sizeof msg, "dropped: all %d client slots are taken and a new client "
		 "needs one (this was the longest idle %s)", s->max_clients,
		 oldest->watch ? "watcher" : "connection");
	send_error(oldest, msg);
	hf_warn("client %u dropped to make room for a new client (max_clients %d reached)",
		oldest->id, s->max_clients);
	kill_client(oldest, "longest idle client, made room for a new client");
	return true;
}

/* No slot: tell the client in one line, then close. */
static void refuse(struct hfd_server *s, int cfd)
{
	char line[200];
	int n = snprintf(line, sizeof line, "{\"class\":\"ERROR\",\"v\":%d,\"message\":"
			 "\"too many clients: all %d slots are busy with requests\"}\n",
			 HFD_PROTOCOL_VERSION, s->max_clients);

	hf_warn("client refused: already %d clients, none of them idle", s->n_clients);
	if (send(cfd, line, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		hf_debug("refused client: %s", strerror(errno));
	close(cfd);
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
	if (s->n_clients - dying_clients(s) >= s->max_clients && !drop_idle_watcher(s)) {
		refuse(s, cfd);
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

/*
 * Make way for our socket at path: nothing there is fine; a socket nobody
 * listens on (left by a crash) is removed; a live socket means another
 * daemon serves it, and anything else is not ours to delete: both errors.
 */
static int clear_path(const char *path, const struct sockaddr_un *sa)
{
	struct stat st;
	int fd, r;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? HF_OK : (hf_err_log("cannot use %s: %s", path,
							     strerror(errno)), HF_ERR_SYS);
	if (!S_ISSOCK(st.st_mode)) {
		hf_err_log("%s exists and is not a socket: not removing it (choose another "
			   "socket path or move the file away)", path);
		return HF_ERR_SYS;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return HF_ERR_SYS;
	r = connect(fd, (const struct sockaddr *)sa, sizeof *sa);
	close(fd);
	if (r == 0 || errno == EAGAIN) {
		hf_err_log("another hipformd is already listening on %s (stop it first, or "
			   "give this one another socket path)", path);
		return HF_ERR_SYS;
	}
	if (errno != ECONNREFUSED) {
		hf_err_log("cannot check the socket %s: %s", path, strerror(errno));
		return HF_ERR_SYS;
	}
	if (unlink(path) != 0 && errno != ENOENT) {
		hf_err_log("cannot remove the stale socket %s: %s", path, strerror(errno));
		return HF_ERR_SYS;
	}
	hf_info("removed the stale socket %s of an earlier run", path);
	return HF_OK;
}

/* A client that has read nothing of a long reply for a whole check
 * period has stopped reading: drop it rather than hold its reply. */
static int on_stall_check(sd_event_source *src, uint64_t usec, void *user)
{
	struct hfd_server *s = user;

	sd_event_source_set_time(src, usec + HFD_REPLY_STALL_S * 1000000ULL);
	for (struct hfd_client *c = s->clients; c; c = c->next) {
		if (!c->dead && reply_left(c) > HFD_CLIENT_OUT_BYTES &&
		    c->sent == c->sent_at_check)
			kill_client(c, "not reading its reply");
		c->sent_at_check = c->sent;
	}
	return 0;
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
	if (clear_path(path, &sa) != HF_OK)
		return HF_ERR_SYS;
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		return HF_ERR_SYS;
	if (bind(s->fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		hf_err_log("cannot listen on %s: %s", path, strerror(errno));
		return HF_ERR_SYS;
	}
	s->bound = true;
	if (chmod(path, 0660) != 0 || listen(s->fd, 64) != 0) {
		hf_err_log("cannot listen on %s: %s", path, strerror(errno));
		return HF_ERR_SYS;
	}
	set_group(path, group);
	return HF_OK;
}

static int add_stall_timer(struct hfd_server *s)
{
	uint64_t now = 0;

	sd_event_now(s->ev, CLOCK_MONOTONIC, &now);
	return sd_event_add_time(s->ev, &s->stall_timer, CLOCK_MONOTONIC,
				 now + HFD_REPLY_STALL_S * 1000000ULL, 1000000, on_stall_check, s) < 0 ?
	       -1 : sd_event_source_set_enabled(s->stall_timer, SD_EVENT_ON);
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
			   sd_event_add_defer(ev, &s->reaper, on_reap, s) < 0 ||
			   add_stall_timer(s) < 0))
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
	sd_event_source_disable_unref(s->stall_timer);
	if (s->fd >= 0)
		close(s->fd);
	if (s->bound)
		unlink(s->path);
	free(s);
}
