/* SPDX-License-Identifier: MIT */
/*
 * The shipped catalogue's content: coverage per type and level for both
 * baselines, the 26 project-management items against the seed's table,
 * monotonic levels, and the conditional items.
 */
#include "testutil.h"

#include "catalogue/catalogue.h"
#include "select/select.h"

static struct rfp_selection *
sel_for(const struct rfp_catalogue *cat, enum rfp_type t, enum rfp_level l, unsigned conds)
{
	struct rfp_request req = { .type = t, .level = l, .date = "2026-01-01",
	    .conditions = conds, .agency_checklist = true };
	struct rfp_selection *sel = NULL;
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);

	if (rfp_select(ctx, cat, &req, &sel) != RFP_OK)
		fail_msg("%s", cap.text);
	rfp_ctx_free(ctx);
	return sel;
}

/*
 * Vendor items (party 機關 and conditional items excluded) per type and
 * level. Counted from the XML files with a separate script, not with this
 * code; docs/catalogue.md shows the same table.
 */
static void
check_coverage(const char *baseline, const size_t expect[RFP_TYPE_COUNT][3])
{
	struct rfp_catalogue *cat = load_shipped(baseline);

	for (int t = 0; t < RFP_TYPE_COUNT; t++) {
		for (int l = RFP_LEVEL_LOW; l <= RFP_LEVEL_HIGH; l++) {
			struct rfp_selection *sel = sel_for(cat, (enum rfp_type)t, (enum rfp_level)l, 0);

			if (rfp_selection_count(sel) != expect[t][l - 1])
				fail_msg("%s %s/%s: %zu vendor items, expected %zu", baseline,
				    rfp_type_name((enum rfp_type)t), rfp_level_name((enum rfp_level)l),
				    rfp_selection_count(sel), expect[t][l - 1]);
			rfp_selection_free(sel);
		}
	}
	rfp_catalogue_free(cat);
}

static void
test_coverage_2021(void **state)
{
	static const size_t expect[RFP_TYPE_COUNT][3] = {
		[RFP_TYPE_CONSULTING] = { 41, 41, 41 },
		[RFP_TYPE_DEVELOPMENT] = { 104, 129, 149 },
		[RFP_TYPE_OPERATIONS] = { 99, 120, 138 },
		[RFP_TYPE_CLOUD] = { 97, 118, 136 },
	};

	check_coverage("requirements/baseline-2021.xml", expect);
}

static void
test_coverage_2025(void **state)
{
	static const size_t expect[RFP_TYPE_COUNT][3] = {
		[RFP_TYPE_CONSULTING] = { 41, 41, 41 },
		[RFP_TYPE_DEVELOPMENT] = { 114, 133, 151 },
		[RFP_TYPE_OPERATIONS] = { 109, 124, 140 },
		[RFP_TYPE_CLOUD] = { 107, 122, 138 },
	};

	check_coverage("requirements/baseline-2025.xml", expect);
}

/* The seed's 專案管理需求參考內容 table, transcribed by hand: columns
 * 顧問訓練, 系統發展, 維運服務, 雲端服務. */
static void
test_pm_matrix(void **state)
{
	static const char *const rows[26] = {
		"1111", "0111", "0100", "0011", "0111", "0011", "0111", "1111", "0111",
		"0101", "0111", "0111", "0100", "0011", "1110", "1111", "1111", "1111",
		"1111", "0010", "0100", "0011", "0011", "1111", "1111", "1111",
	};
	struct rfp_catalogue *cat = load_shipped("requirements/baseline-2021.xml");
	size_t found = 0;

	for (size_t i = 0; i < cat->nitems; i++) {
		const struct rfp_item *it = cat->items[i];
		unsigned expect = 0;
		int n;

		if (strncmp(it->id, "PM.", 3) != 0)
			continue;
		n = atoi(it->id + 3);
		assert_true(n >= 1 && n <= 26);
		for (int t = 0; t < 4; t++)
			if (rows[n - 1][t] == '1')
				expect |= 1u << t;
		if (it->types != expect)
			fail_msg("%s applies to types %#x, the seed's table says %#x", it->id, it->types, expect);
		assert_int_equal(it->min_level, RFP_LEVEL_LOW);
		found++;
	}
	assert_int_equal(found, 26);
	rfp_catalogue_free(cat);
}

static bool
contains(const struct rfp_selection *sel, const char *id)
{
	struct rfp_item_view v;

	for (size_t i = 0; i < rfp_selection_count(sel); i++) {
		rfp_selection_item(sel, i, &v);
		if (strcmp(v.id, id) == 0)
			return true;
	}
	for (size_t i = 0; i < rfp_selection_agency_count(sel); i++) {
		rfp_selection_agency_item(sel, i, &v);
		if (strcmp(v.id, id) == 0)
			return true;
	}
	return false;
}

/* items(普) ⊆ items(中) ⊆ items(高) for every type, both baselines, with
 * and without conditions. */
static void
test_monotonic(void **state)
{
	static const char *const baselines[] = { "requirements/baseline-2021.xml",
		"requirements/baseline-2025.xml" };
	const unsigned all = RFP_COND_CORE_OR_LARGE | RFP_COND_EU_PERSONAL_DATA | RFP_COND_CLASSIFIED;

	for (size_t b = 0; b < 2; b++) {
		struct rfp_catalogue *cat = load_shipped(baselines[b]);

		for (int t = 0; t < RFP_TYPE_COUNT; t++) {
			for (unsigned conds = 0; conds <= all; conds += all) {
				for (int l = RFP_LEVEL_LOW; l < RFP_LEVEL_HIGH; l++) {
					struct rfp_selection *lo = sel_for(cat, (enum rfp_type)t, (enum rfp_level)l, conds);
					struct rfp_selection *hi = sel_for(cat, (enum rfp_type)t, (enum rfp_level)(l + 1), conds);
					struct rfp_item_view v;

					assert_true(rfp_selection_count(lo) <= rfp_selection_count(hi));
					for (size_t i = 0; i < rfp_selection_count(lo); i++) {
						rfp_selection_item(lo, i, &v);
						if (!contains(hi, v.id))
							fail_msg("%s: %s at %s but not at the next level",
							    baselines[b], v.id, rfp_level_name((enum rfp_level)l));
					}
					rfp_selection_free(lo);
					rfp_selection_free(hi);
				}
			}
		}
		rfp_catalogue_free(cat);
	}
}

static void
test_conditions(void **state)
{
	struct rfp_catalogue *cat = load_shipped("requirements/baseline-2021.xml");
	struct rfp_selection *off = sel_for(cat, RFP_TYPE_DEVELOPMENT, RFP_LEVEL_HIGH, 0);
	struct rfp_selection *core = sel_for(cat, RFP_TYPE_DEVELOPMENT, RFP_LEVEL_HIGH, RFP_COND_CORE_OR_LARGE);
	struct rfp_selection *secret = sel_for(cat, RFP_TYPE_DEVELOPMENT, RFP_LEVEL_HIGH, RFP_COND_CLASSIFIED);
	struct rfp_selection *cloud = sel_for(cat, RFP_TYPE_CLOUD, RFP_LEVEL_LOW, 0);
	struct rfp_selection *gdpr = sel_for(cat, RFP_TYPE_CLOUD, RFP_LEVEL_LOW, RFP_COND_EU_PERSONAL_DATA);

	assert_false(contains(off, "MG.09"));
	assert_true(contains(core, "MG.09"));
	assert_false(contains(off, "MG.06"));
	assert_true(contains(secret, "MG.06") && contains(secret, "MG.07"));
	assert_false(contains(cloud, "CLD.07"));
	assert_true(contains(gdpr, "CLD.07"));
	/* The seed's GDPR advice is not about one outsourcing type. */
	for (int t = 0; t < RFP_TYPE_COUNT; t++) {
		struct rfp_selection *eu = sel_for(cat, (enum rfp_type)t, RFP_LEVEL_LOW,
		    RFP_COND_EU_PERSONAL_DATA);

		if (!contains(eu, "CLD.07"))
			fail_msg("%s with EU personal data lacks the GDPR item",
			    rfp_type_name((enum rfp_type)t));
		rfp_selection_free(eu);
	}
	/* 附表十 5.6.1 is the agency's duty: an agency item, never a vendor one. */
	for (size_t i = 0; i < rfp_selection_count(off); i++) {
		struct rfp_item_view v;

		rfp_selection_item(off, i, &v);
		assert_string_not_equal(v.id, "SA.OUTSRC.1");
	}
	assert_true(contains(off, "SA.OUTSRC.1"));	/* agency_checklist is on */
	/* Agency duties are never among the vendor items. */
	for (size_t i = 0; i < rfp_selection_count(core); i++) {
		struct rfp_item_view v;

		rfp_selection_item(core, i, &v);
		assert_string_not_equal(v.party, "機關");
	}
	assert_true(rfp_selection_agency_count(core) > 0);
	rfp_selection_free(off);
	rfp_selection_free(core);
	rfp_selection_free(secret);
	rfp_selection_free(cloud);
	rfp_selection_free(gdpr);
	rfp_catalogue_free(cat);
}

/* A parameter with no default and no --set is an error that names it. */
static void
test_unset_parameter(void **state)
{
	const char *paths[] = { strdup(SRC("tests/data/mini-baseline.xml")),
		strdup(SRC("tests/data/module-unset-param.xml")) };
	struct rfp_request req = { .type = RFP_TYPE_OPERATIONS, .level = RFP_LEVEL_LOW, .date = "x" };
	struct rfp_param_value set[] = { { "drill-target", "對外網站" } };
	struct rfp_catalogue *cat = NULL;
	struct rfp_selection *sel = NULL;
	struct rfp_item_view v;
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);

	assert_int_equal(rfp_catalogue_load(ctx, SRC("requirements/catalogue.xsd"), paths, 2, &cat), RFP_OK);
	assert_int_equal(rfp_select(ctx, cat, &req, &sel), RFP_ERR_INVALID);
	assert_non_null(strstr(cap.text, "RFP-PARAM-UNSET"));
	assert_non_null(strstr(cap.text, "item 'U.1': parameter 'drill-target' has no value"));
	req.params = set;
	req.nparams = 1;
	assert_int_equal(rfp_select(ctx, cat, &req, &sel), RFP_OK);
	rfp_selection_item(sel, rfp_selection_count(sel) - 1, &v);
	assert_string_equal(v.text, "演練標的為對外網站。");
	rfp_selection_free(sel);
	rfp_catalogue_free(cat);
	free((char *)paths[0]);
	free((char *)paths[1]);
	rfp_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_coverage_2021),
		cmocka_unit_test(test_coverage_2025),
		cmocka_unit_test(test_pm_matrix),
		cmocka_unit_test(test_monotonic),
		cmocka_unit_test(test_conditions),
		cmocka_unit_test(test_unset_parameter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
