/* SPDX-License-Identifier: MIT */
/*
 * Catalogue loading: file bytes → safe libxml2 parse → XSD validation →
 * the model in catalogue.h. The semantic pass (catalogue_check.c) runs once
 * every file is in. The XSD pass is skipped for bytes the build validated
 * (catalogue_validated.h): it is a fifth of an invocation's work.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include "catalogue/catalogue.h"
#include "util/buf.h"
#include "util/ctx.h"
#include "util/file.h"
#include "util/text.h"
#include "util/xml.h"

#include "catalogue_validated.h"

#define NS "urn:rfpgen:catalogue:1"
#define MAX_SCHEMA_ERRORS 50

struct loader {
	struct rfp_ctx *ctx;
	struct rfp_catalogue *cat;
	struct rfp_catfile *file;
	const char *path;
	unsigned schema_errors;
	bool xsd_shipped;	/* the XSD is the one the build validated with */
	enum rfp_status st;
};

/* Whether these bytes, and the XSD in use, are what the build validated. */
static bool
validated(const struct loader *ld, const char *data, size_t len)
{
	char hex[65];

	if (!ld->xsd_shipped)
		return false;
	rfp_sha256_hex(data, len, hex);
	for (size_t i = 0; i < sizeof(rfp_validated) / sizeof(*rfp_validated); i++)
		if (strcmp(hex, rfp_validated[i]) == 0)
			return true;
	return false;
}

static void
schema_error(void *data, xmlErrorPtr e)
{
	struct loader *ld = data;
	struct rfp_where w = { .file = ld->path, .line = e->line > 0 ? (unsigned)e->line : 0 };
	char msg[512];
	size_t n;

	if (e->level < XML_ERR_ERROR)
		return;
	if (++ld->schema_errors > MAX_SCHEMA_ERRORS)
		return;
	snprintf(msg, sizeof(msg), "%s", e->message ? e->message : "invalid");
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	/* libxml2 names elements as {namespace}name; the namespace is noise here. */
	for (char *p; (p = strstr(msg, "{" NS "}")) != NULL;)
		memmove(p, p + sizeof(NS) + 1, strlen(p + sizeof(NS) + 1) + 1);
	rfp_diag(ld->ctx, CAT_SCHEMA, &w, msg);
}

static bool
is_el(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns &&
	    strcmp((const char *)n->ns->href, NS) == 0 &&
	    strcmp((const char *)n->name, name) == 0;
}

static const xmlNode *
child(const xmlNode *n, const char *name)
{
	for (n = n->children; n; n = n->next)
		if (is_el(n, name))
			return n;
	return NULL;
}

/* An attribute copied into the arena; "" if absent (the schema requires them). */
static const char *
attr(struct loader *ld, const xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	const char *s;

	if (!v)
		return "";
	s = rfp_arena_strdup(&ld->cat->arena, (const char *)v);
	xmlFree(v);
	if (!s)
		ld->st = RFP_ERR_NOMEM;
	return s ? s : "";
}

static uint64_t
attr_sort(struct loader *ld, const xmlNode *n)
{
	const char *s = attr(ld, n, "sort");

	return strtoull(s, NULL, 10);	/* the schema allows only 1-12 digits */
}

/*
 * Collapses the layout whitespace of pretty-printed prose: a line break and
 * its indentation vanish between CJK text, and become one space between
 * Latin words.
 */
static void
add_prose_text(struct rfp_buf *b, const char *s)
{
	while (*s) {
		if (*s == '\n' || *s == '\r' || ((*s == ' ' || *s == '\t') &&
		    (s[1] == ' ' || s[1] == '\t' || s[1] == '\n' || s[1] == '\r'))) {
			const char *e = s;

			while (*e == ' ' || *e == '\t' || *e == '\n' || *e == '\r')
				e++;
			if (b->len && *e && !((unsigned char)b->ptr[b->len - 1] & 0x80) &&
			    !((unsigned char)*e & 0x80) && b->ptr[b->len - 1] != ' ')
				rfp_buf_addc(b, ' ');
			s = e;
			continue;
		}
		rfp_buf_addc(b, *s++);
	}
}

static const char *
prose(struct loader *ld, const xmlNode *n)
{
	struct rfp_buf b = RFP_BUF_INIT(64 * 1024);
	const xmlNode *c;
	const char *s = "";
	size_t start, end;
	xmlChar *v;

	if (!n)
		return "";
	for (c = n->children; c; c = c->next) {
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			add_prose_text(&b, (const char *)c->content);
		} else if (is_el(c, "insert")) {
			v = xmlGetNoNsProp(c, (const xmlChar *)"param");
			rfp_buf_addc(&b, RFP_PARAM_MARK);
			rfp_buf_adds(&b, v ? (const char *)v : "");
			rfp_buf_addc(&b, RFP_PARAM_MARK);
			xmlFree(v);
		}
	}
	if (b.err) {
		ld->st = b.err == RFP_ERR_LIMIT ? RFP_ERR_LIMIT : RFP_ERR_NOMEM;
		goto out;
	}
	start = 0;
	end = b.len;
	while (start < end && (b.ptr[start] == ' ' || b.ptr[start] == '\t'))
		start++;
	while (end > start && (b.ptr[end - 1] == ' ' || b.ptr[end - 1] == '\t'))
		end--;
	s = rfp_arena_strndup(&ld->cat->arena, b.ptr + start, end - start);
	if (!s) {
		ld->st = RFP_ERR_NOMEM;
		s = "";
	}
out:
	rfp_buf_fini(&b);
	return s;
}

static char *
elem_text(struct loader *ld, const xmlNode *n)
{
	xmlChar *v;
	char *s;

	if (!n)
		return NULL;
	v = xmlNodeGetContent(n);
	s = rfp_arena_strdup(&ld->cat->arena, v ? (const char *)v : "");
	xmlFree(v);
	if (!s)
		ld->st = RFP_ERR_NOMEM;
	return s;
}

/* s without leading and trailing layout whitespace (in place); NULL stays NULL. */
static char *
trim(char *s)
{
	size_t n;

	if (!s)
		return NULL;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/* Appends p to a growable array of pointers owned by the catalogue. */
static bool
push(void ***arr, size_t *n, void *p)
{
	void **a;

	if ((*n & (*n - 1)) == 0) {	/* grow at powers of two */
		a = realloc(*arr, (*n ? *n * 2 : 8) * sizeof(*a));
		if (!a)
			return false;
		*arr = a;
	}
	(*arr)[(*n)++] = p;
	return true;
}

#define PUSH(ld, field, p) \
	do { \
		if (!push((void ***)&(ld)->cat->field, &(ld)->cat->n##field, (p))) \
			(ld)->st = RFP_ERR_NOMEM; \
	} while (0)

/* The <source> element with that id in the header's sources, or NULL. */
static const xmlNode *
find_source(const xmlNode *header, const char *id)
{
	const xmlNode *srcs = child(header, "sources"), *s;
	bool match;
	xmlChar *v;

	for (s = srcs ? srcs->children : NULL; s; s = s->next) {
		if (!is_el(s, "source"))
			continue;
		v = xmlGetNoNsProp(s, (const xmlChar *)"id");
		match = v && strcmp((const char *)v, id) == 0;
		xmlFree(v);
		if (match)
			return s;
	}
	return NULL;
}

/* The title of source id, in the arena; NULL if id names no source. */
static const char *
source_title(struct loader *ld, const xmlNode *header, const char *id)
{
	const xmlNode *src = *id ? find_source(header, id) : NULL;

	return src ? attr(ld, src, "title") : NULL;
}

static enum rfp_source_kind
source_kind(struct loader *ld, const xmlNode *header, const char *id)
{
	const xmlNode *src = find_source(header, id);
	const char *k = src ? attr(ld, src, "kind") : "";

	return strcmp(k, "law") == 0 ? RFP_SOURCE_LAW :
	    strcmp(k, "unverified") == 0 ? RFP_SOURCE_UNVERIFIED : RFP_SOURCE_GUIDANCE;
}

/* An optional attribute: NULL when absent. */
static const char *
attr_opt(struct loader *ld, const xmlNode *n, const char *name)
{
	const char *s = attr(ld, n, name);

	return *s ? s : NULL;
}

static void
load_params(struct loader *ld, const xmlNode *header, const xmlNode *params)
{
	const xmlNode *p, *d;
	struct rfp_param *prm;
	enum rfp_level lvl;
	xmlChar *lv;

	if (!params)
		return;
	for (p = params->children; p; p = p->next) {
		if (!is_el(p, "param"))
			continue;
		prm = rfp_arena_alloc(&ld->cat->arena, sizeof(*prm));
		if (!prm) {
			ld->st = RFP_ERR_NOMEM;
			return;
		}
		prm->id = attr(ld, p, "id");
		prm->label = attr(ld, p, "label");
		prm->file = ld->file;
		prm->line = (unsigned)xmlGetLineNo(p);
		prm->suggested = strcmp(attr(ld, p, "basis"), "stated") != 0;
		prm->source_title = source_title(ld, header, attr(ld, p, "source"));
		prm->clause = attr_opt(ld, p, "clause");
		prm->caveat = attr_opt(ld, p, "caveat");
		for (d = p->children; d; d = d->next) {
			if (!is_el(d, "default"))
				continue;
			lv = xmlGetNoNsProp(d, (const xmlChar *)"agency-level");
			if (lv) {
				enum rfp_agency_level al = RFP_AGENCY_LEVEL_NONE;
				struct rfp_where w = { .file = ld->path,
				    .line = (unsigned)xmlGetLineNo(d) };
				xmlChar *both = xmlGetNoNsProp(d, (const xmlChar *)"level");

				rfp_agency_level_parse((const char *)lv, &al);
				if (both) {
					rfp_diag(ld->ctx, CAT_PARAM_BOTH, &w, prm->id);
					ld->st = RFP_ERR_INVALID;
				} else if (prm->by_agency[al]) {
					rfp_diag(ld->ctx, CAT_PARAM_DUP, &w, prm->id, (const char *)lv);
					ld->st = RFP_ERR_INVALID;
				}
				xmlFree(both);
				xmlFree(lv);
				prm->by_agency[al] = elem_text(ld, d);
				prm->has_by_agency = true;
				continue;
			}
			lv = xmlGetNoNsProp(d, (const xmlChar *)"level");
			lvl = RFP_LEVEL_NONE;
			if (lv)
				rfp_level_parse((const char *)lv, &lvl);
			xmlFree(lv);
			if (prm->defaults[lvl]) {
				struct rfp_where w = { .file = ld->path,
				    .line = (unsigned)xmlGetLineNo(d) };

				rfp_diag(ld->ctx, CAT_PARAM_DUP, &w,
				    prm->id, lvl ? rfp_level_name(lvl) : "(all)");
				ld->st = RFP_ERR_INVALID;
			}
			prm->defaults[lvl] = elem_text(ld, d);
		}
		PUSH(ld, params, prm);
	}
}

/* A blank-separated list of type names, or of service names: their bits. */
static unsigned
parse_names(struct loader *ld, const char *s, unsigned line, bool services)
{
	char tok[64];
	unsigned mask = 0;
	size_t n;

	while (*s) {
		struct rfp_where w = { .file = ld->path, .line = line };
		enum rfp_service v;
		enum rfp_type t;

		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		n = strcspn(s, " \t\n");
		if (!n)
			break;
		snprintf(tok, sizeof(tok), "%.*s", (int)n, s);
		s += n;
		if (services && rfp_service_parse(tok, &v) && strcmp(tok, rfp_service_name(v)) == 0) {
			mask |= 1u << v;
			continue;
		}
		if (!services && rfp_type_parse(tok, &t) && strcmp(tok, rfp_type_name(t)) == 0) {
			mask |= 1u << t;
			continue;
		}
		if (services)
			rfp_diag(ld->ctx, CAT_SERVICE, &w, tok);
		else
			rfp_diag(ld->ctx, CAT_VOCAB, &w, tok);
		ld->st = RFP_ERR_INVALID;
	}
	return mask;
}

static void
load_item(struct loader *ld, const xmlNode *header, const xmlNode *n,
    const struct rfp_measure *m)
{
	struct rfp_item *it;
	const xmlNode *c;
	struct rfp_stated *st;
	const char *s;
	size_t nst = 0;

	it = rfp_arena_alloc(&ld->cat->arena, sizeof(*it));
	if (!it) {
		ld->st = RFP_ERR_NOMEM;
		return;
	}
	it->measure = m;
	it->file = ld->file;
	it->line = (unsigned)xmlGetLineNo(n);
	it->id = attr(ld, n, "id");
	it->label = attr(ld, n, "label");
	it->sort = attr_sort(ld, n);
	s = attr(ld, n, "min-level");
	if (*s)
		rfp_level_parse(s, &it->min_level);
	it->types = parse_names(ld, attr(ld, n, "types"), it->line, false);
	it->services_text = attr(ld, n, "services");
	it->services = parse_names(ld, it->services_text, it->line, true);
	if (!it->types && !it->services) {
		struct rfp_where w = { .file = ld->path, .line = it->line };

		rfp_diag(ld->ctx, CAT_SELECTOR, &w, it->id);
		ld->st = RFP_ERR_INVALID;
	} else if (!it->types != !it->min_level) {
		struct rfp_where w = { .file = ld->path, .line = it->line };

		rfp_diag(ld->ctx, CAT_MIN_LEVEL, &w, it->id);
		ld->st = RFP_ERR_INVALID;
	}
	if (m->family->service >= 0 && !(it->services & (1u << m->family->service))) {
		struct rfp_where w = { .file = ld->path, .line = it->line };

		rfp_diag(ld->ctx, CAT_SERVICE_FAMILY, &w, it->id,
		    rfp_service_name((enum rfp_service)m->family->service));
		ld->st = RFP_ERR_INVALID;
	}
	s = attr(ld, n, "party");
	it->party = strcmp(s, "機關") == 0 ? RFP_PARTY_AGENCY :
	    strcmp(s, "共同") == 0 ? RFP_PARTY_SHARED : RFP_PARTY_VENDOR;
	s = attr(ld, n, "modality");
	it->modality = strcmp(s, "宜") == 0 ? RFP_MODALITY_SHOULD :
	    strcmp(s, "得") == 0 ? RFP_MODALITY_MAY : RFP_MODALITY_SHALL;
	s = attr(ld, n, "source");
	it->source_title = source_title(ld, header, s);
	if (!it->source_title)
		it->source_title = "";	/* the schema's keyref rules this out */
	it->source_kind = source_kind(ld, header, s);
	it->clause = attr(ld, n, "clause");
	it->binding = *attr(ld, n, "binding") != '\0';
	if (it->binding && it->source_kind != RFP_SOURCE_LAW) {
		struct rfp_where w = { .file = ld->path, .line = it->line };

		rfp_diag(ld->ctx, CAT_BINDING, &w, it->id);
		ld->st = RFP_ERR_INVALID;
	}
	it->types_text = attr(ld, n, "types");
	s = attr(ld, n, "if");
	if (*s) {
		it->condition_name = s;
		if (!rfp_condition_parse(s, strlen(s), &it->condition)) {
			struct rfp_where w = { .file = ld->path, .line = it->line };

			rfp_diag(ld->ctx, CAT_CONDITION, &w, s);
			ld->st = RFP_ERR_INVALID;
		}
	}
	it->text = prose(ld, child(n, "text"));
	it->guidance = prose(ld, child(n, "guidance"));
	it->verification = prose(ld, child(n, "verification"));
	for (c = n->children; c; c = c->next)
		nst += is_el(c, "stated");
	st = nst ? rfp_arena_alloc(&ld->cat->arena, nst * sizeof(*st)) : NULL;
	if (nst && !st) {
		ld->st = RFP_ERR_NOMEM;
		return;
	}
	for (c = nst ? n->children : NULL; c; c = c->next) {
		if (!is_el(c, "stated"))
			continue;
		st[it->nstated].figure = trim(elem_text(ld, c));
		st[it->nstated].source_title = source_title(ld, header, attr(ld, c, "source"));
		st[it->nstated].clause = attr_opt(ld, c, "clause");
		if (!st[it->nstated].figure)
			return;
		it->nstated++;
	}
	it->stated = st;
	PUSH(ld, items, it);
}

static void
load_tree(struct loader *ld, const xmlNode *root)
{
	const xmlNode *header = child(root, "header"), *f, *m, *i;
	struct rfp_catfile *cf = ld->file;
	struct rfp_family *fam;
	struct rfp_measure *mea;

	cf->id = attr(ld, root, "id");
	cf->baseline = strcmp(attr(ld, root, "kind"), "baseline") == 0;
	cf->title = elem_text(ld, child(header, "title"));
	cf->legal_basis = elem_text(ld, child(header, "legal-basis"));
	cf->amended = elem_text(ld, child(header, "amended"));
	cf->version = elem_text(ld, child(header, "version"));
	cf->notice = elem_text(ld, child(header, "notice"));
	load_params(ld, header, child(header, "params"));
	for (f = root->children; f && !ld->st; f = f->next) {
		if (!is_el(f, "family"))
			continue;
		fam = rfp_arena_alloc(&ld->cat->arena, sizeof(*fam));
		if (!fam) {
			ld->st = RFP_ERR_NOMEM;
			return;
		}
		fam->id = attr(ld, f, "id");
		fam->name = attr(ld, f, "name");
		fam->sort = attr_sort(ld, f);
		fam->file = cf;
		fam->line = (unsigned)xmlGetLineNo(f);
		fam->service = -1;
		if (*attr(ld, f, "service")) {
			enum rfp_service v;

			if (rfp_service_parse(attr(ld, f, "service"), &v) &&
			    strcmp(attr(ld, f, "service"), rfp_service_name(v)) == 0) {
				fam->service = (int)v;
			} else {
				rfp_diag(ld->ctx, CAT_SERVICE, &(struct rfp_where){ .file = ld->path,
				    .line = fam->line }, attr(ld, f, "service"));
				ld->st = RFP_ERR_INVALID;
			}
		}
		fam->frequency_id = attr_opt(ld, f, "frequency");
		PUSH(ld, families, fam);
		for (m = f->children; m && !ld->st; m = m->next) {
			if (!is_el(m, "measure"))
				continue;
			mea = rfp_arena_alloc(&ld->cat->arena, sizeof(*mea));
			if (!mea) {
				ld->st = RFP_ERR_NOMEM;
				return;
			}
			mea->id = attr(ld, m, "id");
			mea->name = attr(ld, m, "name");
			mea->sort = attr_sort(ld, m);
			mea->family = fam;
			mea->section = attr(ld, m, "section");
			PUSH(ld, measures, mea);
			for (i = m->children; i; i = i->next)
				if (is_el(i, "item"))
					load_item(ld, header, i, mea);
		}
	}
}

/* Parses, validates and loads one catalogue held in memory (name: for
 * messages); schema NULL: the build validated these bytes. */
static enum rfp_status
load_data(struct loader *ld, xmlSchemaPtr schema, const char *name, const char *data,
    size_t len)
{
	struct rfp_where w = { .file = name };
	xmlSchemaValidCtxtPtr vctx = NULL;
	xmlDoc *doc = NULL;
	int rc;

	ld->path = name;
	ld->schema_errors = 0;
	if ((ld->st = rfp_xml_parse(ld->ctx, name, NULL, data, len, &doc)) != RFP_OK)
		goto out;
	if (schema && !(vctx = xmlSchemaNewValidCtxt(schema))) {
		ld->st = RFP_ERR_NOMEM;
		goto out;
	}
	if (vctx)
		xmlSchemaSetValidStructuredErrors(vctx, schema_error, ld);
	rc = vctx ? xmlSchemaValidateDoc(vctx, doc) : 0;
	if (rc != 0) {
		if (ld->schema_errors > MAX_SCHEMA_ERRORS)
			rfp_diag(ld->ctx, CAT_SCHEMA_MORE, &w, ld->schema_errors - MAX_SCHEMA_ERRORS);
		else if (ld->schema_errors == 0)
			rfp_diag(ld->ctx, CAT_SCHEMA, &w, "libxml2 gave no detail");
		ld->st = RFP_ERR_INVALID;
		goto out;
	}
	ld->file->path = rfp_arena_strdup(&ld->cat->arena, name);
	if (!ld->file->path) {
		ld->st = RFP_ERR_NOMEM;
		goto out;
	}
	load_tree(ld, xmlDocGetRootElement(doc));
out:
	xmlSchemaFreeValidCtxt(vctx);
	xmlFreeDoc(doc);
	return ld->st;
}

static enum rfp_status
load_file(struct loader *ld, xmlSchemaPtr schema, const char *path)
{
	char *data = NULL;
	size_t len;

	ld->path = path;
	if ((ld->st = rfp_read_file(ld->ctx, path, ld->ctx->limits.max_file_bytes,
	    &data, &len)) != RFP_OK)
		return ld->st;
	load_data(ld, validated(ld, data, len) ? NULL : schema, path, data, len);
	free(data);
	return ld->st;
}

/* Parses the XSD itself; it is trusted data, but it gets the same safe parse. */
static enum rfp_status
parse_schema(struct rfp_ctx *ctx, const char *name, const char *data, size_t len,
    xmlDoc **doc, xmlSchemaPtr *out)
{
	struct rfp_where w = { .file = name };
	xmlSchemaParserCtxtPtr pctx = NULL;
	enum rfp_status st;

	if ((st = rfp_xml_parse(ctx, name, NULL, data, len, doc)))
		return st;
	pctx = xmlSchemaNewDocParserCtxt(*doc);
	*out = pctx ? xmlSchemaParse(pctx) : NULL;
	if (!*out) {
		rfp_diag(ctx, CAT_XSD, &w);
		st = RFP_ERR_INVALID;
	}
	xmlSchemaFreeParserCtxt(pctx);
	return st;
}

/* *shipped: the XSD is the one the build validated the shipped files with. */
static enum rfp_status
load_schema(struct rfp_ctx *ctx, const char *path, xmlDoc **doc, xmlSchemaPtr *out,
    bool *shipped)
{
	enum rfp_status st;
	char *data = NULL, hex[65];
	size_t len;

	if ((st = rfp_read_file(ctx, path, ctx->limits.max_file_bytes, &data, &len)))
		return st;
	rfp_sha256_hex(data, len, hex);
	*shipped = strcmp(hex, RFP_VALIDATED_XSD) == 0;
	st = parse_schema(ctx, path, data, len, doc, out);
	free(data);
	return st;
}

static int
cmp_items(const void *a, const void *b)
{
	const struct rfp_item *x = *(const struct rfp_item *const *)a;
	const struct rfp_item *y = *(const struct rfp_item *const *)b;
	uint64_t kx[3] = { x->measure->family->sort, x->measure->sort, x->sort };
	uint64_t ky[3] = { y->measure->family->sort, y->measure->sort, y->sort };

	for (int k = 0; k < 3; k++)
		if (kx[k] != ky[k])
			return kx[k] < ky[k] ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* An empty catalogue with room for nfiles files; NULL on OOM. */
static struct rfp_catalogue *
new_catalogue(size_t nfiles)
{
	struct rfp_catalogue *cat = calloc(1, sizeof(*cat));

	if (cat && !(cat->files = calloc(nfiles, sizeof(*cat->files)))) {
		free(cat);
		cat = NULL;
	}
	return cat;
}

/* Every file is in: the semantic pass, annex order, and the hand-over. */
static enum rfp_status
finish_load(struct loader *ld, struct rfp_catalogue **out)
{
	enum rfp_status st;

	if ((st = rfp_catalogue_check(ld->ctx, ld->cat)) != RFP_OK)
		return st;
	qsort(ld->cat->items, ld->cat->nitems, sizeof(*ld->cat->items), cmp_items);
	*out = ld->cat;
	ld->cat = NULL;
	return RFP_OK;
}

enum rfp_status
rfp_catalogue_load(struct rfp_ctx *ctx, const char *schema_path,
    const char *const *paths, size_t npaths, struct rfp_catalogue **out)
{
	struct loader ld = { .ctx = ctx };
	xmlSchemaPtr schema = NULL;
	xmlDoc *schema_doc = NULL;
	enum rfp_status st = RFP_OK;
	size_t i;

	if (!ctx || !schema_path || !paths || !npaths || !out)
		return RFP_ERR_USAGE;
	if (!(ld.cat = new_catalogue(npaths)))
		return RFP_ERR_NOMEM;
	if ((st = load_schema(ctx, schema_path, &schema_doc, &schema, &ld.xsd_shipped)) != RFP_OK)
		goto out;
	/* Load every file even after a failure, so that all errors are shown. */
	for (i = 0; i < npaths; i++) {
		ld.file = &ld.cat->files[ld.cat->nfiles++];
		enum rfp_status fst = load_file(&ld, schema, paths[i]);

		if (fst == RFP_ERR_NOMEM) {
			st = fst;
			goto out;
		}
		if (fst && !st)
			st = fst;
	}
	if (!st)
		st = finish_load(&ld, out);
out:
	xmlSchemaFree(schema);
	xmlFreeDoc(schema_doc);
	rfp_catalogue_free(ld.cat);
	return st;
}

struct rfp_cat_schema {
	xmlDoc *doc;
	xmlSchemaPtr schema;
};

enum rfp_status
rfp_cat_schema_new(struct rfp_ctx *ctx, const char *name, const char *data, size_t len,
    struct rfp_cat_schema **out)
{
	struct rfp_cat_schema *s;
	enum rfp_status st;

	if (!ctx || !name || !data || !out)
		return RFP_ERR_USAGE;
	if (!(s = calloc(1, sizeof(*s))))
		return RFP_ERR_NOMEM;
	if ((st = parse_schema(ctx, name, data, len, &s->doc, &s->schema)) != RFP_OK) {
		rfp_cat_schema_free(s);
		return st;
	}
	*out = s;
	return RFP_OK;
}

void
rfp_cat_schema_free(struct rfp_cat_schema *s)
{
	if (!s)
		return;
	xmlSchemaFree(s->schema);
	xmlFreeDoc(s->doc);
	free(s);
}

enum rfp_status
rfp_catalogue_load_buffer(struct rfp_ctx *ctx, const struct rfp_cat_schema *schema,
    const char *name, const char *data, size_t len, struct rfp_catalogue **out)
{
	struct loader ld = { .ctx = ctx };
	enum rfp_status st;

	if (!ctx || !schema || !name || !data || !out)
		return RFP_ERR_USAGE;
	if (len > ctx->limits.max_file_bytes) {
		rfp_diag(ctx, LIMIT_FILE, &(struct rfp_where){ .file = name }, ctx->limits.max_file_bytes);
		return RFP_ERR_LIMIT;
	}
	if (!(ld.cat = new_catalogue(1)))
		return RFP_ERR_NOMEM;
	ld.file = &ld.cat->files[ld.cat->nfiles++];
	if ((st = load_data(&ld, schema->schema, name, data, len)) == RFP_OK)
		st = finish_load(&ld, out);
	rfp_catalogue_free(ld.cat);
	return st;
}
