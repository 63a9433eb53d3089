/* SPDX-License-Identifier: MIT */
/*
 * UTF-8 checks and XML escaping. Every value that reaches an output part goes
 * through rfp_xml_escape(), which is where characters XML 1.0 forbids are
 * dropped (policy: C0 controls other than TAB/LF/CR, U+FFFE and U+FFFF are
 * removed; malformed UTF-8 becomes U+FFFD).
 */
#ifndef RFP_UTIL_TEXT_H
#define RFP_UTIL_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/**
 * Decodes one code point at s (n > 0 bytes available). Returns its length,
 * or 0 for a malformed sequence; *cp receives the code point.
 */
size_t rfp_utf8_decode(const unsigned char *s, size_t n, unsigned *cp);

/** True if cp may appear in an XML 1.0 document. */
bool rfp_xml_char_ok(unsigned cp);

/**
 * Checks that s is well-formed UTF-8 made of XML 1.0 characters. On failure
 * returns false and the byte offset of the first bad character in *bad.
 */
bool rfp_text_check(const char *s, size_t n, size_t *bad);

/** Appends s escaped for element content (& < >), or for attributes (also "). */
void rfp_xml_escape(struct rfp_buf *b, const char *s, size_t n, bool attr);

/** Appends the UTF-8 of code point cp (at most U+10FFFF; the caller checks). */
void rfp_utf8_put(struct rfp_buf *b, unsigned long cp);

/** Appends s as the content of a JSON string (quotes not included). */
void rfp_json_escape(struct rfp_buf *b, const char *s);
/** Appends s as one RFC 4180 CSV field, quoted when it needs to be; a field
 * that starts with = + - @, tab or CR gets a leading ' (no formula). */
void rfp_csv_field(struct rfp_buf *b, const char *s);
/** Appends s as the text of a Markdown table cell: | and \ cannot end the
 * cell, < > & cannot open raw HTML, * _ ` [ ] cannot open emphasis, code
 * or a link; a line break becomes newline (say "<br>" or " "), a CR
 * nothing. */
void rfp_md_cell(struct rfp_buf *b, const char *s, const char *newline);

/** The SHA-256 of len bytes as 64 hex digits (Nettle). */
void rfp_sha256_hex(const void *data, size_t len, char hex[65]);

/** Edit distance of two short UTF-8 strings in code points, ASCII letters
 * compared without case; UINT_MAX if either is malformed or too long. */
unsigned rfp_text_distance(const char *a, const char *b);

#endif
