/* SPDX-License-Identifier: MIT */
/*
 * A bump allocator for objects that share one lifetime (a catalogue's strings,
 * a selection's resolved texts, a render's data tree). Everything is released
 * at once by rfp_arena_fini(); individual frees do not exist.
 */
#ifndef RFP_UTIL_ARENA_H
#define RFP_UTIL_ARENA_H

#include <stddef.h>

struct rfp_arena_block;

struct rfp_arena {
	struct rfp_arena_block *head;
	size_t used;	/* bytes used in head */
	size_t size;	/* capacity of head */
};

#define RFP_ARENA_INIT { 0 }

/** Zeroed, max-aligned memory; NULL on OOM. */
void *rfp_arena_alloc(struct rfp_arena *a, size_t n);
/** A NUL-terminated copy of n bytes of s; NULL on OOM. */
char *rfp_arena_strndup(struct rfp_arena *a, const char *s, size_t n);
char *rfp_arena_strdup(struct rfp_arena *a, const char *s);
void rfp_arena_fini(struct rfp_arena *a);

#endif
