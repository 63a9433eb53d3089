/* SPDX-License-Identifier: MIT */
/*
 * Reading a returned annex (review.h). A returned file comes from outside
 * the agency: it is read like a template, through the zip reader's checks
 * and the one XML parser (no DTD, no network, depth and size limits).
 *
 * The manifest is looked for where the annex put it and where office
 * suites keep it: any customXml part of a DOCX whose root is an rfpgen
 * manifest (Word renames the parts item1.xml, …), the ODT entry, then the
 * copy in the ODT's meta.xml (LibreOffice drops unknown entries on saving
 * but keeps user-defined properties).
 *
 * The checklist is read as tables: a row belongs to an item by the name of
 * a control in it (rfp:reply:ID), else by the item number in its first
 * cell, which is how a DOCX saved by LibreOffice, whose controls have lost
 * their names, is still read. Tables holding such controls are checklist
 * tables; a row of one that matches no item is a row the bidder added.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "annex/manifest.h"
#include "review/review.h"
#include "util/file.h"
#include "util/text.h"
#include "util/xml.h"

#define NS_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define NS_W_STRICT "http://purl.oclc.org/ooxml/wordprocessingml/main"
#define NS_MC "http://schemas.openxmlformats.org/markup-compatibility/2006"
#define NS_TEXT "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define NS_TABLE "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
#define NS_OFFICE "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define NS_META "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
#define NS_LOEXT "urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0"
#define NS_CUSTOM "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"

const char *const rfp_reply_names[RFP_REPLY_COUNT] = { "", "符合", "部分符合", "不符合",
	"不適用", "" };

enum { CTL_REPLY, CTL_NOTE, CTL_PAGES };

struct rv_ctl {
	int kind;
	char *id;		/* from its name (rfp:KIND:ID), or NULL */
	char *alias_no;		/* the number of its alias ("說明 1.1.1"), or NULL */
	bool placeholder;	/* Word's showingPlcHdr */
	char *selected;		/* Word's lastValue, ODF's current-selected label */
	struct rfp_buf text;
};

struct rv_row {
	long table;		/* -1: a paragraph outside tables */
	bool header, tracked, dead;
	struct rfp_buf *cells;
	size_t ncells, capcells;
	struct rv_ctl *ctls;
	size_t nctls, capctls;
	long item;		/* matched manifest item, or -1 */
};

struct walk {
	struct rfp_ctx *ctx;
	bool odf;
	size_t max;
	struct rv_row *rows;
	size_t nrows, caprows;
	size_t ntables;
	long row, cell, ctl, table;
	bool header_rows;
	unsigned in_para;
	char **paras;		/* normalised paragraphs outside tables */
	size_t nparas, capparas;
	bool named;		/* some control had its rfp: name */
	/* A Word field (fldChar begin, instrText, separate, end): 1 in its
	 * instructions, 2 in its result, 3 in the result of FILLIN "rfp:…",
	 * which is the text input LibreOffice writes for an ODF one. */
	int fld;
	struct rfp_buf instr;
	long fld_ctl;
	enum rfp_status st;
};

/* ---- small helpers ---------------------------------------------------- */

static bool
grow(void **p, size_t *cap, size_t n, size_t size)
{
	void *q;
	size_t c;

	if (n < *cap)
		return true;
	c = *cap ? *cap * 2 : 8;
	if (c > SIZE_MAX / size || !(q = realloc(*p, c * size)))
		return false;
	*p = q;
	*cap = c;
	return true;
}

static bool
is(const xmlNode *n, const char *ns, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	    strcmp((const char *)n->name, name) == 0 && strcmp((const char *)n->ns->href, ns) == 0;
}

/* WordprocessingML, transitional or strict: the name is compared first,
 * the namespace only when it matches (most nodes are runs and text). */
static bool
is_w(const xmlNode *n, const char *name)
{
	const char *href;

	if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, name) != 0 || !n->ns ||
	    !(href = (const char *)n->ns->href))
		return false;
	return strcmp(href, NS_W) == 0 || strcmp(href, NS_W_STRICT) == 0;
}

/* An attribute in namespace ns (NULL: none) as a malloc'd string, or NULL. */
static char *
attr(const xmlNode *n, const char *name, const char *ns)
{
	xmlChar *v = ns ? xmlGetNsProp(n, (const xmlChar *)name, (const xmlChar *)ns) :
	    xmlGetNoNsProp(n, (const xmlChar *)name);
	char *s;

	if (!v && ns && strcmp(ns, NS_W) == 0)
		v = xmlGetNsProp(n, (const xmlChar *)name, (const xmlChar *)NS_W_STRICT);
	if (!v)
		return NULL;
	s = strdup((const char *)v);
	xmlFree(v);
	return s;
}

static const xmlNode *
child(const xmlNode *n, const char *ns, const char *name)
{
	for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (ns ? is(c, ns, name) : is_w(c, name))
			return c;
	return NULL;
}

static char *
adup(struct rfp_review *r, const char *s)
{
	return rfp_arena_strdup(&r->arena, s ? s : "");
}

/* s with white space normalised (rfp_manifest_normalise), in the arena. */
static char *
anorm(struct rfp_review *r, const char *s, size_t n)
{
	struct rfp_buf b = RFP_BUF_INIT(SIZE_MAX / 2);
	char *out;

	rfp_manifest_normalise(&b, s, n);
	out = b.err ? NULL : rfp_arena_strndup(&r->arena, b.ptr, b.len);
	rfp_buf_fini(&b);
	return out;
}

static char *
afmt(struct rfp_review *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static char *
afmt(struct rfp_review *r, const char *fmt, ...)
{
	struct rfp_buf b = RFP_BUF_INIT(1u << 24);
	va_list ap;
	char *out;

	va_start(ap, fmt);
	rfp_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	out = b.err ? NULL : rfp_arena_strndup(&r->arena, b.ptr, b.len);
	rfp_buf_fini(&b);
	return out;
}

static bool
problem(struct rfp_review *r, const char *code, size_t item, bool blocking, const char *msg)
{
	void *p = r->problems;

	if (!msg || !grow(&p, &r->capproblems, r->nproblems, sizeof(*r->problems)))
		return false;
	r->problems = p;
	r->problems[r->nproblems++] = (struct rv_problem){ code, item, msg, blocking };
	return true;
}

/* Text of an element (all its descendants), in the arena. */
static char *
content(struct rfp_review *r, const xmlNode *n)
{
	xmlChar *v = xmlNodeGetContent(n);
	char *s = rfp_arena_strdup(&r->arena, v ? (const char *)v : "");

	xmlFree(v);
	return s;
}

/* ---- the manifest ----------------------------------------------------- */

static bool
is_hex64(const char *s)
{
	size_t i = 0;

	for (; s && s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return i == 64;
}

static char *
aattr(struct rfp_review *r, const xmlNode *n, const char *name)
{
	char *v = attr(n, name, NULL), *s;

	if (!v)
		return NULL;
	s = adup(r, v);
	free(v);
	return s;
}

static void
attrs(struct rfp_buf *b, const xmlNode *n)
{
	for (const xmlAttr *a = n->properties; a; a = a->next) {
		xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);

		rfp_buf_addf(b, " %s=\"", (const char *)a->name);
		if (v)
			rfp_xml_escape(b, (const char *)v, strlen((const char *)v), true);
		rfp_buf_addc(b, '"');
		xmlFree(v);
	}
}

/*
 * The manifest as rfp_manifest_write() writes it, for its digest: a file
 * saved again by an office suite keeps the content, not the bytes. The
 * attributes are taken in their order, so that one the writer adds later
 * needs no change here.
 */
static void
canonical(struct rfp_buf *b, const xmlNode *root)
{
	rfp_buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	    "<rfp:manifest xmlns:rfp=\"" RFP_MANIFEST_NS "\"");
	attrs(b, root);
	rfp_buf_adds(b, ">\n");
	for (const xmlNode *c = root->children; c; c = c->next) {
		xmlChar *v;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		rfp_buf_addf(b, "<rfp:%s", (const char *)c->name);
		attrs(b, c);
		rfp_buf_addc(b, '>');
		v = xmlNodeGetContent(c);
		if (v)
			rfp_xml_escape(b, (const char *)v, strlen((const char *)v), false);
		xmlFree(v);
		rfp_buf_addf(b, "</rfp:%s>\n", (const char *)c->name);
	}
	rfp_buf_adds(b, "</rfp:manifest>\n");
}

struct found {
	struct rv_manifest m;
	struct rv_mitem *excl;
	char canon[65];		/* SHA-256 of the canonical form */
	char bytes[65];		/* SHA-256 of the bytes read */
	bool ok;
};

/*
 * Parses data as a manifest into f. Not a manifest at all (another root):
 * RFP_OK with f->ok false. A manifest that is unusable: RFP-REVIEW-MANIFEST.
 */
static enum rfp_status
parse_manifest(struct rfp_ctx *ctx, struct rfp_review *r, const char *part, const char *data,
    size_t len, struct found *f)
{
	struct rfp_where w = { .file = r->file, .part = part };
	xmlDoc *doc = NULL;
	xmlNode *root;
	enum rfp_status st;
	size_t n = 0, nx = 0;
	char *v;

	memset(f, 0, sizeof(*f));
	if ((st = rfp_xml_parse(ctx, r->file, part, data, len, &doc)) != RFP_OK)
		return st;
	root = xmlDocGetRootElement(doc);
	if (!root || !is(root, RFP_MANIFEST_NS, "manifest"))
		goto out;
	v = attr(root, "version", NULL);
	if (!v || strcmp(v, "1") != 0) {
		rfp_diag(ctx, REVIEW_MANIFEST, &w, "its version is not 1");
		free(v);
		st = RFP_ERR_INVALID;
		goto out;
	}
	free(v);
	for (xmlNode *c = root->children; c; c = c->next) {
		if (is(c, RFP_MANIFEST_NS, "item"))
			n++;
		else if (is(c, RFP_MANIFEST_NS, "excluded"))
			nx++;
	}
	if (n + nx > ctx->limits.max_items) {
		rfp_diag(ctx, REVIEW_MANIFEST, &w, "it lists more items than the limit");
		st = RFP_ERR_LIMIT;
		goto out;
	}
	f->m.items = rfp_arena_alloc(&r->arena, (n ? n : 1) * sizeof(*f->m.items));
	f->excl = rfp_arena_alloc(&r->arena, (nx ? nx : 1) * sizeof(*f->excl));
	if (!f->m.items || !f->excl) {
		st = RFP_ERR_NOMEM;
		goto out;
	}
	f->m.source = adup(r, part);
	f->m.document = aattr(r, root, "document");
	f->m.tool = aattr(r, root, "tool");
	f->m.catalogue = aattr(r, root, "catalogue");
	f->m.type = aattr(r, root, "type");
	f->m.level = aattr(r, root, "level");
	f->m.conditions = aattr(r, root, "conditions");
	f->m.date = aattr(r, root, "date");
	/* Optional: only a service annex has them. */
	if (!(f->m.services = aattr(r, root, "services")))
		f->m.services = "";
	if (!(f->m.agency_level = aattr(r, root, "agency-level")))
		f->m.agency_level = "";
	if (!f->m.document || !f->m.tool || !f->m.catalogue || !f->m.type || !f->m.level ||
	    !f->m.conditions || !f->m.date) {
		rfp_diag(ctx, REVIEW_MANIFEST, &w, "an attribute of rfp:manifest is missing");
		st = RFP_ERR_INVALID;
		goto out;
	}
	for (xmlNode *c = root->children; c; c = c->next) {
		bool item = is(c, RFP_MANIFEST_NS, "item");
		struct rv_mitem *it;
		char hex[65];

		if (!item && !is(c, RFP_MANIFEST_NS, "excluded"))
			continue;
		it = item ? &f->m.items[f->m.n++] : &f->excl[f->m.nexcluded++];
		it->id = aattr(r, c, "id");
		it->no = aattr(r, c, "no");
		it->measure = aattr(r, c, "measure");
		it->sha256 = aattr(r, c, "sha256");
		it->included = aattr(r, c, item ? "included" : "reason");
		it->text = content(r, c);
		if (!it->id || !*it->id || !it->no || !it->measure || !is_hex64(it->sha256) ||
		    !it->text) {
			rfp_diag(ctx, REVIEW_MANIFEST, &w, "an item lacks its id, number, measure or SHA-256");
			st = RFP_ERR_INVALID;
			goto out;
		}
		struct rfp_buf nb = RFP_BUF_INIT(ctx->limits.max_part_bytes);

		rfp_manifest_normalise(&nb, it->text, strlen(it->text));
		rfp_sha256_hex(nb.ptr, nb.len, hex);
		it->self_ok = !nb.err && strcmp(hex, it->sha256) == 0;
		rfp_buf_fini(&nb);
	}
	v = attr(root, "items", NULL);
	if (!v || strtoul(v, NULL, 10) != f->m.n) {
		rfp_diag(ctx, REVIEW_MANIFEST, &w, "its item count does not match the items it lists");
		free(v);
		st = RFP_ERR_INVALID;
		goto out;
	}
	free(v);
	struct rfp_buf b = RFP_BUF_INIT(ctx->limits.max_part_bytes);

	canonical(&b, root);
	if ((st = b.err) == RFP_OK) {
		rfp_sha256_hex(b.ptr, b.len, f->canon);
		rfp_sha256_hex(data, len, f->bytes);
		f->ok = true;
	}
	rfp_buf_fini(&b);
out:
	xmlFreeDoc(doc);
	return st;
}

/* A property of the document, malloc'd, or NULL: DOCX docProps/custom.xml,
 * ODT meta.xml's user-defined ones. LibreOffice moves one into the other
 * when it converts, so both are looked at. */
static char *
doc_property(struct rfp_ctx *ctx, struct rfp_review *r, const struct rfp_pkg *pkg, bool odt,
    const char *name)
{
	const struct rfp_pkg_entry *e = rfp_pkg_find(pkg, odt ? "meta.xml" : "docProps/custom.xml");
	xmlDoc *doc = NULL;
	xmlNode *root, *list;
	char *out = NULL;

	if (!e || !memmem(e->data, e->len, name, strlen(name)) ||
	    rfp_xml_parse(ctx, r->file, e->name, e->data, e->len, &doc) != RFP_OK)
		return NULL;
	root = xmlDocGetRootElement(doc);
	list = !root ? NULL : odt ? (xmlNode *)child(root, NS_OFFICE, "meta") : root;
	for (xmlNode *c = list ? list->children : NULL; c && !out; c = c->next) {
		char *pn = NULL;

		if (odt ? is(c, NS_META, "user-defined") : is(c, NS_CUSTOM, "property"))
			pn = odt ? attr(c, "name", NS_META) : attr(c, "name", NULL);
		if (pn && strcmp(pn, name) == 0) {
			xmlChar *v = xmlNodeGetContent(c);

			out = strdup(v ? (const char *)v : "");
			xmlFree(v);
		}
		free(pn);
	}
	xmlFreeDoc(doc);
	return out;
}

/*
 * Finds the returned file's own manifest into *f (f->ok false: none): the
 * DOCX custom XML part or the ODT entry, else the copy in the document's
 * properties. *copies is 1 when two copies were found and agree, -1 when
 * they differ, 0 with one; *recorded the SHA-256 the annex recorded of
 * its manifest (malloc'd, or NULL).
 */
static enum rfp_status
find_manifest(struct rfp_ctx *ctx, struct rfp_review *r, const struct rfp_pkg *pkg, bool odt,
    struct found *f, int *copies, char **recorded)
{
	const struct rfp_pkg_entry *e = odt ? rfp_pkg_find(pkg, RFP_MANIFEST_ODT) : NULL;
	const char *where = odt ? "meta.xml" : "docProps/custom.xml";
	char *copy = NULL;
	struct found g = { 0 };
	enum rfp_status st = RFP_OK;

	memset(f, 0, sizeof(*f));
	*copies = 0;
	*recorded = doc_property(ctx, r, pkg, odt, RFP_MANIFEST_PROPERTY "-sha256");
	for (size_t i = 0; !odt && i < pkg->n && !f->ok; i++) {
		const struct rfp_pkg_entry *x = &pkg->entries[i];
		size_t nl = strlen(x->name);

		if (strncmp(x->name, "customXml/", 10) != 0 || strchr(x->name + 10, '/') ||
		    nl < 4 || strcmp(x->name + nl - 4, ".xml") != 0 ||
		    !memmem(x->data, x->len, RFP_MANIFEST_NS, strlen(RFP_MANIFEST_NS)))
			continue;
		if ((st = parse_manifest(ctx, r, x->name, x->data, x->len, f)) != RFP_OK)
			return st;
	}
	if (e && (st = parse_manifest(ctx, r, e->name, e->data, e->len, f)) != RFP_OK)
		return st;
	if ((copy = doc_property(ctx, r, pkg, odt, RFP_MANIFEST_PROPERTY)) != NULL &&
	    (st = parse_manifest(ctx, r, where, copy, strlen(copy), &g)) != RFP_OK)
		goto out;
	if (f->ok && g.ok) {
		*copies = strcmp(f->canon, g.canon) == 0 ? 1 : -1;
	} else if (g.ok) {
		*f = g;
		if (!problem(r, "manifest-copy", SIZE_MAX, false, afmt(r,
		    "附件紀錄讀自 %s 之文件屬性（原存放處已不在：LibreOffice 另存或轉檔時如此）", where)))
			st = RFP_ERR_NOMEM;
	}
out:
	free(copy);
	return st;
}

/* ---- walking the document ----------------------------------------------- */

static struct rv_row *
cur(struct walk *w)
{
	return w->row >= 0 ? &w->rows[w->row] : NULL;
}

static struct rfp_buf *
sink(struct walk *w)
{
	struct rv_row *r = cur(w);

	if (!r)
		return NULL;
	if (w->ctl >= 0)
		return &r->ctls[w->ctl].text;
	if (w->cell >= 0)
		return &r->cells[w->cell];
	return NULL;
}

static void
put(struct walk *w, const char *s, size_t n)
{
	struct rfp_buf *b = sink(w);

	if (b)
		rfp_buf_add(b, s, n);
}

static long
new_row(struct walk *w, long table)
{
	void *p = w->rows;

	if (!grow(&p, &w->caprows, w->nrows, sizeof(*w->rows))) {
		w->st = RFP_ERR_NOMEM;
		return -1;
	}
	w->rows = p;
	w->rows[w->nrows] = (struct rv_row){ .table = table, .item = -1 };
	return (long)w->nrows++;
}

static long
new_cell(struct walk *w)
{
	struct rv_row *r = cur(w);
	void *p;

	if (!r)
		return -1;
	p = r->cells;
	if (!grow(&p, &r->capcells, r->ncells, sizeof(*r->cells))) {
		w->st = RFP_ERR_NOMEM;
		return -1;
	}
	r->cells = p;
	rfp_buf_init(&r->cells[r->ncells], w->max);
	return (long)r->ncells++;
}

static long
new_ctl(struct walk *w, int kind, char *id, char *alias_no, bool placeholder, char *selected)
{
	struct rv_row *r = cur(w);
	void *p;

	if (!r || !(p = r->ctls, grow(&p, &r->capctls, r->nctls, sizeof(*r->ctls)))) {
		free(id);
		free(alias_no);
		free(selected);
		w->st = RFP_ERR_NOMEM;
		return -1;
	}
	r->ctls = p;
	r->ctls[r->nctls] = (struct rv_ctl){ kind, id, alias_no, placeholder, selected,
		RFP_BUF_INIT(w->max) };
	if (id)
		w->named = true;
	return (long)r->nctls++;
}

static void
free_row(struct rv_row *r)
{
	for (size_t i = 0; i < r->ncells; i++)
		rfp_buf_fini(&r->cells[i]);
	for (size_t i = 0; i < r->nctls; i++) {
		free(r->ctls[i].id);
		free(r->ctls[i].alias_no);
		free(r->ctls[i].selected);
		rfp_buf_fini(&r->ctls[i].text);
	}
	free(r->cells);
	free(r->ctls);
	r->cells = NULL;
	r->ctls = NULL;
	r->ncells = r->nctls = 0;
}

/* rfp:KIND:ID → kind and a malloc'd ID; -1 if name is no such name. */
static int
ctl_name(const char *name, char **id)
{
	static const char *const kinds[] = { "rfp:reply:", "rfp:note:", "rfp:pages:" };

	for (int k = 0; name && k < 3; k++) {
		size_t n = strlen(kinds[k]);

		if (strncmp(name, kinds[k], n) == 0 && name[n]) {
			*id = strdup(name + n);
			return *id ? k : -1;
		}
	}
	return -1;
}

/* The kind an alias names ("廠商回覆 1.1.1", "說明 1.1.1", "佐證頁次 1.1.1")
 * and its number, malloc'd; -1 if none. */
static int
alias_kind(const char *alias, char **no)
{
	static const char *const labels[] = { "廠商回覆 ", "說明 ", "佐證頁次 " };

	for (int k = 0; alias && k < 3; k++) {
		size_t n = strlen(labels[k]);

		if (strncmp(alias, labels[k], n) == 0 && alias[n]) {
			*no = strdup(alias + n);
			return k;
		}
	}
	return -1;
}

static void walk_nodes(struct walk *w, const xmlNode *n);

/* Starts a one-cell row for a paragraph or control outside any table row;
 * returns whether it did. */
static bool
loose_start(struct walk *w)
{
	long r;

	if (w->row >= 0)
		return false;
	if ((r = new_row(w, -1)) < 0)
		return false;
	w->row = r;
	w->cell = new_cell(w);
	w->ctl = -1;
	return true;
}

/* Ends it: kept as a row if it holds a control, else its text is kept as a
 * paragraph outside tables. */
static void
loose_end(struct walk *w)
{
	struct rv_row *r = cur(w);
	void *p = w->paras;

	if (w->fld == 3) {
		w->fld = 0;
		w->ctl = w->fld_ctl;
	}
	if (r && !r->nctls) {
		struct rfp_buf b = RFP_BUF_INIT(w->max);

		if (r->ncells)
			rfp_manifest_normalise(&b, r->cells[0].ptr, r->cells[0].len);
		if (b.len && grow(&p, &w->capparas, w->nparas, sizeof(*w->paras))) {
			w->paras = p;
			w->paras[w->nparas++] = rfp_buf_detach(&b, NULL);
		}
		rfp_buf_fini(&b);
		free_row(r);
		r->dead = true;
	}
	w->row = -1;
	w->cell = -1;
	w->ctl = -1;
}

static void
walk_table(struct walk *w, const xmlNode *n)
{
	long row = w->row, cell = w->cell, ctl = w->ctl, table = w->table;
	bool hdr = w->header_rows;
	unsigned para = w->in_para;

	w->table = (long)w->ntables++;
	w->row = w->cell = w->ctl = -1;
	w->header_rows = false;
	w->in_para = 0;
	walk_nodes(w, n->children);
	w->row = row;
	w->cell = cell;
	w->ctl = ctl;
	w->table = table;
	w->header_rows = hdr;
	w->in_para = para;
}

static bool
docx_header_row(const xmlNode *tr)
{
	const xmlNode *h = child(child(tr, NULL, "trPr"), NULL, "tblHeader");
	char *v;
	bool on;

	if (!h)
		return false;
	v = attr(h, "val", NS_W);
	on = !v || !(strcmp(v, "0") == 0 || strcmp(v, "false") == 0 || strcmp(v, "off") == 0);
	free(v);
	return on;
}

static void
walk_row(struct walk *w, const xmlNode *n, bool header)
{
	long row = w->row, cell = w->cell, ctl = w->ctl;
	long r;

	if (w->table < 0) {
		/* A row outside a table is not well-formed DOCX/ODF: read its text. */
		walk_nodes(w, n->children);
		return;
	}
	if ((r = new_row(w, w->table)) < 0)
		return;
	w->rows[r].header = header;
	w->row = r;
	w->cell = w->ctl = -1;
	walk_nodes(w, n->children);
	w->row = row;
	w->cell = cell;
	w->ctl = ctl;
}

static void
walk_cell(struct walk *w, const xmlNode *n)
{
	long cell = w->cell, ctl = w->ctl;

	if (!cur(w) || cur(w)->table < 0) {
		walk_nodes(w, n->children);
		return;
	}
	w->cell = new_cell(w);
	w->ctl = -1;
	walk_nodes(w, n->children);
	w->cell = cell;
	w->ctl = ctl;
}

static void
walk_para(struct walk *w, const xmlNode *n)
{
	bool loose = loose_start(w);

	w->in_para++;
	walk_nodes(w, n->children);
	w->in_para--;
	put(w, "\n", 1);
	if (loose)
		loose_end(w);
}

/* A control's content, with the control as the text sink. */
static void
walk_ctl(struct walk *w, const xmlNode *content, int kind, char *id, char *alias_no,
    bool placeholder, char *selected)
{
	bool loose = loose_start(w);
	long ctl = w->ctl, c;

	if ((c = new_ctl(w, kind, id, alias_no, placeholder, selected)) >= 0) {
		w->ctl = c;
		walk_nodes(w, content);
	}
	w->ctl = ctl;
	if (loose)
		loose_end(w);
}

/* A Word content control: ours by its tag (or, untagged, by its alias or
 * its list of the four answers), else only a container of text. */
static void
walk_sdt(struct walk *w, const xmlNode *n)
{
	const xmlNode *pr = child(n, NULL, "sdtPr"), *body = child(n, NULL, "sdtContent");
	const xmlNode *list = child(pr, NULL, "dropDownList");
	char *tag = NULL, *alias = NULL, *id = NULL, *no = NULL, *last = NULL;
	int kind = -1;

	if (!list)
		list = child(pr, NULL, "comboBox");
	/* A control around cells or rows is only a container. */
	if (n->parent && (is_w(n->parent, "tr") || is_w(n->parent, "tbl"))) {
		walk_nodes(w, body ? body->children : NULL);
		return;
	}
	if (child(pr, NULL, "tag"))
		tag = attr(child(pr, NULL, "tag"), "val", NS_W);
	if (child(pr, NULL, "alias"))
		alias = attr(child(pr, NULL, "alias"), "val", NS_W);
	kind = ctl_name(tag, &id);
	if (kind < 0)
		kind = alias_kind(alias, &no);
	if (kind < 0 && list) {
		for (const xmlNode *c = list->children; c; c = c->next) {
			char *v = is_w(c, "listItem") ? attr(c, "value", NS_W) : NULL;

			if (v && strcmp(v, "符合") == 0)
				kind = CTL_REPLY;
			free(v);
		}
	}
	if (list)
		last = attr(list, "lastValue", NS_W);
	free(tag);
	free(alias);
	if (kind < 0) {
		free(no);
		free(last);
		walk_nodes(w, body ? body->children : NULL);
		return;
	}
	walk_ctl(w, body ? body->children : NULL, kind, id, no,
	    child(pr, NULL, "showingPlcHdr") != NULL, last);
}

/* Field characters: a FILLIN "rfp:KIND:ID" field's result is that control;
 * fields inside fields are read as text. */
static void
walk_field(struct walk *w, const xmlNode *n)
{
	char *type = attr(n, "fldCharType", NS_W);

	if (!type)
		return;
	if (strcmp(type, "begin") == 0 && w->fld == 0) {
		w->fld = 1;
		rfp_buf_reset(&w->instr);
	} else if (strcmp(type, "separate") == 0 && w->fld == 1) {
		char *name = NULL, *id = NULL, *q;
		const char *p = w->instr.ptr;
		int kind = -1;

		while (*p == ' ')
			p++;
		if (strncmp(p, "FILLIN", 6) == 0 && (p = strchr(p, '"')) && (q = strchr(p + 1, '"')) &&
		    (name = strndup(p + 1, (size_t)(q - p - 1))))
			kind = ctl_name(name, &id);
		free(name);
		w->fld = 2;
		if (kind >= 0 && cur(w)) {
			long c;

			w->fld_ctl = w->ctl;
			if ((c = new_ctl(w, kind, id, NULL, false, NULL)) >= 0) {
				w->ctl = c;
				w->fld = 3;
			}
		} else {
			free(id);
		}
	} else if (strcmp(type, "end") == 0 && w->fld) {
		if (w->fld == 3)
			w->ctl = w->fld_ctl;
		w->fld = 0;
	}
	free(type);
}

static void
walk_docx(struct walk *w, const xmlNode *n)
{
	if (is_w(n, "tbl")) {
		walk_table(w, n);
	} else if (is_w(n, "tr")) {
		walk_row(w, n, docx_header_row(n));
	} else if (is_w(n, "tc")) {
		walk_cell(w, n);
	} else if (is_w(n, "p")) {
		walk_para(w, n);
	} else if (is_w(n, "t")) {
		for (const xmlNode *c = n->children; c; c = c->next)
			if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)
				put(w, (const char *)c->content, strlen((const char *)c->content));
	} else if (is_w(n, "tab")) {
		put(w, "\t", 1);
	} else if (is_w(n, "br") || is_w(n, "cr")) {
		put(w, "\n", 1);
	} else if (is_w(n, "noBreakHyphen")) {
		put(w, "-", 1);
	} else if (is_w(n, "fldChar")) {
		walk_field(w, n);
	} else if (is_w(n, "instrText")) {
		for (const xmlNode *c = n->children; w->fld == 1 && c; c = c->next)
			if (c->type == XML_TEXT_NODE)
				rfp_buf_adds(&w->instr, (const char *)c->content);
	} else if (is_w(n, "sdt")) {
		walk_sdt(w, n);
	} else if (is_w(n, "del") || is_w(n, "moveFrom")) {
		/* Deleted by a tracked change: not in the text the bidder shows. */
		if (cur(w))
			cur(w)->tracked = true;
	} else if (is_w(n, "ins") || is_w(n, "moveTo")) {
		if (cur(w))
			cur(w)->tracked = true;
		walk_nodes(w, n->children);
	} else if (is(n, NS_MC, "Fallback") || is_w(n, "sdtPr") || is_w(n, "rPr") ||
	    is_w(n, "pPr") || is_w(n, "tblPr") || is_w(n, "trPr") || is_w(n, "tcPr") ||
	    is_w(n, "instrText") || is_w(n, "delText")) {
		/* no text of the document */
	} else {
		walk_nodes(w, n->children);
	}
}

/* An ODF input list: its text is the value; the label marked selected is
 * kept too. */
/* The kind of an unnamed text input by the label just before it in its
 * paragraph (說明：, 頁次：), as in a DOCX that LibreOffice converted; -1. */
static int
label_kind(struct walk *w)
{
	static const char *const labels[] = { "說明：", "頁次：" };
	const struct rfp_buf *b = sink(w);

	for (int k = 0; b && k < 2; k++) {
		size_t n = strlen(labels[k]);

		if (b->len >= n && memcmp(b->ptr + b->len - n, labels[k], n) == 0)
			return CTL_NOTE + k;
	}
	return -1;
}

static void
walk_odf_ctl(struct walk *w, const xmlNode *n, bool list)
{
	char *name = attr(n, list ? "name" : "description", NS_TEXT), *id = NULL, *sel = NULL;
	int kind = ctl_name(name, &id);

	free(name);
	if (kind < 0 && !list)
		kind = label_kind(w);
	if (kind < 0) {
		w->in_para++;
		walk_nodes(w, n->children);
		w->in_para--;
		return;
	}
	for (const xmlNode *c = list ? n->children : NULL; c && !sel; c = c->next) {
		char *cs = is(c, NS_TEXT, "label") ? attr(c, "current-selected", NS_TEXT) : NULL;

		if (cs && strcmp(cs, "true") == 0)
			sel = attr(c, "value", NS_TEXT);
		free(cs);
	}
	w->in_para++;
	walk_ctl(w, n->children, kind, id, NULL, false, sel);
	w->in_para--;
}

static void
walk_odf(struct walk *w, const xmlNode *n)
{
	if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
		if (w->in_para)
			put(w, (const char *)n->content, strlen((const char *)n->content));
	} else if (is(n, NS_TABLE, "table")) {
		walk_table(w, n);
	} else if (is(n, NS_TABLE, "table-header-rows")) {
		bool hdr = w->header_rows;

		w->header_rows = true;
		walk_nodes(w, n->children);
		w->header_rows = hdr;
	} else if (is(n, NS_TABLE, "table-row")) {
		walk_row(w, n, w->header_rows);
	} else if (is(n, NS_TABLE, "table-cell") || is(n, NS_TABLE, "covered-table-cell")) {
		walk_cell(w, n);
	} else if (is(n, NS_TEXT, "p") || is(n, NS_TEXT, "h")) {
		walk_para(w, n);
	} else if (is(n, NS_TEXT, "s")) {
		put(w, " ", 1);
	} else if (is(n, NS_TEXT, "tab")) {
		put(w, "\t", 1);
	} else if (is(n, NS_TEXT, "line-break")) {
		put(w, "\n", 1);
	} else if (is(n, NS_TEXT, "drop-down")) {
		walk_odf_ctl(w, n, true);
	} else if (is(n, NS_TEXT, "text-input")) {
		walk_odf_ctl(w, n, false);
	} else if (is(n, NS_LOEXT, "content-control")) {
		/* LibreOffice's own content control (a DOCX it converted): ours
		 * if it lists the four answers; the list items have no text. */
		int kind = -1;

		for (const xmlNode *c = n->children; c; c = c->next) {
			char *v = is(c, NS_LOEXT, "list-item") ? attr(c, "value", NS_LOEXT) : NULL;

			if (v && strcmp(v, "符合") == 0)
				kind = CTL_REPLY;
			free(v);
		}
		w->in_para++;
		if (kind < 0)
			walk_nodes(w, n->children);
		else
			walk_ctl(w, n->children, kind, NULL, NULL, false, NULL);
		w->in_para--;
	} else if (is(n, NS_LOEXT, "list-item")) {
		/* the choices, not the text */
	} else if (is(n, NS_TEXT, "tracked-changes") || is(n, NS_TEXT, "note") ||
	    is(n, NS_OFFICE, "annotation") || is(n, NS_TEXT, "label")) {
		/* not the text of the document */
	} else if (n->type == XML_ELEMENT_NODE) {
		walk_nodes(w, n->children);
	}
}

static void
walk_nodes(struct walk *w, const xmlNode *n)
{
	for (; n && !w->st; n = n->next)
		w->odf ? walk_odf(w, n) : walk_docx(w, n);
}

static void
walk_fini(struct walk *w)
{
	for (size_t i = 0; i < w->nrows; i++)
		free_row(&w->rows[i]);
	free(w->rows);
	for (size_t i = 0; i < w->nparas; i++)
		free(w->paras[i]);
	free(w->paras);
	rfp_buf_fini(&w->instr);
}

/* ---- answers ------------------------------------------------------------ */

/* s without white space (ASCII, NBSP, U+3000), malloc'd. */
static char *
squeeze(const char *s)
{
	size_t n = strlen(s), k = 0;
	char *o = malloc(n + 1);

	if (!o)
		return NULL;
	for (size_t i = 0; i < n;) {
		const unsigned char *p = (const unsigned char *)s + i;

		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			i++;
		else if (n - i >= 2 && p[0] == 0xC2 && p[1] == 0xA0)
			i += 2;
		else if (n - i >= 3 && p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80)
			i += 3;
		else
			o[k++] = s[i++];
	}
	o[k] = '\0';
	return o;
}

static enum rfp_reply
reply_of(const char *s)
{
	for (int k = RFP_REPLY_MEETS; k <= RFP_REPLY_NA; k++)
		if (strcmp(s, rfp_reply_names[k]) == 0)
			return (enum rfp_reply)k;
	return RFP_REPLY_NONE;
}

static bool
is_placeholder(const char *squeezed)
{
	static const char *const p[] = { "", "請選擇", "選擇一個項目。", "選擇一個項目",
		"Chooseanitem.", "按一下或點選這裡以輸入文字。", "Clickortapheretoentertext." };

	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++)
		if (strcmp(squeezed, p[i]) == 0)
			return true;
	return false;
}

/*
 * The typed-answer rule (docs/review.md): in text typed outside the
 * controls, an answer is one of the four words marked by ■ ☑ ☒ ✓ ✔ √ V v
 * Ｖ ● ◼ ▣ right before it (spaces aside), or, when nothing is marked and
 * no □ is left, a cell holding nothing but one of the four words. The
 * words are matched longest first, so 不符合 is not read as 符合. Returns
 * the answers found as bits (1 << enum rfp_reply).
 */
static unsigned
typed_answers(const char *s)
{
	static const char *const marks[] = { "■", "☑", "☒", "✓", "✔", "√", "V", "v", "Ｖ", "ｖ",
		"●", "◼", "▣", "✅" };
	static const int order[] = { RFP_REPLY_PARTIAL, RFP_REPLY_FAILS, RFP_REPLY_NA,
		RFP_REPLY_MEETS };
	unsigned found = 0;
	size_t n = strlen(s), prev = SIZE_MAX, prevlen = 0;
	bool boxes = strstr(s, "□") || strstr(s, "☐");

	for (size_t i = 0; i < n;) {
		int hit = -1;
		unsigned cp;
		size_t w;

		for (size_t k = 0; k < 4 && hit < 0; k++) {
			const char *o = rfp_reply_names[order[k]];

			if (strncmp(s + i, o, strlen(o)) == 0)
				hit = order[k];
		}
		if (hit >= 0) {
			for (size_t m = 0; prev != SIZE_MAX && m < sizeof(marks) / sizeof(marks[0]); m++)
				if (prevlen == strlen(marks[m]) && memcmp(s + prev, marks[m], prevlen) == 0)
					found |= 1u << hit;
			i += strlen(rfp_reply_names[hit]);
			prev = SIZE_MAX;
			continue;
		}
		w = rfp_utf8_decode((const unsigned char *)s + i, n - i, &cp);
		w = w ? w : 1;
		if (!(cp == ' ' || cp == 0xA0 || cp == 0x3000 || cp == '\t' || cp == '\n')) {
			prev = i;
			prevlen = w;
		}
		i += w;
	}
	if (!found && !boxes) {
		/* Nothing but one word, a full stop or comma after it aside. */
		static const char *const stops[] = { ".", ",", ";", "!", "。", "，", "；", "！", "．" };
		char *q = squeeze(s);
		size_t k = q ? strlen(q) : 0;

		for (bool more = true; q && more;) {
			more = false;
			for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++) {
				size_t sl = strlen(stops[i]);

				if (k >= sl && strcmp(q + k - sl, stops[i]) == 0) {
					q[k -= sl] = '\0';
					more = true;
				}
			}
		}
		if (q && reply_of(q) != RFP_REPLY_NONE)
			found |= 1u << reply_of(q);
		free(q);
	}
	return found;
}

static const char *
answers_named(struct rfp_review *r, unsigned bits)
{
	struct rfp_buf b = RFP_BUF_INIT(1024);
	char *s;

	for (int k = RFP_REPLY_MEETS; k <= RFP_REPLY_NA; k++)
		if (bits & (1u << k))
			rfp_buf_addf(&b, "%s%s", b.len ? "、" : "", rfp_reply_names[k]);
	s = adup(r, b.ptr);
	rfp_buf_fini(&b);
	return s;
}

/* The text after label ("說明：") in s, up to the next label or the end,
 * normalised; "" if none. */
static char *
after_label(struct rfp_review *r, const char *s, const char *label, const char *next)
{
	const char *p = strstr(s, label), *e;

	if (!p)
		return adup(r, "");
	p += strlen(label);
	e = next ? strstr(p, next) : NULL;
	return anorm(r, p, e ? (size_t)(e - p) : strlen(p));
}

static const struct rv_mitem *
item_by(const struct rv_manifest *m, const char *key, bool by_no, long *k)
{
	for (size_t i = 0; key && i < m->n; i++)
		if (strcmp(by_no ? m->items[i].no : m->items[i].id, key) == 0) {
			*k = (long)i;
			return &m->items[i];
		}
	return NULL;
}

/* The item whose number the first cell of a table row holds, or NULL. */
static const struct rv_mitem *
item_of_number(struct rfp_review *r, const struct rv_row *row, long *k)
{
	if (row->table < 0 || !row->ncells)
		return NULL;
	return item_by(&r->m, anorm(r, row->cells[0].ptr, row->cells[0].len), true, k);
}

/*
 * The value of the controls of kind in row, normalised. Named controls of
 * one kind are joined. Unnamed ones are what LibreOffice 7.4 writes when it
 * saves a DOCX: it splits a text control at every change of script into
 * copies that repeat the text, the first holding the value whole; so the
 * first is the value (docs/review.md).
 */
static char *
ctl_value(struct rfp_review *r, const struct rv_row *row, int kind, bool *any)
{
	struct rfp_buf b = RFP_BUF_INIT(1u << 24);
	bool named = false;
	char *s;

	*any = false;
	for (size_t i = 0; i < row->nctls; i++)
		named |= row->ctls[i].kind == kind && row->ctls[i].id;
	for (size_t i = 0; i < row->nctls; i++) {
		const struct rv_ctl *c = &row->ctls[i];

		if (c->kind != kind || (named && !c->id))
			continue;
		if (*any && !named)
			break;
		*any = true;
		if (c->placeholder && kind != CTL_REPLY)
			continue;
		/* The same text twice is one value (LibreOffice's copies). */
		bool seen = false;

		for (size_t k = 0; k < i && !seen; k++)
			seen = row->ctls[k].kind == kind && row->ctls[k].id &&
			    row->ctls[k].text.len == c->text.len &&
			    memcmp(row->ctls[k].text.ptr, c->text.ptr, c->text.len) == 0;
		if (seen)
			continue;
		rfp_buf_add(&b, c->text.ptr, c->text.len);
		rfp_buf_addc(&b, ' ');
	}
	s = anorm(r, b.ptr, b.len);
	rfp_buf_fini(&b);
	return s;
}

/* Checks row's requirement text against item it; sets ri's ALTERED, the
 * returned text and the diff. Returns the index of the text cell, -1 if
 * the text is not in the row, -2 when out of memory. */
static long
check_text(struct rfp_review *r, struct walk *w, const struct rv_row *row,
    const struct rv_mitem *it, struct rv_item *ri, char **cells)
{
	struct rfp_buf raw = RFP_BUF_INIT(1u << 24), nf = RFP_BUF_INIT(1u << 24),
	    nt = RFP_BUF_INIT(1u << 24), pre = RFP_BUF_INIT(1u << 24), d = RFP_BUF_INIT(1u << 24);
	size_t nl = strlen(it->no);
	char hex[65], *snt = NULL, *snf = NULL;
	double best = -1;
	long bc = -1, out = -2;

	rfp_buf_addf(&raw, "%s：%s", it->measure, it->text);
	rfp_manifest_normalise(&nf, raw.ptr, raw.len);
	rfp_manifest_normalise(&nt, it->text, strlen(it->text));
	rfp_manifest_normalise(&pre, it->measure, strlen(it->measure));
	rfp_buf_adds(&pre, "：");
	if (raw.err || nf.err || nt.err || pre.err)
		goto done;
	for (size_t c = 0; c < row->ncells; c++) {
		const char *t = cells[c], *x;

		/* "1.1.1 帳號管理：…" in one cell is the same text. */
		if (nl && strncmp(t, it->no, nl) == 0 && t[nl] == ' ')
			t += nl + 1;
		x = strncmp(t, pre.ptr, pre.len) == 0 ? t + pre.len : t;
		/* The digest of the manifest; when the manifest's text is its
		 * digest's, comparing the texts is the same and cheaper. */
		if (it->self_ok ? strcmp(x, nt.ptr) == 0 :
		    (rfp_sha256_hex(x, strlen(x), hex), strcmp(hex, it->sha256) == 0)) {
			out = (long)c;
			goto done;
		}
	}
	/* White space added or taken out (a space, a line break, U+3000
	 * between Chinese characters) changes no requirement. */
	if (!(snt = squeeze(nt.ptr)) || !(snf = squeeze(nf.ptr)))
		goto done;
	for (size_t c = 0; c < row->ncells; c++) {
		char *sc = squeeze(cells[c]);
		bool same = sc && (strcmp(sc, snf) == 0 || strcmp(sc, snt) == 0);

		free(sc);
		if (same) {
			out = (long)c;
			goto done;
		}
	}
	for (size_t c = 0; c < row->ncells; c++) {
		double sim;

		if (row->table >= 0 && c == 0 && strcmp(cells[c], it->no) == 0)
			continue;
		sim = rfp_text_similarity(nf.ptr, cells[c]);
		if (sim > best) {
			best = sim;
			bc = (long)c;
		}
	}
	if (best < 0.5) {
		/* The text may stand outside the row in an agency's layout. */
		for (size_t i = 0; i < w->nparas; i++)
			if (strcmp(w->paras[i], nf.ptr) == 0 || strcmp(w->paras[i], nt.ptr) == 0) {
				out = -1;
				goto done;
			}
		bc = -1;
	}
	const char *got = bc >= 0 ? cells[bc] : "";

	if (bc >= 0 && strncmp(got, pre.ptr, pre.len) == 0)
		rfp_text_diff(&d, nt.ptr, got + pre.len);
	else
		rfp_text_diff(&d, nf.ptr, got);
	ri->flags |= RFP_REVIEW_ALTERED;
	ri->returned = adup(r, got);
	ri->diff = d.err ? NULL : adup(r, d.ptr);
	out = ri->diff && ri->returned ? bc : -2;
done:
	free(snt);
	free(snf);
	rfp_buf_fini(&raw);
	rfp_buf_fini(&nf);
	rfp_buf_fini(&nt);
	rfp_buf_fini(&pre);
	rfp_buf_fini(&d);
	return out;
}

/* Reads the answer, 說明 and 佐證頁次 of item k from its row. */
static bool
read_item(struct rfp_review *r, struct walk *w, size_t k, const struct rv_row *row)
{
	const struct rv_mitem *it = &r->m.items[k];
	struct rv_item *ri = &r->items[k];
	char **cells = calloc(row->ncells ? row->ncells : 1, sizeof(*cells));
	char *ctl = NULL;
	bool any_reply, any_note, any_pages, ok = false;
	unsigned typed = 0;
	long tc;

	if (!cells)
		return false;
	for (size_t c = 0; c < row->ncells; c++)
		if (!(cells[c] = anorm(r, row->cells[c].ptr, row->cells[c].len)))
			goto out;
	if ((tc = check_text(r, w, row, it, ri, cells)) < -1)
		goto out;
	/* The control's answer. */
	if (!(ctl = ctl_value(r, row, CTL_REPLY, &any_reply)))
		goto out;
	char *sq = squeeze(ctl);
	enum rfp_reply control = sq ? reply_of(sq) : RFP_REPLY_NONE;
	bool blank = sq && is_placeholder(sq);

	free(sq);
	if (!blank && control == RFP_REPLY_NONE)
		typed |= typed_answers(ctl);	/* typed into a text input */
	for (size_t c = 0; c < row->ncells; c++)
		if ((long)c != tc && !(row->table >= 0 && c == 0))
			typed |= typed_answers(cells[c]);
	ri->answer = adup(r, blank ? "" : ctl);
	if (control != RFP_REPLY_NONE) {
		ri->reply = control;
		if (typed & ~(1u << control)) {
			ri->flags |= RFP_REVIEW_CONFLICT;
			ok = problem(r, "typed-conflict", k, true, afmt(r,
			    "控制項選擇「%s」，但儲存格另以文字勾選「%s」", rfp_reply_names[control],
			    answers_named(r, typed & ~(1u << control))));
			if (!ok)
				goto out;
		}
	} else if (typed && !(typed & (typed - 1))) {
		for (int a = RFP_REPLY_MEETS; a <= RFP_REPLY_NA; a++)
			if (typed == 1u << a)
				ri->reply = (enum rfp_reply)a;
		ri->flags |= RFP_REVIEW_TYPED;
		ri->answer = rfp_reply_names[ri->reply];
		if (!problem(r, "typed", k, false, afmt(r,
		    "回覆係於控制項外以文字填寫，依填寫規則判讀為「%s」", rfp_reply_names[ri->reply])))
			goto out;
	} else if (typed) {
		ri->reply = RFP_REPLY_OTHER;
		ri->flags |= RFP_REVIEW_INVALID;
		ri->answer = answers_named(r, typed);
		if (!problem(r, "invalid-answer", k, true, afmt(r, "勾選了多個回覆：%s", ri->answer)))
			goto out;
	} else if (!blank) {
		ri->reply = RFP_REPLY_OTHER;
		ri->flags |= RFP_REVIEW_INVALID;
		if (!problem(r, "invalid-answer", k, true, afmt(r,
		    "廠商回覆「%s」不是符合、部分符合、不符合或不適用", ri->answer)))
			goto out;
	} else {
		ri->reply = RFP_REPLY_NONE;
		ri->flags |= RFP_REVIEW_UNANSWERED;
		if (!problem(r, "unanswered", k, true, adup(r, any_reply ? "未選擇廠商回覆" :
		    "廠商回覆欄之控制項已刪除，亦無文字回覆")))
			goto out;
	}
	/* 說明 and 佐證頁次: the controls, else what was typed after the labels. */
	if (!(ri->note = ctl_value(r, row, CTL_NOTE, &any_note)) ||
	    !(ri->pages = ctl_value(r, row, CTL_PAGES, &any_pages)))
		goto out;
	for (size_t c = 0; c < row->ncells && (!*ri->note || !*ri->pages); c++) {
		char *note, *pages;

		if ((long)c == tc)
			continue;
		if (!(note = after_label(r, cells[c], "說明：", "頁次：")) ||
		    !(pages = after_label(r, cells[c], "頁次：", NULL)))
			goto out;
		if (!*ri->note && *note) {
			ri->note = note;
			if (!problem(r, "typed", k, false, adup(r, "說明係於控制項外以文字填寫")))
				goto out;
			ri->flags |= RFP_REVIEW_TYPED;
		}
		if (!*ri->pages && *pages) {
			ri->pages = pages;
			if (!problem(r, "typed", k, false, adup(r, "佐證頁次係於控制項外以文字填寫")))
				goto out;
			ri->flags |= RFP_REVIEW_TYPED;
		}
	}
	if ((ri->reply == RFP_REPLY_FAILS || ri->reply == RFP_REPLY_PARTIAL) && !*ri->note) {
		ri->flags |= RFP_REVIEW_NO_NOTE;
		if (!problem(r, "no-note", k, false, afmt(r, "回覆「%s」但未填說明",
		    rfp_reply_names[ri->reply])))
			goto out;
	}
	if (ri->reply == RFP_REPLY_MEETS && !*ri->pages) {
		ri->flags |= RFP_REVIEW_NO_PAGES;
		if (!problem(r, "no-pages", k, false, adup(r, "回覆「符合」但未填佐證頁次")))
			goto out;
	}
	if ((ri->flags & RFP_REVIEW_ALTERED) && !problem(r, "altered", k, true,
	    afmt(r, "需求文字遭修改%s：%s", row->tracked ? "（追蹤修訂）" : "", ri->diff)))
		goto out;
	ok = true;
out:
	free(cells);
	return ok;
}

/* A row the issued checklist did not have, as one line of its cells. */
static bool
added_row(struct rfp_review *r, const struct rv_row *row)
{
	struct rfp_buf b = RFP_BUF_INIT(1u << 20);
	char *s;
	bool ok;

	for (size_t c = 0; c < row->ncells; c++) {
		struct rfp_buf t = RFP_BUF_INIT(1u << 20);

		rfp_manifest_normalise(&t, row->cells[c].ptr, row->cells[c].len);
		if (t.len)
			rfp_buf_addf(&b, "%s%s", b.len ? " | " : "", t.ptr);
		rfp_buf_fini(&t);
	}
	for (size_t c = 0; c < row->nctls; c++) {
		struct rfp_buf t = RFP_BUF_INIT(1u << 20);

		rfp_manifest_normalise(&t, row->ctls[c].text.ptr, row->ctls[c].text.len);
		if (t.len && !(row->ctls[c].kind == CTL_REPLY && strcmp(t.ptr, "請選擇") == 0))
			rfp_buf_addf(&b, "%s%s", b.len ? " | " : "", t.ptr);
		rfp_buf_fini(&t);
	}
	if (!b.len && !row->nctls) {
		rfp_buf_fini(&b);
		return true;	/* an empty row */
	}
	s = afmt(r, "查檢表多出一列：%.600s", b.len ? b.ptr : "（空白，僅有控制項）");
	rfp_buf_fini(&b);
	ok = problem(r, "added", SIZE_MAX, true, s);
	r->added += ok;
	return ok;
}

/* Matches the rows to the manifest's items and reads each item. */
static enum rfp_status
read_rows(struct rfp_review *r, struct walk *w)
{
	bool *check = calloc(w->ntables + 1, sizeof(*check));
	bool *reply_hdr = calloc(w->ntables + 1, sizeof(*reply_hdr));
	bool *lead_done = calloc(w->ntables + 1, sizeof(*lead_done));
	long *row_of = malloc((r->m.n ? r->m.n : 1) * sizeof(*row_of));
	size_t *times = calloc(r->m.n ? r->m.n : 1, sizeof(*times));
	bool any = false;
	enum rfp_status st = RFP_ERR_NOMEM;

	if (!check || !reply_hdr || !lead_done || !row_of || !times)
		goto out;
	for (size_t i = 0; i < r->m.n; i++)
		row_of[i] = -1;
	for (size_t i = 0; i < w->nrows; i++) {
		const struct rv_row *row = &w->rows[i];

		if (row->dead || row->table < 0)
			continue;
		if (row->nctls)
			any = check[row->table] = true;
		lead_done[row->table] |= row->header;
		for (size_t c = 0; row->header && c < row->ncells; c++)
			if (strstr(row->cells[c].ptr, "廠商回覆"))
				reply_hdr[row->table] = true;
	}
	/* Every control gone: the tables whose heading asks for the reply, and
	 * the checklist's last row, which the annex keeps with its closing line
	 * in a table of its own, with no heading (annex/endmark.c): a table
	 * right after a checked one, or inside the frame that follows it, whose
	 * rows each name an item. */
	for (size_t t = 0; !any && t < w->ntables; t++) {
		bool items = false;

		check[t] = reply_hdr[t];
		if (check[t] || !t || !(check[t - 1] || (t >= 2 && check[t - 2])))
			continue;
		for (size_t i = 0; i < w->nrows; i++) {
			const struct rv_row *row = &w->rows[i];
			long k;

			if (row->dead || row->table != (long)t)
				continue;
			if (row->header || !item_of_number(r, row, &k)) {
				items = false;
				break;
			}
			items = true;
		}
		check[t] = items;
	}
	/* An agency's own checklist table may not mark its heading as rows
	 * that repeat on each page: in a table with no such row, the rows above
	 * its first item that hold no control and no item number are its
	 * heading all the same. (A table that marks its heading keeps every
	 * other row: a row a bidder put above the first item is reported.) */
	for (size_t i = 0; i < w->nrows; i++) {
		struct rv_row *row = &w->rows[i];
		long k;

		if (row->dead || row->table < 0 || !check[row->table] || lead_done[row->table] ||
		    row->header)
			continue;
		if (row->nctls || item_of_number(r, row, &k))
			lead_done[row->table] = true;
		else
			row->header = true;
	}
	for (size_t i = 0; i < w->nrows; i++) {
		struct rv_row *row = &w->rows[i];
		const struct rv_mitem *it = NULL;
		long k = -1;

		if (row->dead || row->header || (row->table >= 0 && !check[row->table]) ||
		    (row->table < 0 && !row->nctls))
			continue;
		for (size_t c = 0; c < row->nctls && !it; c++)
			if (row->ctls[c].id)
				it = item_by(&r->m, row->ctls[c].id, false, &k);
		for (size_t c = 0; c < row->nctls && !it; c++)
			if (row->ctls[c].alias_no)
				it = item_by(&r->m, row->ctls[c].alias_no, true, &k);
		if (!it)
			it = item_of_number(r, row, &k);
		if (!it) {
			if (!added_row(r, row))
				goto out;
			continue;
		}
		if (times[k]++ == 0)
			row_of[k] = (long)i;
	}
	for (size_t k = 0; k < r->m.n; k++) {
		struct rv_item *ri = &r->items[k];

		if (!r->m.items[k].self_ok && !problem(r, "manifest-edited", k, true,
		    adup(r, "附件紀錄中本項之文字與其 SHA-256 不符：紀錄遭修改")))
			goto out;
		if (row_of[k] < 0) {
			ri->reply = RFP_REPLY_NONE;
			ri->answer = ri->note = ri->pages = "";
			ri->flags |= RFP_REVIEW_DELETED | RFP_REVIEW_UNANSWERED;
			if (!problem(r, "deleted", k, true, adup(r, "查檢表中本項之列已刪除")))
				goto out;
			continue;
		}
		if (!read_item(r, w, k, &w->rows[row_of[k]]))
			goto out;
		if (times[k] > 1) {
			ri->flags |= RFP_REVIEW_DUPLICATE;
			if (!problem(r, "duplicate", k, true, afmt(r,
			    "本項於查檢表出現 %zu 次；以第一列為準", times[k])))
				goto out;
		}
	}
	st = RFP_OK;
out:
	free(check);
	free(reply_hdr);
	free(lead_done);
	free(row_of);
	free(times);
	return st;
}

/* ---- the whole file ------------------------------------------------------- */

/* Compares the returned file's manifest with the original's. */
static bool
compare_manifests(struct rfp_review *r, const struct rv_manifest *own)
{
	size_t differ = 0, missing = 0;

	for (size_t i = 0; i < r->m.n; i++) {
		long k = -1;
		const struct rv_mitem *o = item_by(own, r->m.items[i].id, false, &k);

		if (!o)
			missing++;
		else if (strcmp(o->sha256, r->m.items[i].sha256) != 0 || strcmp(o->no,
		    r->m.items[i].no) != 0)
			differ++;
	}
	if (!differ && !missing && own->n == r->m.n && strcmp(own->type, r->m.type) == 0 &&
	    strcmp(own->level, r->m.level) == 0)
		return true;
	return problem(r, "manifest-mismatch", SIZE_MAX, true, afmt(r,
	    "退回檔案之附件紀錄與原附件不同（%s/%s，%zu 項；原附件 %s/%s，%zu 項）："
	    "%zu 項不在其中，%zu 項之編號或文字雜湊不同", own->type, own->level, own->n,
	    r->m.type, r->m.level, r->m.n, missing, differ));
}

static bool
copy_manifest(struct rfp_review *r, const struct rv_manifest *from)
{
	r->m = *from;
	r->m.items = rfp_arena_alloc(&r->arena, (from->n ? from->n : 1) * sizeof(*r->m.items));
	if (!r->m.items)
		return false;
	for (size_t i = 0; i < from->n; i++) {
		const struct rv_mitem *s = &from->items[i];

		r->m.items[i] = (struct rv_mitem){ adup(r, s->id), adup(r, s->no), adup(r, s->measure),
			adup(r, s->sha256), adup(r, s->text), s->included ? adup(r, s->included) : NULL,
			s->self_ok };
	}
	r->m.source = adup(r, from->source);
	r->m.document = adup(r, from->document);
	r->m.tool = adup(r, from->tool);
	r->m.catalogue = adup(r, from->catalogue);
	r->m.type = adup(r, from->type);
	r->m.level = adup(r, from->level);
	r->m.conditions = adup(r, from->conditions);
	r->m.date = adup(r, from->date);
	r->m.services = adup(r, from->services);
	r->m.agency_level = adup(r, from->agency_level);
	return true;
}

/* The formatting that walk_docx() passes over: two of every five elements
 * of an annex's document part, left out of its tree (rfp_xml_parse_pruned).
 * w:trPr stays: it says which rows are headers. */
static const char *const docx_unread_names[] = { "rPr", "pPr", "tcPr", "tblPr", "sectPr", NULL };
static const struct rfp_xml_prune docx_unread = { NS_W, docx_unread_names };

enum rfp_status
rfp_review_read_pkg(struct rfp_ctx *ctx, const char *name, const struct rfp_pkg *pkg,
    const struct rfp_review *original, struct rfp_review **out)
{
	struct rfp_where where = { .file = name };
	const struct rfp_pkg_entry *main = rfp_pkg_find(pkg, "word/document.xml");
	const struct rfp_pkg_entry *mt = rfp_pkg_find(pkg, "mimetype");
	struct walk w = { .ctx = ctx, .max = ctx->limits.max_part_bytes, .row = -1, .cell = -1,
	    .ctl = -1, .table = -1, .instr = RFP_BUF_INIT(1u << 16), .fld_ctl = -1 };
	struct rfp_review *r = calloc(1, sizeof(*r));
	struct found f;
	char *recorded = NULL;
	int copies = 0;
	xmlDoc *doc = NULL;
	const xmlNode *body = NULL;
	enum rfp_status st = RFP_ERR_NOMEM;

	if (!r)
		return RFP_ERR_NOMEM;
	if (!(r->file = adup(r, name)))
		goto out;
	if (!main) {
		main = rfp_pkg_find(pkg, "content.xml");
		w.odf = main != NULL;
		if (mt && (mt->len < 39 || memcmp(mt->data, "application/vnd.oasis.opendocument.text", 39) != 0))
			main = NULL;
	}
	if (!main) {
		rfp_diag(ctx, REVIEW_FORMAT, &where);
		st = RFP_ERR_INVALID;
		goto out;
	}
	r->format = w.odf ? "odt" : "docx";
	if ((st = find_manifest(ctx, r, pkg, w.odf, &f, &copies, &recorded)) != RFP_OK)
		goto out;
	if ((st = rfp_xml_parse_pruned(ctx, name, main->name, main->data, main->len,
	    w.odf ? NULL : &docx_unread, &doc)) != RFP_OK)
		goto out;
	st = RFP_ERR_NOMEM;
	if (xmlDocGetRootElement(doc)) {
		body = w.odf ? child(child(xmlDocGetRootElement(doc), NS_OFFICE, "body"), NS_OFFICE,
		    "text") : child(xmlDocGetRootElement(doc), NULL, "body");
	}
	walk_nodes(&w, body ? body->children : NULL);
	if ((st = w.st) != RFP_OK)
		goto out;
	bool controls = false;

	for (size_t i = 0; i < w.nrows && !controls; i++)
		controls = !w.rows[i].dead && w.rows[i].nctls;
	if (original) {
		if (!copy_manifest(r, &original->m))
			goto out;
		r->from_original = true;
		r->m.source = afmt(r, "--against %s", original->file);
		memcpy(r->mcanon, original->mcanon, sizeof(r->mcanon));
		memcpy(r->mbytes, original->mbytes, sizeof(r->mbytes));
		if (f.ok && !compare_manifests(r, &f.m))
			goto out;
		if (!f.ok && !problem(r, "manifest-copy", SIZE_MAX, false, adup(r,
		    "退回檔案中已無附件紀錄，以 --against 之原附件為準")))
			goto out;
	} else if (f.ok) {
		r->m = f.m;
		memcpy(r->mcanon, f.canon, sizeof(r->mcanon));
		memcpy(r->mbytes, f.bytes, sizeof(r->mbytes));
	} else {
		if (controls)
			rfp_diag(ctx, REVIEW_NO_MANIFEST, &where);
		else
			rfp_diag(ctx, REVIEW_NOT_ANNEX, &where);
		st = RFP_ERR_INVALID;
		goto out;
	}
	if (strcmp(r->m.document, "annex") != 0) {
		rfp_diag(ctx, REVIEW_AGENCY, &where);
		st = RFP_ERR_INVALID;
		goto out;
	}
	/* The manifest used against the digest the annex recorded of it (or
	 * the two copies against each other). */
	r->digest = recorded ? (strcmp(recorded, r->mbytes) == 0 || strcmp(recorded, r->mcanon) == 0 ?
	    "verified" : "mismatch") : copies && !original ? (copies > 0 ? "verified" : "mismatch") :
	    "absent";
	if (strcmp(r->digest, "mismatch") == 0 && !problem(r, original ? "manifest-mismatch" :
	    "manifest-edited", SIZE_MAX, true, adup(r, original ?
	    "--against 之原附件與本檔記錄之附件紀錄 SHA-256 不符：並非本檔發出時之附件" :
	    "附件紀錄與其記錄之 SHA-256 不符：紀錄已非發出時之內容")))
		goto out;
	if (controls && !w.named && !problem(r, "controls-unnamed", SIZE_MAX, false, adup(r,
	    "控制項已失去名稱（w:tag，LibreOffice 另存 DOCX 時如此），各列依編號判讀")))
		goto out;
	if (!(r->items = rfp_arena_alloc(&r->arena, (r->m.n ? r->m.n : 1) * sizeof(*r->items))))
		goto out;
	if ((st = read_rows(r, &w)) != RFP_OK)
		goto out;
	/* The file's own findings after the items'. */
	size_t first = 0;

	for (size_t i = 0; i < r->nproblems; i++)
		if (r->problems[i].item != SIZE_MAX) {
			struct rv_problem p = r->problems[i];

			memmove(&r->problems[first + 1], &r->problems[first],
			    (i - first) * sizeof(p));
			r->problems[first++] = p;
		}
	/* Items' findings in document order of the items, stable. */
	for (size_t i = 1; i < first; i++) {
		struct rv_problem p = r->problems[i];
		size_t j = i;

		while (j > 0 && r->problems[j - 1].item > p.item) {
			r->problems[j] = r->problems[j - 1];
			j--;
		}
		r->problems[j] = p;
	}
	*out = r;
	r = NULL;
	st = RFP_OK;
out:
	free(recorded);
	xmlFreeDoc(doc);
	walk_fini(&w);
	rfp_review_free(r);
	return st;
}

enum rfp_status
rfp_review_read(struct rfp_ctx *ctx, const char *path, const struct rfp_review *original,
    struct rfp_review **out)
{
	struct rfp_pkg pkg = { 0 };
	char *data = NULL;
	size_t len = 0;
	enum rfp_status st;

	if ((st = rfp_read_file(ctx, path, ctx->limits.max_file_bytes, &data, &len)) != RFP_OK)
		return st;
	st = rfp_pkg_read_buffer(ctx, path, data, len, &pkg);
	free(data);
	if (st == RFP_OK)
		st = rfp_review_read_pkg(ctx, path, &pkg, original, out);
	rfp_pkg_fini(&pkg);
	return st;
}

void
rfp_review_free(struct rfp_review *r)
{
	if (!r)
		return;
	free(r->problems);
	rfp_arena_fini(&r->arena);
	free(r);
}

size_t
rfp_review_count(const struct rfp_review *r)
{
	return r->m.n;
}

void
rfp_review_item(const struct rfp_review *r, size_t i, struct rfp_review_item *out)
{
	const struct rv_mitem *m = &r->m.items[i];
	const struct rv_item *it = &r->items[i];

	*out = (struct rfp_review_item){ m->id, m->no, m->measure, m->text, it->reply,
		it->answer ? it->answer : "", it->note ? it->note : "", it->pages ? it->pages : "",
		it->returned ? it->returned : "", it->diff ? it->diff : "", it->flags };
}

size_t
rfp_review_problem_count(const struct rfp_review *r)
{
	return r->nproblems;
}

void
rfp_review_problem(const struct rfp_review *r, size_t i, struct rfp_review_problem *out)
{
	const struct rv_problem *p = &r->problems[i];
	const struct rv_mitem *m = p->item != SIZE_MAX ? &r->m.items[p->item] : NULL;

	*out = (struct rfp_review_problem){ p->code, m ? m->no : "", m ? m->id : "", p->message,
		p->blocking };
}

void
rfp_review_case(struct rfp_buf *b, const struct rfp_review_summary *s, const char *between)
{
	if (*s->type)
		rfp_buf_addf(b, "%s%s%s", s->type, between, s->level);
	if (!*s->services)
		return;
	if (*s->type)
		rfp_buf_adds(b, "＋");
	/* The manifest joins the names with spaces; a page with 、. */
	for (const char *p = s->services; *p; p++)
		if (*p == ' ')
			rfp_buf_adds(b, "、");
		else
			rfp_buf_add(b, p, 1);
	if (*s->agency_level)
		rfp_buf_addf(b, "（%s級機關）", s->agency_level);
}

void
rfp_review_summary(const struct rfp_review *r, struct rfp_review_summary *out)
{
	*out = (struct rfp_review_summary){ .file = r->file, .format = r->format,
	    .manifest = r->m.source, .tool = r->m.tool, .catalogue = r->m.catalogue,
	    .type = r->m.type, .level = r->m.level, .conditions = r->m.conditions,
	    .services = r->m.services, .agency_level = r->m.agency_level, .date = r->m.date, .digest = r->digest, .items = r->m.n, .added = r->added,
	    .problems = r->nproblems, .complete = true };
	for (size_t i = 0; i < r->m.n; i++) {
		unsigned f = r->items[i].flags;

		out->counts[r->items[i].reply]++;
		out->unanswered += r->items[i].reply == RFP_REPLY_NONE ||
		    r->items[i].reply == RFP_REPLY_OTHER;
		out->altered += !!(f & RFP_REVIEW_ALTERED);
		out->deleted += !!(f & RFP_REVIEW_DELETED);
		out->typed += !!(f & RFP_REVIEW_TYPED);
		out->no_note += !!(f & RFP_REVIEW_NO_NOTE);
		out->no_pages += !!(f & RFP_REVIEW_NO_PAGES);
	}
	for (size_t i = 0; i < r->nproblems; i++)
		if (r->problems[i].blocking)
			out->complete = false;
}
