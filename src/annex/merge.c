/* SPDX-License-Identifier: MIT */
/*
 * The {{requirements}} tag: one tag in an agency's template inserts the
 * complete requirement sections and checklist table. The inserted XML is the
 * fragment shipped in templates/fragments/ (embedded at build time); this
 * module adapts it to the agency's package before compilation:
 *
 * - DOCX: every style the fragment uses is matched to the agency's style of
 *   the same name (Chinese Word names Heading 1 "1", not "Heading1"); a style
 *   the agency lacks is copied from rfpgen's default styles, renamed if its
 *   id is taken, with its basedOn/next/link chain resolved the same way.
 * - ODT: the fragment's automatic styles (all named rfp*) are added to
 *   content.xml, and the named styles it uses are copied into styles.xml
 *   when the agency lacks them.
 * - Both: the fragment's tables take the text width of the agency's page
 *   (page width minus margins; in DOCX of the section that holds the
 *   {{requirements}} paragraph, in ODT of the Standard master page), their
 *   columns scaled in proportion.
 *
 * Whatever the template, a DOCX's word/numbering.xml gets the children of
 * each w:lvl in the order ECMA-376 gives them (LibreOffice writes w:pStyle
 * before w:numFmt, which Word's schema rejects).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>

#include "annex/merge.h"
#include "util/xml.h"

extern const char rfp_frag_docx_inner[], rfp_frag_odt_inner[];
extern const size_t rfp_frag_docx_inner_len, rfp_frag_odt_inner_len;
extern const char rfp_styles_docx[], rfp_styles_odt[], rfp_content_odt[];
extern const size_t rfp_styles_docx_len, rfp_styles_odt_len, rfp_content_odt_len;

#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define STYLE_NS "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
#define OFFICE_NS "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define FO_NS "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"

#define MAX_MAPPED 64
#define MAX_COLS 64

/* The text width the fragments' tables are drawn for: A4 with 2 cm
 * margins, as in the shipped templates (twips; 10 µm units). */
#define FRAG_DOCX_WIDTH 9638L
#define FRAG_ODT_WIDTH 17000L

/* True if the part's text, tags and spaces removed, holds {{name}}: a
 * quick test that also sees a tag Word split over runs. */
static bool
uses_tag(const char *data, size_t len, const char *name)
{
	struct rfp_buf text = RFP_BUF_INIT(len + 1);
	char want[64];
	bool in_tag = false, found;

	for (size_t i = 0; i < len; i++) {
		char ch = data[i];

		if (ch == '<')
			in_tag = true;
		else if (ch == '>')
			in_tag = false;
		else if (!in_tag && ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r')
			rfp_buf_addc(&text, ch);
	}
	snprintf(want, sizeof(want), "{{%s}}", name);
	found = !text.err && strstr(text.ptr, want) != NULL;
	rfp_buf_fini(&text);
	return found;
}

static struct rfp_pkg_entry *
entry(struct rfp_pkg *pkg, const char *name)
{
	return (struct rfp_pkg_entry *)rfp_pkg_find(pkg, name);
}

/* Inserts ins before the last occurrence of marker in e's data. */
static enum rfp_status
insert_before(struct rfp_pkg_entry *e, const char *marker, const char *ins, size_t n)
{
	char *at = NULL, *p, *data;
	size_t off;

	for (p = e->data; (p = strstr(p, marker)) != NULL; p++)
		at = p;
	if (!at)
		return RFP_ERR_TEMPLATE;
	off = (size_t)(at - e->data);
	data = malloc(e->len + n + 1);
	if (!data)
		return RFP_ERR_NOMEM;
	memcpy(data, e->data, off);
	memcpy(data + off, ins, n);
	memcpy(data + off + n, e->data + off, e->len - off + 1);
	free(e->data);
	e->data = data;
	e->len += n;
	return RFP_OK;
}

static void
dump_node(struct rfp_buf *b, xmlDoc *doc, xmlNode *n)
{
	xmlBufferPtr xb = xmlBufferCreate();

	if (!xb) {
		b->err = RFP_ERR_NOMEM;
		return;
	}
	xmlNodeDump(xb, doc, n, 0, 0);
	rfp_buf_add(b, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
	xmlBufferFree(xb);
}

/* ---- Table widths ---------------------------------------------------- */

/*
 * n widths scaled so that they add up to total: each in proportion,
 * rounded, and what rounding leaves over given to the widest. False if
 * there is nothing to scale.
 */
static bool
scale_widths(const long *old, long *out, size_t n, long total)
{
	long sum = 0, got = 0;
	size_t widest = 0;

	for (size_t i = 0; i < n; i++) {
		if (old[i] <= 0)
			return false;
		sum += old[i];
		if (old[i] > old[widest])
			widest = i;
	}
	if (!n || sum <= 0 || total <= 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		out[i] = (old[i] * total + sum / 2) / sum;
		got += out[i];
	}
	out[widest] += total - got;
	return out[widest] > 0;
}

/* The integer value of attribute attr (" w:w=\"") in the start tag at tag,
 * which ends at the next '>'. */
static bool
tag_long(const char *tag, const char *attr, long *out)
{
	const char *end = strchr(tag, '>'), *a = strstr(tag, attr);
	char *stop;
	long v;

	if (!end || !a || a > end)
		return false;
	v = strtol(a + strlen(attr), &stop, 10);
	if (*stop != '"')
		return false;
	*out = v;
	return true;
}

/*
 * A length attribute of a WordprocessingML start tag in twips: a number of
 * twips, or a universal measure ("2cm", "1in", "12pt": ST_TwipsMeasure). 1
 * if found, 0 if the tag lacks it, -1 if it is not a length.
 */
static int
tag_twips(const char *tag, const char *attr, long *out)
{
	static const struct {
		const char *unit;
		double twips;
	} units[] = { { "\"", 1 }, { "mm\"", 1440 / 25.4 }, { "cm\"", 1440 / 2.54 },
		{ "in\"", 1440 }, { "pt\"", 20 }, { "pc\"", 240 }, { "pi\"", 240 } };
	const char *end = strchr(tag, '>'), *a = strstr(tag, attr);
	char *stop;
	double v;

	if (!end || !a || a > end)
		return 0;
	v = strtod(a + strlen(attr), &stop);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strncmp(stop, units[i].unit, strlen(units[i].unit)) == 0 && v >= 0 && v < 1e6) {
			*out = (long)(v * units[i].twips + 0.5);
			return 1;
		}
	return -1;
}

/* Copies the start tag at tag to out with attribute attr set to v (or the
 * tag unchanged if it lacks attr); returns the end of the tag. */
static const char *
put_tag_long(struct rfp_buf *out, const char *tag, const char *attr, long v)
{
	const char *end = strchr(tag, '>'), *a = strstr(tag, attr), *q;

	if (!end)
		return tag + strlen(tag);
	end++;
	if (!a || a > end || !(q = strchr(a + strlen(attr), '"')) || q > end) {
		rfp_buf_add(out, tag, (size_t)(end - tag));
		return end;
	}
	rfp_buf_add(out, tag, (size_t)(a + strlen(attr) - tag));
	rfp_buf_addf(out, "%ld", v);
	rfp_buf_add(out, q, (size_t)(end - q));
	return end;
}

/* Copies the start tag at tag to out unchanged; returns its end. */
static const char *
copy_tag(struct rfp_buf *out, const char *tag)
{
	const char *end = strchr(tag, '>');

	end = end ? end + 1 : tag + strlen(tag);
	rfp_buf_add(out, tag, (size_t)(end - tag));
	return end;
}

/* True if the start tag at tag holds s. */
static bool
tag_has(const char *tag, const char *s)
{
	const char *end = strchr(tag, '>'), *p = strstr(tag, s);

	return p && end && p < end;
}

/* The first of the patterns in s, and which one it is. */
static const char *
first_of(const char *s, const char *const *pats, size_t n, size_t *which)
{
	const char *best = NULL;

	for (size_t i = 0; i < n; i++) {
		const char *p = strstr(s, pats[i]);

		if (p && (!best || p < best)) {
			best = p;
			*which = i;
		}
	}
	return best;
}

/* Byte offset in data of the tag {{name}} however Word split it over runs
 * (the text of the part, tags and spaces removed, as uses_tag reads it). */
static bool
tag_offset(const char *data, size_t len, const char *name, size_t *at)
{
	char want[64];
	size_t wn, k = 0, start = 0;
	bool in_tag = false;

	wn = (size_t)snprintf(want, sizeof(want), "{{%s}}", name);
	for (size_t i = 0; i < len; i++) {
		char ch = data[i];

		if (ch == '<') {
			in_tag = true;
		} else if (ch == '>') {
			in_tag = false;
		} else if (!in_tag && ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r') {
			/* A mismatch restarts after a '{' ("{{{requirements}}"). */
			if (ch != want[k])
				k = ch == '{' ? (k >= 1 && want[k - 1] == '{' ? k : 1) : 0;
			else
				k++;
			if (k == 1)
				start = i;
			if (k == wn) {
				*at = start;
				return true;
			}
		}
	}
	return false;
}

/*
 * The text width (twips) of the section that holds the {{requirements}}
 * paragraph: the first w:sectPr from that paragraph on (its own, when it
 * ends a section, or a later one), page width minus left and right margins
 * and gutter, divided among equal columns. -1 if the part does not say.
 */
static long
docx_text_width(const char *doc, size_t len)
{
	const char *p, *sect, *end, *t;
	long w, left = 0, right = 0, gutter = 0, num = 1, space = 0, width;
	size_t at;

	if (!tag_offset(doc, len, "requirements", &at))
		return -1;
	for (p = doc + at; p > doc; p--)
		if (strncmp(p, "<w:p", 4) == 0 && (p[4] == '>' || p[4] == ' '))
			break;
	for (sect = p; (sect = strstr(sect, "<w:sectPr")) != NULL; sect++)
		if (sect[9] == '>' || sect[9] == ' ' || sect[9] == '/')
			break;
	/* <w:sectPr/> leaves the page to the application's defaults. */
	if (!sect || sect[9] == '/' || !(end = strstr(sect, "</w:sectPr>")))
		return -1;
	if (!(t = strstr(sect, "<w:pgSz")) || t > end || tag_twips(t, " w:w=\"", &w) != 1)
		return -1;
	if ((t = strstr(sect, "<w:pgMar")) && t < end &&
	    (tag_twips(t, " w:left=\"", &left) < 0 || tag_twips(t, " w:right=\"", &right) < 0 ||
	    tag_twips(t, " w:gutter=\"", &gutter) < 0))
		return -1;
	width = w - left - right - gutter;
	if ((t = strstr(sect, "<w:cols")) && t < end && tag_long(t, " w:num=\"", &num) &&
	    num > 1 && num < 46) {
		if (tag_twips(t, " w:space=\"", &space) < 0)
			return -1;
		width = (width - (num - 1) * space) / num;
	}
	/* One inch to the widest page Word has (22 inches). */
	return width >= 1440 && width <= 31680 ? width : -1;
}

/* Copies one w:tbl ([t, end)) to out with its grid, table and cell widths
 * scaled to width. */
static void
scale_docx_table(struct rfp_buf *out, const char *t, const char *end, long width)
{
	static const char *const pats[] = { "<w:tblW ", "<w:gridCol ", "<w:tr>", "<w:tr ",
		"<w:tc>", "<w:tc ", "<w:tcW " };
	long old[MAX_COLS], nw[MAX_COLS], cell = -1, v;
	size_t n = 0, grid = 0, col = 0, which;
	const char *p, *s;
	struct rfp_buf seg = RFP_BUF_INIT(out->max);

	rfp_buf_add(&seg, t, (size_t)(end - t));
	for (p = seg.ptr; (p = strstr(p, "<w:gridCol ")) != NULL && n < MAX_COLS; p++)
		if (tag_long(p, " w:w=\"", &v))
			old[n++] = v;
	if (!scale_widths(old, nw, n, width)) {
		rfp_buf_add(out, seg.ptr, seg.len);
		rfp_buf_fini(&seg);
		return;
	}
	for (s = seg.ptr; (p = first_of(s, pats, 7, &which)) != NULL;) {
		rfp_buf_add(out, s, (size_t)(p - s));
		switch (which) {
		case 0:		/* w:tblW */
			s = tag_has(p, "w:type=\"dxa\"") ? put_tag_long(out, p, " w:w=\"", width) :
			    copy_tag(out, p);
			break;
		case 1:		/* w:gridCol */
			s = put_tag_long(out, p, " w:w=\"", grid < n ? nw[grid] : 0);
			grid++;
			break;
		case 2: case 3:	/* w:tr: the cells start again at column 0 */
			col = 0;
			s = copy_tag(out, p);
			break;
		case 4: case 5: {	/* w:tc: its width is that of the columns it spans */
			const char *pr_end = strstr(p, "</w:tcPr>"), *span = strstr(p, "<w:gridSpan ");
			long k = 1;

			if (span && pr_end && span < pr_end)
				tag_long(span, " w:val=\"", &k);
			cell = 0;
			for (long i = 0; i < k && col < n; i++)
				cell += nw[col++];
			s = copy_tag(out, p);
			break;
		}
		default:	/* w:tcW */
			s = cell > 0 && tag_has(p, "w:type=\"dxa\"") ?
			    put_tag_long(out, p, " w:w=\"", cell) : copy_tag(out, p);
			break;
		}
	}
	rfp_buf_adds(out, s);
	rfp_buf_fini(&seg);
}

/* Every table of the DOCX fragment drawn for width instead. */
static void
scale_docx_tables(struct rfp_buf *frag, long width)
{
	struct rfp_buf out = RFP_BUF_INIT(frag->max);
	const char *s = frag->ptr, *t, *end;

	while ((t = strstr(s, "<w:tbl>")) != NULL && (end = strstr(t, "</w:tbl>")) != NULL) {
		rfp_buf_add(&out, s, (size_t)(t - s));
		scale_docx_table(&out, t, end, width);
		s = end;
	}
	rfp_buf_adds(&out, s);
	if (out.err) {
		frag->err = out.err;
	} else {
		rfp_buf_reset(frag);
		rfp_buf_add(frag, out.ptr, out.len);
	}
	rfp_buf_fini(&out);
}

/* An ODF length ("16.5cm", "6.4951in", "180mm", "12pt") in 10 µm units;
 * -1 if it is not one. */
static long
odf_length(const char *v)
{
	static const struct {
		const char *unit;
		double per;	/* 10 µm units per unit */
	} units[] = { { "cm", 1000 }, { "mm", 100 }, { "in", 2540 }, { "pt", 2540 / 72.0 },
		{ "pc", 2540 / 6.0 }, { "px", 2540 / 96.0 } };
	char *stop;
	double d;

	if (!v)
		return -1;
	d = strtod(v, &stop);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(stop, units[i].unit) == 0 && d >= 0 && d < 1e4)
			return (long)(d * units[i].per + 0.5);
	return -1;
}

static xmlNode *
child(xmlNode *n, const char *name)
{
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

static bool
named(xmlNode *n, const char *elem, const char *name)
{
	xmlChar *v;
	bool hit;

	if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, elem) != 0)
		return false;
	v = xmlGetNsProp(n, (const xmlChar *)"name", (const xmlChar *)STYLE_NS);
	hit = v && (!name || strcmp((const char *)v, name) == 0);
	xmlFree(v);
	return hit;
}

/* One length attribute of n (an fo: one, or the fo:margin shorthand). */
static long
fo_length(xmlNode *n, const char *attr)
{
	xmlChar *v = xmlGetNsProp(n, (const xmlChar *)attr, (const xmlChar *)FO_NS);
	long l;

	if (!v && strncmp(attr, "margin-", 7) == 0)
		v = xmlGetNsProp(n, (const xmlChar *)"margin", (const xmlChar *)FO_NS);
	l = v ? odf_length((const char *)v) : strncmp(attr, "margin", 6) == 0 ? 0 : -1;
	xmlFree(v);
	return l;
}

/* The text width (10 µm) of the page layout of the master page Standard (or
 * the first master page) of styles.xml; -1 if it does not say. */
static long
odt_text_width(xmlDoc *styles)
{
	xmlNode *root = xmlDocGetRootElement(styles), *master = NULL, *props = NULL;
	xmlChar *layout;
	long w, left, right;

	for (xmlNode *m = child(child(root, "master-styles"), "master-page"); m; m = m->next)
		if (named(m, "master-page", NULL) && (!master || named(m, "master-page", "Standard")))
			master = m;
	if (!master || !(layout = xmlGetNsProp(master, (const xmlChar *)"page-layout-name",
	    (const xmlChar *)STYLE_NS)))
		return -1;
	for (xmlNode *sec = root->children; sec && !props; sec = sec->next)
		for (xmlNode *l = sec->type == XML_ELEMENT_NODE ? sec->children : NULL; l && !props;
		    l = l->next)
			if (named(l, "page-layout", (const char *)layout))
				props = child(l, "page-layout-properties");
	xmlFree(layout);
	if (!props || (w = fo_length(props, "page-width")) < 0 ||
	    (left = fo_length(props, "margin-left")) < 0 ||
	    (right = fo_length(props, "margin-right")) < 0)
		return -1;
	w -= left + right;
	return w >= 2540 && w <= 55880 ? w : -1;	/* 1 to 22 inches */
}

/* "16.5cm" for 16500 (10 µm units). */
static void
set_cm(xmlNode *n, const char *attr, long v)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%ld.%03ld", v / 1000, v % 1000);

	while (len > 0 && buf[len - 1] == '0')
		buf[--len] = '\0';
	if (len > 0 && buf[len - 1] == '.')
		buf[--len] = '\0';
	snprintf(buf + len, sizeof(buf) - (size_t)len, "cm");
	xmlSetNsProp(n, xmlSearchNsByHref(n->doc, n, (const xmlChar *)STYLE_NS),
	    (const xmlChar *)attr, (const xmlChar *)buf);
}

static long
style_length(xmlNode *props, const char *attr)
{
	xmlChar *v = props ? xmlGetNsProp(props, (const xmlChar *)attr,
	    (const xmlChar *)STYLE_NS) : NULL;
	long l = v ? odf_length((const char *)v) : -1;

	xmlFree(v);
	return l;
}

/*
 * In rfpgen's automatic styles (autos, the office:automatic-styles of the
 * default content.xml), every rfp* table style and its columns (named
 * TABLE.C1, TABLE.C2 …) drawn for width instead.
 */
static void
scale_odt_tables(xmlNode *autos, long width)
{
	for (xmlNode *t = autos ? autos->children : NULL; t; t = t->next) {
		xmlNode *props, *cols[MAX_COLS];
		long old[MAX_COLS], nw[MAX_COLS];
		xmlChar *name, *family;
		size_t n = 0, plen;
		bool table;

		if (!named(t, "style", NULL))
			continue;
		family = xmlGetNsProp(t, (const xmlChar *)"family", (const xmlChar *)STYLE_NS);
		table = family && strcmp((const char *)family, "table") == 0;
		xmlFree(family);
		props = table ? child(t, "table-properties") : NULL;
		name = xmlGetNsProp(t, (const xmlChar *)"name", (const xmlChar *)STYLE_NS);
		if (!props || style_length(props, "width") <= 0 || strncmp((const char *)name, "rfp", 3)) {
			xmlFree(name);
			continue;
		}
		plen = strlen((const char *)name);
		for (xmlNode *c = autos->children; c && n < MAX_COLS; c = c->next) {
			xmlChar *cn;
			xmlNode *cp;

			if (!named(c, "style", NULL))
				continue;
			cn = xmlGetNsProp(c, (const xmlChar *)"name", (const xmlChar *)STYLE_NS);
			if (strncmp((const char *)cn, (const char *)name, plen) == 0 &&
			    strncmp((const char *)cn + plen, ".C", 2) == 0 &&
			    (cp = child(c, "table-column-properties")) &&
			    (old[n] = style_length(cp, "column-width")) > 0)
				cols[n++] = cp;
			xmlFree(cn);
		}
		xmlFree(name);
		set_cm(props, "width", width);
		if (scale_widths(old, nw, n, width))
			for (size_t i = 0; i < n; i++)
				set_cm(cols[i], "column-width", nw[i]);
	}
}

/* ---- numbering.xml ---------------------------------------------------- */

/* CT_Lvl: ECMA-376 Part 1, 17.9.6. */
static int
lvl_rank(const xmlNode *n)
{
	static const char *const order[] = { "start", "numFmt", "lvlRestart", "pStyle", "isLgl",
		"suff", "lvlText", "lvlPicBulletId", "legacy", "lvlJc", "pPr", "rPr" };

	if (n->type != XML_ELEMENT_NODE || !n->ns || strcmp((const char *)n->ns->href, W_NS) != 0)
		return -1;
	for (int i = 0; i < (int)(sizeof(order) / sizeof(order[0])); i++)
		if (strcmp((const char *)n->name, order[i]) == 0)
			return i;
	return -1;
}

/* Puts the children of one w:lvl in schema order (stable; an element the
 * schema does not name stays after the one before it). True if it moved any. */
static bool
order_lvl(xmlNode *lvl)
{
	xmlNode *kids[32];
	int keys[32], last = -1, key = -1;
	size_t n = 0;
	bool sorted = true;

	for (xmlNode *c = lvl->children; c; c = c->next) {
		int r;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (n == 32)
			return false;
		r = lvl_rank(c);
		if (r >= 0) {
			sorted = sorted && r >= last;
			last = key = r;
		}
		kids[n] = c;
		keys[n++] = key;
	}
	if (sorted)
		return false;
	for (size_t i = 1; i < n; i++) {	/* insertion sort: stable */
		xmlNode *k = kids[i];
		int kk = keys[i];
		size_t j = i;

		for (; j > 0 && keys[j - 1] > kk; j--) {
			kids[j] = kids[j - 1];
			keys[j] = keys[j - 1];
		}
		kids[j] = k;
		keys[j] = kk;
	}
	for (size_t i = 0; i < n; i++) {
		xmlUnlinkNode(kids[i]);
		xmlAddChild(lvl, kids[i]);
	}
	return true;
}

/* Every w:lvl under n (in w:abstractNum, and in w:lvlOverride) in order. */
static bool
order_lvls(xmlNode *n)
{
	bool changed = false;

	for (xmlNode *c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)c->name, "lvl") == 0)
			changed |= order_lvl(c);
		else
			changed |= order_lvls(c);
	}
	return changed;
}

/* word/numbering.xml with every w:lvl in schema order, rewritten only if
 * one was not. */
static enum rfp_status
order_numbering(struct rfp_ctx *ctx, const char *path, struct rfp_pkg *pkg)
{
	struct rfp_pkg_entry *e = entry(pkg, "word/numbering.xml");
	xmlDoc *doc = NULL;
	xmlNode *root;
	xmlChar *mem = NULL;
	enum rfp_status st;
	bool changed = false;
	int len = 0;
	char *data;

	if (!e || !strstr(e->data, "lvl"))
		return RFP_OK;
	if ((st = rfp_xml_parse(ctx, path, e->name, e->data, e->len, &doc)) != RFP_OK)
		return st;
	if ((root = xmlDocGetRootElement(doc)) != NULL)
		changed = order_lvls(root);
	if (changed) {
		xmlDocDumpMemoryEnc(doc, &mem, &len, "UTF-8");
		if (!mem || !(data = malloc((size_t)len + 1))) {
			st = RFP_ERR_NOMEM;
		} else {
			memcpy(data, mem, (size_t)len);
			data[len] = '\0';
			free(e->data);
			e->data = data;
			e->len = (size_t)len;
		}
		xmlFree(mem);
	}
	xmlFreeDoc(doc);
	return st;
}

/* ---- DOCX ----------------------------------------------------------- */

struct docx_map {
	xmlDoc *ours, *theirs;
	struct rfp_buf add;		/* <w:style> elements for theirs */
	char *from[MAX_MAPPED], *to[MAX_MAPPED];
	size_t n;
};

static xmlNode *
find_style(xmlDoc *doc, const char *attr, const char *value)
{
	xmlNode *root = xmlDocGetRootElement(doc);

	for (xmlNode *s = root ? root->children : NULL; s; s = s->next) {
		xmlChar *v;
		bool hit;

		if (s->type != XML_ELEMENT_NODE || strcmp((const char *)s->name, "style") != 0)
			continue;
		if (strcmp(attr, "styleId") == 0) {
			v = xmlGetNsProp(s, (const xmlChar *)"styleId", (const xmlChar *)W_NS);
		} else {
			xmlNode *nm = s->children;

			while (nm && (nm->type != XML_ELEMENT_NODE || strcmp((const char *)nm->name, "name") != 0))
				nm = nm->next;
			v = nm ? xmlGetNsProp(nm, (const xmlChar *)"val", (const xmlChar *)W_NS) : NULL;
		}
		hit = v && strcasecmp((const char *)v, value) == 0;
		xmlFree(v);
		if (hit)
			return s;
	}
	return NULL;
}

static const char *
map_style(struct docx_map *m, const char *id);

/* Rewrites a w:val reference in a copied style to the mapped id. */
static void
map_child_ref(struct docx_map *m, xmlNode *style, const char *child)
{
	for (xmlNode *c = style->children; c; c = c->next) {
		xmlChar *v;

		if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, child) != 0)
			continue;
		v = xmlGetNsProp(c, (const xmlChar *)"val", (const xmlChar *)W_NS);
		if (v) {
			const char *to = map_style(m, (const char *)v);

			xmlSetNsProp(c, c->ns, (const xmlChar *)"val", (const xmlChar *)to);
			xmlFree(v);
		}
	}
}

/* The agency's id for rfpgen's style id, copying the style over if needed. */
static const char *
map_style(struct docx_map *m, const char *id)
{
	xmlNode *ours, *same, *copy;
	xmlChar *name = NULL;
	char newid[128];
	size_t slot;

	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->from[i], id) == 0)
			return m->to[i];
	ours = find_style(m->ours, "styleId", id);
	if (!ours || m->n == MAX_MAPPED)
		return id;
	for (xmlNode *c = ours->children; c && !name; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, "name") == 0)
			name = xmlGetNsProp(c, (const xmlChar *)"val", (const xmlChar *)W_NS);
	same = name ? find_style(m->theirs, "name", (const char *)name) : NULL;
	xmlFree(name);
	slot = m->n++;
	m->from[slot] = strdup(id);
	if (same) {
		xmlChar *theirs = xmlGetNsProp(same, (const xmlChar *)"styleId", (const xmlChar *)W_NS);

		m->to[slot] = strdup(theirs ? (const char *)theirs : id);
		xmlFree(theirs);
		return m->to[slot];
	}
	snprintf(newid, sizeof(newid), "%s%s", find_style(m->theirs, "styleId", id) ? "rfp" : "", id);
	m->to[slot] = strdup(newid);
	/* Recorded before recursing, so a basedOn cycle ends here. */
	copy = xmlCopyNode(ours, 1);
	if (!copy)
		return id;
	xmlSetNsProp(copy, copy->ns, (const xmlChar *)"styleId", (const xmlChar *)newid);
	map_child_ref(m, copy, "basedOn");
	map_child_ref(m, copy, "next");
	map_child_ref(m, copy, "link");
	dump_node(&m->add, m->ours, copy);
	xmlFreeNode(copy);
	return m->to[slot];
}

/*
 * The fragment numbers its headings in text (壹、, 一、, {{family_no}}、).
 * When the agency's heading style numbers itself, that text would double
 * the number, so it goes and the agency's numbering continues through the
 * annex. A heading's number is what its text starts with up to the first
 * 、: numerals (壹, 貳, 一 … and 附錄), {{…_no}} fields, and sections of
 * them, as in {{#has_services}}參{{/has_services}}{{^has_services}}貳{{/has_services}}、.
 */
static size_t
numeral_len(const char *s)
{
	static const char *const numerals[] = { "〇", "一", "二", "三", "四", "五", "六",
		"七", "八", "九", "十", "百", "壹", "貳", "參", "肆", "伍", "陸", "柒", "捌",
		"玖", "拾", "佰", "附錄" };

	if (*s >= '0' && *s <= '9')
		return 1;
	for (size_t i = 0; i < sizeof(numerals) / sizeof(numerals[0]); i++)
		if (strncmp(s, numerals[i], strlen(numerals[i])) == 0)
			return strlen(numerals[i]);
	return 0;
}

/* The length of the run of numerals, number fields and sections of them
 * at s (depth: how many sections it is inside). */
static size_t
number_run(const char *s, int depth)
{
	size_t n = 0, k;

	for (;;) {
		const char *p = s + n, *close, *name, *inner;
		size_t name_len, m;

		if ((k = numeral_len(p)) != 0) {
			n += k;
			continue;
		}
		if (strncmp(p, "{{", 2) != 0 || !(close = strstr(p + 2, "}}")))
			return n;
		if (p[2] == '#' || p[2] == '^') {
			char end_tag[80];

			name = p + 3;
			name_len = (size_t)(close - name);
			if (depth >= 4 || name_len == 0 || name_len > 64)
				return n;
			inner = close + 2;
			m = number_run(inner, depth + 1);
			snprintf(end_tag, sizeof(end_tag), "{{/%.*s}}", (int)name_len, name);
			if (strncmp(inner + m, end_tag, strlen(end_tag)) != 0)
				return n;
			n = (size_t)(inner + m + strlen(end_tag) - s);
			continue;
		}
		name = p + 2;
		name_len = (size_t)(close - name);
		if (name_len < 4 || strncmp(close - 3, "_no", 3) != 0 ||
		    strcspn(name, "#^/!{ ") < name_len)
			return n;
		n = (size_t)(close + 2 - s);
	}
}

/* The length of the heading number (with its 、) the text at s starts
 * with; 0 if it starts with none. */
static size_t
heading_number_len(const char *s)
{
	size_t n = number_run(s, 0);

	return n && strncmp(s + n, "、", strlen("、")) == 0 ? n + strlen("、") : 0;
}

/*
 * Removes the number from the text of every heading of the fragment: the
 * text right after mark (ODT: 'text:outline-level="1">'), or, in DOCX, that
 * of the first w:t after mark ('<w:pStyle w:val="1"/>') in its paragraph.
 */
static void
strip_numbers(struct rfp_buf *frag, const char *mark, bool docx)
{
	struct rfp_buf out = RFP_BUF_INIT(frag->max);
	const char *s = frag->ptr, *p;

	while ((p = strstr(s, mark)) != NULL) {
		const char *text = p + strlen(mark);

		if (docx) {
			const char *end = strstr(text, "</w:p>"), *t = strstr(text, "<w:t>"),
			    *t2 = strstr(text, "<w:t ");

			if (t2 && (!t || t2 < t))
				t = t2;
			if (!end || !t || t > end || !(t = strchr(t, '>'))) {
				rfp_buf_add(&out, s, (size_t)(text - s));
				s = text;
				continue;
			}
			text = t + 1;
		}
		rfp_buf_add(&out, s, (size_t)(text - s));
		s = text + heading_number_len(text);
	}
	rfp_buf_adds(&out, s);
	if (out.err) {
		frag->err = out.err;
	} else {
		rfp_buf_reset(frag);
		rfp_buf_add(frag, out.ptr, out.len);
	}
	rfp_buf_fini(&out);
}

/* True if the agency's style id (or a style it is based on) has numbering. */
static bool
docx_numbered(xmlDoc *theirs, const char *id, int depth)
{
	xmlNode *s = find_style(theirs, "styleId", id);

	if (!s || depth > 8)
		return false;
	for (xmlNode *c = s->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)c->name, "pPr") == 0)
			for (xmlNode *n = c->children; n; n = n->next)
				if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, "numPr") == 0)
					return true;
		if (strcmp((const char *)c->name, "basedOn") == 0) {
			xmlChar *v = xmlGetNsProp(c, (const xmlChar *)"val", (const xmlChar *)W_NS);
			bool r = v && docx_numbered(theirs, (const char *)v, depth + 1);

			xmlFree(v);
			if (r)
				return true;
		}
	}
	return false;
}

static enum rfp_status
merge_docx(struct rfp_ctx *ctx, const char *path, struct rfp_pkg *pkg, struct rfp_buf *frag)
{
	struct docx_map m = { .add = RFP_BUF_INIT(1u << 20) };
	struct rfp_pkg_entry *styles = entry(pkg, "word/styles.xml");
	const struct rfp_pkg_entry *doc = entry(pkg, "word/document.xml");
	static const char *const refs[] = { "<w:pStyle w:val=\"", "<w:rStyle w:val=\"",
		"<w:tblStyle w:val=\"" };
	enum rfp_status st;
	const char *p;
	long width;

	rfp_buf_add(frag, rfp_frag_docx_inner, rfp_frag_docx_inner_len);
	if (doc && (width = docx_text_width(doc->data, doc->len)) > 0 && width != FRAG_DOCX_WIDTH)
		scale_docx_tables(frag, width);
	/* No styles to adapt to, or rfpgen's own: the fragment fits as it is. */
	if (!styles || (styles->len == rfp_styles_docx_len &&
	    memcmp(styles->data, rfp_styles_docx, styles->len) == 0))
		return frag->err;
	if ((st = rfp_xml_parse(ctx, "(rfpgen styles)", NULL, rfp_styles_docx,
	    rfp_styles_docx_len, &m.ours)) ||
	    (st = rfp_xml_parse(ctx, path, "word/styles.xml", styles->data, styles->len, &m.theirs)))
		goto out;
	/* Map every style reference of the fragment, rewriting it in place. */
	for (size_t r = 0; r < 3; r++) {
		struct rfp_buf out = RFP_BUF_INIT(frag->max);
		const char *s = frag->ptr;

		while ((p = strstr(s, refs[r])) != NULL) {
			const char *v = p + strlen(refs[r]), *q = strchr(v, '"');
			char id[128];

			snprintf(id, sizeof(id), "%.*s", (int)(q - v), v);
			rfp_buf_add(&out, s, (size_t)(v - s));
			rfp_buf_adds(&out, map_style(&m, id));
			s = q;
		}
		rfp_buf_adds(&out, s);
		rfp_buf_reset(frag);
		rfp_buf_add(frag, out.ptr, out.len);
		rfp_buf_fini(&out);
	}
	for (int level = 0; level < 2; level++) {
		const char *id = map_style(&m, level ? "Heading2" : "Heading1");
		char mark[160];

		if (docx_numbered(m.theirs, id, 0)) {
			snprintf(mark, sizeof(mark), "<w:pStyle w:val=\"%s\"/>", id);
			strip_numbers(frag, mark, true);
		}
	}
	if (m.add.len)
		st = insert_before(styles, "</w:styles>", m.add.ptr, m.add.len);
	if (!st && (m.add.err || frag->err))
		st = m.add.err ? m.add.err : frag->err;
out:
	for (size_t i = 0; i < m.n; i++) {
		free(m.from[i]);
		free(m.to[i]);
	}
	rfp_buf_fini(&m.add);
	xmlFreeDoc(m.ours);
	xmlFreeDoc(m.theirs);
	return st;
}

/* ---- ODT ------------------------------------------------------------ */

static bool
has_named_style(xmlDoc *doc, const char *name)
{
	xmlNode *root = xmlDocGetRootElement(doc);

	for (xmlNode *sec = root ? root->children : NULL; sec; sec = sec->next) {
		if (sec->type != XML_ELEMENT_NODE)
			continue;
		for (xmlNode *s = sec->children; s; s = s->next) {
			xmlChar *v;
			bool hit;

			if (s->type != XML_ELEMENT_NODE)
				continue;
			v = xmlGetNsProp(s, (const xmlChar *)"name", (const xmlChar *)STYLE_NS);
			hit = v && strcmp((const char *)v, name) == 0;
			xmlFree(v);
			if (hit)
				return true;
		}
	}
	return false;
}

/* Copies rfpgen's named style (and its parent chain) into add, if theirs
 * lacks it. */
static void
copy_named_style(xmlDoc *ours, xmlDoc *theirs, const char *name, struct rfp_buf *add,
    int depth)
{
	xmlNode *root = xmlDocGetRootElement(ours);
	char pat[160];

	snprintf(pat, sizeof(pat), "style:name=\"%s\"", name);
	if (depth > 8 || has_named_style(theirs, name) || strstr(add->ptr, pat))
		return;
	for (xmlNode *sec = root ? root->children : NULL; sec; sec = sec->next) {
		if (sec->type != XML_ELEMENT_NODE || strcmp((const char *)sec->name, "styles") != 0)
			continue;
		for (xmlNode *s = sec->children; s; s = s->next) {
			xmlChar *v, *parent;

			if (s->type != XML_ELEMENT_NODE)
				continue;
			v = xmlGetNsProp(s, (const xmlChar *)"name", (const xmlChar *)STYLE_NS);
			if (v && strcmp((const char *)v, name) == 0) {
				parent = xmlGetNsProp(s, (const xmlChar *)"parent-style-name",
				    (const xmlChar *)STYLE_NS);
				dump_node(add, ours, s);
				if (parent)
					copy_named_style(ours, theirs, (const char *)parent, add, depth + 1);
				xmlFree(parent);
			}
			xmlFree(v);
		}
	}
}

/* True if the agency's outline numbering gives headings of level a number. */
static bool
odt_numbered(xmlDoc *theirs, int level)
{
	xmlNode *root = xmlDocGetRootElement(theirs);
	char want[8];

	snprintf(want, sizeof(want), "%d", level);
	for (xmlNode *sec = root ? root->children : NULL; sec; sec = sec->next) {
		if (sec->type != XML_ELEMENT_NODE || strcmp((const char *)sec->name, "styles") != 0)
			continue;
		for (xmlNode *o = sec->children; o; o = o->next) {
			if (o->type != XML_ELEMENT_NODE || strcmp((const char *)o->name, "outline-style") != 0)
				continue;
			for (xmlNode *l = o->children; l; l = l->next) {
				xmlChar *lv, *fmt;
				bool hit;

				if (l->type != XML_ELEMENT_NODE)
					continue;
				lv = xmlGetProp(l, (const xmlChar *)"level");
				fmt = xmlGetNsProp(l, (const xmlChar *)"num-format", (const xmlChar *)STYLE_NS);
				hit = lv && strcmp((const char *)lv, want) == 0 && fmt && *fmt;
				xmlFree(lv);
				xmlFree(fmt);
				if (hit)
					return true;
			}
		}
	}
	return false;
}

static enum rfp_status
merge_odt(struct rfp_ctx *ctx, const char *path, struct rfp_pkg *pkg, struct rfp_buf *frag)
{
	struct rfp_pkg_entry *content = entry(pkg, "content.xml"), *styles = entry(pkg, "styles.xml");
	struct rfp_buf autos = RFP_BUF_INIT(1u << 20), named = RFP_BUF_INIT(1u << 20);
	xmlDoc *ours_content = NULL, *ours_styles = NULL, *theirs_styles = NULL;
	xmlNode *root;
	enum rfp_status st;
	const char *p;
	long width;

	rfp_buf_add(frag, rfp_frag_odt_inner, rfp_frag_odt_inner_len);
	if (styles && content && styles->len == rfp_styles_odt_len &&
	    memcmp(styles->data, rfp_styles_odt, styles->len) == 0 &&
	    strstr(content->data, "style:name=\"rfpCheck\""))
		return frag->err;
	if ((st = rfp_xml_parse(ctx, "(rfpgen content)", NULL, rfp_content_odt,
	    rfp_content_odt_len, &ours_content)) ||
	    (st = rfp_xml_parse(ctx, "(rfpgen styles)", NULL, rfp_styles_odt,
	    rfp_styles_odt_len, &ours_styles)) ||
	    (styles && (st = rfp_xml_parse(ctx, path, "styles.xml", styles->data, styles->len,
	    &theirs_styles))))
		goto out;
	/* The fragment's automatic styles: every rfp* style of the default,
	 * its tables as wide as the agency's page leaves room for. */
	root = xmlDocGetRootElement(ours_content);
	for (xmlNode *sec = root->children; sec; sec = sec->next) {
		if (sec->type != XML_ELEMENT_NODE || strcmp((const char *)sec->name, "automatic-styles") != 0)
			continue;
		if (theirs_styles && (width = odt_text_width(theirs_styles)) > 0 &&
		    width != FRAG_ODT_WIDTH)
			scale_odt_tables(sec, width);
		for (xmlNode *s = sec->children; s; s = s->next) {
			xmlChar *v = s->type == XML_ELEMENT_NODE ?
			    xmlGetNsProp(s, (const xmlChar *)"name", (const xmlChar *)STYLE_NS) : NULL;

			char pat[160];

			if (v && strncmp((const char *)v, "rfp", 3) == 0) {
				/* The default template already has them. */
				snprintf(pat, sizeof(pat), "style:name=\"%s\"", (const char *)v);
				if (!content || !strstr(content->data, pat))
					dump_node(&autos, ours_content, s);
			}
			xmlFree(v);
		}
	}
	if (theirs_styles) {
		/* Named styles referenced by the fragment and by the copied
		 * automatic styles (their parents). */
		static const char *const attrs[] = { "text:style-name=\"", "style:parent-style-name=\"" };

		for (int pass = 0; pass < 2; pass++) {
			const char *s = pass == 0 ? frag->ptr : autos.ptr;

			for (size_t a = 0; a < 2; a++) {
				for (p = s; (p = strstr(p, attrs[a])) != NULL; p++) {
					const char *v = p + strlen(attrs[a]), *q = strchr(v, '"');
					char name[128];

					snprintf(name, sizeof(name), "%.*s", (int)(q - v), v);
					if (strncmp(name, "rfp", 3) != 0)
						copy_named_style(ours_styles, theirs_styles, name, &named, 0);
				}
			}
		}
		if (named.len)
			st = insert_before(styles, "</office:styles>", named.ptr, named.len);
		for (int level = 0; level < 2; level++)
			if (odt_numbered(theirs_styles, level + 1))
				strip_numbers(frag, level ? "text:outline-level=\"2\">" :
				    "text:outline-level=\"1\">", false);
	}
	if (st)
		goto out;
	if (autos.len && content) {
		if (strstr(content->data, "<office:automatic-styles/>")) {
			rfp_buf_reset(&named);
			rfp_buf_adds(&named, "<office:automatic-styles>");
			rfp_buf_add(&named, autos.ptr, autos.len);
			rfp_buf_adds(&named, "</office:automatic-styles>");
			st = insert_before(content, "<office:automatic-styles/>", named.ptr, named.len);
		} else if (strstr(content->data, "</office:automatic-styles>")) {
			st = insert_before(content, "</office:automatic-styles>", autos.ptr, autos.len);
		} else {
			rfp_buf_reset(&named);
			rfp_buf_adds(&named, "<office:automatic-styles>");
			rfp_buf_add(&named, autos.ptr, autos.len);
			rfp_buf_adds(&named, "</office:automatic-styles>");
			st = insert_before(content, "<office:body", named.ptr, named.len);
		}
	}
	if (!st && (autos.err || named.err))
		st = autos.err ? autos.err : named.err;
out:
	rfp_buf_fini(&autos);
	rfp_buf_fini(&named);
	xmlFreeDoc(ours_content);
	xmlFreeDoc(ours_styles);
	xmlFreeDoc(theirs_styles);
	return st;
}

enum rfp_status
rfp_merge_requirements(struct rfp_ctx *ctx, const char *path, enum rfp_format fmt,
    struct rfp_pkg *pkg, struct rfp_buf *frag)
{
	const struct rfp_pkg_entry *main_part =
	    rfp_pkg_find(pkg, fmt == RFP_FORMAT_DOCX ? "word/document.xml" : "content.xml");
	enum rfp_status st;

	if (fmt == RFP_FORMAT_DOCX && (st = order_numbering(ctx, path, pkg)) != RFP_OK)
		return st;
	if (!main_part || !uses_tag(main_part->data, main_part->len, "requirements"))
		return RFP_OK;
	return fmt == RFP_FORMAT_DOCX ? merge_docx(ctx, path, pkg, frag) :
	    merge_odt(ctx, path, pkg, frag);
}
