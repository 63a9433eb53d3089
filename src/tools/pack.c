/* SPDX-License-Identifier: MIT */
/*
 * rfpgen-pack OUTPUT DIR ENTRY...: packs the unpacked template sources kept
 * in git (templates/docx, templates/odt) into a package, in the order the
 * entries are named, with rfpgen's own deterministic zip writer. Build-time
 * tool; not installed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rfpgen/rfpgen.h>

#include "pkg/pkg.h"
#include "util/file.h"
#include "util/xml.h"

static void
print_diag(const struct rfp_diag *d, void *userdata)
{
	(void)userdata;
	fprintf(stderr, "rfpgen-pack: %s%s%s:%u: %s [%s]\n", d->file ? d->file : "",
	    d->part ? ":" : "", d->part ? d->part : "", d->line, d->msg, d->code);
}

int
main(int argc, char **argv)
{
	struct rfp_ctx *ctx = rfp_ctx_new();
	struct rfp_pkg_writer *w;
	unsigned char *bytes = NULL;
	size_t len;
	int rc = 1;

	if (argc < 4 || !ctx) {
		fputs("usage: rfpgen-pack OUTPUT DIR ENTRY...\n", stderr);
		return 2;
	}
	rfp_ctx_set_diag(ctx, print_diag, NULL);
	w = rfp_pkg_writer_new(0, 0);
	if (!w)
		goto out;
	for (int i = 3; i < argc; i++) {
		char path[4096], *data = NULL;
		size_t n;

		snprintf(path, sizeof(path), "%s/%s", argv[2], argv[i]);
		if (rfp_read_file(ctx, path, 64u << 20, &data, &n) != RFP_OK)
			goto out;
		enum rfp_status st = rfp_pkg_writer_add(w, argv[i], data, n,
		    strcmp(argv[i], "mimetype") == 0);

		free(data);
		if (st)
			goto out;
	}
	if (rfp_pkg_writer_finish(w, &bytes, &len) != RFP_OK ||
	    rfp_write_file(ctx, argv[1], bytes, len) != RFP_OK)
		goto out;
	rc = 0;
out:
	free(bytes);
	rfp_pkg_writer_free(w);
	rfp_ctx_free(ctx);
	return rc;
}
