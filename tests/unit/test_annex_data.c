/* SPDX-License-Identifier: MIT */
/*
 * The annex data fields that say where text comes from: module notices
 * (notices, agency_notices, family_notice), legal and source_kind of each
 * item, and the sentence that opens the agency appendix (agency_intro).
 */
#include "testutil.h"

#include "annex/annex.h"
#include "catalogue/catalogue.h"
#include "select/select.h"

static const char *
str(const struct rfp_dnode *map, const char *key)
{
	const struct rfp_dnode *n = rfp_data_get(map, key, strlen(key));

	if (!n || n->kind != RFP_D_STR)
		fail_msg("no string field '%s'", key);
	return n->str ? n->str : "";
}

static const struct rfp_dnode *
list(const struct rfp_dnode *map, const char *key)
{
	const struct rfp_dnode *n = rfp_data_get(map, key, strlen(key));

	if (!n || n->kind != RFP_D_LIST)
		fail_msg("no list field '%s'", key);
	return n;
}

/* The item with that id in a list of items, or NULL. */
static const struct rfp_dnode *
item(const struct rfp_dnode *items, const char *id)
{
	for (const struct rfp_dnode *m = items->first; m; m = m->next)
		if (strcmp(str(m, "id"), id) == 0)
			return m;
	return NULL;
}

static bool
has_notice(const struct rfp_dnode *notices, const char *title)
{
	for (const struct rfp_dnode *m = notices->first; m; m = m->next)
		if (strcmp(str(m, "notice_title"), title) == 0)
			return *str(m, "notice_text") != '\0';
	return false;
}

static void
test_notices_and_sources(void **state)
{
	struct rfp_catalogue *cat = load_shipped("requirements/baseline-2021.xml");
	struct rfp_request req = { .type = RFP_TYPE_DEVELOPMENT, .level = RFP_LEVEL_HIGH,
	    .date = "2026-01-01", .agency_checklist = true };
	struct rfp_selection *sel = NULL;
	struct rfp_arena arena = { 0 };
	const struct rfp_dnode *root, *aroot, *notices, *agn, *fams, *f, *ag, *mg = NULL;
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);
	size_t nmod = 0;

	assert_int_equal(rfp_select(ctx, cat, &req, &sel), RFP_OK);
	root = rfp_annex_data(&arena, sel, "rfpgen test", false, true);
	assert_non_null(root);
	/* The agency's duties are in its own document, never in the annex. */
	aroot = rfp_annex_data(&arena, sel, "rfpgen test", true, true);
	assert_non_null(aroot);
	assert_int_equal(list(root, "agency_items")->count, 0);
	assert_int_equal(list(root, "agency_notices")->count, 0);
	assert_string_equal(str(root, "has_agency_items"), "");
	assert_int_equal(list(aroot, "families")->count, 0);
	assert_int_equal(list(aroot, "checklist")->count, 0);
	assert_string_equal(str(aroot, "title"), "機關自行辦理事項檢核表");

	/* One notice per module that gave vendor items; none for the baseline
	 * (its notice is the top-level notice) or the agency module. */
	notices = list(root, "notices");
	for (size_t i = 0; i < cat->nfiles; i++) {
		const struct rfp_catfile *file = &cat->files[i];
		bool vendor = false;

		for (size_t k = 0; k < sel->nitems && !vendor; k++)
			vendor = sel->items[k].item->file == file;
		if (file == cat->baseline || !vendor)
			assert_false(has_notice(notices, file->title));
		else {
			assert_true(has_notice(notices, file->title));
			nmod++;
		}
	}
	assert_int_equal(notices->count, nmod);
	assert_true(nmod >= 5);
	assert_false(has_notice(notices, "資訊作業委外機關自行辦理事項"));
	agn = list(aroot, "agency_notices");
	assert_int_equal(agn->count, 1);
	assert_true(has_notice(agn, "資訊作業委外機關自行辦理事項"));

	/* family_notice: the module's notice, empty for baseline families. */
	fams = list(root, "families");
	assert_string_equal(str(fams->first, "family_id"), "AC");
	assert_string_equal(str(fams->first, "family_notice"), "");
	for (f = fams->first; f; f = f->next)
		if (strcmp(str(f, "family_id"), "MG") == 0)
			mg = f;
	assert_non_null(mg);
	assert_non_null(strstr(str(mg, "family_notice"), "施行細則第4條"));

	/* legal / source_kind: §4 and 附表十 are law, the deck is guidance. */
	assert_string_equal(str(item(list(mg, "items"), "MG.11"), "legal"), "是");
	assert_string_equal(str(item(list(mg, "items"), "MG.11"), "source_kind"), "法規");
	assert_non_null(strstr(str(item(list(mg, "items"), "MG.11"), "text"), "應立即通知"));
	assert_string_equal(str(item(list(mg, "items"), "MG.05"), "legal"), "");
	assert_string_equal(str(item(list(mg, "items"), "MG.05"), "source_kind"), "參考資料");

	/* 附表十 5.6.1 is an agency duty; the appendix does not call the
	 * deck's good practice 依法. */
	ag = list(aroot, "agency_items");
	assert_non_null(item(ag, "SA.OUTSRC.1"));
	assert_string_equal(str(item(ag, "SA.OUTSRC.1"), "legal"), "是");
	assert_string_equal(str(item(ag, "AG.02"), "legal"), "");
	assert_null(item(list(root, "checklist"), "SA.OUTSRC.1"));
	assert_null(strstr(str(aroot, "agency_intro"), "依法"));
	assert_non_null(strstr(str(aroot, "agency_intro"), "建議之作法"));

	rfp_arena_fini(&arena);
	rfp_selection_free(sel);
	rfp_ctx_free(ctx);
	rfp_catalogue_free(cat);
}

/* Every field the annex fills is one the dictionary declares, so
 * templates can use the new ones. */
static void
test_dict_has_new_fields(void **state)
{
	static const char *const names[][2] = {
		{ "notices", NULL }, { "notice_title", "notices" }, { "notice_text", "notices" },
		{ "agency_notices", NULL }, { "notice_title", "agency_notices" },
		{ "notice_text", "agency_notices" }, { "agency_intro", NULL },
		{ "family_notice", "families" }, { "legal", "items" }, { "source_kind", "items" },
		{ "legal", "agency_items" }, { "source_kind", "agency_items" },
		{ "legal", "checklist" }, { "source_kind", "checklist" },
	};
	const struct rfp_dict *d = rfp_annex_dict();

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		bool found = false;

		for (size_t k = 0; k < d->n && !found; k++)
			found = strcmp(d->entries[k].name, names[i][0]) == 0 &&
			    ((!names[i][1] && !d->entries[k].list) ||
			    (names[i][1] && d->entries[k].list &&
			    strcmp(d->entries[k].list, names[i][1]) == 0));
		if (!found)
			fail_msg("field %s (in %s) is not in the annex dictionary", names[i][0],
			    names[i][1] ? names[i][1] : "top level");
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_notices_and_sources),
		cmocka_unit_test(test_dict_has_new_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
