/* SPDX-License-Identifier: MIT */
/* Selection: vocabulary, 附表九 rule, counts per type and level, conditions,
 * agency duties and parameters. */
#include "testutil.h"

#include "select/select.h"

static struct rfp_catalogue *
load(const char *const *files, size_t n)
{
	struct rfp_catalogue *cat = NULL;
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);
	char *paths[8];

	for (size_t i = 0; i < n; i++)
		paths[i] = strdup(SRC(files[i]));
	if (rfp_catalogue_load(ctx, SRC("requirements/catalogue.xsd"),
	    (const char *const *)paths, n, &cat) != RFP_OK)
		fail_msg("load failed:\n%s", cap.text);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	rfp_ctx_free(ctx);
	return cat;
}

static void
test_vocabulary(void **state)
{
	enum rfp_type t;
	enum rfp_level l;

	assert_true(rfp_type_parse("系統發展", &t) && t == RFP_TYPE_DEVELOPMENT);
	assert_true(rfp_type_parse("維運管理", &t) && t == RFP_TYPE_OPERATIONS);
	assert_true(rfp_type_parse("維運服務", &t) && t == RFP_TYPE_OPERATIONS);
	assert_true(rfp_type_parse("Cloud", &t) && t == RFP_TYPE_CLOUD);
	assert_true(rfp_type_parse("consulting", &t) && t == RFP_TYPE_CONSULTING);
	assert_false(rfp_type_parse("系統開發", &t));
	assert_true(rfp_level_parse("中", &l) && l == RFP_LEVEL_MODERATE);
	assert_true(rfp_level_parse("HIGH", &l) && l == RFP_LEVEL_HIGH);
	assert_false(rfp_level_parse("極高", &l));
	assert_string_equal(rfp_type_name(RFP_TYPE_CLOUD), "雲端服務");
	assert_string_equal(rfp_level_name(RFP_LEVEL_LOW), "普");
}

static void
test_impact(void **state)
{
	struct rfp_impact imp;
	char err[256];

	assert_true(rfp_impact_parse("C=高,I=中,A=普,L=普", &imp, err, sizeof(err)));
	assert_int_equal(rfp_impact_level(&imp), RFP_LEVEL_HIGH);
	assert_true(rfp_impact_parse("機密性=普,完整性=普,可用性=中,法律遵循性=普", &imp, err, sizeof(err)));
	assert_int_equal(imp.a, RFP_LEVEL_MODERATE);
	assert_int_equal(rfp_impact_level(&imp), RFP_LEVEL_MODERATE);
	assert_true(rfp_impact_parse("c=low,i=low,a=low,l=low", &imp, err, sizeof(err)));
	assert_int_equal(rfp_impact_level(&imp), RFP_LEVEL_LOW);
	assert_false(rfp_impact_parse("C=高,I=中,A=普", &imp, err, sizeof(err)));
	assert_non_null(strstr(err, "all four ratings"));
	assert_false(rfp_impact_parse("C=高,C=中,A=普,L=普", &imp, err, sizeof(err)));
	assert_non_null(strstr(err, "given twice"));
	assert_false(rfp_impact_parse("C=超,I=中,A=普,L=普", &imp, err, sizeof(err)));
	assert_non_null(strstr(err, "unknown level '超'"));
	assert_false(rfp_impact_parse("X=高,I=中,A=普,L=普", &imp, err, sizeof(err)));
	assert_non_null(strstr(err, "unknown rating 'X'"));
}

static size_t
count(const struct rfp_catalogue *cat, enum rfp_type t, enum rfp_level l)
{
	struct rfp_request req = { .type = t, .level = l, .date = "2026-01-01" };
	struct rfp_selection *sel = NULL;
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);
	size_t n;

	assert_int_equal(rfp_select(ctx, cat, &req, &sel), RFP_OK);
	n = rfp_selection_count(sel);
	rfp_selection_free(sel);
	rfp_ctx_free(ctx);
	return n;
}

/*
 * Counted by hand, not by the code: 附表十 (2021) has 35 items at 普, 23 at
 * 中 and 20 at 高 (regulation.md §1.2), so 35/58/78 cumulative for 系統發展.
 * 維運服務 and 雲端服務 drop the 9 items of the 需求/設計/開發/委外 phases
 * (5 at 普, 2 at 中, 2 at 高): 30/51/69. 顧問訓練 takes none. 5.6.1 (委外
 * 階段, 普) is the agency's duty, not the vendor's, so 系統發展 has 34/57/77
 * vendor items. The 26 project management items (all 普) apply to 10
 * (顧問訓練), 20 (系統發展), 22 (維運服務) and 21 (雲端服務) types in the
 * seed's table.
 */
static void
test_counts_issue2_catalogue(void **state)
{
	static const size_t expect[RFP_TYPE_COUNT][3] = {
		[RFP_TYPE_CONSULTING] = { 10, 10, 10 },
		[RFP_TYPE_DEVELOPMENT] = { 54, 77, 97 },
		[RFP_TYPE_OPERATIONS] = { 52, 73, 91 },
		[RFP_TYPE_CLOUD] = { 51, 72, 90 },
	};
	const char *files[] = { "requirements/baseline-2021.xml",
		"requirements/module-project-management.xml" };
	struct rfp_catalogue *cat = load(files, 2);

	for (int t = 0; t < RFP_TYPE_COUNT; t++)
		for (int l = RFP_LEVEL_LOW; l <= RFP_LEVEL_HIGH; l++)
			if (count(cat, (enum rfp_type)t, (enum rfp_level)l) != expect[t][l - 1])
				fail_msg("%s/%s: %zu items, expected %zu", rfp_type_name((enum rfp_type)t),
				    rfp_level_name((enum rfp_level)l),
				    count(cat, (enum rfp_type)t, (enum rfp_level)l), expect[t][l - 1]);
	rfp_catalogue_free(cat);
}

static struct rfp_selection *
select_mini(const struct rfp_catalogue *cat, struct rfp_request *req, struct capture *cap,
    enum rfp_status expect)
{
	struct rfp_ctx *ctx = test_ctx(cap);
	struct rfp_selection *sel = NULL;

	req->date = "2026-01-01";
	assert_int_equal(rfp_select(ctx, cat, req, &sel), expect);
	rfp_ctx_free(ctx);
	return sel;
}

static void
test_conditions_and_duties(void **state)
{
	const char *files[] = { "tests/data/mini-baseline.xml" };
	struct rfp_catalogue *cat = load(files, 1);
	struct rfp_request req = { .type = RFP_TYPE_DEVELOPMENT, .level = RFP_LEVEL_HIGH };
	struct rfp_selection *sel;
	struct rfp_item_view v;
	struct capture cap;

	sel = select_mini(cat, &req, &cap, RFP_OK);
	assert_int_equal(rfp_selection_count(sel), 3);	/* F1.A.1, F1.A.2, F2.A.2 */
	assert_int_equal(rfp_selection_agency_count(sel), 0);
	rfp_selection_free(sel);

	req.conditions = RFP_COND_CLASSIFIED;
	req.agency_checklist = true;
	sel = select_mini(cat, &req, &cap, RFP_OK);
	assert_int_equal(rfp_selection_count(sel), 4);
	rfp_selection_item(sel, 2, &v);
	assert_string_equal(v.id, "F1.A.3");
	assert_string_equal(v.condition, "classified");
	assert_int_equal(rfp_selection_agency_count(sel), 1);
	rfp_selection_agency_item(sel, 0, &v);
	assert_string_equal(v.id, "F2.A.1");
	assert_string_equal(v.party, "機關");
	rfp_selection_free(sel);
	rfp_catalogue_free(cat);
}

static void
test_parameters(void **state)
{
	const char *files[] = { "tests/data/mini-baseline.xml" };
	struct rfp_catalogue *cat = load(files, 1);
	struct rfp_request req = { .type = RFP_TYPE_OPERATIONS, .level = RFP_LEVEL_LOW };
	struct rfp_param_value set[] = { { "keep", "2年" } }, bad[] = { { "kept", "x" } };
	struct rfp_selection *sel;
	struct rfp_item_view v;
	struct capture cap;

	/* "keep" has no basis: its defaults are suggestions, and say so. */
	sel = select_mini(cat, &req, &cap, RFP_OK);
	rfp_selection_item(sel, 0, &v);
	assert_string_equal(v.text, "日誌應保存6個月（建議值，機關得依需求調整：--set keep=…）以上。");
	assert_int_equal(sel->nparams, 1);
	assert_false(sel->params[0].set);
	assert_true(sel->params[0].noted);
	rfp_selection_free(sel);

	req.level = RFP_LEVEL_HIGH;	/* the per-level default */
	sel = select_mini(cat, &req, &cap, RFP_OK);
	rfp_selection_item(sel, 0, &v);
	assert_string_equal(v.text, "日誌應保存1年（建議值，機關得依需求調整：--set keep=…）以上。");
	rfp_selection_free(sel);

	req.params = set;	/* --set wins over every default, and is no suggestion */
	req.nparams = 1;
	sel = select_mini(cat, &req, &cap, RFP_OK);
	rfp_selection_item(sel, 0, &v);
	assert_string_equal(v.text, "日誌應保存2年以上。");
	assert_true(sel->params[0].set);
	assert_false(sel->params[0].noted);
	rfp_selection_free(sel);

	req.params = bad;
	assert_null(select_mini(cat, &req, &cap, RFP_ERR_USAGE));
	assert_non_null(strstr(cap.text, "unknown parameter 'kept'"));
	rfp_catalogue_free(cat);
}

/* A default stated by a source prints as it is; a suggested one is marked. */
static void
test_stated_and_suggested(void **state)
{
	const char *files[] = { "tests/data/mini-baseline.xml", "tests/data/module-figures.xml" };
	struct rfp_catalogue *cat = load(files, 2);
	struct rfp_request req = { .type = RFP_TYPE_OPERATIONS, .level = RFP_LEVEL_LOW,
	    .agency_checklist = true };
	struct rfp_param_value set[] = { { "uptime", "99.5%" } };
	struct rfp_selection *sel;
	struct rfp_item_view v;
	struct capture cap;

	sel = select_mini(cat, &req, &cap, RFP_OK);
	rfp_selection_item(sel, rfp_selection_count(sel) - 1, &v);
	assert_string_equal(v.id, "N.1");
	assert_string_equal(v.text, "失敗達3次後鎖定，並於30日內通知；可用率不低於"
	    "99%（建議值，機關得依需求調整：--set uptime=…）。");
	assert_int_equal(rfp_selection_agency_count(sel), 2);	/* F2.A.1, N.2 */
	rfp_selection_free(sel);

	req.params = set;
	req.nparams = 1;
	sel = select_mini(cat, &req, &cap, RFP_OK);
	rfp_selection_item(sel, rfp_selection_count(sel) - 1, &v);
	assert_string_equal(v.text, "失敗達3次後鎖定，並於30日內通知；可用率不低於99.5%。");
	rfp_selection_free(sel);
	rfp_catalogue_free(cat);
}

static void
test_impact_request(void **state)
{
	const char *files[] = { "tests/data/mini-baseline.xml" };
	struct rfp_catalogue *cat = load(files, 1);
	struct rfp_request req = { .type = RFP_TYPE_DEVELOPMENT, .has_impact = true,
	    .impact = { RFP_LEVEL_LOW, RFP_LEVEL_MODERATE, RFP_LEVEL_LOW, RFP_LEVEL_LOW } };
	struct rfp_selection *sel;
	struct capture cap;

	sel = select_mini(cat, &req, &cap, RFP_OK);
	assert_int_equal(rfp_selection_level(sel), RFP_LEVEL_MODERATE);
	assert_int_equal(rfp_selection_count(sel), 2);
	rfp_selection_free(sel);
	rfp_catalogue_free(cat);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vocabulary),
		cmocka_unit_test(test_impact),
		cmocka_unit_test(test_counts_issue2_catalogue),
		cmocka_unit_test(test_conditions_and_duties),
		cmocka_unit_test(test_parameters),
		cmocka_unit_test(test_stated_and_suggested),
		cmocka_unit_test(test_impact_request),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
