/* SPDX-License-Identifier: MIT */
/*
 * Reading input files (file.c).
 */
#ifndef RFP_UTIL_FILE_H
#define RFP_UTIL_FILE_H

#include <stddef.h>

#include "util/ctx.h"

/**
 * Reads a whole file into a malloc'd, NUL-terminated buffer of at most max
 * bytes; a larger file is RFP_ERR_LIMIT (RFP-LIMIT-FILE), and reading stops
 * there.
 */
enum rfp_status rfp_read_file(struct rfp_ctx *ctx, const char *path, size_t max,
    char **data, size_t *len);

#endif
