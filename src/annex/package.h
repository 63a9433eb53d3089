/* SPDX-License-Identifier: MIT */
/*
 * What an annex keeps of its template's package (package.c). The annex is
 * the agency's document, published with a tender: nothing of the
 * template's own history, macros or links to files on someone's disk goes
 * with it, and its properties describe the annex.
 */
#ifndef RFP_ANNEX_PACKAGE_H
#define RFP_ANNEX_PACKAGE_H

#include <stdint.h>

#include <rfpgen/rfpgen.h>

#include "pkg/pkg.h"
#include "select/select.h"
#include "util/buf.h"

/*
 * Takes out of a template package, in place, before it is compiled:
 * macro projects (Word VBA, ODF Basic and scripts) with their content
 * types, relationships and manifest entries; external relationships to
 * files or UNC paths (an attached template; hyperlinks to web addresses
 * stay); thumbnails; and the document properties (docProps/core.xml,
 * docProps/app.xml, custom.xml, meta.xml) and the manifest (manifest.h),
 * which the renderer writes anew; the manifest's fixed parts are added. A
 * macro-enabled main part becomes a plain one. Each removal of the
 * author's content is reported as a warning (RFP-TPL-MACRO,
 * RFP-TPL-EXTERNAL). *odf_version receives an ODT's office:version.
 */
enum rfp_status rfp_annex_clean(struct rfp_ctx *ctx, const char *path, enum rfp_format fmt,
    struct rfp_pkg *pkg, char odf_version[8]);

/*
 * The annex's own properties, written anew for each annex: DOCX core and
 * app properties and custom.xml (the manifest's SHA-256, rfpgen-manifest-
 * sha256); ODT meta.xml, with a copy of the manifest as a user-defined
 * property. Dates come from mtime, or the annex's date.
 */
enum rfp_status rfp_annex_props(const struct rfp_selection *sel, const char *doc_title,
    enum rfp_format fmt, const char *odf_version, const char *generator, int64_t mtime,
    const struct rfp_buf *manifest, struct rfp_buf *core, struct rfp_buf *app,
    struct rfp_buf *custom);

#endif
