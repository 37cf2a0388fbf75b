//! kiwisolver 1.5.1's Python API on hpy-rs.
//!
//! The original is C++ (the "kiwi" Cassowary solver) with about 1,800
//! lines of hand-written C-API bindings; this port keeps the Python API
//! (`Variable`, `Term`, `Expression`, `Constraint`, `Solver`, `strength`,
//! six exceptions) and solves with the `kasuari` crate. One source builds
//! to the CPython ABI and to HPy's universal ABI. See
//! `docs/port-kiwisolver.md` for what the bindings did by hand that
//! hpy-rs generates, and for the gaps the port found.

use hpy::{hpy_class, hpy_methods, hpy_module, Context, HPyResult, Handle, IntoHPy};

mod constraint;
mod format;
mod solver;
mod symbolics;

pub use constraint::Constraint;
pub use solver::Solver;
pub use symbolics::{Expression, Term, Variable};

hpy::create_exception!(kiwisolver, BadRequiredStrength, Exception);
hpy::create_exception!(
    kiwisolver,
    DuplicateConstraint,
    Exception,
    attributes = [constraint]
);
hpy::create_exception!(
    kiwisolver,
    DuplicateEditVariable,
    Exception,
    attributes = [edit_variable]
);
hpy::create_exception!(
    kiwisolver,
    UnknownConstraint,
    Exception,
    attributes = [constraint]
);
hpy::create_exception!(
    kiwisolver,
    UnknownEditVariable,
    Exception,
    attributes = [edit_variable]
);
hpy::create_exception!(
    kiwisolver,
    UnsatisfiableConstraint,
    Exception,
    attributes = [constraint]
);

/// The version of the Python package this port follows.
const VERSION: &str = "1.5.1";
/// The version of the kiwi C++ library that kiwisolver 1.5.1 wraps.
const KIWI_VERSION: &str = "1.5.1";

/// The `strength` singleton: the predefined strengths and `create`.
#[hpy_class(module = "kiwisolver", frozen)]
struct Strength {}

#[hpy_methods]
impl Strength {
    #[getter]
    fn weak(&self) -> f64 {
        kasuari::Strength::WEAK.value()
    }

    #[getter]
    fn medium(&self) -> f64 {
        kasuari::Strength::MEDIUM.value()
    }

    #[getter]
    fn strong(&self) -> f64 {
        kasuari::Strength::STRONG.value()
    }

    #[getter]
    fn required(&self) -> f64 {
        kasuari::Strength::REQUIRED.value()
    }

    /// Create a strength from its strong, medium and weak parts (each
    /// clamped to 0..1000 after the weight multiplies it).
    #[method(signature = (a, b, c, weight = 1.0, /))]
    fn create(&self, a: f64, b: f64, c: f64, weight: f64) -> f64 {
        kasuari::Strength::create(a, b, c, weight).value()
    }
}

fn init<'ctx>(ctx: Context<'ctx>, module: &Handle<'ctx>) -> HPyResult<()> {
    module.set_attr_s("__version__", &VERSION.into_hpy(ctx)?)?;
    module.set_attr_s("__kiwi_version__", &KIWI_VERSION.into_hpy(ctx)?)?;
    module.set_attr_s("strength", &Strength {}.into_hpy(ctx)?)
}

hpy_module! {
    /// kiwisolver: a fast implementation of the Cassowary constraint solver.
    name: kiwisolver,
    // `Strength` only as the type of `strength` (the original's module
    // does not have it).
    types: [Variable, Term, Expression, Constraint, Solver, #[unexported] Strength],
    exceptions: [
        BadRequiredStrength, DuplicateConstraint, DuplicateEditVariable,
        UnknownConstraint, UnknownEditVariable, UnsatisfiableConstraint,
    ],
    exec: init,
    // What `init` adds (for the type stub).
    attributes: [__kiwi_version__: &str, strength: Strength],
}
