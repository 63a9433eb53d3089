/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: rfpgen serve's routing and JSON input. The input is a
 * request line and a body:
 *
 *   METHOD /path?query\n
 *   body (JSON, as sent to /api/items, /api/annex, ...)
 *
 * The path goes through route_find() (an API route, a page name or
 * nothing: never anything that names a file); a GET query through
 * api_request_query(); the body through api_request_parse() and the
 * endpoint itself (api_handle(), with the real catalogue and the shipped
 * templates, warm cache and all, as the server has them). Every reply must
 * have a status from 200 to 599 and a Content-Type; a JSON reply must
 * parse, and an error reply must carry a code "RFP-…" and the diagnostics;
 * a document must be a zip package. Nothing may be written to disk.
 */
#include <glob.h>

#include <jansson.h>

#include "serve/api.h"
#include "serve/route.h"

#include "fuzz.h"

static struct api_server srv;
static bool ready;

static void
init(void)
{
	const char *paths[64];
	struct rfp_catalogue *cat = NULL;
	struct rfp_ctx *ctx;
	size_t n = 0, sink = 0;
	static glob_t g;	/* kept: the catalogue's paths, for the whole run */

	if (ready)
		return;
	if (!(ctx = rfp_ctx_new()))
		abort();
	rfp_ctx_set_diag(ctx, fuzz_diag, &sink);
	paths[n++] = RFP_FUZZ_SRCDIR "/requirements/baseline-2021.xml";
	if (glob(RFP_FUZZ_SRCDIR "/requirements/module-*.xml", 0, NULL, &g) == 0)
		for (size_t i = 0; i < g.gl_pathc && n < 64; i++)
			paths[n++] = g.gl_pathv[i];
	if (rfp_catalogue_load(ctx, RFP_FUZZ_SRCDIR "/requirements/catalogue.xsd", paths, n, &cat) != RFP_OK) {
		fprintf(stderr, "fuzz_serve: the catalogue does not load\n");
		abort();
	}
	srv.max_upload = 1u << 20;
	srv.generator = "rfpgen fuzz";
	/* The limits of the other targets for every request (fuzz.h). */
	struct rfp_ctx *lim = fuzz_ctx(&sink);

	*rfp_ctx_limits(ctx) = *rfp_ctx_limits(lim);
	rfp_ctx_free(lim);
	if (api_server_init(&srv, ctx, cat, RFP_FUZZ_BUILDDIR, false) != RFP_OK) {
		fprintf(stderr, "fuzz_serve: the shipped templates do not load from %s\n", RFP_FUZZ_BUILDDIR);
		abort();
	}
	rfp_ctx_free(ctx);
	ready = true;
}

/* The query of the request line, key=value&...; values are not decoded. */
struct query {
	char buf[512];
};

static const char *
get(void *cls, const char *key)
{
	struct query *q = cls;
	size_t kl = strlen(key);

	for (char *p = q->buf; p && *p;) {
		char *amp = strchr(p, '&');

		if (strncmp(p, key, kl) == 0 && p[kl] == '=')
			return p + kl + 1;
		p = amp ? amp + 1 : NULL;
	}
	return NULL;
}

static void
check_reply(const struct api_reply *r)
{
	if (r->status < 200 || r->status > 599 || !r->type || (!r->body && r->len))
		abort();
	if (strncmp(r->type, "application/json", 16) == 0) {
		json_error_t err;
		json_t *o = json_loadb(r->body, r->len, JSON_REJECT_DUPLICATES, &err);

		if (!o) {
			fprintf(stderr, "fuzz_serve: reply is not JSON: %s\n", err.text);
			abort();
		}
		if (r->status >= 400) {
			const char *code = json_string_value(json_object_get(json_object_get(o, "error"), "code"));

			if (!code || strncmp(code, "RFP-", 4) != 0 || !json_is_array(json_object_get(o, "diagnostics")))
				abort();
		}
		json_decref(o);
	} else if (r->status == 200 && (r->len < 4 || memcmp(r->body, "PK\x03\x04", 4) != 0)) {
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *nl = memchr(s, '\n', size), *sp, *qm;
	char method[16], path[256];
	struct query q = { "" };
	const struct route *route = NULL;
	enum route_match m;
	struct api_reply r;
	size_t linelen;

	init();
	linelen = nl ? (size_t)(nl - s) : size;
	sp = memchr(s, ' ', linelen);
	if (!sp || (size_t)(sp - s) >= sizeof(method) || linelen - (size_t)(sp - s) - 1 >= sizeof(path))
		return 0;
	snprintf(method, sizeof(method), "%.*s", (int)(sp - s), s);
	snprintf(path, sizeof(path), "%.*s", (int)(linelen - (size_t)(sp - s) - 1), sp + 1);
	if (strlen(method) != (size_t)(sp - s) || memchr(path, '\0', strlen(path) + 1) != path + strlen(path))
		return 0;
	if ((qm = strchr(path, '?')) != NULL) {
		snprintf(q.buf, sizeof(q.buf), "%s", qm + 1);
		path[qm - path] = '\0';
	}
	m = route_find(method, path, &route);
	/* A page is one plain name: nothing that climbs out of web/. */
	if (m != MATCH_NOT_FOUND && route->id == ROUTE_STATIC &&
	    (strstr(path, "..") == path + 1 || strchr(path + 1, '/') || strchr(path, '\\')))
		abort();
	if (m == MATCH_NOT_FOUND && route)
		abort();
	if (m != MATCH_OK || route->id == ROUTE_STATIC)
		return 0;
	struct api_call call = { .route = route, .method = method, .query = get, .query_cls = &q,
		.body_kind = strcmp(method, "POST") == 0 ? BODY_JSON : BODY_NONE,
		.body = nl ? nl + 1 : "", .body_len = nl ? size - linelen - 1 : 0, .today = "2025-05-01" };

	/* Uploads are the readers' own targets (package, review): here a form
	 * carries the body as its request. */
	struct api_upload up = { .field = "request", .name = "request.json" };

	if (route->id == ROUTE_INSPECT || route->id == ROUTE_REVIEW ||
	    (route->id != ROUTE_ITEMS && (data[0] & 1))) {
		if (!(up.data = malloc(call.body_len + 1)))
			return 0;
		memcpy(up.data, call.body, call.body_len);
		up.len = call.body_len;
		up.data[up.len] = '\0';
		if (route->id == ROUTE_INSPECT)
			snprintf(up.field, sizeof(up.field), "template");
		else if (route->id == ROUTE_REVIEW)
			snprintf(up.field, sizeof(up.field), "tempalte");	/* refused before any file is written */
		call.body_kind = BODY_FORM;
		call.uploads = &up;
		call.nuploads = 1;
	}
	api_handle(&srv, &call, &r);
	check_reply(&r);
	api_reply_fini(&r);
	free(up.data);
	return 0;
}
