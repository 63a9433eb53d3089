/* SPDX-License-Identifier: MIT */
/*
 * Aligned, width-aware listing of a selection. Columns are padded by
 * display width: East Asian wide characters take two terminal cells.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli/term.h"
#include "util/text.h"

bool
rfp_term_utf8_ok(const char *s)
{
	size_t bad;

	return rfp_text_check(s, strlen(s), &bad);
}

static bool
wide(unsigned cp)
{
	return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
	    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
	    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
	    (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

/* Display width of s; with max > 0, *cut receives the byte length that fits. */
static size_t
width(const char *s, size_t max, size_t *cut)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, w = 0, len, cw;
	unsigned cp;

	while (i < n) {
		len = rfp_utf8_decode(u + i, n - i, &cp);
		if (!len)
			len = 1, cp = '?';
		cw = wide(cp) ? 2 : 1;
		if (max && w + cw > max)
			break;
		w += cw;
		i += len;
	}
	if (cut)
		*cut = i;
	return w;
}

static void
pad(FILE *f, const char *s, size_t col)
{
	size_t w = width(s, 0, NULL);

	fputs(s, f);
	while (w++ < col)
		fputc(' ', f);
}

void
rfp_term_list(FILE *f, const struct rfp_selection *sel, const char *type_name)
{
	size_t n = rfp_selection_count(sel), wl = width("編號", 0, NULL),
	    wm = width("措施", 0, NULL), cols = 0, used, cut;
	struct rfp_item_view v;
	struct winsize ws;
	const char *env;

	if (isatty(fileno(f))) {
		cols = ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col ? ws.ws_col : 100;
		if ((env = getenv("COLUMNS")) && atoi(env) > 40)
			cols = (size_t)atoi(env);
	}
	for (size_t i = 0; i < n; i++) {
		rfp_selection_item(sel, i, &v);
		if (width(v.label, 0, NULL) > wl)
			wl = width(v.label, 0, NULL);
		if (width(v.measure, 0, NULL) > wm)
			wm = width(v.measure, 0, NULL);
	}
	fprintf(f, "%s／%s：%zu 項\n", type_name, rfp_level_name(rfp_selection_level(sel)), n);
	pad(f, "編號", wl + 2);
	pad(f, "等級", 6);
	pad(f, "措施", wm + 2);
	fputs("安全需求項目\n", f);
	used = wl + 2 + 6 + wm + 2;
	for (size_t i = 0; i < n; i++) {
		rfp_selection_item(sel, i, &v);
		pad(f, v.label, wl + 2);
		pad(f, rfp_level_name(v.min_level), 6);
		pad(f, v.measure, wm + 2);
		if (cols > used + 4 && width(v.text, 0, NULL) > cols - used) {
			width(v.text, cols - used - 1, &cut);
			fprintf(f, "%.*s…\n", (int)cut, v.text);
		} else {
			fprintf(f, "%s\n", v.text);
		}
	}
}
