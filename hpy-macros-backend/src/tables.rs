//! The tables the macros consult: which special method fills which HPy
//! slot and how (`DUNDERS`, `EXPLICIT`), which are published as methods
//! (`PUBLISHED`) and which are refused (`UNSUPPORTED`). Data only: every
//! other module may read it, it reads none.

/// What a slot's generated body does with the user method.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum SlotKind {
    /// `tp_repr`, `nb_negative`, …: `fn(&self) -> R`.
    Unary,
    /// `mp_subscript`, `sq_concat`, …: `fn(&self, x: X) -> R`.
    Binary,
    /// `nb_add` etc.: with the reflected method, `NotImplemented` on a type mismatch.
    Number,
    /// `nb_power`: `fn(&self, other: X, modulo: Option<M>) -> R`.
    Power,
    /// `nb_inplace_*`: `fn(&mut self, other: X)`; returns `self`.
    InPlace,
    /// `nb_inplace_power`.
    InPlacePower,
    /// `nb_bool`: `-> bool`.
    Inquiry,
    /// `mp_length`/`sq_length`: `-> usize`.
    Len,
    /// `tp_hash`: `-> isize`.
    Hash,
    /// `sq_item`, `sq_repeat`, `sq_inplace_repeat`: `fn(&self, i: isize) -> R`.
    SsizeArg,
    /// `sq_ass_item`: `fn(&mut self, i: isize, value: Option<V>)`.
    SsizeObjArg,
    /// `mp_ass_subscript`: `__setitem__` / `__delitem__`.
    AssSubscript,
    /// `sq_contains`: `-> bool`.
    Contains,
    /// `tp_richcompare`: `fn(&self, other: X, op: RichCompareOp) -> R`.
    RichCmp,
    /// `tp_finalize`: `fn(&mut self)`.
    Finalize,
    /// `tp_call`: any parameters, keywords allowed.
    Call,
}

/// (method name, HPy slot, kind, reflected method name)
pub(crate) const DUNDERS: &[(&str, &str, SlotKind, Option<&str>)] = &[
    ("__repr__", "HPy_tp_repr", SlotKind::Unary, None),
    ("__str__", "HPy_tp_str", SlotKind::Unary, None),
    ("__hash__", "HPy_tp_hash", SlotKind::Hash, None),
    ("__call__", "HPy_tp_call", SlotKind::Call, None),
    ("__richcmp__", "HPy_tp_richcompare", SlotKind::RichCmp, None),
    ("__del__", "HPy_tp_finalize", SlotKind::Finalize, None),
    ("__bool__", "HPy_nb_bool", SlotKind::Inquiry, None),
    ("__len__", "HPy_mp_length", SlotKind::Len, None),
    ("__getitem__", "HPy_mp_subscript", SlotKind::Binary, None),
    (
        "__setitem__",
        "HPy_mp_ass_subscript",
        SlotKind::AssSubscript,
        None,
    ),
    (
        "__delitem__",
        "HPy_mp_ass_subscript",
        SlotKind::AssSubscript,
        None,
    ),
    ("__contains__", "HPy_sq_contains", SlotKind::Contains, None),
    ("__neg__", "HPy_nb_negative", SlotKind::Unary, None),
    ("__pos__", "HPy_nb_positive", SlotKind::Unary, None),
    ("__abs__", "HPy_nb_absolute", SlotKind::Unary, None),
    ("__invert__", "HPy_nb_invert", SlotKind::Unary, None),
    ("__int__", "HPy_nb_int", SlotKind::Unary, None),
    ("__float__", "HPy_nb_float", SlotKind::Unary, None),
    ("__index__", "HPy_nb_index", SlotKind::Unary, None),
    ("__add__", "HPy_nb_add", SlotKind::Number, Some("__radd__")),
    (
        "__sub__",
        "HPy_nb_subtract",
        SlotKind::Number,
        Some("__rsub__"),
    ),
    (
        "__mul__",
        "HPy_nb_multiply",
        SlotKind::Number,
        Some("__rmul__"),
    ),
    (
        "__matmul__",
        "HPy_nb_matrix_multiply",
        SlotKind::Number,
        Some("__rmatmul__"),
    ),
    (
        "__truediv__",
        "HPy_nb_true_divide",
        SlotKind::Number,
        Some("__rtruediv__"),
    ),
    (
        "__floordiv__",
        "HPy_nb_floor_divide",
        SlotKind::Number,
        Some("__rfloordiv__"),
    ),
    (
        "__mod__",
        "HPy_nb_remainder",
        SlotKind::Number,
        Some("__rmod__"),
    ),
    (
        "__divmod__",
        "HPy_nb_divmod",
        SlotKind::Number,
        Some("__rdivmod__"),
    ),
    (
        "__lshift__",
        "HPy_nb_lshift",
        SlotKind::Number,
        Some("__rlshift__"),
    ),
    (
        "__rshift__",
        "HPy_nb_rshift",
        SlotKind::Number,
        Some("__rrshift__"),
    ),
    ("__and__", "HPy_nb_and", SlotKind::Number, Some("__rand__")),
    ("__or__", "HPy_nb_or", SlotKind::Number, Some("__ror__")),
    ("__xor__", "HPy_nb_xor", SlotKind::Number, Some("__rxor__")),
    ("__pow__", "HPy_nb_power", SlotKind::Power, Some("__rpow__")),
    ("__iadd__", "HPy_nb_inplace_add", SlotKind::InPlace, None),
    (
        "__isub__",
        "HPy_nb_inplace_subtract",
        SlotKind::InPlace,
        None,
    ),
    (
        "__imul__",
        "HPy_nb_inplace_multiply",
        SlotKind::InPlace,
        None,
    ),
    (
        "__imatmul__",
        "HPy_nb_inplace_matrix_multiply",
        SlotKind::InPlace,
        None,
    ),
    (
        "__itruediv__",
        "HPy_nb_inplace_true_divide",
        SlotKind::InPlace,
        None,
    ),
    (
        "__ifloordiv__",
        "HPy_nb_inplace_floor_divide",
        SlotKind::InPlace,
        None,
    ),
    (
        "__imod__",
        "HPy_nb_inplace_remainder",
        SlotKind::InPlace,
        None,
    ),
    (
        "__ilshift__",
        "HPy_nb_inplace_lshift",
        SlotKind::InPlace,
        None,
    ),
    (
        "__irshift__",
        "HPy_nb_inplace_rshift",
        SlotKind::InPlace,
        None,
    ),
    ("__iand__", "HPy_nb_inplace_and", SlotKind::InPlace, None),
    ("__ior__", "HPy_nb_inplace_or", SlotKind::InPlace, None),
    ("__ixor__", "HPy_nb_inplace_xor", SlotKind::InPlace, None),
    (
        "__ipow__",
        "HPy_nb_inplace_power",
        SlotKind::InPlacePower,
        None,
    ),
];

/// Slots given explicitly with `#[slot(NAME)]` (HPy's names without `HPy_`).
pub(crate) const EXPLICIT: &[(&str, SlotKind)] = &[
    ("tp_repr", SlotKind::Unary),
    ("tp_str", SlotKind::Unary),
    ("tp_hash", SlotKind::Hash),
    ("tp_call", SlotKind::Call),
    ("tp_richcompare", SlotKind::RichCmp),
    ("tp_finalize", SlotKind::Finalize),
    ("nb_bool", SlotKind::Inquiry),
    ("mp_length", SlotKind::Len),
    ("sq_length", SlotKind::Len),
    ("mp_subscript", SlotKind::Binary),
    ("sq_concat", SlotKind::Binary),
    ("sq_inplace_concat", SlotKind::Binary),
    ("sq_item", SlotKind::SsizeArg),
    ("sq_repeat", SlotKind::SsizeArg),
    ("sq_inplace_repeat", SlotKind::SsizeArg),
    ("sq_ass_item", SlotKind::SsizeObjArg),
    ("sq_contains", SlotKind::Contains),
    ("nb_negative", SlotKind::Unary),
    ("nb_positive", SlotKind::Unary),
    ("nb_absolute", SlotKind::Unary),
    ("nb_invert", SlotKind::Unary),
    ("nb_int", SlotKind::Unary),
    ("nb_float", SlotKind::Unary),
    ("nb_index", SlotKind::Unary),
];

/// Special methods HPy 0.9 has no slot for, published as ordinary methods
/// and set again on the type once it exists: CPython then fills the slot
/// (as for a class written in Python), and PyPy looks them up in the type's
/// dict anyway. `__next__` returns an `Option`: `None` ends the iteration.
pub(crate) const PUBLISHED: &[&str] = &[
    "__iter__",
    "__next__",
    "__getattr__",
    "__getattribute__",
    "__setattr__",
    "__delattr__",
    "__get__",
    "__set__",
    "__delete__",
    "__await__",
    "__aiter__",
    "__anext__",
];

/// Dunder names that are not methods of their own here.
pub(crate) const UNSUPPORTED: &[(&str, &str)] = &[
    ("__init__", "mark the initialiser with #[init] (tp_init)"),
    ("__new__", "mark the constructor with #[new]"),
    (
        "__getbuffer__",
        "write `fn __buffer__(&self) -> &[T]` instead (read-only buffers of plain elements)",
    ),
    (
        "__releasebuffer__",
        "write `fn __buffer__(&self) -> &[T]` instead (read-only buffers of plain elements)",
    ),
    (
        "__eq__",
        "implement __richcmp__(&self, other, op: RichCompareOp)",
    ),
    (
        "__ne__",
        "implement __richcmp__(&self, other, op: RichCompareOp)",
    ),
    (
        "__lt__",
        "implement __richcmp__(&self, other, op: RichCompareOp)",
    ),
    (
        "__le__",
        "implement __richcmp__(&self, other, op: RichCompareOp)",
    ),
    (
        "__gt__",
        "implement __richcmp__(&self, other, op: RichCompareOp)",
    ),
    (
        "__ge__",
        "implement __richcmp__(&self, other, op: RichCompareOp)",
    ),
];
