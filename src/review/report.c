/* SPDX-License-Identifier: MIT */
/*
 * What a review reports (review.h): the terminal summary, JSON, CSV and
 * Markdown for one or more returned files, and the bidder matrix as CSV
 * (matrix.c writes the XLSX). The words are the committee's (zh-TW); the
 * codes in JSON and CSV are stable English names (docs/review.md).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "review/review.h"
#include "util/text.h"

static const struct {
	const char *code, *label;
} codes[] = {
	{ "unanswered", "未答" }, { "invalid-answer", "回覆無效" }, { "no-note", "缺說明" },
	{ "no-pages", "缺佐證頁次" }, { "altered", "文字遭修改" }, { "deleted", "列遭刪除" },
	{ "added", "列增加" }, { "duplicate", "列重複" }, { "typed", "文字填寫" },
	{ "typed-conflict", "回覆矛盾" }, { "manifest-edited", "紀錄遭修改" },
	{ "manifest-mismatch", "紀錄不符" }, { "controls-unnamed", "控制項無名稱" },
	{ "manifest-copy", "紀錄來源" },
};

/* The flag bits in the order of enum rfp_review_flag, as codes and marks. */
static const char *const flag_codes[] = { "unanswered", "invalid-answer", "no-note", "no-pages",
	"altered", "deleted", "typed", "typed-conflict", "duplicate" };
static const char *const flag_marks[] = { "", "", "缺說明", "缺佐證頁次", "文字遭修改",
	"列遭刪除", "文字填寫", "回覆矛盾", "列重複" };

static const char *
label_of(const char *code)
{
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strcmp(codes[i].code, code) == 0)
			return codes[i].label;
	return code;
}

const char *
rfp_review_reply_label(enum rfp_reply r)
{
	return r == RFP_REPLY_NONE ? "未答" : r == RFP_REPLY_OTHER ? "無效" : rfp_reply_names[r];
}

void
rfp_review_cell(struct rfp_buf *b, const struct rfp_review *r, size_t i)
{
	const struct rv_item *it = &r->items[i];
	bool open = false;

	rfp_buf_adds(b, rfp_review_reply_label(it->reply));
	if (it->reply == RFP_REPLY_OTHER && it->answer && *it->answer)
		rfp_buf_addf(b, "「%.60s」", it->answer);
	for (size_t f = 2; f < sizeof(flag_marks) / sizeof(flag_marks[0]); f++) {
		if (!(it->flags & (1u << f)) || ((1u << f) == RFP_REVIEW_DELETED))
			continue;
		rfp_buf_adds(b, open ? "、" : "（");
		rfp_buf_adds(b, flag_marks[f]);
		open = true;
	}
	if (it->flags & RFP_REVIEW_DELETED) {
		rfp_buf_adds(b, open ? "、" : "（");
		rfp_buf_adds(b, flag_marks[5]);
		open = true;
	}
	if (open)
		rfp_buf_adds(b, "）");
}

/* The file name of path without its directory (whole: with it) and
 * extension: *len bytes from the result. */
static const char *
stem(const char *path, bool whole, size_t *len)
{
	const char *base = strrchr(path, '/'), *dot;

	base = base && !whole ? base + 1 : path;
	dot = strrchr(base, '.');
	if (dot && strchr(dot, '/'))
		dot = NULL;
	*len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	return base;
}

void
rfp_review_bidder(struct rfp_buf *b, const struct rfp_review *const *r, size_t n, size_t j)
{
	size_t len, l2;
	const char *s = stem(r[j]->file, false, &len), *t;
	bool twice = false;

	for (size_t k = 0; k < n && !twice; k++)
		twice = k != j && (t = stem(r[k]->file, false, &l2), l2 == len &&
		    memcmp(s, t, len) == 0);
	if (twice)
		s = stem(r[j]->file, true, &len);
	rfp_buf_add(b, s, len);
}

enum rfp_status
rfp_review_rows(const struct rfp_review *const *r, size_t n, size_t **idx, size_t *rows)
{
	size_t cap = 0, k = 0;
	const char **ids = NULL;
	size_t *x = NULL;

	for (size_t j = 0; j < n; j++)
		cap += r[j]->m.n;
	if (!(ids = malloc((cap ? cap : 1) * sizeof(*ids))))
		return RFP_ERR_NOMEM;
	for (size_t j = 0; j < n; j++)
		for (size_t i = 0; i < r[j]->m.n; i++) {
			size_t t = 0;

			while (t < k && strcmp(ids[t], r[j]->m.items[i].id) != 0)
				t++;
			if (t == k)
				ids[k++] = r[j]->m.items[i].id;
		}
	if (k && n > SIZE_MAX / sizeof(*x) / k) {
		free(ids);
		return RFP_ERR_NOMEM;
	}
	if (!(x = malloc((k * n > 0 ? k * n : 1) * sizeof(*x)))) {
		free(ids);
		return RFP_ERR_NOMEM;
	}
	for (size_t t = 0; t < k; t++)
		for (size_t j = 0; j < n; j++) {
			size_t i = 0;

			/* Usually the same position in every file. */
			if (t < r[j]->m.n && strcmp(r[j]->m.items[t].id, ids[t]) == 0)
				i = t;
			else
				while (i < r[j]->m.n && strcmp(r[j]->m.items[i].id, ids[t]) != 0)
					i++;
			x[t * n + j] = i < r[j]->m.n ? i : SIZE_MAX;
		}
	free(ids);
	*idx = x;
	*rows = k;
	return RFP_OK;
}

const struct rv_mitem *
rfp_review_row_item(const struct rfp_review *const *r, size_t n, const size_t *idx, size_t k)
{
	for (size_t j = 0; j < n; j++)
		if (idx[k * n + j] != SIZE_MAX)
			return &r[j]->m.items[idx[k * n + j]];
	return NULL;
}

/* ---- text ------------------------------------------------------------- */

static void
text_one(struct rfp_buf *b, const struct rfp_review *r)
{
	struct rfp_review_summary s;

	rfp_review_summary(r, &s);
	rfp_buf_addf(b, "%s：", s.file);
	rfp_review_case(b, &s, "/");
	rfp_buf_addf(b, "，%zu 項（%s %s；附件紀錄 %s，SHA-256 %s）\n", s.items, s.format, s.date,
	    s.manifest, s.digest);
	rfp_buf_addf(b, "  回覆：符合 %zu、部分符合 %zu、不符合 %zu、不適用 %zu、未答 %zu",
	    s.counts[RFP_REPLY_MEETS], s.counts[RFP_REPLY_PARTIAL], s.counts[RFP_REPLY_FAILS],
	    s.counts[RFP_REPLY_NA], s.counts[RFP_REPLY_NONE]);
	if (s.counts[RFP_REPLY_OTHER])
		rfp_buf_addf(b, "、無效 %zu", s.counts[RFP_REPLY_OTHER]);
	rfp_buf_addf(b, "\n  問題：文字遭修改 %zu、列遭刪除 %zu、列增加 %zu、文字填寫 %zu、缺說明 %zu、"
	    "缺佐證頁次 %zu\n", s.altered, s.deleted, s.added, s.typed, s.no_note, s.no_pages);
	for (size_t i = 0; i < r->nproblems; i++) {
		struct rfp_review_problem p;

		rfp_review_problem(r, i, &p);
		rfp_buf_addf(b, "  %-10s %-14s %s%s：%s\n", *p.no ? p.no : "—", p.id,
		    label_of(p.code), p.blocking ? "" : "（提醒）", p.message);
	}
	if (s.complete)
		rfp_buf_adds(b, "  結果：完整（每項皆已回覆，需求文字未經修改）\n");
	else
		rfp_buf_addf(b, "  結果：未完成（%zu 項未答或無效，%zu 項文字遭修改，%zu 列增加）\n",
		    s.unanswered, s.altered, s.added);
}

/* ---- JSON ------------------------------------------------------------- */

static void
jstr(struct rfp_buf *b, const char *key, const char *v, bool comma)
{
	rfp_buf_addf(b, "\"%s\": \"", key);
	rfp_json_escape(b, v ? v : "");
	rfp_buf_adds(b, comma ? "\", " : "\"");
}

static void
json_one(struct rfp_buf *b, const struct rfp_review *r)
{
	struct rfp_review_summary s;
	static const char *const keys[] = { "none", "符合", "部分符合", "不符合", "不適用", "other" };

	rfp_review_summary(r, &s);
	rfp_buf_adds(b, "    {");
	jstr(b, "file", s.file, true);
	jstr(b, "format", s.format, true);
	rfp_buf_adds(b, "\"manifest\": {");
	jstr(b, "source", s.manifest, true);
	jstr(b, "tool", s.tool, true);
	jstr(b, "catalogue", s.catalogue, true);
	jstr(b, "type", s.type, true);
	jstr(b, "level", s.level, true);
	jstr(b, "services", s.services, true);
	jstr(b, "agency_level", s.agency_level, true);
	jstr(b, "conditions", s.conditions, true);
	jstr(b, "date", s.date, true);
	jstr(b, "digest", s.digest, true);
	rfp_buf_addf(b, "\"items\": %zu},\n     \"complete\": %s, \"counts\": {", s.items,
	    s.complete ? "true" : "false");
	for (size_t k = 0; k < RFP_REPLY_COUNT; k++)
		rfp_buf_addf(b, "\"%s\": %zu, ", keys[k], s.counts[k]);
	rfp_buf_addf(b, "\"unanswered\": %zu, \"altered\": %zu, \"deleted\": %zu, \"added\": %zu, "
	    "\"typed\": %zu, \"no_note\": %zu, \"no_pages\": %zu},\n     \"items\": [\n", s.unanswered,
	    s.altered, s.deleted, s.added, s.typed, s.no_note, s.no_pages);
	for (size_t i = 0; i < r->m.n; i++) {
		struct rfp_review_item it;
		bool first = true;

		rfp_review_item(r, i, &it);
		rfp_buf_adds(b, "      {");
		jstr(b, "id", it.id, true);
		jstr(b, "no", it.no, true);
		jstr(b, "reply", it.reply == RFP_REPLY_NONE ? "" : it.reply == RFP_REPLY_OTHER ?
		    "other" : rfp_reply_names[it.reply], true);
		jstr(b, "answer", it.answer, true);
		jstr(b, "note", it.note, true);
		jstr(b, "pages", it.pages, true);
		rfp_buf_adds(b, "\"flags\": [");
		for (size_t f = 0; f < sizeof(flag_codes) / sizeof(flag_codes[0]); f++)
			if (it.flags & (1u << f)) {
				rfp_buf_addf(b, "%s\"%s\"", first ? "" : ", ", flag_codes[f]);
				first = false;
			}
		rfp_buf_adds(b, "]");
		if (it.flags & RFP_REVIEW_ALTERED) {
			rfp_buf_adds(b, ", ");
			jstr(b, "text", it.text, true);
			jstr(b, "returned_text", it.returned_text, true);
			jstr(b, "diff", it.diff, false);
		}
		rfp_buf_addf(b, "}%s\n", i + 1 < r->m.n ? "," : "");
	}
	rfp_buf_adds(b, "     ],\n     \"problems\": [\n");
	for (size_t i = 0; i < r->nproblems; i++) {
		struct rfp_review_problem p;

		rfp_review_problem(r, i, &p);
		rfp_buf_adds(b, "      {");
		jstr(b, "code", p.code, true);
		jstr(b, "no", p.no, true);
		jstr(b, "id", p.id, true);
		rfp_buf_addf(b, "\"blocking\": %s, ", p.blocking ? "true" : "false");
		jstr(b, "message", p.message, false);
		rfp_buf_addf(b, "}%s\n", i + 1 < r->nproblems ? "," : "");
	}
	rfp_buf_adds(b, "     ]}");
}

/* ---- CSV and Markdown ------------------------------------------------- */

static void
flags_text(struct rfp_buf *b, unsigned flags, const char *sep)
{
	bool first = true;

	for (size_t f = 0; f < sizeof(flag_codes) / sizeof(flag_codes[0]); f++)
		if (flags & (1u << f)) {
			rfp_buf_addf(b, "%s%s", first ? "" : sep, flag_codes[f]);
			first = false;
		}
}

static void
csv_one(struct rfp_buf *b, const struct rfp_review *r)
{
	struct rfp_buf f = RFP_BUF_INIT(1u << 20);

	for (size_t i = 0; i < r->m.n; i++) {
		struct rfp_review_item it;

		rfp_review_item(r, i, &it);
		rfp_buf_reset(&f);
		flags_text(&f, it.flags, " ");
		const char *cells[] = { r->file, it.no, it.id, it.measure,
			it.reply == RFP_REPLY_NONE ? "" : it.reply == RFP_REPLY_OTHER ? "other" :
			rfp_reply_names[it.reply], it.answer, it.note, it.pages, f.ptr, it.diff };

		for (size_t c = 0; c < sizeof(cells) / sizeof(cells[0]); c++) {
			if (c)
				rfp_buf_addc(b, ',');
			rfp_csv_field(b, cells[c]);
		}
		rfp_buf_adds(b, "\r\n");
	}
	rfp_buf_fini(&f);
}

static void
md_one(struct rfp_buf *b, const struct rfp_review *r)
{
	struct rfp_review_summary s;
	struct rfp_buf c = RFP_BUF_INIT(1u << 20);

	rfp_review_summary(r, &s);
	rfp_buf_adds(b, "## ");
	rfp_md_cell(b, s.file, " ");
	rfp_buf_adds(b, "\n\n");
	/* The manifest comes from the bidder's file: escaped like every cell. */
	rfp_review_case(&c, &s, "／");
	rfp_buf_adds(b, "- 案件：");
	rfp_md_cell(b, c.ptr ? c.ptr : "", " ");
	rfp_buf_addf(b, "，%zu 項；附件紀錄 ", s.items);
	rfp_buf_reset(&c);
	rfp_md_cell(b, s.manifest, " ");
	rfp_buf_addf(b, "（SHA-256 %s）\n- 回覆：符合 %zu、部分符合 %zu、不符合 %zu、不適用 %zu、未答 %zu\n"
	    "- 結果：%s\n\n", s.digest, s.counts[RFP_REPLY_MEETS], s.counts[RFP_REPLY_PARTIAL],
	    s.counts[RFP_REPLY_FAILS], s.counts[RFP_REPLY_NA],
	    s.counts[RFP_REPLY_NONE] + s.counts[RFP_REPLY_OTHER], s.complete ? "完整" : "未完成");
	rfp_buf_adds(b, "| 編號 | 回覆 | 說明 | 佐證頁次 | 問題 |\n| --- | --- | --- | --- | --- |\n");
	for (size_t i = 0; i < r->m.n; i++) {
		struct rfp_review_item it;

		rfp_review_item(r, i, &it);
		rfp_buf_reset(&c);
		rfp_review_cell(&c, r, i);
		rfp_buf_adds(b, "| ");
		rfp_md_cell(b, it.no, " ");
		rfp_buf_adds(b, " | ");
		rfp_md_cell(b, c.ptr, " ");
		rfp_buf_adds(b, " | ");
		rfp_md_cell(b, it.note, " ");
		rfp_buf_adds(b, " | ");
		rfp_md_cell(b, it.pages, " ");
		rfp_buf_adds(b, " | ");
		rfp_md_cell(b, it.diff, " ");
		rfp_buf_adds(b, " |\n");
	}
	if (r->nproblems)
		rfp_buf_adds(b, "\n問題：\n\n");
	for (size_t i = 0; i < r->nproblems; i++) {
		struct rfp_review_problem p;

		rfp_review_problem(r, i, &p);
		rfp_buf_adds(b, "- ");
		if (*p.no) {
			rfp_md_cell(b, p.no, " ");
			rfp_buf_adds(b, " ");
		}
		rfp_buf_addf(b, "%s%s：", label_of(p.code), p.blocking ? "" : "（提醒）");
		rfp_md_cell(b, p.message, " ");
		rfp_buf_adds(b, "\n");
	}
	rfp_buf_adds(b, "\n");
	rfp_buf_fini(&c);
}

enum rfp_status
rfp_review_report(const struct rfp_review *const *r, size_t n, enum rfp_export_format fmt,
    char **out, size_t *len)
{
	struct rfp_buf b = RFP_BUF_INIT(1u << 30);

	if (fmt == RFP_EXPORT_JSON)
		rfp_buf_adds(&b, "{\"tool\": \"rfpgen " RFP_VERSION "\", \"files\": [\n");
	if (fmt == RFP_EXPORT_CSV)
		rfp_buf_adds(&b, "file,no,id,measure,reply,answer,note,pages,flags,diff\r\n");
	if (fmt == RFP_EXPORT_MD)
		rfp_buf_adds(&b, "# 資安需求查檢表審查\n\n");
	for (size_t j = 0; j < n; j++) {
		switch (fmt) {
		case RFP_EXPORT_JSON:
			json_one(&b, r[j]);
			rfp_buf_adds(&b, j + 1 < n ? ",\n" : "\n");
			break;
		case RFP_EXPORT_CSV: csv_one(&b, r[j]); break;
		case RFP_EXPORT_MD: md_one(&b, r[j]); break;
		default:
			if (j)
				rfp_buf_addc(&b, '\n');
			text_one(&b, r[j]);
		}
	}
	if (fmt == RFP_EXPORT_JSON)
		rfp_buf_adds(&b, "]}\n");
	return rfp_buf_take(&b, out, len);
}

static enum rfp_status
matrix_csv(const struct rfp_review *const *r, size_t n, char **out, size_t *len)
{
	struct rfp_buf b = RFP_BUF_INIT(1u << 30), c = RFP_BUF_INIT(1u << 20);
	size_t *idx = NULL, rows = 0;
	enum rfp_status st;

	if ((st = rfp_review_rows(r, n, &idx, &rows)) != RFP_OK)
		return st;
	rfp_buf_adds(&b, "編號,識別碼,需求項目");
	for (size_t j = 0; j < n; j++) {
		rfp_buf_reset(&c);
		rfp_review_bidder(&c, r, n, j);
		rfp_buf_addc(&b, ',');
		rfp_csv_field(&b, c.ptr);
	}
	rfp_buf_adds(&b, "\r\n");
	for (size_t k = 0; k < rows; k++) {
		const struct rv_mitem *it = rfp_review_row_item(r, n, idx, k);

		rfp_buf_reset(&c);
		rfp_buf_addf(&c, "%s：%s", it->measure, it->text);
		rfp_csv_field(&b, it->no);
		rfp_buf_addc(&b, ',');
		rfp_csv_field(&b, it->id);
		rfp_buf_addc(&b, ',');
		rfp_csv_field(&b, c.ptr);
		for (size_t j = 0; j < n; j++) {
			rfp_buf_reset(&c);
			if (idx[k * n + j] == SIZE_MAX)
				rfp_buf_adds(&c, "（未列此項）");
			else
				rfp_review_cell(&c, r[j], idx[k * n + j]);
			rfp_buf_addc(&b, ',');
			rfp_csv_field(&b, c.ptr);
		}
		rfp_buf_adds(&b, "\r\n");
	}
	/* The totals under the items. */
	static const char *const totals[] = { "未答", "不符合", "部分符合", "問題", "結果" };

	for (size_t t = 0; t < 5; t++) {
		rfp_buf_addf(&b, ",,%s", totals[t]);
		for (size_t j = 0; j < n; j++) {
			struct rfp_review_summary s;

			rfp_review_summary(r[j], &s);
			if (t == 4)
				rfp_buf_adds(&b, s.complete ? ",完整" : ",未完成");
			else
				rfp_buf_addf(&b, ",%zu", t == 0 ? s.unanswered : t == 1 ?
				    s.counts[RFP_REPLY_FAILS] : t == 2 ? s.counts[RFP_REPLY_PARTIAL] :
				    s.problems);
		}
		rfp_buf_adds(&b, "\r\n");
	}
	free(idx);
	rfp_buf_fini(&c);
	return rfp_buf_take(&b, out, len);
}

enum rfp_status
rfp_review_matrix(struct rfp_ctx *ctx, const struct rfp_review *const *r, size_t n,
    enum rfp_matrix_format fmt, int64_t mtime, char **out, size_t *len)
{
	if (fmt == RFP_MATRIX_XLSX)
		return rfp_review_xlsx(ctx, r, n, mtime, out, len);
	return matrix_csv(r, n, out, len);
}
