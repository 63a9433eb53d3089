/* SPDX-License-Identifier: MIT */
/* Post-render guards: empty cells, rows and tables; duplicate ids. */
#include "testutil.h"

#include <libxml/parser.h>

#include "annex/endmark.h"
#include "annex/guard.h"

#define NS "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" " \
	"xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\""
#define DOC(body) "<w:document " NS "><w:body>" body "</w:body></w:document>"

/* Applies the guard; returns the body's serialisation (static buffer). */
static const char *
guard(const char *xml, enum rfp_part_mode mode, bool expect_change)
{
	static char out[8192];
	xmlDoc *doc = xmlReadMemory(xml, (int)strlen(xml), NULL, NULL, XML_PARSE_NONET);
	xmlBufferPtr b = xmlBufferCreate();
	xmlNode *root;

	assert_non_null(doc);
	assert_int_equal(rfp_guard(doc, mode), expect_change);
	root = xmlDocGetRootElement(doc);
	xmlNodeDump(b, doc, root->children ? root->children : root, 0, 0);
	snprintf(out, sizeof(out), "%s", (const char *)xmlBufferContent(b));
	xmlBufferFree(b);
	xmlFreeDoc(doc);
	return out;
}

static void
test_empty_table_removed(void **state)
{
	assert_string_equal(guard(DOC("<w:tbl><w:tblPr/><w:tblGrid/></w:tbl><w:p/>"), RFP_PART_WORD, true),
	    "<w:body><w:p/></w:body>");
	/* A row with no cell goes, and then its table. */
	assert_string_equal(guard(DOC("<w:tbl><w:tr><w:trPr/></w:tr></w:tbl><w:p/>"), RFP_PART_WORD, true),
	    "<w:body><w:p/></w:body>");
}

static void
test_cell_gets_paragraph(void **state)
{
	assert_string_equal(guard(DOC("<w:tbl><w:tr><w:tc><w:tcPr/></w:tc></w:tr></w:tbl><w:p/>"),
	    RFP_PART_WORD, true),
	    "<w:body><w:tbl><w:tr><w:tc><w:tcPr/><w:p/></w:tc></w:tr></w:tbl><w:p/></w:body>");
	/* A cell may not end with a table. */
	assert_string_equal(guard(DOC("<w:tbl><w:tr><w:tc><w:p/><w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl></w:tc></w:tr></w:tbl>"),
	    RFP_PART_WORD, true),
	    "<w:body><w:tbl><w:tr><w:tc><w:p/><w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl><w:p/></w:tc></w:tr></w:tbl></w:body>");
	/* A sound document is left alone. */
	guard(DOC("<w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl><w:p/>"), RFP_PART_WORD, false);
}

static void
test_duplicate_ids(void **state)
{
	const char *out = guard(DOC(
	    "<w:p><wp:docPr id=\"5\" name=\"a\"/><w:bookmarkStart w:id=\"0\" w:name=\"x\"/><w:bookmarkEnd w:id=\"0\"/></w:p>"
	    "<w:p><wp:docPr id=\"5\" name=\"a\"/><w:bookmarkStart w:id=\"0\" w:name=\"x\"/><w:bookmarkEnd w:id=\"0\"/></w:p>"
	    "<w:p><w:bookmarkStart w:id=\"7\" w:name=\"y\"/><w:bookmarkEnd w:id=\"7\"/></w:p>"),
	    RFP_PART_WORD, true);

	assert_non_null(strstr(out, "<wp:docPr id=\"1\" name=\"a\"/>"));
	assert_non_null(strstr(out, "<wp:docPr id=\"2\" name=\"a\"/>"));
	assert_non_null(strstr(out, "<w:bookmarkStart w:id=\"0\" w:name=\"x\"/><w:bookmarkEnd w:id=\"0\"/>"));
	assert_non_null(strstr(out, "<w:bookmarkStart w:id=\"1\" w:name=\"x_1\"/><w:bookmarkEnd w:id=\"1\"/>"));
	assert_non_null(strstr(out, "<w:bookmarkStart w:id=\"2\" w:name=\"y\"/><w:bookmarkEnd w:id=\"2\"/>"));
}

static void
test_odf_empty_table(void **state)
{
	const char *doc = "<office:text xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
	    "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\">"
	    "<table:table><table:table-column/></table:table>"
	    "<table:table><table:table-header-rows><table:table-row/></table:table-header-rows></table:table>"
	    "</office:text>";

	assert_string_equal(guard(doc, RFP_PART_ODF, true),
	    "<table:table><table:table-header-rows><table:table-row/></table:table-header-rows></table:table>");
}

/* The closing line's pass finds the start of the last table past the
 * tables nested in its rows (in either form of start tag), keeps them in
 * the table and moves only the last row. */
static void
test_endmark_nested(void **state)
{
	static const char doc[] = DOC(
	    "<w:tbl><w:tblPr><w:jc w:val=\"center\"/></w:tblPr><w:tblGrid><w:gridCol w:w=\"5000\"/>"
	    "</w:tblGrid><w:tr><w:tc><w:tbl><w:tblPr/><w:tr><w:tc><w:tbl ><w:tblPr/><w:tr><w:tc><w:p/>"
	    "</w:tc></w:tr></w:tbl><w:p/></w:tc></w:tr></w:tbl><w:p/></w:tc></w:tr>"
	    "<w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc></w:tr>"
	    "<w:tr><w:tc><w:p><w:r><w:t>b</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
	    "<w:p><w:r><w:t>（以下空白）</w:t></w:r></w:p><w:sectPr/>");
	struct rfp_buf b = RFP_BUF_INIT(1u << 20);
	const char *cut, *row_b, *end;
	xmlDoc *x;

	(void)state;
	rfp_buf_adds(&b, doc);
	assert_true(rfp_endmark_keep(&b, RFP_PART_WORD));
	/* The outer table, nested tables and all, ends after row a ... */
	assert_non_null(cut = strstr(b.ptr, "<w:t>a</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p>"));
	assert_memory_equal(b.ptr, doc, (size_t)(cut - b.ptr));
	/* ... and row b sits with the closing line in a row that cannot split. */
	assert_non_null(row_b = strstr(cut, "<w:t>b</w:t>"));
	assert_non_null(end = strstr(row_b, "（以下空白）"));
	assert_non_null(strstr(cut, "<w:cantSplit/>"));
	assert_true(strstr(cut, "<w:cantSplit/>") < row_b);
	x = xmlReadMemory(b.ptr, (int)b.len, NULL, NULL, XML_PARSE_NONET);
	assert_non_null(x);
	xmlFreeDoc(x);
	rfp_buf_fini(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_table_removed),
		cmocka_unit_test(test_cell_gets_paragraph),
		cmocka_unit_test(test_duplicate_ids),
		cmocka_unit_test(test_odf_empty_table),
		cmocka_unit_test(test_endmark_nested),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
