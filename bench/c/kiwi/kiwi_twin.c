/* kiwi_twin: kiwisolver 1.5.1's symbolic classes (Variable, Term,
 * Expression, Constraint) and their operators written in C against HPy
 * 0.9, as lean as C HPy allows: the floor that hpy-rs's port
 * (examples/kiwisolver) is measured against in bench/object-costs. No
 * solver: only the object graph, with the shape of kiwisolver's C++
 * objects (a Term holds its Variable and a coefficient, an Expression a
 * tuple of Terms and a constant, a Constraint its reduced Expression, an
 * operator and a strength).
 *
 * One source, several modules: the levers of issue 40's item 3 are
 * compile-time switches (bench/c/kiwi/setup.py builds one module per
 * combination, named after it):
 *
 *   TWIN_DESTROY      every class has a (trivial) HPy_tp_destroy
 *   TWIN_GC_VARIABLE  Variable holds a context object (a field) and is
 *                     GC-tracked with tp_traverse, as kiwisolver's C++
 *                     Variable is; otherwise it holds no object (its name
 *                     inline, like std::string's short-string buffer)
 *   TWIN_INLINE       fewer objects: an Expression keeps its terms inline
 *                     (variables in fields, coefficients beside them),
 *                     makes Term objects only when `terms()` is read, and
 *                     a comparison builds `lhs - rhs` already reduced in
 *                     one Expression (no intermediate objects)
 *   TWIN_PAYLOAD      what a Constraint holds for a solver, a copy of its
 *                     terms as (variable identity, coefficient) pairs, as
 *                     kiwi::Constraint does: 0 nothing; 1 malloc'd and
 *                     freed by tp_destroy (a payload that needs Drop); 2
 *                     malloc'd and never freed (what freeing costs, by
 *                     difference); 3 in a bytes object held by a field
 *                     (memory the GC owns: no finalizer)
 *   TWIN_SAFE_NEW     Variable's constructor is a `__new__` that PyPy
 *                     cannot crash: a KEYWORDS method of a companion
 *                     object, set on the class as a staticmethod, which
 *                     checks the class it is given (`HPy_Is`) before
 *                     making the instance, as hpy-rs does on PyPy (issue
 *                     36: PyPy 7.3.19 hands `tp_new` a class handle naming
 *                     no object for `Variable.__new__(default=1)`, and this
 *                     twin's `tp_new`, as every C HPy `tp_new`, then
 *                     crashes); PyPy only (it calls HPy_Call at PyPy's
 *                     slot, see bench/pypy-costs/pypy_costs.c)
 *
 * `made()` counts the objects the module has made (instances and tuples).
 */

#include <stdlib.h>
#include <string.h>

#include "hpy.h"
#include "../hpy_twin.h"

#ifndef TWIN_NAME
#define TWIN_NAME kiwi_twin
#endif
#ifndef TWIN_DESTROY
#define TWIN_DESTROY 0
#endif
#ifndef TWIN_GC_VARIABLE
#define TWIN_GC_VARIABLE 0
#endif
#ifndef TWIN_INLINE
#define TWIN_INLINE 0
#endif
#ifndef TWIN_PAYLOAD
#define TWIN_PAYLOAD 0
#endif
#ifndef TWIN_SAFE_NEW
#define TWIN_SAFE_NEW 0
#endif

#define STR_(x) #x
#define STR(x) STR_(x)
#define MODNAME STR(TWIN_NAME)

/* Inline expressions hold at most this many terms (HPy 0.9 has no
 * variable-size instances); the workloads use at most 4. */
#define MAX_TERMS 8

static long objects_made;

enum { OP_LE = 0, OP_GE = 1, OP_EQ = 2 };

/* ---- the classes' storage ---- */

typedef struct {
    double value;
    char name[24];
#if TWIN_GC_VARIABLE
    HPyField context;
#endif
} VariableObject;

typedef struct {
    HPyField variable;
    double coefficient;
} TermObject;

typedef struct {
    double constant;
#if TWIN_INLINE
    int n;
    double coefficient[MAX_TERMS];
    HPyField variable[MAX_TERMS];
#else
    HPyField terms; /* a tuple of Terms */
#endif
} ExpressionObject;

typedef struct {
    const void *variable; /* the Variable's storage: the solver's key */
    double coefficient;
} PayloadTerm;

typedef struct {
    int n;
    double constant;
    PayloadTerm terms[];
} Payload;

typedef struct {
    HPyField expression;
    int op;
    double strength;
#if TWIN_PAYLOAD == 1 || TWIN_PAYLOAD == 2
    Payload *payload;
#elif TWIN_PAYLOAD == 3
    HPyField payload;
#endif
} ConstraintObject;

HPyType_HELPERS(VariableObject)
HPyType_HELPERS(TermObject)
HPyType_HELPERS(ExpressionObject)
HPyType_HELPERS(ConstraintObject)

static HPyGlobal g_Variable, g_Term, g_Expression, g_Constraint;

static HPy new_instance(HPyContext *ctx, HPyGlobal type, void **data)
{
    HPy t = HPyGlobal_Load(ctx, type);
    HPy h = HPy_New(ctx, t, data);
    HPy_Close(ctx, t);
    if (!HPy_IsNull(h))
        objects_made++;
    return h;
}

/* ---- operands ---- */

enum { K_NONE, K_NUM, K_VAR, K_TERM, K_EXPR };

static int is_type(HPyContext *ctx, HPy t, HPyGlobal g)
{
    HPy want = HPyGlobal_Load(ctx, g);
    int r = HPy_Is(ctx, t, want);
    HPy_Close(ctx, want);
    return r;
}

/* What `h` is as an operand; a number goes to *num. -1 with an error set
 * if reading a number failed. */
static int classify(HPyContext *ctx, HPy h, double *num)
{
    if (HPy_TypeCheck(ctx, h, ctx->h_FloatType)) {
        *num = HPyFloat_AsDouble(ctx, h);
        return K_NUM;
    }
    HPy t = HPy_Type(ctx, h);
    int kind = K_NONE;
    if (is_type(ctx, t, g_Expression))
        kind = K_EXPR;
    else if (is_type(ctx, t, g_Term))
        kind = K_TERM;
    else if (is_type(ctx, t, g_Variable))
        kind = K_VAR;
    HPy_Close(ctx, t);
    if (kind == K_NONE && HPy_TypeCheck(ctx, h, ctx->h_LongType)) {
        *num = HPyFloat_AsDouble(ctx, h);
        if (*num == -1.0 && HPyErr_Occurred(ctx))
            return -1;
        return K_NUM;
    }
    return kind;
}

static HPy make_term(HPyContext *ctx, HPy variable, double coefficient)
{
    TermObject *t;
    HPy h = new_instance(ctx, g_Term, (void **)&t);
    if (HPy_IsNull(h))
        return h;
    HPyField_Store(ctx, h, &t->variable, variable);
    t->coefficient = coefficient;
    return h;
}

/* A collected term: a borrowed handle of its Variable (or of a Term to
 * reuse as it is, when `term` is set) and its coefficient. */
typedef struct {
    HPy variable;
    HPy term; /* tuple mode: an existing Term to put as it is, or HPy_NULL */
    double coefficient;
} Collected;

typedef struct {
    int n;
    double constant;
    Collected t[2 * MAX_TERMS + 2];
    HPy owned[2 * MAX_TERMS + 2]; /* handles to close */
    int n_owned;
#if !TWIN_INLINE
    HPy shared_tuple; /* the only part: an expression's tuple, unscaled */
    int parts;
#endif
} Collector;

static void collector_init(Collector *c)
{
    c->n = 0;
    c->constant = 0.0;
    c->n_owned = 0;
#if !TWIN_INLINE
    c->shared_tuple = HPy_NULL;
    c->parts = 0;
#endif
}

static void collector_close(HPyContext *ctx, Collector *c)
{
    for (int i = 0; i < c->n_owned; i++)
        HPy_Close(ctx, c->owned[i]);
    c->n_owned = 0;
}

static HPy owned(Collector *c, HPy h)
{
    c->owned[c->n_owned++] = h;
    return h;
}

static int push(HPyContext *ctx, Collector *c, HPy variable, HPy term, double coefficient)
{
    if (c->n >= 2 * MAX_TERMS) {
        HPyErr_SetString(ctx, ctx->h_ValueError, "kiwi_twin: too many terms");
        return -1;
    }
    c->t[c->n].variable = variable;
    c->t[c->n].term = term;
    c->t[c->n].coefficient = coefficient;
    c->n++;
    return 0;
}

/* Adds `sign * h` (an operand of kind `kind`) to `c`. */
static int collect(HPyContext *ctx, Collector *c, HPy h, int kind, double num, double sign)
{
    switch (kind) {
    case K_NUM:
        c->constant += sign * num;
        return 0;
    case K_VAR:
#if !TWIN_INLINE
        c->parts++;
#endif
        return push(ctx, c, h, HPy_NULL, sign);
    case K_TERM: {
        TermObject *t = TermObject_AsStruct(ctx, h);
        HPy v = owned(c, HPyField_Load(ctx, h, t->variable));
#if !TWIN_INLINE
        c->parts++;
        return push(ctx, c, v, sign == 1.0 ? h : HPy_NULL, sign * t->coefficient);
#else
        return push(ctx, c, v, HPy_NULL, sign * t->coefficient);
#endif
    }
    case K_EXPR: {
        ExpressionObject *e = ExpressionObject_AsStruct(ctx, h);
        c->constant += sign * e->constant;
#if TWIN_INLINE
        for (int i = 0; i < e->n; i++) {
            HPy v = owned(c, HPyField_Load(ctx, h, e->variable[i]));
            if (push(ctx, c, v, HPy_NULL, sign * e->coefficient[i]) < 0)
                return -1;
        }
        return 0;
#else
        HPy terms = owned(c, HPyField_Load(ctx, h, e->terms));
        c->parts++;
        if (sign == 1.0 && c->n == 0)
            c->shared_tuple = terms;
        HPy_ssize_t n = HPy_Length(ctx, terms);
        for (HPy_ssize_t i = 0; i < n; i++) {
            HPy term = owned(c, HPy_GetItem_i(ctx, terms, i));
            TermObject *t = TermObject_AsStruct(ctx, term);
            HPy v = owned(c, HPyField_Load(ctx, term, t->variable));
            if (push(ctx, c, v, sign == 1.0 ? term : HPy_NULL, sign * t->coefficient) < 0)
                return -1;
        }
        return 0;
#endif
    }
    }
    return 0;
}

/* Collects `a + sign * b` in kiwisolver's order of terms: a term or
 * variable combined with an expression comes after its terms. */
static int collect_pair(HPyContext *ctx, Collector *c, HPy a, int ka, double na, HPy b, int kb,
                        double nb, double sign)
{
    if (kb == K_EXPR && ka != K_EXPR && ka != K_NUM)
        return (collect(ctx, c, b, kb, nb, sign) < 0 || collect(ctx, c, a, ka, na, 1.0) < 0) ? -1 : 0;
    return (collect(ctx, c, a, ka, na, 1.0) < 0 || collect(ctx, c, b, kb, nb, sign) < 0) ? -1 : 0;
}

/* Merges the terms of one variable (kept where it first appears). */
static void reduce(HPyContext *ctx, Collector *c)
{
    int n = 0;
    for (int i = 0; i < c->n; i++) {
        int j = 0;
        while (j < n && !HPy_Is(ctx, c->t[j].variable, c->t[i].variable))
            j++;
        if (j < n) {
            c->t[j].coefficient += c->t[i].coefficient;
            c->t[j].term = HPy_NULL;
        } else {
            c->t[n] = c->t[i];
            c->t[n].term = HPy_NULL; /* reduction makes new Terms */
            n++;
        }
    }
    c->n = n;
}

/* A new Expression of what `c` collected. */
static HPy make_expression(HPyContext *ctx, Collector *c)
{
    ExpressionObject *e;
#if TWIN_INLINE
    if (c->n > MAX_TERMS) {
        HPyErr_SetString(ctx, ctx->h_ValueError, "kiwi_twin: too many terms");
        return HPy_NULL;
    }
    HPy h = new_instance(ctx, g_Expression, (void **)&e);
    if (HPy_IsNull(h))
        return h;
    e->constant = c->constant;
    e->n = c->n;
    for (int i = 0; i < c->n; i++) {
        e->coefficient[i] = c->t[i].coefficient;
        HPyField_Store(ctx, h, &e->variable[i], c->t[i].variable);
    }
    return h;
#else
    HPy tuple;
    if (!HPy_IsNull(c->shared_tuple) && c->parts == 1) {
        tuple = HPy_Dup(ctx, c->shared_tuple);
    } else {
        HPyTupleBuilder b = HPyTupleBuilder_New(ctx, c->n);
        for (int i = 0; i < c->n; i++) {
            HPy term = c->t[i].term;
            if (!HPy_IsNull(term)) {
                HPyTupleBuilder_Set(ctx, b, i, term);
            } else {
                term = make_term(ctx, c->t[i].variable, c->t[i].coefficient);
                if (HPy_IsNull(term)) {
                    HPyTupleBuilder_Cancel(ctx, b);
                    return HPy_NULL;
                }
                HPyTupleBuilder_Set(ctx, b, i, term);
                HPy_Close(ctx, term);
            }
        }
        tuple = HPyTupleBuilder_Build(ctx, b);
        if (HPy_IsNull(tuple))
            return tuple;
        objects_made++;
    }
    HPy h = new_instance(ctx, g_Expression, (void **)&e);
    if (!HPy_IsNull(h)) {
        e->constant = c->constant;
        HPyField_Store(ctx, h, &e->terms, tuple);
    }
    HPy_Close(ctx, tuple);
    return h;
#endif
}

/* ---- Constraint ---- */

#if TWIN_PAYLOAD != 0
static size_t payload_size(int n)
{
    return sizeof(Payload) + (size_t)n * sizeof(PayloadTerm);
}

static void fill_payload(HPyContext *ctx, Payload *p, Collector *c)
{
    p->n = c->n;
    p->constant = c->constant;
    for (int i = 0; i < c->n; i++) {
        p->terms[i].variable = VariableObject_AsStruct(ctx, c->t[i].variable);
        p->terms[i].coefficient = c->t[i].coefficient;
    }
}
#endif

/* A new Constraint of `expression` (already reduced, whose terms `c` holds
 * when not NULL; otherwise the payload is copied from `from`). */
static HPy make_constraint(HPyContext *ctx, HPy expression, int op, double strength,
                           Collector *c, HPy from)
{
    ConstraintObject *cn;
    HPy h = new_instance(ctx, g_Constraint, (void **)&cn);
    if (HPy_IsNull(h))
        return h;
    HPyField_Store(ctx, h, &cn->expression, expression);
    cn->op = op;
    cn->strength = strength;
#if TWIN_PAYLOAD == 1 || TWIN_PAYLOAD == 2
    if (c) {
        cn->payload = malloc(payload_size(c->n));
        if (cn->payload)
            fill_payload(ctx, cn->payload, c);
    } else {
        Payload *src = ConstraintObject_AsStruct(ctx, from)->payload;
        cn->payload = malloc(payload_size(src->n));
        if (cn->payload)
            memcpy(cn->payload, src, payload_size(src->n));
    }
    if (!cn->payload) {
        HPy_Close(ctx, h);
        return HPyErr_NoMemory(ctx);
    }
#elif TWIN_PAYLOAD == 3
    HPy bytes;
    if (c) {
        char buf[sizeof(Payload) + (2 * MAX_TERMS + 2) * sizeof(PayloadTerm)];
        fill_payload(ctx, (Payload *)buf, c);
        bytes = HPyBytes_FromStringAndSize(ctx, buf, payload_size(c->n));
    } else {
        bytes = HPyField_Load(ctx, from, ConstraintObject_AsStruct(ctx, from)->payload);
    }
    if (HPy_IsNull(bytes)) {
        HPy_Close(ctx, h);
        return HPy_NULL;
    }
    HPyField_Store(ctx, h, &cn->payload, bytes);
    HPy_Close(ctx, bytes);
#else
    (void)c;
    (void)from;
#endif
    return h;
}

/* `a op b` for symbolic or numeric operands: the Constraint of the
 * reduced `a - b`. */
static HPy compare(HPyContext *ctx, HPy a, HPy b, HPy_RichCmpOp cmp)
{
    int op;
    switch (cmp) {
    case HPy_LE: op = OP_LE; break;
    case HPy_GE: op = OP_GE; break;
    case HPy_EQ: op = OP_EQ; break;
    default:
        HPyErr_SetString(ctx, ctx->h_TypeError, "kiwi_twin: only ==, <= and >= make constraints");
        return HPy_NULL;
    }
    double na = 0.0, nb = 0.0;
    int ka = classify(ctx, a, &na);
    int kb = classify(ctx, b, &nb);
    if (ka < 0 || kb < 0)
        return HPy_NULL;
    if (ka == K_NONE || kb == K_NONE)
        return HPy_Dup(ctx, ctx->h_NotImplemented);
    Collector c;
    collector_init(&c);
    HPy result = HPy_NULL;
#if !TWIN_INLINE
    /* As kiwisolver: the Expression `a - b` first, then its reduction. */
    {
        Collector d;
        collector_init(&d);
        if (collect_pair(ctx, &d, a, ka, na, b, kb, nb, -1.0) < 0) {
            collector_close(ctx, &d);
            return HPy_NULL;
        }
        HPy diff = make_expression(ctx, &d);
        collector_close(ctx, &d);
        if (HPy_IsNull(diff))
            return diff;
        int r = collect(ctx, &c, diff, K_EXPR, 0.0, 1.0);
        HPy_Close(ctx, diff);
        if (r < 0)
            goto done;
    }
#else
    if (collect_pair(ctx, &c, a, ka, na, b, kb, nb, -1.0) < 0)
        goto done;
#endif
    reduce(ctx, &c);
#if !TWIN_INLINE
    c.parts = 2; /* never share: the reduced expression has new Terms */
#endif
    HPy expr = make_expression(ctx, &c);
    if (HPy_IsNull(expr))
        goto done;
    result = make_constraint(ctx, expr, op, 1001001000.0, &c, HPy_NULL);
    HPy_Close(ctx, expr);
done:
    collector_close(ctx, &c);
    return result;
}

/* ---- operators shared by Variable, Term and Expression ---- */

/* `a + sign * b`, kiwisolver's order of terms (a term or variable
 * combined with an expression comes after its terms). */
static HPy add_sub(HPyContext *ctx, HPy a, HPy b, double sign)
{
    double na = 0.0, nb = 0.0;
    int ka = classify(ctx, a, &na);
    int kb = classify(ctx, b, &nb);
    if (ka < 0 || kb < 0)
        return HPy_NULL;
    if (ka == K_NONE || kb == K_NONE)
        return HPy_Dup(ctx, ctx->h_NotImplemented);
    Collector c;
    collector_init(&c);
    int r = collect_pair(ctx, &c, a, ka, na, b, kb, nb, sign);
    HPy result = r < 0 ? HPy_NULL : make_expression(ctx, &c);
    collector_close(ctx, &c);
    return result;
}

/* `h * k`, h a Variable, Term or Expression. */
static HPy scale(HPyContext *ctx, HPy h, int kind, double k)
{
    if (kind == K_VAR)
        return make_term(ctx, h, k);
    if (kind == K_TERM) {
        TermObject *t = TermObject_AsStruct(ctx, h);
        HPy v = HPyField_Load(ctx, h, t->variable);
        HPy r = make_term(ctx, v, t->coefficient * k);
        HPy_Close(ctx, v);
        return r;
    }
    Collector c;
    collector_init(&c);
    HPy result = HPy_NULL;
    if (collect(ctx, &c, h, K_EXPR, 0.0, k) == 0) {
#if !TWIN_INLINE
        c.parts = 2; /* scaled: a new tuple */
#endif
        result = make_expression(ctx, &c);
    }
    collector_close(ctx, &c);
    return result;
}

static HPy mul_div(HPyContext *ctx, HPy a, HPy b, int divide)
{
    double na = 0.0, nb = 0.0;
    int ka = classify(ctx, a, &na);
    int kb = classify(ctx, b, &nb);
    if (ka < 0 || kb < 0)
        return HPy_NULL;
    if (ka == K_NUM && kb > K_NUM && !divide)
        return scale(ctx, b, kb, na);
    if (ka > K_NUM && kb == K_NUM) {
        if (divide) {
            if (nb == 0.0) {
                HPyErr_SetString(ctx, ctx->h_ZeroDivisionError, "float division by zero");
                return HPy_NULL;
            }
            nb = 1.0 / nb;
        }
        return scale(ctx, a, ka, nb);
    }
    return HPy_Dup(ctx, ctx->h_NotImplemented);
}

#define SYMBOLIC_SLOTS(P)                                                       \
    HPyDef_SLOT(P##_add, HPy_nb_add)                                            \
    static HPy P##_add_impl(HPyContext *ctx, HPy a, HPy b)                      \
    {                                                                           \
        return add_sub(ctx, a, b, 1.0);                                         \
    }                                                                           \
    HPyDef_SLOT(P##_sub, HPy_nb_subtract)                                       \
    static HPy P##_sub_impl(HPyContext *ctx, HPy a, HPy b)                      \
    {                                                                           \
        return add_sub(ctx, a, b, -1.0);                                        \
    }                                                                           \
    HPyDef_SLOT(P##_mul, HPy_nb_multiply)                                       \
    static HPy P##_mul_impl(HPyContext *ctx, HPy a, HPy b)                      \
    {                                                                           \
        return mul_div(ctx, a, b, 0);                                           \
    }                                                                           \
    HPyDef_SLOT(P##_div, HPy_nb_true_divide)                                    \
    static HPy P##_div_impl(HPyContext *ctx, HPy a, HPy b)                      \
    {                                                                           \
        return mul_div(ctx, a, b, 1);                                           \
    }                                                                           \
    HPyDef_SLOT(P##_neg, HPy_nb_negative)                                       \
    static HPy P##_neg_impl(HPyContext *ctx, HPy a)                             \
    {                                                                           \
        double n;                                                               \
        return scale(ctx, a, classify(ctx, a, &n), -1.0);                       \
    }                                                                           \
    HPyDef_SLOT(P##_richcmp, HPy_tp_richcompare)                                \
    static HPy P##_richcmp_impl(HPyContext *ctx, HPy a, HPy b, HPy_RichCmpOp op) \
    {                                                                           \
        return compare(ctx, a, b, op);                                          \
    }

/* PyPy makes `__X__` from a binary slot and no `__rX__`, and dispatches
 * operators through the type dict: both directions are also published as
 * ordinary methods, after the slots (as hpy-rs does). CPython keeps its
 * slot wrappers in the dict and calls the slots. */
#define BINARY_METHODS(P, OP, NAME, RNAME, CALL)                                \
    HPyDef_METH(P##_##OP##_fwd, NAME, HPyFunc_O)                                \
    static HPy P##_##OP##_fwd_impl(HPyContext *ctx, HPy self, HPy other)        \
    {                                                                           \
        HPy a = self, b = other;                                                \
        return CALL;                                                            \
    }                                                                           \
    HPyDef_METH(P##_##OP##_rev, RNAME, HPyFunc_O)                               \
    static HPy P##_##OP##_rev_impl(HPyContext *ctx, HPy self, HPy other)        \
    {                                                                           \
        HPy a = other, b = self;                                                \
        return CALL;                                                            \
    }

#define SYMBOLIC_METHODS(P)                                                     \
    BINARY_METHODS(P, add, "__add__", "__radd__", add_sub(ctx, a, b, 1.0))      \
    BINARY_METHODS(P, sub, "__sub__", "__rsub__", add_sub(ctx, a, b, -1.0))     \
    BINARY_METHODS(P, mul, "__mul__", "__rmul__", mul_div(ctx, a, b, 0))        \
    BINARY_METHODS(P, div, "__truediv__", "__rtruediv__", mul_div(ctx, a, b, 1))

#define SYMBOLIC_DEFS(P)                                                        \
    &P##_add, &P##_sub, &P##_mul, &P##_div, &P##_neg, &P##_richcmp, &P##_add_fwd, &P##_add_rev, \
        &P##_sub_fwd, &P##_sub_rev, &P##_mul_fwd, &P##_mul_rev, &P##_div_fwd, &P##_div_rev

#if TWIN_DESTROY
#define DESTROY(P)                                                              \
    HPyDef_SLOT(P##_destroy, HPy_tp_destroy)                                    \
    static void P##_destroy_impl(void *obj)                                     \
    {                                                                           \
        (void)obj;                                                              \
    }
#define DESTROY_DEF(P) &P##_destroy,
#else
#define DESTROY(P)
#define DESTROY_DEF(P)
#endif

/* ---- Variable ---- */

static HPy Variable_make(HPyContext *ctx, HPy type, const HPy *args, HPy_ssize_t nargs, HPy kw);

#if TWIN_SAFE_NEW
/* The companion's `new_variable(cls, name=None)`: bound to the companion's one
 * instance, set on Variable as a staticmethod by module_exec. */
HPyDef_METH(Variable_safe_new, "new_variable", HPyFunc_KEYWORDS)
static HPy Variable_safe_new_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs,
                                  HPy kwnames)
{
    if (nargs < 1) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "Variable.__new__(): not enough arguments");
        return HPy_NULL;
    }
    HPy want = HPyGlobal_Load(ctx, g_Variable);
    int ok = HPy_Is(ctx, args[0], want);
    HPy_Close(ctx, want);
    if (!ok) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "Variable.__new__(X): X is not Variable");
        return HPy_NULL;
    }
    return Variable_make(ctx, args[0], args + 1, (HPy_ssize_t)nargs - 1, kwnames);
}

static HPyDef *Companion_defines[] = {&Variable_safe_new, NULL};

/* PyPy 7.3.19's context has HPy_Call one slot later than hpy 0.9.0's
 * header (bench/pypy-costs/pypy_costs.c). */
typedef HPy (*call_fn)(HPyContext *, HPy, const HPy *, size_t, HPy);
#define PYPY_HPy_Call(ctx, f, args, n, kw) \
    ((*(call_fn *)((char *)&(ctx)->ctx_Call + sizeof(HPy)))((ctx), (f), (args), (n), (kw)))
static HPyType_Spec Companion_spec = {
    .name = MODNAME ".VariableCompanion",
    .basicsize = 0,
    .flags = HPy_TPFLAGS_DEFAULT,
    .defines = Companion_defines,
};
#endif

HPyDef_SLOT(Variable_new, HPy_tp_new)
static HPy Variable_new_impl(HPyContext *ctx, HPy type, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    return Variable_make(ctx, type, args, nargs, kw);
}

static HPy Variable_make(HPyContext *ctx, HPy type, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    if (nargs > 1 || (!HPy_IsNull(kw) && HPy_Length(ctx, kw) != 0)) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "Variable() takes at most one argument, a name");
        return HPy_NULL;
    }
    VariableObject *v;
    HPy h = HPy_New(ctx, type, &v);
    if (HPy_IsNull(h))
        return h;
    objects_made++;
    v->value = 0.0;
    v->name[0] = '\0';
    if (nargs == 1) {
        HPy_ssize_t size;
        const char *s = HPyUnicode_AsUTF8AndSize(ctx, args[0], &size);
        if (!s) {
            HPy_Close(ctx, h);
            return HPy_NULL;
        }
        if (size >= (HPy_ssize_t)sizeof(v->name))
            size = sizeof(v->name) - 1;
        memcpy(v->name, s, size);
        v->name[size] = '\0';
    }
    return h;
}

HPyDef_METH(Variable_name, "name", HPyFunc_NOARGS)
static HPy Variable_name_impl(HPyContext *ctx, HPy self)
{
    return HPyUnicode_FromString(ctx, VariableObject_AsStruct(ctx, self)->name);
}

HPyDef_METH(Variable_value, "value", HPyFunc_NOARGS)
static HPy Variable_value_impl(HPyContext *ctx, HPy self)
{
    return HPyFloat_FromDouble(ctx, VariableObject_AsStruct(ctx, self)->value);
}

#if TWIN_GC_VARIABLE
HPyDef_SLOT(Variable_traverse, HPy_tp_traverse)
static int Variable_traverse_impl(void *self, HPyFunc_visitproc visit, void *arg)
{
    HPy_VISIT(&((VariableObject *)self)->context);
    return 0;
}
#define VARIABLE_TRAVERSE &Variable_traverse,
#define VARIABLE_FLAGS (HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC)
#else
#define VARIABLE_TRAVERSE
#define VARIABLE_FLAGS HPy_TPFLAGS_DEFAULT
#endif

SYMBOLIC_SLOTS(Variable)
SYMBOLIC_METHODS(Variable)
DESTROY(Variable)

static HPyDef *Variable_defines[] = {
    &Variable_new, &Variable_name, &Variable_value, VARIABLE_TRAVERSE DESTROY_DEF(Variable)
    SYMBOLIC_DEFS(Variable), NULL,
};

static HPyType_Spec Variable_spec = {
    .name = MODNAME ".Variable",
    .basicsize = sizeof(VariableObject),
    .flags = VARIABLE_FLAGS,
    .builtin_shape = SHAPE(VariableObject),
    .defines = Variable_defines,
};

/* ---- Term ---- */

HPyDef_SLOT(Term_traverse, HPy_tp_traverse)
static int Term_traverse_impl(void *self, HPyFunc_visitproc visit, void *arg)
{
    HPy_VISIT(&((TermObject *)self)->variable);
    return 0;
}

HPyDef_METH(Term_variable, "variable", HPyFunc_NOARGS)
static HPy Term_variable_impl(HPyContext *ctx, HPy self)
{
    return HPyField_Load(ctx, self, TermObject_AsStruct(ctx, self)->variable);
}

HPyDef_METH(Term_coefficient, "coefficient", HPyFunc_NOARGS)
static HPy Term_coefficient_impl(HPyContext *ctx, HPy self)
{
    return HPyFloat_FromDouble(ctx, TermObject_AsStruct(ctx, self)->coefficient);
}

SYMBOLIC_SLOTS(Term)
SYMBOLIC_METHODS(Term)
DESTROY(Term)

static HPyDef *Term_defines[] = {
    &Term_traverse, &Term_variable, &Term_coefficient, DESTROY_DEF(Term) SYMBOLIC_DEFS(Term),
    NULL,
};

static HPyType_Spec Term_spec = {
    .name = MODNAME ".Term",
    .basicsize = sizeof(TermObject),
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC,
    .builtin_shape = SHAPE(TermObject),
    .defines = Term_defines,
};

/* ---- Expression ---- */

HPyDef_SLOT(Expression_traverse, HPy_tp_traverse)
static int Expression_traverse_impl(void *self, HPyFunc_visitproc visit, void *arg)
{
    ExpressionObject *e = (ExpressionObject *)self;
#if TWIN_INLINE
    for (int i = 0; i < e->n; i++)
        HPy_VISIT(&e->variable[i]);
#else
    HPy_VISIT(&e->terms);
#endif
    return 0;
}

HPyDef_METH(Expression_terms, "terms", HPyFunc_NOARGS)
static HPy Expression_terms_impl(HPyContext *ctx, HPy self)
{
    ExpressionObject *e = ExpressionObject_AsStruct(ctx, self);
#if TWIN_INLINE
    /* The Terms are made now, when Python asks for them. */
    HPyTupleBuilder b = HPyTupleBuilder_New(ctx, e->n);
    for (int i = 0; i < e->n; i++) {
        HPy v = HPyField_Load(ctx, self, e->variable[i]);
        HPy t = make_term(ctx, v, e->coefficient[i]);
        HPy_Close(ctx, v);
        if (HPy_IsNull(t)) {
            HPyTupleBuilder_Cancel(ctx, b);
            return HPy_NULL;
        }
        HPyTupleBuilder_Set(ctx, b, i, t);
        HPy_Close(ctx, t);
    }
    objects_made++;
    return HPyTupleBuilder_Build(ctx, b);
#else
    return HPyField_Load(ctx, self, e->terms);
#endif
}

HPyDef_METH(Expression_constant, "constant", HPyFunc_NOARGS)
static HPy Expression_constant_impl(HPyContext *ctx, HPy self)
{
    return HPyFloat_FromDouble(ctx, ExpressionObject_AsStruct(ctx, self)->constant);
}

SYMBOLIC_SLOTS(Expression)
SYMBOLIC_METHODS(Expression)
DESTROY(Expression)

static HPyDef *Expression_defines[] = {
    &Expression_traverse, &Expression_terms, &Expression_constant, DESTROY_DEF(Expression)
    SYMBOLIC_DEFS(Expression), NULL,
};

static HPyType_Spec Expression_spec = {
    .name = MODNAME ".Expression",
    .basicsize = sizeof(ExpressionObject),
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC,
    .builtin_shape = SHAPE(ExpressionObject),
    .defines = Expression_defines,
};

/* ---- Constraint ---- */

HPyDef_SLOT(Constraint_traverse, HPy_tp_traverse)
static int Constraint_traverse_impl(void *self, HPyFunc_visitproc visit, void *arg)
{
    ConstraintObject *c = (ConstraintObject *)self;
    HPy_VISIT(&c->expression);
#if TWIN_PAYLOAD == 3
    HPy_VISIT(&c->payload);
#endif
    return 0;
}

#if TWIN_DESTROY || TWIN_PAYLOAD == 1
HPyDef_SLOT(Constraint_destroy, HPy_tp_destroy)
static void Constraint_destroy_impl(void *obj)
{
#if TWIN_PAYLOAD == 1
    free(((ConstraintObject *)obj)->payload);
#else
    (void)obj;
#endif
}
#define CONSTRAINT_DESTROY &Constraint_destroy,
#else
#define CONSTRAINT_DESTROY
#endif

HPyDef_METH(Constraint_expression, "expression", HPyFunc_NOARGS)
static HPy Constraint_expression_impl(HPyContext *ctx, HPy self)
{
    return HPyField_Load(ctx, self, ConstraintObject_AsStruct(ctx, self)->expression);
}

HPyDef_METH(Constraint_op, "op", HPyFunc_NOARGS)
static HPy Constraint_op_impl(HPyContext *ctx, HPy self)
{
    static const char *const names[] = {"<=", ">=", "=="};
    return HPyUnicode_FromString(ctx, names[ConstraintObject_AsStruct(ctx, self)->op]);
}

HPyDef_METH(Constraint_strength, "strength", HPyFunc_NOARGS)
static HPy Constraint_strength_impl(HPyContext *ctx, HPy self)
{
    return HPyFloat_FromDouble(ctx, ConstraintObject_AsStruct(ctx, self)->strength);
}

/* kiwi::strength: required, strong, medium, weak. */
static int strength_of(HPyContext *ctx, HPy h, double *out)
{
    if (HPy_TypeCheck(ctx, h, ctx->h_FloatType) || HPy_TypeCheck(ctx, h, ctx->h_LongType)) {
        *out = HPyFloat_AsDouble(ctx, h);
        return (*out == -1.0 && HPyErr_Occurred(ctx)) ? -1 : 1;
    }
    if (!HPy_TypeCheck(ctx, h, ctx->h_UnicodeType))
        return 0;
    HPy_ssize_t n;
    const char *s = HPyUnicode_AsUTF8AndSize(ctx, h, &n);
    if (!s)
        return -1;
    if (n == 6 && !memcmp(s, "strong", 6))
        *out = 1000000.0;
    else if (n == 6 && !memcmp(s, "medium", 6))
        *out = 1000.0;
    else if (n == 4 && !memcmp(s, "weak", 4))
        *out = 1.0;
    else if (n == 8 && !memcmp(s, "required", 8))
        *out = 1001001000.0;
    else {
        HPyErr_SetString(ctx, ctx->h_ValueError,
                         "string strength must be 'required', 'strong', 'medium', or 'weak'");
        return -1;
    }
    return 1;
}

/* `constraint | strength` (either side): a new Constraint, the same
 * expression object. */
HPyDef_SLOT(Constraint_or, HPy_nb_or)
static HPy Constraint_or_impl(HPyContext *ctx, HPy a, HPy b)
{
    HPy t = HPyGlobal_Load(ctx, g_Constraint);
    int a_is = HPy_TypeCheck(ctx, a, t);
    HPy_Close(ctx, t);
    HPy cn = a_is ? a : b, other = a_is ? b : a;
    double strength;
    int r = strength_of(ctx, other, &strength);
    if (r < 0)
        return HPy_NULL;
    if (r == 0)
        return HPy_Dup(ctx, ctx->h_NotImplemented);
    ConstraintObject *c = ConstraintObject_AsStruct(ctx, cn);
    HPy expr = HPyField_Load(ctx, cn, c->expression);
    HPy result = make_constraint(ctx, expr, c->op, strength, NULL, cn);
    HPy_Close(ctx, expr);
    return result;
}

BINARY_METHODS(Constraint, or, "__or__", "__ror__", Constraint_or_impl(ctx, a, b))

static HPyDef *Constraint_defines[] = {
    &Constraint_traverse, &Constraint_expression, &Constraint_op, &Constraint_strength,
    &Constraint_or, &Constraint_or_fwd, &Constraint_or_rev, CONSTRAINT_DESTROY NULL,
};

static HPyType_Spec Constraint_spec = {
    .name = MODNAME ".Constraint",
    .basicsize = sizeof(ConstraintObject),
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC,
    .builtin_shape = SHAPE(ConstraintObject),
    .defines = Constraint_defines,
};

/* ---- the module ---- */

HPyDef_METH(made, "made", HPyFunc_NOARGS)
static HPy made_impl(HPyContext *ctx, HPy self)
{
    return HPyLong_FromLong(ctx, objects_made);
}

HPyDef_METH(levers, "levers", HPyFunc_NOARGS)
static HPy levers_impl(HPyContext *ctx, HPy self)
{
    return HPyUnicode_FromString(ctx, "destroy=" STR(TWIN_DESTROY) " gc_variable=" STR(
        TWIN_GC_VARIABLE) " inline=" STR(TWIN_INLINE) " payload=" STR(TWIN_PAYLOAD)
        " safe_new=" STR(TWIN_SAFE_NEW));
}

HPyDef_SLOT(module_exec, HPy_mod_exec)
static int module_exec_impl(HPyContext *ctx, HPy m)
{
    if (add_type(ctx, m, &Variable_spec, "Variable", &g_Variable) < 0 ||
        add_type(ctx, m, &Term_spec, "Term", &g_Term) < 0 ||
        add_type(ctx, m, &Expression_spec, "Expression", &g_Expression) < 0 ||
        add_type(ctx, m, &Constraint_spec, "Constraint", &g_Constraint) < 0)
        return -1;
#if TWIN_SAFE_NEW
    /* Variable.__new__ = staticmethod(companion().__new__) */
    HPy ctype = HPyType_FromSpec(ctx, &Companion_spec, NULL);
    if (HPy_IsNull(ctype))
        return -1;
    HPy companion = PYPY_HPy_Call(ctx, ctype, NULL, 0, HPy_NULL);
    HPy_Close(ctx, ctype);
    if (HPy_IsNull(companion))
        return -1;
    HPy bound = HPy_GetAttr_s(ctx, companion, "new_variable");
    HPy_Close(ctx, companion);
    if (HPy_IsNull(bound))
        return -1;
    HPy builtins = HPyImport_ImportModule(ctx, "builtins");
    HPy sm = HPy_IsNull(builtins) ? HPy_NULL : HPy_GetAttr_s(ctx, builtins, "staticmethod");
    HPy_Close(ctx, builtins);
    HPy wrapped = HPy_IsNull(sm) ? HPy_NULL : PYPY_HPy_Call(ctx, sm, &bound, 1, HPy_NULL);
    HPy_Close(ctx, sm);
    HPy_Close(ctx, bound);
    if (HPy_IsNull(wrapped))
        return -1;
    HPy var = HPyGlobal_Load(ctx, g_Variable);
    int r = HPy_SetAttr_s(ctx, var, "__new__", wrapped);
    HPy_Close(ctx, var);
    HPy_Close(ctx, wrapped);
    if (r < 0)
        return -1;
#endif
    return 0;
}

static HPyDef *module_defines[] = {&made, &levers, &module_exec, NULL};
static HPyGlobal *module_globals[] = {&g_Variable, &g_Term, &g_Expression, &g_Constraint, NULL};

static HPyModuleDef moduledef = {
    .doc = "kiwisolver's symbolic classes in C HPy (bench/c/kiwi): the floor",
    .size = 0,
    .defines = module_defines,
    .globals = module_globals,
};

#define MODINIT(name) HPy_MODINIT(name, moduledef)
MODINIT(TWIN_NAME)
