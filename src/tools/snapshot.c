/* SPDX-License-Identifier: MIT */
/*
 * rfpgen-snapshot OUT DATA_DIR: loads every shipped catalogue (one per
 * requirements/baseline-*.xml, with all module-*.xml files, found as the
 * CLI finds them) and the shipped templates under DATA_DIR with the full
 * library, and writes the snapshot image the front executable carries
 * (snapshot.h). A catalogue or template that does not load fails the
 * build. Build-time tool; not installed.
 */
#include "config.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rfpgen/rfpgen.h>

#include "snapshot/snapshot.h"
#include "util/xml.h"

#define MAX_SRC 64

struct sources {
	struct rfp_snapshot_source src[MAX_SRC];
	char *bytes[MAX_SRC];
	char *paths[MAX_SRC];
	size_t n;
};

static void
print_diag(const struct rfp_diag *d, void *userdata)
{
	(void)userdata;
	fprintf(stderr, "rfpgen-snapshot: %s%s%s:%u: %s [%s]\n", d->file ? d->file : "",
	    d->part ? ":" : "", d->part ? d->part : "", d->line, d->msg, d->code);
}

/* The index of data_dir/name among the sources, read on first use; -1 on failure. */
static int
source(struct rfp_ctx *ctx, struct sources *s, const char *data_dir, const char *name)
{
	char path[4096];
	size_t len;

	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->src[i].name, name) == 0)
			return (int)i;
	snprintf(path, sizeof(path), "%s/%s", data_dir, name);
	if (s->n == MAX_SRC || !(s->paths[s->n] = strdup(path)) ||
	    rfp_read_file(ctx, path, 64u << 20, &s->bytes[s->n], &len) != RFP_OK)
		return -1;
	s->src[s->n] = (struct rfp_snapshot_source){ s->paths[s->n] + strlen(data_dir) + 1,
	    s->bytes[s->n], len };
	return (int)s->n++;
}

/* The names below data_dir matching pattern, in glob's (byte) order. */
static size_t
find(const char *data_dir, const char *pattern, glob_t *g)
{
	char pat[4096];

	snprintf(pat, sizeof(pat), "%s/%s", data_dir, pattern);
	return glob(pat, 0, NULL, g) == 0 ? g->gl_pathc : 0;
}

int
main(int argc, char **argv)
{
	struct rfp_ctx *ctx = rfp_ctx_new();
	struct sources s = { 0 };
	struct rfp_snapshot_cat cats[8];
	struct rfp_snapshot_tmpl tmpls[2];
	struct rfp_catalogue *loaded[8] = { 0 };
	char *baselines[8] = { 0 };
	struct rfp_template *compiled[2] = { 0 };
	size_t files[8][MAX_SRC], ncats = 0, ntmpls = 0;
	struct rfp_buf img = RFP_BUF_INIT(256u << 20);
	glob_t base = { 0 }, mods = { 0 };
	int schema, rc = 1;

	if (argc != 3 || !ctx) {
		fputs("usage: rfpgen-snapshot OUT DATA_DIR\n", stderr);
		return 2;
	}
	rfp_ctx_set_diag(ctx, print_diag, NULL);
	const char *dir = argv[2];
	size_t dl = strlen(dir) + 1, nbase = find(dir, "requirements/baseline-*.xml", &base),
	    nmods = find(dir, "requirements/module-*.xml", &mods);

	if ((schema = source(ctx, &s, dir, "requirements/catalogue.xsd")) < 0 || !nbase ||
	    nbase > 8 || nmods + 1 > MAX_SRC)
		goto out;
	for (size_t b = 0; b < nbase; b++) {
		const char *paths[MAX_SRC];
		char xsd[4096];
		int k;

		paths[0] = base.gl_pathv[b];
		for (size_t m = 0; m < nmods; m++)
			paths[m + 1] = mods.gl_pathv[m];
		for (size_t f = 0; f <= nmods; f++) {
			if ((k = source(ctx, &s, dir, paths[f] + dl)) < 0)
				goto out;
			files[b][f] = (size_t)k;
		}
		snprintf(xsd, sizeof(xsd), "%s/requirements/catalogue.xsd", dir);
		if (rfp_catalogue_load(ctx, xsd, paths, nmods + 1, &loaded[b]) != RFP_OK)
			goto out;
		/* "requirements/baseline-2021.xml" → "2021" */
		const char *name = strrchr(paths[0], '-') + 1;

		if (!(baselines[b] = strndup(name, strlen(name) - 4)))
			goto out;
		/* Chunks for the default baseline only (cli_find_catalogues): the
		 * other doubles the image for a case few runs take. */
		cats[ncats++] = (struct rfp_snapshot_cat){ baselines[b], loaded[b], (size_t)schema,
		    files[b], nmods + 1, strcmp(baselines[b], "2021") == 0 };
	}
	for (const char *const *t = (const char *const[]){ "templates/annex.docx",
	    "templates/annex.odt", NULL }; *t; t++) {
		char path[4096];
		int k = source(ctx, &s, dir, *t);

		snprintf(path, sizeof(path), "%s/%s", dir, *t);
		if (k < 0 || rfp_template_load(ctx, path, &compiled[ntmpls]) != RFP_OK)
			goto out;
		tmpls[ntmpls] = (struct rfp_snapshot_tmpl){ compiled[ntmpls], (size_t)k };
		ntmpls++;
	}
	if (rfp_snapshot_write(s.src, s.n, cats, ncats, tmpls, ntmpls, &img) == RFP_OK &&
	    rfp_write_file(ctx, argv[1], img.ptr, img.len) == RFP_OK)
		rc = 0;
out:
	if (rc)
		fprintf(stderr, "rfpgen-snapshot: cannot make the snapshot of %s\n", dir);
	for (size_t i = 0; i < 8; i++) {
		free(baselines[i]);
		rfp_catalogue_free(loaded[i]);
	}
	for (size_t i = 0; i < 2; i++)
		rfp_template_free(compiled[i]);
	for (size_t i = 0; i < s.n; i++) {
		free(s.bytes[i]);
		free(s.paths[i]);
	}
	globfree(&base);
	globfree(&mods);
	rfp_buf_fini(&img);
	rfp_ctx_free(ctx);
	return rc;
}
