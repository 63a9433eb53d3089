/* SPDX-License-Identifier: MIT */
/*
 * Terminal output for the CLI: display widths of CJK text, aligned tables.
 */
#ifndef RFP_CLI_TERM_H
#define RFP_CLI_TERM_H

#include <stdbool.h>
#include <stdio.h>

#include <rfpgen/rfpgen.h>

/** True if s is well-formed UTF-8 of XML 1.0 characters. */
bool rfp_term_utf8_ok(const char *s);
/** Prints the selected items as an aligned table (truncated to a terminal's width). */
void rfp_term_list(FILE *f, const struct rfp_selection *sel, const char *type_name);

#endif
