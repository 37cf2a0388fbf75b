//! [`SourceKind`], a leaf (HPy's constants only): the ABI layer names it
//! to compile its own code object, below the rest of `eval.rs`.

/// What [`Context::compile`](crate::Context::compile) compiles, as the
/// `mode` argument of Python's `compile()` (HPy's `HPy_SourceKind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum SourceKind {
    /// One expression (`"eval"`, `HPy_SourceKind_Expr`).
    Expr = hpy_sys::HPy_SourceKind_Expr,
    /// A module: a sequence of statements (`"exec"`, `HPy_SourceKind_File`).
    File = hpy_sys::HPy_SourceKind_File,
    /// One interactive statement (`"single"`, `HPy_SourceKind_Single`).
    Single = hpy_sys::HPy_SourceKind_Single,
}
