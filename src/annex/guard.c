/* SPDX-License-Identifier: MIT */
/*
 * Post-render guards. A section that repeats zero times can leave a table
 * cell with no paragraph, a row with no cell or a table with no row; one
 * that repeats many times copies drawing and bookmark ids. Word rejects all
 * of these as corrupt (docxtemplater's changelog is the catalogue of such
 * reports). The renderer already parses every output part to prove it
 * well-formed; this pass walks that tree and mends it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annex/guard.h"
#include "util/xml.h"

#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define WP_NS "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
#define TABLE_NS "urn:oasis:names:tc:opendocument:xmlns:table:1.0"

static bool
is(const xmlNode *n, const char *ns, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && n->ns &&
	    strcmp((const char *)n->ns->href, ns) == 0 &&
	    strcmp((const char *)n->name, name) == 0;
}

static bool
has_child(const xmlNode *n, const char *ns, const char *name)
{
	for (const xmlNode *c = n->children; c; c = c->next)
		if (is(c, ns, name))
			return true;
	return false;
}

static const xmlNode *
last_element(const xmlNode *n)
{
	const xmlNode *last = NULL;

	for (const xmlNode *c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			last = c;
	return last;
}

/* Empty rows and tables go; a cell must end with a paragraph. Children
 * first, so a table emptied below is seen by its parent. */
static bool
fix_tables(xmlNode *n, const char *ns, const char *tbl, const char *row,
    const char *cell, const char *para)
{
	bool changed = false;
	xmlNode *c, *next;

	for (c = n->children; c; c = next) {
		next = c->next;
		if (c->type != XML_ELEMENT_NODE)
			continue;
		changed |= fix_tables(c, ns, tbl, row, cell, para);
		if ((is(c, ns, row) && cell && !has_child(c, ns, cell)) ||
		    (is(c, ns, tbl) && !has_child(c, ns, row) &&
		    !has_child(c, ns, "table-header-rows") && !has_child(c, ns, "table-rows"))) {
			xmlUnlinkNode(c);
			xmlFreeNode(c);
			changed = true;
		}
	}
	if (para && is(n, ns, cell)) {
		const xmlNode *last = last_element(n);

		if (!last || !is(last, ns, para)) {
			xmlNewChild(n, n->ns, (const xmlChar *)para, NULL);
			changed = true;
		}
	}
	return changed;
}

struct ids {
	xmlNode **docpr;
	size_t ndocpr, cap;
	xmlNode **bm;
	size_t nbm, capbm;
};

/* Appends n to a growing array of nodes; on OOM the node is skipped, which
 * only leaves an id unrepaired. */
static void
push_node(xmlNode ***arr, size_t *n, size_t *cap, xmlNode *node)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		xmlNode **p = realloc(*arr, ncap * sizeof(*p));

		if (!p)
			return;
		*arr = p;
		*cap = ncap;
	}
	(*arr)[(*n)++] = node;
}

static void
collect(xmlNode *n, struct ids *ids)
{
	for (xmlNode *c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (is(c, WP_NS, "docPr"))
			push_node(&ids->docpr, &ids->ndocpr, &ids->cap, c);
		else if (is(c, W_NS, "bookmarkStart") || is(c, W_NS, "bookmarkEnd"))
			push_node(&ids->bm, &ids->nbm, &ids->capbm, c);
		collect(c, ids);
	}
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* True if any two of the nodes share the value of attribute name. */
static bool
has_duplicates(xmlNode **nodes, size_t n, const char *ns, const char *name, const char *only)
{
	char **vals = calloc(n ? n : 1, sizeof(*vals));
	size_t k = 0;
	bool dup = false;

	if (!vals)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!only || strcmp((const char *)nodes[i]->name, only) == 0)
			vals[k++] = (char *)xmlGetNsProp(nodes[i], (const xmlChar *)name,
			    (const xmlChar *)ns);
	for (size_t i = 0; i < k; i++)
		if (!vals[i])
			vals[i] = (char *)xmlStrdup((const xmlChar *)"");
	qsort(vals, k, sizeof(*vals), cmp_str);
	for (size_t i = 1; i < k && !dup; i++)
		dup = strcmp(vals[i - 1], vals[i]) == 0;
	for (size_t i = 0; i < k; i++)
		xmlFree(vals[i]);
	free(vals);
	return dup;
}

/*
 * Renumbers drawing ids 1..n, and bookmarks in document order: each start
 * gets a fresh id, its end (the next end with the old id) the same one,
 * and a repeated name gets a suffix.
 */
static bool
fix_ids(xmlDoc *doc)
{
	struct ids ids = { 0 };
	char num[32];
	bool changed = false;

	collect(xmlDocGetRootElement(doc), &ids);
	if (has_duplicates(ids.docpr, ids.ndocpr, NULL, "id", NULL)) {
		for (size_t i = 0; i < ids.ndocpr; i++) {
			snprintf(num, sizeof(num), "%zu", i + 1);
			xmlSetProp(ids.docpr[i], (const xmlChar *)"id", (const xmlChar *)num);
		}
		changed = true;
	}
	if (has_duplicates(ids.bm, ids.nbm, W_NS, "id", "bookmarkStart") ||
	    has_duplicates(ids.bm, ids.nbm, W_NS, "name", "bookmarkStart")) {
		xmlChar **seen = calloc(ids.nbm ? ids.nbm : 1, sizeof(*seen));
		unsigned next = 0, copy = 0;
		size_t nseen = 0;

		if (!seen) {
			free(ids.docpr);
			free(ids.bm);
			return changed;
		}
		for (size_t i = 0; i < ids.nbm; i++) {
			xmlNode *s = ids.bm[i];
			xmlChar *old, *name;

			if (strcmp((const char *)s->name, "bookmarkStart") != 0 || s->_private)
				continue;
			old = xmlGetNsProp(s, (const xmlChar *)"id", (const xmlChar *)W_NS);
			snprintf(num, sizeof(num), "%u", next++);
			xmlSetNsProp(s, s->ns, (const xmlChar *)"id", (const xmlChar *)num);
			name = xmlGetNsProp(s, (const xmlChar *)"name", (const xmlChar *)W_NS);
			for (size_t k = 0; name && k < nseen; k++) {
				char renamed[256];

				if (strcmp((const char *)seen[k], (const char *)name) != 0)
					continue;
				snprintf(renamed, sizeof(renamed), "%.200s_%u", (const char *)name, ++copy);
				xmlSetNsProp(s, s->ns, (const xmlChar *)"name", (const xmlChar *)renamed);
				break;
			}
			if (name)
				seen[nseen++] = xmlStrdup(name);
			for (size_t j = i + 1; old && j < ids.nbm; j++) {
				xmlChar *v;
				bool hit;

				if (strcmp((const char *)ids.bm[j]->name, "bookmarkEnd") != 0 ||
				    ids.bm[j]->_private)
					continue;
				v = xmlGetNsProp(ids.bm[j], (const xmlChar *)"id", (const xmlChar *)W_NS);
				hit = v && strcmp((const char *)v, (const char *)old) == 0;
				xmlFree(v);
				if (hit) {
					xmlSetNsProp(ids.bm[j], ids.bm[j]->ns, (const xmlChar *)"id",
					    (const xmlChar *)num);
					ids.bm[j]->_private = ids.bm[j];	/* done */
					break;
				}
			}
			xmlFree(old);
			xmlFree(name);
		}
		for (size_t i = 0; i < ids.nbm; i++)
			ids.bm[i]->_private = NULL;
		for (size_t k = 0; k < nseen; k++)
			xmlFree(seen[k]);
		free(seen);
		changed = true;
	}
	free(ids.docpr);
	free(ids.bm);
	return changed;
}

/* Gives every repeated xml:id (ODF lists, paragraphs) a suffix. */
static bool
fix_xml_ids(xmlNode *root)
{
	struct rfp_seen { char **ids; size_t n, cap; } seen = { 0 };
	xmlNode *stack[512], *n;
	size_t depth = 0;
	unsigned copy = 0;
	bool changed = false;

	stack[depth++] = root;
	while (depth) {
		n = stack[--depth];
		for (; n; n = n->next) {
			xmlChar *id;

			if (n->type != XML_ELEMENT_NODE)
				continue;
			id = xmlGetNsProp(n, (const xmlChar *)"id", XML_XML_NAMESPACE);
			if (id) {
				bool dup = false;

				for (size_t i = 0; i < seen.n && !dup; i++)
					dup = strcmp(seen.ids[i], (const char *)id) == 0;
				if (dup) {
					char renamed[256];

					snprintf(renamed, sizeof(renamed), "%.200s_%u", (const char *)id, ++copy);
					xmlSetNsProp(n, xmlSearchNsByHref(n->doc, n, XML_XML_NAMESPACE),
					    (const xmlChar *)"id", (const xmlChar *)renamed);
					changed = true;
				} else if (seen.n < 100000) {
					if (seen.n == seen.cap) {
						size_t cap = seen.cap ? seen.cap * 2 : 64;
						char **p = realloc(seen.ids, cap * sizeof(*p));

						if (!p) {
							xmlFree(id);
							break;
						}
						seen.ids = p;
						seen.cap = cap;
					}
					seen.ids[seen.n++] = (char *)xmlStrdup(id);
				}
				xmlFree(id);
			}
			if (n->children && depth < sizeof(stack) / sizeof(stack[0]))
				stack[depth++] = n->children;
		}
	}
	for (size_t i = 0; i < seen.n; i++)
		xmlFree(seen.ids[i]);
	free(seen.ids);
	return changed;
}

bool
rfp_guard(xmlDoc *doc, enum rfp_part_mode mode)
{
	xmlNode *root = xmlDocGetRootElement(doc);
	bool tables, ids;

	if (!root || mode == RFP_PART_PLAIN)
		return false;
	/* Both passes always run. */
	if (mode == RFP_PART_WORD) {
		tables = fix_tables(root, W_NS, "tbl", "tr", "tc", "p");
		ids = fix_ids(doc);
	} else {
		tables = fix_tables(root, TABLE_NS, "table", "table-row", NULL, NULL);
		ids = fix_xml_ids(root);
	}
	return tables || ids;
}

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
rfp_guard_part(struct rfp_ctx *ctx, const char *part, enum rfp_part_mode mode, bool guard,
    struct rfp_buf *b)
{
	xmlDoc *doc = NULL;
	enum rfp_status st;

	st = rfp_xml_parse(ctx, "(rendered output)", part, b->ptr, b->len, &doc);
	if (!st && guard && rfp_guard(doc, mode))
		st = reserialize(doc, b);
	xmlFreeDoc(doc);
	return st;
}
