/* SPDX-License-Identifier: MIT */
/*
 * The routes of rfpgen serve: one table, matched by exact path, so that no
 * part of a request's path ever names a file (static pages are looked up
 * by name among the files read at start, web.c). docs/openapi.json lists
 * the same routes (tests/serve/openapi.py checks it against
 * `rfpgen serve --list-routes` and the running server).
 */
#ifndef RFP_SERVE_ROUTE_H
#define RFP_SERVE_ROUTE_H

#include <stdbool.h>
#include <stddef.h>

enum route_id {
	ROUTE_HEALTHZ,
	ROUTE_TYPES,
	ROUTE_ITEMS,		/* GET: query; POST: the annex request as JSON */
	ROUTE_ANNEX,		/* JSON, or multipart: request + template */
	ROUTE_AGENCY,		/* the agency's own document, same request */
	ROUTE_INSPECT,		/* multipart: template */
	ROUTE_REVIEW,		/* multipart: file (one or more), original */
	ROUTE_STATIC,		/* a page of web/ */
};

/* What the body of a POST may be. */
enum route_body { BODY_NONE = 0, BODY_JSON = 1, BODY_FORM = 2 };

struct route {
	const char *path;
	enum route_id id;
	const char *methods;	/* "GET, HEAD" or "POST": the Allow header */
	unsigned bodies;	/* POST: enum route_body bits */
	const char *summary;
};

/* How a path and method matched. */
enum route_match { MATCH_OK, MATCH_NOT_FOUND, MATCH_METHOD };

/** The route table, n entries, in the order of docs/api.md. */
const struct route *route_table(size_t *n);

/**
 * Matches method and path (decoded, without the query). A path that is no
 * API route and a plain file name ("/", "/app.js": one component of
 * [A-Za-z0-9._-], not starting with '.') is ROUTE_STATIC for GET and HEAD;
 * *out is then the static route and the caller looks the name up.
 */
enum route_match route_find(const char *method, const char *path, const struct route **out);

/** Whether name (without the leading '/') may be a page of web/. */
bool route_static_name(const char *name);

#endif
