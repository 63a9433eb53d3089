/* SPDX-License-Identifier: MIT */
/*
 * A request's diagnostics, collected as JSON (api.h), and the error reply
 * made of them.
 */
#include "config.h"

#include <libintl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/api.h"

void
api_diags_init(struct api_diags *d)
{
	*d = (struct api_diags){ .list = json_array() };
}

void
api_diags_fini(struct api_diags *d)
{
	json_decref(d->list);
	*d = (struct api_diags){ 0 };
}

static const char *const severity_names[] = { "note", "warning", "error" };

static void
add(struct api_diags *d, enum rfp_severity sev, enum rfp_status st, const char *code,
    const char *msg, const char *hint, const char *file, const char *part, unsigned line,
    unsigned col)
{
	json_t *o = json_object();

	if (!o || !d->list)
		return;
	json_object_set_new(o, "severity", json_string(severity_names[sev]));
	json_object_set_new(o, "code", json_string(code));
	/* Messages are the library's: valid UTF-8, but a file's own text may
	 * not be; a message jansson refuses is replaced, never dropped. */
	json_t *m = json_string(msg);

	json_object_set_new(o, "message", m ? m : json_string("(message not in UTF-8)"));
	if (hint)
		json_object_set_new(o, "hint", json_string(hint));
	if (file)
		json_object_set_new(o, "file", json_string(file));
	if (part)
		json_object_set_new(o, "part", json_string(part));
	if (line)
		json_object_set_new(o, "line", json_integer(line));
	if (col)
		json_object_set_new(o, "col", json_integer(col));
	json_array_append_new(d->list, o);
	if (sev == RFP_ERROR) {
		if (!d->errors++) {
			d->first = o;
			d->first_st = st;
		}
	}
}

/* Only the upload's own name may appear: a path on the server (a shipped
 * template, the catalogue) never leaves it. */
static const char *
safe_file(const struct api_diags *d, const char *file)
{
	if (!file)
		return NULL;
	if (d->upload && strcmp(file, d->upload) == 0)
		return file;
	const char *slash = strrchr(file, '/');

	return slash ? slash + 1 : file;
}

void
api_collect(const struct rfp_diag *diag, void *data)
{
	struct api_diags *d = data;
	/* The library's status for an error is not in the diagnostic; the
	 * caller's return value decides the reply's. */
	add(d, diag->severity, RFP_ERR_USAGE, diag->code, diag->msg, diag->hint,
	    safe_file(d, diag->file), diag->part, diag->line, diag->col);
}

void
api_report_(struct api_diags *d, const char *code, enum rfp_severity sev, enum rfp_status st,
    int exit_status, const char *fmt, const char *hint, ...)
{
	char msg[2048];
	va_list ap;

	(void)exit_status;
	va_start(ap, hint);
	vsnprintf(msg, sizeof(msg), dgettext(RFP_TEXT_DOMAIN, fmt), ap);
	va_end(ap);
	add(d, sev, st, code, msg, hint ? dgettext(RFP_TEXT_DOMAIN, hint) : NULL, NULL, NULL, 0, 0);
}

unsigned
api_status_for(enum rfp_status st)
{
	switch (st) {
	case RFP_OK: return 200;
	case RFP_ERR_USAGE: return 400;
	case RFP_ERR_LIMIT: return 413;
	case RFP_ERR_XML: case RFP_ERR_INVALID: case RFP_ERR_TEMPLATE: case RFP_ERR_ZIP:
		return 422;
	case RFP_ERR_UNAVAILABLE: return 501;
	case RFP_ERR_NOMEM: case RFP_ERR_IO: default: return 500;
	}
}

void
api_error_reply(struct api_diags *d, struct api_reply *r)
{
	json_t *root = json_object(), *err = json_object();
	json_t *first = d->first;

	if (!first) {
		api_report(d, SERVE_INTERNAL, _("no message"));
		first = d->first;
	}
	if (root && err && first) {
		json_object_set(err, "code", json_object_get(first, "code"));
		json_object_set(err, "message", json_object_get(first, "message"));
		if (json_object_get(first, "hint"))
			json_object_set(err, "hint", json_object_get(first, "hint"));
		json_object_set_new(root, "error", err);
		err = NULL;
		json_object_set(root, "diagnostics", d->list);
	}
	json_decref(err);
	free(r->body);
	r->body = root ? json_dumps(root, JSON_COMPACT) : NULL;
	json_decref(root);
	r->type = "application/json; charset=utf-8";
	if (!r->body) {
		/* Out of memory: a fixed reply, still JSON. */
		static const char oom[] = "{\"error\":{\"code\":\"RFP-SERVE-INTERNAL\",\"message\":\"out of memory\"}}";

		r->body = strdup(oom);
		r->status = 500;
	}
	r->len = r->body ? strlen(r->body) : 0;
	if (!r->status)
		r->status = api_status_for(d->first_st);
	if (r->status < 400)
		r->status = 500;
}

void
api_reply_fini(struct api_reply *r)
{
	free(r->body);
	*r = (struct api_reply){ 0 };
}
