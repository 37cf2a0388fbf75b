//! What hpy-rs reads of a NumPy array: its data pointer, shape, strides,
//! writeability and dtype, read in place from the array's C struct where a
//! handle is the object (the CPython ABI, hpy_rs_universal's plain
//! context), else asked of Python through one helper call (every other
//! host: debug and trace contexts, PyPy). Both are zero copy: the data
//! pointer is NumPy's own.

use std::borrow::Cow;

use super::element::{ElementKind, ELEMENT_KINDS};
use crate::convert::imported::StdClass;
use crate::{HPyErr, HPyResult, Handle};

/// The fields of NumPy's `PyArrayObject` and `PyArray_Descr` that the
/// in-place reading uses: their offsets on 64-bit targets after CPython's
/// 16-byte object header (PyPy's is 8 bytes longer, added to each), the
/// same in NumPy 1.x and 2.x. (NumPy 2 moved the descr's `elsize` and `alignment`
/// behind a new 64-bit `flags`; those are not read: the item size follows
/// from `type_num` for every dtype an element can have.)
mod layout {
    /// `PyArrayObject.data` (`char *`).
    pub(super) const DATA: usize = 16;
    /// `PyArrayObject.nd` (`int`).
    pub(super) const ND: usize = 24;
    /// `PyArrayObject.dimensions` (`npy_intp *`).
    pub(super) const DIMENSIONS: usize = 32;
    /// `PyArrayObject.strides` (`npy_intp *`).
    pub(super) const STRIDES: usize = 40;
    /// `PyArrayObject.descr` (`PyArray_Descr *`).
    pub(super) const DESCR: usize = 56;
    /// `PyArrayObject.flags` (`int`).
    pub(super) const FLAGS: usize = 64;
    /// `PyArray_Descr.byteorder` (`char`).
    pub(super) const BYTEORDER: usize = 26;
    /// `PyArray_Descr.type_num` (`int`).
    pub(super) const TYPE_NUM: usize = 28;
    /// CPython's object header, which the offsets above include.
    pub(super) const CPYTHON_HEAD: usize = 16;
    /// `NPY_ARRAY_WRITEABLE`.
    pub(super) const WRITEABLE: core::ffi::c_int = 0x0400;
}

/// A dtype as far as elements go: its kind and size if it is one of
/// NumPy's builtin numeric dtypes, and whether it is in native byte order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Dtype {
    /// `None`: a dtype no element type has (object, strings, dates,
    /// structured, user dtypes, `longdouble`).
    pub(crate) element: Option<(ElementKind, usize)>,
    pub(crate) native: bool,
}

impl Dtype {
    /// The dtype of NumPy's builtin type number `type_num` (`dtype.num`).
    fn from_type_num(type_num: i32, native: bool) -> Dtype {
        let element = ELEMENT_KINDS
            .iter()
            .find(|(num, _, _)| *num == type_num)
            .map(|&(_, kind, size)| (kind, size));
        Dtype { element, native }
    }
}

/// An array's header, as read for one conversion.
pub(crate) struct Header<'a> {
    pub(crate) data: *mut u8,
    /// The length of each axis.
    pub(crate) shape: Cow<'a, [isize]>,
    /// The distance in bytes between items along each axis.
    pub(crate) strides: Cow<'a, [isize]>,
    pub(crate) writeable: bool,
    pub(crate) dtype: Dtype,
}

impl<'a> Header<'a> {
    /// The header of `obj` if it is a `numpy.ndarray` (or a subclass);
    /// `Ok(None)` for any other object. The slices borrow the array's own
    /// (which Python code can change, `a.shape = ...`): the caller copies
    /// what it keeps before it runs any Python code.
    pub(crate) fn read(obj: &'a Handle<'_>) -> HPyResult<Option<Header<'a>>> {
        let ctx = obj.context();
        let class = StdClass::NumpyNdarray.get(ctx)?;
        let Some(class) = class.downcast_ref::<crate::Type>() else {
            return Err(HPyErr::type_error("numpy.ndarray is not a class"));
        };
        if !obj.type_check(class) {
            return Ok(None);
        }
        // SAFETY: a live handle of this call's context, to an instance of
        // `numpy.ndarray`, a type implemented in C.
        let address = unsafe { crate::abi::object_address(ctx.as_raw(), obj.as_raw()) };
        if let Some((addr, head)) = address {
            // SAFETY: `obj` is an instance of `numpy.ndarray`, whose
            // instances (subclasses' too) start with a `PyArrayObject`;
            // `addr` is its address, live while `obj` is, and so are the
            // `dimensions` and `strides` arrays of `nd` items and the
            // descr it points to.
            return Ok(Some(unsafe { Header::in_place(addr, head) }));
        }
        Header::through_python(obj)
    }

    /// # Safety
    /// `addr` is a live `PyArrayObject`, kept alive for `'a`, of an
    /// interpreter whose object header is `head` bytes.
    unsafe fn in_place(addr: *const u8, head: usize) -> Header<'a> {
        let shift = head - layout::CPYTHON_HEAD;
        // SAFETY: the contract; the offsets are NumPy's (see `layout`).
        unsafe {
            let field = |offset: usize| addr.add(offset + shift);
            let data = *field(layout::DATA).cast::<*mut u8>();
            let nd = *field(layout::ND).cast::<core::ffi::c_int>() as usize;
            let dims = *field(layout::DIMENSIONS).cast::<*const isize>();
            let strides = *field(layout::STRIDES).cast::<*const isize>();
            let descr = *field(layout::DESCR).cast::<*const u8>();
            let flags = *field(layout::FLAGS).cast::<core::ffi::c_int>();
            let byteorder = *descr.add(layout::BYTEORDER + shift);
            let type_num = *descr
                .add(layout::TYPE_NUM + shift)
                .cast::<core::ffi::c_int>();
            let slice = |p: *const isize| {
                if nd == 0 {
                    &[][..]
                } else {
                    core::slice::from_raw_parts(p, nd)
                }
            };
            Header {
                data,
                shape: Cow::Borrowed(slice(dims)),
                strides: Cow::Borrowed(slice(strides)),
                writeable: flags & layout::WRITEABLE != 0,
                dtype: Dtype::from_type_num(type_num, byteorder_is_native(byteorder)),
            }
        }
    }

    /// [`read`](Header::read) where a handle is not the object: one call
    /// of a helper that returns the same fields (the data pointer from
    /// `__array_interface__`), or `None`.
    #[cold]
    fn through_python(obj: &'a Handle<'_>) -> HPyResult<Option<Header<'a>>> {
        let ctx = obj.context();
        let fields = StdClass::NumpyArrayFields.get(ctx)?.call(&[obj])?;
        if fields.is_none() {
            return Ok(None);
        }
        type Fields = (usize, bool, i32, bool, Vec<isize>, Vec<isize>);
        let (data, readonly, type_num, native, shape, strides): Fields = fields.extract()?;
        Ok(Some(Header {
            data: data as *mut u8,
            shape: Cow::Owned(shape),
            strides: Cow::Owned(strides),
            writeable: !readonly,
            dtype: Dtype::from_type_num(type_num, native),
        }))
    }
}

/// Whether a descr's `byteorder` character means this machine's order:
/// `=` (native), `|` (not applicable) or the explicit character of this
/// machine's order.
fn byteorder_is_native(byteorder: u8) -> bool {
    let own = if cfg!(target_endian = "little") {
        b'<'
    } else {
        b'>'
    };
    byteorder == b'=' || byteorder == b'|' || byteorder == own
}

/// The dtype's name for messages: `str(obj.dtype)`, or `?` where that
/// fails.
#[cold]
pub(crate) fn dtype_name_of(obj: &Handle<'_>) -> String {
    obj.get_attr_s("dtype")
        .and_then(|d| d.str())
        .unwrap_or_else(|_| String::from("?"))
}
