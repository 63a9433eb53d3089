/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the input is one catalogue file. It goes through the whole
 * load (safe parse, validation against the real requirements/catalogue.xsd,
 * the model, the semantic check), and a catalogue that loads is described
 * item by item and selected for every type and level, with every condition.
 */
#include <stdio.h>
#include <stdlib.h>

#include "catalogue/catalogue.h"
#include "util/file.h"
#include "util/xml.h"

#include "fuzz.h"

static struct rfp_cat_schema *
schema(void)
{
	static struct rfp_cat_schema *s;
	struct rfp_ctx *ctx;
	size_t len, sink = 0;
	char *data;

	if (s)
		return s;
	ctx = rfp_ctx_new();
	if (!ctx)
		abort();
	rfp_ctx_set_diag(ctx, fuzz_diag, &sink);
	if (rfp_read_file(ctx, RFP_FUZZ_SRCDIR "/requirements/catalogue.xsd", 1u << 20,
	    &data, &len) != RFP_OK ||
	    rfp_cat_schema_new(ctx, "catalogue.xsd", data, len, &s) != RFP_OK) {
		fprintf(stderr, "fuzz_catalogue: cannot load %s/requirements/catalogue.xsd\n",
		    RFP_FUZZ_SRCDIR);
		abort();
	}
	free(data);
	rfp_ctx_free(ctx);
	return s;
}

static void
use(struct rfp_ctx *ctx, const struct rfp_catalogue *cat)
{
	struct rfp_request req = { .agency = "機關", .project = "專案", .date = "2026-01-01",
	    .conditions = RFP_COND_CORE_OR_LARGE | RFP_COND_EU_PERSONAL_DATA |
	    RFP_COND_CLASSIFIED, .agency_checklist = true };
	struct rfp_selection *sel;
	struct rfp_item_view v;
	char *out;
	size_t len;

	for (size_t i = 0; i < cat->nitems && i < 50; i++) {
		if (rfp_catalogue_describe(cat, cat->items[i]->id, &out) == RFP_OK)
			free(out);
	}
	if (rfp_catalogue_params(cat, &out) == RFP_OK)
		free(out);
	for (int t = 0; t < RFP_TYPE_COUNT; t++) {
		req.type = (enum rfp_type)t;
		for (int l = RFP_LEVEL_LOW; l <= RFP_LEVEL_HIGH; l++) {
			req.level = (enum rfp_level)l;
			if (rfp_select(ctx, cat, &req, &sel) != RFP_OK)
				continue;
			for (size_t i = 0; i < rfp_selection_count(sel); i++)
				rfp_selection_item(sel, i, &v);
			for (size_t i = 0; i < rfp_selection_agency_count(sel); i++)
				rfp_selection_agency_item(sel, i, &v);
			if (t == 0 && l == RFP_LEVEL_HIGH &&
			    rfp_selection_export(sel, RFP_EXPORT_JSON, &out, &len) == RFP_OK)
				free(out);
			rfp_selection_free(sel);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rfp_catalogue *cat = NULL;
	struct rfp_ctx *ctx;
	size_t sink = 0;

	if (!(ctx = fuzz_ctx(&sink)))
		return 0;
	if (rfp_catalogue_load_buffer(ctx, schema(), "fuzz.xml", (const char *)data, size,
	    &cat) == RFP_OK)
		use(ctx, cat);
	rfp_catalogue_free(cat);
	rfp_ctx_free(ctx);
	return 0;
}
