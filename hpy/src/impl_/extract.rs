//! Argument parsing for typed `#[hpy_method]` parameters.
//!
//! Error messages follow CPython's for Python functions, so users see the
//! same wording whichever language the function is written in.

use hpy_sys::HPy;

use core::marker::PhantomData;

use super::abi::{self, InternedName};
use super::class::NewArgs;
use super::def::Args;
use crate::{Borrowed, Context, FromHPy, HPyErr, HPyResult, Handle};

/// The Python-visible shape of a generated function.
pub struct FunctionDescription {
    /// The function's Python name.
    pub name: &'static str,
    /// Parameter names, in order.
    pub params: &'static [&'static str],
    /// How many leading parameters are required (the rest are `Option`s);
    /// for a `signature`, how many leading positional ones are.
    pub required: usize,
    /// The rest of a `signature = (...)` (keyword-only and positional-only
    /// parameters, required ones anywhere, `*args`, `**kwargs`); `None` for
    /// the plain shape above, whose parsers stay as they are.
    pub signature: Option<&'static SignatureInfo>,
}

/// What a `signature = (...)` adds to a [`FunctionDescription`].
pub struct SignatureInfo {
    /// Leading parameters that cannot be passed by keyword (before `/`).
    pub positional_only: usize,
    /// Leading parameters that can be passed by position; the others are
    /// keyword-only.
    pub positional: usize,
    /// Which parameters must be given (no default).
    pub required: &'static [bool],
    /// Extra positional arguments go to `*args` instead of being an error.
    pub varargs: bool,
    /// Unknown keyword arguments go to `**kwargs` instead of being an error.
    pub kwargs: bool,
    /// One per parameter: its name interned, to find keywords by pointer
    /// (CPython ABI; see [`InternedName`]). A static of the generated code.
    pub names: &'static [InternedName],
}

/// The arguments of a call parsed against a `signature`.
pub struct Parsed<'a, 'ctx, const N: usize> {
    /// One per named parameter, as for the plain parsers.
    pub slots: Slots<'a, 'ctx, N>,
    /// The positional arguments past the named ones (`*args`).
    pub varargs: crate::VarArgs<'a, 'ctx>,
    /// The keyword arguments no parameter takes (`**kwargs`), if any.
    pub kwargs: Option<Handle<'ctx>>,
}

/// The parsed arguments of one call: one slot per parameter, `None` where an
/// optional parameter was not given.
///
/// A slot holding a null handle is an argument that was not given; such a
/// slot never reaches user code ([`present`] filters it out). Slots are one
/// handle wide, so parsing copies no discriminants around.
pub type Slots<'a, 'ctx, const N: usize> = [Borrowed<'a, 'ctx>; N];

/// A given argument, or `None` for a slot left empty.
#[inline(always)]
pub fn present<'s, 'a, 'ctx>(slot: &'s Borrowed<'a, 'ctx>) -> Option<&'s Borrowed<'a, 'ctx>> {
    (slot.as_raw()._i != 0).then_some(slot)
}

#[inline(always)]
fn is_missing(slot: &Borrowed<'_, '_>) -> bool {
    slot.as_raw()._i == 0
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

impl FunctionDescription {
    #[cold]
    fn too_many_positional(&self, given: usize) -> HPyErr {
        let n = self.params.len();
        let takes = if self.required == n {
            format!("{n} positional {}", plural(n, "argument", "arguments"))
        } else {
            format!("from {} to {n} positional arguments", self.required)
        };
        HPyErr::type_error(format!(
            "{}() takes {takes} but {given} {} given",
            self.name,
            plural(given, "was", "were")
        ))
    }

    #[cold]
    fn missing<const N: usize>(&self, slots: &Slots<'_, '_, N>) -> HPyErr {
        let missing: Vec<String> = (0..self.required)
            .filter(|&i| is_missing(&slots[i]))
            .map(|i| format!("'{}'", self.params[i]))
            .collect();
        let list = match missing.as_slice() {
            [one] => one.clone(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
            [] => String::new(),
        };
        HPyErr::type_error(format!(
            "{}() missing {} required positional {}: {list}",
            self.name,
            missing.len(),
            plural(missing.len(), "argument", "arguments"),
        ))
    }

    #[inline]
    fn check_required<const N: usize>(&self, slots: &Slots<'_, '_, N>) -> HPyResult<()> {
        if slots[..self.required].iter().any(is_missing) {
            return Err(self.missing(slots));
        }
        Ok(())
    }

    /// The positional arguments, checked against the parameter count.
    #[inline]
    fn positional<'a, 'ctx, const N: usize>(
        &self,
        args: &Args<'a, 'ctx>,
    ) -> HPyResult<Slots<'a, 'ctx, N>> {
        if args.nargs > N {
            return Err(self.too_many_positional(args.nargs));
        }
        // Built element by element (N is a small constant): no memcpy call.
        Ok(core::array::from_fn(|i| {
            if i < args.nargs {
                // SAFETY: `i < nargs`, and `Args` is only built from the
                // argument array HPy passed, valid for `'a`. Every entry of
                // that array is a live handle, never HPy_NULL (CPython and
                // PyPy pass objects), which lets the compiler drop the
                // "is it missing" tests of the positional fast path.
                unsafe {
                    let h = *args.args.add(i);
                    core::hint::assert_unchecked(h._i != 0);
                    Borrowed::from_raw(args.ctx, h)
                }
            } else {
                Borrowed::missing(args.ctx)
            }
        }))
    }

    /// Parses the arguments of an `HPyFunc_VARARGS` call (positional only).
    #[inline]
    pub fn parse_positional<'a, 'ctx, const N: usize>(
        &self,
        args: &Args<'a, 'ctx>,
    ) -> HPyResult<Slots<'a, 'ctx, N>> {
        // Positional slots are filled in order from non-NULL handles, so the
        // required ones are all present exactly when enough were passed.
        // Both count checks come first, with the slow path out of line:
        // the slots of the fast path are then plainly the argument handles.
        // The slow path gets the arguments as scalars (registers), so the
        // fast path builds nothing in memory for it.
        if args.nargs > N || args.nargs < self.required {
            self.raise_bad_positional_count::<N>(args.ctx, args.args, args.nargs);
            return Err(HPyErr::raised(args.ctx));
        }
        self.positional(args)
    }

    /// Raises the error for a wrong argument count. The caller returns
    /// `HPyErr::raised(ctx)`, so every error of a VARARGS entry whose parameters
    /// need no conversion is one the interpreter holds, and the entry can
    /// return the result of its last call as is instead of testing it.
    #[cold]
    #[inline(never)]
    fn raise_bad_positional_count<const N: usize>(
        &self,
        ctx: Context<'_>,
        args: *const HPy,
        nargs: usize,
    ) {
        // SAFETY: the caller's `Args` held exactly these.
        let args = unsafe { Args::positional_only(ctx, args, nargs) };
        let err = match self.positional::<N>(&args) {
            Ok(slots) => self.missing(&slots),
            Err(e) => e,
        };
        err.restore(ctx);
    }

    /// Parses the arguments of an `HPyFunc_KEYWORDS` call: positional
    /// handles followed by one value per name in the `kwnames` tuple.
    #[inline]
    pub fn parse_keywords<'a, 'ctx, const N: usize>(
        &self,
        args: &Args<'a, 'ctx>,
    ) -> HPyResult<Slots<'a, 'ctx, N>> {
        // A call without keywords is parsed exactly as a VARARGS one (one
        // test more); keyword calls take the out-of-line path.
        if args.kwnames._i == 0 {
            return self.parse_positional(args);
        }
        self.parse_with_keywords(args)
    }

    /// [`Self::parse_keywords`] for a call that names some arguments.
    #[cold]
    #[inline(never)]
    fn parse_with_keywords<'a, 'ctx, const N: usize>(
        &self,
        args: &Args<'a, 'ctx>,
    ) -> HPyResult<Slots<'a, 'ctx, N>> {
        let mut slots = self.positional(args)?;
        // SAFETY: for a KEYWORDS call HPy passes the keyword values right
        // after the positional ones, one per name in the `kwnames` tuple.
        unsafe {
            self.assign_keywords(
                args.ctx,
                &mut slots,
                args.args.add(args.nargs),
                args.kwnames,
            )?
        };
        self.check_required(&slots)?;
        Ok(slots)
    }

    /// Checks the arguments of a `tp_new` call to a constructor without
    /// parameters, called only when some were passed: an error with the
    /// general parser's message, or `Ok` for an empty keyword dict.
    #[cold]
    #[inline(never)]
    pub fn check_no_new_args(&self, args: &NewArgs<'_, '_>) -> HPyResult<()> {
        self.parse_new::<0>(args, &mut Vec::new()).map(|_| ())
    }

    /// Checks that a constructor taking only `*args` got no keyword.
    pub fn check_no_new_kwargs(&self, args: &NewArgs<'_, '_>) -> HPyResult<()> {
        if args.kw._i == 0 {
            return Ok(());
        }
        self.parse_new::<0>(&args.keywords_only(), &mut Vec::new())
            .map(|_| ())
    }

    /// Parses the arguments of a `tp_new` call: positional handles and a
    /// keyword dict. The dict's values are fetched as new handles, kept in
    /// `keep` so the returned borrows stay valid.
    pub fn parse_new<'a, 'ctx, const N: usize>(
        &self,
        args: &NewArgs<'_, 'ctx>,
        keep: &'a mut Vec<(usize, Handle<'ctx>)>,
    ) -> HPyResult<Slots<'a, 'ctx, N>> {
        if args.nargs > N {
            return Err(self.too_many_positional(args.nargs));
        }
        let ctx = args.ctx;
        if args.kw._i == 0 {
            // The common case: positional arguments only.
            let call = Args {
                ctx,
                args: args.args,
                nargs: args.nargs,
                kwnames: hpy_sys::HPy_NULL,
                _borrow: PhantomData,
            };
            let slots = self.positional::<N>(&call)?;
            self.check_required(&slots)?;
            // SAFETY: the handles (or nulls) come from the argument array,
            // valid for the whole call.
            return Ok(slots.map(|b| unsafe { Borrowed::from_raw(ctx, b.as_raw()) }));
        }
        // SAFETY: a valid handle or NULL (checked first).
        if args.kw._i != 0 && unsafe { hpy_sys::HPyTuple_Check(ctx.as_raw(), args.kw) } != 0 {
            // PyPy 7.3.19 passes keyword *names* with the values after the
            // positional arguments (vectorcall style) instead of a dict.
            let call = Args {
                ctx,
                args: args.args,
                nargs: args.nargs,
                kwnames: args.kw,
                _borrow: PhantomData,
            };
            let slots = self.parse_keywords::<N>(&call)?;
            // The borrows point into the interpreter's argument array, valid
            // for the whole call like `keep`'s handles.
            return Ok(slots.map(|b| {
                // SAFETY: as above: the handle (or null, for a missing
                // argument) outlives this call's borrows.
                unsafe { Borrowed::from_raw(ctx, b.as_raw()) }
            }));
        }
        let mut filled = [false; N];
        filled[..args.nargs].fill(true);
        if args.kw._i != 0 {
            // SAFETY: a dict handle, valid for the call; results are owned or NULL.
            let keys = unsafe { ctx.wrap_result(hpy_sys::HPyDict_Keys(ctx.as_raw(), args.kw))? };
            // SAFETY: valid handle.
            let count = unsafe { hpy_sys::HPy_Length(ctx.as_raw(), keys.as_raw()) };
            for k in 0..count.max(0) {
                // SAFETY: in range; owned result or NULL.
                let key = unsafe {
                    ctx.wrap_result(hpy_sys::HPy_GetItem_i(ctx.as_raw(), keys.as_raw(), k))?
                };
                let name: &str = FromHPy::extract(&key)?;
                let Some(index) = self.params.iter().position(|p| *p == name) else {
                    return Err(HPyErr::type_error(format!(
                        "{}() got an unexpected keyword argument '{name}'",
                        self.name
                    )));
                };
                if filled[index] {
                    return Err(HPyErr::type_error(format!(
                        "{}() got multiple values for argument '{name}'",
                        self.name
                    )));
                }
                filled[index] = true;
                // SAFETY: valid dict and key; owned result or NULL.
                let value = unsafe {
                    ctx.wrap_result(hpy_sys::HPy_GetItem(ctx.as_raw(), args.kw, key.as_raw()))?
                };
                keep.push((index, value));
            }
        }
        let mut slots: Slots<'a, 'ctx, N> = [Borrowed::missing(args.ctx); N];
        for (i, slot) in slots.iter_mut().enumerate().take(args.nargs) {
            // SAFETY: `i < nargs`; the array HPy passed is valid for the call.
            *slot = unsafe { Borrowed::from_raw(ctx, *args.args.add(i)) };
        }
        for (index, value) in keep.iter() {
            slots[*index] = value.borrow();
        }
        self.check_required(&slots)?;
        Ok(slots)
    }

    #[inline(always)]
    fn info(&self) -> &'static SignatureInfo {
        self.signature
            .expect("generated code parses with a signature only when it has one")
    }

    /// Parses the arguments of a call against a `signature`: positional
    /// handles followed by one value per name in the `kwnames` tuple (NULL
    /// for none).
    ///
    /// Inlined, so that the constant description folds into the loops.
    #[inline(always)]
    pub fn parse_signature<'a, 'ctx, const N: usize>(
        &self,
        args: &Args<'a, 'ctx>,
    ) -> HPyResult<Parsed<'a, 'ctx, N>> {
        let info = self.info();
        let ctx = args.ctx;
        if args.nargs > info.positional && !info.varargs {
            return Err(self.too_many_positional_for(info, args.nargs));
        }
        let named = args.nargs.min(info.positional);
        let mut slots: Slots<'a, 'ctx, N> = [Borrowed::missing(ctx); N];
        for (i, slot) in slots.iter_mut().enumerate().take(named) {
            // SAFETY: `i < nargs`; `Args` is only built from the argument
            // array HPy passed, valid for 'a.
            *slot = unsafe { Borrowed::from_raw(ctx, *args.args.add(i)) };
        }
        // SAFETY: the positional arguments past the named ones, in the same
        // array.
        let varargs = unsafe { crate::VarArgs::new(ctx, args.args.add(named), args.nargs - named) };
        let mut kwargs = None;
        if args.kwnames._i != 0 {
            // SAFETY: for a KEYWORDS call HPy passes the keyword values right
            // after the positional ones, one per name in the `kwnames` tuple.
            let values = unsafe { args.args.add(args.nargs) };
            // SAFETY: the tuple HPy passed.
            if let Some((names, count)) = unsafe { abi::keyword_names(args.kwnames) } {
                // CPython ABI: the names themselves, compared by pointer
                // with the interned parameter names first.
                abi::intern_names(info.names, self.params);
                let keyword = &info.names[info.positional_only.min(info.names.len())..];
                for k in 0..count {
                    // SAFETY: `count` names, each with its value, valid for
                    // the call.
                    let (name, value) =
                        unsafe { (*names.add(k), Borrowed::from_raw(ctx, *values.add(k))) };
                    match keyword.iter().position(|n| n.is(name)) {
                        Some(i) => {
                            let index = info.positional_only + i;
                            if !is_missing(&slots[index]) {
                                return Err(self.multiple_values(index));
                            }
                            slots[index] = value;
                        }
                        None => {
                            // SAFETY: a name from the tuple, valid for the
                            // call.
                            let name = unsafe { Borrowed::from_raw(ctx, name) };
                            self.assign_keyword(info, &mut slots, &name, value, &mut kwargs)?;
                        }
                    }
                }
            } else {
                // SAFETY: as above.
                unsafe {
                    for_each_keyword(ctx, args.kwnames, values, |name, value| {
                        self.assign_keyword(info, &mut slots, name, value, &mut kwargs)
                    })?
                };
            }
        }
        self.check_required_for(info, &slots)?;
        Ok(Parsed {
            slots,
            varargs,
            kwargs,
        })
    }

    /// [`parse_signature`](Self::parse_signature) for a `tp_new`/`tp_init`
    /// call: positional handles and a keyword dict (or, on PyPy, a tuple of
    /// keyword names as for `HPyFunc_KEYWORDS`). The dict's values are
    /// fetched as new handles, kept in `keep` so the borrows stay valid.
    pub fn parse_new_signature<'a, 'ctx, const N: usize>(
        &self,
        args: &NewArgs<'_, 'ctx>,
        keep: &'a mut Vec<(usize, Handle<'ctx>)>,
    ) -> HPyResult<Parsed<'a, 'ctx, N>> {
        let ctx = args.ctx;
        // SAFETY: a valid handle (checked first to be non-NULL).
        let kwnames =
            args.kw._i != 0 && unsafe { hpy_sys::HPyTuple_Check(ctx.as_raw(), args.kw) } != 0;
        if args.kw._i == 0 || kwnames {
            // The argument array (and the keyword values after it) are the
            // interpreter's, valid for the whole call.
            let call: Args<'a, 'ctx> = Args {
                ctx,
                args: args.args,
                nargs: args.nargs,
                kwnames: if kwnames { args.kw } else { hpy_sys::HPy_NULL },
                _borrow: PhantomData,
            };
            return self.parse_signature::<N>(&call);
        }
        let info = self.info();
        if args.nargs > info.positional && !info.varargs {
            return Err(self.too_many_positional_for(info, args.nargs));
        }
        let named = args.nargs.min(info.positional);
        // SAFETY: a dict handle, valid for the call; results are owned or NULL.
        let keys = unsafe { ctx.wrap_result(hpy_sys::HPyDict_Keys(ctx.as_raw(), args.kw))? };
        // SAFETY: valid handle.
        let count = unsafe { hpy_sys::HPy_Length(ctx.as_raw(), keys.as_raw()) };
        let mut kwargs = None;
        for k in 0..count.max(0) {
            // SAFETY: in range; owned result or NULL.
            let key =
                unsafe { ctx.wrap_result(hpy_sys::HPy_GetItem_i(ctx.as_raw(), keys.as_raw(), k))? };
            // SAFETY: valid dict and key; owned result or NULL.
            let value = unsafe {
                ctx.wrap_result(hpy_sys::HPy_GetItem(ctx.as_raw(), args.kw, key.as_raw()))?
            };
            match self.keyword_target(info, &key)? {
                Some(index) => {
                    if index < named || keep.iter().any(|(i, _)| *i == index) {
                        return Err(self.multiple_values(index));
                    }
                    keep.push((index, value));
                }
                None => add_extra_keyword(&mut kwargs, &key, &value)?,
            }
        }
        let mut slots: Slots<'a, 'ctx, N> = [Borrowed::missing(ctx); N];
        for (i, slot) in slots.iter_mut().enumerate().take(named) {
            // SAFETY: `i < nargs`; the array HPy passed is valid for the call.
            *slot = unsafe { Borrowed::from_raw(ctx, *args.args.add(i)) };
        }
        for (index, value) in keep.iter() {
            slots[*index] = value.borrow();
        }
        self.check_required_for(info, &slots)?;
        Ok(Parsed {
            slots,
            // SAFETY: the positional arguments past the named ones, in the
            // array HPy passed, valid for the call.
            varargs: unsafe { crate::VarArgs::new(ctx, args.args.add(named), args.nargs - named) },
            kwargs,
        })
    }

    /// Puts one keyword argument where the signature says: its parameter,
    /// `**kwargs`, or an error.
    fn assign_keyword<'a, 'ctx, const N: usize>(
        &self,
        info: &SignatureInfo,
        slots: &mut Slots<'a, 'ctx, N>,
        name: &Handle<'ctx>,
        value: Borrowed<'a, 'ctx>,
        kwargs: &mut Option<Handle<'ctx>>,
    ) -> HPyResult<()> {
        match self.keyword_target(info, name)? {
            Some(index) => {
                if !is_missing(&slots[index]) {
                    return Err(self.multiple_values(index));
                }
                slots[index] = value;
                Ok(())
            }
            None => add_extra_keyword(kwargs, name, &value),
        }
    }

    /// The parameter a keyword argument names (`None`: it goes to
    /// `**kwargs`), or the error for a keyword no parameter takes.
    fn keyword_target(&self, info: &SignatureInfo, name: &Handle<'_>) -> HPyResult<Option<usize>> {
        let text: &str = FromHPy::extract(name)?;
        match self.params.iter().position(|p| *p == text) {
            Some(index) if index >= info.positional_only => Ok(Some(index)),
            _ if info.kwargs => Ok(None),
            Some(_) => Err(HPyErr::type_error(format!(
                "{}() got some positional-only arguments passed as keyword arguments: '{text}'",
                self.name
            ))),
            None => Err(HPyErr::type_error(format!(
                "{}() got an unexpected keyword argument '{text}'",
                self.name
            ))),
        }
    }

    #[cold]
    fn multiple_values(&self, index: usize) -> HPyErr {
        HPyErr::type_error(format!(
            "{}() got multiple values for argument '{}'",
            self.name, self.params[index]
        ))
    }

    #[cold]
    fn too_many_positional_for(&self, info: &SignatureInfo, given: usize) -> HPyErr {
        let n = info.positional;
        let required = info.required[..n].iter().filter(|r| **r).count();
        let takes = if required == n {
            format!("{n} positional {}", plural(n, "argument", "arguments"))
        } else {
            format!("from {required} to {n} positional arguments")
        };
        HPyErr::type_error(format!(
            "{}() takes {takes} but {given} {} given",
            self.name,
            plural(given, "was", "were")
        ))
    }

    #[inline]
    fn check_required_for<const N: usize>(
        &self,
        info: &SignatureInfo,
        slots: &Slots<'_, '_, N>,
    ) -> HPyResult<()> {
        let given = info
            .required
            .iter()
            .zip(slots.iter())
            .all(|(required, slot)| !*required || !is_missing(slot));
        if given {
            return Ok(());
        }
        Err(self.missing_for(info, slots))
    }

    /// The error for required parameters without an argument.
    #[cold]
    #[inline(never)]
    fn missing_for<const N: usize>(
        &self,
        info: &SignatureInfo,
        slots: &Slots<'_, '_, N>,
    ) -> HPyErr {
        let missing = |range: core::ops::Range<usize>| -> Vec<String> {
            range
                .filter(|&i| info.required[i] && is_missing(&slots[i]))
                .map(|i| format!("'{}'", self.params[i]))
                .collect()
        };
        for (names, kind) in [
            (missing(0..info.positional), "positional"),
            (missing(info.positional..self.params.len()), "keyword-only"),
        ] {
            if names.is_empty() {
                continue;
            }
            let list = match names.as_slice() {
                [one] => one.clone(),
                [init @ .., last] => format!("{} and {last}", init.join(", ")),
                [] => String::new(),
            };
            return HPyErr::type_error(format!(
                "{}() missing {} required {kind} {}: {list}",
                self.name,
                names.len(),
                plural(names.len(), "argument", "arguments"),
            ));
        }
        HPyErr::system_error("missing arguments reported for a complete call")
    }

    /// # Safety
    /// `kwnames` must be a tuple of str, and `values` must point to one
    /// handle per name, all valid for `'a`.
    unsafe fn assign_keywords<'a, 'ctx, const N: usize>(
        &self,
        ctx: Context<'ctx>,
        slots: &mut Slots<'a, 'ctx, N>,
        values: *const HPy,
        kwnames: HPy,
    ) -> HPyResult<()> {
        // SAFETY: forwarded.
        unsafe {
            for_each_keyword(ctx, kwnames, values, |name, value| {
                let name: &str = FromHPy::extract(name)?;
                let Some(index) = self.params.iter().position(|p| *p == name) else {
                    return Err(HPyErr::type_error(format!(
                        "{}() got an unexpected keyword argument '{name}'",
                        self.name
                    )));
                };
                if !is_missing(&slots[index]) {
                    return Err(self.multiple_values(index));
                }
                slots[index] = value;
                Ok(())
            })
        }
    }
}

/// Calls `f` with each keyword name of a `HPyFunc_KEYWORDS` call and its
/// value.
///
/// # Safety
/// `kwnames` must be a tuple of str, and `values` must point to one handle
/// per name, all valid for `'a`.
unsafe fn for_each_keyword<'a, 'ctx>(
    ctx: Context<'ctx>,
    kwnames: HPy,
    values: *const HPy,
    mut f: impl FnMut(&Handle<'ctx>, Borrowed<'a, 'ctx>) -> HPyResult<()>,
) -> HPyResult<()>
where
    'ctx: 'a,
{
    // SAFETY: valid handle; -1 with an exception on failure.
    let count = unsafe { hpy_sys::HPy_Length(ctx.as_raw(), kwnames) };
    if count < 0 {
        return Err(HPyErr::raised(ctx));
    }
    // SAFETY: the tuple is the interpreter's, valid for the call.
    let kwnames = unsafe { Borrowed::from_raw(ctx, kwnames) };
    for k in 0..count as usize {
        // `k` is in range (a tuple cannot shrink).
        let name = kwnames.get_item_i(k as isize)?;
        // SAFETY: one value per keyword name, valid for 'a.
        f(&name, unsafe { Borrowed::from_raw(ctx, *values.add(k)) })?;
    }
    Ok(())
}

/// Converts a required argument; `index` names it in error messages.
#[inline(always)]
pub fn extract_required<'a, 'ctx, T: FromHPy<'a, 'ctx>>(
    slot: Option<&'a Borrowed<'_, 'ctx>>,
    desc: &FunctionDescription,
    index: usize,
) -> HPyResult<T> {
    match slot {
        Some(arg) => T::extract(arg).map_err(|e| e.for_argument(desc.name, desc.params[index])),
        None => Err(missing_slot(desc, index)),
    }
}

/// Converts an optional argument: `None` when it was not given.
#[inline(always)]
pub fn extract_optional<'a, 'ctx, T: FromHPy<'a, 'ctx>>(
    slot: Option<&'a Borrowed<'_, 'ctx>>,
    desc: &FunctionDescription,
    index: usize,
) -> HPyResult<Option<T>> {
    match slot {
        Some(arg) => {
            <Option<T>>::extract(arg).map_err(|e| e.for_argument(desc.name, desc.params[index]))
        }
        None => Ok(None),
    }
}

/// Adds a keyword argument no parameter takes to the `**kwargs` dict.
fn add_extra_keyword<'ctx>(
    kwargs: &mut Option<Handle<'ctx>>,
    name: &Handle<'ctx>,
    value: &Handle<'ctx>,
) -> HPyResult<()> {
    let dict = match kwargs {
        Some(dict) => dict,
        None => kwargs.insert(name.context().new_dict()?.into_handle()),
    };
    dict.set_item(name, value)
}

/// Converts an argument with a default (`name = expr` in a `signature`):
/// `default()` when it was not given.
#[inline(always)]
pub fn extract_or_default<'a, 'ctx, T: FromHPy<'a, 'ctx>>(
    slot: Option<&'a Borrowed<'_, 'ctx>>,
    desc: &FunctionDescription,
    index: usize,
    default: impl FnOnce() -> T,
) -> HPyResult<T> {
    match slot {
        Some(arg) => T::extract(arg).map_err(|e| e.for_argument(desc.name, desc.params[index])),
        None => Ok(default()),
    }
}

/// What a `**kwargs` parameter may be: `Option<Handle>` (`None` when no
/// extra keyword was passed) or `Handle` (an empty dict then).
#[diagnostic::on_unimplemented(
    message = "a `**kwargs` parameter is `Option<Handle<'ctx>>` or `Handle<'ctx>` (a dict), not `{Self}`",
    label = "expected `Option<Handle<'ctx>>` or `Handle<'ctx>`"
)]
pub trait FromKwargs<'ctx>: Sized {
    /// Converts the parsed extra keywords.
    fn from_kwargs(ctx: Context<'ctx>, kwargs: Option<Handle<'ctx>>) -> HPyResult<Self>;
}

impl<'ctx> FromKwargs<'ctx> for Option<Handle<'ctx>> {
    #[inline]
    fn from_kwargs(_: Context<'ctx>, kwargs: Option<Handle<'ctx>>) -> HPyResult<Self> {
        Ok(kwargs)
    }
}

impl<'ctx> FromKwargs<'ctx> for Handle<'ctx> {
    #[inline]
    fn from_kwargs(ctx: Context<'ctx>, kwargs: Option<Handle<'ctx>>) -> HPyResult<Self> {
        match kwargs {
            Some(dict) => Ok(dict),
            None => ctx.new_dict().map(Into::into),
        }
    }
}

#[cold]
fn missing_slot(desc: &FunctionDescription, index: usize) -> HPyErr {
    HPyErr::system_error(format!(
        "{}(): internal error: argument '{}' was not parsed",
        desc.name, desc.params[index]
    ))
}

/// Converts a method's `self` for a `slf` parameter.
#[inline(always)]
pub fn extract_self<'a, 'ctx, T: FromHPy<'a, 'ctx>>(slf: &'a Borrowed<'_, 'ctx>) -> HPyResult<T> {
    T::extract(slf)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADD: FunctionDescription = FunctionDescription {
        name: "add",
        params: &["a", "b"],
        required: 2,
        signature: None,
    };
    const OPT: FunctionDescription = FunctionDescription {
        name: "opt",
        params: &["a", "b", "c"],
        required: 1,
        signature: None,
    };

    fn message(e: HPyErr) -> String {
        e.describe().unwrap().1.into_owned()
    }

    #[test]
    fn too_many_messages() {
        assert_eq!(
            message(ADD.too_many_positional(3)),
            "add() takes 2 positional arguments but 3 were given"
        );
        assert_eq!(
            message(OPT.too_many_positional(4)),
            "opt() takes from 1 to 3 positional arguments but 4 were given"
        );
        let one = FunctionDescription {
            name: "f",
            params: &["x"],
            required: 1,
            signature: None,
        };
        assert_eq!(
            message(one.too_many_positional(2)),
            "f() takes 1 positional argument but 2 were given"
        );
        let none = FunctionDescription {
            name: "g",
            params: &[],
            required: 0,
            signature: None,
        };
        assert_eq!(
            message(none.too_many_positional(1)),
            "g() takes 0 positional arguments but 1 was given"
        );
    }

    #[test]
    fn missing_messages() {
        // SAFETY: never dereferenced; only the (null) handles are read.
        let ctx = unsafe { Context::from_raw(core::ptr::NonNull::dangling().as_ptr()) };
        let empty: Slots<'_, '_, 2> = [Borrowed::missing(ctx); 2];
        assert_eq!(
            message(ADD.missing(&empty)),
            "add() missing 2 required positional arguments: 'a' and 'b'"
        );
        let three = FunctionDescription {
            name: "h",
            params: &["a", "b", "c"],
            required: 3,
            signature: None,
        };
        let empty: Slots<'_, '_, 3> = [Borrowed::missing(ctx); 3];
        assert_eq!(
            message(three.missing(&empty)),
            "h() missing 3 required positional arguments: 'a', 'b' and 'c'"
        );
    }
}
