/* SPDX-License-Identifier: MIT */
/*
 * Shared by the libFuzzer targets (fuzz_*.c): a context with limits tight
 * enough that one input costs little, and a diagnostic sink that reads every
 * string it is given, so that a bad pointer in a message is found too.
 */
#ifndef RFP_FUZZ_FUZZ_H
#define RFP_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rfpgen/rfpgen.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Where the source tree is, for the schema and the catalogue (meson sets it). */
#ifndef RFP_FUZZ_SRCDIR
#define RFP_FUZZ_SRCDIR "."
#endif

/* RFP_FUZZ_VERBOSE=1 in the environment prints the diagnostics. */
static inline void
fuzz_diag(const struct rfp_diag *d, void *userdata)
{
	static int verbose = -1;
	size_t *sum = userdata;

	if (verbose < 0)
		verbose = getenv("RFP_FUZZ_VERBOSE") != NULL;
	if (verbose)
		fprintf(stderr, "%s:%s:%u:%u: %s: %s\n", d->file ? d->file : "",
		    d->part ? d->part : "", d->line, d->col, d->code, d->msg);

	*sum += strlen(d->code) + strlen(d->msg);
	if (d->file)
		*sum += strlen(d->file);
	if (d->part)
		*sum += strlen(d->part);
	if (d->hint)
		*sum += strlen(d->hint);
}

static inline struct rfp_ctx *
fuzz_ctx(size_t *sink)
{
	struct rfp_ctx *ctx = rfp_ctx_new();
	struct rfp_limits *lim;

	if (!ctx)
		return NULL;
	rfp_ctx_set_diag(ctx, fuzz_diag, sink);
	lim = rfp_ctx_limits(ctx);
	lim->max_file_bytes = 1u << 20;
	lim->max_part_bytes = 1u << 20;
	lim->max_package_bytes = 4u << 20;
	lim->max_entries = 64;
	lim->max_xml_depth = 64;
	lim->max_items = 500;
	lim->max_tags = 1000;
	lim->max_nesting = 8;
	lim->max_output_bytes = 8u << 20;
	lim->max_rows = 1000;
	lim->max_field_bytes = 16u << 10;
	return ctx;
}

#endif
