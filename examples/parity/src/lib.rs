//! `parity`: what a PyO3 user reaches for every day, written with hpy-rs
//! (classes in `classes.rs`, functions in `functions.rs`, one function per
//! optional conversion feature in `features.rs`).

#![forbid(unsafe_code)]

use hpy::hpy_module;

mod classes;
mod features;
mod functions;

use classes::{Bag, Color, Leaf, Named, Node, Probe, Shape};
use features::{
    add_days, double_order, epoch_seconds, factorial, half_duration, is_loopback, parse_port,
    parse_ratio, total, uuid_version,
};
use functions::{
    apply, call_from_thread, custom_sig, describe, half, make_point, norm_attrs, norm_items, scale,
    sort_desc, upper, ANSWER, FRACTION,
};

hpy_module! {
    /// PyO3 features, the way hpy-rs spells them.
    name: parity,
    methods: [
        scale, norm_attrs, norm_items, make_point, describe, apply, upper, sort_desc, half,
        custom_sig, call_from_thread, factorial, add_days, epoch_seconds, total, uuid_version,
        double_order, parse_port, parse_ratio, half_duration, is_loopback,
    ],
    types: [Named, Probe, Bag, Color, Shape, Node, Leaf],
    globals: [FRACTION],
    constants: [ANSWER, NAME = "parity"],
}
