/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The simulator's own PRNG, so that a seed gives the same session on every
 * platform: xoshiro256** (Blackman and Vigna, "Scrambled linear
 * pseudorandom number generators", 2018) seeded through splitmix64.
 */
#include <math.h>

#include "sim_internal.h"

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void hf_rng_seed(struct hf_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

uint64_t hf_rng_next(struct hf_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double hf_rng_uniform(struct hf_rng *r, double lo, double hi)
{
	double u = (double)(hf_rng_next(r) >> 11) * 0x1.0p-53;

	return lo + (hi - lo) * u;
}

double hf_rng_gauss(struct hf_rng *r)
{
	double u1 = hf_rng_uniform(r, 0.0, 1.0), u2 = hf_rng_uniform(r, 0.0, 1.0);

	if (u1 < 1e-300)
		u1 = 1e-300;
	return sqrt(-2.0 * log(u1)) * cos(2.0 * HF_PI * u2);
}

double hf_rng_sign(struct hf_rng *r)
{
	return (hf_rng_next(r) >> 63) ? 1.0 : -1.0;
}

struct hf_quat hf_rng_rotation(struct hf_rng *r)
{
	struct hf_quat q;

	/* one draw per statement: an initializer list's order is the
	 * compiler's (C11 6.7.9p23) */
	q.w = hf_rng_gauss(r);
	q.x = hf_rng_gauss(r);
	q.y = hf_rng_gauss(r);
	q.z = hf_rng_gauss(r);
	return hf_quat_normalize(q);
}
