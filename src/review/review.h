/* SPDX-License-Identifier: MIT */
/*
 * Reading the annexes bidders return (rfpgen review): the issued-annex
 * manifest (annex/manifest.h) found again in the package, the answers in
 * the checklist controls, the checklist text checked against the
 * manifest's digests, and what the bidder did besides (rows added or
 * deleted, answers typed outside the controls). review.c reads, diff.c
 * compares texts, report.c writes the reports and the CSV matrix,
 * matrix.c the XLSX matrix, sheet.c the 審查意見表. docs/review.md is the
 * guide.
 */
#ifndef RFP_REVIEW_REVIEW_H
#define RFP_REVIEW_REVIEW_H

#include <stdbool.h>
#include <stddef.h>

#include <rfpgen/rfpgen.h>

#include "pkg/pkg.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/ctx.h"

/* One item of the manifest. */
struct rv_mitem {
	const char *id, *no, *measure, *sha256, *text;
	const char *included;		/* 機關增列 reason, or NULL */
	bool self_ok;			/* sha256 is the digest of text */
};

struct rv_manifest {
	const char *source;		/* the part it was read from */
	const char *document, *tool, *catalogue, *type, *level, *conditions, *date;
	const char *services, *agency_level;	/* "" for an annex without services */
	struct rv_mitem *items;
	size_t n;
	size_t nexcluded;
};

/* What the returned file says about one manifest item. */
struct rv_item {
	enum rfp_reply reply;
	const char *answer, *note, *pages, *returned, *diff;
	unsigned flags;
};

struct rv_problem {
	const char *code;
	size_t item;			/* index into the manifest, or SIZE_MAX */
	const char *message;
	bool blocking;
};

struct rfp_review {
	struct rfp_arena arena;
	const char *file;
	const char *format;
	struct rv_manifest m;
	const char *digest;		/* verified, absent, mismatch */
	char mcanon[65], mbytes[65];	/* SHA-256 of m: canonical form, bytes read */
	struct rv_item *items;		/* m.n of them */
	struct rv_problem *problems;
	size_t nproblems, capproblems;
	size_t added;
	bool from_original;		/* m is the --against file's */
};

/** Reads the package pkg (name: for messages) as a returned annex. */
enum rfp_status rfp_review_read_pkg(struct rfp_ctx *ctx, const char *name,
    const struct rfp_pkg *pkg, const struct rfp_review *original, struct rfp_review **out);

/** The case as issued, for people: 系統發展, between, 高 (the type and
 * level, when there is a type), then the services, 弱點掃描、滲透測試（B級機關）,
 * joined with ＋ when there are both. */
void rfp_review_case(struct rfp_buf *b, const struct rfp_review_summary *s, const char *between);

/* The answers, in the order of the drop-down, as enum rfp_reply 1..4. */
extern const char *const rfp_reply_names[RFP_REPLY_COUNT];

/* diff.c: texts compared as words (ASCII letters and digits) and single
 * characters (CJK, punctuation). */

/** Similarity of a and b, 0..1 (2 × common tokens / all tokens). */
double rfp_text_similarity(const char *a, const char *b);
/** Appends the difference a → b: common text as is, [-removed-], {+added+}. */
void rfp_text_diff(struct rfp_buf *out, const char *a, const char *b);

/* report.c */
/** The short zh-TW name of a reply ("未答" for NONE). */
const char *rfp_review_reply_label(enum rfp_reply r);
/** The matrix cell of item i of r: the answer and its problem marks. */
void rfp_review_cell(struct rfp_buf *b, const struct rfp_review *r, size_t i);
/** The bidder of review j of r: its file name without directory and
 * extension, or with the directory when another file has the same name. */
void rfp_review_bidder(struct rfp_buf *b, const struct rfp_review *const *r, size_t n, size_t j);
/** The union of the reviews' items in order: for row k, idx[k * n + j] is
 * the index of that item in review j, or SIZE_MAX. *rows receives the count;
 * *idx is malloc'd. */
enum rfp_status rfp_review_rows(const struct rfp_review *const *r, size_t n, size_t **idx,
    size_t *rows);
/** The review and item index of row k of rfp_review_rows(): the first that has it. */
const struct rv_mitem *rfp_review_row_item(const struct rfp_review *const *r, size_t n,
    const size_t *idx, size_t k);

/* matrix.c */
enum rfp_status rfp_review_xlsx(struct rfp_ctx *ctx, const struct rfp_review *const *r, size_t n,
    int64_t mtime, char **out, size_t *len);

#endif
