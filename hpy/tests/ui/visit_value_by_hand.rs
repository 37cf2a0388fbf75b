// The hook that reports fields kept inside a class value is an unsafe
// trait: a safe impl does not compile.
struct Mine;

impl hpy::impl_::class::VisitValue for Mine {
    unsafe fn visit_value(
        _value: *const Self,
        _visit: &mut dyn FnMut(*mut hpy::impl_::HPyField) -> core::ffi::c_int,
    ) -> core::ffi::c_int {
        0
    }
}

fn main() {}
