/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: a portfolio's rows mapped to jobs (batch --check). The input
 * is a flag byte and a portfolio CSV file; rfp_batch_run() reads it, maps
 * the header and every row (type, level or impact, conditions, set:
 * columns, output name and format, template) with the real catalogue, and
 * in check-only mode selects every row and writes nothing. The report must
 * be valid JSON, and every name a row would write must be one file inside
 * out_dir that any disk takes as one:
 *
 *   out_dir/NAME, NAME one path component: not empty, not . or .., no /
 *   or \, no control character, none of <>:"|?*, valid UTF-8, no leading
 *   dot, no trailing dot or space, not a Windows device (CON, PRN, AUX,
 *   NUL, CONIN$, CONOUT$, COM1-9, COM¹-³, LPT1-9, LPT¹-³, with any
 *   extension, with spaces before the dot), ending in .docx/.dotx/.odt/
 *   .ott/.fodt/.pdf (also for an output cell ".odt"), at most 255 bytes;
 *   and no two names the same without case, ASCII or Unicode lower-casing
 *   (Ä.docx, ä.docx). These were the open findings 2-5 (README.md), all
 *   fixed.
 *
 * The flag byte: bit 0 --type default (系統發展; bit 6 維運服務), bit 1
 * --level default (中), bit 2 --format given, bit 3 that format ODT, bit 4
 * --template (the docx or, with bit 3, the odt), bit 5 --shard 1/2, bit 6
 * with bit 5 --shard 2/2 instead, bit 7 --agency/--project/--set defaults.
 *
 * A template cell naming anything but a plain name (with '/' or '\') is
 * not opened: the run gets --template, so that no input makes the target
 * read a device or a pipe.
 */
#include <glob.h>
#include <locale.h>
#include <strings.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wctype.h>

#include "catalogue/catalogue.h"
#include "portfolio/sheet.h"
#include "portfolio/sheet_impl.h"

#include "fuzz.h"
#include "fuzz_check.h"

static struct rfp_catalogue *cat;
static char dir[64], csv_path[96], out_dir[96], docx_path[96], odt_path[96];
static locale_t utf8;
/* The portfolio, rewritten for each input: a memfd when there is one (no
 * file system work), else a file in dir. */
static int csv_fd = -1;

static void
cleanup(void)
{
	if (strncmp(csv_path, "/proc/", 6) != 0)
		unlink(csv_path);
	unlink(docx_path);
	unlink(odt_path);
	rmdir(dir);
}

/*
 * The smallest templates of each format, written at start: the run loads
 * its templates anew each time, and the shipped ones would cost most of
 * the time of an input (fuzz_package and fuzz_part fuzz templates).
 */
static const char *const docx_parts[][2] = {
	{ "[Content_Types].xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
	    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
	    "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
	    "</Types>" },
	{ "_rels/.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>"
	    "</Relationships>" },
	{ "word/document.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	    "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>"
	    "<w:p><w:r><w:t>{{agency}} {{project}} {{item_count}}{{#checklist}}{{no}}{{/checklist}}</w:t></w:r></w:p>"
	    "</w:body></w:document>" },
};

static const char *const odt_parts[][2] = {
	{ "mimetype", "application/vnd.oasis.opendocument.text" },
	{ "META-INF/manifest.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	    "<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\">"
	    "<manifest:file-entry manifest:full-path=\"/\" manifest:version=\"1.2\" manifest:media-type=\"application/vnd.oasis.opendocument.text\"/>"
	    "<manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>"
	    "</manifest:manifest>" },
	{ "content.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	    "<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
	    "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">"
	    "<office:body><office:text><text:p>{{agency}} {{project}} {{item_count}}{{#checklist}}{{no}}{{/checklist}}</text:p>"
	    "</office:text></office:body></office:document-content>" },
};

static void
write_template(const char *path, const char *const (*parts)[2], size_t n)
{
	struct rfp_pkg_writer *w = rfp_pkg_writer_new(0, 0);
	unsigned char *zip = NULL;
	size_t len = 0;
	FILE *f;

	if (!w)
		abort();
	for (size_t i = 0; i < n; i++)
		if (rfp_pkg_writer_add(w, parts[i][0], parts[i][1], strlen(parts[i][1]),
		    strcmp(parts[i][0], "mimetype") == 0) != RFP_OK)
			abort();
	if (rfp_pkg_writer_finish(w, &zip, &len) != RFP_OK || !(f = fopen(path, "wb")) ||
	    fwrite(zip, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "fuzz_rows: cannot write %s\n", path);
		abort();
	}
	free(zip);
	rfp_pkg_writer_free(w);
}

static void
init(void)
{
	const char *paths[64];
	struct rfp_ctx *ctx;
	size_t n = 0, sink = 0;
	glob_t g;

	if (cat)
		return;
	if (!(ctx = rfp_ctx_new()))
		abort();
	rfp_ctx_set_diag(ctx, fuzz_diag, &sink);
	paths[n++] = RFP_FUZZ_SRCDIR "/requirements/baseline-2021.xml";
	if (glob(RFP_FUZZ_SRCDIR "/requirements/module-*.xml", 0, NULL, &g) == 0)
		for (size_t i = 0; i < g.gl_pathc && n < 64; i++)
			paths[n++] = g.gl_pathv[i];
	if (rfp_catalogue_load(ctx, RFP_FUZZ_SRCDIR "/requirements/catalogue.xsd", paths, n,
	    &cat) != RFP_OK) {
		fprintf(stderr, "fuzz_rows: cannot load the catalogue from %s/requirements\n",
		    RFP_FUZZ_SRCDIR);
		abort();
	}
	globfree(&g);
	rfp_ctx_free(ctx);
	snprintf(dir, sizeof(dir), "/tmp/rfp-fuzz-rows-XXXXXX");
	if (!mkdtemp(dir)) {
		perror("fuzz_rows: mkdtemp");
		abort();
	}
#ifdef MFD_CLOEXEC
	if ((csv_fd = memfd_create("portfolio.csv", MFD_CLOEXEC)) >= 0)
		snprintf(csv_path, sizeof(csv_path), "/proc/self/fd/%d", csv_fd);
#endif
	if (csv_fd < 0) {
		snprintf(csv_path, sizeof(csv_path), "%s/portfolio.csv", dir);
		if ((csv_fd = open(csv_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
			perror("fuzz_rows: cannot make the portfolio file");
			abort();
		}
	}
	/* Never made: check-only runs write nothing. */
	snprintf(out_dir, sizeof(out_dir), "%s/out", dir);
	snprintf(docx_path, sizeof(docx_path), "%s/annex.docx", dir);
	snprintf(odt_path, sizeof(odt_path), "%s/annex.odt", dir);
	write_template(docx_path, docx_parts, sizeof(docx_parts) / sizeof(docx_parts[0]));
	write_template(odt_path, odt_parts, sizeof(odt_parts) / sizeof(odt_parts[0]));
	atexit(cleanup);
	utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

static bool
write_input(const uint8_t *data, size_t size)
{
	size_t done = 0;

	if (ftruncate(csv_fd, 0) != 0)
		return false;
	while (done < size) {
		ssize_t n = pwrite(csv_fd, data + done, size - done, (off_t)done);

		if (n <= 0)
			return false;
		done += (size_t)n;
	}
	return true;
}

/* Whether a header names the template column, in any way map_header
 * could take it (a superset: a header that holds one of the names). */
static bool
template_header(const char *h)
{
	return strcasestr(h, "template") || strstr(h, "範本");
}

/* A template cell that is not a plain file name in the working directory. */
static bool
unsafe_templates(const struct rfp_sheet *sh)
{
	if (!sh->nrows)
		return false;
	for (size_t c = 0; c < sh->rows[0].ncells; c++) {
		if (!template_header(sh->rows[0].cells[c]))
			continue;
		for (size_t r = 1; r < sh->nrows; r++)
			if (c < sh->rows[r].ncells && strpbrk(sh->rows[r].cells[c], "/\\"))
				return true;
	}
	return false;
}

/* ---- the report ------------------------------------------------------ */

struct report {
	char **would_write;
	size_t n, cap;
	size_t checked;		/* "status": "checked" */
};

static void
member(void *user, const char *key, const char *value)
{
	struct report *r = user;

	if (strcmp(key, "status") == 0 && strcmp(value, "checked") == 0)
		r->checked++;
	if (strcmp(key, "would_write") != 0)
		return;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		if (!(r->would_write = realloc(r->would_write, r->cap * sizeof(*r->would_write))))
			abort();
	}
	if (!(r->would_write[r->n++] = strdup(value)))
		abort();
}

/* ---- output names ---------------------------------------------------- */

static void
name_fail(const char *what, const char *name)
{
	fprintf(stderr, "fuzz_rows: output name \"%s\": %s\n", name, what);
	abort();
}

/* A Windows device name as documented (Naming Files, Paths, and
 * Namespaces): CON, PRN, AUX, NUL, COM1-9, LPT1-9, alone or with an
 * extension, in any case; and as Win32 also takes them: spaces before the
 * dot ignored (RtlIsDosDeviceName does), CONIN$ and CONOUT$, COM and LPT
 * with a superscript 1, 2 or 3. */
static bool
device(const char *n)
{
	static const char *const dev[] = { "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$" };
	static const char *const sup[] = { "\xC2\xB9", "\xC2\xB2", "\xC2\xB3" };
	size_t len = strcspn(n, ".");

	while (len && n[len - 1] == ' ')
		len--;
	for (size_t i = 0; i < sizeof(dev) / sizeof(dev[0]); i++)
		if (len == strlen(dev[i]) && strncasecmp(n, dev[i], len) == 0)
			return true;
	if (len >= 4 && (strncasecmp(n, "COM", 3) == 0 || strncasecmp(n, "LPT", 3) == 0)) {
		if (len == 4 && n[3] >= '1' && n[3] <= '9')
			return true;
		for (size_t i = 0; i < 3; i++)
			if (len == 5 && memcmp(n + 3, sup[i], 2) == 0)
				return true;
	}
	return false;
}

/* An extension (with its dot) that names a format batch writes (.pdf: the
 * row's document converted, output/pdf.c). */
static bool
document_ext(const char *ext)
{
	return ext && (strcasecmp(ext, ".docx") == 0 || strcasecmp(ext, ".dotx") == 0 ||
	    strcasecmp(ext, ".odt") == 0 || strcasecmp(ext, ".ott") == 0 ||
	    strcasecmp(ext, ".fodt") == 0 || strcasecmp(ext, ".pdf") == 0);
}

static void
check_name(const char *path)
{
	size_t dl = strlen(out_dir), len;
	const char *name;

	if (strncmp(path, out_dir, dl) != 0 || path[dl] != '/')
		name_fail("not inside out_dir", path);
	name = path + dl + 1;
	len = strlen(name);
	if (!len)
		name_fail("empty", path);
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		name_fail("a directory", name);
	if (strpbrk(name, "/\\"))
		name_fail("more than one path component", name);
	if (strpbrk(name, "<>:\"|?*"))
		name_fail("a character Windows refuses", name);
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7F)
			name_fail("a control character", name);
	if (!fz_utf8_valid(name, len))
		name_fail("not UTF-8", name);
	if (name[0] == '.')
		name_fail("a leading dot", name);
	if (name[len - 1] == '.' || name[len - 1] == ' ')
		name_fail("a trailing dot or space", name);
	if (device(name))
		name_fail("a Windows device name (also CONIN$, COM\xC2\xB9, spaces before the dot)",
		    name);
	/* Fixed finding 5: a name no file system takes (NAME_MAX, and 255
	 * UTF-16 units on NTFS) once passed --check and failed the run. */
	if (len > 255)
		name_fail("longer than a file name may be (255 bytes)", name);
	/* Fixed finding 2: the name ".odt" was written as "_odt". */
	if (!document_ext(strrchr(name, '.')))
		name_fail("not a document extension", name);
}

static int
cmp_ascii(const void *a, const void *b)
{
	return strcasecmp(*(char *const *)a, *(char *const *)b);
}

static int
cmp_bytes(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* name lower-cased code point by code point (towlower in C.UTF-8). */
static char *
folded(const char *name)
{
	struct fz_str s = { 0 };
	size_t n = strlen(name), k;
	uint32_t cp;

	fz_str_add(&s, "", 0);
	for (size_t i = 0; i < n; i += k) {
		if (!(k = fz_utf8_decode((const unsigned char *)name + i, n - i, &cp)))
			abort();	/* check_name saw it valid */
		fz_str_utf8(&s, utf8 ? (uint32_t)towlower_l((wint_t)cp, utf8) : cp);
	}
	return s.p;
}

static void
check_unique(char **names, size_t n)
{
	char **f;

	if (n < 2)
		return;
	qsort(names, n, sizeof(*names), cmp_ascii);
	for (size_t i = 1; i < n; i++)
		if (strcasecmp(names[i - 1], names[i]) == 0) {
			fprintf(stderr, "fuzz_rows: two rows would write %s and %s\n", names[i - 1],
			    names[i]);
			abort();
		}
	/* Fixed finding 3: NTFS folds the case of all of Unicode. */
	if (!utf8)
		return;
	if (!(f = calloc(n, sizeof(*f))))
		abort();
	for (size_t i = 0; i < n; i++)
		f[i] = folded(names[i]);
	qsort(f, n, sizeof(*f), cmp_bytes);
	for (size_t i = 1; i < n; i++)
		if (strcmp(f[i - 1], f[i]) == 0) {
			fprintf(stderr, "fuzz_rows: two rows would write names that are one without "
			    "case: %s\n", f[i]);
			abort();
		}
	for (size_t i = 0; i < n; i++)
		free(f[i]);
	free(f);
}

static void
check_run(const struct rfp_batch *b, size_t *sink)
{
	struct report rep = { 0 };
	size_t n = rfp_batch_count(b), checked = 0, ok, failed, skipped, len;
	char *json;

	for (size_t i = 0; i < n; i++) {
		struct rfp_batch_row row;

		rfp_batch_row(b, i, &row);
		if (!row.system_id || !row.output || !row.code || !row.column || !row.message ||
		    !row.hint || !row.sha256 || row.status > RFP_ROW_CHECKED) {
			fprintf(stderr, "fuzz_rows: row %zu has a NULL string or a bad status\n", i);
			abort();
		}
		*sink += strlen(row.system_id) + strlen(row.message) + strlen(row.hint) +
		    strlen(row.column);
		if (row.status == RFP_ROW_OK || *row.output || *row.sha256) {
			fprintf(stderr, "fuzz_rows: row %zu (line %u) was written in a check-only run\n",
			    i, row.line);
			abort();
		}
		if (row.status == RFP_ROW_FAILED && (!*row.code || !*row.message)) {
			fprintf(stderr, "fuzz_rows: row %zu (line %u) failed without a code or a "
			    "message\n", i, row.line);
			abort();
		}
		checked += row.status == RFP_ROW_CHECKED;
	}
	rfp_batch_totals(b, &ok, &failed, &skipped);
	if (ok != checked) {
		fprintf(stderr, "fuzz_rows: totals say %zu ok, the rows %zu checked\n", ok, checked);
		abort();
	}
	if (rfp_batch_report_json(b, &json, &len) != RFP_OK)
		return;
	if (strlen(json) != len) {
		fprintf(stderr, "fuzz_rows: report length %zu, strlen %zu\n", len, strlen(json));
		abort();
	}
	if (getenv("RFP_FUZZ_VERBOSE"))
		fwrite(json, 1, len, stderr);
	fz_json_check(json, len, member, &rep);
	free(json);
	if (rep.checked != checked || rep.n != checked) {
		fprintf(stderr, "fuzz_rows: %zu rows checked, the report %zu checked with %zu "
		    "would_write\n", checked, rep.checked, rep.n);
		abort();
	}
	for (size_t i = 0; i < rep.n; i++)
		check_name(rep.would_write[i]);
	check_unique(rep.would_write, rep.n);
	for (size_t i = 0; i < rep.n; i++)
		free(rep.would_write[i]);
	free(rep.would_write);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const ignore[] = { "備註", "note" };
	struct rfp_param_value set = { NULL, "=12, \"x\"" };
	struct rfp_request def = { 0 };
	struct rfp_batch_options opt;
	struct rfp_sheet sheet = { 0 };
	struct rfp_batch *b = NULL;
	struct rfp_ctx *ctx;
	size_t sink = 0;
	uint8_t flags;
	bool unsafe;

	if (size < 1 || size > (1u << 20))
		return 0;
	init();
	flags = data[0];
	if (!(ctx = fuzz_ctx(&sink)))
		return 0;
	/* What the batch will read: no run if it does not read. */
	if (rfp_sheet_parse_csv(ctx, "fuzz.csv", NULL, (const char *)data + 1, size - 1,
	    &sheet) != RFP_OK) {
		rfp_ctx_free(ctx);
		return 0;
	}
	unsafe = unsafe_templates(&sheet);
	rfp_sheet_fini(&sheet);
	if (!write_input(data + 1, size - 1)) {
		perror("fuzz_rows: cannot write the portfolio");
		abort();
	}
	def.type = flags & 0x40 ? RFP_TYPE_OPERATIONS : RFP_TYPE_DEVELOPMENT;
	def.level = RFP_LEVEL_MODERATE;
	if (flags & 0x80) {
		def.agency = "測試機關";
		def.project = "專案 <&>";
		/* --set: the catalogue's first parameter. */
		set.name = cat->nparams ? cat->params[0]->id : "none";
		def.params = &set;
		def.nparams = 1;
	}
	opt = (struct rfp_batch_options){ .portfolio = csv_path, .out_dir = out_dir,
	    .default_docx = docx_path, .default_odt = odt_path,
	    .format = flags & 0x08 ? RFP_FORMAT_ODT : RFP_FORMAT_DOCX,
	    .format_given = flags & 0x04,
	    .defaults = &def,
	    .defaults_set = (flags & 0x01 ? RFP_DEFAULT_TYPE : 0) |
	        (flags & 0x02 ? RFP_DEFAULT_LEVEL : 0),
	    .ignore_columns = ignore, .nignore_columns = 2,
	    .jobs = 1, .check_only = true,
	    .shard_k = flags & 0x20 ? (flags & 0x40 ? 2 : 1) : 0,
	    .shard_n = flags & 0x20 ? 2 : 0,
	    .generator = "rfpgen-fuzz", .date = "2026-12-03", .mtime = 0 };
	if (flags & 0x10 || unsafe)
		opt.template_path = flags & 0x08 ? opt.default_odt : opt.default_docx;
	if (rfp_batch_run(ctx, cat, &opt, &b) == RFP_OK) {
		check_run(b, &sink);
		rfp_batch_free(b);
	}
	rfp_ctx_free(ctx);
	return 0;
}
