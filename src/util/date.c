/* SPDX-License-Identifier: MIT */
/*
 * Dates as officers write them. Government documents are dated in the
 * Republic of China (民國) calendar, year 1 = 1912, in several spellings;
 * all of them become one ISO date, which metadata keeps, and the annex
 * prints 中華民國114年5月1日 again.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <rfpgen/rfpgen.h>

/* Reads up to max ASCII or full-width (U+FF10–FF19) digits at *p. */
static int
digits(const char **p, int max, int *n)
{
	int v = 0, k = 0;
	const unsigned char *s = (const unsigned char *)*p;

	while (k < max) {
		if (*s >= '0' && *s <= '9') {
			v = v * 10 + (*s - '0');
			s++;
		} else if (s[0] == 0xEF && s[1] == 0xBC && s[2] >= 0x90 && s[2] <= 0x99) {
			v = v * 10 + (s[2] - 0x90);
			s += 3;
		} else {
			break;
		}
		k++;
	}
	*p = (const char *)s;
	*n = v;
	return k;
}

static bool
skip(const char **p, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(*p, word, n) != 0)
		return false;
	*p += n;
	return true;
}

static bool
real_date(int y, int m, int d)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return y >= 1912 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	    d <= days[m - 1] + (m == 2 && leap);
}

bool
rfp_date_parse(const char *s, char iso[11])
{
	const char *p = s;
	int y, m, d, ny;
	char sep, buf[40];

	if (!s)
		return false;
	while (*p == ' ')
		p++;
	if (skip(&p, "中華民國") || skip(&p, "民國")) {
		/* 中華民國114年5月1日 */
		if (!digits(&p, 3, &y) || !skip(&p, "年") || !digits(&p, 2, &m) || !skip(&p, "月") ||
		    !digits(&p, 2, &d) || !skip(&p, "日"))
			return false;
		y += 1911;
	} else {
		/* 2025-05-01, or 114-05-01, 114/05/01, 114.5.1 (民國) */
		ny = digits(&p, 4, &y);
		if (ny == 0 || (ny == 4 && y < 1912))
			return false;
		if (skip(&p, "年")) {
			if (!digits(&p, 2, &m) || !skip(&p, "月") || !digits(&p, 2, &d) || !skip(&p, "日"))
				return false;
		} else {
			sep = *p;
			if (sep != '-' && sep != '/' && sep != '.')
				return false;
			p++;
			if (!digits(&p, 2, &m) || *p++ != sep || !digits(&p, 2, &d))
				return false;
		}
		if (ny < 4)
			y += 1911;
	}
	while (*p == ' ')
		p++;
	if (*p || !real_date(y, m, d))
		return false;
	snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
	memcpy(iso, buf, 11);
	return true;
}
