//! `parity`: what a PyO3 user reaches for every day, written with hpy-rs
//! (classes in `classes.rs`, functions in `functions.rs`, one function per
//! optional conversion feature in `features.rs`, the date/time ones in
//! `dates.rs`).

#![forbid(unsafe_code)]

use hpy::hpy_module;

mod classes;
mod dates;
mod features;
mod functions;

use classes::{Bag, Color, Leaf, Named, Node, Probe, Shape};
use dates::{as_local, days_between, in_zone, one_month_later};
use features::{
    add_days, double_order, epoch_seconds, factorial, half_duration, is_loopback, parse_port,
    parse_ratio, total, uuid_version,
};
use features::{
    common_keys, frame, median, mediant, port_number, quadratic_roots, round_places, top_n,
    word_counts,
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
        // issue 41
        quadratic_roots, mediant, round_places, median, port_number, frame, word_counts,
        common_keys, top_n,
        in_zone, as_local, one_month_later, days_between,
    ],
    types: [Named, Probe, Bag, Color, Shape, Node, Leaf],
    globals: [FRACTION],
    constants: [ANSWER, NAME = "parity"],
}
