/* SPDX-License-Identifier: MIT */
/*
 * Whole-file reading, bounded by a size limit, for every input rfpgen reads.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/buf.h"
#include "util/file.h"

enum rfp_status
rfp_read_file(struct rfp_ctx *ctx, const char *path, size_t max, char **data,
    size_t *len)
{
	struct rfp_where w = { .file = path };
	struct rfp_buf b = RFP_BUF_INIT(max);
	enum rfp_status st = RFP_ERR_IO;
	char chunk[65536];
	struct stat sb;
	size_t n;
	FILE *f;

	f = fopen(path, "rb");
	/* A directory, /dev/zero or a terminal is no input: refused, not read
	 * until the limit; a pipe (a shell's <(…)) is read to its end. */
	if (f && (fstat(fileno(f), &sb) != 0 || !(S_ISREG(sb.st_mode) || S_ISFIFO(sb.st_mode)))) {
		fclose(f);
		rfp_diag(ctx, IO_READ, &w, "not a regular file or a pipe");
		return RFP_ERR_IO;
	}
	if (!f) {
		rfp_diag(ctx, IO_READ, &w, strerror(errno));
		return RFP_ERR_IO;
	}
	/* Stop at the limit: /dev/zero must not be read for ever. */
	while (!b.err && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		rfp_buf_add(&b, chunk, n);
	if (ferror(f)) {
		rfp_diag(ctx, IO_READ, &w, strerror(errno));
		goto out;
	}
	if (b.err == RFP_ERR_LIMIT) {
		rfp_diag(ctx, LIMIT_FILE, &w, max);
		st = RFP_ERR_LIMIT;
		goto out;
	}
	if (b.err) {
		st = b.err;
		goto out;
	}
	*data = rfp_buf_detach(&b, len);
	st = *data ? RFP_OK : RFP_ERR_NOMEM;
out:
	fclose(f);
	rfp_buf_fini(&b);
	return st;
}
