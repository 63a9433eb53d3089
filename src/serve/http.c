/* SPDX-License-Identifier: MIT */
/*
 * The HTTP side of rfpgen serve (serve.h): libmicrohttpd with a thread per
 * connection, at most --workers of them working on an API call at once,
 * the others waiting in turn (struct slots: rendering is CPU work, and a
 * pool that ties connections to
 * the thread that accepted them would leave a core idle when one thread
 * happens to accept them all); the API itself is api.c. What this file
 * guards:
 *
 *   - request bodies: a cap on the whole body (--max-upload), checked
 *     against Content-Length before anything is read and again as it
 *     arrives; JSON only as application/json, files only as
 *     multipart/form-data through libmicrohttpd's post processor, into
 *     memory, with a cap on the number of parts;
 *   - time: an idle timeout per connection and a deadline per request
 *     (--request-timeout);
 *   - load: at most --max-requests requests at once, the next gets 503
 *     with Retry-After;
 *   - cross-site requests (Sec-Fetch-Site: cross-site) are refused, and
 *     every reply carries a strict Content-Security-Policy, nosniff and
 *     no-store (documents) headers;
 *   - the log: one line per request on standard error, method, path
 *     without the query, status, size and time; never a body or a value.
 *
 * Stopping: SIGINT or SIGTERM (waited for with sigwait in the main
 * thread; the server's threads have them blocked) stops accepting, lets
 * the requests under way finish for up to 10 seconds, and frees
 * everything.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libintl.h>
#include <locale.h>
#include <malloc.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "serve/api.h"
#include "serve/serve.h"
#include "serve/web.h"

#define MAX_PARTS 40		/* form parts of one request */
#define POST_BUFFER 65536

/*
 * At most n API calls at work at once, the others waiting in the order
 * they came (a semaphore wakes any waiter, which under load leaves some
 * requests waiting far longer than the rest).
 */
struct waiter {
	pthread_cond_t cond;
	bool go;
	struct waiter *next;
};

struct slots {
	pthread_mutex_t lock;
	unsigned free;
	struct waiter *head, *tail;
};

static void
slots_init(struct slots *q, unsigned n)
{
	pthread_mutex_init(&q->lock, NULL);
	q->free = n;
	q->head = q->tail = NULL;
}

static void
slot_take(struct slots *q)
{
	struct waiter w = { .go = false };

	pthread_mutex_lock(&q->lock);
	if (q->free && !q->head) {
		q->free--;
		pthread_mutex_unlock(&q->lock);
		return;
	}
	pthread_cond_init(&w.cond, NULL);
	if (q->tail)
		q->tail->next = &w;
	else
		q->head = &w;
	q->tail = &w;
	while (!w.go)
		pthread_cond_wait(&w.cond, &q->lock);
	pthread_mutex_unlock(&q->lock);
	pthread_cond_destroy(&w.cond);
}

/* The slot goes to the longest waiter, if any. */
static void
slot_give(struct slots *q)
{
	struct waiter *w;

	pthread_mutex_lock(&q->lock);
	if ((w = q->head) != NULL) {
		q->head = w->next;
		if (!q->head)
			q->tail = NULL;
		w->go = true;
		pthread_cond_signal(&w->cond);
	} else {
		q->free++;
	}
	pthread_mutex_unlock(&q->lock);
}

struct server {
	const struct rfp_serve_config *cfg;
	struct api_server api;
	struct web web;
	atomic_uint active;		/* requests under way */
	struct slots slots;		/* --workers: API calls at work at once */
	atomic_ulong served;
	locale_t zh, en;		/* for Accept-Language; (locale_t)0 if absent */
	bool sde;			/* SOURCE_DATE_EPOCH: its date is today */
	int64_t sde_time;
};

struct conn {
	struct server *srv;
	const struct route *route;
	enum route_match match;
	struct timespec start;
	bool counted;
	bool responded;
	unsigned status;
	size_t sent, items;
	char method[12];
	char path[128];		/* for the log: printable, no query */
	char client[64];
	enum route_body kind;
	char *body;		/* JSON */
	size_t len, cap;
	size_t total;		/* bytes of body received */
	struct MHD_PostProcessor *pp;
	struct api_upload parts[MAX_PARTS];
	size_t nparts;
	const char *error_code;	/* set by the post iterator */
	/* libmicrohttpd takes a reply only before the body or after all of
	 * it: a refusal made while the body arrives waits here, and the rest
	 * of the body is dropped unread. */
	bool in_body;
	struct api_reply *pending;
	size_t dropped;
};

/* ---- messages ---- */

/* "rfpgen: serve: error: MESSAGE [CODE]" and its hint, from the table. */
#define serve_diag(sev, ID, ...) do { \
	fprintf(stderr, "rfpgen: serve: %s: ", _(sev)); \
	fprintf(stderr, _(rfp_diag_fmt(ID)), __VA_ARGS__); \
	fprintf(stderr, " [%s]\n  %s: %s\n", rfp_diag_code(ID), _("hint"), \
	    _(rfp_diag_table_hint(ID))); \
} while (0)

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	if (!fmt)
		return;
	fputs("rfpgen: serve: libmicrohttpd: ", stderr);
	vfprintf(stderr, fmt, ap);
	if (!*fmt || fmt[strlen(fmt) - 1] != '\n')
		fputc('\n', stderr);
}

static double
ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) * 1e3 + (double)(now.tv_nsec - t->tv_nsec) / 1e6;
}

/* Printable ASCII only, for the log: a path cannot forge a line. */
static void
copy_printable(char *out, size_t n, const char *s)
{
	size_t k = 0;

	for (; s && *s && k + 1 < n; s++)
		out[k++] = (*s > 0x20 && *s < 0x7F) ? *s : '?';
	out[k] = '\0';
}

/* ---- replies ---- */

static void
add_common_headers(struct MHD_Response *resp, bool page)
{
	MHD_add_response_header(resp, "Content-Security-Policy",
	    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
	    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
	    "base-uri 'none'");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
	MHD_add_response_header(resp, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
	/* Pages are revalidated (ETag); answers and documents are never stored. */
	MHD_add_response_header(resp, "Cache-Control", page ? "no-cache" : "no-store");
}

static enum MHD_Result
send_reply(struct MHD_Connection *c, struct conn *k, struct api_reply *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char n[32];

	if (k->in_body) {
		/* Sent once the body is in (or dropped). */
		if (!k->pending && (k->pending = malloc(sizeof(*k->pending))) != NULL) {
			*k->pending = *r;
			*r = (struct api_reply){ 0 };
		}
		k->responded = true;
		return MHD_YES;
	}
	resp = MHD_create_response_from_buffer(r->len, r->body, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		api_reply_fini(r);
		return MHD_NO;
	}
	r->body = NULL;		/* the response owns it now */
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->type);
	add_common_headers(resp, false);
	if (r->disposition[0])
		MHD_add_response_header(resp, "Content-Disposition", r->disposition);
	if (r->note[0])
		MHD_add_response_header(resp, "X-Rfpgen-Warnings", r->note);
	if (r->items) {
		snprintf(n, sizeof(n), "%zu", r->items);
		MHD_add_response_header(resp, "X-Rfpgen-Items", n);
	}
	if (r->allow)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
	if (r->retry_after) {
		snprintf(n, sizeof(n), "%u", r->retry_after);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, n);
	}
	k->status = r->status;
	k->sent = r->len;
	k->items = r->items;
	k->responded = true;
	ret = MHD_queue_response(c, r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* An error of the server's own, as the API's JSON; _ex with an Allow
 * header or a Retry-After. */
#define send_error(c, k, status, ID, ...) send_error_((c), (k), (status), NULL, 0, \
	RFP_D_##ID, __VA_ARGS__)
#define send_error_ex(c, k, status, allow, retry, ID, ...) send_error_((c), (k), (status), \
	(allow), (retry), RFP_D_##ID, __VA_ARGS__)

static enum MHD_Result
send_error_(struct MHD_Connection *c, struct conn *k, unsigned status, const char *allow,
    unsigned retry, const char *code, enum rfp_severity sev, enum rfp_status st, int exit_status,
    const char *fmt, const char *hint, ...)
    __attribute__((format(printf, 10, 12)));

static enum MHD_Result
send_error_(struct MHD_Connection *c, struct conn *k, unsigned status, const char *allow,
    unsigned retry, const char *code, enum rfp_severity sev, enum rfp_status st, int exit_status,
    const char *fmt, const char *hint, ...)
{
	struct api_diags d;
	struct api_reply r = { .status = status, .allow = allow, .retry_after = retry };
	char msg[1024];
	va_list ap;
	enum MHD_Result ret;

	va_start(ap, hint);
	vsnprintf(msg, sizeof(msg), _(fmt), ap);
	va_end(ap);
	api_diags_init(&d);
	api_report_(&d, code, sev, st, exit_status, "%s", hint, msg);
	api_error_reply(&d, &r);
	api_diags_fini(&d);
	ret = send_reply(c, k, &r);
	api_reply_fini(&r);
	return ret;
}

static enum MHD_Result
send_page(struct MHD_Connection *c, struct conn *k, const struct web_file *f)
{
	const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_IF_NONE_MATCH);
	bool same = inm && strcmp(inm, f->etag) == 0;
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(same ? 0 : f->len, same ? NULL : f->data,
	    MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, f->type);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, f->etag);
	add_common_headers(resp, true);
	k->status = same ? MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK;
	k->sent = same ? 0 : f->len;
	k->responded = true;
	ret = MHD_queue_response(c, k->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* ---- bodies ---- */

static bool
grow(char **buf, size_t *cap, size_t need, size_t max)
{
	size_t n = *cap ? *cap : 4096;
	char *p;

	if (need <= *cap && *buf)
		return true;
	if (need > max)
		return false;
	while (n < need)
		n = n > max / 2 ? max : n * 2;
	if (!(p = realloc(*buf, n + 1)))
		return false;
	*buf = p;
	*cap = n;
	return true;
}

/* The file's name as sent, made one plain name: no directory, no control
 * character, at most ~100 bytes of whole UTF-8 characters, no leading dot. */
static void
safe_name(char *out, size_t n, const char *filename)
{
	const char *s = filename ? filename : "", *p;
	size_t k = 0;

	if ((p = strrchr(s, '/')) != NULL)
		s = p + 1;
	if ((p = strrchr(s, '\\')) != NULL)
		s = p + 1;
	while (*s == '.' || *s == ' ')
		s++;
	for (; *s && k + 5 < n && k < 100; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch < 0x20 || ch == 0x7F || ch == '"' || ch == ':' || ch == '*' || ch == '?' ||
		    ch == '<' || ch == '>' || ch == '|')
			out[k++] = '_';
		else
			out[k++] = (char)ch;
	}
	/* Cut back to the start of a character if the cut fell inside one. */
	while (k && ((unsigned char)out[k - 1] & 0xC0) == 0x80)
		k--;
	if (k && (unsigned char)out[k - 1] >= 0xC0)
		k--;
	out[k] = '\0';
	if (!k)
		snprintf(out, n, "upload");
}

static enum MHD_Result
post_part(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
    const char *content_type, const char *transfer_encoding, const char *data, uint64_t off,
    size_t size)
{
	struct conn *k = cls;
	struct api_upload *u = k->nparts ? &k->parts[k->nparts - 1] : NULL;

	(void)kind, (void)content_type, (void)transfer_encoding;
	if (!key || strlen(key) >= sizeof(u->field)) {
		k->error_code = "field";
		return MHD_NO;
	}
	/* A new part starts at offset 0. */
	if (!u || (off == 0 && (strcmp(u->field, key) != 0 || u->len))) {
		if (k->nparts == MAX_PARTS) {
			k->error_code = "parts";
			return MHD_NO;
		}
		u = &k->parts[k->nparts++];
		snprintf(u->field, sizeof(u->field), "%s", key);
		safe_name(u->name, sizeof(u->name), filename);
	}
	k->total += size;
	if (k->total > k->srv->cfg->max_upload ||
	    !grow(&u->data, &u->cap, u->len + size, k->srv->cfg->max_upload)) {
		k->error_code = "size";
		return MHD_NO;
	}
	memcpy(u->data + u->len, data, size);
	u->len += size;
	u->data[u->len] = '\0';
	return MHD_YES;
}

/* ---- the request ---- */

static const char *
query_arg(void *cls, const char *key)
{
	return MHD_lookup_connection_value(cls, MHD_GET_ARGUMENT_KIND, key);
}

/* The media type of Content-Type, lower case, without parameters. */
static void
media_type(struct MHD_Connection *c, char *out, size_t n)
{
	const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	size_t k = 0;

	for (; ct && *ct == ' '; ct++)
		;
	for (; ct && *ct && *ct != ';' && *ct != ' ' && k + 1 < n; ct++)
		out[k++] = (char)((*ct >= 'A' && *ct <= 'Z') ? *ct + 32 : *ct);
	out[k] = '\0';
}

static void
today(const struct server *s, char out[11])
{
	time_t now = s->sde ? (time_t)s->sde_time : time(NULL);
	struct tm tm;

	if (s->sde)
		gmtime_r(&now, &tm);
	else
		localtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Messages in the reader's language: zh (the pages ask for it) or en;
 * otherwise the server's locale. */
static locale_t
request_locale(struct server *s, struct MHD_Connection *c)
{
	const char *al = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_ACCEPT_LANGUAGE);

	if (!al)
		return (locale_t)0;
	while (*al == ' ')
		al++;
	if (strncasecmp(al, "zh", 2) == 0)
		return s->zh;
	if (strncasecmp(al, "en", 2) == 0)
		return s->en;
	return (locale_t)0;
}

static enum MHD_Result
dispatch(struct server *s, struct MHD_Connection *c, struct conn *k)
{
	struct api_call call = { .route = k->route, .method = k->method, .query = query_arg,
		.query_cls = c, .body_kind = k->kind, .body = k->body, .body_len = k->len,
		.uploads = k->parts, .nuploads = k->nparts };
	struct api_reply r;
	char date[11];
	enum MHD_Result ret;

	today(s, date);
	call.today = date;
	/* A health check never waits behind the documents. */
	if (k->route->id == ROUTE_HEALTHZ) {
		api_handle(&s->api, &call, &r);
	} else {
		slot_take(&s->slots);
		api_handle(&s->api, &call, &r);
		slot_give(&s->slots);
	}
	ret = send_reply(c, k, &r);
	api_reply_fini(&r);
	return ret;
}

/* The first call for a request: route, limits, what its body may be. */
static enum MHD_Result
begin(struct server *s, struct MHD_Connection *c, struct conn *k, const char *url,
    const char *method)
{
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	const char *site = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Sec-Fetch-Site");
	bool post = strcmp(method, "POST") == 0;
	char mt[80];
	unsigned active;

	k->match = route_find(method, url, &k->route);
	active = atomic_fetch_add(&s->active, 1) + 1;
	k->counted = true;
	if (active > s->cfg->max_requests)
		return send_error_ex(c, k, 503, NULL, 1, SERVE_BUSY, s->cfg->max_requests);
	if (k->match == MATCH_NOT_FOUND)
		return send_error(c, k, 404, SERVE_NOT_FOUND, k->path);
	if (k->match == MATCH_METHOD)
		return send_error_ex(c, k, 405, k->route->methods, 0, SERVE_METHOD, method, k->path,
		    k->route->methods);
	if (site && strcmp(site, "cross-site") == 0 && (post || k->route->id != ROUTE_STATIC))
		return send_error(c, k, 403, SERVE_CROSS_SITE, site);
	if (!post)
		return MHD_YES;
	if (cl && strtoull(cl, NULL, 10) > s->cfg->max_upload)
		return send_error(c, k, 413, SERVE_TOO_LARGE, s->cfg->max_upload);
	media_type(c, mt, sizeof(mt));
	if ((k->route->bodies & BODY_JSON) && strcmp(mt, "application/json") == 0) {
		k->kind = BODY_JSON;
	} else if ((k->route->bodies & BODY_FORM) && strcmp(mt, "multipart/form-data") == 0) {
		k->kind = BODY_FORM;
		if (!(k->pp = MHD_create_post_processor(c, POST_BUFFER, post_part, k)))
			return send_error(c, k, 400, SERVE_MEDIA, mt, k->path,
			    "multipart/form-data with a boundary");
	} else {
		const char *want = k->route->bodies == (BODY_JSON | BODY_FORM) ?
		    "application/json or multipart/form-data" :
		    k->route->bodies & BODY_JSON ? "application/json" : "multipart/form-data";

		return send_error(c, k, 415, SERVE_MEDIA, *mt ? mt : "(none)", k->path, want);
	}
	return MHD_YES;
}

static enum MHD_Result
handle(struct server *s, struct MHD_Connection *c, const char *url, const char *method,
    const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct conn *k = *con_cls;

	if (!k) {
		const union MHD_ConnectionInfo *ci;

		if (!(k = calloc(1, sizeof(*k))))
			return MHD_NO;
		*con_cls = k;
		k->srv = s;
		clock_gettime(CLOCK_MONOTONIC, &k->start);
		copy_printable(k->method, sizeof(k->method), method);
		copy_printable(k->path, sizeof(k->path), url);
		ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)ci->client_addr)->sin_addr,
			    k->client, sizeof(k->client));
		else if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)ci->client_addr)->sin6_addr,
			    k->client, sizeof(k->client));
		return begin(s, c, k, url, method);
	}
	if (k->responded && k->pending && !*upload_data_size) {
		/* The body is over: the refusal made while it came. */
		struct api_reply *r = k->pending;
		enum MHD_Result ret;

		k->pending = NULL;
		k->in_body = false;
		ret = send_reply(c, k, r);
		api_reply_fini(r);
		free(r);
		return ret;
	}
	if (k->responded) {
		/* Refused already: what is still coming is dropped, up to a
		 * bound; past it the connection is closed. */
		k->dropped += *upload_data_size;
		*upload_data_size = 0;
		return k->dropped > 4 * s->cfg->max_upload + (1u << 20) ? MHD_NO : MHD_YES;
	}
	if (ms_since(&k->start) > s->cfg->timeout * 1000.0) {
		/* Too slow: while the body comes, the connection is closed (as
		 * libmicrohttpd closes an idle one); once it is in, a 408. */
		k->in_body = false;
		if (*upload_data_size) {
			k->status = 408;
			return MHD_NO;
		}
		return send_error(c, k, 408, SERVE_TIMEOUT, s->cfg->timeout);
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;

		*upload_data_size = 0;
		k->in_body = true;
		if (k->kind == BODY_FORM) {
			if (MHD_post_process(k->pp, upload_data, n) != MHD_YES) {
				if (k->error_code && strcmp(k->error_code, "size") == 0)
					return send_error(c, k, 413, SERVE_TOO_LARGE, s->cfg->max_upload);
				if (k->error_code && strcmp(k->error_code, "parts") == 0)
					return send_error(c, k, 413, SERVE_TOO_LARGE, s->cfg->max_upload);
				return send_error(c, k, 400, SERVE_MEDIA, "multipart/form-data", k->path,
				    "a well-formed multipart/form-data body");
			}
		} else if (k->kind == BODY_JSON) {
			if (k->len + n > s->cfg->max_upload ||
			    !grow(&k->body, &k->cap, k->len + n, s->cfg->max_upload))
				return send_error(c, k, 413, SERVE_TOO_LARGE, s->cfg->max_upload);
			memcpy(k->body + k->len, upload_data, n);
			k->len += n;
			k->body[k->len] = '\0';
		}
		/* A GET's body, if any, is not read. */
		return MHD_YES;
	}
	/* The whole request is here. */
	k->in_body = false;
	if (k->route->id == ROUTE_STATIC) {
		const struct web_file *f = web_find(&s->web, url);

		if (!f)
			return send_error(c, k, 404, SERVE_NOT_FOUND, k->path);
		return send_page(c, k, f);
	}
	return dispatch(s, c, k);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct server *s = cls;
	/* Every message of this request, the server's and the library's, in
	 * the reader's language. */
	locale_t loc = request_locale(s, c), old = (locale_t)0;
	enum MHD_Result ret;

	(void)version;
	if (loc)
		old = uselocale(loc);
	ret = handle(s, c, url, method, upload_data, upload_data_size, con_cls);
	if (loc)
		uselocale(old);
	return ret;
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct server *s = cls;
	struct conn *k = *con_cls;

	(void)c;
	if (!k)
		return;
	if (k->counted)
		atomic_fetch_sub(&s->active, 1);
	atomic_fetch_add(&s->served, 1);
	if (!s->cfg->quiet || k->status >= 500 || (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK &&
	    k->responded)) {
		const char *how = toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" :
		    toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ? " (timed out)" :
		    toe == MHD_REQUEST_TERMINATED_CLIENT_ABORT ? " (client went away)" : " (closed)";

		fprintf(stderr, "rfpgen: serve: %s %s %s %u %zu B %.1f ms%s\n", k->client[0] ? k->client : "-",
		    k->method, k->path, k->status, k->sent, ms_since(&k->start), how);
	}
	if (k->pending) {
		api_reply_fini(k->pending);
		free(k->pending);
	}
	if (k->pp)
		MHD_destroy_post_processor(k->pp);
	free(k->body);
	for (size_t i = 0; i < k->nparts; i++)
		free(k->parts[i].data);
	free(k);
	*con_cls = NULL;
}

/* ---- the address ---- */

static bool
is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)(const void *)sa)->sin_addr.s_addr) >> 24) == 127;
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;

		return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
	}
	return false;
}

/* HOST:PORT, [V6]:PORT, or PORT alone (loopback). */
static bool
parse_listen(const char *s, struct addrinfo **out)
{
	char host[256], port[16];
	const char *colon;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV };

	if (s[0] == '[') {
		const char *end = strchr(s, ']');

		if (!end || end[1] != ':' || (size_t)(end - s - 1) >= sizeof(host))
			return false;
		snprintf(host, sizeof(host), "%.*s", (int)(end - s - 1), s + 1);
		colon = end + 1;
	} else if ((colon = strrchr(s, ':')) != NULL) {
		if ((size_t)(colon - s) >= sizeof(host) || strchr(s, ':') != colon)
			return false;
		snprintf(host, sizeof(host), "%.*s", (int)(colon - s), s);
	} else {
		snprintf(host, sizeof(host), "127.0.0.1");
		colon = s - 1;
	}
	if (!*host || strlen(colon + 1) >= sizeof(port) || !colon[1])
		return false;
	snprintf(port, sizeof(port), "%s", colon + 1);
	for (const char *p = port; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	if (atoi(port) > 65535)
		return false;
	return getaddrinfo(host, port, &hints, out) == 0;
}

/* ---- running ---- */

void
rfp_serve_print_routes(FILE *f)
{
	size_t n;
	const struct route *r = route_table(&n);

	for (size_t i = 0; i < n; i++) {
		char methods[64], *save = NULL;

		snprintf(methods, sizeof(methods), "%s", r[i].methods);
		for (char *m = strtok_r(methods, ", ", &save); m; m = strtok_r(NULL, ", ", &save))
			if (strcmp(m, "HEAD") != 0)
				fprintf(f, "%s %s\n", m, r[i].path);
	}
}

int
rfp_serve_run(const struct rfp_serve_config *cfg)
{
	struct server s = { .cfg = cfg };
	struct addrinfo *ai = NULL;
	struct MHD_Daemon *d = NULL;
	char web_dir[4096 + 16], where[320], host[INET6_ADDRSTRLEN] = "";
	const union MHD_DaemonInfo *di;
	sigset_t stop_set, old_set;
	unsigned workers = cfg->workers;
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	int sig = 0, rc = 1;
	enum rfp_status st;

	if (!parse_listen(cfg->listen, &ai)) {
		serve_diag("error", SERVE_ADDRESS, cfg->listen);
		return 2;
	}
	if (!workers) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		workers = n > 0 ? (unsigned)n : 1;
	}
	if (sde && *sde) {
		s.sde = true;
		s.sde_time = strtoll(sde, NULL, 10);
	}
	s.zh = newlocale(LC_MESSAGES_MASK | LC_CTYPE_MASK, "zh_TW.UTF-8", (locale_t)0);
	s.en = newlocale(LC_MESSAGES_MASK | LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	s.api.max_upload = cfg->max_upload;
	s.api.mtime = cfg->mtime;
	s.api.generator = cfg->generator;
	/* Each request's limits: an upload is a whole file; what it may unpack
	 * and render stays within a few times that. */
	struct rfp_limits *lim = rfp_ctx_limits(cfg->ctx);

	lim->max_file_bytes = cfg->max_upload;
	if (lim->max_package_bytes > 256u << 20)
		lim->max_package_bytes = 256u << 20;
	if ((st = api_server_init(&s.api, cfg->ctx, cfg->cat, cfg->data_dir, cfg->pdf)) != RFP_OK) {
		fprintf(stderr, "rfpgen: serve: %s: %s\n", _("error"), rfp_strerror(st));
		goto out;
	}
	snprintf(web_dir, sizeof(web_dir), "%s/web", cfg->data_dir);
	if (web_load(&s.web, web_dir) != 0 || !web_find(&s.web, "/"))
		serve_diag("warning", SERVE_WEB, web_dir);
	/* The server's threads are made with these blocked; this thread waits
	 * for them. */
	sigemptyset(&stop_set);
	sigaddset(&stop_set, SIGINT);
	sigaddset(&stop_set, SIGTERM);
	sigaddset(&stop_set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stop_set, &old_set);
	signal(SIGPIPE, SIG_IGN);
	slots_init(&s.slots, workers);
#ifdef M_ARENA_MAX
	/* A thread per connection, but at most `workers` of them allocating
	 * much at once: a few malloc arenas for them (not glibc's eight per
	 * core), so that memory freed by one request serves the next and the
	 * RSS stays flat. */
	mallopt(M_ARENA_MAX, 2 * (int)workers + 2);
#endif
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_POLL | MHD_USE_ITC | MHD_USE_ERROR_LOG |
	    (ai->ai_family == AF_INET6 ? MHD_USE_IPv6 : 0),
	    0, NULL, NULL, on_request, &s,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_SOCK_ADDR, ai->ai_addr,
	    MHD_OPTION_CONNECTION_LIMIT, cfg->max_requests + 64,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(128u << 10),
	    MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, 256u,
	    MHD_OPTION_STRICT_FOR_CLIENT, 1,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, &s,
	    MHD_OPTION_END);
	if (ai->ai_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)(void *)ai->ai_addr)->sin6_addr, host, sizeof(host));
	else
		inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)ai->ai_addr)->sin_addr, host, sizeof(host));
	if (!d) {
		serve_diag("error", SERVE_LISTEN, cfg->listen, errno ? strerror(errno) : "libmicrohttpd failed");
		rc = 5;
		goto out;
	}
	di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	snprintf(where, sizeof(where), ai->ai_family == AF_INET6 ? "http://[%s]:%u/" : "http://%s:%u/",
	    host, di ? di->port : 0);
	if (!is_loopback(ai->ai_addr))
		serve_diag("warning", SERVE_EXPOSED, where);
	fprintf(stderr, _("rfpgen: serve: listening on %s (%u workers, uploads up to %zu KB, "
	    "%u requests at once, PDF %s)\n"), where, workers, cfg->max_upload >> 10,
	    cfg->max_requests, s.api.pdf ? _("on") : _("off"));
	for (;;) {
		if (sigwait(&stop_set, &sig) != 0)
			continue;
		if (sig != SIGHUP)
			break;
		fprintf(stderr, "%s", _("rfpgen: serve: SIGHUP ignored; restart the service to read new data files\n"));
	}
	fprintf(stderr, _("rfpgen: serve: %s: stopping\n"), sig == SIGINT ? "SIGINT" : "SIGTERM");
	/* No new connections; what is under way may finish. */
	MHD_quiesce_daemon(d);
	for (int i = 0; i < 1000 && atomic_load(&s.active); i++)
		usleep(10000);
	MHD_stop_daemon(d);
	d = NULL;
	fprintf(stderr, _("rfpgen: serve: stopped after %lu requests\n"),
	    (unsigned long)atomic_load(&s.served));
	rc = 0;
	pthread_sigmask(SIG_SETMASK, &old_set, NULL);
out:
	if (d)
		MHD_stop_daemon(d);
	web_free(&s.web);
	api_server_fini(&s.api);
	pthread_mutex_destroy(&s.slots.lock);
	if (s.zh)
		freelocale(s.zh);
	if (s.en)
		freelocale(s.en);
	freeaddrinfo(ai);
	return rc;
}
