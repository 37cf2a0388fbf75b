// An `HPyErr` that stands for a raised exception belongs to its call:
// kept in a static (or sent to another thread) and dropped later, it would
// clear an unrelated exception. `HPyErr` is neither `Send` nor `Sync`, so
// neither compiles.
use std::sync::Mutex;

use hpy::{hpy_method, HPyErr, HPyResult, Handle};

static KEPT: Mutex<Option<HPyErr>> = Mutex::new(None);

#[hpy_method]
fn keep_error<'ctx>(x: &Handle<'ctx>) -> HPyResult<()> {
    if let Err(e) = x.extract::<i64>() {
        *KEPT.lock().unwrap() = Some(e);
    }
    Ok(())
}

fn to_thread(err: HPyErr) {
    std::thread::spawn(move || drop(err));
}

fn main() {}
