// `Ref::get_typed` hands out a `&U` without counting a borrow of `U`: only
// a `frozen` class, whose value is never borrowed mutably, can give one.
use hpy::{hpy_class, Ref, TypedField};

#[hpy_class]
struct Counter {
    count: i64,
}

#[hpy_class]
struct Watcher {
    counter: TypedField<Counter>,
}

fn count(watcher: &Ref<'_, '_, Watcher>) -> Option<i64> {
    watcher.get_typed(&watcher.counter).map(|c| c.count)
}

fn main() {}
