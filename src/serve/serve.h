/* SPDX-License-Identifier: MIT */
/*
 * rfpgen serve: the officer's pages and the JSON API over HTTP
 * (libmicrohttpd), docs/serve.md. The command line (cli/serve.c) reads the
 * options and the catalogue and hands them over; rfp_serve_run() serves
 * until SIGINT or SIGTERM.
 */
#ifndef RFP_SERVE_SERVE_H
#define RFP_SERVE_SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <rfpgen/rfpgen.h>

struct rfp_serve_config {
	const char *listen;		/* HOST:PORT, [V6]:PORT or PORT (127.0.0.1) */
	unsigned workers;		/* threads; 0: the number of cores */
	size_t max_upload;		/* bytes of one request body */
	unsigned max_requests;		/* requests at once before 503 */
	unsigned timeout;		/* seconds for one request */
	const char *data_dir;		/* templates/ and web/ */
	const struct rfp_catalogue *cat;	/* loaded once, shared */
	struct rfp_ctx *ctx;		/* start-up diagnostics; its limits go to requests */
	bool quiet;			/* no request log, errors only */
	bool pdf;			/* offer PDF (LibreOffice), if installed */
	int64_t mtime;			/* zip timestamps */
	const char *generator;
};

/** Serves until SIGINT or SIGTERM; returns the exit status (0 after a clean stop). */
int rfp_serve_run(const struct rfp_serve_config *cfg);

/** Prints the routes, "METHOD PATH" a line (rfpgen serve --list-routes). */
void rfp_serve_print_routes(FILE *f);

#endif
