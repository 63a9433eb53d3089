/* SPDX-License-Identifier: MIT */
/*
 * Portfolio sheets: the CSV reader (quoting, line numbers, encodings,
 * limits) and the workbook reader (XLSX and ODS saved by LibreOffice from
 * the same CSV, sheet selection, repeat counts, damaged packages).
 */
#include "testutil.h"

#include <stdint.h>

#include "pkg/pkg.h"
#include "portfolio/sheet.h"

TEST_TMPDIR("/tmp/rfp-test-portfolio-XXXXXX")

/* Writes len bytes to a file in the test directory; returns its path. */
static const char *
write_tmp(const char *name, const void *data, size_t len)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* Reads the CSV text s (written to a file first) with the given encoding. */
static enum rfp_status
read_csv_text(struct rfp_ctx *ctx, const char *s, size_t len, const char *encoding,
    struct rfp_sheet *sh)
{
	return rfp_sheet_read_csv(ctx, write_tmp("t.csv", s, len), encoding, sh);
}

#define CSV(ctx, lit, enc, sh) read_csv_text((ctx), (lit), sizeof(lit) - 1, (enc), (sh))

/* Asserts that row i starts at line and holds exactly the cells given. */
static void
expect_row(const struct rfp_sheet *sh, size_t i, unsigned line, const char *const *cells)
{
	size_t n = 0;

	assert_true(i < sh->nrows);
	assert_int_equal(sh->rows[i].line, line);
	while (cells[n])
		n++;
	assert_int_equal(sh->rows[i].ncells, n);
	for (size_t j = 0; j < n; j++)
		assert_string_equal(sh->rows[i].cells[j], cells[j]);
}

#define ROW(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define EMPTY_ROW ((const char *const[]){ NULL })

static void
expect_diag(const struct capture *cap, const char *needle)
{
	if (!strstr(cap->text, needle))
		fail_msg("diagnostics lack \"%s\":\n%s", needle, cap->text);
}

/* ---- CSV ------------------------------------------------------------- */

static void
test_csv_quotes(void **state)
{
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);
	struct rfp_sheet sh = { 0 };

	assert_int_equal(CSV(ctx, "id,name,note\n"
	    "1,\"b,c\",\"say \"\"hi\"\"\"\n"
	    "2,\"\",plain \"quote\" kept\n", NULL, &sh), RFP_OK);
	assert_int_equal(sh.nrows, 3);
	expect_row(&sh, 0, 1, ROW("id", "name", "note"));
	expect_row(&sh, 1, 2, ROW("1", "b,c", "say \"hi\""));
	expect_row(&sh, 2, 3, ROW("2", "", "plain \"quote\" kept"));
	assert_string_equal(sh.encoding, "UTF-8");
	assert_int_equal(cap.len, 0);
	rfp_sheet_fini(&sh);
	rfp_ctx_free(ctx);
}

/* A record's line is where it starts, also after fields spanning lines;
 * CRLF inside quotes becomes LF; the last line needs no newline. */
static void
test_csv_newlines(void **state)
{
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);
	struct rfp_sheet sh = { 0 };

	assert_int_equal(CSV(ctx, "h1,h2\n"
	    "1,\"x\ny\"\n"
	    "2,\"p\r\nq\r\nr\"\r\n"
	    "3,\"a,\nb\",c\n"
	    "4,z", NULL, &sh), RFP_OK);
	assert_int_equal(sh.nrows, 5);
	expect_row(&sh, 0, 1, ROW("h1", "h2"));
	expect_row(&sh, 1, 2, ROW("1", "x\ny"));
	expect_row(&sh, 2, 4, ROW("2", "p\nq\nr"));
	expect_row(&sh, 3, 7, ROW("3", "a,\nb", "c"));
	expect_row(&sh, 4, 9, ROW("4", "z"));
	rfp_sheet_fini(&sh);
	rfp_ctx_free(ctx);
}

/* A UTF-8 BOM is dropped, CRLF line ends work, empty lines are skipped but
 * still counted. */
static void
test_csv_bom_crlf(void **state)
{
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);
	struct rfp_sheet sh = { 0 };

	assert_int_equal(CSV(ctx, "\xEF\xBB\xBF系統名稱,等級\r\n\r\n人事系統,高\r\n\n\r\n公文系統,中\r\n",
	    NULL, &sh), RFP_OK);
	assert_int_equal(sh.nrows, 3);
	expect_row(&sh, 0, 1, ROW("系統名稱", "等級"));
	expect_row(&sh, 1, 3, ROW("人事系統", "高"));
	expect_row(&sh, 2, 6, ROW("公文系統", "中"));
	assert_string_equal(sh.encoding, "UTF-8");
	rfp_sheet_fini(&sh);

	/* An empty file is an empty sheet. */
	assert_int_equal(read_csv_text(ctx, "", 0, NULL, &sh), RFP_OK);
	assert_int_equal(sh.nrows, 0);
	assert_string_equal(sh.encoding, "UTF-8");
	rfp_sheet_fini(&sh);
	rfp_ctx_free(ctx);
}

/* cp950.csv holds "系統名稱,等級\r\n人事系統,高\r\n" in CP950 bytes. */
static void
test_csv_cp950(void **state)
{
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);
	struct rfp_sheet sh = { 0 };
	const char *path = SRC("tests/data/portfolio/cp950.csv");

	assert_int_equal(rfp_sheet_read_csv(ctx, path, NULL, &sh), RFP_OK);
	assert_string_equal(sh.encoding, "CP950");
	assert_int_equal(sh.nrows, 2);
	expect_row(&sh, 0, 1, ROW("系統名稱", "等級"));
	expect_row(&sh, 1, 2, ROW("人事系統", "高"));
	rfp_sheet_fini(&sh);

	/* Forced, in any case. */
	assert_int_equal(rfp_sheet_read_csv(ctx, path, "cp950", &sh), RFP_OK);
	assert_string_equal(sh.encoding, "CP950");
	expect_row(&sh, 1, 2, ROW("人事系統", "高"));
	rfp_sheet_fini(&sh);
	assert_int_equal(rfp_sheet_read_csv(ctx, path, "Big5", &sh), RFP_OK);
	assert_string_equal(sh.encoding, "BIG5");
	expect_row(&sh, 0, 1, ROW("系統名稱", "等級"));
	rfp_sheet_fini(&sh);
	assert_int_equal(cap.len, 0);
	rfp_ctx_free(ctx);
}

static void
test_csv_forced_encoding(void **state)
{
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);
	struct rfp_sheet sh = { 0 };

	/* UTF-8 forced on CP950 bytes: the first byte of 系 (0xA8) fails. */
	assert_int_equal(rfp_sheet_read_csv(ctx, SRC("tests/data/portfolio/cp950.csv"),
	    "utf8", &sh), RFP_ERR_INVALID);
	expect_diag(&cap, "RFP-CSV-ENCODING");
	expect_diag(&cap, "row 1, column 1: byte 0xA8 (line 1, byte 1 of the line) is not valid UTF-8");
	assert_null(sh.rows);

	/* UTF-8 text forced as UTF-8 is read as it is. */
	assert_int_equal(CSV(ctx, "資安,高\n", "UTF-8", &sh), RFP_OK);
	expect_row(&sh, 0, 1, ROW("資安", "高"));
	rfp_sheet_fini(&sh);

	memset(&cap, 0, sizeof(cap));
	assert_int_equal(CSV(ctx, "a\n", "latin1", &sh), RFP_ERR_USAGE);
	expect_diag(&cap, "unknown CSV encoding \"latin1\"");
	assert_null(sh.rows);
	rfp_ctx_free(ctx);
}

/* Bytes that are neither UTF-8 nor CP950: the message names the row and
 * column, and the line and byte in the original file. */
static void
test_csv_undecodable(void **state)
{
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);
	struct rfp_sheet sh = { 0 };

	/* 0xA8 0x74 is 系 in CP950 (so the file is not UTF-8); 0xFF is in
	 * neither encoding. */
	assert_int_equal(CSV(ctx, "\xA8\x74,b\na,b\nc,dd\xFFx\n", NULL, &sh), RFP_ERR_INVALID);
	expect_diag(&cap, "RFP-CSV-ENCODING");
	expect_diag(&cap, "row 3, column 2: byte 0xFF (line 3, byte 5 of the line) is not valid UTF-8 or CP950");
	expect_diag(&cap, "t.csv:3: ");
	assert_null(sh.rows);

	/* Inside a field spanning lines, the row is where the record starts
	 * and the line is where the byte is. */
	memset(&cap, 0, sizeof(cap));
	assert_int_equal(CSV(ctx, "h\n\"x\ny\xFF\"\n", "UTF-8", &sh), RFP_ERR_INVALID);
	expect_diag(&cap, "row 2, column 1: byte 0xFF (line 3, byte 2 of the line) is not valid UTF-8");
	expect_diag(&cap, "t.csv:3: ");

	/* A CP950 lead byte cut off by the end of its field. */
	memset(&cap, 0, sizeof(cap));
	assert_int_equal(CSV(ctx, "\xA8\x74,\xA8\n", "CP950", &sh), RFP_ERR_INVALID);
	expect_diag(&cap, "row 1, column 2: byte 0xA8 (line 1, byte 4 of the line) is not valid CP950");
	rfp_ctx_free(ctx);
}

static void
test_csv_unterminated_quote(void **state)
{
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);
	struct rfp_sheet sh = { 0 };

	assert_int_equal(CSV(ctx, "a,b\nc,\"never closed\nmore,text\n", NULL, &sh),
	    RFP_ERR_INVALID);
	expect_diag(&cap, "RFP-CSV-QUOTE");
	expect_diag(&cap, "t.csv:2: row 2, column 2: the quoted field that starts here is never closed");
	assert_null(sh.rows);

	memset(&cap, 0, sizeof(cap));
	assert_int_equal(CSV(ctx, "\"a\"b,c\n", NULL, &sh), RFP_ERR_INVALID);
	expect_diag(&cap, "row 1, column 1: text follows the closing quote of a field");
	rfp_ctx_free(ctx);
}

/* Rows keep the number of fields they have. */
static void
test_csv_ragged(void **state)
{
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);
	struct rfp_sheet sh = { 0 };

	assert_int_equal(CSV(ctx, "a,b,c\n1\n1,2,3,4\n,\nx,\n", NULL, &sh), RFP_OK);
	assert_int_equal(sh.nrows, 5);
	expect_row(&sh, 0, 1, ROW("a", "b", "c"));
	expect_row(&sh, 1, 2, ROW("1"));
	expect_row(&sh, 2, 3, ROW("1", "2", "3", "4"));
	expect_row(&sh, 3, 4, ROW("", ""));
	expect_row(&sh, 4, 5, ROW("x", ""));
	rfp_sheet_fini(&sh);
	rfp_ctx_free(ctx);
}

/* TAB is fine; other C0 controls cannot go into a document. */
static void
test_csv_control_char(void **state)
{
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);
	struct rfp_sheet sh = { 0 };

	assert_int_equal(CSV(ctx, "a,b\tc\n", NULL, &sh), RFP_OK);
	expect_row(&sh, 0, 1, ROW("a", "b\tc"));
	rfp_sheet_fini(&sh);

	/* The row fails, the file is still read. */
	assert_int_equal(CSV(ctx, "a,b\nc,\"d\n\x01" "e\"\nf,g\n", NULL, &sh), RFP_OK);
	assert_int_equal(sh.nrows, 3);
	assert_null(sh.rows[0].error);
	assert_string_equal(sh.rows[1].error,
	    "column 2 (line 3): character U+0001 is not allowed in a document [RFP-CSV-CHAR]");
	assert_string_equal(sh.rows[1].cells[1], "");
	assert_null(sh.rows[2].error);
	rfp_sheet_fini(&sh);
	rfp_ctx_free(ctx);
}

static void
test_csv_field_limit(void **state)
{
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);
	struct rfp_sheet sh = { 0 };

	rfp_ctx_limits(ctx)->max_field_bytes = 8;
	assert_int_equal(CSV(ctx, "short,12345678\n", NULL, &sh), RFP_OK);
	expect_row(&sh, 0, 1, ROW("short", "12345678"));
	rfp_sheet_fini(&sh);

	assert_int_equal(CSV(ctx, "short,12345678\nabc,123456789\n", NULL, &sh), RFP_OK);
	assert_non_null(strstr(sh.rows[1].error,
	    "column 2: the cell is longer than the limit of 8 bytes"));
	assert_non_null(strstr(sh.rows[1].error, "RFP-LIMIT-FIELD"));
	rfp_sheet_fini(&sh);

	/* The limit applies to the decoded text: 3 CP950 characters are 6
	 * bytes in the file and 9 in UTF-8. */
	memset(&cap, 0, sizeof(cap));
	assert_int_equal(CSV(ctx, "\xA8\x74\xB2\xCE\xA6\x57\n", "CP950", &sh), RFP_OK);
	assert_non_null(strstr(sh.rows[0].error, "column 1: the cell is longer than the limit of 8 bytes"));
	rfp_sheet_fini(&sh);
	rfp_ctx_free(ctx);
}

static void
test_csv_row_limit(void **state)
{
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);
	struct rfp_sheet sh = { 0 };

	rfp_ctx_limits(ctx)->max_rows = 3;
	assert_int_equal(CSV(ctx, "h\n1\n\n\n2\n", NULL, &sh), RFP_OK);
	assert_int_equal(sh.nrows, 3);
	expect_row(&sh, 2, 5, ROW("2"));
	rfp_sheet_fini(&sh);

	assert_int_equal(CSV(ctx, "h\n1\n2\n3\n", NULL, &sh), RFP_ERR_LIMIT);
	expect_diag(&cap, "RFP-LIMIT-ROWS");
	expect_diag(&cap, "t.csv:4: row 4: the sheet has more than 3 rows");
	assert_null(sh.rows);
	rfp_ctx_free(ctx);
}

static void
test_csv_missing_file(void **state)
{
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);
	struct rfp_sheet sh = { 0 };

	assert_int_equal(rfp_sheet_read_csv(ctx, SRC("tests/data/portfolio/nope.csv"), NULL, &sh),
	    RFP_ERR_IO);
	expect_diag(&cap, "RFP-IO-READ");
	expect_diag(&cap, "nope.csv");
	assert_null(sh.encoding);
	rfp_ctx_free(ctx);
}

/* ---- Workbooks ------------------------------------------------------- */

/* sample.xlsx and sample.ods were saved by LibreOffice from sample.csv:
 * the cells must be the same, commas, quotes and newlines included. */
static void
test_workbook_matches_csv(void **state)
{
	static const char *const books[] = {
		"tests/data/portfolio/sample.xlsx", "tests/data/portfolio/sample.ods",
	};
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);
	struct rfp_sheet csv = { 0 }, sh = { 0 };

	assert_int_equal(rfp_sheet_read_csv(ctx, SRC("tests/data/portfolio/sample.csv"), NULL,
	    &csv), RFP_OK);
	assert_int_equal(csv.nrows, 11);
	expect_row(&csv, 0, 1, ROW("系統編號", "系統名稱", "機關", "案名", "委外類型", "防護需求等級"));
	expect_row(&csv, 3, 4, ROW("SYS-003", "財務會計\n暨預算系統", "財政部", "財會系統建置案",
	    "系統發展", "高"));
	expect_row(&csv, 8, 10, ROW("SYS-008", "地理資訊\n圖資服務\n平台", "經濟部",
	    "圖資平台, 第一階段", "雲端服務", "中"));
	expect_row(&csv, 10, 14, ROW("SYS-010", "健保申報系統", "衛生福利部", "健保申報系統汰換案",
	    "系統發展", "高"));
	for (size_t b = 0; b < sizeof(books) / sizeof(*books); b++) {
		assert_int_equal(rfp_sheet_read_workbook(ctx, SRC(books[b]), NULL, &sh), RFP_OK);
		assert_string_equal(sh.encoding, "UTF-8");
		assert_int_equal(sh.nrows, csv.nrows);
		for (size_t i = 0; i < sh.nrows; i++) {
			assert_int_equal(sh.rows[i].line, i + 1);
			assert_int_equal(sh.rows[i].ncells, csv.rows[i].ncells);
			for (size_t j = 0; j < sh.rows[i].ncells; j++)
				assert_string_equal(sh.rows[i].cells[j], csv.rows[i].cells[j]);
		}
		/* LibreOffice stores this one as rich text in the XLSX. */
		assert_string_equal(sh.rows[2].cells[3], "公文系統擴充,含行動版");
		assert_string_equal(sh.rows[6].cells[3], "資安訓練,含\"社交工程演練\"");
		rfp_sheet_fini(&sh);
	}
	assert_int_equal(cap.len, 0);
	rfp_sheet_fini(&csv);
	rfp_ctx_free(ctx);
}

/* two-sheets.{ods,xlsx} were made by LibreOffice from two-sheets.fods. */
static void
test_workbook_sheets(void **state)
{
	static const char *const books[] = {
		"tests/data/portfolio/two-sheets.xlsx", "tests/data/portfolio/two-sheets.ods",
	};
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);
	struct rfp_sheet sh = { 0 };

	for (size_t b = 0; b < sizeof(books) / sizeof(*books); b++) {
		assert_int_equal(rfp_sheet_read_workbook(ctx, SRC(books[b]), NULL, &sh), RFP_OK);
		assert_int_equal(sh.nrows, 2);
		expect_row(&sh, 0, 1, ROW("本活頁簿列出委外系統"));
		expect_row(&sh, 1, 2, ROW("第二個工作表是清冊"));
		rfp_sheet_fini(&sh);

		/* The empty row 3 stays (row numbers are what users see);
		 * numbers are the text stored; two paragraphs are two lines. */
		assert_int_equal(rfp_sheet_read_workbook(ctx, SRC(books[b]), "系統清冊", &sh),
		    RFP_OK);
		assert_int_equal(sh.nrows, 4);
		expect_row(&sh, 0, 1, ROW("系統名稱", "等級", "數量", "備註"));
		expect_row(&sh, 1, 2, ROW("人事系統", "高", "3", "第一行\n第二行  空格"));
		expect_row(&sh, 2, 3, EMPTY_ROW);
		expect_row(&sh, 3, 4, ROW("公文系統", "", "12", "a,b"));
		rfp_sheet_fini(&sh);
	}
	assert_int_equal(cap.len, 0);
	rfp_ctx_free(ctx);
}

static void
test_workbook_unknown_sheet(void **state)
{
	static const char *const books[] = {
		"tests/data/portfolio/two-sheets.xlsx", "tests/data/portfolio/two-sheets.ods",
	};
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);
	struct rfp_sheet sh = { 0 };

	for (size_t b = 0; b < sizeof(books) / sizeof(*books); b++) {
		memset(&cap, 0, sizeof(cap));
		assert_int_equal(rfp_sheet_read_workbook(ctx, SRC(books[b]), "清冊", &sh),
		    RFP_ERR_INVALID);
		expect_diag(&cap, "RFP-SHEET-MISSING");
		expect_diag(&cap, "no sheet is named \"清冊\"; the workbook has \"說明\", \"系統清冊\"");
		assert_null(sh.rows);
	}
	rfp_ctx_free(ctx);
}

/* Builds a zip package from name/content pairs (NULL-terminated). */
static const char *
write_pkg(struct rfp_ctx *ctx, const char *file, const char *const *parts)
{
	struct rfp_pkg_writer *w = rfp_pkg_writer_new(1700000000, 0);
	unsigned char *bytes;
	const char *path;
	size_t len;

	assert_non_null(w);
	for (size_t i = 0; parts[i]; i += 2)
		assert_int_equal(rfp_pkg_writer_add(w, parts[i], parts[i + 1],
		    strlen(parts[i + 1]), i == 0), RFP_OK);
	assert_int_equal(rfp_pkg_writer_finish(w, &bytes, &len), RFP_OK);
	rfp_pkg_writer_free(w);
	path = write_tmp(file, bytes, len);
	free(bytes);
	return path;
}

static void
test_workbook_not_a_workbook(void **state)
{
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);
	struct rfp_sheet sh = { 0 };
	const char *path;

	path = write_pkg(ctx, "doc.xlsx", (const char *const[]){
	    "mimetype", "application/vnd.oasis.opendocument.text",
	    "content.xml", "<office:document-content/>", NULL });
	assert_int_equal(rfp_sheet_read_workbook(ctx, path, NULL, &sh), RFP_ERR_INVALID);
	expect_diag(&cap, "RFP-SHEET-KIND");
	expect_diag(&cap, "neither an XLSX workbook");
	assert_null(sh.rows);

	memset(&cap, 0, sizeof(cap));
	assert_int_equal(rfp_sheet_read_workbook(ctx, SRC("tests/data/portfolio/sample.csv"),
	    NULL, &sh), RFP_ERR_ZIP);
	expect_diag(&cap, "cannot open as a zip package");

	memset(&cap, 0, sizeof(cap));
	assert_int_equal(rfp_sheet_read_workbook(ctx, SRC("tests/data/portfolio/nope.xlsx"),
	    NULL, &sh), RFP_ERR_IO);
	expect_diag(&cap, "RFP-IO-READ");
	rfp_ctx_free(ctx);
}

#define ODS_HEAD "<?xml version=\"1.0\"?>" \
	"<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\"" \
	" xmlns:t=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\"" \
	" xmlns:x=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">" \
	"<office:body><office:spreadsheet><t:table t:name=\"S\">"
#define ODS_TAIL "</t:table></office:spreadsheet></office:body></office:document-content>"

static const char *
write_ods(struct rfp_ctx *ctx, const char *content)
{
	return write_pkg(ctx, "t.ods", (const char *const[]){
	    "mimetype", "application/vnd.oasis.opendocument.spreadsheet",
	    "content.xml", content, NULL });
}

/* Repeat counts the way LibreOffice writes them: empty runs are never
 * stored, repeated text is; prefixes are taken from namespaces. */
static void
test_ods_repeats(void **state)
{
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);
	struct rfp_sheet sh = { 0 };
	const char *path;

	path = write_ods(ctx, ODS_HEAD
	    "<t:table-header-rows><t:table-row>"
	    "<t:table-cell><x:p>a</x:p></t:table-cell>"
	    "<t:table-cell t:number-columns-repeated=\"3\"/>"
	    "<t:covered-table-cell><x:p>b</x:p></t:covered-table-cell>"
	    "<t:table-cell t:number-columns-repeated=\"16384\"/>"
	    "</t:table-row></t:table-header-rows>"
	    "<t:table-row><t:table-cell><x:p>x<x:s x:c=\"3\"/>y<x:s/>"
	    "<x:span>z</x:span><x:line-break/>w<x:tab/>v</x:p>"
	    "<office:annotation><x:p>not shown</x:p></office:annotation>"
	    "<x:p/></t:table-cell></t:table-row>"
	    "<t:table-row t:number-rows-repeated=\"2\">"
	    "<t:table-cell t:number-columns-repeated=\"2\"><x:p>r</x:p></t:table-cell>"
	    "<t:table-cell t:number-columns-repeated=\"1020\"/></t:table-row>"
	    "<t:table-row t:number-rows-repeated=\"1048571\">"
	    "<t:table-cell t:number-columns-repeated=\"16384\"/></t:table-row>"
	    ODS_TAIL);
	assert_int_equal(rfp_sheet_read_workbook(ctx, path, NULL, &sh), RFP_OK);
	assert_int_equal(sh.nrows, 4);
	expect_row(&sh, 0, 1, ROW("a", "", "", "", "b"));
	expect_row(&sh, 1, 2, ROW("x   y z\nw\tv\n"));
	expect_row(&sh, 2, 3, ROW("r", "r"));
	expect_row(&sh, 3, 4, ROW("r", "r"));
	rfp_sheet_fini(&sh);
	assert_int_equal(cap.len, 0);

	/* Repeated text past the row limit is an error, not a huge sheet. */
	path = write_ods(ctx, ODS_HEAD
	    "<t:table-row><t:table-cell><x:p>h</x:p></t:table-cell></t:table-row>"
	    "<t:table-row t:number-rows-repeated=\"1048575\">"
	    "<t:table-cell><x:p>same</x:p></t:table-cell></t:table-row>"
	    ODS_TAIL);
	assert_int_equal(rfp_sheet_read_workbook(ctx, path, NULL, &sh), RFP_ERR_LIMIT);
	expect_diag(&cap, "RFP-LIMIT-ROWS");
	expect_diag(&cap, "t.ods|content.xml:100001: row 100001: the sheet has more than 100000 rows");
	assert_null(sh.rows);

	/* So is a cell repeated beyond what the sheet may take in memory
	 * (the budget follows the file size limit). */
	memset(&cap, 0, sizeof(cap));
	rfp_ctx_limits(ctx)->max_file_bytes = 1u << 20;
	path = write_ods(ctx, ODS_HEAD
	    "<t:table-row><t:table-cell t:number-columns-repeated=\"1000000000\">"
	    "<x:p>same</x:p></t:table-cell></t:table-row>"
	    ODS_TAIL);
	assert_int_equal(rfp_sheet_read_workbook(ctx, path, NULL, &sh), RFP_ERR_LIMIT);
	expect_diag(&cap, "RFP-LIMIT-SHEET");
	assert_null(sh.rows);

	/* And a cell longer than the field limit, even through text:s. */
	memset(&cap, 0, sizeof(cap));
	rfp_ctx_limits(ctx)->max_field_bytes = 16;
	path = write_ods(ctx, ODS_HEAD
	    "<t:table-row><t:table-cell><x:p>ok</x:p></t:table-cell>"
	    "<t:table-cell><x:p>a<x:s x:c=\"4000000000\"/></x:p></t:table-cell></t:table-row>"
	    ODS_TAIL);
	assert_int_equal(rfp_sheet_read_workbook(ctx, path, NULL, &sh), RFP_ERR_LIMIT);
	expect_diag(&cap, "RFP-LIMIT-FIELD");
	expect_diag(&cap, "row 1, column 2: the cell is longer than the limit of 16 bytes");
	rfp_ctx_free(ctx);
}

/* Numbers are read by their value, as XLSX holds them: Calc shows
 * 12,000,000 or NT$12,000,000, the cell says office:value="12000000". */
static void
test_ods_values(void **state)
{
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);
	struct rfp_sheet sh = { 0 };
	const char *path;

	path = write_ods(ctx, ODS_HEAD
	    "<t:table-row><t:table-cell office:value-type=\"float\" office:value=\"12000000\">"
	    "<x:p>12,000,000</x:p></t:table-cell>"
	    "<t:table-cell office:value-type=\"currency\" office:currency=\"TWD\" office:value=\"10000000\">"
	    "<x:p>NT$10,000,000</x:p></t:table-cell>"
	    "<t:table-cell office:value-type=\"string\"><x:p>12,000,000</x:p></t:table-cell>"
	    "</t:table-row>" ODS_TAIL);
	assert_int_equal(rfp_sheet_read_workbook(ctx, path, NULL, &sh), RFP_OK);
	expect_row(&sh, 0, 1, ROW("12000000", "10000000", "12,000,000"));
	rfp_sheet_fini(&sh);
	rfp_ctx_free(ctx);
}

#define XLSX_WB "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"" \
	" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">" \
	"<sheets><sheet name=\"R&amp;D\" sheetId=\"1\" r:id=\"rId7\"/></sheets></workbook>"
#define XLSX_RELS "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" \
	"<Relationship Id=\"rId7\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\"" \
	" Target=\"/xl/worksheets/../sheets/one.xml\"/></Relationships>"
#define XLSX_WS_HEAD "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
#define XLSX_WS_TAIL "</sheetData></worksheet>"

/* Cell types, gaps in rows and columns, an absolute target with "..",
 * no shared strings, and an escaped sheet name. */
static void
test_xlsx_cells(void **state)
{
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);
	struct rfp_sheet sh = { 0 };
	const char *path;

	path = write_pkg(ctx, "t.xlsx", (const char *const[]){
	    "xl/workbook.xml", XLSX_WB,
	    "xl/_rels/workbook.xml.rels", XLSX_RELS,
	    "xl/sheets/one.xml", XLSX_WS_HEAD
	    "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><r><t>in</t></r><r><t xml:space=\"preserve\">line </t></r>"
	    "<rPh><t>ruby</t></rPh></is></c>"
	    "<c r=\"C2\" t=\"b\"><v>1</v></c><c t=\"e\"><v>#N/A</v></c>"
	    "<c r=\"E2\" t=\"str\"><f>A1&amp;\"b\"</f><v>a&lt;b</v></c>"
	    "<c r=\"F2\" s=\"3\"/></row>"
	    "<row r=\"5\"><c r=\"AA5\"><v>3.5</v></c></row>"
	    "<row r=\"9\"><c r=\"B9\" s=\"1\"/></row>"
	    XLSX_WS_TAIL, NULL });
	assert_int_equal(rfp_sheet_read_workbook(ctx, path, "R&D", &sh), RFP_OK);
	assert_int_equal(sh.nrows, 5);
	expect_row(&sh, 0, 1, EMPTY_ROW);
	expect_row(&sh, 1, 2, ROW("inline ", "", "TRUE", "#N/A", "a<b"));
	expect_row(&sh, 2, 3, EMPTY_ROW);
	expect_row(&sh, 3, 4, EMPTY_ROW);
	assert_int_equal(sh.rows[4].line, 5);
	assert_int_equal(sh.rows[4].ncells, 27);
	assert_string_equal(sh.rows[4].cells[25], "");
	assert_string_equal(sh.rows[4].cells[26], "3.5");
	rfp_sheet_fini(&sh);
	assert_int_equal(cap.len, 0);

	/* A shared string index past the table is a damaged workbook. */
	path = write_pkg(ctx, "t.xlsx", (const char *const[]){
	    "xl/workbook.xml", XLSX_WB,
	    "xl/_rels/workbook.xml.rels", XLSX_RELS,
	    "xl/sharedStrings.xml", "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
	    "<si><t>only</t></si></sst>",
	    "xl/sheets/one.xml", XLSX_WS_HEAD
	    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>"
	    XLSX_WS_TAIL, NULL });
	assert_int_equal(rfp_sheet_read_workbook(ctx, path, NULL, &sh), RFP_ERR_INVALID);
	expect_diag(&cap, "RFP-SHEET-FORMAT");
	expect_diag(&cap, "t.xlsx|xl/sheets/one.xml:1: row 1: the cell refers to shared string \"1\", but the workbook has 1");
	assert_null(sh.rows);

	/* A worksheet the relationships do not lead to. */
	memset(&cap, 0, sizeof(cap));
	path = write_pkg(ctx, "t.xlsx", (const char *const[]){
	    "xl/workbook.xml", XLSX_WB,
	    "xl/_rels/workbook.xml.rels", XLSX_RELS, NULL });
	assert_int_equal(rfp_sheet_read_workbook(ctx, path, NULL, &sh), RFP_ERR_INVALID);
	expect_diag(&cap, "the worksheet of sheet \"R&D\" is missing from the package");

	/* Rows past the limit, when they hold text. */
	memset(&cap, 0, sizeof(cap));
	rfp_ctx_limits(ctx)->max_rows = 10;
	path = write_pkg(ctx, "t.xlsx", (const char *const[]){
	    "xl/workbook.xml", XLSX_WB,
	    "xl/_rels/workbook.xml.rels", XLSX_RELS,
	    "xl/sheets/one.xml", XLSX_WS_HEAD
	    "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>h</t></is></c></row>"
	    "<row r=\"1048576\"><c r=\"XFD1048576\" s=\"1\"/></row>"
	    XLSX_WS_TAIL, NULL });
	assert_int_equal(rfp_sheet_read_workbook(ctx, path, NULL, &sh), RFP_OK);
	assert_int_equal(sh.nrows, 1);
	expect_row(&sh, 0, 1, ROW("h"));
	rfp_sheet_fini(&sh);
	path = write_pkg(ctx, "t.xlsx", (const char *const[]){
	    "xl/workbook.xml", XLSX_WB,
	    "xl/_rels/workbook.xml.rels", XLSX_RELS,
	    "xl/sheets/one.xml", XLSX_WS_HEAD
	    "<row r=\"11\"><c r=\"A11\"><v>1</v></c></row>"
	    XLSX_WS_TAIL, NULL });
	assert_int_equal(rfp_sheet_read_workbook(ctx, path, NULL, &sh), RFP_ERR_LIMIT);
	expect_diag(&cap, "RFP-LIMIT-ROWS");
	expect_diag(&cap, "row 11: the sheet has more than 10 rows");
	rfp_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_quotes),
		cmocka_unit_test(test_csv_newlines),
		cmocka_unit_test(test_csv_bom_crlf),
		cmocka_unit_test(test_csv_cp950),
		cmocka_unit_test(test_csv_forced_encoding),
		cmocka_unit_test(test_csv_undecodable),
		cmocka_unit_test(test_csv_unterminated_quote),
		cmocka_unit_test(test_csv_ragged),
		cmocka_unit_test(test_csv_control_char),
		cmocka_unit_test(test_csv_field_limit),
		cmocka_unit_test(test_csv_row_limit),
		cmocka_unit_test(test_csv_missing_file),
		cmocka_unit_test(test_workbook_matches_csv),
		cmocka_unit_test(test_workbook_sheets),
		cmocka_unit_test(test_workbook_unknown_sheet),
		cmocka_unit_test(test_workbook_not_a_workbook),
		cmocka_unit_test(test_ods_repeats),
		cmocka_unit_test(test_ods_values),
		cmocka_unit_test(test_xlsx_cells),
	};

	return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
