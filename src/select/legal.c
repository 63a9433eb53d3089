/* SPDX-License-Identifier: MIT */
/*
 * Which selected items a law puts in every contract (binding="法定"): what
 * a client shows as not excludable before it asks for an exclusion that
 * rfp_select() would refuse (RFP-TAILOR-LEGAL).
 */
#include "config.h"

#include "select/select.h"

const char *
rfp_selection_item_law(const struct rfp_selection *sel, size_t i)
{
	const struct rfp_item *it;

	if (!sel || i >= sel->nitems)
		return NULL;
	it = sel->items[i].item;
	return it->binding ? (it->source_title ? it->source_title : "") : NULL;
}
