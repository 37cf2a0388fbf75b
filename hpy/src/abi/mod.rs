//! The seam between the two HPy ABIs: the one place in `hpy` that says
//! which ABI this build is for (the `cpython` or the `universal` half,
//! chosen here), and the one table of the HPy function signatures that
//! both halves turn into entry points.
//!
//! Each half is a folder with one file per concern, named alike on both
//! sides, each file providing the same names with the same signatures:
//!
//! | file | what both halves provide |
//! |---|---|
//! | `cpython.rs`, `universal.rs` | the list of the files below |
//! | `raw_context.rs` | [`RawContext`], a leaf that `Context` holds |
//! | `entry.rs` | `entry_point!`, the CPython-convention trampolines, module init (`save_trampoline_context`, the exported init symbol `__hpy_export_module_for_abi`) and the host profile this build assumes or detects (`ASSUMED_PROFILE`, `host_profile`) |
//! | `interp.rs` | which interpreter runs, per-interpreter module state (`module_exec_begins`, `global_cell`) |
//! | `errors.rs` | the panic hook's report (`report_panic`, handed to `err::panic::install_panic_hook` at module init), dropped-error clearing, `check_signals` and the code object it runs (`SIGNAL_CHECK`, read only by the universal half; both define it so that the module's globals are the same) |
//! | `handles.rs` | a handle duplicated and closed (`dup`, `close`) |
//! | `sequences.rs` | tuple and list items read in place, building them |
//! | `keywords.rs` | interned keyword names (`InternedName`, `intern_names`, `keyword_names`) |
//! | `class_tag.rs` | receivers: the room a block's tag takes (`TagWord`), whether blocks record their classes at all (`BLOCKS_RECORD_CLASSES`) and whether a host keeps every object's class (`classes_are_fixed`); the tag itself and its checks are the class runtime's (`class/tag.rs`, `class/creator.rs`) |
//! | `classes.rs` | types from specs, instances (`new_instance_filled`, `is_instance_fast`, `type_created`), for any class described by [`SimpleClass`] |
//! | `threads.rs` | threads the extension starts, attached and detached |
//! | `buffer.rs` | consuming the buffer protocol (`get_buffer`, `release_buffer`) |
//! | `arrays.rs` | an object's address and the interpreter's object header size, for reading a NumPy array's C struct in place (`object_address`); objects to and from `PyObject*` for NumPy's C API (`objects_reachable`, `owned_object_handle`, `into_owned_object`) |
//! | `stdlib.rs` | the standard library's types and constants the conversions use |
//!
//! Both halves also have `properties.rs` (nothing in the CPython ABI; in
//! the universal ABI the hidden methods that stand in for getsets on hosts
//! whose getsets are broken), and the universal half `plain_ext.rs` (the
//! table of hpy_rs_universal's plain context). That is what differs between the
//! ABIs, so that the rest of the crate has no `cfg`. The ABI layer reads
//! no class: what it needs of one is passed in ([`SimpleClass`], which
//! `class/simple.rs` implements for every class) or asked of the class
//! runtime's own files, which use the per-ABI primitives above.
//!
//! What differs:
//! - how the context and a handle are represented ([`RawContext`]);
//! - the **CPython-convention trampolines** of every `HPyFunc` signature
//!   in the generated table `hpy_sys::hpyfunc_signatures!`: given the
//!   HPy-convention function `f` and the arguments CPython passed, call `f`
//!   and return its result as CPython expects. CPython ABI: an `HPy` is the `PyObject*`, so `f` is called
//!   directly with a null context (and inlined, see `entry_point!`);
//!   universal ABI: the
//!   arguments are written into the signature's `_HPyFunc_args_*` block and
//!   handed to `ctx_CallRealFunctionFromTrampoline` with the context saved
//!   at module init, as C HPy's trampolines do, except on hpy_rs_universal's
//!   plain context, whose handles are the objects: there `f` is called
//!   directly with that context, as the host would call it;
//! - module init, error and signal handling, and a few CPython-ABI fast
//!   paths (each documented where it is defined).

// The trampolines come from one table, `hpy_sys::hpyfunc_signatures!`,
// which hpy-sys's generator writes from the headers: a row per `HPyFunc`
// signature with an argument block (36 of HPy 0.9's 39), giving the
// seam function's name (the signature's in lower case), the
// `HPyFunc_Signature` value, the HPy-convention function type, the
// universal ABI's argument block, the parameters as CPython passes them
// (named as the block's fields, each with its kind, see `cpy_ty!`) and the
// result's kind (`cpy_ret!`). It invokes its argument twice: with the rows
// both ABIs derive mechanically (`plain`), and with those whose CPython-ABI
// form reads the arguments differently (`custom`: `tp_new`/`tp_init`'s
// argument tuple and `tp_traverse`'s visitor, which `cpython/entry.rs` writes
// out). The three signatures without a block have no trampoline of this
// shape: `DESTROYFUNC` (called by HPy's `tp_dealloc`, never by CPython),
// `VECTORCALLFUNC` and `CAPSULE_DESTRUCTOR` (whose block is the capsule
// itself: `capsule_destructor` in each file).

/// The type CPython passes for a parameter of each kind.
macro_rules! cpy_ty {
    (obj) => { *mut hpy_sys::cpy_PyObject };
    (ssize) => { hpy_sys::HPy_ssize_t };
    (int) => { core::ffi::c_int };
    (cmpop) => { hpy_sys::HPy_RichCmpOp };
    (ptr) => { *mut core::ffi::c_void };
    (cstr) => { *mut core::ffi::c_char };
    (view) => { *mut hpy_sys::cpy_Py_buffer };
    // METH_FASTCALL's argument array and count, and vectorcall's count
    // (whose high bit is PY_VECTORCALL_ARGUMENTS_OFFSET).
    (vec) => { *const *mut hpy_sys::cpy_PyObject };
    (nargs) => { hpy_sys::HPy_ssize_t };
    (nargsf) => { usize };
    // `tp_new`/`tp_init`'s argument tuple.
    (tuple) => { *mut hpy_sys::cpy_PyObject };
    (visit) => { hpy_sys::cpy_visitproc };
}

/// The type CPython expects back for a result of each kind (an object:
/// [`ObjectResult`]).
macro_rules! cpy_ret {
    (obj) => {
        $crate::abi::ObjectResult
    };
    (int) => {
        core::ffi::c_int
    };
    (ssize) => {
        hpy_sys::HPy_ssize_t
    };
    (hash) => {
        hpy_sys::HPy_hash_t
    };
    (void) => {
        ()
    };
}

pub(crate) use cpy_ret;

/// What a CPython-convention trampoline (an `extern "C"` function that
/// CPython calls: a method's `ml_meth`, a slot, a getter) declares as its
/// object result: the `PyObject*` CPython expects, as a pointer in the
/// CPython ABI and on other targets, as an `HPy` in the universal ABI on
/// x86-64 and AArch64.
///
/// Why an `HPy` there: on hpy_rs_universal's plain context a trampoline
/// returns the `HPy` its direct call gets, whose handle is the object
/// pointer. Converting it to a pointer (`inttoptr` after the call) keeps
/// LLVM from making that call the trampoline's tail call (3-4
/// instructions a call); declared as an `HPy`, the result is returned
/// unchanged, and the call is a tail call. The host path makes it from
/// the block's pointer ([`object_result`]).
///
/// Why it is sound: Rust never calls a trampoline through a pointer of
/// another type; it only erases it to the `cpy_*` pointer type of the
/// `HPyDef` field, which the host hands to CPython (hpy_rs_universal
/// stores it in a `PyMethodDef`/slot as a `void*`; C HPy likewise), and
/// CPython's C code calls it as a function returning `PyObject*`. Calling
/// a function through a pointer of a different C type is the platform C
/// ABI's business at that FFI boundary, and these platforms' C ABIs
/// (x86-64 System V and Windows x64, AAPCS64) return a struct of one
/// `intptr_t` exactly as a pointer: in `rax`/`x0`, the same bits. On other
/// targets that is not checked, and the result stays a pointer, converted
/// after the call.
#[cfg(all(
    feature = "universal",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
pub type ObjectResult = hpy_sys::HPy;

/// What a CPython-convention trampoline declares as its object result:
/// here the `PyObject*` itself (see the universal ABI's x86-64/AArch64
/// definition for the other case).
#[cfg(not(all(
    feature = "universal",
    any(target_arch = "x86_64", target_arch = "aarch64")
)))]
pub type ObjectResult = *mut hpy_sys::cpy_PyObject;

/// The [`ObjectResult`] of the object pointer `p` (null: an exception is
/// set).
#[allow(dead_code)] // Used by the universal ABI only.
#[inline(always)]
pub(crate) fn object_result(p: *mut hpy_sys::cpy_PyObject) -> ObjectResult {
    #[cfg(all(
        feature = "universal",
        any(target_arch = "x86_64", target_arch = "aarch64")
    ))]
    {
        hpy_sys::HPy { _i: p as isize }
    }
    #[cfg(not(all(
        feature = "universal",
        any(target_arch = "x86_64", target_arch = "aarch64")
    )))]
    {
        p
    }
}

/// The [`ObjectResult`] of a handle that is the object pointer (the CPython
/// ABI, hpy_rs_universal's plain context): the handle itself where the
/// result is an `HPy`.
#[inline(always)]
pub(crate) fn handle_result(h: hpy_sys::HPy) -> ObjectResult {
    #[cfg(all(
        feature = "universal",
        any(target_arch = "x86_64", target_arch = "aarch64")
    ))]
    {
        h
    }
    #[cfg(not(all(
        feature = "universal",
        any(target_arch = "x86_64", target_arch = "aarch64")
    )))]
    {
        h._i as *mut hpy_sys::cpy_PyObject
    }
}

// Where a handle is the object pointer itself (the CPython ABI, and
// hpy_rs_universal's plain context, see `universal/entry.rs`'s direct calls),
// CPython's arguments become HPy's and HPy's results CPython's by these
// two, with no call.

/// Converts an argument CPython passed (of a `plain` row's kind) to the
/// HPy-convention one, where a handle is the object pointer.
macro_rules! object_to_handle {
    (obj, $v:expr) => {
        hpy_sys::HPy { _i: $v as isize }
    };
    // `PyObject*` and `HPy` have one layout here: the array is the handles.
    (vec, $v:expr) => {
        $v.cast::<hpy_sys::HPy>()
    };
    (nargs, $v:expr) => {
        $v as usize
    };
    (nargsf, $v:expr) => {
        $v & !(1usize << (usize::BITS - 1))
    };
    // `Py_buffer` and `HPy_buffer` have one layout on CPython (checked by
    // hpy-sys's layout test).
    (view, $v:expr) => {
        $v.cast::<hpy_sys::HPy_buffer>()
    };
    ($kind:ident, $v:expr) => {
        $v
    };
}

/// Converts the HPy-convention result to what CPython expects, where a
/// handle is the object pointer.
macro_rules! handle_to_object {
    (obj, $v:expr) => {
        $crate::abi::handle_result($v)
    };
    ($kind:ident, $v:expr) => {
        $v
    };
}

// Each ABI's build uses only its own profiles (and the CPython ABI's no
// detection).
#[allow(dead_code)]
mod host;
pub(crate) use host::{HostProfile, Quirk};

/// Whether the host running this module has `quirk` (see `host.rs`): a
/// constant in the CPython ABI and for the quirks the universal ABI
/// assumes on every host; otherwise one relaxed load of the profile
/// detected when the module was loaded.
#[inline(always)]
pub(crate) fn host_has(quirk: Quirk) -> bool {
    ASSUMED_PROFILE.has(quirk) || host_profile().has(quirk)
}

/// Whether some host of this ABI may have `quirk`, known at compile time:
/// in the CPython ABI only its one profile's quirks (none), in the
/// universal ABI any. For what need not even be compiled where no host
/// has the quirk.
pub(crate) const fn quirk_possible(quirk: Quirk) -> bool {
    cfg!(feature = "universal") || ASSUMED_PROFILE.has(quirk)
}

/// The slot definition `slot` among the null-terminated `defines` of a
/// class, if it has one.
///
/// # Safety
/// `defines` must be null or a null-terminated array of valid definitions.
pub(crate) unsafe fn defines_slot(
    defines: *mut *mut hpy_sys::HPyDef,
    slot: hpy_sys::HPySlot_Slot,
) -> Option<&'static hpy_sys::HPySlot> {
    if defines.is_null() {
        return None;
    }
    let mut i = 0;
    loop {
        // SAFETY: within the array, up to and including its null entry.
        let def = unsafe { *defines.add(i) };
        if def.is_null() {
            return None;
        }
        // SAFETY: a valid definition, static as a class's are; `u.slot` is
        // the member for slots.
        unsafe {
            if (*def).kind == hpy_sys::HPyDef_Kind_Slot && (*def).u.slot.slot == slot {
                return Some(&(*def).u.slot);
            }
        }
        i += 1;
    }
}

/// What the instance fast paths of both halves (`new_instance_filled`,
/// `type_created`, a simple class's deallocator) need to know about a
/// class, as the class runtime states it (`class/simple.rs` implements it
/// for every class): the ABI layer reads no class itself.
///
/// A class is *simple* for its host (hpy-sys's
/// `hpy_rs_cpython_mark_simple` in the CPython ABI, hpy_rs_universal's plain
/// context, each checking the type object itself) when it has shape
/// `Object`, no Rust ancestors (its block starts the data), data, and no
/// Python subclasses: the host then allocates and frees its instances
/// itself.
///
/// # Safety
/// The constants describe the class's real instance layout, and
/// `clear_and_destroy` does what its doc says for an instance of it.
pub(crate) unsafe trait SimpleClass {
    /// Whether the class's type may be simple (see the trait's doc).
    const MAY_BE_SIMPLE: bool;
    /// The size of the class's own block, which starts the payload of a
    /// simple instance.
    const BLOCK_SIZE: usize;
    /// The size of the block and everything after it that the class
    /// knows of (its `Field` slots, the interpreter's slots, the cache).
    const DATA_SIZE: usize;
    /// How many `HPyField` slots follow the block that a host may empty
    /// itself (the `Field` slots and the `__dict__` slot). Read only by
    /// the universal half's host.
    #[cfg_attr(not(feature = "universal"), allow(dead_code))]
    const HOST_CLEARED_SLOTS: usize;
    /// Whether anything is left for the class to do for a dying instance
    /// once those slots are empty (fields inside the value, or a value
    /// that needs dropping). Read only by the universal half's host.
    #[cfg_attr(not(feature = "universal"), allow(dead_code))]
    const NEEDS_FINISH: bool;
    /// Whether the class's type is collected by the garbage collector
    /// (`HPy_TPFLAGS_HAVE_GC` in its spec): a new simple instance of it is
    /// handed to the collector once written; one of a type without it is
    /// not, and the host is not asked to. Read only by the universal half.
    #[cfg_attr(not(feature = "universal"), allow(dead_code))]
    const COLLECTED: bool;

    /// What a simple class's deallocator does with the payload `data` of
    /// a dying instance: every field emptied, as `tp_clear` does, then the
    /// value dropped (a panic in `Drop` is reported and the value leaked,
    /// as in `tp_destroy`).
    ///
    /// # Safety
    /// `data` is the payload of an instance of the class's simple type
    /// (`MAY_BE_SIMPLE`) whose reference count reached 0, zeroed or
    /// written at allocation; its fields own their references.
    unsafe fn clear_and_destroy(data: *mut core::ffi::c_void);
}

/// Zeroes what follows `T`'s block in the `size`-byte payload of a new
/// instance of a simple class (its `Field` slots and the interpreter's
/// slots: a size known here, so a few stores, and any padding the type's
/// size adds after them); `T`'s block itself is written by the caller.
///
/// # Safety
/// `payload` is valid for writes of `size` bytes, the data of a new
/// instance of `T`'s simple type (`SimpleClass::MAY_BE_SIMPLE`).
#[inline(always)]
pub(crate) unsafe fn zero_after_block<T: SimpleClass>(payload: *mut u8, size: usize) {
    let block = T::BLOCK_SIZE;
    let known = T::DATA_SIZE;
    debug_assert!(size >= known, "the type holds T's data and slots");
    // SAFETY: both ranges lie within the payload (contract; the type's
    // payload holds T's block and slots).
    unsafe {
        core::ptr::write_bytes(payload.add(block), 0, known - block);
        if size > known {
            core::ptr::write_bytes(payload.add(known), 0, size - known);
        }
    }
}

#[cfg(not(feature = "universal"))]
mod cpython;
#[cfg(not(feature = "universal"))]
pub use cpython::*;

#[cfg(feature = "universal")]
mod universal;
#[cfg(feature = "universal")]
pub use universal::*;

/// The items of this ABI that macro expansions name (`impl_` re-exports
/// them).
pub mod expansion {
    #[cfg(not(feature = "universal"))]
    pub use super::cpython::cpython_module_init;
}

#[cfg(test)]
mod tests {
    use hpy_sys::HPyFunc_Signature;

    macro_rules! signatures_of {
        ($section:ident: $(
            $name:ident = $sig:ident, $fty:ident, $block:ident,
                ($($arg:ident : $kind:ident),*) -> $ret:ident;
        )*) => {
            #[allow(non_upper_case_globals)]
            const $section: &[HPyFunc_Signature] = &[$(hpy_sys::$sig),*];
        };
    }

    hpy_sys::hpyfunc_signatures!(signatures_of);

    /// The table has every signature of the headers once, but the three
    /// its documentation leaves out.
    #[test]
    fn table_covers_every_signature() {
        let mut seen: Vec<HPyFunc_Signature> = plain.iter().chain(custom).copied().collect();
        seen.extend([
            hpy_sys::HPyFunc_DESTROYFUNC,
            hpy_sys::HPyFunc_VECTORCALLFUNC,
            hpy_sys::HPyFunc_CAPSULE_DESTRUCTOR,
        ]);
        seen.sort_unstable();
        let all: Vec<HPyFunc_Signature> =
            (hpy_sys::HPyFunc_VARARGS..=hpy_sys::HPyFunc_MOD_CREATE).collect();
        assert_eq!(seen, all);
    }
}
