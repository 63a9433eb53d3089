/* SPDX-License-Identifier: MIT */
/*
 * PDF through LibreOffice: the annex rendered as DOCX or ODT, converted by
 * `soffice --headless --convert-to pdf` run as a child process.
 *
 * Every conversion works in a private temporary directory (mkdtemp, 0700)
 * that is removed afterwards, whatever happens: the document is written
 * there, LibreOffice writes the PDF beside it, and its output goes to a log
 * there. LibreOffice is started without a shell (posix_spawn with an argv),
 * in a process group of its own, with standard input from /dev/null, and
 * with a user profile of its own: two LibreOffice processes on one profile
 * would hand each other their work, and the user's own profile is never
 * touched. A profile is kept warm for the next conversion of the same
 * converter (its first start costs about half a second more) and removed
 * with the converter. A conversion that outlasts its timeout, or that a
 * signal interrupts, is killed with its whole process group.
 *
 * LibreOfficeKit (in-process) was measured against this and not taken
 * (bench/README.md, "PDF"): cold it is slower, warm it saves 0.5-0.9 s of
 * CPU of a four-second conversion; it can start once per process only,
 * prints on standard output, installs signal handlers of its own, and
 * serialises every conversion of a process.
 *
 * LibreOffice 7.4 ignores SOURCE_DATE_EPOCH: it writes the time of the
 * conversion into the PDF. With SOURCE_DATE_EPOCH set, rfp_pdf_fix_dates()
 * (pdf_dates.c) puts that time in its place, so that the PDF is
 * reproducible (docs/pdf.md).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "output/pdf.h"
#include "util/buf.h"
#include "util/ctx.h"
#include "util/file.h"
#include "util/text.h"

extern char **environ;

#define DEFAULT_TIMEOUT_MS 120000u
#define MAX_IDLE_PROFILES 16
#define POLL_NS 20000000L	/* 20 ms between looks at the child */

struct rfp_pdf {
	enum rfp_pdf_standard standard;
	unsigned timeout_ms;
	const volatile int *stop;
	char program[PATH_MAX];
	char tmp[PATH_MAX];		/* where the private directories go */
	pthread_mutex_t lock;		/* guards idle and running */
	pthread_cond_t turn;		/* a process ended */
	char *idle[MAX_IDLE_PROFILES];	/* warm profiles no conversion uses */
	size_t nidle;
	unsigned running, max_running;	/* LibreOffice processes; 0: no cap */
};

bool
rfp_pdf_standard_parse(const char *s, enum rfp_pdf_standard *out)
{
	static const char *const a2b[] = { "pdfa-2b", "pdf/a-2b", "a-2b", "pdfa2b", "pdfa" };

	if (!s || !out)
		return false;
	for (size_t i = 0; i < sizeof(a2b) / sizeof(a2b[0]); i++)
		if (strcasecmp(s, a2b[i]) == 0) {
			*out = RFP_PDF_A2B;
			return true;
		}
	if (strcasecmp(s, "none") == 0 || strcasecmp(s, "pdf") == 0) {
		*out = RFP_PDF_NONE;
		return true;
	}
	return false;
}

static bool
executable_file(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && access(path, X_OK) == 0;
}

/* name as given when it has a slash, else the first on $PATH. */
static bool
find_program(const char *name, char out[PATH_MAX])
{
	const char *path = getenv("PATH"), *p, *end;

	if (!*name)
		return false;
	if (strchr(name, '/')) {
		if (strlen(name) >= PATH_MAX || !executable_file(name))
			return false;
		strcpy(out, name);
		return true;
	}
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; *p; p = *end ? end + 1 : end) {
		int n;

		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		n = snprintf(out, PATH_MAX, "%.*s%s%s", (int)(end - p), p, end > p ? "/" : "./", name);
		if (n > 0 && n < PATH_MAX && executable_file(out))
			return true;
	}
	return false;
}

enum rfp_status
rfp_pdf_new(struct rfp_ctx *ctx, const struct rfp_pdf_options *opt, struct rfp_pdf **out)
{
	const char *want = opt && opt->soffice ? opt->soffice : getenv("RFPGEN_SOFFICE");
	const char *tmp = getenv("TMPDIR"), *secs = getenv("RFPGEN_PDF_TIMEOUT");
	struct rfp_pdf *pdf;

	if (!ctx || !out)
		return RFP_ERR_USAGE;
	if (!(pdf = calloc(1, sizeof(*pdf))))
		return RFP_ERR_NOMEM;
	if (want && *want ? !find_program(want, pdf->program) :
	    !find_program("soffice", pdf->program) && !find_program("libreoffice", pdf->program)) {
		free(pdf);
		return rfp_diag(ctx, PDF_MISSING, NULL, want && *want ? want : "soffice");
	}
	pdf->standard = opt ? opt->standard : RFP_PDF_A2B;
	pdf->timeout_ms = opt && opt->timeout_ms ? opt->timeout_ms : DEFAULT_TIMEOUT_MS;
	/* RFPGEN_PDF_TIMEOUT=SECONDS, for a slow machine (or a test). */
	if ((!opt || !opt->timeout_ms) && secs && atoi(secs) > 0 && atoi(secs) <= 86400)
		pdf->timeout_ms = (unsigned)atoi(secs) * 1000u;
	pdf->stop = opt ? opt->stop : NULL;
	pdf->max_running = opt ? opt->max_processes : 0;
	snprintf(pdf->tmp, sizeof(pdf->tmp), "%s",
	    tmp && tmp[0] == '/' && strlen(tmp) < PATH_MAX - 64 ? tmp : "/tmp");
	pthread_mutex_init(&pdf->lock, NULL);
	pthread_cond_init(&pdf->turn, NULL);
	*out = pdf;
	return RFP_OK;
}

static int
remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	remove(path);
	return 0;
}

/* Removes a private directory and all in it, never following a link. */
static void
remove_tree(const char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void
rfp_pdf_free(struct rfp_pdf *pdf)
{
	if (!pdf)
		return;
	for (size_t i = 0; i < pdf->nidle; i++) {
		remove_tree(pdf->idle[i]);
		free(pdf->idle[i]);
	}
	pthread_cond_destroy(&pdf->turn);
	pthread_mutex_destroy(&pdf->lock);
	free(pdf);
}

/*
 * A turn to run LibreOffice (at most max_running at once) and a warm
 * profile no other conversion uses, or a new empty directory. NULL with
 * *stopped when the run was stopped while waiting.
 */
static char *
take_profile(struct rfp_pdf *pdf, bool *stopped)
{
	char *dir = NULL;

	pthread_mutex_lock(&pdf->lock);
	while (pdf->max_running && pdf->running >= pdf->max_running) {
		struct timespec t;

		if (pdf->stop && *pdf->stop) {
			pthread_mutex_unlock(&pdf->lock);
			*stopped = true;
			return NULL;
		}
		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_nsec += 100000000L;
		if (t.tv_nsec >= 1000000000L) {
			t.tv_sec++;
			t.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&pdf->turn, &pdf->lock, &t);
	}
	pdf->running++;
	if (pdf->nidle)
		dir = pdf->idle[--pdf->nidle];
	pthread_mutex_unlock(&pdf->lock);
	if (dir)
		return dir;
	if ((dir = rfp_strfmt("%s/rfpgen-lo-XXXXXX", pdf->tmp)) && !mkdtemp(dir)) {
		free(dir);
		dir = NULL;
	}
	if (!dir) {
		pthread_mutex_lock(&pdf->lock);
		pdf->running--;
		pthread_cond_signal(&pdf->turn);
		pthread_mutex_unlock(&pdf->lock);
	}
	return dir;
}

/* Ends a turn. A profile whose LibreOffice ended normally is kept; one
 * that was killed may be half written and is removed. */
static void
give_profile(struct rfp_pdf *pdf, char *dir, bool keep)
{
	if (!dir)
		return;
	pthread_mutex_lock(&pdf->lock);
	pdf->running--;
	pthread_cond_signal(&pdf->turn);
	if (keep && pdf->nidle < MAX_IDLE_PROFILES) {
		pdf->idle[pdf->nidle++] = dir;
		dir = NULL;
	}
	pthread_mutex_unlock(&pdf->lock);
	if (dir) {
		remove_tree(dir);
		free(dir);
	}
}

/* file:// and the path, every byte outside [A-Za-z0-9/._~-] as %XX. */
static void
file_url(struct rfp_buf *b, const char *path)
{
	rfp_buf_adds(b, "file://");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("/._~-", *p))
			rfp_buf_addc(b, (char)*p);
		else
			rfp_buf_addf(b, "%%%02X", *p);
	}
}

static bool
write_file(const char *path, const unsigned char *p, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0)
		return false;
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return false;
		}
		p += n;
		len -= (size_t)n;
	}
	return close(fd) == 0;
}

/*
 * What LibreOffice said last, for a message: its last line that reports
 * an error, else its last line other than the Java warning, cut to 300
 * bytes with control characters as spaces; "" if it said nothing.
 */
static void
last_words(const char *log, char *out, size_t outlen)
{
	char *text = NULL, *line, *save = NULL, *pick = NULL, *err = NULL;
	size_t len = 0;
	struct rfp_ctx *quiet = rfp_ctx_new();

	out[0] = '\0';
	if (!quiet || rfp_read_file(quiet, log, 1u << 20, &text, &len) != RFP_OK) {
		rfp_ctx_free(quiet);
		return;
	}
	rfp_ctx_free(quiet);
	for (line = strtok_r(text, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
		if (strstr(line, "javaldx") || strspn(line, " \t") == strlen(line))
			continue;
		pick = line;
		if (strstr(line, "Error") || strstr(line, "error"))
			err = line;
	}
	if (err)
		pick = err;
	if (pick) {
		snprintf(out, outlen, "%.300s", pick);
		for (char *c = out; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7F)
				*c = ' ';
	}
	free(text);
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000L + (now.tv_nsec - t0->tv_nsec) / 1000000L;
}

enum run_result { RUN_DONE, RUN_SPAWN, RUN_TIMEOUT, RUN_STOPPED };

/*
 * Runs argv with stdin from /dev/null and stdout and stderr into log,
 * in a process group of its own; waits for it at most timeout_ms. wait
 * holds the signals to watch for (blocked in this thread): one that
 * arrives kills the child and is returned in *sig. *status is the wait
 * status when RUN_DONE.
 */
static enum run_result
run(struct rfp_pdf *pdf, char *const argv[], const char *log, const sigset_t *wait,
    int *status, int *sig, int *err)
{
	static const int dfl[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, def;
	struct timespec t0, tick = { 0, POLL_NS };
	pid_t pid;
	int rc;

	sigemptyset(&none);
	sigemptyset(&def);
	for (size_t i = 0; i < sizeof(dfl) / sizeof(dfl[0]); i++)
		sigaddset(&def, dfl[i]);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
#endif
	posix_spawnattr_init(&at);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &def);
	rc = posix_spawn(&pid, argv[0], &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (rc != 0) {
		*err = rc;
		return RUN_SPAWN;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		enum run_result why;
		pid_t r = waitpid(pid, status, WNOHANG);
		int s;

		if (r == pid)
			return RUN_DONE;
		if (r < 0 && errno != EINTR) {
			/* SIGCHLD ignored: the child was reaped for us. */
			*status = 0;
			return RUN_DONE;
		}
		if (ms_since(&t0) > (long)pdf->timeout_ms)
			why = RUN_TIMEOUT;
		else if (rfp_stopped(pdf->stop))
			why = RUN_STOPPED;
		else if ((s = sigtimedwait(wait, NULL, &tick)) > 0) {
			*sig = s;
			why = RUN_STOPPED;
		} else
			continue;
		kill(-pid, SIGKILL);
		while (waitpid(pid, status, 0) < 0 && errno == EINTR)
			;
		return why;
	}
}

static bool
is_pdf(const char *data, size_t len)
{
	return len > 8 && memcmp(data, "%PDF-", 5) == 0;
}

/* SOURCE_DATE_EPOCH as a whole number of seconds, or false. */
static bool
source_date_epoch(int64_t *t)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long v;

	if (!s || !*s)
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < 0 || v > 253402300799LL)
		return false;
	*t = v;
	return true;
}

enum rfp_status
rfp_pdf_convert(struct rfp_pdf *pdf, struct rfp_ctx *ctx, const struct rfp_output *doc,
    enum rfp_format fmt, struct rfp_output *out)
{
	static const int held[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	const char *ext = fmt == RFP_FORMAT_ODT ? "odt" : "docx";
	char work[PATH_MAX + 32], in[PATH_MAX + 64], outdir[PATH_MAX + 64], result[PATH_MAX + 64],
	    log[PATH_MAX + 64], said[512], *profile = NULL, *data = NULL;
	struct rfp_buf url = RFP_BUF_INIT(4 * PATH_MAX), conv = RFP_BUF_INIT(1024);
	struct rfp_where w = { .file = pdf ? pdf->program : NULL };
	sigset_t hold, old, wait;
	enum rfp_status st = RFP_ERR_IO;
	enum run_result rr = RUN_SPAWN;
	int status = 0, sig = 0, err = 0;
	bool made = false, stopped = false;
	size_t len = 0;
	int64_t epoch;

	if (!pdf || !ctx || !doc || !doc->data || !out)
		return RFP_ERR_USAGE;
	/* Signals wait while the temporary files exist; those the caller
	 * neither blocks nor ignores are watched for, and end the conversion. */
	sigemptyset(&hold);
	for (size_t i = 0; i < sizeof(held) / sizeof(held[0]); i++)
		sigaddset(&hold, held[i]);
	pthread_sigmask(SIG_BLOCK, &hold, &old);
	sigemptyset(&wait);
	for (size_t i = 0; i < sizeof(held) / sizeof(held[0]); i++) {
		struct sigaction sa;

		if (!sigismember(&old, held[i]) && sigaction(held[i], NULL, &sa) == 0 &&
		    sa.sa_handler != SIG_IGN)
			sigaddset(&wait, held[i]);
	}
	snprintf(work, sizeof(work), "%s/rfpgen-pdf-XXXXXX", pdf->tmp);
	if (!mkdtemp(work)) {
		err = errno;
		rfp_diag(ctx, PDF_TEMP, NULL, pdf->tmp, strerror(err));
		goto out;
	}
	made = true;
	snprintf(in, sizeof(in), "%s/annex.%s", work, ext);
	snprintf(outdir, sizeof(outdir), "%s/pdf", work);
	snprintf(result, sizeof(result), "%s/pdf/annex.pdf", work);
	snprintf(log, sizeof(log), "%s/soffice.log", work);
	if (!write_file(in, doc->data, doc->len) || mkdir(outdir, 0700) != 0) {
		err = errno;
		rfp_diag(ctx, PDF_TEMP, NULL, work, strerror(err));
		goto out;
	}
	if (!(profile = take_profile(pdf, &stopped))) {
		err = errno;
		if (stopped)
			rfp_diag(ctx, PDF_INTERRUPTED, NULL);
		else
			rfp_diag(ctx, PDF_TEMP, NULL, pdf->tmp, strerror(err ? err : ENOMEM));
		goto out;
	}
	rfp_buf_adds(&url, "-env:UserInstallation=");
	file_url(&url, profile);
	/* PDF/A-2b or a plain PDF, said either way: a profile remembers the
	 * export settings of its last run. JSON filter options: LibreOffice
	 * 7.4 and later. */
	rfp_buf_addf(&conv, "pdf:writer_pdf_Export:{\"SelectPdfVersion\":{\"type\":\"long\",\"value\":\"%d\"}}",
	    pdf->standard == RFP_PDF_A2B ? 2 : 0);
	if (url.err || conv.err) {
		st = RFP_ERR_NOMEM;
		goto out;
	}
	{
		char *argv[] = { pdf->program, url.ptr, "--headless", "--invisible", "--nologo",
			"--norestore", "--nodefault", "--nolockcheck", "--nofirststartwizard",
			"--convert-to", conv.ptr, "--outdir", outdir, in, NULL };

		rr = run(pdf, argv, log, &wait, &status, &sig, &err);
	}
	switch (rr) {
	case RUN_SPAWN:
		rfp_diag(ctx, PDF_CONVERT, &w, strerror(err));
		goto out;
	case RUN_TIMEOUT:
		st = rfp_diag(ctx, PDF_TIMEOUT, &w, (pdf->timeout_ms + 999) / 1000);
		goto out;
	case RUN_STOPPED:
		rfp_diag(ctx, PDF_INTERRUPTED, NULL);
		goto out;
	case RUN_DONE:
		break;
	}
	last_words(log, said, sizeof(said));
	if (WIFSIGNALED(status)) {
		char m[600];

		snprintf(m, sizeof(m), "it was killed by signal %d%s%s", WTERMSIG(status),
		    *said ? ": " : "", said);
		rfp_diag(ctx, PDF_CONVERT, &w, m);
		goto out;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		char m[600];

		snprintf(m, sizeof(m), "it exited with status %d%s%s", WEXITSTATUS(status),
		    *said ? ": " : "", said);
		rfp_diag(ctx, PDF_CONVERT, &w, m);
		goto out;
	}
	/* soffice exits 0 also when it could not load or convert the file. */
	if (access(result, F_OK) != 0) {
		rfp_diag(ctx, PDF_CONVERT, &w, *said ? said : "it wrote no PDF");
		goto out;
	}
	if ((st = rfp_read_file(ctx, result, ctx->limits.max_output_bytes, &data, &len)) != RFP_OK)
		goto out;
	if (!is_pdf(data, len)) {
		st = rfp_diag(ctx, PDF_CONVERT, &w, "what it wrote is not a PDF");
		goto out;
	}
	if (source_date_epoch(&epoch)) {
		unsigned char *u = (unsigned char *)data;

		switch (rfp_pdf_fix_dates(&u, &len, epoch)) {
		case RFP_PDF_FIX_NOMEM:
			st = RFP_ERR_NOMEM;
			goto out;
		case RFP_PDF_FIX_PARTIAL:
			rfp_diag(ctx, PDF_EPOCH, NULL);
			break;
		case RFP_PDF_FIXED:
			break;
		}
		data = (char *)u;
	}
	out->data = (unsigned char *)data;
	out->len = len;
	data = NULL;
	st = RFP_OK;
out:
	give_profile(pdf, profile, rr == RUN_DONE);
	if (made)
		remove_tree(work);
	free(data);
	rfp_buf_fini(&url);
	rfp_buf_fini(&conv);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	/* The signal that ended the conversion does what it would have done,
	 * now that nothing is left behind: to the process, so that whichever
	 * thread handles it does. */
	if (sig)
		kill(getpid(), sig);
	return st;
}
