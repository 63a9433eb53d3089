/* SPDX-License-Identifier: MIT */
/*
 * The pages, read once (web.h).
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "serve/route.h"
#include "serve/web.h"

#define MAX_FILES 64
#define MAX_FILE_BYTES (4u << 20)

static const char *
type_of(const char *name)
{
	static const struct { const char *ext, *type; } types[] = {
		{ ".html", "text/html; charset=utf-8" }, { ".js", "text/javascript; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" }, { ".svg", "image/svg+xml" },
		{ ".json", "application/json; charset=utf-8" }, { ".png", "image/png" },
		{ ".ico", "image/x-icon" }, { ".txt", "text/plain; charset=utf-8" },
		{ ".woff2", "font/woff2" },
	};
	const char *dot = strrchr(name, '.');

	for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return NULL;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct web_file *)a)->name, ((const struct web_file *)b)->name);
}

int
web_load(struct web *w, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	*w = (struct web){ 0 };
	if (!d)
		return -1;
	if (!(w->files = calloc(MAX_FILES, sizeof(*w->files)))) {
		closedir(d);
		return -1;
	}
	while ((e = readdir(d)) != NULL && w->n < MAX_FILES) {
		char path[4096 + 80];
		struct stat sb;
		struct web_file *f = &w->files[w->n];
		FILE *in;

		/* Only names a request could ask for, of known types. */
		if (!route_static_name(e->d_name) || !type_of(e->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > MAX_FILE_BYTES)
			continue;
		if (!(in = fopen(path, "rb")))
			continue;
		f->data = malloc((size_t)sb.st_size + 1);
		f->len = f->data ? fread(f->data, 1, (size_t)sb.st_size, in) : 0;
		fclose(in);
		if (!f->data || f->len != (size_t)sb.st_size || !(f->name = strdup(e->d_name))) {
			free(f->data);
			free(f->name);
			*f = (struct web_file){ 0 };
			continue;
		}
		f->type = type_of(f->name);
		/* A validator from the bytes (FNV-1a), so that a reload is cheap. */
		unsigned long long h = 1469598103934665603ULL;

		for (size_t i = 0; i < f->len; i++)
			h = (h ^ (unsigned char)f->data[i]) * 1099511628211ULL;
		snprintf(f->etag, sizeof(f->etag), "\"%016llx\"", h);
		w->n++;
	}
	closedir(d);
	qsort(w->files, w->n, sizeof(*w->files), by_name);
	return 0;
}

void
web_free(struct web *w)
{
	for (size_t i = 0; i < w->n; i++) {
		free(w->files[i].name);
		free(w->files[i].data);
	}
	free(w->files);
	*w = (struct web){ 0 };
}

const struct web_file *
web_find(const struct web *w, const char *path)
{
	const char *name = path[0] == '/' ? path + 1 : path;

	if (!*name)
		name = "index.html";
	for (size_t i = 0; i < w->n; i++)
		if (strcmp(w->files[i].name, name) == 0)
			return &w->files[i];
	return NULL;
}
