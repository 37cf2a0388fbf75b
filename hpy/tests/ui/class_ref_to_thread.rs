// A borrow of a class's value belongs to the call's thread.
use hpy::{hpy_class, hpy_method, Ref};

#[hpy_class]
struct Point {
    x: f64,
}

#[hpy_method]
fn spawn_read<'ctx>(p: Ref<'_, 'ctx, Point>) -> f64 {
    std::thread::scope(|s| s.spawn(|| p.x).join().unwrap())
}

fn main() {}
