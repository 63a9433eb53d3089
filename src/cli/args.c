/* SPDX-License-Identifier: MIT */
/*
 * The shared command line (args.h): parsing and checking options, usage and
 * help, diagnostics, exit codes, and finding the data directory.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <limits.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/args.h"

static const char usage_line[] =
    "usage: rfpgen [generate] --type TYPE (--level LEVEL | --impact C=L,I=L,A=L,L=L)\n"
    "              -o FILE [--format docx|odt|pdf] [--template FILE] [--agency NAME]\n"
    "              [--project NAME] [--date DATE] [--set NAME=VALUE]...\n"
    "              [--baseline NAME] [--catalogue FILE]... [--data-dir DIR] [-q]\n"
    "              [--contract-value NTD] [--core-system] [--eu-personal-data]\n"
    "              [--classified] [--exclude ID=理由]... [--include ID]...\n"
    "              [--tailoring FILE] [--field NAME=VALUE]... [--agency-checklist FILE]\n"
    "              [--pdf-standard pdfa-2b|none]\n"
    "       rfpgen [generate] --service NAME... [--agency-level A|B|C|D|E]\n"
    "              [--type TYPE (--level LEVEL | --impact ...)] -o FILE [options as above]\n"
    "       rfpgen list --type TYPE (--level LEVEL | --impact ...) [condition options]\n"
    "       rfpgen diff --type TYPE --level LEVEL [--to-type TYPE] [--to-level LEVEL]\n"
    "              [--baseline NAME] [--to-baseline NAME] [--format text|json|csv|md] [-o FILE]\n"
    "       rfpgen batch PORTFOLIO -O DIR [-j N] [--sheet NAME] [--encoding utf-8|cp950|big5]\n"
    "              [--format docx|odt|pdf] [--template FILE] [--report FILE.json] [--fail-fast]\n"
    "              [--progress] [--check] [--shard K/N] [-q]\n"
    "       rfpgen review FILE... [--against ORIGINAL] [--format text|json|csv|md]\n"
    "              [--matrix] [-o FILE] (rfpgen review --help)\n"
    "       rfpgen serve [--listen 127.0.0.1:8080] [--workers N] [--max-upload SIZE]\n"
    "              [--data-dir DIR]   (the web pages and the JSON API; rfpgen serve --help)\n"
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
	    "      --service NAME     資安服務 (repeatable; --type is then optional): %s\n"
	    "      --agency-level L   機關資通安全責任等級 A-E: the services' frequencies the\n"
	    "                         regulation requires of it (default: every level's)\n"
	    "      --to-agency-level L  diff: the agency level of the second selection\n"
	    "  -o, --output FILE      output file (.docx, .odt or .pdf); '-' for standard output\n"
	    "  -f, --format FMT       docx, odt or pdf (default: from the output file name);\n"
	    "                         json, csv or md write the selected items for pipelines;\n"
	    "                         pdf converts the DOCX (or the template's ODT) with LibreOffice\n"
	    "      --pdf-standard STD pdfa-2b (default: archival PDF/A-2b) or none (plain PDF)\n"
	    "  -T, --template FILE    template (.docx/.dotx/.odt/.ott; default: the shipped one)\n"
	    "  -a, --agency NAME      機關名稱\n"
	    "  -p, --project NAME     案名\n"
	    "      --date DATE        date shown in the annex, 2025-05-01 or 中華民國114年5月1日\n"
	    "                         (also 114-05-01, 114/05/01, 114.5.1; default:\n"
	    "                         SOURCE_DATE_EPOCH or today)\n"
	    "      --set NAME=VALUE   override a catalogue parameter\n"
	    "      --baseline NAME    附表十 baseline version (default: 2021)\n"
	    "      --catalogue FILE   load this catalogue file instead of the shipped ones (repeatable)\n"
	    "      --data-dir DIR     where requirements/ and templates/ live (also RFPGEN_DATA_DIR)\n"
	    "      --contract-value N contract value in NT$; 10,000,000 or more adds third-party testing\n"
	    "      --core-system      the system is a 核心資通系統 (adds third-party testing)\n"
	    "      --eu-personal-data EU personal data is processed (adds the GDPR item)\n"
	    "      --classified       the work involves national secrets (adds suitability checks)\n"
	    "      --exclude ID=理由  drop an item that does not apply, with its reason (the\n"
	    "                         annex lists it in 不適用項目及理由); ID as the annex prints\n"
	    "                         it (1.1.1, MG-01) or the catalogue id; repeatable\n"
	    "      --include ID[=理由] add an item above the level or of another type (機關增列)\n"
	    "      --tailoring FILE   exclusions and inclusions from a .csv/.xlsx/.ods with the\n"
	    "                         columns 編號或識別碼, 理由, 動作 (排除 or 增列)\n"
	    "      --field NAME=VALUE a field of the agency's own, {{NAME}} in templates; the cover\n"
	    "                         shows case_no 案號, contact 承辦人, phone 聯絡電話,\n"
	    "                         budget 預算金額 and period 履約期間; for services also\n"
	    "                         target_ips, target_urls, targets, sites, soc_tier and\n"
	    "                         participants (docs/templates.md)\n"
	    "      --agency-checklist FILE  also write the agency's own duties into FILE, a\n"
	    "                         document of their own (never into the annex)\n"
	    "      --agency-duties    list, diff, json/csv/md: show the agency's own duties too\n"
	    "  -q, --quiet            print errors only\n"
	    "      --verify           parse every rendered part again (template development)\n"
	    "      --max-file-size N  largest catalogue, template or portfolio file (default 64M)\n"
	    "      --max-part-size N  largest uncompressed zip entry (default 64M)\n"
	    "      --max-entries N    most entries in a zip package (default 2048)\n"
	    "      --max-rows N       most portfolio rows (default 100000)\n"
	    "      --max-field-size N largest portfolio cell (default 64K)\n"
	    "      --max-cache-size N compressed text kept for reuse, per worker (default 4M; 0: none)\n"
	    "  -h, --help             show this help\n"
	    "  -V, --version          show the version\n\n",
	    rfp_type_choices(), rfp_level_choices(), rfp_service_choices());
	/* Apart: one string literal may be 4095 bytes at most (C99). */
	fputs(
	    "Batch options:\n"
	    "  -O, --output-dir DIR   where the annexes go\n"
	    "  -j, --jobs N           worker threads (default: number of cores)\n"
	    "      --sheet NAME       the workbook sheet (default: the first)\n"
	    "      --encoding ENC     CSV encoding: utf-8, cp950 or big5 (default: detected)\n"
	    "      --report FILE      write one JSON record per row\n"
	    "      --fail-fast        start no new row after a failure\n"
	    "      --progress         show progress even when stderr is not a terminal\n"
	    "      --shard K/N        run only shard K of N: the rows whose index mod N is K-1\n"
	    "                         (docs/batch.md)\n\n"
	    "Exit codes: 0 success, 1 internal error, 2 usage, 3 invalid catalogue or portfolio,\n"
	    "4 invalid template, 5 input/output error, 6 limit exceeded, 7 some batch rows failed,\n"
	    "8 LibreOffice (for PDF) not installed, 9 review incomplete, 130 interrupted.\n", stdout);
}

int
cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	/* One line and a pointer to the help, not the whole usage block. */
	fprintf(stderr, "rfpgen: %s: ", _("error"));
	va_start(ap, fmt);
	vfprintf(stderr, _(fmt), ap);
	va_end(ap);
	fprintf(stderr, " [%s]\n  %s: %s\n", rfp_diag_code(USAGE), _("hint"),
	    _(rfp_diag_table_hint(USAGE)));
	return EXIT_USAGE;
}

/* Writes s to f with control characters as \r, \t or \xNN, so that a cell
 * or a file name cannot move the cursor or rewrite the line. */
static void
put_safe(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\r')
			fputs("\\r", f);
		else if (*p == '\t')
			fputs("\\t", f);
		else if (*p < 0x20 || *p == 0x7F)
			fprintf(f, "\\x%02X", *p);
		else
			fputc(*p, f);
	}
}

/* A hint names a guide as docs/NAME.md, its place in the source tree; the
 * reader gets the place where this rfpgen's guides are. */
static void
put_hint(FILE *f, const char *hint, const char *doc_dir)
{
	const char *p = hint, *q;
	char part[1024];

	while ((q = strstr(p, "docs/")) != NULL && *doc_dir) {
		snprintf(part, sizeof(part), "%.*s", (int)(q - p), p);
		put_safe(f, part);
		put_safe(f, doc_dir);
		fputc('/', f);
		p = q + strlen("docs/");
	}
	put_safe(f, p);
}

void
cli_print_diag(const struct rfp_diag *d, void *userdata)
{
	const struct options *opt = userdata;
	static const char *const sev[] = { N_("note"), N_("warning"), N_("error") };

	if (opt->quiet && d->severity != RFP_ERROR)
		return;
	fputs("rfpgen: ", stderr);
	if (d->file)
		put_safe(stderr, d->file);
	if (d->part) {
		fputs(d->file ? "(" : "", stderr);
		put_safe(stderr, d->part);
		fputs(d->file ? ")" : "", stderr);
	}
	if (d->line)
		fprintf(stderr, ":%u", d->line);
	if (d->line && d->col)
		fprintf(stderr, ":%u", d->col);
	if (d->file || d->part)
		fputs(": ", stderr);
	fprintf(stderr, "%s: ", _(sev[d->severity]));
	put_safe(stderr, d->msg);
	fprintf(stderr, " [%s]\n", d->code);
	if (d->hint) {
		fprintf(stderr, "  %s: ", _("hint"));
		put_hint(stderr, d->hint, opt->doc_dir);
		fputc('\n', stderr);
	}
}

void
cli_print_row(const char *portfolio, const struct rfp_batch_row *row)
{
	fputs("rfpgen: ", stderr);
	put_safe(stderr, portfolio);
	fprintf(stderr, _(": row %u%s"), row->line, *row->system_id ? " " : "");
	put_safe(stderr, row->system_id);
	fprintf(stderr, ": %s: ", _("error"));
	put_safe(stderr, row->message);
	fputc('\n', stderr);
	if (*row->hint) {
		fprintf(stderr, "  %s: ", _("hint"));
		put_hint(stderr, row->hint, "");
		fputc('\n', stderr);
	}
}

int
cli_exit_for(enum rfp_status st, int phase_code)
{
	switch (st) {
	case RFP_OK: return EXIT_OK;
	case RFP_ERR_NOMEM: return EXIT_INTERNAL;
	case RFP_ERR_IO: return EXIT_IO;
	case RFP_ERR_LIMIT: return EXIT_LIMIT;
	case RFP_ERR_USAGE: return EXIT_USAGE;
	case RFP_ERR_UNAVAILABLE: return EXIT_UNAVAILABLE;
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

/*
 * The user's locale, and where the rfpgen messages are: beside the
 * program (share/locale of a relocated install, po/ of the build tree),
 * else the configured locale directory.
 */
void
cli_setup_locale(struct options *opt)
{
	/* Installed, then the build tree (build/src/cli → build/po, build/docs). */
	static const char *const rel[] = { "/../share/locale", "/../../po" };
	static const char *const docs[] = { "/../share/doc/rfpgen", "/../../docs" };
	char exe[PATH_MAX], dir[PATH_MAX + 64], *slash = NULL;
	const char *locale_dir = RFP_LOCALE_DIR;
	ssize_t n;
	struct stat sb;

	setlocale(LC_ALL, "");
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
	}
	for (size_t i = 0; slash && i < sizeof(rel) / sizeof(rel[0]); i++) {
		snprintf(dir, sizeof(dir), "%s%s/zh_TW/LC_MESSAGES/" RFP_TEXT_DOMAIN ".mo", exe, rel[i]);
		if (stat(dir, &sb) == 0) {
			snprintf(dir, sizeof(dir), "%s%s", exe, rel[i]);
			locale_dir = dir;
			break;
		}
	}
	bindtextdomain(RFP_TEXT_DOMAIN, locale_dir);
	textdomain(RFP_TEXT_DOMAIN);
	snprintf(opt->doc_dir, sizeof(opt->doc_dir), "%s", RFP_DOC_DIR);
	for (size_t i = 0; slash && i < sizeof(docs) / sizeof(docs[0]); i++) {
		snprintf(dir, sizeof(dir), "%s%s/templates.md", exe, docs[i]);
		if (stat(dir, &sb) == 0) {
			snprintf(dir, sizeof(dir), "%s%s", exe, docs[i]);
			canonical(dir, sizeof(dir));
			snprintf(opt->doc_dir, sizeof(opt->doc_dir), "%s", dir);
			break;
		}
	}
}

static bool
is_dir_with_schema(const char *dir)
{
	char p[PATH_MAX + 64];
	struct stat sb;

	return snprintf(p, sizeof(p), "%s/requirements/catalogue.xsd", dir) < (int)sizeof(p) &&
	    stat(p, &sb) == 0;
}

/* --data-dir, RFPGEN_DATA_DIR, then relative to the binary (relocated
 * installs, the build tree), then the configured install path. */
int
cli_find_data_dir(struct cli *cli)
{
	/* bin/rfpgen beside share/rfpgen; build/src/cli/rfpgen in the build
	 * tree, which has the data layout. */
	static const char *const rel[] = { "/../share/rfpgen", "/../.." };
	char exe[PATH_MAX], *slash;
	const char *env = getenv("RFPGEN_DATA_DIR");
	ssize_t n;

	if (cli->opt.data_dir || (env && *env)) {
		const char *d = cli->opt.data_dir ? cli->opt.data_dir : env;

		if (!is_dir_with_schema(d)) {
			cli_error(d, DATA_DIR, "it has no requirements/catalogue.xsd");
			return EXIT_IO;
		}
		snprintf(cli->data_dir, sizeof(cli->data_dir), "%s", d);
		return EXIT_OK;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL)
			*slash = '\0';
		for (size_t i = 0; slash && i < sizeof(rel) / sizeof(rel[0]); i++) {
			snprintf(cli->data_dir, sizeof(cli->data_dir), "%s%s", exe, rel[i]);
			if (is_dir_with_schema(cli->data_dir)) {
				canonical(cli->data_dir, sizeof(cli->data_dir));
				return EXIT_OK;
			}
		}
	}
	snprintf(cli->data_dir, sizeof(cli->data_dir), "%s", RFP_DATA_DIR);
	if (!is_dir_with_schema(cli->data_dir)) {
		cli_error(RFP_DATA_DIR, DATA_DIR, "it has no requirements/catalogue.xsd, and "
		    "none was found beside the program");
		return EXIT_IO;
	}
	return EXIT_OK;
}

int
cli_find_catalogues(struct cli *cli)
{
	char pat[PATH_MAX + 128];
	glob_t g;
	const char *baseline = cli->opt.baseline ? cli->opt.baseline : "2021";
	struct stat sb;

	if (cli->opt.ncatalogues)
		return EXIT_OK;
	snprintf(pat, sizeof(pat), "%s/requirements/baseline-%s.xml", cli->data_dir, baseline);
	if (stat(pat, &sb) != 0) {
		fprintf(stderr, _("rfpgen: error: unknown baseline '%s' (no %s) [%s]\n"), baseline, pat,
		    rfp_diag_code(USAGE));
		snprintf(pat, sizeof(pat), "%s/requirements/baseline-*.xml", cli->data_dir);
		if (glob(pat, 0, NULL, &g) == 0) {
			fputs(_("  valid baselines:"), stderr);
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
	{ "ignore-column", required_argument, NULL, 1009 },
	{ "check", no_argument, NULL, 1010 },
	{ "shard", required_argument, NULL, 1011 },
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
	{ "agency-checklist", required_argument, NULL, 'G' },
	{ "agency-duties", no_argument, NULL, 1201 },
	{ "exclude", required_argument, NULL, 1202 },
	{ "include", required_argument, NULL, 1203 },
	{ "tailoring", required_argument, NULL, 1204 },
	{ "field", required_argument, NULL, 1205 },
	{ "agency-checklist-dir", required_argument, NULL, 1206 },
	{ "pdf-standard", required_argument, NULL, 1301 },
	{ "service", required_argument, NULL, 1401 },
	{ "agency-level", required_argument, NULL, 1402 },
	{ "to-agency-level", required_argument, NULL, 1403 },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* The commands that use each option of longopts (same order): one that is
 * given to a command that would not use it is refused, never ignored. */
enum { C_GEN = 1, C_LIST = 2, C_DIFF = 4, C_BATCH = 8, C_INSPECT = 16, C_EXPLAIN = 32,
	C_PARAMS = 64, C_ALL = 127 };
#define C_SELECT (C_GEN | C_LIST | C_DIFF | C_BATCH)
#define C_CATALOGUE (C_SELECT | C_EXPLAIN | C_PARAMS)
static const unsigned char option_commands[] = {
	C_SELECT, C_SELECT, C_SELECT,			/* type level impact */
	C_GEN | C_LIST | C_DIFF, C_ALL & ~(C_EXPLAIN | C_PARAMS), C_GEN | C_BATCH, /* output format template */
	C_GEN | C_BATCH, C_GEN | C_BATCH, C_GEN | C_BATCH,	/* agency project date */
	C_SELECT, C_CATALOGUE, C_CATALOGUE, C_CATALOGUE,	/* set baseline catalogue data-dir */
	C_ALL, C_SELECT,				/* quiet contract-value */
	C_BATCH, C_BATCH, C_BATCH, C_BATCH, C_BATCH, C_BATCH, C_BATCH, C_BATCH, C_BATCH, C_BATCH,
	/* output-dir jobs sheet encoding report fail-fast progress ignore-column check shard */
	C_ALL, C_ALL, C_ALL, C_ALL, C_ALL, C_ALL,	/* max-* */
	C_GEN | C_BATCH,				/* verify */
	C_DIFF, C_DIFF, C_DIFF,				/* to-type to-level to-baseline */
	C_SELECT, C_SELECT, C_SELECT, C_GEN,		/* conditions, agency-checklist */
	C_GEN | C_LIST | C_DIFF,			/* agency-duties */
	C_SELECT, C_SELECT, C_SELECT, C_GEN | C_BATCH,	/* exclude include tailoring field */
	C_BATCH,					/* agency-checklist-dir */
	C_GEN | C_BATCH,				/* pdf-standard */
	C_SELECT, C_SELECT, C_DIFF,			/* service agency-level to-agency-level */
	C_ALL, C_ALL,					/* help version */
};
_Static_assert(sizeof(option_commands) == sizeof(longopts) / sizeof(longopts[0]) - 1,
    "one entry of option_commands per option");

/* review is parsed by review.c (main.c hands it over); it is here for the
 * "did you mean" of a misspelt command. */
static const char *const commands[] = { "generate", "list", "diff", "batch", "inspect",
	"explain", "params", "help", "review", "serve" };

/* "unknown option '--lvl'; did you mean --level?" */
static int
unknown_option(const char *arg)
{
	const char *names[sizeof(longopts) / sizeof(longopts[0])], *near;
	size_t n = 0;

	for (; longopts[n].name; n++)
		names[n] = longopts[n].name;
	near = strncmp(arg, "--", 2) == 0 ? rfp_nearest(arg + 2, names, n) : NULL;
	if (near)
		return cli_usage_error("unknown option '%s'; did you mean --%s?", arg, near);
	return cli_usage_error("unknown option '%s'", arg);
}

static int
cli_parse_args(int argc, char **argv, struct options *opt)
{
	int c, optidx = 0;

	opt->command = "generate";
	if (argc > 1 && argv[1][0] != '-') {
		opt->command = argv[1];
		argc--;
		argv++;
	}
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":t:l:o:f:T:a:p:O:j:qhV", longopts, &optidx)) != -1) {
		/* Which option it was, also when given by its short name. */
		for (size_t i = 0; c != '?' && c != ':' && longopts[i].name; i++)
			if (longopts[i].val == c)
				opt->given |= 1ULL << i;
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
		case 1010: opt->check = true; break;
		case 1011: opt->shard = optarg; break;
		case 1009:
			if (opt->nignore_columns == MAX_LIST)
				return cli_usage_error("too many --ignore-column options (at most %d)", MAX_LIST);
			opt->ignore_columns[opt->nignore_columns++] = optarg;
			break;
		case 1101: case 1102: case 1103: case 1104: case 1105: case 1107:
			if (opt->nlimits == 8)
				return cli_usage_error("too many --max-* options");
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
		case 'G': opt->agency_doc = optarg; opt->agency_checklist = true; break;
		case 1201: opt->agency_checklist = true; break;
		case 1202: case 1203: {
			char *eq = strchr(optarg, '=');

			if (opt->ntailoring == MAX_LIST)
				return cli_usage_error("too many --exclude and --include options (at most %d; "
				    "use --tailoring FILE)", MAX_LIST);
			if (c == 1202 && !eq)
				return cli_usage_error("--exclude needs ID=理由, got '%s': the annex lists the reason",
				    optarg);
			if (eq)
				*eq = '\0';
			opt->tailoring[opt->ntailoring++] = (struct rfp_tailoring){ c == 1202 ?
			    RFP_TAILOR_EXCLUDE : RFP_TAILOR_INCLUDE, optarg, eq ? eq + 1 : NULL, NULL, 0 };
			break;
		}
		case 1204: opt->tailoring_file = optarg; break;
		case 1401:
			if (opt->nservices == MAX_LIST)
				return cli_usage_error("too many --service options (at most %d)", MAX_LIST);
			opt->services[opt->nservices++] = optarg;
			break;
		case 1402: opt->agency_level = optarg; break;
		case 1403: opt->to_agency_level = optarg; break;
		case 1206: opt->agency_dir = optarg; break;
		case 1301: opt->pdf_standard = optarg; break;
		case 1205: {
			char *eq = strchr(optarg, '=');

			if (!eq || eq == optarg)
				return cli_usage_error("--field needs NAME=VALUE, got '%s'", optarg);
			if (opt->nfields == MAX_LIST)
				return cli_usage_error("too many --field options (at most %d)", MAX_LIST);
			*eq = '\0';
			opt->fields[opt->nfields++] = (struct rfp_field_value){ optarg, eq + 1 };
			break;
		}
		case 'C':
			if (opt->ncatalogues == MAX_LIST)
				return cli_usage_error("too many --catalogue files (at most %d)", MAX_LIST);
			opt->catalogues[opt->ncatalogues++] = optarg;
			break;
		case 'S': {
			char *eq = strchr(optarg, '=');

			if (!eq || eq == optarg)
				return cli_usage_error("--set needs NAME=VALUE, got '%s'", optarg);
			if (opt->nparams == MAX_LIST)
				return cli_usage_error("too many --set options (at most %d)", MAX_LIST);
			*eq = '\0';
			opt->params[opt->nparams++] = (struct rfp_param_value){ optarg, eq + 1 };
			break;
		}
		case 'h': print_help(); exit(EXIT_OK);
		case 'V': printf("rfpgen %s\n", RFP_VERSION); exit(EXIT_OK);
		case ':': return cli_usage_error("option '%s' needs a value", argv[optind - 1]);
		default: return unknown_option(argv[optind - 1]);
		}
	}
	while (optind < argc) {
		if (opt->nargs == sizeof(opt->args) / sizeof(opt->args[0]))
			return cli_usage_error("unexpected argument '%s'", argv[optind]);
		opt->args[opt->nargs++] = argv[optind++];
	}
	return EXIT_OK;
}

bool
cli_parse_size(const char *v, unsigned long long max, bool zero, unsigned long long *out)
{
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
	if (errno || *end || end == v || v[0] == '-' || (n == 0 && !zero) || n > max / mul)
		return false;
	*out = n * mul;
	return true;
}

/* Applies --max-* options; sizes take K, M or G. */
int
cli_apply_limits(const struct options *opt, struct rfp_limits *lim)
{
	for (size_t i = 0; i < opt->nlimits; i++) {
		const char *name = opt->limits[i][0], *v = opt->limits[i][1];
		bool cache = strcmp(name, "max-cache-size") == 0;
		unsigned long long n;

		if (!cli_parse_size(v, 1ULL << 40, cache, &n))
			return cli_usage_error("--%s: '%s' is not a %s size (e.g. 128M)", name, v,
			    cache ? "valid" : "positive");
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

/* The date shown in the annex and the zip timestamp. SOURCE_DATE_EPOCH
 * fixes both; otherwise the date is today and the timestamp 1980-01-01. */
static int
cli_resolve_dates(struct options *opt, char *buf, size_t buflen, int64_t *mtime)
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
			return cli_usage_error("SOURCE_DATE_EPOCH must be a whole number of seconds, got '%s'", sde);
		*mtime = v;
		now = (time_t)v;
		gmtime_r(&now, &tm);
	} else {
		now = time(NULL);
		localtime_r(&now, &tm);
	}
	if (opt->date) {
		if (buflen < 11 || !rfp_date_parse(opt->date, buf))
			return cli_usage_error("--date: '%s' is not a date: write 2025-05-01 or "
			    "中華民國114年5月1日 (114-05-01, 114/05/01, 114.5.1)", opt->date);
		opt->date = buf;
		return EXIT_OK;
	}
	strftime(buf, buflen, "%Y-%m-%d", &tm);
	opt->date = buf;
	return EXIT_OK;
}

/* "unknown type '系統開發'; did you mean 系統發展? valid: …" */
static int
unknown_value(const char *what, const char *v, const char *const *names, size_t n,
    const char *choices)
{
	const char *near = rfp_nearest(v, names, n);

	if (near)
		return cli_usage_error("unknown %s '%s'; did you mean %s? valid: %s", what, v, near,
		    choices);
	return cli_usage_error("unknown %s '%s'; valid: %s", what, v, choices);
}

static const char *const type_names[] = { "顧問訓練", "系統發展", "維運服務", "維運管理",
	"雲端服務", "consulting", "development", "operations", "cloud" };
static const char *const level_names[] = { "普", "中", "高", "low", "moderate", "high" };
static const char *const service_names[] = { "資安健診", "資安監控", "弱點掃描", "滲透測試",
	"社交工程演練", "社交工程", "SOC", "health-check", "soc", "vuln-scan", "pentest",
	"social-engineering" };
static const char *const agency_level_names[] = { "A", "B", "C", "D", "E" };

int
cli_parse_service(const char *v, enum rfp_service *out)
{
	if (rfp_service_parse(v, out))
		return EXIT_OK;
	return unknown_value("service", v, service_names,
	    sizeof(service_names) / sizeof(service_names[0]), rfp_service_choices());
}

int
cli_parse_agency_level(const char *v, enum rfp_agency_level *out)
{
	if (rfp_agency_level_parse(v, out))
		return EXIT_OK;
	/* One letter is one edit from every other: the valid list, no guess. */
	return unknown_value("agency level", v, agency_level_names, 0, rfp_agency_level_choices());
}

int
cli_parse_type(const char *v, enum rfp_type *out)
{
	if (rfp_type_parse(v, out))
		return EXIT_OK;
	return unknown_value("type", v, type_names, sizeof(type_names) / sizeof(type_names[0]),
	    rfp_type_choices());
}

int
cli_parse_level(const char *v, enum rfp_level *out)
{
	if (rfp_level_parse(v, out))
		return EXIT_OK;
	return unknown_value("level", v, level_names, sizeof(level_names) / sizeof(level_names[0]),
	    rfp_level_choices());
}

/*
 * The request of the command line. For batch, type and level are
 * defaults for rows that leave them out (*set says which were given).
 */
static int
cli_build_request(const struct options *opt, bool batch, struct rfp_request *req,
    unsigned *set)
{
	char err[256];
	int rc;

	*set = 0;
	*req = (struct rfp_request){ .agency = opt->agency, .project = opt->project,
	    .date = opt->date, .params = opt->params, .nparams = opt->nparams,
	    .conditions = opt->conditions, .agency_checklist = opt->agency_checklist,
	    .fields = opt->fields, .nfields = opt->nfields };
	if (opt->contract_value) {
		char *end;
		unsigned long long v;

		errno = 0;
		v = strtoull(opt->contract_value, &end, 10);
		if (errno || *end || end == opt->contract_value || opt->contract_value[0] == '-')
			return cli_usage_error("--contract-value: '%s' is not a whole number of NT dollars",
			    opt->contract_value);
		/* 施行細則§4: NT$10,000,000 or more calls for third-party testing. */
		if (v >= 10000000ULL)
			req->conditions |= RFP_COND_CORE_OR_LARGE;
	}
	for (size_t i = 0; i < opt->nservices; i++) {
		enum rfp_service v;

		if ((rc = cli_parse_service(opt->services[i], &v)))
			return rc;
		req->services |= 1u << v;
	}
	if (opt->agency_level && (rc = cli_parse_agency_level(opt->agency_level, &req->agency_level)))
		return rc;
	if (!opt->type && !batch && !req->services)
		return cli_usage_error("--type or --service is required; types: %s; services: %s",
		    rfp_type_choices(), rfp_service_choices());
	if (opt->agency_level && !req->services && !batch)
		return cli_usage_error("--agency-level sets how often the services are due; "
		    "give --service (services: %s)", rfp_service_choices());
	if (!opt->type && !batch) {
		/* A service annex: no outsourcing type, so no protection level. */
		if (opt->level || opt->impact)
			return cli_usage_error("--level and --impact are the protection level of a system "
			    "and go with --type; a service annex (--service without --type) has none");
		req->service_only = true;
	}
	if (opt->type) {
		if ((rc = cli_parse_type(opt->type, &req->type)))
			return rc;
		*set |= RFP_DEFAULT_TYPE;
	}
	if (opt->level && opt->impact)
		return cli_usage_error("give --level or --impact, not both");
	if (!opt->level && !opt->impact && !batch && opt->type)
		return cli_usage_error("--level or --impact is required; levels: %s", rfp_level_choices());
	if (opt->level && (rc = cli_parse_level(opt->level, &req->level)))
		return rc;
	if (opt->impact) {
		if (!rfp_impact_parse(opt->impact, &req->impact, err, sizeof(err)))
			return cli_usage_error("--impact: %s", err);
		req->has_impact = true;
	}
	if (opt->level || opt->impact)
		*set |= RFP_DEFAULT_LEVEL;
	return EXIT_OK;
}

/* The tailoring of the request: --exclude and --include, then the lines of
 * --tailoring FILE (read with the limits in force). */
static int
add_tailoring(struct cli *cli, struct rfp_request *req)
{
	const struct options *opt = &cli->opt;
	enum rfp_status st;
	size_t n = 0;

	if (opt->tailoring_file &&
	    (st = rfp_tailoring_read(cli->ctx, opt->tailoring_file, &cli->tail_file, &n)) != RFP_OK)
		return cli_exit_for(st, EXIT_USAGE);
	if (!(cli->tailoring = calloc(opt->ntailoring + n + 1, sizeof(*cli->tailoring)))) {
		fputs("rfpgen: out of memory\n", stderr);
		return EXIT_INTERNAL;
	}
	memcpy(cli->tailoring, opt->tailoring, opt->ntailoring * sizeof(*cli->tailoring));
	if (n)
		memcpy(cli->tailoring + opt->ntailoring, cli->tail_file, n * sizeof(*cli->tailoring));
	req->tailoring = cli->tailoring;
	req->ntailoring = opt->ntailoring + n;
	return EXIT_OK;
}

bool
cli_is(const struct cli *cli, const char *command)
{
	return strcmp(cli->opt.command, command) == 0;
}

int
cli_start(struct cli *cli, int argc, char **argv, struct rfp_request *req, int64_t *mtime)
{
	int rc;

	cli_setup_locale(&cli->opt);
	if ((rc = cli_parse_args(argc, argv, &cli->opt)))
		return rc;
	size_t cmd;

	for (cmd = 0; cmd < sizeof(commands) / sizeof(commands[0]); cmd++)
		if (cli_is(cli, commands[cmd]))
			break;
	if (cmd == sizeof(commands) / sizeof(commands[0])) {
		const char *near = rfp_nearest(cli->opt.command, commands,
		    sizeof(commands) / sizeof(commands[0]));

		if (near)
			return cli_usage_error("unknown command '%s'; did you mean %s?", cli->opt.command, near);
		return cli_usage_error("unknown command '%s'; commands: generate, list, diff, batch, "
		    "inspect, explain, params, review, serve, help", cli->opt.command);
	}
	if (cli_is(cli, "help")) {
		print_help();
		exit(EXIT_OK);
	}
	for (size_t i = 0; longopts[i].name; i++)
		if ((cli->opt.given >> i & 1) && !(option_commands[i] & (1u << cmd)))
			return cli_usage_error("--%s is not an option of %s; see 'rfpgen --help'",
			    longopts[i].name, cli->opt.command);
	bool describe = cli_is(cli, "explain") || cli_is(cli, "params") || cli_is(cli, "inspect");
	bool batch = cli_is(cli, "batch");

	if (!describe && !batch && cli->opt.nargs)
		return cli_usage_error("unexpected argument '%s'", cli->opt.args[0]);
	if (!describe &&
	    (rc = cli_resolve_dates(&cli->opt, cli->datebuf, sizeof(cli->datebuf), mtime)))
		return rc;
	if (!describe && (rc = cli_build_request(&cli->opt, batch, req, &cli->defaults_set)))
		return rc;
	/* The newer 附表十 was not checked against the official text. */
	if (cli->opt.baseline && strcmp(cli->opt.baseline, "2021") != 0 && !cli->opt.quiet)
		fprintf(stderr, _("rfpgen: warning: baseline %s is not verified against the official text "
		    "of 附表十; the annex says so [%s]\n  hint: %s\n"), cli->opt.baseline,
		    rfp_diag_code(BASELINE_UNVERIFIED), _(rfp_diag_table_hint(BASELINE_UNVERIFIED)));
	if (!(cli->ctx = rfp_ctx_new())) {
		fputs("rfpgen: out of memory\n", stderr);
		return EXIT_INTERNAL;
	}
	rfp_ctx_set_diag(cli->ctx, cli_print_diag, &cli->opt);
	rfp_ctx_set_verify(cli->ctx, cli->opt.verify);
	if ((rc = cli_apply_limits(&cli->opt, rfp_ctx_limits(cli->ctx))))
		return rc;
	return describe ? EXIT_OK : add_tailoring(cli, req);
}

void
cli_finish(struct cli *cli)
{
	for (size_t i = 0; i < cli->npaths; i++)
		free(cli->paths[i]);
	cli->npaths = 0;
	free(cli->tailoring);
	rfp_tailoring_free(cli->tail_file);
	cli->tailoring = cli->tail_file = NULL;
	rfp_ctx_free(cli->ctx);
	cli->ctx = NULL;
}
