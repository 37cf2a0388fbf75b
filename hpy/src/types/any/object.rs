//! The object protocol on [`Handle`]: attributes, items, comparisons, truth,
//! hashing, string forms and type checks.

use crate::cstr::with_cstr;
use hpy_sys::HPyConstant;

use crate::{BuiltinKind, FromHPy, HPyErr, HPyResult, Handle};

/// A rich comparison operator, for [`Handle::rich_compare`] and
/// [`Handle::rich_compare_bool`] (HPy's `HPy_RichCmpOp`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum RichCompareOp {
    /// `<` (`HPy_LT`)
    Lt = hpy_sys::HPy_LT,
    /// `<=` (`HPy_LE`)
    Le = hpy_sys::HPy_LE,
    /// `==` (`HPy_EQ`)
    Eq = hpy_sys::HPy_EQ,
    /// `!=` (`HPy_NE`)
    Ne = hpy_sys::HPy_NE,
    /// `>` (`HPy_GT`)
    Gt = hpy_sys::HPy_GT,
    /// `>=` (`HPy_GE`)
    Ge = hpy_sys::HPy_GE,
}

impl RichCompareOp {
    /// Whether two values ordered as `ordering` satisfy this operator
    /// (a `__richcmp__` for totally ordered data is `op.matches(a.cmp(&b))`).
    pub fn matches(self, ordering: core::cmp::Ordering) -> bool {
        use core::cmp::Ordering::{Equal, Greater, Less};
        match self {
            RichCompareOp::Lt => ordering == Less,
            RichCompareOp::Le => ordering != Greater,
            RichCompareOp::Eq => ordering == Equal,
            RichCompareOp::Ne => ordering != Equal,
            RichCompareOp::Gt => ordering == Greater,
            RichCompareOp::Ge => ordering != Less,
        }
    }
}

impl<'ctx> Handle<'ctx> {
    // ---- attributes ----

    /// `getattr(self, name)` (`HPy_GetAttr`).
    #[inline]
    pub fn get_attr(&self, name: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
        let ctx = self.context();
        // SAFETY: both handles are valid; the result is owned or HPy_NULL.
        unsafe {
            ctx.wrap_result(hpy_sys::HPy_GetAttr(
                ctx.as_raw(),
                self.as_raw(),
                name.as_raw(),
            ))
        }
    }

    /// `getattr(self, name)` with a Rust string (`HPy_GetAttr_s`). A name
    /// containing NUL raises `ValueError`.
    #[inline]
    pub fn get_attr_s(&self, name: &str) -> HPyResult<Handle<'ctx>> {
        let ctx = self.context();
        with_cstr(name, |name| {
            // SAFETY: valid handle and NUL-terminated UTF-8; owned or HPy_NULL.
            unsafe { ctx.wrap_result(hpy_sys::HPy_GetAttr_s(ctx.as_raw(), self.as_raw(), name)) }
        })
    }

    /// `hasattr(self, name)` (`HPy_HasAttr`). Like `hasattr`, any exception
    /// raised while looking the attribute up counts as "no" and is cleared.
    #[inline]
    pub fn has_attr(&self, name: &Handle<'ctx>) -> bool {
        let ctx = self.context();
        // SAFETY: both handles are valid; the call never fails.
        unsafe { hpy_sys::HPy_HasAttr(ctx.as_raw(), self.as_raw(), name.as_raw()) != 0 }
    }

    /// `hasattr(self, name)` with a Rust string (`HPy_HasAttr_s`). A name
    /// containing NUL raises `ValueError`.
    #[inline]
    pub fn has_attr_s(&self, name: &str) -> HPyResult<bool> {
        let ctx = self.context();
        with_cstr(name, |name| {
            // SAFETY: valid handle and NUL-terminated UTF-8; never fails.
            Ok(unsafe { hpy_sys::HPy_HasAttr_s(ctx.as_raw(), self.as_raw(), name) } != 0)
        })
    }

    /// `setattr(self, name, value)` (`HPy_SetAttr`).
    #[inline]
    pub fn set_attr(&self, name: &Handle<'ctx>, value: &Handle<'ctx>) -> HPyResult<()> {
        let ctx = self.context();
        // SAFETY: all handles are valid; -1 with an exception set on failure.
        ctx.wrap_status(unsafe {
            hpy_sys::HPy_SetAttr(ctx.as_raw(), self.as_raw(), name.as_raw(), value.as_raw())
        })
    }

    /// `setattr(self, name, value)` with a Rust string (`HPy_SetAttr_s`).
    /// A name containing NUL raises `ValueError`.
    #[inline]
    pub fn set_attr_s(&self, name: &str, value: &Handle<'ctx>) -> HPyResult<()> {
        let ctx = self.context();
        with_cstr(name, |name| {
            // SAFETY: valid handles and NUL-terminated UTF-8.
            ctx.wrap_status(unsafe {
                hpy_sys::HPy_SetAttr_s(ctx.as_raw(), self.as_raw(), name, value.as_raw())
            })
        })
    }

    /// `delattr(self, name)` (`HPy_DelAttr`: `HPy_SetAttr` with a null value).
    #[inline]
    pub fn del_attr(&self, name: &Handle<'ctx>) -> HPyResult<()> {
        let ctx = self.context();
        // SAFETY: both handles are valid; -1 with an exception set on failure.
        ctx.wrap_status(unsafe { hpy_sys::HPy_DelAttr(ctx.as_raw(), self.as_raw(), name.as_raw()) })
    }

    /// `delattr(self, name)` with a Rust string (`HPy_DelAttr_s`). A name
    /// containing NUL raises `ValueError`.
    #[inline]
    pub fn del_attr_s(&self, name: &str) -> HPyResult<()> {
        let ctx = self.context();
        with_cstr(name, |name| {
            // SAFETY: valid handle and NUL-terminated UTF-8.
            ctx.wrap_status(unsafe { hpy_sys::HPy_DelAttr_s(ctx.as_raw(), self.as_raw(), name) })
        })
    }

    // ---- items ----

    /// `self[key]` (`HPy_GetItem`).
    #[inline]
    pub fn get_item(&self, key: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
        let ctx = self.context();
        // SAFETY: both handles are valid; the result is owned or HPy_NULL.
        // An exact dict holding the key is read directly in the CPython ABI
        // (`abi::dict_get_item`), the same answer without the dispatch.
        unsafe {
            if let Some(item) = crate::abi::dict_get_item(self.as_raw(), key.as_raw()) {
                return ctx.wrap_result(item);
            }
            ctx.wrap_result(hpy_sys::HPy_GetItem(
                ctx.as_raw(),
                self.as_raw(),
                key.as_raw(),
            ))
        }
    }

    /// `self[index]` with an integer index (`HPy_GetItem_i`; in the CPython
    /// ABI and on hpy_rs_universal's plain context an exact list or tuple
    /// is read directly, without HPy's int key).
    #[inline]
    pub fn get_item_i(&self, index: isize) -> HPyResult<Handle<'ctx>> {
        let ctx = self.context();
        if let Ok(i) = usize::try_from(index) {
            // SAFETY: a valid handle of this context; a new reference
            // comes back.
            let item = unsafe { crate::abi::list_or_tuple_item(ctx.as_raw(), self.as_raw(), i) };
            if let Some(raw) = item {
                // SAFETY: an owned handle of this context.
                return Ok(unsafe { Handle::from_raw(ctx, raw) });
            }
        }
        // SAFETY: valid handle; the result is owned or HPy_NULL.
        unsafe { ctx.wrap_result(hpy_sys::HPy_GetItem_i(ctx.as_raw(), self.as_raw(), index)) }
    }

    /// `self[key]` with a str key given as a Rust string (`HPy_GetItem_s`).
    /// A key containing NUL raises `ValueError`.
    #[inline]
    pub fn get_item_s(&self, key: &str) -> HPyResult<Handle<'ctx>> {
        let ctx = self.context();
        with_cstr(key, |key| {
            // SAFETY: valid handle and NUL-terminated UTF-8; owned or HPy_NULL.
            unsafe { ctx.wrap_result(hpy_sys::HPy_GetItem_s(ctx.as_raw(), self.as_raw(), key)) }
        })
    }

    /// `self[key] = value` (`HPy_SetItem`).
    #[inline]
    pub fn set_item(&self, key: &Handle<'ctx>, value: &Handle<'ctx>) -> HPyResult<()> {
        let ctx = self.context();
        // SAFETY: all handles are valid; -1 with an exception set on failure.
        // An exact dict is written directly in the CPython ABI
        // (`abi::dict_set_item`), the same effect without the dispatch.
        ctx.wrap_status(unsafe {
            match crate::abi::dict_set_item(self.as_raw(), key.as_raw(), value.as_raw()) {
                Some(status) => status,
                None => {
                    hpy_sys::HPy_SetItem(ctx.as_raw(), self.as_raw(), key.as_raw(), value.as_raw())
                }
            }
        })
    }

    /// `self[index] = value` (`HPy_SetItem_i`).
    #[inline]
    pub fn set_item_i(&self, index: isize, value: &Handle<'ctx>) -> HPyResult<()> {
        let ctx = self.context();
        // SAFETY: valid handles; -1 with an exception set on failure.
        ctx.wrap_status(unsafe {
            hpy_sys::HPy_SetItem_i(ctx.as_raw(), self.as_raw(), index, value.as_raw())
        })
    }

    /// `self[key] = value` with a str key given as a Rust string
    /// (`HPy_SetItem_s`). A key containing NUL raises `ValueError`.
    #[inline]
    pub fn set_item_s(&self, key: &str, value: &Handle<'ctx>) -> HPyResult<()> {
        let ctx = self.context();
        with_cstr(key, |key| {
            // SAFETY: valid handles and NUL-terminated UTF-8.
            ctx.wrap_status(unsafe {
                hpy_sys::HPy_SetItem_s(ctx.as_raw(), self.as_raw(), key, value.as_raw())
            })
        })
    }

    /// `del self[key]` (`HPy_DelItem`).
    #[inline]
    pub fn del_item(&self, key: &Handle<'ctx>) -> HPyResult<()> {
        let ctx = self.context();
        // SAFETY: both handles are valid; -1 with an exception set on failure.
        ctx.wrap_status(unsafe { hpy_sys::HPy_DelItem(ctx.as_raw(), self.as_raw(), key.as_raw()) })
    }

    /// `del self[index]` (`HPy_DelItem_i`).
    #[inline]
    pub fn del_item_i(&self, index: isize) -> HPyResult<()> {
        let ctx = self.context();
        // SAFETY: valid handle; -1 with an exception set on failure.
        ctx.wrap_status(unsafe { hpy_sys::HPy_DelItem_i(ctx.as_raw(), self.as_raw(), index) })
    }

    /// `del self[key]` with a str key given as a Rust string
    /// (`HPy_DelItem_s`). A key containing NUL raises `ValueError`.
    #[inline]
    pub fn del_item_s(&self, key: &str) -> HPyResult<()> {
        let ctx = self.context();
        with_cstr(key, |key| {
            // SAFETY: valid handle and NUL-terminated UTF-8.
            ctx.wrap_status(unsafe { hpy_sys::HPy_DelItem_s(ctx.as_raw(), self.as_raw(), key) })
        })
    }

    /// `key in self` (`HPy_Contains`).
    #[inline]
    pub fn contains(&self, key: &Handle<'ctx>) -> HPyResult<bool> {
        let ctx = self.context();
        // SAFETY: both handles are valid; -1 with an exception set on failure.
        ctx.wrap_bool(unsafe { hpy_sys::HPy_Contains(ctx.as_raw(), self.as_raw(), key.as_raw()) })
    }

    /// `len(self)` (`HPy_Length`).
    #[inline]
    pub fn len(&self) -> HPyResult<usize> {
        let ctx = self.context();
        // SAFETY: valid handle; -1 with an exception set on failure.
        let n = unsafe { hpy_sys::HPy_Length(ctx.as_raw(), self.as_raw()) };
        if n < 0 {
            return Err(HPyErr::raised(ctx));
        }
        Ok(n as usize)
    }

    /// `len(self) == 0` (`HPy_Length`).
    #[inline]
    pub fn is_empty(&self) -> HPyResult<bool> {
        self.len().map(|n| n == 0)
    }

    // ---- string forms, hash, truth, comparison ----

    /// `ascii(self)` as a Rust string (`HPy_ASCII`).
    pub fn ascii(&self) -> HPyResult<String> {
        let ctx = self.context();
        // SAFETY: valid handle; the result is owned or HPy_NULL.
        let s = unsafe { ctx.wrap_result(hpy_sys::HPy_ASCII(ctx.as_raw(), self.as_raw()))? };
        s.extract::<String>()
    }

    /// `bytes(self)` (`HPy_Bytes`).
    #[inline]
    pub fn bytes(&self) -> HPyResult<crate::Bytes<'ctx>> {
        let ctx = self.context();
        // SAFETY: valid handle; the result is a new bytes object or HPy_NULL.
        unsafe {
            ctx.wrap_result(hpy_sys::HPy_Bytes(ctx.as_raw(), self.as_raw()))
                .map(crate::Bytes)
        }
    }

    /// `hash(self)` (`HPy_Hash`).
    #[inline]
    pub fn hash(&self) -> HPyResult<isize> {
        let ctx = self.context();
        // SAFETY: valid handle; -1 with an exception set on failure.
        let h = unsafe { hpy_sys::HPy_Hash(ctx.as_raw(), self.as_raw()) };
        if h == -1 && ctx.err_occurred() {
            return Err(HPyErr::raised(ctx));
        }
        Ok(h)
    }

    /// `bool(self)` (`HPy_IsTrue`).
    #[inline]
    pub fn is_true(&self) -> HPyResult<bool> {
        let ctx = self.context();
        // SAFETY: valid handle; -1 with an exception set on failure.
        ctx.wrap_bool(unsafe { hpy_sys::HPy_IsTrue(ctx.as_raw(), self.as_raw()) })
    }

    /// `self <op> other` as an object (`HPy_RichCompare`).
    #[inline]
    pub fn rich_compare(&self, other: &Handle<'ctx>, op: RichCompareOp) -> HPyResult<Handle<'ctx>> {
        let ctx = self.context();
        // SAFETY: both handles are valid and `op` is a valid HPy_RichCmpOp;
        // the result is owned or HPy_NULL.
        unsafe {
            ctx.wrap_result(hpy_sys::HPy_RichCompare(
                ctx.as_raw(),
                self.as_raw(),
                other.as_raw(),
                op as core::ffi::c_int,
            ))
        }
    }

    /// `bool(self <op> other)` (`HPy_RichCompareBool`). Like CPython, `==`
    /// and `!=` are decided by identity first.
    #[inline]
    pub fn rich_compare_bool(&self, other: &Handle<'ctx>, op: RichCompareOp) -> HPyResult<bool> {
        let ctx = self.context();
        // SAFETY: both handles are valid and `op` is a valid HPy_RichCmpOp;
        // -1 with an exception set on failure.
        ctx.wrap_bool(unsafe {
            hpy_sys::HPy_RichCompareBool(
                ctx.as_raw(),
                self.as_raw(),
                other.as_raw(),
                op as core::ffi::c_int,
            )
        })
    }

    // ---- type checks (the type itself: `Type`, in type_.rs) ----

    /// Whether the object supports numeric operations (`HPyNumber_Check`).
    #[inline]
    pub fn is_number(&self) -> bool {
        let ctx = self.context();
        // SAFETY: valid handle; the check cannot fail.
        unsafe { hpy_sys::HPyNumber_Check(ctx.as_raw(), self.as_raw()) != 0 }
    }

    /// `callable(self)` (`HPyCallable_Check`).
    #[inline]
    pub fn is_callable(&self) -> bool {
        let ctx = self.context();
        // SAFETY: valid handle; the check cannot fail.
        unsafe { hpy_sys::HPyCallable_Check(ctx.as_raw(), self.as_raw()) != 0 }
    }

    /// `isinstance(self, bytes)` (`HPyBytes_Check`).
    #[inline]
    pub fn is_bytes(&self) -> bool {
        crate::abi::has_type_flag(self, super::type_flag::BYTES, hpy_sys::HPyBytes_Check)
    }

    /// `isinstance(self, str)` (`HPyUnicode_Check`).
    #[inline]
    pub fn is_str(&self) -> bool {
        crate::abi::has_type_flag(self, super::type_flag::UNICODE, hpy_sys::HPyUnicode_Check)
    }

    /// `isinstance(self, list)` (`HPyList_Check`).
    #[inline]
    pub fn is_list(&self) -> bool {
        crate::abi::has_type_flag(self, super::type_flag::LIST, hpy_sys::HPyList_Check)
    }

    /// `isinstance(self, dict)` (`HPyDict_Check`).
    #[inline]
    pub fn is_dict(&self) -> bool {
        crate::abi::has_type_flag(self, super::type_flag::DICT, hpy_sys::HPyDict_Check)
    }

    /// `isinstance(self, tuple)` (`HPyTuple_Check`).
    #[inline]
    pub fn is_tuple(&self) -> bool {
        crate::abi::has_type_flag(self, super::type_flag::TUPLE, hpy_sys::HPyTuple_Check)
    }

    /// Prints debugging information about the object to stderr (`_HPy_Dump`).
    pub fn dump(&self) {
        let ctx = self.context();
        // SAFETY: valid handle; the call only prints.
        unsafe { hpy_sys::_HPy_Dump(ctx.as_raw(), self.as_raw()) }
    }
}

impl<'ctx> Handle<'ctx> {
    /// Converts the object to a Rust value (see [`FromHPy`]).
    #[inline]
    pub fn extract<'a, T: FromHPy<'a, 'ctx>>(&'a self) -> HPyResult<T> {
        T::extract(self)
    }

    /// `repr(self)` as a Rust string (`HPy_Repr`).
    pub fn repr(&self) -> HPyResult<String> {
        // SAFETY: valid handle; the result is owned or HPy_NULL.
        let s = unsafe {
            self.ctx
                .wrap_result(hpy_sys::HPy_Repr(self.ctx.as_raw(), self.raw))?
        };
        s.extract::<String>()
    }

    /// `str(self)` as a Rust string (`HPy_Str`).
    pub fn str(&self) -> HPyResult<String> {
        // SAFETY: valid handle; the result is owned or HPy_NULL.
        let s = unsafe {
            self.ctx
                .wrap_result(hpy_sys::HPy_Str(self.ctx.as_raw(), self.raw))?
        };
        s.extract::<String>()
    }
}

/// Telling the core builtin types apart in one step.
impl<'ctx> Handle<'ctx> {
    /// Which of Python's core builtin types the object is an instance of,
    /// subclasses included (as `isinstance` tells), in one step: `None`,
    /// `True` and `False` by identity, then `int`, `float`, `str`,
    /// `bytes`, `list`, `tuple` and `dict`; [`BuiltinKind::Other`] for
    /// anything else. No two of these types have a common subclass, so
    /// the answer does not depend on an order of checks.
    ///
    /// Where a handle is the object (the CPython ABI, hpy_rs_universal's
    /// plain context) this is two loads and a few compares of the type's
    /// flags, the way CPython's own `PyLong_Check` and its siblings decide;
    /// on other hosts it is a chain of HPy checks (`HPyUnicode_Check`,
    /// `HPy_Is`, `HPy_TypeCheck`, `HPyDict_Check`, …) that stops at the
    /// first match: `str`, `None`, `int` (then `True` and `False` by
    /// identity), `float`, `dict`, `list`, `tuple`, `bytes`.
    ///
    /// ```
    /// use hpy::{hpy_method, BuiltinKind, Handle};
    ///
    /// #[hpy_method]
    /// fn describe(obj: &Handle<'_>) -> &'static str {
    ///     match obj.builtin_kind() {
    ///         BuiltinKind::None => "nothing",
    ///         BuiltinKind::True | BuiltinKind::False => "a bool",
    ///         BuiltinKind::Int | BuiltinKind::Float => "a number",
    ///         BuiltinKind::Str | BuiltinKind::Bytes => "text",
    ///         BuiltinKind::List | BuiltinKind::Tuple => "a sequence",
    ///         BuiltinKind::Dict => "a mapping",
    ///         BuiltinKind::Other => "something else",
    ///     }
    /// }
    /// # fn main() {}
    /// ```
    #[inline]
    pub fn builtin_kind(&self) -> BuiltinKind {
        self.builtin_kind_likely(BuiltinKind::Other)
    }

    /// [`builtin_kind`](Self::builtin_kind), asking first whether the
    /// object is of the kind `likely` (the kind of a list's first item,
    /// say): the answer is the same whatever `likely` is.
    ///
    /// Where a handle is the object the kind is read from the type's flags
    /// and `likely` is not used. On other hosts each question of the chain
    /// is a call into the interpreter: a right guess takes one (an int
    /// two: `int`, then `bool`; `True` and `False` two or three: `int`,
    /// then identity), a wrong one at most
    /// one more than the chain, which then skips the question already
    /// asked (`str` is the chain's first question: that guess changes
    /// nothing).
    /// [`BuiltinKind::Other`] guesses nothing: the chain as
    /// `builtin_kind` asks it.
    ///
    /// ```
    /// use hpy::{hpy_method, BuiltinKind, HPyResult, List};
    ///
    /// /// How many floats `items` holds.
    /// #[hpy_method]
    /// fn floats(items: &List<'_>) -> HPyResult<usize> {
    ///     let mut last = BuiltinKind::Other;
    ///     let mut count = 0;
    ///     for i in 0..items.len()? {
    ///         last = items.get_item_i(i as isize)?.builtin_kind_likely(last);
    ///         count += usize::from(last == BuiltinKind::Float);
    ///     }
    ///     Ok(count)
    /// }
    /// # fn main() {}
    /// ```
    #[inline]
    pub fn builtin_kind_likely(&self, likely: BuiltinKind) -> BuiltinKind {
        if let Some(kind) = crate::abi::builtin_kind(self) {
            return kind;
        }
        self.builtin_kind_through_hpy(likely)
    }

    /// [`builtin_kind_likely`](Self::builtin_kind_likely) by HPy's checks.
    #[inline(never)]
    fn builtin_kind_through_hpy(&self, likely: BuiltinKind) -> BuiltinKind {
        use BuiltinKind as K;
        let ctx = self.ctx.as_raw();
        let check = |ty| {
            // SAFETY: a valid handle and a type constant of its context;
            // the check cannot fail.
            unsafe { hpy_sys::HPy_TypeCheck(ctx, self.raw, hpy_sys::HPy_GetConstant(ctx, ty)) != 0 }
        };
        // `True` and `False`, the only instances of `bool` (which cannot
        // be subclassed): where a bool is the guess, asked first by
        // identity (one call for the guessed one, where the `int` check
        // before took two). Otherwise they are told from other ints once
        // an int is found, by one `bool` check (one call for any other
        // int, where the two identity tests took two).
        let guessed_bool = matches!(likely, K::True | K::False);
        if guessed_bool {
            let (first, second) = if likely == K::True {
                ((HPyConstant::True, K::True), (HPyConstant::False, K::False))
            } else {
                ((HPyConstant::False, K::False), (HPyConstant::True, K::True))
            };
            if self.is_constant(first.0) {
                return first.1;
            }
            if self.is_constant(second.0) {
                return second.1;
            }
        }
        let int = || {
            // Not a bool where one was guessed: both identities were asked.
            let is_bool = !guessed_bool && check(HPyConstant::BoolType);
            if !is_bool {
                K::Int
            } else if self.is_constant(HPyConstant::True) {
                K::True
            } else if self.is_constant(HPyConstant::False) {
                K::False
            } else {
                K::Int
            }
        };
        // Whether the object is of `kind` (an int: `True`, `False` or not).
        let ask = |kind| match kind {
            K::Str => self.is_str(),
            K::None => self.is_constant(HPyConstant::None),
            K::Int => check(HPyConstant::LongType),
            K::Float => check(HPyConstant::FloatType),
            K::Dict => self.is_dict(),
            K::List => self.is_list(),
            K::Tuple => self.is_tuple(),
            K::Bytes => self.is_bytes(),
            K::True | K::False | K::Other => false,
        };
        let asked = match likely {
            K::True | K::False => K::Int,
            kind => kind,
        };
        // The commonest kinds of a document's values first: an int takes
        // four checks, a dict five, a list six, where the identity tests
        // first took five, seven and eight.
        let found = if asked != K::Other && asked != K::Str && ask(asked) {
            asked
        } else if self.is_str() {
            K::Str
        } else if asked != K::None && self.is_constant(HPyConstant::None) {
            K::None
        } else if asked != K::Int && check(HPyConstant::LongType) {
            K::Int
        } else if asked != K::Float && check(HPyConstant::FloatType) {
            K::Float
        } else if asked != K::Dict && self.is_dict() {
            K::Dict
        } else if asked != K::List && self.is_list() {
            K::List
        } else if asked != K::Tuple && self.is_tuple() {
            K::Tuple
        } else if asked != K::Bytes && self.is_bytes() {
            K::Bytes
        } else {
            K::Other
        };
        if found == K::Int {
            int()
        } else {
            found
        }
    }
}
