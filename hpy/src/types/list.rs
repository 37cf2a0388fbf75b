//! `list`: the typed handle [`List`].

use crate::{Context, HPyResult, Handle, Tuple};

super::typed_handle! {
    /// A handle to a `list` (or an instance of a subclass).
    ///
    /// ```
    /// use hpy::{hpy_method, Context, HPyResult, IntoHPy, List};
    ///
    /// /// Appends `n` to the list and returns its new length.
    /// #[hpy_method]
    /// fn push<'ctx>(ctx: Context<'ctx>, xs: &List<'ctx>, n: i64) -> HPyResult<usize> {
    ///     xs.append(&n.into_hpy(ctx)?)?;
    ///     xs.len()
    /// }
    /// # fn main() {}
    /// ```
    ///
    /// Called with something else, `push` raises `TypeError: push() argument
    /// 'xs' must be list, not tuple`.
    List, "list", |obj| {
        crate::abi::has_type_flag(obj, super::any::type_flag::LIST, hpy_sys::HPyList_Check)
    }
}

impl<'ctx> Context<'ctx> {
    /// A new empty list (`HPyList_New(0)`).
    ///
    /// HPy's `HPyList_New(n)` with `n > 0` makes a list of `n` *unset*
    /// items that HPy 0.9 has no safe way to fill, so only the empty list
    /// is offered: use [`List::append`], or a
    /// [`ListBuilder`](crate::ListBuilder).
    #[inline]
    pub fn new_list(self) -> HPyResult<List<'ctx>> {
        // SAFETY: valid context; a list of length 0 has no unset items; the
        // result is owned or HPy_NULL.
        unsafe {
            self.wrap_result(hpy_sys::HPyList_New(self.as_raw(), 0))
                .map(List)
        }
    }
}

impl<'ctx> List<'ctx> {
    /// Sorts the list in place by `<`, as `list.sort(self)` does (the
    /// `list` type's own sort, also for a subclass that overrides `sort`).
    ///
    /// HPy 0.9 has no such call: the CPython ABI and hpy_rs_universal's
    /// plain context call CPython's `PyList_Sort` directly; other hosts
    /// call `list.sort` through HPy (`HPy_GetAttr_s` on the `list` type,
    /// then `HPy_Call`).
    ///
    /// ```
    /// use hpy::{hpy_method, HPyResult, List};
    ///
    /// #[hpy_method]
    /// fn sorted_in_place<'ctx>(xs: &List<'ctx>) -> HPyResult<()> {
    ///     xs.sort()
    /// }
    /// # fn main() {}
    /// ```
    pub fn sort(&self) -> HPyResult<()> {
        let ctx = self.context();
        // SAFETY: `self` is a live list of this context.
        if let Some(status) = unsafe { crate::abi::list_sort(ctx.as_raw(), self.as_raw()) } {
            return ctx.wrap_status(status);
        }
        let sort = ctx
            .constant(hpy_sys::HPyConstant::ListType)
            .get_attr_s("sort")?;
        sort.call(&[self]).map(drop)
    }

    /// `self.append(item)` (`HPyList_Append`).
    #[inline]
    pub fn append(&self, item: &Handle<'ctx>) -> HPyResult<()> {
        let ctx = self.context();
        // SAFETY: `self` is a list and `item` a valid handle; -1 with an
        // exception set on failure.
        ctx.wrap_status(unsafe {
            hpy_sys::HPyList_Append(ctx.as_raw(), self.as_raw(), item.as_raw())
        })
    }

    /// `self[index]`, counting from the end for a negative index
    /// (`HPy_GetItem_i`); `IndexError` when out of range.
    #[inline]
    pub fn get(&self, index: isize) -> HPyResult<Handle<'ctx>> {
        self.0.get_item_i(index)
    }

    /// `self[index] = item` (`HPy_SetItem_i`); `IndexError` when out of
    /// range.
    #[inline]
    pub fn set(&self, index: isize, item: &Handle<'ctx>) -> HPyResult<()> {
        self.0.set_item_i(index, item)
    }

    /// `tuple(self)`: a new tuple of the list's current items
    /// (`HPyTuple_FromArray`).
    pub fn to_tuple(&self) -> HPyResult<Tuple<'ctx>> {
        let n = self.len()?;
        // A subclass's `__len__` may lie (`2**40`): room that cannot be
        // had is a MemoryError, not an abort.
        let mut items = Vec::new();
        items
            .try_reserve_exact(n)
            .map_err(|_| crate::convert::no_room_for::<Handle<'ctx>>(n))?;
        for i in 0..n {
            items.push(self.get(i as isize)?);
        }
        let refs: Vec<&Handle<'ctx>> = items.iter().collect();
        self.context().new_tuple(&refs)
    }
}
