//! `tp_new` and creating instances: the constructor entry point
//! ([`NewFunc`]), what a `#[new]` may return ([`IntoNew`]), and writing a
//! new instance's data.

use core::ffi::c_void;

use hpy_sys::{cpy_PyObject, HPy, HPyCFunction, HPyContext, HPyDef, HPy_NULL, HPy_ssize_t};

use super::chain::{init_block, AfterNew, Ancestors, DefaultAncestors, Extends, ParentValue};
use super::check::is_subclass;
use super::info::{Base, TPFLAGS_BASETYPE};
use super::layout::{as_struct, data_size, data_start};
use crate::class::{ClassData, HPyClass};
use crate::runtime::def::slot;
use crate::runtime::trampoline::entry;
use crate::runtime::IntoResult;
use crate::{Borrowed, Context, HPyErr, HPyResult, Handle};

/// The arguments of a `tp_new` call: positional handles and a keyword dict.
///
/// `Copy` (a view of the call's arguments, owning nothing), so that the
/// generated check of a constructor without parameters moves a copy into
/// its out-of-line parse instead of keeping the value in memory on the
/// common path.
#[derive(Clone, Copy)]
pub struct NewArgs<'a, 'ctx> {
    pub(crate) ctx: Context<'ctx>,
    pub(crate) args: *const HPy,
    pub(crate) nargs: usize,
    /// `HPy_NULL`, a dict, or a tuple of keyword names whose values follow
    /// the positional handles (what PyPy passes to `tp_new`, and what
    /// hpy-rs's own `__new__`, a `KEYWORDS` function, gets).
    pub(crate) kw: HPy,
    /// Whether the class given to `__new__` has been checked: the call came
    /// through the direct variant of the entry (`impl_new::<M, true>`),
    /// that is from CPython's `tp_new_wrapper` or type call on
    /// hpy_rs_universal's plain context (or in the CPython ABI), where
    /// CPython has checked it, or through hpy-rs's own `__new__`
    /// ([`NewAsMethod`]), which checks it first. A constant of each entry:
    /// after inlining, `construct`'s check of the interpreter folds away
    /// where it is `true`.
    pub(crate) direct: bool,
    pub(crate) _borrow: core::marker::PhantomData<&'a HPy>,
}

impl<'ctx> NewArgs<'_, 'ctx> {
    /// The arguments HPy passed to a `tp_new`/`tp_init` entry.
    ///
    /// `direct`: the call came through an entry's direct variant (see
    /// [`NewArgs::direct`](Self)); `false` where not known.
    ///
    /// # Safety
    /// `args` holds `nargs` handles and `kw` is a dict, `HPy_NULL` or a
    /// tuple of keyword names whose values follow the `nargs` handles, all
    /// valid for the call this value is used in; `direct` only if the call
    /// came through the direct variant of its entry (CPython checked the
    /// class).
    #[inline(always)]
    pub(super) unsafe fn from_raw(
        ctx: Context<'ctx>,
        args: *const HPy,
        nargs: HPy_ssize_t,
        kw: HPy,
        direct: bool,
    ) -> Self {
        NewArgs {
            ctx,
            args,
            nargs: nargs.max(0) as usize,
            kw,
            direct,
            _borrow: core::marker::PhantomData,
        }
    }

    /// Whether the call passed no argument at all.
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.nargs == 0 && self.kw._i == 0
    }
}

/// A class constructor (`HPy_tp_new`, `HPyFunc_NEWFUNC`).
///
/// # Safety
/// Implemented by hpy-rs's macros only: the runtime trusts what the
/// implementation returns (raw handles, definitions) without checking it.
pub unsafe trait NewFunc {
    /// A name for error messages.
    const NAME: &'static str;
    /// The body: creates the instance of `cls`.
    fn call<'ctx>(
        ctx: Context<'ctx>,
        cls: Borrowed<'_, 'ctx>,
        args: NewArgs<'_, 'ctx>,
    ) -> HPyResult<HPy>;
    /// Checks the class given to `__new__` as CPython's `tp_new_wrapper`
    /// does, with its `TypeError`s: that there is one (`None`: the call
    /// had no positional argument), that it is a type, and that it is the
    /// class this constructor makes (or a subclass). Called by hpy-rs's
    /// own `__new__` ([`NewAsMethod`]) before [`call`](Self::call), which
    /// then gets arguments marked checked.
    fn check_class(cls: Option<&Handle<'_>>) -> HPyResult<()>;
}

crate::abi::entry_point! {
    /// # Safety
    /// Called by HPy only, with the arguments of `HPyFunc_NEWFUNC`.
    pub unsafe extern "C" fn impl_new<M: NewFunc, const DIRECT: bool>(
        ctx: *mut HPyContext,
        cls: HPy,
        args: *const HPy,
        nargs: HPy_ssize_t,
        kw: HPy,
    ) -> HPy {
        // SAFETY: HPy passes the live context, the type, `nargs` argument handles
        // and a dict or NULL, all valid for the call; `DIRECT` says which
        // variant this is.
        unsafe {
            entry::<DIRECT, _, _>(ctx, M::NAME, HPy_NULL, move |ctx| {
                let args = NewArgs::from_raw(ctx, args, nargs, kw, DIRECT);
                M::call(ctx, Borrowed::from_raw(ctx, cls), args)
            })
        }
    }
}

/// The CPython-convention trampoline of `tp_new`: one body for
/// both ABIs, the seam (`abi`) converts the arguments.
///
/// # Safety
/// Called by CPython as `tp_new`.
unsafe extern "C" fn cpy_new<M: NewFunc>(
    cls: *mut cpy_PyObject,
    args: *mut cpy_PyObject,
    kw: *mut cpy_PyObject,
) -> crate::abi::ObjectResult {
    // SAFETY: CPython's `tp_new` arguments, for `impl_new`.
    unsafe { crate::abi::newfunc(impl_new::<M, false>, impl_new::<M, true>, cls, args, kw) }
}

/// `tp_new` definition.
pub const fn slot_new<M: NewFunc>() -> HPyDef {
    let f: unsafe extern "C" fn(*mut HPyContext, HPy, *const HPy, HPy_ssize_t, HPy) -> HPy =
        impl_new::<M, false>;
    type New = unsafe extern "C" fn(
        *mut cpy_PyObject,
        *mut cpy_PyObject,
        *mut cpy_PyObject,
    ) -> crate::abi::ObjectResult;
    let cpy: New = cpy_new::<M>;
    // SAFETY: function pointers have one size; CPython calls it as tp_new.
    let cpy = unsafe { core::mem::transmute::<New, hpy_sys::cpy_PyCFunction>(cpy) };
    slot(hpy_sys::HPy_tp_new, f as HPyCFunction, Some(cpy))
}

/// `tp_new` of a class: allocates an instance of `cls` holding `value`. For
/// a class extending a builtin type (`shape = "float"` …), the builtin's own
/// `__new__` runs first with the call's positional arguments, so the
/// instance is a real float/int/str/tuple/list (a list is filled afterwards
/// by its inherited `__init__`).
pub fn construct<'ctx, T: HPyClass, A: Ancestors<T>>(
    cls: &Handle<'ctx>,
    args: &NewArgs<'_, 'ctx>,
    (value, ancestors): (T, A),
) -> HPyResult<Handle<'ctx>> {
    if !args.direct && !interpreter_checks_new_class(cls.context()) {
        check_new_class::<T>(cls)?;
    }
    let base = match T::INFO.base {
        Base::Builtin(c) if T::INFO.shape != hpy_sys::HPyType_BuiltinShape_Object => c,
        _ => return new_instance_with::<T, A>(cls, value, ancestors),
    };
    let ctx = cls.context();
    let obj = builtin_new(cls, args, base)?;
    if data_size::<T>() != 0 {
        // SAFETY: `obj` was made by the builtin's __new__ for `cls`, a subclass
        // of T's type, so it carries T's data block after the builtin part.
        unsafe { ClassData::<T>::init(as_struct::<T>(ctx, obj.as_raw()), value) };
    }
    Ok(obj)
}

/// `base.__new__(cls, *args)`, for `construct` of a class extending a
/// builtin type: one copy for every class.
fn builtin_new<'ctx>(
    cls: &Handle<'ctx>,
    args: &NewArgs<'_, 'ctx>,
    base: hpy_sys::HPyConstant,
) -> HPyResult<Handle<'ctx>> {
    let ctx = cls.context();
    let base_new = ctx.constant(base).get_attr_s("__new__")?;
    let mut raw: Vec<HPy> = Vec::with_capacity(args.nargs + 1);
    raw.push(cls.as_raw());
    // SAFETY: `args` holds `nargs` handles valid for the call.
    raw.extend((0..args.nargs).map(|i| unsafe { *args.args.add(i) }));
    // SAFETY: valid callable and argument handles; owned result or NULL.
    unsafe {
        ctx.wrap_result(hpy_sys::HPy_Call(
            ctx.as_raw(),
            base_new.as_raw(),
            raw.as_ptr(),
            raw.len(),
            HPy_NULL,
        ))
    }
}

/// `tp_new` of a class without `#[new]`: instances can only be made from
/// Rust (any `IntoHPy` return of the value).
pub struct NoConstructor<T>(core::marker::PhantomData<T>);

// SAFETY: the body only raises; it returns no handle.
unsafe impl<T: HPyClass> NewFunc for NoConstructor<T> {
    const NAME: &'static str = "<no constructor>";
    fn call<'ctx>(_: Context<'ctx>, _: Borrowed<'_, 'ctx>, _: NewArgs<'_, 'ctx>) -> HPyResult<HPy> {
        Err(HPyErr::type_error(format!(
            "cannot create '{}' instances",
            T::INFO.qualname.to_string_lossy()
        )))
    }
    fn check_class(cls: Option<&Handle<'_>>) -> HPyResult<()> {
        check_class_of::<T>(cls)
    }
}

/// hpy-rs's own `__new__` of a class with the constructor `M`, for hosts
/// whose `T.__new__` checks nothing (`Quirk::NewClassUnchecked`): a
/// `KEYWORDS` function, set on the type as a `staticmethod` through the
/// class-level companion (see `static_methods`), that takes the class off
/// its positional arguments, checks it ([`NewFunc::check_class`]) and runs
/// the constructor's body with the rest. On PyPy 7.3.19 the interpreter's
/// own `__new__` hands `tp_new` a class handle naming no object when it
/// gets no positional argument (`T.__new__(default=1)`), which no check
/// inside `tp_new` can tell from a valid one; with this function in the
/// type dict, `T.__new__` and `T(...)` (whose `__new__` PyPy looks up in
/// the type dict) never reach it.
pub struct NewAsMethod<M>(core::marker::PhantomData<M>);

// SAFETY: returns what the constructor's body returns (a new owned handle
// or an error); the arguments it passes on are the call's own.
unsafe impl<M: NewFunc> crate::runtime::MethArgs for NewAsMethod<M> {
    const NAME: &'static str = M::NAME;
    #[inline]
    fn call<'ctx>(
        ctx: Context<'ctx>,
        _companion: Borrowed<'_, 'ctx>,
        args: crate::runtime::Args<'_, 'ctx>,
    ) -> HPyResult<HPy> {
        if args.nargs == 0 {
            // `check_class` refuses a missing class with its class's name.
            M::check_class(None)?;
            return Err(not_enough_arguments(M::NAME));
        }
        // SAFETY: `Args` holds the argument array HPy passed, valid for the
        // call: `nargs > 0` positional handles, then one value per keyword
        // name. Without the first one, the layout is the one `NewArgs`
        // reads (positional handles, then the values of the names in `kw`).
        let (cls, new_args) = unsafe {
            let cls = Borrowed::from_raw(ctx, *args.args);
            let rest = NewArgs::from_raw(
                ctx,
                args.args.add(1),
                (args.nargs - 1) as HPy_ssize_t,
                args.kwnames,
                true,
            );
            (cls, rest)
        };
        M::check_class(Some(&cls))?;
        M::call(ctx, cls, new_args)
    }
}

/// The name of [`NewAsMethod`]'s definition (its companion's method;
/// the type gets it as `__new__`).
pub(super) const NEW_METHOD_NAME: &str = "__hpy_new__";

/// The `HPyDef` of [`NewAsMethod`]: a `KEYWORDS` method named
/// `NEW_METHOD_NAME` (`__hpy_new__`). Where no host of the ABI needs it (the CPython
/// ABI), one shared definition instead, never installed, so that a
/// constructor's body is not compiled a second time for nothing.
pub const fn new_method<M: NewFunc>() -> HPyDef {
    if crate::abi::quirk_possible(crate::abi::Quirk::NewClassUnchecked) {
        crate::runtime::meth_keywords::<NewAsMethod<M>>(c"__hpy_new__", None)
    } else {
        crate::runtime::meth_keywords::<NewNotNeeded>(c"__hpy_new__", None)
    }
}

/// The [`new_method`] of an ABI none of whose hosts needs one: never set
/// on a type (`add_class_attributes` installs the table's `__new__` only
/// on a host with `Quirk::NewClassUnchecked`).
struct NewNotNeeded;

// SAFETY: only raises; it returns no handle.
unsafe impl crate::runtime::MethArgs for NewNotNeeded {
    const NAME: &'static str = "__hpy_new__";
    fn call<'ctx>(
        _: Context<'ctx>,
        _: Borrowed<'_, 'ctx>,
        _: crate::runtime::Args<'_, 'ctx>,
    ) -> HPyResult<HPy> {
        Err(HPyErr::type_error(
            "__hpy_new__: hpy-rs's own __new__ is not used on this interpreter",
        ))
    }
}

/// [`NewFunc::check_class`] of a class `T`: `cls` is `T`'s type or a
/// subclass, or the `TypeError` CPython's `tp_new_wrapper` raises.
#[inline]
pub fn check_class_of<T: HPyClass>(cls: Option<&Handle<'_>>) -> HPyResult<()> {
    match cls {
        None => Err(not_enough_arguments(T::INFO.python_name())),
        Some(cls) => check_new_class::<T>(cls),
    }
}

/// CPython's `TypeError` for `T.__new__()` (no class given).
#[cold]
fn not_enough_arguments(name: &str) -> HPyErr {
    HPyErr::type_error(format!("{name}.__new__(): not enough arguments"))
}

/// Creates an instance of `cls` (the class `T` or a subclass) holding
/// `value`; any other `cls` is a `TypeError`, as in CPython (PyPy does not
/// check the class given to `__new__`).
pub fn new_instance_of<'ctx, T: HPyClass>(cls: &Handle<'ctx>, value: T) -> HPyResult<Handle<'ctx>> {
    if !is_subclass::<T>(cls)? {
        return Err(not_a_subclass::<T>(cls));
    }
    new_instance_with(cls, value, DefaultAncestors)
}

/// The `TypeError` for `T.__new__(cls)` with a `cls` that is not `T` or a
/// subclass, worded as CPython's.
#[cold]
fn not_a_subclass<T: HPyClass>(cls: &Handle<'_>) -> HPyErr {
    let name = T::INFO.python_name();
    let given = if cls.is_type() {
        cls.get_attr_s("__name__")
            .and_then(|n| n.extract::<String>())
            .unwrap_or_else(|_| "?".into())
    } else {
        cls.type_name()
    };
    if cls.is_type() {
        HPyErr::type_error(format!(
            "{name}.__new__({given}): {given} is not a subtype of {name}"
        ))
    } else {
        HPyErr::type_error(format!(
            "{name}.__new__(X): X is not a type object ({given})"
        ))
    }
}

/// `T.__new__(cls)` on an interpreter that does not check `cls` itself:
/// out of line, so that the common path keeps its code as it was.
#[cold]
#[inline(never)]
fn check_new_class<T: HPyClass>(cls: &Handle<'_>) -> HPyResult<()> {
    if is_subclass::<T>(cls)? {
        Ok(())
    } else {
        Err(not_a_subclass::<T>(cls))
    }
}

/// Whether the interpreter itself checks that `T.__new__(cls)` gets `T` or
/// a subclass: CPython does (`tp_new_wrapper`), in either ABI; PyPy 7.3.19
/// does not, so there `construct` checks (`Quirk::NewClassUnchecked`).
#[inline(always)]
pub(super) fn interpreter_checks_new_class(ctx: Context<'_>) -> bool {
    let _ = ctx;
    !crate::abi::host_has(crate::abi::Quirk::NewClassUnchecked)
}

/// Creates an instance of `cls` holding `value`, with the Rust ancestors'
/// parts (`extends`) written by `ancestors`.
#[inline(always)]
pub(super) fn new_instance_with<'ctx, T: HPyClass, A: Ancestors<T>>(
    cls: &Handle<'ctx>,
    value: T,
    ancestors: A,
) -> HPyResult<Handle<'ctx>> {
    let ctx = cls.context();
    // SAFETY: `cls` is a class of T or a subclass (the callers'), and the
    // closure writes the whole instance data, running no Python code: for a
    // class marked `subclass`, `data_start` finds T's data in the fresh
    // instance; `start` is then the new instance's data (the ancestors'
    // blocks, then T's at `data_offset`), all written here.
    unsafe {
        crate::abi::new_instance_filled::<T>(
            cls,
            #[inline(always)]
            |obj: &Handle<'ctx>, data: *mut c_void| {
                // HPy_New's `data` is wrong for Python subclasses on CPython
                // (see `locate_start`); only classes marked `subclass` can
                // have those.
                let start = if T::INFO.flags & TPFLAGS_BASETYPE != 0 {
                    data_start::<T>(ctx, obj.as_raw())
                } else {
                    data.cast()
                };
                let after = ancestors.write(start);
                init_block::<T>(start, value);
                super::creator::tag_instance::<T>(start);
                if data_size::<T>() != 0 {
                    after.finish(obj, start.add(T::INFO.data_offset).cast());
                }
            },
        )
    }
}

/// Creates an instance of `T` holding `value`.
///
/// The class comes from `value`'s own type slot (`T`'s, or its variant's,
/// a subclass of `T`), so it is not checked as [`new_instance_of`] checks
/// a class given from outside.
#[inline(always)]
pub fn new_instance<'ctx, T: HPyClass>(ctx: Context<'ctx>, value: T) -> HPyResult<Handle<'ctx>> {
    let slot = T::value_type_slot(&value);
    with_type::<T, _>(
        ctx,
        slot,
        #[inline(always)]
        |ty| new_instance_with(ty, value, DefaultAncestors),
    )
}

/// Runs `f` with `T`'s type object: borrowed from its slot where the ABI
/// allows (no reference taken and given back), loaded otherwise.
#[inline(always)]
pub(super) fn with_type<'ctx, T: HPyClass, R>(
    ctx: Context<'ctx>,
    slot: &'static super::TypeSlot,
    f: impl FnOnce(&Handle<'ctx>) -> HPyResult<R>,
) -> HPyResult<R> {
    // SAFETY: the slot's global holds the type once it is registered, never
    // cleared while the module lives.
    let borrowed = unsafe {
        crate::abi::type_borrowed(
            ctx.as_raw(),
            slot.global.registered_flag(),
            slot.global.as_raw_ptr(),
        )
    };
    // `f` is called at one place, so that it is inlined here.
    let loaded;
    let kept;
    let ty: &Handle<'ctx> = match borrowed {
        Some(raw) => {
            // SAFETY: a live type object, kept by the global during the call;
            // the handle is never closed (it owns no reference).
            kept = core::mem::ManuallyDrop::new(unsafe { Handle::from_raw(ctx, raw) });
            &kept
        }
        None => {
            loaded = slot.load(ctx, const { T::INFO.python_name() })?;
            &loaded
        }
    };
    f(ty)
}

/// What a `#[new]` constructor may return: a [`NewValue`] or an
/// `HPyResult` of one, that is an `IntoResult` whose value is a
/// `NewValue` (a name the macros use).
#[diagnostic::on_unimplemented(
    message = "a `#[new]` of `{T}` must return `Self` (or `HPyResult<Self>`), not `{Self}`",
    label = "expected `Self` or `HPyResult<Self>`",
    note = "with `extends = Parent`, it returns `(Self, Parent)`; with `Field`s to fill, \
            `WithFields<'ctx, Self>`"
)]
pub trait IntoNew<T: HPyClass> {
    /// What writes the Rust ancestors' parts of the new instance.
    type Ancestors: Ancestors<T>;
    /// The value to store in the new instance, and its ancestors'.
    fn into_new(self) -> HPyResult<(T, Self::Ancestors)>;
}

impl<T: HPyClass, R> IntoNew<T> for R
where
    R: IntoResult,
    R::Value: NewValue<T>,
{
    type Ancestors = <R::Value as NewValue<T>>::Ancestors;
    #[inline(always)]
    fn into_new(self) -> HPyResult<(T, Self::Ancestors)> {
        self.into_result().map(NewValue::split)
    }
}

/// The values a new instance of `T` can be made from: the value itself, for
/// a class that `extends` another the pair `(value, parent value)`, or a
/// [`WithFields`](crate::WithFields).
pub trait NewValue<T: HPyClass> {
    /// What writes the Rust ancestors' parts of the new instance.
    type Ancestors: Ancestors<T>;
    /// The value to store in the new instance, and its ancestors'.
    fn split(self) -> (T, Self::Ancestors);
}

impl<T: HPyClass> NewValue<T> for T {
    type Ancestors = DefaultAncestors;
    #[inline(always)]
    fn split(self) -> (T, DefaultAncestors) {
        (self, DefaultAncestors)
    }
}

impl<T: Extends> NewValue<T> for (T, T::Parent) {
    type Ancestors = ParentValue<T::Parent>;
    #[inline(always)]
    fn split(self) -> (T, ParentValue<T::Parent>) {
        (self.0, ParentValue(self.1))
    }
}
