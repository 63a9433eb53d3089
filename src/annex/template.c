/* SPDX-License-Identifier: MIT */
/*
 * A template package: read once, every XML part checked and compiled once,
 * then rendered into as many packages as needed. Knows which parts of a
 * WordprocessingML or ODF text package carry document text.
 */
#include "config.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "annex/annex.h"
#include "annex/merge.h"
#include "annex/package.h"
#include "annex/template.h"
#include "pkg/pkg.h"
#include "util/file.h"
#include "util/text.h"
#include "util/xml.h"

#define ODT_MIME "application/vnd.oasis.opendocument.text"
#define DOTX_MAIN "wordprocessingml.template.main+xml"
#define DOCX_MAIN "wordprocessingml.document.main+xml"

static bool
is_xml(const char *name)
{
	size_t n = strlen(name);

	return (n > 4 && strcmp(name + n - 4, ".xml") == 0) ||
	    (n > 5 && strcmp(name + n - 5, ".rels") == 0);
}

static enum rfp_part_mode
part_mode(enum rfp_format fmt, const char *name)
{
	static const char *const word_flow[] = {
		"word/document.xml", "word/header*.xml", "word/footer*.xml",
		"word/footnotes.xml", "word/endnotes.xml", "word/comments.xml",
	};

	if (fmt == RFP_FORMAT_ODT)
		return strcmp(name, "content.xml") == 0 ||
		    strcmp(name, "styles.xml") == 0 ? RFP_PART_ODF : RFP_PART_PLAIN;
	for (size_t i = 0; i < sizeof(word_flow) / sizeof(word_flow[0]); i++)
		if (fnmatch(word_flow[i], name, FNM_PATHNAME) == 0)
			return RFP_PART_WORD;
	return RFP_PART_PLAIN;
}

/*
 * A .dotx or .ott renders into a document, not another template: rewrite
 * the main part's content type or the mimetype in place.
 */
static void
template_to_document(struct rfp_pkg_entry *e, enum rfp_format fmt)
{
	char *p;

	if (fmt == RFP_FORMAT_DOCX && strcmp(e->name, "[Content_Types].xml") == 0) {
		/* "template" and "document" have the same length. */
		_Static_assert(sizeof(DOTX_MAIN) == sizeof(DOCX_MAIN), "same length");
		while ((p = strstr(e->data, DOTX_MAIN)) != NULL)
			memcpy(p, DOCX_MAIN, sizeof(DOCX_MAIN) - 1);
	} else if (fmt == RFP_FORMAT_ODT && strcmp(e->name, "mimetype") == 0) {
		e->len = sizeof(ODT_MIME) - 1;	/* drops "-template" */
	}
}

static enum rfp_status
detect_format(struct rfp_ctx *ctx, const char *path, const struct rfp_pkg *pkg,
    enum rfp_format *fmt)
{
	const struct rfp_pkg_entry *mt = rfp_pkg_find(pkg, "mimetype");

	if (rfp_pkg_find(pkg, "[Content_Types].xml") && rfp_pkg_find(pkg, "word/document.xml")) {
		*fmt = RFP_FORMAT_DOCX;
		return RFP_OK;
	}
	if (mt && mt->len >= sizeof(ODT_MIME) - 1 &&
	    memcmp(mt->data, ODT_MIME, sizeof(ODT_MIME) - 1) == 0 &&
	    (mt->len == sizeof(ODT_MIME) - 1 ||
	    (mt->len == sizeof(ODT_MIME "-template") - 1 &&
	    memcmp(mt->data, ODT_MIME "-template", mt->len) == 0)) &&
	    rfp_pkg_find(pkg, "content.xml")) {
		*fmt = RFP_FORMAT_ODT;
		return RFP_OK;
	}
	rfp_diag(ctx, TPL_FORMAT, &(struct rfp_where){ .file = path });
	return RFP_ERR_TEMPLATE;
}

/* Output order: the part each format requires first, then template order. */
static bool
goes_first(enum rfp_format fmt, const char *name)
{
	return strcmp(name, fmt == RFP_FORMAT_DOCX ? "[Content_Types].xml" : "mimetype") == 0;
}

/*
 * Compiles one entry into tp. Every XML part whose text a document shows
 * (part_mode) is compiled, however its tags are split: a {{ whose braces
 * sit in two runs or spans has no "{{" in the part's bytes. A part that
 * turns out to hold no tag is copied as it is, compressed once.
 */
/* What every part of one template is compiled with. */
struct loader {
	struct rfp_ctx *ctx;
	const char *path;
	enum rfp_format fmt;
	struct rfp_buf frag;		/* the {{requirements}} fragment, or empty */
	struct rfp_buf *listing;	/* inspect */
	enum rfp_listing_format lfmt;
	struct rfp_style_num *style_nums;	/* styles that number paragraphs */
	size_t nstyle_nums;
};

static enum rfp_status
compile_part(const struct loader *ld, struct rfp_pkg_entry *e, struct rfp_tpart *tp)
{
	struct rfp_ctx *ctx = ld->ctx;
	const char *path = ld->path;
	enum rfp_format fmt = ld->fmt;
	const struct rfp_splice splice = { "requirements", ld->frag.ptr, ld->frag.len };
	struct rfp_compile_opts opts = { .mode = part_mode(fmt, e->name),
	    .dict = rfp_annex_dict(), .splices = &splice, .nsplices = ld->frag.len ? 1 : 0,
	    .listing = ld->listing, .listing_format = ld->lfmt,
	    .style_nums = ld->style_nums, .nstyle_nums = ld->nstyle_nums };
	xmlDoc *doc = NULL;
	enum rfp_status st;

	tp->name = e->name;
	e->name = NULL;
	tp->store = fmt == RFP_FORMAT_ODT && strcmp(tp->name, "mimetype") == 0;
	if (is_xml(tp->name)) {
		if ((st = rfp_xml_parse(ctx, path, tp->name, e->data, e->len, &doc)) != RFP_OK)
			return st;
		/* In metadata and relationship parts text is never split. */
		if (opts.mode != RFP_PART_PLAIN || memmem(e->data, e->len, "{{", 2)) {
			/* The text that goes in is UTF-8, and so must the part be
			 * (libxml2 read it in whatever it declares). */
			const char *enc = (const char *)doc->encoding;
			bool bom16 = e->len >= 2 && ((unsigned char)e->data[0] == 0xFE ||
			    (unsigned char)e->data[0] == 0xFF);

			if ((enc && strcasecmp(enc, "UTF-8") != 0) || bom16) {
				struct rfp_where w = { .file = path, .part = tp->name, .line = 1 };

				st = rfp_diag(ctx, TPL_ENCODING, &w, enc ? enc : "UTF-16");
				xmlFreeDoc(doc);
				return st;
			}
			xmlFreeDoc(doc);
			doc = NULL;
			if ((st = rfp_prog_compile(ctx, path, tp->name, &opts, e->data, e->len,
			    &tp->prog)) != RFP_OK)
				return st;
			tp->compiled = tp->prog.ntags > 0;
			if (!tp->compiled)
				rfp_prog_fini(&tp->prog);
		}
		xmlFreeDoc(doc);
	}
	if (tp->compiled)
		return RFP_OK;
	tp->data = e->data;
	tp->len = e->len;
	e->data = NULL;
	return rfp_deflate(tp->data, tp->len, tp->store, &tp->z);
}

/* True if a compiled part inserts the requirements: a section over
 * families, items or checklist (the {{requirements}} splice has them). */
static bool
has_requirements(const struct rfp_template *t)
{
	static const char *const lists[] = { "families", "items", "checklist" };

	for (size_t i = 0; i < t->nparts; i++) {
		const struct rfp_prog *p = &t->parts[i].prog;

		for (size_t k = 0; t->parts[i].compiled && k < p->nops; k++) {
			const struct rfp_op *op = &p->ops[k];

			for (size_t l = 0; op->kind == RFP_OP_OPEN && !op->inverted && l < 3; l++)
				if (op->len == strlen(lists[l]) &&
				    memcmp(p->lits + op->off, lists[l], op->len) == 0)
					return true;
		}
	}
	return false;
}

/* Reads word/numbering.xml, for {{#list@restart}} sections. */
static enum rfp_status
find_numbering(struct rfp_ctx *ctx, const char *path, struct rfp_template *t)
{
	for (size_t i = 0; i < t->nparts; i++) {
		struct rfp_tpart *tp = &t->parts[i];

		if (strcmp(tp->name, "word/numbering.xml") != 0 || tp->compiled)
			continue;
		t->numbering_part = tp;
		return rfp_numbering_load(ctx, path, tp->data, tp->len, &t->numbering);
	}
	return RFP_OK;
}

/* Compiles the read package pkg, whose entries it takes (pkg is emptied). */
static enum rfp_status
load_pkg(struct rfp_ctx *ctx, const char *path, struct rfp_pkg *pkg,
    struct rfp_buf *listing, enum rfp_listing_format lfmt, struct rfp_template **out)
{
	/* The fragment is rfpgen's own, not input. */
	struct loader ld = { ctx, path, RFP_FORMAT_DOCX, RFP_BUF_INIT(4u << 20), listing, lfmt,
	    NULL, 0 };
	const struct rfp_pkg_entry *styles;
	struct rfp_template *t = NULL;
	enum rfp_status st, worst = RFP_OK;
	size_t k = 0;

	if (!(t = calloc(1, sizeof(*t)))) {
		worst = RFP_ERR_NOMEM;
		goto out;
	}
	/* Cleaning and merging add and remove entries: count them after. */
	if ((worst = detect_format(ctx, path, pkg, &t->format)) != RFP_OK ||
	    (worst = rfp_annex_clean(ctx, path, t->format, pkg, t->odf_version)) != RFP_OK ||
	    (worst = rfp_merge_requirements(ctx, path, t->format, pkg, &ld.frag)) != RFP_OK)
		goto out;
	ld.fmt = t->format;
	/* @restart renumbers paragraphs that their style numbers, too. */
	if (t->format == RFP_FORMAT_DOCX && (styles = rfp_pkg_find(pkg, "word/styles.xml")) &&
	    (worst = rfp_numbering_styles(ctx, path, styles->data, styles->len, &ld.style_nums,
	    &ld.nstyle_nums)) != RFP_OK)
		goto out;
	if (!(t->parts = calloc(pkg->n ? pkg->n : 1, sizeof(*t->parts)))) {
		worst = RFP_ERR_NOMEM;
		goto out;
	}
	/* Two passes give the required first entry, then the rest in order;
	 * every part is compiled even after an error, to report all of them. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < pkg->n; i++) {
			/* compile_part takes the name: a NULL name is done. */
			if (!pkg->entries[i].name ||
			    goes_first(t->format, pkg->entries[i].name) != (pass == 0))
				continue;
			template_to_document(&pkg->entries[i], t->format);
			st = compile_part(&ld, &pkg->entries[i], &t->parts[k++]);
			t->nparts = k;
			if (st == RFP_ERR_NOMEM) {
				worst = st;
				goto out;
			}
			if (st && !worst)
				worst = st;
		}
	}
	if (worst || (worst = find_numbering(ctx, path, t)) != RFP_OK)
		goto out;
	/* A template that would render an annex listing no requirement. */
	if (!has_requirements(t)) {
		rfp_diag(ctx, TPL_NO_REQUIREMENTS, &(struct rfp_where){ .file = path });
		worst = RFP_ERR_TEMPLATE;
		goto out;
	}
	*out = t;
	t = NULL;
out:
	rfp_buf_fini(&ld.frag);
	rfp_style_nums_free(ld.style_nums, ld.nstyle_nums);
	rfp_pkg_fini(pkg);
	rfp_template_free(t);
	return worst;
}

/* RFP_OK if the file is XML (a flat ODF document), RFP_ERR_ZIP if it is
 * anything else, to be read as a package; RFP_ERR_IO is left to the zip
 * reader's message. */
static enum rfp_status
is_flat(struct rfp_ctx *ctx, const char *path)
{
	char head[5] = "";
	struct stat sb;
	FILE *f;
	size_t n;

	(void)ctx;
	/* Only a regular file is looked into: opening a FIFO would wait. */
	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) || !(f = fopen(path, "rb")))
		return RFP_ERR_ZIP;
	n = fread(head, 1, sizeof(head) - 1, f);
	fclose(f);
	head[n] = '\0';
	return head[0] == '<' || memcmp(head, "\xEF\xBB\xBF<", 4) == 0 ? RFP_OK : RFP_ERR_ZIP;
}

static enum rfp_status
load(struct rfp_ctx *ctx, const char *path, struct rfp_buf *listing,
    enum rfp_listing_format lfmt, struct rfp_template **out)
{
	struct rfp_pkg pkg = { 0 };
	enum rfp_status st;

	if (!ctx || !path || !out)
		return RFP_ERR_USAGE;
	if ((st = is_flat(ctx, path)) == RFP_OK) {
		char *data = NULL;
		size_t len;

		st = rfp_read_file(ctx, path, ctx->limits.max_file_bytes, &data, &len);
		if (st == RFP_OK)
			st = rfp_pkg_read_flat(ctx, path, data, len, &pkg);
		free(data);
	} else if (st == RFP_ERR_ZIP) {
		st = rfp_pkg_read(ctx, path, &pkg);
	}
	if (st != RFP_OK)
		return st;
	return load_pkg(ctx, path, &pkg, listing, lfmt, out);
}

/* load() for a template held in memory (an upload): the same readers, the
 * same limits; name is used in messages only. */
static enum rfp_status
load_buffer(struct rfp_ctx *ctx, const char *name, const void *data, size_t len,
    struct rfp_buf *listing, enum rfp_listing_format lfmt, struct rfp_template **out)
{
	const char *p = data;
	struct rfp_pkg pkg = { 0 };
	enum rfp_status st;

	if (!ctx || !name || (!data && len) || !out)
		return RFP_ERR_USAGE;
	if (len > ctx->limits.max_file_bytes)
		return rfp_diag(ctx, LIMIT_FILE, &(struct rfp_where){ .file = name },
		    ctx->limits.max_file_bytes);
	if (len && (p[0] == '<' || (len >= 4 && memcmp(p, "\xEF\xBB\xBF<", 4) == 0)))
		st = rfp_pkg_read_flat(ctx, name, p, len, &pkg);
	else
		st = rfp_pkg_read_buffer(ctx, name, data, len, &pkg);
	if (st != RFP_OK)
		return st;
	return load_pkg(ctx, name, &pkg, listing, lfmt, out);
}

enum rfp_status
rfp_template_load_pkg(struct rfp_ctx *ctx, const char *name, struct rfp_pkg *pkg,
    struct rfp_template **out)
{
	if (!ctx || !name || !pkg || !out)
		return RFP_ERR_USAGE;
	return load_pkg(ctx, name, pkg, NULL, RFP_LISTING_TEXT, out);
}

enum rfp_status
rfp_template_load(struct rfp_ctx *ctx, const char *path, struct rfp_template **out)
{
	return load(ctx, path, NULL, RFP_LISTING_TEXT, out);
}

enum rfp_status
rfp_template_load_buffer(struct rfp_ctx *ctx, const char *name, const void *data, size_t len,
    struct rfp_template **out)
{
	return load_buffer(ctx, name, data, len, NULL, RFP_LISTING_TEXT, out);
}

/* inspect --format json: every diagnostic is also kept, as JSON. */
struct inspect_diags {
	struct rfp_buf json;
	rfp_diag_fn fn;
	void *data;
};

static void
add_json_str(struct rfp_buf *b, const char *key, const char *s)
{
	rfp_buf_addf(b, "\"%s\": ", key);
	if (!s) {
		rfp_buf_adds(b, "null");
		return;
	}
	rfp_buf_addc(b, '"');
	rfp_json_escape(b, s);
	rfp_buf_addc(b, '"');
}

static void
keep_diag(const struct rfp_diag *d, void *data)
{
	static const char *const sev[] = { "note", "warning", "error" };
	struct inspect_diags *k = data;
	struct rfp_buf *b = &k->json;

	rfp_buf_adds(b, b->len ? ",\n    {" : "    {");
	add_json_str(b, "severity", sev[d->severity]);
	rfp_buf_adds(b, ", ");
	add_json_str(b, "code", d->code);
	rfp_buf_adds(b, ", ");
	add_json_str(b, "part", d->part);
	rfp_buf_addf(b, ", \"line\": %u, \"col\": %u, ", d->line, d->col);
	add_json_str(b, "message", d->msg);
	rfp_buf_adds(b, ", ");
	add_json_str(b, "hint", d->hint);
	rfp_buf_addc(b, '}');
	if (k->fn)
		k->fn(d, k->data);
}

/* rfp_template_inspect() of the file at path (data NULL), or of the len
 * bytes at data, named path in messages. */
static enum rfp_status
inspect(struct rfp_ctx *ctx, const char *path, const void *data, size_t len,
    enum rfp_export_format fmt, char **out)
{
	struct rfp_buf listing = RFP_BUF_INIT(64u << 20);
	struct inspect_diags kept = { .json = RFP_BUF_INIT(16u << 20) };
	struct rfp_template *t = NULL;
	enum rfp_status st;
	bool json = fmt == RFP_EXPORT_JSON;

	if (!ctx || !path || !out || (fmt != RFP_EXPORT_TEXT && !json))
		return RFP_ERR_USAGE;
	if (json) {
		kept.fn = ctx->diag_fn;
		kept.data = ctx->diag_data;
		rfp_ctx_set_diag(ctx, keep_diag, &kept);
		rfp_buf_adds(&listing, "{\n  ");
		add_json_str(&listing, "template", path);
		rfp_buf_adds(&listing, ",\n  \"tags\": [\n");
	}
	st = data ? load_buffer(ctx, path, data, len, &listing,
	    json ? RFP_LISTING_JSON : RFP_LISTING_TEXT, &t) :
	    load(ctx, path, &listing, json ? RFP_LISTING_JSON : RFP_LISTING_TEXT, &t);
	rfp_template_free(t);
	if (json) {
		rfp_ctx_set_diag(ctx, kept.fn, kept.data);
		/* Each tag ends in ",\n": the last one loses its comma. */
		if (listing.ptr[listing.len - 1] == '\n' && listing.ptr[listing.len - 2] == ',')
			listing.ptr[listing.len -= 2] = '\0';
		rfp_buf_addf(&listing, "\n  ],\n  \"ok\": %s,\n  \"diagnostics\": [\n%s\n  ]\n}\n",
		    st == RFP_OK ? "true" : "false", kept.json.ptr);
		if (kept.json.err)
			listing.err = kept.json.err;
		rfp_buf_fini(&kept.json);
	}
	if (listing.err) {
		st = listing.err;
		rfp_buf_fini(&listing);
		return st;
	}
	*out = rfp_buf_detach(&listing, NULL);
	return *out ? st : RFP_ERR_NOMEM;
}

enum rfp_status
rfp_template_inspect(struct rfp_ctx *ctx, const char *path, enum rfp_export_format fmt,
    char **out)
{
	return inspect(ctx, path, NULL, 0, fmt, out);
}

enum rfp_status
rfp_template_inspect_buffer(struct rfp_ctx *ctx, const char *name, const void *data,
    size_t len, enum rfp_export_format fmt, char **out)
{
	return inspect(ctx, name, data ? data : "", len, fmt, out);
}

void
rfp_template_free(struct rfp_template *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nparts; i++) {
		free(t->parts[i].name);
		free(t->parts[i].data);
		rfp_deflated_fini(&t->parts[i].z);
		rfp_prog_fini(&t->parts[i].prog);
	}
	free(t->parts);
	rfp_numbering_fini(&t->numbering);
	free(t);
}

enum rfp_format
rfp_template_format(const struct rfp_template *t)
{
	return t->format;
}
