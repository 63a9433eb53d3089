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
 */
#include "config.h"

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

#define MAX_MAPPED 64

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
 * The fragment numbers its headings in text (壹、, 一、). When the agency's
 * heading style numbers itself, that text would double the number, so it
 * goes and the agency's numbering continues through the annex.
 */
static const char *const heading_prefixes[2][3] = {
	{ "壹、", "貳、", "附錄、" },	/* level 1 */
	{ "{{family_no}}、", NULL, NULL },	/* level 2 */
};

static void
strip_prefixes(struct rfp_buf *frag, int level, const char *before)
{
	for (int k = 0; k < 3 && heading_prefixes[level][k]; k++) {
		struct rfp_buf out = RFP_BUF_INIT(frag->max);
		char pat[64];
		const char *s = frag->ptr, *p;

		snprintf(pat, sizeof(pat), "%s%s", before, heading_prefixes[level][k]);
		while ((p = strstr(s, pat)) != NULL) {
			rfp_buf_add(&out, s, (size_t)(p - s));
			rfp_buf_adds(&out, before);
			s = p + strlen(pat);
		}
		rfp_buf_adds(&out, s);
		rfp_buf_reset(frag);
		rfp_buf_add(frag, out.ptr, out.len);
		rfp_buf_fini(&out);
	}
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
	static const char *const refs[] = { "<w:pStyle w:val=\"", "<w:rStyle w:val=\"",
		"<w:tblStyle w:val=\"" };
	enum rfp_status st;
	const char *p;

	rfp_buf_add(frag, rfp_frag_docx_inner, rfp_frag_docx_inner_len);
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
	for (int level = 0; level < 2; level++)
		if (docx_numbered(m.theirs, map_style(&m, level ? "Heading2" : "Heading1"), 0))
			strip_prefixes(frag, level, "<w:t>");
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

	rfp_buf_add(frag, rfp_frag_odt_inner, rfp_frag_odt_inner_len);
	if (styles && content && styles->len == rfp_styles_odt_len &&
	    memcmp(styles->data, rfp_styles_odt, styles->len) == 0 &&
	    strstr(content->data, "style:name=\"rfpCheck\""))
		return frag->err;
	if ((st = rfp_xml_parse(ctx, "(rfpgen content)", NULL, rfp_content_odt,
	    rfp_content_odt_len, &ours_content)) ||
	    (st = rfp_xml_parse(ctx, "(rfpgen styles)", NULL, rfp_styles_odt,
	    rfp_styles_odt_len, &ours_styles)))
		goto out;
	/* The fragment's automatic styles: every rfp* style of the default. */
	root = xmlDocGetRootElement(ours_content);
	for (xmlNode *sec = root->children; sec; sec = sec->next) {
		if (sec->type != XML_ELEMENT_NODE || strcmp((const char *)sec->name, "automatic-styles") != 0)
			continue;
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
	if (styles && !(st = rfp_xml_parse(ctx, path, "styles.xml", styles->data, styles->len,
	    &theirs_styles))) {
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
				strip_prefixes(frag, level, level ? "text:outline-level=\"2\">" :
				    "text:outline-level=\"1\">");
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

	if (!main_part || !uses_tag(main_part->data, main_part->len, "requirements"))
		return RFP_OK;
	return fmt == RFP_FORMAT_DOCX ? merge_docx(ctx, path, pkg, frag) :
	    merge_odt(ctx, path, pkg, frag);
}
