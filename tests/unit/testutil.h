/* SPDX-License-Identifier: MIT */
/*
 * Shared test helpers: a context whose diagnostics are captured as text
 * ("code file:line: msg" per line) so tests can assert on messages, and
 * paths to the source tree's data.
 */
#ifndef RFP_TESTS_TESTUTIL_H
#define RFP_TESTS_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rfpgen/rfpgen.h>

struct capture {
	char text[16384];
	size_t len;
};

static inline void
capture_diag(const struct rfp_diag *d, void *userdata)
{
	struct capture *c = userdata;
	int n = snprintf(c->text + c->len, sizeof(c->text) - c->len, "%s %s%s%s:%u: %s\n",
	    d->code, d->file ? d->file : "", d->part ? "|" : "", d->part ? d->part : "",
	    d->line, d->msg);

	if (n > 0 && (size_t)n < sizeof(c->text) - c->len)
		c->len += (size_t)n;
}

static inline struct rfp_ctx *
test_ctx(struct capture *c)
{
	struct rfp_ctx *ctx = rfp_ctx_new();

	assert_non_null(ctx);
	memset(c, 0, sizeof(*c));
	rfp_ctx_set_diag(ctx, capture_diag, c);
	return ctx;
}

/* A path under the source tree; the returned buffer is static per call site use. */
static inline const char *
src_path(char *buf, size_t len, const char *rel)
{
	const char *root = getenv("RFP_SRCDIR");

	snprintf(buf, len, "%s/%s", root ? root : ".", rel);
	return buf;
}

#define SRC(rel) src_path((char[4096]){ 0 }, 4096, (rel))

/* The shipped catalogue: baseline (a path under the source tree) and the
 * modules RFP_MODULES names (the test environment sets it). Fails the test
 * with the diagnostics when it does not load. */
static inline struct rfp_catalogue *
load_shipped(const char *baseline)
{
	const char *mods = getenv("RFP_MODULES");
	char *copy = strdup(mods ? mods : ""), *save = NULL, *paths[32];
	struct rfp_catalogue *cat = NULL;
	struct capture cap;
	struct rfp_ctx *ctx = test_ctx(&cap);
	size_t n = 0;

	paths[n++] = strdup(SRC(baseline));
	for (char *t = strtok_r(copy, " ", &save); t && n < 32; t = strtok_r(NULL, " ", &save))
		paths[n++] = strdup(SRC(t));
	if (rfp_catalogue_load(ctx, SRC("requirements/catalogue.xsd"),
	    (const char *const *)paths, n, &cat) != RFP_OK)
		fail_msg("%s", cap.text);
	while (n--)
		free(paths[n]);
	free(copy);
	rfp_ctx_free(ctx);
	return cat;
}

/* A scratch directory for one test program: tmpdir, with group setup and
 * teardown functions make_tmpdir and remove_tmpdir. */
#define TEST_TMPDIR(pattern) \
	static char tmpdir[] = pattern; \
	static int make_tmpdir(void **state) { (void)state; return mkdtemp(tmpdir) ? 0 : -1; } \
	static int remove_tmpdir(void **state) \
	{ \
		char cmd[128]; \
		(void)state; \
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir); \
		return system(cmd) == 0 ? 0 : -1; \
	}

#endif
