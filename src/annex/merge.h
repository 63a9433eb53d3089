/* SPDX-License-Identifier: MIT */
/*
 * Adapting the {{requirements}} fragment to a template package (merge.c).
 */
#ifndef RFP_ANNEX_MERGE_H
#define RFP_ANNEX_MERGE_H

#include <rfpgen/rfpgen.h>

#include "pkg/pkg.h"
#include "util/buf.h"

/**
 * If the package's main part uses {{requirements}}, appends to frag the
 * fragment XML to splice in (style references mapped to the package's
 * styles, tables as wide as the page's text) and adds the styles the
 * fragment needs to the package's parts, in place. Leaves frag empty
 * otherwise. A DOCX's numbering.xml is put in schema order either way.
 */
enum rfp_status rfp_merge_requirements(struct rfp_ctx *ctx, const char *path,
    enum rfp_format fmt, struct rfp_pkg *pkg, struct rfp_buf *frag);

#endif
