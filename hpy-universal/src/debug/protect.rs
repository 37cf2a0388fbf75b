//! Copies of raw data tied to a debug handle (the text of
//! `HPyUnicode_AsUTF8AndSize`, the bytes of `HPyBytes_AsString`, the name of
//! `HPyType_GetName`): the extension gets a read-only copy in pages of its
//! own, and once the handle is closed those pages lose all access, so a read
//! through a pointer kept past the handle faults at once instead of quietly
//! reading memory that CPython may already have reused.
//!
//! The pages come straight from `mmap` (declared here; Linux values), so a
//! protected copy never shares a page with anything else.

use core::ffi::{c_int, c_long, c_void};
use core::sync::atomic::{AtomicUsize, Ordering};

extern "C" {
    fn mmap(
        addr: *mut c_void,
        len: usize,
        prot: c_int,
        flags: c_int,
        fd: c_int,
        offset: i64,
    ) -> *mut c_void;
    fn mprotect(addr: *mut c_void, len: usize, prot: c_int) -> c_int;
    fn munmap(addr: *mut c_void, len: usize) -> c_int;
    fn sysconf(name: c_int) -> c_long;
}

// Linux values (the same on x86-64 and AArch64).
const PROT_NONE: c_int = 0;
const PROT_READ: c_int = 1;
const PROT_WRITE: c_int = 2;
const MAP_PRIVATE: c_int = 0x02;
const MAP_ANONYMOUS: c_int = 0x20;
const SC_PAGESIZE: c_int = 30;

/// The page size, asked of the system once (0 until then).
static PAGE_SIZE: AtomicUsize = AtomicUsize::new(0);

fn page_size() -> usize {
    let known = PAGE_SIZE.load(Ordering::Relaxed);
    if known != 0 {
        return known;
    }
    // SAFETY: sysconf has no preconditions.
    let size = unsafe { sysconf(SC_PAGESIZE) };
    let size = if size > 0 { size as usize } else { 4096 };
    // Every thread that asks gets the same answer, so a race is harmless.
    PAGE_SIZE.store(size, Ordering::Relaxed);
    size
}

/// A read-only copy of some bytes in pages of its own.
#[derive(Debug)]
pub(crate) struct ProtectedCopy {
    pages: *mut u8,
    /// Length of the mapping (whole pages).
    mapped: usize,
    /// Length of the copied data.
    len: usize,
    /// Whether the pages have lost all access.
    revoked: bool,
}

impl ProtectedCopy {
    /// Copies `len` bytes from `data` into fresh read-only pages; `None` if
    /// the pages cannot be had (the caller then hands out the original).
    ///
    /// # Safety
    /// `data` is readable for `len` bytes.
    pub(crate) unsafe fn new(data: *const u8, len: usize) -> Option<ProtectedCopy> {
        let page = page_size();
        let mapped = len.max(1).div_ceil(page) * page;
        // SAFETY: an anonymous private mapping with no address hint: no
        // existing memory is touched.
        let pages = unsafe {
            mmap(
                core::ptr::null_mut(),
                mapped,
                PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if pages as isize == -1 || pages.is_null() {
            return None;
        }
        let pages = pages.cast::<u8>();
        // SAFETY: the mapping is writable for `mapped >= len` bytes and
        // cannot overlap `data` (it is new); `data` is readable (caller).
        // Dropping write access cannot fail on pages we just mapped; if it
        // did, the copy would merely stay writable.
        unsafe {
            core::ptr::copy_nonoverlapping(data, pages, len);
            mprotect(pages.cast(), mapped, PROT_READ);
        }
        Some(ProtectedCopy {
            pages,
            mapped,
            len,
            revoked: false,
        })
    }

    /// The start of the copy.
    pub(crate) fn as_ptr(&self) -> *const u8 {
        self.pages
    }

    /// The number of bytes copied (what the protected-data budget counts,
    /// as HPy's does).
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The memory this copy holds (whole pages).
    #[cfg(test)]
    pub(crate) fn mapped_len(&self) -> usize {
        self.mapped
    }

    /// Removes all access: any later read through the pointer faults.
    pub(crate) fn revoke(&mut self) {
        if !self.revoked {
            // SAFETY: our own mapping, of exactly this length.
            unsafe { mprotect(self.pages.cast(), self.mapped, PROT_NONE) };
            self.revoked = true;
        }
    }
}

impl Drop for ProtectedCopy {
    fn drop(&mut self) {
        // SAFETY: our own mapping, unmapped once (here); nothing of ours
        // points into it afterwards (the extension was told the pointer is
        // invalid once the handle closed).
        unsafe { munmap(self.pages.cast(), self.mapped) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_is_equal_and_read_only_pages() {
        let text = b"hello, debug mode\0";
        // SAFETY: `text` is readable for its length.
        let copy = unsafe { ProtectedCopy::new(text.as_ptr(), text.len()) }.unwrap();
        assert_ne!(copy.as_ptr(), text.as_ptr());
        // SAFETY: the copy is readable for text.len() bytes until revoked.
        let read = unsafe { core::slice::from_raw_parts(copy.as_ptr(), text.len()) };
        assert_eq!(read, text);
        assert_eq!(copy.mapped_len() % page_size(), 0);
        assert!(copy.mapped_len() >= text.len());
    }

    #[test]
    fn empty_copy_still_gets_a_page() {
        // SAFETY: zero bytes are read.
        let copy = unsafe { ProtectedCopy::new(b"".as_ptr(), 0) }.unwrap();
        assert_eq!(copy.mapped_len(), page_size());
    }
}
