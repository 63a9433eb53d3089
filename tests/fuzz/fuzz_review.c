/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the input is a returned annex, as a bidder might send it
 * back (review.h). It is read with every check of rfp_review_read():
 * the manifest wherever it may be, the checklist rows and controls of a
 * DOCX or an ODT, the typed-answer rule, the text diff. A file that reads
 * is then written as every report and as the CSV matrix, and the counts
 * must add up: a review whose answers do not sum to its items is a bug,
 * and aborts.
 *
 * An input starting with "PK" is a zip package; any other is the unpacked
 * form of fuzz_unpacked() (fuzz.h), so that mutations reach the parts:
 *
 *   === word/document.xml
 *   <?xml ...
 *   === customXml/item1.xml
 *   ...
 */
#include <stdio.h>
#include <stdlib.h>

#include "pkg/pkg.h"
#include "review/review.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rfp_review *r = NULL;
	struct rfp_pkg pkg = { 0 };
	struct rfp_ctx *ctx;
	size_t sink = 0;

	if (!(ctx = fuzz_ctx(&sink)))
		return 0;
	if ((size >= 2 && memcmp(data, "PK", 2) == 0 ?
	    rfp_pkg_read_buffer(ctx, "fuzz.docx", data, size, &pkg) == RFP_OK :
	    fuzz_unpacked((const char *)data, size, &pkg)) &&
	    rfp_review_read_pkg(ctx, "fuzz.docx", &pkg, NULL, &r) == RFP_OK) {
		const struct rfp_review *const one[] = { r, r };
		struct rfp_review_summary s;
		size_t total = 0, len;
		char *out;

		rfp_review_summary(r, &s);
		for (size_t k = 0; k < RFP_REPLY_COUNT; k++)
			total += s.counts[k];
		if (total != s.items || s.items != rfp_review_count(r) ||
		    s.problems != rfp_review_problem_count(r)) {
			fprintf(stderr, "fuzz_review: counts do not add up: %zu answers, %zu items\n",
			    total, s.items);
			abort();
		}
		for (size_t i = 0; i < rfp_review_count(r); i++) {
			struct rfp_review_item it;

			rfp_review_item(r, i, &it);
			sink += strlen(it.answer) + strlen(it.note) + strlen(it.pages) + strlen(it.diff);
		}
		for (int f = RFP_EXPORT_TEXT; f <= RFP_EXPORT_MD; f++)
			if (rfp_review_report(one, 1, (enum rfp_export_format)f, &out, &len) == RFP_OK)
				free(out);
		if (rfp_review_matrix(ctx, one, 2, RFP_MATRIX_CSV, 0, &out, &len) == RFP_OK)
			free(out);
	}
	rfp_review_free(r);
	rfp_pkg_fini(&pkg);
	rfp_ctx_free(ctx);
	return 0;
}
