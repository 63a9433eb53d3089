/* SPDX-License-Identifier: MIT */
/*
 * The catalogue object made by rfp_catalogue_load(): freeing and lookups.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "catalogue/catalogue.h"

void
rfp_catalogue_free(struct rfp_catalogue *cat)
{
	if (!cat)
		return;
	free(cat->files);
	free(cat->families);
	free(cat->measures);
	free(cat->items);
	free(cat->params);
	rfp_arena_fini(&cat->arena);
	free(cat);
}

const struct rfp_param *
rfp_catalogue_param(const struct rfp_catalogue *cat, const char *id, size_t idlen)
{
	for (size_t i = 0; i < cat->nparams; i++)
		if (strlen(cat->params[i]->id) == idlen &&
		    memcmp(cat->params[i]->id, id, idlen) == 0)
			return cat->params[i];
	return NULL;
}
