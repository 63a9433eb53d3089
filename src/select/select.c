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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "select/select.h"
#include "util/buf.h"
#include "util/ctx.h"
#include "util/text.h"

/* The value of p for this request; *set tells whether --set gave it. A
 * default for the agency's 資通安全責任等級 wins over the level defaults. */
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
	if ((unsigned)req->agency_level <= RFP_AGENCY_LEVEL_E && p->by_agency[req->agency_level])
		return p->by_agency[req->agency_level];
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
		if (p && p->caveat && !set && *v)
			rfp_buf_addf(&b, RFP_CAVEAT_NOTE, p->caveat);
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

/* A --field name: ASCII, so that {{NAME}} is a tag name in any template.
 * That it is no built-in field is checked where the fields are (annex). */
static bool
field_name_ok(const char *n)
{
	size_t len = strlen(n);

	if (len == 0 || len > 32 || n[0] < 'a' || n[0] > 'z')
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((n[i] >= 'a' && n[i] <= 'z') || (n[i] >= '0' && n[i] <= '9') || n[i] == '_'))
			return false;
	return true;
}

static enum rfp_status
check_fields(struct rfp_ctx *ctx, const struct rfp_request *req)
{
	enum rfp_status st = RFP_OK, s;

	for (size_t i = 0; i < req->nfields; i++) {
		const struct rfp_field_value *f = &req->fields[i];

		if (!field_name_ok(f->name)) {
			rfp_diag(ctx, FIELD_NAME, NULL, f->name, f->name);
			st = RFP_ERR_USAGE;
		} else if ((s = check_text(ctx, f->name, f->value)) != RFP_OK) {
			st = s;
		}
	}
	return st;
}

/*
 * Finds the item each tailoring line names: tail[k] is the line for
 * cat->items[k], or NULL. Every line is checked, so that one run shows
 * every mistake.
 */
static enum rfp_status
find_tailored(struct rfp_ctx *ctx, const struct rfp_catalogue *cat,
    const struct rfp_request *req, const struct rfp_tailoring **tail)
{
	enum rfp_status st = RFP_OK;

	for (size_t i = 0; i < req->ntailoring; i++) {
		const struct rfp_tailoring *t = &req->tailoring[i];
		struct rfp_where w = { .file = t->file, .line = t->line };
		long k = rfp_catalogue_find(cat, t->id);

		if (k < 0) {
			const char *near = rfp_catalogue_suggest(cat, t->id);
			char hint[160];

			if (near) {
				snprintf(hint, sizeof(hint), "did you mean %s?", near);
				rfp_diag_hint(ctx, TAILOR_UNKNOWN, hint, t->file ? &w : NULL, t->id, t->id);
			} else {
				rfp_diag(ctx, TAILOR_UNKNOWN, t->file ? &w : NULL, t->id, t->id);
			}
			st = RFP_ERR_USAGE;
		} else if (tail[k]) {
			rfp_diag(ctx, TAILOR_TWICE, t->file ? &w : NULL, t->id, cat->items[k]->id);
			st = RFP_ERR_USAGE;
		} else if (check_text(ctx, t->id, t->reason) != RFP_OK) {
			st = RFP_ERR_USAGE;
		} else {
			tail[k] = t;
		}
	}
	return st;
}

/* Whether the tailoring line t may apply to it, which the request's type,
 * level and conditions select (matches) or not. */
static enum rfp_status
check_tailoring(struct rfp_ctx *ctx, const struct rfp_selection *sel,
    const struct rfp_tailoring *t, const struct rfp_item *it, bool matches)
{
	struct rfp_where w = { .file = t->file, .line = t->line };
	const struct rfp_where *at = t->file ? &w : NULL;

	if (t->action == RFP_TAILOR_EXCLUDE) {
		if (!matches || (it->party == RFP_PARTY_AGENCY && !sel->agency_checklist)) {
			char what[256];

			rfp_diag(ctx, TAILOR_NOT_SELECTED, at, t->id, it->id,
			    rfp_selection_scope(sel, what, sizeof(what)),
			    sel->has_type ? rfp_level_name(sel->level) : "—");
		}
		else if (it->binding)
			rfp_diag(ctx, TAILOR_LEGAL, at, t->id, it->id, it->source_title, it->clause);
		else if (!t->reason || !*t->reason)
			rfp_diag(ctx, TAILOR_REASON, at, t->id, it->id);
		else
			return RFP_OK;
		return RFP_ERR_USAGE;
	}
	if (it->party == RFP_PARTY_AGENCY)
		rfp_diag(ctx, TAILOR_AGENCY, at, t->id, it->id);
	else if (matches)
		rfp_diag(ctx, TAILOR_SELECTED, at, t->id, it->id);
	else
		return RFP_OK;
	return RFP_ERR_USAGE;
}

const char *
rfp_services_text(unsigned services, const char *sep, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (unsigned v = 0; v < RFP_SERVICE_COUNT; v++)
		if (services & (1u << v) && at < len)
			at += (size_t)snprintf(buf + at, len - at, "%s%s", at ? sep : "",
			    rfp_service_name((enum rfp_service)v));
	return buf;
}

const char *
rfp_selection_scope(const struct rfp_selection *sel, char *buf, size_t len)
{
	char sv[160];
	int n = 0;

	buf[0] = '\0';
	if (sel->has_type)
		n = snprintf(buf, len, "%s／%s", rfp_type_name(sel->type), rfp_level_name(sel->level));
	if (sel->services && n >= 0 && (size_t)n < len) {
		rfp_services_text(sel->services, "、", sv, sizeof(sv));
		snprintf(buf + n, len - (size_t)n, "%s%s%s%s%s", sel->has_type ? "＋" : "", sv,
		    sel->agency_level ? "（" : "", rfp_agency_level_name(sel->agency_level),
		    sel->agency_level ? "級機關）" : "");
	}
	return buf;
}

/* A service annex without the agency's level states every level's
 * frequency: said once, naming the services whose frequencies they are. */
static void
warn_agency_level(struct rfp_ctx *ctx, const struct rfp_selection *sel)
{
	unsigned which = 0;
	char names[160];

	if (sel->agency_level || !sel->services)
		return;
	for (size_t i = 0; i < sel->nparams; i++) {
		const struct rfp_param *p = sel->params[i].param;
		unsigned of = 0;

		if (!p->has_by_agency || sel->params[i].set)
			continue;
		for (size_t f = 0; f < sel->cat->nfamilies; f++)
			if (sel->cat->families[f]->frequency == p && sel->cat->families[f]->service >= 0)
				of |= 1u << sel->cat->families[f]->service;
		which |= of & sel->services ? of & sel->services : sel->services;
	}
	if (which)
		rfp_diag(ctx, SERVICE_AGENCY_LEVEL, NULL,
		    rfp_services_text(which, "、", names, sizeof(names)));
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
	const struct rfp_tailoring **tail;
	enum rfp_status st = RFP_OK, s;
	size_t i, n = 0;

	if (!ctx || !cat || !req || !out || (req->services >> RFP_SERVICE_COUNT) ||
	    (unsigned)req->agency_level > RFP_AGENCY_LEVEL_E)
		return RFP_ERR_USAGE;
	if (req->service_only && !req->services) {
		rfp_diag(ctx, REQ_EMPTY, NULL);
		return RFP_ERR_USAGE;
	}
	if (!req->service_only && ((unsigned)req->type >= RFP_TYPE_COUNT ||
	    (req->level == RFP_LEVEL_NONE && !req->has_impact)))
		return RFP_ERR_USAGE;
	if ((st = check_request_text(ctx, req)) != RFP_OK ||
	    (st = check_overrides(ctx, cat, req)) != RFP_OK ||
	    (st = check_fields(ctx, req)) != RFP_OK)
		return st;
	sel = calloc(1, sizeof(*sel));
	if (!sel)
		return RFP_ERR_NOMEM;
	tail = calloc(cat->nitems ? cat->nitems : 1, sizeof(*tail));
	if (!tail) {
		free(sel);
		return RFP_ERR_NOMEM;
	}
	sel->cat = cat;
	sel->type = req->type;
	sel->has_type = !req->service_only;
	sel->services = req->services;
	sel->agency_level = req->agency_level;
	sel->has_impact = req->has_impact && sel->has_type;
	sel->conditions = req->conditions;
	sel->agency_checklist = req->agency_checklist;
	sel->impact = req->impact;
	sel->level = !sel->has_type ? RFP_LEVEL_NONE : req->level != RFP_LEVEL_NONE ? req->level :
	    rfp_impact_level(&req->impact);
	sel->agency = dup_or_null(sel, req->agency, &st);
	sel->project = dup_or_null(sel, req->project, &st);
	sel->date = dup_or_null(sel, req->date, &st);
	sel->items = calloc(cat->nitems ? cat->nitems : 1, sizeof(*sel->items));
	sel->duties = calloc(cat->nitems ? cat->nitems : 1, sizeof(*sel->duties));
	sel->excluded = calloc(cat->nitems ? cat->nitems : 1, sizeof(*sel->excluded));
	sel->params = calloc(cat->nparams ? cat->nparams : 1, sizeof(*sel->params));
	sel->fields = calloc(req->nfields ? req->nfields : 1, sizeof(*sel->fields));
	if (!sel->items || !sel->duties || !sel->excluded || !sel->params || !sel->fields)
		st = RFP_ERR_NOMEM;
	for (i = 0; i < req->nfields && !st; i++) {
		sel->fields[i].name = dup_or_null(sel, req->fields[i].name, &st);
		sel->fields[i].value = dup_or_null(sel, req->fields[i].value ? req->fields[i].value :
		    "", &st);
		sel->nfields++;
	}
	/* Every parameter, for {{param.NAME}}: its value as an item shows it. */
	sel->param_values = calloc(cat->nparams ? cat->nparams : 1, sizeof(*sel->param_values));
	if (!sel->param_values)
		st = RFP_ERR_NOMEM;
	for (i = 0; i < cat->nparams && !st; i++) {
		const struct rfp_param *p = cat->params[i];
		bool set;
		const char *v = param_value(p, req, sel->level, &set);
		struct rfp_buf b = RFP_BUF_INIT(1u << 20);

		if (!v)
			continue;
		rfp_buf_adds(&b, v);
		if (p->caveat && !set && *v)
			rfp_buf_addf(&b, RFP_CAVEAT_NOTE, p->caveat);
		if (p->suggested && !set && *v)
			rfp_buf_addf(&b, RFP_SUGGESTION_NOTE, p->id);
		if (b.err || !(sel->param_values[i] = rfp_arena_strndup(&sel->arena, b.ptr, b.len)))
			st = b.err == RFP_ERR_LIMIT ? RFP_ERR_LIMIT : RFP_ERR_NOMEM;
		rfp_buf_fini(&b);
	}
	if (!st)
		st = find_tailored(ctx, cat, req, tail);
	for (i = 0; i < cat->nitems && st != RFP_ERR_NOMEM; i++) {
		const struct rfp_item *it = cat->items[i];
		const struct rfp_tailoring *t = tail[i];
		struct rfp_selected *si;
		/* By type and level, or by service (whatever the level): an item
		 * that both select is listed once. */
		bool matches = ((sel->has_type && (it->types & (1u << req->type)) &&
		    it->min_level <= sel->level) || (it->services & req->services)) &&
		    (!it->condition || (it->condition & req->conditions));

		if (t && (s = check_tailoring(ctx, sel, t, it, matches)) != RFP_OK) {
			st = st ? st : s;
			continue;
		}
		if (t && t->action == RFP_TAILOR_EXCLUDE) {
			si = &sel->excluded[sel->nexcluded++];
		} else if (!matches && !t) {
			continue;
		} else if (it->party == RFP_PARTY_AGENCY) {
			/* The agency's own duties never become vendor obligations. */
			if (!req->agency_checklist)
				continue;
			si = &sel->duties[sel->nduties++];
		} else {
			si = &sel->items[n++];
			sel->nincluded += t != NULL;
		}
		si->item = it;
		si->tailoring = t;
		if ((s = resolve(ctx, sel, req, it, it->text, &si->text)) != RFP_OK ||
		    (s = resolve(ctx, sel, req, it, it->guidance, &si->guidance)) != RFP_OK ||
		    (s = resolve(ctx, sel, req, it, it->verification, &si->verification)) != RFP_OK)
			st = st ? st : s;
	}
	sel->nitems = n;
	free(tail);
	if (!st)
		warn_agency_level(ctx, sel);
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
	free(sel->excluded);
	free(sel->params);
	free(sel->param_values);
	free(sel->fields);
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

unsigned
rfp_selection_services(const struct rfp_selection *sel)
{
	return sel->services;
}

bool
rfp_selection_has_type(const struct rfp_selection *sel)
{
	return sel->has_type;
}

enum rfp_agency_level
rfp_selection_agency_level(const struct rfp_selection *sel)
{
	return sel->agency_level;
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
		.tailoring = !si->tailoring ? NULL :
		    si->tailoring->action == RFP_TAILOR_EXCLUDE ? "排除" : "增列",
		.reason = si->tailoring && si->tailoring->reason && *si->tailoring->reason ?
		    si->tailoring->reason : NULL,
		.services = it->services_text ? it->services_text : "",
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

size_t
rfp_selection_excluded_count(const struct rfp_selection *sel)
{
	return sel->nexcluded;
}

void
rfp_selection_excluded_item(const struct rfp_selection *sel, size_t i, struct rfp_item_view *out)
{
	view(&sel->excluded[i], out);
}
