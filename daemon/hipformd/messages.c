/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Protocol messages (docs/protocol.md): every message is a JSON object with
 * "class" and "v".  Contract bodies (rep, set, session) come from
 * include/hipform/report.h so they are the same as `hipform analyze --json`.
 */
#include <string.h>

#include "daemon.h"

#ifndef HF_VERSION
#define HF_VERSION "0.0.0"
#endif

json_object *hfd_msg_new(const char *cls)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "class", json_object_new_string(cls));
	json_object_object_add(o, "v", json_object_new_int(HFD_PROTOCOL_VERSION));
	return o;
}

void hfd_msg_merge(json_object *dst, json_object *src)
{
	json_object_object_foreach(src, key, val)
		json_object_object_add(dst, key, json_object_get(val));
	json_object_put(src);
}

void hfd_msg_add_session(json_object *o, const struct hfd *d)
{
	json_object_object_add(o, "session", d->sess.open ?
			       json_object_new_int64(d->sess.id) : NULL);
}

json_object *hfd_msg_version(void)
{
	json_object *o = hfd_msg_new("VERSION");

	json_object_object_add(o, "release", json_object_new_string(HF_VERSION));
	json_object_object_add(o, "contract", json_object_new_int(HF_CONTRACT_VERSION));
	return o;
}

json_object *hfd_msg_error(const char *message)
{
	json_object *o = hfd_msg_new("ERROR");

	json_object_object_add(o, "message", json_object_new_string(message));
	return o;
}

static json_object *vid_pid_json(const struct hfd_sensor_info *i)
{
	char buf[16];

	if (!i->has_vid_pid)
		return NULL;
	snprintf(buf, sizeof buf, "%04x:%04x", i->vid, i->pid);
	return json_object_new_string(buf);
}

json_object *hfd_msg_device(const struct hfd *d)
{
	json_object *o = hfd_msg_new("DEVICE");
	const char *proto = hf_format_name(d->dec.format);

	if (!proto)
		proto = hf_format_name(d->cfg.format);
	json_object_object_add(o, "path", json_object_new_string(
				       d->dev_known ? d->dev.path : d->cfg.device));
	json_object_object_add(o, "driver", d->dev_known ?
			       json_object_new_string(hfd_driver_name(d->dev.driver)) : NULL);
	json_object_object_add(o, "protocol", proto ? json_object_new_string(proto) : NULL);
	json_object_object_add(o, "rate_hz", json_object_new_double(d->cfg.rate_hz));
	json_object_object_add(o, "state", json_object_new_string(
				       d->dev_connected ? "connected" : "disconnected"));
	json_object_object_add(o, "vid_pid", d->dev_known ? vid_pid_json(&d->dev) : NULL);
	if (d->dev_known && d->dev.baud)
		json_object_object_add(o, "baud", json_object_new_int(d->dev.baud));
	return o;
}

static json_object *name_or_null(const char *name)
{
	return name ? json_object_new_string(name) : NULL;
}

static void add_rounded(json_object *o, const char *key, double v, int decimals)
{
	char buf[40];

	snprintf(buf, sizeof buf, "%.*f", decimals, v);
	json_object_object_add(o, key, json_object_new_double_s(v, buf));
}

json_object *hfd_msg_status(const struct hfd *d)
{
	json_object *o = hfd_msg_new("STATUS");
	struct hf_live live = {.posture = HF_POSTURE_UNKNOWN, .exercise = HF_EX_NONE};
	const struct hf_exercise_info *e;

	if (d->sess.an)
		hf_analyzer_live(d->sess.an, &live);
	e = hf_exercise_info(live.exercise);
	add_rounded(o, "t_s", live.t_s, 3);
	json_object_object_add(o, "device", json_object_new_string(
				       d->dev_connected ? "connected" : "disconnected"));
	hfd_msg_add_session(o, d);
	json_object_object_add(o, "posture", live.posture == HF_POSTURE_UNKNOWN ? NULL :
			       name_or_null(hf_posture_name(live.posture)));
	json_object_object_add(o, "still", json_object_new_boolean(live.still));
	json_object_object_add(o, "in_set", json_object_new_boolean(live.in_set));
	json_object_object_add(o, "exercise", e ? json_object_new_string(e->name) : NULL);
	json_object_object_add(o, "side", name_or_null(hf_side_name(live.side)));
	add_rounded(o, "tilt_deg", live.angles.tilt_deg, 2);
	add_rounded(o, "obliquity_deg", live.angles.obliquity_deg, 2);
	add_rounded(o, "rotation_deg", live.angles.rotation_deg, 2);
	add_rounded(o, "excursion_deg", live.excursion_deg, 2);
	add_rounded(o, "hold_s", live.hold_s, 2);
	add_rounded(o, "hold_target_s", live.hold_target_s > 0.0 ? live.hold_target_s
							      : d->cfg.thresholds.hold_target_s, 2);
	json_object_object_add(o, "rep_count", json_object_new_int(live.rep_count));
	json_object_object_add(o, "set_count", json_object_new_int(live.set_count));
	/* walking and running (contract section 11): steps of the current
	 * bout and the cadence over its last steps */
	json_object_object_add(o, "steps", json_object_new_int(live.steps));
	add_rounded(o, "cadence_spm", live.cadence_spm, 1);
	/* foam rolling (contract section 10): passes of the current set */
	json_object_object_add(o, "passes", json_object_new_int(live.passes));
	return o;
}
