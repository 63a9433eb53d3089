/* SPDX-License-Identifier: MIT */
/*
 * The commands that select items (args.h): list, and generate with its
 * document and data formats.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sys/ioctl.h>
#include <unistd.h>

#include "cli/args.h"

const char *
cli_scope(const struct rfp_request *req, enum rfp_level level)
{
	static char buf[320];
	size_t at = 0;

	buf[0] = '\0';
	if (!req->service_only)
		at = (size_t)snprintf(buf, sizeof(buf), "%s/%s", rfp_type_name(req->type),
		    rfp_level_name(level));
	for (unsigned v = 0; v < RFP_SERVICE_COUNT && at < sizeof(buf); v++)
		if (req->services & (1u << v))
			at += (size_t)snprintf(buf + at, sizeof(buf) - at, "%s%s", at ? "+" : "",
			    rfp_service_name((enum rfp_service)v));
	if (req->agency_level && at < sizeof(buf))
		snprintf(buf + at, sizeof(buf) - at, " (%s級機關)", rfp_agency_level_name(req->agency_level));
	return buf;
}

static const char *
extension(const char *path)
{
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');

	return dot && (!slash || dot > slash) ? dot + 1 : "";
}

/* The export format an output name's extension names, for -o x.json. */
static bool
export_of(const char *path, enum rfp_export_format *fmt)
{
	return path && strcmp(path, "-") != 0 && rfp_export_format_parse(extension(path), fmt) &&
	    *fmt != RFP_EXPORT_TEXT;
}

int
cli_load_selection(struct cli *cli, const struct rfp_request *req,
    struct rfp_catalogue **cat, struct rfp_selection **sel)
{
	enum rfp_status st;
	int rc;

	if ((rc = cli_load_catalogue(cli, cat)))
		return rc;
	if ((st = rfp_select(cli->ctx, *cat, req, sel)) != RFP_OK)
		return cli_exit_for(st, EXIT_DATA);
	return EXIT_OK;
}

int
cli_list(struct cli *cli, const struct rfp_request *req)
{
	struct rfp_catalogue *cat = NULL;
	struct rfp_selection *sel = NULL;
	struct winsize ws;
	enum rfp_export_format xfmt;
	unsigned cols = 0;
	const char *env;
	enum rfp_status st;
	char *text = NULL;
	size_t len;
	int rc;

	/* On a terminal, long texts are cut to its width (COLUMNS wins). */
	if (isatty(STDOUT_FILENO)) {
		cols = ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col ? ws.ws_col : 100;
		if ((env = getenv("COLUMNS")) && atoi(env) > 40)
			cols = (unsigned)atoi(env);
	}
	if (cli->opt.format && (!rfp_export_format_parse(cli->opt.format, &xfmt)))
		return cli_usage_error("list --format: '%s'; valid: text, json, csv, md", cli->opt.format);
	if (!cli->opt.format && !export_of(cli->opt.output, &xfmt))
		xfmt = RFP_EXPORT_TEXT;
	if (cli->opt.output && strcmp(cli->opt.output, "-") != 0)
		cols = 0;	/* a file gets whole lines */
	if ((rc = cli_load_selection(cli, req, &cat, &sel)) == EXIT_OK) {
		st = xfmt == RFP_EXPORT_TEXT ? rfp_selection_list(sel, cols, &text, &len) :
		    rfp_selection_export(sel, xfmt, &text, &len);
		if (st != RFP_OK)
			rc = cli_exit_for(st, EXIT_INTERNAL);
		else if ((st = rfp_write_file(cli->ctx, cli->opt.output ? cli->opt.output : "-",
		    text, len)) != RFP_OK)
			rc = cli_exit_for(st, EXIT_IO);
	}
	free(text);
	rfp_selection_free(sel);
	rfp_catalogue_free(cat);
	return rc;
}

/* Loads the catalogue alone (no selection) for explain and params. */
int
cli_load_catalogue(struct cli *cli, struct rfp_catalogue **cat)
{
	char schema[PATH_MAX + 128];
	enum rfp_status st;
	int rc;

	if ((rc = cli_find_data_dir(cli)) || (rc = cli_find_catalogues(cli)))
		return rc;
	snprintf(schema, sizeof(schema), "%s/requirements/catalogue.xsd", cli->data_dir);
	st = rfp_catalogue_load(cli->ctx, schema,
	    cli->opt.ncatalogues ? cli->opt.catalogues : (const char *const *)cli->paths,
	    cli->opt.ncatalogues ? cli->opt.ncatalogues : cli->npaths, cat);
	return cli_exit_for(st, EXIT_DATA);
}

/*
 * The one format of generate's output: --format, else the output name's
 * extension, else the template's. When two of them say different things
 * the command is refused: a .odt file must hold ODT bytes. A PDF (*pdf) is
 * the document of the template's format (DOCX by default) converted.
 */
static int
choose_format(const struct options *opt, enum rfp_format *fmt, bool *pdf)
{
	const char *f = opt->format, *ext = strcmp(opt->output, "-") != 0 ? extension(opt->output) : "";

	if (!*ext)
		ext = NULL;	/* no extension: /dev/stdout, a name without one */

	if (ext && strcasecmp(ext, "docx") != 0 && strcasecmp(ext, "odt") != 0 &&
	    strcasecmp(ext, "pdf") != 0 && (!f || strcasecmp(f, ext) != 0))
		return cli_usage_error("cannot tell the format from '%s'; name it .docx, .odt or .pdf, or give --format",
		    opt->output);
	if (f && ext && strcasecmp(f, ext) != 0)
		return cli_usage_error("the output '%s' says %s but --format says %s; make them agree",
		    opt->output, ext, f);
	if (!f)
		f = ext;
	*pdf = f && strcasecmp(f, "pdf") == 0;
	if (!f || *pdf)
		f = opt->template_path && (strcasecmp(extension(opt->template_path), "odt") == 0 ||
		    strcasecmp(extension(opt->template_path), "ott") == 0 ||
		    strcasecmp(extension(opt->template_path), "fodt") == 0) ? "odt" : "docx";
	if (strcasecmp(f, "docx") == 0)
		*fmt = RFP_FORMAT_DOCX;
	else if (strcasecmp(f, "odt") == 0)
		*fmt = RFP_FORMAT_ODT;
	else
		return cli_usage_error("unknown format '%s'; valid: docx, odt, pdf, json, csv, md", f);
	return EXIT_OK;
}

/* The converter for a PDF output, made before anything is rendered: with
 * no LibreOffice the command fails at once and writes nothing. */
static int
start_pdf(struct cli *cli, struct rfp_pdf **pdf)
{
	struct rfp_pdf_options po = { .standard = RFP_PDF_A2B };
	enum rfp_status st;

	if (cli->opt.pdf_standard && !rfp_pdf_standard_parse(cli->opt.pdf_standard, &po.standard)) {
		cli_error(NULL, PDF_STANDARD, cli->opt.pdf_standard);
		return EXIT_USAGE;
	}
	if ((st = rfp_pdf_new(cli->ctx, &po, pdf)) != RFP_OK)
		return cli_exit_for(st, EXIT_INTERNAL);
	return EXIT_OK;
}

/* Replaces a rendered document by its PDF. */
static int
to_pdf(struct cli *cli, struct rfp_pdf *pdf, enum rfp_format fmt, struct rfp_output *doc)
{
	struct rfp_output p = { 0 };
	enum rfp_status st;

	if ((st = rfp_pdf_convert(pdf, cli->ctx, doc, fmt, &p)) != RFP_OK)
		return cli_exit_for(st, EXIT_IO);
	rfp_output_fini(doc);
	*doc = p;
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

	if ((rc = cli_load_selection(cli, req, &cat, &sel)) == EXIT_OK) {
		if ((st = rfp_selection_export(sel, fmt, &data, &len)) != RFP_OK)
			rc = cli_exit_for(st, EXIT_INTERNAL);
		else if ((st = rfp_write_file(cli->ctx, cli->opt.output, data, len)) != RFP_OK)
			rc = cli_exit_for(st, EXIT_IO);
	}
	free(data);
	rfp_selection_free(sel);
	rfp_catalogue_free(cat);
	return rc;
}

/*
 * The agency's own document (--agency-checklist FILE), in the format FILE
 * names: from the annex's template when it has that format, else from the
 * shipped template of that format. An agency template of the other format
 * is refused: the two documents would not match.
 */
static int
make_agency_doc(struct cli *cli, const struct rfp_selection *sel, const struct rfp_template *annex,
    enum rfp_format annex_fmt, int64_t mtime, struct rfp_pdf *pdf, struct rfp_output *out)
{
	const char *path = cli->opt.agency_doc, *ext = extension(path);
	struct rfp_template *own = NULL;
	const struct rfp_template *t = annex;
	enum rfp_format fmt;
	enum rfp_status st;
	char tpath[PATH_MAX + 128];
	int rc = EXIT_OK;

	if (strcmp(path, "-") == 0 || strcmp(path, cli->opt.output) == 0)
		return cli_usage_error("--agency-checklist needs a file of its own, not '%s'", path);
	if (strcasecmp(ext, "docx") == 0)
		fmt = RFP_FORMAT_DOCX;
	else if (strcasecmp(ext, "odt") == 0)
		fmt = RFP_FORMAT_ODT;
	else if (strcasecmp(ext, "pdf") == 0 && pdf)
		fmt = annex_fmt;	/* the annex's document, converted as it is */
	else if (strcasecmp(ext, "pdf") == 0)
		return cli_usage_error("--agency-checklist %s is a PDF but the annex is not; make them agree",
		    path);
	else
		return cli_usage_error("--agency-checklist: cannot tell the format from '%s'; name it .docx, .odt or .pdf",
		    path);
	if (fmt != annex_fmt) {
		if (cli->opt.template_path)
			return cli_usage_error("--agency-checklist %s is %s but the template %s is %s; "
			    "make them agree", path, fmt == RFP_FORMAT_DOCX ? "DOCX" : "ODT",
			    cli->opt.template_path, annex_fmt == RFP_FORMAT_DOCX ? "DOCX" : "ODT");
		snprintf(tpath, sizeof(tpath), "%s/templates/annex.%s", cli->data_dir,
		    fmt == RFP_FORMAT_DOCX ? "docx" : "odt");
		if ((st = rfp_template_load(cli->ctx, tpath, &own)) != RFP_OK)
			return cli_exit_for(st, EXIT_TEMPLATE);
		t = own;
	}
	if ((st = rfp_render_agency(cli->ctx, t, sel, "rfpgen " RFP_VERSION, mtime, out)) != RFP_OK)
		rc = cli_exit_for(st, EXIT_TEMPLATE);
	else if (pdf && strcasecmp(ext, "pdf") == 0)
		rc = to_pdf(cli, pdf, fmt, out);
	rfp_template_free(own);
	return rc;
}

int
cli_generate(struct cli *cli, const struct rfp_request *req, int64_t mtime)
{
	struct rfp_catalogue *cat = NULL;
	struct rfp_selection *sel = NULL;
	struct rfp_template *tmpl = NULL;
	struct rfp_output out = { 0 }, agency = { 0 };
	struct rfp_pdf *pdf = NULL;
	char tpath[PATH_MAX + 128];
	enum rfp_format fmt = RFP_FORMAT_DOCX;
	enum rfp_status st;
	bool want_pdf = false;
	int rc;

	enum rfp_export_format xfmt;

	if (!cli->opt.output)
		return cli_usage_error("-o FILE is required (use '-o -' for standard output)");
	if (cli->opt.format && strcasecmp(cli->opt.format, "text") != 0 &&
	    rfp_export_format_parse(cli->opt.format, &xfmt))
		return cmd_export(cli, req, xfmt);
	if (!cli->opt.format && export_of(cli->opt.output, &xfmt))
		return cmd_export(cli, req, xfmt);
	if ((rc = choose_format(&cli->opt, &fmt, &want_pdf)))
		return rc;
	if (cli->opt.pdf_standard && !want_pdf)
		return cli_usage_error("--pdf-standard applies to a PDF output only (-o FILE.pdf or --format pdf)");
	/* A zip package on an interactive terminal is garbage, and may be
	 * escape sequences. */
	if (strcmp(cli->opt.output, "-") == 0 && isatty(STDOUT_FILENO)) {
		cli_error(NULL, TTY, want_pdf ? "PDF" : fmt == RFP_FORMAT_ODT ? "ODT" : "DOCX");
		return EXIT_USAGE;
	}
	if (want_pdf && (rc = start_pdf(cli, &pdf)))
		return rc;
	if ((rc = cli_load_selection(cli, req, &cat, &sel)))
		goto out;
	if (cli->opt.template_path)
		snprintf(tpath, sizeof(tpath), "%s", cli->opt.template_path);
	else
		snprintf(tpath, sizeof(tpath), "%s/templates/annex.%s", cli->data_dir,
		    fmt == RFP_FORMAT_DOCX ? "docx" : "odt");
	if ((st = rfp_template_load(cli->ctx, tpath, &tmpl)) != RFP_OK) {
		rc = cli_exit_for(st, EXIT_TEMPLATE);
		goto out;
	}
	if (want_pdf)
		fmt = rfp_template_format(tmpl);	/* the template's document, converted */
	else if (rfp_template_format(tmpl) != fmt) {
		rc = cli_usage_error("%s is a %s template but the output is %s; the output format follows the template",
		    tpath, rfp_template_format(tmpl) == RFP_FORMAT_DOCX ? "DOCX" : "ODT",
		    fmt == RFP_FORMAT_DOCX ? "DOCX" : "ODT");
		goto out;
	}
	if ((st = rfp_render(cli->ctx, tmpl, sel, "rfpgen " RFP_VERSION, mtime, &out)) != RFP_OK) {
		rc = cli_exit_for(st, EXIT_TEMPLATE);
		goto out;
	}
	if (want_pdf && (rc = to_pdf(cli, pdf, fmt, &out)))
		goto out;
	/* Both documents are made before either is written. */
	if (cli->opt.agency_doc && (rc = make_agency_doc(cli, sel, tmpl, fmt, mtime, pdf, &agency)))
		goto out;
	if ((st = rfp_write_file(cli->ctx, cli->opt.output, out.data, out.len)) != RFP_OK ||
	    (cli->opt.agency_doc &&
	    (st = rfp_write_file(cli->ctx, cli->opt.agency_doc, agency.data, agency.len)) != RFP_OK)) {
		rc = cli_exit_for(st, EXIT_IO);
		goto out;
	}
	if (!cli->opt.quiet && strcmp(cli->opt.output, "-") != 0 && !req->services)
		fprintf(stderr, _("rfpgen: wrote %s: %s/%s, %zu items\n"), cli->opt.output,
		    rfp_type_name(req->type), rfp_level_name(rfp_selection_level(sel)),
		    rfp_selection_count(sel));
	else if (!cli->opt.quiet && strcmp(cli->opt.output, "-") != 0)
		fprintf(stderr, _("rfpgen: wrote %s: %s, %zu items\n"), cli->opt.output,
		    cli_scope(req, rfp_selection_level(sel)), rfp_selection_count(sel));
	if (!cli->opt.quiet && cli->opt.agency_doc)
		fprintf(stderr, _("rfpgen: wrote %s: the agency's own duties, %zu items\n"),
		    cli->opt.agency_doc, rfp_selection_agency_count(sel));
	rc = EXIT_OK;
out:
	rfp_output_fini(&out);
	rfp_output_fini(&agency);
	rfp_pdf_free(pdf);
	rfp_template_free(tmpl);
	rfp_selection_free(sel);
	rfp_catalogue_free(cat);
	return rc;
}
