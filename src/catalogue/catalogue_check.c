/* SPDX-License-Identifier: MIT */
/*
 * The semantic pass: what XSD 1.0 cannot say about a set of catalogue
 * files. Ids must be unique across all files, exactly one file must be a
 * baseline, the items of a measure must run from 普 to 高 (levels are
 * cumulative, so each level lists what it adds to the one below), per-level
 * parameter defaults must not be ambiguous, a parameter stated by a source
 * must name it, and each figure an item marks as <stated> must occur in the
 * item's prose. (Whether every figure of the prose is covered is checked by
 * tests/figures.py over the shipped catalogue, not at load.)
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue/catalogue.h"
#include "util/ctx.h"

struct idref {
	const char *id;
	const char *what;
	const char *file;
	unsigned line;
};

static int
cmp_idref(const void *a, const void *b)
{
	const struct idref *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	if (c)
		return c;
	c = strcmp(x->file, y->file);
	return c ? c : (x->line > y->line) - (x->line < y->line);
}

static enum rfp_status
check_unique_ids(struct rfp_ctx *ctx, const struct rfp_catalogue *cat)
{
	size_t n = cat->nfamilies + cat->nmeasures + cat->nitems + cat->nparams;
	enum rfp_status st = RFP_OK;
	struct idref *refs;
	size_t i, k = 0;

	refs = calloc(n ? n : 1, sizeof(*refs));
	if (!refs)
		return RFP_ERR_NOMEM;
	for (i = 0; i < cat->nfamilies; i++)
		refs[k++] = (struct idref){ cat->families[i]->id, "family",
		    cat->families[i]->file->path, 0 };
	for (i = 0; i < cat->nmeasures; i++)
		refs[k++] = (struct idref){ cat->measures[i]->id, "measure",
		    cat->measures[i]->family->file->path, 0 };
	for (i = 0; i < cat->nitems; i++)
		refs[k++] = (struct idref){ cat->items[i]->id, "item",
		    cat->items[i]->file->path, cat->items[i]->line };
	for (i = 0; i < cat->nparams; i++)
		refs[k++] = (struct idref){ cat->params[i]->id, "parameter",
		    cat->params[i]->file->path, cat->params[i]->line };
	qsort(refs, n, sizeof(*refs), cmp_idref);
	for (i = 1; i < n; i++) {
		if (strcmp(refs[i - 1].id, refs[i].id) != 0)
			continue;
		struct rfp_where w = { .file = refs[i].file, .line = refs[i].line };

		rfp_diag(ctx, CAT_DUPID, &w, refs[i].id, refs[i].what, refs[i - 1].what, refs[i - 1].file);
		st = RFP_ERR_INVALID;
	}
	free(refs);
	return st;
}

/* Items are loaded in document order; within a measure their sort keys must
 * rise and their levels must not fall. */
static enum rfp_status
check_level_order(struct rfp_ctx *ctx, const struct rfp_catalogue *cat)
{
	enum rfp_status st = RFP_OK;
	const struct rfp_item *prev = NULL, *it;

	for (size_t i = 0; i < cat->nitems; i++, prev = it) {
		it = cat->items[i];
		if (!prev || prev->measure != it->measure)
			continue;
		struct rfp_where w = { .file = it->file->path, .line = it->line };

		if (it->min_level < prev->min_level) {
			rfp_diag(ctx, CAT_LEVELORDER, &w, it->id, rfp_level_name(it->min_level), prev->id, rfp_level_name(prev->min_level), it->measure->name);
			st = RFP_ERR_INVALID;
		}
		if (it->sort <= prev->sort) {
			rfp_diag(ctx, CAT_SORT, &w, it->id, (unsigned long long)it->sort, prev->id, (unsigned long long)prev->sort);
			st = RFP_ERR_INVALID;
		}
	}
	return st;
}

static enum rfp_status
check_params(struct rfp_ctx *ctx, const struct rfp_catalogue *cat)
{
	enum rfp_status st = RFP_OK;

	for (size_t i = 0; i < cat->nparams; i++) {
		const struct rfp_param *p = cat->params[i];
		struct rfp_where w = { .file = p->file->path, .line = p->line };

		/* Without a default for every level, 普 must be covered by the
		 * level-less default or the 普 one, or the text cannot render. */
		if (!p->defaults[RFP_LEVEL_NONE] && !p->defaults[RFP_LEVEL_LOW] &&
		    (p->defaults[RFP_LEVEL_MODERATE] || p->defaults[RFP_LEVEL_HIGH])) {
			rfp_diag(ctx, CAT_PARAM, &w, p->id);
			st = RFP_ERR_INVALID;
		}
		/* A default stated by a source names the source and the clause. */
		if (!p->suggested && (!p->source_title || !p->clause)) {
			rfp_diag(ctx, CAT_PARAM_BASIS, &w, p->id);
			st = RFP_ERR_INVALID;
		}
		/* Defaults by agency level: one for every level, and one for a
		 * request that names none, so that no level says nothing. */
		for (int l = RFP_AGENCY_LEVEL_NONE; p->has_by_agency && l <= RFP_AGENCY_LEVEL_E; l++) {
			if (l == RFP_AGENCY_LEVEL_NONE ? p->defaults[RFP_LEVEL_NONE] != NULL :
			    p->by_agency[l] != NULL)
				continue;
			rfp_diag(ctx, CAT_PARAM_AGENCY, &w, p->id, l ? rfp_agency_level_name(
			    (enum rfp_agency_level)l) : "a request without an agency level");
			st = RFP_ERR_INVALID;
		}
	}
	return st;
}

/* A service family's frequency="…" names a parameter of its file (the
 * schema checks that it is declared there). */
static enum rfp_status
check_families(struct rfp_ctx *ctx, struct rfp_catalogue *cat)
{
	enum rfp_status st = RFP_OK;

	for (size_t i = 0; i < cat->nfamilies; i++) {
		struct rfp_family *f = cat->families[i];
		const char *id = f->frequency_id;

		if (!id)
			continue;
		f->frequency = rfp_catalogue_param(cat, id, strlen(id));
		if (!f->frequency || f->service < 0) {
			rfp_diag(ctx, CAT_FREQUENCY, &(struct rfp_where){ .file = f->file->path,
			    .line = f->line }, f->id, id);
			st = RFP_ERR_INVALID;
		}
	}
	return st;
}

/* Every item must apply to at least one type and carry normative text. */
static enum rfp_status
check_items(struct rfp_ctx *ctx, const struct rfp_catalogue *cat)
{
	enum rfp_status st = RFP_OK;

	if (cat->nitems > ctx->limits.max_items) {
		rfp_diag(ctx, LIMIT_ITEMS, NULL, cat->nitems, ctx->limits.max_items);
		return RFP_ERR_LIMIT;
	}
	for (size_t i = 0; i < cat->nitems; i++) {
		const struct rfp_item *it = cat->items[i];
		struct rfp_where w = { .file = it->file->path, .line = it->line };

		if (!*it->text) {
			rfp_diag(ctx, CAT_EMPTY, &w, it->id);
			st = RFP_ERR_INVALID;
		}
	}
	return st;
}

/* A figure marked as stated by the source is one the item's prose prints. */
static enum rfp_status
check_stated(struct rfp_ctx *ctx, const struct rfp_catalogue *cat)
{
	enum rfp_status st = RFP_OK;

	for (size_t i = 0; i < cat->nitems; i++) {
		const struct rfp_item *it = cat->items[i];
		struct rfp_where w = { .file = it->file->path, .line = it->line };

		for (size_t k = 0; k < it->nstated; k++) {
			const char *f = it->stated[k].figure;

			if (*f && (strstr(it->text, f) || strstr(it->guidance, f) ||
			    strstr(it->verification, f)))
				continue;
			rfp_diag(ctx, CAT_STATED, &w, it->id, f);
			st = RFP_ERR_INVALID;
		}
	}
	return st;
}

enum rfp_status
rfp_catalogue_check(struct rfp_ctx *ctx, struct rfp_catalogue *cat)
{
	enum rfp_status st = RFP_OK, s;
	size_t nbase = 0;

	for (size_t i = 0; i < cat->nfiles; i++) {
		if (!cat->files[i].baseline)
			continue;
		nbase++;
		cat->baseline = &cat->files[i];
	}
	if (nbase != 1) {
		rfp_diag(ctx, CAT_BASELINE, NULL, nbase);
		st = RFP_ERR_INVALID;
	}
	if ((s = check_items(ctx, cat)) != RFP_OK)
		return s;
	if ((s = check_unique_ids(ctx, cat)) != RFP_OK)
		st = s;
	if ((s = check_level_order(ctx, cat)) != RFP_OK && !st)
		st = s;
	if ((s = check_params(ctx, cat)) != RFP_OK && !st)
		st = s;
	if ((s = check_stated(ctx, cat)) != RFP_OK && !st)
		st = s;
	if ((s = check_families(ctx, cat)) != RFP_OK && !st)
		st = s;
	return st;
}
