/* objects_capi: making small objects with CPython's C API, the baseline of
 * bench/object-twins (its twins: bench/objects_hpyrs, hpy-rs; and
 * objects_hpyc.c, C against HPy 0.9).
 *
 *   Var(x)             a float in an immutable object; v * k is a new Var
 *   Term(var, c)       a float and a strong reference to a Var; t * k is a
 *                      new Term of the same Var (GC-tracked: it holds an
 *                      object)
 *   make_var(x), make_term(var, c)   the same as calling the classes
 *   nothing(x), nothing_term(var, c) the same arguments, converted and
 *                      checked the same way, and None back: the baselines
 *   Op() * k           the operator's baseline: k converted, None back
 *
 * Written as a C author minding speed writes it: heap types from
 * PyType_FromSpec kept in static pointers (a single-phase module, as
 * kiwisolver's is), the cheapest calling conventions (METH_O,
 * METH_FASTCALL), tp_alloc/tp_free, a tp_new with a fast path for
 * positional arguments and PyArg_ParseTupleAndKeywords for the rest.
 * A non-float operand of `*` gives NotImplemented (so Python raises
 * TypeError), as hpy-rs's operators do. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stddef.h>

#if PY_VERSION_HEX < 0x030C0000
#include <structmember.h>
#define Py_T_DOUBLE T_DOUBLE
#define Py_T_OBJECT_EX T_OBJECT_EX
#define Py_READONLY READONLY
#endif

typedef struct {
    PyObject_HEAD
    double value;
} VarObject;

typedef struct {
    PyObject_HEAD
    PyObject *var; /* a Var, never NULL once made */
    double coefficient;
} TermObject;

static PyTypeObject *Var_Type;
static PyTypeObject *Term_Type;
static PyTypeObject *Op_Type;

/* The operands of `a * b` for a method of the class `tp`: 1 with *k set
 * to b as a double, 0 for NotImplemented (`a` is not a `tp`, or `b` is not
 * a number), -1 on another error. */
static int mul_operands(PyObject *a, PyTypeObject *tp, PyObject *b, double *k)
{
    if (!Py_IS_TYPE(a, tp))
        return 0;
    *k = PyFloat_AsDouble(b);
    if (*k == -1.0 && PyErr_Occurred()) {
        if (!PyErr_ExceptionMatches(PyExc_TypeError))
            return -1;
        PyErr_Clear();
        return 0;
    }
    return 1;
}

/* The result of `a * b` when mul_operands did not give 1. */
static PyObject *not_multiplied(int ok)
{
    if (ok < 0)
        return NULL;
    Py_RETURN_NOTIMPLEMENTED;
}

/* Converts the argument `name` of `fname` to a double, with the message
 * hpy-rs gives. */
static int float_arg(PyObject *o, double *x, const char *fname, const char *name)
{
    *x = PyFloat_AsDouble(o);
    if (*x == -1.0 && PyErr_Occurred()) {
        if (PyErr_ExceptionMatches(PyExc_TypeError)) {
            PyErr_Clear();
            PyErr_Format(PyExc_TypeError, "%s() argument '%s' must be float, not %.200s", fname,
                         name, Py_TYPE(o)->tp_name);
        }
        return -1;
    }
    return 0;
}

/* Whether `o` is a Var (the class cannot be subclassed), with hpy-rs's
 * message if not. */
static int var_arg(PyObject *o, const char *fname)
{
    if (Py_IS_TYPE(o, Var_Type))
        return 0;
    PyErr_Format(PyExc_TypeError, "%s() argument 'var' must be Var, not %.200s", fname,
                 Py_TYPE(o)->tp_name);
    return -1;
}

/* ---- Var ---- */

static PyObject *new_var(double value)
{
    VarObject *v = (VarObject *)Var_Type->tp_alloc(Var_Type, 0);
    if (v == NULL)
        return NULL;
    v->value = value;
    return (PyObject *)v;
}

static PyObject *Var_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    double x;
    if (kwds == NULL && PyTuple_GET_SIZE(args) == 1) {
        if (float_arg(PyTuple_GET_ITEM(args, 0), &x, "Var", "x") < 0)
            return NULL;
    } else {
        static char *kwlist[] = {"x", NULL};
        if (!PyArg_ParseTupleAndKeywords(args, kwds, "d:Var", kwlist, &x))
            return NULL;
    }
    return new_var(x);
}

/* The deallocator of the classes without references (Var, Op): the
   object is freed and its heap type released. */
static void plain_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static PyObject *Var_mul(PyObject *a, PyObject *b)
{
    double k;
    int ok = mul_operands(a, Var_Type, b, &k);
    if (ok <= 0)
        return not_multiplied(ok);
    return new_var(((VarObject *)a)->value * k);
}

static PyMemberDef Var_members[] = {
    {"value", Py_T_DOUBLE, offsetof(VarObject, value), Py_READONLY, "The float it holds."},
    {NULL},
};

static PyType_Slot Var_slots[] = {
    {Py_tp_doc, "A float, frozen."},
    {Py_tp_new, Var_new},
    {Py_tp_dealloc, plain_dealloc},
    {Py_tp_members, Var_members},
    {Py_nb_multiply, Var_mul},
    {0, NULL},
};

static PyType_Spec Var_spec = {
    .name = "objects_capi.Var",
    .basicsize = sizeof(VarObject),
    .flags = Py_TPFLAGS_DEFAULT,
    .slots = Var_slots,
};

/* ---- Term ---- */

/* A new Term of `var` (a Var, borrowed). */
static PyObject *new_term(PyObject *var, double coefficient)
{
    TermObject *t = (TermObject *)Term_Type->tp_alloc(Term_Type, 0);
    if (t == NULL)
        return NULL;
    Py_INCREF(var);
    t->var = var;
    t->coefficient = coefficient;
    return (PyObject *)t;
}

static PyObject *Term_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    PyObject *var;
    double c;
    if (kwds == NULL && PyTuple_GET_SIZE(args) == 2) {
        var = PyTuple_GET_ITEM(args, 0);
        if (var_arg(var, "Term") < 0 ||
            float_arg(PyTuple_GET_ITEM(args, 1), &c, "Term", "coefficient") < 0)
            return NULL;
    } else {
        static char *kwlist[] = {"var", "coefficient", NULL};
        if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!d:Term", kwlist, Var_Type, &var, &c))
            return NULL;
    }
    return new_term(var, c);
}

static int Term_traverse(PyObject *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(((TermObject *)self)->var);
    return 0;
}

static int Term_clear(PyObject *self)
{
    Py_CLEAR(((TermObject *)self)->var);
    return 0;
}

static void Term_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    Py_CLEAR(((TermObject *)self)->var);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static PyObject *Term_mul(PyObject *a, PyObject *b)
{
    double k;
    int ok = mul_operands(a, Term_Type, b, &k);
    if (ok <= 0)
        return not_multiplied(ok);
    TermObject *t = (TermObject *)a;
    return new_term(t->var, t->coefficient * k);
}

static PyMemberDef Term_members[] = {
    {"coefficient", Py_T_DOUBLE, offsetof(TermObject, coefficient), Py_READONLY,
     "The coefficient."},
    {"var", Py_T_OBJECT_EX, offsetof(TermObject, var), Py_READONLY, "The Var it refers to."},
    {NULL},
};

static PyType_Slot Term_slots[] = {
    {Py_tp_doc, "A coefficient and the Var it multiplies, frozen."},
    {Py_tp_new, Term_new},
    {Py_tp_dealloc, Term_dealloc},
    {Py_tp_traverse, Term_traverse},
    {Py_tp_clear, Term_clear},
    {Py_tp_members, Term_members},
    {Py_nb_multiply, Term_mul},
    {0, NULL},
};

static PyType_Spec Term_spec = {
    .name = "objects_capi.Term",
    .basicsize = sizeof(TermObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .slots = Term_slots,
};

/* ---- Op, the operator's baseline ---- */

static PyObject *Op_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    if (PyTuple_GET_SIZE(args) != 0 || (kwds != NULL && PyDict_GET_SIZE(kwds) != 0)) {
        PyErr_SetString(PyExc_TypeError, "Op() takes no arguments");
        return NULL;
    }
    return type->tp_alloc(type, 0);
}

static PyObject *Op_mul(PyObject *a, PyObject *b)
{
    double k;
    int ok = mul_operands(a, Op_Type, b, &k);
    if (ok <= 0)
        return not_multiplied(ok);
    Py_RETURN_NONE;
}

static PyType_Slot Op_slots[] = {
    {Py_tp_doc, "The operator baseline: Op() * k converts k and makes nothing."},
    {Py_tp_new, Op_new},
    {Py_tp_dealloc, plain_dealloc},
    {Py_nb_multiply, Op_mul},
    {0, NULL},
};

static PyType_Spec Op_spec = {
    .name = "objects_capi.Op",
    .basicsize = sizeof(PyObject),
    .flags = Py_TPFLAGS_DEFAULT,
    .slots = Op_slots,
};

/* ---- module functions ---- */

static PyObject *make_var(PyObject *module, PyObject *arg)
{
    double x;
    if (float_arg(arg, &x, "make_var", "x") < 0)
        return NULL;
    return new_var(x);
}

static PyObject *make_term(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    double c;
    if (nargs != 2) {
        PyErr_Format(PyExc_TypeError, "make_term() takes 2 positional arguments but %zd were given",
                     nargs);
        return NULL;
    }
    if (var_arg(args[0], "make_term") < 0 || float_arg(args[1], &c, "make_term", "c") < 0)
        return NULL;
    return new_term(args[0], c);
}

static PyObject *nothing(PyObject *module, PyObject *arg)
{
    double x;
    if (float_arg(arg, &x, "nothing", "x") < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *nothing_term(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    double c;
    if (nargs != 2) {
        PyErr_Format(PyExc_TypeError,
                     "nothing_term() takes 2 positional arguments but %zd were given", nargs);
        return NULL;
    }
    if (var_arg(args[0], "nothing_term") < 0 || float_arg(args[1], &c, "nothing_term", "c") < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyMethodDef module_methods[] = {
    {"make_var", make_var, METH_O, "Var(x)."},
    {"make_term", (PyCFunction)(void (*)(void))make_term, METH_FASTCALL, "Term(var, c)."},
    {"nothing", nothing, METH_O, "Converts x as make_var does and returns None."},
    {"nothing_term", (PyCFunction)(void (*)(void))nothing_term, METH_FASTCALL,
     "Converts its arguments as make_term does and returns None."},
    {NULL},
};

static struct PyModuleDef moduledef = {
    PyModuleDef_HEAD_INIT,
    .m_name = "objects_capi",
    .m_doc = "Small objects made with CPython's C API (bench/object-twins).",
    .m_size = -1,
    .m_methods = module_methods,
};

/* Makes the class from `spec` into *slot and adds it to `m`. */
static int add_type(PyObject *m, PyType_Spec *spec, PyTypeObject **slot, const char *name)
{
    PyObject *t = PyType_FromSpec(spec);
    if (t == NULL)
        return -1;
    *slot = (PyTypeObject *)t; /* the module keeps this reference for good */
    Py_INCREF(t);
    if (PyModule_AddObject(m, name, t) < 0) {
        Py_DECREF(t);
        return -1;
    }
    return 0;
}

PyMODINIT_FUNC PyInit_objects_capi(void)
{
    PyObject *m = PyModule_Create(&moduledef);
    if (m == NULL)
        return NULL;
    if (add_type(m, &Var_spec, &Var_Type, "Var") < 0 ||
        add_type(m, &Term_spec, &Term_Type, "Term") < 0 ||
        add_type(m, &Op_spec, &Op_Type, "Op") < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
