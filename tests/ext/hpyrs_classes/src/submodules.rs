//! Submodules (`hpy_submodule!`): `hpyrs_classes.geometry` with a class,
//! an exception, constants and an exec hook, `hpyrs_classes.geometry.units`
//! below it, and `hpyrs_classes.hidden`, which is not in `sys.modules`
//! (tests/python/test_submodules.py).

use hpy::{hpy_class, hpy_method, hpy_methods, hpy_submodule, Context, HPyResult, Handle};

hpy::create_exception!(
    hpyrs_classes.geometry,
    GeometryError,
    ValueError,
    "Raised by the geometry functions."
);

/// `area(w, h)`: the area of a `w` by `h` rectangle; `GeometryError` for a
/// negative side.
#[hpy_method]
pub fn area(w: f64, h: f64) -> HPyResult<f64> {
    if w < 0.0 || h < 0.0 {
        return Err(GeometryError::new_err("a side is negative"));
    }
    Ok(w * h)
}

/// `name()`: the name this function has in Rust, the same as a function of
/// `units` has (each lives in its own submodule).
#[hpy_method]
pub fn name() -> &'static str {
    "geometry.name"
}

/// `fail()`: panics, which becomes the module's `PanicException`.
#[hpy_method]
pub fn fail() -> i64 {
    panic!("a panic in a submodule's function")
}

/// A rectangle.
#[hpy_class(module = "hpyrs_classes.geometry")]
pub struct Rect {
    #[member]
    w: f64,
    #[member]
    h: f64,
}

#[hpy_methods]
impl Rect {
    #[new]
    fn new(w: f64, h: f64) -> Self {
        Rect { w, h }
    }

    /// The area.
    fn area(&self) -> f64 {
        self.w * self.h
    }
}

/// The exec hook: what it sets comes after everything the keys make.
fn init<'ctx>(ctx: Context<'ctx>, module: &Handle<'ctx>) -> HPyResult<()> {
    let unit = module.get_attr_s("units")?.get_attr_s("UNIT")?;
    module.set_attr_s("DEFAULT_UNIT", &unit)?;
    module.set_attr_s(
        "RECT_NAME",
        &module.get_attr_s("Rect")?.get_attr_s("__name__")?,
    )?;
    let _ = ctx;
    Ok(())
}

hpy_submodule! {
    /// Rectangles (a submodule of hpyrs_classes).
    name: geometry,
    methods: [area, name, fail],
    types: [Rect],
    exceptions: [GeometryError],
    constants: [SIDES = 4, ORIGIN = (0, 0)],
    submodules: [units::units],
    exec: init,
}

/// `hpyrs_classes.geometry.units`.
pub mod units {
    use hpy::{hpy_method, hpy_submodule};

    /// `name()`: as `geometry.name`, in this submodule.
    #[hpy_method]
    pub fn name() -> &'static str {
        "units.name"
    }

    /// `to_mm(cm)`: centimetres in millimetres.
    #[hpy_method]
    pub fn to_mm(cm: f64) -> f64 {
        cm * 10.0
    }

    hpy_submodule! {
        name: units,
        methods: [name, to_mm],
        constants: [UNIT = "cm"],
    }
}

/// `secret()`: a function of a submodule that is not in `sys.modules`.
#[hpy_method]
pub fn secret() -> i64 {
    42
}

hpy_submodule! {
    doc: "Reachable only as hpyrs_classes.hidden.",
    name: hidden,
    methods: [secret],
    register: false,
}
