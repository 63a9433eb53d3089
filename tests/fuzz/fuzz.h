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

#include "pkg/pkg.h"

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

static inline bool
fuzz_usable_name(const struct rfp_pkg *pkg, const char *n)
{
	return *n && *n != '/' && !strstr(n, "..") && !strchr(n, '\\') &&
	    !rfp_pkg_find(pkg, n);
}

/*
 * The unpacked form of a package, for targets whose input is a zip file:
 * fuzzing the parts through zip bytes loses nearly every mutation to CRC and
 * deflate errors. Each "=== NAME" line starts an entry; its data runs to the
 * newline before the next one. Names the zip reader would refuse (empty,
 * absolute, with "..", repeated) are skipped, as it guarantees them to its
 * callers. Returns false on OOM; pkg is then released by rfp_pkg_fini().
 */
static inline bool
fuzz_unpacked(const char *s, size_t len, struct rfp_pkg *pkg)
{
	const char *end = s + len, *name, *nl, *next;
	struct rfp_pkg_entry *e;

	if (!(pkg->entries = calloc(64, sizeof(*pkg->entries))))
		return false;
	while (s < end && pkg->n < 64) {
		if (end - s < 4 || memcmp(s, "=== ", 4) != 0) {
			/* Not at an entry: skip to the next line. */
			nl = memchr(s, '\n', (size_t)(end - s));
			s = nl ? nl + 1 : end;
			continue;
		}
		name = s + 4;
		nl = memchr(name, '\n', (size_t)(end - name));
		nl = nl ? nl : end;
		for (next = nl; next < end; next++)
			if (*next == '\n' && end - next > 4 && memcmp(next + 1, "=== ", 4) == 0)
				break;
		e = &pkg->entries[pkg->n];
		if (!(e->name = strndup(name, (size_t)(nl - name))))
			return false;
		if (!fuzz_usable_name(pkg, e->name) || memchr(name, '\0', (size_t)(nl - name))) {
			free(e->name);
			e->name = NULL;
		} else {
			pkg->n++;
			e->len = nl < next ? (size_t)(next - nl - 1) : 0;
			if (!(e->data = malloc(e->len + 1)))
				return false;
			memcpy(e->data, nl + 1 < end ? nl + 1 : nl, e->len);
			e->data[e->len] = '\0';
		}
		s = next < end ? next + 1 : end;
	}
	return true;
}

#endif
