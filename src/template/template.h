/* SPDX-License-Identifier: MIT */
/*
 * A compiled template package (the public struct rfp_template): its parts
 * in output order, each either copied as is or rendered from a program.
 */
#ifndef RFP_TEMPLATE_TEMPLATE_H
#define RFP_TEMPLATE_TEMPLATE_H

#include <rfpgen/rfpgen.h>

#include "template/tmpl.h"

struct rfp_tpart {
	char *name;
	bool store;		/* written uncompressed (ODF mimetype) */
	bool compiled;		/* prog is valid; otherwise data is copied */
	struct rfp_prog prog;
	char *data;
	size_t len;
};

struct rfp_template {
	enum rfp_format format;
	struct rfp_tpart *parts;
	size_t nparts;
};

#endif
