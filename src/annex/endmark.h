/* SPDX-License-Identifier: MIT */
/*
 * The paragraph that closes an annex kept with the last row of the table
 * before it (endmark.c).
 */
#ifndef RFP_ANNEX_ENDMARK_H
#define RFP_ANNEX_ENDMARK_H

#include <stdbool.h>

#include "template/tmpl.h"
#include "util/buf.h"

/**
 * In the rendered main part b (word/document.xml or content.xml), moves
 * the last row of the body's last table and the paragraph that follows it
 * and ends the body into one table row that may not split. True if it did;
 * b is unchanged when the part does not end that way. Out of memory sets
 * b's error.
 */
bool rfp_endmark_keep(struct rfp_buf *b, enum rfp_part_mode mode);

#endif
