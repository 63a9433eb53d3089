/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the input is a portfolio CSV file, its encoding detected
 * (UTF-8 with or without a BOM, else CP950). Every cell of a sheet that
 * reads is touched.
 */
#include "portfolio/sheet.h"
#include "portfolio/sheet_impl.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rfp_sheet sheet = { 0 };
	struct rfp_ctx *ctx;
	size_t sink = 0;

	if (!(ctx = fuzz_ctx(&sink)))
		return 0;
	if (rfp_sheet_parse_csv(ctx, "fuzz.csv", NULL, (const char *)data, size,
	    &sheet) == RFP_OK) {
		for (size_t r = 0; r < sheet.nrows; r++)
			for (size_t c = 0; c < sheet.rows[r].ncells; c++)
				sink += strlen(sheet.rows[r].cells[c]);
		rfp_sheet_fini(&sheet);
	}
	rfp_ctx_free(ctx);
	return 0;
}
