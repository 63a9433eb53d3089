/* SPDX-License-Identifier: MIT */
/*
 * Selection: an item applies when the request's type is among its types and
 * its min-level is at or below the requested level (levels are cumulative).
 * Parameter inserts are replaced here, so every later stage sees plain text.
 * Precedence: a --set value, then the default for the highest level at or
 * below the requested one, then the level-less default. A default of a
 * parameter whose basis is not "stated" is a suggestion: the note
 * RFP_SUGGESTION_NOTE, naming the parameter, follows the value. A value
 * given with --set gets no note.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "select/select.h"
#include "util/buf.h"
#include "util/ctx.h"
#include "util/text.h"

/* The value of p for this request; *set tells whether --set gave it. */
static const char *
param_value(const struct rfp_param *p, const struct rfp_request *req,
    enum rfp_level level, bool *set)
{
	*set = false;
	for (size_t i = 0; i < req->nparams; i++) {
		if (strcmp(req->params[i].name, p->id) == 0) {
			*set = true;
			return req->params[i].value;
		}
	}
	for (int l = (int)level; l >= RFP_LEVEL_NONE; l--)
		if (p->defaults[l])
			return p->defaults[l];
	return NULL;
}

/* Records a parameter's value once, for exports. */
static void
note_param(struct rfp_selection *sel, const struct rfp_param *p, const char *v, bool set)
{
	for (size_t i = 0; i < sel->nparams; i++)
		if (sel->params[i].param == p)
			return;
	if (sel->nparams < sel->cat->nparams)
		sel->params[sel->nparams++] = (struct rfp_resolved_param){ p, v, set,
		    p->suggested && !set };
}

static enum rfp_status
resolve(struct rfp_ctx *ctx, struct rfp_selection *sel, const struct rfp_request *req,
    const struct rfp_item *it, const char *s, const char **out)
{
	struct rfp_buf b = RFP_BUF_INIT(1u << 20);
	enum rfp_status st = RFP_OK;
	const char *m, *e, *v;
	const struct rfp_param *p;
	bool set = false;

	if (!strchr(s, RFP_PARAM_MARK)) {
		*out = s;	/* no inserts: share the catalogue's string */
		return RFP_OK;
	}
	while ((m = strchr(s, RFP_PARAM_MARK)) != NULL) {
		rfp_buf_add(&b, s, (size_t)(m - s));
		e = strchr(m + 1, RFP_PARAM_MARK);
		p = rfp_catalogue_param(sel->cat, m + 1, (size_t)(e - m - 1));
		v = p ? param_value(p, req, sel->level, &set) : NULL;
		if (v)
			note_param(sel, p, v, set);
		if (!v) {
			struct rfp_where w = { .file = it->file->path, .line = it->line };

			rfp_diag(ctx, PARAM_UNSET, &w, it->id, (int)(e - m - 1), m + 1);
			st = RFP_ERR_INVALID;
			v = "";
		}
		rfp_buf_adds(&b, v);
		if (p && p->suggested && !set && *v)
			rfp_buf_addf(&b, RFP_SUGGESTION_NOTE, p->id);
		s = e + 1;
	}
	rfp_buf_adds(&b, s);
	if (b.err == RFP_ERR_LIMIT && !st)
		rfp_diag(ctx, LIMIT_PARAM, &(struct rfp_where){ .file = it->file->path,
		    .line = it->line }, it->id, b.max);
	if (b.err && !st)
		st = b.err;
	if (!st) {
		*out = rfp_arena_strndup(&sel->arena, b.ptr, b.len);
		if (!*out)
			st = RFP_ERR_NOMEM;
	}
	rfp_buf_fini(&b);
	return st;
}

static enum rfp_status
check_overrides(struct rfp_ctx *ctx, const struct rfp_catalogue *cat,
    const struct rfp_request *req)
{
	enum rfp_status st = RFP_OK;

	for (size_t i = 0; i < req->nparams; i++) {
		const char *n = req->params[i].name;

		if (rfp_catalogue_param(cat, n, strlen(n)))
			continue;
		rfp_diag(ctx, PARAM_UNKNOWN, NULL, n);
		st = RFP_ERR_USAGE;
	}
	return st;
}

/* Text that goes into a document: UTF-8 of XML 1.0 characters only. */
static enum rfp_status
check_text(struct rfp_ctx *ctx, const char *what, const char *s)
{
	size_t bad;

	if (!s || rfp_text_check(s, strlen(s), &bad))
		return RFP_OK;
	if ((unsigned char)s[bad] < 0x20)
		rfp_diag(ctx, REQ_CONTROL, NULL, what, (unsigned char)s[bad], bad);
	else
		rfp_diag(ctx, REQ_UTF8, NULL, what, bad);
	return RFP_ERR_USAGE;
}

static enum rfp_status
check_request_text(struct rfp_ctx *ctx, const struct rfp_request *req)
{
	enum rfp_status st = RFP_OK, s;

	if ((s = check_text(ctx, "agency", req->agency)) != RFP_OK)
		st = s;
	if ((s = check_text(ctx, "project", req->project)) != RFP_OK)
		st = s;
	for (size_t i = 0; i < req->nparams; i++)
		if ((s = check_text(ctx, req->params[i].name, req->params[i].value)) != RFP_OK)
			st = s;
	return st;
}

static const char *
dup_or_null(struct rfp_selection *sel, const char *s, enum rfp_status *st)
{
	char *d;

	if (!s)
		return NULL;
	d = rfp_arena_strdup(&sel->arena, s);
	if (!d)
		*st = RFP_ERR_NOMEM;
	return d;
}

enum rfp_status
rfp_select(struct rfp_ctx *ctx, const struct rfp_catalogue *cat,
    const struct rfp_request *req, struct rfp_selection **out)
{
	struct rfp_selection *sel;
	enum rfp_status st = RFP_OK, s;
	size_t i, n = 0;

	if (!ctx || !cat || !req || !out || (unsigned)req->type >= RFP_TYPE_COUNT)
		return RFP_ERR_USAGE;
	if (req->level == RFP_LEVEL_NONE && !req->has_impact)
		return RFP_ERR_USAGE;
	if ((st = check_request_text(ctx, req)) != RFP_OK ||
	    (st = check_overrides(ctx, cat, req)) != RFP_OK)
		return st;
	sel = calloc(1, sizeof(*sel));
	if (!sel)
		return RFP_ERR_NOMEM;
	sel->cat = cat;
	sel->type = req->type;
	sel->has_impact = req->has_impact;
	sel->conditions = req->conditions;
	sel->agency_checklist = req->agency_checklist;
	sel->impact = req->impact;
	sel->level = req->level != RFP_LEVEL_NONE ? req->level : rfp_impact_level(&req->impact);
	sel->agency = dup_or_null(sel, req->agency, &st);
	sel->project = dup_or_null(sel, req->project, &st);
	sel->date = dup_or_null(sel, req->date, &st);
	sel->items = calloc(cat->nitems ? cat->nitems : 1, sizeof(*sel->items));
	sel->duties = calloc(cat->nitems ? cat->nitems : 1, sizeof(*sel->duties));
	sel->params = calloc(cat->nparams ? cat->nparams : 1, sizeof(*sel->params));
	if (!sel->items || !sel->duties || !sel->params)
		st = RFP_ERR_NOMEM;
	for (i = 0; i < cat->nitems && st != RFP_ERR_NOMEM; i++) {
		const struct rfp_item *it = cat->items[i];
		struct rfp_selected *si;

		if (!(it->types & (1u << req->type)) || it->min_level > sel->level ||
		    (it->condition && !(it->condition & req->conditions)))
			continue;
		/* The agency's own duties never become vendor obligations. */
		if (it->party == RFP_PARTY_AGENCY) {
			if (!req->agency_checklist)
				continue;
			si = &sel->duties[sel->nduties++];
		} else {
			si = &sel->items[n++];
		}
		si->item = it;
		if ((s = resolve(ctx, sel, req, it, it->text, &si->text)) != RFP_OK ||
		    (s = resolve(ctx, sel, req, it, it->guidance, &si->guidance)) != RFP_OK ||
		    (s = resolve(ctx, sel, req, it, it->verification, &si->verification)) != RFP_OK)
			st = st ? st : s;
	}
	sel->nitems = n;
	if (st) {
		rfp_selection_free(sel);
		return st;
	}
	*out = sel;
	return RFP_OK;
}

void
rfp_selection_free(struct rfp_selection *sel)
{
	if (!sel)
		return;
	free(sel->items);
	free(sel->duties);
	free(sel->params);
	rfp_arena_fini(&sel->arena);
	free(sel);
}

size_t
rfp_selection_count(const struct rfp_selection *sel)
{
	return sel->nitems;
}

enum rfp_level
rfp_selection_level(const struct rfp_selection *sel)
{
	return sel->level;
}

size_t
rfp_selection_agency_count(const struct rfp_selection *sel)
{
	return sel->nduties;
}

static void
view(const struct rfp_selected *si, struct rfp_item_view *out)
{
	const struct rfp_item *it = si->item;

	*out = (struct rfp_item_view){
		.id = it->id,
		.label = it->label,
		.family = it->measure->family->name,
		.measure = it->measure->name,
		.text = si->text,
		.guidance = si->guidance,
		.verification = si->verification,
		.modality = rfp_modality_name(it->modality),
		.party = rfp_party_name(it->party),
		.source = it->source_title,
		.clause = it->clause,
		.min_level = it->min_level,
		.condition = it->condition_name,
		.types = it->types_text,
	};
}

void
rfp_selection_item(const struct rfp_selection *sel, size_t i, struct rfp_item_view *out)
{
	view(&sel->items[i], out);
}

void
rfp_selection_agency_item(const struct rfp_selection *sel, size_t i, struct rfp_item_view *out)
{
	view(&sel->duties[i], out);
}
