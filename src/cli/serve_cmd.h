/* SPDX-License-Identifier: MIT */
/* rfpgen serve: its options, then src/serve/ (serve.c). */
#ifndef RFP_CLI_SERVE_CMD_H
#define RFP_CLI_SERVE_CMD_H

/** rfpgen serve ARGS (argv[0] is "serve"); returns the exit status. */
int cli_serve(int argc, char **argv);

#endif
