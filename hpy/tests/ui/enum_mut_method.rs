// An enum's instances are its shared variants: no method takes `&mut self`.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
enum Color {
    Red,
    Green,
}

#[hpy_methods]
impl Color {
    fn advance(&mut self) {
        *self = Color::Green;
    }
}

fn main() {}
