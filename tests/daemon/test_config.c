/* SPDX-License-Identifier: BSD-2-Clause */
/* hipformd configuration: defaults, the INI file, overrides, change log. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../daemon/config/config.h"
#include "hipform/error.h"

static char warnings[4096];

static void capture(enum hf_log_level level, const char *msg, void *user)
{
	strncat(warnings, msg, sizeof warnings - strlen(warnings) - 2);
	strcat(warnings, "\n");
}

static const char *write_file(const char *name, const char *text)
{
	static char path[512];
	const char *dir = getenv("TMPDIR");
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir ? dir : ".", name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void test_defaults(void **state)
{
	struct hfd_config c;

	hfd_config_default(&c);
	assert_string_equal(c.device, "auto");
	assert_int_equal(c.n_vid_pid, 3);
	assert_int_equal(c.vid_pid[0].vid, 0x1a86);
	assert_int_equal(c.vid_pid[0].pid, 0x7523);
	assert_int_equal(c.baud, 0);
	assert_false(c.setup);
	assert_string_equal(c.socket, "/run/hipform/hipformd.sock");
	assert_string_equal(c.state_dir, "/var/lib/hipform");
	assert_true(c.thresholds.hold_target_s == hf_thresholds_default.hold_target_s);
}

static void test_file(void **state)
{
	struct hfd_config c;
	const char *p = write_file("hfd_conf_ok.ini",
		"[device]\npath = /dev/ttyUSB3\nbaud = 230400\nvid_pid = 1234:abcd, 0403:6015\n"
		"setup = yes\nsetup_rate_hz = 200\nsetup_content = 0x0e\nusb_vid_pid = dead:beef\n"
		"[server]\nsocket = /tmp/x.sock\n"
		"[analysis]\nexercise = clam_shell\nside = left\nhold_target_s = 3.5\n"
		"colour = blue\n"
		"[log]\nlevel = debug\n");

	hfd_config_default(&c);
	warnings[0] = '\0';
	hf_log_set_sink(capture, NULL);
	assert_int_equal(hfd_config_load(&c, p), HF_OK);
	hf_log_set_sink(NULL, NULL);
	assert_string_equal(c.device, "/dev/ttyUSB3");
	assert_int_equal(c.baud, 230400);
	assert_int_equal(c.n_vid_pid, 2);
	assert_int_equal(c.vid_pid[1].vid, 0x0403);
	assert_int_equal(c.vid_pid[1].pid, 0x6015);
	assert_true(c.setup);
	assert_int_equal(c.setup_content, 0x0e);
	assert_int_equal(c.usb.vid, 0xdead);
	assert_int_equal(c.exercise, HF_EX_CLAM_SHELL);
	assert_int_equal(c.side, HF_SIDE_LEFT);
	assert_true(c.thresholds.hold_target_s == 3.5);
	assert_int_equal(c.log_level, HF_LOG_DEBUG);
	/* the unknown key is a warning that names file and line */
	assert_non_null(strstr(warnings, "colour"));
	assert_non_null(strstr(warnings, ":15:"));
	assert_non_null(strstr(warnings, p));
}

static void test_bad_value(void **state)
{
	struct hfd_config c;
	const char *p = write_file("hfd_conf_bad.ini",
		"[device]\nrate_hz = fast\nbaud = auto\n[analysis]\nshallow_deg = -3\n");

	hfd_config_default(&c);
	c.baud = 9600;
	hf_log_set_sink(capture, NULL);
	assert_int_equal(hfd_config_load(&c, p), HF_ERR_FORMAT);
	hf_log_set_sink(NULL, NULL);
	assert_true(c.rate_hz == 100.0);       /* kept */
	assert_int_equal(c.baud, 0);            /* the good line still applied */
	assert_true(c.thresholds.shallow_deg == hf_thresholds_default.shallow_deg);
}

static void test_overrides_and_changes(void **state)
{
	struct hfd_config a, b;

	hfd_config_default(&a);
	b = a;
	hf_log_set_sink(capture, NULL);
	assert_int_equal(hfd_config_set(&b, "device", "path", "/dev/pts/7"), HF_OK);
	assert_int_equal(hfd_config_set(&b, "analysis", "set_gap_s", "12"), HF_OK);
	assert_int_equal(hfd_config_set(&b, "analysis", "exercise", "squat"), HF_ERR_ARG);
	assert_int_equal(hfd_config_set(&b, "nope", "x", "1"), HF_ERR_ARG);
	warnings[0] = '\0';
	assert_int_equal(hfd_config_log_changes(&a, &b), 2);
	hf_log_set_sink(NULL, NULL);
	assert_non_null(strstr(warnings, "/dev/pts/7"));
	assert_non_null(strstr(warnings, "set_gap_s"));
	/* clam_shell without a side is refused */
	b.exercise = HF_EX_CLAM_SHELL;
	hf_log_set_sink(capture, NULL);
	assert_int_not_equal(hfd_config_check(&b), HF_OK);
	hf_log_set_sink(NULL, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_bad_value),
		cmocka_unit_test(test_overrides_and_changes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
