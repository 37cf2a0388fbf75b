/* hpy-sys: exposes HPy's CPython-ABI global context to Rust.
   Compiled by build.rs with -DHPY_ABI_CPYTHON against the installed headers. */
#include "hpy.h"

HPyContext *hpy_rs_cpython_context(void)
{
    return _HPyGetContext();
}

/* ---- Plain classes: hpy-rs's own deallocation ----

   A "plain" class is a pure HPy type whose base is `object` and which has
   nothing for a deallocator to do beyond freeing the memory: no GC, no
   tp_destroy, no finalizer, no __call__ (HPy's vectorcall slot needs
   initialising), no __dict__ or weak references. CPython would free its
   instances with `subtype_dealloc`, which checks for all of those. hpy-rs
   marks a plain type by giving it `hpy_rs_plain_dealloc`, and the Rust side
   reads the same mark to allocate instances without HPy's `ctx_New`
   (`hpy_sys::cpython::hpy_rs_new`). Python subclasses get CPython's
   `subtype_dealloc` (which ends by calling this one), so they never carry
   the mark. */

__attribute__((visibility("hidden")))
void hpy_rs_plain_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    tp->tp_free(self);
    /* A heap type: each instance holds a reference to it. */
    Py_DECREF(tp);
}

/* Marks `h_type` plain if it is one (`has_destroy`: whether the class has
   an HPy_tp_destroy, which CPython's type object cannot tell). Returns 1 if
   it marked the type. */
int hpy_rs_cpython_mark_plain(HPyContext *ctx, HPy h_type, int has_destroy)
{
    PyTypeObject *tp = (PyTypeObject *)_h2py(h_type);
    if (has_destroy
        || !PyType_Check((PyObject *)tp)
        || !(tp->tp_flags & Py_TPFLAGS_HEAPTYPE)
        || (tp->tp_flags & Py_TPFLAGS_HAVE_GC)
        || tp->tp_base != &PyBaseObject_Type
        || tp->tp_itemsize != 0
        || tp->tp_finalize != NULL
        || tp->tp_del != NULL
        || tp->tp_call != NULL
        || tp->tp_dictoffset != 0
        || tp->tp_weaklistoffset != 0
        || tp->tp_free != PyObject_Free
        /* The payload must start where HPy's runtime puts it: right after
           the header (the Rust side relies on it). */
        || (char *)_HPy_AsStruct_Object(ctx, h_type) != (char *)((PyObject *)tp + 1))
        return 0;
    tp->tp_dealloc = hpy_rs_plain_dealloc;
    return 1;
}
