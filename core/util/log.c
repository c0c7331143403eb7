/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one logging layer (include/hipform/log.h).  Level checked before
 * formatting; errno preserved; one write per message so lines from several
 * sources do not interleave.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "hipform/log.h"

static enum hf_log_level max_level = HF_LOG_NOTICE;
static const char *log_ident = "hipform";
static bool journal_prefix;
static hf_log_sink log_sink;
static void *log_sink_user;

static const char *const level_names[] = {
	[HF_LOG_ERR] = "err",   [HF_LOG_WARNING] = "warning",
	[HF_LOG_NOTICE] = "notice", [HF_LOG_INFO] = "info",
	[HF_LOG_DEBUG] = "debug",
};

void hf_log_set_level(enum hf_log_level level) { max_level = level; }
enum hf_log_level hf_log_get_level(void) { return max_level; }
void hf_log_set_ident(const char *ident) { log_ident = ident; }
void hf_log_set_journal_prefix(bool on) { journal_prefix = on; }

void hf_log_set_sink(hf_log_sink sink, void *user)
{
	log_sink = sink;
	log_sink_user = user;
}

int hf_log_level_from_name(const char *name)
{
	for (int l = HF_LOG_ERR; l <= HF_LOG_DEBUG; l++)
		if (strcasecmp(name, level_names[l]) == 0)
			return l;
	if (strcasecmp(name, "error") == 0)
		return HF_LOG_ERR;
	if (strcasecmp(name, "warn") == 0)
		return HF_LOG_WARNING;
	return -1;
}

void hf_logv(enum hf_log_level level, const char *fmt, va_list ap)
{
	char msg[1024];
	int saved_errno = errno;

	if (level > max_level)
		return;
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (log_sink)
		log_sink(level, msg, log_sink_user);
	else if (journal_prefix)
		fprintf(stderr, "<%d>%s\n", (int)level, msg);
	else
		fprintf(stderr, "%s: %s: %s\n", log_ident, level_names[level], msg);
	errno = saved_errno;
}

void hf_log(enum hf_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hf_logv(level, fmt, ap);
	va_end(ap);
}
