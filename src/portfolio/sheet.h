/* SPDX-License-Identifier: MIT */
/*
 * A portfolio sheet: the rows of a CSV file or of one worksheet of an XLSX
 * or ODS workbook, as UTF-8 text cells. Row 0 is the header row. Readers
 * check every limit in ctx (rows, field length, zip and XML limits) and
 * report problems with the file, the row (line) and the column (col, 1-based).
 */
#ifndef RFP_PORTFOLIO_SHEET_H
#define RFP_PORTFOLIO_SHEET_H

#include <stddef.h>

#include "util/ctx.h"

struct rfp_sheet_row {
	unsigned line;		/* 1-based: CSV line where the record starts, or sheet row */
	char **cells;		/* NUL-terminated UTF-8, never NULL */
	size_t ncells;
	char *error;		/* why this row cannot be used (a bad cell), or NULL */
};

struct rfp_sheet {
	struct rfp_sheet_row *rows;
	size_t nrows;
	char *encoding;		/* CSV: "UTF-8" or "CP950", as detected or chosen */
};

/**
 * Reads an RFC 4180 CSV file. encoding NULL detects: UTF-8 (with or
 * without BOM) when the bytes are valid UTF-8, else CP950/Big5 through
 * iconv; "UTF-8", "CP950" or "BIG5" forces one. Bytes that do not decode are
 * an error naming the row and column. Ragged rows are kept as they are.
 */
enum rfp_status rfp_sheet_read_csv(struct rfp_ctx *ctx, const char *path,
    const char *encoding, struct rfp_sheet *out);

/**
 * Reads one worksheet of an .xlsx or .ods workbook (the format is told by
 * the package content, not the name): the first sheet, or the one named
 * sheet_name. Cell text is what a user sees (shared strings, inline
 * strings, numbers as stored, several text:p joined by '\n').
 */
enum rfp_status rfp_sheet_read_workbook(struct rfp_ctx *ctx, const char *path,
    const char *sheet_name, struct rfp_sheet *out);

void rfp_sheet_fini(struct rfp_sheet *sheet);

#endif
