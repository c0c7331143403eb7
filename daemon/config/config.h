/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hipformd configuration: the INI file (/etc/hipform/hipformd.conf) and the
 * command line, merged into one struct hfd_config.  The key list with
 * defaults and meanings is at the top of config.c and in
 * docs/man/hipformd.conf.5.scd (the hipformd.conf(5) man page).
 */
#ifndef HIPFORMD_CONFIG_H
#define HIPFORMD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hipform/decoder.h"
#include "hipform/exercise.h"
#include "hipform/log.h"

#define HFD_PATH_MAX 256
#define HFD_MAX_VID_PID 16
#define HFD_DEFAULT_CONFIG "/etc/hipform/hipformd.conf"

struct hfd_vid_pid {
	uint16_t vid, pid;
};

struct hfd_config {
	/* [device] */
	char device[HFD_PATH_MAX];      /* path, or "auto" (VID:PID search) */
	enum hf_format format;          /* HF_FORMAT_UNKNOWN: sniff */
	double rate_hz;                 /* nominal sample rate */
	int baud;                       /* 0: hunt */
	struct hfd_vid_pid vid_pid[HFD_MAX_VID_PID];
	int n_vid_pid;
	bool setup;                     /* send WitMotion setup commands */
	double setup_rate_hz;           /* 0: leave the sensor's rate */
	int setup_content;              /* RSW register, -1: leave it */
	struct hfd_vid_pid usb;         /* bulk-endpoint source, 0:0 = off */
	int usb_interface;
	int usb_endpoint;               /* IN endpoint address, e.g. 0x81 */
	double retry_s;                 /* re-find a lost device this often */
	/* [server] */
	char socket[HFD_PATH_MAX];
	char group[64];
	int max_clients;
	/* [storage] */
	char state_dir[HFD_PATH_MAX];
	bool recordings;
	bool database;
	double resume_s;                /* reconnect within this: same session */
	double idle_end_s;              /* no data for this long: session ends */
	/* [analysis] */
	enum hf_exercise exercise;
	enum hf_side side;
	char calibration[HFD_PATH_MAX];
	char program[HFD_PATH_MAX];     /* contract section 12; "" none */
	bool session_accel;             /* fit the accelerometer per session */
	struct hf_thresholds thresholds;
	/* [log] */
	enum hf_log_level log_level;
	/* [mqtt] (daemon/mqtt/mqtt.h); host empty: MQTT off */
	char mqtt_host[HFD_PATH_MAX];   /* HOST or HOST:PORT */
	int mqtt_port;
	char mqtt_username[128];
	char mqtt_password[128];
	bool mqtt_tls;
	char mqtt_ca_file[HFD_PATH_MAX];
	char mqtt_ca_path[HFD_PATH_MAX];
	char mqtt_cert_file[HFD_PATH_MAX];
	char mqtt_key_file[HFD_PATH_MAX];
	bool mqtt_tls_insecure;         /* do not check the broker's name */
	char mqtt_topic_prefix[128];
	char mqtt_sensor_id[64];        /* empty: the host name */
	bool mqtt_discovery;            /* Home Assistant MQTT discovery */
	char mqtt_discovery_prefix[64];
	int mqtt_keepalive_s;
};

/* Built-in defaults (documented in config.c). */
void hfd_config_default(struct hfd_config *c);

/*
 * Read path into c (on top of what c holds).  Unknown sections or keys
 * are warnings naming file and line; a bad value is an error naming file
 * and line, and the key keeps its previous value.  Returns HF_OK,
 * HF_ERR_SYS when the file cannot be read (errno kept) or HF_ERR_FORMAT
 * when some value was invalid (every problem is logged).
 */
int hfd_config_load(struct hfd_config *c, const char *path);

/*
 * Set one key as the file would ("device", "path", "auto").  Used for
 * the command-line overrides.  HF_OK or HF_ERR_ARG (logged).
 */
int hfd_config_set(struct hfd_config *c, const char *section, const char *key,
		   const char *value);

/*
 * Log (at notice level) every key whose value differs between a and b,
 * as "key: old -> new".  Returns the number of differences.
 */
int hfd_config_log_changes(const struct hfd_config *a, const struct hfd_config *b);

/* Check combinations (a sided exercise needs a side ...).  Logs why. */
int hfd_config_check(const struct hfd_config *c);

/* Print the key list (for --help). */
void hfd_config_print_keys(void *file);

#endif
