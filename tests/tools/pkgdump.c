/* SPDX-License-Identifier: MIT */
/*
 * pkgdump PACKAGE: a zip package as reviewable text, for golden tests.
 * Every entry in archive order with its compression method; XML parts in
 * canonical form (C14N 1.0) with one tag per line; other parts as size and
 * CRC-32. Independent of rfpgen's own reader on purpose.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/c14n.h>
#include <libxml/parser.h>
#include <zip.h>

static void
dump_xml(const char *name, const char *buf, zip_uint64_t len)
{
	xmlDoc *doc = xmlReadMemory(buf, (int)len, name, NULL, XML_PARSE_NONET);
	xmlChar *c14n = NULL;
	int n;

	if (!doc) {
		printf("  (not well-formed)\n");
		return;
	}
	n = xmlC14NDocDumpMemory(doc, NULL, XML_C14N_1_0, NULL, 0, &c14n);
	for (int i = 0; i < n; i++) {
		putchar(c14n[i]);
		if (c14n[i] == '>' && i + 1 < n && c14n[i + 1] == '<')
			putchar('\n');
	}
	putchar('\n');
	xmlFree(c14n);
	xmlFreeDoc(doc);
}

int
main(int argc, char **argv)
{
	zip_t *za;
	int err;

	if (argc != 2) {
		fputs("usage: pkgdump PACKAGE\n", stderr);
		return 2;
	}
	za = zip_open(argv[1], ZIP_RDONLY | ZIP_CHECKCONS, &err);
	if (!za) {
		fprintf(stderr, "pkgdump: %s: not a zip package\n", argv[1]);
		return 1;
	}
	for (zip_int64_t i = 0; i < zip_get_num_entries(za, 0); i++) {
		zip_stat_t sb;
		zip_file_t *zf;
		char *buf;
		size_t nl;

		zip_stat_index(za, (zip_uint64_t)i, 0, &sb);
		nl = strlen(sb.name);
		printf("== %s (%s)\n", sb.name, sb.comp_method == ZIP_CM_STORE ? "stored" : "deflated");
		buf = malloc(sb.size + 1);
		zf = zip_fopen_index(za, (zip_uint64_t)i, 0);
		if (!buf || !zf || zip_fread(zf, buf, sb.size) != (zip_int64_t)sb.size)
			return 1;
		zip_fclose(zf);
		buf[sb.size] = '\0';
		if ((nl > 4 && strcmp(sb.name + nl - 4, ".xml") == 0) ||
		    (nl > 5 && strcmp(sb.name + nl - 5, ".rels") == 0))
			dump_xml(sb.name, buf, sb.size);
		else if (strcmp(sb.name, "mimetype") == 0)
			printf("%s\n", buf);
		else
			printf("  %llu bytes, crc32 %08x\n", (unsigned long long)sb.size, (unsigned)sb.crc);
		free(buf);
	}
	zip_close(za);
	return 0;
}
