//! The Python objects a handle can refer to, one file per type: [`Handle`]
//! itself (any object: the object, number and call protocols) in `any.rs`,
//! and beside it the typed handles of builtin types — [`List`], [`Tuple`],
//! [`Dict`], [`Str`], [`Bytes`], [`Int`], [`Float`], [`Type`], [`Slice`], [`Capsule`],
//! [`Code`] — with their methods and the helpers their conversions use.
//!
//! A typed handle is a [`Handle`] known to refer to an instance of its
//! type (or of a subclass): it has the same layout (`repr(transparent)`),
//! closes the object when dropped, dereferences to `Handle` for every
//! generic method, and adds the methods of its type without checking the
//! type again. One comes from a constructor (`ctx.new_list()` gives a
//! [`List`]), from a checked [`Handle::downcast`] /
//! [`Handle::downcast_ref`], or from a typed parameter (`xs: &List<'ctx>`).
//!
//! [`Capsule`]: crate::Capsule
//! [`Code`]: crate::Code

pub(crate) mod abc;
pub(crate) mod any;
pub(crate) mod builtin;
pub(crate) mod bytes;
pub(crate) mod capsule;
pub(crate) mod code;
pub(crate) mod dict;
pub(crate) mod float;
pub(crate) mod int;
pub(crate) mod list;
pub(crate) mod slice;
pub(crate) mod str;
pub(crate) mod tuple;
pub(crate) mod type_;

use crate::{HPyErr, HPyResult, Handle};

pub use abc::Abc;
pub use builtin::Builtin;
pub use bytes::Bytes;
pub use dict::Dict;
pub use float::Float;
pub use int::Int;
pub use list::List;
pub use slice::Slice;
pub use str::{Str, StrBuf, TextSink, WriteText};
pub use tuple::Tuple;
pub use type_::Type;

mod sealed {
    /// Only this crate's typed handles implement [`PyTypeCheck`](super::PyTypeCheck).
    pub trait Sealed {}
}

/// A typed handle: a Python type that [`Handle::downcast`] and
/// [`Handle::downcast_ref`] can check for.
///
/// Sealed: only the typed handles of this crate implement it, because the
/// downcasts rely on each being a `repr(transparent)` wrapper of a
/// [`Handle`].
pub trait PyTypeCheck<'ctx>: sealed::Sealed + Sized {
    /// The type's Python name, as error messages show it (`"list"`).
    const NAME: &'static str;

    /// Whether `obj` is an instance of the type (or of a subclass).
    fn type_check(obj: &Handle<'ctx>) -> bool;

    /// The handle as this type, without a check.
    ///
    /// # Safety
    /// `obj` must refer to an instance of the type.
    #[doc(hidden)]
    unsafe fn from_handle_unchecked(obj: Handle<'ctx>) -> Self;
}

/// A failed [`Handle::downcast`]: the handle given back, and what it was
/// not. Converts to [`HPyErr`] (a `TypeError` worded like CPython's: `…
/// must be list, not int`), so `?` works in functions returning
/// [`HPyResult`].
pub struct DowncastError<'ctx> {
    handle: Handle<'ctx>,
    expected: &'static str,
}

impl<'ctx> DowncastError<'ctx> {
    /// The handle that was not of the expected type.
    #[inline]
    pub fn into_handle(self) -> Handle<'ctx> {
        self.handle
    }

    /// The Python name of the type that was expected.
    #[inline]
    pub fn expected(&self) -> &'static str {
        self.expected
    }
}

impl From<DowncastError<'_>> for HPyErr {
    #[cold]
    fn from(e: DowncastError<'_>) -> HPyErr {
        HPyErr::wrong_type(e.expected, e.handle.type_name())
    }
}

impl core::fmt::Debug for DowncastError<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "DowncastError(expected {}, got {})",
            self.expected,
            self.handle.type_name()
        )
    }
}

impl<'ctx> Handle<'ctx> {
    /// This handle as the typed handle `T`, if the object is an instance
    /// of `T`'s type (or of a subclass); otherwise the handle comes back in
    /// the error, which converts to a `TypeError` with `?`.
    ///
    /// ```
    /// use hpy::{Handle, HPyResult, IntoHPy, List};
    ///
    /// fn push_zero<'ctx>(obj: Handle<'ctx>) -> HPyResult<List<'ctx>> {
    ///     let list = obj.downcast::<List>()?; // TypeError: must be list, not int
    ///     list.append(&0.into_hpy(list.context())?)?;
    ///     Ok(list)
    /// }
    /// # let _ = push_zero;
    /// ```
    #[inline]
    pub fn downcast<T: PyTypeCheck<'ctx>>(self) -> Result<T, DowncastError<'ctx>> {
        if T::type_check(&self) {
            // SAFETY: checked just above.
            Ok(unsafe { T::from_handle_unchecked(self) })
        } else {
            Err(DowncastError {
                handle: self,
                expected: T::NAME,
            })
        }
    }

    /// This handle viewed as the typed handle `T`, if the object is an
    /// instance of `T`'s type (or of a subclass).
    ///
    /// ```
    /// use hpy::{Handle, Str};
    ///
    /// fn text_len(obj: &Handle<'_>) -> Option<usize> {
    ///     obj.downcast_ref::<Str>().and_then(|s| s.to_str().ok()).map(str::len)
    /// }
    /// # let _ = text_len;
    /// ```
    #[inline]
    pub fn downcast_ref<T: PyTypeCheck<'ctx>>(&self) -> Option<&T> {
        if T::type_check(self) {
            // SAFETY: `T` is a `repr(transparent)` wrapper of `Handle<'ctx>`
            // (only the typed handles of this crate implement the sealed
            // trait), so the reference has the right layout, and the object
            // is an instance of the type (checked above). The view cannot
            // move or drop the handle it borrows.
            Some(unsafe { &*(self as *const Handle<'ctx>).cast::<T>() })
        } else {
            None
        }
    }

    /// Like [`downcast_ref`](Handle::downcast_ref), with a `TypeError`
    /// (`must be list, not int`) instead of `None`.
    #[inline]
    pub fn downcast_checked<T: PyTypeCheck<'ctx>>(&self) -> HPyResult<&T> {
        match self.downcast_ref::<T>() {
            Some(t) => Ok(t),
            None => Err(HPyErr::wrong_type(T::NAME, self.type_name())),
        }
    }
}

/// Defines a typed handle: the struct, its `Deref` to `Handle`, the sealed
/// check, `Debug`, and the conversions (`&T` and `T` as parameters, `T`
/// as a return value).
macro_rules! typed_handle {
    (
        $(#[$doc:meta])*
        $name:ident, $py:literal, |$obj:ident| $check:expr
    ) => {
        $(#[$doc])*
        #[repr(transparent)]
        pub struct $name<'ctx>(pub(crate) crate::Handle<'ctx>);

        impl<'ctx> $name<'ctx> {
            /// The object as a plain [`Handle`](crate::Handle).
            #[inline(always)]
            pub fn into_handle(self) -> crate::Handle<'ctx> {
                self.0
            }

            /// A new, independently owned handle to the same object.
            #[inline]
            pub fn dup(&self) -> $name<'ctx> {
                $name(self.0.dup())
            }
        }

        impl<'ctx> core::ops::Deref for $name<'ctx> {
            type Target = crate::Handle<'ctx>;

            #[inline(always)]
            fn deref(&self) -> &crate::Handle<'ctx> {
                &self.0
            }
        }

        impl crate::types::sealed::Sealed for $name<'_> {}

        impl<'ctx> crate::types::PyTypeCheck<'ctx> for $name<'ctx> {
            const NAME: &'static str = $py;

            #[inline]
            fn type_check($obj: &crate::Handle<'ctx>) -> bool {
                $check
            }

            #[inline(always)]
            unsafe fn from_handle_unchecked(obj: crate::Handle<'ctx>) -> Self {
                $name(obj)
            }
        }

        impl<'ctx> From<$name<'ctx>> for crate::Handle<'ctx> {
            #[inline(always)]
            fn from(t: $name<'ctx>) -> crate::Handle<'ctx> {
                t.0
            }
        }

        impl core::fmt::Debug for $name<'_> {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                write!(f, "{}(<{} object>)", stringify!($name), self.0.type_name())
            }
        }

        impl<'a, 'ctx> crate::FromHPy<'a, 'ctx> for &'a $name<'ctx> {
            #[inline]
            fn extract(obj: &'a crate::Handle<'ctx>) -> crate::HPyResult<Self> {
                obj.downcast_checked::<$name<'ctx>>()
            }
        }

        impl<'ctx> crate::FromHPy<'_, 'ctx> for $name<'ctx> {
            #[inline]
            fn extract(obj: &crate::Handle<'ctx>) -> crate::HPyResult<Self> {
                Ok(obj.downcast_checked::<$name<'ctx>>()?.dup())
            }
        }

        impl<'ctx> crate::IntoHPy<'ctx> for $name<'ctx> {
            #[inline(always)]
            fn into_hpy(self, _ctx: crate::Context<'ctx>) -> crate::HPyResult<crate::Handle<'ctx>> {
                Ok(self.0)
            }
        }

        impl<'ctx> crate::IntoHPy<'ctx> for &$name<'ctx> {
            #[inline(always)]
            fn into_hpy(self, _ctx: crate::Context<'ctx>) -> crate::HPyResult<crate::Handle<'ctx>> {
                Ok(self.0.dup())
            }
        }
    };
}
pub(crate) use typed_handle;
