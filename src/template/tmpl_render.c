/* SPDX-License-Identifier: MIT */
/*
 * Rendering a compiled part: append literal chunks, escape values into the
 * text vocabulary of the part, and jump through sections. No XML is parsed
 * here; the cost is proportional to the output.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "template/tmpl.h"
#include "util/text.h"

struct scope {
	const struct rfp_dnode *map;
	const struct scope *up;
};

struct renderer {
	struct rfp_ctx *ctx;
	const char *part;
	const struct rfp_prog *prog;
	struct rfp_buf *out;
	enum rfp_status st;
	bool needs_guard;
	struct rfp_num_restart *restarts;
	uint32_t gen, ngen;		/* current restart generation; 0 = none */
	bool list_restart;		/* ODF: the next list starts again */
	uint32_t gen_of[256];		/* generation of each restart instance */
	size_t base;			/* where this part's output starts in out */
	/* Word: after markup, the run that takes the text following the
	 * tag, written only if some text follows (see put_markup). */
	bool reopen;
	size_t reopen_len;
	char reopen_run[512];
};

static const struct rfp_dnode *
lookup(const struct scope *sc, const char *name, size_t n)
{
	const struct rfp_dnode *v;

	for (; sc; sc = sc->up)
		if ((v = rfp_data_get(sc->map, name, n)) != NULL)
			return v;
	return NULL;
}

/*
 * Writes a value inside the part's text element: line breaks and tabs
 * become the vocabulary's break and tab elements (closing and reopening w:t
 * in Word), and ODF keeps runs of spaces with text:s.
 */
static void
put_value(struct rfp_buf *b, enum rfp_part_mode mode, const char *s, size_t n)
{
	size_t i = 0, run = 0;

	if (mode == RFP_PART_PLAIN) {
		rfp_xml_escape(b, s, n, false);
		return;
	}
	while (i < n) {
		char ch = s[i];
		size_t spaces = 0;

		if (ch == ' ' && mode == RFP_PART_ODF)
			while (i + spaces < n && s[i + spaces] == ' ')
				spaces++;
		if (ch != '\n' && ch != '\t' && ch != '\r' && spaces < 2) {
			i++;
			continue;
		}
		rfp_xml_escape(b, s + run, i - run, false);
		if (spaces >= 2) {
			rfp_buf_addf(b, " <text:s text:c=\"%zu\"/>", spaces - 1);
			i += spaces;
		} else {
			if (ch == '\n')
				rfp_buf_adds(b, mode == RFP_PART_WORD ?
				    "</w:t><w:br/><w:t xml:space=\"preserve\">" :
				    "<text:line-break/>");
			else if (ch == '\t')
				rfp_buf_adds(b, mode == RFP_PART_WORD ?
				    "</w:t><w:tab/><w:t xml:space=\"preserve\">" :
				    "<text:tab/>");
			i++;	/* '\r' is dropped */
		}
		run = i;
	}
	rfp_xml_escape(b, s + run, i - run, false);
}

/* The start of the w:r that holds the end of out, or SIZE_MAX. */
static size_t
run_start(const struct rfp_buf *out, size_t base)
{
	for (size_t i = out->len; i >= base + 5; i--) {
		const char *p = out->ptr + i - 5;

		if (memcmp(p, "<w:r", 4) == 0 && (p[4] == '>' || p[4] == ' '))
			return i - 5;
	}
	return SIZE_MAX;
}

static bool
equals(const char *p, size_t n, const char *s)
{
	return n == strlen(s) && memcmp(p, s, n) == 0;
}

/*
 * The end of the run's own tag and of its w:rPr, if that comes next, or
 * NULL. A w:rPr with a tracked change is not copied (its w:id would then
 * be there twice).
 */
static const char *
run_props_end(const char *p, const char *end)
{
	if (!(p = memchr(p, '>', (size_t)(end - p))) || ++p == end)
		return p;
	if ((size_t)(end - p) >= 8 && memcmp(p, "<w:rPr/>", 8) == 0)
		return p + 8;
	if ((size_t)(end - p) >= 7 && memcmp(p, "<w:rPr>", 7) == 0) {
		const char *q = memmem(p, (size_t)(end - p), "</w:rPr>", 8);

		if (!q || memmem(p, (size_t)(q - p), "<w:rPrChange", 12))
			return NULL;
		return q + 8;
	}
	return p;
}

/*
 * Writes markup where a tag stood. A tag sits in the text of a w:t, so
 * Word's run-level markup goes between the run and a new one with the same
 * properties, which keeps whatever text followed the tag. A run that would
 * hold no text on either side is not written: Word itself writes none.
 * ODF's markup goes into the paragraph as it is.
 */
static void
put_markup(struct renderer *r, const struct rfp_dnode *v)
{
	struct rfp_buf *b = r->out;

	if (r->prog->mode != RFP_PART_WORD) {
		if (r->prog->mode == RFP_PART_ODF)
			rfp_buf_adds(b, v->odf);
		else
			rfp_xml_escape(b, v->str, v->len, false);
		return;
	}
	size_t rs = run_start(b, r->base), pe = SIZE_MAX;

	if (rs != SIZE_MAX) {
		const char *p = run_props_end(b->ptr + rs, b->ptr + b->len);

		if (p && (size_t)(p - b->ptr) - rs <= sizeof(r->reopen_run))
			pe = (size_t)(p - b->ptr);
	}
	if (pe == SIZE_MAX) {
		r->reopen_len = 5;
		memcpy(r->reopen_run, "<w:r>", 5);
	} else {
		r->reopen_len = pe - rs;
		memcpy(r->reopen_run, b->ptr + rs, r->reopen_len);
	}
	if (pe != SIZE_MAX && (equals(b->ptr + pe, b->len - pe, "<w:t xml:space=\"preserve\">") ||
	    equals(b->ptr + pe, b->len - pe, "<w:t>")))
		b->len = rs;	/* the run holds nothing before the tag */
	else
		rfp_buf_adds(b, "</w:t></w:r>");
	rfp_buf_adds(b, v->word);
	r->reopen = true;
}

/*
 * Before the next output after markup: the run for the text that follows,
 * unless the next literal closes it at once. Returns the bytes of lit to
 * skip.
 */
static size_t
reopen_run(struct renderer *r, const char *lit, size_t len)
{
	static const char close[] = "</w:t></w:r>";

	if (!r->reopen)
		return 0;
	r->reopen = false;
	if (lit && len >= sizeof(close) - 1 && memcmp(lit, close, sizeof(close) - 1) == 0)
		return sizeof(close) - 1;
	rfp_buf_add(r->out, r->reopen_run, r->reopen_len);
	rfp_buf_adds(r->out, "<w:t xml:space=\"preserve\">");
	return 0;
}

static void
render_error(struct renderer *r, const struct rfp_op *op, const char *what)
{
	rfp_diag(r->ctx, TPL_FIELD, &(struct rfp_where){ .part = r->part }, (int)op->len, r->prog->lits + op->off, op->src, what);
	r->st = RFP_ERR_TEMPLATE;
}

/*
 * The w:numId for the template's numbering instance of: the same in the
 * first repetition, a fresh instance (shared by the whole repetition) in
 * each later one.
 */
static uint32_t
numid(struct renderer *r, uint32_t of)
{
	struct rfp_num_restart *nr = r->restarts;

	if (!r->gen || !nr)
		return of;
	for (size_t i = 0; i < nr->n; i++)
		if (nr->inst[i].of == of && r->gen_of[i] == r->gen)
			return nr->inst[i].id;
	if (nr->n == sizeof(nr->inst) / sizeof(nr->inst[0]))
		return of;	/* past the table: the list continues instead */
	r->gen_of[nr->n] = r->gen;
	nr->inst[nr->n].of = of;
	nr->inst[nr->n].id = nr->next_id++;
	return nr->inst[nr->n++].id;
}

static bool
truthy(const struct rfp_dnode *v)
{
	if (!v)
		return false;
	if (v->kind == RFP_D_STR)
		return v->len > 0;
	if (v->kind == RFP_D_LIST)
		return v->count > 0;
	return true;
}

static void
render_range(struct renderer *r, size_t from, size_t to, const struct scope *sc)
{
	const struct rfp_prog *p = r->prog;
	const struct rfp_dnode *v;

	for (size_t i = from; i < to && !r->st; i++) {
		const struct rfp_op *op = &p->ops[i];
		const char *name = p->lits + op->off;

		switch (op->kind) {
		case RFP_OP_LIT: {
			size_t skip = reopen_run(r, name, op->len);

			rfp_buf_add(r->out, name + skip, op->len - skip);
			break;
		}
		case RFP_OP_FIELD:
			reopen_run(r, NULL, 0);
			v = lookup(sc, name, op->len);
			if (!v)
				render_error(r, op, "unknown field");
			else if (v->kind == RFP_D_MARKUP)
				put_markup(r, v);
			else if (v->kind != RFP_D_STR)
				render_error(r, op, "is a list, use {{#name}}…{{/name}}");
			else
				put_value(r->out, p->mode, v->str, v->len);
			break;
		case RFP_OP_OPEN:
			v = lookup(sc, name, op->len);
			if (!v && !op->inverted) {
				render_error(r, op, "unknown section");
			} else if (op->inverted) {
				if (!truthy(v))
					render_range(r, i + 1, op->jump, sc);
				else if (op->guard & RFP_GUARD_IF_EMPTY)
					r->needs_guard = true;
			} else if (v->kind == RFP_D_LIST) {
				if ((op->guard & RFP_GUARD_IF_EMPTY && v->count == 0) ||
				    (op->guard & RFP_GUARD_IF_REPEATED && v->count > 1))
					r->needs_guard = true;
				uint32_t outer = r->gen;

				for (const struct rfp_dnode *e = v->first; e && !r->st; e = e->next) {
					struct scope inner = { e, sc };

					if (op->restart) {
						r->gen = e == v->first ? 0 : ++r->ngen;
						r->list_restart = e != v->first;
					}
					render_range(r, i + 1, op->jump, &inner);
				}
				r->gen = outer;
			} else if (v->kind == RFP_D_MAP) {
				struct scope inner = { v, sc };

				render_range(r, i + 1, op->jump, &inner);
			} else if (truthy(v)) {
				render_range(r, i + 1, op->jump, sc);
			} else if (op->guard & RFP_GUARD_IF_EMPTY) {
				r->needs_guard = true;
			}
			i = op->jump;
			break;
		case RFP_OP_CLOSE:
			break;
		case RFP_OP_NUMID:
			reopen_run(r, NULL, 0);
			rfp_buf_addf(r->out, "<w:numId w:val=\"%u\"/>", numid(r, op->jump));
			break;
		case RFP_OP_CONTINUE:
			reopen_run(r, NULL, 0);
			if (!r->list_restart)
				rfp_buf_add(r->out, name, op->len);
			r->list_restart = false;
			break;
		}
	}
	if (!r->st && r->out->err)
		r->st = r->out->err;
}

enum rfp_status
rfp_prog_render(struct rfp_ctx *ctx, const char *part, const struct rfp_prog *prog,
    const struct rfp_dnode *root, struct rfp_buf *out, bool *needs_guard,
    struct rfp_num_restart *restarts)
{
	struct renderer r = { .ctx = ctx, .part = part, .prog = prog, .out = out,
	    .restarts = restarts, .base = out->len };
	struct scope top = { root, NULL };

	render_range(&r, 0, prog->nops, &top);
	reopen_run(&r, NULL, 0);
	if (needs_guard)
		*needs_guard = r.needs_guard;
	if (r.st == RFP_ERR_LIMIT)
		rfp_diag(ctx, LIMIT_OUTPUT, &(struct rfp_where){ .part = part }, out->max);
	return r.st;
}

void
rfp_prog_fini(struct rfp_prog *prog)
{
	free(prog->ops);
	free(prog->lits);
	*prog = (struct rfp_prog){ 0 };
}
