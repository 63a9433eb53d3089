/* SPDX-License-Identifier: MIT */
/*
 * The tailoring file and the 排除項目 cell (tailoring.h). The file is read
 * with the portfolio readers, so it has their limits and their messages.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "portfolio/sheet.h"
#include "portfolio/tailoring.h"
#include "util/ctx.h"

/* At most this many lines in a file or a cell: more than any catalogue has. */
#define MAX_LINES 1024

static const char *const id_names[] = { "編號或識別碼", "編號", "識別碼", "id", NULL };
static const char *const reason_names[] = { "理由", "reason", NULL };
static const char *const action_names[] = { "動作", "action", NULL };

static int
column(const struct rfp_sheet_row *hdr, const char *const *names)
{
	for (size_t c = 0; c < hdr->ncells; c++) {
		const char *h = hdr->cells[c];

		if (strncmp(h, "\xEF\xBB\xBF", 3) == 0)
			h += 3;
		for (size_t k = 0; names[k]; k++)
			if (strcasecmp(h, names[k]) == 0)
				return (int)c;
	}
	return -1;
}

/* s without surrounding spaces (ASCII and U+3000), in arena a. */
static char *
trim(struct rfp_arena *a, const char *s, size_t n)
{
	for (;;) {
		if (n && (*s == ' ' || *s == '\t'))
			s++, n--;
		else if (n >= 3 && memcmp(s, "\xE3\x80\x80", 3) == 0)
			s += 3, n -= 3;
		else
			break;
	}
	for (;;) {
		if (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
			n--;
		else if (n >= 3 && memcmp(s + n - 3, "\xE3\x80\x80", 3) == 0)
			n -= 3;
		else
			break;
	}
	return rfp_arena_strndup(a, s, n);
}

static const char *
get(const struct rfp_sheet_row *row, int c)
{
	return c >= 0 && (size_t)c < row->ncells ? row->cells[c] : "";
}

enum rfp_status
rfp_tailoring_read(struct rfp_ctx *ctx, const char *path, struct rfp_tailoring **out, size_t *n)
{
	struct rfp_sheet sh = { 0 };
	struct rfp_arena a = RFP_ARENA_INIT;
	struct rfp_tailoring *lines = NULL, *blk;
	const char *dot = strrchr(path, '.'), *file;
	char *p;
	enum rfp_status st;
	int cid, creason, caction;
	size_t count = 0, bytes = 0;

	*out = NULL;
	*n = 0;
	st = dot && (strcasecmp(dot, ".xlsx") == 0 || strcasecmp(dot, ".ods") == 0) ?
	    rfp_sheet_read_workbook(ctx, path, NULL, &sh) : rfp_sheet_read_csv(ctx, path, NULL, &sh);
	if (st)
		goto out;
	if (!sh.nrows || (cid = column(&sh.rows[0], id_names)) < 0) {
		rfp_diag(ctx, TAILOR_COLUMNS, &(struct rfp_where){ .file = path, .line = 1 }, path);
		st = RFP_ERR_USAGE;
		goto out;
	}
	creason = column(&sh.rows[0], reason_names);
	caction = column(&sh.rows[0], action_names);
	if (sh.nrows - 1 > MAX_LINES) {
		rfp_diag(ctx, TAILOR_LIMIT, &(struct rfp_where){ .file = path }, path, (size_t)MAX_LINES);
		st = RFP_ERR_LIMIT;
		goto out;
	}
	if (!(lines = calloc(sh.nrows, sizeof(*lines)))) {
		st = RFP_ERR_NOMEM;
		goto out;
	}
	for (size_t r = 1; r < sh.nrows; r++) {
		const struct rfp_sheet_row *row = &sh.rows[r];
		struct rfp_where w = { .file = path, .line = row->line };
		struct rfp_tailoring *t = &lines[count];
		const char *act;

		if (row->error) {
			rfp_diag(ctx, TAILOR_SYNTAX, &w, path, row->error);
			st = RFP_ERR_USAGE;
			continue;
		}
		t->id = trim(&a, get(row, cid), strlen(get(row, cid)));
		t->reason = trim(&a, get(row, creason), strlen(get(row, creason)));
		act = trim(&a, get(row, caction), strlen(get(row, caction)));
		if (!t->id || !t->reason || !act) {
			st = RFP_ERR_NOMEM;
			goto out;
		}
		if (!*t->id && !*t->reason && !*act)
			continue;	/* an empty line */
		t->file = path;
		t->line = row->line;
		if (!*act || strcmp(act, "排除") == 0 || strcasecmp(act, "exclude") == 0) {
			t->action = RFP_TAILOR_EXCLUDE;
		} else if (strcmp(act, "增列") == 0 || strcasecmp(act, "include") == 0) {
			t->action = RFP_TAILOR_INCLUDE;
		} else {
			rfp_diag(ctx, TAILOR_ACTION, &w, t->id, act);
			st = RFP_ERR_USAGE;
			continue;
		}
		bytes += strlen(t->id) + strlen(t->reason) + 2;
		count++;
	}
	if (st)
		goto out;
	/* One block the caller frees: the lines, the file name, then each
	 * line's id and reason. */
	bytes += strlen(path) + 1;
	blk = malloc((count ? count : 1) * sizeof(*blk) + bytes);
	if (!blk) {
		st = RFP_ERR_NOMEM;
		goto out;
	}
	p = (char *)(blk + (count ? count : 1));
	file = strcpy(p, path);
	p += strlen(p) + 1;
	for (size_t i = 0; i < count; i++) {
		blk[i] = lines[i];
		blk[i].file = file;
		blk[i].id = strcpy(p, lines[i].id);
		p += strlen(p) + 1;
		blk[i].reason = strcpy(p, lines[i].reason);
		p += strlen(p) + 1;
	}
	*out = blk;
	*n = count;
out:
	free(lines);
	rfp_arena_fini(&a);
	rfp_sheet_fini(&sh);
	return st;
}

void
rfp_tailoring_free(struct rfp_tailoring *lines)
{
	free(lines);
}

/* The next separator of a cell at or after s: ';' or '；' (len 1 or 3). */
static const char *
next_sep(const char *s, const char *ascii, const char *wide, size_t *len)
{
	const char *a = strstr(s, ascii), *w = strstr(s, wide);

	if (a && (!w || a < w)) {
		*len = 1;
		return a;
	}
	*len = w ? strlen(wide) : 0;
	return w;
}

enum rfp_status
rfp_tailoring_parse_cell(struct rfp_arena *a, const char *text, const char *file,
    unsigned line, struct rfp_tailoring *lines, size_t cap, size_t *n, const char **bad)
{
	const char *s = text, *end, *colon;
	size_t seplen, clen, partlen;
	char *part;

	*bad = NULL;
	while (*s) {
		end = next_sep(s, ";", "；", &seplen);
		partlen = end ? (size_t)(end - s) : strlen(s);
		if (!(part = trim(a, s, partlen)))
			return RFP_ERR_NOMEM;
		s += partlen + (end ? seplen : 0);
		if (!*part)
			continue;
		if (!(colon = next_sep(part, ":", "：", &clen))) {
			*bad = part;
			return RFP_ERR_USAGE;
		}
		if (*n == cap) {
			*bad = part;
			return RFP_ERR_LIMIT;
		}
		lines[*n] = (struct rfp_tailoring){ RFP_TAILOR_EXCLUDE,
		    trim(a, part, (size_t)(colon - part)), trim(a, colon + clen, strlen(colon + clen)),
		    file, line };
		if (!lines[*n].id || !lines[*n].reason)
			return RFP_ERR_NOMEM;
		(*n)++;
	}
	return RFP_OK;
}
