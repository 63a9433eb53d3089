/* SPDX-License-Identifier: MIT */
/*
 * The fixed vocabularies: outsourcing types, protection levels, responsible
 * parties and modalities, with the names users may type for them, and the
 * 附表九 rule that derives a level from four impact ratings.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "catalogue/catalogue.h"

static const struct {
	const char *name;
	const char *aliases[3];
} type_names[RFP_TYPE_COUNT] = {
	[RFP_TYPE_CONSULTING] = { "顧問訓練", { "consulting", NULL } },
	[RFP_TYPE_DEVELOPMENT] = { "系統發展", { "development", NULL } },
	[RFP_TYPE_OPERATIONS] = { "維運服務", { "維運管理", "operations", NULL } },
	[RFP_TYPE_CLOUD] = { "雲端服務", { "cloud", NULL } },
};

static const struct {
	const char *name;
	const char *alias;
} level_names[] = {
	[RFP_LEVEL_LOW] = { "普", "low" },
	[RFP_LEVEL_MODERATE] = { "中", "moderate" },
	[RFP_LEVEL_HIGH] = { "高", "high" },
};

bool
rfp_type_parse(const char *s, enum rfp_type *out)
{
	unsigned t, a;

	for (t = 0; t < RFP_TYPE_COUNT; t++) {
		if (strcmp(s, type_names[t].name) == 0)
			goto found;
		for (a = 0; type_names[t].aliases[a]; a++)
			if (strcasecmp(s, type_names[t].aliases[a]) == 0)
				goto found;
	}
	return false;
found:
	*out = (enum rfp_type)t;
	return true;
}

const char *
rfp_type_name(enum rfp_type t)
{
	return (unsigned)t < RFP_TYPE_COUNT ? type_names[t].name : "";
}

const char *
rfp_type_choices(void)
{
	return "顧問訓練 (consulting), 系統發展 (development), "
	    "維運服務 or 維運管理 (operations), 雲端服務 (cloud)";
}

bool
rfp_level_parse(const char *s, enum rfp_level *out)
{
	unsigned l;

	for (l = RFP_LEVEL_LOW; l <= RFP_LEVEL_HIGH; l++) {
		if (strcmp(s, level_names[l].name) == 0 ||
		    strcasecmp(s, level_names[l].alias) == 0) {
			*out = (enum rfp_level)l;
			return true;
		}
	}
	return false;
}

const char *
rfp_level_name(enum rfp_level l)
{
	return l >= RFP_LEVEL_LOW && l <= RFP_LEVEL_HIGH ? level_names[l].name : "";
}

const char *
rfp_level_choices(void)
{
	return "普 (low), 中 (moderate), 高 (high)";
}

static const struct {
	const char *name;
	const char *aliases[5];
} service_names[RFP_SERVICE_COUNT] = {
	[RFP_SERVICE_HEALTH_CHECK] = { "資安健診", { "health-check", "資通安全健診", NULL } },
	[RFP_SERVICE_SOC] = { "資安監控", { "soc", "資通安全威脅偵測管理", "資安監控服務", NULL } },
	[RFP_SERVICE_VULN_SCAN] = { "弱點掃描", { "vuln-scan", "弱點掃描服務", NULL } },
	[RFP_SERVICE_PENTEST] = { "滲透測試", { "pentest", "滲透測試服務", NULL } },
	[RFP_SERVICE_SOCIAL_ENGINEERING] = { "社交工程演練",
		{ "social-engineering", "社交工程", "社交工程郵件測試", NULL } },
};

bool
rfp_service_parse(const char *s, enum rfp_service *out)
{
	for (unsigned v = 0; v < RFP_SERVICE_COUNT; v++) {
		bool hit = strcmp(s, service_names[v].name) == 0;

		for (unsigned a = 0; !hit && service_names[v].aliases[a]; a++)
			hit = strcasecmp(s, service_names[v].aliases[a]) == 0;
		if (hit) {
			*out = (enum rfp_service)v;
			return true;
		}
	}
	return false;
}

const char *
rfp_service_name(enum rfp_service v)
{
	return (unsigned)v < RFP_SERVICE_COUNT ? service_names[v].name : "";
}

const char *
rfp_service_alias(enum rfp_service v)
{
	return (unsigned)v < RFP_SERVICE_COUNT ? service_names[v].aliases[0] : "";
}

const char *
rfp_service_choices(void)
{
	return "資安健診 (health-check), 資安監控 or SOC (soc), 弱點掃描 (vuln-scan), "
	    "滲透測試 (pentest), 社交工程演練 (social-engineering)";
}

bool
rfp_agency_level_parse(const char *s, enum rfp_agency_level *out)
{
	size_t n = strlen(s);

	/* "B" or "B級" (級 is three bytes of UTF-8). */
	if (!(n == 1 || (n == 4 && strcmp(s + 1, "級") == 0)))
		return false;
	if (*s >= 'A' && *s <= 'E')
		*out = (enum rfp_agency_level)(RFP_AGENCY_LEVEL_A + (*s - 'A'));
	else if (*s >= 'a' && *s <= 'e')
		*out = (enum rfp_agency_level)(RFP_AGENCY_LEVEL_A + (*s - 'a'));
	else
		return false;
	return true;
}

const char *
rfp_agency_level_name(enum rfp_agency_level l)
{
	static const char *const names[] = { "", "A", "B", "C", "D", "E" };

	return (unsigned)l <= RFP_AGENCY_LEVEL_E ? names[l] : "";
}

const char *
rfp_agency_level_choices(void)
{
	return "A, B, C, D, E (資通安全責任等級)";
}

static enum rfp_level *
impact_slot(struct rfp_impact *imp, const char *key, size_t n)
{
	static const struct {
		const char *ascii, *zh;
		size_t off;
	} keys[] = {
		{ "C", "機密性", offsetof(struct rfp_impact, c) },
		{ "I", "完整性", offsetof(struct rfp_impact, i) },
		{ "A", "可用性", offsetof(struct rfp_impact, a) },
		{ "L", "法律遵循性", offsetof(struct rfp_impact, l) },
	};
	size_t k;

	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		if ((n == 1 && strncasecmp(key, keys[k].ascii, 1) == 0) ||
		    (n == strlen(keys[k].zh) && memcmp(key, keys[k].zh, n) == 0))
			return (enum rfp_level *)((char *)imp + keys[k].off);
	}
	return NULL;
}

bool
rfp_impact_parse(const char *s, struct rfp_impact *out, char *err, size_t errlen)
{
	struct rfp_impact imp = { 0 };
	char val[32];
	const char *p = s, *eq, *end;
	enum rfp_level *slot;

	while (*p) {
		end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		if (!eq) {
			snprintf(err, errlen, "'%.*s' is not KEY=LEVEL", (int)(end - p), p);
			return false;
		}
		slot = impact_slot(&imp, p, (size_t)(eq - p));
		if (!slot) {
			snprintf(err, errlen, "unknown rating '%.*s'; use C, I, A and L "
			    "(機密性, 完整性, 可用性, 法律遵循性)", (int)(eq - p), p);
			return false;
		}
		if (*slot) {
			snprintf(err, errlen, "rating '%.*s' given twice", (int)(eq - p), p);
			return false;
		}
		snprintf(val, sizeof(val), "%.*s", (int)(end - eq - 1), eq + 1);
		if (!rfp_level_parse(val, slot)) {
			snprintf(err, errlen, "unknown level '%s' for %.*s; valid: %s",
			    val, (int)(eq - p), p, rfp_level_choices());
			return false;
		}
		p = *end ? end + 1 : end;
	}
	if (!imp.c || !imp.i || !imp.a || !imp.l) {
		snprintf(err, errlen, "all four ratings are needed, e.g. C=高,I=中,A=普,L=普");
		return false;
	}
	*out = imp;
	return true;
}

enum rfp_level
rfp_impact_level(const struct rfp_impact *imp)
{
	enum rfp_level l = imp->c;

	if (imp->i > l)
		l = imp->i;
	if (imp->a > l)
		l = imp->a;
	if (imp->l > l)
		l = imp->l;
	return l;
}

bool
rfp_condition_parse(const char *s, size_t n, unsigned *out)
{
	static const struct {
		const char *name;
		unsigned bit;
	} conds[] = {
		{ "core-or-large", RFP_COND_CORE_OR_LARGE },
		{ "eu-personal-data", RFP_COND_EU_PERSONAL_DATA },
		{ "classified", RFP_COND_CLASSIFIED },
	};

	for (size_t i = 0; i < sizeof(conds) / sizeof(conds[0]); i++) {
		if (strlen(conds[i].name) == n && memcmp(conds[i].name, s, n) == 0) {
			*out = conds[i].bit;
			return true;
		}
	}
	return false;
}

const char *
rfp_party_name(enum rfp_party p)
{
	static const char *const names[] = { "廠商", "機關", "共同" };

	return names[p];
}

const char *
rfp_modality_name(enum rfp_modality m)
{
	static const char *const names[] = { "應", "宜", "得" };

	return names[m];
}

const char *
rfp_source_kind_name(enum rfp_source_kind k)
{
	static const char *const names[] = { "guidance", "law", "unverified" };

	return names[k];
}
