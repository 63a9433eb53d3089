/* SPDX-License-Identifier: MIT */
/*
 * The build-time snapshot. When rfpgen is built, the shipped catalogues
 * (one per baseline) are loaded and validated and the shipped templates
 * compiled by the full library; their in-memory form is serialised into an
 * image that the front executable carries (cli/front.c). With the image
 * come the bytes of every file it was made from, so it is used only when
 * the data directory holds exactly those bytes: a changed, added or removed
 * catalogue file, or another template, means the image does not apply and
 * the full library reads the files instead.
 *
 * Image layout (all integers little-endian; a string is a u32 length, its
 * bytes and a NUL, length 0xFFFFFFFF for NULL; a reference to an object is
 * its u32 index in its table):
 *   "RFPSNAP" NUL, u32 version
 *   u32 nsources, each: string name (relative to the data directory), blob
 *   u32 ncatalogues, each: string baseline, u32 schema source, u32 nfiles,
 *       u32 source[nfiles] (load order), blob catalogue body
 *   u32 ntemplates, each: u32 source, blob template body
 *   string zlib version, u32 nchunks, each: u64 key, u32 dictionary length,
 *       u32 length, blob compressed bytes (zchunk.h seeds)
 * snapshot_write.c and snapshot_read.c hold the bodies; a body is a blob so
 * that opening an image decodes none of them.
 */
#ifndef RFP_SNAPSHOT_SNAPSHOT_H
#define RFP_SNAPSHOT_SNAPSHOT_H

#include <stddef.h>

#include <rfpgen/rfpgen.h>

#include "util/buf.h"

#define RFP_SNAPSHOT_MAGIC "RFPSNAP"
#define RFP_SNAPSHOT_VERSION 1u

/* ---- Writing (the build-time tool rfpgen-snapshot) ------------------- */

struct rfp_snapshot_source {
	const char *name;	/* e.g. "requirements/module-common.xml" */
	const void *data;
	size_t len;
};

struct rfp_snapshot_cat {
	const char *baseline;	/* "2021" */
	const struct rfp_catalogue *cat;
	size_t schema;		/* index of catalogue.xsd among the sources */
	const size_t *files;	/* the sources it was loaded from, in order */
	size_t nfiles;
	/* Also carry the compressed chunks of every type and level rendered
	 * with each template, so that a single run compresses only what its
	 * own request changed (for the default baseline). */
	bool seed_chunks;
};

struct rfp_snapshot_tmpl {
	const struct rfp_template *tmpl;
	size_t source;		/* the package it was compiled from */
};

/** Serialises everything into out (appended), rendering for seed_chunks. */
enum rfp_status rfp_snapshot_write(const struct rfp_snapshot_source *src, size_t nsrc,
    const struct rfp_snapshot_cat *cats, size_t ncats,
    const struct rfp_snapshot_tmpl *tmpls, size_t ntmpls, struct rfp_buf *out);

/**
 * The image of the shipped data below data_dir (snapshot_make.c, in the full
 * library): every requirements/baseline-*.xml with all module-*.xml files,
 * found in the CLI's order, and templates/annex.docx and annex.odt, loaded
 * and checked with ctx (whose diagnostics tell what failed), appended to img.
 */
enum rfp_status rfp_snapshot_make(struct rfp_ctx *ctx, const char *data_dir,
    struct rfp_buf *img);

/* ---- Reading (the front executable) ---------------------------------- */

struct rfp_snapshot;

/**
 * Indexes an image; img must outlive the snapshot and everything taken
 * from it (catalogue strings point into it). RFP_ERR_INVALID if it is
 * truncated or of another version.
 */
enum rfp_status rfp_snapshot_open(const void *img, size_t len, struct rfp_snapshot **out);
void rfp_snapshot_free(struct rfp_snapshot *s);

/**
 * The catalogue that rfp_catalogue_load() would give for schema_path and
 * paths, if the image holds one made from exactly those files: the same
 * names below data_dir, in the same order, and the same bytes. Its file
 * paths point at the given strings, which must outlive it.
 * RFP_ERR_UNSUPPORTED if the image does not apply; RFP_ERR_NOMEM;
 * RFP_ERR_INVALID for a damaged image.
 */
enum rfp_status rfp_snapshot_catalogue(const struct rfp_snapshot *s, const char *data_dir,
    const char *schema_path, const char *const *paths, size_t npaths,
    struct rfp_catalogue **out);

/**
 * The template that rfp_template_load() would give for path, if path is
 * data_dir/NAME for a package of the image and holds the same bytes.
 * Such a template cannot run the guards (template.h). Errors as above.
 */
enum rfp_status rfp_snapshot_template(const struct rfp_snapshot *s, const char *data_dir,
    const char *path, struct rfp_template **out);

/**
 * Lets ctx's renders take the image's compressed chunks (zchunk.h: each is
 * checked by inflating it before use), if this process runs the zlib the
 * image was made with; otherwise does nothing. The snapshot must outlive
 * ctx's renders.
 */
void rfp_snapshot_seed(const struct rfp_snapshot *s, struct rfp_ctx *ctx);

#endif
