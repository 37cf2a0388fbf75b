//! Properties (`#[getter]`/`#[setter]`): the entry points, the receiver
//! check and the `HPyDef` of a getset.

use core::ffi::{c_int, c_void, CStr};
use core::ptr;

use hpy_sys::{
    cpy_PyObject, HPy, HPyCFunction, HPyContext, HPyDef, HPyDef_Kind_GetSet, HPyDef_u, HPyGetSet,
    HPy_NULL,
};

use super::check::is_instance;
use crate::class::HPyClass;
use crate::runtime::trampoline::trampoline;
use crate::runtime::{Getter, Setter};
use crate::{Borrowed, Context, HPyErr, HPyResult};

/// Checks the receiver of a property of `T` (`name`): CPython's getset
/// descriptors check it, PyPy's do not (`T.prop.__get__(other_object)`), and
/// `T`'s code may only ever see instances of `T`. (Where properties are
/// published over methods, the method descriptors check it instead.)
#[inline]
pub fn check_receiver<T: HPyClass>(obj: &Borrowed<'_, '_>, name: &str) -> HPyResult<()> {
    if is_instance::<T>(obj)? {
        return Ok(());
    }
    Err(HPyErr::type_error(format!(
        "descriptor '{name}' for '{}' objects doesn't apply to a '{}' object",
        T::INFO.python_name(),
        obj.type_name()
    )))
}

crate::abi::entry_point! {
    /// # Safety
    /// Called by HPy only, as a getter.
    pub unsafe extern "C" fn impl_get<M: Getter<Class: HPyClass>>(
        ctx: *mut HPyContext,
        obj: HPy,
        _closure: *mut c_void,
    ) -> HPy {
        // SAFETY: HPy passes the live context and a valid object.
        unsafe {
            trampoline(ctx, M::NAME, HPy_NULL, |ctx| {
                let obj = Borrowed::from_raw(ctx, obj);
                check_receiver::<M::Class>(&obj, M::NAME)?;
                M::call(ctx, obj)
            })
        }
    }
}

crate::abi::entry_point! {
    /// # Safety
    /// Called by HPy only, as a setter.
    pub unsafe extern "C" fn impl_set<M: Setter<Class: HPyClass>>(
        ctx: *mut HPyContext,
        obj: HPy,
        value: HPy,
        _closure: *mut c_void,
    ) -> c_int {
        // SAFETY: HPy passes the live context, a valid object and a value or NULL.
        unsafe {
            trampoline(ctx, M::NAME, -1, |ctx| {
                let obj = Borrowed::from_raw(ctx, obj);
                check_receiver::<M::Class>(&obj, M::NAME)?;
                let value = if value._i == 0 {
                    None
                } else {
                    Some(Borrowed::from_raw(ctx, value))
                };
                M::call(ctx, obj, value).map(|()| 0)
            })
        }
    }
}

/// The CPython-convention trampoline of a getter: one body for
/// both ABIs, the seam (`abi`) converts the arguments.
///
/// # Safety
/// Called by CPython as a getter.
unsafe extern "C" fn cpy_get<M: Getter<Class: HPyClass>>(
    obj: *mut cpy_PyObject,
    closure: *mut c_void,
) -> crate::abi::ObjectResult {
    // SAFETY: a getter's arguments, for `impl_get`.
    unsafe { crate::abi::getter(impl_get::<M>, impl_get::<M>, obj, closure) }
}

/// The CPython-convention trampoline of a setter: one body for
/// both ABIs, the seam (`abi`) converts the arguments.
///
/// # Safety
/// Called by CPython as a setter.
unsafe extern "C" fn cpy_set<M: Setter<Class: HPyClass>>(
    obj: *mut cpy_PyObject,
    value: *mut cpy_PyObject,
    closure: *mut c_void,
) -> c_int {
    // SAFETY: a setter's arguments (the value or NULL), for `impl_set`.
    unsafe { crate::abi::setter(impl_set::<M>, impl_set::<M>, obj, value, closure) }
}

/// A property with a getter and optionally a setter.
pub const fn getset<G: Getter<Class: HPyClass>, S: Setter<Class: HPyClass>>(
    name: &'static CStr,
    doc: Option<&'static CStr>,
    has_setter: bool,
) -> HPyDef {
    let g: unsafe extern "C" fn(*mut HPyContext, HPy, *mut c_void) -> HPy = impl_get::<G>;
    let s: unsafe extern "C" fn(*mut HPyContext, HPy, HPy, *mut c_void) -> c_int = impl_set::<S>;
    type Get = unsafe extern "C" fn(*mut cpy_PyObject, *mut c_void) -> crate::abi::ObjectResult;
    let gc: Get = cpy_get::<G>;
    // The same type where the result is a pointer.
    #[allow(clippy::useless_transmute)]
    // SAFETY: function pointers have one size; CPython calls it as a
    // getter, which returns what `ObjectResult` stands for.
    let gc = unsafe { core::mem::transmute::<Get, hpy_sys::cpy_getter>(gc) };
    let sc: hpy_sys::cpy_setter = cpy_set::<S>;
    HPyDef {
        kind: HPyDef_Kind_GetSet,
        u: HPyDef_u {
            getset: HPyGetSet {
                name: name.as_ptr(),
                getter_impl: g as HPyCFunction,
                setter_impl: if has_setter {
                    s as HPyCFunction
                } else {
                    ptr::null()
                },
                getter_cpy_trampoline: Some(gc),
                setter_cpy_trampoline: if has_setter { Some(sc) } else { None },
                doc: match doc {
                    Some(d) => d.as_ptr(),
                    None => ptr::null(),
                },
                closure: ptr::null_mut(),
            },
        },
    }
}

/// The setter of a read-only property: refuses with `AttributeError`.
/// (Registered rather than left NULL: PyPy 7.3.19 aborts when assigning to a
/// getset without a setter.)
pub struct NoSetter<G>(core::marker::PhantomData<G>);

// SAFETY: the body only raises; it returns no handle.
unsafe impl<G: Getter> Setter for NoSetter<G> {
    type Class = G::Class;
    const NAME: &'static str = G::NAME;
    fn call<'ctx>(
        _: Context<'ctx>,
        obj: Borrowed<'_, 'ctx>,
        value: Option<Borrowed<'_, 'ctx>>,
    ) -> HPyResult<()> {
        let action = if value.is_some() { "set" } else { "delete" };
        Err(HPyErr::attribute_error(format!(
            "cannot {action} read-only attribute '{}' of '{}' objects",
            G::NAME,
            obj.type_name()
        )))
    }
}
