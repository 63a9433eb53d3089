/* SPDX-License-Identifier: MIT */
/*
 * A selection: the catalogue items that apply to one request (outsourcing
 * type, protection level), in annex order, with parameters resolved. It
 * also keeps the request's metadata for the renderer.
 */
#ifndef RFP_SELECT_SELECT_H
#define RFP_SELECT_SELECT_H

#include <rfpgen/rfpgen.h>

#include "catalogue/catalogue.h"
#include "util/arena.h"

struct rfp_selected {
	const struct rfp_item *item;
	const char *text, *guidance, *verification;
	const struct rfp_tailoring *tailoring;	/* what excluded or included it */
};

struct rfp_resolved_param {
	const struct rfp_param *param;
	const char *value;
	bool set;		/* the value came from --set, not a default */
	bool noted;		/* the annex marks it as a suggestion */
};

/* Appended after a parameter's value when it is a suggested default; %s is
 * the parameter id. */
#define RFP_SUGGESTION_NOTE "（建議值，機關得依需求調整：--set %s=…）"
/* Appended after a default value of a parameter with caveat="…" (%s). */
#define RFP_CAVEAT_NOTE "（%s）"

struct rfp_selection {
	struct rfp_arena arena;
	const struct rfp_catalogue *cat;
	enum rfp_type type;
	enum rfp_level level;		/* RFP_LEVEL_NONE without a type */
	bool has_type;			/* false: services only */
	unsigned services;		/* bits 1u << enum rfp_service */
	enum rfp_agency_level agency_level;
	bool has_impact;
	unsigned conditions;
	bool agency_checklist;
	struct rfp_impact impact;
	const char *agency, *project, *date;
	struct rfp_selected *items;	/* vendor and shared duties */
	size_t nitems;
	struct rfp_selected *duties;	/* the agency's own duties */
	size_t nduties;
	struct rfp_selected *excluded;	/* dropped by the tailoring, with reasons */
	size_t nexcluded;
	size_t nincluded;		/* items[] the tailoring added */
	const char **param_values;	/* by catalogue parameter, as items show it */
	struct rfp_field_value *fields;	/* --field, copied */
	size_t nfields;
	struct rfp_resolved_param *params;	/* every parameter the items use */
	size_t nparams;
};

/** "系統發展／中", "弱點掃描、滲透測試（B級機關）" or both joined by "＋":
 * what the selection is of, for headings (into buf). */
const char *rfp_selection_scope(const struct rfp_selection *sel, char *buf, size_t len);
/** The services' names joined by sep, into buf. */
const char *rfp_services_text(unsigned services, const char *sep, char *buf, size_t len);

#endif
