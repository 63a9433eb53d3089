/* SPDX-License-Identifier: MIT */
/*
 * Numbering instances of a DOCX template (numbering.h). The part is
 * parsed with libxml2 once, at template load; a marker comment put where
 * new instances belong splits its serialisation into a head and a tail,
 * so a render only copies bytes and writes the new w:num elements.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "annex/numbering.h"
#include "util/xml.h"

#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define MARK "rfpgen: new numbering instances go here"

static bool
is_w(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	    strcmp((const char *)n->ns->href, W_NS) == 0 &&
	    strcmp((const char *)n->name, name) == 0;
}

/* The w:NAME attribute of n as a number. */
static bool
w_attr(const xmlNode *n, const char *name, uint32_t *out)
{
	xmlChar *v = xmlGetNsProp(n, (const xmlChar *)name, (const xmlChar *)W_NS);
	char *end;
	unsigned long x;

	if (!v)
		return false;
	x = strtoul((const char *)v, &end, 10);
	end = *end || end == (char *)v ? NULL : end;
	xmlFree(v);
	if (!end || x > UINT32_MAX - 1000)
		return false;
	*out = (uint32_t)x;
	return true;
}

enum rfp_status
rfp_numbering_load(struct rfp_ctx *ctx, const char *file, const char *data, size_t len,
    struct rfp_numbering *out)
{
	struct rfp_numbering n = { .present = true, .next_id = 1 };
	xmlDoc *doc = NULL;
	xmlNode *root, *c, *after = NULL, *before = NULL, *mark;
	xmlChar *mem = NULL;
	int size = 0;
	const char *at;
	enum rfp_status st;

	if ((st = rfp_xml_parse(ctx, file, "word/numbering.xml", data, len, &doc)) != RFP_OK)
		return st;
	st = RFP_ERR_NOMEM;
	root = xmlDocGetRootElement(doc);
	/* Not WordprocessingML numbering, or in a default namespace, where
	 * attributes would lose theirs: restarts leave it alone. */
	if (!root || !is_w(root, "numbering") || !root->ns->prefix) {
		xmlFreeDoc(doc);
		*out = (struct rfp_numbering){ 0 };
		return RFP_OK;
	}
	for (c = root->children; c; c = c->next) {
		uint32_t id, abs;

		if (is_w(c, "abstractNum") && !before)
			after = c;
		if (is_w(c, "numIdMacAtCleanup") && !before)
			before = c;
		if (!is_w(c, "num") || !w_attr(c, "numId", &id))
			continue;
		after = c;
		if (id >= n.next_id)
			n.next_id = id + 1;
		for (xmlNode *k = c->children; k; k = k->next) {
			void *grown;

			if (!is_w(k, "abstractNumId") || !w_attr(k, "val", &abs))
				continue;
			if (!(grown = realloc(n.map, (n.nmap + 1) * sizeof(*n.map))))
				goto out;
			n.map = grown;
			n.map[n.nmap].num = id;
			n.map[n.nmap++].abstract = abs;
			break;
		}
	}
	if (!(mark = xmlNewDocComment(doc, (const xmlChar *)MARK)))
		goto out;
	if (after)
		xmlAddNextSibling(after, mark);
	else if (root->children)
		xmlAddPrevSibling(root->children, mark);
	else
		xmlAddChild(root, mark);
	xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
	if (!mem || !(at = strstr((const char *)mem, "<!--" MARK "-->")))
		goto out;
	n.headlen = (size_t)(at - (const char *)mem);
	n.taillen = (size_t)size - n.headlen - (sizeof("<!--" MARK "-->") - 1);
	n.head = malloc(n.headlen + 1);
	n.tail = malloc(n.taillen + 1);
	n.prefix = strdup((const char *)root->ns->prefix);
	if (!n.head || !n.tail || !n.prefix)
		goto out;
	memcpy(n.head, mem, n.headlen);
	memcpy(n.tail, at + sizeof("<!--" MARK "-->") - 1, n.taillen);
	*out = n;
	n = (struct rfp_numbering){ 0 };
	st = RFP_OK;
out:
	xmlFree(mem);
	xmlFreeDoc(doc);
	rfp_numbering_fini(&n);
	return st;
}

enum rfp_status
rfp_numbering_render(const struct rfp_numbering *n, const struct rfp_num_restart *nr,
    struct rfp_buf *out)
{
	const char *p = n->prefix;

	rfp_buf_add(out, n->head, n->headlen);
	for (size_t i = 0; i < nr->n; i++) {
		size_t k;

		for (k = 0; k < n->nmap && n->map[k].num != nr->inst[i].of; k++)
			;
		if (k == n->nmap)
			continue;
		rfp_buf_addf(out, "<%s:num %s:numId=\"%u\"><%s:abstractNumId %s:val=\"%u\"/>",
		    p, p, nr->inst[i].id, p, p, n->map[k].abstract);
		rfp_buf_addf(out, "<%s:lvlOverride %s:ilvl=\"0\"><%s:startOverride %s:val=\"1\"/>"
		    "</%s:lvlOverride></%s:num>", p, p, p, p, p, p);
	}
	rfp_buf_add(out, n->tail, n->taillen);
	return out->err;
}

void
rfp_numbering_fini(struct rfp_numbering *n)
{
	free(n->head);
	free(n->tail);
	free(n->prefix);
	free(n->map);
	*n = (struct rfp_numbering){ 0 };
}

/* One paragraph style as styles.xml declares it. */
struct pstyle {
	xmlChar *id, *based;
	uint32_t num;
	uint8_t ilvl;
	bool has_num;
};

static const struct pstyle *
find_style(const struct pstyle *st, size_t n, const xmlChar *id)
{
	for (size_t i = 0; id && i < n; i++)
		if (xmlStrEqual(st[i].id, id))
			return &st[i];
	return NULL;
}

enum rfp_status
rfp_numbering_styles(struct rfp_ctx *ctx, const char *file, const char *data, size_t len,
    struct rfp_style_num **out, size_t *nout)
{
	struct pstyle *st = NULL;
	struct rfp_style_num *res = NULL;
	size_t n = 0, nres = 0;
	xmlDoc *doc = NULL;
	xmlNode *root;
	enum rfp_status rc;

	*out = NULL;
	*nout = 0;
	if ((rc = rfp_xml_parse(ctx, file, "word/styles.xml", data, len, &doc)) != RFP_OK)
		return rc;
	rc = RFP_ERR_NOMEM;
	root = xmlDocGetRootElement(doc);
	for (xmlNode *s = root ? root->children : NULL; s; s = s->next) {
		xmlChar *type;
		struct pstyle p = { 0 };
		void *grown;

		if (!is_w(s, "style"))
			continue;
		type = xmlGetNsProp(s, (const xmlChar *)"type", (const xmlChar *)W_NS);
		if (!type || !xmlStrEqual(type, (const xmlChar *)"paragraph")) {
			xmlFree(type);
			continue;
		}
		xmlFree(type);
		p.id = xmlGetNsProp(s, (const xmlChar *)"styleId", (const xmlChar *)W_NS);
		for (xmlNode *k = s->children; k; k = k->next) {
			/* The schema allows one w:basedOn; of a second, as Word
			 * reads the first, keep the first (and do not leak it). */
			if (is_w(k, "basedOn") && !p.based)
				p.based = xmlGetNsProp(k, (const xmlChar *)"val", (const xmlChar *)W_NS);
			for (xmlNode *np = is_w(k, "pPr") ? k->children : NULL; np; np = np->next) {
				for (xmlNode *x = is_w(np, "numPr") ? np->children : NULL; x; x = x->next) {
					uint32_t v;

					if (is_w(x, "numId") && w_attr(x, "val", &v))
						p.num = v, p.has_num = true;
					else if (is_w(x, "ilvl") && w_attr(x, "val", &v) && v < 9)
						p.ilvl = (uint8_t)v;
				}
			}
		}
		if (!p.id || !(grown = realloc(st, (n + 1) * sizeof(*st)))) {
			xmlFree(p.id);
			xmlFree(p.based);
			if (!p.id)
				continue;
			goto out;
		}
		st = grown;
		st[n++] = p;
	}
	/* What each style numbers with, through at most 16 w:basedOn steps;
	 * w:numId 0 turns an inherited numbering off. */
	for (size_t i = 0; i < n; i++) {
		const struct pstyle *s = &st[i];
		void *grown;

		for (int depth = 0; s && !s->has_num && depth < 16; depth++)
			s = find_style(st, n, s->based);
		if (!s || !s->has_num || !s->num)
			continue;
		if (!(grown = realloc(res, (nres + 1) * sizeof(*res))))
			goto out;
		res = grown;
		if (!(res[nres].style = strdup((const char *)st[i].id)))
			goto out;
		res[nres].num = s->num;
		res[nres++].ilvl = s->ilvl;
	}
	*out = res;
	*nout = nres;
	res = NULL;
	nres = 0;
	rc = RFP_OK;
out:
	for (size_t i = 0; i < n; i++) {
		xmlFree(st[i].id);
		xmlFree(st[i].based);
	}
	free(st);
	rfp_style_nums_free(res, nres);
	xmlFreeDoc(doc);
	return rc;
}

void
rfp_style_nums_free(struct rfp_style_num *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i].style);
	free(s);
}
