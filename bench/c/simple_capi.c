/* simple_capi: the call-overhead workload of examples/simple, written in C
 * against CPython's C API (the baseline). Functions taking several
 * arguments use METH_FASTCALL, the calling convention HPy maps its
 * HPyFunc_VARARGS to on CPython; Foo is a heap type, like HPy's types. */

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

static PyMethodDef module_methods[] = {
    {"noargs", noargs, METH_NOARGS, "Takes nothing, returns None."},
    {"onearg", onearg, METH_O, "Takes one argument, returns None."},
    {"varargs", (PyCFunction)(void (*)(void))varargs, METH_FASTCALL, "Takes any positional arguments, returns None."},
    {"call_with_tuple", (PyCFunction)(void (*)(void))call_with_tuple, METH_FASTCALL, "f(*t)."},
    {"call_with_tuple_and_dict", (PyCFunction)(void (*)(void))call_with_tuple_and_dict, METH_FASTCALL, "f(*t, **d)."},
    {"allocate_int", allocate_int, METH_NOARGS, "Returns a new int, 2048."},
    {"allocate_tuple", allocate_tuple, METH_NOARGS, "Returns a new tuple, (2048, 2049)."},
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
