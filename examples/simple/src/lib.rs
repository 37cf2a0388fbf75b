//! `simple`: the call-overhead workload of the benchmarks. Every function
//! does as little as possible, so what is measured is the cost of getting
//! in and out of Rust.

#![forbid(unsafe_code)]

use hpy::{hpy_class, hpy_method, hpy_methods, hpy_module, Context, HPyResult, Handle, VarArgs};

/// Takes nothing, returns None.
#[hpy_method]
fn noargs() {}

/// Takes one argument, returns None.
#[hpy_method]
fn onearg(_x: &Handle<'_>) {}

/// Takes any positional arguments, returns None.
#[hpy_method]
fn varargs(_args: VarArgs<'_, '_>) {}

/// `f(*t)`.
#[hpy_method]
fn call_with_tuple<'ctx>(f: &Handle<'ctx>, t: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    f.call_tuple_dict(Some(t), None)
}

/// `f(*t, **d)`.
#[hpy_method]
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
    /// Functions and a class that do nothing, to measure call overhead.
    methods: [noargs, onearg, varargs, call_with_tuple, call_with_tuple_and_dict, allocate_int, allocate_tuple],
    types: [Foo],
    exec: init,
}
