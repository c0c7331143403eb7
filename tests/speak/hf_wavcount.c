/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hf_wavcount: count the utterances in a 16-bit PCM WAV file.
 *
 *   hf_wavcount [--gap S] FILE.wav
 *
 * The signal is cut into 10 ms frames; a frame is sound when its RMS is
 * above -40 dBFS.  An utterance is a run of sound frames; quiet shorter
 * than --gap (default 0.5 s: longer than espeak-ng's pauses inside a
 * phrase, shorter than the 1 s hipform leaves between utterances) does not
 * end it.  Prints "utterance START_S LENGTH_S RMS_DBFS" per utterance, then
 * "utterances N".  Exit 0, or 2 when the file is no 16-bit PCM
 * WAV.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FRAME_S 0.010
#define SOUND_DBFS -40.0

struct wav {
	int channels, rate_hz;
	int16_t *pcm;
	size_t n;   /* frames of all channels */
};

static uint32_t le(const uint8_t *p, int bytes)
{
	uint32_t v = 0;

	for (int i = bytes - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static int read_wav(FILE *f, struct wav *w)
{
	uint8_t hdr[12], ch[8], fmt[16];
	int have_fmt = 0;

	if (fread(hdr, 1, 12, f) != 12 || memcmp(hdr, "RIFF", 4) || memcmp(hdr + 8, "WAVE", 4))
		return -1;
	while (fread(ch, 1, 8, f) == 8) {
		uint32_t len = le(ch + 4, 4);

		if (memcmp(ch, "fmt ", 4) == 0 && len >= 16) {
			if (fread(fmt, 1, 16, f) != 16 || fseek(f, (long)len - 16, SEEK_CUR))
				return -1;
			if (le(fmt, 2) != 1 || le(fmt + 14, 2) != 16)
				return -1;
			w->channels = (int)le(fmt + 2, 2);
			w->rate_hz = (int)le(fmt + 4, 4);
			have_fmt = 1;
		} else if (memcmp(ch, "data", 4) == 0 && have_fmt) {
			w->n = len / 2;
			w->pcm = malloc(w->n * 2 + 2);
			if (!w->pcm)
				return -1;
			w->n = fread(w->pcm, 2, w->n, f);  /* a short file: what is there */
			return w->channels > 0 && w->rate_hz > 0 ? 0 : -1;
		} else if (fseek(f, (long)len, SEEK_CUR)) {
			return -1;
		}
	}
	return -1;
}

static double frame_dbfs(const struct wav *w, size_t i0, size_t n)
{
	double sum = 0.0;

	for (size_t i = i0; i < i0 + n && i < w->n; i++)
		sum += (double)w->pcm[i] * w->pcm[i];
	return 10.0 * log10(sum / (double)n / (32768.0 * 32768.0) + 1e-20);
}

int main(int argc, char **argv)
{
	double gap_s = 0.5;
	const char *path = argv[argc - 1];
	struct wav w = {0};
	FILE *f;
	size_t frame, quiet = 0, frames, count = 0, start = 0, last = 0;
	double energy = 0.0;
	int in = 0;

	if (argc == 4 && strcmp(argv[1], "--gap") == 0)
		gap_s = atof(argv[2]);
	else if (argc != 2) {
		fprintf(stderr, "usage: hf_wavcount [--gap S] FILE.wav\n");
		return 2;
	}
	f = fopen(path, "rb");
	if (!f || read_wav(f, &w) < 0) {
		fprintf(stderr, "hf_wavcount: %s is not a readable 16-bit PCM WAV\n", path);
		return 2;
	}
	fclose(f);
	frame = (size_t)lround(FRAME_S * w.rate_hz) * (size_t)w.channels;
	frames = w.n / frame;
	for (size_t k = 0; k <= frames; k++) {
		double db = k < frames ? frame_dbfs(&w, k * frame, frame) : -200.0;
		int sound = db > SOUND_DBFS;

		if (sound) {
			if (!in) {
				in = 1;
				start = k;
				energy = 0.0;
			}
			last = k;
			quiet = 0;
			energy += pow(10.0, db / 10.0);
		} else if (in && (++quiet * FRAME_S >= gap_s || k == frames)) {
			in = 0;
			count++;
			printf("utterance %.2f %.2f %.1f\n", start * FRAME_S,
				(last - start + 1) * FRAME_S, 10.0 * log10(energy / (double)(last - start + 1)));
		}
	}
	printf("utterances %zu\n", count);
	free(w.pcm);
	return 0;
}
