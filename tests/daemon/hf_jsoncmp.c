/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hf_jsoncmp: compare the contract "sets" of two outputs field by field.
 *
 *   hf_jsoncmp [--min-sets N] [--min-reps N] EXPECTED ACTUAL
 *
 * Each file is either one JSON document with "sets" (`hipform analyze
 * --json`, a SESSION message) or newline-delimited messages, of which the
 * last SESSION's sets are used, or else the SET messages in order.  Every
 * key of each expected set and rep must be in the actual one with an equal
 * value (numbers exactly: both sides print through the same report code).
 * Keys only the actual side has (class, v, session, set, emitted_t_s) are
 * ignored.  Exit 0 when equal, 1 with the differences listed.
 */
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int differences;

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
		perror(path);
		exit(2);
	}
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		exit(2);
	}
	fclose(f);
	return buf;
}

static const char *cls_of(json_object *o)
{
	json_object *c;

	return json_object_object_get_ex(o, "class", &c) ? json_object_get_string(c) : "";
}

/* The sets array of a file (new reference). */
static json_object *load_sets(const char *path)
{
	char *text = slurp(path), *save = NULL;
	json_object *doc = json_tokener_parse(text), *sets = NULL, *arr;

	if (doc && json_object_object_get_ex(doc, "sets", &sets)) {
		sets = json_object_get(sets);
		json_object_put(doc);
		free(text);
		return sets;
	}
	json_object_put(doc);
	arr = json_object_new_array();
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_object *o = json_tokener_parse(line), *s;
		if (!o)
			continue;
		if (!strcmp(cls_of(o), "SESSION") && json_object_object_get_ex(o, "sets", &s)) {
			json_object_put(arr);
			arr = json_object_get(s);
		} else if (!strcmp(cls_of(o), "SET")) {
			json_object_array_add(arr, json_object_get(o));
		}
		json_object_put(o);
	}
	free(text);
	return arr;
}

static void diff(const char *path, const char *what, json_object *e, json_object *a)
{
	printf("%s: %s: expected %s, got %s\n", path, what,
	       json_object_to_json_string_ext(e, JSON_C_TO_STRING_PLAIN),
	       a ? json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN) : "(missing)");
	differences++;
}

static void compare(const char *path, json_object *e, json_object *a);

static void compare_object(const char *path, json_object *e, json_object *a)
{
	char sub[256];

	json_object_object_foreach(e, key, ev) {
		json_object *av = NULL;
		snprintf(sub, sizeof sub, "%s.%s", path, key);
		if (!json_object_object_get_ex(a, key, &av)) {
			diff(sub, "key", ev, NULL);
			continue;
		}
		compare(sub, ev, av);
	}
}

static void compare_array(const char *path, json_object *e, json_object *a)
{
	size_t ne = json_object_array_length(e), na = json_object_array_length(a);
	char sub[256];

	if (ne != na) {
		printf("%s: expected %zu elements, got %zu\n", path, ne, na);
		differences++;
	}
	for (size_t i = 0; i < ne && i < na; i++) {
		snprintf(sub, sizeof sub, "%s[%zu]", path, i);
		compare(sub, json_object_array_get_idx(e, i), json_object_array_get_idx(a, i));
	}
}

static void compare(const char *path, json_object *e, json_object *a)
{
	json_type te = json_object_get_type(e), ta = json_object_get_type(a);
	bool num_e = te == json_type_double || te == json_type_int;
	bool num_a = ta == json_type_double || ta == json_type_int;

	if (num_e && num_a) {
		if (json_object_get_double(e) != json_object_get_double(a))
			diff(path, "value", e, a);
	} else if (te != ta) {
		diff(path, "type", e, a);
	} else if (te == json_type_object) {
		compare_object(path, e, a);
	} else if (te == json_type_array) {
		compare_array(path, e, a);
	} else if (te == json_type_string) {
		if (strcmp(json_object_get_string(e), json_object_get_string(a)) != 0)
			diff(path, "value", e, a);
	} else if (te == json_type_boolean &&
		   json_object_get_boolean(e) != json_object_get_boolean(a)) {
		diff(path, "value", e, a);
	}
}

static int count_reps(json_object *sets)
{
	int n = 0;

	for (size_t i = 0; i < json_object_array_length(sets); i++) {
		json_object *reps;
		if (json_object_object_get_ex(json_object_array_get_idx(sets, i), "reps", &reps))
			n += (int)json_object_array_length(reps);
	}
	return n;
}

int main(int argc, char **argv)
{
	int min_sets = 1, min_reps = 1, i = 1;
	json_object *e, *a;

	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (!strcmp(argv[i], "--min-sets"))
			min_sets = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--min-reps"))
			min_reps = atoi(argv[i + 1]);
	}
	if (argc - i != 2) {
		fprintf(stderr, "usage: hf_jsoncmp [--min-sets N] [--min-reps N] EXPECTED ACTUAL\n");
		return 2;
	}
	e = load_sets(argv[i]);
	a = load_sets(argv[i + 1]);
	compare("sets", e, a);
	printf("expected %zu sets (%d reps), actual %zu sets (%d reps), %d differences\n",
	       json_object_array_length(e), count_reps(e), json_object_array_length(a),
	       count_reps(a), differences);
	if ((int)json_object_array_length(e) < min_sets || count_reps(e) < min_reps) {
		printf("too few sets or reps to compare (need %d sets, %d reps)\n", min_sets, min_reps);
		return 1;
	}
	json_object_put(e);
	json_object_put(a);
	return differences ? 1 : 0;
}
