//! `#[hpy_class]` and `#[hpy_methods]`: members (read-write, read-only,
//! renamed), a constructor and an initialiser, a class attribute, a property
//! with getter and setter, a read-only property, methods with every receiver;
//! a subclassable base, a class extending it, a builtin shape.
use hpy::{hpy_class, hpy_methods, Context, Field, HPyResult, Handle, Ref};

/// A counter.
#[hpy_class(module = "snapshot", subclass)]
#[derive(Default)]
struct Counter {
    /// The current value.
    #[member]
    value: i64,
    #[member(readonly, name = "increment")]
    step: i64,
    label: String,
}

#[hpy_methods]
impl Counter {
    #[new]
    fn new() -> Counter {
        Counter::default()
    }

    #[init]
    fn init(&mut self, start: i64, step: Option<i64>) {
        self.value = start;
        self.step = step.unwrap_or(1);
    }

    /// `Counter.limit == 100`.
    #[classattr]
    fn limit() -> i64 {
        100
    }

    #[getter]
    fn get_label(&self) -> String {
        self.label.clone()
    }

    #[setter]
    fn set_label(&mut self, value: String) {
        self.label = value;
    }

    #[getter(doubled)]
    fn twice(&self) -> i64 {
        2 * self.value
    }

    /// Advances by one step.
    fn tick(&mut self) -> i64 {
        self.value += self.step;
        self.value
    }

    #[method(name = "peek", noargs)]
    fn current(&self) -> i64 {
        self.value
    }

    fn same<'ctx>(slf: &Handle<'ctx>) -> Handle<'ctx> {
        slf.dup()
    }

    fn sum(slf: Ref<'_, '_, Self>, ctx: Context<'_>) -> i64 {
        let _ = ctx;
        slf.value + slf.step
    }
}

/// A counter that also counts its resets and holds a `Field`.
#[hpy_class(module = "snapshot", extends = Counter)]
struct Resettable {
    resets: u32,
    owner: Field,
}

#[hpy_methods]
impl Resettable {
    #[new]
    fn new() -> (Resettable, Counter) {
        (
            Resettable {
                resets: 0,
                owner: Field::new(),
            },
            Counter::default(),
        )
    }

    fn reset(&mut self) -> HPyResult<u32> {
        self.resets += 1;
        Ok(self.resets)
    }
}

/// A float carrying a tag.
#[hpy_class(module = "snapshot", shape = "float")]
#[derive(Default)]
struct Tagged {
    tag: i64,
}

#[hpy_methods]
impl Tagged {
    #[getter]
    fn tag(&self) -> i64 {
        self.tag
    }
}

fn main() {}
