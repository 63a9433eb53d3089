/* SPDX-License-Identifier: MIT */
/*
 * A main() for the fuzz targets without libFuzzer: feeds every file named on
 * the command line, and every file in every directory named there (sorted by
 * name), to LLVMFuzzerTestOneInput() once. The fuzz suite of meson test runs
 * each target over its corpus this way, so every input that ever crashed a
 * target stays a regression test.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int
run_file(const char *path)
{
	struct stat st;
	uint8_t *data;
	size_t n;
	FILE *f;

	if (!(f = fopen(path, "rb")) || fstat(fileno(f), &st) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return 1;
	}
	/* An exact-size copy, so that ASan sees a read past the input's end. */
	data = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!data) {
		fclose(f);
		fprintf(stderr, "replay: %s: out of memory\n", path);
		return 1;
	}
	n = fread(data, 1, (size_t)st.st_size, f);
	fclose(f);
	if (n != (size_t)st.st_size) {
		fprintf(stderr, "replay: %s: short read\n", path);
		free(data);
		return 1;
	}
	LLVMFuzzerTestOneInput(data, n);
	free(data);
	return 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
run_dir(const char *dir, size_t *count)
{
	char **names = NULL, path[4096];
	size_t n = 0, cap = 0;
	struct dirent *e;
	int fails = 0;
	DIR *d;

	if (!(d = opendir(dir))) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **p = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*names));

			if (!p)
				abort();
			names = p;
		}
		if (!(names[n++] = strdup(e->d_name)))
			abort();
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			fails += run_file(path);
			++*count;
		}
		free(names[i]);
	}
	free(names);
	return fails;
}

int
main(int argc, char **argv)
{
	size_t count = 0;
	int fails = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			fails += run_dir(argv[i], &count);
		} else {
			fails += run_file(argv[i]);
			count++;
		}
	}
	printf("%s: %zu inputs replayed, %d unreadable\n", argv[0], count, fails);
	return fails ? 1 : 0;
}
