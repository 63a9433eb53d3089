/* SPDX-License-Identifier: MIT */
/*
 * The annex data model: turns a selection into the tree of fields and
 * lists that templates use (documented in docs/templates.md).
 */
#ifndef RFP_ANNEX_ANNEX_H
#define RFP_ANNEX_ANNEX_H

#include "select/select.h"
#include "template/data.h"
#include "template/tmpl.h"

/** The names the annex data provides, for checking templates (static). */
const struct rfp_dict *rfp_annex_dict(void);

/** Builds the data tree in arena a; NULL on OOM. */
struct rfp_dnode *rfp_annex_data(struct rfp_arena *a, const struct rfp_selection *sel,
    const char *generator);

#endif
