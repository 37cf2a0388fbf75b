//! What a class is made of: one [`ClassItems`] table per macro
//! (`#[hpy_class]` writes the class's own, `#[hpy_methods]` its block's),
//! collected by [`ClassMethods`] for the one spec builder, `add_type`.
//!
//! `#[hpy_class]` cannot know whether the class has an `#[hpy_methods]`
//! block: it asks [`MethodsProbe`], whose inherent constant exists only
//! where the block implemented [`MethodItems`] (otherwise the fallback
//! trait [`NoMethodItems`] gives the empty table), as [`FieldProbe`] does
//! for `Field` slots.
//!
//! [`FieldProbe`]: super::FieldProbe

use core::ffi::CStr;
use core::marker::PhantomData;

use super::info::TypeSlot;
use super::static_methods::ClassLevel;
use crate::abi::properties::PropertyMethods;
use crate::class::HPyClass;
use crate::runtime::{FunctionDescription, StaticDef};
use crate::{HPyResult, Handle};

/// Everything one macro contributes to a class. HPy reads the
/// definitions as they are; the runtime trusts every entry, so a table
/// reaches it only through the `unsafe` traits [`ClassMethods`] and
/// [`MethodItems`].
pub struct ClassItems {
    /// Methods, slots, getsets and members (`HPyDef`s).
    pub defs: &'static [StaticDef],
    /// The getsets again, as hidden methods, for interpreters whose getset
    /// descriptors are broken (see `Quirk::BrokenGetsets`).
    pub properties: &'static [PropertyMethods],
    /// Static and class methods, set on the type through a companion type
    /// (see `static_methods`).
    pub class_level: Option<&'static ClassLevel>,
    /// Sets values on the new type object: `#[classattr]`s, an enum's
    /// variants.
    pub class_attributes: Option<for<'ctx> fn(&Handle<'ctx>) -> HPyResult<()>>,
    /// The text signature of `#[new]` (`"(a, b=None)"`), for the header of
    /// the type's docstring; `None` without a constructor in this table.
    pub new_signature: Option<&'static str>,
    /// Whether `defs` has the class's `tp_new`.
    pub defines_new: bool,
    /// The constructor of `defs` again, as hpy-rs's own `__new__` (a
    /// static method, [`ClassLevel::constructor`]), set on the type where
    /// the interpreter's `T.__new__` checks nothing
    /// (`Quirk::NewClassUnchecked`); `None` without a constructor.
    pub new_method: Option<&'static ClassLevel>,
    /// Whether `defs` fills `__richcmp__` (then a class without a `__hash__`
    /// in any table is unhashable, as in Python).
    pub defines_richcmp: bool,
    /// Whether `defs` fills `__hash__`.
    pub defines_hash: bool,
    /// The variant classes of an enum with data, each a subclass made
    /// from its own table (see `data_enum`); empty for other classes.
    pub variants: &'static [Variant],
}

impl ClassItems {
    /// A table contributing nothing: the `#[hpy_methods]` table of a class
    /// without a block, and the base the macros' tables are written over.
    pub const EMPTY: ClassItems = ClassItems {
        defs: &[],
        properties: &[],
        class_level: None,
        class_attributes: None,
        new_signature: None,
        defines_new: false,
        new_method: None,
        defines_richcmp: false,
        defines_hash: false,
        variants: &[],
    };
}

/// The tables of a class, for the spec builder (`add_type`): what
/// `#[hpy_class]` wrote and what its `#[hpy_methods]` block wrote.
///
/// # Safety
/// Implemented by hpy-rs's macros only: the runtime hands the tables'
/// definitions to HPy, and reads and writes instances on the strength of
/// them, without checking them.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an hpy class",
    label = "not an `#[hpy_class]` struct",
    note = "declare the struct with `#[hpy::hpy_class]` (an `#[hpy::hpy_methods] impl` block, \
            optional, adds its methods)"
)]
pub unsafe trait ClassMethods: HPyClass {
    /// `#[hpy_class]`'s table, then `#[hpy_methods]`'s ([`ClassItems::EMPTY`]
    /// without a block).
    fn items() -> [&'static ClassItems; 2];
}

/// The table an `#[hpy_methods]` block writes for its class.
///
/// # Safety
/// Implemented by `#[hpy_methods]` only, as for [`ClassMethods`].
pub unsafe trait MethodItems: HPyClass {
    /// The block's table.
    fn items() -> &'static ClassItems;

    /// The block's type-stub description (a JSON line; see `impl_::stubs`).
    const STUB: &'static str = "";
}

/// Finds a class's [`MethodItems`] table, if it has one:
/// `MethodsProbe::<T>::ITEMS` is the inherent constant where `T:
/// MethodItems`, else [`NoMethodItems::ITEMS`].
pub struct MethodsProbe<T>(PhantomData<T>);

/// The fallback of [`MethodsProbe`]: the empty table.
pub trait NoMethodItems {
    /// No `#[hpy_methods]` block.
    const ITEMS: fn() -> &'static ClassItems = empty_items;
    /// No description.
    const STUB: &'static str = "";
}

impl<T> NoMethodItems for MethodsProbe<T> {}

impl<T: MethodItems> MethodsProbe<T> {
    /// The block's table.
    pub const ITEMS: fn() -> &'static ClassItems = T::items;
    /// The block's type-stub description.
    pub const STUB: &'static str = <T as MethodItems>::STUB;
}

fn empty_items() -> &'static ClassItems {
    &ClassItems::EMPTY
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
/// written, and [`ClassMethods`] with the class's table `$items` and its
/// `#[hpy_methods]` block's, if it has one.
#[doc(hidden)]
#[macro_export]
macro_rules! __hpy_class_impls {
    ($class:ty {
        items: $items:ident,
        frozen: $frozen:literal,
        richcmp: $richcmp:literal,
        hash: $hash:literal,
        str: $str:literal $(,)?
    }) => {
        // SAFETY: the options as written in `#[hpy_class(...)]`;
        // `#[hpy_methods]` refuses mutable borrows of a frozen class.
        unsafe impl $crate::impl_::class::ClassOptions for $class {
            const FROZEN: bool = $frozen;
            const DERIVES_RICHCMP: bool = $richcmp;
            const DERIVES_HASH: bool = $hash;
            const DERIVES_STR: bool = $str;
        }

        // SAFETY: `$items` is `#[hpy_class]`'s table for this class, the
        // other one its `#[hpy_methods]` block's (or the empty one).
        unsafe impl $crate::impl_::class::ClassMethods for $class {
            fn items() -> [&'static $crate::impl_::class::ClassItems; 2] {
                #[allow(unused_imports)]
                use $crate::impl_::class::NoMethodItems as _;
                [
                    &$items,
                    ($crate::impl_::class::MethodsProbe::<$class>::ITEMS)(),
                ]
            }
        }
    };
}

pub use crate::__hpy_class_impls as class_impls;

/// One variant of an enum with data, as its subclass: written by
/// `#[hpy_class]` in a static of the enum's table ([`ClassItems::variants`]).
pub struct Variant {
    /// The variant's name, also the class attribute it is set as
    /// (`Shape.Circle`).
    pub name: &'static str,
    /// `tp_name` of the variant class: the enum's with `_Variant` appended
    /// (`module.Shape_Circle`); `__qualname__` is then set to
    /// `Shape.Circle`.
    pub qualname: &'static CStr,
    /// The Python names of the fields, in order (`_0`, `_1` … for a tuple
    /// variant): the constructor's parameters and `__match_args__`.
    pub fields: &'static [&'static str],
    /// The constructor's parameters (the fields, positional or keyword).
    pub arguments: &'static FunctionDescription,
    /// Whether the variant is a tuple variant (its repr shows the values
    /// only).
    pub tuple: bool,
    /// Where the variant class's type object is kept (listed in the module
    /// definition through [`HPyClass::VARIANT_GLOBALS`]).
    pub slot: &'static TypeSlot,
    /// The variant class's own table: its constructor and properties.
    pub items: &'static ClassItems,
}
