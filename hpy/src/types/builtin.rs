//! A value told apart by its builtin type once: [`Builtin`].

use crate::types::{Bytes, Dict, Float, Int, List, Str, Tuple};
use crate::{BuiltinKind, Handle};

/// A value sorted by which of Python's core builtin types it is an
/// instance of ([`Handle::into_builtin`]), as the typed handle of that
/// type where there is one.
///
/// The typed handles are made from [`Handle::builtin_kind`]'s answer, with
/// no second check: an encoder that asks a value's kind and then reads it
/// as a `dict` or a `str` asks the host once, not twice (on PyPy, each
/// question is a call into the interpreter).
#[derive(Debug)]
pub enum Builtin<'ctx> {
    /// The `None` object.
    None,
    /// The `True` object.
    True,
    /// The `False` object.
    False,
    /// An `int` that is not a `bool` (a subclass of `int` too).
    Int(Int<'ctx>),
    /// A `float` (or an instance of a subclass).
    Float(Float<'ctx>),
    /// A `str` (or an instance of a subclass).
    Str(Str<'ctx>),
    /// A `bytes` (or an instance of a subclass).
    Bytes(Bytes<'ctx>),
    /// A `list` (or an instance of a subclass).
    List(List<'ctx>),
    /// A `tuple` (or an instance of a subclass).
    Tuple(Tuple<'ctx>),
    /// A `dict` (or an instance of a subclass).
    Dict(Dict<'ctx>),
    /// Anything else, handed back.
    Other(Handle<'ctx>),
}

impl<'ctx> Handle<'ctx> {
    /// The object as a [`Builtin`]: its [`builtin_kind`](Self::builtin_kind)
    /// with, for a container, a string, bytes or a number, the typed handle
    /// made without checking the type again. `None`, `True` and `False`
    /// close the handle.
    ///
    /// ```
    /// use hpy::{hpy_method, Builtin, HPyResult, Handle};
    ///
    /// /// How many values `obj` holds, counting nested lists and dicts.
    /// #[hpy_method]
    /// fn size(obj: &Handle<'_>) -> HPyResult<usize> {
    ///     Ok(match obj.dup().into_builtin() {
    ///         Builtin::List(list) => list.len()?,
    ///         Builtin::Dict(dict) => dict.len()?,
    ///         _ => 1,
    ///     })
    /// }
    /// # fn main() {}
    /// ```
    #[inline]
    pub fn into_builtin(self) -> Builtin<'ctx> {
        self.into_builtin_likely(BuiltinKind::Other)
    }

    /// [`into_builtin`](Self::into_builtin), asking first whether the
    /// object is of the kind `likely`, as
    /// [`builtin_kind_likely`](Self::builtin_kind_likely) does: an
    /// encoder walking a list passes the kind of the list's first item.
    /// The answer does not depend on `likely`.
    #[inline]
    pub fn into_builtin_likely(self, likely: BuiltinKind) -> Builtin<'ctx> {
        match self.builtin_kind_likely(likely) {
            BuiltinKind::None => Builtin::None,
            BuiltinKind::True => Builtin::True,
            BuiltinKind::False => Builtin::False,
            BuiltinKind::Int => Builtin::Int(Int(self)),
            BuiltinKind::Float => Builtin::Float(Float(self)),
            BuiltinKind::Str => Builtin::Str(Str(self)),
            BuiltinKind::Bytes => Builtin::Bytes(Bytes(self)),
            BuiltinKind::List => Builtin::List(List(self)),
            BuiltinKind::Tuple => Builtin::Tuple(Tuple(self)),
            BuiltinKind::Dict => Builtin::Dict(Dict(self)),
            BuiltinKind::Other => Builtin::Other(self),
        }
    }
}

impl Builtin<'_> {
    /// The [`BuiltinKind`] this value was sorted as.
    #[inline]
    pub fn kind(&self) -> BuiltinKind {
        match self {
            Builtin::None => BuiltinKind::None,
            Builtin::True => BuiltinKind::True,
            Builtin::False => BuiltinKind::False,
            Builtin::Int(_) => BuiltinKind::Int,
            Builtin::Float(_) => BuiltinKind::Float,
            Builtin::Str(_) => BuiltinKind::Str,
            Builtin::Bytes(_) => BuiltinKind::Bytes,
            Builtin::List(_) => BuiltinKind::List,
            Builtin::Tuple(_) => BuiltinKind::Tuple,
            Builtin::Dict(_) => BuiltinKind::Dict,
            Builtin::Other(_) => BuiltinKind::Other,
        }
    }
}
