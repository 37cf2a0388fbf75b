/* conv_designs: issue 41's three PyPy rows that hpy-rs did not make 2x
 * faster than PyO3 through cpyext (naive datetime, timedelta, 1000-bit
 * int), each converted to C values and back by several designs, in C HPy
 * with no hpy-rs code. bench/conv-counts --pypy times every function here
 * beside hpy-rs's and PyO3's, in one process, when this module is built.
 *
 * A function is named `<echo function>__<design>` (the echo function of
 * conv-counts' row); its docstring says what it does. The `helper` design
 * of each row is hpy-rs's design as it was before these measurements
 * (docs/conversions.md, "How"): the same Python helper source as
 * hpy/src/convert/imported.rs, compiled once and kept in an HPyGlobal,
 * called once per direction as hpy-rs called it, the packed int taken
 * apart in C, the class called with the fields. The other designs are the
 * alternatives tried; every one uses only public Python behaviour
 * (documented methods and attributes, operators, the pickle protocol),
 * nothing private to PyPy. hpy-rs now does as `floordiv_build1`
 * (timedelta) and `helper_state2` (naive datetime); the big int kept
 * `helper`.
 *
 * Like pypy_costs.c it reaches the context functions that follow
 * h_Builtins (HPy_Call, HPy_Compile_s, HPy_EvalCode) one slot later, as
 * PyPy 7.3.19's context has them (hpy-sys/src/universal.rs), so it runs on
 * PyPy only. Errors propagate; a value outside what a design handles (a
 * timedelta beyond 2**26 days or 2**63 microseconds, an int of more than
 * 4096 bits) is an error here, where hpy-rs falls back to a slower path. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hpy.h"

/* A context function after h_Builtins, where PyPy's context keeps it. */
#define LATE(ctx, member) \
    (*(__typeof__((ctx)->member) *)((char *)&(ctx)->member + sizeof(HPy)))
#define CALL(ctx, f, args, n) LATE(ctx, ctx_Call)((ctx), (f), (args), (n), HPy_NULL)

/* ---- the helpers' sources ---- */

/* hpy-rs's StdClass::DateTimeFields, TimeDeltaFields, IntToBytes and
 * IntFromBytes (hpy/src/convert/imported.rs). */
static const char SRC_DT_FIELDS[] =
    "from datetime import datetime as D, timezone\n"
    "UTC = timezone.utc\n"
    "def helper(d):\n"
    "    if not isinstance(d, D):\n"
    "        return None\n"
    "    p = (((((((d.year << 4 | d.month) << 5 | d.day) << 5 | d.hour) << 6\n"
    "         | d.minute) << 6 | d.second) << 20 | d.microsecond) << 1 | d.fold)\n"
    "    tz = d.tzinfo\n"
    "    if tz is None:\n"
    "        return p\n"
    "    if tz is UTC:\n"
    "        return p | 1 << 62\n"
    "    return p | 1 << 63\n";

static const char SRC_TD_FIELDS[] =
    "from datetime import timedelta as T\n"
    "def helper(d):\n"
    "    if not isinstance(d, T):\n"
    "        return None\n"
    "    return d.days << 37 | d.seconds << 20 | d.microseconds\n";

static const char SRC_INT_TO_BYTES[] =
    "def helper(x):\n"
    "    return x.to_bytes((x.bit_length() + 8) >> 3, 'little', signed=True)\n";

static const char SRC_INT_FROM_BYTES[] =
    "def helper(b):\n"
    "    return int.from_bytes(b, 'little', signed=True)\n";

/* Alternatives: the fields as a tuple instead of a packed int, and a
 * timedelta built by a helper from the packed int. */
static const char SRC_TD_TUPLE[] =
    "from datetime import timedelta as T\n"
    "def helper(d):\n"
    "    if not isinstance(d, T):\n"
    "        return None\n"
    "    return (d.days, d.seconds, d.microseconds)\n";

static const char SRC_TD_BUILD[] =
    "from datetime import timedelta as T\n"
    "def helper(p):\n"
    "    return T(p >> 37, (p >> 20) & 0x1ffff, p & 0xfffff)\n";

static const char SRC_TD_BUILD3[] =
    "from datetime import timedelta as T\n"
    "def helper(d, s, us):\n"
    "    return T(d, s, us)\n";

static const char SRC_DT_BUILD[] =
    "from datetime import datetime as D\n"
    "def helper(p):\n"
    "    return D(p >> 47, (p >> 43) & 15, (p >> 38) & 31, (p >> 33) & 31,\n"
    "             (p >> 27) & 63, (p >> 21) & 63, (p >> 1) & 0xfffff)\n";

static const char SRC_DT_BUILD7[] =
    "from datetime import datetime as D\n"
    "def helper(y, m, d, h, mi, s, us):\n"
    "    return D(y, m, d, h, mi, s, us)\n";

static const char SRC_TD_BUILD1[] =
    "from datetime import timedelta as T\n"
    "def helper(us):\n"
    "    return T(0, 0, us)\n";

static const char SRC_DT_FROM_STATE[] =
    "from datetime import datetime as D\n"
    "def helper(state):\n"
    "    return D(state)\n";

static const char SRC_DT_FROM_STATE_TZ[] =
    "from datetime import datetime as D\n"
    "def helper(state, tz):\n"
    "    return D(state, tz)\n";

/* For the parts: one entry into Python that does nothing. */
static const char SRC_IDENTITY[] =
    "def helper(x):\n"
    "    return x\n";

static const char SRC_DT_TUPLE[] =
    "from datetime import datetime as D\n"
    "def helper(d):\n"
    "    if not isinstance(d, D):\n"
    "        return None\n"
    "    return (d.year, d.month, d.day, d.hour, d.minute, d.second,\n"
    "            d.microsecond, d.fold, d.tzinfo)\n";

static HPyGlobal g_dt_fields, g_td_fields, g_int_to_bytes, g_int_from_bytes;
static HPyGlobal g_td_tuple, g_td_build, g_dt_tuple;
static HPyGlobal g_td_build3, g_dt_build, g_dt_build7, g_identity;
static HPyGlobal g_td_build1, g_dt_from_state, g_dt_from_state_tz;
static HPyGlobal g_datetime, g_timedelta;   /* the classes */
static HPyGlobal g_dt_reduce, g_td_reduce;  /* datetime.__reduce__, timedelta.__reduce__ */
static HPyGlobal g_usec;                    /* timedelta(microseconds=1) */
static HPyGlobal g_hex;                     /* builtins.hex */
static HPyGlobal g_bit_length, g_to_bytes, g_from_bytes; /* int's, unbound */
static HPyGlobal g_little;                  /* "little" */

static int store_helper(HPyContext *ctx, const char *source, HPyGlobal *out)
{
    HPy code = LATE(ctx, ctx_Compile_s)(ctx, source, "<conv_designs helper>",
                                         HPy_SourceKind_File);
    if (HPy_IsNull(code))
        return -1;
    HPy globals = HPyDict_New(ctx);
    if (HPy_IsNull(globals) || HPy_SetItem_s(ctx, globals, "__builtins__", ctx->h_Builtins) < 0) {
        HPy_Close(ctx, code);
        return -1;
    }
    HPy done = LATE(ctx, ctx_EvalCode)(ctx, code, globals, globals);
    HPy_Close(ctx, code);
    if (HPy_IsNull(done)) {
        HPy_Close(ctx, globals);
        return -1;
    }
    HPy_Close(ctx, done);
    HPy helper = HPy_GetItem_s(ctx, globals, "helper");
    HPy_Close(ctx, globals);
    if (HPy_IsNull(helper))
        return -1;
    HPyGlobal_Store(ctx, out, helper);
    HPy_Close(ctx, helper);
    return 0;
}

/* One call of the callable kept in `g` with the one argument `arg`. */
static HPy call_global1(HPyContext *ctx, HPyGlobal g, HPy arg)
{
    HPy f = HPyGlobal_Load(ctx, g);
    HPy result = CALL(ctx, f, &arg, 1);
    HPy_Close(ctx, f);
    return result;
}

/* The class kept in `g` called with `n` C integers. */
static HPy call_with_ints(HPyContext *ctx, HPyGlobal g, const int64_t *values, int n)
{
    HPy args[8];
    for (int i = 0; i < n; i++)
        args[i] = HPyLong_FromInt64_t(ctx, values[i]);
    HPy cls = HPyGlobal_Load(ctx, g);
    HPy result = CALL(ctx, cls, args, n);
    HPy_Close(ctx, cls);
    for (int i = 0; i < n; i++)
        HPy_Close(ctx, args[i]);
    return result;
}

/* Item `i` of a sequence as an int64. */
static int item_int(HPyContext *ctx, HPy seq, HPy_ssize_t i, int64_t *out)
{
    HPy h = HPy_GetItem_i(ctx, seq, i);
    if (HPy_IsNull(h))
        return -1;
    *out = HPyLong_AsInt64_t(ctx, h);
    HPy_Close(ctx, h);
    return (*out == -1 && HPyErr_Occurred(ctx)) ? -1 : 0;
}

static HPy wrong_type(HPyContext *ctx, const char *what)
{
    HPyErr_SetString(ctx, ctx->h_TypeError, what);
    return HPy_NULL;
}

/* ---- timedelta: (days, seconds, microseconds) ---- */

/* Reading by hpy-rs's packed helper. */
static int td_read_packed(HPyContext *ctx, HPy td, int64_t out[3])
{
    HPy packed = call_global1(ctx, g_td_fields, td);
    if (HPy_IsNull(packed))
        return -1;
    if (HPy_Is(ctx, packed, ctx->h_None)) {
        HPy_Close(ctx, packed);
        wrong_type(ctx, "expected datetime.timedelta");
        return -1;
    }
    int64_t p = HPyLong_AsInt64_t(ctx, packed);
    HPy_Close(ctx, packed);
    if (p == -1 && HPyErr_Occurred(ctx))
        return -1;
    out[0] = p >> 37;
    out[1] = (p >> 20) & 0x1ffff;
    out[2] = p & 0xfffff;
    return 0;
}

HPyDef_METH(td_helper, "echo_timedelta__helper", HPyFunc_O,
            .doc = "hpy-rs's design: one call of the packed-int helper, then one call "
                   "of timedelta(days, seconds, microseconds)")
static HPy td_helper_impl(HPyContext *ctx, HPy self, HPy td)
{
    int64_t f[3];
    if (td_read_packed(ctx, td, f) < 0)
        return HPy_NULL;
    return call_with_ints(ctx, g_timedelta, f, 3);
}

HPyDef_METH(td_tuple, "echo_timedelta__tuple", HPyFunc_O,
            .doc = "a helper returning (days, seconds, microseconds), then the class call")
static HPy td_tuple_impl(HPyContext *ctx, HPy self, HPy td)
{
    HPy t = call_global1(ctx, g_td_tuple, td);
    if (HPy_IsNull(t))
        return HPy_NULL;
    if (HPy_Is(ctx, t, ctx->h_None)) {
        HPy_Close(ctx, t);
        return wrong_type(ctx, "expected datetime.timedelta");
    }
    int64_t f[3];
    int bad = item_int(ctx, t, 0, &f[0]) < 0 || item_int(ctx, t, 1, &f[1]) < 0 ||
              item_int(ctx, t, 2, &f[2]) < 0;
    HPy_Close(ctx, t);
    if (bad)
        return HPy_NULL;
    return call_with_ints(ctx, g_timedelta, f, 3);
}

HPyDef_METH(td_reduce, "echo_timedelta__reduce", HPyFunc_O,
            .doc = "HPy_TypeCheck, timedelta.__reduce__(td) = (cls, (d, s, us)), "
                   "then the class call")
static HPy td_reduce_impl(HPyContext *ctx, HPy self, HPy td)
{
    HPy cls = HPyGlobal_Load(ctx, g_timedelta);
    int ok = HPy_TypeCheck(ctx, td, cls);
    HPy_Close(ctx, cls);
    if (!ok)
        return wrong_type(ctx, "expected datetime.timedelta");
    HPy reduced = call_global1(ctx, g_td_reduce, td);
    if (HPy_IsNull(reduced))
        return HPy_NULL;
    HPy state = HPy_GetItem_i(ctx, reduced, 1);
    HPy_Close(ctx, reduced);
    if (HPy_IsNull(state))
        return HPy_NULL;
    int64_t f[3];
    int bad = item_int(ctx, state, 0, &f[0]) < 0 || item_int(ctx, state, 1, &f[1]) < 0 ||
              item_int(ctx, state, 2, &f[2]) < 0;
    HPy_Close(ctx, state);
    if (bad)
        return HPy_NULL;
    return call_with_ints(ctx, g_timedelta, f, 3);
}

HPyDef_METH(td_floordiv, "echo_timedelta__floordiv", HPyFunc_O,
            .doc = "HPy_TypeCheck, td // timedelta(microseconds=1) (one int), then "
                   "timedelta(0, 0, microseconds)")
static HPy td_floordiv_impl(HPyContext *ctx, HPy self, HPy td)
{
    HPy cls = HPyGlobal_Load(ctx, g_timedelta);
    int ok = HPy_TypeCheck(ctx, td, cls);
    HPy_Close(ctx, cls);
    if (!ok)
        return wrong_type(ctx, "expected datetime.timedelta");
    HPy usec = HPyGlobal_Load(ctx, g_usec);
    HPy total = HPy_FloorDivide(ctx, td, usec);
    HPy_Close(ctx, usec);
    if (HPy_IsNull(total))
        return HPy_NULL;
    int64_t us = HPyLong_AsInt64_t(ctx, total);
    HPy_Close(ctx, total);
    if (us == -1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    int64_t f[3] = {0, 0, us};
    return call_with_ints(ctx, g_timedelta, f, 3);
}

HPyDef_METH(td_helper_build, "echo_timedelta__helper_build", HPyFunc_O,
            .doc = "the packed-int helper to read, a helper taking the packed int to build")
static HPy td_helper_build_impl(HPyContext *ctx, HPy self, HPy td)
{
    int64_t f[3];
    if (td_read_packed(ctx, td, f) < 0)
        return HPy_NULL;
    HPy packed = HPyLong_FromInt64_t(ctx, (f[0] << 37) | (f[1] << 20) | f[2]);
    HPy result = call_global1(ctx, g_td_build, packed);
    HPy_Close(ctx, packed);
    return result;
}

HPyDef_METH(td_tupledict, "echo_timedelta__call_tuple", HPyFunc_O,
            .doc = "the packed-int helper to read, the class called through "
                   "HPy_CallTupleDict with a tuple of the three ints")
static HPy td_tupledict_impl(HPyContext *ctx, HPy self, HPy td)
{
    int64_t f[3];
    if (td_read_packed(ctx, td, f) < 0)
        return HPy_NULL;
    HPy items[3];
    for (int i = 0; i < 3; i++)
        items[i] = HPyLong_FromInt64_t(ctx, f[i]);
    HPy args = HPyTuple_FromArray(ctx, items, 3);
    for (int i = 0; i < 3; i++)
        HPy_Close(ctx, items[i]);
    HPy cls = HPyGlobal_Load(ctx, g_timedelta);
    HPy result = HPy_CallTupleDict(ctx, cls, args, HPy_NULL);
    HPy_Close(ctx, cls);
    HPy_Close(ctx, args);
    return result;
}

/* ---- naive datetime: (year, month, day, hour, minute, second, microsecond) ---- */

static int dt_read_packed(HPyContext *ctx, HPy d, int64_t f[7])
{
    HPy packed = call_global1(ctx, g_dt_fields, d);
    if (HPy_IsNull(packed))
        return -1;
    if (HPy_Is(ctx, packed, ctx->h_None)) {
        HPy_Close(ctx, packed);
        wrong_type(ctx, "expected datetime.datetime");
        return -1;
    }
    uint64_t p = HPyLong_AsUInt64_t(ctx, packed);
    HPy_Close(ctx, packed);
    if (p == (uint64_t)-1 && HPyErr_Occurred(ctx))
        return -1;
    if (p >> 62) {
        wrong_type(ctx, "expected a datetime without tzinfo");
        return -1;
    }
#define BITS(shift, width) ((int64_t)((p >> (shift)) & ((1ull << (width)) - 1)))
    f[0] = BITS(47, 14);
    f[1] = BITS(43, 4);
    f[2] = BITS(38, 5);
    f[3] = BITS(33, 5);
    f[4] = BITS(27, 6);
    f[5] = BITS(21, 6);
    f[6] = BITS(1, 20);
#undef BITS
    return 0;
}

/* The pickle state of a naive datetime (fold 0): 10 bytes, year big-endian,
 * month, day, hour, minute, second, microsecond big-endian in 3. */
static void dt_state(const int64_t f[7], unsigned char s[10])
{
    s[0] = (unsigned char)(f[0] >> 8);
    s[1] = (unsigned char)f[0];
    for (int i = 1; i < 6; i++)
        s[i + 1] = (unsigned char)f[i];
    s[7] = (unsigned char)(f[6] >> 16);
    s[8] = (unsigned char)(f[6] >> 8);
    s[9] = (unsigned char)f[6];
}

/* datetime(<state>): the constructor's pickle path (one bytes argument).
 * It checks only the month, so the year is checked here as the
 * constructor would (1..9999); the other fields come from a valid date. */
static HPy dt_from_state(HPyContext *ctx, const int64_t f[7])
{
    if (f[0] < 1 || f[0] > 9999) {
        HPyErr_SetString(ctx, ctx->h_ValueError, "year is out of range");
        return HPy_NULL;
    }
    unsigned char s[10];
    dt_state(f, s);
    HPy state = HPyBytes_FromStringAndSize(ctx, (const char *)s, 10);
    HPy result = call_global1(ctx, g_datetime, state);
    HPy_Close(ctx, state);
    return result;
}

/* Reading by datetime.__reduce__(d) = (cls, (state,)) for a naive one. */
static int dt_read_reduce(HPyContext *ctx, HPy d, int64_t f[7])
{
    HPy cls = HPyGlobal_Load(ctx, g_datetime);
    int ok = HPy_TypeCheck(ctx, d, cls);
    HPy_Close(ctx, cls);
    if (!ok) {
        wrong_type(ctx, "expected datetime.datetime");
        return -1;
    }
    HPy reduced = call_global1(ctx, g_dt_reduce, d);
    if (HPy_IsNull(reduced))
        return -1;
    HPy args = HPy_GetItem_i(ctx, reduced, 1);
    HPy_Close(ctx, reduced);
    if (HPy_IsNull(args))
        return -1;
    if (HPy_Length(ctx, args) != 1) {
        HPy_Close(ctx, args);
        wrong_type(ctx, "expected a datetime without tzinfo");
        return -1;
    }
    HPy state = HPy_GetItem_i(ctx, args, 0);
    HPy_Close(ctx, args);
    if (HPy_IsNull(state))
        return -1;
    const unsigned char *s = (const unsigned char *)HPyBytes_AsString(ctx, state);
    f[0] = s[0] << 8 | s[1];
    f[1] = s[2] & 0x7f; /* the top bit is the fold */
    for (int i = 2; i < 6; i++)
        f[i] = s[i + 1];
    f[6] = (int64_t)s[7] << 16 | s[8] << 8 | s[9];
    HPy_Close(ctx, state);
    return 0;
}

HPyDef_METH(dt_helper, "echo_naive_datetime__helper", HPyFunc_O,
            .doc = "hpy-rs's design: one call of the packed-int helper, then one call "
                   "of datetime(y, m, d, h, mi, s, us)")
static HPy dt_helper_impl(HPyContext *ctx, HPy self, HPy d)
{
    int64_t f[7];
    if (dt_read_packed(ctx, d, f) < 0)
        return HPy_NULL;
    return call_with_ints(ctx, g_datetime, f, 7);
}

HPyDef_METH(dt_tuple, "echo_naive_datetime__tuple", HPyFunc_O,
            .doc = "a helper returning the fields and tzinfo as a tuple, then the class call")
static HPy dt_tuple_impl(HPyContext *ctx, HPy self, HPy d)
{
    HPy t = call_global1(ctx, g_dt_tuple, d);
    if (HPy_IsNull(t))
        return HPy_NULL;
    if (HPy_Is(ctx, t, ctx->h_None)) {
        HPy_Close(ctx, t);
        return wrong_type(ctx, "expected datetime.datetime");
    }
    int64_t f[7];
    for (int i = 0; i < 7; i++) {
        if (item_int(ctx, t, i, &f[i]) < 0) {
            HPy_Close(ctx, t);
            return HPy_NULL;
        }
    }
    HPy tz = HPy_GetItem_i(ctx, t, 8);
    HPy_Close(ctx, t);
    int naive = HPy_Is(ctx, tz, ctx->h_None);
    HPy_Close(ctx, tz);
    if (!naive)
        return wrong_type(ctx, "expected a datetime without tzinfo");
    return call_with_ints(ctx, g_datetime, f, 7);
}

HPyDef_METH(dt_reduce, "echo_naive_datetime__reduce", HPyFunc_O,
            .doc = "HPy_TypeCheck, datetime.__reduce__(d) (its 10-byte pickle state), "
                   "then the class call with seven ints")
static HPy dt_reduce_impl(HPyContext *ctx, HPy self, HPy d)
{
    int64_t f[7];
    if (dt_read_reduce(ctx, d, f) < 0)
        return HPy_NULL;
    return call_with_ints(ctx, g_datetime, f, 7);
}

HPyDef_METH(dt_helper_state, "echo_naive_datetime__helper_state", HPyFunc_O,
            .doc = "the packed-int helper to read, datetime(<10-byte pickle state>) to build")
static HPy dt_helper_state_impl(HPyContext *ctx, HPy self, HPy d)
{
    int64_t f[7];
    if (dt_read_packed(ctx, d, f) < 0)
        return HPy_NULL;
    return dt_from_state(ctx, f);
}

HPyDef_METH(dt_reduce_state, "echo_naive_datetime__reduce_state", HPyFunc_O,
            .doc = "datetime.__reduce__ to read, datetime(<pickle state>) to build")
static HPy dt_reduce_state_impl(HPyContext *ctx, HPy self, HPy d)
{
    int64_t f[7];
    if (dt_read_reduce(ctx, d, f) < 0)
        return HPy_NULL;
    return dt_from_state(ctx, f);
}

/* ---- int of any size: sign and 64-bit words of the magnitude ---- */

typedef struct {
    int negative;
    size_t n;          /* words used */
    uint64_t words[64]; /* up to 4096 bits: enough for the bench */
} bigint;

/* hpy-rs's test: the low word compared with the whole, no OverflowError. */
static int small_int(HPyContext *ctx, HPy n, int64_t *out)
{
    uint64_t low = HPyLong_AsUInt64_tMask(ctx, n);
    HPy h = HPyLong_FromInt64_t(ctx, (int64_t)low);
    int same = HPy_RichCompareBool(ctx, n, h, HPy_EQ);
    HPy_Close(ctx, h);
    *out = (int64_t)low;
    return same;
}

/* Two's complement little-endian bytes -> sign and magnitude. */
static int bigint_from_le(const unsigned char *b, size_t size, bigint *out)
{
    if ((size + 7) / 8 > 64)
        return -1;
    out->negative = size && (b[size - 1] & 0x80);
    memset(out->words, 0, sizeof out->words);
    int carry = 1;
    for (size_t i = 0; i < size; i++) {
        unsigned v = b[i];
        if (out->negative) {
            v = (~v & 0xff) + carry;
            carry = v >> 8;
            v &= 0xff;
        }
        out->words[i / 8] |= (uint64_t)v << (8 * (i % 8));
    }
    out->n = (size + 7) / 8;
    while (out->n && !out->words[out->n - 1])
        out->n--;
    return 0;
}

/* Sign and magnitude -> two's complement little-endian bytes with room
 * for the sign bit; returns the length. */
static size_t bigint_to_le(const bigint *x, unsigned char *b)
{
    size_t size = x->n * 8 + 1;
    int carry = 1;
    for (size_t i = 0; i < size; i++) {
        unsigned v = i / 8 < x->n ? (unsigned)(x->words[i / 8] >> (8 * (i % 8))) & 0xff : 0;
        if (x->negative) {
            v = (~v & 0xff) + carry;
            carry = v >> 8;
            v &= 0xff;
        }
        b[i] = (unsigned char)v;
    }
    return size;
}

static HPy bigint_read_bytes(HPyContext *ctx, HPy n, bigint *x)
{
    HPy raw = call_global1(ctx, g_int_to_bytes, n);
    if (HPy_IsNull(raw))
        return HPy_NULL;
    HPy_ssize_t size = HPyBytes_Size(ctx, raw);
    int bad = bigint_from_le((const unsigned char *)HPyBytes_AsString(ctx, raw), size, x);
    HPy_Close(ctx, raw);
    if (bad) {
        HPyErr_SetString(ctx, ctx->h_OverflowError, "too big for this bench");
        return HPy_NULL;
    }
    return HPy_Dup(ctx, ctx->h_None);
}

static HPy bigint_build_bytes(HPyContext *ctx, const bigint *x)
{
    unsigned char buf[64 * 8 + 1];
    size_t size = bigint_to_le(x, buf);
    HPy b = HPyBytes_FromStringAndSize(ctx, (const char *)buf, size);
    HPy result = call_global1(ctx, g_int_from_bytes, b);
    HPy_Close(ctx, b);
    return result;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* hex(n) = '[-]0x<digits>', parsed into words. */
static HPy bigint_read_hex(HPyContext *ctx, HPy n, bigint *x)
{
    HPy s = call_global1(ctx, g_hex, n);
    if (HPy_IsNull(s))
        return HPy_NULL;
    HPy_ssize_t size;
    const char *text = HPyUnicode_AsUTF8AndSize(ctx, s, &size);
    x->negative = text[0] == '-';
    const char *digits = text + 2 + x->negative;
    size_t count = size - 2 - x->negative;
    if ((count + 15) / 16 > 64) {
        HPy_Close(ctx, s);
        HPyErr_SetString(ctx, ctx->h_OverflowError, "too big for this bench");
        return HPy_NULL;
    }
    memset(x->words, 0, sizeof x->words);
    for (size_t i = 0; i < count; i++) {
        size_t pos = count - 1 - i; /* from the lowest digit */
        x->words[i / 16] |= (uint64_t)hex_digit(digits[pos]) << (4 * (i % 16));
    }
    x->n = (count + 15) / 16;
    while (x->n && !x->words[x->n - 1])
        x->n--;
    HPy_Close(ctx, s);
    return HPy_Dup(ctx, ctx->h_None);
}

/* int('[-]<hex digits>', 16). */
static HPy bigint_build_hex(HPyContext *ctx, const bigint *x)
{
    static const char DIGITS[] = "0123456789abcdef";
    char text[64 * 16 + 2];
    char *p = text;
    if (x->negative)
        *p++ = '-';
    int started = 0;
    for (size_t w = x->n; w-- > 0;) {
        for (int shift = 60; shift >= 0; shift -= 4) {
            int d = (x->words[w] >> shift) & 0xf;
            if (d || started) {
                *p++ = DIGITS[d];
                started = 1;
            }
        }
    }
    if (!started)
        *p++ = '0';
    HPy args[2] = {HPyUnicode_DecodeASCII(ctx, text, p - text, NULL),
                   HPyLong_FromInt32_t(ctx, 16)};
    HPy result = CALL(ctx, ctx->h_LongType, args, 2);
    HPy_Close(ctx, args[0]);
    HPy_Close(ctx, args[1]);
    return result;
}

/* int.to_bytes(|n|, k, "little") with k from int.bit_length(|n|), both
 * called from C with positional arguments only (no Python frame, no
 * keyword); the sign from a comparison with 0. */
static HPy bigint_read_direct(HPyContext *ctx, HPy n, bigint *x)
{
    HPy zero = HPyLong_FromInt32_t(ctx, 0);
    int negative = HPy_RichCompareBool(ctx, n, zero, HPy_LT);
    HPy_Close(ctx, zero);
    HPy magnitude = negative ? HPy_Negative(ctx, n) : HPy_Dup(ctx, n);
    if (HPy_IsNull(magnitude))
        return HPy_NULL;
    HPy bits_h = call_global1(ctx, g_bit_length, magnitude);
    if (HPy_IsNull(bits_h)) {
        HPy_Close(ctx, magnitude);
        return HPy_NULL;
    }
    int64_t bits = HPyLong_AsInt64_t(ctx, bits_h);
    HPy_Close(ctx, bits_h);
    HPy args[3] = {magnitude, HPyLong_FromInt64_t(ctx, (bits + 7) / 8),
                   HPyGlobal_Load(ctx, g_little)};
    HPy to_bytes = HPyGlobal_Load(ctx, g_to_bytes);
    HPy raw = CALL(ctx, to_bytes, args, 3);
    HPy_Close(ctx, to_bytes);
    for (int i = 0; i < 3; i++)
        HPy_Close(ctx, args[i]);
    if (HPy_IsNull(raw))
        return HPy_NULL;
    HPy_ssize_t size = HPyBytes_Size(ctx, raw);
    if ((size + 7) / 8 > 64) {
        HPy_Close(ctx, raw);
        HPyErr_SetString(ctx, ctx->h_OverflowError, "too big for this bench");
        return HPy_NULL;
    }
    const unsigned char *b = (const unsigned char *)HPyBytes_AsString(ctx, raw);
    memset(x->words, 0, sizeof x->words);
    for (HPy_ssize_t i = 0; i < size; i++)
        x->words[i / 8] |= (uint64_t)b[i] << (8 * (i % 8));
    x->n = (size + 7) / 8;
    x->negative = negative;
    HPy_Close(ctx, raw);
    return HPy_Dup(ctx, ctx->h_None);
}

/* int.from_bytes(<magnitude>, "little") called from C, negated if need be. */
static HPy bigint_build_direct(HPyContext *ctx, const bigint *x)
{
    unsigned char buf[64 * 8];
    for (size_t i = 0; i < x->n * 8; i++)
        buf[i] = (unsigned char)(x->words[i / 8] >> (8 * (i % 8)));
    HPy args[2] = {HPyBytes_FromStringAndSize(ctx, (const char *)buf, x->n * 8),
                   HPyGlobal_Load(ctx, g_little)};
    HPy from_bytes = HPyGlobal_Load(ctx, g_from_bytes);
    HPy magnitude = CALL(ctx, from_bytes, args, 2);
    HPy_Close(ctx, from_bytes);
    HPy_Close(ctx, args[0]);
    HPy_Close(ctx, args[1]);
    if (HPy_IsNull(magnitude) || !x->negative)
        return magnitude;
    HPy result = HPy_Negative(ctx, magnitude);
    HPy_Close(ctx, magnitude);
    return result;
}

typedef HPy (*reader)(HPyContext *, HPy, bigint *);
typedef HPy (*builder)(HPyContext *, const bigint *);

static HPy bigint_echo(HPyContext *ctx, HPy n, reader read, builder build)
{
    if (!HPy_TypeCheck(ctx, n, ctx->h_LongType))
        return wrong_type(ctx, "expected int");
    int64_t small;
    if (small_int(ctx, n, &small))
        return HPyLong_FromInt64_t(ctx, small);
    bigint x;
    HPy ok = read(ctx, n, &x);
    if (HPy_IsNull(ok))
        return HPy_NULL;
    HPy_Close(ctx, ok);
    return build(ctx, &x);
}

HPyDef_METH(bi_helper, "echo_bigint__helper", HPyFunc_O,
            .doc = "hpy-rs's design: the 64-bit test, a to_bytes helper call, a "
                   "from_bytes helper call")
static HPy bi_helper_impl(HPyContext *ctx, HPy self, HPy n)
{
    return bigint_echo(ctx, n, bigint_read_bytes, bigint_build_bytes);
}

HPyDef_METH(bi_hex, "echo_bigint__hex", HPyFunc_O,
            .doc = "the 64-bit test, hex(n) parsed in C, int(<hex>, 16)")
static HPy bi_hex_impl(HPyContext *ctx, HPy self, HPy n)
{
    return bigint_echo(ctx, n, bigint_read_hex, bigint_build_hex);
}

HPyDef_METH(bi_hex_read, "echo_bigint__hex_read", HPyFunc_O,
            .doc = "hex(n) to read, the from_bytes helper to build")
static HPy bi_hex_read_impl(HPyContext *ctx, HPy self, HPy n)
{
    return bigint_echo(ctx, n, bigint_read_hex, bigint_build_bytes);
}

HPyDef_METH(bi_hex_build, "echo_bigint__hex_build", HPyFunc_O,
            .doc = "the to_bytes helper to read, int(<hex>, 16) to build")
static HPy bi_hex_build_impl(HPyContext *ctx, HPy self, HPy n)
{
    return bigint_echo(ctx, n, bigint_read_bytes, bigint_build_hex);
}

HPyDef_METH(bi_direct, "echo_bigint__direct", HPyFunc_O,
            .doc = "the 64-bit test, int.bit_length and int.to_bytes of |n| called from C "
                   "(positional), int.from_bytes called from C, the sign apart")
static HPy bi_direct_impl(HPyContext *ctx, HPy self, HPy n)
{
    return bigint_echo(ctx, n, bigint_read_direct, bigint_build_direct);
}

/* ---- more builds through helpers ---- */

HPyDef_METH(td_helper_build3, "echo_timedelta__helper_build3", HPyFunc_O,
            .doc = "the packed-int helper to read, a helper(d, s, us) calling the class to build")
static HPy td_helper_build3_impl(HPyContext *ctx, HPy self, HPy td)
{
    int64_t f[3];
    if (td_read_packed(ctx, td, f) < 0)
        return HPy_NULL;
    return call_with_ints(ctx, g_td_build3, f, 3);
}

static int64_t last_td[3]; /* the parts' fields, defined below */

/* td // timedelta(microseconds=1), after HPy_TypeCheck. */
static int td_read_floordiv(HPyContext *ctx, HPy td, int64_t *us)
{
    HPy cls = HPyGlobal_Load(ctx, g_timedelta);
    int ok = HPy_TypeCheck(ctx, td, cls);
    HPy_Close(ctx, cls);
    if (!ok) {
        wrong_type(ctx, "expected datetime.timedelta");
        return -1;
    }
    HPy usec = HPyGlobal_Load(ctx, g_usec);
    HPy total = HPy_FloorDivide(ctx, td, usec);
    HPy_Close(ctx, usec);
    if (HPy_IsNull(total))
        return -1;
    *us = HPyLong_AsInt64_t(ctx, total);
    HPy_Close(ctx, total);
    return (*us == -1 && HPyErr_Occurred(ctx)) ? -1 : 0;
}

HPyDef_METH(td_floordiv_mul, "echo_timedelta__floordiv_mul", HPyFunc_O,
            .doc = "td // timedelta(microseconds=1) to read, timedelta(microseconds=1) * us "
                   "(HPy_Multiply) to build")
static HPy td_floordiv_mul_impl(HPyContext *ctx, HPy self, HPy td)
{
    int64_t us;
    if (td_read_floordiv(ctx, td, &us) < 0)
        return HPy_NULL;
    HPy n = HPyLong_FromInt64_t(ctx, us);
    HPy usec = HPyGlobal_Load(ctx, g_usec);
    HPy result = HPy_Multiply(ctx, usec, n);
    HPy_Close(ctx, usec);
    HPy_Close(ctx, n);
    return result;
}

HPyDef_METH(td_floordiv_build1, "echo_timedelta__floordiv_build1", HPyFunc_O,
            .doc = "td // timedelta(microseconds=1) to read, helper(us) = T(0, 0, us) to build")
static HPy td_floordiv_build1_impl(HPyContext *ctx, HPy self, HPy td)
{
    int64_t us;
    if (td_read_floordiv(ctx, td, &us) < 0)
        return HPy_NULL;
    HPy n = HPyLong_FromInt64_t(ctx, us);
    HPy result = call_global1(ctx, g_td_build1, n);
    HPy_Close(ctx, n);
    return result;
}

HPyDef_METH(dt_helper_state2, "echo_naive_datetime__helper_state2", HPyFunc_O,
            .doc = "the packed-int helper to read, helper(state) = datetime(state) to build")
static HPy dt_helper_state2_impl(HPyContext *ctx, HPy self, HPy d)
{
    int64_t f[7];
    if (dt_read_packed(ctx, d, f) < 0)
        return HPy_NULL;
    if (f[0] < 1 || f[0] > 9999) {
        HPyErr_SetString(ctx, ctx->h_ValueError, "year is out of range");
        return HPy_NULL;
    }
    unsigned char s[10];
    dt_state(f, s);
    HPy state = HPyBytes_FromStringAndSize(ctx, (const char *)s, 10);
    HPy result = call_global1(ctx, g_dt_from_state, state);
    HPy_Close(ctx, state);
    return result;
}

HPyDef_METH(dt_helper_state_tz, "echo_naive_datetime__helper_state_tz", HPyFunc_O,
            .doc = "the packed-int helper to read, helper(state, None) = datetime(state, None) "
                   "to build")
static HPy dt_helper_state_tz_impl(HPyContext *ctx, HPy self, HPy d)
{
    int64_t f[7];
    if (dt_read_packed(ctx, d, f) < 0)
        return HPy_NULL;
    if (f[0] < 1 || f[0] > 9999) {
        HPyErr_SetString(ctx, ctx->h_ValueError, "year is out of range");
        return HPy_NULL;
    }
    unsigned char s[10];
    dt_state(f, s);
    HPy args[2] = {HPyBytes_FromStringAndSize(ctx, (const char *)s, 10), ctx->h_None};
    HPy helper = HPyGlobal_Load(ctx, g_dt_from_state_tz);
    HPy result = CALL(ctx, helper, args, 2);
    HPy_Close(ctx, helper);
    HPy_Close(ctx, args[0]);
    return result;
}

HPyDef_METH(td_read_fd, "td_read_floordiv", HPyFunc_O,
            .doc = "td // timedelta(microseconds=1) alone")
static HPy td_read_fd_impl(HPyContext *ctx, HPy self, HPy td)
{
    int64_t us;
    return td_read_floordiv(ctx, td, &us) < 0 ? HPy_NULL : HPy_Dup(ctx, td);
}

HPyDef_METH(td_build_h3, "td_build_helper3", HPyFunc_O,
            .doc = "helper(d, s, us) = T(d, s, us) alone (last fields read)")
static HPy td_build_h3_impl(HPyContext *ctx, HPy self, HPy td)
{
    return call_with_ints(ctx, g_td_build3, last_td, 3);
}

HPyDef_METH(td_build_h1, "td_build_helper1", HPyFunc_O,
            .doc = "helper(us) = T(0, 0, us) alone (last fields read)")
static HPy td_build_h1_impl(HPyContext *ctx, HPy self, HPy td)
{
    HPy n = HPyLong_FromInt64_t(ctx, (last_td[0] * 86400 + last_td[1]) * 1000000 + last_td[2]);
    HPy result = call_global1(ctx, g_td_build1, n);
    HPy_Close(ctx, n);
    return result;
}

HPyDef_METH(td_floordiv_build3, "echo_timedelta__floordiv_build3", HPyFunc_O,
            .doc = "HPy_TypeCheck and td // timedelta(microseconds=1) to read, "
                   "helper(0, 0, us) calling the class to build")
static HPy td_floordiv_build3_impl(HPyContext *ctx, HPy self, HPy td)
{
    HPy cls = HPyGlobal_Load(ctx, g_timedelta);
    int ok = HPy_TypeCheck(ctx, td, cls);
    HPy_Close(ctx, cls);
    if (!ok)
        return wrong_type(ctx, "expected datetime.timedelta");
    HPy usec = HPyGlobal_Load(ctx, g_usec);
    HPy total = HPy_FloorDivide(ctx, td, usec);
    HPy_Close(ctx, usec);
    if (HPy_IsNull(total))
        return HPy_NULL;
    int64_t us = HPyLong_AsInt64_t(ctx, total);
    HPy_Close(ctx, total);
    if (us == -1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    int64_t f[3] = {us / 86400000000LL, us / 1000000 % 86400, us % 1000000};
    return call_with_ints(ctx, g_td_build3, f, 3);
}

static HPy dt_build_packed(HPyContext *ctx, const int64_t f[7])
{
    uint64_t p = ((((((((uint64_t)f[0] << 4 | f[1]) << 5 | f[2]) << 5 | f[3]) << 6 | f[4])
                   << 6 | f[5]) << 20 | f[6]) << 1);
    HPy packed = HPyLong_FromUInt64_t(ctx, p);
    HPy result = call_global1(ctx, g_dt_build, packed);
    HPy_Close(ctx, packed);
    return result;
}

HPyDef_METH(dt_helper_build, "echo_naive_datetime__helper_build", HPyFunc_O,
            .doc = "the packed-int helper to read, a helper taking the packed int to build")
static HPy dt_helper_build_impl(HPyContext *ctx, HPy self, HPy d)
{
    int64_t f[7];
    if (dt_read_packed(ctx, d, f) < 0)
        return HPy_NULL;
    return dt_build_packed(ctx, f);
}

HPyDef_METH(dt_helper_build7, "echo_naive_datetime__helper_build7", HPyFunc_O,
            .doc = "the packed-int helper to read, a helper(y, m, d, h, mi, s, us) to build")
static HPy dt_helper_build7_impl(HPyContext *ctx, HPy self, HPy d)
{
    int64_t f[7];
    if (dt_read_packed(ctx, d, f) < 0)
        return HPy_NULL;
    return call_with_ints(ctx, g_dt_build7, f, 7);
}

/* ---- parts, for conv_parts.py: each direction alone ---- */

HPyDef_METH(entry1, "entry1", HPyFunc_O, .doc = "one call of `lambda x: x`")
static HPy entry1_impl(HPyContext *ctx, HPy self, HPy x)
{
    return call_global1(ctx, g_identity, x);
}

HPyDef_METH(entry2, "entry2", HPyFunc_O, .doc = "two calls of `lambda x: x`")
static HPy entry2_impl(HPyContext *ctx, HPy self, HPy x)
{
    HPy y = call_global1(ctx, g_identity, x);
    if (HPy_IsNull(y))
        return HPy_NULL;
    HPy z = call_global1(ctx, g_identity, y);
    HPy_Close(ctx, y);
    return z;
}

static int64_t last_td[3] = {3, 5, 7};
static int64_t last_dt[7] = {2024, 3, 1, 2, 3, 4, 5};
static bigint last_bi;

HPyDef_METH(td_read, "td_read", HPyFunc_O, .doc = "the packed-int helper's read alone")
static HPy td_read_impl(HPyContext *ctx, HPy self, HPy td)
{
    return td_read_packed(ctx, td, last_td) < 0 ? HPy_NULL : HPy_Dup(ctx, td);
}

HPyDef_METH(td_build, "td_build", HPyFunc_O, .doc = "the class call alone (last fields read)")
static HPy td_build_impl(HPyContext *ctx, HPy self, HPy td)
{
    return call_with_ints(ctx, g_timedelta, last_td, 3);
}

HPyDef_METH(td_build_helper, "td_build_helper", HPyFunc_O,
            .doc = "the packed build helper alone (last fields read)")
static HPy td_build_helper_impl(HPyContext *ctx, HPy self, HPy td)
{
    HPy packed = HPyLong_FromInt64_t(ctx, (last_td[0] << 37) | (last_td[1] << 20) | last_td[2]);
    HPy result = call_global1(ctx, g_td_build, packed);
    HPy_Close(ctx, packed);
    return result;
}

HPyDef_METH(dt_read, "dt_read", HPyFunc_O, .doc = "the packed-int helper's read alone")
static HPy dt_read_impl(HPyContext *ctx, HPy self, HPy d)
{
    return dt_read_packed(ctx, d, last_dt) < 0 ? HPy_NULL : HPy_Dup(ctx, d);
}

HPyDef_METH(dt_build, "dt_build", HPyFunc_O, .doc = "the class call alone (last fields read)")
static HPy dt_build_impl(HPyContext *ctx, HPy self, HPy d)
{
    return call_with_ints(ctx, g_datetime, last_dt, 7);
}

HPyDef_METH(dt_build_helper, "dt_build_helper", HPyFunc_O,
            .doc = "the packed build helper alone (last fields read)")
static HPy dt_build_helper_impl(HPyContext *ctx, HPy self, HPy d)
{
    return dt_build_packed(ctx, last_dt);
}

HPyDef_METH(dt_build_state, "dt_build_state", HPyFunc_O,
            .doc = "datetime(<pickle state>) alone (last fields read)")
static HPy dt_build_state_impl(HPyContext *ctx, HPy self, HPy d)
{
    return dt_from_state(ctx, last_dt);
}

HPyDef_METH(bi_read, "bi_read", HPyFunc_O,
            .doc = "the 64-bit test and the to_bytes helper alone")
static HPy bi_read_impl(HPyContext *ctx, HPy self, HPy n)
{
    int64_t small;
    if (small_int(ctx, n, &small))
        return HPyLong_FromInt64_t(ctx, small);
    HPy ok = bigint_read_bytes(ctx, n, &last_bi);
    if (HPy_IsNull(ok))
        return HPy_NULL;
    HPy_Close(ctx, ok);
    return HPy_Dup(ctx, n);
}

HPyDef_METH(bi_small, "bi_small", HPyFunc_O, .doc = "the 64-bit test alone")
static HPy bi_small_impl(HPyContext *ctx, HPy self, HPy n)
{
    int64_t small;
    small_int(ctx, n, &small);
    return HPy_Dup(ctx, n);
}

HPyDef_METH(bi_bytes, "bi_bytes", HPyFunc_O,
            .doc = "126 bytes made in C, through `lambda x: x` and read back in C")
static HPy bi_bytes_impl(HPyContext *ctx, HPy self, HPy n)
{
    unsigned char buf[126] = {1};
    HPy b = HPyBytes_FromStringAndSize(ctx, (const char *)buf, sizeof buf);
    HPy back = call_global1(ctx, g_identity, b);
    HPy_Close(ctx, b);
    if (HPy_IsNull(back))
        return HPy_NULL;
    volatile unsigned char first = *HPyBytes_AsString(ctx, back);
    (void)first;
    HPy_Close(ctx, back);
    return HPy_Dup(ctx, n);
}

HPyDef_METH(bi_build, "bi_build", HPyFunc_O,
            .doc = "the from_bytes helper alone (the last int read)")
static HPy bi_build_impl(HPyContext *ctx, HPy self, HPy n)
{
    return bigint_build_bytes(ctx, &last_bi);
}

/* ---- module ---- */

static int store_attr(HPyContext *ctx, HPy obj, const char *name, HPyGlobal *out)
{
    HPy h = HPy_GetAttr_s(ctx, obj, name);
    if (HPy_IsNull(h))
        return -1;
    HPyGlobal_Store(ctx, out, h);
    HPy_Close(ctx, h);
    return 0;
}

/* A builtin by name (h_Builtins is the builtins dict on PyPy, the module
 * elsewhere). */
static int store_builtin(HPyContext *ctx, const char *name, HPyGlobal *out)
{
    HPy h = HPyDict_Check(ctx, ctx->h_Builtins) ? HPy_GetItem_s(ctx, ctx->h_Builtins, name)
                                                : HPy_GetAttr_s(ctx, ctx->h_Builtins, name);
    if (HPy_IsNull(h))
        return -1;
    HPyGlobal_Store(ctx, out, h);
    HPy_Close(ctx, h);
    return 0;
}

HPyDef_SLOT(designs_exec, HPy_mod_exec)
static int designs_exec_impl(HPyContext *ctx, HPy m)
{
    if (store_helper(ctx, SRC_DT_FIELDS, &g_dt_fields) < 0 ||
        store_helper(ctx, SRC_TD_FIELDS, &g_td_fields) < 0 ||
        store_helper(ctx, SRC_INT_TO_BYTES, &g_int_to_bytes) < 0 ||
        store_helper(ctx, SRC_INT_FROM_BYTES, &g_int_from_bytes) < 0 ||
        store_helper(ctx, SRC_TD_TUPLE, &g_td_tuple) < 0 ||
        store_helper(ctx, SRC_TD_BUILD, &g_td_build) < 0 ||
        store_helper(ctx, SRC_DT_TUPLE, &g_dt_tuple) < 0 ||
        store_helper(ctx, SRC_TD_BUILD3, &g_td_build3) < 0 ||
        store_helper(ctx, SRC_DT_BUILD, &g_dt_build) < 0 ||
        store_helper(ctx, SRC_DT_BUILD7, &g_dt_build7) < 0 ||
        store_helper(ctx, SRC_IDENTITY, &g_identity) < 0 ||
        store_helper(ctx, SRC_TD_BUILD1, &g_td_build1) < 0 ||
        store_helper(ctx, SRC_DT_FROM_STATE, &g_dt_from_state) < 0 ||
        store_helper(ctx, SRC_DT_FROM_STATE_TZ, &g_dt_from_state_tz) < 0)
        return -1;
    HPy datetime = HPyImport_ImportModule(ctx, "datetime");
    if (HPy_IsNull(datetime))
        return -1;
    HPy td = HPy_GetAttr_s(ctx, datetime, "timedelta");
    HPy dt = HPy_GetAttr_s(ctx, datetime, "datetime");
    HPy_Close(ctx, datetime);
    if (HPy_IsNull(td) || HPy_IsNull(dt))
        return -1;
    HPyGlobal_Store(ctx, &g_timedelta, td);
    HPyGlobal_Store(ctx, &g_datetime, dt);
    int bad = store_attr(ctx, td, "__reduce__", &g_td_reduce) < 0 ||
              store_attr(ctx, dt, "__reduce__", &g_dt_reduce) < 0 ||
              store_attr(ctx, td, "resolution", &g_usec) < 0 ||
              store_builtin(ctx, "hex", &g_hex) < 0 ||
              store_attr(ctx, ctx->h_LongType, "bit_length", &g_bit_length) < 0 ||
              store_attr(ctx, ctx->h_LongType, "to_bytes", &g_to_bytes) < 0 ||
              store_attr(ctx, ctx->h_LongType, "from_bytes", &g_from_bytes) < 0;
    HPy little = HPyUnicode_FromString(ctx, "little");
    HPyGlobal_Store(ctx, &g_little, little);
    HPy_Close(ctx, little);
    HPy_Close(ctx, td);
    HPy_Close(ctx, dt);
    return bad ? -1 : 0;
}

static HPyDef *designs_defines[] = {
    &td_helper, &td_tuple, &td_reduce, &td_floordiv, &td_helper_build, &td_tupledict,
    &dt_helper, &dt_tuple, &dt_reduce, &dt_helper_state, &dt_reduce_state,
    &bi_helper, &bi_direct, &bi_hex, &bi_hex_read, &bi_hex_build,
    &td_helper_build3, &td_floordiv_build3, &td_floordiv_mul, &td_floordiv_build1,
    &dt_helper_state2, &dt_helper_state_tz, &td_read_fd, &td_build_h3, &td_build_h1, &dt_helper_build, &dt_helper_build7,
    &entry1, &entry2, &td_read, &td_build, &td_build_helper, &dt_read, &dt_build,
    &dt_build_helper, &dt_build_state, &bi_small, &bi_bytes, &bi_read, &bi_build,
    &designs_exec, NULL};

static HPyGlobal *designs_globals[] = {
    &g_dt_fields, &g_td_fields, &g_int_to_bytes, &g_int_from_bytes,
    &g_td_tuple, &g_td_build, &g_dt_tuple, &g_datetime, &g_timedelta,
    &g_dt_reduce, &g_td_reduce, &g_usec, &g_hex,
    &g_td_build3, &g_dt_build, &g_dt_build7, &g_identity,
    &g_bit_length, &g_to_bytes, &g_from_bytes, &g_little,
    &g_td_build1, &g_dt_from_state, &g_dt_from_state_tz, NULL};

static HPyModuleDef designs_def = {
    .doc = "Issue 41's three slow PyPy rows converted by several C HPy designs.",
    .defines = designs_defines,
    .globals = designs_globals,
};

HPy_MODINIT(conv_designs, designs_def)
