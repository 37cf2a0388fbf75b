//! Slot definitions (`HPyDef_Kind_Slot`) for every HPy slot signature whose
//! arguments are plain objects, sizes or pointers.
//!
//! One macro invocation per signature produces, as for methods in `def.rs`:
//! a trait the generated code implements with a safe `call`, the
//! HPy-convention entry point `impl`, the CPython-convention trampoline for
//! each ABI, and a `const fn` building the `HPyDef` for a given slot.

use core::ffi::c_int;

use hpy_sys::{
    cpy_PyObject, HPy, HPyCFunction, HPyContext, HPyDef, HPySlot_Slot, HPy_NULL, HPy_hash_t,
    HPy_ssize_t,
};

use super::def::slot;
use super::trampoline::entry;
use crate::abi::cpy_ret;
use crate::{Borrowed, Context, HPyResult};

/// Converts a raw argument for the safe `call`.
macro_rules! safe_arg {
    // Expanded inside the entry point's unsafe block: HPy passes handles
    // valid for the whole call; a null handle means "no value" (deletion).
    (obj, $ctx:ident, $v:expr) => {
        Borrowed::from_raw($ctx, $v)
    };
    (objopt, $ctx:ident, $v:expr) => {
        if $v._i == 0 {
            None
        } else {
            Some(Borrowed::from_raw($ctx, $v))
        }
    };
    (ssize, $ctx:ident, $v:expr) => {
        $v
    };
    (cmpop, $ctx:ident, $v:expr) => {
        $v
    };
}

macro_rules! hpy_ty {
    (obj) => {
        HPy
    };
    (objopt) => {
        HPy
    };
    (ssize) => {
        HPy_ssize_t
    };
    (cmpop) => {
        hpy_sys::HPy_RichCmpOp
    };
}

macro_rules! cpy_ty {
    (obj) => { *mut cpy_PyObject };
    (objopt) => { *mut cpy_PyObject };
    (ssize) => { HPy_ssize_t };
    (cmpop) => { c_int };
}

macro_rules! safe_ty {
    (obj, $a:lifetime, $c:lifetime) => { Borrowed<$a, $c> };
    (objopt, $a:lifetime, $c:lifetime) => { Option<Borrowed<$a, $c>> };
    (ssize, $a:lifetime, $c:lifetime) => { HPy_ssize_t };
    (cmpop, $a:lifetime, $c:lifetime) => { hpy_sys::HPy_RichCmpOp };
}

macro_rules! ret_types {
    (obj) => {
        HPy
    };
    (int) => {
        c_int
    };
    (ssize) => {
        HPy_ssize_t
    };
    (hash) => {
        HPy_hash_t
    };
    (void) => {
        ()
    };
}

macro_rules! err_value {
    (obj) => {
        HPy_NULL
    };
    (int) => {
        -1
    };
    (ssize) => {
        -1
    };
    (hash) => {
        -1
    };
    (void) => {
        ()
    };
}

macro_rules! slot_kinds {
    ($(
        $(#[$doc:meta])*
        $trait_name:ident, $impl_fn:ident, $cpy_fn:ident, $def_fn:ident, $abi_fn:ident,
        ($($arg:ident : $kind:ident),*) -> $ret:ident;
    )*) => {$(
        $(#[$doc])*
        ///
        /// # Safety
        /// Implemented by hpy-rs's macros only: the runtime trusts what the
        /// implementation returns (raw handles, definitions) without checking it.
        pub unsafe trait $trait_name {
            /// A name for error messages.
            const NAME: &'static str;
            /// The slot body.
            fn call<'a, 'ctx>(ctx: Context<'ctx>, $($arg: safe_ty!($kind, 'a, 'ctx)),*) -> HPyResult<ret_types!($ret)>;
        }

        super::abi::entry_point! {
            /// The HPy-convention entry point of the slot.
            ///
            /// # Safety
            /// Called by HPy only, with this slot signature's arguments.
            pub unsafe extern "C" fn $impl_fn<M: $trait_name, const DIRECT: bool>(ctx: *mut HPyContext, $($arg: hpy_ty!($kind)),*) -> ret_types!($ret) {
                // SAFETY: HPy passes the live context and arguments valid for the call.
                unsafe { entry::<DIRECT, _, _>(ctx, M::NAME, err_value!($ret), move |ctx| M::call(ctx, $(safe_arg!($kind, ctx, $arg)),*)) }
            }
        }

        /// The CPython-convention trampoline of the slot.
        ///
        /// # Safety
        /// Called by CPython only, through the slot it was registered for.
        pub unsafe extern "C" fn $cpy_fn<M: $trait_name>($($arg: cpy_ty!($kind)),*) -> cpy_ret!($ret) {
            // SAFETY: the slot's arguments as CPython passes them, for
            // `$impl_fn` (the seam converts them for this ABI).
            unsafe { super::abi::$abi_fn($impl_fn::<M, false>, $impl_fn::<M, true>, $($arg),*) }
        }

        /// The `HPyDef` of slot `which`, implemented by `M`.
        pub const fn $def_fn<M: $trait_name>(which: HPySlot_Slot) -> HPyDef {
            let f: unsafe extern "C" fn(*mut HPyContext, $(hpy_ty!($kind)),*) -> ret_types!($ret) = $impl_fn::<M, false>;
            let cpy: unsafe extern "C" fn($(cpy_ty!($kind)),*) -> cpy_ret!($ret) = $cpy_fn::<M>;
            // SAFETY: function pointers have one size; CPython calls this one
            // through the signature of the slot it is registered for.
            let cpy = unsafe {
                core::mem::transmute::<unsafe extern "C" fn($(cpy_ty!($kind)),*) -> cpy_ret!($ret), hpy_sys::cpy_PyCFunction>(cpy)
            };
            slot(which, f as HPyCFunction, Some(cpy))
        }
    )*};
}

// The last name of each row is the signature's function in the seam (`abi`).
slot_kinds! {
    /// `HPyFunc_UNARYFUNC` (e.g. `nb_negative`, `tp_repr`).
    UnaryFunc, impl_unaryfunc, cpy_unaryfunc, slot_unaryfunc, unaryfunc,
        (arg0: obj) -> obj;
    /// `HPyFunc_BINARYFUNC` (e.g. `nb_add`, `mp_subscript`).
    BinaryFunc, impl_binaryfunc, cpy_binaryfunc, slot_binaryfunc, binaryfunc,
        (arg0: obj, arg1: obj) -> obj;
    /// `HPyFunc_TERNARYFUNC` (`nb_power`, `nb_inplace_power`).
    TernaryFunc, impl_ternaryfunc, cpy_ternaryfunc, slot_ternaryfunc, ternaryfunc,
        (arg0: obj, arg1: obj, arg2: obj) -> obj;
    /// `HPyFunc_INQUIRY` (`nb_bool`).
    Inquiry, impl_inquiry, cpy_inquiry, slot_inquiry, inquiry,
        (arg0: obj) -> int;
    /// `HPyFunc_LENFUNC` (`mp_length`, `sq_length`).
    LenFunc, impl_lenfunc, cpy_lenfunc, slot_lenfunc, lenfunc,
        (arg0: obj) -> ssize;
    /// `HPyFunc_SSIZEARGFUNC` (`sq_item`, `sq_repeat`, `sq_inplace_repeat`).
    SsizeArgFunc, impl_ssizeargfunc, cpy_ssizeargfunc, slot_ssizeargfunc, ssizeargfunc,
        (arg0: obj, arg1: ssize) -> obj;
    /// `HPyFunc_SSIZEOBJARGPROC` (`sq_ass_item`; the value is null for deletion).
    SsizeObjArgProc, impl_ssizeobjargproc, cpy_ssizeobjargproc, slot_ssizeobjargproc, ssizeobjargproc,
        (arg0: obj, arg1: ssize, arg2: objopt) -> int;
    /// `HPyFunc_OBJOBJARGPROC` (`mp_ass_subscript`; the value is null for deletion).
    ObjObjArgProc, impl_objobjargproc, cpy_objobjargproc, slot_objobjargproc, objobjargproc,
        (arg0: obj, arg1: obj, arg2: objopt) -> int;
    /// `HPyFunc_OBJOBJPROC` (`sq_contains`).
    ObjObjProc, impl_objobjproc, cpy_objobjproc, slot_objobjproc, objobjproc,
        (arg0: obj, arg1: obj) -> int;
    /// `HPyFunc_HASHFUNC` (`tp_hash`).
    HashFunc, impl_hashfunc, cpy_hashfunc, slot_hashfunc, hashfunc,
        (arg0: obj) -> hash;
    /// `HPyFunc_DESTRUCTOR` (`tp_finalize`).
    Destructor, impl_destructor, cpy_destructor, slot_destructor, destructor,
        (arg0: obj) -> void;
    /// `HPyFunc_RICHCMPFUNC` (`tp_richcompare`).
    RichCmpFunc, impl_richcmpfunc, cpy_richcmpfunc, slot_richcmpfunc, richcmpfunc,
        (arg0: obj, arg1: obj, arg2: cmpop) -> obj;
}

/// `sq_item` made from a class's `__getitem__` (its `mp_subscript` body
/// `M`), given the index as an `int`: CPython iterates an object without
/// `__iter__` by indexing it from 0 until `IndexError` only when it has
/// `sq_item` (`PySequence_Check`), and `mp_subscript` alone does not count.
pub struct ItemFromSubscript<M>(core::marker::PhantomData<M>);

// SAFETY: returns what the (trusted) `mp_subscript` body returns.
unsafe impl<M: BinaryFunc> SsizeArgFunc for ItemFromSubscript<M> {
    const NAME: &'static str = M::NAME;
    #[inline]
    fn call<'a, 'ctx>(
        ctx: Context<'ctx>,
        arg0: Borrowed<'a, 'ctx>,
        arg1: HPy_ssize_t,
    ) -> HPyResult<HPy> {
        let index = crate::IntoHPy::into_hpy(arg1, ctx)?;
        M::call(ctx, arg0, index.borrow())
    }
}
