//! Argument parsing for `#[hpy_method]` parameters: one description of a
//! function's Python signature, one parser over it.
//!
//! Every generated function has a [`FunctionDescription`]. A plain
//! `fn f(a: i64, b: Option<i64>)` is the description without markers (no
//! `/`, `*`, `*args` or `**kwargs`); a `signature = (...)` fills the same
//! fields. The parser is inlined into each entry, so that the description,
//! a constant, folds into it: a call with positional arguments only costs
//! two count checks before the handles are used as they are.
//!
//! Error messages follow CPython's for Python functions, so users see the
//! same wording whichever language the function is written in.

use hpy_sys::HPy;

use core::marker::PhantomData;

use super::abi::{self, InternedName};
use super::def::Args;
use crate::class::NewArgs;
use crate::{Borrowed, Context, FromHPy, HPyErr, HPyResult, Handle};

/// The Python-visible shape of a generated function.
pub struct FunctionDescription {
    /// The function's Python name.
    pub name: &'static str,
    /// Parameter names, in order (not `*args` and `**kwargs`).
    pub params: &'static [&'static str],
    /// Leading parameters that cannot be passed by keyword (before `/`;
    /// every one of an `o` or `varargs` function).
    pub positional_only: usize,
    /// Leading parameters that can be passed by position; the others are
    /// keyword-only.
    pub positional: usize,
    /// How many leading parameters must be given: the positional
    /// parameters without a default come first.
    pub required_positional: usize,
    /// One per parameter: whether it must be given (no default).
    pub required: &'static [bool],
    /// Extra positional arguments go to `*args` instead of being an error.
    pub varargs: bool,
    /// Unknown keyword arguments go to `**kwargs` instead of being an error.
    pub kwargs: bool,
    /// One per parameter: its name interned, to find keywords by pointer
    /// (CPython ABI; see [`InternedName`]). A static of the generated code.
    pub names: &'static [InternedName],
}

/// The arguments of a call, parsed against a [`FunctionDescription`].
pub struct Parsed<'a, 'ctx, const N: usize> {
    /// One per parameter.
    pub slots: Slots<'a, 'ctx, N>,
    /// The positional arguments past the named ones (`*args`).
    pub varargs: crate::VarArgs<'a, 'ctx>,
    /// The keyword arguments no parameter takes (`**kwargs`), if any.
    pub kwargs: Option<Handle<'ctx>>,
}

/// The parsed arguments of one call: one slot per parameter.
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

/// `'a'`, `'a' and 'b'`, `'a', 'b' and 'c'`.
fn quoted_list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    match quoted.as_slice() {
        [init @ .., last] if !init.is_empty() => format!("{} and {last}", init.join(", ")),
        _ => quoted.concat(),
    }
}

impl FunctionDescription {
    /// Parses the arguments of an `HPyFunc_VARARGS` or `HPyFunc_KEYWORDS`
    /// call: positional handles, then one value per name in the `kwnames`
    /// tuple (`HPy_NULL` for none: always so for `HPyFunc_VARARGS`).
    ///
    /// A call without keywords to a function without keyword-only
    /// parameters is checked here; so are keywords for a function with
    /// keyword-only parameters or `**kwargs`. Keywords to any other
    /// function take the out-of-line [`parse_keywords`](Self::parse_keywords).
    #[inline(always)]
    pub fn parse<'a, 'ctx, const N: usize>(
        &self,
        args: &Args<'a, 'ctx>,
    ) -> HPyResult<Parsed<'a, 'ctx, N>> {
        self.parse_into(args, |parsed| parsed)
    }

    /// [`parse`](Self::parse) of a function without `*args` and
    /// `**kwargs`: the slots alone. Returning them alone keeps the result
    /// in registers where the whole `Parsed` (with its `*args` view) was
    /// built in memory and copied twice on the way to the arguments'
    /// extraction (11 instructions a call, xxhash's one-shot functions on
    /// CPython 3.14).
    #[inline(always)]
    pub fn parse_slots<'a, 'ctx, const N: usize>(
        &self,
        args: &Args<'a, 'ctx>,
    ) -> HPyResult<Slots<'a, 'ctx, N>> {
        self.parse_into(args, |parsed| parsed.slots)
    }

    /// [`parse`](Self::parse), handing the result to `take` on each path
    /// (inlined: what `take` drops is never built in memory).
    #[inline(always)]
    fn parse_into<'a, 'ctx, const N: usize, R>(
        &self,
        args: &Args<'a, 'ctx>,
        take: impl FnOnce(Parsed<'a, 'ctx, N>) -> R,
    ) -> HPyResult<R>
    where
        'ctx: 'a,
    {
        if self.positional < self.params.len() || self.kwargs {
            // Keyword-only parameters or `**kwargs`: keywords are this
            // function's common case, parsed inline, where the description
            // folds into the loops (a call without keywords too: its errors
            // are the same, `bind_all` checks the count and what is missing).
            return self.bind_all(args).map(take);
        }
        if args.kwnames._i == 0 {
            let nargs = args.nargs;
            if (nargs > self.positional && !self.varargs) || nargs < self.required_positional {
                // The error path gets scalars (registers) and leaves the
                // error with the interpreter, so the fast path builds
                // nothing in memory for it and the entry can return the
                // result of its last call without testing it.
                self.raise_bad_positional_count(args.ctx, nargs);
                return Err(HPyErr::raised(args.ctx));
            }
            // Every parameter can be given by position here.
            return Ok(take(self.bind_positional(args)));
        }
        self.parse_keywords(args).map(take)
    }

    /// The positional arguments in their slots (at most `positional` of
    /// them; the rest are `*args`), the other slots empty.
    #[inline(always)]
    fn bind_positional<'a, 'ctx, const N: usize>(
        &self,
        args: &Args<'a, 'ctx>,
    ) -> Parsed<'a, 'ctx, N> {
        let ctx = args.ctx;
        let named = args.nargs.min(self.positional);
        Parsed {
            // Built element by element (N is a small constant): no memcpy.
            slots: core::array::from_fn(|i| {
                if i < named {
                    // SAFETY: `i < nargs`, and `Args` is only built from the
                    // argument array HPy passed, valid for `'a`. Every entry
                    // of that array is a live handle, never HPy_NULL
                    // (CPython and PyPy pass objects), which lets the
                    // compiler drop the "is it missing" tests of the fast
                    // path.
                    unsafe {
                        let h = *args.args.add(i);
                        core::hint::assert_unchecked(h._i != 0);
                        Borrowed::from_raw(ctx, h)
                    }
                } else {
                    Borrowed::missing(ctx)
                }
            }),
            // SAFETY: the positional arguments past the named ones, in the
            // same array.
            varargs: unsafe { crate::VarArgs::new(ctx, args.args.add(named), args.nargs - named) },
            kwargs: None,
        }
    }

    /// [`parse`](Self::parse) for a call that names arguments, out of line.
    #[inline(never)]
    fn parse_keywords<'a, 'ctx, const N: usize>(
        &self,
        args: &Args<'a, 'ctx>,
    ) -> HPyResult<Parsed<'a, 'ctx, N>> {
        self.bind_all(args)
    }

    /// Every argument of a call in its slot: the positional ones, then the
    /// keywords; then the check that the required parameters got one.
    #[inline(always)]
    fn bind_all<'a, 'ctx, const N: usize>(
        &self,
        args: &Args<'a, 'ctx>,
    ) -> HPyResult<Parsed<'a, 'ctx, N>> {
        self.check_positional_count(args.nargs)?;
        // Only the slots and `**kwargs` are written through references
        // below; the `*args` view stays out of memory, so that returning
        // the result copies less (the `keywords` benchmark row).
        let Parsed {
            mut slots,
            varargs,
            mut kwargs,
        } = self.bind_positional(args);
        if args.kwnames._i != 0 {
            // SAFETY: for a KEYWORDS call HPy passes the keyword values
            // right after the positional ones, one per name in the tuple.
            unsafe {
                let values = args.args.add(args.nargs);
                self.bind_keywords(args.ctx, &mut slots, &mut kwargs, args.kwnames, values)?;
            }
        }
        self.check_required(&slots)?;
        Ok(Parsed {
            slots,
            varargs,
            kwargs,
        })
    }

    /// Parses the arguments of a `tp_new`/`tp_init` call: positional
    /// handles and a keyword dict (or, on PyPy, a tuple of keyword names
    /// as for `HPyFunc_KEYWORDS`). The dict's values are fetched as new
    /// handles, kept in `keep` so that the returned borrows stay valid.
    #[inline(always)]
    pub fn parse_new<'a, 'ctx, const N: usize>(
        &self,
        args: &NewArgs<'_, 'ctx>,
        keep: &'a mut Vec<(usize, Handle<'ctx>)>,
    ) -> HPyResult<Parsed<'a, 'ctx, N>> {
        self.parse_new_into(args, keep, |parsed| parsed)
    }

    /// [`parse_new`](Self::parse_new) of a constructor without `*args` and
    /// `**kwargs`: the slots alone, as [`parse_slots`](Self::parse_slots).
    #[inline(always)]
    pub fn parse_new_slots<'a, 'ctx, const N: usize>(
        &self,
        args: &NewArgs<'_, 'ctx>,
        keep: &'a mut Vec<(usize, Handle<'ctx>)>,
    ) -> HPyResult<Slots<'a, 'ctx, N>> {
        self.parse_new_into(args, keep, |parsed| parsed.slots)
    }

    /// [`parse_new`](Self::parse_new), handing the result to `take` (see
    /// [`parse_into`](Self::parse_into)).
    #[inline(always)]
    fn parse_new_into<'a, 'ctx, const N: usize, R>(
        &self,
        args: &NewArgs<'_, 'ctx>,
        keep: &'a mut Vec<(usize, Handle<'ctx>)>,
        take: impl FnOnce(Parsed<'a, 'ctx, N>) -> R,
    ) -> HPyResult<R>
    where
        'ctx: 'a,
    {
        let ctx = args.ctx;
        // The argument array (and the keyword values after it) are the
        // interpreter's, valid for the whole call like `keep`'s handles.
        let call = |kwnames| Args {
            ctx,
            args: args.args,
            nargs: args.nargs,
            kwnames,
            _borrow: PhantomData,
        };
        if args.kw._i == 0 {
            return self.parse_into(&call(hpy_sys::HPy_NULL), take);
        }
        // SAFETY: a valid handle (non-NULL, checked above).
        if unsafe { hpy_sys::HPyTuple_Check(ctx.as_raw(), args.kw) } != 0 {
            // PyPy 7.3.19 passes keyword *names* with the values after the
            // positional arguments (vectorcall style) instead of a dict.
            return self.parse_keywords(&call(args.kw)).map(take);
        }
        self.parse_dict(args, keep).map(take)
    }

    /// [`parse_new`](Self::parse_new) for a call with a keyword dict.
    #[inline(never)]
    fn parse_dict<'a, 'ctx, const N: usize>(
        &self,
        args: &NewArgs<'_, 'ctx>,
        keep: &'a mut Vec<(usize, Handle<'ctx>)>,
    ) -> HPyResult<Parsed<'a, 'ctx, N>> {
        let ctx = args.ctx;
        let named = self.check_positional_count(args.nargs)?;
        let mut kwargs = None;
        // SAFETY: a dict handle, valid for the call; results are owned or NULL.
        let keys = unsafe { ctx.wrap_result(hpy_sys::HPyDict_Keys(ctx.as_raw(), args.kw))? };
        // SAFETY: valid handle.
        let count = unsafe { hpy_sys::HPy_Length(ctx.as_raw(), keys.as_raw()) };
        for k in 0..count.max(0) {
            // SAFETY: in range; owned result or NULL.
            let key =
                unsafe { ctx.wrap_result(hpy_sys::HPy_GetItem_i(ctx.as_raw(), keys.as_raw(), k))? };
            // SAFETY: valid dict and key; owned result or NULL.
            let value = unsafe {
                ctx.wrap_result(hpy_sys::HPy_GetItem(ctx.as_raw(), args.kw, key.as_raw()))?
            };
            match self.keyword_target(FromHPy::extract(&key)?)? {
                Some(index) if index < named || keep.iter().any(|(i, _)| *i == index) => {
                    return Err(self.multiple_values(index));
                }
                Some(index) => keep.push((index, value)),
                None => add_extra_keyword(&mut kwargs, &key, &value)?,
            }
        }
        // SAFETY: the array HPy passed, valid for the call.
        let positional = unsafe { Args::positional_only(ctx, args.args, args.nargs) };
        let mut parsed = self.bind_positional(&positional);
        parsed.kwargs = kwargs;
        for (index, value) in keep.iter() {
            parsed.slots[*index] = value.borrow();
        }
        self.check_required(&parsed.slots)?;
        Ok(parsed)
    }

    /// Puts the keyword arguments of a KEYWORDS call in their slots (or
    /// `**kwargs`).
    ///
    /// # Safety
    /// `kwnames` must be a tuple of str, and `values` must point to one
    /// handle per name, all valid for `'a`.
    #[inline(always)]
    unsafe fn bind_keywords<'a, 'ctx, const N: usize>(
        &self,
        ctx: Context<'ctx>,
        slots: &mut Slots<'a, 'ctx, N>,
        kwargs: &mut Option<Handle<'ctx>>,
        kwnames: HPy,
        values: *const HPy,
    ) -> HPyResult<()> {
        // SAFETY: the tuple HPy passed (contract).
        if let Some((names, count)) = unsafe { abi::keyword_names(kwnames) } {
            // CPython ABI: the names themselves, compared by pointer with
            // the interned parameter names first (then by value).
            abi::intern_names(self.names, self.params);
            for k in 0..count {
                // SAFETY: `count` names, each with its value, valid for 'a.
                let (name, value) =
                    unsafe { (*names.add(k), Borrowed::from_raw(ctx, *values.add(k))) };
                let keyword = &self.names[self.positional_only.min(self.names.len())..];
                match keyword.iter().position(|n| n.is(name)) {
                    Some(i) => self.fill(slots, self.positional_only + i, value)?,
                    None => {
                        // SAFETY: a name from the tuple, valid for the call.
                        let name = unsafe { Borrowed::from_raw(ctx, name) };
                        self.bind_keyword(slots, kwargs, &name, value)?;
                    }
                }
            }
            return Ok(());
        }
        // SAFETY: forwarded.
        unsafe {
            for_each_keyword(ctx, kwnames, values, |name, value| {
                self.bind_keyword(slots, kwargs, name, value)
            })
        }
    }

    /// Puts one keyword argument where the description says: the slot of
    /// the parameter it names, `**kwargs`, or an error.
    fn bind_keyword<'a, 'ctx, const N: usize>(
        &self,
        slots: &mut Slots<'a, 'ctx, N>,
        kwargs: &mut Option<Handle<'ctx>>,
        name: &Handle<'ctx>,
        value: Borrowed<'a, 'ctx>,
    ) -> HPyResult<()> {
        match self.keyword_target(FromHPy::extract(name)?)? {
            Some(index) => self.fill(slots, index, value),
            None => add_extra_keyword(kwargs, name, &value),
        }
    }

    /// Puts a keyword argument in parameter `index`'s slot, or the error
    /// for a parameter that has a value already.
    #[inline(always)]
    fn fill<'a, 'ctx, const N: usize>(
        &self,
        slots: &mut Slots<'a, 'ctx, N>,
        index: usize,
        value: Borrowed<'a, 'ctx>,
    ) -> HPyResult<()> {
        if !is_missing(&slots[index]) {
            return Err(self.multiple_values(index));
        }
        slots[index] = value;
        Ok(())
    }

    /// The parameter a keyword argument names (`None`: it goes to
    /// `**kwargs`), or the error for a keyword no parameter takes.
    fn keyword_target(&self, name: &str) -> HPyResult<Option<usize>> {
        match self.params.iter().position(|p| *p == name) {
            Some(index) if index >= self.positional_only => Ok(Some(index)),
            _ if self.kwargs => Ok(None),
            Some(_) => Err(HPyErr::type_error(format!(
                "{}() got some positional-only arguments passed as keyword arguments: '{name}'",
                self.name
            ))),
            None => Err(HPyErr::type_error(format!(
                "{}() got an unexpected keyword argument '{name}'",
                self.name
            ))),
        }
    }

    /// How many positional arguments go to named parameters, or the error
    /// for too many.
    #[inline]
    fn check_positional_count(&self, given: usize) -> HPyResult<usize> {
        if given > self.positional && !self.varargs {
            return Err(self.too_many_positional(given));
        }
        Ok(given.min(self.positional))
    }

    /// Raises the error for a wrong count of positional arguments in a
    /// call without keywords.
    #[cold]
    #[inline(never)]
    fn raise_bad_positional_count(&self, ctx: Context<'_>, given: usize) {
        let err = match self.check_positional_count(given) {
            Ok(_) => self.missing(|i| i < given),
            Err(e) => e,
        };
        err.restore(ctx);
    }

    #[inline]
    fn check_required<const N: usize>(&self, slots: &Slots<'_, '_, N>) -> HPyResult<()> {
        let complete = (self.required.iter().zip(slots))
            .all(|(required, slot)| !*required || !is_missing(slot));
        if complete {
            return Ok(());
        }
        Err(self.missing(|i| !is_missing(&slots[i])))
    }

    #[cold]
    fn too_many_positional(&self, given: usize) -> HPyErr {
        let (n, required) = (self.positional, self.required_positional);
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

    /// The error for required parameters without an argument (`given`
    /// tells which have one): the positional ones if any, else the
    /// keyword-only ones.
    #[cold]
    #[inline(never)]
    fn missing(&self, given: impl Fn(usize) -> bool) -> HPyErr {
        let missing = |range: core::ops::Range<usize>| -> Vec<&str> {
            range
                .filter(|&i| self.required[i] && !given(i))
                .map(|i| self.params[i])
                .collect()
        };
        for (names, kind) in [
            (missing(0..self.positional), "positional"),
            (missing(self.positional..self.params.len()), "keyword-only"),
        ] {
            if !names.is_empty() {
                return HPyErr::type_error(format!(
                    "{}() missing {} required {kind} {}: {}",
                    self.name,
                    names.len(),
                    plural(names.len(), "argument", "arguments"),
                    quoted_list(&names),
                ));
            }
        }
        HPyErr::system_error("missing arguments reported for a complete call")
    }

    #[cold]
    fn multiple_values(&self, index: usize) -> HPyErr {
        HPyErr::type_error(format!(
            "{}() got multiple values for argument '{}'",
            self.name, self.params[index]
        ))
    }
}

/// Runs `f` out of line, as a path the caller rarely takes: what generated
/// code wraps a parse in when the common case was decided before it (a
/// constructor without parameters, called without arguments), so that the
/// inlined parser does not weigh on that common case.
#[cold]
#[inline(never)]
pub fn cold<T>(f: impl FnOnce() -> T) -> T {
    f()
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
    use hpy_sys::HPyConstant;

    /// A description as the macro backend makes it: `positional_only`
    /// and `positional` count leading parameters, `required` has one entry
    /// per parameter.
    fn desc(
        params: &'static [&'static str],
        positional_only: usize,
        positional: usize,
        required: &'static [bool],
        varargs: bool,
        kwargs: bool,
    ) -> FunctionDescription {
        assert_eq!(params.len(), required.len());
        FunctionDescription {
            name: "f",
            params,
            positional_only,
            positional,
            required_positional: required[..positional].iter().take_while(|r| **r).count(),
            required,
            varargs,
            kwargs,
            names: &[],
        }
    }

    /// What the parser decides for a call with `nargs` positional
    /// arguments and these keywords, through the same steps as
    /// `parse_keywords`/`parse_dict` (count, keywords in order, required
    /// parameters) on a record of which parameters got a value; the
    /// message of the `TypeError` it raises.
    fn call(d: &FunctionDescription, nargs: usize, keywords: &[&str]) -> Result<(), String> {
        let message = |e: HPyErr| {
            let (ty, text) = e.describe().expect("a described error");
            assert!(ty == HPyConstant::TypeError, "not a TypeError: {text}");
            text.into_owned()
        };
        let named = d.check_positional_count(nargs).map_err(message)?;
        let mut given = vec![false; d.params.len()];
        given[..named].fill(true);
        for keyword in keywords {
            match d.keyword_target(keyword).map_err(message)? {
                Some(i) if given[i] => return Err(message(d.multiple_values(i))),
                Some(i) => given[i] = true,
                None => {}
            }
        }
        if (0..d.params.len()).any(|i| d.required[i] && !given[i]) {
            return Err(message(d.missing(|i| given[i])));
        }
        Ok(())
    }

    /// Every message the parser produces, one row per case:
    /// (description, positional count, keywords, expected outcome).
    #[test]
    fn every_error_message() {
        let plain2 = desc(&["a", "b"], 0, 2, &[true, true], false, false);
        let optional = desc(&["a", "b", "c"], 0, 3, &[true, false, false], false, false);
        let one = desc(&["x"], 1, 1, &[true], false, false);
        let none = desc(&[], 0, 0, &[], false, false);
        let three = desc(&["a", "b", "c"], 0, 3, &[true, true, true], false, false);
        // (a, /, b, *, c, d=1)
        let mixed = desc(
            &["a", "b", "c", "d"],
            1,
            2,
            &[true, true, true, false],
            false,
            false,
        );
        // (a, *, b, c)
        let kwonly = desc(&["a", "b", "c"], 0, 1, &[true, true, true], false, false);
        // (a, /, *args, **kwargs)
        let star = desc(&["a"], 1, 1, &[true], true, true);
        let ok = Ok(());
        type Row<'d> = (
            &'d FunctionDescription,
            usize,
            &'d [&'d str],
            Result<(), &'d str>,
        );
        let rows: Vec<Row<'_>> = vec![
            // too many positional arguments
            (
                &plain2,
                3,
                &[],
                Err("f() takes 2 positional arguments but 3 were given"),
            ),
            (
                &optional,
                4,
                &[],
                Err("f() takes from 1 to 3 positional arguments but 4 were given"),
            ),
            (
                &one,
                2,
                &[],
                Err("f() takes 1 positional argument but 2 were given"),
            ),
            (
                &none,
                1,
                &[],
                Err("f() takes 0 positional arguments but 1 was given"),
            ),
            (
                &kwonly,
                2,
                &["b", "c"],
                Err("f() takes 1 positional argument but 2 were given"),
            ),
            (&star, 5, &[], ok),
            // missing positional arguments
            (
                &one,
                0,
                &[],
                Err("f() missing 1 required positional argument: 'x'"),
            ),
            (
                &plain2,
                0,
                &[],
                Err("f() missing 2 required positional arguments: 'a' and 'b'"),
            ),
            (
                &three,
                0,
                &[],
                Err("f() missing 3 required positional arguments: 'a', 'b' and 'c'"),
            ),
            (
                &three,
                1,
                &["c"],
                Err("f() missing 1 required positional argument: 'b'"),
            ),
            (
                &kwonly,
                0,
                &[],
                Err("f() missing 1 required positional argument: 'a'"),
            ),
            (
                &star,
                0,
                &[],
                Err("f() missing 1 required positional argument: 'a'"),
            ),
            (&optional, 1, &[], ok),
            // missing keyword-only arguments
            (
                &kwonly,
                1,
                &[],
                Err("f() missing 2 required keyword-only arguments: 'b' and 'c'"),
            ),
            (
                &kwonly,
                1,
                &["c"],
                Err("f() missing 1 required keyword-only argument: 'b'"),
            ),
            (
                &mixed,
                2,
                &[],
                Err("f() missing 1 required keyword-only argument: 'c'"),
            ),
            (&mixed, 1, &["b", "c"], ok),
            (&kwonly, 0, &["a", "b", "c"], ok),
            // unexpected keyword
            (
                &plain2,
                1,
                &["z"],
                Err("f() got an unexpected keyword argument 'z'"),
            ),
            (
                &none,
                0,
                &["a"],
                Err("f() got an unexpected keyword argument 'a'"),
            ),
            (&star, 1, &["z"], ok),
            // a value given twice
            (
                &plain2,
                1,
                &["a"],
                Err("f() got multiple values for argument 'a'"),
            ),
            (
                &mixed,
                2,
                &["b"],
                Err("f() got multiple values for argument 'b'"),
            ),
            (
                &plain2,
                0,
                &["b", "b"],
                Err("f() got multiple values for argument 'b'"),
            ),
            // positional-only parameter passed by keyword
            (
                &mixed,
                0,
                &["a"],
                Err("f() got some positional-only arguments passed as keyword arguments: 'a'"),
            ),
            (
                &one,
                0,
                &["x"],
                Err("f() got some positional-only arguments passed as keyword arguments: 'x'"),
            ),
            // ... which `**kwargs` takes instead (the parameter still needs
            // its positional argument)
            (&star, 1, &["a"], ok),
            (
                &star,
                0,
                &["a"],
                Err("f() missing 1 required positional argument: 'a'"),
            ),
        ];
        for (d, nargs, keywords, expected) in rows {
            let got = call(d, nargs, keywords);
            assert_eq!(
                got.as_ref().map_err(String::as_str).copied(),
                expected,
                "{:?} with {nargs} positional and keywords {keywords:?}",
                d.params
            );
        }
    }

    /// A call without keywords reports its count through the inlined
    /// path's error (`raise_bad_positional_count`), the same messages.
    #[test]
    fn positional_count_errors_match() {
        let kwonly = desc(&["a", "b"], 0, 1, &[true, true], false, false);
        for (d, given) in [(&kwonly, 0), (&kwonly, 2)] {
            let err = match d.check_positional_count(given) {
                Ok(_) => d.missing(|i| i < given),
                Err(e) => e,
            };
            let text = err.describe().unwrap().1.into_owned();
            assert_eq!(Err(text), call(d, given, &[]));
        }
    }
}
