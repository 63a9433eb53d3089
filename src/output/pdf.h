/* SPDX-License-Identifier: MIT */
/*
 * PDF through LibreOffice (pdf.c); rfp_pdf_new(), rfp_pdf_convert() and
 * rfp_pdf_free() are the public form. What is here is for the tests.
 */
#ifndef RFP_OUTPUT_PDF_H
#define RFP_OUTPUT_PDF_H

#include <stddef.h>
#include <stdint.h>

/**
 * Makes a PDF that LibreOffice wrote depend on its content and epoch only:
 * the creation and modification dates of the document information and of
 * the XMP metadata become epoch (UTC), the file identifier (/ID) and
 * LibreOffice's /DocChecksum a digest of the rest. Every change keeps the
 * length of what it replaces, so the cross-reference offsets stay right.
 * The PDF/A colour profile's own time stamp, inside a compressed stream,
 * becomes epoch too: the stream is deflated again to its old length.
 */
void rfp_pdf_fix_dates(unsigned char *pdf, size_t len, int64_t epoch);

#endif
