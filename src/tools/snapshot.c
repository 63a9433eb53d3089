/* SPDX-License-Identifier: MIT */
/*
 * rfpgen-snapshot OUT DATA_DIR: writes the snapshot image of the shipped
 * data below DATA_DIR (rfp_snapshot_make, snapshot.h) that the front
 * executable carries. A catalogue or template that does not load fails the
 * build. Build-time tool; not installed.
 */
#include "config.h"

#include <stdio.h>

#include <rfpgen/rfpgen.h>

#include "snapshot/snapshot.h"

static void
print_diag(const struct rfp_diag *d, void *userdata)
{
	(void)userdata;
	fprintf(stderr, "rfpgen-snapshot: %s%s%s:%u: %s [%s]\n", d->file ? d->file : "",
	    d->part ? ":" : "", d->part ? d->part : "", d->line, d->msg, d->code);
}

int
main(int argc, char **argv)
{
	struct rfp_ctx *ctx = rfp_ctx_new();
	struct rfp_buf img = RFP_BUF_INIT(256u << 20);
	enum rfp_status st;
	int rc = 1;

	if (argc != 3 || !ctx) {
		fputs("usage: rfpgen-snapshot OUT DATA_DIR\n", stderr);
		rfp_ctx_free(ctx);
		return 2;
	}
	rfp_ctx_set_diag(ctx, print_diag, NULL);
	if ((st = rfp_snapshot_make(ctx, argv[2], &img)) == RFP_OK &&
	    (st = rfp_write_file(ctx, argv[1], img.ptr, img.len)) == RFP_OK)
		rc = 0;
	else
		fprintf(stderr, "rfpgen-snapshot: cannot make the snapshot of %s: %s\n", argv[2],
		    rfp_strerror(st));
	rfp_buf_fini(&img);
	rfp_ctx_free(ctx);
	return rc;
}
