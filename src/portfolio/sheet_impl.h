/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the portfolio readers (sheet.c): growing rows and cells
 * with the row and field limits applied in the same words by every reader.
 */
#ifndef RFP_PORTFOLIO_SHEET_IMPL_H
#define RFP_PORTFOLIO_SHEET_IMPL_H

#include "portfolio/sheet.h"

/** Appends an empty row (1-based line); RFP_ERR_LIMIT past max_rows. */
enum rfp_status rfp_sheet_add_row(struct rfp_ctx *ctx, const char *file,
    struct rfp_sheet *sheet, unsigned line);
/** Appends a cell taking ownership of text; RFP_ERR_LIMIT past max_field_bytes. */
enum rfp_status rfp_sheet_add_cell(struct rfp_ctx *ctx, const char *file,
    struct rfp_sheet_row *row, unsigned line, char *text, size_t len);

/**
 * rfp_sheet_read_csv() for bytes already in memory (path: for messages).
 * Does not check max_file_bytes: the caller read data within it.
 */
enum rfp_status rfp_sheet_parse_csv(struct rfp_ctx *ctx, const char *path,
    const char *encoding, const char *data, size_t len, struct rfp_sheet *out);

struct rfp_pkg;

/** rfp_sheet_read_workbook() for a package already read (pkg is not changed). */
enum rfp_status rfp_sheet_read_workbook_pkg(struct rfp_ctx *ctx, const char *path,
    const struct rfp_pkg *pkg, const char *sheet_name, struct rfp_sheet *out);

#endif
