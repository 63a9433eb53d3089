/* SPDX-License-Identifier: MIT */
/*
 * Template compilation for one XML part (see tmpl.h).
 *
 * 1. Tokenise the part (already proven well-formed by libxml2) into start,
 *    end and empty tags, text and other markup, tracking for every text
 *    token its paragraph, table row and cell.
 * 2. Concatenate the text of each paragraph and find {{…}} there, so a tag
 *    split over runs, proofErr marks, bookmarks or rsid changes is still one
 *    tag. The tag's characters are deleted from whichever runs hold them and
 *    the value goes where the opening braces were, in that run's formatting.
 * 3. Pair sections and choose each one's scope from where its tags sit.
 * 4. Emit the program: literal chunks between events, with deleted ranges
 *    skipped.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "template/tmpl.h"
#include "util/text.h"

enum tok_kind { T_START, T_END, T_EMPTY, T_TEXT, T_OTHER };

struct tok {
	uint8_t kind;
	uint8_t preserve_done;	/* w:t already given xml:space="preserve" */
	uint32_t off, len;
	uint32_t name_len;
	uint32_t pathhash;	/* hash of the element names enclosing a text token */
	int32_t match;		/* START ↔ END */
	int32_t parent;		/* enclosing START, -1 at top */
	int32_t para, row, cell;	/* enclosing structures (START index) or -1 */
	int32_t group;		/* text: the paragraph whose text it belongs to */
};

enum tag_kind { TAG_FIELD, TAG_OPEN, TAG_CLOSE, TAG_COMMENT };

/* What a section repeats; AUTO decides from where its tags sit. */
enum scope { SCOPE_AUTO, SCOPE_INLINE, SCOPE_PARAGRAPH, SCOPE_ROW };

struct tag {
	uint8_t kind;
	uint8_t inverted;
	uint8_t alone;
	uint8_t scope;
	uint8_t guard;		/* enum rfp_guard_case, set when placed */
	uint8_t unclosed;	/* "{{" with no "}}": name holds the raw text */
	uint8_t restart;	/* @restart: lists restart in each repetition */
	uint8_t bad;		/* an error was reported for it */
	uint8_t raw;		/* not a tag: name holds the text as typed */
	uint8_t run_field;	/* a name the run gives, outside the dictionary */
	const char *what;	/* what it does, for the inspect listing */
	uint32_t name_off, name_len;	/* into the compiler's names buffer */
	uint32_t pos;			/* part offset of the opening braces */
	int32_t tok;			/* text token holding the opening braces */
	int32_t pair;			/* the matching open/close tag */
};

enum ev_kind { EV_TAG, EV_LIT, EV_NUMID, EV_CONTINUE };

struct event {
	uint32_t pos;
	uint32_t seq;
	uint32_t value;		/* EV_NUMID: the numId; EV_CONTINUE: the length of lit */
	uint8_t kind;
	int32_t tag;
	const char *lit;
};

struct range {
	uint32_t start, end;
};

struct compiler {
	struct rfp_ctx *ctx;
	const char *file, *part;
	enum rfp_part_mode mode;
	const struct rfp_compile_opts *opts;
	const char *data;
	size_t len;
	struct tok *toks;
	size_t ntoks, captoks;
	struct tag *tags;
	size_t ntags, captags;
	struct event *evs;
	size_t nevs, capevs;
	struct range *dels;
	size_t ndels, capdels;
	struct rfp_buf names;
	unsigned errors;
	unsigned shown;		/* errors reported; past MAX_SHOWN only counted */
	uint32_t *lines;	/* start offset of each line of the source */
	size_t nlines;
	uint32_t *ords;		/* per start token: its paragraph, table, row
				 * or cell number, for messages (ordinals()) */
	enum rfp_status st;
};

/* Errors reported per part; the rest are counted in one note. */
#define MAX_SHOWN 200

#define GROW(c, arr, n, cap) \
	(((c)->n < (c)->cap) || grow((void **)&(c)->arr, &(c)->cap, sizeof(*(c)->arr), c))

static bool
grow(void **arr, size_t *cap, size_t size, struct compiler *c)
{
	size_t ncap = *cap ? *cap * 2 : 64;
	void *p = realloc(*arr, ncap * size);

	if (!p) {
		c->st = RFP_ERR_NOMEM;
		return false;
	}
	*arr = p;
	*cap = ncap;
	return true;
}

static bool
name_is(const struct compiler *c, const struct tok *t, const char *name)
{
	size_t n = strlen(name);
	uint32_t start = t->kind == T_END ? 2 : 1;

	return t->name_len == n && memcmp(c->data + t->off + start, name, n) == 0;
}

/* The original part (before splicing) that messages point into. */
static const char *
orig_data(const struct compiler *c, size_t *len)
{
	const struct rfp_srcmap *m = c->opts->map;

	*len = m ? m->orig_len : c->len;
	return m ? m->orig : c->data;
}

/* The offset in the original part of offset off of the compiled one: text
 * from a splice points at the paragraph the splice replaced. */
static uint32_t
orig_offset(const struct compiler *c, uint32_t off)
{
	const struct rfp_srcmap *m = c->opts->map;
	int64_t delta = 0;

	for (size_t i = 0; m && i < m->nsegs; i++) {
		const struct rfp_splice_seg *g = &m->segs[i];

		if (off < g->at)
			break;
		if (off < g->at + g->len)
			return g->orig_at;
		delta += (int64_t)g->len - g->orig_len;
	}
	return (uint32_t)(off - delta);
}

static bool
in_splice(const struct compiler *c, uint32_t off)
{
	const struct rfp_srcmap *m = c->opts->map;

	for (size_t i = 0; m && i < m->nsegs; i++)
		if (off >= m->segs[i].at && off < m->segs[i].at + m->segs[i].len)
			return true;
	return false;
}

/* Line and column (in characters) of offset off, as the author sees them;
 * the line starts are indexed once, so every message costs O(log n). */
static void
where(struct compiler *c, uint32_t off, struct rfp_where *w)
{
	size_t len, lo = 0, hi;
	const char *d = orig_data(c, &len);
	unsigned col = 1;

	*w = (struct rfp_where){ .file = c->file, .part = c->part };
	off = orig_offset(c, off);
	if (!c->lines) {
		size_t n = 1;

		for (size_t i = 0; i < len; i++)
			n += d[i] == '\n';
		if (!(c->lines = malloc(n * sizeof(*c->lines))))
			return;
		c->lines[c->nlines++] = 0;
		for (size_t i = 0; i < len; i++)
			if (d[i] == '\n')
				c->lines[c->nlines++] = (uint32_t)i + 1;
	}
	hi = c->nlines;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (c->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	for (size_t i = c->lines[lo]; i < off && i < len; i++)
		if (((unsigned char)d[i] & 0xC0) != 0x80)
			col++;
	w->line = (unsigned)lo + 1;
	w->col = col;
}

/*
 * The numbers messages give, counted once for the whole part so that a
 * listing of every tag stays linear: each paragraph's and table's number
 * in the part (a splice's counting as the one paragraph it replaced), and
 * each row's and cell's among its siblings.
 */
static const uint32_t *
ordinals(struct compiler *c)
{
	const struct rfp_srcmap *m = c->opts->map;
	uint32_t *rows, *cells, paras = 0, tables = 0;
	size_t seg = 0;

	if (c->ords)
		return c->ords;
	c->ords = calloc(c->ntoks ? c->ntoks : 1, sizeof(*c->ords));
	rows = calloc(c->ntoks ? c->ntoks : 1, sizeof(*rows));
	cells = calloc(c->ntoks ? c->ntoks : 1, sizeof(*cells));
	if (c->ords && rows && cells) {
		for (size_t i = 0; i < c->ntoks; i++) {
			const struct tok *t = &c->toks[i];
			int32_t up = t->parent;

			while (m && seg < m->nsegs && m->segs[seg].at + m->segs[seg].len <= t->off)
				seg++, paras++;
			if (t->kind != T_START || in_splice(c, t->off))
				continue;
			if (t->para == (int32_t)i)
				c->ords[i] = ++paras;
			else if (name_is(c, t, "w:tbl") || name_is(c, t, "table:table"))
				c->ords[i] = ++tables;
			else if (up >= 0 && (name_is(c, t, "w:tr") || name_is(c, t, "table:table-row")))
				c->ords[i] = ++rows[up];
			else if (up >= 0 && (name_is(c, t, "w:tc") || name_is(c, t, "table:table-cell")))
				c->ords[i] = ++cells[up];
		}
	}
	free(rows);
	free(cells);
	return c->ords;
}

static unsigned
para_ordinal(struct compiler *c, int32_t para)
{
	const uint32_t *o = ordinals(c);

	return o && para >= 0 ? o[para] : 0;
}

/* ", table 2 row 3 cell 1" for a token in a table, or "". */
static void
cell_location(struct compiler *c, const struct tok *tk, char *buf, size_t len)
{
	const uint32_t *o = ordinals(c);
	int32_t tbl;

	buf[0] = '\0';
	if (!o || tk->row < 0 || tk->cell < 0)
		return;
	tbl = c->toks[tk->row].parent;
	while (tbl >= 0 && c->toks[tbl].kind == T_START &&
	    !name_is(c, &c->toks[tbl], "w:tbl") && !name_is(c, &c->toks[tbl], "table:table"))
		tbl = c->toks[tbl].parent;	/* ODF rows may sit in table:table-rows */
	snprintf(buf, len, ", table %u row %u cell %u", tbl >= 0 ? o[tbl] : 0, o[tk->row],
	    o[tk->cell]);
}

/* Appends s with the XML entity and character references decoded, as the
 * author sees the text in Word or LibreOffice. */
static void
add_decoded(struct rfp_buf *b, const char *s, size_t n)
{
	static const struct { const char *ent; char ch; } named[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' }, { "&apos;", '\'' },
	};

	for (size_t i = 0; i < n; i++) {
		const char *semi = s[i] == '&' ? memchr(s + i, ';', n - i) : NULL;
		size_t k, elen = semi ? (size_t)(semi - (s + i)) + 1 : 0;

		if (semi && elen > 3 && s[i + 1] == '#') {
			char *end;
			unsigned long cp = s[i + 2] == 'x' ? strtoul(s + i + 3, &end, 16) :
			    strtoul(s + i + 2, &end, 10);

			if (end == semi && cp && cp <= 0x10FFFF) {
				rfp_utf8_put(b, cp);
				i += elen - 1;
				continue;
			}
		}
		for (k = 0; semi && k < sizeof(named) / sizeof(named[0]); k++)
			if (strlen(named[k].ent) == elen && memcmp(s + i, named[k].ent, elen) == 0)
				break;
		if (semi && k < sizeof(named) / sizeof(named[0])) {
			rfp_buf_addc(b, named[k].ch);
			i += elen - 1;
		} else {
			rfp_buf_addc(b, s[i]);
		}
	}
}

/* The tag as the author typed it, entities decoded: {{#name@row}}, or
 * "{{raw" if unclosed. */
static const char *
tag_text(const struct compiler *c, const struct tag *t, char *buf, size_t len)
{
	static const char *const scopes[] = { "", "@inline", "@paragraph", "@row" };
	struct rfp_buf b = RFP_BUF_INIT(len - 1);

	if (t->raw) {
		add_decoded(&b, c->names.ptr + t->name_off, t->name_len);
		snprintf(buf, len, "%s", b.err ? "…" : b.ptr);
		rfp_buf_fini(&b);
		return buf;
	}
	rfp_buf_adds(&b, "{{");
	rfp_buf_adds(&b, t->unclosed ? "" : t->kind == TAG_OPEN ? (t->inverted ? "^" : "#") :
	    t->kind == TAG_CLOSE ? "/" : t->kind == TAG_COMMENT ? "!" : "");
	add_decoded(&b, c->names.ptr + t->name_off, t->name_len);
	rfp_buf_adds(&b, scopes[t->scope]);
	if (t->restart)
		rfp_buf_adds(&b, "@restart");
	if (!t->unclosed)
		rfp_buf_adds(&b, "}}");
	snprintf(buf, len, "%s", b.err ? "{{…}}" : b.ptr);
	rfp_buf_fini(&b);
	return buf;
}

/* Where a tag's message points, the tag as typed and, in a paragraph,
 * " (paragraph 3, table 1 row 2 cell 1)". */
struct tag_place {
	struct rfp_where w;
	char text[160], loc[96];
};

static void
tag_place(struct compiler *c, const struct tag *t, struct tag_place *p)
{
	const struct tok *tk = &c->toks[t->tok];
	char cell[80];

	where(c, t->pos, &p->w);
	cell_location(c, tk, cell, sizeof(cell));
	tag_text(c, t, p->text, sizeof(p->text));
	p->loc[0] = '\0';
	if (tk->para >= 0 && c->mode != RFP_PART_PLAIN)
		snprintf(p->loc, sizeof(p->loc), " (paragraph %u%s)", para_ordinal(c, tk->para), cell);
}

/* Counts an error of tag t and says whether to report it (the first
 * MAX_SHOWN of a part are). */
static bool
count_error(struct compiler *c, const struct tag *t)
{
	((struct tag *)t)->bad = 1;
	c->errors++;
	return c->shown++ < MAX_SHOWN;
}

/* A template error at tag t: code ID, with hint (NULL: the table's). */
#define tag_error(c, t, ID, hint) do { \
	struct tag_place p_; \
	if (count_error((c), (t))) { \
		tag_place((c), (t), &p_); \
		rfp_diag_hint((c)->ctx, ID, (hint), &p_.w, p_.text, p_.loc); \
	} \
} while (0)
/* The same for codes whose message begins with what went wrong. */
#define tag_error_why(c, t, ID, hint, why) do { \
	struct tag_place p_; \
	if (count_error((c), (t))) { \
		tag_place((c), (t), &p_); \
		rfp_diag_hint((c)->ctx, ID, (hint), &p_.w, (why), p_.text, p_.loc); \
	} \
} while (0)
/* A note that points at a second tag of the same problem. */
#define tag_note(c, t, ID) do { \
	struct tag_place p_; \
	if ((c)->shown <= MAX_SHOWN) { \
		tag_place((c), (t), &p_); \
		rfp_diag((c)->ctx, ID, &p_.w, p_.text, p_.loc); \
	} \
} while (0)

/* ---- 1. Tokeniser ---------------------------------------------------- */

static const char *
skip_to(const char *p, const char *end, const char *pat)
{
	size_t n = strlen(pat);

	for (; p + n <= end; p++)
		if (memcmp(p, pat, n) == 0)
			return p + n;
	return end;
}

static bool
tokenize(struct compiler *c)
{
	const char *p = c->data, *end = c->data + c->len, *q;
	int32_t stack_top = -1, para = -1, row = -1, cell = -1;
	uint32_t depth = 0, hash = 2166136261u;
	uint32_t hashes[512];	/* path hash per depth, capped by max_xml_depth */
	struct tok *t;

	while (p < end) {
		if (!GROW(c, toks, ntoks, captoks))
			return false;
		t = &c->toks[c->ntoks];
		*t = (struct tok){ .off = (uint32_t)(p - c->data), .match = -1,
		    .parent = stack_top, .para = para, .row = row, .cell = cell,
		    .group = -1, .pathhash = hash };
		if (*p != '<') {
			q = memchr(p, '<', (size_t)(end - p));
			q = q ? q : end;
			t->kind = T_TEXT;
		} else if (p + 1 < end && (p[1] == '?' || p[1] == '!')) {
			t->kind = T_OTHER;
			if (end - p >= 4 && memcmp(p, "<!--", 4) == 0)
				q = skip_to(p + 4, end, "-->");
			else if (end - p >= 9 && memcmp(p, "<![CDATA[", 9) == 0)
				q = skip_to(p + 9, end, "]]>");
			else
				q = skip_to(p, end, ">");
		} else {
			char quote = 0;

			q = p + 1;
			t->kind = q < end && *q == '/' ? T_END : T_START;
			if (t->kind == T_END)
				q++;
			/* The part need not be NUL-terminated: stay inside it. */
			while (q + t->name_len < end && q[t->name_len] &&
			    !strchr(" \t\r\n/>", q[t->name_len]))
				t->name_len++;
			for (; q < end; q++) {
				if (quote) {
					if (*q == quote)
						quote = 0;
				} else if (*q == '"' || *q == '\'') {
					quote = *q;
				} else if (*q == '>') {
					break;
				}
			}
			if (t->kind == T_START && q[-1] == '/')
				t->kind = T_EMPTY;
			q = q < end ? q + 1 : end;
		}
		t->len = (uint32_t)(q - p);
		if (t->kind == T_START) {
			if (depth + 1 >= c->ctx->limits.max_xml_depth ||
			    depth + 1 >= sizeof(hashes) / sizeof(hashes[0])) {
				struct rfp_where w;

				where(c, t->off, &w);
				rfp_diag_hint(c->ctx, LIMIT_DEPTH, "simplify the document structure", &w, c->ctx->limits.max_xml_depth);
				c->st = RFP_ERR_LIMIT;
				return false;
			}
			hashes[depth++] = hash;
			for (uint32_t k = 0; k < t->name_len; k++)
				hash = (hash ^ (unsigned char)p[1 + k]) * 16777619u;
			hash = (hash ^ '/') * 16777619u;
			stack_top = (int32_t)c->ntoks;
			if ((c->mode == RFP_PART_WORD && name_is(c, t, "w:p")) ||
			    (c->mode == RFP_PART_ODF && (name_is(c, t, "text:p") ||
			    name_is(c, t, "text:h"))))
				para = stack_top;
			else if (name_is(c, t, "w:tr") || name_is(c, t, "table:table-row"))
				row = stack_top;
			else if (name_is(c, t, "w:tc") || name_is(c, t, "table:table-cell"))
				cell = stack_top;
			t->para = para;
			t->row = row;
			t->cell = cell;
		} else if (t->kind == T_END && stack_top >= 0) {
			struct tok *s = &c->toks[stack_top];

			s->match = (int32_t)c->ntoks;
			t->match = stack_top;
			t->parent = s->parent;
			hash = hashes[--depth];
			stack_top = s->parent;
			/* Restore the enclosing structures from the parent. */
			if (stack_top >= 0) {
				const struct tok *up = &c->toks[stack_top];

				para = up->para;
				row = up->row;
				cell = up->cell;
			} else {
				para = row = cell = -1;
			}
		} else if (t->kind == T_TEXT) {
			/* Which text counts as the document's text depends on the
			 * vocabulary: only w:t in Word, anything inside a paragraph
			 * in ODF, any character data in plain parts. */
			if (c->mode == RFP_PART_WORD) {
				if (stack_top >= 0 && para >= 0 &&
				    name_is(c, &c->toks[stack_top], "w:t"))
					t->group = para;
			} else if (c->mode == RFP_PART_ODF) {
				/* Not a comment's author and date, nor a note's
				 * number: they sit in the paragraph but are no text
				 * of it. */
				const struct tok *up = stack_top >= 0 ? &c->toks[stack_top] : NULL;

				if (!up || !(name_is(c, up, "dc:creator") || name_is(c, up, "dc:date") ||
				    name_is(c, up, "meta:date-string") ||
				    name_is(c, up, "text:note-citation")))
					t->group = para;
			} else {
				t->group = stack_top;
			}
		}
		c->ntoks++;
		p = q;
	}
	return true;
}

/* ---- 2. Finding tags in the paragraph text ---------------------------- */

struct seg {
	int32_t tok;
	uint32_t start;	/* offset in the concatenated text */
};

static uint32_t
concat_to_part(const struct compiler *c, const struct seg *segs, size_t nsegs, uint32_t i)
{
	size_t k = 0;

	while (k + 1 < nsegs && segs[k + 1].start <= i)
		k++;
	return c->toks[segs[k].tok].off + (i - segs[k].start);
}

static void
add_del(struct compiler *c, uint32_t start, uint32_t end)
{
	if (start >= end || !GROW(c, dels, ndels, capdels))
		return;
	c->dels[c->ndels++] = (struct range){ start, end };
}

static void
add_event(struct compiler *c, uint32_t pos, uint32_t seq, uint8_t kind,
    int32_t tag, const char *lit)
{
	if (!GROW(c, evs, nevs, capevs))
		return;
	c->evs[c->nevs++] = (struct event){ .pos = pos, .seq = seq, .kind = kind, .tag = tag,
	    .lit = lit };
}

/* Deletes the concat range [a, b) from the part, and marks the w:t elements
 * touched so that their remaining spaces survive. */
static void
delete_concat(struct compiler *c, const struct seg *segs, size_t nsegs,
    uint32_t concat_len, uint32_t a, uint32_t b)
{
	for (size_t k = 0; k < nsegs; k++) {
		uint32_t s = segs[k].start;
		uint32_t e = k + 1 < nsegs ? segs[k + 1].start : concat_len;
		uint32_t lo = a > s ? a : s, hi = b < e ? b : e;
		struct tok *t = &c->toks[segs[k].tok];

		if (lo >= hi)
			continue;
		add_del(c, t->off + (lo - s), t->off + (hi - s));
		if (c->mode == RFP_PART_WORD && t->parent >= 0) {
			struct tok *wt = &c->toks[t->parent];

			if (!wt->preserve_done && !memmem(c->data + wt->off, wt->len,
			    "xml:space", 9)) {
				wt->preserve_done = 1;
				add_event(c, wt->off + wt->len - 1, 0, EV_LIT, -1,
				    " xml:space=\"preserve\"");
			}
		}
	}
}

/*
 * Empty elements that carry no content of their own and only appear inside
 * a tag by accident (spell-check marks, bookmarks, page-break hints, spaces
 * typed inside the braces) are removed with the tag, as docxtemplater's
 * droppedTagsInsidePlaceholder does.
 */
static void
drop_inside(struct compiler *c, int32_t from_tok, int32_t to_tok, uint32_t start, uint32_t end)
{
	/* Bookmark starts and ends come in pairs that may straddle the tag, so
	 * only single-point marks are dropped. */
	static const char *const word[] = { "w:proofErr", "w:lastRenderedPageBreak", "w:br",
		"w:tab", "w:softHyphen" };
	static const char *const odf[] = { "text:s", "text:tab", "text:soft-page-break",
		"text:bookmark", "text:line-break" };
	const char *const *names = c->mode == RFP_PART_WORD ? word : odf;
	size_t nnames = c->mode == RFP_PART_WORD ? sizeof(word) / sizeof(word[0]) :
	    sizeof(odf) / sizeof(odf[0]);

	if (c->mode == RFP_PART_PLAIN)
		return;
	for (int32_t i = from_tok + 1; i < to_tok; i++) {
		const struct tok *t = &c->toks[i];

		if (t->kind != T_EMPTY || t->off < start || t->off + t->len > end)
			continue;
		for (size_t k = 0; k < nnames; k++) {
			if (name_is(c, t, names[k])) {
				add_del(c, t->off, t->off + t->len);
				break;
			}
		}
	}
}

static bool
valid_name(const char *s, size_t n)
{
	if (!n || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-' || s[i] == '.'))
			return false;
	return true;
}

/*
 * Records t's name, or for an error the text shown with it, in the names
 * buffer. Tag names add up to no more than the part; an error's excerpt
 * (up to 120 bytes for 6 bytes of ｛｛) may not, so excerpts stop at the
 * part's length and are shown empty past it: the buffer (twice the part)
 * then always has room for every name.
 */
static void
add_name(struct compiler *c, struct tag *t, const char *p, size_t n, bool excerpt)
{
	t->name_off = (uint32_t)c->names.len;
	t->name_len = 0;
	if (excerpt && c->names.len + n > c->len)
		return;
	rfp_buf_add(&c->names, p, n);
	if (!c->names.err)
		t->name_len = (uint32_t)n;
}

static void
parse_tag(struct compiler *c, const char *body, size_t n, struct tag *t)
{
	while (n && (*body == ' ' || *body == '\t'))
		body++, n--;
	while (n && (body[n - 1] == ' ' || body[n - 1] == '\t'))
		n--;
	t->kind = TAG_FIELD;
	if (n && (*body == '#' || *body == '^' || *body == '/' || *body == '!')) {
		t->kind = *body == '/' ? TAG_CLOSE : *body == '!' ? TAG_COMMENT : TAG_OPEN;
		t->inverted = *body == '^';
		body++, n--;
		while (n && (*body == ' ' || *body == '\t'))
			body++, n--;
	}
	if (t->kind == TAG_OPEN) {
		static const char *const scopes[] = { "@restart", "@inline", "@paragraph", "@row" };
		bool again = true;

		/* Suffixes in any order: {{#items@paragraph@restart}}. */
		while (again) {
			again = false;
			for (uint8_t s = 0; s <= SCOPE_ROW; s++) {
				size_t k = strlen(scopes[s]);

				if (n > k && memcmp(body + n - k, scopes[s], k) == 0) {
					if (s == 0)
						t->restart = 1;
					else
						t->scope = s;
					n -= k;
					again = true;
				}
			}
		}
	}
	add_name(c, t, body, n, false);
	if (t->kind != TAG_COMMENT && !valid_name(body, n))
		tag_error(c, t, TPL_NAME, memmem(body, n, "\xEF\xBC", 2) || memmem(body, n, "\xEF\xBD", 2) ?
		    "the name has full-width (全形) characters: type it half-width (半形)" : NULL);
}

/* True if s[0, n) ends in an unclosed "{{": the unclosed-tag error then
 * tells of the full-width "｝｝" that follows. */
static bool
open_before(const char *s, size_t n)
{
	const char *o = NULL;

	for (const char *p = s; (p = memmem(p, n - (size_t)(p - s), "{{", 2)) != NULL; p += 2)
		o = p;
	return o && !memmem(o, n - (size_t)(o - s), "}}", 2);
}

/*
 * 「｛｛」 or 「｝｝」, which a 注音 IME types, would stay in the document as
 * text: each is an error, reported where it starts.
 */
static void
find_fullwidth(struct compiler *c, const struct seg *segs, size_t nsegs,
    const struct rfp_buf *text)
{
	static const char *const pairs[] = { "\xEF\xBD\x9B\xEF\xBD\x9B", "\xEF\xBD\x9D\xEF\xBD\x9D" };

	for (size_t k = 0; k < 2; k++) {
		for (const char *p = text->ptr; (p = memmem(p, text->len - (size_t)(p - text->ptr),
		    pairs[k], 6)) != NULL; p += 6) {
			uint32_t at = (uint32_t)(p - text->ptr);
			struct tag t = { .kind = TAG_COMMENT, .raw = 1, .pair = -1,
			    .pos = concat_to_part(c, segs, nsegs, at) };
			const char *end = memmem(p + 6, text->len - at - 6, k ? pairs[0] : pairs[1], 6);
			size_t n = end && k == 0 ? (size_t)(end - p) + 6 : 6;

			for (size_t j = 0; j < nsegs; j++)
				if (segs[j].start <= at)
					t.tok = segs[j].tok;
			/* The text shown is what was typed: 「｛｛agency｝｝」. */
			add_name(c, &t, p, n > 120 ? 120 : n, true);
			if (k == 1 && (memmem(text->ptr, at, pairs[0], 6) || open_before(text->ptr, at)))
				continue;	/* reported with its opening braces */
			tag_error(c, &t, TPL_FULLWIDTH, NULL);
			if (c->st)
				return;
		}
	}
}

/* Finds the tags of one paragraph (segs: its text tokens in order). */
static void
scan_group(struct compiler *c, const struct seg *segs, size_t nsegs, struct rfp_buf *text)
{
	size_t first = c->ntags, i = 0, open, close;
	const char *s;
	bool only_tags = true;

	rfp_buf_reset(text);
	for (size_t k = 0; k < nsegs; k++) {
		const struct tok *t = &c->toks[segs[k].tok];

		rfp_buf_add(text, c->data + t->off, t->len);
	}
	if (text->err) {
		c->st = text->err;
		return;
	}
	s = text->ptr;
	find_fullwidth(c, segs, nsegs, text);
	while (i < text->len) {
		const char *b = memmem(s + i, text->len - i, "{{", 2);
		const char *e;
		struct tag *t;

		if (!b) {
			for (; i < text->len; i++)
				if (s[i] != ' ' && s[i] != '\t')
					only_tags = false;
			break;
		}
		open = (size_t)(b - s);
		for (; i < open; i++)
			if (s[i] != ' ' && s[i] != '\t')
				only_tags = false;
		if (!GROW(c, tags, ntags, captags))
			return;
		t = &c->tags[c->ntags++];
		*t = (struct tag){ .pos = concat_to_part(c, segs, nsegs, (uint32_t)open), .pair = -1 };
		for (size_t k = 0; k < nsegs; k++)
			if (segs[k].start <= open)
				t->tok = segs[k].tok;
		e = memmem(b + 2, text->len - open - 2, "}}", 2);
		if (!e) {
			size_t raw = strcspn(b + 2, "{}");

			t->kind = TAG_COMMENT;	/* no name check: it is not a tag yet */
			t->unclosed = 1;
			add_name(c, t, b + 2, raw > 40 ? 40 : raw, true);
			tag_error(c, t, TPL_UNCLOSED_TAG,
			    memmem(b + 2, text->len - open - 2, "\xEF\xBD\x9D\xEF\xBD\x9D", 6) ?
			    "the tag ends with full-width braces ｝｝ (全形): type }} half-width (半形)" : NULL);
			return;
		}
		close = (size_t)(e - s) + 2;
		parse_tag(c, b + 2, (size_t)(e - b) - 2, t);
		delete_concat(c, segs, nsegs, (uint32_t)text->len, (uint32_t)open, (uint32_t)close);
		{
			int32_t last = t->tok;

			for (size_t k = 0; k < nsegs; k++)
				if (segs[k].start < close)
					last = segs[k].tok;
			drop_inside(c, t->tok, last, t->pos,
			    concat_to_part(c, segs, nsegs, (uint32_t)close - 1) + 1);
		}
		i = close;
	}
	if (c->ntags == first + 1 && only_tags)
		c->tags[first].alone = 1;
}

static int
cmp_group(const void *a, const void *b)
{
	const struct seg *x = a, *y = b;

	/* seg.start temporarily holds the group; ties keep document order. */
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->tok > y->tok) - (x->tok < y->tok);
}

static bool
find_tags(struct compiler *c)
{
	struct rfp_buf text = RFP_BUF_INIT(c->len + 1);
	struct seg *segs;
	size_t n = 0, i, j;

	segs = malloc((c->ntoks ? c->ntoks : 1) * sizeof(*segs));
	if (!segs) {
		c->st = RFP_ERR_NOMEM;
		return false;
	}
	for (i = 0; i < c->ntoks; i++)
		if (c->toks[i].kind == T_TEXT && c->toks[i].group >= 0)
			segs[n++] = (struct seg){ (int32_t)i, (uint32_t)c->toks[i].group };
	/* Paragraphs can interleave (a text box inside a paragraph), so group
	 * the text tokens by paragraph before concatenating. */
	qsort(segs, n, sizeof(*segs), cmp_group);
	for (i = 0; i < n && !c->st; i = j) {
		uint32_t group = segs[i].start, at = 0;

		for (j = i; j < n && segs[j].start == group; j++) {
			segs[j].start = at;
			at += c->toks[segs[j].tok].len;
		}
		scan_group(c, segs + i, j - i, &text);
		if (c->ntags > c->ctx->limits.max_tags) {
			rfp_diag(c->ctx, LIMIT_TAGS, &(struct rfp_where){ .file = c->file, .part = c->part }, c->ctx->limits.max_tags);
			c->st = RFP_ERR_LIMIT;
		}
	}
	free(segs);
	rfp_buf_fini(&text);
	if (c->names.err && !c->st)
		c->st = c->names.err;
	return !c->st;
}

/* ---- 3. Names, pairing and scope ---------------------------------------- */

static bool
is_splice(const struct compiler *c, const char *name, size_t n)
{
	for (size_t i = 0; i < c->opts->nsplices; i++)
		if (strlen(c->opts->splices[i].name) == n &&
		    memcmp(c->opts->splices[i].name, name, n) == 0)
			return true;
	return false;
}

static const struct rfp_dict_entry *
dict_find(const struct rfp_dict *d, const char *name, size_t n,
    const char *const *lists, size_t nlists)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct rfp_dict_entry *e = &d->entries[i];

		if (strlen(e->name) != n || memcmp(e->name, name, n) != 0)
			continue;
		if (!e->list)
			return e;
		for (size_t k = 0; k < nlists; k++)
			if (lists[k] && strcmp(lists[k], e->list) == 0)
				return e;
	}
	return NULL;
}

/* The known name nearest to typed, within two edits, or NULL. */
static const char *
nearest_entry(const struct rfp_dict *d, const char *typed)
{
	const char *best = NULL;
	unsigned bestd = 3;

	for (size_t k = 0; k < d->n; k++) {
		unsigned dist = rfp_text_distance(typed, d->entries[k].name);

		if (dist < bestd) {
			bestd = dist;
			best = d->entries[k].name;
		}
	}
	return best;
}

/* Whether t, unknown to the dictionary, is a parameter or a field that the
 * run gives (rfp_dict): a top-level field or section, outside every list. */
static bool
run_name(const struct compiler *c, const struct tag *t, const char *const *lists, size_t depth)
{
	const struct rfp_dict *d = c->opts->dict;
	const char *name = c->names.ptr + t->name_off;
	char typed[40];

	if (t->kind != TAG_FIELD && t->kind != TAG_OPEN)
		return false;
	for (size_t k = 0; k < depth; k++)
		if (lists[k])
			return false;
	if (d->prefix && t->name_len > strlen(d->prefix) &&
	    memcmp(name, d->prefix, strlen(d->prefix)) == 0)
		return true;
	if (!d->run_fields || t->name_len > 32 || name[0] < 'a' || name[0] > 'z')
		return false;
	for (size_t i = 0; i < t->name_len; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		    name[i] == '_'))
			return false;
	/* {{agencyy}} is a misspelt field, not one of the officer's own. */
	snprintf(typed, sizeof(typed), "%.*s", (int)t->name_len, name);
	return !nearest_entry(d, typed);
}

/* Reports names the data will never have, with the nearest known name. */
static void
check_names(struct compiler *c)
{
	const struct rfp_dict *d = c->opts->dict;
	const char *lists[64];
	size_t depth = 0;

	if (!d)
		return;
	for (size_t i = 0; i < c->ntags; i++) {
		const struct tag *t = &c->tags[i];
		const char *name = c->names.ptr + t->name_off;
		const struct rfp_dict_entry *e;

		if (t->kind == TAG_COMMENT)
			continue;
		if (t->kind == TAG_CLOSE) {
			if (depth)
				depth--;
			continue;
		}
		e = dict_find(d, name, t->name_len, lists, depth);
		if (!e && !t->bad && run_name(c, t, lists, depth)) {
			((struct tag *)t)->run_field = 1;
			if (t->kind == TAG_FIELD)
				((struct tag *)t)->what = d->prefix && t->name_len > strlen(d->prefix) &&
				    memcmp(name, d->prefix, strlen(d->prefix)) == 0 ?
				    "parameter value" : "field the run gives (--field NAME=VALUE)";
		}
		/* A tag whose name was already reported gets no second message. */
		else if (!e && !t->bad && !(t->kind == TAG_FIELD && is_splice(c, name, t->name_len))) {
			const char *best;
			char hint[160], typed[65];

			snprintf(typed, sizeof(typed), "%.*s", (int)(t->name_len < 64 ? t->name_len : 64), name);
			best = nearest_entry(d, typed);
			if (best)
				snprintf(hint, sizeof(hint), "did you mean {{%s}}? docs/templates.md lists the fields", best);
			else
				snprintf(hint, sizeof(hint), "docs/templates.md lists the fields a template can use");
			bool elsewhere = false;

			for (size_t k = 0; k < d->n && !elsewhere; k++)
				elsewhere = strlen(d->entries[k].name) == t->name_len &&
				    memcmp(d->entries[k].name, name, t->name_len) == 0;
			if (elsewhere)
				snprintf(hint, sizeof(hint), "put it inside the {{#…}} section of the list it belongs to");
			tag_error_why(c, t, TPL_UNKNOWN_FIELD, hint, elsewhere ?
			    "field used outside its list" : "unknown field");
		}
		if (t->kind == TAG_OPEN && depth < sizeof(lists) / sizeof(lists[0]))
			lists[depth++] = e && e->is_list ? e->name : NULL;
	}
}

static bool
same_name(const struct compiler *c, const struct tag *a, const struct tag *b)
{
	return a->name_len == b->name_len &&
	    memcmp(c->names.ptr + a->name_off, c->names.ptr + b->name_off, a->name_len) == 0;
}

static void
pair_sections(struct compiler *c)
{
	int32_t *stack;
	size_t depth = 0;

	stack = malloc((c->ntags ? c->ntags : 1) * sizeof(*stack));
	if (!stack) {
		c->st = RFP_ERR_NOMEM;
		return;
	}
	for (size_t i = 0; i < c->ntags; i++) {
		struct tag *t = &c->tags[i];

		if (t->kind == TAG_OPEN) {
			stack[depth++] = (int32_t)i;
			if (depth > c->ctx->limits.max_nesting) {
				tag_error(c, t, TPL_NESTING, NULL);
				break;
			}
		} else if (t->kind == TAG_CLOSE) {
			if (!depth) {
				tag_error(c, t, TPL_UNOPENED, NULL);
				continue;
			}
			struct tag *o = &c->tags[stack[depth - 1]];

			if (!same_name(c, o, t)) {
				tag_error(c, t, TPL_MISMATCH, NULL);
				tag_note(c, o, TPL_OPEN_HERE);
				/* Resynchronise if the name closes an outer section. */
				for (size_t d = depth; d-- > 0;) {
					if (same_name(c, &c->tags[stack[d]], t)) {
						depth = d;
						break;
					}
				}
				continue;
			}
			o->pair = (int32_t)i;
			t->pair = stack[--depth];
		}
	}
	while (depth--)
		tag_error(c, &c->tags[stack[depth]], TPL_UNCLOSED, NULL);
	free(stack);
}

static uint32_t
end_of(const struct compiler *c, int32_t start)
{
	const struct tok *e;

	if (c->toks[start].match < 0)	/* never closed (not well-formed): to the end */
		return (uint32_t)c->len;
	e = &c->toks[c->toks[start].match];
	return e->off + e->len;
}

/*
 * Which guards section o may need, from the part bytes it repeats: ids that
 * must stay unique, and a table or cell it may leave empty.
 */
static void
mark_guards(struct compiler *c, struct tag *o, uint32_t from, uint32_t to, bool in_table)
{
	const char *s = c->data + from;
	size_t n = to > from ? to - from : 0;

	if (c->mode == RFP_PART_PLAIN)
		return;
	if (memmem(s, n, "docPr", 5) || memmem(s, n, "bookmarkStart", 13) ||
	    memmem(s, n, "xml:id", 6))
		o->guard |= RFP_GUARD_IF_REPEATED;
	if (in_table)
		o->guard |= RFP_GUARD_IF_EMPTY;
}

/*
 * Whether the table of row r keeps a row that no section can remove: a
 * sibling row outside [from, to) with no section tag in it. Such a table
 * is never left without rows, so a row section in it needs no guard (the
 * guard parses the whole rendered part: an annex's cover table, whose
 * optional rows go when a field is not given, would cost a parse of the
 * document part in every annex).
 */
static bool
table_keeps_a_row(const struct compiler *c, int32_t r, uint32_t from, uint32_t to)
{
	int32_t parent = c->toks[r].parent;

	for (size_t i = 0; i < c->ntoks; i++) {
		const struct tok *t = &c->toks[i];
		uint32_t end;
		bool tagged = false;

		if (t->kind != T_START || t->row != (int32_t)i || t->parent != parent || t->match < 0)
			continue;
		end = end_of(c, (int32_t)i);
		if (t->off < to && end > from)
			continue;	/* the section's own rows */
		for (size_t k = 0; k < c->ntags && !tagged; k++)
			tagged = (c->tags[k].kind == TAG_OPEN || c->tags[k].kind == TAG_CLOSE) &&
			    c->tags[k].pos >= t->off && c->tags[k].pos < end;
		if (!tagged)
			return true;
	}
	return false;
}

/* Repeats [start of a, end of b]: two sibling paragraphs or rows and all
 * between them, keeping them (only the tags go). */
static bool
place_span(struct compiler *c, int32_t oi, int32_t a, int32_t b)
{
	int32_t ci = c->tags[oi].pair;

	if (a < 0 || b < 0 || c->toks[a].parent != c->toks[b].parent)
		return false;
	bool rows = c->toks[a].row == a;

	mark_guards(c, &c->tags[oi], c->toks[a].off, end_of(c, b), rows ?
	    !table_keeps_a_row(c, a, c->toks[a].off, end_of(c, b)) :
	    c->toks[a].cell >= 0 || c->toks[a].row >= 0);
	add_event(c, c->toks[a].off, (uint32_t)oi, EV_TAG, oi, NULL);
	add_event(c, end_of(c, b), (uint32_t)ci, EV_TAG, ci, NULL);
	return true;
}

/* Notes what tag t does, for the inspect listing (emit_listing). */
static void
list_tag(struct compiler *c, const struct tag *t, const char *what)
{
	(void)c;
	((struct tag *)t)->what = what;
}

/* One entry of the inspect listing for tag t, in the listing's format. */
static void
format_listing(struct compiler *c, const struct tag *t, struct rfp_buf *b)
{
	const struct tok *tk = &c->toks[t->tok];
	const char *what = t->bad ? "error (see the messages)" : t->what ? t->what : "not used";
	char cell[80] = "", text[160];
	unsigned para = 0;
	struct rfp_where w;

	where(c, t->pos, &w);
	if (tk->para >= 0 && c->mode != RFP_PART_PLAIN) {
		cell_location(c, tk, cell, sizeof(cell));
		para = para_ordinal(c, tk->para);
	}
	tag_text(c, t, text, sizeof(text));
	if (c->opts->listing_format == RFP_LISTING_TEXT) {
		rfp_buf_addf(b, "  %s:%u:%u", c->part, w.line, w.col);
		if (para)
			rfp_buf_addf(b, " paragraph %u%s", para, cell);
		rfp_buf_addf(b, "  %s  %s\n", text, what);
		return;
	}
	rfp_buf_adds(b, "{\"part\": \"");
	rfp_json_escape(b, c->part);
	rfp_buf_addf(b, "\", \"line\": %u, \"col\": %u, \"paragraph\": ", w.line, w.col);
	if (para)
		rfp_buf_addf(b, "%u", para);
	else
		rfp_buf_adds(b, "null");
	rfp_buf_adds(b, ", \"cell\": ");
	if (*cell) {
		rfp_buf_addc(b, '"');
		rfp_json_escape(b, cell + 2);	/* past ", " */
		rfp_buf_addc(b, '"');
	} else {
		rfp_buf_adds(b, "null");
	}
	rfp_buf_adds(b, ", \"tag\": \"");
	rfp_json_escape(b, text);
	rfp_buf_adds(b, "\", \"does\": \"");
	rfp_json_escape(b, what);
	rfp_buf_addf(b, "\", \"ok\": %s},\n", t->bad ? "false" : "true");
}

/* Every tag found, valid or not, in document order; a splice's own tag
 * where its paragraph was. */
static void
emit_listing(struct compiler *c)
{
	const struct rfp_srcmap *m = c->opts->map;
	size_t next = 0;

	if (!c->opts->listing)
		return;
	for (size_t i = 0; i < c->ntags; i++) {
		const struct tag *t = &c->tags[i];

		if (in_splice(c, t->pos))
			continue;	/* rfpgen's own fragment */
		while (m && next < m->nsegs && m->segs[next].at <= t->pos)
			rfp_buf_adds(c->opts->listing, m->segs[next++].line);
		format_listing(c, t, c->opts->listing);
	}
	while (m && next < m->nsegs)
		rfp_buf_adds(c->opts->listing, m->segs[next++].line);
}

static void
place_section(struct compiler *c, int32_t oi)
{
	struct tag *o = &c->tags[oi], *cl = &c->tags[o->pair];
	const struct tok *to = &c->toks[o->tok], *tc = &c->toks[cl->tok];
	int32_t ci = o->pair;

	if (o->scope == SCOPE_PARAGRAPH && c->mode != RFP_PART_PLAIN) {
		list_tag(c, o, "section: repeats its paragraphs (@paragraph)");
		if (!place_span(c, oi, to->para, tc->para))
			tag_error_why(c, o, TPL_LOOP_SCOPE,
			    "with @paragraph both tags must sit in paragraphs that share a parent",
			    "paragraphs of this section are not siblings");
		return;
	}
	if (o->scope == SCOPE_ROW) {
		list_tag(c, o, "section: repeats table rows (@row)");
		if (!place_span(c, oi, to->row, tc->row))
			tag_error_why(c, o, TPL_LOOP_SCOPE,
			    "with @row both tags must sit in rows of the same table",
			    "rows of this section are not in one table");
		return;
	}
	if (o->scope == SCOPE_INLINE && to->group != tc->group) {
		tag_error_why(c, o, TPL_LOOP_SCOPE,
		    "with @inline both tags must sit in the same paragraph",
		    "inline section spans paragraphs");
		return;
	}
	if (to->group == tc->group) {
		if (to->pathhash != tc->pathhash) {
			tag_error(c, o, TPL_LOOP_POSITION, NULL);
			return;
		}
		list_tag(c, o, "section: inline, inside one paragraph");
		mark_guards(c, o, o->pos, cl->pos, false);
		add_event(c, o->pos, (uint32_t)oi, EV_TAG, oi, NULL);
		add_event(c, cl->pos, (uint32_t)ci, EV_TAG, ci, NULL);
		return;
	}
	if (c->mode != RFP_PART_PLAIN && o->alone && cl->alone &&
	    c->toks[to->para].parent == c->toks[tc->para].parent) {
		list_tag(c, o, "section: repeats the paragraphs between its tag paragraphs");
		mark_guards(c, o, c->toks[to->para].off, end_of(c, tc->para), to->cell >= 0);
		add_event(c, c->toks[to->para].off, (uint32_t)oi, EV_TAG, oi, NULL);
		add_del(c, c->toks[to->para].off, end_of(c, to->para));
		add_event(c, c->toks[tc->para].off, (uint32_t)ci, EV_TAG, ci, NULL);
		add_del(c, c->toks[tc->para].off, end_of(c, tc->para));
		return;
	}
	if (to->row >= 0 && to->row == tc->row && to->cell != tc->cell) {
		list_tag(c, o, "section: repeats its table row");
		mark_guards(c, o, c->toks[to->row].off, end_of(c, to->row),
		    !table_keeps_a_row(c, to->row, c->toks[to->row].off, end_of(c, to->row)));
		add_event(c, c->toks[to->row].off, (uint32_t)oi, EV_TAG, oi, NULL);
		add_event(c, end_of(c, to->row), (uint32_t)ci, EV_TAG, ci, NULL);
		return;
	}
	tag_error_why(c, o, TPL_LOOP_SCOPE, NULL, "cannot tell what this section repeats");
}

static void
place_tags(struct compiler *c)
{
	for (size_t i = 0; i < c->ntags; i++) {
		const struct tag *t = &c->tags[i];

		if (t->kind == TAG_FIELD && !t->what)
			list_tag(c, t, "field");
		else if (t->kind == TAG_COMMENT)
			list_tag(c, t, "comment");
		else if (t->kind == TAG_CLOSE && t->pair >= 0)
			list_tag(c, t, "ends its section");
		if (t->kind == TAG_FIELD)
			add_event(c, t->pos, (uint32_t)i, EV_TAG, (int32_t)i, NULL);
		else if (t->kind == TAG_COMMENT && t->alone && c->mode != RFP_PART_PLAIN)
			add_del(c, c->toks[c->toks[t->tok].para].off, end_of(c, c->toks[t->tok].para));
		else if (t->kind == TAG_OPEN && t->pair >= 0)
			place_section(c, (int32_t)i);
	}
}

/* The children of w:pPr that ECMA-376 puts after w:numPr (§17.3.1.26). */
static bool
after_numpr(const struct compiler *c, const struct tok *t)
{
	static const char *const later[] = { "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs",
		"w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
		"w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
		"w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
		"w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
		"w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
		"w:pPrChange" };

	for (size_t i = 0; i < sizeof(later) / sizeof(later[0]); i++)
		if (name_is(c, t, later[i]))
			return true;
	return false;
}

static const struct rfp_style_num *
style_num(const struct compiler *c, const char *v, size_t n)
{
	for (size_t i = 0; i < c->opts->nstyle_nums; i++)
		if (strlen(c->opts->style_nums[i].style) == n &&
		    memcmp(c->opts->style_nums[i].style, v, n) == 0)
			return &c->opts->style_nums[i];
	return NULL;
}

/*
 * A paragraph (start token p) numbered by its style alone gets its own
 * w:numPr in its w:pPr, with a w:numId the renderer can renumber.
 */
static void
number_by_style(struct compiler *c, size_t p)
{
	static const char *const ilvl[] = { "<w:numPr><w:ilvl w:val=\"0\"/>",
		"<w:numPr><w:ilvl w:val=\"1\"/>", "<w:numPr><w:ilvl w:val=\"2\"/>",
		"<w:numPr><w:ilvl w:val=\"3\"/>", "<w:numPr><w:ilvl w:val=\"4\"/>",
		"<w:numPr><w:ilvl w:val=\"5\"/>", "<w:numPr><w:ilvl w:val=\"6\"/>",
		"<w:numPr><w:ilvl w:val=\"7\"/>", "<w:numPr><w:ilvl w:val=\"8\"/>" };
	const struct rfp_style_num *sn = NULL;
	int32_t ppr = -1;
	uint32_t at = 0;

	for (size_t k = p + 1; k < c->ntoks && c->toks[k].parent >= (int32_t)p; k++) {
		const struct tok *t = &c->toks[k];

		if (t->parent == (int32_t)p && t->kind == T_START && name_is(c, t, "w:pPr"))
			ppr = (int32_t)k;
		if (ppr < 0 || t->parent != ppr)
			continue;
		if (name_is(c, t, "w:numPr"))
			return;	/* numbered directly: its w:numId is renumbered */
		if (name_is(c, t, "w:pStyle")) {
			const char *v = memmem(c->data + t->off, t->len, "w:val=\"", 7);

			if (v)
				sn = style_num(c, v + 7, strcspn(v + 7, "\""));
		}
		if (!at && after_numpr(c, t))
			at = t->off;
	}
	if (!sn || ppr < 0 || c->toks[ppr].match < 0)
		return;
	if (!at)
		at = c->toks[c->toks[ppr].match].off;
	add_event(c, at, 1, EV_LIT, -1, ilvl[sn->ilvl < 9 ? sn->ilvl : 0]);
	add_event(c, at, 2, EV_NUMID, -1, NULL);
	if (c->nevs)
		c->evs[c->nevs - 1].value = sn->num;
	add_event(c, at, 3, EV_LIT, -1, "</w:numPr>");
}

/*
 * For each @restart section: in Word, every <w:numId w:val="N"/> inside
 * what it repeats, and every paragraph numbered by its style, becomes an
 * event the renderer can renumber; in ODF, every list's continuation
 * attribute, which the renderer leaves out where a repetition starts.
 */
static void
place_restarts(struct compiler *c)
{
	if (c->mode == RFP_PART_PLAIN)
		return;
	for (size_t i = 0; i < c->ntags; i++) {
		const struct tag *o = &c->tags[i];
		uint32_t from = UINT32_MAX, to = 0;

		if (o->kind != TAG_OPEN || !o->restart || o->pair < 0)
			continue;
		for (size_t e = 0; e < c->nevs; e++) {
			if (c->evs[e].kind != EV_TAG)
				continue;
			if (c->evs[e].tag == (int32_t)i)
				from = c->evs[e].pos;
			else if (c->evs[e].tag == o->pair)
				to = c->evs[e].pos;
		}
		for (size_t k = 0; k < c->ntoks && from < to; k++) {
			const struct tok *t = &c->toks[k];
			const char *v;

			if (t->off < from || t->off >= to)
				continue;
			if (c->mode == RFP_PART_ODF) {
				if (t->kind != T_START || !name_is(c, t, "text:list") ||
				    (!(v = memmem(c->data + t->off, t->len, " text:continue-numbering=\"", 26)) &&
				    !(v = memmem(c->data + t->off, t->len, " text:continue-list=\"", 21))))
					continue;
				{
					const char *end = c->data + t->off + t->len,
					    *q = memchr(v, '"', (size_t)(end - v));
					uint32_t a = (uint32_t)(v - c->data), n;

					q = q ? memchr(q + 1, '"', (size_t)(end - q - 1)) : NULL;
					if (!q)
						continue;
					n = (uint32_t)(q + 1 - v);
					add_del(c, a, a + n);
					add_event(c, a, 0, EV_CONTINUE, -1, v);
					if (c->nevs)
						c->evs[c->nevs - 1].value = n;
				}
				continue;
			}
			if (t->kind == T_START && name_is(c, t, "w:p") && c->opts->nstyle_nums)
				number_by_style(c, k);
			if (t->kind != T_EMPTY || !name_is(c, t, "w:numId"))
				continue;
			v = memmem(c->data + t->off, t->len, "w:val=\"", 7);
			if (!v)
				continue;
			add_del(c, t->off, t->off + t->len);
			add_event(c, t->off, 0, EV_NUMID, -1, NULL);
			if (c->nevs)
				c->evs[c->nevs - 1].value = (uint32_t)strtoul(v + 7, NULL, 10);
		}
	}
}

/* ---- 4. Emitting the program ------------------------------------------ */

static int
cmp_event(const void *a, const void *b)
{
	const struct event *x = a, *y = b;

	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static int
cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

struct emitter {
	struct compiler *c;
	struct rfp_prog *prog;
	size_t capops;
	struct rfp_buf lits;
	size_t del;	/* first deletion that may still matter */
};

static struct rfp_op *
new_op(struct emitter *em)
{
	struct rfp_prog *p = em->prog;

	if (p->nops == em->capops) {
		size_t ncap = em->capops ? em->capops * 2 : 64;
		struct rfp_op *ops = realloc(p->ops, ncap * sizeof(*ops));

		if (!ops) {
			em->c->st = RFP_ERR_NOMEM;
			return NULL;
		}
		p->ops = ops;
		em->capops = ncap;
	}
	p->ops[p->nops] = (struct rfp_op){ 0 };
	return &p->ops[p->nops++];
}

static void
emit_bytes(struct emitter *em, const char *s, size_t n)
{
	struct rfp_prog *p = em->prog;
	struct rfp_op *op;

	if (!n)
		return;
	if (p->nops && p->ops[p->nops - 1].kind == RFP_OP_LIT &&
	    p->ops[p->nops - 1].off + p->ops[p->nops - 1].len == em->lits.len) {
		p->ops[p->nops - 1].len += (uint32_t)n;
	} else {
		if (!(op = new_op(em)))
			return;
		op->kind = RFP_OP_LIT;
		op->off = (uint32_t)em->lits.len;
		op->len = (uint32_t)n;
	}
	rfp_buf_add(&em->lits, s, n);
}

/* Copies part bytes [from, to) minus the deleted ranges. */
static void
emit_span(struct emitter *em, uint32_t from, uint32_t to)
{
	const struct compiler *c = em->c;

	while (em->del < c->ndels && c->dels[em->del].end <= from)
		em->del++;
	for (size_t d = em->del; d < c->ndels && c->dels[d].start < to && from < to; d++) {
		if (c->dels[d].start > from)
			emit_bytes(em, c->data + from, c->dels[d].start - from);
		from = c->dels[d].end;
	}
	if (from < to)
		emit_bytes(em, c->data + from, to - from);
}

/* True if part offset pos lies in a deleted range (merged and sorted). */
static bool
deleted(const struct compiler *c, uint32_t pos)
{
	size_t lo = 0, hi = c->ndels;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (c->dels[mid].start <= pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && c->dels[lo - 1].end > pos;
}

/* Sorts the deleted ranges and merges overlapping ones. */
static void
merge_deletions(struct compiler *c)
{
	size_t k = 0;

	if (c->ndels)	/* dels is NULL when empty, and qsort's base must not be */
		qsort(c->dels, c->ndels, sizeof(*c->dels), cmp_range);
	for (size_t i = 0; i < c->ndels; i++) {
		if (k && c->dels[i].start <= c->dels[k - 1].end) {
			if (c->dels[i].end > c->dels[k - 1].end)
				c->dels[k - 1].end = c->dels[i].end;
		} else {
			c->dels[k++] = c->dels[i];
		}
	}
	c->ndels = k;
}

static void
emit_program(struct compiler *c, struct rfp_prog *prog)
{
	struct emitter em = { .c = c, .prog = prog,
	    .lits = RFP_BUF_INIT(4 * c->len + 4096) };
	uint32_t cur = 0, *open_ops = NULL, *open_tags;
	size_t depth = 0;

	if (c->nevs)	/* evs is NULL when empty */
		qsort(c->evs, c->nevs, sizeof(*c->evs), cmp_event);
	merge_deletions(c);
	open_ops = malloc(2 * (c->ntags ? c->ntags : 1) * sizeof(*open_ops));
	if (!open_ops) {
		c->st = RFP_ERR_NOMEM;
		return;
	}
	open_tags = open_ops + (c->ntags ? c->ntags : 1);
	for (size_t i = 0; i < c->nevs && !c->st; i++) {
		const struct event *ev = &c->evs[i];
		const struct tag *t;
		struct rfp_op *op;

		if (ev->pos > cur) {
			emit_span(&em, cur, ev->pos);
			cur = ev->pos;
		}
		if (ev->kind == EV_LIT) {
			if (!deleted(c, ev->pos))
				emit_bytes(&em, ev->lit, strlen(ev->lit));
			continue;
		}
		if (ev->kind == EV_NUMID) {
			if (!(op = new_op(&em)))
				break;
			op->kind = RFP_OP_NUMID;
			op->jump = ev->value;
			op->off = (uint32_t)em.lits.len;
			continue;
		}
		if (ev->kind == EV_CONTINUE) {
			if (!(op = new_op(&em)))
				break;
			op->kind = RFP_OP_CONTINUE;
			op->off = (uint32_t)em.lits.len;
			op->len = ev->value;
			rfp_buf_add(&em.lits, ev->lit, ev->value);
			continue;
		}
		t = &c->tags[ev->tag];
		if (t->kind == TAG_CLOSE) {
			if (!depth || open_tags[depth - 1] != (uint32_t)t->pair) {
				tag_error(c, t, TPL_OVERLAP, NULL);
				break;
			}
		}
		if (!(op = new_op(&em)))
			break;
		op->kind = t->kind == TAG_FIELD ? RFP_OP_FIELD :
		    t->kind == TAG_OPEN ? RFP_OP_OPEN : RFP_OP_CLOSE;
		op->inverted = t->inverted;
		op->guard = t->guard;
		op->restart = t->restart;
		op->run_field = t->run_field;
		op->src = t->pos;
		op->off = (uint32_t)em.lits.len;
		op->len = t->name_len;
		rfp_buf_add(&em.lits, c->names.ptr + t->name_off, t->name_len);
		if (op->kind == RFP_OP_OPEN) {
			open_tags[depth] = (uint32_t)ev->tag;
			open_ops[depth++] = (uint32_t)(prog->nops - 1);
		} else if (op->kind == RFP_OP_CLOSE) {
			uint32_t o = open_ops[--depth];

			prog->ops[o].jump = (uint32_t)(prog->nops - 1);
			op->jump = o;
		}
	}
	if (!c->st && cur < c->len)
		emit_span(&em, cur, (uint32_t)c->len);
	free(open_ops);
	if (em.lits.err && !c->st)
		c->st = em.lits.err;
	prog->lits = rfp_buf_detach(&em.lits, &prog->litlen);
	if (!prog->lits && !c->st)
		c->st = RFP_ERR_NOMEM;
}

/* The splice tags of the part, checked: each must stand alone in its own
 * paragraph. Returns how many can be spliced. */
static size_t
check_splices(struct compiler *c)
{
	uint32_t at = 0;
	size_t n = 0;

	for (size_t i = 0; i < c->ntags; i++) {
		const struct tag *t = &c->tags[i];
		int32_t para = c->toks[t->tok].para;

		if (t->kind != TAG_FIELD || !is_splice(c, c->names.ptr + t->name_off, t->name_len))
			continue;
		if (!t->alone || para < 0 || c->mode == RFP_PART_PLAIN) {
			tag_error(c, t, TPL_SPLICE, NULL);
			continue;
		}
		if (c->toks[para].off < at) {
			/* Inside the paragraph a splice before it replaces (a
			 * text box paragraph, or one never closed). */
			tag_error(c, t, TPL_SPLICE_TWICE, NULL);
			continue;
		}
		list_tag(c, t, "inserts the requirement sections and the checklist table");
		at = end_of(c, para);
		n++;
	}
	return n;
}

static const struct rfp_splice *
splice_of(const struct compiler *c, const struct tag *t)
{
	for (size_t k = 0; k < c->opts->nsplices; k++) {
		const struct rfp_splice *sp = &c->opts->splices[k];

		if (strlen(sp->name) == t->name_len &&
		    memcmp(sp->name, c->names.ptr + t->name_off, t->name_len) == 0)
			return sp;
	}
	return NULL;
}

/* Rank of a w:pPr child among the first few, in ECMA-376 order
 * (§17.3.1.26): what a splice carries over is put in its place. */
static int
ppr_rank(const char *el, size_t n)
{
	static const char *const first[] = { "w:pStyle", "w:keepNext", "w:keepLines",
		"w:pageBreakBefore" };

	for (int i = 0; i < 4; i++)
		if (strlen(first[i]) == n && memcmp(first[i], el, n) == 0)
			return i;
	return 4;
}

/*
 * Appends the splice XML to src, carrying over what the author set on the
 * tag's paragraph: keep-with-next, keep-lines and page-break-before go into
 * the fragment's first paragraph; a section break (w:sectPr) ends the
 * section after the fragment, in a paragraph of its own.
 */
static void
add_splice(struct compiler *c, int32_t para, const struct rfp_splice *sp, struct rfp_buf *src)
{
	const char *carry[3] = { NULL, NULL, NULL };
	const struct tok *sect = NULL;
	const char *x = sp->xml, *end = sp->xml + sp->len, *ppr;
	size_t ws;

	for (size_t k = (size_t)para + 1; c->mode == RFP_PART_WORD && k < c->ntoks &&
	    c->toks[k].parent >= para; k++) {
		const struct tok *t = &c->toks[k];

		if (t->parent < 0 || !name_is(c, &c->toks[t->parent], "w:pPr") ||
		    c->toks[t->parent].parent != para)
			continue;
		if (t->kind == T_EMPTY && name_is(c, t, "w:keepNext"))
			carry[0] = "<w:keepNext/>";
		else if (t->kind == T_EMPTY && name_is(c, t, "w:keepLines"))
			carry[1] = "<w:keepLines/>";
		else if (t->kind == T_EMPTY && name_is(c, t, "w:pageBreakBefore"))
			carry[2] = "<w:pageBreakBefore/>";
		else if (t->kind == T_START && name_is(c, t, "w:sectPr") && t->match > 0)
			sect = t;
	}
	/* The fragment's leading section tags ({{#annex}}) stand in paragraphs
	 * of their own, which rendering removes: what is carried goes to the
	 * first paragraph after them. */
	for (;;) {
		const char *q = x + strspn(x, " \t\r\n"), *e;
		static const char open[] = "<w:p><w:r><w:t>{{#";

		if ((size_t)(end - q) < sizeof(open) || memcmp(q, open, sizeof(open) - 1) != 0 ||
		    !(e = memmem(q, (size_t)(end - q), "</w:p>", 6)))
			break;
		e += 6;
		rfp_buf_add(src, x, (size_t)(e - x));
		x = e;
	}
	ws = strspn(x, " \t\r\n");
	ppr = (size_t)(end - x) > ws + 13 && memcmp(x + ws, "<w:p>", 5) == 0 &&
	    memcmp(x + ws + 5, "<w:pPr>", 7) == 0 ? x + ws + 12 : NULL;
	if (ppr && (carry[0] || carry[1] || carry[2])) {
		/* The fragment's own pPr children are empty elements or short
		 * ones; each carried element goes before the first that ranks
		 * after it, unless the fragment already has it. */
		const char *p = ppr;

		rfp_buf_add(src, x, (size_t)(ppr - x));
		for (int r = 1; r <= 3; r++) {
			const char *q = p;
			bool have = false;

			while (q < end && *q == '<' && q[1] != '/') {
				size_t n = strcspn(q + 1, " />");
				const char *close = memchr(q, '>', (size_t)(end - q));

				if (!close)
					break;
				if (ppr_rank(q + 1, n) == r)
					have = true;
				if (ppr_rank(q + 1, n) > r)
					break;
				if (close[-1] != '/') {
					/* w:pPr children with content: skip to their end. */
					char tag[40];
					const char *e;

					snprintf(tag, sizeof(tag), "</%.*s>", (int)(n < 30 ? n : 30), q + 1);
					e = memmem(close, (size_t)(end - close), tag, strlen(tag));
					close = e ? e + strlen(tag) - 1 : close;
				}
				q = close + 1;
			}
			rfp_buf_add(src, p, (size_t)(q - p));
			if (carry[r - 1] && !have)
				rfp_buf_adds(src, carry[r - 1]);
			p = q;
		}
		rfp_buf_add(src, p, (size_t)(end - p));
	} else {
		rfp_buf_add(src, x, (size_t)(end - x));
	}
	if (sect) {
		rfp_buf_adds(src, "<w:p><w:pPr>");
		rfp_buf_add(src, c->data + sect->off, end_of(c, (int32_t)(sect - c->toks)) - sect->off);
		rfp_buf_adds(src, "</w:pPr></w:p>");
	}
}

/*
 * Replaces each paragraph that holds only a splice tag by the splice's XML
 * and compiles the result instead, with a map back to this part so that
 * its messages and listing point where the author typed.
 */
static enum rfp_status
apply_splices(struct compiler *c, size_t nsplices, struct rfp_prog *prog)
{
	struct rfp_buf src = RFP_BUF_INIT(SIZE_MAX);	/* bounded by the part and the fragments */
	struct rfp_compile_opts opts = *c->opts;
	struct rfp_srcmap map = { .orig = c->data, .orig_len = c->len };
	struct rfp_splice_seg *segs = calloc(nsplices, sizeof(*segs));
	enum rfp_status st;
	uint32_t at = 0;

	if (!segs)
		return RFP_ERR_NOMEM;
	for (size_t i = 0; i < c->ntags; i++) {
		const struct tag *t = &c->tags[i];
		const struct rfp_splice *sp = t->what && !t->bad ? splice_of(c, t) : NULL;
		int32_t para = c->toks[t->tok].para;
		struct rfp_splice_seg *g = &segs[map.nsegs];
		struct rfp_buf line = RFP_BUF_INIT(sizeof(g->line) - 1);

		if (!sp || t->kind != TAG_FIELD)
			continue;
		rfp_buf_add(&src, c->data + at, c->toks[para].off - at);
		g->at = (uint32_t)src.len;
		g->orig_at = c->toks[para].off;
		at = end_of(c, para);
		g->orig_len = at - g->orig_at;
		format_listing(c, t, &line);
		snprintf(g->line, sizeof(g->line), "%s", line.err ? "" : line.ptr);
		rfp_buf_fini(&line);
		add_splice(c, para, sp, &src);
		g->len = (uint32_t)src.len - g->at;
		map.nsegs++;
	}
	rfp_buf_add(&src, c->data + at, c->len - at);
	map.segs = segs;
	opts.nsplices = 0;	/* fragments hold no splice tags */
	opts.map = &map;
	st = src.err ? src.err :
	    rfp_prog_compile(c->ctx, c->file, c->part, &opts, src.ptr, src.len, prog);
	rfp_buf_fini(&src);
	free(segs);
	return st;
}

enum rfp_status
rfp_prog_compile(struct rfp_ctx *ctx, const char *file, const char *part,
    const struct rfp_compile_opts *opts, const char *data, size_t len,
    struct rfp_prog *prog)
{
	struct compiler c = { .ctx = ctx, .file = file, .part = part, .mode = opts->mode,
	    .opts = opts, .data = data, .len = len, .names = RFP_BUF_INIT(2 * len + 2) };
	struct rfp_prog p = { .mode = opts->mode };
	size_t nsplices;
	bool spliced = false;

	if (len >= UINT32_MAX) {
		rfp_diag(ctx, LIMIT_SIZE, &(struct rfp_where){ .file = file, .part = part }, "4 GiB");
		return RFP_ERR_LIMIT;
	}
	if (!tokenize(&c) || !find_tags(&c))
		goto out;
	/* Every check runs, whatever an earlier one found: a lexical error
	 * hides no pairing, name or scope error. */
	nsplices = opts->nsplices ? check_splices(&c) : 0;
	pair_sections(&c);
	check_names(&c);
	if (c.st)
		goto out;
	if (nsplices && !c.errors) {
		/* The spliced part is compiled, listed and reported instead. */
		c.st = apply_splices(&c, nsplices, &p);
		spliced = true;
		goto out;
	}
	place_tags(&c);
	place_restarts(&c);
	if (c.st || c.errors)
		goto out;
	emit_program(&c, &p);
	p.ntags = c.ntags;
out:
	if (!spliced)
		emit_listing(&c);
	if (c.shown > MAX_SHOWN)
		rfp_diag(ctx, TPL_MORE, &(struct rfp_where){ .file = file, .part = part },
		    c.shown - MAX_SHOWN);
	if (!c.st && c.errors)
		c.st = RFP_ERR_TEMPLATE;
	free(c.lines);
	free(c.ords);
	free(c.toks);
	free(c.tags);
	free(c.evs);
	free(c.dels);
	rfp_buf_fini(&c.names);
	if (c.st) {
		rfp_prog_fini(&p);
		return c.st;
	}
	*prog = p;
	return RFP_OK;
}
