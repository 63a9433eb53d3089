/* SPDX-License-Identifier: MIT */
/*
 * Output checkers for the fuzz targets that test what a writer wrote
 * (fuzz_export.c, fuzz_rows.c), independent of the code under test:
 *
 *   fz_utf8_valid()   strict UTF-8 (no overlongs, surrogates or > U+10FFFF)
 *   fz_json_check()   an RFC 8259 parser: one value, nothing after it but
 *                     white space, UTF-8 strings without raw control
 *                     characters, escapes that decode (surrogates paired);
 *                     each string member is handed to a callback, decoded
 *   fz_csv_next()     a strict RFC 4180 reader: CRLF records, a quote only
 *                     around a whole field, "" inside; nothing else
 *   fz_md_tables()    pipe tables: every row of a table has as many
 *                     unescaped '|' as its header, ends with one, and holds
 *                     no raw HTML but <br>
 *
 * A check that fails prints what it saw and aborts, so that libFuzzer keeps
 * the input.
 */
#ifndef RFP_FUZZ_FUZZ_CHECK_H
#define RFP_FUZZ_FUZZ_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Aborts with a message and up to 200 bytes of context around at. */
static inline void
fz_fail(const char *what, const char *text, size_t len, size_t at)
{
	size_t from = at > 100 ? at - 100 : 0, to = at + 100 < len ? at + 100 : len;

	fprintf(stderr, "fuzz check failed: %s at byte %zu of %zu\n--- context ---\n", what, at, len);
	if (text)
		fwrite(text + from, 1, to - from, stderr);
	fprintf(stderr, "\n---------------\n");
	abort();
}

/* The length of the UTF-8 sequence at s (at most n bytes), 0 if invalid;
 * *cp receives the code point. */
static inline size_t
fz_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t k;

	if (!n)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		k = 2;
		c = s[0] & 0x1F;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		k = 3;
		c = s[0] & 0x0F;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		k = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < k)
		return 0;
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if ((k == 3 && c < 0x800) || (k == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
	    (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return k;
}

/* SIZE_MAX if s[0..n) is valid UTF-8, else the offset of the first bad byte. */
static inline size_t
fz_utf8_bad(const char *s, size_t n)
{
	uint32_t cp;
	size_t k;

	for (size_t i = 0; i < n; i += k)
		if (!(k = fz_utf8_decode((const unsigned char *)s + i, n - i, &cp)))
			return i;
	return SIZE_MAX;
}

static inline bool
fz_utf8_valid(const char *s, size_t n)
{
	return fz_utf8_bad(s, n) == SIZE_MAX;
}

/* ---- growing byte strings ------------------------------------------- */

struct fz_str {
	char *p;
	size_t n, cap;
};

static inline void
fz_str_add(struct fz_str *s, const char *d, size_t n)
{
	if (s->n + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 64;

		while (cap < s->n + n + 1)
			cap *= 2;
		if (!(s->p = realloc(s->p, cap)))
			abort();
		s->cap = cap;
	}
	memcpy(s->p + s->n, d, n);
	s->n += n;
	s->p[s->n] = '\0';
}

static inline void
fz_str_addc(struct fz_str *s, char c)
{
	fz_str_add(s, &c, 1);
}

static inline void
fz_str_reset(struct fz_str *s)
{
	s->n = 0;
	if (s->p)
		s->p[0] = '\0';
}

static inline void
fz_str_free(struct fz_str *s)
{
	free(s->p);
	*s = (struct fz_str){ 0 };
}

static inline void
fz_str_utf8(struct fz_str *s, uint32_t c)
{
	char u[4];

	if (c < 0x80) {
		u[0] = (char)c;
		fz_str_add(s, u, 1);
	} else if (c < 0x800) {
		u[0] = (char)(0xC0 | (c >> 6));
		u[1] = (char)(0x80 | (c & 0x3F));
		fz_str_add(s, u, 2);
	} else if (c < 0x10000) {
		u[0] = (char)(0xE0 | (c >> 12));
		u[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		u[2] = (char)(0x80 | (c & 0x3F));
		fz_str_add(s, u, 3);
	} else {
		u[0] = (char)(0xF0 | (c >> 18));
		u[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((c >> 6) & 0x3F));
		u[3] = (char)(0x80 | (c & 0x3F));
		fz_str_add(s, u, 4);
	}
}

/* ---- JSON ------------------------------------------------------------ */

/* Called for every member whose value is a string: the key and the value,
 * decoded (NUL-terminated; a \u0000 in them shows as a shorter string). */
typedef void (*fz_json_member_fn)(void *user, const char *key, const char *value);

struct fz_json {
	const char *s;
	size_t len, at;
	unsigned depth;
	fz_json_member_fn member;
	void *user;
	struct fz_str key, val;
};

static inline void
fz_json_fail(struct fz_json *j, const char *what)
{
	fz_fail(what, j->s, j->len, j->at);
}

static inline void
fz_json_ws(struct fz_json *j)
{
	while (j->at < j->len && (j->s[j->at] == ' ' || j->s[j->at] == '\t' ||
	    j->s[j->at] == '\n' || j->s[j->at] == '\r'))
		j->at++;
}

static inline int
fz_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static inline uint32_t
fz_json_u4(struct fz_json *j)
{
	uint32_t v = 0;

	if (j->len - j->at < 4)
		fz_json_fail(j, "JSON: short \\u escape");
	for (int i = 0; i < 4; i++) {
		int h = fz_hex(j->s[j->at + i]);

		if (h < 0)
			fz_json_fail(j, "JSON: bad hex digit in \\u escape");
		v = v << 4 | (uint32_t)h;
	}
	j->at += 4;
	return v;
}

/* A string at j->at (the opening quote), decoded into out. */
static inline void
fz_json_string(struct fz_json *j, struct fz_str *out)
{
	fz_str_reset(out);
	fz_str_add(out, "", 0);
	if (j->at >= j->len || j->s[j->at] != '"')
		fz_json_fail(j, "JSON: string expected");
	j->at++;
	for (;;) {
		unsigned char c;
		uint32_t cp;
		size_t k;

		if (j->at >= j->len)
			fz_json_fail(j, "JSON: unterminated string");
		c = (unsigned char)j->s[j->at];
		if (c == '"') {
			j->at++;
			return;
		}
		if (c < 0x20)
			fz_json_fail(j, "JSON: raw control character in a string");
		if (c != '\\') {
			if (!(k = fz_utf8_decode((const unsigned char *)j->s + j->at, j->len - j->at, &cp)))
				fz_json_fail(j, "JSON: invalid UTF-8 in a string");
			fz_str_add(out, j->s + j->at, k);
			j->at += k;
			continue;
		}
		if (++j->at >= j->len)
			fz_json_fail(j, "JSON: backslash at the end");
		switch (j->s[j->at++]) {
		case '"': fz_str_addc(out, '"'); break;
		case '\\': fz_str_addc(out, '\\'); break;
		case '/': fz_str_addc(out, '/'); break;
		case 'b': fz_str_addc(out, '\b'); break;
		case 'f': fz_str_addc(out, '\f'); break;
		case 'n': fz_str_addc(out, '\n'); break;
		case 'r': fz_str_addc(out, '\r'); break;
		case 't': fz_str_addc(out, '\t'); break;
		case 'u':
			cp = fz_json_u4(j);
			if (cp >= 0xDC00 && cp <= 0xDFFF)
				fz_json_fail(j, "JSON: lone low surrogate");
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				uint32_t lo;

				if (j->len - j->at < 2 || j->s[j->at] != '\\' || j->s[j->at + 1] != 'u')
					fz_json_fail(j, "JSON: lone high surrogate");
				j->at += 2;
				lo = fz_json_u4(j);
				if (lo < 0xDC00 || lo > 0xDFFF)
					fz_json_fail(j, "JSON: high surrogate without a low one");
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			}
			fz_str_utf8(out, cp);
			break;
		default:
			j->at--;
			fz_json_fail(j, "JSON: unknown escape");
		}
	}
}

static inline void
fz_json_number(struct fz_json *j)
{
	size_t d;

	if (j->at < j->len && j->s[j->at] == '-')
		j->at++;
	if (j->at < j->len && j->s[j->at] == '0') {
		j->at++;
	} else {
		for (d = 0; j->at < j->len && j->s[j->at] >= '0' && j->s[j->at] <= '9'; d++)
			j->at++;
		if (!d)
			fz_json_fail(j, "JSON: value expected");
	}
	if (j->at < j->len && j->s[j->at] == '.') {
		j->at++;
		for (d = 0; j->at < j->len && j->s[j->at] >= '0' && j->s[j->at] <= '9'; d++)
			j->at++;
		if (!d)
			fz_json_fail(j, "JSON: digits expected after '.'");
	}
	if (j->at < j->len && (j->s[j->at] == 'e' || j->s[j->at] == 'E')) {
		j->at++;
		if (j->at < j->len && (j->s[j->at] == '+' || j->s[j->at] == '-'))
			j->at++;
		for (d = 0; j->at < j->len && j->s[j->at] >= '0' && j->s[j->at] <= '9'; d++)
			j->at++;
		if (!d)
			fz_json_fail(j, "JSON: digits expected in an exponent");
	}
}

static inline void fz_json_value(struct fz_json *j);

static inline void
fz_json_object(struct fz_json *j)
{
	j->at++;	/* { */
	fz_json_ws(j);
	if (j->at < j->len && j->s[j->at] == '}') {
		j->at++;
		return;
	}
	for (;;) {
		fz_json_ws(j);
		fz_json_string(j, &j->key);
		fz_json_ws(j);
		if (j->at >= j->len || j->s[j->at] != ':')
			fz_json_fail(j, "JSON: ':' expected");
		j->at++;
		fz_json_ws(j);
		if (j->at < j->len && j->s[j->at] == '"') {
			/* Into val: the key stays in key (only an object or an
			 * array value, which has no callback, reuses it). */
			fz_json_string(j, &j->val);
			if (j->member)
				j->member(j->user, j->key.p, j->val.p);
		} else {
			fz_json_value(j);
		}
		fz_json_ws(j);
		if (j->at < j->len && j->s[j->at] == ',') {
			j->at++;
			continue;
		}
		if (j->at < j->len && j->s[j->at] == '}') {
			j->at++;
			return;
		}
		fz_json_fail(j, "JSON: ',' or '}' expected");
	}
}

static inline void
fz_json_array(struct fz_json *j)
{
	j->at++;	/* [ */
	fz_json_ws(j);
	if (j->at < j->len && j->s[j->at] == ']') {
		j->at++;
		return;
	}
	for (;;) {
		fz_json_value(j);
		fz_json_ws(j);
		if (j->at < j->len && j->s[j->at] == ',') {
			j->at++;
			continue;
		}
		if (j->at < j->len && j->s[j->at] == ']') {
			j->at++;
			return;
		}
		fz_json_fail(j, "JSON: ',' or ']' expected");
	}
}

static inline void
fz_json_value(struct fz_json *j)
{
	fz_json_ws(j);
	if (j->at >= j->len)
		fz_json_fail(j, "JSON: value expected at the end");
	if (++j->depth > 64)
		fz_json_fail(j, "JSON: nested too deep");
	switch (j->s[j->at]) {
	case '{': fz_json_object(j); break;
	case '[': fz_json_array(j); break;
	case '"': fz_json_string(j, &j->val); break;
	case 't':
	case 'f':
	case 'n': {
		static const char *const words[] = { "true", "false", "null" };
		bool ok = false;

		for (int i = 0; i < 3 && !ok; i++) {
			size_t n = strlen(words[i]);

			if (j->len - j->at >= n && memcmp(j->s + j->at, words[i], n) == 0) {
				j->at += n;
				ok = true;
			}
		}
		if (!ok)
			fz_json_fail(j, "JSON: bad literal");
		break;
	}
	default:
		fz_json_number(j);
	}
	j->depth--;
}

/* Checks that s[0..len) is one JSON value; member (may be NULL) sees every
 * string member of every object. Aborts if it is not. */
static inline void
fz_json_check(const char *s, size_t len, fz_json_member_fn member, void *user)
{
	struct fz_json j = { .s = s, .len = len, .member = member, .user = user };

	fz_json_value(&j);
	fz_json_ws(&j);
	if (j.at != len)
		fz_json_fail(&j, "JSON: text after the value");
	fz_str_free(&j.key);
	fz_str_free(&j.val);
}

/* ---- CSV (RFC 4180) --------------------------------------------------- */

struct fz_csv_rec {
	struct fz_str *cells;	/* decoded */
	bool *quoted;
	size_t n, cap;
};

static inline void
fz_csv_rec_free(struct fz_csv_rec *r)
{
	for (size_t i = 0; i < r->cap; i++)
		fz_str_free(&r->cells[i]);
	free(r->cells);
	free(r->quoted);
	*r = (struct fz_csv_rec){ 0 };
}

static inline struct fz_str *
fz_csv_new_cell(struct fz_csv_rec *r, bool quoted)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 32;

		if (!(r->cells = realloc(r->cells, cap * sizeof(*r->cells))) ||
		    !(r->quoted = realloc(r->quoted, cap * sizeof(*r->quoted))))
			abort();
		memset(r->cells + r->cap, 0, (cap - r->cap) * sizeof(*r->cells));
		r->cap = cap;
	}
	r->quoted[r->n] = quoted;
	fz_str_reset(&r->cells[r->n]);
	fz_str_add(&r->cells[r->n], "", 0);
	return &r->cells[r->n++];
}

/*
 * Reads the record at *at of s[0..len) into r: fields separated by ',',
 * the record ended by CRLF. A quoted field is "..." with "" for a quote;
 * an unquoted one holds no quote, CR or LF. false at the end of the text;
 * aborts on anything else.
 */
static inline bool
fz_csv_next(const char *s, size_t len, size_t *at, struct fz_csv_rec *r)
{
	size_t i = *at;

	r->n = 0;
	if (i >= len)
		return false;
	for (;;) {
		struct fz_str *c;

		if (i < len && s[i] == '"') {
			c = fz_csv_new_cell(r, true);
			for (i++;; i++) {
				if (i >= len)
					fz_fail("CSV: unterminated quoted field", s, len, i);
				if (s[i] == '"') {
					if (i + 1 < len && s[i + 1] == '"') {
						fz_str_addc(c, '"');
						i++;
						continue;
					}
					i++;
					break;
				}
				fz_str_addc(c, s[i]);
			}
		} else {
			size_t from = i;

			while (i < len && s[i] != ',' && s[i] != '\r' && s[i] != '\n' && s[i] != '"')
				i++;
			if (i < len && s[i] == '"')
				fz_fail("CSV: quote inside an unquoted field", s, len, i);
			c = fz_csv_new_cell(r, false);
			fz_str_add(c, s + from, i - from);
		}
		if (i < len && s[i] == ',') {
			i++;
			continue;
		}
		if (len - i >= 2 && s[i] == '\r' && s[i + 1] == '\n') {
			*at = i + 2;
			return true;
		}
		fz_fail(i >= len ? "CSV: record without its CRLF" : "CSV: stray character after a field",
		    s, len, i);
	}
}

/* What a spreadsheet takes for a formula: a cell that begins with one of
 * these. A neutralised cell begins with an apostrophe instead. */
static inline bool
fz_csv_formula(const char *cell)
{
	return *cell && strchr("=+-@\t\r", *cell);
}

/* ---- Markdown pipe tables ---------------------------------------------- */

/* Unescaped '|' in a line: a backslash escapes the character after it. */
static inline size_t
fz_md_pipes(const char *s, size_t n, bool *ends_with_pipe)
{
	size_t count = 0;
	bool last = false;

	for (size_t i = 0; i < n; i++) {
		last = false;
		if (s[i] == '\\') {
			i++;
			continue;
		}
		if (s[i] == '|') {
			count++;
			last = true;
		}
	}
	*ends_with_pipe = last;
	return count;
}

/*
 * Every block of lines that begin with '|' is a table: its first line the
 * header, its second the delimiter row. Each line must have the header's
 * number of unescaped pipes (one of those in allowed[], 0-terminated), end
 * with one, and hold no '<' but that of <br>, no CR. Returns the number of
 * body rows (lines after the delimiter rows).
 */
static inline size_t
fz_md_tables(const char *s, size_t len, const size_t *allowed)
{
	size_t rows = 0, want = 0, in_table = 0;

	for (size_t i = 0; i < len;) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (s + i)) : len - i;
		const char *line = s + i;
		bool ends;

		if (n && line[0] == '|') {
			size_t pipes = fz_md_pipes(line, n, &ends);

			if (!in_table) {
				bool ok = false;

				for (size_t k = 0; allowed[k]; k++)
					ok |= pipes == allowed[k];
				if (!ok)
					fz_fail("Markdown: table header with an unexpected column count", s, len, i);
				want = pipes;
			} else if (pipes != want) {
				fz_fail("Markdown: table row with a different number of '|' than its header",
				    s, len, i);
			}
			if (!ends)
				fz_fail("Markdown: table row not ended by '|'", s, len, i);
			for (size_t k = 0; k < n; k++) {
				if (line[k] == '\r')
					fz_fail("Markdown: CR in a table row", s, len, i + k);
				if (line[k] == '<' && (n - k < 4 || memcmp(line + k, "<br>", 4) != 0))
					fz_fail("Markdown: raw HTML in a table row", s, len, i + k);
				if (line[k] == '\\')
					k++;
			}
			if (in_table >= 2)
				rows++;
			in_table++;
		} else {
			if (in_table == 1)
				fz_fail("Markdown: table without its delimiter row", s, len, i);
			in_table = 0;
		}
		i += n + 1;
	}
	return rows;
}

#endif
