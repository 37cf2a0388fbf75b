// A handle cannot be cached in a static: `hpy::Global` is the handle that
// lives beyond a call.
use std::sync::OnceLock;

use hpy::Handle;

static CACHE: OnceLock<Handle<'static>> = OnceLock::new();

fn main() {
    let _ = CACHE.get();
}
