/* SPDX-License-Identifier: MIT */
/*
 * The endpoints of rfpgen serve (api.h, docs/api.md): what each makes of a
 * call, with librfpgen's public API. Nothing a request brings is written
 * to disk except the returned annexes of a review, which rfp_review_read()
 * reads by path: they go into a private directory (mkdtemp, 0700) that is
 * removed before the reply is sent. Nothing of a request outlives its reply.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "serve/api.h"

#define JSON_TYPE "application/json; charset=utf-8"
#define DOCX_TYPE "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#define ODT_TYPE "application/vnd.oasis.opendocument.text"
#define PDF_TYPE "application/pdf"
#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define MAX_REVIEW_FILES 32

static const char *const type_ids[RFP_TYPE_COUNT] = { "consulting", "development", "operations",
	"cloud" };
static const char *const level_ids[] = { "", "low", "moderate", "high" };

/* ---- the 附表九 questionnaire, conditions and cover fields ---- */

/* A summary of 資通安全責任等級分級辦法 附表九 (資通系統防護需求分級原則),
 * not checked word for word against the official text: the note says so. */
static const struct {
	const char *key, *name, *levels[3];
} ratings[4] = {
	{ "C", "機密性", {
	  "發生資通安全事件致資通系統受影響時，可能造成未經授權之資訊揭露，對機關之營運、資產或信譽等方面將產生有限之影響。",
	  "發生資通安全事件致資通系統受影響時，可能造成未經授權之資訊揭露，對機關之營運、資產或信譽等方面將產生嚴重之影響。",
	  "發生資通安全事件致資通系統受影響時，可能造成未經授權之資訊揭露，對機關之營運、資產或信譽等方面將產生非常嚴重或災難性之影響。" } },
	{ "I", "完整性", {
	  "發生資通安全事件致資通系統受影響時，可能造成資訊錯誤或遭竄改等情事，對機關之營運、資產或信譽等方面將產生有限之影響。",
	  "發生資通安全事件致資通系統受影響時，可能造成資訊錯誤或遭竄改等情事，對機關之營運、資產或信譽等方面將產生嚴重之影響。",
	  "發生資通安全事件致資通系統受影響時，可能造成資訊錯誤或遭竄改等情事，對機關之營運、資產或信譽等方面將產生非常嚴重或災難性之影響。" } },
	{ "A", "可用性", {
	  "發生資通安全事件致資通系統受影響時，可能造成對資訊、資通系統之存取或使用之中斷，對機關之營運、資產或信譽等方面將產生有限之影響。",
	  "發生資通安全事件致資通系統受影響時，可能造成對資訊、資通系統之存取或使用之中斷，對機關之營運、資產或信譽等方面將產生嚴重之影響。",
	  "發生資通安全事件致資通系統受影響時，可能造成對資訊、資通系統之存取或使用之中斷，對機關之營運、資產或信譽等方面將產生非常嚴重或災難性之影響。" } },
	{ "L", "法律遵循性", {
	  "其他資通系統設置或運作於法令有相關規範之情形。",
	  "如未確實遵循資通系統設置或運作涉及之資通安全相關法令，可能使資通系統受影響而導致資通安全事件，或影響他人合法權益或機關執行業務之公正性及正當性，並使機關或其所屬人員受行政罰、懲戒或懲處。",
	  "如未確實遵循資通系統設置或運作涉及之資通安全相關法令，可能使資通系統受影響而導致資通安全事件，或影響他人合法權益或機關執行業務之公正性及正當性，並使機關所屬人員負刑事責任。" } },
};

static const struct {
	const char *key, *name, *kind, *effect;
} conditions[] = {
	{ "core_system", "核心資通系統", "boolean",
	  "本系統為核心資通系統：增列第三方安全檢測（資通安全管理法施行細則第4條）" },
	{ "contract_value", "契約金額（新臺幣）", "amount",
	  "契約金額達新臺幣一千萬元以上：增列第三方安全檢測（資通安全管理法施行細則第4條）" },
	{ "eu_personal_data", "處理歐盟個人資料", "boolean", "增列歐盟一般資料保護規則（GDPR）相關要求" },
	{ "classified", "涉及國家機密", "boolean", "增列人員適任性查核及出境管制等要求" },
};

/* for: the services (their English ids, space-separated) whose cover shows
 * the field, or NULL for every annex (annex.c's COVER_FIELDS). */
static const struct {
	const char *key, *name, *where, *for_services;
} cover_fields[] = {
	{ "agency", "機關", "agency", NULL }, { "project", "案名", "project", NULL },
	{ "case_no", "案號", "fields", NULL }, { "contact", "承辦人", "fields", NULL },
	{ "phone", "聯絡電話", "fields", NULL }, { "budget", "預算金額", "fields", NULL },
	{ "period", "履約期間", "fields", NULL }, { "date", "日期（民國）", "date", NULL },
	{ "targets", "標的範圍", "fields", "health-check vuln-scan pentest soc" },
	{ "target_ips", "標的IP數量", "fields", "health-check vuln-scan pentest" },
	{ "target_urls", "標的網址（URL）數量", "fields", "vuln-scan pentest" },
	{ "sites", "服務場所", "fields", "health-check soc" },
	{ "soc_tier", "監控流量級距", "fields", "soc" },
	{ "participants", "演練對象人數", "fields", "social-engineering" },
};

static json_t *
types_json(const struct api_server *s)
{
	json_t *o = json_object(), *a, *x, *lv;

	json_object_set_new(o, "version", json_string(RFP_VERSION));
	a = json_array();
	for (int t = 0; t < RFP_TYPE_COUNT; t++) {
		x = json_pack("{s:s, s:s}", "id", type_ids[t], "name", rfp_type_name((enum rfp_type)t));
		json_array_append_new(a, x);
	}
	json_object_set_new(o, "types", a);
	a = json_array();
	for (int l = RFP_LEVEL_LOW; l <= RFP_LEVEL_HIGH; l++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "id", level_ids[l], "name",
		    rfp_level_name((enum rfp_level)l)));
	json_object_set_new(o, "levels", a);
	a = json_array();
	for (size_t i = 0; i < 4; i++) {
		lv = json_array();
		for (int l = 0; l < 3; l++)
			json_array_append_new(lv, json_pack("{s:s, s:s}", "level",
			    rfp_level_name((enum rfp_level)(l + 1)), "text", ratings[i].levels[l]));
		json_array_append_new(a, json_pack("{s:s, s:s, s:o}", "key", ratings[i].key, "name",
		    ratings[i].name, "levels", lv));
	}
	json_object_set_new(o, "impact", json_pack("{s:s, s:s, s:o}",
	    "rule", "資通系統之防護需求等級，以機密性、完整性、可用性及法律遵循性四構面中等級最高者定之。",
	    "note", "以上為資通安全責任等級分級辦法附表九（資通系統防護需求分級原則）之摘要，"
	    "未經與官方條文逐字核對；正式內容以全國法規資料庫公布者為準。",
	    "ratings", a));
	a = json_array();
	for (size_t i = 0; i < sizeof(conditions) / sizeof(conditions[0]); i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s}", "key", conditions[i].key,
		    "name", conditions[i].name, "kind", conditions[i].kind, "effect", conditions[i].effect));
	json_object_set_new(o, "conditions", a);
	a = json_array();
	for (size_t i = 0; i < sizeof(cover_fields) / sizeof(cover_fields[0]); i++) {
		x = json_pack("{s:s, s:s, s:s}", "key", cover_fields[i].key, "name",
		    cover_fields[i].name, "in", cover_fields[i].where);
		if (cover_fields[i].for_services)
			json_object_set_new(x, "services", json_string(cover_fields[i].for_services));
		json_array_append_new(a, x);
	}
	json_object_set_new(o, "fields", a);
	a = json_array();
	for (int i = 0; i < RFP_SERVICE_COUNT; i++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "id",
		    rfp_service_alias((enum rfp_service)i), "name", rfp_service_name((enum rfp_service)i)));
	json_object_set_new(o, "services", a);
	a = json_array();
	for (int i = RFP_AGENCY_LEVEL_A; i <= RFP_AGENCY_LEVEL_E; i++)
		json_array_append_new(a, json_string(rfp_agency_level_name((enum rfp_agency_level)i)));
	json_object_set_new(o, "agency_levels", a);
	json_object_set_new(o, "formats", json_pack("[{s:s, s:b}, {s:s, s:b}, {s:s, s:b}]",
	    "id", "docx", "available", 1, "id", "odt", "available", 1, "id", "pdf", "available",
	    s->pdf != NULL));
	json_object_set_new(o, "features", json_pack("{s:b, s:b}", "pdf", s->pdf != NULL,
	    "review", 1));
	json_object_set_new(o, "limits", json_pack("{s:I}", "max_upload", (json_int_t)s->max_upload));
	return o;
}

/* Every vendor item of every type, at 高 with every condition: what "add
 * an item" offers (those a request has not selected). */
static json_t *
candidates_json(struct rfp_ctx *ctx, const struct rfp_catalogue *cat)
{
	json_t *all = json_array(), *seen = json_object();

	for (int t = 0; t < RFP_TYPE_COUNT; t++) {
		struct rfp_request req = { .type = (enum rfp_type)t, .level = RFP_LEVEL_HIGH,
			.conditions = RFP_COND_CORE_OR_LARGE | RFP_COND_EU_PERSONAL_DATA |
			    RFP_COND_CLASSIFIED, .date = "2025-01-01" };
		struct rfp_selection *sel = NULL;

		if (rfp_select(ctx, cat, &req, &sel) != RFP_OK)
			continue;
		for (size_t i = 0; i < rfp_selection_count(sel); i++) {
			struct rfp_item_view v;

			rfp_selection_item(sel, i, &v);
			if (json_object_get(seen, v.id))
				continue;
			json_object_set_new(seen, v.id, json_true());
			json_array_append_new(all, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "id", v.id,
			    "family", v.family ? v.family : "", "measure", v.measure ? v.measure : "",
			    "min_level", rfp_level_name(v.min_level), "types", v.types ? v.types : "",
			    "text", v.text ? v.text : ""));
		}
		rfp_selection_free(sel);
	}
	json_decref(seen);
	return all;
}

enum rfp_status
api_server_init(struct api_server *s, struct rfp_ctx *ctx, const struct rfp_catalogue *cat,
    const char *data_dir, bool pdf)
{
	char path[4096 + 64];
	enum rfp_status st;
	json_t *types;

	s->cat = cat;
	s->limits = *rfp_ctx_limits(ctx);
	snprintf(path, sizeof(path), "%s/templates/annex.docx", data_dir);
	if ((st = rfp_template_load(ctx, path, &s->docx)) != RFP_OK)
		return st;
	snprintf(path, sizeof(path), "%s/templates/annex.odt", data_dir);
	if ((st = rfp_template_load(ctx, path, &s->odt)) != RFP_OK)
		return st;
	snprintf(s->review_template, sizeof(s->review_template), "%s/templates/review.docx", data_dir);
	if (access(s->review_template, R_OK) != 0)
		s->review_template[0] = '\0';
	/* The warm cache: every type and level with each shipped template,
	 * twice (a chunk is kept when it is seen again), then frozen. Only
	 * the catalogue's text is in it. */
	if (!(s->warm = rfp_render_cache_new(96u << 20)))
		return RFP_ERR_NOMEM;
	for (int f = 0; f < 2; f++) {
		for (int t = 0; t < RFP_TYPE_COUNT; t++) {
			for (int l = RFP_LEVEL_LOW; l <= RFP_LEVEL_HIGH; l++) {
				struct rfp_request req = { .type = (enum rfp_type)t, .level = (enum rfp_level)l,
					.date = "2025-01-01" };
				struct rfp_selection *sel = NULL;

				if ((st = rfp_select(ctx, cat, &req, &sel)) != RFP_OK)
					return st;
				for (int k = 0; k < 2 && st == RFP_OK; k++) {
					struct rfp_output out = { 0 };

					st = rfp_render_cached(ctx, s->warm, f ? s->odt : s->docx, sel, false,
					    s->generator, s->mtime, &out);
					rfp_output_fini(&out);
				}
				rfp_selection_free(sel);
				if (st)
					return st;
			}
		}
	}
	rfp_render_cache_freeze(s->warm);
	if (pdf) {
		/* Without LibreOffice PDF is refused with the library's message. */
		struct rfp_pdf_options po = { .standard = RFP_PDF_A2B };

		if (rfp_pdf_new(ctx, &po, &s->pdf) != RFP_OK) {
			s->pdf = NULL;
			snprintf(s->pdf_missing, sizeof(s->pdf_missing), "%s",
			    N_("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)"));
		} else {
			po.standard = RFP_PDF_NONE;
			if (rfp_pdf_new(ctx, &po, &s->pdf_plain) != RFP_OK)
				s->pdf_plain = NULL;
		}
	} else {
		snprintf(s->pdf_missing, sizeof(s->pdf_missing), "%s", N_("PDF is turned off (--no-pdf)"));
	}
	if (!(s->candidates = candidates_json(ctx, cat)))
		return RFP_ERR_NOMEM;
	if (!(types = types_json(s)))
		return RFP_ERR_NOMEM;
	s->types = json_dumps(types, JSON_COMPACT);
	json_decref(types);
	if (!s->types)
		return RFP_ERR_NOMEM;
	s->types_len = strlen(s->types);
	return RFP_OK;
}

void
api_server_fini(struct api_server *s)
{
	rfp_template_free(s->docx);
	rfp_template_free(s->odt);
	rfp_render_cache_free(s->warm);
	rfp_pdf_free(s->pdf);
	rfp_pdf_free(s->pdf_plain);
	json_decref(s->candidates);
	free(s->types);
	*s = (struct api_server){ 0 };
}

/* ---- replies ---- */

static void
reply_json(struct api_reply *r, json_t *o, unsigned status)
{
	free(r->body);
	r->body = o ? json_dumps(o, JSON_COMPACT) : NULL;
	r->len = r->body ? strlen(r->body) : 0;
	r->type = JSON_TYPE;
	r->status = r->body ? status : 500;
}

/* Takes the bytes of out. */
static void
reply_bytes(struct api_reply *r, const char *type, struct rfp_output *out)
{
	free(r->body);
	r->body = (char *)out->data;
	r->len = out->len;
	out->data = NULL;
	out->len = 0;
	r->type = type;
	r->status = 200;
}

/* Content-Disposition: attachment, an ASCII name and the Chinese one (RFC 6266, 5987). */
static void
set_disposition(struct api_reply *r, const char *ascii, const char *utf8)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = (size_t)snprintf(r->disposition, sizeof(r->disposition),
	    "attachment; filename=\"%s\"; filename*=UTF-8''", ascii);

	for (const unsigned char *p = (const unsigned char *)utf8; *p && n + 4 < sizeof(r->disposition); p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '.' || *p == '-' || *p == '_') {
			r->disposition[n++] = (char)*p;
		} else {
			r->disposition[n++] = '%';
			r->disposition[n++] = hex[*p >> 4];
			r->disposition[n++] = hex[*p & 15];
		}
	}
	r->disposition[n] = '\0';
}

/* X-Rfpgen-Warnings: the codes of the warnings a document was made with. */
static void
set_note(struct api_reply *r, const struct api_diags *d)
{
	size_t i, n = 0;
	json_t *x;

	r->note[0] = '\0';
	json_array_foreach(d->list, i, x) {
		const char *sev = json_string_value(json_object_get(x, "severity"));
		const char *code = json_string_value(json_object_get(x, "code"));

		if (sev && code && strcmp(sev, "warning") == 0 && n + strlen(code) + 3 < sizeof(r->note) &&
		    !strstr(r->note, code))
			n += (size_t)snprintf(r->note + n, sizeof(r->note) - n, "%s%s", n ? ", " : "", code);
	}
}

static struct rfp_ctx *
request_ctx(const struct api_server *s, struct api_diags *d)
{
	struct rfp_ctx *ctx = rfp_ctx_new();

	if (ctx) {
		*rfp_ctx_limits(ctx) = s->limits;
		rfp_ctx_set_diag(ctx, api_collect, d);
	}
	return ctx;
}

static const struct api_upload *
find_upload(const struct api_call *c, const char *field)
{
	for (size_t i = 0; i < c->nuploads; i++)
		if (strcmp(c->uploads[i].field, field) == 0)
			return &c->uploads[i];
	return NULL;
}

/* Form fields other than those an endpoint reads are refused. */
static bool
check_fields(const struct api_call *c, const char *const *names, size_t n, const char *list,
    struct api_diags *d)
{
	for (size_t i = 0; i < c->nuploads; i++) {
		size_t k;

		for (k = 0; k < n && strcmp(c->uploads[i].field, names[k]) != 0; k++)
			;
		if (k == n) {
			api_report(d, SERVE_FIELD, c->uploads[i].field, list);
			return false;
		}
	}
	return true;
}

/* ---- GET /healthz, /api/types ---- */

static void
healthz(const struct api_server *s, struct api_reply *r)
{
	json_t *o = json_pack("{s:s, s:s, s:b, s:b}", "status", "ok", "version", RFP_VERSION,
	    "pdf", s->pdf != NULL, "review", 1);

	reply_json(r, o, 200);
	json_decref(o);
}

static void
types(const struct api_server *s, struct api_reply *r)
{
	free(r->body);
	r->body = strdup(s->types);
	r->len = r->body ? s->types_len : 0;
	r->type = JSON_TYPE;
	r->status = r->body ? 200 : 500;
}

/* ---- /api/items ---- */

static bool
selected(struct rfp_selection *sel, const char *id)
{
	struct rfp_item_view v;

	for (size_t i = 0; i < rfp_selection_count(sel); i++) {
		rfp_selection_item(sel, i, &v);
		if (strcmp(v.id, id) == 0)
			return true;
	}
	for (size_t i = 0; i < rfp_selection_excluded_count(sel); i++) {
		rfp_selection_excluded_item(sel, i, &v);
		if (strcmp(v.id, id) == 0)
			return true;
	}
	return false;
}

static void
items(const struct api_server *s, const struct api_call *c, struct api_reply *r,
    struct api_diags *d)
{
	struct api_request req;
	struct rfp_selection *sel = NULL;
	struct rfp_ctx *ctx = NULL;
	enum rfp_status st;
	char *text = NULL;
	size_t len, i;
	json_t *o = NULL, *list, *x, *cand;

	st = c->body_kind == BODY_JSON ?
	    api_request_parse(&req, c->body, c->body_len, c->today, d) :
	    api_request_query(&req, c->query, c->query_cls, c->today, d);
	if (st == RFP_OK && !(ctx = request_ctx(s, d)))
		st = RFP_ERR_NOMEM;
	if (st == RFP_OK)
		st = rfp_select(ctx, s->cat, &req.req, &sel);
	if (st == RFP_OK)
		st = rfp_selection_export(sel, RFP_EXPORT_JSON, &text, &len);
	if (st == RFP_OK && !(o = json_loadb(text, len, 0, NULL)))
		st = RFP_ERR_NOMEM;
	if (st != RFP_OK) {
		r->status = api_status_for(st);
		api_error_reply(d, r);
		goto out;
	}
	/* Which items a law binds: shown, never offered for exclusion. */
	list = json_object_get(o, "items");
	json_array_foreach(list, i, x) {
		struct rfp_item_view v;
		const char *law = NULL;

		if (i < rfp_selection_count(sel)) {
			rfp_selection_item(sel, i, &v);
			if (strcmp(v.id, json_string_value(json_object_get(x, "id"))) == 0)
				law = rfp_selection_item_law(sel, i);
		}
		json_object_set_new(x, "law", law ? json_string(law) : json_null());
		json_object_set_new(x, "excludable", json_boolean(!law));
	}
	cand = json_array();
	json_array_foreach(s->candidates, i, x)
		if (!selected(sel, json_string_value(json_object_get(x, "id"))))
			json_array_append(cand, x);
	json_object_set_new(o, "candidates", cand);
	json_object_set(o, "diagnostics", d->list);
	reply_json(r, o, 200);
out:
	json_decref(o);
	free(text);
	rfp_selection_free(sel);
	rfp_ctx_free(ctx);
	api_request_fini(&req);
}

/* ---- POST /api/annex, /api/agency-checklist ---- */

static void
annex(const struct api_server *s, const struct api_call *c, struct api_reply *r,
    struct api_diags *d, bool agency)
{
	static const char *const fields[] = { "request", "template" };
	struct api_request req = { 0 };
	struct rfp_selection *sel = NULL;
	struct rfp_template *own = NULL;
	const struct rfp_template *t;
	struct rfp_render_cache *rc = NULL;
	struct rfp_ctx *ctx = NULL;
	struct rfp_output doc = { 0 }, pdf = { 0 };
	const struct api_upload *up = NULL, *tpl = NULL;
	enum rfp_format fmt;
	enum rfp_status st = RFP_OK;
	char ascii[160], utf8[320];

	if (c->body_kind == BODY_FORM) {
		if (!check_fields(c, fields, 2, "request, template", d))
			st = RFP_ERR_USAGE;
		else if (!(up = find_upload(c, "request"))) {
			api_report(d, SERVE_UPLOAD, "request");
			st = RFP_ERR_USAGE;
		}
		tpl = find_upload(c, "template");
	}
	if (st == RFP_OK)
		st = up ? api_request_parse(&req, up->data, up->len, c->today, d) :
		    api_request_parse(&req, c->body, c->body_len, c->today, d);
	if (st == RFP_OK && !(ctx = request_ctx(s, d)))
		st = RFP_ERR_NOMEM;
	if (st == RFP_OK && agency)
		req.req.agency_checklist = true;
	if (st == RFP_OK)
		st = rfp_select(ctx, s->cat, &req.req, &sel);
	if (st == RFP_OK && tpl) {
		d->upload = tpl->name;
		st = rfp_template_load_buffer(ctx, tpl->name, tpl->data, tpl->len, &own);
	}
	if (st != RFP_OK)
		goto fail;
	/* The format: the template's when one was sent, else the request's. */
	fmt = own ? rfp_template_format(own) : req.format == API_ODT ? RFP_FORMAT_ODT : RFP_FORMAT_DOCX;
	if (own && req.format_given && req.format != API_PDF &&
	    (req.format == API_ODT) != (fmt == RFP_FORMAT_ODT)) {
		api_report(d, SERVE_VALUE, "format", fmt == RFP_FORMAT_ODT ?
		    _("the template is ODT: ask for odt or pdf") : _("the template is DOCX: ask for docx or pdf"));
		st = RFP_ERR_USAGE;
		goto fail;
	}
	if (req.format == API_PDF && !(req.pdf_standard == RFP_PDF_NONE ? s->pdf_plain : s->pdf)) {
		api_report(d, SERVE_UNAVAILABLE, "PDF", _(s->pdf_missing));
		st = RFP_ERR_UNAVAILABLE;
		goto fail;
	}
	t = own ? own : fmt == RFP_FORMAT_ODT ? s->odt : s->docx;
	if (own)
		st = agency ? rfp_render_agency(ctx, t, sel, s->generator, s->mtime, &doc) :
		    rfp_render(ctx, t, sel, s->generator, s->mtime, &doc);
	else if (!(rc = rfp_render_cache_share(s->warm)))
		st = RFP_ERR_NOMEM;
	else
		st = rfp_render_cached(ctx, rc, t, sel, agency, s->generator, s->mtime, &doc);
	if (st == RFP_OK && req.format == API_PDF)
		st = rfp_pdf_convert(req.pdf_standard == RFP_PDF_NONE ? s->pdf_plain : s->pdf, ctx, &doc,
		    fmt, &pdf);
	if (st != RFP_OK)
		goto fail;
	const char *ext = req.format == API_PDF ? "pdf" : fmt == RFP_FORMAT_ODT ? "odt" : "docx";
	const char *level = rfp_level_name(rfp_selection_level(sel));
	bool typed = !req.req.service_only;

	snprintf(ascii, sizeof(ascii), "%s%s%s%s%s.%s", agency ? "agency-checklist" : "annex",
	    typed ? "-" : "", typed ? type_ids[req.req.type] : "", typed ? "-" : "",
	    typed ? level_ids[rfp_selection_level(sel)] : "", ext);
	snprintf(utf8, sizeof(utf8), "%s%s%s%s%s.%s", agency ? "機關自行辦理事項檢核表" : "資安需求附件",
	    typed ? "-" : "", typed ? rfp_type_name(req.req.type) : "", typed ? "-" : "",
	    typed ? level : "", ext);
	set_disposition(r, ascii, utf8);
	set_note(r, d);
	r->items = agency ? rfp_selection_agency_count(sel) : rfp_selection_count(sel);
	if (req.format == API_PDF)
		reply_bytes(r, PDF_TYPE, &pdf);
	else
		reply_bytes(r, fmt == RFP_FORMAT_ODT ? ODT_TYPE : DOCX_TYPE, &doc);
	goto out;
fail:
	r->status = api_status_for(st);
	api_error_reply(d, r);
out:
	rfp_output_fini(&doc);
	rfp_output_fini(&pdf);
	rfp_render_cache_free(rc);
	rfp_template_free(own);
	rfp_selection_free(sel);
	rfp_ctx_free(ctx);
	api_request_fini(&req);
}

/* ---- POST /api/inspect ---- */

static void
inspect(const struct api_server *s, const struct api_call *c, struct api_reply *r,
    struct api_diags *d)
{
	static const char *const fields[] = { "template" };
	const struct api_upload *tpl;
	struct rfp_ctx *ctx = NULL;
	char *listing = NULL;
	enum rfp_status st = RFP_ERR_USAGE;
	json_t *o = NULL;

	if (!check_fields(c, fields, 1, "template", d))
		goto fail;
	if (!(tpl = find_upload(c, "template"))) {
		api_report(d, SERVE_UPLOAD, "template");
		goto fail;
	}
	if (!(ctx = request_ctx(s, d))) {
		st = RFP_ERR_NOMEM;
		goto fail;
	}
	d->upload = tpl->name;
	st = rfp_template_inspect_buffer(ctx, tpl->name, tpl->data, tpl->len, RFP_EXPORT_JSON,
	    &listing);
	/* A template with errors is inspected all the same: its listing says
	 * where each one is. What could not be read at all is an error. */
	if (!listing || !(o = json_loads(listing, 0, NULL))) {
		if (st == RFP_OK)
			st = RFP_ERR_NOMEM;
		goto fail;
	}
	json_object_set_new(o, "size", json_integer((json_int_t)tpl->len));
	reply_json(r, o, 200);
	goto out;
fail:
	r->status = api_status_for(st);
	api_error_reply(d, r);
out:
	json_decref(o);
	free(listing);
	rfp_ctx_free(ctx);
}

/* ---- POST /api/review ---- */

/* Writes an upload into dir under its own name (the review names each
 * bidder after its file; a second file of the same name gets a number),
 * 0600, never through a link. */
static bool
put_file(struct api_diags *d, const char *dir, const struct api_upload *u, char *path,
    size_t pathlen)
{
	size_t done = 0;
	int fd = -1;

	for (unsigned k = 1; fd < 0 && k <= MAX_REVIEW_FILES + 1; k++) {
		if (k == 1)
			snprintf(path, pathlen, "%s/%s", dir, u->name);
		else
			snprintf(path, pathlen, "%s/%u-%s", dir, k, u->name);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		api_report(d, SERVE_INTERNAL, strerror(errno));
		path[0] = '\0';
		return false;
	}
	while (done < u->len) {
		ssize_t w = write(fd, u->data + done, u->len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			api_report(d, SERVE_INTERNAL, strerror(errno));
			close(fd);
			return false;
		}
		done += (size_t)w;
	}
	return close(fd) == 0;
}

/* Takes "DIR/" out of a report's text: the private directory is the
 * server's; the reader sees the names of the files as sent. */
static size_t
strip_dir(char *text, size_t len, const char *dir)
{
	size_t dl = strlen(dir), w = 0;

	for (size_t r = 0; r < len;) {
		if (len - r > dl && memcmp(text + r, dir, dl) == 0 && text[r + dl] == '/') {
			r += dl + 1;
			continue;
		}
		text[w++] = text[r++];
	}
	if (w < len)
		text[w] = '\0';
	return w;
}

static void
review(const struct api_server *s, const struct api_call *c, struct api_reply *r,
    struct api_diags *d)
{
	static const char *const fields[] = { "file", "original" };
	char dir[256], *out = NULL, paths[MAX_REVIEW_FILES + 1][512];
	const char *tmp = getenv("TMPDIR"), *fmt_s = c->query ? c->query(c->query_cls, "format") : NULL;
	struct rfp_review *rv[MAX_REVIEW_FILES] = { 0 }, *orig = NULL;
	const struct api_upload *ou = find_upload(c, "original");
	struct rfp_output doc = { 0 };
	struct rfp_ctx *ctx = NULL;
	enum rfp_status st = RFP_ERR_USAGE;
	size_t n = 0, npaths = 0, len = 0;
	bool made = false;
	json_t *o = NULL;

	if (!fmt_s)
		fmt_s = "json";
	if (!check_fields(c, fields, 2, "file, original", d))
		goto fail;
	if (strcmp(fmt_s, "json") != 0 && strcmp(fmt_s, "xlsx") != 0 && strcmp(fmt_s, "csv") != 0 &&
	    strcmp(fmt_s, "docx") != 0) {
		api_report(d, SERVE_VALUE, "format", _("must be json, xlsx, csv or docx"));
		goto fail;
	}
	if (strcmp(fmt_s, "docx") == 0 && !s->review_template[0]) {
		api_report(d, SERVE_UNAVAILABLE, "審查意見表", _("templates/review.docx is not installed"));
		st = RFP_ERR_UNAVAILABLE;
		goto fail;
	}
	for (size_t i = 0; i < c->nuploads; i++)
		n += strcmp(c->uploads[i].field, "file") == 0;
	if (!n) {
		api_report(d, SERVE_UPLOAD, "file");
		goto fail;
	}
	if (n > MAX_REVIEW_FILES) {
		char what[96];

		snprintf(what, sizeof(what), _("at most %d files in one review"), MAX_REVIEW_FILES);
		api_report(d, SERVE_VALUE, "file", what);
		st = RFP_ERR_LIMIT;
		goto fail;
	}
	if (!(ctx = request_ctx(s, d))) {
		st = RFP_ERR_NOMEM;
		goto fail;
	}
	/* rfp_review_read() reads files: a private directory, removed below. */
	snprintf(dir, sizeof(dir), "%s/rfpgen-review-XXXXXX",
	    tmp && tmp[0] == '/' && strlen(tmp) < 200 ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		api_report(d, SERVE_INTERNAL, strerror(errno));
		st = RFP_ERR_IO;
		goto fail;
	}
	made = true;
	if (ou) {
		if (!put_file(d, dir, ou, paths[npaths++], sizeof(paths[0]))) {
			st = RFP_ERR_IO;
			goto fail;
		}
		d->upload = ou->name;
		if ((st = rfp_review_read(ctx, paths[npaths - 1], NULL, &orig)) != RFP_OK)
			goto fail;
	}
	n = 0;
	for (size_t i = 0; i < c->nuploads; i++) {
		if (strcmp(c->uploads[i].field, "file") != 0)
			continue;
		if (!put_file(d, dir, &c->uploads[i], paths[npaths++], sizeof(paths[0]))) {
			st = RFP_ERR_IO;
			goto fail;
		}
		d->upload = c->uploads[i].name;
		if ((st = rfp_review_read(ctx, paths[npaths - 1], orig, &rv[n])) != RFP_OK)
			goto fail;
		n++;
	}
	d->upload = NULL;
	if (strcmp(fmt_s, "json") == 0) {
		if ((st = rfp_review_report((const struct rfp_review *const *)rv, n, RFP_EXPORT_JSON, &out,
		    &len)) != RFP_OK)
			goto fail;
		len = strip_dir(out, len, dir);
		if (!(o = json_loadb(out, len, 0, NULL))) {
			st = RFP_ERR_NOMEM;
			goto fail;
		}
		json_object_set(o, "diagnostics", d->list);
		reply_json(r, o, 200);
	} else if (strcmp(fmt_s, "docx") == 0) {
		if ((st = rfp_review_render(ctx, s->review_template, (const struct rfp_review *const *)rv, n,
		    s->generator, s->mtime, &doc)) != RFP_OK)
			goto fail;
		set_disposition(r, "review.docx", "審查意見表.docx");
		reply_bytes(r, DOCX_TYPE, &doc);
	} else {
		bool xlsx = strcmp(fmt_s, "xlsx") == 0;

		if ((st = rfp_review_matrix(ctx, (const struct rfp_review *const *)rv, n,
		    xlsx ? RFP_MATRIX_XLSX : RFP_MATRIX_CSV, s->mtime, &out, &len)) != RFP_OK)
			goto fail;
		if (!xlsx)
			len = strip_dir(out, len, dir);
		set_disposition(r, xlsx ? "bidder-matrix.xlsx" : "bidder-matrix.csv",
		    xlsx ? "投標廠商對照表.xlsx" : "投標廠商對照表.csv");
		struct rfp_output o2 = { (unsigned char *)out, len };

		out = NULL;
		reply_bytes(r, xlsx ? XLSX_TYPE : "text/csv; charset=utf-8", &o2);
	}
	goto out;
fail:
	r->status = api_status_for(st);
	api_error_reply(d, r);
out:
	for (size_t i = 0; i < npaths; i++)
		if (paths[i][0])
			unlink(paths[i]);
	if (made)
		rmdir(dir);
	json_decref(o);
	free(out);
	rfp_output_fini(&doc);
	for (size_t i = 0; i < MAX_REVIEW_FILES; i++)
		rfp_review_free(rv[i]);
	rfp_review_free(orig);
	rfp_ctx_free(ctx);
}

void
api_handle(const struct api_server *s, const struct api_call *c, struct api_reply *r)
{
	struct api_diags d;

	*r = (struct api_reply){ 0 };
	api_diags_init(&d);
	switch (c->route->id) {
	case ROUTE_HEALTHZ: healthz(s, r); break;
	case ROUTE_TYPES: types(s, r); break;
	case ROUTE_ITEMS: items(s, c, r, &d); break;
	case ROUTE_ANNEX: annex(s, c, r, &d, false); break;
	case ROUTE_AGENCY: annex(s, c, r, &d, true); break;
	case ROUTE_INSPECT: inspect(s, c, r, &d); break;
	case ROUTE_REVIEW: review(s, c, r, &d); break;
	case ROUTE_STATIC:
		api_report(&d, SERVE_NOT_FOUND, c->route->path);
		r->status = 404;
		api_error_reply(&d, r);
		break;
	}
	api_diags_fini(&d);
}
