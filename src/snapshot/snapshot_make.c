/* SPDX-License-Identifier: MIT */
/*
 * Making the snapshot of a data directory (snapshot.h): every baseline's
 * catalogue (requirements/baseline-*.xml with all module-*.xml files, found
 * as the CLI finds them) and the shipped templates, loaded and compiled with
 * the full library. Used by rfpgen-snapshot at build time and by the tests.
 */
#include "config.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot/snapshot.h"
#include "util/xml.h"

#define MAX_SRC 64
#define MAX_BASELINES 8

struct make {
	struct rfp_ctx *ctx;
	const char *dir;
	struct rfp_snapshot_source src[MAX_SRC];
	char *bytes[MAX_SRC], *paths[MAX_SRC];
	size_t n;
};

/* The index of dir/name among the sources, read on first use; -1 on failure. */
static int
source(struct make *m, const char *name)
{
	size_t len;

	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->src[i].name, name) == 0)
			return (int)i;
	if (m->n == MAX_SRC || !(m->paths[m->n] = rfp_strfmt("%s/%s", m->dir, name)) ||
	    rfp_read_file(m->ctx, m->paths[m->n], 64u << 20, &m->bytes[m->n], &len) != RFP_OK)
		return -1;
	m->src[m->n] = (struct rfp_snapshot_source){ m->paths[m->n] + strlen(m->dir) + 1,
	    m->bytes[m->n], len };
	return (int)m->n++;
}

/* The names below dir matching pattern, in glob's (byte) order. */
static size_t
find(const char *dir, const char *pattern, glob_t *g)
{
	char pat[4096];

	snprintf(pat, sizeof(pat), "%s/%s", dir, pattern);
	return glob(pat, 0, NULL, g) == 0 ? g->gl_pathc : 0;
}

enum rfp_status
rfp_snapshot_make(struct rfp_ctx *ctx, const char *data_dir, struct rfp_buf *img)
{
	struct make m = { .ctx = ctx, .dir = data_dir };
	struct rfp_snapshot_cat cats[MAX_BASELINES];
	struct rfp_snapshot_tmpl tmpls[2];
	struct rfp_catalogue *loaded[MAX_BASELINES] = { 0 };
	struct rfp_template *compiled[2] = { 0 };
	char *baselines[MAX_BASELINES] = { 0 };
	size_t files[MAX_BASELINES][MAX_SRC], ncats = 0, ntmpls = 0;
	glob_t base = { 0 }, mods = { 0 };
	enum rfp_status st = RFP_ERR_IO;	/* a file missing or unreadable */
	size_t dl = strlen(data_dir) + 1, nbase = find(data_dir, "requirements/baseline-*.xml", &base),
	    nmods = find(data_dir, "requirements/module-*.xml", &mods);
	int schema = source(&m, "requirements/catalogue.xsd"), k;

	if (schema < 0 || !nbase || nbase > MAX_BASELINES || nmods + 1 > MAX_SRC)
		goto out;
	for (size_t b = 0; b < nbase; b++) {
		const char *paths[MAX_SRC];

		paths[0] = base.gl_pathv[b];
		for (size_t i = 0; i < nmods; i++)
			paths[i + 1] = mods.gl_pathv[i];
		for (size_t f = 0; f <= nmods; f++) {
			if ((k = source(&m, paths[f] + dl)) < 0) {
				st = RFP_ERR_IO;
				goto out;
			}
			files[b][f] = (size_t)k;
		}
		if ((st = rfp_catalogue_load(ctx, m.paths[schema], paths, nmods + 1, &loaded[b])))
			goto out;
		/* "requirements/baseline-2021.xml" → "2021" */
		const char *name = strrchr(paths[0], '-') + 1;

		if (!(baselines[b] = strndup(name, strlen(name) - 4))) {
			st = RFP_ERR_NOMEM;
			goto out;
		}
		/* Chunks for the default baseline only (cli_find_catalogues): the
		 * other doubles the image for a case few runs take. */
		cats[ncats++] = (struct rfp_snapshot_cat){ baselines[b], loaded[b], (size_t)schema,
		    files[b], nmods + 1, strcmp(baselines[b], "2021") == 0 };
	}
	for (const char *const *t = (const char *const[]){ "templates/annex.docx",
	    "templates/annex.odt", NULL }; *t; t++) {
		st = RFP_ERR_IO;
		if ((k = source(&m, *t)) < 0 ||
		    (st = rfp_template_load(ctx, m.paths[k], &compiled[ntmpls])) != RFP_OK)
			goto out;
		tmpls[ntmpls] = (struct rfp_snapshot_tmpl){ compiled[ntmpls], (size_t)k };
		ntmpls++;
	}
	st = rfp_snapshot_write(m.src, m.n, cats, ncats, tmpls, ntmpls, img);
out:
	for (size_t i = 0; i < MAX_BASELINES; i++) {
		free(baselines[i]);
		rfp_catalogue_free(loaded[i]);
	}
	for (size_t i = 0; i < 2; i++)
		rfp_template_free(compiled[i]);
	for (size_t i = 0; i < m.n; i++) {
		free(m.bytes[i]);
		free(m.paths[i]);
	}
	globfree(&base);
	globfree(&mods);
	return st;
}
