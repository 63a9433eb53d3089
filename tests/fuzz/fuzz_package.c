/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the input is a whole template package. It is read, compiled
 * as a template, and a template that compiles is rendered once for the real
 * catalogue (系統發展, 高). Rendering verifies its output: a rendered part
 * that is not well-formed XML is a bug, and aborts.
 *
 * An input that starts like a zip file ("PK") is read as one, with every
 * zip check. Any other input is an unpacked package, so that mutations of
 * the parts are not all lost to CRC and deflate errors:
 *
 *   === [Content_Types].xml
 *   <?xml ...
 *   === word/document.xml
 *   ...
 *
 * (fuzz_unpacked() in fuzz.h).
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>

#include "pkg/pkg.h"
#include "annex/template.h"

#include "fuzz.h"

/* The real catalogue and a selection from it, loaded once per process. */
static const struct rfp_selection *
selection(void)
{
	static struct rfp_selection *sel;
	static struct rfp_catalogue *cat;
	const struct rfp_request req = { .type = RFP_TYPE_DEVELOPMENT,
	    .level = RFP_LEVEL_HIGH, .agency = "測試機關 <&>", .project = "專案 \"一\"",
	    .date = "2026-01-15" };
	const char *paths[64];
	struct rfp_ctx *ctx;
	size_t n = 0, sink = 0;
	glob_t g;

	if (sel)
		return sel;
	if (!(ctx = rfp_ctx_new()))
		abort();
	rfp_ctx_set_diag(ctx, fuzz_diag, &sink);
	paths[n++] = RFP_FUZZ_SRCDIR "/requirements/baseline-2021.xml";
	if (glob(RFP_FUZZ_SRCDIR "/requirements/module-*.xml", 0, NULL, &g) == 0)
		for (size_t i = 0; i < g.gl_pathc && n < 64; i++)
			paths[n++] = g.gl_pathv[i];
	if (rfp_catalogue_load(ctx, RFP_FUZZ_SRCDIR "/requirements/catalogue.xsd", paths, n,
	    &cat) != RFP_OK || rfp_select(ctx, cat, &req, &sel) != RFP_OK) {
		fprintf(stderr, "fuzz_package: cannot load the catalogue from %s/requirements\n",
		    RFP_FUZZ_SRCDIR);
		abort();
	}
	globfree(&g);
	rfp_ctx_free(ctx);
	return sel;
}

/* A verify failure is reported as RFP-XML on "(rendered output)". */
static void
catch_bad_output(const struct rfp_diag *d, void *userdata)
{
	fuzz_diag(d, userdata);
	if (d->file && strcmp(d->file, "(rendered output)") == 0) {
		fprintf(stderr, "fuzz_package: rendered %s is not well-formed: %s\n",
		    d->part ? d->part : "?", d->msg);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct rfp_selection *sel = selection();
	struct rfp_template *t = NULL;
	struct rfp_output out = { 0 };
	struct rfp_pkg pkg = { 0 };
	struct rfp_ctx *ctx;
	size_t sink = 0;

	if (!(ctx = fuzz_ctx(&sink)))
		return 0;
	if ((size >= 2 && memcmp(data, "PK", 2) == 0 ?
	    rfp_pkg_read_buffer(ctx, "fuzz.docx", data, size, &pkg) == RFP_OK :
	    fuzz_unpacked((const char *)data, size, &pkg)) &&
	    rfp_template_load_pkg(ctx, "fuzz.docx", &pkg, &t) == RFP_OK) {
		rfp_ctx_set_diag(ctx, catch_bad_output, &sink);
		rfp_ctx_set_verify(ctx, true);
		if (rfp_render(ctx, t, sel, "rfpgen-fuzz", 0, &out) == RFP_OK)
			rfp_output_fini(&out);
	}
	rfp_template_free(t);
	rfp_pkg_fini(&pkg);
	rfp_ctx_free(ctx);
	return 0;
}
