/* SPDX-License-Identifier: MIT */
/*
 * Safe XML parsing for catalogues, templates and workbooks.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "util/buf.h"
#include "util/xml.h"

struct first_error {
	int set;
	int line, col;
	char msg[256];
};

/* What one parse keeps in its parser context (_private). */
struct parse {
	struct first_error fe;
	const struct rfp_xml_prune *prune;	/* NULL: the whole tree */
	const xmlChar *uri;	/* prune's namespace as libxml2 interned it */
	xmlSAXHandler tree;	/* libxml2's own tree builder, which prune_* call */
	unsigned skipping;	/* depth inside a pruned element; 0: not in one */
};

/* libxml2 reports through the parser context, so no global handler is set. */
static void
keep_first_error(void *data, xmlErrorPtr e)
{
	xmlParserCtxtPtr pctx = data;
	struct first_error *fe = &((struct parse *)pctx->_private)->fe;
	size_t n;

	/* A repeated xml:id is a validity matter, not well-formedness; loops
	 * create them and guard.c renames them. */
	if (fe->set || e->level < XML_ERR_ERROR || e->code == XML_DTD_ID_REDEFINED)
		return;
	fe->set = 1;
	fe->line = e->line;
	fe->col = e->int2;
	snprintf(fe->msg, sizeof(fe->msg), "%s", e->message ? e->message : "parse error");
	for (char *p = fe->msg; *p; p++)
		if (*p == '\n')
			*p = ' ';	/* keep diagnostics on one line */
	n = strlen(fe->msg);
	while (n && (fe->msg[n - 1] == '\n' || fe->msg[n - 1] == ' '))
		fe->msg[--n] = '\0';
}

/* Finds "<!DOCTYPE" outside comments well enough to refuse any DTD. */
static const char *
find_doctype(const char *data, size_t len, unsigned *line)
{
	static const char pat[] = "<!DOCTYPE";
	const char *p = memmem(data, len, pat, sizeof(pat) - 1);

	/* The line only for a document refused: most have no DOCTYPE. */
	*line = 1;
	for (const char *q = data; p && (q = memchr(q, '\n', (size_t)(p - q))); q++)
		(*line)++;
	return p;
}

/*
 * Pruning: the parser still reads, checks and reports every byte; only the
 * nodes of a pruned element and of everything in it are never built. The
 * SAX callbacks pass everything else on to libxml2's tree builder.
 */
static bool
pruned(struct parse *p, const xmlChar *local, const xmlChar *uri)
{
	/* The parser interns namespace names: after the first match, one
	 * pointer compare instead of a 60-byte strcmp for every element. */
	if (!uri || (uri != p->uri && strcmp((const char *)uri, p->prune->ns) != 0))
		return false;
	p->uri = uri;
	for (const char *const *n = p->prune->names; *n; n++)
		if (strcmp((const char *)local, *n) == 0)
			return true;
	return false;
}

static void
prune_start(void *data, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
    int nns, const xmlChar **nss, int nattr, int ndef, const xmlChar **attrs)
{
	struct parse *p = ((xmlParserCtxtPtr)data)->_private;

	if (p->skipping || pruned(p, local, uri))
		p->skipping++;
	else
		p->tree.startElementNs(data, local, prefix, uri, nns, nss, nattr, ndef, attrs);
}

static void
prune_end(void *data, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
	struct parse *p = ((xmlParserCtxtPtr)data)->_private;

	if (p->skipping)
		p->skipping--;
	else
		p->tree.endElementNs(data, local, prefix, uri);
}

/* Also white space: one function for both, as libxml2's own handler has,
 * so that libxml2 never tries to tell ignorable white space apart. */
static void
prune_text(void *data, const xmlChar *ch, int len)
{
	struct parse *p = ((xmlParserCtxtPtr)data)->_private;

	if (!p->skipping)
		p->tree.characters(data, ch, len);
}

static void
prune_cdata(void *data, const xmlChar *ch, int len)
{
	struct parse *p = ((xmlParserCtxtPtr)data)->_private;

	if (!p->skipping)
		p->tree.cdataBlock(data, ch, len);
}

static void
prune_comment(void *data, const xmlChar *text)
{
	struct parse *p = ((xmlParserCtxtPtr)data)->_private;

	if (!p->skipping)
		p->tree.comment(data, text);
}

static void
prune_pi(void *data, const xmlChar *target, const xmlChar *text)
{
	struct parse *p = ((xmlParserCtxtPtr)data)->_private;

	if (!p->skipping)
		p->tree.processingInstruction(data, target, text);
}

static void
prune_reference(void *data, const xmlChar *name)
{
	struct parse *p = ((xmlParserCtxtPtr)data)->_private;

	if (!p->skipping)
		p->tree.reference(data, name);
}

/* Routes the tree builder's callbacks through prune_*; false if libxml2's
 * handler is not the one they expect (then the whole tree is built). */
static bool
set_prune(xmlParserCtxtPtr pctx, struct parse *p)
{
	xmlSAXHandler *h = pctx->sax;

	if (!h || h->initialized != XML_SAX2_MAGIC || !h->startElementNs || !h->endElementNs ||
	    !h->characters || h->ignorableWhitespace != h->characters || !h->cdataBlock ||
	    !h->comment || !h->processingInstruction || !h->reference)
		return false;
	p->tree = *h;
	h->startElementNs = prune_start;
	h->endElementNs = prune_end;
	h->characters = h->ignorableWhitespace = prune_text;
	h->cdataBlock = prune_cdata;
	h->comment = prune_comment;
	h->processingInstruction = prune_pi;
	h->reference = prune_reference;
	return true;
}

enum rfp_status
rfp_xml_parse(struct rfp_ctx *ctx, const char *file, const char *part,
    const char *data, size_t len, xmlDoc **out)
{
	return rfp_xml_parse_pruned(ctx, file, part, data, len, NULL, out);
}

enum rfp_status
rfp_xml_parse_pruned(struct rfp_ctx *ctx, const char *file, const char *part,
    const char *data, size_t len, const struct rfp_xml_prune *prune, xmlDoc **out)
{
	struct rfp_where w = { .file = file, .part = part };
	struct parse ps = { .prune = prune };
	struct first_error *fe = &ps.fe;
	xmlParserCtxtPtr pctx = NULL;
	xmlStructuredErrorFunc old_fn;
	void *old_data;
	xmlDoc *doc = NULL;
	enum rfp_status st = RFP_ERR_XML;
	unsigned line;

	/* Idempotent. The batch calls it too, before its workers start: the
	 * first call must not race. */
	xmlInitParser();
	if (len > (size_t)INT32_MAX) {
		rfp_diag(ctx, LIMIT_SIZE, &w, "2 GiB");
		return RFP_ERR_LIMIT;
	}
	if (find_doctype(data, len, &line)) {
		w.line = line;
		rfp_diag(ctx, XML_DTD, &w);
		return RFP_ERR_XML;
	}
	pctx = xmlNewParserCtxt();
	if (!pctx)
		return RFP_ERR_NOMEM;
	pctx->_private = &ps;
	pctx->sax->serror = keep_first_error;
	if (prune && !set_prune(pctx, &ps))
		ps.prune = NULL;
	/*
	 * Encoding and I/O errors (a part declaring encoding="UTF-7", say)
	 * are raised without the parser context, through the handler of the
	 * thread: take them too while parsing, or libxml2 prints them.
	 */
	old_fn = xmlStructuredError;
	old_data = xmlStructuredErrorContext;
	xmlSetStructuredErrorFunc(pctx, keep_first_error);
	doc = xmlCtxtReadMemory(pctx, data, (int)len, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR |
	    XML_PARSE_BIG_LINES);
	xmlSetStructuredErrorFunc(old_data, old_fn);
	if (fe->set && strstr(fe->msg, "Excessive depth")) {
		/* libxml2's own nesting cap (256); its message suggests lifting
		 * the limit, which rfpgen never does. */
		w.line = fe->line > 0 ? (unsigned)fe->line : 0;
		rfp_diag(ctx, LIMIT_DEPTH, &w, 256u);
		st = RFP_ERR_LIMIT;
		goto out;
	}
	if (!doc || !pctx->wellFormed || fe->set) {
		w.line = fe->set && fe->line > 0 ? (unsigned)fe->line : 0;
		w.col = fe->set && fe->col > 0 ? (unsigned)fe->col : 0;
		rfp_diag(ctx, XML, &w, fe->set ? fe->msg : "parse error");
		goto out;
	}
	/* The byte scan above cannot see a DOCTYPE in UTF-16; the tree can. */
	if (doc->intSubset || doc->extSubset) {
		rfp_diag(ctx, XML_DTD, &w);
		goto out;
	}
	*out = doc;
	doc = NULL;
	st = RFP_OK;
out:
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(pctx);
	return st;
}
