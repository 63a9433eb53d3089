/* SPDX-License-Identifier: MIT */
/*
 * The 審查意見表 (rfp_review_render): a review template (templates/
 * review-docx, review-odt, packed into review.docx and review.odt) rendered
 * with the template engine of the annexes (template/tmpl.h). The main part
 * (word/document.xml, content.xml) is compiled with the review's fields,
 * every other part is copied; the fields are in docs/review.md.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "review/review.h"
#include "template/data.h"
#include "template/tmpl.h"
#include "util/file.h"
#include "util/xml.h"

#define ODT_MIME "application/vnd.oasis.opendocument.text"

static const struct rfp_dict_entry sheet_entries[] = {
	{ "title", NULL, false }, { "generator", NULL, false }, { "date", NULL, false },
	{ "bidders", NULL, false },
	{ "files", NULL, true },
	{ "bidder", "files", false }, { "file", "files", false }, { "type", "files", false },
	{ "level", "files", false }, { "case", "files", false }, { "issued", "files", false }, { "items", "files", false },
	{ "meets", "files", false }, { "partial", "files", false }, { "fails", "files", false },
	{ "na", "files", false }, { "unanswered", "files", false }, { "altered", "files", false },
	{ "added", "files", false }, { "result", "files", false }, { "manifest", "files", false },
	{ "digest", "files", false },
	{ "rows", "files", true },
	{ "no", "rows", false }, { "id", "rows", false }, { "measure", "rows", false },
	{ "text", "rows", false }, { "reply", "rows", false }, { "note", "rows", false },
	{ "pages", "rows", false }, { "remarks", "rows", false },
	{ "file_problems", "files", true },
	{ "message", "file_problems", false },
};
static const struct rfp_dict sheet_dict = { sheet_entries,
	sizeof(sheet_entries) / sizeof(sheet_entries[0]), NULL, false };

static const char *
num(struct rfp_arena *a, size_t n)
{
	char s[32];

	snprintf(s, sizeof(s), "%zu", n);
	return rfp_arena_strdup(a, s);
}

/* 系統發展／防護需求等級高, 弱點掃描（B級機關）, or both. */
static const char *
case_of(struct rfp_arena *a, const struct rfp_review_summary *s)
{
	struct rfp_buf b = RFP_BUF_INIT(1u << 16);
	const char *v;

	rfp_review_case(&b, s, "／防護需求等級");
	v = b.err ? NULL : rfp_arena_strdup(a, b.ptr ? b.ptr : "");
	rfp_buf_fini(&b);
	return v;
}

static const char *
bidder(struct rfp_arena *a, const struct rfp_review *const *r, size_t n, size_t j)
{
	struct rfp_buf b = RFP_BUF_INIT(1u << 20);
	const char *s;

	rfp_review_bidder(&b, r, n, j);
	s = b.err ? NULL : rfp_arena_strdup(a, b.ptr);
	rfp_buf_fini(&b);
	return s;
}

/* One bidder's block: counts, a row per item, the file's own problems. */
static bool
file_data(struct rfp_arena *a, struct rfp_dnode *f, const struct rfp_review *const *rv, size_t n,
    size_t j)
{
	const struct rfp_review *r = rv[j];
	struct rfp_review_summary s;
	struct rfp_dnode *rows, *fp;
	struct rfp_buf b = RFP_BUF_INIT(1u << 24);
	bool ok;

	rfp_review_summary(r, &s);
	ok = rfp_data_made(a, f, "bidder", bidder(a, rv, n, j)) && rfp_data_str(a, f, "file", s.file) &&
	    rfp_data_str(a, f, "type", s.type) && rfp_data_str(a, f, "level", s.level) &&
	    rfp_data_made(a, f, "case", case_of(a, &s)) &&
	    rfp_data_str(a, f, "issued", s.date) && rfp_data_made(a, f, "items", num(a, s.items)) &&
	    rfp_data_made(a, f, "meets", num(a, s.counts[RFP_REPLY_MEETS])) &&
	    rfp_data_made(a, f, "partial", num(a, s.counts[RFP_REPLY_PARTIAL])) &&
	    rfp_data_made(a, f, "fails", num(a, s.counts[RFP_REPLY_FAILS])) &&
	    rfp_data_made(a, f, "na", num(a, s.counts[RFP_REPLY_NA])) &&
	    rfp_data_made(a, f, "unanswered", num(a, s.unanswered)) &&
	    rfp_data_made(a, f, "altered", num(a, s.altered)) &&
	    rfp_data_made(a, f, "added", num(a, s.added)) &&
	    rfp_data_str(a, f, "result", s.complete ? "完整" : "未完成") &&
	    rfp_data_str(a, f, "manifest", s.manifest) && rfp_data_str(a, f, "digest", s.digest) &&
	    (rows = rfp_data_list(a, f, "rows")) && (fp = rfp_data_list(a, f, "file_problems"));
	for (size_t i = 0; ok && i < r->m.n; i++) {
		struct rfp_review_item it;
		struct rfp_dnode *m;

		rfp_review_item(r, i, &it);
		rfp_buf_reset(&b);
		for (size_t p = 0; p < r->nproblems; p++)
			if (r->problems[p].item == i)
				rfp_buf_addf(&b, "%s%s", b.len ? "；" : "", r->problems[p].message);
		ok = !b.err && (m = rfp_data_list_map(a, rows)) && rfp_data_str(a, m, "no", it.no) &&
		    rfp_data_str(a, m, "id", it.id) && rfp_data_str(a, m, "measure", it.measure) &&
		    rfp_data_str(a, m, "text", it.text) &&
		    rfp_data_str(a, m, "reply", it.reply == RFP_REPLY_OTHER ? it.answer :
		    rfp_review_reply_label(it.reply)) &&
		    rfp_data_str(a, m, "note", it.note) && rfp_data_str(a, m, "pages", it.pages) &&
		    rfp_data_made(a, m, "remarks", rfp_arena_strdup(a, b.ptr));
	}
	for (size_t p = 0; ok && p < r->nproblems; p++) {
		struct rfp_dnode *m;

		if (r->problems[p].item != SIZE_MAX)
			continue;
		ok = (m = rfp_data_list_map(a, fp)) && rfp_data_str(a, m, "message",
		    r->problems[p].message);
	}
	rfp_buf_fini(&b);
	return ok;
}

enum rfp_status
rfp_review_render(struct rfp_ctx *ctx, const char *template_path,
    const struct rfp_review *const *r, size_t n, const char *generator, int64_t mtime,
    struct rfp_output *out)
{
	struct rfp_where w = { .file = template_path };
	struct rfp_arena a = RFP_ARENA_INIT;
	struct rfp_pkg pkg = { 0 };
	struct rfp_pkg_writer *pw = NULL;
	struct rfp_prog prog = { 0 };
	struct rfp_buf body = RFP_BUF_INIT(ctx->limits.max_output_bytes), names = RFP_BUF_INIT(1u << 20);
	struct rfp_dnode *root, *files;
	const struct rfp_pkg_entry *mt;
	const char *main_part;
	char *data = NULL;
	size_t len;
	enum rfp_status st;
	bool odt, guard = false, ok;

	if ((st = rfp_read_file(ctx, template_path, ctx->limits.max_file_bytes, &data, &len)) != RFP_OK)
		return st;
	st = rfp_pkg_read_buffer(ctx, template_path, data, len, &pkg);
	free(data);
	if (st != RFP_OK)
		return st;
	mt = rfp_pkg_find(&pkg, "mimetype");
	odt = mt && mt->len >= sizeof(ODT_MIME) - 1 && memcmp(mt->data, ODT_MIME,
	    sizeof(ODT_MIME) - 1) == 0;
	main_part = odt ? "content.xml" : "word/document.xml";
	const struct rfp_pkg_entry *me = rfp_pkg_find(&pkg, main_part);

	if (!me || (!odt && !rfp_pkg_find(&pkg, "[Content_Types].xml"))) {
		rfp_diag(ctx, REVIEW_TEMPLATE, &w, "it has no word/document.xml or content.xml");
		st = RFP_ERR_TEMPLATE;
		goto out;
	}
	xmlDoc *doc = NULL;

	if ((st = rfp_xml_parse(ctx, template_path, main_part, me->data, me->len, &doc)) != RFP_OK)
		goto out;
	xmlFreeDoc(doc);
	struct rfp_compile_opts opts = { .mode = odt ? RFP_PART_ODF : RFP_PART_WORD,
	    .dict = &sheet_dict };

	if ((st = rfp_prog_compile(ctx, template_path, main_part, &opts, me->data, me->len,
	    &prog)) != RFP_OK)
		goto out;
	/* The data: the run, then one block per file. */
	st = RFP_ERR_NOMEM;
	for (size_t j = 0; j < n; j++) {
		const char *b = bidder(&a, r, n, j);

		rfp_buf_addf(&names, "%s%s", j ? "、" : "", b ? b : "");
	}
	char date[11] = "";

	if (n && r[0]->m.date)
		snprintf(date, sizeof(date), "%s", r[0]->m.date);
	ok = !names.err && (root = rfp_data_map(&a)) &&
	    rfp_data_str(&a, root, "title", "資安需求查檢表審查意見表") &&
	    rfp_data_str(&a, root, "generator", generator ? generator : "rfpgen") &&
	    rfp_data_made(&a, root, "date", rfp_arena_strdup(&a, date)) &&
	    rfp_data_made(&a, root, "bidders", rfp_arena_strdup(&a, names.ptr)) &&
	    (files = rfp_data_list(&a, root, "files"));
	for (size_t j = 0; ok && j < n; j++) {
		struct rfp_dnode *f = rfp_data_list_map(&a, files);

		ok = f && file_data(&a, f, r, n, j);
	}
	if (!ok)
		goto out;
	if ((st = rfp_prog_render(ctx, main_part, &prog, root, &body, &guard, NULL)) != RFP_OK)
		goto out;
	/* A review of no file still renders: the table keeps its header row. */
	if (!(pw = rfp_pkg_writer_new(mtime, 0))) {
		st = RFP_ERR_NOMEM;
		goto out;
	}
	/* mimetype or [Content_Types].xml first, then the template's order. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < pkg.n; i++) {
			const struct rfp_pkg_entry *e = &pkg.entries[i];
			bool first = strcmp(e->name, odt ? "mimetype" : "[Content_Types].xml") == 0;

			if (first != (pass == 0))
				continue;
			if (strcmp(e->name, main_part) == 0)
				st = rfp_pkg_writer_add(pw, e->name, body.ptr, body.len, false);
			else
				st = rfp_pkg_writer_add(pw, e->name, e->data, e->len,
				    odt && strcmp(e->name, "mimetype") == 0);
			if (st)
				goto out;
		}
	st = rfp_pkg_writer_finish(pw, &out->data, &out->len);
out:
	rfp_pkg_writer_free(pw);
	rfp_prog_fini(&prog);
	rfp_buf_fini(&body);
	rfp_buf_fini(&names);
	rfp_arena_fini(&a);
	rfp_pkg_fini(&pkg);
	return st;
}
