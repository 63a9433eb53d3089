/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the exporters. The input is a request against a small
 * catalogue (export-a.xml: the real one has 150 items, and its exports
 * would make a run take 40 ms); what it fuzzes are the values the exports
 * carry: --set values (which the selected items' text, 說明 and 驗收方式
 * take in), tailoring reasons, agency, project and --field values, beside
 * the catalogue's own names and texts that need escaping (| < & , " and a
 * formula's first characters). A selection that is made is
 * exported as JSON, CSV and Markdown, listed, and compared (diff, in all
 * four formats) with a second selection, and every output is read back:
 *
 *   JSON      one valid value (fuzz_check.h: strict UTF-8, escapes)
 *   CSV       strict RFC 4180; the header's number of fields in every
 *             record, one record per item; no cell that a spreadsheet
 *             takes for a formula (= + - @ TAB CR first) unless neutralised
 *             with an apostrophe; the text and reason cells read back as
 *             the selection has them
 *   Markdown  every table row has its header's number of unescaped '|',
 *             one row per item, no raw HTML but <br>
 *
 * Input: three bytes, then records, one a line:
 *
 *   byte 0  the request: bits 0-1 type, 2-3 level (0: the impact of
 *           byte 2), bit 4 agency checklist, bits 5-7 conditions
 *   byte 1  the other selection, for the diff: bits 0-1 type, 2-3 level
 *           (0: the first one's), bit 4 with the same --set values, bit 5
 *           with the same tailoring, bit 6 from the other version of the
 *           catalogue (export-b.xml), bit 7 also a list cut to 1-64
 *           columns (the low six bits of byte 2, plus one)
 *   byte 2  impact: C, I, A, L two bits each
 *   sN=V    --set: the catalogue's parameter N (modulo their number) = V
 *   SNAME=V --set NAME=V
 *   xN:R    exclude, for reason R, the Nth (modulo their number) of the
 *           items the request selects that no law binds; iN:R include the
 *           Nth vendor item that it does not select
 *   XID:R   exclude the item ID or printed number; IID:R include
 *   fNAME=V --field NAME=V
 *   aV, pV  agency, project
 *
 * Values take the escapes \n \r \t \\ and \xHH (not \x00).
 */
#include "catalogue/catalogue.h"
#include "select/select.h"

#include "fuzz.h"
#include "fuzz_check.h"

#define MAX_RECORDS 64

static struct rfp_catalogue *cats[2];	/* export-a.xml, export-b.xml */

static void
load_diag(const struct rfp_diag *d, void *userdata)
{
	fprintf(stderr, "%s:%u: %s: %s\n", d->file ? d->file : "", d->line, d->code, d->msg);
}

static struct rfp_catalogue *
load(const char *path)
{
	struct rfp_catalogue *cat = NULL;
	struct rfp_ctx *ctx;

	if (!(ctx = rfp_ctx_new()))
		abort();
	rfp_ctx_set_diag(ctx, load_diag, NULL);
	if (rfp_catalogue_load(ctx, RFP_FUZZ_SRCDIR "/requirements/catalogue.xsd", &path, 1,
	    &cat) != RFP_OK) {
		fprintf(stderr, "fuzz_export: cannot load %s\n", path);
		abort();
	}
	rfp_ctx_free(ctx);
	return cat;
}

static void
init(void)
{
	if (cats[0])
		return;
	cats[0] = load(RFP_FUZZ_SRCDIR "/tests/fuzz/export-a.xml");
	cats[1] = load(RFP_FUZZ_SRCDIR "/tests/fuzz/export-b.xml");
}

/* A value with its escapes undone, malloc'd. */
static char *
unescape(const char *s, size_t n)
{
	char *out = malloc(n + 1), *o = out;

	if (!out)
		abort();
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\' || i + 1 == n) {
			*o++ = s[i];
			continue;
		}
		switch (s[++i]) {
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case '\\': *o++ = '\\'; break;
		default:
			if (s[i] == 'x' && i + 2 < n && fz_hex(s[i + 1]) >= 0 && fz_hex(s[i + 2]) >= 0 &&
			    (fz_hex(s[i + 1]) | fz_hex(s[i + 2]))) {
				*o++ = (char)(fz_hex(s[i + 1]) << 4 | fz_hex(s[i + 2]));
				i += 2;
			} else {
				*o++ = '\\';
				*o++ = s[i];
			}
		}
	}
	*o = '\0';
	return out;
}

/* A tailoring line as the input gives it: by number or by id. */
struct raw_tailoring {
	char kind;		/* x i X I */
	size_t n;
	const char *id, *reason;
};

struct input {
	char *strings[MAX_RECORDS * 2 + 2];	/* everything malloc'd, to free */
	size_t nstrings;
	struct rfp_param_value params[MAX_RECORDS];
	size_t nparams;
	struct raw_tailoring raw[MAX_RECORDS];
	struct rfp_tailoring tailoring[MAX_RECORDS];
	size_t ntailoring;
	struct rfp_field_value fields[MAX_RECORDS];
	size_t nfields;
	const char *agency, *project;
};

static char *
keep(struct input *in, char *s)
{
	in->strings[in->nstrings++] = s;
	return s;
}

/* N at s (decimal, at most 9 digits); *end after it. */
static size_t
number(const char *s, const char *lim, const char **end)
{
	size_t v = 0;
	int d = 0;

	while (s < lim && *s >= '0' && *s <= '9' && d++ < 9)
		v = v * 10 + (size_t)(*s++ - '0');
	*end = s;
	return v;
}

static void
parse(struct input *in, const struct rfp_catalogue *cat, const char *s, size_t len)
{
	const char *end = s + len;

	while (s < end && in->nstrings + 2 <= sizeof(in->strings) / sizeof(in->strings[0])) {
		const char *nl = memchr(s, '\n', (size_t)(end - s)), *lim = nl ? nl : end;
		const char *p = s + 1, *sep;
		char kind = *s;
		size_t n;

		switch (kind) {
		case 's':
		case 'x':
		case 'i':
			n = number(p, lim, &p);
			if (p >= lim || *p != (kind == 's' ? '=' : ':'))
				break;
			if (kind == 's' && cat->nparams && in->nparams < MAX_RECORDS)
				in->params[in->nparams++] = (struct rfp_param_value){
				    cat->params[n % cat->nparams]->id,
				    keep(in, unescape(p + 1, (size_t)(lim - p - 1))) };
			else if (kind != 's' && in->ntailoring < MAX_RECORDS)
				in->raw[in->ntailoring++] = (struct raw_tailoring){ kind, n, NULL,
				    keep(in, unescape(p + 1, (size_t)(lim - p - 1))) };
			break;
		case 'S':
		case 'f':
		case 'X':
		case 'I':
			sep = memchr(p, kind == 'S' || kind == 'f' ? '=' : ':', (size_t)(lim - p));
			if (!sep)
				break;
			if (kind == 'S' && in->nparams < MAX_RECORDS)
				in->params[in->nparams++] = (struct rfp_param_value){
				    keep(in, unescape(p, (size_t)(sep - p))),
				    keep(in, unescape(sep + 1, (size_t)(lim - sep - 1))) };
			else if (kind == 'f' && in->nfields < MAX_RECORDS)
				in->fields[in->nfields++] = (struct rfp_field_value){
				    keep(in, unescape(p, (size_t)(sep - p))),
				    keep(in, unescape(sep + 1, (size_t)(lim - sep - 1))) };
			else if ((kind == 'X' || kind == 'I') && in->ntailoring < MAX_RECORDS)
				in->raw[in->ntailoring++] = (struct raw_tailoring){ kind, 0,
				    keep(in, unescape(p, (size_t)(sep - p))),
				    keep(in, unescape(sep + 1, (size_t)(lim - sep - 1))) };
			break;
		case 'a':
			if (!in->agency)
				in->agency = keep(in, unescape(p, (size_t)(lim - p)));
			break;
		case 'p':
			if (!in->project)
				in->project = keep(in, unescape(p, (size_t)(lim - p)));
			break;
		}
		s = nl ? nl + 1 : end;
	}
}

static bool
in_selection(const struct rfp_selection *sel, const struct rfp_item *it)
{
	for (size_t i = 0; i < sel->nitems; i++)
		if (sel->items[i].item == it)
			return true;
	for (size_t i = 0; i < sel->nduties; i++)
		if (sel->duties[i].item == it)
			return true;
	return false;
}

/*
 * The tailoring lines against base, the selection without them: xN
 * excludes the Nth item of base that the law does not bind, iN includes
 * the Nth vendor item of the catalogue that base does not have, so that
 * most lines are ones rfp_select() takes. Items with none such are left
 * to the id forms.
 */
static void
resolve_tailoring(struct input *in, const struct rfp_catalogue *cat,
    const struct rfp_selection *base)
{
	const struct rfp_item **cand = calloc(cat->nitems + 1, sizeof(*cand));
	size_t nt = 0;

	if (!cand)
		abort();
	for (size_t k = 0; k < in->ntailoring; k++) {
		const struct raw_tailoring *r = &in->raw[k];
		const char *id = r->id;

		if (r->kind == 'x' || r->kind == 'i') {
			size_t nc = 0;

			for (size_t i = 0; i < cat->nitems; i++) {
				const struct rfp_item *it = cat->items[i];
				bool has = in_selection(base, it);

				if (r->kind == 'x' ? has && !it->binding && it->party != RFP_PARTY_AGENCY :
				    !has && it->party != RFP_PARTY_AGENCY)
					cand[nc++] = it;
			}
			if (!nc)
				continue;
			id = cand[r->n % nc]->id;
		}
		in->tailoring[nt++] = (struct rfp_tailoring){
		    r->kind == 'x' || r->kind == 'X' ? RFP_TAILOR_EXCLUDE : RFP_TAILOR_INCLUDE,
		    id, r->reason, NULL, 0 };
	}
	in->ntailoring = nt;
	free(cand);
}

/* ---- checks ---------------------------------------------------------- */

/* Every output is text of len bytes, and UTF-8 (the inputs were). */
static void
check_len(const char *out, size_t len, const char *what, bool utf8)
{
	if (!out || strlen(out) != len) {
		fprintf(stderr, "fuzz_export: %s: length %zu, but strlen %zu\n", what, len,
		    out ? strlen(out) : 0);
		abort();
	}
	if (utf8 && !fz_utf8_valid(out, len)) {
		fprintf(stderr, "fuzz_export: %s: not UTF-8\n", what);
		fz_fail("invalid UTF-8", out, len, fz_utf8_bad(out, len));
	}
}

/*
 * Fixed finding 1 (README.md): rfp_selection_diff() once cut what it says
 * of a tailored item to 1023 bytes, in the middle of a UTF-8 sequence as
 * it might be. The text diff must now hold each added item's reason
 * whole (it writes the reason as it is, unescaped).
 */
static bool
selected(const struct rfp_selection *sel, const char *id)
{
	for (size_t i = 0; i < sel->nitems; i++)
		if (strcmp(sel->items[i].item->id, id) == 0)
			return true;
	return false;
}

static void
check_reasons(const char *out, const struct rfp_selection *from,
    const struct rfp_selection *to)
{
	for (size_t i = 0; i < to->nitems; i++) {
		const struct rfp_selected *si = &to->items[i];

		if (!si->tailoring || !si->tailoring->reason || !*si->tailoring->reason ||
		    selected(from, si->item->id))
			continue;
		if (!strstr(out, si->tailoring->reason)) {
			fprintf(stderr, "fuzz_export: the text diff does not hold the reason of %s "
			    "(%zu bytes) whole\n", si->item->id, strlen(si->tailoring->reason));
			abort();
		}
	}
}

/* What a cell holding s must read back as: s, or 's if s looks like a formula. */
static bool
same_cell(const struct fz_str *cell, const char *s)
{
	if (fz_csv_formula(s))
		return cell->p[0] == '\'' && strcmp(cell->p + 1, s) == 0;
	return strcmp(cell->p, s) == 0;
}

static void
csv_cell_fail(const char *what, size_t rec, size_t field, const char *cell, const char *want)
{
	fprintf(stderr, "fuzz_export: %s: record %zu field %zu: \"%s\" (expected \"%s\")\n",
	    what, rec, field, cell, want ? want : "(a neutralised cell)");
	abort();
}

/* The field of the header named name, or -1. */
static long
csv_column(const struct fz_csv_rec *h, const char *name)
{
	for (size_t k = 0; k < h->n; k++)
		if (strcmp(h->cells[k].p, name) == 0)
			return (long)k;
	return -1;
}

static void
csv_same(const struct fz_csv_rec *r, long col, const char *want, const char *what, size_t rec)
{
	if (col >= 0 && want && !same_cell(&r->cells[col], want))
		csv_cell_fail(what, rec, (size_t)col, r->cells[col].p, want);
}

/*
 * Reads CSV back: the header's number of fields in every record (at least
 * min_fields), no formula cell, nrecords records. With sel, the records
 * after the header are its items, duties and excluded items, and their id,
 * text, guidance and reason cells (found by the header's names) must read
 * back as the selection has them. Returns the records read.
 */
static size_t
check_csv(const char *out, size_t len, size_t min_fields, size_t nrecords,
    const struct rfp_selection *sel)
{
	struct fz_csv_rec h = { 0 }, r = { 0 };
	long c_id = -1, c_text = -1, c_guid = -1, c_reason = -1;
	size_t at = 0, recs = 0;

	if (!fz_csv_next(out, len, &at, &h))
		fz_fail("CSV: no header", out, len, 0);
	if (h.n < min_fields) {
		fprintf(stderr, "fuzz_export: CSV header has %zu fields, fewer than %zu\n", h.n,
		    min_fields);
		abort();
	}
	if (sel) {
		c_id = csv_column(&h, "id");
		c_text = csv_column(&h, "text");
		c_guid = csv_column(&h, "guidance");
		c_reason = csv_column(&h, "reason");
		if (c_id < 0 || c_text < 0 || c_guid < 0)
			fz_fail("CSV: the header has no id, text or guidance", out, len, 0);
	}
	for (recs = 1; fz_csv_next(out, len, &at, &r); recs++) {
		const struct rfp_selected *si;
		size_t i = recs - 1;

		if (r.n != h.n) {
			fprintf(stderr, "fuzz_export: CSV record %zu has %zu fields, the header %zu\n",
			    recs, r.n, h.n);
			fz_fail("CSV: field count", out, len, at);
		}
		for (size_t k = 0; k < r.n; k++)
			if (fz_csv_formula(r.cells[k].p))
				csv_cell_fail("CSV cell a spreadsheet takes for a formula", recs, k,
				    r.cells[k].p, NULL);
		if (!sel)
			continue;
		/* The export's records: items, then duties, then excluded. */
		si = i < sel->nitems ? &sel->items[i] :
		    i < sel->nitems + sel->nduties ? &sel->duties[i - sel->nitems] :
		    i < sel->nitems + sel->nduties + sel->nexcluded ?
		    &sel->excluded[i - sel->nitems - sel->nduties] : NULL;
		if (!si)
			continue;
		csv_same(&r, c_id, si->item->id, "CSV id", recs);
		csv_same(&r, c_text, si->text, "CSV text", recs);
		csv_same(&r, c_guid, si->guidance, "CSV guidance", recs);
		if (si->tailoring)
			csv_same(&r, c_reason, si->tailoring->reason, "CSV reason", recs);
	}
	if (nrecords && recs != nrecords) {
		fprintf(stderr, "fuzz_export: CSV has %zu records, expected %zu\n", recs, nrecords);
		abort();
	}
	fz_csv_rec_free(&h);
	fz_csv_rec_free(&r);
	return recs;
}

static void
check_md(const char *out, size_t len, const size_t *allowed, size_t nrows)
{
	size_t rows = fz_md_tables(out, len, allowed);

	if (rows != nrows) {
		fprintf(stderr, "fuzz_export: Markdown has %zu table rows, expected %zu\n", rows, nrows);
		fz_fail("Markdown: row count", out, len, 0);
	}
}

/* s without its CRs, as Markdown cells have it (the caller frees). */
static char *
no_cr(const char *a, const char *b, const char *c, const char *d)
{
	struct fz_str o = { 0 };
	const char *parts[] = { a, b, c, d };

	fz_str_add(&o, "", 0);
	for (int k = 0; k < 4; k++)
		for (const char *p = parts[k] ? parts[k] : ""; *p; p++)
			if (*p != '\r')
				fz_str_addc(&o, *p);
	return o.p;
}

/*
 * The cells of a Markdown table row (line[0..n), which begins and ends with
 * '|'), each with the one space around it taken off and rfp_md_cell()'s
 * escapes undone: \| \\ \* \_ \` \[ \] &lt; &gt; &amp; <br>. Returns the
 * cell count.
 */
static size_t
md_row_cells(const char *line, size_t n, struct fz_str *cells, size_t max)
{
	size_t nc = 0, i = 1;

	while (i < n && nc < max) {
		size_t from = i, to;

		while (i < n && line[i] != '|')
			i += line[i] == '\\' ? 2 : 1;
		to = i++;
		if (from < to && line[from] == ' ')
			from++;
		if (to > from && line[to - 1] == ' ')
			to--;
		fz_str_reset(&cells[nc]);
		fz_str_add(&cells[nc], "", 0);
		for (size_t k = from; k < to;) {
			static const struct {
				const char *esc, *is;
			} e[] = { { "\\|", "|" }, { "\\\\", "\\" }, { "\\*", "*" }, { "\\_", "_" },
				{ "\\`", "`" }, { "\\[", "[" }, { "\\]", "]" }, { "&lt;", "<" },
				{ "&gt;", ">" }, { "&amp;", "&" }, { "<br>", "\n" } };
			size_t j;

			for (j = 0; j < sizeof(e) / sizeof(e[0]); j++) {
				size_t el = strlen(e[j].esc);

				if (to - k >= el && memcmp(line + k, e[j].esc, el) == 0) {
					fz_str_add(&cells[nc], e[j].is, strlen(e[j].is));
					k += el;
					break;
				}
			}
			if (j == sizeof(e) / sizeof(e[0]))
				fz_str_addc(&cells[nc], line[k++]);
		}
		nc++;
	}
	return nc;
}

/* The Markdown export's table of items, read back cell by cell. */
static void
check_md_items(const char *out, size_t len, const struct rfp_selection *sel)
{
	static const char head[] = "| 編號 | 識別碼 | 構面／措施 |";
	const char *p = strstr(out, head), *line;
	struct fz_str cells[8] = { { 0 } };

	if (!p)
		fz_fail("Markdown: no table of items", out, len, 0);
	/* After the header and the delimiter row. */
	for (int k = 0; k < 2 && p; k++)
		p = (p = strchr(p, '\n')) ? p + 1 : NULL;
	for (size_t i = 0; i < sel->nitems && p; i++) {
		const struct rfp_selected *si = &sel->items[i];
		const char *reason = si->tailoring && si->tailoring->reason ? si->tailoring->reason : "";
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p), nc;
		char *want[4];

		line = p;
		nc = md_row_cells(line, n, cells, 8);
		want[0] = no_cr(si->item->label, NULL, NULL, NULL);
		want[1] = no_cr(si->item->id, NULL, NULL, NULL);
		want[2] = no_cr(si->text, si->tailoring ? "（機關增列" : NULL,
		    si->tailoring && *reason ? "：" : NULL, NULL);
		if (si->tailoring) {
			char *t = want[2];

			want[2] = no_cr(t, reason, "）", NULL);
			free(t);
		}
		want[3] = no_cr(si->item->source_title, NULL, NULL, NULL);
		if (nc != 6 || strcmp(cells[0].p, want[0]) || strcmp(cells[1].p, want[1]) ||
		    strcmp(cells[4].p, want[2]) || strcmp(cells[5].p, want[3])) {
			fprintf(stderr, "fuzz_export: Markdown row of %s reads back as %zu cells: "
			    "\"%s\" \"%s\" ... \"%s\" \"%s\"; expected \"%s\" \"%s\" ... \"%s\" \"%s\"\n",
			    si->item->id, nc, nc > 0 ? cells[0].p : "", nc > 1 ? cells[1].p : "",
			    nc > 4 ? cells[4].p : "", nc > 5 ? cells[5].p : "", want[0], want[1], want[2],
			    want[3]);
			fz_fail("Markdown: a cell does not read back", out, len, (size_t)(line - out));
		}
		for (int k = 0; k < 4; k++)
			free(want[k]);
		p = nl ? nl + 1 : NULL;
	}
	for (size_t k = 0; k < 8; k++)
		fz_str_free(&cells[k]);
}

/* The JSON export's "text" and "reason" members, in order. */
struct members {
	const struct rfp_selection *sel;
	size_t ntext, nreason;
};

static const struct rfp_selected *
nth_selected(const struct rfp_selection *sel, size_t i)
{
	if (i < sel->nitems)
		return &sel->items[i];
	if ((i -= sel->nitems) < sel->nduties)
		return &sel->duties[i];
	if ((i -= sel->nduties) < sel->nexcluded)
		return &sel->excluded[i];
	return NULL;
}

static void
json_member(void *user, const char *key, const char *value)
{
	struct members *m = user;
	const struct rfp_selected *si;

	if (strcmp(key, "text") == 0) {
		if (!(si = nth_selected(m->sel, m->ntext++)) || strcmp(si->text, value) != 0) {
			fprintf(stderr, "fuzz_export: JSON text %zu reads back as \"%s\", not \"%s\"\n",
			    m->ntext - 1, value, si ? si->text : "(no such item)");
			abort();
		}
	} else if (strcmp(key, "reason") == 0) {
		/* Only tailored items have one; find the next. */
		while ((si = nth_selected(m->sel, m->nreason)) && !si->tailoring)
			m->nreason++;
		m->nreason++;
		if (!si || strcmp(si->tailoring->reason ? si->tailoring->reason : "", value) != 0) {
			fprintf(stderr, "fuzz_export: JSON reason reads back as \"%s\", not \"%s\"\n",
			    value, si && si->tailoring->reason ? si->tailoring->reason : "");
			abort();
		}
	}
}

static void
exports(const struct rfp_selection *sel, size_t *sink)
{
	static const size_t md_cols[] = { 5, 7, 0 };
	char *out;
	size_t len;

	if (rfp_selection_export(sel, RFP_EXPORT_JSON, &out, &len) == RFP_OK) {
		struct members m = { sel, 0, 0 };

		check_len(out, len, "JSON export", true);
		fz_json_check(out, len, json_member, &m);
		if (m.ntext != sel->nitems + sel->nduties + sel->nexcluded) {
			fprintf(stderr, "fuzz_export: JSON has %zu texts for %zu items\n", m.ntext,
			    sel->nitems + sel->nduties + sel->nexcluded);
			abort();
		}
		free(out);
	}
	if (rfp_selection_export(sel, RFP_EXPORT_CSV, &out, &len) == RFP_OK) {
		check_len(out, len, "CSV export", true);
		check_csv(out, len, 18, 1 + sel->nitems + sel->nduties + sel->nexcluded, sel);
		free(out);
	}
	if (rfp_selection_export(sel, RFP_EXPORT_MD, &out, &len) == RFP_OK) {
		check_len(out, len, "Markdown export", true);
		check_md(out, len, md_cols, sel->nparams + sel->nitems + sel->nexcluded);
		check_md_items(out, len, sel);
		free(out);
	}
	if (rfp_selection_export(sel, RFP_EXPORT_TEXT, &out, &len) == RFP_OK) {
		fprintf(stderr, "fuzz_export: a text export, which there is none of\n");
		abort();
	}
	*sink += len;
}

static void
diffs(const struct rfp_selection *from, const struct rfp_selection *to, size_t *sink)
{
	static const size_t md_cols[] = { 7, 0 };
	size_t counts[3], len;
	char *out;

	for (int f = RFP_EXPORT_TEXT; f <= RFP_EXPORT_MD; f++) {
		if (rfp_selection_diff(from, to, (enum rfp_export_format)f, &out, &len, counts) != RFP_OK)
			continue;
		check_len(out, len, "diff", true);
		switch ((enum rfp_export_format)f) {
		case RFP_EXPORT_JSON:
			fz_json_check(out, len, NULL, NULL);
			break;
		case RFP_EXPORT_CSV:
			check_csv(out, len, 5, 1 + counts[0] + counts[1] + counts[2], NULL);
			break;
		case RFP_EXPORT_MD:
			check_md(out, len, md_cols, counts[0] + counts[1] + counts[2]);
			break;
		case RFP_EXPORT_TEXT:
			check_reasons(out, from, to);
			break;
		}
		*sink += len + counts[0];
		free(out);
	}
}

static enum rfp_level
level_of(unsigned bits)
{
	return (enum rfp_level)(bits & 3);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rfp_selection *base = NULL, *sel = NULL, *other = NULL;
	const struct rfp_selection *used;
	struct input in = { 0 };
	struct rfp_request req, req2;
	const struct rfp_catalogue *cat, *cat2;
	struct rfp_ctx *ctx;
	size_t sink = 0;
	uint8_t b0, b1, b2;

	if (size < 3 || size > 65536)
		return 0;
	init();
	b0 = data[0];
	b1 = data[1];
	b2 = data[2];
	cat = cats[0];
	cat2 = b1 & 0x40 ? cats[1] : cats[0];
	parse(&in, cat, (const char *)data + 3, size - 3);
	if (!(ctx = fuzz_ctx(&sink)))
		goto out;
	req = (struct rfp_request){ .type = (enum rfp_type)(b0 & 3), .level = level_of(b0 >> 2),
	    .agency_checklist = b0 & 0x10, .conditions = (b0 >> 5) & 7,
	    .agency = in.agency, .project = in.project, .date = "2026-12-03",
	    .params = in.params, .nparams = in.nparams,
	    .fields = in.fields, .nfields = in.nfields };
	if (req.level == RFP_LEVEL_NONE) {
		req.has_impact = true;
		req.impact = (struct rfp_impact){ level_of(b2), level_of(b2 >> 2), level_of(b2 >> 4),
		    level_of(b2 >> 6) };
	}
	/* First without the tailoring, which is then made against it. */
	if (rfp_select(ctx, cat, &req, &base) != RFP_OK)
		goto out;
	resolve_tailoring(&in, cat, base);
	req.tailoring = in.tailoring;
	req.ntailoring = in.ntailoring;
	used = base;
	if (in.ntailoring && rfp_select(ctx, cat, &req, &sel) == RFP_OK)
		used = sel;
	exports(used, &sink);
	/* Not cut, and with bit 7 cut to 1-64 columns (byte 2). */
	for (int k = 0; k < (b1 & 0x80 ? 2 : 1); k++) {
		unsigned columns = k ? (b2 & 0x3F) + 1u : 0;
		char *out;
		size_t len;

		if (rfp_selection_list(used, columns, &out, &len) == RFP_OK) {
			check_len(out, len, "list", true);
			sink += len;
			free(out);
		}
	}
	/* The other side of the diff. */
	req2 = req;
	req2.type = (enum rfp_type)(b1 & 3);
	if (level_of(b1 >> 2) != RFP_LEVEL_NONE) {
		req2.level = level_of(b1 >> 2);
		req2.has_impact = false;
	}
	if (!(b1 & 0x10)) {
		req2.params = NULL;
		req2.nparams = 0;
	}
	if (!(b1 & 0x20) || used != sel) {
		req2.tailoring = NULL;
		req2.ntailoring = 0;
	}
	if (rfp_select(ctx, cat2, &req2, &other) == RFP_OK) {
		diffs(other, used, &sink);
		diffs(used, other, &sink);
	}
out:
	rfp_selection_free(base);
	rfp_selection_free(sel);
	rfp_selection_free(other);
	for (size_t i = 0; i < in.nstrings; i++)
		free(in.strings[i]);
	rfp_ctx_free(ctx);
	return 0;
}
