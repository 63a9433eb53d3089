/* SPDX-License-Identifier: MIT */
/*
 * The tag engine for one XML part. Compiling scans the part once: it finds
 * {{tags}} in the text stream even when Word split them over several runs,
 * decides each section's scope (inline, paragraph block, table row), and
 * turns the part into a flat program of literal chunks, field inserts and
 * section jumps. Rendering walks that program against a data tree and only
 * appends bytes, so one compiled part serves any number of documents.
 *
 * Tag language: {{name}} inserts an escaped value; {{#name}}…{{/name}}
 * repeats for each element of a list, or renders once if name is a
 * non-empty value; {{^name}}…{{/name}} renders when name is missing or empty.
 */
#ifndef RFP_TEMPLATE_TMPL_H
#define RFP_TEMPLATE_TMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "template/data.h"
#include "util/buf.h"
#include "util/ctx.h"

/* How a part's text is found and how values are written into it. */
enum rfp_part_mode {
	RFP_PART_PLAIN,		/* any character data; values plainly escaped */
	RFP_PART_WORD,		/* WordprocessingML: text in w:t, paragraphs w:p */
	RFP_PART_ODF,		/* ODF text: text in text:p / text:h */
};

/* NUMID: a w:numId element a @restart section renumbers; CONTINUE: an ODF
 * list's continuation attribute (the bytes at off, len), left out of the
 * first list of every repetition after the first, so that list restarts. */
enum rfp_op_kind { RFP_OP_LIT, RFP_OP_FIELD, RFP_OP_OPEN, RFP_OP_CLOSE, RFP_OP_NUMID,
	RFP_OP_CONTINUE };

/* When a section's output may need the post-render guards (guard.c):
 * repeated zero times it may empty a table or cell; repeated twice or more
 * it copies drawing or bookmark ids. Decided at compile time, checked at
 * render time, so a document only pays for the guards when it needs them. */
enum rfp_guard_case { RFP_GUARD_IF_EMPTY = 1, RFP_GUARD_IF_REPEATED = 2 };

struct rfp_op {
	uint8_t kind;
	uint8_t inverted;
	uint8_t guard;		/* OPEN: RFP_GUARD_* cases that need the guard pass */
	uint8_t restart;	/* OPEN: numbered lists restart in each repetition */
	uint8_t run_field;	/* FIELD, OPEN: a name the run gives (rfp_dict) */
	uint32_t off, len;	/* LIT: bytes in lits; others: name in names */
	uint32_t jump;		/* OPEN: index of its CLOSE; CLOSE: of its OPEN;
				 * NUMID: the template's w:numId value */
	uint32_t src;		/* byte offset of the tag in the source part */
};

struct rfp_prog {
	enum rfp_part_mode mode;
	struct rfp_op *ops;
	size_t nops;
	char *lits;		/* literal bytes and tag names */
	size_t litlen;
	size_t ntags;
};

/* The names a template may use: top-level values and lists, and the fields
 * of each list's elements. Lets compilation report unknown names. */
struct rfp_dict_entry {
	const char *name;
	const char *list;	/* the list whose elements have it; NULL: top level */
	bool is_list;
};

struct rfp_dict {
	const struct rfp_dict_entry *entries;
	size_t n;
	/* Top-level names outside entries that are accepted all the same: any
	 * starting with prefix (NULL: none), and with run_fields any name the
	 * run may give ([a-z][a-z0-9_]*, not close to a known one). Their ops
	 * carry run_field, so that the caller can check that the run gave them. */
	const char *prefix;
	bool run_fields;
};

/* A tag that stands alone in its paragraph and is replaced, before
 * compilation, by a block of XML that is itself a template. */
struct rfp_splice {
	const char *name;
	const char *xml;
	size_t len;
};

/*
 * Where a spliced part came from: each splice replaced the paragraph
 * [orig_at, orig_at + orig_len) of the original part by len bytes at at.
 * Messages and the inspect listing then point into the original, as its
 * author wrote it; line is the splice tag's own listing entry.
 */
struct rfp_splice_seg {
	uint32_t at, len;
	uint32_t orig_at, orig_len;
	char line[320];
};

struct rfp_srcmap {
	const char *orig;	/* the part before splicing */
	size_t orig_len;
	const struct rfp_splice_seg *segs;	/* in order */
	size_t nsegs;
};

enum rfp_listing_format { RFP_LISTING_TEXT, RFP_LISTING_JSON };

/* A WordprocessingML paragraph style that numbers its paragraphs (its own
 * w:numPr or one it inherits): a @restart section gives such paragraphs an
 * explicit w:numPr, so that the numbering can start again. */
struct rfp_style_num {
	char *style;		/* w:styleId */
	uint32_t num;		/* w:numId */
	uint8_t ilvl;
};

struct rfp_compile_opts {
	enum rfp_part_mode mode;
	const struct rfp_dict *dict;	/* NULL: any name is accepted */
	const struct rfp_splice *splices;
	size_t nsplices;
	struct rfp_buf *listing;	/* if set: every tag found, valid or not */
	enum rfp_listing_format listing_format;	/* JSON: one object a tag, each
						 * followed by ",\n" */
	const struct rfp_srcmap *map;	/* set when compiling a spliced part */
	const struct rfp_style_num *style_nums;	/* Word: numbered styles */
	size_t nstyle_nums;
};

/**
 * Compiles one part. All template errors in the part are reported (file,
 * part, line, column and paragraph in the part as its author wrote it, the
 * tag as typed, a hint) before RFP_ERR_TEMPLATE is returned; after 200
 * errors in one part the rest are counted in one note.
 * On success *prog owns its memory; release with rfp_prog_fini().
 */
enum rfp_status rfp_prog_compile(struct rfp_ctx *ctx, const char *file,
    const char *part, const struct rfp_compile_opts *opts, const char *data,
    size_t len, struct rfp_prog *prog);
void rfp_prog_fini(struct rfp_prog *prog);

/*
 * Numbering restarts (WordprocessingML): each repetition after the first of
 * a {{#list@restart}} section gets new w:num instances. The renderer fills
 * this table; the caller adds the instances to numbering.xml.
 */
struct rfp_num_restart {
	uint32_t next_id;		/* in: first free w:numId of the package */
	size_t n;
	struct {
		uint32_t id, of;	/* new instance id, and the template's id */
	} inst[256];
};

/**
 * Appends the rendered part to out. A field or section name missing from the
 * data is an error naming the part and the tag. restarts may be NULL.
 */
enum rfp_status rfp_prog_render(struct rfp_ctx *ctx, const char *part,
    const struct rfp_prog *prog, const struct rfp_dnode *root, struct rfp_buf *out,
    bool *needs_guard, struct rfp_num_restart *restarts);

#endif
