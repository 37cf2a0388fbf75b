//! The number protocol on [`Handle`]: binary, in-place and unary operators,
//! `index`/`int`/`float`, and the raw integer accessors of `HPyLong_*`.

use core::ffi::c_void;

use hpy_sys::{HPy, HPyConstant};

use crate::abi::Quirk;
use crate::{HPyErr, HPyResult, Handle, IntoHPy};

macro_rules! binary_ops {
    ($($(#[$doc:meta])* $name:ident => $func:ident;)*) => {$(
        $(#[$doc])*
        #[inline]
        pub fn $name(&self, other: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
            let ctx = self.context();
            // SAFETY: both handles are valid; the result is owned or HPy_NULL.
            unsafe {
                ctx.wrap_result(hpy_sys::$func(ctx.as_raw(), self.as_raw(), other.as_raw()))
            }
        }
    )*};
}

macro_rules! unary_ops {
    ($($(#[$doc:meta])* $name:ident => $func:ident;)*) => {$(
        $(#[$doc])*
        #[inline]
        pub fn $name(&self) -> HPyResult<Handle<'ctx>> {
            let ctx = self.context();
            // SAFETY: valid handle; the result is owned or HPy_NULL.
            unsafe { ctx.wrap_result(hpy_sys::$func(ctx.as_raw(), self.as_raw())) }
        }
    )*};
}

/// Raw `HPyLong_As*` accessors: `$sentinel` with an exception set means
/// failure. Those marked `index` read an object that is not an `int`
/// through its `__index__`, as CPython's do; where the host's would call
/// `__int__` instead (`Quirk::LongAsCallsInt`), the object is passed
/// through `HPy_Index` first.
macro_rules! long_accessors {
    ($($(#[$doc:meta])* $name:ident -> $t:ty => $func:ident, $sentinel:expr $(, $index:ident)?;)*) => {$(
        $(#[$doc])*
        #[inline]
        pub fn $name(&self) -> HPyResult<$t> {
            if long_accessors!(@reads_index $($index)?)
                && crate::abi::host_has(Quirk::LongAsCallsInt)
                && !self.is_int()
            {
                return self.index()?.$name();
            }
            let ctx = self.context();
            // SAFETY: valid handle; the sentinel plus a set exception
            // signals failure.
            let v = unsafe { hpy_sys::$func(ctx.as_raw(), self.as_raw()) };
            if v == $sentinel && ctx.err_occurred() {
                return Err(HPyErr::raised(ctx));
            }
            Ok(v)
        }
    )*};
    (@reads_index index) => { true };
    (@reads_index) => { false };
}

impl<'ctx> Handle<'ctx> {
    // `add` lives in types/any.rs.
    binary_ops! {
        /// `self - other` (`HPy_Subtract`).
        subtract => HPy_Subtract;
        /// `self * other` (`HPy_Multiply`).
        multiply => HPy_Multiply;
        /// `self @ other` (`HPy_MatrixMultiply`).
        matrix_multiply => HPy_MatrixMultiply;
        /// `self // other` (`HPy_FloorDivide`).
        floor_divide => HPy_FloorDivide;
        /// `self / other` (`HPy_TrueDivide`).
        true_divide => HPy_TrueDivide;
        /// `self % other` (`HPy_Remainder`).
        remainder => HPy_Remainder;
        /// `divmod(self, other)` (`HPy_Divmod`).
        divmod => HPy_Divmod;
        /// `self << other` (`HPy_Lshift`).
        lshift => HPy_Lshift;
        /// `self >> other` (`HPy_Rshift`).
        rshift => HPy_Rshift;
        /// `self & other` (`HPy_And`).
        and => HPy_And;
        /// `self ^ other` (`HPy_Xor`).
        xor => HPy_Xor;
        /// `self | other` (`HPy_Or`).
        or => HPy_Or;
        /// `self += other`, returning the result (`HPy_InPlaceAdd`).
        inplace_add => HPy_InPlaceAdd;
        /// `self -= other`, returning the result (`HPy_InPlaceSubtract`).
        inplace_subtract => HPy_InPlaceSubtract;
        /// `self *= other`, returning the result (`HPy_InPlaceMultiply`).
        inplace_multiply => HPy_InPlaceMultiply;
        /// `self @= other`, returning the result (`HPy_InPlaceMatrixMultiply`).
        inplace_matrix_multiply => HPy_InPlaceMatrixMultiply;
        /// `self //= other`, returning the result (`HPy_InPlaceFloorDivide`).
        inplace_floor_divide => HPy_InPlaceFloorDivide;
        /// `self /= other`, returning the result (`HPy_InPlaceTrueDivide`).
        inplace_true_divide => HPy_InPlaceTrueDivide;
        /// `self %= other`, returning the result (`HPy_InPlaceRemainder`).
        inplace_remainder => HPy_InPlaceRemainder;
        /// `self <<= other`, returning the result (`HPy_InPlaceLshift`).
        inplace_lshift => HPy_InPlaceLshift;
        /// `self >>= other`, returning the result (`HPy_InPlaceRshift`).
        inplace_rshift => HPy_InPlaceRshift;
        /// `self &= other`, returning the result (`HPy_InPlaceAnd`).
        inplace_and => HPy_InPlaceAnd;
        /// `self ^= other`, returning the result (`HPy_InPlaceXor`).
        inplace_xor => HPy_InPlaceXor;
        /// `self |= other`, returning the result (`HPy_InPlaceOr`).
        inplace_or => HPy_InPlaceOr;
    }

    unary_ops! {
        /// `-self` (`HPy_Negative`).
        negative => HPy_Negative;
        /// `+self` (`HPy_Positive`).
        positive => HPy_Positive;
        /// `abs(self)` (`HPy_Absolute`).
        absolute => HPy_Absolute;
        /// `~self` (`HPy_Invert`).
        invert => HPy_Invert;
        /// `operator.index(self)` (`HPy_Index`).
        index => HPy_Index;
        /// `int(self)` (`HPy_Long`).
        long => HPy_Long;
        /// `float(self)` (`HPy_Float`).
        float => HPy_Float;
    }

    /// `pow(self, exp)` or, with a modulus, `pow(self, exp, modulo)`
    /// (`HPy_Power`; no modulus passes `None`).
    #[inline]
    pub fn power(
        &self,
        exp: &Handle<'ctx>,
        modulo: Option<&Handle<'ctx>>,
    ) -> HPyResult<Handle<'ctx>> {
        self.ternary(hpy_sys::HPy_Power, exp, modulo)
    }

    /// `self **= exp` (with an optional modulus), returning the result
    /// (`HPy_InPlacePower`).
    #[inline]
    pub fn inplace_power(
        &self,
        exp: &Handle<'ctx>,
        modulo: Option<&Handle<'ctx>>,
    ) -> HPyResult<Handle<'ctx>> {
        self.ternary(hpy_sys::HPy_InPlacePower, exp, modulo)
    }

    /// Calls one of HPy's three-operand number functions, passing `None`
    /// for a missing modulus.
    #[inline(always)]
    fn ternary(
        &self,
        op: unsafe fn(*mut hpy_sys::HPyContext, HPy, HPy, HPy) -> HPy,
        exp: &Handle<'ctx>,
        modulo: Option<&Handle<'ctx>>,
    ) -> HPyResult<Handle<'ctx>> {
        let ctx = self.context();
        // SAFETY: valid handles (`None` is a constant valid for the call);
        // `op` returns an owned handle or HPy_NULL.
        unsafe {
            let modulo = match modulo {
                Some(m) => m.as_raw(),
                None => hpy_sys::HPy_GetConstant(ctx.as_raw(), HPyConstant::None),
            };
            ctx.wrap_result(op(ctx.as_raw(), self.as_raw(), exp.as_raw(), modulo))
        }
    }

    long_accessors! {
        /// The int (or an object's `__index__`) modulo 2**32
        /// (`HPyLong_AsUInt32_tMask`): never overflows.
        as_u32_mask -> u32 => HPyLong_AsUInt32_tMask, u32::MAX, index;
        /// The int (or an object's `__index__`) as `i64`
        /// (`HPyLong_AsInt64_t`): `OverflowError` when out of range,
        /// `TypeError` for other objects (the interpreter's own
        /// messages; [`extract`](Handle::extract) words them per argument).
        as_i64 -> i64 => HPyLong_AsInt64_t, -1, index;
        /// The int as `u64` (`HPyLong_AsUInt64_t`).
        as_u64 -> u64 => HPyLong_AsUInt64_t, u64::MAX;
        /// The int (or an object's `__index__`) modulo 2**64
        /// (`HPyLong_AsUInt64_tMask`): never overflows.
        as_u64_mask -> u64 => HPyLong_AsUInt64_tMask, u64::MAX, index;
        /// The int as `usize` (`HPyLong_AsSize_t`): only accepts `int`
        /// (no `__index__`), `OverflowError` for negative values.
        as_usize -> usize => HPyLong_AsSize_t, usize::MAX;
        /// The int as `isize` (`HPyLong_AsSsize_t`): only accepts `int`
        /// (no `__index__`).
        as_isize -> isize => HPyLong_AsSsize_t, -1;
    }

    /// The float value of the object (`HPyFloat_AsDouble`): a float's
    /// value, else its `__float__`, else its `__index__`, as CPython's
    /// `PyFloat_AsDouble` asks them, with the interpreter's own error
    /// messages ([`extract::<f64>`](Handle::extract) words them per
    /// argument).
    ///
    /// The universal ABI asks the last two itself where the host does not
    /// (`Quirk::FloatAsSkipsDunders`: PyPy 7.3.19 refuses `__index__` and
    /// reads an `int` subclass without its `__float__`).
    #[inline]
    pub fn as_f64(&self) -> HPyResult<f64> {
        let ctx = self.context();
        // SAFETY: valid handle; -1.0 plus a set exception signals failure.
        let v = unsafe { hpy_sys::HPyFloat_AsDouble(ctx.as_raw(), self.as_raw()) };
        if v == -1.0 && ctx.err_occurred() {
            if crate::abi::host_has(Quirk::FloatAsSkipsDunders) {
                return self.f64_from_index();
            }
            return Err(HPyErr::raised(ctx));
        }
        // An int subclass's value is a whole number; no float subclass is
        // one.
        if crate::abi::host_has(Quirk::FloatAsSkipsDunders) && v.trunc() == v && self.is_int() {
            return self.f64_of_int(v);
        }
        Ok(v)
    }

    /// [`as_f64`](Self::as_f64) after `HPyFloat_AsDouble` failed on a host
    /// that asks no `__index__`: the object's `__index__` if it has one and
    /// no `__float__` (CPython's order), else the error as raised.
    #[cold]
    fn f64_from_index(&self) -> HPyResult<f64> {
        let ctx = self.context();
        if !ctx.err_matches(HPyConstant::TypeError) {
            return Err(HPyErr::raised(ctx));
        }
        // Taken out while the type is asked, raised again if it stands.
        let refused = HPyErr::raised(ctx).catch(ctx)?;
        let ty = self.get_type();
        if ty.has_attr_s("__float__")? || !ty.has_attr_s("__index__")? {
            return Err(refused.raise());
        }
        drop(refused);
        self.index()?.as_f64()
    }

    /// [`as_f64`](Self::as_f64) of an `int` whose value `HPyFloat_AsDouble`
    /// read as `v`, on a host that asks no `__float__` of an `int`
    /// subclass: `v` for an exact `int`, else `float(self)`.
    #[cold]
    fn f64_of_int(&self, v: f64) -> HPyResult<f64> {
        if self.get_type().is_constant(HPyConstant::LongType) {
            return Ok(v);
        }
        self.float()?.as_f64()
    }

    /// The int as `i32` (the role of `HPyLong_AsInt32_t`): `OverflowError`
    /// when out of range, `TypeError` for non-ints.
    ///
    /// Computed with `HPyLong_AsInt64_t` and a range check, because
    /// `HPyLong_AsInt32_t` is not reliable: PyPy 7.3.19 truncates
    /// out-of-range values silently.
    #[inline]
    pub fn as_i32(&self) -> HPyResult<i32> {
        let v = self.as_i64()?;
        i32::try_from(v)
            .map_err(|_| HPyErr::overflow_error("Python int too large to convert to C int32_t"))
    }

    /// The int as `u32` (the role of `HPyLong_AsUInt32_t`): `OverflowError`
    /// when negative or too large, `TypeError` for non-ints.
    ///
    /// Computed with `HPyLong_AsUInt64_t` and a range check, because
    /// `HPyLong_AsUInt32_t` is not reliable: PyPy 7.3.19 truncates
    /// out-of-range values, and HPy 0.9's CPython runtime reports a
    /// non-int as `OverflowError`.
    #[inline]
    pub fn as_u32(&self) -> HPyResult<u32> {
        let v = self.as_u64()?;
        u32::try_from(v)
            .map_err(|_| HPyErr::overflow_error("Python int too large to convert to C uint32_t"))
    }

    /// The int as the nearest `f64` (`HPyLong_AsDouble`): only accepts
    /// `int` (`TypeError` otherwise), `OverflowError` when it is too large
    /// for a float.
    ///
    /// The universal ABI checks both conditions itself: PyPy 7.3.19's
    /// `HPyLong_AsDouble` accepts floats and returns infinity for huge ints.
    #[inline]
    pub fn long_as_f64(&self) -> HPyResult<f64> {
        let ctx = self.context();
        if crate::abi::host_has(Quirk::LaxLongAsDouble) && !self.is_int() {
            return Err(HPyErr::type_error("an integer is required"));
        }
        // SAFETY: valid handle; -1.0 plus a set exception signals failure.
        let v = unsafe { hpy_sys::HPyLong_AsDouble(ctx.as_raw(), self.as_raw()) };
        if v == -1.0 && ctx.err_occurred() {
            return Err(HPyErr::raised(ctx));
        }
        if crate::abi::host_has(Quirk::LaxLongAsDouble) && v.is_infinite() {
            return Err(HPyErr::overflow_error("int too large to convert to float"));
        }
        Ok(v)
    }

    /// `isinstance(self, int)`.
    #[inline]
    pub(crate) fn is_int(&self) -> bool {
        let ctx = self.context();
        // SAFETY: valid handle; `h_LongType` is a type object for the call.
        unsafe {
            let int = hpy_sys::HPy_GetConstant(ctx.as_raw(), HPyConstant::LongType);
            hpy_sys::HPy_TypeCheck(ctx.as_raw(), self.as_raw(), int) != 0
        }
    }

    /// The int as a pointer value (`HPyLong_AsVoidPtr`). Returning the
    /// pointer is safe; dereferencing it is up to the caller.
    ///
    /// Like CPython, negative ints are converted as signed and others as
    /// unsigned values; the universal ABI does this itself because PyPy
    /// 7.3.19's `HPyLong_AsVoidPtr` refuses addresses above `isize::MAX`.
    #[inline]
    pub fn as_void_ptr(&self) -> HPyResult<*mut c_void> {
        if crate::abi::host_has(Quirk::SignedLongAsVoidPtr) {
            return self.as_void_ptr_portable();
        }
        let ctx = self.context();
        // SAFETY: valid handle; NULL plus a set exception signals failure.
        let p = unsafe { hpy_sys::HPyLong_AsVoidPtr(ctx.as_raw(), self.as_raw()) };
        if p.is_null() && ctx.err_occurred() {
            return Err(HPyErr::raised(ctx));
        }
        Ok(p)
    }

    #[cold]
    fn as_void_ptr_portable(&self) -> HPyResult<*mut c_void> {
        if !self.is_int() {
            return Err(HPyErr::wrong_type("int", self.type_name()));
        }
        let ctx = self.context();
        let zero = 0_u64.into_hpy(ctx)?;
        let address = if self.rich_compare_bool(&zero, crate::RichCompareOp::Lt)? {
            self.as_i64()? as usize
        } else {
            usize::try_from(self.as_u64()?).map_err(|_| {
                HPyErr::overflow_error("Python int too large to convert to C pointer")
            })?
        };
        Ok(address as *mut c_void)
    }
}

impl<'ctx> Handle<'ctx> {
    /// `self + other` (`HPy_Add`).
    #[inline]
    pub fn add(&self, other: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
        // SAFETY: both handles are valid; the result is owned or HPy_NULL.
        unsafe {
            self.ctx
                .wrap_result(hpy_sys::HPy_Add(self.ctx.as_raw(), self.raw, other.raw))
        }
    }
}
