/* SPDX-License-Identifier: MIT */
/*
 * rfpgen review FILE... [--against ORIGINAL] [--format text|json|csv|md]
 *     [--matrix] [-o FILE] [--template FILE]: the annexes bidders return,
 * read back (docs/review.md). Its options are its own, parsed here; main.c
 * hands it the command line.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/args.h"

static const char review_usage[] =
    "usage: rfpgen review FILE... [--against ORIGINAL] [--format text|json|csv|md]\n"
    "              [--matrix] [-o FILE] [--template FILE] [--data-dir DIR] [-q]\n";

static void
review_help(void)
{
	printf("%s\n", review_usage);
	printf(
	    "Reads the annexes bidders return, filled in, and reports each item's answer,\n"
	    "說明 and 佐證頁次, the items unanswered, 不符合/部分符合 without 說明, 符合\n"
	    "without 佐證頁次, requirement text the bidder changed (with a diff), checklist\n"
	    "rows added or deleted, and answers typed outside the controls (docs/review.md).\n\n"
	    "      --against FILE     the annex as issued: its manifest is the reference\n"
	    "  -f, --format FMT       text (default), json, csv or md\n"
	    "      --matrix           the bidder matrix (a row per item, a column per file)\n"
	    "                         instead of the report; CSV, or XLSX by -o FILE.xlsx\n"
	    "  -o, --output FILE      .json .csv .md .txt: the report; .xlsx: the matrix;\n"
	    "                         .docx .odt: the 審查意見表; '-': standard output\n"
	    "  -T, --template FILE    the 審查意見表 template (default: the shipped one)\n"
	    "      --data-dir DIR     where templates/ lives (also RFPGEN_DATA_DIR)\n"
	    "  -q, --quiet            print errors only\n"
	    "      --max-file-size N, --max-part-size N, --max-entries N  input limits\n\n"
	    "Exit codes: 0 every file complete (every item answered, no text altered, no\n"
	    "row added or deleted), 8 some file is not, 2 usage, 4 a file is not an annex\n"
	    "rfpgen wrote, 5 input/output, 6 limit exceeded.\n");
}

static const struct option review_opts[] = {
	{ "against", required_argument, NULL, 'A' },
	{ "format", required_argument, NULL, 'f' },
	{ "matrix", no_argument, NULL, 'M' },
	{ "output", required_argument, NULL, 'o' },
	{ "template", required_argument, NULL, 'T' },
	{ "data-dir", required_argument, NULL, 'd' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "max-file-size", required_argument, NULL, 1101 },
	{ "max-part-size", required_argument, NULL, 1102 },
	{ "max-entries", required_argument, NULL, 1103 },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

enum out_kind { OUT_REPORT, OUT_MATRIX_CSV, OUT_MATRIX_XLSX, OUT_SHEET_DOCX, OUT_SHEET_ODT };

/* What -o FILE's extension asks for; false if it names none. */
static bool
by_extension(const char *path, enum out_kind *kind, enum rfp_export_format *fmt)
{
	const char *dot = path ? strrchr(path, '.') : NULL;

	if (!dot || strchr(dot, '/'))
		return false;
	if (strcasecmp(dot, ".xlsx") == 0)
		*kind = OUT_MATRIX_XLSX;
	else if (strcasecmp(dot, ".docx") == 0)
		*kind = OUT_SHEET_DOCX;
	else if (strcasecmp(dot, ".odt") == 0)
		*kind = OUT_SHEET_ODT;
	else if (strcasecmp(dot, ".txt") == 0)
		*kind = OUT_REPORT, *fmt = RFP_EXPORT_TEXT;
	else if (rfp_export_format_parse(dot + 1, fmt) && *fmt != RFP_EXPORT_TEXT)
		*kind = OUT_REPORT;
	else
		return false;
	return true;
}

static int64_t
epoch(void)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long v;

	if (!sde || !*sde)
		return 0;
	errno = 0;
	v = strtoll(sde, &end, 10);
	return errno || *end || v < 0 ? 0 : (int64_t)v;
}

/* One line a file on standard error, when the report went elsewhere. */
static void
print_counts(const struct rfp_review *r)
{
	struct rfp_review_summary s;

	rfp_review_summary(r, &s);
	fprintf(stderr, _("rfpgen: review: %s: %zu items: 符合 %zu, 部分符合 %zu, 不符合 %zu, "
	    "不適用 %zu, 未答 %zu; %zu problems%s\n"), s.file, s.items, s.counts[RFP_REPLY_MEETS],
	    s.counts[RFP_REPLY_PARTIAL], s.counts[RFP_REPLY_FAILS], s.counts[RFP_REPLY_NA],
	    s.unanswered, s.problems, s.complete ? "" : _(" (not complete)"));
}

int
cli_review(int argc, char **argv)
{
	struct cli cli = { 0 };
	const char *against = NULL, *format = NULL, *output = NULL, *tmpl = NULL;
	bool matrix = false;
	enum out_kind kind = OUT_REPORT;
	enum rfp_export_format fmt = RFP_EXPORT_TEXT;
	struct rfp_review *orig = NULL, **rv = NULL;
	size_t nrv = 0, incomplete = 0;
	char *bytes = NULL;
	size_t len = 0;
	enum rfp_status st;
	int c, optidx = 0, rc = EXIT_OK;

	cli_setup_locale(&cli.opt);
	cli.opt.command = "review";
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":f:o:T:qh", review_opts, &optidx)) != -1) {
		switch (c) {
		case 'A': against = optarg; break;
		case 'f': format = optarg; break;
		case 'M': matrix = true; break;
		case 'o': output = optarg; break;
		case 'T': tmpl = optarg; break;
		case 'd': cli.opt.data_dir = optarg; break;
		case 'q': cli.opt.quiet = true; break;
		case 1101: case 1102: case 1103:
			if (cli.opt.nlimits == 8)
				return cli_usage_error("too many --max-* options");
			cli.opt.limits[cli.opt.nlimits][0] = review_opts[optidx].name;
			cli.opt.limits[cli.opt.nlimits++][1] = optarg;
			break;
		case 'h': review_help(); return EXIT_OK;
		case ':': return cli_usage_error("option '%s' needs a value", argv[optind - 1]);
		default: return cli_usage_error("review: unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error("review needs the returned annexes: rfpgen review FILE...");
	if (format && (!rfp_export_format_parse(format, &fmt)))
		return cli_usage_error("review --format: '%s'; valid: text, json, csv, md", format);
	if (output && strcmp(output, "-") != 0) {
		enum rfp_export_format ext = fmt;

		if (!by_extension(output, &kind, &ext))
			return cli_usage_error("review -o: '%s' must end in .json, .csv, .md, .txt, "
			    ".xlsx, .docx or .odt", output);
		if (format && kind == OUT_REPORT && ext != fmt)
			return cli_usage_error("the output '%s' and --format %s disagree", output, format);
		if (format && kind != OUT_REPORT)
			return cli_usage_error("--format is for reports; '%s' is decided by its name", output);
		fmt = ext;
	}
	if (matrix && kind == OUT_REPORT) {
		if (format && fmt != RFP_EXPORT_CSV)
			return cli_usage_error("--matrix is written as CSV or XLSX, not %s", format);
		kind = OUT_MATRIX_CSV;
	}
	if (tmpl && kind != OUT_SHEET_DOCX && kind != OUT_SHEET_ODT)
		return cli_usage_error("--template is for the 審查意見表: -o FILE.docx or FILE.odt");
	if (kind == OUT_MATRIX_XLSX && !output)
		return cli_usage_error("the XLSX matrix needs -o FILE.xlsx");
	if ((kind == OUT_MATRIX_XLSX || kind == OUT_SHEET_DOCX || kind == OUT_SHEET_ODT) &&
	    (!output || strcmp(output, "-") == 0) && isatty(STDOUT_FILENO)) {
		cli_error(NULL, TTY, kind == OUT_MATRIX_XLSX ? "XLSX" : "DOCX/ODT");
		return EXIT_USAGE;
	}
	if (!(cli.ctx = rfp_ctx_new())) {
		fputs("rfpgen: out of memory\n", stderr);
		return EXIT_INTERNAL;
	}
	rfp_ctx_set_diag(cli.ctx, cli_print_diag, &cli.opt);
	if ((rc = cli_apply_limits(&cli.opt, rfp_ctx_limits(cli.ctx))))
		goto out;
	if (against && (st = rfp_review_read(cli.ctx, against, NULL, &orig)) != RFP_OK) {
		if (st == RFP_ERR_INVALID) {
			cli_error(against, REVIEW_AGAINST, against);
			rc = EXIT_USAGE;
		} else {
			rc = cli_exit_for(st, EXIT_TEMPLATE);
		}
		goto out;
	}
	if (!(rv = calloc((size_t)(argc - optind), sizeof(*rv)))) {
		rc = EXIT_INTERNAL;
		goto out;
	}
	/* Every file is read; one that cannot be is reported and left out. */
	for (int i = optind; i < argc; i++) {
		if ((st = rfp_review_read(cli.ctx, argv[i], orig, &rv[nrv])) != RFP_OK) {
			if (!rc)
				rc = cli_exit_for(st, EXIT_TEMPLATE);
			continue;
		}
		struct rfp_review_summary s;

		rfp_review_summary(rv[nrv], &s);
		incomplete += !s.complete;
		nrv++;
	}
	if (kind == OUT_REPORT)
		st = rfp_review_report((const struct rfp_review *const *)rv, nrv, fmt, &bytes, &len);
	else if (kind == OUT_MATRIX_CSV || kind == OUT_MATRIX_XLSX)
		st = rfp_review_matrix(cli.ctx, (const struct rfp_review *const *)rv, nrv,
		    kind == OUT_MATRIX_CSV ? RFP_MATRIX_CSV : RFP_MATRIX_XLSX, epoch(), &bytes, &len);
	else {
		char path[PATH_MAX + 64];
		struct rfp_output o = { 0 };

		if (!tmpl) {
			if ((rc = cli_find_data_dir(&cli)) != EXIT_OK)
				goto out;
			snprintf(path, sizeof(path), "%s/templates/review.%s", cli.data_dir,
			    kind == OUT_SHEET_ODT ? "odt" : "docx");
			tmpl = path;
		}
		st = rfp_review_render(cli.ctx, tmpl, (const struct rfp_review *const *)rv, nrv,
		    "rfpgen " RFP_VERSION, epoch(), &o);
		bytes = (char *)o.data;
		len = o.len;
	}
	if (st != RFP_OK) {
		if (!rc)
			rc = cli_exit_for(st, kind == OUT_SHEET_DOCX || kind == OUT_SHEET_ODT ?
			    EXIT_TEMPLATE : EXIT_INTERNAL);
		goto out;
	}
	if ((st = rfp_write_file(cli.ctx, output ? output : "-", bytes, len)) != RFP_OK) {
		if (!rc)
			rc = cli_exit_for(st, EXIT_IO);
		goto out;
	}
	/* The counts on the terminal when the report went to a file. */
	bool to_file = output && strcmp(output, "-") != 0;

	for (size_t i = 0; i < nrv && !cli.opt.quiet && (to_file || kind != OUT_REPORT ||
	    fmt != RFP_EXPORT_TEXT); i++)
		print_counts(rv[i]);
	if (to_file && !cli.opt.quiet)
		fprintf(stderr, _("rfpgen: review: wrote %s\n"), output);
	if (incomplete && !rc) {
		if (!cli.opt.quiet) {
			fprintf(stderr, "rfpgen: %s: ", _("warning"));
			fprintf(stderr, _(rfp_diag_fmt(REVIEW_OPEN)), incomplete, nrv);
			fprintf(stderr, " [%s]\n  %s: %s\n", rfp_diag_code(REVIEW_OPEN), _("hint"),
			    _(rfp_diag_table_hint(REVIEW_OPEN)));
		}
		rc = EXIT_REVIEW;
	}
out:
	free(bytes);
	for (size_t i = 0; i < nrv; i++)
		rfp_review_free(rv[i]);
	free(rv);
	rfp_review_free(orig);
	rfp_ctx_free(cli.ctx);
	return rc;
}
