// A `#[hpy_class]` enum needs a variant: its instances are its variants.
use hpy::hpy_class;

#[hpy_class]
enum Nothing {}

fn main() {}
