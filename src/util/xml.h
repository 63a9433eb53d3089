/* SPDX-License-Identifier: MIT */
/*
 * The one place where untrusted bytes become a libxml2 document. Parsing
 * never touches the network, never loads or honours a DTD (documents with a
 * DOCTYPE are refused, which also stops entity-expansion attacks) and never
 * lifts libxml2's size limits. libxml2 errors become rfpgen diagnostics here.
 */
#ifndef RFP_UTIL_XML_H
#define RFP_UTIL_XML_H

#include <stddef.h>

#include <libxml/tree.h>

#include "util/ctx.h"

/**
 * Parses data as an XML document. On failure reports the first error with
 * its line and column (code RFP-XML) and returns RFP_ERR_XML. The document
 * belongs to the caller (xmlFreeDoc).
 */
enum rfp_status rfp_xml_parse(struct rfp_ctx *ctx, const char *file,
    const char *part, const char *data, size_t len, xmlDoc **out);

/** Elements whose insides a reader never looks at. */
struct rfp_xml_prune {
	const char *ns;			/* the namespace URI of the names */
	const char *const *names;	/* local names, NULL-terminated */
};

/**
 * As rfp_xml_parse(), every byte as strictly checked, but with no nodes
 * for the elements prune names nor for anything inside them: less to build
 * and to free when a document is large and most of it is formatting.
 */
enum rfp_status rfp_xml_parse_pruned(struct rfp_ctx *ctx, const char *file,
    const char *part, const char *data, size_t len, const struct rfp_xml_prune *prune,
    xmlDoc **out);

#endif
