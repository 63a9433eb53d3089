/* SPDX-License-Identifier: MIT */
/*
 * The public rendering entry point: selection + compiled template → a
 * complete package in memory. A part whose loops ran in a way that may
 * leave an empty table or duplicate ids goes through the template's check
 * (guard.c); with rfp_ctx_set_verify every part is parsed again before it
 * is packed. This file needs neither libxml2 nor libzip: the front
 * executable renders with it too.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annex/annex.h"
#include "pkg/pkg.h"
#include "template/template.h"

/*
 * numbering.xml with a w:num instance for every numbering restart: the same
 * abstract numbering as the template's instance, starting again at 1.
 */
static enum rfp_status
restart_numbering(const struct rfp_tpart *num, const struct rfp_num_restart *nr,
    struct rfp_buf *out)
{
	const char *end = NULL, *p;

	for (p = num->data; (p = strstr(p, "</w:numbering>")) != NULL; p++)
		end = p;
	if (!end)
		return RFP_ERR_TEMPLATE;
	rfp_buf_add(out, num->data, (size_t)(end - num->data));
	for (size_t i = 0; i < nr->n; i++) {
		char pat[64];
		const char *inst, *abs;

		snprintf(pat, sizeof(pat), "w:numId=\"%u\"", nr->inst[i].of);
		inst = strstr(num->data, pat);
		abs = inst ? strstr(inst, "w:abstractNumId w:val=\"") : NULL;
		if (!abs)
			continue;	/* an unknown instance: that list just continues */
		rfp_buf_addf(out, "<w:num w:numId=\"%u\"><w:abstractNumId w:val=\"%lu\"/>"
		    "<w:lvlOverride w:ilvl=\"0\"><w:startOverride w:val=\"1\"/></w:lvlOverride></w:num>",
		    nr->inst[i].id, strtoul(abs + 23, NULL, 10));
	}
	rfp_buf_add(out, end, num->len - (size_t)(end - num->data));
	return out->err;
}

/* Renders one compiled part into b, mending it when the guards are due. */
static enum rfp_status
render_part(struct rfp_ctx *ctx, const struct rfp_template *t, const struct rfp_tpart *tp,
    const struct rfp_dnode *root, struct rfp_num_restart *nr, struct rfp_buf *b)
{
	enum rfp_status st;
	bool guard = false;

	if ((st = rfp_prog_render(ctx, tp->name, &tp->prog, root, b, &guard, nr)) != RFP_OK)
		return st;
	if (!guard && !ctx->verify)
		return RFP_OK;
	/* A template from the snapshot (snapshot.h) has no parser to check with. */
	if (!t->check)
		return RFP_ERR_UNSUPPORTED;
	return t->check(ctx, tp->name, tp->prog.mode, guard, b);
}

enum rfp_status
rfp_render(struct rfp_ctx *ctx, const struct rfp_template *t,
    const struct rfp_selection *sel, const char *generator, int64_t mtime,
    struct rfp_output *out)
{
	struct rfp_arena arena = RFP_ARENA_INIT;
	struct rfp_buf *bufs = NULL, numbering;
	bool own_bufs;
	struct rfp_num_restart *nr = NULL;
	struct rfp_pkg_writer *w = NULL;
	const struct rfp_dnode *root;
	enum rfp_status st = RFP_ERR_NOMEM;
	size_t i;

	if (!ctx || !t || !sel || !generator || !out)
		return RFP_ERR_USAGE;
	rfp_buf_init(&numbering, ctx->limits.max_output_bytes);
	/* The context's buffers stay allocated between renders. */
	own_bufs = t->nparts > sizeof(ctx->scratch) / sizeof(ctx->scratch[0]);
	bufs = own_bufs ? calloc(t->nparts, sizeof(*bufs)) : ctx->scratch;
	if (!(root = rfp_annex_data(&arena, sel, generator)) || !bufs ||
	    !(nr = calloc(1, sizeof(*nr))))
		goto out;
	nr->next_id = t->next_num_id;
	/* Every part is rendered before any is written: a numbering restart in
	 * the document changes numbering.xml, wherever it sits in the package. */
	for (i = 0; i < t->nparts; i++) {
		if (own_bufs)
			rfp_buf_init(&bufs[i], ctx->limits.max_output_bytes);
		rfp_buf_reset(&bufs[i]);
		bufs[i].max = ctx->limits.max_output_bytes;
		if (t->parts[i].compiled &&
		    (st = render_part(ctx, t, &t->parts[i], root, t->numbering ? nr : NULL, &bufs[i])))
			goto out;
	}
	if (nr->n && (st = restart_numbering(t->numbering, nr, &numbering)) != RFP_OK)
		goto out;
	if (!(w = rfp_pkg_writer_new(ctx, mtime))) {
		st = RFP_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < t->nparts; i++) {
		const struct rfp_tpart *tp = &t->parts[i];
		const struct rfp_buf *b = tp->compiled ? &bufs[i] : tp == t->numbering && nr->n ?
		    &numbering : NULL;

		st = b ? rfp_pkg_writer_add(w, tp->name, b->ptr, b->len, tp->store) :
		    rfp_pkg_writer_add_deflated(w, tp->name, &tp->z);
		if (st)
			goto out;
	}
	st = rfp_pkg_writer_finish(w, &out->data, &out->len);
out:
	rfp_pkg_writer_free(w);
	for (i = 0; own_bufs && bufs && i < t->nparts; i++)
		rfp_buf_fini(&bufs[i]);
	if (own_bufs)
		free(bufs);
	free(nr);
	rfp_buf_fini(&numbering);
	rfp_arena_fini(&arena);
	return st;
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
