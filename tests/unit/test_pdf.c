/* SPDX-License-Identifier: MIT */
/*
 * output/pdf: the PDF standard names, SOURCE_DATE_EPOCH in what LibreOffice
 * writes (dates, identifiers, the PDF/A colour profile's stamp), and the
 * converter's process handling with stand-ins for soffice (no LibreOffice
 * needed: tests/pdf.sh runs the real one).
 */
#include "testutil.h"

#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "output/pdf.h"

static void
test_standard_parse(void **state)
{
	enum rfp_pdf_standard s = RFP_PDF_NONE;

	assert_true(rfp_pdf_standard_parse("pdfa-2b", &s));
	assert_int_equal(s, RFP_PDF_A2B);
	assert_true(rfp_pdf_standard_parse("PDF/A-2b", &s));
	assert_int_equal(s, RFP_PDF_A2B);
	assert_true(rfp_pdf_standard_parse("none", &s));
	assert_int_equal(s, RFP_PDF_NONE);
	assert_false(rfp_pdf_standard_parse("pdfa-3b", &s));
	assert_false(rfp_pdf_standard_parse("", &s));
	assert_false(rfp_pdf_standard_parse(NULL, &s));
}

#define ICC_LEN 512

/* A PDF as LibreOffice writes one at time sec (seconds of a minute): its
 * dates, an ICC profile stamped with it in a Flate stream, identifiers. */
static size_t
fake_pdf(unsigned char *out, size_t cap, int sec)
{
	unsigned char icc[ICC_LEN] = { 0 }, z[2 * ICC_LEN];
	uLongf zlen = sizeof(z);
	int n;

	icc[2] = ICC_LEN >> 8;
	memcpy(icc + 36, "acsp", 4);
	/* 2026-12-03 06:14:sec */
	icc[24] = 0x07, icc[25] = 0xea, icc[27] = 12, icc[29] = 3, icc[31] = 6, icc[33] = 14;
	icc[35] = (unsigned char)sec;
	for (int i = 128; i < ICC_LEN; i++)
		icc[i] = (unsigned char)(i * 7 + i / 13);
	assert_int_equal(compress2(z, &zlen, icc, sizeof(icc), 6), Z_OK);
	n = snprintf((char *)out, cap, "%%PDF-1.6\n1 0 obj\n<</N 3/Length %lu/Filter/FlateDecode>>\nstream\n",
	    (unsigned long)zlen);
	memcpy(out + n, z, zlen);
	n += (int)zlen;
	n += snprintf((char *)out + n, cap - (size_t)n,
	    "\nendstream\nendobj\n2 0 obj\n<</Type/Metadata>>\nstream\n"
	    "<xmp:CreateDate>2026-12-03T06:14:%02dZ</xmp:CreateDate>\nendstream\nendobj\n"
	    "3 0 obj\n<</Producer(LibreOffice 7.4)/CreationDate(D:202612030614%02dZ')>>\nendobj\n"
	    "trailer\n<</Size 4/Info 3 0 R\n/ID [ <%032X>\n<%032X> ]\n"
	    "/DocChecksum /%032X\n>>\nstartxref\n0\n%%%%EOF\n", sec, sec, sec * 77, sec * 77,
	    sec * 99);
	return (size_t)n;
}

static void
test_fix_dates(void **state)
{
	unsigned char a[8192], b[8192], icc[ICC_LEN];
	size_t la = fake_pdf(a, sizeof(a), 8), lb = fake_pdf(b, sizeof(b), 15);
	const unsigned char *s;
	z_stream z = { 0 };

	assert_int_equal(la, lb);
	assert_memory_not_equal(a, b, la);
	rfp_pdf_fix_dates(a, la, 1700000000);	/* 2023-11-14 22:13:20 UTC */
	rfp_pdf_fix_dates(b, lb, 1700000000);
	assert_memory_equal(a, b, la);
	assert_non_null(memmem(a, la, "/CreationDate(D:20231114221320Z')", 33));
	assert_non_null(memmem(a, la, "<xmp:CreateDate>2023-11-14T22:13:20Z<", 37));
	assert_null(memmem(a, la, "2026", 4));
	/* The profile's stamp, in its stream, which kept its length. */
	s = memmem(a, la, "stream\n", 7);
	assert_non_null(s);
	s += 7;
	assert_int_equal(inflateInit(&z), Z_OK);
	z.next_in = (unsigned char *)s;
	z.avail_in = (unsigned)(la - (size_t)(s - a));
	z.next_out = icc;
	z.avail_out = sizeof(icc);
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	assert_int_equal(z.total_out, ICC_LEN);
	assert_memory_equal(s + z.total_in, "\nendstream", 10);
	inflateEnd(&z);
	assert_int_equal(icc[24] << 8 | icc[25], 2023);
	assert_int_equal(icc[27], 11);
	assert_int_equal(icc[29], 14);
	assert_int_equal(icc[31], 22);
	assert_int_equal(icc[33], 13);
	assert_int_equal(icc[35], 20);
	for (int i = 128; i < ICC_LEN; i++)
		assert_int_equal(icc[i], (unsigned char)(i * 7 + i / 13));
	/* Both identifiers the same digest, not the time's. */
	s = memmem(a, la, "/ID [ <", 7);
	assert_non_null(s);
	assert_memory_equal(s + 7, s + 7 + 32 + 3, 32);	/* <a>\n<b> */
	assert_memory_not_equal(s + 7, "00000000000000000000000000000000", 32);
}

static char dir[] = "/tmp/rfpgen-test-pdf-XXXXXX";

static void
script(const char *name, const char *body)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	assert_int_equal(chmod(path, 0755), 0);
}

static bool
empty_dir(const char *path)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "[ -z \"$(ls -A '%s')\" ]", path);
	return system(cmd) == 0;
}

static void
test_converter(void **state)
{
	static const unsigned char docx[] = "PK\3\4 not really a package";
	struct rfp_output doc = { (unsigned char *)docx, sizeof(docx) }, pdf = { 0 };
	struct capture cap = { .len = 0 };
	struct rfp_ctx *ctx = rfp_ctx_new();
	struct rfp_pdf *p = NULL;
	char tmp[128], prog[128];

	assert_non_null(mkdtemp(dir));
	snprintf(tmp, sizeof(tmp), "%s/tmp", dir);
	assert_int_equal(mkdir(tmp, 0700), 0);
	setenv("TMPDIR", tmp, 1);
	unsetenv("SOURCE_DATE_EPOCH");
	rfp_ctx_set_diag(ctx, capture_diag, &cap);

	/* No such program: unavailable, and said so. */
	snprintf(prog, sizeof(prog), "%s/nonexistent", dir);
	assert_int_equal(rfp_pdf_new(ctx, &(struct rfp_pdf_options){ .soffice = prog }, &p),
	    RFP_ERR_UNAVAILABLE);
	assert_null(p);
	assert_non_null(strstr(cap.text, "RFP-PDF-MISSING"));

	/* A stand-in that writes a PDF where LibreOffice would, after
	 * checking how it was called. */
	script("ok", "for a; do last=$a; done\n"
	    "case \"$*\" in *-env:UserInstallation=file:///*--headless*--convert-to\\ pdf:writer_pdf_Export:*'\"value\":\"2\"'*--outdir*) ;; *) exit 3 ;; esac\n"
	    "[ -s \"$last\" ] || exit 4\n"
	    "out=$(dirname \"$last\")/pdf\n"
	    "printf '%%PDF-1.6 stand-in\\n' >\"$out/annex.pdf\"");
	snprintf(prog, sizeof(prog), "%s/ok", dir);
	assert_int_equal(rfp_pdf_new(ctx, &(struct rfp_pdf_options){ .soffice = prog }, &p), RFP_OK);
	assert_int_equal(rfp_pdf_convert(p, ctx, &doc, RFP_FORMAT_DOCX, &pdf), RFP_OK);
	assert_int_equal(pdf.len, strlen("%PDF-1.6 stand-in\n"));
	assert_memory_equal(pdf.data, "%PDF-1.6 stand-in\n", pdf.len);
	rfp_output_fini(&pdf);
	/* Again, on the warm profile. */
	assert_int_equal(rfp_pdf_convert(p, ctx, &doc, RFP_FORMAT_ODT, &pdf), RFP_OK);
	rfp_output_fini(&pdf);
	rfp_pdf_free(p);
	assert_true(empty_dir(tmp));

	/* One that exits 0 and writes nothing, as soffice does on a file it
	 * cannot load: its words are the message. */
	script("lazy", "echo 'Error: source file could not be loaded'");
	snprintf(prog, sizeof(prog), "%s/lazy", dir);
	cap.len = 0;
	cap.text[0] = '\0';
	assert_int_equal(rfp_pdf_new(ctx, &(struct rfp_pdf_options){ .soffice = prog }, &p), RFP_OK);
	assert_int_equal(rfp_pdf_convert(p, ctx, &doc, RFP_FORMAT_DOCX, &pdf), RFP_ERR_IO);
	assert_null(pdf.data);
	assert_non_null(strstr(cap.text, "RFP-PDF-CONVERT"));
	assert_non_null(strstr(cap.text, "could not be loaded"));
	rfp_pdf_free(p);

	/* One that outlasts the timeout: killed, with its process group. */
	script("slow", "sleep 30");
	snprintf(prog, sizeof(prog), "%s/slow", dir);
	cap.len = 0;
	assert_int_equal(rfp_pdf_new(ctx, &(struct rfp_pdf_options){ .soffice = prog,
	    .timeout_ms = 300 }, &p), RFP_OK);
	assert_int_equal(rfp_pdf_convert(p, ctx, &doc, RFP_FORMAT_DOCX, &pdf), RFP_ERR_LIMIT);
	assert_non_null(strstr(cap.text, "RFP-PDF-TIMEOUT"));
	rfp_pdf_free(p);
	assert_true(empty_dir(tmp));

	rfp_ctx_free(ctx);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		assert_int_equal(system(cmd), 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_standard_parse),
		cmocka_unit_test(test_fix_dates),
		cmocka_unit_test(test_converter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
