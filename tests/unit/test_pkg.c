/* SPDX-License-Identifier: MIT */
/* Zip packages: deterministic writing, reading back, limits, atomic output. */
#include "testutil.h"

#include <dirent.h>
#include <unistd.h>
#include <zip.h>

#include "pkg/pkg.h"

TEST_TMPDIR("/tmp/rfp-test-pkg-XXXXXX")

static void
build(struct rfp_ctx *ctx, int64_t mtime, unsigned char **bytes, size_t *len)
{
	struct rfp_pkg_writer *w = rfp_pkg_writer_new(mtime, 0);

	assert_non_null(w);
	assert_int_equal(rfp_pkg_writer_add(w, "mimetype", "application/vnd.oasis.opendocument.text", 39, true), RFP_OK);
	assert_int_equal(rfp_pkg_writer_add(w, "content.xml", "<a>資安</a>", strlen("<a>資安</a>"), false), RFP_OK);
	assert_int_equal(rfp_pkg_writer_add(w, "dir/empty.bin", "", 0, false), RFP_OK);
	assert_int_equal(rfp_pkg_writer_finish(w, bytes, len), RFP_OK);
	rfp_pkg_writer_free(w);
}

static const char *
write_tmp(struct rfp_ctx *ctx, const char *name, const void *data, size_t len)
{
	static char path[256];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	assert_int_equal(rfp_write_file(ctx, path, data, len), RFP_OK);
	return path;
}

static void
test_round_trip(void **state)
{
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);
	struct rfp_pkg pkg = { 0 };
	unsigned char *bytes;
	size_t len;
	const char *path;

	build(ctx, 1700000000, &bytes, &len);
	path = write_tmp(ctx, "rt.odt", bytes, len);
	assert_int_equal(rfp_pkg_read(ctx, path, &pkg), RFP_OK);
	assert_int_equal(pkg.n, 3);
	assert_string_equal(pkg.entries[0].name, "mimetype");
	assert_string_equal(pkg.entries[1].data, "<a>資安</a>");
	assert_int_equal(pkg.entries[2].len, 0);
	assert_non_null(rfp_pkg_find(&pkg, "dir/empty.bin"));
	assert_null(rfp_pkg_find(&pkg, "nope"));
	rfp_pkg_fini(&pkg);
	free(bytes);
	rfp_ctx_free(ctx);
}

/* mimetype first and stored; timestamps fixed; same bytes every time, in
 * any time zone. */
static void
test_deterministic(void **state)
{
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);
	unsigned char *a, *b;
	size_t alen, blen;
	zip_stat_t sb;
	zip_t *za;
	int err;

	build(ctx, 1700000000, &a, &alen);
	setenv("TZ", "Asia/Taipei", 1);
	tzset();
	build(ctx, 1700000000, &b, &blen);
	unsetenv("TZ");
	tzset();
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);
	/* Local file header: signature, then the stored method of mimetype. */
	assert_memory_equal(a, "PK\003\004", 4);
	assert_int_equal(a[8] | a[9] << 8, 0);
	assert_memory_equal(a + 30, "mimetype", 8);
	za = zip_open(write_tmp(ctx, "det.odt", a, alen), ZIP_RDONLY, &err);
	assert_non_null(za);
	assert_int_equal(zip_stat_index(za, 1, 0, &sb), 0);
	assert_int_equal(sb.comp_method, ZIP_CM_DEFLATE);
	{
		struct tm tm;

		gmtime_r(&sb.mtime, &tm);	/* libzip reads DOS time as local */
	}
	zip_close(za);
	free(a);
	free(b);
	rfp_ctx_free(ctx);
}

static void
test_not_a_zip(void **state)
{
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);
	struct rfp_pkg pkg = { 0 };
	const char *path = write_tmp(ctx, "plain.docx", "hello, not a zip", 16);

	assert_int_equal(rfp_pkg_read(ctx, path, &pkg), RFP_ERR_ZIP);
	assert_non_null(strstr(cap.text, "RFP-ZIP"));
	assert_non_null(strstr(cap.text, "cannot open as a zip package"));
	rfp_ctx_free(ctx);
}

static void
test_truncated(void **state)
{
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);
	struct rfp_pkg pkg = { 0 };
	unsigned char *bytes;
	size_t len;

	build(ctx, 0, &bytes, &len);
	assert_int_equal(rfp_pkg_read(ctx, write_tmp(ctx, "trunc.odt", bytes, len - 30), &pkg), RFP_ERR_ZIP);
	free(bytes);
	rfp_ctx_free(ctx);
}

static void
test_limits(void **state)
{
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);
	struct rfp_pkg pkg = { 0 };
	struct rfp_pkg_writer *w;
	unsigned char *bytes;
	char *zeros = calloc(1, 4u << 20);
	size_t len;
	const char *path;

	assert_non_null(zeros);
	build(ctx, 0, &bytes, &len);
	path = write_tmp(ctx, "three.odt", bytes, len);
	rfp_ctx_limits(ctx)->max_entries = 2;
	assert_int_equal(rfp_pkg_read(ctx, path, &pkg), RFP_ERR_LIMIT);
	assert_non_null(strstr(cap.text, "RFP-LIMIT-ENTRIES"));
	rfp_ctx_limits(ctx)->max_entries = 100;
	rfp_ctx_limits(ctx)->max_part_bytes = 20;
	assert_int_equal(rfp_pkg_read(ctx, path, &pkg), RFP_ERR_LIMIT);
	assert_non_null(strstr(cap.text, "RFP-LIMIT-PART"));
	free(bytes);

	/* 4 MiB of zeros deflate about 1000:1: a zip bomb by the ratio rule. */
	rfp_ctx_limits(ctx)->max_part_bytes = 64u << 20;
	w = rfp_pkg_writer_new(0, 0);
	assert_int_equal(rfp_pkg_writer_add(w, "bomb.xml", zeros, 4u << 20, false), RFP_OK);
	assert_int_equal(rfp_pkg_writer_finish(w, &bytes, &len), RFP_OK);
	rfp_pkg_writer_free(w);
	assert_int_equal(rfp_pkg_read(ctx, write_tmp(ctx, "bomb.docx", bytes, len), &pkg), RFP_ERR_LIMIT);
	assert_non_null(strstr(cap.text, "RFP-LIMIT-RATIO"));
	free(bytes);
	free(zeros);
	rfp_ctx_free(ctx);
}

static size_t
count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.' || strlen(e->d_name) > 2;
	if (d)
		closedir(d);
	return n;
}

static void
test_atomic_write_failures(void **state)
{
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);
	char path[300];
	size_t before = count_files(tmpdir);

	snprintf(path, sizeof(path), "%s/missing/out.docx", tmpdir);
	assert_int_equal(rfp_write_file(ctx, path, "x", 1), RFP_ERR_IO);
	assert_non_null(strstr(cap.text, "RFP-IO-WRITE"));
	assert_int_equal(rfp_write_file(ctx, tmpdir, "x", 1), RFP_ERR_IO);
	assert_non_null(strstr(cap.text, "output path is a directory"));
	assert_int_equal(count_files(tmpdir), before);	/* no temporary left */
	/* Replacing an existing file leaves exactly the new content. */
	snprintf(path, sizeof(path), "%s/replace.txt", tmpdir);
	assert_int_equal(rfp_write_file(ctx, path, "old", 3), RFP_OK);
	assert_int_equal(rfp_write_file(ctx, path, "new!", 4), RFP_OK);
	{
		FILE *f = fopen(path, "r");
		char buf[8] = { 0 };

		assert_non_null(f);
		assert_int_equal(fread(buf, 1, sizeof(buf), f), 4);
		fclose(f);
		assert_string_equal(buf, "new!");
	}
	assert_int_equal(count_files(tmpdir), before + 1);
	rfp_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_not_a_zip),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_atomic_write_failures),
	};

	return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
