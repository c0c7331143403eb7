/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hipform error codes: a small written contract.
 *
 * Every function of libhipform that can fail returns an int that is either
 * HF_OK (0) or one of the negative codes below.  hf_strerror() gives a short
 * English phrase for each.
 */
#ifndef HIPFORM_ERROR_H
#define HIPFORM_ERROR_H

enum hf_err {
	HF_OK = 0,          /* success */
	HF_ERR_ARG = -1,    /* the caller passed an invalid argument (a bug) */
	HF_ERR_SYS = -2,    /* a system call failed; errno is kept */
	HF_ERR_NOMEM = -3,  /* memory could not be allocated */
	HF_ERR_NODEV = -4,  /* the device is not there (unplugged, not found) */
	HF_ERR_PROTO = -5,  /* the peer broke the protocol */
	HF_ERR_FORMAT = -6, /* the input is not in a format we understand */
};

/* A static string describing err; never NULL. */
const char *hf_strerror(int err);

#endif
