/* SPDX-License-Identifier: MIT */
/*
 * Repairs after rendering that keep Word and LibreOffice from refusing a
 * document whose loops ran zero or many times (see guard.c).
 */
#ifndef RFP_TEMPLATE_GUARD_H
#define RFP_TEMPLATE_GUARD_H

#include <stdbool.h>

#include <libxml/tree.h>

#include "template/tmpl.h"

/** Fixes doc in place for its part mode; true if anything changed. */
bool rfp_guard(xmlDoc *doc, enum rfp_part_mode mode);

#endif
