// A class holding a `Field` stays on the interpreter's thread: read the plain
// data out first (`let x = self.x;`) and send that.
use hpy::{hpy_class, hpy_methods, Field};

#[hpy_class]
struct Node {
    x: f64,
    next: Field,
}

#[hpy_methods]
impl Node {
    fn par(&self) -> f64 {
        std::thread::scope(|s| s.spawn(|| self.x).join().unwrap())
    }
}

fn main() {}
