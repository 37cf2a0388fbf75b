// An ObjectStore's registry is read by the garbage collector at any
// allocation, so the store is frozen: no exclusive borrow of it compiles.
use hpy::{hpy_method, HPyResult, Handle, ObjectStore, RefMut};

#[hpy_method]
fn clear_store(store: &Handle<'_>) -> HPyResult<()> {
    let _store = RefMut::<ObjectStore>::borrow(store.borrow())?;
    Ok(())
}

fn main() {}
