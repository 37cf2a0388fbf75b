//! # hpy — Python extension modules in Rust, on HPy
//!
//! [HPy](https://hpyproject.org) is a C API for Python where objects are
//! opaque handles, every call takes an explicit context, and one binary (the
//! *Universal ABI*) loads on CPython (through a host such as hpy-rs's
//! `hpy_rs_universal`) and on PyPy. This crate is its safe Rust face:
//!
//! - [`Context<'ctx>`]: the context of the current call. `'ctx` is fresh and
//!   invariant for every call, so nothing tied to it can outlive the call.
//! - [`Handle<'ctx>`]: an owned handle. Closed exactly once on drop; not
//!   `Clone` ([`Handle::dup`] is explicit), not `PartialEq` ([`Handle::is`] is
//!   identity), not `Send`.
//! - [`Borrowed<'a, 'ctx>`]: an argument the caller owns; it dereferences to
//!   `Handle` and can never be closed.
//! - [`HPyResult`] / [`HPyErr`]: Python exceptions as Rust errors;
//!   [`create_exception!`] declares the module's own classes and
//!   [`HPyErr::catch`] gives a caught exception's value, type and traceback
//!   (see the [exception guide](crate::exception_guide)).
//! - [`List`], [`Tuple`], [`Dict`], [`Str`], [`Bytes`], [`Type`], … : typed
//!   handles, made by constructors, [`Handle::downcast`] or typed
//!   parameters, with the methods of their type (see the
//!   [typed handle guide](crate::types_guide)).
//! - [`FromHPy`] / [`IntoHPy`]: conversions, used for typed parameters and
//!   return values; [`Handle::iter`] iterates any iterable (see the
//!   [conversion guide](crate::conversion_guide)).
//! - [`hpy_method`] and [`hpy_module!`]: the functions and the module;
//!   [`hpy_submodule!`] for modules inside it.
//!
//! The same source builds for the CPython ABI (default: direct C-API calls,
//! no HPy at run time) or the Universal ABI (cargo feature `universal`).
//!
//! ```
//! use hpy::{hpy_method, hpy_module, HPyResult, Handle};
//!
//! /// Adds two integers.
//! #[hpy_method]
//! fn add(a: i64, b: i64) -> HPyResult<i64> {
//!     a.checked_add(b).ok_or_else(|| hpy::HPyErr::overflow_error("integer overflow"))
//! }
//!
//! /// Returns `x + x` for any object.
//! #[hpy_method]
//! fn double<'ctx>(x: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
//!     x.add(x)
//! }
//!
//! hpy_module! {
//!     /// An example module.
//!     name: example,
//!     methods: [add, double],
//! }
//! # fn main() {}
//! ```

mod abi;
mod args;
mod buffer;
mod builder;
mod class;
mod context;
mod convert;
mod cstr;
mod err;
mod eval;
mod global;
#[doc(hidden)]
pub mod impl_;
mod iter;
mod lock;
#[cfg(feature = "numpy")]
pub mod numpy;
mod runtime;
mod threads;
mod tracker;
mod types;

pub use args::VarArgs;
pub use buffer::{Buffer, ReadOnlyCell};
pub use builder::{ListBuilder, TupleBuilder};
pub use class::{
    type_object, Field, FieldSlots, FrozenClass, HPyClass, ObjectStore, Ref, RefMut, Stored,
    TypedField, WithBorrowedFields, WithFields,
};
pub use context::{constant_by_name, Context};
#[cfg(feature = "serde")]
pub use convert::serde;
pub use convert::{FromHPy, FrozenSet, IntoHPy};
pub use err::exception::builtin as exceptions;
pub use err::exception::{Caught, ExceptionClass};
#[doc(hidden)]
pub use err::ErrorsStayInTheirCall;
pub use err::{ExceptionType, HPyErr, HPyResult, ResultExt};
pub use eval::SourceKind;
pub use global::Global;
pub use hpy_sys::HPyConstant as Constant;
pub use iter::{Iter, SnapshotIter};
pub use lock::{Lock, LockGuard};
pub use threads::AllowThreadsOutput;
pub use tracker::Tracker;
pub use types::any::call::{CallArgs, CallKwargs};
pub use types::any::object::RichCompareOp;
pub use types::any::{Borrowed, BuiltinKind, Handle};
pub use types::capsule::Capsule;
pub use types::code::Code;
pub use types::dict::{DictItems, DictType};
pub use types::{
    Abc, Builtin, Bytes, Dict, DowncastError, Float, Int, List, PyTypeCheck, Slice, Str, StrBuf,
    TextSink, Tuple, Type, WriteText,
};

/// Exposes a Rust function as a function of a Python module.
///
/// ```
/// # use hpy::{hpy_method, Context, Handle, HPyResult};
/// /// Docstrings come from doc comments.
/// #[hpy_method]
/// fn greet(name: &str) -> String {
///     format!("Hello, {name}!")
/// }
///
/// /// `scale(value, factor=None)`: by position or by keyword.
/// #[hpy_method]
/// fn scale(value: f64, factor: Option<f64>) -> f64 {
///     value * factor.unwrap_or(2.0)
/// }
///
/// #[hpy_method]
/// fn first_none<'ctx>(ctx: Context<'ctx>) -> Handle<'ctx> {
///     ctx.none()
/// }
/// # fn main() {}
/// ```
///
/// Parameters are either the call's [`Context`] (any position, optional) or
/// Python arguments of any [`FromHPy`] type — `&Handle<'ctx>` or
/// [`Borrowed`] for the raw object without conversion, `i64`, `&str`, … —
/// where `Option<T>` parameters (at the end) may be omitted by the caller.
/// The return type is any [`IntoHPy`] value or an [`HPyResult`] of one.
///
/// Named parameters may be passed by position or by keyword, as in Python
/// and PyO3 (`scale(3.0)`, `scale(value=3.0, factor=3.0)`): the HPy
/// convention is `noargs` without parameters, otherwise `keywords`, whose
/// calls without keywords are parsed exactly as positional ones (no extra
/// cost). A [`VarArgs`] parameter after the others takes the remaining
/// positional arguments (then the named ones are positional-only, unless a
/// `signature` says otherwise). Positional-only parameters are written
/// with `/` in a `signature`, or with a convention option.
///
/// Options, all optional, in any order:
///
/// | option | meaning |
/// |---|---|
/// | `signature = (...)` | the Python signature, as in a `def` line (below) |
/// | `text_signature = "(x, y=None)"` | the `__text_signature__` shown by `inspect.signature()` and `help()`, as written, instead of the one made from the parameters |
/// | `name = "pyname"` | the Python name (default: the Rust name, without `r#`) |
/// | `alias = "other"` | the same function again under another Python name (once per name); the alias is listed in [`hpy_module!`]'s `methods` like a function |
/// | `keywords` | the HPy `KEYWORDS` convention (the default for named parameters) |
/// | `varargs` | `VARARGS`: every parameter positional-only |
/// | `o` | `O`: exactly one required parameter, positional-only (the cheapest call) |
/// | `noargs` | `NOARGS`: no Python parameters |
/// | `crate = "path"` | where the generated code finds hpy |
///
/// `#[hpy_method(signature = (...))]` gives the Python signature instead,
/// as in Python: defaults as Rust expressions, `/` after positional-only
/// parameters, `*` or `*args` (a [`VarArgs`]) before keyword-only ones, and
/// `**kwargs` (an `Option<Handle>`, `None` without extra keywords, or a
/// `Handle` to a possibly empty dict). The same option goes on class
/// methods (`#[method(signature = ...)]`) and constructors
/// (`#[new(signature = ...)]`, `#[init(signature = ...)]`); see the
/// [signature guide](crate::signature_guide).
///
/// ```
/// # use hpy::{hpy_method, Handle, VarArgs};
/// #[hpy_method(signature = (x, /, bins = 10, *values, density = false, **extra))]
/// fn hist<'ctx>(
///     x: f64,
///     bins: usize,
///     values: VarArgs<'_, 'ctx>,
///     density: bool,
///     extra: Option<Handle<'ctx>>,
/// ) -> usize {
///     let _ = (x, density, extra);
///     bins + values.len()
/// }
/// # fn main() {}
/// ```
///
/// Every function, method and constructor carries its signature in its
/// docstring's `name(...)` header, so `inspect.signature()` works on CPython. `#[hpy_method(name = "py_name")]` sets the Python
/// name. Wrong argument counts, unknown or duplicate keywords and failed
/// conversions raise `TypeError` (or `OverflowError`) naming the function
/// and the parameter, as CPython's messages do. A panic raises the module's
/// `PanicException` with the panic message; it never unwinds into the
/// interpreter.
///
/// The macro keeps the function as it is and adds a hidden type with the
/// same name (types and functions live in different namespaces) that carries
/// its `HPyDef`; [`hpy_module!`] refers to it through the function's path.
///
/// `crate = "my_sdk::hpy"`, on this macro as on [`hpy_class`],
/// [`hpy_methods`] and (as `crate: my_sdk::hpy`) [`hpy_module!`], makes the
/// generated code name hpy by that path instead of `::hpy`, for crates that
/// reach hpy through a re-export or a renamed dependency (see the
/// [class guide](crate::class_guide)).
pub use hpy_macros::hpy_method;

/// Makes a struct a *keyword set*: keyword parameters declared once, with
/// their defaults, taken by any number of functions as one parameter
/// marked `#[hpy(keywords)]`.
///
/// Each named field is one Python parameter of the function, in the place
/// where the struct parameter stands, exactly as if it were written out
/// there: same argument parsing and error messages, same
/// `__text_signature__`, same type stub. A field is optional when it has
/// `#[hpy(default = <Rust expression>)]` (evaluated on each call that
/// omits it) or is an `Option<_>` (`None` when omitted); any other field is
/// required. `py_default = "True"` next to a `default` is how the
/// text signature shows it (a plain literal default shows as written,
/// anything else as `...`). Fields convert with [`FromHPy`](trait@FromHPy),
/// so a field may hold a handle (`Option<Handle<'ctx>>`): the struct then
/// takes lifetime parameters (only those). On the struct,
/// `#[hpy(crate = "path")]` says where the generated code finds hpy.
///
/// Without a `signature`, the fields are positional-or-keyword parameters;
/// `signature = (obj, fp, /, *, opts)` names the set alone and makes its
/// fields keyword-only. The set is built for the call (no allocation; the
/// call costs what the same parameters written one by one cost).
///
/// The derive defines a hidden macro under the struct's name, through
/// which `#[hpy_method]` and `#[hpy_methods]` read the fields: the struct
/// must therefore be in scope by that name (or a path) where it is used,
/// inside the same crate; the function must be able to name the struct
/// (its fields need not be visible).
///
/// ```
/// use hpy::{hpy_method, Context, FromKeywords, Handle, HPyResult};
///
/// #[derive(FromKeywords)]
/// struct Format<'ctx> {
///     #[hpy(default = 0)]
///     indent: i64,
///     #[hpy(default = false)]
///     sort_keys: bool,
///     default: Option<Handle<'ctx>>,
/// }
///
/// /// `render(obj, indent=0, sort_keys=False, default=None)`
/// #[hpy_method]
/// fn render<'ctx>(obj: &Handle<'ctx>, #[hpy(keywords)] opts: Format<'ctx>) -> i64 {
///     let _ = (obj, opts.sort_keys, opts.default);
///     opts.indent
/// }
///
/// /// `save(obj, fp, /, *, indent=0, sort_keys=False, default=None)`
/// #[hpy_method(signature = (obj, fp, /, *, opts))]
/// fn save<'ctx>(
///     ctx: Context<'ctx>,
///     obj: &Handle<'ctx>,
///     fp: &Handle<'ctx>,
///     #[hpy(keywords)] opts: Format<'ctx>,
/// ) -> HPyResult<Handle<'ctx>> {
///     let _ = (obj, fp, opts.indent);
///     Ok(ctx.none())
/// }
/// # fn main() {}
/// ```
pub use hpy_macros::FromKeywords;

/// Derives [`FromHPy`](trait@FromHPy) for a struct or an enum, field by
/// field (each field's type converts with `FromHPy` into an owned value).
/// Type and const parameters are fine (`struct Pair<T>(T, T)`: each field
/// type gets a `FromHPy` bound); lifetime parameters are refused, since a
/// field cannot borrow from a handle closed before the value is returned.
///
/// - A struct with named fields reads each field from the **attribute** of
///   the same name (`obj.x`), as PyO3's derive does; `#[hpy(item)]` on a
///   field reads `obj["x"]` instead, `#[hpy(item = "key")]` /
///   `#[hpy(attribute = "name")]` another key or attribute, and
///   `#[hpy(from_item_all)]` on the type makes every field an item. A
///   missing attribute or key raises the interpreter's `AttributeError` /
///   `KeyError` naming the type and field (`Point.y: ...`); a value of the
///   wrong type names the field (`argument 'p.y' must be float, not str`).
/// - A tuple struct reads a tuple or list of as many items; a newtype
///   (one unnamed field) is its field's conversion.
/// - An enum tries its variants in order and takes the first that
///   converts; if none does, `TypeError` lists each variant's reason.
/// - `#[hpy(transparent)]` on a struct of exactly one field (named or
///   not) converts it as that field.
/// - On a field, `#[hpy(from_py_with = path)]` reads it with
///   `path: fn(&Handle<'_>) -> HPyResult<T>` instead of `FromHPy`;
///   `#[hpy(default)]` (`Default::default()`) or `#[hpy(default = expr)]`
///   gives the value of a named field whose attribute (`AttributeError`)
///   or item (`KeyError`, any `LookupError`) is missing; other exceptions
///   still propagate.
///
/// `#[hpy(crate = "path")]` on the type makes the generated code name hpy
/// by that path (see [`hpy_method`]).
///
/// ```
/// use hpy::{hpy_method, FromHPy, HPyResult, Handle};
///
/// fn parse_hex(obj: &Handle<'_>) -> HPyResult<u32> {
///     let text: &str = obj.extract()?;
///     u32::from_str_radix(text, 16).map_err(|_| hpy::HPyErr::value_error("not hex"))
/// }
///
/// #[derive(FromHPy)]
/// #[hpy(from_item_all)]
/// struct Style {
///     #[hpy(from_py_with = parse_hex)]
///     color: u32,
///     #[hpy(default = 1.0)]
///     width: f64,
/// }
///
/// #[derive(FromHPy)]
/// #[hpy(transparent)]
/// struct Meters(f64);
///
/// #[derive(FromHPy)]
/// struct Pair<T>(T, T);
///
/// #[derive(FromHPy)]
/// struct Point {
///     x: f64,
///     y: f64,
/// }
///
/// #[derive(FromHPy)]
/// #[hpy(from_item_all)]
/// struct PointDict {
///     x: f64,
///     y: f64,
/// }
///
/// #[derive(FromHPy)]
/// enum Number {
///     Int(i64),
///     Float(f64),
///     Text(String),
/// }
///
/// /// `norm(SimpleNamespace(x=3.0, y=4.0)) == 5.0`
/// #[hpy_method]
/// fn norm(p: Point) -> f64 {
///     p.x.hypot(p.y)
/// }
/// # fn main() {}
/// ```
pub use hpy_macros::FromHPy;

/// Derives [`IntoHPy`](trait@IntoHPy) for a struct or an enum (type
/// parameters allowed, each field type bound by `IntoHPy`; no lifetime
/// parameters): `#[hpy(transparent)]` on a one-field struct makes it its
/// field's value; otherwise a struct with named fields becomes a `dict` of its
/// fields (keys renamed with `#[hpy(item = "key")]`), a tuple struct a
/// `tuple`, a newtype its field's value; an enum converts as its variant
/// does. Each field's type converts with `IntoHPy`.
///
/// It takes [`FromHPy`](macro@FromHPy)'s `#[hpy(...)]` options, so that one
/// type can derive both: on a field, `item = "key"` (or
/// `attribute = "key"`) names its dict key, a bare `item` or
/// `attribute` changes nothing, and `default` / `from_py_with` (read
/// options) change nothing; on the type, `from_item_all` changes
/// nothing (a struct always becomes a dict) and `crate = "path"` is where
/// the generated code finds hpy.
///
/// ```
/// use hpy::{hpy_method, IntoHPy};
///
/// #[derive(IntoHPy)]
/// struct Point {
///     x: f64,
///     y: f64,
/// }
///
/// /// `make_point(1.0, 2.0) == {"x": 1.0, "y": 2.0}`
/// #[hpy_method]
/// fn make_point(x: f64, y: f64) -> Point {
///     Point { x, y }
/// }
/// # fn main() {}
/// ```
pub use hpy_macros::IntoHPy;

/// Makes a struct (or an enum of unit variants) a Python class (see the
/// [class guide](crate::class_guide)).
///
/// Options:
/// - `name = "Py"` (default: the type's name), `module = "pkg.mod"` (for
///   `__module__` and `tp_name`), `crate = "path"` (where the generated code
///   finds hpy, see [`hpy_method`]);
/// - `subclass` (Python code may subclass it), `extends = Parent` (a Rust
///   subclass of a `subclass` Rust class; its `#[new]` returns `(Self,
///   Parent)`, or `Self` with the parent part as `Parent::default()`),
///   `shape = "float" | "int" | "str" | "tuple" | "list" | "type"` (extend a
///   builtin type: instances are e.g. real floats carrying extra Rust data),
///   `base = FloatType` (a context constant), `metaclass = ...`;
/// - `eq`, `ord`, `hash`, `frozen`, `str`: `__eq__`/`__ne__` from
///   `PartialEq`, the orderings from `PartialOrd`, `__hash__` from `Hash`
///   (needs `eq` and `frozen`), no mutable borrows (and uncounted shared
///   ones), `__str__` from `Display`;
/// - `weakref` (instances can be weakly referenced) and `dict` (instances
///   have a `__dict__` for arbitrary attributes, traversed by the garbage
///   collector): classes based on `object`, on CPython (both ABIs,
///   universal through `hpy_rs_universal`); elsewhere the class is made
///   without them;
/// - `immutable_type`: the class object itself is immutable once the
///   module made it (setting or deleting an attribute of the class raises
///   `TypeError`, as for `int` or a C extension's static type), and
///   CPython's specializing interpreter calls it the way it calls its own
///   classes, which is cheaper than the call of a mutable class. Its base
///   must be immutable too (`object`, a builtin, or a class declared so).
///   CPython ABI, and universal through `hpy_rs_universal` (its plain
///   mode); elsewhere (PyPy, other hosts, debug mode) HPy has no such flag
///   and the class stays mutable.
///
/// Fields marked `#[member]` become attributes readable and writable from
/// Python. Its options: `get` alone (or `readonly`) makes it read-only,
/// `get` and `set` together are the same as none, `name = "py_name"` gives
/// another Python name (e.g. `#[member(get, name = "size")]`). A member's type is any `Clone` type with
/// [`IntoHPy`] (and, if writable, an owned [`FromHPy`]): reading hands
/// Python a new object made from a copy, writing replaces the field. Both
/// go through the instance's borrow flag, as methods do: assigning a member
/// while a method holds `&self` (from a callback) raises `RuntimeError`.
/// Fields of type [`Field`] are visited by the garbage collector.
///
/// On an enum of unit variants (`enum Color { Red, Green = 5 }`), each
/// variant is an instance set on the class (`Color.Red`, `type(Color.Red) is
/// Color`), with `__repr__` (`Color.Red`), `__int__` (the discriminant),
/// `__eq__`/`__ne__` with the class's instances and with ints, and a
/// matching `__hash__`; the class has no constructor and its instances are
/// never borrowed mutably. Of the options, an enum takes `name`, `module`,
/// `crate`, `str` (and `frozen`, which it implies).
pub use hpy_macros::hpy_class;

/// Makes an inherent impl block the methods, slots and properties of an
/// [`hpy_class`]; see the [class guide](crate::class_guide).
///
/// Every method of the block is exposed: a plain method (`&self`, `&mut
/// self` or `slf: Ref<'_, 'ctx, Self>` first) as a Python method, the
/// others as their attribute says:
///
/// | attribute | the method is |
/// |---|---|
/// | `#[new]` | the constructor (`tp_new`), returning `Self` (or `HPyResult<Self>`) |
/// | `#[init]` | `__init__`, on the value `#[new]` made (which then takes no parameters) |
/// | `#[getter]` / `#[setter]` | a property's read / write (`#[getter(name)]`; default: the method's name without `get_` / `set_`) |
/// | `#[classattr]` | a class attribute, computed once when the class is made |
/// | `#[staticmethod]` | a static method: no receiver |
/// | `#[classmethod]` | a class method: the class first, e.g. `cls: &Handle<'ctx>` |
/// | `#[slot(NAME)]` | the HPy slot `NAME`, whatever the method's name |
/// | `#[method(...)]` | a plain method with options |
///
/// `#[method]`, `#[staticmethod]` and `#[classmethod]` take
/// [`hpy_method`]'s options except `text_signature` and `crate`: a calling
/// convention (`noargs`, `o`, `varargs`, `keywords`), `name = "..."` and
/// `signature = (...)`; `#[new]` and `#[init]` take `signature = (...)`.
/// They also take `alias = "..."`, once per further Python name of the same
/// method (PyO3 users write a second method that calls the first): the alias
/// has the method's parameters, options and doc. A special method's name
/// makes the method that special method too, e.g.
/// `#[method(alias = "__and__")] fn intersection(..)` is also `a & b` (only
/// on a `#[method]`: a slot needs an instance).
///
/// Special methods are recognised by their Python names:
/// - with an HPy slot: `__repr__`, `__str__`, `__hash__`, `__call__`,
///   `__richcmp__` (with a [`RichCompareOp`]), `__del__`, `__bool__`,
///   `__len__`, `__getitem__`, `__setitem__`, `__delitem__`,
///   `__contains__`, `__buffer__` (`fn __buffer__(&self) -> &[T]`);
/// - numbers: `__neg__`, `__pos__`, `__abs__`, `__invert__`, `__int__`,
///   `__float__`, `__index__`, `__add__`, `__sub__`, `__mul__`,
///   `__matmul__`, `__truediv__`, `__floordiv__`, `__mod__`, `__divmod__`,
///   `__pow__`, `__lshift__`, `__rshift__`, `__and__`, `__or__`, `__xor__`,
///   their reflected forms (`__radd__`, `__rsub__`, `__rmul__`,
///   `__rmatmul__`, `__rtruediv__`, `__rfloordiv__`, `__rmod__`,
///   `__rdivmod__`, `__rpow__`, `__rlshift__`, `__rrshift__`, `__rand__`,
///   `__ror__`, `__rxor__`: HPy has one slot for both, hpy-rs calls the
///   right method) and the in-place ones (`__iadd__`, `__isub__`,
///   `__imul__`, `__imatmul__`, `__itruediv__`, `__ifloordiv__`,
///   `__imod__`, `__ipow__`, `__ilshift__`, `__irshift__`, `__iand__`,
///   `__ior__`, `__ixor__`);
/// - without an HPy slot, set on the type once it exists (CPython then fills
///   its slot, PyPy looks them up in the type's dict): `__iter__`,
///   `__next__` (returning an `Option`, `None` ends the iteration; on
///   PyPy every `__next__` is a method call, so an `__iter__` whose items
///   are known up front is cheaper returning a [`SnapshotIter`]),
///   `__getattr__`, `__getattribute__`, `__setattr__`, `__delattr__`,
///   `__get__`, `__set__`, `__delete__`, `__await__`, `__aiter__`,
///   `__anext__`.
///
/// `#[slot(NAME)]` takes `tp_repr`, `tp_str`, `tp_hash`, `tp_call`,
/// `tp_richcompare`, `tp_finalize`, `nb_bool`, `mp_length`, `sq_length`,
/// `mp_subscript`, `sq_concat`, `sq_inplace_concat`, `sq_item`,
/// `sq_repeat`, `sq_inplace_repeat`, `sq_ass_item`, `sq_contains`,
/// `nb_negative`, `nb_positive`, `nb_absolute`, `nb_invert`, `nb_int`,
/// `nb_float` and `nb_index`.
///
/// The block's one option is `crate = "path"` (see [`hpy_method`]).
pub use hpy_macros::hpy_methods;

/// Defines the Python module: its `HPyModuleDef` and the init symbols of the
/// ABI being built (`PyInit_<name>`, or `HPyInit_<name>` and friends).
///
/// ```
/// # use hpy::{hpy_method, hpy_module, Context, Handle, HPyResult};
/// # #[hpy_method] fn ping() {}
/// # hpy::create_exception!(mymod, PingError, RuntimeError);
/// const VERSION: &str = "1.0";
///
/// fn init<'ctx>(ctx: Context<'ctx>, module: &Handle<'ctx>) -> HPyResult<()> {
///     // runs once per module object (HPy_mod_exec)
///     let _ = (ctx, module);
///     Ok(())
/// }
///
/// hpy_module! {
///     /// The docstring.
///     name: mymod,          // optional: defaults to the crate name
///     methods: [ping],
///     exceptions: [PingError], // optional: create_exception! classes
///     types: [],            // optional: #[hpy_class] types (`#[unexported] T`: not an attribute)
///     globals: [],          // optional: the `Global`s the module uses
///     constants: [VERSION, NAME = "mymod"], // optional: module attributes
///     submodules: [],       // optional: hpy_submodule! modules below this one
///     exec: init,           // optional
///     attributes: [],       // optional: what `exec` adds, for the type stub
///     subinterpreters: true, // optional: the default
///     crate: hpy,           // optional: the path of hpy (see `hpy_method`)
/// }
/// # fn main() {}
/// ```
///
/// | key | what it gives |
/// |---|---|
/// | `name:` | the module's name (default: the crate's name) |
/// | `doc:` | the docstring (or `///` comments before the first key) |
/// | `methods:` | the [`hpy_method`] functions |
/// | `types:` | the [`hpy_class`] types, published under their Python names; `#[unexported] Name` is created but not published (a class whose instances only the module's functions make) |
/// | `exceptions:` | the [`create_exception!`] classes (a class no module lists does not compile) |
/// | `globals:` | the [`Global`]s the module's code uses (HPy must know each) |
/// | `constants:` | module attributes (below) |
/// | `submodules:` | the [`hpy_submodule!`] modules created below this one, as attributes (and in `sys.modules`) |
/// | `exec:` | a function run when the module is executed, after the above |
/// | `attributes:` | the attributes `exec` sets, `name: RustType` (e.g. `[strength: Strength, VERSION: &str]`): only declared for the type stub `cargo hpy` writes; nothing is set |
/// | `subinterpreters:` | `true` (default): the module loads into isolated subinterpreters with their own GIL (PEP 684, CPython 3.12+; its `Global`s, classes and exceptions are per interpreter; built with `--universal`, through hpy_rs_universal too, which keeps them per interpreter); `false`: importing it into one is an `ImportError` |
/// | `crate:` | the path of hpy (see [`hpy_method`]) |
/// | `register:` | not taken here: an [`hpy_submodule!`] key (a top module is in `sys.modules` anyway) |
///
/// Every key is optional and given at most once. A `constants:` entry is a Rust constant,
/// set under its last path segment's name, or `NAME = expression`; each
/// value converts with [`IntoHPy`] when the module is executed.
///
/// One extension binary defines one module; its name must match the
/// library's file name (cargo-hpy takes both from the crate's `[lib] name`).
///
/// The module also describes its functions, classes, exceptions and
/// constants in the binary (a `hpy_rs_stubs` section, never read at run
/// time), from which `cargo hpy build`, `wheel` and `develop` write its
/// type stub (`NAME.pyi`, and `py.typed` in a package).
pub use hpy_macros::hpy_module;

/// Declares a submodule: a module object made by its parent's exec, an
/// attribute of the parent, named `parent.name`, with its own functions,
/// classes, exceptions, constants and submodules. A parent
/// ([`hpy_module!`] or another `hpy_submodule!`) lists it in
/// `submodules:`.
///
/// ```
/// # use hpy::{hpy_method, hpy_module, hpy_submodule, Context, Handle, HPyResult};
/// #[hpy_method]
/// fn add(a: i64, b: i64) -> i64 {
///     a + b
/// }
///
/// mod parallel {
///     #[hpy::hpy_method]
///     pub fn add(a: i64, b: i64) -> i64 {
///         a + b
///     }
///     hpy::hpy_submodule! {
///         /// The same, in parallel.
///         name: parallel,
///         methods: [add],
///     }
/// }
///
/// hpy_submodule! {
///     /// Arithmetic (`mymod.arith`).
///     name: arith,
///     methods: [add],
///     constants: [ZERO = 0],
///     submodules: [parallel::parallel], // `mymod.arith.parallel`
///     register: true,       // optional: the default
/// }
///
/// hpy_module! {
///     name: mymod,
///     methods: [],
///     submodules: [arith],
/// }
/// # fn main() {}
/// ```
///
/// It takes the keys of [`hpy_module!`] that describe one module (`name:`,
/// which it needs, `doc:` or `///`, `methods:`, `types:`, `exceptions:`,
/// `constants:`, `submodules:`, `exec:`, `crate:`) and one more:
/// `register:`, `true` by default, puts the submodule into `sys.modules`
/// under its dotted name, so that `import mymod.arith` and
/// `from mymod.arith import add` work as they do for a package's module
/// (`false`: it is only the parent's attribute). `globals:` and
/// `subinterpreters:` belong to the top module, which lists what the
/// whole binary uses.
///
/// The macro defines a type under the submodule's name (an empty enum:
/// nothing to construct) that the parent's `submodules:` names by its
/// path; two submodules of the same name live in two Rust modules. A
/// `submodules:` entry that is not such a type does not compile.
///
/// The submodule is a module object (an instance of a subclass of
/// `module`, made once per import): its functions have it as `__self__`
/// and its dotted name as `__module__`, so `pickle` finds them where it
/// is registered. A function receiving the module gets the submodule.
pub use hpy_macros::hpy_submodule;

/// The code blocks of the README, compiled and run as doctests.
///
/// The guides below are read only when documenting or testing, from
/// `hpy/guides/` (links to the repository's README and `docs/`, which
/// `cargo package` and `cargo hpy sdist` copy as files), so the crate
/// builds and documents from its own directory alone.
#[cfg(doctest)]
#[doc = include_str!("../guides/README.md")]
pub struct ReadmeDoctests;

/// A guide to Python classes written in Rust (`docs/classes.md`, compiled as
/// a doctest).
#[cfg_attr(any(doc, doctest), doc = include_str!("../guides/classes.md"))]
pub mod class_guide {}

/// Guide: Python signatures for functions, methods and constructors.
#[cfg_attr(any(doc, doctest), doc = include_str!("../guides/signatures.md"))]
pub mod signature_guide {}

/// A guide to exceptions: raising, declaring classes with
/// [`create_exception!`], catching, chaining and matching
/// (`docs/exceptions.md`, compiled as a doctest).
#[cfg_attr(any(doc, doctest), doc = include_str!("../guides/exceptions.md"))]
pub mod exception_guide {}

/// A guide to typed handles (`List`, `Dict`, `Str`, …): where they come
/// from, typed parameters and downcasting (`docs/types.md`, compiled as a
/// doctest).
#[cfg_attr(any(doc, doctest), doc = include_str!("../guides/types.md"))]
pub mod types_guide {}

/// A guide to conversions: collections from any iterable, iteration,
/// paths, bytes, tuples, [`dict!`], derived conversions, calls with Rust
/// values, [`intern!`], module constants, cached imports and threads
/// (`docs/conversions.md`, compiled as a doctest).
#[cfg_attr(any(doc, doctest), doc = include_str!("../guides/conversions.md"))]
pub mod conversion_guide {}

/// A guide to NumPy arrays with `hpy::numpy`, beside rust-numpy
/// (`docs/numpy.md`, compiled as a doctest).
#[cfg(feature = "numpy")]
#[cfg_attr(any(doc, doctest), doc = include_str!("../guides/numpy.md"))]
pub mod numpy_guide {}

/// PyO3's names mapped to hpy-rs's (`docs/coming-from-pyo3.md`).
#[cfg_attr(any(doc, doctest), doc = include_str!("../guides/coming-from-pyo3.md"))]
pub mod coming_from_pyo3 {}

/// The chapters of the user guide (`docs/guide/`, an mdBook), one item per
/// chapter, so that `cargo test --doc` compiles every Rust block of the
/// book (and runs those without `no_run`). Linked into `hpy/guides/book/`
/// like the guides above; tests/python/test_guide.py checks that this list
/// and the book's `SUMMARY.md` name the same chapters, and runs the book's
/// Python blocks.
#[cfg(doctest)]
pub mod user_guide {
    macro_rules! chapters {
        ($($name:ident = $file:literal),* $(,)?) => {
            $(
                #[doc = include_str!(concat!("../guides/book/", $file))]
                pub struct $name;
            )*
        };
    }

    chapters! {
        Introduction = "introduction.md",
        GettingStarted = "getting-started.md",
        Modules = "modules.md",
        Functions = "functions.md",
        Classes = "classes.md",
        Conversions = "conversions.md",
        Errors = "errors.md",
        KeepingObjects = "keeping-objects.md",
        Threads = "threads.md",
        Debugging = "debugging.md",
        Performance = "performance.md",
        BuildingAndShipping = "building-and-shipping.md",
        Faq = "faq.md",
        ComingFromPyo3 = "coming-from-pyo3.md",
        ComingFromCHpy = "coming-from-c-hpy.md",
    }
}
