/* SPDX-License-Identifier: MIT */
/*
 * PDF through LibreOffice (pdf.c); rfp_pdf_new(), rfp_pdf_convert() and
 * rfp_pdf_free() are the public form. What is here is for the tests.
 */
#ifndef RFP_OUTPUT_PDF_H
#define RFP_OUTPUT_PDF_H

#include <stddef.h>
#include <stdint.h>

enum rfp_pdf_fix {
	RFP_PDF_FIXED,		/* nothing of the conversion's time is left */
	RFP_PDF_FIX_PARTIAL,	/* a colour profile keeps it: not LibreOffice's file */
	RFP_PDF_FIX_NOMEM,	/* out of memory: *pdf and *len as they were */
};

/**
 * Makes a PDF that LibreOffice wrote (*pdf, *len bytes, from malloc)
 * depend on its content and epoch only (pdf_dates.c): the dates of the
 * document information and of the XMP metadata become epoch (UTC), and so
 * does the PDF/A colour profile's own time stamp, inside its compressed
 * stream; the file identifier (/ID) and LibreOffice's /DocChecksum become
 * a digest of the rest. The profile's stream changes its length, so the
 * file may be replaced by a new one (*pdf, *len), its cross-reference
 * offsets moved.
 */
enum rfp_pdf_fix rfp_pdf_fix_dates(unsigned char **pdf, size_t *len, int64_t epoch);

#endif
