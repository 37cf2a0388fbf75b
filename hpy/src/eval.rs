//! Importing modules, compiling and evaluating source code, context
//! variables and the builtins.

use core::sync::atomic::{AtomicU16, Ordering};

use hpy_sys::HPyConstant;

use crate::cstr::with_cstr;
use crate::{Code, Context, HPyErr, HPyResult, Handle};

mod source_kind;
pub use source_kind::SourceKind;

impl<'ctx> Context<'ctx> {
    /// The running interpreter's language version, `sys.version_info[:2]`
    /// (for example `(3, 14)`; PyPy reports the Python version it
    /// implements). Asked once per process, then cached.
    pub fn python_version(self) -> HPyResult<(u8, u8)> {
        static VERSION: AtomicU16 = AtomicU16::new(0);
        let known = VERSION.load(Ordering::Relaxed);
        if known != 0 {
            return Ok(((known >> 8) as u8, known as u8));
        }
        let info = self.import_module("sys")?.get_attr_s("version_info")?;
        let major: u8 = info.get_item_i(0)?.extract()?;
        let minor: u8 = info.get_item_i(1)?.extract()?;
        VERSION.store(u16::from(major) << 8 | u16::from(minor), Ordering::Relaxed);
        Ok((major, minor))
    }

    /// `import name` (`HPyImport_ImportModule`): the module object; for a
    /// dotted name, like `importlib.import_module`, the innermost module.
    pub fn import_module(self, name: &str) -> HPyResult<Handle<'ctx>> {
        with_cstr(name, |name| {
            // SAFETY: NUL-terminated UTF-8; the result is owned or HPy_NULL.
            unsafe { self.wrap_result(hpy_sys::HPyImport_ImportModule(self.as_raw(), name)) }
        })
    }

    /// `compile(source, filename, mode)` (`HPy_Compile_s`). Source text
    /// containing NUL raises `ValueError`, as `compile` does.
    pub fn compile(self, source: &str, filename: &str, kind: SourceKind) -> HPyResult<Code<'ctx>> {
        if source.as_bytes().contains(&0) {
            return Err(HPyErr::value_error(
                "source code string cannot contain null bytes",
            ));
        }
        with_cstr(source, |source| {
            with_cstr(filename, |filename| {
                // SAFETY: NUL-terminated UTF-8 strings and a valid kind; the
                // result is owned or HPy_NULL.
                let code = unsafe {
                    self.wrap_result(hpy_sys::HPy_Compile_s(
                        self.as_raw(),
                        source,
                        filename,
                        kind as hpy_sys::HPy_SourceKind,
                    ))?
                };
                Ok(Code(code))
            })
        })
    }

    /// The builtins namespace: a **dict** (`builtins.__dict__` — not the
    /// `builtins` module), the context constant `h_Builtins`. It is a dict
    /// on every interpreter hpy-rs supports (CPython in both ABIs, PyPy),
    /// so it can serve as the globals of [`eval_code`](Code::eval) and be
    /// read with [`get_item_s`](Handle::get_item_s); for one builtin,
    /// [`builtin`](Context::builtin) is shorter.
    ///
    /// ```
    /// use hpy::{Context, HPyResult, Handle};
    ///
    /// fn builtin_len<'ctx>(ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
    ///     ctx.builtins().get_item_s("len")
    /// }
    /// # let _ = builtin_len;
    /// ```
    #[inline]
    pub fn builtins(self) -> Handle<'ctx> {
        self.constant(HPyConstant::Builtins)
    }

    /// `contextvars.ContextVar(name)` or, with a default,
    /// `ContextVar(name, default=default)` (`HPyContextVar_New`).
    pub fn context_var_new(
        self,
        name: &str,
        default: Option<&Handle<'ctx>>,
    ) -> HPyResult<Handle<'ctx>> {
        with_cstr(name, |name| {
            // SAFETY: NUL-terminated UTF-8 and a valid (or null) default; the
            // result is owned or HPy_NULL.
            unsafe {
                self.wrap_result(hpy_sys::HPyContextVar_New(
                    self.as_raw(),
                    name,
                    default.map_or(hpy_sys::HPy_NULL, |d| d.as_raw()),
                ))
            }
        })
    }
}

impl<'ctx> Handle<'ctx> {
    /// The value of a context variable in the current context, else
    /// `default`, else the variable's own default; `None` if there is none
    /// of these (`HPyContextVar_Get`). Raises `TypeError` if `self` is not a
    /// `ContextVar`.
    pub fn context_var_get(
        &self,
        default: Option<&Handle<'ctx>>,
    ) -> HPyResult<Option<Handle<'ctx>>> {
        let ctx = self.context();
        let mut result = hpy_sys::HPy_NULL;
        // SAFETY: valid handles (or null default) and a writable out-handle.
        let status = unsafe {
            hpy_sys::HPyContextVar_Get(
                ctx.as_raw(),
                self.as_raw(),
                default.map_or(hpy_sys::HPy_NULL, |d| d.as_raw()),
                &mut result,
            )
        };
        if status < 0 {
            return Err(HPyErr::raised(ctx));
        }
        if result._i == 0 {
            return Ok(None);
        }
        // SAFETY: on success a non-null result is a new owned handle.
        Ok(Some(unsafe { Handle::from_raw(ctx, result) }))
    }

    /// `self.set(value)` for a context variable: returns the reset token
    /// (`HPyContextVar_Set`). Raises `TypeError` if `self` is not a
    /// `ContextVar`.
    pub fn context_var_set(&self, value: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
        let ctx = self.context();
        // SAFETY: valid handles; the result is owned or HPy_NULL.
        unsafe {
            ctx.wrap_result(hpy_sys::HPyContextVar_Set(
                ctx.as_raw(),
                self.as_raw(),
                value.as_raw(),
            ))
        }
    }
}
