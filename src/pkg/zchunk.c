/* SPDX-License-Identifier: MIT */
/*
 * Content-defined chunking (a gear rolling hash, as in FastCDC) and the
 * chunk cache. Sizes were chosen on the 系統發展/高 annex (409 KB): an 8 KB
 * dictionary keeps the package within 1.5 % of one unbroken stream, and
 * chunks of at least 16 KB keep the cover table, which changes with every
 * row, in a small first chunk while paying for few dictionaries.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pkg/zchunk.h"

#define CHUNK_MIN (16u << 10)
#define CHUNK_MAX (128u << 10)
#define CUT_BITS 13		/* a cut every 8 KB on average past the minimum */
#define DICT_MAX (8u << 10)
#define MAX_ENTRIES 4096
#define SEEN 256		/* keys of chunks compressed once, not yet kept */

struct entry {
	uint64_t key;
	uint32_t dlen, len, csize, crc;
	uint32_t next;		/* 1 + the entry that followed it in a part, or 0 */
	bool natural;		/* cut by its own bytes (not at the part's end) */
	unsigned char *mem;	/* dictionary, chunk, then compressed bytes */
};

struct rfp_zchunk_cache {
	uint64_t gear[256];
	struct entry *e;
	size_t n, cap;
	size_t bytes, max_bytes;
	uint64_t hits, misses;
	uint64_t seen[SEEN];
	size_t seen_next;
	bool frozen;		/* read-only from now on: shared by threads */
};

static uint64_t
splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15u);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
	return z ^ (z >> 31);
}

struct rfp_zchunk_cache *
rfp_zchunk_cache_new(size_t max_bytes)
{
	struct rfp_zchunk_cache *c = calloc(1, sizeof(*c));
	uint64_t seed = 0x72667067656E;	/* fixed: cut points must not vary */

	if (!c)
		return NULL;
	for (size_t i = 0; i < 256; i++)
		c->gear[i] = splitmix64(&seed);
	c->max_bytes = max_bytes;
	return c;
}

void
rfp_zchunk_cache_free(struct rfp_zchunk_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		free(c->e[i].mem);
	free(c->e);
	free(c);
}

void
rfp_zchunk_cache_freeze(struct rfp_zchunk_cache *c)
{
	c->frozen = true;
}

void
rfp_zchunk_stats(const struct rfp_zchunk_cache *c, uint64_t *hits, uint64_t *misses)
{
	*hits = c->hits;
	*misses = c->misses;
}

/*
 * Length of the chunk that starts at p: the first position past CHUNK_MIN
 * where the top CUT_BITS of the rolling hash are zero. *h receives the hash
 * there, which depends on the chunk's last 64 bytes.
 */
static size_t
cut(const struct rfp_zchunk_cache *c, const unsigned char *p, size_t n, uint64_t *h)
{
	size_t end = n < CHUNK_MAX ? n : CHUNK_MAX;

	*h = 0;
	if (n <= CHUNK_MIN)
		return n;
	for (size_t i = CHUNK_MIN; i < end; i++) {
		*h = (*h << 1) + c->gear[p[i]];
		if ((*h >> (64 - CUT_BITS)) == 0)
			return i + 1;
	}
	return end;
}

/* A hash of every byte, for the chunks compressed once (a miss costs a
 * deflate anyway, so hashing it is cheap there). */
static uint64_t
hash(uint64_t h, const unsigned char *p, size_t n)
{
	uint64_t w;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x9E3779B97F4A7C15u;
		h ^= h >> 32;
	}
	w = n;
	memcpy(&w, p, n);
	h = (h ^ w ^ ((uint64_t)n << 59)) * 0x9E3779B97F4A7C15u;
	return h ^ (h >> 29);
}

/*
 * The key that finds candidates: lengths, the rolling hash at the cut and
 * the bytes at both ends. It is cheap because memcmp decides; hashing every
 * byte again would cost as much as the cut search.
 */
static uint64_t
key_of(uint64_t h, const unsigned char *dict, size_t dlen, const unsigned char *p, size_t len)
{
	uint64_t k = h ^ ((uint64_t)len << 32) ^ dlen, w = 0;

	memcpy(&w, p, len < 8 ? len : 8);
	k = (k ^ w) * 0x9E3779B97F4A7C15u;
	if (dlen >= 8) {
		memcpy(&w, dict + dlen - 8, 8);
		k = (k ^ w) * 0x9E3779B97F4A7C15u;
	}
	return k ^ (k >> 29);
}

static struct entry *
find(struct rfp_zchunk_cache *c, uint64_t key, const unsigned char *dict, size_t dlen,
    const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < c->n; i++) {
		struct entry *e = &c->e[i];

		if (e->key == key && e->dlen == dlen && e->len == len &&
		    memcmp(e->mem, dict, dlen) == 0 && memcmp(e->mem + dlen, p, len) == 0)
			return e;
	}
	return NULL;
}

/*
 * Keeps a chunk just compressed if it was compressed once before, while the
 * cache has room. The cover table makes every document's first chunk
 * unique; admitting only chunks seen twice keeps them out, and keeping the
 * first chunks admitted (no eviction) suits a portfolio that cycles through
 * more type/level pairs than fit. Failing to keep a chunk is not an error.
 */
/* Returns the index of the entry kept, or SIZE_MAX. */
static size_t
keep(struct rfp_zchunk_cache *c, uint64_t key, const unsigned char *dict, size_t dlen,
    const unsigned char *p, size_t len, const unsigned char *z, size_t zlen, uint32_t crc,
    bool natural)
{
	size_t size = dlen + len + zlen, i;
	uint64_t all;
	struct entry *e;

	if (c->frozen || size > c->max_bytes - c->bytes || c->n == MAX_ENTRIES)
		return SIZE_MAX;
	all = hash(hash(key, dict, dlen), p, len);
	for (i = 0; i < SEEN && c->seen[i] != all; i++)
		;
	if (i == SEEN) {
		c->seen[c->seen_next++ % SEEN] = all;
		return SIZE_MAX;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct entry *ne = realloc(c->e, cap * sizeof(*ne));

		if (!ne)
			return SIZE_MAX;
		c->e = ne;
		c->cap = cap;
	}
	e = &c->e[c->n];
	if (!(e->mem = malloc(size)))
		return SIZE_MAX;
	e->next = 0;
	e->natural = natural;
	memcpy(e->mem, dict, dlen);
	memcpy(e->mem + dlen, p, len);
	memcpy(e->mem + dlen + len, z, zlen);
	e->key = key;
	e->dlen = (uint32_t)dlen;
	e->len = (uint32_t)len;
	e->csize = (uint32_t)zlen;
	e->crc = crc;
	c->bytes += size;
	return c->n++;
}

/*
 * The entry that followed prev (an index, or SIZE_MAX) when it was seen
 * before, if it is the chunk at p: the same dictionary and the same bytes.
 * Then cutting p would give that chunk too (the cut depends only on the
 * chunk's own bytes, when it was not cut by the end of its part), so the
 * rolling hash need not run over it.
 */
static struct entry *
predicted(struct rfp_zchunk_cache *c, size_t prev, const unsigned char *dict, size_t dlen,
    const unsigned char *p, size_t n)
{
	struct entry *e;

	if (prev == SIZE_MAX || !c->e[prev].next)
		return NULL;
	e = &c->e[c->e[prev].next - 1];
	if (e->dlen != dlen || e->len > n || (!e->natural && e->len != n) ||
	    memcmp(e->mem + dlen, p, e->len) != 0 || memcmp(e->mem, dict, dlen) != 0)
		return NULL;
	return e;
}

/* Compresses one chunk, with dict as preset dictionary, ending on a byte
 * boundary and without the final-block bit. */
static enum rfp_status
compress_chunk(z_stream *z, const unsigned char *dict, size_t dlen, const unsigned char *p,
    size_t len, struct rfp_buf *out)
{
	if (deflateReset(z) != Z_OK ||
	    (dlen && deflateSetDictionary(z, dict, (uInt)dlen) != Z_OK))
		return RFP_ERR_ZIP;
	z->next_in = (Bytef *)(uintptr_t)p;
	z->avail_in = (uInt)len;
	for (;;) {
		size_t room = deflateBound(z, (uLong)len) + 64;
		int rc;

		if (!rfp_buf_grow(out, room))
			return out->err;
		z->next_out = (Bytef *)out->ptr + out->len;
		z->avail_out = (uInt)room;
		rc = deflate(z, Z_SYNC_FLUSH);
		out->len += room - z->avail_out;
		/* Z_BUF_ERROR: the flush was already complete. */
		if (rc != Z_OK && rc != Z_BUF_ERROR)
			return RFP_ERR_ZIP;
		if (z->avail_out || rc == Z_BUF_ERROR)
			return z->avail_in ? RFP_ERR_ZIP : RFP_OK;
	}
}

enum rfp_status
rfp_zchunk_deflate(struct rfp_zchunk_cache *c, z_stream *z, const void *data, size_t len,
    struct rfp_buf *out, uint32_t *crc)
{
	static const unsigned char final_block[2] = { 0x03, 0x00 };	/* fixed, empty, last */
	const unsigned char *base = data;
	uLong sum = crc32(0, NULL, 0);
	enum rfp_status st;

	if (len > UINT32_MAX)
		return RFP_ERR_LIMIT;
	/* prev: the entry of the chunk just written, if the cache has it. */
	for (size_t off = 0, prev = SIZE_MAX; off < len;) {
		const unsigned char *p = base + off;
		size_t dlen = off < DICT_MAX ? off : DICT_MAX, n;
		const unsigned char *dict = p - dlen;
		struct entry *e = c->max_bytes ? predicted(c, prev, dict, dlen, p, len - off) : NULL;
		uint64_t h, key = 0;

		if (e) {
			n = e->len;
		} else {
			n = cut(c, p, len - off, &h);
			key = key_of(h, dict, dlen, p, n);
			e = c->max_bytes ? find(c, key, dict, dlen, p, n) : NULL;
		}
		if (e) {
			size_t idx = (size_t)(e - c->e);

			if (!c->frozen) {
				c->hits++;
				if (prev != SIZE_MAX && !c->e[prev].next)
					c->e[prev].next = (uint32_t)idx + 1;
			}
			rfp_buf_add(out, e->mem + e->dlen + e->len, e->csize);
			sum = crc32_combine(sum, e->crc, (z_off_t)n);
			prev = idx;
		} else {
			size_t start = out->len, idx;
			uint32_t part = (uint32_t)crc32(0, p, (uInt)n);

			if (!c->frozen)
				c->misses++;
			if ((st = compress_chunk(z, dict, dlen, p, n, out)) != RFP_OK)
				return st;
			idx = keep(c, key, dict, dlen, p, n, (unsigned char *)out->ptr + start,
			    out->len - start, part, n < len - off);
			if (idx != SIZE_MAX && prev != SIZE_MAX && !c->e[prev].next)
				c->e[prev].next = (uint32_t)idx + 1;
			prev = idx;
			sum = crc32_combine(sum, part, (z_off_t)n);
		}
		off += n;
	}
	rfp_buf_add(out, final_block, sizeof(final_block));
	*crc = (uint32_t)sum;
	return out->err;
}
