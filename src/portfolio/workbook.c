/* SPDX-License-Identifier: MIT */
/*
 * The workbook reader of the portfolio module: one worksheet of an Office
 * Open XML workbook (.xlsx) or an OpenDocument spreadsheet (.ods), read from
 * the package through pkg/ (which applies every zip limit) and parsed with
 * rfp_xml_parse() (no DTDs, no network), into the same rfp_sheet a CSV file
 * gives.
 *
 * Cells are placed on a grid by their row and column number, and only cells
 * with text are stored: empty cells between them are filled with "", and
 * trailing empty cells and rows are never created. This matters for ODS,
 * where LibreOffice writes "1048576 empty rows" or "16384 empty cells" as
 * one element with a repeat count; such runs only move the position. Text
 * that is repeated is stored as often as it appears, within the row limit
 * and a budget of max_file_bytes for the whole sheet, so a small file cannot
 * ask for gigabytes of copies.
 */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "pkg/pkg.h"
#include "portfolio/sheet.h"
#include "portfolio/sheet_impl.h"
#include "util/buf.h"
#include "util/xml.h"

/* Defined in sheet.c; see the note there on why they are declared here. */

#define NS_SSML		"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_SSML_STRICT	"http://purl.oclc.org/ooxml/spreadsheetml/main"
#define NS_REL		"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_REL_STRICT	"http://purl.oclc.org/ooxml/officeDocument/relationships"
#define NS_PKG_REL	"http://schemas.openxmlformats.org/package/2006/relationships"
#define NS_OFFICE	"urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define NS_TABLE	"urn:oasis:names:tc:opendocument:xmlns:table:1.0"
#define NS_TEXT		"urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define ODS_MIMETYPE	"application/vnd.oasis.opendocument.spreadsheet"

/* Column XFD, the last one Excel and LibreOffice have. */
#define XLSX_MAX_COL	16384

/*
 * What one cell costs against the budget besides its text: its pointer,
 * its NUL, and the bookkeeping of a small malloc() (16 to 32 bytes).
 */
#define CELL_COST	(sizeof(char *) + 1 + 32)

/* The sheet being filled, and where its cells come from (for messages). */
struct grid {
	struct rfp_ctx *ctx;
	const char *file;
	const char *part;
	struct rfp_sheet sheet;
	size_t budget;		/* bytes the cells may still take */
};

/* The shared string table of an XLSX workbook. */
struct sst {
	char **str;
	size_t n;
};

static enum rfp_status
broken(struct rfp_ctx *ctx, const char *file, const char *part, unsigned line,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * Reports a package that claims to be a workbook but whose parts do not fit
 * together (RFP-SHEET-FORMAT) and returns RFP_ERR_INVALID.
 */
static enum rfp_status
broken(struct rfp_ctx *ctx, const char *file, const char *part, unsigned line,
    const char *fmt, ...)
{
	struct rfp_buf msg = RFP_BUF_INIT(4096);
	va_list ap;

	va_start(ap, fmt);
	rfp_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	rfp_diag(ctx, SHEET_FORMAT, &(struct rfp_where){ .file = file, .part = part, .line = line }, msg.err ? "the workbook is damaged" : msg.ptr);
	rfp_buf_fini(&msg);
	return RFP_ERR_INVALID;
}

static bool
is_el(const xmlNode *n, const char *ns, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	    strcmp((const char *)n->ns->href, ns) == 0 &&
	    strcmp((const char *)n->name, name) == 0;
}

/* SpreadsheetML elements, in the transitional or the strict namespace. */
static bool
is_ssml(const xmlNode *n, const char *name)
{
	return is_el(n, NS_SSML, name) || is_el(n, NS_SSML_STRICT, name);
}

static xmlNode *
first_child(const xmlNode *parent, const char *ns, const char *name)
{
	for (xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
		if (ns ? is_el(c, ns, name) : is_ssml(c, name))
			return c;
	return NULL;
}

/* An attribute without namespace, decoded; the caller xmlFree()s it. */
static xmlChar *
attr(const xmlNode *n, const char *name)
{
	return xmlGetNoNsProp(n, (const xmlChar *)name);
}

/*
 * Parses a decimal number of at most max, allowing surrounding spaces.
 * Returns false for anything else.
 */
static bool
parse_uint(const char *s, size_t max, size_t *out)
{
	size_t v = 0;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (max - (size_t)(*s - '0')) / 10)
			return false;
		v = v * 10 + (size_t)(*s - '0');
	}
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	if (*s)
		return false;
	*out = v;
	return true;
}

static size_t
add_sat(size_t a, size_t b)
{
	return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

/* Appends the text and CDATA children of n (not deeper descendants). */
static void
add_text(struct rfp_buf *b, const xmlNode *n)
{
	for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
		    c->content)
			rfp_buf_adds(b, (const char *)c->content);
}

/*
 * Finds a package part and parses it. *doc is NULL (and RFP_OK returned)
 * when the part is absent and optional.
 */
static enum rfp_status
parse_part(struct rfp_ctx *ctx, const char *path, const struct rfp_pkg *pkg,
    const char *name, bool required, xmlDoc **doc)
{
	const struct rfp_pkg_entry *e = rfp_pkg_find(pkg, name);

	*doc = NULL;
	if (!e)
		return required ? broken(ctx, path, name, 0,
		    "the workbook has no part %s", name) : RFP_OK;
	return rfp_xml_parse(ctx, path, name, e->data, e->len, doc);
}

/*
 * Puts len bytes of text at (rowno, col), both 1-based. Rows and cells
 * before it that hold nothing are created empty. Cells must come in reading
 * order; the row limit and the sheet's byte budget are checked before
 * anything is allocated.
 */
static enum rfp_status
grid_put(struct grid *g, size_t rowno, size_t col, const char *text, size_t len)
{
	struct rfp_sheet *sheet = &g->sheet;
	struct rfp_sheet_row *row;
	enum rfp_status st;
	size_t fill, cost;
	char *s;

	if (rowno > g->ctx->limits.max_rows) {
		rfp_diag_hint(g->ctx, LIMIT_ROWS, "delete what lies below the data, split the portfolio, or raise the row limit", &(struct rfp_where){ .file = g->file, .part = g->part,
		    .line = rowno > UINT32_MAX ? 0 : (unsigned)rowno }, rowno, g->ctx->limits.max_rows);
		return RFP_ERR_LIMIT;
	}
	if (rowno < sheet->nrows || (rowno == sheet->nrows &&
	    col <= sheet->rows[rowno - 1].ncells))
		return broken(g->ctx, g->file, g->part, (unsigned)rowno,
		    "row %zu, column %zu: the cell comes after a cell that follows it",
		    rowno, col);
	while (sheet->nrows < rowno)
		if ((st = rfp_sheet_add_row(g->ctx, g->file, sheet,
		    (unsigned)sheet->nrows + 1)) != RFP_OK)
			return st;
	row = &sheet->rows[rowno - 1];
	fill = col - 1 - row->ncells;
	cost = fill <= g->budget / CELL_COST ? fill * CELL_COST : SIZE_MAX;
	cost = add_sat(cost, add_sat(len, CELL_COST));
	if (cost > g->budget) {
		rfp_diag_hint(g->ctx, LIMIT_SHEET, "delete repeated cells or rows beyond the data, or raise the file size limit", &(struct rfp_where){ .file = g->file, .part = g->part,
		    .line = (unsigned)rowno, .col = col > UINT32_MAX ? 0 : (unsigned)col }, rowno, col, g->ctx->limits.max_file_bytes);
		return RFP_ERR_LIMIT;
	}
	g->budget -= cost;
	while (row->ncells < col - 1) {
		if (!(s = calloc(1, 1)))
			return RFP_ERR_NOMEM;
		if ((st = rfp_sheet_add_cell(g->ctx, g->file, row, row->line, s, 0)) != RFP_OK)
			return st;
	}
	if (!(s = malloc(len + 1)))
		return RFP_ERR_NOMEM;
	memcpy(s, text, len);
	s[len] = '\0';
	return rfp_sheet_add_cell(g->ctx, g->file, row, row->line, s, len);
}

/*
 * Reports that no sheet is called name, listing the names there are (as
 * many as fit in a message).
 */
static enum rfp_status
report_missing(struct rfp_ctx *ctx, const char *path, const char *name,
    xmlNode *first, const char *ns, const char *el, const char *name_ns)
{
	struct rfp_buf list = RFP_BUF_INIT(2048);
	enum rfp_status st;
	size_t count = 0;
	xmlChar *n;

	for (xmlNode *c = first; c; c = c->next) {
		if (ns ? !is_el(c, ns, el) : !is_ssml(c, el))
			continue;
		n = name_ns ? xmlGetNsProp(c, (const xmlChar *)"name",
		    (const xmlChar *)name_ns) : attr(c, "name");
		if (list.len + (n ? strlen((const char *)n) : 0) + 8 < list.max)
			rfp_buf_addf(&list, "%s\"%s\"", count ? ", " : "",
			    n ? (const char *)n : "");
		else if (list.len + 8 < list.max)
			rfp_buf_adds(&list, ", ...");
		xmlFree(n);
		count++;
	}
	if ((st = rfp_buf_status(&list)) != RFP_OK && st != RFP_ERR_LIMIT)
		goto out;
	if (!name)
		rfp_diag(ctx, SHEET_NONE, &(struct rfp_where){ .file = path });
	else
		rfp_diag(ctx, SHEET_MISSING, &(struct rfp_where){ .file = path }, name,
		    count ? list.ptr : "no sheets");
	st = RFP_ERR_INVALID;
out:
	rfp_buf_fini(&list);
	return st;
}

/* ---- XLSX ------------------------------------------------------------ */

/*
 * The text of a string item (<si> or <is>): its own <t>, and the <t> of its
 * rich-text runs <r>, concatenated. Phonetic runs (<rPh>) are not shown to
 * users, so they are left out.
 */
static void
add_string_item(struct rfp_buf *b, const xmlNode *si)
{
	for (const xmlNode *c = si ? si->children : NULL; c; c = c->next) {
		if (is_ssml(c, "t"))
			add_text(b, c);
		else if (is_ssml(c, "r"))
			add_text(b, first_child(c, NULL, "t"));
	}
}

static void
sst_fini(struct sst *sst)
{
	for (size_t i = 0; i < sst->n; i++)
		free(sst->str[i]);
	free(sst->str);
	*sst = (struct sst){ 0 };
}

static enum rfp_status
load_sst(struct rfp_ctx *ctx, const char *path, const struct rfp_pkg *pkg,
    const char *part, struct sst *sst)
{
	struct rfp_buf b = RFP_BUF_INIT(SIZE_MAX / 4);
	xmlDoc *doc = NULL;
	xmlNode *root, *c;
	enum rfp_status st;
	size_t n = 0;

	if ((st = parse_part(ctx, path, pkg, part, false, &doc)) != RFP_OK || !doc)
		return st;
	root = xmlDocGetRootElement(doc);
	for (c = root ? root->children : NULL; c; c = c->next)
		n += is_ssml(c, "si");
	sst->str = calloc(n ? n : 1, sizeof(*sst->str));
	if (!sst->str) {
		st = RFP_ERR_NOMEM;
		goto out;
	}
	for (c = root ? root->children : NULL; c; c = c->next) {
		if (!is_ssml(c, "si"))
			continue;
		rfp_buf_reset(&b);
		add_string_item(&b, c);
		if ((st = rfp_buf_status(&b)) != RFP_OK)
			goto out;
		if (!(sst->str[sst->n] = rfp_buf_detach(&b, NULL))) {
			st = RFP_ERR_NOMEM;
			goto out;
		}
		sst->n++;
	}
out:
	rfp_buf_fini(&b);
	xmlFreeDoc(doc);
	return st;
}

/*
 * Turns a relationship target into a part name: relative to xl/ (where
 * workbook.xml is), or from the package root when it starts with '/'.
 * Returns a malloc'd name, or NULL when out of memory.
 */
static char *
resolve_target(const char *target)
{
	struct rfp_buf b = RFP_BUF_INIT(4096);
	const char *p = target;
	size_t n;

	if (*p == '/')
		p++;
	else
		rfp_buf_adds(&b, "xl/");
	while (*p) {
		n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (b.len)
				b.len--;
			while (b.len && b.ptr[b.len - 1] != '/')
				b.len--;
			b.ptr[b.len] = '\0';
		} else if (n && !(n == 1 && p[0] == '.')) {
			rfp_buf_add(&b, p, n);
			rfp_buf_addc(&b, '/');
		}
		p += n;
		if (*p == '/')
			p++;
	}
	if (b.len && b.ptr[b.len - 1] == '/')
		b.ptr[--b.len] = '\0';
	if (b.err) {
		rfp_buf_fini(&b);
		return NULL;
	}
	return rfp_buf_detach(&b, NULL);
}

/*
 * Looks up the workbook relationship with id rid (when type_suffix is NULL)
 * or the first one whose Type ends in type_suffix, and returns its part
 * name (malloc'd) in *part, or NULL if there is none.
 */
static enum rfp_status
find_rel(xmlDoc *rels, const char *rid, const char *type_suffix, char **part)
{
	xmlNode *root = xmlDocGetRootElement(rels);
	xmlChar *id, *type, *target, *mode;
	enum rfp_status st = RFP_OK;
	size_t tlen, slen;
	bool match;

	*part = NULL;
	for (xmlNode *c = root ? root->children : NULL; c && !*part; c = c->next) {
		if (!is_el(c, NS_PKG_REL, "Relationship"))
			continue;
		id = attr(c, "Id");
		type = attr(c, "Type");
		target = attr(c, "Target");
		mode = attr(c, "TargetMode");
		if (type_suffix) {
			tlen = type ? strlen((const char *)type) : 0;
			slen = strlen(type_suffix);
			match = tlen >= slen &&
			    strcmp((const char *)type + tlen - slen, type_suffix) == 0;
		} else {
			match = id && strcmp((const char *)id, rid) == 0;
		}
		/* An external target is a URL, never a part of this package. */
		if (match && target && !(mode && strcmp((const char *)mode, "External") == 0)) {
			*part = resolve_target((const char *)target);
			if (!*part)
				st = RFP_ERR_NOMEM;
		}
		xmlFree(id);
		xmlFree(type);
		xmlFree(target);
		xmlFree(mode);
		if (st != RFP_OK)
			break;
	}
	return st;
}

/* Appends the text a user sees in cell c (see rfp_sheet_read_workbook). */
static enum rfp_status
xlsx_cell_text(struct grid *g, const struct sst *sst, const xmlNode *c,
    size_t rowno, struct rfp_buf *b)
{
	xmlChar *type = attr(c, "t");
	const char *t = type ? (const char *)type : "n";
	xmlNode *v = first_child(c, NULL, "v");
	enum rfp_status st = RFP_OK;
	struct rfp_buf val = RFP_BUF_INIT(SIZE_MAX / 4);
	size_t idx;

	add_text(&val, v);
	if ((st = rfp_buf_status(&val)) != RFP_OK)
		goto out;
	if (strcmp(t, "s") == 0) {
		if (!v)
			goto out;
		if (!parse_uint(val.ptr, SIZE_MAX, &idx) || idx >= sst->n) {
			st = broken(g->ctx, g->file, g->part, (unsigned)rowno,
			    "row %zu: the cell refers to shared string \"%s\", but the workbook has %zu",
			    rowno, val.ptr, sst->n);
			goto out;
		}
		rfp_buf_adds(b, sst->str[idx]);
	} else if (strcmp(t, "inlineStr") == 0) {
		add_string_item(b, first_child(c, NULL, "is"));
	} else if (strcmp(t, "b") == 0) {
		/* Spreadsheets show booleans as words, not as 0 and 1. */
		rfp_buf_adds(b, strcmp(val.ptr, "1") == 0 ? "TRUE" :
		    strcmp(val.ptr, "0") == 0 ? "FALSE" : val.ptr);
	} else {
		/* n, e, str, d: the value as stored; numbers are not formatted. */
		rfp_buf_add(b, val.ptr, val.len);
	}
out:
	rfp_buf_fini(&val);
	xmlFree(type);
	return st;
}

/*
 * Parses a cell reference such as "C7" into its 1-based column. The row
 * part must be there but is not used: the row element says which row it is.
 */
static bool
parse_col(const char *ref, size_t *col)
{
	size_t v = 0, i;

	for (i = 0; ref[i] >= 'A' && ref[i] <= 'Z'; i++) {
		if (i == 3)
			return false;
		v = v * 26 + (size_t)(ref[i] - 'A' + 1);
	}
	if (!i || v > XLSX_MAX_COL || ref[i] < '1' || ref[i] > '9')
		return false;
	*col = v;
	return true;
}

static enum rfp_status
xlsx_sheet(struct grid *g, const struct sst *sst, xmlDoc *doc)
{
	xmlNode *data = first_child(xmlDocGetRootElement(doc), NULL, "sheetData");
	struct rfp_buf text = RFP_BUF_INIT(SIZE_MAX / 4);
	size_t rowno = 0, col;
	enum rfp_status st = RFP_OK;
	xmlChar *r = NULL;

	for (xmlNode *row = data ? data->children : NULL; row; row = row->next) {
		if (!is_ssml(row, "row"))
			continue;
		r = attr(row, "r");
		if (!r)
			rowno = add_sat(rowno, 1);
		else if (!parse_uint((const char *)r, SIZE_MAX / 2, &rowno) || !rowno) {
			st = broken(g->ctx, g->file, g->part, 0,
			    "a row has the number \"%s\"", (const char *)r);
			goto out;
		}
		xmlFree(r);
		r = NULL;
		col = 0;
		for (xmlNode *c = row->children; c; c = c->next) {
			if (!is_ssml(c, "c"))
				continue;
			r = attr(c, "r");
			if (!r) {
				col++;
			} else if (!parse_col((const char *)r, &col)) {
				st = broken(g->ctx, g->file, g->part, (unsigned)rowno,
				    "row %zu: a cell has the reference \"%s\"", rowno,
				    (const char *)r);
				goto out;
			}
			xmlFree(r);
			r = NULL;
			rfp_buf_reset(&text);
			if ((st = xlsx_cell_text(g, sst, c, rowno, &text)) != RFP_OK)
				goto out;
			if ((st = rfp_buf_status(&text)) != RFP_OK)
				goto out;
			if (text.len && (st = grid_put(g, rowno, col, text.ptr, text.len)) != RFP_OK)
				goto out;
		}
	}
out:
	xmlFree(r);
	rfp_buf_fini(&text);
	return st;
}

static enum rfp_status
read_xlsx(struct grid *g, const struct rfp_pkg *pkg, const char *sheet_name)
{
	struct rfp_ctx *ctx = g->ctx;
	xmlDoc *wb = NULL, *rels = NULL, *ws = NULL;
	xmlNode *sheets, *sheet = NULL;
	xmlChar *name = NULL, *rid = NULL;
	char *part = NULL, *sst_part = NULL;
	struct sst sst = { 0 };
	enum rfp_status st;

	if ((st = parse_part(ctx, g->file, pkg, "xl/workbook.xml", true, &wb)) != RFP_OK)
		goto out;
	sheets = first_child(xmlDocGetRootElement(wb), NULL, "sheets");
	for (xmlNode *c = sheets ? sheets->children : NULL; c && !sheet; c = c->next) {
		if (!is_ssml(c, "sheet"))
			continue;
		name = attr(c, "name");
		if (!sheet_name || (name && strcmp((const char *)name, sheet_name) == 0))
			sheet = c;
		xmlFree(name);
		name = NULL;
	}
	if (!sheet) {
		st = report_missing(ctx, g->file, sheet_name,
		    sheets ? sheets->children : NULL, NULL, "sheet", NULL);
		goto out;
	}
	name = attr(sheet, "name");
	rid = xmlGetNsProp(sheet, (const xmlChar *)"id", (const xmlChar *)NS_REL);
	if (!rid)
		rid = xmlGetNsProp(sheet, (const xmlChar *)"id", (const xmlChar *)NS_REL_STRICT);
	if ((st = parse_part(ctx, g->file, pkg, "xl/_rels/workbook.xml.rels", true,
	    &rels)) != RFP_OK)
		goto out;
	if (rid && (st = find_rel(rels, (const char *)rid, NULL, &part)) != RFP_OK)
		goto out;
	if (!part || !rfp_pkg_find(pkg, part)) {
		st = broken(ctx, g->file, "xl/workbook.xml", 0,
		    "the worksheet of sheet \"%s\" is missing from the package",
		    name ? (const char *)name : "");
		goto out;
	}
	/* The relationship names the shared strings; older writers rely on the
	 * usual place. */
	if ((st = find_rel(rels, NULL, "/sharedStrings", &sst_part)) != RFP_OK)
		goto out;
	if ((st = load_sst(ctx, g->file, pkg, sst_part ? sst_part : "xl/sharedStrings.xml",
	    &sst)) != RFP_OK)
		goto out;
	if ((st = parse_part(ctx, g->file, pkg, part, true, &ws)) != RFP_OK)
		goto out;
	g->part = part;
	st = xlsx_sheet(g, &sst, ws);
	g->part = NULL;
out:
	sst_fini(&sst);
	xmlFree(name);
	xmlFree(rid);
	free(part);
	free(sst_part);
	xmlFreeDoc(ws);
	xmlFreeDoc(rels);
	xmlFreeDoc(wb);
	return st;
}

/* ---- ODS ------------------------------------------------------------- */

/*
 * Reads a repeat count (table:number-rows-repeated and the like): 1 when
 * absent. A count that is not a positive number is reported.
 */
static enum rfp_status
ods_repeat(struct grid *g, const xmlNode *n, const char *name, size_t *out)
{
	xmlChar *v = xmlGetNsProp(n, (const xmlChar *)name, (const xmlChar *)NS_TABLE);
	enum rfp_status st = RFP_OK;

	*out = 1;
	if (v && (!parse_uint((const char *)v, (size_t)1 << 40, out) || !*out))
		st = broken(g->ctx, g->file, g->part, 0,
		    "table:%s has the value \"%s\"", name, (const char *)v);
	xmlFree(v);
	return st;
}

/*
 * Appends the text of a paragraph's content: text, spans and links, with
 * text:s as spaces, text:tab as TAB and text:line-break as LF. Notes are
 * not part of what the cell shows.
 */
static enum rfp_status
ods_inline(struct grid *g, const xmlNode *n, struct rfp_buf *b, unsigned depth)
{
	enum rfp_status st;
	xmlChar *count;
	size_t spaces;

	if (depth > g->ctx->limits.max_xml_depth)
		return broken(g->ctx, g->file, g->part, 0,
		    "text in a cell is nested more than %u levels deep",
		    g->ctx->limits.max_xml_depth);
	for (const xmlNode *c = n->children; c && !b->err; c = c->next) {
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			if (c->content)
				rfp_buf_adds(b, (const char *)c->content);
		} else if (is_el(c, NS_TEXT, "s")) {
			count = xmlGetNsProp(c, (const xmlChar *)"c", (const xmlChar *)NS_TEXT);
			if (!count || !parse_uint((const char *)count, SIZE_MAX, &spaces))
				spaces = 1;
			xmlFree(count);
			/* The buffer's limit ends a huge count early. */
			while (spaces-- && !b->err)
				rfp_buf_addc(b, ' ');
		} else if (is_el(c, NS_TEXT, "tab")) {
			rfp_buf_addc(b, '\t');
		} else if (is_el(c, NS_TEXT, "line-break")) {
			rfp_buf_addc(b, '\n');
		} else if (is_el(c, NS_TEXT, "note") || is_el(c, NS_OFFICE, "annotation")) {
			continue;
		} else if (c->type == XML_ELEMENT_NODE) {
			if ((st = ods_inline(g, c, b, depth + 1)) != RFP_OK)
				return st;
		}
	}
	return RFP_OK;
}

/*
 * The text of a cell: its paragraphs (text:p, text:h) joined by LF. A cell
 * written with a value but no paragraph shows the value as stored.
 */
static enum rfp_status
ods_cell_text(struct grid *g, const xmlNode *cell, struct rfp_buf *b)
{
	static const char *const value_attrs[] = { "string-value", "value",
		"date-value", "time-value", "boolean-value" };
	enum rfp_status st;
	bool any = false;
	xmlChar *v, *type;

	/*
	 * A number, an amount or a percentage is read by its value, not by
	 * the text Calc displays: 12,000,000 shown with separators, or NT$,
	 * is office:value="12000000", as an XLSX cell holds it.
	 */
	type = xmlGetNsProp(cell, (const xmlChar *)"value-type", (const xmlChar *)NS_OFFICE);
	if (type && (xmlStrEqual(type, (const xmlChar *)"float") ||
	    xmlStrEqual(type, (const xmlChar *)"currency") ||
	    xmlStrEqual(type, (const xmlChar *)"percentage")) &&
	    (v = xmlGetNsProp(cell, (const xmlChar *)"value", (const xmlChar *)NS_OFFICE))) {
		rfp_buf_adds(b, (const char *)v);
		xmlFree(v);
		xmlFree(type);
		return RFP_OK;
	}
	xmlFree(type);
	for (const xmlNode *c = cell->children; c && !b->err; c = c->next) {
		if (!is_el(c, NS_TEXT, "p") && !is_el(c, NS_TEXT, "h"))
			continue;
		if (any)
			rfp_buf_addc(b, '\n');
		any = true;
		if ((st = ods_inline(g, c, b, 1)) != RFP_OK)
			return st;
	}
	for (size_t i = 0; !any && i < sizeof(value_attrs) / sizeof(*value_attrs); i++) {
		v = xmlGetNsProp(cell, (const xmlChar *)value_attrs[i],
		    (const xmlChar *)NS_OFFICE);
		if (v) {
			rfp_buf_adds(b, (const char *)v);
			any = true;
		}
		xmlFree(v);
	}
	return RFP_OK;
}

/*
 * Reads one table:table-row at *rowno + 1 and advances *rowno by its
 * repeat count. Empty cells and rows only move the position; a row with
 * text that is repeated is copied as often as it says.
 */
static enum rfp_status
ods_row(struct grid *g, const xmlNode *row, size_t *rowno, struct rfp_buf *text)
{
	size_t rep, crep, col = 0, r = add_sat(*rowno, 1);
	const char *src;
	enum rfp_status st;

	if ((st = ods_repeat(g, row, "number-rows-repeated", &rep)) != RFP_OK)
		return st;
	for (const xmlNode *c = row->children; c; c = c->next) {
		if (!is_el(c, NS_TABLE, "table-cell") && !is_el(c, NS_TABLE, "covered-table-cell"))
			continue;
		if ((st = ods_repeat(g, c, "number-columns-repeated", &crep)) != RFP_OK)
			return st;
		rfp_buf_reset(text);
		if ((st = ods_cell_text(g, c, text)) != RFP_OK)
			return st;
		if (text->err == RFP_ERR_LIMIT) {
			rfp_diag(g->ctx, LIMIT_FIELD, &(struct rfp_where){ .file = g->file,
			    .part = g->part, .line = r > UINT32_MAX ? 0 : (unsigned)r,
			    .col = col + 1 > UINT32_MAX ? 0 : (unsigned)(col + 1) },
			    r, col + 1, g->ctx->limits.max_field_bytes);
			return RFP_ERR_LIMIT;
		}
		if ((st = rfp_buf_status(text)) != RFP_OK)
			return st;
		for (size_t k = 0; text->len && k < crep; k++)
			if ((st = grid_put(g, r, add_sat(col, k + 1), text->ptr,
			    text->len)) != RFP_OK)
				return st;
		col = add_sat(col, crep);
	}
	/*
	 * Only a row with text was created (by grid_put()); copy it for the
	 * repeats. grid_put() may move the rows, so the source is looked up
	 * again each time; the cell strings themselves never move.
	 */
	for (size_t k = 1; g->sheet.nrows >= r && k < rep; k++) {
		for (size_t j = 0; j < g->sheet.rows[r - 1].ncells; j++) {
			src = g->sheet.rows[r - 1].cells[j];
			if (*src && (st = grid_put(g, add_sat(r, k), j + 1, src,
			    strlen(src))) != RFP_OK)
				return st;
		}
	}
	*rowno = add_sat(*rowno, rep);
	return RFP_OK;
}

/* Reads the rows of a table, also inside header rows and row groups. */
static enum rfp_status
ods_rows(struct grid *g, const xmlNode *parent, size_t *rowno, struct rfp_buf *text,
    unsigned depth)
{
	enum rfp_status st;

	if (depth > g->ctx->limits.max_xml_depth)
		return broken(g->ctx, g->file, g->part, 0,
		    "row groups are nested more than %u levels deep",
		    g->ctx->limits.max_xml_depth);
	for (const xmlNode *c = parent->children; c; c = c->next) {
		if (is_el(c, NS_TABLE, "table-row"))
			st = ods_row(g, c, rowno, text);
		else if (is_el(c, NS_TABLE, "table-header-rows") ||
		    is_el(c, NS_TABLE, "table-row-group") || is_el(c, NS_TABLE, "table-rows"))
			st = ods_rows(g, c, rowno, text, depth + 1);
		else
			continue;
		if (st != RFP_OK)
			return st;
	}
	return RFP_OK;
}

static enum rfp_status
read_ods(struct grid *g, const struct rfp_pkg *pkg, const char *sheet_name)
{
	struct rfp_buf text = RFP_BUF_INIT(g->ctx->limits.max_field_bytes);
	xmlNode *body, *tables, *table = NULL;
	enum rfp_status st;
	xmlDoc *doc = NULL;
	xmlChar *name;
	size_t rowno = 0;

	if ((st = parse_part(g->ctx, g->file, pkg, "content.xml", true, &doc)) != RFP_OK)
		goto out;
	body = first_child(xmlDocGetRootElement(doc), NS_OFFICE, "body");
	tables = first_child(body, NS_OFFICE, "spreadsheet");
	for (xmlNode *c = tables ? tables->children : NULL; c && !table; c = c->next) {
		if (!is_el(c, NS_TABLE, "table"))
			continue;
		name = xmlGetNsProp(c, (const xmlChar *)"name", (const xmlChar *)NS_TABLE);
		if (!sheet_name || (name && strcmp((const char *)name, sheet_name) == 0))
			table = c;
		xmlFree(name);
	}
	if (!table) {
		st = report_missing(g->ctx, g->file, sheet_name,
		    tables ? tables->children : NULL, NS_TABLE, "table", NS_TABLE);
		goto out;
	}
	g->part = "content.xml";
	st = ods_rows(g, table, &rowno, &text, 1);
	g->part = NULL;
out:
	rfp_buf_fini(&text);
	xmlFreeDoc(doc);
	return st;
}

/* ---- Entry point ----------------------------------------------------- */

/* True if the package's mimetype entry names an OpenDocument spreadsheet. */
static bool
is_ods(const struct rfp_pkg *pkg)
{
	const struct rfp_pkg_entry *mt = rfp_pkg_find(pkg, "mimetype");
	size_t n;

	if (!mt || !rfp_pkg_find(pkg, "content.xml"))
		return false;
	n = mt->len;
	while (n && (mt->data[n - 1] == '\n' || mt->data[n - 1] == '\r' ||
	    mt->data[n - 1] == ' '))
		n--;
	return n == strlen(ODS_MIMETYPE) && memcmp(mt->data, ODS_MIMETYPE, n) == 0;
}

enum rfp_status
rfp_sheet_read_workbook_pkg(struct rfp_ctx *ctx, const char *path,
    const struct rfp_pkg *pkg, const char *sheet_name, struct rfp_sheet *out)
{
	struct grid g = { .ctx = ctx, .file = path, .budget = ctx->limits.max_file_bytes };
	enum rfp_status st;

	if (rfp_pkg_find(pkg, "xl/workbook.xml")) {
		st = read_xlsx(&g, pkg, sheet_name);
	} else if (is_ods(pkg)) {
		st = read_ods(&g, pkg, sheet_name);
	} else {
		rfp_diag(ctx, SHEET_KIND, &(struct rfp_where){ .file = path });
		st = RFP_ERR_INVALID;
	}
	if (st != RFP_OK)
		goto out;
	/* Workbook text is Unicode in XML, delivered as UTF-8. */
	if (!(g.sheet.encoding = strdup("UTF-8"))) {
		st = RFP_ERR_NOMEM;
		goto out;
	}
	*out = g.sheet;
	g.sheet = (struct rfp_sheet){ 0 };
out:
	rfp_sheet_fini(&g.sheet);
	return st;
}

enum rfp_status
rfp_sheet_read_workbook(struct rfp_ctx *ctx, const char *path, const char *sheet_name,
    struct rfp_sheet *out)
{
	struct rfp_pkg pkg = { 0 };
	enum rfp_status st;

	if ((st = rfp_pkg_read(ctx, path, &pkg)) != RFP_OK)
		return st;
	st = rfp_sheet_read_workbook_pkg(ctx, path, &pkg, sheet_name, out);
	rfp_pkg_fini(&pkg);
	return st;
}
