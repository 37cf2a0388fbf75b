/* pypy_costs: what single HPy operations cost on PyPy's HPy (universal
 * ABI), for bench/pypy-costs/run.py. Each function does one kind of work
 * and nothing else, so that the difference between two rows is the cost
 * of one operation. Built with hpy.devel: `setup.py build_ext
 * --hpy-abi=universal --inplace` (see run.py). */

#include "hpy.h"

/* PyPy 7.3.19's context has one more handle (h_DictType) after h_Builtins
 * than hpy 0.9.0's header, so the 19 functions after it (HPy_Call among
 * them) sit one slot later (hpy-sys/src/universal.rs, "the two context
 * layouts"): this module runs on PyPy only, and calls HPy_Call there. */
typedef HPy (*call_fn)(HPyContext *, HPy, const HPy *, size_t, HPy);
#define PYPY_HPy_Call(ctx, f, args, n, kw) \
    ((*(call_fn *)((char *)&(ctx)->ctx_Call + sizeof(HPy)))((ctx), (f), (args), (n), (kw)))

/* ---- a class without tp_destroy, and one with a (trivial) tp_destroy ---- */

typedef struct {
    long value;
    HPyField field;
} PlainObject;

HPyType_HELPERS(PlainObject)

HPyDef_SLOT(Plain_traverse, HPy_tp_traverse)
static int Plain_traverse_impl(void *self, HPyFunc_visitproc visit, void *arg)
{
    PlainObject *p = (PlainObject *)self;
    HPy_VISIT(&p->field);
    return 0;
}

/* __next__ published as an ordinary method (HPy 0.9 has no tp_iternext
 * slot on PyPy, so this is how an HPy iterator's __next__ is reached):
 * counts `value` down to 0, then raises StopIteration. */
HPyDef_METH(Plain_next, "__next__", HPyFunc_NOARGS)
static HPy Plain_next_impl(HPyContext *ctx, HPy self)
{
    PlainObject *p = PlainObject_AsStruct(ctx, self);
    if (p->value <= 0) {
        HPyErr_SetObject(ctx, ctx->h_StopIteration, ctx->h_None);
        return HPy_NULL;
    }
    p->value--;
    return HPy_Dup(ctx, ctx->h_None);
}

/* The same, plus what an hpy-rs iterator over stored objects does per
 * item: load a field, type-check it against a global type, load a field
 * of it. */
static HPyGlobal g_plain_type;

HPyDef_METH(Plain_next_rich, "next_rich", HPyFunc_NOARGS)
static HPy Plain_next_rich_impl(HPyContext *ctx, HPy self)
{
    PlainObject *p = PlainObject_AsStruct(ctx, self);
    if (p->value <= 0) {
        HPyErr_SetObject(ctx, ctx->h_StopIteration, ctx->h_None);
        return HPy_NULL;
    }
    p->value--;
    HPy store = HPyField_Load(ctx, self, p->field);
    HPy ty = HPyGlobal_Load(ctx, g_plain_type);
    int ok = HPy_TypeCheck(ctx, store, ty);
    HPy_Close(ctx, ty);
    PlainObject *s = PlainObject_AsStruct(ctx, store);
    HPy item = HPyField_Load(ctx, store, s->field);
    HPy_Close(ctx, store);
    (void)ok;
    return item;
}

HPyDef_METH(Plain_iter, "__iter__", HPyFunc_NOARGS)
static HPy Plain_iter_impl(HPyContext *ctx, HPy self)
{
    return HPy_Dup(ctx, self);
}

/* noop(): the cost of a method call with no HPy call inside but the result. */
HPyDef_METH(Plain_noop, "noop", HPyFunc_NOARGS)
static HPy Plain_noop_impl(HPyContext *ctx, HPy self)
{
    return HPy_Dup(ctx, ctx->h_None);
}

/* dups(k): k HPy_Dup + HPy_Close pairs (2k crossings into PyPy). */
HPyDef_METH(Plain_dups, "dups", HPyFunc_O)
static HPy Plain_dups_impl(HPyContext *ctx, HPy self, HPy arg)
{
    long k = HPyLong_AsLong(ctx, arg);
    for (long i = 0; i < k; i++) {
        HPy h = HPy_Dup(ctx, self);
        HPy_Close(ctx, h);
    }
    return HPy_Dup(ctx, ctx->h_None);
}

/* loads(k): k HPyField_Load + HPy_Close pairs. */
HPyDef_METH(Plain_loads, "loads", HPyFunc_O)
static HPy Plain_loads_impl(HPyContext *ctx, HPy self, HPy arg)
{
    long k = HPyLong_AsLong(ctx, arg);
    PlainObject *p = PlainObject_AsStruct(ctx, self);
    for (long i = 0; i < k; i++) {
        HPy h = HPyField_Load(ctx, self, p->field);
        HPy_Close(ctx, h);
    }
    return HPy_Dup(ctx, ctx->h_None);
}

/* stores(obj, k): k HPyField_Store of obj into self. */
HPyDef_METH(Plain_stores, "stores", HPyFunc_VARARGS)
static HPy Plain_stores_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    long k = HPyLong_AsLong(ctx, args[1]);
    PlainObject *p = PlainObject_AsStruct(ctx, self);
    for (long i = 0; i < k; i++)
        HPyField_Store(ctx, self, &p->field, args[0]);
    return HPy_Dup(ctx, ctx->h_None);
}

/* hashes(obj, k): k HPy_Hash(obj). */
HPyDef_METH(Plain_hashes, "hashes", HPyFunc_VARARGS)
static HPy Plain_hashes_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    long k = HPyLong_AsLong(ctx, args[1]);
    HPy_hash_t acc = 0;
    for (long i = 0; i < k; i++)
        acc += HPy_Hash(ctx, args[0]);
    return HPyLong_FromLong(ctx, (long)(acc & 1));
}

/* typechecks(k): k HPyGlobal_Load + HPy_TypeCheck + HPy_Close of self
 * against its type (what a type check of a class instance costs in the
 * universal ABI, where the type lives in a global). */
static int typecheck_loop(HPyContext *ctx, HPy obj, long k)
{
    int n = 0;
    for (long i = 0; i < k; i++) {
        HPy ty = HPyGlobal_Load(ctx, g_plain_type);
        n += HPy_TypeCheck(ctx, obj, ty);
        HPy_Close(ctx, ty);
    }
    return n;
}

HPyDef_METH(Plain_typechecks, "typechecks", HPyFunc_O)
static HPy Plain_typechecks_impl(HPyContext *ctx, HPy self, HPy arg)
{
    return HPyLong_FromLong(ctx, typecheck_loop(ctx, self, HPyLong_AsLong(ctx, arg)));
}

/* typechecks_miss(obj, k): the same against an object of another class
 * (an operand tried as a class it is not). */
HPyDef_METH(Plain_typechecks_miss, "typechecks_miss", HPyFunc_VARARGS)
static HPy Plain_typechecks_miss_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    return HPyLong_FromLong(ctx, typecheck_loop(ctx, args[0], HPyLong_AsLong(ctx, args[1])));
}

/* is_checks(obj, k): k exact-class tests of obj the other way: its type
 * (HPy_Type), HPyGlobal_Load of the class, HPy_Is, two HPy_Close. */
HPyDef_METH(Plain_is_checks, "is_checks", HPyFunc_VARARGS)
static HPy Plain_is_checks_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    long k = HPyLong_AsLong(ctx, args[1]);
    int n = 0;
    for (long i = 0; i < k; i++) {
        HPy t = HPy_Type(ctx, args[0]);
        HPy ty = HPyGlobal_Load(ctx, g_plain_type);
        n += HPy_Is(ctx, t, ty);
        HPy_Close(ctx, ty);
        HPy_Close(ctx, t);
    }
    return HPyLong_FromLong(ctx, n);
}

/* new(): one instance of the same class (no tp_destroy). */
HPyDef_METH(Plain_new, "new", HPyFunc_NOARGS)
static HPy Plain_new_impl(HPyContext *ctx, HPy self)
{
    HPy ty = HPy_Type(ctx, self);
    PlainObject *p;
    HPy h = HPy_New(ctx, ty, &p);
    HPy_Close(ctx, ty);
    return h;
}


/* next_all(it, next): calls next(it) (the builtin, through HPy_Call) until
 * StopIteration; returns the number of items: how hpy-rs's Handle::iter
 * reads an iterable in the universal ABI (HPy 0.9 has no HPyIter_Next). */
HPyDef_METH(Plain_next_all, "next_all", HPyFunc_VARARGS)
static HPy Plain_next_all_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    long n = 0;
    for (;;) {
        HPy item = PYPY_HPy_Call(ctx, args[1], &args[0], 1, HPy_NULL);
        if (HPy_IsNull(item)) {
            if (!HPyErr_ExceptionMatches(ctx, ctx->h_StopIteration))
                return HPy_NULL;
            HPyErr_Clear(ctx);
            break;
        }
        HPy_Close(ctx, item);
        n++;
    }
    return HPyLong_FromLong(ctx, n);
}

/* getitem_all(seq): HPy_Length, then HPy_GetItem_i of every index. */
HPyDef_METH(Plain_getitem_all, "getitem_all", HPyFunc_O)
static HPy Plain_getitem_all_impl(HPyContext *ctx, HPy self, HPy seq)
{
    HPy_ssize_t n = HPy_Length(ctx, seq);
    for (HPy_ssize_t i = 0; i < n; i++) {
        HPy item = HPy_GetItem_i(ctx, seq, i);
        if (HPy_IsNull(item))
            return HPy_NULL;
        HPy_Close(ctx, item);
    }
    return HPyLong_FromLong(ctx, (long)n);
}

/* tuple_items(seq): tuple(seq) through one HPy_Call of the builtin
 * `tuple`, then HPy_GetItem_i of every index. */
HPyDef_METH(Plain_tuple_items, "tuple_items", HPyFunc_VARARGS)
static HPy Plain_tuple_items_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    HPy t = PYPY_HPy_Call(ctx, args[1], &args[0], 1, HPy_NULL);
    if (HPy_IsNull(t))
        return HPy_NULL;
    HPy_ssize_t n = HPy_Length(ctx, t);
    for (HPy_ssize_t i = 0; i < n; i++) {
        HPy item = HPy_GetItem_i(ctx, t, i);
        HPy_Close(ctx, item);
    }
    HPy_Close(ctx, t);
    return HPyLong_FromLong(ctx, (long)n);
}

HPyDef_SLOT(Plain_tp_new, HPy_tp_new)
static HPy Plain_tp_new_impl(HPyContext *ctx, HPy cls, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    PlainObject *p;
    HPy h = HPy_New(ctx, cls, &p);
    if (HPy_IsNull(h))
        return h;
    p->value = nargs > 0 ? HPyLong_AsLong(ctx, args[0]) : 0;
    if (nargs > 1)
        HPyField_Store(ctx, h, &p->field, args[1]);
    return h;
}

static HPyDef *Plain_defines[] = {
    &Plain_traverse, &Plain_tp_new, &Plain_next, &Plain_next_rich, &Plain_iter, &Plain_noop,
    &Plain_dups, &Plain_loads, &Plain_stores, &Plain_hashes, &Plain_typechecks, &Plain_typechecks_miss, &Plain_is_checks, &Plain_new,
    &Plain_next_all, &Plain_getitem_all, &Plain_tuple_items,
    NULL
};

static HPyType_Spec Plain_spec = {
    .name = "pypy_costs.Plain",
    .basicsize = sizeof(PlainObject),
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC,
    .defines = Plain_defines,
};

/* Destroyed: the same data with a tp_destroy that does nothing. */
HPyDef_SLOT(Destroyed_destroy, HPy_tp_destroy)
static void Destroyed_destroy_impl(void *obj)
{
    (void)obj;
}

static HPyDef *Destroyed_defines[] = {
    &Plain_traverse, &Plain_tp_new, &Destroyed_destroy, &Plain_new, NULL
};

static HPyType_Spec Destroyed_spec = {
    .name = "pypy_costs.Destroyed",
    .basicsize = sizeof(PlainObject),
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC,
    .defines = Destroyed_defines,
};

HPyDef_SLOT(module_exec, HPy_mod_exec)
static int module_exec_impl(HPyContext *ctx, HPy m)
{
    if (!HPyHelpers_AddType(ctx, m, "Plain", &Plain_spec, NULL))
        return -1;
    if (!HPyHelpers_AddType(ctx, m, "Destroyed", &Destroyed_spec, NULL))
        return -1;
    HPy ty = HPy_GetAttr_s(ctx, m, "Plain");
    if (HPy_IsNull(ty))
        return -1;
    HPyGlobal_Store(ctx, &g_plain_type, ty);
    HPy_Close(ctx, ty);
    return 0;
}

static HPyDef *module_defines[] = { &module_exec, NULL };
static HPyGlobal *module_globals[] = { &g_plain_type, NULL };

static HPyModuleDef moduledef = {
    .doc = "Micro-benchmarks of single HPy operations on PyPy.",
    .defines = module_defines,
    .globals = module_globals,
};

HPy_MODINIT(pypy_costs, moduledef)
