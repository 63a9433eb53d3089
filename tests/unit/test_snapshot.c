/* SPDX-License-Identifier: MIT */
/*
 * The snapshot (src/snapshot): an image made from the build tree's shipped
 * catalogue and templates gives the same selections, exports and rendered
 * bytes (with its compressed chunks reused) as the files loaded by the full
 * library; it applies only to exactly
 * the files it was made from; a damaged image is refused, never misread.
 */
#include <sys/stat.h>

#include "testutil.h"

#include "catalogue/catalogue.h"
#include "pkg/pkg.h"
#include "../tools/snapimg.h"

TEST_TMPDIR("/tmp/rfpgen-snapshot-XXXXXX")

static struct snapimg fx;

static int
setup(void **state)
{
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);
	const char *b = getenv("RFP_BUILDDIR");

	(void)state;
	if (make_tmpdir(NULL) != 0)
		return -1;
	if (!snapimg_make(&fx, b ? b : "build", ctx))
		fail_msg("cannot make the image: %s", cap.text);
	rfp_ctx_free(ctx);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	snapimg_free(&fx);
	return remove_tmpdir(NULL);
}

static struct rfp_snapshot *
open_image(void)
{
	struct rfp_snapshot *s = NULL;

	assert_int_equal(rfp_snapshot_open(fx.img.ptr, fx.img.len, &s), RFP_OK);
	return s;
}

static char *
export_json(const struct rfp_catalogue *cat, enum rfp_type t, enum rfp_level l)
{
	struct rfp_request req = { .type = t, .level = l, .date = "2026-01-01",
	    .agency = "測試機關", .conditions = RFP_COND_CORE_OR_LARGE, .agency_checklist = true };
	struct rfp_selection *sel = NULL;
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);
	char *out = NULL;
	size_t len;

	assert_int_equal(rfp_select(ctx, cat, &req, &sel), RFP_OK);
	assert_int_equal(rfp_selection_export(sel, RFP_EXPORT_JSON, &out, &len), RFP_OK);
	rfp_selection_free(sel);
	rfp_ctx_free(ctx);
	return out;
}

/* Renders with seeds from s's chunks when s is set; returns chunks reused. */
static uint64_t
render(const struct rfp_catalogue *cat, const struct rfp_template *tmpl, enum rfp_type t,
    enum rfp_level l, const struct rfp_snapshot *s, struct rfp_output *out)
{
	uint64_t reused, compressed;
	struct rfp_request req = { .type = t, .level = l, .date = "2026-01-01",
	    .agency = "測試機關", .project = "快照測試案" };
	struct rfp_selection *sel = NULL;
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);

	if (s)
		rfp_snapshot_seed(s, ctx);
	assert_int_equal(rfp_select(ctx, cat, &req, &sel), RFP_OK);
	if (rfp_render(ctx, tmpl, sel, "rfpgen test", 1764000000, out) != RFP_OK)
		fail_msg("render: %s", cap.text);
	rfp_pkg_chunk_stats(ctx, &reused, &compressed);
	rfp_selection_free(sel);
	rfp_ctx_free(ctx);
	return reused;
}

/* Every type and level: the same items and parameters, the same packages. */
static void
test_same_as_loaded(void **state)
{
	struct rfp_snapshot *s = open_image();
	struct rfp_catalogue *cat = NULL;
	struct rfp_template *docx = NULL, *odt = NULL;

	(void)state;
	assert_int_equal(rfp_snapshot_catalogue(s, fx.dir, fx.schema,
	    (const char *const *)fx.paths, fx.npaths, &cat), RFP_OK);
	assert_int_equal(cat->nitems, fx.cat->nitems);
	assert_string_equal(cat->items[0]->file->path, fx.paths[cat->items[0]->file - cat->files]);
	assert_int_equal(rfp_snapshot_template(s, fx.dir, fx.paths[0], &docx), RFP_ERR_UNSUPPORTED);
	char path[4300];

	snprintf(path, sizeof(path), "%s/templates/annex.docx", fx.dir);
	assert_int_equal(rfp_snapshot_template(s, fx.dir, path, &docx), RFP_OK);
	snprintf(path, sizeof(path), "%s/templates/annex.odt", fx.dir);
	assert_int_equal(rfp_snapshot_template(s, fx.dir, path, &odt), RFP_OK);
	assert_int_equal(rfp_template_format(odt), RFP_FORMAT_ODT);
	for (int t = 0; t < RFP_TYPE_COUNT; t++) {
		for (enum rfp_level l = RFP_LEVEL_LOW; l <= RFP_LEVEL_HIGH; l++) {
			char *a = export_json(fx.cat, (enum rfp_type)t, l);
			char *b = export_json(cat, (enum rfp_type)t, l);

			assert_string_equal(a, b);
			free(a);
			free(b);
			for (int f = 0; f < 2; f++) {
				struct rfp_output x = { 0 }, y = { 0 };

				assert_int_equal(render(fx.cat, f ? fx.odt : fx.docx, (enum rfp_type)t,
				    l, NULL, &x), 0);
				/* The document's text comes from the snapshot's chunks. */
				assert_true(render(cat, f ? odt : docx, (enum rfp_type)t, l, s, &y) > 1);
				assert_int_equal(x.len, y.len);
				assert_memory_equal(x.data, y.data, x.len);
				rfp_output_fini(&x);
				rfp_output_fini(&y);
			}
		}
	}
	rfp_catalogue_free(cat);
	rfp_template_free(docx);
	rfp_template_free(odt);
	rfp_snapshot_free(s);
}

/* A snapshot template has no parser: a render that needs one says so. */
static void
test_verify_unsupported(void **state)
{
	struct rfp_snapshot *s = open_image();
	struct rfp_template *docx = NULL;
	struct rfp_request req = { .type = RFP_TYPE_CLOUD, .level = RFP_LEVEL_LOW,
	    .date = "2026-01-01" };
	struct rfp_selection *sel = NULL;
	struct rfp_output out = { 0 };
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);
	char path[4300];

	(void)state;
	snprintf(path, sizeof(path), "%s/templates/annex.docx", fx.dir);
	assert_int_equal(rfp_snapshot_template(s, fx.dir, path, &docx), RFP_OK);
	assert_int_equal(rfp_select(ctx, fx.cat, &req, &sel), RFP_OK);
	rfp_ctx_set_verify(ctx, true);
	assert_int_equal(rfp_render(ctx, docx, sel, "t", 0, &out), RFP_ERR_UNSUPPORTED);
	assert_null(out.data);
	rfp_ctx_set_verify(ctx, false);
	assert_int_equal(rfp_render(ctx, docx, sel, "t", 0, &out), RFP_OK);
	rfp_output_fini(&out);
	rfp_selection_free(sel);
	rfp_template_free(docx);
	rfp_ctx_free(ctx);
	rfp_snapshot_free(s);
}

static void
write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Only the very files it was made from: names, order, count and bytes. */
static void
test_applies_only_to_its_files(void **state)
{
	struct rfp_snapshot *s = open_image();
	struct rfp_catalogue *cat = NULL;
	const char *swapped[SNAPIMG_FILES];
	char *copies[SNAPIMG_FILES + 1], dir[64], req[128];

	(void)state;
	for (size_t i = 0; i < fx.npaths; i++)
		swapped[i] = fx.paths[i];
	swapped[1] = fx.paths[2];
	swapped[2] = fx.paths[1];
	assert_int_equal(rfp_snapshot_catalogue(s, fx.dir, fx.schema, swapped, fx.npaths, &cat),
	    RFP_ERR_UNSUPPORTED);
	assert_int_equal(rfp_snapshot_catalogue(s, fx.dir, fx.schema,
	    (const char *const *)fx.paths, fx.npaths - 1, &cat), RFP_ERR_UNSUPPORTED);
	assert_int_equal(rfp_snapshot_catalogue(s, "/nonexistent", fx.schema,
	    (const char *const *)fx.paths, fx.npaths, &cat), RFP_ERR_UNSUPPORTED);

	/* The same files copied elsewhere apply; one changed byte does not. */
	snprintf(dir, sizeof(dir), "%s/data", tmpdir);
	snprintf(req, sizeof(req), "%s/requirements", dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(mkdir(req, 0700), 0);
	for (size_t i = 0; i < fx.nsrc; i++) {
		copies[i] = rfp_strfmt("%s/%s", dir, fx.src[i].name);
		write_file(copies[i], fx.src[i].data, fx.src[i].len);
	}
	/* Sources: the schema, then the catalogue files in order. */
	assert_int_equal(rfp_snapshot_catalogue(s, dir, copies[0], (const char *const *)copies + 1,
	    fx.npaths, &cat), RFP_OK);
	assert_string_equal(cat->files[1].path, copies[2]);
	rfp_catalogue_free(cat);
	cat = NULL;
	char *changed = malloc(fx.src[2].len);

	memcpy(changed, fx.src[2].data, fx.src[2].len);
	changed[fx.src[2].len / 2] ^= 1;
	write_file(copies[2], changed, fx.src[2].len);
	assert_int_equal(rfp_snapshot_catalogue(s, dir, copies[0], (const char *const *)copies + 1,
	    fx.npaths, &cat), RFP_ERR_UNSUPPORTED);
	write_file(copies[2], fx.src[2].data, fx.src[2].len - 1);
	assert_int_equal(rfp_snapshot_catalogue(s, dir, copies[0], (const char *const *)copies + 1,
	    fx.npaths, &cat), RFP_ERR_UNSUPPORTED);
	write_file(copies[2], fx.src[2].data, fx.src[2].len);
	write_file(copies[0], changed, 10);	/* another schema */
	assert_int_equal(rfp_snapshot_catalogue(s, dir, copies[0], (const char *const *)copies + 1,
	    fx.npaths, &cat), RFP_ERR_UNSUPPORTED);
	assert_null(cat);
	free(changed);
	for (size_t i = 0; i < fx.nsrc; i++)
		free(copies[i]);
	rfp_snapshot_free(s);
}

/* Decodes everything a (possibly damaged) image offers; must not crash. */
static void
try_image(const char *img, size_t len)
{
	struct rfp_snapshot *s = NULL;
	struct rfp_catalogue *cat = NULL;
	struct rfp_template *t = NULL;
	char path[4300];

	if (rfp_snapshot_open(img, len, &s) != RFP_OK)
		return;
	if (rfp_snapshot_catalogue(s, fx.dir, fx.schema, (const char *const *)fx.paths,
	    fx.npaths, &cat) == RFP_OK)
		rfp_catalogue_free(cat);
	snprintf(path, sizeof(path), "%s/templates/annex.docx", fx.dir);
	if (rfp_snapshot_template(s, fx.dir, path, &t) == RFP_OK)
		rfp_template_free(t);
	rfp_snapshot_free(s);
}

static void
test_damaged_image(void **state)
{
	struct rfp_snapshot *s = NULL;
	char *copy = malloc(fx.img.len);

	(void)state;
	for (size_t n = 0; n < fx.img.len; n += 1 + n / 64) {
		memcpy(copy, fx.img.ptr, n);
		assert_int_equal(rfp_snapshot_open(copy, n, &s), RFP_ERR_INVALID);
	}
	memcpy(copy, fx.img.ptr, fx.img.len);
	copy[8] ^= 0x7F;	/* the version */
	assert_int_equal(rfp_snapshot_open(copy, fx.img.len, &s), RFP_ERR_INVALID);
	/* Bytes changed all over: refused or decoded, never a wild read
	 * (this test runs under ASan and valgrind). */
	uint32_t seed = 12345;

	for (int round = 0; round < 400; round++) {
		memcpy(copy, fx.img.ptr, fx.img.len);
		for (int k = 0; k < 4; k++) {
			seed = seed * 1103515245u + 12345u;
			copy[(seed >> 4) % fx.img.len] ^= (char)(1u << (seed % 8));
		}
		try_image(copy, fx.img.len);
	}
	/* Damaged compressed chunks (the image's last part) are refused by the
	 * inflate check: the document's bytes never change. */
	struct rfp_output ref = { 0 };
	int rendered = 0;

	render(fx.cat, fx.docx, RFP_TYPE_DEVELOPMENT, RFP_LEVEL_HIGH, NULL, &ref);
	for (int round = 0; round < 40; round++) {
		struct rfp_output got = { 0 };

		memcpy(copy, fx.img.ptr, fx.img.len);
		for (int k = 0; k < 8; k++) {
			seed = seed * 1103515245u + 12345u;
			copy[fx.img.len - 1 - (seed >> 4) % (fx.img.len / 3)] ^= (char)(1u << (seed % 8));
		}
		if (rfp_snapshot_open(copy, fx.img.len, &s) != RFP_OK)
			continue;
		render(fx.cat, fx.docx, RFP_TYPE_DEVELOPMENT, RFP_LEVEL_HIGH, s, &got);
		rendered++;
		assert_int_equal(got.len, ref.len);
		assert_memory_equal(got.data, ref.data, ref.len);
		rfp_output_fini(&got);
		rfp_snapshot_free(s);
	}
	assert_true(rendered >= 10);	/* most damage is inside the chunks */
	rfp_output_fini(&ref);
	free(copy);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_as_loaded),
		cmocka_unit_test(test_verify_unsupported),
		cmocka_unit_test(test_applies_only_to_its_files),
		cmocka_unit_test(test_damaged_image),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
