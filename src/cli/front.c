/* SPDX-License-Identifier: MIT */
/*
 * rfpgen, the front executable. Starting a program that links libxml2 and
 * libzip costs more than rendering an annex: Debian's libxml2 brings ICU
 * and libstdc++, libzip brings libcrypto, and the dynamic loader relocates
 * them all before main (bench/README.md). So this executable links only
 * zlib and libc. It carries the snapshot of the shipped catalogues and
 * templates (snapshot.h), loaded, validated and compiled by the full
 * library when rfpgen was built, with the compressed text of every shipped
 * type and level, and runs list and generate itself when the data
 * directory holds exactly the files the snapshot was made from.
 *
 * Everything else is handed, with the command line unchanged, to
 * rfpgen-full (main.c): the other commands, another catalogue or template,
 * --verify, --max-* limits, a data directory whose files differ, and a
 * render that needs the guards. Both run the same code for what they share
 * (args.c, generate.c and the library), so the bytes and the messages are
 * the same whichever runs; the tests compare them. RFPGEN_TRACE=1 says on
 * standard error which one served a command, and why.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/args.h"
#include "pkg/pkg.h"
#include "snapshot/snapshot.h"

extern const char rfp_snapshot_image[];
extern const size_t rfp_snapshot_image_len;

struct front {
	struct rfp_snapshot *snap;
	const char *why;	/* why the snapshot did not apply */
};

static enum rfp_status
snapshot_catalogue(struct cli *cli, const char *schema, const char *const *paths,
    size_t npaths, struct rfp_catalogue **out)
{
	struct front *f = cli->loader_data;
	enum rfp_status st = rfp_snapshot_catalogue(f->snap, cli->data_dir, schema, paths,
	    npaths, out);

	if (st == RFP_OK || st == RFP_ERR_NOMEM)
		return st;
	f->why = st == RFP_ERR_UNSUPPORTED ?
	    "the catalogue files are not those of the snapshot" : "the snapshot is damaged";
	return RFP_ERR_UNSUPPORTED;
}

static enum rfp_status
snapshot_template(struct cli *cli, const char *path, struct rfp_template **out)
{
	struct front *f = cli->loader_data;
	enum rfp_status st = rfp_snapshot_template(f->snap, cli->data_dir, path, out);

	if (st == RFP_OK || st == RFP_ERR_NOMEM)
		return st;
	f->why = st == RFP_ERR_UNSUPPORTED ?
	    "the template is not one of the snapshot" : "the snapshot is damaged";
	return RFP_ERR_UNSUPPORTED;
}

/* Why the front cannot serve this command line at all, or NULL. */
static const char *
not_served(const struct cli *cli)
{
	if (!cli_is(cli, "generate") && !cli_is(cli, "list"))
		return "the command";
	if (cli->opt.template_path || cli->opt.ncatalogues)
		return "--template or --catalogue";
	if (cli->opt.verify || cli->opt.nlimits)
		return "--verify or a --max-* limit";
	return NULL;
}

static void
trace(const char *fmt, const char *arg)
{
	const char *t = getenv("RFPGEN_TRACE");

	if (t && *t && strcmp(t, "0") != 0) {
		fputs("rfpgen: trace: ", stderr);
		fprintf(stderr, fmt, arg);
		fputc('\n', stderr);
	}
}

/* Runs rfpgen-full with argv: beside this binary (the build tree), in
 * ../libexec/rfpgen (a relocated install), or where it was installed. */
static int
delegate(char **argv, const char *why)
{
	char exe[PATH_MAX], path[PATH_MAX + 64], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const char *dirs[3] = { NULL, NULL, RFP_LIBEXEC_DIR };
	char rel[PATH_MAX + 32];

	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			dirs[0] = exe;
			snprintf(rel, sizeof(rel), "%s/../libexec/rfpgen", exe);
			dirs[1] = rel;
		}
	}
	trace("handed to rfpgen-full: %s", why);
	fflush(NULL);
	for (size_t i = 0; i < 3; i++) {
		if (!dirs[i] ||
		    snprintf(path, sizeof(path), "%s/rfpgen-full", dirs[i]) >= (int)sizeof(path) ||
		    access(path, X_OK) != 0)
			continue;
		execv(path, argv);
		fprintf(stderr, "rfpgen: cannot run %s: %s\n", path, strerror(errno));
	}
	fprintf(stderr, "rfpgen: cannot run rfpgen-full (looked in %s, %s and %s)\n"
	    "  hint: this command needs the full rfpgen; reinstall rfpgen\n",
	    dirs[0] ? dirs[0] : "(unknown)", dirs[1] ? dirs[1] : "(unknown)", RFP_LIBEXEC_DIR);
	return EXIT_INTERNAL;
}

int
main(int argc, char **argv)
{
	struct front f = { 0 };
	struct cli cli = { .load_catalogue = snapshot_catalogue,
	    .load_template = snapshot_template, .loader_data = &f };
	struct rfp_request req;
	const char *why;
	int64_t mtime = 0;
	char **orig;
	int rc;

	/* cli_start writes into the arguments (--set); the hand-over needs
	 * them as they came. */
	if (!(orig = calloc((size_t)argc + 1, sizeof(*orig))))
		goto nomem;
	for (int i = 0; i < argc; i++)
		if (!(orig[i] = strdup(argv[i])))
			goto nomem;
	if ((rc = cli_start(&cli, argc, argv, &req, &mtime)) == EXIT_OK) {
		if ((why = not_served(&cli)) != NULL) {
			rc = EXIT_DELEGATE;
			f.why = why;
		} else if (rfp_snapshot_open(rfp_snapshot_image, rfp_snapshot_image_len, &f.snap)) {
			rc = EXIT_DELEGATE;
			f.why = "the snapshot is damaged";
		} else {
			rfp_snapshot_seed(f.snap, cli.ctx);
			rc = cli_is(&cli, "list") ? cli_list(&cli, &req) : cli_generate(&cli, &req, mtime);
		}
	}
	if (rc != EXIT_DELEGATE) {
		uint64_t reused = 0, compressed = 0;
		char what[96];

		if (cli.ctx)
			rfp_pkg_chunk_stats(cli.ctx, &reused, &compressed);
		snprintf(what, sizeof(what), "%s; text chunks: %llu reused, %llu compressed",
		    rc ? " (with an error)" : "", (unsigned long long)reused,
		    (unsigned long long)compressed);
		trace("served by the front from its snapshot%s", what);
	}
	cli_finish(&cli);
	rfp_snapshot_free(f.snap);
	if (rc == EXIT_DELEGATE)	/* returns only if rfpgen-full cannot run */
		rc = delegate(orig, f.why ? f.why : "the document needs the guards (guard.c)");
	for (int i = 0; i < argc; i++)
		free(orig[i]);
	free(orig);
	return rc;
nomem:
	fputs("rfpgen: out of memory\n", stderr);
	return EXIT_INTERNAL;
}
