/* SPDX-License-Identifier: MIT */
/*
 * The data a template is rendered with: a tree of maps, lists and strings,
 * allocated in one arena and released together. Keys and strings are not
 * copied: they must outlive the tree (they normally live in the selection or
 * the same arena).
 */
#ifndef RFP_TEMPLATE_DATA_H
#define RFP_TEMPLATE_DATA_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"

/* MARKUP: a value that is markup of the part's vocabulary, not text (a
 * content control, a form field): word for WordprocessingML, odf for ODF,
 * str for a plain part. The renderer inserts it as it is. */
enum rfp_dkind { RFP_D_STR, RFP_D_LIST, RFP_D_MAP, RFP_D_MARKUP };

struct rfp_dnode {
	const char *key;		/* NULL for list elements */
	size_t keylen;			/* the lookups compare lengths first */
	enum rfp_dkind kind;
	const char *str;		/* RFP_D_STR, RFP_D_MARKUP (plain parts) */
	size_t len;
	const char *word, *odf;		/* RFP_D_MARKUP */
	struct rfp_dnode *first, *last;	/* RFP_D_LIST and RFP_D_MAP */
	size_t count;
	struct rfp_dnode *next;
};

/** A new empty map; NULL on OOM. */
struct rfp_dnode *rfp_data_map(struct rfp_arena *a);
/** Adds key → str to map (str may be NULL: empty). Returns false on OOM. */
bool rfp_data_str(struct rfp_arena *a, struct rfp_dnode *map, const char *key, const char *str);
/** As rfp_data_str(), for a string just made (rfp_arena_strdup() and the
 * like): NULL is the allocation that failed, and false, never an empty
 * value. */
bool rfp_data_made(struct rfp_arena *a, struct rfp_dnode *map, const char *key, const char *str);
/** Adds key → markup (RFP_D_MARKUP) to map; the strings are not copied.
 * word is run-level content: the renderer ends the w:t and w:r it is in. */
bool rfp_data_markup(struct rfp_arena *a, struct rfp_dnode *map, const char *key,
    const char *text, const char *word, const char *odf);
/** Adds key → new empty list to map. */
struct rfp_dnode *rfp_data_list(struct rfp_arena *a, struct rfp_dnode *map, const char *key);
/** Appends a new empty map to a list. */
struct rfp_dnode *rfp_data_list_map(struct rfp_arena *a, struct rfp_dnode *list);
/** The child of map named key, or NULL. */
const struct rfp_dnode *rfp_data_get(const struct rfp_dnode *map, const char *key, size_t keylen);

#endif
