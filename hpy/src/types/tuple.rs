//! `tuple`: the typed handle [`Tuple`].

use hpy_sys::HPy_ssize_t;

use crate::{Context, HPyResult, Handle};

super::typed_handle! {
    /// A handle to a `tuple` (or an instance of a subclass).
    Tuple, "tuple", |obj| {
        crate::abi::has_type_flag(obj, super::any::type_flag::TUPLE, hpy_sys::HPyTuple_Check)
    }
}

impl<'ctx> Context<'ctx> {
    /// A new tuple of the given items (`HPyTuple_FromArray`).
    pub fn new_tuple(self, items: &[&Handle<'ctx>]) -> HPyResult<Tuple<'ctx>> {
        const STACK: usize = 8;
        let build = |raw: &mut [hpy_sys::HPy]| {
            // SAFETY: `raw` holds valid handles kept open by `items`; the
            // tuple takes its own references; owned or HPy_NULL.
            unsafe {
                self.wrap_result(hpy_sys::HPyTuple_FromArray(
                    self.as_raw(),
                    raw.as_mut_ptr(),
                    raw.len() as HPy_ssize_t,
                ))
                .map(Tuple)
            }
        };
        if items.len() <= STACK {
            let mut raw = [hpy_sys::HPy_NULL; STACK];
            for (slot, item) in raw.iter_mut().zip(items) {
                *slot = item.as_raw();
            }
            build(&mut raw[..items.len()])
        } else {
            build(&mut items.iter().map(|h| h.as_raw()).collect::<Vec<_>>())
        }
    }
}

impl<'ctx> Tuple<'ctx> {
    /// `self[index]`, counting from the end for a negative index
    /// (`HPy_GetItem_i`); `IndexError` when out of range.
    #[inline]
    pub fn get(&self, index: isize) -> HPyResult<Handle<'ctx>> {
        self.0.get_item_i(index)
    }

    /// The items, as new handles.
    pub fn items(&self) -> HPyResult<Vec<Handle<'ctx>>> {
        (0..self.len()?).map(|i| self.get(i as isize)).collect()
    }
}
