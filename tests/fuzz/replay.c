/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Replay driver for the fuzz targets (fuzz.h): runs every file named, or
 * found in the directories named, through LLVMFuzzerTestOneInput(), and
 * with --mutate N also N deterministic mutations of each (bit flips,
 * deletions, insertions of bytes that matter to the formats), so a build
 * without libFuzzer exercises more than the seeds.  Exit 0 when every
 * input ran (a broken rule aborts), 1 when none was found.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static long mutations;

static uint32_t next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void mutate(uint8_t *b, size_t *len, size_t cap, uint32_t *s)
{
	static const uint8_t bytes[] = {0x55, 0x51, 0x52, '\n', ',', '#', '\r', 0, '=', '[',
					']', '{', '}', '"', ':', '\\', '-', '9'};
	uint32_t k = next_rand(s);
	size_t at = *len ? next_rand(s) % *len : 0;

	switch (k % 4) {
	case 0: /* flip a bit */
		if (*len)
			b[at] ^= (uint8_t)(1u << (k >> 8) % 8);
		break;
	case 1: /* delete a run */
		if (*len) {
			size_t n = 1 + (k >> 8) % 16;
			n = n > *len - at ? *len - at : n;
			memmove(b + at, b + at + n, *len - at - n);
			*len -= n;
		}
		break;
	case 2: /* insert an interesting byte */
		if (*len < cap) {
			memmove(b + at + 1, b + at, *len - at);
			b[at] = bytes[(k >> 8) % sizeof bytes];
			(*len)++;
		}
		break;
	default: /* overwrite with a random byte */
		if (*len)
			b[at] = (uint8_t)(k >> 8);
		break;
	}
}

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf, *m;
	long size;
	size_t len, cap;
	uint32_t seed = 0x9e3779b9u;

	if (!f) {
		perror(path);
		return -1;
	}
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	len = size > 0 ? (size_t)size : 0;
	cap = len + 64;
	buf = malloc(cap);
	m = malloc(cap);
	if (!buf || !m || fread(buf, 1, len, f) != len) {
		fclose(f);
		free(buf);
		free(m);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	for (long i = 0; i < mutations; i++) {
		size_t mlen = len;
		memcpy(m, buf, len);
		for (uint32_t k = 0, n = 1 + next_rand(&seed) % 4; k < n; k++)
			mutate(m, &mlen, cap, &seed);
		LLVMFuzzerTestOneInput(m, mlen);
	}
	free(m);
	free(buf);
	return 0;
}

static int replay_path(const char *path, int *files)
{
	struct stat st;
	DIR *dir;
	struct dirent *e;
	int bad = 0;

	if (stat(path, &st) != 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*files)++;
		return replay_file(path);
	}
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((e = readdir(dir))) {
		char sub[4096];
		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
		bad |= replay_path(sub, files);
	}
	closedir(dir);
	return bad;
}

int main(int argc, char **argv)
{
	int files = 0, bad = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--mutate") == 0 && i + 1 < argc) {
			mutations = strtol(argv[++i], NULL, 10);
			continue;
		}
		bad |= replay_path(argv[i], &files);
	}
	printf("replayed %d inputs, %ld mutations each: %s\n", files, mutations,
	       bad ? "errors" : "ok");
	return bad || files == 0 ? 1 : 0;
}
