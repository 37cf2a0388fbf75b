//! Calling objects: positional and keyword arguments, methods, and the
//! tuple-and-dict form.

use hpy_sys::HPy;

use crate::{HPyErr, HPyResult, Handle, IntoHPy};

/// Arguments up to this count are passed from a stack array.
const STACK_ARGS: usize = 8;

/// Calls `f` with the raw handles of `head` (if any) followed by `args` and
/// then `tail`, as one contiguous array.
#[inline]
fn with_raw_args<'ctx, R>(
    head: Option<HPy>,
    args: &[&Handle<'ctx>],
    tail: &[&Handle<'ctx>],
    f: impl FnOnce(&[HPy]) -> R,
) -> R {
    let n = usize::from(head.is_some()) + args.len() + tail.len();
    let all = head
        .into_iter()
        .chain(args.iter().chain(tail).map(|h| h.as_raw()));
    if n <= STACK_ARGS {
        let mut raw = [hpy_sys::HPy_NULL; STACK_ARGS];
        for (slot, h) in raw.iter_mut().zip(all) {
            *slot = h;
        }
        f(&raw[..n])
    } else {
        f(&all.collect::<Vec<_>>())
    }
}

impl<'ctx> Handle<'ctx> {
    /// `self(*positional, **keywords)` in HPy's vectorcall form (`HPy_Call`
    /// with a `kwnames` tuple): `args` holds the positional arguments
    /// followed by one value per name in `kwnames`, a tuple of str.
    ///
    /// Raises `TypeError` if `kwnames` is not a tuple of str or names more
    /// values than `args` holds.
    #[inline]
    pub fn call_kwnames(
        &self,
        args: &[&Handle<'ctx>],
        kwnames: Option<&Handle<'ctx>>,
    ) -> HPyResult<Handle<'ctx>> {
        let Some(kwnames) = kwnames else {
            return self.call(args);
        };
        let n_kw = check_kwnames(kwnames, args.len())?;
        let ctx = self.context();
        with_raw_args(None, args, &[], |raw| {
            // SAFETY: `raw` holds valid handles kept open by `args`, and
            // `kwnames` is a tuple of str naming its last `n_kw` items; the
            // result is owned or HPy_NULL.
            unsafe {
                ctx.wrap_result(hpy_sys::HPy_Call(
                    ctx.as_raw(),
                    self.as_raw(),
                    raw.as_ptr(),
                    raw.len() - n_kw,
                    kwnames.as_raw(),
                ))
            }
        })
    }

    /// `self(*args, **kwargs)` with keyword arguments given as
    /// `(name, value)` pairs (`HPy_Call`; the pairs become its `kwnames`
    /// tuple).
    ///
    /// ```
    /// # use hpy::{HPyResult, Handle};
    /// fn sorted_desc<'ctx>(sorted: &Handle<'ctx>, items: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    ///     let yes = items.context().bool(true);
    ///     sorted.call_kw(&[items], &[("reverse", &yes)])
    /// }
    /// ```
    #[inline]
    pub fn call_kw(
        &self,
        args: &[&Handle<'ctx>],
        kwargs: &[(&str, &Handle<'ctx>)],
    ) -> HPyResult<Handle<'ctx>> {
        if kwargs.is_empty() {
            return self.call(args);
        }
        let ctx = self.context();
        let (kwnames, values) = kwnames_tuple(ctx, kwargs)?;
        with_raw_args(None, args, &values, |raw| {
            // SAFETY: `raw` holds valid handles (positional, then one value
            // per name of the str tuple `kwnames`); owned or HPy_NULL.
            unsafe {
                ctx.wrap_result(hpy_sys::HPy_Call(
                    ctx.as_raw(),
                    self.as_raw(),
                    raw.as_ptr(),
                    args.len(),
                    kwnames.as_raw(),
                ))
            }
        })
    }

    /// `self(*args, **kw)` with the arguments as a tuple and the keywords as
    /// a dict, either of which may be absent (`HPy_CallTupleDict`). Raises
    /// `TypeError` if `args` is not a tuple or `kw` not a dict.
    #[inline]
    pub fn call_tuple_dict(
        &self,
        args: Option<&Handle<'ctx>>,
        kw: Option<&Handle<'ctx>>,
    ) -> HPyResult<Handle<'ctx>> {
        // HPy's own CallTupleDict refuses a non-tuple `args` and a non-dict
        // `kw` with TypeError (CPython's runtime and PyPy alike), so no
        // check is repeated here.
        let ctx = self.context();
        let raw = |h: Option<&Handle<'ctx>>| h.map_or(hpy_sys::HPy_NULL, |h| h.as_raw());
        // SAFETY: valid handles (HPy checks their types); the result is owned
        // or HPy_NULL.
        unsafe {
            ctx.wrap_result(hpy_sys::HPy_CallTupleDict(
                ctx.as_raw(),
                self.as_raw(),
                raw(args),
                raw(kw),
            ))
        }
    }

    /// `self.<name>(*args)` (`HPy_CallMethod`, with `self` as the receiver
    /// `args[0]`). `name` is normally a str; anything else raises the
    /// interpreter's `TypeError`.
    #[inline]
    pub fn call_method(
        &self,
        name: &Handle<'ctx>,
        args: &[&Handle<'ctx>],
    ) -> HPyResult<Handle<'ctx>> {
        self.call_method_raw(name, args, &[], None)
    }

    /// `self.<name>(*args)` with the method name as a Rust string
    /// (`HPy_CallMethod`).
    #[inline]
    pub fn call_method_s(&self, name: &str, args: &[&Handle<'ctx>]) -> HPyResult<Handle<'ctx>> {
        let name = name.into_hpy(self.context())?;
        self.call_method_raw(&name, args, &[], None)
    }

    /// `self.<name>(*args, **kwargs)` with keyword arguments as `(name,
    /// value)` pairs (`HPy_CallMethod` with a `kwnames` tuple).
    #[inline]
    pub fn call_method_kw(
        &self,
        name: &str,
        args: &[&Handle<'ctx>],
        kwargs: &[(&str, &Handle<'ctx>)],
    ) -> HPyResult<Handle<'ctx>> {
        let ctx = self.context();
        let name = name.into_hpy(ctx)?;
        if kwargs.is_empty() {
            return self.call_method_raw(&name, args, &[], None);
        }
        let (kwnames, values) = kwnames_tuple(ctx, kwargs)?;
        self.call_method_raw(&name, args, &values, Some(&kwnames))
    }

    /// `HPy_CallMethod` with receiver `self`, positional `args`, keyword
    /// values `kw_values` named by the str tuple `kwnames`.
    #[inline]
    fn call_method_raw(
        &self,
        name: &Handle<'ctx>,
        args: &[&Handle<'ctx>],
        kw_values: &[&Handle<'ctx>],
        kwnames: Option<&Handle<'ctx>>,
    ) -> HPyResult<Handle<'ctx>> {
        let ctx = self.context();
        with_raw_args(Some(self.as_raw()), args, kw_values, |raw| {
            // SAFETY: `raw` is the receiver, the positional arguments and one
            // value per name of `kwnames` (a str tuple or null), all valid;
            // the result is owned or HPy_NULL.
            unsafe {
                ctx.wrap_result(hpy_sys::HPy_CallMethod(
                    ctx.as_raw(),
                    name.as_raw(),
                    raw.as_ptr(),
                    1 + args.len(),
                    kwnames.map_or(hpy_sys::HPy_NULL, |k| k.as_raw()),
                ))
            }
        })
    }
}

/// The kwnames tuple for `(name, value)` pairs, and the values in order.
fn kwnames_tuple<'a, 'ctx>(
    ctx: crate::Context<'ctx>,
    kwargs: &[(&str, &'a Handle<'ctx>)],
) -> HPyResult<(Handle<'ctx>, Vec<&'a Handle<'ctx>>)> {
    let names = kwargs
        .iter()
        .map(|(name, _)| name.into_hpy(ctx))
        .collect::<HPyResult<Vec<_>>>()?;
    let names: Vec<&Handle<'ctx>> = names.iter().collect();
    let tuple = ctx.new_tuple(&names)?;
    Ok((
        tuple.into_handle(),
        kwargs.iter().map(|(_, v)| *v).collect(),
    ))
}

/// Checks that `kwnames` is a tuple of str with at most `n_args` items and
/// returns its length.
fn check_kwnames(kwnames: &Handle<'_>, n_args: usize) -> HPyResult<usize> {
    if !kwnames.is_tuple() {
        return Err(HPyErr::type_error(format!(
            "kwnames must be a tuple, not {}",
            kwnames.type_name()
        )));
    }
    let n = kwnames.len()?;
    if n > n_args {
        return Err(HPyErr::type_error(format!(
            "kwnames names {n} keyword arguments but only {n_args} arguments were given"
        )));
    }
    for i in 0..n {
        if !kwnames.get_item_i(i as isize)?.is_str() {
            return Err(HPyErr::type_error("keywords must be strings"));
        }
    }
    Ok(n)
}

// ---- calls with Rust values: tuples of arguments, pairs of keywords ----

/// The positional arguments of [`Handle::call1`] and friends: `()` or a
/// tuple of up to 12 values that convert with [`IntoHPy`] (`(a,)` for one).
/// Each value is converted in order; a failed conversion is the call's
/// error.
///
/// Implemented for tuples only (the trait is sealed): a single
/// [`Handle`] is passed as `(&h,)`.
#[diagnostic::on_unimplemented(
    message = "the arguments of `call1`/`call_with`/`call_method1` are a tuple, not `{Self}`",
    label = "write the arguments as a tuple: `(x,)` for one, `()` for none",
    note = "each element converts with `IntoHPy`; up to 12 elements"
)]
pub trait CallArgs<'ctx>: sealed::Sealed {
    /// The converted arguments (an array of owned handles).
    #[doc(hidden)]
    type Handles: AsRef<[Handle<'ctx>]>;
    /// Converts every argument.
    #[doc(hidden)]
    fn into_handles(self, ctx: crate::Context<'ctx>) -> HPyResult<Self::Handles>;
}

/// The keyword arguments of [`Handle::call_with`] and
/// [`Handle::call_method_with`]: `()` or a tuple of up to 12
/// `(name, value)` pairs, each name a `&str` and each value anything that
/// converts with [`IntoHPy`].
#[diagnostic::on_unimplemented(
    message = "keyword arguments are a tuple of `(name, value)` pairs, not `{Self}`",
    label = "write them as `((\"name\", value),)`, or `()` for none",
    note = "each name is a `&str`, each value converts with `IntoHPy`; up to 12 pairs"
)]
pub trait CallKwargs<'ctx>: sealed::Sealed {
    /// The converted values (an array of owned handles).
    #[doc(hidden)]
    type Handles: AsRef<[Handle<'ctx>]>;
    /// The `kwnames` tuple of str and the values in the same order;
    /// `None` for no keywords.
    #[doc(hidden)]
    fn into_kwnames(
        self,
        ctx: crate::Context<'ctx>,
    ) -> HPyResult<Option<(Handle<'ctx>, Self::Handles)>>;
}

mod sealed {
    pub trait Sealed {}
}

impl sealed::Sealed for () {}

impl<'ctx> CallArgs<'ctx> for () {
    type Handles = [Handle<'ctx>; 0];
    #[inline(always)]
    fn into_handles(self, _ctx: crate::Context<'ctx>) -> HPyResult<Self::Handles> {
        Ok([])
    }
}

impl<'ctx> CallKwargs<'ctx> for () {
    type Handles = [Handle<'ctx>; 0];
    #[inline(always)]
    fn into_kwnames(
        self,
        _ctx: crate::Context<'ctx>,
    ) -> HPyResult<Option<(Handle<'ctx>, Self::Handles)>> {
        Ok(None)
    }
}

macro_rules! call_tuples {
    ($($len:literal => ($($name:ident $idx:tt),+);)*) => {$(
        impl<$($name),+> sealed::Sealed for ($($name,)+) {}

        impl<'ctx, $($name: IntoHPy<'ctx>),+> CallArgs<'ctx> for ($($name,)+) {
            type Handles = [Handle<'ctx>; $len];
            #[inline]
            fn into_handles(self, ctx: crate::Context<'ctx>) -> HPyResult<Self::Handles> {
                Ok([$(self.$idx.into_hpy(ctx)?),+])
            }
        }

        impl<'ctx, $($name: IntoHPy<'ctx>),+> CallKwargs<'ctx> for ($((&str, $name),)+) {
            type Handles = [Handle<'ctx>; $len];
            #[inline]
            fn into_kwnames(
                self,
                ctx: crate::Context<'ctx>,
            ) -> HPyResult<Option<(Handle<'ctx>, Self::Handles)>> {
                let names: [Handle<'ctx>; $len] = [$(self.$idx.0.into_hpy(ctx)?),+];
                let tuple = ctx.new_tuple(&names.each_ref())?.into_handle();
                Ok(Some((tuple, [$(self.$idx.1.into_hpy(ctx)?),+])))
            }
        }
    )*};
}

call_tuples! {
    1 => (A 0);
    2 => (A 0, B 1);
    3 => (A 0, B 1, C 2);
    4 => (A 0, B 1, C 2, D 3);
    5 => (A 0, B 1, C 2, D 3, E 4);
    6 => (A 0, B 1, C 2, D 3, E 4, F 5);
    7 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6);
    8 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
    9 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
    10 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
    11 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
    12 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);
}

/// Calls `f` with the raw handles of `head` (if any) followed by `parts`,
/// as one contiguous array (on the stack for up to 8).
#[inline]
fn with_raw_parts<R>(
    head: Option<HPy>,
    parts: [&[Handle<'_>]; 2],
    f: impl FnOnce(&[HPy]) -> R,
) -> R {
    let n = usize::from(head.is_some()) + parts[0].len() + parts[1].len();
    let all = head
        .into_iter()
        .chain(parts[0].iter().chain(parts[1]).map(|h| h.as_raw()));
    if n <= STACK_ARGS {
        let mut raw = [hpy_sys::HPy_NULL; STACK_ARGS];
        for (slot, h) in raw.iter_mut().zip(all) {
            *slot = h;
        }
        f(&raw[..n])
    } else {
        f(&all.collect::<Vec<_>>())
    }
}

impl<'ctx> Handle<'ctx> {
    /// `self()`: a call without arguments (`HPy_Call`).
    #[inline]
    pub fn call0(&self) -> HPyResult<Handle<'ctx>> {
        self.call(&[])
    }

    /// `self(*args)` with `args` a tuple of Rust values, each converted
    /// with [`IntoHPy`] (`HPy_Call`).
    ///
    /// ```
    /// # use hpy::{HPyResult, Handle};
    /// fn apply<'ctx>(f: &Handle<'ctx>, a: f64, b: &str) -> HPyResult<Handle<'ctx>> {
    ///     f.call1((a, b))
    /// }
    /// ```
    #[inline]
    pub fn call1(&self, args: impl CallArgs<'ctx>) -> HPyResult<Handle<'ctx>> {
        self.call_with(args, ())
    }

    /// `self(*args, **kwargs)` with `args` a tuple of Rust values and
    /// `kwargs` a tuple of `(name, value)` pairs (`HPy_Call` with a
    /// `kwnames` tuple).
    ///
    /// ```
    /// # use hpy::{HPyResult, Handle};
    /// fn sorted_desc<'ctx>(sorted: &Handle<'ctx>, items: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    ///     sorted.call_with((items,), (("reverse", true),))
    /// }
    /// ```
    #[inline]
    pub fn call_with(
        &self,
        args: impl CallArgs<'ctx>,
        kwargs: impl CallKwargs<'ctx>,
    ) -> HPyResult<Handle<'ctx>> {
        let ctx = self.context();
        let positional = args.into_handles(ctx)?;
        let positional = positional.as_ref();
        let kw = kwargs.into_kwnames(ctx)?;
        let (kwnames, values) = match &kw {
            Some((names, values)) => (names.as_raw(), values.as_ref()),
            None => (hpy_sys::HPy_NULL, &[][..]),
        };
        with_raw_parts(None, [positional, values], |raw| {
            // SAFETY: `raw` holds valid handles kept open by `positional`
            // and `values`, one value per name of the str tuple `kwnames`
            // (or no keywords); the result is owned or HPy_NULL.
            unsafe {
                ctx.wrap_result(hpy_sys::HPy_Call(
                    ctx.as_raw(),
                    self.as_raw(),
                    raw.as_ptr(),
                    positional.len(),
                    kwnames,
                ))
            }
        })
    }

    /// `self.<name>()` (`HPy_CallMethod`). `name` is a `&str`, a `String`
    /// or a str handle (e.g. from [`intern!`](crate::intern)).
    #[inline]
    pub fn call_method0(&self, name: impl IntoHPy<'ctx>) -> HPyResult<Handle<'ctx>> {
        self.call_method_with(name, (), ())
    }

    /// `self.<name>(*args)` with `args` a tuple of Rust values, each
    /// converted with [`IntoHPy`] (`HPy_CallMethod`).
    ///
    /// ```
    /// # use hpy::{HPyResult, Handle};
    /// fn count<'ctx>(text: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    ///     text.call_method1("count", ("a", 0, 10))
    /// }
    /// ```
    #[inline]
    pub fn call_method1(
        &self,
        name: impl IntoHPy<'ctx>,
        args: impl CallArgs<'ctx>,
    ) -> HPyResult<Handle<'ctx>> {
        self.call_method_with(name, args, ())
    }

    /// `self.<name>(*args, **kwargs)` with `args` a tuple of Rust values
    /// and `kwargs` a tuple of `(name, value)` pairs (`HPy_CallMethod` with
    /// a `kwnames` tuple).
    ///
    /// ```
    /// # use hpy::{HPyResult, Handle};
    /// fn split_once<'ctx>(text: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    ///     text.call_method_with("split", (), (("sep", ","), ("maxsplit", 1)))
    /// }
    /// ```
    #[inline]
    pub fn call_method_with(
        &self,
        name: impl IntoHPy<'ctx>,
        args: impl CallArgs<'ctx>,
        kwargs: impl CallKwargs<'ctx>,
    ) -> HPyResult<Handle<'ctx>> {
        let ctx = self.context();
        let name = name.into_hpy(ctx)?;
        let positional = args.into_handles(ctx)?;
        let positional = positional.as_ref();
        let kw = kwargs.into_kwnames(ctx)?;
        let (kwnames, values) = match &kw {
            Some((names, values)) => (names.as_raw(), values.as_ref()),
            None => (hpy_sys::HPy_NULL, &[][..]),
        };
        with_raw_parts(Some(self.as_raw()), [positional, values], |raw| {
            // SAFETY: `raw` is the receiver, the positional arguments and one
            // value per name of `kwnames` (a str tuple or null), all kept
            // open above; the result is owned or HPy_NULL.
            unsafe {
                ctx.wrap_result(hpy_sys::HPy_CallMethod(
                    ctx.as_raw(),
                    name.as_raw(),
                    raw.as_ptr(),
                    1 + positional.len(),
                    kwnames,
                ))
            }
        })
    }
}

impl<'ctx> Handle<'ctx> {
    /// `self(*args)` (`HPy_Call`).
    pub fn call(&self, args: &[&Handle<'ctx>]) -> HPyResult<Handle<'ctx>> {
        const STACK: usize = 8;
        let call = |raw: &[HPy]| {
            // SAFETY: `raw` holds valid handles kept open by `args`; the
            // result is owned or HPy_NULL.
            unsafe {
                self.ctx.wrap_result(hpy_sys::HPy_Call(
                    self.ctx.as_raw(),
                    self.raw,
                    raw.as_ptr(),
                    raw.len(),
                    hpy_sys::HPy_NULL,
                ))
            }
        };
        if args.len() <= STACK {
            let mut raw = [hpy_sys::HPy_NULL; STACK];
            for (slot, arg) in raw.iter_mut().zip(args) {
                *slot = arg.raw;
            }
            call(&raw[..args.len()])
        } else {
            call(&args.iter().map(|a| a.raw).collect::<Vec<_>>())
        }
    }
}
