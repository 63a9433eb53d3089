/* SPDX-License-Identifier: MIT */
/*
 * word/numbering.xml of a DOCX template, read once so that a render can add
 * the numbering instances that {{#list@restart}} sections ask for
 * (tmpl.h, struct rfp_num_restart) without searching the part again.
 */
#ifndef RFP_ANNEX_NUMBERING_H
#define RFP_ANNEX_NUMBERING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "template/tmpl.h"
#include "util/buf.h"
#include "util/ctx.h"

struct rfp_numbering {
	bool present;
	char *head;		/* the part up to where new w:num elements go */
	size_t headlen;
	char *tail;		/* the rest */
	size_t taillen;
	char *prefix;		/* the WordprocessingML namespace prefix, "w" */
	struct { uint32_t num, abstract; } *map;	/* w:num → w:abstractNum */
	size_t nmap;
	uint32_t next_id;	/* first w:numId the part leaves free */
};

/**
 * Reads numbering.xml (data, len): the instances and where new ones go,
 * after the last w:num and before w:numIdMacAtCleanup, as ECMA-376 Part 1
 * §17.9.16 orders the children of w:numbering.
 */
enum rfp_status rfp_numbering_load(struct rfp_ctx *ctx, const char *file, const char *data,
    size_t len, struct rfp_numbering *out);
/**
 * Appends numbering.xml with one new instance per restart: the abstract
 * numbering of the instance it restarts, starting again at 1. A restart
 * of an instance the part does not define is left out (that list then
 * just continues).
 */
enum rfp_status rfp_numbering_render(const struct rfp_numbering *n,
    const struct rfp_num_restart *nr, struct rfp_buf *out);
void rfp_numbering_fini(struct rfp_numbering *n);

/**
 * The paragraph styles of word/styles.xml (data, len) that number their
 * paragraphs, with what they inherit through w:basedOn; *out is malloc'd
 * (rfp_style_nums_free).
 */
enum rfp_status rfp_numbering_styles(struct rfp_ctx *ctx, const char *file, const char *data,
    size_t len, struct rfp_style_num **out, size_t *n);
void rfp_style_nums_free(struct rfp_style_num *s, size_t n);

#endif
