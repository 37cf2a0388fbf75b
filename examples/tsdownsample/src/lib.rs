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
//! by `build.rs` from a table (see there), each in the Rust module of its
//! submodule, which `hpy_submodule!` declares (`minmax`, and in it
//! `sequential` and `parallel`, ...); `hpy_module!` lists the algorithms'
//! submodules. One source builds to the CPython ABI and to HPy's
//! universal ABI.
//!
//! The arrays are read in place: a [`PyReadonlyArray1`] borrows NumPy's
//! memory (no copy, on every host), and the indices `Vec` becomes the
//! result array. A non-contiguous array is refused with a `TypeError`
//! where the original panics (`as_slice().unwrap()`).
//!
//! [`PyReadonlyArray1`]: hpy::numpy::PyReadonlyArray1

use hpy::hpy_module;

/// What every generated function names.
mod prelude {
    pub(crate) use half::f16;
    pub(crate) use hpy::numpy::{IntoPyArray, PyArray1, PyReadonlyArray1};
    pub(crate) use hpy::{hpy_method, hpy_submodule, Context, HPyResult};

    /// What every function returns: the indices of the selected items.
    pub(crate) type Indices<'ctx> = HPyResult<PyArray1<'ctx, usize>>;
}

include!(concat!(env!("OUT_DIR"), "/functions.rs"));
