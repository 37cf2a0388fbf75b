//! The host profile: what hpy-rs must know about the interpreter and
//! loader running the module, as one set of named [`Quirk`]s, each the
//! reason for one workaround.
//!
//! - CPython ABI: one profile, the constant [`HostProfile::CPYTHON_ABI`]
//!   (hpy-rs's own runtime on CPython: no quirk), so every check folds away.
//! - Universal ABI: the host is identified once per module, when it passes
//!   its context to `HPyInitGlobalContext_<name>`, from the context's name
//!   alone ([`HostProfile::of_context_name`]: no call, since a debug host's
//!   global context may not serve calls), and kept in a static: a check on
//!   a hot path is one relaxed load and a bit test. The quirks assumed on
//!   every host ([`HostProfile::UNIVERSAL_ASSUMED`]) are constants there
//!   too.
//!
//! hpy-sys knows nothing of this: it only identifies the layout of the
//! context's function table (`hpy_rs_prepare_context`).
//!
//! Checks read [`crate::abi::host_has`].

/// One way a host differs from CPython running hpy-rs's own runtime, and
/// what hpy-rs does about it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u32)]
pub(crate) enum Quirk {
    /// `T.__new__(cls)` is not checked to be given `T` or a subclass
    /// (CPython's `tp_new_wrapper` checks, on either loader; PyPy 7.3.19
    /// does not), nor to be given a class at all (PyPy 7.3.19 calls
    /// `tp_new` with a handle naming no object for `T.__new__(default=1)`):
    /// hpy-rs puts a `__new__` of its own in the type dict, which checks
    /// the class first (`NewAsMethod`), and `construct` checks before it
    /// writes `T`'s data.
    NewClassUnchecked = 1 << 0,
    /// `_HPy_AsStruct_<Shape>` is missing for the builtin shapes other than
    /// `Object` (PyPy 7.3.19 prints "calling the slot
    /// 'c_ctx_AsStruct_Float', which is not implemented" and returns
    /// garbage): a class extending a builtin type cannot reach its data,
    /// and says so with an exception.
    NoBuiltinShapes = 1 << 1,
    /// One `HPy_buffer` is shared by every export and `bf_releasebuffer` is
    /// not called once per view (PyPy 7.3.19): the data a view points to
    /// cannot be kept alive exactly as long as the view, so hpy-rs's buffer
    /// protocol is refused.
    SharedBuffers = 1 << 2,
    /// Getset descriptors check no receiver and lose the exception of a
    /// failing getter or setter, which then aborts at the next HPy call
    /// (PyPy 7.3.19): properties are published as Python `property` objects
    /// over hidden methods, whose descriptors do both.
    BrokenGetsets = 1 << 3,
    /// `__dictoffset__`/`__weaklistoffset__` members give no `__dict__` or
    /// weak references that are safe (PyPy 7.3.19 ignores them; HPy's own
    /// `hpy.universal` does not clear a dead object's weak references):
    /// `dict`/`weakref` classes are made without them.
    NoObjectSlots = 1 << 4,
    /// `HPyListBuilder_*`/`HPyTupleBuilder_*` leak per builder (PyPy
    /// 7.3.19, issue 14's D8): lists and tuples are built without them.
    LeakyBuilders = 1 << 5,
    /// `HPyGlobal_Store` never closes the handle it replaces, keeping the
    /// old object alive for good (PyPy 7.3.19, issue 25's N3): a `Global`
    /// stores once and changes what it stored instead.
    GlobalStoreLeaks = 1 << 6,
    /// A doc's `Name(signature)\n--\n\n` header is not read, neither from
    /// a type's doc nor from a method's (PyPy 7.3.19 shows it as it is):
    /// classes and their companion methods get their doc comment alone.
    DocSignaturesUnread = 1 << 7,
    /// Each call gets a context of its own; the one given to
    /// `HPyInitGlobalContext_<name>` is not valid in calls (the debug modes
    /// of HPy's `hpy.universal` and of PyPy): every entry records its call's
    /// context, for a dropped `HPyErr` to clear its exception with.
    ContextPerCall = 1 << 8,
    /// No way for a thread the extension started to attach to the
    /// interpreter (HPy 0.9 has none; hpy_rs_universal offers one):
    /// `Context::call_in_thread` raises `NotImplementedError`.
    NoThreadAttach = 1 << 9,
    /// A `str`'s UTF-8 may hold lone surrogates, each in its 3-byte form
    /// (PyPy hands out WTF-8; the rest of the text is UTF-8): the text is
    /// scanned for them before it is borrowed as `&str`.
    Utf8MayHoldSurrogates = 1 << 10,
    /// `HPyBytes_GET_SIZE` (and the debug mode's `HPyBytes_AsString`) ask a
    /// `bytes` subclass's own `__len__` (PyPy): such an object is never
    /// borrowed, and its size is asked of `bytes.__len__`.
    BytesSizeCallsLen = 1 << 11,
    /// `HPyLong_AsDouble` accepts floats and returns infinity for huge ints
    /// (PyPy 7.3.19): hpy-rs checks both.
    LaxLongAsDouble = 1 << 12,
    /// `HPyLong_AsVoidPtr` refuses addresses above `isize::MAX` (PyPy
    /// 7.3.19): hpy-rs converts as CPython does.
    SignedLongAsVoidPtr = 1 << 13,
    /// The debug context serves one HPy call at a time: a call that starts
    /// while another runs aborts the process ("Error: Wrong HPy Context!",
    /// PyPy 7.3.19's debug mode and `hpy.universal`'s, both HPy's C debug
    /// context), from another thread too:
    /// `Context::allow_threads` runs its closure keeping the GIL there, so
    /// no other thread can start a call meanwhile.
    OneCallAtATime = 1 << 14,
    /// A call nested in another call's `HPy_Call` gets the outer call's
    /// debug context, marked busy (PyPy 7.3.19's debug mode, which would
    /// abort with "Wrong HPy Context!"): the entry marks it valid for the
    /// nested call (`revalidate_debug_context` of the universal ABI).
    NestedCallsGetBusyContext = 1 << 15,
    /// An instance of a type that says nothing of how to pickle it is
    /// pickled as an empty object (PyPy 7.3.19 does not know what an HPy
    /// type's instance holds; CPython refuses it: "cannot pickle 'T'
    /// object"): a class with no pickling hook of its own gets a
    /// `__getstate__` that refuses as CPython does.
    PicklesUnknownState = 1 << 16,
    /// An object can be destroyed (`tp_destroy`) while another still
    /// references it, and its storage is then freed although the object
    /// lives on: PyPy 7.3.19 runs `tp_destroy` right after `__del__` even
    /// when `__del__` brought the object (or one referring to it) back,
    /// and detaches the storage (issue 25's N2). A `TypedField` read there
    /// first asks HPy where the object's data is (`HPyField_Load`,
    /// `_HPy_AsStruct_Object`, a close) before it touches the cached block.
    DestroysReferenced = 1 << 17,
    /// `HPyLong_AsInt32_t`, `HPyLong_AsInt64_t` and the `*Mask`
    /// conversions read an object that is not an `int` through its
    /// `__int__` (PyPy 7.3.19: `Decimal('1.5')` becomes 1, `Fraction(7, 2)`
    /// 3) and refuse a `float` subclass with an `__index__`; CPython's read
    /// it through `__index__` alone (since 3.10): hpy-rs passes such an
    /// object through `HPy_Index` first, so that every host accepts what
    /// CPython accepts.
    LongAsCallsInt = 1 << 18,
    /// `HPyFloat_AsDouble` refuses an object whose only number method is
    /// `__index__`, and reads an `int` subclass's value without asking its
    /// own `__float__` (PyPy 7.3.19); CPython's asks `__float__`, then
    /// `__index__`: hpy-rs reads the first through `HPy_Index` after the
    /// `TypeError`, and for a whole number asks whether the object is an
    /// `int` of a subclass, whose `float()` it then reads.
    FloatAsSkipsDunders = 1 << 19,
    /// No way to make a type immutable (HPy 0.9 has no such flag;
    /// hpy_rs_universal offers one, in every mode): a class declared
    /// `immutable_type` stays mutable there.
    NoTypeFreeze = 1 << 20,
}

/// The quirks of one host: see [`Quirk`] for each.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct HostProfile(u32);

impl HostProfile {
    /// No quirk.
    const NONE: HostProfile = HostProfile(0);

    /// The CPython ABI: hpy-rs's own runtime on CPython 3.11-3.15.
    pub(crate) const CPYTHON_ABI: HostProfile = HostProfile::NONE;

    /// The quirks a universal binary assumes on every host: its behaviour
    /// (what it refuses, what it checks) must not depend on the host that
    /// loads it, and PyPy has these.
    pub(crate) const UNIVERSAL_ASSUMED: HostProfile = HostProfile::NONE
        .with(Quirk::Utf8MayHoldSurrogates)
        .with(Quirk::BytesSizeCallsLen)
        .with(Quirk::LaxLongAsDouble)
        .with(Quirk::SignedLongAsVoidPtr);

    /// hpy-rs's own host, `hpy_rs_universal`, plain or debug: its contexts
    /// serve every call, it clears weak references and offers threads a
    /// way to attach.
    pub(crate) const HPY_RS_UNIVERSAL: HostProfile = HostProfile::UNIVERSAL_ASSUMED;

    /// HPy 0.9's own `hpy.universal` on CPython, plain or trace mode.
    pub(crate) const HPY_UNIVERSAL: HostProfile = HostProfile::UNIVERSAL_ASSUMED
        .with(Quirk::NoObjectSlots)
        .with(Quirk::NoThreadAttach)
        .with(Quirk::NoTypeFreeze);

    /// `hpy.universal`'s debug mode: HPy's C debug context, as PyPy's
    /// debug mode, so one call at a time there too (xxhash's concurrent
    /// thread-safety tests aborted in 1 of 20 runs without it).
    pub(crate) const HPY_UNIVERSAL_DEBUG: HostProfile = HostProfile::HPY_UNIVERSAL
        .with(Quirk::ContextPerCall)
        .with(Quirk::OneCallAtATime);

    /// PyPy 7.3.19's built-in HPy, plain or trace mode.
    pub(crate) const PYPY: HostProfile = HostProfile::UNIVERSAL_ASSUMED
        .with(Quirk::NewClassUnchecked)
        .with(Quirk::NoBuiltinShapes)
        .with(Quirk::SharedBuffers)
        .with(Quirk::BrokenGetsets)
        .with(Quirk::NoObjectSlots)
        .with(Quirk::LeakyBuilders)
        .with(Quirk::GlobalStoreLeaks)
        .with(Quirk::DocSignaturesUnread)
        .with(Quirk::NoThreadAttach)
        .with(Quirk::PicklesUnknownState)
        .with(Quirk::DestroysReferenced)
        .with(Quirk::LongAsCallsInt)
        .with(Quirk::FloatAsSkipsDunders)
        .with(Quirk::NoTypeFreeze);

    /// PyPy 7.3.19's debug mode.
    pub(crate) const PYPY_DEBUG: HostProfile = HostProfile::PYPY
        .with(Quirk::ContextPerCall)
        .with(Quirk::OneCallAtATime)
        .with(Quirk::NestedCallsGetBusyContext);

    /// This profile and `quirk`.
    const fn with(self, quirk: Quirk) -> HostProfile {
        HostProfile(self.0 | quirk as u32)
    }

    /// Whether this host has `quirk`.
    #[inline(always)]
    pub(crate) const fn has(self, quirk: Quirk) -> bool {
        self.0 & quirk as u32 != 0
    }

    /// The bits kept in the universal ABI's static.
    #[inline(always)]
    pub(crate) const fn bits(self) -> u32 {
        self.0
    }

    /// The profile whose [`bits`](Self::bits) are `bits`.
    #[inline(always)]
    pub(crate) const fn from_bits(bits: u32) -> HostProfile {
        HostProfile(bits)
    }

    /// The profile of the host whose context is named `name` (its `name`
    /// field): hpy_rs_universal's end in "(hpy-rs host on CPython)",
    /// PyPy's in "(PyPy backend)", and the debug modes' start with "HPy
    /// Debug". Any other is taken for HPy's own `hpy.universal`.
    pub(crate) fn of_context_name(name: &[u8]) -> HostProfile {
        let debug = name.starts_with(b"HPy Debug");
        if name.ends_with(HPY_RS_HOST_SUFFIX) {
            HostProfile::HPY_RS_UNIVERSAL
        } else if name.ends_with(b"(PyPy backend)") {
            if debug {
                HostProfile::PYPY_DEBUG
            } else {
                HostProfile::PYPY
            }
        } else if debug {
            HostProfile::HPY_UNIVERSAL_DEBUG
        } else {
            HostProfile::HPY_UNIVERSAL
        }
    }
}

/// How the contexts of hpy-rs's own host end their name.
pub(crate) const HPY_RS_HOST_SUFFIX: &[u8] = b"(hpy-rs host on CPython)";

/// The name of hpy_rs_universal's plain context, whose handles are the
/// `PyObject*`s themselves and whose `ctx_CallRealFunctionFromTrampoline`
/// passes arguments and results through unchanged: a universal binary's
/// trampolines call its functions directly there (`universal/entry.rs`). The
/// host must rename this context if that ever stops being true.
pub(crate) const HPY_RS_PLAIN_CONTEXT_NAME: &[u8] = b"HPy Universal ABI (hpy-rs host on CPython)";

#[cfg(test)]
mod tests {
    use super::{HostProfile, Quirk};

    #[test]
    fn hosts_are_told_apart_by_their_context_names() {
        let of = HostProfile::of_context_name;
        assert_eq!(
            of(b"HPy Universal ABI (hpy-rs host on CPython)"),
            HostProfile::HPY_RS_UNIVERSAL
        );
        assert_eq!(
            of(b"HPy Debug Mode ABI (hpy-rs host on CPython)"),
            HostProfile::HPY_RS_UNIVERSAL
        );
        assert_eq!(of(b"HPy Universal ABI (PyPy backend)"), HostProfile::PYPY);
        assert_eq!(
            of(b"HPy Debug Mode ABI (PyPy backend)"),
            HostProfile::PYPY_DEBUG
        );
        assert_eq!(of(b"HPy Trace Mode ABI (PyPy backend)"), HostProfile::PYPY);
        assert_eq!(
            of(b"HPy Universal ABI (CPython backend)"),
            HostProfile::HPY_UNIVERSAL
        );
        assert_eq!(of(b"HPy Debug Mode ABI"), HostProfile::HPY_UNIVERSAL_DEBUG);
        assert_eq!(of(b"HPy Trace Mode ABI"), HostProfile::HPY_UNIVERSAL);
    }

    #[test]
    fn every_quirk_has_its_own_bit_and_a_host() {
        let all = [
            Quirk::NewClassUnchecked,
            Quirk::NoBuiltinShapes,
            Quirk::SharedBuffers,
            Quirk::BrokenGetsets,
            Quirk::NoObjectSlots,
            Quirk::LeakyBuilders,
            Quirk::GlobalStoreLeaks,
            Quirk::DocSignaturesUnread,
            Quirk::ContextPerCall,
            Quirk::NoThreadAttach,
            Quirk::NestedCallsGetBusyContext,
            Quirk::Utf8MayHoldSurrogates,
            Quirk::BytesSizeCallsLen,
            Quirk::LaxLongAsDouble,
            Quirk::SignedLongAsVoidPtr,
            Quirk::OneCallAtATime,
            Quirk::PicklesUnknownState,
            Quirk::DestroysReferenced,
            Quirk::LongAsCallsInt,
            Quirk::FloatAsSkipsDunders,
            Quirk::NoTypeFreeze,
        ];
        let hosts = [
            HostProfile::HPY_RS_UNIVERSAL,
            HostProfile::HPY_UNIVERSAL,
            HostProfile::HPY_UNIVERSAL_DEBUG,
            HostProfile::PYPY,
            HostProfile::PYPY_DEBUG,
        ];
        let mut seen = 0u32;
        for q in all {
            assert_eq!((q as u32).count_ones(), 1, "{q:?}");
            assert_eq!(seen & q as u32, 0, "{q:?} shares a bit");
            seen |= q as u32;
            assert!(!HostProfile::CPYTHON_ABI.has(q), "{q:?}");
            assert!(hosts.iter().any(|h| h.has(q)), "{q:?} is on no host");
        }
        // Only PyPy's quirks and the debug modes' differ from the assumed.
        for h in hosts {
            assert_eq!(
                h.bits() & HostProfile::UNIVERSAL_ASSUMED.bits(),
                HostProfile::UNIVERSAL_ASSUMED.bits()
            );
        }
    }
}
