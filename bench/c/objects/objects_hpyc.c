/* objects_hpyc: making small objects in C against HPy 0.9, the C HPy twin
 * of bench/objects_hpyrs (hpy-rs) and objects_capi.c (CPython's C API),
 * for bench/object-twins. Built for the universal ABI (setup.py); the same
 * binary loads through hpy_rs_universal on CPython and through PyPy's own
 * hpy.universal: it calls none of the context functions after h_Builtins,
 * which PyPy 7.3.19's context puts one slot later (hpy-sys's universal.rs).
 *
 *   Var(x)             a float; v * k is a new Var
 *   Term(var, c)       a float and a Var in an HPyField (GC-tracked, with
 *                      tp_traverse); t * k is a new Term of the same Var
 *   make_var(x), make_term(var, c)   the same as calling the classes
 *   nothing(x), nothing_term(var, c) the same arguments, converted and
 *                      checked the same way, and None back: the baselines
 *   Op() * k           the operator's baseline: k converted, None back
 *
 * The classes are kept in HPyGlobals (HPy 0.9 has no module state).
 * Operators are the nb_multiply slot and, as hpy-rs publishes them and as
 * bench/c/kiwi's twin does, also a `__mul__` method: PyPy dispatches `*`
 * through the type's `__mul__`, and the wrapper it makes of a slot costs
 * three HPy calls more per operation. A non-float operand gives
 * NotImplemented (so Python raises TypeError). */

#include <stddef.h>
#include <string.h>

#include "hpy.h"
#include "../hpy_twin.h"

typedef struct {
    double value;
} VarObject;

typedef struct {
    HPyField var; /* a Var, never empty once made */
    double coefficient;
} TermObject;

typedef struct {
    char unused;
} OpObject;

HPyType_HELPERS(VarObject)
HPyType_HELPERS(TermObject)
HPyType_HELPERS(OpObject)

static HPyGlobal g_Var, g_Term, g_Op;

/* The operand of `*` as a double; 1 with *k set, 0 for NotImplemented (not
 * a number), -1 on another error. */
static int operand(HPyContext *ctx, HPy b, double *k)
{
    *k = HPyFloat_AsDouble(ctx, b);
    if (*k == -1.0 && HPyErr_Occurred(ctx)) {
        if (!HPyErr_ExceptionMatches(ctx, ctx->h_TypeError))
            return -1;
        HPyErr_Clear(ctx);
        return 0;
    }
    return 1;
}

/* Converts an argument to a double, with the message hpy-rs gives. */
static int float_arg(HPyContext *ctx, HPy o, double *x, const char *message)
{
    *x = HPyFloat_AsDouble(ctx, o);
    if (*x == -1.0 && HPyErr_Occurred(ctx)) {
        if (HPyErr_ExceptionMatches(ctx, ctx->h_TypeError)) {
            HPyErr_Clear(ctx);
            HPyErr_SetString(ctx, ctx->h_TypeError, message);
        }
        return -1;
    }
    return 0;
}

/* A new Var of the class `type`. */
static HPy new_var(HPyContext *ctx, HPy type, double value)
{
    VarObject *v;
    HPy h = HPy_New(ctx, type, &v);
    if (!HPy_IsNull(h))
        v->value = value;
    return h;
}

/* A new Term of the class `type` holding `var`. */
static HPy new_term(HPyContext *ctx, HPy type, HPy var, double coefficient)
{
    TermObject *t;
    HPy h = HPy_New(ctx, type, &t);
    if (HPy_IsNull(h))
        return h;
    HPyField_Store(ctx, h, &t->var, var);
    t->coefficient = coefficient;
    return h;
}

/* Whether `o` is a Var, with hpy-rs's message if not. */
static int var_arg(HPyContext *ctx, HPy o, const char *message)
{
    HPy var_t = HPyGlobal_Load(ctx, g_Var);
    int ok = HPy_TypeCheck(ctx, o, var_t);
    HPy_Close(ctx, var_t);
    if (ok)
        return 0;
    HPyErr_SetString(ctx, ctx->h_TypeError, message);
    return -1;
}

/* A constructor's arguments other than one positional argument per
 * parameter (the fast path, which needs none of this): `n` parameters named
 * `names`, from the positional arguments and the keywords, into `out` (new
 * handles, HPy_NULL for a parameter not given; the caller closes them).
 * HPy 0.9.0's CPython runtime gives the keywords as a dict; PyPy 7.3.19's
 * HPy as a tuple of names whose values follow the positional arguments
 * (the vectorcall convention). The dict is read by name: HPyDict_Keys is
 * one of the context functions PyPy puts one slot later. */
static int ctor_args(HPyContext *ctx, const char *message, const char *const *names, int n,
                     const HPy *args, HPy_ssize_t nargs, HPy kw, HPy *out)
{
    HPy_ssize_t nkw = HPy_IsNull(kw) ? 0 : HPy_Length(ctx, kw);
    HPy_ssize_t found = 0;
    for (int i = 0; i < n; i++)
        out[i] = i < nargs ? HPy_Dup(ctx, args[i]) : HPy_NULL;
    if (nargs > n || nkw < 0)
        goto fail;
    if (nkw > 0 && HPyTuple_Check(ctx, kw)) {
        for (HPy_ssize_t j = 0; j < nkw; j++) {
            HPy name = HPy_GetItem_i(ctx, kw, j);
            HPy_ssize_t size;
            const char *s = HPy_IsNull(name) ? NULL : HPyUnicode_AsUTF8AndSize(ctx, name, &size);
            int i = 0;
            while (s != NULL && i < n && strcmp(s, names[i]) != 0)
                i++;
            HPy_Close(ctx, name);
            if (s == NULL || i == n || !HPy_IsNull(out[i]))
                goto fail;
            out[i] = HPy_Dup(ctx, args[nargs + j]);
            found++;
        }
    } else if (nkw > 0) {
        for (int i = (int)nargs; i < n; i++) {
            out[i] = HPy_GetItem_s(ctx, kw, names[i]);
            if (HPy_IsNull(out[i]))
                HPyErr_Clear(ctx);
            else
                found++;
        }
    }
    for (int i = 0; i < n; i++)
        if (HPy_IsNull(out[i]))
            goto fail;
    if (found == nkw)
        return 0;
fail:
    for (int i = 0; i < n; i++)
        if (!HPy_IsNull(out[i]))
            HPy_Close(ctx, out[i]);
    if (!HPyErr_Occurred(ctx))
        HPyErr_SetString(ctx, ctx->h_TypeError, message);
    return -1;
}

/* ---- Var ---- */

HPyDef_SLOT(Var_new, HPy_tp_new)
static HPy Var_new_impl(HPyContext *ctx, HPy type, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    double x;
    if (nargs == 1 && (HPy_IsNull(kw) || HPy_Length(ctx, kw) == 0)) {
        if (float_arg(ctx, args[0], &x, "Var() argument 'x' must be float") < 0)
            return HPy_NULL;
        return new_var(ctx, type, x);
    }
    static const char *const names[] = {"x"};
    HPy a[1];
    if (ctor_args(ctx, "Var() takes one argument, x", names, 1, args, nargs, kw, a) < 0)
        return HPy_NULL;
    int r = float_arg(ctx, a[0], &x, "Var() argument 'x' must be float");
    HPy_Close(ctx, a[0]);
    return r < 0 ? HPy_NULL : new_var(ctx, type, x);
}

/* `a * k` for a receiver of the class `tp` (already checked). */
typedef HPy (*times_fn)(HPyContext *ctx, HPy tp, HPy a, HPy b);

/* nb_multiply of the class kept in `global`: `times` when `a` is one of
   its instances, else NotImplemented. */
static inline HPy mul_slot(HPyContext *ctx, HPyGlobal global, times_fn times, HPy a, HPy b)
{
    HPy tp = HPyGlobal_Load(ctx, global);
    HPy result = HPy_TypeCheck(ctx, a, tp) ? times(ctx, tp, a, b)
                                           : HPy_Dup(ctx, ctx->h_NotImplemented);
    HPy_Close(ctx, tp);
    return result;
}

/* The `__mul__` method of the class kept in `global` (the method
   descriptor checked the receiver). */
static inline HPy mul_method(HPyContext *ctx, HPyGlobal global, times_fn times, HPy self,
                             HPy other)
{
    HPy tp = HPyGlobal_Load(ctx, global);
    HPy result = times(ctx, tp, self, other);
    HPy_Close(ctx, tp);
    return result;
}

/* v * k, the Var `a` (checked by the caller) and the operand `b`. */
static HPy var_times(HPyContext *ctx, HPy var_t, HPy a, HPy b)
{
    double k;
    int ok = operand(ctx, b, &k);
    if (ok <= 0)
        return ok < 0 ? HPy_NULL : HPy_Dup(ctx, ctx->h_NotImplemented);
    return new_var(ctx, var_t, VarObject_AsStruct(ctx, a)->value * k);
}

HPyDef_SLOT(Var_mul, HPy_nb_multiply)
static HPy Var_mul_impl(HPyContext *ctx, HPy a, HPy b)
{
    return mul_slot(ctx, g_Var, var_times, a, b);
}

HPyDef_METH(Var_mul_method, "__mul__", HPyFunc_O)
static HPy Var_mul_method_impl(HPyContext *ctx, HPy self, HPy other)
{
    return mul_method(ctx, g_Var, var_times, self, other);
}

HPyDef_MEMBER(Var_value, "value", HPyMember_DOUBLE, offsetof(VarObject, value), .readonly = 1,
              .doc = "The float it holds.")

static HPyDef *Var_defines[] = {&Var_new, &Var_mul, &Var_mul_method, &Var_value, NULL};

static HPyType_Spec Var_spec = {
    .name = "objects_hpyc.Var",
    .basicsize = sizeof(VarObject),
    .flags = HPy_TPFLAGS_DEFAULT,
    .builtin_shape = HPyType_BuiltinShape_Object,
    .defines = Var_defines,
    .doc = "A float, frozen.",
};

/* ---- Term ---- */

HPyDef_SLOT(Term_new, HPy_tp_new)
static HPy Term_new_impl(HPyContext *ctx, HPy type, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    double c;
    if (nargs == 2 && (HPy_IsNull(kw) || HPy_Length(ctx, kw) == 0)) {
        if (var_arg(ctx, args[0], "Term() argument 'var' must be Var") < 0 ||
            float_arg(ctx, args[1], &c, "Term() argument 'coefficient' must be float") < 0)
            return HPy_NULL;
        return new_term(ctx, type, args[0], c);
    }
    static const char *const names[] = {"var", "coefficient"};
    HPy a[2];
    if (ctor_args(ctx, "Term() takes two arguments, var and coefficient", names, 2, args, nargs,
                  kw, a) < 0)
        return HPy_NULL;
    HPy result = HPy_NULL;
    if (var_arg(ctx, a[0], "Term() argument 'var' must be Var") == 0 &&
        float_arg(ctx, a[1], &c, "Term() argument 'coefficient' must be float") == 0)
        result = new_term(ctx, type, a[0], c);
    HPy_Close(ctx, a[0]);
    HPy_Close(ctx, a[1]);
    return result;
}

HPyDef_SLOT(Term_traverse, HPy_tp_traverse)
static int Term_traverse_impl(void *self, HPyFunc_visitproc visit, void *arg)
{
    HPy_VISIT(&((TermObject *)self)->var);
    return 0;
}

/* t * k, the Term `a` (checked by the caller) and the operand `b`. */
static HPy term_times(HPyContext *ctx, HPy term_t, HPy a, HPy b)
{
    double k;
    int ok = operand(ctx, b, &k);
    if (ok <= 0)
        return ok < 0 ? HPy_NULL : HPy_Dup(ctx, ctx->h_NotImplemented);
    TermObject *t = TermObject_AsStruct(ctx, a);
    HPy var = HPyField_Load(ctx, a, t->var);
    HPy result = new_term(ctx, term_t, var, t->coefficient * k);
    HPy_Close(ctx, var);
    return result;
}

HPyDef_SLOT(Term_mul, HPy_nb_multiply)
static HPy Term_mul_impl(HPyContext *ctx, HPy a, HPy b)
{
    return mul_slot(ctx, g_Term, term_times, a, b);
}

HPyDef_METH(Term_mul_method, "__mul__", HPyFunc_O)
static HPy Term_mul_method_impl(HPyContext *ctx, HPy self, HPy other)
{
    return mul_method(ctx, g_Term, term_times, self, other);
}

HPyDef_MEMBER(Term_coefficient, "coefficient", HPyMember_DOUBLE,
              offsetof(TermObject, coefficient), .readonly = 1, .doc = "The coefficient.")

HPyDef_GET(Term_var, "var", .doc = "The Var it refers to.")
static HPy Term_var_get(HPyContext *ctx, HPy self, void *closure)
{
    return HPyField_Load(ctx, self, TermObject_AsStruct(ctx, self)->var);
}

static HPyDef *Term_defines[] = {
    &Term_new, &Term_traverse, &Term_mul, &Term_mul_method, &Term_coefficient, &Term_var, NULL,
};

static HPyType_Spec Term_spec = {
    .name = "objects_hpyc.Term",
    .basicsize = sizeof(TermObject),
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC,
    .builtin_shape = HPyType_BuiltinShape_Object,
    .defines = Term_defines,
    .doc = "A coefficient and the Var it multiplies, frozen.",
};

/* ---- Op, the operator's baseline ---- */

HPyDef_SLOT(Op_new, HPy_tp_new)
static HPy Op_new_impl(HPyContext *ctx, HPy type, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    if (nargs != 0 || (!HPy_IsNull(kw) && HPy_Length(ctx, kw) != 0)) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "Op() takes no arguments");
        return HPy_NULL;
    }
    OpObject *data;
    return HPy_New(ctx, type, &data);
}

static HPy op_times(HPyContext *ctx, HPy b)
{
    double k;
    int ok = operand(ctx, b, &k);
    if (ok < 0)
        return HPy_NULL;
    return HPy_Dup(ctx, ok ? ctx->h_None : ctx->h_NotImplemented);
}

HPyDef_SLOT(Op_mul, HPy_nb_multiply)
static HPy Op_mul_impl(HPyContext *ctx, HPy a, HPy b)
{
    HPy op_t = HPyGlobal_Load(ctx, g_Op);
    int is_op = HPy_TypeCheck(ctx, a, op_t);
    HPy_Close(ctx, op_t);
    return is_op ? op_times(ctx, b) : HPy_Dup(ctx, ctx->h_NotImplemented);
}

HPyDef_METH(Op_mul_method, "__mul__", HPyFunc_O)
static HPy Op_mul_method_impl(HPyContext *ctx, HPy self, HPy other)
{
    return op_times(ctx, other);
}

static HPyDef *Op_defines[] = {&Op_new, &Op_mul, &Op_mul_method, NULL};

static HPyType_Spec Op_spec = {
    .name = "objects_hpyc.Op",
    .basicsize = sizeof(OpObject),
    .flags = HPy_TPFLAGS_DEFAULT,
    .builtin_shape = HPyType_BuiltinShape_Object,
    .defines = Op_defines,
    .doc = "The operator baseline: Op() * k converts k and makes nothing.",
};

/* ---- module functions ---- */

HPyDef_METH(make_var, "make_var", HPyFunc_O, .doc = "Var(x).")
static HPy make_var_impl(HPyContext *ctx, HPy self, HPy arg)
{
    double x;
    if (float_arg(ctx, arg, &x, "make_var() argument 'x' must be float") < 0)
        return HPy_NULL;
    HPy var_t = HPyGlobal_Load(ctx, g_Var);
    HPy result = new_var(ctx, var_t, x);
    HPy_Close(ctx, var_t);
    return result;
}

HPyDef_METH(make_term, "make_term", HPyFunc_VARARGS, .doc = "Term(var, c).")
static HPy make_term_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    double c;
    if (nargs != 2) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "make_term() takes 2 positional arguments");
        return HPy_NULL;
    }
    if (var_arg(ctx, args[0], "make_term() argument 'var' must be Var") < 0 ||
        float_arg(ctx, args[1], &c, "make_term() argument 'c' must be float") < 0)
        return HPy_NULL;
    HPy term_t = HPyGlobal_Load(ctx, g_Term);
    HPy result = new_term(ctx, term_t, args[0], c);
    HPy_Close(ctx, term_t);
    return result;
}

HPyDef_METH(nothing, "nothing", HPyFunc_O,
            .doc = "Converts x as make_var does and returns None.")
static HPy nothing_impl(HPyContext *ctx, HPy self, HPy arg)
{
    double x;
    if (float_arg(ctx, arg, &x, "nothing() argument 'x' must be float") < 0)
        return HPy_NULL;
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(nothing_term, "nothing_term", HPyFunc_VARARGS,
            .doc = "Converts its arguments as make_term does and returns None.")
static HPy nothing_term_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    double c;
    if (nargs != 2) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "nothing_term() takes 2 positional arguments");
        return HPy_NULL;
    }
    if (var_arg(ctx, args[0], "nothing_term() argument 'var' must be Var") < 0 ||
        float_arg(ctx, args[1], &c, "nothing_term() argument 'c' must be float") < 0)
        return HPy_NULL;
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_SLOT(module_exec, HPy_mod_exec)
static int module_exec_impl(HPyContext *ctx, HPy m)
{
    if (add_type(ctx, m, &Var_spec, "Var", &g_Var) < 0 ||
        add_type(ctx, m, &Term_spec, "Term", &g_Term) < 0 ||
        add_type(ctx, m, &Op_spec, "Op", &g_Op) < 0)
        return -1;
    return 0;
}

static HPyDef *module_defines[] = {
    &make_var, &make_term, &nothing, &nothing_term, &module_exec, NULL,
};
static HPyGlobal *module_globals[] = {&g_Var, &g_Term, &g_Op, NULL};

static HPyModuleDef moduledef = {
    .doc = "Small objects made in C against HPy 0.9 (bench/object-twins).",
    .size = 0,
    .defines = module_defines,
    .globals = module_globals,
};

HPy_MODINIT(objects_hpyc, moduledef)
