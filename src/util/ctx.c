/* SPDX-License-Identifier: MIT */
/*
 * Context lifetime, default limits, and the diagnostic sink.
 */
#include "config.h"

#include <libintl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/buf.h"
#include "util/ctx.h"

struct rfp_ctx *
rfp_ctx_new(void)
{
	struct rfp_ctx *ctx;

	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return NULL;
	ctx->limits = (struct rfp_limits){
		.max_file_bytes = 64u << 20,
		.max_part_bytes = 64u << 20,
		.max_package_bytes = 256u << 20,
		.max_entries = 2048,
		.max_ratio = 200,
		.max_xml_depth = 256,
		.max_items = 20000,
		.max_tags = 100000,
		.max_nesting = 16,
		.max_output_bytes = 256u << 20,
		.max_rows = 100000,
		.max_field_bytes = 64u << 10,
		.max_cache_bytes = 4u << 20,
	};
	return ctx;
}

void
rfp_ctx_free(struct rfp_ctx *ctx)
{
	if (!ctx)
		return;
	free(ctx);
}

void
rfp_ctx_set_diag(struct rfp_ctx *ctx, rfp_diag_fn fn, void *userdata)
{
	ctx->diag_fn = fn;
	ctx->diag_data = userdata;
}

void
rfp_ctx_set_verify(struct rfp_ctx *ctx, bool verify)
{
	ctx->verify = verify;
}

struct rfp_limits *
rfp_ctx_limits(struct rfp_ctx *ctx)
{
	return &ctx->limits;
}

unsigned
rfp_ctx_error_count(const struct rfp_ctx *ctx)
{
	return ctx->errors;
}

enum rfp_status
rfp_diag_emit(struct rfp_ctx *ctx, const char *hint, const char *code, enum rfp_severity sev,
    enum rfp_status st, int exit_status, const char *fmt, const char *table_hint,
    const struct rfp_where *where, ...)
{
	struct rfp_buf msg = RFP_BUF_INIT(4096);
	struct rfp_diag d = { .severity = sev, .code = code };
	va_list ap;

	(void)exit_status;	/* the command line's; documented in the table */
	if (sev == RFP_ERROR)
		ctx->errors++;
	if (!ctx->diag_fn)
		return st;
	/* In the user's language when the program bound the rfpgen text
	 * domain (po/); the code stays the same. msgfmt --check-format keeps
	 * a translation's conversions those of the template. */
	hint = hint ? hint : table_hint;
	d.hint = hint ? dgettext(RFP_TEXT_DOMAIN, hint) : NULL;
	va_start(ap, where);
	rfp_buf_vaddf(&msg, dgettext(RFP_TEXT_DOMAIN, fmt), ap);
	va_end(ap);
	if (where) {
		d.file = where->file;
		d.part = where->part;
		d.line = where->line;
		d.col = where->col;
	}
	d.msg = msg.err ? "(message lost: out of memory)" : msg.ptr;
	ctx->diag_fn(&d, ctx->diag_data);
	rfp_buf_fini(&msg);
	return st;
}

void
rfp_diag_format_(struct rfp_buf *b, const char *code, enum rfp_severity sev,
    enum rfp_status st, int exit_status, const char *fmt, const char *table_hint, ...)
{
	va_list ap;

	(void)sev, (void)st, (void)exit_status, (void)table_hint;
	va_start(ap, table_hint);
	rfp_buf_vaddf(b, dgettext(RFP_TEXT_DOMAIN, fmt), ap);
	va_end(ap);
	rfp_buf_addf(b, " [%s]", code);
}

const char *
rfp_strerror(enum rfp_status st)
{
	switch (st) {
	case RFP_OK: return "success";
	case RFP_ERR_NOMEM: return "out of memory";
	case RFP_ERR_IO: return "input/output error";
	case RFP_ERR_XML: return "malformed XML";
	case RFP_ERR_INVALID: return "invalid data";
	case RFP_ERR_TEMPLATE: return "template error";
	case RFP_ERR_ZIP: return "bad zip package";
	case RFP_ERR_LIMIT: return "limit exceeded";
	case RFP_ERR_USAGE: return "usage error";
	case RFP_ERR_UNAVAILABLE: return "a needed program is not installed";
	}
	return "unknown error";
}
