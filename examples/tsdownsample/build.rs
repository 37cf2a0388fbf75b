//! Writes the extension's functions: one per algorithm, mode, variant and
//! element type (x and y), each a thin `#[hpy_method]` over the
//! `downsample_rs` function of the same name, 855 in all, as the original
//! has them. The original writes them with nested `macro_rules!` and
//! `paste`; here a table drives the generation, because each submodule's
//! `hpy_submodule!` also needs the whole list of its functions' names.
//!
//! Output: `$OUT_DIR/functions.rs`, included by `src/lib.rs`: one Rust
//! module per Python submodule (`minmax`, and in it `sequential` and
//! `parallel`, ...) holding its functions and its `hpy_submodule!`, then
//! the `hpy_module!` that lists the algorithms' submodules.

use std::fmt::Write as _;
use std::path::PathBuf;

/// Element types of `y`, in the original's order.
const Y: &[&str] = &[
    "f16", "f32", "f64", "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64",
];
/// Element types of `y` in the NaN-aware variants.
const Y_NAN: &[&str] = &["f16", "f32", "f64"];
/// Element types of `x`.
const X: &[&str] = &["f32", "f64", "i16", "i32", "i64", "u16", "u32", "u64"];

/// One family of functions in a submodule: the Python name's prefix
/// (`downsample` or `downsample_nan`), the `downsample_rs` functions
/// without and with `x`, the `y` types, and whether a `ratio` follows
/// `n_out`.
struct Family {
    prefix: &'static str,
    without_x: &'static str,
    with_x: &'static str,
    y: &'static [&'static str],
    ratio: bool,
}

const fn family(
    prefix: &'static str,
    without_x: &'static str,
    with_x: &'static str,
    y: &'static [&'static str],
    ratio: bool,
) -> Family {
    Family {
        prefix,
        without_x,
        with_x,
        y,
        ratio,
    }
}

/// A submodule of an algorithm (`sequential` or `parallel`) and its families.
type Mode = (&'static str, Vec<Family>);

/// The original's modules: (algorithm, [(mode, [family])]). As in the
/// original, the parallel NaN variants call the plain parallel functions.
#[rustfmt::skip] // a table: one family a line
fn modules() -> Vec<(&'static str, Vec<Mode>)> {
    const P: &str = "downsample";
    const N: &str = "downsample_nan";
    vec![
        ("minmax", vec![
            ("sequential", vec![
                family(P, "min_max_without_x", "min_max_with_x", Y, false),
                family(N, "min_max_without_x_nan", "min_max_with_x_nan", Y_NAN, false),
            ]),
            ("parallel", vec![
                family(P, "min_max_without_x_parallel", "min_max_with_x_parallel", Y, false),
                family(N, "min_max_without_x_parallel", "min_max_with_x_parallel", Y_NAN, false),
            ]),
        ]),
        ("m4", vec![
            ("sequential", vec![
                family(P, "m4_without_x", "m4_with_x", Y, false),
                family(N, "m4_without_x_nan", "m4_with_x_nan", Y_NAN, false),
            ]),
            ("parallel", vec![
                family(P, "m4_without_x_parallel", "m4_with_x_parallel", Y, false),
                family(N, "m4_without_x_parallel", "m4_with_x_parallel", Y_NAN, false),
            ]),
        ]),
        ("lttb", vec![
            ("sequential", vec![family(P, "lttb_without_x", "lttb_with_x", Y, false)]),
        ]),
        ("minmaxlttb", vec![
            ("sequential", vec![
                family(P, "minmaxlttb_without_x", "minmaxlttb_with_x", Y, true),
                family(N, "minmaxlttb_without_x_nan", "minmaxlttb_with_x_nan", Y_NAN, true),
            ]),
            ("parallel", vec![
                family(P, "minmaxlttb_without_x_parallel", "minmaxlttb_with_x_parallel", Y, true),
                family(N, "minmaxlttb_without_x_parallel", "minmaxlttb_with_x_parallel", Y_NAN, true),
            ]),
        ]),
    ]
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let mut out = String::new();
    let mut algorithms = Vec::new();
    for (algorithm, modes) in modules() {
        writeln!(out, "/// `_tsdownsample_rs.{algorithm}`.\npub mod {algorithm} {{").unwrap();
        let mut mode_names = Vec::new();
        for (mode, families) in modes {
            writeln!(
                out,
                "    /// `_tsdownsample_rs.{algorithm}.{mode}`.\n    pub mod {mode} {{\n        use crate::prelude::*;\n"
            )
            .unwrap();
            let mut names = Vec::new();
            for f in &families {
                let ratio_param = if f.ratio { ", ratio: usize" } else { "" };
                let ratio_arg = if f.ratio { ", ratio" } else { "" };
                let mut emit = |name: String, params: String, call: String| {
                    writeln!(
                        out,
                        "        #[hpy_method]\n        pub fn {name}<'ctx>(ctx: Context<'ctx>, {params}, n_out: usize{ratio_param}) -> Indices<'ctx> {{\n            {call}.into_pyarray(ctx)\n        }}\n"
                    )
                    .unwrap();
                    names.push(name);
                };
                for ty in f.y {
                    emit(
                        format!("{}_{ty}", f.prefix),
                        format!("y: PyReadonlyArray1<'_, {ty}>"),
                        format!(
                            "downsample_rs::{}(y.as_slice()?, n_out{ratio_arg})",
                            f.without_x
                        ),
                    );
                }
                for tx in X {
                    for ty in f.y {
                        emit(
                            format!("{}_{tx}_{ty}", f.prefix),
                            format!("x: PyReadonlyArray1<'_, {tx}>, y: PyReadonlyArray1<'_, {ty}>"),
                            format!(
                                "downsample_rs::{}(x.as_slice()?, y.as_slice()?, n_out{ratio_arg})",
                                f.with_x
                            ),
                        );
                    }
                }
            }
            writeln!(out, "        hpy_submodule! {{\n            name: {mode},\n            methods: [{}],\n        }}\n    }}\n", names.join(", ")).unwrap();
            mode_names.push(format!("{mode}::{mode}"));
        }
        writeln!(
            out,
            "    hpy::hpy_submodule! {{\n        name: {algorithm},\n        submodules: [{}],\n    }}\n}}\n",
            mode_names.join(", ")
        )
        .unwrap();
        algorithms.push(format!("{algorithm}::{algorithm}"));
    }
    writeln!(
        out,
        "hpy_module! {{\n    /// tsdownsample's extension: the downsampling algorithms, one function per element type, in submodules.\n    name: _tsdownsample_rs,\n    methods: [],\n    submodules: [{}],\n}}",
        algorithms.join(", ")
    )
    .unwrap();
    let path = PathBuf::from(std::env::var_os("OUT_DIR").unwrap()).join("functions.rs");
    std::fs::write(path, out).unwrap();
}
