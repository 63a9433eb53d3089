/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: chunked deflate (pkg/zchunk.c). Not a parser, but the one
 * place where a cache decides which bytes go into a package, so its
 * contract is checked on any input: the stream inflates to its input with
 * the right CRC, and a warm cache gives the same bytes as none.
 *
 * Input: byte 0 sets how many times the rest is repeated (so that small
 * inputs still cut into several chunks), byte 1 where a second document
 * differs from the first; the rest is the text.
 */
#include <zlib.h>

#include "pkg/zchunk.h"

#include "fuzz.h"

/* Past one chunk of the longest (128 KB) and one of the shortest (16 KB),
 * so every cut rule is reachable; no longer, as each input is deflated
 * six times (at 400 KB the target ran under 150 inputs a second). */
#define MAX_DOC (160u << 10)

static void
check(struct rfp_zchunk_cache *c, const unsigned char *in, size_t len, struct rfp_buf *out)
{
	z_stream z = { 0 }, inf = { 0 };
	unsigned char *back = malloc(len + 1);
	uint32_t crc;
	int rc;

	rfp_buf_reset(out);
	if (!back || deflateInit2(&z, 3, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	if (rfp_zchunk_deflate(c, &z, in, len, out, &crc) != RFP_OK)
		abort();
	deflateEnd(&z);
	if (crc != (uint32_t)crc32(0, in, (uInt)len) || inflateInit2(&inf, -15) != Z_OK)
		abort();
	inf.next_in = (Bytef *)out->ptr;
	inf.avail_in = (uInt)out->len;
	inf.next_out = back;
	inf.avail_out = (uInt)len + 1;
	rc = inflate(&inf, Z_FINISH);
	if (rc != Z_STREAM_END || inf.total_out != len || inf.avail_in != 0 ||
	    memcmp(back, in, len) != 0)
		abort();
	inflateEnd(&inf);
	free(back);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rfp_zchunk_cache *none, *warm;
	struct rfp_buf ref = RFP_BUF_INIT(1u << 24), got = RFP_BUF_INIT(1u << 24);
	unsigned char *doc;
	size_t len = 0, reps;

	if (size < 3)
		return 0;
	reps = (size_t)data[0] + 1;
	data += 2;
	size -= 2;
	if (!(doc = malloc(MAX_DOC)))
		return 0;
	if (size > MAX_DOC)
		size = MAX_DOC;
	while (reps-- && len + size <= MAX_DOC) {
		memcpy(doc + len, data, size);
		len += size;
	}
	none = rfp_zchunk_cache_new(0);
	warm = rfp_zchunk_cache_new(1u << 20);
	if (!none || !warm)
		abort();
	check(none, doc, len, &ref);
	for (int pass = 0; pass < 3; pass++) {
		check(warm, doc, len, &got);
		if (got.len != ref.len || memcmp(got.ptr, ref.ptr, ref.len) != 0)
			abort();
	}
	doc[(size_t)data[-1] * 1031 % len] ^= 0x20;
	check(none, doc, len, &ref);
	check(warm, doc, len, &got);
	if (got.len != ref.len || memcmp(got.ptr, ref.ptr, ref.len) != 0)
		abort();
	rfp_buf_fini(&ref);
	rfp_buf_fini(&got);
	rfp_zchunk_cache_free(none);
	rfp_zchunk_cache_free(warm);
	free(doc);
	return 0;
}
