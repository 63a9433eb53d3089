/* SPDX-License-Identifier: MIT */
/*
 * Writing a package into memory with libzip. The caller decides the entry
 * order (DOCX wants [Content_Types].xml first, ODF wants mimetype first and
 * stored); this module makes every other byte reproducible.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zip.h>

#include "pkg/pkg.h"

#define DEFLATE_LEVEL 6
#define DOS_EPOCH 315532800	/* 1980-01-01T00:00:00Z: zip cannot go earlier */

struct rfp_pkg_writer {
	struct rfp_ctx *ctx;
	zip_source_t *src;
	zip_t *za;
	time_t mtime;
};

/*
 * libzip turns time_t into DOS date fields with localtime(). Pass it the
 * instant whose local fields equal the UTC fields of mtime, so the archive
 * is the same in every time zone.
 */
static time_t
local_equivalent(int64_t mtime)
{
	time_t t = (time_t)(mtime < DOS_EPOCH ? DOS_EPOCH : mtime);
	struct tm tm;

	gmtime_r(&t, &tm);
	tm.tm_isdst = -1;
	return mktime(&tm);
}

static enum rfp_status
zip_failure(struct rfp_ctx *ctx, const char *what, const char *detail)
{
	rfp_diag(ctx, RFP_ERROR, "RFP-ZIP-WRITE", NULL, NULL, "%s: %s", what, detail);
	return RFP_ERR_ZIP;
}

struct rfp_pkg_writer *
rfp_pkg_writer_new(struct rfp_ctx *ctx, int64_t mtime)
{
	struct rfp_pkg_writer *w = calloc(1, sizeof(*w));
	zip_error_t ze;

	if (!w)
		return NULL;
	w->ctx = ctx;
	w->mtime = local_equivalent(mtime);
	zip_error_init(&ze);
	w->src = zip_source_buffer_create(NULL, 0, 0, &ze);
	if (w->src) {
		zip_source_keep(w->src);
		w->za = zip_open_from_source(w->src, ZIP_TRUNCATE, &ze);
	}
	zip_error_fini(&ze);
	if (!w->za) {
		rfp_pkg_writer_free(w);
		return NULL;
	}
	return w;
}

enum rfp_status
rfp_pkg_writer_add(struct rfp_pkg_writer *w, const char *name, const void *data,
    size_t len, bool store)
{
	zip_source_t *zs;
	zip_int64_t idx;
	void *copy;

	copy = malloc(len ? len : 1);
	if (!copy)
		return RFP_ERR_NOMEM;
	memcpy(copy, data, len);
	zs = zip_source_buffer(w->za, copy, len, 1);
	if (!zs) {
		free(copy);
		return zip_failure(w->ctx, name, zip_strerror(w->za));
	}
	idx = zip_file_add(w->za, name, zs, ZIP_FL_ENC_UTF_8);
	if (idx < 0) {
		zip_source_free(zs);
		return zip_failure(w->ctx, name, zip_strerror(w->za));
	}
	if (zip_set_file_compression(w->za, (zip_uint64_t)idx,
	    store ? ZIP_CM_STORE : ZIP_CM_DEFLATE, store ? 0 : DEFLATE_LEVEL) != 0 ||
	    zip_file_set_mtime(w->za, (zip_uint64_t)idx, w->mtime, 0) != 0 ||
	    zip_file_set_external_attributes(w->za, (zip_uint64_t)idx, 0,
	    ZIP_OPSYS_UNIX, 0100644u << 16) != 0)
		return zip_failure(w->ctx, name, zip_strerror(w->za));
	return RFP_OK;
}

enum rfp_status
rfp_pkg_writer_finish(struct rfp_pkg_writer *w, unsigned char **out, size_t *len)
{
	enum rfp_status st = RFP_ERR_ZIP;
	unsigned char *bytes = NULL;
	zip_stat_t sb;
	zip_int64_t got;

	if (zip_close(w->za) != 0) {
		st = zip_failure(w->ctx, "cannot finish the package", zip_strerror(w->za));
		zip_discard(w->za);
		w->za = NULL;
		return st;
	}
	w->za = NULL;
	if (zip_source_stat(w->src, &sb) != 0 || !(sb.valid & ZIP_STAT_SIZE) ||
	    zip_source_open(w->src) != 0)
		return zip_failure(w->ctx, "cannot read the package back", "libzip source");
	bytes = malloc(sb.size ? (size_t)sb.size : 1);
	if (!bytes) {
		zip_source_close(w->src);
		return RFP_ERR_NOMEM;
	}
	got = zip_source_read(w->src, bytes, sb.size);
	zip_source_close(w->src);
	if (got < 0 || (zip_uint64_t)got != sb.size) {
		free(bytes);
		return zip_failure(w->ctx, "cannot read the package back", "short read");
	}
	*out = bytes;
	*len = (size_t)sb.size;
	return RFP_OK;
}

void
rfp_pkg_writer_free(struct rfp_pkg_writer *w)
{
	if (!w)
		return;
	if (w->za)
		zip_discard(w->za);
	if (w->src)
		zip_source_free(w->src);
	free(w);
}
