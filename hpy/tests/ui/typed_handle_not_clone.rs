// A typed handle owns one close, like `Handle`: not `Clone`, only dup()ed.
use hpy::List;

fn needs_clone<T: Clone>() {}

fn main() {
    needs_clone::<List<'static>>();
}
