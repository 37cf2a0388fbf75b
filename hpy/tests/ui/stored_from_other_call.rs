// `stash` takes a handle of the store's own call: a handle from another
// context cannot be kept through it (only the `Stored` it returns can).
use hpy::{Handle, ObjectStore, Ref, Stored};

fn mix<'a, 'ctx, 'other>(store: &Ref<'a, 'ctx, ObjectStore>, obj: &Handle<'other>) -> Stored {
    store.stash(obj)
}

fn main() {}
