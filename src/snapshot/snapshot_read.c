/* SPDX-License-Identifier: MIT */
/*
 * Reading a snapshot image (layout in snapshot.h) in the front executable.
 * The image was written by the same build, but every read is still
 * bounds-checked: a damaged image is an error, never a wild read.
 * Catalogue strings point into the image; template parts are copied, so a
 * snapshot template is freed like any other.
 */
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "catalogue/catalogue.h"
#include "pkg/zchunk.h"
#include "snapshot/snapshot.h"
#include "template/template.h"
#include "util/ctx.h"

#define NIL UINT32_MAX
#define MAX_ENTRIES 64

struct rd {
	const unsigned char *p, *end;
	bool bad;
};

struct src {
	const char *name;
	const unsigned char *data;
	size_t len;
};

struct snap_cat {
	const char *baseline;
	uint32_t schema;
	uint32_t nfiles;
	const unsigned char *files;	/* u32 source indices */
	struct rd body;
};

struct rfp_snapshot {
	struct src src[MAX_ENTRIES];
	size_t nsrc;
	struct snap_cat cats[MAX_ENTRIES];
	size_t ncats;
	struct {
		uint32_t source;
		struct rd body;
	} tmpls[MAX_ENTRIES];
	size_t ntmpls;
	const char *made_with_zlib;	/* the zlib the chunks were made with */
	struct rfp_zchunk_seed *seeds;
	size_t nseeds;
};

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static const unsigned char *
take(struct rd *r, size_t n)
{
	const unsigned char *p = r->p;

	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = true;
		return NULL;
	}
	r->p += n;
	return p;
}

static uint32_t
get_u32(struct rd *r)
{
	const unsigned char *p = take(r, 4);

	return p ? le32(p) : 0;
}

static uint64_t
get_u64(struct rd *r)
{
	uint64_t lo = get_u32(r);

	return lo | (uint64_t)get_u32(r) << 32;
}

static unsigned
get_u8(struct rd *r)
{
	const unsigned char *p = take(r, 1);

	return p ? *p : 0;
}

/* A blob or string: its bytes, followed in the image by a NUL. */
static const char *
get_blob(struct rd *r, size_t *len)
{
	uint32_t n = get_u32(r);
	const unsigned char *p;

	*len = 0;
	if (n == NIL || r->bad)
		return NULL;
	if (!(p = take(r, (size_t)n + 1)) || p[n] != '\0') {
		r->bad = true;
		return NULL;
	}
	*len = n;
	return (const char *)p;
}

static const char *
get_str(struct rd *r)
{
	size_t len;

	return get_blob(r, &len);
}

/* An index below n, or NIL where allowed. */
static uint32_t
get_ref(struct rd *r, size_t n, bool nullable)
{
	uint32_t v = get_u32(r);

	if ((v == NIL && nullable) || v < n)
		return v;
	r->bad = true;
	return 0;
}

void
rfp_snapshot_free(struct rfp_snapshot *s)
{
	if (!s)
		return;
	free(s->seeds);
	free(s);
}

void
rfp_snapshot_seed(const struct rfp_snapshot *s, struct rfp_ctx *ctx)
{
	if (strcmp(s->made_with_zlib, zlibVersion()) != 0)
		return;
	ctx->chunk_seeds = s->seeds;
	ctx->nchunk_seeds = s->nseeds;
}

/* A table's length: each entry takes at least min_size bytes of what is
 * left, so a damaged count cannot ask for more memory than the image. */
static uint32_t
get_count(struct rd *r, size_t min_size)
{
	uint32_t n = get_u32(r);

	if (!r->bad && n > (size_t)(r->end - r->p) / min_size)
		r->bad = true;
	return r->bad ? 0 : n;
}

/* A body blob, to be decoded on demand. */
static struct rd
body(struct rd *r)
{
	size_t len;
	const char *p = get_blob(r, &len);

	if (!p) {
		r->bad = true;
		return (struct rd){ NULL, NULL, true };
	}
	return (struct rd){ (const unsigned char *)p, (const unsigned char *)p + len, false };
}

enum rfp_status
rfp_snapshot_open(const void *img, size_t len, struct rfp_snapshot **out)
{
	struct rd r = { img, (const unsigned char *)img + len, false };
	struct rfp_snapshot *s;
	const unsigned char *magic = take(&r, sizeof(RFP_SNAPSHOT_MAGIC));
	uint32_t n;

	if (!magic || memcmp(magic, RFP_SNAPSHOT_MAGIC, sizeof(RFP_SNAPSHOT_MAGIC)) != 0 ||
	    get_u32(&r) != RFP_SNAPSHOT_VERSION)
		return RFP_ERR_INVALID;
	if (!(s = calloc(1, sizeof(*s))))
		return RFP_ERR_NOMEM;
	if ((n = get_u32(&r)) > MAX_ENTRIES)
		r.bad = true;
	for (s->nsrc = 0; !r.bad && s->nsrc < n; s->nsrc++) {
		struct src *e = &s->src[s->nsrc];

		e->name = get_str(&r);
		e->data = (const unsigned char *)get_blob(&r, &e->len);
		r.bad |= !e->name || !e->data;
	}
	if ((n = get_u32(&r)) > MAX_ENTRIES)
		r.bad = true;
	for (s->ncats = 0; !r.bad && s->ncats < n; s->ncats++) {
		struct snap_cat *c = &s->cats[s->ncats];

		c->baseline = get_str(&r);
		c->schema = get_ref(&r, s->nsrc, false);
		c->nfiles = get_u32(&r);
		if (c->nfiles > MAX_ENTRIES)
			r.bad = true;
		c->files = take(&r, (size_t)c->nfiles * 4);
		for (uint32_t k = 0; c->files && k < c->nfiles; k++)
			r.bad |= le32(c->files + 4 * k) >= s->nsrc;
		r.bad |= !c->baseline;
		c->body = body(&r);
	}
	if ((n = get_u32(&r)) > MAX_ENTRIES)
		r.bad = true;
	for (s->ntmpls = 0; !r.bad && s->ntmpls < n; s->ntmpls++) {
		s->tmpls[s->ntmpls].source = get_ref(&r, s->nsrc, false);
		s->tmpls[s->ntmpls].body = body(&r);
	}
	s->made_with_zlib = get_str(&r);
	n = get_count(&r, 21);	/* key, lengths, an empty blob */
	if (r.bad || !s->made_with_zlib || !(s->seeds = calloc(n ? n : 1, sizeof(*s->seeds))))
		r.bad = true;
	for (s->nseeds = 0; !r.bad && s->nseeds < n; s->nseeds++) {
		struct rfp_zchunk_seed *c = &s->seeds[s->nseeds];
		size_t zlen;

		c->key = get_u64(&r);
		c->dlen = get_u32(&r);
		c->len = get_u32(&r);
		c->z = (const unsigned char *)get_blob(&r, &zlen);
		c->csize = (uint32_t)zlen;
		r.bad |= !c->z;
	}
	if (r.bad || r.p != r.end) {
		rfp_snapshot_free(s);
		return RFP_ERR_INVALID;
	}
	*out = s;
	return RFP_OK;
}

/*
 * true if path is a regular file holding exactly len bytes equal to data.
 * Read in pieces and compared as it comes: a different file is noticed at
 * its size or its first differing piece.
 */
static bool
same_file(const char *path, const unsigned char *data, size_t len)
{
	unsigned char piece[65536];
	struct stat sb;
	size_t at = 0;
	bool same = false;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || (uint64_t)sb.st_size != len)
		goto out;
	while (at < len) {
		ssize_t n = read(fd, piece, sizeof(piece) < len - at ? sizeof(piece) : len - at);

		if (n <= 0 || memcmp(piece, data + at, (size_t)n) != 0)
			goto out;
		at += (size_t)n;
	}
	same = true;
out:
	close(fd);
	return same;
}

/* true if path is data_dir/NAME of source i and holds its bytes. */
static bool
is_source(const struct rfp_snapshot *s, size_t i, const char *data_dir, const char *path)
{
	size_t dl = strlen(data_dir);

	return strncmp(path, data_dir, dl) == 0 && path[dl] == '/' &&
	    strcmp(path + dl + 1, s->src[i].name) == 0 &&
	    same_file(path, s->src[i].data, s->src[i].len);
}

/* n objects of size each from the arena, and n pointers to them (malloc'd,
 * as rfp_catalogue_free() expects). */
static void *
table(struct rfp_arena *a, size_t n, size_t each, void ***ptrs)
{
	unsigned char *objs = rfp_arena_alloc(a, n ? n * each : 1);

	*ptrs = calloc(n ? n : 1, sizeof(**ptrs));
	if (!objs || !*ptrs)
		return NULL;
	for (size_t i = 0; i < n; i++)
		(*ptrs)[i] = objs + i * each;
	return objs;
}

static enum rfp_status
decode_catalogue(struct rd r, const char *const *paths, size_t npaths,
    struct rfp_catalogue **out)
{
	struct rfp_catalogue *cat = calloc(1, sizeof(*cat));
	struct rfp_family *fam;
	struct rfp_measure *mea;
	struct rfp_param *par;
	struct rfp_item *itm;
	uint32_t n;

	if (!cat)
		return RFP_ERR_NOMEM;
	if ((n = get_u32(&r)) != npaths || !(cat->files = calloc(n ? n : 1, sizeof(*cat->files))))
		goto fail;
	cat->nfiles = n;
	for (size_t i = 0; i < n; i++) {
		struct rfp_catfile *f = &cat->files[i];

		f->path = paths[i];
		f->id = get_str(&r);
		f->baseline = get_u8(&r);
		f->title = get_str(&r);
		f->legal_basis = get_str(&r);
		f->amended = get_str(&r);
		f->version = get_str(&r);
		f->notice = get_str(&r);
	}
	n = get_count(&r, 4);
	if (r.bad || !(fam = table(&cat->arena, n, sizeof(*fam), (void ***)&cat->families)))
		goto fail;
	cat->nfamilies = n;
	for (size_t i = 0; i < n; i++) {
		fam[i].id = get_str(&r);
		fam[i].name = get_str(&r);
		fam[i].sort = get_u64(&r);
		fam[i].file = &cat->files[get_ref(&r, cat->nfiles, false)];
	}
	n = get_count(&r, 4);
	if (r.bad || !(mea = table(&cat->arena, n, sizeof(*mea), (void ***)&cat->measures)))
		goto fail;
	cat->nmeasures = n;
	for (size_t i = 0; i < n; i++) {
		mea[i].id = get_str(&r);
		mea[i].name = get_str(&r);
		mea[i].sort = get_u64(&r);
		mea[i].family = &fam[get_ref(&r, cat->nfamilies, false)];
	}
	n = get_count(&r, 4);
	if (r.bad || !(par = table(&cat->arena, n, sizeof(*par), (void ***)&cat->params)))
		goto fail;
	cat->nparams = n;
	for (size_t i = 0; i < n; i++) {
		par[i].id = get_str(&r);
		par[i].label = get_str(&r);
		par[i].file = &cat->files[get_ref(&r, cat->nfiles, false)];
		for (size_t l = 0; l < 4; l++)
			par[i].defaults[l] = get_str(&r);
		par[i].line = get_u32(&r);
	}
	n = get_count(&r, 4);
	if (r.bad || !(itm = table(&cat->arena, n, sizeof(*itm), (void ***)&cat->items)))
		goto fail;
	cat->nitems = n;
	for (size_t i = 0; i < n; i++) {
		struct rfp_item *it = &itm[i];

		it->id = get_str(&r);
		it->label = get_str(&r);
		it->sort = get_u64(&r);
		it->min_level = (enum rfp_level)get_u8(&r);
		it->types = get_u32(&r);
		it->party = (enum rfp_party)get_u8(&r);
		it->modality = (enum rfp_modality)get_u8(&r);
		it->source_title = get_str(&r);
		it->clause = get_str(&r);
		it->condition = get_u32(&r);
		it->condition_name = get_str(&r);
		it->types_text = get_str(&r);
		it->text = get_str(&r);
		it->guidance = get_str(&r);
		it->verification = get_str(&r);
		it->measure = &mea[get_ref(&r, cat->nmeasures, false)];
		it->file = &cat->files[get_ref(&r, cat->nfiles, false)];
		it->line = get_u32(&r);
		r.bad |= it->min_level > RFP_LEVEL_HIGH || it->party > RFP_PARTY_SHARED ||
		    it->modality > RFP_MODALITY_MAY || !it->id || !it->text;
	}
	n = get_ref(&r, cat->nfiles, true);
	cat->baseline = n == NIL ? NULL : &cat->files[n];
	if (r.bad || r.p != r.end)
		goto fail;
	*out = cat;
	return RFP_OK;
fail:
	rfp_catalogue_free(cat);
	return r.bad ? RFP_ERR_INVALID : RFP_ERR_NOMEM;
}

enum rfp_status
rfp_snapshot_catalogue(const struct rfp_snapshot *s, const char *data_dir,
    const char *schema_path, const char *const *paths, size_t npaths,
    struct rfp_catalogue **out)
{
	for (size_t i = 0; i < s->ncats; i++) {
		const struct snap_cat *c = &s->cats[i];
		size_t k = 0;

		if (c->nfiles != npaths || !is_source(s, c->schema, data_dir, schema_path))
			continue;
		while (k < npaths && is_source(s, le32(c->files + 4 * k), data_dir, paths[k]))
			k++;
		if (k == npaths)
			return decode_catalogue(c->body, paths, npaths, out);
	}
	return RFP_ERR_UNSUPPORTED;
}

/* A copy of a blob from the image (NUL-terminated, as the library keeps
 * its part data); NULL with *st set on failure. */
static void *
copy_blob(struct rd *r, size_t *len, enum rfp_status *st)
{
	const char *p = get_blob(r, len);
	char *c;

	if (!p) {
		*st = RFP_ERR_INVALID;
		return NULL;
	}
	if (!(c = malloc(*len + 1))) {
		*st = RFP_ERR_NOMEM;
		return NULL;
	}
	memcpy(c, p, *len + 1);
	return c;
}

static enum rfp_status
decode_part(struct rd *r, struct rfp_tpart *tp)
{
	enum rfp_status st = RFP_OK;
	size_t len;

	if (!(tp->name = copy_blob(r, &len, &st)))
		return st;
	tp->store = get_u8(r);
	tp->compiled = get_u8(r);
	if (tp->compiled) {
		struct rfp_prog *p = &tp->prog;
		uint32_t n;

		p->mode = (enum rfp_part_mode)get_u8(r);
		if ((n = get_count(r, 20)) == 0 && r->bad)
			return RFP_ERR_INVALID;
		if (!(p->ops = calloc(n ? n : 1, sizeof(*p->ops))))
			return RFP_ERR_NOMEM;
		p->nops = n;
		for (size_t k = 0; k < n; k++) {
			struct rfp_op *op = &p->ops[k];

			op->kind = (uint8_t)get_u8(r);
			op->inverted = (uint8_t)get_u8(r);
			op->guard = (uint8_t)get_u8(r);
			op->restart = (uint8_t)get_u8(r);
			op->off = get_u32(r);
			op->len = get_u32(r);
			op->jump = get_u32(r);
			op->src = get_u32(r);
		}
		if (!(p->lits = copy_blob(r, &p->litlen, &st)))
			return st;
		p->ntags = (size_t)get_u64(r);
		/* The renderer trusts its program: every reference must hold. */
		for (size_t k = 0; k < n; k++) {
			const struct rfp_op *op = &p->ops[k];

			if (op->kind > RFP_OP_NUMID || (uint64_t)op->off + op->len > p->litlen ||
			    ((op->kind == RFP_OP_OPEN || op->kind == RFP_OP_CLOSE) && op->jump >= n))
				return RFP_ERR_INVALID;
		}
		return r->bad ? RFP_ERR_INVALID : RFP_OK;
	}
	if (!(tp->data = copy_blob(r, &tp->len, &st)) ||
	    !(tp->z.data = copy_blob(r, &tp->z.csize, &st)))
		return st;
	tp->z.usize = (size_t)get_u64(r);
	tp->z.crc = get_u32(r);
	tp->z.store = get_u8(r);
	return r->bad ? RFP_ERR_INVALID : RFP_OK;
}

static enum rfp_status
decode_template(struct rd r, struct rfp_template **out)
{
	struct rfp_template *t = calloc(1, sizeof(*t));
	enum rfp_status st = RFP_ERR_INVALID;
	uint32_t n, num;

	if (!t)
		return RFP_ERR_NOMEM;
	t->format = get_u8(&r) ? RFP_FORMAT_ODT : RFP_FORMAT_DOCX;
	n = get_u32(&r);
	num = get_u32(&r);
	t->next_num_id = get_u32(&r);
	if (r.bad || n > MAX_ENTRIES * 64 || (num != NIL && num >= n))
		goto out;
	if (!(t->parts = calloc(n ? n : 1, sizeof(*t->parts)))) {
		st = RFP_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		t->nparts = i + 1;
		if ((st = decode_part(&r, &t->parts[i])) != RFP_OK)
			goto out;
	}
	t->numbering = num == NIL ? NULL : &t->parts[num];
	st = r.p == r.end ? RFP_OK : RFP_ERR_INVALID;
out:
	if (st) {
		rfp_template_free(t);
		return st;
	}
	*out = t;
	return RFP_OK;
}

enum rfp_status
rfp_snapshot_template(const struct rfp_snapshot *s, const char *data_dir, const char *path,
    struct rfp_template **out)
{
	for (size_t i = 0; i < s->ntmpls; i++)
		if (is_source(s, s->tmpls[i].source, data_dir, path))
			return decode_template(s->tmpls[i].body, out);
	return RFP_ERR_UNSUPPORTED;
}
