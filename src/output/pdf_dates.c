/* SPDX-License-Identifier: MIT */
/*
 * A PDF that LibreOffice wrote, made to depend on its content and
 * SOURCE_DATE_EPOCH only (docs/pdf.md). LibreOffice 7.4 writes the time of
 * the conversion in four places: the document information's dates, the
 * XMP metadata's dates, the identifiers it derives from them (/ID and its
 * own /DocChecksum), and, in a PDF/A, the time stamp of the colour profile
 * it makes for the output intent, inside a Flate stream.
 *
 * The dates and identifiers keep their length and are replaced where they
 * stand. The colour profile is deflated again, and its new length differs
 * from the old one by a few bytes with the time that was in it: the stream,
 * its /Length and every cross-reference offset after it move. Keeping the
 * old length instead (padding the deflate stream) would make the bytes
 * depend on the old time again, and cannot always be done.
 *
 * Only what LibreOffice writes is rewritten: one classic cross-reference
 * table, no incremental update. Anything else keeps its colour profile as
 * it was, and the caller is told.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "output/pdf.h"
#include "util/text.h"

#define MAX_ICC (1u << 20)
#define MAX_EDITS 17	/* 8 profiles, their lengths, startxref */

/* ---- small readers -------------------------------------------------- */

static bool
digits(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	return true;
}

static void
put_digits(unsigned char *p, size_t v, size_t n)
{
	for (size_t i = n; i-- > 0; v /= 10)
		p[i] = (unsigned char)('0' + v % 10);
}

static bool
is_space(unsigned char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

static const unsigned char *
skip_space(const unsigned char *p, const unsigned char *end)
{
	while (p < end && is_space(*p))
		p++;
	return p;
}

/* A decimal number of at most 10 digits at *p, which moves past it. */
static bool
number(const unsigned char **p, const unsigned char *end, size_t *v)
{
	size_t n = 0;

	*v = 0;
	while (*p < end && **p >= '0' && **p <= '9' && n < 11) {
		*v = *v * 10 + (size_t)(**p - '0');
		(*p)++;
		n++;
	}
	return n > 0 && n <= 10;
}

static const unsigned char *
find(const unsigned char *p, const unsigned char *end, const char *s)
{
	return p && p < end ? memmem(p, (size_t)(end - p), s, strlen(s)) : NULL;
}

/* ---- the cross-reference table -------------------------------------- */

/* Calls f for each entry in use of the table at xref (the offset of its
 * "xref"), with the entry's ten offset digits and its object number. The
 * offset of "trailer", or 0 if the table is not one LibreOffice writes or
 * f said stop. */
static size_t
xref_walk(unsigned char *pdf, size_t len, size_t xref,
    bool (*f)(unsigned char *off, size_t num, void *data), void *data)
{
	const unsigned char *end = pdf + len, *p = pdf + xref + 4;

	if (xref > len || len - xref < 4 || memcmp(pdf + xref, "xref", 4) != 0)
		return 0;
	for (;;) {
		size_t first, count;

		p = skip_space(p, end);
		if ((size_t)(end - p) >= 7 && memcmp(p, "trailer", 7) == 0)
			return (size_t)(p - pdf);
		if (!number(&p, end, &first) || p >= end || *p != ' ')
			return 0;
		p++;
		if (!number(&p, end, &count))
			return 0;
		p = skip_space(p, end);
		if (count > (size_t)(end - p) / 20)
			return 0;
		for (size_t i = 0; i < count; i++, p += 20) {
			if (!digits(p, 10) || p[10] != ' ' || !digits(p + 11, 5) || p[16] != ' ' ||
			    (p[17] != 'n' && p[17] != 'f') || !is_space(p[18]) || !is_space(p[19]))
				return 0;
			if (p[17] == 'n' && !f((unsigned char *)p, first + i, data))
				return 0;
		}
	}
}

struct table {
	size_t xref;		/* offset of "xref" */
	size_t at, n;		/* startxref's digits */
};

/* The last startxref and its table, if the file has one table only. */
static bool
find_table(const unsigned char *pdf, size_t len, struct table *t)
{
	const unsigned char *end = pdf + len, *p, *q, *last = NULL;

	for (q = pdf + (len > 1024 ? len - 1024 : 0); (q = find(q, end, "startxref")); q += 9)
		last = q;
	if (!last)
		return false;
	p = skip_space(last + 9, end);
	t->at = (size_t)(p - pdf);
	if (!number(&p, end, &t->xref))
		return false;
	t->n = (size_t)(p - pdf) - t->at;
	return true;
}

static bool
any(unsigned char *off, size_t num, void *data)
{
	(void)off, (void)num, (void)data;
	return true;
}

static bool
table_usable(unsigned char *pdf, size_t len, const struct table *t)
{
	size_t trailer = xref_walk(pdf, len, t->xref, any, NULL);
	const unsigned char *end;

	if (!trailer || !(end = find(pdf + trailer, pdf + len, "startxref")))
		return false;
	/* An incremental update or a hybrid file: not LibreOffice's. */
	return !memmem(pdf + trailer, (size_t)(end - pdf) - trailer, "/Prev", 5) &&
	    !memmem(pdf + trailer, (size_t)(end - pdf) - trailer, "/XRefStm", 8);
}

struct lookup {
	size_t num, off;
	bool found;
};

static bool
lookup_entry(unsigned char *off, size_t num, void *data)
{
	struct lookup *l = data;

	if (num == l->num) {
		const unsigned char *p = off;

		number(&p, off + 10, &l->off);
		l->found = true;
	}
	return true;
}

/* ---- edits that change lengths -------------------------------------- */

struct edit {
	size_t pos, old;	/* old bytes at pos are replaced */
	unsigned char *bytes;	/* by n bytes, owned */
	size_t n;
};

struct plan {
	struct edit e[MAX_EDITS];
	size_t n;
};

static void
plan_free(struct plan *pl)
{
	for (size_t i = 0; i < pl->n; i++)
		free(pl->e[i].bytes);
	pl->n = 0;
}

/* Adds an edit; false if out of memory or room (bytes is freed). */
static bool
plan_add(struct plan *pl, size_t pos, size_t old, unsigned char *bytes, size_t n)
{
	size_t i;

	if (!bytes || pl->n == MAX_EDITS) {
		free(bytes);
		return false;
	}
	for (i = pl->n; i > 0 && pl->e[i - 1].pos > pos; i--)
		pl->e[i] = pl->e[i - 1];
	pl->e[i] = (struct edit){ pos, old, bytes, n };
	pl->n++;
	return true;
}

/* Whether [pos, pos + n) meets an edit of pl: a /Length object or a
 * startxref inside a stream, which only a broken file has. */
static bool
overlaps(const struct plan *pl, size_t pos, size_t n)
{
	for (size_t i = 0; i < pl->n; i++)
		if (pos < pl->e[i].pos + pl->e[i].old && pl->e[i].pos < pos + n)
			return true;
	return false;
}

static unsigned char *
decimal(size_t v, size_t *n)
{
	char s[24];
	unsigned char *b;

	*n = (size_t)snprintf(s, sizeof(s), "%zu", v);
	if ((b = malloc(*n)))
		memcpy(b, s, *n);
	return b;
}

/* Where the byte at old offset x is after the edits. */
static size_t
moved(const struct plan *pl, size_t x)
{
	size_t y = x;

	for (size_t i = 0; i < pl->n && pl->e[i].pos < x; i++)
		y = y - pl->e[i].old + pl->e[i].n;
	return y;
}

static bool
move_entry(unsigned char *off, size_t num, void *data)
{
	const unsigned char *p = off;
	size_t v, y;

	(void)num;
	number(&p, off + 10, &v);
	if ((y = moved(data, v)) > 9999999999u)
		return false;
	put_digits(off, y, 10);
	return true;
}

/* The file with the edits made, its table's offsets moved: a new buffer,
 * or NULL, with *bad if the table did not survive the edits (an edit
 * inside it, which only a broken file has) rather than memory running out. */
static unsigned char *
apply(const unsigned char *pdf, size_t len, struct plan *pl, const struct table *t,
    size_t *outlen, bool *bad)
{
	size_t n = len, at = 0, o = 0, v;
	unsigned char *out;

	for (size_t i = 0; i < pl->n; i++)
		n = n - pl->e[i].old + pl->e[i].n;
	if (!(out = malloc(n)))
		return NULL;
	for (size_t i = 0; i < pl->n; i++) {
		memcpy(out + o, pdf + at, pl->e[i].pos - at);
		o += pl->e[i].pos - at;
		memcpy(out + o, pl->e[i].bytes, pl->e[i].n);
		o += pl->e[i].n;
		at = pl->e[i].pos + pl->e[i].old;
	}
	memcpy(out + o, pdf + at, len - at);
	v = moved(pl, t->xref);
	if (!xref_walk(out, n, v, move_entry, pl)) {
		free(out);
		*bad = true;
		return NULL;
	}
	*outlen = n;
	return out;
}

/* ---- the colour profile --------------------------------------------- */

/* Inflates the zlib stream at p (at most avail bytes) into out (MAX_ICC):
 * *n bytes, *used the bytes of p it took. false if it is none. */
static bool
inflate_at(const unsigned char *p, size_t avail, unsigned char *out, size_t *n, size_t *used)
{
	z_stream z = { 0 };
	int rc;

	if (inflateInit(&z) != Z_OK)
		return false;
	z.next_in = (unsigned char *)p;
	z.avail_in = avail > UINT_MAX ? UINT_MAX : (unsigned)avail;
	z.next_out = out;
	z.avail_out = MAX_ICC;
	rc = inflate(&z, Z_FINISH);
	*n = z.total_out;
	*used = z.total_in;
	inflateEnd(&z);
	return rc == Z_STREAM_END;
}

/* The value of /Length in the dictionary [dict, end): where its digits
 * are, in the dictionary or in the object it refers to. */
static bool
stream_length(unsigned char *pdf, size_t len, const struct table *t, const unsigned char *dict,
    const unsigned char *end, size_t *at, size_t *n, size_t *value)
{
	const unsigned char *p = find(dict, end, "/Length"), *q, *fin = pdf + len;
	size_t a, g;

	if (!p)
		return false;
	p = skip_space(p + 7, end);
	*at = (size_t)(p - pdf);
	if (!number(&p, end, &a))
		return false;
	*n = (size_t)(p - pdf) - *at;
	*value = a;
	q = skip_space(p, end);
	if (number(&q, end, &g) && (q = skip_space(q, end)) < end && *q == 'R') {
		struct lookup l = { .num = a };

		if (!xref_walk(pdf, len, t->xref, lookup_entry, &l) || !l.found || l.off >= len)
			return false;
		/* "a g obj value endobj" */
		p = pdf + l.off;
		if (!number(&p, fin, &g) || g != a)
			return false;
		p = skip_space(p, fin);
		if (!number(&p, fin, &g) || (size_t)(fin - (p = skip_space(p, fin))) < 3 ||
		    memcmp(p, "obj", 3) != 0)
			return false;
		p = skip_space(p + 3, fin);
		*at = (size_t)(p - pdf);
		if (!number(&p, fin, value))
			return false;
		*n = (size_t)(p - pdf) - *at;
		p = skip_space(p, fin);
		if ((size_t)(fin - p) < 6 || memcmp(p, "endobj", 6) != 0)
			return false;
	}
	return true;
}

/*
 * The ICC profiles in Flate streams (PDF/A's output intent) stamped with t
 * (header bytes 24-35) and deflated again: edits in pl. A profile with an
 * MD5 profile id, which would change with the stamp, or whose length is
 * not where LibreOffice puts it, is left as it is: RFP_PDF_FIX_PARTIAL.
 */
static enum rfp_pdf_fix
plan_icc(unsigned char *pdf, size_t len, const struct table *t, bool usable,
    const struct tm *tm, struct plan *pl)
{
	const unsigned char *end = pdf + len;
	const int v[6] = { tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday, tm->tm_hour,
		tm->tm_min, tm->tm_sec };
	unsigned char *icc = malloc(MAX_ICC);
	enum rfp_pdf_fix r = RFP_PDF_FIXED;

	if (!icc)
		return RFP_PDF_FIX_NOMEM;
	for (const unsigned char *p = pdf; (p = find(p, end, "stream")); p += 6) {
		const unsigned char *d = p + 6, *dict;
		unsigned char *z;
		size_t n, used, at, digits_n, value, zn;
		uLongf zlen;
		bool zero_id = true;

		if (p > pdf && p[-1] == 'd')	/* endstream */
			continue;
		if (d < end && *d == '\r')
			d++;
		if (d >= end || *d != '\n')
			continue;
		d++;
		/* The stream's dictionary: an ICC profile's has /N. */
		for (dict = p; dict > pdf + 1 && p - dict < 256 && !(dict[-1] == '<' && dict[0] == '<');
		    dict--)
			;
		if (!memmem(dict, (size_t)(p - dict), "/N ", 3) ||
		    !memmem(dict, (size_t)(p - dict), "/FlateDecode", 12))
			continue;
		if (!inflate_at(d, (size_t)(end - d), icc, &n, &used) || n < 128 ||
		    memcmp(icc + 36, "acsp", 4) != 0 ||
		    ((size_t)icc[0] << 24 | (size_t)icc[1] << 16 | (size_t)icc[2] << 8 | icc[3]) != n)
			continue;
		for (int i = 84; i < 100; i++)
			if (icc[i])
				zero_id = false;
		if (!zero_id || !usable || pl->n + 3 > MAX_EDITS ||
		    !stream_length(pdf, len, t, dict, p, &at, &digits_n, &value) || value != used ||
		    (at < (size_t)(d - pdf) + used && (size_t)(d - pdf) < at + digits_n) ||
		    overlaps(pl, (size_t)(d - pdf), used) || overlaps(pl, at, digits_n)) {
			r = RFP_PDF_FIX_PARTIAL;
			continue;
		}
		for (int i = 0; i < 6; i++) {
			icc[24 + 2 * i] = (unsigned char)(v[i] >> 8);
			icc[25 + 2 * i] = (unsigned char)v[i];
		}
		zlen = compressBound((uLong)n);
		if (!(z = malloc(zlen)) || compress2(z, &zlen, icc, (uLong)n, 9) != Z_OK ||
		    !plan_add(pl, (size_t)(d - pdf), used, z, zlen) ||
		    !(z = decimal(zlen, &zn)) || !plan_add(pl, at, digits_n, z, zn)) {
			r = RFP_PDF_FIX_NOMEM;
			break;
		}
		p = d + used - 6;
	}
	free(icc);
	return r;
}

/* ---- the identifiers ------------------------------------------------ */

static bool
hex_at(const unsigned char *h, const unsigned char *end, size_t n)
{
	if ((size_t)(end - h) < n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'A' && h[i] <= 'F') ||
		    (h[i] >= 'a' && h[i] <= 'f')))
			return false;
	return true;
}

/* Skips what may stand between a key and its hex digits: blanks, '/',
 * '[', '<' and '>'. */
static unsigned char *
skip_to_hex(unsigned char *h, const unsigned char *end)
{
	while (h < end && *h && strchr(" \n\r[]</>", *h))
		h++;
	return h;
}

/* Each value of key, n hex digits (two of them for /ID [<a> <b>]): set to
 * the n digits at hex, upper case, or zeros. */
static void
each_hex(unsigned char *pdf, size_t len, const char *key, size_t n, const char *hex)
{
	size_t k = strlen(key);
	const unsigned char *end = pdf + len;

	for (unsigned char *p = pdf; (p = memmem(p, (size_t)(end - p), key, k)); p += k) {
		unsigned char *h = skip_to_hex(p + k, end);

		for (int twice = strcmp(key, "/ID") == 0; ; twice = 0) {
			if (!hex_at(h, end, n) || (h + n < end && hex_at(h + n, end, 1)))
				break;
			for (size_t i = 0; i < n; i++)
				h[i] = hex ? (unsigned char)(hex[i] >= 'a' ? hex[i] - 'a' + 'A' : hex[i]) : '0';
			if (!twice)
				break;
			h = skip_to_hex(h + n, end);
		}
	}
}

/* ---- the dates ------------------------------------------------------ */

static void
fix_dates(unsigned char *pdf, size_t len, const struct tm *tm)
{
	static const char *const info[] = { "/CreationDate(D:", "/ModDate(D:" };
	static const char *const xmp[] = { "<xmp:CreateDate>", "<xmp:ModifyDate>",
		"<xmp:MetadataDate>" };
	const unsigned char *end = pdf + len;
	char iso[64];

	/* D:YYYYMMDDHHmmSS in the document information. */
	for (size_t k = 0; k < 2; k++)
		for (unsigned char *p = pdf; (p = (unsigned char *)find(p, end, info[k]));
		    p += strlen(info[k])) {
			unsigned char *d = p + strlen(info[k]);

			if ((size_t)(end - d) < 14 || !digits(d, 14))
				continue;
			put_digits(d, (size_t)tm->tm_year + 1900, 4);
			put_digits(d + 4, (size_t)tm->tm_mon + 1, 2);
			put_digits(d + 6, (size_t)tm->tm_mday, 2);
			put_digits(d + 8, (size_t)tm->tm_hour, 2);
			put_digits(d + 10, (size_t)tm->tm_min, 2);
			put_digits(d + 12, (size_t)tm->tm_sec, 2);
		}
	/* YYYY-MM-DDTHH:mm:SS in the XMP metadata (uncompressed in PDF/A). */
	snprintf(iso, sizeof(iso), "%04d-%02d-%02dT%02d:%02d:%02d", tm->tm_year + 1900,
	    tm->tm_mon + 1, tm->tm_mday, tm->tm_hour, tm->tm_min, tm->tm_sec);
	for (size_t k = 0; k < 3; k++)
		for (unsigned char *p = pdf; (p = (unsigned char *)find(p, end, xmp[k]));
		    p += strlen(xmp[k])) {
			unsigned char *d = p + strlen(xmp[k]);

			if ((size_t)(end - d) < 19 || !digits(d, 4) || d[4] != '-' || d[10] != 'T')
				continue;
			memcpy(d, iso, 19);
		}
}

enum rfp_pdf_fix
rfp_pdf_fix_dates(unsigned char **pdf, size_t *len, int64_t epoch)
{
	time_t t = (time_t)epoch;
	struct plan pl = { .n = 0 };
	struct table tab = { 0 };
	struct tm tm;
	unsigned char *p = *pdf, *out = NULL, *num;
	size_t n = *len, zn;
	char digest[65];
	enum rfp_pdf_fix r;
	bool usable, bad = false;

	if (!p || !gmtime_r(&t, &tm))
		return RFP_PDF_FIX_PARTIAL;
	fix_dates(p, n, &tm);
	usable = find_table(p, n, &tab) && table_usable(p, n, &tab);
	r = plan_icc(p, n, &tab, usable, &tm, &pl);
	if (r != RFP_PDF_FIX_NOMEM && pl.n && overlaps(&pl, tab.at, tab.n)) {
		plan_free(&pl);
		r = RFP_PDF_FIX_PARTIAL;
	}
	if (r != RFP_PDF_FIX_NOMEM && pl.n &&
	    (!(num = decimal(moved(&pl, tab.xref), &zn)) || !plan_add(&pl, tab.at, tab.n, num, zn) ||
	    !(out = apply(p, n, &pl, &tab, &n, &bad))))
		r = bad ? RFP_PDF_FIX_PARTIAL : RFP_PDF_FIX_NOMEM;
	plan_free(&pl);
	if (r == RFP_PDF_FIX_NOMEM)
		return r;
	if (out) {
		free(p);
		*pdf = p = out;
		*len = n;
	}
	/* The identifiers LibreOffice made from the time: a digest of the
	 * file with them zeroed. */
	each_hex(p, n, "/ID", 32, NULL);
	each_hex(p, n, "/DocChecksum", 32, NULL);
	rfp_sha256_hex(p, n, digest);
	each_hex(p, n, "/ID", 32, digest);
	each_hex(p, n, "/DocChecksum", 32, digest + 32);
	return r;
}
