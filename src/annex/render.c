/* SPDX-License-Identifier: MIT */
/*
 * Selection + compiled template → a complete package in memory. A part
 * whose loops ran in a way that may leave an empty table or duplicate ids
 * is mended by the guards (guard.c); with rfp_ctx_set_verify every part is
 * parsed again before it is packed.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "annex/annex.h"
#include "annex/endmark.h"
#include "annex/guard.h"
#include "annex/package.h"
#include "annex/manifest.h"
#include "annex/render.h"
#include "pkg/pkg.h"
#include "pkg/zchunk.h"

struct rfp_render_cache {
	struct rfp_buf *bufs;		/* one per template part */
	size_t nbufs;
	struct rfp_buf numbering;
	struct rfp_buf core, app, custom;	/* the annex's own properties */
	struct rfp_buf manifest;
	struct rfp_num_restart restarts;
	size_t cache_bytes;
	struct rfp_pkg_writer *w;	/* made at the first render */
	struct rfp_zchunk_cache *shared;	/* a frozen cache this one uses */
};

struct rfp_render_cache *
rfp_render_cache_new(size_t cache_bytes)
{
	struct rfp_render_cache *c = calloc(1, sizeof(*c));

	if (c) {
		c->cache_bytes = cache_bytes;
		rfp_buf_init(&c->numbering, 0);
		rfp_buf_init(&c->core, 64u << 20);
		rfp_buf_init(&c->app, 1u << 20);
		rfp_buf_init(&c->custom, 1u << 20);
		rfp_buf_init(&c->manifest, 64u << 20);
	}
	return c;
}

void
rfp_render_cache_free(struct rfp_render_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nbufs; i++)
		rfp_buf_fini(&c->bufs[i]);
	free(c->bufs);
	rfp_buf_fini(&c->numbering);
	rfp_buf_fini(&c->core);
	rfp_buf_fini(&c->app);
	rfp_buf_fini(&c->custom);
	rfp_buf_fini(&c->manifest);
	rfp_pkg_writer_free(c->w);
	free(c);
}

void
rfp_render_cache_freeze(struct rfp_render_cache *c)
{
	if (c && c->w)
		rfp_zchunk_cache_freeze(rfp_pkg_writer_chunks(c->w));
}

struct rfp_render_cache *
rfp_render_cache_share(const struct rfp_render_cache *frozen)
{
	struct rfp_render_cache *c;

	if (!frozen || !frozen->w || !(c = rfp_render_cache_new(0)))
		return NULL;
	/* Frozen: read-only, shared by any number of caches and threads. */
	c->shared = rfp_pkg_writer_chunks(frozen->w);
	return c;
}

void
rfp_render_cache_stats(const struct rfp_render_cache *c, uint64_t *reused, uint64_t *compressed)
{
	*reused = *compressed = 0;
	if (c->w)
		rfp_pkg_writer_stats(c->w, reused, compressed);
}

/* Buffers for n parts, each emptied and bounded by max. */
static bool
reset_bufs(struct rfp_render_cache *c, size_t n, size_t max)
{
	if (n > c->nbufs) {
		struct rfp_buf *b = realloc(c->bufs, n * sizeof(*b));

		if (!b)
			return false;
		for (size_t i = c->nbufs; i < n; i++)
			rfp_buf_init(&b[i], max);
		c->bufs = b;
		c->nbufs = n;
	}
	for (size_t i = 0; i < n; i++) {
		rfp_buf_reset(&c->bufs[i]);
		c->bufs[i].max = max;
	}
	rfp_buf_reset(&c->numbering);
	c->numbering.max = max;
	rfp_buf_reset(&c->core);
	rfp_buf_reset(&c->app);
	rfp_buf_reset(&c->custom);
	rfp_buf_reset(&c->manifest);
	return true;
}

/*
 * Renders one compiled part into b, mending it when the guards are due;
 * in the main part the closing paragraph is kept with the last table row
 * (endmark.c).
 */
static enum rfp_status
render_part(struct rfp_ctx *ctx, const struct rfp_tpart *tp, const struct rfp_dnode *root,
    struct rfp_num_restart *nr, struct rfp_buf *b)
{
	enum rfp_status st;
	bool guard = false;

	if ((st = rfp_prog_render(ctx, tp->name, &tp->prog, root, b, &guard, nr)) != RFP_OK)
		return st;
	if ((strcmp(tp->name, "word/document.xml") == 0 || strcmp(tp->name, "content.xml") == 0) &&
	    rfp_endmark_keep(b, tp->prog.mode) && (st = rfp_buf_status(b)) != RFP_OK)
		return st;
	if (!guard && !ctx->verify)
		return RFP_OK;
	return rfp_guard_part(ctx, tp->name, tp->prog.mode, guard, b);
}

/* Whether some part of t has a section over name. */
static bool
has_section(const struct rfp_template *t, const char *name)
{
	for (size_t i = 0; i < t->nparts; i++) {
		const struct rfp_prog *p = &t->parts[i].prog;

		for (size_t k = 0; t->parts[i].compiled && k < p->nops; k++)
			if (p->ops[k].kind == RFP_OP_OPEN && p->ops[k].len == strlen(name) &&
			    memcmp(p->lits + p->ops[k].off, name, p->ops[k].len) == 0)
				return true;
	}
	return false;
}

/*
 * What the data cannot be checked for when the template is compiled: a
 * --field must not take a built-in name, every field of the officer's own
 * that the template uses must be given, and the agency's document needs a
 * template that lists the agency's duties, and duties to list.
 */
static enum rfp_status
check_run(struct rfp_ctx *ctx, const struct rfp_template *t, const struct rfp_selection *sel,
    const struct rfp_dnode *root, bool agency)
{
	enum rfp_status st = RFP_OK;

	for (size_t i = 0; i < sel->nfields; i++) {
		if (rfp_annex_builtin(sel->fields[i].name)) {
			rfp_diag(ctx, FIELD_NAME, NULL, sel->fields[i].name, sel->fields[i].name);
			st = RFP_ERR_USAGE;
		}
	}
	for (size_t i = 0; i < t->nparts; i++) {
		const struct rfp_prog *p = &t->parts[i].prog;

		for (size_t k = 0; t->parts[i].compiled && k < p->nops; k++) {
			const struct rfp_op *op = &p->ops[k];
			bool seen = false;

			if (!op->run_field || op->inverted ||
			    rfp_data_get(root, p->lits + op->off, op->len))
				continue;
			/* One message a name and part. */
			for (size_t j = 0; j < k && !seen; j++)
				seen = p->ops[j].run_field && p->ops[j].len == op->len &&
				    memcmp(p->lits + p->ops[j].off, p->lits + op->off, op->len) == 0;
			if (seen)
				continue;
			rfp_diag(ctx, TPL_NEEDS_FIELD, &(struct rfp_where){ .part = t->parts[i].name },
			    (int)op->len, p->lits + op->off);
			st = RFP_ERR_USAGE;
		}
	}
	if (agency && !has_section(t, "agency_items")) {
		rfp_diag(ctx, TPL_NO_AGENCY, NULL);
		st = RFP_ERR_TEMPLATE;
	} else if (agency && !sel->nduties) {
		char scope[320];

		rfp_diag(ctx, AGENCY_NONE, NULL, rfp_selection_scope(sel, scope, sizeof(scope)),
		    sel->has_type ? rfp_level_name(sel->level) : "—");
		st = RFP_ERR_USAGE;
	}
	return st;
}

enum rfp_status
rfp_render_check(struct rfp_ctx *ctx, const struct rfp_template *t,
    const struct rfp_selection *sel, bool agency)
{
	struct rfp_arena arena = RFP_ARENA_INIT;
	const struct rfp_dnode *root = rfp_annex_data(&arena, sel, "rfpgen", agency, false);
	enum rfp_status st = root ? check_run(ctx, t, sel, root, agency) : RFP_ERR_NOMEM;

	rfp_arena_fini(&arena);
	return st;
}

enum rfp_status
rfp_render_cached(struct rfp_ctx *ctx, struct rfp_render_cache *c,
    const struct rfp_template *t, const struct rfp_selection *sel, bool agency,
    const char *generator, int64_t mtime, struct rfp_output *out)
{
	struct rfp_arena arena = RFP_ARENA_INIT;
	struct rfp_num_restart *nr = &c->restarts;
	const struct rfp_dnode *root;
	enum rfp_status st = RFP_ERR_NOMEM;
	size_t i;

	/* ODF input lists came with 1.3; DOCX has no version. */
	if (!(root = rfp_annex_data(&arena, sel, generator, agency,
	    t->format == RFP_FORMAT_ODT && strcmp(t->odf_version, "1.2") > 0)) ||
	    !reset_bufs(c, t->nparts, ctx->limits.max_output_bytes))
		goto out;
	if ((st = check_run(ctx, t, sel, root, agency)) != RFP_OK)
		goto out;
	st = RFP_ERR_NOMEM;
	nr->n = 0;
	nr->next_id = t->numbering.next_id;
	/* Every part is rendered before any is written: a numbering restart in
	 * the document changes numbering.xml, wherever it sits in the package. */
	for (i = 0; i < t->nparts; i++)
		if (t->parts[i].compiled && (st = render_part(ctx, &t->parts[i], root,
		    t->numbering.present ? nr : NULL, &c->bufs[i])) != RFP_OK)
			goto out;
	if (nr->n && (st = rfp_numbering_render(&t->numbering, nr, &c->numbering)) != RFP_OK)
		goto out;
	if (c->w)
		rfp_pkg_writer_reset(c->w, mtime);
	else if (!(c->w = c->shared ? rfp_pkg_writer_new_shared(mtime, c->shared) :
	    rfp_pkg_writer_new(mtime, c->cache_bytes))) {
		st = RFP_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < t->nparts; i++) {
		const struct rfp_tpart *tp = &t->parts[i];
		const struct rfp_buf *b = tp->compiled ? &c->bufs[i] :
		    tp == t->numbering_part && nr->n ? &c->numbering : NULL;

		st = b ? rfp_pkg_writer_add(c->w, tp->name, b->ptr, b->len, tp->store) :
		    rfp_pkg_writer_add_deflated(c->w, tp->name, &tp->z);
		if (st)
			goto out;
	}
	/* The template's own properties were left out when it was loaded. */
	/* The template's own properties were left out when it was loaded. */
	if ((st = rfp_manifest_write(sel, agency, generator, &c->manifest)) != RFP_OK ||
	    (st = rfp_annex_props(sel, agency ? "機關自行辦理事項檢核表" : "資通安全需求附件",
	    t->format, t->odf_version, generator, mtime, &c->manifest, &c->core, &c->app,
	    &c->custom)) != RFP_OK)
		goto out;
	if (t->format == RFP_FORMAT_ODT)
		st = rfp_pkg_writer_add(c->w, "meta.xml", c->core.ptr, c->core.len, false);
	if (t->format == RFP_FORMAT_ODT && !st)
		st = rfp_pkg_writer_add(c->w, RFP_MANIFEST_ODT, c->manifest.ptr, c->manifest.len, false);
	if (t->format == RFP_FORMAT_DOCX) {
		const struct {
			const char *name;
			const struct rfp_buf *b;
		} parts[] = { { "docProps/core.xml", &c->core }, { "docProps/app.xml", &c->app },
			{ "docProps/custom.xml", &c->custom }, { RFP_MANIFEST_DOCX, &c->manifest } };

		for (size_t k = 0; k < 4 && !st; k++)
			st = rfp_pkg_writer_add(c->w, parts[k].name, parts[k].b->ptr, parts[k].b->len, false);
	}
	if (st)
		goto out;
	st = rfp_pkg_writer_finish(c->w, &out->data, &out->len);
out:
	rfp_arena_fini(&arena);
	return st;
}

static enum rfp_status
render_one(struct rfp_ctx *ctx, const struct rfp_template *t, const struct rfp_selection *sel,
    bool agency, const char *generator, int64_t mtime, struct rfp_output *out)
{
	struct rfp_render_cache *c;
	enum rfp_status st;

	if (!ctx || !t || !sel || !generator || !out)
		return RFP_ERR_USAGE;
	/* One document: no text to reuse, so no chunk cache. */
	if (!(c = rfp_render_cache_new(0)))
		return RFP_ERR_NOMEM;
	st = rfp_render_cached(ctx, c, t, sel, agency, generator, mtime, out);
	rfp_render_cache_free(c);
	return st;
}

enum rfp_status
rfp_render(struct rfp_ctx *ctx, const struct rfp_template *t,
    const struct rfp_selection *sel, const char *generator, int64_t mtime,
    struct rfp_output *out)
{
	return render_one(ctx, t, sel, false, generator, mtime, out);
}

enum rfp_status
rfp_render_agency(struct rfp_ctx *ctx, const struct rfp_template *t,
    const struct rfp_selection *sel, const char *generator, int64_t mtime,
    struct rfp_output *out)
{
	return render_one(ctx, t, sel, true, generator, mtime, out);
}

void
rfp_output_fini(struct rfp_output *o)
{
	if (!o)
		return;
	free(o->data);
	o->data = NULL;
	o->len = 0;
}
