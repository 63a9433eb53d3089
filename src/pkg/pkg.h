/* SPDX-License-Identifier: MIT */
/*
 * Zip packages (DOCX, ODT) over libzip. Reading checks everything a hostile
 * file could abuse before any byte is inflated: entry count, declared and
 * actual sizes, compression ratio, encryption, duplicate or unsafe names.
 * Writing is deterministic: entries in the order given, one fixed timestamp,
 * fixed attributes and compression level.
 */
#ifndef RFP_PKG_PKG_H
#define RFP_PKG_PKG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/ctx.h"

struct rfp_pkg_entry {
	char *name;
	char *data;	/* NUL-terminated for convenience */
	size_t len;
};

struct rfp_pkg {
	struct rfp_pkg_entry *entries;
	size_t n;
};

/** Reads every entry of the package at path into memory, within the ctx limits. */
enum rfp_status rfp_pkg_read(struct rfp_ctx *ctx, const char *path, struct rfp_pkg *out);
void rfp_pkg_fini(struct rfp_pkg *pkg);
const struct rfp_pkg_entry *rfp_pkg_find(const struct rfp_pkg *pkg, const char *name);

struct rfp_pkg_writer;

/** A writer building a package in memory; mtime is seconds since the epoch (UTC). */
struct rfp_pkg_writer *rfp_pkg_writer_new(struct rfp_ctx *ctx, int64_t mtime);
/** Adds an entry; data is copied. store = no compression (ODF mimetype). */
enum rfp_status rfp_pkg_writer_add(struct rfp_pkg_writer *w, const char *name,
    const void *data, size_t len, bool store);
/** Finishes the archive; *out receives malloc'd bytes. The writer is spent. */
enum rfp_status rfp_pkg_writer_finish(struct rfp_pkg_writer *w, unsigned char **out,
    size_t *len);
void rfp_pkg_writer_free(struct rfp_pkg_writer *w);

#endif
