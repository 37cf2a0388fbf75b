//! `parity`: what a PyO3 user reaches for every day, written with hpy-rs
//! (classes in `classes.rs`, functions in `functions.rs`).

#![forbid(unsafe_code)]

use hpy::hpy_module;

mod classes;
mod functions;

use classes::{Bag, Color, Leaf, Named, Node, Probe};
use functions::{
    apply, call_from_thread, custom_sig, describe, half, make_point, norm_attrs, norm_items, scale,
    sort_desc, upper, ANSWER, FRACTION,
};

hpy_module! {
    /// PyO3 features, the way hpy-rs spells them.
    name: parity,
    methods: [
        scale, norm_attrs, norm_items, make_point, describe, apply, upper, sort_desc, half,
        custom_sig, call_from_thread,
    ],
    types: [Named, Probe, Bag, Color, Node, Leaf],
    globals: [FRACTION],
    constants: [ANSWER, NAME = "parity"],
}
