/* SPDX-License-Identifier: MIT */
/*
 * Reading a package: the only place that inflates untrusted zip data.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <zip.h>

#include "pkg/pkg.h"

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
unsafe_name(const char *n)
{
	return !*n || *n == '/' || strstr(n, "..") || strchr(n, '\\');
}

static enum rfp_status
check_duplicates(struct rfp_ctx *ctx, const char *path, const struct rfp_pkg *pkg)
{
	enum rfp_status st = RFP_OK;
	char **names;

	names = malloc((pkg->n ? pkg->n : 1) * sizeof(*names));
	if (!names)
		return RFP_ERR_NOMEM;
	for (size_t i = 0; i < pkg->n; i++)
		names[i] = pkg->entries[i].name;
	qsort(names, pkg->n, sizeof(*names), cmp_names);
	for (size_t i = 1; i < pkg->n; i++) {
		if (strcmp(names[i - 1], names[i]) != 0)
			continue;
		rfp_diag(ctx, ZIP_DUPLICATE, &(struct rfp_where){ .file = path, .part = names[i] });
		st = RFP_ERR_ZIP;
		break;
	}
	free(names);
	return st;
}

static enum rfp_status
read_entry(struct rfp_ctx *ctx, const char *path, zip_t *za, zip_uint64_t i,
    size_t *total, struct rfp_pkg_entry *e)
{
	const struct rfp_limits *lim = &ctx->limits;
	struct rfp_where w = { .file = path };
	zip_file_t *zf = NULL;
	zip_stat_t sb;
	zip_int64_t got;
	enum rfp_status st = RFP_ERR_ZIP;
	char extra;

	if (zip_stat_index(za, i, 0, &sb) != 0 || !(sb.valid & ZIP_STAT_NAME) ||
	    !(sb.valid & ZIP_STAT_SIZE) || !(sb.valid & ZIP_STAT_COMP_SIZE)) {
		rfp_diag(ctx, ZIP_ENTRY, &w, (unsigned long long)i, zip_strerror(za));
		return RFP_ERR_ZIP;
	}
	w.part = sb.name;
	if (unsafe_name(sb.name)) {
		rfp_diag(ctx, ZIP_NAME, &w);
		return RFP_ERR_ZIP;
	}
	if ((sb.valid & ZIP_STAT_ENCRYPTION_METHOD) &&
	    sb.encryption_method != ZIP_EM_NONE) {
		rfp_diag_hint(ctx, ZIP_ENCRYPTED, "save the template without a password", &w);
		return RFP_ERR_ZIP;
	}
	if (sb.size > lim->max_part_bytes || sb.size > lim->max_package_bytes - *total) {
		rfp_diag(ctx, LIMIT_PART, &w, (unsigned long long)sb.size,
		    sb.size > lim->max_part_bytes ? lim->max_part_bytes : lim->max_package_bytes);
		return RFP_ERR_LIMIT;
	}
	if (sb.size > 65536 && sb.size / (sb.comp_size ? sb.comp_size : 1) > lim->max_ratio) {
		rfp_diag(ctx, LIMIT_RATIO, &w,
		    (unsigned long long)(sb.size / (sb.comp_size ? sb.comp_size : 1)), lim->max_ratio);
		return RFP_ERR_LIMIT;
	}
	e->name = strdup(sb.name);
	e->data = malloc((size_t)sb.size + 1);
	if (!e->name || !e->data)
		return RFP_ERR_NOMEM;
	zf = zip_fopen_index(za, i, 0);
	if (!zf) {
		rfp_diag(ctx, ZIP_ENTRY, &w, (unsigned long long)i, zip_strerror(za));
		goto out;
	}
	got = zip_fread(zf, e->data, sb.size);
	/* The declared size is not trusted: the entry must end exactly there. */
	if (got < 0 || (zip_uint64_t)got != sb.size || zip_fread(zf, &extra, 1) != 0) {
		rfp_diag(ctx, ZIP_CORRUPT, &w, zip_file_strerror(zf));
		goto out;
	}
	e->data[sb.size] = '\0';
	e->len = (size_t)sb.size;
	*total += e->len;
	st = RFP_OK;
out:
	if (zf)
		zip_fclose(zf);
	return st;
}

/* Reads every entry of an open archive; za is discarded in every case. */
static enum rfp_status
read_archive(struct rfp_ctx *ctx, const char *path, zip_t *za, struct rfp_pkg *out)
{
	struct rfp_where w = { .file = path };
	struct rfp_pkg pkg = { 0 };
	enum rfp_status st = RFP_ERR_ZIP;
	zip_int64_t n;
	size_t total = 0;

	n = zip_get_num_entries(za, 0);
	if (n < 0 || (zip_uint64_t)n > ctx->limits.max_entries) {
		rfp_diag(ctx, LIMIT_ENTRIES, &w, (long long)n, ctx->limits.max_entries);
		st = RFP_ERR_LIMIT;
		goto out;
	}
	pkg.entries = calloc((size_t)n ? (size_t)n : 1, sizeof(*pkg.entries));
	if (!pkg.entries) {
		st = RFP_ERR_NOMEM;
		goto out;
	}
	for (zip_int64_t i = 0; i < n; i++) {
		pkg.n++;
		if ((st = read_entry(ctx, path, za, (zip_uint64_t)i, &total,
		    &pkg.entries[i])) != RFP_OK)
			goto out;
	}
	if ((st = check_duplicates(ctx, path, &pkg)) != RFP_OK)
		goto out;
	*out = pkg;
	pkg = (struct rfp_pkg){ 0 };
out:
	zip_discard(za);
	rfp_pkg_fini(&pkg);
	return st;
}

/* Reports a package libzip cannot open (err: a ZIP_ER_* code). */
static enum rfp_status
open_failed(struct rfp_ctx *ctx, const char *path, int err)
{
	struct rfp_where w = { .file = path };
	enum rfp_status st;
	zip_error_t ze;

	zip_error_init_with_code(&ze, err);
	if (err == ZIP_ER_EXISTS) {
		/* libzip's consistency check found two entries with one name. */
		rfp_diag(ctx, ZIP_DUPLICATE, &w);
		zip_error_fini(&ze);
		return RFP_ERR_ZIP;
	}
	st = err == ZIP_ER_NOENT || err == ZIP_ER_OPEN || err == ZIP_ER_READ ?
	    RFP_ERR_IO : RFP_ERR_ZIP;
	if (st == RFP_ERR_IO)
		rfp_diag(ctx, IO_READ, &w, zip_error_strerror(&ze));
	else
		rfp_diag(ctx, ZIP, &w, zip_error_strerror(&ze));
	zip_error_fini(&ze);
	return st;
}

enum rfp_status
rfp_pkg_read(struct rfp_ctx *ctx, const char *path, struct rfp_pkg *out)
{
	zip_t *za;
	int err = 0;

	struct stat sb;

	/* A package must be a file libzip can seek in: a FIFO would block. */
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		rfp_diag(ctx, IO_READ, &(struct rfp_where){ .file = path }, "not a regular file");
		return RFP_ERR_IO;
	}
	za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &err);
	if (!za)
		return open_failed(ctx, path, err);
	return read_archive(ctx, path, za, out);
}

enum rfp_status
rfp_pkg_read_buffer(struct rfp_ctx *ctx, const char *name, const void *data, size_t len,
    struct rfp_pkg *out)
{
	zip_source_t *src;
	zip_error_t ze;
	zip_t *za;
	int err;

	zip_error_init(&ze);
	/* An empty buffer still needs a non-NULL pointer for libzip. */
	src = zip_source_buffer_create(len ? data : "", len, 0, &ze);
	if (!src) {
		zip_error_fini(&ze);
		return RFP_ERR_NOMEM;
	}
	za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	if (!za) {
		err = zip_error_code_zip(&ze);
		zip_source_free(src);
		zip_error_fini(&ze);
		if (err == ZIP_ER_MEMORY)
			return RFP_ERR_NOMEM;
		/* Memory cannot fail to be read: any other error is the data's. */
		if (err == ZIP_ER_NOENT || err == ZIP_ER_OPEN || err == ZIP_ER_READ)
			err = ZIP_ER_NOZIP;
		return open_failed(ctx, name, err);
	}
	zip_error_fini(&ze);
	return read_archive(ctx, name, za, out);
}

void
rfp_pkg_fini(struct rfp_pkg *pkg)
{
	for (size_t i = 0; i < pkg->n; i++) {
		free(pkg->entries[i].name);
		free(pkg->entries[i].data);
	}
	free(pkg->entries);
	*pkg = (struct rfp_pkg){ 0 };
}

const struct rfp_pkg_entry *
rfp_pkg_find(const struct rfp_pkg *pkg, const char *name)
{
	for (size_t i = 0; i < pkg->n; i++)
		if (strcmp(pkg->entries[i].name, name) == 0)
			return &pkg->entries[i];
	return NULL;
}
