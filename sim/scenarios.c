/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Issue 8's named scenarios (include/hipform/sim.h): each reproduces one
 * class of miss seen on independent simulators, with an exact sensor
 * wherever the sensor is not the point, so that what fails is the class.
 * Reps are given one by one with explicit values (no random extras but
 * the mounting), so a scenario reads the same for every seed but for the
 * mounting and the little the simulator still draws (tremor phases, the
 * heading, fidget-free rests).
 */
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "hipform/error.h"
#include "sim_internal.h"

static const char *const names[HF_SIM_SC_COUNT] = {
	[HF_SIM_SC_CHEAP_ACCEL] = "cheap_accel",
	[HF_SIM_SC_SETTLING_REST] = "settling_rest",
	[HF_SIM_SC_SLOW_TINY_CLAMS] = "slow_tiny_clams",
	[HF_SIM_SC_BREATHING_CLAMS] = "breathing_clams",
	[HF_SIM_SC_ODD_FIRST_REP] = "odd_first_rep",
	[HF_SIM_SC_WEAK_SIDE_BRIDGES] = "weak_side_bridges",
};

int hf_sim_scenario_lookup(const char *name)
{
	for (int i = 0; name && i < HF_SIM_SC_COUNT; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

const char *hf_sim_scenario_name(enum hf_sim_scenario sc)
{
	return (int)sc >= 0 && sc < HF_SIM_SC_COUNT ? names[sc] : NULL;
}

void hf_sim_scenario_exercise(enum hf_sim_scenario sc, enum hf_exercise *ex,
			      enum hf_side *side)
{
	bool bridges = sc == HF_SIM_SC_ODD_FIRST_REP || sc == HF_SIM_SC_WEAK_SIDE_BRIDGES;

	*ex = bridges ? HF_EX_HIP_LIFT : HF_EX_CLAM_SHELL;
	*side = bridges ? HF_SIDE_NONE : HF_SIDE_LEFT;
}

void hf_sim_scenario_sensor(enum hf_sim_scenario sc, double rate_hz, unsigned seed,
			    struct hf_sim_sensor *s)
{
	struct hf_sim_sensor part;

	hf_sim_sensor_preset(s, HF_SIM_GRADE_IDEAL, rate_hz, seed);
	if (sc != HF_SIM_SC_CHEAP_ACCEL)
		return;
	/* an uncalibrated MPU-6050 within its +-3 % and tens of mg reading
	 * 0.94 g at rest in every orientation, with its noise densities;
	 * no gyro bias (the point is the accelerometer) */
	hf_sim_sensor_from_part(&part, HF_SIM_PART_MPU6050, rate_hz, seed);
	for (int k = 0; k < 3; k++)
		s->acc_scale_err[k] = -0.06;
	s->acc_noise_g = part.acc_noise_g;
	s->gyro_noise_dps = part.gyro_noise_dps;
	s->acc_lsb_g = part.acc_lsb_g;
	s->gyro_lsb_dps = part.gyro_lsb_dps;
}

/* A clam shell or hip lift with no random extras. */
static struct hf_sim_rep rep(double exc_deg, double rise_s, double hold_s, double lower_s,
			     double rest_s)
{
	struct hf_sim_rep r = {
		.excursion_deg = exc_deg, .rise_s = rise_s, .hold_s = hold_s,
		.lower_s = lower_s, .rest_after_s = rest_s, .hip_drop_deg = 0.8,
		.obliquity_deg = 0.4, .tremor_deg = 0.1,
	};
	return r;
}

static int clam_set(struct hf_sim *sim, const struct hf_sim_rep *reps, int n)
{
	struct hf_sim_set set = {.exercise = HF_EX_CLAM_SHELL, .side = HF_SIDE_LEFT};

	return hf_sim_add_set_reps(sim, &set, reps, n);
}

/* n clam shells of lo_deg to hi_deg. */
static int clams(struct hf_sim *sim, int n, double lo_deg, double hi_deg)
{
	struct hf_sim_rep reps[HF_SIM_MAX_REPS];

	for (int i = 0; i < n && i < HF_SIM_MAX_REPS; i++)
		reps[i] = rep(lo_deg + (hi_deg - lo_deg) * (double)((i * 7) % 5) / 4.0, 1.4,
			      2.6, 1.4, 1.0 + 0.2 * (double)(i % 3));
	return clam_set(sim, reps, n);
}

/* n ordinary clam shells of 3.5-6 deg. */
static int ordinary_clams(struct hf_sim *sim, int n)
{
	return clams(sim, n, 3.5, 6.0);
}

static int cheap_accel(struct hf_sim *sim)
{
	int r = hf_sim_change_posture(sim, HF_POSTURE_SIDE_RIGHT, 3.0);

	if (r == HF_OK)
		r = hf_sim_rest(sim, 5.0);
	return r == HF_OK ? ordinary_clams(sim, 8) : r;
}

/* 6 small clam shells (2-3 deg) after the pelvis settles 1.3-1.5 deg
 * 12-17 s before them, twice (the second between sets); it settles about
 * the clam axis itself, once each way, so the old rest is 50 % of a rep
 * away from the new one. */
static int settling_rest(struct hf_sim *sim)
{
	int r = hf_sim_change_posture(sim, HF_POSTURE_SIDE_RIGHT, 3.0);

	if (r == HF_OK)
		r = hf_sim_rest(sim, 6.0);
	if (r == HF_OK)
		r = hf_sim_shift_about(sim, HF_AXIS_ROTATION, 1.3, 2.0);
	if (r == HF_OK)
		r = hf_sim_rest(sim, 12.0);
	if (r == HF_OK)
		r = clams(sim, 6, 2.0, 3.0);
	if (r == HF_OK)
		r = hf_sim_rest(sim, 6.0);
	if (r == HF_OK)
		r = hf_sim_shift_about(sim, HF_AXIS_ROTATION, -1.5, 3.0);
	if (r == HF_OK)
		r = hf_sim_rest(sim, 17.0);
	return r == HF_OK ? clams(sim, 6, 2.0, 3.0) : r;
}

/* 8 clam shells of 1.6-1.8 deg whose rise (10 % to 90 %) takes 1.5 s. */
static int slow_tiny_clams(struct hf_sim *sim)
{
	const double phase = 1.5 / (1.0 - 2.0 * hf_sim_minjerk_u10());
	struct hf_sim_rep reps[8];
	int r = hf_sim_change_posture(sim, HF_POSTURE_SIDE_RIGHT, 3.0);

	for (int i = 0; i < 8; i++)
		reps[i] = rep(1.6 + 0.17 * (double)((i * 3) % 8) / 7.0, phase, 2.2, phase, 1.2);
	if (r == HF_OK)
		r = hf_sim_rest(sim, 5.0);
	return r == HF_OK ? clam_set(sim, reps, 8) : r;
}

/* 14 clam shells lying on the side, breathing 0.3 deg at 15 a minute
 * from lying down to getting up. */
static int breathing_clams(struct hf_sim *sim)
{
	int r = hf_sim_breathing(sim, 0.3, 15.0);

	if (r == HF_OK)
		r = hf_sim_change_posture(sim, HF_POSTURE_SIDE_RIGHT, 3.0);
	if (r == HF_OK)
		r = hf_sim_rest(sim, 20.0);
	return r == HF_OK ? ordinary_clams(sim, 14) : r;
}

/* 9 hip lifts; the first is small (8 deg) and oblique (3 deg of
 * obliquity, 3.5 deg of rotation at its top). */
static int odd_first_rep(struct hf_sim *sim)
{
	struct hf_sim_set set = {.exercise = HF_EX_HIP_LIFT};
	struct hf_sim_rep reps[9];
	int r = hf_sim_change_posture(sim, HF_POSTURE_SUPINE, 3.0);

	for (int i = 0; i < 9; i++)
		reps[i] = rep(22.0 + (double)((i * 5) % 7), 1.4, 2.5, 1.4, 1.3);
	reps[0] = rep(8.0, 1.2, 1.5, 1.2, 1.5);
	reps[0].obliquity_deg = 3.0;
	reps[0].hip_drop_deg = 3.5;
	if (r == HF_OK)
		r = hf_sim_rest(sim, 5.0);
	return r == HF_OK ? hf_sim_add_set_reps(sim, &set, reps, 9) : r;
}

/*
 * 10 hip lifts by someone whose weak gluteus medius lets the same hip sink
 * on every rep (6-8 deg of rotation at the top), the fault the program is
 * for.  Without a calibration the reps' own axis turns with the drop on
 * every rep alike, so it cannot tell the drop from the mounting; standing
 * before lying down can (contract section 6: standing gives pelvis z).
 */
static int weak_side_bridges(struct hf_sim *sim)
{
	struct hf_sim_set set = {.exercise = HF_EX_HIP_LIFT};
	struct hf_sim_rep reps[10];
	int r = hf_sim_change_posture(sim, HF_POSTURE_SUPINE, 3.0);

	for (int i = 0; i < 10; i++) {
		reps[i] = rep(22.0 + (double)((i * 5) % 7), 1.4, 2.5, 1.4, 1.3);
		reps[i].hip_drop_deg = 6.0 + (double)((i * 3) % 5) * 0.5;
		reps[i].hip_drop_side = 1;
	}
	if (r == HF_OK)
		r = hf_sim_rest(sim, 5.0);
	return r == HF_OK ? hf_sim_add_set_reps(sim, &set, reps, 10) : r;
}

typedef int (*build_fn)(struct hf_sim *sim);
static const build_fn builders[HF_SIM_SC_COUNT] = {
	[HF_SIM_SC_CHEAP_ACCEL] = cheap_accel,
	[HF_SIM_SC_SETTLING_REST] = settling_rest,
	[HF_SIM_SC_SLOW_TINY_CLAMS] = slow_tiny_clams,
	[HF_SIM_SC_BREATHING_CLAMS] = breathing_clams,
	[HF_SIM_SC_ODD_FIRST_REP] = odd_first_rep,
	[HF_SIM_SC_WEAK_SIDE_BRIDGES] = weak_side_bridges,
};

int hf_sim_scenario_build(struct hf_sim *sim, enum hf_sim_scenario sc,
			  int with_calibration_procedure)
{
	int r;

	if (!sim || (int)sc < 0 || sc >= HF_SIM_SC_COUNT)
		return HF_ERR_ARG;
	r = hf_sim_stand(sim, 3.0);
	if (r == HF_OK && with_calibration_procedure)
		r = hf_sim_calibration_procedure(sim);
	if (r == HF_OK)
		r = hf_sim_stand(sim, 2.0);
	if (r == HF_OK)
		r = builders[sc](sim);
	if (r == HF_OK)
		r = hf_sim_rest(sim, 4.0);
	if (r == HF_OK)
		r = hf_sim_change_posture(sim, HF_POSTURE_UPRIGHT, 3.0);
	if (r == HF_OK)
		r = hf_sim_stand(sim, 3.0);
	return r;
}
