// `#[new(...)]` takes only `signature = (...)`.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
struct P {
    x: i64,
}

#[hpy_methods]
impl P {
    #[new(sig = (x))]
    fn new(x: i64) -> P {
        P { x }
    }
}

fn main() {}
