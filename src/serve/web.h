/* SPDX-License-Identifier: MIT */
/*
 * The pages (data dir web/): every file read once at start into memory and
 * served from there by its name, so that no request's path is ever opened.
 */
#ifndef RFP_SERVE_WEB_H
#define RFP_SERVE_WEB_H

#include <stddef.h>

struct web_file {
	char *name;
	const char *type;
	char *data;
	size_t len;
	char etag[24];
};

struct web {
	struct web_file *files;
	size_t n;
};

/** Reads the regular files of dir (not its subdirectories); 0 files is not an error. */
int web_load(struct web *w, const char *dir);
void web_free(struct web *w);
/** The file for a page's path ("/" is index.html), or NULL. */
const struct web_file *web_find(const struct web *w, const char *path);

#endif
