/* SPDX-License-Identifier: MIT */
/* Post-render guards: empty cells, rows and tables; duplicate ids. */
#include "testutil.h"

#include <libxml/parser.h>

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_table_removed),
		cmocka_unit_test(test_cell_gets_paragraph),
		cmocka_unit_test(test_duplicate_ids),
		cmocka_unit_test(test_odf_empty_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
