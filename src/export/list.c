/* SPDX-License-Identifier: MIT */
/*
 * The selection as an aligned table for a terminal (rfp_selection_list).
 * Columns are padded by display width: East Asian wide characters take two
 * terminal cells.
 */
#include "config.h"

#include <string.h>

#include "select/select.h"
#include "util/buf.h"
#include "util/text.h"

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
pad(struct rfp_buf *b, const char *s, size_t col)
{
	size_t w = width(s, 0, NULL);

	rfp_buf_adds(b, s);
	while (w++ < col)
		rfp_buf_addc(b, ' ');
}

enum rfp_status
rfp_selection_list(const struct rfp_selection *sel, unsigned columns, char **out, size_t *len)
{
	struct rfp_buf b = RFP_BUF_INIT(64u << 20);
	size_t n = sel->nitems, wl = width("編號", 0, NULL), wm = width("措施", 0, NULL),
	    cols = columns, used, cut;

	for (size_t i = 0; i < n; i++) {
		const struct rfp_item *it = sel->items[i].item;

		if (width(it->label, 0, NULL) > wl)
			wl = width(it->label, 0, NULL);
		if (width(it->measure->name, 0, NULL) > wm)
			wm = width(it->measure->name, 0, NULL);
	}
	char scope[320];

	rfp_buf_addf(&b, "%s：%zu 項\n", rfp_selection_scope(sel, scope, sizeof(scope)), n);
	pad(&b, "編號", wl + 2);
	pad(&b, "等級", 6);
	pad(&b, "措施", wm + 2);
	rfp_buf_adds(&b, "安全需求項目\n");
	used = wl + 2 + 6 + wm + 2;
	for (size_t i = 0; i < n; i++) {
		const struct rfp_selected *si = &sel->items[i];

		pad(&b, si->item->label, wl + 2);
		/* A service item, or any item of a service annex: no level, "－". */
		pad(&b, si->item->min_level && sel->has_type ? rfp_level_name(si->item->min_level) :
		    "－", 6);
		pad(&b, si->item->measure->name, wm + 2);
		if (cols > used + 4 && width(si->text, 0, NULL) > cols - used) {
			width(si->text, cols - used - 1, &cut);
			rfp_buf_add(&b, si->text, cut);
			rfp_buf_adds(&b, "…\n");
		} else {
			rfp_buf_adds(&b, si->text);
			rfp_buf_addc(&b, '\n');
		}
	}
	for (size_t i = 0; i < n; i++)
		if (sel->items[i].tailoring)
			rfp_buf_addf(&b, "%s：機關增列%s%s\n", sel->items[i].item->label,
			    sel->items[i].tailoring->reason && *sel->items[i].tailoring->reason ? "，" : "",
			    sel->items[i].tailoring->reason ? sel->items[i].tailoring->reason : "");
	for (size_t i = 0; i < sel->nexcluded; i++)
		rfp_buf_addf(&b, "%s：不適用（排除），%s\n", sel->excluded[i].item->label,
		    sel->excluded[i].tailoring->reason);
	if (b.err) {
		enum rfp_status err = b.err;

		rfp_buf_fini(&b);
		return err;
	}
	*out = rfp_buf_detach(&b, len);
	return *out ? RFP_OK : RFP_ERR_NOMEM;
}
