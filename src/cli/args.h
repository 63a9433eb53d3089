/* SPDX-License-Identifier: MIT */
/*
 * The command line: options, usage, exit codes (README.md, "Exit codes"),
 * diagnostics, where the data files are, and the commands that select
 * items (generate.c).
 */
#ifndef RFP_CLI_ARGS_H
#define RFP_CLI_ARGS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rfpgen/rfpgen.h>

#include "util/diag.h"

#include <libintl.h>

/* The command line's messages in the user's language (po/). */
#define _(s) gettext(s)

enum exit_code {
	EXIT_OK = 0,
	EXIT_INTERNAL = 1,	/* out of memory, unexpected library failure */
	EXIT_USAGE = 2,		/* bad option or value */
	EXIT_DATA = 3,		/* catalogue invalid */
	EXIT_TEMPLATE = 4,	/* template invalid or unreadable as a package */
	EXIT_IO = 5,		/* a file could not be read or written */
	EXIT_LIMIT = 6,		/* an input exceeded a limit */
	EXIT_ROWS = 7,		/* batch: some rows failed */
	EXIT_UNAVAILABLE = 8,	/* a needed program is missing (LibreOffice, for PDF) */
	EXIT_REVIEW = 9,	/* review: some returned annex is not complete */
	EXIT_INTERRUPTED = 130,	/* SIGINT */
};

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
	const char *services[MAX_LIST];	/* --service, repeatable */
	size_t nservices;
	const char *agency_level, *to_agency_level;	/* --agency-level, diff --to-agency-level */
	const char *out_dir, *sheet, *encoding, *report, *jobs;	/* batch */
	const char *shard;				/* batch: K/N */
	const char *pdf_standard;			/* --pdf-standard */
	bool fail_fast, progress, check;
	const char *limits[8][2];	/* --max-*: name, value */
	size_t nlimits;
	const char *contract_value;
	unsigned conditions;
	bool agency_checklist;		/* select the agency's duties */
	const char *agency_doc;		/* --agency-checklist FILE */
	const char *agency_dir;		/* batch --agency-checklist-dir DIR */
	struct rfp_tailoring tailoring[MAX_LIST];	/* --exclude, --include */
	size_t ntailoring;
	const char *tailoring_file;
	struct rfp_field_value fields[MAX_LIST];
	size_t nfields;
	bool quiet, verify;
	const char *ignore_columns[MAX_LIST];	/* batch */
	size_t nignore_columns;
	uint64_t given;		/* bit i: longopts[i] was given */
	const char *args[4];	/* positional arguments of a command */
	size_t nargs;
	char doc_dir[PATH_MAX + 64];	/* where hints' docs/… guides are (cli_setup_locale) */
};

struct cli {
	struct options opt;
	struct rfp_ctx *ctx;
	char data_dir[PATH_MAX + 32];
	char *paths[MAX_LIST + 1];	/* catalogue files found in the data dir */
	size_t npaths;
	char datebuf[32];		/* the date shown, unless --date */
	unsigned defaults_set;		/* batch: which of type, level were given */
	struct rfp_tailoring *tailoring;	/* the request's: options, then the file */
	struct rfp_tailoring *tail_file;	/* --tailoring FILE's lines */
};

/*
 * Prints the diagnostic ID of the table (util/diag.h) for FILE (NULL: none):
 * "rfpgen: FILE: error: MESSAGE [CODE]" and its hint. For what the command
 * line finds itself, before or around the library.
 */
#define cli_error(file, ID, ...) do { \
	fprintf(stderr, "rfpgen: %s%s%s: ", (file) ? (file) : "", (file) ? ": " : "", _("error")); \
	fprintf(stderr, _(rfp_diag_fmt(ID)), __VA_ARGS__); \
	fprintf(stderr, " [%s]\n  %s: %s\n", rfp_diag_code(ID), _("hint"), \
	    _(rfp_diag_table_hint(ID))); \
} while (0)

/** Prints "rfpgen: error: MESSAGE [RFP-USAGE]" and a hint; returns EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** "unknown type '…'; did you mean …?" as a usage error, or EXIT_OK. */
int cli_parse_type(const char *v, enum rfp_type *out);
int cli_parse_level(const char *v, enum rfp_level *out);
/** "unknown service '…'; did you mean …? valid: …" as a usage error, or EXIT_OK. */
int cli_parse_service(const char *v, enum rfp_service *out);
int cli_parse_agency_level(const char *v, enum rfp_agency_level *out);
/** Prints a failed batch row, control characters escaped. */
void cli_print_row(const char *portfolio, const struct rfp_batch_row *row);
/** The diagnostic callback (userdata: the struct options). */
void cli_print_diag(const struct rfp_diag *d, void *userdata);
/** The exit code for st; phase_code for the errors of the phase that failed. */
int cli_exit_for(enum rfp_status st, int phase_code);

/**
 * Parses argv into cli->opt (which then points into argv; --set writes into
 * it), checks the command and its arguments, resolves the dates and, for
 * list, diff and generate, the request, and makes cli->ctx with the
 * diagnostics and --max-* limits. Prints help or the version and exits.
 */
int cli_start(struct cli *cli, int argc, char **argv, struct rfp_request *req,
    int64_t *mtime);
/** Frees what cli_start and the commands left in cli. */
void cli_finish(struct cli *cli);
/** true if the command is command ("generate" also when none was named). */
bool cli_is(const struct cli *cli, const char *command);

/** Sets up the locale and the rfpgen text domain (po/) for messages. */
void cli_setup_locale(struct options *opt);
/** Sets cli->data_dir: --data-dir, RFPGEN_DATA_DIR, beside the binary, installed. */
int cli_find_data_dir(struct cli *cli);
/** The baseline's and the modules' files in the data dir, unless --catalogue. */
int cli_find_catalogues(struct cli *cli);
/** Finds the data and loads the catalogue. */
int cli_load_catalogue(struct cli *cli, struct rfp_catalogue **cat);
int cli_load_selection(struct cli *cli, const struct rfp_request *req,
    struct rfp_catalogue **cat, struct rfp_selection **sel);

/** Applies the --max-* options of opt to lim. */
int cli_apply_limits(const struct options *opt, struct rfp_limits *lim);
/** A size: bytes, or a number with K, M or G (1024-based), at most max;
 * 0 only if zero. */
bool cli_parse_size(const char *v, unsigned long long max, bool zero, unsigned long long *out);
/** rfpgen review FILE... (review.c): argv[0] is "review", its options its own. */
int cli_review(int argc, char **argv);
/** "系統發展/中+弱點掃描 (B級機關)": what a request selects, for messages
 * (a static buffer). */
const char *cli_scope(const struct rfp_request *req, enum rfp_level level);
/** rfpgen list. */
int cli_list(struct cli *cli, const struct rfp_request *req);
/** rfpgen [generate]: a document, or with --format json|csv|md the items. */
int cli_generate(struct cli *cli, const struct rfp_request *req, int64_t mtime);

#endif
