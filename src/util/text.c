/* SPDX-License-Identifier: MIT */
/*
 * UTF-8 decoding (strict: no overlongs, no surrogates, nothing above
 * U+10FFFF) and the XML escaper used by every renderer.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <nettle/sha2.h>

#include "util/text.h"

size_t
rfp_utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0], v;
	size_t len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		v = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		v = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if ((len == 3 && v < 0x800) || (len == 4 && v < 0x10000) ||
	    v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return len;
}

bool
rfp_xml_char_ok(unsigned cp)
{
	if (cp < 0x20)
		return cp == 0x9 || cp == 0xA || cp == 0xD;
	return cp != 0xFFFE && cp != 0xFFFF;
}

bool
rfp_text_check(const char *s, size_t n, size_t *bad)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, len;
	unsigned cp;

	while (i < n) {
		if (u[i] >= 0x20 && u[i] < 0x80) {
			i++;
			continue;
		}
		len = rfp_utf8_decode(u + i, n - i, &cp);
		if (!len || !rfp_xml_char_ok(cp)) {
			*bad = i;
			return false;
		}
		i += len;
	}
	return true;
}

void
rfp_xml_escape(struct rfp_buf *b, const char *s, size_t n, bool attr)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0, len;
	unsigned cp;

	/* Copy runs of safe bytes in one append; stop at anything special. */
	while (i < n) {
		unsigned char c = u[i];

		if (c >= 0x20 && c < 0x80 && c != '&' && c != '<' &&
		    c != '>' && !(attr && c == '"')) {
			i++;
			continue;
		}
		/* Most of an annex is CJK: three-byte sequences led by E1-EC can
		 * be neither overlong, surrogates nor U+FFFE/U+FFFF. */
		if (c >= 0xE1 && c <= 0xEC && i + 2 < n && (u[i + 1] & 0xC0) == 0x80 &&
		    (u[i + 2] & 0xC0) == 0x80) {
			i += 3;
			continue;
		}
		if (c >= 0x80) {
			len = rfp_utf8_decode(u + i, n - i, &cp);
			if (len && rfp_xml_char_ok(cp)) {
				i += len;
				continue;
			}
		}
		rfp_buf_add(b, s + run, i - run);
		switch (c) {
		case '&': rfp_buf_add(b, "&amp;", 5); break;
		case '<': rfp_buf_add(b, "&lt;", 4); break;
		case '>': rfp_buf_add(b, "&gt;", 4); break;
		case '"': rfp_buf_add(b, "&quot;", 6); break;
		case '\t': case '\n': case '\r':
			if (attr)
				rfp_buf_addf(b, "&#%u;", (unsigned)c);
			else
				rfp_buf_addc(b, (char)c);
			break;
		default:
			if (c >= 0x80) {
				len = rfp_utf8_decode(u + i, n - i, &cp);
				if (!len) {
					/* Malformed: one replacement per bad byte. */
					rfp_buf_add(b, "\xEF\xBF\xBD", 3);
					i++;
				} else {
					i += len;	/* U+FFFE/U+FFFF: dropped */
				}
				run = i;
				continue;
			}
			break;	/* other C0 controls: dropped */
		}
		i++;
		run = i;
	}
	rfp_buf_add(b, s + run, i - run);
}

void
rfp_json_escape(struct rfp_buf *b, const char *s)
{
	const char *run = s;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		rfp_buf_add(b, run, (size_t)(s - run));
		switch (c) {
		case '"': rfp_buf_adds(b, "\\\""); break;
		case '\\': rfp_buf_adds(b, "\\\\"); break;
		case '\n': rfp_buf_adds(b, "\\n"); break;
		case '\t': rfp_buf_adds(b, "\\t"); break;
		case '\r': rfp_buf_adds(b, "\\r"); break;
		default: rfp_buf_addf(b, "\\u%04x", c); break;
		}
		run = s + 1;
	}
	rfp_buf_add(b, run, (size_t)(s - run));
}

void
rfp_utf8_put(struct rfp_buf *b, unsigned long cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp, n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | cp >> 12), u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
	} else {
		u[0] = (char)(0xF0 | cp >> 18), u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
	}
	rfp_buf_add(b, u, n);
}

void
rfp_md_cell(struct rfp_buf *b, const char *s, const char *newline)
{
	for (; *s; s++) {
		if (*s == '<')
			rfp_buf_adds(b, "&lt;");
		else if (*s == '>')
			rfp_buf_adds(b, "&gt;");
		else if (*s == '&')
			rfp_buf_adds(b, "&amp;");
		else if (*s == '\n')
			rfp_buf_adds(b, newline);
		else if (strchr("|\\*_`[]", *s)) {
			rfp_buf_addc(b, '\\');
			rfp_buf_addc(b, *s);
		} else if (*s != '\r')
			rfp_buf_addc(b, *s);
	}
}

void
rfp_csv_field(struct rfp_buf *b, const char *s)
{
	/* A cell a spreadsheet would take for a formula (=, +, -, @, or a
	 * tab or CR before one) gets a leading apostrophe, as OWASP advises
	 * against CSV injection: Excel and Calc then show it as text. */
	bool formula = *s && strchr("=+-@\t\r", *s);

	if (!formula && !strpbrk(s, ",\"\r\n")) {
		rfp_buf_adds(b, s);
		return;
	}
	rfp_buf_addc(b, '"');
	if (formula)
		rfp_buf_addc(b, '\'');
	for (; *s; s++) {
		if (*s == '"')
			rfp_buf_addc(b, '"');
		rfp_buf_addc(b, *s);
	}
	rfp_buf_addc(b, '"');
}

/* Code points of a short UTF-8 string, at most max; -1 if malformed. */
static long
code_points(const char *s, unsigned *cp, size_t max)
{
	size_t n = strlen(s), k, count = 0;

	for (size_t i = 0; i < n; i += k) {
		if (count == max || !(k = rfp_utf8_decode((const unsigned char *)s + i, n - i, &cp[count])))
			return -1;
		if (cp[count] < 0x80 && cp[count] >= 'A' && cp[count] <= 'Z')
			cp[count] += 'a' - 'A';
		count++;
	}
	return (long)count;
}

unsigned
rfp_text_distance(const char *a, const char *b)
{
	unsigned ca[64], cb[64], row[65], prev, tmp;
	long na = code_points(a, ca, 64), nb = code_points(b, cb, 64);

	if (na < 0 || nb < 0)
		return UINT_MAX;
	for (long j = 0; j <= nb; j++)
		row[j] = (unsigned)j;
	for (long i = 1; i <= na; i++) {
		prev = row[0];
		row[0] = (unsigned)i;
		for (long j = 1; j <= nb; j++) {
			unsigned up = row[j] + 1, left = row[j - 1] + 1,
			    diag = prev + (ca[i - 1] != cb[j - 1]);

			tmp = row[j];
			row[j] = up < left ? (up < diag ? up : diag) : (left < diag ? left : diag);
			prev = tmp;
		}
	}
	return row[nb];
}

const char *
rfp_nearest(const char *word, const char *const *choices, size_t n)
{
	const char *best = NULL;
	unsigned bestd = UINT_MAX;
	unsigned cp[64];
	long len = code_points(word, cp, 64);

	for (size_t i = 0; len > 0 && i < n; i++) {
		unsigned other[64];
		long clen = code_points(choices[i], other, 64);
		unsigned d = rfp_text_distance(word, choices[i]),
		    cap = len >= 4 || clen >= 4 ? 2 : 1;

		if (d && d <= cap && d < bestd) {
			bestd = d;
			best = choices[i];
		}
	}
	return best;
}

void
rfp_sha256_hex(const void *data, size_t len, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	struct sha256_ctx c;
	uint8_t md[SHA256_DIGEST_SIZE];

	sha256_init(&c);
	sha256_update(&c, len, data);
	sha256_digest(&c, sizeof md, md);
	for (unsigned i = 0; i < sizeof md; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[64] = '\0';
}
