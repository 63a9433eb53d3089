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

#endif
