/* SPDX-License-Identifier: MIT */
/*
 * Deflate in content-defined chunks, with a cache of chunks already
 * compressed. A batch renders the same requirement text into document after
 * document; only the cover table (agency, project, date) differs. Cutting
 * the part where its own bytes say so (a rolling hash, not fixed offsets)
 * makes the unchanged text fall into the same chunks in every document, and
 * a chunk compressed once is copied from then on.
 *
 * Each chunk is compressed on its own from a reset z_stream, with the bytes
 * before it as preset dictionary, and ends on a byte boundary (sync flush),
 * so its compressed bytes depend only on the chunk and that dictionary: the
 * output is the same whether a chunk came from the cache or not, and a cache
 * of size 0 gives the same package as a warm one.
 */
#ifndef RFP_PKG_ZCHUNK_H
#define RFP_PKG_ZCHUNK_H

#include <stddef.h>
#include <stdint.h>

#include <zlib.h>

#include "util/buf.h"
#include "util/ctx.h"

struct rfp_zchunk_cache;

/** A cache holding at most max_bytes of chunks (0: compress every time). */
struct rfp_zchunk_cache *rfp_zchunk_cache_new(size_t max_bytes);
void rfp_zchunk_cache_free(struct rfp_zchunk_cache *c);

/**
 * Appends the raw deflate stream of data (a complete stream: it ends with a
 * final block) to out and sets *crc to the CRC-32 of data. z is a raw
 * deflate stream (windowBits -15) at the level the caller wants; it is reset
 * for each chunk.
 */
enum rfp_status rfp_zchunk_deflate(struct rfp_zchunk_cache *c, z_stream *z,
    const void *data, size_t len, struct rfp_buf *out, uint32_t *crc);

/**
 * From now on c only serves the chunks it holds: nothing is added to it and
 * nothing counted, so any number of threads may use it at once (a server
 * warms one cache with the shipped text and shares it; no request's text
 * is ever kept).
 */
void rfp_zchunk_cache_freeze(struct rfp_zchunk_cache *c);

/** Chunks served from the cache and chunks compressed, since creation. */
void rfp_zchunk_stats(const struct rfp_zchunk_cache *c, uint64_t *hits, uint64_t *misses);

#endif
