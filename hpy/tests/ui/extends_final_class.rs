// `extends` names a class that Python may subclass (`subclass`); a final
// class's type would refuse the subtype at run time, so it is refused here.
use hpy::{hpy_class, hpy_methods};

#[hpy_class]
#[derive(Default)]
struct Final {
    value: i64,
}

#[hpy_class(extends = Final)]
struct Derived {
    extra: i64,
}

#[hpy_methods]
impl Derived {
    fn extra(&self) -> i64 {
        self.extra
    }
}

fn main() {}
