/* conv_floor: a `datetime.timedelta` and a big `int` converted to C and
 * back the direct HPy way, on PyPy's HPy (universal ABI), for the two rows
 * of issue 41's PyPy table that hpy-rs does not make 2x faster than PyO3
 * through cpyext (bench/conv-counts --pypy prints this module's rows
 * beside hpy-rs's and PyO3's when it is built). No hpy-rs code. It is not
 * a floor: hpy-rs's own design (one call of a Python helper that packs
 * the fields into one int, docs/conversions.md) is faster on timedelta.
 *
 *   echo_timedelta(td): three attribute reads (`days`, `seconds`,
 *     `microseconds`) and three HPyLong_AsLong, then one call of the
 *     `timedelta` class (kept in an HPyGlobal) with three ints;
 *   echo_bigint(n): `n.bit_length()`, `n.to_bytes(k, "little",
 *     signed=True)` copied out to C memory, then `int.from_bytes(buf,
 *     "little", signed=True)` (HPy 0.9 has no other way to move an int of
 *     any size: HPyLong_AsInt64_t fails past 64 bits);
 *   noop(x): the call itself, for reference.
 *
 * Built with hpy.devel like pypy_costs.c (setup.py), and like it calls
 * HPy_Call through PyPy's context layout, so it runs on PyPy only. */

#include <stdlib.h>
#include <string.h>

#include "hpy.h"

typedef HPy (*call_fn)(HPyContext *, HPy, const HPy *, size_t, HPy);
#define PYPY_HPy_Call(ctx, f, args, n, kw) \
    ((*(call_fn *)((char *)&(ctx)->ctx_Call + sizeof(HPy)))((ctx), (f), (args), (n), (kw)))

static HPyGlobal g_timedelta;    /* datetime.timedelta */
static HPyGlobal g_from_bytes;   /* int.from_bytes */
static HPyGlobal g_little;       /* "little" */
static HPyGlobal g_signed_kw;    /* ("signed",) */

HPyDef_METH(noop, "noop", HPyFunc_O)
static HPy noop_impl(HPyContext *ctx, HPy self, HPy x)
{
    return HPy_Dup(ctx, x);
}

static int read_long_attr(HPyContext *ctx, HPy obj, const char *name, long *out)
{
    HPy h = HPy_GetAttr_s(ctx, obj, name);
    if (HPy_IsNull(h))
        return -1;
    *out = HPyLong_AsLong(ctx, h);
    HPy_Close(ctx, h);
    return (*out == -1 && HPyErr_Occurred(ctx)) ? -1 : 0;
}

HPyDef_METH(echo_timedelta, "echo_timedelta", HPyFunc_O)
static HPy echo_timedelta_impl(HPyContext *ctx, HPy self, HPy td)
{
    long days, seconds, micros;
    if (read_long_attr(ctx, td, "days", &days) < 0 ||
        read_long_attr(ctx, td, "seconds", &seconds) < 0 ||
        read_long_attr(ctx, td, "microseconds", &micros) < 0)
        return HPy_NULL;
    HPy args[3] = {
        HPyLong_FromLong(ctx, days),
        HPyLong_FromLong(ctx, seconds),
        HPyLong_FromLong(ctx, micros),
    };
    HPy cls = HPyGlobal_Load(ctx, g_timedelta);
    HPy result = PYPY_HPy_Call(ctx, cls, args, 3, HPy_NULL);
    HPy_Close(ctx, cls);
    for (int i = 0; i < 3; i++)
        HPy_Close(ctx, args[i]);
    return result;
}

HPyDef_METH(echo_bigint, "echo_bigint", HPyFunc_O)
static HPy echo_bigint_impl(HPyContext *ctx, HPy self, HPy n)
{
    /* to C: k = n.bit_length() // 8 + 1 bytes, little-endian, signed */
    HPy meth = HPy_GetAttr_s(ctx, n, "bit_length");
    if (HPy_IsNull(meth))
        return HPy_NULL;
    HPy bits_h = PYPY_HPy_Call(ctx, meth, NULL, 0, HPy_NULL);
    HPy_Close(ctx, meth);
    if (HPy_IsNull(bits_h))
        return HPy_NULL;
    long bits = HPyLong_AsLong(ctx, bits_h);
    HPy_Close(ctx, bits_h);
    if (bits == -1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    long k = bits / 8 + 1;
    HPy to_bytes = HPy_GetAttr_s(ctx, n, "to_bytes");
    if (HPy_IsNull(to_bytes))
        return HPy_NULL;
    HPy kw_true = HPy_Dup(ctx, ctx->h_True);
    HPy call_args[3] = {HPyLong_FromLong(ctx, k), HPyGlobal_Load(ctx, g_little), kw_true};
    HPy kwnames = HPyGlobal_Load(ctx, g_signed_kw);
    HPy raw = PYPY_HPy_Call(ctx, to_bytes, call_args, 2, kwnames);
    HPy_Close(ctx, to_bytes);
    for (int i = 0; i < 3; i++)
        HPy_Close(ctx, call_args[i]);
    if (HPy_IsNull(raw)) {
        HPy_Close(ctx, kwnames);
        return HPy_NULL;
    }
    HPy_ssize_t size = HPyBytes_Size(ctx, raw);
    unsigned char *digits = malloc(size ? size : 1);
    memcpy(digits, HPyBytes_AsString(ctx, raw), size);
    HPy_Close(ctx, raw);

    /* back: int.from_bytes(bytes(digits), "little", signed=True) */
    HPy back[3] = {
        HPyBytes_FromStringAndSize(ctx, (const char *)digits, size),
        HPyGlobal_Load(ctx, g_little),
        HPy_Dup(ctx, ctx->h_True),
    };
    free(digits);
    HPy from_bytes = HPyGlobal_Load(ctx, g_from_bytes);
    HPy result = PYPY_HPy_Call(ctx, from_bytes, back, 2, kwnames);
    HPy_Close(ctx, from_bytes);
    HPy_Close(ctx, kwnames);
    for (int i = 0; i < 3; i++)
        HPy_Close(ctx, back[i]);
    return result;
}

HPyDef_SLOT(module_exec, HPy_mod_exec)
static int module_exec_impl(HPyContext *ctx, HPy m)
{
    HPy datetime = HPyImport_ImportModule(ctx, "datetime");
    if (HPy_IsNull(datetime))
        return -1;
    HPy td = HPy_GetAttr_s(ctx, datetime, "timedelta");
    HPy_Close(ctx, datetime);
    if (HPy_IsNull(td))
        return -1;
    HPyGlobal_Store(ctx, &g_timedelta, td);
    HPy_Close(ctx, td);

    HPy from_bytes = HPy_GetAttr_s(ctx, ctx->h_LongType, "from_bytes");
    if (HPy_IsNull(from_bytes))
        return -1;
    HPyGlobal_Store(ctx, &g_from_bytes, from_bytes);
    HPy_Close(ctx, from_bytes);

    HPy little = HPyUnicode_FromString(ctx, "little");
    HPyGlobal_Store(ctx, &g_little, little);
    HPy signed_name = HPyUnicode_FromString(ctx, "signed");
    HPy kwnames = HPyTuple_FromArray(ctx, &signed_name, 1);
    HPyGlobal_Store(ctx, &g_signed_kw, kwnames);
    HPy_Close(ctx, little);
    HPy_Close(ctx, signed_name);
    HPy_Close(ctx, kwnames);
    return 0;
}

static HPyDef *module_defines[] = {&noop, &echo_timedelta, &echo_bigint, &module_exec, NULL};

static HPyGlobal *module_globals[] = {
    &g_timedelta, &g_from_bytes, &g_little, &g_signed_kw, NULL};

static HPyModuleDef moduledef = {
    .doc = "The least HPy work to convert a timedelta and a big int both ways (PyPy).",
    .defines = module_defines,
    .globals = module_globals,
};

HPy_MODINIT(conv_floor, moduledef)
