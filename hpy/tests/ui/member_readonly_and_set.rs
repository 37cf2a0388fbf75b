// `readonly` and `set` contradict each other.
use hpy::hpy_class;

#[hpy_class]
struct Named {
    #[member(readonly, get, set)]
    name: String,
}

fn main() {}
