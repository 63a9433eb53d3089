/* SPDX-License-Identifier: MIT */
/*
 * The rfpgen command: a thin client of <rfpgen/rfpgen.h>. It parses the
 * command line, finds the data files, prints diagnostics and maps failures
 * to the documented exit codes (see README.md, "Exit codes").
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <rfpgen/rfpgen.h>

#include "cli/term.h"

enum exit_code {
	EXIT_OK = 0,
	EXIT_INTERNAL = 1,	/* out of memory, unexpected library failure */
	EXIT_USAGE = 2,		/* bad option or value */
	EXIT_DATA = 3,		/* catalogue invalid */
	EXIT_TEMPLATE = 4,	/* template invalid or unreadable as a package */
	EXIT_IO = 5,		/* a file could not be read or written */
	EXIT_LIMIT = 6,		/* an input exceeded a limit */
	EXIT_ROWS = 7,		/* batch: some rows failed */
	EXIT_INTERRUPTED = 130,	/* SIGINT */
};

/* The one piece of global state: set by the SIGINT handler, read by the
 * batch workers through rfp_batch_options.stop. */
static volatile int interrupted;

#define MAX_LIST 64

struct options {
	const char *command;
	const char *type, *level, *impact;
	const char *output, *format, *template_path;
	const char *agency, *project, *date;
	const char *data_dir, *baseline;
	const char *catalogues[MAX_LIST];
	size_t ncatalogues;
	struct rfp_param_value params[MAX_LIST];
	size_t nparams;
	const char *to_type, *to_level, *to_baseline;	/* diff */
	const char *out_dir, *sheet, *encoding, *report, *jobs;	/* batch */
	bool fail_fast, progress;
	const char *limits[8][2];	/* --max-*: name, value */
	size_t nlimits;
	const char *contract_value;
	unsigned conditions;
	bool agency_checklist;
	bool quiet, verify;
	const char *args[4];	/* positional arguments of a command */
	size_t nargs;
};

struct cli {
	struct options opt;
	struct rfp_ctx *ctx;
	char data_dir[PATH_MAX + 32];
	char *paths[MAX_LIST + 1];	/* catalogue files found in the data dir */
	size_t npaths;
};

static const char usage_line[] =
    "usage: rfpgen [generate] --type TYPE (--level LEVEL | --impact C=L,I=L,A=L,L=L)\n"
    "              -o FILE [--format docx|odt] [--template FILE] [--agency NAME]\n"
    "              [--project NAME] [--date YYYY-MM-DD] [--set NAME=VALUE]...\n"
    "              [--baseline NAME] [--catalogue FILE]... [--data-dir DIR] [-q]\n"
    "              [--contract-value NTD] [--core-system] [--eu-personal-data]\n"
    "              [--classified] [--agency-checklist]\n"
    "       rfpgen list --type TYPE (--level LEVEL | --impact ...) [condition options]\n"
    "       rfpgen diff --type TYPE --level LEVEL [--to-type TYPE] [--to-level LEVEL]\n"
    "              [--baseline NAME] [--to-baseline NAME] [--format text|json|csv|md] [-o FILE]\n"
    "       rfpgen batch PORTFOLIO -O DIR [-j N] [--sheet NAME] [--encoding utf-8|cp950|big5]\n"
    "              [--format docx|odt] [--template FILE] [--report FILE.json] [--fail-fast]\n"
    "              [--progress] [-q]\n"
    "       rfpgen inspect TEMPLATE\n"
    "       rfpgen explain ID\n"
    "       rfpgen params\n"
    "       rfpgen --help | --version\n";

static void
print_help(void)
{
	printf("rfpgen %s: 產生政府資訊委外 RFP 之資安需求附件 (DOCX/ODT)\n\n%s\n", RFP_VERSION,
	    usage_line);
	printf(
	    "Options:\n"
	    "  -t, --type TYPE        委外類型: %s\n"
	    "  -l, --level LEVEL      防護需求等級: %s\n"
	    "      --impact RATINGS   附表九 ratings, e.g. C=高,I=中,A=普,L=普; the highest wins\n"
	    "  -o, --output FILE      output file (.docx or .odt); '-' for standard output\n"
	    "  -f, --format FMT       docx or odt (default: from the output file name);\n"
	    "                         json, csv or md write the selected items for pipelines\n"
	    "  -T, --template FILE    template (.docx/.dotx/.odt/.ott; default: the shipped one)\n"
	    "  -a, --agency NAME      機關名稱\n"
	    "  -p, --project NAME     案名\n"
	    "      --date YYYY-MM-DD  date shown in the annex (default: SOURCE_DATE_EPOCH or today)\n"
	    "      --set NAME=VALUE   override a catalogue parameter\n"
	    "      --baseline NAME    附表十 baseline version (default: 2021)\n"
	    "      --catalogue FILE   load this catalogue file instead of the shipped ones (repeatable)\n"
	    "      --data-dir DIR     where requirements/ and templates/ live (also RFPGEN_DATA_DIR)\n"
	    "      --contract-value N contract value in NT$; 10,000,000 or more adds third-party testing\n"
	    "      --core-system      the system is a 核心資通系統 (adds third-party testing)\n"
	    "      --eu-personal-data EU personal data is processed (adds the GDPR item)\n"
	    "      --classified       the work involves national secrets (adds suitability checks)\n"
	    "      --agency-checklist append the agency's own duties as a separate appendix\n"
	    "  -q, --quiet            print errors only\n"
	    "      --verify           parse every rendered part again (template development)\n"
	    "      --max-file-size N  largest catalogue, template or portfolio file (default 64M)\n"
	    "      --max-part-size N  largest uncompressed zip entry (default 64M)\n"
	    "      --max-entries N    most entries in a zip package (default 2048)\n"
	    "      --max-rows N       most portfolio rows (default 100000)\n"
	    "      --max-field-size N largest portfolio cell (default 64K)\n"
	    "      --max-cache-size N compressed text kept for reuse, per worker (default 4M; 0: none)\n"
	    "  -h, --help             show this help\n"
	    "  -V, --version          show the version\n\n"
	    "Batch options:\n"
	    "  -O, --output-dir DIR   where the annexes go\n"
	    "  -j, --jobs N           worker threads (default: number of cores)\n"
	    "      --sheet NAME       the workbook sheet (default: the first)\n"
	    "      --encoding ENC     CSV encoding: utf-8, cp950 or big5 (default: detected)\n"
	    "      --report FILE      write one JSON record per row\n"
	    "      --fail-fast        start no new row after a failure\n"
	    "      --progress         show progress even when stderr is not a terminal\n\n"
	    "Exit codes: 0 success, 1 internal error, 2 usage, 3 invalid catalogue or portfolio,\n"
	    "4 invalid template, 5 input/output error, 6 limit exceeded, 7 some batch rows failed,\n"
	    "130 interrupted.\n",
	    rfp_type_choices(), rfp_level_choices());
}

static int
usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("rfpgen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fputs(usage_line, stderr);
	return EXIT_USAGE;
}

static void
print_diag(const struct rfp_diag *d, void *userdata)
{
	const struct options *opt = userdata;
	static const char *const sev[] = { "note", "warning", "error" };

	if (opt->quiet && d->severity != RFP_ERROR)
		return;
	fputs("rfpgen: ", stderr);
	if (d->file)
		fputs(d->file, stderr);
	if (d->part)
		fprintf(stderr, "%s%s%s", d->file ? "(" : "", d->part, d->file ? ")" : "");
	if (d->line)
		fprintf(stderr, ":%u", d->line);
	if (d->line && d->col)
		fprintf(stderr, ":%u", d->col);
	if (d->file || d->part)
		fputs(": ", stderr);
	fprintf(stderr, "%s: %s [%s]\n", sev[d->severity], d->msg, d->code);
	if (d->hint)
		fprintf(stderr, "  hint: %s\n", d->hint);
}

static int
exit_for(enum rfp_status st, int phase_code)
{
	switch (st) {
	case RFP_OK: return EXIT_OK;
	case RFP_ERR_NOMEM: return EXIT_INTERNAL;
	case RFP_ERR_IO: return EXIT_IO;
	case RFP_ERR_LIMIT: return EXIT_LIMIT;
	case RFP_ERR_USAGE: return EXIT_USAGE;
	default: return phase_code;
	}
}

/* Keeps paths in messages short: build/src/../requirements → build/requirements. */
static void
canonical(char *dir, size_t len)
{
	char real[PATH_MAX];

	if (realpath(dir, real))
		snprintf(dir, len, "%s", real);
}

static bool
is_dir_with_schema(const char *dir)
{
	char p[PATH_MAX + 64];
	struct stat sb;

	return snprintf(p, sizeof(p), "%s/requirements/catalogue.xsd", dir) < (int)sizeof(p) &&
	    stat(p, &sb) == 0;
}

/* --data-dir, RFPGEN_DATA_DIR, ../share/rfpgen beside the binary (relocated
 * installs), the build tree, then the configured install path. */
static int
find_data_dir(struct cli *cli)
{
	char exe[PATH_MAX], *slash;
	const char *env = getenv("RFPGEN_DATA_DIR");
	ssize_t n;

	if (cli->opt.data_dir || (env && *env)) {
		const char *d = cli->opt.data_dir ? cli->opt.data_dir : env;

		if (!is_dir_with_schema(d)) {
			fprintf(stderr, "rfpgen: %s: no requirements/catalogue.xsd there\n"
			    "  hint: point --data-dir or RFPGEN_DATA_DIR at rfpgen's data directory\n", d);
			return EXIT_IO;
		}
		snprintf(cli->data_dir, sizeof(cli->data_dir), "%s", d);
		return EXIT_OK;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			snprintf(cli->data_dir, sizeof(cli->data_dir), "%s/../share/rfpgen", exe);
			if (is_dir_with_schema(cli->data_dir)) {
				canonical(cli->data_dir, sizeof(cli->data_dir));
				return EXIT_OK;
			}
			/* The build tree: build/src/rfpgen beside build/requirements. */
			snprintf(cli->data_dir, sizeof(cli->data_dir), "%s/..", exe);
			if (is_dir_with_schema(cli->data_dir)) {
				canonical(cli->data_dir, sizeof(cli->data_dir));
				return EXIT_OK;
			}
		}
	}
	snprintf(cli->data_dir, sizeof(cli->data_dir), "%s", RFP_DATA_DIR);
	if (!is_dir_with_schema(cli->data_dir)) {
		fprintf(stderr, "rfpgen: cannot find the data directory (tried %s)\n"
		    "  hint: set RFPGEN_DATA_DIR or use --data-dir\n", RFP_DATA_DIR);
		return EXIT_IO;
	}
	return EXIT_OK;
}

static int
find_catalogues(struct cli *cli)
{
	char pat[PATH_MAX + 128];
	glob_t g;
	const char *baseline = cli->opt.baseline ? cli->opt.baseline : "2021";
	struct stat sb;

	if (cli->opt.ncatalogues)
		return EXIT_OK;
	snprintf(pat, sizeof(pat), "%s/requirements/baseline-%s.xml", cli->data_dir, baseline);
	if (stat(pat, &sb) != 0) {
		fprintf(stderr, "rfpgen: unknown baseline '%s' (no %s)\n", baseline, pat);
		snprintf(pat, sizeof(pat), "%s/requirements/baseline-*.xml", cli->data_dir);
		if (glob(pat, 0, NULL, &g) == 0) {
			fputs("  valid baselines:", stderr);
			for (size_t i = 0; i < g.gl_pathc; i++) {
				const char *b = strrchr(g.gl_pathv[i], '/') + strlen("/baseline-");

				fprintf(stderr, " %.*s", (int)(strlen(b) - 4), b);
			}
			fputc('\n', stderr);
			globfree(&g);
		}
		return EXIT_USAGE;
	}
	if (!(cli->paths[cli->npaths++] = strdup(pat)))
		return EXIT_INTERNAL;
	snprintf(pat, sizeof(pat), "%s/requirements/module-*.xml", cli->data_dir);
	if (glob(pat, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc && cli->npaths < MAX_LIST; i++)
			if (!(cli->paths[cli->npaths++] = strdup(g.gl_pathv[i])))
				return EXIT_INTERNAL;
		globfree(&g);
	}
	return EXIT_OK;
}

static int
check_text_arg(const char *opt, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
			return usage_error("%s: control character 0x%02X at byte %zu is not allowed in a document",
			    opt, *p, (size_t)(p - (const unsigned char *)s));
	}
	if (!rfp_term_utf8_ok(s))
		return usage_error("%s: not valid UTF-8; use a UTF-8 terminal or locale", opt);
	return EXIT_OK;
}

static int
parse_args(int argc, char **argv, struct options *opt)
{
	static const struct option longopts[] = {
		{ "type", required_argument, NULL, 't' },
		{ "level", required_argument, NULL, 'l' },
		{ "impact", required_argument, NULL, 'I' },
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "template", required_argument, NULL, 'T' },
		{ "agency", required_argument, NULL, 'a' },
		{ "project", required_argument, NULL, 'p' },
		{ "date", required_argument, NULL, 'D' },
		{ "set", required_argument, NULL, 'S' },
		{ "baseline", required_argument, NULL, 'B' },
		{ "catalogue", required_argument, NULL, 'C' },
		{ "data-dir", required_argument, NULL, 'd' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "contract-value", required_argument, NULL, 'M' },
		{ "output-dir", required_argument, NULL, 'O' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "sheet", required_argument, NULL, 1004 },
		{ "encoding", required_argument, NULL, 1005 },
		{ "report", required_argument, NULL, 1006 },
		{ "fail-fast", no_argument, NULL, 1007 },
		{ "progress", no_argument, NULL, 1008 },
		{ "max-file-size", required_argument, NULL, 1101 },
		{ "max-part-size", required_argument, NULL, 1102 },
		{ "max-entries", required_argument, NULL, 1103 },
		{ "max-rows", required_argument, NULL, 1104 },
		{ "max-field-size", required_argument, NULL, 1105 },
		{ "max-cache-size", required_argument, NULL, 1107 },
		{ "verify", no_argument, NULL, 1106 },
		{ "to-type", required_argument, NULL, 1001 },
		{ "to-level", required_argument, NULL, 1002 },
		{ "to-baseline", required_argument, NULL, 1003 },
		{ "core-system", no_argument, NULL, 'K' },
		{ "eu-personal-data", no_argument, NULL, 'E' },
		{ "classified", no_argument, NULL, 'X' },
		{ "agency-checklist", no_argument, NULL, 'G' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c, optidx = 0;

	opt->command = "generate";
	if (argc > 1 && argv[1][0] != '-') {
		opt->command = argv[1];
		argc--;
		argv++;
	}
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":t:l:o:f:T:a:p:O:j:qhV", longopts, &optidx)) != -1) {
		switch (c) {
		case 't': opt->type = optarg; break;
		case 'l': opt->level = optarg; break;
		case 'I': opt->impact = optarg; break;
		case 'o': opt->output = optarg; break;
		case 'f': opt->format = optarg; break;
		case 'T': opt->template_path = optarg; break;
		case 'a': opt->agency = optarg; break;
		case 'p': opt->project = optarg; break;
		case 'D': opt->date = optarg; break;
		case 'B': opt->baseline = optarg; break;
		case 'd': opt->data_dir = optarg; break;
		case 'q': opt->quiet = true; break;
		case 'M': opt->contract_value = optarg; break;
		case 'O': opt->out_dir = optarg; break;
		case 'j': opt->jobs = optarg; break;
		case 1004: opt->sheet = optarg; break;
		case 1005: opt->encoding = optarg; break;
		case 1006: opt->report = optarg; break;
		case 1007: opt->fail_fast = true; break;
		case 1008: opt->progress = true; break;
		case 1101: case 1102: case 1103: case 1104: case 1105: case 1107:
			if (opt->nlimits == 8)
				return usage_error("too many --max-* options");
			opt->limits[opt->nlimits][0] = longopts[optidx].name;
			opt->limits[opt->nlimits++][1] = optarg;
			break;
		case 1106: opt->verify = true; break;
		case 1001: opt->to_type = optarg; break;
		case 1002: opt->to_level = optarg; break;
		case 1003: opt->to_baseline = optarg; break;
		case 'K': opt->conditions |= RFP_COND_CORE_OR_LARGE; break;
		case 'E': opt->conditions |= RFP_COND_EU_PERSONAL_DATA; break;
		case 'X': opt->conditions |= RFP_COND_CLASSIFIED; break;
		case 'G': opt->agency_checklist = true; break;
		case 'C':
			if (opt->ncatalogues == MAX_LIST)
				return usage_error("too many --catalogue files (at most %d)", MAX_LIST);
			opt->catalogues[opt->ncatalogues++] = optarg;
			break;
		case 'S': {
			char *eq = strchr(optarg, '=');

			if (!eq || eq == optarg)
				return usage_error("--set needs NAME=VALUE, got '%s'", optarg);
			if (opt->nparams == MAX_LIST)
				return usage_error("too many --set options (at most %d)", MAX_LIST);
			*eq = '\0';
			opt->params[opt->nparams++] = (struct rfp_param_value){ optarg, eq + 1 };
			break;
		}
		case 'h': print_help(); exit(EXIT_OK);
		case 'V': printf("rfpgen %s\n", RFP_VERSION); exit(EXIT_OK);
		case ':': return usage_error("option '%s' needs a value", argv[optind - 1]);
		default: return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	while (optind < argc) {
		if (opt->nargs == sizeof(opt->args) / sizeof(opt->args[0]))
			return usage_error("unexpected argument '%s'", argv[optind]);
		opt->args[opt->nargs++] = argv[optind++];
	}
	return EXIT_OK;
}

/* Applies --max-* options; sizes take K, M or G. */
static int
apply_limits(const struct options *opt, struct rfp_limits *lim)
{
	for (size_t i = 0; i < opt->nlimits; i++) {
		const char *name = opt->limits[i][0], *v = opt->limits[i][1];
		unsigned long long n, mul = 1;
		char *end;

		errno = 0;
		n = strtoull(v, &end, 10);
		if (*end == 'K' || *end == 'k')
			mul = 1024, end++;
		else if (*end == 'M' || *end == 'm')
			mul = 1024 * 1024, end++;
		else if (*end == 'G' || *end == 'g')
			mul = 1024ULL * 1024 * 1024, end++;
		bool cache = strcmp(name, "max-cache-size") == 0;

		if (errno || *end || end == v || v[0] == '-' || (n == 0 && !cache) ||
		    n > (1ULL << 40) / mul)
			return usage_error("--%s: '%s' is not a %s size (e.g. 128M)", name, v,
			    cache ? "valid" : "positive");
		n *= mul;
		if (strcmp(name, "max-file-size") == 0)
			lim->max_file_bytes = (size_t)n;
		else if (strcmp(name, "max-part-size") == 0)
			lim->max_part_bytes = (size_t)n;
		else if (strcmp(name, "max-entries") == 0)
			lim->max_entries = n > UINT32_MAX ? UINT32_MAX : (unsigned)n;
		else if (strcmp(name, "max-rows") == 0)
			lim->max_rows = n > UINT32_MAX ? UINT32_MAX : (unsigned)n;
		else if (cache)
			lim->max_cache_bytes = (size_t)n;
		else
			lim->max_field_bytes = (size_t)n;
	}
	return EXIT_OK;
}

static bool
valid_date(const char *s)
{
	int y, m, d;
	char tail;

	return strlen(s) == 10 && sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 &&
	    s[4] == '-' && s[7] == '-' && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/* The date shown in the annex and the zip timestamp. SOURCE_DATE_EPOCH
 * fixes both; otherwise the date is today and the timestamp 1980-01-01. */
static int
resolve_dates(struct options *opt, char *buf, size_t buflen, int64_t *mtime)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	time_t now;
	struct tm tm;
	char *end;

	*mtime = 0;
	if (sde && *sde) {
		errno = 0;
		long long v = strtoll(sde, &end, 10);

		if (errno || *end || v < 0)
			return usage_error("SOURCE_DATE_EPOCH must be a whole number of seconds, got '%s'", sde);
		*mtime = v;
		now = (time_t)v;
		gmtime_r(&now, &tm);
	} else {
		now = time(NULL);
		localtime_r(&now, &tm);
	}
	if (opt->date) {
		if (!valid_date(opt->date))
			return usage_error("--date: '%s' is not YYYY-MM-DD", opt->date);
		return EXIT_OK;
	}
	strftime(buf, buflen, "%Y-%m-%d", &tm);
	opt->date = buf;
	return EXIT_OK;
}

static int
build_request(const struct options *opt, struct rfp_request *req)
{
	char err[256];
	int rc;

	*req = (struct rfp_request){ .agency = opt->agency, .project = opt->project,
	    .date = opt->date, .params = opt->params, .nparams = opt->nparams,
	    .conditions = opt->conditions, .agency_checklist = opt->agency_checklist };
	if (opt->contract_value) {
		char *end;
		unsigned long long v;

		errno = 0;
		v = strtoull(opt->contract_value, &end, 10);
		if (errno || *end || end == opt->contract_value || opt->contract_value[0] == '-')
			return usage_error("--contract-value: '%s' is not a whole number of NT dollars",
			    opt->contract_value);
		/* 施行細則§4: NT$10,000,000 or more calls for third-party testing. */
		if (v >= 10000000ULL)
			req->conditions |= RFP_COND_CORE_OR_LARGE;
	}
	if (!opt->type)
		return usage_error("--type is required; valid: %s", rfp_type_choices());
	if (!rfp_type_parse(opt->type, &req->type))
		return usage_error("unknown type '%s'; valid: %s", opt->type, rfp_type_choices());
	if (opt->level && opt->impact)
		return usage_error("give --level or --impact, not both");
	if (!opt->level && !opt->impact)
		return usage_error("--level or --impact is required; levels: %s", rfp_level_choices());
	if (opt->level && !rfp_level_parse(opt->level, &req->level))
		return usage_error("unknown level '%s'; valid: %s", opt->level, rfp_level_choices());
	if (opt->impact) {
		if (!rfp_impact_parse(opt->impact, &req->impact, err, sizeof(err)))
			return usage_error("--impact: %s", err);
		req->has_impact = true;
	}
	if (opt->agency && (rc = check_text_arg("--agency", opt->agency)))
		return rc;
	if (opt->project && (rc = check_text_arg("--project", opt->project)))
		return rc;
	for (size_t i = 0; i < opt->nparams; i++)
		if ((rc = check_text_arg("--set", opt->params[i].value)))
			return rc;
	return EXIT_OK;
}

static int load_catalogue(struct cli *cli, struct rfp_catalogue **cat);

static int
load_selection(struct cli *cli, const struct rfp_request *req,
    struct rfp_catalogue **cat, struct rfp_selection **sel)
{
	enum rfp_status st;
	int rc;

	if ((rc = load_catalogue(cli, cat)))
		return rc;
	if ((st = rfp_select(cli->ctx, *cat, req, sel)) != RFP_OK)
		return exit_for(st, EXIT_DATA);
	return EXIT_OK;
}

static int
cmd_list(struct cli *cli, const struct rfp_request *req)
{
	struct rfp_catalogue *cat = NULL;
	struct rfp_selection *sel = NULL;
	int rc;

	if ((rc = load_selection(cli, req, &cat, &sel)) == EXIT_OK)
		rfp_term_list(stdout, sel, rfp_type_name(req->type));
	rfp_selection_free(sel);
	rfp_catalogue_free(cat);
	return rc;
}

/* Loads the catalogue alone (no selection) for explain and params. */
static int
load_catalogue(struct cli *cli, struct rfp_catalogue **cat)
{
	char schema[PATH_MAX + 128];
	enum rfp_status st;
	int rc;

	if ((rc = find_data_dir(cli)) || (rc = find_catalogues(cli)))
		return rc;
	snprintf(schema, sizeof(schema), "%s/requirements/catalogue.xsd", cli->data_dir);
	st = rfp_catalogue_load(cli->ctx, schema,
	    cli->opt.ncatalogues ? cli->opt.catalogues : (const char *const *)cli->paths,
	    cli->opt.ncatalogues ? cli->opt.ncatalogues : cli->npaths, cat);
	return exit_for(st, EXIT_DATA);
}

static int
cmd_describe(struct cli *cli)
{
	struct rfp_catalogue *cat = NULL;
	enum rfp_status st = RFP_OK;
	char *text = NULL;
	int rc;

	if (strcmp(cli->opt.command, "explain") == 0 && cli->opt.nargs != 1)
		return usage_error("explain needs one item id, e.g. rfpgen explain AC.ACCT.1");
	if (strcmp(cli->opt.command, "params") == 0 && cli->opt.nargs)
		return usage_error("params takes no arguments");
	if ((rc = load_catalogue(cli, &cat)))
		return rc;
	if (strcmp(cli->opt.command, "params") == 0)
		st = rfp_catalogue_params(cat, &text);
	else
		st = rfp_catalogue_describe(cat, cli->opt.args[0], &text);
	if (st == RFP_ERR_USAGE)
		rc = usage_error("no item has the id '%s'; 'rfpgen list' shows the ids", cli->opt.args[0]);
	else if (st)
		rc = exit_for(st, EXIT_INTERNAL);
	else
		fputs(text, stdout);
	free(text);
	rfp_catalogue_free(cat);
	return rc;
}

static int
cmd_inspect(struct cli *cli)
{
	char *listing = NULL;
	enum rfp_status st;

	if (cli->opt.nargs != 1)
		return usage_error("inspect needs one template file");
	st = rfp_template_inspect(cli->ctx, cli->opt.args[0], &listing);
	if (listing) {
		printf("%s: %s\n", cli->opt.args[0], st == RFP_OK ? "OK" : "has errors");
		fputs(listing, stdout);
	}
	free(listing);
	return exit_for(st, EXIT_TEMPLATE);
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
		return usage_error("unknown format '%s'; valid: text, json, csv, md", cli->opt.format);
	if (cli->opt.to_type && !rfp_type_parse(cli->opt.to_type, &req2.type))
		return usage_error("unknown type '%s'; valid: %s", cli->opt.to_type, rfp_type_choices());
	if (cli->opt.to_level) {
		req2.has_impact = false;
		if (!rfp_level_parse(cli->opt.to_level, &req2.level))
			return usage_error("unknown level '%s'; valid: %s", cli->opt.to_level,
			    rfp_level_choices());
	}
	if ((rc = load_selection(cli, req, &cat, &a)))
		goto out;
	if (cli->opt.to_baseline) {
		const char *keep = cli->opt.baseline;

		for (size_t i = 0; i < cli->npaths; i++)
			free(cli->paths[i]);
		cli->npaths = 0;
		cli->opt.baseline = cli->opt.to_baseline;
		rc = load_catalogue(cli, &cat2);
		cli->opt.baseline = keep;
		if (rc)
			goto out;
	}
	if ((st = rfp_select(cli->ctx, cat2 ? cat2 : cat, &req2, &b)) != RFP_OK) {
		rc = exit_for(st, EXIT_DATA);
		goto out;
	}
	if ((st = rfp_selection_diff(a, b, fmt, &text, &len, counts)) != RFP_OK) {
		rc = exit_for(st, EXIT_INTERNAL);
		goto out;
	}
	if ((st = rfp_write_file(cli->ctx, cli->opt.output ? cli->opt.output : "-", text, len)))
		rc = exit_for(st, EXIT_IO);
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
	interrupted = 1;
}

struct progress {
	struct timespec start;
	bool show;
};

/* "[#####.....] 120/500  40.1/s  ETA 9s" on a terminal line, redrawn. */
static void
show_progress(size_t done, size_t total, size_t failed, void *data)
{
	struct progress *p = data;
	struct timespec now;
	double secs, rate;
	char bar[21];
	size_t fill = total ? done * 20 / total : 20;

	if (!p->show)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	secs = (double)(now.tv_sec - p->start.tv_sec) + (now.tv_nsec - p->start.tv_nsec) / 1e9;
	rate = secs > 0 ? (double)done / secs : 0;
	for (size_t i = 0; i < 20; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[20] = '\0';
	fprintf(stderr, "\r[%s] %zu/%zu  %.1f/s  ETA %.0fs%s%s", bar, done, total, rate,
	    rate > 0 ? (double)(total - done) / rate : 0.0,
	    failed ? "  failed: " : "", failed ? "" : "");
	if (failed)
		fprintf(stderr, "%zu", failed);
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
}

static int
cmd_batch(struct cli *cli, int64_t mtime)
{
	struct rfp_batch_options bo = { .sheet = cli->opt.sheet, .encoding = cli->opt.encoding,
	    .out_dir = cli->opt.out_dir, .template_path = cli->opt.template_path,
	    .fail_fast = cli->opt.fail_fast, .generator = "rfpgen " RFP_VERSION,
	    .date = cli->opt.date, .mtime = mtime, .stop = &interrupted };
	struct progress prog = { .show = !cli->opt.quiet &&
	    (cli->opt.progress || isatty(STDERR_FILENO)) };
	struct rfp_catalogue *cat = NULL;
	struct rfp_batch *b = NULL;
	char docx[PATH_MAX + 64], odt[PATH_MAX + 64], *report = NULL;
	size_t ok, failed, skipped, len;
	struct sigaction sa = { .sa_handler = on_sigint };
	struct stat sb;
	enum rfp_status st;
	int rc;

	if (cli->opt.nargs != 1)
		return usage_error("batch needs one portfolio file (.csv, .xlsx or .ods)");
	bo.portfolio = cli->opt.args[0];
	if (!bo.out_dir)
		return usage_error("batch needs -O DIR, the directory for the annexes");
	if (stat(bo.out_dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		fprintf(stderr, "rfpgen: %s: not a directory\n  hint: create it first\n", bo.out_dir);
		return EXIT_IO;
	}
	if (cli->opt.jobs) {
		char *end;
		long n = strtol(cli->opt.jobs, &end, 10);

		if (*end || n < 1 || n > 64)
			return usage_error("-j: '%s' is not a number of threads from 1 to 64", cli->opt.jobs);
		bo.jobs = (unsigned)n;
	}
	if (cli->opt.format) {
		if (strcasecmp(cli->opt.format, "odt") == 0)
			bo.format = RFP_FORMAT_ODT;
		else if (strcasecmp(cli->opt.format, "docx") != 0)
			return usage_error("batch --format: '%s'; valid: docx, odt", cli->opt.format);
	}
	if ((rc = load_catalogue(cli, &cat)))
		return rc;
	snprintf(docx, sizeof(docx), "%s/templates/annex.docx", cli->data_dir);
	snprintf(odt, sizeof(odt), "%s/templates/annex.odt", cli->data_dir);
	bo.default_docx = docx;
	bo.default_odt = odt;
	bo.progress = show_progress;
	bo.progress_data = &prog;
	clock_gettime(CLOCK_MONOTONIC, &prog.start);
	sigaction(SIGINT, &sa, NULL);
	st = rfp_batch_run(cli->ctx, cat, &bo, &b);
	if (st) {
		rc = exit_for(st, EXIT_DATA);
		goto out;
	}
	rfp_batch_totals(b, &ok, &failed, &skipped);
	for (size_t i = 0; i < rfp_batch_count(b); i++) {
		struct rfp_batch_row row;

		rfp_batch_row(b, i, &row);
		if (row.status == RFP_ROW_FAILED)
			fprintf(stderr, "rfpgen: %s: row %u%s%s: error: %s\n", bo.portfolio, row.line,
			    *row.system_id ? " " : "", row.system_id, row.message);
	}
	if (cli->opt.report) {
		if ((st = rfp_batch_report_json(b, &report, &len)) != RFP_OK ||
		    (st = rfp_write_file(cli->ctx, cli->opt.report, report, len)) != RFP_OK) {
			rc = exit_for(st, EXIT_IO);
			goto out;
		}
	}
	if (!cli->opt.quiet || failed)
		fprintf(stderr, "rfpgen: batch: %zu written, %zu failed, %zu skipped\n", ok, failed, skipped);
	rc = interrupted ? EXIT_INTERRUPTED : failed ? EXIT_ROWS : EXIT_OK;
out:
	free(report);
	rfp_batch_free(b);
	rfp_catalogue_free(cat);
	return rc;
}

static const char *
extension(const char *path)
{
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');

	return dot && (!slash || dot > slash) ? dot + 1 : "";
}

static int
choose_format(const struct options *opt, enum rfp_format *fmt)
{
	const char *f = opt->format;

	if (!f && strcmp(opt->output, "-") != 0) {
		f = extension(opt->output);
		if (strcasecmp(f, "docx") != 0 && strcasecmp(f, "odt") != 0)
			return usage_error("cannot tell the format from '%s'; name it .docx or .odt, or give --format",
			    opt->output);
	}
	if (!f)
		f = opt->template_path && strcasecmp(extension(opt->template_path), "odt") == 0 ?
		    "odt" : "docx";
	if (strcasecmp(f, "docx") == 0)
		*fmt = RFP_FORMAT_DOCX;
	else if (strcasecmp(f, "odt") == 0)
		*fmt = RFP_FORMAT_ODT;
	else
		return usage_error("unknown format '%s'; valid: docx, odt, json, csv, md", f);
	return EXIT_OK;
}

/* --format json|csv|md: the selection as data, not a document. */
static int
cmd_export(struct cli *cli, const struct rfp_request *req, enum rfp_export_format fmt)
{
	struct rfp_catalogue *cat = NULL;
	struct rfp_selection *sel = NULL;
	enum rfp_status st;
	char *data = NULL;
	size_t len;
	int rc;

	if ((rc = load_selection(cli, req, &cat, &sel)) == EXIT_OK) {
		if ((st = rfp_selection_export(sel, fmt, &data, &len)) != RFP_OK)
			rc = exit_for(st, EXIT_INTERNAL);
		else if ((st = rfp_write_file(cli->ctx, cli->opt.output, data, len)) != RFP_OK)
			rc = exit_for(st, EXIT_IO);
	}
	free(data);
	rfp_selection_free(sel);
	rfp_catalogue_free(cat);
	return rc;
}

static int
cmd_generate(struct cli *cli, const struct rfp_request *req, int64_t mtime)
{
	struct rfp_catalogue *cat = NULL;
	struct rfp_selection *sel = NULL;
	struct rfp_template *tmpl = NULL;
	struct rfp_output out = { 0 };
	char tpath[PATH_MAX + 128];
	enum rfp_format fmt = RFP_FORMAT_DOCX;
	enum rfp_status st;
	int rc;

	enum rfp_export_format xfmt;

	if (!cli->opt.output)
		return usage_error("-o FILE is required (use '-o -' for standard output)");
	if (cli->opt.format && strcasecmp(cli->opt.format, "text") != 0 &&
	    rfp_export_format_parse(cli->opt.format, &xfmt))
		return cmd_export(cli, req, xfmt);
	if ((rc = choose_format(&cli->opt, &fmt)))
		return rc;
	if ((rc = load_selection(cli, req, &cat, &sel)))
		goto out;
	if (cli->opt.template_path)
		snprintf(tpath, sizeof(tpath), "%s", cli->opt.template_path);
	else
		snprintf(tpath, sizeof(tpath), "%s/templates/annex.%s", cli->data_dir,
		    fmt == RFP_FORMAT_DOCX ? "docx" : "odt");
	if ((st = rfp_template_load(cli->ctx, tpath, &tmpl)) != RFP_OK) {
		rc = exit_for(st, EXIT_TEMPLATE);
		goto out;
	}
	if (rfp_template_format(tmpl) != fmt) {
		rc = usage_error("%s is a %s template but the output is %s; the output format follows the template",
		    tpath, rfp_template_format(tmpl) == RFP_FORMAT_DOCX ? "DOCX" : "ODT",
		    fmt == RFP_FORMAT_DOCX ? "DOCX" : "ODT");
		goto out;
	}
	if ((st = rfp_render(cli->ctx, tmpl, sel, "rfpgen " RFP_VERSION, mtime, &out)) != RFP_OK) {
		rc = exit_for(st, EXIT_TEMPLATE);
		goto out;
	}
	if ((st = rfp_write_file(cli->ctx, cli->opt.output, out.data, out.len)) != RFP_OK) {
		rc = exit_for(st, EXIT_IO);
		goto out;
	}
	if (!cli->opt.quiet && strcmp(cli->opt.output, "-") != 0)
		fprintf(stderr, "rfpgen: wrote %s: %s/%s, %zu items\n", cli->opt.output,
		    rfp_type_name(req->type), rfp_level_name(rfp_selection_level(sel)),
		    rfp_selection_count(sel));
	rc = EXIT_OK;
out:
	rfp_output_fini(&out);
	rfp_template_free(tmpl);
	rfp_selection_free(sel);
	rfp_catalogue_free(cat);
	return rc;
}

int
main(int argc, char **argv)
{
	struct cli cli = { 0 };
	struct rfp_request req;
	char datebuf[32];
	int64_t mtime = 0;
	int rc;

	if ((rc = parse_args(argc, argv, &cli.opt)))
		return rc;
	bool describe = strcmp(cli.opt.command, "explain") == 0 ||
	    strcmp(cli.opt.command, "params") == 0 || strcmp(cli.opt.command, "inspect") == 0;

	bool batch = strcmp(cli.opt.command, "batch") == 0;

	if (!describe && !batch && strcmp(cli.opt.command, "generate") != 0 &&
	    strcmp(cli.opt.command, "list") != 0 && strcmp(cli.opt.command, "diff") != 0)
		return usage_error("unknown command '%s'; commands: generate, list, diff, batch, "
		    "inspect, explain, params", cli.opt.command);
	if (!describe && !batch && cli.opt.nargs)
		return usage_error("unexpected argument '%s'", cli.opt.args[0]);
	if (!describe && (rc = resolve_dates(&cli.opt, datebuf, sizeof(datebuf), &mtime)))
		return rc;
	if (!describe && !batch && (rc = build_request(&cli.opt, &req)))
		return rc;
	cli.ctx = rfp_ctx_new();
	if (!cli.ctx) {
		fputs("rfpgen: out of memory\n", stderr);
		return EXIT_INTERNAL;
	}
	rfp_ctx_set_diag(cli.ctx, print_diag, &cli.opt);
	rfp_ctx_set_verify(cli.ctx, cli.opt.verify);
	if ((rc = apply_limits(&cli.opt, rfp_ctx_limits(cli.ctx)))) {
		rfp_ctx_free(cli.ctx);
		return rc;
	}
	if (batch)
		rc = cmd_batch(&cli, mtime);
	else if (strcmp(cli.opt.command, "inspect") == 0)
		rc = cmd_inspect(&cli);
	else if (describe)
		rc = cmd_describe(&cli);
	else if (strcmp(cli.opt.command, "list") == 0)
		rc = cmd_list(&cli, &req);
	else if (strcmp(cli.opt.command, "diff") == 0)
		rc = cmd_diff(&cli, &req);
	else
		rc = cmd_generate(&cli, &req, mtime);
	for (size_t i = 0; i < cli.npaths; i++)
		free(cli.paths[i]);
	rfp_ctx_free(cli.ctx);
	return rc;
}
