/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Sessions: from sensor bytes to events, recording, history and clients.
 *
 *   bytes -> decoder -> raw sample (+ session time offset) -> rounded to
 *   its CSV text -> recording and analyser -> events -> clients, history
 *
 * A session starts when a sensor connects and no session is open.  When
 * the sensor vanishes, the open set is closed at once
 * (hf_analyzer_interrupt) and stored; if the sensor returns within
 * resume_s the same session goes on (same analyser, same recording, time
 * continuing from where it stopped plus the time away), otherwise the
 * session ends.  It also ends at SIGTERM and after idle_end_s of sample
 * time without analyser activity (the next sample then opens a new one).
 *
 * Every sample is written to the recording exactly as analysed (see
 * recording.c), so `hipform analyze` of the recording with the same
 * options repeats the live analysis (an interruption is the one thing the
 * offline analysis cannot know about; it is marked by a comment line).
 */
#include <errno.h>
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>

#include "default_program.h"
#include "daemon.h"
#include "hipform/error.h"
#include "hipform/kind.h"
#include "hipform/log.h"

static uint64_t mono_us(const struct hfd *d)
{
	uint64_t t = 0;

	sd_event_now(d->ev, CLOCK_MONOTONIC, &t);
	return t;
}

static void broadcast(struct hfd *d, json_object *o)
{
	hfd_server_broadcast_json(d->server, o);
	hfd_mqtt_event(d->mqtt, o); /* REP, SET, FAULT, SESSION */
	json_object_put(o);
}

/* ---- events from the analyser ---- */

static json_object *event_msg(struct hfd *d, const char *cls, const struct hf_event *ev)
{
	json_object *o = hfd_msg_new(cls);

	hfd_msg_add_session(o, d);
	json_object_object_add(o, "set", json_object_new_int(ev->set_index));
	if (ev->rep_index >= 0)
		json_object_object_add(o, "rep", json_object_new_int(ev->rep_index + 1));
	return o;
}

static void add_t(json_object *o, const char *key, double t_s)
{
	char buf[40];

	snprintf(buf, sizeof buf, "%.3f", t_s);
	json_object_object_add(o, key, json_object_new_double_s(t_s, buf));
}

/* As the contract's numbers: seconds to 3 decimals, degrees to 2. */
static void add_fault_value(json_object *o, enum hf_fault f, double v)
{
	bool seconds = f == HF_FAULT_SHORT_HOLD || f == HF_FAULT_RUSHED;
	char buf[40];

	snprintf(buf, sizeof buf, "%.*f", seconds ? 3 : 2, v);
	json_object_object_add(o, "value", json_object_new_double_s(v, buf));
}

static json_object *fault_msg(struct hfd *d, const struct hf_event *ev)
{
	json_object *o = event_msg(d, "FAULT", ev);
	struct hf_rep r = {.hold_s = ev->value, .excursion_deg = ev->value,
			   .max_abs_rotation_deg = ev->value, .rise_s = ev->value,
			   .lower_s = ev->value};
	char msg[256];

	if (ev->rep)
		r = *ev->rep;
	hf_fault_advice(msg, sizeof msg, ev->fault, &r, ev->rep_index + 1);
	add_t(o, "t_s", ev->t_s);
	json_object_object_add(o, "code", json_object_new_string(hf_fault_name(ev->fault)));
	add_fault_value(o, ev->fault, ev->value);
	json_object_object_add(o, "message", json_object_new_string(msg));
	return o;
}

/*
 * Store the sets of the session not yet in the history, in order.  A set
 * whose transaction fails (a full disk) stays pending and is tried again
 * every second and at the session end, so the history ends up with every
 * set the recording has once the disk takes writes again.
 */
static void store_pending_sets(struct hfd *d)
{
	struct hfd_session *s = &d->sess;
	int before = s->sets_stored;

	while (d->store && s->sets_stored < s->report.n_sets) {
		const struct hf_set_summary *set = &s->report.sets[s->sets_stored].sum;
		json_object *set_json = hf_json_set(set);
		int r = hfd_store_set(d->store, s->id, s->sets_stored, set, set_json);
		json_object_put(set_json);
		if (r != HF_OK) {
			if (!s->store_failing)
				hf_err_log("session %lld: set %d is not in the history yet; "
					   "trying again every second", (long long)s->id,
					   s->sets_stored);
			s->store_failing = true;
			return;
		}
		s->sets_stored++;
	}
	if (s->store_failing && s->sets_stored > before)
		hf_notice("session %lld: history written again (sets %d..%d stored late)",
			  (long long)s->id, before, s->sets_stored - 1);
	s->store_failing = false;
}

/* The program's name: its [program] name, else the file's name. */
static const char *program_name(const struct hfd *d)
{
	const char *slash = strrchr(d->cfg.program, '/');

	if (d->sess.program->name[0])
		return d->sess.program->name;
	return slash ? slash + 1 : d->cfg.program;
}

/* The session's compliance with its program into the history (issue 10):
 * after every set and at the end, from the same matcher as SUMMARY. */
static void store_program(struct hfd *d)
{
	const struct hfd_session *s = &d->sess;
	struct hfd_program_result res = {0};
	struct hf_compliance c;

	if (!d->store || !s->program)
		return;
	hf_program_comply(s->program, &s->report, &c);
	res.name = program_name(d);
	res.blocks = c.n_blocks;
	for (int k = 0; k < c.n_blocks; k++) {
		res.blocks_done += c.blocks[k].status == HF_BLOCK_DONE;
		res.blocks_partly += c.blocks[k].status == HF_BLOCK_PARTLY;
	}
	res.complete = c.n_blocks > 0 && res.blocks_done == c.n_blocks;
	res.compliance = hf_json_compliance(s->program, &s->report, &c);
	hfd_store_session_program(d->store, s->id, &res);
	json_object_put(res.compliance);
}

static void store_set(struct hfd *d, const struct hf_event *ev, json_object *set_json)
{
	json_object *doc, *input;

	if (!d->store)
		return;
	store_pending_sets(d);
	doc = hfd_session_json(d);
	if (doc && json_object_object_get_ex(doc, "input", &input))
		hfd_store_session_input(d->store, d->sess.id, input,
					d->sess.an_cfg.calib.has_mounting);
	json_object_put(doc);
	store_program(d);
}

static void on_set(struct hfd *d, const struct hf_event *ev)
{
	json_object *o = event_msg(d, "SET", ev);
	json_object *set_json = hf_json_set(ev->set);

	if (hf_report_add_set(&d->sess.report, ev->set) != HF_OK)
		hf_err_log("out of memory keeping set %d for the session summary", ev->set_index);
	hfd_recording_flush(&d->sess.rec);
	store_set(d, ev, set_json);
	hfd_msg_merge(o, set_json);
	add_t(o, "emitted_t_s", d->sess.last_t_s);
	hf_notice("session %lld set %d: %s, %d reps", (long long)d->sess.id, ev->set_index,
		  hf_exercise_info(ev->set->exercise) ? hf_exercise_info(ev->set->exercise)->name :
							 "?", ev->set->rep_count);
	broadcast(d, o);
	hfd_notify_status(d);
}

/* Recognition took back what it sent under a set index (docs/protocol.md). */
static json_object *dropped_msg(struct hfd *d, const struct hf_event *ev)
{
	json_object *o = event_msg(d, "SET_DROPPED", ev);
	const struct hf_exercise_info *e = hf_exercise_info(ev->set ? ev->set->exercise
								    : ev->exercise);

	json_object_object_add(o, "exercise", e ? json_object_new_string(e->name) : NULL);
	add_t(o, "t_s", ev->t_s);
	if (ev->set && !ev->set->hold && !ev->set->steps && !ev->set->passes && !ev->set->gait)
		json_object_object_add(o, "reps", json_object_new_int(ev->set->rep_count));
	hf_info("session %lld: the %s under set %d was no set after all", (long long)d->sess.id,
		e ? e->name : "movement", ev->set_index);
	return o;
}

static void on_event(const struct hf_event *ev, void *user)
{
	struct hfd *d = user;
	json_object *o = NULL;

	d->sess.last_activity_t_s = d->sess.last_t_s;
	switch (ev->type) {
	case HF_EVENT_REP_START:
		o = event_msg(d, "REP_START", ev);
		add_t(o, "t_s", ev->t_s);
		break;
	case HF_EVENT_HOLD_REACHED:
		o = event_msg(d, "HOLD", ev);
		add_t(o, "t_s", ev->t_s);
		json_object_object_add(o, "hold_s",
				       json_object_new_double(d->sess.an_cfg.thresholds.hold_target_s));
		break;
	case HF_EVENT_FAULT:
		o = fault_msg(d, ev);
		break;
	case HF_EVENT_HOLD_START:
		o = event_msg(d, "HOLD_START", ev);
		json_object_object_add(o, "exercise", json_object_new_string(
					       hf_exercise_info(ev->exercise)->name));
		add_t(o, "t_s", ev->t_s);
		add_t(o, "start_s", ev->value);
		json_object_object_add(o, "hold_target_s", json_object_new_double(
					       d->sess.an_cfg.thresholds.hold_short_s));
		break;
	case HF_EVENT_SET_DROPPED:
		o = dropped_msg(d, ev);
		break;
	case HF_EVENT_REP:
		o = event_msg(d, "REP", ev);
		hfd_msg_merge(o, hf_json_rep(ev->rep));
		add_t(o, "emitted_t_s", d->sess.last_t_s);
		break;
	case HF_EVENT_SET:
		on_set(d, ev);
		return;
	default:
		return;
	}
	broadcast(d, o);
}

/* ---- starting and ending ---- */

/*
 * A small text file (calibration, program) read whole, at most 64 KiB:
 * NULL with *why set when it cannot be read or is empty.
 */
static char *read_small_file(const char *path, const char **why)
{
	FILE *f = fopen(path, "re");
	char *text = f ? calloc(1, 65537) : NULL;
	size_t n = text ? fread(text, 1, 65536, f) : 0;

	*why = !f ? strerror(errno) : !text ? "out of memory" : "empty";
	if (f)
		fclose(f);
	if (n == 0) {
		free(text);
		return NULL;
	}
	return text;
}

static int load_calibration(struct hfd *d, struct hf_calib *c)
{
	char err[200];
	const char *why;
	char *text;

	hf_calib_identity(c);
	d->sess.calib_key = 0;
	if (!d->cfg.calibration[0])
		return HF_OK;
	text = read_small_file(d->cfg.calibration, &why);
	if (!text || hf_calib_parse(c, text, err, sizeof err) != HF_OK) {
		hf_err_log("calibration %s: %s", d->cfg.calibration, text ? err : why);
		hf_calib_identity(c);
		free(text);
		return HF_ERR_FORMAT;
	}
	d->sess.calib_key = hfd_text_key(text);
	free(text);
	return HF_OK;
}

/* [analysis] program: NULL when none or unreadable (logged). */
static struct hf_program *load_program(struct hfd *d)
{
	struct hf_program *p = NULL;
	char err[200];
	const char *why;
	char *text;

	if (!d->cfg.program[0])
		return NULL;
	if (strcmp(d->cfg.program, "default") == 0) {
		text = strdup(hf_default_program_text); /* the shipped program */
		why = "out of memory";
	} else {
		text = read_small_file(d->cfg.program, &why);
	}
	if (text && !(p = malloc(sizeof *p)))
		why = "out of memory";
	if (!p || hf_program_parse(p, text, err, sizeof err) != HF_OK) {
		hf_err_log("program %s: %s; sessions have no compliance", d->cfg.program,
			   p ? err : why);
		free(p);
		p = NULL;
	}
	free(text);
	return p;
}

/* Why hf_analyzer_new() refused cfg, in words for the log. */
static const char *no_analysis_reason(const struct hf_analyzer_config *cfg)
{
	const struct hf_exercise_info *e = hf_exercise_info(cfg->exercise);

	if (cfg->exercise == HF_EX_NONE)
		return "recognising exercises needs a calibration with [mounting]: "
		       "set [analysis] exercise or calibration";
	if (e && e->kind != HF_KIND_REPS && !hf_kind_ops_get(e->kind))
		return "this version cannot analyse this exercise's kind yet";
	return "out of memory";
}

static void start_analyzer(struct hfd *d)
{
	struct hfd_session *s = &d->sess;

	hf_analyzer_config_default(&s->an_cfg);
	load_calibration(d, &s->an_cfg.calib);
	hfd_accel_begin(d, &s->an_cfg.calib);
	s->an_cfg.exercise = d->cfg.exercise;
	s->an_cfg.side = d->cfg.side;
	s->an_cfg.thresholds = d->cfg.thresholds;
	free(s->program);
	s->program = load_program(d);
	if (s->program && hf_program_hold_target_s(s->program, s->an_cfg.exercise) > 0.0)
		s->an_cfg.thresholds.hold_short_s =
			hf_program_hold_target_s(s->program, s->an_cfg.exercise);
	s->an_cfg.rate_hz = d->cfg.rate_hz;
	s->an = hf_analyzer_new(&s->an_cfg, on_event, d);
	if (!s->an)
		hf_err_log("session %lld: no analysis (%s); the session is still recorded",
			   (long long)s->id, no_analysis_reason(&s->an_cfg));
}

static void open_recording(struct hfd *d)
{
	struct hfd_session *s = &d->sess;
	char dir[HFD_PATH_MAX + 16], iso[32], comment[400];

	if (!d->cfg.recordings)
		return;
	snprintf(dir, sizeof dir, "%s/recordings", d->cfg.state_dir);
	if (mkdir(dir, 0750) != 0 && errno != EEXIST)
		hf_err_log("cannot create %s: %s", dir, strerror(errno));
	snprintf(s->rec_path, sizeof s->rec_path, "%s/%lld.csv", dir, (long long)s->id);
	hfd_iso8601(s->start, iso, sizeof iso);
	snprintf(comment, sizeof comment, "hipform recording, session %lld, started %s, "
		 "sensor %s, %g Hz", (long long)s->id, iso, d->dev.path, d->cfg.rate_hz);
	if (hfd_recording_open(&s->rec, s->rec_path, comment) != HF_OK)
		s->rec_path[0] = '\0';
	else if (d->store)
		hfd_store_session_recording(d->store, s->id, s->rec_path);
}

static void session_begin(struct hfd *d)
{
	struct hfd_session *s = &d->sess;

	memset(s, 0, sizeof *s);
	s->open = true;
	s->start = time(NULL);
	s->id = (int64_t)s->start; /* without a database: the start time */
	if (d->store && hfd_store_session_begin(d->store, s->start, d->dev.path, &s->id) != HF_OK)
		s->id = (int64_t)s->start;
	hf_report_init(&s->report);
	open_recording(d);
	start_analyzer(d);
	store_program(d); /* nothing done yet: a crash before the first set leaves this */
	hf_notice("session %lld started (recording %s)", (long long)s->id,
		  s->rec_path[0] ? s->rec_path : "off");
	hfd_notify_status(d);
}

static void fill_input(const struct hfd *d, struct hf_input_info *in)
{
	const struct hf_decoder_stats *p = &d->sess.past;
	const struct hf_decoder_stats *c = &d->dec.stats;
	bool live = d->dev_connected;

	in->format = hf_format_name(d->dec.format);
	if (!in->format)
		in->format = hf_format_name(d->cfg.format);
	in->rate_hz = d->sess.an_cfg.rate_hz;
	in->samples = p->samples + (live ? c->samples : 0);
	in->bad_lines = p->bad_lines + (live ? c->bad_lines : 0);
	in->bad_packets = p->bad_packets + (live ? c->bad_packets : 0);
	in->gaps = p->gaps + (live ? c->gaps : 0);
}

json_object *hfd_session_json(struct hfd *d)
{
	const struct hfd_session *s = &d->sess;
	struct hf_input_info in;
	json_object *o, *doc;
	char iso[32];

	if (!s->open)
		return NULL;
	fill_input(d, &in);
	doc = hf_json_report(&in, s->an_cfg.calib.has_mounting, &s->report);
	o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_int64(s->id));
	hfd_iso8601(s->start, iso, sizeof iso);
	json_object_object_add(o, "start", json_object_new_string(iso));
	if (s->end)
		hfd_iso8601(s->end, iso, sizeof iso);
	json_object_object_add(o, "end", s->end ? json_object_new_string(iso) : NULL);
	json_object_object_add(o, "recording", s->rec_path[0] ?
			       json_object_new_string(s->rec_path) : NULL);
	if (s->program) {
		struct hf_compliance c;
		hf_program_comply(s->program, &s->report, &c);
		json_object_object_add(doc, "compliance",
				       hf_json_compliance(s->program, &s->report, &c));
	}
	hfd_msg_merge(o, doc);
	return o;
}

static void accumulate_stats(struct hfd *d)
{
	struct hf_decoder_stats *p = &d->sess.past;
	const struct hf_decoder_stats *c = &d->dec.stats;

	p->samples += c->samples;
	p->bad_lines += c->bad_lines;
	p->bad_packets += c->bad_packets;
	p->gaps += c->gaps;
	p->skipped_bytes += c->skipped_bytes;
	p->packets += c->packets;
	memset(&d->dec.stats, 0, sizeof d->dec.stats);
}

void hfd_session_end(struct hfd *d, const char *why)
{
	struct hfd_session *s = &d->sess;
	json_object *body, *msg;

	if (!s->open)
		return;
	if (s->an)
		hf_analyzer_finish(s->an); /* closes an open set: SET */
	s->end = time(NULL);
	body = hfd_session_json(d);
	store_pending_sets(d);
	if (s->store_failing)
		hf_err_log("session %lld: sets %d..%d could not be written to the history "
			   "(they are in the recording %s)", (long long)s->id, s->sets_stored,
			   s->report.n_sets - 1, s->rec_path[0] ? s->rec_path : "(none)");
	if (d->store) {
		json_object *input;
		if (json_object_object_get_ex(body, "input", &input))
			hfd_store_session_input(d->store, s->id, input, s->an_cfg.calib.has_mounting);
		store_program(d);
		hfd_store_session_end(d->store, s->id, s->end);
	}
	hfd_recording_close(&s->rec);
	hfd_accel_end(d);
	msg = hfd_msg_new("SESSION");
	hfd_msg_merge(msg, body);
	broadcast(d, msg);
	hf_notice("session %lld ended (%s): %d sets", (long long)s->id, why, s->report.n_sets);
	hf_analyzer_free(s->an);
	hf_report_free(&s->report);
	malloc_trim(0); /* the session's memory back to the system: RSS stays flat */
	free(s->program);
	s->program = NULL;
	s->an = NULL;
	s->open = false;
	sd_event_source_set_enabled(d->session_end_timer, SD_EVENT_OFF);
	hfd_notify_status(d);
}

/* ---- the sensor ---- */

static void resume(struct hfd *d)
{
	struct hfd_session *s = &d->sess;
	double away_s = s->disconnected_us ? (double)(mono_us(d) - s->disconnected_us) / 1e6 : 0.0;
	char text[120];

	/* the new connection's first sample comes after the time away */
	s->resume_pending = s->have_t;
	s->resume_t_s = s->last_t_s + away_s;
	s->disconnected_us = 0;
	snprintf(text, sizeof text, "sensor back after %.1f s; session resumes", away_s);
	hfd_recording_comment(&s->rec, text);
	hf_notice("session %lld: %s", (long long)s->id, text);
}

void hfd_session_on_connected(void *user, const struct hfd_sensor_info *info)
{
	struct hfd *d = user;
	json_object *o;

	d->dev = *info;
	d->dev_known = d->dev_connected = true;
	hf_decoder_init(&d->dec, d->cfg.format, d->cfg.rate_hz);
	sd_event_source_set_enabled(d->session_end_timer, SD_EVENT_OFF);
	if (d->sess.open)
		resume(d);
	else
		session_begin(d);
	o = hfd_msg_device(d);
	broadcast(d, o);
	hfd_notify_status(d);
}

static bool analyser_in_set(const struct hf_analyzer *an)
{
	struct hf_live live = {0};

	hf_analyzer_live(an, &live);
	return live.in_set;
}

void hfd_session_on_disconnected(void *user, const char *why)
{
	struct hfd *d = user;
	struct hfd_session *s = &d->sess;
	char text[160];

	d->dev_connected = false;
	if (s->open) {
		/* HF_CSV_BREAK_MARK: `hipform analyze` interrupts there too */
		snprintf(text, sizeof text, HF_CSV_BREAK_MARK " (%s) at t=%.3f s", why, s->last_t_s);
		hfd_recording_comment(&s->rec, text);
		/* closes an open set at once: SET.  Only then: between sets the
		 * analysis goes on (a candidate rep survives a short replug,
		 * issue 9 soak); `hipform analyze` of the recording does the
		 * same at the comment */
		if (s->an && analyser_in_set(s->an))
			hf_analyzer_interrupt(s->an);
		hfd_recording_flush(&s->rec);
		accumulate_stats(d);
		s->disconnected_us = mono_us(d);
		sd_event_source_set_time(d->session_end_timer,
					 mono_us(d) + (uint64_t)(d->cfg.resume_s * 1e6));
		sd_event_source_set_enabled(d->session_end_timer, SD_EVENT_ONESHOT);
	}
	broadcast(d, hfd_msg_device(d));
	hfd_notify_status(d);
}

static void feed_sample(struct hfd *d, struct hf_sample *smp)
{
	struct hfd_session *s = &d->sess;

	if (!s->open)
		session_begin(d);
	if (s->resume_pending) {
		s->t_offset_s = s->resume_t_s - smp->t_s;
		s->resume_pending = false;
	}
	smp->t_s += s->t_offset_s;
	hfd_recording_round(smp, smp);
	if (s->have_t && smp->t_s < s->last_t_s)
		return; /* never let time run backwards into the recording */
	if (!s->have_t)
		s->last_activity_t_s = smp->t_s;
	s->have_t = true;
	s->last_t_s = smp->t_s;
	hfd_recording_write(&s->rec, smp);
	hfd_accel_sample(s, smp);
	if (s->an)
		hf_analyzer_update(s->an, smp);
}

/* ---- undecodable bytes: one line, then a summary per window ---- */

static void summarise_bad_data(struct hfd *d, uint64_t now_us)
{
	struct hfd_bad_data *b = &d->bad_data;
	bool had = b->suppressed > 0;

	if (had)
		hf_err_log("sensor data: %lu more decoding errors in %.0f s (%llu bytes read "
			   "with them), the last: %s", b->suppressed,
			   (double)(now_us - b->window_start_us) / 1e6, b->bytes, b->last);
	b->suppressed = 0;
	b->bytes = 0;
	b->window_start_us = had ? now_us : 0; /* still noisy: a new window */
}

static void report_bad_data(struct hfd *d, const char *msg, size_t bytes)
{
	struct hfd_bad_data *b = &d->bad_data;
	uint64_t now = mono_us(d);

	if (b->window_start_us && now - b->window_start_us < HFD_BAD_DATA_WINDOW_S * 1000000ULL) {
		b->suppressed++;
		b->bytes += bytes;
		snprintf(b->last, sizeof b->last, "%s", msg);
		return;
	}
	summarise_bad_data(d, now);
	hf_err_log("sensor data: %s (more such errors in the next %d s are counted, "
		   "not logged one by one)", msg, HFD_BAD_DATA_WINDOW_S);
	b->window_start_us = now;
}

/* From the tick: close a window that has run its time. */
static void bad_data_tick(struct hfd *d)
{
	uint64_t now = mono_us(d);

	if (d->bad_data.window_start_us &&
	    now - d->bad_data.window_start_us >= HFD_BAD_DATA_WINDOW_S * 1000000ULL)
		summarise_bad_data(d, now);
}

void hfd_session_on_data(void *user, const uint8_t *buf, size_t len)
{
	struct hfd *d = user;
	size_t off = 0;

	while (off < len) {
		struct hf_sample smp;
		size_t used = 0;
		int r = hf_decoder_feed(&d->dec, buf + off, len - off, &used, &smp);
		off += used;
		if (r < 0) {
			report_bad_data(d, hf_decoder_error(&d->dec), len);
			hf_decoder_init(&d->dec, d->cfg.format, d->cfg.rate_hz);
			break;
		}
		if (r == 1)
			feed_sample(d, &smp);
		else if (used == 0)
			break;
	}
}

void hfd_session_tick(struct hfd *d)
{
	struct hfd_session *s = &d->sess;
	struct hf_live live = {0};

	bad_data_tick(d);
	if (!s->open)
		return;
	if (++d->ticks % 5 == 0) {
		hfd_recording_flush(&s->rec);
		if (s->store_failing)
			store_pending_sets(d);
	}
	if (!s->an || !d->dev_connected || !s->have_t)
		return;
	hf_analyzer_live(s->an, &live);
	if (!live.in_set && s->last_t_s - s->last_activity_t_s > d->cfg.idle_end_s)
		hfd_session_end(d, "idle");
}

/* ---- sessions a crash left open ---- */

/* t_s of the last complete sample line of a recording; false when none. */
static bool recording_last_t(const char *path, double *t_s)
{
	char buf[8192];
	FILE *f = path[0] ? fopen(path, "re") : NULL;
	long size;
	size_t n;
	bool found = false;

	if (!f)
		return false;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, size > (long)sizeof buf - 1 ? size - (long)(sizeof buf - 1) : 0, SEEK_SET);
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* complete lines only: each ends in a newline; the first may be cut */
	for (char *line = strchr(buf, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
		char *nl = strchr(line + 1, '\n'), *end;
		int commas = 0;
		if (!nl)
			break;
		for (char *p = line + 1; p < nl; p++)
			commas += *p == ',';
		double t = strtod(line + 1, &end);
		if (line[1] != '#' && commas == 6 && end > line + 1 && *end == ',') {
			*t_s = t;
			found = true;
		}
	}
	return found;
}

void hfd_session_close_crashed(struct hfd *d)
{
	struct hfd_unended open[16];
	char iso[32];
	int n;

	if (!d->store)
		return;
	while ((n = hfd_store_unended(d->store, open, 16)) > 0) {
		for (int i = 0; i < n; i++) {
			double t_s = 0.0;
			bool have = recording_last_t(open[i].recording, &t_s);
			time_t end = open[i].start + (have && t_s > 0 ? (time_t)ceil(t_s) : 0);
			if (open[i].start <= 0)
				end = time(NULL); /* an unreadable start: never leave it open */
			if (hfd_store_session_end(d->store, open[i].id, end) != HF_OK)
				return;
			hfd_iso8601(end, iso, sizeof iso);
			hf_warn("session %lld was left open (hipformd did not stop cleanly): "
				"ended at %s, %s", (long long)open[i].id, iso, have ?
				"the time of its recording's last sample" :
				"its start (no sample in its recording)");
			if (have)
				hf_info("session %lld: last recorded sample at t=%.3f s",
					(long long)open[i].id, t_s);
		}
	}
}
