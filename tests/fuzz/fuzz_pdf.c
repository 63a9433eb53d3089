/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the input is a PDF as LibreOffice might write one (the
 * corpus holds small ones with a colour profile, a /Length object and a
 * cross-reference table). rfp_pdf_fix_dates() rewrites its dates, profile
 * and identifiers; done once more on what it made, it must change nothing,
 * or it aborts.
 */
#include "output/pdf.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *a = malloc(size ? size : 1), *b = NULL;
	size_t la = size, lb;
	enum rfp_pdf_fix r;

	if (!a)
		return 0;
	memcpy(a, data, size);
	r = rfp_pdf_fix_dates(&a, &la, 1700000000);
	if (r == RFP_PDF_FIXED && (b = malloc(la ? la : 1))) {
		memcpy(b, a, la);
		lb = la;
		if (rfp_pdf_fix_dates(&b, &lb, 1700000000) != RFP_PDF_FIXED || lb != la ||
		    memcmp(a, b, la) != 0) {
			fprintf(stderr, "fuzz_pdf: a second rewrite changed the file\n");
			abort();
		}
	}
	free(a);
	free(b);
	return 0;
}
