//! `objects_hpyrs`: making small objects, the hpy-rs side of
//! `bench/object-twins` (its twins in C: `bench/c/objects/objects_capi.c`
//! against CPython's C API and `objects_hpyc.c` against HPy 0.9).
//!
//! - `Var(x)`: a frozen class holding one float (`value`); `v * k` is a
//!   new `Var`.
//! - `Term(var, coefficient)`: a frozen class holding a float and a
//!   reference to a `Var`, kept in a `TypedField` set at construction
//!   (docs/classes.md, "Cheap instances"); `t * k` is a new `Term` of the
//!   same `Var`.
//! - `make_var(x)`, `make_term(var, c)`: the same as calling the classes,
//!   as module functions.
//! - The baselines, which make nothing: `nothing(x)` and `nothing_term(var,
//!   c)` take and convert what `make_var` and `make_term` take and return
//!   `None`; `Op() * k` converts `k` as `Var`'s and `Term`'s operators do
//!   and returns `None`.
//!
//! The module functions use the calling convention of their C twins
//! (`o` for `METH_O`, `varargs` for `METH_FASTCALL`), as examples/simple
//! does: positional arguments only.

#![forbid(unsafe_code)]

use hpy::{
    hpy_class, hpy_method, hpy_methods, hpy_module, HPyErr, HPyResult, Handle, Ref, TypedField,
    WithBorrowedFields, WithFields,
};

/// A float, frozen.
#[hpy_class(module = "objects_hpyrs", frozen)]
struct Var {
    /// The float it holds.
    #[member(readonly)]
    value: f64,
}

#[hpy_methods]
impl Var {
    #[new]
    fn new(x: f64) -> Var {
        Var { value: x }
    }

    /// A new `Var` holding `value * k`.
    fn __mul__(&self, k: f64) -> Var {
        Var {
            value: self.value * k,
        }
    }
}

/// A coefficient and the `Var` it multiplies, frozen.
#[hpy_class(module = "objects_hpyrs", frozen)]
struct Term {
    var: TypedField<Var>,
    /// The coefficient.
    #[member(readonly)]
    coefficient: f64,
}

/// A `Term` of `var` and `coefficient`: the builder borrows the argument's
/// handle until the instance is made (`set_typed_borrowed`, as
/// docs/classes.md teaches for an argument), with no handle of its own.
fn term<'a, 'ctx>(
    var: &Ref<'a, 'ctx, Var>,
    coefficient: f64,
) -> WithBorrowedFields<'a, 'ctx, Term> {
    let value = Term {
        var: TypedField::new(),
        coefficient,
    };
    WithFields::new(value).set_typed_borrowed(|t| &t.var, var)
}

#[hpy_methods]
impl Term {
    #[new]
    fn new<'a, 'ctx>(
        var: Ref<'a, 'ctx, Var>,
        coefficient: f64,
    ) -> WithBorrowedFields<'a, 'ctx, Term> {
        term(&var, coefficient)
    }

    /// A new `Term` of the same `Var`, its coefficient times `k`
    /// (`set_typed_from`: the `Var` copied from this instance's field, as
    /// docs/classes.md teaches, with no class test).
    fn __mul__<'ctx>(slf: Ref<'_, 'ctx, Self>, k: f64) -> WithFields<'ctx, Term> {
        let value = Term {
            var: TypedField::new(),
            coefficient: slf.coefficient * k,
        };
        WithFields::new(value).set_typed_from(|t| &t.var, &slf, &slf.var)
    }

    /// The `Var` it refers to.
    #[getter]
    fn var<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<Handle<'ctx>> {
        slf.load_typed(&slf.var).ok_or_else(unset)
    }
}

/// A `Term` without its `Var` (only a constructor sets it, and always).
fn unset() -> HPyErr {
    HPyErr::runtime_error("Term has no Var")
}

/// The operator baseline: `Op() * k` converts `k` and makes nothing.
#[hpy_class(module = "objects_hpyrs", frozen)]
struct Op {}

#[hpy_methods]
impl Op {
    #[new]
    fn new() -> Op {
        Op {}
    }

    /// Converts `k` and returns `None`.
    fn __mul__(&self, k: f64) {
        let _ = k;
    }
}

/// `Var(x)`.
#[hpy_method(o)]
fn make_var(x: f64) -> Var {
    Var { value: x }
}

/// `Term(var, c)`.
#[hpy_method(varargs)]
fn make_term<'a, 'ctx>(var: Ref<'a, 'ctx, Var>, c: f64) -> WithBorrowedFields<'a, 'ctx, Term> {
    term(&var, c)
}

/// Converts `x` as `make_var` does and returns `None`.
#[hpy_method(o)]
fn nothing(x: f64) {
    let _ = x;
}

/// Converts its arguments as `make_term` does and returns `None`.
#[hpy_method(varargs)]
fn nothing_term(var: Ref<'_, '_, Var>, c: f64) {
    let _ = (var, c);
}

hpy_module! {
    /// Small objects made with hpy-rs (bench/object-twins).
    methods: [make_var, make_term, nothing, nothing_term],
    types: [Var, Term, Op],
}
