//! Class-level pieces of `#[hpy_class]` / `#[hpy_methods]` that HPy 0.9's
//! type specs cannot express directly: static and class methods, the
//! comparisons, hash and `str` derived from Rust traits
//! (`#[hpy_class(eq, ord, hash, str)]`), classes without an
//! `#[hpy_methods]` block, and creating a module's classes in any order.
//!
//! ## Static and class methods
//!
//! HPy 0.9 has no `METH_STATIC`/`METH_CLASS`. A class's static and class
//! methods are the methods of a *companion* type (same name, no data),
//! created next to the class: the module binds them to the companion's one
//! instance and sets each on the class wrapped in the builtin
//! `staticmethod` or `classmethod`. The bound methods keep their own names
//! (`__qualname__` is `Class.name`), their text signatures (`$self` stands
//! for the companion and is dropped by `inspect`), and Python does the rest:
//! calls on the class or on an instance, inheritance, a subclass passed as
//! the class. A class method receives the class as its first positional
//! argument; the generated body takes it off ([`split_class`]) before
//! parsing the others.

use core::ffi::CStr;
use core::marker::PhantomData;
use core::ptr;
use std::sync::OnceLock;

use hpy_sys::{HPyDef, HPyType_Spec};

use super::class::{ClassMethods, PropertyMethods, TypeSlot};
use super::{Args, StaticDef};
use crate::class::HPyClass;
use crate::{Borrowed, Context, HPyErr, HPyResult, Handle, IntoHPy, Ref, RichCompareOp};

// ------------------------------------------------- what #[hpy_methods] writes

/// The definitions an `#[hpy_methods]` block writes for its class.
/// `#[hpy_class]` implements [`ClassMethods`] for every class by forwarding
/// here when the class has such a block ([`Probe`]), so the block is
/// optional.
///
/// # Safety
/// Implemented by hpy-rs's macros only: the runtime trusts what the
/// implementation returns (raw definitions) without checking it.
pub unsafe trait Methods: HPyClass {
    /// Whether the block defines `__hash__` (then a derived `eq` does not
    /// make the class unhashable).
    const DEFINES_HASH: bool;

    /// As [`ClassMethods::defines`].
    fn defines(with_property_methods: bool) -> *mut *mut HPyDef;

    /// As [`ClassMethods::properties`].
    fn properties() -> &'static [PropertyMethods] {
        &[]
    }

    /// As [`ClassMethods::class_attributes`].
    fn class_attributes<'ctx>(_ty: &Handle<'ctx>) -> HPyResult<()> {
        Ok(())
    }

    /// As [`ClassMethods::doc`].
    fn doc(_ctx: Context<'_>) -> Option<&'static CStr> {
        Self::INFO.doc
    }
}

/// Chooses, for a concrete class, between its [`Methods`] (if it has an
/// `#[hpy_methods]` block) and the bare definitions `#[hpy_class]` made
/// (autoref specialisation: `(&Probe::<T>::new()).defines(..)` finds
/// [`ViaMethods`] on `Probe<T>` when `T: Methods`, else [`ViaBare`] on
/// `&Probe<T>`).
pub struct Probe<T>(PhantomData<T>);

impl<T> Probe<T> {
    /// The probe for `T`.
    pub const fn new() -> Self {
        Probe(PhantomData)
    }
}

impl<T> Default for Probe<T> {
    fn default() -> Self {
        Probe::new()
    }
}

/// The bare definitions of a class without `#[hpy_methods]`: its
/// `#[hpy_class]` definitions and a `tp_new` refusing to make instances.
pub struct Bare {
    /// The list, built once per kind of interpreter.
    pub cache: &'static super::class::DefineCache,
    /// The refusing `tp_new` (see [`super::class::NoConstructor`]).
    pub no_new: &'static StaticDef,
}

/// The [`Probe`] branch of a class with an `#[hpy_methods]` block.
pub trait ViaMethods {
    /// [`ClassMethods::defines`].
    fn defines(&self, with_property_methods: bool, bare: &Bare) -> *mut *mut HPyDef;
    /// [`ClassMethods::properties`].
    fn properties(&self) -> &'static [PropertyMethods];
    /// [`ClassMethods::class_attributes`].
    fn class_attributes<'ctx>(&self, ty: &Handle<'ctx>) -> HPyResult<()>;
    /// [`ClassMethods::doc`].
    fn doc(&self, ctx: Context<'_>) -> Option<&'static CStr>;
    /// [`Methods::DEFINES_HASH`].
    fn defines_hash(&self) -> bool;
}

impl<T: Methods> ViaMethods for Probe<T> {
    #[inline]
    fn defines(&self, with_property_methods: bool, _: &Bare) -> *mut *mut HPyDef {
        T::defines(with_property_methods)
    }
    #[inline]
    fn properties(&self) -> &'static [PropertyMethods] {
        T::properties()
    }
    #[inline]
    fn class_attributes<'ctx>(&self, ty: &Handle<'ctx>) -> HPyResult<()> {
        T::class_attributes(ty)
    }
    #[inline]
    fn doc(&self, ctx: Context<'_>) -> Option<&'static CStr> {
        T::doc(ctx)
    }
    #[inline]
    fn defines_hash(&self) -> bool {
        T::DEFINES_HASH
    }
}

/// The [`Probe`] branch of a class without an `#[hpy_methods]` block.
pub trait ViaBare {
    /// [`ClassMethods::defines`].
    fn defines(&self, with_property_methods: bool, bare: &Bare) -> *mut *mut HPyDef;
    /// [`ClassMethods::properties`].
    fn properties(&self) -> &'static [PropertyMethods];
    /// [`ClassMethods::class_attributes`].
    fn class_attributes<'ctx>(&self, ty: &Handle<'ctx>) -> HPyResult<()>;
    /// [`ClassMethods::doc`].
    fn doc(&self, ctx: Context<'_>) -> Option<&'static CStr>;
    /// [`Methods::DEFINES_HASH`].
    fn defines_hash(&self) -> bool;
}

impl<T: HPyClass> ViaBare for &Probe<T> {
    fn defines(&self, with_property_methods: bool, bare: &Bare) -> *mut *mut HPyDef {
        bare.cache.get::<T>(
            &[],
            super::class::no_constructor_def::<T>(bare.no_new),
            &[],
            with_property_methods,
        )
    }
    fn properties(&self) -> &'static [PropertyMethods] {
        &[]
    }
    fn class_attributes<'ctx>(&self, _: &Handle<'ctx>) -> HPyResult<()> {
        Ok(())
    }
    fn doc(&self, _: Context<'_>) -> Option<&'static CStr> {
        T::INFO.doc
    }
    fn defines_hash(&self) -> bool {
        false
    }
}

/// The options of `#[hpy_class(...)]` that `#[hpy_methods]` checks its
/// methods against at compile time (a `&mut self` method of a `frozen`
/// class, a hand-written `__richcmp__` next to a derived one …).
///
/// # Safety
/// Implemented by `#[hpy_class]` only; `FROZEN` promises that no code
/// `#[hpy_methods]` generates for the class borrows its value mutably.
pub unsafe trait ClassOptions {
    /// `frozen`: the value cannot change after construction.
    const FROZEN: bool;
    /// `eq` (or `ord`): `__richcmp__` is derived.
    const DERIVES_RICHCMP: bool;
    /// `hash`: `__hash__` is derived.
    const DERIVES_HASH: bool;
    /// `str`: `__str__` is derived.
    const DERIVES_STR: bool;
}

/// The impls `#[hpy_class]` gives every class: [`ClassOptions`] as
/// written, and [`ClassMethods`] forwarding to the class's `#[hpy_methods]`
/// block if it has one, else to bare definitions (no constructor, the
/// class's own members and slots). A class that compares (`eq`) without
/// hashing is made unhashable unless its block defines `__hash__`.
#[doc(hidden)]
#[macro_export]
macro_rules! __hpy_class_impls {
    ($class:ty {
        frozen: $frozen:literal,
        richcmp: $richcmp:literal,
        hash: $hash:literal,
        str: $str:literal $(,)?
    }) => {
        // SAFETY: the options as written in `#[hpy_class(...)]`;
        // `#[hpy_methods]` refuses mutable borrows of a frozen class.
        unsafe impl $crate::impl_::class_level::ClassOptions for $class {
            const FROZEN: bool = $frozen;
            const DERIVES_RICHCMP: bool = $richcmp;
            const DERIVES_HASH: bool = $hash;
            const DERIVES_STR: bool = $str;
        }

        // SAFETY: the definitions are `#[hpy_methods]`'s for this class, or
        // the class's own bare ones.
        #[allow(clippy::all, unused_imports)]
        unsafe impl $crate::impl_::class::ClassMethods for $class {
            fn defines(with_property_methods: bool) -> *mut *mut $crate::impl_::HPyDef {
                use $crate::impl_::class_level::{ViaBare as _, ViaMethods as _};
                static CACHE: $crate::impl_::class::DefineCache =
                    $crate::impl_::class::DefineCache::new();
                static NO_NEW: $crate::impl_::StaticDef =
                    $crate::impl_::StaticDef::new($crate::impl_::class::slot_new::<
                        $crate::impl_::class::NoConstructor<$class>,
                    >());
                let bare = $crate::impl_::class_level::Bare {
                    cache: &CACHE,
                    no_new: &NO_NEW,
                };
                (&$crate::impl_::class_level::Probe::<$class>::new())
                    .defines(with_property_methods, &bare)
            }

            fn properties() -> &'static [$crate::impl_::class::PropertyMethods] {
                use $crate::impl_::class_level::{ViaBare as _, ViaMethods as _};
                (&$crate::impl_::class_level::Probe::<$class>::new()).properties()
            }

            fn class_attributes<'ctx>(ty: &$crate::Handle<'ctx>) -> $crate::HPyResult<()> {
                use $crate::impl_::class_level::{ViaBare as _, ViaMethods as _};
                let probe = &$crate::impl_::class_level::Probe::<$class>::new();
                probe.class_attributes(ty)?;
                if $richcmp && !$hash && !probe.defines_hash() {
                    $crate::impl_::class_level::unhashable(ty)?;
                }
                ::core::result::Result::Ok(())
            }

            fn doc(ctx: $crate::Context<'_>) -> ::core::option::Option<&'static ::core::ffi::CStr> {
                use $crate::impl_::class_level::{ViaBare as _, ViaMethods as _};
                (&$crate::impl_::class_level::Probe::<$class>::new()).doc(ctx)
            }
        }
    };
}

pub use crate::__hpy_class_impls as class_impls;

// ------------------------------------------------- static and class methods

/// Whether a companion method is set on the class as a `staticmethod` or a
/// `classmethod`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    /// `#[staticmethod]`.
    Static,
    /// `#[classmethod]`.
    Class,
}

/// A class's static and class methods: their definitions (methods of the
/// companion type) and how each is wrapped.
pub struct ClassLevel {
    defs: &'static [StaticDef],
    names: &'static [(&'static str, Kind)],
    /// The companion's define lists: as written, and with the methods' docs
    /// stripped of their `name(signature)\n--\n\n` headers.
    lists: [OnceLock<DefinePtrs>; 2],
}

struct DefinePtrs(Box<[*mut HPyDef]>);

// SAFETY: the pointers refer to statics, or to copies leaked for the life
// of the process, only read by HPy under the interpreter lock; the list is
// immutable once built.
unsafe impl Send for DefinePtrs {}
// SAFETY: as above.
unsafe impl Sync for DefinePtrs {}

impl ClassLevel {
    /// The methods `defs` (in the order of `names`, which says how each is
    /// wrapped).
    pub const fn new(defs: &'static [StaticDef], names: &'static [(&'static str, Kind)]) -> Self {
        assert!(
            defs.len() == names.len(),
            "one name per class-level definition"
        );
        ClassLevel {
            defs,
            names,
            lists: [OnceLock::new(), OnceLock::new()],
        }
    }

    fn defines(&self, strip_headers: bool) -> *mut *mut HPyDef {
        let list = self.lists[usize::from(strip_headers)].get_or_init(|| {
            let mut list: Vec<*mut HPyDef> = self
                .defs
                .iter()
                .map(|d| {
                    if strip_headers {
                        super::class::without_signature_header(d.as_ptr())
                    } else {
                        d.as_ptr()
                    }
                })
                .collect();
            list.push(ptr::null_mut());
            DefinePtrs(list.into_boxed_slice())
        });
        list.0.as_ptr().cast_mut()
    }
}

/// Sets the static and class methods of `T` on its new type object `ty`
/// (called from the class's `class_attributes`, while the module creates
/// it).
///
/// # Safety
/// `methods` holds valid HPy method definitions (names, docs and entry
/// points HPy can call): the ones `#[hpy_methods]` generates. HPy reads and
/// calls them without any check.
pub unsafe fn install<T: HPyClass>(ty: &Handle<'_>, methods: &'static ClassLevel) -> HPyResult<()> {
    let ctx = ty.context();
    // Where method descriptors show a docstring's signature header as it
    // is (PyPy), the companion's docs go without it, as the class's do.
    let strip = crate::abi::host_has(crate::abi::Quirk::DocSignaturesUnread);
    let mut spec = HPyType_Spec {
        name: T::INFO.qualname.as_ptr(),
        basicsize: 0,
        itemsize: 0,
        flags: hpy_sys::HPy_TPFLAGS_DEFAULT,
        builtin_shape: hpy_sys::HPyType_BuiltinShape_Object,
        legacy_slots: ptr::null_mut(),
        defines: methods.defines(strip),
        doc: ptr::null(),
    };
    // On CPython the companion is a module type: `pydoc` and `inspect`
    // then treat the bound methods as plain functions (as they do a
    // module's), not as methods of some instance.
    let module_type = if pydoc_reads_self() {
        Some(
            ctx.builtin("__import__")?
                .call(&[&"types".into_hpy(ctx)?])?
                .get_attr_s("ModuleType")?,
        )
    } else {
        None
    };
    let mut params = module_type.as_ref().map(|base| {
        [
            hpy_sys::HPyType_SpecParam {
                kind: hpy_sys::HPyType_SpecParam_Base,
                object: base.as_raw(),
            },
            hpy_sys::HPyType_SpecParam {
                kind: 0,
                object: hpy_sys::HPy_NULL,
            },
        ]
    });
    let params_ptr = params.as_mut().map_or(ptr::null_mut(), |p| p.as_mut_ptr());
    // SAFETY: the spec and params are valid for the call (`module_type`
    // outlives it) and the definitions are statics (or leaked copies); the
    // result is an owned handle or NULL.
    let companion = unsafe {
        ctx.wrap_result(hpy_sys::HPyType_FromSpec(
            ctx.as_raw(),
            &mut spec,
            params_ptr,
        ))?
    };
    let instance = if module_type.is_some() {
        companion.call(&[&T::INFO.python_name().into_hpy(ctx)?])?
    } else {
        companion.call(&[])?
    };
    let wrappers = [ctx.builtin("staticmethod")?, ctx.builtin("classmethod")?];
    for &(name, kind) in methods.names {
        let bound = instance.get_attr_s(name)?;
        let wrapper = &wrappers[usize::from(kind == Kind::Class)];
        ty.set_attr_s(name, &wrapper.call(&[&bound])?)?;
    }
    Ok(())
}

/// Whether the interpreter shows text signatures (CPython), where `help()`
/// describes a builtin bound to an object other than a module as a method
/// of that object.
fn pydoc_reads_self() -> bool {
    !crate::abi::host_has(crate::abi::Quirk::DocSignaturesUnread)
}

/// Takes the class off the arguments of a class method (the first
/// positional one, which `classmethod` passes).
#[inline(always)]
pub fn split_class<'a, 'ctx>(
    args: Args<'a, 'ctx>,
    name: &str,
) -> HPyResult<(Borrowed<'a, 'ctx>, Args<'a, 'ctx>)> {
    if args.nargs == 0 {
        return Err(missing_class(name));
    }
    // SAFETY: `Args` holds the argument array HPy passed, valid for 'a:
    // `nargs > 0` positional handles, then the keyword values; dropping the
    // first positional one keeps that layout.
    unsafe {
        let cls = Borrowed::from_raw(args.ctx, *args.args);
        let rest = Args {
            ctx: args.ctx,
            args: args.args.add(1),
            nargs: args.nargs - 1,
            kwnames: args.kwnames,
            _borrow: PhantomData,
        };
        Ok((cls, rest))
    }
}

/// The class method called without a class (only possible by calling the
/// function behind the `classmethod` directly).
#[cold]
pub fn missing_class(name: &str) -> HPyErr {
    HPyErr::type_error(format!(
        "{name}() is a class method: it takes the class as its first argument"
    ))
}

// ------------------------------------------------- derived slots

/// `#[hpy_class(eq)]`: `__eq__`/`__ne__` from `PartialEq`; other
/// comparisons, and other types, are `NotImplemented`.
pub struct DerivedEq<T>(PhantomData<T>);

/// `#[hpy_class(eq, ord)]`: as [`DerivedEq`], and `<`, `<=`, `>`, `>=`
/// from `PartialOrd`.
pub struct DerivedOrd<T>(PhantomData<T>);

/// The two values compared by a derived `__richcmp__`, or `None` when
/// `other` is not an instance of `T`.
#[inline]
fn compare_values<'a, 'ctx, T: HPyClass, R>(
    me: Borrowed<'a, 'ctx>,
    other: Borrowed<'a, 'ctx>,
    compare: impl FnOnce(&T, &T) -> R,
) -> HPyResult<Option<R>> {
    if !super::class::is_instance::<T>(&other)? {
        return Ok(None);
    }
    let me = Ref::<T>::borrow(me)?;
    let other = Ref::<T>::borrow(other)?;
    Ok(Some(compare(&me, &other)))
}

fn return_comparison(ctx: Context<'_>, result: Option<bool>) -> HPyResult<hpy_sys::HPy> {
    match result {
        Some(b) => Ok(ctx.bool(b).into_raw()),
        None => super::class::not_implemented(ctx),
    }
}

// SAFETY: the body returns a new owned handle (a bool or NotImplemented).
unsafe impl<T: HPyClass + PartialEq> super::slots::RichCmpFunc for DerivedEq<T> {
    const NAME: &'static str = "__richcmp__";
    fn call<'a, 'ctx>(
        ctx: Context<'ctx>,
        me: Borrowed<'a, 'ctx>,
        other: Borrowed<'a, 'ctx>,
        op: hpy_sys::HPy_RichCmpOp,
    ) -> HPyResult<hpy_sys::HPy> {
        let result = match super::class::compare_op(op)? {
            RichCompareOp::Eq => compare_values::<T, _>(me, other, |a, b| a == b)?,
            RichCompareOp::Ne => compare_values::<T, _>(me, other, |a, b| a != b)?,
            _ => None,
        };
        return_comparison(ctx, result)
    }
}

// SAFETY: as for `DerivedEq`.
unsafe impl<T: HPyClass + PartialOrd> super::slots::RichCmpFunc for DerivedOrd<T> {
    const NAME: &'static str = "__richcmp__";
    fn call<'a, 'ctx>(
        ctx: Context<'ctx>,
        me: Borrowed<'a, 'ctx>,
        other: Borrowed<'a, 'ctx>,
        op: hpy_sys::HPy_RichCmpOp,
    ) -> HPyResult<hpy_sys::HPy> {
        let op = super::class::compare_op(op)?;
        let result = compare_values::<T, _>(me, other, |a, b| match op {
            RichCompareOp::Eq => a == b,
            RichCompareOp::Ne => a != b,
            RichCompareOp::Lt => a < b,
            RichCompareOp::Le => a <= b,
            RichCompareOp::Gt => a > b,
            RichCompareOp::Ge => a >= b,
        })?;
        return_comparison(ctx, result)
    }
}

/// `#[hpy_class(hash)]`: `__hash__` from `Hash` (with the standard
/// library's `DefaultHasher`: fixed keys, not Python's hash seed).
pub struct DerivedHash<T>(PhantomData<T>);

// SAFETY: the body returns a plain number.
unsafe impl<T: HPyClass + core::hash::Hash> super::slots::HashFunc for DerivedHash<T> {
    const NAME: &'static str = "__hash__";
    fn call<'a, 'ctx>(_: Context<'ctx>, me: Borrowed<'a, 'ctx>) -> HPyResult<hpy_sys::HPy_hash_t> {
        use core::hash::Hasher;
        let me = Ref::<T>::borrow(me)?;
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        me.hash(&mut hasher);
        // -1 means "error" to the interpreter.
        Ok(match hasher.finish() as hpy_sys::HPy_hash_t {
            -1 => -2,
            h => h,
        })
    }
}

/// `#[hpy_class(str)]`: `__str__` from `Display`.
pub struct DerivedStr<T>(PhantomData<T>);

// SAFETY: the body returns a new owned handle.
unsafe impl<T: HPyClass + core::fmt::Display> super::slots::UnaryFunc for DerivedStr<T> {
    const NAME: &'static str = "__str__";
    fn call<'a, 'ctx>(ctx: Context<'ctx>, me: Borrowed<'a, 'ctx>) -> HPyResult<hpy_sys::HPy> {
        let text = Ref::<T>::borrow(me)?.to_string();
        text.into_hpy(ctx).map(Handle::into_raw)
    }
}

/// `__hash__ = None` for a class whose `eq` is derived without `hash` or a
/// hand-written `__hash__`.
pub fn unhashable(ty: &Handle<'_>) -> HPyResult<()> {
    super::dunders::unhashable(ty)
}

// ------------------------------------------------- the module's classes

/// One class of `hpy_module!`'s `types`.
pub struct TypeEntry {
    add: for<'ctx> fn(Context<'ctx>, &Handle<'ctx>) -> HPyResult<()>,
    /// Whether the Rust classes it derives from (`extends`, a Rust
    /// metaclass) exist yet.
    bases_ready: for<'ctx> fn(Context<'ctx>) -> bool,
}

impl TypeEntry {
    /// The entry of class `T`.
    pub const fn of<T: ClassMethods>() -> Self {
        TypeEntry {
            add: super::class::add_type::<T>,
            bases_ready: bases_ready::<T>,
        }
    }
}

fn bases_ready<T: HPyClass>(ctx: Context<'_>) -> bool {
    let info = &T::INFO;
    [Some(info.base), info.metaclass]
        .into_iter()
        .flatten()
        .all(|base| match base {
            super::class::Base::Class(slot) => is_ready(ctx, slot()),
            _ => true,
        })
}

fn is_ready(ctx: Context<'_>, slot: &TypeSlot) -> bool {
    slot.load(ctx, "").is_ok()
}

/// Creates the module's classes: each once the Rust classes it derives
/// from exist, so `types` may list them in any order. A base that is never
/// created (not listed) gets `add_type`'s error.
pub fn add_types<'ctx>(
    ctx: Context<'ctx>,
    module: &Handle<'ctx>,
    types: &[TypeEntry],
) -> HPyResult<()> {
    let mut pending: Vec<&TypeEntry> = types.iter().collect();
    while !pending.is_empty() {
        let before = pending.len();
        let mut i = 0;
        while i < pending.len() {
            if (pending[i].bases_ready)(ctx) {
                (pending.remove(i).add)(ctx, module)?;
            } else {
                i += 1;
            }
        }
        if pending.len() == before {
            // No progress: the first one reports its missing base.
            (pending[0].add)(ctx, module)?;
            pending.remove(0);
        }
    }
    Ok(())
}
