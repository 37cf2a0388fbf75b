//! `dict`: the typed handle [`Dict`], and the [`dict!`](crate::dict) macro.

use hpy_sys::HPyConstant;

use crate::{Context, HPyResult, Handle, List};

super::typed_handle! {
    /// A handle to a `dict` (or an instance of a subclass).
    ///
    /// Items are read and written with the generic [`Handle::get_item`],
    /// [`Handle::set_item`] (and their `_s` forms for `str` keys), which a
    /// `Dict` has through `Deref`; [`get`](Dict::get) is the `dict.get`
    /// that answers `None` for a missing key.
    Dict, "dict", |obj| {
        crate::abi::has_type_flag(obj, super::any::type_flag::DICT, hpy_sys::HPyDict_Check)
    }
}

/// The `dict` type itself, found once to read many dicts' items with
/// [`Dict::into_items_with`]: on hosts where a dict's entries are not
/// read in place (PyPy, debug mode), an exact dict's keys are then taken
/// by `list(d)`, which PyPy makes several hundred instructions cheaper
/// than `HPyDict_Keys`. Made only by [`Context::dict_type`], so it is
/// always `dict` (HPy 0.9 has no constant for it).
pub struct DictType<'ctx> {
    ty: Handle<'ctx>,
}

impl<'ctx> Context<'ctx> {
    /// The `dict` type, as the type of a new empty dict (not the name
    /// `dict`, which a module may rebind).
    ///
    /// ```
    /// use hpy::{hpy_method, Dict, HPyResult};
    ///
    /// /// How many items the dicts hold together.
    /// #[hpy_method]
    /// fn items_in<'ctx>(a: &Dict<'ctx>, b: &Dict<'ctx>) -> HPyResult<usize> {
    ///     let dict_type = a.context().dict_type()?;
    ///     let mut n = 0;
    ///     for d in [a, b] {
    ///         for item in d.dup().into_items_with(&dict_type)? {
    ///             item?;
    ///             n += 1;
    ///         }
    ///     }
    ///     Ok(n)
    /// }
    /// # fn main() {}
    /// ```
    pub fn dict_type(self) -> HPyResult<DictType<'ctx>> {
        Ok(DictType {
            ty: self.new_dict()?.get_type().into_handle(),
        })
    }

    /// A new empty dict (`HPyDict_New`).
    #[inline]
    pub fn new_dict(self) -> HPyResult<Dict<'ctx>> {
        // SAFETY: valid context; the result is owned or HPy_NULL.
        unsafe {
            self.wrap_result(hpy_sys::HPyDict_New(self.as_raw()))
                .map(Dict)
        }
    }
}

impl<'ctx> Dict<'ctx> {
    /// The keys, as a new list (`HPyDict_Keys`).
    #[inline]
    pub fn keys(&self) -> HPyResult<List<'ctx>> {
        let ctx = self.context();
        // SAFETY: `self` is a dict; the result is a new list or HPy_NULL.
        unsafe {
            ctx.wrap_result(hpy_sys::HPyDict_Keys(ctx.as_raw(), self.as_raw()))
                .map(List)
        }
    }

    /// The dict's `(key, value)` pairs, in the dict's order, each as
    /// owned handles: `for item in dict.items_iter()? { let (k, v) = item?; }`.
    ///
    /// HPy 0.9 has no `HPyDict_Next`. The CPython ABI and hpy_rs_universal's
    /// plain context read an exact `dict`'s entries in place, as CPython's
    /// `PyDict_Next` does: no key list and no lookup per key. Other hosts
    /// (PyPy, debug mode), and a subclass of `dict` everywhere, read the
    /// dict's keys (`HPyDict_Keys`) and look each one up (`HPy_GetItem`,
    /// so a subclass's `__getitem__` answers).
    ///
    /// A dict that changes size while it is read ends the iteration with
    /// `RuntimeError: dictionary changed size during iteration`, as Python's
    /// own iterator does; so does a key that disappeared.
    ///
    /// ```
    /// use hpy::{hpy_method, Dict, HPyResult};
    ///
    /// /// The keys whose value is `None`.
    /// #[hpy_method]
    /// fn unset_keys<'ctx>(d: &Dict<'ctx>) -> HPyResult<Vec<String>> {
    ///     let mut out = Vec::new();
    ///     for item in d.items_iter()? {
    ///         let (key, value) = item?;
    ///         if value.is_none() {
    ///             out.push(key.str()?);
    ///         }
    ///     }
    ///     Ok(out)
    /// }
    /// # fn main() {}
    /// ```
    pub fn items_iter(&self) -> HPyResult<DictItems<'ctx>> {
        self.dup().into_items()
    }

    /// [`items_iter`](Self::items_iter), taking the handle.
    #[inline]
    pub fn into_items(self) -> HPyResult<DictItems<'ctx>> {
        let ctx = self.context();
        // SAFETY: a live dict of this context.
        if !unsafe { crate::abi::dict_reads_in_place(ctx.as_raw(), self.as_raw()) } {
            // Read through the keys, whose count is the size checked at
            // the end: no length asked here.
            return Ok(DictItems {
                dict: self,
                len: 0,
                way: Way::KeysLater,
            });
        }
        let len = self.len()?;
        Ok(DictItems {
            dict: self,
            len,
            way: Way::InPlace { pos: 0 },
        })
    }

    /// [`into_items`](Self::into_items), reading an exact dict's keys by
    /// `list(d)` where it is read through its keys (a subclass's keys
    /// still by `HPyDict_Keys`: `list()` would call its `__iter__`). The
    /// items are the same; on PyPy each exact dict costs one call that
    /// makes the key list cheaper, and two small ones to tell its type.
    #[inline]
    pub fn into_items_with(self, dict_type: &DictType<'ctx>) -> HPyResult<DictItems<'ctx>> {
        let mut items = self.into_items()?;
        if matches!(items.way, Way::KeysLater) && items.dict.get_type().is(&dict_type.ty) {
            items.way = Way::ListLater;
        }
        Ok(items)
    }

    /// The keys as a new list: by `list(d)` where `listed` (an exact
    /// dict: no Python code runs, and the list holds the dict's keys in
    /// its order), else by `HPyDict_Keys`.
    fn key_list(&self, listed: bool) -> HPyResult<List<'ctx>> {
        if !listed {
            return self.keys();
        }
        let ctx = self.context();
        let arg = [self.as_raw()];
        // SAFETY: `list`, the context's constant, valid for the whole call
        // and not closed here (no handle of its own: no `HPy_Dup` and
        // `HPy_Close` through the context), called with one live handle;
        // the result is an owned new list or HPy_NULL.
        unsafe {
            let list_type = hpy_sys::HPy_GetConstant(ctx.as_raw(), HPyConstant::ListType);
            ctx.wrap_result(hpy_sys::HPy_Call(
                ctx.as_raw(),
                list_type,
                arg.as_ptr(),
                1,
                hpy_sys::HPy_NULL,
            ))
            .map(List)
        }
    }

    /// A shallow copy (`HPyDict_Copy`).
    #[inline]
    pub fn copy(&self) -> HPyResult<Dict<'ctx>> {
        let ctx = self.context();
        // SAFETY: `self` is a dict; the result is a new dict or HPy_NULL.
        unsafe {
            ctx.wrap_result(hpy_sys::HPyDict_Copy(ctx.as_raw(), self.as_raw()))
                .map(Dict)
        }
    }

    /// `self.get(key)`: the value, or `None` for a missing key (other
    /// errors, such as an unhashable key, are raised).
    pub fn get(&self, key: &Handle<'ctx>) -> HPyResult<Option<Handle<'ctx>>> {
        match self.get_item(key) {
            Ok(value) => Ok(Some(value)),
            Err(e) if e.is_pending() && self.context().err_matches(HPyConstant::KeyError) => {
                self.context().err_clear();
                e.keep_exception();
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }
}

/// The items of a dict, as [`Dict::items_iter`] reads them: each a
/// `(key, value)` pair of owned handles, or the error that ended the
/// iteration (after which it yields nothing).
pub struct DictItems<'ctx> {
    dict: Dict<'ctx>,
    /// The dict's size when read in place (unused through the keys).
    len: usize,
    way: Way<'ctx>,
}

/// How [`DictItems`] reads its dict.
enum Way<'ctx> {
    /// The entries in place, from position `pos`.
    InPlace { pos: isize },
    /// Through the keys, looked up one by one. The key list is this
    /// iterator's own (no other reference to it exists), so its length
    /// `count` is asked once.
    Keys {
        keys: List<'ctx>,
        count: usize,
        next: usize,
    },
    /// Through the keys, not taken yet.
    KeysLater,
    /// Through the keys, not taken yet, made by `list(d)` (an exact
    /// dict).
    ListLater,
    /// Done, or failed.
    Done,
}

impl<'ctx> DictItems<'ctx> {
    /// The next item read through the keys (making the key list first).
    #[inline(never)]
    fn next_by_key(&mut self) -> HPyResult<Option<(Handle<'ctx>, Handle<'ctx>)>> {
        let (keys, count, next) = match &mut self.way {
            Way::Keys { keys, count, next } => (keys, *count, next),
            way => {
                let listed = matches!(way, Way::ListLater);
                let keys = self.dict.key_list(listed)?;
                self.way = Way::Keys {
                    count: keys.len()?,
                    keys,
                    next: 0,
                };
                return self.next_by_key();
            }
        };
        let changed = || crate::HPyErr::runtime_error("dictionary changed size during iteration");
        if *next >= count {
            if self.dict.len()? != count {
                return Err(changed());
            }
            return Ok(None);
        }
        let key = keys.get_item_i(*next as isize)?;
        *next += 1;
        match self.dict.get(&key)? {
            Some(value) => Ok(Some((key, value))),
            None => Err(changed()),
        }
    }
}

impl<'ctx> Iterator for DictItems<'ctx> {
    type Item = HPyResult<(Handle<'ctx>, Handle<'ctx>)>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let step = match &mut self.way {
            Way::InPlace { pos } => {
                let ctx = self.dict.context();
                let (mut key, mut value) = (hpy_sys::HPy_NULL, hpy_sys::HPy_NULL);
                // SAFETY: a live dict of this context; on 1 both handles
                // are owned and handed to `Handle`s here.
                match unsafe {
                    crate::abi::dict_next(
                        ctx.as_raw(),
                        self.dict.as_raw(),
                        pos,
                        self.len as isize,
                        &mut key,
                        &mut value,
                    )
                } {
                    // SAFETY: owned handles of this context (above).
                    Some(1) => Ok(Some(unsafe {
                        (Handle::from_raw(ctx, key), Handle::from_raw(ctx, value))
                    })),
                    Some(0) => Ok(None),
                    Some(_) => Err(crate::HPyErr::raised(ctx)),
                    None => self.next_by_key(),
                }
            }
            Way::Keys { .. } | Way::KeysLater | Way::ListLater => self.next_by_key(),
            Way::Done => return None,
        };
        match step {
            Ok(Some(item)) => Some(Ok(item)),
            Ok(None) => {
                self.way = Way::Done;
                None
            }
            Err(e) => {
                self.way = Way::Done;
                Some(Err(e))
            }
        }
    }
}

/// Builds a `dict` from `key => value` pairs of any [`IntoHPy`](crate::IntoHPy)
/// types — no `.into_hpy(ctx)?` on every value. Evaluates to
/// `HPyResult<Dict<'ctx>>`.
///
/// ```
/// use hpy::{hpy_method, Context, Dict, HPyResult};
///
/// #[hpy_method]
/// fn describe<'ctx>(ctx: Context<'ctx>, xs: Vec<f64>) -> HPyResult<Dict<'ctx>> {
///     let n = xs.len();
///     let mean = xs.iter().sum::<f64>() / n as f64;
///     hpy::dict!(ctx, {
///         "n" => n,
///         "mean" => mean,
///         "values" => xs,
///         "label" => "sample",
///         "missing" => None::<i64>,
///     })
/// }
/// # fn main() {}
/// ```
#[macro_export]
macro_rules! dict {
    ($ctx:expr, { $($key:expr => $value:expr),* $(,)? }) => {
        (|| {
            let ctx: $crate::Context<'_> = $ctx;
            let dict = ctx.new_dict()?;
            $( $crate::impl_::dict_set_item(ctx, &dict, $key, $value)?; )*
            ::core::result::Result::<_, $crate::HPyErr>::Ok(dict)
        })()
    };
}

/// `dict[key] = value` with both converted. Not public API: used by
/// [`dict!`](crate::dict).
#[doc(hidden)]
#[inline]
pub fn dict_set_item<'ctx, K, V>(
    ctx: Context<'ctx>,
    dict: &Dict<'ctx>,
    key: K,
    value: V,
) -> HPyResult<()>
where
    K: crate::IntoHPy<'ctx>,
    V: crate::IntoHPy<'ctx>,
{
    dict.set_item(&key.into_hpy(ctx)?, &value.into_hpy(ctx)?)
}
