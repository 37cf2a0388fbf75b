// `globals:` lists `Global`s only: HPy is handed each entry's pointer as an
// `HPyGlobal`, so another type with look-alike methods does not compile.
use hpy::hpy_module;

struct NotAGlobal;

impl NotAGlobal {
    #[allow(dead_code)]
    const fn as_raw_ptr(&self) -> *mut hpy::impl_::HPyGlobal {
        core::ptr::null_mut()
    }
    #[allow(dead_code)]
    fn mark_registered(&self) {}
}

static FAKE: NotAGlobal = NotAGlobal;

hpy_module! {
    globals: [FAKE],
}

fn main() {}
