//! tsdownsample 0.1.5.1's extension `tsdownsample._rust._tsdownsample_rs`
//! on hpy-rs, with `hpy::numpy` in place of rust-numpy.
//!
//! The original (PyO3 and rust-numpy) exposes the algorithms of its
//! `downsample_rs` crate as one function per element type: for each of
//! the submodules `minmax`, `m4`, `lttb` and `minmaxlttb`, in a
//! `sequential` and (but for `lttb`) a `parallel` module,
//! `downsample_{y}` (`y` only), `downsample_{x}_{y}` (`x` and `y`) and the
//! NaN-aware `downsample_nan_…` for float `y`. Each takes contiguous 1-d
//! arrays and `n_out` (and for MinMaxLTTB a `ratio`) and returns the
//! selected indices as a new `uint64` array. The Python package picks the
//! function by the arrays' dtypes.
//!
//! This port keeps those names and signatures. The functions are written
//! by `build.rs` from a table (see there); here are their shared pieces
//! and the module's `init`, which moves each function into its submodule.
//! One source builds to the CPython ABI and to HPy's universal ABI.
//!
//! The arrays are read in place: a [`PyReadonlyArray1`] borrows NumPy's
//! memory (no copy, on every host), and the indices `Vec` becomes the
//! result array. A non-contiguous array is refused with a `TypeError`
//! where the original panics (`as_slice().unwrap()`).

use half::f16;
use hpy::numpy::{IntoPyArray, PyArray1, PyReadonlyArray1};
use hpy::{hpy_method, hpy_module, Context, HPyResult, Handle, IntoHPy};

/// What every function returns: the indices of the selected items.
type Indices<'ctx> = HPyResult<PyArray1<'ctx, usize>>;

/// A submodule's functions: (name in the submodule, flat name).
type Functions = &'static [(&'static str, &'static str)];
/// An algorithm's submodules (`sequential`, `parallel`) and their functions.
type Modes = &'static [(&'static str, Functions)];

include!(concat!(env!("OUT_DIR"), "/functions.rs"));

/// Makes the original's submodules (`minmax`, and in it `sequential` and
/// `parallel`, ...) and moves each function from the module, where
/// `hpy_module!` put it under its unique flat name
/// (`minmax_sequential_downsample_f32`), into its submodule under the
/// original's name (`downsample_f32`).
fn init<'ctx>(ctx: Context<'ctx>, module: &Handle<'ctx>) -> HPyResult<()> {
    let module_type = ctx.import_module("types")?.get_attr_s("ModuleType")?;
    for (algorithm, modes) in LAYOUT {
        let algorithm_module = module_type.call(&[&algorithm.into_hpy(ctx)?])?;
        for (mode, functions) in *modes {
            let mode_module = module_type.call(&[&mode.into_hpy(ctx)?])?;
            for (name, flat) in *functions {
                mode_module.set_attr_s(name, &module.get_attr_s(flat)?)?;
                module.del_attr_s(flat)?;
            }
            algorithm_module.set_attr_s(mode, &mode_module)?;
        }
        module.set_attr_s(algorithm, &algorithm_module)?;
    }
    Ok(())
}
