/* SPDX-License-Identifier: MIT */
/*
 * The in-memory requirements catalogue: families (構面) → measures (措施) →
 * items, from one baseline file and any number of module files. Read-only
 * after rfp_catalogue_load(); all strings live in the catalogue's arena.
 */
#ifndef RFP_CATALOGUE_CATALOGUE_H
#define RFP_CATALOGUE_CATALOGUE_H

#include <stdint.h>

#include <rfpgen/rfpgen.h>

#include "util/arena.h"

/*
 * Parameter inserts inside prose are kept as RFP_PARAM_MARK, the parameter
 * id, RFP_PARAM_MARK. The byte cannot occur in XML 1.0 text, so it cannot
 * clash with catalogue content.
 */
#define RFP_PARAM_MARK '\x01'

enum rfp_party { RFP_PARTY_VENDOR, RFP_PARTY_AGENCY, RFP_PARTY_SHARED };
/* What an item's source is (source/@kind): guidance material is the default;
 * only a law's duties are legal duties. */
enum rfp_source_kind { RFP_SOURCE_GUIDANCE, RFP_SOURCE_LAW, RFP_SOURCE_UNVERIFIED };
enum rfp_modality { RFP_MODALITY_SHALL, RFP_MODALITY_SHOULD, RFP_MODALITY_MAY };

struct rfp_catfile {
	const char *path;
	const char *id;
	bool baseline;
	const char *title, *legal_basis, *amended, *version, *notice;
};

struct rfp_param {
	const char *id, *label;
	const struct rfp_catfile *file;
	/* defaults[0]: any level; defaults[L]: from level L upwards. */
	const char *defaults[4];
	/* by_agency[A] (enum rfp_agency_level): the default for an agency of
	 * that 資通安全責任等級; it wins over defaults[] when the request
	 * names the agency's level. */
	const char *by_agency[6];
	bool has_by_agency;
	/* caveat="…": printed after a default value, e.g. that the source is
	 * an unofficial copy (NULL: none). */
	const char *caveat;
	/* basis="stated": the defaults come from source_title/clause. Otherwise
	 * they are suggestions (source_title/clause, if set, name the example
	 * they follow), and the annex marks a default value as one. */
	bool suggested;
	const char *source_title, *clause;	/* NULL when not given */
	unsigned line;
};

/* A figure of an item's prose that a source states (<stated>). */
struct rfp_stated {
	const char *figure;
	const char *source_title, *clause;	/* NULL: the item's own source */
};

struct rfp_family {
	const char *id, *name;
	uint64_t sort;
	const struct rfp_catfile *file;
	/* service="…": the family describes that service (its items list it
	 * in services); -1 for none. frequency="…": the parameter that states
	 * how often the service is due, or NULL. */
	int service;
	const char *frequency_id;
	const struct rfp_param *frequency;
	unsigned line;
};

struct rfp_measure {
	const char *id, *name;
	uint64_t sort;
	const struct rfp_family *family;
	const char *section;	/* section="…" of a service family, or "" */
};

struct rfp_item {
	const char *id, *label;
	uint64_t sort;
	enum rfp_level min_level;	/* RFP_LEVEL_NONE: a service item, no level */
	unsigned types;			/* bit (1u << enum rfp_type); 0: none */
	unsigned services;		/* bit (1u << enum rfp_service); 0: none */
	const char *services_text;	/* as written, or "" */
	enum rfp_party party;
	enum rfp_modality modality;
	const char *source_title;	/* resolved from the file's sources */
	enum rfp_source_kind source_kind;
	bool binding;			/* binding="法定": no tailoring drops it */
	const char *clause;
	unsigned condition;		/* enum rfp_condition bit, 0 = always */
	const char *condition_name;
	const char *types_text;		/* as written, for listings */
	const char *text, *guidance, *verification;	/* may hold inserts */
	const struct rfp_stated *stated;	/* figures the source states */
	size_t nstated;
	const struct rfp_measure *measure;
	const struct rfp_catfile *file;
	unsigned line;
};

struct rfp_catalogue {
	struct rfp_arena arena;
	struct rfp_catfile *files;
	size_t nfiles;
	struct rfp_family **families;
	size_t nfamilies;
	struct rfp_measure **measures;
	size_t nmeasures;
	struct rfp_item **items;	/* in (family, measure, item) sort order */
	size_t nitems;
	struct rfp_param **params;
	size_t nparams;
	const struct rfp_catfile *baseline;
};

const char *rfp_party_name(enum rfp_party p);
/* "law", "guidance", "unverified" (as in the catalogue). */
/* The index of the item that id names, its id or the number the annex
 * prints (1.1.1, MG-01), in any case; -1 if none. */
long rfp_catalogue_find(const struct rfp_catalogue *cat, const char *id);
const char *rfp_source_kind_name(enum rfp_source_kind k);
const char *rfp_modality_name(enum rfp_modality m);
const struct rfp_param *rfp_catalogue_param(const struct rfp_catalogue *cat,
    const char *id, size_t idlen);

/**
 * The semantic pass over a fully loaded catalogue: duplicate ids across files,
 * level order inside measures, exactly one baseline, limits. Reports every
 * problem; returns RFP_ERR_INVALID if any was an error.
 */
enum rfp_status rfp_catalogue_check(struct rfp_ctx *ctx, struct rfp_catalogue *cat);

/* A compiled catalogue schema (catalogue.xsd), for loading from memory. */
struct rfp_cat_schema;

/** Compiles the XSD held in data (name: for messages). */
enum rfp_status rfp_cat_schema_new(struct rfp_ctx *ctx, const char *name,
    const char *data, size_t len, struct rfp_cat_schema **out);
void rfp_cat_schema_free(struct rfp_cat_schema *s);

/**
 * rfp_catalogue_load() for one catalogue held in memory (name: for
 * messages): the same parse, validation, loading and semantic check, so it
 * must be a baseline. Used by the fuzz targets.
 */
enum rfp_status rfp_catalogue_load_buffer(struct rfp_ctx *ctx,
    const struct rfp_cat_schema *schema, const char *name, const char *data,
    size_t len, struct rfp_catalogue **out);

#endif
