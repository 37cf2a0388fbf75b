/* simple_hpyc: the call-overhead workload of examples/simple, written in C
 * against HPy 0.9.0. Built twice by setup.py, for the CPython ABI and for
 * the universal ABI. Every function does as little as possible. */

#include "hpy.h"

HPyDef_METH(noargs, "noargs", HPyFunc_NOARGS, .doc = "Takes nothing, returns None.")
static HPy noargs_impl(HPyContext *ctx, HPy self)
{
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(onearg, "onearg", HPyFunc_O, .doc = "Takes one argument, returns None.")
static HPy onearg_impl(HPyContext *ctx, HPy self, HPy arg)
{
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(varargs, "varargs", HPyFunc_VARARGS, .doc = "Takes any positional arguments, returns None.")
static HPy varargs_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(call_with_tuple, "call_with_tuple", HPyFunc_VARARGS, .doc = "f(*t).")
static HPy call_with_tuple_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    if (nargs != 2) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "call_with_tuple() takes exactly 2 arguments");
        return HPy_NULL;
    }
    return HPy_CallTupleDict(ctx, args[0], args[1], HPy_NULL);
}

HPyDef_METH(call_with_tuple_and_dict, "call_with_tuple_and_dict", HPyFunc_VARARGS, .doc = "f(*t, **d).")
static HPy call_with_tuple_and_dict_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    if (nargs != 3) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "call_with_tuple_and_dict() takes exactly 3 arguments");
        return HPy_NULL;
    }
    return HPy_CallTupleDict(ctx, args[0], args[1], args[2]);
}

HPyDef_METH(allocate_int, "allocate_int", HPyFunc_NOARGS, .doc = "Returns a new int, 2048.")
static HPy allocate_int_impl(HPyContext *ctx, HPy self)
{
    return HPyLong_FromLong(ctx, 2048);
}

HPyDef_METH(allocate_tuple, "allocate_tuple", HPyFunc_NOARGS, .doc = "Returns a new tuple, (2048, 2049).")
static HPy allocate_tuple_impl(HPyContext *ctx, HPy self)
{
    HPy items[2];
    items[0] = HPyLong_FromLong(ctx, 2048);
    if (HPy_IsNull(items[0]))
        return HPy_NULL;
    items[1] = HPyLong_FromLong(ctx, 2049);
    if (HPy_IsNull(items[1])) {
        HPy_Close(ctx, items[0]);
        return HPy_NULL;
    }
    HPy result = HPyTuple_FromArray(ctx, items, 2);
    HPy_Close(ctx, items[0]);
    HPy_Close(ctx, items[1]);
    return result;
}

/* class Foo */

typedef struct {
    char unused;
} FooObject;

HPyType_HELPERS(FooObject)

HPyDef_SLOT(Foo_new, HPy_tp_new)
static HPy Foo_new_impl(HPyContext *ctx, HPy type, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    if (nargs != 0 || (!HPy_IsNull(kw) && HPy_Length(ctx, kw) != 0)) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "Foo() takes no arguments");
        return HPy_NULL;
    }
    FooObject *data;
    return HPy_New(ctx, type, &data);
}

HPyDef_METH(Foo_noargs, "noargs", HPyFunc_NOARGS)
static HPy Foo_noargs_impl(HPyContext *ctx, HPy self)
{
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(Foo_onearg, "onearg", HPyFunc_O)
static HPy Foo_onearg_impl(HPyContext *ctx, HPy self, HPy arg)
{
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(Foo_varargs, "varargs", HPyFunc_VARARGS)
static HPy Foo_varargs_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_SLOT(Foo_len, HPy_mp_length)
static HPy_ssize_t Foo_len_impl(HPyContext *ctx, HPy self)
{
    return 42;
}

HPyDef_SLOT(Foo_getitem, HPy_mp_subscript)
static HPy Foo_getitem_impl(HPyContext *ctx, HPy self, HPy key)
{
    return HPy_Dup(ctx, ctx->h_None);
}

static HPyDef *Foo_defines[] = {
    &Foo_new, &Foo_noargs, &Foo_onearg, &Foo_varargs, &Foo_len, &Foo_getitem, NULL
};

static HPyType_Spec Foo_spec = {
    .name = "simple_hpyc.Foo",
    .basicsize = sizeof(FooObject),
    .builtin_shape = HPyType_BuiltinShape_Object,
    .defines = Foo_defines,
    .doc = "A class whose methods do nothing.",
};

HPyDef_SLOT(module_exec, HPy_mod_exec)
static int module_exec_impl(HPyContext *ctx, HPy m)
{
    HPy foo = HPyType_FromSpec(ctx, &Foo_spec, NULL);
    if (HPy_IsNull(foo))
        return -1;
    int err = HPy_SetAttr_s(ctx, m, "Foo", foo) || HPy_SetAttr_s(ctx, m, "HTFoo", foo);
    HPy_Close(ctx, foo);
    return err ? -1 : 0;
}

static HPyDef *module_defines[] = {
    &noargs, &onearg, &varargs, &call_with_tuple, &call_with_tuple_and_dict,
    &allocate_int, &allocate_tuple, &module_exec, NULL
};

static HPyModuleDef moduledef = {
    .doc = "Functions and a class that do nothing, to measure call overhead (C, HPy).",
    .defines = module_defines,
};

HPy_MODINIT(simple_hpyc, moduledef)
