/* SPDX-License-Identifier: MIT */
/*
 * The route table (route.h).
 */
#include "config.h"

#include <string.h>

#include "serve/route.h"

static const struct route routes[] = {
	{ "/healthz", ROUTE_HEALTHZ, "GET, HEAD", 0, "whether the server runs, and what it offers" },
	{ "/api/types", ROUTE_TYPES, "GET, HEAD", 0,
	  "the outsourcing types, levels, 附表九 ratings, conditions and cover fields" },
	{ "/api/items", ROUTE_ITEMS, "GET, HEAD, POST", BODY_JSON,
	  "the items a request selects, as rfpgen list shows them" },
	{ "/api/annex", ROUTE_ANNEX, "POST", BODY_JSON | BODY_FORM, "the annex as DOCX, ODT or PDF" },
	{ "/api/agency-checklist", ROUTE_AGENCY, "POST", BODY_JSON | BODY_FORM,
	  "the agency's own duties (機關自行辦理事項檢核表) as a document" },
	{ "/api/inspect", ROUTE_INSPECT, "POST", BODY_FORM,
	  "an agency template's tags and errors, nothing rendered" },
	{ "/api/review", ROUTE_REVIEW, "POST", BODY_FORM,
	  "the review of returned annexes and the bidder matrix" },
};

static const struct route static_route = { "/", ROUTE_STATIC, "GET, HEAD", 0, "the pages" };

const struct route *
route_table(size_t *n)
{
	*n = sizeof(routes) / sizeof(routes[0]);
	return routes;
}

bool
route_static_name(const char *name)
{
	size_t n = 0;

	if (*name == '.' )
		return false;
	for (; name[n]; n++) {
		char c = name[n];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '-'))
			return false;
	}
	return n <= 64;
}

/* Whether method is one of the comma-separated list. */
static bool
allows(const char *list, const char *method)
{
	size_t n = strlen(method);

	if (!n)
		return false;	/* strstr would find "" everywhere, for ever */
	for (const char *p = list; (p = strstr(p, method)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

enum route_match
route_find(const char *method, const char *path, const struct route **out)
{
	*out = NULL;
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (strcmp(path, routes[i].path) != 0)
			continue;
		*out = &routes[i];
		return allows(routes[i].methods, method) ? MATCH_OK : MATCH_METHOD;
	}
	/* Only /api/ and /healthz are the API; the rest may be a page. */
	if (path[0] != '/' || strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0 ||
	    !route_static_name(path + 1))
		return MATCH_NOT_FOUND;
	*out = &static_route;
	return allows(static_route.methods, method) ? MATCH_OK : MATCH_METHOD;
}
