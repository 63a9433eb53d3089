/* SPDX-License-Identifier: MIT */
/*
 * What an annex keeps of its template's package (package.h). The parts
 * that say what a package holds (content types, relationships, the ODF
 * manifest, Word's settings) are small: they are edited as trees with
 * libxml2, never by searching their bytes.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/tree.h>

#include "annex/manifest.h"
#include "annex/package.h"
#include "util/text.h"
#include "util/xml.h"

#define NS_CT "http://schemas.openxmlformats.org/package/2006/content-types"
#define NS_REL "http://schemas.openxmlformats.org/package/2006/relationships"
#define NS_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define NS_MANIFEST "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
#define REL_BASE "http://schemas.openxmlformats.org/"
#define REL_CORE REL_BASE "package/2006/relationships/metadata/core-properties"
#define REL_APP REL_BASE "officeDocument/2006/relationships/extended-properties"
#define REL_THUMB REL_BASE "package/2006/relationships/metadata/thumbnail"
#define CT_CORE "application/vnd.openxmlformats-package.core-properties+xml"
#define CT_APP "application/vnd.openxmlformats-officedocument.extended-properties+xml"
#define CT_MAIN "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
#define REL_CUSTOM REL_BASE "officeDocument/2006/relationships/custom-properties"
#define REL_CUSTOMXML REL_BASE "officeDocument/2006/relationships/customXml"
#define REL_CXPROPS REL_BASE "officeDocument/2006/relationships/customXmlProps"
#define CT_CUSTOM "application/vnd.openxmlformats-officedocument.custom-properties+xml"
#define CT_CXPROPS "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
#define MANIFEST_PROPS "customXml/rfpgen-manifestProps.xml"
#define MANIFEST_RELS "customXml/_rels/rfpgen-manifest.xml.rels"

/*
 * The parts of a DOCX annex that rfpgen writes itself: each with its
 * content type and the relationship that reaches it (from the part rels
 * names). A template's own copies are dropped; the properties and the
 * manifest are rendered for each annex (render.c), the manifest's
 * properties part and relationships are the same in every annex.
 */
static const struct written {
	const char *part, *ct, *rel, *rels, *id, *target;
} written[] = {
	{ "docProps/core.xml", CT_CORE, REL_CORE, "_rels/.rels", "rfpCore", "docProps/core.xml" },
	{ "docProps/app.xml", CT_APP, REL_APP, "_rels/.rels", "rfpApp", "docProps/app.xml" },
	{ "docProps/custom.xml", CT_CUSTOM, REL_CUSTOM, "_rels/.rels", "rfpCustom",
	  "docProps/custom.xml" },
	{ RFP_MANIFEST_DOCX, "application/xml", REL_CUSTOMXML, "word/_rels/document.xml.rels",
	  "rfpManifest", "../" RFP_MANIFEST_DOCX },
	{ MANIFEST_PROPS, CT_CXPROPS, REL_CXPROPS, MANIFEST_RELS, "rfpManifestProps",
	  "rfpgen-manifestProps.xml" },
};
#define NWRITTEN (sizeof(written) / sizeof(written[0]))

struct cleaner {
	struct rfp_ctx *ctx;
	const char *path;
	struct rfp_pkg *pkg;
	enum rfp_status st;
};

static bool
prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

static bool
suffix(const char *s, const char *x)
{
	size_t n = strlen(s), k = strlen(x);

	return n >= k && strcmp(s + n - k, x) == 0;
}

/* The parts that are written anew, at these names. */
static bool
replaced(enum rfp_format fmt, const char *name)
{
	if (fmt == RFP_FORMAT_ODT)
		return strcmp(name, "meta.xml") == 0 || strcmp(name, RFP_MANIFEST_ODT) == 0;
	for (size_t i = 0; i < NWRITTEN; i++)
		if (strcmp(name, written[i].part) == 0)
			return true;
	return strcmp(name, MANIFEST_RELS) == 0;
}

/* Parts that never go into an annex: macros and thumbnails, and the
 * properties that are written anew. */
static bool
dropped(enum rfp_format fmt, const char *name, bool *macro)
{
	*macro = false;
	if (fmt == RFP_FORMAT_ODT) {
		*macro = prefix(name, "Basic/") || prefix(name, "Scripts/");
		return *macro || prefix(name, "Thumbnails/") || replaced(fmt, name);
	}
	*macro = suffix(name, "vbaProject.bin") || suffix(name, "vbaData.xml") ||
	    suffix(name, "vbaProject.bin.rels") || suffix(name, "vbaData.xml.rels");
	return *macro || prefix(name, "docProps/thumbnail.") || replaced(fmt, name);
}

static void
remove_entries(struct cleaner *cl, enum rfp_format fmt)
{
	struct rfp_pkg *pkg = cl->pkg;
	size_t k = 0;

	for (size_t i = 0; i < pkg->n; i++) {
		struct rfp_pkg_entry *e = &pkg->entries[i];
		bool macro;

		if (!dropped(fmt, e->name, &macro)) {
			pkg->entries[k++] = *e;
			continue;
		}
		if (macro)
			rfp_diag(cl->ctx, TPL_MACRO, &(struct rfp_where){ .file = cl->path, .part = e->name });
		free(e->name);
		free(e->data);
	}
	pkg->n = k;
}

/* Parses part name of the package, lets edit change the tree, and puts the
 * tree back when it did. A missing part is left to the caller. */
static void
edit_part(struct cleaner *cl, const char *name, bool (*edit)(struct cleaner *, xmlDoc *, const char *))
{
	struct rfp_pkg_entry *e = (struct rfp_pkg_entry *)rfp_pkg_find(cl->pkg, name);
	xmlDoc *doc = NULL;
	xmlChar *mem = NULL;
	int size = 0;

	if (!e || cl->st)
		return;
	if ((cl->st = rfp_xml_parse(cl->ctx, cl->path, name, e->data, e->len, &doc)) != RFP_OK)
		return;
	if (xmlDocGetRootElement(doc) && edit(cl, doc, name)) {
		xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
		if (!mem) {
			cl->st = RFP_ERR_NOMEM;
		} else {
			char *copy = malloc((size_t)size + 1);

			if (!copy) {
				cl->st = RFP_ERR_NOMEM;
			} else {
				memcpy(copy, mem, (size_t)size);
				copy[size] = '\0';
				free(e->data);
				e->data = copy;
				e->len = (size_t)size;
			}
			xmlFree(mem);
		}
	}
	xmlFreeDoc(doc);
}

static bool
is_el(const xmlNode *n, const char *ns, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	    strcmp((const char *)n->ns->href, ns) == 0 && strcmp((const char *)n->name, name) == 0;
}

/* The attribute as a C string owned by the tree's allocator, or NULL. */
static xmlChar *
attr(const xmlNode *n, const char *name)
{
	return xmlGetProp(n, (const xmlChar *)name);
}

/* The part a relationship of source part src points at: its Target
 * resolved against src's folder ("word/_rels/document.xml.rels" → "word/"). */
static void
resolve(const char *rels, const char *target, char *out, size_t len)
{
	char base[512] = "";
	const char *r = strstr(rels, "_rels/");

	if (target[0] == '/') {
		snprintf(out, len, "%s", target + 1);
		return;
	}
	if (r)
		snprintf(base, sizeof(base), "%.*s", (int)(r - rels), rels);
	while (prefix(target, "../")) {
		size_t n = strlen(base);

		target += 3;
		if (n)
			base[n - 1] = '\0';
		{
			char *slash = strrchr(base, '/');

			if (slash)
				slash[1] = '\0';
			else
				base[0] = '\0';
		}
	}
	snprintf(out, len, "%s%s", base, target);
}

/* An external target that is a file on some disk or share, not a web
 * address: file:, \\server, a drive letter, or a path without a scheme. */
static bool
names_a_file(const char *t)
{
	const char *colon = strchr(t, ':'), *slash = strpbrk(t, "/\\");

	if (prefix(t, "file:") || prefix(t, "FILE:") || prefix(t, "\\\\") || prefix(t, "//"))
		return true;
	if (!colon || (slash && slash < colon))
		return true;	/* relative or absolute path */
	return colon - t == 1;	/* C:\… */
}

static bool
edit_rels(struct cleaner *cl, xmlDoc *doc, const char *name)
{
	xmlNode *root = xmlDocGetRootElement(doc), *n, *next;
	bool changed = false, have[NWRITTEN] = { false };

	for (n = root->children; n; n = next) {
		xmlChar *type, *target, *mode;
		char part[600];
		bool drop = false, macro;

		next = n->next;
		if (!is_el(n, NS_REL, "Relationship"))
			continue;
		type = attr(n, "Type");
		target = attr(n, "Target");
		mode = attr(n, "TargetMode");
		if (!type || !target) {
			/* keep what cannot be read */
		} else if (mode && strcmp((const char *)mode, "External") == 0) {
			if ((drop = names_a_file((const char *)target)))
				rfp_diag(cl->ctx, TPL_EXTERNAL, &(struct rfp_where){ .file = cl->path,
				    .part = name }, (const char *)target);
		} else {
			resolve(name, (const char *)target, part, sizeof(part));
			drop = strcmp((const char *)type, REL_THUMB) == 0 ||
			    dropped(RFP_FORMAT_DOCX, part, &macro);
			/* The package has one of each property part: another
			 * target of their types goes too. */
			for (size_t i = 0; i < 3; i++)
				drop = drop || (strcmp((const char *)type, written[i].rel) == 0 &&
				    strcmp(part, written[i].part) != 0);
			for (size_t i = 0; i < NWRITTEN; i++)
				if (strcmp(part, written[i].part) == 0 &&
				    strcmp((const char *)type, written[i].rel) == 0 && !have[i]) {
					have[i] = true;
					drop = false;
				}
		}
		xmlFree(type);
		xmlFree(target);
		xmlFree(mode);
		if (drop) {
			xmlUnlinkNode(n);
			xmlFreeNode(n);
			changed = true;
		}
	}
	for (size_t i = 0; i < NWRITTEN; i++) {
		xmlNode *r;

		if (have[i] || strcmp(name, written[i].rels) != 0)
			continue;
		if (!(r = xmlNewChild(root, root->ns, (const xmlChar *)"Relationship", NULL))) {
			cl->st = RFP_ERR_NOMEM;
			return false;
		}
		xmlNewProp(r, (const xmlChar *)"Id", (const xmlChar *)written[i].id);
		xmlNewProp(r, (const xmlChar *)"Type", (const xmlChar *)written[i].rel);
		xmlNewProp(r, (const xmlChar *)"Target", (const xmlChar *)written[i].target);
		changed = true;
	}
	return changed;
}

static bool
edit_content_types(struct cleaner *cl, xmlDoc *doc, const char *name)
{
	xmlNode *root = xmlDocGetRootElement(doc), *n, *next;
	bool have[NWRITTEN] = { false };

	(void)name;
	for (n = root->children; n; n = next) {
		xmlChar *ct = NULL, *part = NULL;
		bool drop = false, macro;

		next = n->next;
		if (is_el(n, NS_CT, "Override") && (part = attr(n, "PartName")) && part[0] == '/') {
			const char *pn = (const char *)part + 1;
			size_t i;

			for (i = 0; i < NWRITTEN && strcmp(pn, written[i].part) != 0; i++)
				;
			if (i < NWRITTEN && !have[i]) {
				have[i] = true;
				xmlSetProp(n, (const xmlChar *)"ContentType", (const xmlChar *)written[i].ct);
			} else {
				drop = dropped(RFP_FORMAT_DOCX, pn, &macro);
			}
		}
		if ((is_el(n, NS_CT, "Override") || is_el(n, NS_CT, "Default")) &&
		    (ct = attr(n, "ContentType"))) {
			drop = drop || strstr((const char *)ct, "vbaProject") ||
			    strstr((const char *)ct, "vbaData");
			/* A macro-enabled document or template becomes a document. */
			if (!drop && strstr((const char *)ct, "ms-word.") &&
			    strstr((const char *)ct, "macroEnabled") && strstr((const char *)ct, "main+xml"))
				xmlSetProp(n, (const xmlChar *)"ContentType", (const xmlChar *)CT_MAIN);
		}
		xmlFree(ct);
		xmlFree(part);
		if (drop) {
			xmlUnlinkNode(n);
			xmlFreeNode(n);
		}
	}
	for (size_t i = 0; i < NWRITTEN; i++) {
		xmlNode *o;
		char pn[128];

		if (have[i])
			continue;
		if (!(o = xmlNewChild(root, root->ns, (const xmlChar *)"Override", NULL))) {
			cl->st = RFP_ERR_NOMEM;
			return false;
		}
		snprintf(pn, sizeof(pn), "/%s", written[i].part);
		xmlNewProp(o, (const xmlChar *)"PartName", (const xmlChar *)pn);
		xmlNewProp(o, (const xmlChar *)"ContentType", (const xmlChar *)written[i].ct);
	}
	return true;
}

/* w:attachedTemplate names a template file on the author's disk. */
static bool
edit_settings(struct cleaner *cl, xmlDoc *doc, const char *name)
{
	xmlNode *root = xmlDocGetRootElement(doc), *n, *next;
	bool changed = false;

	(void)cl, (void)name;
	for (n = root->children; n; n = next) {
		next = n->next;
		if (is_el(n, NS_W, "attachedTemplate")) {
			xmlUnlinkNode(n);
			xmlFreeNode(n);
			changed = true;
		}
	}
	return changed;
}

static bool
edit_manifest(struct cleaner *cl, xmlDoc *doc, const char *name)
{
	xmlNode *root = xmlDocGetRootElement(doc), *n, *next, *meta;

	static const char *const ours[] = { "meta.xml", RFP_MANIFEST_ODT };
	bool have[2] = { false, false };

	(void)name;
	for (n = root->children; n; n = next) {
		xmlChar *p = NULL;
		bool macro, drop;

		next = n->next;
		if (!is_el(n, NS_MANIFEST, "file-entry") ||
		    !(p = xmlGetNsProp(n, (const xmlChar *)"full-path", (const xmlChar *)NS_MANIFEST)))
			continue;
		drop = dropped(RFP_FORMAT_ODT, (const char *)p, &macro);
		for (size_t i = 0; i < 2; i++)
			if (strcmp((const char *)p, ours[i]) == 0 && !have[i])
				have[i] = true, drop = false;
		xmlFree(p);
		if (drop) {
			xmlUnlinkNode(n);
			xmlFreeNode(n);
		}
	}
	for (size_t i = 0; i < 2; i++) {
		if (have[i])
			continue;
		if (!(meta = xmlNewChild(root, root->ns, (const xmlChar *)"file-entry", NULL))) {
			cl->st = RFP_ERR_NOMEM;
			return false;
		}
		xmlNewNsProp(meta, root->ns, (const xmlChar *)"full-path", (const xmlChar *)ours[i]);
		xmlNewNsProp(meta, root->ns, (const xmlChar *)"media-type", (const xmlChar *)"text/xml");
	}
	return true;
}

/* office:version of the ODT's content.xml, for the meta.xml written anew. */
static void
odf_version_of(const struct rfp_pkg *pkg, char out[8])
{
	const struct rfp_pkg_entry *e = rfp_pkg_find(pkg, "content.xml");
	const char *v = e ? strstr(e->data, "office:version=\"") : NULL;
	size_t n = v ? strcspn(v + 16, "\"") : 0;

	snprintf(out, 8, "%.*s", n && n < 8 ? (int)n : 3, n && n < 8 ? v + 16 : "1.3");
}

static enum rfp_status
add_entry(struct rfp_pkg *pkg, const char *name, const char *data)
{
	struct rfp_pkg_entry *grown = realloc(pkg->entries, (pkg->n + 1) * sizeof(*grown)), *e;

	if (!grown)
		return RFP_ERR_NOMEM;
	pkg->entries = grown;
	e = &pkg->entries[pkg->n];
	if (!(e->name = strdup(name)) || !(e->data = strdup(data))) {
		free(e->name);
		return RFP_ERR_NOMEM;
	}
	e->len = strlen(data);
	pkg->n++;
	return RFP_OK;
}

enum rfp_status
rfp_annex_clean(struct rfp_ctx *ctx, const char *path, enum rfp_format fmt,
    struct rfp_pkg *pkg, char odf_version[8])
{
	struct cleaner cl = { ctx, path, pkg, RFP_OK };

	odf_version[0] = '\0';
	remove_entries(&cl, fmt);
	if (fmt == RFP_FORMAT_ODT) {
		odf_version_of(pkg, odf_version);
		if (!rfp_pkg_find(pkg, "META-INF/manifest.xml"))
			cl.st = add_entry(pkg, "META-INF/manifest.xml",
			    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<manifest:manifest "
			    "xmlns:manifest=\"" NS_MANIFEST "\"><manifest:file-entry "
			    "manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis."
			    "opendocument.text\"/><manifest:file-entry manifest:full-path=\"content.xml\" "
			    "manifest:media-type=\"text/xml\"/></manifest:manifest>\n");
		edit_part(&cl, "META-INF/manifest.xml", edit_manifest);
		return cl.st;
	}
	if (!rfp_pkg_find(pkg, "_rels/.rels") && !cl.st)
		cl.st = add_entry(pkg, "_rels/.rels",
		    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships "
		    "xmlns=\"" NS_REL "\"><Relationship Id=\"rId1\" Type=\"" REL_BASE
		    "officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>"
		    "</Relationships>\n");
	/* The manifest's properties and relationships, the same in every
	 * annex; the main part's relationships must exist to reach it. */
	if (!cl.st)
		cl.st = add_entry(pkg, MANIFEST_PROPS,
		    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n<ds:datastoreItem "
		    "ds:itemID=\"{6C2E1A52-7266-4765-8E6D-616E69666573}\" xmlns:ds=\"http://schemas."
		    "openxmlformats.org/officeDocument/2006/customXml\"><ds:schemaRefs><ds:schemaRef "
		    "ds:uri=\"" RFP_MANIFEST_NS "\"/></ds:schemaRefs></ds:datastoreItem>\n");
	if (!cl.st)
		cl.st = add_entry(pkg, MANIFEST_RELS,
		    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships "
		    "xmlns=\"" NS_REL "\"></Relationships>\n");
	if (!rfp_pkg_find(pkg, "word/_rels/document.xml.rels") && !cl.st)
		cl.st = add_entry(pkg, "word/_rels/document.xml.rels",
		    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships "
		    "xmlns=\"" NS_REL "\"></Relationships>\n");
	edit_part(&cl, "[Content_Types].xml", edit_content_types);
	for (size_t i = 0; i < pkg->n && !cl.st; i++)
		if (suffix(pkg->entries[i].name, ".rels"))
			edit_part(&cl, pkg->entries[i].name, edit_rels);
	edit_part(&cl, "word/settings.xml", edit_settings);
	return cl.st;
}

/*
 * When the annex was made, "2025-05-01T08:00:00Z": mtime when the caller
 * fixed one (SOURCE_DATE_EPOCH), else the annex's own date at midnight
 * UTC, so the same command gives the same bytes on any day.
 */
static void
iso_time(int64_t mtime, const char *date, char out[32])
{
	unsigned y, m, d;

	if (mtime <= 0 && date && sscanf(date, "%4u-%2u-%2u", &y, &m, &d) == 3) {
		snprintf(out, 32, "%04u-%02u-%02uT00:00:00Z", y % 10000, m % 100, d % 100);
		return;
	}
	{
		time_t t = (time_t)mtime;
		struct tm tm;

		if (!gmtime_r(&t, &tm))
			memset(&tm, 0, sizeof(tm));
		strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
}

enum rfp_status
rfp_annex_props(const struct rfp_selection *sel, const char *doc_title, enum rfp_format fmt,
    const char *odf_version, const char *generator, int64_t mtime, const struct rfp_buf *manifest,
    struct rfp_buf *core, struct rfp_buf *app, struct rfp_buf *custom)
{
	char digest[65];

	struct rfp_buf title = RFP_BUF_INIT(1u << 20), subject = RFP_BUF_INIT(4096);
	char when[32];
	enum rfp_status st;

	iso_time(mtime, sel->date, when);
	/* 「○○系統建置案」資通安全需求附件, escaped for the part. */
	if (sel->project && *sel->project) {
		rfp_buf_adds(&title, "「");
		rfp_xml_escape(&title, sel->project, strlen(sel->project), false);
		rfp_buf_adds(&title, "」");
	}
	rfp_buf_adds(&title, doc_title);
	if (sel->services) {
		char scope[320];

		rfp_buf_adds(&subject, rfp_selection_scope(sel, scope, sizeof(scope)));
	} else {
		rfp_buf_addf(&subject, "%s／防護需求等級%s", rfp_type_name(sel->type),
		    rfp_level_name(sel->level));
	}
	if (fmt == RFP_FORMAT_ODT) {
		rfp_buf_addf(core, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<office:document-meta xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
		    "xmlns:meta=\"urn:oasis:names:tc:opendocument:xmlns:meta:1.0\" "
		    "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" office:version=\"%s\"><office:meta>"
		    "<meta:generator>", odf_version && *odf_version ? odf_version : "1.3");
		rfp_xml_escape(core, generator, strlen(generator), false);
		rfp_buf_addf(core, "</meta:generator><dc:title>%s</dc:title><dc:subject>%s</dc:subject>"
		    "<dc:language>zh-TW</dc:language><meta:creation-date>%.19s</meta:creation-date>"
		    "<dc:date>%.19s</dc:date>", title.ptr, subject.ptr, when, when);
		/* A copy of the manifest where LibreOffice keeps it on saving:
		 * a user-defined property (an unknown package entry is lost). */
		rfp_buf_adds(core, "<meta:user-defined meta:name=\"" RFP_MANIFEST_PROPERTY "\">");
		rfp_xml_escape(core, manifest->ptr, manifest->len, false);
		rfp_buf_adds(core, "</meta:user-defined></office:meta></office:document-meta>\n");
	} else {
		rfp_buf_addf(core, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
		    "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
		    "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" "
		    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>%s</dc:title>"
		    "<dc:subject>%s</dc:subject><dc:language>zh-TW</dc:language>"
		    "<dcterms:created xsi:type=\"dcterms:W3CDTF\">%s</dcterms:created>"
		    "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">%s</dcterms:modified>"
		    "</cp:coreProperties>\n", title.ptr, subject.ptr, when, when);
		rfp_buf_adds(app, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
		    "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">"
		    "<Application>");
		rfp_xml_escape(app, generator, strlen(generator), false);
		rfp_buf_adds(app, "</Application><DocSecurity>0</DocSecurity></Properties>\n");
		/* Word keeps a custom property of at most 255 characters: the
		 * manifest's digest, which tells whether the part is the one issued. */
		rfp_sha256_hex(manifest->ptr, manifest->len, digest);
		rfp_buf_addf(custom, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
		    "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties\" "
		    "xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">"
		    "<property fmtid=\"{D5CDD505-2E9C-101B-9397-08002B2CF9AE}\" pid=\"2\" name=\""
		    RFP_MANIFEST_PROPERTY "-sha256\"><vt:lpwstr>%s</vt:lpwstr></property></Properties>\n",
		    digest);
	}
	st = title.err ? title.err : subject.err ? subject.err : core->err ? core->err :
	    app->err ? app->err : custom->err;
	rfp_buf_fini(&title);
	rfp_buf_fini(&subject);
	return st;
}
