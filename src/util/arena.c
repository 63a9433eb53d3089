/* SPDX-License-Identifier: MIT */
/*
 * Bump allocation in blocks that double in size up to 1 MiB.
 */
#include "config.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"

struct rfp_arena_block {
	struct rfp_arena_block *next;
	size_t size;
	alignas(max_align_t) unsigned char data[];
};

void *
rfp_arena_alloc(struct rfp_arena *a, size_t n)
{
	const size_t align = alignof(max_align_t);
	struct rfp_arena_block *b;
	size_t off, size;
	void *p;

	off = (a->used + align - 1) & ~(align - 1);
	if (!a->head || off > a->size || n > a->size - off) {
		size = a->size ? a->size * 2 : 4096;
		if (size > (1u << 20))
			size = 1u << 20;
		if (size < n)
			size = n;
		b = malloc(sizeof(*b) + size);
		if (!b)
			return NULL;
		b->next = a->head;
		b->size = size;
		a->head = b;
		a->size = size;
		off = 0;
	}
	p = a->head->data + off;
	a->used = off + n;
	memset(p, 0, n);
	return p;
}

char *
rfp_arena_strndup(struct rfp_arena *a, const char *s, size_t n)
{
	char *p = rfp_arena_alloc(a, n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

char *
rfp_arena_strdup(struct rfp_arena *a, const char *s)
{
	return rfp_arena_strndup(a, s, strlen(s));
}

void
rfp_arena_fini(struct rfp_arena *a)
{
	struct rfp_arena_block *b, *next;

	for (b = a->head; b; b = next) {
		next = b->next;
		free(b);
	}
	*a = (struct rfp_arena)RFP_ARENA_INIT;
}
