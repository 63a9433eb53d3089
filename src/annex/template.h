/* SPDX-License-Identifier: MIT */
/*
 * A compiled template package (the public struct rfp_template): its parts
 * in output order, each either copied as is or rendered from a program.
 */
#ifndef RFP_ANNEX_TEMPLATE_H
#define RFP_ANNEX_TEMPLATE_H

#include <rfpgen/rfpgen.h>

#include "annex/numbering.h"
#include "pkg/pkg.h"
#include "template/tmpl.h"

struct rfp_tpart {
	char *name;
	bool store;		/* written uncompressed (ODF mimetype) */
	bool compiled;		/* prog is valid; otherwise data is copied */
	struct rfp_prog prog;
	char *data;
	size_t len;
	struct rfp_deflated z;	/* data compressed once, for every package */
};

struct rfp_template {
	enum rfp_format format;
	struct rfp_tpart *parts;
	size_t nparts;
	char odf_version[8];		/* office:version of an ODT */
	struct rfp_tpart *numbering_part;	/* word/numbering.xml, if any */
	struct rfp_numbering numbering;
};

struct rfp_pkg;

/**
 * rfp_template_load() for a package already read (by rfp_pkg_read_buffer(),
 * say): takes every entry of pkg, which is left empty, and compiles it.
 * name is used in messages.
 */
enum rfp_status rfp_template_load_pkg(struct rfp_ctx *ctx, const char *name,
    struct rfp_pkg *pkg, struct rfp_template **out);

#endif
