//! [`VarArgs`]: all positional arguments of a call, unconverted.

use core::marker::PhantomData;

use hpy_sys::HPy;

use crate::{Borrowed, Context};

/// The positional arguments of a `*args` function, as the caller passed
/// them. A `#[hpy_method]` parameter of this type receives every argument
/// (the function then takes no other Python parameters).
///
/// ```
/// use hpy::{hpy_method, VarArgs};
///
/// /// Counts its arguments.
/// #[hpy_method]
/// fn count(args: VarArgs<'_, '_>) -> usize {
///     args.len()
/// }
/// # fn main() {}
/// ```
#[derive(Clone, Copy)]
pub struct VarArgs<'a, 'ctx> {
    ctx: Context<'ctx>,
    args: *const HPy,
    len: usize,
    _borrow: PhantomData<&'a HPy>,
}

impl<'a, 'ctx: 'a> VarArgs<'a, 'ctx> {
    /// # Safety
    /// `args` must point to `len` handles of `ctx`, valid for `'a`.
    pub(crate) unsafe fn new(ctx: Context<'ctx>, args: *const HPy, len: usize) -> Self {
        VarArgs {
            ctx,
            args,
            len,
            _borrow: PhantomData,
        }
    }

    /// How many arguments were passed.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no argument was passed.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Argument `i`, if there is one.
    #[inline]
    pub fn get(&self, i: usize) -> Option<Borrowed<'a, 'ctx>> {
        if i < self.len {
            // SAFETY: in bounds of the array the interpreter passed, valid for 'a.
            Some(unsafe { Borrowed::from_raw(self.ctx, *self.args.add(i)) })
        } else {
            None
        }
    }

    /// The arguments in order.
    #[inline]
    pub fn iter(&self) -> impl Iterator<Item = Borrowed<'a, 'ctx>> {
        let this = *self;
        (0..self.len).filter_map(move |i| this.get(i))
    }
}
