// Shared by the test extensions through `include!`: defines one
// `#[hpy_method]` per `name: Type;` line that converts its argument to
// `Type` and back, so a test can check both directions of a conversion. A
// line may start with a visibility (`pub(crate) name: Type;`) for functions
// defined in a submodule.
macro_rules! echo_functions {
    ($($vis:vis $name:ident: $t:ty;)*) => {$(
        #[doc = concat!("Converts the argument to `", stringify!($t), "` and back.")]
        #[hpy_method]
        $vis fn $name(x: $t) -> $t {
            x
        }
    )*};
}
