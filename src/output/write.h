/* SPDX-License-Identifier: MIT */
/*
 * Atomic file output (write.c); rfp_write_file() is the public form.
 */
#ifndef RFP_OUTPUT_WRITE_H
#define RFP_OUTPUT_WRITE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/ctx.h"

/**
 * rfp_write_file(), with the flush to disk before the rename made optional:
 * a batch writes many files and syncs their file system once at the end.
 */
enum rfp_status rfp_output_write(struct rfp_ctx *ctx, const char *path, const void *data,
    size_t len, bool sync);

#endif
