//! `parity`: what a PyO3 user reaches for every day, written with hpy-rs
//! (classes in `classes.rs`).

#![forbid(unsafe_code)]

use hpy::hpy_module;

mod classes;

use classes::{Bag, Color, Leaf, Named, Node, Probe};

hpy_module! {
    /// PyO3 features, the way hpy-rs spells them.
    name: parity,
    types: [Named, Probe, Bag, Color, Node, Leaf],
}
