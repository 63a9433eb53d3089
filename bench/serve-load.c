/* SPDX-License-Identifier: MIT */
/*
 * The load client of bench/serve: N concurrent clients (libcurl easy
 * handles on one multi handle, each on a kept-alive connection) send a
 * fixed number of POST requests with a JSON body to one URL of rfpgen
 * serve on loopback, and report requests per second, latency (p50, p90,
 * p99, max), errors (any status but 200, or a body that is not a zip
 * package) and, with --pid, the server's RSS every 1000 requests and its
 * peak (VmHWM).
 *
 *   serve-load URL BODY_FILE [-c CLIENTS] [-n REQUESTS] [--rate R] [--pid PID] [--json]
 *
 * Without --rate each client sends its next request as soon as it has the
 * answer (a closed loop: the server's capacity; the latency is then the
 * number of clients over the throughput). With --rate R the requests are
 * due at R per second in all, each sent by a free client at its due time,
 * and its latency counts from that due time, so that a server falling
 * behind cannot hide it (no coordinated omission).
 * With --json an answer is right when it is 200 and JSON (/api/items).
 * In the body every "{n}" becomes the request's number, so that no two
 * documents are alike (agency and project names differ, as in bench/run's
 * portfolio).
 */
#include <curl/curl.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct client {
	CURL *h;
	struct curl_slist *headers;
	char *body;
	size_t got;
	char head[4];
	double start;
	long n;
	int busy;
};

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static size_t
sink(char *p, size_t size, size_t n, void *data)
{
	struct client *c = data;
	size_t len = size * n;

	for (size_t i = 0; i < len && c->got + i < 4; i++)
		c->head[c->got + i] = p[i];
	c->got += len;
	return len;
}

static char *
body_for(const char *tmpl, long n)
{
	size_t len = strlen(tmpl) + 64;
	char num[24], *out = malloc(len * 4), *w = out;

	if (!out)
		abort();
	snprintf(num, sizeof(num), "%ld", n);
	for (const char *p = tmpl; *p;) {
		if (strncmp(p, "{n}", 3) == 0) {
			w += sprintf(w, "%s", num);
			p += 3;
		} else {
			*w++ = *p++;
		}
	}
	*w = '\0';
	return out;
}

static long
status_kb(long pid, const char *field)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	if (!(f = fopen(path, "r")))
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, field, strlen(field)) == 0)
			kb = strtol(line + strlen(field) + 1, NULL, 10);
	fclose(f);
	return kb;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
start(CURLM *m, struct client *c, const char *url, const char *tmpl, long n, double due)
{
	free(c->body);
	c->body = body_for(tmpl, n);
	c->got = 0;
	c->n = n;
	curl_easy_setopt(c->h, CURLOPT_URL, url);
	curl_easy_setopt(c->h, CURLOPT_POSTFIELDS, c->body);
	curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, c->headers);
	curl_easy_setopt(c->h, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(c->h, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(c->h, CURLOPT_TCP_NODELAY, 1L);
	curl_easy_setopt(c->h, CURLOPT_TIMEOUT, 60L);
	c->start = due > 0 ? due : now();
	c->busy = 1;
	curl_multi_add_handle(m, c->h);
}

int
main(int argc, char **argv)
{
	const char *url = NULL, *bodyfile = NULL;
	long clients = 50, total = 10000, pid = 0, sent = 0, done = 0, errors = 0;
	int json = 0;
	double rate = 0;
	char *tmpl;
	double *lat, t0, t1;
	struct client *cs;
	long long bytes = 0;
	FILE *f;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			clients = atol(argv[++i]);
		else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			total = atol(argv[++i]);
		else if (strcmp(argv[i], "--pid") == 0 && i + 1 < argc)
			pid = atol(argv[++i]);
		else if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--rate") == 0 && i + 1 < argc)
			rate = atof(argv[++i]);
		else if (!url)
			url = argv[i];
		else
			bodyfile = argv[i];
	}
	if (!url || !bodyfile || clients < 1 || total < 1) {
		fprintf(stderr, "usage: serve-load URL BODY_FILE [-c CLIENTS] [-n REQUESTS] [--rate R] [--pid PID] [--json]\n");
		return 2;
	}
	if (!(f = fopen(bodyfile, "rb")))
		return perror(bodyfile), 2;
	tmpl = calloc(1, 1 << 20);
	if (!tmpl || fread(tmpl, 1, (1 << 20) - 1, f) == 0)
		return 2;
	fclose(f);
	if (clients > total)
		clients = total;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	CURLM *m = curl_multi_init();

	curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, clients);
	lat = calloc((size_t)total, sizeof(*lat));
	cs = calloc((size_t)clients, sizeof(*cs));
	if (!lat || !cs)
		return 1;
	t0 = now();
	for (long i = 0; i < clients; i++) {
		cs[i].h = curl_easy_init();
		cs[i].headers = curl_slist_append(NULL, "Content-Type: application/json");
		cs[i].headers = curl_slist_append(cs[i].headers, "Expect:");
		curl_easy_setopt(cs[i].h, CURLOPT_PRIVATE, &cs[i]);
		if (!rate)
			start(m, &cs[i], url, tmpl, sent++, 0);
	}
	printf("rss_series_kb:");
	while (done < total) {
		int running, left, wait_ms = 100;
		CURLMsg *msg;

		/* Paced: every request due by now goes out on a free client. */
		for (long i = 0; rate && i < clients && sent < total; i++) {
			double due = t0 + (double)sent / rate;

			if (due > now())
				break;
			if (!cs[i].busy)
				start(m, &cs[i], url, tmpl, sent++, due);
		}
		if (rate && sent < total) {
			double left_s = t0 + (double)sent / rate - now();

			wait_ms = left_s <= 0 ? 0 : left_s * 1000 < 100 ? (int)(left_s * 1000) + 1 : 100;
		}

		curl_multi_perform(m, &running);
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			struct client *c;
			long code = 0;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&c);
			curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &code);
			lat[done++] = (now() - c->start) * 1000.0;
			bytes += (long long)c->got;
			if (msg->data.result != CURLE_OK || code != 200 || c->got < 4 ||
			    (json ? c->head[0] != '{' : memcmp(c->head, "PK\3\4", 4) != 0))
				errors++;
			if (pid && done % 1000 == 0) {
				printf(" %ld", status_kb(pid, "VmRSS:"));
				fflush(stdout);
			}
			curl_multi_remove_handle(m, c->h);
			c->busy = 0;
			if (!rate && sent < total)
				start(m, c, url, tmpl, sent++, 0);
		}
		if (done < total)
			curl_multi_poll(m, NULL, 0, wait_ms, NULL);
	}
	t1 = now();
	printf("\n");
	qsort(lat, (size_t)total, sizeof(*lat), cmp);
	if (rate)
		printf("paced at %.0f requests/s (latency from each request's due time)\n", rate);
	printf("requests: %ld, clients: %ld, errors: %ld\n", total, clients, errors);
	printf("throughput: %.0f requests/s (%.2f s, %.1f MB received)\n", (double)total / (t1 - t0), t1 - t0,
	    (double)bytes / 1e6);
	printf("latency ms: p50 %.1f, p90 %.1f, p99 %.1f, max %.1f\n", lat[total / 2], lat[total * 90 / 100],
	    lat[total * 99 / 100], lat[total - 1]);
	if (pid)
		printf("server peak RSS (VmHWM): %ld KB\n", status_kb(pid, "VmHWM:"));
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	printf("client CPU: %.2f ms per request\n", ((double)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6) * 1000.0 / (double)total);
	for (long i = 0; i < clients; i++) {
		curl_easy_cleanup(cs[i].h);
		curl_slist_free_all(cs[i].headers);
		free(cs[i].body);
	}
	curl_multi_cleanup(m);
	curl_global_cleanup();
	free(lat);
	free(cs);
	free(tmpl);
	return errors ? 1 : 0;
}
