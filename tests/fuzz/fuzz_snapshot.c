/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the snapshot reader (src/snapshot). The image is made by the
 * build, not read from users, but it is still read with bounds checks, and
 * its compressed chunks must never change a document: this drives both.
 *
 * Input: changes to a real image, made once from the build tree (the shipped
 * data, as rfpgen-snapshot makes it): every 4 bytes are an offset (3 bytes,
 * taken modulo the image's length) and a byte to xor there. A changed image
 * that still opens is decoded (catalogue and both templates, against the
 * build tree's files); then 系統發展/高 is rendered with the intact catalogue
 * and template and the changed image's chunks, and must come out byte for
 * byte as without them, since a chunk is used only when it inflates to the
 * document's own text.
 */
#include "snapshot/snapshot.h"

#include "fuzz.h"
#include "../tools/snapimg.h"

#ifndef RFP_FUZZ_BUILDDIR
#define RFP_FUZZ_BUILDDIR "build"
#endif

/* Made at the first input and kept: the harness's only state. */
static struct snapimg fx;
static struct rfp_output ref;
static struct rfp_selection *sel;
static bool ready;

static void
prepare(void)
{
	size_t sink = 0;
	struct rfp_ctx *ctx = fuzz_ctx(&sink);
	struct rfp_request req = { .type = RFP_TYPE_DEVELOPMENT, .level = RFP_LEVEL_HIGH,
	    .date = "2026-01-01", .agency = "測試機關" };

	if (!ctx || !snapimg_make(&fx, RFP_FUZZ_BUILDDIR, ctx) ||
	    rfp_select(ctx, fx.cat, &req, &sel) != RFP_OK ||
	    rfp_render(ctx, fx.docx, sel, "fuzz", 0, &ref) != RFP_OK) {
		fprintf(stderr, "fuzz_snapshot: cannot make the image from %s\n", RFP_FUZZ_BUILDDIR);
		abort();
	}
	rfp_ctx_free(ctx);
	ready = true;
}

static void
decode_all(const struct rfp_snapshot *s)
{
	struct rfp_catalogue *cat = NULL;
	struct rfp_template *t = NULL;
	char path[4300];

	if (rfp_snapshot_catalogue(s, fx.dir, fx.schema, (const char *const *)fx.paths,
	    fx.npaths, &cat) == RFP_OK)
		rfp_catalogue_free(cat);
	for (int f = 0; f < 2; f++) {
		snprintf(path, sizeof(path), "%s/templates/annex.%s", fx.dir, f ? "odt" : "docx");
		if (rfp_snapshot_template(s, fx.dir, path, &t) == RFP_OK)
			rfp_template_free(t);
		t = NULL;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rfp_snapshot *s = NULL;
	struct rfp_output got = { 0 };
	size_t sink = 0;
	char *img;

	if (!ready)
		prepare();
	if (!(img = malloc(fx.img.len)))
		return 0;
	memcpy(img, fx.img.ptr, fx.img.len);
	for (size_t i = 0; i + 4 <= size && i < 4 * 64; i += 4) {
		size_t at = ((size_t)data[i] | (size_t)data[i + 1] << 8 | (size_t)data[i + 2] << 16) %
		    fx.img.len;

		img[at] ^= (char)data[i + 3];
	}
	if (rfp_snapshot_open(img, fx.img.len, &s) == RFP_OK) {
		struct rfp_ctx *ctx = fuzz_ctx(&sink);

		decode_all(s);
		if (!ctx)
			abort();
		rfp_snapshot_seed(s, ctx);
		if (rfp_render(ctx, fx.docx, sel, "fuzz", 0, &got) != RFP_OK ||
		    got.len != ref.len || memcmp(got.data, ref.data, ref.len) != 0)
			abort();
		rfp_output_fini(&got);
		rfp_ctx_free(ctx);
		rfp_snapshot_free(s);
	}
	free(img);
	return 0;
}
