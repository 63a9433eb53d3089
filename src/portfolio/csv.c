/* SPDX-License-Identifier: MIT */
/*
 * The CSV reader of the portfolio module: RFC 4180 files as Excel and
 * LibreOffice write them, in UTF-8 (with or without a BOM) or in the CP950
 * (Big5) code page that Traditional Chinese Windows still uses by default.
 *
 * The records are split on the raw bytes and each field is decoded on its
 * own. That is safe for both encodings, because every byte that structures a
 * CSV file (quote, comma, CR, LF) is below 0x40, and neither a UTF-8
 * continuation byte nor a Big5 trail byte (0x40-0x7E, 0xA1-0xFE) is. It
 * also means a decoding error is known by its field and its place in the
 * original file, which is what the user has to look at.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "portfolio/sheet.h"
#include "portfolio/sheet_impl.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/text.h"
#include "util/xml.h"

/* Defined in sheet.c; see the note there on why they are declared here. */

/* One field as found in the raw bytes, before decoding. */
struct field {
	size_t start, end;	/* content, without the enclosing quotes */
	bool quoted;
	unsigned line;		/* line of data[start] */
	size_t line_start;	/* offset of the first byte of that line */
	size_t col;		/* 1-based field number in its record */
};

struct reader {
	struct rfp_ctx *ctx;
	const char *path;
	const unsigned char *data;
	size_t len;
	const char *encoding;	/* iconv name, or NULL for UTF-8 */
	bool detected;		/* encoding chosen by rfpgen, not the caller */
	iconv_t cd;		/* per call: iconv state is never shared */
	struct rfp_buf out;	/* the field being decoded */
	size_t budget;		/* bytes the cells may still take in memory */
};

/* What a cell costs besides its text (its pointer, its allocation): a
 * file of commas is millions of empty cells, bounded like a workbook's. */
#define CSV_CELL_COST (sizeof(char *) + 1 + 32)

/*
 * Maps a caller's encoding name to the iconv name used and the name stored
 * in rfp_sheet.encoding. Returns false for names rfpgen does not accept.
 */
static bool
parse_encoding(const char *name, const char **iconv_name)
{
	if (strcasecmp(name, "UTF-8") == 0 || strcasecmp(name, "UTF8") == 0) {
		*iconv_name = NULL;
		return true;
	}
	if (strcasecmp(name, "CP950") == 0) {
		*iconv_name = "CP950";
		return true;
	}
	if (strcasecmp(name, "BIG5") == 0) {
		*iconv_name = "BIG5";
		return true;
	}
	return false;
}

/* Offset of the first byte that is not part of well-formed UTF-8, or len. */
static size_t
utf8_prefix(const unsigned char *s, size_t len)
{
	size_t i = 0, n;
	unsigned cp;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		n = rfp_utf8_decode(s + i, len - i, &cp);
		if (!n)
			return i;
		i += n;
	}
	return len;
}

/*
 * Reports the byte at file offset bad inside field f as undecodable: the
 * row (line where the record starts) and column (field number), plus the
 * line and byte column of the byte itself, counted in the original file.
 */
/*
 * True if the bytes before the first invalid UTF-8 sequence hold several
 * multi-byte characters: a UTF-8 file with a damaged byte, better reported
 * where the damage is than read as CP950 (whose text almost never decodes
 * as four UTF-8 characters in a row).
 */
static bool
mostly_utf8(const unsigned char *s, size_t len)
{
	size_t valid = utf8_prefix(s, len), multi = 0;

	for (size_t i = 0; i < valid; i++)
		multi += s[i] >= 0xC0;
	return multi >= 4;
}

static enum rfp_status
report_encoding(struct reader *r, const struct field *f, unsigned row_line,
    size_t bad)
{
	unsigned line = f->line;
	size_t line_start = f->line_start;

	for (size_t i = f->start; i < bad; i++) {
		if (r->data[i] == '\n') {
			line++;
			line_start = i + 1;
		}
	}
	rfp_diag(r->ctx, CSV_ENCODING,
	    &(struct rfp_where){ .file = r->path, .line = line, .col = (unsigned)f->col },
	    row_line, f->col, r->data[bad], line, bad - line_start + 1,
	    r->detected ? "UTF-8 or CP950" : r->encoding ? r->encoding : "UTF-8");
	return RFP_ERR_INVALID;
}

/* Converts the raw bytes of f with iconv into r->out. */
static enum rfp_status
convert(struct reader *r, const struct field *f, unsigned row_line)
{
	char *in = (char *)r->data + f->start;
	size_t inleft = f->end - f->start, outleft, done;
	char *outp;

	/* Each field starts in the initial shift state. */
	iconv(r->cd, NULL, NULL, NULL, NULL);
	while (inleft > 0) {
		/* A CP950 or Big5 pair never becomes more than 3 UTF-8 bytes. */
		if (!rfp_buf_grow(&r->out, inleft * 2 + 4))
			return rfp_buf_status(&r->out);
		outp = r->out.ptr + r->out.len;
		outleft = r->out.cap - r->out.len - 1;
		done = iconv(r->cd, &in, &inleft, &outp, &outleft);
		r->out.len = (size_t)(outp - r->out.ptr);
		r->out.ptr[r->out.len] = '\0';
		if (done != (size_t)-1 || errno == E2BIG)
			continue;
		/* EILSEQ, or EINVAL for a lead byte cut off by the field's end. */
		return report_encoding(r, f, row_line,
		    (size_t)((const unsigned char *)in - r->data));
	}
	return RFP_OK;
}

/* Records the first reason a row cannot be used, with its code. */
#define row_error(row, ID, ...) do { \
	if (!(row)->error) { \
		struct rfp_buf why_ = RFP_BUF_INIT(4096); \
		rfp_diag_format(&why_, ID, __VA_ARGS__); \
		(row)->error = rfp_buf_detach(&why_, NULL); \
	} \
} while (0)

/*
 * Decodes field f into UTF-8, undoes the quoting ("" is one quote; CRLF
 * inside quotes becomes LF, as a spreadsheet cell has it), checks that the
 * text is made of XML characters, and appends it to row.
 */
static enum rfp_status
add_field(struct reader *r, struct rfp_sheet_row *row, const struct field *f)
{
	enum rfp_status st;
	size_t n, bad, j = 0;
	unsigned cp, line;
	char *s;

	rfp_buf_reset(&r->out);
	if (r->encoding) {
		if ((st = convert(r, f, row->line)) != RFP_OK)
			return st;
	} else {
		n = utf8_prefix(r->data + f->start, f->end - f->start);
		if (n != f->end - f->start)
			return report_encoding(r, f, row->line, f->start + n);
		rfp_buf_add(&r->out, r->data + f->start, n);
	}
	if ((st = rfp_buf_status(&r->out)) != RFP_OK)
		return st;
	s = r->out.ptr;
	n = r->out.len;
	if (f->quoted) {
		for (size_t i = 0; i < n; i++) {
			if ((s[i] == '"' && i + 1 < n && s[i + 1] == '"') ||
			    (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n'))
				i++;
			s[j++] = s[i];
		}
		/* Only a shorter cell is written: an empty one may be the shared,
		 * read-only "" of an unallocated buffer (buf.h). */
		if (j != n) {
			n = j;
			s[n] = '\0';
			r->out.len = n;
		}
	}
	/* A bad cell fails its row, not the file: the batch goes on. */
	if (!rfp_text_check(s, n, &bad)) {
		line = f->line;
		for (size_t i = 0; i < bad; i++)
			line += s[i] == '\n';
		if (!rfp_utf8_decode((const unsigned char *)s + bad, n - bad, &cp))
			cp = (unsigned char)s[bad];
		row_error(row, CSV_CHAR, f->col, line, cp);
		n = 0;
	} else if (n > r->ctx->limits.max_field_bytes) {
		row_error(row, LIMIT_FIELD, (size_t)row->line, f->col, r->ctx->limits.max_field_bytes);
		n = 0;
	}
	if (!n) {
		rfp_buf_reset(&r->out);
		s = r->out.ptr;
	}
	if (n + CSV_CELL_COST > r->budget) {
		rfp_diag(r->ctx, LIMIT_SHEET, &(struct rfp_where){ .file = r->path, .line = row->line,
		    .col = (unsigned)f->col }, (size_t)row->line, f->col, 2 * r->ctx->limits.max_file_bytes);
		return RFP_ERR_LIMIT;
	}
	r->budget -= n + CSV_CELL_COST;
	/* The cell's own size, and the buffer kept for the next: a detached
	 * buffer's capacity made a 10,000-row sheet five times its file. */
	if (!(s = malloc(n + 1)))
		return RFP_ERR_NOMEM;
	memcpy(s, r->out.ptr, n);
	s[n] = '\0';
	rfp_buf_reset(&r->out);
	return rfp_sheet_add_cell(r->ctx, r->path, row, row->line, s, n);
}

/*
 * Splits the raw bytes into records and fields and fills sheet. Empty lines
 * between records are skipped; a record's line is where it starts.
 */
static enum rfp_status
parse(struct reader *r, struct rfp_sheet *sheet)
{
	const unsigned char *d = r->data;
	size_t pos = 0, len = r->len, line_start = 0;
	unsigned line = 1;
	struct rfp_sheet_row *row;
	struct field f;
	enum rfp_status st;

	while (pos < len) {
		if (d[pos] == '\n' || d[pos] == '\r') {
			pos += d[pos] == '\r' && pos + 1 < len && d[pos + 1] == '\n' ? 2 : 1;
			line++;
			line_start = pos;
			continue;
		}
		if ((st = rfp_sheet_add_row(r->ctx, r->path, sheet, line)) != RFP_OK)
			return st;
		row = &sheet->rows[sheet->nrows - 1];
		for (f.col = 1;; f.col++) {
			f.line = line;
			f.line_start = line_start;
			f.quoted = pos < len && d[pos] == '"';
			if (f.quoted) {
				f.start = ++pos;
				for (;;) {
					if (pos >= len) {
						rfp_diag(r->ctx, CSV_QUOTE, &(struct rfp_where){ .file = r->path,
						    .line = f.line, .col = (unsigned)f.col }, row->line, f.col);
						return RFP_ERR_INVALID;
					}
					if (d[pos] == '"') {
						if (pos + 1 < len && d[pos + 1] == '"') {
							pos += 2;
							continue;
						}
						break;
					}
					if (d[pos] == '\n') {
						line++;
						line_start = pos + 1;
					}
					pos++;
				}
				f.end = pos++;
				if (pos < len && d[pos] != ',' && d[pos] != '\r' && d[pos] != '\n') {
					rfp_diag(r->ctx, CSV_QUOTE_TEXT,
					    &(struct rfp_where){ .file = r->path, .line = line,
					    .col = (unsigned)f.col }, row->line, f.col);
					return RFP_ERR_INVALID;
				}
			} else {
				/* A quote inside an unquoted field is kept, as Excel does. */
				f.start = pos;
				while (pos < len && d[pos] != ',' && d[pos] != '\r' && d[pos] != '\n')
					pos++;
				f.end = pos;
			}
			if ((st = add_field(r, row, &f)) != RFP_OK)
				return st;
			if (pos < len && d[pos] == ',') {
				pos++;
				continue;
			}
			if (pos < len) {
				pos += d[pos] == '\r' && pos + 1 < len && d[pos + 1] == '\n' ? 2 : 1;
				line++;
				line_start = pos;
			}
			break;
		}
	}
	return RFP_OK;
}

/* Checks the caller's encoding name (NULL: detect), reporting an unknown one. */
static enum rfp_status
check_encoding(struct rfp_ctx *ctx, const char *path, const char *encoding,
    const char **iconv_name)
{
	*iconv_name = NULL;
	if (encoding && !parse_encoding(encoding, iconv_name)) {
		rfp_diag(ctx, CSV_ENCODING_NAME, &(struct rfp_where){ .file = path }, encoding);
		return RFP_ERR_USAGE;
	}
	return RFP_OK;
}

enum rfp_status
rfp_sheet_parse_csv(struct rfp_ctx *ctx, const char *path, const char *encoding,
    const char *data, size_t len, struct rfp_sheet *out)
{
	/*
	 * The decoding buffer needs no limit of its own: a field is at most
	 * the file, whose size is limited, and rfp_sheet_add_cell() applies the
	 * field limit with a message that names the cell.
	 */
	struct reader r = { .ctx = ctx, .path = path, .cd = (iconv_t)-1,
		.out = RFP_BUF_INIT(SIZE_MAX / 4),
		.budget = ctx->limits.max_file_bytes > SIZE_MAX / 2 ? SIZE_MAX :
		    2 * ctx->limits.max_file_bytes };
	struct rfp_sheet sheet = { 0 };
	enum rfp_status st;
	bool bom;

	if ((st = check_encoding(ctx, path, encoding, &r.encoding)) != RFP_OK)
		return st;
	r.data = (const unsigned char *)data;
	r.len = len;
	bom = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0;
	/*
	 * A BOM declares UTF-8, so invalid bytes after one are reported as
	 * such instead of being read as CP950. Without one, a file that is
	 * valid UTF-8 throughout is taken as UTF-8: CP950 text of any length
	 * almost never is.
	 */
	if (!encoding && !bom && utf8_prefix(r.data, len) != len && !mostly_utf8(r.data, len)) {
		r.encoding = "CP950";
		r.detected = true;
	}
	if (!r.encoding && bom) {
		r.data += 3;
		r.len -= 3;
	}
	sheet.encoding = strdup(r.encoding ? r.encoding : "UTF-8");
	if (!sheet.encoding) {
		st = RFP_ERR_NOMEM;
		goto out;
	}
	if (r.encoding) {
		r.cd = iconv_open("UTF-8", r.encoding);
		if (r.cd == (iconv_t)-1) {
			rfp_diag(ctx, CSV_ICONV, &(struct rfp_where){ .file = path }, r.encoding);
			st = RFP_ERR_USAGE;
			goto out;
		}
	}
	if ((st = parse(&r, &sheet)) != RFP_OK)
		goto out;
	*out = sheet;
	sheet = (struct rfp_sheet){ 0 };
out:
	if (r.cd != (iconv_t)-1)
		iconv_close(r.cd);
	rfp_buf_fini(&r.out);
	rfp_sheet_fini(&sheet);
	return st;
}

enum rfp_status
rfp_sheet_read_csv(struct rfp_ctx *ctx, const char *path, const char *encoding,
    struct rfp_sheet *out)
{
	const char *iconv_name;
	enum rfp_status st;
	char *data = NULL;
	size_t len = 0;

	if ((st = check_encoding(ctx, path, encoding, &iconv_name)) != RFP_OK)
		return st;
	if ((st = rfp_read_file(ctx, path, ctx->limits.max_file_bytes, &data, &len)) != RFP_OK)
		return st;
	st = rfp_sheet_parse_csv(ctx, path, encoding, data, len, out);
	free(data);
	return st;
}
