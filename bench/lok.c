/* SPDX-License-Identifier: MIT */
/*
 * bench/lok: LibreOfficeKit in-process, the way rfpgen would use it if it
 * did: lok_init_2 with a private profile once, then documentLoad and saveAs
 * PDF/A-2b N times in the same process. Prints the start-up, the first
 * conversion and each warm one, in seconds, and the peak RSS. Built and run
 * by bench/pdf when the LibreOfficeKit headers are installed (Debian's
 * libreofficekit-dev); rfpgen itself does not use LibreOfficeKit
 * (bench/README.md, "PDF"). With a fifth argument, the soffice program,
 * each warm conversion is followed by one `soffice --convert-to` of the
 * same document on a new profile, timed the same way: pairs taken under
 * the same load of a shared machine.
 * Usage: lok DOCUMENT OUTDIR N PROFILE_DIR [SOFFICE]
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <LibreOfficeKit/LibreOfficeKitInit.h>
#include <LibreOfficeKit/LibreOfficeKit.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static double
child_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_CHILDREN, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	const char *opts = "{\"SelectPdfVersion\":{\"type\":\"long\",\"value\":\"2\"}}";
	char url[4200], out[4200];
	struct rusage ru;
	FILE *res;
	double t0, t1, c0;
	int n, fd;
	LibreOfficeKit *k;

	if ((argc != 5 && argc != 6) || (n = atoi(argv[3])) < 1) {
		fprintf(stderr, "usage: lok DOCUMENT OUTDIR N PROFILE_DIR [SOFFICE]\n");
		return 2;
	}
	/* LibreOfficeKit prints on standard output: the figures go to a copy. */
	if ((fd = dup(1)) < 0 || !(res = fdopen(fd, "w")))
		return 1;
	freopen("/dev/null", "w", stdout);
	snprintf(url, sizeof(url), "file://%s", argv[4]);
	t0 = now();
	c0 = cpu();
	if (!(k = lok_init_2("/usr/lib/libreoffice/program", url))) {
		fprintf(stderr, "lok_init_2 failed\n");
		return 1;
	}
	t1 = now();
	fprintf(res, "init %.3f cpu %.3f\n", t1 - t0, cpu() - c0);
	for (int i = 0; i < n; i++) {
		double a = now(), ca = cpu(), b, c;
		LibreOfficeKitDocument *d = k->pClass->documentLoad(k, argv[1]);

		if (!d) {
			fprintf(stderr, "documentLoad: %s\n", k->pClass->getError(k));
			return 1;
		}
		b = now();
		snprintf(out, sizeof(out), "%s/lok-%d.pdf", argv[2], i);
		if (!d->pClass->saveAs(d, out, "pdf", opts)) {
			fprintf(stderr, "saveAs: %s\n", k->pClass->getError(k));
			return 1;
		}
		c = now();
		d->pClass->destroy(d);
		fprintf(res, "conversion %d %.3f cpu %.3f (load %.3f, save %.3f)\n", i + 1, now() - a,
		    cpu() - ca, b - a, c - b);
		fflush(res);
		if (argc == 6 && i > 0) {
			char env[4300], outdir[4200];
			double sa = now(), sc = child_cpu();
			int status = 0;
			pid_t pid;

			snprintf(env, sizeof(env), "-env:UserInstallation=file://%s/soffice-%d", argv[2], i);
			snprintf(outdir, sizeof(outdir), "%s/soffice-%d", argv[2], i);
			if ((pid = fork()) == 0) {
				char *av[] = { argv[5], env, "--headless", "--convert-to",
					"pdf:writer_pdf_Export:{\"SelectPdfVersion\":{\"type\":\"long\",\"value\":\"2\"}}",
					"--outdir", outdir, argv[1], NULL };

				freopen("/dev/null", "w", stderr);
				execv(argv[5], av);
				_exit(127);
			}
			waitpid(pid, &status, 0);
			fprintf(res, "soffice %d %.3f cpu %.3f status %d\n", i + 1, now() - sa,
			    child_cpu() - sc, status);
			fflush(res);
		}
	}
	getrusage(RUSAGE_SELF, &ru);
	fprintf(res, "peak_rss_mb %.0f\n", (double)ru.ru_maxrss / 1024);
	fflush(res);
	/* destroy() can hang on some versions; the figures are out. */
	_exit(0);
}
