// Issue 25 S5: `MemberType` told the interpreter how to write a field; a
// safe impl for a pointer-holding type let Python write an integer into a
// `Box` (SIGSEGV). It is gone: members go through `FromHPy`, so the same
// impl does not compile and the type needs a real conversion.
#![forbid(unsafe_code)]
use hpy::hpy_class;

#[derive(Clone)]
struct Boxed(Box<u64>);

impl hpy::impl_::class::MemberType for Boxed {
    const CODE: i32 = 4;
}

#[hpy_class]
struct Holder {
    #[member]
    b: Boxed,
}

fn main() {}
