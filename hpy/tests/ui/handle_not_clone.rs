// A Handle owns one close: it cannot be cloned, only dup()ed.
use hpy::Handle;

fn needs_clone<T: Clone>(_: &T) {}

fn copy_it(h: &Handle<'_>) {
    needs_clone(h_owned(h));
}

fn h_owned<'a, 'ctx>(h: &'a Handle<'ctx>) -> &'a Handle<'ctx> {
    h
}

fn main() {
    let _ = copy_it;
    let _ = needs_clone::<Handle<'static>>;
}
