/* ujson_floor: the HPy calls a JSON encoder and decoder cannot avoid, in C
 * against HPy 0.9, for bench/ujson-run: the floor a row of the ujson port
 * is compared with on the same host. No JSON text is read or written:
 *
 *   walk(obj, sort_keys)  visits obj as an encoder must: tells each value's
 *                         type by HPy's checks in ujson's order (True,
 *                         False, int, str, None, float, dict, list, tuple),
 *                         reads an int's value, a str's UTF-8, a float's
 *                         double, a dict's keys (HPyDict_Keys, sorted by
 *                         calling list.sort when asked) and each key's value
 *                         (HPy_GetItem), a list's or tuple's items
 *                         (HPy_GetItem_i); returns the count of values.
 *   prepare(obj)          copies obj into a C tape (outside any timing),
 *                         returns its number;
 *   text(n, how)          makes one str (or bytes) of n ASCII bytes from a C
 *                         buffer, the way an encoder hands over its output,
 *                         by the call `how` names (see text_impl): what a
 *                         dumps result costs the host apart from the JSON work;
 *   utf8(obj, reps)       reads the UTF-8 of obj (a str) reps times
 *                         (HPyUnicode_AsUTF8AndSize), what an encoder does
 *                         per string value;
 *   strs(s, how, reps)    makes a str equal to s (a str) reps times from its
 *                         UTF-8 or its code points, by the call `how` names
 *                         (see strs_impl): what a decoder's strings cost;
 *   build(n)              makes tape n's objects again, as a decoder makes
 *                         them: HPyDict_New and HPy_SetItem, HPyListBuilder
 *                         (on PyPy, whose builders leak, HPyList_Append),
 *                         HPyUnicode_DecodeASCII (ASCII, but on PyPy) or
 *                         HPyUnicode_FromString, HPyLong_FromInt64_t,
 *                         HPyFloat_FromDouble, the True/False/None constants
 *                         lent; a dict key the port's decoder shares within
 *                         a call (its key table), every string value it
 *                         shares by the same rule, and every int or float the
 *                         tape holds more than once (the port shares repeated
 *                         values), made once a call and lent after, as the
 *                         port lends them.
 *
 * The same binary loads through hpy_rs_universal on CPython and through
 * PyPy's own HPy. PyPy 7.3.19's context has one more handle after
 * h_Builtins than HPy 0.9.0's header (hpy-sys's universal.rs says more), so
 * HPyDict_Keys, the one function used from after it, is read one slot
 * later on any host but hpy_rs_universal; HPy_CallTupleDict, from before
 * it, stands for HPy_CallMethod. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "hpy.h"

/* 1 where HPyDict_Keys is one slot later than the header says. */
static int late_slot;

static HPy dict_keys(HPyContext *ctx, HPy d)
{
    /* ctx_Dict_Copy, the field after ctx_Dict_Keys, has its type. */
    return late_slot ? (&ctx->ctx_Dict_Keys)[1](ctx, d) : ctx->ctx_Dict_Keys(ctx, d);
}

/* HPyUnicode_FromEncodedObject, also after h_Builtins. */
static HPy from_encoded_object(HPyContext *ctx, HPy obj, const char *encoding, const char *errors)
{
    /* ctx_Unicode_Substring, the field after it, has another type: read
       the slot through the right one. */
    typedef HPy (*Fn)(HPyContext *, HPy, const char *, const char *);
    if (!late_slot)
        return ctx->ctx_Unicode_FromEncodedObject(ctx, obj, encoding, errors);
    Fn f = (Fn)(void *)(&ctx->ctx_Unicode_Substring)[0];
    return f(ctx, obj, encoding, errors);
}

/* ---- walk ---------------------------------------------------------------- */

static int64_t walk_value(HPyContext *ctx, HPy obj, int sort_keys, int depth);

static int64_t walk_items(HPyContext *ctx, HPy seq, int depth)
{
    HPy_ssize_t n = HPy_Length(ctx, seq);
    if (n < 0)
        return -1;
    int64_t count = 0;
    for (HPy_ssize_t i = 0; i < n; i++) {
        HPy item = HPy_GetItem_i(ctx, seq, i);
        if (HPy_IsNull(item))
            return -1;
        int64_t c = walk_value(ctx, item, 0, depth + 1);
        HPy_Close(ctx, item);
        if (c < 0)
            return -1;
        count += c;
    }
    return count;
}

static int64_t walk_dict(HPyContext *ctx, HPy d, int sort_keys, int depth)
{
    HPy keys = dict_keys(ctx, d);
    if (HPy_IsNull(keys))
        return -1;
    int64_t count = -1;
    if (sort_keys) {
        HPy sort = HPy_GetAttr_s(ctx, keys, "sort");
        if (HPy_IsNull(sort))
            goto done;
        HPy args = HPyTuple_FromArray(ctx, NULL, 0);
        HPy r = HPy_IsNull(args) ? HPy_NULL : HPy_CallTupleDict(ctx, sort, args, HPy_NULL);
        HPy_Close(ctx, sort);
        HPy_Close(ctx, args);
        if (HPy_IsNull(r))
            goto done;
        HPy_Close(ctx, r);
    }
    HPy_ssize_t n = HPy_Length(ctx, keys);
    if (n < 0)
        goto done;
    count = 0;
    for (HPy_ssize_t i = 0; i < n && count >= 0; i++) {
        HPy key = HPy_GetItem_i(ctx, keys, i);
        if (HPy_IsNull(key)) {
            count = -1;
            break;
        }
        HPy_ssize_t size;
        if (HPyUnicode_Check(ctx, key) && HPyUnicode_AsUTF8AndSize(ctx, key, &size) == NULL) {
            HPy_Close(ctx, key);
            count = -1;
            break;
        }
        HPy value = HPy_GetItem(ctx, d, key);
        HPy_Close(ctx, key);
        if (HPy_IsNull(value)) {
            count = -1;
            break;
        }
        int64_t c = walk_value(ctx, value, sort_keys, depth + 1);
        HPy_Close(ctx, value);
        count = c < 0 ? -1 : count + c;
    }
done:
    HPy_Close(ctx, keys);
    return count;
}

static int64_t walk_value(HPyContext *ctx, HPy obj, int sort_keys, int depth)
{
    if (depth > 1024) {
        HPyErr_SetString(ctx, ctx->h_OverflowError, "too deep");
        return -1;
    }
    if (HPy_Is(ctx, obj, ctx->h_True) || HPy_Is(ctx, obj, ctx->h_False))
        return 1;
    if (HPy_TypeCheck(ctx, obj, ctx->h_LongType)) {
        int64_t v = HPyLong_AsInt64_t(ctx, obj);
        if (v == -1 && HPyErr_Occurred(ctx))
            return -1;
        return 1;
    }
    if (HPyUnicode_Check(ctx, obj)) {
        HPy_ssize_t size;
        return HPyUnicode_AsUTF8AndSize(ctx, obj, &size) == NULL ? -1 : 1;
    }
    if (HPy_Is(ctx, obj, ctx->h_None))
        return 1;
    if (HPy_TypeCheck(ctx, obj, ctx->h_FloatType)) {
        double v = HPyFloat_AsDouble(ctx, obj);
        return v == -1.0 && HPyErr_Occurred(ctx) ? -1 : 1;
    }
    if (HPyDict_Check(ctx, obj)) {
        int64_t c = walk_dict(ctx, obj, sort_keys, depth);
        return c < 0 ? -1 : c + 1;
    }
    if (HPyList_Check(ctx, obj) || HPyTuple_Check(ctx, obj)) {
        int64_t c = walk_items(ctx, obj, depth);
        return c < 0 ? -1 : c + 1;
    }
    HPyErr_SetString(ctx, ctx->h_TypeError, "not a JSON value");
    return -1;
}

/* Whether a function was given `want` arguments; if not, a TypeError
   naming its `usage`. */
static int args_ok(HPyContext *ctx, size_t nargs, size_t want, const char *usage)
{
    if (nargs == want)
        return 1;
    HPyErr_SetString(ctx, ctx->h_TypeError, usage);
    return 0;
}

HPyDef_METH(walk, "walk", HPyFunc_VARARGS)
static HPy walk_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    if (!args_ok(ctx, nargs, 2, "walk(obj, sort_keys)"))
        return HPy_NULL;
    int sort_keys = HPy_IsTrue(ctx, args[1]);
    if (sort_keys < 0)
        return HPy_NULL;
    int64_t c = walk_value(ctx, args[0], sort_keys, 0);
    return c < 0 ? HPy_NULL : HPyLong_FromInt64_t(ctx, c);
}

/* ---- text: the result of an encoder, made by one call ------------------- */

static char *text_buf;
static HPy_ssize_t text_cap;

/* how: 0 HPyUnicode_DecodeASCII, 1 HPyUnicode_FromString (NUL-terminated),
   2 HPyUnicode_DecodeLatin1, 3 HPyUnicode_FromEncodedObject of a bytes
   object made first (encoding "ascii"), 4 the bytes object alone
   (HPyBytes_FromStringAndSize), 5 HPyUnicode_DecodeFSDefaultAndSize. */
HPyDef_METH(text, "text", HPyFunc_VARARGS)
static HPy text_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    if (!args_ok(ctx, nargs, 2, "text(n, how)"))
        return HPy_NULL;
    HPy_ssize_t n = HPyLong_AsSsize_t(ctx, args[0]);
    long how = HPyLong_AsLong(ctx, args[1]);
    if (HPyErr_Occurred(ctx))
        return HPy_NULL;
    if (n < 0) {
        HPyErr_SetString(ctx, ctx->h_ValueError, "n < 0");
        return HPy_NULL;
    }
    if (n + 1 > text_cap) {
        char *b = realloc(text_buf, n + 1);
        if (b == NULL)
            return HPyErr_NoMemory(ctx);
        text_buf = b;
        text_cap = n + 1;
        /* JSON-like ASCII: an escaped Arabic text's \uXXXX runs. */
        static const char pattern[] = "\"\\u0646\\u0638\\u0627\\u0645 ";
        for (HPy_ssize_t k = 0; k < n; k++)
            text_buf[k] = pattern[k % (sizeof pattern - 1)];
        text_buf[n] = 0;
    }
    switch (how) {
    case 0:
        return HPyUnicode_DecodeASCII(ctx, text_buf, n, NULL);
    case 1:
        text_buf[n] = 0;
        return HPyUnicode_FromString(ctx, text_buf);
    case 2:
        return HPyUnicode_DecodeLatin1(ctx, text_buf, n, NULL);
    case 3: {
        HPy b = HPyBytes_FromStringAndSize(ctx, text_buf, n);
        if (HPy_IsNull(b))
            return HPy_NULL;
        HPy s = from_encoded_object(ctx, b, "ascii", NULL);
        HPy_Close(ctx, b);
        return s;
    }
    case 4:
        return HPyBytes_FromStringAndSize(ctx, text_buf, n);
    case 5:
        return HPyUnicode_DecodeFSDefaultAndSize(ctx, text_buf, n);
    }
    HPyErr_SetString(ctx, ctx->h_ValueError, "no such way");
    return HPy_NULL;
}

HPyDef_METH(utf8, "utf8", HPyFunc_VARARGS)
static HPy utf8_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    if (!args_ok(ctx, nargs, 2, "utf8(obj, reps)"))
        return HPy_NULL;
    long reps = HPyLong_AsLong(ctx, args[1]);
    if (reps == -1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    HPy_ssize_t total = 0;
    for (long k = 0; k < reps; k++) {
        HPy_ssize_t size;
        const char *s = HPyUnicode_AsUTF8AndSize(ctx, args[0], &size);
        if (s == NULL)
            return HPy_NULL;
        total += size + (unsigned char)s[0];
    }
    return HPyLong_FromSsize_t(ctx, total);
}

/* how: 0 HPyUnicode_FromString (UTF-8, NUL-terminated), 1
   HPyUnicode_FromWideChar (code points, wchar_t being 32 bits here), 2
   HPyUnicode_DecodeFSDefaultAndSize (UTF-8 by its length; the file-system
   encoding is UTF-8 here), 3 HPyUnicode_FromEncodedObject of a bytes
   object made first (UTF-8). The strs made are closed at once. */
HPyDef_METH(strs, "strs", HPyFunc_VARARGS)
static HPy strs_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    if (!args_ok(ctx, nargs, 3, "strs(s, how, reps)"))
        return HPy_NULL;
    long how = HPyLong_AsLong(ctx, args[1]);
    long reps = HPyLong_AsLong(ctx, args[2]);
    if (HPyErr_Occurred(ctx))
        return HPy_NULL;
    HPy_ssize_t n;
    const char *utf8 = HPyUnicode_AsUTF8AndSize(ctx, args[0], &n);
    if (utf8 == NULL)
        return HPy_NULL;
    char *copy = malloc(n + 1);
    wchar_t *wide = malloc((n + 1) * sizeof(wchar_t));
    if (copy == NULL || wide == NULL) {
        free(copy);
        free(wide);
        return HPyErr_NoMemory(ctx);
    }
    memcpy(copy, utf8, n + 1);
    /* The code points, from the UTF-8 (well-formed: it came from a str). */
    HPy_ssize_t w = 0;
    for (HPy_ssize_t k = 0; k < n;) {
        unsigned char c = (unsigned char)copy[k];
        int len = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
        unsigned int cp = len == 1 ? c : len == 2 ? c & 0x1f : len == 3 ? c & 0x0f : c & 0x07;
        for (int j = 1; j < len; j++)
            cp = (cp << 6) | ((unsigned char)copy[k + j] & 0x3f);
        wide[w++] = (wchar_t)cp;
        k += len;
    }
    HPy result = HPy_NULL;
    for (long k = 0; k < reps; k++) {
        HPy made;
        switch (how) {
        case 0:
            made = HPyUnicode_FromString(ctx, copy);
            break;
        case 1:
            made = HPyUnicode_FromWideChar(ctx, wide, w);
            break;
        case 2:
            made = HPyUnicode_DecodeFSDefaultAndSize(ctx, copy, n);
            break;
        case 3: {
            HPy b = HPyBytes_FromStringAndSize(ctx, copy, n);
            made = HPy_IsNull(b) ? HPy_NULL : from_encoded_object(ctx, b, "utf-8", NULL);
            HPy_Close(ctx, b);
            break;
        }
        default:
            HPyErr_SetString(ctx, ctx->h_ValueError, "no such way");
            made = HPy_NULL;
        }
        if (HPy_IsNull(made))
            break;
        if (k == reps - 1)
            result = made;
        else
            HPy_Close(ctx, made);
    }
    free(copy);
    free(wide);
    if (HPy_IsNull(result) && !HPyErr_Occurred(ctx))
        return HPy_Dup(ctx, ctx->h_None);
    return result;
}

/* ---- the tape, and build ------------------------------------------------ */

enum { T_NONE, T_TRUE, T_FALSE, T_INT, T_FLOAT, T_STR, T_LIST, T_DICT };

typedef struct {
    int tag;
    int ascii;     /* T_STR: every byte below 128 */
    int64_t i;     /* T_INT: the value; T_LIST, T_DICT: the item count */
    double d;      /* T_FLOAT */
    char *s;       /* T_STR: NUL-terminated UTF-8 */
    HPy_ssize_t n; /* T_STR: its length */
    int64_t key;   /* T_STR of a dict key the port shares: its number + 1 */
    int64_t shared; /* T_INT, T_FLOAT found more than once: its number + 1
                       (after the keys') */
} Rec;

typedef struct {
    Rec *recs;
    size_t len, cap;
    /* The distinct texts of the keys and string values the port shares
       within a call (its decoder's key table and its table of strings:
       see number_key), found here before any timing, so that build makes
       each once a call and lends it after, as the port does at best (no
       lookup cost). */
    char **keys;
    int64_t nkeys, capkeys;
    /* The numbers found more than once in the tape, numbered after the
       keys: build makes each once a call and lends it after, as the port's
       decoder lends a number it read before (its number table), at best:
       every repeated number, with no lookup cost. */
    int64_t nshared;
} Tape;

#define MAX_TAPES 64
static Tape tapes[MAX_TAPES];
static int ntapes;

static Rec *push(HPyContext *ctx, Tape *t)
{
    if (t->len == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 1024;
        Rec *r = realloc(t->recs, cap * sizeof(Rec));
        if (r == NULL) {
            HPyErr_NoMemory(ctx);
            return NULL;
        }
        t->recs = r;
        t->cap = cap;
    }
    Rec *r = &t->recs[t->len++];
    memset(r, 0, sizeof *r);
    return r;
}

static int put_str(HPyContext *ctx, Rec *r, HPy obj)
{
    HPy_ssize_t n;
    const char *s = HPyUnicode_AsUTF8AndSize(ctx, obj, &n);
    if (s == NULL)
        return -1;
    r->tag = T_STR;
    r->s = malloc(n + 1);
    if (r->s == NULL) {
        HPyErr_NoMemory(ctx);
        return -1;
    }
    memcpy(r->s, s, n + 1);
    r->n = n;
    r->ascii = 1;
    for (HPy_ssize_t k = 0; k < n; k++)
        if ((unsigned char)s[k] >= 128)
            r->ascii = 0;
    return 0;
}

/* The length of the JSON text of the string of UTF-8 s (n bytes) as
   json.dumps writes it, with ensure_ascii (the benchmark's documents), its
   quotes left out. */
static HPy_ssize_t json_text_length(const char *s, HPy_ssize_t n)
{
    HPy_ssize_t len = 0;
    for (HPy_ssize_t k = 0; k < n; k++) {
        unsigned char c = (unsigned char)s[k];
        if (c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' ||
            c == '\t')
            len += 2;
        else if (c < 0x20 || c == 0x7f)
            len += 6;
        else if (c < 0x80)
            len += 1;
        else if (c >= 0xf0)
            len += 12; /* a surrogate pair */
        else if (c >= 0xc0)
            len += 6;  /* a continuation byte adds nothing */
    }
    return len;
}

/* Numbers the key (or string value) kr if the port's decoder would share
   it: its key table (plain ASCII keys of at most 32 bytes) and its table
   of string values (any string whose JSON text is at most 1,024 bytes)
   take no text that starts like a number. */
static int number_key(HPyContext *ctx, Tape *t, Rec *kr)
{
    if ((kr->n > 0 && (kr->s[0] == '-' || (kr->s[0] >= '0' && kr->s[0] <= '9'))) ||
        json_text_length(kr->s, kr->n) > 1024)
        return 0;
    for (int64_t k = 0; k < t->nkeys; k++) {
        if (strcmp(t->keys[k], kr->s) == 0) {
            kr->key = k + 1;
            return 0;
        }
    }
    if (t->nkeys == t->capkeys) {
        int64_t cap = t->capkeys ? 2 * t->capkeys : 64;
        char **keys = realloc(t->keys, cap * sizeof(char *));
        if (keys == NULL) {
            HPyErr_NoMemory(ctx);
            return -1;
        }
        t->keys = keys;
        t->capkeys = cap;
    }
    t->keys[t->nkeys++] = kr->s;
    kr->key = t->nkeys;
    return 0;
}

static int put(HPyContext *ctx, Tape *t, HPy obj)
{
    Rec *r = push(ctx, t);
    if (r == NULL)
        return -1;
    if (HPy_Is(ctx, obj, ctx->h_None)) {
        r->tag = T_NONE;
    } else if (HPy_Is(ctx, obj, ctx->h_True)) {
        r->tag = T_TRUE;
    } else if (HPy_Is(ctx, obj, ctx->h_False)) {
        r->tag = T_FALSE;
    } else if (HPy_TypeCheck(ctx, obj, ctx->h_LongType)) {
        r->tag = T_INT;
        r->i = HPyLong_AsInt64_t(ctx, obj);
        if (r->i == -1 && HPyErr_Occurred(ctx))
            return -1;
    } else if (HPy_TypeCheck(ctx, obj, ctx->h_FloatType)) {
        r->tag = T_FLOAT;
        r->d = HPyFloat_AsDouble(ctx, obj);
    } else if (HPyUnicode_Check(ctx, obj)) {
        /* A string value the port shares (its table of strings) is
           numbered as a shared key is. */
        if (put_str(ctx, r, obj) < 0)
            return -1;
        return number_key(ctx, t, r);
    } else if (HPyList_Check(ctx, obj)) {
        HPy_ssize_t n = HPy_Length(ctx, obj);
        r->tag = T_LIST;
        r->i = n;
        for (HPy_ssize_t k = 0; k < n; k++) {
            HPy item = HPy_GetItem_i(ctx, obj, k);
            if (HPy_IsNull(item))
                return -1;
            int e = put(ctx, t, item);
            HPy_Close(ctx, item);
            if (e < 0)
                return -1;
        }
    } else if (HPyDict_Check(ctx, obj)) {
        HPy keys = dict_keys(ctx, obj);
        if (HPy_IsNull(keys))
            return -1;
        HPy_ssize_t n = HPy_Length(ctx, keys);
        r->tag = T_DICT;
        r->i = n;
        for (HPy_ssize_t k = 0; k < n; k++) {
            HPy key = HPy_GetItem_i(ctx, keys, k);
            HPy value = HPy_IsNull(key) ? HPy_NULL : HPy_GetItem(ctx, obj, key);
            int e = HPy_IsNull(value) ? -1 : 0;
            Rec *kr = e ? NULL : push(ctx, t);
            e = kr == NULL ? -1 : put_str(ctx, kr, key);
            if (e == 0)
                e = number_key(ctx, t, kr);
            if (e == 0)
                e = put(ctx, t, value);
            HPy_Close(ctx, key);
            HPy_Close(ctx, value);
            if (e < 0) {
                HPy_Close(ctx, keys);
                return -1;
            }
        }
        HPy_Close(ctx, keys);
    } else {
        HPyErr_SetString(ctx, ctx->h_TypeError, "prepare: not a JSON value");
        return -1;
    }
    return 0;
}

/* A number's identity for sharing: its tag and its bits. */
static uint64_t number_bits(const Rec *r)
{
    uint64_t bits;
    if (r->tag == T_INT)
        return (uint64_t)r->i;
    memcpy(&bits, &r->d, sizeof bits);
    return bits;
}

/* Numbers (see Tape) the ints and floats found more than once, by an open
   addressing table of their tag and bits: counted in a first pass,
   numbered in a second. */
static int number_values(HPyContext *ctx, Tape *t)
{
    typedef struct { uint64_t bits; int tag; int64_t count, id; } Entry;
    size_t size = 16;
    while (size < 2 * t->len)
        size *= 2;
    Entry *table = calloc(size, sizeof(Entry));
    if (table == NULL) {
        HPyErr_NoMemory(ctx);
        return -1;
    }
    for (int pass = 0; pass < 2; pass++) {
        for (size_t k = 0; k < t->len; k++) {
            Rec *r = &t->recs[k];
            if (r->tag != T_INT && r->tag != T_FLOAT)
                continue;
            uint64_t bits = number_bits(r);
            size_t at = (size_t)((bits ^ (uint64_t)r->tag) * 0x9e3779b97f4a7c15u) & (size - 1);
            while (table[at].count && !(table[at].bits == bits && table[at].tag == r->tag))
                at = (at + 1) & (size - 1);
            Entry *e = &table[at];
            if (pass == 0) {
                e->bits = bits;
                e->tag = r->tag;
                e->count++;
            } else if (e->count > 1) {
                if (e->id == 0)
                    e->id = t->nkeys + ++t->nshared;
                r->shared = e->id;
            }
        }
    }
    free(table);
    return 0;
}

HPyDef_METH(prepare, "prepare", HPyFunc_O)
static HPy prepare_impl(HPyContext *ctx, HPy self, HPy obj)
{
    if (ntapes == MAX_TAPES) {
        HPyErr_SetString(ctx, ctx->h_RuntimeError, "too many tapes");
        return HPy_NULL;
    }
    Tape *t = &tapes[ntapes];
    if (put(ctx, t, obj) < 0 || number_values(ctx, t) < 0)
        return HPy_NULL;
    return HPyLong_FromInt64_t(ctx, ntapes++);
}

/* The shared number r (see Tape), lent: made the first time into
   made[shared - 1]. */
static HPy shared_number(HPyContext *ctx, const Rec *r, HPy *made, int *lent)
{
    HPy *slot = &made[r->shared - 1];
    if (HPy_IsNull(*slot)) {
        *slot = r->tag == T_INT ? HPyLong_FromInt64_t(ctx, r->i) : HPyFloat_FromDouble(ctx, r->d);
        if (HPy_IsNull(*slot))
            return HPy_NULL;
    }
    *lent = 1;
    return *slot;
}

/* Makes the value at *at, advancing *at past it. A shared key or number
   (see Tape), made the first time into made[key - 1] or
   made[shared - 1], and the None, True and
   False constants are lent, as the port lends them: *lent is set, and the
   caller does not close them. */
static HPy make(HPyContext *ctx, const Rec *recs, size_t *at, HPy *made, int *lent)
{
    const Rec *r = &recs[(*at)++];
    *lent = 1;
    if (r->key) {
        HPy *slot = &made[r->key - 1];
        if (HPy_IsNull(*slot)) {
            *slot = r->ascii && !late_slot ? HPyUnicode_DecodeASCII(ctx, r->s, r->n, NULL)
                                           : HPyUnicode_FromString(ctx, r->s);
            if (HPy_IsNull(*slot))
                return HPy_NULL;
        }
        return *slot;
    }
    switch (r->tag) {
    case T_NONE:
        return ctx->h_None;
    case T_TRUE:
        return ctx->h_True;
    case T_FALSE:
        return ctx->h_False;
    }
    *lent = 0;
    switch (r->tag) {
    case T_INT:
        if (r->shared)
            return shared_number(ctx, r, made, lent);
        return HPyLong_FromInt64_t(ctx, r->i);
    case T_FLOAT:
        if (r->shared)
            return shared_number(ctx, r, made, lent);
        return HPyFloat_FromDouble(ctx, r->d);
    case T_STR:
        /* The cheaper call for ASCII on each host: on PyPy FromString
           (hpy/DESIGN.md, "Short text on PyPy"). */
        return r->ascii && !late_slot ? HPyUnicode_DecodeASCII(ctx, r->s, r->n, NULL)
                                      : HPyUnicode_FromString(ctx, r->s);
    case T_LIST: {
        if (late_slot) {
            /* PyPy 7.3.19's list builders leak (hpy-rs's
               Quirk::LeakyBuilders): a list grown by HPyList_Append, as
               hpy-rs builds one there. */
            HPy list = HPyList_New(ctx, 0);
            for (int64_t k = 0; k < r->i && !HPy_IsNull(list); k++) {
                int item_lent;
                HPy item = make(ctx, recs, at, made, &item_lent);
                if (HPy_IsNull(item) || HPyList_Append(ctx, list, item) < 0) {
                    HPy_Close(ctx, list);
                    list = HPy_NULL;
                }
                if (!item_lent)
                    HPy_Close(ctx, item);
            }
            return list;
        }
        HPyListBuilder b = HPyListBuilder_New(ctx, r->i);
        for (int64_t k = 0; k < r->i; k++) {
            int item_lent;
            HPy item = make(ctx, recs, at, made, &item_lent);
            if (HPy_IsNull(item)) {
                HPyListBuilder_Cancel(ctx, b);
                return HPy_NULL;
            }
            HPyListBuilder_Set(ctx, b, k, item);
            if (!item_lent)
                HPy_Close(ctx, item);
        }
        return HPyListBuilder_Build(ctx, b);
    }
    case T_DICT: {
        HPy d = HPyDict_New(ctx);
        if (HPy_IsNull(d))
            return HPy_NULL;
        for (int64_t k = 0; k < r->i; k++) {
            int key_lent, value_lent = 0;
            HPy key = make(ctx, recs, at, made, &key_lent);
            HPy value = HPy_IsNull(key) ? HPy_NULL : make(ctx, recs, at, made, &value_lent);
            int e = HPy_IsNull(value) ? -1 : HPy_SetItem(ctx, d, key, value);
            if (!key_lent)
                HPy_Close(ctx, key);
            if (!value_lent)
                HPy_Close(ctx, value);
            if (e < 0) {
                HPy_Close(ctx, d);
                return HPy_NULL;
            }
        }
        return d;
    }
    }
    HPyErr_SetString(ctx, ctx->h_SystemError, "bad tape");
    return HPy_NULL;
}

HPyDef_METH(build, "build", HPyFunc_O)
static HPy build_impl(HPyContext *ctx, HPy self, HPy arg)
{
    int64_t n = HPyLong_AsInt64_t(ctx, arg);
    if (n == -1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    if (n < 0 || n >= ntapes) {
        HPyErr_SetString(ctx, ctx->h_IndexError, "no such tape");
        return HPy_NULL;
    }
    size_t at = 0;
    int64_t nmade = tapes[n].nkeys + tapes[n].nshared;
    HPy *made = calloc(nmade + 1, sizeof(HPy));
    if (made == NULL)
        return HPyErr_NoMemory(ctx);
    int lent;
    HPy result = make(ctx, tapes[n].recs, &at, made, &lent);
    if (lent && !HPy_IsNull(result))
        result = HPy_Dup(ctx, result);
    for (int64_t k = 0; k < nmade; k++)
        if (!HPy_IsNull(made[k]))
            HPy_Close(ctx, made[k]);
    free(made);
    return result;
}

/* The host's layout (see the top). */
HPyDef_SLOT(exec, HPy_mod_exec)
static int exec_impl(HPyContext *ctx, HPy module)
{
    static const char suffix[] = "(hpy-rs host on CPython)";
    size_t n = strlen(ctx->name), k = sizeof suffix - 1;
    late_slot = !(n >= k && strcmp(ctx->name + n - k, suffix) == 0);
    return 0;
}

static HPyDef *module_defines[] = {&walk, &text, &utf8, &strs, &prepare, &build, &exec, NULL};

static HPyModuleDef moduledef = {
    .doc = "The HPy calls of a JSON encoder and decoder, for bench/ujson-run.",
    .size = 0,
    .defines = module_defines,
};

HPy_MODINIT(ujson_floor, moduledef)
