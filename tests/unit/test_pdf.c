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

/* A profile's body: runs that each level of compression finds otherwise. */
static unsigned char
body(int i, int sec)
{
	return (unsigned char)((i % 37 < 20 ? (unsigned)i % 11 : ((unsigned)i * 2654435761u) >> 24) + (unsigned)(i % 97 ? 0 : sec));
}

/* Appends the cross-reference table of the objects whose offsets are in
 * off (objects 1..n), the trailer and startxref. */
static size_t
xref_tail(unsigned char *out, size_t cap, size_t at, const size_t *off, int n, int sec,
    const char *extra)
{
	size_t xref = at;

	at += (size_t)snprintf((char *)out + at, cap - at, "xref\n0 %d\n0000000000 65535 f \n", n + 1);
	for (int i = 0; i < n; i++)
		at += (size_t)snprintf((char *)out + at, cap - at, "%010zu 00000 n \n", off[i]);
	at += (size_t)snprintf((char *)out + at, cap - at,
	    "trailer\n<</Size %d/Info 4 0 R%s\n/ID [ <%032X>\n<%032X> ]\n"
	    "/DocChecksum /%032X\n>>\nstartxref\n%zu\n%%%%EOF\n", n + 1, extra, sec * 77, sec * 77,
	    sec * 99, xref);
	return at;
}

/*
 * A PDF as LibreOffice writes one at time sec (seconds of a minute): its
 * dates, an ICC profile stamped with it in a Flate stream compressed at
 * level, its length in an object after it, identifiers, a table.
 */
static size_t
fake_pdf(unsigned char *out, size_t cap, int sec, int level, const char *extra)
{
	unsigned char icc[ICC_LEN] = { 0 }, z[2 * ICC_LEN];
	uLongf zlen = sizeof(z);
	size_t off[4], n;

	icc[2] = ICC_LEN >> 8;
	memcpy(icc + 36, "acsp", 4);
	/* 2026-12-03 06:14:sec */
	icc[24] = 0x07, icc[25] = 0xea, icc[27] = 12, icc[29] = 3, icc[31] = 6, icc[33] = 14;
	icc[35] = (unsigned char)sec;
	for (int i = 128; i < ICC_LEN; i++)
		icc[i] = body(i, sec);
	assert_int_equal(compress2(z, &zlen, icc, sizeof(icc), level), Z_OK);
	n = (size_t)snprintf((char *)out, cap, "%%PDF-1.6\n");
	off[0] = n;
	n += (size_t)snprintf((char *)out + n, cap - n,
	    "1 0 obj\n<</N 3/Length 2 0 R/Filter/FlateDecode>>\nstream\n");
	memcpy(out + n, z, zlen);
	n += zlen;
	n += (size_t)snprintf((char *)out + n, cap - n, "\nendstream\nendobj\n");
	off[1] = n;
	n += (size_t)snprintf((char *)out + n, cap - n, "2 0 obj\n%lu\nendobj\n", (unsigned long)zlen);
	off[2] = n;
	n += (size_t)snprintf((char *)out + n, cap - n,
	    "3 0 obj\n<</Type/Metadata>>\nstream\n"
	    "<xmp:CreateDate>2026-12-03T06:14:%02dZ</xmp:CreateDate>\nendstream\nendobj\n", sec);
	off[3] = n;
	n += (size_t)snprintf((char *)out + n, cap - n,
	    "4 0 obj\n<</Producer(LibreOffice 7.4)/CreationDate(D:202612030614%02dZ')>>\nendobj\n",
	    sec);
	return xref_tail(out, cap, n, off, 4, sec, extra);
}

/* Every offset of the table points at its object, startxref at the table,
 * and the profile's /Length is its stream's. */
static void
assert_table(const unsigned char *p, size_t len)
{
	const unsigned char *s = memmem(p, len, "startxref\n", 10), *e;
	unsigned long xref, off, length;
	char want[32];
	int n;

	assert_non_null(s);
	xref = strtoul((const char *)s + 10, NULL, 10);
	assert_true(xref < len);
	assert_memory_equal(p + xref, "xref\n0 ", 7);
	n = atoi((const char *)p + xref + 7);
	assert_int_equal(n, 5);
	e = (const unsigned char *)memchr(p + xref + 7, '\n', len - xref - 7) + 1 + 20;
	for (int i = 1; i < n; i++, e += 20) {
		off = strtoul((const char *)e, NULL, 10);
		snprintf(want, sizeof(want), "%d 0 obj\n", i);
		assert_true(off < len);
		assert_memory_equal(p + off, want, strlen(want));
		if (i == 2) {
			const unsigned char *d = (const unsigned char *)memmem(p, len, "stream\n", 7) + 7;

			length = strtoul((const char *)p + off + strlen(want), NULL, 10);
			assert_memory_equal(d + length, "\nendstream", 10);
		}
	}
}

static void
inflate_icc(const unsigned char *p, size_t len, unsigned char icc[ICC_LEN])
{
	const unsigned char *s = memmem(p, len, "stream\n", 7);
	z_stream z = { 0 };

	assert_non_null(s);
	s += 7;
	assert_int_equal(inflateInit(&z), Z_OK);
	z.next_in = (unsigned char *)s;
	z.avail_in = (unsigned)(len - (size_t)(s - p));
	z.next_out = icc;
	z.avail_out = ICC_LEN;
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	assert_int_equal(z.total_out, ICC_LEN);
	assert_memory_equal(s + z.total_in, "\nendstream", 10);
	inflateEnd(&z);
}

static unsigned char *
copy(const unsigned char *p, size_t n)
{
	unsigned char *c = malloc(n);

	assert_non_null(c);
	memcpy(c, p, n);
	return c;
}

static void
test_fix_dates(void **state)
{
	unsigned char fa[8192], fb[8192], icc[ICC_LEN], *a, *b;
	/* Another time and another compression: streams of other lengths, as
	 * LibreOffice's own are from one second to the next. */
	size_t la = fake_pdf(fa, sizeof(fa), 8, 6, ""), lb = fake_pdf(fb, sizeof(fb), 15, 1, "");
	const unsigned char *s;

	assert_int_not_equal(la, lb);
	assert_table(fa, la);
	assert_table(fb, lb);
	a = copy(fa, la);
	b = copy(fb, lb);
	assert_int_equal(rfp_pdf_fix_dates(&a, &la, 1700000000), RFP_PDF_FIXED);	/* 2023-11-14 22:13:20 UTC */
	assert_int_equal(rfp_pdf_fix_dates(&b, &lb, 1700000000), RFP_PDF_FIXED);
	/* Only the time differed: the same bytes. */
	inflate_icc(a, la, icc);
	inflate_icc(b, lb, fb);
	assert_int_equal(icc[24] << 8 | icc[25], 2023);
	assert_int_equal(icc[27], 11);
	assert_int_equal(icc[29], 14);
	assert_int_equal(icc[31], 22);
	assert_int_equal(icc[33], 13);
	assert_int_equal(icc[35], 20);
	for (int i = 128; i < ICC_LEN; i++)
		assert_int_equal(icc[i], body(i, 8));
	assert_table(a, la);
	assert_table(b, lb);
	assert_non_null(memmem(a, la, "/CreationDate(D:20231114221320Z')", 33));
	assert_non_null(memmem(a, la, "<xmp:CreateDate>2023-11-14T22:13:20Z<", 37));
	assert_null(memmem(a, la, "2026", 4));
	/* Both identifiers the same digest, not the time's. */
	s = memmem(a, la, "/ID [ <", 7);
	assert_non_null(s);
	assert_memory_equal(s + 7, s + 7 + 32 + 3, 32);	/* <a>\n<b> */
	assert_memory_not_equal(s + 7, "00000000000000000000000000000000", 32);
	free(a);
	free(b);

	/* The same time and content, other compressions: the same bytes. */
	la = fake_pdf(fa, sizeof(fa), 8, 6, "");
	lb = fake_pdf(fb, sizeof(fb), 8, 1, "");
	assert_int_not_equal(la, lb);
	a = copy(fa, la);
	b = copy(fb, lb);
	assert_int_equal(rfp_pdf_fix_dates(&a, &la, 1700000000), RFP_PDF_FIXED);
	assert_int_equal(rfp_pdf_fix_dates(&b, &lb, 1700000000), RFP_PDF_FIXED);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	free(a);
	free(b);

	/* An incremental update is not LibreOffice's: the profile is left as
	 * it was, its table too, and the caller told; the dates still change. */
	la = fake_pdf(fa, sizeof(fa), 8, 6, "/Prev 9");
	a = copy(fa, la);
	assert_int_equal(rfp_pdf_fix_dates(&a, &la, 1700000000), RFP_PDF_FIX_PARTIAL);
	inflate_icc(a, la, icc);
	assert_int_equal(icc[24] << 8 | icc[25], 2026);
	assert_non_null(memmem(a, la, "/CreationDate(D:20231114221320Z')", 33));
	assert_table(a, la);
	free(a);
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
