/* SPDX-License-Identifier: MIT */
/*
 * The annex data model. Field names here are the template language's public
 * vocabulary: renaming one breaks agencies' templates.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "annex/annex.h"
#include "util/buf.h"
#include "util/text.h"

#define BLANK "○○○○○○"

static const char *
zh_number(struct rfp_arena *a, size_t n)
{
	static const char *const digits[] = { "", "一", "二", "三", "四", "五",
		"六", "七", "八", "九" };
	char buf[32];

	if (n < 10)
		return digits[n];
	if (n < 100) {
		snprintf(buf, sizeof(buf), "%s十%s", n / 10 > 1 ? digits[n / 10] : "",
		    digits[n % 10]);
		return rfp_arena_strdup(a, buf);
	}
	snprintf(buf, sizeof(buf), "%zu", n);
	return rfp_arena_strdup(a, buf);
}

static const char *
fmt(struct rfp_arena *a, const char *f, ...) __attribute__((format(printf, 2, 3)));

static const char *
fmt(struct rfp_arena *a, const char *f, ...)
{
	struct rfp_buf b = RFP_BUF_INIT(1u << 16);
	const char *s;
	va_list ap;

	va_start(ap, f);
	rfp_buf_vaddf(&b, f, ap);
	va_end(ap);
	s = b.err ? NULL : rfp_arena_strndup(a, b.ptr, b.len);
	rfp_buf_fini(&b);
	return s;
}

/* a + sep + b in the arena; the per-item path avoids printf. */
static const char *
join(struct rfp_arena *ar, const char *a, const char *sep, const char *b)
{
	size_t la = strlen(a), ls = strlen(sep), lb = strlen(b);
	char *s = rfp_arena_alloc(ar, la + ls + lb + 1);

	if (s) {
		memcpy(s, a, la);
		memcpy(s + la, sep, ls);
		memcpy(s + la + ls, b, lb + 1);
	}
	return s;
}

static const char *
level_basis(struct rfp_arena *a, const struct rfp_selection *sel)
{
	if (!sel->has_impact)
		return "依機關核定之資通系統防護需求等級";
	return fmt(a, "依資通安全責任等級分級辦法附表九，機密性%s、完整性%s、"
	    "可用性%s、法律遵循性%s，取其最高者",
	    rfp_level_name(sel->impact.c), rfp_level_name(sel->impact.i),
	    rfp_level_name(sel->impact.a), rfp_level_name(sel->impact.l));
}

static const char *
catalogue_version(struct rfp_arena *a, const struct rfp_catalogue *cat)
{
	struct rfp_buf b = RFP_BUF_INIT(1u << 16);
	const char *s;

	rfp_buf_addf(&b, "%s %s", cat->baseline->id, cat->baseline->version);
	for (size_t i = 0; i < cat->nfiles; i++)
		if (&cat->files[i] != cat->baseline)
			rfp_buf_addf(&b, "；%s %s", cat->files[i].id, cat->files[i].version);
	s = b.err ? NULL : rfp_arena_strndup(a, b.ptr, b.len);
	rfp_buf_fini(&b);
	return s;
}

#define ITEM_FIELDS(list) \
	{ "no", list, false }, { "id", list, false }, { "measure", list, false }, \
	{ "family_name", list, false }, { "text", list, false }, \
	{ "modality", list, false }, { "party", list, false }, { "min_level", list, false }, \
	{ "legal", list, false }, { "source_kind", list, false }, { "added", list, false }

/* --field names that the shipped templates' cover shows, with the label it
 * shows them under (docs/templates.md). */
#define COVER_FIELDS(X) \
	X("case_no", "案號") X("contact", "承辦人") X("phone", "聯絡電話") \
	X("budget", "預算金額") X("period", "履約期間") \
	/* A service's scope (docs/templates.md): targets, places, SOC tier, \
	 * social-engineering participants. */ \
	X("target_ips", "標的IP數量") X("target_urls", "標的網址（URL）數量") \
	X("targets", "標的範圍") X("sites", "服務場所") X("soc_tier", "監控流量級距") \
	X("participants", "演練對象人數")
#define COVER_LABEL(name, label) { name, label },
#define COVER_ENTRY(name, label) { name, NULL, false },
static const struct {
	const char *name, *label;
} cover_fields[] = { COVER_FIELDS(COVER_LABEL) };

#define NOTICE_FIELDS(list) \
	{ "notice_title", list, false }, { "notice_text", list, false }

static const struct rfp_dict_entry dict_entries[] = {
	{ "title", NULL, false }, { "agency", NULL, false }, { "project", NULL, false },
	{ "type", NULL, false }, { "level", NULL, false }, { "level_basis", NULL, false },
	{ "catalogue_title", NULL, false }, { "catalogue_version", NULL, false },
	{ "legal_basis", NULL, false }, { "amended", NULL, false }, { "notice", NULL, false },
	{ "generator", NULL, false }, { "date", NULL, false }, { "item_count", NULL, false },
	{ "has_agency_items", NULL, false },
	{ "type_consulting", NULL, false }, { "type_development", NULL, false },
	{ "type_operations", NULL, false }, { "type_cloud", NULL, false },
	{ "level_low", NULL, false }, { "level_moderate", NULL, false },
	{ "level_high", NULL, false }, { "core_or_large", NULL, false },
	{ "eu_personal_data", NULL, false }, { "classified", NULL, false },
	{ "agency_checklist", NULL, false },
	{ "impact", NULL, true },
	{ "c", "impact", false }, { "i", "impact", false }, { "a", "impact", false },
	{ "l", "impact", false },
	{ "families", NULL, true },
	{ "family_no", "families", false }, { "family_name", "families", false },
	{ "family_id", "families", false }, { "family_notice", "families", false },
	{ "items", "families", true },
	ITEM_FIELDS("items"),
	{ "guidance", "items", false }, { "verification", "items", false },
	{ "source", "items", false },
	{ "checklist", NULL, true },
	ITEM_FIELDS("checklist"),
	{ "p", "checklist", false }, { "m", "checklist", false }, { "h", "checklist", false },
	{ "reply_control", "checklist", false }, { "note_control", "checklist", false },
	{ "pages_control", "checklist", false },
	{ "agency_items", NULL, true },
	ITEM_FIELDS("agency_items"),
	{ "guidance", "agency_items", false }, { "verification", "agency_items", false },
	{ "source", "agency_items", false },
	{ "agency_intro", NULL, false },
	{ "notices", NULL, true }, NOTICE_FIELDS("notices"),
	{ "agency_notices", NULL, true }, NOTICE_FIELDS("agency_notices"),
	{ "date_iso", NULL, false }, { "date_roc", NULL, false },
	{ "annex", NULL, false }, { "agency_document", NULL, false },
	{ "has_tailoring", NULL, false }, { "has_excluded", NULL, false },
	{ "has_included", NULL, false },
	{ "excluded", NULL, true }, ITEM_FIELDS("excluded"), { "reason", "excluded", false },
	{ "included", NULL, true }, ITEM_FIELDS("included"), { "reason", "included", false },
	/* The well-known cover fields: empty unless the run gives them. */
	COVER_FIELDS(COVER_ENTRY)
	{ "has_cover_fields", NULL, false },
	/* Security services (--service): flags, and one element per service
	 * with its sections (measures) of items. */
	{ "has_type", NULL, false }, { "has_services", NULL, false },
	{ "service_names", NULL, false }, { "agency_level", NULL, false },
	{ "agency_level_text", NULL, false },
	{ "service_health_check", NULL, false }, { "service_soc", NULL, false },
	{ "service_vuln_scan", NULL, false }, { "service_pentest", NULL, false },
	{ "service_social_engineering", NULL, false },
	{ "family_service", "families", false },
	{ "services", NULL, true },
	{ "service_no", "services", false }, { "service_name", "services", false },
	{ "service_alias", "services", false }, { "service_frequency", "services", false },
	{ "service_notice", "services", false },
	{ "sections", "services", true },
	{ "section_no", "sections", false }, { "section_name", "sections", false },
	{ "section_kind", "sections", false },
	{ "rows", "sections", true },
	ITEM_FIELDS("rows"),
	{ "guidance", "rows", false }, { "verification", "rows", false },
	{ "source", "rows", false },
};

const struct rfp_dict *
rfp_annex_dict(void)
{
	static const struct rfp_dict dict = { dict_entries,
		sizeof(dict_entries) / sizeof(dict_entries[0]), "param.", true };

	return &dict;
}

bool
rfp_annex_builtin(const char *name)
{
	for (size_t i = 0; i < sizeof(dict_entries) / sizeof(dict_entries[0]); i++)
		if (!dict_entries[i].list && strcmp(dict_entries[i].name, name) == 0)
			return !rfp_annex_is_cover_field(name);
	return false;
}

bool
rfp_annex_is_cover_field(const char *name)
{
	for (size_t i = 0; i < sizeof(cover_fields) / sizeof(cover_fields[0]); i++)
		if (strcmp(cover_fields[i].name, name) == 0)
			return true;
	return false;
}

/* 中華民國114年5月1日 (long) or 114年5月1日, from YYYY-MM-DD. */
static const char *
roc_date(struct rfp_arena *a, const char *iso, bool long_form)
{
	int y, m, d;

	if (!iso || sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return iso ? iso : "";
	return fmt(a, "%s%d年%d月%d日", long_form ? "中華民國" : "", y - 1911, m, d);
}

#define STR(map, key, val) ok = ok && rfp_data_str(a, (map), (key), (val))
#define MADE(map, key, val) ok = ok && rfp_data_made(a, (map), (key), (val))

/* How an item's source reads in the annex. */
static const char *
source_kind_text(enum rfp_source_kind k)
{
	static const char *const names[] = { "參考資料", "法規", "法規（版本未經核對）" };

	return names[k];
}

/* A module's notice applies where its items are; the baseline's is the
 * top-level notice. NULL when the family's file adds none. */
static const char *
module_notice(const struct rfp_catalogue *cat, const struct rfp_catfile *f)
{
	return f != cat->baseline && f->notice && *f->notice ? f->notice : NULL;
}

/*
 * The list key of {notice_title, notice_text}: one element per module file
 * with a notice that contributed items, in the order of their first item.
 */
static bool
add_notices(struct rfp_arena *a, struct rfp_dnode *root, const char *key,
    const struct rfp_catalogue *cat, const struct rfp_selected *items, size_t n)
{
	struct rfp_dnode *list = rfp_data_list(a, root, key), *m;
	bool ok = list != NULL;

	for (size_t i = 0; i < n && ok; i++) {
		const struct rfp_catfile *f = items[i].item->file;
		bool seen = false;

		if (!module_notice(cat, f))
			continue;
		for (size_t k = 0; k < i && !seen; k++)
			seen = items[k].item->file == f;
		if (seen)
			continue;
		ok = (m = rfp_data_list_map(a, list)) != NULL;
		STR(m, "notice_title", f->title);
		STR(m, "notice_text", f->notice);
	}
	return ok;
}

/*
 * The sentence that opens the agency's document. 「依法」 only when every duty
 * listed comes from a law in force; otherwise the appendix says that the
 * 依據 of each item tells a legal duty from a recommended practice.
 */
static const char *
agency_intro(const struct rfp_selection *sel)
{
	size_t law = 0, unverified = 0;

	for (size_t i = 0; i < sel->nduties; i++) {
		law += sel->duties[i].item->source_kind == RFP_SOURCE_LAW;
		unverified += sel->duties[i].item->source_kind == RFP_SOURCE_UNVERIFIED;
	}
	if (sel->nduties && law == sel->nduties)
		return "本文件列出依法應由機關自行辦理之事項，供機關內部管理使用，非廠商之"
		    "履約義務，不隨招標文件公告。";
	if (!unverified)
		return "本文件列出應由機關自行辦理之事項，供機關內部管理使用，非廠商之履約"
		    "義務，不隨招標文件公告。各項「依據」為法規者屬機關之法定義務，"
		    "依據為參考資料者係建議之作法。";
	return "本文件列出應由機關自行辦理之事項，供機關內部管理使用，非廠商之履約義務，"
	    "不隨招標文件公告。各項「依據」為法規者屬機關之法定義務，依據為"
	    "參考資料者係建議之作法；依據為未經核對版本之法規者，請先以正式條文確認。";
}

/* The answers a bidder gives, in the order of the drop-down. */
static const char *const replies[] = { "符合", "部分符合", "不符合", "不適用" };

/*
 * The bidder's answer fields of checklist row k (review.c reads them back):
 * a drop-down of replies and two text inputs, each named rfp:KIND:ID.
 * Word: run-level content controls (ECMA-376 §17.5.2), with ids unique in
 * the document; ODF: an input list (text:drop-down, ODF 1.3) and text
 * inputs, whose description carries the name.
 */
/* n in decimal, without a format: add_controls runs for every item. */
static void
add_number(struct rfp_buf *b, size_t n)
{
	char d[24];
	size_t k = sizeof(d);

	do
		d[--k] = (char)('0' + n % 10);
	while ((n /= 10) && k);
	rfp_buf_add(b, d + k, sizeof(d) - k);
}

static bool
add_controls(struct rfp_arena *a, struct rfp_dnode *m, const struct rfp_item *it, size_t k,
    bool odf_lists)
{
	static const struct {
		const char *key, *kind, *label;
	} text[] = { { "note_control", "note", "說明" }, { "pages_control", "pages", "佐證頁次" } };
	struct rfp_buf w = RFP_BUF_INIT(1u << 16), o = RFP_BUF_INIT(1u << 16);
	const char *ws, *os;
	bool ok;

	rfp_buf_adds(&w, "<w:sdt><w:sdtPr><w:alias w:val=\"廠商回覆 ");
	rfp_xml_escape(&w, it->label, strlen(it->label), true);
	rfp_buf_adds(&w, "\"/><w:tag w:val=\"rfp:reply:");
	rfp_xml_escape(&w, it->id, strlen(it->id), true);
	rfp_buf_adds(&w, "\"/><w:id w:val=\"");
	add_number(&w, 1000000 + k * 4);
	rfp_buf_adds(&w, "\"/><w:showingPlcHdr/><w:dropDownList>");
	/* An ODF 1.2 template has no input list: a text input takes the answer. */
	rfp_buf_adds(&o, odf_lists ? "<text:drop-down text:name=\"rfp:reply:" :
	    "<text:text-input text:description=\"rfp:reply:");
	rfp_xml_escape(&o, it->id, strlen(it->id), true);
	rfp_buf_adds(&o, odf_lists ? "\"><text:label text:value=\"請選擇\" text:current-selected=\"true\"/>" :
	    "\">");
	/* Pieces, not a format: this runs for every item of every annex. */
	for (size_t i = 0; i < sizeof(replies) / sizeof(replies[0]); i++) {
		rfp_buf_adds(&w, "<w:listItem w:displayText=\"");
		rfp_buf_adds(&w, replies[i]);
		rfp_buf_adds(&w, "\" w:value=\"");
		rfp_buf_adds(&w, replies[i]);
		rfp_buf_adds(&w, "\"/>");
		if (odf_lists) {
			rfp_buf_adds(&o, "<text:label text:value=\"");
			rfp_buf_adds(&o, replies[i]);
			rfp_buf_adds(&o, "\"/>");
		}
	}
	rfp_buf_adds(&w, "</w:dropDownList></w:sdtPr><w:sdtContent><w:r><w:rPr><w:color w:val=\"808080\"/>"
	    "</w:rPr><w:t>請選擇</w:t></w:r></w:sdtContent></w:sdt>");
	rfp_buf_adds(&o, odf_lists ? "請選擇</text:drop-down>" : "請選擇</text:text-input>");
	ws = w.err ? NULL : rfp_arena_strndup(a, w.ptr, w.len);
	os = o.err ? NULL : rfp_arena_strndup(a, o.ptr, o.len);
	ok = ws && os && rfp_data_markup(a, m, "reply_control", "□符合 □部分符合 □不符合 □不適用", ws, os);
	for (size_t t = 0; t < 2 && ok; t++) {
		rfp_buf_reset(&w);
		rfp_buf_reset(&o);
		rfp_buf_adds(&w, "<w:sdt><w:sdtPr><w:alias w:val=\"");
		rfp_buf_adds(&w, text[t].label);
		rfp_buf_adds(&w, " ");
		rfp_xml_escape(&w, it->label, strlen(it->label), true);
		rfp_buf_adds(&w, "\"/><w:tag w:val=\"rfp:");
		rfp_buf_adds(&w, text[t].kind);
		rfp_buf_adds(&w, ":");
		rfp_xml_escape(&w, it->id, strlen(it->id), true);
		rfp_buf_adds(&w, "\"/><w:id w:val=\"");
		add_number(&w, 1000000 + k * 4 + 1 + t);
		rfp_buf_adds(&w, "\"/><w:showingPlcHdr/><w:text");
		rfp_buf_adds(&w, t == 0 ? " w:multiLine=\"1\"" : "");
		rfp_buf_adds(&w, "/></w:sdtPr><w:sdtContent><w:r><w:rPr><w:color w:val=\"808080\"/></w:rPr>"
		    "<w:t>　</w:t></w:r></w:sdtContent></w:sdt>");
		rfp_buf_adds(&o, "<text:text-input text:description=\"rfp:");
		rfp_buf_adds(&o, text[t].kind);
		rfp_buf_adds(&o, ":");
		rfp_xml_escape(&o, it->id, strlen(it->id), true);
		rfp_buf_adds(&o, "\">　</text:text-input>");
		ws = w.err ? NULL : rfp_arena_strndup(a, w.ptr, w.len);
		os = o.err ? NULL : rfp_arena_strndup(a, o.ptr, o.len);
		ok = ws && os && rfp_data_markup(a, m, text[t].key, "", ws, os);
	}
	rfp_buf_fini(&w);
	rfp_buf_fini(&o);
	return ok;
}

static bool
add_item(struct rfp_arena *a, struct rfp_dnode *m, const struct rfp_selected *si,
    bool checklist)
{
	const struct rfp_item *it = si->item;
	bool ok = true;

	STR(m, "no", it->label);
	STR(m, "id", it->id);
	STR(m, "measure", it->measure->name);
	STR(m, "family_name", it->measure->family->name);
	STR(m, "text", si->text);
	STR(m, "modality", rfp_modality_name(it->modality));
	STR(m, "party", rfp_party_name(it->party));
	STR(m, "min_level", rfp_level_name(it->min_level));
	STR(m, "legal", it->source_kind == RFP_SOURCE_LAW ? "是" : "");
	STR(m, "source_kind", source_kind_text(it->source_kind));
	STR(m, "added", !si->tailoring || si->tailoring->action != RFP_TAILOR_INCLUDE ? "" :
	    si->tailoring->reason && *si->tailoring->reason ? si->tailoring->reason : "機關增列");
	if (checklist && !it->min_level) {
		/* A service item: the system's levels do not apply. */
		STR(m, "p", "－");
		STR(m, "m", "－");
		STR(m, "h", "－");
	} else if (checklist) {
		STR(m, "p", it->min_level <= RFP_LEVEL_LOW ? "V" : "");
		STR(m, "m", it->min_level <= RFP_LEVEL_MODERATE ? "V" : "");
		STR(m, "h", "V");
	} else {
		STR(m, "guidance", si->guidance);
		STR(m, "verification", si->verification);
		MADE(m, "source", join(a, it->source_title, "，", it->clause));
	}
	return ok;
}

/* The excluded items, and the included ones, each with its reason. */
static bool
add_tailoring(struct rfp_arena *a, struct rfp_dnode *root, const struct rfp_selection *sel,
    bool agency_document)
{
	struct rfp_dnode *ex = rfp_data_list(a, root, "excluded");
	struct rfp_dnode *in = rfp_data_list(a, root, "included"), *m;
	bool ok = ex && in;

	for (size_t i = 0; i < sel->nexcluded && ok; i++) {
		/* An excluded duty of the agency's is listed in its own document,
		 * never in the public annex. */
		if ((sel->excluded[i].item->party == RFP_PARTY_AGENCY) != agency_document)
			continue;
		ok = (m = rfp_data_list_map(a, ex)) && add_item(a, m, &sel->excluded[i], true);
		STR(m, "reason", sel->excluded[i].tailoring->reason);
	}
	for (size_t i = 0; i < sel->nitems && ok && !agency_document; i++) {
		const struct rfp_selected *si = &sel->items[i];

		if (!si->tailoring)
			continue;
		ok = (m = rfp_data_list_map(a, in)) && add_item(a, m, si, true);
		STR(m, "reason", si->tailoring->reason && *si->tailoring->reason ?
		    si->tailoring->reason : "");
	}
	STR(root, "has_excluded", ex->count ? "是" : "");
	STR(root, "has_included", in->count ? "是" : "");
	STR(root, "has_tailoring", ex->count || in->count ? "是" : "");
	return ok;
}

/* The run's --field values, the cover fields (empty when not given) and
 * every parameter as param.NAME. */
static bool
add_fields(struct rfp_arena *a, struct rfp_dnode *root, const struct rfp_selection *sel)
{
	bool ok = true, any = false;

	for (size_t i = 0; i < sizeof(cover_fields) / sizeof(cover_fields[0]); i++) {
		const char *v = "";

		for (size_t k = 0; k < sel->nfields; k++)
			if (strcmp(sel->fields[k].name, cover_fields[i].name) == 0)
				v = sel->fields[k].value;
		STR(root, cover_fields[i].name, v);
		any = any || *v;
	}
	STR(root, "has_cover_fields", any ? "是" : "");
	for (size_t k = 0; k < sel->nfields; k++)
		if (!rfp_annex_is_cover_field(sel->fields[k].name))
			STR(root, sel->fields[k].name, *sel->fields[k].value ? sel->fields[k].value : BLANK);
	for (size_t i = 0; i < sel->cat->nparams && ok; i++)
		if (sel->param_values[i])
			STR(root, join(a, "param.", "", sel->cat->params[i]->id), sel->param_values[i]);
	return ok;
}

/* Whether the family describes a service the selection asked for: the
 * shipped fragment shows it in the service part, not among the families. */
static bool
service_family(const struct rfp_selection *sel, const struct rfp_family *fam)
{
	return fam->service >= 0 && (sel->services & (1u << fam->service));
}

/* The value of parameter p as the items show it, or "". */
static const char *
param_shown(const struct rfp_selection *sel, const struct rfp_param *p)
{
	for (size_t i = 0; p && i < sel->cat->nparams; i++)
		if (sel->cat->params[i] == p)
			return sel->param_values[i] ? sel->param_values[i] : "";
	return "";
}

/*
 * The services list: one element per requested service whose family has
 * selected items, in annex order, each with its sections (the family's
 * measures) and their items as rows.
 */
static bool
add_services(struct rfp_arena *a, struct rfp_dnode *root, const struct rfp_selection *sel)
{
	struct rfp_dnode *list = rfp_data_list(a, root, "services"), *svc = NULL, *secs = NULL,
	    *sec = NULL, *rows = NULL, *m;
	const struct rfp_family *fam = NULL;
	const struct rfp_measure *mea = NULL;
	const struct rfp_catalogue *cat = sel->cat;
	size_t nsvc = 0, nsec = 0;
	bool ok = list != NULL;

	for (size_t i = 0; i < sel->nitems && ok; i++) {
		const struct rfp_selected *si = &sel->items[i];
		const struct rfp_measure *im = si->item->measure;

		if (!service_family(sel, im->family))
			continue;
		if (im->family != fam) {
			enum rfp_service v = (enum rfp_service)im->family->service;

			fam = im->family;
			mea = NULL;
			nsec = 0;
			ok = (svc = rfp_data_list_map(a, list)) != NULL;
			MADE(svc, "service_no", zh_number(a, ++nsvc));
			STR(svc, "service_name", rfp_service_name(v));
			STR(svc, "service_alias", rfp_service_alias(v));
			STR(svc, "service_frequency", param_shown(sel, fam->frequency));
			STR(svc, "service_notice", module_notice(cat, fam->file) ?
			    module_notice(cat, fam->file) : "");
			ok = ok && (secs = rfp_data_list(a, svc, "sections")) != NULL;
		}
		if (ok && im != mea) {
			mea = im;
			ok = (sec = rfp_data_list_map(a, secs)) != NULL;
			MADE(sec, "section_no", fmt(a, "（%s）", zh_number(a, ++nsec)));
			STR(sec, "section_name", im->name);
			STR(sec, "section_kind", im->section);
			ok = ok && (rows = rfp_data_list(a, sec, "rows")) != NULL;
		}
		ok = ok && (m = rfp_data_list_map(a, rows)) && add_item(a, m, si, false);
	}
	return ok;
}

/* The top-level service fields: flags, names and the agency's level. */
static bool
add_service_fields(struct rfp_arena *a, struct rfp_dnode *root, const struct rfp_selection *sel)
{
	static const char *const flags[RFP_SERVICE_COUNT] = { "service_health_check",
		"service_soc", "service_vuln_scan", "service_pentest", "service_social_engineering" };
	char names[160];
	bool ok = true;

	STR(root, "has_type", sel->has_type ? "是" : "");
	STR(root, "has_services", sel->services ? "是" : "");
	MADE(root, "service_names", fmt(a, "%s", rfp_services_text(sel->services, "、", names,
	    sizeof(names))));
	STR(root, "agency_level", rfp_agency_level_name(sel->agency_level));
	MADE(root, "agency_level_text", sel->agency_level ? fmt(a, "%s級",
	    rfp_agency_level_name(sel->agency_level)) : sel->services ? "未指定" : "");
	for (unsigned v = 0; v < RFP_SERVICE_COUNT; v++)
		STR(root, flags[v], sel->services & (1u << v) ? "是" : "");
	return ok;
}

/* The file the cover names: the baseline, or for a service-only annex the
 * module of its first service family (the baseline's items are not in it). */
static const struct rfp_catfile *
cover_file(const struct rfp_selection *sel)
{
	for (size_t i = 0; !sel->has_type && i < sel->nitems; i++)
		if (service_family(sel, sel->items[i].item->measure->family))
			return sel->items[i].item->measure->family->file;
	return sel->cat->baseline;
}

/* The titles (or legal bases) of the service modules of a service-only
 * annex: each name once (they are lists joined by 、), joined by 、. */
static const char *
service_files(struct rfp_arena *a, const struct rfp_selection *sel, bool legal)
{
	struct rfp_buf b = RFP_BUF_INIT(1u << 16);
	const char *s;

	for (size_t i = 0; i < sel->nitems; i++) {
		const struct rfp_family *fam = sel->items[i].item->measure->family;
		const char *v = legal ? fam->file->legal_basis : fam->file->title;

		if (!service_family(sel, fam) || !v)
			continue;
		while (*v) {
			const char *e = strstr(v, "、");
			size_t n = e ? (size_t)(e - v) : strlen(v);
			bool seen = false;

			/* Already listed: the same name between separators. */
			for (const char *p = b.len ? b.ptr : NULL; p && !seen;) {
				const char *q = strstr(p, "、");
				size_t m = q ? (size_t)(q - p) : strlen(p);

				seen = m == n && memcmp(p, v, n) == 0;
				p = q ? q + strlen("、") : NULL;
			}
			if (!seen && n)
				rfp_buf_addf(&b, "%s%.*s", b.len ? "、" : "", (int)n, v);
			v += n + (e ? strlen("、") : 0);
		}
	}
	s = b.err ? NULL : rfp_arena_strndup(a, b.ptr ? b.ptr : "", b.len);
	rfp_buf_fini(&b);
	return s;
}

struct rfp_dnode *
rfp_annex_data(struct rfp_arena *a, const struct rfp_selection *sel, const char *generator,
    bool agency_document, bool odf_lists)
{
	const struct rfp_catalogue *cat = sel->cat;
	const struct rfp_family *fam = NULL;
	const struct rfp_catfile *cover = cover_file(sel);
	struct rfp_dnode *root, *fams, *f = NULL, *items = NULL, *check, *imp;
	size_t nfam = 0, nsfam = 0, nduties;
	bool ok;

	if (!(root = rfp_data_map(a)))
		return NULL;
	ok = true;
	STR(root, "title", agency_document ? "機關自行辦理事項檢核表" : "資通安全需求附件");
	STR(root, "annex", agency_document ? "" : "是");
	STR(root, "agency_document", agency_document ? "是" : "");
	STR(root, "agency", sel->agency && *sel->agency ? sel->agency : BLANK);
	STR(root, "project", sel->project && *sel->project ? sel->project : BLANK);
	STR(root, "type", sel->has_type ? rfp_type_name(sel->type) : "");
	STR(root, "level", rfp_level_name(sel->level));
	MADE(root, "level_basis", sel->has_type ? level_basis(a, sel) : "");
	if (cover == cat->baseline) {
		STR(root, "catalogue_title", cover->title);
		STR(root, "legal_basis", cover->legal_basis);
	} else {
		MADE(root, "catalogue_title", service_files(a, sel, false));
		MADE(root, "legal_basis", service_files(a, sel, true));
	}
	MADE(root, "catalogue_version", catalogue_version(a, cat));
	STR(root, "amended", cover->amended);
	/* A service-only annex has none of the baseline's items; its
	 * modules' notices are where their items are. */
	STR(root, "notice", cover == cat->baseline ? cat->baseline->notice : "");
	ok = ok && add_service_fields(a, root, sel);
	STR(root, "generator", generator);
	STR(root, "date", roc_date(a, sel->date, true));
	STR(root, "date_roc", roc_date(a, sel->date, false));
	STR(root, "date_iso", sel->date ? sel->date : "");
	STR(root, "item_count", fmt(a, "%zu", agency_document ? sel->nduties : sel->nitems));
	/* Flags for conditions in templates: "是" or empty. */
	STR(root, "type_consulting", sel->has_type && sel->type == RFP_TYPE_CONSULTING ? "是" : "");
	STR(root, "type_development", sel->has_type && sel->type == RFP_TYPE_DEVELOPMENT ? "是" : "");
	STR(root, "type_operations", sel->has_type && sel->type == RFP_TYPE_OPERATIONS ? "是" : "");
	STR(root, "type_cloud", sel->has_type && sel->type == RFP_TYPE_CLOUD ? "是" : "");
	STR(root, "level_low", sel->level == RFP_LEVEL_LOW ? "是" : "");
	STR(root, "level_moderate", sel->level == RFP_LEVEL_MODERATE ? "是" : "");
	STR(root, "level_high", sel->level == RFP_LEVEL_HIGH ? "是" : "");
	STR(root, "core_or_large", sel->conditions & RFP_COND_CORE_OR_LARGE ? "是" : "");
	STR(root, "eu_personal_data", sel->conditions & RFP_COND_EU_PERSONAL_DATA ? "是" : "");
	STR(root, "classified", sel->conditions & RFP_COND_CLASSIFIED ? "是" : "");
	STR(root, "agency_checklist", sel->agency_checklist ? "是" : "");
	if (sel->has_impact) {
		imp = rfp_data_list_map(a, rfp_data_list(a, root, "impact"));
		ok = ok && imp;
		if (ok) {
			STR(imp, "c", rfp_level_name(sel->impact.c));
			STR(imp, "i", rfp_level_name(sel->impact.i));
			STR(imp, "a", rfp_level_name(sel->impact.a));
			STR(imp, "l", rfp_level_name(sel->impact.l));
		}
	}
	fams = rfp_data_list(a, root, "families");
	check = rfp_data_list(a, root, "checklist");
	if (!ok || !fams || !check)
		return NULL;
	/* The agency's document lists no vendor item, whatever its template. */
	for (size_t i = 0; i < sel->nitems && ok && !agency_document; i++) {
		const struct rfp_selected *si = &sel->items[i];
		struct rfp_dnode *m;

		if (si->item->measure->family != fam) {
			fam = si->item->measure->family;
			if (!(f = rfp_data_list_map(a, fams)))
				return NULL;
			/* The service families and the others are numbered apart:
			 * the shipped fragment shows them in two parts. */
			STR(f, "family_no", zh_number(a, service_family(sel, fam) ? ++nsfam : ++nfam));
			STR(f, "family_service", service_family(sel, fam) ? "是" : "");
			STR(f, "family_name", fam->name);
			STR(f, "family_id", fam->id);
			STR(f, "family_notice", module_notice(cat, fam->file) ?
			    module_notice(cat, fam->file) : "");
			if (!(items = rfp_data_list(a, f, "items")))
				return NULL;
		}
		ok = ok && (m = rfp_data_list_map(a, items)) && add_item(a, m, si, false);
		ok = ok && (m = rfp_data_list_map(a, check)) && add_item(a, m, si, true) &&
		    add_controls(a, m, si->item, check->count, odf_lists);
	}
	ok = ok && add_notices(a, root, "notices", cat, sel->items, sel->nitems);
	if (agency_document)
		ok = ok && rfp_data_list(a, root, "services") != NULL;
	else
		ok = ok && add_services(a, root, sel);
	ok = ok && add_tailoring(a, root, sel, agency_document) && add_fields(a, root, sel);
	/* The agency's duties only ever go into its own document. */
	nduties = agency_document ? sel->nduties : 0;
	STR(root, "has_agency_items", nduties ? "是" : "");
	STR(root, "agency_intro", agency_intro(sel));
	ok = ok && add_notices(a, root, "agency_notices", cat, sel->duties, nduties);
	if (ok) {
		struct rfp_dnode *ag = rfp_data_list(a, root, "agency_items"), *m;

		ok = ag != NULL;
		for (size_t i = 0; i < nduties && ok; i++)
			ok = (m = rfp_data_list_map(a, ag)) && add_item(a, m, &sel->duties[i], false);
	}
	return ok ? root : NULL;
}
