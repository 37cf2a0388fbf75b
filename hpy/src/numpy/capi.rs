//! NumPy's own C API (its `_ARRAY_API` table), used wherever objects can
//! be passed to C code as `PyObject*` (the CPython ABI, every context of
//! hpy_rs_universal, PyPy's HPy: `abi::objects_reachable`) to hand a
//! `Vec`'s allocation to NumPy without copying it, and to make the new
//! arrays that are then filled with one copy. Elsewhere new arrays come
//! from `numpy.empty` (`array.rs`).

use core::ffi::{c_int, c_void};
use core::sync::atomic::{AtomicPtr, Ordering};

use super::element::{Element, ELEMENT_KINDS};
use crate::{Context, HPyErr, HPyResult, Handle};

/// Indices in NumPy's `_ARRAY_API` table (`__multiarray_api.h`), the same
/// in NumPy 1.x and 2.x.
mod index {
    pub(super) const ARRAY_TYPE: usize = 2;
    pub(super) const DESCR_FROM_TYPE: usize = 45;
    pub(super) const NEW_FROM_DESCR: usize = 94;
    pub(super) const SET_BASE_OBJECT: usize = 282;
}

/// `NPY_ARRAY_C_CONTIGUOUS | NPY_ARRAY_WRITEABLE`.
const C_WRITEABLE: c_int = 0x0001 | 0x0400;
/// NumPy 2's `NPY_MAXDIMS` (NumPy 1's is 32, and NumPy checks).
const MAX_DIMS: usize = 64;

/// `NPY_ARRAY_F_CONTIGUOUS`: with no data, a new array in Fortran order.
const F_CONTIGUOUS: c_int = 0x0002;

type DescrFromType = unsafe extern "C" fn(c_int) -> *mut c_void;
type NewFromDescr = unsafe extern "C" fn(
    *mut c_void,
    *mut c_void,
    c_int,
    *const isize,
    *const isize,
    *mut c_void,
    c_int,
    *mut c_void,
) -> *mut c_void;
type SetBaseObject = unsafe extern "C" fn(*mut c_void, *mut c_void) -> c_int;

/// The table, once found (NumPy's module stays loaded for the process).
static API: AtomicPtr<*const c_void> = AtomicPtr::new(core::ptr::null_mut());

/// NumPy's `_ARRAY_API` table: the pointer of the capsule
/// `numpy._core._multiarray_umath._ARRAY_API` (`numpy.core...` before
/// NumPy 2).
fn api(ctx: Context<'_>) -> HPyResult<*const *const c_void> {
    let found = API.load(Ordering::Acquire);
    if !found.is_null() {
        return Ok(found);
    }
    let module = ctx
        .import_module("numpy._core._multiarray_umath")
        .or_else(|_| ctx.import_module("numpy.core._multiarray_umath"))?;
    let capsule = module.get_attr_s("_ARRAY_API")?;
    // SAFETY: a live handle; NumPy's capsule has no name (NULL), which
    // `HPyCapsule_GetPointer` checks, failing with an exception on any
    // other object.
    let table = unsafe {
        hpy_sys::HPyCapsule_GetPointer(ctx.as_raw(), capsule.as_raw(), core::ptr::null())
    };
    if table.is_null() {
        return Err(HPyErr::raised(ctx));
    }
    API.store(table.cast(), Ordering::Release);
    Ok(table.cast())
}

/// A new array of `T`s of `shape` (C order, or Fortran order if
/// `fortran`) whose memory NumPy allocates and does not initialize, as
/// `numpy.empty` makes it: `Ok(None)` where objects cannot be reached.
pub(crate) fn new_array<'ctx, T: Element>(
    ctx: Context<'ctx>,
    shape: &[usize],
    fortran: bool,
) -> HPyResult<Option<Handle<'ctx>>> {
    let Some(type_num) = type_num::<T>() else {
        return Ok(None);
    };
    if !crate::abi::objects_reachable(ctx.as_raw()) {
        return Ok(None);
    }
    // On the stack: this is on the path of every small array made.
    let mut dims = [0isize; MAX_DIMS];
    if shape.len() > MAX_DIMS {
        return Err(HPyErr::value_error("too many dimensions for a NumPy array"));
    }
    for (d, &n) in dims.iter_mut().zip(shape) {
        *d = isize::try_from(n).map_err(|_| HPyErr::value_error("array is too big"))?;
    }
    let nd = shape.len() as c_int;
    let table = api(ctx)?;
    // SAFETY: NumPy's table (indices of `__multiarray_api.h`), called with
    // the GIL held: `DescrFromType` gives a new reference to the builtin
    // descr of `type_num` (or NULL with an exception), which
    // `NewFromDescr` steals; with no data and no strides NumPy allocates
    // the items (a flag other than 0 asking for Fortran order) and checks
    // the shape, failing with an exception; the array's reference becomes
    // the returned handle's.
    unsafe {
        let f = |i: usize| *table.add(i);
        let array_type = f(index::ARRAY_TYPE).cast_mut();
        let descr_from_type: DescrFromType = core::mem::transmute(f(index::DESCR_FROM_TYPE));
        let new_from_descr: NewFromDescr = core::mem::transmute(f(index::NEW_FROM_DESCR));
        let descr = descr_from_type(type_num);
        if descr.is_null() {
            return Err(HPyErr::raised(ctx));
        }
        let array_addr = new_from_descr(
            array_type,
            descr,
            nd,
            dims.as_ptr(),
            core::ptr::null(),
            core::ptr::null_mut(),
            if fortran { F_CONTIGUOUS } else { 0 },
            core::ptr::null_mut(),
        );
        if array_addr.is_null() {
            return Err(HPyErr::raised(ctx));
        }
        let Some(raw) = crate::abi::owned_object_handle(ctx.as_raw(), array_addr.cast()) else {
            return Err(HPyErr::system_error("hpy::numpy: no handle for the array"));
        };
        Ok(Some(Handle::from_raw(ctx, raw)))
    }
}

/// NumPy's type number of `T`.
fn type_num<T: Element>() -> Option<c_int> {
    ELEMENT_KINDS
        .iter()
        .find(|&&(_, kind, size)| kind == T::KIND && size == T::SIZE)
        .map(|&(type_num, _, _)| type_num)
}

/// A new one-dimensional array of `vec`'s items that owns `vec`'s
/// allocation (kept by a capsule set as the array's base): `Err(vec)`
/// where objects cannot be reached, or `vec` is empty.
pub(crate) fn array_owning_vec<'ctx, T: Element>(
    ctx: Context<'ctx>,
    mut vec: Vec<T>,
) -> HPyResult<Result<Handle<'ctx>, Vec<T>>> {
    let Some(type_num) = type_num::<T>() else {
        return Ok(Err(vec));
    };
    if vec.is_empty() {
        return Ok(Err(vec));
    }
    if !crate::abi::objects_reachable(ctx.as_raw()) {
        return Ok(Err(vec));
    }
    let table = api(ctx)?;
    let len = vec.len() as isize;
    let data = vec.as_mut_ptr();
    // The capsule owns the `Vec` (moving it keeps its allocation in place).
    let base = ctx.new_capsule(vec, c"hpy_rs.numpy.vec")?;
    // SAFETY: NumPy's table (indices of `__multiarray_api.h`), called with
    // the GIL held: `DescrFromType` gives a new reference to the builtin
    // descr of `type_num` (or NULL with an exception), which
    // `NewFromDescr` steals; `data` is `len` initialized `T`s, aligned,
    // kept alive by `base`, which `SetBaseObject` steals (our handle's
    // reference, as an object's address); the array's reference becomes
    // the returned handle's. If `base` cannot be handed over, the array
    // (never seen by Python, and not the owner of its data) is dropped.
    unsafe {
        let f = |i: usize| *table.add(i);
        let array_type = f(index::ARRAY_TYPE).cast_mut();
        let descr_from_type: DescrFromType = core::mem::transmute(f(index::DESCR_FROM_TYPE));
        let new_from_descr: NewFromDescr = core::mem::transmute(f(index::NEW_FROM_DESCR));
        let set_base: SetBaseObject = core::mem::transmute(f(index::SET_BASE_OBJECT));
        let descr = descr_from_type(type_num);
        if descr.is_null() {
            return Err(HPyErr::raised(ctx));
        }
        let dims = [len];
        let array_addr = new_from_descr(
            array_type,
            descr,
            1,
            dims.as_ptr(),
            core::ptr::null(),
            data.cast(),
            C_WRITEABLE,
            core::ptr::null_mut(),
        );
        if array_addr.is_null() {
            return Err(HPyErr::raised(ctx));
        }
        let Some(raw) = crate::abi::owned_object_handle(ctx.as_raw(), array_addr.cast()) else {
            return Err(HPyErr::system_error("hpy::numpy: no handle for the array"));
        };
        let array = Handle::from_raw(ctx, raw);
        let Some(base_addr) =
            crate::abi::into_owned_object(ctx.as_raw(), base.into_handle().into_raw())
        else {
            return Err(HPyErr::system_error(
                "hpy::numpy: no object for the array's base",
            ));
        };
        if set_base(array_addr, base_addr.cast()) != 0 {
            return Err(HPyErr::raised(ctx));
        }
        Ok(Ok(array))
    }
}
