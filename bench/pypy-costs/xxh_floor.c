/* xxh_floor: the C HPy floor of python-xxhash's one-shot functions on PyPy
 * (issue 38, item 6): what an HPy binding of `xxh64_intdigest(data)` and
 * `xxh3_128_hexdigest(data)` must do for a `bytes` argument, with the
 * hashing itself left out (a few byte reads stand for it, so that the
 * data is touched):
 *   intdigest(data): HPyBytes_Check, HPyBytes_Size, HPyBytes_AsString,
 *                    HPyLong_FromUInt64_t;
 *   hexdigest(data): the same reads, then a 32-character str
 *                    (HPyUnicode_FromString);
 *   hexdigest_decode(data): the same str through HPyUnicode_DecodeASCII
 *                    (what hpy-rs used for ASCII text);
 *   intdigest_kw(data, seed=0): intdigest with the original's signature
 *                    (HPyFunc_KEYWORDS: `seed` may be given by keyword), an
 *                    int seed read when given;
 *   noop(data):      the call alone;
 *   intdigest_exact(data), intdigest_kw_exact(data, seed=0): intdigest and
 *                    intdigest_kw reading only an exact bytes (what a
 *                    universal binary must do on PyPy, whose HPyBytes_Size
 *                    of a subclass calls its __len__): HPy_Type, HPy_Is,
 *                    HPy_Close, then HPyBytes_Size and HPyBytes_AsString
 *                    (HPy 0.9 has no call that consumes a buffer).
 * Whatever the hashing adds, a binding cannot be faster than these; the
 * xxhash rows of docs/perf/xxhash.md compare them with the original (cpyext) and
 * the port in one process (bench/xxhash_pypy.py --floor). Built by
 * setup.py beside the other modules here. */
#include <stdint.h>
#include "hpy.h"

/* Reads an exact bytes only (HPy_Type, HPy_Is, HPy_Close): what a
 * universal binary must do on PyPy, whose HPyBytes_Size of a subclass calls
 * its __len__. */
static int read_exact_bytes(HPyContext *ctx, HPy arg, const char **data, HPy_ssize_t *len)
{
    HPy type = HPy_Type(ctx, arg);
    int exact = HPy_Is(ctx, type, ctx->h_BytesType);
    HPy_Close(ctx, type);
    if (!exact) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "a bytes object is required");
        return -1;
    }
    *len = HPyBytes_Size(ctx, arg);
    *data = HPyBytes_AsString(ctx, arg);
    return 0;
}

static int read_bytes(HPyContext *ctx, HPy arg, const char **data, HPy_ssize_t *len)
{
    if (!HPyBytes_Check(ctx, arg)) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "a bytes object is required");
        return -1;
    }
    *len = HPyBytes_Size(ctx, arg);
    *data = HPyBytes_AsString(ctx, arg);
    return 0;
}

/* Stands for the hash: reads the first and last byte. */
static uint64_t touch(const char *data, HPy_ssize_t len)
{
    return len ? (uint64_t)(unsigned char)data[0] * 31u + (unsigned char)data[len - 1] : 0u;
}

/* Writes h's 16 hex digits twice: a 32-character digest's text. */
static void write_hex(char *out, uint64_t h)
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++)
        out[i] = digits[(h >> ((i % 16) * 4)) & 15];
}

HPyDef_METH(noop, "noop", HPyFunc_O)
static HPy noop_impl(HPyContext *ctx, HPy self, HPy arg)
{
    return HPy_Dup(ctx, ctx->h_None);
}

typedef int (*bytes_reader)(HPyContext *, HPy, const char **, HPy_ssize_t *);

/* intdigest of `arg`, its bytes read by `read` (inlined into each caller:
 * the reader is a constant there). */
static inline HPy intdigest_with(HPyContext *ctx, HPy arg, bytes_reader read)
{
    const char *data;
    HPy_ssize_t len;
    if (read(ctx, arg, &data, &len) < 0)
        return HPy_NULL;
    return HPyLong_FromUInt64_t(ctx, touch(data, len) ^ 0x9e3779b97f4a7c15u);
}

HPyDef_METH(intdigest, "intdigest", HPyFunc_O)
static HPy intdigest_impl(HPyContext *ctx, HPy self, HPy arg)
{
    return intdigest_with(ctx, arg, read_bytes);
}

/* intdigest with the original's signature, the bytes read by `read`
 * (inlined into each caller: the reader is a constant there). */
static inline HPy intdigest_kw_with(HPyContext *ctx, const HPy *args, size_t nargs, HPy kwnames,
                                    bytes_reader read, const char *usage)
{
    HPy_ssize_t nkw = HPy_IsNull(kwnames) ? 0 : HPy_Length(ctx, kwnames);
    if (nargs < 1 || nargs + nkw > 2) {
        HPyErr_SetString(ctx, ctx->h_TypeError, usage);
        return HPy_NULL;
    }
    uint64_t seed = 0;
    if (nargs + nkw == 2) {
        seed = HPyLong_AsUInt64_tMask(ctx, args[1]);
        if (seed == (uint64_t)-1 && HPyErr_Occurred(ctx))
            return HPy_NULL;
    }
    const char *data;
    HPy_ssize_t len;
    if (read(ctx, args[0], &data, &len) < 0)
        return HPy_NULL;
    return HPyLong_FromUInt64_t(ctx, (touch(data, len) ^ 0x9e3779b97f4a7c15u) + seed);
}

HPyDef_METH(intdigest_kw, "intdigest_kw", HPyFunc_KEYWORDS)
static HPy intdigest_kw_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs,
                             HPy kwnames)
{
    return intdigest_kw_with(ctx, args, nargs, kwnames, read_bytes, "intdigest_kw(data, seed=0)");
}

HPyDef_METH(intdigest_kw_exact, "intdigest_kw_exact", HPyFunc_KEYWORDS)
static HPy intdigest_kw_exact_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs,
                                   HPy kwnames)
{
    return intdigest_kw_with(ctx, args, nargs, kwnames, read_exact_bytes,
                             "intdigest_kw_exact(data, seed=0)");
}

HPyDef_METH(hexdigest, "hexdigest", HPyFunc_O)
static HPy hexdigest_impl(HPyContext *ctx, HPy self, HPy arg)
{
    const char *data;
    HPy_ssize_t len;
    char hex[33];
    if (read_bytes(ctx, arg, &data, &len) < 0)
        return HPy_NULL;
    write_hex(hex, touch(data, len));
    hex[32] = 0;
    return HPyUnicode_FromString(ctx, hex);
}

HPyDef_METH(hexdigest_decode, "hexdigest_decode", HPyFunc_O)
static HPy hexdigest_decode_impl(HPyContext *ctx, HPy self, HPy arg)
{
    const char *data;
    HPy_ssize_t len;
    char hex[32];
    if (read_bytes(ctx, arg, &data, &len) < 0)
        return HPy_NULL;
    write_hex(hex, touch(data, len));
    return HPyUnicode_DecodeASCII(ctx, hex, 32, NULL);
}

HPyDef_METH(intdigest_exact, "intdigest_exact", HPyFunc_O)
static HPy intdigest_exact_impl(HPyContext *ctx, HPy self, HPy arg)
{
    return intdigest_with(ctx, arg, read_exact_bytes);
}

static HPyDef *defines[] = {
    &noop, &intdigest, &intdigest_kw, &hexdigest, &hexdigest_decode, &intdigest_exact,
    &intdigest_kw_exact, NULL
};
static HPyModuleDef moduledef = { .defines = defines };
HPy_MODINIT(xxh_floor, moduledef)
