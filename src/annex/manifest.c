/* SPDX-License-Identifier: MIT */
/*
 * The issued-annex manifest (manifest.h): what went out with the tender,
 * so that a returned annex can be checked against it. Each item's text is
 * kept, and its SHA-256 after normalising white space, so that a bidder's
 * change of wording is found however Word or LibreOffice re-flowed it.
 */
#include "config.h"

#include <string.h>

#include "annex/manifest.h"
#include "util/text.h"

/* The length of the white space character at p (ASCII, NBSP, U+3000), or 0. */
static size_t
space_at(const unsigned char *p, size_t n)
{
	if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		return 1;
	if (n >= 2 && p[0] == 0xC2 && p[1] == 0xA0)
		return 2;
	if (n >= 3 && p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80)
		return 3;
	return 0;
}

/* White space runs (ASCII, NBSP, U+3000) become one space; none at the
 * ends. Text between them is copied a run at a time (rfpgen review
 * normalises every cell of a returned annex). */
void
rfp_manifest_normalise(struct rfp_buf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	bool space = false;
	size_t start = b->len;

	for (size_t i = 0; i < n;) {
		size_t w = space_at(u + i, n - i), j = i;

		if (w) {
			space = b->len > start;
			i += w;
			continue;
		}
		while (j < n && !space_at(u + j, n - j))
			j++;
		if (space)
			rfp_buf_addc(b, ' ');
		space = false;
		rfp_buf_add(b, s + i, j - i);
		i = j;
	}
}

void
rfp_manifest_digest(const char *text, char hex[65])
{
	struct rfp_buf b = RFP_BUF_INIT(1u << 20);

	rfp_manifest_normalise(&b, text, strlen(text));
	rfp_sha256_hex(b.ptr ? b.ptr : "", b.len, hex);
	rfp_buf_fini(&b);
}

static void
attr(struct rfp_buf *b, const char *name, const char *value)
{
	/* Pieces, not a format: a manifest has some hundred attributes. */
	rfp_buf_addc(b, ' ');
	rfp_buf_adds(b, name);
	rfp_buf_adds(b, "=\"");
	rfp_xml_escape(b, value ? value : "", value ? strlen(value) : 0, true);
	rfp_buf_addc(b, '"');
}

static void
item(struct rfp_buf *b, const char *el, const struct rfp_selected *si)
{
	char hex[65];
	const struct rfp_tailoring *t = si->tailoring;

	rfp_manifest_digest(si->text, hex);
	rfp_buf_adds(b, "<rfp:");
	rfp_buf_adds(b, el);
	attr(b, "id", si->item->id);
	attr(b, "no", si->item->label);
	attr(b, "measure", si->item->measure->name);
	attr(b, "sha256", hex);
	if (t && t->action == RFP_TAILOR_INCLUDE)
		attr(b, "included", t->reason && *t->reason ? t->reason : "機關增列");
	if (t && t->action == RFP_TAILOR_EXCLUDE)
		attr(b, "reason", t->reason);
	rfp_buf_addc(b, '>');
	rfp_xml_escape(b, si->text, strlen(si->text), false);
	rfp_buf_adds(b, "</rfp:");
	rfp_buf_adds(b, el);
	rfp_buf_adds(b, ">\n");
}

enum rfp_status
rfp_manifest_write(const struct rfp_selection *sel, bool agency, const char *generator,
    struct rfp_buf *b)
{
	static const char *const conds[] = { "core-or-large", "eu-personal-data", "classified" };
	static const unsigned bits[] = { RFP_COND_CORE_OR_LARGE, RFP_COND_EU_PERSONAL_DATA,
		RFP_COND_CLASSIFIED };
	const struct rfp_catalogue *cat = sel->cat;
	const struct rfp_selected *items = agency ? sel->duties : sel->items;
	size_t n = agency ? sel->nduties : sel->nitems;
	struct rfp_buf c = RFP_BUF_INIT(4096), v = RFP_BUF_INIT(1u << 16);
	enum rfp_status st;

	for (size_t i = 0; i < 3; i++)
		if (sel->conditions & bits[i])
			rfp_buf_addf(&c, "%s%s", c.len ? " " : "", conds[i]);
	rfp_buf_addf(&v, "%s %s", cat->baseline->id, cat->baseline->version);
	for (size_t i = 0; i < cat->nfiles; i++)
		if (&cat->files[i] != cat->baseline)
			rfp_buf_addf(&v, " %s %s", cat->files[i].id, cat->files[i].version);
	rfp_buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	    "<rfp:manifest xmlns:rfp=\"" RFP_MANIFEST_NS "\" version=\"1\"");
	attr(b, "document", agency ? "agency" : "annex");
	attr(b, "tool", generator);
	attr(b, "catalogue", v.ptr ? v.ptr : "");
	attr(b, "type", sel->has_type ? rfp_type_name(sel->type) : "");
	attr(b, "level", rfp_level_name(sel->level));
	if (sel->services) {
		char sv[160];

		attr(b, "services", rfp_services_text(sel->services, " ", sv, sizeof(sv)));
		attr(b, "agency-level", rfp_agency_level_name(sel->agency_level));
	}
	attr(b, "conditions", c.ptr ? c.ptr : "");
	attr(b, "date", sel->date);
	rfp_buf_addf(b, " items=\"%zu\">\n", n);
	for (size_t i = 0; i < n; i++)
		item(b, "item", &items[i]);
	/* What the tailoring dropped from this document, with the reasons. */
	for (size_t i = 0; i < sel->nexcluded; i++)
		if ((sel->excluded[i].item->party == RFP_PARTY_AGENCY) == agency)
			item(b, "excluded", &sel->excluded[i]);
	rfp_buf_adds(b, "</rfp:manifest>\n");
	st = c.err ? c.err : v.err ? v.err : b->err;
	rfp_buf_fini(&c);
	rfp_buf_fini(&v);
	return st;
}
