//! `#[hpy_class]` on an enum whose variants carry data (`Circle { r: f64 }`,
//! `Pair(i64, i64)`): the enum is the base class, each variant a subclass
//! of it (`Shape.Circle`) made from the variant's own [`ClassItems`] table
//! by the one spec builder (`add_type` calls [`add_variant_types`]).
//!
//! The value lives once, in the base class's data block; a variant class
//! adds nothing to the layout (its basicsize is the base's), so the base's
//! methods, slots and `tp_destroy`/`tp_traverse` serve every variant
//! unchanged. Each variant class has a constructor taking its fields
//! positionally or by keyword (`VariantNew`), one read-only property per
//! field (`VariantField`, `_0`, `_1` … for tuple variants) and
//! `__match_args__`; the base class has `__repr__` (`Shape.Circle(r=1.0)`,
//! `DataEnumRepr`) and no constructor. An instance made from Rust gets the
//! class of its variant ([`HPyClass::value_type_slot`]).

use core::marker::PhantomData;

use hpy_sys::HPy;

use super::guard::self_ref;
use super::info::TypeSlot;
use super::items::Variant;
use super::new::{construct, NewArgs, NewFunc};
use crate::class::HPyClass;
use crate::runtime::slots::UnaryFunc;
use crate::runtime::FunctionDescription;
use crate::runtime::Getter;
use crate::{Borrowed, Context, FromHPy, HPyErr, HPyResult, Handle, IntoHPy};

/// An enum with data exposed as a class with a subclass per variant.
/// Written by `#[hpy_class]`; safe: the runtime checks every index it is
/// given against [`variants`](Self::variants).
pub trait DataEnum: HPyClass {
    /// The variants, in declaration order.
    fn variants() -> &'static [Variant];
    /// The index of `self`'s variant in [`variants`](Self::variants).
    fn variant_index(&self) -> usize;
    /// The Python object for field `index` of `self`'s variant (an error
    /// for a field it does not have).
    fn field<'ctx>(&self, ctx: Context<'ctx>, index: usize) -> HPyResult<Handle<'ctx>>;
    /// The value of variant `variant` made from its constructor's parsed
    /// arguments, one per field (a conversion's error names the argument
    /// by `desc`).
    fn from_fields(
        variant: usize,
        fields: &[Borrowed<'_, '_>],
        desc: &FunctionDescription,
    ) -> HPyResult<Self>;
}

/// What a field of an enum variant needs: `Clone` and a conversion to
/// Python (the property hands out a copy) and an owned conversion from
/// Python (the variant's constructor).
#[diagnostic::on_unimplemented(
    message = "a field of type `{Self}` of a #[hpy_class] enum variant does not convert to and \
               from Python",
    label = "needs `Clone + IntoHPy` (read as an attribute) and an owned `FromHPy` (the \
             variant's constructor)",
    note = "variant fields take numbers, `bool`, `String`, `Vec<T>`, `Option<T>`, tuples, maps, \
            ...; for another type, hold it in a #[hpy_class] struct instead of an enum variant"
)]
pub trait VariantFieldType: Sized {
    /// The Python object for a copy of `self`.
    fn to_python<'ctx>(&self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>>;
    /// The value of the constructor's argument `index` (`desc` names it
    /// in errors).
    fn from_python(
        slot: Option<&Borrowed<'_, '_>>,
        desc: &FunctionDescription,
        index: usize,
    ) -> HPyResult<Self>;
}

impl<T: Clone + for<'ctx> IntoHPy<'ctx> + for<'a, 'ctx> FromHPy<'a, 'ctx>> VariantFieldType for T {
    #[inline]
    fn to_python<'ctx>(&self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        self.clone().into_hpy(ctx)
    }
    #[inline]
    fn from_python(
        slot: Option<&Borrowed<'_, '_>>,
        desc: &FunctionDescription,
        index: usize,
    ) -> HPyResult<Self> {
        crate::runtime::extract_required(slot, desc, index)
    }
}

/// The one check that a field's type is a [`VariantFieldType`]: the
/// macro calls it once per field, spanned on the field's type, and reaches
/// the conversions through [`VariantFieldProbe`], so that a type without
/// them is reported there once rather than at every use.
pub const fn variant_field_check<T: VariantFieldType>() {}

/// The conversions of a variant field of type `T`: the inherent functions
/// where `T: VariantFieldType`, else [`NoVariantField`]'s (never run: the
/// crate does not compile, [`variant_field_check`] reports the type).
pub struct VariantFieldProbe<T>(PhantomData<T>);

impl<T: VariantFieldType> VariantFieldProbe<T> {
    /// [`VariantFieldType::to_python`].
    #[inline]
    pub fn to_python<'ctx>(value: &T, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        value.to_python(ctx)
    }

    /// The value of field `index` of a variant from its constructor's
    /// parsed arguments `fields` (`desc`, the variant's description, names
    /// it in errors).
    #[inline]
    pub fn from_arguments(
        fields: &[Borrowed<'_, '_>],
        desc: &FunctionDescription,
        index: usize,
    ) -> HPyResult<T> {
        T::from_python(
            fields.get(index).and_then(crate::runtime::present),
            desc,
            index,
        )
    }
}

/// The fallback of [`VariantFieldProbe`] for a type without the
/// conversions (only reached in a crate that does not compile).
pub trait NoVariantField<T> {
    /// Unreachable: see [`variant_field_check`].
    fn to_python<'ctx>(_: &T, _: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        Err(HPyErr::system_error("a variant field without conversions"))
    }
    /// Unreachable: see [`variant_field_check`].
    fn from_arguments(_: &[Borrowed<'_, '_>], _: &FunctionDescription, _: usize) -> HPyResult<T> {
        Err(HPyErr::system_error("a variant field without conversions"))
    }
}

impl<T> NoVariantField<T> for VariantFieldProbe<T> {}

/// The error of [`DataEnum::field`] for a field the value's variant lacks
/// (an instance whose class and value disagree).
#[cold]
pub fn no_such_field() -> HPyErr {
    HPyErr::type_error("the enum value is not of this variant")
}

/// Where the type object of `value`'s variant class is kept
/// (`HPyClass::value_type_slot` of an enum with data).
pub fn variant_type_slot<T: DataEnum>(value: &T) -> &'static TypeSlot {
    T::variants()
        .get(value.variant_index())
        .map_or_else(T::type_slot, |v| v.slot)
}

/// The variant of `T` at `index`, or a `SystemError`.
fn variant_at<T: DataEnum>(index: usize) -> HPyResult<&'static Variant> {
    T::variants()
        .get(index)
        .ok_or_else(|| HPyErr::system_error("no such enum variant"))
}

/// `tp_new` of variant `V` of `T`, which has `N` fields: its fields,
/// positionally or by keyword, parsed by the variant's
/// [`FunctionDescription`] as any constructor's arguments are.
pub struct VariantNew<T, const V: usize, const N: usize>(PhantomData<T>);

// SAFETY: returns a new owned handle (the instance) or an error.
unsafe impl<T: DataEnum, const V: usize, const N: usize> NewFunc for VariantNew<T, V, N> {
    const NAME: &'static str = "__new__";
    fn call<'ctx>(
        ctx: Context<'ctx>,
        cls: Borrowed<'_, 'ctx>,
        args: NewArgs<'_, 'ctx>,
    ) -> HPyResult<HPy> {
        let variant = variant_at::<T>(V)?;
        if !args.direct && !super::new::interpreter_checks_new_class(ctx) {
            Self::check_class(Some(&cls))?;
        }
        let mut keep = Vec::new();
        let parsed = variant.arguments.parse_new::<N>(&args, &mut keep)?;
        let value = T::from_fields(V, &parsed.slots, variant.arguments)?;
        drop(keep);
        construct::<T, super::DefaultAncestors>(&cls, &args, (value, super::DefaultAncestors))
            .map(Handle::into_raw)
    }
    fn check_class(cls: Option<&Handle<'_>>) -> HPyResult<()> {
        let variant = variant_at::<T>(V)?;
        let Some(cls) = cls else {
            return Err(HPyErr::type_error(format!(
                "{}.__new__(): not enough arguments",
                variant.name
            )));
        };
        // `Shape.Circle.__new__(Shape.Rect, ...)` would make a `Rect`
        // holding a circle; CPython refuses it itself.
        if super::check::is_subclass_of(cls, variant.slot, variant.name)? {
            return Ok(());
        }
        Err(HPyErr::type_error(format!(
            "{}.__new__(X): X is not a subtype of {}.{}",
            variant.name,
            T::INFO.python_name(),
            variant.name
        )))
    }
}

/// The property reading field `F` of variant `V` of `T`.
pub struct VariantField<T, const V: usize, const F: usize>(PhantomData<T>);

// SAFETY: returns a new owned handle or an error.
unsafe impl<T: DataEnum, const V: usize, const F: usize> Getter for VariantField<T, V, F> {
    type Class = T;
    const NAME: &'static str = "<enum field>";
    fn call<'ctx>(ctx: Context<'ctx>, obj: Borrowed<'_, 'ctx>) -> HPyResult<HPy> {
        // SAFETY: a getter's `obj` has been checked to be an instance of
        // the class (`Getter::call`).
        let value = unsafe { self_ref::<T>(obj)? };
        if value.variant_index() != V {
            return Err(no_such_field());
        }
        value.field(ctx, F).map(Handle::into_raw)
    }
}

/// `__repr__` of an enum with data: `Shape.Circle(r=1.0)`, `Shape.Pair(1,
/// 2)` (each field's `repr`).
pub struct DataEnumRepr<T>(PhantomData<T>);

// SAFETY: returns a new owned handle.
unsafe impl<T: DataEnum> UnaryFunc for DataEnumRepr<T> {
    const NAME: &'static str = "__repr__";
    fn call<'a, 'ctx>(ctx: Context<'ctx>, me: Borrowed<'a, 'ctx>) -> HPyResult<HPy> {
        // SAFETY: the `self` of `T`'s slot, an instance of `T`.
        let value = unsafe { self_ref::<T>(me)? };
        let variant = variant_at::<T>(value.variant_index())?;
        let mut parts = Vec::with_capacity(variant.fields.len());
        for (i, name) in variant.fields.iter().enumerate() {
            let field = value.field(ctx, i)?.repr()?;
            parts.push(if variant.tuple {
                field
            } else {
                format!("{name}={field}")
            });
        }
        format!(
            "{}.{}({})",
            T::INFO.python_name(),
            variant.name,
            parts.join(", ")
        )
        .into_hpy(ctx)
        .map(Handle::into_raw)
    }
}
