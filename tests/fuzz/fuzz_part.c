/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the tag engine on one template part. The first byte selects
 * options, as cmark's harness does; the rest is the part (word/document.xml,
 * content.xml or any XML part):
 *
 *   bits 0-1  part mode: 0 and 3 Word, 1 ODF, 2 plain
 *   bit 2     no dictionary (any name compiles) instead of the annex's
 *   bit 3     no {{requirements}} splice
 *   bit 4     also write the inspect listing
 *   bit 5     the agency_items list is empty instead of two elements
 *
 * The part is parsed as rfp_template_load() does, compiled, and rendered
 * against a small data tree whose lists hold two elements each. When the
 * part was well-formed the rendered part must be too (namespace prefixes
 * aside: a fuzzed part need not declare the splice's), or the target aborts;
 * the post-render guards then run on it.
 */
#include <stdio.h>
#include <stdlib.h>

#include <libxml/parser.h>

#include "annex/annex.h"
#include "annex/guard.h"
#include "template/tmpl.h"
#include "util/xml.h"

#include "fuzz.h"

static const char word_splice[] =
    "<w:p><w:r><w:t>{{#families}}</w:t></w:r></w:p>"
    "<w:p><w:r><w:t>{{family_no}}、{{family_name}}</w:t></w:r></w:p>"
    "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>{{#items}}{{no}}</w:t></w:r></w:p></w:tc>"
    "<w:tc><w:p><w:r><w:t xml:space=\"preserve\">{{text}}{{/items}}</w:t></w:r></w:p></w:tc>"
    "</w:tr></w:tbl>"
    "<w:p><w:r><w:t>{{/families}}</w:t></w:r></w:p>";
static const char odf_splice[] =
    "<text:p>{{#families}}</text:p>"
    "<text:h text:outline-level=\"2\">{{family_no}}、{{family_name}}</text:h>"
    "<text:p>{{#items}}</text:p>"
    "<text:p><text:span>{{no}}</text:span> {{text}}</text:p>"
    "<text:p>{{/items}}</text:p>"
    "<text:p>{{/families}}</text:p>";

/* Values with every character that needs care in XML or in a text run. */
static const char *const values[] = {
	"", "值", "a < b & c > d", "\"quoted\" 'apos'", "line\nbreak\ttab\r\n",
	"  two  spaces  ", "]]>", "{{not_a_tag}}",
};

static void
item(struct rfp_arena *a, struct rfp_dnode *list, unsigned k, bool checklist)
{
	static const char *const fields[] = { "no", "id", "measure", "family_name",
		"text", "modality", "party", "min_level", "guidance", "verification",
		"source" };
	struct rfp_dnode *m = rfp_data_list_map(a, list);

	if (!m)
		return;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		rfp_data_str(a, m, fields[i], values[(i + k) % 8]);
	if (checklist) {
		rfp_data_str(a, m, "p", k ? "V" : "");
		rfp_data_str(a, m, "m", "V");
		rfp_data_str(a, m, "h", "V");
	}
}

static struct rfp_dnode *
data_tree(struct rfp_arena *a, bool no_agency_items)
{
	static const char *const top[] = { "title", "agency", "project", "type", "level",
		"level_basis", "catalogue_title", "catalogue_version", "legal_basis",
		"amended", "notice", "generator", "date", "item_count", "has_agency_items",
		"type_consulting", "type_development", "type_operations", "type_cloud",
		"level_low", "level_moderate", "level_high", "core_or_large",
		"eu_personal_data", "classified", "agency_checklist" };
	struct rfp_dnode *root = rfp_data_map(a), *l, *m;

	if (!root)
		return NULL;
	for (size_t i = 0; i < sizeof(top) / sizeof(top[0]); i++)
		rfp_data_str(a, root, top[i], values[i % 8]);
	if ((l = rfp_data_list(a, root, "impact")) && (m = rfp_data_list_map(a, l))) {
		rfp_data_str(a, m, "c", "高");
		rfp_data_str(a, m, "i", "中");
		rfp_data_str(a, m, "a", "普");
		rfp_data_str(a, m, "l", "");
	}
	if ((l = rfp_data_list(a, root, "families"))) {
		for (unsigned f = 0; f < 2; f++) {
			struct rfp_dnode *items;

			if (!(m = rfp_data_list_map(a, l)))
				break;
			rfp_data_str(a, m, "family_no", f ? "二" : "一");
			rfp_data_str(a, m, "family_name", values[f + 2]);
			rfp_data_str(a, m, "family_id", f ? "F2" : "F1");
			if ((items = rfp_data_list(a, m, "items")))
				for (unsigned k = 0; k < 2; k++)
					item(a, items, f * 2 + k, false);
		}
	}
	if ((l = rfp_data_list(a, root, "checklist")))
		for (unsigned k = 0; k < 2; k++)
			item(a, l, k, true);
	if ((l = rfp_data_list(a, root, "agency_items")) && !no_agency_items)
		for (unsigned k = 0; k < 2; k++)
			item(a, l, k + 3, false);
	/* Only reachable without the dictionary, which has items in families. */
	if ((l = rfp_data_list(a, root, "items")))
		for (unsigned k = 0; k < 2; k++)
			item(a, l, k + 5, false);
	return root;
}

static void
quiet(void *data, xmlErrorPtr e)
{
	(void)data;
	(void)e;
}

/* Well-formedness of the rendered part, namespace errors aside. */
static xmlDoc *
check_output(const char *data, size_t len)
{
	xmlParserCtxtPtr pctx = xmlNewParserCtxt();
	xmlDoc *doc;

	if (!pctx)
		return NULL;
	pctx->sax->serror = quiet;
	doc = xmlCtxtReadMemory(pctx, data, (int)len, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
	if (!pctx->wellFormed) {
		xmlErrorPtr e = xmlCtxtGetLastError(pctx);

		fprintf(stderr, "fuzz_part: the rendered part is not well-formed: %s",
		    e && e->message ? e->message : "?\n");
		abort();
	}
	xmlFreeParserCtxt(pctx);
	return doc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum rfp_part_mode modes[] = { RFP_PART_WORD, RFP_PART_ODF,
		RFP_PART_PLAIN, RFP_PART_WORD };
	struct rfp_buf listing = RFP_BUF_INIT(1u << 20), out = RFP_BUF_INIT(8u << 20);
	struct rfp_arena arena = RFP_ARENA_INIT;
	struct rfp_compile_opts opts = { 0 };
	struct rfp_splice splice = { .name = "requirements" };
	struct rfp_prog prog = { 0 };
	const struct rfp_dnode *root;
	const char *part;
	struct rfp_ctx *ctx;
	size_t sink = 0;
	xmlDoc *doc = NULL;
	bool wellformed, guard = false;
	uint8_t flags;

	if (size < 1)
		return 0;
	flags = data[0];
	part = (const char *)data + 1;
	size--;
	if (!(ctx = fuzz_ctx(&sink)))
		return 0;
	opts.mode = modes[flags & 3];
	opts.dict = flags & 4 ? NULL : rfp_annex_dict();
	if (!(flags & 8) && opts.mode != RFP_PART_PLAIN) {
		splice.xml = opts.mode == RFP_PART_WORD ? word_splice : odf_splice;
		splice.len = opts.mode == RFP_PART_WORD ? sizeof(word_splice) - 1 :
		    sizeof(odf_splice) - 1;
		opts.splices = &splice;
		opts.nsplices = 1;
	}
	opts.listing = flags & 16 ? &listing : NULL;

	/* rfp_template_load() compiles only parts that parse; the compiler must
	 * survive any bytes all the same, so it sees this part in any case. */
	wellformed = rfp_xml_parse(ctx, "fuzz", "part.xml", part, size, &doc) == RFP_OK;
	xmlFreeDoc(doc);
	doc = NULL;
	if (rfp_prog_compile(ctx, "fuzz", "part.xml", &opts, part, size, &prog) != RFP_OK)
		goto out;
	if (!(root = data_tree(&arena, flags & 32)))
		goto out;
	if (rfp_prog_render(ctx, "part.xml", &prog, root, &out, &guard, NULL) != RFP_OK || !wellformed)
		goto out;
	doc = check_output(out.ptr, out.len);
	if (doc && guard && opts.mode != RFP_PART_PLAIN)
		rfp_guard(doc, opts.mode);
out:
	xmlFreeDoc(doc);
	rfp_prog_fini(&prog);
	rfp_arena_fini(&arena);
	rfp_buf_fini(&out);
	rfp_buf_fini(&listing);
	rfp_ctx_free(ctx);
	return 0;
}
