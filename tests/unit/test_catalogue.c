/* SPDX-License-Identifier: MIT */
/* Catalogue loading: model, prose normalisation, and every error path. */
#include "testutil.h"

#include "catalogue/catalogue.h"

static enum rfp_status
load(struct capture *cap, const char *const *files, size_t n, struct rfp_catalogue **cat)
{
	struct rfp_ctx *ctx = test_ctx(cap);
	const char *paths[32];
	enum rfp_status st;

	assert_true(n <= sizeof(paths) / sizeof(paths[0]));
	for (size_t i = 0; i < n; i++)
		paths[i] = strdup(SRC(files[i]));
	st = rfp_catalogue_load(ctx, SRC("requirements/catalogue.xsd"), paths, n, cat);
	for (size_t i = 0; i < n; i++)
		free((char *)paths[i]);
	rfp_ctx_free(ctx);
	return st;
}

static void
test_mini_model(void **state)
{
	const char *files[] = { "tests/data/mini-baseline.xml" };
	struct rfp_catalogue *cat = NULL;
	struct capture cap;

	assert_int_equal(load(&cap, files, 1, &cat), RFP_OK);
	assert_int_equal(cap.len, 0);
	assert_int_equal(cat->nitems, 5);
	assert_int_equal(cat->nfamilies, 2);
	assert_int_equal(cat->nmeasures, 2);
	assert_string_equal(cat->baseline->title, "測試目錄");
	assert_string_equal(cat->baseline->version, "1.0");
	/* sorted by family, measure, item */
	assert_string_equal(cat->items[0]->id, "F1.A.1");
	assert_string_equal(cat->items[4]->id, "F2.A.2");
	assert_int_equal(cat->items[1]->min_level, RFP_LEVEL_MODERATE);
	assert_int_equal(cat->items[0]->types,
	    (1u << RFP_TYPE_DEVELOPMENT) | (1u << RFP_TYPE_OPERATIONS));
	assert_int_equal(cat->items[1]->party, RFP_PARTY_SHARED);
	assert_int_equal(cat->items[1]->modality, RFP_MODALITY_SHOULD);
	assert_int_equal(cat->items[2]->condition, RFP_COND_CLASSIFIED);
	assert_string_equal(cat->items[0]->source_title, "測試來源");
	assert_string_equal(cat->items[0]->guidance, "說明甲 & 乙。");
	/* Layout whitespace vanishes between CJK text, is one space in Latin text. */
	assert_string_equal(cat->items[1]->text, "第二項需求文字。");
	assert_string_equal(cat->items[4]->text, "Latin words joined by a space.");
	/* Parameter inserts are kept as marks until selection. */
	assert_string_equal(cat->items[0]->text, "日誌應保存\001keep\001以上。");
	assert_string_equal(cat->params[0]->defaults[RFP_LEVEL_NONE], "6個月");
	assert_string_equal(cat->params[0]->defaults[RFP_LEVEL_HIGH], "1年");
	rfp_catalogue_free(cat);
}

/* Where figures and duties come from: parameter basis, <stated>, source kind. */
static void
test_figures_model(void **state)
{
	const char *files[] = { "tests/data/mini-baseline.xml", "tests/data/module-figures.xml" };
	struct rfp_catalogue *cat = NULL;
	const struct rfp_param *retry, *uptime, *keep;
	const struct rfp_item *n1 = NULL, *n2 = NULL;
	struct capture cap;

	assert_int_equal(load(&cap, files, 2, &cat), RFP_OK);
	assert_int_equal(cap.len, 0);
	retry = rfp_catalogue_param(cat, "retry", 5);
	uptime = rfp_catalogue_param(cat, "uptime", 6);
	keep = rfp_catalogue_param(cat, "keep", 4);
	assert_non_null(retry);
	assert_non_null(uptime);
	assert_non_null(keep);
	assert_false(retry->suggested);
	assert_string_equal(retry->source_title, "測試法規");
	assert_string_equal(retry->clause, "第1條");
	assert_true(uptime->suggested);
	assert_null(uptime->source_title);
	assert_true(keep->suggested);	/* no basis: a suggestion */
	for (size_t i = 0; i < cat->nitems; i++) {
		if (strcmp(cat->items[i]->id, "N.1") == 0)
			n1 = cat->items[i];
		if (strcmp(cat->items[i]->id, "N.2") == 0)
			n2 = cat->items[i];
	}
	assert_non_null(n1);
	assert_non_null(n2);
	assert_int_equal(n1->source_kind, RFP_SOURCE_LAW);
	assert_int_equal(n2->source_kind, RFP_SOURCE_GUIDANCE);
	assert_int_equal(cat->items[0]->source_kind, RFP_SOURCE_GUIDANCE);	/* no kind */
	assert_int_equal(n1->nstated, 2);
	assert_string_equal(n1->stated[0].figure, "30日");
	assert_null(n1->stated[0].source_title);
	assert_string_equal(n1->stated[1].figure, "30公里");
	assert_string_equal(n1->stated[1].source_title, "測試問答");
	assert_string_equal(n1->stated[1].clause, "第2問");
	assert_int_equal(n2->nstated, 0);
	rfp_catalogue_free(cat);
}

/* Loads a failing set and checks the status and that the message has text. */
static void
expect_error(const char *const *files, size_t n, enum rfp_status st, const char *text)
{
	struct rfp_catalogue *cat = NULL;
	struct capture cap;

	assert_int_equal(load(&cap, files, n, &cat), st);
	assert_null(cat);
	if (!strstr(cap.text, text))
		fail_msg("expected '%s' in diagnostics:\n%s", text, cap.text);
}

static void
test_malformed(void **state)
{
	const char *f[] = { "tests/data/bad-malformed.xml" };

	expect_error(f, 1, RFP_ERR_XML, "RFP-XML ");
	expect_error(f, 1, RFP_ERR_XML, "bad-malformed.xml:6: not well-formed XML");
}

static void
test_schema_enum(void **state)
{
	const char *f[] = { "tests/data/bad-schema.xml" };

	expect_error(f, 1, RFP_ERR_INVALID, "bad-schema.xml:9: catalogue does not match the schema");
	expect_error(f, 1, RFP_ERR_INVALID, "'超' is not an element of the set");
}

static void
test_schema_keyref(void **state)
{
	const char *f[] = { "tests/data/bad-keyref.xml" };

	expect_error(f, 1, RFP_ERR_INVALID, "No match found for key-sequence ['NOPE']");
}

static void
test_unknown_type(void **state)
{
	const char *f[] = { "tests/data/bad-vocab.xml" };

	expect_error(f, 1, RFP_ERR_INVALID, "RFP-CAT-VOCAB");
	expect_error(f, 1, RFP_ERR_INVALID, "unknown outsourcing type '系統開發'");
}

static void
test_unknown_condition(void **state)
{
	const char *f[] = { "tests/data/bad-condition.xml" };

	expect_error(f, 1, RFP_ERR_INVALID, "unknown condition 'sunny'");
}

static void
test_duplicate_id_across_files(void **state)
{
	const char *f[] = { "tests/data/mini-baseline.xml", "tests/data/module-dupid.xml" };

	expect_error(f, 2, RFP_ERR_INVALID, "RFP-CAT-DUPID");
	expect_error(f, 2, RFP_ERR_INVALID, "duplicate id 'F1.A.1' (item), already used by a item in");
}

static void
test_level_order(void **state)
{
	const char *f[] = { "tests/data/mini-baseline.xml", "tests/data/module-levelorder.xml" };

	expect_error(f, 2, RFP_ERR_INVALID, "module-levelorder.xml:10: item 'G.2' (min-level 普) follows 'G.1' (min-level 高)");
}

static void
test_doctype_refused(void **state)
{
	const char *f[] = { "tests/data/bad-xxe.xml" };

	expect_error(f, 1, RFP_ERR_XML, "RFP-XML-DTD");
	expect_error(f, 1, RFP_ERR_XML, "bad-xxe.xml:2: document type declarations are not allowed");
}

/* A stated default names its source; a stated figure is one the text has. */
static void
test_stated_checks(void **state)
{
	const char *f[] = { "tests/data/bad-stated.xml" };

	expect_error(f, 1, RFP_ERR_INVALID, "parameter 'days' has basis=\"stated\" but no source and clause");
	expect_error(f, 1, RFP_ERR_INVALID, "item 'X.1': the <stated> figure '14日' does not occur");
}

static void
test_missing_file(void **state)
{
	const char *f[] = { "tests/data/no-such-file.xml" };

	expect_error(f, 1, RFP_ERR_IO, "RFP-IO-READ");
}

static void
test_needs_one_baseline(void **state)
{
	const char *two[] = { "tests/data/mini-baseline.xml", "requirements/baseline-2021.xml" };
	const char *none[] = { "tests/data/module-levelorder.xml" };

	expect_error(two, 2, RFP_ERR_INVALID, "2 baseline catalogues loaded");
	expect_error(none, 1, RFP_ERR_INVALID, "0 baseline catalogues loaded");
}

/* Every shipped catalogue file validates and passes the semantic check. */
static void
test_shipped_catalogues(void **state)
{
	static const char *const baselines[] = { "requirements/baseline-2021.xml",
		"requirements/baseline-2025.xml" };
	const char *pattern = getenv("RFP_MODULES");	/* space-separated, from meson */
	char *mods = strdup(pattern ? pattern : ""), *save = NULL;
	const char *files[32];
	size_t n = 1;

	for (char *t = strtok_r(mods, " ", &save); t && n < 32; t = strtok_r(NULL, " ", &save))
		files[n++] = t;
	for (size_t b = 0; b < 2; b++) {
		struct rfp_catalogue *cat = NULL;
		struct capture cap;
		FILE *f = fopen(SRC(baselines[b]), "r");

		if (!f)
			continue;	/* the 2025 baseline is optional */
		fclose(f);
		files[0] = baselines[b];
		if (load(&cap, files, n, &cat) != RFP_OK)
			fail_msg("%s with modules failed:\n%s", baselines[b], cap.text);
		assert_true(cat->nitems >= 78);
		rfp_catalogue_free(cat);
	}
	free(mods);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mini_model),
		cmocka_unit_test(test_figures_model),
		cmocka_unit_test(test_stated_checks),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_schema_enum),
		cmocka_unit_test(test_schema_keyref),
		cmocka_unit_test(test_unknown_type),
		cmocka_unit_test(test_unknown_condition),
		cmocka_unit_test(test_duplicate_id_across_files),
		cmocka_unit_test(test_level_order),
		cmocka_unit_test(test_doctype_refused),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_needs_one_baseline),
		cmocka_unit_test(test_shipped_catalogues),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
