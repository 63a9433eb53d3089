/* SPDX-License-Identifier: MIT */
/*
 * The public rendering entry point: selection + compiled template → a
 * complete package in memory. A part whose loops ran in a way that may
 * leave an empty table or duplicate ids goes through the guards (guard.c);
 * with rfp_ctx_set_verify every part is parsed again before it is packed.
 */
#include "config.h"

#include <stdlib.h>

#include "annex/annex.h"
#include "pkg/pkg.h"
#include "template/guard.h"
#include "template/template.h"
#include "util/xml.h"

/* Replaces the part's bytes with the mended tree. */
static enum rfp_status
reserialize(xmlDoc *doc, struct rfp_buf *part)
{
	xmlChar *mem = NULL;
	int len = 0;

	xmlDocDumpMemoryEnc(doc, &mem, &len, "UTF-8");
	if (!mem)
		return RFP_ERR_NOMEM;
	rfp_buf_reset(part);
	rfp_buf_add(part, mem, (size_t)len);
	xmlFree(mem);
	return part->err;
}

enum rfp_status
rfp_render(struct rfp_ctx *ctx, const struct rfp_template *t,
    const struct rfp_selection *sel, const char *generator, int64_t mtime,
    struct rfp_output *out)
{
	struct rfp_arena arena = RFP_ARENA_INIT;
	struct rfp_buf part = RFP_BUF_INIT(ctx ? ctx->limits.max_output_bytes : 0);
	struct rfp_pkg_writer *w = NULL;
	const struct rfp_dnode *root;
	enum rfp_status st = RFP_ERR_NOMEM;
	xmlDoc *doc;

	if (!ctx || !t || !sel || !generator || !out)
		return RFP_ERR_USAGE;
	if (!(root = rfp_annex_data(&arena, sel, generator)))
		goto out;
	if (!(w = rfp_pkg_writer_new(ctx, mtime)))
		goto out;
	for (size_t i = 0; i < t->nparts; i++) {
		const struct rfp_tpart *tp = &t->parts[i];

		if (!tp->compiled) {
			st = rfp_pkg_writer_add(w, tp->name, tp->data, tp->len, tp->store);
		} else {
			bool guard = false;

			rfp_buf_reset(&part);
			if ((st = rfp_prog_render(ctx, tp->name, &tp->prog, root, &part, &guard)) != RFP_OK)
				goto out;
			if (guard || ctx->verify) {
				doc = NULL;
				st = rfp_xml_parse(ctx, "(rendered output)", tp->name, part.ptr,
				    part.len, &doc);
				if (!st && rfp_guard(doc, tp->prog.mode))
					st = reserialize(doc, &part);
				xmlFreeDoc(doc);
				if (st)
					goto out;
			}
			st = rfp_pkg_writer_add(w, tp->name, part.ptr, part.len, tp->store);
		}
		if (st)
			goto out;
	}
	st = rfp_pkg_writer_finish(w, &out->data, &out->len);
out:
	rfp_pkg_writer_free(w);
	rfp_buf_fini(&part);
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
