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
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "annex/render.h"
#include "output/write.h"
#include "portfolio/sheet.h"
#include "util/arena.h"
#include "util/ctx.h"
#include "util/buf.h"
#include "util/text.h"

enum role {
	COL_ID, COL_NAME, COL_AGENCY, COL_PROJECT, COL_TYPE, COL_LEVEL,
	COL_C, COL_I, COL_A, COL_L, COL_TEMPLATE, COL_OUTPUT,
	COL_CORE, COL_VALUE, COL_EU, COL_SECRET, NROLES
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
};

#define MAX_PARAMS 32
#define MAX_TEMPLATES 64

struct job {
	unsigned line;
	const char *system_id;
	char *output;			/* file name inside out_dir */
	char *path;			/* out_dir/output */
	struct rfp_request req;
	struct rfp_param_value params[MAX_PARAMS];
	int tmpl;			/* index into templates, -1 if none */
	enum rfp_row_status status;
	size_t items;
	char *message;			/* malloc'd, or NULL */
};

struct rfp_batch {
	struct rfp_arena arena;		/* row strings */
	struct job *jobs;
	size_t njobs;
};

struct shared {
	const struct rfp_batch_options *opt;
	const struct rfp_catalogue *cat;
	struct rfp_batch *b;
	struct rfp_template *templates[MAX_TEMPLATES];
	const struct rfp_limits *limits;
	atomic_size_t next, done, failed;
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

static bool
yes(const char *s)
{
	static const char *const y[] = { "是", "y", "yes", "true", "1", "v" };

	for (size_t i = 0; i < sizeof(y) / sizeof(y[0]); i++)
		if (strcasecmp(s, y[i]) == 0)
			return true;
	return false;
}

static void
fail_row(struct job *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
fail_row(struct job *j, const char *fmt, ...)
{
	va_list ap;

	if (j->status == RFP_ROW_FAILED)
		return;		/* keep the first reason */
	va_start(ap, fmt);
	j->message = rfp_vstrfmt(fmt, ap);
	va_end(ap);
	j->status = RFP_ROW_FAILED;
}

/* A file name safe inside out_dir: no separators, no control characters,
 * no leading dot. */
static char *
safe_name(struct rfp_arena *a, const char *s)
{
	char *n = rfp_arena_strdup(a, s);

	if (!n)
		return NULL;
	for (char *p = n; *p; p++)
		if (*p == '/' || *p == '\\' || (unsigned char)*p < 0x20 || *p == ':')
			*p = '_';
	if (n[0] == '.')
		n[0] = '_';
	return n;
}

static const char *
ext_of(const char *name)
{
	const char *dot = strrchr(name, '.');

	return dot ? dot + 1 : "";
}

static int
template_index(const char **paths, size_t *n, const char *path)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(paths[i], path) == 0)
			return (int)i;
	if (*n == MAX_TEMPLATES)
		return -1;
	paths[*n] = path;
	return (int)(*n)++;
}

/* Fills job j from a data row: request, conditions, parameters, names. */
static void
map_row(struct shared *sh, struct job *j, const struct rfp_sheet_row *row, const int *col,
    const int *pcol, const char *const *pname, size_t nparams, const char **tpaths, size_t *ntp)
{
	struct rfp_arena *a = &sh->b->arena;
	const struct rfp_batch_options *opt = sh->opt;
	const char *type = cell(row, col, COL_TYPE), *level = cell(row, col, COL_LEVEL);
	const char *out = cell(row, col, COL_OUTPUT), *tmpl = cell(row, col, COL_TEMPLATE);
	const char *value = cell(row, col, COL_VALUE);
	enum rfp_format fmt = opt->format;
	char *name;

	j->line = row->line;
	j->system_id = trimmed(a, cell(row, col, COL_ID));
	j->tmpl = -1;
	if (row->error) {
		fail_row(j, "%s", row->error);
		return;
	}
	j->req.agency = trimmed(a, cell(row, col, COL_AGENCY));
	j->req.project = trimmed(a, cell(row, col, COL_PROJECT));
	j->req.date = opt->date;
	if (!rfp_type_parse(type, &j->req.type)) {
		fail_row(j, "column 委外類型: unknown type '%s'; valid: %s", type, rfp_type_choices());
		return;
	}
	if (*level) {
		if (!rfp_level_parse(level, &j->req.level)) {
			fail_row(j, "column 防護需求等級: unknown level '%s'; valid: %s", level,
			    rfp_level_choices());
			return;
		}
	} else {
		static const int r[4] = { COL_C, COL_I, COL_A, COL_L };
		enum rfp_level *slot[4] = { &j->req.impact.c, &j->req.impact.i,
			&j->req.impact.a, &j->req.impact.l };

		for (int k = 0; k < 4; k++) {
			const char *v = cell(row, col, r[k]);

			if (!rfp_level_parse(v, slot[k])) {
				fail_row(j, "column %s: %s; give 防護需求等級 or all four ratings (%s)",
				    role_names[r[k]][0], *v ? "unknown level" : "no level and no rating",
				    rfp_level_choices());
				return;
			}
		}
		j->req.has_impact = true;
	}
	if (yes(cell(row, col, COL_CORE)))
		j->req.conditions |= RFP_COND_CORE_OR_LARGE;
	if (yes(cell(row, col, COL_EU)))
		j->req.conditions |= RFP_COND_EU_PERSONAL_DATA;
	if (yes(cell(row, col, COL_SECRET)))
		j->req.conditions |= RFP_COND_CLASSIFIED;
	if (*value) {
		char *end;
		unsigned long long v;

		errno = 0;
		v = strtoull(value, &end, 10);
		if (errno || *end || value[0] == '-') {
			fail_row(j, "column 契約金額: '%s' is not a whole number of NT dollars", value);
			return;
		}
		if (v >= 10000000ULL)
			j->req.conditions |= RFP_COND_CORE_OR_LARGE;
	}
	for (size_t k = 0; k < nparams; k++) {
		const char *v = (size_t)pcol[k] < row->ncells ? row->cells[pcol[k]] : "";

		if (*v)
			j->params[j->req.nparams++] = (struct rfp_param_value){ pname[k], v };
	}
	j->req.params = j->params;
	/* Output name and format: the 輸出檔名 column, else <id>-<type>-<level>. */
	if (*out) {
		name = safe_name(a, out);
		if (strcasecmp(ext_of(out), "odt") == 0)
			fmt = RFP_FORMAT_ODT;
		else if (strcasecmp(ext_of(out), "docx") == 0)
			fmt = RFP_FORMAT_DOCX;
		else
			fail_row(j, "column 輸出檔名: '%s' must end in .docx or .odt", out);
	} else {
		struct rfp_buf b = RFP_BUF_INIT(4096);
		enum rfp_level l = j->req.has_impact ? rfp_impact_level(&j->req.impact) : j->req.level;

		if (*j->system_id)
			rfp_buf_adds(&b, j->system_id);
		else
			rfp_buf_addf(&b, "row%u", row->line);
		rfp_buf_addf(&b, "-%s-%s.%s", rfp_type_name(j->req.type), rfp_level_name(l),
		    fmt == RFP_FORMAT_ODT ? "odt" : "docx");
		name = safe_name(a, b.ptr);
		rfp_buf_fini(&b);
	}
	j->output = name;
	if (opt->template_path)
		tmpl = opt->template_path;
	else if (!*tmpl)
		tmpl = fmt == RFP_FORMAT_ODT ? opt->default_odt : opt->default_docx;
	j->tmpl = template_index(tpaths, ntp, tmpl);
	if (j->tmpl < 0)
		fail_row(j, "more than %d different templates in one batch", MAX_TEMPLATES);
}

/* Two rows may not write the same file. */
static void
check_unique_outputs(struct rfp_batch *b)
{
	for (size_t i = 0; i < b->njobs; i++)
		for (size_t k = 0; k < i; k++)
			if (b->jobs[i].output && b->jobs[k].output &&
			    b->jobs[i].status != RFP_ROW_FAILED &&
			    strcmp(b->jobs[i].output, b->jobs[k].output) == 0) {
				fail_row(&b->jobs[i], "output name '%s' is already used by row %u; "
				    "give each row a distinct 系統編號 or 輸出檔名",
				    b->jobs[i].output, b->jobs[k].line);
				break;
			}
}

/* ---- workers -------------------------------------------------------- */

struct row_diag {
	struct rfp_buf msg;
};

static void
keep_first_diag(const struct rfp_diag *d, void *data)
{
	struct row_diag *rd = data;

	if (d->severity != RFP_ERROR || rd->msg.len)
		return;
	if (d->file)
		rfp_buf_addf(&rd->msg, "%s%s%s", d->file, d->part ? "(" : "", d->part ? d->part : "");
	if (d->file && d->part)
		rfp_buf_addc(&rd->msg, ')');
	if (d->line)
		rfp_buf_addf(&rd->msg, ":%u", d->line);
	rfp_buf_addf(&rd->msg, "%s%s [%s]", d->file ? ": " : "", d->msg, d->code);
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
	if (!t) {
		fail_row(j, "template could not be loaded (see the messages above)");
		return;
	}
	st = rfp_select(ctx, sh->cat, &j->req, &sel);
	if (!st) {
		j->items = rfp_selection_count(sel);
		st = rfp_render_cached(ctx, rc, t, sel, sh->opt->generator, sh->opt->mtime, &out);
	}
	/* A flush per file would make a batch disk-bound; rfp_batch_run syncs
	 * the output file system once when the workers are done. */
	if (!st)
		st = rfp_output_write(ctx, j->path, out.data, out.len, false);
	if (st)
		fail_row(j, "%s", rd->msg.len ? rd->msg.ptr : rfp_strerror(st));
	else
		j->status = RFP_ROW_OK;
	rfp_output_fini(&out);
	rfp_selection_free(sel);
}

static void *
worker(void *arg)
{
	struct shared *sh = arg;
	struct row_diag rd = { RFP_BUF_INIT(8192) };
	struct rfp_ctx *ctx = rfp_ctx_new();
	struct rfp_render_cache *rc = rfp_render_cache_new(sh->limits->max_cache_bytes);
	size_t i;

	if (!ctx || !rc)
		goto out;
	*rfp_ctx_limits(ctx) = *sh->limits;
	rfp_ctx_set_diag(ctx, keep_first_diag, &rd);
	while ((i = atomic_fetch_add(&sh->next, 1)) < sh->b->njobs) {
		struct job *j = &sh->b->jobs[i];

		if ((sh->opt->stop && *sh->opt->stop) ||
		    (sh->opt->fail_fast && atomic_load(&sh->failed))) {
			j->status = RFP_ROW_SKIPPED;
			j->message = strdup(sh->opt->stop && *sh->opt->stop ?
			    "interrupted before this row started" : "skipped after an earlier failure (--fail-fast)");
			continue;
		}
		if (j->status != RFP_ROW_FAILED)
			run_job(sh, ctx, rc, &rd, j);
		if (j->status == RFP_ROW_FAILED)
			atomic_fetch_add(&sh->failed, 1);
		atomic_fetch_add(&sh->done, 1);
		if (sh->opt->progress) {
			pthread_mutex_lock(&sh->lock);
			sh->opt->progress(atomic_load(&sh->done), sh->b->njobs,
			    atomic_load(&sh->failed), sh->opt->progress_data);
			pthread_mutex_unlock(&sh->lock);
		}
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

static enum rfp_status
map_header(struct rfp_ctx *ctx, struct rfp_batch *b, const struct rfp_batch_options *opt,
    const struct rfp_sheet_row *hdr, int *col, int *pcol, const char **pname, size_t *nparams)
{
	struct rfp_where w = { .file = opt->portfolio, .line = hdr->line };

	for (int r = 0; r < NROLES; r++)
		col[r] = -1;
	for (size_t c = 0; c < hdr->ncells; c++) {
		char *h = trimmed(&b->arena, hdr->cells[c]);
		int r;

		if (!h)
			return RFP_ERR_NOMEM;
		if (strncasecmp(h, "set:", 4) == 0 && h[4] && *nparams < MAX_PARAMS) {
			pcol[*nparams] = (int)c;
			pname[(*nparams)++] = h + 4;
		} else if ((r = role_of(h)) >= 0 && col[r] < 0) {
			col[r] = (int)c;
		} else if (*h) {
			w.col = (unsigned)c + 1;
			rfp_diag(ctx, BATCH_COLUMN, &w, h);
		}
	}
	w.col = 0;
	if (col[COL_TYPE] < 0) {
		rfp_diag_hint(ctx, BATCH_HEADER, "name a column 委外類型 (or type)", &w,
		    "outsourcing-type column");
		return RFP_ERR_INVALID;
	}
	if (col[COL_LEVEL] < 0 && (col[COL_C] < 0 || col[COL_I] < 0 || col[COL_A] < 0 || col[COL_L] < 0)) {
		rfp_diag_hint(ctx, BATCH_HEADER,
		    "add 防護需求等級 (level) or the four columns 機密性, 完整性, 可用性, 法律遵循性 (C, I, A, L)",
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
	    !opt->default_docx || !opt->default_odt || !opt->generator || !opt->date)
		return RFP_ERR_USAGE;
	if ((st = read_portfolio(ctx, opt, &sheet)) != RFP_OK)
		return st;
	b = calloc(1, sizeof(*b));
	if (!b || !(b->jobs = calloc(sheet.nrows ? sheet.nrows : 1, sizeof(*b->jobs)))) {
		st = RFP_ERR_NOMEM;
		goto out;
	}
	sh.b = b;
	sh.limits = rfp_ctx_limits(ctx);
	if (!sheet.nrows) {
		rfp_diag(ctx, BATCH_EMPTY, &(struct rfp_where){ .file = opt->portfolio });
		st = RFP_ERR_INVALID;
		goto out;
	}
	if ((st = map_header(ctx, b, opt, &sheet.rows[0], col, pcol, pname, &nparams)))
		goto out;
	for (size_t r = 1; r < sheet.nrows; r++) {
		struct job *j;
		struct rfp_buf path = RFP_BUF_INIT(8192);

		if (blank_row(&sheet.rows[r]))
			continue;
		j = &b->jobs[b->njobs++];
		map_row(&sh, j, &sheet.rows[r], col, pcol, pname, nparams, tpaths, &ntp);
		if (j->output) {
			rfp_buf_addf(&path, "%s/%s", opt->out_dir, j->output);
			j->path = path.err ? NULL : rfp_arena_strndup(&b->arena, path.ptr, path.len);
		}
		rfp_buf_fini(&path);
	}
	check_unique_outputs(b);
	/* Each distinct template once, before the workers start. */
	for (size_t t = 0; t < ntp; t++)
		if (rfp_template_load(ctx, tpaths[t], &sh.templates[t]) != RFP_OK)
			sh.templates[t] = NULL;
	nthreads = opt->jobs ? opt->jobs : (size_t)sysconf(_SC_NPROCESSORS_ONLN);
	if (nthreads < 1)
		nthreads = 1;
	if (nthreads > sizeof(threads) / sizeof(threads[0]))
		nthreads = sizeof(threads) / sizeof(threads[0]);
	if (nthreads > b->njobs)
		nthreads = b->njobs ? b->njobs : 1;
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
	sync_dir(ctx, opt->out_dir);
	for (size_t t = 0; t < ntp; t++)
		rfp_template_free(sh.templates[t]);
	*out = b;
	b = NULL;
out:
	rfp_batch_free(b);
	rfp_sheet_fini(&sheet);
	return st;
}

/* ---- results -------------------------------------------------------- */

size_t
rfp_batch_count(const struct rfp_batch *b)
{
	return b->njobs;
}

void
rfp_batch_row(const struct rfp_batch *b, size_t i, struct rfp_batch_row *out)
{
	const struct job *j = &b->jobs[i];

	*out = (struct rfp_batch_row){ .line = j->line, .system_id = j->system_id,
	    .output = j->path ? j->path : "", .items = j->items, .status = j->status,
	    .message = j->message ? j->message : "" };
}

void
rfp_batch_totals(const struct rfp_batch *b, size_t *ok, size_t *failed, size_t *skipped)
{
	*ok = *failed = *skipped = 0;
	for (size_t i = 0; i < b->njobs; i++) {
		if (b->jobs[i].status == RFP_ROW_OK)
			(*ok)++;
		else if (b->jobs[i].status == RFP_ROW_FAILED)
			(*failed)++;
		else
			(*skipped)++;
	}
}

enum rfp_status
rfp_batch_report_json(const struct rfp_batch *b, char **out, size_t *len)
{
	static const char *const status[] = { "ok", "failed", "skipped" };
	struct rfp_buf r = RFP_BUF_INIT(256u << 20);
	size_t ok, failed, skipped;

	rfp_batch_totals(b, &ok, &failed, &skipped);
	rfp_buf_addf(&r, "{\"written\": %zu, \"failed\": %zu, \"skipped\": %zu, \"rows\": [\n",
	    ok, failed, skipped);
	for (size_t i = 0; i < b->njobs; i++) {
		struct rfp_batch_row row;

		rfp_batch_row(b, i, &row);
		rfp_buf_addf(&r, "{\"row\": %u, \"system_id\": \"", row.line);
		rfp_json_escape(&r, row.system_id ? row.system_id : "");
		rfp_buf_adds(&r, "\", \"output\": \"");
		rfp_json_escape(&r, row.output);
		rfp_buf_addf(&r, "\", \"items\": %zu, \"status\": \"%s\", \"message\": \"",
		    row.items, status[row.status]);
		rfp_json_escape(&r, row.message);
		rfp_buf_adds(&r, i + 1 < b->njobs ? "\"},\n" : "\"}\n");
	}
	rfp_buf_adds(&r, "]}\n");
	return rfp_buf_take(&r, out, len);
}

void
rfp_batch_free(struct rfp_batch *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->njobs; i++)
		free(b->jobs[i].message);
	free(b->jobs);
	rfp_arena_fini(&b->arena);
	free(b);
}
