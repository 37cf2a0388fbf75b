//! [`VarArgs`]: all positional arguments of a call, unconverted.

use core::marker::PhantomData;

use hpy_sys::{HPy, HPy_ssize_t};

use crate::{Borrowed, Context, HPyResult, Handle, IntoHPy};

/// The positional arguments of a `*args` function, as the caller passed
/// them. A `#[hpy_method]` parameter of this type receives every argument
/// (the function then takes no other Python parameters), or, with a
/// `signature = (..., *args, ...)`, those past the named ones. Converted to
/// Python ([`IntoHPy`]), it is a tuple.
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

impl<'ctx> IntoHPy<'ctx> for VarArgs<'_, 'ctx> {
    /// The arguments as a new tuple (`HPyTuple_FromArray`): what `args` is
    /// in a Python `def f(*args)`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        // An empty call may pass a null array; HPy hosts may build a slice
        // from the pointer, so give them a dangling non-null one instead.
        let mut none: [HPy; 0] = [];
        let items = if self.len == 0 {
            none.as_mut_ptr()
        } else {
            self.args.cast_mut()
        };
        // SAFETY: `items` points to `len` handles valid for this call (see
        // `new`); HPyTuple_FromArray only reads them and takes its own
        // references; the result is owned or HPy_NULL.
        unsafe {
            ctx.wrap_result(hpy_sys::HPyTuple_FromArray(
                ctx.as_raw(),
                items,
                self.len as HPy_ssize_t,
            ))
        }
    }
}
