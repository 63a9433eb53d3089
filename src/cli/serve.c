/* SPDX-License-Identifier: MIT */
/*
 * rfpgen serve [--listen 127.0.0.1:8080] [--workers N] [--max-upload SIZE]
 *              [--max-requests N] [--request-timeout SECONDS] [--data-dir DIR]
 *              [--baseline NAME] [--no-pdf] [-q] [--list-routes]
 *
 * The options of serve are its own (no other command takes them); the data
 * directory, the catalogue and the messages are found as for every command
 * (args.c). The server is src/serve/ (docs/serve.md).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/serve_cmd.h"
#include "serve/serve.h"

static const char serve_usage[] =
    "usage: rfpgen serve [--listen HOST:PORT] [--workers N] [--max-upload SIZE]\n"
    "                    [--max-requests N] [--request-timeout SECONDS] [--data-dir DIR]\n"
    "                    [--baseline NAME] [--no-pdf] [-q] [--list-routes]\n";

static void
serve_help(void)
{
	printf("%s\n", serve_usage);
	printf(
	    "The officer's pages (zh-TW) and the JSON API (docs/api.md) over HTTP.\n\n"
	    "      --listen ADDR       HOST:PORT, [IPV6]:PORT or PORT (default 127.0.0.1:8080);\n"
	    "                          other than loopback only behind a reverse proxy with\n"
	    "                          single sign-on (docs/serve.md): there is no login\n"
	    "      --workers N         requests worked on at once, the others wait their turn\n"
	    "                          (default: number of cores)\n"
	    "      --max-upload SIZE   largest request body, a template or the returned\n"
	    "                          annexes of one review (default 32M)\n"
	    "      --max-requests N    requests at once; more get 503 (default 128)\n"
	    "      --request-timeout S seconds one request may take (default 60)\n"
	    "      --data-dir DIR      where requirements/, templates/ and web/ live\n"
	    "      --baseline NAME     附表十 baseline version (default: 2021)\n"
	    "      --no-pdf            do not offer PDF (LibreOffice) even if installed\n"
	    "  -q, --quiet             log errors only, not every request\n"
	    "      --list-routes       print the API's routes and exit\n\n"
	    "It stops on SIGINT (Ctrl-C) or SIGTERM, after the requests under way.\n");
}

static bool
parse_count(const char *v, unsigned lo, unsigned hi, unsigned *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || end == v || n < (long)lo || n > (long)hi)
		return false;
	*out = (unsigned)n;
	return true;
}

int
cli_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'L' },
		{ "workers", required_argument, NULL, 'w' },
		{ "max-upload", required_argument, NULL, 'U' },
		{ "max-requests", required_argument, NULL, 'R' },
		{ "request-timeout", required_argument, NULL, 'W' },
		{ "data-dir", required_argument, NULL, 'd' },
		{ "baseline", required_argument, NULL, 'B' },
		{ "no-pdf", no_argument, NULL, 'P' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "list-routes", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct rfp_serve_config cfg = { .listen = "127.0.0.1:8080", .max_upload = 32u << 20,
		.max_requests = 128, .timeout = 60, .pdf = true, .generator = "rfpgen " RFP_VERSION };
	struct cli cli = { 0 };
	struct rfp_catalogue *cat = NULL;
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	unsigned long long size;
	int c, rc;

	cli_setup_locale(&cli.opt);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'L': cfg.listen = optarg; break;
		case 'w':
			if (!parse_count(optarg, 1, 64, &cfg.workers))
				return cli_usage_error("--workers: '%s' is not a number of threads from 1 to 64", optarg);
			break;
		case 'U':
			if (!cli_parse_size(optarg, 1ULL << 32, false, &size))
				return cli_usage_error("--max-upload: '%s' is not a positive size (e.g. 32M)", optarg);
			cfg.max_upload = (size_t)size;
			break;
		case 'R':
			if (!parse_count(optarg, 1, 100000, &cfg.max_requests))
				return cli_usage_error("--max-requests: '%s' is not a number from 1 to 100000", optarg);
			break;
		case 'W':
			if (!parse_count(optarg, 1, 86400, &cfg.timeout))
				return cli_usage_error("--request-timeout: '%s' is not a number of seconds from 1 to 86400",
				    optarg);
			break;
		case 'd': cli.opt.data_dir = optarg; break;
		case 'B': cli.opt.baseline = optarg; break;
		case 'P': cfg.pdf = false; break;
		case 'q': cfg.quiet = cli.opt.quiet = true; break;
		case 'r': rfp_serve_print_routes(stdout); return EXIT_OK;
		case 'h': serve_help(); return EXIT_OK;
		case ':': return cli_usage_error("option '%s' needs a value", argv[optind - 1]);
		default: return cli_usage_error("unknown option '%s' of serve; see 'rfpgen serve --help'",
			    argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("unexpected argument '%s'", argv[optind]);
	if (sde && *sde) {
		char *end;
		long long v;

		errno = 0;
		v = strtoll(sde, &end, 10);
		if (errno || *end || v < 0)
			return cli_usage_error("SOURCE_DATE_EPOCH must be a whole number of seconds, got '%s'", sde);
		cfg.mtime = v;
	}
	if (!(cli.ctx = rfp_ctx_new())) {
		fputs("rfpgen: out of memory\n", stderr);
		return EXIT_INTERNAL;
	}
	rfp_ctx_set_diag(cli.ctx, cli_print_diag, &cli.opt);
	if ((rc = cli_load_catalogue(&cli, &cat)) == EXIT_OK) {
		cfg.data_dir = cli.data_dir;
		cfg.cat = cat;
		cfg.ctx = cli.ctx;
		rc = rfp_serve_run(&cfg);
	}
	rfp_catalogue_free(cat);
	cli_finish(&cli);
	return rc;
}
