//! `#[hpy_class]` enums whose variants carry data, for
//! tests/python/test_data_enums.py.

use hpy::{hpy_class, hpy_method, hpy_methods, hpy_module, HPyResult};

/// A shape: a circle, a rectangle or a pair of integers.
#[hpy_class(module = "hpyrs_enums", eq)]
#[derive(Clone, PartialEq)]
pub enum Shape {
    /// A circle of radius `r`.
    Circle { r: f64 },
    /// A `w` by `h` rectangle.
    Rect { w: f64, h: f64 },
    /// Two integers, a tuple variant (`_0`, `_1`).
    Pair(i64, i64),
    /// No fields at all.
    Empty(),
}

#[hpy_methods]
impl Shape {
    /// The area (0 for a pair or an empty shape).
    fn area(&self) -> f64 {
        match self {
            Shape::Circle { r } => std::f64::consts::PI * r * r,
            Shape::Rect { w, h } => w * h,
            Shape::Pair(..) | Shape::Empty() => 0.0,
        }
    }

    /// This shape twice as large, of the same variant.
    fn scaled(&self, by: f64) -> Shape {
        match self {
            Shape::Circle { r } => Shape::Circle { r: r * by },
            Shape::Rect { w, h } => Shape::Rect {
                w: w * by,
                h: h * by,
            },
            Shape::Pair(a, b) => Shape::Pair(a * by as i64, b * by as i64),
            Shape::Empty() => Shape::Empty(),
        }
    }

    /// The rectangle around this shape (a `Rect` whatever `self` is).
    fn bounds(&self) -> Shape {
        match self {
            Shape::Circle { r } => Shape::Rect {
                w: 2.0 * r,
                h: 2.0 * r,
            },
            other => other.clone(),
        }
    }

    /// The variant's name, from Rust.
    fn kind(&self) -> &'static str {
        match self {
            Shape::Circle { .. } => "circle",
            Shape::Rect { .. } => "rect",
            Shape::Pair(..) => "pair",
            Shape::Empty() => "empty",
        }
    }
}

/// An enum with a field that owns heap data (a `tp_destroy`) and no `eq`
/// (compared by identity, as PyO3 without `eq`).
#[hpy_class(module = "hpyrs_enums")]
pub enum Message {
    /// Text.
    Text { body: String, tags: Vec<String> },
    /// A number.
    Number(f64),
}

/// A hashable enum with data (`eq, hash`, on the value).
#[hpy_class(module = "hpyrs_enums", eq, hash, str)]
#[derive(PartialEq, Eq, Hash)]
pub enum Key {
    /// By name.
    Name(String),
    /// By number.
    Id { id: i64 },
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Key::Name(n) => write!(f, "name:{n}"),
            Key::Id { id } => write!(f, "id:{id}"),
        }
    }
}

/// A unit circle, made in Rust.
#[hpy_method]
fn unit_circle() -> Shape {
    Shape::Circle { r: 1.0 }
}

/// Every variant of `Shape`, made in Rust.
#[hpy_method]
fn all_shapes() -> Vec<Shape> {
    vec![
        Shape::Circle { r: 1.5 },
        Shape::Rect { w: 2.0, h: 3.0 },
        Shape::Pair(4, 5),
        Shape::Empty(),
    ]
}

/// The sum of the areas of `shapes` (their values taken from Python).
#[hpy_method]
fn total_area(shapes: Vec<hpy::Handle<'_>>) -> HPyResult<f64> {
    let mut total = 0.0;
    for s in &shapes {
        total += hpy::Ref::<Shape>::borrow(s.borrow())?.area();
    }
    Ok(total)
}

/// The length of a message's text (-1 for a number).
#[hpy_method]
fn text_len(message: hpy::Ref<'_, '_, Message>) -> i64 {
    match &*message {
        Message::Text { body, .. } => body.len() as i64,
        Message::Number(_) => -1,
    }
}

hpy_module! {
    /// Enums whose variants carry data.
    methods: [unit_circle, all_shapes, total_area, text_len],
    types: [Shape, Message, Key],
}

// Cheap instances: `Shape`'s variants hold only numbers, so its classes get
// no `tp_destroy` (the spec builder leaves it out without drop glue);
// `Message` owns heap data and gets one.
const _: () = assert!(!<Shape as hpy::HPyClass>::NEEDS_DESTROY);
const _: () = assert!(<Message as hpy::HPyClass>::NEEDS_DESTROY);
