/* SPDX-License-Identifier: MIT */
/*
 * Serialising catalogues and compiled templates into a snapshot image
 * (layout in snapshot.h). Runs at build time only, on objects the full
 * library has just loaded and checked.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "catalogue/catalogue.h"
#include "pkg/zchunk.h"
#include "snapshot/snapshot.h"
#include "template/template.h"
#include "util/ctx.h"

#define NIL UINT32_MAX

static void
put_u32(struct rfp_buf *b, uint64_t v)
{
	unsigned char le[4] = { (unsigned char)v, (unsigned char)(v >> 8),
	    (unsigned char)(v >> 16), (unsigned char)(v >> 24) };

	if (v > UINT32_MAX && !b->err)
		b->err = RFP_ERR_LIMIT;
	rfp_buf_add(b, le, sizeof(le));
}

static void
put_u64(struct rfp_buf *b, uint64_t v)
{
	put_u32(b, v & UINT32_MAX);
	put_u32(b, v >> 32);
}

static void
put_u8(struct rfp_buf *b, unsigned v)
{
	rfp_buf_addc(b, (char)v);
}

static void
put_blob(struct rfp_buf *b, const void *data, size_t len)
{
	put_u32(b, len);
	rfp_buf_add(b, data, len);
	rfp_buf_addc(b, '\0');
}

static void
put_str(struct rfp_buf *b, const char *s)
{
	if (!s)
		put_u32(b, NIL);
	else
		put_blob(b, s, strlen(s));
}

/* The index of p in arr[0..n), for references between catalogue tables. */
static uint32_t
index_of(const void *const *arr, size_t n, const void *p)
{
	for (size_t i = 0; i < n; i++)
		if (arr[i] == p)
			return (uint32_t)i;
	return NIL;
}

static void
put_catalogue(struct rfp_buf *b, const struct rfp_catalogue *cat)
{
	put_u32(b, cat->nfiles);
	for (size_t i = 0; i < cat->nfiles; i++) {
		const struct rfp_catfile *f = &cat->files[i];

		put_str(b, f->id);
		put_u8(b, f->baseline);
		put_str(b, f->title);
		put_str(b, f->legal_basis);
		put_str(b, f->amended);
		put_str(b, f->version);
		put_str(b, f->notice);
	}
	put_u32(b, cat->nfamilies);
	for (size_t i = 0; i < cat->nfamilies; i++) {
		const struct rfp_family *f = cat->families[i];

		put_str(b, f->id);
		put_str(b, f->name);
		put_u64(b, f->sort);
		put_u32(b, (size_t)(f->file - cat->files));
	}
	put_u32(b, cat->nmeasures);
	for (size_t i = 0; i < cat->nmeasures; i++) {
		const struct rfp_measure *m = cat->measures[i];

		put_str(b, m->id);
		put_str(b, m->name);
		put_u64(b, m->sort);
		put_u32(b, index_of((const void *const *)cat->families, cat->nfamilies, m->family));
	}
	put_u32(b, cat->nparams);
	for (size_t i = 0; i < cat->nparams; i++) {
		const struct rfp_param *p = cat->params[i];

		put_str(b, p->id);
		put_str(b, p->label);
		put_u32(b, (size_t)(p->file - cat->files));
		for (size_t l = 0; l < 4; l++)
			put_str(b, p->defaults[l]);
		put_u32(b, p->line);
	}
	put_u32(b, cat->nitems);
	for (size_t i = 0; i < cat->nitems; i++) {
		const struct rfp_item *it = cat->items[i];

		put_str(b, it->id);
		put_str(b, it->label);
		put_u64(b, it->sort);
		put_u8(b, it->min_level);
		put_u32(b, it->types);
		put_u8(b, it->party);
		put_u8(b, it->modality);
		put_str(b, it->source_title);
		put_str(b, it->clause);
		put_u32(b, it->condition);
		put_str(b, it->condition_name);
		put_str(b, it->types_text);
		put_str(b, it->text);
		put_str(b, it->guidance);
		put_str(b, it->verification);
		put_u32(b, index_of((const void *const *)cat->measures, cat->nmeasures, it->measure));
		put_u32(b, (size_t)(it->file - cat->files));
		put_u32(b, it->line);
	}
	put_u32(b, cat->baseline ? (size_t)(cat->baseline - cat->files) : NIL);
}

static void
put_template(struct rfp_buf *b, const struct rfp_template *t)
{
	put_u8(b, t->format);
	put_u32(b, t->nparts);
	put_u32(b, t->numbering ? (size_t)(t->numbering - t->parts) : NIL);
	put_u32(b, t->next_num_id);
	for (size_t i = 0; i < t->nparts; i++) {
		const struct rfp_tpart *tp = &t->parts[i];

		put_str(b, tp->name);
		put_u8(b, tp->store);
		put_u8(b, tp->compiled);
		if (tp->compiled) {
			const struct rfp_prog *p = &tp->prog;

			put_u8(b, p->mode);
			put_u32(b, p->nops);
			for (size_t k = 0; k < p->nops; k++) {
				const struct rfp_op *op = &p->ops[k];

				put_u8(b, op->kind);
				put_u8(b, op->inverted);
				put_u8(b, op->guard);
				put_u8(b, op->restart);
				put_u32(b, op->off);
				put_u32(b, op->len);
				put_u32(b, op->jump);
				put_u32(b, op->src);
			}
			put_blob(b, p->lits, p->litlen);
			put_u64(b, p->ntags);
		} else {
			put_blob(b, tp->data, tp->len);
			put_blob(b, tp->z.data, tp->z.csize);
			put_u64(b, tp->z.usize);
			put_u32(b, tp->z.crc);
			put_u8(b, tp->z.store);
		}
	}
}

/* A body as a blob: its length is known only once it is written. */
static void
put_body(struct rfp_buf *b, const struct rfp_catalogue *cat, const struct rfp_template *t)
{
	size_t at = b->len;

	put_u32(b, 0);
	if (cat)
		put_catalogue(b, cat);
	else
		put_template(b, t);
	if (b->err)
		return;
	size_t n = b->len - at - 4;

	if (n >= UINT32_MAX) {
		b->err = RFP_ERR_LIMIT;
		return;
	}
	for (int k = 0; k < 4; k++)
		b->ptr[at + (size_t)k] = (char)(n >> (8 * k));
	rfp_buf_addc(b, '\0');
}

/* The distinct chunks compressed while rendering, with copies of their bytes. */
struct chunks {
	struct rfp_zchunk_seed *v;
	size_t n, cap;
	enum rfp_status st;
};

static void
record(void *data, const struct rfp_zchunk_seed *c)
{
	struct chunks *cs = data;
	unsigned char *z;

	for (size_t i = 0; i < cs->n; i++) {
		const struct rfp_zchunk_seed *o = &cs->v[i];

		if (o->key == c->key && o->dlen == c->dlen && o->len == c->len &&
		    o->csize == c->csize && memcmp(o->z, c->z, c->csize) == 0)
			return;
	}
	if (cs->n == cs->cap) {
		size_t cap = cs->cap ? cs->cap * 2 : 256;
		struct rfp_zchunk_seed *v = realloc(cs->v, cap * sizeof(*v));

		if (!v) {
			cs->st = RFP_ERR_NOMEM;
			return;
		}
		cs->v = v;
		cs->cap = cap;
	}
	if (!(z = malloc(c->csize ? c->csize : 1))) {
		cs->st = RFP_ERR_NOMEM;
		return;
	}
	memcpy(z, c->z, c->csize);
	cs->v[cs->n] = *c;
	cs->v[cs->n++].z = z;
}

/* Renders every type and level of cat with each template, recording chunks.
 * The cover table differs in every real run; the rest is what a run can reuse. */
static enum rfp_status
render_all(const struct rfp_catalogue *cat, const struct rfp_snapshot_tmpl *tmpls,
    size_t ntmpls, struct chunks *cs)
{
	struct rfp_ctx *ctx = rfp_ctx_new();
	enum rfp_status st = RFP_OK;

	if (!ctx)
		return RFP_ERR_NOMEM;
	/* Every chunk compressed, none served from the cache, so all are seen. */
	rfp_ctx_limits(ctx)->max_cache_bytes = 0;
	ctx->chunk_record = record;
	ctx->chunk_record_data = cs;
	for (size_t i = 0; i < ntmpls && !st; i++) {
		for (int t = 0; t < RFP_TYPE_COUNT && !st; t++) {
			for (int l = RFP_LEVEL_LOW; l <= RFP_LEVEL_HIGH && !st; l++) {
				struct rfp_request req = { .type = (enum rfp_type)t,
				    .level = (enum rfp_level)l, .date = "2000-01-01" };
				struct rfp_selection *sel = NULL;
				struct rfp_output out = { 0 };

				if ((st = rfp_select(ctx, cat, &req, &sel)) == RFP_OK)
					st = rfp_render(ctx, tmpls[i].tmpl, sel, "rfpgen", 0, &out);
				rfp_output_fini(&out);
				rfp_selection_free(sel);
				if (!st)
					st = cs->st;
			}
		}
	}
	rfp_ctx_free(ctx);
	return st;
}

enum rfp_status
rfp_snapshot_write(const struct rfp_snapshot_source *src, size_t nsrc,
    const struct rfp_snapshot_cat *cats, size_t ncats,
    const struct rfp_snapshot_tmpl *tmpls, size_t ntmpls, struct rfp_buf *out)
{
	rfp_buf_add(out, RFP_SNAPSHOT_MAGIC, sizeof(RFP_SNAPSHOT_MAGIC));
	put_u32(out, RFP_SNAPSHOT_VERSION);
	put_u32(out, nsrc);
	for (size_t i = 0; i < nsrc; i++) {
		put_str(out, src[i].name);
		put_blob(out, src[i].data, src[i].len);
	}
	put_u32(out, ncats);
	for (size_t i = 0; i < ncats; i++) {
		put_str(out, cats[i].baseline);
		put_u32(out, cats[i].schema);
		put_u32(out, cats[i].nfiles);
		for (size_t k = 0; k < cats[i].nfiles; k++)
			put_u32(out, cats[i].files[k]);
		put_body(out, cats[i].cat, NULL);
	}
	struct chunks cs = { 0 };
	enum rfp_status st = RFP_OK;

	put_u32(out, ntmpls);
	for (size_t i = 0; i < ntmpls; i++) {
		put_u32(out, tmpls[i].source);
		put_body(out, NULL, tmpls[i].tmpl);
	}
	for (size_t i = 0; i < ncats && !st; i++)
		if (cats[i].seed_chunks)
			st = render_all(cats[i].cat, tmpls, ntmpls, &cs);
	put_str(out, zlibVersion());
	put_u32(out, cs.n);
	for (size_t i = 0; i < cs.n; i++) {
		put_u64(out, cs.v[i].key);
		put_u32(out, cs.v[i].dlen);
		put_u32(out, cs.v[i].len);
		put_blob(out, cs.v[i].z, cs.v[i].csize);
	}
	for (size_t i = 0; i < cs.n; i++)
		free((void *)cs.v[i].z);
	free(cs.v);
	return st ? st : out->err;
}
