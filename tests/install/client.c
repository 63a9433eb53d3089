#include <stdio.h>
#include <string.h>
#include <rfpgen/rfpgen.h>

/* A user of the installed library: one annex, the public API only. */
int
main(int argc, char **argv)
{
	char schema[4096], base[4096], tpl[4096];
	const char *paths[] = { base };
	struct rfp_ctx *ctx = rfp_ctx_new();
	struct rfp_catalogue *cat = NULL;
	struct rfp_selection *sel = NULL;
	struct rfp_template *t = NULL;
	struct rfp_output out = { 0 };
	struct rfp_request req = { .type = RFP_TYPE_CLOUD, .level = RFP_LEVEL_HIGH,
	    .agency = "測試機關", .date = "2025-05-01" };
	int rc = 1;

	if (argc != 3)
		return 2;
	snprintf(schema, sizeof(schema), "%s/requirements/catalogue.xsd", argv[1]);
	snprintf(base, sizeof(base), "%s/requirements/baseline-2021.xml", argv[1]);
	snprintf(tpl, sizeof(tpl), "%s/templates/annex.docx", argv[1]);
	if (ctx && rfp_catalogue_load(ctx, schema, paths, 1, &cat) == RFP_OK &&
	    rfp_select(ctx, cat, &req, &sel) == RFP_OK &&
	    rfp_template_load(ctx, tpl, &t) == RFP_OK &&
	    rfp_render(ctx, t, sel, "client", 0, &out) == RFP_OK &&
	    rfp_write_file(ctx, argv[2], out.data, out.len) == RFP_OK) {
		printf("%zu items\n", rfp_selection_count(sel));
		rc = 0;
	} else {
		printf("failed: %u errors\n", ctx ? rfp_ctx_error_count(ctx) : 0);
	}
	rfp_output_fini(&out);
	rfp_template_free(t);
	rfp_selection_free(sel);
	rfp_catalogue_free(cat);
	rfp_ctx_free(ctx);
	return rc;
}
