/* SPDX-License-Identifier: MIT */
/*
 * Machine-readable outputs for pipelines: a selection as JSON, CSV or
 * Markdown, and the difference between two selections (levels, types or
 * catalogue versions) matched by item id.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "select/select.h"
#include "util/buf.h"
#include "util/text.h"

bool
rfp_export_format_parse(const char *s, enum rfp_export_format *out)
{
	static const char *const names[] = { "text", "json", "csv", "md" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcasecmp(s, names[i]) == 0 || (i == 3 && strcasecmp(s, "markdown") == 0)) {
			*out = (enum rfp_export_format)i;
			return true;
		}
	}
	return false;
}

static const char *
levels_of(enum rfp_level min)
{
	static const char *const s[] = { "", "普 中 高", "中 高", "高" };

	return s[min];
}

static void
json_str(struct rfp_buf *b, const char *key, const char *val, bool comma)
{
	rfp_buf_addf(b, "\"%s\": \"", key);
	rfp_json_escape(b, val ? val : "");
	rfp_buf_adds(b, comma ? "\", " : "\"");
}

/* "excluded" or "included" (the tailoring that put si where it is), or "". */
static const char *
tailoring_name(const struct rfp_selected *si)
{
	if (!si->tailoring)
		return "";
	return si->tailoring->action == RFP_TAILOR_EXCLUDE ? "excluded" : "included";
}

static const char *
reason_of(const struct rfp_selected *si)
{
	return si->tailoring && si->tailoring->reason ? si->tailoring->reason : "";
}

static void
json_item(struct rfp_buf *b, const struct rfp_selected *si)
{
	const struct rfp_item *it = si->item;

	rfp_buf_adds(b, "{");
	json_str(b, "id", it->id, true);
	json_str(b, "no", it->label, true);
	json_str(b, "family", it->measure->family->name, true);
	json_str(b, "measure", it->measure->name, true);
	json_str(b, "min_level", rfp_level_name(it->min_level), true);
	json_str(b, "levels", levels_of(it->min_level), true);
	json_str(b, "types", it->types_text, true);
	if (it->services)
		json_str(b, "services", it->services_text, true);
	json_str(b, "party", rfp_party_name(it->party), true);
	json_str(b, "modality", rfp_modality_name(it->modality), true);
	if (it->condition_name)
		json_str(b, "condition", it->condition_name, true);
	json_str(b, "text", si->text, true);
	json_str(b, "guidance", si->guidance, true);
	json_str(b, "verification", si->verification, true);
	json_str(b, "source", it->source_title, true);
	json_str(b, "clause", it->clause, true);
	json_str(b, "source_kind", rfp_source_kind_name(it->source_kind), true);
	if (si->tailoring) {
		json_str(b, "tailoring", tailoring_name(si), true);
		json_str(b, "reason", si->tailoring->reason, true);
	}
	json_str(b, "catalogue", it->file->id, false);
	rfp_buf_adds(b, "}");
}

static void
json_selection_head(struct rfp_buf *b, const struct rfp_selection *sel)
{
	char sv[160];

	rfp_buf_adds(b, "{");
	json_str(b, "type", sel->has_type ? rfp_type_name(sel->type) : "", true);
	json_str(b, "level", rfp_level_name(sel->level), true);
	if (sel->services) {
		json_str(b, "services", rfp_services_text(sel->services, " ", sv, sizeof(sv)), true);
		json_str(b, "agency_level", rfp_agency_level_name(sel->agency_level), true);
	}
	json_str(b, "baseline", sel->cat->baseline->id, true);
	json_str(b, "baseline_version", sel->cat->baseline->version, false);
	rfp_buf_adds(b, "}");
}

static void
export_json(struct rfp_buf *b, const struct rfp_selection *sel)
{
	rfp_buf_adds(b, "{\"selection\": ");
	json_selection_head(b, sel);
	rfp_buf_adds(b, ",\n\"parameters\": {");
	for (size_t i = 0; i < sel->nparams; i++) {
		rfp_buf_adds(b, i ? ", \"" : "\"");
		rfp_json_escape(b, sel->params[i].param->id);
		rfp_buf_adds(b, "\": {");
		const struct rfp_resolved_param *rp = &sel->params[i];

		json_str(b, "label", rp->param->label, true);
		json_str(b, "value", rp->value, true);
		/* Where the value comes from: --set, or a default that a source
		 * states or that is only a suggestion (marked in the text). */
		json_str(b, "from", rp->set ? "set" : "default", true);
		json_str(b, "basis", rp->param->suggested ? "suggested" : "stated", true);
		if (rp->param->source_title)
			json_str(b, "source", rp->param->source_title, true);
		if (rp->param->clause)
			json_str(b, "clause", rp->param->clause, true);
		/* A default by the agency's 資通安全責任等級, and the caveat
		 * printed after a default (an unofficial source, say). */
		if (rp->param->has_by_agency)
			json_str(b, "agency_level", rfp_agency_level_name(sel->agency_level), true);
		if (rp->param->caveat && !rp->set)
			json_str(b, "caveat", rp->param->caveat, true);
		rfp_buf_addf(b, "\"marked_as_suggestion\": %s}", rp->noted ? "true" : "false");
	}
	rfp_buf_addf(b, "},\n\"count\": %zu,\n\"items\": [\n", sel->nitems);
	for (size_t i = 0; i < sel->nitems; i++) {
		json_item(b, &sel->items[i]);
		rfp_buf_adds(b, i + 1 < sel->nitems ? ",\n" : "\n");
	}
	rfp_buf_adds(b, "],\n\"agency_items\": [\n");
	for (size_t i = 0; i < sel->nduties; i++) {
		json_item(b, &sel->duties[i]);
		rfp_buf_adds(b, i + 1 < sel->nduties ? ",\n" : "\n");
	}
	/* The items the tailoring dropped, each with its reason. */
	rfp_buf_adds(b, "],\n\"excluded\": [\n");
	for (size_t i = 0; i < sel->nexcluded; i++) {
		json_item(b, &sel->excluded[i]);
		rfp_buf_adds(b, i + 1 < sel->nexcluded ? ",\n" : "\n");
	}
	rfp_buf_adds(b, "]}\n");
}

static void
export_csv(struct rfp_buf *b, const struct rfp_selection *sel)
{
	rfp_buf_adds(b, "id,no,family,measure,min_level,levels,types,party,modality,"
	    "condition,text,guidance,verification,source,clause,source_kind,tailoring,reason,"
	    "services\r\n");
	for (size_t i = 0; i < sel->nitems + sel->nduties + sel->nexcluded; i++) {
		const struct rfp_selected *si = i < sel->nitems ? &sel->items[i] :
		    i < sel->nitems + sel->nduties ? &sel->duties[i - sel->nitems] :
		    &sel->excluded[i - sel->nitems - sel->nduties];
		const struct rfp_item *it = si->item;
		const char *cells[] = { it->id, it->label, it->measure->family->name,
			it->measure->name, rfp_level_name(it->min_level), levels_of(it->min_level),
			it->types_text, rfp_party_name(it->party), rfp_modality_name(it->modality),
			it->condition_name ? it->condition_name : "", si->text, si->guidance,
			si->verification, it->source_title, it->clause,
			rfp_source_kind_name(it->source_kind), tailoring_name(si), reason_of(si),
			it->services_text };

		for (size_t k = 0; k < sizeof(cells) / sizeof(cells[0]); k++) {
			if (k)
				rfp_buf_addc(b, ',');
			rfp_csv_field(b, cells[k]);
		}
		rfp_buf_adds(b, "\r\n");
	}
}

/* One Markdown table row of n cells, each escaped. */
static void
md_row(struct rfp_buf *b, const char *const *cells, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		rfp_buf_adds(b, i ? " | " : "| ");
		rfp_md_cell(b, cells[i], "<br>");
	}
	rfp_buf_adds(b, " |\n");
}

static void
export_md(struct rfp_buf *b, const struct rfp_selection *sel)
{
	char scope[320];

	rfp_buf_addf(b, "# 資安需求項目：%s（%zu 項）\n\n",
	    rfp_selection_scope(sel, scope, sizeof(scope)), sel->nitems);
	rfp_buf_addf(b, "目錄：%s %s\n\n", sel->cat->baseline->id, sel->cat->baseline->version);
	if (sel->nparams) {
		rfp_buf_adds(b, "| 參數 | 說明 | 值 | 依據 |\n| --- | --- | --- | --- |\n");
		for (size_t i = 0; i < sel->nparams; i++) {
			const struct rfp_resolved_param *rp = &sel->params[i];

			rfp_buf_adds(b, "| ");
			rfp_md_cell(b, rp->param->id, "<br>");
			rfp_buf_adds(b, " | ");
			rfp_md_cell(b, rp->param->label, "<br>");
			rfp_buf_adds(b, " | ");
			rfp_md_cell(b, rp->value, "<br>");
			rfp_buf_adds(b, " | ");
			if (rp->set)
				rfp_buf_adds(b, "--set 指定");
			else if (rp->param->suggested)
				rfp_buf_adds(b, "建議值，機關得依需求調整");
			else {
				rfp_md_cell(b, rp->param->source_title ? rp->param->source_title : "", "<br>");
				rfp_buf_adds(b, "，");
				rfp_md_cell(b, rp->param->clause ? rp->param->clause : "", "<br>");
			}
			rfp_buf_adds(b, " |\n");
		}
		rfp_buf_adds(b, "\n");
	}
	rfp_buf_adds(b, "| 編號 | 識別碼 | 構面／措施 | 等級 | 需求 | 來源 |\n"
	    "| --- | --- | --- | --- | --- | --- |\n");
	for (size_t i = 0; i < sel->nitems; i++) {
		const struct rfp_selected *si = &sel->items[i];
		const struct rfp_item *it = si->item;

		rfp_buf_adds(b, "| ");
		rfp_md_cell(b, it->label, "<br>");
		rfp_buf_adds(b, " | ");
		rfp_md_cell(b, it->id, "<br>");
		rfp_buf_adds(b, " | ");
		rfp_md_cell(b, it->measure->family->name, "<br>");
		rfp_buf_adds(b, "／");
		rfp_md_cell(b, it->measure->name, "<br>");
		rfp_buf_addf(b, " | %s | ", it->min_level ? levels_of(it->min_level) :
		    it->services_text);
		rfp_md_cell(b, si->text, "<br>");
		if (si->tailoring) {
			rfp_buf_adds(b, "（機關增列");
			if (*reason_of(si))
				rfp_buf_adds(b, "：");
			rfp_md_cell(b, reason_of(si), "<br>");
			rfp_buf_adds(b, "）");
		}
		rfp_buf_adds(b, " | ");
		rfp_md_cell(b, it->source_title, "<br>");
		rfp_buf_adds(b, " |\n");
	}
	if (!sel->nexcluded)
		return;
	rfp_buf_adds(b, "\n## 不適用項目及理由\n\n| 編號 | 識別碼 | 需求 | 不適用理由 |\n"
	    "| --- | --- | --- | --- |\n");
	for (size_t i = 0; i < sel->nexcluded; i++) {
		const struct rfp_selected *si = &sel->excluded[i];
		const char *cells[] = { si->item->label, si->item->id, si->text, reason_of(si) };

		md_row(b, cells, 4);
	}
}

enum rfp_status
rfp_selection_export(const struct rfp_selection *sel, enum rfp_export_format fmt,
    char **out, size_t *len)
{
	struct rfp_buf b = RFP_BUF_INIT(256u << 20);

	if (!sel || !out || !len)
		return RFP_ERR_USAGE;
	switch (fmt) {
	case RFP_EXPORT_JSON: export_json(&b, sel); break;
	case RFP_EXPORT_CSV: export_csv(&b, sel); break;
	case RFP_EXPORT_MD: export_md(&b, sel); break;
	case RFP_EXPORT_TEXT: return RFP_ERR_USAGE;
	}
	return rfp_buf_take(&b, out, len);
}

/* ---- diff ----------------------------------------------------------- */

static const struct rfp_selected *
find(const struct rfp_selection *sel, const char *id)
{
	for (size_t i = 0; i < sel->nitems; i++)
		if (strcmp(sel->items[i].item->id, id) == 0)
			return &sel->items[i];
	return NULL;
}

static const struct rfp_selected *
find_excluded(const struct rfp_selection *sel, const char *id)
{
	for (size_t i = 0; i < sel->nexcluded; i++)
		if (strcmp(sel->excluded[i].item->id, id) == 0)
			return &sel->excluded[i];
	return NULL;
}

static bool
differ(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") != 0;
}

/* The names of the fields that differ, space-separated, into buf. */
static const char *
changes(const struct rfp_selected *a, const struct rfp_selected *b, char *buf, size_t len)
{
	const struct {
		bool differs;
		const char *name;
	} f[] = {
		{ differ(a->text, b->text), "text" },
		{ differ(a->guidance, b->guidance), "guidance" },
		{ differ(a->verification, b->verification), "verification" },
		{ differ(a->item->label, b->item->label), "no" },
		{ a->item->min_level != b->item->min_level, "min_level" },
		{ a->item->party != b->item->party, "party" },
		{ a->item->modality != b->item->modality, "modality" },
	};
	size_t at = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (f[i].differs && at < len)
			at += (size_t)snprintf(buf + at, len - at, "%s%s", at ? " " : "", f[i].name);
	return buf;
}

static void
diff_line(struct rfp_buf *b, enum rfp_export_format fmt, char mark, const struct rfp_selected *si,
    const struct rfp_selected *old, const char *what, bool *first)
{
	const struct rfp_item *it = si->item;

	switch (fmt) {
	case RFP_EXPORT_TEXT:
		rfp_buf_addf(b, "%c %s  %s  %s  %s／%s：%s\n", mark, it->id, it->label,
		    rfp_level_name(it->min_level), it->measure->family->name, it->measure->name,
		    si->text);
		if (old)
			rfp_buf_addf(b, "    changed: %s\n    was: %s\n", what, old->text);
		if (what && !old)
			rfp_buf_addf(b, "    %s\n", what);
		break;
	case RFP_EXPORT_MD:
		rfp_buf_addf(b, "| %c | ", mark);
		rfp_md_cell(b, it->id, "<br>");
		rfp_buf_adds(b, " | ");
		rfp_md_cell(b, it->label, "<br>");
		rfp_buf_addf(b, " | %s | ", rfp_level_name(it->min_level));
		rfp_md_cell(b, si->text, "<br>");
		rfp_buf_adds(b, " | ");
		rfp_md_cell(b, what ? what : "", "<br>");
		rfp_buf_adds(b, " |\n");
		break;
	case RFP_EXPORT_JSON:
		rfp_buf_adds(b, *first ? "\n" : ",\n");
		if (old) {
			rfp_buf_adds(b, "{");
			json_str(b, "id", it->id, true);
			json_str(b, "fields", what, true);
			rfp_buf_adds(b, "\"from\": ");
			json_item(b, old);
			rfp_buf_adds(b, ", \"to\": ");
			json_item(b, si);
			rfp_buf_adds(b, "}");
		} else {
			json_item(b, si);
		}
		break;
	case RFP_EXPORT_CSV:
		rfp_buf_adds(b, mark == '+' ? "added," : mark == '-' ? "removed," : "changed,");
		rfp_csv_field(b, it->id);
		rfp_buf_addc(b, ',');
		rfp_csv_field(b, it->label);
		rfp_buf_addc(b, ',');
		rfp_csv_field(b, what ? what : "");
		rfp_buf_addc(b, ',');
		rfp_csv_field(b, si->text);
		rfp_buf_adds(b, "\r\n");
		break;
	}
	*first = false;
}

static void
describe(struct rfp_buf *b, const struct rfp_selection *s)
{
	char sv[160];

	if (s->has_type)
		rfp_buf_addf(b, "%s/%s", rfp_type_name(s->type), rfp_level_name(s->level));
	if (s->services)
		rfp_buf_addf(b, "%s%s%s%s", s->has_type ? "+" : "",
		    rfp_services_text(s->services, "+", sv, sizeof(sv)), s->agency_level ? "/" : "",
		    rfp_agency_level_name(s->agency_level));
	rfp_buf_addf(b, " (%s %s)", s->cat->baseline->id, s->cat->baseline->version);
}

enum rfp_status
rfp_selection_diff(const struct rfp_selection *from, const struct rfp_selection *to,
    enum rfp_export_format fmt, char **out, size_t *len, size_t counts[3])
{
	struct rfp_buf b = RFP_BUF_INIT(256u << 20);
	static const char *const json_keys[] = { "added", "removed", "changed" };
	size_t n[3] = { 0, 0, 0 };

	if (!from || !to || !out || !len)
		return RFP_ERR_USAGE;
	if (fmt == RFP_EXPORT_JSON) {
		rfp_buf_adds(&b, "{\"from\": ");
		json_selection_head(&b, from);
		rfp_buf_adds(&b, ", \"to\": ");
		json_selection_head(&b, to);
	} else if (fmt == RFP_EXPORT_MD) {
		rfp_buf_adds(&b, "# 資安需求差異\n\n");
		describe(&b, from);
		rfp_buf_adds(&b, " → ");
		describe(&b, to);
		rfp_buf_adds(&b, "\n\n| | 識別碼 | 編號 | 等級 | 需求 | 變更欄位 |\n| --- | --- | --- | --- | --- | --- |\n");
	} else if (fmt == RFP_EXPORT_CSV) {
		rfp_buf_adds(&b, "change,id,no,fields,text\r\n");
	} else {
		rfp_buf_adds(&b, "rfpgen diff: ");
		describe(&b, from);
		rfp_buf_adds(&b, " → ");
		describe(&b, to);
		rfp_buf_adds(&b, "\n");
	}
	/* Three passes, so each kind is grouped: added, removed, changed. */
	for (int kind = 0; kind < 3; kind++) {
		const struct rfp_selection *s = kind == 1 ? from : to;
		bool first = true;
		/* The changed fields' names are short and ASCII; a tailored
		 * item's note holds the officer's reason, of any length, so it
		 * is built in a buffer rather than cut (a cut could split a
		 * UTF-8 sequence). */
		char what[128];
		struct rfp_buf note = RFP_BUF_INIT(256u << 20);

		if (fmt == RFP_EXPORT_JSON)
			rfp_buf_addf(&b, ", \"%s\": [", json_keys[kind]);
		for (size_t i = 0; i < s->nitems; i++) {
			const struct rfp_selected *si = &s->items[i];
			const struct rfp_selected *other = find(kind == 1 ? to : from, si->item->id);

			if (kind < 2 && !other) {
				/* What the tailoring of "to" did to it, with the reason. */
				const struct rfp_selected *ex = kind == 1 ? find_excluded(to, si->item->id) :
				    si->tailoring ? si : NULL;

				rfp_buf_reset(&note);
				if (ex) {
					rfp_buf_adds(&note, ex->tailoring->action == RFP_TAILOR_EXCLUDE ?
					    "不適用" : "機關增列");
					if (*reason_of(ex)) {
						rfp_buf_adds(&note, "：");
						rfp_buf_adds(&note, reason_of(ex));
					}
					if (note.err && !b.err)
						b.err = note.err;	/* reported as the diff's */
				}
				diff_line(&b, fmt, kind == 0 ? '+' : '-', ex ? ex : si, NULL,
				    ex ? note.ptr : NULL, &first);
				n[kind]++;
			} else if (kind == 2 && other && *changes(other, si, what, sizeof(what))) {
				diff_line(&b, fmt, '~', si, other, what, &first);
				n[2]++;
			}
		}
		rfp_buf_fini(&note);
		if (fmt == RFP_EXPORT_JSON)
			rfp_buf_adds(&b, "]");
	}
	if (fmt == RFP_EXPORT_JSON)
		rfp_buf_addf(&b, ", \"counts\": {\"added\": %zu, \"removed\": %zu, \"changed\": %zu}}\n",
		    n[0], n[1], n[2]);
	else if (fmt == RFP_EXPORT_TEXT || fmt == RFP_EXPORT_MD)
		rfp_buf_addf(&b, "\n%zu added, %zu removed, %zu changed\n", n[0], n[1], n[2]);
	if (counts)
		memcpy(counts, n, sizeof(n));
	return rfp_buf_take(&b, out, len);
}
