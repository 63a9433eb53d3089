/* SPDX-License-Identifier: MIT */
/*
 * Atomic file output: a temporary file beside the target, written in full,
 * flushed to disk, then renamed over the target. A failure at any step
 * (disk full, read-only directory) removes the temporary file, so a reader
 * sees the old file or the complete new one, never a partial annex.
 *
 * Output directories may be shared (an -O folder on a file server), so the
 * target is never followed: the temporary file is created with O_EXCL and
 * O_NOFOLLOW, and the rename replaces a symbolic link at the target rather
 * than the file it points to. A new file gets 0666 less the umask, as any
 * editor would give it; a file written over keeps its mode. A directory, a
 * FIFO or a device at the target is refused: renaming over one would
 * replace it, and opening a FIFO would wait for a reader for ever.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
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
	case ENAMETOOLONG: return "choose a shorter file name";
	default: return NULL;
	}
}

/*
 * tmp = the directory of path, then ".NAME.XXXXXX" with a random suffix;
 * ".rfpgen.XXXXXX" when NAME is too long to take the extra characters.
 */
static void
temp_name(struct rfp_buf *tmp, const char *path)
{
	static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	unsigned char r[6] = { 0 };

	rfp_buf_reset(tmp);
	if (slash)
		rfp_buf_add(tmp, path, (size_t)(base - path));
	rfp_buf_addf(tmp, ".%s.", strlen(base) + 9 > NAME_MAX ? "rfpgen" : base);
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
		/* No entropy yet: O_EXCL still makes a clash an error, not a loss. */
		unsigned long x = (unsigned long)getpid() ^ (unsigned long)(uintptr_t)tmp;

		memcpy(r, &x, sizeof(r) < sizeof(x) ? sizeof(r) : sizeof(x));
	}
	for (size_t i = 0; i < sizeof(r); i++)
		rfp_buf_addc(tmp, digits[r[i] % (sizeof(digits) - 1)]);
}

/* Signals that end a command: held back while a temporary file exists, so
 * it is either renamed into place or removed before the process ends. */
static void
hold_signals(sigset_t *old)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, SIGINT);
	sigaddset(&s, SIGTERM);
	sigaddset(&s, SIGHUP);
	sigaddset(&s, SIGQUIT);
	pthread_sigmask(SIG_BLOCK, &s, old);
}

static enum rfp_status
write_stdout(struct rfp_ctx *ctx, const void *data, size_t len)
{
	if (write_all(STDOUT_FILENO, data, len) != RFP_OK) {
		int err = errno;

		return rfp_diag_hint(ctx, IO_WRITE, io_hint(err), &(struct rfp_where){ .file = "-" },
		    "write to standard output", strerror(err));
	}
	return RFP_OK;
}

enum rfp_status
rfp_output_write(struct rfp_ctx *ctx, const char *path, const void *data, size_t len,
    bool sync)
{
	struct rfp_where w = { .file = path };
	struct rfp_buf tmp = RFP_BUF_INIT(PATH_MAX + 16);
	struct stat sb;
	mode_t mode = 0666;	/* less the umask, applied by open() */
	bool keep_mode = false, created = false;
	sigset_t old;
	int fd = -1, err = 0, tries;
	enum rfp_status st = RFP_ERR_IO;

	if (!ctx || !path || (!data && len))
		return RFP_ERR_USAGE;
	if (path[0] == '-' && path[1] == '\0')
		return write_stdout(ctx, data, len);
	if (lstat(path, &sb) == 0) {
		struct stat to;

		if (S_ISDIR(sb.st_mode))
			return rfp_diag_hint(ctx, IO_WRITE, io_hint(EISDIR), &w, "write",
			    "the output path is a directory");
		/* A link to a device or a FIFO (/dev/stdout) names no file. */
		if (S_ISLNK(sb.st_mode) && stat(path, &to) == 0 && !S_ISREG(to.st_mode))
			sb = to;
		if (!S_ISREG(sb.st_mode) && !S_ISLNK(sb.st_mode))
			return rfp_diag_hint(ctx, IO_WRITE,
			    "give the name of a regular file; use '-o -' for standard output", &w,
			    "write", "the output path is a device, FIFO or socket, not a file");
		if (S_ISREG(sb.st_mode)) {
			mode = sb.st_mode & 07777;
			keep_mode = true;
		}
	}
	hold_signals(&old);
	for (tries = 0; tries < 100; tries++) {
		temp_name(&tmp, path);
		if (tmp.err) {
			err = ENAMETOOLONG;
			break;
		}
		fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC,
		    mode);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	created = fd >= 0;
	if (fd < 0) {
		err = err ? err : errno;
		rfp_diag_hint(ctx, IO_WRITE, io_hint(err), &w, "create a file in the output directory",
		    strerror(err));
		goto out;
	}
	if (write_all(fd, data, len) != RFP_OK || (sync && fsync(fd) != 0)) {
		err = errno;
		rfp_diag_hint(ctx, IO_WRITE, io_hint(err), &w, "write", strerror(err));
		goto out;
	}
	/* open() applied the umask; a file written over keeps its own mode. */
	if ((keep_mode && fchmod(fd, mode) != 0) || close(fd) != 0) {
		fd = -1;
		err = errno;
		rfp_diag_hint(ctx, IO_WRITE, io_hint(err), &w, "finish writing", strerror(err));
		goto out;
	}
	fd = -1;
	if (rename(tmp.ptr, path) != 0) {
		err = errno;
		rfp_diag_hint(ctx, IO_WRITE, io_hint(err), &w, "move the finished file into place",
		    strerror(err));
		goto out;
	}
	st = RFP_OK;
out:
	if (fd >= 0)
		close(fd);
	if (st && created)
		unlink(tmp.ptr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	rfp_buf_fini(&tmp);
	return st;
}

enum rfp_status
rfp_write_file(struct rfp_ctx *ctx, const char *path, const void *data, size_t len)
{
	return rfp_output_write(ctx, path, data, len, true);
}
