/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz target for hipformd's configuration file (hfd_config_load): the
 * bytes are the file (an in-memory file, /proc/self/fd/N).  Rules checked:
 * whatever the file, every setting the daemon then uses is within its
 * documented range and every string is terminated; a file that loads
 * without error passes the same checks after hfd_config_check(); logging
 * the changes against the defaults (what a reload does) works.
 */
#include <math.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../daemon/config/config.h"
#include "fuzz.h"
#include "hipform/analyzer.h"
#include "hipform/error.h"
#include "hipform/log.h"

static void quiet(enum hf_log_level level, const char *msg, void *user)
{
	FUZZ_CHECK(msg != NULL);
	(void)level;
	(void)user;
}

static void check_string(const char *s, size_t size)
{
	FUZZ_CHECK(memchr(s, '\0', size) != NULL);
}

static void check_config(const struct hfd_config *c)
{
	check_string(c->device, sizeof c->device);
	check_string(c->socket, sizeof c->socket);
	check_string(c->group, sizeof c->group);
	check_string(c->state_dir, sizeof c->state_dir);
	check_string(c->calibration, sizeof c->calibration);
	FUZZ_CHECK(c->rate_hz >= HF_RATE_MIN_HZ && c->rate_hz <= 2000.0); /* analysable */
	FUZZ_CHECK(c->baud == 0 || (c->baud >= 50 && c->baud <= 4000000));
	FUZZ_CHECK(c->n_vid_pid >= 0 && c->n_vid_pid <= HFD_MAX_VID_PID);
	FUZZ_CHECK(c->setup_rate_hz >= 0.0 && c->setup_rate_hz <= 200.0);
	FUZZ_CHECK(c->setup_content >= -1 && c->setup_content <= 0xffff);
	FUZZ_CHECK(c->usb_interface >= 0 && c->usb_interface <= 255);
	FUZZ_CHECK(c->usb_endpoint >= 0x81 && c->usb_endpoint <= 0x8f);
	FUZZ_CHECK(c->retry_s >= 0.1 && c->retry_s <= 3600.0);
	FUZZ_CHECK(c->max_clients >= 1 && c->max_clients <= 1024);
	FUZZ_CHECK(c->resume_s >= 0.0 && c->resume_s <= 86400.0);
	FUZZ_CHECK(c->idle_end_s >= 1.0 && c->idle_end_s <= 7 * 86400.0);
	FUZZ_CHECK(hf_exercise_info(c->exercise) || c->exercise == HF_EX_NONE);
	FUZZ_CHECK(c->log_level >= HF_LOG_ERR && c->log_level <= HF_LOG_DEBUG);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	struct hfd_config def, c;
	int r;

	if (fd < 0) {
		hf_log_set_sink(quiet, NULL);
		hf_log_set_level(HF_LOG_DEBUG); /* format every message */
		fd = memfd_create("hipformd.conf", MFD_CLOEXEC);
		FUZZ_CHECK(fd >= 0);
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	FUZZ_CHECK(ftruncate(fd, 0) == 0);
	FUZZ_CHECK(pwrite(fd, data, size, 0) == (ssize_t)size);
	hfd_config_default(&def);
	c = def;
	r = hfd_config_load(&c, path);
	FUZZ_CHECK(r == HF_OK || r == HF_ERR_FORMAT);
	check_config(&c);
	if (r == HF_OK && hfd_config_check(&c) == HF_OK)
		check_config(&c);
	(void)hfd_config_log_changes(&def, &c);
	return 0;
}
