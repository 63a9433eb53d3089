/* SPDX-License-Identifier: MIT */
/*
 * The JSON API of rfpgen serve (docs/api.md), apart from HTTP: a call
 * (route, query, body, uploads) in, a reply (status, type, bytes) out.
 * http.c feeds it from libmicrohttpd; the fuzz target (tests/fuzz/
 * fuzz_serve.c) and nothing else calls it directly. Everything here uses
 * librfpgen's public API only.
 *
 * Errors are JSON with the codes and hints of the command line: every
 * diagnostic the library reports for a request (rfp_ctx_set_diag) and
 * every one of the API's own (RFP-SERVE-*, util/diag.h) is collected in
 * the request's api_diags and sent as
 *
 *   {"error": {"code", "message", "hint"}, "diagnostics": [...]}
 */
#ifndef RFP_SERVE_API_H
#define RFP_SERVE_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include <rfpgen/rfpgen.h>

#include "serve/route.h"
#include "util/diag.h"

#include <libintl.h>

/* The server's messages in the reader's language (po/; the thread's
 * locale is the request's, http.c). */
#define _(s) dgettext(RFP_TEXT_DOMAIN, s)

/* ---- diagnostics of one request ---- */

struct api_diags {
	json_t *list;		/* array of {severity, code, message, hint, part, line, col} */
	unsigned errors;
	enum rfp_status first_st;	/* status of the first error */
	json_t *first;		/* the first error (borrowed from list) */
	const char *upload;	/* the upload's name: the one file a message may name */
};

void api_diags_init(struct api_diags *d);
void api_diags_fini(struct api_diags *d);
/** The rfp_diag_fn that collects the library's diagnostics (data: api_diags). */
void api_collect(const struct rfp_diag *diag, void *data);
/** Reports an entry of the table (util/diag.h) with its message formatted. */
void api_report_(struct api_diags *d, const char *code, enum rfp_severity sev,
    enum rfp_status st, int exit_status, const char *fmt, const char *hint, ...)
    __attribute__((format(printf, 6, 8)));
#define api_report(d, ID, ...) api_report_((d), RFP_D_##ID, __VA_ARGS__)

/* ---- a request for items or an annex (request.c) ---- */

enum api_format { API_DOCX, API_ODT, API_PDF };

#define API_MAX_TAILORING 512
#define API_MAX_FIELDS 64

struct api_request {
	json_t *root;			/* owns every string below */
	struct rfp_request req;
	struct rfp_tailoring *tailoring;
	struct rfp_field_value *fields;
	struct rfp_param_value *params;
	char date[11];
	enum api_format format;
	bool format_given;
	enum rfp_pdf_standard pdf_standard;
};

/**
 * Reads the JSON object of POST /api/items, /api/annex and
 * /api/agency-checklist (docs/api.md) into r: every key is checked, an
 * unknown one is an error with the nearest known key. today is the date
 * shown when the request gives none (YYYY-MM-DD). Returns RFP_ERR_USAGE
 * with the problems in d. r is released with api_request_fini() in any case.
 */
enum rfp_status api_request_parse(struct api_request *r, const char *body, size_t len,
    const char *today, struct api_diags *d);
/** The same from the query of GET /api/items: get(key) gives a value or NULL. */
enum rfp_status api_request_query(struct api_request *r,
    const char *(*get)(void *cls, const char *key), void *cls, const char *today,
    struct api_diags *d);
void api_request_fini(struct api_request *r);

/* ---- the server's shared state, read-only once made (api.c) ---- */

struct api_server {
	const struct rfp_catalogue *cat;
	struct rfp_template *docx, *odt;	/* the shipped templates, compiled once */
	struct rfp_render_cache *warm;		/* their text, frozen, shared by requests */
	struct rfp_pdf *pdf;			/* PDF/A-2b; NULL: no LibreOffice */
	struct rfp_pdf *pdf_plain;		/* "pdf_standard": "none" */
	char pdf_missing[256];			/* why not, for the error */
	char review_template[4096];		/* templates/review.docx, or "" */
	char *types;				/* GET /api/types, made once */
	size_t types_len;
	json_t *candidates;			/* every vendor item, for "add an item" */
	struct rfp_limits limits;		/* each request's context gets these */
	size_t max_upload;
	int64_t mtime;				/* zip timestamps (SOURCE_DATE_EPOCH or 0) */
	const char *generator;
};

/**
 * Makes the shared state: compiles the shipped templates of data_dir,
 * renders every type and level once with each into the warm cache and
 * freezes it, starts the PDF converter if LibreOffice is there. Reports
 * through ctx; returns an error only if a shipped template is unusable.
 */
enum rfp_status api_server_init(struct api_server *s, struct rfp_ctx *ctx,
    const struct rfp_catalogue *cat, const char *data_dir, bool pdf);
void api_server_fini(struct api_server *s);

/* ---- one call ---- */

struct api_upload {
	char field[32];		/* the form field */
	char name[128];		/* the file's name as sent, made safe (no path) */
	char *data;
	size_t len, cap;
};

struct api_call {
	const struct route *route;
	const char *method;
	const char *(*query)(void *cls, const char *key);	/* GET arguments */
	void *query_cls;
	enum route_body body_kind;	/* what came: BODY_NONE, BODY_JSON or BODY_FORM */
	const char *body;		/* JSON */
	size_t body_len;
	struct api_upload *uploads;
	size_t nuploads;
	const char *today;		/* YYYY-MM-DD */
};

struct api_reply {
	unsigned status;
	const char *type;	/* Content-Type */
	char *body;		/* malloc'd */
	size_t len;
	char disposition[640];	/* Content-Disposition, or "" */
	char note[256];		/* X-Rfpgen-Warnings: codes of the warnings, or "" */
	const char *allow;	/* 405: the Allow header */
	unsigned retry_after;	/* 503: seconds, or 0 */
	size_t items;		/* documents: the items in it, for the log */
};

/** Answers one API call (not a page: http.c serves those). */
void api_handle(const struct api_server *s, const struct api_call *c, struct api_reply *r);
/** The error reply for d (its first error), with every diagnostic. */
void api_error_reply(struct api_diags *d, struct api_reply *r);
/** The HTTP status for a library status. */
unsigned api_status_for(enum rfp_status st);
void api_reply_fini(struct api_reply *r);

#endif
