/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the input is a portfolio workbook, .xlsx or .ods: zip bytes
 * (read with every zip check) when it starts with "PK", else the unpacked
 * form of fuzz_unpacked() in fuzz.h. The first sheet and the sheet named
 * 系統清冊 are read from it and every cell is touched.
 */
#include "pkg/pkg.h"
#include "portfolio/sheet.h"
#include "portfolio/sheet_impl.h"

#include "fuzz.h"

static void
read_sheet(struct rfp_ctx *ctx, const struct rfp_pkg *pkg, const char *name, size_t *sink)
{
	struct rfp_sheet sheet = { 0 };

	if (rfp_sheet_read_workbook_pkg(ctx, "fuzz.xlsx", pkg, name, &sheet) != RFP_OK)
		return;
	for (size_t r = 0; r < sheet.nrows; r++)
		for (size_t c = 0; c < sheet.rows[r].ncells; c++)
			*sink += strlen(sheet.rows[r].cells[c]);
	rfp_sheet_fini(&sheet);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rfp_pkg pkg = { 0 };
	struct rfp_ctx *ctx;
	size_t sink = 0;

	if (!(ctx = fuzz_ctx(&sink)))
		return 0;
	if (size >= 2 && memcmp(data, "PK", 2) == 0 ?
	    rfp_pkg_read_buffer(ctx, "fuzz.xlsx", data, size, &pkg) == RFP_OK :
	    fuzz_unpacked((const char *)data, size, &pkg)) {
		read_sheet(ctx, &pkg, NULL, &sink);
		read_sheet(ctx, &pkg, "系統清冊", &sink);
	}
	rfp_pkg_fini(&pkg);
	rfp_ctx_free(ctx);
	return 0;
}
