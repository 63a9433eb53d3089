/* SPDX-License-Identifier: MIT */
/*
 * Rendering an annex template into a package. The public rfp_render()
 * starts from nothing each time; a batch worker keeps a render cache, so
 * the scratch buffers, the zip writer and the compressed text it has
 * already produced (zchunk.h) carry over to its next annex.
 */
#ifndef RFP_ANNEX_RENDER_H
#define RFP_ANNEX_RENDER_H

#include <stdint.h>

#include "annex/template.h"
#include "select/select.h"

struct rfp_render_cache;

/** A cache keeping at most cache_bytes of compressed text; NULL on OOM. */
struct rfp_render_cache *rfp_render_cache_new(size_t cache_bytes);
void rfp_render_cache_free(struct rfp_render_cache *c);
/** Chunks of text the cache's writer reused and compressed so far. */
void rfp_render_cache_stats(const struct rfp_render_cache *c, uint64_t *reused,
    uint64_t *compressed);

/** What rendering sel with t would refuse, without rendering (batch --check):
 * a --field that shadows a built-in, a field the template needs and the
 * run does not give, an agency document with nothing to list. */
enum rfp_status rfp_render_check(struct rfp_ctx *ctx, const struct rfp_template *t,
    const struct rfp_selection *sel, bool agency);

/** rfp_render() (rfp_render_agency() with agency) with the buffers and
 * writer of c, which one thread owns. */
enum rfp_status rfp_render_cached(struct rfp_ctx *ctx, struct rfp_render_cache *c,
    const struct rfp_template *t, const struct rfp_selection *sel, bool agency,
    const char *generator, int64_t mtime, struct rfp_output *out);

#endif
