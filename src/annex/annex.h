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
/** Whether a --field may not take name: a top-level built-in field. The
 * cover fields (case_no, contact, phone, budget, period) are meant to be
 * given, and are not reserved. */
bool rfp_annex_builtin(const char *name);
bool rfp_annex_is_cover_field(const char *name);

/** Builds the data tree in arena a, for the annex or, with agency_document,
 * the agency's own checklist document; NULL on OOM. odf_lists: the
 * template is ODF 1.3 or later, which has input lists (text:drop-down). */
struct rfp_dnode *rfp_annex_data(struct rfp_arena *a, const struct rfp_selection *sel,
    const char *generator, bool agency_document, bool odf_lists);

#endif
