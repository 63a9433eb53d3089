/* SPDX-License-Identifier: MIT */
/*
 * Writing a package: a small zip writer over zlib, built for producing many
 * packages fast and byte for byte the same. The caller decides the entry
 * order (DOCX wants [Content_Types].xml first, ODF wants mimetype first and
 * stored); everything else is fixed here: one timestamp computed in UTC
 * (no time-zone lookups), Unix attributes 0644, no extra fields, and one
 * deflate level. Parts that never change can be compressed once
 * (rfp_deflate) and copied into every package; rendered parts go through
 * the chunk cache (zchunk.c), so text the worker compressed for an earlier
 * package is copied too. A writer, its z_stream and its chunk cache are
 * reset, not freed, between packages (rfp_pkg_writer_reset), so a batch
 * worker allocates them once. Reading packages stays with libzip (pkg_read.c).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "pkg/pkg.h"
#include "pkg/zchunk.h"
#include "util/buf.h"

/* Chosen by measurement (bench/run): level 3 compresses the annex's
 * document part faster than level 1 and within 12% of level 6's size. */
#define DEFLATE_LEVEL 3
#define DOS_EPOCH 315532800	/* 1980-01-01T00:00:00Z: zip cannot go earlier */
#define MAX_ENTRIES 65535

struct central {
	uint32_t crc, csize, usize, offset;
	uint16_t method, flags;
	uint32_t name_off, name_len;	/* into names */
};

struct rfp_pkg_writer {
	z_stream z;
	bool z_ready;
	struct rfp_zchunk_cache *chunks;	/* rendered parts' text seen before */
	bool borrowed;			/* chunks belongs to another writer */
	uint16_t dos_time, dos_date;
	struct rfp_buf out;		/* the archive */
	struct rfp_buf names;
	struct central *cd;
	size_t ncd, capcd;
	enum rfp_status st;
};

/* ---- encoding helpers ---------------------------------------------- */

static void
put16(struct rfp_buf *b, unsigned v)
{
	unsigned char p[2] = { (unsigned char)v, (unsigned char)(v >> 8) };

	rfp_buf_add(b, p, 2);
}

static void
put32(struct rfp_buf *b, uint32_t v)
{
	unsigned char p[4] = { (unsigned char)v, (unsigned char)(v >> 8),
		(unsigned char)(v >> 16), (unsigned char)(v >> 24) };

	rfp_buf_add(b, p, 4);
}

/* MS-DOS date and time of a UTC instant, by the civil-from-days algorithm. */
static void
dos_datetime(int64_t t, uint16_t *date, uint16_t *time)
{
	int64_t days, secs, y, era, doe, yoe, doy, mp, d, m;

	if (t < DOS_EPOCH)
		t = DOS_EPOCH;
	days = t / 86400;
	secs = t % 86400;
	days += 719468;
	era = days / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	if (y > 2107)
		y = 2107;
	*date = (uint16_t)(((y - 1980) << 9) | (m << 5) | d);
	*time = (uint16_t)(((secs / 3600) << 11) | (((secs / 60) % 60) << 5) | ((secs % 60) / 2));
}

static bool
is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* Raw deflate of data, appended to b. */
static enum rfp_status
deflate_into(z_stream *z, const void *data, size_t len, struct rfp_buf *b)
{
	int rc;

	if (deflateReset(z) != Z_OK)
		return RFP_ERR_ZIP;
	z->next_in = (Bytef *)(uintptr_t)data;
	z->avail_in = (uInt)len;
	do {
		size_t room = deflateBound(z, (uLong)len) + 64;

		if (!rfp_buf_grow(b, room))
			return b->err;
		z->next_out = (Bytef *)b->ptr + b->len;
		z->avail_out = (uInt)room;
		rc = deflate(z, Z_FINISH);
		b->len += room - z->avail_out;
	} while (rc == Z_OK);
	b->ptr[b->len] = '\0';
	return rc == Z_STREAM_END ? RFP_OK : RFP_ERR_ZIP;
}

static bool
z_init(z_stream *z)
{
	memset(z, 0, sizeof(*z));
	return deflateInit2(z, DEFLATE_LEVEL, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK;
}

/* ---- precompressed parts -------------------------------------------- */

enum rfp_status
rfp_deflate(const void *data, size_t len, bool store, struct rfp_deflated *out)
{
	struct rfp_buf b = RFP_BUF_INIT(len + (len >> 3) + 1024);
	enum rfp_status st = RFP_OK;
	z_stream z;

	if (len > UINT32_MAX)
		return RFP_ERR_LIMIT;
	out->crc = (uint32_t)crc32(0, data, (uInt)len);
	out->usize = len;
	out->store = store;
	if (store) {
		rfp_buf_add(&b, data, len);
	} else {
		if (!z_init(&z))
			return RFP_ERR_NOMEM;
		st = deflate_into(&z, data, len, &b);
		deflateEnd(&z);
	}
	if (!st && b.err)
		st = b.err;
	if (st) {
		rfp_buf_fini(&b);
		return st;
	}
	out->data = (unsigned char *)rfp_buf_detach(&b, &out->csize);
	return out->data ? RFP_OK : RFP_ERR_NOMEM;
}

void
rfp_deflated_fini(struct rfp_deflated *d)
{
	free(d->data);
	*d = (struct rfp_deflated){ 0 };
}

/* ---- the writer ------------------------------------------------------ */

struct rfp_pkg_writer *
rfp_pkg_writer_new(int64_t mtime, size_t cache_bytes)
{
	struct rfp_pkg_writer *w = calloc(1, sizeof(*w));

	if (!w || !(w->chunks = rfp_zchunk_cache_new(cache_bytes))) {
		free(w);
		return NULL;
	}
	rfp_buf_init(&w->out, (size_t)UINT32_MAX - 65536);
	rfp_buf_init(&w->names, 1u << 24);
	dos_datetime(mtime, &w->dos_date, &w->dos_time);
	return w;
}

struct rfp_pkg_writer *
rfp_pkg_writer_new_shared(int64_t mtime, struct rfp_zchunk_cache *frozen)
{
	struct rfp_pkg_writer *w = rfp_pkg_writer_new(mtime, 0);

	if (w) {
		rfp_zchunk_cache_free(w->chunks);
		w->chunks = frozen;
		w->borrowed = true;
	}
	return w;
}

struct rfp_zchunk_cache *
rfp_pkg_writer_chunks(struct rfp_pkg_writer *w)
{
	return w->chunks;
}

void
rfp_pkg_writer_reset(struct rfp_pkg_writer *w, int64_t mtime)
{
	rfp_buf_reset(&w->out);
	rfp_buf_reset(&w->names);
	w->ncd = 0;
	w->st = RFP_OK;
	dos_datetime(mtime, &w->dos_date, &w->dos_time);
}

/* Appends the local header; data follows. */
static enum rfp_status
add_entry(struct rfp_pkg_writer *w, const char *name, uint16_t method, uint32_t crc,
    size_t csize, size_t usize, struct central **cdp)
{
	size_t nlen = strlen(name);
	struct central *cd;

	if (w->st)
		return w->st;
	if (w->ncd == MAX_ENTRIES || nlen > 0xFFFF || csize > UINT32_MAX || usize > UINT32_MAX ||
	    w->out.len > UINT32_MAX - 65536)
		return w->st = RFP_ERR_LIMIT;
	if (w->ncd == w->capcd) {
		size_t cap = w->capcd ? w->capcd * 2 : 32;
		struct central *p = realloc(w->cd, cap * sizeof(*p));

		if (!p)
			return w->st = RFP_ERR_NOMEM;
		w->cd = p;
		w->capcd = cap;
	}
	cd = &w->cd[w->ncd++];
	*cd = (struct central){ .crc = crc, .csize = (uint32_t)csize, .usize = (uint32_t)usize,
	    .offset = (uint32_t)w->out.len, .method = method,
	    .flags = is_ascii(name) ? 0 : 0x0800, .name_off = (uint32_t)w->names.len,
	    .name_len = (uint32_t)nlen };
	rfp_buf_add(&w->names, name, nlen);
	put32(&w->out, 0x04034b50);
	put16(&w->out, 20);
	put16(&w->out, cd->flags);
	put16(&w->out, method);
	put16(&w->out, w->dos_time);
	put16(&w->out, w->dos_date);
	put32(&w->out, crc);
	put32(&w->out, (uint32_t)csize);
	put32(&w->out, (uint32_t)usize);
	put16(&w->out, (unsigned)nlen);
	put16(&w->out, 0);
	rfp_buf_add(&w->out, name, nlen);
	*cdp = cd;
	return w->out.err ? (w->st = w->out.err) : RFP_OK;
}

/* Patches a 32-bit field of a local header written by add_entry. */
static void
patch32(struct rfp_pkg_writer *w, size_t at, uint32_t v)
{
	unsigned char *p = (unsigned char *)w->out.ptr + at;

	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

enum rfp_status
rfp_pkg_writer_add(struct rfp_pkg_writer *w, const char *name, const void *data,
    size_t len, bool store)
{
	struct central *cd;
	size_t start;
	enum rfp_status st;

	if (len > UINT32_MAX)
		return w->st = RFP_ERR_LIMIT;
	if (!store && !w->z_ready) {
		if (!z_init(&w->z))
			return w->st = RFP_ERR_NOMEM;
		w->z_ready = true;
	}
	/* CRC and size are patched in once the data is compressed. */
	if ((st = add_entry(w, name, store ? 0 : 8, store ? (uint32_t)crc32(0, data, (uInt)len) : 0,
	    0, len, &cd)) != RFP_OK)
		return st;
	start = w->out.len;
	if (store)
		rfp_buf_add(&w->out, data, len);
	else if ((st = rfp_zchunk_deflate(w->chunks, &w->z, data, len, &w->out, &cd->crc)) != RFP_OK)
		return w->st = st;
	if (w->out.err)
		return w->st = w->out.err;
	cd->csize = (uint32_t)(w->out.len - start);
	patch32(w, cd->offset + 14, cd->crc);
	patch32(w, cd->offset + 18, cd->csize);
	return RFP_OK;
}

enum rfp_status
rfp_pkg_writer_add_deflated(struct rfp_pkg_writer *w, const char *name,
    const struct rfp_deflated *d)
{
	struct central *cd;
	enum rfp_status st;

	if ((st = add_entry(w, name, d->store ? 0 : 8, d->crc, d->csize, d->usize, &cd)) != RFP_OK)
		return st;
	rfp_buf_add(&w->out, d->data, d->csize);
	return w->out.err ? (w->st = w->out.err) : RFP_OK;
}

enum rfp_status
rfp_pkg_writer_finish(struct rfp_pkg_writer *w, unsigned char **out, size_t *len)
{
	uint32_t cd_start = (uint32_t)w->out.len, cd_size;
	unsigned char *bytes;

	if (w->st)
		return w->st;
	for (size_t i = 0; i < w->ncd; i++) {
		const struct central *cd = &w->cd[i];

		put32(&w->out, 0x02014b50);
		put16(&w->out, 0x0300 | 20);	/* made by: Unix, zip 2.0 */
		put16(&w->out, 20);
		put16(&w->out, cd->flags);
		put16(&w->out, cd->method);
		put16(&w->out, w->dos_time);
		put16(&w->out, w->dos_date);
		put32(&w->out, cd->crc);
		put32(&w->out, cd->csize);
		put32(&w->out, cd->usize);
		put16(&w->out, cd->name_len);
		put16(&w->out, 0);
		put16(&w->out, 0);
		put16(&w->out, 0);
		put16(&w->out, 0);
		put32(&w->out, 0100644u << 16);
		put32(&w->out, cd->offset);
		rfp_buf_add(&w->out, w->names.ptr + cd->name_off, cd->name_len);
	}
	cd_size = (uint32_t)w->out.len - cd_start;
	put32(&w->out, 0x06054b50);
	put16(&w->out, 0);
	put16(&w->out, 0);
	put16(&w->out, (unsigned)w->ncd);
	put16(&w->out, (unsigned)w->ncd);
	put32(&w->out, cd_size);
	put32(&w->out, cd_start);
	put16(&w->out, 0);
	if (w->out.err)
		return w->st = w->out.err;
	bytes = malloc(w->out.len ? w->out.len : 1);
	if (!bytes)
		return w->st = RFP_ERR_NOMEM;
	memcpy(bytes, w->out.ptr, w->out.len);
	*out = bytes;
	*len = w->out.len;
	return RFP_OK;
}

void
rfp_pkg_writer_free(struct rfp_pkg_writer *w)
{
	if (!w)
		return;
	if (w->z_ready)
		deflateEnd(&w->z);
	if (!w->borrowed)
		rfp_zchunk_cache_free(w->chunks);
	rfp_buf_fini(&w->out);
	rfp_buf_fini(&w->names);
	free(w->cd);
	free(w);
}

void
rfp_pkg_writer_stats(const struct rfp_pkg_writer *w, uint64_t *reused, uint64_t *compressed)
{
	rfp_zchunk_stats(w->chunks, reused, compressed);
}
