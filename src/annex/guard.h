/* SPDX-License-Identifier: MIT */
/*
 * Repairs after rendering that keep Word and LibreOffice from refusing a
 * document whose loops ran zero or many times (see guard.c).
 */
#ifndef RFP_ANNEX_GUARD_H
#define RFP_ANNEX_GUARD_H

#include <stdbool.h>

#include <libxml/tree.h>

#include "template/tmpl.h"

/** Fixes doc in place for its part mode; true if anything changed. */
bool rfp_guard(xmlDoc *doc, enum rfp_part_mode mode);

/**
 * The rendered part in b parsed again (an error if it is not well-formed)
 * and, when guard is set, mended: b then holds the fixed tree's bytes.
 */
enum rfp_status rfp_guard_part(struct rfp_ctx *ctx, const char *part,
    enum rfp_part_mode mode, bool guard, struct rfp_buf *b);

#endif
