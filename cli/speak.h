/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Spoken cues for `hipform watch --speak`: lying on the mat, nobody reads a
 * terminal.  The rep number as each rep ends, "hold... two" when the hold
 * target is reached, each form fault in a few plain words ("keep the hips
 * stacked"), through espeak-ng and the user's sound server.
 *
 * Speech never delays the event stream: hf_speaker_say() copies the text
 * into a bounded queue (a full queue drops the cue, counted) and returns;
 * a thread of the speaker's own synthesises and plays.  Nothing is said
 * twice for one event: hf_cues remembers what it said for the rep in
 * progress, and a rep reported again (a SET moving reps into the next set,
 * docs/protocol.md) is recognised by its time.
 *
 * For testing, the speaker can synthesise into a WAV file instead of
 * playing (16-bit mono, at espeak-ng's rate), each utterance followed by
 * HF_SPEAK_GAP_S of silence, so a test can count the utterances.
 */
#ifndef HIPFORM_CLI_SPEAK_H
#define HIPFORM_CLI_SPEAK_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#define HF_SPEAK_GAP_S 1.0

struct hf_speaker;

/*
 * Start a speaker with the espeak-ng voice `voice` (a language such as
 * "en", "de", "en-us"; NULL: "en").  wav_path NULL: play through the sound
 * server.  Returns NULL with one line on stderr when speech cannot be had
 * (no sound server or device, no espeak-ng data): *bad_voice is set when
 * the reason is an unknown voice (a usage error), else it is a warning
 * and watching goes on without speech.
 */
struct hf_speaker *hf_speaker_new(const char *voice, const char *wav_path, bool *bad_voice);
/* Queue one utterance; false when the queue is full (dropped). */
bool hf_speaker_say(struct hf_speaker *s, const char *text);
/* Say what is queued (at most a few seconds more), stop, close the WAV. */
void hf_speaker_free(struct hf_speaker *s);

enum hf_speak_mode { HF_SPEAK_ALL = 0, HF_SPEAK_FAULTS };

/* Parse the argument of --speak[=all|faults]; NULL means all. */
bool hf_speak_mode_parse(const char *arg, enum hf_speak_mode *mode);

#define HF_CUES_MEMORY 32

/* A cue said: a HOLD or a FAULT of rep `rep` of set `set`, at t_s. */
struct hf_cue_said {
	bool used;
	int set, rep;
	int code;                /* enum hf_fault, or -1 for a hold */
	double t_s;
};

/* Which cues a watcher has said. */
struct hf_cues {
	struct hf_speaker *speaker;
	enum hf_speak_mode mode;
	struct hf_cue_said said_ring[HF_CUES_MEMORY];
	int next;
	double last_rep_peak_s;  /* the newest rep said; -inf before */
	int said;                /* utterances queued */
	int dropped;             /* queue full */
};

void hf_cues_init(struct hf_cues *c, struct hf_speaker *s, enum hf_speak_mode mode);
/* One message from hipformd (parsed), class cls. */
void hf_cues_message(struct hf_cues *c, json_object *m, const char *cls);

#endif
