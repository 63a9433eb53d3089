/* SPDX-License-Identifier: MIT */
/*
 * The portfolio sheet model shared by the CSV reader (csv.c) and the
 * workbook reader (workbook.c): growing rows and cells, and the two limits
 * every reader applies in the same words (rows per sheet, bytes per cell).
 *
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "portfolio/sheet.h"
#include "portfolio/sheet_impl.h"


/*
 * The sheet structs carry no capacity field, so arrays grow to the next power
 * of two: an array holding n elements has room for the smallest power of two
 * >= n, and needs to grow exactly when n is 0 or a power of two. This keeps
 * appends amortised O(1) without widening the public structs.
 */
static bool
grow(void **array, size_t n, size_t size)
{
	size_t cap;
	void *p;

	if (n != 0 && (n & (n - 1)) != 0)
		return true;
	cap = n ? n * 2 : 1;
	if (cap > SIZE_MAX / size)
		return false;
	p = realloc(*array, cap * size);
	if (!p)
		return false;
	*array = p;
	return true;
}

/*
 * Appends an empty row numbered line to sheet. The row limit counts every
 * row of the sheet, the header row included. Reports RFP-LIMIT-ROWS and
 * returns RFP_ERR_LIMIT when the sheet already holds max_rows rows.
 */
enum rfp_status
rfp_sheet_add_row(struct rfp_ctx *ctx, const char *file, struct rfp_sheet *sheet,
    unsigned line)
{
	if (sheet->nrows >= ctx->limits.max_rows) {
		rfp_diag(ctx, LIMIT_ROWS, &(struct rfp_where){ .file = file, .line = line },
		    (size_t)line, ctx->limits.max_rows);
		return RFP_ERR_LIMIT;
	}
	if (!grow((void **)&sheet->rows, sheet->nrows, sizeof(*sheet->rows)))
		return RFP_ERR_NOMEM;
	sheet->rows[sheet->nrows++] = (struct rfp_sheet_row){ .line = line };
	return RFP_OK;
}

/*
 * Appends text (len bytes, NUL-terminated, from malloc) as the next cell of
 * row, whose line is used in messages. Ownership of text always passes to
 * this function: it is stored, or freed on failure. A cell longer than
 * max_field_bytes is reported as RFP-LIMIT-FIELD (RFP_ERR_LIMIT).
 */
enum rfp_status
rfp_sheet_add_cell(struct rfp_ctx *ctx, const char *file, struct rfp_sheet_row *row,
    unsigned line, char *text, size_t len)
{
	if (len > ctx->limits.max_field_bytes) {
		rfp_diag(ctx, LIMIT_FIELD, &(struct rfp_where){ .file = file, .line = line,
		    .col = (unsigned)(row->ncells + 1) },
		    (size_t)line, row->ncells + 1, ctx->limits.max_field_bytes);
		free(text);
		return RFP_ERR_LIMIT;
	}
	if (!grow((void **)&row->cells, row->ncells, sizeof(*row->cells))) {
		free(text);
		return RFP_ERR_NOMEM;
	}
	row->cells[row->ncells++] = text;
	return RFP_OK;
}

void
rfp_sheet_fini(struct rfp_sheet *sheet)
{
	if (!sheet)
		return;
	for (size_t i = 0; i < sheet->nrows; i++) {
		for (size_t j = 0; j < sheet->rows[i].ncells; j++)
			free(sheet->rows[i].cells[j]);
		free(sheet->rows[i].cells);
		free(sheet->rows[i].error);
	}
	free(sheet->rows);
	free(sheet->encoding);
	*sheet = (struct rfp_sheet){ 0 };
}
