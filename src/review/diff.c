/* SPDX-License-Identifier: MIT */
/*
 * Comparing a requirement as issued with the text a bidder returned. A
 * Chinese sentence has no spaces between its words, so a word-level diff
 * of it is a diff by characters: each CJK character and each punctuation
 * mark is one token, a run of ASCII letters and digits (an English word, a
 * number such as 8, 90 or ISO 27001's 27001) is one, and a space is one.
 * The longest common subsequence of the tokens gives both the similarity
 * and the diff; runs of removed and added tokens are merged, so the diff
 * reads 資通系統應{-停用-}{+保留+}閒置帳號。
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "review/review.h"
#include "util/text.h"

/* Beyond this many DP cells (a requirement is a few hundred characters)
 * the diff is the whole text removed and the new one added. */
#define MAX_CELLS (4u << 20)

struct tok {
	uint32_t off, len;
};

static bool
ascii_word(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* The tokens of s; *n receives their count. NULL when out of memory. */
static struct tok *
tokens(const char *s, size_t *n)
{
	size_t len = strlen(s), k = 0;
	struct tok *t = malloc((len ? len : 1) * sizeof(*t));

	if (!t)
		return NULL;
	for (size_t i = 0; i < len;) {
		size_t j = i;
		unsigned cp;

		if (ascii_word((unsigned char)s[i])) {
			while (j < len && ascii_word((unsigned char)s[j]))
				j++;
		} else {
			size_t w = rfp_utf8_decode((const unsigned char *)s + i, len - i, &cp);

			j = i + (w ? w : 1);
		}
		t[k++] = (struct tok){ (uint32_t)i, (uint32_t)(j - i) };
		i = j;
	}
	*n = k;
	return t;
}

static bool
same(const char *a, const struct tok *x, const char *b, const struct tok *y)
{
	return x->len == y->len && memcmp(a + x->off, b + y->off, x->len) == 0;
}

/*
 * The LCS table of the tokens after the common prefix and suffix: L[i][j]
 * is the LCS of x[i..] and y[j..]. NULL when too large or out of memory.
 */
static uint16_t *
lcs_table(const char *a, const struct tok *x, size_t n, const char *b, const struct tok *y,
    size_t m)
{
	uint16_t *L;

	if (n > UINT16_MAX || m > UINT16_MAX || (n + 1) * (m + 1) > MAX_CELLS)
		return NULL;
	if (!(L = calloc((n + 1) * (m + 1), sizeof(*L))))
		return NULL;
	for (size_t i = n; i-- > 0;)
		for (size_t j = m; j-- > 0;) {
			uint16_t *c = &L[i * (m + 1) + j];

			if (same(a, &x[i], b, &y[j]))
				*c = (uint16_t)(L[(i + 1) * (m + 1) + j + 1] + 1);
			else {
				uint16_t d = L[(i + 1) * (m + 1) + j], r = L[i * (m + 1) + j + 1];

				*c = d > r ? d : r;
			}
		}
	return L;
}

double
rfp_text_similarity(const char *a, const char *b)
{
	size_t n, m, p = 0, common;
	struct tok *x = tokens(a, &n), *y = tokens(b, &m);
	uint16_t *L = NULL;
	double r = 0;

	if (!x || !y)
		goto out;
	if (n + m == 0) {
		r = 1;
		goto out;
	}
	while (p < n && p < m && same(a, &x[p], b, &y[p]))
		p++;
	common = p;
	if ((L = lcs_table(a, x + p, n - p, b, y + p, m - p)) != NULL)
		common += L[0];
	r = 2.0 * (double)common / (double)(n + m);
out:
	free(L);
	free(x);
	free(y);
	return r;
}

static void
span(struct rfp_buf *out, const char *open, const char *s, const struct tok *t, size_t from,
    size_t to, const char *close)
{
	if (from == to)
		return;
	rfp_buf_adds(out, open);
	rfp_buf_add(out, s + t[from].off, t[to - 1].off + t[to - 1].len - t[from].off);
	rfp_buf_adds(out, close);
}

void
rfp_text_diff(struct rfp_buf *out, const char *a, const char *b)
{
	size_t n, m, i = 0, j = 0, pre = 0, suf = 0;
	struct tok *x = tokens(a, &n), *y = tokens(b, &m);
	uint16_t *L = NULL;

	if (!x || !y) {
		out->err = out->err ? out->err : RFP_ERR_NOMEM;
		goto out;
	}
	while (pre < n && pre < m && same(a, &x[pre], b, &y[pre]))
		pre++;
	while (suf < n - pre && suf < m - pre && same(a, &x[n - 1 - suf], b, &y[m - 1 - suf]))
		suf++;
	if (pre)
		rfp_buf_add(out, a, x[pre - 1].off + x[pre - 1].len);
	size_t xn = n - pre - suf, ym = m - pre - suf;
	const struct tok *xs = x + pre, *ys = y + pre;

	L = lcs_table(a, xs, xn, b, ys, ym);
	if (!L) {
		span(out, "[-", a, xs, 0, xn, "-]");
		span(out, "{+", b, ys, 0, ym, "+}");
	} else {
		/* Walk the table, collecting runs of removals and additions. */
		size_t di = 0, dj = 0;	/* start of the pending runs */

		while (i < xn || j < ym) {
			if (i < xn && j < ym && same(a, &xs[i], b, &ys[j])) {
				span(out, "[-", a, xs, di, i, "-]");
				span(out, "{+", b, ys, dj, j, "+}");
				rfp_buf_add(out, a + xs[i].off, xs[i].len);
				di = ++i;
				dj = ++j;
			} else if (j < ym && (i == xn ||
			    L[i * (ym + 1) + j + 1] >= L[(i + 1) * (ym + 1) + j])) {
				j++;
			} else {
				i++;
			}
		}
		span(out, "[-", a, xs, di, i, "-]");
		span(out, "{+", b, ys, dj, j, "+}");
	}
	if (suf)
		rfp_buf_adds(out, a + x[n - suf].off);
out:
	free(L);
	free(x);
	free(y);
}
