/* SPDX-License-Identifier: MIT */
/*
 * rfpgen: the security-requirements annex (資安需求附件) of a Taiwanese
 * government IT-outsourcing RFP, generated from a requirements catalogue and
 * a DOCX or ODT template.
 *
 * Pipeline: load a catalogue (rfp_catalogue_load), select the items for an
 * outsourcing type and protection level (rfp_select), compile a template once
 * (rfp_template_load) and render it for any number of selections
 * (rfp_render).
 *
 * Ownership rule for the whole API: functions never take ownership of their
 * arguments; objects returned through out-parameters belong to the caller and
 * are released with the matching _free() function, which accepts NULL.
 * Out-parameters are written only on success.
 *
 * Thread safety: no function keeps global mutable state. A catalogue and a
 * compiled template are read-only after loading and may be shared by threads;
 * a context must not be used by two threads at once.
 */
#ifndef RFP_RFPGEN_H
#define RFP_RFPGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What librfpgen exports: everything else in it is hidden. */
#if defined(__GNUC__)
#define RFP_API __attribute__((visibility("default")))
#else
#define RFP_API
#endif

enum rfp_status {
	RFP_OK = 0,
	RFP_ERR_NOMEM,		/* out of memory */
	RFP_ERR_IO,		/* a file could not be read or written */
	RFP_ERR_XML,		/* a catalogue or template part is not well-formed */
	RFP_ERR_INVALID,	/* well-formed, but breaks the schema or a rule */
	RFP_ERR_TEMPLATE,	/* bad tag or block structure in a template */
	RFP_ERR_ZIP,		/* the package is not a usable zip file */
	RFP_ERR_LIMIT,		/* a size, depth or count limit was hit */
	RFP_ERR_USAGE,		/* bad argument or unknown value */
	RFP_ERR_UNAVAILABLE,	/* a program the request needs is not installed
				 * (LibreOffice, for PDF) */
};

/** A short English description of a status; never NULL, static. */
RFP_API const char *rfp_strerror(enum rfp_status st);

/* ---- Vocabulary ------------------------------------------------------ */

enum rfp_type {
	RFP_TYPE_CONSULTING,	/* 顧問訓練 */
	RFP_TYPE_DEVELOPMENT,	/* 系統發展 */
	RFP_TYPE_OPERATIONS,	/* 維運服務 (維運管理) */
	RFP_TYPE_CLOUD,		/* 雲端服務 */
};
#define RFP_TYPE_COUNT 4

enum rfp_level {
	RFP_LEVEL_NONE = 0,
	RFP_LEVEL_LOW,		/* 普 */
	RFP_LEVEL_MODERATE,	/* 中 */
	RFP_LEVEL_HIGH,		/* 高 */
};

/** Parses a type name: Chinese, alias 維運管理, or consulting/development/operations/cloud. */
RFP_API bool rfp_type_parse(const char *s, enum rfp_type *out);
/** The Chinese name of a type (static). */
RFP_API const char *rfp_type_name(enum rfp_type t);
/** "顧問訓練 (consulting), 系統發展 (development), ..." for messages (static). */
RFP_API const char *rfp_type_choices(void);

/**
 * The choice nearest to word, for "did you mean" hints: at most one edit
 * (two when either has four characters or more) away, counted in characters,
 * letters without case; NULL if none is that near or word is one of them.
 */
RFP_API const char *rfp_nearest(const char *word, const char *const *choices, size_t n);

/**
 * Reads a date as officers write it: 2025-05-01, or in the 民國 calendar
 * 114-05-01, 114/05/01, 114.5.1, 114年5月1日 or 中華民國114年5月1日
 * (full-width digits too). A date that does not exist (2025-02-30) is
 * refused. On success iso holds YYYY-MM-DD.
 */
RFP_API bool rfp_date_parse(const char *s, char iso[11]);

/** Parses 普/中/高 or low/moderate/high. */
RFP_API bool rfp_level_parse(const char *s, enum rfp_level *out);
/** The Chinese name of a level (static); "" for RFP_LEVEL_NONE. */
RFP_API const char *rfp_level_name(enum rfp_level l);
RFP_API const char *rfp_level_choices(void);

/*
 * Security services bought on their own (資安服務), the second selection
 * dimension beside the outsourcing type: an item with services="…" in the
 * catalogue is selected when one of its services is requested.
 */
enum rfp_service {
	RFP_SERVICE_HEALTH_CHECK,	/* 資安健診 */
	RFP_SERVICE_SOC,		/* 資安監控 (資通安全威脅偵測管理, SOC) */
	RFP_SERVICE_VULN_SCAN,		/* 弱點掃描 */
	RFP_SERVICE_PENTEST,		/* 滲透測試 */
	RFP_SERVICE_SOCIAL_ENGINEERING,	/* 社交工程演練 */
};
#define RFP_SERVICE_COUNT 5

/** Parses a service name: Chinese (資安監控 also SOC, 社交工程 also
 * 社交工程郵件測試) or health-check, soc, vuln-scan, pentest, social-engineering. */
RFP_API bool rfp_service_parse(const char *s, enum rfp_service *out);
/** The Chinese name of a service (static); "" if out of range. */
RFP_API const char *rfp_service_name(enum rfp_service s);
/** The English alias of a service (static), e.g. "vuln-scan". */
RFP_API const char *rfp_service_alias(enum rfp_service s);
/** "資安健診 (health-check), ..." for messages (static). */
RFP_API const char *rfp_service_choices(void);

/* 資通安全責任等級 of the agency (資通安全責任等級分級辦法): it sets how
 * often the regulation requires a service. */
enum rfp_agency_level {
	RFP_AGENCY_LEVEL_NONE = 0,
	RFP_AGENCY_LEVEL_A,
	RFP_AGENCY_LEVEL_B,
	RFP_AGENCY_LEVEL_C,
	RFP_AGENCY_LEVEL_D,
	RFP_AGENCY_LEVEL_E,
};
/** Parses A to E (also a–e, A級). */
RFP_API bool rfp_agency_level_parse(const char *s, enum rfp_agency_level *out);
/** "A" to "E" (static); "" for RFP_AGENCY_LEVEL_NONE. */
RFP_API const char *rfp_agency_level_name(enum rfp_agency_level l);
RFP_API const char *rfp_agency_level_choices(void);

/*
 * 附表九 impact ratings: confidentiality, integrity, availability, legal.
 * The protection level is the highest of the four.
 */
struct rfp_impact {
	enum rfp_level c, i, a, l;
};

/**
 * Parses "C=高,I=中,A=普,L=普" (keys also 機密性/完整性/可用性/法律遵循性, values
 * as rfp_level_parse). All four keys are required, each once. On failure
 * writes a message of at most errlen bytes into err.
 */
RFP_API bool rfp_impact_parse(const char *s, struct rfp_impact *out, char *err, size_t errlen);
RFP_API enum rfp_level rfp_impact_level(const struct rfp_impact *imp);

/* ---- Context and diagnostics ---------------------------------------- */

enum rfp_severity { RFP_NOTE, RFP_WARNING, RFP_ERROR };

struct rfp_diag {
	enum rfp_severity severity;
	const char *code;	/* stable id, e.g. "RFP-CAT-SCHEMA" */
	const char *file;	/* catalogue, template or output path, or NULL */
	const char *part;	/* zip member, e.g. "word/document.xml", or NULL */
	unsigned line;		/* 1-based, 0 = unknown */
	unsigned col;		/* 1-based, 0 = unknown */
	const char *msg;	/* what is wrong */
	const char *hint;	/* how to fix it, or NULL */
};

/** Receives diagnostics; the strings are valid only during the call. */
typedef void (*rfp_diag_fn)(const struct rfp_diag *d, void *userdata);

struct rfp_limits {
	size_t max_file_bytes;		/* any catalogue or template file */
	size_t max_part_bytes;		/* one uncompressed zip entry */
	size_t max_package_bytes;	/* all uncompressed entries together */
	unsigned max_entries;		/* zip entries per package */
	unsigned max_ratio;		/* uncompressed:compressed, per entry */
	unsigned max_xml_depth;		/* element nesting */
	unsigned max_items;		/* catalogue items */
	unsigned max_tags;		/* template tags per part */
	unsigned max_nesting;		/* nested template sections */
	size_t max_output_bytes;	/* one rendered part */
	unsigned max_rows;		/* portfolio rows */
	size_t max_field_bytes;		/* one portfolio cell */
	size_t max_cache_bytes;		/* compressed text kept for reuse, per
					 * worker (0: compress every part anew) */
};

struct rfp_ctx;

/** A new context with default limits and no diagnostic callback; NULL on OOM. */
RFP_API struct rfp_ctx *rfp_ctx_new(void);
RFP_API void rfp_ctx_free(struct rfp_ctx *ctx);
RFP_API void rfp_ctx_set_diag(struct rfp_ctx *ctx, rfp_diag_fn fn, void *userdata);
/** The context's limits; change them before loading anything. */
RFP_API struct rfp_limits *rfp_ctx_limits(struct rfp_ctx *ctx);
/**
 * With verify set, every rendered part is parsed again with libxml2 and a
 * part that is not well-formed fails the render. Rendering produces
 * well-formed XML by construction; this is a check for template
 * development, tests and fuzzing, at about twice the render cost.
 */
RFP_API void rfp_ctx_set_verify(struct rfp_ctx *ctx, bool verify);

/** Number of RFP_ERROR diagnostics reported so far. */
RFP_API unsigned rfp_ctx_error_count(const struct rfp_ctx *ctx);

/* ---- Catalogue ------------------------------------------------------- */

struct rfp_catalogue;

/**
 * Loads and checks catalogue files: each is parsed without network access or
 * DTDs, validated against the XSD at schema_path, then all of them together
 * pass the semantic check. Exactly one file must be a baseline.
 * Returns RFP_ERR_XML, RFP_ERR_INVALID, RFP_ERR_IO or RFP_ERR_LIMIT with
 * diagnostics on failure.
 */
RFP_API enum rfp_status rfp_catalogue_load(struct rfp_ctx *ctx, const char *schema_path,
    const char *const *paths, size_t npaths, struct rfp_catalogue **out);
RFP_API void rfp_catalogue_free(struct rfp_catalogue *cat);

/**
 * Describes an item in zh-TW, one field a line; id is its id or the number
 * the annex prints (1.1.1, MG-11), letter case aside: numbering, family and
 * measure, levels, types, party, modality, condition, text with its
 * parameters and their defaults, 說明, 驗收方式, source, catalogue file.
 * *out is malloc'd (caller frees). RFP_ERR_USAGE if no item has that id.
 */
RFP_API enum rfp_status rfp_catalogue_describe(const struct rfp_catalogue *cat, const char *id,
    char **out);
/** The item id or printed number nearest to word (rfp_nearest), or NULL. */
RFP_API const char *rfp_catalogue_suggest(const struct rfp_catalogue *cat, const char *word);
/** Lists every parameter: id, label, defaults per level, the items using it. */
RFP_API enum rfp_status rfp_catalogue_params(const struct rfp_catalogue *cat, char **out);

/* ---- Selection ------------------------------------------------------- */

struct rfp_param_value {
	const char *name;
	const char *value;
};

/* Conditions that switch on items marked if="…" in the catalogue. */
enum rfp_condition {
	RFP_COND_CORE_OR_LARGE = 1u << 0,	/* core system, or contract ≥ NT$10,000,000 */
	RFP_COND_EU_PERSONAL_DATA = 1u << 1,	/* EU personal data (GDPR) */
	RFP_COND_CLASSIFIED = 1u << 2,		/* national secrets involved */
};
/** Parses a condition name as used in catalogues (core-or-large, ...). */
RFP_API bool rfp_condition_parse(const char *s, size_t n, unsigned *out);

/*
 * Tailoring: an item dropped because it does not apply, with its reason,
 * or one added above the level or from another type. id is the catalogue
 * id or the number the annex prints (1.1.1, MG-01), in any case.
 */
enum rfp_tailor_action { RFP_TAILOR_EXCLUDE, RFP_TAILOR_INCLUDE };
struct rfp_tailoring {
	enum rfp_tailor_action action;
	const char *id;
	const char *reason;		/* required to exclude; may be NULL to include */
	const char *file;		/* where it was given, for messages; NULL: the
					 * command line */
	unsigned line;
};

/**
 * Reads a tailoring file (.csv, .xlsx or .ods, by its extension) with the
 * columns 編號或識別碼, 理由 and 動作 (排除 or 增列; empty is 排除). *out is
 * one allocation holding the lines and their strings: rfp_tailoring_free().
 * Lines are checked against a catalogue by rfp_select().
 */
RFP_API enum rfp_status rfp_tailoring_read(struct rfp_ctx *ctx, const char *path,
    struct rfp_tailoring **out, size_t *n);
RFP_API void rfp_tailoring_free(struct rfp_tailoring *lines);

/* The officer's own cover fields (--field NAME=VALUE): {{NAME}} in templates. */
struct rfp_field_value {
	const char *name;		/* [a-z][a-z0-9_]*, at most 32 bytes */
	const char *value;
};

struct rfp_request {
	enum rfp_type type;
	enum rfp_level level;		/* RFP_LEVEL_NONE: derive from impact */
	bool has_impact;
	struct rfp_impact impact;
	const char *agency;		/* NULL: a blank to fill in */
	const char *project;
	const char *date;		/* YYYY-MM-DD shown in the document */
	const struct rfp_param_value *params;	/* --set overrides */
	size_t nparams;
	unsigned conditions;		/* enum rfp_condition bits */
	bool agency_checklist;		/* also select the agency's own duties */
	const struct rfp_tailoring *tailoring;	/* applied in order, each item once */
	size_t ntailoring;
	const struct rfp_field_value *fields;
	size_t nfields;
	/*
	 * Security services (bits 1u << enum rfp_service): their items are
	 * selected besides the type's, each item once. With service_only the
	 * request has no outsourcing type: type, level and impact are not
	 * used, and services must not be 0 (RFP-REQ-EMPTY).
	 */
	unsigned services;
	bool service_only;
	/* The agency's 資通安全責任等級: the parameters that depend on it
	 * (the frequencies of the services) take its value; NONE: they state
	 * every level's. */
	enum rfp_agency_level agency_level;
};

struct rfp_selection;

/** Selects the items that apply to req; the catalogue must outlive it. */
RFP_API enum rfp_status rfp_select(struct rfp_ctx *ctx, const struct rfp_catalogue *cat,
    const struct rfp_request *req, struct rfp_selection **out);
RFP_API void rfp_selection_free(struct rfp_selection *sel);
/** Number of vendor items (the annex body; agency duties not counted). */
RFP_API size_t rfp_selection_count(const struct rfp_selection *sel);
/** Number of agency duties selected (only with agency_checklist). */
RFP_API size_t rfp_selection_agency_count(const struct rfp_selection *sel);
RFP_API enum rfp_level rfp_selection_level(const struct rfp_selection *sel);
/** The services requested (bits 1u << enum rfp_service), and whether the
 * selection has an outsourcing type (not when service_only). */
RFP_API unsigned rfp_selection_services(const struct rfp_selection *sel);
RFP_API bool rfp_selection_has_type(const struct rfp_selection *sel);
RFP_API enum rfp_agency_level rfp_selection_agency_level(const struct rfp_selection *sel);

/** A read-only view of one selected item; strings live as long as the selection. */
struct rfp_item_view {
	const char *id, *label, *family, *measure;
	const char *text, *guidance, *verification;	/* parameters resolved */
	const char *modality, *party, *source, *clause;
	enum rfp_level min_level;
	const char *condition;	/* the item's if="…", or NULL */
	const char *types;	/* e.g. "系統發展 維運服務" */
	const char *tailoring;	/* "排除", "增列" or NULL */
	const char *reason;	/* the officer's reason for it, or NULL */
	const char *services;	/* e.g. "弱點掃描 滲透測試", or "" */
};
RFP_API void rfp_selection_item(const struct rfp_selection *sel, size_t i,
    struct rfp_item_view *out);
/** Agency duty i (0 ≤ i < rfp_selection_agency_count). */
RFP_API void rfp_selection_agency_item(const struct rfp_selection *sel, size_t i,
    struct rfp_item_view *out);
/** Number of items the tailoring excluded (they are in neither list above). */
RFP_API size_t rfp_selection_excluded_count(const struct rfp_selection *sel);
/** Excluded item i, with its reason (0 ≤ i < rfp_selection_excluded_count). */
RFP_API void rfp_selection_excluded_item(const struct rfp_selection *sel, size_t i,
    struct rfp_item_view *out);
/**
 * The law that puts vendor item i (0 ≤ i < rfp_selection_count) in every
 * contract (binding="法定" in the catalogue, e.g. 資通安全管理法施行細則),
 * which no tailoring may exclude; NULL for an item that may be excluded
 * with a reason. The string lives as long as the catalogue.
 */
RFP_API const char *rfp_selection_item_law(const struct rfp_selection *sel, size_t i);

/* ---- Pipeline outputs ------------------------------------------------ */

enum rfp_export_format { RFP_EXPORT_TEXT, RFP_EXPORT_JSON, RFP_EXPORT_CSV, RFP_EXPORT_MD };

/** Parses text, json, csv, md. */
RFP_API bool rfp_export_format_parse(const char *s, enum rfp_export_format *out);

/**
 * Writes the selected items (id, number, family, measure, levels, types,
 * party, modality, condition, text, 說明, 驗收方式, source) and the resolved
 * parameters as JSON, CSV (RFC 4180, UTF-8) or Markdown. *out is malloc'd.
 */
RFP_API enum rfp_status rfp_selection_export(const struct rfp_selection *sel,
    enum rfp_export_format fmt, char **out, size_t *len);

/**
 * The selected items as an aligned zh-TW table for a terminal: a heading
 * line, then number, level, measure and text of each item, padded by
 * display width (CJK characters take two cells). columns > 0 cuts each
 * line to that width with "…". *out is malloc'd.
 */
RFP_API enum rfp_status rfp_selection_list(const struct rfp_selection *sel, unsigned columns,
    char **out, size_t *len);

/**
 * Compares two selections by item id: added (only in to), removed (only in
 * from), changed (text, 說明, 驗收方式, number, level, party or modality
 * differ). counts receives added, removed, changed. *out is malloc'd.
 */
RFP_API enum rfp_status rfp_selection_diff(const struct rfp_selection *from,
    const struct rfp_selection *to, enum rfp_export_format fmt, char **out,
    size_t *len, size_t counts[3]);

/* ---- Templates and rendering ---------------------------------------- */

enum rfp_format { RFP_FORMAT_DOCX, RFP_FORMAT_ODT };

struct rfp_template;

/**
 * Reads a .docx/.dotx/.odt/.ott package and compiles every XML part once.
 * Template errors are all reported before RFP_ERR_TEMPLATE is returned.
 */
RFP_API enum rfp_status rfp_template_load(struct rfp_ctx *ctx, const char *path,
    struct rfp_template **out);
RFP_API void rfp_template_free(struct rfp_template *t);

/**
 * Checks a template without rendering: compiles it as rfp_template_load
 * does (reporting every error through the diagnostics) and writes to *out
 * every tag it found, valid or not, in document order: part, line, column
 * and paragraph as the author wrote them, the tag as typed and what it
 * does. fmt RFP_EXPORT_TEXT gives one tag a line; RFP_EXPORT_JSON an array
 * of objects {part, line, col, paragraph, cell, tag, does, ok}. *out is
 * malloc'd, also on RFP_ERR_TEMPLATE.
 */
RFP_API enum rfp_status rfp_template_inspect(struct rfp_ctx *ctx, const char *path,
    enum rfp_export_format fmt, char **out);
RFP_API enum rfp_format rfp_template_format(const struct rfp_template *t);

/**
 * rfp_template_load() and rfp_template_inspect() for a package of len
 * bytes held in memory (an upload): the same hardened readers and the same
 * limits (a buffer over max_file_bytes is RFP_ERR_LIMIT); a flat ODF
 * document (.fodt) is recognised by its leading '<'. name stands for the
 * file in messages and in the listing; nothing is read from disk.
 */
RFP_API enum rfp_status rfp_template_load_buffer(struct rfp_ctx *ctx, const char *name,
    const void *data, size_t len, struct rfp_template **out);
RFP_API enum rfp_status rfp_template_inspect_buffer(struct rfp_ctx *ctx, const char *name,
    const void *data, size_t len, enum rfp_export_format fmt, char **out);

struct rfp_output {
	unsigned char *data;	/* the package bytes; free with rfp_output_fini */
	size_t len;
};
RFP_API void rfp_output_fini(struct rfp_output *o);

/**
 * Renders the annex for sel into a complete package in memory. mtime is the
 * zip timestamp of every entry (seconds since the epoch, UTC).
 */
RFP_API enum rfp_status rfp_render(struct rfp_ctx *ctx, const struct rfp_template *t,
    const struct rfp_selection *sel, const char *generator, int64_t mtime,
    struct rfp_output *out);
/**
 * Renders the agency's own checklist (機關自行辦理事項檢核表) for sel, made
 * with agency_checklist, from the same template: the same cover, the
 * agency's duties and a checklist with 辦理情形 columns. The annex that
 * rfp_render() makes never holds these duties.
 */
RFP_API enum rfp_status rfp_render_agency(struct rfp_ctx *ctx, const struct rfp_template *t,
    const struct rfp_selection *sel, const char *generator, int64_t mtime,
    struct rfp_output *out);

/*
 * Rendering many annexes. A render cache keeps its scratch buffers, its
 * zip writer and up to cache_bytes of compressed text from one annex to
 * the next; most of an annex's text is the same in every annex of a type
 * and level, so later annexes compress only what differs (the output
 * bytes are the same with or without a cache). One thread owns a cache.
 *
 * A server warms one cache with the shipped templates and every type and
 * level, freezes it, and gives each request its own cache sharing the
 * frozen text: a frozen cache is read-only, so threads may share it, and
 * nothing of a request is ever added to it. The frozen cache must outlive
 * the caches that share it.
 */
struct rfp_render_cache;
/** A cache keeping at most cache_bytes of compressed text; NULL on OOM. */
RFP_API struct rfp_render_cache *rfp_render_cache_new(size_t cache_bytes);
RFP_API void rfp_render_cache_free(struct rfp_render_cache *c);
/** rfp_render() (rfp_render_agency() with agency) with the buffers and text of c. */
RFP_API enum rfp_status rfp_render_cached(struct rfp_ctx *ctx, struct rfp_render_cache *c,
    const struct rfp_template *t, const struct rfp_selection *sel, bool agency,
    const char *generator, int64_t mtime, struct rfp_output *out);
/** Keeps c's compressed text as it is from now on (after at least one render). */
RFP_API void rfp_render_cache_freeze(struct rfp_render_cache *c);
/** A new, empty-buffered cache using the frozen text of frozen; NULL on OOM or
 * when frozen has rendered nothing. */
RFP_API struct rfp_render_cache *rfp_render_cache_share(const struct rfp_render_cache *frozen);

/**
 * Writes len bytes to path atomically: a temporary file in the same
 * directory, fsync, rename. path "-" writes to standard output. On failure
 * no file is left behind.
 */
RFP_API enum rfp_status rfp_write_file(struct rfp_ctx *ctx, const char *path,
    const void *data, size_t len);

/* ---- PDF through LibreOffice ---------------------------------------- */

enum rfp_pdf_standard {
	RFP_PDF_A2B,		/* PDF/A-2b, for archiving: the default */
	RFP_PDF_NONE,		/* a plain PDF 1.6 */
};

/** Parses "pdfa-2b" (also "pdf/a-2b", "a-2b") or "none". */
RFP_API bool rfp_pdf_standard_parse(const char *s, enum rfp_pdf_standard *out);

struct rfp_pdf_options {
	enum rfp_pdf_standard standard;
	/* The LibreOffice program: NULL takes $RFPGEN_SOFFICE, else soffice
	 * (then libreoffice) on $PATH. */
	const char *soffice;
	unsigned timeout_ms;		/* one conversion, then it is killed; 0:
					 * $RFPGEN_PDF_TIMEOUT seconds, else 120 s */
	/* Set from a signal handler: a running conversion is stopped. */
	const volatile int *stop;
	/* At most this many LibreOffice processes at once (each takes
	 * 200-300 MB); more conversions wait their turn. 0: no cap. */
	unsigned max_processes;
};

struct rfp_pdf;

/**
 * A PDF converter: LibreOffice run headless, one conversion at a time per
 * LibreOffice process, each with a private profile in a private temporary
 * directory (mkdtemp, 0700), removed by rfp_pdf_free(). Profiles are kept
 * warm between conversions. Without LibreOffice it fails with
 * RFP_ERR_UNAVAILABLE (RFP-PDF-MISSING, naming the package to install).
 * rfp_pdf_convert() may be called from several threads at once.
 */
RFP_API enum rfp_status rfp_pdf_new(struct rfp_ctx *ctx, const struct rfp_pdf_options *opt,
    struct rfp_pdf **out);
RFP_API void rfp_pdf_free(struct rfp_pdf *pdf);
/**
 * Converts a DOCX or ODT package (what rfp_render() made, as fmt says)
 * into a PDF in *out (free with rfp_output_fini). A conversion that fails,
 * outlasts the timeout or is stopped leaves no file behind. A signal
 * (SIGINT, SIGTERM, SIGHUP, SIGQUIT) that arrives while LibreOffice runs
 * ends it, and is raised again once the temporary files are removed.
 * With SOURCE_DATE_EPOCH set, the PDF's dates are that time and its
 * identifiers a digest of it: the same input gives the same bytes (with the
 * same LibreOffice and fonts).
 */
RFP_API enum rfp_status rfp_pdf_convert(struct rfp_pdf *pdf, struct rfp_ctx *ctx,
    const struct rfp_output *doc, enum rfp_format fmt, struct rfp_output *out);

/* ---- Portfolio batch ------------------------------------------------ */

/* CHECKED: with check_only, a row that would be written. */
enum rfp_row_status { RFP_ROW_OK, RFP_ROW_FAILED, RFP_ROW_SKIPPED, RFP_ROW_EMPTY,
	RFP_ROW_CHECKED };

struct rfp_batch_row {
	unsigned line;			/* the portfolio row (sheet row or CSV line) */
	const char *system_id;
	const char *output;		/* the file written; "" unless status is OK */
	size_t items;
	enum rfp_row_status status;
	enum rfp_type type;		/* as resolved, when has_request */
	enum rfp_level level;
	bool has_request;
	const char *code;		/* why it failed: a code of docs/diagnostics.md, or "" */
	const char *column;		/* the column at fault, or "" */
	const char *message;		/* why it failed or was skipped, or "" */
	const char *hint;		/* how to fix it, in the user's language, or "" */
	const char *sha256;		/* of the file written (hex), or "" */
	const char *agency_output;	/* the agency's document written, or "" */
	unsigned services;		/* as resolved, when has_request: bits
					 * 1u << enum rfp_service */
	bool service_only;		/* no outsourcing type (type, level unused) */
	enum rfp_agency_level agency_level;
};

/* Which of rfp_batch_options.defaults apply to rows that leave them out. */
enum rfp_batch_default { RFP_DEFAULT_TYPE = 1u << 0, RFP_DEFAULT_LEVEL = 1u << 1 };

struct rfp_batch_options {
	const char *portfolio;		/* .csv, .xlsx or .ods */
	const char *sheet;		/* workbooks: NULL = the first sheet */
	const char *encoding;		/* CSV: NULL = detect UTF-8 or CP950 */
	const char *out_dir;
	/* Where each row's own agency document (機關自行辦理事項檢核表) goes,
	 * named <annex name>-機關自行辦理事項.docx|odt: every row's with
	 * agency_dir, else out_dir for the rows whose 機關檢核表 cell says yes. */
	const char *agency_dir;
	const char *template_path;	/* every row; NULL = per row or default */
	const char *default_docx;	/* default templates by output format */
	const char *default_odt;
	enum rfp_format format;		/* with format_given: every row's format */
	bool format_given;
	/*
	 * What every row has unless its own cells say otherwise (the command
	 * line's options): agency, project, date, parameters (a row's set:
	 * column wins for the same name) and conditions (added to the row's);
	 * type and level or impact as defaults_set says. NULL: none.
	 */
	const struct rfp_request *defaults;
	unsigned defaults_set;		/* enum rfp_batch_default bits */
	const char *const *ignore_columns;	/* header names not to warn about */
	size_t nignore_columns;
	unsigned jobs;			/* worker threads; 0 = number of cores */
	bool fail_fast;			/* start no new row after a failure */
	bool check_only;		/* check every row, its template and its
					 * selection; write no annex (batch --check) */
	/*
	 * Shard shard_k of shard_n (1 <= k <= n; n = 0: the whole portfolio):
	 * only the data rows whose 0-based index i (blank rows counted) has
	 * i % n == k - 1 are run and reported. Output names, and which of two
	 * rows with the same name fails, are decided over the whole portfolio,
	 * so the n shards together write the files of one unsharded run.
	 */
	unsigned shard_k, shard_n;
	const char *generator;
	const char *date;		/* YYYY-MM-DD shown in the annexes */
	int64_t mtime;
	/* Called after each row, from worker threads, one call at a time:
	 * the row just finished, and the counts so far. */
	void (*progress)(const struct rfp_batch_row *row, size_t done, size_t total,
	    size_t failed, void *data);
	void *progress_data;
	/* Set from a signal handler, with an atomic store (__atomic_store_n
	 * or C11 atomic_store), since workers read it: rows not yet started
	 * are skipped. */
	const volatile int *stop;
	/* Every row's annex as PDF (--format pdf); a row whose output name
	 * ends in .pdf is one anyway. Its document is the DOCX (or the
	 * template's format) that LibreOffice converts. */
	bool pdf;
	enum rfp_pdf_standard pdf_standard;
};

struct rfp_batch;

/**
 * Generates one annex per portfolio row into out_dir, in parallel. A bad
 * row fails alone, with its row, column and reason; its file is not
 * written. Returns an error only when the portfolio as a whole is unusable
 * (unreadable, no type column, ...); per-row results are in *out.
 */
RFP_API enum rfp_status rfp_batch_run(struct rfp_ctx *ctx, const struct rfp_catalogue *cat,
    const struct rfp_batch_options *opt, struct rfp_batch **out);
/** The rows of the run (of its shard only, with shard_n), in row order. */
RFP_API size_t rfp_batch_count(const struct rfp_batch *b);
RFP_API void rfp_batch_row(const struct rfp_batch *b, size_t i, struct rfp_batch_row *out);
RFP_API void rfp_batch_totals(const struct rfp_batch *b, size_t *ok, size_t *failed, size_t *skipped);
/**
 * The run and one JSON record per row, in row order: the tool, the
 * baseline, the shard ({"k", "n", "portfolio_rows"}, only with shard_n),
 * the counts (of the shard's rows), then per row its status (written,
 * failed, skipped, empty), the resolved type and level, items, and for a
 * written file its path and SHA-256; for a failed one the code, column and
 * message. Rows of other shards are not listed.
 */
RFP_API enum rfp_status rfp_batch_report_json(const struct rfp_batch *b, char **out, size_t *len);
RFP_API void rfp_batch_free(struct rfp_batch *b);

/* ---- Returned annexes: rfpgen review ------------------------------- */

/* A bidder's answer to one checklist item. OTHER: something that is none
 * of the four (see the item's answer text). */
enum rfp_reply { RFP_REPLY_NONE, RFP_REPLY_MEETS, RFP_REPLY_PARTIAL, RFP_REPLY_FAILS,
	RFP_REPLY_NA, RFP_REPLY_OTHER };
#define RFP_REPLY_COUNT 6

/* What is wrong with one item of a returned annex (docs/review.md). */
enum rfp_review_flag {
	RFP_REVIEW_UNANSWERED = 1u << 0,	/* no answer chosen */
	RFP_REVIEW_INVALID = 1u << 1,		/* an answer that is none of the four,
						 * or several */
	RFP_REVIEW_NO_NOTE = 1u << 2,		/* 不符合 or 部分符合 without 說明 */
	RFP_REVIEW_NO_PAGES = 1u << 3,		/* 符合 without 佐證頁次 */
	RFP_REVIEW_ALTERED = 1u << 4,		/* the requirement text was changed */
	RFP_REVIEW_DELETED = 1u << 5,		/* the item's row is gone */
	RFP_REVIEW_TYPED = 1u << 6,		/* answer read from text typed outside
						 * the control (the typed-answer rule) */
	RFP_REVIEW_CONFLICT = 1u << 7,		/* typed text says otherwise than the
						 * control */
	RFP_REVIEW_DUPLICATE = 1u << 8,		/* the item's row is there twice */
};

struct rfp_review;

/**
 * Reads an annex a bidder returned (.docx or .odt), with the limits and
 * checks of templates: the issued-annex manifest rfpgen put into it, the
 * answers in its checklist controls, and its checklist text. With original
 * (the issued annex, read by this function before), the original's manifest
 * is the reference and the returned file's own, if any, is compared with it.
 * A file that is not an rfpgen annex, or whose manifest is lost when no
 * original is given, is an error (RFP-REVIEW-*). *out is freed with
 * rfp_review_free().
 */
RFP_API enum rfp_status rfp_review_read(struct rfp_ctx *ctx, const char *path,
    const struct rfp_review *original, struct rfp_review **out);
RFP_API void rfp_review_free(struct rfp_review *r);

struct rfp_review_summary {
	const char *file;
	const char *format;		/* "docx" or "odt" */
	const char *manifest;		/* where the manifest was read: a part, or
					 * "--against FILE" */
	const char *tool, *catalogue, *type, *level, *conditions, *date;	/* as issued */
	const char *services, *agency_level;	/* as issued: the services' names
					 * joined by spaces and A-E, or "" */
	const char *digest;		/* the manifest against its recorded SHA-256:
					 * "verified", "absent" or "mismatch" */
	size_t items;			/* items issued */
	size_t counts[RFP_REPLY_COUNT];	/* items by answer (enum rfp_reply) */
	size_t unanswered;		/* NONE, OTHER or DELETED */
	size_t altered, deleted, added, typed, no_note, no_pages;
	size_t problems;		/* rfp_review_problem_count() */
	bool complete;			/* every item answered, no text altered,
					 * no row added or deleted */
};
RFP_API void rfp_review_summary(const struct rfp_review *r, struct rfp_review_summary *out);

/* One issued item and what the returned file says about it; the strings
 * live as long as the review. */
struct rfp_review_item {
	const char *id, *no, *measure, *text;	/* as issued */
	enum rfp_reply reply;
	const char *answer;		/* the answer as the file shows it, or "" */
	const char *note, *pages;	/* 說明, 佐證頁次, or "" */
	const char *returned_text;	/* the row's requirement text, when altered */
	const char *diff;		/* issued → returned, [-removed-]{+added+} */
	unsigned flags;			/* enum rfp_review_flag bits */
};
RFP_API size_t rfp_review_count(const struct rfp_review *r);
RFP_API void rfp_review_item(const struct rfp_review *r, size_t i, struct rfp_review_item *out);

/* One finding, in document order of the items, then the file's own. */
struct rfp_review_problem {
	const char *code;		/* stable: unanswered, invalid-answer, no-note,
					 * no-pages, altered, deleted, added, duplicate,
					 * typed, typed-conflict, manifest-edited,
					 * manifest-mismatch, controls-unnamed,
					 * manifest-copy (docs/review.md) */
	const char *no, *id;		/* the item's, or "" for the file */
	const char *message;		/* zh-TW, for the committee */
	bool blocking;			/* makes the review incomplete */
};
RFP_API size_t rfp_review_problem_count(const struct rfp_review *r);
RFP_API void rfp_review_problem(const struct rfp_review *r, size_t i,
    struct rfp_review_problem *out);

/**
 * The reviews of n returned files as a report: text (the terminal
 * summary: counts per answer and the problems), JSON, CSV (one row per
 * item and file) or Markdown. *out is malloc'd.
 */
RFP_API enum rfp_status rfp_review_report(const struct rfp_review *const *r, size_t n,
    enum rfp_export_format fmt, char **out, size_t *len);

enum rfp_matrix_format { RFP_MATRIX_CSV, RFP_MATRIX_XLSX };
/**
 * The bidder matrix: a row per issued item, a column per file (the
 * bidder, named after the file), each cell the answer and its problems.
 * CSV cells are never formulas; the XLSX has a frozen header and marks
 * 不符合 and 未答 in colour. mtime dates the workbook. *out is malloc'd.
 */
RFP_API enum rfp_status rfp_review_matrix(struct rfp_ctx *ctx, const struct rfp_review *const *r,
    size_t n, enum rfp_matrix_format fmt, int64_t mtime, char **out, size_t *len);

/**
 * The 審查意見表 of n reviews, rendered with the template engine from a
 * review template (.docx or .odt; the shipped one is templates/review.docx
 * or review.odt in the data directory): per bidder the counts and a row
 * per item with its answer, 說明, 佐證頁次 and the problems found.
 */
RFP_API enum rfp_status rfp_review_render(struct rfp_ctx *ctx, const char *template_path,
    const struct rfp_review *const *r, size_t n, const char *generator, int64_t mtime,
    struct rfp_output *out);

#ifdef __cplusplus
}
#endif
#endif
