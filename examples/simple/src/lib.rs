//! `simple`: the call-overhead and conversion workloads of the benchmarks.
//! The call-overhead functions do as little as possible, so what is
//! measured is the cost of getting in and out of Rust; the conversion
//! functions move Rust values in and out of Python the way an extension
//! does it (`bench/README.md` lists both).
//!
//! Each function uses the calling convention of its C API twin in
//! `bench/c/simple/simple_capi.c` (`o` for `METH_O`, `varargs` for
//! `METH_FASTCALL`), so that every row compares like with like; without an
//! option, named parameters would take keywords (`METH_FASTCALL |
//! METH_KEYWORDS`), which costs CPython 3.11 about 23-35 instructions more
//! per positional call.

#![forbid(unsafe_code)]

use hpy::{
    hpy_class, hpy_method, hpy_methods, hpy_module, Context, Dict, HPyErr, HPyResult, Handle,
    IntoHPy, VarArgs,
};

/// Takes nothing, returns None.
#[hpy_method]
fn noargs() {}

/// Takes one argument, returns None.
#[hpy_method(o)]
fn onearg(_x: &Handle<'_>) {}

/// Takes any positional arguments, returns None.
#[hpy_method]
fn varargs(_args: VarArgs<'_, '_>) {}

/// `f(*t)`.
#[hpy_method(varargs)]
fn call_with_tuple<'ctx>(f: &Handle<'ctx>, t: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    f.call_tuple_dict(Some(t), None)
}

/// `f(*t, **d)`.
#[hpy_method(varargs)]
fn call_with_tuple_and_dict<'ctx>(
    f: &Handle<'ctx>,
    t: &Handle<'ctx>,
    d: &Handle<'ctx>,
) -> HPyResult<Handle<'ctx>> {
    f.call_tuple_dict(Some(t), Some(d))
}

/// Returns a new int, 2048.
#[hpy_method]
fn allocate_int() -> i64 {
    2048
}

/// Returns a new tuple, (2048, 2049).
#[hpy_method]
fn allocate_tuple() -> (i64, i64) {
    (2048, 2049)
}

// ---- conversions ----

/// The sum of a sequence of floats (read into a `Vec<f64>` first).
#[hpy_method(o)]
fn sum_floats(xs: Vec<f64>) -> f64 {
    xs.iter().sum()
}

/// A list of 1000 floats, `[0.0, 0.5, 1.0, ...]`, made from a `Vec<f64>`.
#[hpy_method]
fn float_list() -> Vec<f64> {
    (0..1000).map(|i| f64::from(i) * 0.5).collect()
}

/// The text with `!` appended.
#[hpy_method(o)]
fn exclaim(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    out.push_str(text);
    out.push('!');
    out
}

/// The keys of [`make_dict`], `"k00"` to `"k99"`, three bytes each.
const KEYS: &str = concat!(
    "k00k01k02k03k04k05k06k07k08k09",
    "k10k11k12k13k14k15k16k17k18k19",
    "k20k21k22k23k24k25k26k27k28k29",
    "k30k31k32k33k34k35k36k37k38k39",
    "k40k41k42k43k44k45k46k47k48k49",
    "k50k51k52k53k54k55k56k57k58k59",
    "k60k61k62k63k64k65k66k67k68k69",
    "k70k71k72k73k74k75k76k77k78k79",
    "k80k81k82k83k84k85k86k87k88k89",
    "k90k91k92k93k94k95k96k97k98k99",
);

/// `{'k00': 0, 'k01': 1, ..., 'k99': 99}`, built item by item.
#[hpy_method]
fn make_dict(ctx: Context<'_>) -> HPyResult<Dict<'_>> {
    let dict = ctx.new_dict()?;
    for i in 0..100 {
        let key = &KEYS[3 * i..3 * i + 3];
        dict.set_item(&key.into_hpy(ctx)?, &(i as i64).into_hpy(ctx)?)?;
    }
    Ok(dict)
}

/// Raises `ValueError`.
#[hpy_method]
fn raise_value_error() -> HPyResult<()> {
    Err(HPyErr::value_error("raised by the benchmark"))
}

/// `a + b + c + d`: one positional argument, two required keyword-only
/// ones and one with a default.
#[hpy_method(signature = (a, *, b, c, d = 3))]
fn keywords(a: i32, b: i32, c: i32, d: i32) -> i64 {
    i64::from(a) + i64::from(b) + i64::from(c) + i64::from(d)
}

/// A class whose methods do nothing.
#[hpy_class(module = "simple")]
struct Foo {}

#[hpy_methods]
impl Foo {
    #[new]
    fn new() -> Self {
        Foo {}
    }

    /// Takes nothing, returns None.
    fn noargs(&self) {}

    /// Takes one argument, returns None.
    #[method(o)]
    fn onearg(&self, _x: &Handle<'_>) {}

    /// Takes any positional arguments, returns None.
    fn varargs(&self, _args: VarArgs<'_, '_>) {}

    fn __len__(&self) -> usize {
        42
    }

    fn __getitem__(&self, _index: &Handle<'_>) {}
}

/// Publishes `Foo` a second time, as `HTFoo`.
fn init<'ctx>(ctx: Context<'ctx>, module: &Handle<'ctx>) -> HPyResult<()> {
    let foo_type = hpy::type_object::<Foo>(ctx)?;
    module.set_attr_s("HTFoo", &foo_type)
}

hpy_module! {
    /// Functions and a class that do nothing, to measure call overhead, and
    /// functions that convert values, to measure conversions.
    methods: [
        noargs, onearg, varargs, call_with_tuple, call_with_tuple_and_dict, allocate_int,
        allocate_tuple, sum_floats, float_list, exclaim, make_dict, raise_value_error, keywords,
    ],
    types: [Foo],
    exec: init,
    // What `init` adds (for the type stub).
    attributes: [HTFoo: hpy::Type<'_>],
}
