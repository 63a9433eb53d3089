/* SPDX-License-Identifier: MIT */
/*
 * rfpgen, the command: a thin client of <rfpgen/rfpgen.h> (librfpgen).
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/serve_cmd.h"

/* The one piece of global state: set by the SIGINT handler, read by the
 * batch workers through rfp_batch_options.stop; both sides are atomic. */
static volatile int interrupted;

static int
cmd_describe(struct cli *cli)
{
	struct rfp_catalogue *cat = NULL;
	enum rfp_status st = RFP_OK;
	char *text = NULL;
	int rc;

	if (strcmp(cli->opt.command, "explain") == 0 && cli->opt.nargs != 1)
		return cli_usage_error("explain needs one item id, e.g. rfpgen explain AC.ACCT.1");
	if (strcmp(cli->opt.command, "params") == 0 && cli->opt.nargs)
		return cli_usage_error("params takes no arguments");
	if ((rc = cli_load_catalogue(cli, &cat)))
		return rc;
	if (strcmp(cli->opt.command, "params") == 0)
		st = rfp_catalogue_params(cat, &text);
	else
		st = rfp_catalogue_describe(cat, cli->opt.args[0], &text);
	if (st == RFP_ERR_USAGE && rfp_catalogue_suggest(cat, cli->opt.args[0]))
		rc = cli_usage_error("no item has the id or number '%s'; did you mean %s?",
		    cli->opt.args[0], rfp_catalogue_suggest(cat, cli->opt.args[0]));
	else if (st == RFP_ERR_USAGE)
		rc = cli_usage_error("no item has the id or number '%s'; 'rfpgen list --type TYPE --level LEVEL' "
		    "prints the numbers", cli->opt.args[0]);
	else if (st)
		rc = cli_exit_for(st, EXIT_INTERNAL);
	else
		fputs(text, stdout);
	free(text);
	rfp_catalogue_free(cat);
	return rc;
}

static int
cmd_inspect(struct cli *cli)
{
	enum rfp_export_format fmt = RFP_EXPORT_TEXT;
	char *listing = NULL;
	enum rfp_status st;

	if (cli->opt.nargs != 1)
		return cli_usage_error("inspect needs one template file");
	if (cli->opt.format && (!rfp_export_format_parse(cli->opt.format, &fmt) ||
	    (fmt != RFP_EXPORT_TEXT && fmt != RFP_EXPORT_JSON)))
		return cli_usage_error("inspect --format: '%s'; valid: text, json", cli->opt.format);
	st = rfp_template_inspect(cli->ctx, cli->opt.args[0], fmt, &listing);
	if (listing && fmt == RFP_EXPORT_TEXT)
		printf("%s: %s\n", cli->opt.args[0], st == RFP_OK ? "OK" : "has errors");
	if (listing)
		fputs(listing, stdout);
	free(listing);
	return cli_exit_for(st, EXIT_TEMPLATE);
}

/*
 * diff: two selections, differing in type, level or baseline. The second
 * catalogue is loaded only when the baseline differs.
 */
static int
cmd_diff(struct cli *cli, const struct rfp_request *req)
{
	struct rfp_catalogue *cat = NULL, *cat2 = NULL;
	struct rfp_selection *a = NULL, *b = NULL;
	struct rfp_request req2 = *req;
	enum rfp_export_format fmt = RFP_EXPORT_TEXT;
	enum rfp_status st;
	size_t len, counts[3];
	char *text = NULL;
	int rc;

	if (cli->opt.format && !rfp_export_format_parse(cli->opt.format, &fmt))
		return cli_usage_error("unknown format '%s'; valid: text, json, csv, md", cli->opt.format);
	/* -o d.json means JSON, as for generate; --format wins only if it agrees. */
	if (cli->opt.output && strcmp(cli->opt.output, "-") != 0) {
		const char *dot = strrchr(cli->opt.output, '.');
		enum rfp_export_format ext;

		if (dot && rfp_export_format_parse(dot + 1, &ext)) {
			if (cli->opt.format && ext != fmt)
				return cli_usage_error("the output '%s' says %s but --format says %s; make them agree",
				    cli->opt.output, dot + 1, cli->opt.format);
			fmt = ext;
		}
	}
	if (cli->opt.to_type && (rc = cli_parse_type(cli->opt.to_type, &req2.type)))
		return rc;
	if (cli->opt.to_level) {
		req2.has_impact = false;
		if ((rc = cli_parse_level(cli->opt.to_level, &req2.level)))
			return rc;
	}
	if (cli->opt.to_agency_level &&
	    (rc = cli_parse_agency_level(cli->opt.to_agency_level, &req2.agency_level)))
		return rc;
	/* A service annex has no type: --to-type gives the second one its
	 * system part, which needs a level. */
	if (cli->opt.to_type && req2.service_only) {
		if (!cli->opt.to_level)
			return cli_usage_error("--to-type on a service annex needs --to-level");
		req2.service_only = false;
	} else if (cli->opt.to_level && req2.service_only) {
		return cli_usage_error("--to-level needs --type or --to-type: a service annex has no "
		    "protection level");
	}
	/* Tailoring is the "to" side's: the diff shows what it changes. */
	struct rfp_request from = *req;

	from.tailoring = NULL;
	from.ntailoring = 0;
	if ((rc = cli_load_selection(cli, &from, &cat, &a)))
		goto out;
	if (cli->opt.to_baseline) {
		const char *keep = cli->opt.baseline;

		for (size_t i = 0; i < cli->npaths; i++)
			free(cli->paths[i]);
		cli->npaths = 0;
		cli->opt.baseline = cli->opt.to_baseline;
		rc = cli_load_catalogue(cli, &cat2);
		cli->opt.baseline = keep;
		if (rc)
			goto out;
	}
	if ((st = rfp_select(cli->ctx, cat2 ? cat2 : cat, &req2, &b)) != RFP_OK) {
		rc = cli_exit_for(st, EXIT_DATA);
		goto out;
	}
	if ((st = rfp_selection_diff(a, b, fmt, &text, &len, counts)) != RFP_OK) {
		rc = cli_exit_for(st, EXIT_INTERNAL);
		goto out;
	}
	if ((st = rfp_write_file(cli->ctx, cli->opt.output ? cli->opt.output : "-", text, len)))
		rc = cli_exit_for(st, EXIT_IO);
out:
	free(text);
	rfp_selection_free(a);
	rfp_selection_free(b);
	rfp_catalogue_free(cat);
	rfp_catalogue_free(cat2);
	return rc;
}

static void
on_sigint(int sig)
{
	(void)sig;
	__atomic_store_n(&interrupted, 1, __ATOMIC_RELAXED);
}

/*
 * Progress of a batch: on a terminal one line, "[#####.....] 120/500
 * 40.1/s  ETA 9s  failed: 1", redrawn at most ten times a second; with
 * --progress elsewhere a line at every tenth. A failed row's message is
 * printed as it happens, above the bar.
 */
struct progress {
	struct timespec start, last;
	bool show, tty, drawn;
	unsigned tenth;			/* non-terminal: last tenth printed */
	const char *portfolio;
	unsigned shard_k, shard_n;	/* --shard K/N; 0/0: none */
};

static double
since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (b->tv_nsec - a->tv_nsec) / 1e9;
}

/* Ends the bar's line, so that what comes next starts on its own. */
static void
end_bar(struct progress *p)
{
	if (p->drawn)
		fputs("\r\033[K", stderr);
	p->drawn = false;
}

static void
show_progress(const struct rfp_batch_row *row, size_t done, size_t total, size_t failed,
    void *data)
{
	struct progress *p = data;
	struct timespec now;
	double secs, rate;
	char bar[21];
	size_t fill = total ? done * 20 / total : 20;

	if (row->status == RFP_ROW_FAILED) {
		end_bar(p);
		cli_print_row(p->portfolio, row);
	}
	if (!p->show)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	secs = since(&p->start, &now);
	rate = secs > 0 ? (double)done / secs : 0;
	if (!p->tty) {
		unsigned tenth = total ? (unsigned)(done * 10 / total) : 10;

		if ((tenth > p->tenth || done == total) && p->shard_n) {
			p->tenth = tenth;
			fprintf(stderr, _("rfpgen: batch: %zu/%zu rows (%u%%), %zu failed (shard %u/%u)\n"),
			    done, total, tenth * 10, failed, p->shard_k, p->shard_n);
		} else if (tenth > p->tenth || done == total) {
			p->tenth = tenth;
			fprintf(stderr, _("rfpgen: batch: %zu/%zu rows (%u%%), %zu failed\n"), done, total,
			    tenth * 10, failed);
		}
		return;
	}
	if (p->drawn && done < total && since(&p->last, &now) < 0.1)
		return;
	p->last = now;
	for (size_t i = 0; i < 20; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[20] = '\0';
	fputc('\r', stderr);
	if (p->shard_n)
		fprintf(stderr, "%u/%u ", p->shard_k, p->shard_n);
	fprintf(stderr, "[%s] %zu/%zu  %.1f/s", bar, done, total, rate);
	/* An estimate from the first few rows says nothing yet. */
	if (done >= 5 && rate > 0 && done < total)
		fprintf(stderr, "  ETA %.0fs", (double)(total - done) / rate);
	if (failed)
		fprintf(stderr, _("  failed: %zu"), failed);
	fputs("\033[K", stderr);
	p->drawn = true;
	if (done == total)
		end_bar(p);
	fflush(stderr);
}

/* --report must be writable before any annex is made: a temporary file is
 * made in its directory and removed. */
static int
check_report_path(const char *path)
{
	char dir[PATH_MAX], probe[PATH_MAX + 32];
	const char *slash = strrchr(path, '/');
	struct stat sb;
	int fd, err;

	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		cli_error(path, REPORT, "it is a directory or a device");
		return EXIT_IO;
	}
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
	if (!*dir)
		snprintf(dir, sizeof(dir), "/");
	snprintf(probe, sizeof(probe), "%s/.rfpgen-report-XXXXXX", dir);
	if ((fd = mkstemp(probe)) < 0) {
		err = errno;
		cli_error(path, REPORT, strerror(err));
		return EXIT_IO;
	}
	close(fd);
	unlink(probe);
	return EXIT_OK;
}

#define MAX_SHARDS 10000u

/* --shard K/N: two whole numbers, 1 <= K <= N <= MAX_SHARDS. */
static int
parse_shard(const char *v, unsigned *k, unsigned *n)
{
	unsigned long a = 0, b = 0;
	char *end = NULL;

	errno = 0;
	if (*v >= '0' && *v <= '9')
		a = strtoul(v, &end, 10);
	if (end && *end == '/' && end[1] >= '0' && end[1] <= '9')
		b = strtoul(end + 1, &end, 10);
	if (errno || !b || *end || a < 1 || a > b || b > MAX_SHARDS) {
		cli_error(NULL, BATCH_SHARD, v, MAX_SHARDS);
		return EXIT_USAGE;
	}
	*k = (unsigned)a;
	*n = (unsigned)b;
	return EXIT_OK;
}

static int
cmd_batch(struct cli *cli, const struct rfp_request *defaults, unsigned defaults_set,
    int64_t mtime)
{
	struct rfp_batch_options bo = { .sheet = cli->opt.sheet, .encoding = cli->opt.encoding,
	    .out_dir = cli->opt.out_dir, .template_path = cli->opt.template_path,
	    .agency_dir = cli->opt.agency_dir,
	    .fail_fast = cli->opt.fail_fast, .generator = "rfpgen " RFP_VERSION,
	    .date = cli->opt.date, .mtime = mtime, .stop = &interrupted,
	    .defaults = defaults, .defaults_set = defaults_set, .check_only = cli->opt.check,
	    .ignore_columns = cli->opt.ignore_columns, .nignore_columns = cli->opt.nignore_columns };
	struct progress prog = { .show = !cli->opt.quiet &&
	    (cli->opt.progress || isatty(STDERR_FILENO)), .tty = isatty(STDERR_FILENO),
	    .portfolio = cli->opt.args[0] };
	struct rfp_catalogue *cat = NULL;
	struct rfp_batch *b = NULL;
	char docx[PATH_MAX + 64], odt[PATH_MAX + 64], *report = NULL, suffix[128] = "";
	size_t ok, failed, skipped, len;
	struct sigaction sa = { .sa_handler = on_sigint };
	struct stat sb;
	enum rfp_status st;
	int rc, err;

	if (cli->opt.nargs != 1)
		return cli_usage_error("batch needs one portfolio file (.csv, .xlsx or .ods)");
	bo.portfolio = cli->opt.args[0];
	if (!bo.out_dir && !cli->opt.check)
		return cli_usage_error("batch needs -O DIR, the directory for the annexes");
	if (!bo.out_dir)
		bo.out_dir = ".";	/* --check: the names the files would have */
	if (cli->opt.jobs) {
		char *end;
		long n = strtol(cli->opt.jobs, &end, 10);

		if (*end || n < 1 || n > 64)
			return cli_usage_error("-j: '%s' is not a number of threads from 1 to 64", cli->opt.jobs);
		bo.jobs = (unsigned)n;
	}
	if (cli->opt.shard && (rc = parse_shard(cli->opt.shard, &bo.shard_k, &bo.shard_n)))
		return rc;
	prog.shard_k = bo.shard_k;
	prog.shard_n = bo.shard_n;
	if (cli->opt.format) {
		bo.format_given = true;
		if (strcasecmp(cli->opt.format, "odt") == 0)
			bo.format = RFP_FORMAT_ODT;
		else if (strcasecmp(cli->opt.format, "pdf") == 0)
			bo.pdf = true, bo.format_given = false;	/* a document of any format, converted */
		else if (strcasecmp(cli->opt.format, "docx") != 0)
			return cli_usage_error("batch --format: '%s'; valid: docx, odt, pdf", cli->opt.format);
	}
	if (cli->opt.pdf_standard && !rfp_pdf_standard_parse(cli->opt.pdf_standard, &bo.pdf_standard)) {
		cli_error(NULL, PDF_STANDARD, cli->opt.pdf_standard);
		return EXIT_USAGE;
	}
	/* --format pdf without LibreOffice: refused before anything is made. */
	if (bo.pdf) {
		struct rfp_pdf *probe = NULL;

		if ((st = rfp_pdf_new(cli->ctx, &(struct rfp_pdf_options){ 0 }, &probe)) != RFP_OK)
			return cli_exit_for(st, EXIT_INTERNAL);
		rfp_pdf_free(probe);
	}
	/* -O names a directory, made here if it is new (its parent must exist;
	 * the shards of one portfolio may make it at the same time); then the
	 * report, which may go into it, must be writable, all before any annex
	 * is made. */
	err = 0;
	if (!cli->opt.check && stat(bo.out_dir, &sb) != 0)
		err = mkdir(bo.out_dir, 0777) != 0 && errno != EEXIST ? errno :
		    stat(bo.out_dir, &sb) != 0 ? errno : 0;
	if (!cli->opt.check && !err && !S_ISDIR(sb.st_mode))
		err = ENOTDIR;
	if (err) {
		cli_error(bo.out_dir, BATCH_OUTDIR, strerror(err));
		return EXIT_IO;
	}
	/* The agency's documents go apart from the annexes, made the same way. */
	if (bo.agency_dir && !cli->opt.check && stat(bo.agency_dir, &sb) != 0)
		err = mkdir(bo.agency_dir, 0777) != 0 && errno != EEXIST ? errno :
		    stat(bo.agency_dir, &sb) != 0 ? errno : 0;
	if (bo.agency_dir && !cli->opt.check && !err && !S_ISDIR(sb.st_mode))
		err = ENOTDIR;
	if (err) {
		cli_error(bo.agency_dir, BATCH_OUTDIR, strerror(err));
		return EXIT_IO;
	}
	if (cli->opt.report && (rc = check_report_path(cli->opt.report)))
		return rc;
	if ((rc = cli_load_catalogue(cli, &cat)))
		return rc;
	snprintf(docx, sizeof(docx), "%s/templates/annex.docx", cli->data_dir);
	snprintf(odt, sizeof(odt), "%s/templates/annex.odt", cli->data_dir);
	bo.default_docx = docx;
	bo.default_odt = odt;
	bo.progress = show_progress;
	bo.progress_data = &prog;
	clock_gettime(CLOCK_MONOTONIC, &prog.start);
	/* Ctrl-C, a kill or a closed terminal: rows not started are skipped,
	 * finished files are complete, no temporary file is left. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	st = rfp_batch_run(cli->ctx, cat, &bo, &b);
	end_bar(&prog);
	if (st) {
		rc = cli_exit_for(st, EXIT_DATA);
		goto out;
	}
	rfp_batch_totals(b, &ok, &failed, &skipped);
	/* --check prints its report; --report writes it to a file too. */
	if (cli->opt.report || cli->opt.check) {
		if ((st = rfp_batch_report_json(b, &report, &len)) != RFP_OK ||
		    (cli->opt.report &&
		    (st = rfp_write_file(cli->ctx, cli->opt.report, report, len)) != RFP_OK) ||
		    (cli->opt.check && (st = rfp_write_file(cli->ctx, "-", report, len)) != RFP_OK)) {
			rc = cli_exit_for(st, EXIT_IO);
			goto out;
		}
	}
	/* The summary counts the shard's rows and says which shard it is. */
	if (bo.shard_n)
		snprintf(suffix, sizeof(suffix), _(" (shard %u/%u)"), bo.shard_k, bo.shard_n);
	snprintf(suffix + strlen(suffix), sizeof(suffix) - strlen(suffix), "%s",
	    __atomic_load_n(&interrupted, __ATOMIC_RELAXED) ? _(" (interrupted)") : "");
	if (!cli->opt.quiet || failed)
		fprintf(stderr, cli->opt.check ? _("rfpgen: batch: %zu checked, %zu failed, %zu skipped%s\n") :
		    _("rfpgen: batch: %zu written, %zu failed, %zu skipped%s\n"), ok, failed, skipped,
		    suffix);
	rc = __atomic_load_n(&interrupted, __ATOMIC_RELAXED) ? EXIT_INTERRUPTED : failed ? EXIT_ROWS : EXIT_OK;
out:
	free(report);
	rfp_batch_free(b);
	rfp_catalogue_free(cat);
	return rc;
}

int
main(int argc, char **argv)
{
	struct cli cli = { 0 };
	struct rfp_request req;
	int64_t mtime = 0;
	int rc;

	/* review has options of its own (review.c). */
	if (argc > 1 && strcmp(argv[1], "review") == 0)
		return cli_review(argc - 1, argv + 1);
	/* So has serve (serve.c). */
	if (argc > 1 && strcmp(argv[1], "serve") == 0)
		return cli_serve(argc - 1, argv + 1);
	if ((rc = cli_start(&cli, argc, argv, &req, &mtime)) == EXIT_OK) {
		if (cli_is(&cli, "batch"))
			rc = cmd_batch(&cli, &req, cli.defaults_set, mtime);
		else if (cli_is(&cli, "inspect"))
			rc = cmd_inspect(&cli);
		else if (cli_is(&cli, "explain") || cli_is(&cli, "params"))
			rc = cmd_describe(&cli);
		else if (cli_is(&cli, "list"))
			rc = cli_list(&cli, &req);
		else if (cli_is(&cli, "diff"))
			rc = cmd_diff(&cli, &req);
		else
			rc = cli_generate(&cli, &req, mtime);
	}
	cli_finish(&cli);
	return rc;
}
