// Functions, class methods and slots written by a `macro_rules!`: the
// parameter and return types carry that macro's hygiene, and the
// conversions spanned on them (so that errors point at the type) must still
// see the generated locals. Also: another crate's `Handle`/`Context` in a
// class is just data.
use hpy::{hpy_class, hpy_method, hpy_methods, RichCompareOp};

macro_rules! echo {
    ($($name:ident: $t:ty;)*) => {$(
        #[hpy_method]
        fn $name(x: $t) -> $t {
            x
        }
    )*};
}

echo! {
    echo_i8: i8;
    echo_string: String;
}

mod other {
    pub struct Handle(pub u32);
    pub struct Context;
}

macro_rules! counter {
    ($ret:ty, $op:ty) => {
        #[hpy_class]
        struct Counter {
            n: i64,
            handle: other::Handle,
            context: Option<other::Context>,
        }

        #[hpy_methods]
        impl Counter {
            fn get(&self) -> $ret {
                self.n + i64::from(self.handle.0) + i64::from(self.context.is_some())
            }

            fn __len__(&self) -> usize {
                0
            }

            fn __richcmp__(&self, other: i64, op: $op) -> bool {
                op.matches(self.n.cmp(&other))
            }
        }
    };
}

counter!(i64, RichCompareOp);

fn main() {}
