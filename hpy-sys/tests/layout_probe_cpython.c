/* Layout probe for hpy-sys's CPython declarations (src/cpython/ffi.rs and
   the header sizes of src/cpython/runtime/types.rs). Includes only
   Python.h: it runs against any CPython 3.11-3.15, with or without the hpy
   package. Prints "key value" lines that tests/layout.rs compares with the
   Rust side. Hand-written (not generated): it mirrors hand-written Rust. */
#include <Python.h>
#include <structmember.h>
#include <datetime.h>
#include <stdio.h>
#include <stddef.h>

#define P(key, expr) printf("%s %lld\n", key, (long long)(expr))
#define OFF(T, f) P("offset:" #T "." #f, offsetof(T, f))
#define SIZE(T) P("size:" #T, sizeof(T))
#define CONST(c) P("const:" #c, c)

int main(void)
{
    SIZE(PyObject);
    OFF(PyObject, ob_refcnt);
    OFF(PyObject, ob_type);
    SIZE(PyVarObject);
    OFF(PyVarObject, ob_size);

    SIZE(PyTypeObject);
    OFF(PyTypeObject, tp_name);
    OFF(PyTypeObject, tp_basicsize);
    OFF(PyTypeObject, tp_itemsize);
    OFF(PyTypeObject, tp_dealloc);
    OFF(PyTypeObject, tp_vectorcall_offset);
    OFF(PyTypeObject, tp_as_async);
    OFF(PyTypeObject, tp_as_number);
    OFF(PyTypeObject, tp_as_sequence);
    OFF(PyTypeObject, tp_as_mapping);
    OFF(PyTypeObject, tp_call);
    OFF(PyTypeObject, tp_as_buffer);
    OFF(PyTypeObject, tp_flags);
    OFF(PyTypeObject, tp_doc);
    OFF(PyTypeObject, tp_traverse);
    OFF(PyTypeObject, tp_clear);
    OFF(PyTypeObject, tp_weaklistoffset);
    OFF(PyTypeObject, tp_members);
    OFF(PyTypeObject, tp_base);
    OFF(PyTypeObject, tp_dict);
    OFF(PyTypeObject, tp_dictoffset);
    OFF(PyTypeObject, tp_alloc);
    OFF(PyTypeObject, tp_new);
    OFF(PyTypeObject, tp_free);
    OFF(PyTypeObject, tp_bases);
    OFF(PyTypeObject, tp_mro);
    OFF(PyTypeObject, tp_cache);
    OFF(PyTypeObject, tp_subclasses);
    OFF(PyTypeObject, tp_weaklist);
    OFF(PyTypeObject, tp_del);
    OFF(PyTypeObject, tp_version_tag);
    OFF(PyTypeObject, tp_finalize);
    OFF(PyTypeObject, tp_vectorcall);

    SIZE(PyHeapTypeObject);
    OFF(PyHeapTypeObject, as_async);
    OFF(PyHeapTypeObject, as_number);
    OFF(PyHeapTypeObject, as_mapping);
    OFF(PyHeapTypeObject, as_sequence);
    OFF(PyHeapTypeObject, as_buffer);
    OFF(PyHeapTypeObject, ht_name);
    OFF(PyHeapTypeObject, ht_slots);
    OFF(PyHeapTypeObject, ht_qualname);
    OFF(PyHeapTypeObject, ht_cached_keys);
    OFF(PyHeapTypeObject, ht_module);
    OFF(PyHeapTypeObject, _ht_tpname);

    /* The objects an HPy payload can follow (builtin shapes). */
    SIZE(PyLongObject);
    SIZE(PyFloatObject);
    SIZE(PyUnicodeObject);
    SIZE(PyTupleObject);
    SIZE(PyListObject);
    OFF(PyTupleObject, ob_item);
    OFF(PyListObject, ob_item);
    OFF(PyBytesObject, ob_sval);

    SIZE(PyType_Slot);
    OFF(PyType_Slot, pfunc);
    SIZE(PyType_Spec);
    OFF(PyType_Spec, basicsize);
    OFF(PyType_Spec, itemsize);
    OFF(PyType_Spec, flags);
    OFF(PyType_Spec, slots);
    SIZE(PyMethodDef);
    OFF(PyMethodDef, ml_meth);
    OFF(PyMethodDef, ml_flags);
    OFF(PyMethodDef, ml_doc);
    SIZE(PyMemberDef);
    OFF(PyMemberDef, type);
    OFF(PyMemberDef, offset);
    OFF(PyMemberDef, flags);
    OFF(PyMemberDef, doc);
    SIZE(PyGetSetDef);
    OFF(PyGetSetDef, get);
    OFF(PyGetSetDef, set);
    OFF(PyGetSetDef, doc);
    OFF(PyGetSetDef, closure);
    SIZE(PyModuleDef_Base);
    OFF(PyModuleDef_Base, m_init);
    OFF(PyModuleDef_Base, m_index);
    OFF(PyModuleDef_Base, m_copy);
    SIZE(PyModuleDef);
    OFF(PyModuleDef, m_name);
    OFF(PyModuleDef, m_doc);
    OFF(PyModuleDef, m_size);
    OFF(PyModuleDef, m_methods);
    OFF(PyModuleDef, m_slots);
    OFF(PyModuleDef, m_traverse);
    OFF(PyModuleDef, m_clear);
    OFF(PyModuleDef, m_free);
    SIZE(PyModuleDef_Slot);
    OFF(PyModuleDef_Slot, value);

    CONST(Py_TPFLAGS_HEAPTYPE);
    CONST(Py_TPFLAGS_HAVE_VECTORCALL);
    CONST(Py_TPFLAGS_HAVE_GC);
    CONST(Py_TPFLAGS_LONG_SUBCLASS);
    CONST(Py_TPFLAGS_LIST_SUBCLASS);
    CONST(Py_TPFLAGS_TUPLE_SUBCLASS);
    CONST(Py_TPFLAGS_BYTES_SUBCLASS);
    CONST(Py_TPFLAGS_UNICODE_SUBCLASS);
    CONST(Py_TPFLAGS_DICT_SUBCLASS);
    CONST(Py_TPFLAGS_TYPE_SUBCLASS);
    CONST(PY_VECTORCALL_ARGUMENTS_OFFSET);
    CONST(METH_NOARGS);
    CONST(METH_O);
    CONST(METH_KEYWORDS);
    CONST(METH_FASTCALL);
    CONST(T_PYSSIZET);
    CONST(READONLY);
    CONST(Py_tp_call);
    CONST(Py_tp_clear);
    CONST(Py_tp_dealloc);
    CONST(Py_tp_doc);
    CONST(Py_tp_getset);
    CONST(Py_tp_members);
    CONST(Py_tp_methods);
    CONST(Py_tp_new);
    CONST(Py_mod_create);
    CONST(Py_mod_exec);
    CONST(Py_bf_getbuffer);
    CONST(Py_bf_releasebuffer);
    CONST(Py_mp_ass_subscript);
    CONST(Py_mp_length);
#if PY_VERSION_HEX >= 0x030C0000
    CONST(Py_mod_multiple_interpreters);
    P("const:Py_MOD_MULTIPLE_INTERPRETERS_NOT_SUPPORTED", (Py_ssize_t)Py_MOD_MULTIPLE_INTERPRETERS_NOT_SUPPORTED);
#endif
    /* src/cpython/stdlib.rs */
    SIZE(PyDateTime_Date);
    OFF(PyDateTime_Date, hashcode);
    OFF(PyDateTime_Date, hastzinfo);
    OFF(PyDateTime_Date, data);
    SIZE(PyDateTime_DateTime);
    OFF(PyDateTime_DateTime, hastzinfo);
    OFF(PyDateTime_DateTime, data);
    OFF(PyDateTime_DateTime, fold);
    OFF(PyDateTime_DateTime, tzinfo);
    SIZE(PyDateTime_Time);
    OFF(PyDateTime_Time, hastzinfo);
    OFF(PyDateTime_Time, data);
    OFF(PyDateTime_Time, fold);
    OFF(PyDateTime_Time, tzinfo);
    SIZE(PyDateTime_Delta);
    OFF(PyDateTime_Delta, days);
    OFF(PyDateTime_Delta, seconds);
    OFF(PyDateTime_Delta, microseconds);
    SIZE(PyDateTime_CAPI);
    OFF(PyDateTime_CAPI, TimeZone_UTC);
    OFF(PyDateTime_CAPI, Date_FromDate);
    OFF(PyDateTime_CAPI, DateTime_FromDateAndTime);
    OFF(PyDateTime_CAPI, Time_FromTime);
    OFF(PyDateTime_CAPI, Delta_FromDelta);
    OFF(PyDateTime_CAPI, TimeZone_FromTimeZone);
#if PY_VERSION_HEX >= 0x030E0000
    SIZE(PyLongLayout);
    OFF(PyLongLayout, digit_size);
    OFF(PyLongLayout, digits_order);
    OFF(PyLongLayout, digit_endianness);
    SIZE(PyLongExport);
    OFF(PyLongExport, negative);
    OFF(PyLongExport, ndigits);
    OFF(PyLongExport, digits);
    OFF(PyLongExport, _reserved);
#endif
    CONST(Py_eval_input);
    CONST(Py_file_input);
    CONST(Py_single_input);
    return 0;
}
