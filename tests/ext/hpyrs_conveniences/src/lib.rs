//! `hpyrs_conveniences`: static and class methods, the derived special
//! methods of `#[hpy_class(eq, ord, hash, frozen, str)]`, a class without
//! `#[hpy_methods]` and `types:` listed child first
//! (see `tests/python/test_class_conveniences.py`); `collections.abc`
//! registration and dotted type names (`tests/python/test_abc_and_type_names.py`);
//! exceptions with attributes (`tests/python/test_exception_attributes.py`).

use std::fmt;

use hpy::{
    hpy_class, hpy_method, hpy_methods, hpy_module, Abc, Context, HPyErr, HPyResult, Handle,
    IntoHPy, Ref, RefMut, VarArgs,
};

/// Numbers with a mean; made directly or through its class methods.
#[hpy_class(module = "hpyrs_conveniences", subclass)]
struct Samples {
    values: Vec<f64>,
}

#[hpy_methods]
impl Samples {
    #[new]
    fn new() -> Samples {
        Samples { values: Vec::new() }
    }

    /// The version of the format.
    #[staticmethod]
    fn version() -> &'static str {
        "1.0"
    }

    /// `a + b`, positional only.
    #[staticmethod]
    fn add(a: i64, b: i64) -> i64 {
        a + b
    }

    /// One parameter (the `O` convention).
    #[staticmethod]
    fn double(x: i64) -> i64 {
        2 * x
    }

    /// A signature with a default and a keyword-only parameter.
    #[staticmethod(signature = (x, /, y = 10.0, *, scale = 1.5))]
    fn scaled(x: f64, y: f64, scale: f64) -> f64 {
        (x + y) * scale
    }

    /// Every positional argument.
    #[staticmethod]
    fn count(args: VarArgs<'_, '_>) -> usize {
        args.len()
    }

    /// The context as a parameter; a different Python name.
    #[staticmethod(name = "nothing")]
    fn none_at_all(ctx: Context<'_>) -> Handle<'_> {
        ctx.none()
    }

    /// Raises.
    #[staticmethod]
    fn fails() -> HPyResult<i64> {
        Err(HPyErr::value_error("static failure"))
    }

    /// Panics.
    #[staticmethod]
    fn panics() -> i64 {
        panic!("static panic")
    }

    /// Makes a `Bare` (which has no constructor of its own).
    #[staticmethod]
    fn bare(x: i64) -> Bare {
        Bare {
            x,
            y: x as f64 / 2.0,
        }
    }

    /// Makes a `Point` (which has no `#[hpy_methods]`).
    #[staticmethod]
    fn point(x: i64, y: i64) -> Point {
        Point { x, y }
    }

    /// The samples in `xs` (an instance of this class, not of `cls`).
    #[classmethod]
    fn from_list(cls: &Handle<'_>, xs: Vec<f64>) -> HPyResult<Self> {
        let _ = cls;
        Ok(Samples { values: xs })
    }

    /// The name of the class it is called on.
    #[classmethod]
    fn class_name(cls: &Handle<'_>) -> HPyResult<String> {
        cls.get_attr_s("__name__")?.extract()
    }

    /// `cls()` filled with `0.0, 1.0, …` (an instance of `cls`, also of a
    /// subclass).
    #[classmethod]
    fn make<'ctx>(cls: &Handle<'ctx>, n: usize) -> HPyResult<Handle<'ctx>> {
        let obj = cls.call(&[])?;
        obj.extract::<RefMut<'_, '_, Samples>>()?
            .values
            .extend((0..n).map(|i| i as f64));
        Ok(obj)
    }

    /// `*values` and a keyword: `(class name, label, count)`.
    #[classmethod(signature = (*values, label = "none"))]
    fn build<'ctx>(
        ctx: Context<'ctx>,
        cls: &Handle<'ctx>,
        values: VarArgs<'_, 'ctx>,
        label: String,
    ) -> HPyResult<Handle<'ctx>> {
        let name: String = cls.get_attr_s("__name__")?.extract()?;
        (name, label, values.len()).into_hpy(ctx)
    }

    /// Keywords allowed.
    #[classmethod(keywords)]
    fn scaled_mean(cls: &Handle<'_>, xs: Vec<f64>, factor: Option<f64>) -> HPyResult<f64> {
        let _ = cls;
        let n = xs.len().max(1) as f64;
        Ok(xs.iter().sum::<f64>() / n * factor.unwrap_or(1.0))
    }

    /// The mean of the samples.
    fn mean(&self) -> f64 {
        self.values.iter().sum::<f64>() / self.values.len().max(1) as f64
    }

    fn __len__(&self) -> usize {
        self.values.len()
    }
}

/// A class without `#[hpy_methods]`: no constructor, members only.
#[hpy_class(module = "hpyrs_conveniences")]
struct Bare {
    #[member]
    x: i64,
    #[member(readonly)]
    y: f64,
}

/// Compared, ordered, hashed and printed through its Rust traits.
#[derive(PartialEq, PartialOrd, Hash)]
#[hpy_class(module = "hpyrs_conveniences", eq, ord, hash, frozen, str)]
struct Version {
    #[member(readonly)]
    major: i64,
    #[member(readonly)]
    minor: i64,
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}.{}", self.major, self.minor)
    }
}

#[hpy_methods]
impl Version {
    #[new]
    fn new(major: i64, minor: i64) -> Version {
        Version { major, minor }
    }

    /// The next minor version.
    fn bumped(&self) -> Version {
        Version {
            major: self.major,
            minor: self.minor + 1,
        }
    }

    /// Reads the value through `slf`.
    fn text(slf: Ref<'_, '_, Self>) -> String {
        slf.to_string()
    }

    /// Parses `"1.2"`.
    #[classmethod]
    fn parse(cls: &Handle<'_>, text: &str) -> HPyResult<Self> {
        let _ = cls;
        let (a, b) = text
            .split_once('.')
            .ok_or_else(|| HPyErr::value_error("expected MAJOR.MINOR"))?;
        let number = |s: &str| {
            s.parse::<i64>()
                .map_err(|e| HPyErr::value_error(e.to_string()))
        };
        Ok(Version::new(number(a)?, number(b)?))
    }
}

/// `eq` only, and no `#[hpy_methods]`: compares, is unhashable, does not
/// order.
#[derive(PartialEq)]
#[hpy_class(module = "hpyrs_conveniences", eq)]
struct Point {
    #[member]
    x: i64,
    #[member]
    y: i64,
}

/// `eq` with a hand-written `__hash__`: hashable.
#[derive(PartialEq)]
#[hpy_class(module = "hpyrs_conveniences", eq)]
struct Tag {
    name: String,
}

#[hpy_methods]
impl Tag {
    #[new]
    fn new(name: String) -> Tag {
        Tag { name }
    }

    fn __hash__(&self) -> i64 {
        self.name.len() as i64
    }
}

/// `str` alone, with a `__repr__` of its own.
#[hpy_class(module = "hpyrs_conveniences", str)]
struct Greeting {
    whom: String,
}

impl fmt::Display for Greeting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "hello, {}", self.whom)
    }
}

#[hpy_methods]
impl Greeting {
    #[new]
    fn new(whom: String) -> Greeting {
        Greeting { whom }
    }

    fn __repr__(&self) -> String {
        format!("Greeting({:?})", self.whom)
    }
}

/// A Rust parent class, listed after its child in `types`.
#[hpy_class(module = "hpyrs_conveniences", subclass)]
#[derive(Default)]
struct Animal {
    #[member(readonly)]
    legs: i64,
}

#[hpy_methods]
impl Animal {
    #[new]
    fn new(legs: i64) -> Animal {
        Animal { legs }
    }

    /// The class name: inherited by `Dog` and by Python subclasses.
    #[classmethod]
    fn kind(cls: &Handle<'_>) -> HPyResult<String> {
        cls.get_attr_s("__name__")?.extract()
    }

    /// Inherited too.
    #[staticmethod]
    fn kingdom() -> &'static str {
        "animalia"
    }
}

/// A Rust subclass of `Animal`.
#[hpy_class(module = "hpyrs_conveniences", extends = Animal)]
struct Dog {
    #[member(readonly)]
    good: bool,
}

#[hpy_methods]
impl Dog {
    #[new]
    fn new() -> (Dog, Animal) {
        (Dog { good: true }, Animal { legs: 4 })
    }
}

/// A module-level function sharing a static method's name.
#[hpy_method]
fn version() -> &'static str {
    "module"
}

hpy::create_exception!(
    hpyrs_conveniences,
    OutOfRange,
    ValueError,
    "A value outside its range.",
    attributes = [value, low, high],
);
hpy::create_exception!(hpyrs_conveniences, Rejected, Exception, attributes = [item]);

/// `value`, or `OutOfRange(value, low, high)` when it is outside `low..=high`.
#[hpy_method]
fn check_range(ctx: Context<'_>, value: i64, low: i64, high: i64) -> HPyResult<i64> {
    if (low..=high).contains(&value) {
        Ok(value)
    } else {
        Err(OutOfRange::new_err(ctx, value, low, high))
    }
}

/// Raises `Rejected(item)`.
#[hpy_method]
fn reject(item: &Handle<'_>) -> HPyResult<()> {
    Err(Rejected::new_err(item.context(), item))
}

/// The `collections.abc` names hpy-rs knows, in its order.
#[hpy_method]
fn abc_names() -> Vec<&'static str> {
    Abc::ALL.iter().map(|abc| abc.name()).collect()
}

fn abc_named(name: &str) -> HPyResult<Abc> {
    Abc::ALL
        .iter()
        .copied()
        .find(|abc| abc.name() == name)
        .ok_or_else(|| HPyErr::value_error(format!("no collections.abc.{name} in hpy::Abc")))
}

/// `Abc::<name>.class(ctx)`: the class object.
#[hpy_method]
fn abc_class<'ctx>(ctx: Context<'ctx>, name: &str) -> HPyResult<Handle<'ctx>> {
    Ok(abc_named(name)?.class(ctx)?.into_handle())
}

/// `Abc::<name>.register_type(cls)`.
#[hpy_method]
fn abc_register(name: &str, cls: &Handle<'_>) -> HPyResult<()> {
    abc_named(name)?.register_type(cls)
}

/// `Abc::<name>.is_instance(obj)`.
#[hpy_method]
fn abc_is_instance(name: &str, obj: &Handle<'_>) -> HPyResult<bool> {
    abc_named(name)?.is_instance(obj)
}

/// `obj.type_qualified_name()`.
#[hpy_method]
fn type_qualified_name(obj: &Handle<'_>) -> String {
    obj.type_qualified_name()
}

/// Registers `Tag` as a `collections.abc.Sequence` (nothing else makes
/// it one: `Sequence` has no `__subclasshook__`).
fn init<'ctx>(ctx: Context<'ctx>, _module: &Handle<'ctx>) -> HPyResult<()> {
    Abc::Sequence.register::<Tag>(ctx)
}

hpy_module! {
    /// Static and class methods and class conveniences for the hpy-rs test suite.
    methods: [
        version, abc_names, abc_class, abc_register, abc_is_instance, type_qualified_name,
        check_range, reject,
    ],
    types: [Dog, Samples, Bare, Version, Point, Tag, Greeting, Animal],
    exceptions: [OutOfRange, Rejected],
    exec: init,
}
