/* SPDX-License-Identifier: MIT */
/*
 * The compiled template object, however it was made: by rfp_template_load()
 * from a package, or from the build-time snapshot (snapshot.h).
 */
#include "config.h"

#include <stdlib.h>

#include "template/template.h"

void
rfp_template_free(struct rfp_template *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nparts; i++) {
		free(t->parts[i].name);
		free(t->parts[i].data);
		rfp_deflated_fini(&t->parts[i].z);
		rfp_prog_fini(&t->parts[i].prog);
	}
	free(t->parts);
	free(t);
}

enum rfp_format
rfp_template_format(const struct rfp_template *t)
{
	return t->format;
}
