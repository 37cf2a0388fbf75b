//! `PyCapsule`: the typed handle [`Capsule`], a Rust value owned by a
//! Python object (`HPyCapsule`).

use core::ffi::{c_void, CStr};
use std::any::TypeId;

mod destructor;

use crate::{Context, HPyErr, HPyResult, Handle};
use destructor::{capsule_destructor, capsule_marker, CapsuleHeader};

super::typed_handle! {
    /// Capsules: Python objects that carry a pointer for C (or Rust) code,
    /// typically to hand a native API from one extension to another
    /// (`HPyCapsule_*`).
    ///
    /// [`Context::new_capsule`] moves a Rust value into a new capsule; the capsule owns
    /// it and drops it when Python frees the capsule. [`Capsule::get`] lends it
    /// back, for as long as the handle is borrowed.
    ///
    /// Type safety: a capsule's name says what it holds, but names are only a
    /// convention (another extension could use the same name for something
    /// else). So `get` checks three things before handing out a `&T`: the name
    /// (as `PyCapsule_GetPointer` does), that the capsule was made by *this*
    /// extension's `Context::new_capsule` (its context pointer is a marker private to
    /// this binary), and that the value's `TypeId` is `T`'s. A capsule made
    /// elsewhere under the same name is refused, not misread; for capsules from
    /// foreign code use the raw [`pointer`](Capsule::pointer).
    ///
    /// [`Handle::downcast`] accepts any capsule, of any name: the type check
    /// is that `HPyCapsule_GetName` does not fail.
    ///
    /// ```
    /// use hpy::{Capsule, Context, HPyResult};
    ///
    /// struct Config {
    ///     verbose: bool,
    /// }
    ///
    /// fn make<'ctx>(ctx: Context<'ctx>) -> HPyResult<Capsule<'ctx>> {
    ///     ctx.new_capsule(Config { verbose: true }, c"mymod.config")
    /// }
    ///
    /// fn is_verbose(capsule: &Capsule<'_>) -> HPyResult<bool> {
    ///     Ok(capsule.get::<Config>(c"mymod.config")?.verbose)
    /// }
    /// # let _ = (make, is_verbose);
    /// ```
    Capsule, "PyCapsule", |obj| {
        let ctx = obj.context();
        // SAFETY: valid handle. For anything but a capsule the call fails
        // with an exception (cleared here); a capsule may have no name.
        let name = unsafe { hpy_sys::HPyCapsule_GetName(ctx.as_raw(), obj.as_raw()) };
        if name.is_null() && ctx.err_occurred() {
            ctx.err_clear();
            return false;
        }
        true
    }
}

/// What a capsule made by [`Context::new_capsule`] points to.
#[repr(C)]
struct Payload<T> {
    header: CapsuleHeader,
    value: T,
}

/// Frees a `Payload<T>` given a pointer to its header.
///
/// # Safety
/// `header` must come from `Box::<Payload<T>>::into_raw`, and is consumed.
unsafe fn drop_payload<T>(header: *mut CapsuleHeader) {
    // SAFETY: per the contract; the header is the first field of the
    // `repr(C)` payload, so the pointers coincide.
    drop(unsafe { Box::from_raw(header.cast::<Payload<T>>()) });
}

impl<'ctx> Context<'ctx> {
    /// A new capsule named `name` that owns `value` (`HPyCapsule_New`); see
    /// [`Capsule`].
    ///
    /// The value is dropped when Python frees the capsule — possibly on
    /// another thread, hence `Send`; `'static` because it outlives the
    /// call. A panic in its `Drop` is reported on stderr and otherwise
    /// ignored: it must not unwind into the interpreter.
    pub fn new_capsule<T: Send + 'static>(
        self,
        value: T,
        name: &'static CStr,
    ) -> HPyResult<Capsule<'ctx>> {
        let ctx = self;
        let payload = Box::into_raw(Box::new(Payload {
            header: CapsuleHeader {
                type_id: TypeId::of::<T>(),
                drop: drop_payload::<T>,
            },
            value,
        }));
        let raw = ctx.as_raw();
        // SAFETY: a non-null pointer, a name that lives forever (capsules
        // keep the pointer, not a copy) and our static destructor; the
        // result is owned or HPy_NULL.
        let capsule = unsafe {
            ctx.wrap_result(hpy_sys::HPyCapsule_New(
                raw,
                payload.cast(),
                name.as_ptr(),
                capsule_destructor(),
            ))
        };
        let capsule = match capsule {
            Ok(c) => c,
            Err(e) => {
                // SAFETY: no capsule took the payload; it is still ours.
                unsafe { drop_payload::<T>(payload.cast()) };
                return Err(e);
            }
        };
        // SAFETY: valid capsule; the marker is a static address.
        let status =
            unsafe { hpy_sys::HPyCapsule_SetContext(raw, capsule.as_raw(), capsule_marker()) };
        // On failure the capsule is dropped here and its destructor, which
        // does not see the marker, leaks the payload instead of guessing.
        ctx.wrap_status(status)?;
        Ok(Capsule(capsule))
    }
}

impl<'ctx> Capsule<'ctx> {
    /// The value of a capsule made by [`Context::new_capsule`] with a `T`, borrowed
    /// for as long as `capsule` is.
    ///
    /// Fails with `ValueError` if `capsule` is not a capsule named `name`
    /// (CPython's own check, with its message), and with `TypeError` if it
    /// was not made by this extension's `Context::new_capsule` or holds another type.
    pub fn get<T: 'static>(&self, name: &CStr) -> HPyResult<&T> {
        let capsule = &self.0;
        let ctx = capsule.context();
        let raw = ctx.as_raw();
        // SAFETY: valid handle and NUL-terminated name; NULL with an
        // exception on a wrong type or name.
        let pointer =
            unsafe { hpy_sys::HPyCapsule_GetPointer(raw, capsule.as_raw(), name.as_ptr()) };
        if pointer.is_null() {
            return Err(HPyErr::raised(ctx));
        }
        // SAFETY: `capsule` is a valid capsule (checked above).
        let context = unsafe { hpy_sys::HPyCapsule_GetContext(raw, capsule.as_raw()) };
        if context != capsule_marker() {
            ctx.err_clear(); // a NULL context may leave nothing, or an error
            return Err(HPyErr::type_error(format!(
                "capsule {name:?} was not created by this extension's Context::new_capsule"
            )));
        }
        let header = pointer.cast::<CapsuleHeader>();
        // SAFETY: a marked capsule points to a `Payload<_>` from
        // `Context::new_capsule` (only the unsafe setters could change that).
        if unsafe { (*header).type_id } != TypeId::of::<T>() {
            return Err(HPyErr::type_error(format!(
                "capsule {name:?} holds another Rust type than {}",
                std::any::type_name::<T>()
            )));
        }
        // SAFETY: the payload holds a `T` (same TypeId), lives until the
        // capsule dies, and the capsule outlives `'a` because the borrowed
        // handle keeps it alive. Only shared references are ever handed out.
        Ok(unsafe { &(*pointer.cast::<Payload<T>>()).value })
    }

    /// Whether `obj` is a capsule named `name` with a non-NULL pointer
    /// (`HPyCapsule_IsValid`). Never raises.
    pub fn is_valid(obj: &Handle<'_>, name: &CStr) -> bool {
        // SAFETY: valid handle and NUL-terminated name.
        unsafe {
            hpy_sys::HPyCapsule_IsValid(obj.context().as_raw(), obj.as_raw(), name.as_ptr()) != 0
        }
    }

    /// The capsule's name, borrowed for as long as the capsule is
    /// (`HPyCapsule_GetName`); `None` for an unnamed capsule. Fails with
    /// `ValueError` if `capsule` is not a valid capsule.
    pub fn name(&self) -> HPyResult<Option<&CStr>> {
        let capsule = &self.0;
        let ctx = capsule.context();
        // SAFETY: valid handle; NULL is either "no name" or an error.
        let name = unsafe { hpy_sys::HPyCapsule_GetName(ctx.as_raw(), capsule.as_raw()) };
        if name.is_null() {
            return if ctx.err_occurred() {
                Err(HPyErr::raised(ctx))
            } else {
                Ok(None)
            };
        }
        // SAFETY: a capsule's name is a NUL-terminated string that must
        // outlive the capsule, which `'a` keeps alive.
        Ok(Some(unsafe { CStr::from_ptr(name) }))
    }

    /// Renames the capsule (`HPyCapsule_SetName`). The capsule keeps the
    /// pointer, hence `'static`. A value made by [`Context::new_capsule`] stays
    /// readable under the new name.
    pub fn set_name(&self, name: &'static CStr) -> HPyResult<()> {
        let capsule = &self.0;
        let ctx = capsule.context();
        // SAFETY: valid handle and a NUL-terminated name that lives forever.
        let status =
            unsafe { hpy_sys::HPyCapsule_SetName(ctx.as_raw(), capsule.as_raw(), name.as_ptr()) };
        ctx.wrap_status(status)
    }

    /// The raw pointer of a capsule named `name` (`HPyCapsule_GetPointer`),
    /// for capsules from foreign code. Fails with `ValueError` on a wrong
    /// type or name. Using the pointer is up to the caller.
    pub fn pointer(&self, name: &CStr) -> HPyResult<*mut c_void> {
        let capsule = &self.0;
        let ctx = capsule.context();
        // SAFETY: valid handle and NUL-terminated name.
        let p = unsafe {
            hpy_sys::HPyCapsule_GetPointer(ctx.as_raw(), capsule.as_raw(), name.as_ptr())
        };
        if p.is_null() {
            Err(HPyErr::raised(ctx))
        } else {
            Ok(p)
        }
    }

    /// The raw context pointer (`HPyCapsule_GetContext`). For capsules made
    /// by [`Context::new_capsule`] it is a private marker.
    pub fn context_pointer(&self) -> HPyResult<*mut c_void> {
        let capsule = &self.0;
        let ctx = capsule.context();
        // SAFETY: valid handle; NULL is either "no context" or an error.
        let p = unsafe { hpy_sys::HPyCapsule_GetContext(ctx.as_raw(), capsule.as_raw()) };
        if p.is_null() && ctx.err_occurred() {
            Err(HPyErr::raised(ctx))
        } else {
            Ok(p)
        }
    }

    /// Creates a capsule around a raw pointer (`HPyCapsule_New`), with no
    /// destructor.
    ///
    /// # Safety
    /// `pointer` must be non-null and stay valid for as long as anyone can
    /// reach the capsule and use the pointer; `name` outlives the capsule.
    pub unsafe fn new_raw(
        ctx: Context<'ctx>,
        pointer: *mut c_void,
        name: Option<&'static CStr>,
    ) -> HPyResult<Capsule<'ctx>> {
        let name = name.map_or(core::ptr::null(), CStr::as_ptr);
        // SAFETY: per the contract; the result is owned or HPy_NULL.
        unsafe {
            ctx.wrap_result(hpy_sys::HPyCapsule_New(
                ctx.as_raw(),
                pointer,
                name,
                core::ptr::null_mut(),
            ))
            .map(Capsule)
        }
    }

    /// Replaces the raw pointer (`HPyCapsule_SetPointer`).
    ///
    /// # Safety
    /// Whoever reads the capsule (including [`Capsule::get`] and the
    /// capsule's destructor, for one made by [`Context::new_capsule`]) must find
    /// what it expects behind the new pointer; the old value is not freed.
    pub unsafe fn set_pointer(&self, pointer: *mut c_void) -> HPyResult<()> {
        let capsule = &self.0;
        let ctx = capsule.context();
        // SAFETY: valid handle; the pointer's meaning is the caller's.
        let status =
            unsafe { hpy_sys::HPyCapsule_SetPointer(ctx.as_raw(), capsule.as_raw(), pointer) };
        ctx.wrap_status(status)
    }

    /// Replaces the raw context pointer (`HPyCapsule_SetContext`).
    ///
    /// # Safety
    /// On a capsule made by [`Context::new_capsule`] this removes its marker:
    /// [`Capsule::get`] then refuses it and its value is leaked, unless the
    /// marker is put back. Other readers must expect the new context.
    pub unsafe fn set_context(&self, context: *mut c_void) -> HPyResult<()> {
        let capsule = &self.0;
        let ctx = capsule.context();
        // SAFETY: valid handle; the pointer's meaning is the caller's.
        let status =
            unsafe { hpy_sys::HPyCapsule_SetContext(ctx.as_raw(), capsule.as_raw(), context) };
        ctx.wrap_status(status)
    }

    /// Replaces the destructor (`HPyCapsule_SetDestructor`; NULL removes
    /// it).
    ///
    /// # Safety
    /// `destructor` must be NULL or point to a static destructor with both
    /// entry points, valid for this capsule's pointer and context.
    pub unsafe fn set_destructor(
        &self,
        destructor: *mut hpy_sys::HPyCapsule_Destructor,
    ) -> HPyResult<()> {
        let capsule = &self.0;
        let ctx = capsule.context();
        // SAFETY: per the contract.
        let status = unsafe {
            hpy_sys::HPyCapsule_SetDestructor(ctx.as_raw(), capsule.as_raw(), destructor)
        };
        ctx.wrap_status(status)
    }
}
