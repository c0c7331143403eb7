/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hf_domcheck: does a report page, as a browser built it, show what an
 * analysis found?
 *
 *   hf_domcheck SUMMARY.json DOM.html
 *
 * SUMMARY.json is a contract section 8 document (`hipform analyze --json`,
 * or a SESSION message); DOM.html is what `chromium --dump-dom` printed for
 * the report.  For every set the DOM must hold exactly one
 *   <section class="set" data-set="S" data-exercise="E" data-kind="K" data-reps="N"
 * for every rep exactly one <g class="rep" data-set="S" data-rep="R" data-faults="F ...">
 * and for every fault of a rep (or of a side-walk cycle) exactly one
 *   <g class="fault-mark" data-set="S" data-rep="R" data-fault="CODE">
 * and nothing more of these classes.  With --trace, every set of reps must
 * also have its e(t) polyline.  Prints one line per mismatch; exit 0 when
 * all match, 1 otherwise, 2 on bad arguments or unreadable files.
 */
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) != NULL) {
		if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		} else {
			buf[n] = '\0';
		}
	}
	fclose(f);
	return buf;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

static void expect(const char *dom, const char *needle, int want)
{
	int got = count(dom, needle);

	if (got != want) {
		printf("FAIL: %d x %s, want %d\n", got, needle, want);
		failures++;
	}
}

static json_object *get(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static size_t len(json_object *a)
{
	return a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

/* Fault marks of one rep or cycle; returns how many. */
static int check_faults(const char *dom, int set_no, int rep_no, json_object *faults, char *list,
			size_t list_len)
{
	char needle[256];
	size_t used = 0;

	list[0] = '\0';
	for (size_t k = 0; k < len(faults); k++) {
		const char *code = json_object_get_string(json_object_array_get_idx(faults, k));

		snprintf(needle, sizeof needle,
			 "<g class=\"fault-mark\" data-set=\"%d\" data-rep=\"%d\" data-fault=\"%s\"",
			 set_no, rep_no, code);
		expect(dom, needle, 1);
		if (used < list_len)
			used += (size_t)snprintf(list + used, list_len - used, "%s%s", k ? " " : "", code);
	}
	return (int)len(faults);
}

/* Returns the number of fault marks the set should have. */
static int check_set(const char *dom, json_object *set, int set_no, bool trace, int *reps_total)
{
	json_object *reps = get(set, "reps"), *kind = get(set, "kind"), *ex = get(set, "exercise");
	const char *kind_name = kind ? json_object_get_string(kind) : "reps";
	char needle[512], list[256];
	int marks = 0;

	snprintf(needle, sizeof needle,
		 "<section class=\"set\" data-set=\"%d\" data-exercise=\"%s\" data-kind=\"%s\" data-reps=\"%zu\"",
		 set_no, ex ? json_object_get_string(ex) : "unknown", kind_name, len(reps));
	expect(dom, needle, 1);
	for (size_t i = 0; i < len(reps); i++) {
		json_object *r = json_object_array_get_idx(reps, i);

		marks += check_faults(dom, set_no, (int)i + 1, get(r, "faults"), list, sizeof list);
		if (trace) {
			snprintf(needle, sizeof needle,
				 "<g class=\"rep\" data-set=\"%d\" data-rep=\"%zu\" data-faults=\"%s\"",
				 set_no, i + 1, list);
			expect(dom, needle, 1);
			(*reps_total)++;
		}
	}
	for (size_t i = 0; i < len(get(set, "cycles")); i++)
		marks += check_faults(dom, set_no, (int)i + 1,
				      get(json_object_array_get_idx(get(set, "cycles"), i), "faults"),
				      list, sizeof list);
	return marks;
}

int main(int argc, char **argv)
{
	bool trace = argc == 4 && strcmp(argv[1], "--trace") == 0;
	json_object *doc, *sets;
	char *dom;
	int marks = 0, reps = 0, reps_sets = 0;

	if (argc != 3 + trace) {
		fprintf(stderr, "usage: hf_domcheck [--trace] SUMMARY.json DOM.html\n");
		return 2;
	}
	doc = json_object_from_file(argv[1 + trace]);
	dom = read_all(argv[2 + trace]);
	if (!doc || !dom) {
		fprintf(stderr, "hf_domcheck: cannot read %s\n", doc ? argv[2 + trace] : argv[1 + trace]);
		return 2;
	}
	sets = get(doc, "sets");
	for (size_t i = 0; i < len(sets); i++) {
		json_object *kind = get(json_object_array_get_idx(sets, i), "kind");

		reps_sets += !kind || strcmp(json_object_get_string(kind), "reps") == 0;
		marks += check_set(dom, json_object_array_get_idx(sets, i), (int)i + 1, trace, &reps);
	}
	expect(dom, "<section class=\"set\"", (int)len(sets));
	expect(dom, "<g class=\"fault-mark\"", marks);
	if (trace) {
		expect(dom, "<g class=\"rep\"", reps);
		expect(dom, "<polyline class=\"trace\"", reps_sets);
	}
	printf("%s: %zu sets, %d reps, %d fault marks\n", failures ? "FAIL" : "ok", len(sets), reps,
	       marks);
	json_object_put(doc);
	free(dom);
	return failures ? 1 : 0;
}
