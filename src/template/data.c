/* SPDX-License-Identifier: MIT */
/*
 * Building and looking up the render data tree.
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "template/data.h"

static struct rfp_dnode *
node(struct rfp_arena *a, struct rfp_dnode *parent, const char *key, enum rfp_dkind kind)
{
	struct rfp_dnode *n = rfp_arena_alloc(a, sizeof(*n));

	if (!n)
		return NULL;
	n->key = key;
	n->keylen = key ? strlen(key) : 0;
	n->kind = kind;
	if (parent) {
		if (parent->last)
			parent->last->next = n;
		else
			parent->first = n;
		parent->last = n;
		parent->count++;
	}
	return n;
}

struct rfp_dnode *
rfp_data_map(struct rfp_arena *a)
{
	return node(a, NULL, NULL, RFP_D_MAP);
}

bool
rfp_data_str(struct rfp_arena *a, struct rfp_dnode *map, const char *key, const char *str)
{
	/* No key: one made from a string that memory did not hold. */
	struct rfp_dnode *n = key ? node(a, map, key, RFP_D_STR) : NULL;

	if (!n)
		return false;
	n->str = str ? str : "";
	n->len = strlen(n->str);
	return true;
}

bool
rfp_data_made(struct rfp_arena *a, struct rfp_dnode *map, const char *key, const char *str)
{
	return str && rfp_data_str(a, map, key, str);
}

bool
rfp_data_markup(struct rfp_arena *a, struct rfp_dnode *map, const char *key, const char *text,
    const char *word, const char *odf)
{
	struct rfp_dnode *n = node(a, map, key, RFP_D_MARKUP);

	if (!n || !text || !word || !odf)
		return false;
	n->str = text;
	n->len = strlen(text);
	n->word = word;
	n->odf = odf;
	return true;
}

struct rfp_dnode *
rfp_data_list(struct rfp_arena *a, struct rfp_dnode *map, const char *key)
{
	return node(a, map, key, RFP_D_LIST);
}

struct rfp_dnode *
rfp_data_list_map(struct rfp_arena *a, struct rfp_dnode *list)
{
	return node(a, list, NULL, RFP_D_MAP);
}

const struct rfp_dnode *
rfp_data_get(const struct rfp_dnode *map, const char *key, size_t keylen)
{
	for (const struct rfp_dnode *n = map->first; n; n = n->next)
		if (n->keylen == keylen && n->key && memcmp(n->key, key, keylen) == 0)
			return n;
	return NULL;
}
