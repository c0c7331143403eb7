/* SPDX-License-Identifier: BSD-2-Clause */
#include "hipform/error.h"

const char *hf_strerror(int err)
{
	switch (err) {
	case HF_OK: return "success";
	case HF_ERR_ARG: return "invalid argument";
	case HF_ERR_SYS: return "system error";
	case HF_ERR_NOMEM: return "out of memory";
	case HF_ERR_NODEV: return "no such device";
	case HF_ERR_PROTO: return "protocol error";
	case HF_ERR_FORMAT: return "unrecognised input format";
	default: return "unknown error";
	}
}
