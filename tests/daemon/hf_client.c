/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hf_client: a scriptable hipformd client for the tests.
 *
 *   hf_client --socket PATH [--send LINE]... [--until CLASS[:N]]
 *             [--timeout S] [--stall S]
 *
 * Connects, sends each LINE (a newline is added), then prints every line
 * received until N messages of CLASS arrived (exit 0), the server closed
 * the connection (exit 3) or the timeout passed (exit 4).
 * --stall S: after sending, do not read for S seconds, then read what is
 * left: prints "dropped" and exits 0 when the server closed the connection,
 * "alive" and exits 1 otherwise.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_SEND 16

struct opts {
	const char *socket;
	const char *send[MAX_SEND];
	int n_send;
	char until[32];
	int until_n;
	double timeout_s, stall_s;
	int repeat; /* send the last line this many times */
};

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	for (int i = 0; i < 100; i++) {
		if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0)
			return fd;
		usleep(50000);
	}
	perror(path);
	return -1;
}

static int send_line(int fd, const char *line)
{
	size_t n = strlen(line);

	return send(fd, line, n, MSG_NOSIGNAL) == (ssize_t)n &&
	       send(fd, "\n", 1, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

static bool is_class(const char *line, const char *cls)
{
	char pat[64];

	snprintf(pat, sizeof pat, "\"class\":\"%s\"", cls);
	return strstr(line, pat) != NULL;
}

/* 0 got them all, 3 closed, 4 timeout */
static int read_loop(int fd, const struct opts *o)
{
	static char buf[1 << 20];
	size_t len = 0;
	int seen = 0;
	double end = now_s() + o->timeout_s;

	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int ms = (int)((end - now_s()) * 1000);
		if (ms <= 0 || poll(&p, 1, ms) == 0)
			return 4;
		ssize_t n = recv(fd, buf + len, sizeof buf - len - 1, 0);
		if (n <= 0)
			return 3;
		len += (size_t)n;
		buf[len] = '\0';
		char *start = buf, *nl;
		while ((nl = strchr(start, '\n'))) {
			*nl = '\0';
			puts(start);
			if (o->until[0] && is_class(start, o->until) && ++seen >= o->until_n) {
				fflush(stdout);
				return 0;
			}
			start = nl + 1;
		}
		len -= (size_t)(start - buf);
		memmove(buf, start, len);
		fflush(stdout);
	}
}

static int stall(int fd, const struct opts *o)
{
	char buf[65536];
	ssize_t n;
	double end;

	usleep((useconds_t)(o->stall_s * 1e6));
	end = now_s() + 5.0;
	while (now_s() < end) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, 500) == 0)
			break;
		n = recv(fd, buf, sizeof buf, 0);
		if (n <= 0) {
			puts("dropped");
			return 0;
		}
	}
	puts("alive");
	return 1;
}

static int parse(int argc, char **argv, struct opts *o)
{
	for (int i = 1; i + 1 < argc; i += 2) {
		const char *a = argv[i], *v = argv[i + 1];
		if (!strcmp(a, "--socket")) o->socket = v;
		else if (!strcmp(a, "--send") && o->n_send < MAX_SEND) o->send[o->n_send++] = v;
		else if (!strcmp(a, "--timeout")) o->timeout_s = atof(v);
		else if (!strcmp(a, "--stall")) o->stall_s = atof(v);
		else if (!strcmp(a, "--repeat")) o->repeat = atoi(v);
		else if (!strcmp(a, "--until")) {
			const char *colon = strchr(v, ':');
			snprintf(o->until, sizeof o->until, "%.*s",
				 (int)(colon ? colon - v : (long)strlen(v)), v);
			o->until_n = colon ? atoi(colon + 1) : 1;
		} else return -1;
	}
	return o->socket && (argc % 2) == 1 ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct opts o = {.timeout_s = 30.0, .repeat = 1};
	int fd;

	if (parse(argc, argv, &o) != 0) {
		fprintf(stderr, "usage: hf_client --socket PATH [--send LINE]... [--repeat N] "
			"[--until CLASS[:N]] [--timeout S] [--stall S]\n");
		return 2;
	}
	fd = connect_to(o.socket);
	if (fd < 0)
		return 1;
	for (int i = 0; i < o.n_send; i++)
		for (int k = 0; k < (i == o.n_send - 1 ? o.repeat : 1); k++)
			if (send_line(fd, o.send[i]) != 0) {
				if (o.stall_s > 0) {
					puts("dropped");
					return 0;
				}
				perror("send");
				return 1;
			}
	if (o.stall_s > 0)
		return stall(fd, &o);
	return read_loop(fd, &o);
}
