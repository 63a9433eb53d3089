/* SPDX-License-Identifier: MIT */
/*
 * The byte buffer every emitter in rfpgen appends to (see buf.h for the
 * invariants). Growth doubles, so appending n bytes costs amortised O(n).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

/* Read-only: a write through an empty buffer faults at once. */
const char rfp_buf_empty_[1];

void
rfp_buf_init(struct rfp_buf *b, size_t max)
{
	*b = (struct rfp_buf)RFP_BUF_INIT(max);
}

void
rfp_buf_fini(struct rfp_buf *b)
{
	if (b->cap)
		free(b->ptr);
	rfp_buf_init(b, b->max);
}

void
rfp_buf_reset(struct rfp_buf *b)
{
	b->len = 0;
	b->err = RFP_OK;
	/* An empty buffer points at a shared, read-only "": never write it
	 * (threads share it, and TSan sees the write). */
	if (b->cap)
		b->ptr[0] = '\0';
}

int
rfp_buf_grow(struct rfp_buf *b, size_t n)
{
	size_t need, cap;
	char *p;

	if (b->err)
		return 0;
	if (n > b->max || b->len > b->max - n) {
		b->err = RFP_ERR_LIMIT;
		return 0;
	}
	need = b->len + n + 1;
	if (need <= b->cap)
		return 1;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->cap ? b->ptr : NULL, cap);
	if (!p) {
		b->err = RFP_ERR_NOMEM;
		return 0;
	}
	if (!b->cap)
		p[0] = '\0';
	b->ptr = p;
	b->cap = cap;
	return 1;
}

void
rfp_buf_add(struct rfp_buf *b, const void *data, size_t n)
{
	if (!n || !rfp_buf_grow(b, n))
		return;
	memcpy(b->ptr + b->len, data, n);
	b->len += n;
	b->ptr[b->len] = '\0';
}

void
rfp_buf_adds(struct rfp_buf *b, const char *s)
{
	rfp_buf_add(b, s, strlen(s));
}

void
rfp_buf_addc(struct rfp_buf *b, char c)
{
	rfp_buf_add(b, &c, 1);
}

void
rfp_buf_vaddf(struct rfp_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	if (b->err)
		return;
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		b->err = RFP_ERR_USAGE;
		return;
	}
	if (!rfp_buf_grow(b, (size_t)n))
		return;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
rfp_buf_addf(struct rfp_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rfp_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

enum rfp_status
rfp_buf_take(struct rfp_buf *b, char **out, size_t *len)
{
	enum rfp_status st = b->err;

	if (st) {
		rfp_buf_fini(b);
		return st;
	}
	*out = rfp_buf_detach(b, len);
	return *out ? RFP_OK : RFP_ERR_NOMEM;
}

char *
rfp_vstrfmt(const char *fmt, va_list ap)
{
	struct rfp_buf b = RFP_BUF_INIT(1u << 20);

	rfp_buf_vaddf(&b, fmt, ap);
	if (b.err) {
		rfp_buf_fini(&b);
		return NULL;
	}
	return rfp_buf_detach(&b, NULL);
}

char *
rfp_strfmt(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = rfp_vstrfmt(fmt, ap);
	va_end(ap);
	return s;
}

char *
rfp_buf_detach(struct rfp_buf *b, size_t *len)
{
	char *p;

	if (len)
		*len = b->len;
	if (!b->cap) {
		p = malloc(1);
		if (p)
			p[0] = '\0';
	} else {
		p = b->ptr;
	}
	rfp_buf_init(b, b->max);
	return p;
}
