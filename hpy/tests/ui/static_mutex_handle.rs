// A handle in a `Mutex` static: also `hpy::Global`.
use std::sync::Mutex;

use hpy::Handle;

static KEPT: Mutex<Option<Handle<'static>>> = Mutex::new(None);

fn main() {
    let _ = KEPT.lock();
}
