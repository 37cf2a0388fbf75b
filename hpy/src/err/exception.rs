//! Exceptions the module defines ([`create_exception!`](crate::create_exception))
//! and exceptions caught from Python ([`Caught`]).
//!
//! HPy 0.9 has no `PyErr_Fetch`: the only context function that takes the
//! current exception out of the interpreter is `HPyErr_WriteUnraisable`,
//! which hands it to `sys.unraisablehook`. [`HPyErr::catch`] points that
//! hook at a list's `append` for the duration of the call (no Python code
//! runs, so nothing else can observe the swap), then puts the old hook
//! back. This costs a few dict operations and is only done when an error
//! is caught: raising, propagating and [`HPyErr::matches`] on an exception
//! already set do not use it. See the [exception guide](crate::exception_guide).

use std::borrow::Cow;

use hpy_sys::HPyConstant;

use crate::{Context, Dict, Global, HPyErr, HPyResult, Handle, IntoHPy, SourceKind, Tuple, Type};

/// `(sys.__dict__, sink, sink.append, "unraisablehook")`, stored by every
/// module's exec slot: [`HPyErr::catch`] needs them while an exception is
/// set, when nothing may be imported, called or looked up as an attribute.
pub(crate) static CATCH_STATE: Global = Global::new();

/// A Python exception class known to Rust by a type: the classes made by
/// [`create_exception!`](crate::create_exception), and the builtin ones
/// under [`hpy::exceptions`](crate::exceptions).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a Python exception class",
    label = "not an exception class",
    note = "use a builtin one from `hpy::exceptions` (`ValueError`, `Exception`, ...) or a type declared with `hpy::create_exception!`"
)]
pub trait ExceptionClass {
    /// The class object.
    fn type_object<'ctx>(ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>>;
}

/// A Python exception taken out of the interpreter (by [`HPyErr::catch`]):
/// its value, type and traceback as handles. Nothing is set in the
/// interpreter while a `Caught` exists; [`raise`](Caught::raise) (or `?`,
/// through `From<Caught> for HPyErr`) sets it again.
///
/// ```
/// use hpy::{Context, HPyResult, Handle};
///
/// /// Calls `f()`; a `KeyError` becomes `None`, anything else propagates
/// /// with its traceback.
/// fn call_or_none<'ctx>(ctx: Context<'ctx>, f: &Handle<'ctx>) -> HPyResult<Option<Handle<'ctx>>> {
///     match f.call(&[]) {
///         Ok(v) => Ok(Some(v)),
///         Err(err) => {
///             let caught = err.catch(ctx)?;
///             if caught.matches(&ctx.constant(hpy::Constant::KeyError)) {
///                 Ok(None)
///             } else {
///                 Err(caught.raise())
///             }
///         }
///     }
/// }
/// # let _ = call_or_none;
/// ```
pub struct Caught<'ctx> {
    value: Handle<'ctx>,
}

impl<'ctx> Caught<'ctx> {
    /// The exception instance (`sys.exception()` in an `except` block).
    pub fn value(&self) -> &Handle<'ctx> {
        &self.value
    }

    /// The exception instance, owned.
    pub fn into_value(self) -> Handle<'ctx> {
        self.value
    }

    /// The exception's class (`type(value)`).
    pub fn get_type(&self) -> Type<'ctx> {
        self.value.get_type()
    }

    /// The traceback (`value.__traceback__`), or `None` for an exception
    /// that was never raised through Python code.
    pub fn traceback(&self) -> HPyResult<Option<Handle<'ctx>>> {
        let tb = self.value.get_attr_s("__traceback__")?;
        Ok(if tb.is_none() { None } else { Some(tb) })
    }

    /// The explicit cause (`value.__cause__`, set by `raise ... from`).
    pub fn cause(&self) -> HPyResult<Option<Handle<'ctx>>> {
        let cause = self.value.get_attr_s("__cause__")?;
        Ok(if cause.is_none() { None } else { Some(cause) })
    }

    /// `str(value)`: the message.
    pub fn message(&self) -> HPyResult<String> {
        self.value.str()
    }

    /// Whether the exception is an instance of `class` (a subclass counts)
    /// or, for a tuple of classes, of one of them — as `except class:`.
    pub fn matches(&self, class: &Handle<'ctx>) -> bool {
        class_matches(&self.value.get_type(), class)
    }

    /// Whether the exception is an instance of `E`; `false` if `E`'s class
    /// is not available (a module that does not list it).
    pub fn is_instance_of<E: ExceptionClass>(&self) -> bool {
        match E::type_object(self.value.context()) {
            Ok(class) => self.matches(&class),
            Err(_) => false,
        }
    }

    /// Adds a note to the exception (`value.add_note(note)`, PEP 678):
    /// a line printed under the message in a traceback, while `str(value)`
    /// stays what it was. Where `add_note` is missing (Python 3.10, so
    /// PyPy 3.10), the note is appended to `value.__notes__` as 3.11 does.
    pub fn add_note(&self, note: &str) -> HPyResult<()> {
        let ctx = self.value.context();
        let note = note.into_hpy(ctx)?;
        if self.value.has_attr_s("add_note")? {
            self.value.call_method_s("add_note", &[&note])?;
            return Ok(());
        }
        if !self.value.has_attr_s("__notes__")? {
            self.value
                .set_attr_s("__notes__", &ctx.new_list()?.into())?;
        }
        let notes = self.value.get_attr_s("__notes__")?;
        notes.call_method_s("append", &[&note])?;
        Ok(())
    }

    /// Sets `value.__cause__` (and so `__suppress_context__`), as `raise
    /// value from cause` does.
    pub fn set_cause(&self, cause: &Caught<'ctx>) -> HPyResult<()> {
        self.value.set_attr_s("__cause__", &cause.value)
    }

    /// Raises the exception again (`HPyErr_SetObject(type(value),
    /// value)`), with the traceback it carries, and returns the pending
    /// error that propagates it.
    pub fn raise(self) -> HPyErr {
        let ty = self.value.get_type();
        HPyErr::from_type_value(&ty, &self.value)
    }
}

impl<'ctx> From<Caught<'ctx>> for HPyErr {
    /// Raises the caught exception again ([`Caught::raise`]).
    fn from(caught: Caught<'ctx>) -> Self {
        caught.raise()
    }
}

impl core::fmt::Debug for Caught<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let ty = self.value.type_name();
        match self.value.str() {
            Ok(msg) => write!(f, "Caught({ty}: {msg})"),
            Err(_) => write!(f, "Caught({ty})"),
        }
    }
}

impl HPyErr {
    /// Takes the exception out of the interpreter (raising it there first
    /// if it was not raised yet) and returns it as handles: its value,
    /// type and traceback. Afterwards no exception is set; return
    /// [`Caught::raise`] to propagate it again.
    ///
    /// Fails only if the machinery does (see the [module
    /// guide](crate::exception_guide)): then the exception reported is the
    /// one that made it fail.
    pub fn catch(self, ctx: Context<'_>) -> HPyResult<Caught<'_>> {
        self.restore(ctx);
        fetch_current(ctx).map(|value| Caught { value })
    }

    /// Whether this error is an instance of `class`, or of one of the
    /// classes of a (nested) tuple — what `except class:` would catch. For
    /// an exception set in the interpreter this is
    /// `HPyErr_ExceptionMatches`; an error not raised yet is answered from
    /// its class, without raising it.
    ///
    /// ```
    /// use hpy::{Constant, Context, HPyResult, Handle};
    ///
    /// /// `f()`, or `None` when it raises `LookupError` (or a subclass).
    /// fn get_or_none<'ctx>(ctx: Context<'ctx>, f: &Handle<'ctx>) -> HPyResult<Option<Handle<'ctx>>> {
    ///     match f.call(&[]) {
    ///         Ok(v) => Ok(Some(v)),
    ///         Err(err) if err.matches(ctx, &ctx.constant(Constant::LookupError)) => {
    ///             drop(err.catch(ctx)?); // handled: nothing stays set
    ///             Ok(None)
    ///         }
    ///         Err(err) => Err(err),
    ///     }
    /// }
    /// # let _ = get_or_none;
    /// ```
    pub fn matches<'ctx>(&self, ctx: Context<'ctx>, class: &Handle<'ctx>) -> bool {
        match self.lazy_class(ctx) {
            None => ctx.err_matches_type(class),
            Some(Ok(ty)) => ty
                .downcast_ref::<Type>()
                .is_some_and(|ty| class_matches(ty, class)),
            Some(Err(e)) => {
                // The class could not even be found (an unlisted Global, a
                // failing OSError()): no match, and nothing left set.
                if e.is_pending() {
                    ctx.err_clear();
                }
                e.keep_exception();
                false
            }
        }
    }

    /// [`matches`](HPyErr::matches) for a class known by its Rust type;
    /// `false` if `E`'s class is not available (a module that does not
    /// list it).
    pub fn is_instance_of<E: ExceptionClass>(&self, ctx: Context<'_>) -> bool {
        match E::type_object(ctx) {
            Ok(class) => self.matches(ctx, &class),
            // Not available: its error (an unlisted Global) was never
            // raised.
            Err(e) => {
                drop(e);
                false
            }
        }
    }

    /// This error with `cause` as its `__cause__`, as `raise self from
    /// cause` — typically a new error about an error caught from a call:
    ///
    /// ```
    /// use hpy::{Context, HPyErr, HPyResult, Handle};
    ///
    /// fn load<'ctx>(ctx: Context<'ctx>, f: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    ///     f.call(&[]).map_err(|e| HPyErr::runtime_error("loading failed").with_cause(ctx, e))
    /// }
    /// # let _ = load;
    /// ```
    pub fn with_cause(self, ctx: Context<'_>, cause: HPyErr) -> HPyErr {
        // The cause first: raising `self` would replace it.
        let cause = match cause.catch(ctx) {
            Ok(cause) => cause,
            Err(e) => return e,
        };
        let this = match self.catch(ctx) {
            Ok(this) => this,
            Err(e) => return e,
        };
        match this.set_cause(&cause) {
            Ok(()) => this.raise(),
            Err(e) => e,
        }
    }
}

/// Whether `except class:` catches an exception of class `ty`: `class` a
/// class or a (nested) tuple of classes.
fn class_matches<'ctx>(ty: &Type<'ctx>, class: &Handle<'ctx>) -> bool {
    if let Some(classes) = class.downcast_ref::<Tuple>() {
        let n = classes.len().unwrap_or(0);
        return (0..n).any(|i| {
            classes
                .get(i as isize)
                .is_ok_and(|item| class_matches(ty, &item))
        });
    }
    class
        .downcast_ref::<Type>()
        .is_some_and(|class| ty.is_subtype(class))
}

/// Takes the interpreter's current exception out (see the module docs).
///
/// While the exception is set, only operations that CPython performs
/// without looking at the error state may run: no calls and no attribute
/// lookups (`PyObject_GetAttr` clears a set exception on CPython 3.11).
/// Dict and tuple item access and `HPyGlobal_Load` are such operations,
/// so everything is prepared by [`init`]: `sys.__dict__`, a list and the
/// list's bound `append`.
#[cold]
fn fetch_current(ctx: Context<'_>) -> HPyResult<Handle<'_>> {
    let state = CATCH_STATE.get(ctx, "the state of HPyErr::catch")?;
    let sys_dict = state.get_item_i(0)?;
    let sink = state.get_item_i(1)?;
    let append = state.get_item_i(2)?;
    let key = state.get_item_i(3)?;
    // A deleted `sys.unraisablehook` must not become a KeyError that
    // replaces the exception being caught: ask first.
    let old_hook = if sys_dict.contains(&key)? {
        Some(sys_dict.get_item(&key)?)
    } else {
        None
    };
    sys_dict.set_item(&key, &append)?;
    ctx.write_unraisable(HPyErr::raised(ctx), None);
    // Nothing is set now; a failure from here on is a new exception.
    match old_hook {
        // (If the hook already was `append`, a `catch` in an audit hook of
        // an outer `catch` is running: the outer one restores the user's.)
        Some(old_hook) if old_hook.is(&append) => {}
        Some(old_hook) => sys_dict.set_item(&key, &old_hook)?,
        None => sys_dict.del_item(&key)?,
    }
    let n = sink.len()?;
    if n == 0 {
        return Err(HPyErr::runtime_error(
            "HPyErr::catch: this interpreter did not pass the exception to sys.unraisablehook",
        ));
    }
    let last = n as isize - 1;
    let args = sink.get_item_i(last)?;
    sink.del_item_i(last)?;
    let value = args.get_attr_s("exc_value")?;
    let value = if value.is_none() {
        // An exception set as a bare class: instantiate it, as `raise`
        // does.
        args.get_attr_s("exc_type")?.call(&[])?
    } else {
        value
    };
    let tb = args.get_attr_s("exc_traceback")?;
    if !tb.is_none() && value.get_attr_s("__traceback__")?.is_none() {
        value.set_attr_s("__traceback__", &tb)?;
    }
    Ok(value)
}

/// Creates (once per module exec) the class of a [`create_exception!`]
/// type. Not public API.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an exception declared with `hpy::create_exception!`",
    label = "listed in `exceptions` of `hpy_module!`",
    note = "declare it with `hpy::create_exception!(module, {Self}, ValueError, \"doc\")`; builtin exceptions need no listing"
)]
pub trait ExceptionDef: ExceptionClass {
    /// Where the class is kept.
    const GLOBAL: &'static Global;
    /// `"module.Name"`.
    const QUALNAME: &'static str;
    /// The docstring.
    const DOC: Option<&'static str>;
    /// The attributes `__init__` takes and keeps (`attributes = [...]`),
    /// empty for a plain class.
    const ATTRIBUTES: &'static [&'static str];
    /// The base class.
    type Base: ExceptionClass;
    /// The base class's name as written in `create_exception!` (for the
    /// module's type stub).
    const BASE_NAME: &'static str = "Exception";
}

/// Implemented by [`hpy_module!`](crate::hpy_module) for every type in its
/// `exceptions`, and required by [`create_exception!`]: an exception class
/// that no module creates is a compile error on its name rather than a
/// `SystemError` when it is first raised. Not public API; it decides
/// nothing about memory (an unlisted class is still refused at run time).
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "the exception `{Self}` is not listed in `hpy_module!`'s `exceptions`",
    label = "no module creates this class",
    note = "add it to the module: `hpy_module! {{ ..., exceptions: [{Self}] }}`; the module's exec then creates the class and publishes it as an attribute"
)]
pub trait ListedInModule {}

/// A builtin exception class as a Rust type, for
/// [`create_exception!`](crate::create_exception)'s base and for
/// [`HPyErr::is_instance_of`].
pub mod builtin {
    use super::*;

    macro_rules! builtin_exceptions {
        ($($name:ident)*) => {$(
            #[doc = concat!("Python's `", stringify!($name), "`.")]
            pub struct $name {
                _private: (),
            }

            impl ExceptionClass for $name {
                #[inline]
                fn type_object<'ctx>(ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
                    Ok(ctx.constant(HPyConstant::$name))
                }
            }

            impl $name {
                #[doc = concat!("`", stringify!($name), "(msg)`, raised when it reaches Python.")]
                pub fn new_err(msg: impl Into<Cow<'static, str>>) -> HPyErr {
                    HPyErr::new(HPyConstant::$name, msg)
                }
            }
        )*};
    }

    builtin_exceptions! {
        BaseException Exception ArithmeticError AssertionError AttributeError
        BufferError EOFError FloatingPointError GeneratorExit ImportError IndexError
        KeyError KeyboardInterrupt LookupError MemoryError ModuleNotFoundError
        NameError NotImplementedError OSError OverflowError RecursionError
        ReferenceError RuntimeError StopIteration SystemError SystemExit TypeError
        UnicodeError UnicodeDecodeError UnicodeEncodeError ValueError
        ZeroDivisionError ConnectionError FileNotFoundError PermissionError
        TimeoutError
    }
}

/// The class of `E`, created if this module exec has not created it yet
/// (bases first). Not public API: called by `hpy_module!`.
#[doc(hidden)]
pub fn exception_type<'ctx, E: ExceptionDef>(ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
    if let Some(ty) = E::GLOBAL.load(ctx)? {
        if !ty.is_none() {
            return Ok(ty);
        }
    }
    let base = E::Base::type_object(ctx)?;
    let dict = match E::ATTRIBUTES {
        [] => None,
        attributes => Some(attribute_namespace(ctx, &base, attributes)?),
    };
    let ty = ctx.new_exception_type(E::QUALNAME, E::DOC, Some(&base), dict.as_ref())?;
    E::GLOBAL.store(&ty)?;
    Ok(ty)
}

/// The class namespace of an exception with attributes: `__slots__` naming
/// them and an `__init__` taking exactly them (by position or keyword),
/// passing them on to the base's `__init__` (so `args` holds them, as for
/// `BaseException(*args)`) and keeping each as its attribute. HPy 0.9 can
/// make a Python function only from source, so `__init__` is compiled.
fn attribute_namespace<'ctx>(
    ctx: Context<'ctx>,
    base: &Handle<'ctx>,
    attributes: &[&str],
) -> HPyResult<Dict<'ctx>> {
    let parameters = attributes.join(", ");
    let mut source =
        format!("def __init__(self, {parameters}):\n    __base_init__(self, {parameters})\n");
    for attribute in attributes {
        source.push_str(&format!("    self.{attribute} = {attribute}\n"));
    }
    let globals = ctx.new_dict()?;
    globals.set_item_s("__base_init__", &base.get_attr_s("__init__")?)?;
    ctx.compile(&source, "<hpy-rs exception>", SourceKind::File)?
        .eval(&globals, None)?;
    let namespace = ctx.new_dict()?;
    namespace.set_item_s("__init__", &globals.get_item_s("__init__")?)?;
    let names = attributes
        .iter()
        .map(|a| a.into_hpy(ctx))
        .collect::<HPyResult<Vec<_>>>()?;
    let names: Vec<&Handle<'ctx>> = names.iter().collect();
    namespace.set_item_s("__slots__", &ctx.new_tuple(&names)?.into_handle())?;
    Ok(namespace)
}

/// `E(*values)` as the error to return, or the error making `values` or
/// the instance gave. Not public API: called by `create_exception!`'s
/// `new_err` for a class with attributes.
#[doc(hidden)]
pub fn exception_with_attributes<'ctx, E: ExceptionDef, V: AsRef<[Handle<'ctx>]>>(
    ctx: Context<'ctx>,
    values: HPyResult<V>,
) -> HPyErr {
    let make = || -> HPyResult<HPyErr> {
        let values = values?;
        let values: Vec<&Handle<'ctx>> = values.as_ref().iter().collect();
        let ty = exception_type::<E>(ctx)?;
        let instance = ty.call(&values)?;
        Ok(HPyErr::from_type_value(&ty, &instance))
    };
    make().unwrap_or_else(|e| e)
}

/// One entry of `hpy_module!`'s `exceptions`. Not public API.
#[doc(hidden)]
pub struct ExceptionEntry {
    /// Where the class is kept (listed in the module's globals).
    pub global: &'static Global,
    add: for<'ctx> fn(Context<'ctx>, &Handle<'ctx>) -> HPyResult<()>,
    /// `E::QUALNAME`, `E::BASE_NAME`, `E::DOC`, `E::ATTRIBUTES`, for the
    /// module's type stub (through the entry, so that a wrong entry
    /// still gives one error).
    pub stub: (
        &'static str,
        &'static str,
        Option<&'static str>,
        &'static [&'static str],
    ),
}

impl ExceptionEntry {
    /// The entry of `E` (the one place that requires `E: ExceptionDef`,
    /// so that a wrong entry gives one error).
    pub const fn of<E: ExceptionDef>() -> Self {
        ExceptionEntry {
            global: E::GLOBAL,
            add: add_exception::<E>,
            stub: (E::QUALNAME, E::BASE_NAME, E::DOC, E::ATTRIBUTES),
        }
    }
}

/// Creates the module's exception classes anew for this module object
/// (bases first, whatever the order of `entries`) and publishes each as a
/// module attribute (its short name). Not public API: called by
/// `hpy_module!`'s exec slot.
#[doc(hidden)]
pub fn add_exceptions<'ctx>(
    ctx: Context<'ctx>,
    module: &Handle<'ctx>,
    entries: &[ExceptionEntry],
) -> HPyResult<()> {
    // Empty first (None marks "not created in this exec"), so that a base
    // created on demand for an earlier entry is the one later published.
    for entry in entries {
        // SAFETY: `hpy_module!` lists every entry's global in the module
        // definition whose exec is running (`__HPY_EXCEPTIONS`).
        unsafe { entry.global.mark_registered() };
        entry.global.store(&ctx.none())?;
    }
    for entry in entries {
        (entry.add)(ctx, module)?;
    }
    Ok(())
}

/// Publishes `E`'s class as a module attribute (its short name).
fn add_exception<'ctx, E: ExceptionDef>(
    ctx: Context<'ctx>,
    module: &Handle<'ctx>,
) -> HPyResult<()> {
    let ty = exception_type::<E>(ctx)?;
    let short = E::QUALNAME.rsplit('.').next().unwrap_or(E::QUALNAME);
    module.set_attr_s(short, &ty)
}

/// Prepares [`HPyErr::catch`] (called from every module's exec slot).
pub(crate) fn init<'ctx>(ctx: Context<'ctx>) -> HPyResult<()> {
    // SAFETY: every module definition lists `SDK_GLOBALS`, which holds it.
    unsafe { CATCH_STATE.mark_registered() };
    let sys_dict = ctx.import_module("sys")?.get_attr_s("__dict__")?;
    let sink = ctx.new_list()?;
    let append = sink.get_attr_s("append")?;
    let key = "unraisablehook".into_hpy(ctx)?;
    let state = ctx.new_tuple(&[&sys_dict, &sink, &append, &key])?;
    CATCH_STATE.store(&state)
}

/// Declares a Python exception class for the module: a Rust type with
/// `new_err(msg)` (an [`HPyErr`] to return with `?`), usable with
/// [`HPyErr::is_instance_of`] and [`Caught::is_instance_of`]; list it in
/// [`hpy_module!`](crate::hpy_module)'s `exceptions` to create it when the
/// module is executed and publish it as a module attribute.
///
/// `create_exception!(module, Name, Base, "doc")`: `module` is the module's
/// name (for `__module__` and the class's `repr`; dotted, `pkg.sub`, for
/// an [`hpy_submodule!`](crate::hpy_submodule)'s exception), `Base` a builtin
/// exception (`ValueError`, `Exception`, … as in [`exceptions`](crate::exceptions)) or
/// another `create_exception!` type, the docstring optional.
///
/// `create_exception!(module, Name, Base, "doc", attributes = [a, b])`
/// makes a class whose `__init__(self, a, b)` keeps its arguments as the
/// attributes `a` and `b` (with `__slots__`); its `new_err(ctx, a, b)` takes
/// the values (any [`IntoHPy`](crate::IntoHPy)) and makes the instance at
/// once. See `docs/exceptions.md`.
///
/// ```
/// use hpy::{hpy_method, hpy_module, HPyResult};
///
/// hpy::create_exception!(stats, StatsError, ValueError, "Raised by stats.");
///
/// #[hpy_method]
/// fn mean(xs: Vec<f64>) -> HPyResult<f64> {
///     if xs.is_empty() {
///         return Err(StatsError::new_err("mean of an empty sequence"));
///     }
///     Ok(xs.iter().sum::<f64>() / xs.len() as f64)
/// }
///
/// hpy_module! {
///     name: stats,
///     methods: [mean],
///     exceptions: [StatsError],
/// }
/// # fn main() {}
/// ```
#[macro_export]
macro_rules! create_exception {
    ($module:ident $(. $submodule:ident)*, $name:ident, $base:ident $(, $doc:literal)?, attributes = [$($attr:ident),+ $(,)?] $(,)?) => {
        $crate::create_exception!(@class [$module $(, $submodule)*], $name, $base, [$($doc)?], [$($attr),+]);

        impl $name {
            /// This exception made now (`Name(attribute, ...)`, each value
            /// also kept as its attribute), raised when it reaches Python;
            /// an error converting a value is returned in its place.
            #[allow(dead_code, clippy::too_many_arguments)]
            pub fn new_err<'ctx>(
                ctx: $crate::Context<'ctx>,
                $($attr: impl $crate::IntoHPy<'ctx>),+
            ) -> $crate::HPyErr {
                let values = (|| -> $crate::HPyResult<_> {
                    ::core::result::Result::Ok([$($crate::IntoHPy::into_hpy($attr, ctx)?),+])
                })();
                $crate::impl_::exception_with_attributes::<$name, _>(ctx, values)
            }
        }
    };
    ($module:ident $(. $submodule:ident)*, $name:ident, $base:ident $(, $doc:literal)? $(,)?) => {
        $crate::create_exception!(@class [$module $(, $submodule)*], $name, $base, [$($doc)?], []);

        impl $name {
            /// This exception with a message, raised when it reaches Python.
            #[allow(dead_code)]
            pub fn new_err(
                msg: impl ::core::convert::Into<::std::borrow::Cow<'static, str>>,
            ) -> $crate::HPyErr {
                $crate::HPyErr::new_in(<$name as $crate::impl_::ExceptionDef>::GLOBAL, msg)
            }
        }
    };
    (@class [$module:ident $(, $submodule:ident)*], $name:ident, $base:ident, [$($doc:literal)?], [$($attr:ident),*]) => {
        $(#[doc = $doc])?
        pub struct $name {
            _private: (),
        }

        const _: () = {
            // An exception no module lists: an error on this declaration.
            fn listed<E: $crate::impl_::ListedInModule>() {}
            #[allow(dead_code)]
            fn listed_in_a_module() {
                listed::<$name>();
            }
        };

        const _: () = {
            #[allow(unused_imports)]
            use $crate::exceptions::*;

            impl $crate::impl_::ExceptionDef for $name {
                const GLOBAL: &'static $crate::Global = {
                    static GLOBAL: $crate::Global = $crate::Global::new();
                    &GLOBAL
                };
                const QUALNAME: &'static str =
                    ::core::concat!(
                        ::core::stringify!($module),
                        $(".", ::core::stringify!($submodule),)*
                        ".",
                        ::core::stringify!($name)
                    );
                const DOC: ::core::option::Option<&'static str> =
                    $crate::__hpy_optional_doc!($($doc)?);
                const ATTRIBUTES: &'static [&'static str] = &[$(::core::stringify!($attr)),*];
                type Base = $base;
                const BASE_NAME: &'static str = ::core::stringify!($base);
            }

            impl $crate::ExceptionClass for $name {
                fn type_object<'ctx>(
                    ctx: $crate::Context<'ctx>,
                ) -> $crate::HPyResult<$crate::Handle<'ctx>> {
                    $crate::impl_::exception_type::<$name>(ctx)
                }
            }
        };
    };
}

/// `Some(doc)` or `None`. Not public API.
#[doc(hidden)]
#[macro_export]
macro_rules! __hpy_optional_doc {
    () => {
        ::core::option::Option::None
    };
    ($doc:literal) => {
        ::core::option::Option::Some($doc)
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::create_exception!(stats, StatsError, ValueError, "Raised by stats.");
    crate::create_exception!(stats, EmptyError, StatsError);
    // (What `hpy_module!`'s `exceptions: [StatsError, EmptyError]` writes.)
    impl ListedInModule for StatsError {}
    impl ListedInModule for EmptyError {}

    crate::create_exception!(
        stats,
        OutOfRange,
        StatsError,
        attributes = [value, low, high,]
    );
    impl ListedInModule for OutOfRange {}

    #[test]
    fn declared_attributes() {
        assert_eq!(<StatsError as ExceptionDef>::ATTRIBUTES, &[] as &[&str]);
        assert_eq!(
            <OutOfRange as ExceptionDef>::ATTRIBUTES,
            &["value", "low", "high"]
        );
    }

    #[test]
    fn declared_classes_know_their_name_doc_and_base() {
        assert_eq!(<StatsError as ExceptionDef>::QUALNAME, "stats.StatsError");
        assert_eq!(<StatsError as ExceptionDef>::DOC, Some("Raised by stats."));
        assert_eq!(<EmptyError as ExceptionDef>::DOC, None);
        assert_eq!(
            core::any::type_name::<<EmptyError as ExceptionDef>::Base>(),
            core::any::type_name::<StatsError>()
        );
        assert_eq!(
            core::any::type_name::<<StatsError as ExceptionDef>::Base>(),
            core::any::type_name::<builtin::ValueError>()
        );
        // one Global per class
        assert!(!core::ptr::eq(
            <StatsError as ExceptionDef>::GLOBAL,
            <EmptyError as ExceptionDef>::GLOBAL
        ));
    }

    #[test]
    fn new_err_is_lazy() {
        let err = StatsError::new_err("empty");
        assert!(!err.is_pending());
        assert_eq!(err.describe().unwrap().1, "empty");
        let err = builtin::KeyError::new_err("k");
        assert_eq!(err.describe().unwrap(), (HPyConstant::KeyError, "k".into()));
    }
}
