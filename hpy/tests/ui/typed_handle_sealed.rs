// Only hpy's own typed handles can be downcast to: `PyTypeCheck` is sealed,
// because a downcast reinterprets the `Handle` in place, which a type of
// another layout would turn into reads of the wrong memory.
use hpy::{Handle, PyTypeCheck};

struct Mine<'ctx>(Handle<'ctx>, u64);

impl<'ctx> PyTypeCheck<'ctx> for Mine<'ctx> {
    const NAME: &'static str = "mine";

    fn type_check(_obj: &Handle<'ctx>) -> bool {
        true
    }

    unsafe fn from_handle_unchecked(obj: Handle<'ctx>) -> Self {
        Mine(obj, 0)
    }
}

fn main() {}
