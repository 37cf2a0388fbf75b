/* simple_capi: the call-overhead and conversion workloads of
 * examples/simple, written in C against CPython's C API (the baseline).
 * Functions taking several arguments use METH_FASTCALL, the calling
 * convention HPy maps its HPyFunc_VARARGS to on CPython; Foo is a heap
 * type, like HPy's types. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *noargs(PyObject *self, PyObject *unused)
{
    Py_RETURN_NONE;
}

static PyObject *onearg(PyObject *self, PyObject *arg)
{
    Py_RETURN_NONE;
}

static PyObject *varargs(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    Py_RETURN_NONE;
}

static PyObject *call_with_tuple(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "call_with_tuple() takes exactly 2 arguments");
        return NULL;
    }
    return PyObject_Call(args[0], args[1], NULL);
}

static PyObject *call_with_tuple_and_dict(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "call_with_tuple_and_dict() takes exactly 3 arguments");
        return NULL;
    }
    return PyObject_Call(args[0], args[1], args[2]);
}

static PyObject *allocate_int(PyObject *self, PyObject *unused)
{
    return PyLong_FromLong(2048);
}

static PyObject *allocate_tuple(PyObject *self, PyObject *unused)
{
    return Py_BuildValue("(ii)", 2048, 2049);
}

/* The conversion workload: what an SDK's conversions do, written by hand
 * (see bench/README.md, "conversions"). */

/* list[float] -> a C array of doubles (what Vec<f64> is), summed. */
static PyObject *sum_floats(PyObject *self, PyObject *arg)
{
    PyObject *seq = PySequence_Fast(arg, "sum_floats() argument must be a sequence");
    if (seq == NULL)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    double *values = PyMem_Malloc((n > 0 ? n : 1) * sizeof(double));
    if (values == NULL) {
        Py_DECREF(seq);
        return PyErr_NoMemory();
    }
    /* The size is read again on every item: __float__ may shrink a list. */
    Py_ssize_t got = 0;
    for (; got < n && got < PySequence_Fast_GET_SIZE(seq); got++) {
        double v = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(seq, got));
        if (v == -1.0 && PyErr_Occurred()) {
            PyMem_Free(values);
            Py_DECREF(seq);
            return NULL;
        }
        values[got] = v;
    }
    Py_DECREF(seq);
    double total = 0.0;
    for (Py_ssize_t i = 0; i < got; i++)
        total += values[i];
    PyMem_Free(values);
    return PyFloat_FromDouble(total);
}

/* A list of 1000 floats, 0.0, 0.5, 1.0, ... */
static PyObject *float_list(PyObject *self, PyObject *unused)
{
    PyObject *list = PyList_New(1000);
    if (list == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < 1000; i++) {
        PyObject *v = PyFloat_FromDouble((double)i * 0.5);
        if (v == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, i, v);
    }
    return list;
}

/* str in (UTF-8), str out: the text with "!" appended. */
static PyObject *exclaim(PyObject *self, PyObject *arg)
{
    Py_ssize_t n;
    const char *s = PyUnicode_AsUTF8AndSize(arg, &n);
    if (s == NULL)
        return NULL;
    char *buf = PyMem_Malloc(n + 1);
    if (buf == NULL)
        return PyErr_NoMemory();
    memcpy(buf, s, n);
    buf[n] = '!';
    PyObject *result = PyUnicode_FromStringAndSize(buf, n + 1);
    PyMem_Free(buf);
    return result;
}

/* {"k00": 0, "k01": 1, ..., "k99": 99} */
static PyObject *make_dict(PyObject *self, PyObject *unused)
{
    PyObject *dict = PyDict_New();
    if (dict == NULL)
        return NULL;
    char key[3] = {'k', '0', '0'};
    for (long i = 0; i < 100; i++) {
        key[1] = (char)('0' + i / 10);
        key[2] = (char)('0' + i % 10);
        PyObject *k = PyUnicode_FromStringAndSize(key, 3);
        PyObject *v = k ? PyLong_FromLong(i) : NULL;
        int err = v == NULL || PyDict_SetItem(dict, k, v) < 0;
        Py_XDECREF(k);
        Py_XDECREF(v);
        if (err) {
            Py_DECREF(dict);
            return NULL;
        }
    }
    return dict;
}

static PyObject *raise_value_error(PyObject *self, PyObject *unused)
{
    PyErr_SetString(PyExc_ValueError, "raised by the benchmark");
    return NULL;
}

/* keywords(a, *, b, c, d=3) -> a + b + c + d, every argument a C int. The
 * keyword names are interned at module init; Python passes interned names
 * for literal keywords, so the pointer compare is what usually matches. */
static PyObject *kw_names[3];

static int as_int(PyObject *obj, int *out)
{
    long v = PyLong_AsLong(obj);
    if (v == -1 && PyErr_Occurred())
        return -1;
    if (v < INT_MIN || v > INT_MAX) {
        PyErr_SetString(PyExc_OverflowError, "value out of range for a C int");
        return -1;
    }
    *out = (int)v;
    return 0;
}

static PyObject *keywords(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *kw[3] = {NULL, NULL, NULL};
    if (nargs != 1) {
        PyErr_Format(PyExc_TypeError, "keywords() takes 1 positional argument (%zd given)", nargs);
        return NULL;
    }
    Py_ssize_t nkw = kwnames == NULL ? 0 : PyTuple_GET_SIZE(kwnames);
    for (Py_ssize_t i = 0; i < nkw; i++) {
        PyObject *name = PyTuple_GET_ITEM(kwnames, i);
        int k = 0;
        while (k < 3 && name != kw_names[k])
            k++;
        for (int j = 0; k == 3 && j < 3; j++)
            if (PyUnicode_Compare(name, kw_names[j]) == 0)
                k = j;
        if (k == 3) {
            PyErr_Format(PyExc_TypeError, "keywords() got an unexpected keyword argument '%S'", name);
            return NULL;
        }
        if (kw[k] != NULL) {
            PyErr_Format(PyExc_TypeError, "keywords() got multiple values for argument '%S'", name);
            return NULL;
        }
        kw[k] = args[nargs + i];
    }
    if (kw[0] == NULL || kw[1] == NULL) {
        PyErr_SetString(PyExc_TypeError, "keywords() missing a required keyword-only argument ('b' or 'c')");
        return NULL;
    }
    int a, b, c, d = 3;
    if (as_int(args[0], &a) < 0 || as_int(kw[0], &b) < 0 || as_int(kw[1], &c) < 0 ||
        (kw[2] != NULL && as_int(kw[2], &d) < 0))
        return NULL;
    return PyLong_FromLongLong((long long)a + b + c + d);
}

static PyMethodDef module_methods[] = {
    {"noargs", noargs, METH_NOARGS, "Takes nothing, returns None."},
    {"onearg", onearg, METH_O, "Takes one argument, returns None."},
    {"varargs", (PyCFunction)(void (*)(void))varargs, METH_FASTCALL, "Takes any positional arguments, returns None."},
    {"call_with_tuple", (PyCFunction)(void (*)(void))call_with_tuple, METH_FASTCALL, "f(*t)."},
    {"call_with_tuple_and_dict", (PyCFunction)(void (*)(void))call_with_tuple_and_dict, METH_FASTCALL, "f(*t, **d)."},
    {"allocate_int", allocate_int, METH_NOARGS, "Returns a new int, 2048."},
    {"allocate_tuple", allocate_tuple, METH_NOARGS, "Returns a new tuple, (2048, 2049)."},
    {"sum_floats", sum_floats, METH_O, "The sum of a sequence of floats."},
    {"float_list", float_list, METH_NOARGS, "A list of 1000 floats."},
    {"exclaim", exclaim, METH_O, "The text with '!' appended."},
    {"make_dict", make_dict, METH_NOARGS, "{'k00': 0, ..., 'k99': 99}."},
    {"raise_value_error", raise_value_error, METH_NOARGS, "Raises ValueError."},
    {"keywords", (PyCFunction)(void (*)(void))keywords, METH_FASTCALL | METH_KEYWORDS, "keywords(a, *, b, c, d=3)\n--\n\na + b + c + d."},
    {NULL, NULL, 0, NULL}
};

/* class Foo */

typedef struct {
    PyObject_HEAD
} FooObject;

static PyObject *Foo_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    if (PyTuple_GET_SIZE(args) != 0 || (kw != NULL && PyDict_GET_SIZE(kw) != 0)) {
        PyErr_SetString(PyExc_TypeError, "Foo() takes no arguments");
        return NULL;
    }
    return type->tp_alloc(type, 0);
}

static void Foo_dealloc(PyObject *self)
{
    PyTypeObject *type = Py_TYPE(self);
    type->tp_free(self);
    Py_DECREF(type);
}

static PyObject *Foo_noargs(PyObject *self, PyObject *unused)
{
    Py_RETURN_NONE;
}

static PyObject *Foo_onearg(PyObject *self, PyObject *arg)
{
    Py_RETURN_NONE;
}

static PyObject *Foo_varargs(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    Py_RETURN_NONE;
}

static Py_ssize_t Foo_len(PyObject *self)
{
    return 42;
}

static PyObject *Foo_getitem(PyObject *self, PyObject *key)
{
    Py_RETURN_NONE;
}

static PyMethodDef Foo_methods[] = {
    {"noargs", Foo_noargs, METH_NOARGS, NULL},
    {"onearg", Foo_onearg, METH_O, NULL},
    {"varargs", (PyCFunction)(void (*)(void))Foo_varargs, METH_FASTCALL, NULL},
    {NULL, NULL, 0, NULL}
};

static PyType_Slot Foo_slots[] = {
    {Py_tp_new, Foo_new},
    {Py_tp_dealloc, Foo_dealloc},
    {Py_tp_methods, Foo_methods},
    {Py_mp_length, Foo_len},
    {Py_mp_subscript, Foo_getitem},
    {Py_tp_doc, "A class whose methods do nothing."},
    {0, NULL}
};

static PyType_Spec Foo_spec = {
    .name = "simple_capi.Foo",
    .basicsize = sizeof(FooObject),
    .flags = Py_TPFLAGS_DEFAULT,
    .slots = Foo_slots,
};

static int module_exec(PyObject *m)
{
    static const char *names[3] = {"b", "c", "d"};
    for (int k = 0; k < 3; k++) {
        if (kw_names[k] == NULL && (kw_names[k] = PyUnicode_InternFromString(names[k])) == NULL)
            return -1;
    }
    PyObject *foo = PyType_FromSpec(&Foo_spec);
    if (foo == NULL)
        return -1;
    int err = PyModule_AddObjectRef(m, "Foo", foo) || PyModule_AddObjectRef(m, "HTFoo", foo);
    Py_DECREF(foo);
    return err ? -1 : 0;
}

static PyModuleDef_Slot module_slots[] = {
    {Py_mod_exec, module_exec},
    {0, NULL}
};

static struct PyModuleDef moduledef = {
    PyModuleDef_HEAD_INIT,
    .m_name = "simple_capi",
    .m_doc = "Functions and a class that do nothing, to measure call overhead (C API).",
    .m_size = 0,
    .m_methods = module_methods,
    .m_slots = module_slots,
};

PyMODINIT_FUNC PyInit_simple_capi(void)
{
    return PyModuleDef_Init(&moduledef);
}
