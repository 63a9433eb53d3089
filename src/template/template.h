/* SPDX-License-Identifier: MIT */
/*
 * A compiled template package (the public struct rfp_template): its parts
 * in output order, each either copied as is or rendered from a program.
 */
#ifndef RFP_TEMPLATE_TEMPLATE_H
#define RFP_TEMPLATE_TEMPLATE_H

#include <rfpgen/rfpgen.h>

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

/* Parses a rendered part again and mends it (guard.c); a template from the
 * snapshot has none, and then a render that needs it is RFP_ERR_UNSUPPORTED. */
typedef enum rfp_status (*rfp_part_check_fn)(struct rfp_ctx *ctx, const char *part,
    enum rfp_part_mode mode, bool guard, struct rfp_buf *b);

struct rfp_template {
	enum rfp_format format;
	rfp_part_check_fn check;
	struct rfp_tpart *parts;
	size_t nparts;
	struct rfp_tpart *numbering;	/* word/numbering.xml, if any */
	uint32_t next_num_id;		/* first w:numId it does not use */
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
