/* SPDX-License-Identifier: MIT */
/*
 * Human-readable descriptions of catalogue items and parameters, for
 * `rfpgen explain` and `rfpgen params`. The library formats; the CLI prints.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalogue/catalogue.h"
#include "util/buf.h"

static const char *
levels_from(enum rfp_level l)
{
	static const char *const s[] = { "", "普、中、高", "中、高", "高" };

	return s[l];
}

/* Prose with each insert shown as 〔參數 id「label」，預設 value〕, and
 * "，建議值" before the bracket closes when the default is a suggestion. */
static void
add_prose(struct rfp_buf *b, const struct rfp_catalogue *cat, const char *s)
{
	const char *m, *e;
	const struct rfp_param *p;

	while ((m = strchr(s, RFP_PARAM_MARK)) != NULL) {
		rfp_buf_add(b, s, (size_t)(m - s));
		e = strchr(m + 1, RFP_PARAM_MARK);
		p = rfp_catalogue_param(cat, m + 1, (size_t)(e - m - 1));
		if (p)
			rfp_buf_addf(b, "〔參數 %s「%s」，預設 %s%s〕", p->id, p->label,
			    p->has_by_agency ? "依機關資通安全責任等級（rfpgen params）" :
			    p->defaults[0] ? p->defaults[0] : p->defaults[1] ? p->defaults[1] : "（無）",
			    p->suggested ? "，建議值" : "");
		s = e + 1;
	}
	rfp_buf_adds(b, s);
}

/* Where a parameter's default comes from, on one line. */
static void
add_basis(struct rfp_buf *b, const struct rfp_param *p)
{
	if (p->suggested) {
		rfp_buf_adds(b, "建議值，機關得依需求調整（附件中標示）");
		if (p->source_title)
			rfp_buf_addf(b, "；參考 %s%s%s", p->source_title, p->clause ? "，" : "",
			    p->clause ? p->clause : "");
	} else {
		rfp_buf_addf(b, "%s，%s", p->source_title ? p->source_title : "",
		    p->clause ? p->clause : "");
	}
}

enum rfp_status
rfp_catalogue_describe(const struct rfp_catalogue *cat, const char *id, char **out)
{
	struct rfp_buf b = RFP_BUF_INIT(1u << 20);
	const struct rfp_item *it;
	long at = rfp_catalogue_find(cat, id);

	if (at < 0)
		return RFP_ERR_USAGE;
	it = cat->items[at];
	rfp_buf_addf(&b, "%s　%s　%s／%s\n", it->id, it->label,
	    it->measure->family->name, it->measure->name);
	if (it->types) {
		rfp_buf_addf(&b, "最低等級：%s（適用於 %s）\n", rfp_level_name(it->min_level),
		    levels_from(it->min_level));
		rfp_buf_addf(&b, "委外類型：%s\n", it->types_text);
	}
	if (it->services)
		rfp_buf_addf(&b, "資安服務：%s（不分防護需求等級）\n", it->services_text);
	rfp_buf_addf(&b, "責任歸屬：%s　用語：%s\n", rfp_party_name(it->party),
	    rfp_modality_name(it->modality));
	if (it->condition_name)
		rfp_buf_addf(&b, "適用條件：%s\n", it->condition_name);
	rfp_buf_adds(&b, "需求：");
	add_prose(&b, cat, it->text);
	if (*it->guidance) {
		rfp_buf_adds(&b, "\n說明：");
		add_prose(&b, cat, it->guidance);
	}
	if (*it->verification) {
		rfp_buf_adds(&b, "\n驗收方式：");
		add_prose(&b, cat, it->verification);
	}
	rfp_buf_addf(&b, "\n來源：%s，%s（%s）\n", it->source_title, it->clause,
	    it->source_kind == RFP_SOURCE_LAW ? "法規" :
	    it->source_kind == RFP_SOURCE_UNVERIFIED ? "法規，版本未經核對" : "參考資料");
	if (it->binding)
		rfp_buf_adds(&b, "法定義務：不得以 --exclude 排除。\n");
	for (size_t k = 0; k < it->nstated; k++) {
		const struct rfp_stated *st = &it->stated[k];

		rfp_buf_addf(&b, "%s%s", k ? "、" : "來源所載數值：", st->figure);
		if (st->source_title)
			rfp_buf_addf(&b, "（%s%s%s）", st->source_title, st->clause ? "，" : "",
			    st->clause ? st->clause : "");
		if (k + 1 == it->nstated)
			rfp_buf_adds(&b, "\n");
	}
	rfp_buf_addf(&b, "目錄：%s %s（%s:%u）\n", it->file->id, it->file->version,
	    it->file->path, it->line);
	return rfp_buf_take(&b, out, NULL);
}

enum rfp_status
rfp_catalogue_params(const struct rfp_catalogue *cat, char **out)
{
	struct rfp_buf b = RFP_BUF_INIT(1u << 20);

	for (size_t i = 0; i < cat->nparams; i++) {
		const struct rfp_param *p = cat->params[i];
		char mark[80];
		bool first = true;

		rfp_buf_addf(&b, "%s　%s\n  預設：", p->id, p->label);
		for (int l = RFP_LEVEL_NONE; l <= RFP_LEVEL_HIGH; l++) {
			if (!p->defaults[l])
				continue;
			rfp_buf_addf(&b, "%s%s%s", first ? "" : "；",
			    l ? rfp_level_name((enum rfp_level)l) :
			    p->has_by_agency ? "未指定機關等級時" : "各等級",
			    l ? "級起 " : " ");
			rfp_buf_adds(&b, p->defaults[l]);
			first = false;
		}
		for (int l = RFP_AGENCY_LEVEL_A; l <= RFP_AGENCY_LEVEL_E; l++) {
			if (!p->by_agency[l])
				continue;
			rfp_buf_addf(&b, "\n    %s級機關：%s",
			    rfp_agency_level_name((enum rfp_agency_level)l), p->by_agency[l]);
			first = false;
		}
		if (first)
			rfp_buf_adds(&b, "（無，須以 --set 指定）");
		rfp_buf_adds(&b, "\n  依據：");
		add_basis(&b, p);
		if (p->caveat)
			rfp_buf_addf(&b, "\n  附註：%s", p->caveat);
		rfp_buf_adds(&b, "\n  使用於：");
		snprintf(mark, sizeof(mark), "%c%s%c", RFP_PARAM_MARK, p->id, RFP_PARAM_MARK);
		first = true;
		for (size_t k = 0; k < cat->nitems; k++) {
			const struct rfp_item *it = cat->items[k];

			if (strstr(it->text, mark) || strstr(it->guidance, mark) ||
			    strstr(it->verification, mark)) {
				rfp_buf_addf(&b, "%s%s", first ? "" : " ", it->id);
				first = false;
			}
		}
		rfp_buf_adds(&b, "\n");
	}
	return rfp_buf_take(&b, out, NULL);
}

long
rfp_catalogue_find(const struct rfp_catalogue *cat, const char *id)
{
	for (size_t i = 0; i < cat->nitems; i++)
		if (strcmp(cat->items[i]->id, id) == 0)
			return (long)i;
	for (size_t i = 0; i < cat->nitems; i++)
		if (strcasecmp(cat->items[i]->id, id) == 0 || strcasecmp(cat->items[i]->label, id) == 0)
			return (long)i;
	return -1;
}

const char *
rfp_catalogue_suggest(const struct rfp_catalogue *cat, const char *word)
{
	const char **names = malloc((cat->nitems ? cat->nitems : 1) * 2 * sizeof(*names));
	const char *near;

	if (!names)
		return NULL;
	for (size_t i = 0; i < cat->nitems; i++) {
		names[2 * i] = cat->items[i]->id;
		names[2 * i + 1] = cat->items[i]->label;
	}
	near = rfp_nearest(word, names, 2 * cat->nitems);
	free(names);
	return near;
}
