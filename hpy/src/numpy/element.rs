//! [`Element`]: the Rust types that NumPy arrays of a fixed dtype hold.

/// The kinds of NumPy dtype an [`Element`] can be: the dtype's `kind`
/// character.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ElementKind {
    /// `b`: `bool`.
    Bool,
    /// `i`: signed integers.
    Int,
    /// `u`: unsigned integers.
    UInt,
    /// `f`: floating point.
    Float,
    /// `c`: complex floating point.
    Complex,
}

impl ElementKind {
    /// The dtype kind character NumPy uses (`dtype.kind`).
    pub const fn code(self) -> u8 {
        match self {
            ElementKind::Bool => b'b',
            ElementKind::Int => b'i',
            ElementKind::UInt => b'u',
            ElementKind::Float => b'f',
            ElementKind::Complex => b'c',
        }
    }
}

/// A Rust type whose values are the items of a NumPy array of one dtype,
/// stored as NumPy stores them (native byte order): rust-numpy's
/// `Element`, restricted to plain data.
///
/// # Safety
/// `Self` has exactly the size, alignment and bit validity of the NumPy
/// dtype `KIND`/`size_of::<Self>()` in native byte order: any item an
/// array of that dtype holds is a valid `Self` (for `bool`, NumPy keeps
/// the bytes 0 and 1 only), and a `Self` written into the array is a
/// valid item; all-zero bytes are a valid `Self` (`false`, `0`, `0.0`:
/// new arrays are zeroed before they are filled). hpy-rs reads and writes
/// array memory as `Self` on that promise.
pub unsafe trait Element: Copy + Send + Sync + 'static {
    /// The dtype's kind.
    const KIND: ElementKind;
    /// The dtype's name as NumPy prints it (`float64`), for messages.
    const NAME: &'static str;

    /// The dtype's size in bytes (`dtype.itemsize`).
    const SIZE: usize = core::mem::size_of::<Self>();
}

macro_rules! element {
    ($($ty:ty => $kind:ident, $name:literal;)*) => {$(
        // SAFETY: the type has the layout of this NumPy dtype (its size is
        // the dtype's itemsize, its alignment NumPy's for it), and every
        // bit pattern an array of the dtype holds is a valid value.
        unsafe impl Element for $ty {
            const KIND: ElementKind = ElementKind::$kind;
            const NAME: &'static str = $name;
        }
    )*};
}

element! {
    bool => Bool, "bool";
    i8 => Int, "int8";
    i16 => Int, "int16";
    i32 => Int, "int32";
    i64 => Int, "int64";
    u8 => UInt, "uint8";
    u16 => UInt, "uint16";
    u32 => UInt, "uint32";
    u64 => UInt, "uint64";
    f32 => Float, "float32";
    f64 => Float, "float64";
    num_complex::Complex<f32> => Complex, "complex64";
    num_complex::Complex<f64> => Complex, "complex128";
}

// `usize` and `isize` are the pointer-sized integers, as rust-numpy
// maps them: NumPy's `uint64`/`int64` on 64-bit targets (`intp` and
// `uintp`), `uint32`/`int32` on 32-bit ones. Index arrays come back as
// these (`Vec<usize>::into_pyarray`).
#[cfg(target_pointer_width = "64")]
element! {
    isize => Int, "int64";
    usize => UInt, "uint64";
}

#[cfg(target_pointer_width = "32")]
element! {
    isize => Int, "int32";
    usize => UInt, "uint32";
}

#[cfg(feature = "half")]
element! {
    half::f16 => Float, "float16";
}

/// NumPy's builtin numeric type numbers (`dtype.num`) that an element
/// type can have, each with its kind and size in bytes on this target.
pub(crate) const ELEMENT_KINDS: [(i32, ElementKind, usize); 16] = {
    use ElementKind::*;
    const LONG: usize = core::mem::size_of::<core::ffi::c_long>();
    [
        (0, Bool, 1),
        (1, Int, 1),
        (2, UInt, 1),
        (3, Int, 2),
        (4, UInt, 2),
        (5, Int, 4),
        (6, UInt, 4),
        (7, Int, LONG),
        (8, UInt, LONG),
        (9, Int, 8),
        (10, UInt, 8),
        (11, Float, 4),
        (12, Float, 8),
        (14, Complex, 8),
        (15, Complex, 16),
        (23, Float, 2),
    ]
};
