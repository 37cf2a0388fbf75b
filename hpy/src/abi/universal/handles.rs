//! Handles duplicated and closed. Through the context's `HPy_Dup` and
//! `HPy_Close`, except on hpy_rs_universal's plain context with a table of
//! version 10 ([`plain_ext::fast10`], CPython 3.12 and later): there a
//! handle is the object, and its reference count changes in place, as the
//! host's own functions change it, wherever that cannot free the object;
//! an immortal object's count is left alone, and the host is called for
//! the last reference and any count it must decide. Encoding a list of
//! 256 one-key dicts closes about four handles a dict, and a list of 256
//! `true` duplicates the immortal `True` 256 times: a call into the host
//! each, before.

use hpy_sys::{HPy, HPyContext};

use super::plain_ext;

/// Whether a count's low half `low` is an immortal object's (negative as
/// an `i32`, see
/// [`PlainContextExt::refcount_in_place`](hpy_sys::PlainContextExt::refcount_in_place)):
/// left alone.
#[inline(always)]
fn is_immortal(low: u32) -> bool {
    (low as i32) < 0
}

/// Whether a count's low half `low` may go up by one in place: a mortal
/// count from 1 to `i32::MAX - 1`.
#[inline(always)]
fn may_add(low: u32) -> bool {
    low.wrapping_sub(1) < 0x7fff_fffe
}

/// Whether a count's low half `low` may go down by one in place: a mortal
/// count from 2 to `i32::MAX`, so the object survives.
#[inline(always)]
fn may_take(low: u32) -> bool {
    low.wrapping_sub(2) < 0x7fff_fffe
}

/// `HPy_Dup(ctx, h)`: a new handle to the object of `h`.
///
/// # Safety
/// `ctx` is the context of the current call and `h` a live handle of it.
#[inline(always)]
pub unsafe fn dup(ctx: *mut HPyContext, h: HPy) -> HPy {
    if plain_ext::fast10(ctx).is_some() {
        let count = h._i as *mut u32;
        // SAFETY: on that context `h` is the address of a live object, the
        // GIL is held (a call is under way), and the table promises the
        // low half of its count at that address (version 10).
        unsafe {
            let low = count.read();
            if is_immortal(low) {
                return h;
            }
            if may_add(low) {
                count.write(low + 1);
                return h;
            }
        }
    }
    // SAFETY: the contract.
    unsafe { hpy_sys::HPy_Dup(ctx, h) }
}

/// `HPy_Close(ctx, h)`: gives up the handle `h`.
///
/// # Safety
/// `ctx` is the context of the current call and `h` a live handle of it,
/// owned by the caller, which does not use it again.
#[inline(always)]
pub unsafe fn close(ctx: *mut HPyContext, h: HPy) {
    if plain_ext::fast10(ctx).is_some() {
        let count = h._i as *mut u32;
        // SAFETY: as in `dup`; a mortal count of 2 or more stays 1 or
        // more, so the object is not freed and nothing else is to be done.
        unsafe {
            let low = count.read();
            if is_immortal(low) {
                return;
            }
            if may_take(low) {
                count.write(low - 1);
                return;
            }
        }
    }
    // SAFETY: the contract.
    unsafe { hpy_sys::HPy_Close(ctx, h) }
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_change_in_place_only_where_the_object_survives_and_is_mortal() {
        // Immortal on 3.12+ (3.12's all ones, 3.14's 3 << 30, and any
        // count with the sign bit of its low half).
        assert!(super::is_immortal(u32::MAX));
        assert!(super::is_immortal(3 << 30));
        assert!(super::is_immortal(0x8000_0000));
        assert!(!super::is_immortal(0x7fff_ffff));
        assert!(!super::is_immortal(1));
        // Added to: a mortal count, not one that would reach the sign bit.
        assert!(!super::may_add(0));
        assert!(super::may_add(1));
        assert!(super::may_add(0x7fff_fffe));
        assert!(!super::may_add(0x7fff_ffff));
        // Immortal on 3.12+ (3.12's all ones, 3.14's 3 << 30).
        assert!(!super::may_add(u32::MAX));
        assert!(!super::may_add(3 << 30));
        // Taken from: never the last reference, never an immortal.
        assert!(!super::may_take(0));
        assert!(!super::may_take(1));
        assert!(super::may_take(2));
        assert!(super::may_take(0x7fff_ffff));
        assert!(!super::may_take(0x8000_0000));
        assert!(!super::may_take(u32::MAX));
        assert!(!super::may_take(3 << 30));
    }
}
