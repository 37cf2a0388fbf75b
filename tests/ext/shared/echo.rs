// Shared by the test extensions through `include!`: defines one
// `#[hpy_method]` per `name: Type;` line that converts its argument to
// `Type` and back, so a test can check both directions of a conversion.
macro_rules! echo_functions {
    ($($name:ident: $t:ty;)*) => {$(
        #[doc = concat!("Converts the argument to `", stringify!($t), "` and back.")]
        #[hpy_method]
        fn $name(x: $t) -> $t {
            x
        }
    )*};
}
