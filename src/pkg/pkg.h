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

struct rfp_zchunk_cache;

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
/** rfp_pkg_read() for a package held in memory (name: for messages); data is not kept. */
enum rfp_status rfp_pkg_read_buffer(struct rfp_ctx *ctx, const char *name,
    const void *data, size_t len, struct rfp_pkg *out);
/**
 * A flat ODF text document (.fodt, data of len bytes) as the package it
 * stands for: mimetype, manifest, content.xml, styles.xml, settings.xml.
 * Anything but an office:document of text is RFP-TPL-FORMAT.
 */
enum rfp_status rfp_pkg_read_flat(struct rfp_ctx *ctx, const char *path, const char *data,
    size_t len, struct rfp_pkg *out);
void rfp_pkg_fini(struct rfp_pkg *pkg);
const struct rfp_pkg_entry *rfp_pkg_find(const struct rfp_pkg *pkg, const char *name);

/* A part compressed once and copied into every package as it is. */
struct rfp_deflated {
	unsigned char *data;
	size_t csize, usize;
	uint32_t crc;
	bool store;
};

/** Compresses (or, with store, keeps) data for later copies; free with rfp_deflated_fini. */
enum rfp_status rfp_deflate(const void *data, size_t len, bool store, struct rfp_deflated *out);
void rfp_deflated_fini(struct rfp_deflated *d);

struct rfp_pkg_writer;

/**
 * A writer building a package in memory; mtime is the timestamp of every
 * entry, seconds since the epoch (UTC). cache_bytes bounds the compressed
 * text kept for later packages of the same writer (zchunk.h; 0: none).
 */
struct rfp_pkg_writer *rfp_pkg_writer_new(int64_t mtime, size_t cache_bytes);
/** A writer that uses the frozen chunk cache of another (rfp_pkg_writer_chunks),
 * which must outlive it, instead of one of its own. */
struct rfp_pkg_writer *rfp_pkg_writer_new_shared(int64_t mtime, struct rfp_zchunk_cache *frozen);
/** The writer's chunk cache. */
struct rfp_zchunk_cache *rfp_pkg_writer_chunks(struct rfp_pkg_writer *w);
/** Starts the next package, keeping the buffers and the chunk cache. */
void rfp_pkg_writer_reset(struct rfp_pkg_writer *w, int64_t mtime);
/** Adds an entry, compressing it (store: as is, for the ODF mimetype). */
enum rfp_status rfp_pkg_writer_add(struct rfp_pkg_writer *w, const char *name,
    const void *data, size_t len, bool store);
/** Adds an entry compressed earlier. */
enum rfp_status rfp_pkg_writer_add_deflated(struct rfp_pkg_writer *w, const char *name,
    const struct rfp_deflated *d);
/** Finishes the archive; *out receives malloc'd bytes. */
enum rfp_status rfp_pkg_writer_finish(struct rfp_pkg_writer *w, unsigned char **out,
    size_t *len);
void rfp_pkg_writer_free(struct rfp_pkg_writer *w);
/** Chunks of rendered parts this writer reused and compressed. */
void rfp_pkg_writer_stats(const struct rfp_pkg_writer *w, uint64_t *reused,
    uint64_t *compressed);

#endif
