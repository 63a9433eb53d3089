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

/* libxml2 reports through the parser context, so no global handler is set. */
static void
keep_first_error(void *data, xmlErrorPtr e)
{
	xmlParserCtxtPtr pctx = data;
	struct first_error *fe = pctx->_private;
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
	size_t i, plen = sizeof(pat) - 1;

	*line = 1;
	for (i = 0; i + plen <= len; i++) {
		if (data[i] == '\n')
			(*line)++;
		else if (data[i] == '<' && memcmp(data + i, pat, plen) == 0)
			return data + i;
	}
	return NULL;
}

enum rfp_status
rfp_xml_parse(struct rfp_ctx *ctx, const char *file, const char *part,
    const char *data, size_t len, xmlDoc **out)
{
	struct rfp_where w = { .file = file, .part = part };
	struct first_error fe = { 0 };
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
	pctx->_private = &fe;
	pctx->sax->serror = keep_first_error;
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
	if (fe.set && strstr(fe.msg, "Excessive depth")) {
		/* libxml2's own nesting cap (256); its message suggests lifting
		 * the limit, which rfpgen never does. */
		w.line = fe.line > 0 ? (unsigned)fe.line : 0;
		rfp_diag(ctx, LIMIT_DEPTH, &w, 256u);
		st = RFP_ERR_LIMIT;
		goto out;
	}
	if (!doc || !pctx->wellFormed || fe.set) {
		w.line = fe.set && fe.line > 0 ? (unsigned)fe.line : 0;
		w.col = fe.set && fe.col > 0 ? (unsigned)fe.col : 0;
		rfp_diag(ctx, XML, &w, fe.set ? fe.msg : "parse error");
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
