/* SPDX-License-Identifier: MIT */
/*
 * Tailoring lines as an officer writes them down: a sheet (CSV, XLSX or
 * ODS) with the columns 編號或識別碼 / 理由 / 動作, or a portfolio cell
 * 「ID:理由;ID:理由」. Both give rfp_tailoring lines that the selection
 * checks (select.c); here only their form is checked.
 */
#ifndef RFP_PORTFOLIO_TAILORING_H
#define RFP_PORTFOLIO_TAILORING_H

#include <rfpgen/rfpgen.h>

#include "util/arena.h"
#include "util/ctx.h"

/**
 * Appends to *lines (capacity cap, count *n) the exclusions of one cell,
 * "ID:理由;ID:理由" (full-width ：； too); strings go to arena a, and
 * each line names file and line. A part without ':' gives RFP_ERR_USAGE,
 * one past cap RFP_ERR_LIMIT, each with *bad pointing to that part.
 */
enum rfp_status rfp_tailoring_parse_cell(struct rfp_arena *a, const char *text,
    const char *file, unsigned line, struct rfp_tailoring *lines, size_t cap, size_t *n,
    const char **bad);

#endif
