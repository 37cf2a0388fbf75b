// `type.__call__` passes the same arguments to tp_new and tp_init, so a
// class with an #[init] must take its arguments there only: a #[new] with
// parameters next to it, or no #[new] at all, does not compile.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
#[derive(Default)]
struct Both {
    value: i64,
}

#[hpy_methods]
impl Both {
    #[new]
    fn new(value: i64) -> Both {
        Both { value }
    }

    #[init]
    fn init(&mut self, value: i64) {
        self.value = value;
    }
}

#[hpy_class]
#[derive(Default)]
struct InitOnly {
    value: i64,
}

#[hpy_methods]
impl InitOnly {
    #[init]
    fn init(&mut self, value: i64) {
        self.value = value;
    }
}

fn main() {}
