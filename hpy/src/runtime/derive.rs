//! What `#[derive(FromHPy)]` and `#[derive(IntoHPy)]` expand to call.

use crate::runtime::depth::{self, Level};
use crate::{Context, FromHPy, HPyErr, HPyResult, Handle, IntoHPy};

/// One level of nesting, taken by every derived conversion before it
/// reads or writes its fields: a type that contains itself (through a
/// `Vec`, an `Option<Box<_>>`, ...) given a cycle or very deep data raises
/// `RecursionError` instead of overflowing the stack.
#[inline]
pub fn nested() -> HPyResult<Level> {
    depth::enter()
}

/// `FromHPy::extract` as a function value: how a field is read unless
/// it says `from_py_with`.
#[inline]
pub fn extract<'ctx, T>(obj: &Handle<'ctx>) -> HPyResult<T>
where
    T: for<'b> FromHPy<'b, 'ctx>,
{
    obj.extract::<T>()
}

/// A `from_py_with` function, checked to read a `T` from a handle (so a
/// wrong signature is reported at the path the user wrote).
#[inline(always)]
pub fn with<'ctx, T>(
    read: impl Fn(&Handle<'ctx>) -> HPyResult<T>,
) -> impl Fn(&Handle<'ctx>) -> HPyResult<T> {
    read
}

/// Field `name` of `type_name` from the attribute `name` of `obj`, read
/// with `read`. A missing attribute is `default()` if there is a default,
/// else the interpreter's `AttributeError` (naming it); a value of the
/// wrong type names the field (`'x.name'`).
pub fn attr_field<'ctx, T>(
    obj: &Handle<'ctx>,
    type_name: &str,
    name: &str,
    read: impl Fn(&Handle<'ctx>) -> HPyResult<T>,
    default: Option<impl FnOnce() -> T>,
) -> HPyResult<T> {
    let found = obj.get_attr_s(name);
    read_field::<crate::exceptions::AttributeError, _>(
        obj,
        found,
        type_name,
        "attribute",
        name,
        read,
        default,
    )
}

/// Field `name` of `type_name` from the item `name` of `obj` (`obj[name]`),
/// read with `read`; a missing key (`KeyError`, any `LookupError`) is
/// `default()` if there is a default.
pub fn item_field<'ctx, T>(
    obj: &Handle<'ctx>,
    type_name: &str,
    name: &str,
    read: impl Fn(&Handle<'ctx>) -> HPyResult<T>,
    default: Option<impl FnOnce() -> T>,
) -> HPyResult<T> {
    let found = obj.get_item_s(name);
    read_field::<crate::exceptions::LookupError, _>(
        obj, found, type_name, "item", name, read, default,
    )
}

/// The rest of [`attr_field`] and [`item_field`]: `found` is the looked-up
/// value; an `Absent` error there is `default()` when there is a default.
fn read_field<'ctx, Absent: crate::ExceptionClass, T>(
    obj: &Handle<'ctx>,
    found: HPyResult<Handle<'ctx>>,
    type_name: &str,
    kind: &str,
    name: &str,
    read: impl Fn(&Handle<'ctx>) -> HPyResult<T>,
    default: Option<impl FnOnce() -> T>,
) -> HPyResult<T> {
    let ctx = obj.context();
    let value = match found {
        Ok(value) => value,
        Err(e) => {
            if let Some(default) = default {
                if e.is_instance_of::<Absent>(ctx) {
                    drop(e.catch(ctx));
                    return Ok(default());
                }
            }
            return Err(missing(ctx, e, type_name, kind, name));
        }
    };
    read(&value).map_err(|e| e.in_field(name))
}

/// The error for a field that could not be read: the interpreter's
/// exception (its class kept: `AttributeError`, `KeyError`, ...) with a
/// message naming the type and field.
#[cold]
fn missing(ctx: Context<'_>, err: HPyErr, type_name: &str, what: &str, name: &str) -> HPyErr {
    let Ok(caught) = err.catch(ctx) else {
        return HPyErr::raised(ctx);
    };
    let detail = caught.message().unwrap_or_default();
    let class = caught.get_type();
    HPyErr::from_type(
        &class,
        &format!("{type_name}.{name}: cannot read {what} '{name}' ({detail})"),
    )
}

/// Item `index` of a sequence (a tuple struct's field), read with `read`.
pub fn index_field<'ctx, T>(
    obj: &Handle<'ctx>,
    index: usize,
    read: impl Fn(&Handle<'ctx>) -> HPyResult<T>,
) -> HPyResult<T> {
    let value = obj.get_item_i(index as isize)?;
    read(&value).map_err(|e| e.in_item(index))
}

/// Checks that `obj` is a sequence of `n` items (a tuple struct's fields).
pub fn check_len(obj: &Handle<'_>, type_name: &str, n: usize) -> HPyResult<()> {
    let len = if obj.is_tuple() || obj.is_list() {
        obj.len()?
    } else {
        return Err(HPyErr::type_error(format!(
            "{type_name} is read from a tuple or list of {n} items, not {}",
            obj.type_name()
        )));
    };
    if len != n {
        return Err(HPyErr::value_error(format!(
            "{type_name} is read from {n} items, got {len}"
        )));
    }
    Ok(())
}

/// Why one variant did not convert, as text; the exception is cleared so
/// that the next variant can be tried. A `RecursionError` is not a variant
/// that does not match: it is returned as it is, and no other variant is
/// tried (each would nest as deep again).
#[cold]
pub fn failure(obj: &Handle<'_>, err: HPyErr) -> HPyResult<String> {
    let ctx = obj.context();
    if err.is_instance_of::<crate::exceptions::RecursionError>(ctx) {
        return Err(err);
    }
    Ok(match err.catch(ctx) {
        Ok(caught) => {
            let class = caught.get_type().name();
            format!("{class}: {}", caught.message().unwrap_or_default())
        }
        Err(_) => String::from("?"),
    })
}

/// The `TypeError` when no variant of `type_name` converts.
#[cold]
pub fn no_variant(type_name: &str, failures: &[(&str, String)]) -> HPyErr {
    let reasons: Vec<String> = failures
        .iter()
        .map(|(variant, why)| format!("{variant}: {why}"))
        .collect();
    HPyErr::type_error(format!(
        "no variant of {type_name} matches ({})",
        reasons.join("; ")
    ))
}

/// A new dict (a struct with named fields).
pub fn new_dict(ctx: Context<'_>) -> HPyResult<Handle<'_>> {
    Ok(ctx.new_dict()?.into_handle())
}

/// `dict[key] = value` converted with `IntoHPy`.
pub fn set_key<'ctx, T: IntoHPy<'ctx>>(
    ctx: Context<'ctx>,
    dict: &Handle<'ctx>,
    key: &str,
    value: T,
) -> HPyResult<()> {
    dict.set_item_s(key, &value.into_hpy(ctx)?)
}

/// What `#[derive(FromKeywords)]` implements: the mark of a keyword set,
/// the type a `#[hpy(keywords)]` parameter must have.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a keyword set",
    label = "a `#[hpy(keywords)]` parameter takes a `#[derive(FromKeywords)]` struct",
    note = "add `#[derive(hpy::FromKeywords)]` to the struct (each field is one keyword parameter)"
)]
pub trait KeywordSet {}

/// Compiles only for a keyword set: what a `#[hpy(keywords)]` expansion
/// checks first, so that a type without the derive is reported as such.
pub const fn keyword_set<T: KeywordSet + ?Sized>() {}
