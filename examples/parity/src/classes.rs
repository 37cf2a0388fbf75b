//! Classes: members of any convertible type, borrow-checked; a sequence
//! made of `__len__` and `__getitem__`.

use hpy::{hpy_class, hpy_methods, HPyErr, HPyResult, Handle};

/// A name with tags: members of any type that converts both ways.
#[hpy_class(module = "parity")]
pub struct Named {
    /// The name (read and written from Python).
    #[member]
    name: String,
    /// The tags (a copy is handed to Python: `named.tags.append(..)`
    /// changes the copy; assign the attribute to change them).
    #[member(get, set)]
    tags: Vec<String>,
    /// How many times the name was given (read-only from Python).
    #[member(get)]
    version: u32,
}

#[hpy_methods]
impl Named {
    #[new]
    fn new(name: String) -> Self {
        Named {
            name,
            tags: Vec::new(),
            version: 1,
        }
    }
}

/// A member written by Python while a method holds `&self`.
#[hpy_class(module = "parity")]
pub struct Probe {
    /// Written by the callback of `read_around`.
    #[member]
    a: i64,
}

#[hpy_methods]
impl Probe {
    #[new]
    fn new(a: i64) -> Self {
        Probe { a }
    }

    /// Reads `self.a`, calls `f()`, reads `self.a` again. `self` is
    /// borrowed across the call, so `f` cannot write the member: the write
    /// raises `RuntimeError`, which `f` may catch; the two reads agree.
    fn read_around<'ctx>(&self, f: &Handle<'ctx>) -> HPyResult<(i64, i64, Handle<'ctx>)> {
        let before = self.a;
        let result = f.call(&[])?;
        Ok((before, self.a, result))
    }
}

/// A sequence with only `__len__` and `__getitem__`: iterable as in Python.
#[hpy_class(module = "parity")]
pub struct Bag {
    items: Vec<i64>,
}

#[hpy_methods]
impl Bag {
    #[new]
    fn new(items: Vec<i64>) -> Self {
        Bag { items }
    }

    fn __len__(&self) -> usize {
        self.items.len()
    }

    fn __getitem__(&self, index: isize) -> HPyResult<i64> {
        let len = self.items.len() as isize;
        let at = if index < 0 { index + len } else { index };
        usize::try_from(at)
            .ok()
            .and_then(|i| self.items.get(i).copied())
            .ok_or_else(|| HPyErr::index_error("Bag index out of range"))
    }
}

/// A colour: an enum of unit variants, one instance per variant
/// (`Color.Red`), comparable with each other and with ints.
#[hpy_class(module = "parity")]
pub enum Color {
    Red,
    Green,
    Blue,
}

#[hpy_methods]
impl Color {
    /// The next colour in the cycle.
    fn next(&self) -> Color {
        match self {
            Color::Red => Color::Green,
            Color::Green => Color::Blue,
            Color::Blue => Color::Red,
        }
    }
}

/// A PyO3-style complex enum: a subclass per variant (`Shape.Circle`),
/// constructors taking the fields, fields as attributes (`_0`, `_1` for a
/// tuple variant), `__match_args__`, and `eq` comparing the values.
#[hpy_class(module = "parity", eq)]
#[derive(Clone, PartialEq)]
pub enum Shape {
    /// A circle of radius `r`.
    Circle { r: f64 },
    /// A `w` by `h` rectangle.
    Rect { w: f64, h: f64 },
    /// A point on a grid.
    Cell(i64, i64),
}

#[hpy_methods]
impl Shape {
    /// The area (0 for a cell).
    fn area(&self) -> f64 {
        match self {
            Shape::Circle { r } => std::f64::consts::PI * r * r,
            Shape::Rect { w, h } => w * h,
            Shape::Cell(..) => 0.0,
        }
    }

    /// The smallest rectangle around the shape: a `Shape.Rect` whatever
    /// the variant.
    fn bounds(&self) -> Shape {
        match self {
            Shape::Circle { r } => Shape::Rect {
                w: 2.0 * r,
                h: 2.0 * r,
            },
            Shape::Rect { .. } => self.clone(),
            Shape::Cell(..) => Shape::Rect { w: 1.0, h: 1.0 },
        }
    }
}

/// A graph node that can be weakly referenced and carries a `__dict__`.
#[hpy_class(module = "parity", weakref, dict)]
pub struct Node {
    /// The node's value.
    #[member]
    value: i64,
}

#[hpy_methods]
impl Node {
    #[new]
    fn new(value: i64) -> Self {
        Node { value }
    }
}

/// Weak references only: no `__dict__`, no garbage-collector tracking.
#[hpy_class(module = "parity", weakref)]
pub struct Leaf {
    #[member(get)]
    value: i64,
}

#[hpy_methods]
impl Leaf {
    #[new]
    fn new(value: i64) -> Self {
        Leaf { value }
    }
}
