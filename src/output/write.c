/* SPDX-License-Identifier: MIT */
/*
 * Atomic file output: a temporary file beside the target, written in full,
 * flushed to disk, then renamed over the target. A failure at any step
 * (disk full, read-only directory) removes the temporary file, so a reader
 * sees the old file or the complete new one, never a partial annex.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output/write.h"
#include "util/buf.h"

static enum rfp_status
write_all(int fd, const unsigned char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return RFP_ERR_IO;
		}
		p += n;
		len -= (size_t)n;
	}
	return RFP_OK;
}

static const char *
io_hint(int err)
{
	switch (err) {
	case ENOSPC: case EDQUOT: return "free some disk space and run again";
	case EACCES: case EPERM: case EROFS: return "choose a directory you can write to";
	case ENOENT: case ENOTDIR: return "create the output directory first";
	case EISDIR: return "give a file name, not a directory";
	default: return NULL;
	}
}

static enum rfp_status
write_special(struct rfp_ctx *ctx, const char *path, const void *data, size_t len)
{
	struct rfp_where w = { .file = path };
	int fd = open(path, O_WRONLY | O_NOCTTY), err;

	if (fd < 0 || write_all(fd, data, len) != RFP_OK) {
		err = errno;
		if (fd >= 0)
			close(fd);
		rfp_diag(ctx, RFP_ERROR, "RFP-IO-WRITE", &w, io_hint(err),
		    "cannot write: %s", strerror(err));
		return RFP_ERR_IO;
	}
	if (close(fd) != 0) {
		err = errno;
		rfp_diag(ctx, RFP_ERROR, "RFP-IO-WRITE", &w, io_hint(err),
		    "cannot write: %s", strerror(err));
		return RFP_ERR_IO;
	}
	return RFP_OK;
}

enum rfp_status
rfp_output_write(struct rfp_ctx *ctx, const char *path, const void *data, size_t len,
    bool sync)
{
	struct rfp_where w = { .file = path };
	struct rfp_buf tmp = RFP_BUF_INIT(8192);
	const char *slash;
	struct stat sb;
	char real[PATH_MAX];
	int fd = -1, err;
	enum rfp_status st = RFP_ERR_IO;

	if (!ctx || !path || (!data && len))
		return RFP_ERR_USAGE;
	if (path[0] == '-' && path[1] == '\0') {
		if (write_all(STDOUT_FILENO, data, len) != RFP_OK) {
			rfp_diag(ctx, RFP_ERROR, "RFP-IO-WRITE", &w, NULL,
			    "cannot write to standard output: %s", strerror(errno));
			return RFP_ERR_IO;
		}
		return RFP_OK;
	}
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		rfp_diag(ctx, RFP_ERROR, "RFP-IO-WRITE", &w, io_hint(EISDIR),
		    "output path is a directory");
		return RFP_ERR_IO;
	}
	/* A device or pipe (/dev/stdout, a FIFO, /dev/full) is written in
	 * place: renaming over it would replace the device itself. */
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
		return write_special(ctx, path, data, len);
	/* Through a symbolic link, replace the file it names, not the link. */
	if (lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode) && realpath(path, real)) {
		path = real;
		w.file = real;
	}
	slash = strrchr(path, '/');
	if (slash)
		rfp_buf_addf(&tmp, "%.*s/.%s.XXXXXX", (int)(slash - path), path, slash + 1);
	else
		rfp_buf_addf(&tmp, ".%s.XXXXXX", path);
	if (tmp.err)
		return tmp.err;
	fd = mkstemp(tmp.ptr);
	if (fd < 0) {
		err = errno;
		rfp_diag(ctx, RFP_ERROR, "RFP-IO-WRITE", &w, io_hint(err),
		    "cannot create a file in the output directory: %s", strerror(err));
		goto out;
	}
	if (write_all(fd, data, len) != RFP_OK || (sync && fsync(fd) != 0)) {
		err = errno;
		rfp_diag(ctx, RFP_ERROR, "RFP-IO-WRITE", &w, io_hint(err),
		    "cannot write: %s", strerror(err));
		goto out;
	}
	/* mkstemp creates 0600; an annex is an ordinary document. */
	if (fchmod(fd, 0644) != 0 || close(fd) != 0) {
		fd = -1;
		err = errno;
		rfp_diag(ctx, RFP_ERROR, "RFP-IO-WRITE", &w, io_hint(err),
		    "cannot finish writing: %s", strerror(err));
		goto out;
	}
	fd = -1;
	if (rename(tmp.ptr, path) != 0) {
		err = errno;
		rfp_diag(ctx, RFP_ERROR, "RFP-IO-WRITE", &w, io_hint(err),
		    "cannot move the finished file into place: %s", strerror(err));
		goto out;
	}
	st = RFP_OK;
out:
	if (fd >= 0)
		close(fd);
	if (st && tmp.len)
		unlink(tmp.ptr);
	rfp_buf_fini(&tmp);
	return st;
}

enum rfp_status
rfp_write_file(struct rfp_ctx *ctx, const char *path, const void *data, size_t len)
{
	return rfp_output_write(ctx, path, data, len, true);
}
