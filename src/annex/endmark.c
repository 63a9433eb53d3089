/* SPDX-License-Identifier: MIT */
/*
 * The paragraph that closes an annex (「（以下空白）」 in the shipped
 * templates, the agency's closing line in its own) is kept on the page of
 * the last row of the table before it.
 *
 * Keep-with-next does not do this in LibreOffice (7.4): neither w:keepNext
 * on the paragraphs of a table's last row nor fo:keep-with-next on an ODF
 * table holds once the table runs over pages, and the paragraph then falls
 * alone on a page of its own. A table row that may not split holds in
 * every consumer, so after rendering the main part this pass moves the
 * last row of the last table, as a one-row table with the same grid and
 * styles, and the closing paragraph into the one cell of an unbordered
 * table whose row may not split:
 *
 *     <table> … rows but the last … </table>
 *     [DOCX: a 0.1 pt paragraph, so that Word does not join the tables]
 *     <table 1×1, no borders, no padding, the row unsplittable>
 *       <table> the last row </table>
 *       the closing paragraph
 *     </table>
 *     a paragraph of no height (a body cannot end with a table)
 *
 * The last row keeps its controls, so rfpgen review still finds its item
 * there; the outer table holds none and is no checklist to it.
 *
 * It applies only where it can change nothing else: the paragraph holds
 * text and ends the body (only the final w:sectPr after it), nothing in it
 * would be wrong inside a cell (a section break, a page break, a drawing, a
 * note), the table is centred (DOCX) or has its rfp*End style (ODT: the
 * fragment's tables, whose styles merge.c brings along), and its last row
 * is a plain one (no header, no merged or nested cells). When that row is
 * the table's only one, or its first after the header, the whole table goes
 * into the cell instead (nothing would be left of it but the header). It
 * works on the rendered bytes from the end of the part, without parsing
 * them.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annex/endmark.h"

/* The last occurrence of pat that starts in [s, end) and ends by end.
 * Byte loops, not memrchr: a sanitizer checks all of memrchr's range on
 * every call, which made the backward walks quadratic under ASan/TSan. */
static const char *
last_of(const char *s, const char *end, const char *pat)
{
	size_t n = strlen(pat);

	if ((size_t)(end - s) < n)
		return NULL;
	for (size_t i = (size_t)(end - s) - n + 1; i-- > 0;)
		if (s[i] == *pat && memcmp(s + i, pat, n) == 0)
			return s + i;
	return NULL;
}

/* True if a start tag <name> or <name …> begins at p (before end). */
static bool
is_tag(const char *p, const char *end, const char *name, size_t n)
{
	return (size_t)(end - p) > n && memcmp(p, name, n) == 0 && (p[n] == '>' || p[n] == ' ');
}

/* The last start tag <name> or <name …> in [s, end), name with its '<'. */
static const char *
last_tag(const char *s, const char *end, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = (size_t)(end - s); i-- > 0;)
		if (s[i] == '<' && is_tag(s + i, end, name, n))
			return s + i;
	return NULL;
}

static const char *
skip_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* True if [s, end) holds pat. */
static bool
holds(const char *s, const char *end, const char *pat)
{
	return last_of(s, end, pat) != NULL;
}

/* True if the markup [s, end) has text outside its tags. */
static bool
has_text(const char *s, const char *end)
{
	bool in_tag = false;

	for (const char *p = s; p < end; p++) {
		if (*p == '<')
			in_tag = true;
		else if (*p == '>')
			in_tag = false;
		else if (!in_tag && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			return true;
	}
	return false;
}

/* Deeper nesting of tables than this before the last one: the pass does not apply. */
#define MAX_NEST 32

/*
 * The start of the table whose end tag starts at close: the start tag
 * <name> or <name …> that matches it, counting the tables nested between.
 * Found forward with strstr() (the C library skips the text between
 * tables many times as fast as a byte loop: the checklist table is most
 * of the part) for the local name followed by '>' (start and end tags) and
 * by ' ' (a start tag with attributes), each search from its last match;
 * a match is a tag only where the whole tag is there. The local name, as
 * the rarer first letters ("tbl", not "<w:tbl") make strstr() several
 * times as fast, and never the prefix alone: that would stop at every
 * <w:tblPr> and <table:table-cell>, and a sanitizer measures the rest of
 * the part at every call.
 */
static const char *
table_start(const char *s, const char *close, const char *name, const char *end_tag)
{
	const char *local = strrchr(name, ':') + 1, *next[2], *open[MAX_NEST];
	size_t n = strlen(name), pre = (size_t)(local - name), ne = strlen(end_tag);
	char needle[2][32];
	int depth = 0;

	for (int k = 0; k < 2; k++) {
		if (snprintf(needle[k], sizeof(needle[k]), "%s%c", local, k ? ' ' : '>') >=
		    (int)sizeof(needle[k]))
			return NULL;
		next[k] = strstr(s, needle[k]);
	}
	for (;;) {
		int k = next[0] && (!next[1] || next[0] < next[1]) ? 0 : next[1] ? 1 : -1;
		/* Offsets, so that no pointer is formed before s. */
		size_t at = k >= 0 ? (size_t)(next[k] - s) : 0, end = (size_t)(close - s) + 1 + pre;

		/* close's own end tag comes last; missing, there is a NUL. */
		if (k < 0 || at >= end)
			return k >= 0 && at == end && depth > 0 ? open[depth - 1] : NULL;
		if (at >= pre && memcmp(s + at - pre, name, n) == 0) {
			if (depth == MAX_NEST)
				return NULL;
			open[depth++] = s + at - pre;
		} else if (k == 0 && at > pre && memcmp(s + at - pre - 1, end_tag, ne) == 0) {
			if (depth-- == 0)
				return NULL;
		}
		next[k] = strstr(next[k] + 1, needle[k]);
	}
}

/* The integer value of attr (" w:w=\"") in the tag at tag, or -1. */
static long
tag_value(const char *tag, const char *end, const char *attr)
{
	const char *close = memchr(tag, '>', (size_t)(end - tag)), *a;

	if (!close || !(a = last_of(tag, close, attr)))
		return -1;
	return strtol(a + strlen(attr), NULL, 10);
}

/* Replaces everything of b from cut on with tail. */
static void
replace_tail(struct rfp_buf *b, size_t cut, const struct rfp_buf *tail)
{
	if (tail->err) {
		b->err = tail->err;
		return;
	}
	b->len = cut;
	b->ptr[cut] = '\0';
	rfp_buf_add(b, tail->ptr, tail->len);
}

/* What the end of the part looks like, found by find_docx/find_odt. */
struct ending {
	const char *tbl;	/* the last table's start tag */
	const char *prev_row;	/* the row before its last row */
	const char *row, *row_end;	/* its last row, up to its end tag's end */
	const char *tbl_end;	/* the end of the table's end tag */
	const char *para, *para_end;	/* the closing paragraph */
	bool whole;		/* the last row is the first after the header (or
				 * the only one): the whole table moves */
};

/* ---- DOCX ------------------------------------------------------------- */

static bool
find_docx(const char *s, size_t len, struct ending *e)
{
	static const char *const banned[] = { "<w:sectPr", "<w:drawing", "<w:pict", "<w:object",
		"w:type=\"page\"", "<w:pageBreakBefore", "<w:txbxContent", "<w:tbl",
		"<w:footnoteReference", "<w:endnoteReference", "<w:lastRenderedPageBreak" };
	const char *end = s + len, *body, *p, *q, *close;

	if (!(body = last_of(s, end, "</w:body>")) ||
	    !(close = last_of(s, body, "</w:p>")))
		return false;
	/* Nothing after the paragraph but the body's own section. */
	q = skip_space(close + 6, body);
	if (strncmp(q, "<w:sectPr", 9) == 0) {
		const char *sect_end = strstr(q, "</w:sectPr>"), *gt = strchr(q, '>');

		if (gt && gt[-1] == '/')
			q = skip_space(gt + 1, body);
		else if (sect_end && sect_end < body)
			q = skip_space(sect_end + 11, body);
	}
	if (q != body)
		return false;
	e->para_end = close + 6;
	e->para = last_tag(s, close, "<w:p");
	if (!e->para || !has_text(e->para, close))
		return false;
	for (size_t i = 0; i < sizeof(banned) / sizeof(banned[0]); i++)
		if (holds(e->para, close, banned[i]))
			return false;
	/* Right after a table, whose last row is a plain one. */
	if (!(p = last_of(s, e->para, "</w:tbl>")) || skip_space(p + 8, e->para) != e->para)
		return false;
	e->tbl_end = p + 8;
	if (!(e->tbl = table_start(s, p, "<w:tbl", "</w:tbl>")) ||
	    !(e->row = last_tag(e->tbl, p, "<w:tr")) ||
	    !(q = last_of(e->row, p, "</w:tr>")) || skip_space(q + 7, p) != p)
		return false;
	e->row_end = q + 7;
	if (holds(e->row, q, "<w:tbl>") || holds(e->row, q, "<w:tblHeader") ||
	    holds(e->row, q, "<w:vMerge") || holds(e->row, q, "<w:gridBefore") ||
	    holds(e->row, q, "<w:gridAfter"))
		return false;
	/* The only row, or the first after the header: the whole table. */
	e->prev_row = last_tag(e->tbl, e->row, "<w:tr");
	if (e->prev_row && holds(e->prev_row, e->row, "<w:tbl>"))
		return false;
	e->whole = !e->prev_row || holds(e->prev_row, e->row, "<w:tblHeader");
	return true;
}

/*
 * DOCX: the tblPr of the last row's own table is the old table's, its
 * conditional formatting (tblLook) off, since its one row is neither the
 * table's first nor its last; the old table must be centred and not
 * floating, so that both sit at the same place.
 */
static bool
keep_docx(struct rfp_buf *b)
{
	static const char look[] = "<w:tblLook w:val=\"0000\" w:firstRow=\"0\" w:lastRow=\"0\" "
	    "w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/>";
	struct rfp_buf tail = RFP_BUF_INIT(b->max);
	struct ending e;
	const char *pr, *pr_end, *grid, *grid_end, *lk, *lk_end, *tw;
	long width = 0, w;

	if (!find_docx(b->ptr, b->len, &e) || !(pr = strstr(e.tbl, "<w:tblPr>")) ||
	    !(pr_end = strstr(pr, "</w:tblPr>")) || !(grid = strstr(pr_end, "<w:tblGrid>")) ||
	    !(grid_end = strstr(grid, "</w:tblGrid>")) || grid_end > e.row ||
	    !holds(pr, pr_end, "<w:jc w:val=\"center\"/>") || holds(pr, pr_end, "<w:tblInd") ||
	    holds(pr, pr_end, "<w:tblpPr") || holds(pr, pr_end, "<w:bidiVisual"))
		return false;
	grid_end += strlen("</w:tblGrid>");
	pr_end += strlen("</w:tblPr>");
	/* The width: the table's own in twips, or that of its grid. */
	if ((tw = strstr(pr, "<w:tblW ")) && tw < pr_end && strstr(tw, "w:type=\"dxa\"") &&
	    strstr(tw, "w:type=\"dxa\"") < strchr(tw, '>'))
		width = tag_value(tw, pr_end, " w:w=\"");
	if (width <= 0) {
		width = 0;
		for (const char *g = grid; (g = strstr(g, "<w:gridCol ")) && g < grid_end; g++)
			if ((w = tag_value(g, grid_end, " w:w=\"")) > 0)
				width += w;
	}
	if (width <= 0 || width > 31680)
		return false;
	/* The old table without its last row, then a paragraph between it
	 * and the new one, which Word would otherwise join to it. */
	if (!e.whole) {
		rfp_buf_add(&tail, e.row_end, (size_t)(e.tbl_end - e.row_end));
		rfp_buf_adds(&tail, "<w:p><w:pPr><w:snapToGrid w:val=\"0\"/><w:spacing "
		    "w:before=\"0\" w:after=\"0\" w:line=\"2\" w:lineRule=\"exact\"/><w:rPr>"
		    "<w:sz w:val=\"2\"/><w:szCs w:val=\"2\"/></w:rPr></w:pPr></w:p>");
	}
	rfp_buf_addf(&tail,
	    "<w:tbl><w:tblPr><w:tblW w:w=\"%ld\" w:type=\"dxa\"/><w:jc w:val=\"center\"/>"
	    "<w:tblBorders><w:top w:val=\"nil\"/><w:left w:val=\"nil\"/><w:bottom w:val=\"nil\"/>"
	    "<w:right w:val=\"nil\"/><w:insideH w:val=\"nil\"/><w:insideV w:val=\"nil\"/>"
	    "</w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar>"
	    "<w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"0\" w:type=\"dxa\"/>"
	    "<w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"0\" w:type=\"dxa\"/></w:tblCellMar>"
	    "%s</w:tblPr><w:tblGrid><w:gridCol w:w=\"%ld\"/></w:tblGrid>"
	    "<w:tr><w:trPr><w:cantSplit/></w:trPr><w:tc><w:tcPr><w:tcW w:w=\"%ld\" w:type=\"dxa\"/>"
	    "</w:tcPr>", width, look, width, width);
	if (e.whole) {
		rfp_buf_add(&tail, e.tbl, (size_t)(e.tbl_end - e.tbl));
	} else {
		/* The last row's table: the old tblPr, its tblLook off, and grid. */
		rfp_buf_adds(&tail, "<w:tbl>");
		if ((lk = strstr(pr, "<w:tblLook")) && lk < pr_end && (lk_end = strchr(lk, '>'))) {
			rfp_buf_add(&tail, pr, (size_t)(lk - pr));
			rfp_buf_adds(&tail, look);
			rfp_buf_add(&tail, lk_end + 1, (size_t)(pr_end - lk_end - 1));
		} else {
			rfp_buf_add(&tail, pr, (size_t)(pr_end - pr));
		}
		rfp_buf_add(&tail, grid, (size_t)(grid_end - grid));
		rfp_buf_add(&tail, e.row, (size_t)(e.row_end - e.row));
		rfp_buf_adds(&tail, "</w:tbl>");
	}
	rfp_buf_add(&tail, e.para, (size_t)(e.para_end - e.para));
	/* A body cannot end with a table: Word and LibreOffice would add a
	 * paragraph of the Normal style, which may not fit and make a page of
	 * its own. This one is 0.1 pt high and its mark hidden. */
	rfp_buf_adds(&tail, "</w:tc></w:tr></w:tbl>"
	    "<w:p><w:pPr><w:snapToGrid w:val=\"0\"/><w:spacing w:before=\"0\" w:after=\"0\" "
	    "w:line=\"2\" w:lineRule=\"exact\"/><w:rPr><w:vanish/><w:sz w:val=\"2\"/>"
	    "<w:szCs w:val=\"2\"/></w:rPr></w:pPr></w:p>");
	rfp_buf_adds(&tail, e.para_end);
	replace_tail(b, (size_t)((e.whole ? e.tbl : e.row) - b->ptr), &tail);
	rfp_buf_fini(&tail);
	return true;
}

/* ---- ODT -------------------------------------------------------------- */

static bool
find_odt(const char *s, size_t len, struct ending *e)
{
	static const char *const banned[] = { "<draw:", "<text:note", "<table:", "<text:h",
		"<text:section", "<text:soft-page-break", "<office:annotation" };
	const char *end = s + len, *body, *close, *p, *q, *hdr;

	if (!(body = last_of(s, end, "</office:text>")) ||
	    !(close = last_of(s, body, "</text:p>")) || skip_space(close + 9, body) != body)
		return false;
	e->para_end = close + 9;
	e->para = last_tag(s, close, "<text:p");
	if (!e->para || !has_text(e->para, close))
		return false;
	for (size_t i = 0; i < sizeof(banned) / sizeof(banned[0]); i++)
		if (holds(e->para, close, banned[i]))
			return false;
	if (!(p = last_of(s, e->para, "</table:table>")) || skip_space(p + 14, e->para) != e->para)
		return false;
	e->tbl_end = p + 14;
	if (!(e->tbl = table_start(s, p, "<table:table", "</table:table>")) ||
	    !(e->row = last_tag(e->tbl, p, "<table:table-row")) ||
	    !(q = last_of(e->row, p, "</table:table-row>")) || skip_space(q + 18, p) != p)
		return false;
	e->row_end = q + 18;
	if (holds(e->row, q, "<table:table ") || holds(e->row, q, "<table:table>") ||
	    holds(e->row, q, "<table:covered-table-cell") || holds(e->row, q, "-spanned=") ||
	    holds(e->row, q, "rows-repeated="))
		return false;
	e->prev_row = last_tag(e->tbl, e->row, "<table:table-row");
	if (e->prev_row && (holds(e->prev_row, e->row, "<table:table ") ||
	    holds(e->prev_row, e->row, "<table:table>")))
		return false;
	hdr = last_of(e->tbl, e->row, "</table:table-header-rows>");
	e->whole = !e->prev_row || (hdr && hdr > e->prev_row);
	return true;
}

/* The value of attr (" table:style-name=\"") in the start tag at tag, and
 * where it ends (its closing quote). */
static bool
tag_attr(const char *tag, const char *attr, const char **val, size_t *n)
{
	const char *gt = strchr(tag, '>'), *a = strstr(tag, attr), *q;

	if (!gt || !a || a > gt || !(q = strchr(a + strlen(attr), '"')) || q > gt)
		return false;
	*val = a + strlen(attr);
	*n = (size_t)(q - *val);
	return true;
}

/*
 * ODT: the old table takes its style's rfp*End variant (the same with no
 * space below it, so that the last row follows without a gap); the new
 * tables use rfpEnd (the outer one, its column rfpEnd.C1 and cell
 * rfpEnd.A1) and rfpEndInner, all from the fragment's automatic styles,
 * drawn for the page's text width by merge.c.
 */
static bool
keep_odt(struct rfp_buf *b)
{
	struct rfp_buf tail = RFP_BUF_INIT(b->max);
	struct ending e;
	const char *style, *name, *cols, *cols_end, *gt, *autos_end;
	char want[160];
	size_t style_n, name_n;

	if (!find_odt(b->ptr, b->len, &e) ||
	    !(autos_end = strstr(b->ptr, "</office:automatic-styles>")) || autos_end > e.tbl ||
	    !tag_attr(e.tbl, " table:style-name=\"", &style, &style_n) || style_n > 100 ||
	    !tag_attr(e.tbl, " table:name=\"", &name, &name_n) || name_n > 200 ||
	    !(gt = strchr(e.tbl, '>')))
		return false;
	snprintf(want, sizeof(want), "style:name=\"%.*sEnd\"", (int)style_n, style);
	if (!holds(b->ptr, autos_end, want) || !holds(b->ptr, autos_end, "style:name=\"rfpEnd\"") ||
	    !holds(b->ptr, autos_end, "style:name=\"rfpEndInner\"") ||
	    !holds(b->ptr, autos_end, "style:name=\"rfpEnd.P\""))
		return false;
	/* The columns: what comes before the first row or row group. */
	cols = gt + 1;
	cols_end = e.row;
	for (const char *const *k = (const char *const[]){ "<table:table-header-rows",
	    "<table:table-rows", "<table:table-row-group", "<table:table-row ",
	    "<table:table-row>", NULL }; *k; k++) {
		const char *f = strstr(cols, *k);

		if (f && f < cols_end)
			cols_end = f;
	}
	if (!holds(cols, cols_end, "<table:table-column"))
		return false;
	/* The old table from its style's name on, without its last row. */
	if (!e.whole) {
		rfp_buf_adds(&tail, "End");
		rfp_buf_add(&tail, style + style_n, (size_t)(e.row - style - style_n));
		rfp_buf_add(&tail, e.row_end, (size_t)(e.tbl_end - e.row_end));
	}
	rfp_buf_addf(&tail, "<table:table table:name=\"%.*s.end\" table:style-name=\"rfpEnd\">"
	    "<table:table-column table:style-name=\"rfpEnd.C1\"/>"
	    "<table:table-row table:style-name=\"rfpEnd.R1\">"
	    "<table:table-cell table:style-name=\"rfpEnd.A1\" office:value-type=\"string\">",
	    (int)name_n, name);
	if (e.whole) {
		rfp_buf_add(&tail, e.tbl, (size_t)(e.tbl_end - e.tbl));
	} else {
		rfp_buf_addf(&tail, "<table:table table:name=\"%.*s.last\" "
		    "table:style-name=\"rfpEndInner\">", (int)name_n, name);
		rfp_buf_add(&tail, cols, (size_t)(cols_end - cols));
		rfp_buf_add(&tail, e.row, (size_t)(e.row_end - e.row));
		rfp_buf_adds(&tail, "</table:table>");
	}
	rfp_buf_add(&tail, e.para, (size_t)(e.para_end - e.para));
	/* As in DOCX: a last paragraph of no height (rfpEnd.P), rather than
	 * the full-height one LibreOffice adds after a table that ends a body. */
	rfp_buf_adds(&tail, "</table:table-cell></table:table-row></table:table>"
	    "<text:p text:style-name=\"rfpEnd.P\"/>");
	rfp_buf_adds(&tail, e.para_end);
	replace_tail(b, (size_t)((e.whole ? e.tbl : style + style_n) - b->ptr), &tail);
	rfp_buf_fini(&tail);
	return true;
}

bool
rfp_endmark_keep(struct rfp_buf *b, enum rfp_part_mode mode)
{
	if (b->err || !b->len)
		return false;
	if (mode == RFP_PART_WORD)
		return keep_docx(b);
	if (mode == RFP_PART_ODF)
		return keep_odt(b);
	return false;
}
