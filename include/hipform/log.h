/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One logging layer for the library, the daemon and the command.
 *
 * Levels follow syslog.  The level is checked before the message is
 * formatted, errno is preserved across a call.  By default messages go to
 * stderr as "hipform: <level>: message"; under systemd stderr lands in the
 * journal, and hf_log_set_journal_prefix() adds the "<N>" priority prefix
 * that journald understands (see sd-daemon(3)).
 */
#ifndef HIPFORM_LOG_H
#define HIPFORM_LOG_H

#include <stdarg.h>
#include <stdbool.h>

enum hf_log_level {
	HF_LOG_ERR = 3,
	HF_LOG_WARNING = 4,
	HF_LOG_NOTICE = 5,
	HF_LOG_INFO = 6,
	HF_LOG_DEBUG = 7,
};

/* Where a formatted message goes; the default writes to stderr. */
typedef void (*hf_log_sink)(enum hf_log_level level, const char *msg, void *user);

void hf_log_set_level(enum hf_log_level max_level);
enum hf_log_level hf_log_get_level(void);
/* Name used as prefix on stderr (default "hipform"). */
void hf_log_set_ident(const char *ident);
/* Write "<N>" syslog prefixes instead of the ident (for journald). */
void hf_log_set_journal_prefix(bool on);
void hf_log_set_sink(hf_log_sink sink, void *user);
/* Parse "err", "warning", "notice", "info", "debug"; -1 when unknown. */
int hf_log_level_from_name(const char *name);

void hf_log(enum hf_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void hf_logv(enum hf_log_level level, const char *fmt, va_list ap);

#define hf_err_log(...) hf_log(HF_LOG_ERR, __VA_ARGS__)
#define hf_warn(...) hf_log(HF_LOG_WARNING, __VA_ARGS__)
#define hf_notice(...) hf_log(HF_LOG_NOTICE, __VA_ARGS__)
#define hf_info(...) hf_log(HF_LOG_INFO, __VA_ARGS__)
#define hf_debug(...) hf_log(HF_LOG_DEBUG, __VA_ARGS__)

#endif
