/* SPDX-License-Identifier: MIT */
/*
 * The library context: limits and the diagnostic sink. Internal modules
 * report problems through rfp_diag() (diag.h); the library never prints.
 */
#ifndef RFP_UTIL_CTX_H
#define RFP_UTIL_CTX_H

#include <rfpgen/rfpgen.h>

#include "util/buf.h"
#include "util/diag.h"

struct rfp_ctx {
	struct rfp_limits limits;
	rfp_diag_fn diag_fn;
	void *diag_data;
	unsigned errors;
	bool verify;		/* parse every rendered part again */
};

/** Where a diagnostic points; any member may be NULL/0. */
struct rfp_where {
	const char *file;
	const char *part;
	unsigned line;
	unsigned col;
};

/* Whether a stop flag (rfp_batch_options.stop, rfp_pdf_options.stop) is
 * set: it is written by a signal handler and read by worker threads, so
 * both sides use atomic accesses. */
static inline bool
rfp_stopped(const volatile int *stop)
{
	return stop && __atomic_load_n(stop, __ATOMIC_RELAXED);
}

#endif
