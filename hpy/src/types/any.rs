//! [`Handle`] (owned, closes on drop) and [`Borrowed`] (an argument the
//! caller owns).

use core::marker::PhantomData;
use core::mem::ManuallyDrop;
use core::ops::Deref;

use hpy_sys::{HPy, HPyConstant};

use crate::Context;

pub(crate) mod call;
mod number;
pub(crate) mod object;

/// Which of Python's core builtin types an object is an instance of
/// ([`Handle::builtin_kind`]): what an encoder walking Python data (JSON,
/// msgpack, …) asks of every value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BuiltinKind {
    /// The `None` object.
    None,
    /// The `True` object.
    True,
    /// The `False` object.
    False,
    /// An `int` that is not a `bool` (a subclass of `int` too).
    Int,
    /// A `float` (or an instance of a subclass).
    Float,
    /// A `str` (or an instance of a subclass).
    Str,
    /// A `bytes` (or an instance of a subclass).
    Bytes,
    /// A `list` (or an instance of a subclass).
    List,
    /// A `tuple` (or an instance of a subclass).
    Tuple,
    /// A `dict` (or an instance of a subclass).
    Dict,
    /// Anything else.
    Other,
}

/// CPython's `Py_TPFLAGS_*_SUBCLASS` bits (its stable ABI): a type with
/// one of them derives from that builtin type.
pub(crate) mod type_flag {
    use core::ffi::c_ulong;
    /// `int` (and `bool`).
    pub(crate) const LONG: c_ulong = 1 << 24;
    /// `list`.
    pub(crate) const LIST: c_ulong = 1 << 25;
    /// `tuple`.
    pub(crate) const TUPLE: c_ulong = 1 << 26;
    /// `bytes`.
    pub(crate) const BYTES: c_ulong = 1 << 27;
    /// `str`.
    pub(crate) const UNICODE: c_ulong = 1 << 28;
    /// `dict`.
    pub(crate) const DICT: c_ulong = 1 << 29;
    /// `BaseException` and `type`.
    pub(crate) const EXC_OR_TYPE: c_ulong = 3 << 30;
}

/// [`crate::Handle::builtin_kind`] where a handle is the object (the CPython
/// ABI, hpy_rs_universal's plain context): from the object's address
/// `obj`, its type's address `ty` and that type's `tp_flags`, with the
/// constants' addresses from `constant`. CPython's `Py_TPFLAGS_*_SUBCLASS`
/// bits (its stable ABI) tell `int`, `list`, `tuple`, `bytes`, `str` and
/// `dict` and their subclasses apart in one read; `None`: the type may be
/// a subclass of `float`, which has no bit (the caller walks its bases).
#[inline(always)]
pub(crate) fn classify_builtin(
    obj: isize,
    ty: isize,
    flags: core::ffi::c_ulong,
    constant: impl Fn(hpy_sys::HPyConstant) -> isize,
) -> Option<BuiltinKind> {
    use hpy_sys::HPyConstant as C;
    use type_flag::{BYTES, DICT, LIST, LONG, TUPLE, UNICODE};
    use BuiltinKind as K;
    // `BaseException` and `type`: no instance of theirs is a `float`.
    const OTHER: core::ffi::c_ulong = type_flag::EXC_OR_TYPE;
    if flags & UNICODE != 0 {
        return Some(K::Str);
    }
    if flags & LONG != 0 {
        if ty != constant(C::BoolType) {
            return Some(K::Int);
        }
        return Some(if obj == constant(C::True) {
            K::True
        } else {
            K::False
        });
    }
    if flags & DICT != 0 {
        return Some(K::Dict);
    }
    if flags & LIST != 0 {
        return Some(K::List);
    }
    if flags & TUPLE != 0 {
        return Some(K::Tuple);
    }
    if flags & BYTES != 0 {
        return Some(K::Bytes);
    }
    if ty == constant(C::FloatType) {
        return Some(K::Float);
    }
    if obj == constant(C::None) {
        return Some(K::None);
    }
    if flags & OTHER != 0 {
        return Some(K::Other);
    }
    None
}

/// An owned HPy handle to a Python object, valid for the call `'ctx`.
///
/// A `Handle` is closed (`HPy_Close`) exactly once, when it is dropped. It is
/// deliberately not `Clone` — a second handle to the same object is made with
/// [`dup`](Handle::dup) — and not `PartialEq`: Python identity is
/// [`is`](Handle::is), equality is a Python operation that can fail. Like its
/// [`Context`], it can neither leave the call nor cross threads.
#[repr(C)]
pub struct Handle<'ctx> {
    raw: HPy,
    ctx: Context<'ctx>,
}

impl<'ctx> Handle<'ctx> {
    /// Takes ownership of a raw handle.
    ///
    /// # Safety
    /// `raw` must be a valid, non-null handle owned by the caller, opened in
    /// the context `ctx`; ownership moves into the returned `Handle`.
    #[inline(always)]
    pub unsafe fn from_raw(ctx: Context<'ctx>, raw: HPy) -> Self {
        Handle { raw, ctx }
    }

    /// The raw handle, still owned by `self`.
    #[inline(always)]
    pub fn as_raw(&self) -> HPy {
        self.raw
    }

    /// Gives up ownership: the caller becomes responsible for closing the
    /// returned raw handle.
    #[inline(always)]
    pub fn into_raw(self) -> HPy {
        ManuallyDrop::new(self).raw
    }

    /// The context this handle belongs to.
    #[inline(always)]
    pub fn context(&self) -> Context<'ctx> {
        self.ctx
    }

    /// A new, independently owned handle to the same object (`HPy_Dup`).
    #[inline]
    pub fn dup(&self) -> Handle<'ctx> {
        // SAFETY: `self.raw` is valid; HPy_Dup returns a new owned handle.
        unsafe { Handle::from_raw(self.ctx, crate::abi::dup(self.ctx.as_raw(), self.raw)) }
    }

    /// Python identity: `self is other` (`HPy_Is`).
    #[inline]
    pub fn is(&self, other: &Handle<'ctx>) -> bool {
        // SAFETY: both handles are valid for the duration of the call.
        unsafe { hpy_sys::HPy_Is(self.ctx.as_raw(), self.raw, other.raw) != 0 }
    }

    /// Whether this is the `None` object.
    #[inline]
    pub fn is_none(&self) -> bool {
        self.is_constant(HPyConstant::None)
    }

    /// Whether this is exactly the given context constant (identity).
    #[inline]
    pub fn is_constant(&self, which: HPyConstant) -> bool {
        // SAFETY: constants and `self.raw` are valid handles for the call.
        unsafe {
            let c = hpy_sys::HPy_GetConstant(self.ctx.as_raw(), which);
            hpy_sys::HPy_Is(self.ctx.as_raw(), self.raw, c) != 0
        }
    }

    /// A non-owning view of this handle, e.g. to pass where an argument is
    /// expected.
    #[inline(always)]
    pub fn borrow(&self) -> Borrowed<'_, 'ctx> {
        Borrowed {
            raw: self.raw,
            ctx: self.ctx,
            _borrow: PhantomData,
        }
    }
}

impl Drop for Handle<'_> {
    #[inline(always)]
    fn drop(&mut self) {
        // SAFETY: `self` owns `raw`, and this is the only place it is closed.
        unsafe { crate::abi::close(self.ctx.as_raw(), self.raw) }
    }
}

impl core::fmt::Debug for Handle<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Handle(<{} object>)", self.type_name())
    }
}

/// A handle owned by someone else — typically an argument, which the caller
/// owns — usable as a `&Handle` for the borrow `'a`.
///
/// It dereferences to [`Handle`], so every method is available, and
/// [`dup`](Handle::dup) makes an owned copy. It can never be closed: it has
/// no `Drop`, and an owned `Handle` cannot be moved out of it.
#[derive(Clone, Copy)]
#[repr(C)]
pub struct Borrowed<'a, 'ctx> {
    raw: HPy,
    ctx: Context<'ctx>,
    _borrow: PhantomData<&'a Handle<'ctx>>,
}

impl<'a, 'ctx> Borrowed<'a, 'ctx> {
    /// Views a raw handle that somebody else owns.
    ///
    /// # Safety
    /// `raw` must be a valid, non-null handle of context `ctx` that stays open
    /// for all of `'a`.
    #[inline(always)]
    pub unsafe fn from_raw(ctx: Context<'ctx>, raw: HPy) -> Self {
        Borrowed {
            raw,
            ctx,
            _borrow: PhantomData,
        }
    }
}

impl<'ctx> Borrowed<'_, 'ctx> {
    /// The placeholder of an argument that was not given. Only argument
    /// parsing makes it, and it never reaches user code.
    #[inline(always)]
    pub(crate) fn missing(ctx: Context<'ctx>) -> Self {
        Borrowed {
            raw: hpy_sys::HPy_NULL,
            ctx,
            _borrow: PhantomData,
        }
    }
}

impl<'ctx> Deref for Borrowed<'_, 'ctx> {
    type Target = Handle<'ctx>;

    #[inline(always)]
    fn deref(&self) -> &Handle<'ctx> {
        // SAFETY: `Borrowed` and `Handle` are both `repr(C)` with the same two
        // leading fields (`HPy`, `Context`) followed only by a zero-sized
        // marker, so the layouts are identical. The `&Handle` cannot be used to
        // drop or move the handle, so it is never closed through this view.
        unsafe { &*(self as *const Borrowed<'_, 'ctx> as *const Handle<'ctx>) }
    }
}

impl core::fmt::Debug for Borrowed<'_, '_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        (**self).fmt(f)
    }
}
