/* SPDX-License-Identifier: MIT */
/*
 * A growable byte buffer with a hard size limit and a sticky error.
 *
 * Invariants: ptr is never NULL and always NUL-terminated; len < cap unless
 * cap == 0, in which case ptr points at a shared empty string. Once an append
 * fails (out of memory, or len would exceed max), err is set, the buffer keeps
 * what it had, and later appends do nothing. Code that emits many pieces
 * appends freely and checks rfp_buf_status() once.
 */
#ifndef RFP_UTIL_BUF_H
#define RFP_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include <rfpgen/rfpgen.h>

struct rfp_buf {
	char *ptr;
	size_t len;
	size_t cap;
	size_t max;
	enum rfp_status err;
};

extern const char rfp_buf_empty_[1];
#define RFP_BUF_INIT(max_) { .ptr = (char *)rfp_buf_empty_, .max = (max_) }

void rfp_buf_init(struct rfp_buf *b, size_t max);
void rfp_buf_fini(struct rfp_buf *b);
/** len = 0 and err cleared; memory kept for reuse. */
void rfp_buf_reset(struct rfp_buf *b);
/** Makes room for n more bytes; false (and err set) if impossible. */
int rfp_buf_grow(struct rfp_buf *b, size_t n);
void rfp_buf_add(struct rfp_buf *b, const void *data, size_t n);
void rfp_buf_adds(struct rfp_buf *b, const char *s);
void rfp_buf_addc(struct rfp_buf *b, char c);
void rfp_buf_addf(struct rfp_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void rfp_buf_vaddf(struct rfp_buf *b, const char *fmt, va_list ap);
/** Takes the contents (caller frees with free()); the buffer is reset to empty. */
char *rfp_buf_detach(struct rfp_buf *b, size_t *len);
/**
 * Ends a buffer built for a caller: on success *out receives the contents
 * (malloc'd) and *len (if not NULL) its length; otherwise the buffer's
 * error is returned and nothing is written. The buffer is empty afterwards.
 */
enum rfp_status rfp_buf_take(struct rfp_buf *b, char **out, size_t *len);
/** A malloc'd formatted string, or NULL when out of memory. */
char *rfp_strfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *rfp_vstrfmt(const char *fmt, va_list ap);
static inline enum rfp_status rfp_buf_status(const struct rfp_buf *b) { return b->err; }

#endif
