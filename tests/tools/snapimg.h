/* SPDX-License-Identifier: MIT */
/*
 * The snapshot image of the build tree's shipped data, as rfpgen-snapshot
 * makes it (rfp_snapshot_make), beside the same data loaded by the full
 * library and the bytes of the 2021 catalogue's files, for test_snapshot.c
 * and fuzz_snapshot.c.
 */
#ifndef RFP_TESTS_SNAPIMG_H
#define RFP_TESTS_SNAPIMG_H

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rfpgen/rfpgen.h>

#include "snapshot/snapshot.h"
#include "util/xml.h"

#define SNAPIMG_FILES 32

struct snapimg {
	char dir[4096], schema[4200];
	char *paths[SNAPIMG_FILES];	/* the catalogue files, in load order */
	size_t npaths;
	struct rfp_snapshot_source src[SNAPIMG_FILES + 1];	/* schema, catalogue files */
	char *bytes[SNAPIMG_FILES + 1], *names[SNAPIMG_FILES + 1];
	size_t nsrc;
	struct rfp_catalogue *cat;
	struct rfp_template *docx, *odt;
	struct rfp_buf img;
};

static inline bool
snapimg_source(struct snapimg *s, struct rfp_ctx *ctx, const char *path)
{
	size_t len, i = s->nsrc;

	if (i == SNAPIMG_FILES + 1 || rfp_read_file(ctx, path, 64u << 20, &s->bytes[i], &len))
		return false;
	s->nsrc++;
	if (!(s->names[i] = strdup(path + strlen(s->dir) + 1)))
		return false;
	s->src[i] = (struct rfp_snapshot_source){ s->names[i], s->bytes[i], len };
	return true;
}

/* Loads everything below builddir with ctx and makes s->img; false on failure. */
static inline bool
snapimg_make(struct snapimg *s, const char *builddir, struct rfp_ctx *ctx)
{
	char pat[4300], path[4300];
	glob_t g;

	memset(s, 0, sizeof(*s));
	rfp_buf_init(&s->img, 64u << 20);
	snprintf(s->dir, sizeof(s->dir), "%s", builddir);
	snprintf(s->schema, sizeof(s->schema), "%s/requirements/catalogue.xsd", s->dir);
	snprintf(path, sizeof(path), "%s/requirements/baseline-2021.xml", s->dir);
	s->paths[s->npaths++] = strdup(path);
	snprintf(pat, sizeof(pat), "%s/requirements/module-*.xml", s->dir);
	if (glob(pat, 0, NULL, &g) != 0)
		return false;
	for (size_t i = 0; i < g.gl_pathc && s->npaths < SNAPIMG_FILES; i++)
		s->paths[s->npaths++] = strdup(g.gl_pathv[i]);
	globfree(&g);
	/* Sources: the schema, then the catalogue files in order. */
	if (!snapimg_source(s, ctx, s->schema))
		return false;
	for (size_t i = 0; i < s->npaths; i++)
		if (!s->paths[i] || !snapimg_source(s, ctx, s->paths[i]))
			return false;
	if (rfp_catalogue_load(ctx, s->schema, (const char *const *)s->paths, s->npaths, &s->cat))
		return false;
	snprintf(path, sizeof(path), "%s/templates/annex.docx", s->dir);
	if (rfp_template_load(ctx, path, &s->docx))
		return false;
	snprintf(path, sizeof(path), "%s/templates/annex.odt", s->dir);
	if (rfp_template_load(ctx, path, &s->odt))
		return false;
	return rfp_snapshot_make(ctx, s->dir, &s->img) == RFP_OK;
}

static inline void
snapimg_free(struct snapimg *s)
{
	for (size_t i = 0; i < s->npaths; i++)
		free(s->paths[i]);
	for (size_t i = 0; i < s->nsrc; i++) {
		free(s->bytes[i]);
		free(s->names[i]);
	}
	rfp_catalogue_free(s->cat);
	rfp_template_free(s->docx);
	rfp_template_free(s->odt);
	rfp_buf_fini(&s->img);
}

#endif
