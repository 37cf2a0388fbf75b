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
