/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Spoken cues (speak.h): a bounded queue in front of a speech thread that
 * owns espeak-ng, and the rules of what to say for which hipformd message.
 *
 * espeak-ng is initialised by hf_speaker_new() and used only by the speech
 * thread afterwards (its API is not thread-safe).  Playing goes through
 * pcaudiolib (PulseAudio/PipeWire, else ALSA), synchronously, so the
 * thread says one utterance after the other; the watch loop only ever
 * takes the queue's mutex for a copy.
 */
#include <errno.h>
#include <fcntl.h>
#include <espeak-ng/espeak_ng.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hipform/exercise.h"
#include "options.h"
#include "speak.h"

#define QUEUE_N 16
#define TEXT_MAX 80
#define DRAIN_MAX_S 10.0     /* at exit, say what is queued for at most this long */
#define SAME_T_S 0.0005      /* a message sent again carries the same time */
#define SAME_REP_S 0.1      /* peaks closer than this are one rep */
#define REP_SLACK_S 0.5      /* a live fault belongs to a rep ending this soon after */

struct hf_speaker {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	char queue[QUEUE_N][TEXT_MAX];
	int head, count;
	bool stop, failed;
	FILE *wav;               /* test mode */
	uint32_t wav_bytes;
	int rate_hz;
};

/* ---- the WAV file (test mode) ---- */

static void put_le(FILE *f, uint32_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		fputc((int)((v >> (8 * i)) & 0xff), f);
}

static void wav_header(struct hf_speaker *s)
{
	rewind(s->wav);
	fputs("RIFF", s->wav);
	put_le(s->wav, 36 + s->wav_bytes, 4);
	fputs("WAVEfmt ", s->wav);
	put_le(s->wav, 16, 4);
	put_le(s->wav, 1, 2);                       /* PCM */
	put_le(s->wav, 1, 2);                       /* mono */
	put_le(s->wav, (uint32_t)s->rate_hz, 4);
	put_le(s->wav, (uint32_t)s->rate_hz * 2, 4);
	put_le(s->wav, 2, 2);
	put_le(s->wav, 16, 2);
	fputs("data", s->wav);
	put_le(s->wav, s->wav_bytes, 4);
	fseek(s->wav, 0, SEEK_END);
}

static void wav_samples(struct hf_speaker *s, const short *pcm, int n)
{
	for (int i = 0; i < n; i++)
		put_le(s->wav, (uint16_t)pcm[i], 2);
	s->wav_bytes += 2u * (uint32_t)n;
}

static void wav_silence(struct hf_speaker *s, double seconds)
{
	static const short zero[256];
	long n = lround(seconds * s->rate_hz);

	for (; n > 0; n -= 256)
		wav_samples(s, zero, n > 256 ? 256 : (int)n);
}

static struct hf_speaker *synth_target; /* espeak's callback has no user pointer for us */

static int on_synth(short *pcm, int n, espeak_EVENT *events)
{
	(void)events;
	if (pcm && n > 0 && synth_target && synth_target->wav)
		wav_samples(synth_target, pcm, n);
	return 0;
}

/* ---- the speech thread ---- */

static void say_now(struct hf_speaker *s, const char *text)
{
	espeak_ng_STATUS st;

	st = espeak_ng_Synthesize(text, strlen(text) + 1, 0, POS_CHARACTER, 0,
				  espeakCHARS_UTF8, NULL, NULL);
	if (st == ENS_OK)
		st = espeak_ng_Synchronize();
	if (st != ENS_OK && !s->failed) {
		char msg[160];

		espeak_ng_GetStatusCodeMessage(st, msg, sizeof msg);
		fprintf(stderr, "hipform: warning: speech failed (%s); going on without it\n", msg);
		s->failed = true;
	}
	if (s->wav)
		wav_silence(s, HF_SPEAK_GAP_S);
}

static void *speech_thread(void *arg)
{
	struct hf_speaker *s = arg;
	char text[TEXT_MAX];

	pthread_mutex_lock(&s->lock);
	for (;;) {
		while (s->count == 0 && !s->stop)
			pthread_cond_wait(&s->cond, &s->lock);
		if (s->count == 0)
			break;
		memcpy(text, s->queue[s->head], TEXT_MAX);
		s->head = (s->head + 1) % QUEUE_N;
		s->count--;
		pthread_mutex_unlock(&s->lock);
		if (!s->failed)
			say_now(s, text);
		pthread_mutex_lock(&s->lock);
		pthread_cond_broadcast(&s->cond);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* ---- the speaker ---- */

static const char *status_text(espeak_ng_STATUS st, char *buf, size_t len)
{
	espeak_ng_GetStatusCodeMessage(st, buf, len);
	return buf;
}

/*
 * Can espeak-ng play?  It opens the sound server or device when it starts
 * to speak, and when that fails ALSA and espeak-ng print several lines on
 * stderr: try once with stderr pointed at /dev/null (before any other
 * thread exists), so a missing sound server is one line of ours.
 */
static int stderr_off(void)
{
	int saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY | O_CLOEXEC);

	fflush(stderr);
	if (saved >= 0 && null >= 0)
		dup2(null, STDERR_FILENO);
	if (null >= 0)
		close(null);
	return saved;
}

static void stderr_on(int saved)
{
	fflush(stderr);
	if (saved >= 0) {
		dup2(saved, STDERR_FILENO);
		close(saved);
	}
}

static espeak_ng_STATUS probe_audio(void)
{
	int saved = stderr_off();
	espeak_ng_STATUS st;

	st = espeak_ng_Synthesize(" ", 2, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, NULL);
	if (st == ENS_OK)
		st = espeak_ng_Synchronize();
	if (st != ENS_OK)
		espeak_ng_Terminate();
	stderr_on(saved);
	return st;
}

static int init_espeak(const char *voice, const char *wav_path, bool *bad_voice)
{
	espeak_ng_STATUS st;
	char msg[160];

	espeak_ng_InitializePath(NULL);
	if ((st = espeak_ng_Initialize(NULL)) != ENS_OK) {
		fprintf(stderr, "hipform: warning: no speech (espeak-ng: %s); watching without it\n",
			status_text(st, msg, sizeof msg));
		return -1;
	}
	st = espeak_ng_InitializeOutput(wav_path ? ENOUTPUT_MODE_SYNCHRONOUS :
					ENOUTPUT_MODE_SYNCHRONOUS | ENOUTPUT_MODE_SPEAK_AUDIO, 0, NULL);
	if (st != ENS_OK) {
		fprintf(stderr, "hipform: warning: no sound output (%s: is a sound server running?); watching without speech\n",
			status_text(st, msg, sizeof msg));
		espeak_ng_Terminate();
		return -1;
	}
	if ((st = espeak_ng_SetVoiceByName(voice ? voice : "en")) != ENS_OK) {
		hf_cli_error("--voice: espeak-ng has no voice '%s' (espeak-ng --voices lists them)",
			     voice ? voice : "en");
		*bad_voice = true;
		espeak_ng_Terminate();
		return -1;
	}
	if (!wav_path && (st = probe_audio()) != ENS_OK) {
		fprintf(stderr, "hipform: warning: no sound output (%s: is a sound server running?); watching without speech\n",
			status_text(st, msg, sizeof msg));
		return -1;
	}
	return 0;
}

struct hf_speaker *hf_speaker_new(const char *voice, const char *wav_path, bool *bad_voice)
{
	struct hf_speaker *s;

	*bad_voice = false;
	if (init_espeak(voice, wav_path, bad_voice) < 0)
		return NULL;
	s = calloc(1, sizeof *s);
	if (!s)
		goto fail;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	s->rate_hz = espeak_ng_GetSampleRate();
	if (wav_path) {
		s->wav = fopen(wav_path, "wb");
		if (!s->wav) {
			hf_cli_error("--speak-wav: cannot write %s: %s", wav_path, strerror(errno));
			goto fail;
		}
		wav_header(s);
		synth_target = s;
		espeak_SetSynthCallback(on_synth);
	}
	if (pthread_create(&s->thread, NULL, speech_thread, s) != 0) {
		hf_cli_error("cannot start the speech thread");
		goto fail;
	}
	return s;
fail:
	if (s && s->wav)
		fclose(s->wav);
	free(s);
	espeak_ng_Terminate();
	return NULL;
}

bool hf_speaker_say(struct hf_speaker *s, const char *text)
{
	bool ok = false;

	pthread_mutex_lock(&s->lock);
	if (s->count < QUEUE_N) {
		snprintf(s->queue[(s->head + s->count) % QUEUE_N], TEXT_MAX, "%s", text);
		s->count++;
		ok = true;
		pthread_cond_signal(&s->cond);
	}
	pthread_mutex_unlock(&s->lock);
	return ok;
}

void hf_speaker_free(struct hf_speaker *s)
{
	struct timespec until;

	if (!s)
		return;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += (time_t)DRAIN_MAX_S;
	pthread_mutex_lock(&s->lock);
	while (s->count > 0 && pthread_cond_timedwait(&s->cond, &s->lock, &until) == 0)
		;
	s->count = 0;  /* what could not be said in time is dropped */
	s->stop = true;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	espeak_ng_Terminate();
	if (s->wav) {
		wav_header(s);
		if (fclose(s->wav) != 0)
			fprintf(stderr, "hipform: warning: --speak-wav: writing failed: %s\n", strerror(errno));
	}
	synth_target = NULL;
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->cond);
	free(s);
}

bool hf_speak_mode_parse(const char *arg, enum hf_speak_mode *mode)
{
	if (!arg || strcmp(arg, "all") == 0)
		*mode = HF_SPEAK_ALL;
	else if (strcmp(arg, "faults") == 0)
		*mode = HF_SPEAK_FAULTS;
	else
		return false;
	return true;
}

/* ---- what to say ---- */

static const char *const fault_cue[HF_FAULT_COUNT] = {
	[HF_FAULT_SHORT_HOLD] = "hold the top longer",
	[HF_FAULT_SHALLOW] = "lift the hips higher",
	[HF_FAULT_HIP_DROP] = "keep the hips level",
	[HF_FAULT_PELVIS_ROLLBACK] = "keep the hips stacked",
	[HF_FAULT_RUSHED] = "slow down",
	[HF_FAULT_SAG] = "lift the hips, don't sag",
	[HF_FAULT_PIKE] = "lower the hips",
	[HF_FAULT_ANTERIOR_TILT] = "tuck the pelvis under",
	[HF_FAULT_PELVIC_DROP] = "keep the pelvis level",
};

static const char *const numbers[] = {
	"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
	"eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
	"eighteen", "nineteen", "twenty",
};

void hf_cues_init(struct hf_cues *c, struct hf_speaker *s, enum hf_speak_mode mode)
{
	memset(c, 0, sizeof *c);
	c->speaker = s;
	c->mode = mode;
	c->last_rep_peak_s = -INFINITY;
}

static json_object *member(json_object *m, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(m, key, &v) ? v : NULL;
}

static double num(json_object *m, const char *key, double dflt)
{
	json_object *v = member(m, key);

	return v ? json_object_get_double(v) : dflt;
}

static void say(struct hf_cues *c, const char *text)
{
	if (hf_speaker_say(c->speaker, text))
		c->said++;
	else
		c->dropped++;
}

static void remember(struct hf_cues *c, int set, int rep, int code, double t_s)
{
	c->said_ring[c->next] = (struct hf_cue_said){true, set, rep, code, t_s};
	c->next = (c->next + 1) % HF_CUES_MEMORY;
}

/* Said already: the same cue for the same rep, or the same message again
 * (same time) under another set, or -- for a rep's faults, t1 > t0 -- a
 * live fault said between the rep's start and end. */
static bool said_before(const struct hf_cues *c, int set, int rep, int code, double t0, double t1)
{
	for (int i = 0; i < HF_CUES_MEMORY; i++) {
		const struct hf_cue_said *e = &c->said_ring[i];

		if (!e->used || e->code != code)
			continue;
		if ((e->set == set && e->rep == rep) || fabs(e->t_s - t0) < SAME_T_S ||
		    (t1 > t0 && e->t_s >= t0 && e->t_s <= t1))
			return true;
	}
	return false;
}

static void cue_fault(struct hf_cues *c, json_object *m)
{
	json_object *code = member(m, "code");
	enum hf_fault f = code ? hf_fault_from_name(json_object_get_string(code)) : HF_FAULT_COUNT;
	int set = (int)num(m, "set", -1), rep = (int)num(m, "rep", -1);
	double t = num(m, "t_s", NAN);

	if (f == HF_FAULT_COUNT || said_before(c, set, rep, (int)f, t, t))
		return;
	remember(c, set, rep, (int)f, t);
	say(c, fault_cue[f]);
}

static void cue_hold(struct hf_cues *c, json_object *m)
{
	int set = (int)num(m, "set", -1), rep = (int)num(m, "rep", -1);
	double t = num(m, "t_s", NAN), target = num(m, "hold_s", 2.0);
	char text[TEXT_MAX];
	long whole = lround(target);

	if (c->mode != HF_SPEAK_ALL || said_before(c, set, rep, -1, t, t))
		return;
	remember(c, set, rep, -1, t);
	if (fabs(target - (double)whole) < 0.05 && whole >= 0 && whole <= 20)
		snprintf(text, sizeof text, "hold... %s", numbers[whole]);
	else
		snprintf(text, sizeof text, "hold... %.1f", target);
	say(c, text);
}

static void cue_rep(struct hf_cues *c, json_object *m)
{
	json_object *faults = member(m, "faults");
	int set = (int)num(m, "set", -1), rep = (int)num(m, "rep", -1);
	double peak = num(m, "peak_s", NAN), t0 = num(m, "start_s", NAN), t1 = num(m, "end_s", NAN);
	size_t n = faults ? json_object_array_length(faults) : 0;
	char text[TEXT_MAX];

	if (!(peak > c->last_rep_peak_s + SAME_REP_S))
		return;  /* a rep reported again under the next set */
	c->last_rep_peak_s = peak;
	if (c->mode == HF_SPEAK_ALL) {
		snprintf(text, sizeof text, "%d", rep);
		say(c, text);
	}
	for (size_t i = 0; i < n; i++) {
		enum hf_fault f = hf_fault_from_name(json_object_get_string(json_object_array_get_idx(faults, i)));

		if (f == HF_FAULT_COUNT || said_before(c, set, rep, (int)f, t0, t1 + REP_SLACK_S))
			continue;
		remember(c, set, rep, (int)f, t1);
		say(c, fault_cue[f]);
	}
}

void hf_cues_message(struct hf_cues *c, json_object *m, const char *cls)
{
	if (!c->speaker || !cls)
		return;
	if (strcmp(cls, "FAULT") == 0)
		cue_fault(c, m);
	else if (strcmp(cls, "HOLD") == 0)
		cue_hold(c, m);
	else if (strcmp(cls, "REP") == 0)
		cue_rep(c, m);
}
