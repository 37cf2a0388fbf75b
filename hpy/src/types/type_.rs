//! `type`: the typed handle [`Type`].

use core::ffi::CStr;

use hpy_sys::HPyConstant;

use crate::{HPyResult, Handle};

super::typed_handle! {
    /// A handle to a type object (an instance of `type` or of a
    /// metaclass), as [`Handle::get_type`] returns.
    Type, "type", |obj| obj.is_type()
}

impl<'ctx> Type<'ctx> {
    /// The type's name as Python error messages show it
    /// (`HPyType_GetName`, falling back to `self.__name__` where the
    /// interpreter only names HPy types, as PyPy does).
    pub fn name(&self) -> String {
        let ctx = self.context();
        // SAFETY: `self` is a type; the returned C string is valid while
        // the type is alive, and it is copied before the borrow ends.
        let name = unsafe { hpy_sys::HPyType_GetName(ctx.as_raw(), self.as_raw()) };
        if !name.is_null() {
            // SAFETY: non-null, NUL-terminated, alive while `self` is.
            return unsafe { CStr::from_ptr(name) }
                .to_string_lossy()
                .into_owned();
        }
        ctx.err_clear();
        match self
            .get_attr_s("__name__")
            .and_then(|n| n.extract::<String>())
        {
            Ok(name) => name,
            Err(_) => {
                ctx.err_clear();
                String::from("?")
            }
        }
    }

    /// `issubclass(self, base)` (`HPyType_IsSubtype`).
    #[inline]
    pub fn is_subtype(&self, base: &Type<'ctx>) -> bool {
        let ctx = self.context();
        // SAFETY: both handles are type objects.
        unsafe { hpy_sys::HPyType_IsSubtype(ctx.as_raw(), self.as_raw(), base.as_raw()) != 0 }
    }
}

impl<'ctx> Handle<'ctx> {
    /// `type(self)` (`HPy_Type`).
    #[inline]
    pub fn get_type(&self) -> Type<'ctx> {
        let ctx = self.context();
        // SAFETY: HPy_Type returns a new owned handle to the (always
        // existing) type, which is a type object.
        Type(unsafe { Handle::from_raw(ctx, hpy_sys::HPy_Type(ctx.as_raw(), self.as_raw())) })
    }

    /// The name of the object's type, as Python error messages show it
    /// (`type(self).name()`, see [`Type::name`]).
    pub fn type_name(&self) -> String {
        self.get_type().name()
    }

    /// `isinstance(self, ty)` (`HPy_TypeCheck`).
    #[inline]
    pub fn type_check(&self, ty: &Type<'ctx>) -> bool {
        let ctx = self.context();
        // SAFETY: valid handles, and `ty` is a type object.
        unsafe { hpy_sys::HPy_TypeCheck(ctx.as_raw(), self.as_raw(), ty.as_raw()) != 0 }
    }

    /// `isinstance(self, ty)` for a builtin type among the context constants
    /// (`HPy_TypeCheck` with `ctx->h_*Type`), e.g. `HPyConstant::LongType`.
    /// A constant that is not a type raises `TypeError`.
    #[inline]
    pub fn type_check_constant(&self, ty: HPyConstant) -> HPyResult<bool> {
        if let Some(is) = crate::abi::type_check_constant(self, ty) {
            return Ok(is);
        }
        if is_type_constant(ty) {
            // A type constant (`h_LongType`, …): checked against the
            // context's own handle, neither duplicated nor checked again.
            let ctx = self.context();
            // SAFETY: a valid handle; the constant is a type object, valid
            // for the call and never closed (the context owns it).
            return Ok(unsafe {
                let ty = hpy_sys::HPy_GetConstant(ctx.as_raw(), ty);
                hpy_sys::HPy_TypeCheck(ctx.as_raw(), self.as_raw(), ty) != 0
            });
        }
        let ty = self.context().constant(ty).downcast::<Type>()?;
        Ok(self.type_check(&ty))
    }

    /// Whether `self` is a type object (`HPy_TypeCheck(self, type)`); see
    /// also [`downcast_ref::<Type>`](Handle::downcast_ref).
    #[inline]
    pub fn is_type(&self) -> bool {
        let ctx = self.context();
        // SAFETY: valid handle; `h_TypeType` is a type object for the call.
        unsafe {
            let type_type = hpy_sys::HPy_GetConstant(ctx.as_raw(), HPyConstant::TypeType);
            hpy_sys::HPy_TypeCheck(ctx.as_raw(), self.as_raw(), type_type) != 0
        }
    }
}

/// Whether `c` is one of the context's type objects (`h_BaseObjectType` …
/// `h_SliceType`: the constants whose name ends in `Type`).
const fn is_type_constant(c: HPyConstant) -> bool {
    matches!(
        c,
        HPyConstant::BaseObjectType
            | HPyConstant::TypeType
            | HPyConstant::BoolType
            | HPyConstant::LongType
            | HPyConstant::FloatType
            | HPyConstant::UnicodeType
            | HPyConstant::TupleType
            | HPyConstant::ListType
            | HPyConstant::ComplexType
            | HPyConstant::BytesType
            | HPyConstant::MemoryViewType
            | HPyConstant::CapsuleType
            | HPyConstant::SliceType
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn type_constants_are_those_named_type() {
        for (i, name) in hpy_sys::HPY_CONSTANT_NAMES.iter().enumerate() {
            // SAFETY: `HPyConstant` is a `repr(u8)` enum numbered 0..83 in
            // the order of `HPY_CONSTANT_NAMES`.
            let c: hpy_sys::HPyConstant = unsafe { core::mem::transmute(i as u8) };
            assert_eq!(super::is_type_constant(c), name.ends_with("Type"), "{name}");
        }
    }
}
