/* SPDX-License-Identifier: MIT */
/*
 * A flat ODF text document (.fodt: one office:document element, as
 * LibreOffice saves it) read as the package it stands for: content.xml,
 * styles.xml and settings.xml cut from its parts, with a mimetype and a
 * manifest. Automatic styles go into both parts, since the body and the
 * master pages each use some of them.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "pkg/pkg.h"
#include "util/xml.h"

#define NS_OFFICE "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define MIME_TEXT "application/vnd.oasis.opendocument.text"

struct flat_part {
	const char *name, *root;
	const char *const *children;
};

static const char *const content_children[] = { "font-face-decls", "automatic-styles", "body",
	NULL };
static const char *const styles_children[] = { "font-face-decls", "styles", "automatic-styles",
	"master-styles", NULL };
static const char *const settings_children[] = { "settings", NULL };

static const struct flat_part parts[] = {
	{ "content.xml", "document-content", content_children },
	{ "styles.xml", "document-styles", styles_children },
	{ "settings.xml", "document-settings", settings_children },
};

static bool
is_office(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	    strcmp((const char *)n->ns->href, NS_OFFICE) == 0 &&
	    strcmp((const char *)n->name, name) == 0;
}

static enum rfp_status
add(struct rfp_pkg *pkg, const char *name, const char *data, size_t len)
{
	struct rfp_pkg_entry *e = &pkg->entries[pkg->n];

	if (!(e->name = strdup(name)) || !(e->data = malloc(len + 1)))
		return RFP_ERR_NOMEM;
	memcpy(e->data, data, len);
	e->data[len] = '\0';
	e->len = len;
	pkg->n++;
	return RFP_OK;
}

/* One part: a new root with the flat root's namespaces and version, and
 * copies of the children it takes. Empty parts are left out. */
static enum rfp_status
cut_part(xmlNode *froot, const struct flat_part *fp, struct rfp_pkg *pkg)
{
	xmlDoc *doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNode *root;
	xmlChar *version = xmlGetNsProp(froot, (const xmlChar *)"version", (const xmlChar *)NS_OFFICE);
	xmlChar *mem = NULL;
	int size = 0, taken = 0;
	enum rfp_status st = RFP_ERR_NOMEM;

	if (!doc || !(root = xmlNewDocNode(doc, NULL, (const xmlChar *)fp->root, NULL)))
		goto out;
	xmlDocSetRootElement(doc, root);
	for (xmlNs *ns = froot->nsDef; ns; ns = ns->next) {
		xmlNs *copy = xmlNewNs(root, ns->href, ns->prefix);

		if (copy && ns->href && strcmp((const char *)ns->href, NS_OFFICE) == 0)
			xmlSetNs(root, copy);
	}
	if (version)
		xmlSetNsProp(root, root->ns, (const xmlChar *)"version", version);
	for (const char *const *c = fp->children; *c; c++) {
		for (xmlNode *n = froot->children; n; n = n->next) {
			xmlNode *copy;

			if (!is_office(n, *c))
				continue;
			if (!(copy = xmlDocCopyNode(n, doc, 1)))
				goto out;
			xmlAddChild(root, copy);
			taken++;
		}
	}
	st = RFP_OK;
	if (!taken)
		goto out;
	xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
	st = mem ? add(pkg, fp->name, (const char *)mem, (size_t)size) : RFP_ERR_NOMEM;
out:
	xmlFree(mem);
	xmlFree(version);
	xmlFreeDoc(doc);
	return st;
}

enum rfp_status
rfp_pkg_read_flat(struct rfp_ctx *ctx, const char *path, const char *data, size_t len,
    struct rfp_pkg *out)
{
	struct rfp_pkg pkg = { 0 };
	xmlDoc *doc = NULL;
	xmlNode *root;
	xmlChar *mime = NULL, *version = NULL;
	enum rfp_status st;
	char manifest[1024];
	size_t n;

	if ((st = rfp_xml_parse(ctx, path, NULL, data, len, &doc)) != RFP_OK)
		return st;
	root = xmlDocGetRootElement(doc);
	if (root && is_office(root, "document"))
		mime = xmlGetNsProp(root, (const xmlChar *)"mimetype", (const xmlChar *)NS_OFFICE);
	if (!mime || (strcmp((const char *)mime, MIME_TEXT) != 0 &&
	    strcmp((const char *)mime, MIME_TEXT "-template") != 0)) {
		rfp_diag(ctx, TPL_FORMAT, &(struct rfp_where){ .file = path });
		st = RFP_ERR_TEMPLATE;
		goto out;
	}
	st = RFP_ERR_NOMEM;
	if (!(pkg.entries = calloc(5, sizeof(*pkg.entries))) ||
	    add(&pkg, "mimetype", MIME_TEXT, strlen(MIME_TEXT)) != RFP_OK)
		goto out;
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if ((st = cut_part(root, &parts[i], &pkg)) != RFP_OK)
			goto out;
	version = xmlGetNsProp(root, (const xmlChar *)"version", (const xmlChar *)NS_OFFICE);
	n = (size_t)snprintf(manifest, sizeof(manifest), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" "
	    "manifest:version=\"%s\"><manifest:file-entry manifest:full-path=\"/\" "
	    "manifest:version=\"%s\" manifest:media-type=\"" MIME_TEXT "\"/>",
	    version && strlen((const char *)version) < 8 ? (const char *)version : "1.3",
	    version && strlen((const char *)version) < 8 ? (const char *)version : "1.3");
	for (size_t i = 1; i < pkg.n; i++)
		n += (size_t)snprintf(manifest + n, sizeof(manifest) - n, "<manifest:file-entry "
		    "manifest:full-path=\"%s\" manifest:media-type=\"text/xml\"/>", pkg.entries[i].name);
	n += (size_t)snprintf(manifest + n, sizeof(manifest) - n, "</manifest:manifest>\n");
	if ((st = add(&pkg, "META-INF/manifest.xml", manifest, n)) != RFP_OK)
		goto out;
	*out = pkg;
	pkg = (struct rfp_pkg){ 0 };
out:
	xmlFree(mime);
	xmlFree(version);
	xmlFreeDoc(doc);
	rfp_pkg_fini(&pkg);
	return st;
}
