/* SPDX-License-Identifier: MIT */
/*
 * The bidder matrix as an XLSX workbook, written with libxlsxwriter: the
 * same cells as the CSV matrix (report.c), a frozen header row and item
 * columns, 不符合 in red, 未答 in yellow, altered text in purple, and a
 * second sheet with every problem. libxlsxwriter writes to a file: a
 * private temporary file, read back and removed, so that the caller
 * writes the bytes atomically like every other output.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "review/review.h"
#include "util/file.h"

/* 1980-01-01, the zip timestamp rfpgen's packages have without
 * SOURCE_DATE_EPOCH. */
#define EPOCH_1980 315532800

static enum rfp_status
xlsx_failed(struct rfp_ctx *ctx, const char *what)
{
	rfp_diag(ctx, REVIEW_XLSX, &(struct rfp_where){ 0 }, what);
	return RFP_ERR_IO;
}

enum rfp_status
rfp_review_xlsx(struct rfp_ctx *ctx, const struct rfp_review *const *r, size_t n, int64_t mtime,
    char **out, size_t *len)
{
	const char *tmpdir = getenv("TMPDIR");
	char path[4096];
	lxw_workbook_options wo = { .constant_memory = LXW_FALSE };
	lxw_doc_properties props = { .title = "資安需求查檢表審查矩陣", .author = "rfpgen" };
	lxw_workbook *wb = NULL;
	lxw_worksheet *ws, *ps;
	lxw_format *head, *wrap, *fails, *none, *altered, *partial;
	struct rfp_buf c = RFP_BUF_INIT(1u << 20);
	size_t *idx = NULL, rows = 0;
	enum rfp_status st;
	lxw_error err;
	int fd;

	snprintf(path, sizeof(path), "%s/rfpgen-matrix-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	if ((fd = mkstemp(path)) < 0)
		return xlsx_failed(ctx, strerror(errno));
	close(fd);
	if ((st = rfp_review_rows(r, n, &idx, &rows)) != RFP_OK)
		goto out;
	if (n > 16000 || rows > 1000000) {
		st = xlsx_failed(ctx, "too many files or items for a worksheet");
		goto out;
	}
	props.created = (time_t)(mtime > 0 ? mtime : EPOCH_1980);
	if (!(wb = workbook_new_opt(path, &wo))) {
		st = xlsx_failed(ctx, "libxlsxwriter could not start the workbook");
		goto out;
	}
	workbook_set_properties(wb, &props);
	ws = workbook_add_worksheet(wb, "審查矩陣");
	ps = workbook_add_worksheet(wb, "問題清單");
	head = workbook_add_format(wb);
	format_set_bold(head);
	format_set_bg_color(head, 0xD9D9D9);
	format_set_text_wrap(head);
	format_set_border(head, LXW_BORDER_THIN);
	wrap = workbook_add_format(wb);
	format_set_text_wrap(wrap);
	format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);
	format_set_border(wrap, LXW_BORDER_THIN);
	fails = workbook_add_format(wb);
	format_set_bg_color(fails, 0xFFC7CE);
	format_set_font_color(fails, 0x9C0006);
	format_set_text_wrap(fails);
	format_set_border(fails, LXW_BORDER_THIN);
	none = workbook_add_format(wb);
	format_set_bg_color(none, 0xFFEB9C);
	format_set_font_color(none, 0x9C5700);
	format_set_text_wrap(none);
	format_set_border(none, LXW_BORDER_THIN);
	altered = workbook_add_format(wb);
	format_set_bg_color(altered, 0xE4DFEC);
	format_set_text_wrap(altered);
	format_set_border(altered, LXW_BORDER_THIN);
	partial = workbook_add_format(wb);
	format_set_bg_color(partial, 0xFCE4D6);
	format_set_text_wrap(partial);
	format_set_border(partial, LXW_BORDER_THIN);

	worksheet_write_string(ws, 0, 0, "編號", head);
	worksheet_write_string(ws, 0, 1, "識別碼", head);
	worksheet_write_string(ws, 0, 2, "需求項目", head);
	worksheet_set_column(ws, 0, 0, 9, NULL);
	worksheet_set_column(ws, 1, 1, 14, NULL);
	worksheet_set_column(ws, 2, 2, 60, NULL);
	worksheet_set_column(ws, 3, (lxw_col_t)(3 + (n ? n - 1 : 0)), 18, NULL);
	for (size_t j = 0; j < n; j++) {
		rfp_buf_reset(&c);
		rfp_review_bidder(&c, r, n, j);
		worksheet_write_string(ws, 0, (lxw_col_t)(3 + j), c.ptr, head);
	}
	/* The header and the item columns stay in view. */
	worksheet_freeze_panes(ws, 1, 3);
	for (size_t k = 0; k < rows; k++) {
		const struct rv_mitem *it = rfp_review_row_item(r, n, idx, k);
		lxw_row_t row = (lxw_row_t)(k + 1);

		rfp_buf_reset(&c);
		rfp_buf_addf(&c, "%s：%s", it->measure, it->text);
		worksheet_write_string(ws, row, 0, it->no, wrap);
		worksheet_write_string(ws, row, 1, it->id, wrap);
		worksheet_write_string(ws, row, 2, c.ptr, wrap);
		for (size_t j = 0; j < n; j++) {
			size_t i = idx[k * n + j];
			lxw_format *f = wrap;

			rfp_buf_reset(&c);
			if (i == SIZE_MAX) {
				rfp_buf_adds(&c, "（未列此項）");
			} else {
				const struct rv_item *ri = &r[j]->items[i];

				rfp_review_cell(&c, r[j], i);
				f = ri->reply == RFP_REPLY_FAILS ? fails :
				    ri->reply == RFP_REPLY_NONE || ri->reply == RFP_REPLY_OTHER ? none :
				    ri->flags & RFP_REVIEW_ALTERED ? altered :
				    ri->reply == RFP_REPLY_PARTIAL ? partial : wrap;
			}
			worksheet_write_string(ws, row, (lxw_col_t)(3 + j), c.ptr, f);
		}
	}
	static const char *const totals[] = { "未答", "不符合", "部分符合", "問題", "結果" };

	for (size_t t = 0; t < 5; t++) {
		lxw_row_t row = (lxw_row_t)(rows + 1 + t);

		worksheet_write_string(ws, row, 2, totals[t], head);
		for (size_t j = 0; j < n; j++) {
			struct rfp_review_summary s;

			rfp_review_summary(r[j], &s);
			if (t == 4)
				worksheet_write_string(ws, row, (lxw_col_t)(3 + j), s.complete ? "完整" :
				    "未完成", s.complete ? head : none);
			else
				worksheet_write_number(ws, row, (lxw_col_t)(3 + j), (double)(t == 0 ?
				    s.unanswered : t == 1 ? s.counts[RFP_REPLY_FAILS] : t == 2 ?
				    s.counts[RFP_REPLY_PARTIAL] : s.problems), head);
		}
	}
	/* Every problem, one a row. */
	static const char *const ph[] = { "廠商", "編號", "識別碼", "問題", "說明" };
	lxw_row_t prow = 1;

	for (lxw_col_t col = 0; col < 5; col++)
		worksheet_write_string(ps, 0, col, ph[col], head);
	worksheet_freeze_panes(ps, 1, 0);
	worksheet_set_column(ps, 0, 0, 16, NULL);
	worksheet_set_column(ps, 1, 2, 12, NULL);
	worksheet_set_column(ps, 3, 3, 16, NULL);
	worksheet_set_column(ps, 4, 4, 80, NULL);
	for (size_t j = 0; j < n; j++)
		for (size_t i = 0; i < rfp_review_problem_count(r[j]) && prow < 1000000; i++) {
			struct rfp_review_problem p;

			rfp_review_problem(r[j], i, &p);
			rfp_buf_reset(&c);
			rfp_review_bidder(&c, r, n, j);
			worksheet_write_string(ps, prow, 0, c.ptr, wrap);
			worksheet_write_string(ps, prow, 1, p.no, wrap);
			worksheet_write_string(ps, prow, 2, p.id, wrap);
			worksheet_write_string(ps, prow, 3, p.code, p.blocking ? fails : wrap);
			worksheet_write_string(ps, prow++, 4, p.message, wrap);
		}
	err = workbook_close(wb);
	wb = NULL;
	if (err != LXW_NO_ERROR) {
		st = xlsx_failed(ctx, lxw_strerror(err));
		goto out;
	}
	if (c.err) {
		st = c.err;
		goto out;
	}
	st = rfp_read_file(ctx, path, SIZE_MAX / 2, out, len);
out:
	if (wb)
		workbook_close(wb);
	unlink(path);
	free(idx);
	rfp_buf_fini(&c);
	return st;
}
