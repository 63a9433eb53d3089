/* SPDX-License-Identifier: MIT */
/* util/buf and util/text: invariants, limits, sticky errors, escaping. */
#include "testutil.h"

#include "util/buf.h"
#include "util/text.h"
#include "util/xml.h"

static void
test_empty_is_terminated(void **state)
{
	struct rfp_buf b = RFP_BUF_INIT(16);

	assert_non_null(b.ptr);
	assert_string_equal(b.ptr, "");
	rfp_buf_fini(&b);
	assert_string_equal(b.ptr, "");
}

static void
test_append_and_format(void **state)
{
	struct rfp_buf b = RFP_BUF_INIT(1024);

	rfp_buf_adds(&b, "普");
	rfp_buf_addc(&b, '/');
	rfp_buf_addf(&b, "%d-%s", 42, "高");
	assert_int_equal(rfp_buf_status(&b), RFP_OK);
	assert_string_equal(b.ptr, "普/42-高");
	assert_int_equal(b.len, strlen("普/42-高"));
	rfp_buf_reset(&b);
	assert_string_equal(b.ptr, "");
	rfp_buf_fini(&b);
}

static void
test_limit_is_sticky(void **state)
{
	struct rfp_buf b = RFP_BUF_INIT(4);

	rfp_buf_adds(&b, "abcd");
	assert_int_equal(rfp_buf_status(&b), RFP_OK);
	rfp_buf_adds(&b, "e");
	assert_int_equal(rfp_buf_status(&b), RFP_ERR_LIMIT);
	rfp_buf_adds(&b, "");
	rfp_buf_addf(&b, "%s", "more");
	assert_string_equal(b.ptr, "abcd");	/* kept what it had */
	assert_int_equal(rfp_buf_status(&b), RFP_ERR_LIMIT);
	rfp_buf_fini(&b);
}

static void
test_detach(void **state)
{
	struct rfp_buf b = RFP_BUF_INIT(64);
	size_t len;
	char *p;

	rfp_buf_adds(&b, "xyz");
	p = rfp_buf_detach(&b, &len);
	assert_string_equal(p, "xyz");
	assert_int_equal(len, 3);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.ptr, "");
	free(p);
}

static void
escape(const char *in, size_t n, bool attr, const char *expect)
{
	struct rfp_buf b = RFP_BUF_INIT(1024);

	rfp_xml_escape(&b, in, n, attr);
	assert_string_equal(b.ptr, expect);
	rfp_buf_fini(&b);
}

static void
test_escape(void **state)
{
	escape("a<b>&c\"", 7, false, "a&lt;b&gt;&amp;c\"");
	escape("a<b>&c\"", 7, true, "a&lt;b&gt;&amp;c&quot;");
	escape("中文", strlen("中文"), false, "中文");
	/* XML 1.0 forbids these: dropped. */
	escape("x\x01y\x0Bz\x0C!", 7, false, "xyz!");
	escape("a\0b", 3, false, "ab");
	escape("\xEF\xBF\xBE|\xEF\xBF\xBF", 7, false, "|");
	/* Malformed UTF-8 becomes U+FFFD per bad byte. */
	escape("a\xFF" "b", 3, false, "a\xEF\xBF\xBD" "b");
	escape("\xE4\xB8", 2, false, "\xEF\xBF\xBD\xEF\xBF\xBD");
	escape("t\tn\n", 4, true, "t&#9;n&#10;");
	escape("t\tn\n", 4, false, "t\tn\n");
}

/* A Markdown cell: nothing in it ends the cell, opens markup or HTML. */
static void
test_md_cell(void **state)
{
	struct rfp_buf b = RFP_BUF_INIT(1024);

	rfp_md_cell(&b, "a|b\\c *d* _e_ `f` [g](h) <i>&\r\nj", "<br>");
	assert_string_equal(b.ptr,
	    "a\\|b\\\\c \\*d\\* \\_e\\_ \\`f\\` \\[g\\](h) &lt;i&gt;&amp;<br>j");
	rfp_buf_reset(&b);
	rfp_md_cell(&b, "一\n二", " ");
	assert_string_equal(b.ptr, "一 二");
	/* One UTF-8 encoder for the project: 1 to 4 bytes. */
	rfp_buf_reset(&b);
	rfp_utf8_put(&b, 'A');
	rfp_utf8_put(&b, 0xE9);
	rfp_utf8_put(&b, 0x9AD8);
	rfp_utf8_put(&b, 0x1F600);
	assert_string_equal(b.ptr, "A\xC3\xA9\xE9\xAB\x98\xF0\x9F\x98\x80");
	rfp_buf_fini(&b);
}

static void
test_text_check(void **state)
{
	size_t bad = 99;

	assert_true(rfp_text_check("資安 ok\t\n", strlen("資安 ok\t\n"), &bad));
	assert_false(rfp_text_check("ab\x02", 3, &bad));
	assert_int_equal(bad, 2);
	assert_false(rfp_text_check("\xC0\xAF", 2, &bad));	/* overlong */
	assert_int_equal(bad, 0);
	assert_false(rfp_text_check("x\xED\xA0\x80", 4, &bad));	/* surrogate */
	assert_int_equal(bad, 1);
}

/* A pruned element leaves no node, nor anything inside it; the rest of the
 * tree is as rfp_xml_parse() builds it, and errors inside a pruned element
 * are errors all the same. */
static void
test_xml_prune(void **state)
{
	static const char *const names[] = { "rPr", NULL };
	static const struct rfp_xml_prune pr = { "urn:w", names };
	static const char ok[] = "<d xmlns=\"urn:w\" xmlns:o=\"urn:o\"><p><rPr><b/>hidden"
	    "<!--c--><?pi x?><![CDATA[cd]]>&#x4E00;</rPr><t>a &amp; b</t><o:rPr>kept</o:rPr>"
	    "<rPr/> <x>y</x></p></d>";
	static const char *const bad[] = {
		"<d xmlns=\"urn:w\"><rPr><x></rPr></d>",	/* mismatched tags */
		"<d xmlns=\"urn:w\"><rPr>&nope;</rPr></d>",	/* undeclared entity */
		"<d xmlns=\"urn:w\"><rPr>\xC0\xAF</rPr></d>",	/* not UTF-8 */
		"<d xmlns=\"urn:w\"><rPr><q:x/></rPr></d>",	/* unbound prefix */
	};
	struct capture c;
	struct rfp_ctx *ctx = test_ctx(&c);
	xmlDoc *doc = NULL;
	xmlNode *p;
	xmlChar *text;
	char names_seen[64] = "";

	(void)state;
	assert_int_equal(rfp_xml_parse_pruned(ctx, "t.xml", NULL, ok, sizeof(ok) - 1, &pr, &doc),
	    RFP_OK);
	p = xmlDocGetRootElement(doc)->children;
	for (xmlNode *n = p->children; n; n = n->next) {
		strcat(names_seen, n->type == XML_ELEMENT_NODE ? (const char *)n->name : "#");
		strcat(names_seen, " ");
	}
	assert_string_equal(names_seen, "t rPr # x ");	/* o:rPr: another namespace */
	text = xmlNodeGetContent(p);
	assert_string_equal((const char *)text, "a & bkept y");
	xmlFree(text);
	xmlFreeDoc(doc);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		doc = NULL;
		c.len = 0;
		c.text[0] = '\0';
		assert_int_not_equal(rfp_xml_parse_pruned(ctx, "t.xml", NULL, bad[i], strlen(bad[i]),
		    &pr, &doc), RFP_OK);
		assert_null(doc);
		assert_non_null(strstr(c.text, "RFP-XML"));
	}
	rfp_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_is_terminated),
		cmocka_unit_test(test_append_and_format),
		cmocka_unit_test(test_limit_is_sticky),
		cmocka_unit_test(test_detach),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_text_check),
		cmocka_unit_test(test_md_cell),
		cmocka_unit_test(test_xml_prune),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
