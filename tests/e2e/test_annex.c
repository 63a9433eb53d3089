/* SPDX-License-Identifier: MIT */
/*
 * End to end through the library: catalogue → selection → shipped template
 * → package bytes, then the package is opened with libzip and libxml2 as an
 * independent reader would. Every selected item must be in the document
 * (text and id), no unselected item may be, every XML part must parse, and
 * two renders must give the same bytes.
 */
#include "../unit/testutil.h"

#include <libxml/parser.h>
#include <zip.h>

#include "catalogue/catalogue.h"
#include "select/select.h"

struct doc {
	char *text;		/* all character data of the main part */
	char *names[64];	/* entries in archive order */
	int methods[64];
	size_t n;
};

static struct rfp_catalogue *
load_catalogue(void)
{
	const char *mods = getenv("RFP_MODULES");
	char *copy = strdup(mods ? mods : ""), *save = NULL;
	char *paths[32];
	size_t n = 0;
	struct rfp_catalogue *cat = NULL;
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);

	paths[n++] = strdup(SRC("requirements/baseline-2021.xml"));
	for (char *t = strtok_r(copy, " ", &save); t && n < 32; t = strtok_r(NULL, " ", &save))
		paths[n++] = strdup(SRC(t));
	if (rfp_catalogue_load(ctx, SRC("requirements/catalogue.xsd"),
	    (const char *const *)paths, n, &cat) != RFP_OK)
		fail_msg("%s", cap.text);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(copy);
	rfp_ctx_free(ctx);
	return cat;
}

/* Opens the package from memory, parses every XML entry, collects the text. */
static void
read_package(const struct rfp_output *out, const char *main_part, struct doc *d)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *za;

	memset(d, 0, sizeof(*d));
	zip_error_init(&ze);
	src = zip_source_buffer_create(out->data, out->len, 0, &ze);
	assert_non_null(src);
	za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	assert_non_null(za);
	d->n = (size_t)zip_get_num_entries(za, 0);
	assert_true(d->n > 0 && d->n < 64);
	for (size_t i = 0; i < d->n; i++) {
		zip_stat_t sb;
		zip_file_t *zf;
		char *buf;

		assert_int_equal(zip_stat_index(za, i, 0, &sb), 0);
		d->names[i] = strdup(sb.name);
		d->methods[i] = sb.comp_method;
		buf = malloc(sb.size + 1);
		zf = zip_fopen_index(za, i, 0);
		assert_non_null(zf);
		assert_int_equal(zip_fread(zf, buf, sb.size), (zip_int64_t)sb.size);
		zip_fclose(zf);
		buf[sb.size] = '\0';
		if (strstr(sb.name, ".xml") || strstr(sb.name, ".rels")) {
			xmlDoc *x = xmlReadMemory(buf, (int)sb.size, sb.name, NULL, XML_PARSE_NONET);

			if (!x)
				fail_msg("%s is not well-formed", sb.name);
			if (strcmp(sb.name, main_part) == 0) {
				xmlChar *t = xmlNodeGetContent(xmlDocGetRootElement(x));

				d->text = strdup((const char *)t);
				xmlFree(t);
			}
			xmlFreeDoc(x);
		}
		free(buf);
	}
	zip_close(za);
	assert_non_null(d->text);
}

static void
free_doc(struct doc *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->names[i]);
	free(d->text);
}

static bool
has_entry(const struct doc *d, const char *name)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->names[i], name) == 0)
			return true;
	return false;
}

/* The text of an unselected item up to its first parameter insert. */
static char *
stem(const char *text)
{
	size_t n = strcspn(text, "\001");

	return strndup(text, n);
}

static void
check_annex(enum rfp_type type, enum rfp_level level, const char *fmt)
{
	struct rfp_catalogue *cat = load_catalogue();
	struct rfp_request req = { .type = type, .level = level, .date = "2026-11-24",
	    .agency = "測試機關", .project = "測試案" };
	struct rfp_selection *sel = NULL;
	struct rfp_template *tmpl = NULL;
	struct rfp_output a = { 0 }, b = { 0 };
	char tpath[4096], idpat[256];
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);
	bool docx = strcmp(fmt, "docx") == 0;
	struct doc d;
	size_t i, k;

	rfp_ctx_set_verify(ctx, true);	/* every rendered part must parse */
	snprintf(tpath, sizeof(tpath), "%s/templates/annex.%s", getenv("RFP_BUILDDIR"), fmt);
	assert_int_equal(rfp_select(ctx, cat, &req, &sel), RFP_OK);
	if (rfp_template_load(ctx, tpath, &tmpl) != RFP_OK)
		fail_msg("%s", cap.text);
	assert_int_equal(rfp_render(ctx, tmpl, sel, "rfpgen test", 1764000000, &a), RFP_OK);
	assert_int_equal(rfp_render(ctx, tmpl, sel, "rfpgen test", 1764000000, &b), RFP_OK);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);	/* deterministic */

	read_package(&a, docx ? "word/document.xml" : "content.xml", &d);
	if (docx) {
		assert_string_equal(d.names[0], "[Content_Types].xml");
		assert_true(has_entry(&d, "_rels/.rels") && has_entry(&d, "docProps/core.xml") &&
		    has_entry(&d, "docProps/app.xml") && has_entry(&d, "word/styles.xml"));
	} else {
		assert_string_equal(d.names[0], "mimetype");
		assert_int_equal(d.methods[0], ZIP_CM_STORE);
		assert_true(has_entry(&d, "META-INF/manifest.xml") && has_entry(&d, "styles.xml") &&
		    has_entry(&d, "meta.xml"));
	}
	assert_non_null(strstr(d.text, "資通安全需求附件"));
	assert_non_null(strstr(d.text, "測試機關"));
	assert_non_null(strstr(d.text, rfp_type_name(type)));
	assert_null(strstr(d.text, "{{"));	/* no tag left behind */

	for (i = 0, k = 0; i < cat->nitems; i++) {
		const struct rfp_item *it = cat->items[i];
		bool selected = k < sel->nitems && sel->items[k].item == it;

		snprintf(idpat, sizeof(idpat), "識別碼 %s）", it->id);
		if (selected) {
			if (!strstr(d.text, sel->items[k].text))
				fail_msg("%s: text of selected item %s missing", fmt, it->id);
			if (!strstr(d.text, idpat))
				fail_msg("%s: id of selected item %s missing", fmt, it->id);
			k++;
		} else {
			char *s = stem(it->text);

			if (strstr(d.text, idpat))
				fail_msg("%s: unselected item %s is in the annex", fmt, it->id);
			if (strlen(s) > 6 && strstr(d.text, s))
				fail_msg("%s: text of unselected item %s is in the annex", fmt, it->id);
			free(s);
		}
	}
	assert_int_equal(k, sel->nitems);
	free_doc(&d);
	rfp_output_fini(&a);
	rfp_output_fini(&b);
	rfp_template_free(tmpl);
	rfp_selection_free(sel);
	rfp_catalogue_free(cat);
	rfp_ctx_free(ctx);
}

static void test_dev_high_docx(void **s) { check_annex(RFP_TYPE_DEVELOPMENT, RFP_LEVEL_HIGH, "docx"); }
static void test_dev_high_odt(void **s) { check_annex(RFP_TYPE_DEVELOPMENT, RFP_LEVEL_HIGH, "odt"); }
static void test_consulting_low_docx(void **s) { check_annex(RFP_TYPE_CONSULTING, RFP_LEVEL_LOW, "docx"); }
static void test_consulting_low_odt(void **s) { check_annex(RFP_TYPE_CONSULTING, RFP_LEVEL_LOW, "odt"); }
static void test_ops_moderate_docx(void **s) { check_annex(RFP_TYPE_OPERATIONS, RFP_LEVEL_MODERATE, "docx"); }
static void test_cloud_moderate_odt(void **s) { check_annex(RFP_TYPE_CLOUD, RFP_LEVEL_MODERATE, "odt"); }

/* The styles carry zh-TW and an East Asian font, so Word does not fall
 * back to a Japanese face for the Chinese text. */
static void
test_language_and_fonts(void **state)
{
	char cmd[8192];
	FILE *p;
	char buf[65536];
	size_t n;

	snprintf(cmd, sizeof(cmd), "unzip -p '%s/templates/annex.docx' word/styles.xml",
	    getenv("RFP_BUILDDIR"));
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(buf, 1, sizeof(buf) - 1, p);
	buf[n] = '\0';
	pclose(p);
	assert_non_null(strstr(buf, "w:eastAsia=\"zh-TW\""));
	assert_non_null(strstr(buf, "w:eastAsia=\"標楷體\""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dev_high_docx),
		cmocka_unit_test(test_dev_high_odt),
		cmocka_unit_test(test_consulting_low_docx),
		cmocka_unit_test(test_consulting_low_odt),
		cmocka_unit_test(test_ops_moderate_docx),
		cmocka_unit_test(test_cloud_moderate_odt),
		cmocka_unit_test(test_language_and_fonts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
