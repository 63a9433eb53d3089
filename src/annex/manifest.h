/* SPDX-License-Identifier: MIT */
/*
 * The issued-annex manifest: a small XML record inside every annex (a
 * custom XML part in DOCX, a package entry in ODT, and a copy in the
 * document's own properties, which office suites keep when they save) of
 * what was issued: tool and catalogue versions, type, level, conditions,
 * tailoring, and each item's id, number, text and the SHA-256 of that text
 * with its white space normalised. rfpgen review reads it back.
 */
#ifndef RFP_ANNEX_MANIFEST_H
#define RFP_ANNEX_MANIFEST_H

#include "select/select.h"
#include "util/buf.h"

#define RFP_MANIFEST_NS "urn:rfpgen:manifest:1"
/* Where the manifest is in a package. */
#define RFP_MANIFEST_DOCX "customXml/rfpgen-manifest.xml"
#define RFP_MANIFEST_ODT "rfpgen-manifest.xml"
/* The name of the document property that holds a copy. */
#define RFP_MANIFEST_PROPERTY "rfpgen-manifest"

/** Appends the manifest of the annex (or, with agency, the agency's
 * document) for sel to b. */
enum rfp_status rfp_manifest_write(const struct rfp_selection *sel, bool agency,
    const char *generator, struct rfp_buf *b);

/** Appends s with white space runs made one space and none at the ends. */
void rfp_manifest_normalise(struct rfp_buf *b, const char *s, size_t n);
/** The SHA-256 (hex) of text as normalised. */
void rfp_manifest_digest(const char *text, char hex[65]);

#endif
