// A Global stores only a Handle, which carries its context: a raw HPy
// handle (with no context) cannot be stored.
use hpy::{Global, Handle};

static CACHE: Global = Global::new();

fn store_raw(x: &Handle<'_>) {
    let raw = x.as_raw();
    let _ = CACHE.store(&raw);
}

fn main() {
    let _ = store_raw;
}
