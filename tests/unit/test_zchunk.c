/* SPDX-License-Identifier: MIT */
/*
 * Chunked deflate: every stream inflates to its input with the right CRC,
 * and the bytes do not depend on what the cache holds.
 */
#include "testutil.h"

#include <zlib.h>

#include "pkg/zchunk.h"

#define DOC_LEN (300u << 10)

/* A document-like input: repeated markup around varying CJK text, so that
 * it cuts into several chunks and compresses like an annex. */
static unsigned char *
make_doc(size_t len, uint32_t seed)
{
	static const char *const words[] = { "資通系統", "廠商應", "存取控制", "備份",
		"<w:p><w:r><w:t>", "</w:t></w:r></w:p>", "驗收方式：", "日誌" };
	unsigned char *d = malloc(len);
	size_t n = 0;

	assert_non_null(d);
	while (n < len) {
		const char *w;
		size_t wl;

		seed = seed * 1103515245u + 12345u;
		w = words[(seed >> 16) % 8];
		wl = strlen(w);
		if (wl > len - n)
			wl = len - n;
		memcpy(d + n, w, wl);
		n += wl;
	}
	return d;
}

static unsigned char *
make_noise(size_t len)
{
	unsigned char *d = malloc(len);
	uint32_t s = 7;

	assert_non_null(d);
	for (size_t i = 0; i < len; i++) {
		s ^= s << 13;
		s ^= s >> 17;
		s ^= s << 5;
		d[i] = (unsigned char)s;
	}
	return d;
}

/* Compresses in with c, checks that it inflates back with the right CRC,
 * and returns the compressed bytes. */
static struct rfp_buf
deflate_checked(struct rfp_zchunk_cache *c, const unsigned char *in, size_t len)
{
	struct rfp_buf out = RFP_BUF_INIT(1u << 26);
	unsigned char *back = malloc(len + 1);
	z_stream z = { 0 }, inf = { 0 };
	uint32_t crc = 1;

	assert_non_null(back);
	assert_int_equal(deflateInit2(&z, 3, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
	assert_int_equal(rfp_zchunk_deflate(c, &z, in, len, &out, &crc), RFP_OK);
	deflateEnd(&z);
	assert_int_equal(crc, (uint32_t)crc32(0, in, (uInt)len));

	assert_int_equal(inflateInit2(&inf, -15), Z_OK);
	inf.next_in = (Bytef *)out.ptr;
	inf.avail_in = (uInt)out.len;
	inf.next_out = back;
	inf.avail_out = (uInt)len + 1;
	assert_int_equal(inflate(&inf, Z_FINISH), Z_STREAM_END);
	assert_int_equal(inf.total_out, len);
	assert_int_equal(inf.avail_in, 0);	/* nothing after the final block */
	inflateEnd(&inf);
	assert_memory_equal(back, in, len);
	free(back);
	return out;
}

static void
test_round_trip(void **state)
{
	struct rfp_zchunk_cache *c = rfp_zchunk_cache_new(0);
	unsigned char *doc = make_doc(DOC_LEN, 1), *noise = make_noise(DOC_LEN);
	const size_t lens[] = { 0, 1, 5, 16u << 10, (16u << 10) + 1, 200000, DOC_LEN };
	uint64_t hits, misses;

	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		struct rfp_buf a = deflate_checked(c, doc, lens[i]);
		struct rfp_buf b = deflate_checked(c, noise, lens[i]);

		rfp_buf_fini(&a);
		rfp_buf_fini(&b);
	}
	rfp_zchunk_stats(c, &hits, &misses);
	assert_int_equal(hits, 0);	/* a cache of size 0 keeps nothing */
	assert_true(misses > 20);	/* the large inputs were cut into chunks */
	free(doc);
	free(noise);
	rfp_zchunk_cache_free(c);
}

/* Cold, warm and disabled caches give the same bytes; a change near the
 * start costs one chunk, not the document. */
static void
test_cache_same_bytes(void **state)
{
	struct rfp_zchunk_cache *none = rfp_zchunk_cache_new(0);
	struct rfp_zchunk_cache *c = rfp_zchunk_cache_new(4u << 20);
	unsigned char *doc = make_doc(DOC_LEN, 2), *other = make_doc(DOC_LEN, 2);
	struct rfp_buf ref, ref2, got;
	uint64_t hits, misses, h0, m0;

	memcpy(other + 100, "範例機關第二列", strlen("範例機關第二列"));
	ref = deflate_checked(none, doc, DOC_LEN);
	ref2 = deflate_checked(none, other, DOC_LEN);
	/* Seen once, then admitted, then served. */
	for (int pass = 0; pass < 3; pass++) {
		got = deflate_checked(c, doc, DOC_LEN);
		assert_int_equal(got.len, ref.len);
		assert_memory_equal(got.ptr, ref.ptr, ref.len);
		rfp_buf_fini(&got);
	}
	rfp_zchunk_stats(c, &h0, &m0);
	assert_true(h0 >= 5);
	assert_int_equal(m0, 2 * h0);

	got = deflate_checked(c, other, DOC_LEN);
	assert_int_equal(got.len, ref2.len);
	assert_memory_equal(got.ptr, ref2.ptr, ref2.len);
	rfp_buf_fini(&got);
	rfp_zchunk_stats(c, &hits, &misses);
	assert_int_equal(misses, m0 + 1);
	assert_int_equal(hits, h0 + h0 - 1);

	rfp_buf_fini(&ref);
	rfp_buf_fini(&ref2);
	free(doc);
	free(other);
	rfp_zchunk_cache_free(c);
	rfp_zchunk_cache_free(none);
}

/* A cache too small for any chunk never serves one. */
static void
test_cache_limit(void **state)
{
	struct rfp_zchunk_cache *c = rfp_zchunk_cache_new(1024);
	unsigned char *doc = make_doc(DOC_LEN, 3);
	uint64_t hits, misses;

	for (int pass = 0; pass < 3; pass++) {
		struct rfp_buf got = deflate_checked(c, doc, DOC_LEN);

		rfp_buf_fini(&got);
	}
	rfp_zchunk_stats(c, &hits, &misses);
	assert_int_equal(hits, 0);
	free(doc);
	rfp_zchunk_cache_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_cache_same_bytes),
		cmocka_unit_test(test_cache_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
