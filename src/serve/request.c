/* SPDX-License-Identifier: MIT */
/*
 * The JSON of an items or annex request (docs/api.md) read into a struct
 * rfp_request with jansson: every key and value checked, every problem
 * reported (RFP-SERVE-KEY, -VALUE, -MISSING, -JSON) before the library is
 * asked; what the library checks itself (tailoring, field and parameter
 * names, control characters) it reports with the command line's codes.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "serve/api.h"

#define MAX_VALUE 16384		/* bytes of one string value */

static const char *const top_keys[] = { "type", "level", "impact", "services", "agency_level",
	"agency", "project", "date", "conditions", "fields", "params", "exclude", "include",
	"format", "pdf_standard", "agency_duties" };
static const char *const condition_keys[] = { "core_system", "contract_value",
	"eu_personal_data", "classified" };
static const char *const impact_keys[] = { "C", "I", "A", "L", "機密性", "完整性", "可用性",
	"法律遵循性" };
static const char *const tailoring_keys[] = { "id", "reason" };
static const char *const type_names[] = { "顧問訓練", "系統發展", "維運服務", "維運管理",
	"雲端服務", "consulting", "development", "operations", "cloud" };
static const char *const level_names[] = { "普", "中", "高", "low", "moderate", "high" };

#define N(a) (sizeof(a) / sizeof((a)[0]))

void
api_request_fini(struct api_request *r)
{
	json_decref(r->root);
	free(r->tailoring);
	free(r->fields);
	free(r->params);
	*r = (struct api_request){ 0 };
}

/* Every key of o must be one of keys; reports those that are not. */
static bool
check_keys(json_t *o, const char *where, const char *const *keys, size_t n, struct api_diags *d)
{
	const char *k;
	json_t *v;
	bool ok = true;

	json_object_foreach(o, k, v) {
		size_t i;
		char near[160] = "";
		const char *sugg;

		for (i = 0; i < n && strcmp(k, keys[i]) != 0; i++)
			;
		if (i < n)
			continue;
		if ((sugg = rfp_nearest(k, keys, n)) != NULL)
			snprintf(near, sizeof(near), _("; did you mean '%s'?"), sugg);
		api_report(d, SERVE_KEY, where, k, near);
		ok = false;
	}
	return ok;
}

/* A string of at most MAX_VALUE bytes, or NULL with the problem reported. */
static const char *
string_of(json_t *v, const char *where, struct api_diags *d)
{
	if (!json_is_string(v)) {
		api_report(d, SERVE_VALUE, where, _("must be a string"));
		return NULL;
	}
	if (json_string_length(v) > MAX_VALUE) {
		char what[64];

		snprintf(what, sizeof(what), _("is longer than %d bytes"), MAX_VALUE);
		api_report(d, SERVE_VALUE, where, what);
		return NULL;
	}
	return json_string_value(v);
}

static bool
bool_of(json_t *v, const char *where, bool *out, struct api_diags *d)
{
	if (!json_is_boolean(v)) {
		api_report(d, SERVE_VALUE, where, _("must be true or false"));
		return false;
	}
	*out = json_is_true(v);
	return true;
}

static void
unknown_value(struct api_diags *d, const char *where, const char *what, const char *v,
    const char *const *names, size_t n, const char *choices)
{
	char msg[1024];
	const char *near = rfp_nearest(v, names, n);

	if (near)
		snprintf(msg, sizeof(msg), _("unknown %s '%.200s'; did you mean %s? valid: %s"), _(what), v,
		    near, choices);
	else
		snprintf(msg, sizeof(msg), _("unknown %s '%.200s'; valid: %s"), _(what), v, choices);
	api_report(d, SERVE_VALUE, where, msg);
}

static bool
level_of(json_t *v, const char *where, enum rfp_level *out, struct api_diags *d)
{
	const char *s = string_of(v, where, d);

	if (!s)
		return false;
	if (rfp_level_parse(s, out))
		return true;
	unknown_value(d, where, N_("protection level"), s, level_names, N(level_names), rfp_level_choices());
	return false;
}

/* "impact": {"C": "高", ...} (keys also 機密性 ...), or "C=高,I=中,A=普,L=普". */
static bool
impact_of(json_t *v, struct rfp_impact *out, struct api_diags *d)
{
	enum rfp_level *slot[4] = { &out->c, &out->i, &out->a, &out->l };
	bool seen[4] = { false }, ok = true;
	const char *k;
	json_t *x;
	char err[256], where[64];

	if (json_is_string(v)) {
		if (rfp_impact_parse(json_string_value(v), out, err, sizeof(err)))
			return true;
		api_report(d, SERVE_VALUE, "impact", err);
		return false;
	}
	if (!json_is_object(v)) {
		api_report(d, SERVE_VALUE, "impact", _("must be an object {\"C\": \"高\", \"I\": …, \"A\": …, \"L\": …}"));
		return false;
	}
	if (!check_keys(v, "impact", impact_keys, N(impact_keys), d))
		return false;
	json_object_foreach(v, k, x) {
		size_t i;

		for (i = 0; strcmp(k, impact_keys[i]) != 0; i++)
			;
		i %= 4;
		snprintf(where, sizeof(where), "impact.%s", k);
		if (seen[i]) {
			api_report(d, SERVE_VALUE, where, _("is given twice (a letter and its name)"));
			ok = false;
			continue;
		}
		seen[i] = true;
		if (!level_of(x, where, slot[i], d))
			ok = false;
	}
	for (size_t i = 0; i < 4; i++) {
		if (!seen[i]) {
			snprintf(where, sizeof(where), "impact.%s", impact_keys[i]);
			api_report(d, SERVE_MISSING, where);
			ok = false;
		}
	}
	return ok;
}

/* contract_value: whole NT dollars, as a number or "12,000,000"/"NT$12,000,000". */
static bool
amount_of(json_t *v, unsigned long long *out, struct api_diags *d)
{
	const char *where = "conditions.contract_value";
	char digits[32];
	size_t n = 0;

	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		*out = (unsigned long long)json_integer_value(v);
		return true;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);

		if (strncasecmp(s, "NT$", 3) == 0)
			s += 3;
		for (; *s && n < sizeof(digits) - 1; s++) {
			if (*s >= '0' && *s <= '9')
				digits[n++] = *s;
			else if (*s != ',')
				break;
		}
		digits[n] = '\0';
		if (!*s && n) {
			errno = 0;
			*out = strtoull(digits, NULL, 10);
			if (!errno)
				return true;
		}
	}
	api_report(d, SERVE_VALUE, where, _("must be a whole number of NT dollars (12000000 or \"12,000,000\")"));
	return false;
}

static bool
conditions_of(json_t *v, unsigned *cond, struct api_diags *d)
{
	static const unsigned bits[] = { RFP_COND_CORE_OR_LARGE, 0, RFP_COND_EU_PERSONAL_DATA,
		RFP_COND_CLASSIFIED };
	const char *k;
	json_t *x;
	bool ok = true;
	char where[64];

	if (!json_is_object(v)) {
		api_report(d, SERVE_VALUE, "conditions", _("must be an object"));
		return false;
	}
	if (!check_keys(v, "conditions", condition_keys, N(condition_keys), d))
		return false;
	json_object_foreach(v, k, x) {
		size_t i;
		bool on;

		for (i = 0; strcmp(k, condition_keys[i]) != 0; i++)
			;
		snprintf(where, sizeof(where), "conditions.%s", k);
		if (i == 1) {
			unsigned long long amount;

			if (!amount_of(x, &amount, d))
				ok = false;
			/* 施行細則§4: NT$10,000,000 or more calls for third-party testing. */
			else if (amount >= 10000000ULL)
				*cond |= RFP_COND_CORE_OR_LARGE;
		} else if (!bool_of(x, where, &on, d)) {
			ok = false;
		} else if (on) {
			*cond |= bits[i];
		}
	}
	return ok;
}

/* "fields" or "params": an object of name → string. */
static bool
pairs_of(json_t *v, const char *where, const char ***names, const char ***values, size_t *n,
    struct api_diags *d)
{
	const char *k;
	json_t *x;
	bool ok = true;
	char at[96];

	*n = 0;
	if (!json_is_object(v)) {
		api_report(d, SERVE_VALUE, where, _("must be an object of names and texts"));
		return false;
	}
	if (json_object_size(v) > API_MAX_FIELDS) {
		snprintf(at, sizeof(at), _("has more than %d entries"), API_MAX_FIELDS);
		api_report(d, SERVE_VALUE, where, at);
		return false;
	}
	*names = calloc(json_object_size(v) + 1, sizeof(**names));
	*values = calloc(json_object_size(v) + 1, sizeof(**values));
	if (!*names || !*values)
		return false;
	json_object_foreach(v, k, x) {
		const char *s;

		snprintf(at, sizeof(at), "%s.%.40s", where, k);
		if (!(s = string_of(x, at, d))) {
			ok = false;
			continue;
		}
		(*names)[*n] = k;
		(*values)[(*n)++] = s;
	}
	return ok;
}

/* "exclude" / "include": [{"id": "3.2.1", "reason": "…"}, …]. */
static bool
tailoring_of(struct api_request *r, json_t *v, const char *where,
    enum rfp_tailor_action action, struct api_diags *d)
{
	size_t i;
	json_t *x;
	bool ok = true;
	char at[64];

	if (!json_is_array(v)) {
		api_report(d, SERVE_VALUE, where, _("must be an array of {\"id\": …, \"reason\": …}"));
		return false;
	}
	if (r->req.ntailoring + json_array_size(v) > API_MAX_TAILORING) {
		snprintf(at, sizeof(at), _("has more than %d entries"), API_MAX_TAILORING);
		api_report(d, SERVE_VALUE, where, at);
		return false;
	}
	json_array_foreach(v, i, x) {
		struct rfp_tailoring *t = &r->tailoring[r->req.ntailoring];
		json_t *id, *reason;

		snprintf(at, sizeof(at), "%s[%zu]", where, i);
		if (!json_is_object(x)) {
			api_report(d, SERVE_VALUE, at, _("must be an object {\"id\": …, \"reason\": …}"));
			ok = false;
			continue;
		}
		if (!check_keys(x, at, tailoring_keys, N(tailoring_keys), d)) {
			ok = false;
			continue;
		}
		id = json_object_get(x, "id");
		reason = json_object_get(x, "reason");
		snprintf(at, sizeof(at), "%s[%zu].id", where, i);
		if (!id) {
			api_report(d, SERVE_MISSING, at);
			ok = false;
			continue;
		}
		*t = (struct rfp_tailoring){ .action = action };
		if (!(t->id = string_of(id, at, d))) {
			ok = false;
			continue;
		}
		snprintf(at, sizeof(at), "%s[%zu].reason", where, i);
		/* A missing reason to exclude is the library's RFP-TAILOR-REASON. */
		if (reason && !json_is_null(reason) && !(t->reason = string_of(reason, at, d))) {
			ok = false;
			continue;
		}
		r->req.ntailoring++;
	}
	return ok;
}

static bool
services_of(json_t *v, unsigned *out, struct api_diags *d)
{
	static const char *const names[] = { "資安健診", "資安監控", "弱點掃描", "滲透測試",
		"社交工程演練", "health-check", "soc", "vuln-scan", "pentest", "social-engineering" };
	size_t i;
	json_t *x;
	bool ok = true;
	char at[48];

	if (!json_is_array(v)) {
		api_report(d, SERVE_VALUE, "services", _("must be an array of service names"));
		return false;
	}
	json_array_foreach(v, i, x) {
		enum rfp_service sv;
		const char *s;

		snprintf(at, sizeof(at), "services[%zu]", i);
		if (!(s = string_of(x, at, d))) {
			ok = false;
		} else if (!rfp_service_parse(s, &sv)) {
			unknown_value(d, at, N_("security service"), s, names, N(names), rfp_service_choices());
			ok = false;
		} else {
			*out |= 1u << sv;
		}
	}
	return ok;
}

static enum rfp_status
read_object(struct api_request *r, const char *today, struct api_diags *d)
{
	json_t *o = r->root, *v;
	const char *s;
	bool ok = true;

	r->req = (struct rfp_request){ 0 };
	r->format = API_DOCX;
	r->pdf_standard = RFP_PDF_A2B;
	snprintf(r->date, sizeof(r->date), "%s", today);
	r->req.date = r->date;
	if (!check_keys(o, "request", top_keys, N(top_keys), d))
		ok = false;
	if (!(r->tailoring = calloc(API_MAX_TAILORING + 1, sizeof(*r->tailoring))))
		return RFP_ERR_NOMEM;
	if ((v = json_object_get(o, "services")) && !services_of(v, &r->req.services, d))
		ok = false;
	if ((v = json_object_get(o, "type"))) {
		if (!(s = string_of(v, "type", d)))
			ok = false;
		else if (!rfp_type_parse(s, &r->req.type)) {
			unknown_value(d, "type", N_("outsourcing type"), s, type_names, N(type_names), rfp_type_choices());
			ok = false;
		}
	} else if (r->req.services) {
		r->req.service_only = true;
	} else {
		api_report(d, SERVE_MISSING, "type");
		ok = false;
	}
	json_t *lv = json_object_get(o, "level"), *im = json_object_get(o, "impact");

	if (lv && im) {
		api_report(d, SERVE_VALUE, "level", _("give level or impact, not both"));
		ok = false;
	} else if (lv) {
		if (!level_of(lv, "level", &r->req.level, d))
			ok = false;
	} else if (im) {
		if (!impact_of(im, &r->req.impact, d))
			ok = false;
		r->req.has_impact = true;
	} else if (!r->req.service_only) {
		api_report(d, SERVE_MISSING, "level");
		ok = false;
	}
	if ((v = json_object_get(o, "agency_level"))) {
		if (!(s = string_of(v, "agency_level", d)))
			ok = false;
		else if (!rfp_agency_level_parse(s, &r->req.agency_level)) {
			static const char *const al[] = { "A", "B", "C", "D", "E" };

			unknown_value(d, "agency_level", N_("agency level"), s, al, N(al),
			    rfp_agency_level_choices());
			ok = false;
		}
	}
	if ((v = json_object_get(o, "agency")) && !(r->req.agency = string_of(v, "agency", d)))
		ok = false;
	if ((v = json_object_get(o, "project")) && !(r->req.project = string_of(v, "project", d)))
		ok = false;
	if ((v = json_object_get(o, "date"))) {
		if (!(s = string_of(v, "date", d)))
			ok = false;
		else if (!rfp_date_parse(s, r->date)) {
			char msg[512];

			snprintf(msg, sizeof(msg), _("'%.200s' is not a date: write 2025-05-01 or "
			    "中華民國114年5月1日 (114-05-01, 114/05/01, 114.5.1)"), s);
			api_report(d, SERVE_VALUE, "date", msg);
			ok = false;
		}
	}
	if ((v = json_object_get(o, "conditions")) && !conditions_of(v, &r->req.conditions, d))
		ok = false;
	if ((v = json_object_get(o, "fields"))) {
		const char **names = NULL, **values = NULL;
		size_t n = 0;

		if (!pairs_of(v, "fields", &names, &values, &n, d))
			ok = false;
		else if ((r->fields = calloc(n + 1, sizeof(*r->fields))) != NULL) {
			for (size_t i = 0; i < n; i++)
				r->fields[i] = (struct rfp_field_value){ names[i], values[i] };
			r->req.fields = r->fields;
			r->req.nfields = n;
		}
		free(names);
		free(values);
	}
	if ((v = json_object_get(o, "params"))) {
		const char **names = NULL, **values = NULL;
		size_t n = 0;

		if (!pairs_of(v, "params", &names, &values, &n, d))
			ok = false;
		else if ((r->params = calloc(n + 1, sizeof(*r->params))) != NULL) {
			for (size_t i = 0; i < n; i++)
				r->params[i] = (struct rfp_param_value){ names[i], values[i] };
			r->req.params = r->params;
			r->req.nparams = n;
		}
		free(names);
		free(values);
	}
	if ((v = json_object_get(o, "exclude")) &&
	    !tailoring_of(r, v, "exclude", RFP_TAILOR_EXCLUDE, d))
		ok = false;
	if ((v = json_object_get(o, "include")) &&
	    !tailoring_of(r, v, "include", RFP_TAILOR_INCLUDE, d))
		ok = false;
	r->req.tailoring = r->tailoring;
	if ((v = json_object_get(o, "format"))) {
		if (!(s = string_of(v, "format", d)))
			ok = false;
		else if (strcasecmp(s, "docx") == 0)
			r->format = API_DOCX;
		else if (strcasecmp(s, "odt") == 0)
			r->format = API_ODT;
		else if (strcasecmp(s, "pdf") == 0)
			r->format = API_PDF;
		else {
			static const char *const f[] = { "docx", "odt", "pdf" };

			unknown_value(d, "format", N_("document format"), s, f, N(f), "docx, odt, pdf");
			ok = false;
		}
		r->format_given = true;
	}
	if ((v = json_object_get(o, "pdf_standard"))) {
		if (!(s = string_of(v, "pdf_standard", d)))
			ok = false;
		else if (!rfp_pdf_standard_parse(s, &r->pdf_standard)) {
			static const char *const f[] = { "pdfa-2b", "none" };

			unknown_value(d, "pdf_standard", N_("PDF standard"), s, f, N(f), "pdfa-2b, none");
			ok = false;
		}
	}
	if ((v = json_object_get(o, "agency_duties")) &&
	    !bool_of(v, "agency_duties", &r->req.agency_checklist, d))
		ok = false;
	return ok ? RFP_OK : RFP_ERR_USAGE;
}

enum rfp_status
api_request_parse(struct api_request *r, const char *body, size_t len, const char *today,
    struct api_diags *d)
{
	json_error_t err;

	*r = (struct api_request){ 0 };
	/* RFC 8259 strictly: one object, no duplicate keys, no NUL in strings. */
	r->root = json_loadb(body ? body : "", len, JSON_REJECT_DUPLICATES, &err);
	if (!r->root) {
		api_report(d, SERVE_JSON, err.text, err.line, err.column);
		return RFP_ERR_USAGE;
	}
	if (!json_is_object(r->root)) {
		api_report(d, SERVE_JSON, _("the body must be an object {…}"), 1, 1);
		return RFP_ERR_USAGE;
	}
	return read_object(r, today, d);
}

/*
 * GET /api/items?type=…&level=…|impact=C=高,I=中,A=普,L=普&conditions=core_system,…
 * &contract_value=N&services=弱點掃描,…&agency_level=B&agency_duties=true: made
 * into the JSON object a POST would send, then read the same way.
 */
enum rfp_status
api_request_query(struct api_request *r, const char *(*get)(void *cls, const char *key),
    void *cls, const char *today, struct api_diags *d)
{
	static const char *const plain[] = { "type", "level", "impact", "agency_level" };
	json_t *o = json_object(), *cond = json_object();
	const char *v;
	bool ok = true;

	*r = (struct api_request){ .root = o };
	if (!o || !cond) {
		json_decref(cond);
		return RFP_ERR_NOMEM;
	}
	for (size_t i = 0; i < N(plain); i++)
		if ((v = get(cls, plain[i])) != NULL)
			json_object_set_new(o, plain[i], json_string(v));
	if ((v = get(cls, "conditions")) != NULL && *v) {
		char buf[256], *save = NULL;

		snprintf(buf, sizeof(buf), "%s", v);
		for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
			if (strcmp(w, "contract_value") == 0 ||
			    json_object_set_new(cond, w, json_true()) != 0) {
				api_report(d, SERVE_VALUE, "conditions", _("name core_system, eu_personal_data or classified; "
				    "the amount is contract_value=N"));
				ok = false;
			}
		}
	}
	if ((v = get(cls, "contract_value")) != NULL)
		json_object_set_new(cond, "contract_value", json_string(v));
	json_object_set_new(o, "conditions", cond);
	if ((v = get(cls, "services")) != NULL && *v) {
		json_t *a = json_array();
		char buf[256], *save = NULL;

		snprintf(buf, sizeof(buf), "%s", v);
		for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save))
			json_array_append_new(a, json_string(w));
		json_object_set_new(o, "services", a);
	}
	if ((v = get(cls, "agency_duties")) != NULL)
		json_object_set_new(o, "agency_duties", json_boolean(strcmp(v, "true") == 0 ||
		    strcmp(v, "1") == 0));
	/* A value that is not UTF-8 made no string: say which. */
	for (size_t i = 0; i < N(plain); i++) {
		if ((v = get(cls, plain[i])) != NULL && !json_object_get(o, plain[i])) {
			api_report(d, SERVE_VALUE, plain[i], _("is not UTF-8 text"));
			ok = false;
		}
	}
	if (!ok)
		return RFP_ERR_USAGE;
	return read_object(r, today, d);
}
