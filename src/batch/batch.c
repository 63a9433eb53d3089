/* SPDX-License-Identifier: MIT */
/*
 * Portfolio batch generation. The portfolio (資通系統盤點清冊) is read once,
 * its header mapped to roles (Chinese or English names), every row turned
 * into a request and an output name on the calling thread, each distinct
 * template compiled once, and then worker threads render and write the rows.
 * Workers share only read-only data (catalogue, templates, jobs) and claim
 * rows through an atomic counter; each has its own context, so a row's
 * messages stay with that row. Results are kept in row order, and each file
 * depends only on its row, so the output is the same for any -j.
 *
 * A shard (--shard K/N) maps and names every row, so that duplicate names
 * are found over the whole portfolio, then runs and reports only its own
 * rows: the N shards write the files of one unsharded run, each once.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <libintl.h>
#include <locale.h>
#ifdef __GLIBC__
#include <malloc.h>	/* malloc_trim */
#endif
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wctype.h>

#include <libxml/parser.h>

#include "annex/render.h"
#include "catalogue/catalogue.h"
#include "output/write.h"
#include "portfolio/sheet.h"
#include "portfolio/tailoring.h"
#include "util/arena.h"
#include "util/ctx.h"
#include "util/buf.h"
#include "util/text.h"

enum role {
	COL_ID, COL_NAME, COL_AGENCY, COL_PROJECT, COL_TYPE, COL_LEVEL,
	COL_C, COL_I, COL_A, COL_L, COL_TEMPLATE, COL_OUTPUT,
	COL_CORE, COL_VALUE, COL_EU, COL_SECRET, COL_EXCLUDE, COL_AGENCY_DOC,
	COL_SERVICE, COL_AGENCY_LEVEL, NROLES
};

static const char *const role_names[NROLES][5] = {
	[COL_ID] = { "系統編號", "id", "system_id", NULL },
	[COL_NAME] = { "系統名稱", "name", "system_name", NULL },
	[COL_AGENCY] = { "機關", "機關名稱", "agency", NULL },
	[COL_PROJECT] = { "案名", "project", NULL },
	[COL_TYPE] = { "委外類型", "type", NULL },
	[COL_LEVEL] = { "防護需求等級", "等級", "level", NULL },
	[COL_C] = { "機密性", "C", "confidentiality", NULL },
	[COL_I] = { "完整性", "I", "integrity", NULL },
	[COL_A] = { "可用性", "A", "availability", NULL },
	[COL_L] = { "法律遵循性", "L", "legal", NULL },
	[COL_TEMPLATE] = { "範本", "template", NULL },
	[COL_OUTPUT] = { "輸出檔名", "output", NULL },
	[COL_CORE] = { "核心系統", "core_system", NULL },
	[COL_VALUE] = { "契約金額", "contract_value", NULL },
	[COL_EU] = { "歐盟個資", "eu_personal_data", NULL },
	[COL_SECRET] = { "國家機密", "classified", NULL },
	[COL_EXCLUDE] = { "排除項目", "exclude", NULL },
	[COL_AGENCY_DOC] = { "機關檢核表", "agency_checklist", NULL },
	[COL_SERVICE] = { "服務", "資安服務", "service", "services", NULL },
	[COL_AGENCY_LEVEL] = { "機關資安責任等級", "資通安全責任等級", "agency_level", NULL },
};

#define MAX_PARAMS 32
#define MAX_TEMPLATES 64
/* The longest file name (NAME_MAX on Linux and macOS; NTFS counts 255
 * UTF-16 units, never more than the UTF-8 bytes). */
#define MAX_NAME_BYTES 255
/* What the agency's own document adds to the annex's stem. */
#define AGENCY_SUFFIX "-機關自行辦理事項"

/* Why a row failed or was skipped: malloc'd, kept by its row. */
struct failure {
	const char *code;		/* a table code (static), or NULL */
	char *hint;			/* how to fix it: malloc'd, or NULL */
	const char *column;		/* the column at fault (arena or static) */
	char *message;			/* malloc'd */
};

/*
 * One data row while it is mapped or run: its request whole. Strings are
 * those of the mapping's or the worker's scratch arena, but for the few
 * things only some rows have (their own parameters, fields and tailoring,
 * the agency's document), which are in the batch's arena already.
 */
struct job {
	unsigned line;
	const char *system_id;
	const char *output;		/* file name inside out_dir: the tail of path */
	char *path;			/* out_dir/output */
	struct rfp_request req;
	bool has_request;		/* type and level resolved */
	const char *agency_path;	/* the agency's own document (batch arena), or NULL */
	enum rfp_format fmt;
	bool pdf;			/* fmt's document converted to PDF */
	int tmpl;			/* index into templates, -1 if none */
	enum rfp_row_status status;
	size_t items;
	struct failure *fail;		/* why it failed, or NULL */
	bool default_name;		/* output is the default name (no 輸出檔名) */
	char sha256[65];		/* of the file written */
};

/* What a row holds of its request beyond the defaults, when it has any. */
struct extra {
	const struct rfp_param_value *params;
	size_t nparams;
	const struct rfp_field_value *fields;
	size_t nfields;
	const struct rfp_tailoring *tailoring;
	size_t ntailoring;
	const char *agency_path;	/* the agency's own document, or NULL */
};

/* Which of a record's strings the row gave (else the defaults' are used). */
enum { OWN_AGENCY = 1u << 0, OWN_PROJECT = 1u << 1,
	DEFAULT_NAME = 1u << 2 };	/* no output name kept: rec_output() makes it */

/*
 * One data row, from its mapping to the report: what a worker needs to
 * rebuild its request (struct job) and what the report says of it, packed,
 * as a run keeps one per row. The request's fields and flags take a few
 * bits each, the strings one block of the batch's arena: system_id, agency,
 * project and the output name (none when it is the default name, which the
 * record says again), NUL after each.
 */
_Static_assert(RFP_SERVICE_COUNT <= 8 && RFP_COND_CLASSIFIED < 256,
    "struct rec keeps services and conditions in a byte each");
struct rec {
	const char *strs;
	const struct extra *extra;	/* NULL: the defaults' parameters, fields, tailoring */
	struct failure *fail;		/* why it failed or was skipped, or NULL */
	unsigned line;
	unsigned items;
	uint8_t services, conditions;	/* the request's bits */
	uint8_t status;			/* enum rfp_row_status */
	uint8_t fmt;			/* enum rfp_format */
	uint8_t type, level, agency_level;
	uint8_t impact[4];		/* c, i, a, l */
	int8_t tmpl;			/* index into templates, -1 if none */
	uint8_t own;			/* OWN_* bits */
	bool has_request : 1, has_impact : 1, pdf : 1, service_only : 1, agency_checklist : 1;
	unsigned char sha256[32];	/* of the file written */
};

struct rfp_batch {
	struct rfp_arena arena;		/* header names, records' strings and extras */
	const char *tool, *baseline;	/* for the report (arena) */
	const struct rfp_tailoring *def_tailoring;	/* the caller's defaults' */
	size_t ndef_tailoring;
	struct rec *recs;		/* every data row of the portfolio */
	size_t nrecs;
	size_t *rows;			/* with a shard, the records it reports */
	size_t nrows;			/* the rows this run reports */
	/* Once the run is over, for rows written or checked: the path and
	 * the file's SHA-256 (hex), NUL after each (arena done). */
	const char **done;
	struct rfp_arena done_arena;
	unsigned shard_k, shard_n;	/* 0/0: no shard */
};

/* Row i of the run (0 <= i < rfp_batch_count). */
static struct rec *
row_rec(const struct rfp_batch *b, size_t i)
{
	return &b->recs[b->rows ? b->rows[i] : i];
}

/* The k-th string of r->strs (0 system_id, 1 agency, 2 project, 3 output). */
static const char *
rec_str(const struct rec *r, int k)
{
	const char *s = r->strs;

	if (!s)
		return "";
	while (k--)
		s += strlen(s) + 1;
	return s;
}

struct shared {
	const struct rfp_batch_options *opt;
	const struct rfp_catalogue *cat;
	struct rfp_batch *b;
	struct rfp_arena scratch;	/* one row's working strings, freed after it */
	bool agency_apart;		/* agency_dir is not out_dir */
	struct rfp_template *templates[MAX_TEMPLATES];
	const struct rfp_limits *limits;
	atomic_size_t next, done, failed;
	size_t nrows;			/* rows to run: not empty ones */
	struct rfp_pdf *pdf;		/* for the PDF rows, if any */
	pthread_mutex_t lock;
};

/* ---- header and rows ------------------------------------------------ */

static char *
trimmed(struct rfp_arena *a, const char *s)
{
	size_t n;

	if (strncmp(s, "\xEF\xBB\xBF", 3) == 0)
		s += 3;
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	return rfp_arena_strndup(a, s, n);
}

static int
role_of(const char *h)
{
	for (int r = 0; r < NROLES; r++)
		for (int k = 0; role_names[r][k]; k++)
			if (strcasecmp(h, role_names[r][k]) == 0)
				return r;
	return -1;
}

static const char *
cell(const struct rfp_sheet_row *row, const int *col, int role)
{
	return col[role] >= 0 && (size_t)col[role] < row->ncells ? row->cells[col[role]] : "";
}

/*
 * The 服務 cell: one or more services, separated by 、 , ; / + or spaces
 * (also their full-width forms). *bad gets the first unknown name, whole
 * (a copy in a: a name cut to a fixed buffer could end inside a UTF-8
 * sequence).
 */
static bool
parse_services(struct rfp_arena *a, const char *s, unsigned *mask, const char **bad)
{
	static const char *const seps[] = { "、", "，", "；", "／", "＋", "　", ",", ";", "/",
		"+", " ", "\t" };
	const char *tok = s;

	*mask = 0;
	for (;;) {
		size_t sl = 0;

		for (size_t k = 0; *s && !sl && k < sizeof(seps) / sizeof(seps[0]); k++)
			if (strncmp(s, seps[k], strlen(seps[k])) == 0)
				sl = strlen(seps[k]);
		if (*s && !sl) {
			s++;
			continue;
		}
		if (s > tok) {
			enum rfp_service v;
			const char *name = rfp_arena_strndup(a, tok, (size_t)(s - tok));

			if (!name || !rfp_service_parse(name, &v)) {
				*bad = name ? name : "";
				return false;
			}
			*mask |= 1u << v;
		}
		if (!*s)
			return true;
		s += sl;
		tok = s;
	}
}

static bool
yes(const char *s)
{
	static const char *const y[] = { "是", "y", "yes", "true", "1", "v" };

	if (!s)
		return false;	/* out of memory: the cell is read as empty */
	for (size_t i = 0; i < sizeof(y) / sizeof(y[0]); i++)
		if (strcasecmp(s, y[i]) == 0)
			return true;
	return false;
}

/* Fails a row (its status and failure) with its first reason: a message
 * of the table, the code apart for the report, and the column at fault
 * ("" for none). */
static void
fail_with(enum rfp_row_status *status, struct failure **fail, const char *code,
    const char *hint, const char *column, struct rfp_buf *msg)
{
	struct failure *f;

	if (*status != RFP_ROW_FAILED && (f = calloc(1, sizeof(*f)))) {
		*status = RFP_ROW_FAILED;
		f->code = code;
		/* In the user's language, as the message (rfp_diag_format). */
		f->hint = hint && *hint ? strdup(dgettext(RFP_TEXT_DOMAIN, hint)) : NULL;
		f->column = column;
		/* A failed row always says why: a message past the buffer's
		 * limit (cells quoted whole) is replaced, the code kept. */
		if (msg->err) {
			rfp_buf_reset(msg);
			rfp_buf_adds(msg, dgettext(RFP_TEXT_DOMAIN,
			    N_("the message is too long to show")));
			rfp_buf_addf(msg, " [%s]", code);
		}
		f->message = rfp_buf_detach(msg, NULL);
		*fail = f;
	} else if (*status != RFP_ROW_FAILED) {
		*status = RFP_ROW_FAILED;	/* out of memory: failed, without a reason */
	}
	rfp_buf_fini(msg);
}

static void
failure_free(struct failure *f)
{
	if (!f)
		return;
	free(f->hint);
	free(f->message);
	free(f);
}

/* Room for a message that quotes two cells of the largest default size
 * (max_field_bytes, 64 KiB). r is a struct job or a struct rec. */
#define fail_row(r, ID, column, ...) do { \
	struct rfp_buf m_ = RFP_BUF_INIT(1u << 18); \
	enum rfp_row_status s_ = (enum rfp_row_status)(r)->status; \
	rfp_diag_format(&m_, ID, __VA_ARGS__); \
	fail_with(&s_, &(r)->fail, rfp_diag_code(ID), rfp_diag_table_hint(ID), (column), &m_); \
	(r)->status = s_; \
} while (0)

/*
 * True if Windows opens name as a device: the part before its first dot,
 * without the spaces Win32 strips before that dot ("CON .docx"), is CON,
 * PRN, AUX, NUL, CONIN$, CONOUT$, COM1-9 or LPT1-9, also with a
 * superscript 1, 2 or 3 (COM¹), in any case.
 */
static bool
windows_device(const char *n)
{
	static const char *const dev[] = { "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$" };
	static const char *const unit[] = { "1", "2", "3", "4", "5", "6", "7", "8", "9",
		"\xC2\xB9", "\xC2\xB2", "\xC2\xB3" };	/* ¹ ² ³ */
	size_t len = strcspn(n, ".");

	while (len && n[len - 1] == ' ')
		len--;
	for (size_t i = 0; i < sizeof(dev) / sizeof(dev[0]); i++)
		if (len == strlen(dev[i]) && strncasecmp(n, dev[i], len) == 0)
			return true;
	if (len < 4 || (strncasecmp(n, "COM", 3) != 0 && strncasecmp(n, "LPT", 3) != 0))
		return false;
	for (size_t i = 0; i < sizeof(unit) / sizeof(unit[0]); i++)
		if (len - 3 == strlen(unit[i]) && memcmp(n + 3, unit[i], len - 3) == 0)
			return true;
	return false;
}

/*
 * Appends to b a file name safe inside out_dir and on a Windows share:
 * the stem with no separators, control characters or <>:"|?*, no leading
 * dot and no device name (CON becomes _CON), then ext as given (".docx",
 * ".ODT": one format_of knows, or ""). The extension is never touched, so
 * that the file is of the kind its name says; a stem cannot end the name,
 * so its trailing dots and spaces are left (Windows strips them only at
 * the end). Without an extension, trailing dots and spaces become '_'.
 */
static void
add_safe_name(struct rfp_buf *b, const char *stem, size_t len, const char *ext)
{
	size_t at = b->len;

	for (size_t i = 0; i < len; i++) {
		char c = stem[i];

		rfp_buf_addc(b, strchr("/\\:<>\"|?*", c) || (unsigned char)c < 0x20 || c == 0x7F ||
		    (i == 0 && c == '.') ? '_' : c);
	}
	rfp_buf_adds(b, ext);
	if (b->err)
		return;
	if (windows_device(b->ptr + at)) {
		rfp_buf_addc(b, '_');	/* room for one more byte */
		if (b->err)
			return;
		memmove(b->ptr + at + 1, b->ptr + at, b->len - at - 1);
		b->ptr[at] = '_';
	}
	for (size_t n = b->len; !*ext && n > at && (b->ptr[n - 1] == '.' || b->ptr[n - 1] == ' '); n--)
		b->ptr[n - 1] = '_';
}

/* ---- names a case-insensitive disk takes for one ------------------------ */

/*
 * A simple case fold for when the C.UTF-8 locale is missing: ASCII,
 * Latin-1, Latin Extended-A, Greek, Cyrillic and the full-width letters.
 */
static unsigned
fold_table(unsigned c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7) ||
	    (c >= 0x391 && c <= 0x3AB && c != 0x3A2) || (c >= 0x410 && c <= 0x42F) ||
	    (c >= 0xFF21 && c <= 0xFF3A))
		return c + 0x20;
	if (c >= 0x400 && c <= 0x40F)
		return c + 0x50;
	if (c == 0x178)
		return 0xFF;
	if (c == 0x17F)
		return 's';
	if (((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177) ||
	    (c >= 0x460 && c <= 0x481) || (c >= 0x48A && c <= 0x4BF)) && !(c & 1))
		return c + 1;
	if (((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) && (c & 1))
		return c + 1;
	return c;
}

/*
 * Appends name case-folded to b, code point by code point, so that two
 * names NTFS or APFS take for one (Annex.docx, annex.docx; É, é; Ａ, ａ)
 * fold to the same bytes. With the C.UTF-8 locale (utf8) the fold is
 * lower(upper(lower(c))): lower case merges what towlower merges, and the
 * round through upper case adds the letters whose upper case is another
 * letter's (ſ and s, ı and i), as NTFS compares upper-cased names. It may
 * take a few more names for one than a given disk does: a refused name
 * costs a rename, a merged one a lost annex. Bytes that are not UTF-8 are
 * kept.
 */
static void
add_folded(struct rfp_buf *b, const char *name, locale_t utf8)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t n = strlen(name), k;

	for (size_t i = 0; i < n; i += k) {
		unsigned c;

		if (!(k = rfp_utf8_decode(s + i, n - i, &c))) {
			rfp_buf_addc(b, (char)s[i]);
			k = 1;
			continue;
		}
		if (utf8)
			c = (unsigned)towlower_l(towupper_l(towlower_l((wint_t)c, utf8), utf8), utf8);
		else
			c = fold_table(c);
		rfp_utf8_put(b, c);
	}
}

static const char *
ext_of(const char *name)
{
	const char *dot = strrchr(name, '.');

	return dot ? dot + 1 : "";
}

/* The index of template path in paths (n of them), added (a copy in
 * arena a) if new; -1 past MAX_TEMPLATES, -2 out of memory. */
static int
template_index(struct rfp_arena *a, const char **paths, size_t *n, const char *path)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(paths[i], path) == 0)
			return (int)i;
	if (*n == MAX_TEMPLATES)
		return -1;
	if (!(paths[*n] = rfp_arena_strdup(a, path)))
		return -2;
	return (int)(*n)++;
}

/* The format a path names by its extension; false if it names none. */
static bool
format_of(const char *path, enum rfp_format *fmt)
{
	const char *e = ext_of(path);

	if (strcasecmp(e, "docx") == 0 || strcasecmp(e, "dotx") == 0)
		*fmt = RFP_FORMAT_DOCX;
	else if (strcasecmp(e, "odt") == 0 || strcasecmp(e, "ott") == 0 || strcasecmp(e, "fodt") == 0)
		*fmt = RFP_FORMAT_ODT;
	else
		return false;
	return true;
}

static const char *
format_name(enum rfp_format f)
{
	return f == RFP_FORMAT_ODT ? "ODT" : "DOCX";
}

/*
 * A whole number of NT dollars as Excel or Calc show one: "10,000,000",
 * "NT$12,000,000", "12,000,000元", with spaces around. false otherwise.
 */
static bool
parse_amount(const char *s, unsigned long long *out)
{
	unsigned long long v = 0;
	bool digits = false;

	while (*s == ' ')
		s++;
	if (strncasecmp(s, "NT$", 3) == 0)
		s += 3;
	else if (*s == '$')
		s++;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			if (v > (ULLONG_MAX - 9) / 10)
				return false;
			v = v * 10 + (unsigned)(*s - '0');
			digits = true;
		} else if (*s != ',' || !digits) {
			break;
		}
	}
	if (strncmp(s, "元", 3) == 0)
		s += 3;
	while (*s == ' ')
		s++;
	*out = v;
	return digits && !*s;
}

/*
 * The tailoring of job j: the defaults' lines, then those of the row's
 * 排除項目 cell (ID:理由;ID:理由). The cell is parsed into the scratch
 * arena, with room for 256 lines, and what it held is then copied into the
 * batch's arena at its size: a row keeps only its own lines. false if the
 * row failed.
 */
static bool
map_tailoring(struct shared *sh, struct job *j, const struct rfp_sheet_row *row, const char *cellv)
{
	const struct rfp_request *def = sh->opt->defaults;
	size_t ndef = def ? def->ntailoring : 0, n = ndef, cap = ndef + 256;
	struct rfp_tailoring *lines, *kept;
	const char *bad;
	enum rfp_status st;

	if (!cellv) {
		fail_row(j, BATCH_ROW, "", "out of memory");
		return false;
	}
	if (!*cellv)
		return true;
	if (!(lines = rfp_arena_alloc(&sh->scratch, cap * sizeof(*lines)))) {
		fail_row(j, BATCH_ROW, "", "out of memory");
		return false;
	}
	if (ndef)
		memcpy(lines, def->tailoring, ndef * sizeof(*lines));
	st = rfp_tailoring_parse_cell(&sh->scratch, cellv, sh->opt->portfolio, row->line, lines,
	    cap, &n, &bad);
	if (st == RFP_ERR_NOMEM || (st && !bad)) {
		fail_row(j, BATCH_ROW, "", "out of memory");
		return false;
	}
	if (st == RFP_ERR_LIMIT) {
		fail_row(j, TAILOR_LIMIT, role_names[COL_EXCLUDE][0], role_names[COL_EXCLUDE][0],
		    cap - ndef);
		return false;
	}
	if (st) {
		fail_row(j, TAILOR_SYNTAX, role_names[COL_EXCLUDE][0], role_names[COL_EXCLUDE][0], bad);
		return false;
	}
	/* The defaults' strings are the caller's; the cell's were scratch. */
	if (!(kept = rfp_arena_alloc(&sh->b->arena, (n ? n : 1) * sizeof(*kept)))) {
		fail_row(j, BATCH_ROW, "", "out of memory");
		return false;
	}
	memcpy(kept, lines, n * sizeof(*kept));
	for (size_t k = ndef; k < n; k++) {
		kept[k].id = rfp_arena_strdup(&sh->b->arena, lines[k].id);
		kept[k].reason = lines[k].reason ? rfp_arena_strdup(&sh->b->arena, lines[k].reason) :
		    NULL;
		if (!kept[k].id || (lines[k].reason && !kept[k].reason)) {
			fail_row(j, BATCH_ROW, "", "out of memory");
			return false;
		}
	}
	j->req.tailoring = kept;
	j->req.ntailoring = n;
	return true;
}

/*
 * name (len bytes) as a message shows it: whole up to 512 bytes, else its
 * first 200 and last 40 bytes around an ellipsis, cut between characters.
 * In arena a; NULL when out of memory.
 */
static const char *
shown_name(struct rfp_arena *a, const char *name, size_t len)
{
	size_t head = 200, tail = len - 40;
	char *p;

	if (len <= 512)
		return name;
	while (head && ((unsigned char)name[head] & 0xC0) == 0x80)
		head--;
	while (tail < len && ((unsigned char)name[tail] & 0xC0) == 0x80)
		tail++;
	if (!(p = rfp_arena_alloc(a, head + 3 + (len - tail) + 1)))
		return NULL;
	memcpy(p, name, head);
	memcpy(p + head, "\xE2\x80\xA6", 3);	/* … */
	memcpy(p + head + 3, name + tail, len - tail + 1);
	return p;
}

/* The default name <id>-<type>-<level>[-<service>+<service>] or
 * <id>-<service>, made safe, with ext: row<line> without an id. */
static void
default_name(struct rfp_buf *name, const char *system_id, unsigned line,
    const struct rfp_request *q, enum rfp_level level, const char *ext)
{
	struct rfp_buf d = RFP_BUF_INIT(1u << 22);

	if (*system_id)
		rfp_buf_adds(&d, system_id);
	else
		rfp_buf_addf(&d, "row%u", line);
	if (!q->service_only)
		rfp_buf_addf(&d, "-%s-%s", rfp_type_name(q->type), rfp_level_name(level));
	for (unsigned v = 0, k = 0; v < RFP_SERVICE_COUNT; v++)
		if (q->services & (1u << v))
			rfp_buf_addf(&d, "%s%s", k++ ? "+" : "-", rfp_service_name((enum rfp_service)v));
	if (d.err)
		name->err = d.err;
	else
		add_safe_name(name, d.ptr, d.len, ext);
	rfp_buf_fini(&d);
}

/*
 * Names the files of job j: the annex out_dir/NAME and, with the agency's
 * checklist, <stem>-機關自行辦理事項<ext> in agency_dir or beside the annex.
 * NAME is the 輸出檔名 cell out, made safe (add_safe_name) with its
 * extension kept as written; a cell that is only an extension (".odt")
 * says the format, and the name is then the default one,
 * <id>-<type>-<level>[-<service>+<service>] or <id>-<service>. A name
 * longer than a file system takes (either file's) fails the row here,
 * rather than at its write. false if the row failed.
 */
static bool
name_files(struct shared *sh, struct job *j, const struct rfp_sheet_row *row, const char *out)
{
	const struct rfp_batch_options *opt = sh->opt;
	/* Room for a cell of any size: a long name fails below, by its length. */
	struct rfp_buf name = RFP_BUF_INIT(1u << 22), path = RFP_BUF_INIT(1u << 22);
	const char *ext = *out ? strrchr(out, '.') : NULL, *agency_dir, *shown;
	size_t stem, len, dirlen = strlen(opt->out_dir);
	bool ok = false;

	/* format_of() or the PDF test saw an extension in a cell out. */
	if (ext && ext > out) {
		add_safe_name(&name, out, (size_t)(ext - out), ext);
	} else {
		enum rfp_level l = j->req.has_impact ? rfp_impact_level(&j->req.impact) : j->req.level;

		if (!ext)
			ext = j->pdf ? ".pdf" : j->fmt == RFP_FORMAT_ODT ? ".odt" : ".docx";
		default_name(&name, j->system_id, row->line, &j->req, l, ext);
		/* Made again from the record whenever needed (rec_output). */
		j->default_name = !*out;
	}
	if (name.err)
		goto nomem;
	stem = name.len - strlen(ext);
	if (name.len > MAX_NAME_BYTES) {
		if (!(shown = shown_name(&sh->scratch, name.ptr, name.len)))
			goto nomem;
		fail_row(j, ROW_NAME_LONG, *out ? role_names[COL_OUTPUT][0] : role_names[COL_ID][0],
		    shown, name.len, MAX_NAME_BYTES);
		goto out;
	}
	rfp_buf_addf(&path, "%s/%s", opt->out_dir, name.ptr);
	if (path.err || !(j->path = rfp_arena_strndup(&sh->scratch, path.ptr, path.len)))
		goto nomem;
	j->output = j->path + dirlen + 1;
	if (j->req.agency_checklist) {
		/* Named after the annex; check_unique_outputs compares it too. */
		agency_dir = opt->agency_dir ? opt->agency_dir : opt->out_dir;
		rfp_buf_reset(&path);
		rfp_buf_addf(&path, "%s/%.*s" AGENCY_SUFFIX "%s", agency_dir, (int)stem, name.ptr, ext);
		if (path.err)
			goto nomem;
		len = path.len - strlen(agency_dir) - 1;
		if (len > MAX_NAME_BYTES) {
			if (!(shown = shown_name(&sh->scratch, path.ptr + path.len - len, len)))
				goto nomem;
			fail_row(j, ROW_NAME_LONG, *out ? role_names[COL_OUTPUT][0] : role_names[COL_ID][0],
			    shown, len, MAX_NAME_BYTES);
			goto out;
		}
		if (!(j->agency_path = rfp_arena_strndup(&sh->b->arena, path.ptr, path.len)))
			goto nomem;
	}
	ok = true;
	goto out;
nomem:
	fail_row(j, BATCH_ROW, "", "out of memory");
out:
	rfp_buf_fini(&name);
	rfp_buf_fini(&path);
	return ok;
}

/* What every row's request starts from: the command line's defaults (at
 * most MAX_PARAMS parameters and fields of them) and the run's date. */
static void
base_request(const struct rfp_batch_options *opt, struct rfp_request *q)
{
	if (opt->defaults)
		*q = *opt->defaults;
	if (q->nparams > MAX_PARAMS)
		q->nparams = MAX_PARAMS;
	if (q->nfields > MAX_PARAMS)
		q->nfields = MAX_PARAMS;
	q->date = opt->date;
}

/* Fills job j from a data row: request, conditions, parameters, names,
 * the format. The command line's options (defaults) fill what the row
 * leaves empty; a row's own value wins. */
static void
map_row(struct shared *sh, struct job *j, const struct rfp_sheet_row *row, const int *col,
    const int *pcol, const char **pname, size_t nparams, const char **tpaths, size_t *ntp)
{
	/* What only some rows have goes to the batch's arena a, at once; the
	 * rest to tmp, and pack() keeps it (as a struct rec). */
	struct rfp_arena *a = &sh->b->arena, *tmp = &sh->scratch;
	const struct rfp_batch_options *opt = sh->opt;
	const struct rfp_request *def = opt->defaults;
	const char *type = trimmed(tmp, cell(row, col, COL_TYPE));
	const char *level = trimmed(tmp, cell(row, col, COL_LEVEL));
	const char *out = trimmed(tmp, cell(row, col, COL_OUTPUT));
	const char *tmpl = trimmed(tmp, cell(row, col, COL_TEMPLATE));
	const char *value = trimmed(tmp, cell(row, col, COL_VALUE));
	const char *svc = trimmed(tmp, cell(row, col, COL_SERVICE));
	const char *alevel = trimmed(tmp, cell(row, col, COL_AGENCY_LEVEL));
	static const int rating_col[4] = { COL_C, COL_I, COL_A, COL_L };
	const char *rating[4];
	size_t nratings = 0, np = 0, nf = 0;
	struct rfp_param_value *params = NULL;
	struct rfp_field_value *fields = NULL;
	enum rfp_format tfmt;
	bool has_fmt = false, has_tfmt, pdf_out;

	j->line = row->line;
	j->system_id = trimmed(tmp, cell(row, col, COL_ID));
	j->tmpl = -1;
	if (!type || !level || !out || !tmpl || !value || !j->system_id || !svc || !alevel) {
		fail_row(j, BATCH_ROW, "", "out of memory");
		return;
	}
	if (row->error) {
		fail_row(j, BATCH_ROW, "", row->error);
		return;
	}
	base_request(opt, &j->req);
	if (*cell(row, col, COL_AGENCY) || !def || !def->agency)
		j->req.agency = trimmed(tmp, cell(row, col, COL_AGENCY));
	if (*cell(row, col, COL_PROJECT) || !def || !def->project)
		j->req.project = trimmed(tmp, cell(row, col, COL_PROJECT));
	/* The row's 服務 replaces --service; its agency level, --agency-level. */
	if (*svc) {
		const char *bad = "";

		if (!parse_services(tmp, svc, &j->req.services, &bad)) {
			fail_row(j, ROW_SERVICE, role_names[COL_SERVICE][0], bad ? bad : "",
			    rfp_service_choices());
			return;
		}
	}
	if (*alevel && !rfp_agency_level_parse(alevel, &j->req.agency_level)) {
		fail_row(j, ROW_AGENCY_LEVEL, role_names[COL_AGENCY_LEVEL][0], alevel,
		    rfp_agency_level_choices());
		return;
	}
	j->req.service_only = false;
	if (*type) {
		if (!rfp_type_parse(type, &j->req.type)) {
			fail_row(j, ROW_TYPE, role_names[COL_TYPE][0], type, rfp_type_choices());
			return;
		}
	} else if (!(opt->defaults_set & RFP_DEFAULT_TYPE) && j->req.services) {
		j->req.service_only = true;	/* a service annex */
	} else if (!(opt->defaults_set & RFP_DEFAULT_TYPE)) {
		fail_row(j, ROW_EMPTY_CELL, role_names[COL_TYPE][0], role_names[COL_TYPE][0]);
		return;
	}
	for (int k = 0; k < 4; k++)
		if (!(rating[k] = trimmed(tmp, cell(row, col, rating_col[k])))) {
			fail_row(j, BATCH_ROW, "", "out of memory");
			return;
		} else if (*rating[k]) {
			nratings++;
		}
	if (j->req.service_only && (*level || nratings)) {
		fail_row(j, ROW_LEVEL_UNUSED, role_names[COL_LEVEL][0], role_names[COL_LEVEL][0]);
		return;
	}
	/* A level and ratings together say two things: refused, as the
	 * command line refuses --level with --impact. */
	if (*level && nratings) {
		fail_row(j, ROW_BOTH, role_names[COL_LEVEL][0], level);
		return;
	}
	if (*level) {
		j->req.has_impact = false;
		if (!rfp_level_parse(level, &j->req.level)) {
			fail_row(j, ROW_LEVEL, role_names[COL_LEVEL][0], level, rfp_level_choices());
			return;
		}
	} else if (nratings) {
		enum rfp_level *slot[4] = { &j->req.impact.c, &j->req.impact.i,
			&j->req.impact.a, &j->req.impact.l };

		for (int k = 0; k < 4; k++) {
			if (!rfp_level_parse(rating[k], slot[k])) {
				fail_row(j, ROW_RATING, role_names[rating_col[k]][0],
				    role_names[rating_col[k]][0], *rating[k] ? rating[k] : "(empty)",
				    rfp_level_choices());
				return;
			}
		}
		j->req.has_impact = true;
		j->req.level = RFP_LEVEL_NONE;
	} else if (!(opt->defaults_set & RFP_DEFAULT_LEVEL) && !j->req.service_only) {
		fail_row(j, ROW_EMPTY_CELL, role_names[COL_LEVEL][0], role_names[COL_LEVEL][0]);
		return;
	}
	j->has_request = true;
	if (yes(trimmed(tmp, cell(row, col, COL_CORE))))
		j->req.conditions |= RFP_COND_CORE_OR_LARGE;
	if (yes(trimmed(tmp, cell(row, col, COL_EU))))
		j->req.conditions |= RFP_COND_EU_PERSONAL_DATA;
	if (yes(trimmed(tmp, cell(row, col, COL_SECRET))))
		j->req.conditions |= RFP_COND_CLASSIFIED;
	if (*value) {
		unsigned long long v;

		if (!parse_amount(value, &v)) {
			fail_row(j, ROW_AMOUNT, role_names[COL_VALUE][0], value);
			return;
		}
		if (v >= 10000000ULL)
			j->req.conditions |= RFP_COND_CORE_OR_LARGE;
	}
	/* The command line's --set first, then the row's set: columns, which
	 * win for the same name (the later value is the one used); the same
	 * for --field and the field: columns. A row with columns of its own
	 * gets arrays of its size; the others use the defaults' as they are. */
	for (size_t k = 0; k < nparams; k++) {
		if ((size_t)pcol[k] >= row->ncells || !*row->cells[pcol[k]])
			continue;
		if (strncasecmp(pname[k], "field:", 6) == 0)
			nf++;
		else
			np++;
	}
	if (np || nf) {
		size_t dp = def ? (def->nparams < MAX_PARAMS ? def->nparams : MAX_PARAMS) : 0;
		size_t df = def ? (def->nfields < MAX_PARAMS ? def->nfields : MAX_PARAMS) : 0;

		if (!(params = rfp_arena_alloc(a, (dp + np + 1) * sizeof(*params))) ||
		    !(fields = rfp_arena_alloc(a, (df + nf + 1) * sizeof(*fields)))) {
			fail_row(j, BATCH_ROW, "", "out of memory");
			return;
		}
		j->req.nparams = j->req.nfields = 0;
		for (size_t k = 0; k < dp; k++)
			params[j->req.nparams++] = def->params[k];
		for (size_t k = 0; k < df; k++)
			fields[j->req.nfields++] = def->fields[k];
		for (size_t k = 0; k < nparams; k++) {
			const char *v = (size_t)pcol[k] < row->ncells ? row->cells[pcol[k]] : "";

			if (!*v)
				continue;
			if (!(v = rfp_arena_strdup(a, v))) {
				fail_row(j, BATCH_ROW, "", "out of memory");
				return;
			}
			if (strncasecmp(pname[k], "field:", 6) == 0)
				fields[j->req.nfields++] = (struct rfp_field_value){ pname[k] + 6, v };
			else
				params[j->req.nparams++] = (struct rfp_param_value){ pname[k], v };
		}
		j->req.params = params;
		j->req.fields = fields;
	}
	/* The command line's --exclude and --include, then the row's 排除項目. */
	if (!map_tailoring(sh, j, row, trimmed(tmp, cell(row, col, COL_EXCLUDE))))
		return;
	if (yes(trimmed(tmp, cell(row, col, COL_AGENCY_DOC))) || opt->agency_dir)
		j->req.agency_checklist = true;
	/* One format per row, from whichever of the output name, --format
	 * and the template says one; when two disagree the row fails. */
	if (opt->template_path)
		tmpl = opt->template_path;
	has_tfmt = *tmpl && format_of(tmpl, &tfmt);
	/* A PDF is the row's document (DOCX, or the template's format)
	 * converted: it agrees with any template, not with --format docx. */
	pdf_out = *out && strcasecmp(ext_of(out), "pdf") == 0;
	if ((pdf_out && opt->format_given) || (opt->pdf && *out && !pdf_out)) {
		fail_row(j, ROW_FORMAT, role_names[COL_OUTPUT][0], out, "--format",
		    pdf_out ? format_name(opt->format) : "PDF");
		return;
	}
	j->pdf = pdf_out || opt->pdf;
	if (*out && !pdf_out && !format_of(out, &j->fmt)) {
		fail_row(j, ROW_OUTPUT, role_names[COL_OUTPUT][0], out);
		return;
	}
	has_fmt = *out && !pdf_out;
	if (opt->format_given) {
		if (has_fmt && j->fmt != opt->format) {
			fail_row(j, ROW_FORMAT, role_names[COL_OUTPUT][0], out, "--format",
			    format_name(opt->format));	/* 'x.odt' and --format disagree: DOCX */
			return;
		}
		j->fmt = opt->format;
		has_fmt = true;
	}
	if (has_tfmt) {
		if (has_fmt && j->fmt != tfmt) {
			fail_row(j, ROW_FORMAT, *out ? role_names[COL_OUTPUT][0] : "", *out ? out : "--format",
			    "the template", format_name(tfmt));
			return;
		}
		j->fmt = tfmt;
	}
	if (!name_files(sh, j, row, out))
		return;
	if (!*tmpl)
		tmpl = j->fmt == RFP_FORMAT_ODT ? opt->default_odt : opt->default_docx;
	j->tmpl = template_index(a, tpaths, ntp, tmpl);
	if (j->tmpl == -2)
		fail_row(j, BATCH_ROW, "", "out of memory");
	else if (j->tmpl < 0)
		fail_row(j, ROW_TEMPLATES, role_names[COL_TEMPLATE][0], MAX_TEMPLATES);
}

/*
 * Keeps what a mapped job j is as record r: its strings in one block of the
 * batch's arena, its request's own parts (already there) by pointer. The
 * job's scratch strings may go once this returns.
 */
static void
pack(struct shared *sh, const struct job *j, struct rec *r)
{
	const struct rfp_request *def = sh->opt->defaults, *q = &j->req;
	const char *s[4] = { j->system_id ? j->system_id : "", q->agency ? q->agency : "",
		q->project ? q->project : "", j->output && !j->default_name ? j->output : "" };
	size_t len[4], total = 0;
	char *p;

	*r = (struct rec){ .line = j->line, .fail = j->fail, .status = (uint8_t)j->status,
	    .fmt = (uint8_t)j->fmt, .tmpl = (int8_t)j->tmpl, .items = (unsigned)j->items,
	    .has_request = j->has_request, .pdf = j->pdf };
	/* A record is not re-packed: the failure is the record's from now on. */
	for (int k = 0; k < 4; k++)
		total += (len[k] = strlen(s[k])) + 1;
	if (!(p = rfp_arena_alloc(&sh->b->arena, total))) {
		if (r->status != RFP_ROW_FAILED && r->status != RFP_ROW_EMPTY)
			fail_row(r, BATCH_ROW, "", "out of memory");
		return;
	}
	r->strs = p;
	for (int k = 0; k < 4; k++) {
		memcpy(p, s[k], len[k] + 1);
		p += len[k] + 1;
	}
	if (!j->has_request)
		return;
	r->type = (uint8_t)q->type;
	r->level = (uint8_t)q->level;
	r->has_impact = q->has_impact;
	r->impact[0] = (uint8_t)q->impact.c;
	r->impact[1] = (uint8_t)q->impact.i;
	r->impact[2] = (uint8_t)q->impact.a;
	r->impact[3] = (uint8_t)q->impact.l;
	r->conditions = (uint8_t)q->conditions;
	r->services = (uint8_t)q->services;
	r->service_only = q->service_only;
	r->agency_level = (uint8_t)q->agency_level;
	r->agency_checklist = q->agency_checklist;
	r->own = (uint8_t)((!def || q->agency != def->agency ? OWN_AGENCY : 0) |
	    (!def || q->project != def->project ? OWN_PROJECT : 0) |
	    (j->output && j->default_name ? DEFAULT_NAME : 0));
	if ((def ? q->params != def->params || q->fields != def->fields ||
	    q->tailoring != def->tailoring : q->nparams || q->nfields || q->ntailoring) ||
	    j->agency_path) {
		struct extra *x = rfp_arena_alloc(&sh->b->arena, sizeof(*x));

		if (!x) {
			fail_row(r, BATCH_ROW, "", "out of memory");
			return;
		}
		*x = (struct extra){ q->params, q->nparams, q->fields, q->nfields, q->tailoring,
			q->ntailoring, j->agency_path };
		r->extra = x;
	}
}

/* Record r's output name: its own, or the default one made in buf. */
static const char *
rec_output(const struct rec *r, struct rfp_buf *buf)
{
	struct rfp_request q = { .type = (enum rfp_type)r->type, .services = r->services,
		.service_only = r->service_only };
	enum rfp_level l = (enum rfp_level)r->level;

	if (!(r->own & DEFAULT_NAME))
		return rec_str(r, 3);
	if (r->has_impact) {
		struct rfp_impact im = { (enum rfp_level)r->impact[0], (enum rfp_level)r->impact[1],
			(enum rfp_level)r->impact[2], (enum rfp_level)r->impact[3] };

		l = rfp_impact_level(&im);
	}
	rfp_buf_reset(buf);
	default_name(buf, rec_str(r, 0), r->line, &q, l, r->pdf ? ".pdf" :
	    r->fmt == RFP_FORMAT_ODT ? ".odt" : ".docx");
	return buf->err ? NULL : buf->ptr;
}

/* The tailoring of record r as its request has it. */
static const struct rfp_tailoring *
rec_tailoring(const struct rfp_batch *b, const struct rec *r, size_t *n)
{
	if (r->extra) {
		*n = r->extra->ntailoring;
		return r->extra->tailoring;
	}
	*n = r->has_request ? b->ndef_tailoring : 0;
	return b->def_tailoring;
}

/*
 * Rebuilds record r's job into j: its request whole, its path made in a
 * (a worker's scratch arena). false when out of memory.
 */
static bool
unpack(const struct shared *sh, const struct rec *r, struct job *j, struct rfp_arena *a)
{
	struct rfp_buf name = RFP_BUF_INIT(4 * MAX_NAME_BYTES);
	const char *out = rec_output(r, &name);
	size_t dirlen = strlen(sh->opt->out_dir), olen = out ? strlen(out) : 0;

	*j = (struct job){ .line = r->line, .system_id = rec_str(r, 0), .status = r->status,
	    .fmt = (enum rfp_format)r->fmt, .pdf = r->pdf, .tmpl = r->tmpl,
	    .has_request = r->has_request };
	base_request(sh->opt, &j->req);
	if (r->own & OWN_AGENCY)
		j->req.agency = rec_str(r, 1);
	if (r->own & OWN_PROJECT)
		j->req.project = rec_str(r, 2);
	j->req.type = (enum rfp_type)r->type;
	j->req.level = (enum rfp_level)r->level;
	j->req.has_impact = r->has_impact;
	j->req.impact = (struct rfp_impact){ (enum rfp_level)r->impact[0],
		(enum rfp_level)r->impact[1], (enum rfp_level)r->impact[2],
		(enum rfp_level)r->impact[3] };
	j->req.conditions = r->conditions;
	j->req.services = r->services;
	j->req.service_only = r->service_only;
	j->req.agency_level = (enum rfp_agency_level)r->agency_level;
	j->req.agency_checklist = r->agency_checklist;
	if (r->extra) {
		j->req.params = r->extra->params;
		j->req.nparams = r->extra->nparams;
		j->req.fields = r->extra->fields;
		j->req.nfields = r->extra->nfields;
		j->req.tailoring = r->extra->tailoring;
		j->req.ntailoring = r->extra->ntailoring;
		j->agency_path = r->extra->agency_path;
	}
	if (!out || !(j->path = rfp_arena_alloc(a, dirlen + 1 + olen + 1))) {
		rfp_buf_fini(&name);
		return false;
	}
	memcpy(j->path, sh->opt->out_dir, dirlen);
	j->path[dirlen] = '/';
	memcpy(j->path + dirlen + 1, out, olen + 1);
	j->output = j->path + dirlen + 1;
	rfp_buf_fini(&name);
	return true;
}

/* Whether two directory names are one directory: the same string, or
 * the same file once both exist (a --check run may make neither). */
static bool
same_dir(const char *x, const char *y)
{
	struct stat sx, sy;

	if (strcmp(x, y) == 0)
		return true;
	return stat(x, &sx) == 0 && stat(y, &sy) == 0 && sx.st_dev == sy.st_dev &&
	    sx.st_ino == sy.st_ino;
}

/* A file some row writes, by its folded name: a slot of the table below. */
struct claim {
	const char *key;	/* "0/" or "1/" (out_dir, agency_dir), then the folded name */
	const struct rec *by;
};

/* FNV-1a. */
static size_t
hash_key(const char *k)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211ULL;
	return (size_t)h;
}

/*
 * Two rows may not write the same file, nor two names that a Windows share
 * or a case-insensitive disk takes for one (Annex.docx, annex.docx; É.docx,
 * é.docx; Ａ.docx, ａ.docx): every file of a row counts, its annex and its
 * agency document, which sits in out_dir or in agency_dir. The rows claim
 * their names in row order, in a hash table of the folded names (O(n)); a
 * row that meets a name already claimed fails whole and claims nothing,
 * naming the first row, so that the first row keeps its files.
 */
static enum rfp_status
check_unique_outputs(struct shared *sh)
{
	struct rfp_batch *b = sh->b;
	struct rfp_buf key = RFP_BUF_INIT(4 * MAX_NAME_BYTES + 16);	/* names of at most 255 bytes */
	struct rfp_buf own = RFP_BUF_INIT(4 * MAX_NAME_BYTES);	/* a record's default name */
	struct rfp_arena keys = RFP_ARENA_INIT;
	struct claim *table = NULL;
	/* The directory the agency's paths were made with (name_files). */
	size_t size = 16, adirlen = strlen(sh->opt->agency_dir ? sh->opt->agency_dir :
	    sh->opt->out_dir);
	locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	enum rfp_status st = RFP_ERR_NOMEM;

	while (size < 4 * b->nrecs)
		size *= 2;
	if (!(table = calloc(size, sizeof(*table))))
		goto out;
	for (size_t i = 0; i < b->nrecs; i++) {
		struct rec *j = &b->recs[i];
		const char *names[2] = { rec_output(j, &own), j->extra && j->extra->agency_path ?
		    j->extra->agency_path + adirlen + 1 : NULL };
		size_t slot[2], claimed = 0;
		const struct rec *first = NULL;
		const char *clash = NULL;

		if (j->status == RFP_ROW_FAILED || j->status == RFP_ROW_EMPTY)
			continue;
		if (!names[0])
			goto out;
		if (!*names[0])
			continue;
		/* The two names of a row never fold alike: the agency's has more
		 * characters. */
		for (int f = 0; f < 2 && names[f] && !first; f++) {
			size_t at;
			char *k;

			rfp_buf_reset(&key);
			rfp_buf_adds(&key, f && sh->agency_apart ? "1/" : "0/");
			add_folded(&key, names[f], utf8);
			if (key.err || !(k = rfp_arena_strndup(&keys, key.ptr, key.len)))
				goto out;
			for (at = hash_key(k) & (size - 1); table[at].key; at = (at + 1) & (size - 1))
				if (strcmp(table[at].key, k) == 0)
					break;
			/* A slot whose row let it go (by NULL) is free for its key. */
			if (table[at].key && table[at].by) {
				first = table[at].by;
				clash = names[f];
			} else {
				table[at] = (struct claim){ k, j };
				slot[claimed++] = at;
			}
		}
		if (first) {
			/* A row fails whole: it lets go of the name it claimed. */
			for (size_t c = 0; c < claimed; c++)
				table[slot[c]].by = NULL;
			fail_row(j, ROW_DUPLICATE, role_names[COL_OUTPUT][0], clash, first->line);
		}
	}
	st = RFP_OK;
out:
	if (utf8)
		freelocale(utf8);
	free(table);
	rfp_arena_fini(&keys);
	rfp_buf_fini(&key);
	rfp_buf_fini(&own);
	return st;
}

/* ---- workers -------------------------------------------------------- */

struct row_diag {
	struct rfp_buf msg;
	const char *code;	/* of the first error (the table's, static) */
	char hint[512];		/* its hint, translated */
};

static void
keep_first_diag(const struct rfp_diag *d, void *data)
{
	struct row_diag *rd = data;

	if (d->severity != RFP_ERROR || rd->msg.len)
		return;
	rd->code = d->code;
	snprintf(rd->hint, sizeof(rd->hint), "%s", d->hint ? d->hint : "");
	if (d->file)
		rfp_buf_addf(&rd->msg, "%s%s%s", d->file, d->part ? "(" : "", d->part ? d->part : "");
	if (d->file && d->part)
		rfp_buf_addc(&rd->msg, ')');
	if (d->line)
		rfp_buf_addf(&rd->msg, ":%u", d->line);
	rfp_buf_addf(&rd->msg, "%s%s [%s]", d->file ? ": " : "", d->msg, d->code);
}

/* Replaces a row's rendered document by its PDF (output/pdf.c): LibreOffice
 * processes run side by side, one per worker at most, each on a warm
 * profile of its own. */
static enum rfp_status
to_pdf(struct shared *sh, struct rfp_ctx *ctx, const struct job *j, struct rfp_output *doc)
{
	struct rfp_output p = { 0 };
	enum rfp_status st;

	if (!sh->pdf)
		return RFP_ERR_UNAVAILABLE;
	if ((st = rfp_pdf_convert(sh->pdf, ctx, doc, j->fmt, &p)) != RFP_OK)
		return st;
	rfp_output_fini(doc);
	*doc = p;
	return RFP_OK;
}

static void
run_job(struct shared *sh, struct rfp_ctx *ctx, struct rfp_render_cache *rc,
    struct row_diag *rd, struct job *j)
{
	struct rfp_selection *sel = NULL;
	struct rfp_output out = { 0 };
	const struct rfp_template *t = sh->templates[j->tmpl];
	enum rfp_status st;

	rfp_buf_reset(&rd->msg);
	rd->code = NULL;
	rd->hint[0] = '\0';
	if (!t) {
		fail_row(j, ROW_TEMPLATE, role_names[COL_TEMPLATE][0], "see the messages above");
		return;
	}
	st = rfp_select(ctx, sh->cat, &j->req, &sel);
	if (!st && sh->opt->check_only && (st = rfp_render_check(ctx, t, sel, false)) == RFP_OK &&
	    j->agency_path)
		st = rfp_render_check(ctx, t, sel, true);
	if (!st && sh->opt->check_only) {
		j->items = rfp_selection_count(sel);
		j->status = RFP_ROW_CHECKED;
		rfp_selection_free(sel);
		return;
	}
	if (!st) {
		j->items = rfp_selection_count(sel);
		st = rfp_render_cached(ctx, rc, t, sel, false, sh->opt->generator, sh->opt->mtime, &out);
	}
	if (!st && j->pdf)
		st = to_pdf(sh, ctx, j, &out);
	/* The agency's document first, so that a row fails whole: it renders
	 * into its own output, as the render cache's buffers hold the annex. */
	if (!st && j->agency_path) {
		struct rfp_output ag = { 0 };

		st = rfp_render_agency(ctx, t, sel, sh->opt->generator, sh->opt->mtime, &ag);
		if (!st && j->pdf)
			st = to_pdf(sh, ctx, j, &ag);
		if (!st)
			st = rfp_output_write(ctx, j->agency_path, ag.data, ag.len, false);
		rfp_output_fini(&ag);
	}
	/* A flush per file would make a batch disk-bound; rfp_batch_run syncs
	 * the output file system once when the workers are done. */
	if (!st) {
		rfp_sha256_hex(out.data, out.len, j->sha256);
		st = rfp_output_write(ctx, j->path, out.data, out.len, false);
	}
	if (st) {
		struct rfp_buf m = RFP_BUF_INIT(8192);

		rfp_buf_adds(&m, rd->msg.len ? rd->msg.ptr : rfp_strerror(st));
		fail_with(&j->status, &j->fail, rd->code ? rd->code : rfp_diag_code(BATCH_ROW), NULL,
		    "", &m);
		if (j->fail && !j->fail->hint && *rd->hint)
			j->fail->hint = strdup(rd->hint);
		j->sha256[0] = '\0';
	} else {
		j->status = RFP_ROW_OK;
	}
	rfp_output_fini(&out);
	rfp_selection_free(sel);
}

/* Marks record r skipped, with why. */
static void
skip(struct rec *r, const char *why)
{
	struct failure *f = calloc(1, sizeof(*f));

	r->status = RFP_ROW_SKIPPED;
	if (f && !(f->message = strdup(why))) {
		free(f);
		f = NULL;
	}
	r->fail = f;
}

/* 64 hex digits (rfp_sha256_hex's) to the 32 bytes they write, and back. */
static void
sha256_bin(const char *hex, unsigned char out[32])
{
	for (int k = 0; k < 32; k++) {
		unsigned hi = (unsigned)(hex[2 * k] <= '9' ? hex[2 * k] - '0' : hex[2 * k] - 'a' + 10);
		unsigned lo = (unsigned)(hex[2 * k + 1] <= '9' ? hex[2 * k + 1] - '0' :
		    hex[2 * k + 1] - 'a' + 10);

		out[k] = (unsigned char)(hi << 4 | lo);
	}
}

static void
sha256_hex(const unsigned char in[32], char out[65])
{
	static const char digits[] = "0123456789abcdef";

	for (int k = 0; k < 32; k++) {
		out[2 * k] = digits[in[k] >> 4];
		out[2 * k + 1] = digits[in[k] & 15];
	}
	out[64] = '\0';
}

/* Record r as the public row, with path and sha256 as given ("" for none). */
static void
row_view(const struct rec *r, const char *path, const char *sha256, struct rfp_batch_row *out)
{
	const struct failure *f = r->fail;
	enum rfp_level level = (enum rfp_level)r->level;

	if (r->has_impact) {
		struct rfp_impact im = { (enum rfp_level)r->impact[0], (enum rfp_level)r->impact[1],
			(enum rfp_level)r->impact[2], (enum rfp_level)r->impact[3] };

		level = rfp_impact_level(&im);
	}
	/* Only a file that was written has a path and a digest. */
	*out = (struct rfp_batch_row){ .line = r->line, .system_id = rec_str(r, 0),
	    .output = r->status == RFP_ROW_OK ? path : "", .items = r->items,
	    .status = (enum rfp_row_status)r->status, .has_request = r->has_request,
	    .type = (enum rfp_type)r->type, .services = r->services,
	    .service_only = r->service_only,
	    .agency_level = (enum rfp_agency_level)r->agency_level, .level = level,
	    .code = f && f->code ? f->code : "", .column = f && f->column ? f->column : "",
	    .message = f && f->message ? f->message : "", .hint = f && f->hint ? f->hint : "",
	    .agency_output = r->status == RFP_ROW_OK && r->extra && r->extra->agency_path ?
		r->extra->agency_path : "",
	    .sha256 = r->status == RFP_ROW_OK ? sha256 : "" };
}

static void *
worker(void *arg)
{
	struct shared *sh = arg;
	struct row_diag rd = { RFP_BUF_INIT(8192), NULL, "" };
	struct rfp_ctx *ctx = rfp_ctx_new();
	struct rfp_render_cache *rc = rfp_render_cache_new(sh->limits->max_cache_bytes);
	size_t i;

	if (!ctx || !rc)
		goto out;
	*rfp_ctx_limits(ctx) = *sh->limits;
	rfp_ctx_set_diag(ctx, keep_first_diag, &rd);
	while ((i = atomic_fetch_add(&sh->next, 1)) < sh->b->nrows) {
		struct rec *r = row_rec(sh->b, i);
		struct rfp_arena scratch = RFP_ARENA_INIT;
		struct job j = { .line = 0 };

		if (r->status == RFP_ROW_EMPTY)
			continue;
		if (rfp_stopped(sh->opt->stop) ||
		    (sh->opt->fail_fast && atomic_load(&sh->failed))) {
			skip(r, rfp_stopped(sh->opt->stop) ? "interrupted before this row started" :
			    "skipped after an earlier failure (--fail-fast)");
			continue;
		}
		if (r->status != RFP_ROW_FAILED && !unpack(sh, r, &j, &scratch))
			fail_row(r, BATCH_ROW, "", "out of memory");
		if (r->status != RFP_ROW_FAILED) {
			run_job(sh, ctx, rc, &rd, &j);
			r->status = (uint8_t)j.status;
			r->items = (unsigned)j.items;
			r->fail = j.fail;
			if (j.status == RFP_ROW_OK)
				sha256_bin(j.sha256, r->sha256);
		}
		if (r->status == RFP_ROW_FAILED)
			atomic_fetch_add(&sh->failed, 1);
		atomic_fetch_add(&sh->done, 1);
		if (sh->opt->progress) {
			struct rfp_batch_row row;
			bool ran = r->status == RFP_ROW_OK || r->status == RFP_ROW_CHECKED;

			row_view(r, ran ? j.path : "", r->status == RFP_ROW_OK ? j.sha256 : "",
			    &row);
			pthread_mutex_lock(&sh->lock);
			sh->opt->progress(&row, atomic_load(&sh->done), sh->nrows,
			    atomic_load(&sh->failed), sh->opt->progress_data);
			pthread_mutex_unlock(&sh->lock);
		}
		rfp_arena_fini(&scratch);
	}
out:
	rfp_buf_fini(&rd.msg);
	rfp_render_cache_free(rc);
	rfp_ctx_free(ctx);
	return NULL;
}

/* ---- entry point ---------------------------------------------------- */

/* Flushes everything the workers wrote, once, before the run reports. */
static void
sync_dir(struct rfp_ctx *ctx, const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);

	if (fd < 0 || syncfs(fd) != 0)
		rfp_diag(ctx, IO_SYNC, &(struct rfp_where){ .file = dir }, strerror(errno));
	if (fd >= 0)
		close(fd);
}

static enum rfp_status
read_portfolio(struct rfp_ctx *ctx, const struct rfp_batch_options *opt, struct rfp_sheet *sh)
{
	const char *e = ext_of(opt->portfolio);

	if (strcasecmp(e, "xlsx") == 0 || strcasecmp(e, "ods") == 0)
		return rfp_sheet_read_workbook(ctx, opt->portfolio, opt->sheet, sh);
	return rfp_sheet_read_csv(ctx, opt->portfolio, opt->encoding, sh);
}

/* Header names that are near a known one: another name for it, or one
 * typing error away. A near miss that is ignored would silently drop what
 * the column says (a core system's third-party testing, say). */
static const char *
near_role(const char *h)
{
	static const char *const synonyms[][2] = {
		{ "核心資通系統", "核心系統" }, { "資通系統防護需求等級", "防護需求等級" },
		{ "系統防護需求等級", "防護需求等級" }, { "防護等級", "防護需求等級" },
		{ "委外項目", "委外類型" }, { "委外服務類型", "委外類型" }, { "專案名稱", "案名" },
		{ "標案名稱", "案名" }, { "契約價金", "契約金額" }, { "歐盟個人資料", "歐盟個資" },
	};
	const char *best = NULL;
	unsigned bestd = 99;

	for (size_t i = 0; i < sizeof(synonyms) / sizeof(synonyms[0]); i++)
		if (strcasecmp(h, synonyms[i][0]) == 0)
			return synonyms[i][1];
	for (int r = 0; r < NROLES; r++) {
		for (int k = 0; role_names[r][k]; k++) {
			const char *n = role_names[r][k];
			size_t len = strlen(n) > strlen(h) ? strlen(n) : strlen(h);
			unsigned d = rfp_text_distance(h, n), cap = len >= 9 ? 2 : 1;

			/* One letter names (C, I, A, L) are too short to guess at. */
			if (strlen(n) > 1 && d <= cap && d < bestd) {
				bestd = d;
				best = role_names[r][0];
			}
		}
	}
	return best;
}

static bool
ignored(const struct rfp_batch_options *opt, const char *h)
{
	for (size_t i = 0; i < opt->nignore_columns; i++)
		if (strcasecmp(opt->ignore_columns[i], h) == 0)
			return true;
	return false;
}

#define MAX_COLUMN_WARNINGS 10

static enum rfp_status
map_header(struct rfp_ctx *ctx, struct rfp_batch *b, const struct rfp_batch_options *opt,
    const struct rfp_sheet_row *hdr, int *col, int *pcol, const char **pname, size_t *nparams)
{
	struct rfp_where w = { .file = opt->portfolio, .line = hdr->line };
	unsigned unused = 0;
	enum rfp_status st = RFP_OK;

	for (int r = 0; r < NROLES; r++)
		col[r] = -1;
	for (size_t c = 0; c < hdr->ncells; c++) {
		char *h = trimmed(&b->arena, hdr->cells[c]);
		const char *near;
		int r;

		if (!h)
			return RFP_ERR_NOMEM;
		w.col = (unsigned)c + 1;
		if (strncasecmp(h, "set:", 4) == 0 && h[4] && *nparams < MAX_PARAMS) {
			pcol[*nparams] = (int)c;
			pname[(*nparams)++] = h + 4;
		} else if (strncasecmp(h, "field:", 6) == 0 && h[6] && *nparams < MAX_PARAMS) {
			/* Kept whole: map_row tells a field by its prefix. */
			pcol[*nparams] = (int)c;
			pname[(*nparams)++] = h;
		} else if ((r = role_of(h)) >= 0 && col[r] < 0) {
			col[r] = (int)c;
		} else if (!*h || ignored(opt, h)) {
			continue;
		} else if ((near = near_role(h)) != NULL) {
			rfp_diag(ctx, BATCH_COLUMN_NEAR, &w, h, near, h);
			st = RFP_ERR_INVALID;
		} else if (++unused <= MAX_COLUMN_WARNINGS) {
			rfp_diag(ctx, BATCH_COLUMN, &w, h);
		}
	}
	w.col = 0;
	if (unused > MAX_COLUMN_WARNINGS)
		rfp_diag(ctx, BATCH_COLUMN_MORE, &w, unused - MAX_COLUMN_WARNINGS);
	if (st)
		return st;
	/* Service rows (a 服務 column, or --service) need no type or level. */
	bool services = col[COL_SERVICE] >= 0 || (opt->defaults && opt->defaults->services);

	if (col[COL_TYPE] < 0 && !(opt->defaults_set & RFP_DEFAULT_TYPE) && !services) {
		rfp_diag_hint(ctx, BATCH_HEADER, "name a column 委外類型 (or type), or give --type; "
		    "a column 服務 (service) or --service for service annexes", &w,
		    "outsourcing-type column");
		return RFP_ERR_INVALID;
	}
	if (col[COL_LEVEL] < 0 && (col[COL_C] < 0 || col[COL_I] < 0 || col[COL_A] < 0 || col[COL_L] < 0) &&
	    !(opt->defaults_set & RFP_DEFAULT_LEVEL) && !services) {
		rfp_diag_hint(ctx, BATCH_HEADER,
		    "add 防護需求等級 (level) or the four columns 機密性, 完整性, 可用性, 法律遵循性 (C, I, A, L), or give --level",
		    &w, "level column and not all four rating columns");
		return RFP_ERR_INVALID;
	}
	return RFP_OK;
}

static bool
blank_row(const struct rfp_sheet_row *r)
{
	for (size_t c = 0; c < r->ncells; c++)
		for (const char *p = r->cells[c]; *p; p++)
			if (*p != ' ' && *p != '\t')
				return false;
	return true;
}

/* The rows this run reports: every data row, or with a shard K/N those
 * whose index i has i % N == K - 1; sh->nrows counts its rows to run. */
static enum rfp_status
take_shard(struct rfp_batch *b, struct shared *sh)
{
	if (b->shard_n && !(b->rows = malloc((b->nrecs / b->shard_n + 1) * sizeof(*b->rows))))
		return RFP_ERR_NOMEM;
	sh->nrows = 0;
	for (size_t i = 0; i < b->nrecs; i++) {
		if (b->shard_n && i % b->shard_n != b->shard_k - 1)
			continue;
		if (b->rows)
			b->rows[b->nrows] = i;
		b->nrows++;
		if (b->recs[i].status != RFP_ROW_EMPTY)
			sh->nrows++;
	}
	return RFP_OK;
}

/* The PDF converter, when a row of the run wants a PDF. Without
 * LibreOffice those rows fail, each with the reason and the package to
 * install; the others are written. */
static void
start_pdf(struct shared *sh)
{
	struct rfp_pdf_options po = { .standard = sh->opt->pdf_standard, .stop = sh->opt->stop };
	const char *program = getenv("RFPGEN_SOFFICE");
	struct rfp_ctx *quiet;
	bool wanted = false;

	for (size_t i = 0; i < sh->b->nrows; i++)
		if (row_rec(sh->b, i)->pdf && row_rec(sh->b, i)->status == RFP_ROW_OK)
			wanted = true;
	if (!wanted || !(quiet = rfp_ctx_new()))
		return;
	if (rfp_pdf_new(quiet, &po, &sh->pdf) != RFP_OK) {
		for (size_t i = 0; i < sh->b->nrows; i++) {
			struct rec *j = row_rec(sh->b, i);

			if (j->pdf && j->status == RFP_ROW_OK)
				fail_row(j, PDF_MISSING, "", program && *program ? program : "soffice");
		}
	}
	rfp_ctx_free(quiet);
}

static bool
template_used(const struct rfp_batch *b, int t)
{
	if (!b->shard_n)
		return true;
	for (size_t i = 0; i < b->nrows; i++)
		if (row_rec(b, i)->tmpl == t)
			return true;
	return false;
}

/*
 * For the report, once the workers are gone (their memory with them): the
 * path of each row written or checked, and the digest of each file
 * written. The run keeps neither while it runs.
 */
static enum rfp_status
name_results(struct shared *sh)
{
	struct rfp_batch *b = sh->b;
	struct rfp_buf buf = RFP_BUF_INIT(4 * MAX_NAME_BYTES);
	size_t dirlen = strlen(sh->opt->out_dir);
	enum rfp_status st = RFP_ERR_NOMEM;

	if (!(b->done = calloc(b->nrows ? b->nrows : 1, sizeof(*b->done))))
		goto out;
	for (size_t i = 0; i < b->nrows; i++) {
		const struct rec *r = row_rec(b, i);
		const char *name;
		size_t len;
		char *p;

		if (r->status != RFP_ROW_OK && r->status != RFP_ROW_CHECKED)
			continue;
		if (!(name = rec_output(r, &buf)))
			goto out;
		len = strlen(name);
		if (!(p = rfp_arena_alloc(&b->done_arena, dirlen + 1 + len + 1 + 65)))
			goto out;
		b->done[i] = p;
		memcpy(p, sh->opt->out_dir, dirlen);
		p[dirlen] = '/';
		memcpy(p + dirlen + 1, name, len + 1);
		p += dirlen + 1 + len + 1;
		if (r->status == RFP_ROW_OK)
			sha256_hex(r->sha256, p);
		else
			*p = '\0';
	}
	st = RFP_OK;
out:
	rfp_buf_fini(&buf);
	return st;
}

enum rfp_status
rfp_batch_run(struct rfp_ctx *ctx, const struct rfp_catalogue *cat,
    const struct rfp_batch_options *opt, struct rfp_batch **out)
{
	struct shared sh = { .opt = opt, .cat = cat };
	struct rfp_sheet sheet = { 0 };
	struct rfp_batch *b = NULL;
	const char *tpaths[MAX_TEMPLATES], *pname[MAX_PARAMS];
	int col[NROLES], pcol[MAX_PARAMS];
	size_t ntp = 0, nparams = 0, nthreads;
	pthread_t threads[64];
	enum rfp_status st;

	if (!ctx || !cat || !opt || !opt->portfolio || !opt->out_dir || !out ||
	    !opt->default_docx || !opt->default_odt || !opt->generator || !opt->date ||
	    (opt->shard_n && (opt->shard_k < 1 || opt->shard_k > opt->shard_n)))
		return RFP_ERR_USAGE;
	if ((st = read_portfolio(ctx, opt, &sheet)) != RFP_OK)
		return st;
	b = calloc(1, sizeof(*b));
	if (!b || !(b->recs = calloc(sheet.nrows ? sheet.nrows : 1, sizeof(*b->recs)))) {
		st = RFP_ERR_NOMEM;
		goto out;
	}
	sh.b = b;
	b->shard_k = opt->shard_n ? opt->shard_k : 0;
	b->shard_n = opt->shard_n;
	sh.limits = rfp_ctx_limits(ctx);
	b->tool = rfp_arena_strdup(&b->arena, opt->generator);
	b->baseline = rfp_arena_strdup(&b->arena, cat->baseline->id);
	if (!sheet.nrows) {
		rfp_diag(ctx, BATCH_EMPTY, &(struct rfp_where){ .file = opt->portfolio });
		st = RFP_ERR_INVALID;
		goto out;
	}
	if ((st = map_header(ctx, b, opt, &sheet.rows[0], col, pcol, pname, &nparams)))
		goto out;
	sh.agency_apart = opt->agency_dir && !same_dir(opt->agency_dir, opt->out_dir);
	if (opt->defaults) {
		b->def_tailoring = opt->defaults->tailoring;
		b->ndef_tailoring = opt->defaults->ntailoring;
	}
	for (size_t r = 1; r < sheet.nrows; r++) {
		struct rec *rec = &b->recs[b->nrecs++];
		struct job j = { .line = sheet.rows[r].line, .tmpl = -1, .status = RFP_ROW_OK };

		if (blank_row(&sheet.rows[r])) {
			*rec = (struct rec){ .line = sheet.rows[r].line, .tmpl = -1,
			    .status = RFP_ROW_EMPTY };
			continue;
		}
		map_row(&sh, &j, &sheet.rows[r], col, pcol, pname, nparams, tpaths, &ntp);
		pack(&sh, &j, rec);
		rfp_arena_fini(&sh.scratch);
	}
	if ((st = check_unique_outputs(&sh)) != RFP_OK)
		goto out;
	/* The records hold copies of what they use: the sheet, which costs more
	 * than they do, goes before the templates and the workers come, and
	 * its pages go back to the system (freed small blocks in the middle of
	 * the heap stay resident otherwise, and the workers allocate from
	 * arenas of their own). So the run's peak grows little with rows. */
	rfp_sheet_fini(&sheet);
#ifdef __GLIBC__
	malloc_trim(0);
#endif
	if ((st = take_shard(b, &sh)) != RFP_OK)
		goto out;
	/* Each distinct template once, before the workers start; a shard's
	 * run loads only those its rows use. */
	for (size_t t = 0; t < ntp; t++)
		if (!template_used(b, (int)t) ||
		    rfp_template_load(ctx, tpaths[t], &sh.templates[t]) != RFP_OK)
			sh.templates[t] = NULL;
	/* A template whose package is not the row's format would write ODT
	 * bytes into a .docx: the row fails instead. */
	for (size_t i = 0; i < b->nrecs; i++) {
		struct rec *j = &b->recs[i];
		const struct rfp_template *t = j->tmpl >= 0 ? sh.templates[j->tmpl] : NULL;
		struct rfp_buf name = RFP_BUF_INIT(4 * MAX_NAME_BYTES);

		if (t && j->status == RFP_ROW_OK && j->pdf)
			j->fmt = (uint8_t)rfp_template_format(t);	/* a PDF of the template's kind */
		else if (t && j->status == RFP_ROW_OK && rfp_template_format(t) != j->fmt) {
			const char *o = rec_output(j, &name);

			fail_row(j, ROW_TEMPLATE_FORMAT, role_names[COL_TEMPLATE][0], tpaths[j->tmpl],
			    format_name(rfp_template_format(t)), o ? o : "",
			    format_name((enum rfp_format)j->fmt));
		}
		rfp_buf_fini(&name);
	}
	start_pdf(&sh);
	nthreads = opt->jobs ? opt->jobs : (size_t)sysconf(_SC_NPROCESSORS_ONLN);
	if (nthreads < 1)
		nthreads = 1;
	if (nthreads > sizeof(threads) / sizeof(threads[0]))
		nthreads = sizeof(threads) / sizeof(threads[0]);
	if (nthreads > sh.nrows)
		nthreads = sh.nrows ? sh.nrows : 1;
	pthread_mutex_init(&sh.lock, NULL);
	/* The guards parse in the workers; libxml2's first use must not race. */
	xmlInitParser();
	for (size_t t = 0; t < nthreads; t++)
		if (pthread_create(&threads[t], NULL, worker, &sh) != 0) {
			nthreads = t;
			break;
		}
	if (!nthreads)
		worker(&sh);	/* no thread could start: do the work here */
	for (size_t t = 0; t < nthreads; t++)
		pthread_join(threads[t], NULL);
	pthread_mutex_destroy(&sh.lock);
	if (!opt->check_only)
		sync_dir(ctx, opt->out_dir);
	for (size_t t = 0; t < ntp; t++)
		rfp_template_free(sh.templates[t]);
	rfp_pdf_free(sh.pdf);
	if ((st = name_results(&sh)) != RFP_OK)
		goto out;
	*out = b;
	b = NULL;
out:
	rfp_arena_fini(&sh.scratch);
	rfp_batch_free(b);
	rfp_sheet_fini(&sheet);
	return st;
}

/* ---- results -------------------------------------------------------- */

size_t
rfp_batch_count(const struct rfp_batch *b)
{
	return b->nrows;
}

void
rfp_batch_row(const struct rfp_batch *b, size_t i, struct rfp_batch_row *out)
{
	const char *d = b->done ? b->done[i] : NULL;

	row_view(row_rec(b, i), d ? d : "", d ? d + strlen(d) + 1 : "", out);
}

void
rfp_batch_totals(const struct rfp_batch *b, size_t *ok, size_t *failed, size_t *skipped)
{
	*ok = *failed = *skipped = 0;
	for (size_t i = 0; i < b->nrows; i++) {
		enum rfp_row_status s = (enum rfp_row_status)row_rec(b, i)->status;

		if (s == RFP_ROW_OK || s == RFP_ROW_CHECKED)
			(*ok)++;
		else if (s == RFP_ROW_FAILED)
			(*failed)++;
		else if (s == RFP_ROW_SKIPPED)
			(*skipped)++;
	}
}

static void
json_field(struct rfp_buf *r, const char *key, const char *v)
{
	rfp_buf_addf(r, ", \"%s\": \"", key);
	rfp_json_escape(r, v);
	rfp_buf_addc(r, '"');
}

/* The row's tailoring as given: "tailoring": [{"item", "action", "reason"}]. */
static void
report_tailoring(struct rfp_buf *r, const struct rfp_batch *b, const struct rec *j)
{
	size_t n;
	const struct rfp_tailoring *lines = rec_tailoring(b, j, &n);

	if (!n)
		return;
	rfp_buf_adds(r, ", \"tailoring\": [");
	for (size_t k = 0; k < n; k++) {
		const struct rfp_tailoring *t = &lines[k];

		rfp_buf_adds(r, k ? ", {\"item\": \"" : "{\"item\": \"");
		rfp_json_escape(r, t->id);
		rfp_buf_addf(r, "\", \"action\": \"%s\", \"reason\": \"",
		    t->action == RFP_TAILOR_EXCLUDE ? "exclude" : "include");
		rfp_json_escape(r, t->reason ? t->reason : "");
		rfp_buf_adds(r, "\"}");
	}
	rfp_buf_adds(r, "]");
}

enum rfp_status
rfp_batch_report_json(const struct rfp_batch *b, char **out, size_t *len)
{
	static const char *const status[] = { "written", "failed", "skipped", "empty", "checked" };
	struct rfp_buf r = RFP_BUF_INIT(256u << 20);
	size_t n[5] = { 0, 0, 0, 0, 0 };

	for (size_t i = 0; i < b->nrows; i++)
		n[row_rec(b, i)->status]++;
	rfp_buf_adds(&r, "{\"tool\": \"");
	rfp_json_escape(&r, b->tool ? b->tool : "");
	rfp_buf_adds(&r, "\", \"baseline\": \"");
	rfp_json_escape(&r, b->baseline ? b->baseline : "");
	rfp_buf_addc(&r, '"');
	/* A shard's counts and rows are its own; portfolio_rows is every
	 * data row, so that the shards' reports can be checked to add up. */
	if (b->shard_n)
		rfp_buf_addf(&r, ", \"shard\": {\"k\": %u, \"n\": %u, \"portfolio_rows\": %zu}",
		    b->shard_k, b->shard_n, b->nrecs);
	rfp_buf_addf(&r, ",\n \"written\": %zu, \"checked\": %zu, \"failed\": %zu, "
	    "\"skipped\": %zu, \"empty\": %zu, \"rows\": [\n", n[RFP_ROW_OK], n[RFP_ROW_CHECKED],
	    n[RFP_ROW_FAILED], n[RFP_ROW_SKIPPED], n[RFP_ROW_EMPTY]);
	for (size_t i = 0; i < b->nrows; i++) {
		struct rfp_batch_row row;

		rfp_batch_row(b, i, &row);
		rfp_buf_addf(&r, "{\"row\": %u, \"status\": \"%s\"", row.line, status[row.status]);
		json_field(&r, "system_id", row.system_id ? row.system_id : "");
		if (row.has_request) {
			json_field(&r, "type", row.service_only ? "" : rfp_type_name(row.type));
			json_field(&r, "level", row.service_only ? "" : rfp_level_name(row.level));
		}
		if (row.has_request && row.services) {
			char sv[160];
			size_t at = 0;

			sv[0] = '\0';
			for (unsigned v = 0; v < RFP_SERVICE_COUNT; v++)
				if (row.services & (1u << v) && at < sizeof(sv))
					at += (size_t)snprintf(sv + at, sizeof(sv) - at, "%s%s", at ? " " : "",
					    rfp_service_name((enum rfp_service)v));
			json_field(&r, "services", sv);
			json_field(&r, "agency_level", rfp_agency_level_name(row.agency_level));
		}
		if (row.status == RFP_ROW_OK || row.status == RFP_ROW_CHECKED)
			rfp_buf_addf(&r, ", \"items\": %zu", row.items);
		if (row.status == RFP_ROW_OK) {
			json_field(&r, "output", row.output);
			json_field(&r, "sha256", row.sha256);
			if (*row.agency_output)
				json_field(&r, "agency_output", row.agency_output);
		} else if (row.status == RFP_ROW_CHECKED) {
			json_field(&r, "would_write", b->done && b->done[i] ? b->done[i] : "");
		}
		report_tailoring(&r, b, row_rec(b, i));
		if (*row.code) {
			json_field(&r, "code", row.code);
			json_field(&r, "column", row.column);
		}
		if (*row.message)
			json_field(&r, "message", row.message);
		rfp_buf_adds(&r, i + 1 < b->nrows ? "},\n" : "}\n");
	}
	rfp_buf_adds(&r, "]}\n");
	return rfp_buf_take(&r, out, len);
}

void
rfp_batch_free(struct rfp_batch *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->nrecs; i++)
		failure_free(b->recs[i].fail);
	free(b->recs);
	free(b->done);
	rfp_arena_fini(&b->done_arena);
	free(b->rows);
	rfp_arena_fini(&b->arena);
	free(b);
}
